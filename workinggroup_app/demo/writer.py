"""Bulk writing for the seed: rows buffered per table and sent with the driver's fastest path
(``executemany`` on SQLite, ``COPY`` on PostgreSQL), a clock that spreads instants over
the two years, and the placeholders of rows filled in later.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as dtime
from typing import Any

from sqlalchemy.orm import Session

from workinggroup_app.demo.tables import COLUMNS

BATCH = 10_000


def quote_name(name: str) -> str:
    return f'"{name}"'


class BulkWriter:
    """Writes lists of tuples with the driver's bulk path, in the session's transaction.

    SQLite: ``executemany`` in batches of ``BATCH``. PostgreSQL: ``COPY ... FROM STDIN``.
    (A worker thread that writes while the next rows are generated was tried and is much
    slower: ``executemany`` gives the GIL back around each row's ``sqlite3_step`` and then
    waits for the busy generating thread to hand it over again.)
    """

    def __init__(self, session: Session) -> None:
        conn = session.connection()
        self.dialect = conn.dialect.name
        self.raw: Any = conn.connection.driver_connection
        self.rows: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def insert(self, table: str, rows: list[Sequence[Any]]) -> None:
        if not rows:
            return
        cols = COLUMNS[table]
        start = time.perf_counter(), time.process_time()
        collist = ", ".join(quote_name(c) for c in cols)
        cur = self.raw.cursor()
        try:
            if self.dialect == "postgresql":
                with cur.copy(f"COPY {quote_name(table)} ({collist}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                sql = f"INSERT INTO {quote_name(table)} ({collist}) VALUES ({', '.join('?' * len(cols))})"
                for k in range(0, len(rows), BATCH):
                    cur.executemany(sql, rows[k : k + BATCH])
        finally:
            cur.close()
        self.rows[table] = self.rows.get(table, 0) + len(rows)
        self._time(table, start)

    def _time(self, label: str, start: tuple[float, float]) -> None:
        self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - start[0]
        self.cpu[label] = self.cpu.get(label, 0.0) + time.process_time() - start[1]

    def scalar(self, sql: str) -> Any:
        cur = self.raw.cursor()
        try:
            cur.execute(sql)
            row = cur.fetchone()
        finally:
            cur.close()
        return row[0] if row else None

    def execute(self, sql: str, *, label: str | None = None) -> None:
        start = time.perf_counter(), time.process_time()
        cur = self.raw.cursor()
        try:
            cur.execute(sql)
        finally:
            cur.close()
        if label:
            self._time(label, start)


class Clock:
    """Days as ordinals, times as minutes of the day (UTC); values in the driver's form.

    SQLite gets the strings SQLAlchemy itself writes ('2025-03-04', '2025-03-04
    14:05:00.000000'); PostgreSQL gets date and naive UTC datetime objects, as the
    ``UTCDateTime`` type stores them. Days within ``SPAN`` of today come from a list.
    """

    SPAN = 2000

    def __init__(self, today: date, as_text: bool) -> None:
        self.today = today.toordinal()
        self.as_text = as_text
        self.base = self.today - self.SPAN
        days = [date.fromordinal(self.base + k) for k in range(2 * self.SPAN)]
        self.days: list[Any] = [d.isoformat() for d in days] if as_text else days
        self._times = [dtime(m // 60, m % 60) for m in range(1440)]
        self._time_text = [f" {m // 60:02d}:{m % 60:02d}:00.000000" for m in range(1440)]

    def day(self, ordinal: int | None) -> Any:
        if ordinal is None:
            return None
        k = ordinal - self.base
        if 0 <= k < len(self.days):
            return self.days[k]
        d = date.fromordinal(ordinal)
        return d.isoformat() if self.as_text else d

    def at(self, ordinal: int, minute: int) -> Any:
        if self.as_text:
            return self.day(ordinal) + self._time_text[minute]
        return datetime.combine(self.day(ordinal), self._times[minute])

    def instant(self, dt: datetime) -> Any:
        """An aware datetime, stored as naive UTC."""
        naive = dt.astimezone(UTC).replace(tzinfo=None)
        return naive.isoformat(" ", "microseconds") if self.as_text else naive

    @staticmethod
    def year(ordinal: int) -> int:
        return date.fromordinal(ordinal).year


def uuid4_text(bits: int) -> str:
    """``str(uuid.UUID(int=bits, version=4))``, without building the object."""
    bits = (bits & ~(0xF000 << 64) | (0x4000 << 64)) & ~(0xC000 << 48) | (0x8000 << 48)
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@dataclass
class Thing:
    """An entity or substance as the templates use it."""

    id: int
    en: str
    zh: str
    kind: str
    label_en: str = ""
    label_zh: str = ""


@dataclass
class Fill:
    title_en: str
    title_zh: str
    text_en: str
    text_zh: str
    loe: str
    entities: tuple[int, ...] = ()
    substances: tuple[int, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


PLACEHOLDER = re.compile(r"\{(\w+?)_(?:en|zh)\}")
