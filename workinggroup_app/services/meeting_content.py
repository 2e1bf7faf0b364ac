"""A meeting's parts (attendees, agenda, decisions, records discussed) saved as one edit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from workinggroup_app.audit import trail
from workinggroup_app.domain import validators, vocabulary
from workinggroup_app.domain.children import CHILDREN, ChildSpec
from workinggroup_app.domain.errors import (
    StaleEditError,
    ValidationError,
    ValidationErrors,
)
from workinggroup_app.domain.fields import (
    LINK,
    FieldDef,
    record_type,
)
from workinggroup_app.domain.permissions import require
from workinggroup_app.services.core import Change, ServiceBase


class MeetingContent(ServiceBase):
    def _build_child(
        self, session: Session, spec: ChildSpec, row: Mapping[str, Any], position: int
    ) -> Any:
        """One part (an attendee, an agenda item, a decision) from a row of the form's table,
        cleaned and checked against its ``ChildSpec``."""
        values: dict[str, Any] = {"position": position}
        for name, max_length, multiline in spec.text_fields:
            text = validators.clean_text(row.get(name, ""), multiline=multiline)
            if len(text) > max_length:
                raise ValidationError(
                    name,
                    f"too long (at most {max_length:,} characters).",
                    f"内容过长（最多 {max_length:,} 个字符）。",
                )
            values[name] = text
        for name, vocab in spec.choice_fields:
            key = row.get(name) or None
            if key is not None and not vocabulary.is_known(vocab, str(key)):
                raise ValidationError(
                    name,
                    f"'{str(key)[:40]}' is not an allowed value.",
                    f"“{str(key)[:40]}”不是允许的取值。",
                )
            values[name] = key
        for name in spec.bool_fields:
            values[name] = bool(row.get(name))
        for name, target in spec.link_fields:
            raw = row.get(name)
            fdef = FieldDef(name, LINK, name, name, target=target)
            values[name] = self._resolve_link(session, fdef, raw) if raw not in (None, "") else None
        for name in spec.required:
            if values.get(name) in (None, ""):
                raise ValidationError(
                    name, f"{name.replace('_', ' ')} is required.", "必填项未填写。"
                )
        return spec.model(**values)

    def build_child(
        self, session: Session, spec: ChildSpec, row: Mapping[str, Any], position: int
    ) -> Any:
        """A part checked as the meeting form's table checks it, not yet added (imports)."""
        return self._build_child(session, spec, row, position)

    def save_meeting_content(
        self,
        meeting_id: int,
        expected_version: int,
        *,
        attendees: list[Mapping[str, Any]] | None = None,
        agenda: list[Mapping[str, Any]] | None = None,
        decisions: list[Mapping[str, Any]] | None = None,
    ) -> Change:
        """Replace a meeting's attendees, agenda items and/or decisions (lists given)."""
        require(self.actor, "update", "meeting")
        rt = record_type("meeting")

        def work(session: Session) -> Change:
            meeting = self._load(session, rt, meeting_id)
            if meeting.version != expected_version:
                raise StaleEditError(meeting.reference, meeting.updated_by, meeting.updated_at)
            changes: dict[str, Any] = {}
            errors: list[ValidationError] = []
            for name, rows in (
                ("attendees", attendees),
                ("agenda_items", agenda),
                ("decisions", decisions),
            ):
                if rows is None:
                    continue
                spec = CHILDREN[name]
                new_children = []
                for i, row in enumerate(rows, start=1):
                    try:
                        new_children.append(self._build_child(session, spec, row, i))
                    except ValidationError as e:
                        errors.append(
                            ValidationError(
                                f"{name}[{i}].{e.field}",
                                f"{spec.label_en} {i}: {e.message_en}",
                                f"{spec.label_zh} {i}：{e.message_zh}",
                            )
                        )
                old = [spec.summary(c) for c in getattr(meeting, name)]
                new = [spec.summary(c) for c in new_children]
                if old != new:
                    changes[name] = [old, new]
                    setattr(meeting, name, new_children)
            if errors:
                raise ValidationErrors(errors)
            if not changes:
                return Change("meeting", "none", (meeting.id,), meeting.reference, meeting.version)
            self._bump(session, rt, meeting, expected_version)
            trail.append(
                session,
                actor=self.actor.username,
                action="update",
                record_type="meeting",
                record_id=meeting.id,
                reference=meeting.reference,
                changes=changes,
            )
            session.flush()
            return Change(
                "meeting",
                "update",
                (meeting.id,),
                meeting.reference,
                meeting.version,
                tuple(changes),
            )

        return self._run(work)
