"""Reference numbers on PostgreSQL: writers creating the first records of a year at once
all get numbers, distinct and consecutive (the first of them creates the year's counter row,
the others wait for it and count on)."""

from __future__ import annotations

import time
from datetime import date

import pytest
from sqlalchemy import select

from tests.postgres.together import run_together
from workinggroup_app.domain.fields import record_type
from workinggroup_app.domain.models import ActionItem, ReferenceCounter
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.services import records as services
from workinggroup_app.services.records import Services
from workinggroup_app.storage.reference_numbers import format_reference

pytestmark = pytest.mark.postgres

ITEM = {"title_en": "Lead", "title_zh": "线索", "owner_side": "US", "releasability": "releasable"}
YEAR = 2031  # no record, so no counter row, has this year yet


def test_first_records_of_a_year_created_at_once_all_get_numbers(pg_db, monkeypatch):
    writers = 6
    numbered = services.next_reference

    def next_reference_then_wait(session, prefix, year):
        # Each transaction stays open a while after numbering, so every writer numbers
        # before the first one commits: the race on the missing counter row, every time.
        reference = numbered(session, prefix, year)
        time.sleep(0.3)
        return reference

    monkeypatch.setattr(services, "next_reference", next_reference_then_wait)
    created: list[int] = []

    def writer(n: int) -> None:
        svc = Services(pg_db, Actor(f"writer{n}", "coordinator"), today=lambda: date(YEAR, 1, 2))
        created.append(svc.create("action_item", {**ITEM, "title_en": f"Lead {n}"}).ids[0])

    run_together(writer, writers, timeout=60)
    assert len(created) == writers
    prefix = record_type("action_item").prefix
    with pg_db.session() as s:
        references = sorted(s.scalars(select(ActionItem.reference)))
        counter = s.get(ReferenceCounter, (prefix, YEAR))
        assert counter is not None and counter.last == writers
    assert references == [format_reference(prefix, YEAR, k) for k in range(1, writers + 1)]
