"""The one op runner: every service call that writes or may be slow goes through here.

Work runs on one background thread (database work is serialised, as in Anki's task
manager); results come back on the UI thread. Expected errors (DomainError) go to the
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

from workinggroup_app.errors import DomainError
from workinggroup_app.services import Change

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
    finished = Signal(object, object)  # result, error
    progressed = Signal(int, int, str)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.fn = fn
        self.signals = signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # delivered to the UI thread, never lost
            self.signals.finished.emit(None, exc)
        else:
            self.signals.finished.emit(result, None)


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
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._parent = parent
        self._pending = 0
        self._jobs: set[_Signals] = set()
        self.error_handler = error_handler
        self.lang = lang

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def run(
        self,
        fn: Callable[..., Any],
        *,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[DomainError], bool | None] | None = None,
        progress_label: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """Run ``fn`` off the UI thread. With ``progress_label`` it gets a Progress argument
        and a progress dialog with Cancel is shown."""
        signals = _Signals()
        self._jobs.add(signals)
        dialog: QProgressDialog | None = None
        job_fn: Callable[[], Any] = fn
        if progress_label is not None:
            dialog = QProgressDialog(
                progress_label, self.tr("Cancel"), 0, 0, parent or self._parent
            )
            dialog.setWindowTitle(progress_label)
            dialog.setMinimumDuration(300)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            progress = Progress(lambda d, t, s: signals.progressed.emit(d, t, s))
            dialog.canceled.connect(progress._cancel.set)

            def on_progress(done: int, total: int, text: str) -> None:
                if dialog is not None:
                    dialog.setMaximum(max(total, 0))
                    dialog.setValue(min(done, total) if total else 0)
                    if text:
                        dialog.setLabelText(text)

            signals.progressed.connect(on_progress)

            def job_fn() -> Any:
                return fn(progress)

        @Slot(object, object)
        def finished(result: Any, error: BaseException | None) -> None:
            self._jobs.discard(signals)
            self._pending -= 1
            if dialog is not None:
                dialog.close()
                dialog.deleteLater()
            if not self._pending:
                self.busy_changed.emit(False)
            if error is None:
                self._announce(result)
                if on_success is not None:
                    on_success(result)
            elif isinstance(error, Cancelled):
                log.info("operation cancelled by the user")
            elif isinstance(error, DomainError):
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

        signals.finished.connect(finished)
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        self.pool.start(_Job(job_fn, signals))

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
            self.pool.waitForDone(20)
            QCoreApplication.processEvents()
        return not self._pending
