"""One load of the demo data set: every stage in order, then the finishing touches (reference
counters, sequences, the audit event of the seed).
"""

from __future__ import annotations

import time
from datetime import date

from workinggroup_app.demo.action_items import ActionItems
from workinggroup_app.demo.cases import Cases
from workinggroup_app.demo.indexes import Indexes
from workinggroup_app.demo.meetings import Meetings
from workinggroup_app.demo.reference_data import ReferenceData
from workinggroup_app.demo.referrals import Referrals
from workinggroup_app.demo.seeder import STAGES, SeedResult, audit_seed
from workinggroup_app.demo.tables import ID_TABLES, RECORD_TABLES, SEARCH_TABLE
from workinggroup_app.demo.writer import quote_name


class Seeder(ReferenceData, Meetings, Cases, Referrals, ActionItems, Indexes):
    def finish(self) -> None:
        self.stage(STAGES[7])
        self.rebuild_indexes()
        if self.w.dialect == "postgresql":
            for table in (*ID_TABLES, SEARCH_TABLE):
                self.w.execute(
                    f"SELECT setval(pg_get_serial_sequence('{quote_name(table)}', 'id'), "
                    f"GREATEST(MAX(id), 1), MAX(id) IS NOT NULL) FROM {quote_name(table)}"
                )
        self.tables = dict(self.w.rows)
        changes = {
            "records": dict(self.records),
            "rows": {t: n for t, n in self.tables.items() if n},
            "seed": self.seed_value,
            "today": date.fromordinal(self.T).isoformat(),
            "scale": self.scale_value,
        }
        if self.reference is not None:
            changes["reference_data"] = self.reference.version
        t0 = time.perf_counter()
        audit_seed(self.session, changes, self.first_id)
        self.seconds["audit events"] = time.perf_counter() - t0

    def run(self) -> SeedResult:
        start = time.perf_counter()
        self.begin_bulk_search()
        self.defer_indexes()
        for name, step in (
            ("agencies and contacts", self.agencies_and_contacts),
            ("entities and substances", self.entities_and_substances),
            ("meetings", self.meetings),
            ("cases", self.cases),
            ("referrals", self.referrals),
            ("action items", self.action_items),
        ):
            t0 = time.perf_counter()
            step()
            self.seconds[name] = time.perf_counter() - t0
        t0 = time.perf_counter()
        self.end_bulk_search()
        self.seconds["search index"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        self.finish()
        # what finishing took besides the audit events, which have a line of their own
        self.seconds["finishing"] = time.perf_counter() - t0 - self.seconds["audit events"]
        return SeedResult(
            records={rt: self.records.get(rt, 0) for rt in RECORD_TABLES},
            tables=self.tables,
            seconds=self.seconds,
            total_seconds=time.perf_counter() - start,
            table_seconds=dict(self.w.seconds),
            table_cpu=dict(self.w.cpu),
        )
