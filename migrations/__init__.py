"""The Alembic environment and versions: the only way the schema changes. Installed as
``workinggroup_app.migrations``; ``workinggroup_app.storage`` runs them from these files."""
