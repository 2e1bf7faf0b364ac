"""XLSX export of a list: the same columns, headers, filter and audience as the CSV export.

The workbook is written in openpyxl's write-only (streaming) mode from batches of rows read
in one snapshot, so memory stays flat for any size of list; the file appears only when
complete. Cells keep their types: dates are date cells (``yyyy-mm-dd``), instants are
UTC date-time cells, numbers stay numbers, and text is always a text cell.

Formula injection: a text cell is never a formula in XLSX, but a text that *starts like*
one (= + - @ tab CR, or the full-width ＝＋－＠) is written as an explicit string cell
with Excel's "quote prefix" set, the stored form of typing a leading apostrophe: Excel
and LibreOffice show the text and keep it text when the cell is edited or the sheet is
saved as CSV. The text itself is unchanged, so the file imports back exactly.
"""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from workinggroup_app.domain import releasability, vocabulary
from workinggroup_app.domain.fields import BOOL, CHOICE, READONLY, FieldDef, RecordType
from workinggroup_app.exchange.sheets.export import (
    FORMULA_START,
    RELEASABLE_COLUMN,
    file_columns,
    write_list,
)
from workinggroup_app.read import lists
from workinggroup_app.storage.database import Database

EXCEL_MAX_CELL = 32_767  # characters in one cell; longer text makes Excel repair the file


def _illegal() -> Any:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE


def needs_protection(text: str) -> bool:
    """Would a spreadsheet read this text as the start of a formula?"""
    return text.startswith(FORMULA_START)


def _text(value: str) -> str:
    text = _illegal().sub("", value)  # control characters cannot be stored in XLSX
    if len(text) > EXCEL_MAX_CELL:
        marker = " … [truncated: the full text is in the application]"
        text = text[: EXCEL_MAX_CELL - len(marker)] + marker
    return text


class _Writer:
    """Cells for one worksheet, with the few styles the export needs."""

    def __init__(self, ws: Any) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        self.ws = ws
        self.cell_type = WriteOnlyCell
        self.bold = Font(bold=True)

    def header(self, names: list[str]) -> list[Any]:
        out = []
        for name in names:
            c = self.cell_type(self.ws, value=None)
            c.value = _text(name)
            c.data_type = "s"
            c.font = self.bold
            out.append(c)
        return out

    def text(self, value: str) -> Any:
        text = _text(value)
        if not needs_protection(text):
            return text  # openpyxl writes a plain str as a text cell
        c = self.cell_type(self.ws, value=None)
        c.value = text
        c.data_type = "s"  # never "f", whatever the first character
        c.quotePrefix = True
        return c

    def date(self, value: date) -> Any:
        c = self.cell_type(self.ws, value=value)
        c.number_format = "yyyy-mm-dd"
        return c

    def instant(self, value: datetime) -> Any:
        if value.tzinfo is not None:  # Excel has no time zones: the cell says UTC
            value = value.astimezone(UTC).replace(tzinfo=None)
        c = self.cell_type(self.ws, value=value)
        c.number_format = 'yyyy-mm-dd hh:mm "UTC"'
        return c


def _cell(w: _Writer, f: FieldDef | None, value: Any, values: str, lang: str) -> Any:
    if value is None:
        return None
    if isinstance(value, bool) or (f is not None and f.kind == BOOL):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return w.instant(value)
    if isinstance(value, date):
        return w.date(value)
    if isinstance(value, (int, float)):
        return value  # real numbers stay numbers
    if values == "words" and f is not None and f.vocabulary and f.kind in (CHOICE, READONLY):
        return w.text(vocabulary.word(f.vocabulary, str(value), lang))
    return w.text(str(value))


def _row(w: _Writer, rt: RecordType, names: list[str], row: lists.Row, values: str, lang: str):
    out = []
    for name in names:
        if name == RELEASABLE_COLUMN:
            marked = releasability.marked_releasable(row.values.get("releasability"))
            out.append("yes" if marked else "no")
        else:
            out.append(_cell(w, rt.field(name), row.values.get(name), values, lang))
    return out


class XlsxSheet:
    """Rows as typed cells of one streamed worksheet."""

    name = "xlsx"

    def __init__(self, rt: RecordType, values: str, lang: str) -> None:
        self.rt, self.values, self.lang = rt, values, lang
        self.names = file_columns(rt)
        self.ws: Any = None

    def begin(self, path: Path, rt: RecordType, headers: list[str]) -> None:
        from openpyxl import Workbook
        from openpyxl.utils import get_column_letter

        self.path = path
        self.wb = Workbook(write_only=True)
        ws = self.ws = self.wb.create_sheet(
            vocabulary.word("record_type_plural", rt.key, self.lang)[:31]
        )
        ws.freeze_panes = "A2"
        for i, name in enumerate(self.names):
            width = 12 if name == RELEASABLE_COLUMN else rt.field(name).width / 7
            ws.column_dimensions[get_column_letter(i + 1)].width = max(10, min(60, width))
        self.w = _Writer(ws)
        ws.append(self.w.header(headers))

    def write(self, rows: list[lists.Row]) -> None:
        for r in rows:
            self.ws.append(_row(self.w, self.rt, self.names, r, self.values, self.lang))

    def finish(self) -> None:
        self.wb.save(str(self.path))

    def abandon(self) -> None:
        _discard(self.ws)


def export_xlsx(
    db: Database, spec: lists.ListSpec, path: str | os.PathLike[str], **options: Any
) -> int:
    """Write the records of ``spec`` to ``path`` as an XLSX workbook; returns the row count.
    ``options`` are ``export.write_list``'s: headers, audience, actor, values, progress,
    batch."""
    return write_list(db, spec, path, XlsxSheet, **options)


def _discard(ws: Any) -> None:
    """Finish and delete the worksheet's temporary file after a cancel or an error."""
    if ws is None or ws.closed:
        return
    with contextlib.suppress(Exception):
        ws.close()
    writer = getattr(ws, "_writer", None)
    if writer is not None:
        with contextlib.suppress(Exception):
            writer.cleanup()
