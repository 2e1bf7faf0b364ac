"""What a record type adds to its view (tabs, buttons, its own parts to load and save):
the base class the record view drives, so an extension never imports the view itself."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QTabWidget, QWidget
from sqlalchemy.orm import Session

from workinggroup_app.domain.errors import ValidationError
from workinggroup_app.read.record import RecordData
from workinggroup_ui.operations.op import Op

if TYPE_CHECKING:
    from workinggroup_ui.context import AppContext


class RecordHost(Protocol):
    """What an extension may use of the record view that holds it (a QWidget)."""

    ctx: AppContext
    tabs: QTabWidget

    def has_unsaved_changes(self) -> bool: ...


class RecordExtension(QObject):
    """What a record type adds to its view. Subclasses fill ``tabs`` and ``actions``."""

    dirty_changed = Signal(bool)

    def __init__(self, view: RecordHost) -> None:
        super().__init__(view)  # type: ignore[arg-type]  # the record view, a QWidget
        self.view = view
        self.ctx = view.ctx
        self.tabs: list[tuple[str, QWidget]] = []
        self.actions: list[QWidget] = []

    def load(self, session: Session, data: RecordData | None, *, keep_edits: bool) -> None:
        """Show the stored parts (``data`` is None for a new record)."""

    def is_dirty(self) -> bool:
        return False

    def save_op(self, record_id: int, version: int) -> Op | None:
        """The operation that saves the parts, or None when nothing changed."""
        return None

    def show_errors(self, errors: list[ValidationError]) -> list[ValidationError]:
        return errors

    def revert(self) -> None:
        """Back to the stored parts."""
