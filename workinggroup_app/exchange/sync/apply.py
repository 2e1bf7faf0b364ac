"""Applying an import's plan in one transaction, with an audit event for each change."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from workinggroup_app.audit import trail
from workinggroup_app.domain import models, releasability
from workinggroup_app.domain.children import CHILDREN
from workinggroup_app.domain.fields import LINK, LINKS, READONLY, RecordType, record_type
from workinggroup_app.domain.models import (
    ExchangeConflict,
    ExchangePackage,
    ExchangeState,
    StatusChange,
    utcnow,
)
from workinggroup_app.domain.permissions import SYSTEM, Actor, require
from workinggroup_app.exchange.sync.container import Incoming, read_package
from workinggroup_app.exchange.sync.content import push_history
from workinggroup_app.exchange.sync.plan import (
    CONFLICT,
    NEW,
    UNCHANGED,
    UPDATE,
    ImportResult,
    PlanItem,
    Planner,
    already_imported,
    result_of,
)
from workinggroup_app.exchange.sync.protocol import PARTS, SHARED, Progress, is_part
from workinggroup_app.storage.database import Database
from workinggroup_app.storage.reference_numbers import format_reference, reserve_block
from workinggroup_app.storage.search_index import body_for


def apply_import(
    db: Database,
    path: str | os.PathLike[str],
    *,
    actor: Actor = SYSTEM,
    progress: Progress | None = None,
    key_dir: Path | None = None,
    passphrase: str | None = None,
) -> ImportResult:
    """Decrypt (with this side's key in ``key_dir``, unlocked with ``passphrase``), verify,
    plan and apply in one transaction: new and newer records are written, conflicts are
    kept for a person to resolve, local edits are never overwritten."""
    require(actor, "exchange")
    session = db.sessions()
    try:
        with session.begin():
            package = read_package(session, path, key_dir=key_dir, passphrase=passphrase)
            already_imported(session, package)
            planner = Planner(db, session, package, actor)
            items = planner.plan()
            Applier(session, planner, actor).apply(items, progress)
            counts = {k: v for k, v in result_of(package, items, True).counts().items() if v}
            session.add(
                ExchangePackage(
                    direction="import",
                    manifest_sha256=package.manifest_sha256,
                    sender=package.key_name,
                    key_fingerprint=package.fingerprint,
                    created_at=package.created_at,
                    actor=actor.username,
                    file_name=package.path.name[:255],
                    counts=json.dumps(counts),
                )
            )
            trail.append(
                session,
                actor=actor.username,
                action="import",
                record_type="exchange",
                changes={
                    "file": package.path.name,
                    "sender": package.key_name,
                    "key_fingerprint": package.fingerprint,
                    "manifest_sha256": package.manifest_sha256,
                    "created_at": package.manifest.get("created_at"),
                    "counts": counts,
                },
            )
    finally:
        session.close()
    return result_of(package, items, applied=True)


class Applier:
    """Writes a plan: creates new records, updates newer ones, records conflicts."""

    def __init__(self, session: Session, planner: Planner, actor: Actor) -> None:
        self.session = session
        self.planner = planner
        self.linker = planner.linker
        self.actor = actor
        self.sender = planner.package.key_name
        self.package_sha = planner.package.manifest_sha256
        self.now = utcnow()
        self.events: list[dict[str, Any]] = []
        self.states: dict[str, tuple[int, list[str]]] = {}  # uuid -> (state id, history)
        self.seen: list[tuple[str, str, str, int]] = []  # type, uuid, hash, version

    def apply(self, items: list[PlanItem], progress: Progress | None = None) -> None:
        with self.session.no_autoflush:
            self._apply(items, progress)

    def _apply(self, items: list[PlanItem], progress: Progress | None) -> None:
        total = len(items)
        wanted = [i.state_uuid for i in items if i.action in (NEW, UPDATE, UNCHANGED)]
        for start in range(0, len(wanted), 500):
            for sid, uuid, history in self.session.execute(
                select(ExchangeState.id, ExchangeState.record_uuid, ExchangeState.history).where(
                    ExchangeState.record_uuid.in_(wanted[start : start + 500])
                )
            ):
                self.states[uuid] = (sid, history.split() if history else [])
        created = self._create([i for i in items if i.action == NEW])
        for done, item in enumerate(items, start=1):
            if item.action == NEW:
                self._finish_new(item, created[(item.record_type, item.uuid)])
            elif item.action == UPDATE:
                self._update(item)
            elif item.action == CONFLICT:
                self._conflict(item)
            if item.action in (NEW, UPDATE, UNCHANGED):
                self._remember(item)
            if progress is not None and done % 200 == 0:
                progress(done, total)
        self.session.flush()
        self._write_states()
        trail.append_many(self.session, self.events)
        if progress is not None:
            progress(total, total)

    # -- new records --

    def _create(self, items: list[PlanItem]) -> dict[tuple[str, str], Any]:
        out: dict[tuple[str, str], Any] = {}
        year = self.now.year
        by_type: dict[str, list[PlanItem]] = {}
        for item in items:
            by_type.setdefault(item.record_type, []).append(item)
        for type_key, group in by_type.items():
            rt = record_type(type_key)
            made: dict[str, Any] = {}
            first = reserve_block(self.session, rt.prefix, year, len(group))
            for k, item in enumerate(group):
                inc = item.incoming
                assert inc is not None
                values = self.planner._values(rt, inc, resolve=False)
                values["releasability"] = releasability.RELEASABLE
                clean = self.planner.checked(rt, inc, values)
                scalars = {k2: v for k2, v in clean.items() if rt.field(k2).kind != LINKS}
                status = scalars.pop("status", None)
                obj = rt.model(**scalars)
                obj.uuid = inc.uuid
                obj.reference = format_reference(rt.prefix, year, first + k)
                obj.releasability = releasability.RELEASABLE
                obj.caveat = scalars.get("caveat") or "SBU"
                if rt.key == "referral":
                    obj.counterpart_ref = inc.reference[:64]
                if rt.has("outcome"):
                    obj.outcome = inc.content.get("outcome")
                if rt.workflow is not None:
                    obj.status = status or rt.workflow.initial
                obj.created_by = obj.updated_by = self.actor.username
                obj.created_at = obj.updated_at = self.now
                obj.version = 1
                obj.archived = False
                self.session.add(obj)
                made[inc.uuid] = obj
            # each type written before the next validates its links (a contact's agency)
            self.session.flush()
            for uuid, obj in made.items():
                self.linker.remember(type_key, uuid, obj.id)
                out[(type_key, uuid)] = obj
            self.linker.forget(type_key)
        return out

    def _finish_new(self, item: PlanItem, obj: Any) -> None:
        rt = record_type(item.record_type)
        inc = item.incoming
        assert inc is not None
        changes: dict[str, Any] = {
            name: [None, value]
            for name, value in inc.content.items()
            if value not in (None, "", []) and not is_part(rt.key, name)
        }
        self._set_links(rt, obj, inc, changes, new=True)
        self._set_parts(rt, obj, inc, changes, new=True)
        item.local_id = obj.id
        item.reference = obj.reference
        if rt.workflow is not None:
            self.session.add(
                StatusChange(
                    record_type=rt.key,
                    record_id=obj.id,
                    from_status=None,
                    to_status=obj.status,
                    comment=f"received from {self.sender} (exchange package)",
                    changed_by=self.actor.username,
                    changed_at=self.now,
                )
            )
        self._index(rt, obj, new=True)
        changes["reference"] = [None, obj.reference]
        changes["uuid"] = [None, obj.uuid]
        changes["from"] = [None, f"{self.sender} {inc.reference}".strip()]
        self._event(rt, obj, changes)

    # -- updates --

    def _update(self, item: PlanItem) -> None:
        rt = record_type(item.record_type)
        inc = item.incoming
        assert inc is not None and item.local_id is not None
        obj = self.session.get(rt.model, item.local_id)
        values = self.planner._values(rt, inc, resolve=True)
        values["releasability"] = obj.releasability
        clean = self.planner.checked(rt, inc, values)
        changes: dict[str, Any] = {}
        old_status = getattr(obj, "status", None)
        for name in SHARED[rt.key]:
            if is_part(rt.key, name):
                continue  # parts: below, with the links
            f = rt.field(name)
            if f.kind in (LINK, LINKS) or (f.kind == READONLY and f.target):
                continue  # links: below, once every record exists
            new = inc.content.get("outcome") if name == "outcome" else clean.get(name)
            old = getattr(obj, name)
            if old != new:
                changes[name] = [old, new]
                setattr(obj, name, new)
        self._set_links(rt, obj, inc, changes, new=False)
        self._set_parts(rt, obj, inc, changes, new=False)
        if rt.workflow is not None and obj.status != old_status:
            self.session.add(
                StatusChange(
                    record_type=rt.key,
                    record_id=obj.id,
                    from_status=old_status,
                    to_status=obj.status,
                    comment=f"changed by {self.sender} (exchange package)",
                    changed_by=self.actor.username,
                    changed_at=self.now,
                )
            )
        if changes:
            obj.version = obj.version + 1
            obj.updated_at = self.now
            obj.updated_by = self.actor.username
            self._index(rt, obj)
            changes["from"] = [None, f"{self.sender} {inc.reference}".strip()]
            self._event(rt, obj, changes)
        self._supersede(inc.uuid)

    def _set_links(
        self, rt: RecordType, obj: Any, inc: Incoming, changes: dict[str, Any], *, new: bool
    ) -> None:
        """Links named in the package; links to records the counterpart cannot see are
        this side's own business and are kept."""
        for name in SHARED[rt.key]:
            if is_part(rt.key, name):
                continue
            f = rt.field(name)
            target = f.target or ""
            if not target:
                continue
            value = inc.content.get(name)
            visible = self.linker.visible(target)
            if f.kind == LINKS:
                wanted = {self.planner.resolve(target, t) for t in value or []}
                wanted.discard(None)
                current = set() if new else {o.id for o in getattr(obj, name)}
                hidden = {i for i in current if i not in visible}
                ids = wanted | hidden
                if ids != current:
                    model = record_type(target).model
                    objs = (
                        list(self.session.execute(select(model).where(model.id.in_(ids))).scalars())
                        if ids
                        else []
                    )
                    setattr(obj, name, objs)
                    if not new:
                        changes[name] = [sorted(current), sorted(ids)]
            else:
                rid = self.planner.resolve(target, value)
                old = getattr(obj, name)
                if rid is None and old is not None and old not in visible:
                    continue  # ours points to a record the counterpart cannot see
                if old != rid:
                    setattr(obj, name, rid)
                    if not new:
                        changes[name] = [old, rid]

    def _set_parts(
        self, rt: RecordType, obj: Any, inc: Incoming, changes: dict[str, Any], *, new: bool
    ) -> None:
        """A record's parts (a meeting's attendees) as the package has them. An attendee's
        link the counterpart cannot see (a US-only contact) is ours and is kept."""
        for name in PARTS.get(rt.key, {}):
            rows = inc.content.get(name)
            if not isinstance(rows, list):
                continue
            spec = CHILDREN[name]
            current = [] if new else list(getattr(obj, name))
            hidden = self._hidden_links(spec, current)
            children = []
            for i, row in enumerate(rows, start=1):
                values = self.planner.part_values(name, row, resolve=True)
                person = (values.get("side"), values.get("name_en"), values.get("name_zh"))
                for col, _target in spec.link_fields:
                    kept = hidden.get((person, col))
                    if values.get(col) is None and kept:
                        values[col] = kept.pop(0)
                children.append(self.planner.services._build_child(self.session, spec, values, i))
            old = [spec.summary(c) for c in current]
            now = [spec.summary(c) for c in children]
            if old != now:
                setattr(obj, name, children)
                changes[name] = [None if new else old, now]

    def _hidden_links(self, spec: Any, current: list[Any]) -> dict[tuple[Any, str], list[int]]:
        """Our parts' links to records the counterpart cannot see, by person and column."""
        out: dict[tuple[Any, str], list[int]] = {}
        for child in current:
            person = (child.side, child.name_en, child.name_zh)
            for col, target in spec.link_fields:
                rid = getattr(child, col)
                if rid is not None and self.linker.link(target, rid) is None:
                    out.setdefault((person, col), []).append(rid)
        return out

    # -- conflicts and state --

    def _supersede(self, uuid: str) -> None:
        for c in self.session.execute(
            select(ExchangeConflict).where(
                ExchangeConflict.record_uuid == uuid, ExchangeConflict.resolved_at.is_(None)
            )
        ).scalars():
            c.resolved_at = self.now
            c.resolution = "superseded"
            c.resolved_by = self.actor.username

    def _conflict(self, item: PlanItem) -> None:
        inc = item.incoming
        assert inc is not None
        self._supersede(inc.uuid)
        self.session.add(
            ExchangeConflict(
                record_type=item.record_type,
                record_uuid=inc.uuid,
                record_id=item.local_id,
                reference=item.reference,
                # links in our terms, so that "take theirs" can make them later without
                # the package that named our records by the counterpart's UUIDs
                remote_content=json.dumps(
                    self.planner.as_ours(record_type(item.record_type), inc.content),
                    ensure_ascii=False,
                    sort_keys=True,
                ),
                remote_hash=inc.hash,
                remote_history=" ".join(inc.history),
                package_sha256=self.package_sha,
                sender=self.sender,
                detected_at=self.now,
            )
        )
        self.events.append(
            {
                "actor": self.actor.username,
                "action": "import",
                "record_type": item.record_type,
                "record_id": item.local_id,
                "reference": item.reference,
                "changes": {
                    "conflict": [None, [c[0] for c in item.changes]],
                    "from": [None, f"{self.sender} {inc.reference}".strip()],
                },
                "outcome": "conflict",
            }
        )

    def _remember(self, item: PlanItem) -> None:
        """Note that we now have had the incoming version (written in bulk at the end)."""
        inc = item.incoming
        assert inc is not None
        version = item.local_version
        if item.action in (NEW, UPDATE):
            obj = self.session.get(record_type(item.record_type).model, item.local_id)
            version = obj.version if obj is not None else 0
        self.seen.append((item.record_type, item.state_uuid, inc.hash, version))

    def _write_states(self) -> None:
        from sqlalchemy import insert, update

        new_rows: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for type_key, uuid, h, version in self.seen:
            values = {
                "last_hash": h,
                "last_version": version,
                "last_direction": "import",
                "last_at": self.now,
            }
            state = self.states.get(uuid)
            if state is None:
                new_rows.append(
                    {
                        "record_type": type_key,
                        "record_uuid": uuid,
                        "history": h,
                        "pending_export": False,
                        **values,
                    }
                )
            else:
                changed.append({"id": state[0], "history": push_history(state[1], h), **values})
        for start in range(0, len(new_rows), 5000):
            self.session.execute(insert(ExchangeState.__table__), new_rows[start : start + 5000])
        for start in range(0, len(changed), 5000):
            self.session.execute(
                update(ExchangeState.__table__)
                .where(ExchangeState.__table__.c.id == bindparam("state_id"))
                .values(
                    history=bindparam("history"),
                    last_hash=bindparam("last_hash"),
                    last_version=bindparam("last_version"),
                    last_direction=bindparam("last_direction"),
                    last_at=bindparam("last_at"),
                ),
                [{**c, "state_id": c.pop("id")} for c in changed[start : start + 5000]],
            )

    def _index(self, rt: RecordType, obj: Any, *, new: bool = False) -> None:
        if not new:
            self.planner.services._index(self.session, rt, obj)  # the services' own upsert
            return
        # a record created by this import has no search row yet: no need to look for one
        values = {f.name: getattr(obj, f.name, None) for f in rt.fields if f.kind != LINKS}
        self.session.add(
            models.SearchText(record_type=rt.key, record_id=obj.id, body=body_for(rt.key, values))
        )

    def _event(self, rt: RecordType, obj: Any, changes: dict[str, Any]) -> None:
        self.events.append(
            {
                "actor": self.actor.username,
                "action": "import",
                "record_type": rt.key,
                "record_id": obj.id,
                "reference": obj.reference,
                "changes": changes,
            }
        )
