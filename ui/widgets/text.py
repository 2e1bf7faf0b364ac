"""Text shown the same way everywhere: plain labels that never read user data as HTML,
the error and conflict styles, and instants in UTC and in both capitals.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

WASHINGTON = ZoneInfo("America/New_York")
BEIJING = ZoneInfo("Asia/Shanghai")
ZONES: tuple[tuple[str, Any], ...] = (
    ("washington", WASHINGTON),
    ("beijing", BEIJING),
    ("utc", UTC),
)
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


def named_edit(name: str, text: str = "", *, secret: bool = False) -> QLineEdit:
    """A line edit with an object name (tests and screen readers find it); ``secret`` hides
    what is typed (passwords)."""
    edit = QLineEdit(text)
    edit.setObjectName(name)
    if secret:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit
