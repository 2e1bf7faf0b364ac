"""CSV export of a list (UTF-8 with BOM), on the one road of ``export.write_list``.

A cell that a spreadsheet would run as a formula (= + - @ tab CR, and their full-width
forms) gets a leading apostrophe; real numbers such as ``-12.5`` are left as they are.
"""

from __future__ import annotations

import csv
import os
import re
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

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

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(cell: str) -> str:
    """Make a cell inert in Excel / LibreOffice: prefix an apostrophe to formula starts."""
    if cell.startswith(FORMULA_START) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def format_value(f: FieldDef, value: Any, *, values: str = "keys", lang: str = "en") -> str:
    """One cell as text: dates ISO, instants ISO in UTC, booleans yes/no, choices as keys."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if f.kind == BOOL or isinstance(value, bool):
        return "yes" if value else "no"
    if values == "words" and f.vocabulary and (f.kind in (CHOICE, READONLY)):
        return vocabulary.word(f.vocabulary, str(value), lang)
    return str(value)


def row_formatter(rt: RecordType, values: str = "keys", lang: str = "en"):
    """A function turning a list Row into the file's cells (the plan is worked out once)."""
    plan: list[tuple[str, FieldDef | None, bool]] = []
    for name in file_columns(rt):
        if name == RELEASABLE_COLUMN:
            plan.append((name, None, False))
        else:
            f = rt.field(name)
            words_wanted = values == "words" and bool(f.vocabulary)
            plan.append((name, f, words_wanted))

    def cells(row: lists.Row) -> list[str]:
        out = []
        get = row.values.get
        for name, f, words_wanted in plan:
            if f is None:
                out.append("yes" if releasability.marked_releasable(get("releasability")) else "no")
                continue
            value = get(name)
            if value is None:
                out.append("")
            elif type(value) is str and not words_wanted:
                out.append(neutralise(value) if value.startswith(FORMULA_START) else value)
            else:
                out.append(neutralise(format_value(f, value, values=values, lang=lang)))
        return out

    return cells


class CsvSheet:
    """Rows as CSV cells, through ``row_formatter``."""

    name = "csv"

    def __init__(self, rt: RecordType, values: str, lang: str) -> None:
        self.to_cells = row_formatter(rt, values, lang)
        self.fh: IO[str] | None = None

    def begin(self, path: Path, rt: RecordType, headers: list[str]) -> None:
        self.fh = path.open("w", encoding="utf-8-sig", newline="")
        self.writer = csv.writer(self.fh)
        self.writer.writerow(headers)

    def write(self, rows: list[lists.Row]) -> None:
        self.writer.writerows(self.to_cells(r) for r in rows)

    def finish(self) -> None:
        if self.fh is not None:
            self.fh.close()

    def abandon(self) -> None:
        self.finish()


def export_csv(
    db: Database, spec: lists.ListSpec, path: str | os.PathLike[str], **options: Any
) -> int:
    """Write the records of ``spec`` to ``path`` as CSV (UTF-8 with BOM); returns the row count.
    ``options`` are ``export.write_list``'s: headers, audience, actor, values, progress,
    batch."""
    return write_list(db, spec, path, CsvSheet, **options)
