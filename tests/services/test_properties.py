"""Properties over what people and files may send to the services.

Every create / update / transition / meeting save either stores something that reads back
equal to the input after the documented cleaning (control characters stripped, NFC,
trimmed; dates parsed; choices exact) or raises ValidationError(s) and writes nothing.
Nothing else may escape: no driver error, no OverflowError, no UnicodeEncodeError.

And the one releasability rule answers the same in SQL (``visible_clause``) and in Python
(``is_visible``) on the same records.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from workinggroup_app.domain import models, releasability, validators
from workinggroup_app.domain.children import CHILDREN
from workinggroup_app.domain.errors import ValidationError, ValidationErrors
from workinggroup_app.domain.fields import (
    CHOICE,
    DATE,
    DATETIME,
    LINK,
    LINKS,
    LONGTEXT,
    READONLY,
    RECORD_TYPES,
    TEXT,
    record_type,
)
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.services.records import Services

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same examples every run: a failure is reproducible
)
ACTOR = Actor("prop-tester", "administrator")
CONTROLS = "\x00\x01\x08\x0b\x1b\x1f\x7f\x85\x9b\u200b\u200e\u202e\u2028\u2066\ufeff\ud800\udfff"

# --- strategies ---------------------------------------------------------------------------

chars = st.one_of(
    st.characters(codec=None, exclude_categories=()),  # anything, lone surrogates included
    st.sampled_from(list(CONTROLS + "\r\n\t \u3000e\u0301\u00e9芬太尼<>&'\"%_\\")),
)
texts = st.text(chars, max_size=40)
huge = st.builds(
    lambda c, n: c * n,
    st.sampled_from(["a", "芬", "e\u0301", " ", "\x00"]),
    st.integers(400, 60_000),
)
date_strings = st.one_of(
    st.dates(date(1900, 1, 1), date(2200, 1, 1)).map(str),
    st.sampled_from(["2024-02-30", "2024-13-01", "1989-12-31", "2101-01-01", "20240101",
                     "2024-W01-1", "  2025-06-01 ", "0000-00-00", "today", "1e5"]),
    st.datetimes(datetime(1980, 1, 1), datetime(2110, 1, 1),
                 timezones=st.sampled_from([None, UTC, timezone(timedelta(hours=8)),
                                            timezone(timedelta(hours=-5))])).map(str),
)  # fmt: skip
odd = st.sampled_from(
    ["", " ", "1", "0", "-1", "²", "١", "2147483648", "9" * 30, "CASE-2026-0001",
     "AG-2026-0001", "DEA", "releasable", "us_only", "US", "video", "open", "true", "None"]
)  # fmt: skip
scalars = st.one_of(
    texts,
    odd,
    date_strings,
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.dates(date(1900, 1, 1), date(2200, 1, 1)),
)
values_st = st.one_of(
    scalars, huge, st.lists(st.one_of(st.integers(-3, 5), odd, texts), max_size=3)
)


def field_names(key: str) -> st.SearchStrategy[str]:
    rt = record_type(key)
    return st.one_of(st.sampled_from([f.name for f in rt.fields]), st.text(max_size=12))


BASE = {
    "agency": {"title_en": "Agency", "title_zh": "机构", "abbreviation": "AGX", "side": "US"},
    "contact": {"title_en": "Contact", "title_zh": "联系人"},  # agency_id added per database
    "case": {"title_en": "Case", "title_zh": "案件"},
    "referral": {"title_en": "Referral", "title_zh": "线索", "direction": "US_TO_PRC",
                 "referral_type": "lead"},
    "action_item": {"title_en": "Action", "title_zh": "行动", "owner_side": "US"},
    "meeting": {"title_en": "Meeting", "title_zh": "会议", "meeting_type": "plenary"},
    "entity": {"title_en": "Company", "title_zh": "公司", "entity_type": "company"},
    "substance": {"title_en": "Substance", "title_zh": "物质", "category": "precursor"},
}  # fmt: skip


def base_values(db, key: str) -> dict[str, Any]:
    values = dict(BASE[key])
    if key == "contact":
        values["agency_id"] = _fixture_ids(db)["agency"]
    return values


def _fixture_ids(db) -> dict[str, int]:
    """One record of each type to link to (made once per database)."""
    with db.session() as s:
        existing = s.execute(
            select(models.Agency.id).where(models.Agency.abbreviation == "DEA")
        ).scalar()
    if existing is None:
        svc = Services(db, ACTOR)
        svc.create("agency", {"title_en": "DEA", "title_zh": "缉毒局", "abbreviation": "DEA",
                              "side": "US"})  # fmt: skip
        for key in ("case", "referral", "meeting", "entity", "substance"):
            svc.create(key, BASE[key])
    ids = {}
    with db.session() as s:
        for key in ("agency", "case", "referral", "meeting", "entity", "substance"):
            m = record_type(key).model
            ids[key] = s.execute(select(func.min(m.id))).scalar_one()
    return ids


def audit_count(db) -> int:
    with db.session() as s:
        return s.execute(select(func.count()).select_from(models.AuditEvent)).scalar_one()


# --- what "reads back equal" means ----------------------------------------------------------


def assert_clean_text(stored: str, multiline: bool) -> None:
    """The documented cleaning, checked independently of the code that does it."""
    assert stored == stored.strip()
    assert unicodedata.is_normalized("NFC", stored)
    for ch in stored:
        kept_whitespace = multiline and ch in "\n\t"
        invisible = ch in "\u200b\u200e\u202e\u2028\u2066\ufeff"
        assert kept_whitespace or not (unicodedata.category(ch) in ("Cc", "Cs") or invisible)


def _linked_matches(session, target: str, linked_id: int, raw: Any) -> bool:
    obj = session.get(record_type(target).model, linked_id)
    if obj is None:
        return False
    label = validators.clean_text(raw, multiline=False)
    return (
        str(obj.id) == str(raw).strip()
        or obj.reference == label
        or (target == "agency" and label in (obj.abbreviation, obj.title_en))
    )


def check_read_back(db, key: str, record_id: int, sent: dict[str, Any], *, created: bool) -> None:
    rt = record_type(key)
    with db.session() as s:
        obj = s.get(rt.model, record_id)
        for name, raw in sent.items():
            f = rt.field(name)
            stored = getattr(obj, name)
            if f.kind in (TEXT, LONGTEXT):
                expected = validators.clean_text(raw, multiline=f.kind == LONGTEXT)
                if expected and f.validator is not None:
                    expected = f.validator(name, expected)
                assert stored == expected, name
                assert_clean_text(stored, f.kind == LONGTEXT)
            elif f.kind == DATE:
                assert stored == validators.parse_date(name, raw), name
            elif f.kind == DATETIME:
                assert stored == validators.parse_datetime(name, raw), name
            elif f.kind == CHOICE:
                expected = None if raw in (None, "") else str(raw).strip()
                if name == "caveat" and expected is None:
                    expected = "SBU"  # the documented default handling caveat
                assert stored == expected, name
            elif f.kind == LINK:
                if raw in (None, ""):
                    assert stored is None
                else:
                    assert _linked_matches(s, f.target or "", stored, raw), (name, raw)
            elif f.kind == LINKS:
                items = raw if isinstance(raw, (list, tuple, set)) else [raw]
                items = [i for i in items if i not in (None, "")]
                got = [o.id for o in stored]
                assert len(got) == len(set(got)) <= len(items)
                for linked in got:
                    assert any(_linked_matches(s, f.target or "", linked, i) for i in items)
            elif f.kind == READONLY:
                if name in ("created_by", "updated_by"):
                    assert stored == ACTOR.username  # authorship cannot be forged
                elif name == "status" and created and raw not in (None, ""):
                    assert stored == str(raw).strip()
                elif name in ("reference", "uuid") and created:
                    cleaned = validators.clean_text(raw, multiline=False)
                    if cleaned:
                        assert stored == cleaned


# --- create and update ------------------------------------------------------------------------

VALIDATION = (ValidationErrors, ValidationError)


def _check_errors(e: ValidationErrors | ValidationError) -> None:
    errors = e.errors if isinstance(e, ValidationErrors) else [e]
    assert errors
    for err in errors:
        assert err.message_en and err.message_zh


@SETTINGS
@given(data=st.data())
def test_create_stores_the_cleaned_input_or_refuses_it(any_db, data):
    key = data.draw(st.sampled_from(sorted(RECORD_TYPES)), label="type")
    extra = data.draw(st.dictionaries(field_names(key), values_st, max_size=4), label="values")
    values = {**base_values(any_db, key), **extra}
    before = audit_count(any_db)
    try:
        change = Services(any_db, ACTOR).create(key, values)
    except VALIDATION as e:
        event("refused")
        _check_errors(e)
        assert audit_count(any_db) == before
        return
    assert audit_count(any_db) == before + 1
    check_read_back(any_db, key, change.ids[0], values, created=True)


@SETTINGS
@given(data=st.data())
def test_update_stores_the_cleaned_input_or_refuses_it(any_db, data):
    key = data.draw(st.sampled_from(sorted(RECORD_TYPES)), label="type")
    svc = Services(any_db, ACTOR)
    created = svc.create(key, base_values(any_db, key))
    values = data.draw(st.dictionaries(field_names(key), values_st, max_size=4), label="values")
    before = audit_count(any_db)
    try:
        change = svc.update(key, created.ids[0], values, created.version)
    except VALIDATION as e:
        event("refused")
        _check_errors(e)
        assert audit_count(any_db) == before
        with any_db.session() as s:
            assert s.get(record_type(key).model, created.ids[0]).version == created.version
        return
    assert change.version in (created.version, created.version + 1)
    assert audit_count(any_db) == before + (change.action != "none")
    check_read_back(any_db, key, created.ids[0], values, created=False)
    # what was not sent is unchanged
    base = base_values(any_db, key)
    with any_db.session() as s:
        obj = s.get(record_type(key).model, created.ids[0])
        for name, raw in base.items():
            if name not in values:
                assert getattr(obj, name) == raw


@SETTINGS
@given(
    comment=st.one_of(texts, huge),
    outcome=st.one_of(st.none(), odd, texts, st.sampled_from(["prosecution", "disruption"])),
)
def test_transition_comment_and_outcome(any_db, comment, outcome):
    svc = Services(any_db, ACTOR)
    case = svc.create("case", BASE["case"])
    before = audit_count(any_db)
    try:
        change = svc.transition(
            "case", case.ids[0], "closed", comment=comment, outcome=outcome, expected_version=1
        )
    except VALIDATION as e:
        event("refused")
        _check_errors(e)
        assert audit_count(any_db) == before
        return
    assert change.version == 2
    with any_db.session() as s:
        obj = s.get(models.Case, case.ids[0])
        assert obj.status == "closed" and obj.outcome == outcome
        last = (
            s.execute(
                select(models.StatusChange)
                .where(models.StatusChange.record_id == obj.id)
                .order_by(models.StatusChange.id.desc())
            )
            .scalars()
            .first()
        )
        assert last.comment == validators.clean_text(comment, multiline=True)
        assert_clean_text(last.comment, True)


row_st = st.dictionaries(
    st.one_of(
        st.sampled_from(
            ["side", "name_en", "name_zh", "position_en", "position_zh", "head_of_delegation",
             "agency_id", "contact_id", "title_en", "title_zh", "notes_en", "notes_zh",
             "releasability", "text_en", "text_zh"]
        ),
        st.text(max_size=6),
    ),
    values_st,
    max_size=5,
)  # fmt: skip


@SETTINGS
@given(
    attendees=st.lists(row_st, max_size=3),
    agenda=st.lists(row_st, max_size=3),
    decisions=st.lists(row_st, max_size=3),
)
def test_meeting_content_is_stored_cleaned_or_refused(any_db, attendees, agenda, decisions):
    svc = Services(any_db, ACTOR)
    meeting = svc.create("meeting", BASE["meeting"])
    before = audit_count(any_db)
    try:
        svc.save_meeting_content(
            meeting.ids[0], 1, attendees=attendees, agenda=agenda, decisions=decisions
        )
    except VALIDATION as e:
        event("refused")
        _check_errors(e)
        assert audit_count(any_db) == before
        with any_db.session() as s:
            m = s.get(models.Meeting, meeting.ids[0])
            assert m.version == 1 and not m.attendees and not m.agenda_items
        return
    with any_db.session() as s:
        m = s.get(models.Meeting, meeting.ids[0])
        for name, rows in (("attendees", attendees), ("agenda_items", agenda),
                           ("decisions", decisions)):  # fmt: skip
            spec = CHILDREN[name]
            stored = getattr(m, name)
            assert len(stored) == len(rows)
            for obj, row in zip(stored, rows, strict=True):
                for field_name, _max, multiline in spec.text_fields:
                    text = getattr(obj, field_name)
                    assert text == validators.clean_text(
                        row.get(field_name, ""), multiline=multiline
                    )
                    assert_clean_text(text, multiline)
                for field_name, _vocab in spec.choice_fields:
                    assert getattr(obj, field_name) == (row.get(field_name) or None)
                for field_name in spec.bool_fields:
                    assert getattr(obj, field_name) == bool(row.get(field_name))


# --- releasability: the SQL filter and the Python check agree --------------------------------

MARKS = st.sampled_from(["releasable", "releasable", "us_only", ""])  # "": unmarked


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@given(data=st.data())
def test_is_visible_and_visible_clause_agree(any_db, data):
    svc = Services(any_db, ACTOR)
    draw = data.draw

    def mark() -> dict[str, Any]:
        return {"releasability": draw(MARKS)}

    made: dict[str, list[int]] = {"case": [], "referral": [], "meeting": [], "action_item": []}
    for _ in range(draw(st.integers(1, 2))):
        made["case"].append(svc.create("case", {**BASE["case"], **mark()}).ids[0])
    made["meeting"].append(svc.create("meeting", {**BASE["meeting"], **mark()}).ids[0])
    for _ in range(draw(st.integers(1, 2))):
        case_id = draw(st.sampled_from([None, *made["case"]]))
        made["referral"].append(
            svc.create("referral", {**BASE["referral"], **mark(), "case_id": case_id}).ids[0]
        )
    for _ in range(draw(st.integers(1, 3))):
        origins = {
            "origin_meeting_id": draw(st.sampled_from([None, *made["meeting"]])),
            "origin_case_id": draw(st.sampled_from([None, *made["case"]])),
            "origin_referral_id": draw(st.sampled_from([None, *made["referral"]])),
        }
        made["action_item"].append(
            svc.create("action_item", {**BASE["action_item"], **mark(), **origins}).ids[0]
        )
    for key, ids in made.items():  # archive some, parents included
        for record_id in ids:
            if draw(st.booleans()) and draw(st.booleans()):
                with any_db.session() as s:
                    version = s.get(record_type(key).model, record_id).version
                svc.archive(key, record_id, version)
    with any_db.session() as s:
        for key, ids in made.items():
            model = record_type(key).model
            in_sql = set(
                s.execute(
                    select(model.id).where(
                        model.id.in_(ids), releasability.visible_clause("bilateral", key, model)
                    )
                ).scalars()
            )
            for record_id in ids:
                obj = s.get(model, record_id)
                assert releasability.is_visible("bilateral", obj, key) == (record_id in in_sql), (
                    key,
                    record_id,
                )
                assert releasability.is_visible("internal", obj, key)


def _world(db) -> tuple[Services, dict[str, int]]:
    svc = Services(db, ACTOR)
    ids = {}

    def make(name: str, key: str, **values: Any) -> int:
        ids[name] = svc.create(key, {**BASE[key], **values}).ids[0]
        return ids[name]

    us_case = make("us_case", "case", releasability="us_only")
    open_case = make("open_case", "case", releasability="releasable")
    unmarked_case = make("unmarked_case", "case", releasability="")
    make("ref_in_us_case", "referral", releasability="releasable", case_id=us_case)
    make("ref_in_unmarked_case", "referral", releasability="releasable", case_id=unmarked_case)
    ok_ref = make("ref_in_open_case", "referral", releasability="releasable", case_id=open_case)
    make("ref_alone", "referral", releasability="releasable")
    make("ref_unmarked", "referral")
    make("ai_from_us_case", "action_item", releasability="releasable", origin_case_id=us_case)
    make("ai_from_ok_ref", "action_item", releasability="releasable", origin_referral_id=ok_ref)
    make(
        "ai_from_ref_in_unmarked_case",
        "action_item",
        releasability="releasable",
        origin_referral_id=ids["ref_in_unmarked_case"],
    )
    us_meeting = make("us_meeting", "meeting", releasability="us_only")
    make("ai_from_us_meeting", "action_item", releasability="releasable",
         origin_meeting_id=us_meeting)  # fmt: skip
    return svc, ids


EXPECT_VISIBLE = {
    "us_case": False,
    "open_case": True,
    "unmarked_case": False,  # no marking counts as US only
    "ref_in_us_case": False,  # the most restrictive parent marking applies
    "ref_in_unmarked_case": False,
    "ref_in_open_case": True,
    "ref_alone": True,
    "ref_unmarked": False,
    "ai_from_us_case": False,
    "ai_from_ok_ref": True,
    "ai_from_ref_in_unmarked_case": False,  # the grandparent's (missing) marking reaches it
    "us_meeting": False,
    "ai_from_us_meeting": False,
}


def _type(name: str) -> str:
    if name.startswith("ref"):
        return "referral"
    if name.startswith("ai"):
        return "action_item"
    return "meeting" if name.endswith("meeting") else "case"


@pytest.mark.parametrize("name", list(EXPECT_VISIBLE))
def test_the_parent_rule_on_named_examples(any_db, name):
    _svc, ids = _world(any_db)
    key = _type(name)
    model = record_type(key).model
    with any_db.session() as s:
        obj = s.get(model, ids[name])
        in_sql = (
            s.execute(
                select(model.id).where(
                    model.id == ids[name], releasability.visible_clause("bilateral", key, model)
                )
            ).scalar()
            is not None
        )
        assert releasability.is_visible("bilateral", obj, key) is EXPECT_VISIBLE[name]
        assert in_sql is EXPECT_VISIBLE[name]


def test_archiving_a_parent_is_not_a_marking_both_checks_agree(any_db):
    # The rule is about markings: an archived releasable case does not make its releasable
    # referral US only, nor does it make it visible when the case is US only. Archiving
    # hides the archived record itself.
    svc, ids = _world(any_db)
    svc.archive("case", ids["open_case"], 1)
    svc.archive("case", ids["us_case"], 1)
    expect = {"ref_in_open_case": True, "ai_from_ok_ref": True, "ref_in_us_case": False,
              "open_case": False}  # fmt: skip
    with any_db.session() as s:
        for name, visible in expect.items():
            key = _type(name)
            model = record_type(key).model
            obj = s.get(model, ids[name])
            in_sql = s.execute(
                select(model.id).where(
                    model.id == ids[name], releasability.visible_clause("bilateral", key, model)
                )
            ).scalar()
            assert releasability.is_visible("bilateral", obj, key) is visible
            assert (in_sql is not None) is visible
