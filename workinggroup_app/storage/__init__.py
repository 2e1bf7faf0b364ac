"""Storage: where the data lives and how it is opened, migrated, backed up and indexed.

Owns the engine and its pragmas, the user folders, the Alembic runs, backup and restore,
the search index rows and the human reference numbers. May import: ``domain``.
"""
