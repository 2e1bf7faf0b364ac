"""The manager's view: tiles and bar charts of open and overdue work, each opening its list.

``DashboardView(ctx)`` shows ``workinggroup_app.read.dashboard.compute`` for the chosen audience.
Every tile is a button and every bar a click target: both emit ``open_list(ListSpec)``
with the spec of exactly the records counted (the host shows the list of
``spec.record_type`` filtered by that spec). Figures are read on the op runner's thread
and the view refreshes itself when ``ctx.ops.changed`` announces a change (debounced; a
hidden view refreshes when it is shown again).

On its first refresh the view records the user's visit and, when action items became
overdue since the previous one, shows a notice above the tiles (never a dialog).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPoint, QPointF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QCursor, QFont, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from workinggroup_app.domain import permissions
from workinggroup_app.read import dashboard
from workinggroup_app.read.dashboard.model import Chart, Dashboard, Figure
from workinggroup_app.read.dashboard.overdue import Visit
from workinggroup_ui.settings import Option, Settings

if TYPE_CHECKING:
    from workinggroup_ui.context import AppContext

log = logging.getLogger(__name__)

PALETTE = ("#2f5d8c", "#c0392b", "#7f8c8d", "#e0a526", "#3c8d5a", "#8e5ea2")
REFRESH_DELAY_MS = 400  # changes arriving together cause one refresh
AUDIENCES = ("internal", "bilateral")


def last_visit_option(username: str) -> Option[str]:
    """When the user last opened the dashboard (ISO instant), for users without a row."""
    return Option(f"dashboard/last_visit/{username}", str, "")


class Tile(QPushButton):
    """A figure as a button: the number large, its caption below. Click: its list."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.figure: Figure | None = None
        self.setObjectName(f"tile_{key}")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.setMinimumSize(QSize(140, 84))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.setSpacing(2)
        self.value = QLabel("—")
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.9)
        self.value.setFont(big)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        for label in (self.value, self.caption):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            label.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(label)
        layout.addStretch(1)

    def sizeHint(self) -> QSize:
        inner = self.layout().sizeHint()
        return QSize(max(150, inner.width()), max(84, inner.height()))

    def set_figure(self, figure: Figure, lang: str, hint: str = "") -> None:
        self.figure = figure
        self.value.setText(figure.text())
        self.caption.setText(figure.label(lang))
        self.setAccessibleName(f"{figure.label(lang)}: {figure.text()}")
        self.setToolTip(hint)
        self.setEnabled(True)
        self.updateGeometry()


class ChartPanel(QChartView):
    """One dashboard chart drawn with Qt Charts; a click on a bar emits its records' spec."""

    open_list = Signal(object)

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.data: Chart | None = None
        self.lang = "en"
        self.series: Any = None
        self.sets: list[QBarSet] = []
        self.setObjectName(f"chart_{key}")
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(280)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setChart(QChart())

    def set_chart(self, data: Chart, lang: str) -> None:
        self.data, self.lang = data, lang
        chart = QChart()
        chart.setTitle(data.label(lang))
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setVisible(len(data.series) > 1)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        if data.horizontal:
            kind = QHorizontalStackedBarSeries if data.stacked else QHorizontalBarSeries
        else:
            kind = QStackedBarSeries if data.stacked else QBarSeries
        series = kind()
        self.sets = []
        for si, s in enumerate(data.series):
            bar_set = QBarSet(s.label(lang))
            bar_set.setColor(QColor(PALETTE[si % len(PALETTE)]))
            bar_set.setBorderColor(QColor(PALETTE[si % len(PALETTE)]))
            values = [data.value(si, ci) for ci in range(len(data.categories))]
            if data.horizontal:
                values.reverse()  # the first category at the top
            bar_set.append(values)
            series.append(bar_set)
            self.sets.append(bar_set)
        series.clicked.connect(self._clicked)
        series.hovered.connect(self._hovered)
        chart.addSeries(series)
        self.series = series
        names = [c.label(lang) for c in data.categories]
        if data.horizontal:
            names.reverse()
        categories = QBarCategoryAxis()
        categories.append(names)
        values = QValueAxis()
        values.setLabelFormat("%.0f")
        top = max(self._tops(), default=0.0)
        if top <= 10:  # counts: whole numbers only (an empty chart reads 0, 1; not 0, 0, 1, 1)
            ceiling = max(1, math.ceil(top))
            values.setRange(0, ceiling)
            values.setTickCount(ceiling + 1)
        else:
            values.setRange(0, top * 1.1)
            values.applyNiceNumbers()
        cat_side, value_side = (
            (Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignBottom)
            if data.horizontal
            else (Qt.AlignmentFlag.AlignBottom, Qt.AlignmentFlag.AlignLeft)
        )
        if not data.horizontal and len(names) > 6:
            categories.setLabelsAngle(-90)  # months: "2025-04" side by side would be cut
            categories.setTruncateLabels(False)
        chart.addAxis(categories, cat_side)
        chart.addAxis(values, value_side)
        series.attachAxis(categories)
        series.attachAxis(values)
        if data.horizontal:
            self.setMinimumHeight(max(280, 26 * len(data.categories) + 110))
        old = self.chart()
        self.setChart(chart)
        if old is not None:
            old.deleteLater()

    def _tops(self) -> list[float]:
        d = self.data
        if d is None:
            return []
        n = len(d.categories)
        if d.stacked:
            return [sum(d.value(si, ci) for si in range(len(d.series))) for ci in range(n)]
        return [d.value(si, ci) for si in range(len(d.series)) for ci in range(n)]

    def figure_at(self, set_index: int, index: int) -> Figure | None:
        """The figure of a bar, by bar set and the index Qt Charts gives (bottom-up)."""
        if self.data is None:
            return None
        category = len(self.data.categories) - 1 - index if self.data.horizontal else index
        if not (0 <= set_index < len(self.data.bars)):
            return None
        row = self.data.bars[set_index]
        return row[category] if 0 <= category < len(row) else None

    def _clicked(self, index: int, bar_set: QBarSet) -> None:
        if bar_set not in self.sets:
            return
        figure = self.figure_at(self.sets.index(bar_set), index)
        if figure is not None and figure.count:
            self.open_list.emit(figure.spec)

    def _hovered(self, status: bool, index: int, bar_set: QBarSet) -> None:
        if not status or bar_set not in self.sets:
            self.viewport().unsetCursor()
            QToolTip.hideText()
            return
        figure = self.figure_at(self.sets.index(bar_set), index)
        if figure is None:
            return
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        text = f"{figure.label(self.lang)}: {figure.text()}"
        if figure.unit == "days":
            text += " " + self.tr("(%1 answered referrals)").replace("%1", f"{figure.count:,}")
        QToolTip.showText(QCursor.pos(), text, self)

    def bar_position(self, set_index: int, category: int) -> QPoint:
        """Where the middle of a bar is drawn, in viewport coordinates (tests, accessibility)."""
        assert self.data is not None and self.series is not None
        d = self.data
        value = d.value(set_index, category)
        base = sum(d.value(s, category) for s in range(set_index)) if d.stacked else 0.0
        middle = base + value / 2
        if d.horizontal:
            slot = len(d.categories) - 1 - category
            offset = 0.0
            if not d.stacked and len(d.series) > 1:
                width = 0.5 / len(d.series)
                offset = (set_index - (len(d.series) - 1) / 2) * width
            point = QPointF(middle, slot + offset)
        else:
            offset = 0.0
            if not d.stacked and len(d.series) > 1:
                width = 0.5 / len(d.series)
                offset = (set_index - (len(d.series) - 1) / 2) * width
            point = QPointF(category + offset, middle)
        scene = self.chart().mapToScene(self.chart().mapToPosition(point, self.series))
        return self.mapFromScene(scene)


class DashboardView(QWidget):
    """The manager's dashboard. Emits ``open_list(ListSpec)`` for a tile or a bar."""

    open_list = Signal(object)
    refreshed = Signal()  # new figures are on screen
    exported = Signal(str)  # the path of a review PDF just written

    def __init__(
        self,
        ctx: AppContext,
        settings: Settings | None = None,
        parent: QWidget | None = None,
        *,
        today: Callable[[], date] = date.today,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.settings = settings or Settings()
        self.today = today
        self.now = now
        self.data: Dashboard | None = None
        self.visit: Visit | None = None
        self._loading = False
        self._again = False
        self._stale = False
        self._visited = False
        self.setObjectName("dashboard")

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(REFRESH_DELAY_MS)
        self.timer.timeout.connect(self.refresh)
        ctx.ops.changed.connect(self.on_change)
        ctx.ops.busy_changed.connect(self._ops_busy)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.setSpacing(6)

        bar = QHBoxLayout()
        self.title = QLabel(ctx.pick(*dashboard.labels_of("review")))
        heading = QFont(self.title.font())
        heading.setPointSizeF(heading.pointSizeF() * 1.35)
        self.title.setFont(heading)
        bar.addWidget(self.title)
        bar.addSpacing(12)
        self.as_of = QLabel()
        self.as_of.setObjectName("as_of")
        bar.addWidget(self.as_of)
        bar.addStretch(1)
        bar.addWidget(QLabel(self.tr("Audience:")))
        self.audience = QComboBox()
        self.audience.setObjectName("audience")
        self.audience.addItem(self.tr("Internal: every record"), "internal")
        self.audience.addItem(self.tr("Bilateral: releasable records only"), "bilateral")
        self.audience.currentIndexChanged.connect(self._audience_changed)
        bar.addWidget(self.audience)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setObjectName("refresh")
        self.refresh_button.clicked.connect(self.refresh)
        bar.addWidget(self.refresh_button)
        self.export_button = QPushButton(self.tr("Export review PDF…"))
        self.export_button.setObjectName("export_review")
        self.export_button.clicked.connect(lambda: self.export_review())
        bar.addWidget(self.export_button)
        outer.addLayout(bar)

        self.notice = QFrame()
        self.notice.setObjectName("visit_notice")
        self.notice.setFrameShape(QFrame.Shape.StyledPanel)
        self.notice.setStyleSheet(
            "#visit_notice { background: #fff4d6; border: 1px solid #e0a526; }"
        )
        row = QHBoxLayout(self.notice)
        row.setContentsMargins(8, 4, 8, 4)
        self.notice_text = QLabel()
        self.notice_text.setTextFormat(Qt.TextFormat.PlainText)
        self.notice_text.setWordWrap(True)
        row.addWidget(self.notice_text, 1)
        self.notice_show = QPushButton(self.tr("Show them"))
        self.notice_show.setObjectName("notice_show")
        self.notice_show.clicked.connect(self._show_new_overdue)
        row.addWidget(self.notice_show)
        dismiss = QPushButton(self.tr("Dismiss"))
        dismiss.setObjectName("notice_dismiss")
        dismiss.clicked.connect(self.notice.hide)
        row.addWidget(dismiss)
        self.notice.hide()
        outer.addWidget(self.notice)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        self.body = QVBoxLayout(body)
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.setSpacing(8)
        self.scroll.setWidget(body)
        outer.addWidget(self.scroll, 1)

        self.tiles: dict[str, Tile] = {}
        self.key_box, self.key_grid = self._group(dashboard.labels_of("key_figures"))
        self.since_box, self.since_grid = self._group(dashboard.labels_of("since"))
        self.since_info = QLabel()
        self.since_info.setTextFormat(Qt.TextFormat.PlainText)
        self.since_info.setWordWrap(True)
        self.since_grid.addWidget(self.since_info, 0, 0, 1, 5)
        self.mine_box, self.mine_grid = self._group(dashboard.labels_of("mine"))
        self.mine_box.setToolTip(
            self.tr(
                "Open action items whose owner is your account (a name typed as the "
                "counterpart owner does not count)."
            )
        )
        self.charts: dict[str, ChartPanel] = {}
        charts = QGridLayout()
        charts.setSpacing(8)
        for i, key in enumerate(
            ("items_by_side", "overdue_by_agency", "pipeline", "response_by_month")
        ):
            panel = ChartPanel(key)
            panel.open_list.connect(self.open_list)
            self.charts[key] = panel
            charts.addWidget(panel, i // 2, i % 2)
        self.body.addLayout(charts)
        self.body.addStretch(1)
        self._update_export()

    # --- building -------------------------------------------------------------------------------

    def _group(self, labels: tuple[str, str]) -> tuple[QGroupBox, QGridLayout]:
        box = QGroupBox(self.ctx.pick(*labels))
        grid = QGridLayout(box)
        grid.setSpacing(6)
        self.body.addWidget(box)
        return box, grid

    def _tile(self, key: str, grid: QGridLayout, position: int, first_row: int = 0) -> Tile:
        tile = self.tiles.get(key)
        if tile is None:
            tile = Tile(key)
            tile.clicked.connect(lambda _checked=False, t=tile: self._tile_clicked(t))
            self.tiles[key] = tile
            per_row = 4 if grid is self.key_grid else 5
            grid.addWidget(tile, first_row + position // per_row, position % per_row)
        return tile

    def _tile_clicked(self, tile: Tile) -> None:
        if tile.figure is not None:
            self.open_list.emit(tile.figure.spec)

    def _hint(self, figure: Figure) -> str:
        if not figure.exact:
            return self.tr(
                "The list shows a wider set of records: more than %1 cannot be named one by one."
            ).replace("%1", f"{dashboard.IDS_LIMIT:,}")
        if figure.unit == "days":
            return self.tr("Median of %1 answered referrals, sent in the last 12 months.").replace(
                "%1", f"{figure.count:,}"
            )
        return self.tr("Click to list these records.")

    # --- state ---------------------------------------------------------------------------------

    @property
    def current_audience(self) -> str:
        return str(self.audience.currentData())

    def set_audience(self, audience: str) -> None:
        self.audience.setCurrentIndex(AUDIENCES.index(audience))

    def _audience_changed(self, _index: int) -> None:
        self._update_export()
        self.refresh()

    def _update_export(self) -> None:
        action = "export_bilateral" if self.current_audience == "bilateral" else "export"
        allowed = permissions.allowed(self.ctx.actor.role, action)
        self.export_button.setEnabled(allowed)
        self.export_button.setToolTip(
            "" if allowed else self.tr("Your role may not export a review for this audience.")
        )

    # --- refreshing ------------------------------------------------------------------------------

    def on_change(self, _change: Any) -> None:
        """A record changed: refresh soon (once for a burst), or when next shown."""
        if self.isVisible():
            self.timer.start()
        else:
            self._stale = True

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale or self.data is None:
            self._stale = False
            self.refresh()

    def refresh(self) -> None:
        """Read every figure again, off the UI thread."""
        self.timer.stop()
        if self._loading:
            self._again = True
            return
        self._loading = True
        self.as_of.setText(self.tr("Refreshing…"))
        db, actor, audience = self.ctx.db, self.ctx.actor, self.current_audience
        today, now = self.today(), self.now()

        def load() -> Dashboard:
            with db.session() as session:
                return dashboard.compute(
                    session, today, audience, actor, now=now, sessions=db.session
                )

        self.ctx.ops.run(load, on_success=self._show, on_failure=self._failed)

    def _ops_busy(self, busy: bool) -> None:
        # an unexpected error reaches the error dialog, not us: never stay "loading"
        if not busy and self._loading:
            self._loading = False
            if self.data is not None:
                self.as_of.setText(self.tr("As of %1").replace("%1", self.data.today.isoformat()))

    def _failed(self, error: Any) -> bool:
        self._loading = False
        self.as_of.setText(error.message(self.ctx.lang))
        return True

    def _show(self, data: Dashboard) -> None:
        self._loading = False
        self.data = data
        lang = self.ctx.lang
        self.as_of.setText(self.tr("As of %1").replace("%1", data.today.isoformat()))
        for i, fig in enumerate(data.tiles):
            self._tile(fig.key, self.key_grid, i).set_figure(fig, lang, self._hint(fig))
        since = data.since
        if since is None:
            self.since_info.setText(self.ctx.pick(*dashboard.labels_of("no_meeting")))
            for key in [k for k in self.tiles if k.startswith("since_")]:
                self.tiles[key].hide()
        else:
            title = self.ctx.pick(since.title_en, since.title_zh) or since.title_en
            when = dashboard.washington_date(since.starts_at).isoformat()
            self.since_info.setText(f"{since.reference} · {title} · {when}")
            for i, fig in enumerate(since.figures):
                tile = self._tile(fig.key, self.since_grid, i, first_row=1)
                tile.set_figure(fig, lang, self._hint(fig))
                tile.show()
        self.mine_box.setVisible(data.mine is not None)
        if data.mine is not None:
            for i, fig in enumerate(data.mine.figures):
                self._tile(fig.key, self.mine_grid, i).set_figure(fig, lang, self._hint(fig))
        for chart in data.charts:
            self.charts[chart.key].set_chart(chart, lang)
        self.refreshed.emit()
        if not self._visited:
            self._visited = True
            self.note_visit()
        if self._again:
            self._again = False
            self.refresh()

    def wait(self) -> None:
        """Until pending reads have landed (tests, screenshots)."""
        self.ctx.ops.wait()

    # --- the visit notice ----------------------------------------------------------------------

    def note_visit(self) -> None:
        """Record this visit; tell what became overdue since the last one (if anything)."""
        option = last_visit_option(self.ctx.actor.username)
        stored = self.settings.get(option)
        try:
            previous = datetime.fromisoformat(stored) if stored else None
        except ValueError:
            previous = None
        db, actor, today, now = self.ctx.db, self.ctx.actor, self.today(), self.now()

        def visit() -> Visit:
            return dashboard.record_visit(
                db, actor, today, now=now, previous_from_settings=previous
            )

        def done(result: Visit) -> None:
            if not result.stored:
                self.settings.set(option, now.isoformat())
            self.visit = result
            self._show_visit(result)

        self.ctx.ops.run(visit, on_success=done)

    def _show_visit(self, visit: Visit) -> None:
        if visit.previous is None or visit.everyone is None or not visit.everyone.count:
            self.notice.hide()
            return
        mine = visit.mine.count if visit.mine is not None else 0
        when = dashboard.washington_date(visit.previous).isoformat()
        if mine:
            text = self.tr(
                "Since your last visit on %1, %2 of your action items became overdue (%3 in all)."
            )
        else:
            text = self.tr(
                "Since your last visit on %1, %3 action items became overdue (none of them yours)."
            )
        self.notice_text.setText(
            text.replace("%1", when)
            .replace("%2", f"{mine:,}")
            .replace("%3", f"{visit.everyone.count:,}")
        )
        self.notice.show()

    def _show_new_overdue(self) -> None:
        visit = self.visit
        if visit is None:
            return
        figure = visit.mine if visit.mine is not None and visit.mine.count else visit.everyone
        if figure is not None:
            self.open_list.emit(figure.spec)
        self.notice.hide()

    # --- the review PDF ------------------------------------------------------------------------

    def export_review(self, path: str | None = None) -> None:
        """Write the review PDF for the chosen audience (asks where, unless given a path)."""
        audience = self.current_audience
        if path is None:
            suggested = f"review-{audience}-{self.today().isoformat()}.pdf"
            path, _filter = QFileDialog.getSaveFileName(
                self, self.tr("Export review PDF"), suggested, self.tr("PDF files (*.pdf)")
            )
            if not path:
                return
        db, actor, today = self.ctx.db, self.ctx.actor, self.today()

        def write(progress: Any) -> str:
            from workinggroup_app.reports.review import export_review

            report = export_review(
                db, path, audience=audience, today=today, actor=actor, progress=progress
            )
            return str(report.path)

        self.ctx.ops.run(
            write,
            progress_label=self.tr("Writing the review PDF…"),
            on_success=self._exported,
            parent=self,
        )

    def _exported(self, path: str) -> None:
        self.as_of.setText(self.tr("Review written to %1").replace("%1", path))
        self.exported.emit(path)
