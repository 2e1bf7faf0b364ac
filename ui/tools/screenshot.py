"""Screenshots of the real windows, for the README and for reviewing layouts.

``take_screenshots`` renders the main window (1400x900) on each list, one record of each
type in its tab, the global search with a query, and the first-run set-up wizard page by
page (alone, and over the waiting main window on a 1366x768 and a 1920x1080 screen), and
saves PNGs via ``grab()``. With no database URL it seeds a temporary demo database; the
wizard runs on an empty one of its own and is never finished. Settings are private to the
run, so the user's saved columns and window layout neither shape the pictures nor get
changed.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

WIDTH, HEIGHT = 1400, 900
SEARCH_QUERY = {"en": "fentanyl", "zh_CN": "芬太尼"}
SCREENS = ((1366, 768), (1920, 1080))  # the smallest screen we support, and a common one
SETUP = {  # what the wizard pictures show typed in
    "username": "liu.yang",
    "display_name": {"en": "Liu Yang", "zh_CN": "刘洋"},
    "password": "correct horse battery",
    "office": {"en": "DEA Beijing Country Office", "zh_CN": "美国缉毒局驻北京办公室"},
    "server": "postgresql://wg@db.example.invalid:5432/workinggroup",
}


def _settle(rounds: int = 6) -> None:
    from PySide6.QtWidgets import QApplication

    for _ in range(rounds):
        QApplication.processEvents()


def take_screenshots(
    out_dir: str | Path, *, lang: str = "en", db: Any | None = None, actor: Any = None
) -> list[Path]:
    """Render the main views of ``db`` as ``actor`` sees them (without ``db``, of a demo
    database of its own) and save them as PNG files in ``out_dir``; returns their paths."""
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
    own_db = None
    window = None
    try:
        if db is None:
            from workinggroup_app import demo

            db = own_db = open_database(f"sqlite:///{work / 'demo.sqlite3'}")
            demo.seed(db)
        settings = Settings(QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat))
        window = MainWindow(settings=settings, lang=lang)
        ctx = make_context(db, lang, window, **({"actor": actor} if actor is not None else {}))
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
        paths.extend(_setup_wizard(out, lang, work, settings, len(paths)))
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
        if own_db is not None:
            own_db.dispose()
        shutil.rmtree(work, ignore_errors=True)


def _setup_wizard(out: Path, lang: str, work: Path, settings: object, done: int) -> list[Path]:
    """The set-up wizard's pages on an empty database of its own: each page alone at the
    size it opens with, and the location and administrator pages over the main window as
    it waits at a first start, on each of ``SCREENS``."""
    from PySide6.QtCore import QCoreApplication, QPoint
    from PySide6.QtGui import QPainter, QPixmap

    from workinggroup_app.storage.database import open_database
    from workinggroup_ui.dialogs.setup_wizard import (
        PAGE_ADMIN,
        PAGE_FINISH,
        PAGE_OFFICE,
        PAGE_REFERENCE,
        SetupWizard,
    )
    from workinggroup_ui.window.main_window import MainWindow

    db = open_database(f"sqlite:///{work / 'setup.sqlite3'}")
    behind = MainWindow(settings=settings, lang=lang)  # type: ignore[arg-type]
    wizard = SetupWizard(db, behind, lang=lang, username=SETUP["username"])
    paths: list[Path] = []

    def save(pixmap: QPixmap, name: str) -> None:
        path = out / f"{done + len(paths) + 1:02d}-{lang}-setup-{name}.png"
        if not pixmap.save(str(path)):
            raise OSError(f"could not write {path}")
        paths.append(path)

    def settle() -> None:
        _settle()
        wizard.runner.wait()
        _settle()

    def on_screen(name: str) -> None:
        for width, height in SCREENS:
            behind.resize(width, height)
            behind.show()
            settle()
            canvas = behind.grab()
            shot = wizard.grab()
            painter = QPainter(canvas)
            corner = QPoint((width - shot.width()) // 2, (height - shot.height()) // 2)
            painter.drawPixmap(corner, shot)
            painter.end()
            save(canvas, f"{name}-{width}x{height}")

    try:
        behind.show_message(QCoreApplication.translate("MainWindow", "Signing in…"))
        wizard.show()
        settle()
        location = wizard.location_page
        assert location is not None
        own_file = location.file_edit.text()
        # as a first start shows it: the default file (only shown; the pages below go on
        # with this run's own empty database, never the user's)
        location.file_edit.setText(location.default_path.text())
        settle()
        save(wizard.grab(), "location")
        on_screen("location")
        location.server_choice.setChecked(True)
        location.server_edit.setText(SETUP["server"])
        location.start_check(advance=False)  # an unknown host: its classified message
        settle()
        save(wizard.grab(), "location-server")
        location.file_choice.setChecked(True)
        location.file_edit.setText(own_file)
        wizard.next()
        settle()
        assert wizard.currentId() == PAGE_ADMIN, location.status.text()
        admin = wizard.admin_page
        admin.username.setText(SETUP["username"])
        admin.display_name.setText(SETUP["display_name"][lang])
        admin.password.setText(SETUP["password"])
        admin.confirm.setText(SETUP["password"])
        settle()
        save(wizard.grab(), "administrator")
        on_screen("administrator")
        admin.password.setText("short")
        admin.confirm.setText("shorter")
        settle()
        save(wizard.grab(), "administrator-errors")
        admin.password.setText(SETUP["password"])
        admin.confirm.setText(SETUP["password"])
        for page_id, name in ((PAGE_OFFICE, "office"), (PAGE_REFERENCE, "reference-data")):
            wizard.next()
            settle()
            assert wizard.currentId() == page_id
            if page_id == PAGE_OFFICE:
                wizard.office_page.name.setText(SETUP["office"][lang])
                settle()
            save(wizard.grab(), name)
        wizard.next()
        settle()
        assert wizard.currentId() == PAGE_FINISH
        save(wizard.grab(), "finish")
        return paths
    finally:
        wizard.runner.wait()
        wizard.done(0)
        wizard.deleteLater()
        behind.close()
        behind.deleteLater()
        _settle()
        db.dispose()
