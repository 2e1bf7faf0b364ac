"""The manager's dashboard: open and overdue work, as figures that each know their records.

Every figure is a SQL aggregate (COUNT, GROUP BY, a median from window functions) and
carries the ``queries.ListSpec`` that lists exactly the records it counts, so a click on
a tile or a bar opens a list with the same count. Nothing here loops over rows in Python.

How a figure's ListSpec is made exact:

- Most figures are defined *by* a ListSpec (open, overdue, due soon, a status bar...): the
  value is ``COUNT(*)`` over ``queries.where_clauses(spec)``, the very clauses the list uses.
- Some need a condition ListSpec cannot express (created since an instant, answered since
  a date, owned by the signed-in user, no owner agency, the parent-inherited marking of a
  bilateral audience). Their value is counted with that extra condition; when it changes
  nothing the plain spec is kept, otherwise the spec names the records by ``ids`` (read
  from SQL) if there are at most ``IDS_LIMIT`` of them. Beyond that the spec is the nearest
  superset and the figure says ``exact=False``.

Audiences: ``internal`` sees everything; ``bilateral`` sees only what
``releasability.visible_clause`` allows (parents' markings included), for every figure,
every bar and every agency name. An agency not itself releasable is never named in a
bilateral dashboard: its bar joins "no agency / not releasable".

Rules a manager should know (also in the README of the dashboard):

- *Open* action item: status Open, In progress or Blocked. *Overdue*: open and due before
  today. *Due in the next 14 days*: open and due from today to today + 13 days.
- *Awaiting the counterpart's response*: a referral we sent (US to PRC) whose status still
  waits for an answer (Sent, Acknowledged, Under verification, Information requested),
  whatever its due date; *over 30 days*: of those, sent 31 or more days ago.
- *Response time*: days from sent to answered, for referrals whose status is Responded
  or Closed and that have both dates, sent in the last 12 calendar months (this month
  included). The median is computed in SQL per direction (and per month sent for the
  chart). US to PRC measures the counterpart; PRC to US measures us.
- *Last meeting*: the latest meeting that has started (``starts_at <= now``), is not
  cancelled nor archived, and that the audience may see. "Since" counts from that instant
  (records created) or from its date in Washington (dates such as completed or answered).
- *My work*: open action items whose owner (person) or author matches the signed-in
  user's username or display name, compared without case and surrounding spaces.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, false, func, or_, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BooleanClauseList

from workinggroup_app.domain import models, releasability
from workinggroup_app.domain.fields import record_type
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.domain.vocabulary import is_known, keys, pair, word
from workinggroup_app.read.lists import AWAITING_STATES, ListSpec, where_clauses

WASHINGTON = ZoneInfo("America/New_York")

IDS_LIMIT = 5000  # most ids a drill-down spec may carry (queries.MAX_LIMIT rows a page)
DUE_SOON_DAYS = 14
LONG_WAIT_DAYS = 30
RESPONSE_MONTHS = 12
ANSWERED_STATES = ("responded", "closed")
OPEN_ITEM_STATES = tuple(record_type("action_item").workflow.open_states())  # type: ignore[union-attr]
DIRECTIONS = ("US_TO_PRC", "PRC_TO_US")
ANSWERS_LISTED = 20  # referrals answered since the last meeting, listed by name


def labels_of(key: str) -> tuple[str, str]:
    """(English, Chinese) title of a figure or chart: the vocabulary's "dashboard" words."""
    return pair("dashboard", key)


# --- the plain data views and reports read ----------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One number and the list that reproduces it.

    ``count`` is how many records ``spec`` lists (for counts it equals ``value``; for a
    median it is the number of referrals the median is taken over). ``exact`` is False only
    when more than ``IDS_LIMIT`` records could not be named exactly.
    """

    key: str
    label_en: str
    label_zh: str
    value: int | float | None
    count: int
    spec: ListSpec
    exact: bool = True
    unit: str = "count"  # "count" or "days"

    def label(self, lang: str = "en") -> str:
        return self.label_zh if lang.startswith("zh") else self.label_en

    def text(self) -> str:
        """The value as printed everywhere (tiles, PDF, terminal)."""
        return format_value(self.value, self.unit)


def format_value(value: int | float | None, unit: str = "count") -> str:
    if value is None:
        return "—"
    if unit == "days":
        return f"{value:.1f}"
    return f"{int(value):,}"


@dataclass(frozen=True)
class Category:
    key: Any
    label_en: str
    label_zh: str

    def label(self, lang: str = "en") -> str:
        return self.label_zh if lang.startswith("zh") else self.label_en


@dataclass(frozen=True)
class Chart:
    """A bar chart: ``bars[s][c]`` is the figure of series ``s`` in category ``c`` (or None)."""

    key: str
    label_en: str
    label_zh: str
    categories: tuple[Category, ...]
    series: tuple[Category, ...]
    bars: tuple[tuple[Figure | None, ...], ...]
    unit: str = "count"
    stacked: bool = False
    horizontal: bool = False

    def label(self, lang: str = "en") -> str:
        return self.label_zh if lang.startswith("zh") else self.label_en

    def figures(self) -> list[Figure]:
        return [f for row in self.bars for f in row if f is not None]

    def value(self, series: int, category: int) -> float:
        f = self.bars[series][category]
        return float(f.value) if f is not None and f.value is not None else 0.0


@dataclass(frozen=True)
class Answered:
    """A referral answered since the last meeting (listed in the review)."""

    id: int
    reference: str
    title_en: str
    title_zh: str
    direction: str
    answered_on: date
    days: int | None


@dataclass(frozen=True)
class Since:
    meeting_id: int
    reference: str
    title_en: str
    title_zh: str
    starts_at: datetime
    since_date: date  # the meeting's date in Washington
    figures: tuple[Figure, ...]
    answers: tuple[Answered, ...] = ()


@dataclass(frozen=True)
class MyWork:
    username: str
    names: tuple[str, ...]
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class Dashboard:
    today: date
    now: datetime
    audience: str
    tiles: tuple[Figure, ...]
    charts: tuple[Chart, ...]
    since: Since | None
    mine: MyWork | None = None
    _index: dict[str, Figure] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for f in self.all_figures():
            self._index.setdefault(f.key, f)

    def all_figures(self) -> list[Figure]:
        out = list(self.tiles)
        if self.since is not None:
            out += self.since.figures
        if self.mine is not None:
            out += self.mine.figures
        for c in self.charts:
            out += c.figures()
        return out

    def figure(self, key: str) -> Figure:
        return self._index[key]

    def chart(self, key: str) -> Chart:
        return next(c for c in self.charts if c.key == key)


# --- SQL helpers ----------------------------------------------------------------------------


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


def my_names(actor: Actor) -> tuple[str, ...]:
    """The spellings of the actor's names that count as theirs in an owner field."""
    out: list[str] = []
    for name in (actor.username, actor.display_name):
        name = (name or "").strip()
        if name:
            out += [name, name.lower(), name.upper(), name.title()]
    return tuple(dict.fromkeys(out))


def my_items(actor: Actor) -> Among:
    """Action items the actor owns (owner person) or wrote (author).

    The owner field is free text: it matches the username or the display name as typed,
    in lower case, upper case or capitalised ("alice", "Alice Smith", "ALICE SMITH"); the
    author is the username the services recorded. Exact comparisons, found through the
    indexes on both columns, so the cost follows the actor's items, not the table.
    """
    ai = models.ActionItem
    names = list(my_names(actor))
    if not names:
        return Among(select(ai.id).where(false()))
    owned = select(ai.id).where(ai.owner_person.in_(names))
    written = select(ai.id).where(ai.created_by.in_(names))
    return Among(owned.union(written))


@dataclass(frozen=True)
class Among:
    """A condition given as the candidate ids, found through an index (a union of lookups).

    Counting reads the candidates and checks each against the list's conditions by primary
    key, so a planner with no statistics cannot prefer scanning the list's status instead.
    """

    ids: Any  # a SELECT of one id column


class _Counter:
    """Counts for one session, day and audience; turns conditions into exact specs."""

    def __init__(self, session: Session, today: date, audience: str) -> None:
        releasability.check_audience(audience)
        self.session = session
        self.today = today
        self.audience = audience

    def spec(self, type_key: str, **kw: Any) -> ListSpec:
        """A spec as the list will run it: the same day and the same audience."""
        return ListSpec(type_key, today=self.today, audience=self.audience, **kw)

    def where(self, spec: ListSpec) -> list[ColumnElement[bool]]:
        return where_clauses(self.session, spec)

    def _narrowed(self, spec: ListSpec, what: Any, extra: Any) -> Any:
        """SELECT ``what`` over the rows of ``spec`` that also meet ``extra``."""
        m = spec.rt.model
        if isinstance(extra, Among):
            candidates = extra.ids.subquery()
            listed = select(m.id).where(m.id == candidates.c[0], *self.where(spec)).exists()
            return select(what(candidates.c[0])).select_from(candidates).where(listed)
        q = select(what(m.id)).select_from(m).where(*self.where(spec))
        return q if extra is None else q.where(extra)

    def _ids(self, spec: ListSpec, extra: Any) -> tuple[int, ...]:
        # sorted here, not in SQL: an ORDER BY id makes SQLite walk the whole table by id
        # instead of using the condition's index (referrals answered since the last
        # meeting at 1M: 34 ms instead of 2 ms)
        q = self._narrowed(spec, lambda c: c, extra)
        return tuple(sorted(self.session.execute(q.limit(IDS_LIMIT + 1)).scalars()))

    def figure(
        self,
        key: str,
        spec: ListSpec,
        value: int,
        *,
        extra: Any = None,
        labels: tuple[str, str] | None = None,
        shown: int | float | None = None,
        unit: str = "count",
    ) -> Figure:
        """A figure of ``value`` records: those of ``spec`` that also meet ``extra``.

        With no extra condition the spec is exact. Otherwise the records are named by ids
        when there are few enough; beyond ``IDS_LIMIT`` the spec stays the superset.
        """
        exact = True
        if extra is not None:
            if value == 0:
                spec = spec.with_(ids=())
            elif value <= IDS_LIMIT:
                spec = spec.with_(ids=self._ids(spec, extra))
            else:
                exact = False
        en, zh = labels or (labels_of(key) if is_known("dashboard", key) else (key, key))
        shown_value = value if unit == "count" else shown
        return Figure(key, en, zh, shown_value, value, spec, exact, unit)

    def count_among(self, specs: dict[str, ListSpec], among: Among) -> list[Figure]:
        """Several figures over the same candidates, read once: one count per spec."""
        candidates = among.ids.subquery()
        counts = []
        for spec in specs.values():
            m = spec.rt.model
            listed = select(m.id).where(m.id == candidates.c[0], *self.where(spec)).exists()
            counts.append(func.count(case((listed, 1))))
        values = self.session.execute(select(*counts).select_from(candidates)).one()
        return [
            self.figure(key, spec, int(value), extra=among)
            for (key, spec), value in zip(specs.items(), values, strict=True)
        ]

    def count(self, key: str, spec: ListSpec, extra: Any = None, **kw: Any) -> Figure:
        """The rows of ``spec`` that also meet ``extra`` (a condition or an ``Among``)."""
        q = self._narrowed(spec, lambda _c: func.count(), extra)
        return self.figure(key, spec, self.session.execute(q).scalar_one(), extra=extra, **kw)

    def tally(
        self,
        base: ListSpec,
        columns: Sequence[Any],
        parts: dict[str, ListSpec],
        *,
        dated: Any = None,
    ) -> list[Any]:
        """One pass over ``base``'s rows grouped by ``columns``: ``n`` (all rows of the group)
        and, for each part, how many rows its spec also lists.

        Every part is a narrower spec of the same record type; its condition is its own
        ``where_clauses`` less those it shares with the base (the rows are the base's
        already), so a part's total is exactly ``count_rows(part)``. ``dated``: also
        count the rows where that column is not NULL.
        """
        m = base.rt.model
        dialect = self.session.get_bind().dialect
        shared = {_key(x, dialect) for x in _flat(self.where(base))}
        sums = []
        for name, spec in parts.items():
            own = [x for x in _flat(self.where(spec)) if _key(x, dialect) not in shared]
            sums.append(func.count(case((and_(true(), *own), 1))).label(name))
        if dated is not None:
            sums.append(func.count(dated).label("dated"))
        return list(
            self.session.execute(
                select(*columns, func.count().label("n"), *sums)
                .select_from(m)
                .where(*self.where(base))
                .group_by(*columns)
            ).all()
        )


def _key(clause: Any, dialect: Any) -> tuple[str, str]:
    """A condition as SQL text and bound values: equal for conditions built alike."""
    compiled = clause.compile(dialect=dialect)
    return str(compiled), repr(sorted(compiled.params.items()))


def _flat(clauses: Iterable[Any]) -> list[Any]:
    """The terms of a list of conditions, with AND groups opened."""
    out: list[Any] = []
    for x in clauses:
        if isinstance(x, BooleanClauseList) and x.operator is operators.and_:
            out += _flat(x.clauses)
        else:
            out.append(x)
    return out


def _equals(spec: ListSpec, *pairs: tuple[str, Any]) -> ListSpec:
    return spec.with_(equals=(*spec.equals, *pairs))


def _median(times: Counter[float]) -> float | None:
    """The median of values given with how often each occurs (None for none)."""
    count = sum(times.values())
    if count == 0:
        return None
    lower, upper = (count - 1) // 2, count // 2  # positions of the middle one or two
    found: list[float] = []
    seen = 0
    for value in sorted(times):
        seen += times[value]
        while len(found) < 2 and (lower if not found else upper) < seen:
            found.append(value)
    return (found[0] + found[1]) / 2


def _total(rows: Iterable[Any], name: str, **match: Any) -> int:
    """Sum of one column over the GROUP BY rows whose keys match (a few dozen rows)."""
    return sum(
        int(getattr(r, name)) for r in rows if all(getattr(r, k) == v for k, v in match.items())
    )


# --- the figures ------------------------------------------------------------------------------


def _action_items(
    c: _Counter, since_day: date | None
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
        c.figure("open", base, _total(rows, "n")),
        c.figure("overdue", overdue, _total(rows, "overdue")),
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
                _equals(base, ("owner_side", side.key), ("status", st.key)),
                _total(rows, "n", side=side.key, status=st.key),
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


def _referrals(c: _Counter, since_day: date | None) -> tuple[list[Figure], Chart, Figure | None]:
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
        c.figure("since_referrals", parts["since_referrals"], _total(rows, "since_referrals"))
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
                _equals(base, ("status", st.key), ("direction", d.key)),
                _total(rows, "n", status=st.key, direction=d.key),
                labels=(f"{st.label_en}, {d.label_en}", f"{st.label_zh}，{d.label_zh}"),
            )
            for st in cats
        )
        for d in series
    )
    en, zh = labels_of("pipeline")
    chart = Chart("pipeline", en, zh, cats, series, bars, stacked=True, horizontal=True)
    return tiles, chart, since


def _answered_spec(c: _Counter, window_from: date) -> ListSpec:
    return c.spec(
        "referral",
        equals=(("status", ANSWERED_STATES),),
        date_from=window_from,
        date_to=c.today,
    )


def _medians(c: _Counter, window_from: date) -> tuple[list[Figure], Chart]:
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
            ((d,), _equals(base, ("direction", d)), times, rows, labels_of(f"median.{d}"))
        )
    for d in DIRECTIONS:
        for m in months:
            start = date.fromisoformat(m + "-01")
            spec = _equals(base, ("direction", d)).with_(
                date_from=start, date_to=min(month_end(start), c.today)
            )
            labels = (f"{m} {word('direction', d)}", f"{m} {word('direction', d, 'zh')}")
            times, rows = part(d, m)
            wanted.append(((d, m), spec, times, rows, labels))
    values = [_median(times) for _key, _spec, times, _rows, _labels in wanted]
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


def _since(
    c: _Counter, meeting: models.Meeting, day: date, overdue: Figure, referrals: Figure
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


def _mine(c: _Counter, actor: Actor) -> MyWork:
    figures = c.count_among(
        {
            "my_open": c.spec("action_item", open_only=True),
            "my_overdue": c.spec("action_item", flag=True),
        },
        my_items(actor),
    )
    return MyWork(actor.username, my_names(actor), tuple(figures))


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
    c = _Counter(session, today, audience)
    now = now or default_now(today)
    window_from = month_start(today, RESPONSE_MONTHS - 1)
    with ThreadPoolExecutor(1, thread_name_prefix="dashboard") as apart:
        medians = None
        if sessions is not None:
            opened = sessions

            def medians_apart() -> tuple[list[Figure], Chart]:
                with opened() as other:
                    return _medians(_Counter(other, today, audience), window_from)

            medians = apart.submit(medians_apart)
        meeting = last_meeting(session, now, audience)
        since_day = washington_date(meeting.starts_at) if meeting and meeting.starts_at else None
        item_tiles, by_side, by_agency, since_overdue = _action_items(c, since_day)
        ref_tiles, pipeline, since_referrals = _referrals(c, since_day)
        median_tiles, by_month = (
            medians.result() if medians is not None else _medians(c, window_from)
        )
    tiles = [*item_tiles, *ref_tiles, *median_tiles]
    since = None
    if meeting is not None and since_day is not None:
        assert since_overdue is not None and since_referrals is not None
        since = _since(c, meeting, since_day, since_overdue, since_referrals)
    return Dashboard(
        today=today,
        now=now,
        audience=audience,
        tiles=tuple(tiles),
        charts=(by_side, by_agency, pipeline, by_month),
        since=since,
        mine=_mine(c, actor) if actor is not None else None,
    )


# --- since the last visit ----------------------------------------------------------------------


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
    c = _Counter(session, today, audience)
    spec = c.spec("action_item", flag=True, date_from=since)
    everyone = c.count("new_overdue_all", spec)
    mine = c.count("new_overdue_mine", spec, my_items(actor)) if actor is not None else None
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


# --- rows for the terminal report ---------------------------------------------------------------


@dataclass(frozen=True)
class OverdueRow:
    reference: str
    due_date: date
    days_overdue: int
    owner_side: str
    agency: str
    owner_person: str
    status: str
    title_en: str
    title_zh: str


def overdue_rows(
    session: Session, today: date, audience: str = "internal", batch: int = 1000
) -> Iterable[OverdueRow]:
    """Overdue action items, oldest due date first, read in keyset batches."""
    c = _Counter(session, today, audience)
    ai, ag = models.ActionItem, models.Agency
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
            )
            .outerjoin(ag, ag.id == ai.owner_agency_id)
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
            )
        if len(rows) < batch:
            return
        last = (rows[-1][2], rows[-1][0])
