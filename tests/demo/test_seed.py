"""The demo data set: deterministic, valid, consistent with the workflows and the schema."""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, text

from workinggroup_app import demo
from workinggroup_app.demo import identifiers, tables, writer
from workinggroup_app.demo.catalogue import load
from workinggroup_app.domain import models
from workinggroup_app.domain.fields import record_type
from workinggroup_app.domain.validators import validate_cas, validate_uscc
from workinggroup_app.domain.workflows import WORKFLOWS
from workinggroup_app.services import reference_data
from workinggroup_app.storage.reference_numbers import next_reference
from workinggroup_app.storage.search_index import body_for

TODAY = date(2026, 3, 1)
RECORD_MODELS = models.MODELS

demo_data = load()
shipped = reference_data.shipped()


def _seed(database, **kw):
    kw.setdefault("today", TODAY)
    return demo.seed(database, **kw)


def _snapshot(database) -> dict[str, list[tuple]]:
    out = {}
    with database.session() as s:
        for key, model in RECORD_MODELS.items():
            cols = [model.reference, model.uuid, model.title_en, model.title_zh]
            if hasattr(model, "status"):
                cols.append(model.status)
            out[key] = [tuple(r) for r in s.execute(select(*cols).order_by(model.id))]
        out["status_change"] = [
            tuple(r)
            for r in s.execute(
                select(
                    models.StatusChange.record_type,
                    models.StatusChange.record_id,
                    models.StatusChange.to_status,
                    models.StatusChange.changed_at,
                ).order_by(models.StatusChange.id)
            )
        ]
    return out


def test_counts_at_default_scale(db):
    counts = _seed(db)
    assert counts["agency"] == len(shipped.agencies) >= 18  # the shipped agencies, merged in
    assert counts["contact"] == len(demo_data.CONTACTS) == 40
    assert counts["case"] == 40
    assert counts["referral"] == 250
    assert counts["action_item"] == 600
    assert 60 <= counts["entity"] <= 70
    assert counts["substance"] == len(shipped.substances) + len(demo_data.SUBSTANCES)
    assert 12 <= counts["meeting"] <= 18
    with db.session() as s:
        for key, model in RECORD_MODELS.items():
            assert s.scalar(select(func.count()).select_from(model)) == counts[key], key


def test_same_seed_gives_the_same_data(tmp_path):
    from workinggroup_app.storage.database import open_database

    snaps = []
    for name in ("a", "b"):
        database = open_database(str(tmp_path / f"{name}.sqlite3"))
        _seed(database, seed=7)
        snaps.append(_snapshot(database))
        database.dispose()
    assert snaps[0] == snaps[1]
    other = open_database(str(tmp_path / "c.sqlite3"))
    _seed(other, seed=8)
    assert _snapshot(other)["referral"] != snaps[0]["referral"]
    other.dispose()


def test_columns_written_cover_every_column_of_each_table():
    """The bulk insert names its columns: a new column must be added to tables.COLUMNS."""
    for table, cols in tables.COLUMNS.items():
        schema_cols = {c.name for c in models.Base.metadata.tables[table].columns}
        assert set(cols) == schema_cols, table
        assert len(cols) == len(set(cols)), table


def test_credit_codes_and_cas_numbers_are_valid(db):
    _seed(db)
    with db.session() as s:
        codes = s.scalars(select(models.Entity.uscc).where(models.Entity.uscc != "")).all()
        cas = s.scalars(
            select(models.Substance.cas_number).where(models.Substance.cas_number != "")
        ).all()
        names = set(s.scalars(select(models.Substance.title_en)))
    assert len(codes) == len(demo_data.CN_COMPANIES)
    for code in codes:
        assert validate_uscc("uscc", code) == code
        assert code.startswith("91")
        assert identifiers.org_code_check(code[8:16]) == code[16]
    assert len(cas) >= 15
    for number in cas:
        assert validate_cas("cas_number", number) == number
    expected = {
        "Fentanyl": "437-38-7",
        "N-Phenethyl-4-piperidone (NPP)": "39742-60-4",
        "4-Anilino-N-phenethylpiperidine (ANPP)": "21409-26-7",
        "4-Anilinopiperidine (4-AP)": "23056-29-3",
        "Norfentanyl": "1609-66-1",  # the brief's 1609-66-3 fails the check digit
        "Xylazine": "7361-61-7",
        "Carfentanil": "59708-52-0",
    }
    by_name = {r.values["title_en"]: r.values["cas_number"] for r in shipped.substances}
    for name, number in expected.items():
        assert name in names
        assert by_name[name] == number
    # the demo's stories are about shipped substances: each one it names is shipped
    assert set(demo_data.REFERENCE_SUBSTANCES) <= set(by_name.values())
    assert set(demo_data.SCHEDULING_TARGETS) <= set(demo_data.REFERENCE_SUBSTANCES)


def test_status_histories_follow_the_workflows(db):
    _seed(db)
    with db.session() as s:
        history: dict[tuple[str, int], list] = defaultdict(list)
        for row in s.execute(
            select(models.StatusChange).order_by(
                models.StatusChange.record_type,
                models.StatusChange.record_id,
                models.StatusChange.changed_at,
                models.StatusChange.id,
            )
        ).scalars():
            history[(row.record_type, row.record_id)].append(row)
        now = datetime.combine(TODAY, datetime.min.time(), UTC)
        for key, wf in WORKFLOWS.items():
            model = RECORD_MODELS[key]
            seen_statuses = set()
            for record in s.execute(select(model)).scalars():
                rows = history[(key, record.id)]
                assert rows, f"{record.reference} has no history"
                assert rows[0].from_status is None and rows[0].to_status == wf.initial
                guard = SimpleNamespace(direction=getattr(record, "direction", None))
                for before, after in itertools.pairwise(rows):
                    assert after.from_status == before.to_status, record.reference
                    t = wf.find(after.from_status, after.to_status, guard)
                    assert t is not None, (record.reference, after.from_status, after.to_status)
                    assert after.changed_at >= before.changed_at
                assert rows[-1].to_status == record.status, record.reference
                assert all(r.changed_at < now for r in rows), record.reference
                assert record.created_at == rows[0].changed_at
                assert record.updated_at == rows[-1].changed_at
                assert record.version == len(rows)
                seen_statuses.add(record.status)
                if key in ("referral", "case"):
                    assert (record.outcome is not None) == (record.status == "closed")
                if key == "referral":
                    assert (record.duplicate_of_id is not None) == (record.status == "duplicate")
                    if record.duplicate_of_id is not None:
                        assert record.duplicate_of_id < record.id
                if key == "action_item":
                    assert (record.completed_on is not None) == (record.status == "done")
            # a realistic mix: most states of each workflow appear
            assert len(seen_statuses) >= len(wf.states) - (3 if key == "meeting" else 1), key


def test_referrals_cover_both_directions_every_type_and_consistent_dates(db):
    _seed(db)
    with db.session() as s:
        refs = s.execute(select(models.Referral)).scalars().all()
        agencies = {a.id: a for a in s.execute(select(models.Agency)).scalars()}
        linked = s.scalar(select(func.count()).select_from(models.referral_entity))
    assert {r.direction for r in refs} == {"US_TO_PRC", "PRC_TO_US"}
    assert {r.referral_type for r in refs} == {
        "lead",
        "assistance",
        "scheduling",
        "seizure",
        "financial",
        "takedown",
    }
    assert linked >= len(refs) // 2
    for r in refs:
        sender, receiver = agencies[r.sending_agency_id], agencies[r.receiving_agency_id]
        expected = ("US", "PRC") if r.direction == "US_TO_PRC" else ("PRC", "US")
        assert (sender.side, receiver.side) == expected, r.reference
        assert r.title_zh and r.summary_en and r.summary_zh and r.line_of_effort
        if r.acknowledged_on:
            assert r.sent_on is not None and r.sent_on <= r.acknowledged_on
        if r.answered_on:
            assert r.acknowledged_on is not None and r.acknowledged_on <= r.answered_on
        if r.sent_on:
            assert r.response_due is not None and r.response_due > r.sent_on
        if r.status in ("acknowledged", "under_verification", "responded", "closed"):
            assert r.counterpart_ref, r.reference


def test_some_overdue_and_some_us_only(db):
    _seed(db)
    with db.session() as s:
        ai = models.ActionItem
        overdue = s.scalar(
            select(func.count())
            .select_from(ai)
            .where(ai.status.not_in(("done", "cancelled")), ai.due_date < TODAY)
        )
        assert overdue > 0
        total = us_only = 0
        for model in (models.Case, models.Referral, models.ActionItem):
            n = s.scalar(select(func.count()).select_from(model))
            u = s.scalar(
                select(func.count()).select_from(model).where(model.releasability == "us_only")
            )
            assert u > 0, model.__tablename__
            total, us_only = total + n, us_only + u
        assert 0.10 <= us_only / total <= 0.25
        done = s.execute(select(ai.completed_on, ai.created_at).where(ai.status == "done")).all()
        assert done and all(c is not None and c < TODAY for c, _ in done)
        owners = set(s.scalars(select(ai.owner_side)))
        assert owners == {"US", "PRC", "JOINT"}
        assert s.scalar(select(func.count()).select_from(ai).where(ai.owner_person == "")) == 0


def test_meetings_two_years_of_them_with_both_delegations(db):
    _seed(db)
    with db.session() as s:
        meetings = s.execute(select(models.Meeting).order_by(models.Meeting.starts_at)).scalars()
        meetings = list(meetings)
        now = datetime.combine(TODAY, datetime.min.time(), UTC)
        past = [m for m in meetings if m.starts_at < now]
        future = [m for m in meetings if m.starts_at >= now]
        assert len(future) == 1 and future[0].status == "planned"
        assert {m.status for m in past} <= {"held", "minutes_approved"}
        assert (past[-1].starts_at - past[0].starts_at) > timedelta(days=600)
        for a, b in itertools.pairwise(meetings):
            assert timedelta(days=35) <= b.starts_at - a.starts_at <= timedelta(days=70)
        assert {m.meeting_type for m in meetings} == {"plenary", "technical", "video"}
        for m in meetings:
            assert m.starts_at.tzinfo is not None
            assert m.place_en and m.place_zh and m.line_of_effort
            sides = defaultdict(list)
            for att in m.attendees:
                sides[att.side].append(att)
            assert set(sides) == {"US", "PRC"}
            for side, people in sides.items():
                assert sum(p.head_of_delegation for p in people) == 1, (m.reference, side)
            assert any("\u4e00" <= ch <= "\u9fff" for p in sides["PRC"] for ch in p.name_zh)
            assert m.agenda_items
            if m.status != "planned":
                assert m.decisions
        decisions = s.scalars(select(models.Decision.releasability)).all()
        assert "us_only" in decisions and "releasable" in decisions
        assert s.scalar(select(func.count()).select_from(models.meeting_referral)) > 0
        assert s.scalar(select(func.count()).select_from(models.meeting_case)) > 0


def test_reference_counters_match_what_was_inserted(db):
    _seed(db)
    with db.session() as s:
        counters = {(c.prefix, c.year): c.last for c in s.scalars(select(models.ReferenceCounter))}
        highest: dict[tuple[str, int], int] = {}
        for model in RECORD_MODELS.values():
            for ref in s.scalars(select(model.reference)):
                prefix, year, number = ref.split("-")
                key = (prefix, int(year))
                highest[key] = max(highest.get(key, 0), int(number))
        assert highest == counters
    with db.sessions() as s:  # the next create does not collide
        year = TODAY.year
        ref = next_reference(s, "REF", year)
        assert int(ref.rsplit("-", 1)[1]) == counters.get(("REF", year), 0) + 1
        s.rollback()


def test_search_text_has_one_row_per_record_and_the_index_works(db):
    counts = _seed(db)
    with db.session() as s:
        rows = s.execute(select(models.SearchText)).scalars().all()
        assert len(rows) == sum(counts.values())
        assert len({(r.record_type, r.record_id) for r in rows}) == len(rows)
        by_key = {(r.record_type, r.record_id): r.body for r in rows}
        # bodies are what body_for gives (checked on a sample of each type)
        for key, model in RECORD_MODELS.items():
            rt = record_type(key)
            for obj in s.execute(select(model).limit(25)).scalars():
                values = {f.name: getattr(obj, f.name, None) for f in rt.fields}
                assert by_key[(key, obj.id)] == body_for(key, values), obj.reference
        hits = s.execute(text("SELECT count(*) FROM search_fts WHERE search_fts MATCH '远丰化工'"))
        assert hits.scalar() > 0
        hits = s.execute(text("SELECT count(*) FROM search_fts WHERE search_fts MATCH 'yuanfeng'"))
        assert hits.scalar() > 0  # pinyin of the company name
        fts_rows = s.execute(text("SELECT count(*) FROM search_fts_docsize")).scalar()
        assert fts_rows == len(rows)
        trigger = s.execute(
            text(
                "SELECT count(*) FROM sqlite_master WHERE type='trigger' AND name='search_text_ai'"
            )
        ).scalar()
        assert trigger == 1
    with db.sessions() as s:  # the trigger is back: new rows are indexed again
        s.add(models.SearchText(record_type="case", record_id=999_999, body="zzqqxx marker"))
        s.commit()
        found = s.execute(text("SELECT count(*) FROM search_fts WHERE search_fts MATCH 'zzqqxx'"))
        assert found.scalar() == 1


def test_one_audit_event_with_the_counts(db):
    counts = _seed(db)
    with db.session() as s:
        events = s.execute(select(models.AuditEvent).order_by(models.AuditEvent.id)).scalars()
        events = events.all()
    # the shipped reference data first, each record with its own event, then its summary;
    # then every demo record's creation, then the summary of the load
    merged = len(shipped.agencies) + len(shipped.substances)
    assert {e.action for e in events[:merged]} == {"create"}
    assert events[merged].action == "reference_data"
    demo = events[merged + 1 : -1]
    assert {e.action for e in demo} == {"create"}
    assert {e.record_type for e in demo} >= {"case", "referral", "action_item", "meeting"}
    assert len(events) - 2 == sum(counts.values())  # one creation event per record
    assert events[-1].action == "seed"
    assert {e.actor for e in events} == {"demo"}
    event = events[-1]
    assert json.loads(event.changes)["records"] == counts
    assert json.loads(event.changes)["reference_data"] == shipped.version
    try:
        from workinggroup_app.audit import trail
    except ImportError:
        return
    with db.session() as s:
        assert trail.verify(s).ok


def test_scale_gives_n_action_items_and_a_tenth_as_many_referrals(db):
    counts = _seed(db, scale=2000)
    assert counts["action_item"] == 2000
    assert counts["referral"] == 200
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(models.ActionItem)) == 2000
        assert s.scalar(select(func.count()).select_from(models.Referral)) == 200
        assert s.scalar(select(func.count()).select_from(models.SearchText)) == sum(counts.values())
        histories = s.scalar(
            select(func.count(func.distinct(models.StatusChange.record_id))).where(
                models.StatusChange.record_type == "action_item"
            )
        )
        assert histories == 2000


def test_seeding_twice_continues_references_without_collisions(db):
    first = _seed(db, scale=300)
    second = _seed(db, scale=300)
    # the shipped agencies and substances come once; the demo's own records twice
    assert second == {
        **first,
        "agency": 0,
        "substance": first["substance"] - len(shipped.substances),
    }
    with db.session() as s:
        refs = s.scalars(select(models.ActionItem.reference)).all()
        assert len(refs) == len(set(refs)) == 600
        seeds = select(func.count()).where(models.AuditEvent.action == "seed")
        assert s.scalar(seeds.select_from(models.AuditEvent)) == 2
        assert s.scalar(select(func.count()).select_from(models.Agency)) == len(shipped.agencies)


def test_default_today_puts_nothing_in_the_future(db):
    demo.seed(db, scale=500)
    with db.session() as s:
        latest = s.scalar(select(func.max(models.StatusChange.changed_at)))
    assert latest < datetime.now(UTC) + timedelta(minutes=1)
    assert latest.date() < date.today()


def test_progress_is_reported(db):
    calls = []
    _seed(db, scale=100, progress=lambda label, done, total: calls.append((label, done, total)))
    assert calls[0] == (demo.STAGES[0], 0, len(demo.STAGES))
    assert calls[-1] == ("done", len(demo.STAGES), len(demo.STAGES))
    assert [c[1] for c in calls] == sorted(c[1] for c in calls)


@pytest.mark.postgres
def test_seed_on_postgresql(pg_url, tmp_path, monkeypatch):
    """The COPY path: the same data as on SQLite; id sequences moved past the seeded ids;
    the secondary indexes dropped for a large load are all rebuilt as they were."""
    from workinggroup_app.storage.database import open_database

    monkeypatch.setattr(demo, "LARGE_LOAD", 500)  # this load counts as large
    index_sql = text(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
        "ORDER BY indexname"
    )
    database = open_database(pg_url)
    try:
        with database.session() as s:
            indexes_before = s.execute(index_sql).all()
        counts = _seed(database, scale=1000)
        with database.session() as s:
            assert s.execute(index_sql).all() == indexes_before
        assert counts["action_item"] == 1000 and counts["referral"] == 100
        with database.sessions() as s:
            assert s.scalar(select(func.count()).select_from(models.SearchText)) == sum(
                counts.values()
            )
            assert all(t.tzinfo is not None for t in s.scalars(select(models.Meeting.starts_at)))
            hits = s.execute(
                text("SELECT count(*) FROM search_text WHERE body ILIKE '%远丰化工%'")
            ).scalar()
            assert hits > 0
            # new rows get ids after the seeded ones (the sequences were moved)
            change = models.StatusChange(record_type="case", record_id=1, to_status="open")
            s.add(change)
            s.flush()
            assert change.id > s.scalar(select(func.count()).select_from(models.StatusChange)) - 1
            s.rollback()
        on_pg = _snapshot(database)
    finally:
        database.dispose()
    other = open_database(str(tmp_path / "same.sqlite3"))
    try:
        _seed(other, scale=1000)
        on_sqlite = _snapshot(other)
    finally:
        other.dispose()
    for key in RECORD_MODELS:  # uuids, references, titles and statuses
        assert on_pg[key] == on_sqlite[key], key
    assert on_pg["status_change"] == on_sqlite["status_change"]


def test_helpers_build_valid_numbers():
    import random
    import uuid

    rng = random.Random(1)
    for _ in range(200):
        bits = rng.getrandbits(128)
        assert writer.uuid4_text(bits) == str(uuid.UUID(int=bits, version=4))
        code = identifiers.make_uscc(rng, "420103")
        assert validate_uscc("uscc", code) == code
        awb = identifiers.awb_number(rng, "784")
        serial = awb.split("-")[1]
        assert int(serial[:7]) % 7 == int(serial[7])
    # the ISO 6346 example: CSQU 305438 3
    fixed = type("Fixed", (), {"randrange": lambda self, a, b: 305438})()
    assert identifiers.container_number(fixed, "CSQU") == "CSQU 305438 3"


def _journal_mode(path) -> str:
    import sqlite3

    conn = sqlite3.connect(str(path))
    try:
        return conn.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        conn.close()


def test_large_load_settings_are_restored(db, db_path, monkeypatch):
    monkeypatch.setattr(demo, "LARGE_LOAD", 100)
    seen = []
    real = demo.sqlite_bulk_settings

    def spy(raw, big):
        restore = real(raw, big)
        seen.append(raw.execute("PRAGMA journal_mode").fetchone()[0])
        return restore

    monkeypatch.setattr(demo, "sqlite_bulk_settings", spy)
    schema_sql = text("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
    with db.session() as s:
        schema_before = s.execute(schema_sql).all()
    counts = _seed(db, scale=300)
    assert counts["action_item"] == 300
    assert seen == ["delete"]  # the only connection: loaded with a rollback journal
    with db.session() as s:  # indexes rebuilt after the load, the FTS trigger put back
        assert s.execute(schema_sql).all() == schema_before
        assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        found = s.execute(text("SELECT count(*) FROM search_fts WHERE search_fts MATCH '远丰化工'"))
        assert found.scalar() > 0
    db.dispose()
    assert _journal_mode(db_path) == "wal"


def test_large_load_with_another_connection_open_stays_in_wal(db, db_path, monkeypatch):
    import sqlite3
    import time

    monkeypatch.setattr(demo, "LARGE_LOAD", 100)
    other = sqlite3.connect(str(db_path))
    other.execute("SELECT count(*) FROM agency").fetchone()
    try:
        started = time.perf_counter()
        counts = _seed(db, scale=300)
        assert time.perf_counter() - started < 8  # no wait on the busy timeout (10 s)
        assert counts["action_item"] == 300
        assert other.execute("SELECT count(*) FROM action_item").fetchone()[0] == 300
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        other.close()


# --- built on the shipped reference data ----------------------------------------------------


def test_the_demo_uses_the_shipped_agencies_and_substances_by_uuid(db):
    from tests.helpers import World

    # the office already had its own DEA record (another UUID): it is used, not duplicated
    own_dea = World(db).make("agency", abbreviation="DEA", side="US", title_zh="缉毒局")
    _seed(db)
    shipped_uuids = set(shipped.by_uuid())
    with db.session() as s:
        agencies = {a.id: a for a in s.scalars(select(models.Agency))}
        assert len(agencies) == len(shipped.agencies)
        assert [a.id for a in agencies.values() if a.abbreviation == "DEA"] == [own_dea]
        assert {a.uuid for a in agencies.values() if a.id != own_dea} <= shipped_uuids
        used = set()
        for r in s.scalars(select(models.Referral)):
            used |= {r.sending_agency_id, r.receiving_agency_id}
        assert own_dea in used and used <= set(agencies)
        named = {
            sub.uuid
            for sub in s.scalars(
                select(models.Substance).join(
                    models.referral_substance,
                    models.referral_substance.c.substance_id == models.Substance.id,
                )
            )
        }
        assert len(named & shipped_uuids) >= 8  # the stories name the shipped substances
        own = {r[0] for r in demo_data.SUBSTANCES}
        assert all(
            sub.uuid in shipped_uuids or sub.title_en in own
            for sub in s.scalars(select(models.Substance))
        )


def test_a_demo_export_imports_into_a_freshly_set_up_database(db, tmp_path, sqlite_template):
    import shutil

    from workinggroup_app.exchange import sync
    from workinggroup_app.storage.database import open_database

    _seed(db, scale=200)
    keys, fresh_keys, secret = tmp_path / "keys", tmp_path / "fresh-keys", "demo passphrase"
    sync.generate_key("US demo", directory=keys, passphrase=secret)
    sync.generate_key("PRC demo", directory=fresh_keys, passphrase=secret)
    sync.register_key(db, "PRC demo", (fresh_keys / sync.PUBLIC_KEY).read_bytes())
    package = tmp_path / "demo.wgx"
    sync.export_package(db, package, key_dir=keys, passphrase=secret)

    fresh_path = tmp_path / "fresh.sqlite3"
    shutil.copyfile(sqlite_template, fresh_path)
    fresh = open_database(str(fresh_path))
    opened = {"key_dir": fresh_keys, "passphrase": secret}
    try:
        reference_data.merge(fresh)  # what set-up and `db upgrade` do
        sync.register_key(fresh, "US demo", (keys / sync.PUBLIC_KEY).read_bytes())
        plan = sync.preview_import(fresh, package, **opened)
        new = {(i.record_type, i.title) for i in plan.of(sync.NEW)}
        shipped_uuids = set(shipped.by_uuid())
        arriving = {i.uuid for i in plan.items if i.record_type in ("agency", "substance")}
        assert arriving & shipped_uuids  # the package carries shipped agencies and substances
        assert not [t for t in new if t[0] == "agency"]  # ... which are already there
        own = {r[0] for r in demo_data.SUBSTANCES}
        assert {t[1] for t in new if t[0] == "substance"} <= own
        assert not plan.conflicts
        sync.apply_import(fresh, package, **opened)
        with fresh.session() as s:
            n_agencies = s.scalar(select(func.count()).select_from(models.Agency))
            assert n_agencies == len(shipped.agencies)
            assert s.scalar(select(func.count()).select_from(models.Referral)) > 0
    finally:
        fresh.dispose()
