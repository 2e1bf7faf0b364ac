"""Exporting a list as a spreadsheet: what every format shares.

The same ListSpec that drives a list view drives the file. One row per record. Columns:
reference, uuid, title_en, title_zh, status (record types with a workflow), releasable
(yes/no), then the record type's other listable fields, in the order fields.py declares
them. Headers are field names (``headers="en"``) or Chinese labels (``headers="zh"``);
CHOICE values are written as their stored keys unless ``values="words"``.

Rows are the list's own query (``lists.ordered_select``, the one behind ``list_rows``),
streamed in batches inside one read snapshot, so the file is consistent while others write
and memory does not grow with the table. The file appears only when complete (written
beside it, then renamed); a cancel or an error leaves no file.

A bilateral export keeps only what ``releasability.visible_clause`` lets the counterpart see,
needs the ``export_bilateral`` permission, and is recorded in the audit trail.

``write_list`` is the one road; a format (``csv_export.CsvSheet``,
``xlsx_export.XlsxSheet``) only turns rows into its own cells.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.orm import Session

from workinggroup_app.audit import trail
from workinggroup_app.domain import releasability, vocabulary
from workinggroup_app.domain.fields import RecordType
from workinggroup_app.domain.permissions import SYSTEM, Actor, require
from workinggroup_app.read import lists
from workinggroup_app.storage.database import Database
from workinggroup_app.storage.files import written_whole
from workinggroup_app.storage.snapshot import snapshot_session

BATCH = 2000
HEADER_STYLES = ("en", "zh")
VALUE_STYLES = ("keys", "words")

# Columns every export starts with, whatever the record type.
LEADING = ("reference", "uuid", "title_en", "title_zh", "status")
RELEASABLE_COLUMN = "releasable"
RELEASABLE_LABEL = vocabulary.pair("column", RELEASABLE_COLUMN)  # its header, en / zh

# Spreadsheets run a cell as a formula when it starts with one of these.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def _leading(rt: RecordType) -> list[str]:
    return [name for name in LEADING if rt.has(name)]


def export_columns(rt: RecordType) -> list[str]:
    """The fields exported for a record type, in file order (``releasable`` goes after the
    leading ones; the ``releasability`` marking itself is that yes/no column)."""
    rest = [f.name for f in rt.list_fields() if f.name not in LEADING and f.name != "releasability"]
    return [*_leading(rt), *rest]


def file_columns(rt: RecordType) -> list[str]:
    lead = _leading(rt)
    return [*lead, RELEASABLE_COLUMN, *export_columns(rt)[len(lead) :]]


def header_row(rt: RecordType, headers: str = "en") -> list[str]:
    names = file_columns(rt)
    if headers == "en":
        return names
    out = []
    for name in names:
        if name == RELEASABLE_COLUMN:
            out.append(RELEASABLE_LABEL[1])
        else:
            out.append(rt.field(name).label_zh)
    return out


def iter_rows(
    session: Session, spec: lists.ListSpec, *, columns: list[str], batch: int = BATCH
) -> Iterator[tuple[int, list[lists.Row]]]:
    """Batches of rows of ``spec``, in the list's order, as (total, batch).

    One query, the list's own (``lists.ordered_select``), read ``batch`` rows at a time
    from a streaming cursor (server-side on PostgreSQL): no deep OFFSET, so the cost grows
    with the number of rows, not with its square, and memory holds one batch.
    """
    total = lists.count_rows(session, spec)
    if total == 0:
        return
    q, exprs = lists.ordered_select(session, spec, columns)
    result = session.execute(q.execution_options(yield_per=batch))
    try:
        for part in result.partitions(batch):
            yield total, [lists.to_row(r, exprs) for r in part]
    finally:
        result.close()


class SheetFormat(Protocol):
    """One file format: opened on a temporary path, given the header and batches of rows,
    then finished (saved) or abandoned."""

    name: str  # "csv", "xlsx": the audit event's format

    def begin(self, path: Path, rt: RecordType, headers: list[str]) -> None: ...

    def write(self, rows: list[lists.Row]) -> None: ...

    def finish(self) -> None: ...

    def abandon(self) -> None: ...


Progress = Callable[[int, int], Any]


def write_list(
    db: Database,
    spec: lists.ListSpec,
    path: str | os.PathLike[str],
    make_format: Callable[[RecordType, str, str], SheetFormat],
    *,
    headers: str = "en",
    audience: str = "internal",
    actor: Actor = SYSTEM,
    values: str = "keys",
    progress: Progress | None = None,
    batch: int = BATCH,
) -> int:
    """Write the records of ``spec`` to ``path`` in the format ``make_format(rt, values,
    lang)`` makes; returns the row count.

    ``progress(done, total)`` is called after each batch; an exception it raises (a cancel)
    leaves no file.
    """
    rt = spec.rt
    releasability.check_audience(audience)
    if headers not in HEADER_STYLES:
        raise ValueError(f"headers must be one of {', '.join(HEADER_STYLES)}, not {headers!r}")
    if values not in VALUE_STYLES:
        raise ValueError(f"values must be one of {', '.join(VALUE_STYLES)}, not {values!r}")
    require(actor, "export_bilateral" if audience == "bilateral" else "export", rt.key)
    spec = spec.with_(record_type=rt.key, audience=audience)
    lang = "zh" if headers == "zh" else "en"
    columns = [*export_columns(rt), "releasability"]
    sheet = make_format(rt, values, lang)

    target = Path(path)
    written = 0
    with written_whole(target) as tmp:
        try:
            sheet.begin(tmp, rt, header_row(rt, headers))
            with snapshot_session(db) as session:
                for total, rows in iter_rows(session, spec, columns=columns, batch=batch):
                    sheet.write(rows)
                    written += len(rows)
                    if progress is not None:
                        progress(written, total)
            sheet.finish()
        except BaseException:
            sheet.abandon()
            raise
        record_export(db, actor, rt, spec, target, written, fmt=sheet.name, audience=audience)
    return written


def record_export(
    db: Database,
    actor: Actor,
    rt: RecordType,
    spec: lists.ListSpec,
    target: Path,
    rows: int,
    *,
    fmt: str,
    audience: str,
) -> None:
    """One audit event per export (CSV, XLSX): who, for whom, which filter, how many rows."""
    filters = {
        "text": spec.text or None,
        "equals": [list(pair) for pair in spec.equals] or None,
        "open_only": spec.open_only or None,
        "flag": spec.flag or None,
        "releasability": spec.releasability,
        "include_archived": spec.include_archived or None,
    }
    trail.record(
        db,
        actor=actor.username,
        action="export",
        record_type=rt.key,
        changes={
            "audience": audience,
            "format": fmt,
            "file": target.name,
            "rows": rows,
            "filter": {k: v for k, v in filters.items() if v is not None},
        },
    )
