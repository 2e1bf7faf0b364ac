"""Human references like REF-2026-0042: prefix, year, a number per prefix and year."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workinggroup_app.models import ReferenceCounter


def format_reference(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:04d}"


def next_reference(session: Session, prefix: str, year: int) -> str:
    """Hand out the next number inside the caller's transaction (locked on PostgreSQL)."""
    counter = session.execute(
        select(ReferenceCounter)
        .where(ReferenceCounter.prefix == prefix, ReferenceCounter.year == year)
        .with_for_update()
    ).scalar_one_or_none()
    if counter is None:
        counter = ReferenceCounter(prefix=prefix, year=year, last=0)
        session.add(counter)
    counter.last += 1
    session.flush()
    return format_reference(prefix, year, counter.last)


def reserve_block(session: Session, prefix: str, year: int, count: int) -> int:
    """Reserve ``count`` numbers at once (bulk import, demo data); returns the first."""
    counter = session.execute(
        select(ReferenceCounter)
        .where(ReferenceCounter.prefix == prefix, ReferenceCounter.year == year)
        .with_for_update()
    ).scalar_one_or_none()
    if counter is None:
        counter = ReferenceCounter(prefix=prefix, year=year, last=0)
        session.add(counter)
    first = counter.last + 1
    counter.last += count
    session.flush()
    return first
