"""What encrypting the SQLite file costs: the same reads and writes on a plain file and on
its encrypted copy (SQLCipher 4), side by side.

Run: ``.venv/bin/python -m benchmarks.bench_encryption [--scale 1000000]`` (target: every
encrypted figure within 1.3x of the plain one). Uses the benchmark harness's cached demo
file ``/tmp/wg-bench-<label>.sqlite3`` when it is there (``python -m benchmarks --scale
1m`` makes it), else seeds one; the encrypted copy is made with ``storage.encryption`` in a
temporary folder and deleted after. Each figure is the median of ``--repeats`` runs, with
a warm page cache (the first run of each is not counted). Prints one table; asserts
nothing.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import text

from workinggroup_app import demo
from workinggroup_app.domain.permissions import SYSTEM, Actor
from workinggroup_app.read.dashboard.figures import compute
from workinggroup_app.read.lists import ListSpec, count_rows, list_rows
from workinggroup_app.services import users
from workinggroup_app.services.records import Services
from workinggroup_app.storage.credentials import Credentials
from workinggroup_app.storage.database import Database, open_database
from workinggroup_app.storage.encryption import encrypt_file
from workinggroup_app.storage.keyfile import KeyFile, key_file_for

LIMIT = 1.3
ADMIN = Credentials("bench-admin", "benchmark sign-in, not a secret")
LABELS = {10_000: "10k", 100_000: "100k", 1_000_000: "1m"}


def _median_ms(fn: Callable[[], Any], repeats: int) -> float:
    fn()  # warm: the page cache, SQLAlchemy's statement cache
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def operations(db: Database) -> list[tuple[str, Callable[[], Any]]]:
    today = date.today()
    items = ListSpec("action_item", today=today)
    total = None

    def first_page() -> None:
        with db.session() as s:
            list_rows(s, items, 0, 200)

    def deep_page() -> None:
        nonlocal total
        with db.session() as s:
            total = total or count_rows(s, items)
            list_rows(s, items, total // 2, 200, total=total)

    def count_open() -> None:
        with db.session() as s:
            count_rows(s, items.with_(open_only=True))

    def search(words: str) -> Callable[[], None]:
        def run() -> None:
            with db.session() as s:
                list_rows(s, ListSpec("referral", text=words, today=today), 0, 200)

        return run

    def dashboard() -> None:
        with db.session() as s:
            compute(s, today, "internal", None, sessions=db.session)

    actor = Actor(ADMIN.username, "administrator")
    services = Services(db, actor)
    made: list[int] = []

    def save() -> None:
        change = services.create("case", {"title_en": "Benchmark case", "title_zh": "基准案件"})
        made.append(change.ids[0])

    return [
        ("action items, first page", first_page),
        ("action items, page at the middle", deep_page),
        ("open action items, count", count_open),
        ("referrals, search 'fentanyl'", search("fentanyl")),
        ("referrals, search '芬太尼'", search("芬太尼")),
        ("dashboard, every figure", dashboard),
        ("save a new case (audited)", save),
    ]


def plain_file(scale: int, folder: Path) -> Path:
    cached = Path(f"/tmp/wg-bench-{LABELS.get(scale, scale)}.sqlite3")
    target = folder / "plain.sqlite3"
    if cached.exists():
        shutil.copyfile(cached, target)
    else:
        db = open_database(str(target))
        demo.seed(db, scale=scale)
        db.dispose()
    db = open_database(str(target))
    try:
        if users.first_run_needed(db):
            users.create_first_administrator(db, ADMIN.username, ADMIN.password)
        else:  # the harness's file has its own bench account, with the same password
            with db.session() as s:
                known = s.execute(
                    text("SELECT 1 FROM app_user WHERE username = :u"), {"u": ADMIN.username}
                ).first()
            if known is None:
                users.create_user(db, SYSTEM, ADMIN.username, ADMIN.password, "administrator")
    finally:
        db.dispose()
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1_000_000, help="action items")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="keep (and reuse) the two files in DIR"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="wg-bench-enc-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        plain = folder / "plain.sqlite3"
        encrypted = folder / "encrypted.sqlite3"
        encrypt_s = 0.0
        if not (args.keep and key_file_for(encrypted).exists()):
            plain = plain_file(args.scale, folder)
            shutil.copyfile(plain, encrypted)
            start = time.perf_counter()
            encrypt_file(encrypted, ADMIN, keep_plain_copy=False)
            encrypt_s = time.perf_counter() - start
        start = time.perf_counter()
        KeyFile.read(key_file_for(encrypted)).unlock(ADMIN)
        unwrap_ms = (time.perf_counter() - start) * 1000
        figures: dict[str, dict[str, float]] = {}
        opened: dict[str, float] = {}
        for label, path, credentials in (
            ("plain", plain, None),
            ("encrypted", encrypted, ADMIN),
        ):
            start = time.perf_counter()
            db = open_database(str(path), credentials=credentials)
            opened[label] = (time.perf_counter() - start) * 1000
            try:
                for name, fn in operations(db):
                    figures.setdefault(name, {})[label] = _median_ms(fn, args.repeats)
            finally:
                db.dispose()
        size = plain.stat().st_size / 1e6
        print(
            f"\nEncrypted SQLite, scale {args.scale:,} action items, {size:,.0f} MB file; "
            f"encrypting it took {encrypt_s:.1f} s"
        )
        print(f"\n{'operation':<36}{'plain ms':>10}{'encrypted ms':>14}{'ratio':>8}  ok")
        print("-" * 74)
        opening = {"plain": opened["plain"], "encrypted": opened["encrypted"] - unwrap_ms}
        for name, pair in [("open and check the file", opening), *figures.items()]:
            ratio = pair["encrypted"] / pair["plain"] if pair["plain"] else float("inf")
            ok = "yes" if ratio <= LIMIT else "NO"
            print(f"{name:<36}{pair['plain']:>10.1f}{pair['encrypted']:>14.1f}{ratio:>8.2f}  {ok}")
        print(f"{'unwrap the key (Argon2id, by design)':<36}{'':>10}{unwrap_ms:>14.1f}")
        print(f"\n(target: encrypted within {LIMIT}x of plain)")


if __name__ == "__main__":
    main()
