"""One user intent on its way to the core: the service call to make, then what to do with
its result, run off the UI thread by the op runner. Built by the per-domain modules
(``operations.records.update(...)``), finished by the widget::

    records.update(ctx, "referral", rid, values, version, parent=self).success(
        self._saved
    ).failure(self._refused).run_in_background()
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtWidgets import QWidget

from workinggroup_app.domain.errors import DomainError
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.services.records import Services
from workinggroup_app.storage.database import Database
from workinggroup_ui.operations.runner import OpRunner


class Context(Protocol):
    """What an operation needs of the application context (``workinggroup_ui.context``)."""

    ops: OpRunner
    services: Services
    db: Database
    actor: Actor


class Op:
    def __init__(
        self,
        ctx: Context,
        call: Callable[..., Any],
        *,
        parent: QWidget | None = None,
        progress_label: str | None = None,
    ) -> None:
        self.ctx = ctx
        self.call = call
        self.parent = parent
        self.progress_label = progress_label
        self._on_success: Callable[[Any], None] | None = None
        self._on_failure: Callable[[DomainError], bool | None] | None = None

    def success(self, fn: Callable[[Any], None]) -> Op:
        """Called on the UI thread with the service's result (a ``Change``, usually)."""
        self._on_success = fn
        return self

    def failure(self, fn: Callable[[DomainError], bool | None]) -> Op:
        """Called with what the core refused; return True when it has been shown."""
        self._on_failure = fn
        return self

    def run_in_background(self) -> None:
        self.ctx.ops.run(
            self.call,
            on_success=self._on_success,
            on_failure=self._on_failure,
            progress_label=self.progress_label,
            parent=self.parent,
        )
