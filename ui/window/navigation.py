"""The navigation entries of the main window: the dashboard first, then one list per record
type, keys read from the vocabulary so the window starts without the database layer.
"""

from __future__ import annotations

from workinggroup_app.domain import vocabulary

# The navigation order; keys as in fields.RECORD_TYPES (read from the word table so this
# module does not import the database layer).
RECORD_TYPE_KEYS: tuple[str, ...] = tuple(vocabulary.keys("record_type_plural"))
DASHBOARD = "dashboard"
# The navigation entries: the dashboard (the home view), then one list per record type.
NAV_KEYS: tuple[str, ...] = (DASHBOARD, *RECORD_TYPE_KEYS)
