"""What crosses to other tools and to the counterpart.

``sheets``: spreadsheets in (import, templates) and out (CSV, XLSX exports).
``sync``: signed exchange packages with the counterpart side.
May import: ``services``, ``read``, ``audit``, ``storage``, ``domain``.
"""
