"""Services: the one road from a user's intent to a change in the database.

Every write is one transaction that checks permission, validates, applies, records the
status history and the audit event, and commits; if any step fails nothing is written.
One mechanism serves every record type, driven by the field definitions in fields.py.

``Services`` is made of ``core.ServiceBase`` (the transaction and bookkeeping),
``validation``, ``transitions`` and ``meeting_content``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workinggroup_app.audit import trail
from workinggroup_app.domain.errors import (
    NotFoundError,
    StaleEditError,
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
from workinggroup_app.services.validation import Validation
from workinggroup_app.storage.reference_numbers import next_reference


class Services(Validation, Transitions, MeetingContent):
    """Write operations for one user on one database: create, update, archive and restore
    here; validation, status transitions and a meeting's parts from the modules beside it."""

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
                obj.releasability = "us_only"
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
                changes=changes,
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
                changes=changes,
            )
            session.flush()
            return Change(rt.key, "update", (obj.id,), obj.reference, obj.version, tuple(changes))

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
