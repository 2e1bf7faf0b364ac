"""The packet's pages: tables that repeat their header and cut rows only when they must,
anchors and lines of the contents, and the canvas that prints the marking, the audience
and 'page X of Y' on every page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Table

from workinggroup_app.domain.vocabulary import both, pair
from workinggroup_app.reports.markup import clean
from workinggroup_app.reports.packet.data import PacketData
from workinggroup_app.reports.style import (
    FONT,
    GREY,
    NAVY,
    audience_label,
    draw_marking,
    numbered_canvas,
)

# A row that does not fit moves to the next page whole; it is cut across pages only when at
# least this much of a page is free for it (so only very long text is ever cut).
CUT_ROWS_FROM = 500


class PacketTable(Table):
    """A table that splits between rows, and cuts a row only when it must (very long text)."""

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        # splitInRow is read here, not set by callers: the parts ReportLab makes of this
        # table copy it, so it must never be left switched on.
        self.splitInRow = 0
        parts = super().split(availWidth, availHeight)
        if parts or availHeight < CUT_ROWS_FROM:
            return parts
        self.splitInRow = 1
        try:
            return super().split(availWidth, availHeight)
        finally:
            self.splitInRow = 0


class Anchor(Flowable):
    """Zero-height mark: a bookmark, an outline entry and the page of a section."""

    def __init__(self, key: str, title: str, level: int) -> None:
        super().__init__()
        self.key, self.title, self.level = key, title, level
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        _x, y = self.canv.absolutePosition(0, 0)
        self.canv.mark_section(self.key, self.title, self.level, y)


class TocLine(Flowable):
    """A line of the contents: the heading, a link to it, its page number (drawn later)."""

    number_width = 40

    def __init__(self, key: str, para: Paragraph) -> None:
        super().__init__()
        self.key, self.para = key, para

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        _w, self.height = self.para.wrap(availWidth - self.number_width, availHeight)
        return self.width, self.height

    def draw(self) -> None:
        c, para = self.canv, self.para
        para.drawOn(c, 0, 0)
        c.linkRect("", self.key, (0, 0, self.width, self.height), relative=1)
        size = para.style.fontSize
        baseline = self.height - size  # the first line's: the number goes there
        start = para.getActualLineWidths0()[0] + 6  # includes the indent
        end = self.width - self.number_width + 8
        if end > start:  # a dotted leader from the title to its page number
            c.saveState()
            c.setStrokeColor(colors.HexColor(GREY))
            c.setLineWidth(0.5)
            c.setDash(0.5, 2.5)
            c.line(start, baseline + 1, end, baseline + 1)
            c.restoreState()
        x, y = c.absolutePosition(self.width, baseline)
        c.defer_page_number(self.key, x, y, size)


class PacketCanvas(numbered_canvas()):
    """Keeps finished pages open; at save, adds outline, contents numbers and "X of Y"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._section_pages: dict[str, int] = {}
        self._late: dict[int, list[tuple[Any, ...]]] = {}

    def mark_section(self, key: str, title: str, level: int, y: float) -> None:
        page = self.getPageNumber()
        self._section_pages[key] = page
        self._late.setdefault(page, []).append(("section", key, title, level, y))

    def defer_page_number(self, key: str, x: float, y: float, size: float) -> None:
        self._late.setdefault(self.getPageNumber(), []).append(("number", key, x, y, size))

    def finish_page(self, page: int) -> None:
        for item in self._late.get(page, ()):
            if item[0] == "section":
                _kind, key, title, level, y = item
                # bookmarks and outline now: the page objects exist only from here on
                self.bookmarkHorizontalAbsolute(key, y + 20)
                self.addOutlineEntry(title, key, level=level, closed=level >= 1)
            else:
                _kind, key, x, y, size = item
                self.setFont(FONT, size)
                self.setFillColor(colors.HexColor(NAVY))
                self.drawRightString(x, y, str(self._section_pages.get(key, "")))


def page_decorator(data: PacketData) -> Callable[[Canvas, int, int], None]:
    marking = both("caveat", data.caveat)
    audience = audience_label(data.audience)
    ref = clean(data.meeting.reference)
    day = data.generated_on.isoformat()
    generated_en, generated_zh = pair("packet", "generated")
    generated = f"{generated_en} {day} / {generated_zh} {day}"
    checkpoint = f" · {data.checkpoint}" if data.checkpoint else ""
    navy, grey = colors.HexColor(NAVY), colors.HexColor(GREY)

    def decorate(c: Canvas, page: int, total: int) -> None:
        c.saveState()
        left, right = draw_marking(c, marking, audience)
        c.setFont(FONT, 7.5)
        c.drawString(left, 34, f"{marking} · {audience}")
        c.setFillColor(grey)
        c.drawString(left, 24, f"{ref} · {generated}{checkpoint}")
        c.setFillColor(navy)
        c.setFont(FONT, 8.5)
        c.drawRightString(right, 34, f"Page {page} of {total}")
        c.drawRightString(right, 24, f"第 {page} 页，共 {total} 页")
        c.restoreState()

    return decorate
