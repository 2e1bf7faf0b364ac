"""The first-run set-up wizard, driven through its real widgets: the keyboard path to a
signed-in administrator, bad input on every page (each with its message, nothing written),
a refused or failing Finish that writes nothing, an already set-up database, and the
start-up around it (the location remembered, --database-url winning, the demo)."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWizard
from sqlalchemy import func, select

from tests.ui.setup_helpers import PASSWORD, SetupDriver, SetupValues
from workinggroup_app.domain.models import Agency, AppSetting, AuditEvent, Substance, User
from workinggroup_app.services import office, reference_data, users
from workinggroup_app.storage.database import open_database
from workinggroup_ui import settings as opts
from workinggroup_ui.dialogs.setup_wizard import (
    PAGE_ADMIN,
    PAGE_FINISH,
    PAGE_LOCATION,
    PAGE_OFFICE,
    PAGE_REFERENCE,
    SetupWizard,
)

HUGE = "x" * 20_000
NEXT = QWizard.WizardButton.NextButton
FINISH = QWizard.WizardButton.FinishButton


@pytest.fixture(autouse=True)
def fast_hasher(monkeypatch):
    monkeypatch.setattr(users, "hasher", PasswordHasher(time_cost=1, memory_cost=1024))


def written(db) -> dict[str, int]:
    """What a refused set-up must not have written: accounts and installation settings."""
    with db.session() as s:
        return {
            "accounts": s.execute(select(func.count()).select_from(User)).scalar_one(),
            "settings": s.execute(select(func.count()).select_from(AppSetting)).scalar_one(),
        }


NOTHING = {"accounts": 0, "settings": 0}


@pytest.fixture
def make_wizard(qtbot):
    made = []

    def make(db, **kwargs) -> SetupWizard:
        wizard = SetupWizard(db, **kwargs)
        qtbot.addWidget(wizard)
        wizard.show()
        qtbot.waitExposed(wizard)
        made.append(wizard)
        return wizard

    yield make
    for wizard in made:
        wizard.runner.wait()


@pytest.fixture
def wizard(db, make_wizard) -> SetupWizard:
    return make_wizard(db, username="alice")


def wait_idle(qtbot, wizard) -> None:
    qtbot.waitUntil(lambda: not getattr(wizard.currentPage(), "busy", False), timeout=20_000)


def to_page(qtbot, wizard, page_id: int) -> None:
    """Fill every page before ``page_id`` with good values and go on with Next."""
    fill = {
        PAGE_ADMIN: lambda: _fill_admin(wizard, "alice", "Alice Smith", PASSWORD, PASSWORD),
        PAGE_OFFICE: lambda: wizard.office_page.name.setText("Beijing country office"),
    }
    while wizard.currentId() != page_id:
        here = wizard.currentId()
        fill.get(here, lambda: None)()
        wizard.next()
        qtbot.waitUntil(lambda here=here: wizard.currentId() != here, timeout=20_000)


def _fill_admin(wizard, username, display, password, confirm) -> None:
    page = wizard.admin_page
    for edit, text in (
        (page.username, username),
        (page.display_name, display),
        (page.password, password),
        (page.confirm, confirm),
    ):
        edit.setText(text)


def next_enabled(wizard) -> bool:
    return wizard.button(NEXT).isEnabled()


# --- the whole way, from the keyboard ----------------------------------------------------------


def test_the_keyboard_path_sets_up_a_fresh_file_and_signs_the_administrator_in(db, wizard, qtbot):
    focus = QApplication.focusWidget
    wizard.activateWindow()
    qtbot.waitActive(wizard)
    location = wizard.location_page
    assert location.file_choice.isChecked()
    assert location.file_edit.text() == str(Path(db.url.removeprefix("sqlite:///")))
    qtbot.keyClick(location.file_edit, Qt.Key.Key_Return)  # Enter = Next, after the check
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_ADMIN, timeout=20_000)
    assert "no accounts yet" in location.status.text()

    admin = wizard.admin_page
    assert admin.username.text() == "alice"  # the system user's name, offered
    qtbot.waitUntil(lambda: focus() is admin.password)
    admin.username.setFocus()
    admin.username.selectAll()
    qtbot.keyClicks(admin.username, "ada")
    for expected, text in (
        (admin.display_name, "Ada <b>Lovelace</b>"),
        (admin.password, PASSWORD),
        (admin.confirm, PASSWORD),
    ):
        qtbot.keyClick(focus(), Qt.Key.Key_Tab)
        assert focus() is expected
        qtbot.keyClicks(expected, text)
    qtbot.keyClick(admin.confirm, Qt.Key.Key_Return)
    assert wizard.currentId() == PAGE_OFFICE

    page = wizard.office_page
    qtbot.waitUntil(lambda: focus() is page.name)
    qtbot.keyClicks(page.name, "DEA <i>Beijing</i> Country Office")
    qtbot.keyClick(page.name, Qt.Key.Key_Tab)
    assert focus() is page.releasability
    page.releasability.setCurrentIndex(page.releasability.findData("releasable"))
    qtbot.keyClick(page.name, Qt.Key.Key_Return)
    assert wizard.currentId() == PAGE_REFERENCE
    shipped = reference_data.shipped()
    assert wizard.reference_page.load.isChecked()
    assert f"{len(shipped.agencies)} agencies" in wizard.reference_page.counts.text()
    wizard.button(NEXT).click()
    assert wizard.currentId() == PAGE_FINISH

    summary = wizard.finish_page.summary
    assert summary["administrator"].text() == "ada (Ada <b>Lovelace</b>)"  # shown as typed
    assert summary["administrator"].textFormat() == Qt.TextFormat.PlainText
    assert "DEA <i>Beijing</i> Country Office" in summary["office"].text()
    assert summary["office"].textFormat() == Qt.TextFormat.PlainText
    assert written(db) == NOTHING  # nothing before Finish
    with qtbot.waitSignal(wizard.accepted, timeout=30_000):
        qtbot.keyClick(wizard.button(FINISH), Qt.Key.Key_Return)

    assert wizard.actor.username == "ada" and wizard.actor.role == "administrator"
    assert wizard.database is db and wizard.existing_url is None
    assert users.authenticate(db, "ada", PASSWORD).display_name == "Ada <b>Lovelace</b>"
    assert office.read_profile(db) == office.OfficeProfile(
        "US", "DEA <i>Beijing</i> Country Office", "releasable"
    )
    with db.session() as s:
        assert s.execute(select(func.count()).select_from(Agency)).scalar_one() == len(
            shipped.agencies
        )
        assert s.execute(select(func.count()).select_from(Substance)).scalar_one() == len(
            shipped.substances
        )
        events = s.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
    actions = [(e.action, e.record_type) for e in events]
    assert actions[0] == ("permission", "user")
    assert json.loads(events[0].changes)["first_run"] is True
    assert ("settings", "office") in actions
    assert ("reference_data", "") in actions
    assert sum(1 for e in events if e.action == "create") == len(shipped.agencies) + len(
        shipped.substances
    )
    assert {e.actor for e in events} == {"ada"}


def test_a_new_file_elsewhere_without_the_reference_data(db, wizard, qtbot, tmp_path):
    target = tmp_path / "new folder" / "team.sqlite3"
    location = wizard.location_page
    location.file_edit.setText(str(target))
    to_page(qtbot, wizard, PAGE_REFERENCE)
    assert "created" in location.status.text()
    wizard.reference_page.load.setChecked(False)
    wizard.next()
    assert "Not loaded" in wizard.finish_page.summary["reference"].text()
    assert wizard.finish_page.summary["database"].text() == str(target)
    with qtbot.waitSignal(wizard.accepted, timeout=30_000):
        wizard.button(FINISH).click()
    new = wizard.database
    assert new is not db and target.exists()
    assert wizard.chosen_url == new.url == f"sqlite:///{target}"
    assert users.get_user(new, "alice").role == "administrator"
    with new.session() as s:
        assert s.execute(select(func.count()).select_from(Agency)).scalar_one() == 0
    assert written(db) == NOTHING  # the database opened at start is left as it was
    new.dispose()


# --- (a) the location -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("server", "text", "message"),
    [
        (False, "", "Choose the database file."),
        (True, "", "Enter the server's address."),
        (True, "postgresql://:@@", "not a database address"),
        (True, "postgresql://" + HUGE, "too long (20,013 characters"),
        (True, "postgresql://wg\x07@db/wg", "control character"),
        (True, "<b>db</b>", "starts with postgresql://"),
        (True, "postgresql://wg@db.example.org", "Name the database"),
        (True, "mysql://wg@db/wg", "Only SQLite files and PostgreSQL servers"),
        (False, HUGE, "too long"),
    ],
)
def test_a_bad_address_says_why_and_next_stays_disabled(db, wizard, qtbot, server, text, message):
    page = wizard.location_page
    (page.server_choice if server else page.file_choice).setChecked(True)
    (page.server_edit if server else page.file_edit).setText(text)
    assert not next_enabled(wizard)
    assert page.status.isVisible() and message in page.status.text()
    assert page.status.textFormat() == Qt.TextFormat.PlainText
    wizard.next()
    assert wizard.currentId() == PAGE_LOCATION
    assert written(db) == NOTHING


def test_test_connection_shows_a_refused_server_and_stays(db, wizard, qtbot):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    page = wizard.location_page
    page.server_choice.setChecked(True)
    qtbot.keyClicks(page.server_edit, f"postgresql://wg@127.0.0.1:{port}/wg")
    assert next_enabled(wizard)
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, wizard)
    assert f"Nothing is listening at 127.0.0.1, port {port}" in page.status.text()
    wizard.next()  # Next tries again and stays
    wait_idle(qtbot, wizard)
    assert wizard.currentId() == PAGE_LOCATION and "Nothing is listening" in page.status.text()
    assert written(db) == NOTHING


def test_a_server_that_never_answers_shows_the_busy_indicator_then_why(db, zh_lang_wizard, qtbot):
    wizard = zh_lang_wizard
    with socket.socket() as silent:  # takes the connection, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)
        port = silent.getsockname()[1]
        page = wizard.location_page
        page.server_choice.setChecked(True)
        page.server_edit.setText(f"postgresql://wg@127.0.0.1:{port}/wg")
        page.test_button.click()
        assert page.busy and page.progress.isVisible()
        assert not next_enabled(wizard) and not page.test_button.isEnabled()
        wait_idle(qtbot, wizard)
    assert not page.progress.isVisible() and next_enabled(wizard)
    assert "秒内没有应答" in page.status.text()  # the core's message, in Chinese
    assert written(db) == NOTHING


@pytest.fixture
def zh_lang_wizard(db, make_wizard):
    return make_wizard(db, lang="zh_CN")


def test_a_folder_that_cannot_take_the_file_and_a_file_that_is_no_database(
    db, wizard, qtbot, tmp_path
):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("not a folder, and not a database either\n")
    page = wizard.location_page
    page.file_edit.setText(str(blocker / "workinggroup.sqlite3"))
    wizard.next()
    wait_idle(qtbot, wizard)
    assert wizard.currentId() == PAGE_LOCATION
    assert f"{blocker} is a file, not a folder" in page.status.text()
    page.file_edit.setText(str(blocker))
    wizard.next()
    wait_idle(qtbot, wizard)
    assert wizard.currentId() == PAGE_LOCATION
    assert "is not a database file" in page.status.text()
    assert blocker.read_text() == "not a folder, and not a database either\n"
    assert written(db) == NOTHING


def test_a_database_already_set_up_is_opened_for_signing_in(db, db_path, wizard, qtbot, tmp_path):
    other = tmp_path / "team.sqlite3"
    shutil.copyfile(db_path, other)
    team = open_database(str(other))
    users.create_first_administrator(team, "bob", PASSWORD)
    team.dispose()
    page = wizard.location_page
    page.file_edit.setText(str(other))
    wizard.next()
    wait_idle(qtbot, wizard)
    assert wizard.currentId() == PAGE_LOCATION
    assert "already set up (1 account)" in page.status.text()
    assert wizard.button(FINISH).isVisible() and not wizard.button(NEXT).isVisible()
    with qtbot.waitSignal(wizard.accepted, timeout=10_000):
        wizard.button(FINISH).click()
    assert wizard.existing_url == wizard.chosen_url == f"sqlite:///{other}"
    assert wizard.actor is None and wizard.database is None
    assert written(db) == NOTHING


def test_the_server_is_chosen_and_tried_from_the_keyboard(db, wizard, qtbot):
    focus = QApplication.focusWidget
    wizard.activateWindow()
    qtbot.waitActive(wizard)
    page = wizard.location_page
    qtbot.keyClick(focus(), Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # "&server"
    qtbot.waitUntil(page.server_choice.isChecked)  # a mnemonic clicks after 100 ms
    assert focus() is page.server_choice
    assert not page.file_edit.isEnabled() and page.server_edit.isEnabled()
    qtbot.keyClick(focus(), Qt.Key.Key_Tab)
    assert focus() is page.server_edit
    qtbot.keyClicks(page.server_edit, "postgresql://wg@127.0.0.1:1/wg")
    qtbot.keyClick(page.server_edit, Qt.Key.Key_Tab)
    assert focus() is page.test_button
    qtbot.keyClick(page.test_button, Qt.Key.Key_Space)
    wait_idle(qtbot, wizard)
    assert "Nothing is listening at 127.0.0.1, port 1" in page.status.text()
    qtbot.keyClick(focus(), Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)  # back to the file
    qtbot.waitUntil(page.file_choice.isChecked)
    assert not page.status.isVisible()  # the verdict was about the server


def test_choose_puts_the_chosen_file_in_the_field(wizard, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    asked = []
    chosen = str(tmp_path / "chosen.sqlite3")

    def answer(parent, title, start, filters, options):
        asked.append((title, start, options))
        return chosen, filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    page = wizard.location_page
    qtbot.mouseClick(page.choose_button, Qt.MouseButton.LeftButton)
    assert page.file_edit.text() == chosen
    title, start, options = asked[0]
    assert title == "Database file" and start.endswith("workinggroup.sqlite3")
    assert options == QFileDialog.Option.DontConfirmOverwrite  # an existing file is opened


def test_editing_the_address_after_a_check_asks_again(db, wizard, qtbot, tmp_path):
    other = tmp_path / "team.sqlite3"
    page = wizard.location_page
    page.file_edit.setText(str(other))
    page.start_check(advance=False)
    wait_idle(qtbot, wizard)
    assert page.checked is not None
    page.file_edit.setText(str(other) + "x")
    assert page.checked is None and not page.status.isVisible()


# --- (b) the administrator -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (("", "", PASSWORD, PASSWORD), "username", "Enter a user name."),
        ((HUGE, "", PASSWORD, PASSWORD), "username", "2 to 63 characters"),
        (("<b>ada</b>", "", PASSWORD, PASSWORD), "username", "2 to 63 characters"),
        (("ad\x01a", "", PASSWORD, PASSWORD), "username", "control character"),
        (("ada", HUGE, PASSWORD, PASSWORD), "display_name", "at most 200 characters"),
        (("ada", "Ada\u202eLovelace", PASSWORD, PASSWORD), "display_name", "control character"),
        (("ada", "", "", PASSWORD), "password", "Enter a password."),
        (("ada", "", "short", "short"), "password", "at least 12 characters"),
        (("ada", "", HUGE, HUGE), "password", "at most 1024 characters"),
        (("ada", "", "ada is my password", "ada is my password"), "password", "user name"),
        (("ada", "", "aaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaa"), "password", "too easy"),
        (("ada", "", PASSWORD, PASSWORD + "x"), "confirm", "not the same"),
        (("ada", "", PASSWORD, ""), "confirm", "Type the password again."),
    ],
)
def test_bad_administrator_input_is_shown_next_to_its_field(
    db, wizard, qtbot, values, field, message
):
    to_page(qtbot, wizard, PAGE_ADMIN)
    page = wizard.admin_page
    for edit in page.edits.values():
        edit.setText("typed")
        edit.clear()
    _fill_admin(wizard, *values)
    assert not next_enabled(wizard)
    label = page.errors[field]
    assert label.isVisible() and message in label.text()
    assert label.textFormat() == Qt.TextFormat.PlainText
    shown = [name for name, lbl in page.errors.items() if lbl.isVisible()]
    also = ["confirm"] if field == "password" and values[2] != values[3] else []
    assert shown == [field, *also]  # only the fields that are wrong are marked
    qtbot.keyClick(page.confirm, Qt.Key.Key_Return)
    assert wizard.currentId() == PAGE_ADMIN
    assert written(db) == NOTHING


def test_untouched_fields_are_not_marked_until_enter(db, wizard, qtbot):
    to_page(qtbot, wizard, PAGE_ADMIN)
    page = wizard.admin_page
    assert not any(label.isVisible() for label in page.errors.values())
    assert not next_enabled(wizard)
    qtbot.keyClick(page.password, Qt.Key.Key_Return)
    assert page.errors["password"].text() == "Enter a password."
    assert page.errors["confirm"].text() == "Type the password again."
    assert not page.errors["username"].isVisible()  # "alice" is a good name


def test_the_core_rules_speak_chinese(db, zh_lang_wizard, qtbot):
    wizard = zh_lang_wizard
    to_page(qtbot, wizard, PAGE_ADMIN)
    _fill_admin(wizard, "ada", "", "short", "short")
    assert "密码至少需要" in wizard.admin_page.errors["password"].text()
    wizard.admin_page.username.setText("A")
    assert "用户名为 2 至 63 个字符" in wizard.admin_page.errors["username"].text()


def test_labels_carry_mnemonics_for_their_fields(wizard, qtbot):
    to_page(qtbot, wizard, PAGE_ADMIN)
    page = wizard.admin_page
    buddies = {label.text(): label.buddy() for label in page.findChildren(QLabel) if label.buddy()}
    assert buddies == {
        "&User name:": page.username,
        "Full na&me:": page.display_name,
        "&Password:": page.password,
        "&Repeat password:": page.confirm,
    }


# --- (c) the office --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter the office's name."),
        ("   ", "Enter the office's name."),
        (HUGE, "too long (20,000 characters; at most 200)"),
        ("Beijing\x00office", "control character"),
    ],
)
def test_bad_office_names_are_refused(db, wizard, qtbot, name, message):
    to_page(qtbot, wizard, PAGE_OFFICE)
    page = wizard.office_page
    page.name.setText("typed")
    page.name.setText(name)
    assert not next_enabled(wizard)
    assert page.error.isVisible() and message in page.error.text()
    wizard.next()
    assert wizard.currentId() == PAGE_OFFICE
    assert written(db) == NOTHING


def test_the_office_choices_are_the_vocabularys_words(wizard, qtbot):
    to_page(qtbot, wizard, PAGE_OFFICE)
    page = wizard.office_page
    assert [page.side.itemData(i) for i in range(page.side.count())] == ["US", "PRC"]
    assert page.side.itemText(1) == "China"
    assert page.releasability.currentData() == "us_only"  # the profile's default


# --- (e) Finish: refused or failing, nothing is written ------------------------------------------------


def test_a_database_set_up_meanwhile_is_refused_on_the_page(db, wizard, qtbot):
    to_page(qtbot, wizard, PAGE_FINISH)
    users.create_first_administrator(db, "bob", PASSWORD)  # someone else was quicker
    wizard.button(FINISH).click()
    assert wizard.finish_page.busy and wizard.finish_page.progress.isVisible()
    assert not wizard.button(QWizard.WizardButton.CancelButton).isEnabled()
    wait_idle(qtbot, wizard)
    assert wizard.isVisible() and wizard.result() == 0
    error = wizard.finish_page.error
    assert error.isVisible() and "already set up" in error.text()
    assert wizard.button(QWizard.WizardButton.CancelButton).isEnabled()
    assert written(db) == {"accounts": 1, "settings": 0}  # only bob; no office, no alice
    assert users.get_user(db, "alice") is None


def test_a_failure_half_way_writes_nothing(db, wizard, qtbot, tmp_path, monkeypatch):
    to_page(qtbot, wizard, PAGE_FINISH)
    broken = tmp_path / "reference"
    broken.mkdir()  # no manifest: the merge fails after the account and the office
    monkeypatch.setattr(reference_data, "data_folder", lambda: broken)
    wizard.button(FINISH).click()
    wait_idle(qtbot, wizard)
    assert wizard.isVisible() and wizard.actor is None
    assert "reference data cannot be used" in wizard.finish_page.error.text()
    assert written(db) == NOTHING
    with db.session() as s:
        assert s.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == 0


# --- fits the screen ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_every_page_fits_a_1366_by_768_screen(db, make_wizard, qtbot, lang):
    wizard = make_wizard(db, lang=lang, username="alice")
    assert wizard.width() <= 1366 and wizard.height() <= 768 - 80  # title and task bars
    for page_id in (PAGE_LOCATION, PAGE_ADMIN, PAGE_OFFICE, PAGE_REFERENCE, PAGE_FINISH):
        to_page(qtbot, wizard, page_id)
        if page_id == PAGE_ADMIN:  # every error shown at once: the tallest this page gets
            _fill_admin(wizard, "A", HUGE, "short", "other")
            qtbot.keyClick(wizard.admin_page.confirm, Qt.Key.Key_Return)
            _fill_admin(wizard, "alice", "Alice Smith", PASSWORD, PASSWORD)
        page = wizard.currentPage()
        layout = page.layout()
        assert layout.totalHeightForWidth(page.width()) <= page.height(), page.title()
        assert layout.totalMinimumSize().width() <= page.width(), page.title()


# --- start-up: the wizard, the remembered location, --database-url, the demo ---------------------------


def start(settings, qtbot, url, *, demo=False):
    from workinggroup_ui.app import Starter
    from workinggroup_ui.window.main_window import MainWindow

    window = MainWindow(settings=settings, lang="en")
    qtbot.addWidget(window)
    window.show()
    codes: list[int] = []
    starter = Starter(window, database_url=url, demo=demo, lang="en", on_fatal=codes.append)
    starter.start()
    return window, codes


def finish(window) -> None:
    if window.ctx is not None:
        window.ctx.ops.wait()
        window.close()
        window.ctx.db.dispose()


def test_the_chosen_location_is_opened_at_the_next_start(settings, qtbot, tmp_path):
    from workinggroup_ui.app import starting_url
    from workinggroup_ui.dialogs.sign_in import SignInDialog

    team = tmp_path / "team" / "workinggroup.sqlite3"
    driver = SetupDriver(SetupValues(database_file=str(team))).attach()
    window, codes = start(settings, qtbot, None)
    qtbot.waitUntil(lambda: window.ctx is not None, timeout=30_000)
    driver.stop()
    assert window.ctx.actor.username == "alice" and window.ctx.db.url == f"sqlite:///{team}"
    assert settings.get(opts.DATABASE_URL) == f"sqlite:///{team}"
    finish(window)

    # the next start, with no --database-url, opens it and asks for the password
    assert starting_url(None, False, settings) == f"sqlite:///{team}"
    asked: list[str] = []
    watcher = ModalAnswer(SignInDialog, lambda d: (asked.append(d.db.url), d.reject()))
    window, codes = start(settings, qtbot, None)
    qtbot.waitUntil(lambda: codes == [0], timeout=30_000)
    watcher.stop()
    assert asked == [f"sqlite:///{team}"]
    # --database-url still wins, and is not remembered
    assert starting_url(str(tmp_path / "x.sqlite3"), False, settings) == str(tmp_path / "x.sqlite3")


def test_a_remembered_server_that_is_gone_is_explained_at_the_next_start(settings, qtbot):
    from PySide6.QtWidgets import QMessageBox

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.set(opts.DATABASE_URL, f"postgresql+psycopg://wg@127.0.0.1:{port}/wg")
    shown: list[tuple[str, str]] = []
    watcher = ModalAnswer(
        QMessageBox, lambda box: (shown.append((box.text(), box.informativeText())), box.accept())
    )
    window, codes = start(settings, qtbot, None)
    qtbot.waitUntil(lambda: codes == [2], timeout=30_000)
    watcher.stop()
    text, hint = shown[0]
    assert f"Nothing is listening at 127.0.0.1, port {port}" in text  # not a driver error
    assert "--database-url" in hint
    assert window.ctx is None


def test_keeping_the_default_file_remembers_the_default(settings, qtbot):
    from workinggroup_app.storage.paths import data_dir

    driver = SetupDriver().attach()
    window, _codes = start(settings, qtbot, None)
    qtbot.waitUntil(lambda: window.ctx is not None, timeout=30_000)
    driver.stop()
    assert window.ctx.db.url == f"sqlite:///{data_dir() / 'workinggroup.sqlite3'}"
    assert settings.get(opts.DATABASE_URL) == ""  # "the default": follows the data folder
    finish(window)


def test_a_database_named_on_the_command_line_is_not_remembered(settings, qtbot, db_path):
    driver = SetupDriver().attach()
    window, _codes = start(settings, qtbot, str(db_path))
    qtbot.waitUntil(lambda: window.ctx is not None, timeout=30_000)
    driver.stop()
    assert window.ctx.db.url == f"sqlite:///{db_path}"
    assert settings.get(opts.DATABASE_URL) == ""
    finish(window)


def test_cancelling_the_wizard_quits_before_any_record_is_shown(settings, qtbot, db_path):
    states = []

    def cancel(wizard) -> None:
        states.append((window.ctx, window.stack.currentWidget() is window.placeholder))
        wizard.reject()

    watcher = ModalAnswer(SetupWizard, cancel)
    window, codes = start(settings, qtbot, str(db_path))
    qtbot.waitUntil(lambda: codes == [0], timeout=30_000)
    watcher.stop()
    assert states == [(None, True)]
    assert window.ctx is None and not window.list_views


def test_the_demo_asks_only_for_the_administrator_and_the_office(qtbot, make_wizard, db):
    wizard = make_wizard(db, demo=True)
    assert wizard.currentId() == PAGE_ADMIN
    assert wizard.pageIds() == [PAGE_ADMIN, PAGE_OFFICE, PAGE_FINISH]
    assert wizard.findChild(QLabel, "demo_note") is not None
    assert not wizard.load_reference()  # the demo seeds its own agencies and substances


class ModalAnswer:
    """Hands each new visible top-level widget of ``cls`` to ``act``."""

    def __init__(self, cls, act) -> None:
        from PySide6.QtCore import QTimer

        self.cls, self.act, self.seen = cls, act, []
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._poll)
        self.timer.start()

    def _poll(self) -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, self.cls) and w.isVisible() and w not in self.seen:
                self.seen.append(w)
                self.act(w)

    def stop(self) -> None:
        self.timer.stop()
