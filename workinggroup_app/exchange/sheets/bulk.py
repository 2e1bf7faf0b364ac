"""Writing checked rows in bulk: references numbered in blocks, records inserted in batches
with their history, search text and audit events.
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from workinggroup_app.audit import trail
from workinggroup_app.domain import models, vocabulary
from workinggroup_app.domain.fields import LINKS, LONGTEXT, TEXT, RecordType
from workinggroup_app.domain.models import ReferenceCounter, utcnow
from workinggroup_app.exchange.sheets.cells import REFERENCE_PATTERN
from workinggroup_app.storage.reference_numbers import format_reference, reserve_block
from workinggroup_app.storage.search_index import body_for

BATCH = 2000


Progress = Callable[[int, int], Any]


def _pg_new_ids(session: Session, table: str, n: int) -> list[int]:
    """``n`` new ids from the serial sequence of ``table``'s id column (PostgreSQL), rising."""
    return sorted(
        int(i)
        for i in session.execute(
            text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
            {"t": table, "n": n},
        ).scalars()
    )


_FTS_INSERT_TRIGGER = "search_text_ai"


@contextmanager
def _bulk_search_index(session: Session) -> Iterator[None]:
    """Index many new search_text rows at once on SQLite.

    The migrations keep the FTS5 index in step with an AFTER INSERT trigger, which costs a
    separate index update per row: most of a large import's time. Inside the import's own
    transaction (which holds the database's write lock) the trigger is set aside, the new
    rows are indexed with one INSERT ... SELECT, and the trigger is put back exactly as
    the schema defines it; a failure rolls all of it back together. Anywhere else (no such
    trigger, PostgreSQL) this does nothing special.
    """
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    trigger_sql = session.execute(
        text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :n"),
        {"n": _FTS_INSERT_TRIGGER},
    ).scalar()
    if not trigger_sql or "search_fts" not in trigger_sql:
        yield
        return
    last = session.execute(select(func.max(models.SearchText.id))).scalar() or 0
    session.execute(text(f"DROP TRIGGER {_FTS_INSERT_TRIGGER}"))
    yield
    session.execute(
        text(
            "INSERT INTO search_fts(rowid, body) SELECT id, body FROM search_text WHERE id > :last"
        ),
        {"last": last},
    )
    session.execute(text(trigger_sql))


def assign_references(
    session: Session, rt: RecordType, rows: list[tuple[int, dict[str, Any]]], year: int
) -> None:
    """Give every row without a reference the next numbers, after the given ones."""
    prefix = rt.prefix
    given_max: dict[int, int] = {}
    for _n, v in rows:
        m = REFERENCE_PATTERN.match(v.get("reference") or "")
        if m:
            year, number = int(m.group(2)), int(m.group(3))
            given_max[year] = max(given_max.get(year, 0), number)
    for year, number in given_max.items():
        counter = session.get(ReferenceCounter, (prefix, year))
        if counter is None:
            session.add(ReferenceCounter(prefix=prefix, year=year, last=number))
        elif counter.last < number:
            counter.last = number
    session.flush()
    missing = [v for _n, v in rows if not v.get("reference")]
    if not missing:
        return
    given = {v["reference"] for _n, v in rows if v.get("reference")}
    model = rt.model
    fresh: list[str] = []
    while len(fresh) < len(missing):
        need = len(missing) - len(fresh)
        first = reserve_block(session, prefix, year, need)
        candidates = [format_reference(prefix, year, first + k) for k in range(need)]
        taken = set(given)
        for start in range(0, len(candidates), 500):
            chunk = candidates[start : start + 500]
            taken.update(
                session.execute(select(model.reference).where(model.reference.in_(chunk)))
                .scalars()
                .all()
            )
        fresh.extend(c for c in candidates if c not in taken)
    for v, ref in zip(missing, fresh, strict=False):
        v["reference"] = ref


def insert_rows(
    session: Session,
    rt: RecordType,
    rows: list[tuple[int, dict[str, Any]]],
    *,
    user: str,
    source: str,
    year: int,
    progress: Progress | None,
) -> list[str]:
    """Write checked rows in batches: records, status history, search text and one audit
    event per record; the new references, in row order."""
    model = rt.model
    assign_references(session, rt, rows, year)
    now = utcnow()
    wf = rt.workflow
    records: list[dict[str, Any]] = []
    for _n, v in rows:
        rec: dict[str, Any] = {}
        for f in rt.fields:
            if f.kind == LINKS:
                continue
            if f.name in v:
                rec[f.name] = v[f.name]
            elif f.kind in (TEXT, LONGTEXT):
                rec[f.name] = ""
            else:
                rec[f.name] = None
        rec["uuid"] = v.get("uuid") or str(uuidlib.uuid4())
        rec["releasability"] = v.get("releasability") or "us_only"
        rec["caveat"] = v.get("caveat") or "SBU"
        if wf is not None:
            rec["status"] = v.get("status") or wf.initial
        rec.update(
            archived=False,
            created_at=now,
            updated_at=now,
            created_by=user,
            updated_by=user,
            version=1,
        )
        records.append(rec)
    total = len(records)
    ids: list[int] = []
    table = model.__table__
    pg = session.get_bind().dialect.name == "postgresql"
    if pg:
        # The ids come from the table's own sequence in one query, as audit events'
        # do, so the rows go in with a plain (pipelined) executemany. Reading them back
        # by UUID afterwards cost a scan per chunk: PostgreSQL's planner knows nothing
        # yet of the rows this transaction has just written.
        fresh = _pg_new_ids(session, table.name, total)
        for rec, rid in zip(records, fresh, strict=True):
            rec["id"] = rid
    for start in range(0, total, BATCH):
        chunk = records[start : start + BATCH]
        session.execute(insert(table), chunk)
        if pg:
            ids.extend(r["id"] for r in chunk)
        else:  # executemany, then the new ids by UUID: SQLite finds them by index
            uuids = [r["uuid"] for r in chunk]
            by_uuid: dict[str, int] = {}
            for sub in range(0, len(uuids), 500):
                by_uuid.update(
                    session.execute(
                        select(model.uuid, model.id).where(model.uuid.in_(uuids[sub : sub + 500]))
                    ).all()
                )
            ids.extend(by_uuid[u] for u in uuids)
        if progress is not None:
            progress(start + len(chunk), total * 2)
    history: list[dict[str, Any]] = []
    search: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for (_n, v), rec, rid in zip(rows, records, ids, strict=True):
        search.append({"record_type": rt.key, "record_id": rid, "body": body_for(rt.key, rec)})
        changes: dict[str, Any] = {
            k: [None, rec[k]] for k in v if k in rec and rec[k] not in (None, "")
        }
        changes["reference"] = [None, rec["reference"]]
        for name in ("releasability", "caveat", "uuid"):
            changes[name] = [None, rec[name]]
        if wf is not None:
            history.append(
                {
                    "record_type": rt.key,
                    "record_id": rid,
                    "from_status": None,
                    "to_status": rec["status"],
                    "comment": f"imported as {vocabulary.word(wf.vocabulary, rec['status'])} "
                    f"from {source}",
                    "note_releasable": False,
                    "changed_by": user,
                    "changed_at": now,
                }
            )
            changes["status"] = [None, rec["status"]]
        changes["source"] = [None, source]
        events.append(
            {
                "actor": user,
                "action": "import",
                "record_type": rt.key,
                "record_id": rid,
                "reference": rec["reference"],
                "changes": changes,
            }
        )
    with _bulk_search_index(session):
        for start in range(0, total, BATCH):
            if history:
                session.execute(
                    insert(models.StatusChange.__table__), history[start : start + BATCH]
                )
            session.execute(insert(models.SearchText.__table__), search[start : start + BATCH])
            if progress is not None:
                progress(total + start + min(BATCH, total - start), total * 2)
    trail.append_many(session, events)
    return [r["reference"] for r in records]
