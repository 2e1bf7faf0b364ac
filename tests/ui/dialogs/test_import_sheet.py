"""The import dialog, driven as a user drives it: a spreadsheet with Chinese headers is
mapped, previewed, checked, and imported only when nothing is wrong."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from workinggroup_app.domain import models
from workinggroup_app.read.lists import ListSpec
from workinggroup_ui.dialogs.export import ExportDialog
from workinggroup_ui.dialogs.import_sheet import ImportDialog

HEADERS = [
    "标题（英文）",
    "标题（中文）",
    "方向",
    "类型",
    "发送机构",
    "接收机构",
    "发送/接收日期",
    "备注列",
]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([HEADERS, *rows])
    return path


def referrals(db) -> int:
    with db.session() as s:
        return s.execute(select(func.count()).select_from(models.Referral)).scalar_one()


@pytest.fixture
def agencies(ctx):
    for abbr, side in (("DEA", "US"), ("NCB", "PRC")):
        ctx.services.create(
            "agency", {"abbreviation": abbr, "side": side, "title_en": abbr, "title_zh": abbr}
        )


def open_dialog(ctx, qtbot, path: Path) -> ImportDialog:
    dialog = ImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.path_edit, str(path))
    qtbot.mouseClick(dialog.load_button, Qt.MouseButton.LeftButton)
    ctx.ops.wait()
    return dialog


def test_chinese_headers_are_guessed_and_the_preview_shows_the_rows(ctx, agencies, qtbot, tmp_path):
    path = write_csv(
        tmp_path / "referrals-zh.csv",
        [
            [
                "Online NPP sale",
                "网上销售NPP",
                "美方至中方",
                "侦查线索",
                "DEA",
                "NCB",
                "2026-01-05",
                "x",
            ],
            ["Pill press", "压片机", "PRC to US", "lead", "NCB", "DEA", "2026-02-03", "y"],
        ],
    )
    dialog = open_dialog(ctx, qtbot, path)
    guessed = [dialog.combo_for(i).currentText() for i in range(len(HEADERS))]
    assert guessed == [
        "Title (English)",
        "Title (Chinese)",
        "Direction",
        "Type",
        "Sending agency",
        "Receiving agency",
        "Sent / received on",
        "(not imported)",
    ]
    table = dialog.preview_table
    assert table.rowCount() == 2
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert "Sending agency" in headers and "备注列" not in headers
    assert table.item(0, headers.index("Title (Chinese)")).text() == "网上销售NPP"
    assert table.verticalHeaderItem(1).text() == "3"  # spreadsheet row numbers

    # the user can change the guess: the preview follows
    dialog.combo_for(7).setCurrentIndex(dialog.combo_for(7).findData("summary_en"))
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert "Summary (English)" in headers


def test_dry_run_lists_problems_and_import_writes_only_when_clean(ctx, agencies, qtbot, tmp_path):
    path = write_csv(
        tmp_path / "referrals.csv",
        [
            ["Good", "好", "US_TO_PRC", "lead", "DEA", "NCB", "2026-01-05", ""],
            ["Bad date", "坏日期", "US_TO_PRC", "lead", "DEA", "NCB", "05/01/2026", ""],
            ["Bad agency", "坏机构", "US_TO_PRC", "lead", "DEA", "XYZ", "", ""],
        ],
    )
    dialog = open_dialog(ctx, qtbot, path)
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    ctx.ops.wait()
    problems = dialog.problems_table
    rows = [
        (problems.item(r, 0).text(), problems.item(r, 1).text()) for r in range(problems.rowCount())
    ]
    assert rows == [("3", "G (发送/接收日期)"), ("4", "F (接收机构)")]
    assert "XYZ" in problems.item(1, 2).text()
    assert (
        "nothing" in dialog.summary.text().lower()
        or "nothing was imported" in dialog.summary.text()
    )

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)  # all or nothing
    ctx.ops.wait()
    assert referrals(ctx.db) == 0
    assert problems.rowCount() == 2

    qtbot.mouseClick(dialog.exclude_problems_button, Qt.MouseButton.LeftButton)
    assert dialog.exclude_edit.text() == "3, 4"
    changes = []
    ctx.ops.changed.connect(changes.append)
    with qtbot.waitSignal(dialog.imported, timeout=10000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        ctx.ops.wait()
    assert referrals(ctx.db) == 1
    assert problems.rowCount() == 0
    assert "Imported 1" in dialog.summary.text()
    assert [c.record_type for c in changes] == ["referral"]


def test_a_template_saved_from_the_dialog_reads_back(ctx, qtbot, tmp_path):
    dialog = ImportDialog(ctx, type_key="contact")
    qtbot.addWidget(dialog)
    written = dialog.write_template(tmp_path / "contacts.xlsx")
    qtbot.keyClicks(dialog.path_edit, str(written))
    qtbot.mouseClick(dialog.load_button, Qt.MouseButton.LeftButton)
    ctx.ops.wait()
    assert all(dialog.combo_for(i).currentData() for i in range(dialog.mapping_table.rowCount()))


def test_an_unreadable_file_is_reported_in_the_dialog(ctx, qtbot, tmp_path):
    bad = tmp_path / "notes.docx"
    bad.write_text("hello")
    dialog = open_dialog(ctx, qtbot, bad)
    assert dialog.error.isVisible() and ".docx" in dialog.error.text()
    assert not dialog.check_button.isEnabled()


def test_the_export_dialog_writes_the_list_as_xlsx_in_chinese(ctx, agencies, qtbot, tmp_path):
    from openpyxl import load_workbook

    ctx.services.create(
        "referral",
        {"title_en": "=1+1", "title_zh": "线索", "direction": "US_TO_PRC", "referral_type": "lead"},
    )
    dialog = ExportDialog(ctx, ListSpec("referral"), None)
    qtbot.addWidget(dialog)
    dialog.xlsx.setChecked(True)
    dialog.zh_headers.setChecked(True)
    dialog.path.clear()
    qtbot.keyClicks(dialog.path, str(tmp_path / "list"))
    with qtbot.waitSignal(dialog.exported, timeout=10000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        ctx.ops.wait()
    ws = load_workbook(tmp_path / "list.xlsx").worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "通用唯一标识", "标题（英文）")
    assert rows[1][2] == "=1+1" and ws.cell(2, 3).data_type == "s"


def give_passphrase(qtbot, dialog, text: str, *, twice: bool = False) -> None:
    """Type the passphrase into the passphrase dialog the exchange dialog opened."""
    asked = dialog.passphrase_dialog
    assert asked is not None and asked.isVisible()
    asked.passphrase.clear()
    qtbot.keyClicks(asked.passphrase, text)
    if twice:
        qtbot.keyClicks(asked.confirm, text)
    qtbot.mouseClick(
        asked.buttons.button(asked.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton
    )


def test_the_exchange_dialog_creates_a_key_registers_theirs_previews_and_applies(
    ctx, qtbot, tmp_path, sqlite_template
):
    import shutil

    from workinggroup_app.exchange import sync
    from workinggroup_app.storage.database import open_database
    from workinggroup_ui.dialogs.exchange import ExchangeDialog

    secret = "our dialog passphrase"
    dialog = ExchangeDialog(ctx, key_dir=tmp_path / "our-keys")
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.save_public_button.isEnabled()  # no key yet
    qtbot.mouseClick(dialog.create_key_button, Qt.MouseButton.LeftButton)
    give_passphrase(qtbot, dialog, secret, twice=True)
    ctx.ops.wait()
    assert not dialog.passphrase_dialog.isVisible()
    ours = sync.key_info(tmp_path / "our-keys")
    assert ours.protected and ours.fingerprint in dialog.own_key_label.text()
    assert sync.own_key(tmp_path / "our-keys", secret)[1].fingerprint == ours.fingerprint

    # the counterpart: its own database and key; each side registers the other's
    sync.generate_key("PRC", directory=tmp_path / "their-keys", passphrase="their passphrase")
    shutil.copyfile(sqlite_template, tmp_path / "prc.sqlite3")
    theirs = open_database(str(tmp_path / "prc.sqlite3"))
    try:
        from workinggroup_app.services.records import Services

        Services(theirs).create(
            "entity",
            {
                "title_en": "Storefront",
                "title_zh": "网店",
                "entity_type": "website",
                "releasability": "releasable",
            },
        )
        sync.register_key(theirs, "US", ours.public_path.read_bytes())
        sync.export_package(
            theirs,
            tmp_path / "in.zip",
            key_dir=tmp_path / "their-keys",
            passphrase="their passphrase",
        )
    finally:
        theirs.dispose()
    qtbot.keyClicks(dialog.key_name, "PRC MPS")
    qtbot.keyClicks(dialog.key_path, str(tmp_path / "their-keys" / sync.PUBLIC_KEY))
    qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
    ctx.ops.wait()
    assert dialog.keys_list.count() == 1 and "PRC MPS" in dialog.keys_list.item(0).text()
    assert dialog.to_combo.count() == 1 and "PRC MPS" in dialog.to_combo.currentText()

    # a tampered copy is refused with the reason (the passphrase is asked first)
    raw = bytearray((tmp_path / "in.zip").read_bytes())
    raw[len(raw) // 3] ^= 0xFF
    (tmp_path / "bad.zip").write_bytes(bytes(raw))
    qtbot.keyClicks(dialog.in_path, str(tmp_path / "bad.zip"))
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    give_passphrase(qtbot, dialog, secret)
    ctx.ops.wait()
    assert "refused" in dialog.error.text() and not dialog.apply_button.isEnabled()

    dialog.in_path.clear()
    qtbot.keyClicks(dialog.in_path, str(tmp_path / "in.zip"))
    asked = dialog.passphrase_dialog
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    ctx.ops.wait()
    assert dialog.passphrase_dialog is asked  # not asked again while the dialog is open
    assert dialog.plan_table.rowCount() == 1
    assert dialog.plan_table.item(0, 0).text() == "New"
    assert dialog.plan_table.item(0, 2).text() == "Storefront"
    with ctx.db.session() as s:
        assert s.execute(select(func.count()).select_from(models.Entity)).scalar_one() == 0
    with qtbot.waitSignal(dialog.applied, timeout=10000):
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
        ctx.ops.wait()
    with ctx.db.session() as s:
        assert s.execute(select(models.Entity.title_zh)).scalars().all() == ["网店"]

    # and our own package goes out, encrypted to them (and to us)
    qtbot.keyClicks(dialog.out_path, str(tmp_path / "out.zip"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    ctx.ops.wait()
    assert (tmp_path / "out.zip").exists() and "Wrote 1 records" in dialog.send_result.text()
    assert "Encrypted to: PRC MPS, US" in dialog.send_result.text()
    their_key = sync.own_key(tmp_path / "their-keys", "their passphrase")[0]
    assert sync.unseal((tmp_path / "out.zip").read_bytes(), their_key).startswith(b"PK")


def test_a_whole_workbook_is_listed_checked_and_imported(ctx, qtbot, tmp_path):
    from tests.exchange.sheets.test_workbook import SHEETS, workbook

    bad = {k: [list(r) for r in v] for k, v in SHEETS.items()}
    bad["Referrals"][1][5] = "XYZ"  # an agency nobody has
    path = workbook(tmp_path / "office.xlsx", bad)
    dialog = ImportDialog(ctx, type_key="all")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.is_workbook()
    qtbot.keyClicks(dialog.path_edit, str(path))
    qtbot.mouseClick(dialog.load_button, Qt.MouseButton.LeftButton)
    ctx.ops.wait()
    table = dialog.mapping_table
    listed = [(table.item(r, 0).text(), table.item(r, 3).text()) for r in range(table.rowCount())]
    assert listed[0] == ("Agencies", "Agencies") and ("案件", "Cases") in listed
    assert listed[-1] == ("Action items", "Action items")  # in the order they import

    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    ctx.ops.wait()
    problems = dialog.problems_table
    assert problems.rowCount() == 1
    assert problems.item(0, 0).text() == "Referrals: 2" and "XYZ" in problems.item(0, 2).text()
    assert referrals(ctx.db) == 0

    path = workbook(tmp_path / "office.xlsx", SHEETS)
    changes = []
    ctx.ops.changed.connect(changes.append)
    with qtbot.waitSignal(dialog.imported, timeout=20000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        ctx.ops.wait()
    assert referrals(ctx.db) == 1
    assert "Imported 12 record(s)" in dialog.summary.text()
    assert {c.record_type for c in changes} == {
        "agency",
        "contact",
        "case",
        "referral",
        "meeting",
        "action_item",
    }
