"""Type-ahead pickers for links to other records (a LINK field, a row of LINKS, an agency cell),
and the owner picker over the accounts (an ACCOUNT field, the list's owner filter, Reassign).

The picker asks ``queries.options`` for the records matching what the user types (in SQL,
limited to a few rows, debounced), and shows ``queries.link_label`` for the current value.
Text that matches no single record is handed to the service as typed: the service resolves
references and agency abbreviations, or reports a validation error next to the field.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QSignalBlocker, QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workinggroup_app.read import choices
from workinggroup_ui.context import AppContext

OPTION_LIMIT = 20
DEBOUNCE_MS = 150


def _key_of(label: str) -> str:
    """The reference (or agency abbreviation) that starts an option label."""
    return label.split(" — ", 1)[0].split()[0] if label.strip() else ""


class LinkPicker(QWidget):
    """One link: a line edit with a completer fed from SQL as the user types."""

    changed = Signal()  # the value changed (picked, cleared or typed)
    picked = Signal(int, str)  # the user chose a record: id, label

    def __init__(
        self,
        ctx: AppContext,
        target: str,
        parent: QWidget | None = None,
        *,
        clear_on_pick: bool = False,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.target = target
        self.clear_on_pick = clear_on_pick
        self._id: int | None = None
        self._label = ""
        self._options: list[tuple[int, str]] = []

        self.edit = QLineEdit(self)
        self.edit.setClearButtonEnabled(True)
        self.edit.setPlaceholderText(self.tr("Type a reference or a name…"))
        self._model = QStringListModel(self)
        self.completer = QCompleter(self._model, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setMaxVisibleItems(12)
        self.completer.setWidget(self.edit)
        self.completer.activated[QModelIndex].connect(self._on_activated)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        self.setFocusProxy(self.edit)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._refresh_and_show)
        self.edit.textEdited.connect(self._on_edited)
        self.edit.editingFinished.connect(self.resolve)
        self.edit.installEventFilter(self)

    # --- value -------------------------------------------------------------------------

    def value(self) -> int | str | None:
        """The linked id; the typed text when it names no single record; None when empty."""
        text = self.edit.text().strip()
        if not text:
            return None
        if self._id is not None and text == self._label:
            return self._id
        return text

    def set_value(self, value: int | str | None, label: str | None = None) -> None:
        if isinstance(value, int):
            if label is None:
                with self.ctx.db.session() as s:
                    label = choices.link_label(s, self.target, value)
            self._id, self._label = value, label or str(value)
            text = self._label
        else:
            self._id, self._label = None, ""
            text = "" if value is None else str(value)
        with QSignalBlocker(self.edit):
            self.edit.setText(text)
            self.edit.setCursorPosition(0)
        self.edit.setToolTip(self._label)

    def clear(self) -> None:
        self.set_value(None)

    def label(self) -> str:
        return self._label

    def options(self) -> list[tuple[int, str]]:
        """The options currently offered (for tests and keyboard use)."""
        return list(self._options)

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)

    # --- completion ----------------------------------------------------------------------

    def refresh(self) -> list[tuple[int, str]]:
        """Ask the database for the options matching the current text."""
        self._timer.stop()
        with self.ctx.db.session() as s:
            self._options = choices.options(s, self.target, self.edit.text(), OPTION_LIMIT)
        self._model.setStringList([label for _id, label in self._options])
        return self._options

    def _refresh_and_show(self) -> None:
        self.refresh()
        if self._options and self.edit.hasFocus():
            self.completer.complete()

    def _on_edited(self, _text: str) -> None:
        self._timer.start()
        self.changed.emit()

    def _on_activated(self, index: QModelIndex) -> None:
        row = index.row()
        if 0 <= row < len(self._options):
            self._pick(*self._options[row])

    def _pick(self, record_id: int, label: str) -> None:
        self._timer.stop()
        if self.clear_on_pick:
            self.set_value(None)
        else:
            self.set_value(record_id, label)
        self.picked.emit(record_id, label)
        self.changed.emit()

    def resolve(self) -> bool:
        """Turn typed text into a record when it names exactly one (Enter or leaving)."""
        text = self.edit.text().strip()
        if not text or (self._id is not None and text == self._label):
            return self._id is not None
        options = self.refresh()
        exact = [o for o in options if o[1] == text or _key_of(o[1]).casefold() == text.casefold()]
        choice = exact[0] if len(exact) == 1 else options[0] if len(options) == 1 else None
        if choice is None:
            return False
        self.completer.popup().hide()
        self._pick(*choice)
        return True

    def eventFilter(self, obj: Any, event: Any) -> bool:
        from PySide6.QtCore import QEvent

        if (
            obj is self.edit
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Down
            and not self.completer.popup().isVisible()
            and not self.edit.isReadOnly()
        ):
            self._refresh_and_show()
            return True
        return super().eventFilter(obj, event)


class LinksEditor(QWidget):
    """A list of links (a LINKS field): the chosen records, a picker to add, a remove button."""

    changed = Signal()

    def __init__(self, ctx: AppContext, target: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.target = target
        self._labels: dict[int, str] = {}
        self.list = QListWidget(self)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setMaximumHeight(76)
        self.list.setMinimumHeight(48)
        self.list.setToolTip(self.tr("Delete removes the selected items"))
        self.picker = LinkPicker(ctx, target, self, clear_on_pick=True)
        self.picker.edit.setPlaceholderText(self.tr("Add: type a reference or a name…"))
        self.add_button = QPushButton(self.tr("Add"), self)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.remove_button.setEnabled(False)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.picker, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.list)
        layout.addLayout(row)
        self.setFocusProxy(self.list)

        self.picker.picked.connect(self._add)
        self.add_button.clicked.connect(self.picker.resolve)
        self.remove_button.clicked.connect(self.remove_selected)
        self.list.itemSelectionChanged.connect(
            lambda: self.remove_button.setEnabled(bool(self.list.selectedItems()))
        )
        self.list.installEventFilter(self)

    def value(self) -> list[int]:
        return [
            int(self.list.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.list.count())
        ]

    def set_value(self, value: list[Any]) -> None:
        """Ids or (id, label) pairs."""
        self.list.clear()
        missing = [v for v in value if isinstance(v, int) and v not in self._labels]
        if missing:
            with self.ctx.db.session() as s:
                for record_id in missing:
                    self._labels[record_id] = choices.link_label(s, self.target, record_id)
        for v in value:
            record_id, label = (v, self._labels.get(v, str(v))) if isinstance(v, int) else v
            self._labels[record_id] = label
            self._append(record_id, label)

    def _append(self, record_id: int, label: str) -> None:
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, record_id)
        item.setToolTip(label)
        self.list.addItem(item)

    def _add(self, record_id: int, label: str) -> None:
        if record_id in self.value():
            return
        self._labels[record_id] = label
        self._append(record_id, label)
        self.changed.emit()

    def remove_selected(self) -> None:
        rows = sorted((self.list.row(i) for i in self.list.selectedItems()), reverse=True)
        for row in rows:
            self.list.takeItem(row)
        if rows:
            self.changed.emit()

    def labels(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def set_read_only(self, read_only: bool) -> None:
        for w in (self.picker, self.add_button, self.remove_button):
            w.setVisible(not read_only)

    def focus_chain(self) -> list[QWidget]:
        return [self.list, self.picker.edit, self.add_button, self.remove_button]

    def eventFilter(self, obj: Any, event: Any) -> bool:
        from PySide6.QtCore import QEvent

        if (
            obj is self.list
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
            and self.remove_button.isVisible()
        ):
            self.remove_selected()
            return True
        return super().eventFilter(obj, event)


class AccountPicker(QComboBox):
    """An owner: one of the active accounts, by display name and user name, the signed-in
    user's own account first ("— me"). Typing filters the list (any part of the name);
    text that names no listed account is handed to the service as typed, which resolves a
    user name or display name, or says which account it cannot find.

    ``none_text``: the first entry, meaning "no account" (None: no such entry). A stored
    owner whose account was disabled since is listed too ("— disabled"), so it is never lost;
    ``disabled_too`` lists every disabled account (a filter: who still owns their items?).
    """

    changed = Signal()

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        none_text: str | None = "—",
        disabled_too: bool = False,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.none_text = none_text
        self.disabled_too = disabled_too  # disabled accounts listed too (a filter's choice)
        self.my_id: int | None = None  # the signed-in user's account, once read
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMinimumContentsLength(16)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMaxVisibleItems(16)
        completer = self.completer()
        if completer is not None:
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        line = self.lineEdit()
        if line is not None:
            line.setPlaceholderText(self.tr("Type a name or user name…"))
            line.editingFinished.connect(self.resolve)
        self.reload()
        self.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.editTextChanged.connect(lambda _t: self.changed.emit())

    # --- the accounts --------------------------------------------------------------------

    def reload(self) -> None:
        """Read the accounts again, keeping the current choice."""
        current = self.value()
        keep = (current,) if isinstance(current, int) else ()
        with self.ctx.db.session() as s:
            options = choices.accounts(
                s, first=self.ctx.actor.username, include=keep, inactive=self.disabled_too
            )
        self.my_id = next((o.id for o in options if o.username == self.ctx.actor.username), None)
        with QSignalBlocker(self):
            self.clear()
            if self.none_text is not None:
                self.addItem(self.none_text, None)
            for option in options:
                self.addItem(self._text(option), option.id)
                self.setItemData(self.count() - 1, option.label, Qt.ItemDataRole.ToolTipRole)
        self.set_value(current)

    def _text(self, option: choices.AccountOption) -> str:
        if option.username == self.ctx.actor.username:
            return self.tr("%1 — me").replace("%1", option.label)
        if not option.active:
            return self.tr("%1 — disabled").replace("%1", option.label)
        return option.label

    def account_ids(self) -> list[int]:
        """The accounts offered, in order (for tests and keyboard use)."""
        return [self.itemData(i) for i in range(self.count()) if self.itemData(i) is not None]

    def my_index(self) -> int:
        """The row of the signed-in user's own account (-1 when they have none here)."""
        return self.findData(self.my_id) if self.my_id is not None else -1

    # --- value -------------------------------------------------------------------------

    def value(self) -> int | str | None:
        """The chosen account's id; the typed text when it is no listed account; None for
        no account (empty, or the "none" entry)."""
        text = self.currentText().strip()
        if not text or (self.none_text is not None and text == self.none_text):
            return None
        index = self.findText(text, Qt.MatchFlag.MatchFixedString)
        if index < 0:
            return text
        data = self.itemData(index)
        return None if data is None else int(data)

    def set_value(self, value: int | str | None, label: str | None = None) -> None:
        with QSignalBlocker(self):
            if value is None or value == "":
                if self.none_text is not None:
                    self.setCurrentIndex(0)
                else:
                    self.setCurrentIndex(-1)
                    self.setEditText("")
                return
            if isinstance(value, int):
                index = self.findData(value)
                if index < 0:  # an account not offered (disabled since): shown, kept
                    with self.ctx.db.session() as s:
                        option = choices.account_option(s, value)
                    text = self._text(option) if option is not None else (label or f"#{value}")
                    self.addItem(text, value)
                    index = self.count() - 1
                self.setCurrentIndex(index)
                return
            self.setEditText(str(value))

    def label(self) -> str:
        """The chosen account as shown ("" for none)."""
        return "" if self.value() is None else self.currentText()

    def resolve(self) -> bool:
        """Typed text that is part of exactly one account's name picks that account."""
        text = self.currentText().strip()
        if not text or self.findText(text, Qt.MatchFlag.MatchFixedString) >= 0:
            return True
        needle = text.casefold()
        hits = [
            i
            for i in range(self.count())
            if self.itemData(i) is not None and needle in self.itemText(i).casefold()
        ]
        if len(hits) != 1:
            return False
        self.setCurrentIndex(hits[0])
        return True
