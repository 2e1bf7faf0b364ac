"""A team on one PostgreSQL server: 20 people creating, editing and moving records at once.

Run: ``.venv/bin/python -m benchmarks.load_pg [--users 20] [--seconds 30] [--pool 12]``.
Creates a fresh database (<name>_load on the server of WORKINGGROUP_BENCH_POSTGRES_URL,
default postgresql+psycopg://postgres@127.0.0.1:5432/wg_bench; never the shared ``test``
database), upgrades it as the owner (which makes the database's group roles and grants,
storage/server_roles.py) and adds one coordinator account per user, load01..20, each with
its own server login (``<database>_load01`` ...). Each simulated user is a thread with its
own connection as its own login, and repeatedly creates
an action item, edits one, or moves one to another status, picking from a small pool shared
by everybody (new items join the pool), with a short think time between reading a record
and saving it, so stale edits happen. At the end it prints throughput, p95 latency per
operation, and the proof that no update was lost: for every record, version == 1 +
successful updates and transitions on it, audit events == create + those operations,
status changes == creation + transitions; stale-edit refusals are counted separately; and
``audit.verify`` passes over the whole chain. Asserts nothing; exits 1 if a check fails.
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time
from collections import Counter, defaultdict

from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url

from benchmarks.__main__ import pg_url
from benchmarks.bench_gui import percentile
from workinggroup_app.audit import trail
from workinggroup_app.domain import models
from workinggroup_app.domain.errors import StaleEditError
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.domain.workflows import WORKFLOWS
from workinggroup_app.services import users
from workinggroup_app.services.records import Services
from workinggroup_app.storage.credentials import Credentials
from workinggroup_app.storage.database import open_database

PASSWORD = "load benchmark password"
OPS = ("create", "update", "transition")
WEIGHTS = (1, 5, 4)


def fresh_database(url: str) -> None:
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    admin.dispose()


def without_user(url: str) -> str:
    """The address as a person's desktop has it: no user name, so each connects as their
    own login (storage/server_roles.person_url)."""
    u = make_url(url)
    return f"{u.drivername}://{u.host or '127.0.0.1'}:{u.port or 5432}/{u.database}"


class Ledger:
    """What every user did, as they saw it succeed."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pool: list[int] = []
        self.created: Counter[int] = Counter()
        self.updates: Counter[int] = Counter()
        self.transitions: Counter[int] = Counter()
        self.stale: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.latency: dict[str, list[float]] = defaultdict(list)


def user(n: int, url: str, ledger: Ledger, until: float, seed: int) -> None:
    name = f"load{n:02d}"
    db = open_database(without_user(url), migrate=False, credentials=Credentials(name, PASSWORD))
    services = Services(db, Actor(name, "coordinator"))
    rng = random.Random(seed)
    flow = WORKFLOWS["action_item"]
    try:
        while time.perf_counter() < until:
            op = rng.choices(OPS, WEIGHTS)[0]
            started = time.perf_counter()
            try:
                if op == "create":
                    change = services.create(
                        "action_item",
                        {
                            "title_en": f"Follow up lead from {name}",
                            "title_zh": f"跟进{name}的线索",
                            "owner_side": "US",
                            "releasability": "releasable",
                        },
                    )
                    ms = (time.perf_counter() - started) * 1000
                    with ledger.lock:
                        ledger.pool.append(change.ids[0])
                        ledger.created[change.ids[0]] += 1
                        ledger.latency[op].append(ms)
                    continue
                with ledger.lock:
                    record_id = rng.choice(ledger.pool[-12:] + ledger.pool[:12])
                with db.session() as s:  # the form shows the record as read now
                    obj = s.get(models.ActionItem, record_id)
                    version, status = obj.version, obj.status
                time.sleep(rng.uniform(0.0, 0.02))  # the person types
                started = time.perf_counter()
                if op == "update":
                    services.update(
                        "action_item",
                        record_id,
                        {"title_en": f"Edited by {name} at {time.perf_counter():.6f}"},
                        version,
                    )
                    counter = ledger.updates
                else:
                    targets = [t.target for t in flow.transitions if t.source == status]
                    targets = [t for t in targets if t != "cancelled"]
                    services.transition(
                        "action_item",
                        record_id,
                        rng.choice(targets),
                        comment=f"moved by {name}",
                        expected_version=version,
                    )
                    counter = ledger.transitions
                ms = (time.perf_counter() - started) * 1000
                with ledger.lock:
                    counter[record_id] += 1
                    ledger.latency[op].append(ms)
            except StaleEditError:
                ms = (time.perf_counter() - started) * 1000
                with ledger.lock:
                    ledger.stale[op] += 1
                    ledger.latency[f"{op} (refused: stale)"].append(ms)
            except Exception as exc:  # reported, never hidden
                with ledger.lock:
                    ledger.errors[f"{op}: {type(exc).__name__}: {str(exc)[:120]}"] += 1
    finally:
        db.dispose()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--pool", type=int, default=12, help="records everybody starts from")
    args = ap.parse_args(argv)

    url = pg_url("load")
    print(f"database: {make_url(url).database} (fresh), {args.users} logins of their own")
    fresh_database(url)
    owner = open_database(url)  # the owner upgrades the schema and makes the group roles
    admin = users.create_first_administrator(owner, "load-owner", PASSWORD)
    for n in range(1, args.users + 1):
        users.create_user(owner, admin, f"load{n:02d}", PASSWORD, "coordinator")
    ledger = Ledger()
    seeder = Services(owner, admin)
    for i in range(args.pool):
        change = seeder.create(
            "action_item",
            {
                "title_en": f"Shared item {i}",
                "title_zh": f"共享事项{i}",
                "owner_side": "JOINT",
                "releasability": "releasable",
            },
        )
        ledger.pool.append(change.ids[0])
        ledger.created[change.ids[0]] += 1

    until = time.perf_counter() + args.seconds
    started = time.perf_counter()
    threads = [
        threading.Thread(target=user, args=(n, url, ledger, until, 1000 + n), daemon=True)
        for n in range(1, args.users + 1)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started

    ok_ops = sum(len(v) for k, v in ledger.latency.items() if "refused" not in k)
    stale = sum(ledger.stale.values())
    print(f"\n{args.users} users, {elapsed:.1f} s, {len(ledger.created)} records touched")
    print(
        f"throughput: {ok_ops / elapsed:.1f} successful ops/s "
        f"({(ok_ops + stale) / elapsed:.1f} ops/s including stale refusals)"
    )
    print("\n| operation | done | p50 ms | p95 ms |\n|---|---:|---:|---:|")
    for op in sorted(ledger.latency):
        v = ledger.latency[op]
        print(f"| {op} | {len(v):,} | {percentile(v, 0.5):.0f} | {percentile(v, 0.95):.0f} |")
    print(f"\nstale edits refused (not lost): {dict(ledger.stale)} = {stale:,}")
    if ledger.errors:
        print(f"other errors: {dict(ledger.errors)}")

    # the proof that nothing was lost
    bad: list[str] = []
    with owner.session() as s:
        ids = list(ledger.created)
        versions = dict(
            s.execute(
                select(models.ActionItem.id, models.ActionItem.version).where(
                    models.ActionItem.id.in_(ids)
                )
            ).all()
        )
        events = dict(
            s.execute(
                select(models.AuditEvent.record_id, func.count())
                .where(
                    models.AuditEvent.record_type == "action_item",
                    models.AuditEvent.record_id.in_(ids),
                )
                .group_by(models.AuditEvent.record_id)
            ).all()
        )
        changes = dict(
            s.execute(
                select(models.StatusChange.record_id, func.count())
                .where(
                    models.StatusChange.record_type == "action_item",
                    models.StatusChange.record_id.in_(ids),
                )
                .group_by(models.StatusChange.record_id)
            ).all()
        )
        for rid in ids:
            done = ledger.updates[rid] + ledger.transitions[rid]
            if versions.get(rid) != 1 + done:
                bad.append(f"#{rid}: version {versions.get(rid)} != 1 + {done}")
            if events.get(rid, 0) != 1 + done:
                bad.append(f"#{rid}: {events.get(rid, 0)} audit events != 1 + {done}")
            if changes.get(rid, 0) != 1 + ledger.transitions[rid]:
                bad.append(f"#{rid}: {changes.get(rid, 0)} status changes")
        result = trail.verify(s)
    pooled = ids[: args.pool]
    print(
        f"\nshared pool: {len(pooled)} records, "
        f"{sum(ledger.updates[i] + ledger.transitions[i] for i in pooled):,} successful edits "
        f"and transitions on them, versions "
        f"{min(versions[i] for i in pooled)}..{max(versions[i] for i in pooled)}"
    )
    print(
        f"lost updates: {len(bad)} records disagree"
        + (
            " — " + "; ".join(bad[:10])
            if bad
            else " (version == 1 + ops, audit events == "
            "1 + ops, status changes == 1 + transitions, for every record)"
        )
    )
    print(
        f"audit.verify: {'ok' if result.ok else 'BROKEN'}, {result.checked:,} events checked"
        + ("" if result.ok else f" (first bad #{result.first_bad_id}: {result.reason})")
    )
    owner.dispose()
    return 0 if not bad and result.ok and stale > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
