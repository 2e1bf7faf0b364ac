"""The whole demo database out as spreadsheets and into a freshly set-up office database:
every record type exported, imported as one workbook, exported again gives the same rows
(identifiers and change times aside)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tests.helpers import TODAY
from workinggroup_app import demo
from workinggroup_app.domain import vocabulary
from workinggroup_app.exchange.sheets.mapping import IMPORT_TYPES
from workinggroup_app.exchange.sheets.workbook import import_workbook
from workinggroup_app.exchange.sheets.xlsx_export import export_xlsx
from workinggroup_app.read.lists import ListSpec
from workinggroup_app.services.office import OfficeProfile
from workinggroup_app.services.setup import SetupRequest, set_up
from workinggroup_app.storage.database import open_database

# what differs between two databases holding the same records
NOT_COMPARED = ("uuid", "updated_at", "created_at", "updated_by", "created_by")


def export_all(db, folder: Path) -> dict[str, list[list[object]]]:
    """Every record type exported (internal, stored keys), as the sheets' rows."""
    out = {}
    folder.mkdir(exist_ok=True)
    for key in IMPORT_TYPES:
        path = folder / f"{key}.xlsx"
        spec = ListSpec(key, include_archived=True)  # archived records are linked to too
        export_xlsx(db, spec, path, headers="en", values="keys")
        ws = load_workbook(path, read_only=True).worksheets[0]
        out[key] = [list(r) for r in ws.iter_rows(values_only=True)]
    return out


def comparable(rows: list[list[object]]) -> dict[object, dict[str, object]]:
    head = [str(h) for h in rows[0]]
    keep = [i for i, h in enumerate(head) if h not in NOT_COMPARED]
    by_ref = {}
    for row in rows[1:]:
        values = {head[i]: ("" if row[i] is None else row[i]) for i in keep}
        by_ref[values["reference"]] = values
    return by_ref


@pytest.mark.slow
def test_every_type_from_the_demo_imports_into_a_fresh_set_up_database(tmp_path, sqlite_template):
    source = tmp_path / "demo.sqlite3"
    shutil.copyfile(sqlite_template, source)
    demo_db = open_database(str(source))
    target_path = tmp_path / "office.sqlite3"
    shutil.copyfile(sqlite_template, target_path)
    office = open_database(str(target_path))
    try:
        demo.seed(demo_db, today=TODAY)
        first = export_all(demo_db, tmp_path)
        assert all(len(rows) > 1 for rows in first.values()), "every type has records"

        wb = Workbook()
        wb.remove(wb.active)
        for key, rows in first.items():
            ws = wb.create_sheet(vocabulary.word("record_type_plural", key))
            for row in rows:
                ws.append(row)
        workbook = tmp_path / "everything.xlsx"
        wb.save(workbook)

        admin = set_up(
            office,
            SetupRequest("jane", "correct horse battery", office=OfficeProfile("US", "INL")),
        ).actor
        report = import_workbook(office, workbook, actor=admin, today=lambda: TODAY)
        assert report.ok, [f"{t}: {p}" for t, p in report.all_problems()[:10]]
        # the shipped agencies and substances both databases hold are recognised, not doubled
        shipped = {s.kind: s.report for s in report.sheets}
        assert shipped["agency"].unchanged and shipped["substance"].unchanged

        second = export_all(office, tmp_path / "again")
        for key in IMPORT_TYPES:
            assert comparable(second[key]) == comparable(first[key]), key
    finally:
        demo_db.dispose()
        office.dispose()
