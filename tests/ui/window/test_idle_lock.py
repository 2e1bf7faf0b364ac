"""The session locks after a period without input, hides every window's data, and comes
back exactly as it was (unsaved text included) once the password is entered again."""

from __future__ import annotations

import json

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from workinggroup_app.domain.models import AuditEvent
from workinggroup_app.services import users
from workinggroup_ui.window.idle_lock import IDLE_MINUTES, IdleLock, IdleWatcher, LockOverlay

PW = "correct horse battery"


@pytest.fixture(autouse=True)
def fast_hasher(monkeypatch):
    monkeypatch.setattr(users, "hasher", PasswordHasher(time_cost=1, memory_cost=1024))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def actor(db):
    users.create_first_administrator(db, "ada", PW, "Ada Admin")
    return users.authenticate(db, "ada", PW)


@pytest.fixture
def window(qtbot):
    """A main window with a form being edited, a dock with data and a status bar."""
    win = QMainWindow()
    central = QWidget()
    layout = QVBoxLayout(central)
    win.title_edit = QLineEdit()
    win.title_edit.setObjectName("title_edit")
    win.notes = QPlainTextEdit()
    layout.addWidget(QLabel("REF-2026-0001 Online sale of NPP precursor"))
    layout.addWidget(win.title_edit)
    layout.addWidget(win.notes)
    win.setCentralWidget(central)
    dock = QDockWidget("Related", win)
    dock.setWidget(QLabel("CASE-2026-0003 Precursor network"))
    win.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    win.dock = dock
    win.resize(900, 600)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def lock(window, db, actor, qtbot):
    clock = Clock()
    il = IdleLock(window, db, actor, minutes=30, clock=clock, check_interval_ms=60_000)
    il.clock = clock
    yield il
    il.stop()


def overlay_of(widget: QWidget) -> LockOverlay:
    found = [o for o in widget.findChildren(LockOverlay) if o.isVisible()]
    assert len(found) == 1
    return found[0]


def unlock_with(qtbot, overlay: LockOverlay, password: str) -> None:
    qtbot.keyClicks(overlay.password, password)
    qtbot.keyClick(overlay.password, Qt.Key.Key_Return)


def test_it_locks_after_the_idle_minutes_and_input_restarts_the_count(lock, window, qtbot):
    qtbot.keyClicks(window.title_edit, "Draft title")
    lock.clock.now += 29 * 60
    qtbot.keyClick(window.title_edit, Qt.Key.Key_Space)  # typing restarts the count
    lock.clock.now += 29 * 60
    lock.watcher.check()
    assert not lock.is_locked
    with qtbot.waitSignal(lock.locked, timeout=10000):
        lock.clock.now += 60 + 1
        lock.watcher.check()
    assert lock.is_locked
    assert window.title_edit.text() == "Draft title "


def test_the_timer_checks_by_itself(window, db, actor, qtbot):
    clock = Clock()
    il = IdleLock(window, db, actor, minutes=1, clock=clock, check_interval_ms=10)
    try:
        clock.now += 61
        with qtbot.waitSignal(il.locked, timeout=10000):
            pass
        assert il.is_locked
    finally:
        il.stop()


def test_locking_hides_the_data_but_keeps_the_widgets_and_their_text(lock, window, qtbot):
    qtbot.keyClicks(window.title_edit, "Unsaved title ")
    window.title_edit.insert("未保存")  # as an input method delivers it (QTest types ASCII only)
    qtbot.keyClicks(window.notes, "notes typed but not saved")
    lock.lock()
    central = window.centralWidget()
    assert central is not None and not central.isVisible()
    assert not window.dock.isVisible()
    overlay = overlay_of(window)
    assert overlay.geometry() == window.rect()
    qtbot.waitUntil(overlay.password.hasFocus)
    # not destroyed: still there, with what was typed
    assert window.title_edit.text() == "Unsaved title 未保存"
    assert window.notes.toPlainText() == "notes typed but not saved"


def test_input_to_the_hidden_widgets_is_swallowed_while_locked(lock, window, qtbot):
    qtbot.keyClicks(window.title_edit, "kept")
    lock.lock()
    qtbot.keyClicks(window.title_edit, " changed")
    assert window.title_edit.text() == "kept"


def test_a_wrong_password_is_shown_inline_and_audited(lock, window, db, qtbot):
    lock.lock()
    overlay = overlay_of(window)
    unlock_with(qtbot, overlay, "not my password")
    assert lock.is_locked
    assert overlay.error.isVisible() and "wrong" in overlay.error.text()
    assert overlay.password.text() == ""
    with db.session() as s:
        ev = s.execute(select(AuditEvent).order_by(AuditEvent.id.desc())).scalars().first()
    assert (ev.action, ev.actor, ev.outcome) == ("sign_in_failed", "ada", "wrong_password")
    assert json.loads(ev.changes)["purpose"] == "unlock"


def test_the_right_password_brings_everything_back_with_focus(lock, window, db, qtbot):
    qtbot.keyClicks(window.title_edit, "Unsaved title")
    window.title_edit.setFocus()
    qtbot.waitUntil(window.title_edit.hasFocus)
    lock.lock()
    overlay = overlay_of(window)
    with qtbot.waitSignal(lock.unlocked, timeout=10000) as got:
        unlock_with(qtbot, overlay, PW)
    assert got.args[0].username == "ada" and got.args[0].role == "administrator"
    assert not lock.is_locked
    assert window.centralWidget().isVisible() and window.dock.isVisible()
    assert not [o for o in window.findChildren(LockOverlay) if o.isVisible()]
    assert window.title_edit.text() == "Unsaved title"
    qtbot.waitUntil(window.title_edit.hasFocus)
    qtbot.keyClicks(window.title_edit, " more")  # typing works again
    assert window.title_edit.text() == "Unsaved title more"
    with db.session() as s:
        ev = s.execute(select(AuditEvent).order_by(AuditEvent.id.desc())).scalars().first()
    assert (ev.action, ev.outcome, json.loads(ev.changes)["purpose"]) == (
        "sign_in",
        "ok",
        "unlock",
    )


def test_other_windows_are_covered_not_closed(lock, window, qtbot):
    form = QDialog(window)  # a record form open in its own window, edited, not saved
    form.setWindowTitle("REF-2026-0002")
    edit = QLineEdit(form)
    form.resize(400, 300)
    form.show()
    qtbot.waitExposed(form)
    qtbot.keyClicks(edit, "half-typed answer")
    lock.lock()
    assert form.isVisible()  # still open, so its edits survive
    cover = overlay_of(form)
    assert cover.geometry() == form.rect()
    qtbot.keyClicks(edit, " more")
    assert edit.text() == "half-typed answer"
    unlock_with(qtbot, cover, PW)  # unlocking from any window unlocks all
    assert not lock.is_locked and edit.text() == "half-typed answer"
    assert not [o for o in form.findChildren(LockOverlay) if o.isVisible()]


def test_a_window_that_opens_while_locked_is_covered_too(lock, window, qtbot):
    lock.lock()
    box = QMessageBox(QMessageBox.Icon.Warning, "Cannot do that", "REF-2026-0009 was changed")
    box.setParent(window, box.windowFlags())
    box.open()
    qtbot.waitExposed(box)
    qtbot.waitUntil(lambda: bool([o for o in box.findChildren(LockOverlay) if o.isVisible()]))
    cover = overlay_of(box)
    qtbot.keyClick(cover.password, Qt.Key.Key_Escape)  # must not close the covered box
    assert box.isVisible()
    unlock_with(qtbot, cover, PW)  # Return on the cover does not press the box's OK
    assert not lock.is_locked
    assert box.isVisible()  # the message is still there to read after unlocking
    box.close()


def test_repeated_failures_lock_the_account_and_say_for_how_long(lock, window, qtbot):
    lock.lock()
    overlay = overlay_of(window)
    for i in range(5):
        unlock_with(qtbot, overlay, f"wrong {i}")
    assert "10 minutes" in overlay.error.text()
    unlock_with(qtbot, overlay, PW)  # even the right password waits for the lock to end
    assert lock.is_locked


def test_sign_out_is_offered_on_the_overlay(lock, window, qtbot):
    lock.lock()
    with qtbot.waitSignal(lock.sign_out_requested, timeout=10000):
        qtbot.mouseClick(overlay_of(window).sign_out_button, Qt.MouseButton.LeftButton)


def test_a_menu_shortcut_does_nothing_while_locked(lock, window, qtbot):
    fired = []
    action = window.addAction("Save")
    action.setShortcut("Ctrl+S")
    action.triggered.connect(lambda: fired.append(True))
    lock.lock()
    qtbot.keyClick(overlay_of(window).password, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert fired == []


def test_zero_minutes_turns_the_lock_off(window, db, actor, qtbot):
    clock = Clock()
    watcher = IdleWatcher(0, window, clock=clock, check_interval_ms=10)
    try:
        clock.now += 10_000
        watcher.check()
        assert not watcher.timer.isActive()
        fired = []
        watcher.idle.connect(lambda: fired.append(1))
        watcher.check()
        assert fired == []
    finally:
        watcher.stop()


def test_the_minutes_are_a_setting_with_a_default_of_thirty(settings):
    assert settings.get(IDLE_MINUTES) == 30
    settings.set(IDLE_MINUTES, 5)
    assert settings.get(IDLE_MINUTES) == 5


def test_the_real_main_window_with_an_unsaved_record(ctx, dataset, settings, db, qtbot):
    from workinggroup_ui.window.main_window import MainWindow

    users.create_first_administrator(db, "ada", PW)
    ctx.actor = users.authenticate(db, "ada", PW)
    win = MainWindow(ctx, settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    view = win.open_record("referral", dataset.ids["r_npp"])
    editor = view.form.editors["title_en"]
    editor.set_value("An edit nobody has saved yet")
    assert view.has_unsaved_changes()
    clock = Clock()
    il = IdleLock(win, db, ctx.actor, minutes=30, clock=clock, check_interval_ms=60_000)
    try:
        clock.now += 31 * 60
        il.watcher.check()
        assert il.is_locked
        assert not win.current_list().isVisible() and not view.isVisible()
        unlock_with(qtbot, overlay_of(win), PW)
        assert not il.is_locked
        assert view.isVisible() and view.has_unsaved_changes()
        assert editor.value() == "An edit nobody has saved yet"
    finally:
        il.stop()
        view.revert_changes(ask=False)
        ctx.ops.wait()


def test_preferences_set_the_idle_minutes_and_the_running_lock_follows(
    ctx, dataset, settings, db, qtbot
):
    from workinggroup_ui.dialogs.preferences import PreferencesDialog
    from workinggroup_ui.window.main_window import MainWindow

    users.create_first_administrator(db, "ada", PW)
    ctx.actor = users.authenticate(db, "ada", PW)
    win = MainWindow(ctx, settings)
    qtbot.addWidget(win)
    win.show()
    lock = win.start_idle_lock(settings.get(IDLE_MINUTES))
    assert lock is not None and lock.watcher.minutes == 30
    try:
        dialog = win.open_preferences()
        assert isinstance(dialog, PreferencesDialog)
        assert dialog.idle_spin.value() == 30
        dialog.idle_spin.clear()
        qtbot.keyClicks(dialog.idle_spin, "5")
        dialog.accept()
        assert settings.get(IDLE_MINUTES) == 5  # kept for the next start
        assert lock.watcher.minutes == 5  # and the running lock counts 5 minutes now
        dialog = win.open_preferences()
        assert isinstance(dialog, PreferencesDialog)
        dialog.idle_spin.setValue(0)
        assert dialog.idle_spin.text() == "Never"
        dialog.accept()
        assert settings.get(IDLE_MINUTES) == 0 and lock.watcher.minutes == 0
        dialog = win.open_preferences()
        assert isinstance(dialog, PreferencesDialog)
        dialog.idle_spin.clear()
        qtbot.keyClicks(dialog.idle_spin, "99999")  # beyond a working day: not accepted
        assert dialog.idle_spin.value() <= 8 * 60
        dialog.reject()
        assert settings.get(IDLE_MINUTES) == 0  # Cancel changes nothing
    finally:
        lock.stop()
        ctx.ops.wait()
