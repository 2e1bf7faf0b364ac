"""The domain: what the records are and the rules they obey, with no storage and no I/O.

Owns the typed models, the field definitions (and the child parts of records), the
workflows, roles and permissions, the releasability rule, the validators, the expected
errors and the one bilingual vocabulary. May import: nothing of the application outside
this package (SQLAlchemy for the mappings and the releasability clause, the standard
library). Importing this package imports nothing heavy: each module is imported by name.
"""
