"""The audit trail: append-only, hash-chained events, and reading them back.

Owns writing events (``trail``) and the filtered, permission-checked windows of events
that managers read (``reading``). May import: ``storage``, ``domain``.
"""
