"""The interface language: the system's, the saved choice or ``--lang``, and the translators
(our .qm and, for Chinese, Qt's own) that turn the interface into it."""

from __future__ import annotations

import locale
import logging
from importlib.resources import files
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from workinggroup_ui import settings as opts
from workinggroup_ui.settings import Settings

log = logging.getLogger(__name__)

# The interface's languages, each named in its own script, as language menus usually do.
LANGUAGES: tuple[tuple[str, str], ...] = (("en", "English"), ("zh_CN", "中文（简体）"))


def system_language() -> str:
    name = QLocale.system().name() or (locale.getlocale()[0] or "")
    return "zh_CN" if name.lower().startswith("zh") else "en"


def resolve_language(lang: str | None, settings: Settings) -> str:
    """The ``--lang`` argument, else the saved choice, else the system locale."""
    chosen = lang or settings.get(opts.LANGUAGE) or system_language()
    return "zh_CN" if chosen.lower().startswith("zh") else "en"


def install_translators(app: QCoreApplication, lang: str) -> list[QTranslator]:
    """Our .qm (if built) and, for Chinese, Qt's own (standard buttons: 取消...)."""
    installed: list[QTranslator] = []
    if lang == "en":
        return installed
    from workinggroup_ui.i18n_build import qm_path

    try:  # the shipped .qm, or one compiled into the cache when it is missing or stale
        ours = qm_path(lang, Path(str(files("workinggroup_app.resources") / "i18n")))
    except (ModuleNotFoundError, TypeError):
        ours = None
    candidates: list[tuple[str, str]] = []
    if ours is not None and ours.exists():
        candidates.append((ours.name, str(ours.parent)))
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if lang == "zh_CN":
        candidates.append((f"qtbase_{lang}.qm", qt_dir))
    for name, folder in candidates:
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            installed.append(translator)
        else:
            log.info("translation %s not found in %s", name, folder)
    return installed
