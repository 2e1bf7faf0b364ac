"""The audit trail, for managers and administrators: who did what, when, to which record.

Filters (user, action, record type, date range, reference) go to SQL through
``workinggroup_app.audit.reading`` (which checks the ``audit_view`` permission itself); the
table reads windows of 256 events newest first and fetches more as it scrolls. The panel
below shows the selected event's changes in words, and "Verify the chain" recomputes every
hash in the background.

Wiring: ``AuditViewer(ctx)`` as a tab or in ``AuditViewerDialog(ctx, parent)``, offered
when ``permissions.allowed(ctx.actor.role, "audit_view")``.
"""

from __future__ import annotations

from datetime import UTC, date, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workinggroup_app.audit import reading as aq
from workinggroup_app.domain import vocabulary
from workinggroup_app.domain.permissions import Actor, allowed
from workinggroup_app.storage.database import Database
from workinggroup_ui.context import AppContext
from workinggroup_ui.widgets.panel_window import PanelWindow
from workinggroup_ui.widgets.table_model import RowsModel

_Index = QModelIndex | QPersistentModelIndex
WASHINGTON = ZoneInfo("America/New_York")
BEIJING = ZoneInfo("Asia/Shanghai")
NO_DATE = QDate(2000, 1, 1)  # the date edits' minimum, shown as "Any"

COL_AT, COL_ACTOR, COL_ACTION, COL_TYPE, COL_REFERENCE, COL_OUTCOME, COL_CHANGES = range(7)


def system_zone() -> tzinfo:
    from PySide6.QtCore import QTimeZone

    try:
        return ZoneInfo(bytes(QTimeZone.systemTimeZoneId().data()).decode())
    except (ValueError, KeyError, OSError):
        return UTC


def when_text(row: aq.AuditRow) -> str:
    return row.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def when_both(row: aq.AuditRow, lang: str) -> str:
    dc = row.at.astimezone(WASHINGTON).strftime("%Y-%m-%d %H:%M")
    bj = row.at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
    if lang.startswith("zh"):
        return f"华盛顿 {dc} · 北京 {bj}"
    return f"Washington {dc} · Beijing {bj}"


class AuditModel(RowsModel):
    """Windows of audit events, newest first, fetched by keyset as the view scrolls."""

    ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the AuditRow of a row

    def __init__(self, db: Database, viewer: Actor, lang: str = "en", parent: Any = None):
        super().__init__(parent)
        self.db = db
        self.viewer = viewer
        self.lang = lang
        self.filter = aq.AuditFilter()
        self.rows: list[aq.AuditRow] = []
        self.exhausted = True
        self.window = aq.WINDOW
        self.headers = [
            self.tr("When (UTC)"),
            self.tr("User"),
            self.tr("Action"),
            self.tr("Record type"),
            self.tr("Reference"),
            self.tr("Outcome"),
            self.tr("Changes"),
        ]

    def _read(self, before_id: int | None) -> list[aq.AuditRow]:
        with self.db.session() as s:
            return aq.events(s, self.viewer, self.filter, before_id=before_id, limit=self.window)

    def set_filter(self, flt: aq.AuditFilter) -> None:
        self.filter = flt
        self.reload()

    def reload(self) -> None:
        rows = self._read(None)
        self.beginResetModel()
        self.rows = rows
        self.exhausted = len(rows) < self.window
        self.endResetModel()

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and not self.exhausted and bool(self.rows)

    def fetchMore(self, parent: _Index) -> None:
        if parent.isValid() or self.exhausted or not self.rows:
            return
        more = self._read(self.rows[-1].id)
        self.exhausted = len(more) < self.window
        if more:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
            self.rows.extend(more)
            self.endInsertRows()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == self.ROW_ROLE:
            return row
        col = index.column()
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_AT:
                return when_both(row, self.lang)
            if col == COL_CHANGES:
                return "\n".join(aq.describe_changes(row, self.lang))[:2000]
            return None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if col == COL_AT:
            return when_text(row)
        if col == COL_ACTOR:
            return row.actor
        if col == COL_ACTION:
            return aq.action_label(row.action, self.lang)
        if col == COL_TYPE:
            return aq.type_label(row.record_type, self.lang) if row.record_type else ""
        if col == COL_REFERENCE:
            return row.reference
        if col == COL_OUTCOME:
            return row.outcome
        if col == COL_CHANGES:
            return aq.summary(row, self.lang)
        return None


class AuditViewer(QWidget):
    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, tz: tzinfo | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tz = tz or system_zone()
        layout = QVBoxLayout(self)
        self.model: AuditModel | None = None
        if not allowed(ctx.actor.role, "audit_view"):
            refusal = QLabel(self.tr("Only managers and administrators can see the audit trail."))
            refusal.setObjectName("refusal")
            refusal.setWordWrap(True)
            layout.addWidget(refusal)
            return
        lang = ctx.lang

        self.actor_edit = QLineEdit()
        self.actor_edit.setObjectName("actor")
        self.actor_edit.setClearButtonEnabled(True)
        self.actor_edit.setPlaceholderText(self.tr("any user"))
        self.action_combo = QComboBox()
        self.action_combo.setObjectName("action")
        self.action_combo.addItem(self.tr("Any action"), None)
        for key in vocabulary.keys("audit_action"):
            self.action_combo.addItem(aq.action_label(key, lang), key)
        self.type_combo = QComboBox()
        self.type_combo.setObjectName("record_type")
        self.type_combo.addItem(self.tr("Any type"), None)
        for key in aq.type_keys():
            self.type_combo.addItem(aq.type_label(key, lang), key)
        self.from_edit = self._date_edit("date_from")
        self.to_edit = self._date_edit("date_to")
        self.reference_edit = QLineEdit()
        self.reference_edit.setObjectName("reference")
        self.reference_edit.setClearButtonEnabled(True)
        self.reference_edit.setPlaceholderText(self.tr("e.g. REF-2026-0042"))
        self.clear_button = QPushButton(self.tr("C&lear filters"))
        self.verify_button = QPushButton(self.tr("&Verify the chain"))
        self.verify_button.setObjectName("verify")
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        self.verify_label = QLabel()
        self.verify_label.setObjectName("verify_result")
        self.verify_label.setTextFormat(Qt.TextFormat.PlainText)
        self.verify_label.setWordWrap(True)

        grid = QGridLayout()
        fields = [
            (self.tr("&User:"), self.actor_edit),
            (self.tr("&Action:"), self.action_combo),
            (self.tr("Record &type:"), self.type_combo),
            (self.tr("&From:"), self.from_edit),
            (self.tr("T&o:"), self.to_edit),
            (self.tr("&Reference:"), self.reference_edit),
        ]
        for i, (text, widget) in enumerate(fields):
            label = QLabel(text)
            label.setBuddy(widget)
            grid.addWidget(label, i // 3, (i % 3) * 2)
            grid.addWidget(widget, i // 3, (i % 3) * 2 + 1)
        layout.addLayout(grid)
        bar = QHBoxLayout()
        bar.addWidget(self.count_label)
        bar.addStretch(1)
        bar.addWidget(self.clear_button)
        bar.addWidget(self.verify_button)
        layout.addLayout(bar)
        # the result on a line of its own: a checkpoint's name and time need the width
        layout.addWidget(self.verify_label)
        self.verify_label.hide()

        self.model = AuditModel(ctx.db, ctx.actor, lang, self)
        self.table = QTableView()
        self.table.setObjectName("audit_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_CHANGES, QHeaderView.ResizeMode.Stretch)
        for col, width in ((COL_AT, 150), (COL_ACTOR, 110), (COL_ACTION, 130), (COL_TYPE, 110)):
            self.table.setColumnWidth(col, width)
        self.table.setColumnWidth(COL_REFERENCE, 140)
        self.table.setColumnWidth(COL_OUTCOME, 110)
        self.details = QPlainTextEdit()
        self.details.setObjectName("details")
        self.details.setReadOnly(True)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)

        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(250)
        self.debounce.timeout.connect(self.apply_filters)
        self.actor_edit.textChanged.connect(self.debounce.start)
        self.reference_edit.textChanged.connect(self.debounce.start)
        self.actor_edit.returnPressed.connect(self.apply_filters)
        self.reference_edit.returnPressed.connect(self.apply_filters)
        self.action_combo.currentIndexChanged.connect(self.apply_filters)
        self.type_combo.currentIndexChanged.connect(self.apply_filters)
        self.from_edit.dateChanged.connect(self.apply_filters)
        self.to_edit.dateChanged.connect(self.apply_filters)
        self.clear_button.clicked.connect(self.clear_filters)
        self.verify_button.clicked.connect(self.verify)
        self.table.selectionModel().currentRowChanged.connect(self._show_details)
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setSingleShot(True)
        self.refresh_timer.setInterval(500)
        self.refresh_timer.timeout.connect(self.apply_filters)
        ctx.ops.changed.connect(lambda _c: self.refresh_timer.start())

        with ctx.db.session() as s:
            names = aq.actors(s, ctx.actor, limit=500)
        completer = QCompleter(names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.actor_edit.setCompleter(completer)
        self.apply_filters()

    def _date_edit(self, name: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText(self.tr("Any"))
        edit.setDate(NO_DATE)
        return edit

    @staticmethod
    def _date(edit: QDateEdit) -> date | None:
        d = edit.date()
        return None if d == NO_DATE else date(d.year(), d.month(), d.day())

    def current_filter(self) -> aq.AuditFilter:
        return aq.AuditFilter(
            actor=self.actor_edit.text(),
            action=self.action_combo.currentData(),
            record_type=self.type_combo.currentData(),
            date_from=self._date(self.from_edit),
            date_to=self._date(self.to_edit),
            reference=self.reference_edit.text(),
            tz=self.tz,
        )

    def apply_filters(self) -> None:
        assert self.model is not None
        self.debounce.stop()
        flt = self.current_filter()
        self.model.set_filter(flt)
        with self.ctx.db.session() as s:
            total = aq.count_events(s, self.ctx.actor, flt)
        self.count_label.setText(self.tr("%n event(s)", "", total))
        self.details.clear()

    def clear_filters(self) -> None:
        for widget in (self.actor_edit, self.reference_edit):
            widget.blockSignals(True)
            widget.clear()
            widget.blockSignals(False)
        for combo in (self.action_combo, self.type_combo):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        for edit in (self.from_edit, self.to_edit):
            edit.blockSignals(True)
            edit.setDate(NO_DATE)
            edit.blockSignals(False)
        self.apply_filters()

    def _show_details(self, current: QModelIndex, _previous: QModelIndex) -> None:
        assert self.model is not None
        row = self.model.data(current, AuditModel.ROW_ROLE) if current.isValid() else None
        if row is None:
            self.details.clear()
            return
        lang = self.ctx.lang
        head = [
            f"#{row.id}  {when_text(row)} UTC  ({when_both(row, lang)})",
            "  ".join(
                part
                for part in (
                    f"{self.tr('User')}: {row.actor}",
                    f"{self.tr('Action')}: {aq.action_label(row.action, lang)}",
                    f"{aq.type_label(row.record_type, lang)} {row.reference}".strip(),
                    f"{self.tr('Outcome')}: {row.outcome}",
                )
                if part
            ),
            "",
        ]
        tail = ["", f"{self.tr('Hash')}: {row.hash}", f"{self.tr('Previous')}: {row.prev_hash}"]
        self.details.setPlainText("\n".join(head + aq.describe_changes(row, lang) + tail))

    def verify(self) -> None:
        db, actor = self.ctx.db, self.ctx.actor
        self.verify_button.setEnabled(False)
        self.verify_label.show()
        self.verify_label.setText(self.tr("Verifying…"))

        def work() -> Any:
            with db.session() as s:
                return aq.verify_chain(s, actor)

        def done(result: Any) -> None:
            self.verify_button.setEnabled(True)
            lang = self.ctx.lang
            if result.ok:
                text = self.tr("The chain is intact: %n event(s) checked.", "", result.checked)
                if result.checkpoint is not None:
                    cp = result.checkpoint
                    text += " " + (
                        self.tr(
                            "Signed checkpoint %1 (%2) matches; %n event(s) since.",
                            "",
                            result.since,
                        )
                        .replace("%1", cp.token)
                        .replace("%2", cp.detail(lang))
                    )
                self.verify_label.setStyleSheet("color: #1b5e20;")
            else:
                reason = result.reason_zh if lang.startswith("zh") else result.reason
                text = (
                    self.tr("The chain is broken at event #%1: %2.")
                    .replace("%1", str(result.first_bad_id or ""))
                    .replace("%2", reason)
                )
                self.verify_label.setStyleSheet("color: #b00020; font-weight: bold;")
            self.verify_label.setText(text)

        def failed(error: Any) -> bool:
            self.verify_button.setEnabled(True)
            self.verify_label.setText(error.message(self.ctx.lang))
            return True

        self.ctx.ops.run(work, on_success=done, on_failure=failed)


class AuditViewerDialog(PanelWindow):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.viewer = AuditViewer(ctx, self)
        self.hold(self.tr("Audit trail"), self.viewer, 1100, 700)
