"""The dashboard's calendar: today in Washington, months and the days between two dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.orm import Session

WASHINGTON = ZoneInfo("America/New_York")


def days_between(session: Session, later: Any, earlier: Any) -> Any:
    """``later - earlier`` in days for two DATE columns, on SQLite and PostgreSQL."""
    if session.get_bind().dialect.name == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return later - earlier


def month_of(session: Session, column: Any) -> Any:
    """'YYYY-MM' of a DATE column."""
    if session.get_bind().dialect.name == "sqlite":
        return func.strftime("%Y-%m", column)
    return func.to_char(column, "YYYY-MM")


def washington_date(instant: datetime) -> date:
    return instant.astimezone(WASHINGTON).date()


def default_now(today: date) -> datetime:
    """Now, unless ``today`` is another day in Washington: then the end of that day."""
    real = datetime.now(UTC)
    if washington_date(real) == today:
        return real
    return datetime.combine(today, time.max, WASHINGTON).astimezone(UTC)


def month_start(d: date, back: int = 0) -> date:
    y, m = d.year, d.month - back
    while m <= 0:
        m += 12
        y -= 1
    return date(y, m, 1)


def month_end(start: date) -> date:
    nxt = month_start(date(start.year, start.month, 28) + timedelta(days=4))
    return nxt - timedelta(days=1)
