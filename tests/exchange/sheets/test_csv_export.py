"""CSV export: the list a user sees, as a file a spreadsheet opens safely."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.helpers import World
from workinggroup_app.domain import models
from workinggroup_app.domain.errors import PermissionDenied
from workinggroup_app.domain.fields import RECORD_TYPES, record_type
from workinggroup_app.domain.permissions import ROLES, Actor, allowed
from workinggroup_app.exchange.sheets.csv_export import export_csv, neutralise
from workinggroup_app.exchange.sheets.export import export_columns, header_row
from workinggroup_app.read.lists import ListSpec


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize(
    ("cell", "out"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("＝1+1", "'＝1+1"),
        ("＋1", "'＋1"),
        ("－1", "'－1"),
        ("＠x", "'＠x"),
        ("-", "'-"),
        ("-12", "-12"),
        ("-12.5", "-12.5"),
        ("+7", "+7"),
        ("-1e5", "-1e5"),
        ("-.5", "-.5"),
        ("12", "12"),
        ("a=b", "a=b"),
        ("芬太尼", "芬太尼"),
        ("", ""),
    ],
)
def test_cells_a_spreadsheet_would_run_get_an_apostrophe(cell, out):
    assert neutralise(cell) == out


@pytest.fixture
def world(db):
    w = World(db)
    dea = w.make("agency", abbreviation="DEA", title_en="Drug Enforcement Administration")
    shared_case = w.make("case", releasability="releasable")
    internal_case = w.make("case", releasability="us_only")
    w.ids = {  # type: ignore[attr-defined]
        "hostile": w.make(
            "referral",
            title_en='=HYPERLINK("http://evil.example","click")',
            title_zh="涉嫌走私芬太尼前体",
            counterpart_ref="-12",
            sending_agency_id=dea,
            sent_on=date(2026, 2, 1),
            releasability="releasable",
        ),
        "plain": w.make("referral", title_en="Plain lead", summary_en='line 1\nline 2, "quoted"'),
        "shared_in_case": w.make("referral", case_id=shared_case, releasability="releasable"),
        "in_internal_case": w.make("referral", case_id=internal_case, releasability="releasable"),
    }
    archived = w.make("referral", title_en="Archived")
    w.svc.archive("referral", archived, 1)
    w.svc.transition("referral", w.ids["plain"], "sent")  # type: ignore[attr-defined]
    return w


def test_export_writes_one_row_per_record_with_the_documented_columns(world, tmp_path):
    out = tmp_path / "referrals.csv"
    n = export_csv(world.db, ListSpec("referral"), out)
    rows = read(out)
    assert n == len(rows) == 4  # the archived one is not in the list
    header = list(rows[0])
    assert header[:6] == ["reference", "uuid", "title_en", "title_zh", "status", "releasable"]
    assert header[6:] == export_columns(record_type("referral"))[5:]
    assert "releasability" not in header
    with world.db.session() as s:
        refs = {r.id: r for r in s.execute(select(models.Referral)).scalars()}
    by_ref = {row["reference"]: row for row in rows}
    hostile = by_ref[refs[world.ids["hostile"]].reference]
    assert hostile["title_en"] == '\'=HYPERLINK("http://evil.example","click")'
    assert hostile["title_zh"] == "涉嫌走私芬太尼前体"
    assert hostile["counterpart_ref"] == "-12"
    assert hostile["sending_agency_id"] == "DEA"
    assert hostile["sent_on"] == "2026-02-01"
    assert hostile["releasable"] == "yes"
    assert hostile["direction"] == "US_TO_PRC"
    assert hostile["uuid"] == refs[world.ids["hostile"]].uuid
    plain = by_ref[refs[world.ids["plain"]].reference]
    assert plain["status"] == "sent"
    assert plain["releasable"] == "no"
    assert plain["summary_en"] == 'line 1\nline 2, "quoted"'
    assert plain["updated_at"].endswith("+00:00")
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # so Excel reads the Chinese


def test_chinese_headers_and_words_instead_of_keys(world, tmp_path):
    out = tmp_path / "zh.csv"
    export_csv(world.db, ListSpec("referral"), out, headers="zh", values="words")
    rows = read(out)
    header = list(rows[0])
    assert header[:6] == [
        "编号",
        "通用唯一标识",
        "标题（英文）",
        "标题（中文）",
        "状态",
        "可向对方提供",
    ]
    assert header == header_row(record_type("referral"), "zh")
    assert {r["方向"] for r in rows} == {"美方至中方"}
    assert "已发送" in {r["状态"] for r in rows}


def test_filters_of_the_list_apply_to_the_file(world, tmp_path):
    out = tmp_path / "sent.csv"
    assert export_csv(world.db, ListSpec("referral", equals=(("status", "sent"),)), out) == 1
    assert read(out)[0]["title_en"] == "Plain lead"
    assert export_csv(world.db, ListSpec("referral", include_archived=True), out) == 5
    assert export_csv(world.db, ListSpec("referral", text="芬太尼"), out) == 1


def test_bilateral_export_keeps_only_what_the_counterpart_may_see_and_is_audited(world, tmp_path):
    out = tmp_path / "bilateral.csv"
    before = world.audit_count()
    coordinator = Actor("cora", "coordinator")
    n = export_csv(world.db, ListSpec("referral"), out, audience="bilateral", actor=coordinator)
    rows = read(out)
    with world.db.session() as s:
        want = {
            s.get(models.Referral, world.ids[k]).reference for k in ("hostile", "shared_in_case")
        }
    assert n == 2 and {r["reference"] for r in rows} == want
    assert {r["releasable"] for r in rows} == {"yes"}
    assert world.audit_count() == before + 1
    with world.db.session() as s:
        ev = s.execute(
            select(models.AuditEvent).order_by(models.AuditEvent.id.desc()).limit(1)
        ).scalar_one()
    assert (ev.action, ev.actor, ev.record_type) == ("export", "cora", "referral")
    assert '"audience": "bilateral"' in ev.changes and '"rows": 2' in ev.changes
    assert world.verify().ok


def test_internal_exports_are_audited_too(world, tmp_path):
    """Every export leaves a trace: who took which list out, for which audience."""
    before = world.audit_count()
    export_csv(world.db, ListSpec("referral"), tmp_path / "x.csv")
    assert world.audit_count() == before + 1
    with world.db.session() as s:
        ev = s.execute(
            select(models.AuditEvent).order_by(models.AuditEvent.id.desc()).limit(1)
        ).scalar_one()
    assert ev.action == "export" and '"audience": "internal"' in ev.changes
    assert '"format": "csv"' in ev.changes
    assert world.verify().ok


@pytest.mark.parametrize("role", ROLES)
def test_who_may_export_for_which_audience(world, tmp_path, role):
    actor = Actor(role, role)
    for audience, action in (("internal", "export"), ("bilateral", "export_bilateral")):
        out = tmp_path / f"{audience}.csv"
        if allowed(role, action, "referral"):
            export_csv(world.db, ListSpec("referral"), out, audience=audience, actor=actor)
            assert out.exists()
        else:
            with pytest.raises(PermissionDenied):
                export_csv(world.db, ListSpec("referral"), out, audience=audience, actor=actor)
            assert not out.exists()


def test_batches_stream_the_same_rows_and_report_progress(world, tmp_path):
    for i in range(11):
        world.make("referral", title_en=f"Bulk {i}", sent_on=date(2026, 1, 1 + i))
    spec = ListSpec("referral", sort="sent_on")
    whole, small = tmp_path / "whole.csv", tmp_path / "small.csv"
    calls: list[tuple[int, int]] = []
    n = export_csv(world.db, spec, whole)
    assert (
        export_csv(world.db, spec, small, batch=4, progress=lambda d, t: calls.append((d, t))) == n
    )
    assert whole.read_bytes() == small.read_bytes()
    assert calls == [(4, 15), (8, 15), (12, 15), (15, 15)]


def test_a_cancelled_export_leaves_no_file_and_keeps_an_older_one(world, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "keep.csv"
    out.write_text("the previous export\n")

    def cancel(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export_csv(world.db, ListSpec("referral"), out, batch=1, progress=cancel)
    assert out.read_text() == "the previous export\n"
    assert [p.name for p in folder.iterdir()] == ["keep.csv"]


@pytest.mark.parametrize("type_key", list(RECORD_TYPES))
def test_every_record_type_exports(world, tmp_path, type_key):
    out = tmp_path / f"{type_key}.csv"
    n = export_csv(world.db, ListSpec(type_key), out)
    with world.db.session() as s:
        model = RECORD_TYPES[type_key].model
        live = s.execute(select(model.id).where(model.archived.is_(False))).all()
    rows = read(out) if n else []
    assert n == len(live) == len(rows)
    with out.open(encoding="utf-8-sig") as fh:
        header = next(csv.reader(fh))
    assert header[:4] == ["reference", "uuid", "title_en", "title_zh"]
    assert "releasable" in header


def test_bad_arguments_are_refused_before_anything_is_written(world, tmp_path):
    out = tmp_path / "x.csv"
    with pytest.raises(ValueError, match="audience"):
        export_csv(world.db, ListSpec("referral"), out, audience="press")
    with pytest.raises(ValueError, match="headers"):
        export_csv(world.db, ListSpec("referral"), out, headers="fr")
    with pytest.raises(KeyError):
        export_csv(world.db, ListSpec("bogus"), out)
    with pytest.raises(FileNotFoundError):
        export_csv(world.db, ListSpec("referral"), tmp_path / "no" / "such" / "dir.csv")
    assert not out.exists()


def test_an_export_reads_one_snapshot_and_never_blocks_a_writer(any_db, tmp_path):
    w = World(any_db)
    first = [w.make("referral", title_en=f"Before {i}") for i in range(10)]
    written: list[int] = []

    def meanwhile(done: int, total: int) -> None:
        if not written:  # another user keeps working while the file is being written
            written.extend(w.make("referral", title_en=f"During {i}") for i in range(5))
            w.svc.archive("referral", first[0], 1)

    out = tmp_path / "snapshot.csv"
    n = export_csv(any_db, ListSpec("referral", sort="title_en"), out, batch=3, progress=meanwhile)
    rows = read(out)
    assert n == len(rows) == 10
    assert sorted(r["title_en"] for r in rows) == sorted(f"Before {i}" for i in range(10))
    assert len({r["reference"] for r in rows}) == 10
    assert len(written) == 5
