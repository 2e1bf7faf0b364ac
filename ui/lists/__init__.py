"""Lists of records: the one table model, the list view and its filter bar."""
