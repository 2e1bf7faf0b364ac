"""The interface in Simplified Chinese: complete, current, and drawable with the shipped font.

- the translation source has no unfinished, obsolete or empty entries;
- extracting the strings from ui/*.py again finds nothing the committed .ts lacks;
- every window, view and dialog opened in zh_CN shows no English from the sources;
- the shipped CJK font has a glyph for every character of the translation.
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtGui import QAction, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QTabWidget,
    QTreeView,
    QTreeWidget,
    QWidget,
)

from workinggroup_ui.i18n_build import I18N_DIR, compile_ts, lrelease_command

TS = I18N_DIR / "workinggroup_zh_CN.ts"
UI_DIR = Path(__file__).resolve().parents[2] / "ui"
LUPDATE = Path(sys.executable).parent / "pyside6-lupdate"

# English words that may stay in a Chinese interface: key names, formats, acronyms, and
# the name of the English language in the language chooser.
ALLOWED_WORDS = {
    "ctrl",
    "shift",
    "esc",
    "enter",
    "english",
    "utc",
    "pdf",
    "csv",
    "xlsx",
    "zip",
    "pem",
    "excel",
    "delete",
    "postgresql",  # the database server's name, and ~/.pgpass the file of its passwords
    "pgpass",
}


def messages(path: Path) -> list[tuple[str, str, ET.Element]]:
    root = ET.parse(path).getroot()
    return [
        (c.findtext("name") or "", m.findtext("source") or "", m)
        for c in root.iter("context")
        for m in c.iter("message")
    ]


def translation_texts(m: ET.Element) -> list[str]:
    tr = m.find("translation")
    assert tr is not None
    forms = [f.text or "" for f in tr.iter("numerusform")]
    return forms if m.get("numerus") == "yes" else [tr.text or ""]


# --- (a) the source file ----------------------------------------------------------------------


def test_every_message_is_translated_and_none_is_stale():
    found = messages(TS)
    assert len(found) > 300
    for context, source, m in found:
        tr = m.find("translation")
        assert tr is not None
        assert tr.get("type") is None, f"{context}: {source!r} is {tr.get('type')}"
        for text in translation_texts(m):
            assert text.strip(), f"{context}: {source!r} has no translation"
            words = [w for w in re.findall(r"[A-Za-z]{3,}", source) if not w.isupper()]
            if words:
                assert re.search(r"[\u4e00-\u9fff]", text), f"{source!r} -> {text!r}"


def test_translations_keep_placeholders_and_accelerators():
    def marks(s: str) -> list[str]:
        return sorted(re.findall(r"%\d|%n|\{\w*\}", s))

    for context, source, m in messages(TS):
        for text in translation_texts(m):
            assert marks(text) == marks(source), f"{context}: {source!r} -> {text!r}"
            if re.search(r"&[^&\s]", source):
                assert re.search(r"\(&[A-Z]\)", text), f"{context}: {text!r} lost its (&X) key"


# --- (b) the source file is current -----------------------------------------------------------


def test_no_source_string_is_missing_from_the_committed_translation(tmp_path):
    fresh = tmp_path / "fresh.ts"
    sources = sorted(str(p) for p in UI_DIR.rglob("*.py"))
    subprocess.run(
        [str(LUPDATE), "-silent", "-locations", "none", *sources, "-ts", str(fresh)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    extracted = {(c, s) for c, s, _m in messages(fresh)}
    committed = {(c, s) for c, s, _m in messages(TS)}
    missing = sorted(extracted - committed)
    assert not missing, f"run lupdate and translate: {missing}"
    assert len(extracted) > 300


# --- (c) every view and dialog in Chinese -----------------------------------------------------


@pytest.fixture(scope="module")
def english_words() -> set[str]:
    words: set[str] = set()
    for _c, source, _m in messages(TS):
        words.update(w.lower() for w in re.findall(r"[A-Za-z]{3,}", source))
    return words - ALLOWED_WORDS


@pytest.fixture
def chinese(qapp, tmp_path):
    """Our compiled translation and Qt's own, installed for the test."""
    from PySide6.QtCore import QLibraryInfo

    assert lrelease_command() is not None
    qm = tmp_path / "workinggroup_zh_CN.qm"
    assert compile_ts(TS, qm)
    ours, qt = QTranslator(), QTranslator()
    assert ours.load(str(qm))
    assert qt.load("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    for t in (ours, qt):
        QCoreApplication.installTranslator(t)
    yield
    for t in (ours, qt):
        QCoreApplication.removeTranslator(t)


def visible_texts(top: QWidget) -> list[tuple[str, str]]:
    """(where, text) of everything a user reads on ``top`` and its children."""
    out: list[tuple[str, str]] = [("window title", top.windowTitle())]
    widgets = [top, *top.findChildren(QWidget)]
    actions: list[QAction] = []
    for w in widgets:
        name = f"{type(w).__name__}({w.objectName()})"
        out.append((f"{name} tooltip", w.toolTip()))
        out.append((f"{name} title", w.windowTitle() if w.isWindow() else ""))
        if isinstance(w, QLabel):
            out.append((name, re.sub(r"<[^>]+>", " ", w.text())))
        elif isinstance(w, QAbstractButton):
            out.append((name, w.text()))
        elif isinstance(w, QGroupBox):
            out.append((name, w.title()))
        elif isinstance(w, QLineEdit):
            out.append((f"{name} placeholder", w.placeholderText()))
        elif isinstance(w, QComboBox):
            out.extend((f"{name} item", w.itemText(i)) for i in range(w.count()))
            if w.lineEdit() is not None:
                out.append((f"{name} placeholder", w.lineEdit().placeholderText()))
        if isinstance(w, QTabWidget):
            out.extend((f"{name} tab", w.tabText(i)) for i in range(w.count()))
        if isinstance(w, QTreeWidget):
            header = w.headerItem()
            out.extend((f"{name} header", header.text(i)) for i in range(w.columnCount()))
        elif isinstance(w, (QTableView, QTreeView)) and w.model() is not None:
            model = w.model()
            out.extend(
                (f"{name} header", str(model.headerData(i, Qt.Orientation.Horizontal) or ""))
                for i in range(model.columnCount())
            )
        if isinstance(w, QMenu):
            out.append((name, w.title()))
        actions.extend(w.actions())
    for a in actions:
        out.append(("action", a.text()))
        if a.toolTip() != a.text().replace("&", ""):
            out.append(("action tooltip", a.toolTip()))
        if a.menu() is not None:
            out.append(("menu", a.menu().title()))
            out.extend(visible_texts(a.menu()))
    return [(where, text) for where, text in out if text and text.strip()]


def english_in(top: QWidget, english_words: set[str]) -> list[str]:
    bad = []
    for where, text in visible_texts(top):
        if re.match(r"^(\w+:/|/)", text):  # a database URL or a file path: data
            continue
        text = re.sub(r"“[a-z -]+”", "", text)  # a quoted command line, e.g. “exchange keygen”
        text = re.sub(r"[\w.-]+\.(sqlite3|db|xlsx|csv|pdf|zip)\b", "", text)  # a file name: data
        text = re.sub(r"\b[a-z]+:\S+", "", text)  # a search term as typed, e.g. owner:me
        for word in re.findall(r"[A-Za-z]{3,}", text):
            if word.isupper():  # DEA, CAS, PDF, REF: abbreviations, codes
                continue
            if word.lower() in english_words:
                bad.append(f"{where}: {text!r}")
                break
    return sorted(set(bad))


@pytest.fixture
def check(english_words, qtbot):
    def run(widget: QWidget) -> None:
        qtbot.addWidget(widget)
        widget.show()
        qtbot.waitExposed(widget)
        qtbot.wait(20)
        bad = english_in(widget, english_words)
        assert not bad, "English left in the Chinese interface:\n" + "\n".join(bad)

    return run


def test_main_window_on_every_list_is_chinese(chinese, zh_ctx, settings, check, qtbot):
    from workinggroup_app.domain.fields import RECORD_TYPES
    from workinggroup_ui.window.main_window import MainWindow

    window = MainWindow(zh_ctx, settings)
    check(window)
    for key in RECORD_TYPES:
        window.show_list(key)
        zh_ctx.ops.wait()
        qtbot.wait(20)
        bad = english_in(window, _words())
        assert not bad, f"{key}:\n" + "\n".join(bad)
    window.close()


def _words() -> set[str]:
    words: set[str] = set()
    for _c, source, _m in messages(TS):
        words.update(w.lower() for w in re.findall(r"[A-Za-z]{3,}", source))
    return words - ALLOWED_WORDS


@pytest.mark.parametrize(
    "type_key",
    ["case", "referral", "action_item", "meeting", "entity", "substance", "agency", "contact"],
)
def test_new_record_form_of_every_type_is_chinese(chinese, zh_ctx, check, type_key):
    from workinggroup_ui.forms.record_view import RecordView

    view = RecordView(zh_ctx, type_key, None)
    view.resize(1100, 850)
    check(view)


def test_stored_referral_with_history_is_chinese(chinese, zh_ctx, check):
    from workinggroup_ui.forms.record_view import RecordView

    s = zh_ctx.services
    agency = s.create(
        "agency", {"abbreviation": "NCB", "side": "PRC", "title_en": "NCB", "title_zh": "禁毒局"}
    ).ids[0]
    us = s.create(
        "agency", {"abbreviation": "DEA", "side": "US", "title_en": "DEA", "title_zh": "缉毒局"}
    ).ids[0]
    change = s.create(
        "referral",
        {
            "title_en": "Fentanyl precursor shipment",
            "title_zh": "涉嫌走私芬太尼前体化学品",
            "direction": "US_TO_PRC",
            "referral_type": "lead",
            "sending_agency_id": us,
            "receiving_agency_id": agency,
        },
    )
    view = RecordView(zh_ctx, "referral", change.ids[0])
    view.resize(1100, 850)
    zh_ctx.ops.wait()
    # the English title is data the officer typed; only the interface around it must be Chinese
    check(view)


def test_dialogs_are_chinese(chinese, zh_ctx, settings, check, tmp_path, db):
    from workinggroup_app.read.lists import ListSpec
    from workinggroup_ui.dashboard.view import DashboardView
    from workinggroup_ui.dialogs.audit_trail import AuditViewerDialog
    from workinggroup_ui.dialogs.exchange import ExchangeDialog
    from workinggroup_ui.dialogs.export import ExportDialog
    from workinggroup_ui.dialogs.import_sheet import ImportDialog
    from workinggroup_ui.dialogs.packet import PacketDialog
    from workinggroup_ui.dialogs.preferences import PreferencesDialog
    from workinggroup_ui.dialogs.search import SearchDialog
    from workinggroup_ui.dialogs.setup_wizard import SetupWizard
    from workinggroup_ui.dialogs.sign_in import SignInDialog
    from workinggroup_ui.dialogs.transition import TransitionDialog
    from workinggroup_ui.dialogs.users import UserAdminDialog
    from workinggroup_ui.lists.view import BulkStatusDialog, ColumnsDialog

    check(TransitionDialog(zh_ctx, "referral", 1, 1, "REF-2026-0001", "draft", "sent"))
    check(SearchDialog(zh_ctx))
    check(DashboardView(zh_ctx, settings, today=lambda: date(2026, 3, 5)))
    check(ImportDialog(zh_ctx))
    check(ExportDialog(zh_ctx, ListSpec("referral"), None))
    check(ExchangeDialog(zh_ctx, key_dir=tmp_path / "keys"))
    check(PacketDialog(zh_ctx, "MTG-2026-0001"))
    check(SignInDialog(db, lang="zh_CN"))
    check(SetupWizard(db, lang="zh_CN"))
    check(SetupWizard(db, lang="zh_CN", demo=True))
    check(PreferencesDialog(zh_ctx, settings))
    check(AuditViewerDialog(zh_ctx))
    check(UserAdminDialog(zh_ctx))
    check(ColumnsDialog("referral", ["reference", "title_en"], "zh_CN"))
    _ = BulkStatusDialog  # built by the list view with its rows; see the main-window test


def test_preferences_store_the_language_for_the_next_start(
    chinese, zh_ctx, settings, qtbot, monkeypatch
):
    from PySide6.QtWidgets import QMessageBox

    from workinggroup_ui import settings as opts
    from workinggroup_ui.dialogs.preferences import PreferencesDialog
    from workinggroup_ui.language import resolve_language

    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a))
    dialog = PreferencesDialog(zh_ctx, settings)
    qtbot.addWidget(dialog)
    changed = []
    dialog.language_changed.connect(changed.append)
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("en"))
    dialog.accept()
    assert settings.get(opts.LANGUAGE) == "en"
    assert resolve_language(None, settings) == "en"
    assert changed == ["en"] and shown  # told it applies at the next start
    # "same as the system" forgets the choice
    dialog = PreferencesDialog(zh_ctx, settings)
    qtbot.addWidget(dialog)
    assert dialog.chosen_language() == "en"
    dialog.language_combo.setCurrentIndex(0)
    dialog.accept()
    assert settings.get(opts.LANGUAGE) == ""


# --- (d) the shipped font draws every character ---------------------------------------------


def test_shipped_font_has_every_character_of_the_translation(qapp, cjk_font):
    assert cjk_font, "the shipped CJK font did not register"
    metrics = QFontMetrics(QFont(cjk_font[0]))
    chars = {
        ch
        for _c, _s, m in messages(TS)
        for text in translation_texts(m)
        for ch in text
        if ord(ch) > 0x7F
    }
    assert len(chars) > 300
    missing = sorted(ch for ch in chars if not metrics.inFontUcs4(ord(ch)))
    assert not missing, f"no glyph for {missing}"
