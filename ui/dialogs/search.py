"""Global search (Ctrl+K): every record type at once, results grouped by type.

Type, move with the arrow keys, press Enter: the record opens in the main window. The
search itself is ``queries.search`` (FTS trigram index for 3+ characters, a substring scan
for 1-2 characters, so short Chinese words such as 走私 are found too).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workinggroup_app.domain import vocabulary
from workinggroup_app.read import finder
from workinggroup_ui.context import AppContext
from workinggroup_ui.widgets import icons

log = logging.getLogger(__name__)

DEBOUNCE_MS = 200
PER_TYPE = 15
_TYPE_ROLE = Qt.ItemDataRole.UserRole
_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class SearchDialog(QDialog):
    open_record = Signal(str, int)  # type_key, id

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("global_search")
        self.setWindowTitle(self.tr("Search all records"))
        self.resize(720, 480)
        self.hit_count = 0
        layout = QVBoxLayout(self)

        self.query = QLineEdit()
        self.query.setObjectName("global_search_query")
        self.query.setPlaceholderText(
            self.tr("Reference, title or summary, in English, Chinese or pinyin")
        )
        self.query.setClearButtonEnabled(True)
        self.query.installEventFilter(self)
        layout.addWidget(self.query)

        self.results = QTreeWidget()
        self.results.setObjectName("global_search_results")
        self.results.setColumnCount(2)
        self.results.setHeaderLabels([self.tr("Reference"), self.tr("Title")])
        self.results.setRootIsDecorated(False)
        self.results.setUniformRowHeights(True)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setAllColumnsShowFocus(True)
        header = self.results.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.results.itemActivated.connect(self._item_activated)
        layout.addWidget(self.results, 1)

        self.summary = QLabel()
        self.summary.setObjectName("global_search_summary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.summary)

        self._searches = 0  # numbers the searches: only the latest one's hits are shown
        self._landed = 0  # the newest search that has come back
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.run_search)
        self.query.textChanged.connect(self._debounce.start)

    # --- API ----------------------------------------------------------------------------------

    def start(self) -> None:
        """Show (window-modal, not blocking) with the query field focused."""
        self.open()
        self.activateWindow()
        self.query.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query.selectAll()

    def flush(self) -> None:
        """Search now for what is typed and wait for the hits (tests, Enter)."""
        if self._debounce.isActive():
            self._debounce.stop()
            self.run_search()
        deadline = QDeadlineTimer(30_000)
        while self._landed < self._searches and not deadline.hasExpired():
            self.ctx.ops.view_pool.waitForDone(10)
            QCoreApplication.processEvents()

    def run_search(self) -> None:
        """Search off the UI thread (a rare short text reads every record); typing on makes
        a search still running moot: only the latest one's hits are shown."""
        text = self.query.text().strip()
        self._searches += 1
        number = self._searches
        if not text:
            self._landed = number
            self.results.clear()
            self.hit_count = 0
            self.summary.setText("")
            return
        self.summary.setText(self.tr("Searching…"))
        db, latest = self.ctx.db, lambda: self._searches

        def work() -> Any:
            if number != latest():
                return None  # typed on before it started
            try:
                with db.session() as s:
                    return finder.search(s, text, per_type=PER_TYPE)
            except Exception:
                log.exception("search failed for %r", text)
                return False

        def landed(found: Any) -> None:
            self._landed = max(self._landed, number)
            if number == self._searches and found is not None:
                self._show(text, found)

        self.ctx.ops.run(work, on_success=landed, lane="view")

    def _show(self, text: str, found: dict[str, list[finder.Hit]] | bool) -> None:
        self.results.clear()
        self.hit_count = 0
        if isinstance(found, bool):
            self.summary.setText(self.tr("The search failed; see the log file."))
            return
        bold = QFont(self.results.font())
        bold.setBold(True)
        first: QTreeWidgetItem | None = None
        for type_key in vocabulary.keys("record_type_plural"):
            hits = found.get(type_key)
            if not hits:
                continue
            count = f"{len(hits)}+" if len(hits) >= PER_TYPE else str(len(hits))
            group = QTreeWidgetItem(
                [f"{vocabulary.word('record_type_plural', type_key, self.ctx.lang)} ({count})"]
            )
            group.setIcon(0, icons.icon(type_key))
            group.setFont(0, bold)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            group.setFirstColumnSpanned(True)
            self.results.addTopLevelItem(group)
            for hit in hits:
                item = QTreeWidgetItem([hit.reference, self._title(hit)])
                item.setData(0, _TYPE_ROLE, type_key)
                item.setData(0, _ID_ROLE, hit.id)
                item.setToolTip(1, f"{hit.title_en}\n{hit.title_zh}".strip())
                group.addChild(item)
                self.hit_count += 1
                if first is None:
                    first = item
            group.setExpanded(True)
        if first is not None:
            self.results.setCurrentItem(first)
            self.summary.setText(
                self.tr("%1 found; ↑ ↓ to choose, Enter to open").replace(
                    "%1", f"{self.hit_count:,}"
                )
            )
        else:
            self.summary.setText(self.tr("Nothing found for “%1”").replace("%1", text))

    def _title(self, hit: finder.Hit) -> str:
        first, second = (
            (hit.title_zh, hit.title_en) if self.ctx.zh else (hit.title_en, hit.title_zh)
        )
        if first and second and first != second:
            return f"{first} / {second}"
        return first or second

    def current_hit(self) -> tuple[str, int] | None:
        item = self.results.currentItem()
        if item is None or item.data(0, _ID_ROLE) is None:
            return None
        return str(item.data(0, _TYPE_ROLE)), int(item.data(0, _ID_ROLE))

    def open_current(self) -> bool:
        self.flush()
        hit = self.current_hit()
        if hit is None:
            return False
        self.accept()
        self.open_record.emit(*hit)
        return True

    # --- keys ----------------------------------------------------------------------------------

    def _hit_items(self) -> list[QTreeWidgetItem]:
        out = []
        for i in range(self.results.topLevelItemCount()):
            group = self.results.topLevelItem(i)
            out.extend(group.child(j) for j in range(group.childCount()))
        return out

    def move(self, step: int) -> None:
        items = self._hit_items()
        if not items:
            return
        current = self.results.currentItem()
        index = items.index(current) if current in items else -1
        index = max(0, min(len(items) - 1, index + step))
        self.results.setCurrentItem(items[index])
        self.results.scrollToItem(items[index])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.query and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key == Qt.Key.Key_Down:
                self.flush()
                self.move(1)
                return True
            if key == Qt.Key.Key_Up:
                self.move(-1)
                return True
            if key in (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
                self.move(10 if key == Qt.Key.Key_PageDown else -10)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.open_current()
                return True
        return super().eventFilter(watched, event)

    def _item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        if item.data(0, _ID_ROLE) is not None:
            self.results.setCurrentItem(item)
            self.open_current()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter in the result tree opens; the dialog has no default button to press.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_current()
            return
        super().keyPressEvent(event)
