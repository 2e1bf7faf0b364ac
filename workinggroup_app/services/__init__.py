"""The write road: every change a user makes goes through a service, in one transaction.

Owns the record services (create, update, transition, archive, with their audit events and
status history) and the accounts (sign-in, roles, passwords). May import: ``audit``,
``storage``, ``domain``.
"""
