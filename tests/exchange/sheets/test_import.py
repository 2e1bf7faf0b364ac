"""Spreadsheets in: mapping by English or Chinese headers, a dry run that names every
problem by row and column, and an import that writes every row or none.

Every test with a database runs on SQLite and, when WORKINGGROUP_TEST_POSTGRES_URL is set,
on PostgreSQL (this module's ``db``)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from tests.helpers import TODAY, World, run_command
from workinggroup_app.domain import models
from workinggroup_app.domain.errors import PermissionDenied
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.exchange import sheets
from workinggroup_app.exchange.sheets.csv_export import export_csv
from workinggroup_app.exchange.sheets.xlsx_export import export_xlsx
from workinggroup_app.read import finder, related
from workinggroup_app.read.lists import ListSpec
from workinggroup_app.services.records import Services
from workinggroup_app.storage.database import open_database

HEAD_EN = [
    "title_en",
    "title_zh",
    "direction",
    "referral_type",
    "sending_agency_id",
    "receiving_agency_id",
    "sent_on",
    "counterpart_ref",
]
HEAD_ZH = [
    "标题（英文）",
    "标题（中文）",
    "方向",
    "类型",
    "发送机构",
    "接收机构",
    "发送/接收日期",
    "对方编号",
]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest):
    """conftest's ``db`` (a SQLite file) or ``pg_db`` (PostgreSQL): the import writes with
    different statements on each."""
    if request.param == "postgres":
        yield request.getfixturevalue("pg_db")
        return
    database = open_database(str(request.getfixturevalue("db_path")))
    yield database
    database.dispose()


@pytest.fixture
def world(db) -> World:
    w = World(db)
    w.make("agency", abbreviation="DEA", side="US", title_en="Drug Enforcement Administration")
    w.make(
        "agency",
        abbreviation="MPS",
        side="PRC",
        title_en="Ministry of Public Security",
        title_zh="公安部",
    )
    return w


def counts(w: World) -> tuple[int, ...]:
    return (
        w.count(models.Referral),
        w.audit_count(),
        w.count(models.StatusChange),
        w.count(models.SearchText),
    )


def run(db, type_key, path, **kw) -> sheets.ImportReport:
    return sheets.run_import(db, type_key, path, today=lambda: TODAY, **kw)


# --- every problem, row and column, and nothing written ------------------------------------


def test_bad_rows_are_each_named_and_nothing_is_written(world, db, tmp_path):
    path = write_csv(
        tmp_path / "referrals.csv",
        [
            HEAD_EN,
            ["Good lead", "好线索", "US_TO_PRC", "lead", "DEA", "MPS", "2026-01-05", "PRC-1"],
            ["Bad date", "日期错", "US_TO_PRC", "lead", "DEA", "MPS", "1/5/2026", "PRC-2"],
            ["Unknown agency", "机构错", "US_TO_PRC", "lead", "DEA", "XYZ", "2026-01-05", "PRC-3"],
            ['=HYPERLINK("http://evil")', "公式", "US_TO_PRC", "lead", "DEA", "MPS", "", "PRC-4"],
            ["Duplicate", "重复", "US_TO_PRC", "lead", "DEA", "MPS", "2026-01-06", "PRC-1"],
        ],
    )
    before = counts(world)

    dry = run(db, "referral", path, dry_run=True)
    real = run(db, "referral", path)

    for report in (dry, real):
        assert not report.ok
        assert report.imported == 0
        assert report.problem_rows() == [3, 4, 5, 6]
        by_row = {p.row: p for p in report.problems}
        assert (by_row[3].column, by_row[3].field) == ("G", "sent_on")
        assert "1/5/2026" in by_row[3].message_en and "YYYY-MM-DD" in by_row[3].message_en
        assert (by_row[4].column, by_row[4].header) == ("F", "receiving_agency_id")
        assert "XYZ" in by_row[4].message_en and "XYZ" in by_row[4].message_zh
        assert by_row[5].column == "A" and "formula" in by_row[5].message_en
        assert by_row[6].column == "H" and "row 2" in by_row[6].message_en
        assert "第 6 行" in by_row[6].where("zh")
    assert counts(world) == before
    assert "nothing was imported" in real.summary()


def test_excluding_the_bad_rows_imports_the_rest(world, db, tmp_path):
    path = write_csv(
        tmp_path / "r.csv",
        [
            HEAD_EN,
            ["Good lead", "好线索", "US_TO_PRC", "lead", "DEA", "MPS", "2026-01-05", "PRC-1"],
            ["Bad date", "日期错", "US_TO_PRC", "lead", "DEA", "MPS", "5 Jan", "PRC-2"],
        ],
    )
    report = run(db, "referral", path, exclude={3})
    assert report.ok and report.imported == 1 and report.excluded == [3]
    with db.session() as s:
        titles = s.execute(select(models.Referral.title_en)).scalars().all()
    assert titles == ["Good lead"]


def test_duplicates_against_the_database_by_reference_uuid_and_counterpart_ref(world, db, tmp_path):
    rid = world.make("referral", counterpart_ref="PRC-77")
    existing = world.get("referral", rid)
    path = write_csv(
        tmp_path / "r.csv",
        [
            [
                "reference",
                "uuid",
                "title_en",
                "title_zh",
                "direction",
                "referral_type",
                "counterpart_ref",
            ],
            [existing.reference, "", "Same reference", "同编号", "US_TO_PRC", "lead", ""],
            ["", existing.uuid, "Same uuid", "同标识", "US_TO_PRC", "lead", ""],
            ["", "", "Same counterpart ref", "同对方编号", "US_TO_PRC", "lead", "prc-77"],
            ["", "", "New one", "新的", "US_TO_PRC", "lead", "PRC-78"],
        ],
    )
    report = run(db, "referral", path, dry_run=True)
    by_row = {p.row: p for p in report.problems}
    assert sorted(by_row) == [2, 3, 4]
    assert by_row[2].field == "reference" and "already exists" in by_row[2].message_en
    assert by_row[3].field == "uuid"
    assert by_row[4].field == "counterpart_ref" and existing.reference in by_row[4].message_en


def test_a_file_without_a_required_column_says_so_once(world, db, tmp_path):
    path = write_csv(tmp_path / "r.csv", [["title_en"], ["A"], ["B"]])
    report = run(db, "referral", path, dry_run=True)
    header = [p for p in report.problems if p.row == 1]
    assert {p.field for p in header} == {"direction", "referral_type"}
    assert not [p for p in report.problems if p.row > 1]


# --- Chinese headers, words for values, and what an imported record carries ------------------


def test_chinese_headers_and_words_import_with_history_search_and_audit(world, db, tmp_path):
    path = write_csv(
        tmp_path / "线索.csv",
        [
            [*HEAD_ZH, "状态", "可向对方提供"],
            [
                "Online NPP sale",
                "网上销售NPP",
                "美方至中方",
                "侦查线索",
                "dea",
                "公安部",
                "2026/1/5",
                "PRC-1",
                "已发送",
                "是",
            ],
            [
                "Pill press",
                "压片机",
                "PRC to US",
                "lead",
                "MPS",
                "DEA",
                "2026年2月3日",
                "PRC-2",
                "",
                "否",
            ],
        ],
        encoding="gb18030",
    )
    sheet = sheets.read_sheet(path)
    assert sheets.guess_mapping("referral", sheet.headers) == [
        *HEAD_EN,
        "status",
        "releasable",
    ]
    audit_before = world.audit_count()
    report = run(db, "referral", path, actor=Actor("alice", "liaison"))
    assert report.ok, [str(p) for p in report.problems]
    assert report.imported == 2 and report.references == ["REF-2026-0001", "REF-2026-0002"]
    with db.session() as s:
        npp = s.execute(
            select(models.Referral).where(models.Referral.counterpart_ref == "PRC-1")
        ).scalar_one()
        assert (npp.direction, npp.referral_type, npp.status) == ("US_TO_PRC", "lead", "sent")
        assert npp.sending_agency.abbreviation == "DEA"
        assert npp.sent_on.isoformat() == "2026-01-05"
        assert npp.releasability == "releasable" and npp.caveat == "SBU"
        assert npp.created_by == "alice" and npp.version == 1
        press = s.execute(
            select(models.Referral).where(models.Referral.counterpart_ref == "PRC-2")
        ).scalar_one()
        assert press.status == "draft" and press.releasability == "us_only"
        history = related.history(s, "referral", npp.id)
        assert [(h.from_status, h.to_status) for h in history] == [(None, "sent")]
        assert "线索.csv" in history[0].comment
        hits = finder.search(s, "网上销售")
        assert [h.reference for h in hits["referral"]] == [npp.reference]
        events = related.audit_events(s, "referral", npp.id)
        assert [e.action for e in events] == ["import"]
        assert "PRC-1" in events[0].changes
    assert world.audit_count() == audit_before + 2
    assert world.verify().ok
    # the search index keeps working for records created after a bulk import
    later = world.make("referral", title_en="Created after the import", title_zh="导入之后")
    with db.session() as s:
        assert [h.id for h in finder.search(s, "导入之后")["referral"]] == [later]
        assert [h.id for h in finder.search(s, "网上销售")["referral"]] == [npp.id]


def test_given_references_move_the_counter_past_them(world, db, tmp_path):
    path = write_csv(
        tmp_path / "r.csv",
        [
            ["reference", "title_en", "title_zh", "direction", "referral_type"],
            ["REF-2026-0041", "Numbered", "有编号", "US_TO_PRC", "lead"],
            ["", "Not numbered", "无编号", "US_TO_PRC", "lead"],
            ["WG-17", "Legacy number", "旧编号", "US_TO_PRC", "lead"],
        ],
    )
    report = run(db, "referral", path, exclude={4})
    assert report.references == ["REF-2026-0041", "REF-2026-0042"]
    rid = world.make("referral")
    assert world.get("referral", rid).reference == "REF-2026-0043"
    report = run(db, "referral", path, dry_run=True)
    bad = [p for p in report.problems if p.row == 4]
    assert bad and "REF-2026-0042" in bad[0].message_en


def test_contacts_need_a_known_agency_and_entities_check_the_credit_code(world, db, tmp_path):
    contacts = write_csv(
        tmp_path / "contacts.csv",
        [
            ["姓名（英文）", "所属机构", "电子邮箱"],
            ["Li Wei", "MPS", "li@example.cn"],
            ["Nobody", "", "x@example.com"],
        ],
    )
    report = run(db, "contact", contacts, dry_run=True)
    assert [(p.row, p.field) for p in report.problems] == [(3, "agency_id")]
    entities = write_csv(
        tmp_path / "entities.csv",
        [
            ["title_en", "entity_type", "uscc"],
            ["Acme", "公司", "91350100M000100Y43"],
            ["Bad code", "company", "91350100M000100Y44"],
        ],
    )
    report = run(db, "entity", entities, dry_run=True)
    assert [(p.row, p.column) for p in report.problems] == [(3, "C")]
    assert "check character" in report.problems[0].message_en


def test_a_viewer_may_not_import(world, db, tmp_path):
    path = write_csv(tmp_path / "r.csv", [HEAD_EN])
    with pytest.raises(PermissionDenied):
        run(db, "referral", path, actor=Actor("v", "viewer"))


def test_cancel_during_the_import_writes_nothing(world, db, tmp_path):
    rows = [HEAD_EN] + [
        [f"Lead {i}", f"线索 {i}", "US_TO_PRC", "lead", "DEA", "MPS", "", f"P-{i}"]
        for i in range(3000)
    ]
    path = write_csv(tmp_path / "r.csv", rows)
    before = counts(world)
    calls = []

    class Stop(Exception):
        pass

    def progress(done, total):
        calls.append(done)
        if done > 600:  # into the writing half
            raise Stop

    with pytest.raises(Stop):
        run(db, "referral", path, progress=progress)
    assert counts(world) == before


# --- the import after its dry run ---------------------------------------------------------------


def leads(n: int, start: int = 0) -> list[list[str]]:
    return [HEAD_EN] + [
        [f"Lead {i}", f"线索 {i}", "US_TO_PRC", "lead", "DEA", "MPS", "2026-01-05", f"P-{i}"]
        for i in range(start, start + n)
    ]


@pytest.fixture
def validations(monkeypatch) -> list[int]:
    """Every Services.validate call (one per row checked on its own), counted."""
    calls: list[int] = []
    original = Services.validate

    def counted(self, *args, **kw):
        calls.append(1)
        return original(self, *args, **kw)

    monkeypatch.setattr(Services, "validate", counted)
    return calls


def test_the_import_after_its_dry_run_checks_each_row_once(world, db, tmp_path, validations):
    rows = leads(1200)
    rows[7][6] = "5 Jan"  # row 8: a bad date
    imp = sheets.Importer(
        db,
        "referral",
        sheets.read_sheet(write_csv(tmp_path / "r.csv", rows)),
        today=lambda: TODAY,
    )

    class Stop(Exception):
        pass

    def stop_at_1000(done, total):
        if done >= 1000:
            raise Stop

    with pytest.raises(Stop):  # a dry run cancelled after its first 1,000 rows
        imp.check(progress=stop_at_1000)
    assert len(validations) == 1000
    dry = imp.check()
    assert len(validations) == 1200  # the rest, once
    assert dry.problem_rows() == [8] and dry.rows == 1200
    before = counts(world)
    real = imp.commit()  # the same problems, found again without checking the rows again
    assert len(validations) == 1200
    assert (real.problems, real.rows, real.valid, real.imported) == (
        dry.problems,
        1200,
        1199,
        0,
    )
    assert counts(world) == before

    # leaving the bad row out after the dry run, as the dialog offers, reuses the rest too
    done = imp.commit(exclude={8})
    assert len(validations) == 1200
    assert done.ok and done.imported == 1199 and done.excluded == [8]
    assert done.references[:2] == ["REF-2026-0001", "REF-2026-0002"]
    with db.session() as s:
        got = s.execute(
            select(models.Referral).where(models.Referral.counterpart_ref == "P-1199")
        ).scalar_one()
        assert (got.title_en, got.sending_agency.abbreviation) == ("Lead 1199", "DEA")
        assert got.sent_on.isoformat() == "2026-01-05" and got.reference == "REF-2026-1199"
        assert [h.to_status for h in related.history(s, "referral", got.id)] == ["draft"]
        assert [e.action for e in related.audit_events(s, "referral", got.id)] == ["import"]
        assert [h.id for h in finder.search(s, "线索 1199")["referral"]] == [got.id]
    assert counts(world)[0] == before[0] + 1199
    assert world.verify().ok

    # once imported, the same rows are checked afresh: now every one is a duplicate
    again = imp.check(exclude={8})
    assert len(validations) == 2399
    assert again.problem_rows() == [n for n in range(2, 1202) if n != 8]
    assert "already recorded on REF-2026-0001" in again.problems[0].message_en


def test_a_duplicate_made_between_the_dry_run_and_the_import_is_refused(world, db, tmp_path):
    rows = [["reference", "uuid", *HEAD_EN]] + [
        ["", "", f"Lead {i}", f"线索 {i}", "US_TO_PRC", "lead", "DEA", "MPS", "", f"P-{i}"]
        for i in range(6)
    ]
    given_uuid = "0b6f5a4e-2f9a-4c1e-9d3b-7a1c2e3f4a5b"
    rows[2][0] = "REF-2026-0100"
    rows[3][1] = given_uuid
    imp = sheets.Importer(
        db,
        "referral",
        sheets.read_sheet(write_csv(tmp_path / "r.csv", rows)),
        today=lambda: TODAY,
    )
    assert imp.check().ok
    # meanwhile, someone else records the same counterpart's number, reference and UUID
    world.make("referral", counterpart_ref="p-4")
    world.make("referral", reference="REF-2026-0100")
    world.make("referral", uuid=given_uuid)
    before = counts(world)
    report = imp.commit()
    assert report.imported == 0 and counts(world) == before
    by_row = {p.row: p for p in report.problems}
    assert sorted(by_row) == [3, 4, 6]
    assert by_row[3].field == "reference" and "already exists" in by_row[3].message_en
    assert by_row[4].field == "uuid" and given_uuid in by_row[4].message_en
    assert by_row[6].field == "counterpart_ref" and "a duplicate" in by_row[6].message_en
    # exactly what a fresh check of the same file says
    fresh = run(db, "referral", tmp_path / "r.csv", dry_run=True)
    assert fresh.problems == report.problems


def test_the_import_checks_again_what_changed_since_its_dry_run(world, db, tmp_path):
    mps = world.sql("SELECT id FROM agency WHERE abbreviation = 'MPS'")[0][0]
    imp = sheets.Importer(
        db,
        "referral",
        sheets.read_sheet(write_csv(tmp_path / "r.csv", leads(5))),
        today=lambda: TODAY,
    )
    assert imp.check().ok
    # the agency the file names "MPS" is now called something else: MPS names nothing
    world.svc.update("agency", mps, {"abbreviation": "GAB"}, world.version("agency", mps))
    before = counts(world)
    report = imp.commit()
    assert report.imported == 0 and counts(world) == before
    assert [(p.row, p.column) for p in report.problems] == [(n, "F") for n in range(2, 7)]
    assert "MPS" in report.problems[0].message_en
    assert report.problems == run(db, "referral", tmp_path / "r.csv", dry_run=True).problems

    world.svc.update("agency", mps, {"abbreviation": "MPS"}, world.version("agency", mps))
    imp.sheet.rows[3][7] = 1  # as an XLSX number cell
    assert imp.check().ok
    # a cell changed in the sheet after the dry run is read again; so is one equal to what
    # the dry run saw but of another type (True == 1, but the cell reads "yes", not "1")
    imp.sheet.rows[2][6] = "5 Jan"
    imp.sheet.rows[3][7] = True
    report = imp.commit()
    assert [(p.row, p.column) for p in report.problems] == [(4, "G")]
    imp.sheet.rows[2][6] = "2026-01-05"
    report = imp.commit()
    assert report.ok and report.imported == 5
    with db.session() as s:
        got = s.execute(
            select(models.Referral.receiving_agency_id, models.Referral.counterpart_ref).order_by(
                models.Referral.id
            )
        ).all()
    assert [a for a, _ref in got] == [mps] * 5
    assert [ref for _a, ref in got] == ["P-0", "P-1", "P-2", "yes", "P-4"]


# --- XLSX and the round trip through our own exports -------------------------------------------


def test_xlsx_formula_cells_are_refused_and_date_cells_accepted(world, db, tmp_path):
    from datetime import date

    wb = Workbook()
    ws = wb.active
    ws.append(HEAD_EN)
    ws.append(["Typed", "键入", "US_TO_PRC", "lead", "DEA", "MPS", date(2026, 1, 5), "P-1"])
    ws.append(["=1+1", "公式", "US_TO_PRC", "lead", "DEA", "MPS", None, "P-2"])
    wb.save(tmp_path / "r.xlsx")
    report = run(db, "referral", tmp_path / "r.xlsx", dry_run=True)
    assert [(p.row, p.column) for p in report.problems] == [(3, "A")]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_into_a_new_database_gives_equal_records(
    world, db, tmp_path, sqlite_template, fmt
):
    world.make(
        "referral",
        title_en="=cmd|' /C calc'!A0",
        title_zh="涉嫌走私芬太尼前体化学品",
        sending_agency_id="DEA",
        receiving_agency_id="MPS",
        sent_on="2026-01-05",
        response_due="2026-02-04",
        counterpart_ref="+86 10 1234",
        summary_en="-12.5 kg seized\nsecond line",
        summary_zh="查获 -12.5 公斤",
        source_grade="B",
        info_grade="2",
        releasability="releasable",
        caveat="LES",
        line_of_effort="customs",
    )
    rid = world.make(
        "referral",
        title_en="@SUM(1)",
        direction="PRC_TO_US",
        referral_type="seizure",
        sending_agency_id="MPS",
        receiving_agency_id="DEA",
    )
    world.move("referral", rid, "received", "acknowledged")
    path = tmp_path / f"out.{fmt}"
    exporter = export_csv if fmt == "csv" else export_xlsx
    assert exporter(db, ListSpec("referral"), path, headers="zh", values="words") == 2

    other_path = tmp_path / "other.sqlite3"
    shutil.copyfile(sqlite_template, other_path)
    other = open_database(str(other_path))
    try:
        w2 = World(other)
        w2.make("agency", abbreviation="DEA", side="US")
        w2.make("agency", abbreviation="MPS", side="PRC")
        report = run(other, "referral", path)
        assert report.ok, [str(p) for p in report.problems]
        fields = [f.name for f in sheets.importable_fields("referral")]

        def snapshot(database):
            with database.session() as s:
                out = {}
                for r in s.execute(select(models.Referral)).scalars():
                    row = {n: getattr(r, n) for n in fields}
                    for n in ("sending_agency_id", "receiving_agency_id"):
                        row[n] = getattr(r, n.removesuffix("_id")).abbreviation if row[n] else None
                    out[r.uuid] = row
                return out

        assert snapshot(other) == snapshot(db)
    finally:
        other.dispose()


# --- templates and the command line ------------------------------------------------------------


def test_templates_in_both_header_styles_map_back_to_every_column(tmp_path):
    for headers in ("name", "en", "zh"):
        for fmt in ("csv", "xlsx"):
            path = sheets.write_template(
                "action-items", tmp_path / f"t-{headers}.{fmt}", headers=headers
            )
            sheet = sheets.read_sheet(path)
            mapping = sheets.guess_mapping("action_item", sheet.headers)
            assert None not in mapping
            assert mapping == [f.name for f in sheets.template_columns("action_item")]
            assert sheet.rows == []
    wb = load_workbook(tmp_path / "t-zh.xlsx")
    assert wb.sheetnames[1] == "说明"
    help_rows = list(wb["说明"].iter_rows(values_only=True))
    owner = next(r for r in help_rows if r[0] == "owner_side")
    assert owner[3] == "是" and "双方共同" in owner[4]


def cli(url: str, *argv: str) -> int:
    return run_command(url, *argv)


def test_cli_import_exits_non_zero_when_anything_is_rejected(world, db, tmp_path, capsys):
    bad = write_csv(
        tmp_path / "bad.csv",
        [HEAD_EN, ["X", "X", "US_TO_PRC", "lead", "DEA", "NOPE", "", ""]],
    )
    good = write_csv(
        tmp_path / "good.csv",
        [HEAD_EN, ["Y", "Y", "US_TO_PRC", "lead", "DEA", "MPS", "", ""]],
    )
    report_path = tmp_path / "problems.csv"
    assert cli(db.url, "import", "--type", "referrals", str(bad), "--report", str(report_path)) == 1
    out = capsys.readouterr().out
    assert "row 2, column F (receiving_agency_id)" in out and "NOPE" in out
    with report_path.open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[1][:4] == ["2", "F", "receiving_agency_id", "receiving_agency_id"]
    assert cli(db.url, "import", "--type", "referrals", str(good), "--dry-run") == 0
    assert world.count(models.Referral) == 0
    assert cli(db.url, "import", "--type", "referrals", str(good)) == 0
    assert "Imported 1 referrals" in capsys.readouterr().out
    assert world.count(models.Referral) == 1
    assert (
        cli(
            db.url,
            "template",
            "--type",
            "entities",
            "--headers",
            "zh",
            "-o",
            str(tmp_path / "e.csv"),
        )
        == 0
    )
    assert (tmp_path / "e.csv").read_text(encoding="utf-8-sig").startswith("编号,名称（英文）")


def test_parse_rows():
    assert sheets.parse_rows("5, 7-9，12") == {5, 7, 8, 9, 12}
    with pytest.raises(ValueError):
        sheets.parse_rows("5-x")


def test_looks_like_formula():
    for text in ("=1+1", "＝SUM(A1)", "@SUM(1+1)", "+cmd|' /C calc'!A0", "-HYPERLINK(x)"):
        assert sheets.looks_like_formula(text), text
    for text in ("+86 10 1234 5678", "-- note", "@dealer_x", "-12.5", "a=b", ""):
        assert not sheets.looks_like_formula(text), text
    assert sheets.unprotect("'=1+1") == "=1+1" and sheets.unprotect("'quoted") == "'quoted"


def test_import_on_sqlite_and_postgresql_keeps_the_audit_chain_and_search(db, tmp_path):
    w = World(db)
    w.make("agency", abbreviation="DEA", side="US")
    w.make("agency", abbreviation="MPS", side="PRC")
    path = write_csv(
        tmp_path / "r.csv",
        [HEAD_EN]
        + [
            [f"Lead {i}", f"走私线索{i}", "US_TO_PRC", "lead", "DEA", "MPS", "2026-01-05", f"P{i}"]
            for i in range(30)
        ],
    )
    report = run(db, "referral", path)
    assert report.ok and report.imported == 30
    w.make("referral", title_en="After the import")  # the ordinary path appends after it
    assert w.verify().ok and w.verify().checked == w.audit_count()
    with db.session() as s:
        hits = finder.search(s, "走私线索17", per_type=50)["referral"]
    assert [h.title_en for h in hits] == ["Lead 17"]
