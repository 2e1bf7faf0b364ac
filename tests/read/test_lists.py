"""Lists, counts and search: filtered and sorted in SQL, read in windows, the same on both
databases. Every filter is checked against the records themselves, every sortable column in
both directions, and windows (also read backwards from the end) against the full ordering."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from tests.conftest import pg_database
from tests.helpers import World
from workinggroup_app.domain.fields import RECORD_TYPES, record_type
from workinggroup_app.read import choices, finder, lists
from workinggroup_app.read.lists import ListSpec
from workinggroup_app.storage.database import open_database

TODAY = date(2026, 3, 5)
TYPES = ("lead", "assistance", "scheduling", "seizure", "financial", "takedown")
MARKS = ("releasable", "us_only", "")


def build(w: World) -> dict[str, Any]:
    """A small, varied world: ties, NULLs, both sides, archived rows, Chinese and English."""
    ids: dict[str, Any] = {}
    dea = w.make("agency", abbreviation="DEA", title_en="Drug Enforcement Administration")
    cbp = w.make("agency", abbreviation="CBP", title_en="Customs and Border Protection")
    mps = w.make("agency", abbreviation="MPS", title_en="Ministry of Public Security", side="PRC")
    gacc = w.make("agency", abbreviation="GACC", title_en="General Administration of Customs",
                  side="PRC", title_zh="海关总署")  # fmt: skip
    ids["agencies"] = {"DEA": dea, "CBP": cbp, "MPS": mps, "GACC": gacc}
    case_a = w.make(
        "case", title_en="Precursor network", opened_on="2025-11-01", releasability="releasable"
    )
    case_b = w.make("case", title_en="Pill press importers", lead_agency_id=cbp)
    ids["cases"] = [case_a, case_b]
    titles_zh = ["涉嫌走私芬太尼前体化学品", "压片机", "芬", "网络销售", "走私", ""]
    senders = [dea, mps, cbp, None]
    receivers = [mps, dea, gacc, None, None]
    refs = []
    for i in range(24):
        direction = "US_TO_PRC" if i % 2 == 0 else "PRC_TO_US"
        values: dict[str, Any] = {
            "title_en": f"Referral {i:02d} " + ("fentanyl precursor" if i % 5 == 0 else "lead"),
            "title_zh": titles_zh[i % len(titles_zh)],
            "direction": direction,
            "referral_type": TYPES[i % len(TYPES)],
            "sending_agency_id": senders[i % len(senders)],
            "receiving_agency_id": receivers[i % len(receivers)],
            "releasability": MARKS[i % 3],
            "case_id": [case_a, case_b, None, None][i % 4],
        }
        if i % 4 != 3:  # some never sent: NULL dates
            values["sent_on"] = TODAY - timedelta(days=(i * 7) % 60)  # ties included
        if i % 6 == 1:
            values["counterpart_ref"] = f"GJ-{i}"
        if i % 7 == 2:
            values["line_of_effort"] = "online"
        rid = w.make("referral", **values)
        refs.append(rid)
        across = values["sending_agency_id"] and values["receiving_agency_id"]
        if not across:  # a referral names both agencies once it goes across
            pass
        elif i % 8 == 2:  # even: outgoing
            w.move("referral", rid, "sent", "acknowledged", "responded")
            w.move("referral", rid, "closed", outcome="seizure")
        elif i % 3 == 1:  # sent or received, due from the sent date
            w.move("referral", rid, "sent" if direction == "US_TO_PRC" else "received")
        if i % 11 == 5:
            w.svc.archive("referral", rid, w.version("referral", rid))
    ids["referrals"] = refs
    items = []
    for i in range(10):
        aid = w.make(
            "action_item",
            title_en=f"Action {i}",
            owner_side=("US", "PRC", "JOINT")[i % 3],
            owner_agency_id=[dea, mps, None][i % 3],
            due_date=(TODAY + timedelta(days=i * 3 - 12)) if i != 4 else None,
            releasability=MARKS[i % 3],
        )
        if i % 4 == 1:
            w.move("action_item", aid, "done")
        if i == 7:
            w.move("action_item", aid, "in_progress", "blocked")
        items.append(aid)
    ids["action_items"] = items
    ids["meetings"] = [
        w.make("meeting", title_en=f"Meeting {i}", starts_at=datetime(2026, 1 + i, 10, 13, tzinfo=UTC))
        for i in range(4)
    ]  # fmt: skip
    ids["entities"] = [
        w.make("entity", title_en="Yuanfeng Chemical Co.", title_zh="远丰化工", country="CN"),
        w.make("entity", title_en="Example Trading", title_zh="", entity_type="company"),
        w.make("entity", title_en="pill-press.example", entity_type="website"),
    ]
    ids["substances"] = [
        w.make("substance", title_en="Fentanyl", title_zh="芬太尼", category="opioid",
               cas_number="437-38-7", us_control="controlled", prc_control="controlled"),
        w.make("substance", title_en="NPP", category="precursor", cas_number="39742-60-4",
               us_control="controlled"),
        w.make("substance", title_en="Xylazine", title_zh="赛拉嗪", category="adulterant"),
    ]  # fmt: skip
    ids["contacts"] = [
        w.make("contact", title_en="Wang Wei", title_zh="王伟", agency_id=mps),
        w.make("contact", title_en="Jane Doe", agency_id=dea),
    ]
    return ids


# The world is built once per database kind; every test reads its own fresh copy of it.


@pytest.fixture(scope="module")
def sqlite_world_file(tmp_path_factory, sqlite_template) -> tuple[Path, dict[str, Any]]:
    path = tmp_path_factory.mktemp("queries") / "world.sqlite3"
    shutil.copyfile(sqlite_template, path)
    database = open_database(str(path))
    ids = build(World(database, today=TODAY))
    database.dispose()
    return path, ids


@pytest.fixture(scope="module")
def pg_world_database() -> Iterator[tuple[str, dict[str, Any]]]:
    with pg_database() as url:
        database = open_database(url)
        ids = build(World(database, today=TODAY))
        database.dispose()
        yield make_url(url).database or "", ids


@pytest.fixture
def sqlite_data(tmp_path, sqlite_world_file):
    source, ids = sqlite_world_file
    path = tmp_path / "world.sqlite3"
    shutil.copyfile(source, path)
    database = open_database(str(path))
    yield World(database, today=TODAY), ids
    database.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def data(request):
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_data")
        return
    template, ids = request.getfixturevalue("pg_world_database")
    with pg_database(template=template) as url:
        database = open_database(url)
        yield World(database, today=TODAY), ids
        database.dispose()


def all_objects(w: World, type_key: str) -> list[Any]:
    model = record_type(type_key).model
    with w.db.session() as s:
        objs = list(s.execute(select(model)).scalars())
        s.expunge_all()
        return objs


def listed(w: World, spec: ListSpec) -> set[int]:
    with w.db.session() as s:
        rows = lists.list_rows(s, spec, 0, lists.MAX_LIMIT)
        assert lists.count_rows(s, spec) == len(rows)
        return {r.id for r in rows}


# --- filters ---------------------------------------------------------------------------------------


def test_each_filter_keeps_exactly_the_matching_records(data):
    w, ids = data
    refs = all_objects(w, "referral")
    items = all_objects(w, "action_item")
    live = [r for r in refs if not r.archived]
    ag = ids["agencies"]

    def expect(spec: ListSpec, objs: list[Any], pred) -> None:
        want = {o.id for o in objs if pred(o)}
        assert want, f"the data set must exercise {spec}"
        assert listed(w, spec) == want, spec

    base = ListSpec("referral", today=TODAY)
    expect(base, live, lambda r: True)
    expect(base.with_(include_archived=True), refs, lambda r: True)
    expect(
        base.with_(equals=(("direction", "PRC_TO_US"),)), live, lambda r: r.direction == "PRC_TO_US"
    )
    expect(
        base.with_(equals=(("referral_type", ("lead", "seizure")),)),
        live,
        lambda r: r.referral_type in ("lead", "seizure"),
    )
    expect(base.with_(equals=(("status", "closed"),)), live, lambda r: r.status == "closed")
    expect(
        base.with_(equals=(("sending_agency_id", ag["MPS"]),)),
        live,
        lambda r: r.sending_agency_id == ag["MPS"],
    )
    expect(base.with_(equals=(("status", "sent"), ("direction", "US_TO_PRC"))), live,
           lambda r: r.status == "sent" and r.direction == "US_TO_PRC")  # fmt: skip
    expect(
        base.with_(equals=(("line_of_effort", "online"),)),
        live,
        lambda r: r.line_of_effort == "online",
    )
    expect(
        base.with_(open_only=True),
        live,
        lambda r: r.status not in ("closed", "withdrawn", "duplicate"),
    )
    expect(base.with_(agency_id=ag["DEA"]), live,
           lambda r: ag["DEA"] in (r.sending_agency_id, r.receiving_agency_id))  # fmt: skip
    expect(base.with_(side="PRC"), live, lambda r: r.direction == "PRC_TO_US")
    expect(base.with_(releasability="releasable"), live, lambda r: r.releasability == "releasable")
    expect(base.with_(releasability="us_only"), live, lambda r: r.releasability != "releasable")
    expect(
        base.with_(flag=True),
        live,
        lambda r: r.status in lists.AWAITING_STATES and r.answered_on is None
        and r.response_due is not None and r.response_due < TODAY,
    )  # fmt: skip
    lo, hi = TODAY - timedelta(days=30), TODAY - timedelta(days=7)
    expect(base.with_(date_from=lo), live, lambda r: r.sent_on is not None and r.sent_on >= lo)
    expect(base.with_(date_to=hi), live, lambda r: r.sent_on is not None and r.sent_on <= hi)
    expect(base.with_(date_from=lo, date_to=hi), live,
           lambda r: r.sent_on is not None and lo <= r.sent_on <= hi)  # fmt: skip
    some = tuple(ids["referrals"][:5])
    expect(base.with_(ids=some), live, lambda r: r.id in some)
    assert listed(w, base.with_(ids=())) == set()
    expect(base.with_(text="fentanyl"), live, lambda r: "fentanyl" in r.title_en)
    expect(base.with_(text="走私"), live, lambda r: "走私" in r.title_zh)
    shared_case, internal_case = ids["cases"]
    expect(base.with_(audience="bilateral"), live,
           lambda r: r.releasability == "releasable" and r.case_id in (None, shared_case))  # fmt: skip
    assert any(r.releasability == "releasable" and r.case_id == internal_case for r in live)

    ai = ListSpec("action_item", today=TODAY)
    expect(ai.with_(flag=True), items,
           lambda a: a.status in ("open", "in_progress", "blocked") and a.due_date is not None and a.due_date < TODAY)  # fmt: skip
    expect(ai.with_(side="JOINT"), items, lambda a: a.owner_side == "JOINT")
    expect(ai.with_(agency_id=ag["MPS"]), items, lambda a: a.owner_agency_id == ag["MPS"])
    expect(ai.with_(date_to=TODAY), items, lambda a: a.due_date is not None and a.due_date <= TODAY)

    meetings = all_objects(w, "meeting")
    expect(ListSpec("meeting", date_from=date(2026, 2, 10), date_to=date(2026, 3, 10)), meetings,
           lambda m: date(2026, 2, 10) <= m.starts_at.date() <= date(2026, 3, 10))  # fmt: skip
    contacts = all_objects(w, "contact")
    expect(ListSpec("contact", side="PRC"), contacts, lambda c: c.agency_id == ag["MPS"])
    agencies = all_objects(w, "agency")
    expect(ListSpec("agency", side="US"), agencies, lambda a: a.side == "US")


def test_filters_combine_with_and(data):
    w, _ids = data
    spec = ListSpec("referral", open_only=True, side="US", releasability="us_only", today=TODAY)
    want = {
        r.id
        for r in all_objects(w, "referral")
        if not r.archived
        and r.status not in ("closed", "withdrawn", "duplicate")
        and r.direction == "US_TO_PRC"
        and r.releasability != "releasable"
    }
    assert want and listed(w, spec) == want


# --- sorting and windows ---------------------------------------------------------------------------


def _expected_order(rows: list[lists.Row], column: str, descending: bool) -> list[int]:
    present = [r for r in rows if r.values[column] is not None]
    missing = [r for r in rows if r.values[column] is None]
    present.sort(key=lambda r: (r.values[column], r.id), reverse=descending)
    missing.sort(key=lambda r: r.id, reverse=descending)
    return [r.id for r in present + missing]  # no value: last, in both directions


@pytest.mark.parametrize("type_key", list(RECORD_TYPES))
def test_sorting_by_each_list_column_in_both_directions(sqlite_data, type_key):
    w, _ids = sqlite_data
    rt = record_type(type_key)
    with w.db.session() as s:
        for f in rt.list_fields():
            for descending in (False, True):
                spec = ListSpec(type_key, sort=f.name, descending=descending, today=TODAY)
                rows = lists.list_rows(s, spec, 0, lists.MAX_LIMIT)
                assert rows, type_key
                assert [r.id for r in rows] == _expected_order(rows, f.name, descending), (
                    f.name,
                    descending,
                )


WINDOW_SORTS = {  # columns with ties and with no value, the default order (None), a link
    "referral": [None, "sent_on", "sending_agency_id", "title_zh"],
    "action_item": [None, "due_date"],
    "entity": ["uscc"],
}


@pytest.mark.parametrize("lean_skip", [None, 0])
@pytest.mark.parametrize("type_key", list(WINDOW_SORTS))
def test_windows_and_reading_from_the_end_match_the_full_ordering(
    data, type_key, lean_skip, monkeypatch
):
    """Every window equals that slice of the whole ordering, read from the top or from the
    end; with ``lean_skip`` 0 every window finds its ids first (the deep-page path)."""
    w, _ids = data
    with w.db.session() as s:
        for column in WINDOW_SORTS[type_key]:
            for descending in (False, True):
                spec = ListSpec(type_key, sort=column, descending=descending, today=TODAY)
                monkeypatch.setattr(lists, "LEAN_SKIP", 1_000_000)
                full = [r.id for r in lists.list_rows(s, spec, 0, lists.MAX_LIMIT)]
                if lean_skip is not None:
                    monkeypatch.setattr(lists, "LEAN_SKIP", lean_skip)
                total = lists.count_rows(s, spec)
                assert total == len(full)
                offsets = {
                    0,
                    1,
                    2,
                    total // 2 - 1,
                    total // 2,
                    total // 2 + 1,
                    total - 3,
                    total - 1,
                }
                for offset in sorted(o for o in offsets if o >= 0):
                    for limit in (1, 4):
                        want = full[offset : offset + limit]
                        plain = lists.list_rows(s, spec, offset, limit)
                        from_end = lists.list_rows(s, spec, offset, limit, total=total)
                        label = (column, descending, offset, limit)
                        assert [r.id for r in plain] == want, label
                        assert [r.id for r in from_end] == want, label
                # a window past the end is empty, not an error
                for past in (total, total + 3):
                    assert lists.list_rows(s, spec, past, 10, total=total) == []
                    assert lists.list_rows(s, spec, past, 10) == []


def test_rows_carry_versions_flags_and_link_labels(data):
    w, _ids = data
    with w.db.session() as s:
        rows = lists.list_rows(
            s, ListSpec("action_item", include_archived=True, today=TODAY), 0, 100
        )
    by_id = {r.id: r for r in rows}
    for item in all_objects(w, "action_item"):
        row = by_id[item.id]
        assert row.version == item.version
        overdue = (
            item.status in ("open", "in_progress", "blocked")
            and item.due_date is not None
            and item.due_date < TODAY
        )
        assert row.flagged == overdue
    labels = {r.values["owner_agency_id"] for r in rows}
    assert labels == {"DEA", "MPS", None}


def test_chosen_columns_only(data):
    w, _ids = data
    with w.db.session() as s:
        rows = lists.list_rows(s, ListSpec("referral"), 0, 3, columns=["reference", "sent_on"])
    assert rows and all(set(r.values) == {"reference", "sent_on"} for r in rows)


# --- search ------------------------------------------------------------------------------------------


def hits(w: World, text: str) -> dict[str, set[int]]:
    with w.db.session() as s:
        return {k: {h.id for h in v} for k, v in finder.search(s, text, per_type=50).items()}


def test_search_finds_by_reference_english_and_chinese_of_any_length(data):
    w, ids = data
    live_refs = [r for r in all_objects(w, "referral") if not r.archived]
    third = next(r for r in live_refs if r.id == ids["referrals"][2])
    assert hits(w, third.reference)["referral"] == {third.id}
    assert hits(w, third.reference.lower())["referral"] == {third.id}

    fentanyl = {r.id for r in live_refs if "fentanyl" in r.title_en}
    assert hits(w, "fentanyl")["referral"] == fentanyl
    assert hits(w, "FENTANYL")["referral"] == fentanyl
    assert hits(w, "pill")["case"] == {ids["cases"][1]}
    assert ids["entities"][2] in hits(w, "pill")["entity"]

    for needle in ("芬", "走私", "芬太尼", "走私芬太尼前体"):
        want = {r.id for r in live_refs if needle in r.title_zh}
        assert want, needle
        assert hits(w, needle)["referral"] == want, needle
    assert hits(w, "海关")["agency"] == {ids["agencies"]["GACC"]}


def test_search_finds_chinese_company_names_by_pinyin(data):
    w, ids = data
    for needle in ("yuanfeng", "YuanFeng", "yuan feng", "yuanfenghuagong", "feng"):
        assert hits(w, needle) == {"entity": {ids["entities"][0]}}, needle


def test_search_finds_people_by_pinyin_but_not_other_records(data):
    w, ids = data
    assert hits(w, "wangwei")["contact"] == {ids["contacts"][0]}
    # referral titles are not names: no pinyin is added for them
    assert "referral" not in hits(w, "zousi")


def test_search_with_special_characters_neither_fails_nor_matches_everything(data):
    w, _ids = data
    for needle in ('"', "%", "_", "'", "\\", "a%b", "*", "NEAR(", "--", "a OR b", "^"):
        found = hits(w, needle)
        assert sum(len(v) for v in found.values()) < 5, needle


def test_search_skips_archived_records_and_blank_queries(data):
    w, _ids = data
    archived = [r for r in all_objects(w, "referral") if r.archived]
    assert archived
    assert "referral" not in hits(w, archived[0].reference)
    assert hits(w, "   ") == {}


def test_the_list_text_filter_and_pickers_use_the_same_words(data):
    w, ids = data
    with w.db.session() as s:
        opts = choices.options(s, "agency", "gac")
        assert [label for _id, label in opts] == [
            "GACC — General Administration of Customs / 海关总署"
        ]
        assert choices.link_label(s, "agency", ids["agencies"]["DEA"]).startswith("DEA — ")
    assert listed(w, ListSpec("entity", text="yuanfeng")) == {ids["entities"][0]}


def test_text_filtered_first_pages_read_near_the_top_equal_the_full_match_query(
    any_db, monkeypatch
):
    """A common text fills the first page from the top of the list (the fast path at a
    million rows); the page must be exactly what the full FTS query gives (SQLite) or the
    full ILIKE query (PostgreSQL)."""
    db = any_db
    w = World(db)
    base = date(2026, 1, 1)
    for i in range(260):
        matching = i % 9 != 0
        w.make(
            "action_item",
            title_en=f"{'Probe' if matching else 'Other'} item {i:03d}",
            title_zh=f"{'探针事项' if matching else '其他事项'} {i:03d}",
            owner_side="US",
            due_date=None if i % 11 == 0 else (base + timedelta(days=(i * 37) % 300)).isoformat(),
        )
    specs = [
        ListSpec("action_item", text=text, sort=sort, descending=desc)
        for text in ("probe", "探", "针事", "item 1")
        for sort, desc in ((None, False), ("title_en", True), ("due_date", False))
    ]
    fast: dict[int, list[int]] = {}
    with db.session() as s:
        for n, spec in enumerate(specs):
            fast[n] = [r.id for r in lists.list_rows(s, spec, 0, 60)]
            fast[-n - 1] = [r.id for r in lists.list_rows(s, spec, 60, 60)]
    monkeypatch.setattr(lists, "PROBE_ROWS", 0)  # every page through the full match set
    with db.session() as s:
        for n, spec in enumerate(specs):
            assert [r.id for r in lists.list_rows(s, spec, 0, 60)] == fast[n], spec
            assert [r.id for r in lists.list_rows(s, spec, 60, 60)] == fast[-n - 1], spec
    assert len(fast[0]) == 60  # the page was full, so the top-of-list path served it


@pytest.mark.parametrize(("first", "most"), [(10, 2_000), (50, 400), (2_000, 2_000), (10, 60)])
def test_probe_windows_of_any_size_give_the_pages_of_the_full_match_query(
    any_db, monkeypatch, first, most
):
    """The text filter first glances at a few rows, then at as many as the share of matches
    seen says the page needs, else it asks the index: whichever path serves a page (common,
    middling and rare texts; none at all), the rows are those of the full match query."""
    db = any_db
    w = World(db)
    for i in range(300):
        word = "common" if i % 3 else "middling" if i % 15 == 0 else "plain"
        w.make(
            "action_item",
            title_en=f"{word} {'rarebird ' if i % 97 == 5 else ''}item {i:03d}",
            title_zh=f"{'罕见 ' if i % 97 == 5 else ''}事项 {i:03d}",
            owner_side="US",
            due_date=date(2026, 1, 1 + i % 28).isoformat(),
        )
    specs = [
        ListSpec("action_item", text=text, sort=sort, descending=True)
        for text in ("common", "middling", "rarebird", "罕见", "mm", "nowhere at all")
        for sort in (None, "title_en")
    ]
    monkeypatch.setattr(lists, "FIRST_PROBE_ROWS", first)
    monkeypatch.setattr(lists, "PROBE_ROWS", most)
    with db.session() as s:
        fast = {
            (n, offset): [r.id for r in lists.list_rows(s, spec, offset, 20)]
            for n, spec in enumerate(specs)
            for offset in (0, 20)
        }
    monkeypatch.setattr(lists, "PROBE_ROWS", 0)  # every page through the full match set
    with db.session() as s:
        for (n, offset), ids in fast.items():
            assert [r.id for r in lists.list_rows(s, specs[n], offset, 20)] == ids, specs[n]
    assert len(fast[(0, 20)]) == 20 and len(fast[(4, 0)]) == 4 and fast[(10, 0)] == []


@pytest.mark.parametrize("probe_rows", [5, 40, 2_000])
def test_global_search_from_the_newest_records_equals_the_full_match_query(
    db, monkeypatch, probe_rows
):
    """Global search settles common texts from each type's newest records (the fast path at
    a million rows); the hits must be exactly those of the full match query."""
    from workinggroup_app import demo

    demo.seed(db, seed=7, today=date(2026, 11, 28))
    needles = ["fentanyl", "芬", "芬太", "芬太尼", "yuanfeng", "REF", "f", "zz", "Shanghai", "上海"]
    monkeypatch.setattr(finder, "SEARCH_PROBE_ROWS", probe_rows)
    with db.session() as s:
        fast = {n: finder.search(s, n) for n in needles}
    monkeypatch.setattr(finder, "SEARCH_PROBE_ROWS", 0)  # always the full match query
    with db.session() as s:
        for needle in needles:
            assert finder.search(s, needle) == fast[needle], needle
    assert len(fast["芬"]["referral"]) == 10  # common text: a full group of hits
