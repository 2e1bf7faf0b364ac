"""Records both sides changed: listed side by side and resolved by a person, keep mine or
take theirs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from workinggroup_app.audit import trail
from workinggroup_app.domain.errors import NotFoundError
from workinggroup_app.domain.fields import record_type
from workinggroup_app.domain.models import ExchangeConflict, ExchangeState, utcnow
from workinggroup_app.domain.permissions import SYSTEM, Actor, require
from workinggroup_app.exchange.sync.apply import Applier
from workinggroup_app.exchange.sync.container import Incoming, Package
from workinggroup_app.exchange.sync.content import Linker, history_of, local_content, push_history
from workinggroup_app.exchange.sync.plan import (
    CONFLICT,
    KEPT,
    PROBLEM,
    UPDATE,
    Planner,
    changed_fields,
)
from workinggroup_app.exchange.sync.protocol import ExchangeError
from workinggroup_app.services.core import Change
from workinggroup_app.storage.database import Database


@dataclass
class ConflictView:
    id: int
    record_type: str
    record_uuid: str
    record_id: int | None
    reference: str
    title: str
    sender: str
    detected_at: datetime
    differences: list[tuple[str, Any, Any]]  # field, ours, theirs


def open_conflicts(db: Database) -> list[ConflictView]:
    """Conflicts waiting for a decision, oldest first, with the fields that differ."""
    out: list[ConflictView] = []
    with db.session() as session:
        linker = Linker(session)
        rows = session.execute(
            select(ExchangeConflict)
            .where(ExchangeConflict.resolved_at.is_(None))
            .order_by(ExchangeConflict.id)
        ).scalars()
        for c in rows:
            rt = record_type(c.record_type)
            remote = json.loads(c.remote_content)
            obj = session.get(rt.model, c.record_id) if c.record_id else None
            ours = local_content(session, linker, rt, obj) if obj is not None else None
            title = (obj.title_en if obj is not None else "") or str(remote.get("title_en") or "")
            out.append(
                ConflictView(
                    c.id,
                    c.record_type,
                    c.record_uuid,
                    c.record_id,
                    c.reference,
                    title,
                    c.sender,
                    c.detected_at,
                    changed_fields(ours, remote),
                )
            )
    return out


def resolve_conflict(
    db: Database, conflict_id: int, choice: str, *, actor: Actor = SYSTEM
) -> Change:
    """``choice`` "mine": keep our version (it goes to the counterpart with the next
    export); "theirs": take the counterpart's version, as an import would have."""
    require(actor, "exchange")
    if choice not in ("mine", "theirs"):
        raise ValueError("choice must be 'mine' or 'theirs'")
    session = db.sessions()
    try:
        with session.begin():
            c = session.get(ExchangeConflict, conflict_id)
            if c is None or c.resolved_at is not None:
                raise NotFoundError(
                    f"No open conflict {conflict_id}.", f"没有待处理的冲突 {conflict_id}。"
                )
            rt = record_type(c.record_type)
            inc = Incoming(
                rt.key,
                c.record_uuid,
                c.reference,
                "",
                json.loads(c.remote_content),
                c.remote_hash,
                c.remote_history.split(),
            )
            # our history of the record is under our UUID (theirs differs for a record
            # matched here by its natural key)
            local = session.get(rt.model, c.record_id) if c.record_id else None
            state_uuid = local.uuid if local is not None else c.record_uuid
            state = session.execute(
                select(ExchangeState).where(ExchangeState.record_uuid == state_uuid)
            ).scalar_one_or_none()
            if state is None:
                state = ExchangeState(record_type=rt.key, record_uuid=state_uuid, history="")
                session.add(state)
            now = utcnow()
            reference = c.reference
            record_id = c.record_id
            if choice == "theirs":
                package = Package(Path(""), {}, c.package_sha256, c.sender, "", None, [inc])
                planner = Planner(db, session, package, actor)
                item = planner.plan()[0]
                if item.action == PROBLEM:
                    raise ExchangeError(item.message_en, item.message_zh)
                if item.action in (KEPT, CONFLICT):
                    problem = planner._unresolved(rt, inc)
                    if problem:
                        raise ExchangeError(*problem)
                    item.action = UPDATE
                applier = Applier(session, planner, actor)
                applier.apply([item])
                record_id = item.local_id
                reference = item.reference
            else:
                # Ours wins: we have now seen theirs, so ours is its successor; the next
                # export carries it, and the counterpart's import takes it as newer.
                state.history = push_history(history_of(state), c.remote_hash)
                state.pending_export = True
                state.last_at = now
            c.resolved_at = now
            c.resolution = choice
            c.resolved_by = actor.username
            trail.append(
                session,
                actor=actor.username,
                action="resolve_conflict",
                record_type=rt.key,
                record_id=record_id,
                reference=reference,
                changes={"resolution": [None, choice], "from": [None, c.sender]},
            )
            version = 0
            if record_id is not None:
                obj = session.get(rt.model, record_id)
                version = obj.version if obj is not None else 0
    finally:
        session.close()
    return Change(
        rt.key,
        "update" if choice == "theirs" else "none",
        (record_id,) if record_id else (),
        reference,
        version,
    )
