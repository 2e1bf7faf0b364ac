"""Services: the one road from a user's intent to a change in the database.

Every write is one transaction that checks permission, validates, applies, records the
status history and the audit event, and commits; if any step fails nothing is written.
One mechanism serves every record type, driven by the field definitions in fields.py.

``Services`` is made of ``core.ServiceBase`` (the transaction and bookkeeping),
``validation``, ``transitions`` and ``meeting_content``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workinggroup_app.audit import trail
from workinggroup_app.domain import vocabulary
from workinggroup_app.domain.errors import (
    NotFoundError,
    StaleEditError,
    ValidationError,
)
from workinggroup_app.domain.fields import (
    RecordType,
    record_type,
    type_of_reference,
)
from workinggroup_app.domain.models import StatusChange, utcnow
from workinggroup_app.domain.permissions import require
from workinggroup_app.services.core import Change
from workinggroup_app.services.meeting_content import MeetingContent
from workinggroup_app.services.transitions import Transitions
from workinggroup_app.services.users import usernames
from workinggroup_app.services.validation import Validation
from workinggroup_app.storage import settings
from workinggroup_app.storage.reference_numbers import next_reference

MAX_REASSIGN = 1000  # records one reassignment may touch (a list's bulk limit)


class Services(Validation, Transitions, MeetingContent):
    """Write operations for one user on one database: create, update, archive and restore
    here; validation, status transitions and a meeting's parts from the modules beside it."""

    def sign_audit(self, reason: str) -> trail.Checkpoint | None:
        """A signed checkpoint of the audit chain as it stands (at quit, for instance)."""
        return trail.checkpoint(self.db, reason, self.actor.username)

    def create(self, type_key: str, values: Mapping[str, Any]) -> Change:
        rt = record_type(type_key)
        require(self.actor, "create", rt.key)

        def work(session: Session) -> Change:
            clean = self._validate(session, rt, values, None)
            scalars = dict(clean.scalars)
            status = scalars.pop("status", None)
            obj = rt.model(**{k: v for k, v in scalars.items() if k not in ("reference",)})
            obj.reference = scalars.get("reference") or next_reference(
                session, rt.prefix, self.today().year
            )
            if obj.releasability is None and "releasability" not in values:
                # not given at all: the office's default (services.office); given empty, the
                # record stays unmarked, which counts as US only
                obj.releasability = (
                    settings.read(session, "office.default_releasability") or "us_only"
                )
            if obj.caveat is None:
                obj.caveat = "SBU"
            obj.created_by = obj.updated_by = self.actor.username
            obj.created_at = obj.updated_at = utcnow()
            obj.version = 1
            if rt.workflow is not None:
                obj.status = status or rt.workflow.initial
            session.add(obj)
            session.flush()
            changes: dict[str, Any] = {
                k: [None, v] for k, v in scalars.items() if v not in (None, "")
            }
            changes["reference"] = [None, obj.reference]
            for name, ids in clean.links.items():
                _old, new = self._set_links(session, rt, obj, name, ids)
                changes[name] = [[], new]
            if rt.workflow is not None:
                session.add(
                    StatusChange(
                        record_type=rt.key,
                        record_id=obj.id,
                        from_status=None,
                        to_status=obj.status,
                        comment="imported" if status else "created",
                        changed_by=self.actor.username,
                    )
                )
                changes["status"] = [None, obj.status]
            self._index(session, rt, obj)
            trail.append(
                session,
                actor=self.actor.username,
                action="create",
                record_type=rt.key,
                record_id=obj.id,
                reference=obj.reference,
                changes=self._audit_accounts(session, rt, changes),
            )
            return Change(rt.key, "create", (obj.id,), obj.reference, obj.version, tuple(changes))

        return self._run(work)

    def update(
        self, type_key: str, record_id: int, values: Mapping[str, Any], expected_version: int
    ) -> Change:
        rt = record_type(type_key)
        require(self.actor, "update", rt.key)

        def work(session: Session) -> Change:
            obj = self._load(session, rt, record_id)
            if obj.version != expected_version:
                raise StaleEditError(obj.reference, obj.updated_by, obj.updated_at)
            clean = self._validate(session, rt, values, obj)
            if "caveat" in clean.scalars and clean.scalars["caveat"] is None:
                clean.scalars["caveat"] = "SBU"  # as on create: no caveat chosen = the default
            changes: dict[str, Any] = {}
            for name, value in clean.scalars.items():
                old = getattr(obj, name)
                if old != value:
                    changes[name] = [old, value]
            link_changes = {}
            for name, ids in clean.links.items():
                current = sorted(o.id for o in getattr(obj, name))
                if current != sorted(ids):
                    link_changes[name] = ids
            if not changes and not link_changes:
                return Change(rt.key, "none", (obj.id,), obj.reference, obj.version)
            self._bump(session, rt, obj, expected_version)
            for name, (_old, value) in changes.items():
                setattr(obj, name, value)
            for name, ids in link_changes.items():
                changes[name] = list(self._set_links(session, rt, obj, name, ids))
            self._index(session, rt, obj)
            trail.append(
                session,
                actor=self.actor.username,
                action="update",
                record_type=rt.key,
                record_id=obj.id,
                reference=obj.reference,
                changes=self._audit_accounts(session, rt, changes),
            )
            session.flush()
            return Change(rt.key, "update", (obj.id,), obj.reference, obj.version, tuple(changes))

        return self._run(work)

    # --- owners ----------------------------------------------------------------------------

    def reassign(
        self,
        items: Iterable[tuple[int, int]],
        owner: int | str | None,
        *,
        type_key: str = "action_item",
    ) -> Change:
        """Give every (id, expected version) of ``items`` the owner account ``owner`` (an id,
        a user name or display name; None: no account), all or nothing.

        The same rules as an edit of the owner field: the ``update`` permission, an account
        that exists and is active, a stale version refused; one audit event per record whose
        owner changes (old -> new by user name). Records that already have this owner are
        left as they are."""
        rt = record_type(type_key)
        accounts = rt.account_fields()
        if not accounts:
            raise ValidationError(
                "",
                f"A {vocabulary.word('record_type', rt.key).lower()} has no owner.",
                f"{vocabulary.word('record_type', rt.key, 'zh')}没有负责人。",
            )
        f = accounts[0]
        require(self.actor, "update", rt.key)
        items = list(dict.fromkeys((int(i), int(v)) for i, v in items))
        if len(items) > MAX_REASSIGN:
            raise ValidationError(
                f.name,
                f"Reassign at most {MAX_REASSIGN:,} records at once ({len(items):,} chosen).",
                f"一次最多可重新指派 {MAX_REASSIGN:,} 条记录（已选 {len(items):,} 条）。",
            )

        def work(session: Session) -> Change:
            new_id = self._resolve_account(session, f, owner)
            ids: list[int] = []
            events: list[dict[str, Any]] = []
            last: Any = None
            for record_id, version in items:
                obj = self._load(session, rt, record_id)
                if obj.version != version:
                    raise StaleEditError(obj.reference, obj.updated_by, obj.updated_at)
                old_id = getattr(obj, f.name)
                if old_id == new_id:
                    continue
                self._bump(session, rt, obj, version)
                setattr(obj, f.name, new_id)
                ids.append(obj.id)
                last = obj
                events.append(
                    {
                        "actor": self.actor.username,
                        "action": "update",
                        "record_type": rt.key,
                        "record_id": obj.id,
                        "reference": obj.reference,
                        "changes": {f.name: [old_id, new_id]},
                    }
                )
            if not events:
                return Change(rt.key, "none", tuple(i for i, _v in items))
            by_id = usernames(session, [new_id, *(e["changes"][f.name][0] for e in events)])
            for e in events:
                e["changes"] = {
                    f.name: [
                        by_id.get(i, f"#{i}") if i is not None else None
                        for i in e["changes"][f.name]
                    ]
                }
            session.flush()
            # every event at the end, at once: the chain lock is not held while items load
            trail.append_many(session, events)
            one = len(ids) == 1
            return Change(
                rt.key,
                "update",
                tuple(ids),
                last.reference if one else "",
                last.version if one else 0,
                (f.name,),
            )

        return self._run(work)

    # --- workflow -----------------------------------------------------------------------

    # --- archive / restore ----------------------------------------------------------------

    def archive(self, type_key: str, record_id: int, expected_version: int) -> Change:
        return self._set_archived(type_key, record_id, expected_version, True)

    def restore(self, type_key: str, record_id: int, expected_version: int) -> Change:
        return self._set_archived(type_key, record_id, expected_version, False)

    def _set_archived(
        self, type_key: str, record_id: int, expected_version: int, flag: bool
    ) -> Change:
        rt = record_type(type_key)
        action = "archive" if flag else "restore"
        require(self.actor, action, rt.key)

        def work(session: Session) -> Change:
            obj = self._load(session, rt, record_id)
            if obj.version != expected_version:
                raise StaleEditError(obj.reference, obj.updated_by, obj.updated_at)
            if obj.archived == flag:
                return Change(rt.key, "none", (obj.id,), obj.reference, obj.version)
            self._bump(session, rt, obj, expected_version)
            obj.archived = flag
            trail.append(
                session,
                actor=self.actor.username,
                action=action,
                record_type=rt.key,
                record_id=obj.id,
                reference=obj.reference,
                changes={"archived": [not flag, flag]},
            )
            session.flush()
            return Change(rt.key, action, (obj.id,), obj.reference, obj.version, ("archived",))

        return self._run(work)

    # --- meeting content -----------------------------------------------------------------


def find_by_reference(session: Session, reference: str) -> tuple[RecordType, Any]:
    rt = type_of_reference(reference)
    if rt is not None:
        obj = session.execute(
            select(rt.model).where(rt.model.reference == reference.strip())
        ).scalar_one_or_none()
        if obj is not None:
            return rt, obj
    raise NotFoundError(
        f"No record with reference {reference[:40]!r}.", f"找不到编号为 {reference[:40]!r} 的记录。"
    )


def count_all(session: Session, type_key: str) -> int:
    rt = record_type(type_key)
    return session.execute(select(func.count()).select_from(rt.model)).scalar_one()
