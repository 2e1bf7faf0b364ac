"""The record form: one mechanism, built from the field definitions, for every record type.

Each field kind has one editor class (``EDITORS``); a bilingual pair (title_en / title_zh)
shares a row with two editors; other short fields are packed two to a row, long ones get a
row of their own. Errors raised by the service are shown under the field at fault; a stale
edit shows a banner that reloads the other user's version while keeping what was typed.
"""

from __future__ import annotations

import itertools
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from workinggroup_app.domain import fields
from workinggroup_app.domain.errors import StaleEditError, ValidationError
from workinggroup_app.domain.fields import FieldDef, RecordType
from workinggroup_ui.context import AppContext
from workinggroup_ui.forms.editors import EDITORS, FieldEditor
from workinggroup_ui.widgets.text import CONFLICT_STYLE, ERROR_STYLE, format_capitals, plain_label

WIDE_KINDS = (fields.LONGTEXT, fields.LINKS)


def layout_rows(rt: RecordType) -> list[list[FieldDef]]:
    """Rows of the form in reading order: a bilingual pair shares a row, long fields get a
    row each, other fields are packed two to a row (read-only with read-only)."""
    rows: list[list[FieldDef]] = []
    pending: FieldDef | None = None

    def flush() -> None:
        nonlocal pending
        if pending is not None:
            rows.append([pending])
            pending = None

    for f in rt.fields:
        if f.lang == "zh" and f.pair and rt.has(f.pair):
            continue  # placed with its English twin
        if f.lang == "en" and f.pair and rt.has(f.pair):
            flush()
            rows.append([f, rt.field(f.pair)])
        elif f.kind in WIDE_KINDS:
            flush()
            rows.append([f])
        elif pending is None:
            pending = f
        elif (pending.kind == fields.READONLY) == (f.kind == fields.READONLY):
            rows.append([pending, f])
            pending = None
        else:  # read-only values pair with each other, so a new record's form has no gaps
            flush()
            pending = f
    flush()
    return rows


class FieldCell(QWidget):
    """An editor with its conflict marker and its error message under it."""

    def __init__(self, editor: FieldEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.conflict = plain_label("", self)
        self.conflict.setStyleSheet(CONFLICT_STYLE)
        self.conflict.setWordWrap(True)
        self.conflict.hide()
        self.error = plain_label("", self)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor)
        layout.addWidget(self.conflict)
        layout.addWidget(self.error)
        layout.addStretch(1)  # the editor stays level with its label in a taller row
        self.setFocusProxy(editor)


class RecordForm(QWidget):
    """The editable fields of one record; values go to the service as plain data."""

    dirty_changed = Signal(bool)
    reload_requested = Signal()  # "Reload their version" on the stale-edit banner

    def __init__(self, ctx: AppContext, type_key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rt = fields.record_type(type_key)
        self.editors: dict[str, FieldEditor] = {}
        self.cells: dict[str, FieldCell] = {}
        self.labels: dict[str, QLabel] = {}
        self._baseline: dict[str, Any] = {}
        self._dirty = False
        self._new = True
        self._loading = False

        # banner (stale edit) and record-wide errors stay visible above the scrolling fields
        self.banner = QFrame(self)
        self.banner.setObjectName("staleBanner")
        self.banner.setStyleSheet(
            "#staleBanner { background: #fff4e0; border: 1px solid #e0a040; border-radius: 3px; }"
        )
        self.banner_text = plain_label("", self.banner)
        self.banner_text.setWordWrap(True)
        self.reload_button = QPushButton(self.tr("Reload their version"), self.banner)
        self.reload_button.clicked.connect(self.reload_requested)
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.addWidget(self.banner_text, 1)
        banner_layout.addWidget(self.reload_button)
        self.banner.hide()
        self.general_error = plain_label("", self)
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()

        self.body = QWidget()
        grid = QGridLayout(self.body)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(8)
        self.grid = grid
        self.rows = layout_rows(self.rt)
        for r, row in enumerate(self.rows):
            for c, f in enumerate(row):
                editor = EDITORS[f.kind](ctx, f, None)
                editor.setObjectName(f"field_{f.name}")
                cell = FieldCell(editor)
                text = f.label(ctx.lang) + (" *" if f.required else "")
                label = plain_label(text)
                label.setBuddy(editor.focus_target() if editor.focus_chain() else editor)
                label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                label.setContentsMargins(0, 4, 0, 0)
                if f.required:
                    label.setToolTip(self.tr("Required"))
                elif f.required_if_releasable:
                    label.setToolTip(self.tr("Required when releasable to the counterpart"))
                span = 3 if len(row) == 1 and f.kind in WIDE_KINDS else 1
                grid.addWidget(label, r, c * 2)
                grid.addWidget(cell, r, c * 2 + 1, 1, span)
                self.editors[f.name] = editor
                self.cells[f.name] = cell
                self.labels[f.name] = label
                editor.changed.connect(lambda name=f.name: self._on_changed(name))
        grid.setRowStretch(len(self.rows), 1)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.body)
        self.scroll.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.general_error)
        layout.addWidget(self.scroll, 1)
        self._set_tab_order()
        self.load({}, {}, new=True)

    # --- loading ---------------------------------------------------------------------------

    def _set_tab_order(self) -> None:
        chain = [w for f in self.ordered_fields() for w in self.editors[f.name].focus_chain()]
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)

    def ordered_fields(self) -> list[FieldDef]:
        """Fields in visual order (left to right, top to bottom)."""
        return [f for row in self.rows for f in row]

    def focus_chain(self) -> list[QWidget]:
        return [
            w
            for f in self.ordered_fields()
            if self.cells[f.name].isVisibleTo(self)
            for w in self.editors[f.name].focus_chain()
        ]

    def load(
        self,
        values: dict[str, Any],
        labels: dict[str, str],
        *,
        new: bool = False,
        keep_edits: bool = False,
        changed_by: str = "",
    ) -> list[str]:
        """Show stored values. With ``keep_edits`` the fields the user edited keep the typed
        values; those the other user also changed are marked. Returns the conflicting fields."""
        kept = {n: self.editors[n].value() for n in self.edited_fields()} if keep_edits else {}
        old_baseline = dict(self._baseline)
        self._loading = True
        try:
            self._new = new
            for name, editor in self.editors.items():
                f = editor.fdef
                raw = values.get(name, editor.empty_value())
                if raw is None and f.kind in (fields.TEXT, fields.LONGTEXT):
                    raw = ""
                editor.load(raw, labels.get(name, ""))
                hidden = new and f.kind == fields.READONLY
                self.cells[name].setVisible(not hidden)
                self.labels[name].setVisible(not hidden)
            self._baseline = {n: e.value() for n, e in self.editors.items()}
            conflicts = []
            for name in self.editors:
                self.cells[name].conflict.hide()
            for name, typed in kept.items():
                editor = self.editors[name]
                theirs = self._baseline[name]
                if theirs != old_baseline.get(name) and theirs != typed:
                    conflicts.append(name)
                    cell = self.cells[name]
                    who = changed_by or self.tr("another user")
                    cell.conflict.setText(
                        self.tr("⚠ Also changed by {0}; their value: {1}").format(
                            who, editor.display(theirs)
                        )
                    )
                    cell.conflict.show()
                editor.set_value(typed)
        finally:
            self._loading = False
        self.clear_errors()
        self._update_dirty()
        return conflicts

    def set_read_only(self, read_only: bool) -> None:
        for editor in self.editors.values():
            editor.set_read_only(read_only)

    # --- values ------------------------------------------------------------------------------

    def edited_fields(self) -> list[str]:
        return [
            n
            for n, e in self.editors.items()
            if e.fdef.editable and n in self._baseline and e.value() != self._baseline[n]
        ]

    def values(self, *, only_edited: bool = False) -> dict[str, Any]:
        """Values for the service: for an update only what the user changed; for a create
        every field that has a value."""
        out: dict[str, Any] = {}
        edited = set(self.edited_fields())
        for name, editor in self.editors.items():
            if not editor.fdef.editable:
                continue
            if only_edited and name not in edited:
                continue
            value = editor.payload()
            if not only_edited and value in (None, "", []):
                continue
            out[name] = value
        return out

    def is_dirty(self) -> bool:
        return self._dirty

    def revert(self) -> None:
        """Back to the stored values."""
        self._loading = True
        try:
            for name, editor in self.editors.items():
                if editor.fdef.editable and editor.value() != self._baseline.get(name):
                    editor.set_value(self._baseline.get(name))
                self.cells[name].conflict.hide()
        finally:
            self._loading = False
        self.clear_errors()
        self.hide_banner()
        self._update_dirty()

    def _on_changed(self, name: str) -> None:
        if self._loading:
            return
        cell = self.cells[name]
        if cell.error.isVisible():
            cell.error.hide()
        self._update_dirty()

    def _update_dirty(self) -> None:
        dirty = bool(self.edited_fields())
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)

    # --- errors and the stale-edit banner ---------------------------------------------------

    def clear_errors(self) -> None:
        for cell in self.cells.values():
            cell.error.hide()
        self.general_error.hide()

    def show_errors(self, errors: list[ValidationError]) -> list[ValidationError]:
        """Each message under its field, the first such field focused. Returns the errors
        that belong to no field of this form."""
        self.clear_errors()
        rest: list[ValidationError] = []
        general: list[str] = []
        for e in errors:
            cell = self.cells.get(e.field)
            if cell is None or not cell.isVisibleTo(self):
                if e.field in ("", None) or not self.rt.has(e.field):
                    rest.append(e)
                else:
                    general.append(e.message(self.ctx.lang))
                continue
            previous = cell.error.text() if cell.error.isVisible() else ""
            msg = e.message(self.ctx.lang)
            cell.error.setText(f"{previous}\n{msg}" if previous else msg)
            cell.error.show()
        if general:
            self.general_error.setText("\n".join(general))
            self.general_error.show()
        for f in self.ordered_fields():
            if self.cells[f.name].error.isVisible():
                self.focus_field(f.name)
                break
        return rest

    def show_general_error(self, text: str) -> None:
        self.general_error.setText(text)
        self.general_error.show()

    def error_text(self, name: str) -> str:
        """The message shown under a field ("" when none)."""
        cell = self.cells[name]
        return cell.error.text() if cell.error.isVisibleTo(self) else ""

    def conflict_fields(self) -> list[str]:
        return [n for n, c in self.cells.items() if c.conflict.isVisibleTo(self)]

    def focus_field(self, name: str) -> None:
        editor = self.editors[name]
        chain = editor.focus_chain()
        target = chain[0] if chain else editor
        self.scroll.ensureWidgetVisible(self.cells[name])
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_stale(self, err: StaleEditError) -> None:
        who = err.changed_by or self.tr("another user")
        when = format_capitals(err.changed_at) if err.changed_at else self.tr("an unknown time")
        self.banner_text.setText(
            self.tr(
                "Changed by {0} at {1} after you opened it. Reload their version: what you "
                "typed is kept, and fields they changed too are marked."
            ).format(who, when)
        )
        self.reload_button.show()
        self.banner.show()

    def show_reloaded(self, conflicts: list[str], who: str) -> None:
        if conflicts:
            names = ", ".join(self.rt.field(n).label(self.ctx.lang) for n in conflicts)
            text = self.tr(
                "Their version is loaded and your typed text is kept. {0} also changed: {1} "
                "(marked ⚠). Check them, then save again."
            ).format(who or self.tr("The other user"), names)
        else:
            text = self.tr(
                "Their version is loaded and your typed text is kept; none of your fields "
                "were changed by them. Save again to apply your changes."
            )
        self.banner_text.setText(text)
        self.reload_button.hide()
        self.banner.show()

    def hide_banner(self) -> None:
        self.banner.hide()

    def banner_message(self) -> str:
        return self.banner_text.text() if self.banner.isVisibleTo(self) else ""
