"""Counting in SQL for the figures: one ``Counter`` per refresh, which makes each count and
the exact ListSpec of the records it counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BooleanClauseList

from workinggroup_app.domain import releasability
from workinggroup_app.domain.vocabulary import is_known
from workinggroup_app.read.dashboard.model import IDS_LIMIT, Figure, labels_of
from workinggroup_app.read.lists import ListSpec, where_clauses


@dataclass(frozen=True)
class Among:
    """A condition given as the candidate ids, found through an index (a union of lookups).

    Counting reads the candidates and checks each against the list's conditions by primary
    key, so a planner with no statistics cannot prefer scanning the list's status instead.
    """

    ids: Any  # a SELECT of one id column


class FigureCounter:
    """Counts for one session, day and audience; turns conditions into exact specs."""

    def __init__(self, session: Session, today: date, audience: str) -> None:
        releasability.check_audience(audience)
        self.session = session
        self.today = today
        self.audience = audience

    def spec(self, type_key: str, **kw: Any) -> ListSpec:
        """A spec as the list will run it: the same day and the same audience."""
        return ListSpec(type_key, today=self.today, audience=self.audience, **kw)

    def where(self, spec: ListSpec) -> list[ColumnElement[bool]]:
        return where_clauses(self.session, spec)

    def _narrowed(self, spec: ListSpec, what: Any, extra: Any) -> Any:
        """SELECT ``what`` over the rows of ``spec`` that also meet ``extra``."""
        m = spec.rt.model
        if isinstance(extra, Among):
            candidates = extra.ids.subquery()
            listed = select(m.id).where(m.id == candidates.c[0], *self.where(spec)).exists()
            return select(what(candidates.c[0])).select_from(candidates).where(listed)
        q = select(what(m.id)).select_from(m).where(*self.where(spec))
        return q if extra is None else q.where(extra)

    def _ids(self, spec: ListSpec, extra: Any) -> tuple[int, ...]:
        # sorted here, not in SQL: an ORDER BY id makes SQLite walk the whole table by id
        # instead of using the condition's index (referrals answered since the last
        # meeting at 1M: 34 ms instead of 2 ms)
        q = self._narrowed(spec, lambda c: c, extra)
        return tuple(sorted(self.session.execute(q.limit(IDS_LIMIT + 1)).scalars()))

    def figure(
        self,
        key: str,
        spec: ListSpec,
        value: int,
        *,
        extra: Any = None,
        labels: tuple[str, str] | None = None,
        shown: int | float | None = None,
        unit: str = "count",
    ) -> Figure:
        """A figure of ``value`` records: those of ``spec`` that also meet ``extra``.

        With no extra condition the spec is exact. Otherwise the records are named by ids
        when there are few enough; beyond ``IDS_LIMIT`` the spec stays the superset.
        """
        exact = True
        if extra is not None:
            if value == 0:
                spec = spec.with_(ids=())
            elif value <= IDS_LIMIT:
                spec = spec.with_(ids=self._ids(spec, extra))
            else:
                exact = False
        en, zh = labels or (labels_of(key) if is_known("dashboard", key) else (key, key))
        shown_value = value if unit == "count" else shown
        return Figure(key, en, zh, shown_value, value, spec, exact, unit)

    def count_among(
        self, specs: dict[str, ListSpec], among: Among, *, implied: bool = False
    ) -> list[Figure]:
        """Several figures over the same candidates, read once: one count per spec.

        ``implied``: every spec already selects only candidates (its own filter says what
        ``among`` says), so each figure keeps its spec, exact, with no list of ids."""
        candidates = among.ids.subquery()
        counts = []
        for spec in specs.values():
            m = spec.rt.model
            listed = select(m.id).where(m.id == candidates.c[0], *self.where(spec)).exists()
            counts.append(func.count(case((listed, 1))))
        values = self.session.execute(select(*counts).select_from(candidates)).one()
        return [
            self.figure(key, spec, int(value), extra=None if implied else among)
            for (key, spec), value in zip(specs.items(), values, strict=True)
        ]

    def count(self, key: str, spec: ListSpec, extra: Any = None, **kw: Any) -> Figure:
        """The rows of ``spec`` that also meet ``extra`` (a condition or an ``Among``)."""
        q = self._narrowed(spec, lambda _c: func.count(), extra)
        return self.figure(key, spec, self.session.execute(q).scalar_one(), extra=extra, **kw)

    def tally(
        self,
        base: ListSpec,
        columns: Sequence[Any],
        parts: dict[str, ListSpec],
        *,
        dated: Any = None,
    ) -> list[Any]:
        """One pass over ``base``'s rows grouped by ``columns``: ``n`` (all rows of the group)
        and, for each part, how many rows its spec also lists.

        Every part is a narrower spec of the same record type; its condition is its own
        ``where_clauses`` less those it shares with the base (the rows are the base's
        already), so a part's total is exactly ``count_rows(part)``. ``dated``: also
        count the rows where that column is not NULL.
        """
        m = base.rt.model
        dialect = self.session.get_bind().dialect
        shared = {clause_key(x, dialect) for x in _flat(self.where(base))}
        sums = []
        for name, spec in parts.items():
            own = [x for x in _flat(self.where(spec)) if clause_key(x, dialect) not in shared]
            sums.append(func.count(case((and_(true(), *own), 1))).label(name))
        if dated is not None:
            sums.append(func.count(dated).label("dated"))
        return list(
            self.session.execute(
                select(*columns, func.count().label("n"), *sums)
                .select_from(m)
                .where(*self.where(base))
                .group_by(*columns)
            ).all()
        )


def clause_key(clause: Any, dialect: Any) -> tuple[str, str]:
    """A condition as SQL text and bound values: equal for conditions built alike."""
    compiled = clause.compile(dialect=dialect)
    return str(compiled), repr(sorted(compiled.params.items()))


def _flat(clauses: Iterable[Any]) -> list[Any]:
    """The terms of a list of conditions, with AND groups opened."""
    out: list[Any] = []
    for x in clauses:
        if isinstance(x, BooleanClauseList) and x.operator is operators.and_:
            out += _flat(x.clauses)
        else:
            out.append(x)
    return out


def with_equals(spec: ListSpec, *pairs: tuple[str, Any]) -> ListSpec:
    return spec.with_(equals=(*spec.equals, *pairs))


def median_of(times: Counter[float]) -> float | None:
    """The median of values given with how often each occurs (None for none)."""
    count = sum(times.values())
    if count == 0:
        return None
    lower, upper = (count - 1) // 2, count // 2  # positions of the middle one or two
    found: list[float] = []
    seen = 0
    for value in sorted(times):
        seen += times[value]
        while len(found) < 2 and (lower if not found else upper) < seen:
            found.append(value)
    return (found[0] + found[1]) / 2


def column_total(rows: Iterable[Any], name: str, **match: Any) -> int:
    """Sum of one column over the GROUP BY rows whose keys match (a few dozen rows)."""
    return sum(
        int(getattr(r, name)) for r in rows if all(getattr(r, k) == v for k, v in match.items())
    )
