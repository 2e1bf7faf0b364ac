"""The reference counter: one number after another per prefix and year, blocks reserved in
between, and a counter the session has loaded kept up to date."""

from __future__ import annotations

import pytest

from workinggroup_app.domain.models import ReferenceCounter
from workinggroup_app.storage.reference_numbers import (
    format_reference,
    next_reference,
    reserve_block,
)


def test_format_reference():
    assert format_reference("REF", 2026, 42) == "REF-2026-0042"
    assert format_reference("REF", 2026, 12345) == "REF-2026-12345"


def test_numbers_count_on_per_prefix_and_year(any_db):
    with any_db.sessions.begin() as s:
        assert next_reference(s, "REF", 2030) == "REF-2030-0001"
        assert next_reference(s, "REF", 2030) == "REF-2030-0002"
        assert next_reference(s, "REF", 2031) == "REF-2031-0001"
        assert next_reference(s, "ACT", 2030) == "ACT-2030-0001"
        assert reserve_block(s, "REF", 2030, 5) == 3
        assert next_reference(s, "REF", 2030) == "REF-2030-0008"
        assert reserve_block(s, "MTG", 2030, 3) == 1  # a block may create the counter
        assert reserve_block(s, "MTG", 2030, 0) == 4  # nothing reserved: where the next starts
    with any_db.sessions() as s:  # committed
        assert s.get(ReferenceCounter, ("REF", 2030)).last == 8
        assert s.get(ReferenceCounter, ("MTG", 2030)).last == 3


@pytest.mark.parametrize("raise_to", [None, 10])
def test_a_loaded_counter_shows_the_numbers_handed_out(any_db, raise_to):
    """As the importer does: load the counter, perhaps raise it, then reserve after it."""
    with any_db.sessions.begin() as s:
        next_reference(s, "REF", 2030)
    with any_db.sessions.begin() as s:
        counter = s.get(ReferenceCounter, ("REF", 2030))
        if raise_to is not None:
            counter.last = raise_to  # pending: written before the next number is taken
        start = (raise_to or 1) + 1
        assert reserve_block(s, "REF", 2030, 3) == start
        assert counter.last == start + 2
        assert next_reference(s, "REF", 2030) == format_reference("REF", 2030, start + 3)
        assert counter.last == start + 3
    with any_db.sessions() as s:
        assert s.get(ReferenceCounter, ("REF", 2030)).last == start + 3
