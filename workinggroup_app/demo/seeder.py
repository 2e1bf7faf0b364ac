"""The seed itself: one ``Seeder`` per load, stage by stage (reference data, meetings, cases,
referrals, action items, search index), writing rows in bulk inside one transaction.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from workinggroup_app.demo.catalogue import load
from workinggroup_app.demo.tables import (
    COLUMNS,
    ID_TABLES,
    RECORD_TABLES,
    SEARCH_TABLE,
    text_fields,
)
from workinggroup_app.demo.writer import BATCH, BulkWriter, Clock, Thing, quote_name, uuid4_text
from workinggroup_app.services.reference_data import TYPES, MergeReport, ShippedData
from workinggroup_app.storage.reference_numbers import format_reference, reserve_block
from workinggroup_app.storage.search_index import body_for

D = load()  # the demo's records, from resources/demo


Progress = Callable[[str, int, int], None]
"""``progress(label, done, total)``: called as each stage starts, and once at the end."""


DEFAULT_COUNTS = {"case": 40, "referral": 250, "action_item": 600}


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


@dataclass
class SeedResult:
    records: dict[str, int]  # record type -> records inserted
    tables: dict[str, int]  # table -> rows inserted
    seconds: dict[str, float]  # stage -> seconds (generation and writing)
    total_seconds: float = 0.0
    table_seconds: dict[str, float] = field(default_factory=dict)  # table -> writing
    table_cpu: dict[str, float] = field(default_factory=dict)  # table -> CPU writing


class SeederBase:
    def __init__(
        self,
        session: Session,
        *,
        scale: int | None,
        seed: int,
        today: date,
        progress: Progress | None,
        reference: MergeReport | None = None,
    ) -> None:
        self.session = session
        self.reference = reference
        self.seed_value, self.scale_value = seed, scale
        self.tables: dict[str, int] = {}
        self.w = BulkWriter(session)
        self.sqlite = self.w.dialect == "sqlite"
        self.clock = Clock(today, as_text=self.sqlite)
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
        # records added by this load: the shipped reference data merged in first, counted too
        self.records: dict[str, int] = {
            key: len(reference.added(key)) for key in TYPES if reference is not None
        }
        self.next_id: dict[str, int] = {}
        for table in (*ID_TABLES, SEARCH_TABLE):
            self.next_id[table] = (
                int(self.w.scalar(f"SELECT MAX(id) FROM {quote_name(table)}") or 0) + 1
            )
        self.first_id = dict(self.next_id)  # the records of this load are from here on
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
        self.shipped: ShippedData | None = None  # the shipped reference data, as merged in
        self.local: dict[str, int] = {}  # shipped UUID -> id of the record standing for it
        self.agency: dict[str, int] = {}  # abbreviation -> id
        self.agency_side: dict[str, str] = {}  # abbreviation -> side
        self.contacts_by_agency: dict[str, list[dict[str, Any]]] = {}
        self.contact_by_name: dict[str, dict[str, Any]] = {}
        self.things: dict[str, list[Thing]] = {}
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
            year = Clock.year(ordinals[i])
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

    # --- entities and substances ---------------------------------------------------------

    # --- filling templates --------------------------------------------------------------

    # --- meetings ---------------------------------------------------------------------------

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

    # --- cases --------------------------------------------------------------------------------

    # --- referrals ----------------------------------------------------------------------------

    # --- action items -----------------------------------------------------------------------

    # --- search index, counters, sequences, audit -----------------------------------------

    # A large load builds the secondary indexes of the big tables once, after the rows.
    DEFERRED_INDEX_TABLES = ("search_text", "action_item", "status_change", "referral")


def audit_seed(session: Session, changes: dict[str, Any], first_id: dict[str, int]) -> None:
    """The audit events of a load: one creation event per record it wrote (so every demo
    record's history starts with its creation), then one for the whole load. Chained in
    one pass by ``trail.append_many``."""
    from workinggroup_app.audit import trail

    # the changes of each as dumps_changes writes them (references are ASCII: no escaping)
    changes_text = '{{"reference": [null, "{}"], "source": [null, "demo data"]}}'
    events: list[dict[str, Any]] = []
    for table in RECORD_TABLES:
        rows = session.execute(
            text(f"SELECT id, reference FROM {quote_name(table)} WHERE id >= :first ORDER BY id"),
            {"first": first_id.get(table, 1)},
        )
        events.extend(
            {
                "actor": SEED_ACTOR,
                "action": "create",
                "record_type": table,
                "record_id": record_id,
                "reference": reference,
                "changes_text": changes_text.format(reference),
            }
            for record_id, reference in rows
        )
    events.append({"actor": SEED_ACTOR, "action": "seed", "changes": changes})
    trail.append_many(session, events)


def sqlite_bulk_settings(raw: Any, big: bool) -> Callable[[], None]:
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
