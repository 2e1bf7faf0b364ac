"""Expected errors: things a user can fix. Anything else is a bug and reaches the error dialog."""

from __future__ import annotations

from datetime import datetime


class DomainError(Exception):
    """Base of every error a user can act on; carries English and Chinese text."""

    def __init__(self, message_en: str, message_zh: str = "") -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_zh = message_zh or message_en

    def message(self, lang: str = "en") -> str:
        return self.message_zh if lang.startswith("zh") else self.message_en


class ValidationError(DomainError):
    """Invalid input for one field. ``field`` is the field name ("" for the whole record)."""

    def __init__(self, field: str, message_en: str, message_zh: str = "") -> None:
        super().__init__(message_en, message_zh)
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message_en}" if self.field else self.message_en


class ValidationErrors(DomainError):
    """Several field errors found at once; forms show each next to its field."""

    def __init__(self, errors: list[ValidationError]) -> None:
        self.errors = errors
        super().__init__(
            "; ".join(str(e) for e in errors),
            "；".join(f"{e.field}: {e.message_zh}" for e in errors),
        )

    def by_field(self) -> dict[str, ValidationError]:
        return {e.field: e for e in self.errors}


class TransitionError(DomainError):
    """A status change the workflow does not allow."""


class StaleEditError(DomainError):
    """The record changed since it was read; carries who changed it and when."""

    def __init__(self, reference: str, changed_by: str, changed_at: datetime | None) -> None:
        when = changed_at.strftime("%Y-%m-%d %H:%M UTC") if changed_at else "an unknown time"
        super().__init__(
            f"{reference} was changed by {changed_by or 'another user'} at {when} "
            "after you opened it. Reload to see their change; your typed text is kept.",
            f"{reference} 在您打开后已由 {changed_by or '其他用户'} 于 {when} 修改。"
            "请重新加载以查看其修改；您输入的内容会保留。",
        )
        self.reference = reference
        self.changed_by = changed_by
        self.changed_at = changed_at


class NotFoundError(DomainError):
    """No record with that reference or id."""


class PermissionDenied(DomainError):
    """The signed-in user's role does not allow this action."""


class DatabaseTooNewError(DomainError):
    """The database was written by a newer version of the application."""


class StorageError(DomainError):
    """The database file cannot be used safely (corrupt, on a network share, unreadable)."""
