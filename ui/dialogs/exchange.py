"""Exchange packages with the counterpart: keys, sending, receiving, conflicts.

Four tabs over ``workinggroup_app.exchange.sync``:

- Keys: create this side's key, protected by a passphrase (its fingerprint is read to the
  counterpart by telephone or in person), protect an old key stored without one, save the
  public key to send, register the counterpart's key.
- Send: write a signed package of releasable records, encrypted to the counterpart key
  chosen (and to this side's), optionally only those changed since a date.
- Receive: decrypt and verify a package and preview what would change, then apply it. A
  package that fails is refused with the reason; nothing from it is written.
- Conflicts: records both sides changed; the user keeps ours or takes theirs.

Whatever needs the private key asks for its passphrase in a ``PassphraseDialog`` (a wrong
one is said there, and the user tries again); the passphrase is then kept in memory until
this dialog closes, so that previewing and applying a package ask once.

Everything runs through the op runner; the dialog decides nothing itself.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workinggroup_app.domain import permissions, vocabulary
from workinggroup_app.domain.errors import DomainError
from workinggroup_app.exchange import sync
from workinggroup_ui.context import AppContext
from workinggroup_ui.operations import exchange
from workinggroup_ui.operations.op import Op
from workinggroup_ui.widgets.text import ERROR_STYLE, plain_label


def _item(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    return item


def _show(value: Any, limit: int = 50) -> str:
    if value in (None, "", []):
        return "—"
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _table(parent: QWidget, headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers), parent)
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().hide()
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.horizontalHeader().setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
    return t


class PassphraseDialog(QDialog):
    """Asks for the passphrase of this side's private key, or a new one (twice). It stays
    open until the caller, told by ``submitted``, accepts it or shows an error in it."""

    submitted = Signal(str)

    def __init__(self, new: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.new = new
        self.setWindowTitle(self.tr("Passphrase of the private key"))
        note = plain_label(
            self.tr(
                "Choose a passphrase of at least {0} characters for this side's private key. "
                "It is asked whenever a package is written or opened; it cannot be recovered."
            ).format(sync.MIN_PASSPHRASE)
            if new
            else self.tr("The private key is protected: give its passphrase to use it."),
            self,
        )
        note.setWordWrap(True)
        self.passphrase = QLineEdit(self)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QLineEdit(self)
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = plain_label("", self)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Passphrase"), self.passphrase)
        if new:
            form.addRow(self.tr("Passphrase again"), self.confirm)
        else:
            self.confirm.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def submit(self) -> None:
        self.error.hide()
        if self.new and self.passphrase.text() != self.confirm.text():
            self.show_error(self.tr("The two passphrases are not the same."))
            return
        self.submitted.emit(self.passphrase.text())

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.passphrase.selectAll()
        self.passphrase.setFocus()


class ExchangeDialog(QDialog):
    applied = Signal(object)  # the ImportResult of an applied package

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, key_dir: Path | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.key_dir = key_dir
        self.preview: sync.ImportResult | None = None
        self.passphrase_dialog: PassphraseDialog | None = None
        self._passphrase: str | None = None  # while this dialog is open
        self.setWindowTitle(self.tr("Exchange with the counterpart"))
        self.resize(900, 600)
        self.allowed = permissions.allowed(ctx.actor.role, "exchange")

        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._keys_tab(), self.tr("Keys"))
        self.tabs.addTab(self._send_tab(), self.tr("Send"))
        self.tabs.addTab(self._receive_tab(), self.tr("Receive"))
        self.tabs.addTab(self._conflicts_tab(), self.tr("Conflicts"))

        self.status = plain_label("", self)
        self.status.setWordWrap(True)
        self.error = plain_label("", self)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error)
        layout.addLayout(bottom)
        if not self.allowed:
            self._say_error(self.tr("Your role may not exchange packages with the counterpart."))
            for w in self.findChildren(QPushButton):
                if w is not close:
                    w.setEnabled(False)
        self.refresh()

    # --- tabs ----------------------------------------------------------------------------------

    def _keys_tab(self) -> QWidget:
        tab = QWidget(self)
        self.own_key_label = plain_label("", tab)
        self.own_key_label.setWordWrap(True)
        self.own_key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.own_name = QLineEdit("US", tab)
        self.create_key_button = QPushButton(self.tr("Create key"), tab)
        self.protect_key_button = QPushButton(self.tr("Protect key…"), tab)
        self.save_public_button = QPushButton(self.tr("Save public key…"), tab)
        own_row = QHBoxLayout()
        own_row.addWidget(self.own_name, 1)
        own_row.addWidget(self.create_key_button)
        own_row.addWidget(self.protect_key_button)
        own_row.addWidget(self.save_public_button)

        self.keys_list = QListWidget(tab)
        self.key_name = QLineEdit(tab)
        self.key_name.setPlaceholderText(self.tr("Whose key, e.g. PRC MPS"))
        self.key_path = QLineEdit(tab)
        self.key_path.setPlaceholderText(self.tr("Public key file (.pem)"))
        browse = QPushButton(self.tr("Browse…"), tab)
        browse.clicked.connect(
            lambda: self._pick_open(self.key_path, self.tr("Public keys (*.pem *.pub)"))
        )
        self.register_button = QPushButton(self.tr("Register"), tab)
        reg_row = QHBoxLayout()
        reg_row.addWidget(self.key_name)
        reg_row.addWidget(self.key_path, 1)
        reg_row.addWidget(browse)
        reg_row.addWidget(self.register_button)

        form = QFormLayout(tab)
        form.addRow(self.tr("This side"), self.own_key_label)
        form.addRow(self.tr("Name in packages"), own_row)
        form.addRow(self.tr("Counterpart keys"), self.keys_list)
        form.addRow(self.tr("Register a key"), reg_row)
        self.create_key_button.clicked.connect(self.create_key)
        self.protect_key_button.clicked.connect(self.protect_key)
        self.save_public_button.clicked.connect(self.save_public_key)
        self.register_button.clicked.connect(self.register_key)
        return tab

    def _send_tab(self) -> QWidget:
        tab = QWidget(self)
        self.since_check = QCheckBox(self.tr("Only records changed since"), tab)
        self.since_date = QDateEdit(QDate.currentDate().addMonths(-1), tab)
        self.since_date.setCalendarPopup(True)
        self.since_date.setDisplayFormat("yyyy-MM-dd")
        since_row = QHBoxLayout()
        since_row.addWidget(self.since_check)
        since_row.addWidget(self.since_date)
        since_row.addStretch(1)
        self.out_path = QLineEdit(tab)
        self.out_path.setPlaceholderText(self.tr("Package file (.zip)"))
        browse = QPushButton(self.tr("Browse…"), tab)
        browse.clicked.connect(self._pick_save)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out_path, 1)
        out_row.addWidget(browse)
        self.to_combo = QComboBox(tab)  # the registered counterpart keys
        self.export_button = QPushButton(self.tr("Write package"), tab)
        self.send_result = plain_label("", tab)
        self.send_result.setWordWrap(True)
        note = plain_label(
            self.tr(
                "Only records marked releasable to the counterpart are written, with the "
                "fields shared with them; source grades, notes and internal records stay here."
            )
            + " "
            + self.tr(
                "The package is encrypted to the counterpart's registered key and to this "
                "side's, and signed with this side's."
            ),
            tab,
        )
        note.setWordWrap(True)
        form = QFormLayout(tab)
        form.addRow("", note)
        form.addRow(self.tr("For"), self.to_combo)
        form.addRow(self.tr("Records"), since_row)
        form.addRow(self.tr("Save as"), out_row)
        form.addRow("", self.export_button)
        form.addRow("", self.send_result)
        self.export_button.clicked.connect(self.export_package)
        return tab

    def _receive_tab(self) -> QWidget:
        tab = QWidget(self)
        self.in_path = QLineEdit(tab)
        self.in_path.setPlaceholderText(self.tr("Package file (.zip) from the counterpart"))
        browse = QPushButton(self.tr("Browse…"), tab)
        browse.clicked.connect(lambda: self._pick_open(self.in_path, self.tr("Packages (*.zip)")))
        self.preview_button = QPushButton(self.tr("Verify and preview"), tab)
        self.apply_button = QPushButton(self.tr("Apply"), tab)
        self.apply_button.setEnabled(False)
        row = QHBoxLayout()
        row.addWidget(self.in_path, 1)
        row.addWidget(browse)
        row.addWidget(self.preview_button)
        row.addWidget(self.apply_button)
        self.receive_summary = plain_label("", tab)
        self.receive_summary.setWordWrap(True)
        self.plan_table = _table(
            tab, [self.tr("What"), self.tr("Record"), self.tr("Title"), self.tr("Changes")]
        )
        lay = QVBoxLayout(tab)
        lay.addLayout(row)
        lay.addWidget(self.receive_summary)
        lay.addWidget(self.plan_table, 1)
        self.preview_button.clicked.connect(self.preview_package)
        self.apply_button.clicked.connect(self.apply_package)
        self.in_path.textChanged.connect(lambda _t: self.apply_button.setEnabled(False))
        return tab

    def _conflicts_tab(self) -> QWidget:
        tab = QWidget(self)
        self.conflict_table = _table(
            tab, [self.tr("No."), self.tr("Record"), self.tr("Title"), self.tr("Ours | theirs")]
        )
        self.keep_mine_button = QPushButton(self.tr("Keep ours"), tab)
        self.take_theirs_button = QPushButton(self.tr("Take theirs"), tab)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.keep_mine_button)
        row.addWidget(self.take_theirs_button)
        lay = QVBoxLayout(tab)
        lay.addWidget(
            plain_label(self.tr("Records both sides changed since they last exchanged them."), tab)
        )
        lay.addWidget(self.conflict_table, 1)
        lay.addLayout(row)
        self.keep_mine_button.clicked.connect(lambda: self.resolve("mine"))
        self.take_theirs_button.clicked.connect(lambda: self.resolve("theirs"))
        return tab

    # --- helpers -----------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        self.error.hide()
        self.status.setText(text)

    def _say_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _failed(self, error: DomainError) -> bool:
        self._say_error(error.message(self.ctx.lang))
        return True

    def _pick_open(self, edit: QLineEdit, pattern: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a file"), edit.text(), pattern)
        if path:
            edit.setText(path)

    def _pick_save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the package as"), self.out_path.text(), self.tr("Packages (*.zip)")
        )
        if path:
            self.out_path.setText(path)

    def _type_word(self, key: str) -> str:
        return self.ctx.pick(
            vocabulary.word("record_type", key), vocabulary.word("record_type", key, "zh")
        )

    def _label(self, type_key: str, name: str) -> str:
        return sync.content_label(type_key, name, self.ctx.lang)

    # --- keys ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload this side's key, the registered keys and the open conflicts."""
        try:
            info = sync.key_info(self.key_dir)
            text = self.tr("{0}, key fingerprint {1}").format(info.name, info.fingerprint)
            if not info.protected:
                text += "\n" + self.tr(
                    "The private key is stored without a passphrase: protect it (Protect key…)."
                )
            self.own_key_label.setText(text)
            self.own_name.setText(info.name)
            self.save_public_button.setEnabled(self.allowed)
            self.create_key_button.setEnabled(False)  # replacing a key is a CLI --force act
            self.protect_key_button.setEnabled(self.allowed and not info.protected)
        except DomainError as exc:
            self.own_key_label.setText(exc.message(self.ctx.lang))
            self.save_public_button.setEnabled(False)
            self.create_key_button.setEnabled(self.allowed)
            self.protect_key_button.setEnabled(False)
        self.keys_list.clear()
        chosen = self.to_combo.currentData()
        self.to_combo.clear()
        with self.ctx.db.session() as session:
            for k in sync.registered_keys(session):
                self.keys_list.addItem(f"{k.name} — {sync.short_fingerprint(k.fingerprint)}")
                if k.active:
                    self.to_combo.addItem(
                        f"{k.name} — {sync.short_fingerprint(k.fingerprint)}", k.fingerprint
                    )
        if chosen is not None and self.to_combo.findData(chosen) >= 0:
            self.to_combo.setCurrentIndex(self.to_combo.findData(chosen))
        self._fill_conflicts(sync.open_conflicts(self.ctx.db))

    def _start(self, op: Op, done: Any, failed: Any) -> None:
        """Run ``op`` over this dialog (its progress and errors shown here)."""
        op.parent = self
        op.success(done).failure(failed).run_in_background()

    def done(self, result: int) -> None:
        self._passphrase = None  # kept only while the dialog is open
        super().done(result)

    def _ask(self, new: bool, run: Callable[[str], Op], done: Any, failed: Any) -> None:
        """Ask for a passphrase, then run ``run(passphrase)``; a wrong or unfit passphrase
        is said in the passphrase dialog, which stays open; other errors go to ``failed``."""
        dialog = PassphraseDialog(new, self)
        self.passphrase_dialog = dialog

        def submitted(text: str) -> None:
            def ok(result: Any) -> None:
                if not new:
                    self._passphrase = text
                dialog.accept()
                done(result)

            def bad(error: DomainError) -> bool:
                if isinstance(error, sync.WrongPassphrase) or new:
                    dialog.show_error(error.message(self.ctx.lang))
                    return True
                self._passphrase = text  # not refused as wrong: kept (asked again if it is)
                dialog.accept()
                return bool(failed(error))

            self._start(run(text), ok, bad)

        dialog.submitted.connect(submitted)
        dialog.open()

    def _with_key(self, run: Callable[[str | None], Op], done: Any, failed: Any) -> None:
        """Run ``run(passphrase)``, asking for the passphrase first when the key is
        protected and it was not given since this dialog opened."""
        try:
            info = sync.key_info(self.key_dir)
        except DomainError as exc:
            failed(exc)
            return
        if not info.protected:
            self._start(run(None), done, failed)
        elif self._passphrase is not None:

            def bad(error: DomainError) -> bool:
                if isinstance(error, (sync.WrongPassphrase, sync.PassphraseNeeded)):
                    self._passphrase = None  # the key changed meanwhile: ask again
                    self._ask(False, run, done, failed)
                    return True
                return bool(failed(error))

            self._start(run(self._passphrase), done, bad)
        else:
            self._ask(False, run, done, failed)

    def create_key(self) -> None:
        name = self.own_name.text().strip() or "US"
        self._ask(
            True,
            lambda secret: exchange.generate_key(self.ctx, name, self.key_dir, secret),
            self._key_created,
            self._failed,
        )

    def protect_key(self) -> None:
        self._ask(
            True,
            lambda secret: exchange.protect_key(self.ctx, secret, self.key_dir),
            self._key_protected,
            self._failed,
        )

    def _key_protected(self, info: sync.KeyInfo) -> None:
        self.refresh()
        self._say(
            self.tr(
                "The private key is now protected by a passphrase; its fingerprint is unchanged."
            )
        )

    def _key_created(self, info: sync.KeyInfo) -> None:
        self.refresh()
        self._say(
            self.tr(
                "Key created. Send the public key to the counterpart and read them its "
                "fingerprint by another channel: {0}"
            ).format(info.fingerprint)
        )

    def save_public_key(self, path: str | Path | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Save the public key as"), "public-key.pem", "(*.pem)"
            )
        if path:
            info = sync.key_info(self.key_dir)
            shutil.copyfile(info.public_path, path)
            self._say(self.tr("Public key saved: {0}").format(str(path)))

    def register_key(self) -> None:
        name = self.key_name.text().strip()
        path = Path(self.key_path.text().strip()).expanduser()
        if not name or not path.is_file():
            self._say_error(self.tr("Give the key a name and choose its file."))
            return
        self._start(exchange.register_key(self.ctx, name, path), self._key_registered, self._failed)

    def _key_registered(self, key: Any) -> None:
        self.refresh()
        self.key_name.clear()
        self.key_path.clear()
        self._say(
            self.tr("Registered {0}. Check its fingerprint with them: {1}").format(
                key.name, key.fingerprint
            )
        )

    # --- send ----------------------------------------------------------------------------------

    def export_package(self) -> None:
        text = self.out_path.text().strip()
        if not text:
            self._say_error(self.tr("Choose where to save the package."))
            return
        out = Path(text).expanduser()
        if out.suffix.lower() != ".zip":
            out = out.with_name(out.name + ".zip")
        since: date | None = None
        if self.since_check.isChecked():
            since = self.since_date.date().toPython()
        to = self.to_combo.currentData()
        self._with_key(
            lambda secret: exchange.export_package(
                self.ctx,
                out,
                since=since,
                key_dir=self.key_dir,
                progress_label=self.tr("Writing the package…"),
                to=to,
                passphrase=secret,
            ),
            self._exported,
            self._failed,
        )

    def _exported(self, result: sync.ExportResult) -> None:
        parts = [f"{self._type_word(k)}: {n}" for k, n in result.counts.items() if n] or [
            self.tr("no records")
        ]
        self.send_result.setText(
            self.tr("Wrote {0} records to {1} ({2}).").format(
                result.total, str(result.path), "; ".join(parts)
            )
            + " "
            + self.tr("Encrypted to: {0}.").format(", ".join(n for n, _fp in result.recipients))
        )
        self._say(self.send_result.text())

    # --- receive --------------------------------------------------------------------------------

    def preview_package(self) -> None:
        path = Path(self.in_path.text().strip()).expanduser()
        self.apply_button.setEnabled(False)
        self._with_key(
            lambda secret: exchange.preview_import(
                self.ctx, path, key_dir=self.key_dir, passphrase=secret
            ),
            self._previewed,
            self._refused,
        )

    def _refused(self, error: DomainError) -> bool:
        self.preview = None
        self.plan_table.setRowCount(0)
        self.receive_summary.setText(error.message(self.ctx.lang))
        return self._failed(error)

    def _previewed(self, result: sync.ImportResult) -> None:
        self.preview = result
        self._fill_plan(result)
        self.apply_button.setEnabled(self.allowed)
        self._say(
            self.tr("Verified: signed by {0}. Nothing is changed until you apply.").format(
                result.sender
            )
        )

    def apply_package(self) -> None:
        path = Path(self.in_path.text().strip()).expanduser()
        self.apply_button.setEnabled(False)
        self._with_key(
            lambda secret: exchange.apply_import(
                self.ctx,
                path,
                progress_label=self.tr("Importing the package…"),
                key_dir=self.key_dir,
                passphrase=secret,
            ),
            self._applied,
            self._refused,
        )

    def _applied(self, result: Any) -> None:
        res: sync.ImportResult = result[0]
        self._fill_plan(res)
        self._fill_conflicts(sync.open_conflicts(self.ctx.db))
        conflicts = len(res.conflicts)
        text = self.tr("Applied.")
        if conflicts:
            text += " " + self.tr("{0} conflict(s) wait in the Conflicts tab.").format(conflicts)
        self._say(text)
        self.applied.emit(res)

    def _fill_plan(self, result: sync.ImportResult) -> None:
        counts = result.counts()
        lang = self.ctx.lang
        parts = []
        for action, n in counts.items():
            if n:
                en, zh = vocabulary.pair("exchange_outcome", action)
                parts.append(f"{self.ctx.pick(en, zh)}: {n}")
        self.receive_summary.setText(
            self.tr("From {0}: {1}").format(result.sender, "; ".join(parts) or "—")
        )
        items = [i for i in result.items if i.action != sync.UNCHANGED]
        table = self.plan_table
        table.setRowCount(0)
        table.setRowCount(len(items))
        for r, item in enumerate(items):
            en, zh = vocabulary.pair("exchange_outcome", item.action)
            table.setItem(r, 0, _item(self.ctx.pick(en, zh)))
            table.setItem(r, 1, _item(f"{self._type_word(item.record_type)} {item.reference}"))
            table.setItem(r, 2, _item(_show(item.title, 60)))
            if item.action in (sync.PROBLEM, sync.KEPT):
                detail = item.message(lang)
            else:
                detail = "; ".join(
                    f"{self._label(item.record_type, n)}: {_show(a)} → {_show(b)}"
                    for n, a, b in item.changes
                )
            table.setItem(r, 3, _item(detail))
        table.resizeColumnsToContents()

    # --- conflicts -------------------------------------------------------------------------------

    def _fill_conflicts(self, conflicts: list[sync.ConflictView]) -> None:
        self.conflicts = conflicts
        table = self.conflict_table
        table.setRowCount(0)
        table.setRowCount(len(conflicts))
        for r, c in enumerate(conflicts):
            table.setItem(r, 0, _item(str(c.id)))
            table.setItem(r, 1, _item(f"{self._type_word(c.record_type)} {c.reference}"))
            table.setItem(r, 2, _item(_show(c.title, 60)))
            table.setItem(
                r,
                3,
                _item(
                    "; ".join(
                        f"{self._label(c.record_type, n)}: {_show(a)} | {_show(b)}"
                        for n, a, b in c.differences
                    )
                ),
            )
        index = self.tabs.indexOf(self.conflict_table.parentWidget())
        self.tabs.setTabText(
            index,
            self.tr("Conflicts ({0})").format(len(conflicts))
            if conflicts
            else self.tr("Conflicts"),
        )
        has = bool(conflicts) and self.allowed
        self.keep_mine_button.setEnabled(has)
        self.take_theirs_button.setEnabled(has)

    def resolve(self, choice: str) -> None:
        row = self.conflict_table.currentRow()
        if row < 0 or row >= len(self.conflicts):
            self._say_error(self.tr("Choose a conflict first."))
            return
        conflict_id = self.conflicts[row].id
        op = exchange.resolve_conflict(self.ctx, conflict_id, choice)
        self._start(op, lambda _c: self._resolved(choice), self._failed)

    def _resolved(self, choice: str) -> None:
        self._fill_conflicts(sync.open_conflicts(self.ctx.db))
        self._say(
            self.tr("Kept our version; it goes to the counterpart with the next package.")
            if choice == "mine"
            else self.tr("Took the counterpart's version.")
        )
