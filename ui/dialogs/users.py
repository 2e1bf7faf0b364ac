"""User accounts, for administrators: list, add, change role, reset password, disable,
unlock. Every change goes through ``workinggroup_app.services.users`` on the op runner (which checks
the permission again and writes the audit event); this screen only collects input.

Wiring: ``UserAdminDialog(ctx, parent).exec()`` from a menu item shown to administrators
(``permissions.allowed(ctx.actor.role, "manage_users")``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workinggroup_app.domain.errors import DomainError, ValidationError, ValidationErrors
from workinggroup_app.domain.permissions import ROLES, allowed
from workinggroup_app.domain.vocabulary import word
from workinggroup_app.services import users
from workinggroup_ui.context import AppContext
from workinggroup_ui.operations import users as account
from workinggroup_ui.operations.op import Op
from workinggroup_ui.widgets.panel_window import PanelWindow
from workinggroup_ui.widgets.table_model import RowsModel
from workinggroup_ui.widgets.text import ERROR_STYLE, named_edit

_Index = QModelIndex | QPersistentModelIndex

COL_USERNAME, COL_NAME, COL_ROLE, COL_STATE, COL_LAST = range(5)


class UserModel(RowsModel):
    """All accounts (a working group has tens of users, not thousands)."""

    ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the UserInfo of a row

    def __init__(self, lang: str = "en", parent: Any = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.rows: list[users.UserInfo] = []
        self.headers = [
            self.tr("User name"),
            self.tr("Name"),
            self.tr("Role"),
            self.tr("State"),
            self.tr("Last signed in (UTC)"),
        ]

    def set_rows(self, rows: list[users.UserInfo]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def state(self, u: users.UserInfo) -> str:
        if not u.active:
            return self.tr("Disabled")
        if u.locked(datetime.now(UTC)):
            return self.tr("Locked until %1").replace(
                "%1", u.locked_until.strftime("%H:%M") if u.locked_until else ""
            )
        return self.tr("Active")

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        u = self.rows[index.row()]
        if role == self.ROW_ROLE:
            return u
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        col = index.column()
        if col == COL_USERNAME:
            return u.username
        if col == COL_NAME:
            return u.display_name
        if col == COL_ROLE:
            return word("role", u.role, self.lang)
        if col == COL_STATE:
            return self.state(u)
        if col == COL_LAST:
            return u.last_seen_at.strftime("%Y-%m-%d %H:%M") if u.last_seen_at else ""
        return None


def _role_combo(lang: str, current: str = "viewer") -> QComboBox:
    combo = QComboBox()
    for role in ROLES:
        combo.addItem(word("role", role, lang), role)
    combo.setCurrentIndex(ROLES.index(current) if current in ROLES else len(ROLES) - 1)
    return combo


class _FormDialog(QDialog):
    """A small form whose core errors show next to the field they concern."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.errors: dict[str, QLabel] = {}
        self.general = self._error_label("")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.general)
        layout.addWidget(self.buttons)

    def _error_label(self, field: str) -> QLabel:
        label = QLabel()
        label.setObjectName(f"error_{field or 'general'}")
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setStyleSheet(ERROR_STYLE)
        label.setVisible(False)
        self.errors[field] = label
        return label

    def add_row(self, text: str, widget: QWidget, field: str) -> None:
        self.form.addRow(text, widget)
        self.form.addRow("", self._error_label(field))

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear()
            label.setVisible(False)

    def show_error(self, error: DomainError, lang: str) -> bool:
        errors = (
            error.errors
            if isinstance(error, ValidationErrors)
            else [error]
            if isinstance(error, ValidationError)
            else []
        )
        if not errors:
            self.errors[""].setText(error.message(lang))
            self.errors[""].setVisible(True)
        for err in errors:
            label = self.errors.get(err.field, self.errors[""])
            label.setText(err.message(lang))
            label.setVisible(True)
        return True  # shown here: no message box


class AddUserDialog(_FormDialog):
    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Add a user"), parent)
        self.username = named_edit("username")
        self.display_name = named_edit("display_name")
        self.role = _role_combo(lang)
        self.role.setObjectName("role")
        self.password = named_edit("password", secret=True)
        self.add_row(self.tr("&User name:"), self.username, "username")
        self.add_row(self.tr("&Full name:"), self.display_name, "display_name")
        self.add_row(self.tr("&Role:"), self.role, "role")
        self.add_row(self.tr("First &password:"), self.password, "password")


class PasswordDialog(_FormDialog):
    def __init__(self, username: str, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Reset the password of %1").replace("%1", username), parent)
        self.password = named_edit("password", secret=True)
        self.confirm = named_edit("confirm", secret=True)
        self.add_row(self.tr("New &password:"), self.password, "password")
        self.add_row(self.tr("&Repeat:"), self.confirm, "confirm")


class RoleDialog(_FormDialog):
    def __init__(self, username: str, current: str, lang: str, parent: QWidget | None = None):
        super().__init__(self.tr("Role of %1").replace("%1", username), parent)
        self.role = _role_combo(lang, current)
        self.role.setObjectName("role")
        self.add_row(self.tr("&Role:"), self.role, "role")


class UserAdmin(QWidget):
    """The accounts table with its actions. Shows a refusal to anyone but administrators."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = UserModel(ctx.lang, self)
        self.dialog: _FormDialog | None = None
        layout = QVBoxLayout(self)
        if not allowed(ctx.actor.role, "manage_users"):
            refusal = QLabel(self.tr("Only administrators can manage user accounts."))
            refusal.setObjectName("refusal")
            layout.addWidget(refusal)
            self.table = None
            return
        self.table = QTableView()
        self.table.setObjectName("users_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("&Add user…"))
        self.role_button = QPushButton(self.tr("Change &role…"))
        self.password_button = QPushButton(self.tr("Reset &password…"))
        self.active_button = QPushButton(self.tr("&Disable"))
        self.unlock_button = QPushButton(self.tr("&Unlock"))
        for button in (
            self.add_button,
            self.role_button,
            self.password_button,
            self.active_button,
            self.unlock_button,
        ):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.add_button.clicked.connect(self.add_user)
        self.role_button.clicked.connect(self.change_role)
        self.password_button.clicked.connect(self.reset_password)
        self.active_button.clicked.connect(self.toggle_active)
        self.unlock_button.clicked.connect(self.unlock)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.reload()

    # --- reading -----------------------------------------------------------------------

    def reload(self) -> None:
        selected = self.selected()
        self.model.set_rows(users.list_users(self.ctx.db, self.ctx.actor))
        if selected is not None:
            self.select(selected.username)
        self._update_buttons()

    def selected(self) -> users.UserInfo | None:
        if self.table is None:
            return None
        rows = self.table.selectionModel().selectedRows()
        return self.model.data(rows[0], UserModel.ROW_ROLE) if rows else None

    def select(self, username: str) -> None:
        assert self.table is not None
        for i, u in enumerate(self.model.rows):
            if u.username == username:
                self.table.selectRow(i)
                return

    def _update_buttons(self, *_args: Any) -> None:
        u = self.selected()
        for button in (self.role_button, self.password_button, self.active_button):
            button.setEnabled(u is not None)
        self.unlock_button.setEnabled(u is not None and (u.locked() or u.failed_attempts > 0))
        self.active_button.setText(
            self.tr("&Enable") if u is not None and not u.active else self.tr("&Disable")
        )

    # --- writing, through the op runner ----------------------------------------------------

    def _run(self, op: Op, dialog: _FormDialog | None = None) -> None:
        def done(_result: Any) -> None:
            if dialog is not None:
                dialog.accept()
            self.reload()
            self.changed.emit()

        def failed(error: DomainError) -> bool:
            if dialog is not None:
                dialog.clear_errors()
                return dialog.show_error(error, self.ctx.lang)
            return False  # the op runner shows it

        op.success(done).failure(failed).run_in_background()

    def _open(self, dialog: _FormDialog, submit: Any) -> _FormDialog:
        dialog.buttons.accepted.connect(submit)
        self.dialog = dialog
        dialog.open()
        return dialog

    def add_user(self) -> AddUserDialog:
        dialog = AddUserDialog(self.ctx.lang, self)

        def submit() -> None:
            dialog.clear_errors()
            op = account.create_user(
                self.ctx,
                dialog.username.text(),
                dialog.password.text(),
                dialog.role.currentData(),
                dialog.display_name.text(),
            )
            self._run(op, dialog)

        self._open(dialog, submit)
        return dialog

    def change_role(self) -> RoleDialog | None:
        u = self.selected()
        if u is None:
            return None
        dialog = RoleDialog(u.username, u.role, self.ctx.lang, self)

        def submit() -> None:
            dialog.clear_errors()
            self._run(account.set_role(self.ctx, u.username, dialog.role.currentData()), dialog)

        self._open(dialog, submit)
        return dialog

    def reset_password(self) -> PasswordDialog | None:
        u = self.selected()
        if u is None:
            return None
        dialog = PasswordDialog(u.username, self)

        def submit() -> None:
            dialog.clear_errors()
            if dialog.password.text() != dialog.confirm.text():
                label = dialog.errors["confirm"]
                label.setText(self.tr("The two passwords are not the same."))
                label.setVisible(True)
                return
            self._run(account.set_password(self.ctx, u.username, dialog.password.text()), dialog)

        self._open(dialog, submit)
        return dialog

    def toggle_active(self) -> None:
        u = self.selected()
        if u is not None:
            self._run(account.set_active(self.ctx, u.username, not u.active))

    def unlock(self) -> None:
        u = self.selected()
        if u is not None:
            self._run(account.unlock(self.ctx, u.username))


class UserAdminDialog(PanelWindow):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.admin = UserAdmin(ctx, self)
        self.hold(self.tr("User accounts"), self.admin, 760, 420)
