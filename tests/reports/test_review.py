"""The printable review and the report commands: what a manager prints and what the
counterpart may read, checked by reading the files back as a user's tools would."""

from __future__ import annotations

import csv
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.helpers import run_command
from tests.read.test_dashboard import ALICE, CANARY, NOW, TODAY, build_world
from workinggroup_app.domain import models
from workinggroup_app.domain.errors import PermissionDenied
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.read import dashboard
from workinggroup_app.reports.review import export_review

HOSTILE = "<img src='/etc/passwd'/> a<b & c </b> name<foo@bar.com>"


@pytest.fixture
def world(db):
    ids = build_world(db)
    with db.sessions.begin() as s:  # a referral answered since the last meeting, named badly
        s.add(
            models.Referral(
                reference="REF-HOSTILE",
                title_en=HOSTILE,
                title_zh="恶意标题",
                direction="US_TO_PRC",
                referral_type="lead",
                status="responded",
                sent_on=TODAY - timedelta(days=40),
                answered_on=TODAY,
                releasability="releasable",
            )
        )
    return db, ids


def layout_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def compute(db, audience):
    with db.session() as s:
        return dashboard.compute(s, TODAY, audience, now=NOW)


def line_with(text: str, label: str) -> str:
    lines = [x for x in text.splitlines() if label in x]
    assert lines, f"{label!r} is not in the PDF"
    return lines[0]


@pytest.mark.parametrize("audience", ["internal", "bilateral"])
def test_the_review_prints_the_dashboards_figures_under_bilingual_headings(
    world, tmp_path, audience
):
    db, _ids = world
    out = tmp_path / f"review-{audience}.pdf"
    report = export_review(db, out, audience=audience, today=TODAY, now=NOW)
    d = compute(db, audience)
    text = layout_text(out)
    assert report.pages == len(PdfReader(str(out)).pages) >= 3
    assert f"Page 1 of {report.pages}" in text and f"第 1 页，共 {report.pages} 页" in text
    compact = "".join(text.split())  # a long heading may wrap
    for heading in ("关键数据", "自上次会议以来", "工作进展审阅", *(c.label_zh for c in d.charts)):
        assert heading in compact
    for fig in d.tiles:
        row = line_with(text, fig.label_zh)
        assert f" {fig.text()} " in f" {row} ", (fig.key, row)
    assert d.since is not None
    for fig in d.since.figures:
        assert f" {fig.text()} " in f" {line_with(text, fig.label_zh)} ", fig.key
    # each chart's numbers are printed under it: a pipeline row per status with its total
    pipeline = d.chart("pipeline")
    for ci, cat in enumerate(pipeline.categories):
        total = sum(pipeline.bars[si][ci].count for si in range(len(pipeline.series)))
        row = line_with(text, f"{cat.label_en} / {cat.label_zh}")
        assert row.split()[-1] == f"{total:,}", row
    marking = "Releasable to counterpart" if audience == "bilateral" else "US only"
    assert marking in text


def test_a_bilateral_review_shows_nothing_only_us_only_records_reveal(world, tmp_path):
    db, _ids = world
    internal, shared = tmp_path / "internal.pdf", tmp_path / "bilateral.pdf"
    export_review(db, internal, audience="internal", today=TODAY, now=NOW)
    export_review(db, shared, audience="bilateral", today=TODAY, now=NOW)
    assert CANARY in layout_text(internal)  # the canaries are there to be found
    text = layout_text(shared)
    assert CANARY not in text
    raw = b"".join(p.extract_text().encode() for p in PdfReader(str(shared)).pages)
    assert CANARY.encode() not in raw
    # the US-only meeting is not the "last meeting" of the counterpart's review
    assert "MTG-1" in line_with(text, "Last meeting")


def test_user_text_is_printed_as_written_never_read_as_markup(world, tmp_path):
    db, _ids = world
    out = tmp_path / "review.pdf"
    export_review(db, out, today=TODAY, now=NOW)
    plain = subprocess.run(["pdftotext", str(out), "-"], check=True, capture_output=True, text=True)
    text = " ".join(plain.stdout.split())  # the title wraps in its cell
    assert "REF-HOSTILE <img src='/etc/passwd'/> a<b & c </b> name<foo@bar.com> 恶意标题" in text


def test_a_bilateral_review_needs_the_permission_and_every_review_is_audited(world, tmp_path):
    db, _ids = world
    liaison = Actor("lee", "liaison")
    with pytest.raises(PermissionDenied):
        export_review(db, tmp_path / "no.pdf", audience="bilateral", actor=liaison, today=TODAY)
    assert not (tmp_path / "no.pdf").exists()
    export_review(db, tmp_path / "ok.pdf", audience="internal", actor=liaison, today=TODAY)
    export_review(db, tmp_path / "b.pdf", audience="bilateral", actor=ALICE, today=TODAY)
    with db.session() as s:
        events = s.execute(
            select(models.AuditEvent).where(models.AuditEvent.action == "export")
        ).scalars()
        exports = [(e.actor, e.changes) for e in events]
    assert len(exports) == 2  # the refused one left no event; the internal one did
    assert exports[0][0] == "lee" and '"audience": "internal"' in exports[0][1]
    assert exports[1][0] == "alice" and '"audience": "bilateral"' in exports[1][1]
    assert all('"report": "review"' in changes for _actor, changes in exports)


def test_a_cancelled_review_leaves_no_file(world, tmp_path):
    db, _ids = world
    seen = []

    class Cancel(Exception):
        pass

    def progress(done, total):
        seen.append((done, total))
        if done >= 3:
            raise Cancel()

    with pytest.raises(Cancel):
        export_review(db, tmp_path / "r.pdf", today=TODAY, now=NOW, progress=progress)
    assert seen and not list(tmp_path.glob("*r.pdf*"))


# --- the report commands ---------------------------------------------------------------------


def run_cli(*argv: str) -> int:
    assert argv[0] == "--database-url"
    return run_command(argv[1], *argv[2:])


def test_report_review_writes_the_pdf(world, tmp_path, capsys, db_path):
    out = tmp_path / "cli.pdf"
    argv = ["--database-url", str(db_path), "report", "review", "--today", TODAY.isoformat()]
    assert run_cli(*argv, "--audience", "bilateral", "-o", str(out)) == 0
    assert "wrote" in capsys.readouterr().out
    text = layout_text(out)
    assert "Releasable to counterpart" in text and CANARY not in text


def test_report_overdue_lists_every_overdue_item_oldest_first(world, tmp_path, capsys, db_path):
    db, _ids = world
    base = ["--database-url", str(db_path), "report", "overdue", "--today", TODAY.isoformat()]
    assert run_cli(*base) == 0
    lines = capsys.readouterr().out.splitlines()
    overdue = compute(db, "internal").figure("overdue").value
    assert lines[-1].startswith(f"{overdue:,} overdue action items as of 2026-03-05")
    assert len(lines) == overdue + 2  # a header and a total
    dues = [line.split()[1] for line in lines[1:-1]]
    assert dues == sorted(dues)

    assert run_cli(*base, "--audience", "bilateral") == 0
    shared = capsys.readouterr().out
    assert CANARY not in shared
    assert f"{compute(db, 'bilateral').figure('overdue').value:,} overdue" in shared


def test_report_overdue_as_csv_keeps_formulas_inert(world, tmp_path, db_path):
    db, _ids = world
    with db.sessions.begin() as s:
        item = s.execute(
            select(models.ActionItem).where(models.ActionItem.reference == "AI-S0")
        ).scalar_one()
        item.owner_person = '=HYPERLINK("http://x")'
    out = tmp_path / "overdue.csv"
    argv = ["--database-url", str(db_path), "report", "overdue", "--today", TODAY.isoformat()]
    assert run_cli(*argv, "--format", "csv", "-o", str(out)) == 0
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == compute(db, "internal").figure("overdue").value
    shadow = next(r for r in rows if r["reference"] == "AI-S0")
    assert shadow["owner_person"] == '\'=HYPERLINK("http://x")'
    assert shadow["title_zh"] == "" and int(shadow["days_overdue"]) >= 1
