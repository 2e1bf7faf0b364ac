"""The columns the seed writes, table by table and in order (the tests check they cover every
column of each table), and which of them are text.
"""

from __future__ import annotations

from workinggroup_app.domain.fields import LONGTEXT, TEXT, record_type

COMMON = (
    "id",
    "uuid",
    "reference",
    "title_en",
    "title_zh",
    "releasability",
    "caveat",
    "archived",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "version",
)
COLUMNS: dict[str, tuple[str, ...]] = {
    "agency": (*COMMON, "side", "abbreviation"),
    "contact": (*COMMON, "agency_id", "position_en", "position_zh", "email", "phone"),
    "entity": (*COMMON, "entity_type", "uscc", "country", "url", "notes_en", "notes_zh"),
    "substance": (
        *COMMON,
        "category",
        "cas_number",
        "us_control",
        "prc_control",
        "notes_en",
        "notes_zh",
    ),
    "case": (
        *COMMON,
        "status",
        "outcome",
        "line_of_effort",
        "lead_agency_id",
        "summary_en",
        "summary_zh",
        "opened_on",
        "closed_on",
    ),
    "meeting": (
        *COMMON,
        "status",
        "line_of_effort",
        "meeting_type",
        "starts_at",
        "place_en",
        "place_zh",
        "summary_en",
        "summary_zh",
    ),
    "referral": (
        *COMMON,
        "status",
        "outcome",
        "line_of_effort",
        "direction",
        "referral_type",
        "sending_agency_id",
        "receiving_agency_id",
        "case_id",
        "duplicate_of_id",
        "sent_on",
        "acknowledged_on",
        "answered_on",
        "response_due",
        "counterpart_ref",
        "source_grade",
        "info_grade",
        "summary_en",
        "summary_zh",
    ),
    "action_item": (
        *COMMON,
        "status",
        "line_of_effort",
        "owner_side",
        "owner_agency_id",
        "owner_user_id",  # the demo has no accounts of its own: counterpart-style names
        "owner_person",
        "due_date",
        "completed_on",
        "origin_meeting_id",
        "origin_case_id",
        "origin_referral_id",
        "description_en",
        "description_zh",
    ),
    "meeting_attendee": (
        "id",
        "meeting_id",
        "contact_id",
        "agency_id",
        "side",
        "name_en",
        "name_zh",
        "position_en",
        "position_zh",
        "head_of_delegation",
        "position",
    ),
    "agenda_item": (
        "id",
        "meeting_id",
        "position",
        "title_en",
        "title_zh",
        "notes_en",
        "notes_zh",
        "releasability",
    ),
    "decision": ("id", "meeting_id", "position", "text_en", "text_zh", "releasability"),
    "status_change": (
        "id",
        "record_type",
        "record_id",
        "from_status",
        "to_status",
        "comment",
        "note_releasable",
        "changed_by",
        "changed_at",
    ),
    "search_text": ("id", "record_type", "record_id", "body"),
    "case_entity": ("case_id", "entity_id"),
    "case_substance": ("case_id", "substance_id"),
    "referral_entity": ("referral_id", "entity_id"),
    "referral_substance": ("referral_id", "substance_id"),
    "meeting_referral": ("meeting_id", "referral_id"),
    "meeting_case": ("meeting_id", "case_id"),
}
RECORD_TABLES = (
    "agency",
    "contact",
    "entity",
    "substance",
    "meeting",
    "case",
    "referral",
    "action_item",
)
ID_TABLES = (*RECORD_TABLES, "meeting_attendee", "agenda_item", "decision", "status_change")
SEARCH_TABLE = "search_text"


def text_fields(record_type_key: str) -> tuple[str, ...]:
    """The fields ``searchtext.body_for`` puts in a record's body, after the reference."""
    return tuple(
        f.name
        for f in record_type(record_type_key).fields
        if f.kind in (TEXT, LONGTEXT) and f.name != "reference"
    )
