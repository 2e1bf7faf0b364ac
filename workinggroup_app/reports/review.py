"""The printable manager's review: the dashboard's figures and charts as a bilingual PDF.

``export_review`` is the one entry point for the GUI and the CLI::

    report = export_review(db, "review.pdf", audience="bilateral", actor=actor,
                           progress=lambda done, total: ...)

- The figures are ``dashboard.compute`` for the audience, so the PDF says what the screen
  says; a bilateral review is computed through ``releasability`` like every figure there
  (no record, count or agency name that only US-only records reveal).
- Charts are drawn with ``reportlab.graphics`` and followed by their numbers as a table,
  which text extraction and screen readers can read.
- Headings are in English and Chinese, in the shipped WenQuanYi Micro Hei, registered by
  ``style.ensure_font``; stored text reaches ReportLab only through
  ``textsafe.markup_escape`` (paragraphs) or ``textsafe.clean`` (chart labels, cells).
- The file appears only when complete; every review is recorded in the audit trail (who,
  which audience, file, pages); a bilateral one needs the ``export_bilateral`` permission.

ReportLab is imported only when a review is made (start-up time matters).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workinggroup_app.audit import trail
from workinggroup_app.domain import releasability
from workinggroup_app.domain.permissions import SYSTEM, Actor, require
from workinggroup_app.domain.vocabulary import both, pair
from workinggroup_app.read.dashboard.dates import washington_date
from workinggroup_app.read.dashboard.figures import compute
from workinggroup_app.read.dashboard.model import Chart, Dashboard, Figure, format_value
from workinggroup_app.reports.markup import clean, markup_escape
from workinggroup_app.reports.style import (
    GREY,
    LIGHT,
    NAVY,
    PALETTE,
    REVIEW_LOOKS,
    RULE,
    STRIPE,
    audience_label,
    draw_marking,
    ensure_font,
    nice_step,
    numbered_canvas,
    page_geometry,
    paragraph_styles,
)
from workinggroup_app.storage.files import written_whole

if TYPE_CHECKING:
    from workinggroup_app.storage.database import Database

Progress = Callable[[int, int], None]

# the title of each chart's category column in its table of numbers
CATEGORY_TITLES = {
    "items_by_side": "owner_side",
    "overdue_by_agency": "owner_agency",
    "pipeline": "status",
    "response_by_month": "month_sent",
}


def _t(key: str) -> str:
    return both("review", key)


@dataclass(frozen=True)
class ReviewReport:
    path: Path
    pages: int
    audience: str
    figures: int
    seconds: float


def export_review(
    db: Database,
    out_path: str | os.PathLike[str],
    *,
    audience: str = "internal",
    today: date | None = None,
    now: datetime | None = None,
    actor: Actor = SYSTEM,
    progress: Progress | None = None,
) -> ReviewReport:
    """Write the review for ``audience`` ("internal" or "bilateral") to a PDF."""
    releasability.check_audience(audience)
    require(actor, "export_bilateral" if audience == "bilateral" else "export")
    started = time.perf_counter()
    today = today or date.today()
    with db.session() as session:
        dash = compute(session, today, audience, None, now=now, sessions=db.session)
    target = Path(out_path)
    with written_whole(target, make_parents=True, suffix=".part") as tmp:
        signed = trail.checkpoint(db, "review", actor.username)
        pages = render_review(
            dash, tmp, progress=progress, checkpoint=signed.footer if signed else ""
        )
        trail.record(  # every export leaves a trace, as CSV, XLSX and packets do
            db,
            actor=actor.username,
            action="export",
            changes={
                "audience": audience,
                "format": "pdf",
                "report": "review",
                "file": target.name,
                "pages": pages,
            },
        )
    return ReviewReport(
        target, pages, audience, len(dash.all_figures()), time.perf_counter() - started
    )


# --- drawing ------------------------------------------------------------------------------------


class _Review:
    def __init__(self, dash: Dashboard) -> None:
        from reportlab.lib import colors

        self.font = ensure_font()
        self.d = dash
        self.colors = colors
        self.s = paragraph_styles(REVIEW_LOOKS)

    def p(self, markup: str, style: str = "body") -> Any:
        from reportlab.platypus import Paragraph

        return Paragraph(markup, self.s[style])

    def text(self, text: str, style: str = "body") -> Any:
        return self.p(markup_escape(text), style)

    def heading(self, text: str, level: int = 0, need: float = 140) -> list[Any]:
        from reportlab.platypus import CondPageBreak

        return [CondPageBreak(need), self.text(text, "h1" if level == 0 else "h2")]

    def table(
        self, header: list[str], rows: list[list[Any]], widths: list[float], right: range
    ) -> Any:
        from reportlab.platypus import Table, TableStyle

        c = self.colors
        tbl = Table([header, *rows], colWidths=widths, repeatRows=1)
        tbl.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), self.font, 8, 10.5),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TEXTCOLOR", (0, 0), (-1, 0), c.HexColor(NAVY)),
                    ("BACKGROUND", (0, 0), (-1, 0), c.HexColor(LIGHT)),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.8, c.HexColor(NAVY)),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.25, c.HexColor(RULE)),
                    ("ROWBACKGROUNDS", (0, 1), (-1, -1), [c.white, c.HexColor(STRIPE)]),
                    ("ALIGN", (right.start, 0), (right.stop - 1, -1), "RIGHT"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return tbl

    # --- sections -------------------------------------------------------------------------------

    def story(self) -> list[Any]:
        from reportlab.platypus import Spacer

        d = self.d
        title_en, title_zh = pair("dashboard", "review")
        as_of_en, as_of_zh = pair("review", "as_of")
        out: list[Any] = [
            self.text(title_en, "title"),
            self.text(title_zh, "title"),
            Spacer(1, 4),
            self.text(
                f"{as_of_en} {d.today.isoformat()} / {as_of_zh} {d.today.isoformat()}",
                "subtitle",
            ),
            self.text(f"{_t('audience')}: {audience_label(d.audience)}", "marking"),
            Spacer(1, 6),
        ]
        out += self.key_figures()
        out += self.since()
        for chart in d.charts:
            out += self.chart(chart)
        return out

    def figure_rows(self, figures: list[Figure]) -> list[list[Any]]:
        rows = []
        for f in figures:
            note = ""
            if f.unit == "days":
                note = (
                    f"days; median of {f.count:,} answered referrals / "
                    f"天；{f.count:,} 条已答复线索的中位数"
                )
            rows.append(
                [
                    self.p(markup_escape(f.label_en), "cell"),
                    self.p(markup_escape(f.label_zh), "cell"),
                    f.text(),
                    self.p(markup_escape(note), "cell"),
                ]
            )
        return rows

    def figure_table(self, figures: list[Figure]) -> Any:
        header = [*pair("review", "figure"), _t("value"), _t("note")]
        return self.table(header, self.figure_rows(figures), [175, 140, 55, 123], range(2, 3))

    def key_figures(self) -> list[Any]:
        return [
            *self.heading(both("dashboard", "key_figures")),
            self.figure_table(list(self.d.tiles)),
        ]

    def since(self) -> list[Any]:
        d = self.d
        out = self.heading(both("dashboard", "since"))
        s = d.since
        if s is None:
            return [*out, self.text(both("dashboard", "no_meeting"), "muted")]
        title = " / ".join(x for x in (s.title_en, s.title_zh) if clean(x).strip())
        when = f"{washington_date(s.starts_at).isoformat()} (Washington / 华盛顿)"
        out.append(self.text(f"{_t('meeting')}: {s.reference} · {title} · {when}"))
        out.append(self.figure_table(list(s.figures)))
        out += self.heading(both("dashboard", "answers"), 1, need=90)
        if not s.answers:
            return [*out, self.text(both("dashboard", "none"), "muted")]
        rows = [
            [
                clean(a.reference),
                self.p(
                    markup_escape(a.title_en)
                    + ("<br/>" + markup_escape(a.title_zh) if a.title_zh else ""),
                    "cell",
                ),
                self.p(markup_escape(both("direction", a.direction)), "cell"),
                a.answered_on.isoformat(),
                "" if a.days is None else str(a.days),
            ]
            for a in s.answers
        ]
        header = [_t("reference"), _t("title"), _t("direction"), _t("answered_on"), _t("days")]
        out.append(self.table(header, rows, [78, 210, 90, 70, 45], range(3, 5)))
        answered = next(f for f in s.figures if f.key == "since_answered")
        if answered.count > len(s.answers):
            (shown_en, shown_zh), (of_en, of_zh) = pair("review", "shown"), pair("review", "of")
            out.append(
                self.text(
                    f"{shown_en} {len(s.answers)} {of_en} {answered.count:,}"
                    f" / {shown_zh} {len(s.answers)} 条，{of_zh} {answered.count:,} 条",
                    "muted",
                )
            )
        return out

    # --- charts -------------------------------------------------------------------------------

    def chart(self, chart: Chart) -> list[Any]:
        from reportlab.platypus import KeepTogether, Spacer

        out = self.heading(f"{chart.label_en} / {chart.label_zh}", need=300)
        if not chart.categories or not any(f.value for f in chart.figures() if f.value is not None):
            return [*out, self.text(both("dashboard", "none"), "muted")]
        drawing = self.drawing(chart)
        return [*out, KeepTogether([drawing, Spacer(1, 6)]), self.chart_table(chart)]

    def drawing(self, chart: Chart) -> Any:
        from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
        from reportlab.graphics.charts.legends import Legend
        from reportlab.graphics.shapes import Drawing

        c = self.colors
        n_cat = len(chart.categories)
        width = 493
        data = [[chart.value(si, ci) for ci in range(n_cat)] for si in range(len(chart.series))]
        names = [clean(_two(cat.label_en, cat.label_zh, "\n")) for cat in chart.categories]
        if chart.horizontal:
            height = max(120, 26 * n_cat + 50)
            bc: Any = HorizontalBarChart()
            bc.x, bc.y, bc.width, bc.height = 120, 30, width - 150, height - 60
            # top to bottom in the figure's order
            data = [list(reversed(row)) for row in data]
            names = list(reversed(names))
            bc.categoryAxis.labels.boxAnchor = "e"
            bc.categoryAxis.labels.dx = -4
        else:
            height = 230
            bc = VerticalBarChart()
            bc.x, bc.y, bc.width, bc.height = 40, 45, width - 60, height - 95
            bc.categoryAxis.labels.boxAnchor = "n"
            bc.categoryAxis.labels.dy = -4
        drawing = Drawing(width, height)
        bc.data = data
        bc.categoryAxis.categoryNames = names
        bc.categoryAxis.labels.fontName = self.font
        bc.categoryAxis.labels.fontSize = 7
        bc.valueAxis.labels.fontName = self.font
        bc.valueAxis.labels.fontSize = 7
        bc.valueAxis.valueMin = 0
        if chart.stacked:
            bc.categoryAxis.style = "stacked"
        top = max(
            (sum(col) for col in zip(*data, strict=True))
            if chart.stacked
            else (v for row in data for v in row),
            default=0,
        )
        bc.valueAxis.valueMax = max(1, top * 1.1)
        bc.valueAxis.valueStep = nice_step(bc.valueAxis.valueMax)
        bc.barSpacing = 1
        bc.groupSpacing = 6
        for i in range(len(chart.series)):
            bc.bars[i].fillColor = c.HexColor(PALETTE[i % len(PALETTE)])
            bc.bars[i].strokeColor = None
        drawing.add(bc)
        if len(chart.series) > 1 or chart.key != "overdue_by_agency":
            legend = Legend()
            legend.fontName = self.font
            legend.fontSize = 7.5
            legend.x, legend.y = width - 10, height - 6
            legend.alignment = "right"
            legend.boxAnchor = "ne"
            legend.columnMaximum = 1
            legend.deltax = 70
            legend.dxTextSpace = 4
            legend.colorNamePairs = [
                (c.HexColor(PALETTE[i % len(PALETTE)]), clean(f"{s.label_en} {s.label_zh}"))
                for i, s in enumerate(chart.series)
            ]
            drawing.add(legend)
        return drawing

    def chart_table(self, chart: Chart) -> Any:
        """The chart's numbers: one row per category, one column per series."""
        header = [
            _t(CATEGORY_TITLES.get(chart.key, "figure")),
            *(f"{s.label_en}\n{s.label_zh}" for s in chart.series),
        ]
        with_total = chart.unit == "count" and len(chart.series) > 1
        if with_total:
            header.append(_t("total").replace(" / ", "\n"))
        rows = []
        for ci, cat in enumerate(chart.categories):
            cells = [
                "—" if f is None else f.text()
                for f in (chart.bars[si][ci] for si in range(len(chart.series)))
            ]
            row: list[Any] = [self.p(markup_escape(_two(cat.label_en, cat.label_zh)), "cell")]
            row += cells
            if with_total:
                total = sum(int(chart.bars[si][ci].count) for si in range(len(chart.series)))  # type: ignore[union-attr]
                row.append(format_value(total))
            rows.append(row)
        n = len(header) - 1
        first = 493 - 62 * n
        return self.table(header, rows, [first] + [62] * n, range(1, n + 1))


def _two(en: str, zh: str, sep: str = " / ") -> str:
    """English and Chinese, once when they are the same (an abbreviation, a month)."""
    return en if en == zh or not zh else f"{en}{sep}{zh}"


def _canvas_class(font: str, dash: Dashboard, checkpoint: str = "") -> Any:
    """A canvas that prints the marking, the audience and 'Page X of Y' on each page."""
    marking = both("caveat", "SBU")
    audience = audience_label(dash.audience)
    footer = (
        f"{both('dashboard', 'review')} · {dash.today.isoformat()} · "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )

    def decorate(c: Any, page: int, total: int) -> None:
        c.saveState()
        left, right = draw_marking(c, marking, audience)
        c.setFont(font, 7.5)
        c.setFillColor(GREY)
        c.drawString(left, 32, clean(footer))
        if checkpoint:
            c.drawString(left, 22, clean(checkpoint))
        c.setFillColor(NAVY)
        c.drawRightString(right, 32, f"Page {page} of {total} / 第 {page} 页，共 {total} 页")
        c.restoreState()

    class ReviewCanvas(numbered_canvas()):
        pass

    ReviewCanvas.decorate = staticmethod(decorate)
    return ReviewCanvas


def render_review(
    dash: Dashboard,
    out_path: Path,
    *,
    progress: Progress | None = None,
    checkpoint: str = "",
) -> int:
    """Draw ``dash`` into ``out_path``; returns the number of pages."""
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    review = _Review(dash)
    story = review.story()
    total = len(story)
    done = [0]

    class Doc(BaseDocTemplate):
        def afterFlowable(self, flowable: Any) -> None:
            done[0] += 1
            if progress is not None:
                progress(min(done[0], total - 1), total)

    doc = Doc(
        str(out_path),
        **page_geometry(),
        title=f"{pair('dashboard', 'review')[0]} {dash.today.isoformat()}",
        subject=clean(f"{audience_label(dash.audience)}"),
        author="workinggroup-app",
        creator="workinggroup-app",
        lang="en",
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    if progress is not None:
        progress(0, total)
    doc.build(story, canvasmaker=_canvas_class(review.font, dash, checkpoint))
    if progress is not None:
        progress(total, total)
    return doc.page


__all__ = ["ReviewReport", "export_review", "render_review"]
