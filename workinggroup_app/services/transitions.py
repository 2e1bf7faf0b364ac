"""Status transitions through a record type's workflow, one record or many: the rule check,
the status history, the side effects (a referral's response due date), the audit event.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from workinggroup_app.audit import trail
from workinggroup_app.domain import validators, vocabulary
from workinggroup_app.domain.errors import (
    StaleEditError,
    TransitionError,
    ValidationError,
    ValidationErrors,
)
from workinggroup_app.domain.fields import (
    RecordType,
    record_type,
)
from workinggroup_app.domain.models import StatusChange
from workinggroup_app.domain.permissions import require
from workinggroup_app.services.core import Change, ServiceBase
from workinggroup_app.services.validation import needed_in_status

RESPONSE_DAYS = 30  # default time the counterpart has to answer a referral


class Transitions(ServiceBase):
    def allowed_transitions(self, type_key: str, record: Any) -> list[str]:
        rt = record_type(type_key)
        if rt.workflow is None:
            return []
        return rt.workflow.targets(record.status, record)

    def transition(
        self,
        type_key: str,
        record_id: int,
        target: str,
        *,
        comment: str = "",
        expected_version: int | None = None,
        outcome: str | None = None,
        duplicate_of: str | int | None = None,
        note_releasable: bool = False,
    ) -> Change:
        rt = record_type(type_key)
        require(self.actor, "transition", rt.key)
        return self._run(
            lambda s: self._transition_one(
                s,
                rt,
                record_id,
                target,
                comment,
                expected_version,
                outcome,
                duplicate_of,
                note_releasable,
            )
        )

    def bulk_transition(
        self,
        type_key: str,
        items: Iterable[tuple[int, int]],
        target: str,
        *,
        comment: str = "",
        outcome: str | None = None,
    ) -> Change:
        """All or nothing: every (id, expected version) moves, or none does."""
        rt = record_type(type_key)
        require(self.actor, "transition", rt.key)
        items = list(items)

        def work(session: Session) -> Change:
            ids = []
            events: list[dict[str, Any]] = []
            for record_id, version in items:
                self._transition_one(
                    session, rt, record_id, target, comment, version, outcome, None, False, events
                )
                ids.append(record_id)
            # every event at the end, at once: the chain lock is not held while items load
            trail.append_many(session, events)
            return Change(rt.key, "transition", tuple(ids), "", 0, ("status",))

        return self._run(work)

    def _transition_one(
        self,
        session: Session,
        rt: RecordType,
        record_id: int,
        target: str,
        comment: str,
        expected_version: int | None,
        outcome: str | None,
        duplicate_of: str | int | None,
        note_releasable: bool,
        events: list[dict[str, Any]] | None = None,
    ) -> Change:
        """Move one record; its audit event is appended, or added to ``events`` for the
        caller to append with the others (the chain lock is taken by the last write)."""
        wf = rt.workflow
        if wf is None:
            raise TransitionError(
                f"A {vocabulary.word('record_type', rt.key).lower()} has no status workflow.",
                f"{vocabulary.word('record_type', rt.key, 'zh')}没有状态流程。",
            )
        obj = self._load(session, rt, record_id)
        if expected_version is not None and obj.version != expected_version:
            raise StaleEditError(obj.reference, obj.updated_by, obj.updated_at)
        if target not in wf.states:
            raise TransitionError(
                f"'{str(target)[:40]}' is not a status of a {vocabulary.word('record_type', rt.key).lower()}.",
                f"“{str(target)[:40]}”不是{vocabulary.word('record_type', rt.key, 'zh')}的状态。",
            )
        t = wf.find(obj.status, target, obj)
        if t is None:
            allowed = [
                vocabulary.word(wf.vocabulary, x.target) for x in wf.allowed(obj.status, obj)
            ]
            allowed_zh = [
                vocabulary.word(wf.vocabulary, x.target, "zh") for x in wf.allowed(obj.status, obj)
            ]
            raise TransitionError(
                f"{obj.reference} is {vocabulary.word(wf.vocabulary, obj.status)}; it cannot move to "
                f"{vocabulary.word(wf.vocabulary, target)}. Allowed: {', '.join(allowed) or 'none'}.",
                f"{obj.reference} 当前为{vocabulary.word(wf.vocabulary, obj.status, 'zh')}，不能变更为"
                f"{vocabulary.word(wf.vocabulary, target, 'zh')}。允许：{'、'.join(allowed_zh) or '无'}。",
            )
        clean_comment = validators.clean_text(comment, multiline=True)
        if len(clean_comment) > 5000:
            raise ValidationError(
                "comment",
                "The comment is too long (at most 5,000 characters).",
                "备注过长（最多 5,000 个字符）。",
            )
        changes: dict[str, Any] = {"status": [obj.status, target]}
        if t.needs_outcome:
            if not outcome or not vocabulary.is_known(wf.outcome_vocabulary or "", outcome):
                allowed = ", ".join(vocabulary.keys(wf.outcome_vocabulary or ""))
                raise ValidationError(
                    "outcome",
                    f"Closing needs an outcome: one of {allowed}.",
                    f"结案须记录结果：{allowed} 之一。",
                )
            changes["outcome"] = [obj.outcome, outcome]
        if t.needs_duplicate_of:
            dup_field = rt.field("duplicate_of_id")
            dup_id = self._resolve_link(session, dup_field, duplicate_of)
            if dup_id is None or dup_id == obj.id:
                raise ValidationError(
                    "duplicate_of_id",
                    "Name the referral this one repeats.",
                    "请注明本线索所重复的线索。",
                )
            changes["duplicate_of_id"] = [obj.duplicate_of_id, dup_id]
        lacking = needed_in_status(
            rt,
            target,
            {n: getattr(obj, n, None) for n in wf.needed(target)}
            | {k: v[1] for k, v in changes.items()},
        )
        if lacking:
            raise ValidationErrors(lacking)
        today = self.today()
        for name, value in self._side_effects(rt.key, obj, target, today).items():
            changes[name] = [getattr(obj, name), value]
        self._bump(session, rt, obj, obj.version)
        for name, (_old, new) in changes.items():
            setattr(obj, name, new)
        session.add(
            StatusChange(
                record_type=rt.key,
                record_id=obj.id,
                from_status=changes["status"][0],
                to_status=target,
                comment=clean_comment,
                note_releasable=bool(note_releasable),
                changed_by=self.actor.username,
            )
        )
        if clean_comment:
            changes["comment"] = [None, clean_comment]
        event = {
            "actor": self.actor.username,
            "action": "transition",
            "record_type": rt.key,
            "record_id": obj.id,
            "reference": obj.reference,
            "changes": changes,
        }
        if events is None:
            trail.append(session, **event)
        else:
            events.append(event)
        session.flush()
        return Change(rt.key, "transition", (obj.id,), obj.reference, obj.version, tuple(changes))

    @staticmethod
    def _side_effects(key: str, obj: Any, target: str, today: date) -> dict[str, Any]:
        """Dates that a transition fills in when the user has not."""
        out: dict[str, Any] = {}
        if key == "referral":
            if target in ("sent", "received") and obj.sent_on is None:
                out["sent_on"] = today
            if target in ("sent", "received") and obj.response_due is None:
                out["response_due"] = (obj.sent_on or today) + timedelta(days=RESPONSE_DAYS)
            if target == "acknowledged" and obj.acknowledged_on is None:
                out["acknowledged_on"] = today
            if target == "responded" and obj.answered_on is None:
                out["answered_on"] = today
        elif key == "action_item":
            if target == "done":
                out["completed_on"] = today
            elif obj.completed_on is not None:
                out["completed_on"] = None
        elif key == "case":
            if target == "closed":
                out["closed_on"] = today
            elif target == "reopened":
                out["closed_on"] = None
        return out
