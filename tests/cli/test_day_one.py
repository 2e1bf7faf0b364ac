"""Day one on the command line: ``setup`` on an empty database, the workbook template, a
workbook import with its dry-run report, and a script changing records through
``record transition`` / ``record update``."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.cli.test_commands import (
    PASSWORD,
    Cli,
)
from tests.exchange.sheets.test_workbook import SHEETS, workbook
from workinggroup_app.domain import models
from workinggroup_app.domain.errors import StorageError
from workinggroup_app.services import office
from workinggroup_app.storage.credentials import Credentials
from workinggroup_app.storage.database import open_database


def shipped_abbreviations(rows: list[list[object]]) -> list[list[object]]:
    """The test workbook's rows naming the shipped agencies (DEA, MPS NCB)."""
    return [["MPS NCB" if c == "MPS NNCB" else c for c in r] for r in rows]


def fresh(tmp_path: Path) -> tuple[Cli, Path]:
    path = tmp_path / "office.sqlite3"
    cli = Cli(tmp_path, str(path))
    return cli, path


def test_setup_creates_the_administrator_profile_and_reference_data_once(tmp_path):
    cli, path = fresh(tmp_path)
    out = cli(
        "setup",
        "--admin",
        "jane.roe",
        "--display-name",
        "Jane Roe",
        "--password-stdin",
        "--office-name",
        "INL <b>Beijing</b>",
        "--default-releasability",
        "releasable",
        stdin=PASSWORD + "\n",
    )
    assert "administrator jane.roe" in out.stdout and "added" in out.stdout
    # a new file is encrypted by default: no SQLite header, a key file, a recovery key shown
    assert not path.read_bytes().startswith(b"SQLite format 3")
    assert (tmp_path / "office.sqlite3.keys").exists()
    assert re.search(r"RECOVERY KEY.*\n    ([A-Z2-7]{5}-){7}[A-Z2-7]{5}\n", out.stdout)
    with pytest.raises(StorageError, match="encrypted: sign in"):
        open_database(str(path))
    db = open_database(str(path), credentials=Credentials("jane.roe", PASSWORD))
    try:
        profile = office.read_profile(db)
        assert profile == office.OfficeProfile("US", "INL <b>Beijing</b>", "releasable")
        with db.session() as s:
            user = s.execute(select(models.User)).scalar_one()
            assert (user.username, user.role) == ("jane.roe", "administrator")
            assert s.execute(select(models.Agency)).scalars().first() is not None
            actions = set(s.execute(select(models.AuditEvent.action)).scalars())
            assert {"permission", "settings"} <= actions
    finally:
        db.dispose()
    again = cli("setup", "--admin", "bob", "--password-stdin", stdin=PASSWORD + "\n", ok=False)
    assert again.returncode == 1 and "already set up" in again.stderr


def test_setup_refuses_bad_input_and_writes_nothing(tmp_path):
    cli, path = fresh(tmp_path)
    for args, stdin, says in [
        (["--admin", "jane"], "short\n", "at least"),
        (["--admin", "<script>"], PASSWORD + "\n", "user name"),
        (["--admin", "jane"], "", "standard input is empty"),
        (["--admin", "jane", "--office-name", "x" * 20_000], PASSWORD + "\n", "too long"),
    ]:
        result = cli("setup", *args, "--password-stdin", stdin=stdin, ok=False)
        assert result.returncode in (1, 2), result
        assert says in result.stderr, result.stderr
    db = open_database(str(path))
    try:
        with db.session() as s:
            assert s.execute(select(models.User)).first() is None
            assert s.execute(select(models.AppSetting)).first() is None
    finally:
        db.dispose()


def test_template_workbook_has_every_sheet_and_dropdowns(tmp_path):
    cli, _path = fresh(tmp_path)
    cli("template", "--headers", "zh", "-o", "template.xlsx")
    wb = load_workbook(tmp_path / "template.xlsx")
    assert wb.sheetnames[:3] == ["机构", "物质", "实体"]
    for title in ("案件", "线索移交", "会议", "出席人员", "议程", "决定", "行动事项", "说明"):
        assert title in wb.sheetnames
    assert wb["取值"].sheet_state == "hidden"
    referrals = wb["线索移交"]
    headers = [c.value for c in referrals[1]]
    assert "发送机构" in headers and "状态" in headers
    checked = {str(dv.sqref).split(":")[0][:-1] for dv in referrals.data_validations.dataValidation}
    letter = {h: chr(65 + i) for i, h in enumerate(headers)}
    for coded in ("状态", "可提供范围", "方向", "发送机构", "接收机构"):
        assert letter[coded] in checked, coded
    lists = wb["取值"]
    agencies = [c.value for c in next(col for col in lists.columns if col[0].value == "agency")]
    assert "DEA" in agencies and "MPS NCB" in agencies  # the shipped agencies


def test_workbook_import_dry_run_report_then_import_then_script_changes(tmp_path):
    cli, path = fresh(tmp_path)
    cli("setup", "--admin", "jane", "--password-stdin", stdin=PASSWORD + "\n")
    cli.user = "jane"  # every command from here on signs her in
    sheets = {k: shipped_abbreviations(v) for k, v in SHEETS.items() if k != "Agencies"}
    bad = {k: [list(r) for r in v] for k, v in sheets.items()}
    bad["Referrals"][1][9] = "03/04/2025"  # ambiguous: never guessed
    workbook(tmp_path / "bad.xlsx", bad)
    dry = cli("import", "bad.xlsx", "--dry-run", "--report", "problems.csv", ok=False)
    assert dry.returncode == 1
    assert "Referrals: row 2, column J (sent_on)" in dry.stdout
    with (tmp_path / "problems.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["sheet"], r["row"], r["column"]) for r in rows] == [("Referrals", "2", "J")]
    assert "ambiguous" in rows[0]["problem"]

    workbook(tmp_path / "office.xlsx", sheets)
    assert "every sheet can be imported" in cli("import", "office.xlsx", "--dry-run").stdout
    done = cli("import", "office.xlsx")
    assert "Imported 10 record(s)" in done.stdout

    cli("record", "transition", "--type", "referrals", "REF-2025-0101", "Acknowledged",
        "--comment", "confirmed by phone")  # fmt: skip
    cli("record", "update", "--type", "referrals", "REF-2025-0101", "line_of_effort=online",
        "counterpart_ref=公禁(2025)12号")  # fmt: skip
    refused = cli("record", "update", "--type", "referrals", "REF-2025-0101", "sent_on=tomorrow",
                  ok=False)  # fmt: skip
    assert refused.returncode == 1 and "sent_on" in refused.stderr
    unknown = cli("record", "update", "--type", "cases", "CASE-2025-0007", "bogus=1", ok=False)
    assert unknown.returncode == 2 and "not a field" in unknown.stderr
    db = open_database(str(path), credentials=Credentials("jane", PASSWORD))  # encrypted
    try:
        with db.session() as s:
            ref = s.execute(select(models.Referral)).scalar_one()
            assert (ref.status, ref.line_of_effort, ref.counterpart_ref) == (
                "acknowledged",
                "online",
                "公禁(2025)12号",
            )
            history = s.execute(
                select(models.StatusChange.to_status, models.StatusChange.comment)
                .where(models.StatusChange.record_type == "referral")
                .order_by(models.StatusChange.id)
            ).all()
            assert history == [
                ("sent", "imported as Sent from office.xlsx"),
                ("acknowledged", "confirmed by phone"),
            ]
            actions = s.execute(
                select(models.AuditEvent.action).where(models.AuditEvent.record_type == "referral")
            ).scalars()
            assert list(actions) == ["import", "transition", "update"]
    finally:
        db.dispose()
