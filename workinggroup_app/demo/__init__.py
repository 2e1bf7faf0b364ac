"""Demo data: a realistic, bilingual, deterministic data set, loaded with bulk inserts.

``seed(db)`` fills a database with two years of the working group's life. It first merges
the shipped reference data (``services.reference_data``: the agencies of both sides and the
substances, by their UUIDs) and builds on those same records, so that what the demo
exports imports into any freshly set-up database; then fictitious contacts, companies
(with valid Unified Social Credit Codes), websites, shipments and accounts, the demo's few
substances of its own (a class, equipment), meetings
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

import logging
import time
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from workinggroup_app.demo.loader import Seeder
from workinggroup_app.demo.seeder import (
    LARGE_LOAD,
    SEED_ACTOR,
    STAGES,
    Progress,
    SeedResult,
    sqlite_bulk_settings,
)
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.services import reference_data

log = logging.getLogger(__name__)

DEMO_ACTOR = Actor(SEED_ACTOR, "administrator", "Demo data")


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
        restore = sqlite_bulk_settings(raw, big) if conn.dialect.name == "sqlite" else None
        try:
            with Session(bind=conn, expire_on_commit=False) as session:
                try:
                    # the shipped agencies and substances first, with their audit events
                    t0 = time.perf_counter()
                    merged = reference_data.merge_in(session, DEMO_ACTOR)
                    merge_seconds = time.perf_counter() - t0
                    seeder = Seeder(
                        session,
                        scale=scale,
                        seed=seed,
                        today=today,
                        progress=progress,
                        reference=merged,
                    )
                    result = seeder.run()
                    result.seconds = {"reference data": merge_seconds, **result.seconds}
                    result.total_seconds += merge_seconds
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
    """Load the demo data set into ``db`` (a ``db.Database``); returns records added per
    type (the shipped reference records the merge added included).

    ``scale=None`` gives the everyday set (two years of meetings, 40 cases, 250
    referrals, 600 action items); ``scale=N`` gives N action items and N/10 referrals.
    ``seed`` and ``today`` make it deterministic. ``progress(label, done, total)`` is
    called as each stage starts.
    """
    return seed_detailed(db, scale=scale, seed=seed, progress=progress, today=today).records
