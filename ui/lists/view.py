"""The list view of one record type: filter bar, table, column chooser, bulk status change,
and for action items "Reassign…" (button, row menu, Ctrl+Shift+O) of the selected rows.

The same widget serves all eight record types; what differs comes from the field
definitions (columns, filters), the workflow (statuses, allowed bulk changes) and the
permissions table (whether New / Change status are offered).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workinggroup_app.domain import permissions, vocabulary
from workinggroup_app.domain.errors import DomainError
from workinggroup_app.domain.fields import DATETIME, record_type
from workinggroup_app.domain.workflows import Transition
from workinggroup_app.read import lists
from workinggroup_app.read.lists import ListSpec, Row
from workinggroup_app.services.core import Change
from workinggroup_ui.context import AppContext
from workinggroup_ui.dialogs.reassign import ReassignDialog
from workinggroup_ui.lists.filter_bar import FilterBar
from workinggroup_ui.lists.model import RecordListModel, format_instant_two_capitals, same_rows
from workinggroup_ui.operations import records
from workinggroup_ui.settings import Settings
from workinggroup_ui.widgets import icons

log = logging.getLogger(__name__)

MAX_BULK = 1000  # rows one bulk status change (or reassignment) may touch
REASSIGN_SHORTCUT = "Ctrl+Shift+O"  # O for owner
ROW_HEIGHT_EXTRA = 8


class ColumnsDialog(QDialog):
    """A checkable list of the record type's listable fields."""

    def __init__(
        self, type_key: str, visible: list[str], lang: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        rt = record_type(type_key)
        self.setWindowTitle(
            self.tr("Columns: %1").replace(
                "%1", vocabulary.word("record_type_plural", type_key, lang)
            )
        )
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Show these columns:")))
        self.list = QListWidget()
        for f in rt.list_fields():
            item = QListWidgetItem(f.label(lang))
            item.setData(Qt.ItemDataRole.UserRole, f.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if f.name in visible else Qt.CheckState.Unchecked
            )
            self.list.addItem(item)
        layout.addWidget(self.list)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        restore = self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        defaults = set(rt.default_columns())
        restore.clicked.connect(lambda: self._check(defaults))
        layout.addWidget(self.buttons)
        self.list.itemChanged.connect(self._update_ok)

    def _check(self, names: set[str]) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            name = item.data(Qt.ItemDataRole.UserRole)
            item.setCheckState(Qt.CheckState.Checked if name in names else Qt.CheckState.Unchecked)

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.chosen()))

    def chosen(self) -> list[str]:
        out = []
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(Qt.ItemDataRole.UserRole))
        return out


class BulkStatusDialog(QDialog):
    """Confirms a status change of several rows and asks for the comment (and outcome)."""

    def __init__(
        self,
        type_key: str,
        transition: Transition,
        rows: list[Row],
        lang: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        rt = record_type(type_key)
        wf = rt.workflow
        assert wf is not None
        self.setWindowTitle(self.tr("Change status"))
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        target = vocabulary.word(wf.vocabulary, transition.target, lang)
        things = vocabulary.word("record_type_plural", type_key, lang)
        self.summary = QLabel(
            self.tr("Change the status of %1 %2 to “%3”?")
            .replace("%1", f"{len(rows):,}")
            .replace("%2", things if lang.startswith("zh") else things.lower())
            .replace("%3", target)
        )
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        refs = ", ".join(str(r.values.get("reference", r.id)) for r in rows[:12])
        if len(rows) > 12:
            refs += ", …"
        self.refs = QLabel(refs)
        self.refs.setTextFormat(Qt.TextFormat.PlainText)
        self.refs.setWordWrap(True)
        layout.addWidget(self.refs)
        form = QFormLayout()
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("bulk_comment")
        self.comment.setPlaceholderText(self.tr("Why (kept in each record's history)"))
        self.comment.setTabChangesFocus(True)
        form.addRow(self.tr("Comment:"), self.comment)
        self.outcome: QComboBox | None = None
        if transition.needs_outcome and wf.outcome_vocabulary:
            self.outcome = QComboBox()
            self.outcome.setObjectName("bulk_outcome")
            for key in vocabulary.keys(wf.outcome_vocabulary):
                self.outcome.addItem(vocabulary.word(wf.outcome_vocabulary, key, lang), key)
            form.addRow(self.tr("Outcome:"), self.outcome)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Change status"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def values(self) -> tuple[str, str | None]:
        outcome = self.outcome.currentData() if self.outcome is not None else None
        return self.comment.toPlainText().strip(), outcome


class ListView(QWidget):
    open_record = Signal(str, int)  # type_key, id
    new_record = Signal(str)  # type_key
    counts_changed = Signal()

    def __init__(
        self,
        ctx: AppContext,
        type_key: str,
        settings: Settings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rt = record_type(type_key)
        self.settings = settings or Settings()
        self.setObjectName(f"list_{self.rt.key}")
        self.unfiltered_total: int | None = None  # rows with no filter, once counted
        self.bulk_dialog: BulkStatusDialog | None = None
        self.columns_dialog: ColumnsDialog | None = None
        self._restoring = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.setSpacing(4)

        self.filters = FilterBar(ctx, self.rt.key, self)
        self.filters.changed.connect(self.apply_filters)
        self.filters.search.textChanged.connect(lambda _t: self.counts_changed.emit())
        layout.addWidget(self.filters)

        # a list opened from a dashboard figure shows exactly that figure's records
        self.external_spec: ListSpec | None = None
        self._clearing = False
        self.external_bar = QFrame(self)
        self.external_bar.setObjectName("dashboard_filter")
        self.external_bar.setFrameShape(QFrame.Shape.StyledPanel)
        bar_row = QHBoxLayout(self.external_bar)
        bar_row.setContentsMargins(8, 2, 8, 2)
        self.external_label = QLabel(self.external_bar)
        self.external_label.setTextFormat(Qt.TextFormat.PlainText)
        self.external_label.setWordWrap(True)
        bar_row.addWidget(self.external_label, 1)
        self.external_clear = QPushButton(self.tr("Show all"), self.external_bar)
        self.external_clear.setObjectName("clear_dashboard_filter")
        self.external_clear.setToolTip(self.tr("Remove the dashboard's filter"))
        self.external_clear.clicked.connect(self.clear_external)
        bar_row.addWidget(self.external_clear)
        self.external_bar.setVisible(False)
        layout.addWidget(self.external_bar)

        # buttons at the end of the filter bar's second line
        self.status_button: QToolButton | None = None
        if self.rt.workflow is not None:
            self.status_button = QToolButton()
            self.status_button.setObjectName("bulk_status")
            self.status_button.setText(self.tr("Change status…"))
            self.status_button.setIcon(icons.icon("status"))
            self.status_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self.status_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
            self.status_menu = QMenu(self.status_button)
            self.status_menu.aboutToShow.connect(self._fill_status_menu)
            self.status_button.setMenu(self.status_menu)
            self.status_button.setEnabled(False)
            self.filters.trailing.addWidget(self.status_button)
        self.reassign_action: QAction | None = None
        self.reassign_button: QToolButton | None = None
        self.reassign_dialog: ReassignDialog | None = None
        if self.rt.account_fields():
            self.reassign_action = QAction(icons.icon("contact"), self.tr("Reassign…"), self)
            self.reassign_action.setObjectName("action_reassign")
            self.reassign_action.setShortcut(QKeySequence(REASSIGN_SHORTCUT))
            self.reassign_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.reassign_action.setToolTip(
                self.tr("Give the selected rows another owner (%1)").replace(
                    "%1",
                    QKeySequence(REASSIGN_SHORTCUT).toString(
                        QKeySequence.SequenceFormat.NativeText
                    ),
                )
            )
            self.reassign_action.setEnabled(False)
            self.reassign_action.triggered.connect(lambda _checked=False: self.reassign())
            self.addAction(self.reassign_action)
            self.reassign_button = QToolButton()
            self.reassign_button.setObjectName("reassign")
            self.reassign_button.setDefaultAction(self.reassign_action)
            self.reassign_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self.filters.trailing.addWidget(self.reassign_button)
        self.new_button = QPushButton(icons.icon("new"), self.tr("New"))
        self.new_button.setObjectName("new_record")
        self.new_button.setToolTip(
            self.tr("New %1 (Ctrl+N)").replace(
                "%1", vocabulary.word("record_type", self.rt.key, ctx.lang)
            )
        )
        self.new_button.setEnabled(permissions.allowed(ctx.actor.role, "create", self.rt.key))
        self.new_button.clicked.connect(lambda: self.new_record.emit(self.rt.key))
        self.filters.trailing.addWidget(self.new_button)

        saved_columns = self.settings.list_columns(self.rt.key)
        self.model = RecordListModel(
            ctx.db,
            self.rt.key,
            lang=ctx.lang,
            columns=saved_columns or None,
            runner=ctx.ops,
            parent=self,
        )
        self.model.loading_changed.connect(self._model_progress)
        self.model.counting_changed.connect(self._model_progress)
        self.table = QTableView(self)
        self.table.setObjectName(f"table_{self.rt.key}")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vh = self.table.verticalHeader()
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + ROW_HEIGHT_EXTRA)
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSortIndicatorShown(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        header.sectionResized.connect(self._section_resized)
        self._sync_header()
        self.table.setSortingEnabled(True)
        self.table.doubleClicked.connect(self._activated)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._row_menu)
        self.table.installEventFilter(self)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._after_reset)
        layout.addWidget(self.table, 1)

        self._model_progress()

    # --- header, columns ---------------------------------------------------------------------

    def _sync_header(self) -> None:
        """Widths (saved or from the field definitions) and the sort indicator."""
        header = self.table.horizontalHeader()
        widths = self.settings.list_widths(self.rt.key)
        self._restoring = True
        try:
            for col, name in enumerate(self.model.columns):
                width = widths.get(name) or self.default_width(name)
                header.resizeSection(col, max(40, width))
        finally:
            self._restoring = False
        col, order = self.model.sort_column()
        header.blockSignals(True)
        header.setSortIndicator(col, order)
        header.blockSignals(False)
        header.viewport().update()

    def default_width(self, name: str) -> int:
        """The field's width hint, widened so its header and typical values are readable."""
        f = self.rt.field(name)
        fm = self.table.fontMetrics()
        width = max(f.width, fm.horizontalAdvance(f.label(self.ctx.lang)) + 30)
        texts: list[str] = []
        if f.kind == DATETIME:
            sample = datetime(2026, 12, 30, 23, 30, tzinfo=UTC)
            texts.append(format_instant_two_capitals(sample, self.ctx.lang))
        elif f.vocabulary:
            texts.extend(
                vocabulary.word(f.vocabulary, k, self.ctx.lang)
                for k in vocabulary.keys(f.vocabulary)
            )
            flag = lists.flag_name(self.rt.key)
            if name == "status" and flag:
                flag_word = vocabulary.word("derived", flag, self.ctx.lang)
                texts = [f"{t} — {flag_word}" for t in texts]
        if texts:
            extra = 40 if name == "status" else 16  # icon and padding
            width = max(width, min(420, max(fm.horizontalAdvance(t) for t in texts) + extra))
        return width

    def _section_resized(self, col: int, _old: int, new: int) -> None:
        if self._restoring or new <= 0:
            return
        f = self.model.field_at(col)
        if f is None or col == self.model.columnCount() - 1:
            return  # the last section stretches: its width is not a choice
        widths = self.settings.list_widths(self.rt.key)
        widths[f.name] = new
        self.settings.set_list_widths(self.rt.key, widths)

    def visible_columns(self) -> list[str]:
        return self.model.columns

    def set_visible_columns(self, names: list[str]) -> None:
        """Show these columns (in field order) and remember the choice."""
        order = [f.name for f in self.rt.list_fields()]
        chosen = [n for n in order if n in set(names)]
        if not chosen:
            return
        self.model.set_columns(chosen)
        self.settings.set_list_columns(self.rt.key, chosen)
        self._sync_header()

    def toggle_column(self, name: str, visible: bool) -> None:
        current = self.visible_columns()
        if visible and name not in current:
            self.set_visible_columns([*current, name])
        elif not visible and name in current and len(current) > 1:
            self.set_visible_columns([c for c in current if c != name])

    def _header_menu(self, pos: QPoint) -> None:
        menu = self.column_menu()
        menu.exec(self.table.horizontalHeader().mapToGlobal(pos))

    def column_menu(self) -> QMenu:
        menu = QMenu(self)
        visible = set(self.visible_columns())
        for f in self.rt.list_fields():
            action = QAction(f.label(self.ctx.lang), menu)
            action.setCheckable(True)
            action.setChecked(f.name in visible)
            action.setEnabled(not (f.name in visible and len(visible) == 1))
            action.setData(f.name)
            action.toggled.connect(lambda on, name=f.name: self.toggle_column(name, on))
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.tr("Columns…"), self.choose_columns)
        return menu

    def choose_columns(self) -> None:
        """The Columns… dialog (non-blocking; OK applies and remembers)."""
        dialog = ColumnsDialog(self.rt.key, self.visible_columns(), self.ctx.lang, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.set_visible_columns(dialog.chosen()))
        self.columns_dialog = dialog
        dialog.destroyed.connect(self._columns_dialog_gone)
        dialog.open()

    def _columns_dialog_gone(self) -> None:
        self.columns_dialog = None

    # --- filtering, refreshing ---------------------------------------------------------------

    def current_spec(self) -> ListSpec:
        return self.model.wanted_spec

    def show_spec(self, spec: ListSpec, caption: str = "") -> None:
        """Show exactly what ``spec`` selects (a dashboard figure's records): the filter bar
        is cleared and a bar above the table says so, with a button to show everything.
        Touching any filter afterwards starts again from the whole list."""
        if spec.record_type != self.rt.key:
            raise ValueError(f"spec for {spec.record_type!r} given to a {self.rt.key!r} list")
        self._clearing = True
        try:
            self.filters.clear()
        finally:
            self._clearing = False
        self.external_spec = spec
        text = self.tr("Showing the records of a dashboard figure")
        self.external_label.setText(f"{text}: {caption}" if caption else text)
        self.external_bar.setVisible(True)
        self._request(spec)

    def _request(self, spec: ListSpec) -> None:
        """Read ``spec`` off the UI thread; the unfiltered total too if not yet known."""
        if self.unfiltered_total is None:
            everything = ListSpec(self.rt.key)
            self.model.request_spec(
                spec,
                also=lambda s: lists.count_rows(s, everything),
                then=self._got_unfiltered,
            )
        else:
            self.model.request_spec(spec)
        self.counts_changed.emit()

    def clear_external(self) -> None:
        """Back from a dashboard figure's records to the whole list."""
        if self.external_spec is None:
            return
        self.apply_filters()

    def _drop_external(self) -> bool:
        if self.external_spec is None:
            return False
        self.external_spec = None
        self.external_bar.setVisible(False)
        return True

    def apply_filters(self) -> None:
        if self._clearing:
            return
        base = self.model.wanted_spec
        if self._drop_external():
            base = ListSpec(self.rt.key, sort=base.sort, descending=base.descending)
        spec = self.filters.apply(base)
        if spec != self.model.wanted_spec:
            self._request(spec)  # off the UI thread; counts follow when it lands

    def _got_unfiltered(self, total: Any) -> None:
        if isinstance(total, int):
            self.unfiltered_total = total
        self.counts_changed.emit()

    def _after_reset(self) -> None:
        self._sync_header()
        self._selection_changed()
        self.counts_changed.emit()

    def _model_progress(self, *_args: Any) -> None:
        model = self.model
        if not (model.loading or model.counting) and same_rows(model.spec, ListSpec(self.rt.key)):
            self.unfiltered_total = model.total  # no filter: the count is the total
        self.counts_changed.emit()

    def refresh(self) -> None:
        """Read again, keeping the scroll position, the current row and the selection."""
        bar = self.table.verticalScrollBar()
        scroll = bar.value()
        current = self.table.currentIndex()
        current_row = current.row() if current.isValid() else -1
        current_id = self.model.id_at(current_row) if current.isValid() else None
        current_col = current.column() if current.isValid() else 0
        selected: list[tuple[int, int]] = []
        for index in self.table.selectionModel().selectedRows()[:MAX_BULK]:
            record_id = self.model.id_at(index.row())
            if record_id is not None:
                selected.append((record_id, index.row()))
        everything = ListSpec(self.rt.key)

        def restore(unfiltered: Any) -> None:
            if isinstance(unfiltered, int):
                self.unfiltered_total = unfiltered
            self.table.doItemsLayout()  # scroll range for the new row count, now
            bar.setValue(min(scroll, bar.maximum()))
            sel = self.table.selectionModel()
            flags = QItemSelectionModel.SelectionFlag
            for record_id, old_row in selected:
                row = self.model.find_row(record_id, near=old_row)
                if row is not None:
                    sel.select(self.model.index(row, 0), flags.Select | flags.Rows)
            if current_id is not None:
                row = self.model.find_row(current_id, near=current_row)
                if row is not None:
                    sel.setCurrentIndex(self.model.index(row, current_col), flags.NoUpdate)
            self.counts_changed.emit()

        self.model.request_spec(
            self.model.wanted_spec,
            force=True,
            also=lambda s: lists.count_rows(s, everything),
            then=restore,
        )

    def wait(self) -> None:
        """Until pending reads have landed (tests, screenshots)."""
        self.ctx.ops.wait()

    def on_change(self, change: Change) -> None:
        """The op runner announced a change: refresh if it concerns this list."""
        if change.record_type == self.rt.key:
            self.refresh()
        if change.record_type == "agency" and self.filters.agency is not None:
            self.filters.reload_agencies()
        if change.record_type == "user":
            self.filters.reload_owners()  # an account added, renamed or disabled

    def focus_search(self) -> None:
        self.filters.focus_search()

    def status_text(self) -> str:
        if self.model.loading:
            return self.tr("Reading…")
        if self.model.counting:
            return self.tr("Counting…")
        things = vocabulary.word("record_type_plural", self.rt.key, self.ctx.lang)
        if not self.ctx.zh:
            things = things.lower()
        if self.unfiltered_total is None:
            text = f"{self.model.total:,} {things}"
        else:
            text = (
                self.tr("%1 of %2 %3")
                .replace("%1", f"{self.model.total:,}")
                .replace("%2", f"{self.unfiltered_total:,}")
                .replace("%3", things)
            )
        hint = self.filters.hint()
        if self.external_spec is not None and not hint:
            hint = self.tr("dashboard filter")
        return f"{text} — {hint}" if hint else text

    # --- opening -----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.open_current()
            return True
        return super().eventFilter(watched, event)

    def _activated(self, index: QModelIndex) -> None:
        record_id = self.model.id_at(index.row())
        if record_id is not None:
            self.open_record.emit(self.rt.key, record_id)

    def open_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self._activated(index)

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)

    # --- bulk status change ------------------------------------------------------------------

    def _selection_changed(self, *_args: Any) -> None:
        has = self.table.selectionModel().hasSelection()
        if self.status_button is not None:
            self.status_button.setEnabled(
                has and permissions.allowed(self.ctx.actor.role, "transition", self.rt.key)
            )
        if self.reassign_action is not None:
            self.reassign_action.setEnabled(
                has and permissions.allowed(self.ctx.actor.role, "update", self.rt.key)
            )

    def _row_menu(self, pos: QPoint) -> None:
        menu = self.row_menu()
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def row_menu(self) -> QMenu:
        """The menu of the selected rows: open, reassign (for records with an owner)."""
        menu = QMenu(self)
        open_action = menu.addAction(self.tr("Open"), self.open_current)
        open_action.setEnabled(self.table.currentIndex().isValid())
        if self.reassign_action is not None:
            menu.addAction(self.reassign_action)
        return menu

    def selected_count(self) -> int:
        return sum(r.height() for r in self.table.selectionModel().selection())

    def selected_rows(self) -> list[Row]:
        rows: list[Row] = []
        for index in sorted(self.table.selectionModel().selectedRows(), key=lambda i: i.row()):
            row = self.model.row_at(index.row())
            if row is not None:
                rows.append(row)
        return rows

    def bulk_targets(self, rows: list[Row]) -> list[Transition]:
        """Transitions allowed for EVERY row (the workflow decides, per row's status)."""
        wf = self.rt.workflow
        if wf is None:
            return []
        return wf.allowed_for_all(
            (str(row.values.get("status")), SimpleNamespace(**row.values)) for row in rows
        )

    def _fill_status_menu(self) -> None:
        menu = self.status_menu
        menu.clear()
        wf = self.rt.workflow
        assert wf is not None
        count = self.selected_count()
        if count > MAX_BULK:
            action = menu.addAction(
                self.tr("Select at most %1 rows").replace("%1", f"{MAX_BULK:,}")
            )
            action.setEnabled(False)
            return
        targets = self.bulk_targets(self.selected_rows())
        if not targets:
            action = menu.addAction(self.tr("No status change is allowed for all selected rows"))
            action.setEnabled(False)
            return
        for t in targets:
            action = menu.addAction(vocabulary.word(wf.vocabulary, t.target, self.ctx.lang))
            action.setData(t.target)
            action.triggered.connect(lambda _=False, target=t.target: self.change_status(target))

    def change_status(self, target: str) -> BulkStatusDialog | None:
        """Ask for a comment, then move every selected row to ``target`` (all or nothing)."""
        rows = self.selected_rows()
        if len(rows) > MAX_BULK:
            QMessageBox.information(
                self,
                self.tr("Change status"),
                self.tr("Select at most %1 rows").replace("%1", f"{MAX_BULK:,}"),
            )
            return None
        transition = next((t for t in self.bulk_targets(rows) if t.target == target), None)
        if transition is None:
            wf = self.rt.workflow
            QMessageBox.information(
                self,
                self.tr("Change status"),
                self.tr("Not every selected row may move to “%1”.").replace(
                    "%1", vocabulary.word(wf.vocabulary if wf else "", target, self.ctx.lang)
                ),
            )
            return None
        dialog = BulkStatusDialog(self.rt.key, transition, rows, self.ctx.lang, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        items = [(r.id, r.version) for r in rows]
        dialog.accepted.connect(lambda: self._run_bulk(items, target, *dialog.values()))
        dialog.destroyed.connect(self._bulk_dialog_gone)
        self.bulk_dialog = dialog
        dialog.open()
        return dialog

    def _bulk_dialog_gone(self) -> None:
        self.bulk_dialog = None

    def _run_bulk(
        self, items: list[tuple[int, int]], target: str, comment: str, outcome: str | None
    ) -> None:
        def failed(error: DomainError) -> bool:
            QMessageBox.warning(
                self,
                self.tr("Status not changed"),
                self.tr("No row was changed.") + "\n\n" + error.message(self.ctx.lang),
            )
            return True

        records.bulk_transition(
            self.ctx, self.rt.key, items, target, comment=comment, outcome=outcome, parent=self
        ).failure(failed).run_in_background()

    # --- reassign ----------------------------------------------------------------------------

    def reassign(self) -> ReassignDialog | None:
        """Ask for the new owner of the selected rows, then give it to all of them at once
        (all or none: a row someone changed meanwhile stops the whole change)."""
        if self.reassign_action is None or not self.reassign_action.isEnabled():
            return None
        rows = self.selected_rows()
        if not rows:
            return None
        if len(rows) > MAX_BULK:
            QMessageBox.information(
                self,
                self.tr("Reassign"),
                self.tr("Select at most %1 rows").replace("%1", f"{MAX_BULK:,}"),
            )
            return None
        dialog = ReassignDialog(
            self.ctx,
            self.rt.key,
            [(r.id, r.version) for r in rows],
            [str(r.values.get("reference", r.id)) for r in rows],
            self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(self._reassign_dialog_gone)
        self.reassign_dialog = dialog
        dialog.open()
        return dialog

    def _reassign_dialog_gone(self) -> None:
        self.reassign_dialog = None
