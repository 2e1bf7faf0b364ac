"""Signing in and the administrators' account screen, driven from the keyboard and the mouse
as people use them (the first-run administrator: tests/ui/test_setup_wizard.py)."""

from __future__ import annotations

import json

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel
from sqlalchemy import select

from tests.ui.conftest import make_ctx
from workinggroup_app.domain.models import AuditEvent
from workinggroup_app.services import users
from workinggroup_ui.dialogs.sign_in import SignInDialog, sign_in
from workinggroup_ui.dialogs.users import COL_ROLE, COL_STATE, AddUserDialog, UserAdmin

PW = "correct horse battery"


@pytest.fixture(autouse=True)
def fast_hasher(monkeypatch):
    monkeypatch.setattr(users, "hasher", PasswordHasher(time_cost=1, memory_cost=1024))


def last_event(db) -> AuditEvent:
    with db.session() as s:
        return s.execute(select(AuditEvent).order_by(AuditEvent.id.desc())).scalars().first()


# --- signing in -------------------------------------------------------------------------------


@pytest.fixture
def admin(db):
    return users.create_first_administrator(db, "ada", PW, "Ada Admin")


def test_sign_in_from_the_keyboard(db, admin, qtbot):
    dialog = SignInDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    qtbot.waitUntil(dialog.username.hasFocus)
    qtbot.keyClicks(dialog.username, "ada")
    qtbot.keyClick(dialog.username, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.password
    qtbot.keyClicks(QApplication.focusWidget(), PW)
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.actor.username == "ada"
    ev = last_event(db)
    assert (ev.action, ev.actor) == ("sign_in", "ada")


def test_a_wrong_password_is_shown_inline_and_the_dialog_stays(db, admin, qtbot):
    dialog = SignInDialog(db, username="ada")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.password, "not it at all")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.actor is None
    assert dialog.error.isVisible() and "wrong" in dialog.error.text()
    assert dialog.password.text() == ""
    assert last_event(db).action == "sign_in_failed"


def test_a_locked_account_says_how_long_in_chinese(db, admin, qtbot):
    dialog = SignInDialog(db, username="ada", lang="zh_CN")
    qtbot.addWidget(dialog)
    dialog.show()
    for i in range(5):
        qtbot.keyClicks(dialog.password, f"wrong {i}")
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert "已被锁定" in dialog.error.text() and "10 分钟" in dialog.error.text()
    qtbot.keyClicks(dialog.password, PW)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.actor is None and "已被锁定" in dialog.error.text()


def test_an_empty_user_name_is_asked_for(db, admin, qtbot):
    dialog = SignInDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert "user name" in dialog.error.text()
    assert last_event(db).action == "permission"  # nothing was attempted


def _drive(qtbot, fill):
    """Fill in the modal dialog that ``sign_in`` is about to show."""

    def step():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, step)
            return
        fill(dialog)

    QTimer.singleShot(0, step)


def test_sign_in_function_returns_the_actor_or_none(db, admin, qtbot):
    def fill(dialog):
        assert isinstance(dialog, SignInDialog)
        assert dialog.username.text() == "ada"  # offered, so the password has focus
        dialog.password.setText(PW)
        dialog.sign_in_button.click()

    _drive(qtbot, fill)
    assert sign_in(db, username="ada").username == "ada"
    _drive(qtbot, lambda dialog: dialog.reject())
    assert sign_in(db) is None


# --- the administrators' account screen -----------------------------------------------------


@pytest.fixture
def admin_screen(db, admin, qtbot):
    ctx = make_ctx(db)
    ctx.actor = admin
    screen = UserAdmin(ctx)
    qtbot.addWidget(screen)
    screen.show()
    yield screen
    ctx.ops.wait()


def fill_add(dialog: AddUserDialog, qtbot, username: str, password: str, role: str) -> None:
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClicks(dialog.display_name, "Liu Yang")
    dialog.role.setCurrentIndex(dialog.role.findData(role))
    qtbot.keyClicks(dialog.password, password)
    qtbot.mouseClick(
        dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton
    )


def test_an_administrator_adds_a_user(admin_screen, db, qtbot):
    dialog = admin_screen.add_user()
    fill_add(dialog, qtbot, "liu", PW, "liaison")
    admin_screen.ctx.ops.wait()
    assert not dialog.isVisible()
    assert [u.username for u in admin_screen.model.rows] == ["ada", "liu"]
    assert admin_screen.model.index(1, COL_ROLE).data() == "Liaison officer"
    ev = last_event(db)
    assert ev.action == "permission" and json.loads(ev.changes)["role"] == [None, "liaison"]
    assert users.authenticate(db, "liu", PW).role == "liaison"


def test_a_refused_new_user_shows_the_reason_in_the_dialog(admin_screen, db, qtbot):
    dialog = admin_screen.add_user()
    fill_add(dialog, qtbot, "liu", "short", "viewer")
    admin_screen.ctx.ops.wait()
    assert dialog.isVisible()
    assert dialog.errors["password"].isVisible()
    assert "12 characters" in dialog.errors["password"].text()
    assert users.get_user(db, "liu") is None
    dialog.close()


def test_change_role_disable_and_unlock(admin_screen, db, qtbot):
    users.create_user(db, admin_screen.ctx.actor, "chen", PW, "viewer")
    for _ in range(5):
        with pytest.raises(users.SignInError):
            users.authenticate(db, "chen", "wrong wrong wrong")
    admin_screen.reload()
    admin_screen.select("chen")
    assert admin_screen.model.index(1, COL_STATE).data().startswith("Locked")
    assert admin_screen.unlock_button.isEnabled()
    qtbot.mouseClick(admin_screen.unlock_button, Qt.MouseButton.LeftButton)
    admin_screen.ctx.ops.wait()
    assert admin_screen.model.index(1, COL_STATE).data() == "Active"

    dialog = admin_screen.change_role()
    dialog.role.setCurrentIndex(dialog.role.findData("manager"))
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    admin_screen.ctx.ops.wait()
    assert users.get_user(db, "chen").role == "manager"

    admin_screen.select("chen")
    qtbot.mouseClick(admin_screen.active_button, Qt.MouseButton.LeftButton)
    admin_screen.ctx.ops.wait()
    assert admin_screen.model.index(1, COL_STATE).data() == "Disabled"
    assert admin_screen.active_button.text() == "&Enable"
    with pytest.raises(users.AccountDisabled):
        users.authenticate(db, "chen", PW)


def test_demoting_the_last_administrator_is_refused_inline(admin_screen, db):
    admin_screen.select("ada")
    dialog = admin_screen.change_role()
    dialog.role.setCurrentIndex(dialog.role.findData("viewer"))
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    admin_screen.ctx.ops.wait()
    assert dialog.isVisible() and "last active administrator" in dialog.errors["role"].text()
    assert users.get_user(db, "ada").role == "administrator"
    dialog.close()


def test_reset_password(admin_screen, db, qtbot):
    users.create_user(db, admin_screen.ctx.actor, "wang", PW, "viewer")
    admin_screen.reload()
    admin_screen.select("wang")
    dialog = admin_screen.reset_password()
    qtbot.keyClicks(dialog.password, "a brand new password")
    qtbot.keyClicks(dialog.confirm, "a brand new passwork")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert "not the same" in dialog.errors["confirm"].text()
    dialog.confirm.setText("a brand new password")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    admin_screen.ctx.ops.wait()
    assert not dialog.isVisible()
    assert users.authenticate(db, "wang", "a brand new password").username == "wang"


@pytest.mark.parametrize("role", ["manager", "coordinator", "liaison", "viewer"])
def test_only_administrators_see_the_account_screen(db, qtbot, role):
    screen = UserAdmin(make_ctx(db, role=role))
    qtbot.addWidget(screen)
    assert screen.table is None
    assert "Only administrators" in screen.findChild(QLabel, "refusal").text()


# --- a shared server where each person connects as their own login ----------------------------


@pytest.mark.postgres
def test_on_a_server_the_sign_in_opens_the_connection_as_the_persons_own_login(pg_url, qtbot):
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from workinggroup_app.domain.permissions import Actor
    from workinggroup_app.storage.database import open_database
    from workinggroup_app.storage.server_roles import login_name, signs_in_as_person
    from workinggroup_ui.app import _open

    owner = open_database(pg_url)  # db upgrade as the owner, then two accounts
    users.create_first_administrator(owner, "boss", PW)
    users.create_user(owner, Actor("boss", "administrator"), "liu", PW, "liaison")
    owner.dispose()
    u = make_url(pg_url)
    address = f"postgresql://{u.host}:{u.port or 5432}/{u.database}"  # no user: each their own
    assert signs_in_as_person(address.replace("postgresql://", "postgresql+psycopg://"))

    dialog = SignInDialog(None, connect=lambda creds: _open(address, creds))
    qtbot.addWidget(dialog)
    dialog.username.setText("liu")
    dialog.password.setText("not the password")
    dialog.sign_in_button.click()
    assert dialog.result() != dialog.DialogCode.Accepted and dialog.db is None
    assert "password is wrong" in dialog.error.text()
    dialog.password.setText(PW)
    dialog.sign_in_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.actor.username == "liu" and dialog.actor.role == "liaison"
    try:
        with dialog.db.engine.connect() as conn:
            login = conn.execute(text("SELECT session_user")).scalar()
        assert login == login_name(u.database, "liu")  # the server knows who it is
    finally:
        dialog.db.dispose()


def test_an_encrypted_file_is_opened_by_the_sign_in_with_the_persons_password(tmp_path, qtbot):
    from sqlalchemy import text

    from workinggroup_app.storage import keyfile
    from workinggroup_app.storage.credentials import Credentials
    from workinggroup_app.storage.database import open_database, opens_with_sign_in
    from workinggroup_app.storage.encryption import encrypt_file
    from workinggroup_ui.app import _open

    path = tmp_path / "office.sqlite3"
    db = open_database(str(path))
    users.create_first_administrator(db, "ada", PW)
    db.dispose()
    encrypt_file(path, Credentials("ada", PW), keep_plain_copy=False)
    assert opens_with_sign_in(str(path))  # the desktop asks before it opens anything

    dialog = SignInDialog(None, connect=lambda creds: _open(str(path), creds))
    qtbot.addWidget(dialog)
    dialog.username.setText("ada")
    dialog.password.setText("not the password")
    dialog.sign_in_button.click()
    assert dialog.db is None and "password is wrong" in dialog.error.text()
    assert dialog.password.text() == ""  # cleared for the next try
    dialog.password.setText(PW)
    dialog.sign_in_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted and dialog.actor.username == "ada"
    try:
        with dialog.db.session() as s:
            assert s.execute(text("SELECT username FROM app_user")).scalar() == "ada"
        assert keyfile.key_file_for(path).exists()
    finally:
        dialog.db.dispose()
