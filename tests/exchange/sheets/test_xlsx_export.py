"""XLSX export of a list: the list's filter, headers in the chosen language, typed cells,
and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.helpers import World
from workinggroup_app.domain import models
from workinggroup_app.domain.errors import PermissionDenied
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.exchange.sheets.xlsx_export import EXCEL_MAX_CELL, export_xlsx
from workinggroup_app.read.lists import ListSpec

HOSTILE = [
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1)",
    "＝1+1",
    "＋1",
    "－1",
    "＠x",
]


@pytest.fixture
def world(db) -> World:
    w = World(db)
    w.make("agency", abbreviation="DEA", side="US")
    w.make("agency", abbreviation="MPS", side="PRC")
    return w


def sheet_rows(path: Path) -> list[list]:
    ws = load_workbook(path).worksheets[0]
    return [list(r) for r in ws.iter_rows()]


def test_formula_like_text_is_written_as_quoted_text_and_kept_exact(world, db, tmp_path):
    for text in HOSTILE:
        world.make("entity", title_en=text, title_zh="实体", url=text)
    path = tmp_path / "entities.xlsx"
    assert export_xlsx(db, ListSpec("entity"), path) == len(HOSTILE)
    rows = sheet_rows(path)
    header = [c.value for c in rows[0]]
    col = header.index("title_en")
    seen = set()
    for row in rows[1:]:
        cell = row[col]
        assert cell.data_type == "s", cell.value  # never "f": nothing runs
        assert cell.quotePrefix, cell.value  # Excel keeps it text even when edited
        seen.add(cell.value)
    assert seen == set(HOSTILE)
    # and nowhere in the file is a formula
    for row in rows:
        for cell in row:
            assert cell.data_type != "f"


def test_headers_values_and_types_follow_the_choices(world, db, tmp_path):
    world.make(
        "referral",
        title_en="Online NPP sale",
        title_zh="网上销售NPP",
        sending_agency_id="DEA",
        sent_on="2026-01-05",
        summary_en="plain text",
        releasability="releasable",
    )
    path = tmp_path / "r.xlsx"
    export_xlsx(db, ListSpec("referral"), path, headers="zh", values="words")
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    assert ws.title == "线索移交"
    rows = [list(r) for r in ws.iter_rows()]
    header = [c.value for c in rows[0]]
    assert header[:6] == [
        "编号",
        "通用唯一标识",
        "标题（英文）",
        "标题（中文）",
        "状态",
        "可向对方提供",
    ]
    assert all(c.font.b for c in rows[0])
    row = dict(zip(header, rows[1], strict=True))
    assert row["方向"].value == "美方至中方"
    assert row["状态"].value == "草稿"
    assert row["可向对方提供"].value == "yes"
    assert row["发送机构"].value == "DEA"
    assert row["发送/接收日期"].is_date and row["发送/接收日期"].value.date() == date(2026, 1, 5)
    assert row["最后修改"].is_date  # an instant, as a UTC date-time cell
    assert "UTC" in row["最后修改"].number_format
    assert row["摘要（英文）"].value == "plain text" and not row["摘要（英文）"].quotePrefix
    assert ws.freeze_panes == "A2"


def test_the_list_filter_and_the_bilateral_audience_decide_the_rows(world, db, tmp_path):
    world.make("referral", title_en="Shared", releasability="releasable")
    world.make("referral", title_en="Ours only", releasability="us_only")
    world.make(
        "referral", title_en="Other type", referral_type="seizure", releasability="releasable"
    )
    spec = ListSpec("referral", equals=(("referral_type", "lead"),))

    internal = tmp_path / "internal.xlsx"
    assert export_xlsx(db, spec, internal) == 2
    titles = {r[2].value for r in sheet_rows(internal)[1:]}
    assert titles == {"Shared", "Ours only"}

    events = world.audit_count()
    bilateral = tmp_path / "bilateral.xlsx"
    assert export_xlsx(db, spec, bilateral, audience="bilateral") == 1
    assert {r[2].value for r in sheet_rows(bilateral)[1:]} == {"Shared"}
    assert world.audit_count() == events + 1
    with db.session() as s:
        last = s.query(models.AuditEvent).order_by(models.AuditEvent.id.desc()).first()
        assert last.action == "export" and '"xlsx"' in last.changes

    with pytest.raises(PermissionDenied):
        export_xlsx(
            db, spec, tmp_path / "x.xlsx", audience="bilateral", actor=Actor("l", "liaison")
        )
    assert not (tmp_path / "x.xlsx").exists()


def test_control_characters_and_overlong_text_cannot_break_the_file(world, db, tmp_path):
    world.make("entity", title_en="Plain", notes_en="x" * 50_000)
    with db.engine.begin() as conn:  # text written by an older version, before cleaning
        conn.exec_driver_sql("UPDATE entity SET title_zh = ?", ("bell\x07 and nul\x00",))
    path = tmp_path / "e.xlsx"
    export_xlsx(db, ListSpec("entity"), path)
    rows = sheet_rows(path)
    header = [c.value for c in rows[0]]
    assert rows[1][header.index("title_zh")].value == "bell and nul"


def test_a_cancelled_export_leaves_no_file(world, db, tmp_path):
    for i in range(30):
        world.make("entity", title_en=f"E{i}")
    folder = tmp_path / "out"
    folder.mkdir()
    path = folder / "e.xlsx"

    class Stop(Exception):
        pass

    def progress(done, total):
        raise Stop

    with pytest.raises(Stop):
        export_xlsx(db, ListSpec("entity"), path, progress=progress, batch=10)
    assert list(folder.iterdir()) == []


def test_long_cells_are_cut_to_what_excel_accepts_with_a_visible_marker(world, db, tmp_path):
    rid = world.make("referral", summary_en="y" * 45_000)
    assert world.get("referral", rid).summary_en == "y" * 45_000
    path = tmp_path / "r.xlsx"
    export_xlsx(db, ListSpec("referral"), path)
    rows = sheet_rows(path)
    header = [c.value for c in rows[0]]
    value = rows[1][header.index("summary_en")].value
    assert len(value) == EXCEL_MAX_CELL and value.endswith("in the application]")
