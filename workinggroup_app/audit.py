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

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from workinggroup_app.models import AuditEvent, utcnow

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


def _lock_chain(session: Session) -> None:
    """Serialise appends so two writers never fork the chain."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(424242)"))
    # SQLite: every write transaction already holds the database lock (BEGIN IMMEDIATE).


def _next_id(session: Session, last_id: int) -> int:
    """The new event's id, taken while the chain lock is held."""
    if session.get_bind().dialect.name == "postgresql":
        return int(
            session.execute(
                text("SELECT nextval(pg_get_serial_sequence('audit_event', 'id'))")
            ).scalar_one()
        )
    return last_id + 1  # SQLite: the write lock is held, and ids are rowids anyway


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
    """Add one event inside the caller's transaction: it commits or rolls back with it."""
    _lock_chain(session)
    last = session.execute(
        select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    event = AuditEvent(
        id=_next_id(session, last.id if last else 0),
        at=utcnow().replace(microsecond=0),
        actor=actor,
        action=action,
        record_type=record_type,
        record_id=record_id,
        reference=reference,
        changes=dumps_changes(changes or {}),
        outcome=outcome,
        prev_hash=last.hash if last else GENESIS,
    )
    # The id is known before the INSERT, so the hash goes in with the row: audit_event
    # needs INSERT and SELECT only (PostgreSQL user roles have no UPDATE on it).
    event.hash = event_hash(event)
    session.add(event)
    session.flush()
    return event


def record(db: Any, **event: Any) -> None:
    """One event in a transaction of its own, for actions that change no record (exports).

    ``event`` holds the keyword arguments of ``append`` except ``session``; ``db`` is a
    ``workinggroup_app.db.Database``.
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

    from sqlalchemy import insert

    if not events:
        return []
    _lock_chain(session)
    last = session.execute(
        select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    n = len(events)
    if session.get_bind().dialect.name == "postgresql":
        ids = [
            int(i)
            for i in session.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence('audit_event', 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"n": n},
            ).scalars()
        ]
        ids.sort()
    else:  # SQLite: the write lock is held for the whole transaction
        first = (last.id if last else 0) + 1
        ids = list(range(first, first + n))
    prev = last.hash if last else GENESIS
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
