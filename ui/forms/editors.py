"""One editor class per field kind (``EDITORS``): each loads a stored value, reads ``value``
and re-applies one with ``set_value``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

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
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from workinggroup_app.domain import fields, vocabulary
from workinggroup_app.domain.fields import FieldDef
from workinggroup_ui.context import AppContext
from workinggroup_ui.widgets.pickers import AccountPicker, LinkPicker, LinksEditor
from workinggroup_ui.widgets.text import NONE_TEXT, ZONES, format_capitals, plain_label, zone_name

MIN_DATE = QDate(1990, 1, 1)
MAX_DATE = QDate(2100, 12, 31)


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
    """A linked record, picked by typing its reference or name."""

    def __init__(self, ctx: AppContext, fdef: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(ctx, fdef, parent)
        self.picker = self._make_picker()
        self.picker.changed.connect(self.changed)
        _single(self, self.picker)

    def _make_picker(self) -> Any:
        return LinkPicker(self.ctx, self.fdef.target or "", self)

    def _label(self, session: Any, value: int) -> str:
        from workinggroup_app.read import choices

        return choices.link_label(session, self.fdef.target or "", value)

    def load(self, raw: Any, label: str = "") -> None:
        self.picker.set_value(raw, label or None)

    def value(self) -> int | str | None:
        return self.picker.value()

    def set_value(self, value: Any) -> None:
        self.picker.set_value(value)

    def display(self, value: Any) -> str:
        if isinstance(value, int):
            with self.ctx.db.session() as s:
                return self._label(s, value)
        return NONE_TEXT if value in (None, "") else str(value)

    def focus_chain(self) -> list[QWidget]:
        return [self.picker.edit]

    def set_read_only(self, read_only: bool) -> None:
        self.picker.set_read_only(read_only)


class AccountEditor(LinkEditor):
    """An owner account: the active accounts by name, the signed-in user's own first."""

    def _make_picker(self) -> Any:
        picker = AccountPicker(self.ctx, self, none_text=NONE_TEXT)
        picker.setToolTip(
            QCoreApplication.translate(
                "RecordForm", "An account of this office; type to find a name or user name"
            )
        )
        return picker

    def _label(self, session: Any, value: int) -> str:
        from workinggroup_app.read import choices

        return choices.account_label(session, value) or f"#{value}"

    def focus_chain(self) -> list[QWidget]:
        return [self.picker]

    def set_read_only(self, read_only: bool) -> None:
        self.picker.setEnabled(not read_only)


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
    fields.ACCOUNT: AccountEditor,
    fields.LINKS: LinksFieldEditor,
    fields.BOOL: BoolEditor,
    fields.READONLY: ReadOnlyEditor,
}
