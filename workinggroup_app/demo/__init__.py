"""Demo data: a realistic, bilingual, deterministic data set, loaded with bulk inserts.

``seed(db)`` fills a database with two years of the working group's life: the real agencies
of both sides, fictitious contacts, companies (with valid Unified Social Credit Codes),
websites, shipments and accounts, real substances (with valid CAS numbers), meetings
every six to eight weeks with attendees, agenda and decisions, cases, referrals in both
directions and action items, each with the status history (``status_change`` rows) that
leads to its current status through the allowed workflow transitions.

``seed(db, scale=N)`` grows the data to N action items and N/10 referrals for benchmarks.

The same ``seed`` and ``today`` give the same references, titles, statuses and dates.
Rows are written with the driver's bulk paths (``executemany`` on SQLite, ``COPY`` on
PostgreSQL) inside one transaction: all or nothing. Ids are assigned here, so the
PostgreSQL id sequences are moved past them at the end, and the reference counters are
reserved with ``references.reserve_block``, so later creates never collide.
"""

from __future__ import annotations

import json
import logging
import random
import re
import time
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as dtime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from workinggroup_app.demo.catalogue import load, number_zh
from workinggroup_app.domain.fields import LONGTEXT, TEXT, record_type
from workinggroup_app.domain.validators import USCC_ALPHABET, uscc_check_char
from workinggroup_app.domain.vocabulary import word
from workinggroup_app.storage.reference_numbers import format_reference, reserve_block
from workinggroup_app.storage.search_index import body_for

D = load()  # the demo's records, from resources/demo
log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
"""``progress(label, done, total)``: called as each stage starts, and once at the end."""

DEFAULT_COUNTS = {"case": 40, "referral": 250, "action_item": 600}
BATCH = 10_000
US_ONLY_SHARE = 0.13  # own marking; children of US-only parents are US only too (~15% overall)
SEED_ACTOR = "demo"
SQLITE_CACHE_KB = 262_144  # page cache while loading (SQLite); the default is restored after
SQLITE_CACHE_KB_LARGE = 1_048_576  # ... and for a large load (13 indexes on action_item)
LARGE_LOAD = 100_000  # action items from which a load counts as large
DEFER_INDEXES = True  # large loads build secondary indexes after the rows (see defer_indexes)

STAGES = (
    "agencies and contacts",
    "entities and substances",
    "meetings",
    "cases",
    "referrals",
    "action items",
    "search index",
    "finishing",
)

# --- columns written, in order (the tests check they cover every column of each table) -----

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


# --- results --------------------------------------------------------------------------------


@dataclass
class SeedResult:
    records: dict[str, int]  # record type -> records inserted
    tables: dict[str, int]  # table -> rows inserted
    seconds: dict[str, float]  # stage -> seconds (generation and writing)
    total_seconds: float = 0.0
    table_seconds: dict[str, float] = field(default_factory=dict)  # table -> writing
    table_cpu: dict[str, float] = field(default_factory=dict)  # table -> CPU writing


# --- small pure helpers (also used by the tests) --------------------------------------------

ORG_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # digits and USCC letters
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code_check(body8: str) -> str:
    """Check character of a 9-character organisation code (GB 11714)."""
    total = sum(int(c, 36) * w for c, w in zip(body8, ORG_CODE_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def make_uscc(rng: random.Random, region: str) -> str:
    """'91' (enterprise, company) + 6-digit region + 9-character org code + check character."""
    body = "".join(rng.choice(ORG_CODE_ALPHABET) for _ in range(8))
    first17 = "91" + region + body + org_code_check(body)
    assert all(c in USCC_ALPHABET for c in first17), first17
    return first17 + uscc_check_char(first17)


def awb_number(rng: random.Random, prefix: str) -> str:
    """An air waybill number: airline prefix, 7-digit serial and its mod-7 check digit."""
    serial = rng.randrange(1_000_000, 9_999_999)
    return f"{prefix}-{serial}{serial % 7}"


def container_number(rng: random.Random, owner: str) -> str:
    """An ISO 6346 container number with its check digit."""
    serial = f"{rng.randrange(0, 999_999):06d}"
    values = {}
    v = 10
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if v % 11 == 0:
            v += 1
        values[letter] = v
        v += 1
    code = owner + serial
    total = sum((values[c] if c.isalpha() else int(c)) * (2**i) for i, c in enumerate(code))
    return f"{owner} {serial} {total % 11 % 10}"


def tron_address(rng: random.Random) -> str:
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    return "T" + "".join(rng.choice(alphabet) for _ in range(33))


# --- the writer: bulk paths of each driver ------------------------------------------------


def _q(name: str) -> str:
    return f'"{name}"'


class _Writer:
    """Writes lists of tuples with the driver's bulk path, in the session's transaction.

    SQLite: ``executemany`` in batches of ``BATCH``. PostgreSQL: ``COPY ... FROM STDIN``.
    (A worker thread that writes while the next rows are generated was tried and is much
    slower: ``executemany`` gives the GIL back around each row's ``sqlite3_step`` and then
    waits for the busy generating thread to hand it over again.)
    """

    def __init__(self, session: Session) -> None:
        conn = session.connection()
        self.dialect = conn.dialect.name
        self.raw: Any = conn.connection.driver_connection
        self.rows: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def insert(self, table: str, rows: list[Sequence[Any]]) -> None:
        if not rows:
            return
        cols = COLUMNS[table]
        start = time.perf_counter(), time.process_time()
        collist = ", ".join(_q(c) for c in cols)
        cur = self.raw.cursor()
        try:
            if self.dialect == "postgresql":
                with cur.copy(f"COPY {_q(table)} ({collist}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                sql = f"INSERT INTO {_q(table)} ({collist}) VALUES ({', '.join('?' * len(cols))})"
                for k in range(0, len(rows), BATCH):
                    cur.executemany(sql, rows[k : k + BATCH])
        finally:
            cur.close()
        self.rows[table] = self.rows.get(table, 0) + len(rows)
        self._time(table, start)

    def _time(self, label: str, start: tuple[float, float]) -> None:
        self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - start[0]
        self.cpu[label] = self.cpu.get(label, 0.0) + time.process_time() - start[1]

    def scalar(self, sql: str) -> Any:
        cur = self.raw.cursor()
        try:
            cur.execute(sql)
            row = cur.fetchone()
        finally:
            cur.close()
        return row[0] if row else None

    def execute(self, sql: str, *, label: str | None = None) -> None:
        start = time.perf_counter(), time.process_time()
        cur = self.raw.cursor()
        try:
            cur.execute(sql)
        finally:
            cur.close()
        if label:
            self._time(label, start)


class _Clock:
    """Days as ordinals, times as minutes of the day (UTC); values in the driver's form.

    SQLite gets the strings SQLAlchemy itself writes ('2025-03-04', '2025-03-04
    14:05:00.000000'); PostgreSQL gets date and naive UTC datetime objects, as the
    ``UTCDateTime`` type stores them. Days within ``SPAN`` of today come from a list.
    """

    SPAN = 2000

    def __init__(self, today: date, as_text: bool) -> None:
        self.today = today.toordinal()
        self.as_text = as_text
        self.base = self.today - self.SPAN
        days = [date.fromordinal(self.base + k) for k in range(2 * self.SPAN)]
        self.days: list[Any] = [d.isoformat() for d in days] if as_text else days
        self._times = [dtime(m // 60, m % 60) for m in range(1440)]
        self._time_text = [f" {m // 60:02d}:{m % 60:02d}:00.000000" for m in range(1440)]

    def day(self, ordinal: int | None) -> Any:
        if ordinal is None:
            return None
        k = ordinal - self.base
        if 0 <= k < len(self.days):
            return self.days[k]
        d = date.fromordinal(ordinal)
        return d.isoformat() if self.as_text else d

    def at(self, ordinal: int, minute: int) -> Any:
        if self.as_text:
            return self.day(ordinal) + self._time_text[minute]
        return datetime.combine(self.day(ordinal), self._times[minute])

    def instant(self, dt: datetime) -> Any:
        """An aware datetime, stored as naive UTC."""
        naive = dt.astimezone(UTC).replace(tzinfo=None)
        return naive.isoformat(" ", "microseconds") if self.as_text else naive

    @staticmethod
    def year(ordinal: int) -> int:
        return date.fromordinal(ordinal).year


def uuid4_text(bits: int) -> str:
    """``str(uuid.UUID(int=bits, version=4))``, without building the object."""
    bits = (bits & ~(0xF000 << 64) | (0x4000 << 64)) & ~(0xC000 << 48) | (0x8000 << 48)
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# --- the seeder -------------------------------------------------------------------------------


@dataclass
class _Thing:
    """An entity or substance as the templates use it."""

    id: int
    en: str
    zh: str
    kind: str
    label_en: str = ""
    label_zh: str = ""


@dataclass
class _Fill:
    title_en: str
    title_zh: str
    text_en: str
    text_zh: str
    loe: str
    entities: tuple[int, ...] = ()
    substances: tuple[int, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


_PLACEHOLDER = re.compile(r"\{(\w+?)_(?:en|zh)\}")


class _Seeder:
    def __init__(
        self,
        session: Session,
        *,
        scale: int | None,
        seed: int,
        today: date,
        progress: Progress | None,
    ) -> None:
        self.session = session
        self.seed_value, self.scale_value = seed, scale
        self.tables: dict[str, int] = {}
        self.w = _Writer(session)
        self.sqlite = self.w.dialect == "sqlite"
        self.clock = _Clock(today, as_text=self.sqlite)
        self.T = today.toordinal()
        self.rng = random.Random(seed)
        self.progress = progress
        self.stage_no = 0
        self.seconds: dict[str, float] = {}
        if scale is None:
            self.n = dict(DEFAULT_COUNTS)
        else:
            if scale < 1:
                raise ValueError("scale must be a positive number of action items")
            self.n = {
                "case": DEFAULT_COUNTS["case"],
                "referral": max(1, scale // 10),
                "action_item": scale,
            }
        self.records: dict[str, int] = {}
        self.next_id: dict[str, int] = {}
        for table in (*ID_TABLES, SEARCH_TABLE):
            self.next_id[table] = int(self.w.scalar(f"SELECT MAX(id) FROM {_q(table)}") or 0) + 1
        # UUIDs come from their own stream, mixed with the ids already used, so that seeding
        # a database twice never repeats one while a fresh database stays deterministic.
        already = sum(self.next_id.values()) - len(self.next_id)
        self.uuid_rng = random.Random(f"{seed}/{already}")
        self.status_rows: list[tuple[Any, ...]] = []
        self.comments: dict[str, dict[str, tuple[str, bool]]] = {}
        for (rt, dst), comment in D.STATUS_COMMENTS.items():
            self.comments.setdefault(rt, {})[dst] = comment
        self.search_rows: list[tuple[Any, ...]] = []
        self.trigger_sql: str | None = None
        self.fts_tuned = False
        self.deferred: list[tuple[str, str]] = []
        self.agency: dict[str, int] = {}
        self.contacts_by_agency: dict[str, list[dict[str, Any]]] = {}
        self.contact_by_name: dict[str, dict[str, Any]] = {}
        self.things: dict[str, list[_Thing]] = {}
        self.ai_text_fields_ok = text_fields("action_item") == (
            "title_en",
            "title_zh",
            "owner_person",
            "description_en",
            "description_zh",
        )

    # --- plumbing ---------------------------------------------------------------------------

    def stage(self, label: str) -> None:
        if self.progress is not None:
            self.progress(label, self.stage_no, len(STAGES))
        self.stage_no += 1

    def ids(self, table: str, count: int) -> int:
        first = self.next_id[table]
        self.next_id[table] = first + count
        return first

    def uuid(self) -> str:
        return uuid4_text(self.uuid_rng.getrandbits(128))

    def references(self, prefix: str, ordinals: Sequence[int]) -> list[str]:
        """References for records created on ``ordinals`` (ascending), reserved per year."""
        out: list[str] = []
        i = 0
        while i < len(ordinals):
            year = _Clock.year(ordinals[i])
            j = bisect_right(ordinals, date(year, 12, 31).toordinal(), lo=i)
            first = reserve_block(self.session, prefix, year, j - i)
            out.extend(format_reference(prefix, year, first + k) for k in range(j - i))
            i = j
        return out

    def minute(self) -> int:
        """A time in Washington office hours, in UTC (13:00-22:00)."""
        return 780 + int(self.rng.random() * 540)

    def add_history(
        self,
        rt: str,
        record_id: int,
        events: Sequence[tuple[int, str | None, str]],
        user: str,
    ) -> tuple[Any, Any]:
        """status_change rows for ``events`` [(day, from, to)]; returns first and last instants.

        Times fall in Washington office hours (13:00-22:00 UTC), increasing within a day.
        """
        sid = self.next_id["status_change"]
        self.next_id["status_change"] = sid + len(events)
        rnd = self.rng.random
        comments = self.comments[rt]
        append = self.status_rows.append
        at = self.clock.at
        prev_day, prev_min = -1, 0
        first = ts = None
        for day, src, dst in events:
            m = 780 + int(rnd() * 540)
            if day == prev_day and m <= prev_min:
                m = min(1439, prev_min + 1 + int(rnd() * 60))
            prev_day, prev_min = day, m
            ts = at(day, m)
            if first is None:
                first = ts
            comment, shown = D.REOPEN_COMMENT if src == "done" else comments[dst]
            append((sid, rt, record_id, src, dst, comment, shown, user, ts))
            sid += 1
        if len(self.status_rows) >= 5 * BATCH:
            self.flush_history()
        return first, ts

    def flush_history(self) -> None:
        if self.status_rows:
            self.w.insert("status_change", self.status_rows)
            self.status_rows = []

    def add_search(self, rt: str, record_id: int, body: str) -> None:
        self.search_rows.append((self.ids(SEARCH_TABLE, 1), rt, record_id, body))
        if len(self.search_rows) >= 5 * BATCH:
            self.flush_search()

    def flush_search(self) -> None:
        if self.search_rows:
            lo, hi = self.search_rows[0][0], self.search_rows[-1][0]
            self.w.insert(SEARCH_TABLE, self.search_rows)
            self.search_rows = []
            if self.trigger_sql is not None:
                self.w.execute(
                    "INSERT INTO search_fts(rowid, body) SELECT id, body FROM search_text "
                    f"WHERE id BETWEEN {int(lo)} AND {int(hi)} ORDER BY id",
                    label="search_fts",
                )

    def write_records(self, rt: str, rows: list[dict[str, Any]]) -> None:
        """Small tables: rows as dicts; writes them and their search bodies."""
        cols = COLUMNS[rt]
        self.w.insert(rt, [tuple(r.get(c) for c in cols) for r in rows])
        for r in rows:
            self.add_search(rt, r["id"], body_for(rt, r))
        self.records[rt] = self.records.get(rt, 0) + len(rows)

    def common(
        self,
        rid: int,
        reference: str,
        title_en: str,
        title_zh: str,
        *,
        releasability: str | None = "releasable",
        caveat: str = "SBU",
        created: Any,
        updated: Any = None,
        user: str = SEED_ACTOR,
        version: int = 1,
    ) -> dict[str, Any]:
        return {
            "id": rid,
            "uuid": self.uuid(),
            "reference": reference,
            "title_en": title_en,
            "title_zh": title_zh,
            "releasability": releasability,
            "caveat": caveat,
            "archived": False,
            "created_at": created,
            "created_by": user,
            "updated_at": updated if updated is not None else created,
            "updated_by": user,
            "version": version,
        }

    # --- agencies and contacts -----------------------------------------------------------

    def agencies_and_contacts(self) -> None:
        self.stage(STAGES[0])
        day0 = self.T - 900
        created = self.clock.at(day0, 600)
        first = self.ids("agency", len(D.AGENCIES))
        refs = self.references("AG", [day0] * len(D.AGENCIES))
        rows = []
        for k, (abbr, side, en, zh, _domain) in enumerate(D.AGENCIES):
            rid = first + k
            self.agency[abbr] = rid
            row = self.common(rid, refs[k], en, zh, caveat="NONE", created=created)
            row.update(side=side, abbreviation=abbr)
            rows.append(row)
        self.write_records("agency", rows)

        domains = {a[0]: a[4] for a in D.AGENCIES}
        first = self.ids("contact", len(D.CONTACTS))
        refs = self.references("CT", [day0] * len(D.CONTACTS))
        rows = []
        phone = 100
        for k, (abbr, en, zh, pos_en, pos_zh, us_only) in enumerate(D.CONTACTS):
            rid = first + k
            side = "US" if domains[abbr] else "PRC"
            email = tel = ""
            if side == "US":
                email = f"{en.lower().replace(' ', '.')}@{domains[abbr]}"
                tel = f"+1 202-555-{phone:04d}"
                phone += 1
            row = self.common(
                rid,
                refs[k],
                en,
                zh,
                releasability="us_only" if us_only else "releasable",
                created=created,
            )
            row.update(
                agency_id=self.agency[abbr],
                position_en=pos_en,
                position_zh=pos_zh,
                email=email,
                phone=tel,
            )
            rows.append(row)
            info = {
                "id": rid,
                "agency": abbr,
                "agency_id": self.agency[abbr],
                "side": side,
                "en": en,
                "zh": zh,
                "pos_en": pos_en,
                "pos_zh": pos_zh,
                "person": en if side == "US" else f"{zh} {en}",
            }
            self.contacts_by_agency.setdefault(abbr, []).append(info)
            self.contact_by_name[en] = info
        self.write_records("contact", rows)

    # --- entities and substances ---------------------------------------------------------

    def entities_and_substances(self) -> None:
        self.stage(STAGES[1])
        rng = self.rng
        day0 = self.T - 850
        specs: list[dict[str, Any]] = []
        for region, zh, en, kind in D.CN_COMPANIES:
            n_en, n_zh = D.COMPANY_NOTES[kind]
            specs.append(
                dict(
                    entity_type="company",
                    title_en=en,
                    title_zh=zh,
                    uscc=make_uscc(rng, region),
                    country="China",
                    notes_en=n_en,
                    notes_zh=n_zh,
                    kind="cn_" + kind,
                )
            )
        for en, zh, country, n_en, n_zh, kind in D.FOREIGN_COMPANIES:
            specs.append(
                dict(
                    entity_type="company",
                    title_en=en,
                    title_zh=zh,
                    country=country,
                    notes_en=n_en,
                    notes_zh=n_zh,
                    kind="foreign_" + kind,
                )
            )
        for en, zh, country, n_en, n_zh in D.PERSONS:
            specs.append(
                dict(
                    entity_type="person",
                    title_en=en,
                    title_zh=zh,
                    country=country,
                    notes_en=n_en,
                    notes_zh=n_zh,
                    kind="person",
                    us_only=country != "China" or rng.random() < 0.3,
                )
            )
        for en, zh, country, url, n_en, n_zh in D.WEBSITES:
            specs.append(
                dict(
                    entity_type="website",
                    title_en=en,
                    title_zh=zh,
                    country=country,
                    url=url,
                    notes_en=n_en,
                    notes_zh=n_zh,
                    kind="website",
                )
            )
        specs.extend(self._shipments())
        for en, zh, country, n_en, n_zh in D.ACCOUNTS:
            wallet = tron_address(rng)
            specs.append(
                dict(
                    entity_type="account",
                    title_en=en,
                    title_zh=zh,
                    country=country,
                    notes_en=n_en.format(wallet=wallet),
                    notes_zh=n_zh.format(wallet=wallet),
                    kind="account",
                    us_only=rng.random() < 0.5,
                )
            )
        days = sorted(day0 + rng.randrange(0, 120) for _ in specs)
        first = self.ids("entity", len(specs))
        refs = self.references("ENT", days)
        rows = []
        for k, spec in enumerate(specs):
            rid = first + k
            us_only = spec.pop("us_only", False) or rng.random() < 0.08
            kind = spec.pop("kind")
            label_en = spec.pop("label_en", spec["title_en"])
            label_zh = spec.pop("label_zh", spec["title_zh"])
            row = self.common(
                rid,
                refs[k],
                spec["title_en"],
                spec["title_zh"],
                releasability="us_only" if us_only else "releasable",
                caveat="LES" if spec["entity_type"] in ("person", "account") else "SBU",
                created=self.clock.at(days[k], self.minute()),
                user=rng.choice(D.USERS),
            )
            row.update(uscc="", url="")
            row.update(spec)
            rows.append(row)
            thing = _Thing(rid, spec["title_en"], spec["title_zh"], kind, label_en, label_zh)
            self.things.setdefault(kind, []).append(thing)
            if kind == "person" and spec["country"] == "China":
                self.things.setdefault("person_cn", []).append(thing)
            if kind in ("cn_chem", "cn_pharma"):
                self.things.setdefault("cn_seller", []).append(thing)
        self.write_records("entity", rows)

        first = self.ids("substance", len(D.SUBSTANCES))
        refs = self.references("SUB", [day0] * len(D.SUBSTANCES))
        rows = []
        for k, (en, zh, cat, cas, us_c, prc_c, n_en, n_zh) in enumerate(D.SUBSTANCES):
            rid = first + k
            row = self.common(rid, refs[k], en, zh, caveat="NONE", created=self.clock.at(day0, 600))
            row.update(
                category=cat,
                cas_number=cas,
                us_control=us_c,
                prc_control=prc_c,
                notes_en=n_en,
                notes_zh=n_zh,
            )
            rows.append(row)
            short = D.SUBSTANCE_SHORT_EN.get(en)
            if short is None:  # common nouns in running text: "seizure of fentanyl"
                short = en[0].lower() + en[1:] if en[1:2].islower() else en
            thing = _Thing(rid, en, zh, cat, short, zh)
            self.things.setdefault("sub_" + cat, []).append(thing)
            if en in D.SCHEDULING_TARGETS:
                self.things.setdefault("sub_scheduling", []).append(thing)
        self.write_records("substance", rows)

    def _shipments(self) -> list[dict[str, Any]]:
        rng = self.rng
        out = []
        for k in range(10):
            decl_en, decl_zh = rng.choice(D.DECLARED)
            if k % 3 != 2:
                number = awb_number(rng, rng.choice(D.AWB_PREFIXES))
                (o_en, o_zh), (d_en, d_zh) = rng.choice(D.AIRPORTS_CN), rng.choice(D.AIRPORTS_DEST)
                kg = rng.choice((5, 10, 25, 50, 100, 200))
                en = f"Air cargo AWB {number}: {o_en} to {d_en}, {kg} kg declared as '{decl_en}'"
                zh = f"航空货运单{number}：{o_zh}至{d_zh}，{kg}公斤，申报品名“{decl_zh}”"
                label_en, label_zh = f"air cargo AWB {number}", f"航空货运单{number}货物"
            else:
                number = container_number(rng, rng.choice(D.CONTAINER_OWNERS))
                (o_en, o_zh), (d_en, d_zh) = rng.choice(D.PORTS_CN), rng.choice(D.PORTS_DEST)
                en = f"Container {number}: {o_en} to {d_en}, declared as '{decl_en}'"
                zh = f"集装箱{number}：{o_zh}至{d_zh}，申报品名“{decl_zh}”"
                label_en, label_zh = f"container {number}", f"集装箱{number}货物"
            out.append(
                dict(
                    entity_type="shipment",
                    title_en=en,
                    title_zh=zh,
                    country="China",
                    notes_en=f"Declared as '{decl_en}'; consignor details on file.",
                    notes_zh=f"申报品名为“{decl_zh}”；发货人信息已存档。",
                    kind="shipment",
                    label_en=label_en,
                    label_zh=label_zh,
                )
            )
        return out

    # --- filling templates --------------------------------------------------------------

    def _pick_substance(self, loe: str) -> _Thing:
        t = self.things
        pools = {
            "scheduling": t["sub_scheduling"],
            "emerging": t["sub_nitazene"] + t["sub_adulterant"],
            "equipment": t["sub_equipment"],
        }
        pool = pools.get(loe) or (t["sub_precursor"] + t["sub_opioid"][:2])
        return self.rng.choice(pool)

    def _pick_company(self, loe: str) -> _Thing:
        t = self.things
        if loe == "equipment":
            pool = t["cn_machinery"]
        elif loe == "customs":
            pool = t["cn_logistics"] + t["cn_seller"]
        elif loe == "finance":
            pool = t["cn_payments"] + t["cn_seller"]
        else:
            pool = t["cn_seller"]
        return self.rng.choice(pool)

    def fill(self, strings: Sequence[str], loe: str) -> tuple[list[str], list[int], list[int]]:
        """Format bilingual templates; returns the strings and the entities/substances used."""
        rng = self.rng
        values: dict[str, str] = {"kg": str(rng.choice((2, 5, 10, 25, 40, 60, 120, 500)))}
        ents: list[int] = []
        subs: list[int] = []
        keys = set()
        for s in strings:
            keys.update(_PLACEHOLDER.findall(s))
        for key in sorted(keys):
            if key == "sub":
                thing = self._pick_substance(loe)
                subs.append(thing.id)
            else:
                if key == "co":
                    thing = self._pick_company(loe)
                elif key == "fco":
                    thing = rng.choice(self.things["foreign_mx"] + self.things["foreign_us"])
                elif key == "mx":
                    thing = rng.choice(self.things["foreign_mx"])
                elif key == "person":
                    thing = rng.choice(self.things["person"])
                elif key == "cnp":
                    thing = rng.choice(self.things["person_cn"])
                elif key == "site":
                    thing = rng.choice(self.things["website"])
                elif key == "shp":
                    thing = rng.choice(self.things["shipment"])
                elif key == "acct":
                    thing = rng.choice(self.things["account"])
                else:
                    raise KeyError(key)
                ents.append(thing.id)
            values[f"{key}_en"] = thing.label_en or thing.en
            values[f"{key}_zh"] = thing.label_zh or thing.zh
        out = [s.format(**values) for s in strings]
        out = [s[0].upper() + s[1:] if s[:1].islower() else s for s in out]
        return out, ents, subs

    # --- meetings ---------------------------------------------------------------------------

    def meetings(self) -> None:
        self.stage(STAGES[2])
        rng, T = self.rng, self.T
        days = []
        d = T - 730 + rng.randrange(0, 15)
        while True:
            if d >= T:
                days.append(max(d, T + 10))  # the next meeting, still being planned
                break
            days.append(d)
            d += rng.randint(42, 56)
        loes = [w for w in D.AGENDA_TOPICS]
        first = self.ids("meeting", len(days))
        refs = self.references("MTG", [min(day - 40, T - 1) for day in days])
        rows, attendees, agenda, decisions = [], [], [], []
        plenaries = 0
        self.meeting_info: list[dict[str, Any]] = []
        for k, day in enumerate(days):
            rid = first + k
            kind = ("plenary", "technical", "video")[k % 3]
            loe = rng.choice(loes)
            if kind == "plenary":
                plenaries += 1
                place = D.PLENARY_PLACES[plenaries % 2]
                n_en = D.ORDINALS_EN[plenaries - 1] if plenaries <= 12 else f"{plenaries}th"
                title_en = f"US-China Counternarcotics Working Group, {n_en} plenary meeting"
                title_zh = f"中美禁毒合作工作组第{number_zh(plenaries)}次全体会议"
                local = dtime(9, 30)
            elif kind == "technical":
                place = rng.choice(D.TECHNICAL_PLACES)
                title_en = f"Technical session: {word('line_of_effort', loe, 'en').lower()}"
                title_zh = f"技术会议：{word('line_of_effort', loe, 'zh')}"
                local = dtime(9, 30)
            else:
                place = D.VIDEO_PLACE
                title_en = "Video call: follow-up on open referrals"
                title_zh = "视频会议：未结线索跟进"
                local = dtime(20, 30)
            starts = datetime.combine(date.fromordinal(day), local, ZoneInfo(place[2]))
            starts_utc = starts.astimezone(UTC)
            s_en, s_zh = D.MEETING_SUMMARIES[kind]
            s_en = s_en.format(loe_en=word("line_of_effort", loe, "en").lower())
            s_zh = s_zh.format(loe_zh=word("line_of_effort", loe, "zh"))
            # history: planned -> agenda circulated -> held -> minutes approved
            created_day = min(day - 40, T - 1)
            events: list[tuple[int, str | None, str]] = [(created_day, None, "planned")]
            if day < T:  # the next meeting (day >= T + 10) is still only planned
                events.append((day - 10, "planned", "agenda_circulated"))
                events.append((day, "agenda_circulated", "held"))
                approved = day + rng.randint(14, 28)
                if approved < T:
                    events.append((approved, "held", "minutes_approved"))
            status = events[-1][2]
            user = rng.choice(D.USERS)
            first_at, last_at = self.add_history("meeting", rid, events, user)
            row = self.common(
                rid,
                refs[k],
                title_en,
                title_zh,
                created=first_at,
                updated=last_at,
                user=user,
                version=len(events),
            )
            row.update(
                status=status,
                line_of_effort=loe,
                meeting_type=kind,
                starts_at=self.clock.instant(starts_utc),
                place_en=place[0],
                place_zh=place[1],
                summary_en=s_en,
                summary_zh=s_zh,
            )
            rows.append(row)
            self.meeting_info.append(
                {"id": rid, "day": day, "status": status, "kind": kind, "loe": loe}
            )
            attendees.extend(self._attendees(rid, kind, loe))
            agenda.extend(self._agenda(rid, kind, loe))
            if status in ("held", "minutes_approved"):
                for pos, (t_en, t_zh, us_only) in enumerate(
                    rng.sample(D.DECISIONS, rng.randint(2, 4))
                ):
                    decisions.append(
                        (
                            self.ids("decision", 1),
                            rid,
                            pos,
                            t_en,
                            t_zh,
                            "us_only" if us_only else "releasable",
                        )
                    )
        self.write_records("meeting", rows)
        self.w.insert("meeting_attendee", attendees)
        self.w.insert("agenda_item", agenda)
        self.w.insert("decision", decisions)

    _HEADS: dict[str, tuple[str, str]] = {
        "plenary": ("Patricia Lee", "Huang Guoqing"),
        "video": ("Michael Carter", "Yang Wenjing"),
        "law_enforcement": ("Michael Carter", "Zhang Xiaoming"),
        "scheduling": ("David Reynolds", "Chen Lihua"),
        "equipment": ("Robert Morales", "Chen Lihua"),
        "finance": ("Maria Patel", "Lin Zhiyuan"),
        "online": ("Robert Morales", "Luo Xiaofeng"),
        "customs": ("Emily Sullivan", "Xu Jing"),
        "emerging": ("Michael Carter", "Zhang Xiaoming"),
        "multilateral": ("Kevin Price", "Zhou Hongmei"),
    }
    _CORE: dict[str, tuple[str, ...]] = {
        "plenary": (
            "Rachel Coleman",
            "Michael Carter",
            "Jennifer Brooks",
            "Karen Foster",
            "Wang Jianguo",
            "Li Zhiqiang",
            "Wu Lei",
            "Ma Yanan",
        ),
        "technical": ("Angela Ortiz", "Zhao Zhenhua"),
        "video": ("Angela Ortiz", "Jennifer Brooks", "Zhao Zhenhua", "Liu Haitao"),
    }

    def _attendees(self, meeting_id: int, kind: str, loe: str) -> list[tuple[Any, ...]]:
        rng = self.rng
        heads = self._HEADS.get(kind) or self._HEADS[loe]
        chosen = list(dict.fromkeys([*heads, *self._CORE[kind]]))
        size = {"plenary": 7, "technical": 4, "video": 3}[kind] + rng.randint(0, 2)
        for side in ("US", "PRC"):
            pool = [
                c["en"]
                for c in self.contact_by_name.values()
                if c["side"] == side and c["en"] not in chosen
            ]
            have = sum(1 for n in chosen if self.contact_by_name[n]["side"] == side)
            chosen.extend(rng.sample(pool, max(0, min(len(pool), size - have))))
        out = []
        pos = 0
        for side in ("US", "PRC"):
            names = [n for n in chosen if self.contact_by_name[n]["side"] == side]
            for name in names:
                c = self.contact_by_name[name]
                out.append(
                    (
                        self.ids("meeting_attendee", 1),
                        meeting_id,
                        c["id"],
                        c["agency_id"],
                        side,
                        c["en"],
                        c["zh"],
                        c["pos_en"],
                        c["pos_zh"],
                        name in heads,
                        pos,
                    )
                )
                pos += 1
        return out

    def _agenda(self, meeting_id: int, kind: str, loe: str) -> list[tuple[Any, ...]]:
        rng = self.rng
        items: list[tuple[str, str, str, str, str]] = []
        if kind == "plenary" or (kind == "technical" and rng.random() < 0.5):
            items.append((*D.AGENDA_PREBRIEF, "", "", "us_only"))
        items.append((*D.AGENDA_OPENING, "", "", "releasable"))
        items.append((*D.AGENDA_REVIEW, "", "", "releasable"))
        items.append((*D.AGENDA_REFERRALS, "", "", "releasable"))
        topics = list(D.AGENDA_TOPICS[loe])
        if kind == "plenary":
            other = rng.choice([k for k in D.AGENDA_TOPICS if k != loe])
            topics.append(rng.choice(D.AGENDA_TOPICS[other]))
        for t_en, t_zh in topics[: 1 if kind == "video" else 3]:
            side_en, side_zh = rng.choice((("US", "美方"), ("PRC", "中方")))
            items.append(
                (
                    t_en,
                    t_zh,
                    f"Presentation by the {side_en} side, followed by discussion.",
                    f"由{side_zh}介绍情况，随后讨论。",
                    "releasable",
                )
            )
        items.append((*D.AGENDA_CLOSING, "", "", "releasable"))
        return [
            (self.ids("agenda_item", 1), meeting_id, pos, *item) for pos, item in enumerate(items)
        ]

    # --- cases --------------------------------------------------------------------------------

    def cases(self) -> None:
        self.stage(STAGES[3])
        rng, T = self.rng, self.T
        loes = list(D.CASE_TEMPLATES)
        leads = {
            "law_enforcement": ("DEA", "HSI", "FBI"),
            "scheduling": ("DEA",),
            "equipment": ("HSI", "DEA"),
            "finance": ("FinCEN", "OFAC", "HSI"),
            "online": ("HSI", "DEA", "FDA"),
            "customs": ("CBP", "HSI"),
            "emerging": ("DEA", "FDA"),
            "multilateral": ("State INL", "ONDCP"),
        }
        specs = []
        for k in range(self.n["case"]):
            loe = loes[k % len(loes)] if k < len(loes) else rng.choice(loes)
            opened = T - rng.randint(45, 1000)
            specs.append((opened, self.minute(), loe))
        specs.sort()
        first = self.ids("case", len(specs))
        refs = self.references("CASE", [s[0] for s in specs])
        rows, links_e, links_s = [], [], []
        self.case_info: list[dict[str, Any]] = []
        outcomes = ("prosecution", "disruption", "no_further_action")
        for k, (opened, _minute, loe) in enumerate(specs):
            rid = first + k
            tpl = rng.choice(D.CASE_TEMPLATES[loe])
            (t_en, t_zh, s_en, s_zh), ents, subs = self.fill(tpl, loe)
            related = {
                "law_enforcement": ("person", "website", "account"),
                "equipment": ("shipment", "foreign_us", "foreign_mx"),
                "finance": ("account", "person", "foreign_hk"),
                "online": ("website",),
                "customs": ("shipment", "foreign_mx"),
            }.get(loe, ())
            for kind in related:
                if rng.random() < 0.6:
                    ents.append(rng.choice(self.things[kind]).id)
            events = self._case_path(opened)
            status = events[-1][2]
            closed_on = events[-1][0] if status == "closed" else None
            outcome = None
            if status == "closed":
                outcome = "scheduled" if loe == "scheduling" else rng.choice(outcomes)
            us_only = rng.random() < US_ONLY_SHARE
            user = rng.choice(D.USERS)
            first_at, last_at = self.add_history("case", rid, events, user)
            row = self.common(
                rid,
                refs[k],
                t_en,
                t_zh,
                releasability="us_only" if us_only else "releasable",
                caveat="LES" if loe in ("law_enforcement", "finance") else "SBU",
                created=first_at,
                updated=last_at,
                user=user,
                version=len(events),
            )
            row.update(
                status=status,
                outcome=outcome,
                line_of_effort=loe,
                lead_agency_id=self.agency[rng.choice(leads[loe])],
                summary_en=s_en,
                summary_zh=s_zh,
                opened_on=self.clock.day(opened),
                closed_on=self.clock.day(closed_on),
            )
            rows.append(row)
            links_e.extend((rid, e) for e in dict.fromkeys(ents))
            links_s.extend((rid, s) for s in dict.fromkeys(subs))
            self.case_info.append(
                {
                    "id": rid,
                    "opened": opened,
                    "closed": closed_on,
                    "us_only": us_only,
                    "loe": loe,
                }
            )
        self.write_records("case", rows)
        self.w.insert("case_entity", links_e)
        self.w.insert("case_substance", links_s)
        self.case_opened = [c["opened"] for c in self.case_info]

    def _case_path(self, opened: int) -> list[tuple[int, str | None, str]]:
        rnd, T = self.rng.random, self.T
        ev: list[tuple[int, str | None, str]] = [(opened, None, "open")]
        t = opened
        if rnd() < 0.08:
            ev.append((t + 20 + int(rnd() * 70), "open", "closed"))
        elif rnd() < 0.95:
            t += 3 + int(rnd() * 40)
            ev.append((t, "open", "active"))
            state = "active"
            if rnd() < 0.25:
                t += 60 + int(rnd() * 200)
                ev.append((t, "active", "suspended"))
                state = "suspended"
                if rnd() < 0.6:
                    t += 30 + int(rnd() * 120)
                    ev.append((t, "suspended", "active"))
                    state = "active"
            if rnd() < 0.4:
                t += 120 + int(rnd() * 400)
                ev.append((t, state, "closed"))
                if rnd() < 0.2:
                    t += 30 + int(rnd() * 200)
                    ev.append((t, "closed", "reopened"))
                    if rnd() < 0.5:
                        t += 1 + int(rnd() * 10)
                        ev.append((t, "reopened", "active"))
        return [e for i, e in enumerate(ev) if i == 0 or e[0] < T]

    # --- referrals ----------------------------------------------------------------------------

    def _referral_pool(self) -> dict[tuple[str, str], list[_Fill]]:
        pool: dict[tuple[str, str], list[_Fill]] = {}
        for key, templates in D.REFERRAL_TEMPLATES.items():
            fills = []
            for k in range(24):
                t_en, t_zh, s_en, s_zh, loe = templates[k % len(templates)]
                (a, b, c, d), ents, subs = self.fill((t_en, t_zh, s_en, s_zh), loe)
                fills.append(_Fill(a, b, c, d, loe, tuple(ents), tuple(subs)))
            pool[key] = fills
        return pool

    def referrals(self) -> None:
        self.stage(STAGES[4])
        rng, T, clock = self.rng, self.T, self.clock
        rnd = rng.random
        pool = self._referral_pool()
        n = self.n["referral"]
        specs = []
        for _ in range(n):
            direction = "US_TO_PRC" if rnd() < 0.6 else "PRC_TO_US"
            rtype = rng.choice(("lead", "lead", "assistance", "scheduling", "seizure",
                                "financial", "takedown"))  # fmt: skip
            created = T - 1 - int(730 * rnd())
            specs.append((created, direction, rtype))
        specs.sort()
        first = self.ids("referral", n)
        self.ref_first = first
        refs = self.references("REF", [s[0] for s in specs])
        prc_agencies = {a[0] for a in D.AGENCIES if a[1] == "PRC"}
        self.ref_day: list[int] = []
        self.ref_us_only: list[bool] = []
        self.ref_direction: list[str] = []
        self.ref_status: list[str] = []
        rows: list[tuple[Any, ...]] = []
        links_e: list[tuple[int, int]] = []
        links_s: list[tuple[int, int]] = []
        cols = COLUMNS["referral"]
        sources, infos = "AABBBBBCXXX", "1122223334"
        for k, (created, direction, rtype) in enumerate(specs):
            rid = first + k
            fill = rng.choice(pool[(direction, rtype)])
            senders, receivers = D.REFERRAL_AGENCIES[(direction, rtype)]
            sender, receiver = rng.choice(senders), rng.choice(receivers)
            events, dup = self._referral_path(direction, created, k)
            status = events[-1][2]
            on = {dst: day for day, _src, dst in events}
            sent_on = on.get("sent", on.get("received"))
            case_id = None
            us_only = rnd() < US_ONLY_SHARE + (0.15 if rtype == "financial" else 0.0)
            if rnd() < 0.45:
                idx = bisect_right(self.case_opened, created)
                if idx:
                    case = self.case_info[int(rnd() * idx)]
                    case_id = case["id"]
                    us_only = us_only or case["us_only"]
            marking = "us_only" if us_only else "releasable"
            if status == "draft" and rnd() < 0.4:
                marking = None  # not yet marked: counts as US only
            prc_side = receiver if direction == "US_TO_PRC" else sender
            counterpart_ref = ""
            ref_day = on.get("acknowledged") if direction == "US_TO_PRC" else sent_on
            if ref_day is not None and prc_side in prc_agencies:
                counterpart_ref = (
                    f"{D.PRC_REF_STEMS[prc_side]}〔{_Clock.year(ref_day)}〕{rng.randint(1, 999)}号"
                )
            graded = status != "draft" or rnd() < 0.5
            user = rng.choice(D.USERS)
            first_at, last_at = self.add_history("referral", rid, events, user)
            row = self.common(
                rid,
                refs[k],
                fill.title_en,
                fill.title_zh,
                releasability=marking,
                caveat="LES" if rtype in ("lead", "financial") else "SBU",
                created=first_at,
                updated=last_at,
                user=user,
                version=len(events),
            )
            if status in ("closed", "withdrawn", "duplicate") and rnd() < 0.02:
                row["archived"] = True
            row.update(
                status=status,
                outcome=rng.choice(D.REFERRAL_OUTCOMES[rtype]) if status == "closed" else None,
                line_of_effort=fill.loe,
                direction=direction,
                referral_type=rtype,
                sending_agency_id=self.agency[sender],
                receiving_agency_id=self.agency[receiver],
                case_id=case_id,
                duplicate_of_id=dup if status == "duplicate" else None,
                sent_on=clock.day(sent_on),
                acknowledged_on=clock.day(on.get("acknowledged")),
                answered_on=clock.day(on.get("responded")),
                response_due=clock.day(
                    sent_on + D.REFERRAL_DUE_DAYS[rtype] if sent_on is not None else None
                ),
                counterpart_ref=counterpart_ref,
                source_grade=rng.choice(sources) if graded else None,
                info_grade=rng.choice(infos) if graded else None,
                summary_en=fill.text_en,
                summary_zh=fill.text_zh,
            )
            rows.append(tuple(row[c] for c in cols))
            self.add_search("referral", rid, body_for("referral", row))
            links_e.extend((rid, e) for e in fill.entities)
            links_s.extend((rid, s) for s in fill.substances)
            self.ref_day.append(sent_on if sent_on is not None else created)
            self.ref_us_only.append(marking != "releasable")
            self.ref_direction.append(direction)
            self.ref_status.append(status)
            if len(rows) >= BATCH:
                self.w.insert("referral", rows)
                rows = []
        self.w.insert("referral", rows)
        self.w.insert("referral_entity", links_e)
        self.w.insert("referral_substance", links_s)
        self.records["referral"] = n
        self._meeting_links()

    def _referral_path(
        self, direction: str, created: int, index: int
    ) -> tuple[list[tuple[int, str | None, str]], int | None]:
        rnd, T = self.rng.random, self.T
        ev: list[tuple[int, str | None, str]] = [(created, None, "draft")]
        if T - created < 21 and rnd() < 0.35:
            return ev, None  # a recent draft awaiting clearance
        outgoing = direction == "US_TO_PRC"
        first = "sent" if outgoing else "received"
        t = created + (0, 0, 0, 1, 1, 2, 3, 5)[int(rnd() * 8)]
        ev.append((t, "draft", first))
        state = first
        if rnd() < 0.88:
            t += 1 + int(rnd() * (20 if outgoing else 4))
            ev.append((t, state, "acknowledged"))
            state = "acknowledged"
            if rnd() < 0.65:
                t += 1 + int(rnd() * 14)
                ev.append((t, state, "under_verification"))
                state = "under_verification"
                if rnd() < 0.25:
                    t += 5 + int(rnd() * 25)
                    ev.append((t, state, "info_requested"))
                    state = "info_requested"
                    if rnd() < 0.8:
                        t += 5 + int(rnd() * 40)
                        ev.append((t, state, "under_verification"))
                        state = "under_verification"
            if state != "info_requested" and rnd() < 0.78:
                t += 10 + int(rnd() * 80)
                ev.append((t, state, "responded"))
                if rnd() < 0.85:
                    t += 3 + int(rnd() * 30)
                    ev.append((t, "responded", "closed"))
        dup = None
        x = rnd()
        if x < 0.04 or (x < 0.07 and index > 0):
            cut = 1 + int(rnd() * min(len(ev), 3))
            ev = ev[:cut]
            target = "withdrawn" if x < 0.04 else "duplicate"
            ev.append((ev[-1][0] + 1 + int(rnd() * 30), ev[-1][2], target))
            if target == "duplicate":
                dup = self.ref_first + int(rnd() * index)  # an earlier referral
        return [e for i, e in enumerate(ev) if i == 0 or e[0] < T], dup

    def _meeting_links(self) -> None:
        """Referrals and cases discussed at each meeting."""
        rng = self.rng
        mr, mc = [], []
        prev = self.T - 800
        order = sorted(range(len(self.ref_day)), key=self.ref_day.__getitem__)
        days = [self.ref_day[i] for i in order]
        for m in self.meeting_info:
            lo, hi = bisect_right(days, prev), bisect_right(days, m["day"])
            candidates = order[lo:hi]  # sent or received since the previous meeting
            for i in rng.sample(candidates, min(len(candidates), rng.randint(5, 14))):
                mr.append((m["id"], self.ref_first + i))
            cases = [c["id"] for c in self.case_info if c["opened"] < m["day"] and (
                c["closed"] is None or c["closed"] > prev)]  # fmt: skip
            for cid in rng.sample(cases, min(len(cases), rng.randint(2, 5))):
                mc.append((m["id"], cid))
            prev = m["day"]
        self.w.insert("meeting_referral", sorted(set(mr)))
        self.w.insert("meeting_case", sorted(set(mc)))

    # --- action items -----------------------------------------------------------------------

    def _action_pool(self) -> list[_Fill]:
        pool = []
        for side, agencies, loe, t_en, t_zh, d_en, d_zh in D.ACTION_TEMPLATES:
            for _ in range(20):
                (a, b, c, d), ents, subs = self.fill((t_en, t_zh, d_en, d_zh), loe)
                owners = []
                for abbr in agencies:
                    for contact in self.contacts_by_agency.get(abbr, []):
                        owners.append((self.agency[abbr], contact["person"]))
                pool.append(
                    _Fill(
                        a, b, c, d, loe, tuple(ents), tuple(subs), {"side": side, "owners": owners}
                    )
                )
        return pool

    def action_items(self) -> None:
        self.stage(STAGES[5])
        rng, T, clock = self.rng, self.T, self.clock
        rnd = rng.random
        n = self.n["action_item"]
        pool = self._action_pool()
        held = [m for m in self.meeting_info if m["day"] < T]
        n_ref = len(self.ref_day)
        # phase 1: origin and creation day of each item, then sort by creation
        specs: list[tuple[int, int, int, int]] = []
        for _ in range(n):
            x = rnd()
            if x < 0.45 and held:
                mi = int(rnd() * len(held))
                day = min(held[mi]["day"] + int(rnd() * 3), T - 1)
                specs.append((day, 0, mi, int(rnd() * len(pool))))
            elif x < 0.85 and n_ref:
                ri = int(rnd() * n_ref)
                day = min(self.ref_day[ri] + 1 + int(rnd() * 20), T - 1)
                specs.append((day, 1, ri, int(rnd() * len(pool))))
            else:
                ci = int(rnd() * len(self.case_info))
                opened = self.case_info[ci]["opened"]
                day = opened + int(rnd() * max(1, min(400, T - 1 - opened)))
                specs.append((day, 2, ci, int(rnd() * len(pool))))
        specs.sort()
        first = self.ids("action_item", n)
        refs = self.references("AI", [s[0] for s in specs])
        # phase 2: rows, history and search bodies, written in batches
        cols = COLUMNS["action_item"]
        assert cols[:13] == COMMON
        rows: list[tuple[Any, ...]] = []
        due_choices = (14, 21, 30, 30, 30, 45, 60, 60, 90)
        users = D.USERS
        day_of = clock.day
        statuses: dict[str, int] = {}
        uuid_bits = self.uuid_rng.getrandbits
        for k, (created, kind, idx, pi) in enumerate(specs):
            rid = first + k
            fill = pool[pi]
            side = fill.extra["side"]
            agency_id, person = fill.extra["owners"][int(rnd() * len(fill.extra["owners"]))]
            due = created + due_choices[int(rnd() * 9)]
            events = self._action_path(created, due)
            status = events[-1][2]
            statuses[status] = statuses.get(status, 0) + 1
            origin_m = origin_c = origin_r = None
            parent_us_only = False
            if kind == 0:
                origin_m = held[idx]["id"]
            elif kind == 1:
                origin_r = self.ref_first + idx
                parent_us_only = self.ref_us_only[idx]
            else:
                origin_c = self.case_info[idx]["id"]
                parent_us_only = self.case_info[idx]["us_only"]
            us_only = parent_us_only or rnd() < US_ONLY_SHARE
            user = users[int(rnd() * 8)]
            first_at, last_at = self.add_history("action_item", rid, events, user)
            title_en, title_zh = fill.title_en, fill.title_zh
            if rnd() < 0.6:  # many items say all in their title
                desc_en, desc_zh = fill.text_en, fill.text_zh
            else:
                desc_en = desc_zh = ""
            rows.append(
                (
                    rid,
                    uuid4_text(uuid_bits(128)),
                    refs[k],
                    title_en,
                    title_zh,
                    "us_only" if us_only else "releasable",
                    "LES" if fill.loe in ("law_enforcement", "finance") else "SBU",
                    False,
                    first_at,
                    user,
                    last_at,
                    user,
                    len(events),
                    status,
                    fill.loe,
                    side,
                    agency_id,
                    person,
                    day_of(due),
                    day_of(events[-1][0]) if status == "done" else None,
                    origin_m,
                    origin_c,
                    origin_r,
                    desc_en,
                    desc_zh,
                )
            )
            if self.ai_text_fields_ok:  # what body_for gives, without a dict per row
                if desc_en:
                    body = "\n".join((refs[k], title_en, title_zh, person, desc_en, desc_zh))
                else:
                    body = "\n".join((refs[k], title_en, title_zh, person))
            else:
                body = body_for("action_item", dict(zip(cols, rows[-1], strict=True)))
            self.search_rows.append((self.ids(SEARCH_TABLE, 1), "action_item", rid, body))
            if len(rows) >= BATCH:
                self.w.insert("action_item", rows)
                rows = []
                self.flush_search()
        self.w.insert("action_item", rows)
        self.records["action_item"] = n

    def _action_path(self, created: int, due: int) -> list[tuple[int, str | None, str]]:
        rnd, T = self.rng.random, self.T
        ev: list[tuple[int, str | None, str]] = [(created, None, "open")]
        span = max(3, due - created)
        t = created
        state = "open"
        if rnd() < 0.8:
            t += 1 + int(rnd() * min(span, 20))
            ev.append((t, state, "in_progress"))
            state = "in_progress"
            if rnd() < 0.15:
                t += 3 + int(rnd() * 25)
                ev.append((t, state, "blocked"))
                state = "blocked"
                if rnd() < 0.6:
                    t += 3 + int(rnd() * 30)
                    ev.append((t, state, "in_progress"))
                    state = "in_progress"
        fate = rnd()
        if fate < 0.05:
            t += 1 + int(rnd() * span)
            ev.append((t, state, "cancelled"))
        elif fate < 0.87:
            t = max(t + 1, created + int(span * (0.4 + rnd() * 0.9)))
            ev.append((t, state, "done"))
            if rnd() < 0.03:
                t += 3 + int(rnd() * 30)
                ev.append((t, "done", "open"))
        if ev[-1][0] < T:
            return ev
        return [e for i, e in enumerate(ev) if i == 0 or e[0] < T]

    # --- search index, counters, sequences, audit -----------------------------------------

    def begin_bulk_search(self) -> None:
        """SQLite: take the FTS trigger off; each flushed chunk is indexed in one statement.

        Row-by-row trigger inserts into the trigram index cost ~3x more than
        ``INSERT INTO search_fts SELECT ...`` per chunk. The trigger is put back at the end,
        in the same transaction, from its own SQL in ``sqlite_master``.
        """
        if not self.sqlite:
            return
        trigger_sql = self.w.scalar(
            "SELECT sql FROM sqlite_master WHERE type='trigger' AND name='search_text_ai'"
        )
        if not (trigger_sql and "search_fts" in trigger_sql):
            return
        self.trigger_sql = str(trigger_sql)
        self.w.execute("DROP TRIGGER search_text_ai")
        self.fts_tuned = self.n["action_item"] + self.n["referral"] > 50_000
        if self.fts_tuned:  # fewer, larger segment merges while loading
            self.w.execute("INSERT INTO search_fts(search_fts, rank) VALUES('automerge', 16)")
            self.w.execute("INSERT INTO search_fts(search_fts, rank) VALUES('crisismerge', 64)")

    def end_bulk_search(self) -> None:
        self.stage(STAGES[6])
        self.flush_search()
        self.flush_history()
        if self.trigger_sql is None:
            return
        if self.fts_tuned:  # back to FTS5's defaults
            self.w.execute("INSERT INTO search_fts(search_fts, rank) VALUES('automerge', 4)")
            self.w.execute("INSERT INTO search_fts(search_fts, rank) VALUES('crisismerge', 16)")
        self.w.execute(self.trigger_sql)

    # A large load builds the secondary indexes of the big tables once, after the rows.
    DEFERRED_INDEX_TABLES = ("search_text", "action_item", "status_change", "referral")

    def defer_indexes(self) -> None:
        """Large loads: drop the non-unique secondary indexes of the big tables.

        Maintaining an index row by row in random key order (a title, a person, the
        pg_trgm GIN index on ``search_text``) costs far more than building it once from
        sorted keys: on PostgreSQL the GIN index alone took 144 of 255 s for 1M action
        items. The indexes are rebuilt in ``rebuild_indexes`` from their own definitions
        (``sqlite_master.sql``, ``pg_get_indexdef``) in the same transaction, so a failed
        load rolls the drops back. Unique and constraint indexes stay.
        """
        self.deferred: list[tuple[str, str]] = []
        if self.n["action_item"] < LARGE_LOAD or not DEFER_INDEXES:
            return
        tables = self.DEFERRED_INDEX_TABLES
        cur = self.w.raw.cursor()
        try:
            if self.sqlite:
                marks = ", ".join("?" * len(tables))
                cur.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                    f"AND tbl_name IN ({marks}) AND sql IS NOT NULL ORDER BY name",
                    tables,
                )
                found = [
                    (str(n), str(d))
                    for n, d in cur.fetchall()
                    if not str(d).upper().startswith("CREATE UNIQUE")
                ]
            else:
                cur.execute(
                    "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                    "JOIN pg_class c ON c.oid = i.indexrelid "
                    "JOIN pg_class t ON t.oid = i.indrelid "
                    "WHERE t.relname = ANY(%s) "
                    "AND t.relnamespace = current_schema()::regnamespace "
                    "AND NOT i.indisunique AND NOT i.indisprimary AND NOT EXISTS "
                    "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) "
                    "ORDER BY c.relname",
                    (list(tables),),
                )
                found = [(str(n), str(d)) for n, d in cur.fetchall()]
                cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for name, _ddl in found:
                cur.execute(f"DROP INDEX {_q(name)}")
            self.deferred = found
        finally:
            cur.close()

    def rebuild_indexes(self) -> None:
        for _name, ddl in self.deferred:
            self.w.execute(ddl, label="(rebuild indexes)")

    def finish(self) -> None:
        self.stage(STAGES[7])
        self.rebuild_indexes()
        if self.w.dialect == "postgresql":
            for table in (*ID_TABLES, SEARCH_TABLE):
                self.w.execute(
                    f"SELECT setval(pg_get_serial_sequence('{_q(table)}', 'id'), "
                    f"GREATEST(MAX(id), 1), MAX(id) IS NOT NULL) FROM {_q(table)}"
                )
        self.tables = dict(self.w.rows)
        changes = {
            "records": dict(self.records),
            "rows": {t: n for t, n in self.tables.items() if n},
            "seed": self.seed_value,
            "today": date.fromordinal(self.T).isoformat(),
            "scale": self.scale_value,
        }
        _audit_seed(self.session, changes)

    def run(self) -> SeedResult:
        start = time.perf_counter()
        self.begin_bulk_search()
        self.defer_indexes()
        for name, step in (
            ("agencies and contacts", self.agencies_and_contacts),
            ("entities and substances", self.entities_and_substances),
            ("meetings", self.meetings),
            ("cases", self.cases),
            ("referrals", self.referrals),
            ("action items", self.action_items),
        ):
            t0 = time.perf_counter()
            step()
            self.seconds[name] = time.perf_counter() - t0
        t0 = time.perf_counter()
        self.end_bulk_search()
        self.seconds["search index"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        self.finish()
        self.seconds["finishing"] = time.perf_counter() - t0
        return SeedResult(
            records={rt: self.records.get(rt, 0) for rt in RECORD_TABLES},
            tables=self.tables,
            seconds=self.seconds,
            total_seconds=time.perf_counter() - start,
            table_seconds=dict(self.w.seconds),
            table_cpu=dict(self.w.cpu),
        )


def _audit_seed(session: Session, changes: dict[str, Any]) -> None:
    """One audit event for the whole load, chained by ``audit.append`` when it exists."""
    try:
        from workinggroup_app.audit import trail
    except ImportError:  # the audit module is not there yet: an unchained row
        from workinggroup_app.domain.models import AuditEvent

        session.add(
            AuditEvent(
                actor=SEED_ACTOR,
                action="seed",
                changes=json.dumps(changes, ensure_ascii=False, sort_keys=True),
                prev_hash="",
                hash="",
            )
        )
        session.flush()
        return
    trail.append(session, actor=SEED_ACTOR, action="seed", changes=changes)


# --- the entry points ---------------------------------------------------------------------


def _sqlite_bulk_settings(raw: Any, big: bool) -> Callable[[], None]:
    """Settings for a large load on SQLite; returns the function that restores them.

    A larger page cache while loading. And, for a large load when this connection is the
    only one on the file, a rollback journal instead of WAL: a transaction of gigabytes
    written through the WAL is written twice (WAL, then checkpoint at commit); with a
    rollback journal the pages go into the file once (1M action items: about 10% faster).
    Rollback stays safe: the journal keeps the pages' old contents. Any other connection
    (the application's own, another process) keeps the switch from happening, and the
    load runs in WAL as usual. WAL is set back afterwards (and by every new connection).
    While such a load runs, another process opening the file waits for it (up to its busy
    timeout) instead of reading alongside: large loads are for benchmarks, not the GUI.
    """
    cache = raw.execute("PRAGMA cache_size").fetchone()[0]
    raw.execute(f"PRAGMA cache_size=-{int(SQLITE_CACHE_KB_LARGE if big else SQLITE_CACHE_KB)}")
    switched = False
    if big and raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        timeout = raw.execute("PRAGMA busy_timeout").fetchone()[0]
        raw.execute("PRAGMA busy_timeout=0")  # never wait for other connections here
        try:
            switched = raw.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete"
        except Exception:  # locked by another connection: stay in WAL
            switched = False
        finally:
            raw.execute(f"PRAGMA busy_timeout={int(timeout)}")

    def restore() -> None:
        raw.execute(f"PRAGMA cache_size={int(cache)}")
        if switched:
            raw.execute("PRAGMA journal_mode=WAL")

    return restore


def seed_detailed(
    db: Any,
    *,
    scale: int | None = None,
    seed: int = 2024,
    progress: Progress | None = None,
    today: date | None = None,
) -> SeedResult:
    """Like ``seed``, returning rows per table and seconds per stage as well."""
    today = today or date.today()
    big = scale is not None and scale >= LARGE_LOAD
    if big and db.engine.dialect.name == "sqlite":
        # Close idle pooled connections (the write engine's and the read engine's) so the
        # load may switch to a rollback journal; connections in use elsewhere stay open
        # and keep it in WAL.
        for engine in {
            id(e): e for e in (db.engine, getattr(db, "read_engine", None)) if e
        }.values():
            engine.dispose()
    with db.engine.connect() as conn:
        raw = conn.connection.driver_connection  # no transaction begun yet
        restore = _sqlite_bulk_settings(raw, big) if conn.dialect.name == "sqlite" else None
        try:
            with Session(bind=conn, expire_on_commit=False) as session:
                try:
                    seeder = _Seeder(
                        session, scale=scale, seed=seed, today=today, progress=progress
                    )
                    result = seeder.run()
                    t0 = time.perf_counter()
                    session.commit()
                    result.seconds["commit"] = time.perf_counter() - t0
                    result.total_seconds += result.seconds["commit"]
                except BaseException:
                    session.rollback()
                    raise
        finally:
            if restore is not None:
                restore()
    if progress is not None:
        progress("done", len(STAGES), len(STAGES))
    log.info("demo data loaded in %.1f s: %s", result.total_seconds, result.records)
    return result


def seed(
    db: Any,
    *,
    scale: int | None = None,
    seed: int = 2024,
    progress: Progress | None = None,
    today: date | None = None,
) -> dict[str, int]:
    """Load the demo data set into ``db`` (a ``db.Database``); returns records per type.

    ``scale=None`` gives the everyday set (two years of meetings, 40 cases, 250
    referrals, 600 action items); ``scale=N`` gives N action items and N/10 referrals.
    ``seed`` and ``today`` make it deterministic. ``progress(label, done, total)`` is
    called as each stage starts.
    """
    return seed_detailed(db, scale=scale, seed=seed, progress=progress, today=today).records
