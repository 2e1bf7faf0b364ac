"""Reads for the screen: windows of list rows, related records, search, the dashboard.

Everything is sorted and filtered in SQL and returns plain data. May import: ``audit``,
``storage``, ``domain``; never ``services`` (reads change nothing).
"""
