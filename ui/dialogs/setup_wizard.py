"""The first start: where the data lives, the first administrator, the office, the shipped
reference data, then everything written in one go.

``SetupWizard`` is shown when the database opened at start has no account. Its pages only
collect and check what is typed (with the core's own rules: ``services.users``,
``services.office``); the connection check (``storage.connection.check_connection``) and
the set-up itself (``services.setup.set_up``, one transaction) run off the UI thread
through an op runner, with a busy indicator. Nothing is written before Finish, and a
refused Finish writes nothing.

After ``exec()`` returns Accepted, either ``actor`` is the new administrator (signed in)
and ``database`` the database now set up, or ``existing_url`` names a database that was
already set up, to be opened with the ordinary sign-in. ``chosen_url`` is the location to
remember for the next start (not for the demo).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from workinggroup_app.domain import vocabulary
from workinggroup_app.domain.errors import DomainError, ValidationError, ValidationErrors
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.services import office, users
from workinggroup_app.storage.connection import ConnectionCheck
from workinggroup_app.storage.database import Database
from workinggroup_ui.dialogs.setup_location import (
    CONTROL,
    LocationPage,
    add_field,
    busy_bar,
    control_message,
    error_label,
    show,
    wrapped,
)
from workinggroup_ui.operations.runner import OpRunner
from workinggroup_ui.widgets.text import named_edit

if TYPE_CHECKING:
    from workinggroup_app.services.setup import SetupRequest

PAGE_LOCATION, PAGE_ADMIN, PAGE_OFFICE, PAGE_REFERENCE, PAGE_FINISH = range(5)
MAX_DISPLAY_NAME = 200


# --- (b) the first administrator -------------------------------------------------------------


class AdminPage(QWizardPage):
    """User name, full name and the password twice, checked as they are typed with the
    rules of ``services.users``; each problem is shown under its field."""

    FIELDS = ("username", "display_name", "password", "confirm")

    def __init__(self, wizard: SetupWizard, username: str) -> None:
        super().__init__()
        self.lang = wizard.lang
        self.touched: set[str] = set()
        self.setTitle(self.tr("The administrator"))
        self.setSubTitle(
            self.tr(
                "The administrator adds the other users and gives them their roles. You are "
                "signed in with this account when the set-up is done."
            )
        )
        try:
            offered = users.check_username(username) if username else ""
        except ValidationError:
            offered = ""
        self.username = named_edit("username", offered)
        self.display_name = named_edit("display_name")
        self.password = named_edit("password", secret=True)
        self.confirm = named_edit("confirm", secret=True)
        self.edits = dict(
            zip(
                self.FIELDS,
                (self.username, self.display_name, self.password, self.confirm),
                strict=True,
            )
        )
        self.errors = {name: error_label(name) for name in self.FIELDS}
        hint = wrapped(
            self.tr(
                "At least %n characters, not containing the user name.",
                "",
                users.MIN_PASSWORD_LENGTH,
            )
        )
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        add_field(form, self.tr("&User name:"), self.username, self.errors["username"])
        add_field(form, self.tr("Full na&me:"), self.display_name, self.errors["display_name"])
        add_field(form, self.tr("&Password:"), self.password, hint, self.errors["password"])
        add_field(form, self.tr("&Repeat password:"), self.confirm, self.errors["confirm"])
        layout = QVBoxLayout(self)
        if wizard.demo:
            note = self.tr(
                "This is the demo database: invented records for trying the application. "
                "The account you create now exists only in the demo database; choose any "
                "user name and a password you will remember for the next demo start."
            )
            layout.addWidget(wrapped(note, "demo_note"))
        layout.addLayout(form)
        layout.addStretch(1)
        for name, edit in self.edits.items():
            edit.textChanged.connect(lambda _t, n=name: self._typed(n))
            edit.returnPressed.connect(self._show_all)
        self.setTabOrder(self.username, self.display_name)
        self.setTabOrder(self.display_name, self.password)
        self.setTabOrder(self.password, self.confirm)

    def initializePage(self) -> None:
        # after QWizard has given the page's first field the focus
        first = self.password if self.username.text() else self.username
        QTimer.singleShot(0, first.setFocus)

    def problems(self) -> dict[str, str]:
        """What is wrong, by field (all fields, touched or not)."""
        found: dict[str, str] = {}
        name = self.username.text()
        clean = ""
        if not name.strip():
            found["username"] = self.tr("Enter a user name.")
        elif CONTROL.search(name):
            found["username"] = control_message()
        else:
            try:
                clean = users.check_username(name)
            except ValidationError as exc:
                found["username"] = exc.message(self.lang)
        display = self.display_name.text()
        if CONTROL.search(display):
            found["display_name"] = control_message()
        elif len(display.strip()) > MAX_DISPLAY_NAME:
            found["display_name"] = self.tr(
                "A full name has at most %n characters.", "", MAX_DISPLAY_NAME
            )
        password = self.password.text()
        if not password:
            found["password"] = self.tr("Enter a password.")
        else:
            try:
                users.check_password(password, clean)
            except ValidationError as exc:
                found["password"] = exc.message(self.lang)
        if not self.confirm.text():
            found["confirm"] = self.tr("Type the password again.")
        elif self.confirm.text() != password:
            found["confirm"] = self.tr("The two passwords are not the same.")
        return found

    def _typed(self, name: str) -> None:
        self.touched.add(name)
        self._refresh()

    def _show_all(self) -> None:
        self.touched.update(self.FIELDS)
        self._refresh()

    def _refresh(self) -> None:
        found = self.problems()
        for name, label in self.errors.items():
            show(label, found.get(name) if name in self.touched else None)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.problems()

    def validatePage(self) -> bool:
        self._show_all()
        return self.isComplete()


# --- (c) the office ------------------------------------------------------------------------------


class OfficePage(QWizardPage):
    """This installation's side, the office's name and new records' releasability."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self.lang = wizard.lang
        self.touched = False
        self.setTitle(self.tr("The office"))
        self.setSubTitle(
            self.tr(
                "Which side of the working group this installation belongs to, the office's "
                "name as packets and exchange packages show it, and how new records start."
            )
        )
        default = office.OfficeProfile()
        self.side = self._combo("side", "side", default.side)
        self.name = named_edit("office_name")
        self.releasability = self._combo(
            "default_releasability", "releasability", default.default_releasability
        )
        self.error = error_label("office_name")
        hint = wrapped(
            self.tr(
                "A releasable record may go to the counterpart in packets and exchange "
                "packages; a US-only record never leaves this side. Each record can be "
                "changed; this is only where new ones start."
            )
        )
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        add_field(form, self.tr("&Side:"), self.side)
        add_field(form, self.tr("&Office name:"), self.name, self.error)
        add_field(form, self.tr("Default r&eleasability:"), self.releasability, hint)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        self.name.textChanged.connect(self._typed)
        self.name.returnPressed.connect(self._typed)
        self.setTabOrder(self.side, self.name)
        self.setTabOrder(self.name, self.releasability)

    def _combo(self, name: str, kind: str, current: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        for key in vocabulary.keys(kind):
            combo.addItem(vocabulary.word(kind, key, self.lang), key)
        combo.setCurrentIndex(max(combo.findData(current), 0))
        return combo

    def profile(self) -> office.OfficeProfile:
        return office.OfficeProfile(
            str(self.side.currentData()), self.name.text(), str(self.releasability.currentData())
        )

    def problem(self) -> str | None:
        text = self.name.text()
        if not text.strip():
            return self.tr("Enter the office's name.")
        if CONTROL.search(text):
            return control_message()
        try:
            self.profile().checked()
        except ValidationError as exc:
            return exc.message(self.lang)
        return None

    def _typed(self, *_args: Any) -> None:
        self.touched = True
        show(self.error, self.problem())
        self.completeChanged.emit()

    def initializePage(self) -> None:
        QTimer.singleShot(0, self.name.setFocus)

    def isComplete(self) -> bool:
        return self.problem() is None

    def validatePage(self) -> bool:
        self._typed()
        return self.isComplete()


# --- (d) the shipped reference data ---------------------------------------------------------------


class ReferencePage(QWizardPage):
    """Whether to load the shipped agencies and substances (``services.reference_data``)."""

    def __init__(self, wizard: SetupWizard) -> None:
        from workinggroup_app.services import reference_data

        super().__init__()
        self.setTitle(self.tr("Agencies and substances"))
        self.setSubTitle(
            self.tr(
                "The application comes with the working group's agencies and the substances "
                "it follows, named in English and Chinese. Load them now and they are ready "
                "in every picker; they can be edited later like any record."
            )
        )
        self.load = QCheckBox(self.tr("&Load the shipped agencies and substances"))
        self.load.setObjectName("load_reference")
        self.counts = wrapped(name="reference_counts")
        try:
            data = reference_data.shipped()
        except DomainError as exc:  # a damaged installation: set up without them
            self.load.setChecked(False)
            self.load.setEnabled(False)
            show(self.counts, exc.message(wizard.lang))
        else:
            self.load.setChecked(True)
            self.counts.setText(
                self.tr("%1 agencies and %2 substances (reference data %3).")
                .replace("%1", f"{len(data.agencies):,}")
                .replace("%2", f"{len(data.substances):,}")
                .replace("%3", data.version)
            )
        layout = QVBoxLayout(self)
        layout.addWidget(self.load)
        layout.addWidget(self.counts)
        layout.addStretch(1)


# --- (e) finish -------------------------------------------------------------------------------------


class FinishPage(QWizardPage):
    """What will be written; Finish writes it in one transaction, in the background."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.lang = wizard.lang
        self.busy = False
        self.done = False
        self.setTitle(self.tr("Ready to set up"))
        self.setSubTitle(
            self.tr(
                "Finish writes all of this at once: if anything is refused, nothing is "
                "written and you can go back and change it."
            )
        )
        self.summary = {
            key: wrapped(name=f"summary_{key}")
            for key in ("database", "administrator", "office", "reference")
        }
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(self.tr("Database:"), self.summary["database"])
        form.addRow(self.tr("Administrator:"), self.summary["administrator"])
        form.addRow(self.tr("Office:"), self.summary["office"])
        form.addRow(self.tr("Reference data:"), self.summary["reference"])
        self.progress = busy_bar()
        self.status = wrapped(name="status")
        self.status.setVisible(False)
        self.error = error_label("setup")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addSpacing(8)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def initializePage(self) -> None:
        wizard = self.owner
        admin, office_page = wizard.admin_page, wizard.office_page
        name = users.normalise_username(admin.username.text())
        display = admin.display_name.text().strip()
        profile = office_page.profile()
        self.summary["database"].setText(wizard.target_display())
        self.summary["administrator"].setText(f"{name} ({display})" if display else name)
        self.summary["office"].setText(
            " · ".join(
                (
                    profile.name.strip(),
                    vocabulary.word("side", profile.side, self.lang),
                    vocabulary.word("releasability", profile.default_releasability, self.lang),
                )
            )
        )
        self.summary["reference"].setText(
            self.tr("The shipped agencies and substances will be loaded.")
            if wizard.load_reference()
            else self.tr("Not loaded: agencies and substances are added by hand or imported.")
        )
        show(self.error, None)

    def isComplete(self) -> bool:
        return not self.busy

    def validatePage(self) -> bool:
        if self.done:
            return True
        if not self.busy:
            self.start()
        return False

    def start(self) -> None:
        self.busy = True
        show(self.error, None)
        show(self.status, self.tr("Setting up the database…"), "")
        self.progress.setVisible(True)
        self.completeChanged.emit()
        self.owner.set_busy(True)
        self.owner.runner.run(
            self.owner.setup_work(), on_success=self._finished, on_failure=self._refused
        )

    def _stop(self) -> None:
        self.busy = False
        self.progress.setVisible(False)
        show(self.status, None)
        self.owner.set_busy(False)
        self.completeChanged.emit()

    def _finished(self, outcome: tuple[Database, Any]) -> None:
        self._stop()
        self.done = True
        self.owner.finished_setup(*outcome)

    def _refused(self, error: DomainError) -> bool:
        self._stop()
        errors = error.errors if isinstance(error, ValidationErrors) else [error]
        show(self.error, "\n".join(e.message(self.lang) for e in errors))
        return True

    def failed_unexpectedly(self) -> None:
        self._stop()
        show(
            self.error,
            self.tr(
                "The set-up failed; nothing was written. The details are in "
                "the error window and the log."
            ),
        )


# --- the wizard ------------------------------------------------------------------------------------


class SetupWizard(QWizard):
    def __init__(
        self,
        db: Database,
        parent: QWidget | None = None,
        *,
        lang: str = "en",
        username: str = "",
        demo: bool = False,
        error_handler: Callable[[BaseException], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.lang = lang
        self.demo = demo
        self.database: Database | None = None
        self.actor: Actor | None = None
        self.result_info: Any = None  # services.setup.SetupResult
        self.existing_url: str | None = None
        self.chosen_url: str = db.url
        self._busy = False
        self._error_handler = error_handler
        self.runner = OpRunner(self, error_handler=self._unexpected, lang=lambda: lang)
        self.setObjectName("setup_wizard")
        self.setWindowTitle(self.tr("Set up the working-group case manager"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setModal(True)
        self.location_page = LocationPage(db.url, lang, self.runner) if not demo else None
        self.admin_page = AdminPage(self, username)
        self.office_page = OfficePage(self)
        self.reference_page = ReferencePage(self) if not demo else None
        self.finish_page = FinishPage(self)
        if self.location_page is not None:
            self.setPage(PAGE_LOCATION, self.location_page)
        self.setPage(PAGE_ADMIN, self.admin_page)
        self.setPage(PAGE_OFFICE, self.office_page)
        if self.reference_page is not None:
            self.setPage(PAGE_REFERENCE, self.reference_page)
        self.setPage(PAGE_FINISH, self.finish_page)
        self.setStartId(PAGE_ADMIN if demo else PAGE_LOCATION)
        # fits a 1366x768 screen (task bar and title bar included) with room to spare
        self.setMinimumSize(640, 500)
        self.resize(760, 600)

    # what was chosen

    @property
    def location(self) -> ConnectionCheck | None:
        """What the location page tried and accepted (None: the database already open)."""
        return self.location_page.checked if self.location_page is not None else None

    def target_url(self) -> str:
        return self.location.url if self.location is not None else self.db.url

    def target_display(self) -> str:
        if self.location is not None:
            return self.location.display
        return self.db.display_name

    def load_reference(self) -> bool:
        return self.reference_page is not None and self.reference_page.load.isChecked()

    def request(self) -> SetupRequest:
        from workinggroup_app.services.setup import SetupRequest

        admin = self.admin_page
        return SetupRequest(
            admin_username=admin.username.text(),
            admin_password=admin.password.text(),
            admin_display_name=admin.display_name.text(),
            office=self.office_page.profile(),
            load_reference_data=self.load_reference(),
        )

    def setup_work(self) -> Callable[[], tuple[Database, Any]]:
        """The set-up to run off the UI thread: open the chosen database (creating its
        schema) when it is not the one already open, then ``set_up`` in one transaction."""
        db, url, request = self.db, self.target_url(), self.request()

        def work() -> tuple[Database, Any]:
            from workinggroup_app.services.setup import set_up
            from workinggroup_app.storage.database import open_database

            target = db if url == db.url else open_database(url)
            try:
                return target, set_up(target, request)
            except BaseException:
                if target is not db:
                    target.dispose()
                raise

        return work

    def finished_setup(self, database: Database, result: Any) -> None:
        self.database = database
        self.result_info = result
        self.actor = result.actor
        self.chosen_url = database.url
        self.accept()

    # busy: no leaving while the set-up runs

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton):
            button = self.button(which)
            if button is not None:
                button.setEnabled(not busy)

    def reject(self) -> None:
        if self._busy:
            return
        super().reject()

    def accept(self) -> None:
        page = self.location_page
        check = page.checked if page is not None else None
        if (
            self.currentPage() is page
            and check is not None
            and not check.needs_setup
            and check.url == page.url()
        ):
            self.existing_url = self.chosen_url = check.url
        super().accept()

    def _unexpected(self, exc: BaseException) -> None:
        if self.finish_page.busy:
            self.finish_page.failed_unexpectedly()
        if self.location_page is not None and self.location_page.busy:
            self.location_page._done()
            self.location_page._edited()
        if self._error_handler is not None:
            self._error_handler(exc)
            return
        from workinggroup_ui.dialogs.error import show_error

        show_error(exc, self, self.lang)
