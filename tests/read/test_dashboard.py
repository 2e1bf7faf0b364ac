"""The manager's dashboard: every figure is right, and every figure lists its own records.

Each figure is checked against a query written independently, in raw SQL (joins where the
core uses EXISTS, ORDER BY + LIMIT/OFFSET where the core uses window functions), and its
ListSpec must list exactly as many records as the figure counts.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Date, bindparam, text

from tests.helpers import World
from workinggroup_app.domain import models
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.read import dashboard
from workinggroup_app.read.dashboard import counting
from workinggroup_app.read.dashboard.model import Dashboard, Figure
from workinggroup_app.read.lists import count_rows, list_rows

TODAY = date(2026, 3, 5)
NOW = datetime(2026, 3, 5, 17, 0, tzinfo=UTC)  # noon in Washington
ALICE = Actor("alice", "manager", "Alice Smith")
CANARY = "CANARY"  # in every name that only US-only records could reveal
OPEN = ("open", "in_progress", "blocked")
WAITING = ("sent", "received", "acknowledged", "under_verification", "info_requested")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- the world ----------------------------------------------------------------------------------


def build_world(db: Any, seed: int = 7, n_items: int = 260, n_refs: int = 180) -> dict[str, int]:
    """Agencies, meetings, cases, referrals and action items with every kind of edge."""
    rng = random.Random(seed)
    ids: dict[str, int] = {}
    with db.sessions.begin() as s:

        def add(obj: Any, name: str | None = None) -> Any:
            s.add(obj)
            s.flush()
            if name:
                ids[name] = obj.id
            return obj

        def agency(ref: str, side: str, abbr: str, rel: str = "releasable") -> Any:
            return add(
                models.Agency(
                    reference=ref,
                    side=side,
                    abbreviation=abbr,
                    title_en=f"{abbr} agency",
                    title_zh=f"{abbr} 机构",
                    releasability=rel,
                ),
                abbr,
            )

        ags = [
            agency("AG-1", "US", "DEA"),
            agency("AG-2", "US", "HSI"),
            agency("AG-3", "PRC", "MPS"),
            agency("AG-4", "PRC", "GAC"),
        ]
        # named only through US-only records: a bilateral view must never show it
        shadow = agency("AG-5", "US", f"{CANARY}-SHADOW")
        # an agency that is itself US only, owning releasable work
        secret = agency("AG-6", "US", f"{CANARY}-TF", "us_only")

        def meeting(ref: str, at: datetime, rel: str, status: str, title: str) -> Any:
            return add(
                models.Meeting(
                    reference=ref,
                    title_en=title,
                    title_zh="会议",
                    releasability=rel,
                    starts_at=at,
                    status=status,
                ),
                ref,
            )

        m1 = meeting("MTG-1", utc(2026, 1, 15, 15), "releasable", "minutes_approved", "Plenary")
        m2 = meeting("MTG-2", utc(2026, 2, 20, 15), "us_only", "held", f"{CANARY} prep")
        meeting("MTG-3", utc(2026, 3, 1, 15), "releasable", "cancelled", "Cancelled session")
        meeting("MTG-4", utc(2026, 3, 20, 15), "releasable", "planned", "Next plenary")
        c1 = add(models.Case(reference="CASE-1", title_en="Open case", releasability="releasable"))
        c2 = add(
            models.Case(reference="CASE-2", title_en=f"{CANARY} case", releasability="us_only")
        )

        statuses = [
            "draft",
            "sent",
            "received",
            "acknowledged",
            "under_verification",
            "info_requested",
            "responded",
            "closed",
            "withdrawn",
            "duplicate",
        ]
        refs = []
        for i in range(n_refs):
            direction = rng.choice(["US_TO_PRC", "PRC_TO_US"])
            status = rng.choice(statuses)
            sent = None if status == "draft" else TODAY - timedelta(days=rng.randint(0, 500))
            answered = None
            if sent and (status in ("responded", "closed") or rng.random() < 0.05):
                answered = min(TODAY, sent + timedelta(days=rng.randint(1, 80)))
            if status == "responded" and rng.random() < 0.1:
                answered = None  # an answer recorded without its date
            refs.append(
                add(
                    models.Referral(
                        reference=f"REF-{i:04d}",
                        title_en=f"Referral {i}",
                        title_zh=f"线索 {i}",
                        direction=direction,
                        referral_type="lead",
                        status=status,
                        sent_on=sent,
                        answered_on=answered,
                        response_due=sent + timedelta(days=30) if sent else None,
                        sending_agency_id=rng.choice(ags).id,
                        receiving_agency_id=rng.choice(ags).id,
                        case_id=rng.choice([None, None, None, c1.id, c2.id]),
                        releasability=rng.choice(["releasable"] * 3 + ["us_only", None]),
                        archived=rng.random() < 0.04,
                    )
                )
            )
        item_statuses = (
            ["open"] * 4 + ["in_progress"] * 2 + ["blocked", "done", "done", "cancelled"]
        )
        people = ["Alice Smith", "alice", "ALICE SMITH", "Bob Jones", "", "Chen Wei"]
        authors = ["alice", "bob", "carol"]
        # owners are accounts; the typed names above are counterpart owners and never make
        # an item anyone's work (so "Alice Smith" is typed on many of bob's items too)
        alice = add(models.User(username="alice", display_name="Alice Smith", role="manager"))
        bob = add(models.User(username="bob", display_name="Bob Jones", role="liaison"))
        ids["alice"], ids["bob"] = alice.id, bob.id
        owners = random.Random(seed + 1)
        for i in range(n_items):
            status = rng.choice(item_statuses)
            due = TODAY + timedelta(days=rng.randint(-150, 40))
            created = NOW - timedelta(days=rng.randint(0, 200), hours=rng.randint(0, 23))
            add(
                models.ActionItem(
                    reference=f"AI-{i:04d}",
                    title_en=f"Action {i}",
                    title_zh=f"行动 {i}",
                    status=status,
                    owner_side=rng.choice(["US", "PRC", "JOINT"]),
                    owner_agency_id=rng.choice([*[a.id for a in ags], None, secret.id]),
                    owner_person=rng.choice(people),
                    owner_user_id=owners.choice([alice.id, alice.id, bob.id, None, None]),
                    created_by=rng.choice(authors),
                    created_at=created,
                    due_date=due if rng.random() > 0.05 else None,
                    completed_on=(
                        TODAY - timedelta(days=rng.randint(0, 90)) if status == "done" else None
                    ),
                    origin_meeting_id=rng.choice([None, None, m1.id, m2.id]),
                    origin_referral_id=rng.choice([None, None, None, rng.choice(refs).id]),
                    origin_case_id=rng.choice([None, None, None, c1.id, c2.id]),
                    releasability=rng.choice(["releasable"] * 3 + ["us_only", None]),
                    archived=rng.random() < 0.04,
                )
            )
        # the shadow agency owns overdue work visible only to the US side
        for i in range(3):
            add(
                models.ActionItem(
                    reference=f"AI-S{i}",
                    title_en=f"{CANARY} shadow {i}",
                    status="open",
                    owner_side="US",
                    owner_agency_id=shadow.id,
                    due_date=TODAY - timedelta(days=5 + i),
                    releasability="us_only" if i < 2 else "releasable",
                    origin_meeting_id=m2.id if i == 2 else None,  # releasable, US-only parent
                )
            )
    return ids


@pytest.fixture
def world(any_db):
    ids = build_world(any_db)
    # and a little through the services, as a user works: an item alice creates and one
    # she closes (with its status history)
    w = World(any_db, ALICE, TODAY)
    made = w.make("action_item", title_en="Alice's new item", due_date=TODAY - timedelta(days=1))
    other = w.make("action_item", owner_person="Alice Smith", due_date=TODAY)
    w.move("action_item", other, "done")
    ids["made"] = made
    return any_db, ids


# --- independent SQL -----------------------------------------------------------------------------


def raw(db: Any, sql: str, **params: Any) -> Any:
    binds = []
    for k, v in params.items():
        if isinstance(v, datetime):
            binds.append(bindparam(k, v, type_=models.UTCDateTime()))
        elif isinstance(v, date):
            binds.append(bindparam(k, v, type_=Date()))
        elif isinstance(v, (list, tuple)):
            binds.append(bindparam(k, list(v), expanding=True))
        else:
            binds.append(bindparam(k, v))
    with db.engine.connect() as conn:
        return conn.execute(text(sql).bindparams(*binds)).all()


def one(db: Any, sql: str, **params: Any) -> Any:
    return raw(db, sql, **params)[0][0]


# The bilateral rule, restated with joins: own marking, not archived, and every parent
# (meeting, case, referral, the referral's case) releasable when there is one.
AI_FROM = """
FROM action_item a
LEFT JOIN meeting pm ON pm.id = a.origin_meeting_id
LEFT JOIN "case" pc ON pc.id = a.origin_case_id
LEFT JOIN referral pr ON pr.id = a.origin_referral_id
LEFT JOIN "case" prc ON prc.id = pr.case_id
LEFT JOIN agency g ON g.id = a.owner_agency_id
"""
AI_BILATERAL = """
 AND a.releasability = 'releasable'
 AND (a.origin_meeting_id IS NULL OR pm.releasability = 'releasable')
 AND (a.origin_case_id IS NULL OR pc.releasability = 'releasable')
 AND (a.origin_referral_id IS NULL OR pr.releasability = 'releasable')
 AND (pr.case_id IS NULL OR prc.releasability = 'releasable')
"""
REF_FROM = """
FROM referral r
LEFT JOIN "case" rc ON rc.id = r.case_id
"""
REF_BILATERAL = """
 AND r.releasability = 'releasable'
 AND (r.case_id IS NULL OR rc.releasability = 'releasable')
"""


def ai_count(db: Any, audience: str, where: str, **params: Any) -> int:
    sql = f"SELECT COUNT(*) {AI_FROM} WHERE NOT a.archived AND ({where})"
    if audience == "bilateral":
        sql += AI_BILATERAL
    return one(db, sql, **params)


def ref_count(db: Any, audience: str, where: str, **params: Any) -> int:
    sql = f"SELECT COUNT(*) {REF_FROM} WHERE NOT r.archived AND ({where})"
    if audience == "bilateral":
        sql += REF_BILATERAL
    return one(db, sql, **params)


def last_meeting_at(db: Any, audience: str, now: datetime = NOW) -> datetime:
    sql = "SELECT starts_at FROM meeting WHERE status <> 'cancelled' AND NOT archived AND starts_at <= :now"
    if audience == "bilateral":
        sql += " AND releasability = 'releasable'"
    rows = raw(db, sql + " ORDER BY starts_at DESC", now=now)
    value = rows[0][0]
    if isinstance(value, str):  # SQLite hands back the stored text
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def raw_median(db: Any, audience: str, direction: str, start: date, end: date) -> tuple[Any, int]:
    """Median with window functions (the core sorts and skips): the middle row(s) by rank."""
    days = (
        "(julianday(r.answered_on) - julianday(r.sent_on))"
        if db.is_sqlite
        else "(r.answered_on - r.sent_on)"
    )
    where = """WHERE NOT r.archived AND r.direction = :d AND r.status IN ('responded', 'closed')
        AND r.sent_on >= :start AND r.sent_on <= :end AND r.answered_on IS NOT NULL"""
    if audience == "bilateral":
        where += REF_BILATERAL
    rows = raw(
        db,
        f"""SELECT AVG(days), MAX(n) FROM (
              SELECT {days} AS days,
                     ROW_NUMBER() OVER (ORDER BY {days}) AS k,
                     COUNT(*) OVER () AS n
              {REF_FROM} {where}) ranked
            WHERE k * 2 IN (n, n + 1, n + 2)""",
        d=direction,
        start=start,
        end=end,
    )
    value, n = rows[0]
    return (None, 0) if not n else (round(float(value), 1), n)


def expected(db: Any, fig: Figure, audience: str, d: Dashboard) -> Any:
    """The figure's value, from raw SQL."""
    key = fig.key
    t = d.today
    open_ = "a.status IN ('open', 'in_progress', 'blocked')"
    overdue = f"{open_} AND a.due_date < :t"
    if key == "open":
        return ai_count(db, audience, open_)
    if key == "overdue":
        return ai_count(db, audience, overdue, t=t)
    if key == "due_soon":
        return ai_count(
            db, audience, f"{open_} AND a.due_date BETWEEN :t AND :e", t=t, e=t + timedelta(13)
        )
    waiting = "r.direction = 'US_TO_PRC' AND r.status IN :w"
    if key == "awaiting":
        return ref_count(db, audience, waiting, w=WAITING)
    if key == "awaiting_long":
        return ref_count(
            db, audience, f"{waiting} AND r.sent_on <= :cut", w=WAITING, cut=t - timedelta(31)
        )
    if key.startswith("median."):
        parts = key.split(".")
        if len(parts) == 2:
            year_ago = date(t.year - 1, t.month, 1) + timedelta(days=32)
            return raw_median(db, audience, parts[1], year_ago.replace(day=1), t)
        start = date.fromisoformat(parts[2] + "-01")
        end = min(dashboard.month_end(start), t)
        return raw_median(db, audience, parts[1], start, end)
    if key.startswith("items_by_side."):
        _k, side, status = key.split(".")
        return ai_count(db, audience, "a.owner_side = :s AND a.status = :st", s=side, st=status)
    if key.startswith("overdue_by_agency."):
        agency = key.split(".", 1)[1]
        if agency == "no_agency":
            return ai_count(db, audience, f"{overdue} AND a.owner_agency_id IS NULL", t=t)
        if agency == "hidden_agency":
            return ai_count(
                db,
                audience,
                f"{overdue} AND (g.id IS NULL OR g.releasability IS NULL "
                "OR g.releasability <> 'releasable' OR g.archived)",
                t=t,
            )
        return ai_count(db, audience, f"{overdue} AND a.owner_agency_id = :g", t=t, g=int(agency))
    if key.startswith("pipeline."):
        _k, status, direction = key.split(".")
        return ref_count(db, audience, "r.status = :s AND r.direction = :d", s=status, d=direction)
    assert d.since is not None
    at = last_meeting_at(db, audience, d.now)
    day = dashboard.washington_date(at)
    if key == "since_opened":
        return ai_count(db, audience, "a.created_at >= :at", at=at)
    if key == "since_completed":
        return ai_count(db, audience, "a.status = 'done' AND a.completed_on >= :d", d=day)
    if key == "since_overdue":
        return ai_count(db, audience, f"{overdue} AND a.due_date >= :d", t=t, d=day)
    if key == "since_referrals":
        return ref_count(db, audience, "r.sent_on >= :d AND r.sent_on <= :t", d=day, t=t)
    if key == "since_answered":
        return ref_count(db, audience, "r.answered_on >= :d", d=day)
    assert d.mine is not None
    found = raw(db, "SELECT id FROM app_user WHERE username = :u", u=d.mine.username)
    uid = found[0][0] if found else None  # no account here: owns nothing (= NULL is never true)
    mine = "a.owner_user_id = :uid"
    if key == "my_open":
        return ai_count(db, audience, f"{open_} AND {mine}", uid=uid)
    if key == "my_overdue":
        return ai_count(db, audience, f"{overdue} AND {mine}", t=t, uid=uid)
    raise AssertionError(f"no independent query for {key}")


def compute(
    db: Any, audience: str = "internal", actor: Actor | None = ALICE, *, apart: bool = False
) -> Dashboard:
    """``apart``: the response times on a second connection, as the dashboard view does."""
    with db.session() as s:
        return dashboard.compute(
            s, TODAY, audience, actor, now=NOW, sessions=db.session if apart else None
        )


def assert_figures_true(db: Any, d: Dashboard, *, exact: bool = True) -> None:
    """Each figure equals its independent query and its spec lists exactly its records
    (or, with ``exact=False``, at least them when the figure says it is not exact)."""
    figures = d.all_figures()
    assert len(figures) > 60
    for fig in figures:
        want = expected(db, fig, d.audience, d)
        if fig.unit == "days":
            assert (fig.value, fig.count) == want, fig.key
        else:
            assert fig.value == want, fig.key
            assert fig.count == fig.value, fig.key
        assert fig.exact or not exact, fig.key
    with db.session() as s:
        for fig in figures:
            if fig.exact:
                assert count_rows(s, fig.spec) == fig.count, fig.key
            else:
                assert count_rows(s, fig.spec) > fig.count, fig.key


# --- tests ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("apart", [False, True])
@pytest.mark.parametrize("audience", ["internal", "bilateral"])
def test_every_figure_matches_an_independent_count_and_its_list(world, audience, apart):
    db, _ids = world
    d = compute(db, audience, apart=apart)
    assert_figures_true(db, d)
    if apart:
        assert d == compute(db, audience)  # the same figures as read on one connection
    # the figures are not all zero: the world exercises every one
    assert d.figure("overdue").value > 10
    assert d.figure("my_open").value > 0
    assert d.figure("since_answered").value > 0
    assert d.figure("median.US_TO_PRC").value is not None


def test_the_last_meeting_is_the_latest_held_one_the_audience_may_see(world):
    db, ids = world
    internal = compute(db, "internal").since
    bilateral = compute(db, "bilateral").since
    assert internal is not None and bilateral is not None
    # MTG-3 was cancelled and MTG-4 has not started; MTG-2 is US only
    assert internal.meeting_id == ids["MTG-2"]
    assert bilateral.meeting_id == ids["MTG-1"]
    assert CANARY not in bilateral.title_en


def test_figures_that_need_ids_name_exactly_their_records(world):
    db, _ids = world
    d = compute(db, "internal")
    opened = d.figure("since_opened")  # created since an instant: no list filter says that
    assert opened.spec.ids is not None and len(opened.spec.ids) == opened.value
    with db.session() as s:
        assert count_rows(s, opened.spec) == opened.value
    # a figure a list can express on its own carries no ids
    assert d.figure("overdue").spec.ids is None
    assert d.figure("since_overdue").spec.ids is None


def test_my_work_is_the_items_my_account_owns_whatever_names_are_typed(world):
    db, ids = world
    alice = compute(db, "internal", ALICE)
    bob = compute(db, "internal", Actor("bob", "liaison", "Bob Jones"))
    assert alice.mine is not None and alice.mine.account_id == ids["alice"]
    mine = alice.figure("my_open")
    # the list's own owner filter: exact, no ids, a click opens the list filtered by owner
    assert mine.exact and mine.spec.ids is None
    assert ("owner_user_id", ids["alice"]) in mine.spec.equals
    with db.session() as s:
        rows = list_rows(s, mine.spec, 0, 500, columns=["reference", "owner_user_id"])
        assert len(rows) == mine.value > 0
        assert {r.values["owner_user_id"] for r in rows} == {"Alice Smith"}
        # bob's items with "Alice Smith" typed as the counterpart owner are not hers
        typed = list_rows(
            s,
            bob.figure("my_open").spec,
            0,
            500,
            columns=["reference", "owner_person", "owner_user_id"],
        )
    assert any(r.values["owner_person"] == "Alice Smith" for r in typed)
    assert not {r.id for r in typed} & {r.id for r in rows}
    assert {r.values["owner_user_id"] for r in typed} == {"Bob Jones"}
    # the item alice created through the services has no owner account: not her work
    assert ids["made"] not in {r.id for r in rows}
    # someone with no account here owns nothing, even with alice's display name
    nobody = compute(db, "internal", Actor("carol", "viewer", "Alice Smith"))
    assert nobody.mine is not None and nobody.mine.account_id is None
    assert [f.value for f in nobody.mine.figures] == [0, 0]


def test_the_bilateral_dashboard_names_no_agency_seen_only_through_us_only_records(world):
    db, _ids = world
    internal = compute(db, "internal").chart("overdue_by_agency")
    bilateral = compute(db, "bilateral").chart("overdue_by_agency")
    assert f"{CANARY}-SHADOW" in [c.label_en for c in internal.categories]
    assert f"{CANARY}-TF" in [c.label_en for c in internal.categories]
    for chart in compute(db, "bilateral").charts:
        for cat in chart.categories:
            assert CANARY not in cat.label_en and CANARY not in cat.label_zh
        for fig in chart.figures():
            assert CANARY not in fig.label_en
    # the US-only agency's releasable work is counted, under a bar that does not name it
    hidden = bilateral.categories[-1]
    assert hidden.key is None and hidden.label_en == "No agency or not releasable"


def test_us_only_records_change_no_bilateral_figure(world):
    db, ids = world
    before = compute(db, "bilateral", actor=None)
    with db.sessions.begin() as s:
        s.add(
            models.Agency(
                reference="AG-9",
                side="US",
                abbreviation=f"{CANARY}-NEW",
                releasability="releasable",
            )
        )
        s.flush()
        new_agency = s.query(models.Agency).filter_by(reference="AG-9").one().id
        for i in range(5):
            s.add(
                models.ActionItem(
                    reference=f"AI-X{i}",
                    title_en=f"{CANARY} {i}",
                    status="open",
                    owner_side="PRC",
                    owner_agency_id=new_agency,
                    due_date=TODAY - timedelta(days=3),
                    created_at=NOW - timedelta(hours=1),
                    # releasable itself, but made from the US-only meeting or case
                    releasability="us_only" if i < 2 else "releasable",
                    origin_meeting_id=ids["MTG-2"] if i >= 2 else None,
                )
            )
        s.add(
            models.Referral(
                reference="REF-X",
                title_en=CANARY,
                direction="US_TO_PRC",
                referral_type="lead",
                status="sent",
                sent_on=TODAY - timedelta(days=60),
                answered_on=TODAY - timedelta(days=1),
                releasability="us_only",
            )
        )
    after = compute(db, "bilateral", actor=None)
    assert [(f.key, f.value) for f in after.all_figures()] == [
        (f.key, f.value) for f in before.all_figures()
    ]
    internal = compute(db, "internal", actor=None)
    assert f"{CANARY}-NEW" in [c.label_en for c in internal.chart("overdue_by_agency").categories]


def test_a_figure_too_large_to_name_by_ids_says_it_is_not_exact(world, monkeypatch):
    db, _ids = world
    monkeypatch.setattr(counting, "IDS_LIMIT", 3)  # where the figures are counted
    d = compute(db, "internal")
    opened = d.figure("since_opened")
    assert opened.value > 3 and not opened.exact and opened.spec.ids is None
    with db.session() as s:
        assert count_rows(s, opened.spec) > opened.value  # the nearest superset: all items
    assert d.figure("overdue").exact  # needs no ids
    assert d.figure("my_open").exact  # the owner filter: needs no ids either


def test_medians_take_the_middle_of_the_sorted_response_times(any_db):
    w = World(any_db, ALICE, TODAY)
    days = [5, 40, 9, 12]  # sorted 5 9 12 40: median 10.5
    for n in days:
        rid = w.make("referral", sent_on=TODAY - timedelta(days=60))
        w.move("referral", rid, "sent", "acknowledged")
        with any_db.sessions.begin() as s:
            s.get(models.Referral, rid).answered_on = TODAY - timedelta(days=60 - n)
        w.move("referral", rid, "responded")
    incoming = w.make("referral", direction="PRC_TO_US", sent_on=TODAY - timedelta(days=20))
    w.move("referral", incoming, "received", "acknowledged", "responded")  # answered today: 20
    d = compute(any_db)
    assert d.figure("median.US_TO_PRC").value == 10.5
    assert d.figure("median.US_TO_PRC").count == 4
    assert d.figure("median.PRC_TO_US").value == 20.0
    month = (TODAY - timedelta(days=60)).strftime("%Y-%m")
    chart = d.chart("response_by_month")
    bar = d.figure(f"median.US_TO_PRC.{month}")
    assert bar.value == 10.5 and bar in chart.figures()
    assert d.figure("awaiting").value == 0  # all answered


def test_an_empty_database_gives_zeros_and_no_meeting(any_db):
    d = compute(any_db)
    assert d.figure("open").value == 0
    assert d.figure("median.US_TO_PRC").value is None
    assert d.since is None
    assert d.chart("overdue_by_agency").categories == ()
    with any_db.session() as s:
        for fig in d.all_figures():
            assert count_rows(s, fig.spec) == fig.count == 0


def test_a_visit_remembers_the_last_one_and_reports_what_became_overdue(db):
    with db.sessions.begin() as s:
        s.add(models.User(username="alice", display_name="Alice Smith", role="manager"))
        s.add(models.User(username="bob", display_name="Bob Jones", role="liaison"))
    w = World(db, ALICE, TODAY)
    mine = w.make("action_item", owner_user_id="alice", due_date=TODAY - timedelta(days=2))
    World(db, Actor("bob", "liaison"), TODAY).make(
        "action_item",
        owner_user_id="bob",
        owner_person="Alice Smith",  # typed: not alice's work
        due_date=TODAY - timedelta(days=1),
    )
    w.make("action_item", owner_user_id="alice", due_date=TODAY - timedelta(days=30))
    first = dashboard.record_visit(db, ALICE, TODAY, now=NOW - timedelta(days=5))
    assert first.previous is None and first.stored
    second = dashboard.record_visit(db, ALICE, TODAY, now=NOW)
    assert second.previous == NOW - timedelta(days=5)
    assert second.mine is not None and second.everyone is not None
    assert (second.mine.value, second.everyone.value) == (1, 2)
    with db.session() as s:
        assert [r.id for r in list_rows(s, second.mine.spec)] == [mine]
        assert count_rows(s, second.everyone.spec) == 2
        user = s.query(models.User).filter_by(username="alice").one()
        assert user.last_seen_at == NOW


def test_a_user_without_a_row_keeps_the_visit_in_the_callers_settings(db):
    w = World(db, ALICE, TODAY)
    w.make("action_item", owner_person="alice", due_date=TODAY - timedelta(days=1))
    visit = dashboard.record_visit(
        db, ALICE, TODAY, now=NOW, previous_from_settings=NOW - timedelta(days=3)
    )
    assert not visit.stored
    # no account here, so nothing is theirs: a typed owner name is no account
    assert visit.mine is not None and visit.mine.value == 0


def test_overdue_rows_come_oldest_first_in_batches(world):
    db, _ids = world
    with db.session() as s:
        rows = list(dashboard.overdue_rows(s, TODAY, "internal", batch=7))
        d = dashboard.compute(s, TODAY, now=NOW)
    assert len(rows) == d.figure("overdue").value
    dues = [(r.due_date, r.reference) for r in rows]
    assert [x[0] for x in dues] == sorted(x[0] for x in dues)
    assert len({r.reference for r in rows}) == len(rows)
    assert all(r.days_overdue >= 1 for r in rows)
    with db.session() as s:
        shared = list(dashboard.overdue_rows(s, TODAY, "bilateral"))
    assert all(CANARY not in r.agency and CANARY not in r.title_en for r in shared)
    assert len(shared) == compute(db, "bilateral").figure("overdue").value


def test_figures_are_plain_data_a_thread_can_hand_over(world):
    db, _ids = world
    d = compute(db)
    again = replace(d)
    assert again.figure("open") == d.figure("open")
    assert isinstance(d.figure("overdue").spec.today, date)
    assert all(isinstance(f.value, (int, float, type(None))) for f in d.all_figures())


@pytest.mark.parametrize("audience", ["internal", "bilateral"])
def test_on_the_demo_data_every_figure_is_true_and_lists_its_records(any_db, audience):
    from workinggroup_app import demo

    demo.seed(any_db, today=TODAY)
    with any_db.session() as s:
        d = dashboard.compute(s, TODAY, audience, Actor("demo", "manager", "Demo"), now=NOW)
    assert d.since is not None
    assert d.figure("open").value > 0 and d.figure("overdue").value > 0
    assert d.figure("median.US_TO_PRC").value is not None
    assert_figures_true(any_db, d, exact=False)
