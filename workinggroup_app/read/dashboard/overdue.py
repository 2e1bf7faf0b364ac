"""What became overdue since a user's last visit, and the overdue rows the reports list."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, case, or_, select
from sqlalchemy.orm import Session

from workinggroup_app.domain import models, releasability
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.read.choices import account_name_expression
from workinggroup_app.read.dashboard.counting import FigureCounter
from workinggroup_app.read.dashboard.dates import washington_date
from workinggroup_app.read.dashboard.figures import mine_spec, my_items
from workinggroup_app.read.dashboard.model import Figure


@dataclass(frozen=True)
class Visit:
    """The previous visit of a user and what became overdue since (None on a first visit)."""

    previous: datetime | None
    stored: bool  # False: no user row; the caller keeps the visit in its settings
    mine: Figure | None = None
    everyone: Figure | None = None


def newly_overdue(
    session: Session, today: date, since: date, actor: Actor | None, audience: str = "internal"
) -> tuple[Figure | None, Figure]:
    """(the actor's, everyone's) open action items due from ``since`` to yesterday."""
    c = FigureCounter(session, today, audience)
    spec = c.spec("action_item", flag=True, date_from=since)
    everyone = c.count("new_overdue_all", spec)
    mine = None
    if actor is not None:
        account_id, among = my_items(session, actor)
        (mine,) = c.count_among(
            {"new_overdue_mine": mine_spec(spec, account_id)}, among, implied=True
        )
    return mine, everyone


def record_visit(
    db: Any,
    actor: Actor,
    today: date,
    *,
    now: datetime | None = None,
    previous_from_settings: datetime | None = None,
) -> Visit:
    """Note that ``actor`` opened the dashboard now; report what became overdue since.

    The last visit is kept in ``app_user.last_seen_at`` when the user has a row there;
    otherwise the caller keeps it (in its settings) and passes it back next time as
    ``previous_from_settings``.
    """
    now = now or datetime.now(UTC)
    u = models.User
    with db.sessions.begin() as session:
        user = session.execute(select(u).where(u.username == actor.username)).scalar_one_or_none()
        if user is not None:
            previous = user.last_seen_at
            user.last_seen_at = now
        else:
            previous = previous_from_settings
    if previous is None:
        return Visit(None, user is not None)
    with db.session() as session:
        mine, everyone = newly_overdue(session, today, washington_date(previous), actor)
    return Visit(previous, user is not None, mine, everyone)


@dataclass(frozen=True)
class OverdueRow:
    reference: str
    due_date: date
    days_overdue: int
    owner_side: str
    agency: str
    owner_person: str  # an owner on the counterpart's side, by name
    status: str
    title_en: str
    title_zh: str
    owner_user: str = ""  # the owner account's display name (else its user name)


def overdue_rows(
    session: Session, today: date, audience: str = "internal", batch: int = 1000
) -> Iterable[OverdueRow]:
    """Overdue action items, oldest due date first, read in keyset batches."""
    c = FigureCounter(session, today, audience)
    ai, ag, u = models.ActionItem, models.Agency, models.User
    spec = c.spec("action_item", flag=True)
    agency_label: Any = ag.abbreviation
    if audience != "internal":  # an agency the audience may not see is not named
        shown = releasability.visible_clause(audience, "agency", ag)
        agency_label = case((shown, ag.abbreviation), else_="")
    last: tuple[date, int] | None = None
    while True:
        q = (
            select(
                ai.id,
                ai.reference,
                ai.due_date,
                ai.owner_side,
                agency_label,
                ai.owner_person,
                ai.status,
                ai.title_en,
                ai.title_zh,
                account_name_expression(u),
            )
            .outerjoin(ag, ag.id == ai.owner_agency_id)
            .outerjoin(u, u.id == ai.owner_user_id)
            .where(*c.where(spec))
        )
        if last is not None:
            q = q.where(or_(ai.due_date > last[0], and_(ai.due_date == last[0], ai.id > last[1])))
        rows = session.execute(q.order_by(ai.due_date, ai.id).limit(batch)).all()
        for row in rows:
            yield OverdueRow(
                row[1],
                row[2],
                (today - row[2]).days,
                row[3],
                row[4] or "",
                row[5] or "",
                row[6],
                row[7] or "",
                row[8] or "",
                row[9] or "",
            )
        if len(rows) < batch:
            return
        last = (rows[-1][2], rows[-1][0])
