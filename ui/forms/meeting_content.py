"""A meeting's own parts: attendees, agenda items and decisions, edited as tables, and the
"Export packet…" button. Made for the meeting record type by ``record_view.EXTENSIONS``.

The columns come from ``domain.children.CHILDREN`` (their kinds, lengths, vocabularies and links);
this module only adds their labels and order. The referrals and cases discussed are the
meeting's LINKS fields, so the generic form edits them.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from workinggroup_app.domain import permissions, vocabulary
from workinggroup_app.domain.children import CHILDREN
from workinggroup_app.domain.errors import ValidationError
from workinggroup_app.read import choices, related
from workinggroup_app.read.record import RecordData
from workinggroup_ui.context import AppContext
from workinggroup_ui.forms.extension import RecordExtension, RecordHost
from workinggroup_ui.operations import records
from workinggroup_ui.operations.op import Op
from workinggroup_ui.widgets.pickers import LinkPicker
from workinggroup_ui.widgets.text import ERROR_STYLE, NONE_TEXT, plain_label

# (CHILDREN key, keyword of services.save_meeting_content, shown columns, columns kept as
#  stored but not shown)
SECTIONS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "attendees",
        "attendees",
        (
            "side",
            "name_en",
            "name_zh",
            "position_en",
            "position_zh",
            "agency_id",
            "head_of_delegation",
        ),
        ("contact_id",),
    ),
    (
        "agenda_items",
        "agenda",
        ("title_en", "title_zh", "notes_en", "notes_zh", "releasability"),
        (),
    ),
    ("decisions", "decisions", ("text_en", "text_zh", "releasability"), ()),
)

_ERROR_FIELD = re.compile(r"^(\w+)\[(\d+)\]\.(\w+)$")
CELL_ERROR_STYLE = "border: 1px solid #b00020;"


class ChildTable(QWidget):
    """One list of parts (attendees, agenda items or decisions) as an editable table."""

    changed = Signal()

    def __init__(
        self,
        ctx: AppContext,
        key: str,
        keyword: str,
        title: str,
        columns: tuple[str, ...],
        hidden: tuple[str, ...],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.key = key
        self.keyword = keyword
        self.spec = CHILDREN[key]
        self.columns = columns
        self.hidden = hidden
        self.kinds = {c: self.spec.kind(c) for c in (*columns, *hidden)}
        self.cells: list[dict[str, QWidget]] = []
        self._hidden_values: list[dict[str, Any]] = []
        self._baseline: list[dict[str, Any]] = []
        self._loading = False

        self.table = QTableWidget(0, len(columns), self)
        self.table.setObjectName(f"table_{key}")
        headers = []
        for c in columns:
            required = " *" if c in self.spec.required else ""
            headers.append(self.spec.column_label(c, ctx.lang) + required)
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setMinimumHeight(150)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        for i, c in enumerate(columns):
            if self.kinds[c][0] in ("bool", "choice"):  # as wide as the longest choice
                proto, _focus = self._make_cell(c)
                width = max(
                    proto.sizeHint().width() + 8,
                    header.fontMetrics().horizontalAdvance(headers[i]) + 24,
                )
                proto.deleteLater()
                header.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(i, width)
            else:
                header.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

        noun = ctx.pick(self.spec.label_en, self.spec.label_zh)
        self.add_button = QPushButton(self.tr("Add {0}").format(noun.lower()), self)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.up_button = QPushButton(self.tr("Move up"), self)
        self.down_button = QPushButton(self.tr("Move down"), self)
        self.error = plain_label("", self)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()

        buttons = QHBoxLayout()
        for b in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        box = QGroupBox(title, self)
        inner = QVBoxLayout(box)
        inner.addWidget(self.table)
        inner.addLayout(buttons)
        inner.addWidget(self.error)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(box)

        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_current)
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button.clicked.connect(lambda: self.move_current(1))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self._update_buttons()

    # --- cells ---------------------------------------------------------------------------------

    def _make_cell(self, name: str) -> tuple[QWidget, QWidget]:
        """(cell widget, the widget that takes focus)."""
        kind, detail = self.kinds[name]
        if kind == "text":
            w = QLineEdit()
            w.setMaxLength(detail)
            w.textChanged.connect(self._on_changed)
            return w, w
        if kind == "longtext":
            w = QPlainTextEdit()
            w.setTabChangesFocus(True)
            w.setFixedHeight(58)
            w.textChanged.connect(self._on_changed)
            return w, w
        if kind == "choice":
            w = QComboBox()
            w.addItem(NONE_TEXT, None)
            for key in vocabulary.keys(detail):
                w.addItem(vocabulary.word(detail, key, self.ctx.lang), key)
            w.currentIndexChanged.connect(self._on_changed)
            return w, w
        if kind == "bool":
            holder = QWidget()
            check = QCheckBox(holder)
            lay = QHBoxLayout(holder)
            lay.setContentsMargins(4, 0, 4, 0)
            lay.setAlignment(Qt.AlignmentFlag.AlignCenter)
            lay.addWidget(check)
            holder.setFocusProxy(check)
            check.toggled.connect(self._on_changed)
            return holder, check
        picker = LinkPicker(self.ctx, detail)
        picker.edit.setPlaceholderText(self.tr("Type to search…"))
        picker.changed.connect(self._on_changed)
        return picker, picker.edit

    @staticmethod
    def _get(kind: str, w: QWidget, with_label: bool) -> Any:
        if kind == "text":
            return w.text()  # type: ignore[attr-defined]
        if kind == "longtext":
            return w.toPlainText()  # type: ignore[attr-defined]
        if kind == "choice":
            return w.currentData()  # type: ignore[attr-defined]
        if kind == "bool":
            return w.focusProxy().isChecked()  # type: ignore[union-attr]
        value = w.value()  # type: ignore[attr-defined]
        if with_label and isinstance(value, int):
            return (value, w.label())  # type: ignore[attr-defined]
        return value

    @staticmethod
    def _set(kind: str, w: QWidget, value: Any) -> None:
        if kind == "text":
            w.setText(value or "")  # type: ignore[attr-defined]
        elif kind == "longtext":
            w.setPlainText(value or "")  # type: ignore[attr-defined]
        elif kind == "choice":
            index = w.findData(value) if value not in (None, "") else 0  # type: ignore[attr-defined]
            if index < 0:
                w.addItem(str(value), value)  # type: ignore[attr-defined]
                index = w.count() - 1  # type: ignore[attr-defined]
            w.setCurrentIndex(index)  # type: ignore[attr-defined]
        elif kind == "bool":
            w.focusProxy().setChecked(bool(value))  # type: ignore[union-attr]
        elif isinstance(value, tuple):
            w.set_value(value[0], value[1])  # type: ignore[attr-defined]
        else:
            w.set_value(value)  # type: ignore[attr-defined]

    def cell(self, row: int, name: str) -> QWidget:
        """The editing widget of a cell (a QLineEdit, QComboBox, QCheckBox or LinkPicker)."""
        w = self.cells[row][name]
        return w.focusProxy() if self.kinds[name][0] == "bool" else w

    # --- rows --------------------------------------------------------------------------------

    def _append_row(self, values: dict[str, Any]) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        widgets: dict[str, QWidget] = {}
        for col, name in enumerate(self.columns):
            w, focus = self._make_cell(name)
            self._set(self.kinds[name][0], w, values.get(name))
            focus.installEventFilter(self)
            focus.setProperty("child_row", row)
            self.table.setCellWidget(row, col, w)
            widgets[name] = w
        self.cells.append(widgets)
        self._hidden_values.append({h: values.get(h) for h in self.hidden})

    def row_values(self, row: int, *, with_labels: bool = False) -> dict[str, Any]:
        out = {n: self._get(self.kinds[n][0], w, with_labels) for n, w in self.cells[row].items()}
        for name, value in self._hidden_values[row].items():
            out[name] = value if with_labels or not isinstance(value, tuple) else value[0]
        return out

    def rows(self, *, with_labels: bool = False) -> list[dict[str, Any]]:
        return [self.row_values(r, with_labels=with_labels) for r in range(len(self.cells))]

    def set_rows(self, rows: list[dict[str, Any]], *, baseline: bool = False) -> None:
        self._loading = True
        try:
            current = self.table.currentRow()
            self.table.setRowCount(0)
            self.cells = []
            self._hidden_values = []
            for values in rows:
                self._append_row(values)
            if 0 <= current < len(rows):
                self.table.selectRow(current)
        finally:
            self._loading = False
        if baseline:
            self._baseline = self.rows()
            self.clear_errors()
        self._update_buttons()
        self.changed.emit()

    def add_row(self) -> int:
        self._append_row({})
        row = len(self.cells) - 1
        self.table.selectRow(row)
        first = self.cell(row, self.columns[0])
        first = first.edit if isinstance(first, LinkPicker) else first
        first.setFocus()
        self._update_buttons()
        self.changed.emit()
        return row

    def remove_current(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.cells):
            return
        rows = self.rows(with_labels=True)
        del rows[row]
        self.set_rows(rows)
        if rows:
            self.table.selectRow(min(row, len(rows) - 1))

    def move_current(self, step: int) -> None:
        row = self.table.currentRow()
        other = row + step
        if not (0 <= row < len(self.cells) and 0 <= other < len(self.cells)):
            return
        rows = self.rows(with_labels=True)
        rows[row], rows[other] = rows[other], rows[row]
        self.set_rows(rows)
        self.table.selectRow(other)

    def is_dirty(self) -> bool:
        return self.rows() != self._baseline

    def revert(self) -> None:
        self.set_rows(self._baseline, baseline=True)

    def payload(self) -> list[dict[str, Any]]:
        return self.rows()

    def _on_changed(self, *_args: Any) -> None:
        if not self._loading:
            self.changed.emit()

    def _update_buttons(self) -> None:
        row = self.table.currentRow()
        has = 0 <= row < len(self.cells)
        self.remove_button.setEnabled(has)
        self.up_button.setEnabled(has and row > 0)
        self.down_button.setEnabled(has and row < len(self.cells) - 1)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn:
            row = obj.property("child_row")
            if isinstance(row, int) and row != self.table.currentRow():
                self.table.selectRow(row)
        return super().eventFilter(obj, event)

    # --- errors ----------------------------------------------------------------------------------

    def clear_errors(self) -> None:
        self.error.hide()
        for widgets in self.cells:
            for w in widgets.values():
                w.setStyleSheet("")

    def show_errors(self, errors: list[tuple[int, str, str]]) -> None:
        """(row number from 1, column, message)."""
        lines = []
        first: QWidget | None = None
        for position, column, message in errors:
            lines.append(message)
            row = position - 1
            if 0 <= row < len(self.cells) and column in self.cells[row]:
                w = self.cells[row][column]
                w.setStyleSheet(CELL_ERROR_STYLE)
                if first is None:
                    first = self.cell(row, column)
        self.error.setText("\n".join(lines))
        self.error.show()
        if first is not None:
            target = first.edit if isinstance(first, LinkPicker) else first
            self.table.selectRow(int(target.property("child_row") or 0))
            target.setFocus()


class MeetingContentEditor(QWidget):
    """The three tables of a meeting, one under the other."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.sections: dict[str, ChildTable] = {}
        body = QWidget()
        inner = QVBoxLayout(body)
        for key, keyword, columns, hidden in SECTIONS:
            spec = CHILDREN[key]
            title = ctx.pick(spec.heading_en, spec.heading_zh)
            table = ChildTable(ctx, key, keyword, title, columns, hidden, body)
            table.changed.connect(self.changed)
            self.sections[key] = table
            inner.addWidget(table)
        inner.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def load(self, session: Session, meeting_id: int | None) -> None:
        meeting = related.get(session, "meeting", meeting_id) if meeting_id is not None else None
        for key, table in self.sections.items():
            rows = []
            for child in getattr(meeting, key, []) if meeting is not None else []:
                values: dict[str, Any] = {}
                for name in (*table.columns, *table.hidden):
                    value = getattr(child, name, None)
                    kind, target = table.kinds[name]
                    if kind == "link" and isinstance(value, int):
                        value = (value, choices.link_label(session, target, value))
                    values[name] = value
                rows.append(values)
            table.set_rows(rows, baseline=True)

    def is_dirty(self) -> bool:
        return any(t.is_dirty() for t in self.sections.values())

    def revert(self) -> None:
        for t in self.sections.values():
            t.revert()

    def payload(self) -> dict[str, list[dict[str, Any]]]:
        return {t.keyword: t.payload() for t in self.sections.values()}

    def clear_errors(self) -> None:
        for t in self.sections.values():
            t.clear_errors()

    def show_errors(self, errors: list[ValidationError]) -> list[ValidationError]:
        """Shows errors named like ``attendees[2].side``; returns the others."""
        self.clear_errors()
        rest = []
        found: dict[str, list[tuple[int, str, str]]] = {}
        for e in errors:
            m = _ERROR_FIELD.match(e.field or "")
            if m is None or m.group(1) not in self.sections:
                rest.append(e)
                continue
            found.setdefault(m.group(1), []).append(
                (int(m.group(2)), m.group(3), e.message(self.ctx.lang))
            )
        for key, items in found.items():
            self.sections[key].show_errors(items)
        return rest

    def error_text(self) -> str:
        return "\n".join(
            t.error.text() for t in self.sections.values() if t.error.isVisibleTo(self)
        )


class MeetingExtension(RecordExtension):
    """Adds the meeting content tab and the "Export packet…" button to a meeting's view."""

    def __init__(self, view: RecordHost) -> None:
        super().__init__(view)
        self.editor = MeetingContentEditor(self.ctx, view)
        self.editor.changed.connect(self._on_changed)
        self.export_button = QPushButton(self.tr("Export packet…"), view)
        self.export_button.setToolTip(self.tr("Write the meeting packet as a PDF"))
        self.export_button.clicked.connect(self.open_packet_dialog)
        self.tabs = [(self.tr("Attendees, agenda, decisions"), self.editor)]
        self.actions = [self.export_button]
        self.packet_dialog: QWidget | None = None
        self._dirty = False
        self._reference = ""

    def load(self, session: Session, data: RecordData | None, *, keep_edits: bool) -> None:
        self._reference = data.reference if data else ""
        role = self.ctx.actor.role
        self.export_button.setEnabled(data is not None)
        self.export_button.setVisible(permissions.allowed(role, "export", "meeting"))
        self.editor.setEnabled(permissions.allowed(role, "update" if data else "create", "meeting"))
        if keep_edits and self.editor.is_dirty():
            return
        self.editor.load(session, data.id if data else None)

    def _on_changed(self) -> None:
        dirty = self.editor.is_dirty()
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)

    def is_dirty(self) -> bool:
        return self.editor.is_dirty()

    def save_op(self, record_id: int, version: int) -> Op | None:
        if not self.editor.is_dirty():
            return None
        self.editor.clear_errors()
        payload = self.editor.payload()
        return records.save_meeting_content(self.ctx, record_id, version, payload, parent=self.view)

    def show_errors(self, errors: list[ValidationError]) -> list[ValidationError]:
        rest = self.editor.show_errors(errors)
        if len(rest) != len(errors):
            self.view.tabs.setCurrentWidget(self.editor)
        return rest

    def revert(self) -> None:
        self.editor.revert()

    def open_packet_dialog(self) -> QWidget | None:
        if not self._reference:
            return None
        from workinggroup_ui.dialogs.packet import PacketDialog

        if self.packet_dialog is not None:
            self.packet_dialog.deleteLater()
        dialog = PacketDialog(
            self.ctx, self._reference, self.view, unsaved=self.view.has_unsaved_changes()
        )
        self.packet_dialog = dialog
        dialog.open()
        return dialog
