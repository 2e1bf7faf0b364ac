"""The shipped reference data: agencies of both sides and controlled substances, as data files
installed with the package, merged into every database without ever overwriting what the
office changed, and refused whole when a file is malformed."""

from __future__ import annotations

import csv
import fnmatch
import json
import shutil
import tomllib
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.helpers import World
from workinggroup_app.domain import models, vocabulary
from workinggroup_app.domain.errors import PermissionDenied
from workinggroup_app.domain.permissions import SYSTEM, Actor
from workinggroup_app.domain.validators import cas_check_digit, has_han, validate_cas
from workinggroup_app.services import reference_data
from workinggroup_app.services.reference_data import ReferenceDataError
from workinggroup_app.storage import settings

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "resources" / "reference"
TABLES = (
    models.Agency,
    models.Substance,
    models.AuditEvent,
    models.SearchText,
    models.AppSetting,
    models.ReferenceCounter,
)


def rows_everywhere(db) -> tuple[int, ...]:
    with db.session() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) for t in TABLES)


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def copy(tmp_path, monkeypatch) -> Path:
    """A copy of the shipped files that the merge reads instead (a newer version, say)."""
    folder = tmp_path / "reference"
    shutil.copytree(SHIPPED, folder)
    monkeypatch.setattr(reference_data, "data_folder", lambda: folder)
    return folder


def by_uuid(db, model, value: str):
    with db.session() as s:
        obj = s.execute(select(model).where(model.uuid == value)).scalar_one_or_none()
        if obj is not None:
            s.expunge(obj)
        return obj


def first_row(folder: Path, name: str, **match: str) -> dict[str, str]:
    _header, rows = read_csv(folder / name)
    return next(r for r in rows if all(r[k] == v for k, v in match.items()))


# --- the files ------------------------------------------------------------------------------


def test_the_files_hold_agencies_of_both_sides_with_both_names():
    data = reference_data.shipped()
    assert len(data.agencies) >= 12
    sides = [r.values["side"] for r in data.agencies]
    assert sides.count("US") >= 6 and sides.count("PRC") >= 6
    assert set(sides) == set(vocabulary.keys("side"))
    for row in data.agencies:
        assert row.values["title_en"].isascii() and row.values["title_en"]
        assert has_han(row.values["title_zh"]), row.values["abbreviation"]
        assert row.values["abbreviation"]
    abbreviations = {(r.values["side"], r.values["abbreviation"]) for r in data.agencies}
    for expected in (("US", "DEA"), ("US", "FinCEN"), ("PRC", "MPS NCB"), ("PRC", "GACC")):
        assert expected in abbreviations


def test_the_files_hold_substances_with_valid_cas_numbers_and_a_source_each():
    data = reference_data.shipped()
    assert len(data.substances) >= 40
    header, raw = read_csv(SHIPPED / "substances.csv")
    assert "source" in header and len(raw) == len(data.substances)
    for line, row in enumerate(raw, start=2):
        cas = row["cas_number"]
        body, check = cas.rsplit("-", 1)
        assert cas_check_digit(body) == int(check), (line, cas)
        assert validate_cas("cas_number", cas) == cas
        assert row["source"].strip(), line
        assert row["name_en"] and has_han(row["name_zh"]), line
        assert row["category"] in vocabulary.keys("substance_category"), line
        for side in ("us_control", "prc_control"):
            assert row[side] == "" or row[side] in vocabulary.keys("control_status"), line
    categories = {r.values["category"] for r in data.substances}
    assert {"opioid", "precursor", "nitazene"} <= categories
    known = {r.values["cas_number"]: r.values["title_en"] for r in data.substances}
    for cas in ("437-38-7", "21409-26-7", "39742-60-4", "41661-47-6", "79099-07-3"):
        assert cas in known
    # the source is kept with the record, in both languages
    fentanyl = next(r for r in data.substances if r.values["cas_number"] == "437-38-7")
    assert "Source: CSA Schedule II" in fentanyl.values["notes_en"]
    assert "来源：CSA Schedule II" in fentanyl.values["notes_zh"]


def test_every_row_has_its_own_uuid_and_the_manifest_names_the_version_and_columns():
    data = reference_data.shipped()
    uuids = [r.uuid for r in data.rows()]
    assert len(uuids) == len(set(uuids)) == len(data.agencies) + len(data.substances)
    assert all(str(uuid.UUID(u)) == u for u in uuids)
    manifest = json.loads((SHIPPED / "manifest.json").read_text(encoding="utf-8"))
    assert data.version == manifest["version"] and data.version
    for entry in manifest["files"].values():
        header, _rows = read_csv(SHIPPED / entry["file"])
        assert set(header) == set(entry["columns"]), entry["file"]
        assert all(entry["columns"].values())  # each column described


def test_the_files_are_installed_with_the_package():
    """Read through the installed package, and named by the package data and the bundle."""
    from importlib.resources import files

    folder = files("workinggroup_app.resources") / "reference"
    assert (folder / "manifest.json").is_file()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["workinggroup_app.resources"]
    spec = (ROOT / "packaging" / "workinggroup-app.spec").read_text(encoding="utf-8")
    for path in SHIPPED.iterdir():
        name = f"reference/{path.name}"
        assert any(fnmatch.fnmatch(name, p) for p in patterns), name
        assert (folder / path.name).read_bytes() == path.read_bytes()
    assert '"reference/*"' in spec


# --- merging --------------------------------------------------------------------------------


def test_a_fresh_merge_creates_every_record_as_the_services_would(any_db):
    db = any_db
    data = reference_data.shipped()
    report = reference_data.merge(db)
    assert report.written
    assert len(report.added("agency")) == len(data.agencies)
    assert len(report.added("substance")) == len(data.substances)
    assert report.summary_en() == (
        f"Reference data {data.version}: added {len(data.agencies)} agencies, "
        f"{len(data.substances)} substances."
    )
    assert report.summary_zh().startswith(f"参考数据 {data.version}：新增机构")
    with db.session() as s:
        agencies = s.scalars(select(models.Agency)).all()
        substances = s.scalars(select(models.Substance)).all()
        assert {a.uuid for a in agencies} | {x.uuid for x in substances} == set(data.by_uuid())
        dea = next(a for a in agencies if a.abbreviation == "DEA")
        assert dea.reference.startswith("AG-") and dea.created_by == "system"
        assert dea.releasability == "releasable" and dea.caveat == "NONE"
        fentanyl = next(x for x in substances if x.cas_number == "437-38-7")
        assert fentanyl.reference.startswith("SUB-") and fentanyl.title_zh == "芬太尼"
        # search text, and one audit event per record, as for any record created by a user
        bodies = dict(
            s.execute(
                select(models.SearchText.record_id, models.SearchText.body).where(
                    models.SearchText.record_type == "substance"
                )
            ).all()
        )
        assert "芬太尼" in bodies[fentanyl.id] and fentanyl.reference in bodies[fentanyl.id]
        creates = s.scalars(select(models.AuditEvent).where(models.AuditEvent.action == "create"))
        assert {(e.record_type, e.reference) for e in creates} == {
            *(("agency", a.reference) for a in agencies),
            *(("substance", x.reference) for x in substances),
        }
        summary = s.scalars(
            select(models.AuditEvent).where(models.AuditEvent.action == "reference_data")
        ).one()
        changes = json.loads(summary.changes)
        assert changes["version"] == [None, data.version]
        assert sorted(changes["agency"]["added"]) == sorted(a.reference for a in agencies)
        assert settings.read(s, reference_data.VERSION_KEY) == data.version
    assert World(db).verify().ok


def test_merging_twice_changes_nothing_the_second_time(any_db):
    db = any_db
    reference_data.merge(db)
    before = rows_everywhere(db)
    with db.session() as s:
        versions = sorted(s.execute(select(models.Agency.uuid, models.Agency.version)).all())
    again = reference_data.merge(db)
    assert not again.written and not again.changed
    assert rows_everywhere(db) == before
    with db.session() as s:
        assert sorted(s.execute(select(models.Agency.uuid, models.Agency.version)).all()) == (
            versions
        )
    data = reference_data.shipped()
    assert again.summary_en() == (
        f"Reference data {data.version}: up to date "
        f"({len(data.agencies)} agencies, {len(data.substances)} substances)."
    )
    assert "已是最新" in again.summary_zh()


def test_a_newer_version_adds_updates_and_keeps_what_the_office_changed(db, copy):
    reference_data.merge(db)
    w = World(db)
    dea = first_row(copy, "agencies.csv", abbreviation="DEA")
    fbi = first_row(copy, "agencies.csv", abbreviation="FBI")
    cbp = first_row(copy, "agencies.csv", abbreviation="CBP")
    ndea = first_row(copy, "substances.csv", cas_number="39742-60-4")
    # the office edits FBI and archives CBP
    fbi_id = by_uuid(db, models.Agency, fbi["uuid"]).id
    w.svc.update("agency", fbi_id, {"title_en": "FBI (our name for it)"}, 1)
    cbp_id = by_uuid(db, models.Agency, cbp["uuid"]).id
    w.svc.archive("agency", cbp_id, 1)

    # a newer version: DEA, FBI and CBP renamed, NPP's US control changed, one new row each
    header, agencies = read_csv(copy / "agencies.csv")
    for row in agencies:
        if row["uuid"] in (dea["uuid"], fbi["uuid"], cbp["uuid"]):
            row["name_en"] = "U.S. " + row["name_en"]
    new_agency = str(uuid.uuid4())
    agencies.append(
        {
            "uuid": new_agency,
            "side": "PRC",
            "abbreviation": "MIIT",
            "name_en": "Ministry of Industry and Information Technology",
            "name_zh": "工业和信息化部",
        }
    )
    write_csv(copy / "agencies.csv", header, agencies)
    header, substances = read_csv(copy / "substances.csv")
    for row in substances:
        if row["uuid"] == ndea["uuid"]:
            row["us_control"] = "controlled"
    new_substance = str(uuid.uuid4())
    substances.append(
        {
            "uuid": new_substance,
            "name_en": "Propionyl chloride",
            "name_zh": "丙酰氯",
            "category": "precursor",
            "cas_number": "79-03-8",
            "us_control": "",
            "prc_control": "",
            "note_en": "",
            "note_zh": "",
            "source": "a test list",
        }
    )
    write_csv(copy / "substances.csv", header, substances)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    old_version, manifest["version"] = manifest["version"], "2099.01"
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    report = reference_data.merge(db)
    assert report.version == "2099.01" and report.previous_version == old_version
    dea_now = by_uuid(db, models.Agency, dea["uuid"])
    assert dea_now.title_en == "U.S. Drug Enforcement Administration"  # untouched: updated
    assert dea_now.version == 2 and dea_now.updated_by == "system"
    assert by_uuid(db, models.Agency, fbi["uuid"]).title_en == "FBI (our name for it)"
    cbp_now = by_uuid(db, models.Agency, cbp["uuid"])
    assert cbp_now.archived and not cbp_now.title_en.startswith("U.S. U.S.")
    assert by_uuid(db, models.Substance, ndea["uuid"]).us_control == "controlled"
    added_agency = by_uuid(db, models.Agency, new_agency)
    added_substance = by_uuid(db, models.Substance, new_substance)
    assert added_agency.title_zh == "工业和信息化部"
    assert added_substance.notes_en == "Source: a test list"
    assert report.added("agency") == [added_agency.reference]
    assert report.added("substance") == [added_substance.reference]
    assert report.updated("agency") == [dea_now.reference]
    kept = {(k.reference, k.reason) for k in report.kept("agency")}
    assert kept == {(cbp_now.reference, "archived"), (w.get("agency", fbi_id).reference, "edited")}
    summary = report.summary_en()
    assert "added 1 agency, 1 substance" in summary and "updated 1 agency, 1 substance" in summary
    assert "FBI (edited here)" in summary and "CBP (archived here)" in summary
    assert "本地已修改" in report.summary_zh()

    # the audit trail says what was merged
    with db.session() as s:
        event = s.scalars(
            select(models.AuditEvent)
            .where(models.AuditEvent.action == "reference_data")
            .order_by(models.AuditEvent.id.desc())
        ).first()
        changes = json.loads(event.changes)
        assert changes["version"] == [old_version, "2099.01"]
        assert changes["agency"]["added"] == [added_agency.reference]
        assert changes["agency"]["updated"] == [dea_now.reference]
        assert {"reference": cbp_now.reference, "reason": "archived"} in changes["agency"]["kept"]
        update = s.scalars(
            select(models.AuditEvent).where(
                models.AuditEvent.action == "update",
                models.AuditEvent.reference == dea_now.reference,
            )
        ).one()
        assert json.loads(update.changes)["title_en"][1] == "U.S. Drug Enforcement Administration"
    assert w.verify().ok
    # and once merged, the newer version changes nothing more
    before = rows_everywhere(db)
    assert not reference_data.merge(db).written
    assert rows_everywhere(db) == before


def test_the_same_agency_or_substance_under_another_uuid_is_not_duplicated(db, copy):
    w = World(db)
    own_dea = w.make("agency", abbreviation="dea ", side="US", title_en="Our DEA")
    own_npp = w.make("substance", title_en="Our NPP", cas_number="39742-60-4")
    report = reference_data.merge(db)
    kept = {(k.reason, k.label_en) for k in report.kept("agency") + report.kept("substance")}
    assert kept == {("existing", "DEA"), ("existing", "N-Phenethyl-4-piperidone (NPP)")}
    with db.session() as s:
        assert (
            s.scalar(
                select(func.count()).where(
                    func.upper(func.trim(models.Agency.abbreviation)) == "DEA"
                )
            )
            == 1
        )
        npp = s.scalars(
            select(models.Substance).where(models.Substance.cas_number == "39742-60-4")
        ).all()
        assert [x.id for x in npp] == [own_npp]
    dea = first_row(copy, "agencies.csv", abbreviation="DEA")
    with db.session() as s:
        assert reference_data.local_records(s)[dea["uuid"]] == own_dea
    # a later version never writes over the office's own record either
    header, rows = read_csv(copy / "agencies.csv")
    for row in rows:
        if row["uuid"] == dea["uuid"]:
            row["name_en"] = "Renamed upstream"
    write_csv(copy / "agencies.csv", header, rows)
    later = reference_data.merge(db)
    assert not later.written and w.get("agency", own_dea).title_en == "Our DEA"


# --- refused ----------------------------------------------------------------------------------


def _bad_cas(folder: Path) -> str:
    header, rows = read_csv(folder / "substances.csv")
    rows[2]["cas_number"] = "437-38-8"
    write_csv(folder / "substances.csv", header, rows)
    return "substances.csv, line 4, cas_number"


def _missing_column(folder: Path) -> str:
    header, rows = read_csv(folder / "substances.csv")
    header.remove("source")
    write_csv(folder / "substances.csv", header, [{k: r[k] for k in header} for r in rows])
    return "substances.csv: missing column(s) source"


def _duplicate_uuid(folder: Path) -> str:
    _header, agencies = read_csv(folder / "agencies.csv")
    header, rows = read_csv(folder / "substances.csv")
    rows[5]["uuid"] = agencies[0]["uuid"]
    write_csv(folder / "substances.csv", header, rows)
    return f"substances.csv, line 7: UUID {agencies[0]['uuid']} is already used on line 2 of agencies.csv"


def _no_source(folder: Path) -> str:
    header, rows = read_csv(folder / "substances.csv")
    rows[0]["source"] = "  "
    write_csv(folder / "substances.csv", header, rows)
    return "substances.csv, line 2, source: required"


def _unknown_side(folder: Path) -> str:
    header, rows = read_csv(folder / "agencies.csv")
    rows[1]["side"] = "EU"
    write_csv(folder / "agencies.csv", header, rows)
    return "agencies.csv, line 3, side: Side: 'EU' is not one of the allowed values"


def _pinyin_name(folder: Path) -> str:
    header, rows = read_csv(folder / "agencies.csv")
    rows[0]["name_zh"] = "Meiguo jidu ju"
    write_csv(folder / "agencies.csv", header, rows)
    return "agencies.csv, line 2, name_zh: must be written in Chinese characters"


def _huge_name(folder: Path) -> str:
    header, rows = read_csv(folder / "agencies.csv")
    rows[0]["name_en"] = '=HYPERLINK("x")' + "x" * 600
    write_csv(folder / "agencies.csv", header, rows)
    return "agencies.csv, line 2, name_en: Name (English): too long"


def _not_utf8(folder: Path) -> str:
    path = folder / "agencies.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    return "agencies.csv: is not UTF-8 text"


def _no_manifest(folder: Path) -> str:
    (folder / "manifest.json").unlink()
    return "manifest.json: the file is missing"


@pytest.mark.parametrize(
    "spoil",
    [
        _bad_cas,
        _missing_column,
        _duplicate_uuid,
        _no_source,
        _unknown_side,
        _pinyin_name,
        _huge_name,
        _not_utf8,
        _no_manifest,
    ],
)
def test_a_malformed_file_is_a_clear_error_and_nothing_is_written(db, copy, spoil):
    expected = spoil(copy)
    with pytest.raises(ReferenceDataError) as caught:
        reference_data.shipped()
    assert expected in caught.value.message_en
    assert caught.value.message_en.startswith("The shipped reference data cannot be used")
    assert caught.value.message_zh.startswith("随附的参考数据无法使用") and has_han(
        caught.value.message_zh
    )
    before = rows_everywhere(db)
    with pytest.raises(ReferenceDataError):
        reference_data.merge(db)
    assert rows_everywhere(db) == before


def test_a_malformed_newer_version_leaves_the_merged_one_as_it_was(db, copy):
    reference_data.merge(db)
    before = rows_everywhere(db)
    _bad_cas(copy)
    first_row_uuid = read_csv(copy / "agencies.csv")[1][0]["uuid"]
    header, rows = read_csv(copy / "agencies.csv")
    rows[0]["name_en"] = "Changed"
    write_csv(copy / "agencies.csv", header, rows)
    with pytest.raises(ReferenceDataError):
        reference_data.merge(db)
    assert rows_everywhere(db) == before
    assert by_uuid(db, models.Agency, first_row_uuid).title_en == "Drug Enforcement Administration"


def test_only_those_who_may_create_agencies_merge(db):
    before = rows_everywhere(db)
    with pytest.raises(PermissionDenied):
        reference_data.merge(db, Actor("ann", "liaison"))
    assert rows_everywhere(db) == before
    assert reference_data.merge(db, SYSTEM).written


def test_set_up_merges_the_shipped_data_with_the_first_administrator(db):
    from workinggroup_app.services import setup

    result = setup.set_up(db, setup.SetupRequest("admin", "a long pass phrase 42"))
    data = reference_data.shipped()
    assert result.reference is not None
    assert len(result.reference.added("agency")) == len(data.agencies)
    with db.session() as s:
        actors = set(
            s.scalars(
                select(models.AuditEvent.actor).where(
                    models.AuditEvent.record_type.in_(("agency", "substance"))
                )
            )
        )
        assert actors == {"admin"}
        assert s.scalar(select(func.count()).select_from(models.Substance)) == len(data.substances)
