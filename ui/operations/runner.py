"""The one op runner: every service call that writes or may be slow goes through here.

Work runs on one background thread (database work is serialised, as in Anki's task
manager); results come back on the UI thread. Reads of the rows on screen (a list's
page, global search) take a second lane of their own, so they never queue behind a slow
count or a dashboard refresh; every write stays on the first lane, in order. Expected errors (DomainError) go to the
caller's ``on_failure`` or to a message box; anything else reaches the error dialog.
A result that is a ``Change`` (or a list of them) is announced on ``changed`` so every
view can decide whether to refresh.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from workinggroup_app.domain.errors import DomainError
from workinggroup_app.services.core import Change
from workinggroup_app.storage import failures

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Raised inside an op when the user pressed Cancel."""


@dataclass
class Progress:
    """Handed to ops that report progress; ``report`` raises Cancelled after a cancel."""

    _emit: Callable[[int, int, str], None]
    _cancel: threading.Event = field(default_factory=threading.Event)

    def report(self, done: int, total: int, text: str = "") -> None:
        if self._cancel.is_set():
            raise Cancelled()
        self._emit(done, total, text)

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def __call__(self, done: int, total: int) -> None:  # usable as a plain callback
        self.report(done, total)


class _Signals(QObject):
    """One per runner, living as long as it: workers emit on it with their job's number."""

    finished = Signal(int, object, object)  # job number, result, error
    progressed = Signal(int, int, int, str)  # job number, done, total, text


class _Job(QRunnable):
    """Runs one function on the pool's thread.

    The worker thread must never release the last reference to a Python object tied to a Qt
    object (a closure connected to a widget's signal, a QObject): PySide then disconnects
    from that thread and needs a Qt lock the UI thread may hold while it waits for the GIL,
    and both threads stop. So the runner keeps every job's function alive in ``_live`` on
    the UI thread; the job drops its own reference before it reports back, and the runner
    releases the function when it has handled the report, on the UI thread.
    """

    def __init__(self, number: int, fn: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.number = number
        self.fn: Callable[[], Any] | None = fn
        self.signals = signals  # the runner's own: outlives every job
        self.setAutoDelete(True)

    def run(self) -> None:
        fn, self.fn = self.fn, None
        assert fn is not None
        try:
            result, error = fn(), None
        except BaseException as exc:  # delivered to the UI thread, never lost
            result, error = None, exc
        del fn  # the runner's reference in _live is the last one: released on the UI thread
        self.signals.finished.emit(self.number, result, error)


def _expected(error: BaseException) -> DomainError | None:
    """An error a user can act on: a DomainError, or a database failure (a full disk, a
    lost server) put in their words by ``storage.failures``."""
    if isinstance(error, DomainError):
        return error
    return failures.explain(error)


@dataclass
class _Pending:
    fn: Callable[[], Any]
    on_finished: Callable[[Any, BaseException | None], None]
    on_progress: Callable[[int, int, str], None] | None = None


class OpRunner(QObject):
    changed = Signal(object)  # a Change
    busy_changed = Signal(bool)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        error_handler: Callable[[BaseException], None] | None = None,
        lang: Callable[[], str] = lambda: "en",
    ) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)  # writes and long reads, one at a time, in order
        self.pool.setMaxThreadCount(1)
        self.view_pool = QThreadPool(self)  # short reads of what is on screen (lane="view")
        self.view_pool.setMaxThreadCount(1)
        self._parent = parent
        self._signals = _Signals(self)
        self._signals.finished.connect(self._finished)
        self._signals.progressed.connect(self._progressed)
        self._live: dict[int, _Pending] = {}
        self._numbers = iter(range(1, 1 << 62))
        self.error_handler = error_handler
        self.lang = lang

    @property
    def busy(self) -> bool:
        return bool(self._live)

    @property
    def _pending(self) -> int:  # kept for callers that count outstanding work
        return len(self._live)

    def run(
        self,
        fn: Callable[..., Any],
        *,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[DomainError], bool | None] | None = None,
        progress_label: str | None = None,
        parent: QWidget | None = None,
        lane: str = "main",
    ) -> None:
        """Run ``fn`` off the UI thread. With ``progress_label`` it gets a Progress argument
        and a progress dialog with Cancel is shown. ``lane="view"``: a short read of rows
        about to be shown (never a write), run beside whatever the main lane is doing."""
        if lane not in ("main", "view"):
            raise ValueError(f"unknown lane {lane!r}")
        number = next(self._numbers)
        dialog: QProgressDialog | None = None
        job_fn: Callable[[], Any] = fn
        on_progress = None
        if progress_label is not None:
            dialog = QProgressDialog(
                progress_label, self.tr("Cancel"), 0, 0, parent or self._parent
            )
            dialog.setWindowTitle(progress_label)
            dialog.setMinimumDuration(300)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            emit = self._signals.progressed.emit
            progress = Progress(lambda d, t, s: emit(number, d, t, s))
            cancel = progress._cancel
            dialog.canceled.connect(cancel.set)

            def on_progress(done: int, total: int, text: str) -> None:
                if dialog is not None:
                    dialog.setMaximum(max(total, 0))
                    dialog.setValue(min(done, total) if total else 0)
                    if text:
                        dialog.setLabelText(text)

            def job_fn() -> Any:
                return fn(progress)

        def finished(result: Any, error: BaseException | None) -> None:
            if dialog is not None:
                dialog.close()
                dialog.deleteLater()
            if error is None:
                self._announce(result)
                if on_success is not None:
                    on_success(result)
            elif isinstance(error, Cancelled):
                log.info("operation cancelled by the user")
            elif (expected := _expected(error)) is not None:
                error = expected
                handled = on_failure(error) if on_failure is not None else None
                if not handled:
                    QMessageBox.warning(
                        parent or self._parent,
                        self.tr("Cannot do that"),
                        error.message(self.lang()),
                    )
            else:
                log.error("operation failed", exc_info=(type(error), error, error.__traceback__))
                if self.error_handler is not None:
                    self.error_handler(error)
                else:
                    raise error

        self._live[number] = _Pending(job_fn, finished, on_progress)
        if len(self._live) == 1:
            self.busy_changed.emit(True)
        pool = self.view_pool if lane == "view" else self.pool
        pool.start(_Job(number, job_fn, self._signals))

    @Slot(int, int, int, str)
    def _progressed(self, number: int, done: int, total: int, text: str) -> None:
        pending = self._live.get(number)
        if pending is not None and pending.on_progress is not None:
            pending.on_progress(done, total, text)

    @Slot(int, object, object)
    def _finished(self, number: int, result: Any, error: BaseException | None) -> None:
        pending = self._live.pop(number)
        try:
            pending.on_finished(result, error)
        finally:
            if not self._live:
                self.busy_changed.emit(False)
            del pending  # the job's function and its closures end here, on the UI thread

    def _announce(self, result: Any) -> None:
        items = result if isinstance(result, (list, tuple)) else [result]
        for item in items:
            if isinstance(item, Change) and item.action != "none":
                self.changed.emit(item)

    def wait(self, timeout_ms: int = 30000) -> bool:
        """Block until queued work is done and delivered (for tests and shutdown)."""
        from PySide6.QtCore import QCoreApplication, QDeadlineTimer

        deadline = QDeadlineTimer(timeout_ms)
        while self._pending and not deadline.hasExpired():
            self.pool.waitForDone(10)
            self.view_pool.waitForDone(10)
            QCoreApplication.processEvents()
        return not self._pending
