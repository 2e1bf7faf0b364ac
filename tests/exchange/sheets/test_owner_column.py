"""An exported action-item list names the owner account by its display name (the list's own
column), beside the counterpart's owner typed by name; a display name that looks like a
formula stays inert."""

from __future__ import annotations

import csv

from openpyxl import load_workbook

from tests.helpers import World
from workinggroup_app.domain import models
from workinggroup_app.exchange.sheets.csv_export import export_csv
from workinggroup_app.exchange.sheets.xlsx_export import export_xlsx
from workinggroup_app.read.lists import ListSpec


def test_csv_and_xlsx_exports_name_the_owner_account(db, tmp_path):
    with db.sessions.begin() as s:
        s.add(models.User(username="alice", display_name="Alice Smith", role="liaison"))
        s.add(models.User(username="eve", display_name="=1+1", role="liaison"))
    w = World(db)
    w.make("action_item", title_en="Mine", owner_user_id="alice", owner_person="Mr. Li, GACC")
    w.make("action_item", title_en="Hers", owner_user_id="eve")
    w.make("action_item", title_en="Nobody's", owner_person="Deputy Director Wang, MPS")

    out = tmp_path / "items.csv"
    assert export_csv(db, ListSpec("action_item"), out) == 3
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = {r["title_en"]: r for r in csv.DictReader(fh)}
    assert (rows["Mine"]["owner_user_id"], rows["Mine"]["owner_person"]) == (
        "Alice Smith",
        "Mr. Li, GACC",
    )
    assert rows["Hers"]["owner_user_id"] == "'=1+1"  # never run as a formula
    assert rows["Nobody's"]["owner_user_id"] == ""

    zh = tmp_path / "items.xlsx"
    assert export_xlsx(db, ListSpec("action_item"), zh, headers="zh") == 3
    sheet = load_workbook(zh).active
    header, *body = [list(r) for r in sheet.iter_rows()]
    names = [c.value for c in header]
    owner, person = names.index("负责人"), names.index("对方负责人")
    by_title = {r[names.index("标题（英文）")].value: r for r in body}
    assert by_title["Mine"][owner].value == "Alice Smith"
    assert by_title["Mine"][person].value == "Mr. Li, GACC"
    assert by_title["Hers"][owner].data_type == "s"  # inert text, not a formula


def test_an_imported_owner_is_the_account_its_name_names_and_unknown_ones_are_reported(
    db, tmp_path
):
    from openpyxl import Workbook

    from workinggroup_app.exchange.sheets.workbook import import_workbook

    with db.sessions.begin() as s:
        s.add(models.User(username="alice", display_name="Alice Smith", role="liaison"))
        s.add(models.User(username="wwang", display_name="Wang Wei", role="liaison"))
        s.add(models.User(username="wwei", display_name="Wang Wei", role="viewer"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Action items"
    ws.append(["title_en", "title_zh", "owner_side", "Owner", "Counterpart owner"])
    ws.append(["By user name", "按用户名", "US", "alice", ""])
    ws.append(["By full name", "按姓名", "US", "ＡＬＩＣＥ ＳＭＩＴＨ", ""])  # full-width, any case
    ws.append(["Counterpart", "对方", "PRC", "", "Deputy Director Li, GACC"])
    path = tmp_path / "items.xlsx"
    wb.save(path)
    report = import_workbook(db, path)
    assert report.ok, [str(p) for _t, p in report.all_problems()]
    with db.session() as s:
        owners = dict(s.execute(select_owners()).all())
    alice = owners.pop("By user name")
    assert alice is not None and owners == {"By full name": alice, "Counterpart": None}

    ws.append(["Unknown", "未知", "US", "Bob Jones", ""])
    ws.append(["Two of them", "两人同名", "US", "Wang Wei", ""])
    wb.save(path)
    report = import_workbook(db, path)
    problems = {p.row: p.message_en for _t, p in report.all_problems()}
    assert set(problems) == {5, 6}
    assert "no active account 'Bob Jones'" in problems[5]
    assert "names 2 accounts" in problems[6]


def select_owners():
    from sqlalchemy import select

    return select(models.ActionItem.title_en, models.ActionItem.owner_user_id)
