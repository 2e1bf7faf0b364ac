"""The PostgreSQL benchmark's start-up child reaches a painted list instead of waiting at a
sign-in dialog nobody answers (which left ``python -m benchmarks --backend postgresql``
with no table and no error)."""

from __future__ import annotations

import pytest

from benchmarks import __main__ as bench
from workinggroup_app import demo, users
from workinggroup_app.db import open_database

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
