"""Open records in tabs: one tab per record, found again when opened twice, titled by its
reference, closed only when nothing unsaved would be lost.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from workinggroup_app.domain import vocabulary
from workinggroup_ui.widgets import icons

if TYPE_CHECKING:
    from workinggroup_ui.context import AppContext


class RecordViewLike(Protocol):
    """What the main window needs of a record view (ui/forms/record_view.py)."""

    record_id: int | None
    type_key: str

    def has_unsaved_changes(self) -> bool: ...
    def maybe_close(self) -> bool: ...
    def save(self) -> None: ...


def _default_record_view(ctx: AppContext, type_key: str, record_id: int | None) -> QWidget:
    from workinggroup_ui.forms.record_view import RecordView

    return RecordView(ctx, type_key, record_id)


def _short_name(ctx: AppContext) -> str:
    from pathlib import Path

    name = ctx.db.display_name
    if ctx.db.is_sqlite and "///" in name:
        return Path(name.split("///", 1)[1]).name
    return name


log = logging.getLogger(__name__)


class RecordTabs:
    """Part of ``MainWindow``: the tabs of open records."""

    def record_views(self) -> list[Any]:
        return [self.tabs.widget(i) for i in range(self.tabs.count())]

    def find_tab(self, type_key: str, record_id: int) -> int:
        for i, view in enumerate(self.record_views()):
            if getattr(view, "type_key", None) == type_key and view.record_id == record_id:
                return i
        return -1

    def open_record(self, type_key: str, record_id: int) -> Any:
        """Show a record in a tab, reusing its tab if it is already open."""
        if self.ctx is None:
            return None
        index = self.find_tab(type_key, record_id)
        if index >= 0:
            self.tabs.setCurrentIndex(index)
            return self.tabs.widget(index)
        view = self.record_view_factory(self.ctx, type_key, record_id)
        return self._add_tab(view, self._initial_title(type_key, record_id))

    def new_record(self, type_key: str | None = None) -> Any:
        if self.ctx is None:
            return None
        type_key = type_key or self.current_type()
        view = self.record_view_factory(self.ctx, type_key, None)
        title = QCoreApplication.translate("MainWindow", "New %1").replace(
            "%1",
            vocabulary.word("record_type", type_key, self.lang).lower()
            if not self.lang.startswith("zh")
            else vocabulary.word("record_type", type_key, self.lang),
        )
        return self._add_tab(view, title)

    def _initial_title(self, type_key: str, record_id: int) -> str:
        from workinggroup_app.read import related

        assert self.ctx is not None
        try:
            with self.ctx.db.session() as s:
                obj = related.get(s, type_key, record_id)
                return obj.reference if obj is not None else str(record_id)
        except Exception:
            log.exception("reading the reference of %s %s", type_key, record_id)
            return str(record_id)

    def _add_tab(self, view: QWidget, title: str) -> QWidget:
        index = self.tabs.addTab(view, icons.icon(getattr(view, "type_key", "")), title)
        self.tabs.setTabToolTip(index, title)
        if hasattr(view, "title_changed"):
            view.title_changed.connect(lambda text, v=view: self._retitle(v, text))
        if hasattr(view, "open_record"):
            view.open_record.connect(self.open_record)
        self.tabs.setCurrentIndex(index)
        self._show_tabs()
        self._update_actions()
        return view

    def _show_tabs(self) -> None:
        if self.tabs.isVisible():
            return
        self.tabs.setVisible(True)
        sizes = self.splitter.sizes()
        total = sum(sizes)
        if total > 0 and sizes[2] < 300:
            nav = max(sizes[0], 150)
            records = max(int(total * 0.38), 300)
            self.splitter.setSizes([nav, max(total - nav - records, 300), records])

    def _retitle(self, view: QWidget, text: str) -> None:
        index = self.tabs.indexOf(view)
        if index >= 0:
            short = text if len(text) <= 28 else text[:27] + "…"
            self.tabs.setTabText(index, short)
            self.tabs.setTabToolTip(index, text)

    def current_record_view(self) -> Any:
        return self.tabs.currentWidget()

    def close_tab(self, index: int) -> bool:
        view = self.tabs.widget(index)
        if view is None:
            return True
        self.tabs.setCurrentIndex(index)
        if hasattr(view, "maybe_close") and not view.maybe_close():
            return False
        self.tabs.removeTab(index)
        view.deleteLater()
        if self.tabs.count() == 0:
            self.tabs.setVisible(False)
        self._update_actions()
        return True

    def close_current_tab(self) -> None:
        if self.tabs.count():
            self.close_tab(self.tabs.currentIndex())

    def save_current(self) -> None:
        view = self.current_record_view()
        if view is not None and hasattr(view, "save"):
            view.save()
