"""The one rule for what an audience may see.

Every counterpart-facing output (the bilateral packet, the exchange package, any export
marked bilateral) asks this module, and nothing else, which records it may include.

- A record is releasable only when marked ``releasable``; no marking counts as US only.
- The most restrictive marking of a parent applies to its children: an action item from a
  US-only meeting, case or referral is US only; so is a referral in a US-only case.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, true
from sqlalchemy.orm import aliased

from workinggroup_app.domain import cli_names, models

RELEASABLE = "releasable"
US_ONLY = "us_only"
AUDIENCES = cli_names.AUDIENCES

# Parents whose marking a child inherits: record type -> [(fk column, parent model)].
PARENTS: dict[str, list[tuple[str, type[models.RecordMixin]]]] = {
    "referral": [("case_id", models.Case)],
    "action_item": [
        ("origin_meeting_id", models.Meeting),
        ("origin_case_id", models.Case),
        ("origin_referral_id", models.Referral),
    ],
}


def check_audience(audience: str) -> str:
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}, not {audience!r}")
    return audience


def marked_releasable(marking: str | None) -> bool:
    return marking == RELEASABLE


def _own_clause(model: Any) -> ColumnElement[bool]:
    return model.releasability == RELEASABLE


def _not_releasable(model: Any) -> ColumnElement[bool]:
    # NOT (x = 'releasable') is NULL, not true, for an unmarked row: name NULL explicitly
    return or_(model.releasability.is_(None), model.releasability != RELEASABLE)


def visible_clause(audience: str, record_type: str, model: Any) -> ColumnElement[bool]:
    """SQL condition: rows of ``model`` that ``audience`` may see (parents included)."""
    check_audience(audience)
    if audience == "internal":
        return true()
    conditions = [_own_clause(model), model.archived.is_(False)]
    for fk, parent in PARENTS.get(record_type, []):
        p = aliased(parent)
        parent_ok = select(p.id).where(p.id == getattr(model, fk), _own_clause(p)).exists()
        conditions.append(or_(getattr(model, fk).is_(None), parent_ok))
        if record_type == "action_item" and parent is models.Referral:
            # a referral's own case marking reaches the action items made from it
            r, c = aliased(models.Referral), aliased(models.Case)
            case_bad = (
                select(r.id)
                .join(c, c.id == r.case_id)
                .where(r.id == getattr(model, fk), _not_releasable(c))
                .exists()
            )
            conditions.append(~case_bad)
    return and_(*conditions)


def is_visible(audience: str, record: Any, record_type: str | None = None) -> bool:
    """The same rule for one loaded object (used where rows are already in memory)."""
    check_audience(audience)
    if audience == "internal":
        return True
    if getattr(record, "archived", False):
        return False
    return _markings_allow(record, record_type or getattr(record, "__tablename__", ""))


def _markings_allow(record: Any, record_type: str) -> bool:
    """The record's own marking and every parent's, up the chain (as ``visible_clause``:
    a parent's marking counts, its being archived does not)."""
    if not marked_releasable(getattr(record, "releasability", None)):
        return False
    for fk, _parent in PARENTS.get(record_type, []):
        parent = getattr(record, fk.removesuffix("_id"), None)
        if parent is not None and not _markings_allow(parent, parent.__tablename__):
            return False
    return True


def item_visible(audience: str, marking: str | None) -> bool:
    """For parts of a record (agenda items, decisions, status notes) with their own marking."""
    check_audience(audience)
    return audience == "internal" or marked_releasable(marking)
