"""How long spreadsheets in and exchange packages out take at the group's scale.

Run: ``.venv/bin/python -m benchmarks.bench_import`` (targets: a dry run and an import of
50,000 referrals from CSV each under 30 s; an exchange export of 100,000 records under
30 s; ``--rows`` and ``--exchange`` change the sizes). Works in a fresh SQLite file under a
temporary folder (``--database-url`` for PostgreSQL: an empty database you own; or
``--postgres SERVER_URL`` for a fresh throw-away database ``wg_bench_import_<random>`` created
on that server and dropped after). ``--import-only`` stops after the CSV import;
``--profile FILE`` writes a cProfile of the import (the commit) to FILE. Prints a table;
asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workinggroup_app.domain.permissions import Actor
from workinggroup_app.exchange import sheets, sync
from workinggroup_app.read.lists import ListSpec
from workinggroup_app.services.records import Services
from workinggroup_app.storage.database import open_database
from workinggroup_app.storage.engine import normalise_url

ACTOR = Actor("bench", "administrator")
AGENCIES = (
    ("DEA", "US", "Drug Enforcement Administration", "美国缉毒局"),
    ("HSI", "US", "Homeland Security Investigations", "国土安全调查局"),
    ("NCB", "PRC", "Narcotics Control Bureau", "公安部禁毒局"),
    ("GACC", "PRC", "General Administration of Customs", "海关总署"),
)
HEADERS = [
    "标题（英文）",
    "标题（中文）",
    "方向",
    "类型",
    "发送机构",
    "接收机构",
    "发送/接收日期",
    "答复期限",
    "对方编号",
    "状态",
    "可向对方提供",
    "摘要（英文）",
    "摘要（中文）",
]


def write_csv(path: Path, rows: int, start: int, seed: int) -> Path:
    rng = random.Random(seed)
    substances = ["NPP", "ANPP", "4-AP", "1-boc-4-AP", "4-piperidone", "nitazene"]
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        for i in range(start, start + rows):
            us_to_prc = rng.random() < 0.7
            sub = rng.choice(substances)
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            w.writerow(
                [
                    f"Online sale of {sub} precursor, lead {i}",
                    f"网上销售{sub}前体化学品 线索{i}",
                    "美方至中方" if us_to_prc else "PRC to US",
                    rng.choice(["lead", "侦查线索", "seizure", "assistance"]),
                    rng.choice(["DEA", "HSI"]) if us_to_prc else rng.choice(["NCB", "GACC"]),
                    rng.choice(["NCB", "GACC"]) if us_to_prc else rng.choice(["DEA", "HSI"]),
                    f"2025-{month:02d}-{day:02d}",
                    f"2026/{month}/{day}",
                    f"PRC-2025-{i:06d}",
                    rng.choice(["sent", "已发送", "acknowledged", "draft"]),
                    "是",
                    f"Storefront offering {sub} with shipping to Mexico; {rng.randint(1, 500)} kg.",
                    f"网店出售{sub}，可运往墨西哥；约{rng.randint(1, 500)}公斤。",
                ]
            )
    return path


def timed(label: str, fn: Callable[[], Any], results: list[tuple[str, float, str]]) -> Any:
    started = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - started
    results.append((label, seconds, ""))
    return value


def add_agencies(db: Any) -> None:
    services = Services(db, ACTOR)
    for abbr, side, en, zh in AGENCIES:
        services.create(
            "agency",
            {
                "abbreviation": abbr,
                "side": side,
                "title_en": en,
                "title_zh": zh,
                "releasability": "releasable",
            },
        )


def csv_import(db: Any, work: Path, rows: int) -> dict[str, float]:
    """Seconds to write, read, dry-run and import ``rows`` referrals from CSV into ``db``
    (which must hold the benchmark's agencies: ``add_agencies``)."""
    results: list[tuple[str, float, str]] = []
    path = timed("write", lambda: write_csv(work / "r.csv", rows, 0, 1), results)
    sheet = timed("read", lambda: sheets.read_sheet(path), results)
    imp = sheets.Importer(db, "referral", sheet, actor=ACTOR)
    dry = timed("dry run", imp.check, results)
    done = timed("import", imp.commit, results)
    out = {label: seconds for label, seconds, _ in results}
    out["problems"] = len(dry.problems)
    out["imported"] = done.imported
    return out


# a workbook of 50,000 rows the way an office's history splits across its sheets
WORKBOOK_SHARES = (
    ("Contacts", 0.06),
    ("Cases", 0.10),
    ("Referrals", 0.50),
    ("Meetings", 0.02),
    ("Attendees", 0.12),
    ("Action items", 0.20),
)


def write_workbook(path: Path, rows: int, seed: int) -> Path:
    """An XLSX workbook of ``rows`` rows over six sheets that name each other by reference
    (referrals their cases, attendees their meetings and contacts, action items their
    meetings and cases)."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    n = {title: max(1, int(rows * share)) for title, share in WORKBOOK_SHARES}
    n["Referrals"] += rows - sum(n.values())
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Contacts")
    ws.append(["title_en", "title_zh", "agency_id", "email", "releasable"])
    for i in range(n["Contacts"]):
        agency = rng.choice(AGENCIES)[0]
        ws.append([f"Officer {i}", f"联络员{i}", agency, f"officer{i}@example.org", "yes"])
    ws = wb.create_sheet("Cases")
    ws.append(["reference", "title_en", "title_zh", "lead_agency_id", "status", "opened_on"])
    for i in range(n["Cases"]):
        ws.append([f"CASE-2024-{i + 1:05d}", f"Network {i}", f"网络{i}", "DEA", "active",
                   f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"])  # fmt: skip
    ws = wb.create_sheet("Referrals")
    ws.append(["title_en", "title_zh", "direction", "referral_type", "sending_agency_id",
               "receiving_agency_id", "case_id", "status", "sent_on"])  # fmt: skip
    for i in range(n["Referrals"]):
        ws.append([f"Lead {i}", f"线索{i}", "US_TO_PRC", "lead", "DEA", "NCB",
                   f"CASE-2024-{rng.randint(1, n['Cases']):05d}", "sent",
                   f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"])  # fmt: skip
    ws = wb.create_sheet("Meetings")
    ws.append(["reference", "title_en", "title_zh", "meeting_type", "starts_at", "status"])
    for i in range(n["Meetings"]):
        ws.append([f"MTG-2024-{i + 1:05d}", f"Meeting {i}", f"会议{i}", "technical",
                   "2024-06-01 02:00", "held"])  # fmt: skip
    ws = wb.create_sheet("Attendees")
    ws.append(["meeting", "side", "name_en", "contact_id"])
    for _i in range(n["Attendees"]):
        c = rng.randrange(n["Contacts"])
        ws.append([f"MTG-2024-{rng.randint(1, n['Meetings']):05d}", "US", f"Officer {c}",
                   f"officer{c}@example.org"])  # fmt: skip
    ws = wb.create_sheet("Action items")
    ws.append(["title_en", "title_zh", "owner_side", "owner_agency_id", "origin_meeting_id",
               "origin_case_id", "due_date"])  # fmt: skip
    for i in range(n["Action items"]):
        ws.append([f"Follow up {i}", f"跟进{i}", "US", "DEA",
                   f"MTG-2024-{rng.randint(1, n['Meetings']):05d}",
                   f"CASE-2024-{rng.randint(1, n['Cases']):05d}", "2025-12-31"])  # fmt: skip
    wb.save(path)
    return path


def workbook_import(db: Any, work: Path, rows: int) -> dict[str, float]:
    """Seconds to write, dry-run and import a workbook of ``rows`` rows over six sheets."""
    from workinggroup_app.exchange.sheets.workbook import import_workbook

    results: list[tuple[str, float, str]] = []
    path = timed("write", lambda: write_workbook(work / "office.xlsx", rows, 2), results)
    dry = timed("dry run", lambda: import_workbook(db, path, actor=ACTOR, dry_run=True), results)
    done = timed("import", lambda: import_workbook(db, path, actor=ACTOR), results)
    out = {label: seconds for label, seconds, _ in results}
    out["problems"] = len(dry.all_problems())
    out["imported"] = done.imported
    return out


def _fresh_pg(server_url: str) -> tuple[str, Callable[[], None]]:
    """A new empty database on the server at ``server_url`` and the function that drops it."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    server = make_url(normalise_url(server_url))
    name = f"wg_bench_import_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return server.set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--rows", type=int, default=50_000, help="referrals in the CSV")
    p.add_argument("--exchange", type=int, default=100_000, help="records in the package")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--database-url", help="default: a new SQLite file in a temporary folder")
    where.add_argument(
        "--postgres", metavar="SERVER_URL", help="a fresh PostgreSQL database on this server"
    )
    p.add_argument("--import-only", action="store_true", help="stop after the CSV import")
    p.add_argument("--profile", metavar="FILE", help="write a cProfile of the import here")
    args = p.parse_args()

    drop: Callable[[], None] | None = None
    url = args.database_url
    if args.postgres:
        url, drop = _fresh_pg(args.postgres)
    try:
        run(args, url)
    finally:
        if drop is not None:
            drop()


def run(args: argparse.Namespace, url: str | None) -> None:
    work = Path(tempfile.mkdtemp(prefix="wg-bench-import-"))
    db = open_database(url or str(work / "bench.sqlite3"))
    print(f"database: {db.engine.dialect.name} {db.engine.url.database}")
    add_agencies(db)
    results: list[tuple[str, float, str]] = []
    n = args.rows

    path = timed(f"write CSV ({n:,} rows)", lambda: write_csv(work / "r.csv", n, 0, 1), results)
    sheet = timed("read CSV", lambda: sheets.read_sheet(path), results)
    imp = sheets.Importer(db, "referral", sheet, actor=ACTOR)
    dry = timed(f"dry run ({n:,} referrals)", imp.check, results)
    results[-1] = (results[-1][0], results[-1][1], f"{len(dry.problems)} problems")
    commit = imp.commit
    if args.profile:
        import cProfile

        def commit() -> sheets.ImportReport:
            prof = cProfile.Profile()
            try:
                return prof.runcall(imp.commit)
            finally:
                prof.dump_stats(args.profile)

    done = timed(f"import ({n:,} referrals)", commit, results)
    results[-1] = (results[-1][0], results[-1][1], f"{done.imported:,} imported")
    if args.import_only:
        db.dispose()
        _print(results, work)
        return

    # grow to the exchange size with more imports, then export them all
    have = done.imported
    batch = 0
    while have < args.exchange:
        batch += 1
        more = min(n, args.exchange - have)
        extra = write_csv(work / f"r{batch}.csv", more, have, batch + 1)
        report = sheets.run_import(db, "referral", extra, actor=ACTOR)
        have += report.imported
    keys, their_keys, secret = work / "keys", work / "their-keys", "benchmark passphrase"
    sync.generate_key("US", directory=keys, passphrase=secret)
    sync.generate_key("PRC", directory=their_keys, passphrase=secret)
    sync.register_key(db, "PRC (for timing)", (their_keys / sync.PUBLIC_KEY).read_bytes())
    package = work / "package.zip"
    result = timed(
        f"exchange export ({have:,} records)",
        lambda: sync.export_package(db, package, actor=ACTOR, key_dir=keys, passphrase=secret),
        results,
    )
    size = package.stat().st_size / 1e6
    results[-1] = (results[-1][0], results[-1][1], f"{result.total:,} records, {size:.0f} MB")

    # opened as the counterpart would open it, on this database (so all unchanged)
    sync.register_key(db, "US (for timing)", (keys / sync.PUBLIC_KEY).read_bytes())
    timed(
        f"exchange decrypt + verify + preview ({have:,}, all unchanged)",
        lambda: sync.preview_import(
            db, package, actor=ACTOR, key_dir=their_keys, passphrase=secret
        ),
        results,
    )
    from workinggroup_app.exchange.sheets.xlsx_export import export_xlsx

    rows = timed(
        f"XLSX export of the list ({have:,} rows)",
        lambda: export_xlsx(db, ListSpec("referral"), work / "list.xlsx", actor=ACTOR),
        results,
    )
    results[-1] = (results[-1][0], results[-1][1], f"{rows:,} rows")
    db.dispose()
    _print(results, work)


def _print(results: list[tuple[str, float, str]], work: Path) -> None:
    width = max(len(r[0]) for r in results)
    print(f"\n{'operation'.ljust(width)}  {'seconds':>8}  note")
    print(f"{'-' * width}  {'-' * 8}  ----")
    for label, seconds, note in results:
        print(f"{label.ljust(width)}  {seconds:8.2f}  {note}")
    print(f"\n(files in {work})")


if __name__ == "__main__":
    main()
