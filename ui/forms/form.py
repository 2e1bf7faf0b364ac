"""The record form: one mechanism, built from the field definitions, for every record type.

Each field kind has one editor class (``EDITORS``); a bilingual pair (title_en / title_zh)
shares a row with two editors; other short fields are packed two to a row, long ones get a
row of their own. Errors raised by the service are shown under the field at fault; a stale
edit shows a banner that reloads the other user's version while keeping what was typed.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QDateTime,
    QSignalBlocker,
    Qt,
    QTime,
    QTimeZone,
    Signal,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from workinggroup_ui.context import AppContext
from workinggroup_ui.widgets.pickers import LinkPicker, LinksEditor

from workinggroup_app.domain import fields, vocabulary
from workinggroup_app.domain.errors import StaleEditError, ValidationError
from workinggroup_app.domain.fields import FieldDef, RecordType

WASHINGTON = ZoneInfo("America/New_York")
BEIJING = ZoneInfo("Asia/Shanghai")
ZONES: tuple[tuple[str, Any], ...] = (
    ("washington", WASHINGTON),
    ("beijing", BEIJING),
    ("utc", UTC),
)
MIN_DATE = QDate(1990, 1, 1)
MAX_DATE = QDate(2100, 12, 31)
NONE_TEXT = "—"
ERROR_STYLE = "color: #b00020;"
CONFLICT_STYLE = "color: #8a4b00; background: #fff4e0; padding: 2px 4px;"


def zone_name(key: str) -> str:
    return {
        "washington": QCoreApplication.translate("RecordForm", "Washington"),
        "beijing": QCoreApplication.translate("RecordForm", "Beijing"),
        "utc": QCoreApplication.translate("RecordForm", "UTC"),
    }[key]


def format_instant(value: datetime | None, zone: Any = UTC) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def format_utc_local(value: datetime | None) -> tuple[str, str]:
    """(UTC text, the user's local time with its zone), for timelines."""
    if value is None:
        return "", ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone()
    return f"{format_instant(value)} UTC", f"{local:%Y-%m-%d %H:%M} {local.tzname() or ''}".strip()


def format_capitals(value: datetime | None) -> str:
    if value is None:
        return ""
    return (
        f"{format_instant(value)} UTC · {zone_name('washington')} "
        f"{format_instant(value, WASHINGTON)} · {zone_name('beijing')} "
        f"{format_instant(value, BEIJING)}"
    )


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label that never interprets its text as HTML (user data is shown as typed)."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


# --- editors, one class per field kind ----------------------------------------------------


class FieldEditor(QWidget):
    """Base of every editor: ``load`` a stored value, read ``value``, re-apply with ``set_value``."""

    changed = Signal()

    def __init__(self, ctx: AppContext, fdef: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.fdef = fdef

    def load(self, raw: Any, label: str = "") -> None:
        self.set_value(raw)

    # Each kind's editor defines ``value() -> Any`` and ``set_value(value) -> None``.
    value: Callable[[], Any]
    set_value: Callable[[Any], None]

    def empty_value(self) -> Any:
        return None

    def display(self, value: Any) -> str:
        """A stored or typed value as words, for conflict markers."""
        return "" if value is None else str(value)

    def payload(self) -> Any:
        """The value as the service takes it."""
        return self.value()

    def focus_chain(self) -> list[QWidget]:
        return [self]

    def focus_target(self) -> QWidget:
        return self.focus_chain()[0]

    def set_read_only(self, read_only: bool) -> None:
        self.setEnabled(not read_only)


class TextEditor(FieldEditor):
    def __init__(self, ctx: AppContext, fdef: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(ctx, fdef, parent)
        self.edit = QLineEdit(self)
        self.edit.setMaxLength(fdef.max_length)
        self.edit.textChanged.connect(self.changed)
        _single(self, self.edit)

    def value(self) -> str:
        return self.edit.text()

    def set_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))
        self.edit.setCursorPosition(0)

    def empty_value(self) -> str:
        return ""

    def focus_chain(self) -> list[QWidget]:
        return [self.edit]

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)


class LongTextEditor(FieldEditor):
    def __init__(self, ctx: AppContext, fdef: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(ctx, fdef, parent)
        self.edit = QPlainTextEdit(self)
        self.edit.setTabChangesFocus(True)
        self.edit.setMinimumHeight(72)
        self.edit.setMaximumHeight(140)
        self.edit.textChanged.connect(self.changed)
        _single(self, self.edit)

    def value(self) -> str:
        return self.edit.toPlainText()

    def set_value(self, value: Any) -> None:
        self.edit.setPlainText("" if value is None else str(value))

    def empty_value(self) -> str:
        return ""

    def display(self, value: Any) -> str:
        text = "" if value is None else str(value)
        return text if len(text) <= 120 else text[:117] + "…"

    def focus_chain(self) -> list[QWidget]:
        return [self.edit]

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)


class DateEditor(FieldEditor):
    """A date with a calendar popup and an explicit "no date" state (the check box)."""

    def __init__(self, ctx: AppContext, fdef: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(ctx, fdef, parent)
        self.check = QCheckBox(self)
        self.check.setToolTip(
            QCoreApplication.translate("RecordForm", "Set a date (unchecked: no date)")
        )
        self.check.setAccessibleName(
            QCoreApplication.translate("RecordForm", "{0}: has a date").format(fdef.label(ctx.lang))
        )
        self.edit = QDateEdit(self)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setDateRange(MIN_DATE.addDays(-1), MAX_DATE)
        self.edit.setSpecialValueText(QCoreApplication.translate("RecordForm", "no date"))
        self.edit.setMinimumWidth(120)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.edit, 1)
        self.check.toggled.connect(self._on_toggled)
        self.edit.dateChanged.connect(lambda _d: self.changed.emit())
        self.set_value(None)

    def _on_toggled(self, on: bool) -> None:
        self.edit.setEnabled(on)
        with QSignalBlocker(self.edit):
            if on and self.edit.date() < MIN_DATE:
                self.edit.setDate(QDate.currentDate())
            elif not on:
                self.edit.setDate(self.edit.minimumDate())
        if on:
            self.edit.setFocus()
        self.changed.emit()

    def value(self) -> date | None:
        if not self.check.isChecked():
            return None
        return self.edit.date().toPython()

    def set_value(self, value: Any) -> None:
        if isinstance(value, str) and value:
            value = date.fromisoformat(value)
        with QSignalBlocker(self.check), QSignalBlocker(self.edit):
            self.check.setChecked(value is not None)
            self.edit.setEnabled(value is not None)
            self.edit.setDate(
                QDate(value.year, value.month, value.day)
                if value is not None
                else self.edit.minimumDate()
            )

    def display(self, value: Any) -> str:
        return value.isoformat() if value else QCoreApplication.translate("RecordForm", "no date")

    def payload(self) -> str | None:
        v = self.value()
        return v.isoformat() if v else None

    def focus_chain(self) -> list[QWidget]:
        return [self.check, self.edit]

    def set_read_only(self, read_only: bool) -> None:
        self.check.setEnabled(not read_only)
        self.edit.setReadOnly(read_only)


class DateTimeEditor(FieldEditor):
    """An instant, typed in a chosen capital's time (Washington by default), stored in UTC.

    The other capital's time is shown under it. Changing the zone keeps the instant.
    """

    def __init__(self, ctx: AppContext, fdef: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(ctx, fdef, parent)
        self.check = QCheckBox(self)
        self.check.setToolTip(
            QCoreApplication.translate("RecordForm", "Set a date and time (unchecked: none)")
        )
        self.check.setAccessibleName(
            QCoreApplication.translate("RecordForm", "{0}: has a time").format(fdef.label(ctx.lang))
        )
        self.edit = QDateTimeEdit(self)
        self.edit.setCalendarPopup(True)
        # The editor holds the wall time of the chosen zone; UTC here avoids the machine's
        # own daylight-saving gaps.
        self.edit.setTimeZone(QTimeZone.utc())
        self.edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.edit.setMinimumDateTime(QDateTime(MIN_DATE.addDays(-1), QTime(0, 0), QTimeZone.utc()))
        self.edit.setMaximumDateTime(QDateTime(MAX_DATE, QTime(23, 59), QTimeZone.utc()))
        self.edit.setSpecialValueText(QCoreApplication.translate("RecordForm", "no date"))
        self.edit.setMinimumWidth(150)
        self.zone = QComboBox(self)
        for key, _tz in ZONES:
            self.zone.addItem(zone_name(key), key)
        self.zone.setToolTip(
            QCoreApplication.translate("RecordForm", "The time zone the time is typed in")
        )
        self.other = plain_label("", self)
        self.other.setStyleSheet("color: palette(mid);")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.check)
        row.addWidget(self.edit, 1)
        row.addWidget(self.zone)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.other)
        self._instant: datetime | None = None
        self.check.toggled.connect(self._on_toggled)
        self.edit.dateTimeChanged.connect(self._on_edited)
        self.zone.currentIndexChanged.connect(self._on_zone)
        self.set_value(None)

    def _tz(self) -> Any:
        return dict(ZONES)[self.zone.currentData()]

    def _show(self) -> None:
        with QSignalBlocker(self.edit):
            if self._instant is None:
                self.edit.setDateTime(self.edit.minimumDateTime())
            else:
                wall = self._instant.astimezone(self._tz())
                self.edit.setDateTime(
                    QDateTime(
                        QDate(wall.year, wall.month, wall.day),
                        QTime(wall.hour, wall.minute),
                        QTimeZone.utc(),
                    )
                )
        self._update_other()

    def _update_other(self) -> None:
        if self._instant is None:
            self.other.setText("")
            return
        key = self.zone.currentData()
        shown = [k for k in ("beijing", "washington", "utc") if k != key]
        if key != "utc":
            shown = [k for k in shown if k != "utc"]
        self.other.setText(
            " · ".join(
                f"{zone_name(k)}: {self._instant.astimezone(dict(ZONES)[k]):%Y-%m-%d %H:%M (%a)}"
                for k in shown
            )
        )

    def _on_toggled(self, on: bool) -> None:
        self.edit.setEnabled(on)
        if on and self._instant is None:
            now = datetime.now(self._tz()).replace(second=0, microsecond=0)
            self._instant = now.astimezone(UTC)
        elif not on:
            self._instant = None
        self._show()
        if on:
            self.edit.setFocus()
        self.changed.emit()

    def _on_edited(self, qdt: QDateTime) -> None:
        if not self.check.isChecked():
            return
        d, t = qdt.date(), qdt.time()
        wall = datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=self._tz())
        self._instant = wall.astimezone(UTC)
        self._update_other()
        self.changed.emit()

    def _on_zone(self, _index: int) -> None:
        self._show()

    def value(self) -> datetime | None:
        return self._instant

    def set_value(self, value: Any) -> None:
        if isinstance(value, str) and value:
            value = datetime.fromisoformat(value)
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        self._instant = value.astimezone(UTC).replace(second=0, microsecond=0) if value else None
        with QSignalBlocker(self.check):
            self.check.setChecked(value is not None)
        self.edit.setEnabled(value is not None)
        self._show()

    def set_zone(self, key: str) -> None:
        self.zone.setCurrentIndex(self.zone.findData(key))

    def set_wall_time(self, wall: datetime) -> None:
        """Type a wall time in the current zone (what the user does with the keyboard)."""
        if not self.check.isChecked():
            self.check.setChecked(True)
        self.edit.setDateTime(
            QDateTime(
                QDate(wall.year, wall.month, wall.day),
                QTime(wall.hour, wall.minute),
                QTimeZone.utc(),
            )
        )

    def display(self, value: Any) -> str:
        return (
            format_capitals(value) if value else QCoreApplication.translate("RecordForm", "no date")
        )

    def payload(self) -> str | None:
        return self._instant.isoformat() if self._instant else None

    def focus_chain(self) -> list[QWidget]:
        return [self.check, self.edit, self.zone]

    def set_read_only(self, read_only: bool) -> None:
        self.check.setEnabled(not read_only)
        self.edit.setReadOnly(read_only)


class ChoiceEditor(FieldEditor):
    def __init__(self, ctx: AppContext, fdef: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(ctx, fdef, parent)
        self.combo = QComboBox(self)
        self.combo.addItem(NONE_TEXT, None)
        for key in vocabulary.keys(fdef.vocabulary or ""):
            self.combo.addItem(vocabulary.word(fdef.vocabulary or "", key, ctx.lang), key)
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setMinimumContentsLength(12)
        self.combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        _single(self, self.combo)

    def value(self) -> str | None:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        index = self.combo.findData(value) if value not in (None, "") else 0
        if index < 0:  # a key this version does not know: shown as itself, never lost
            self.combo.addItem(str(value), value)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)

    def display(self, value: Any) -> str:
        return vocabulary.word(self.fdef.vocabulary or "", value, self.ctx.lang) or NONE_TEXT

    def focus_chain(self) -> list[QWidget]:
        return [self.combo]


class LinkEditor(FieldEditor):
    def __init__(self, ctx: AppContext, fdef: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(ctx, fdef, parent)
        self.picker = LinkPicker(ctx, fdef.target or "", self)
        self.picker.changed.connect(self.changed)
        _single(self, self.picker)

    def load(self, raw: Any, label: str = "") -> None:
        self.picker.set_value(raw, label or None)

    def value(self) -> int | str | None:
        return self.picker.value()

    def set_value(self, value: Any) -> None:
        self.picker.set_value(value)

    def display(self, value: Any) -> str:
        if isinstance(value, int):
            from workinggroup_app.read import lists

            with self.ctx.db.session() as s:
                return lists.link_label(s, self.fdef.target or "", value)
        return NONE_TEXT if value in (None, "") else str(value)

    def focus_chain(self) -> list[QWidget]:
        return [self.picker.edit]

    def set_read_only(self, read_only: bool) -> None:
        self.picker.set_read_only(read_only)


class LinksFieldEditor(FieldEditor):
    def __init__(self, ctx: AppContext, fdef: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(ctx, fdef, parent)
        self.links = LinksEditor(ctx, fdef.target or "", self)
        self.links.changed.connect(self.changed)
        _single(self, self.links)

    def value(self) -> list[int]:
        return self.links.value()

    def set_value(self, value: Any) -> None:
        self.links.set_value(list(value or []))

    def load(self, raw: Any, label: str = "") -> None:
        self.links.set_value(list(raw or []))

    def empty_value(self) -> list[int]:
        return []

    def display(self, value: Any) -> str:
        return ", ".join(lbl.split()[0] for lbl in self.links.labels()) or NONE_TEXT

    def focus_chain(self) -> list[QWidget]:
        return self.links.focus_chain()

    def set_read_only(self, read_only: bool) -> None:
        self.links.set_read_only(read_only)


class BoolEditor(FieldEditor):
    def __init__(self, ctx: AppContext, fdef: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(ctx, fdef, parent)
        self.check = QCheckBox(self)
        self.check.toggled.connect(lambda _b: self.changed.emit())
        _single(self, self.check)

    def value(self) -> bool:
        return self.check.isChecked()

    def set_value(self, value: Any) -> None:
        self.check.setChecked(bool(value))

    def empty_value(self) -> bool:
        return False

    def display(self, value: Any) -> str:
        return (
            QCoreApplication.translate("RecordForm", "yes")
            if value
            else QCoreApplication.translate("RecordForm", "no")
        )

    def focus_chain(self) -> list[QWidget]:
        return [self.check]


class ReadOnlyEditor(FieldEditor):
    """Reference, status in words, outcome, authorship: shown, never edited."""

    def __init__(self, ctx: AppContext, fdef: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(ctx, fdef, parent)
        self.label = plain_label("", self)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setWordWrap(True)
        self.label.setContentsMargins(0, 4, 0, 0)  # level with the field labels
        self._raw: Any = None
        _single(self, self.label)

    def load(self, raw: Any, label: str = "") -> None:
        self._raw = raw
        self.label.setText(label or self.display(raw))

    def value(self) -> Any:
        return self._raw

    def set_value(self, value: Any) -> None:
        self.load(value)

    def display(self, value: Any) -> str:
        if value in (None, ""):
            return NONE_TEXT
        if isinstance(value, datetime):
            return format_capitals(value)
        if isinstance(value, date):
            return value.isoformat()
        if self.fdef.vocabulary:
            return vocabulary.word(self.fdef.vocabulary, value, self.ctx.lang)
        return str(value)

    def focus_chain(self) -> list[QWidget]:
        return []

    def set_read_only(self, read_only: bool) -> None:
        pass


def _single(editor: QWidget, child: QWidget) -> None:
    layout = QHBoxLayout(editor)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(child)
    editor.setFocusProxy(child)


EDITORS: dict[str, Callable[[AppContext, FieldDef, QWidget | None], FieldEditor]] = {
    fields.TEXT: TextEditor,
    fields.LONGTEXT: LongTextEditor,
    fields.DATE: DateEditor,
    fields.DATETIME: DateTimeEditor,
    fields.CHOICE: ChoiceEditor,
    fields.LINK: LinkEditor,
    fields.LINKS: LinksFieldEditor,
    fields.BOOL: BoolEditor,
    fields.READONLY: ReadOnlyEditor,
}

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
