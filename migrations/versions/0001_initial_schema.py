"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28 23:58:25.938441
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agency",
        sa.Column("side", sa.String(length=8), nullable=False),
        sa.Column("abbreviation", sa.String(length=32), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("title_en", sa.String(length=500), nullable=False),
        sa.Column("title_zh", sa.String(length=500), nullable=False),
        sa.Column("releasability", sa.String(length=16), nullable=True),
        sa.Column("caveat", sa.String(length=8), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency")),
        sa.UniqueConstraint("reference", name=op.f("uq_agency_reference")),
        sa.UniqueConstraint("uuid", name=op.f("uq_agency_uuid")),
    )
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("username", name=op.f("uq_app_user_username")),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("record_type", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_record", ["record_type", "record_id"], unique=False)

    op.create_table(
        "entity",
        sa.Column("entity_type", sa.String(length=16), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("country", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("notes_en", sa.Text(), nullable=False),
        sa.Column("notes_zh", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("title_en", sa.String(length=500), nullable=False),
        sa.Column("title_zh", sa.String(length=500), nullable=False),
        sa.Column("releasability", sa.String(length=16), nullable=True),
        sa.Column("caveat", sa.String(length=8), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity")),
        sa.UniqueConstraint("reference", name=op.f("uq_entity_reference")),
        sa.UniqueConstraint("uuid", name=op.f("uq_entity_uuid")),
    )
    op.create_table(
        "meeting",
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("line_of_effort", sa.String(length=32), nullable=True),
        sa.Column("meeting_type", sa.String(length=16), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=True),
        sa.Column("place_en", sa.String(length=300), nullable=False),
        sa.Column("place_zh", sa.String(length=300), nullable=False),
        sa.Column("summary_en", sa.Text(), nullable=False),
        sa.Column("summary_zh", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("title_en", sa.String(length=500), nullable=False),
        sa.Column("title_zh", sa.String(length=500), nullable=False),
        sa.Column("releasability", sa.String(length=16), nullable=True),
        sa.Column("caveat", sa.String(length=8), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
        sa.UniqueConstraint("reference", name=op.f("uq_meeting_reference")),
        sa.UniqueConstraint("uuid", name=op.f("uq_meeting_uuid")),
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_starts_at"), ["starts_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_status"), ["status"], unique=False)

    op.create_table(
        "reference_counter",
        sa.Column("prefix", sa.String(length=8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", "year", name=op.f("pk_reference_counter")),
    )
    op.create_table(
        "search_text",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_text")),
        sa.UniqueConstraint("record_type", "record_id", name="uq_search_text_record"),
    )
    op.create_table(
        "status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=32), nullable=True),
        sa.Column("to_status", sa.String(length=32), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("note_releasable", sa.Boolean(), nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_change")),
    )
    with op.batch_alter_table("status_change", schema=None) as batch_op:
        batch_op.create_index(
            "ix_status_change_record", ["record_type", "record_id", "changed_at"], unique=False
        )

    op.create_table(
        "substance",
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("cas_number", sa.String(length=16), nullable=False),
        sa.Column("us_control", sa.String(length=16), nullable=True),
        sa.Column("prc_control", sa.String(length=16), nullable=True),
        sa.Column("notes_en", sa.Text(), nullable=False),
        sa.Column("notes_zh", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("title_en", sa.String(length=500), nullable=False),
        sa.Column("title_zh", sa.String(length=500), nullable=False),
        sa.Column("releasability", sa.String(length=16), nullable=True),
        sa.Column("caveat", sa.String(length=8), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_substance")),
        sa.UniqueConstraint("reference", name=op.f("uq_substance_reference")),
        sa.UniqueConstraint("uuid", name=op.f("uq_substance_uuid")),
    )
    op.create_table(
        "agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title_en", sa.String(length=500), nullable=False),
        sa.Column("title_zh", sa.String(length=500), nullable=False),
        sa.Column("notes_en", sa.Text(), nullable=False),
        sa.Column("notes_zh", sa.Text(), nullable=False),
        sa.Column("releasability", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_agenda_item_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_item")),
    )
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agenda_item_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "case",
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("line_of_effort", sa.String(length=32), nullable=True),
        sa.Column("lead_agency_id", sa.Integer(), nullable=True),
        sa.Column("summary_en", sa.Text(), nullable=False),
        sa.Column("summary_zh", sa.Text(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("title_en", sa.String(length=500), nullable=False),
        sa.Column("title_zh", sa.String(length=500), nullable=False),
        sa.Column("releasability", sa.String(length=16), nullable=True),
        sa.Column("caveat", sa.String(length=8), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_agency_id"], ["agency.id"], name=op.f("fk_case_lead_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case")),
        sa.UniqueConstraint("reference", name=op.f("uq_case_reference")),
        sa.UniqueConstraint("uuid", name=op.f("uq_case_uuid")),
    )
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_lead_agency_id"), ["lead_agency_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_case_status"), ["status"], unique=False)

    op.create_table(
        "contact",
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("position_en", sa.String(length=200), nullable=False),
        sa.Column("position_zh", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("title_en", sa.String(length=500), nullable=False),
        sa.Column("title_zh", sa.String(length=500), nullable=False),
        sa.Column("releasability", sa.String(length=16), nullable=True),
        sa.Column("caveat", sa.String(length=8), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_contact_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact")),
        sa.UniqueConstraint("reference", name=op.f("uq_contact_reference")),
        sa.UniqueConstraint("uuid", name=op.f("uq_contact_uuid")),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_agency_id"), ["agency_id"], unique=False)

    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("text_zh", sa.Text(), nullable=False),
        sa.Column("releasability", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_decision_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision")),
    )
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "case_entity",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_case_entity_case_id_case"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entity.id"],
            name=op.f("fk_case_entity_entity_id_entity"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", "entity_id", name=op.f("pk_case_entity")),
    )
    op.create_table(
        "case_substance",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("substance_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case.id"],
            name=op.f("fk_case_substance_case_id_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["substance_id"],
            ["substance.id"],
            name=op.f("fk_case_substance_substance_id_substance"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", "substance_id", name=op.f("pk_case_substance")),
    )
    op.create_table(
        "meeting_attendee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("side", sa.String(length=8), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("position_en", sa.String(length=200), nullable=False),
        sa.Column("position_zh", sa.String(length=200), nullable=False),
        sa.Column("head_of_delegation", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_meeting_attendee_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name=op.f("fk_meeting_attendee_contact_id_contact")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_meeting_attendee_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_attendee")),
    )
    with op.batch_alter_table("meeting_attendee", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_attendee_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "meeting_case",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_meeting_case_case_id_case"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_meeting_case_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "case_id", name=op.f("pk_meeting_case")),
    )
    op.create_table(
        "referral",
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("line_of_effort", sa.String(length=32), nullable=True),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("referral_type", sa.String(length=32), nullable=False),
        sa.Column("sending_agency_id", sa.Integer(), nullable=True),
        sa.Column("receiving_agency_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("acknowledged_on", sa.Date(), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("response_due", sa.Date(), nullable=True),
        sa.Column("counterpart_ref", sa.String(length=64), nullable=False),
        sa.Column("source_grade", sa.String(length=1), nullable=True),
        sa.Column("info_grade", sa.String(length=1), nullable=True),
        sa.Column("summary_en", sa.Text(), nullable=False),
        sa.Column("summary_zh", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("title_en", sa.String(length=500), nullable=False),
        sa.Column("title_zh", sa.String(length=500), nullable=False),
        sa.Column("releasability", sa.String(length=16), nullable=True),
        sa.Column("caveat", sa.String(length=8), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_referral_case_id_case")),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"], ["referral.id"], name=op.f("fk_referral_duplicate_of_id_referral")
        ),
        sa.ForeignKeyConstraint(
            ["receiving_agency_id"],
            ["agency.id"],
            name=op.f("fk_referral_receiving_agency_id_agency"),
        ),
        sa.ForeignKeyConstraint(
            ["sending_agency_id"], ["agency.id"], name=op.f("fk_referral_sending_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
        sa.UniqueConstraint("reference", name=op.f("uq_referral_reference")),
        sa.UniqueConstraint("uuid", name=op.f("uq_referral_uuid")),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_referral_receiving_agency_id"), ["receiving_agency_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_referral_response_due"), ["response_due"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_referral_sending_agency_id"), ["sending_agency_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_referral_status"), ["status"], unique=False)

    op.create_table(
        "action_item",
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("line_of_effort", sa.String(length=32), nullable=True),
        sa.Column("owner_side", sa.String(length=8), nullable=False),
        sa.Column("owner_agency_id", sa.Integer(), nullable=True),
        sa.Column("owner_person", sa.String(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("origin_meeting_id", sa.Integer(), nullable=True),
        sa.Column("origin_case_id", sa.Integer(), nullable=True),
        sa.Column("origin_referral_id", sa.Integer(), nullable=True),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("description_zh", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("title_en", sa.String(length=500), nullable=False),
        sa.Column("title_zh", sa.String(length=500), nullable=False),
        sa.Column("releasability", sa.String(length=16), nullable=True),
        sa.Column("caveat", sa.String(length=8), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["origin_case_id"], ["case.id"], name=op.f("fk_action_item_origin_case_id_case")
        ),
        sa.ForeignKeyConstraint(
            ["origin_meeting_id"],
            ["meeting.id"],
            name=op.f("fk_action_item_origin_meeting_id_meeting"),
        ),
        sa.ForeignKeyConstraint(
            ["origin_referral_id"],
            ["referral.id"],
            name=op.f("fk_action_item_origin_referral_id_referral"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_agency_id"], ["agency.id"], name=op.f("fk_action_item_owner_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_item")),
        sa.UniqueConstraint("reference", name=op.f("uq_action_item_reference")),
        sa.UniqueConstraint("uuid", name=op.f("uq_action_item_uuid")),
    )
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.create_index("ix_action_item_due", ["due_date"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_action_item_origin_case_id"), ["origin_case_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_action_item_origin_meeting_id"), ["origin_meeting_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_action_item_origin_referral_id"), ["origin_referral_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_action_item_owner_agency_id"), ["owner_agency_id"], unique=False
        )
        batch_op.create_index("ix_action_item_status_due", ["status", "due_date"], unique=False)

    op.create_table(
        "meeting_referral",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_meeting_referral_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_meeting_referral_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "referral_id", name=op.f("pk_meeting_referral")),
    )
    op.create_table(
        "referral_entity",
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entity.id"],
            name=op.f("fk_referral_entity_entity_id_entity"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_referral_entity_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("referral_id", "entity_id", name=op.f("pk_referral_entity")),
    )
    op.create_table(
        "referral_substance",
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("substance_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_referral_substance_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["substance_id"],
            ["substance.id"],
            name=op.f("fk_referral_substance_substance_id_substance"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("referral_id", "substance_id", name=op.f("pk_referral_substance")),
    )
    _create_search_index()


def _create_search_index() -> None:
    """Full-text search over search_text: FTS5 trigram on SQLite, pg_trgm on PostgreSQL."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "body, content='search_text', content_rowid='id', tokenize='trigram')"
        )
        op.execute(
            "CREATE TRIGGER search_text_ai AFTER INSERT ON search_text BEGIN "
            "INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body); END"
        )
        op.execute(
            "CREATE TRIGGER search_text_ad AFTER DELETE ON search_text BEGIN "
            "INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body);"
            " END"
        )
        op.execute(
            "CREATE TRIGGER search_text_au AFTER UPDATE ON search_text BEGIN "
            "INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body);"
            " INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body); END"
        )
    elif bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE INDEX ix_search_text_body_trgm ON search_text USING gin (body gin_trgm_ops)"
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trigger in ("search_text_ai", "search_text_ad", "search_text_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_text_body_trgm")
    op.drop_table("referral_substance")
    op.drop_table("referral_entity")
    op.drop_table("meeting_referral")
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.drop_index("ix_action_item_status_due")
        batch_op.drop_index(batch_op.f("ix_action_item_owner_agency_id"))
        batch_op.drop_index(batch_op.f("ix_action_item_origin_referral_id"))
        batch_op.drop_index(batch_op.f("ix_action_item_origin_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_action_item_origin_case_id"))
        batch_op.drop_index("ix_action_item_due")

    op.drop_table("action_item")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_status"))
        batch_op.drop_index(batch_op.f("ix_referral_sending_agency_id"))
        batch_op.drop_index(batch_op.f("ix_referral_response_due"))
        batch_op.drop_index(batch_op.f("ix_referral_receiving_agency_id"))
        batch_op.drop_index(batch_op.f("ix_referral_case_id"))

    op.drop_table("referral")
    op.drop_table("meeting_case")
    with op.batch_alter_table("meeting_attendee", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_attendee_meeting_id"))

    op.drop_table("meeting_attendee")
    op.drop_table("case_substance")
    op.drop_table("case_entity")
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_meeting_id"))

    op.drop_table("decision")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_agency_id"))

    op.drop_table("contact")
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_status"))
        batch_op.drop_index(batch_op.f("ix_case_lead_agency_id"))

    op.drop_table("case")
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_item_meeting_id"))

    op.drop_table("agenda_item")
    op.drop_table("substance")
    with op.batch_alter_table("status_change", schema=None) as batch_op:
        batch_op.drop_index("ix_status_change_record")

    op.drop_table("status_change")
    op.drop_table("search_text")
    op.drop_table("reference_counter")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_status"))
        batch_op.drop_index(batch_op.f("ix_meeting_starts_at"))

    op.drop_table("meeting")
    op.drop_table("entity")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_record")

    op.drop_table("audit_event")
    op.drop_table("app_user")
    op.drop_table("agency")
