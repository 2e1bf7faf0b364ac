"""A plain-text flowable for table cells: fast line breaking for English and Chinese.

ReportLab's ``Paragraph`` with ``wordWrap='CJK'`` measures text character by character
through its markup machinery: a packet of 2,000 action items spent over 80 % of its time
there (about 10 pages/s). Cells need no markup, so ``TextBlock`` lays out plain lines
itself: Latin text breaks at spaces, Chinese between any two characters (never before
closing punctuation), over-long words anywhere. It never parses markup, so user text
cannot be interpreted; it is still cleaned of control characters.

Imported only by ``render.py`` (ReportLab is loaded when a packet is made, not at start-up).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.colors import HexColor
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus.flowables import Flowable

from workinggroup_app.reports.markup import clean

_CJK = (
    "\u1100-\u11ff\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3200-\u9fff"
    "\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
    "\U00020000-\U0003ffff"
)
_TOKENS = re.compile(f"[ ]+|[{_CJK}]|[^ {_CJK}]+")
_ONE_CJK = re.compile(f"[{_CJK}]")
# Characters a Chinese line must not start with (kinsoku): they stay with the one before.
_NO_START = set("，。、；：？！）》」』】〕〉”’…—·,.;:?!)]}%")


@dataclass(frozen=True)
class Ink:
    """How one run of text is drawn: size, line height and colour."""

    size: float
    leading: float
    colour: str

    @property
    def color(self) -> object:
        return HexColor(self.colour)


class _Widths:
    """Character widths of one font, cached (units of 1/1000 of the font size)."""

    def __init__(self, font_name: str) -> None:
        self.font = font_name
        self._cache: dict[str, float] = {}

    def width(self, text: str, size: float) -> float:
        cache = self._cache
        total = 0.0
        for ch in text:
            w = cache.get(ch)
            if w is None:
                w = cache[ch] = pdfmetrics.stringWidth(ch, self.font, 1000)
            total += w
        return total * size / 1000


_WIDTHS: dict[str, _Widths] = {}


def widths(font_name: str) -> _Widths:
    w = _WIDTHS.get(font_name)
    if w is None:
        w = _WIDTHS[font_name] = _Widths(font_name)
    return w


Line = tuple[str, Ink]


Part = tuple[str | tuple[str, ...], Ink]


def layout(parts: Sequence[Part], font_name: str, width: float) -> list[Line]:
    """Break each part (its own lines, its own ink) into lines no wider than ``width``.

    A part whose text is a tuple, such as ``("Acknowledged", "已确认收到")``, is one line
    when it fits ("Acknowledged 已确认收到") and otherwise one line per item, so that a
    word in one language is never cut to make room for the other.
    """
    w = widths(font_name)
    out: list[Line] = []
    for text, ink in parts:
        if isinstance(text, tuple):
            items = [clean(x).strip() for x in text if clean(x).strip()]
            joined = " ".join(items)
            if "\n" not in joined and w.width(joined, ink.size) <= width:
                out.append((joined, ink))
                continue
            text = "\n".join(items)
        for para in clean(text).split("\n"):
            out.extend((line, ink) for line in _break(para, ink.size, width, w))
    return out


def _break(text: str, size: float, width: float, w: _Widths) -> list[str]:
    if not text.strip():
        return [""]
    if w.width(text, size) <= width:
        return [text.rstrip()]
    lines: list[str] = []
    line: list[str] = []
    used = 0.0
    for token in _TOKENS.findall(text):
        tw = w.width(token, size)
        if token[0] == " ":
            if line:
                line.append(token)
                used += tw
            continue
        if used + tw <= width:
            line.append(token)
            used += tw
            continue
        if (
            token in _NO_START
            and len(line) >= 2
            and _ONE_CJK.fullmatch(line[-1])
            and w.width(line[-1] + token, size) <= width
        ):
            # keep closing punctuation with the character before it
            prev = line.pop()
            lines.append("".join(line).rstrip())
            line, used = [prev, token], w.width(prev + token, size)
            continue
        if line:
            lines.append("".join(line).rstrip())
            line, used = [], 0.0
        if tw <= width:
            line, used = [token], tw
            continue
        # a word longer than the line: cut it where it must be cut
        chunk = ""
        for ch in token:
            if chunk and w.width(chunk + ch, size) > width:
                lines.append(chunk)
                chunk = ""
            chunk += ch
        line, used = [chunk], w.width(chunk, size)
    if line:
        lines.append("".join(line).rstrip())
    return lines


class TextBlock(Flowable):
    """Lines of plain text in one or more inks; splits between lines (for long cells)."""

    def __init__(
        self,
        parts: Sequence[Part],
        font_name: str,
        *,
        lines: list[Line] | None = None,
        laid_out_for: float | None = None,
        align: str = "left",
    ) -> None:
        super().__init__()
        self.parts = parts
        self.font_name = font_name
        self.align = align
        self._lines = lines
        self._for = laid_out_for
        self.width = self.height = 0

    def _layout(self, width: float) -> list[Line]:
        if self._lines is None or (self.parts and self._for != width):
            self._lines = layout(self.parts, self.font_name, width)
            self._for = width
        return self._lines

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        lines = self._layout(availWidth)
        self.width = availWidth
        self.height = sum(ink.leading for _text, ink in lines)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        lines = self._layout(availWidth)
        used, n = 0.0, 0
        for _text, ink in lines:
            if used + ink.leading > availHeight:
                break
            used += ink.leading
            n += 1
        if n == 0 or n == len(lines):
            return []
        return [
            TextBlock(
                (), self.font_name, lines=lines[:n], laid_out_for=availWidth, align=self.align
            ),
            TextBlock(
                (), self.font_name, lines=lines[n:], laid_out_for=availWidth, align=self.align
            ),
        ]

    def draw(self) -> None:
        # one text object for the whole block: far cheaper than drawString per line
        tx = self.canv.beginText()
        top = self.height
        current: tuple[float, str] | None = None
        w = widths(self.font_name)
        for text, ink in self._lines or ():
            baseline = top - (ink.leading - ink.size) / 2 - ink.size * 0.82
            top -= ink.leading
            if not text:
                continue
            if current != (ink.size, ink.colour):
                tx.setFont(self.font_name, ink.size)
                tx.setFillColor(ink.color)
                current = (ink.size, ink.colour)
            x = self.width - w.width(text, ink.size) if self.align == "right" else 0
            tx.setTextOrigin(x, baseline)
            tx.textOut(text)
        self.canv.drawText(tx)

    def plain_text(self) -> str:
        """The text as drawn, one line per line (for tests and debugging)."""
        return "\n".join(text for text, _ink in self._lines or ())
