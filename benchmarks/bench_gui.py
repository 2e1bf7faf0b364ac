"""How the desktop window feels at scale: start-up, lists, filters, sorting, memory.

Run: ``.venv/bin/python -m benchmarks.bench_gui --scale 1000000`` (1,000,000 action items
and 100,000 referrals, SQLite). The database is seeded once with
``workinggroup_app.demo.seed(db, scale=N)`` into a cached file under /tmp and reused while
it holds at least N action items (the dashboard benchmark's file is used if it is big
enough). Offscreen Qt; every list timing includes the repaint of the visible rows, which
is when the model reads its page. Prints a table with targets; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import queue
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

LIST_TARGET_MS = 100.0
START_FACTOR = 2.0
MEMORY_TARGET_MB = 300.0
KEYSTROKES = (
    "fentanyl",  # 8
    "precursor",  # 9
    "shipment",  # 8
    "芬太尼前体",  # 5
)


# --- the database -----------------------------------------------------------------------------


def label_of(scale: int) -> str:
    return f"{scale // 1_000_000}m" if scale % 1_000_000 == 0 else str(scale)


def action_items_in(path: Path) -> int:
    import sqlite3

    if not path.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return conn.execute("SELECT count(*) FROM action_item").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def database_for(scale: int, explicit: Path | None) -> Path:
    """A cached demo database with at least ``scale`` action items (seeded if missing)."""
    candidates = (
        [explicit]
        if explicit
        else [
            Path(f"/tmp/wg-bench-{label_of(scale)}.sqlite3"),  # bench_dashboard's demo file
            Path(f"/tmp/wg-bench-gui-{label_of(scale)}.sqlite3"),
        ]
    )
    for path in candidates:
        if path is not None and action_items_in(path) >= scale:
            return path
    target = explicit or candidates[-1]
    assert target is not None
    from workinggroup_app import demo
    from workinggroup_app.storage.database import open_database

    partial = target.with_suffix(".seeding")
    partial.unlink(missing_ok=True)
    print(f"seeding {scale:,} action items into {target} (once; minutes at 1,000,000)…")
    started = time.perf_counter()
    db = open_database(f"sqlite:///{partial}")
    demo.seed(db, scale=scale, progress=lambda label, done, total: print(f"  {label}", flush=True))
    db.dispose()
    partial.rename(target)
    print(f"seeded in {time.perf_counter() - started:.0f} s")
    return target


def sync_indexes(path: Path) -> None:
    """Make the cached file's indexes those the models declare now (an index edited in a
    migration that this file already ran would otherwise never be rebuilt)."""
    import sqlite3

    from sqlalchemy.dialects import sqlite
    from sqlalchemy.schema import CreateIndex

    from workinggroup_app.domain import models

    conn = sqlite3.connect(str(path))
    try:
        have = {
            name: " ".join(sql.split())
            for name, sql in conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL"
            )
        }
        for table in models.Base.metadata.sorted_tables:
            for index in table.indexes:
                sql = " ".join(str(CreateIndex(index).compile(dialect=sqlite.dialect())).split())
                if have.get(str(index.name)) != sql:
                    print(f"rebuilding {index.name} as the models declare it")
                    conn.execute(f'DROP INDEX IF EXISTS "{index.name}"')
                    conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


# --- start-up, each in a fresh process -----------------------------------------------------------

_CHILD_BARE = """
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
w = QMainWindow()
w.resize(1400, 900)
class Watch(QObject):
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint:
            print("painted", flush=True)
            QTimer.singleShot(0, app.quit)
        return False
watch = Watch()
w.installEventFilter(watch)
w.show()
app.exec()
"""

_CHILD_MAIN = """
import os, sys, tempfile
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QTableView
tmp = tempfile.mkdtemp()
QSettings.setDefaultFormat(QSettings.Format.IniFormat)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tmp)
os.environ["WORKINGGROUP_LOG_DIR"] = tmp
app = QApplication(sys.argv)
seen = set()
class Watch(QObject):
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint and obj.isWidgetType():
            name = type(obj.window()).__name__
            if name == "MainWindow" and "window" not in seen:
                seen.add("window")
                print("painted", flush=True)
            parent = obj.parent()
            if isinstance(parent, QTableView) and "list" not in seen and parent.model().rowCount():
                seen.add("list")
                print("list", flush=True)
                QTimer.singleShot(0, app.quit)
        return False
watch = Watch()
app.installEventFilter(watch)
from workinggroup_ui.app import run
# started as the installed command starts it (its parser and error handling included)
from workinggroup_ui.launch import main
sys.exit(main(["--database-url", sys.argv[1], "--lang", "en"]))
"""


def time_child(
    code: str, args: list[str], marks: tuple[str, ...], timeout: float = 180.0
) -> dict[str, float]:
    """Seconds from process launch until each printed mark.

    A child still running after ``timeout`` seconds (a dialog waiting for an answer nobody
    gives, say) is killed, and the run stops with the marks it printed and the end of its
    stderr instead of waiting for ever.
    """
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    started = time.perf_counter()
    deadline = started + timeout
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=str(Path(__file__).resolve().parent.parent),
    )
    assert proc.stdout is not None and proc.stderr is not None
    # Both pipes are read by threads: stdout so that waiting for a line can time out,
    # stderr so that a chatty child never blocks on a full pipe (and its end can be shown).
    lines: queue.Queue[str | None] = queue.Queue()
    stderr_tail: deque[str] = deque(maxlen=15)

    def pump(stream: IO[str], put: Callable[[Any], None], end: bool) -> None:
        for line in stream:
            put(line)
        if end:
            put(None)

    pumps = [
        threading.Thread(target=pump, args=(proc.stdout, lines.put, True), daemon=True),
        threading.Thread(target=pump, args=(proc.stderr, stderr_tail.append, False), daemon=True),
    ]
    for t in pumps:
        t.start()
    out: dict[str, float] = {}
    try:
        while not all(m in out for m in marks):
            try:
                line = lines.get(timeout=max(0.0, deadline - time.perf_counter()))
            except queue.Empty:
                break
            if line is None:  # the child closed its stdout: it has ended (or is ending)
                break
            mark = line.strip()
            if mark in marks and mark not in out:
                out[mark] = time.perf_counter() - started
        try:
            proc.wait(timeout=max(0.0, deadline - time.perf_counter()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            for t in pumps:
                t.join(5)
            seen = ", ".join(f"{m} after {out[m]:.1f} s" for m in marks if m in out)
            tail = "".join(stderr_tail).rstrip() or "(nothing)"
            raise SystemExit(
                f"a benchmark child was still running after {timeout:.0f} s (a dialog "
                "waiting for an answer?) and was killed.\n"
                f"marks seen: {seen or 'none'} (of {', '.join(marks)})\n"
                f"last lines of its stderr:\n{tail}"
            ) from None
    finally:
        if proc.poll() is None:  # an exception of ours: leave no child behind
            proc.kill()
            proc.wait()
        for t, stream in zip(pumps, (proc.stdout, proc.stderr), strict=True):
            t.join(5)
            if not t.is_alive():  # (a grandchild may still hold the pipe: leave it then)
                stream.close()
    return out


def url_of(db: Path | str) -> str:
    """A database URL for a cached SQLite file (a URL is passed through)."""
    return db if isinstance(db, str) and "://" in db else f"sqlite:///{db}"


def startup(db_path: Path | str, runs: int) -> dict[str, float]:
    bare = [time_child(_CHILD_BARE, [], ("painted",))["painted"] for _ in range(runs)]
    main, lists = [], []
    for _ in range(runs):
        t = time_child(_CHILD_MAIN, [url_of(db_path)], ("painted", "list"))
        main.append(t["painted"])
        lists.append(t.get("list", float("nan")))
    return {
        "bare": statistics.median(bare),
        "main": statistics.median(main),
        "list": statistics.median(lists),
    }


# --- in-process list timings --------------------------------------------------------------------


def ms(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def list_timings(db_path: Path | str) -> tuple[list[tuple[str, float, str]], dict[str, Any]]:
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QApplication

    from workinggroup_app.storage.database import open_database
    from workinggroup_ui.app import make_context, register_fonts, settle_after_start
    from workinggroup_ui.settings import Settings
    from workinggroup_ui.window.main_window import MainWindow
    from workinggroup_ui.window.navigation import RECORD_TYPE_KEYS

    app = QApplication.instance() or QApplication([])
    register_fonts()
    db = open_database(url_of(db_path))
    tmp = tempfile.mkdtemp()
    settings = Settings(QSettings(f"{tmp}/settings.ini", QSettings.Format.IniFormat))
    window = MainWindow(settings=settings, lang="en")
    window.resize(1400, 900)
    window.show()
    app.processEvents()
    ctx = make_context(db, "en", window)
    window.attach(ctx)
    settle_after_start()  # as the application does once its window shows data
    app.processEvents()
    ctx.ops.wait()  # the start-up reads (first list, dashboard) land before lists are timed
    app.processEvents()
    rows: list[tuple[str, float, str]] = []
    info: dict[str, Any] = {}

    def shown(view: Any) -> None:
        """Until the rows of the latest request are on screen (the count may still run)."""
        while view.model.loading:
            ctx.ops.pool.waitForDone(2)
            app.processEvents()
        view.table.viewport().repaint()  # paints now: the model reads the page it shows

    def counted(view: Any) -> None:
        view.wait()
        view.table.viewport().repaint()

    def timed(label: str, view_of: Callable[[], Any], action: Callable[[], None]) -> None:
        """Two rows: until the rows are shown, and until the count (status bar) is known."""
        started = time.perf_counter()
        action()
        view = view_of()
        shown(view)
        rows_ms = (time.perf_counter() - started) * 1000
        counted(view)
        all_ms = (time.perf_counter() - started) * 1000
        rows.append((f"{label}: rows shown", rows_ms, "list"))
        if all_ms - rows_ms > 5:
            rows.append((f"{label}: count known", all_ms, "list"))

    # first page of each list, lists created on first visit
    for key in RECORD_TYPE_KEYS:
        if key in window.list_views:
            window.stack.setCurrentIndex(0)  # the first list was made by attach(); remake it
            view = window.list_views.pop(key)
            window.stack.removeWidget(view)
            view.deleteLater()
            app.processEvents()
        timed(
            f"open {key} list",
            lambda key=key: window.list_views[key],
            lambda key=key: window.show_list(key),
        )
        rows[-1] = (rows[-1][0] + f" ({window.list_views[key].model.total:,})", *rows[-1][1:])

    items = window.show_list("action_item")
    assert items is not None
    counted(items)
    info["action_items"] = items.model.total

    # typing in the filter: each keystroke's list update (after the 150 ms debounce)
    shown_times: list[float] = []
    counted_times: list[float] = []
    per_text: list[tuple[str, float]] = []
    for word in KEYSTROKES:
        for i in range(1, len(word) + 1):
            prefix = word[:i]
            started = time.perf_counter()
            items.filters.search.setText(prefix)
            items.filters.flush()
            shown(items)
            shown_times.append((time.perf_counter() - started) * 1000)
            counted(items)
            counted_times.append((time.perf_counter() - started) * 1000)
            per_text.append((prefix, shown_times[-1]))
        items.filters.search.setText("")
        items.filters.flush()
        counted(items)
    info["keystrokes"] = per_text
    n = len(shown_times)
    rows.append(
        (f"filter keystroke p50: rows shown ({n} keys)", percentile(shown_times, 0.5), "list")
    )
    rows.append(
        (f"filter keystroke p95: rows shown ({n} keys)", percentile(shown_times, 0.95), "list")
    )
    rows.append(("filter keystroke p50: count known", percentile(counted_times, 0.5), "list"))
    rows.append(("filter keystroke p95: count known", percentile(counted_times, 0.95), "list"))

    # sorting by a header: indexed columns and a plain one, both directions
    for name in ("due_date", "reference", "status", "title_en"):
        col = items.model.column_of(name)
        for order in (Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder):
            label = "desc" if order == Qt.SortOrder.DescendingOrder else "asc"
            timed(
                f"sort by {name} {label}",
                lambda: items,
                lambda col=col, order=order: items.table.sortByColumn(col, order),
            )
    timed(
        "back to the default order",
        lambda: items,
        lambda: items.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder),
    )

    def jump(label: str, move: Callable[[], None]) -> None:
        """Until the rows at the new position are painted; deep pages are read in the
        background (the window keeps responding), so also how long the window was blocked."""
        started = time.perf_counter()
        move()
        items.table.viewport().repaint()
        blocked = (time.perf_counter() - started) * 1000
        counted(items)  # background page reads land and repaint
        rows.append((label, (time.perf_counter() - started) * 1000, "list"))
        rows.append(("  of which the window was blocked", blocked, "list"))

    jump("jump to last row (1,000,000th)", items.table.scrollToBottom)
    jump("jump back to the first row", items.table.scrollToTop)
    bar = items.table.verticalScrollBar()
    jump("jump to the middle", lambda: bar.setValue(bar.maximum() // 2))
    items.table.scrollToTop()

    referrals = window.show_list("referral")
    assert referrals is not None
    counted(referrals)
    assert referrals.filters.flag_box is not None
    flag_box = referrals.filters.flag_box
    timed("referrals: awaiting response only", lambda: referrals, lambda: flag_box.setChecked(True))
    window.show_list("action_item")
    assert items.filters.flag_box is not None and items.filters.status is not None
    overdue, status = items.filters.flag_box, items.filters.status
    timed("action items: overdue only", lambda: items, lambda: overdue.setChecked(True))
    timed("action items: + open (any)", lambda: items, lambda: status.setCurrentIndex(1))
    info["pages_cached"] = len(items.model.loaded_pages())
    window.close()
    db.dispose()
    return rows, info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1_000_000, help="action items (default 1M)")
    parser.add_argument("--db", type=Path, help="cached SQLite file to use or create")
    parser.add_argument("--runs", type=int, default=5, help="start-up runs (median)")
    args = parser.parse_args(argv)

    path = database_for(args.scale, args.db)
    from workinggroup_app.storage.database import open_database

    open_database(f"sqlite:///{path}").dispose()  # migrate (new indexes) before timing
    sync_indexes(path)
    print(f"database: {path} ({path.stat().st_size / 1e6:,.0f} MB)")

    started = time.perf_counter()
    open_database(f"sqlite:///{path}").dispose()
    open_ms = (time.perf_counter() - started) * 1000  # integrity check + schema check
    start = startup(path, args.runs)
    rows, info = list_timings(path)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    width = 46
    print()
    print(f"{'measure':<{width}} {'result':>12} {'target':>12}  verdict")
    print("-" * (width + 36))

    def line(name: str, value: str, target: str, ok: bool | None) -> None:
        verdict = "" if ok is None else ("pass" if ok else "FAIL")
        print(f"{name:<{width}} {value:>12} {target:>12}  {verdict}")

    line("bare QMainWindow, launch to first paint", f"{start['bare'] * 1000:.0f} ms", "", None)
    limit = start["bare"] * START_FACTOR
    line(
        "main window, launch to first paint",
        f"{start['main'] * 1000:.0f} ms",
        f"<= {limit * 1000:.0f} ms",
        start["main"] <= limit,
    )
    line("main window, launch to first list painted", f"{start['list'] * 1000:.0f} ms", "", None)
    line("  of which db.open_database (in the background)", f"{open_ms:.0f} ms", "", None)
    for name, value, _kind in rows:
        line(name, f"{value:.0f} ms", f"<= {LIST_TARGET_MS:.0f} ms", value <= LIST_TARGET_MS)
    line(
        "resident memory (ru_maxrss, this process)",
        f"{rss_mb:.0f} MB",
        f"<= {MEMORY_TARGET_MB:.0f} MB",
        rss_mb <= MEMORY_TARGET_MB,
    )
    slow = sorted(info["keystrokes"], key=lambda kv: -kv[1])[:5]
    print()
    print("slowest keystrokes: " + ", ".join(f"{t!r} {v:.0f} ms" for t, v in slow))
    print(f"pages cached in the action-item model at the end: {info['pages_cached']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
