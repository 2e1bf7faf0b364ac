"""Officers search in English, in Chinese (any length of query) and in pinyin for names.

The same behaviour on SQLite (FTS5 trigram for 3+ characters, substring for 1-2) and on
PostgreSQL: global search (``queries.search``) and a list's search box (``ListSpec.text``).
"""

from __future__ import annotations

import pytest

from tests.helpers import World
from workinggroup_app.read import finder, lists


@pytest.fixture
def world(any_db):
    w = World(any_db)
    ids = {
        "yuanfeng": w.make(
            "entity", title_en="Wuhan YF Chemical Co., Ltd.", title_zh="武汉远丰化工有限公司"
        ),
        "harbor": w.make("entity", title_en="Harbor Logistics", title_zh="海港物流有限公司"),
        "wang": w.make("contact", title_en="Wang X.", title_zh="王晓明"),
        "fentanyl": w.make(
            "referral",
            title_en="Fentanyl precursor shipment",
            title_zh="涉嫌走私芬太尼前体化学品",
        ),
        "press": w.make("referral", title_en="Pill press export", title_zh="压片机出口"),
    }
    return any_db, ids


def found(db, text: str) -> dict[str, set[int]]:
    with db.session() as s:
        return {k: {h.id for h in hits} for k, hits in finder.search(s, text).items()}


def listed(db, type_key: str, text: str) -> set[int]:
    with db.session() as s:
        spec = lists.ListSpec(type_key, text=text)
        rows = lists.list_rows(s, spec, 0, 100)
        assert lists.count_rows(s, spec) == len(rows)
        return {r.id for r in rows}


@pytest.mark.parametrize(
    ("query", "type_key", "name"),
    [
        ("芬", "referral", "fentanyl"),  # one character: substring path
        ("走私", "referral", "fentanyl"),  # two characters: substring path
        ("芬太尼", "referral", "fentanyl"),  # three: full-text (trigram) path
        ("压片机出口", "referral", "press"),
        ("物流", "entity", "harbor"),
        ("远丰化", "entity", "yuanfeng"),
    ],
)
def test_chinese_queries_of_every_length_find_exactly_their_record(world, query, type_key, name):
    db, ids = world
    assert listed(db, type_key, query) == {ids[name]}
    assert found(db, query) == {type_key: {ids[name]}}


@pytest.mark.parametrize("query", ["yuanfeng", "yuan feng", "YuanFeng", "wuhanyuanfeng"])
def test_pinyin_finds_a_company_written_in_chinese(world, query):
    db, ids = world
    assert listed(db, "entity", query) == {ids["yuanfeng"]}
    assert found(db, query) == {"entity": {ids["yuanfeng"]}}


def test_pinyin_finds_a_contact_by_full_name(world):
    db, ids = world
    assert listed(db, "contact", "wangxiaoming") == {ids["wang"]}
    assert listed(db, "contact", "wang xiao ming") == {ids["wang"]}


def test_pinyin_is_for_names_not_for_case_titles(world):
    db, _ids = world
    # 芬太尼 is "fentaini": referral titles are not indexed by their pinyin
    assert "referral" not in found(db, "fentaini")


@pytest.mark.parametrize("query", ["fentanyl", "FENTANYL", "Fentanyl Precursor", "fen"])
def test_english_search_ignores_case(world, query):
    db, ids = world
    assert listed(db, "referral", query) == {ids["fentanyl"]}


def test_short_english_query_ignores_case(world):
    db, ids = world
    assert listed(db, "referral", "PI") == {ids["press"]}  # "Pill", 2 letters: substring
    assert listed(db, "referral", "pi") == {ids["press"]}


def test_a_query_matching_nothing_finds_nothing(world):
    db, _ids = world
    assert found(db, "海洛因") == {}
    assert found(db, "冰") == {}
    assert found(db, "heroin") == {}
