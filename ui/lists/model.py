"""ONE table model for every record type, fed by windows of rows from SQL.

The model never loads a whole table: it knows the row count (``queries.count_rows``) and
fetches pages of ``page_size`` rows (``queries.list_rows``) when a view asks for data in
them, keeping the most recently used pages in a small LRU cache. Sorting and filtering
change the ``ListSpec`` and go to SQL; there is no proxy model over everything.

Columns are field names from ``fields.py``; values are formatted for display here (words
for coded values, ISO dates, meetings in Washington and Beijing time). Flagged rows
(overdue action items, referrals awaiting a response) carry an icon AND text; archived
rows are greyed AND say "(archived)".
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from workinggroup_app.domain import vocabulary
from workinggroup_app.domain.fields import (
    BOOL,
    CHOICE,
    DATE,
    DATETIME,
    LINKS,
    FieldDef,
    RecordType,
    record_type,
)
from workinggroup_app.read import lists
from workinggroup_app.read.lists import ListSpec, Row
from workinggroup_app.storage.database import Database
from workinggroup_ui.widgets import icons

log = logging.getLogger(__name__)

# Custom roles (as in Vorta's archive table model).
_USER = int(Qt.ItemDataRole.UserRole.value)
ID_ROLE = _USER + 1  # the row's record id (int)
ROW_ROLE = _USER + 2  # the queries.Row behind the line
RAW_ROLE = _USER + 3  # the stored value of the cell
FLAG_ROLE = _USER + 4  # True when overdue / awaiting a response
FIELD_ROLE = _USER + 5  # headerData: the column's field name

PAGE_SIZE = 200
DEEP_PAGES = 10  # pages further than this from both ends are read in the background
SLOW_SECONDS = 0.05  # a first page slower than this: later pages in the background too
MAX_PAGES = 40  # pages kept in the cache: 8,000 rows at most

WASHINGTON = ZoneInfo("America/New_York")
BEIJING = ZoneInfo("Asia/Shanghai")

_ARCHIVED_BRUSH = QBrush(QColor("#7a7a7a"))

_Index = QModelIndex | QPersistentModelIndex

# Roles as plain ints: data() compares them thousands of times per paint.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_DECORATION = int(Qt.ItemDataRole.DecorationRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_FONT = int(Qt.ItemDataRole.FontRole.value)
_PROGRAM_ROLES = frozenset({ID_ROLE, ROW_ROLE, RAW_ROLE, FLAG_ROLE})
_SERVED = frozenset(
    {_DISPLAY, _DECORATION, _TOOLTIP, _FOREGROUND, _FONT, ID_ROLE, ROW_ROLE, RAW_ROLE, FLAG_ROLE}
)


@dataclass(slots=True)
class _Cells:
    row: Row
    texts: list[str]
    flag_col: int  # the column showing the flag, -1 when the row is not flagged


def _flag_icon() -> Any:
    return icons.icon("flag")


_ITALIC: QFont | None = None


def _italic() -> QFont:
    global _ITALIC
    if _ITALIC is None:
        _ITALIC = QFont()
        _ITALIC.setItalic(True)
    return _ITALIC


def _tr(text: str) -> str:
    return QCoreApplication.translate("RecordListModel", text)


# The texts given to _tr(), marked for lupdate (it cannot see through the helper).
_TR_TEXTS = (
    QT_TRANSLATE_NOOP("RecordListModel", "Washington"),
    QT_TRANSLATE_NOOP("RecordListModel", "Beijing"),
    QT_TRANSLATE_NOOP("RecordListModel", "Yes"),
    QT_TRANSLATE_NOOP("RecordListModel", "No"),
    QT_TRANSLATE_NOOP("RecordListModel", "(archived)"),
)


# --- formatting (shared by list, export preview and record view) ---------------------------


def format_instant_two_capitals(value: datetime, lang: str = "en") -> str:
    """'2026-03-05 09:00 Washington / 22:00 Beijing' (the Beijing date shown when it differs)."""
    if value.tzinfo is None:
        from datetime import UTC

        value = value.replace(tzinfo=UTC)
    dc = value.astimezone(WASHINGTON)
    bj = value.astimezone(BEIJING)
    bj_text = bj.strftime("%H:%M") if bj.date() == dc.date() else bj.strftime("%m-%d %H:%M")
    return f"{dc.strftime('%Y-%m-%d %H:%M')} {_tr('Washington')} / {bj_text} {_tr('Beijing')}"


def format_instant_local(value: datetime) -> str:
    if value.tzinfo is None:
        from datetime import UTC

        value = value.replace(tzinfo=UTC)
    return value.astimezone().strftime("%Y-%m-%d %H:%M")


def display_value(f: FieldDef, value: Any, lang: str = "en") -> str:
    """A stored value as a person reads it, in the interface language."""
    if f.name == "releasability":
        return vocabulary.word("releasability", value or "us_only", lang)
    if value is None or value == "":
        return ""
    if f.vocabulary and (f.kind == CHOICE or isinstance(value, str)):
        return vocabulary.word(f.vocabulary, value, lang)
    if f.kind == BOOL:
        return _tr("Yes") if value else _tr("No")
    if isinstance(value, datetime):
        if f.kind == DATETIME:
            return format_instant_two_capitals(value, lang)
        return format_instant_local(value)
    if isinstance(value, date) or f.kind == DATE:
        return value.isoformat() if isinstance(value, date) else str(value)
    return str(value)


# --- the model ------------------------------------------------------------------------------


class _Counting:
    """The count being read on the runner's thread, so that a newer request can stop it.

    Counting a common text at a million rows takes seconds; once the user has typed on,
    nobody wants that number, and the runner's main lane (where saves queue) should not
    wait for it. ``interrupt_older`` asks the database to stop the statement (SQLite's
    ``interrupt``, psycopg's ``cancel``); the count then fails and is dropped as moot."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # (generation, DBAPI connection, set when the count is no longer wanted)
        self._running: tuple[int, Any, threading.Event] | None = None

    @contextmanager
    def running(self, generation: int, session: Session) -> Iterator[None]:
        connection = session.connection().connection.dbapi_connection
        unwanted = threading.Event()
        # On SQLite a stop asked for just before the statement starts would be lost by
        # ``interrupt``; the progress handler sees the flag whenever it is set.
        handler = getattr(connection, "set_progress_handler", None)
        if handler is not None:
            handler(unwanted.is_set, 10_000)
        with self._lock:
            self._running = (generation, connection, unwanted)
        try:
            yield
        finally:
            with self._lock:
                self._running = None
            if handler is not None:
                handler(None, 0)

    def interrupt_older(self, generation: int) -> bool:
        with self._lock:
            if self._running is None or self._running[0] >= generation:
                return False
            _generation, connection, unwanted = self._running
            unwanted.set()
            stop = getattr(connection, "interrupt", None) or getattr(connection, "cancel", None)
            if stop is not None:
                stop()
            return True


def same_rows(a: ListSpec, b: ListSpec) -> bool:
    """Whether two specs select the same rows (they may differ in order)."""
    return a.with_(sort=None, descending=False) == b.with_(sort=None, descending=False)


def _effective_sort(spec: ListSpec, rt: RecordType) -> tuple[str, bool]:
    return (spec.sort, spec.descending) if spec.sort else rt.default_sort


class RecordListModel(QAbstractTableModel):
    """Rows of one record type, as a ``ListSpec`` selects and sorts them."""

    loading_changed = Signal(bool)  # rows for a new spec are being read
    counting_changed = Signal(bool)  # rows are shown; their total is still being counted

    def __init__(
        self,
        db: Database,
        type_key: str,
        *,
        lang: str = "en",
        columns: list[str] | None = None,
        spec: ListSpec | None = None,
        page_size: int = PAGE_SIZE,
        runner: Any = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        # State first: a view may call rowCount as soon as it is given the model.
        self.db = db
        self.rt: RecordType = record_type(type_key)
        self.lang = lang
        self.page_size = page_size
        self._columns: list[str] = self._valid_columns(columns)
        self._spec: ListSpec = spec or ListSpec(self.rt.key)  # what the rows show
        self._wanted: ListSpec = self._spec  # the latest asked for (maybe still being read)
        self._pages: OrderedDict[int, list[Row]] = OrderedDict()
        self._formatted: dict[int, _Cells] = {}
        self._last: tuple[int, list[Row]] | None = None
        self._in_flight: set[int] = set()  # pages being read in the background
        self._page_generation = 0
        self._slow = False  # the current spec's first page took longer than SLOW_SECONDS
        self._recent: deque[int] = deque(maxlen=6)  # pages asked for lately, newest last
        self._count = 0
        self._counted = False  # whether _count is the count of _spec (not a placeholder)
        self._failed = False
        self._flag_word = ""
        flag = lists.flag_name(self.rt.key)
        if flag:
            self._flag_word = vocabulary.word("derived", flag, lang)
        self.queries_run = 0  # pages fetched since creation (benchmarks, tests)
        self.runner = runner  # an OpRunner: spec changes are then read off the UI thread
        self.loading = False
        self.counting = False
        self._generation = 0
        self._counting = _Counting()
        if runner is None:
            self._recount()
        else:
            self.request_spec(self._spec)  # the first rows show before the count is known

    # --- configuration ---------------------------------------------------------------

    @property
    def type_key(self) -> str:
        return self.rt.key

    @property
    def spec(self) -> ListSpec:
        return self._spec

    @property
    def wanted_spec(self) -> ListSpec:
        """The spec last asked for: ``spec`` once a background read has landed. Base further
        changes on this one, or a click during a read would drop the pending filter."""
        return self._wanted

    @property
    def columns(self) -> list[str]:
        return list(self._columns)

    @property
    def total(self) -> int:
        """Rows matching the current spec."""
        return self._count

    def _valid_columns(self, columns: list[str] | None) -> list[str]:
        listable = {f.name for f in self.rt.list_fields()}
        chosen = [c for c in (columns or []) if c in listable]
        return list(dict.fromkeys(chosen)) or self.rt.default_columns()

    def _fetch_columns(self, spec: ListSpec | None = None) -> list[str]:
        """What each page reads: the visible columns plus what the view needs behind them
        (status and workflow guard fields for bulk changes, the sort field)."""
        spec = spec or self._spec
        wanted = list(self._columns)
        if self.rt.has("status"):
            wanted.append("status")
        wf = self.rt.workflow
        if wf is not None:
            for t in wf.transitions:
                wanted.extend(name for name, _v in t.when)
        sort = spec.sort or self.rt.default_sort[0]
        if sort != "id" and self.rt.has(sort):
            wanted.append(sort)
        return [c for c in dict.fromkeys(wanted) if self.rt.field(c).kind != LINKS]

    def set_spec(self, spec: ListSpec) -> None:
        """Show what ``spec`` selects (a new filter or sort), reading now: one count (kept
        when only the order changes), pages on demand."""
        self._check(spec)
        self._generation += 1  # a pending background read is now outdated
        self._counting.interrupt_older(self._generation)
        keep = (
            self._count
            if self._counted and same_rows(spec, self._spec) and not self._failed
            else None
        )
        self._wanted = spec
        self.beginResetModel()
        self._spec = spec
        self._clear_pages()
        if keep is None:
            self._recount()
        self.endResetModel()
        self._set_loading(False)
        self._set_counting(False)

    def request_spec(
        self,
        spec: ListSpec,
        *,
        force: bool = False,
        also: Callable[[Session], Any] | None = None,
        then: Callable[[Any], None] | None = None,
    ) -> None:
        """Like ``set_spec``, but read on the runner's thread so the window never waits on
        a slow filter or sort: first the first page, shown as soon as it arrives, then the
        count (the list grows to its full length when the count lands; ``counting`` is True
        meanwhile). A newer request makes an older one moot (skipped or dropped).
        ``also(session)`` runs with the count; ``then`` gets its result once all landed."""
        self._check(spec)
        self._wanted = spec
        if self.runner is None:
            if force:
                self._reload_now(spec)
            else:
                self.set_spec(spec)
            value = None
            if also is not None:
                with self.db.session() as s:
                    value = also(s)
            if then is not None:
                then(value)
            return
        self._generation += 1
        generation = self._generation
        self._counting.interrupt_older(generation)  # a count for older rows is moot now
        keep = (
            self._count
            if not force
            and self._counted
            and not self.counting
            and same_rows(spec, self._spec)
            and not self._failed
            else None
        )
        db, size, columns = self.db, self.page_size, self._fetch_columns(spec)

        def first_page() -> Any:
            if generation != self._generation:
                return None  # superseded before it started
            with db.session() as s:
                started = time.perf_counter()
                first = lists.list_rows(s, spec, 0, size, columns=columns, total=keep)
                slow = time.perf_counter() - started > SLOW_SECONDS
                # a short first page is the whole list: no count needed
                exact = keep if keep is not None else (len(first) if len(first) < size else None)
                extra = also(s) if also is not None and exact is not None else None
            return generation, first, exact, extra, slow

        def count() -> Any:
            if generation != self._generation:
                return None
            with db.session() as s:
                try:
                    with self._counting.running(generation, s):
                        total = lists.count_rows(s, spec)
                except DBAPIError:
                    if generation != self._generation:
                        return None  # stopped by a newer request: nobody wants it
                    raise
                extra = also(s) if also is not None else None
            return generation, total, extra

        def rows_arrived(result: Any) -> None:
            if result is None or result[0] != self._generation:
                return
            _generation, first, exact, extra, slow = result
            self.beginResetModel()
            self._slow = slow
            self._spec = spec
            self._clear_pages()
            self._count = exact if exact is not None else len(first)
            self._counted = exact is not None
            self._failed = False
            if columns == self._fetch_columns(spec):  # not if the columns changed meanwhile
                self._pages[0] = first
            self._set_counting(exact is None)
            self.endResetModel()
            self._set_loading(False)
            if exact is None:
                self.runner.run(count, on_success=count_arrived)
            elif then is not None:
                then(extra)

        def count_arrived(result: Any) -> None:
            if result is None or result[0] != self._generation:
                return
            _generation, total, extra = result
            self._grow_to(total)
            self._counted = True
            self._set_counting(False)
            if then is not None:
                then(extra)

        self._set_loading(True)
        self.runner.run(first_page, on_success=rows_arrived, lane="view")

    def _grow_to(self, total: int) -> None:
        """The count landed: extend (or, if rows vanished meanwhile, reset) the list."""
        if total > self._count:
            self.beginInsertRows(QModelIndex(), self._count, total - 1)
            self._count = total
            self.endInsertRows()
        elif total < self._count:
            self.beginResetModel()
            self._count = total
            self._clear_pages()
            self.endResetModel()

    def _set_counting(self, counting: bool) -> None:
        if counting != self.counting:
            self.counting = counting
            self.counting_changed.emit(counting)

    def _reload_now(self, spec: ListSpec) -> None:
        self._generation += 1
        self._counting.interrupt_older(self._generation)
        self._wanted = spec
        self.beginResetModel()
        self._spec = spec
        self._clear_pages()
        self._recount()
        self.endResetModel()
        self._set_counting(False)

    def _check(self, spec: ListSpec) -> None:
        if spec.record_type != self.rt.key:
            raise ValueError(f"spec for {spec.record_type!r} given to a {self.rt.key!r} list")

    def _clear_pages(self) -> None:
        self._pages.clear()
        self._formatted.clear()
        self._last = None
        self._in_flight.clear()
        self._page_generation += 1  # pages being read for what was shown are dropped

    def _set_loading(self, loading: bool) -> None:
        if loading != self.loading:
            self.loading = loading
            self.loading_changed.emit(loading)

    def set_columns(self, columns: list[str]) -> None:
        self.beginResetModel()
        self._columns = self._valid_columns(columns)
        self._clear_pages()
        self.endResetModel()

    def refresh(self) -> None:
        """Read again now after a change (same spec, counted again)."""
        self._set_loading(False)
        self._reload_now(self._wanted)

    def _recount(self) -> None:
        try:
            with self.db.session() as s:
                self._count = lists.count_rows(s, self._spec)
            self._failed = False
            self._counted = True
        except Exception:
            log.exception("counting %s failed", self.rt.key)
            self._count = 0
            self._failed = True

    # --- rows ------------------------------------------------------------------------------

    def _store(self, number: int, page: list[Row]) -> None:
        self._pages[number] = page
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        self._last = (number, page)

    def _fetch_later(self, number: int) -> None:
        """Read a page on the runner's thread; the rows repaint when it lands. While the user
        drags the scroll bar through a long list, pages left behind are skipped."""
        if number in self._pages or number in self._in_flight or number < 0:
            return
        if number * self.page_size >= self._count:
            return
        self._in_flight.add(number)
        self._recent.append(number)
        generation, spec, columns, total = (
            self._page_generation,
            self._spec,
            self._fetch_columns(),
            self._count,
        )
        db, size, recent = self.db, self.page_size, self._recent

        def work() -> Any:
            if generation != self._page_generation or number not in recent:
                return None  # the list changed or the view moved on
            with db.session() as s:
                rows = lists.list_rows(
                    s, spec, offset=number * size, limit=size, columns=columns, total=total
                )
            return generation, rows

        def landed(result: Any) -> None:
            if result is not None and result[0] != self._page_generation:
                return  # read for rows no longer shown (and no longer in flight)
            self._in_flight.discard(number)
            if result is None:
                return
            self.queries_run += 1
            self._store(number, result[1])
            first = number * size
            last = min(self._count, first + size) - 1
            if last >= first and self._columns:
                self.dataChanged.emit(
                    self.index(first, 0), self.index(last, len(self._columns) - 1)
                )

        self.runner.run(work, on_success=landed, lane="view")

    def _defer(self, number: int) -> bool:
        """Whether painting should not wait for this page: the rows' query was slow, or the
        page lies deep inside a long list (OFFSET walks every row before it)."""
        if self.runner is None or number in self._pages:
            return False
        last = max(0, (self._count - 1) // self.page_size)
        return self._slow or min(number, last - number) > DEEP_PAGES

    def _cached(self, number: int) -> list[Row] | None:
        """The page if it is in memory (the most recent one first), else None."""
        last = self._last
        if last is not None and last[0] == number:
            return last[1]
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            self._last = (number, page)
        return page

    def _page_if_loaded(self, number: int) -> list[Row] | None:
        """For painting: the page if it is in memory, else None and it is read in the
        background (with its neighbour, so scrolling on finds it ready)."""
        page = self._cached(number)
        if page is None:
            self._fetch_later(number)
        return page

    def _page(self, number: int) -> list[Row]:
        page = self._cached(number)
        if page is not None:
            return page
        try:
            with self.db.session() as s:
                page = lists.list_rows(
                    s,
                    self._spec,
                    offset=number * self.page_size,
                    limit=self.page_size,
                    columns=self._fetch_columns(),
                    total=self._count,
                )
        except Exception:
            log.exception("reading %s rows failed", self.rt.key)
            page = []
        self.queries_run += 1
        self._store(number, page)
        return page

    def row_at(self, row: int) -> Row | None:
        if row < 0 or row >= self._count:
            return None
        page = self._page(row // self.page_size)
        i = row % self.page_size
        return page[i] if i < len(page) else None

    def id_at(self, row: int) -> int | None:
        r = self.row_at(row)
        return r.id if r is not None else None

    def cached_row_of(self, record_id: int) -> int | None:
        """The row number of a record among the pages already read (no query)."""
        for number, page in self._pages.items():
            for i, r in enumerate(page):
                if r.id == record_id:
                    return number * self.page_size + i
        return None

    def find_row(self, record_id: int, near: int | None = None) -> int | None:
        """The row of a record, looked for in the cache and then in the page around ``near``."""
        found = self.cached_row_of(record_id)
        if found is not None or near is None or self._count == 0:
            return found
        near = min(max(near, 0), self._count - 1)
        for number in {near // self.page_size, max(near - 1, 0) // self.page_size}:
            for i, r in enumerate(self._page(number)):
                if r.id == record_id:
                    return number * self.page_size + i
        return None

    def loaded_pages(self) -> list[int]:
        return list(self._pages)

    # --- Qt model interface ----------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def field_at(self, column: int) -> FieldDef | None:
        if 0 <= column < len(self._columns):
            return self.rt.field(self._columns[column])
        return None

    def column_of(self, name: str) -> int:
        try:
            return self._columns.index(name)
        except ValueError:
            return -1

    def _flag_column(self) -> int:
        col = self.column_of("status")
        return col if col >= 0 else 0

    def _name_column(self) -> int:
        col = self.column_of("reference")
        return col if col >= 0 else 0

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        f = self.field_at(section)
        if f is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f.label(self.lang)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{f.label_en} / {f.label_zh}"
        if role == FIELD_ROLE:
            return f.name
        return None

    def _cells(self, row_number: int) -> _Cells | None:
        """The row's display texts, formatted once and kept while its page is cached.
        With a runner, a page not in memory is read in the background (None meanwhile)."""
        cells = self._formatted.get(row_number)
        if cells is not None:
            return cells
        if row_number < 0 or row_number >= self._count:
            return None
        number, offset = divmod(row_number, self.page_size)
        if not self._defer(number):
            row = self.row_at(row_number)
        else:
            page = self._page_if_loaded(number)
            if page is None:
                return None
            row = page[offset] if offset < len(page) else None
            if offset >= self.page_size * 3 // 4:
                self._fetch_later(number + 1)  # read ahead in the direction of travel
            elif offset < self.page_size // 4:
                self._fetch_later(number - 1)
        if row is None:
            return None
        texts = []
        flag_col, name_col = self._flag_column(), self._name_column()
        for col, name in enumerate(self._columns):
            text = display_value(self.rt.field(name), row.values.get(name), self.lang)
            if row.flagged and col == flag_col:
                text = f"{text} — {self._flag_word}" if text else self._flag_word
            if row.archived and col == name_col:
                text = f"{text} {_tr('(archived)')}"
            texts.append(text)
        cells = _Cells(row, texts, flag_col if row.flagged else -1)
        if len(self._formatted) >= MAX_PAGES * self.page_size:
            self._formatted.clear()
        self._formatted[row_number] = cells
        return cells

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        # Called thousands of times per paint: plain int roles, one dict lookup per call.
        if role not in _SERVED or not index.isValid():
            return None
        if role in _PROGRAM_ROLES:  # asked by code, not by painting: read now if need be
            row = self.row_at(index.row())
            if row is None:
                return None
            if role == ID_ROLE:
                return row.id
            if role == ROW_ROLE:
                return row
            if role == FLAG_ROLE:
                return row.flagged
            col = index.column()
            return row.values.get(self._columns[col]) if col < len(self._columns) else None
        cells = self._cells(index.row())
        if cells is None:
            if role == _DISPLAY and index.column() == 0 and self.runner is not None:
                return "…"  # being read
            return None
        col = index.column()
        if role == _DISPLAY:
            return cells.texts[col] if col < len(cells.texts) else None
        row = cells.row
        if role == _DECORATION:
            return _flag_icon() if col == cells.flag_col else None
        if role == _FOREGROUND:
            return _ARCHIVED_BRUSH if row.archived else None
        if role == _FONT:
            return _italic() if row.archived else None
        if role == _TOOLTIP:
            text = cells.texts[col] if col < len(cells.texts) else ""
            if row.flagged and col != cells.flag_col:
                text = f"{text} — {self._flag_word}"
            if row.archived and col != self._name_column():
                text = f"{text} {_tr('(archived)')}"
            return text or None
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Header click: a new ORDER BY in SQL. Column -1 goes back to the default order."""
        f = self.field_at(column)
        if f is None:
            spec = self._wanted.with_(sort=None, descending=False)
        else:
            spec = self._wanted.with_(sort=f.name, descending=order == Qt.SortOrder.DescendingOrder)
        if _effective_sort(spec, self.rt) != _effective_sort(self._wanted, self.rt):
            self.request_spec(spec)

    def sort_column(self) -> tuple[int, Qt.SortOrder]:
        """(column, order) of the current sort, for the header's indicator (-1: none shown)."""
        name, desc = (
            (self._wanted.sort, self._wanted.descending)
            if self._wanted.sort
            else self.rt.default_sort
        )
        order = Qt.SortOrder.DescendingOrder if desc else Qt.SortOrder.AscendingOrder
        return self.column_of(name), order
