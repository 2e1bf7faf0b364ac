"""How long the demo data set takes to load at scale.

Run: ``.venv/bin/python -m benchmarks.bench_seed [--scale 1000000]`` (target: under two
minutes for 1,000,000 action items and 100,000 referrals on a 2-core machine, SQLite).
Seeds a fresh SQLite file in a temporary folder (``--keep PATH`` to keep it), or, with
``--postgres SERVER_URL``, a fresh database created on that server and dropped after.
Prints rows and write seconds per table, seconds per stage, wall and CPU time, and the
machine's load average (other processes on the machine slow a run down). Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

from workinggroup_app import demo
from workinggroup_app.storage.database import open_database
from workinggroup_app.storage.engine import normalise_url


def _fresh_pg(server_url: str) -> tuple[str, object]:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    server = make_url(normalise_url(server_url))
    name = f"wg_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    return server.set(database=name).render_as_string(hide_password=False), (admin, name)


def _drop_pg(handle: object) -> None:
    admin, name = handle  # type: ignore[misc]
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1_000_000, help="action items")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--today", type=date.fromisoformat, default=None)
    parser.add_argument("--keep", type=Path, help="SQLite file to write (kept)")
    parser.add_argument("--postgres", metavar="SERVER_URL", help="seed a fresh PG database")
    args = parser.parse_args(argv)

    tmp = None
    pg_handle = None
    if args.postgres:
        url, pg_handle = _fresh_pg(args.postgres)
        where = "PostgreSQL " + url.rsplit("/", 1)[-1]
    else:
        if args.keep:
            path = args.keep
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        else:
            tmp = tempfile.TemporaryDirectory(prefix="wg-bench-seed-")
            path = Path(tmp.name) / "seed.sqlite3"
        url = str(path)
        where = f"SQLite {path}"
    try:
        db = open_database(url)
        load_before = os.getloadavg()[0]
        cpu0, wall0 = time.process_time(), time.perf_counter()
        result = demo.seed_detailed(db, scale=args.scale, seed=args.seed, today=args.today)
        wall = time.perf_counter() - wall0
        cpu = time.process_time() - cpu0
        load_after = os.getloadavg()[0]
        db.dispose()
        size = ""
        if not args.postgres:
            size = f", file {Path(url).stat().st_size / 1e6:,.0f} MB"
    finally:
        if pg_handle is not None:
            _drop_pg(pg_handle)
        if tmp is not None:
            tmp.cleanup()

    print(f"\nDemo seed, scale {args.scale:,}, {where}")
    if size:
        print(size.removeprefix(", "))
    print(f"\n{'table':<22}{'rows':>12}{'write s':>10}{'CPU s':>8}")
    print("-" * 52)

    def line(label: str, rows: str, key: str) -> None:
        w, c = result.table_seconds.get(key), result.table_cpu.get(key)
        ws = f"{w:.1f}" if w is not None else ""
        cs = f"{c:.1f}" if c is not None else ""
        print(f"{label:<22}{rows:>12}{ws:>10}{cs:>8}")

    for table, rows in sorted(result.tables.items(), key=lambda kv: -kv[1]):
        line(table, f"{rows:,}", table)
    if "search_fts" in result.table_seconds:
        line("(FTS5 index, chunks)", "", "search_fts")
    if "(rebuild indexes)" in result.table_seconds:
        line("(rebuild indexes)", "", "(rebuild indexes)")
    print("-" * 52)
    print(f"{'total rows':<22}{sum(result.tables.values()):>12,}")
    print(f"\n{'stage':<26}{'seconds':>10}")
    print("-" * 36)
    for stage, seconds in result.seconds.items():
        print(f"{stage:<26}{seconds:>10.1f}")
    print("-" * 36)
    print(f"{'wall':<26}{wall:>10.1f}")
    print(f"{'CPU (this process)':<26}{cpu:>10.1f}")
    print(f"{'load average before/after':<26}{load_before:>5.1f}/{load_after:.1f}")


if __name__ == "__main__":
    main()
