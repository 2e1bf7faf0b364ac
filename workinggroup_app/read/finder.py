"""Search across every record type at once: the newest matches of a text, by type."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from workinggroup_app.domain.fields import RecordType
from workinggroup_app.read.text_filter import probe_safe, text_filter, text_probe


@dataclass
class Hit:
    record_type: str
    id: int
    reference: str
    title_en: str
    title_zh: str


def search(session: Session, text: str, per_type: int = 10) -> dict[str, list[Hit]]:
    """Global search across every record type, grouped by type (English, Chinese, pinyin)."""
    needle = text.strip()
    out: dict[str, list[Hit]] = {}
    if not needle:
        return out
    from workinggroup_app.domain.fields import RECORD_TYPES

    for key, rt in RECORD_TYPES.items():
        m = rt.model
        ids = _newest_hits(session, rt, needle, per_type)
        if ids is None:  # not settled by the newest rows: the full match query
            query = select(m.id, m.reference, m.title_en, m.title_zh).where(
                text_filter(session, rt, needle), m.archived.is_(False)
            )
        else:
            query = select(m.id, m.reference, m.title_en, m.title_zh).where(m.id.in_(ids))
        rows = session.execute(query.order_by(m.id.desc()).limit(per_type)).all()
        if rows:
            out[key] = [Hit(key, r.id, r.reference, r.title_en, r.title_zh) for r in rows]
    return out


# How many of a type's newest records global search checks one by one (it wants ~10 hits).
SEARCH_PROBE_ROWS = 2_000


def _newest_hits(session: Session, rt: RecordType, needle: str, limit: int) -> list[int] | None:
    """The ``limit`` newest matching records, found by checking the newest
    ``SEARCH_PROBE_ROWS`` records one by one with the list filter's own per-row test
    (SQLite). A common text ("fentanyl", "芬") is settled within a few rows, where the full
    match set would hold hundreds of thousands; None when the newest rows do not settle it
    (a rare text), and the caller's FTS query is the fast one."""
    if (
        SEARCH_PROBE_ROWS <= 0
        or session.get_bind().dialect.name != "sqlite"
        or (len(needle) >= 3 and not probe_safe(needle))
    ):
        return None
    m = rt.model
    floor = session.execute(
        select(m.id).order_by(m.id.desc()).offset(SEARCH_PROBE_ROWS).limit(1)
    ).scalar()
    probe = (
        select(m.id)
        .where(m.archived.is_(False), text_probe(rt, needle))
        .order_by(m.id.desc())
        .limit(limit)
    )
    if floor is not None:
        probe = probe.where(m.id > floor)
    ids = list(session.execute(probe).scalars())
    if len(ids) < limit and floor is not None:
        return None  # older records may hold more hits
    return ids
