"""The self-test's window step, reached through the ``Desktop`` the installed command hands the
command line (``ui/launch.py`` ``QtDesktop.render_main_window``).

``render_main_window(db)`` builds the real main window over an open database the way the
application does (fonts, translators, ``make_context``, ``attach``), shows the referral
list, renders it to an image, draws a chart with QtCharts and checks that Chinese has
glyphs and Qt's own Chinese translation is present. Where there is no display (Linux
without ``DISPLAY``/``WAYLAND_DISPLAY``) it uses the offscreen platform. Settings go to a
private INI file in ``work``, so the user's window layout and columns are not touched.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

_APP = None  # the QApplication this module created, if any


def use_offscreen_without_display() -> None:
    """Choose Qt's offscreen platform when there is no display to draw on (Linux/BSD)."""
    if sys.platform in ("win32", "darwin"):
        return
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _qt_message_to_log(mode: Any, context: Any, message: str) -> None:
    """Qt's own chatter (``propagateSizeHints`` on offscreen...) goes to the log file."""
    logging.getLogger("qt").info("%s", message)


def _settle(rounds: int = 8) -> None:
    from PySide6.QtWidgets import QApplication

    for _ in range(rounds):
        QApplication.processEvents()


def _wait_for_rows(view: Any, ctx: Any, seconds: float = 20.0) -> int:
    """The list's row count once its reads (on the op runner's thread) have come back."""
    deadline = time.monotonic() + seconds
    rows = 0
    while time.monotonic() < deadline:
        ctx.ops.wait()
        _settle()
        rows = view.model.rowCount()
        if rows:
            break
        time.sleep(0.05)
    return rows


def render_main_window(db: Any, *, lang: str = "en", work: str | Path | None = None) -> str:
    """Build, show and render the main window over ``db``; returns a one-line summary.

    Raises ``RuntimeError`` naming what is wrong (no CJK font, an empty list, a blank
    picture, a missing Qt translation or chart module).
    """
    use_offscreen_without_display()
    from PySide6.QtCore import (
        QCoreApplication,
        QLibraryInfo,
        QSettings,
        QTranslator,
        qInstallMessageHandler,
    )
    from PySide6.QtGui import QFont, QFontMetrics, QImageWriter
    from PySide6.QtWidgets import QApplication

    from workinggroup_ui.app import make_context, register_fonts
    from workinggroup_ui.language import install_translators
    from workinggroup_ui.settings import APPLICATION, ORGANIZATION, Settings
    from workinggroup_ui.window.main_window import MainWindow

    folder = Path(work) if work is not None else Path(tempfile.mkdtemp(prefix="wg-selftest-"))
    # Any QSettings made during the test (ours or a widget's) lives in ``folder``.
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    global _APP
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "workinggroup-app"])
    assert isinstance(app, QApplication)
    # Keep the application object alive for the life of the process: if Python collected it
    # on return, the next caller in this process would find a dead instance.
    _APP = app

    families = register_fonts()
    if not families:
        raise RuntimeError("the shipped CJK font could not be registered with Qt")
    metrics = QFontMetrics(QFont(families[0]))
    if not all(metrics.inFontUcs4(ord(c)) for c in "会议资料"):
        raise RuntimeError(f"the font {families[0]} has no glyphs for Chinese")

    qt_translations = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not QTranslator().load("qtbase_zh_CN", qt_translations):
        raise RuntimeError(f"Qt's Chinese translation qtbase_zh_CN.qm is not in {qt_translations}")
    if b"png" not in [bytes(f.data()) for f in QImageWriter.supportedImageFormats()]:
        raise RuntimeError("Qt cannot write PNG images")

    translators = install_translators(app, lang)
    previous_handler = qInstallMessageHandler(_qt_message_to_log)
    settings = Settings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(settings=settings, lang=lang)
    ctx = make_context(db, lang, window)
    try:
        window.attach(ctx)
        window.resize(1200, 800)
        window.show()
        _settle()
        view = window.show_list("referral")
        if view is None:
            raise RuntimeError("the main window shows no referral list")
        rows = _wait_for_rows(view, ctx)
        if rows < 1:
            raise RuntimeError("the referral list is empty over a database holding referrals")
        image = window.grab().toImage()
        if image.isNull() or image.width() < 400:
            raise RuntimeError("the main window could not be rendered")
        colours = {
            image.pixel(x, y)
            for x in range(0, image.width(), 37)
            for y in range(0, image.height(), 23)
        }
        if len(colours) < 3:
            raise RuntimeError("the rendered main window is blank")
        picture = folder / "main-window.png"
        if not image.save(str(picture)):
            raise RuntimeError(f"could not save {picture}")
        chart = _render_chart(folder)
        return (
            f"{app.platformName()} platform, {rows} referrals listed, "
            f"{image.width()}x{image.height()} rendered, font {families[0]}, "
            f"Qt zh_CN translation present, {chart}"
        )
    finally:
        ctx.ops.wait()
        window.close()
        window.deleteLater()
        _settle()
        for translator in translators:
            app.removeTranslator(translator)
        qInstallMessageHandler(previous_handler)


def _render_chart(folder: Path) -> str:
    """A bar chart with QtCharts (the dashboard's module), rendered to an image."""
    from PySide6.QtCharts import QBarSeries, QBarSet, QChart, QChartView

    bars = QBarSet("open")
    bars.append([3, 5, 2])
    series = QBarSeries()
    series.append(bars)
    chart = QChart()
    chart.addSeries(series)
    chart.setTitle("自检 self-test")
    view = QChartView(chart)
    view.resize(320, 200)
    view.show()
    _settle()
    image = view.grab().toImage()
    view.close()
    view.deleteLater()
    if image.isNull():
        raise RuntimeError("QtCharts could not render a chart")
    image.save(str(folder / "chart.png"))
    return "QtCharts chart rendered"
