"""Printed outputs: the meeting packet and the manager's review, as bilingual PDFs.

Owns the ReportLab drawing, its fonts and styles, and making stored text safe as
ReportLab markup. May import: ``read``, ``audit``, ``storage``, ``domain``.
"""
