"""Locking the session after a period without input, without losing unsaved edits.

- ``IdleWatcher`` is an event filter on the QApplication: every key press, click, wheel
  turn or mouse move restarts the count; after N minutes without input it emits ``idle``.
- ``IdleLock`` locks when that happens (or on ``lock()``): the main window's central widget
  and dock widgets are *hidden* (not destroyed: forms keep what was typed), an opaque
  ``LockOverlay`` covers the window, and every other open window (record forms, dialogs,
  even a message box that appears while locked) is covered by an overlay too. Input to
  anything but the overlays is swallowed, menu shortcuts included. The password is checked
  by ``workinggroup_app.services.users.authenticate`` (audited as a sign-in with purpose "unlock";
  five failures lock the account as at sign-in); then everything is shown as it was and
  focus returns where it was.

Wiring (in the main window, after sign-in)::

    self.idle_lock = IdleLock(self, ctx.db, ctx.actor, minutes=30, lang=ctx.lang)
    self.idle_lock.unlocked.connect(on_unlocked)          # receives the fresh Actor
    self.idle_lock.sign_out_requested.connect(self.close)  # "Sign out" on the overlay
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from workinggroup_app.domain.errors import DomainError
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.services import users
from workinggroup_app.storage.database import Database
from workinggroup_ui.settings import Option

DEFAULT_MINUTES = 30
IDLE_MINUTES: Option[int] = Option("security/idle_lock_minutes", int, DEFAULT_MINUTES)

ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)
BLOCKED_WHILE_LOCKED = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.Shortcut,
        QEvent.Type.ShortcutOverride,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.Wheel,
        QEvent.Type.ContextMenu,
        QEvent.Type.TouchBegin,
        QEvent.Type.Drop,
    }
)


class IdleWatcher(QObject):
    """Emits ``idle`` once after ``minutes`` without user input (until ``reset``)."""

    idle = Signal()

    def __init__(
        self,
        minutes: float = DEFAULT_MINUTES,
        parent: QObject | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        check_interval_ms: int = 15_000,
    ) -> None:
        super().__init__(parent)
        self.clock = clock
        self.minutes = minutes
        self.last_input = clock()
        self._fired = False
        self.blocker: Callable[[QObject, QEvent], bool] | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(check_interval_ms)
        self.timer.timeout.connect(self.check)
        app = QApplication.instance()
        assert app is not None, "create the QApplication first"
        app.installEventFilter(self)
        if minutes > 0:
            self.timer.start()

    def set_minutes(self, minutes: float) -> None:
        """0 turns the lock off."""
        self.minutes = minutes
        self.reset()
        if minutes > 0:
            self.timer.start()
        else:
            self.timer.stop()

    def reset(self) -> None:
        self.last_input = self.clock()
        self._fired = False

    def idle_seconds(self) -> float:
        return self.clock() - self.last_input

    def check(self) -> None:
        if self.minutes > 0 and not self._fired and self.idle_seconds() >= self.minutes * 60:
            self._fired = True
            self.idle.emit()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in ACTIVITY:
            self.last_input = self.clock()
        if self.blocker is not None:
            return self.blocker(obj, event)
        return False

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class LockOverlay(QFrame):
    """An opaque cover with a password field. Covers ``target`` (a window) completely."""

    unlock_requested = Signal(str)
    sign_out_requested = Signal()

    def __init__(self, target: QWidget, actor: Actor) -> None:
        super().__init__(target)
        self.target = target
        self.setObjectName("lock_overlay")
        self.setAutoFillBackground(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        title = QLabel(self.tr("Locked"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        who = actor.display_name or actor.username
        self.message = QLabel(
            self.tr(
                "The session was locked after a period without use. {name} ({user}): enter "
                "your password to continue. Unsaved work is kept."
            )
            .replace("{name}", who)
            .replace("{user}", actor.username)
        )
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setObjectName("unlock_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Password"))
        self.password.setPlaceholderText(self.tr("Password"))
        self.password.returnPressed.connect(self._submit)
        self.unlock_button = QPushButton(self.tr("&Unlock"))
        self.unlock_button.setObjectName("unlock_button")
        self.unlock_button.clicked.connect(self._submit)
        self.sign_out_button = QPushButton(self.tr("Sign &out"))
        self.sign_out_button.setObjectName("sign_out_button")
        self.sign_out_button.clicked.connect(self.sign_out_requested)
        self.error = QLabel()
        self.error.setObjectName("unlock_error")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.setVisible(False)

        box = QWidget()
        box.setMaximumWidth(460)
        inner = QVBoxLayout(box)
        inner.addWidget(title)
        inner.addWidget(self.message)
        inner.addWidget(self.password)
        inner.addWidget(self.error)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.sign_out_button)
        row.addWidget(self.unlock_button)
        inner.addLayout(row)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        column = QVBoxLayout()
        column.addStretch(1)
        column.addWidget(box)
        column.addStretch(2)
        outer.addLayout(column)
        outer.addStretch(1)
        target.installEventFilter(self)
        self.fit()

    def fit(self) -> None:
        self.setGeometry(self.target.rect())
        self.raise_()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.target and event.type() in (
            QEvent.Type.Resize,
            QEvent.Type.ChildAdded,
            QEvent.Type.ZOrderChange,
            QEvent.Type.LayoutRequest,
        ):
            QTimer.singleShot(0, self, self._refit)  # dropped if the cover is deleted first
        return False

    def _refit(self) -> None:
        if self.isVisible():
            self.fit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Keys typed on the cover stop here: Return must not press a covered dialog's
        # default button, nor Escape close it (and lose what it holds).
        event.accept()

    def _submit(self) -> None:
        self.unlock_requested.emit(self.password.text())

    def show_error(self, text: str) -> None:
        self.password.clear()
        self.error.setText(text)
        self.error.setVisible(True)
        self.password.setFocus()

    def remove(self) -> None:
        if not shiboken6.isValid(self):  # its window was closed and deleted meanwhile
            return
        if shiboken6.isValid(self.target):
            self.target.removeEventFilter(self)
        self.hide()
        self.deleteLater()


class IdleLock(QObject):
    """Locks ``window`` (and every other window) after ``minutes`` idle; see the module doc."""

    locked = Signal()
    unlocked = Signal(object)  # the Actor returned by the new sign-in (its role may be new)
    sign_out_requested = Signal()

    def __init__(
        self,
        window: QMainWindow,
        db: Database,
        actor: Actor,
        minutes: float = DEFAULT_MINUTES,
        *,
        lang: str = "en",
        clock: Callable[[], float] = time.monotonic,
        check_interval_ms: int = 15_000,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.db = db
        self.actor = actor
        self.lang = lang
        self.watcher = IdleWatcher(minutes, self, clock=clock, check_interval_ms=check_interval_ms)
        self.watcher.idle.connect(self.lock)
        self.overlays: list[LockOverlay] = []
        self._hidden: list[QWidget] = []
        self._focus: QWidget | None = None
        self.is_locked = False

    # --- locking ------------------------------------------------------------------------

    def lock(self) -> None:
        if self.is_locked:
            return
        self.is_locked = True
        QToolTip.hideText()
        while (popup := QApplication.activePopupWidget()) is not None:
            popup.close()  # an open menu or completer list would stay above the cover
        self._focus = QApplication.focusWidget()
        to_hide: list[QWidget | None] = [self.window.centralWidget()]
        to_hide += list(self.window.findChildren(QDockWidget))
        for widget in to_hide:
            if widget is not None and widget.isVisible():
                widget.hide()
                self._hidden.append(widget)
        self._cover(self.window)
        for widget in QApplication.topLevelWidgets():
            if self._needs_cover(widget):
                self._cover(widget)
        self.watcher.blocker = self._block
        self.locked.emit()

    def _needs_cover(self, widget: QWidget) -> bool:
        if not widget.isWindow() or not widget.isVisible() or widget is self.window:
            return False
        flags = widget.windowType()
        if flags in (Qt.WindowType.Popup, Qt.WindowType.ToolTip, Qt.WindowType.SplashScreen):
            return False
        return not any(o.target is widget for o in self.overlays)

    def _cover(self, widget: QWidget) -> LockOverlay:
        overlay = LockOverlay(widget, self.actor)
        overlay.unlock_requested.connect(lambda pw, o=overlay: self.try_unlock(pw, o))
        overlay.sign_out_requested.connect(self.sign_out_requested)
        overlay.show()
        overlay.fit()
        self.overlays.append(overlay)
        if widget is self.window or QApplication.activeModalWidget() is widget:
            overlay.password.setFocus()
        return overlay

    def _inside_overlay(self, obj: QObject) -> bool:
        node: QObject | None = obj
        while node is not None:
            if isinstance(node, LockOverlay):
                return True
            node = node.parent()
        return False

    def _block(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Show and isinstance(obj, QWidget) and obj.isWindow():
            # a window opened while locked (a message box, a form): cover it too
            QTimer.singleShot(0, self, lambda w=obj: self._cover_late(w))
            return False
        if kind in BLOCKED_WHILE_LOCKED:
            return not self._inside_overlay(obj)
        return False

    def _cover_late(self, widget: QWidget) -> None:
        if self.is_locked and self._needs_cover(widget) and not self._inside_overlay(widget):
            overlay = self._cover(widget)
            overlay.password.setFocus()

    # --- unlocking ------------------------------------------------------------------------

    def try_unlock(self, password: str, overlay: LockOverlay | None = None) -> bool:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            actor = users.authenticate(self.db, self.actor.username, password, purpose="unlock")
        except DomainError as e:
            message = e.message(self.lang)
            self.overlays = [o for o in self.overlays if shiboken6.isValid(o)]
            for o in self.overlays:
                o.error.setText(message)
                o.error.setVisible(True)
                o.password.clear()
            if overlay is not None:
                overlay.password.setFocus()
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        self._unlock(actor)
        return True

    def _unlock(self, actor: Actor) -> None:
        self.watcher.blocker = None
        for overlay in self.overlays:
            overlay.remove()
        self.overlays.clear()
        for widget in self._hidden:
            if shiboken6.isValid(widget):
                widget.show()
        self._hidden.clear()
        self.is_locked = False
        self.actor = actor
        self.watcher.reset()
        if self._focus is not None:
            with contextlib.suppress(RuntimeError):  # the widget was closed meanwhile
                self._focus.setFocus()
        self._focus = None
        self.unlocked.emit(actor)

    def set_minutes(self, minutes: float) -> None:
        self.watcher.set_minutes(minutes)

    def stop(self) -> None:
        """Before the window closes: no more locking, no event filter left behind."""
        self.watcher.stop()
