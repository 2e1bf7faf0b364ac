"""Read queries: windows of rows for lists, counts, search, details. Sorted and filtered in SQL.

No function here loads a whole table: lists ask for ``limit`` rows at ``offset``, and deep
offsets near the end are served by reading the reversed order from the end instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, false, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from workinggroup_app.domain import models, releasability
from workinggroup_app.domain.fields import ACCOUNT, LINK, LINKS, READONLY, RecordType, record_type
from workinggroup_app.read.choices import account_name_expression
from workinggroup_app.read.text_filter import (
    not_indexed,
    probe_safe,
    text_filter,
    text_probe,
)

MAX_LIMIT = 5000


def _today() -> date:
    return date.today()


def overdue_clause(model: Any, today: date, status: Any = None) -> ColumnElement[bool]:
    """An action item is overdue when it is not done or cancelled and its due date is past."""
    status = model.status if status is None else status
    return and_(status.in_(("open", "in_progress", "blocked")), model.due_date < today)


AWAITING_STATES = ("sent", "received", "acknowledged", "under_verification", "info_requested")


def awaiting_clause(model: Any, today: date, status: Any = None) -> ColumnElement[bool]:
    """A referral awaits a response when its due date is past and no answer came."""
    status = model.status if status is None else status
    return and_(
        status.in_(AWAITING_STATES), model.answered_on.is_(None), model.response_due < today
    )


DERIVED: dict[str, tuple[str, Any]] = {
    "action_item": ("overdue", overdue_clause),
    "referral": ("awaiting_response", awaiting_clause),
}


def flag_name(type_key: str) -> str | None:
    d = DERIVED.get(type_key)
    return d[0] if d else None


@dataclass(frozen=True)
class ListSpec:
    """Everything a list view asks for; the same spec drives CSV export and counts."""

    record_type: str
    text: str = ""
    equals: tuple[tuple[str, Any], ...] = ()  # (field, value): CHOICE/LINK/ACCOUNT/status
    open_only: bool = False
    agency_id: int | None = None  # any of the record type's agency fields
    side: str | None = None
    releasability: str | None = None  # "releasable" | "us_only" (unmarked counts as US only)
    flag: bool = False  # only overdue / awaiting-response rows
    date_from: date | None = None
    date_to: date | None = None
    include_archived: bool = False
    ids: tuple[int, ...] | None = None  # restrict to these (dashboard drill-down)
    sort: str | None = None
    descending: bool = False
    today: date | None = None
    audience: str = "internal"  # "bilateral": only what the counterpart may see
    # the definition of ``record_type``, looked up once when the spec is made (an unknown
    # key is refused here) and handed on to every query the spec drives
    rt: RecordType = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rt", record_type(self.record_type))

    def with_(self, **kw: Any) -> ListSpec:
        return replace(self, **kw)


@dataclass
class Row:
    """One list row: plain values only, safe to hand to another thread."""

    id: int
    version: int
    values: dict[str, Any] = field(default_factory=dict)
    flagged: bool = False
    archived: bool = False


def where_clauses(
    session: Session, spec: ListSpec, *, page: bool = False
) -> list[ColumnElement[bool]]:
    """The filter of ``spec`` as SQL conditions. ``page``: for reading a page in list order
    (on SQLite the status tests of "open" and "overdue" are then checked row by row, so the
    planner walks the sort column's index instead of sorting every open record)."""
    rt = spec.rt
    m = rt.model
    today = spec.today or _today()
    out: list[ColumnElement[bool]] = []
    status_expr = None
    if (
        page
        and rt.workflow is not None
        and spec.sort not in ("status",)
        and session.get_bind().dialect.name == "sqlite"
    ):
        status_expr = not_indexed(m.status)
    if not spec.include_archived:
        out.append(m.archived.is_(False))
    if spec.text.strip():
        out.append(text_filter(session, rt, spec.text))
    for name, value in spec.equals:
        if value is None or value == "":
            continue
        col = getattr(m, name)
        if isinstance(value, (list, tuple, set, frozenset)):
            out.append(col.in_(list(value)))
        elif rt.has(name) and rt.field(name).kind == ACCOUNT:
            # one person's records, as the ids found through the owner index: the rows are
            # then read by primary key, whatever the planner's statistics say of the status
            # or date indexes (SQLite's count NULL, no owner yet, as a value of the owner
            # index: at first it seems to hold one huge group, and would not be chosen)
            owned = aliased(m)
            out.append(m.id.in_(select(owned.id).where(getattr(owned, name) == value)))
        else:
            out.append(col == value)
    if spec.open_only and rt.workflow is not None:
        status = m.status if status_expr is None else status_expr
        out.append(status.in_(rt.workflow.open_states()))
    if spec.agency_id is not None and rt.agency_fields:
        out.append(or_(*[getattr(m, f) == spec.agency_id for f in rt.agency_fields]))
    if spec.side:
        if rt.side_field:
            out.append(getattr(m, rt.side_field) == spec.side)
        elif rt.key == "referral":
            out.append(m.direction == ("US_TO_PRC" if spec.side == "US" else "PRC_TO_US"))
        elif rt.agency_fields:
            ag = aliased(models.Agency)
            out.append(
                select(ag.id)
                .where(ag.id == getattr(m, rt.agency_fields[0]), ag.side == spec.side)
                .exists()
            )
    if spec.releasability == "releasable":
        out.append(m.releasability == "releasable")
    elif spec.releasability == "us_only":
        out.append(or_(m.releasability.is_(None), m.releasability != "releasable"))
    if spec.flag:
        d = DERIVED.get(rt.key)
        out.append(d[1](m, today, status_expr) if d else false())
    if rt.date_field and (spec.date_from or spec.date_to):
        col = getattr(m, rt.date_field)
        is_instant = rt.field(rt.date_field).kind == "datetime"
        if spec.date_from:
            out.append(
                col
                >= (datetime.combine(spec.date_from, time.min) if is_instant else spec.date_from)
            )
        if spec.date_to:
            out.append(
                col <= (datetime.combine(spec.date_to, time.max) if is_instant else spec.date_to)
            )
    if spec.ids is not None:
        out.append(m.id.in_(list(spec.ids)) if spec.ids else false())
    if spec.audience != "internal":
        out.append(releasability.visible_clause(spec.audience, rt.key, m))
    return out


def _link_label_column(rt: RecordType, name: str) -> tuple[Any, Any]:
    """(label expression, alias) for a LINK field: an agency's abbreviation, else a reference;
    for an ACCOUNT field (an owner) the account's display name, else its user name."""
    f = rt.field(name)
    if f.kind == ACCOUNT:
        user = aliased(models.User)
        return account_name_expression(user), user
    target = record_type(f.target or "")
    alias = aliased(target.model)
    label = alias.abbreviation if target.key == "agency" else alias.reference
    return label, alias


def _select_for(
    rt: RecordType, spec: ListSpec, columns: list[str] | None
) -> tuple[Select[Any], dict[str, Any]]:
    m = rt.model
    today = spec.today or _today()
    wanted = columns or [f.name for f in rt.list_fields()]
    exprs: dict[str, Any] = {}
    joins: list[tuple[Any, Any]] = []
    for name in wanted:
        if not rt.has(name) or rt.field(name).kind == LINKS:
            continue
        f = rt.field(name)
        if f.kind in (LINK, ACCOUNT) or (f.kind == READONLY and f.target):
            label, alias = _link_label_column(rt, name)
            joins.append((alias, alias.id == getattr(m, name)))
            exprs[name] = label
        else:
            exprs[name] = getattr(m, name)
    d = DERIVED.get(rt.key)
    flag_expr = case((d[1](m, today), True), else_=False) if d else literal(False)
    q = select(
        m.id.label("_id"),
        m.version.label("_version"),
        m.archived.label("_archived"),
        flag_expr.label("_flag"),
        *[e.label(n) for n, e in exprs.items()],
    ).select_from(m)
    for alias, on in joins:
        q = q.outerjoin(alias, on)
    return q, exprs


def sort_expression(rt: RecordType, spec: ListSpec, exprs: dict[str, Any]) -> tuple[Any, bool]:
    name, desc = (spec.sort, spec.descending) if spec.sort else rt.default_sort
    if name == "id" or name not in exprs:
        return rt.model.id, desc
    return exprs[name], desc


def _may_be_null(rt: RecordType, spec: ListSpec, key: Any) -> bool:
    """Whether the sort key can be NULL (a link's label always can: it is outer-joined)."""
    if key is rt.model.id:
        return False
    name = spec.sort or rt.default_sort[0]
    if not rt.has(name):
        return True
    f = rt.field(name)
    if f.kind in (LINK, ACCOUNT) or (f.kind == READONLY and f.target):
        return True
    column = getattr(rt.model, name).property.columns[0]
    return bool(column.nullable)


def _ordering(
    session: Session, spec: ListSpec, columns: list[str] | None, reverse: bool
) -> tuple[Select[Any], dict[str, Any], Any, Any, bool]:
    """(filtered select, columns, sort key, id order, key may be NULL); directions applied."""
    rt = spec.rt
    q, exprs = _select_for(rt, spec, columns)
    q = q.where(*where_clauses(session, spec, page=True))
    key, desc = sort_expression(rt, spec, exprs)
    if reverse:
        desc = not desc
    id_order = rt.model.id.desc() if desc else rt.model.id.asc()
    key_order = key.desc() if desc else key.asc()
    return q, exprs, key_order, id_order, _may_be_null(rt, spec, key)


def ordered_select(
    session: Session,
    spec: ListSpec,
    columns: list[str] | None = None,
    *,
    reverse: bool = False,
) -> tuple[Select[Any], dict[str, Any]]:
    """The list's query: its columns, filters and order (exactly reversed with ``reverse``).

    Rows are ordered by the sort column, NULLs last in both directions (the same on SQLite
    and PostgreSQL), then by id, so every position in the list is well defined.
    """
    q, exprs, key_order, id_order, nullable = _ordering(session, spec, columns, reverse)
    rt = spec.rt
    key, _desc = sort_expression(rt, spec, exprs)
    order = [key_order, id_order] if key is not rt.model.id else [id_order]
    if nullable:  # only then: a CASE in ORDER BY keeps SQLite from walking an index
        nulls = case((key.is_(None), 1), else_=0)
        order.insert(0, nulls.desc() if reverse else nulls.asc())
    return q.order_by(*order), exprs


def _segments(
    session: Session, spec: ListSpec, columns: list[str] | None, reverse: bool
) -> tuple[list[Select[Any]], dict[str, Any]]:
    """The list's order as consecutive queries each an index can serve: rows with a value
    of the sort key, then rows without (the other way round when reading from the end)."""
    q, exprs, key_order, id_order, nullable = _ordering(session, spec, columns, reverse)
    rt = spec.rt
    key, _desc = sort_expression(rt, spec, exprs)
    if key is rt.model.id:
        return [q.order_by(id_order)], exprs
    if not nullable:
        return [q.order_by(key_order, id_order)], exprs
    valued = q.where(key.is_not(None)).order_by(key_order, id_order)
    empty = q.where(key.is_(None)).order_by(id_order)
    return ([empty, valued] if reverse else [valued, empty]), exprs


def to_row(r: Any, exprs: dict[str, Any]) -> Row:
    """A result row of ``ordered_select`` as a plain Row."""
    return Row(
        id=r._id,
        version=r._version,
        values={n: getattr(r, n) for n in exprs},
        flagged=bool(r._flag),
        archived=bool(r._archived),
    )


def list_rows(
    session: Session,
    spec: ListSpec,
    offset: int = 0,
    limit: int = 200,
    *,
    columns: list[str] | None = None,
    total: int | None = None,
) -> list[Row]:
    """A window of rows. Near the end of a long list, reads backwards from the end."""
    limit = max(0, min(limit, MAX_LIMIT))
    reverse = total is not None and offset > total // 2
    if reverse:
        assert total is not None
        end = min(total, offset + limit)
        offset, limit = max(0, total - end), max(0, end - offset)
    if not reverse:
        probed = _probe_page(session, spec, offset, limit, columns)
        if probed is not None:
            return probed
    segments, exprs = _segments(session, spec, columns, reverse)
    lean: list[Select[Any]] | None = None
    rows: list[Any] = []
    skip = offset
    for n, segment in enumerate(segments):
        wanted = limit - len(rows)
        if wanted <= 0:
            break
        if skip < LEAN_SKIP:
            got = session.execute(segment.offset(skip).limit(wanted)).all()
        else:
            if lean is None:  # the same order and filter, with only the sort column's join
                rt = spec.rt
                lean, _ = _segments(session, spec, [spec.sort or rt.default_sort[0]], reverse)
            got = _deep_window(session, segment, lean[n], spec, skip, wanted)
        if n + 1 < len(segments) and len(got) < wanted:
            # the rest comes from the next segment, past what is left of the offset
            size = skip + len(got) if got else _count(session, segment)
            skip = max(0, skip - size)
        rows.extend(got)
    out = [to_row(r, exprs) for r in rows]
    if reverse:
        out.reverse()
    return out


# From this offset on, a page's ids are found first and only its rows are read in full.
LEAN_SKIP = 1_000


def _deep_window(
    session: Session, q: Select[Any], lean: Select[Any], spec: ListSpec, skip: int, limit: int
) -> Any:
    """``limit`` rows of the ordered query ``q`` after ``skip``, deep in a long list, where
    the database steps over every row before the page: first only their ids, from ``lean``
    (``q``'s filter and order without the other columns' joins, so often the index alone),
    then the page's own rows in full."""
    m = spec.rt.model
    ids = list(session.execute(lean.with_only_columns(m.id).offset(skip).limit(limit)).scalars())
    return session.execute(q.where(m.id.in_(ids))).all() if ids else []


# How many rows, in list order, a text filter checks one by one (see ``_probe_page``): a
# first glance, then at most PROBE_ROWS.
FIRST_PROBE_ROWS = 1_000
PROBE_ROWS = 20_000


def _probe_page(
    session: Session, spec: ListSpec, offset: int, limit: int, columns: list[str] | None
) -> list[Row] | None:
    """A text-filtered page near the top of the list without computing the whole match set.

    A short or common text ("f", "fen", "芬") matches hundreds of thousands of rows; the
    usual query gathers all of them and sorts them before the first page. Here the first
    ``PROBE_ROWS`` rows of the list without the text filter (read in index order) are checked
    one by one; when they hold the page, those are exactly the page's rows. Otherwise (a rare
    text) None, and the caller's query, which starts from the few matches, is the fast one.

    The first ``FIRST_PROBE_ROWS`` rows settle a common text; their share of matches tells
    whether the larger window can hold the page. A text the trigram index can answer that
    matches too seldom for that goes to the index at once (a typo, a rare name, a word
    with no match at all: the probe of 20,000 rows would be wasted).
    """
    needle = spec.text.strip()
    dialect = session.get_bind().dialect.name
    if (
        not needle
        or (dialect == "sqlite" and len(needle) >= 3 and not probe_safe(needle))
        or offset + limit > PROBE_ROWS // 10
        or limit == 0
    ):
        return None
    rt = spec.rt
    m = rt.model
    plain = spec.with_(text="")
    segments, exprs = _segments(session, plain, columns, False)
    first = segments[0]
    ids = first.with_only_columns(m.id)
    wanted = offset + limit
    probe = text_probe(rt, needle, dialect)
    glance = ids.where(m.id.in_(ids.limit(FIRST_PROBE_ROWS)), probe)
    hits = list(session.execute(glance).scalars())
    if len(hits) >= wanted:
        page = first.where(m.id.in_(hits[offset:wanted]))
    else:
        # rows to check for the page at the share of matches seen so far (half again, to
        # be safe); none at all seen: as good as rare
        needed = wanted * FIRST_PROBE_ROWS * 3 // (2 * len(hits)) if hits else PROBE_ROWS + 1
        if needed > PROBE_ROWS and len(needle) >= 3:
            return None
        window = ids.limit(min(needed, PROBE_ROWS))
        page = first.where(m.id.in_(window), probe).offset(offset).limit(limit)
    rows = session.execute(page).all()
    if len(rows) < limit:
        return None
    return [to_row(r, exprs) for r in rows]


def _count(session: Session, q: Select[Any]) -> int:
    return session.execute(
        select(func.count()).select_from(q.order_by(None).subquery())
    ).scalar_one()


def count_rows(session: Session, spec: ListSpec) -> int:
    rt = spec.rt
    q = select(func.count()).select_from(rt.model).where(*where_clauses(session, spec))
    return session.execute(q).scalar_one()
