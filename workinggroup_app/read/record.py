"""The read model of one record: what its form shows, as plain data read in one session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from workinggroup_app.domain.fields import ACCOUNT, LINKS, RecordType
from workinggroup_app.read import choices, lists, related


@dataclass
class RecordData:
    """One record read for display: plain values, safe to keep after the session closes."""

    type_key: str
    id: int
    version: int
    reference: str
    title_en: str
    title_zh: str
    status: str | None
    archived: bool
    flagged: bool
    updated_by: str
    updated_at: datetime | None
    values: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    allowed: list[str] = field(default_factory=list)


def read_record(session: Session, rt: RecordType, record_id: int) -> RecordData | None:
    """One record of type ``rt`` as a form shows it: its values, the labels of the records
    it links to, whether it is flagged (overdue, awaiting a response) and the status changes
    its workflow allows now; None when it does not exist."""
    type_key = rt.key
    obj = related.get(session, type_key, record_id)
    if obj is None:
        return None
    values: dict[str, Any] = {}
    labels: dict[str, str] = {}
    for f in rt.fields:
        if f.kind == LINKS:
            values[f.name] = [
                (o.id, choices.link_label(session, f.target or "", o.id))
                for o in getattr(obj, f.name)
            ]
            continue
        value = getattr(obj, f.name, None)
        values[f.name] = value
        if f.kind == ACCOUNT and isinstance(value, int):
            labels[f.name] = choices.account_label(session, value)
        elif f.target and isinstance(value, int):
            labels[f.name] = choices.link_label(session, f.target, value)
    flagged = False
    if lists.flag_name(type_key):
        rows = lists.list_rows(
            session,
            lists.ListSpec(type_key, ids=(record_id,), include_archived=True),
            columns=["reference"],
        )
        flagged = bool(rows and rows[0].flagged)
    return RecordData(
        type_key=type_key,
        id=obj.id,
        version=obj.version,
        reference=obj.reference,
        title_en=obj.title_en or "",
        title_zh=obj.title_zh or "",
        status=getattr(obj, "status", None),
        archived=bool(obj.archived),
        flagged=flagged,
        updated_by=obj.updated_by or "",
        updated_at=obj.updated_at,
        values=values,
        labels=labels,
        allowed=([t.target for t in rt.workflow.allowed(obj.status, obj)] if rt.workflow else []),
    )
