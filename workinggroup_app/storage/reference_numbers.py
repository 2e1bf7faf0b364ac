"""Human references like REF-2026-0042: prefix, year, a number per prefix and year."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from workinggroup_app.domain.models import ReferenceCounter

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def format_reference(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:04d}"


def _advance(session: Session, prefix: str, year: int, count: int) -> int:
    """Add ``count`` to the counter of ``prefix`` and ``year`` in one statement; the new last.

    ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``: two transactions taking the first
    number of a year at once cannot both insert the row (the second waits, then updates),
    and the row is locked only from this statement to COMMIT.
    """
    session.flush()  # the caller's pending writes (the importer's raised counters) first
    table = ReferenceCounter.__table__
    stmt = _INSERTS[session.get_bind().dialect.name](table).values(
        prefix=prefix, year=year, last=count
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.prefix, table.c.year], set_={"last": table.c.last + count}
    ).returning(table.c.last)
    last = session.execute(stmt).scalar_one()
    # A counter this session has loaded (the importer does) now shows the number handed out.
    loaded = session.identity_map.get(identity_key(ReferenceCounter, (prefix, year)))
    if loaded is not None:
        set_committed_value(loaded, "last", last)
    return last


def next_reference(session: Session, prefix: str, year: int) -> str:
    """Hand out the next number inside the caller's transaction."""
    return format_reference(prefix, year, _advance(session, prefix, year, 1))


def reserve_block(session: Session, prefix: str, year: int, count: int) -> int:
    """Reserve ``count`` numbers at once (bulk import, demo data); returns the first."""
    return _advance(session, prefix, year, count) - count + 1
