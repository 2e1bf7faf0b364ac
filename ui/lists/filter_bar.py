"""The filter bar above every list: one widget, built from the record type's definitions.

It turns what the user picks into a ``ListSpec`` (``apply``); the list model sends that to
SQL. Text is debounced (150 ms) so typing does not query on every keystroke; every other
control applies at once.

A record type with an owner account (action items) gets an owner picker: any owner, the
signed-in user's own account first ("my work"), then every account by name. The search
box takes ``owner:NAME`` too (``owner:me``, ``owner:"Alice Smith"``, ``owner:alice``),
which then decides the owner and is not searched for as text.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workinggroup_app.domain import vocabulary
from workinggroup_app.domain.fields import CHOICE, FieldDef, record_type
from workinggroup_app.domain.validators import has_han
from workinggroup_app.read import choices, lists
from workinggroup_app.read.lists import ListSpec
from workinggroup_app.services.users import find_owner
from workinggroup_ui.context import AppContext
from workinggroup_ui.widgets.pickers import AccountPicker

DEBOUNCE_MS = 150
MIN_LATIN = 3
OPEN_ANY = "__open__"
# "owner:alice", "owner:\"Alice Smith\"", "负责人：王伟" in the search box (":" or "：")
OWNER_TOKEN = re.compile(r'(?:^|\s)(?:owner|负责人)\s*[:：]\s*(?:"([^"]*)"?|(\S+))', re.IGNORECASE)
MY_OWNER_WORDS = ("me", "mine", "我", "我的")


class FlowLayout(QLayout):
    """Lays widgets out left to right and wraps them onto further lines when narrow, so a
    list stays usable beside an open record (as in Qt's flow layout example)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:
        width = sum(i.sizeHint().width() for i in self._items if not i.isEmpty())
        width += self._spacing * max(0, len(self._items) - 1)
        height = max((i.sizeHint().height() for i in self._items), default=0)
        return QSize(width, height)

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, *, apply: bool) -> int:
        x, y, line = rect.x(), rect.y(), 0
        right = rect.right()
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            if x > rect.x() and x + hint.width() - 1 > right:
                x, y, line = rect.x(), y + line + self._spacing, 0
            if apply:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line = max(line, hint.height())
        return y + line - rect.y()


class FilterBar(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, type_key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rt = record_type(type_key)
        self.flag = lists.flag_name(self.rt.key)
        self._choice_filters: dict[str, str | None] = {}

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)
        top = QHBoxLayout()
        top.setSpacing(6)
        flow = FlowLayout(spacing=6)
        outer.addLayout(top)
        outer.addLayout(flow)

        # text, debounced
        self.search = QLineEdit()
        self.search.setObjectName("list_search")
        self.search.setPlaceholderText(self.tr("Search reference, titles, summaries… (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(160)
        self.search.installEventFilter(self)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.changed)
        self.search.textChanged.connect(self._debounce.start)
        top.addWidget(self.search, 1)

        # status
        self.status: QComboBox | None = None
        wf = self.rt.workflow
        if wf is not None:
            self.status = QComboBox()
            self.status.setObjectName("filter_status")
            self.status.setToolTip(self.tr("Status"))
            self.status.addItem(self.tr("Any status"), None)
            self.status.addItem(self.tr("Open (any)"), OPEN_ANY)
            for state in wf.states:
                self.status.addItem(vocabulary.word(wf.vocabulary, state, ctx.lang), state)
            self.status.currentIndexChanged.connect(self.changed)
            flow.addWidget(self.status)

        # side
        self.side: QComboBox | None = None
        if self.rt.side_field or self.rt.key == "referral" or self.rt.agency_fields:
            vocab = "owner_side" if self.rt.side_field == "owner_side" else "side"
            self.side = QComboBox()
            self.side.setObjectName("filter_side")
            self.side.setToolTip(self.tr("Side"))
            self.side.addItem(self.tr("Both sides"), None)
            for key in vocabulary.keys(vocab):
                self.side.addItem(vocabulary.word(vocab, key, ctx.lang), key)
            self.side.currentIndexChanged.connect(self.changed)
            flow.addWidget(self.side)

        # agency: type-ahead over the agencies
        self.agency: QComboBox | None = None
        if self.rt.agency_fields:
            self.agency = QComboBox()
            self.agency.setObjectName("filter_agency")
            self.agency.setToolTip(self.tr("Agency (type to search)"))
            self.agency.setEditable(True)
            self.agency.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            self.agency.setMinimumContentsLength(10)
            self.agency.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            self.reload_agencies()
            completer = self.agency.completer()
            if completer is not None:
                completer.setFilterMode(Qt.MatchFlag.MatchContains)
                completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
                completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
            self.agency.currentIndexChanged.connect(self.changed)
            line = self.agency.lineEdit()
            if line is not None:
                line.editingFinished.connect(self._agency_typed)
            flow.addWidget(self.agency)

        # owner: an account (the signed-in user's own first: "my work")
        self.owner: AccountPicker | None = None
        self.owner_field: str | None = None
        owners = [f for f in self.rt.account_fields() if f.filterable]
        if owners:
            self.owner_field = owners[0].name
            self.owner = AccountPicker(ctx, none_text=self.tr("Any owner"), disabled_too=True)
            self.owner.setObjectName("filter_owner")
            self.owner.setToolTip(
                self.tr("Owner (type to search; owner:me or owner:NAME in the search box too)")
            )
            self.owner.currentIndexChanged.connect(self.changed)
            line = self.owner.lineEdit()
            if line is not None:  # typed text that names no account: the list says so
                line.editingFinished.connect(self._owner_typed)
            flow.addWidget(self.owner)
        self._owner_typed_text = ""
        self._owner_names: dict[str, int | None] = {}  # owner names typed -> account ids

        # releasability
        self.releasability = QComboBox()
        self.releasability.setObjectName("filter_releasability")
        self.releasability.setToolTip(self.rt.field("releasability").label(ctx.lang))
        self.releasability.addItem(self.tr("Any marking"), None)
        for key in vocabulary.keys("releasability"):
            self.releasability.addItem(vocabulary.word("releasability", key, ctx.lang), key)
        self.releasability.currentIndexChanged.connect(self.changed)
        flow.addWidget(self.releasability)

        # overdue / awaiting response
        self.flag_box: QCheckBox | None = None
        if self.flag:
            text = (
                self.tr("Overdue only")
                if self.flag == "overdue"
                else self.tr("Awaiting response only")
            )
            self.flag_box = QCheckBox(text)
            self.flag_box.setObjectName("filter_flag")
            self.flag_box.toggled.connect(self.changed)
            flow.addWidget(self.flag_box)

        # date range
        self.date_box: QCheckBox | None = None
        self.date_from: QDateEdit | None = None
        self.date_to: QDateEdit | None = None
        if self.rt.date_field:
            f = self.rt.field(self.rt.date_field)
            self.date_box = QCheckBox(f.label(ctx.lang))
            self.date_box.setObjectName("filter_dates")
            self.date_box.setToolTip(self.tr("Only rows with this date in the range"))
            today = QDate.currentDate()
            self.date_from = self._date_edit(today.addMonths(-3), "filter_date_from")
            self.date_to = self._date_edit(today.addMonths(3), "filter_date_to")
            self.date_box.toggled.connect(self._dates_toggled)
            dates = QWidget()  # kept together on one line
            row = QHBoxLayout(dates)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(4)
            row.addWidget(self.date_box)
            row.addWidget(self.date_from)
            row.addWidget(QLabel("–"))
            row.addWidget(self.date_to)
            flow.addWidget(dates)

        # further coded fields, driven by the field definitions
        self.more: QToolButton | None = None
        extra = self._extra_choice_fields()
        if extra:
            self.more = QToolButton()
            self.more.setObjectName("filter_more")
            self.more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
            menu = QMenu(self.more)
            for f in extra:
                self._add_choice_menu(menu, f)
            self.more.setMenu(menu)
            self._update_more_text()
            flow.addWidget(self.more)

        self.archived = QCheckBox(self.tr("Show archived"))
        self.archived.setObjectName("filter_archived")
        self.archived.toggled.connect(self.changed)
        flow.addWidget(self.archived)
        self.trailing = top  # the list view adds its buttons after the search field

    # --- building ----------------------------------------------------------------------------

    def _date_edit(self, value: QDate, name: str) -> QDateEdit:
        edit = QDateEdit(value)
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setEnabled(False)
        edit.dateChanged.connect(self._date_changed)
        return edit

    def _extra_choice_fields(self) -> list[FieldDef]:
        skip = {"releasability", "status", self.rt.side_field}
        if self.rt.key == "referral":
            skip.add("direction")  # the side filter covers it
        return [
            f for f in self.rt.fields if f.filterable and f.kind == CHOICE and f.name not in skip
        ]

    def _add_choice_menu(self, menu: QMenu, f: FieldDef) -> None:
        sub = menu.addMenu(f.label(self.ctx.lang))
        group = QActionGroup(sub)
        group.setExclusive(True)
        values: list[str | None] = [None, *vocabulary.keys(f.vocabulary or "")]
        for key in values:
            text = (
                self.tr("Any")
                if key is None
                else vocabulary.word(f.vocabulary or "", key, self.ctx.lang)
            )
            action = QAction(text, sub)
            action.setCheckable(True)
            action.setChecked(key is None)
            action.setData(key)
            group.addAction(action)
            sub.addAction(action)
        group.triggered.connect(
            lambda action, name=f.name: self._choice_picked(name, action.data())
        )
        self._choice_filters[f.name] = None

    def _choice_picked(self, name: str, key: Any) -> None:
        self._choice_filters[name] = key or None
        self._update_more_text()
        self.changed.emit()

    def _update_more_text(self) -> None:
        if self.more is None:
            return
        active = sum(1 for v in self._choice_filters.values() if v)
        self.more.setText(self.tr("More filters") + (f" ({active})" if active else ""))

    def reload_agencies(self) -> None:
        if self.agency is None:
            return
        current = self.agency.currentData()
        self.agency.blockSignals(True)
        self.agency.clear()
        self.agency.addItem(self.tr("Any agency"), None)
        with self.ctx.db.session() as s:
            for agency_id, label in choices.options(s, "agency", "", limit=500):
                self.agency.addItem(label, agency_id)
        index = self.agency.findData(current) if current is not None else 0
        self.agency.setCurrentIndex(max(index, 0))
        self.agency.blockSignals(False)

    # --- events -----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and self.search.text()
        ):
            self.search.clear()
            self.flush()
            return True
        return super().eventFilter(watched, event)

    def _agency_typed(self) -> None:
        assert self.agency is not None
        text = self.agency.currentText().strip()
        if not text:
            self.agency.setCurrentIndex(0)
            return
        index = self.agency.findText(text, Qt.MatchFlag.MatchFixedString)
        if index < 0:
            index = self.agency.findText(text, Qt.MatchFlag.MatchContains)
        self.agency.setCurrentIndex(max(index, 0))
        if index < 0:
            self.agency.setEditText(self.agency.itemText(0))

    def _owner_typed(self) -> None:
        assert self.owner is not None
        typed = self.owner.value()
        text = typed if isinstance(typed, str) else ""
        if text != self._owner_typed_text:
            self._owner_typed_text = text
            self.changed.emit()

    def _dates_toggled(self, on: bool) -> None:
        assert self.date_from is not None and self.date_to is not None
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self.changed.emit()

    def _date_changed(self) -> None:
        if self.date_box is not None and self.date_box.isChecked():
            self.changed.emit()

    # --- API --------------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def flush(self) -> None:
        """Apply pending typed text now instead of after the debounce."""
        if self._debounce.isActive():
            self._debounce.stop()
            self.changed.emit()

    def _typed(self) -> tuple[str, str | None]:
        """(the search text without an ``owner:`` part, the owner it names or None)."""
        text = self.search.text()
        if self.owner_field is None:
            return text.strip(), None
        m = OWNER_TOKEN.search(text)
        if m is None:
            return text.strip(), None
        rest = (text[: m.start()] + " " + text[m.end() :]).strip()
        return rest, (m.group(1) if m.group(1) is not None else m.group(2) or "").strip()

    def search_text(self) -> str:
        """The typed text, once it can narrow the list: Chinese from one character, other
        text from three (one or two letters match nearly everything and cannot use the
        search index, so they would only make a large list slow)."""
        text, _owner = self._typed()
        if len(text) < MIN_LATIN and not has_han(text):
            return ""
        return text

    def owner_filter(self) -> tuple[bool, int | None, str]:
        """(whether an owner is asked for, the account's id or None when the name matches
        no account, the name asked for). The ``owner:`` text beats the picker."""
        if self.owner is None:
            return False, None, ""
        _text, token = self._typed()
        name = token
        if name is None:
            picked = self.owner.value()
            if picked is None:
                return False, None, ""
            if isinstance(picked, int):
                return True, picked, self.owner.currentText()
            name = picked
        if not name:
            return False, None, ""
        if name.casefold() in MY_OWNER_WORDS:
            return True, self.owner.my_id, name
        if name not in self._owner_names:  # asked again for every count shown: read once
            found = find_owner(self.ctx.db, name, active_only=False)
            self._owner_names[name] = found.id if found is not None else None
        return True, self._owner_names[name], name

    def reload_owners(self) -> None:
        """The accounts changed (added, renamed, disabled): read them again."""
        self._owner_names.clear()
        if self.owner is not None:
            self.owner.reload()

    def hint(self) -> str:
        """Why typed text does not filter yet, or an owner that names no account ("" when
        neither)."""
        asked, account, name = self.owner_filter()
        if asked and account is None:
            return self.tr("no account is named “%1”").replace("%1", name[:40])
        text, _owner = self._typed()
        if text and not self.search_text():
            return self.tr("type at least 3 letters to search")
        return ""

    def is_active(self) -> bool:
        return self.apply(ListSpec(self.rt.key)) != ListSpec(self.rt.key)

    def apply(self, base: ListSpec) -> ListSpec:
        """``base`` (which keeps its sort) narrowed by what the bar shows."""
        equals: list[tuple[str, Any]] = [(n, v) for n, v in self._choice_filters.items() if v]
        open_only = False
        status = self.status.currentData() if self.status is not None else None
        if status == OPEN_ANY:
            open_only = True
        elif status:
            equals.append(("status", status))
        ids = base.ids
        asked, account, _name = self.owner_filter()
        if asked and self.owner_field is not None:
            if account is None:
                ids = ()  # an owner nobody is: nothing matches (and the hint says why)
            else:
                equals.append((self.owner_field, account))
        date_from = date_to = None
        if self.date_box is not None and self.date_box.isChecked():
            assert self.date_from is not None and self.date_to is not None
            date_from = self.date_from.date().toPython()
            date_to = self.date_to.date().toPython()
        return base.with_(
            text=self.search_text(),
            equals=tuple(equals),
            open_only=open_only,
            agency_id=self.agency.currentData() if self.agency is not None else None,
            side=self.side.currentData() if self.side is not None else None,
            releasability=self.releasability.currentData(),
            flag=bool(self.flag_box is not None and self.flag_box.isChecked()),
            date_from=date_from,
            date_to=date_to,
            include_archived=self.archived.isChecked(),
            ids=ids,
        )

    def clear(self) -> None:
        """Back to no filter at all."""
        self.blockSignals(True)
        try:
            self.search.clear()
            self._debounce.stop()
            for combo in (self.status, self.side, self.agency, self.owner, self.releasability):
                if combo is not None:
                    combo.setCurrentIndex(0)
            self._owner_typed_text = ""
            for box in (self.flag_box, self.date_box, self.archived):
                if box is not None:
                    box.setChecked(False)
            if self.more is not None and self.more.menu() is not None:
                for sub_action in self.more.menu().actions():
                    sub = sub_action.menu()
                    if sub is not None and sub.actions():
                        sub.actions()[0].setChecked(True)
            for name in self._choice_filters:
                self._choice_filters[name] = None
            self._update_more_text()
        finally:
            self.blockSignals(False)
        self.changed.emit()
