"""Support for running the application: the log file and crash reports.

May import: ``storage`` (for the user folders), ``domain``.
"""
