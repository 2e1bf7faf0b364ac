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
        select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).scalar_one_or_none()
    event = AuditEvent(
        at=utcnow().replace(microsecond=0),
        actor=actor,
        action=action,
        record_type=record_type,
        record_id=record_id,
        reference=reference,
        changes=dumps_changes(changes or {}),
        outcome=outcome,
        prev_hash=last or GENESIS,
    )
    session.add(event)
    session.flush()  # assigns the id the hash covers
    event.hash = event_hash(event)
    session.flush()
    return event


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
