"""Small icons drawn with QPainter at run time: no image files to ship or keep in sync.

``icon(name)`` returns a cached QIcon. Shapes are simple and high-contrast; meaning is
always carried by text next to them as well (never by an icon or a colour alone).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

_SIZE = 32
_CACHE: dict[str, QIcon] = {}

INK = QColor("#2b3a55")
ACCENT = QColor("#1f6feb")
WARN = QColor("#c2410c")
OK = QColor("#15803d")


def _pen(color: QColor = INK, width: float = 2.6) -> QPen:
    pen = QPen(color, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _new(p: QPainter) -> None:
    p.setPen(_pen())
    p.drawRoundedRect(QRectF(7, 4, 18, 24), 2, 2)
    p.setPen(_pen(OK, 3))
    p.drawLine(QPointF(21, 18), QPointF(21, 28))
    p.drawLine(QPointF(16, 23), QPointF(26, 23))


def _save(p: QPainter) -> None:
    p.setPen(_pen())
    p.drawRoundedRect(QRectF(5, 5, 22, 22), 3, 3)
    p.drawRect(QRectF(10, 5, 12, 8))
    p.setBrush(QBrush(INK))
    p.drawRect(QRectF(10, 18, 12, 9))


def _search(p: QPainter) -> None:
    p.setPen(_pen(INK, 3))
    p.drawEllipse(QRectF(5, 5, 16, 16))
    p.drawLine(QPointF(19, 19), QPointF(27, 27))


def _global_search(p: QPainter) -> None:
    _search(p)
    p.setPen(_pen(ACCENT, 1.6))
    p.drawLine(QPointF(13, 6), QPointF(13, 20))
    p.drawLine(QPointF(6, 13), QPointF(20, 13))


def _refresh(p: QPainter) -> None:
    p.setPen(_pen(INK, 3))
    p.drawArc(QRectF(6, 6, 20, 20), 40 * 16, 280 * 16)
    p.setBrush(QBrush(INK))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawPolygon(QPolygonF([QPointF(20, 3), QPointF(28, 10), QPointF(19, 13)]))


def _columns(p: QPainter) -> None:
    p.setPen(_pen())
    p.drawRect(QRectF(5, 6, 22, 20))
    p.drawLine(QPointF(12.5, 6), QPointF(12.5, 26))
    p.drawLine(QPointF(19.5, 6), QPointF(19.5, 26))


def _flag(p: QPainter) -> None:
    # a warning triangle with an exclamation mark
    path = QPainterPath()
    path.moveTo(16, 3)
    path.lineTo(30, 28)
    path.lineTo(2, 28)
    path.closeSubpath()
    p.setPen(_pen(WARN, 2))
    p.setBrush(QBrush(WARN))
    p.drawPath(path)
    p.setPen(_pen(QColor("white"), 3))
    p.drawLine(QPointF(16, 11), QPointF(16, 19))
    p.drawPoint(QPointF(16, 24))


def _status(p: QPainter) -> None:
    p.setPen(_pen())
    p.drawEllipse(QRectF(3, 11, 9, 9))
    p.drawEllipse(QRectF(20, 11, 9, 9))
    p.drawLine(QPointF(12, 15.5), QPointF(20, 15.5))
    p.drawLine(QPointF(16, 12), QPointF(20, 15.5))
    p.drawLine(QPointF(16, 19), QPointF(20, 15.5))


def _quit(p: QPainter) -> None:
    p.setPen(_pen())
    p.drawRect(QRectF(5, 5, 14, 22))
    p.setPen(_pen(WARN, 3))
    p.drawLine(QPointF(14, 16), QPointF(28, 16))
    p.drawLine(QPointF(23, 11), QPointF(28, 16))
    p.drawLine(QPointF(23, 21), QPointF(28, 16))


def _about(p: QPainter) -> None:
    p.setPen(_pen(ACCENT, 2.6))
    p.drawEllipse(QRectF(4, 4, 24, 24))
    p.drawLine(QPointF(16, 14), QPointF(16, 23))
    p.drawPoint(QPointF(16, 9.5))


def _app(p: QPainter) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(INK))
    p.drawRoundedRect(QRectF(1, 1, 30, 30), 6, 6)
    p.setPen(_pen(QColor("white"), 2.4))
    p.drawLine(QPointF(7, 11), QPointF(25, 11))
    p.drawLine(QPointF(7, 16), QPointF(25, 16))
    p.drawLine(QPointF(7, 21), QPointF(18, 21))
    p.setBrush(QBrush(ACCENT))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawEllipse(QRectF(20, 18, 8, 8))


def _record(shape: str) -> Callable[[QPainter], None]:
    """Icons of the eight record types: one outline each, told apart by shape."""

    def draw(p: QPainter) -> None:
        p.setPen(_pen(INK, 2.2))
        if shape == "case":  # a folder
            path = QPainterPath()
            path.moveTo(4, 9)
            path.lineTo(12, 9)
            path.lineTo(14, 12)
            path.lineTo(28, 12)
            path.lineTo(28, 26)
            path.lineTo(4, 26)
            path.closeSubpath()
            p.drawPath(path)
        elif shape == "referral":  # two arrows, both directions
            p.drawLine(QPointF(5, 11), QPointF(26, 11))
            p.drawLine(QPointF(21, 6), QPointF(26, 11))
            p.drawLine(QPointF(6, 21), QPointF(27, 21))
            p.drawLine(QPointF(6, 21), QPointF(11, 26))
        elif shape == "action_item":  # a check box
            p.drawRoundedRect(QRectF(5, 5, 22, 22), 3, 3)
            p.setPen(_pen(OK, 3))
            p.drawPolyline(QPolygonF([QPointF(10, 16), QPointF(14, 21), QPointF(23, 10)]))
        elif shape == "meeting":  # a calendar page
            p.drawRoundedRect(QRectF(5, 7, 22, 20), 2, 2)
            p.drawLine(QPointF(5, 13), QPointF(27, 13))
            p.drawLine(QPointF(11, 4), QPointF(11, 9))
            p.drawLine(QPointF(21, 4), QPointF(21, 9))
        elif shape == "entity":  # a building
            p.drawRect(QRectF(8, 5, 16, 22))
            for y in (10, 15, 20):
                p.drawLine(QPointF(12, y), QPointF(14, y))
                p.drawLine(QPointF(18, y), QPointF(20, y))
        elif shape == "substance":  # a flask
            path = QPainterPath()
            path.moveTo(13, 4)
            path.lineTo(13, 13)
            path.lineTo(6, 27)
            path.lineTo(26, 27)
            path.lineTo(19, 13)
            path.lineTo(19, 4)
            p.drawPath(path)
            p.drawLine(QPointF(11, 4), QPointF(21, 4))
        elif shape == "agency":  # a columned building
            p.drawLine(QPointF(4, 12), QPointF(16, 5))
            p.drawLine(QPointF(16, 5), QPointF(28, 12))
            p.drawLine(QPointF(4, 12), QPointF(28, 12))
            for x in (8, 14, 18, 24):
                p.drawLine(QPointF(x, 14), QPointF(x, 24))
            p.drawLine(QPointF(4, 27), QPointF(28, 27))
        elif shape == "contact":  # a person
            p.drawEllipse(QRectF(11, 4, 10, 10))
            p.drawArc(QRectF(6, 17, 20, 18), 0, 180 * 16)

    return draw


_DRAW: dict[str, Callable[[QPainter], None]] = {
    "app": _app,
    "new": _new,
    "save": _save,
    "search": _search,
    "global_search": _global_search,
    "refresh": _refresh,
    "columns": _columns,
    "flag": _flag,
    "status": _status,
    "quit": _quit,
    "about": _about,
    **{
        key: _record(key)
        for key in (
            "case",
            "referral",
            "action_item",
            "meeting",
            "entity",
            "substance",
            "agency",
            "contact",
        )
    },
}


def icon(name: str) -> QIcon:
    """A cached icon by name; an unknown name gives an empty icon (never an error)."""
    cached = _CACHE.get(name)
    if cached is not None:
        return cached
    draw = _DRAW.get(name)
    result = QIcon()
    if draw is not None:
        for scale in (1, 2):
            pix = QPixmap(_SIZE * scale, _SIZE * scale)
            pix.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pix)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.scale(scale, scale)
            draw(painter)
            painter.end()
            result.addPixmap(pix)
    _CACHE[name] = result
    return result
