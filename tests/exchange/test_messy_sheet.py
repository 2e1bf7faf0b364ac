"""The spreadsheet an office really keeps: a merged title row, Chinese headings over two rows,
trailing and non-breaking spaces, an empty row, dates in every form Excel and people write
them, full-width digits, hostile cells. Each cell is read as what it shows, or refused with
the reason in English and Chinese; a refused sheet writes nothing.

The workbook is tests/exchange/data/messy_referrals.xlsx (written by make_messy_referrals.py
beside it). Every test imports through the Importer on a fresh database holding the two
agencies its rows name, created through the services.
"""

from __future__ import annotations

import csv
import math
import tracemalloc
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904, from_excel
from sqlalchemy import select

from tests.exchange.data import make_messy_referrals as messy
from tests.helpers import World
from workinggroup_app.domain import models, validators
from workinggroup_app.domain.errors import ValidationError
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.exchange import sheets
from workinggroup_app.exchange.sheets import cells, read
from workinggroup_app.services.records import Services

ADMIN = Actor("coordinator", "administrator")
TODAY = date(2025, 5, 1)


@pytest.fixture
def office(any_db) -> World:
    """A fresh database with the agencies the sheets name: DEA, and the Ministry of Public
    Security, named in the sheets by its Chinese title 公安部."""
    services = Services(any_db, ADMIN)
    for abbreviation, side, en, zh in (
        ("DEA", "US", "Drug Enforcement Administration", "美国缉毒局"),
        ("MPS", "PRC", "Ministry of Public Security", "公安部"),
    ):
        services.create(
            "agency",
            {"abbreviation": abbreviation, "side": side, "title_en": en, "title_zh": zh},
        )
    return World(any_db, ADMIN)


def counts(w: World) -> tuple[int, ...]:
    return (
        w.count(models.Referral),
        w.count(models.ActionItem),
        w.audit_count(),
        w.count(models.StatusChange),
    )


def importer(w: World, path: Path, type_key: str = "referral") -> sheets.Importer:
    return sheets.Importer(
        w.db, type_key, sheets.read_sheet(path), actor=ADMIN, today=lambda: TODAY
    )


def referrals(w: World) -> dict[str, SimpleNamespace]:
    """The imported referrals by counterpart's reference, as stored."""
    with w.db.session() as s:
        return {
            r.counterpart_ref: SimpleNamespace(
                title_en=r.title_en,
                direction=r.direction,
                referral_type=r.referral_type,
                sent_on=r.sent_on,
                response_due=r.response_due,
                info_grade=r.info_grade,
                summary_en=r.summary_en,
                sending_agency=r.sending_agency.abbreviation if r.sending_agency else None,
            )
            for r in s.execute(select(models.Referral)).scalars()
        }


def by_row(report: sheets.ImportReport) -> dict[int, list[sheets.Problem]]:
    out: dict[int, list[sheets.Problem]] = {}
    for p in report.problems:
        out.setdefault(p.row, []).append(p)
    return out


# --- the committed workbook ---------------------------------------------------------------------


def test_the_committed_workbook_is_the_one_the_script_writes(tmp_path):
    committed = load_workbook(messy.WORKBOOK)
    fresh = load_workbook(messy.build(tmp_path / "again.xlsx"))
    assert committed.sheetnames == fresh.sheetnames == ["线索登记", "待办事项"]
    for a, b in zip(committed.worksheets, fresh.worksheets, strict=True):
        assert sorted(map(str, a.merged_cells.ranges)) == sorted(map(str, b.merged_cells.ranges))
        assert [[c.value for c in row] for row in a.iter_rows()] == [
            [c.value for c in row] for row in b.iter_rows()
        ]


def test_the_header_is_found_under_the_merged_title_with_its_merged_headings():
    sheet = sheets.read_sheet(messy.WORKBOOK)
    assert sheet.name == "线索登记" and sheet.file_name == "messy_referrals.xlsx"
    # row 1 is the title; the headings fill rows 2-3: merged down, or under "机构 Agencies"
    assert (sheet.header_row, sheet.first_row) == (3, 4)
    assert sheet.headers == [
        "标题（英文）",
        "标题（中文）",
        "方向",
        "类型",
        "发送机构",
        "接收机构",  # its trailing non-breaking space trimmed
        "发送/接收日期",
        "答复期限",
        "对方编号",
        "信息准确性",
        "摘要（英文）",  # merged over K-L: column L has no heading of its own
        "",
    ]
    assert sheets.guess_mapping("referral", sheet.headers) == [
        "title_en",
        "title_zh",
        "direction",
        "referral_type",
        "sending_agency_id",
        "receiving_agency_id",
        "sent_on",
        "response_due",
        "counterpart_ref",
        "info_grade",
        "summary_en",
        None,
    ]
    # rows keep the numbers Excel shows, the empty row 11 included
    assert sheet.rows[0][0] == "ISO date" and sheet.row_number(0) == 4
    assert not any(sheet.rows[7]) and sheet.row_number(7) == 11
    assert sheet.rows[-1][0] == "Date and time cell" and sheet.row_number(len(sheet.rows) - 1) == 19


def test_every_date_becomes_the_date_excel_shows_or_is_refused_naming_why(office):
    imp = importer(office, messy.WORKBOOK)
    before = counts(office)

    dry = imp.check()

    assert counts(office) == before  # a dry run writes nothing
    assert dry.rows == 15  # the empty row 11 is neither a record nor a problem
    problems = by_row(dry)
    assert sorted(problems) == [12, 17, 18]
    assert all(len(ps) == 1 for ps in problems.values())
    assert {(ps[0].column, ps[0].header, ps[0].field) for ps in problems.values()} == {
        ("G", "发送/接收日期", "sent_on")
    }
    ambiguous = problems[12][0]
    assert ambiguous.message_en == (
        "Sent / received on: '03/04/2025' is ambiguous: 3 April 2025 or 4 March 2025? "
        "Write it as 2025-04-03 or 2025-03-04 (YYYY-MM-DD)."
    )
    assert ambiguous.message_zh == (
        "发送/接收日期：“03/04/2025”有歧义：是 2025年4月3日，还是 2025年3月4日？"
        "请写成 2025-04-03 或 2025-03-04（YYYY-MM-DD 格式）。"
    )
    assert ambiguous.where() == "row 12, column G (发送/接收日期)"
    assert "'2025-02-30' is not a date; use YYYY-MM-DD" in problems[17][0].message_en
    assert "“2025-02-30”不是有效日期" in problems[17][0].message_zh
    assert "'12' is not a date" in problems[18][0].message_en  # 12 is no plausible serial
    assert "nothing was imported" in dry.summary()

    done = imp.commit(exclude={12, 17, 18})

    assert done.ok and done.imported == 12
    got = referrals(office)
    march_4, march_25, april_3 = date(2025, 3, 4), date(2025, 3, 25), date(2025, 4, 3)
    expected = {  # counterpart's reference: (sent on, response due), what each cell became
        "PRC-2025-0004": (march_4, None),  # 2025-03-04
        "PRC-2025-0005": (march_4, None),  # 2025/3/4
        "PRC-2025-0006": (march_4, None),  # 2025年3月4日
        "PRC-2025-0007": (march_4, None),  # the number 45720: Excel's serial
        "PRC-2025-0008": (march_4, None),  # a date cell
        "PRC-2025-0009": (march_4, None),  # ２０２５－０３－０４
        "PRC-2025-0010": (march_4, april_3),  # ２０２５年３月４日; due: the text ４５７５０
        "PRC-2025-0013": (march_25, None),  # 25/03/2025: no month 25, so day first
        "PRC-2025-0014": (march_25, None),  # 03/25/2025: month first
        "PRC-2025-0015": (march_4, april_3),  # the text 45720; due: 45750.75 (18:00)
        "PRC-2025-0016": (march_4, None),  # " 2025-03-04\xa0 "
        "PRC-2025-0019": (march_4, None),  # a date cell at 18:30 showing only its date
    }
    assert len(got) == 12
    for ref, (sent_on, due) in expected.items():
        assert (got[ref].sent_on, got[ref].response_due) == (sent_on, due), ref
    # the other cells: trimmed, full-width digits read, Chinese names resolved
    assert got["PRC-2025-0004"].info_grade == "1"
    assert got["PRC-2025-0009"].info_grade == "2"  # ２
    spaced = got["PRC-2025-0016"]  # reference written with an ideographic space after it
    assert spaced.title_en == "Trailing spaces" and spaced.info_grade == "3"
    assert spaced.sending_agency == "DEA"  # " DEA\xa0"
    assert {r.direction for r in got.values()} == {"US_TO_PRC"}  # 美方至中方
    assert {r.referral_type for r in got.values()} == {"lead"}  # 侦查线索
    assert {r.summary_en for r in got.values()} >= {"Lead logged as 'ISO date'."}
    assert not any("nobody imports" in (r.summary_en or "") for r in got.values())


def test_a_csv_log_with_a_title_row_reads_the_same(office, tmp_path):
    path = tmp_path / "线索 2025.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["2025 referrals log", "", "", "", "", ""])
        w.writerow(["标题（英文） ", "方向", "类型", "发送/接收日期", "答复期限", "对方编号"])
        w.writerow(["Serial", "美方至中方", "侦查线索", "45720", "４５７５０", "P-3"])
        w.writerow([])  # row 4: empty
        w.writerow(["Ambiguous", "美方至中方", "侦查线索", "1/5/2026", "", "P-5"])
        w.writerow(["Spaces", "美方至中方\u00a0", " 侦查线索", "\u00a031/12/2025 ", "", "P-6"])
        w.writerow(["Too early", "美方至中方", "侦查线索", "32873", "", "P-7"])
        w.writerow(["", "", "", "", "", ""])  # trailing empty rows are no records
    sheet = sheets.read_sheet(path)
    assert sheet.name == "线索 2025" and (sheet.header_row, sheet.first_row) == (2, 3)

    report = sheets.Importer(office.db, "referral", sheet, actor=ADMIN, today=lambda: TODAY).check()

    assert report.rows == 4
    problems = by_row(report)
    assert sorted(problems) == [5, 7]
    assert problems[5][0].column == "D" and (
        "'1/5/2026' is ambiguous: 1 May 2026 or 5 January 2026? "
        "Write it as 2026-05-01 or 2026-01-05" in problems[5][0].message_en
    )
    assert "2026年5月1日" in problems[5][0].message_zh
    # 32873 is 1989-12-31 as a serial: outside 1990-2100, so it is not read as one
    assert "'32873' is not a date" in problems[7][0].message_en
    done = sheets.Importer(office.db, "referral", sheet, actor=ADMIN, today=lambda: TODAY).commit(
        exclude={5, 7}
    )
    assert done.imported == 2
    got = referrals(office)
    assert (got["P-3"].sent_on, got["P-3"].response_due) == (date(2025, 3, 4), date(2025, 4, 3))
    assert got["P-6"].sent_on == date(2025, 12, 31)


def test_a_title_row_over_one_header_row_with_a_heading_merged_across_columns(office, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Referrals"
    ws.append(["US referrals to the PRC, 2025"])
    ws.merge_cells("A1:F1")
    ws.append(["Title (English)", "Direction", "Type", "Sent / received on", "Notes", None])
    ws.merge_cells("E2:F2")  # one heading over two columns: the first one is "Notes"
    ws.append(["Good", "US to PRC", "lead", date(2025, 3, 4), "n", "m"])
    ws.append(["Bad", "US to PRC", "lead", "2025-13-01", "n", "m"])
    wb.save(tmp_path / "r.xlsx")

    sheet = sheets.read_sheet(tmp_path / "r.xlsx")

    assert (sheet.name, sheet.header_row, sheet.first_row) == ("Referrals", 2, 3)
    assert sheet.headers[:5] == [
        "Title (English)",
        "Direction",
        "Type",
        "Sent / received on",
        "Notes",
    ]
    report = sheets.Importer(office.db, "referral", sheet, actor=ADMIN).check()
    assert [(p.row, p.column, p.field) for p in report.problems] == [(4, "D", "sent_on")]


def test_english_labels_over_chinese_ones_are_one_header(office, tmp_path):
    path = tmp_path / "bilingual.csv"
    path.write_text(
        "Title (English),Direction,Type,Sent / received on,Remarks\n"
        "标题（英文）,方向,类型,发送/接收日期,备注\n"
        "Lead,美方至中方,侦查线索,2025/3/4,x\n"
        "Bad,美方至中方,侦查线索,4/3/2025,x\n",
        encoding="utf-8",
    )
    sheet = sheets.read_sheet(path)
    assert (sheet.header_row, sheet.first_row) == (1, 3)
    report = importer(office, path).check()
    assert report.rows == 2
    assert [(p.row, p.column) for p in report.problems] == [(4, "D")]  # 4/3/2025: which?


def test_a_reference_typed_in_full_width_is_read_as_ascii(office, tmp_path):
    path = tmp_path / "refs.csv"
    path.write_text(
        "编号,标题（英文）,方向,类型\nＲＥＦ－２０２５－０１０１\u3000,Lead,美方至中方,侦查线索\n",
        encoding="utf-8",
    )
    report = importer(office, path).commit()
    assert report.references == ["REF-2025-0101"]


def test_a_sheet_whose_headings_name_no_field_keeps_its_first_row_as_header(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("\n\nColour,Size\nred,3\n", encoding="utf-8")
    sheet = sheets.read_sheet(path)
    # nothing to match, so the first row with anything in it: the user maps its columns
    assert (sheet.headers, sheet.header_row, sheet.first_row) == (["Colour", "Size"], 3, 4)
    assert sheet.rows == [["red", "3"]]


# --- dates: the forms, and the serial numbers Excel keeps -------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-04", date(2025, 3, 4)),
        ("2025/3/4", date(2025, 3, 4)),
        ("2025.3.4", date(2025, 3, 4)),
        ("2025年3月4日", date(2025, 3, 4)),
        ("２０２５－０３－０４", date(2025, 3, 4)),
        ("２０２５年３月４日", date(2025, 3, 4)),
        ("25/03/2025", date(2025, 3, 25)),
        ("03/25/2025", date(2025, 3, 25)),
        ("04/04/2025", date(2025, 4, 4)),  # both readings are the same day
        ("\u00a02025-03-04\u3000", date(2025, 3, 4)),
        ("2025-03-04 00:00:00", date(2025, 3, 4)),  # a CSV written from a date-time column
        ("2025/3/4 18:30", date(2025, 3, 4)),
    ],
)
def test_a_date_written_any_unambiguous_way_is_read(text, expected):
    assert validators.parse_date("sent_on", text) == expected


@pytest.mark.parametrize(
    ("text", "one", "two"),
    [
        ("03/04/2025", "2025-04-03", "2025-03-04"),
        ("3.4.2025", "2025-04-03", "2025-03-04"),
        ("０３／０４／２０２５", "2025-04-03", "2025-03-04"),
    ],
)
def test_a_day_and_month_that_read_both_ways_are_refused_naming_both(text, one, two):
    with pytest.raises(ValidationError) as err:
        validators.parse_date("sent_on", text)
    assert f"Write it as {one} or {two}" in err.value.message_en
    assert f"请写成 {one} 或 {two}" in err.value.message_zh


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-04 09:30", datetime(2025, 3, 4, 9, 30, tzinfo=UTC)),
        ("2025/3/4 9:30", datetime(2025, 3, 4, 9, 30, tzinfo=UTC)),
        ("2025年3月4日 9:30", datetime(2025, 3, 4, 9, 30, tzinfo=UTC)),
        ("２０２５－０３－０４　０９：３０", datetime(2025, 3, 4, 9, 30, tzinfo=UTC)),
        ("25/03/2025 14:00:05", datetime(2025, 3, 25, 14, 0, 5, tzinfo=UTC)),
    ],
)
def test_a_meeting_time_is_read_in_the_same_forms(text, expected):
    assert validators.parse_datetime("starts_at", text) == expected


def test_meeting_times_in_a_workbook_are_read_as_shown_or_refused_naming_both(office, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["标题（英文）", "会议类型", "开始时间"])
    for starts in (
        datetime(2025, 3, 4, 9, 30),  # a date-and-time cell
        45720.5,  # the serial of 2025-03-04 12:00
        "2025/3/4 9:30",
        "２０２５－０３－０４　０９：３０",
        "03/04/2025 09:30",  # row 6
        "2025-03-04 25:00",  # row 7
    ):
        ws.append(["Plenary", "plenary", starts])
    wb.save(tmp_path / "meetings.xlsx")
    imp = importer(office, tmp_path / "meetings.xlsx", "meeting")

    report = imp.check()

    problems = by_row(report)
    assert sorted(problems) == [6, 7]
    assert problems[6][0].message_en == (
        "Starts at: '03/04/2025 09:30' is ambiguous: 3 April 2025 or 4 March 2025? "
        "Write it as 2025-04-03 09:30 or 2025-03-04 09:30 (YYYY-MM-DD HH:MM)."
    )
    assert "请写成 2025-04-03 09:30 或 2025-03-04 09:30" in problems[6][0].message_zh
    assert "is not a date and time" in problems[7][0].message_en
    assert imp.commit(exclude={6, 7}).imported == 4
    with office.db.session() as s:
        starts = s.execute(select(models.Meeting.starts_at).order_by(models.Meeting.id)).scalars()
        # naive times are taken as UTC, as everywhere else
        assert [t.replace(tzinfo=None) for t in starts] == [
            datetime(2025, 3, 4, 9, 30),
            datetime(2025, 3, 4, 12, 0),
            datetime(2025, 3, 4, 9, 30),
            datetime(2025, 3, 4, 9, 30),
        ]


def test_serial_numbers_read_as_openpyxl_reads_them_and_only_from_1990_to_2100():
    for serial in (32874, 45720, 45720.5, 45750.75, 45720.999999, 73415.25):
        assert cells.excel_serial(serial) == from_excel(serial), serial
    assert cells.excel_serial(45720) == datetime(2025, 3, 4)
    for serial in (-1, 0, 12, 60, 32873, 73416, math.nan, math.inf):
        assert cells.excel_serial(serial) is None, serial
    # the cells of a date column and of a date-and-time column (a meeting's start)
    assert cells.date_value(45720.75) == date(2025, 3, 4)
    assert cells.date_value("４５７２０") == date(2025, 3, 4)
    assert cells.date_value(True) == "yes"  # not a number: parse_date refuses the text
    assert cells.datetime_value(45720.5) == datetime(2025, 3, 4, 12, 0)
    assert cells.datetime_value("45720.75") == datetime(2025, 3, 4, 18, 0)
    assert cells.datetime_value("123456") == "123456"


def test_a_workbook_of_the_1904_date_system_reads_its_serials_from_1904(office, tmp_path):
    wb = Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.append(
        ["title_en", "direction", "referral_type", "sent_on", "response_due", "counterpart_ref"]
    )
    ws.append(["Mac", "US_TO_PRC", "lead", 44258, datetime(2025, 4, 3), "M-1"])  # 44258: 2025-03-04
    wb.save(tmp_path / "mac.xlsx")
    report = sheets.Importer(
        office.db, "referral", sheets.read_sheet(tmp_path / "mac.xlsx"), actor=ADMIN
    ).commit()
    assert report.imported == 1
    got = referrals(office)["M-1"]
    assert (got.sent_on, got.response_due) == (date(2025, 3, 4), date(2025, 4, 3))


# --- hostile cells -------------------------------------------------------------------------------

HOSTILE_HEAD = ["title_en", "direction", "referral_type", "sent_on", "counterpart_ref"]


def hostile_rows() -> list[list[str]]:
    return [
        ['=HYPERLINK("http://evil.example/x","click")', "US_TO_PRC", "lead", "", "H-2"],
        ["<b>bold</b><img src='/etc/passwd'/>", "US_TO_PRC", "lead", "", "H-3"],
        ["x" * 20_000, "US_TO_PRC", "lead", "", "H-4"],
        ["Long date", "US_TO_PRC", "lead", "2" * 20_000, "H-5"],
        ["Formula ref", "US_TO_PRC", "lead", "", "=1+1"],
    ]


def check_hostile(w: World, path: Path) -> dict[int, list[sheets.Problem]]:
    before = counts(w)
    imp = importer(w, path)
    dry = imp.check()
    real = imp.commit()
    assert real.imported == 0 and not real.ok
    assert counts(w) == before  # nothing written, not even an audit event
    problems = by_row(real)
    assert problems == by_row(dry)
    assert "formula" in problems[2][0].message_en and "公式" in problems[2][0].message_zh
    assert problems[2][0].column == "A"
    assert "too long (20,000 characters; at most 500)" in problems[4][0].message_en
    assert "内容过长" in problems[4][0].message_zh
    assert ("'" + "2" * 40 + "' is not a date") in problems[5][0].message_en
    assert problems[6][0].column == "E" and "formula" in problems[6][0].message_en
    return problems


def test_hostile_cells_in_a_csv_are_refused_or_cleaned_and_nothing_is_written(office, tmp_path):
    path = tmp_path / "hostile.csv"
    rows = [
        *hostile_rows(),
        ["Lead\x00 with\x1b[31m controls\u202e", "US_TO_PRC", "lead", "", "H-7"],
        ["Full-width formula", "US_TO_PRC", "lead", "", "＝1+1"],  # row 8
    ]
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HOSTILE_HEAD, *rows])
    problems = check_hostile(office, path)
    # markup (row 3) and control characters (row 7) are no problem: text, cleaned
    assert sorted(problems) == [2, 4, 5, 6, 8]
    assert problems[8][0].column == "E" and "formula" in problems[8][0].message_en

    done = importer(office, path).commit(exclude={2, 4, 5, 6, 8})

    assert done.imported == 2
    got = referrals(office)
    assert got["H-3"].title_en == "<b>bold</b><img src='/etc/passwd'/>"  # text, as typed
    assert got["H-7"].title_en == "Lead with[31m controls"  # control characters removed


def test_hostile_cells_in_an_xlsx_are_refused_and_nothing_is_written(office, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(HOSTILE_HEAD)
    for row in hostile_rows():
        ws.append(row)  # openpyxl stores '=HYPERLINK(...' as a formula cell, as Excel would
    wb.save(tmp_path / "hostile.xlsx")
    assert sorted(check_hostile(office, tmp_path / "hostile.xlsx")) == [2, 4, 5, 6]


# --- the workbook as sheets, and reading it within sane memory ----------------------------------


def test_read_workbook_gives_every_worksheet_by_its_title(tmp_path):
    book = read.read_workbook(messy.WORKBOOK)
    assert [s.name for s in book] == ["线索登记", "待办事项"]
    referral_sheet, items = book
    assert referral_sheet.headers == sheets.read_sheet(messy.WORKBOOK).headers
    assert (items.headers, items.header_row, items.first_row) == (
        ["标题（英文）", "负责方", "截止日期"],
        1,
        2,
    )
    assert sheets.guess_mapping("action_item", items.headers) == [
        "title_en",
        "owner_side",
        "due_date",
    ]
    assert [list(r) for r in items.rows] == [
        ["Send the lab report", "美方", datetime(2025, 4, 1)],
        ["Confirm the seizure", "中方", "2025/4/15"],
    ]
    csv_path = tmp_path / "contacts.csv"
    csv_path.write_text("title_en\nWang Wei\n", encoding="utf-8")
    (only,) = read.read_workbook(csv_path)
    assert (only.name, only.file_name, only.headers) == ("contacts", "contacts.csv", ["title_en"])


def test_a_workbook_claiming_a_wrong_size_is_read_whole(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["title_en", "direction"])
    for i in range(5):
        ws.append([f"Lead {i}", "US_TO_PRC"])
    wb.save(tmp_path / "r.xlsx")
    # some tools write <dimension ref="A1"/> whatever the sheet holds
    with (
        zipfile.ZipFile(tmp_path / "r.xlsx") as src,
        zipfile.ZipFile(tmp_path / "w.xlsx", "w") as dst,
    ):
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:B6"/>' in data
                data = data.replace(b'<dimension ref="A1:B6"/>', b'<dimension ref="A1"/>')
            dst.writestr(item, data)
    sheet = sheets.read_sheet(tmp_path / "w.xlsx")
    assert [r[0] for r in sheet.rows] == [f"Lead {i}" for i in range(5)]


def test_merged_ranges_are_read_streaming_without_holding_the_sheet(tmp_path):
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>mergeCells %d</t></is></c></row>' % (i, i, i)
        for i in range(3, 600_000)
    )
    xml = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>" + rows + b"</sheetData>"
        b'<mergeCells count="3"><mergeCell ref="A1:H1"/><mergeCell ref="B2:C3"/>'
        b'<mergeCell ref="A900:B901"/></mergeCells></worksheet>'
    )
    assert len(xml) > 40_000_000
    path = tmp_path / "big.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", xml)
    del xml, rows

    tracemalloc.start()
    try:
        merges = read._merged_ranges(path, "xl/worksheets/sheet1.xml")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    # the two merges among the first rows (0-based, inclusive), not the word in the cells
    assert merges == [read._Merge(0, 0, 0, 7), read._Merge(1, 1, 2, 2)]
    assert peak < 4_000_000  # a quarter of a megabyte at a time, not the 40 MB of the sheet
