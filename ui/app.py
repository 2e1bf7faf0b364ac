"""Application start-up: the window first, then the database.

Order matters for a fast start (FINDINGS: a bare window is ~300 ms, SQLAlchemy ~0.8 s,
Alembic ~0.8 s): the QApplication, the CJK font, the translators and the main window are
set up and shown before the database layer is imported. The database is then opened (and
migrated if needed) on the op runner's thread with a status message; a database with no
account gets the set-up wizard (``dialogs.setup_wizard``), any other the sign-in; the demo
data set is seeded the same way, with progress. Nothing imports ReportLab here.
"""

from __future__ import annotations

import getpass
import logging
import os
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QObject,
    QTimer,
)
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QMessageBox,
    QWidget,
)

from workinggroup_ui import settings as opts
from workinggroup_ui.dialogs.error import install_excepthook, setup_logging
from workinggroup_ui.language import install_translators, resolve_language
from workinggroup_ui.settings import APPLICATION, ORGANIZATION, Settings
from workinggroup_ui.window.main_window import MainWindow

if TYPE_CHECKING:
    from workinggroup_app.domain.permissions import Actor
    from workinggroup_app.storage.credentials import Credentials
    from workinggroup_app.storage.database import Database
    from workinggroup_ui.context import AppContext

log = logging.getLogger(__name__)

FONT_FILE = "wqy-microhei.ttc"
DESKTOP_FILE_NAME = "gov.uscnwg.WorkingGroupApp"
_font_families: list[str] | None = None


def settle_after_start() -> None:
    """Once the window shows its data: what exists now (modules, the window's widgets, the
    database layer's mappings and caches) lives as long as the application, so Python's
    cycle collector stops walking it. A full collection otherwise walks ~170,000 objects,
    ~80 ms, in the middle of whatever the user is doing (seen in dashboard refreshes)."""
    import gc

    gc.collect()
    gc.freeze()


def register_fonts() -> list[str]:
    """Register the shipped CJK font so Chinese is drawn on machines without one (once)."""
    global _font_families
    if _font_families is not None:
        return _font_families
    _font_families = []
    try:
        path = Path(str(files("workinggroup_app.resources") / "fonts" / FONT_FILE))
    except (ModuleNotFoundError, TypeError):
        log.warning("resources package not found; Chinese may show as boxes")
        return _font_families
    if not path.exists():
        log.warning("font %s missing; Chinese may show as boxes", path)
        return _font_families
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        log.warning("could not register %s", path)
        return _font_families
    _font_families = list(QFontDatabase.applicationFontFamilies(font_id))
    return _font_families


def demo_database_url() -> str:
    from workinggroup_app.storage.paths import data_dir

    return f"sqlite:///{data_dir() / 'demo.sqlite3'}"


def os_username() -> str:
    """The operating-system user's name ("" if it cannot be found out)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError, ImportError):
        return ""


def make_context(
    db: Database, lang: str, parent: Any = None, *, actor: Actor | None = None
) -> AppContext:
    """The context of the signed-in ``actor``. Without one (screenshots, the self-test,
    which build the window without signing in) the operating-system user acts as
    administrator."""
    from workinggroup_app.domain.permissions import Actor
    from workinggroup_app.services.records import Services
    from workinggroup_ui.context import AppContext
    from workinggroup_ui.dialogs.error import show_error
    from workinggroup_ui.operations.runner import OpRunner

    if actor is None:
        actor = Actor(os_username() or "administrator", "administrator")
    ops = OpRunner(
        parent, error_handler=lambda exc: show_error(exc, parent, lang), lang=lambda: lang
    )
    return AppContext(db, actor, Services(db, actor), ops, lang)


class Starter:
    """Opens (and if asked seeds) the database after the window is shown."""

    def __init__(
        self,
        window: MainWindow,
        *,
        database_url: str | None,
        demo: bool,
        lang: str,
        on_fatal: Callable[[int], None],
    ) -> None:
        self.window = window
        self.database_url = database_url
        self.demo = demo
        self.lang = lang
        self.on_fatal = on_fatal
        self.ctx: AppContext | None = None

    def start(self) -> None:
        from workinggroup_app.storage.database import opens_with_sign_in
        from workinggroup_app.storage.paths import default_database_url
        from workinggroup_ui.dialogs.error import show_error
        from workinggroup_ui.operations.runner import OpRunner

        url = starting_url(self.database_url, self.demo, self.window.settings)
        self.window.statusBar().showMessage(
            QCoreApplication.translate("MainWindow", "Opening the database…")
        )
        self.opener = OpRunner(
            self.window,
            error_handler=lambda exc: show_error(exc, self.window, self.lang),
            lang=lambda: self.lang,
        )
        if opens_with_sign_in(url or default_database_url()):
            self._sign_in_first(url)
            return
        self._open(url)

    def _sign_in_first(self, url: str | None) -> None:
        """An encrypted file, or a shared server where each person connects as their own
        login: the sign-in comes first, and its name and password open the database."""
        from workinggroup_app.support import logs
        from workinggroup_ui.dialogs.sign_in import SignInDialog

        self.window.show_message(QCoreApplication.translate("MainWindow", "Signing in…"))
        dialog = SignInDialog(
            None,
            self.window,
            lang=self.lang,
            username=os_username(),
            connect=lambda credentials: _open(url, credentials),
        )
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.db is None:
            self.on_fatal(0)
            return
        assert dialog.actor is not None
        logs.note_database(dialog.db)
        self.window.statusBar().clearMessage()
        self._signed_in(dialog.db, dialog.actor)

    def _open(self, url: str | None) -> None:
        self.opener.run(lambda: _open(url), on_success=self._opened, on_failure=self._failed)

    def _failed(self, error: Any) -> bool:
        self.window.statusBar().clearMessage()
        self.window.show_message(error.message(self.lang))
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(
            QCoreApplication.translate("MainWindow", "The database cannot be opened")
        )
        box.setText(error.message(self.lang))
        box.setInformativeText(
            QCoreApplication.translate(
                "MainWindow",
                "To open another database, start the application with --database-url "
                "followed by a file or a server address.",
            )
        )
        box.exec()
        self.on_fatal(2)
        return True

    @property
    def uses_demo_database(self) -> bool:
        return self.demo and self.database_url is None

    def _opened(self, db: Database) -> None:
        from workinggroup_app.services import users
        from workinggroup_app.support import logs

        logs.note_database(db)  # crash reports name the kind of database, not where
        self.window.statusBar().clearMessage()
        # who is using it, before any record is shown (a new database: the set-up wizard)
        self.window.show_message(QCoreApplication.translate("MainWindow", "Signing in…"))
        if users.first_run_needed(db):
            self.set_up(db)
            return
        actor = self.sign_in(db)
        if actor is None:
            db.dispose()
            self.on_fatal(0)
            return
        self._signed_in(db, actor)

    def sign_in(self, db: Database) -> Actor | None:
        """The sign-in dialog of a database that has accounts."""
        from workinggroup_ui.dialogs import sign_in

        return sign_in.sign_in(db, self.window, lang=self.lang, username=os_username())

    def set_up(self, db: Database) -> None:
        """A database with no account: the set-up wizard (for the demo database without the
        location and reference-data pages, saying the account exists only there). The
        location chosen is remembered for the next start; a database found already set up
        is opened for signing in."""
        from workinggroup_app.support import logs
        from workinggroup_ui.dialogs.setup_wizard import SetupWizard

        demo = self.uses_demo_database
        wizard = SetupWizard(db, self.window, lang=self.lang, username=os_username(), demo=demo)
        if wizard.exec() != QDialog.DialogCode.Accepted:
            db.dispose()
            self.on_fatal(0)
            return
        if not demo and not (self._url_given() and wizard.chosen_url == db.url):
            remember_database(self.window.settings, wizard.chosen_url)
        if wizard.existing_url is not None:
            db.dispose()
            self.window.statusBar().showMessage(
                QCoreApplication.translate("MainWindow", "Opening the database…")
            )
            self._open(wizard.existing_url)
            return
        assert wizard.database is not None and wizard.actor is not None
        if wizard.database is not db:
            db.dispose()
            logs.note_database(wizard.database)
        self._signed_in(wizard.database, wizard.actor)

    def _url_given(self) -> bool:
        """The database was named for this run (--database-url or the environment)."""
        from workinggroup_app.storage.paths import ENV_URL

        return self.database_url is not None or bool(os.environ.get(ENV_URL))

    def _signed_in(self, db: Database, actor: Actor) -> None:
        self.ctx = make_context(db, self.lang, self.window, actor=actor)
        if self.uses_demo_database and _count_cases(db) == 0:
            self._seed()
        else:
            self._attach()

    def _attach(self) -> None:
        assert self.ctx is not None
        self.window.statusBar().clearMessage()
        self.window.attach(self.ctx)
        self.window.start_idle_lock(self.window.settings.get(opts.IDLE_MINUTES))
        settle_after_start()

    def _seed(self) -> None:
        assert self.ctx is not None
        db = self.ctx.db

        def work(progress: Any) -> Any:
            from workinggroup_app import demo

            # demo.seed reports (stage label, done, total); the runner's dialog shows them
            return demo.seed(
                db, progress=lambda label, done, total: progress.report(done, total, label)
            )

        self.window.statusBar().showMessage(
            QCoreApplication.translate("MainWindow", "Loading the demo data…")
        )
        self.ctx.ops.run(
            work,
            on_success=lambda _r: self._seeded(),
            progress_label=QCoreApplication.translate("MainWindow", "Loading the demo data…"),
            parent=self.window,
        )

    def _seeded(self) -> None:
        self._attach()


class _FirstPaint(QObject):
    def __init__(self, window: QWidget, then: Callable[[], None]) -> None:
        super().__init__(window)
        self.window = window
        self.then = then
        self.done = False
        QApplication.instance().installEventFilter(self)  # type: ignore[union-attr]
        QTimer.singleShot(2000, self._fire)  # in case no paint is ever reported

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            not self.done
            and event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and watched.window() is self.window
        ):
            QTimer.singleShot(0, self._fire)
        return False

    def _fire(self) -> None:
        if self.done:
            return
        self.done = True
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.then()


def after_first_paint(window: QWidget, then: Callable[[], None]) -> None:
    """Call ``then`` on the event loop's next turn after ``window`` first paints."""
    _FirstPaint(window, then)


def starting_url(database_url: str | None, demo: bool, settings: Settings) -> str | None:
    """The database this start opens: --database-url, else the demo's, else
    WORKINGGROUP_DATABASE_URL, else the one chosen in the set-up wizard, else (None) the
    default file in the data folder."""
    from workinggroup_app.storage.paths import ENV_URL

    if database_url:
        return database_url
    if demo:
        return demo_database_url()
    if os.environ.get(ENV_URL):
        return None
    return settings.get(opts.DATABASE_URL) or None


def remember_database(settings: Settings, url: str) -> None:
    """Open ``url`` at the next start (the default file is remembered as "the default", so
    it follows the data folder)."""
    from workinggroup_app.storage.engine import normalise_url
    from workinggroup_app.storage.paths import ENV_URL, default_database_url

    if not os.environ.get(ENV_URL) and url == normalise_url(default_database_url()):
        settings.reset(opts.DATABASE_URL)
    else:
        settings.set(opts.DATABASE_URL, url)
    settings.sync()


def _open(url: str | None, credentials: Credentials | None = None) -> Database:
    """The database, opened and migrated (as the person of ``credentials`` on a server
    where each has their own login); a server that cannot be reached is explained by the
    connection check (refused, unknown host, password...) instead of a driver error."""
    from sqlalchemy.exc import OperationalError

    from workinggroup_app.storage.database import open_database

    try:
        return open_database(url, credentials=credentials)
    except OperationalError:
        from workinggroup_app.storage.connection import check_connection
        from workinggroup_app.storage.engine import normalise_url
        from workinggroup_app.storage.paths import default_database_url
        from workinggroup_app.storage.server_roles import person_url

        address = normalise_url(url or default_database_url())
        check_connection(person_url(address, credentials))  # raises the reason
        raise


def _count_cases(db: Database) -> int:
    from workinggroup_app.read import lists

    with db.session() as s:
        return lists.count_rows(s, lists.ListSpec("case", include_archived=True))


def _start_logging() -> None:
    # Finding the log folder imports the database module (SQLAlchemy, ~0.6 s): after paint.
    try:
        setup_logging()
    except OSError as exc:  # an unwritable log folder must not stop the application
        log.warning("no log file: %s", exc)


def run(*, database_url: str | None, demo: bool, lang: str | None, argv: list[str]) -> int:
    """Start the desktop application; returns the process exit code."""
    os.environ.setdefault("QT_ENABLE_HIGHDPI_SCALING", "1")
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app = QApplication.instance() or QApplication(argv)
    assert isinstance(app, QApplication)
    # the desktop entry's name: Wayland and the task bar match the window to the launcher
    QGuiApplication.setDesktopFileName(DESKTOP_FILE_NAME)
    register_fonts()
    settings = Settings()
    language = resolve_language(lang, settings)
    app._translators = install_translators(app, language)  # type: ignore[attr-defined]
    window = MainWindow(settings=settings, lang=language)
    install_excepthook(lambda: window, lambda: language)
    window.show()

    exit_code = {"value": 0}

    def fatal(code: int) -> None:
        exit_code["value"] = code
        window.close()
        app.exit(code)

    starter = Starter(window, database_url=database_url, demo=demo, lang=language, on_fatal=fatal)
    # Open the database once the window has painted, so importing the database layer and
    # opening the file never delay the first picture.
    after_first_paint(window, lambda: (_start_logging(), starter.start()))
    result = app.exec()
    return exit_code["value"] or result
