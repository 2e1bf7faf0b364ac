"""The domain model: SQLAlchemy 2.0 typed mappings. Schema changes go through Alembic only."""

from __future__ import annotations

import uuid as uuidlib
from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Instants are stored as naive UTC and always come back as aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class RecordMixin:
    """What every record carries: identity, reference, authorship, version, marking."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuidlib.uuid4()))
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    title_en: Mapped[str] = mapped_column(String(500), default="")
    title_zh: Mapped[str] = mapped_column(String(500), default="")
    releasability: Mapped[str | None] = mapped_column(String(16))  # None counts as US only
    caveat: Mapped[str] = mapped_column(String(8), default="SBU")
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    @property
    def is_releasable(self) -> bool:
        return self.releasability == "releasable"


case_entity = Table(
    "case_entity",
    Base.metadata,
    Column("case_id", ForeignKey("case.id", ondelete="CASCADE"), primary_key=True),
    Column("entity_id", ForeignKey("entity.id", ondelete="CASCADE"), primary_key=True),
)
case_substance = Table(
    "case_substance",
    Base.metadata,
    Column("case_id", ForeignKey("case.id", ondelete="CASCADE"), primary_key=True),
    Column("substance_id", ForeignKey("substance.id", ondelete="CASCADE"), primary_key=True),
)
referral_entity = Table(
    "referral_entity",
    Base.metadata,
    Column("referral_id", ForeignKey("referral.id", ondelete="CASCADE"), primary_key=True),
    Column("entity_id", ForeignKey("entity.id", ondelete="CASCADE"), primary_key=True),
)
referral_substance = Table(
    "referral_substance",
    Base.metadata,
    Column("referral_id", ForeignKey("referral.id", ondelete="CASCADE"), primary_key=True),
    Column("substance_id", ForeignKey("substance.id", ondelete="CASCADE"), primary_key=True),
)
meeting_referral = Table(
    "meeting_referral",
    Base.metadata,
    Column("meeting_id", ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True),
    Column("referral_id", ForeignKey("referral.id", ondelete="CASCADE"), primary_key=True),
)
meeting_case = Table(
    "meeting_case",
    Base.metadata,
    Column("meeting_id", ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True),
    Column("case_id", ForeignKey("case.id", ondelete="CASCADE"), primary_key=True),
)


class Agency(RecordMixin, Base):
    __tablename__ = "agency"
    side: Mapped[str] = mapped_column(String(8))
    abbreviation: Mapped[str] = mapped_column(String(32))
    contacts: Mapped[list[Contact]] = relationship(back_populates="agency")


class Contact(RecordMixin, Base):
    """A person on either side; ``title_en``/``title_zh`` hold the person's name."""

    __tablename__ = "contact"
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    position_en: Mapped[str] = mapped_column(String(200), default="")
    position_zh: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(64), default="")
    agency: Mapped[Agency | None] = relationship(back_populates="contacts")


class User(Base):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(32), default="viewer")
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Case(RecordMixin, Base):
    __tablename__ = "case"
    status: Mapped[str] = mapped_column(String(32), default="open", index=True)
    outcome: Mapped[str | None] = mapped_column(String(32))
    line_of_effort: Mapped[str | None] = mapped_column(String(32))
    lead_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    summary_en: Mapped[str] = mapped_column(Text, default="")
    summary_zh: Mapped[str] = mapped_column(Text, default="")
    opened_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    lead_agency: Mapped[Agency | None] = relationship()
    entities: Mapped[list[Entity]] = relationship(secondary=case_entity)
    substances: Mapped[list[Substance]] = relationship(secondary=case_substance)
    referrals: Mapped[list[Referral]] = relationship(
        back_populates="case", foreign_keys="Referral.case_id"
    )


class Referral(RecordMixin, Base):
    __tablename__ = "referral"
    status: Mapped[str] = mapped_column(String(32), default="draft", index=True)
    outcome: Mapped[str | None] = mapped_column(String(32))
    line_of_effort: Mapped[str | None] = mapped_column(String(32))
    direction: Mapped[str] = mapped_column(String(16))
    referral_type: Mapped[str] = mapped_column(String(32))
    sending_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    receiving_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"))
    sent_on: Mapped[date | None] = mapped_column(Date)
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    answered_on: Mapped[date | None] = mapped_column(Date)
    response_due: Mapped[date | None] = mapped_column(Date, index=True)
    counterpart_ref: Mapped[str] = mapped_column(String(64), default="")
    source_grade: Mapped[str | None] = mapped_column(String(1))
    info_grade: Mapped[str | None] = mapped_column(String(1))
    summary_en: Mapped[str] = mapped_column(Text, default="")
    summary_zh: Mapped[str] = mapped_column(Text, default="")
    sending_agency: Mapped[Agency | None] = relationship(foreign_keys=[sending_agency_id])
    receiving_agency: Mapped[Agency | None] = relationship(foreign_keys=[receiving_agency_id])
    case: Mapped[Case | None] = relationship(back_populates="referrals", foreign_keys=[case_id])
    entities: Mapped[list[Entity]] = relationship(secondary=referral_entity)
    substances: Mapped[list[Substance]] = relationship(secondary=referral_substance)

    __table_args__ = (
        # the dashboard (dashboard.py, migration 0002): pipeline, awaiting and medians
        # from the index alone; "answered since the last meeting" as a range
        Index("ix_referral_pipeline", "status", "direction", "sent_on", "answered_on", "archived"),
        Index("ix_referral_answered_on", "answered_on", "archived"),
        # list sorting (migration 0004): a page in title / last-change order without
        # sorting the table first
        # (title, id): the list's full order, titles repeat (migration 0006)
        Index("ix_referral_title_en", "title_en", "id"),
        Index("ix_referral_updated_at", "updated_at"),
    )


class ActionItem(RecordMixin, Base):
    __tablename__ = "action_item"
    status: Mapped[str] = mapped_column(String(32), default="open")
    line_of_effort: Mapped[str | None] = mapped_column(String(32))
    owner_side: Mapped[str] = mapped_column(String(8))
    owner_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    owner_person: Mapped[str] = mapped_column(String(200), default="")  # a counterpart owner
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    due_date: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    origin_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"), index=True)
    origin_case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), index=True)
    origin_referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"), index=True)
    description_en: Mapped[str] = mapped_column(Text, default="")
    description_zh: Mapped[str] = mapped_column(Text, default="")
    owner_agency: Mapped[Agency | None] = relationship()
    owner_user: Mapped[User | None] = relationship()
    origin_meeting: Mapped[Meeting | None] = relationship(back_populates="action_items")
    origin_case: Mapped[Case | None] = relationship()
    origin_referral: Mapped[Referral | None] = relationship()

    __table_args__ = (
        # archived too (migration 0002): due-date range counts read the index alone
        Index("ix_action_item_status_due", "status", "due_date", "archived"),
        Index("ix_action_item_due", "due_date"),
        # the dashboard (dashboard.py, migration 0002): one covering pass over open work,
        # "since the last meeting" ranges, and "my work" lookups
        Index(
            "ix_action_item_open_work",
            "status",
            "owner_side",
            "owner_agency_id",
            "due_date",
            "archived",
        ),
        Index("ix_action_item_created_at", "created_at", "archived"),
        Index("ix_action_item_status_completed", "status", "completed_on", "archived"),
        Index("ix_action_item_owner_person", "owner_person"),
        Index("ix_action_item_created_by", "created_by"),
        # list sorting (migration 0004)
        Index("ix_action_item_title_en", "title_en", "id"),  # (title, id): migration 0006
        Index("ix_action_item_updated_at", "updated_at"),
        # sort by status (migration 0005): a page in (status, id) order without sorting
        Index("ix_action_item_status_id", "status", "id"),
        # the list's default order over the records it shows (migration 0006): a page deep
        # in it is found by stepping over index entries alone, not over table rows
        Index(
            "ix_action_item_due_live",
            "due_date",
            "id",
            sqlite_where=text("archived IS 0"),
            postgresql_where=text("archived IS false"),
            # PostgreSQL reads the index alone only if it holds every column the query
            # names; SQLite has no INCLUDE and needs none
            postgresql_include=["archived"],
        ),
    )


class Meeting(RecordMixin, Base):
    __tablename__ = "meeting"
    status: Mapped[str] = mapped_column(String(32), default="planned", index=True)
    line_of_effort: Mapped[str | None] = mapped_column(String(32))
    meeting_type: Mapped[str] = mapped_column(String(16), default="plenary")
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    place_en: Mapped[str] = mapped_column(String(300), default="")
    place_zh: Mapped[str] = mapped_column(String(300), default="")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    summary_zh: Mapped[str] = mapped_column(Text, default="")
    attendees: Mapped[list[MeetingAttendee]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        order_by="MeetingAttendee.position",
    )
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="AgendaItem.position"
    )
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Decision.position"
    )
    referrals: Mapped[list[Referral]] = relationship(secondary=meeting_referral)
    cases: Mapped[list[Case]] = relationship(secondary=meeting_case)
    action_items: Mapped[list[ActionItem]] = relationship(back_populates="origin_meeting")


class MeetingAttendee(Base):
    __tablename__ = "meeting_attendee"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    side: Mapped[str] = mapped_column(String(8))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    position_en: Mapped[str] = mapped_column(String(200), default="")
    position_zh: Mapped[str] = mapped_column(String(200), default="")
    head_of_delegation: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    meeting: Mapped[Meeting] = relationship(back_populates="attendees")
    agency: Mapped[Agency | None] = relationship()


class AgendaItem(Base):
    __tablename__ = "agenda_item"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    title_en: Mapped[str] = mapped_column(String(500), default="")
    title_zh: Mapped[str] = mapped_column(String(500), default="")
    notes_en: Mapped[str] = mapped_column(Text, default="")
    notes_zh: Mapped[str] = mapped_column(Text, default="")
    releasability: Mapped[str | None] = mapped_column(String(16))
    meeting: Mapped[Meeting] = relationship(back_populates="agenda_items")


class Decision(Base):
    __tablename__ = "decision"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    text_en: Mapped[str] = mapped_column(Text, default="")
    text_zh: Mapped[str] = mapped_column(Text, default="")
    releasability: Mapped[str | None] = mapped_column(String(16))
    meeting: Mapped[Meeting] = relationship(back_populates="decisions")


class Entity(RecordMixin, Base):
    """A company, person, website, shipment or account; ``title_*`` hold its names."""

    __tablename__ = "entity"
    entity_type: Mapped[str] = mapped_column(String(16))
    uscc: Mapped[str] = mapped_column(String(18), default="")
    country: Mapped[str] = mapped_column(String(64), default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    notes_en: Mapped[str] = mapped_column(Text, default="")
    notes_zh: Mapped[str] = mapped_column(Text, default="")


class Substance(RecordMixin, Base):
    __tablename__ = "substance"
    category: Mapped[str] = mapped_column(String(16))
    cas_number: Mapped[str] = mapped_column(String(16), default="")
    us_control: Mapped[str | None] = mapped_column(String(16))
    prc_control: Mapped[str | None] = mapped_column(String(16))
    notes_en: Mapped[str] = mapped_column(Text, default="")
    notes_zh: Mapped[str] = mapped_column(Text, default="")


class StatusChange(Base):
    """One row per status transition: the heartbeat of every record."""

    __tablename__ = "status_change"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_type: Mapped[str] = mapped_column(String(16))
    record_id: Mapped[int] = mapped_column(Integer)
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str] = mapped_column(Text, default="")
    note_releasable: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_by: Mapped[str] = mapped_column(String(64), default="")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_status_change_record", "record_type", "record_id", "changed_at"),)


class AuditEvent(Base):
    """Append-only, hash-chained: each event includes the hash of the one before it."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(32))
    record_type: Mapped[str] = mapped_column(String(16), default="")
    record_id: Mapped[int | None] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(32), default="")
    changes: Mapped[str] = mapped_column(Text, default="{}")  # JSON: field -> [old, new]
    outcome: Mapped[str] = mapped_column(String(16), default="ok")
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")

    __table_args__ = (Index("ix_audit_event_record", "record_type", "record_id"),)


class AuditCheckpoint(Base):
    """A signed statement of the audit chain's head: how many events it held, the last one's
    id and hash, when, signed with the installation's Ed25519 audit key. Deleting or changing
    events a checkpoint covers no longer matches it; copies live outside the database (PDF
    footers, exchange packages), so deleting checkpoints too is caught by comparing one."""

    __tablename__ = "audit_checkpoint"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    event_count: Mapped[int] = mapped_column(Integer)
    head_id: Mapped[int] = mapped_column(Integer)
    head_hash: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(16), default="")
    actor: Mapped[str] = mapped_column(String(64), default="")
    public_key: Mapped[str] = mapped_column(String(64))  # raw Ed25519 key, hex
    signature: Mapped[str] = mapped_column(String(128))  # hex

    __table_args__ = (Index("ix_audit_checkpoint_head_id", "head_id"),)


class AppSetting(Base):
    """One setting of this installation (office profile, shipped reference data loaded)."""

    __tablename__ = "app_setting"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64), default="")


class ReferenceCounter(Base):
    """Last number handed out per prefix and year, for references like REF-2026-0042."""

    __tablename__ = "reference_counter"
    prefix: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class SearchText(Base):
    """One row of searchable text per record (reference, titles, summaries, names, pinyin).

    On SQLite an FTS5 trigram index (``search_fts``) mirrors ``body`` through triggers; on
    PostgreSQL a pg_trgm index serves ILIKE. Both are created by the migrations.
    """

    __tablename__ = "search_text"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_type: Mapped[str] = mapped_column(String(16))
    record_id: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("record_type", "record_id", name="uq_search_text_record"),)


MODELS: dict[str, type[RecordMixin]] = {
    "case": Case,
    "referral": Referral,
    "action_item": ActionItem,
    "meeting": Meeting,
    "entity": Entity,
    "substance": Substance,
    "agency": Agency,
    "contact": Contact,
}


# --- exchange packages with the counterpart side (workinggroup_app/exchange/sync/__init__.py) -----------


class ExchangeKey(Base):
    """A counterpart's Ed25519 public key: packages signed with it are accepted."""

    __tablename__ = "exchange_key"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the key
    public_key: Mapped[str] = mapped_column(String(64))  # the raw 32 bytes, hex
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    registered_by: Mapped[str] = mapped_column(String(64), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ExchangeState(Base):
    """Per shared record: the content it had at each exchange (export or import).

    ``history`` holds the content hashes of the versions this side had when a package
    was written or read, oldest first. An incoming version whose sender had seen our
    current content replaces it; one we had ourselves is stale; anything else is a
    conflict for a person to resolve.
    """

    __tablename__ = "exchange_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_type: Mapped[str] = mapped_column(String(16))
    record_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    last_hash: Mapped[str] = mapped_column(String(64), default="")
    last_version: Mapped[int] = mapped_column(Integer, default=0)
    history: Mapped[str] = mapped_column(Text, default="")
    last_direction: Mapped[str] = mapped_column(String(8), default="")
    last_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    pending_export: Mapped[bool] = mapped_column(Boolean, default=False)


class ExchangeConflict(Base):
    """A record both sides changed since they last agreed: kept until a person decides."""

    __tablename__ = "exchange_conflict"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_type: Mapped[str] = mapped_column(String(16))
    record_uuid: Mapped[str] = mapped_column(String(36), index=True)
    record_id: Mapped[int | None] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(32), default="")
    remote_content: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    remote_hash: Mapped[str] = mapped_column(String(64), default="")
    remote_history: Mapped[str] = mapped_column(Text, default="")
    package_sha256: Mapped[str] = mapped_column(String(64), default="")
    sender: Mapped[str] = mapped_column(String(100), default="")
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str] = mapped_column(String(16), default="")  # mine/theirs/superseded
    resolved_by: Mapped[str] = mapped_column(String(64), default="")


class ExchangePackage(Base):
    """Every package written or read: when, by whom, from whom, and what it held."""

    __tablename__ = "exchange_package"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    direction: Mapped[str] = mapped_column(String(8))  # "export" / "import"
    manifest_sha256: Mapped[str] = mapped_column(String(64), index=True)
    sender: Mapped[str] = mapped_column(String(100), default="")
    key_fingerprint: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # as the package says
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(64), default="")
    file_name: Mapped[str] = mapped_column(String(255), default="")
    counts: Mapped[str] = mapped_column(Text, default="{}")  # JSON
