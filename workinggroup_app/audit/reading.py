"""Reading the audit trail: filtered windows of events, newest first, for managers and
administrators only (the permission is checked here, not only by hiding a menu item).

Lists are read in windows by keyset (``id < last id seen``), so the first screen of a
trail of millions of events costs the same as of a hundred.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from workinggroup_app.audit import trail
from workinggroup_app.domain import vocabulary
from workinggroup_app.domain.children import CHILDREN
from workinggroup_app.domain.fields import LINK, RECORD_TYPES
from workinggroup_app.domain.models import AuditEvent
from workinggroup_app.domain.permissions import Actor, require

WINDOW = 256
MAX_WINDOW = 5000
# what the trail names besides records (the "audit_subject" words): accounts
EXTRA_TYPES = tuple(vocabulary.keys("audit_subject"))


@dataclass(frozen=True)
class AuditFilter:
    """What the viewer asks for. Empty values do not filter."""

    actor: str = ""  # part of the user name, any case
    action: str | None = None  # a key of the "audit_action" vocabulary
    record_type: str | None = None  # a record type key, or "user"
    date_from: date | None = None  # calendar days in ``tz``, both ends included
    date_to: date | None = None
    reference: str = ""  # part of the reference (or, for accounts, the user name)
    record_id: int | None = None  # one record (with ``record_type``)
    tz: tzinfo = UTC


@dataclass(frozen=True)
class AuditRow:
    """One event as plain values, safe to hand between threads."""

    id: int
    at: datetime
    actor: str
    action: str
    record_type: str
    record_id: int | None
    reference: str
    outcome: str
    changes: dict[str, Any] = field(default_factory=dict)
    prev_hash: str = ""
    hash: str = ""


def _contains(column: Any, text: str) -> ColumnElement[bool]:
    return func.lower(column).contains(text.strip().lower(), autoescape=True)


def _day_start(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def where(flt: AuditFilter) -> list[ColumnElement[bool]]:
    ae = AuditEvent
    out: list[ColumnElement[bool]] = []
    if flt.actor.strip():
        out.append(_contains(ae.actor, flt.actor))
    if flt.action:
        out.append(ae.action == flt.action)
    if flt.record_type:
        out.append(ae.record_type == flt.record_type)
    if flt.date_from is not None:
        out.append(ae.at >= _day_start(flt.date_from, flt.tz))
    if flt.date_to is not None:
        out.append(ae.at < _day_start(flt.date_to + timedelta(days=1), flt.tz))
    if flt.reference.strip():
        out.append(_contains(ae.reference, flt.reference))
    if flt.record_id is not None:
        out.append(ae.record_id == flt.record_id)
    return out


def _row(ev: AuditEvent) -> AuditRow:
    try:
        changes = json.loads(ev.changes or "{}")
    except ValueError:  # a tampered row is still shown; verify says what is wrong with it
        changes = {"?": ev.changes}
    if not isinstance(changes, dict):
        changes = {"?": changes}
    return AuditRow(
        ev.id,
        ev.at,
        ev.actor,
        ev.action,
        ev.record_type,
        ev.record_id,
        ev.reference,
        ev.outcome,
        changes,
        ev.prev_hash,
        ev.hash,
    )


def events(
    session: Session,
    viewer: Actor,
    flt: AuditFilter = AuditFilter(),
    *,
    before_id: int | None = None,
    limit: int = WINDOW,
) -> list[AuditRow]:
    """Up to ``limit`` events matching ``flt``, newest first, older than ``before_id``."""
    require(viewer, "audit_view")
    q = select(AuditEvent).where(*where(flt))
    if before_id is not None:
        q = q.where(AuditEvent.id < before_id)
    q = q.order_by(AuditEvent.id.desc()).limit(max(0, min(limit, MAX_WINDOW)))
    return [_row(ev) for ev in session.execute(q).scalars()]


def count_events(session: Session, viewer: Actor, flt: AuditFilter = AuditFilter()) -> int:
    require(viewer, "audit_view")
    q = select(func.count()).select_from(AuditEvent).where(*where(flt))
    return session.execute(q).scalar_one()


def actors(session: Session, viewer: Actor, text: str = "", limit: int = 50) -> list[str]:
    """User names found in the trail (for a type-ahead), alphabetically."""
    require(viewer, "audit_view")
    q = select(AuditEvent.actor).distinct()
    if text.strip():
        q = q.where(_contains(AuditEvent.actor, text))
    return list(session.execute(q.order_by(AuditEvent.actor).limit(limit)).scalars())


def verify_chain(session: Session, viewer: Actor) -> trail.VerifyResult:
    require(viewer, "audit_view")
    return trail.verify(session)


# --- words for people ------------------------------------------------------------------------


def action_label(action: str, lang: str = "en") -> str:
    return vocabulary.word("audit_action", action, lang)


def type_label(record_type: str, lang: str = "en") -> str:
    if record_type in EXTRA_TYPES:
        en, zh = vocabulary.pair("audit_subject", record_type)
        return zh if lang.startswith("zh") else en
    return vocabulary.word("record_type", record_type, lang)


def type_keys() -> list[str]:
    return [*RECORD_TYPES, *EXTRA_TYPES]


def _field_label(record_type: str, name: str, lang: str) -> str:
    rt = RECORD_TYPES.get(record_type)
    if rt is not None and rt.has(name):
        return rt.field(name).label(lang)
    if name in CHILDREN:
        spec = CHILDREN[name]
        return spec.label_zh if lang.startswith("zh") else spec.label_en
    if rt is not None and rt.workflow is not None and name == "comment":
        return "备注" if lang.startswith("zh") else "Comment"
    return name


def _value(record_type: str, name: str, value: Any, lang: str) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return ("是" if value else "否") if lang.startswith("zh") else ("yes" if value else "no")
    if isinstance(value, list):
        return "; ".join(_value(record_type, name, v, lang) for v in value)
    if name in CHILDREN and isinstance(value, str):  # "title | 标题 | | releasable"
        return " · ".join(part for part in value.split(" | ") if part.strip())
    rt = RECORD_TYPES.get(record_type)
    if rt is not None and rt.has(name):
        f = rt.field(name)
        if f.kind == LINK:
            return f"#{value}"
        vocab = f.vocabulary
        if name == "status" and rt.workflow is not None:
            vocab = rt.workflow.vocabulary
        if vocab and isinstance(value, str):
            return vocabulary.word(vocab, value, lang)
    if name == "role" and isinstance(value, str):
        return vocabulary.word("role", value, lang)
    return str(value)


def describe_changes(row: AuditRow, lang: str = "en") -> list[str]:
    """One line per changed field: 'Status: Open → Active'; values in words, not keys."""
    lines = []
    for name, change in row.changes.items():
        label = _field_label(row.record_type, name, lang)
        if isinstance(change, list) and len(change) == 2:
            old, new = change
            if old in (None, "", []):
                lines.append(f"{label}: {_value(row.record_type, name, new, lang)}")
            else:
                old_text = _value(row.record_type, name, old, lang)
                new_text = _value(row.record_type, name, new, lang)
                lines.append(f"{label}: {old_text} → {new_text}")
        else:
            lines.append(f"{label}: {_value(row.record_type, name, change, lang)}")
    return lines


def summary(row: AuditRow, lang: str = "en", width: int = 160) -> str:
    """The changes on one line, cut to ``width`` characters."""
    text = "; ".join(line.replace("\n", " ") for line in describe_changes(row, lang))
    return text if len(text) <= width else text[: width - 1] + "…"
