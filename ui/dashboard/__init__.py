"""The manager's dashboard: tiles and charts of open and overdue work."""
