"""A small typed registry of options over QSettings, with declared defaults.

Every setting the interface keeps between runs is declared here once (its key, type and
default), as in Picard's ``config.py``. Widgets ask ``Settings`` for values and never
spell QSettings keys themselves. Tests point QSettings at a temporary folder (see
``tests/ui/conftest.py``), so nothing touches the user's real settings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "USCNWG"
APPLICATION = "workinggroup-app"


@dataclass(frozen=True)
class Option[T]:
    """One setting: its QSettings key, Python type and default."""

    key: str
    type: type
    default: T


# --- the registry -------------------------------------------------------------------------

WINDOW_GEOMETRY: Option[bytes] = Option("window/geometry", bytes, b"")
WINDOW_STATE: Option[bytes] = Option("window/state", bytes, b"")
SPLITTER_STATE: Option[bytes] = Option("window/splitter", bytes, b"")
LAST_RECORD_TYPE: Option[str] = Option("window/last_record_type", str, "referral")
LAST_DATABASE_URL: Option[str] = Option("database/last_url", str, "")
# The database chosen in the set-up wizard, opened at every start ("" = the default file in
# the data folder). --database-url and WORKINGGROUP_DATABASE_URL still win; the demo never
# sets it. Unlike LAST_DATABASE_URL (whatever the last window had open, a demo included).
DATABASE_URL: Option[str] = Option("database/url", str, "")
LANGUAGE: Option[str] = Option("ui/language", str, "")  # "" = follow the system locale
# Minutes without input before the window locks (0 = never); the same option as
# workinggroup_ui.window.idle_lock.IDLE_MINUTES, declared here so start-up need not import the lock's module.
IDLE_MINUTES: Option[int] = Option("security/idle_lock_minutes", int, 30)

OPTIONS: tuple[Option[Any], ...] = (
    WINDOW_GEOMETRY,
    WINDOW_STATE,
    SPLITTER_STATE,
    LAST_RECORD_TYPE,
    LAST_DATABASE_URL,
    DATABASE_URL,
    LANGUAGE,
    IDLE_MINUTES,
)


def list_columns_option(type_key: str) -> Option[list[str]]:
    """The visible columns of one record type's list, in order ([] = the defaults)."""
    return Option(f"lists/{type_key}/columns", list, [])


def list_widths_option(type_key: str) -> Option[dict[str, int]]:
    """Column widths of one record type's list, by field name."""
    return Option(f"lists/{type_key}/widths", dict, {})


class Settings:
    """Typed access to the options above. ``store`` defaults to ``QSettings()``."""

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store if store is not None else QSettings()

    def get[T](self, option: Option[T]) -> T:
        raw = self.store.value(option.key)
        if raw is None:
            return _copy(option.default)
        try:
            return _convert(raw, option)
        except (TypeError, ValueError):
            return _copy(option.default)

    def set[T](self, option: Option[T], value: T) -> None:
        if option.type is bytes:
            self.store.setValue(option.key, QByteArray(bytes(value or b"")))  # type: ignore[arg-type]
        elif option.type in (list, dict):
            self.store.setValue(option.key, json.dumps(value, ensure_ascii=False))
        else:
            self.store.setValue(option.key, value)

    def reset(self, option: Option[Any]) -> None:
        self.store.remove(option.key)

    def sync(self) -> None:
        self.store.sync()

    # --- per-list helpers ---------------------------------------------------------------

    def list_columns(self, type_key: str) -> list[str]:
        return [str(c) for c in self.get(list_columns_option(type_key))]

    def set_list_columns(self, type_key: str, columns: list[str]) -> None:
        self.set(list_columns_option(type_key), list(columns))

    def list_widths(self, type_key: str) -> dict[str, int]:
        raw = self.get(list_widths_option(type_key))
        return {str(k): int(v) for k, v in raw.items() if isinstance(v, (int, float))}

    def set_list_widths(self, type_key: str, widths: dict[str, int]) -> None:
        self.set(list_widths_option(type_key), dict(widths))


def _copy[T](value: T) -> T:
    if isinstance(value, (list, dict)):
        return type(value)(value)  # type: ignore[return-value]
    return value


def _convert[T](raw: Any, option: Option[T]) -> T:
    kind = option.type
    if kind is bytes:
        if isinstance(raw, QByteArray):
            return bytes(raw.data())  # type: ignore[return-value]
        if isinstance(raw, (bytes, bytearray)):
            return bytes(raw)  # type: ignore[return-value]
        raise TypeError(raw)
    if kind in (list, dict):
        value = json.loads(raw) if isinstance(raw, str) else raw
        if not isinstance(value, kind):
            raise TypeError(value)
        return value  # type: ignore[return-value]
    if kind is bool:
        if isinstance(raw, str):
            return raw.lower() in ("1", "true", "yes")  # type: ignore[return-value]
        return bool(raw)  # type: ignore[return-value]
    return kind(raw)  # type: ignore[no-any-return]
