"""An office's whole history in one workbook: every record type, a meeting's attendees,
agenda and decisions, linked by reference across sheets, imported all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tests.helpers import TODAY, World
from workinggroup_app.domain import models
from workinggroup_app.exchange.sheets.workbook import import_workbook

SHEETS: dict[str, list[list[object]]] = {
    "Agencies": [
        ["abbreviation", "title_en", "title_zh", "side"],
        ["DEA", "Drug Enforcement Administration", "美国缉毒局", "US"],
        ["MPS NNCB", "Narcotics Control Bureau, MPS", "公安部禁毒局", "PRC"],
    ],
    "Contacts": [
        ["title_en", "title_zh", "agency_id", "email", "releasable"],
        ["Jane Roe", "", "DEA", "jane.roe@example.gov", "yes"],
        ["Wang Wei", "王伟", "MPS NNCB", "wang.wei@example.cn", "yes"],
    ],
    "案件": [  # a Chinese sheet title, Chinese headers
        ["编号", "标题（英文）", "标题（中文）", "牵头机构", "状态"],
        ["CASE-2025-0007", "Nitazene network", "硝基咪唑类网络", "DEA", "active"],
    ],
    "Referrals": [
        [
            "reference",
            "title_en",
            "title_zh",
            "direction",
            "referral_type",
            "sending_agency_id",
            "receiving_agency_id",
            "case_id",
            "status",
            "sent_on",
        ],
        [
            "REF-2025-0101",
            "Lead on a nitazene vendor",
            "硝基咪唑类卖家线索",
            "US_TO_PRC",
            "lead",
            "DEA",
            "MPS NNCB",
            "CASE-2025-0007",
            "sent",
            "2025-03-04",
        ],
    ],
    "Meetings": [
        ["reference", "title_en", "title_zh", "meeting_type", "starts_at", "status"],
        ["MTG-2025-0003", "Plenary, March", "三月全体会议", "plenary", "2025-03-20 01:00", "held"],
    ],
    "Attendees": [
        ["meeting", "side", "name_en", "name_zh", "contact_id", "head_of_delegation"],
        ["MTG-2025-0003", "US", "Jane Roe", "", "jane.roe@example.gov", "yes"],
        ["MTG-2025-0003", "PRC", "Wang Wei", "王伟", "Wang Wei", ""],
    ],
    "Agenda": [
        ["meeting", "title_en", "title_zh", "releasability"],
        ["MTG-2025-0003", "Nitazene scheduling", "硝基咪唑类列管", "releasable"],
    ],
    "Decisions": [
        ["meeting", "text_en", "text_zh"],
        ["MTG-2025-0003", "Both sides exchange lab data by April.", "双方于四月前交换实验室数据。"],
    ],
    "Action items": [
        ["title_en", "title_zh", "owner_side", "owner_agency_id", "origin_meeting_id", "due_date"],
        ["Send lab data", "发送实验室数据", "US", "DEA", "MTG-2025-0003", "2025-04-15"],
    ],
}


def workbook(path: Path, sheets: dict[str, list[list[object]]] = SHEETS) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def counts(db) -> dict[str, int]:
    with db.session() as s:
        return {
            m.__tablename__: s.execute(select(func.count()).select_from(m)).scalar_one()
            for m in (
                models.Agency,
                models.Contact,
                models.Case,
                models.Referral,
                models.Meeting,
                models.MeetingAttendee,
                models.AgendaItem,
                models.Decision,
                models.ActionItem,
                models.AuditEvent,
                models.StatusChange,
            )
        }


def test_a_workbook_imports_every_type_linked_across_sheets(db, tmp_path):
    path = workbook(tmp_path / "office.xlsx")
    dry = import_workbook(db, path, dry_run=True, today=lambda: TODAY)
    assert dry.ok, [f"{t}: {p}" for t, p in dry.all_problems()]
    assert counts(db)["agency"] == 0, "a dry run writes nothing"

    report = import_workbook(db, path, today=lambda: TODAY)
    assert report.ok and report.imported == 12
    # dependency order, whatever the workbook's order
    assert [s.kind for s in report.sheets] == [
        "agency",
        "contact",
        "case",
        "referral",
        "meeting",
        "attendees",
        "agenda_items",
        "decisions",
        "action_item",
    ]
    with db.session() as s:
        ref = s.execute(select(models.Referral)).scalar_one()
        assert ref.reference == "REF-2025-0101" and ref.case.reference == "CASE-2025-0007"
        assert (ref.sending_agency.abbreviation, ref.receiving_agency.abbreviation) == (
            "DEA",
            "MPS NNCB",
        )
        # the history says it arrived in that status, from that file
        history = s.execute(
            select(models.StatusChange).where(
                models.StatusChange.record_type == "referral",
                models.StatusChange.record_id == ref.id,
            )
        ).scalar_one()
        assert (history.from_status, history.to_status) == (None, "sent")
        assert history.comment == "imported as Sent from office.xlsx"
        meeting = s.execute(select(models.Meeting)).scalar_one()
        assert [(a.name_en, a.head_of_delegation) for a in meeting.attendees] == [
            ("Jane Roe", True),
            ("Wang Wei", False),
        ]
        assert all(a.contact_id for a in meeting.attendees)
        assert meeting.agenda_items[0].releasability == "releasable"
        assert meeting.decisions[0].text_zh == "双方于四月前交换实验室数据。"
        assert meeting.version == 4  # one new version per kind of part added
        item = s.execute(select(models.ActionItem)).scalar_one()
        assert item.origin_meeting_id == meeting.id and item.owner_agency.abbreviation == "DEA"
        events = s.execute(
            select(models.AuditEvent.action, models.AuditEvent.record_type).where(
                models.AuditEvent.record_type == "meeting"
            )
        ).all()
        assert events.count(("import", "meeting")) == 4  # created, then three kinds of part


def test_one_bad_row_in_any_sheet_imports_nothing_and_names_sheet_row_and_column(db, tmp_path):
    sheets = {k: [list(r) for r in v] for k, v in SHEETS.items()}
    sheets["Referrals"][1][6] = ""  # a sent referral without its receiving agency
    sheets["Attendees"][2][4] = "Nobody Known"
    path = workbook(tmp_path / "office.xlsx", sheets)
    before = counts(db)
    report = import_workbook(db, path, today=lambda: TODAY)
    assert not report.ok
    found = {(title, p.row, p.column, p.field) for title, p in report.all_problems()}
    assert found == {
        ("Referrals", 2, "G", "receiving_agency_id"),
        ("Attendees", 3, "E", "contact_id"),
    }
    messages = [p.message_en for _t, p in report.all_problems()]
    assert "Receiving agency: required for a record that is Sent." in messages
    assert counts(db) == before, "nothing was written"
    assert "nothing was imported" in report.summary()
    assert "未导入任何记录" in report.summary("zh_CN")


def test_a_sheet_named_after_nothing_is_refused_with_the_names_there_are(db, tmp_path):
    path = workbook(tmp_path / "office.xlsx", {**SHEETS, "Notes 2024": [["x"], ["y"]]})
    report = import_workbook(db, path, today=lambda: TODAY)
    assert not report.ok
    (title, problem), *_ = report.problems
    assert title == "Notes 2024"
    assert "not named after a record type" in problem.message_en
    assert "Referrals" in problem.message_en and "线索" in problem.message_zh
    assert counts(db)["referral"] == 0


def test_rows_already_in_the_database_as_they_are_are_left_out(db, tmp_path):
    """The shipped agencies both databases hold, or a workbook imported twice."""
    world = World(db)
    agency = world.make("agency", abbreviation="DEA", title_en="Drug Enforcement Administration")
    with db.session() as s:
        a = s.get(models.Agency, agency)
        row = [a.uuid, a.reference, a.abbreviation, a.title_en, a.title_zh, a.side]
    path = workbook(
        tmp_path / "agencies.xlsx",
        {"Agencies": [["uuid", "reference", "abbreviation", "title_en", "title_zh", "side"], row]},
    )
    report = import_workbook(db, path, today=lambda: TODAY)
    assert report.ok, [str(p) for _t, p in report.all_problems()]
    assert report.sheets[0].report.unchanged == [2]
    assert "already in the database" in report.sheets[0].report.summary()
    assert counts(db)["agency"] == 1


@pytest.mark.parametrize(
    "cell, problem",
    [
        ('=HYPERLINK("http://x")', "spreadsheet formula"),
        ("x" * 25_000, "too long"),  # a decision holds 20,000
    ],
)
def test_hostile_part_cells_are_refused(db, tmp_path, cell, problem):
    sheets = {k: [list(r) for r in v] for k, v in SHEETS.items()}
    sheets["Decisions"][1][1] = cell
    report = import_workbook(db, workbook(tmp_path / "o.xlsx", sheets), today=lambda: TODAY)
    assert not report.ok
    assert any(problem in p.message_en for _t, p in report.all_problems())
    assert counts(db)["decision"] == 0 and counts(db)["meeting"] == 0


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_200000_row_sheet_is_refused_whole_with_a_clear_error(db, tmp_path, suffix):
    import csv

    from workinggroup_app.exchange.sheets.read import ImportFileError

    rows = [["title_en", "title_zh", "entity_type"]]
    rows += [[f"Company {i}", f"公司{i}", "company"] for i in range(200_000)]
    path = tmp_path / f"entities.{suffix}"
    if suffix == "csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
    else:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Entities")
        for row in rows:
            ws.append(row)
        wb.save(path)
    with pytest.raises(ImportFileError) as err:
        import_workbook(db, path, today=lambda: TODAY)
    assert "200,000 rows" in err.value.message_en and "Split it" in err.value.message_en
    assert "200,000 行" in err.value.message_zh
    with db.session() as s:
        assert s.execute(select(func.count()).select_from(models.Entity)).scalar_one() == 0


def test_the_fast_reader_reads_what_openpyxl_reads_and_leaves_formulas_to_it(tmp_path, monkeypatch):
    """Values come from calamine (fast); a sheet holding a formula is read by openpyxl, so
    the formula is refused as a formula, never taken at its cached value."""
    from datetime import datetime

    from workinggroup_app.exchange.sheets import read

    path = workbook(tmp_path / "office.xlsx")
    fast = read._fast_workbook(path)
    assert fast is not None
    monkeypatch.setattr(read, "_fast_workbook", lambda *_a, **_k: None)
    slow = read.read_workbook(path)
    monkeypatch.undo()
    assert [(s.name, s.headers, s.header_row) for s in fast] == [
        (s.name, s.headers, s.header_row) for s in slow
    ]
    for a, b in zip(fast, slow, strict=True):
        assert [list(r)[: len(b.headers)] for r in a.rows] == [
            list(r)[: len(b.headers)] for r in b.rows
        ]

    wb = Workbook()
    ws = wb.active
    ws.title = "Decisions"
    ws.append(["meeting", "text_en", "due"])
    ws.append(["MTG-2025-0003", '=HYPERLINK("http://example.com","click")', datetime(2025, 3, 4)])
    formula = tmp_path / "formula.xlsx"
    wb.save(formula)
    assert read._fast_workbook(formula) is None
    (sheet,) = read.read_workbook(formula)
    assert isinstance(sheet.rows[0][1], read.Formula)
