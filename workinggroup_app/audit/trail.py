"""The audit trail: append-only, hash-chained events.

Each event's hash covers its own content and the previous event's hash, so editing or
deleting any row breaks the chain at that row; ``verify`` finds the first broken link.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from workinggroup_app.domain.models import AuditEvent, utcnow

GENESIS = "0" * 64


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def dumps_changes(changes: dict[str, Any]) -> str:
    return json.dumps(
        {k: _jsonable(v) for k, v in changes.items()}, ensure_ascii=False, sort_keys=True
    )


def event_hash(event: AuditEvent) -> str:
    at = event.at.replace(microsecond=event.at.microsecond).isoformat() if event.at else ""
    payload = json.dumps(
        [
            event.id,
            at,
            event.actor,
            event.action,
            event.record_type,
            event.record_id,
            event.reference,
            event.changes,
            event.outcome,
            event.prev_hash,
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


CHAIN_LOCK = 424242  # the PostgreSQL advisory lock that serialises appends

# Appends hold the chain lock from the moment they take it until their transaction ends,
# and every writer waits for it: the caller's own writes are flushed before it is taken,
# and on PostgreSQL with psycopg the lock and everything that must follow it reach the
# server in one round trip, so it is held for that round trip and the COMMIT only. The
# statements are sent together as one multi-statement query: under READ COMMITTED each
# statement takes its own snapshot, so the read of the last event runs after the lock is
# granted and sees the event the previous holder committed, and ids come from the
# sequence under the lock, so they follow the chain order.

_PG_TAIL = """SELECT pg_advisory_xact_lock({lock});
SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1;
SELECT nextval(pg_get_serial_sequence('audit_event', 'id')) FROM generate_series(1, {n})"""

# One event, hashed by the server: the payload ``event_hash`` hashes is the JSON list
# [id, at, actor, action, record_type, record_id, reference, changes, outcome, prev_hash];
# all but the id and prev_hash are known before the lock, so Python writes that middle part
# and the server only joins '[' id ', ' middle ', "' prev_hash '"]'. Python checks the
# hash the server returns before the transaction may commit.
_PG_APPEND = """SELECT pg_advisory_xact_lock({lock});
INSERT INTO audit_event (id, at, actor, action, record_type, record_id, reference, changes,
                         outcome, prev_hash, hash)
SELECT t.id, %(at)s, %(actor)s, %(action)s, %(record_type)s, %(record_id)s, %(reference)s,
       %(changes)s, %(outcome)s, t.prev,
       encode(sha256(convert_to('[' || t.id || ', ' || %(middle)s || ', "' || t.prev || '"]',
                                'UTF8')), 'hex')
FROM (SELECT nextval(pg_get_serial_sequence('audit_event', 'id')) AS id,
             coalesce((SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1), %(genesis)s)
             AS prev) AS t
RETURNING id, prev_hash, hash"""


def _dialect(session: Session) -> tuple[str, str]:
    dialect = session.get_bind().dialect
    return dialect.name, dialect.driver


def _chain_tail(session: Session, n: int) -> tuple[str, list[int]]:
    """Take the chain lock; return the last event's hash and ``n`` ids for new events."""
    session.flush()  # the caller's writes first: not under the lock
    name, driver = _dialect(session)
    if name != "postgresql":
        # SQLite: every write transaction already holds the database lock (BEGIN
        # IMMEDIATE), and ids are rowids.
        last = session.execute(
            select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
        ).first()
        first = (last.id if last else 0) + 1
        return (last.hash if last else GENESIS), list(range(first, first + n))
    if driver == "psycopg":
        cursor = session.connection().connection.cursor()
        try:  # no parameters: psycopg sends the three statements in one message
            cursor.execute(_PG_TAIL.format(lock=CHAIN_LOCK, n=int(n)))
            cursor.nextset()
            last = cursor.fetchone()
            cursor.nextset()
            ids = sorted(int(row[0]) for row in cursor.fetchall())
        finally:
            cursor.close()
        return (last[1] if last else GENESIS), ids
    # another driver: the same statements one at a time
    session.execute(text(f"SELECT pg_advisory_xact_lock({CHAIN_LOCK})"))
    last = session.execute(
        select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    ids = sorted(
        int(i)
        for i in session.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence('audit_event', 'id')) "
                "FROM generate_series(1, :n)"
            ),
            {"n": n},
        ).scalars()
    )
    return (last.hash if last else GENESIS), ids


def _append_pg(session: Session, row: dict[str, Any]) -> AuditEvent:
    """One event on PostgreSQL with psycopg: lock, hash and INSERT in one round trip."""
    import psycopg

    session.flush()  # the caller's writes first: not under the lock
    middle = json.dumps(
        [
            row["at"].isoformat(),
            row["actor"],
            row["action"],
            row["record_type"],
            row["record_id"],
            row["reference"],
            row["changes"],
            row["outcome"],
        ],
        ensure_ascii=False,
    )[1:-1]
    at_type = AuditEvent.__table__.c.at.type
    params = {
        **row,
        "at": at_type.process_bind_param(row["at"], session.get_bind().dialect),
        "middle": middle,
        "genesis": GENESIS,
    }
    driver_conn = session.connection().connection.driver_connection
    # client-side binding: psycopg sends both statements, with their values, in one message
    cursor = psycopg.ClientCursor(driver_conn)
    try:
        cursor.execute(_PG_APPEND.format(lock=CHAIN_LOCK), params)
        cursor.nextset()
        event_id, prev_hash, hashed = cursor.fetchone()
    finally:
        cursor.close()
    event = AuditEvent(id=int(event_id), prev_hash=prev_hash, hash=hashed, **row)
    if event_hash(event) != hashed:  # never expected: refuse to commit an unverifiable link
        raise RuntimeError(f"audit event {event_id}: the server's hash is not event_hash")
    return event


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    record_type: str = "",
    record_id: int | None = None,
    reference: str = "",
    changes: dict[str, Any] | None = None,
    outcome: str = "ok",
) -> AuditEvent:
    """Add one event inside the caller's transaction: it commits or rolls back with it.

    Make it the last write of the transaction: on PostgreSQL it takes the chain lock,
    which every other writer then waits for until this transaction ends.
    """
    row: dict[str, Any] = {
        "at": utcnow().replace(microsecond=0),
        "actor": actor,
        "action": action,
        "record_type": record_type,
        "record_id": record_id,
        "reference": reference,
        "changes": dumps_changes(changes or {}),
        "outcome": outcome,
    }
    if _dialect(session) == ("postgresql", "psycopg"):
        return _append_pg(session, row)
    prev_hash, (event_id,) = _chain_tail(session, 1)
    event = AuditEvent(id=event_id, prev_hash=prev_hash, **row)
    # The id is known before the INSERT, so the hash goes in with the row: audit_event
    # needs INSERT and SELECT only (PostgreSQL user roles have no UPDATE on it).
    event.hash = event_hash(event)
    session.execute(
        insert(AuditEvent.__table__).values(
            id=event_id, prev_hash=prev_hash, hash=event.hash, **row
        )
    )
    return event


def record(db: Any, **event: Any) -> None:
    """One event in a transaction of its own, for actions that change no record (exports).

    ``event`` holds the keyword arguments of ``append`` except ``session``; ``db`` is a
    ``workinggroup_app.storage.database.Database``.
    """
    with db.sessions.begin() as session:
        append(session, **event)


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str = ""


def verify(session: Session, batch: int = 5000) -> VerifyResult:
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        events = (
            session.execute(
                select(AuditEvent)
                .where(AuditEvent.id > last_id)
                .order_by(AuditEvent.id)
                .limit(batch)
            )
            .scalars()
            .all()
        )
        if not events:
            return VerifyResult(True, checked)
        for ev in events:
            if ev.prev_hash != prev:
                return VerifyResult(
                    False, checked, ev.id, "its link to the previous event is broken"
                )
            if event_hash(ev) != ev.hash:
                return VerifyResult(False, checked, ev.id, "its content was changed")
            prev = ev.hash
            checked += 1
            last_id = ev.id
        session.expunge_all()


def _iso(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _dumps_fast(changes: dict[str, Any]) -> str:
    """The same text as ``dumps_changes`` (dates as ISO strings, tuples as lists), made by
    the json module's C encoder instead of a Python walk: bulk writes make thousands."""
    return json.dumps(changes, ensure_ascii=False, sort_keys=True, default=_iso)


def append_many(session: Session, events: list[dict[str, Any]]) -> list[int]:
    """Add many events at once inside the caller's transaction (bulk import, exchange).

    Each item holds the keyword arguments of ``append`` except ``session``. The chain is
    computed in memory from one read of the last event, and the rows are inserted with
    their hashes in one executemany; the result is the same chain ``append`` would build
    one event at a time. Returns the new event ids, in the order given.
    """
    from types import SimpleNamespace

    if not events:
        return []
    n = len(events)
    prev, ids = _chain_tail(session, n)
    at = utcnow().replace(microsecond=0)
    rows: list[dict[str, Any]] = []
    for event_id, ev in zip(ids, events, strict=True):
        row = {
            "id": event_id,
            "at": at,
            "actor": ev.get("actor", ""),
            "action": ev["action"],
            "record_type": ev.get("record_type", ""),
            "record_id": ev.get("record_id"),
            "reference": ev.get("reference", ""),
            "changes": _dumps_fast(ev.get("changes") or {}),
            "outcome": ev.get("outcome", "ok"),
            "prev_hash": prev,
        }
        row["hash"] = prev = event_hash(SimpleNamespace(**row))  # type: ignore[arg-type]
        rows.append(row)
    for start in range(0, n, 5000):
        session.execute(insert(AuditEvent.__table__), rows[start : start + 5000])
    return ids
