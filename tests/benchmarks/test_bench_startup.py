"""The PostgreSQL benchmark's start-up child reaches a painted list instead of waiting at a
sign-in dialog nobody answers (which left ``python -m benchmarks --backend postgresql``
with no table and no error)."""

from __future__ import annotations

import pytest

from benchmarks import __main__ as bench
from workinggroup_app import demo
from workinggroup_app.services import users
from workinggroup_app.storage.database import open_database

pytestmark = pytest.mark.postgres


def test_bench_startup_signs_in_and_paints_a_list(pg_url, monkeypatch):
    db = open_database(pg_url)
    try:
        demo.seed(db, scale=200)
        assert users.first_run_needed(db)  # seeded data has no account: a dialog would wait
    finally:
        db.dispose()
    bench.ensure_bench_user(pg_url)
    bench.ensure_bench_user(pg_url)  # a second run reuses the account
    db = open_database(pg_url)
    try:
        assert users.get_user(db, bench.BENCH_USER) is not None
    finally:
        db.dispose()

    monkeypatch.setattr(bench, "STARTUP_TIMEOUT_S", 60)
    times = bench.signed_in_startup(pg_url, 1)
    assert 0 < times["main"] <= times["list"] < 60


def test_bench_analyses_a_freshly_seeded_database_once(pg_url, capsys):
    import time

    from sqlalchemy import create_engine, text

    db = open_database(pg_url)
    try:
        demo.seed(db, scale=2000)
    finally:
        db.dispose()  # the seeding sessions end: their table statistics reach the server
    engine = create_engine(pg_url)

    def analysed_and_live() -> tuple[object, int]:
        with engine.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT coalesce(last_analyze, last_autoanalyze), n_live_tup "
                    "FROM pg_stat_user_tables WHERE relname = 'action_item'"
                )
            ).one()
            return row[0], row[1]

    try:
        deadline = time.monotonic() + 15
        while analysed_and_live()[1] < 2000 and time.monotonic() < deadline:
            time.sleep(0.2)
        if analysed_and_live()[0] is not None:
            pytest.skip("the server analysed the table by itself (autovacuum on)")
        bench.ensure_pg_statistics(pg_url)
        assert "VACUUM (ANALYZE)" in capsys.readouterr().out
        assert analysed_and_live()[0] is not None
        bench.ensure_pg_statistics(pg_url)  # current statistics: nothing to do
        assert capsys.readouterr().out == ""
    finally:
        engine.dispose()
