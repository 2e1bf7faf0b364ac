"""Every speed target in one table, each figure beside its floor measured in the same run.

Run: ``.venv/bin/python -m benchmarks [--scale 10k|100k|1m] [--backend sqlite|postgresql]
[--json FILE]``. Seeds (once, cached) a demo database with ``demo.seed(db, scale=N)``:
SQLite files /tmp/wg-bench-<scale>.sqlite3, or PostgreSQL databases <name>_<scale> on the
server of WORKINGGROUP_BENCH_POSTGRES_URL (default postgresql+psycopg://postgres@127.0.0.1:
5432/wg_bench; never the shared ``test`` database). The window and its lists are timed by
``benchmarks.bench_gui`` in a fresh child process per scale (so its peak memory is the
application's), the dashboard with ``workinggroup_app.read.dashboard.compute``, packets by
``benchmarks.bench_packet`` and the CSV import by ``benchmarks.bench_import``. With a scale
above 10k the 10k database is measured too, and every list operation shows its growth ratio
(time at the chosen scale / time at 10k). Prints one table with target and pass/fail per
row; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SCALES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/wg_bench"
INTERACTION_MS = 100.0
START_FACTOR = 2.0
GROWTH_MAX = 2.0
MEMORY_MB = 300.0
SEARCHES = (
    ("search en, 1 char", "f"),
    ("search en, 2 chars", "fe"),
    ("search en, 3+ chars", "fentanyl"),
    ("search zh, 1 char", "芬"),
    ("search zh, 2 chars", "芬太"),
    ("search zh, 3+ chars", "芬太尼"),
)
REPEATS = 15
# The account a PostgreSQL start-up child signs in as (created in the bench database only).
BENCH_USER = "bench-admin"
BENCH_PASSWORD = "benchmark sign-in, not a secret"
STARTUP_TIMEOUT_S = 120


# --- the databases ---------------------------------------------------------------------------


def sqlite_path(label: str) -> Path:
    return Path(f"/tmp/wg-bench-{label}.sqlite3")


def pg_url(label: str) -> str:
    from sqlalchemy.engine import make_url

    from workinggroup_app.storage.engine import normalise_url

    base = make_url(normalise_url(os.environ.get("WORKINGGROUP_BENCH_POSTGRES_URL", DEFAULT_PG)))
    name = f"{base.database or 'wg_bench'}_{label}"
    if name == "test" or base.database == "test":
        raise SystemExit("refusing the shared 'test' database: name another one")
    return base.set(database=name).render_as_string(hide_password=False)


def ensure_pg_database(url: str) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            have = conn.exec_driver_sql(
                "SELECT 1 FROM pg_database WHERE datname = %(n)s", {"n": target.database}
            ).first()
            if not have:
                conn.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    finally:
        admin.dispose()


def action_items(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM action_item")).scalar_one())
    except Exception:
        return -1  # no schema yet
    finally:
        engine.dispose()


def database_for(label: str, backend: str) -> str:
    """The URL of a demo database holding exactly SCALES[label] action items (seeded once)."""
    from benchmarks import bench_gui
    from workinggroup_app import demo
    from workinggroup_app.storage.database import open_database

    scale = SCALES[label]
    if backend == "sqlite":
        path = sqlite_path(label)
        if bench_gui.action_items_in(path) != scale:
            partial = path.with_suffix(".seeding")
            for p in (path, partial):
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(f"{p}{suffix}").unlink(missing_ok=True)
            print(f"seeding {scale:,} action items into {path} (once)…", flush=True)
            started = time.perf_counter()
            db = open_database(f"sqlite:///{partial}")
            demo.seed(db, scale=scale)
            db.dispose()
            partial.rename(path)
            print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)
        open_database(f"sqlite:///{path}").dispose()  # migrate before timing
        bench_gui.sync_indexes(path)
        ensure_bench_user(f"sqlite:///{path}")
        return f"sqlite:///{path}"
    url = pg_url(label)
    ensure_pg_database(url)
    have = action_items(url)
    if have != scale:
        if have > 0:
            raise SystemExit(f"{url} holds {have:,} action items, not {scale:,}: drop it")
        print(f"seeding {scale:,} action items into {url} (once)…", flush=True)
        started = time.perf_counter()
        db = open_database(url)
        demo.seed(db, scale=scale)
        db.dispose()
        print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)
    else:
        open_database(url).dispose()
    ensure_bench_user(url)
    ensure_pg_statistics(url)
    return url


def ensure_pg_statistics(url: str) -> None:
    """VACUUM (ANALYZE) when a table has no planner statistics or has changed much since.

    A server with autovacuum on does this by itself within a minute of a bulk load; with it
    off (as on some test servers) the planner guesses from nothing (a 1M-row search took
    2 s instead of 1 ms) and index-only scans read the heap: the figures would measure the
    server's configuration, not the application.
    """
    from sqlalchemy import create_engine

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            stale = (
                conn.exec_driver_sql(
                    "SELECT relname FROM pg_stat_user_tables WHERE n_live_tup >= 1000 AND "
                    "(coalesce(last_analyze, last_autoanalyze) IS NULL "
                    "OR n_mod_since_analyze > n_live_tup / 5) ORDER BY n_live_tup DESC"
                )
                .scalars()
                .all()
            )
            if stale:
                autovacuum = conn.exec_driver_sql("SHOW autovacuum").scalar()
                print(
                    f"VACUUM (ANALYZE) {engine.url.database}: {', '.join(stale)} without "
                    f"current statistics (autovacuum {autovacuum})…",
                    flush=True,
                )
                started = time.perf_counter()
                conn.exec_driver_sql("VACUUM (ANALYZE)")
                print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
    finally:
        engine.dispose()


def ensure_bench_user(url: str) -> None:
    """The account the start-up child signs in as (a seeded database has none, so the
    application would wait at its first-run dialog, which nobody answers offscreen)."""
    from workinggroup_app.services import users
    from workinggroup_app.storage.database import open_database

    db = open_database(url)
    try:
        if users.first_run_needed(db):
            users.create_first_administrator(db, BENCH_USER, BENCH_PASSWORD, "Benchmark")
        elif users.get_user(db, BENCH_USER) is None:
            raise SystemExit(f"{url} has accounts but no {BENCH_USER!r}: drop it")
    finally:
        db.dispose()


# --- measuring, in a child process per database ------------------------------------------------


def p95(values: list[float]) -> float:
    from benchmarks.bench_gui import percentile

    return percentile(values, 0.95)


def core_timings(url: str) -> dict[str, dict[str, float]]:
    """Search, form save, status transition, dashboard refresh: {name: {p50, p95}} in ms."""
    from benchmarks import bench_dashboard
    from workinggroup_app.domain.permissions import Actor
    from workinggroup_app.read import dashboard, finder, lists
    from workinggroup_app.read.lists import ListSpec
    from workinggroup_app.services.records import Services
    from workinggroup_app.storage.database import open_database

    db = open_database(url)
    out: dict[str, dict[str, float]] = {}

    def record(name: str, samples: list[float]) -> None:
        out[name] = {"p50": statistics.median(samples), "p95": p95(samples), "n": len(samples)}

    for name, text in SEARCHES:
        samples = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            with db.session() as s:
                finder.search(s, text)
            samples.append((time.perf_counter() - started) * 1000)
        record(name, samples)

    services = Services(db, Actor("bench", "administrator"))
    with db.session() as s:
        open_items = lists.list_rows(
            s, ListSpec("action_item", equals=(("status", "open"),)), 0, REPEATS * 2
        )
    saves, moves = [], []
    stamp = time.strftime("%H%M%S")
    for i, row in enumerate(open_items[:REPEATS]):
        started = time.perf_counter()
        change = services.update(
            "action_item", row.id, {"title_en": f"Benchmark edit {stamp}-{i}"}, row.version
        )
        saves.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        services.transition(
            "action_item", row.id, "in_progress", comment="bench", expected_version=change.version
        )
        moves.append((time.perf_counter() - started) * 1000)
    record("form save incl. audit (Services.update)", saves)
    record("status transition (Services.transition)", moves)

    actor = Actor("alice", "manager", "Alice Smith")
    today = date.today()
    # the first view after opening the database: every statement compiled, pages cold
    started = time.perf_counter()
    _compute(db, dashboard, today, actor)
    cold = (time.perf_counter() - started) * 1000
    out["dashboard, first view after opening (cold)"] = {
        "p50": cold,
        "p95": cold,
        "n": 1,
        "info": True,  # shown, no target: a refresh is what a user waits on again and again
    }
    walls = []
    for _ in range(5):
        _best, med, _cpu, _r = bench_dashboard.timed(
            lambda: _compute(db, dashboard, today, actor), 1
        )
        walls.append(med)
    record("dashboard refresh (internal, with my work)", walls)
    db.dispose()
    return out


def _compute(db: Any, dashboard: Any, today: date, actor: Any) -> Any:
    """As the dashboard view computes it (response times on a second connection)."""
    with db.session() as s:
        return dashboard.compute(s, today, "internal", actor, sessions=db.session)


def is_pg(url: str) -> bool:
    return url.startswith("postgresql")


# After ``from workinggroup_ui.app import run`` (so nothing more is imported before the first paint):
# the application signs in as the bench account through users.authenticate, the same
# check and audit event as the dialog's OK, without a person typing. A watchdog names a
# window that still blocks the start-up instead of waiting for ever.
_SIGN_IN_AND_WATCH = """
import workinggroup_ui.app as _app
def _bench_sign_in(self, db):
    from workinggroup_app.services import users
    return users.authenticate(db, {user!r}, {password!r})
_app.Starter.sign_in = _bench_sign_in
def _watchdog():
    w = app.activeModalWidget()
    print("stuck", flush=True)  # the mark, alone on its line as time_child reads marks
    print("stuck at", type(w).__name__ if w else "no dialog", file=sys.stderr, flush=True)
    app.exit(4)
QTimer.singleShot({timeout_ms}, _watchdog)
"""


def signed_in_startup(url: str, runs: int) -> dict[str, float]:
    """``bench_gui.startup`` signed in as the bench account (every database asks who is
    signing in before it shows a record)."""
    import compileall

    from benchmarks import bench_gui

    # as installed (pip, the bundle) the sources are compiled: time the start, not the
    # compiler (a checkout run with PYTHONDONTWRITEBYTECODE would compile on every start)
    for package in ("workinggroup_app", "ui"):  # the folders (ui/ installs as workinggroup_ui)
        compileall.compile_dir(Path(__file__).resolve().parent.parent / package, quiet=2)
    anchor = "from workinggroup_ui.app import run\n"
    if anchor not in bench_gui._CHILD_MAIN:
        raise SystemExit(
            "bench_gui._CHILD_MAIN no longer imports workinggroup_ui.app.run: update __main__"
        )
    code = bench_gui._CHILD_MAIN.replace(
        anchor,
        anchor
        + _SIGN_IN_AND_WATCH.format(
            user=BENCH_USER, password=BENCH_PASSWORD, timeout_ms=STARTUP_TIMEOUT_S * 1000
        ),
    )
    bare = [
        bench_gui.time_child(bench_gui._CHILD_BARE, [], ("painted",))["painted"]
        for _ in range(runs)
    ]
    main, lists = [], []
    for _ in range(runs):
        t = bench_gui.time_child(code, [url], ("painted", "list", "stuck"))
        if "stuck" in t or "list" not in t:
            raise SystemExit(
                f"the application never showed a list of {url} within {STARTUP_TIMEOUT_S} s "
                "(a dialog waiting for an answer?)"
            )
        main.append(t["painted"])
        lists.append(t["list"])
    return {
        "bare": statistics.median(bare),
        "main": statistics.median(main),
        "list": statistics.median(lists),
    }


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB: ``VmHWM``, which starts afresh at exec.

    ``ru_maxrss`` does not: on Linux it carries the high-water mark of the process that
    started this one, so a child started after seeding reported the seeding parent's peak.
    ``ru_maxrss`` is used only where there is no /proc.
    """
    try:
        with open("/proc/self/status", encoding="utf-8", errors="replace") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(url: str, out_file: Path, runs: int) -> None:
    """Everything measured against one database, in this (fresh) process."""
    from benchmarks import bench_gui

    start = signed_in_startup(url, runs)
    rows, info = bench_gui.list_timings(url)
    core = core_timings(url)
    rss = peak_rss_mb()
    out_file.write_text(
        json.dumps(
            {
                "startup": start,
                "lists": [(name, value) for name, value, _kind in rows],
                "keystrokes": info["keystrokes"],
                "core": core,
                "rss_mb": rss,
            }
        )
    )


def measure(url: str, runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="wg-bench-") as tmp:
        out = Path(tmp) / "result.json"
        subprocess.run(
            [sys.executable, "-m", "benchmarks", "--child", url, str(out), "--runs", str(runs)],
            check=True,
            cwd=str(Path(__file__).resolve().parent.parent),
        )
        return json.loads(out.read_text())


def packets_and_import(backend: str) -> dict[str, float]:
    from benchmarks import bench_import, bench_packet
    from workinggroup_app.reports.style import ensure_font
    from workinggroup_app.storage.database import open_database

    ensure_font()
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="wg-bench-pdf-") as tmp:
        for n, refs, _target in ((500, 200, 2.0), (2000, 0, 8.0)):
            r = bench_packet.run(f"p{n}", n, refs, _target, Path(tmp))
            out[f"packet {n}"] = r["seconds"]
            out[f"packet {n} pages"] = r["pages"]
    with tempfile.TemporaryDirectory(prefix="wg-bench-import-") as tmp:
        if backend == "postgresql":
            url = pg_url("import")
            ensure_pg_database(url)
            _empty_pg(url)  # a fresh empty database each run
        else:
            url = f"sqlite:///{tmp}/import.sqlite3"
        db = open_database(url)
        bench_import.add_agencies(db)
        r = bench_import.csv_import(db, Path(tmp), 50_000)
        db.dispose()
        out["import dry run"] = r["dry run"]
        out["import"] = r["import"]
        out["imported"] = r["imported"]
        # a workbook of every kind of sheet, into a fresh database of its own
        wb_url = url if backend == "postgresql" else f"sqlite:///{tmp}/workbook.sqlite3"
        if backend == "postgresql":
            _empty_pg(url)
        db = open_database(wb_url)
        bench_import.add_agencies(db)
        r = bench_import.workbook_import(db, Path(tmp), 50_000)
        db.dispose()
        out["workbook dry run"] = r["dry run"]
        out["workbook import"] = r["import"]
        out["workbook imported"] = r["imported"]
        out["workbook problems"] = r["problems"]
    return out


def _empty_pg(url: str) -> None:
    """Drop and create the database of ``url`` (the benchmark's own)."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()


# --- the table ---------------------------------------------------------------------------------


def op_name(label: str) -> str:
    """A list row's name without the counts that differ between scales."""
    return re.sub(r" \([\d,]+(th)?\)| \(\d+ keys\)", "", label).strip()


def build_rows(
    label: str, main: dict[str, Any], base: dict[str, Any] | None, other: dict[str, float]
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def add(
        name: str,
        value: float,
        unit: str,
        floor: float | None,
        floor_name: str,
        target: str,
        ok: bool | None,
    ) -> None:
        rows.append(
            {
                "measure": name,
                "value": value,
                "unit": unit,
                "floor": floor,
                "floor_name": floor_name,
                "ratio": (value / floor) if floor else None,
                "target": target,
                "pass": ok,
            }
        )

    st = main["startup"]
    add(
        "start-up: launch to main window painted",
        st["main"] * 1000,
        "ms",
        st["bare"] * 1000,
        "bare QMainWindow",
        f"<= {START_FACTOR:g}x floor",
        st["main"] <= START_FACTOR * st["bare"],
    )
    add(
        "start-up: launch to first list painted",
        st["list"] * 1000,
        "ms",
        st["bare"] * 1000,
        "bare QMainWindow",
        "",
        None,
    )
    base_lists = {op_name(n): v for n, v in base["lists"]} if base else {}
    for name, value in main["lists"]:
        key = op_name(name)
        if "count known" in key or "blocked" in key:
            continue  # background work: the window already shows the rows
        floor = base_lists.get(key) if base else None
        ok = value <= INTERACTION_MS
        if floor:
            ok = ok and (value / floor <= GROWTH_MAX or value <= 25.0)
        add(
            key,
            value,
            "ms",
            floor,
            "same at 10k" if floor else "",
            f"<= {INTERACTION_MS:g} ms" + (f", growth < {GROWTH_MAX:g}x" if floor else ""),
            ok,
        )
    base_core = base["core"] if base else {}
    for name, fig in main["core"].items():
        floor = base_core.get(name, {}).get("p95") if base else None
        if fig.get("info"):
            add(name, fig["p95"], "ms", floor, "same at 10k" if floor else "", "", None)
            continue
        add(
            f"{name}, p95",
            fig["p95"],
            "ms",
            floor,
            "same at 10k" if floor else "",
            f"<= {INTERACTION_MS:g} ms",
            fig["p95"] <= INTERACTION_MS,
        )
    if other:
        for n, target in ((500, 2.0), (2000, 8.0)):
            v = other[f"packet {n}"]
            add(
                f"PDF packet, {n:,} action items ({int(other[f'packet {n} pages'])} pages)",
                v * 1000,
                "ms",
                None,
                "",
                f"< {target:g} s",
                v < target,
            )
        add(
            "CSV import 50,000 rows: dry run",
            other["import dry run"] * 1000,
            "ms",
            None,
            "",
            "< 30 s",
            other["import dry run"] < 30,
        )
        add(
            f"CSV import 50,000 rows: import ({int(other['imported']):,})",
            other["import"] * 1000,
            "ms",
            None,
            "",
            "< 30 s",
            other["import"] < 30,
        )
        add(
            "XLSX workbook 50,000 rows, 6 sheets: dry run",
            other["workbook dry run"] * 1000,
            "ms",
            None,
            "",
            "< 30 s",
            other["workbook dry run"] < 30 and not other["workbook problems"],
        )
        add(
            f"XLSX workbook 50,000 rows, 6 sheets: import ({int(other['workbook imported']):,})",
            other["workbook import"] * 1000,
            "ms",
            None,
            "",
            "< 30 s",
            other["workbook import"] < 30,
        )
    add(
        f"peak resident memory, window at {label}",
        main["rss_mb"],
        "MB",
        base["rss_mb"] if base else None,
        "same at 10k" if base else "",
        f"<= {MEMORY_MB:g} MB",
        main["rss_mb"] <= MEMORY_MB,
    )
    return rows


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "MB":
        return f"{value:.0f} MB"
    return (
        f"{value / 1000:.2f} s"
        if value >= 10_000
        else f"{value:.0f} ms"
        if value >= 10
        else f"{value:.1f} ms"
    )


def table(rows: list[dict[str, Any]]) -> str:
    width = max(len(r["measure"]) for r in rows)
    head = (
        f"| {'measure':<{width}} | {'result':>9} | {'floor':>9} | {'ratio':>6} | "
        f"{'floor is':<16} | {'target':<27} | verdict |"
    )
    lines = [head, "|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|"]
    for r in rows:
        verdict = "" if r["pass"] is None else ("pass" if r["pass"] else "**FAIL**")
        ratio = f"{r['ratio']:.2f}x" if r["ratio"] is not None else ""
        lines.append(
            f"| {r['measure']:<{width}} | {fmt(r['value'], r['unit']):>9} | "
            f"{fmt(r['floor'], r['unit']):>9} | {ratio:>6} | {r['floor_name']:<16} | "
            f"{r['target']:<27} | {verdict:<7} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", choices=list(SCALES), default="1m")
    ap.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--json", type=Path, help="also write the rows here")
    ap.add_argument("--runs", type=int, default=3, help="start-up runs (median)")
    ap.add_argument("--skip-files", action="store_true", help="no PDF packets nor CSV import")
    ap.add_argument("--child", nargs=2, metavar=("URL", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child[0], Path(args.child[1]), args.runs)
        return 0

    started = time.perf_counter()
    url = database_for(args.scale, args.backend)
    base_url = database_for("10k", args.backend) if args.scale != "10k" else None
    print(f"measuring {url} …", flush=True)
    main_result = measure(url, args.runs)
    base_result = None
    if base_url:
        print(f"measuring {base_url} (for growth ratios) …", flush=True)
        base_result = measure(base_url, args.runs)
    other = {} if args.skip_files else packets_and_import(args.backend)
    rows = build_rows(args.scale, main_result, base_result, other)
    load = os.getloadavg()
    print()
    print(
        f"Scale {args.scale} ({SCALES[args.scale]:,} action items), backend {args.backend}, "
        f"{os.cpu_count()} cores, load average {load[0]:.1f}, "
        f"run took {time.perf_counter() - started:.0f} s"
    )
    print()
    print(table(rows))
    failed = [r["measure"] for r in rows if r["pass"] is False]
    print()
    print(
        f"{sum(r['pass'] is True for r in rows)} of {sum(r['pass'] is not None for r in rows)} targets met"
        + (": failed " + "; ".join(failed) if failed else "")
    )
    slow = sorted(main_result["keystrokes"], key=lambda kv: -kv[1])[:5]
    print("slowest keystrokes: " + ", ".join(f"{t!r} {v:.0f} ms" for t, v in slow))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "scale": args.scale,
                    "backend": args.backend,
                    "rows": rows,
                    "raw": {"main": main_result, "base": base_result, "files": other},
                },
                indent=1,
                ensure_ascii=False,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
