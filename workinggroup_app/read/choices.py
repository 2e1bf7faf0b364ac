"""What a link field may point to: the options of a picker, a linked record's label, and
which records an audience may see.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from workinggroup_app.domain import models, releasability
from workinggroup_app.domain.fields import record_type
from workinggroup_app.read.text_filter import like_escape


def options(
    session: Session, type_key: str, text: str = "", limit: int = 50
) -> list[tuple[int, str]]:
    """Choices for a type-ahead picker: (id, label), labels as ``link_label`` makes them."""
    rt = record_type(type_key)
    m = rt.model
    q = select(m).where(m.archived.is_(False))
    needle = text.strip()
    if needle:
        like = f"%{like_escape(needle)}%"
        conds = [
            m.reference.ilike(like, escape="\\"),
            m.title_en.ilike(like, escape="\\"),
            m.title_zh.like(like, escape="\\"),
        ]
        if type_key == "agency":
            conds.append(models.Agency.abbreviation.ilike(like, escape="\\"))
        q = q.where(or_(*conds))
    order = models.Agency.abbreviation if type_key == "agency" else m.id.desc()
    return [
        (obj.id, _label(type_key, obj))
        for obj in session.execute(q.order_by(order).limit(limit)).scalars()
    ]


def _label(type_key: str, obj: Any) -> str:
    zh = f" / {obj.title_zh}" if obj.title_zh else ""
    if type_key == "agency":
        return f"{obj.abbreviation} — {obj.title_en}{zh}"
    return f"{obj.reference}  {obj.title_en}{zh}"


def link_label(session: Session, type_key: str, record_id: int | None) -> str:
    if record_id is None:
        return ""
    obj = session.get(record_type(type_key).model, record_id)
    return "" if obj is None else _label(type_key, obj)


def visible_for(audience: str, type_key: str) -> ColumnElement[bool]:
    rt = record_type(type_key)
    return releasability.visible_clause(audience, rt.key, rt.model)
