"""The figures themselves: action items, referrals, response times, what changed since the
last meeting, the signed-in user's work, and ``compute`` that makes them all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import false, func, or_, select, true
from sqlalchemy.orm import Session

from workinggroup_app.domain import models, releasability
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.domain.vocabulary import keys, word
from workinggroup_app.read.dashboard.counting import (
    Among,
    FigureCounter,
    column_total,
    median_of,
    with_equals,
)
from workinggroup_app.read.dashboard.dates import (
    days_between,
    default_now,
    month_end,
    month_of,
    month_start,
    washington_date,
)
from workinggroup_app.read.dashboard.model import (
    ANSWERED_STATES,
    ANSWERS_LISTED,
    DIRECTIONS,
    DUE_SOON_DAYS,
    LONG_WAIT_DAYS,
    OPEN_ITEM_STATES,
    RESPONSE_MONTHS,
    Answered,
    Category,
    Chart,
    Dashboard,
    Figure,
    MyWork,
    Since,
    labels_of,
)
from workinggroup_app.read.lists import AWAITING_STATES, ListSpec


def my_account(session: Session, actor: Actor) -> int | None:
    """The id of the signed-in user's account (None when they have none here)."""
    u = models.User
    return session.execute(select(u.id).where(u.username == actor.username)).scalar_one_or_none()


def owned_by(account_id: int | None) -> Among:
    """Action items the account owns (``owner_user_id``), found through its index: the
    cost follows the account's items, not the table. Typed owner names (``owner_person``,
    the counterpart's people) never count: "my work" is by account."""
    ai = models.ActionItem
    if account_id is None:
        return Among(select(ai.id).where(false()))
    return Among(select(ai.id).where(ai.owner_user_id == account_id))


def my_items(session: Session, actor: Actor) -> tuple[int | None, Among]:
    """(the actor's account id, the action items it owns)."""
    account_id = my_account(session, actor)
    return account_id, owned_by(account_id)


def mine_spec(spec: ListSpec, account_id: int | None) -> ListSpec:
    """``spec`` narrowed to the account's items: the list filter "owner" the figure opens."""
    if account_id is None:
        return spec.with_(ids=())
    return with_equals(spec, ("owner_user_id", account_id))


def action_item_figures(
    c: FigureCounter, since_day: date | None
) -> tuple[list[Figure], Chart, Chart, Figure | None]:
    """Every figure about open action items from one GROUP BY over them.

    Tiles (open, overdue, due soon), the side x status chart, the overdue-by-agency chart
    and "became overdue since the last meeting".
    """
    ai, ag = models.ActionItem, models.Agency
    today = c.today
    base = c.spec("action_item", open_only=True)
    overdue = c.spec("action_item", flag=True)
    # one covering pass over open items (ix_action_item_open_work, read in its order so
    # the GROUP BY needs no sort): open and overdue per status, side and agency
    rows = c.tally(
        base,
        [
            ai.status.label("status"),
            ai.owner_side.label("side"),
            ai.owner_agency_id.label("agency"),
        ],
        {"overdue": overdue},
    )
    tiles = [
        c.figure("open", base, column_total(rows, "n")),
        c.figure("overdue", overdue, column_total(rows, "overdue")),
        # narrow due-date ranges: index range counts (ix_action_item_status_due)
        c.count(
            "due_soon",
            base.with_(date_from=today, date_to=today + timedelta(days=DUE_SOON_DAYS - 1)),
        ),
    ]
    since_overdue = (
        c.count("since_overdue", overdue.with_(date_from=since_day)) if since_day else None
    )

    # chart: open items by owner side (categories) and status (stacked series)
    known = keys("owner_side")
    sides = list(known) + sorted({r.side for r in rows if r.side not in known}, key=str)
    cats = tuple(Category(s, word("owner_side", s), word("owner_side", s, "zh")) for s in sides)
    series = tuple(
        Category(st, word("status.action_item", st), word("status.action_item", st, "zh"))
        for st in OPEN_ITEM_STATES
    )
    bars = tuple(
        tuple(
            c.figure(
                f"items_by_side.{side.key}.{st.key}",
                with_equals(base, ("owner_side", side.key), ("status", st.key)),
                column_total(rows, "n", side=side.key, status=st.key),
                labels=(f"{side.label_en}: {st.label_en}", f"{side.label_zh}：{st.label_zh}"),
            )
            for side in cats
        )
        for st in series
    )
    en, zh = labels_of("items_by_side")
    by_side = Chart("items_by_side", en, zh, cats, series, bars, stacked=True)

    # chart: overdue items by owner agency; an agency the audience may not see is not named
    per_agency: dict[int | None, int] = {}
    for r in rows:
        if r.overdue:
            per_agency[r.agency] = per_agency.get(r.agency, 0) + int(r.overdue)
    ids = [a for a in per_agency if a is not None]
    agencies: dict[int, Any] = {}
    if ids:
        shown = (
            true()
            if c.audience == "internal"
            else releasability.visible_clause(c.audience, "agency", ag)
        )
        agencies = {
            a.id: a
            for a in c.session.execute(
                select(
                    ag.id, ag.abbreviation, ag.title_en, ag.title_zh, shown.label("shown")
                ).where(ag.id.in_(ids))
            ).all()
        }
    named: list[tuple[Category, Figure]] = []
    hidden: list[int] = []
    hidden_value = 0
    for agency_id, value in per_agency.items():
        a = agencies.get(agency_id) if agency_id is not None else None
        if a is None or not a.shown:
            hidden_value += value
            if agency_id is not None:
                hidden.append(agency_id)
            continue
        name = a.abbreviation or a.title_en
        fig = c.figure(
            f"overdue_by_agency.{agency_id}",
            overdue.with_(agency_id=agency_id),
            value,
            labels=(f"{name}: {a.title_en}", f"{name}：{a.title_zh}"),
        )
        named.append((Category(agency_id, name, a.abbreviation or a.title_zh), fig))
    named.sort(key=lambda cf: (-cf[1].count, cf[0].label_en))
    if hidden_value:
        key = "hidden_agency" if hidden else "no_agency"
        extra = ai.owner_agency_id.is_(None)
        if hidden:
            extra = or_(extra, ai.owner_agency_id.in_(hidden))
        en, zh = labels_of(key)
        fig = c.figure(f"overdue_by_agency.{key}", overdue, hidden_value, extra=extra)
        named.append((Category(None, en, zh), fig))
    en, zh = labels_of("overdue_by_agency")
    only = (Category("overdue", word("derived", "overdue"), word("derived", "overdue", "zh")),)
    by_agency = Chart(
        "overdue_by_agency",
        en,
        zh,
        tuple(cat for cat, _f in named),
        only,
        (tuple(f for _c, f in named),),
        horizontal=True,
    )
    return tiles, by_side, by_agency, since_overdue


def referral_figures(
    c: FigureCounter, since_day: date | None
) -> tuple[list[Figure], Chart, Figure | None]:
    """Awaiting tiles, the pipeline chart and "sent or received since", in one GROUP BY."""
    r = models.Referral
    today = c.today
    base = c.spec("referral")
    awaiting = c.spec("referral", side="US", equals=(("status", AWAITING_STATES),))
    tiles = [
        # index range counts (ix_referral_pipeline: status, direction, sent_on)
        c.count("awaiting", awaiting),
        c.count(
            "awaiting_long", awaiting.with_(date_to=today - timedelta(days=LONG_WAIT_DAYS + 1))
        ),
    ]
    parts = {}
    if since_day is not None:
        parts["since_referrals"] = c.spec("referral", date_from=since_day, date_to=today)
    # one covering pass over referrals: the pipeline, and those sent since the meeting
    rows = c.tally(base, [r.status.label("status"), r.direction.label("direction")], parts)
    since = (
        c.figure("since_referrals", parts["since_referrals"], column_total(rows, "since_referrals"))
        if since_day is not None
        else None
    )
    known = keys("status.referral")
    statuses = list(known) + sorted({x.status for x in rows if x.status not in known}, key=str)
    cats = tuple(
        Category(s, word("status.referral", s), word("status.referral", s, "zh")) for s in statuses
    )
    series = tuple(
        Category(d, word("direction", d), word("direction", d, "zh")) for d in DIRECTIONS
    )
    bars = tuple(
        tuple(
            c.figure(
                f"pipeline.{st.key}.{d.key}",
                with_equals(base, ("status", st.key), ("direction", d.key)),
                column_total(rows, "n", status=st.key, direction=d.key),
                labels=(f"{st.label_en}, {d.label_en}", f"{st.label_zh}，{d.label_zh}"),
            )
            for st in cats
        )
        for d in series
    )
    en, zh = labels_of("pipeline")
    chart = Chart("pipeline", en, zh, cats, series, bars, stacked=True, horizontal=True)
    return tiles, chart, since


def _answered_spec(c: FigureCounter, window_from: date) -> ListSpec:
    return c.spec(
        "referral",
        equals=(("status", ANSWERED_STATES),),
        date_from=window_from,
        date_to=c.today,
    )


def response_medians(c: FigureCounter, window_from: date) -> tuple[list[Figure], Chart]:
    """Median days from sent to answered: per direction (tiles) and per month sent (chart).

    One GROUP BY (direction, month sent, days to answer) over the answered referrals of the
    window gives a histogram: each group's rows, those with an answer date, and the answer
    times with how often each occurs (whole days, a few hundred distinct values). Each
    figure's median is read off its part of the histogram: the middle one or two answer
    times in order, averaged, as ``ORDER BY days`` over the figure's own rows would give.
    A figure whose rows all have an answer date keeps its spec as it is; otherwise it names
    its rows (those with a date) by ids.
    """
    r = models.Referral
    s = c.session
    base = _answered_spec(c, window_from)  # sent_on is within the window, so never NULL
    dated = r.answered_on.is_not(None)
    month = month_of(s, r.sent_on)
    days = days_between(s, r.answered_on, r.sent_on)
    histogram = s.execute(
        select(r.direction, month, days, func.count())
        .select_from(r)
        .where(*c.where(base))
        .group_by(r.direction, month, days)
    ).all()
    months = [
        month_start(c.today, back).strftime("%Y-%m") for back in range(RESPONSE_MONTHS - 1, -1, -1)
    ]
    wanted: list[tuple[tuple[Any, ...], ListSpec, Counter[float], int, tuple[str, str]]] = []

    def part(direction: str, in_month: str | None) -> tuple[Counter[float], int]:
        """(answer times -> how many, all rows) of one direction, one month or all."""
        times: Counter[float] = Counter()
        rows = 0
        for d, m, day, n in histogram:
            if d == direction and (in_month is None or m == in_month):
                rows += n
                if day is not None:
                    times[float(day)] += n
        return times, rows

    for d in DIRECTIONS:
        times, rows = part(d, None)
        wanted.append(
            ((d,), with_equals(base, ("direction", d)), times, rows, labels_of(f"median.{d}"))
        )
    for d in DIRECTIONS:
        for m in months:
            start = date.fromisoformat(m + "-01")
            spec = with_equals(base, ("direction", d)).with_(
                date_from=start, date_to=min(month_end(start), c.today)
            )
            labels = (f"{m} {word('direction', d)}", f"{m} {word('direction', d, 'zh')}")
            times, rows = part(d, m)
            wanted.append(((d, m), spec, times, rows, labels))
    values = [median_of(times) for clause_key, _spec, times, _rows, _labels in wanted]
    figures: dict[tuple[Any, ...], Figure] = {}
    for (key, spec, times, n_all, labels), value in zip(wanted, values, strict=True):
        n = sum(times.values())
        figures[key] = c.figure(
            "median." + ".".join(key),
            spec,
            n,
            extra=None if n == n_all else dated,  # exact as it is when every row is dated
            shown=None if value is None else round(value, 1),
            unit="days",
            labels=labels,
        )
    series = tuple(
        Category(d, word("direction", d), word("direction", d, "zh")) for d in DIRECTIONS
    )
    bars = tuple(tuple(figures[(d.key, m)] for m in months) for d in series)
    en, zh = labels_of("response_by_month")
    chart = Chart(
        "response_by_month",
        en,
        zh,
        tuple(Category(m, m, m) for m in months),
        series,
        bars,
        unit="days",
    )
    return [figures[(d,)] for d in DIRECTIONS], chart


def last_meeting(
    session: Session, now: datetime, audience: str = "internal"
) -> models.Meeting | None:
    """The latest meeting that has started, is not cancelled nor archived, and is visible."""
    m = models.Meeting
    return session.execute(
        select(m)
        .where(
            m.starts_at <= now,
            m.status != "cancelled",
            m.archived.is_(False),
            releasability.visible_clause(audience, "meeting", m),
        )
        .order_by(m.starts_at.desc(), m.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def since_figures(
    c: FigureCounter, meeting: models.Meeting, day: date, overdue: Figure, referrals: Figure
) -> Since:
    ai, r = models.ActionItem, models.Referral
    at = meeting.starts_at
    assert at is not None
    figures = (
        c.count("since_opened", c.spec("action_item"), ai.created_at >= at),
        c.count(
            "since_completed",
            c.spec("action_item", equals=(("status", "done"),)),
            ai.completed_on >= day,
        ),
        overdue,
        referrals,
        c.count("since_answered", c.spec("referral"), r.answered_on >= day),
    )
    days = days_between(c.session, r.answered_on, r.sent_on)
    rows = c.session.execute(
        select(r.id, r.reference, r.title_en, r.title_zh, r.direction, r.answered_on, days)
        .where(*c.where(c.spec("referral")), r.answered_on >= day)
        .order_by(r.answered_on.desc(), r.id.desc())
        .limit(ANSWERS_LISTED)
    ).all()
    answers = tuple(
        Answered(x[0], x[1], x[2], x[3], x[4], x[5], None if x[6] is None else round(x[6]))
        for x in rows
    )
    return Since(
        meeting.id, meeting.reference, meeting.title_en, meeting.title_zh, at, day, figures, answers
    )


def my_work_figures(c: FigureCounter, actor: Actor) -> MyWork:
    """Open and overdue items the actor's account owns. Counted over the account's items
    (the owner index, each checked by primary key); each figure's spec is the list's own
    owner filter, so it is exact and a click opens the list filtered by owner."""
    account_id, among = my_items(c.session, actor)
    figures = c.count_among(
        {
            "my_open": mine_spec(c.spec("action_item", open_only=True), account_id),
            "my_overdue": mine_spec(c.spec("action_item", flag=True), account_id),
        },
        among,
        implied=True,
    )
    return MyWork(actor.username, account_id, tuple(figures))


def compute(
    session: Session,
    today: date,
    audience: str = "internal",
    actor: Actor | None = None,
    *,
    now: datetime | None = None,
    sessions: Callable[[], AbstractContextManager[Session]] | None = None,
) -> Dashboard:
    """Every figure of the dashboard for ``audience`` on ``today`` (My work with an actor).

    With ``sessions`` (``Database.session``), the response times are read on a second
    connection meanwhile: the databases run both at once (SQLite leaves Python's lock
    while it works), which at a million action items takes a third off the refresh."""
    c = FigureCounter(session, today, audience)
    now = now or default_now(today)
    window_from = month_start(today, RESPONSE_MONTHS - 1)
    with ThreadPoolExecutor(1, thread_name_prefix="dashboard") as apart:
        medians = None
        if sessions is not None:
            opened = sessions

            def medians_apart() -> tuple[list[Figure], Chart]:
                with opened() as other:
                    return response_medians(FigureCounter(other, today, audience), window_from)

            medians = apart.submit(medians_apart)
        meeting = last_meeting(session, now, audience)
        since_day = washington_date(meeting.starts_at) if meeting and meeting.starts_at else None
        item_tiles, by_side, by_agency, since_overdue = action_item_figures(c, since_day)
        ref_tiles, pipeline, since_referrals = referral_figures(c, since_day)
        median_tiles, by_month = (
            medians.result() if medians is not None else response_medians(c, window_from)
        )
    tiles = [*item_tiles, *ref_tiles, *median_tiles]
    since = None
    if meeting is not None and since_day is not None:
        assert since_overdue is not None and since_referrals is not None
        since = since_figures(c, meeting, since_day, since_overdue, since_referrals)
    return Dashboard(
        today=today,
        now=now,
        audience=audience,
        tiles=tuple(tiles),
        charts=(by_side, by_agency, pipeline, by_month),
        since=since,
        mine=my_work_figures(c, actor) if actor is not None else None,
    )
