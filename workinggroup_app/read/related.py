"""One record and what hangs on it: the record itself, its status history, its audit events,
and the records linked to it in either direction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, literal, select
from sqlalchemy.orm import Session

from workinggroup_app.domain import models
from workinggroup_app.domain.fields import record_type


def get(session: Session, type_key: str, record_id: int) -> Any:
    rt = record_type(type_key)
    return session.get(rt.model, record_id)


def history(session: Session, type_key: str, record_id: int) -> list[models.StatusChange]:
    sc = models.StatusChange
    return list(
        session.execute(
            select(sc)
            .where(sc.record_type == type_key, sc.record_id == record_id)
            .order_by(sc.changed_at, sc.id)
        ).scalars()
    )


def audit_events(session: Session, type_key: str, record_id: int) -> list[models.AuditEvent]:
    ae = models.AuditEvent
    return list(
        session.execute(
            select(ae).where(ae.record_type == type_key, ae.record_id == record_id).order_by(ae.id)
        ).scalars()
    )


@dataclass
class Related:
    """Records linked to one record, grouped under a heading (a record type key)."""

    record_type: str
    title_en: str
    title_zh: str
    rows: list[tuple[int, str, str, str, str | None]]  # id, reference, title_en, title_zh, status


def related(session: Session, type_key: str, record_id: int, limit: int = 200) -> list[Related]:
    """A record's related items: a case's referrals, action items, entities; and so on."""
    m = models
    out: list[Related] = []

    def add(key: str, en: str, zh: str, model: Any, cond: ColumnElement[bool]) -> None:
        status = model.status if hasattr(model, "status") else literal(None)
        rows = session.execute(
            select(model.id, model.reference, model.title_en, model.title_zh, status)
            .where(cond, model.archived.is_(False))
            .order_by(model.id.desc())
            .limit(limit)
        ).all()
        out.append(Related(key, en, zh, [tuple(r) for r in rows]))  # type: ignore[misc]

    def via(table: Any, own: str, other: str, model: Any) -> ColumnElement[bool]:
        return model.id.in_(
            select(getattr(table.c, other)).where(getattr(table.c, own) == record_id)
        )

    if type_key == "case":
        add("referral", "Referrals", "线索移交", m.Referral, m.Referral.case_id == record_id)
        add(
            "action_item",
            "Action items",
            "行动事项",
            m.ActionItem,
            m.ActionItem.origin_case_id == record_id,
        )
        add(
            "entity",
            "Entities",
            "涉及实体",
            m.Entity,
            via(m.case_entity, "case_id", "entity_id", m.Entity),
        )
        add(
            "substance",
            "Substances",
            "涉及物质",
            m.Substance,
            via(m.case_substance, "case_id", "substance_id", m.Substance),
        )
        add(
            "meeting",
            "Discussed at meetings",
            "讨论该案件的会议",
            m.Meeting,
            via(m.meeting_case, "case_id", "meeting_id", m.Meeting),
        )
    elif type_key == "referral":
        ref = session.get(m.Referral, record_id)
        add("case", "Case", "所属案件", m.Case, m.Case.id == (ref.case_id if ref else None))
        add(
            "action_item",
            "Action items",
            "行动事项",
            m.ActionItem,
            m.ActionItem.origin_referral_id == record_id,
        )
        add(
            "entity",
            "Subject entities",
            "涉及实体",
            m.Entity,
            via(m.referral_entity, "referral_id", "entity_id", m.Entity),
        )
        add(
            "substance",
            "Substances",
            "涉及物质",
            m.Substance,
            via(m.referral_substance, "referral_id", "substance_id", m.Substance),
        )
        add(
            "meeting",
            "Discussed at meetings",
            "讨论该线索的会议",
            m.Meeting,
            via(m.meeting_referral, "referral_id", "meeting_id", m.Meeting),
        )
    elif type_key == "meeting":
        add(
            "referral",
            "Referrals discussed",
            "讨论的线索",
            m.Referral,
            via(m.meeting_referral, "meeting_id", "referral_id", m.Referral),
        )
        add(
            "case",
            "Cases discussed",
            "讨论的案件",
            m.Case,
            via(m.meeting_case, "meeting_id", "case_id", m.Case),
        )
        add(
            "action_item",
            "Action items agreed",
            "商定的行动事项",
            m.ActionItem,
            m.ActionItem.origin_meeting_id == record_id,
        )
    elif type_key == "action_item":
        ai = session.get(m.ActionItem, record_id)
        if ai is not None:
            add(
                "meeting",
                "From meeting",
                "来源会议",
                m.Meeting,
                m.Meeting.id == ai.origin_meeting_id,
            )
            add("case", "From case", "来源案件", m.Case, m.Case.id == ai.origin_case_id)
            add(
                "referral",
                "From referral",
                "来源线索",
                m.Referral,
                m.Referral.id == ai.origin_referral_id,
            )
    elif type_key == "entity":
        add("case", "Cases", "案件", m.Case, via(m.case_entity, "entity_id", "case_id", m.Case))
        add(
            "referral",
            "Referrals",
            "线索移交",
            m.Referral,
            via(m.referral_entity, "entity_id", "referral_id", m.Referral),
        )
    elif type_key == "substance":
        add(
            "case",
            "Cases",
            "案件",
            m.Case,
            via(m.case_substance, "substance_id", "case_id", m.Case),
        )
        add(
            "referral",
            "Referrals",
            "线索移交",
            m.Referral,
            via(m.referral_substance, "substance_id", "referral_id", m.Referral),
        )
    elif type_key == "agency":
        add("contact", "Contacts", "联系人", m.Contact, m.Contact.agency_id == record_id)
        add(
            "referral",
            "Referrals sent",
            "发送的线索",
            m.Referral,
            m.Referral.sending_agency_id == record_id,
        )
        add(
            "action_item",
            "Action items owned",
            "负责的行动事项",
            m.ActionItem,
            m.ActionItem.owner_agency_id == record_id,
        )
    return [r for r in out if r.rows]
