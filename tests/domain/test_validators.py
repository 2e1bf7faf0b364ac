"""Bad input: what a user types that the application must refuse, clean, or keep literally."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers import World
from workinggroup_app.domain import models, validators
from workinggroup_app.domain.errors import (
    StaleEditError,
    TransitionError,
    ValidationError,
    ValidationErrors,
)
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.domain.validators import (
    USCC_ALPHABET,
    clean_text,
    uscc_check_char,
    validate_cas,
    validate_uscc,
)

# --- the pure validators ----------------------------------------------------------------------


def valid_uscc(rng: random.Random) -> str:
    first17 = "".join(rng.choice(USCC_ALPHABET) for _ in range(17))
    return first17 + uscc_check_char(first17)


def test_published_credit_code_passes_and_its_check_character_is_computed():
    assert uscc_check_char("91350100M000100Y4") == "3"
    assert validate_uscc("uscc", "91350100M000100Y43") == "91350100M000100Y43"


def test_generated_credit_codes_pass_typed_in_lower_case_with_spaces():
    rng = random.Random(7)
    for _ in range(200):
        code = valid_uscc(rng)
        assert validate_uscc("uscc", code) == code
        spaced = f" {code[:6].lower()} {code[6:]} "
        assert validate_uscc("uscc", spaced) == code


@pytest.mark.parametrize("code", ["91350100M000100Y4", "91350100M000100Y433", "", "9"])
def test_credit_code_of_wrong_length_is_refused_with_its_length(code):
    with pytest.raises(ValidationError) as err:
        validate_uscc("uscc", code)
    assert err.value.field == "uscc"
    assert f"has {len(code)}" in err.value.message_en
    assert "18" in err.value.message_zh


@pytest.mark.parametrize("bad", ["I", "O", "Z", "S", "V", "-", "中"])
def test_credit_code_with_a_character_outside_the_alphabet_is_refused(bad):
    code = "91350100M000100Y43"
    wrong = code[:5] + bad + code[6:]
    with pytest.raises(ValidationError) as err:
        validate_uscc("uscc", wrong)
    assert f"'{bad}'" in err.value.message_en


def test_credit_code_with_a_wrong_check_character_names_the_right_one():
    rng = random.Random(11)
    for _ in range(50):
        code = valid_uscc(rng)
        wrong = next(c for c in USCC_ALPHABET if c != code[17])
        with pytest.raises(ValidationError) as err:
            validate_uscc("uscc", code[:17] + wrong)
        assert f"should be {code[17]}, not {wrong}" in err.value.message_en


@pytest.mark.parametrize(
    "cas",
    ["437-38-7", "79099-07-3", "7732-18-5", "21409-26-7", "39742-60-4"],
    ids=["fentanyl", "4-piperidone-hcl-hydrate", "water", "4-ANPP", "NPP"],
)
def test_real_cas_numbers_pass(cas):
    assert validate_cas("cas_number", f"  {cas} ") == cas


@pytest.mark.parametrize("cas", ["437-38-8", "79099-07-4", "7732-18-6"])
def test_cas_number_with_a_wrong_check_digit_is_refused(cas):
    with pytest.raises(ValidationError, match="check digit"):
        validate_cas("cas_number", cas)


@pytest.mark.parametrize(
    "cas", ["437387", "437-38", "4-38-7", "abc-de-f", "437-38-7-1", "\u0664\u0663\u0667-38-7"]
)
def test_malformed_cas_number_is_refused_with_an_example(cas):
    with pytest.raises(ValidationError, match="79099-07-3"):
        validate_cas("cas_number", cas)


def test_full_width_input_from_a_chinese_input_method_is_stored_as_ascii():
    assert validate_cas("cas_number", "４３７－３８－７") == "437-38-7"
    assert validate_uscc("uscc", "９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"


def test_clean_text_strips_control_and_direction_characters_and_never_keeps_nul():
    raw = "A\x00B\x07C\x1b[31mD\u202eE\ufeffF\u200bG"
    assert clean_text(raw, multiline=False) == "ABC[31mDEFG"


def test_clean_text_keeps_lines_in_long_text_and_joins_them_in_a_line():
    raw = "first\r\nsecond\rthird\n\tindented"
    assert clean_text(raw, multiline=True) == "first\nsecond\nthird\n\tindented"
    assert clean_text(raw, multiline=False) == "first second third  indented"


def test_clean_text_normalises_composed_characters():
    assert clean_text("Cafe\u0301", multiline=False) == "Café"


@given(st.text())
def test_cleaned_text_never_holds_a_control_character(raw):
    for multiline in (True, False):
        out = clean_text(raw, multiline=multiline)
        allowed = {"\n", "\t"} if multiline else set()
        assert not any(
            (ord(ch) < 32 and ch not in allowed) or ch == "\x7f" or ch == "\u202e" for ch in out
        )


@pytest.mark.parametrize("raw", ["2026-02-30", "yesterday", "03/05/2026", "2026-3-5x"])
def test_a_non_date_is_refused_with_the_expected_format(raw):
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        validators.parse_date("sent_on", raw)


@pytest.mark.parametrize("raw", ["1899-12-31", "2101-01-01"])
def test_a_date_far_outside_the_working_range_is_refused(raw):
    with pytest.raises(ValidationError, match="1990 and 2100"):
        validators.parse_date("sent_on", raw)


def test_an_instant_without_zone_is_taken_as_utc():
    assert validators.parse_datetime("starts_at", "2026-03-05 09:30") == datetime(
        2026, 3, 5, 9, 30, tzinfo=UTC
    )
    assert validators.parse_datetime("starts_at", "2026-03-05T21:30+08:00") == datetime(
        2026, 3, 5, 13, 30, tzinfo=UTC
    )


# --- the same rules through the services: refused, nothing written -----------------------------


@pytest.fixture
def world(db):
    return World(db)


def fields_of(err: pytest.ExceptionInfo) -> set[str]:
    return {e.field for e in err.value.errors}


def nothing_written(world: World, before: tuple[int, int]) -> bool:
    return (world.count(models.Referral), world.audit_count()) == before


def test_missing_required_fields_are_each_named_and_nothing_is_written(world):
    before = (world.count(models.Referral), world.audit_count())
    with pytest.raises(ValidationErrors) as err:
        world.svc.create("referral", {})
    assert fields_of(err) == {"title_en", "direction", "referral_type"}
    assert all(e.message_zh for e in err.value.errors)
    assert nothing_written(world, before)


@pytest.mark.parametrize("blank", ["", "   ", "\x00\x07", "\u200b"])
def test_blank_required_text_counts_as_missing(world, blank):
    with pytest.raises(ValidationErrors) as err:
        world.svc.create("case", {"title_en": blank})
    assert fields_of(err) == {"title_en"}


def test_releasable_record_needs_its_chinese_title(world):
    with pytest.raises(ValidationErrors) as err:
        world.svc.create("case", {"title_en": "Shared", "releasability": "releasable"})
    assert fields_of(err) == {"title_zh"}


def test_100000_character_text_is_refused_and_the_limit_is_named(world):
    huge = "x" * 100_000
    with pytest.raises(ValidationErrors) as err:
        world.make("referral", title_en=huge, summary_en=huge)
    by_field = err.value.by_field()
    assert set(by_field) == {"title_en", "summary_en"}
    assert "100,000" in by_field["title_en"].message_en
    assert "500" in by_field["title_en"].message_en
    assert "50,000" in by_field["summary_en"].message_en


def test_long_text_up_to_its_limit_is_stored_exactly(world):
    body = ("段落 paragraph\n" * 5000)[:50_000].strip()
    rid = world.make("referral", summary_zh=body)
    assert world.get("referral", rid).summary_zh == body


def test_control_characters_are_stripped_and_nul_is_never_stored(world):
    rid = world.make(
        "referral",
        title_en="Lead\x00 about\x07 NPP\x1b",
        summary_en="line one\x00\nline two\u202e",
        counterpart_ref="\x00GJ-2026-\x0b17",
    )
    ref = world.get("referral", rid)
    assert ref.title_en == "Lead about NPP"
    assert ref.summary_en == "line one\nline two"
    assert ref.counterpart_ref == "GJ-2026-17"
    rows = world.sql("SELECT title_en, summary_en, counterpart_ref FROM referral")
    assert not any("\x00" in str(v) for row in rows for v in row)


def test_markup_is_stored_literally(world):
    hostile = "<b>bold</b> <img src='/etc/passwd'/> a<b &amp; name<foo@bar.com>"
    rid = world.make("referral", title_en=hostile, summary_en=hostile)
    ref = world.get("referral", rid)
    assert ref.title_en == hostile
    assert ref.summary_en == hostile


def test_invalid_credit_codes_are_refused_on_an_entity(world):
    for code, words in (
        ("91350100M000100Y4", "18 characters"),
        ("91350100M0001O0Y43", "'O'"),
        ("91350100M000100Y44", "should be 3"),
    ):
        with pytest.raises(ValidationErrors) as err:
            world.make("entity", uscc=code)
        assert fields_of(err) == {"uscc"}
        assert words in str(err.value)
    assert world.count(models.Entity) == 0


def test_valid_credit_code_is_stored_in_capitals(world):
    code = "91350100M000100Y43"
    eid = world.make("entity", uscc=code.lower())
    assert world.get("entity", eid).uscc == code


def test_cas_numbers_on_a_substance(world):
    sid = world.make("substance", title_en="Fentanyl", cas_number="437-38-7")
    assert world.get("substance", sid).cas_number == "437-38-7"
    with pytest.raises(ValidationErrors) as err:
        world.make("substance", title_en="Not fentanyl", cas_number="437-38-8")
    assert fields_of(err) == {"cas_number"}


def test_unknown_choice_value_lists_the_allowed_ones(world):
    with pytest.raises(ValidationErrors) as err:
        world.make("referral", direction="sideways")
    assert "US_TO_PRC" in err.value.by_field()["direction"].message_en


def test_unknown_status_is_refused_on_create(world):
    with pytest.raises(ValidationErrors) as err:
        world.make("referral", status="bogus")
    assert fields_of(err) == {"status"}
    assert world.count(models.Referral) == 0


def test_transition_to_an_unknown_status_is_refused(world):
    rid = world.make("referral")
    before = world.audit_count()
    with pytest.raises(TransitionError, match="'bogus' is not a status"):
        world.svc.transition("referral", rid, "bogus")
    assert world.get("referral", rid).status == "draft"
    assert world.audit_count() == before


def test_forbidden_transition_names_the_allowed_ones(world):
    rid = world.make("referral", direction="US_TO_PRC")
    with pytest.raises(TransitionError) as err:
        world.svc.transition("referral", rid, "closed", outcome="arrest")
    message = err.value.message_en
    assert "cannot move to Closed" in message
    assert "Allowed: Sent, Withdrawn, Duplicate" in message
    assert "Received" not in message  # guarded by direction
    assert "已发送" in err.value.message_zh


def test_status_cannot_be_set_by_an_edit(world):
    rid = world.make("referral")
    with pytest.raises(ValidationErrors) as err:
        world.svc.update("referral", rid, {"status": "closed"}, 1)
    assert fields_of(err) == {"status"}


def test_closing_without_an_outcome_is_refused(world):
    rid = world.make("referral")
    world.move("referral", rid, "sent", "acknowledged", "responded")
    with pytest.raises(ValidationError) as err:
        world.svc.transition("referral", rid, "closed")
    assert err.value.field == "outcome"
    assert "arrest" in err.value.message_en
    with pytest.raises(ValidationError):
        world.svc.transition("referral", rid, "closed", outcome="bogus")
    assert world.get("referral", rid).status == "responded"
    cid = world.make("case")
    with pytest.raises(ValidationError):
        world.svc.transition("case", cid, "closed")
    assert world.get("case", cid).status == "open"


def test_reference_given_twice_on_create_is_refused(world):
    world.make("referral", reference="REF-2025-0042", sending_agency_id=None)
    before = world.audit_count()
    with pytest.raises(ValidationErrors) as err:
        world.make("referral", reference="REF-2025-0042", sending_agency_id=None)
    assert fields_of(err) == {"reference"}
    assert "REF-2025-0042 already exists" in str(err.value)
    assert world.count(models.Referral) == 1
    assert world.audit_count() == before


def test_uuid_given_twice_on_create_is_refused(world):
    uid = "0b6c3f0e-8d7c-4f57-9a36-1f0f9b0c2a11"
    world.make("case", uuid=uid)
    with pytest.raises(ValidationErrors) as err:
        world.make("case", uuid=uid)
    assert fields_of(err) == {"uuid"}


def test_stale_edit_is_refused_and_names_who_changed_it(world):
    rid = world.make("case")
    alice = world.as_(Actor("alice", "liaison"))
    bob = world.as_(Actor("bob", "manager"))
    alice.update("case", rid, {"title_en": "Alice's title"}, expected_version=1)
    with pytest.raises(StaleEditError) as err:
        bob.update("case", rid, {"title_en": "Bob's title"}, expected_version=1)
    assert err.value.changed_by == "alice"
    assert "alice" in err.value.message_en
    assert "alice" in err.value.message_zh
    assert world.get("case", rid).title_en == "Alice's title"
    with pytest.raises(StaleEditError):
        bob.transition("case", rid, "active", expected_version=1)
    with pytest.raises(StaleEditError):
        bob.archive("case", rid, expected_version=1)


def test_unknown_field_is_refused(world):
    with pytest.raises(ValidationErrors) as err:
        world.make("case", nonsense="x", title_en="ok")
    assert fields_of(err) == {"nonsense"}
    assert "not a field of a case" in str(err.value)


@pytest.mark.parametrize("link", ["NOPE", 999, "999", "AG-2026-0999"])
def test_unknown_agency_link_is_refused(world, link):
    with pytest.raises(ValidationErrors) as err:
        world.make("referral", sending_agency_id=link)
    assert fields_of(err) == {"sending_agency_id"}
    assert "no agency" in str(err.value)


def test_agency_link_by_abbreviation_reference_or_id(world):
    aid = world.make("agency", abbreviation="DEA", title_en="Drug Enforcement Administration")
    ref = world.get("agency", aid).reference
    for link in ("DEA", ref, aid, str(aid), "Drug Enforcement Administration"):
        rid = world.make("referral", sending_agency_id=link)
        assert world.get("referral", rid).sending_agency_id == aid


def test_dates_out_of_order_are_refused(world):
    with pytest.raises(ValidationErrors) as err:
        world.make(
            "referral",
            sent_on="2026-03-01",
            acknowledged_on="2026-03-03",
            answered_on="2026-02-27",
        )
    assert fields_of(err) == {"answered_on"}
    with pytest.raises(ValidationErrors) as err:
        world.make("referral", sent_on="2026-03-01", response_due="2026-02-01")
    assert fields_of(err) == {"response_due"}
    with pytest.raises(ValidationErrors) as err:
        world.make("case", opened_on="2026-03-01", closed_on="2026-01-01")
    assert fields_of(err) == {"closed_on"}


def test_date_order_is_checked_against_stored_values_on_edit(world):
    rid = world.make("referral", sent_on=date(2026, 3, 1))
    with pytest.raises(ValidationErrors) as err:
        world.svc.update("referral", rid, {"answered_on": "2026-02-01"}, 1)
    assert fields_of(err) == {"answered_on"}


def test_several_errors_are_reported_together(world):
    with pytest.raises(ValidationErrors) as err:
        world.make("referral", direction="", sent_on="not a date", sending_agency_id="NOPE")
    assert fields_of(err) == {"direction", "sent_on", "sending_agency_id"}
