"""Signing in at start-up, and creating the administrator on a new database.

``sign_in(db, parent)`` is called after the database is open and before the main window
shows any data; it returns the signed-in ``Actor`` or ``None`` (the user cancelled).
The checks (password hash, lockout, audit) are all in ``workinggroup_app.services.users``; these
dialogs only collect what was typed and show the core's message next to the field.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from workinggroup_app.domain.errors import DomainError, ValidationError, ValidationErrors
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.services import users
from workinggroup_app.storage.database import Database
from workinggroup_ui.widgets.text import ERROR_STYLE, named_edit


def _error_label() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)  # messages may quote what was typed
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.setVisible(False)
    return label


def _busy(fn: Callable[[], Actor]) -> Actor:
    """The hash check takes a fraction of a second: show a wait cursor meanwhile."""
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        return fn()
    finally:
        QGuiApplication.restoreOverrideCursor()


class SignInDialog(QDialog):
    """User name and password; a refusal is shown inline and the password is cleared."""

    def __init__(
        self,
        db: Database,
        parent: QWidget | None = None,
        *,
        lang: str = "en",
        username: str = "",
        purpose: str = "sign_in",
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.lang = lang
        self.purpose = purpose
        self.actor: Actor | None = None
        self.setWindowTitle(self.tr("Sign in"))
        self.setModal(True)

        intro = QLabel(self.tr("Sign in to the working-group case manager."))
        intro.setWordWrap(True)
        self.username = named_edit("username", username)
        self.username.setAccessibleName(self.tr("User name"))
        self.password = named_edit("password", secret=True)
        self.password.setAccessibleName(self.tr("Password"))
        self.error = _error_label()
        self.error.setObjectName("error")

        form = QFormLayout()
        form.addRow(self.tr("&User name:"), self.username)
        form.addRow(self.tr("&Password:"), self.password)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.sign_in_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_in_button.setText(self.tr("Sign in"))
        self.sign_in_button.setDefault(True)
        self.buttons.accepted.connect(self.try_sign_in)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setTabOrder(self.username, self.password)
        (self.password if username else self.username).setFocus()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(True)

    def try_sign_in(self) -> None:
        name = self.username.text().strip()
        if not name:
            self.show_error(self.tr("Enter your user name."))
            self.username.setFocus()
            return
        try:
            self.actor = _busy(
                lambda: users.authenticate(
                    self.db, name, self.password.text(), purpose=self.purpose
                )
            )
        except DomainError as e:
            self.password.clear()
            self.show_error(e.message(self.lang))
            self.password.setFocus()
            return
        self.accept()


class FirstRunDialog(QDialog):
    """A new database has no account: the person starting it becomes its administrator."""

    def __init__(
        self, db: Database, parent: QWidget | None = None, *, lang: str = "en", username: str = ""
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.lang = lang
        self.actor: Actor | None = None
        self.setWindowTitle(self.tr("Create the administrator"))
        self.setModal(True)

        intro = QLabel(
            self.tr(
                "This database has no user accounts yet. Create the administrator's account: "
                "the administrator adds the other users and gives them their roles."
            )
        )
        intro.setWordWrap(True)
        self.username = named_edit("username", username)
        self.display_name = named_edit("display_name")
        self.password = named_edit("password", secret=True)
        self.confirm = named_edit("confirm", secret=True)
        self.errors = {
            "username": _error_label(),
            "password": _error_label(),
            "confirm": _error_label(),
            "": _error_label(),
        }
        for name, label in self.errors.items():
            label.setObjectName(f"error_{name or 'general'}")

        hint = QLabel(
            self.tr(
                "At least %n characters, not containing the user name.",
                "",
                users.MIN_PASSWORD_LENGTH,
            )
        )
        hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("&User name:"), self.username)
        form.addRow("", self.errors["username"])
        form.addRow(self.tr("&Full name:"), self.display_name)
        form.addRow(self.tr("&Password:"), self.password)
        form.addRow("", hint)
        form.addRow("", self.errors["password"])
        form.addRow(self.tr("&Repeat password:"), self.confirm)
        form.addRow("", self.errors["confirm"])
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.create_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setText(self.tr("Create and sign in"))
        self.create_button.setDefault(True)
        self.buttons.accepted.connect(self.try_create)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.errors[""])
        layout.addWidget(self.buttons)
        self.setTabOrder(self.username, self.display_name)
        self.setTabOrder(self.display_name, self.password)
        self.setTabOrder(self.password, self.confirm)
        self.username.setFocus()

    def _clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear()
            label.setVisible(False)

    def _show(self, field: str, text: str) -> None:
        label = self.errors.get(field, self.errors[""])
        label.setText(text)
        label.setVisible(True)

    def try_create(self) -> None:
        self._clear_errors()
        if self.password.text() != self.confirm.text():
            self._show("confirm", self.tr("The two passwords are not the same."))
            self.confirm.clear()
            self.confirm.setFocus()
            return
        try:
            self.actor = _busy(
                lambda: users.create_first_administrator(
                    self.db,
                    self.username.text(),
                    self.password.text(),
                    self.display_name.text(),
                )
            )
        except (ValidationError, ValidationErrors) as e:
            errors = e.errors if isinstance(e, ValidationErrors) else [e]
            for err in errors:
                self._show(err.field, err.message(self.lang))
            focus = {"username": self.username, "password": self.password}
            first = focus.get(errors[0].field) if errors else None
            (first or self.username).setFocus()
            return
        except DomainError as e:
            self._show("", e.message(self.lang))
            return
        self.accept()


def sign_in(
    db: Database, parent: QWidget | None = None, *, lang: str = "en", username: str = ""
) -> Actor | None:
    """Who is using the application: the first-run administrator or a signed-in user.

    Returns None when the person cancels; the caller then closes the application.
    """
    if users.first_run_needed(db):
        dialog: FirstRunDialog | SignInDialog = FirstRunDialog(
            db, parent, lang=lang, username=username
        )
    else:
        dialog = SignInDialog(db, parent, lang=lang, username=username)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.actor
