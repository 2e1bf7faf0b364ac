"""Spreadsheets: importing records from CSV and XLSX, templates, CSV and XLSX exports.

An import reads a sheet (``read``), matches its headers to fields (``mapping``), turns each
row's cells into values (``cells``), checks every row and reports its ``problems``
(``importer``, remembering what it checked in ``memo``), then writes all rows or none
(``bulk``); ``workbook`` does it for every sheet of a workbook at once, a meeting's
attendees, agenda and decisions (``parts``) included. ``template`` writes the blank sheet to fill in; ``export`` writes a list's
rows as CSV or XLSX. Callers import the import's names from here.
"""

from workinggroup_app.exchange.sheets.cells import (
    MAX_REFERENCE,
    looks_like_formula,
    row_cells,
    unprotect,
)
from workinggroup_app.exchange.sheets.importer import Importer, parse_rows, run_import
from workinggroup_app.exchange.sheets.mapping import (
    CREATE_ONLY,
    HEADER_STYLES,
    IMPORT_TYPES,
    RELEASABLE_COLUMN,
    RELEASABLE_LABELS,
    column_letter,
    field_label,
    guess_mapping,
    header_keys,
    import_type,
    importable_fields,
)
from workinggroup_app.exchange.sheets.problems import ImportReport, Problem
from workinggroup_app.exchange.sheets.read import (
    FORMATS,
    Formula,
    ImportFileError,
    Sheet,
    read_csv,
    read_sheet,
    read_workbook,
    read_xlsx,
)
from workinggroup_app.exchange.sheets.template import (
    template_columns,
    template_headers,
    write_template,
)

__all__ = [
    "CREATE_ONLY",
    "FORMATS",
    "HEADER_STYLES",
    "IMPORT_TYPES",
    "MAX_REFERENCE",
    "RELEASABLE_COLUMN",
    "RELEASABLE_LABELS",
    "Formula",
    "ImportFileError",
    "ImportReport",
    "Importer",
    "Problem",
    "Sheet",
    "column_letter",
    "field_label",
    "guess_mapping",
    "header_keys",
    "import_type",
    "importable_fields",
    "looks_like_formula",
    "parse_rows",
    "read_csv",
    "read_sheet",
    "read_workbook",
    "read_xlsx",
    "row_cells",
    "run_import",
    "template_columns",
    "template_headers",
    "unprotect",
    "write_template",
]
