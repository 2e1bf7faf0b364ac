"""Screenshots of the real windows, for the README and for reviewing layouts.

``take_screenshots`` renders the main window (1400x900) on each list, one record of each
type in its tab, and the global search with a query, and saves PNGs via ``grab()``. With
no database URL it seeds a temporary demo database. Settings are private to the run, so
the user's saved columns and window layout neither shape the pictures nor get changed.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

WIDTH, HEIGHT = 1400, 900
SEARCH_QUERY = {"en": "fentanyl", "zh_CN": "芬太尼"}


def _settle(rounds: int = 6) -> None:
    from PySide6.QtWidgets import QApplication

    for _ in range(rounds):
        QApplication.processEvents()


def take_screenshots(
    out_dir: str | Path, *, lang: str = "en", database_url: str | None = None
) -> list[Path]:
    """Render the main views and save them as PNG files in ``out_dir``; returns their paths."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from workinggroup_app.domain.fields import cli_name
    from workinggroup_app.storage.database import open_database
    from workinggroup_ui.app import make_context, register_fonts
    from workinggroup_ui.language import install_translators
    from workinggroup_ui.settings import Settings
    from workinggroup_ui.window.main_window import MainWindow
    from workinggroup_ui.window.navigation import RECORD_TYPE_KEYS

    lang = "zh_CN" if lang.lower().startswith("zh") else "en"
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "screenshots"])
    register_fonts()
    translators = install_translators(app, lang)
    work = Path(tempfile.mkdtemp(prefix="wg-screenshots-"))
    db = None
    window = None
    try:
        if database_url is None:
            from workinggroup_app import demo

            db = open_database(f"sqlite:///{work / 'demo.sqlite3'}")
            demo.seed(db)
        else:
            db = open_database(database_url)
        settings = Settings(QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat))
        window = MainWindow(settings=settings, lang=lang)
        ctx = make_context(db, lang, window)
        window.attach(ctx)
        window.resize(WIDTH, HEIGHT)
        window.show()
        _settle()
        paths: list[Path] = []

        def save(widget: object, name: str) -> None:
            _settle()
            ctx.ops.wait()
            _settle()
            path = out / f"{len(paths) + 1:02d}-{lang}-{name}.png"
            if not widget.grab().save(str(path)):  # type: ignore[attr-defined]
                raise OSError(f"could not write {path}")
            paths.append(path)

        window.show_dashboard()
        if window.dashboard is not None:
            window.dashboard.refresh()
        save(window, "dashboard")
        for key in RECORD_TYPE_KEYS:
            window.show_list(key)
            save(window, f"list-{cli_name(key)}")

        for key in RECORD_TYPE_KEYS:
            view = window.show_list(key)
            record_id = view.model.id_at(0) if view is not None else None
            if record_id is None:
                continue
            view.select_row(0)
            window.open_record(key, record_id)
            save(window, f"record-{cli_name(key)}")
            window.close_current_tab()

        window.show_list("referral")
        dialog = window.global_search()
        if dialog is not None:
            dialog.query.setText(SEARCH_QUERY[lang])
            dialog.flush()
            save(dialog, "global-search")
            dialog.close()
        return paths
    finally:
        if window is not None:
            for view in window.record_views():
                if hasattr(view, "revert_changes"):
                    view.revert_changes(ask=False)
            window.close()
            window.deleteLater()
            _settle()
        for translator in translators:
            app.removeTranslator(translator)
        if db is not None:
            db.dispose()
        shutil.rmtree(work, ignore_errors=True)
