"""How the printed reports look: the embedded CJK font, the colours, the paragraph styles of
the meeting packet and of the manager's review (one mechanism, one table each), the
audience line every page carries, and the step of a chart's value axis.

ReportLab is imported inside the functions: the desktop starts without it.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from workinggroup_app.domain.vocabulary import both

FONT = "WQYMicroHei"
_font_lock = threading.Lock()
_font_ready = False

NAVY = "#1f3a5f"
GREY = "#5f6b7a"
RED = "#a4161a"
BLACK = "#000000"
LIGHT = "#e8eef5"
STRIPE = "#f6f8fb"
RULE = "#c5ccd6"
SIDE_COLOURS = {"US": "#2f5d8c", "PRC": "#c0392b", "JOINT": "#7f8c8d"}
# one colour per series, in order (sides, statuses, directions)
PALETTE = ("#2f5d8c", "#c0392b", "#7f8c8d", "#e0a526", "#3c8d5a", "#8e5ea2")


def font_path() -> Path:
    return Path(str(files("workinggroup_app.resources") / "fonts" / "wqy-microhei.ttc"))


def ensure_font() -> str:
    """Register the shipped WenQuanYi Micro Hei once (about 0.2 s); embedded as a subset."""
    global _font_ready
    if not _font_ready:
        with _font_lock:
            if not _font_ready:
                from reportlab.pdfbase import pdfmetrics
                from reportlab.pdfbase.ttfonts import TTFont

                pdfmetrics.registerFont(TTFont(FONT, str(font_path()), subfontIndex=0))
                _font_ready = True
    return FONT


@dataclass(frozen=True)
class Look:
    """One paragraph style, as a change from the body text (9 on 12.5 pt, black)."""

    size: float = 9
    leading: float = 12.5
    colour: str | None = None
    centred: bool = False
    before: float = 0
    after: float = 0
    indent: float = 0


PACKET_LOOKS: dict[str, Look] = {
    "body": Look(),
    "label": Look(7.5, 9.5, NAVY),
    "h1": Look(15, 20, NAVY, before=4, after=8),
    "h2": Look(11.5, 15, NAVY, before=8, after=5),
    "h3": Look(9.5, 13, NAVY, before=6, after=3),
    "muted": Look(colour=GREY, after=4),
    "kicker": Look(12, 16, GREY, centred=True),
    "title": Look(22, 29, NAVY, centred=True),
    "subtitle": Look(11, 15, GREY, centred=True),
    "marking": Look(11, 15, RED, centred=True),
    "toc0": Look(10.5, 15, NAVY),
    "toc1": Look(9, 13, indent=18),
}

REVIEW_LOOKS: dict[str, Look] = {
    "body": Look(),
    "muted": Look(colour=GREY, after=4),
    "title": Look(20, 27, NAVY, centred=True),
    "subtitle": Look(10.5, 15, GREY, centred=True),
    "marking": Look(10.5, 15, RED, centred=True),
    "h1": Look(13, 18, NAVY, before=10, after=6),
    "h2": Look(10.5, 14, NAVY, before=8, after=4),
    "cell": Look(8, 10.5),
}


def paragraph_styles(looks: dict[str, Look]) -> dict[str, Any]:
    """ReportLab paragraph styles in the embedded font, one per look, CJK line breaking."""
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    font = ensure_font()
    base = ParagraphStyle("base", fontName=font, fontSize=9, leading=12.5, wordWrap="CJK")
    out: dict[str, Any] = {}
    for name, look in looks.items():
        if look == Look():
            out[name] = base
            continue
        extra: dict[str, Any] = {"fontSize": look.size, "leading": look.leading}
        if look.colour:
            extra["textColor"] = look.colour
        if look.centred:
            extra["alignment"] = TA_CENTER
        if look.before:
            extra["spaceBefore"] = look.before
        if look.after:
            extra["spaceAfter"] = look.after
        if look.indent:
            extra["leftIndent"] = look.indent
        out[name] = ParagraphStyle(name, base, **extra)
    return out


def page_geometry() -> dict[str, Any]:
    """A4 with the margins every printed report uses (493 pt of text between them)."""
    from reportlab.lib.pagesizes import A4

    return {
        "pagesize": A4,
        "leftMargin": 51,
        "rightMargin": 51,
        "topMargin": 52,
        "bottomMargin": 58,
    }


def audience_label(audience: str) -> str:
    """The line that says who may read a report: releasable to the counterpart, or US only."""
    return both("releasability", "releasable" if audience == "bilateral" else "us_only")


def nice_step(top: float) -> float:
    """A round step for a chart's value axis: at most eight steps up to ``top``."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000):
        if top / step <= 8:
            return step
    return 10 ** len(str(int(top)))


@functools.cache
def numbered_canvas() -> type:
    """A ReportLab canvas that keeps every page open until the end, so that each page can
    say "page X of Y": at save, ``finish_page(page)`` (what a subclass adds once every page
    is known) and then ``decorate(canvas, page, total)`` run on each page."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        decorate: Callable[[Any, int, int], None] = staticmethod(lambda c, page, total: None)

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._page_states: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._page_states.append(dict(self.__dict__))
            self._startPage()

        def finish_page(self, page: int) -> None:
            """Add to ``page`` what could be drawn only once every page was laid out."""

        def save(self) -> None:
            total = len(self._page_states)
            for state in self._page_states:
                self.__dict__.update(state)
                page = self.getPageNumber()
                self.finish_page(page)
                self.decorate(self, page, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


def draw_marking(c: Any, marking: str, audience: str) -> tuple[float, float]:
    """The page's marking (left) and audience (right) above a rule at the top, and the rule
    above the footer; returns the left and right margins for the footer."""
    from reportlab.lib import colors

    width, height = c._pagesize
    left, right = 51, width - 51
    c.setFont(FONT, 8.5)
    c.setFillColor(colors.HexColor(RED))
    c.drawString(left, height - 30, marking)
    c.drawRightString(right, height - 30, audience)
    c.setStrokeColor(colors.HexColor(NAVY))
    c.setLineWidth(0.6)
    c.line(left, height - 36, right, height - 36)
    c.line(left, 44, right, 44)
    return left, right
