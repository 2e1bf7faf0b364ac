"""CSV export of a list: the same ListSpec that drives a list view drives the file.

One row per record. Columns: reference, uuid, title_en, title_zh, status (record types with
a workflow), releasable (yes/no), then the record type's other listable fields, in the order
fields.py declares them. Headers are field names (``headers="en"``) or Chinese labels
(``headers="zh"``); CHOICE values are written as their stored keys unless ``values="words"``.

Rows are the list's own query (``queries.ordered_select``, the one behind ``list_rows``),
streamed in batches inside one read snapshot, so the file is consistent while others write
and memory does not grow with the table. A cell that a spreadsheet would run as a formula
(= + - @ tab CR, and their full-width forms) gets a leading apostrophe; real numbers such
as ``-12.5`` are left as they are.

A bilateral export keeps only what ``releasability.visible_clause`` lets the counterpart see,
needs the ``export_bilateral`` permission, and is recorded in the audit trail.
"""

from __future__ import annotations

import contextlib
import csv
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from workinggroup_app.audit import trail
from workinggroup_app.domain import releasability, vocabulary
from workinggroup_app.domain.fields import BOOL, CHOICE, READONLY, FieldDef, RecordType
from workinggroup_app.domain.permissions import SYSTEM, Actor, require
from workinggroup_app.read import lists
from workinggroup_app.storage.database import Database
from workinggroup_app.storage.engine import create_app_engine

BATCH = 2000
HEADER_STYLES = ("en", "zh")
VALUE_STYLES = ("keys", "words")

# Columns every export starts with, whatever the record type.
LEADING = ("reference", "uuid", "title_en", "title_zh", "status")
RELEASABLE_COLUMN = "releasable"
RELEASABLE_LABEL = vocabulary.pair("column", RELEASABLE_COLUMN)  # its header, en / zh

# Spreadsheets run a cell as a formula when it starts with one of these.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(cell: str) -> str:
    """Make a cell inert in Excel / LibreOffice: prefix an apostrophe to formula starts."""
    if cell.startswith(_FORMULA_START) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def _leading(rt: RecordType) -> list[str]:
    return [name for name in LEADING if rt.has(name)]


def export_columns(rt: RecordType) -> list[str]:
    """The fields exported for a record type, in file order (``releasable`` goes after the
    leading ones; the ``releasability`` marking itself is that yes/no column)."""
    rest = [f.name for f in rt.list_fields() if f.name not in LEADING and f.name != "releasability"]
    return [*_leading(rt), *rest]


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


def file_columns(rt: RecordType) -> list[str]:
    lead = _leading(rt)
    return [*lead, RELEASABLE_COLUMN, *export_columns(rt)[len(lead) :]]


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
                out.append(neutralise(value) if value.startswith(_FORMULA_START) else value)
            else:
                out.append(neutralise(format_value(f, value, values=values, lang=lang)))
        return out

    return cells


@contextlib.contextmanager
def snapshot_session(db: Database) -> Iterator[Session]:
    """A read-only session over one consistent snapshot that never blocks writers.

    SQLite: a separate engine without the application's BEGIN IMMEDIATE, so the read
    transaction is a WAL snapshot. PostgreSQL: REPEATABLE READ, READ ONLY.
    """
    if db.is_sqlite:
        engine = create_app_engine(db.url, readonly=True)
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("BEGIN")
                with Session(bind=conn) as session:
                    yield session
                conn.exec_driver_sql("ROLLBACK")
        finally:
            engine.dispose()
    else:
        with db.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            with Session(bind=conn) as session:
                yield session
            conn.rollback()


def iter_rows(
    session: Session, spec: lists.ListSpec, *, columns: list[str], batch: int = BATCH
) -> Iterator[tuple[int, list[lists.Row]]]:
    """Batches of rows of ``spec``, in the list's order, as (total, batch).

    One query, the list's own (``queries.ordered_select``), read ``batch`` rows at a time
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


def export_csv(
    db: Database,
    spec: lists.ListSpec,
    path: str | os.PathLike[str],
    *,
    headers: str = "en",
    audience: str = "internal",
    actor: Actor = SYSTEM,
    values: str = "keys",
    progress: Callable[[int, int], Any] | None = None,
    batch: int = BATCH,
) -> int:
    """Write the records of ``spec`` to ``path`` as CSV (UTF-8 with BOM); returns the row count.

    The file appears only when complete (written beside it, then renamed). ``progress(done,
    total)`` is called after each batch; an exception it raises (a cancel) leaves no file.
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

    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=folder)
    except OSError as exc:  # name the file the user asked for, not the temporary one
        raise type(exc)(exc.errno, exc.strerror, str(target)) from None
    tmp = Path(tmp_name)
    written = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header_row(rt, headers))
            with snapshot_session(db) as session:
                to_cells = row_formatter(rt, values, lang)
                for total, rows in iter_rows(session, spec, columns=columns, batch=batch):
                    writer.writerows(to_cells(r) for r in rows)
                    written += len(rows)
                    if progress is not None:
                        progress(written, total)
        record_export(db, actor, rt, spec, target, written, fmt="csv", audience=audience)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
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
