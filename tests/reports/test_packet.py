"""The bilingual meeting packet: what each delegation reads, and what it must never read."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from workinggroup_app.domain import models
from workinggroup_app.domain.errors import DomainError, NotFoundError
from workinggroup_app.reports.markup import clean, markup_escape
from workinggroup_app.reports.packet import export_packet, load
from workinggroup_app.services.records import Services
from workinggroup_app.storage.database import open_database

TODAY = date(2026, 3, 5)
MEETING = "MTG-2026-0003"
CANARY = "CANARY"  # every US-only string in the world below contains this word

HOSTILE = "<img src='/etc/passwd'/> a<b & c </b> <b>x</b> name<foo@bar.com> \x00nul\x07"


def long_text(letter: str) -> str:
    """20,000 characters of numbered words, so that a lost line would be noticed."""
    return " ".join(f"{letter}{i:05d}" for i in range(3400))[:20000]


# --- building a world with the ORM ------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path):
    database = open_database(str(tmp_path / "t.sqlite3"))
    yield database
    database.dispose()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def agency(s, ref, side, abbr, en, zh, rel="releasable"):
    a = models.Agency(
        reference=ref, side=side, abbreviation=abbr, title_en=en, title_zh=zh, releasability=rel
    )
    s.add(a)
    return a


def meeting(s, ref, starts_at, rel="releasable", **kw):
    m = models.Meeting(
        reference=ref,
        title_en=kw.pop("title_en", f"Meeting {ref}"),
        title_zh=kw.pop("title_zh", f"会议 {ref}"),
        releasability=rel,
        starts_at=starts_at,
        status=kw.pop("status", "held"),
        **kw,
    )
    s.add(m)
    return m


def referral(s, ref, rel="releasable", **kw):
    r = models.Referral(
        reference=ref,
        title_en=kw.pop("title_en", f"Referral {ref}"),
        title_zh=kw.pop("title_zh", f"线索 {ref}"),
        releasability=rel,
        direction=kw.pop("direction", "US_TO_PRC"),
        referral_type=kw.pop("referral_type", "lead"),
        status=kw.pop("status", "sent"),
        **kw,
    )
    s.add(r)
    return r


def action(s, ref, rel="releasable", **kw):
    a = models.ActionItem(
        reference=ref,
        title_en=kw.pop("title_en", f"Action {ref}"),
        title_zh=kw.pop("title_zh", f"行动 {ref}"),
        releasability=rel,
        owner_side=kw.pop("owner_side", "US"),
        status=kw.pop("status", "open"),
        **kw,
    )
    s.add(a)
    return a


def build_world(db) -> None:
    """A third plenary with releasable content and a US-only canary in every kind of record."""
    with db.sessions() as s:
        dea = agency(
            s, "AG-2026-0001", "US", "DEA", "Drug Enforcement Administration", "美国缉毒局"
        )
        mps = agency(s, "AG-2026-0002", "PRC", "MPS", "Ministry of Public Security", "公安部")
        secret = agency(
            s, "AG-2026-0003", "US", "CANARY-TF", "CANARY task force", "金丝雀专案组", "us_only"
        )
        meeting(s, "MTG-2026-0001", utc(2026, 1, 15, 15), title_en="Second plenary")
        meeting(s, "MTG-2026-0002", utc(2026, 2, 1, 15), "us_only", title_en="CANARY prep")
        meeting(s, "MTG-2026-0009", utc(2026, 2, 20, 15), status="cancelled")
        m = meeting(
            s,
            MEETING,
            utc(2026, 3, 10, 14),
            title_en="Third plenary of the counternarcotics working group",
            title_zh="禁毒合作工作组第三次全体会议",
            meeting_type="plenary",
            place_en="Beijing, Ministry of Public Security",
            place_zh="北京，公安部",
            summary_en="Review of precursor controls.",
            summary_zh="审议前体管制工作。",
        )
        s.flush()
        m.attendees = [
            models.MeetingAttendee(
                side="US",
                name_en="Jane Doe",
                name_zh="简·多伊",
                position_en="Deputy Assistant Secretary",
                position_zh="副助理国务卿",
                agency_id=dea.id,
                head_of_delegation=True,
                position=1,
            ),
            models.MeetingAttendee(
                side="US",
                name_en="John Roe",
                position_en="Special agent",
                agency_id=secret.id,
                position=2,
            ),
            models.MeetingAttendee(
                side="PRC",
                name_en="Wang Wei",
                name_zh="王伟",
                position_en="Deputy Director General",
                position_zh="副局长",
                agency_id=mps.id,
                head_of_delegation=True,
                position=1,
            ),
        ]
        m.agenda_items = [
            models.AgendaItem(
                position=1,
                title_en="Precursor controls",
                title_zh="前体管制",
                notes_en="Scheduling of 4-AP",
                notes_zh="4-AP列管",
                releasability="releasable",
            ),
            models.AgendaItem(position=2, title_en="CANARY agenda item", releasability="us_only"),
            models.AgendaItem(position=3, title_en="CANARY unmarked agenda item"),
        ]
        m.decisions = [
            models.Decision(
                position=1,
                text_en="Exchange seizure lists monthly",
                text_zh="每月交换查获清单",
                releasability="releasable",
            ),
            models.Decision(position=2, text_en="CANARY decision", releasability="us_only"),
        ]
        case_ok = models.Case(
            reference="CASE-2026-0001",
            title_en="Pill press network",
            title_zh="压片机网络",
            releasability="releasable",
            status="active",
            summary_en="Presses shipped via express couriers.",
        )
        case_us = models.Case(
            reference="CASE-2026-0002", title_en="CANARY case", releasability="us_only"
        )
        s.add_all([case_ok, case_us])
        r1 = referral(
            s,
            "REF-2026-0001",
            title_en="Online sale of NPP",
            title_zh="网络销售NPP",
            sending_agency=dea,
            receiving_agency=mps,
            sent_on=date(2026, 1, 5),
            response_due=date(2026, 2, 5),
            counterpart_ref="GA-2026-17",
            summary_en="Storefront offering NPP.",
            summary_zh="网店出售NPP。",
            status="acknowledged",
            case=case_ok,
        )
        r_us = referral(s, "REF-2026-0002", "us_only", title_en="CANARY referral")
        r_in_us_case = referral(s, "REF-2026-0003", title_en="CANARY inherited", case=case_us)
        s.flush()
        m.referrals = [r1, r_us, r_in_us_case]
        m.cases = [case_ok, case_us]
        s.add_all(
            [
                models.StatusChange(
                    record_type="referral",
                    record_id=r1.id,
                    from_status="sent",
                    to_status="acknowledged",
                    comment="Acknowledged by MPS 公安部已确认",
                    note_releasable=True,
                    changed_by="liaison1",
                    changed_at=utc(2026, 2, 10, 9),
                ),
                models.StatusChange(
                    record_type="referral",
                    record_id=r1.id,
                    from_status="acknowledged",
                    to_status="acknowledged",
                    comment="CANARY note",
                    note_releasable=False,
                    changed_at=utc(2026, 2, 12, 9),
                ),
                models.StatusChange(
                    record_type="referral",
                    record_id=r1.id,
                    from_status="draft",
                    to_status="sent",
                    comment="OLDCHANGE before the previous meeting",
                    note_releasable=True,
                    changed_at=utc(2026, 1, 5, 9),
                ),
                models.StatusChange(
                    record_type="referral",
                    record_id=r_us.id,
                    from_status="draft",
                    to_status="sent",
                    comment="CANARY change of a US-only referral",
                    note_releasable=True,
                    changed_at=utc(2026, 2, 11, 9),
                ),
            ]
        )
        action(
            s,
            "AI-2026-0001",
            title_en="Share shipment data",
            title_zh="共享货运数据",
            owner_agency=dea,
            owner_person="J. Doe",
            due_date=date(2026, 4, 30),
            origin_meeting=m,
            description_en="Monthly, in CSV.",
            description_zh="每月一次，CSV格式。",
        )
        action(s, "AI-2026-0002", "us_only", title_en="CANARY action", origin_meeting=m)
        action(
            s,
            "AI-2026-0003",
            title_en="Verify company licence",
            title_zh="核查企业许可证",
            owner_side="PRC",
            owner_agency=mps,
            due_date=date(2026, 2, 1),
            status="in_progress",
        )
        action(
            s,
            "AI-2026-0004",
            title_en="Take down storefront",
            title_zh="下架网店",
            owner_side="PRC",
            status="done",
            completed_on=date(2026, 2, 20),
        )
        action(
            s,
            "AI-2026-0005",
            title_en="Stale completion",
            status="done",
            completed_on=date(2025, 12, 1),
        )
        action(s, "AI-2026-0006", title_en="CANARY inherited action", origin_referral=r_us)
        action(
            s, "AI-2026-0007", title_en="Joint training", owner_side="JOINT", owner_agency=secret
        )
        s.commit()


# --- reading PDFs back --------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def outline_titles(reader: PdfReader) -> list[str]:
    out: list[str] = []

    def walk(items) -> None:
        for it in items:
            if isinstance(it, list):
                walk(it)
            else:
                out.append(it.title)

    walk(reader.outline)
    return out


def export(db, tmp_path: Path, audience: str, name: str | None = None, **kw):
    out = tmp_path / (name or f"{audience}.pdf")
    report = export_packet(db, MEETING, audience, out, today=TODAY, **kw)
    return report, pdf_text(out), PdfReader(out)


# --- tests ----------------------------------------------------------------------------------


def test_bilateral_packet_has_every_section_in_both_languages(db, tmp_path):
    build_world(db)
    report, text, reader = export(db, tmp_path, "bilateral")

    assert report.pages == len(reader.pages) >= 5
    for heading in (
        "Meeting packet / 会议资料",
        "Contents / 目录",
        "Attendees / 与会人员",
        "Agenda / 议程",
        "Decisions / 决定事项",
        "Referrals discussed / 讨论的线索",
        "Cases discussed / 讨论的案件",
        "Status changes since the previous meeting / 自上次会议以来的状态变更",
        "Agreed at this meeting / 本次会议商定的事项",
        "Overdue / 已逾期事项",
        "Completed since the previous meeting / 自上次会议以来已完成的事项",
        "Action items by status and owner side / 按状态和负责方统计的行动事项",
        "Annex: referral details / 附件：线索移交详情",
    ):
        assert squash(heading) in squash(text), heading
    # the meeting and its content, in English and in Chinese characters
    for s in (
        "禁毒合作工作组第三次全体会议",
        "Jane Doe",
        "简·多伊",
        "王伟",
        "副局长",
        "前体管制",
        "每月交换查获清单",
        "网络销售NPP",
        "共享货运数据",
        "压片机网络",
        "GA-2026-17",
        "Acknowledged by MPS 公安部已确认",
    ):
        assert squash(s) in squash(text), s
    # heads of delegation of both sides on the cover
    cover = pdf_text_page(tmp_path / "bilateral.pdf", 1)
    assert "Jane Doe" in cover and "王伟" in cover
    assert "Sensitive But Unclassified / 敏感但非密" in cover


def pdf_text_page(path: Path, page: int, *options: str) -> str:
    return subprocess.run(
        ["pdftotext", *options, "-f", str(page), "-l", str(page), "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_meeting_time_is_shown_in_washington_and_beijing(db, tmp_path):
    build_world(db)
    _report, _text, _reader = export(db, tmp_path, "bilateral")
    cover = pdf_text_page(tmp_path / "bilateral.pdf", 1)
    # 14:00 UTC on 10 March 2026: daylight time has begun in Washington, never in Beijing
    assert "2026-03-10 10:00 EDT" in cover
    assert "2026-03-10 22:00 CST" in cover
    assert "Beijing, Ministry of Public Security" in cover and "北京，公安部" in cover


def test_every_page_has_marking_audience_and_page_x_of_y(db, tmp_path):
    build_world(db)
    report, _text, _reader = export(db, tmp_path, "bilateral")
    n = report.pages
    for page in range(1, n + 1):
        text = pdf_text_page(tmp_path / "bilateral.pdf", page)
        assert f"Page {page} of {n}" in text
        assert f"第 {page} 页，共 {n} 页" in text
        assert "Releasable to counterpart / 可向对方提供" in text
        assert "Sensitive But Unclassified / 敏感但非密" in text
        assert "2026-03-05" in text  # generation date


def test_the_footer_carries_a_checkpoint_the_audit_trail_can_be_checked_against(db, tmp_path):
    from workinggroup_app.audit import checkpoints, trail

    build_world(db)
    trail.record(db, actor="alice", action="settings", changes={"office": [None, "DEA"]})
    _report, text, _reader = export(db, tmp_path, "internal")
    assert text.count("Audit checkpoint / 审计检查点 AC-") == _report.pages  # on every page
    token = checkpoints.TOKEN.search(text).group(0)
    with db.session() as s:
        assert trail.verify(s, against=token).ok
        signed = {cp.token for cp in checkpoints.all_checkpoints(s)}
    assert token in signed


def test_contents_and_outline_lead_to_the_sections(db, tmp_path):
    build_world(db)
    _report, _text, reader = export(db, tmp_path, "bilateral")
    titles = outline_titles(reader)
    for t in ("Contents / 目录", "Attendees / 与会人员", "Agenda / 议程", "Decisions / 决定事项"):
        assert t in titles
    assert any(t.startswith("REF-2026-0001") and "网络销售NPP" in t for t in titles)
    # the contents page gives the page where the agenda starts
    contents = pdf_text_page(tmp_path / "bilateral.pdf", 2, "-layout")
    match = re.search(r"Agenda / 议程\s+(\d+)", contents)
    assert match, contents
    agenda_page = int(match.group(1))
    assert "Agenda / 议程" in pdf_text_page(tmp_path / "bilateral.pdf", agenda_page)


def test_bilateral_packet_never_shows_a_us_only_record(db, tmp_path):
    build_world(db)
    _report, text, reader = export(db, tmp_path, "bilateral")

    assert CANARY not in text.upper()
    assert "金丝雀" not in text
    assert not any(CANARY in t.upper() for t in outline_titles(reader))
    assert CANARY not in str(reader.metadata).upper()
    # a US-only meeting between the two plenaries is not the "previous meeting"
    assert "MTG-2026-0002" not in text and "MTG-2026-0001" in text
    # status changes: only those since the previous meeting
    assert "OLDCHANGE" not in text
    # the chart counts only what the counterpart may see: 4 items, none US-only
    data = load(db, MEETING, "bilateral", TODAY)
    assert sum(data.chart.values()) == 4
    assert {r.reference for r in data.referrals} == {"REF-2026-0001"}
    assert [c.reference for c in data.cases] == ["CASE-2026-0001"]
    # John Roe's agency is US only: he is listed, his agency is not named
    assert "John Roe" in text


def test_internal_packet_has_everything_and_says_what_is_us_only(db, tmp_path):
    build_world(db)
    _report, text, reader = export(db, tmp_path, "internal")
    for canary in (
        "CANARY agenda item",
        "CANARY decision",
        "CANARY referral",
        "CANARY inherited",
        "CANARY case",
        "CANARY action",
        "CANARY note",
        "CANARY task force",
    ):
        assert squash(canary) in squash(text), canary
    assert "US only / 仅限美方" in text
    assert "Note not releasable / 备注不可提供" in text
    assert any("CANARY referral" in t for t in outline_titles(reader))
    assert sum(load(db, MEETING, "internal", TODAY).chart.values()) == 6


def test_bilateral_packet_of_a_us_only_meeting_is_refused(db, tmp_path):
    with db.sessions() as s:
        meeting(s, MEETING, utc(2026, 3, 10, 14), "us_only")
        s.commit()
    out = tmp_path / "refused.pdf"
    with pytest.raises(DomainError) as err:
        export_packet(db, MEETING, "bilateral", out, today=TODAY)
    assert "not marked releasable" in err.value.message_en
    assert "可向对方提供" in err.value.message_zh
    assert not out.exists()
    assert list(tmp_path.glob("*.part")) == []
    # the internal packet of the same meeting is allowed
    assert export_packet(db, MEETING, "internal", out, today=TODAY).pages >= 3


def test_unknown_meeting_and_audience_are_clear_errors(db, tmp_path):
    with pytest.raises(NotFoundError):
        export_packet(db, "MTG-2099-0001", "bilateral", tmp_path / "x.pdf")
    with db.sessions() as s:
        meeting(s, MEETING, utc(2026, 3, 10, 14))
        s.commit()
    with pytest.raises(DomainError, match="audience"):
        export_packet(db, MEETING, "everyone", tmp_path / "x.pdf")


def test_action_items_lists_open_overdue_completed(db, tmp_path):
    build_world(db)
    data = load(db, MEETING, "bilateral", TODAY)
    assert [a.reference for a in data.agreed] == ["AI-2026-0001"]
    assert [a.reference for a in data.overdue] == ["AI-2026-0003"]
    assert [a.reference for a in data.completed] == ["AI-2026-0004"]  # not the 2025 one
    groups = [(g.side, g.agency.abbreviation if g.agency else None) for g in data.open_groups]
    assert groups == [("US", "DEA"), ("PRC", "MPS"), ("JOINT", None)]
    _report, text, _reader = export(db, tmp_path, "bilateral")
    assert "Overdue / 已逾期" in text
    assert "Still open, by owner" in text


def test_hostile_text_appears_literally_and_loads_no_file(db, tmp_path):
    build_world(db)
    with db.sessions() as s:
        m = s.query(models.Meeting).filter_by(reference=MEETING).one()
        m.title_en = HOSTILE
        m.agenda_items[0].notes_en = "line one\nline two & <three>"
        ai = s.query(models.ActionItem).filter_by(reference="AI-2026-0001").one()
        ai.title_en = HOSTILE
        ai.description_en = long_text("d")
        m.summary_en = long_text("m")
        r = s.query(models.Referral).filter_by(reference="REF-2026-0001").one()
        r.summary_zh = "中" * 20000
        r.summary_en = long_text("s")
        s.commit()
    _report, text, reader = export(db, tmp_path, "bilateral")

    flat = squash(text)
    assert squash("<img src='/etc/passwd'/> a<b & c </b> <b>x</b> name<foo@bar.com>") in flat
    assert "\x00" not in text
    assert "line one\nline two & <three>" in text
    # every word of each 20,000-character text reaches the page: in a table row cut across
    # pages (action item), in the annex (referral summary) and as a section (meeting summary)
    for letter in "dsm":
        expected = set(re.findall(rf"{letter}\d{{5}}", long_text(letter)))
        assert expected <= set(re.findall(rf"{letter}\d{{5}}", text)), letter
    assert text.count("中") >= 20000  # the 20,000-character Chinese summary, all of it
    # no image was embedded: ReportLab never opened the file named in the text
    for page in reader.pages:
        xobjects = page.get("/Resources", {}).get("/XObject")
        assert not xobjects


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
def test_any_text_is_drawn_as_typed(text):
    from reportlab.platypus import Paragraph

    from workinggroup_app.reports.style import FONT, ensure_font

    ensure_font()
    from reportlab.lib.styles import ParagraphStyle

    para = Paragraph(markup_escape(text), ParagraphStyle("t", fontName=FONT, wordWrap="CJK"))
    para.wrap(300, 1000)
    shown = "".join(w for line in para.blPara.lines for w in _line_words(line))
    assert squash(shown) == squash(clean(text).replace("<br/>", ""))


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.floats(min_value=20, max_value=400),
)
def test_table_cell_text_is_never_lost_nor_wider_than_its_column(text, width):
    from workinggroup_app.reports.packet.render import CELL
    from workinggroup_app.reports.packet.textblock import layout, widths
    from workinggroup_app.reports.style import FONT, ensure_font

    ensure_font()
    lines = layout([(text, CELL)], FONT, width)
    assert squash("".join(line for line, _ink in lines)) == squash(clean(text))
    w = widths(FONT)
    for line, ink in lines:
        assert len(line) == 1 or w.width(line, ink.size) <= width + 0.01, line


def test_importing_the_packet_api_does_not_load_reportlab():
    code = (
        "import sys, workinggroup_app.reports.packet as p; "
        "assert callable(p.export_packet); "
        "print(any(m.startswith('reportlab') for m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"  # start-up of the application stays fast


def _line_words(line) -> list[str]:
    if hasattr(line, "words"):
        return [getattr(f, "text", "") for f in line.words]
    return list(line[1])


def test_empty_meeting_exports(db, tmp_path):
    with db.sessions() as s:
        meeting(s, MEETING, None, title_en="Video call", title_zh="视频会议", meeting_type="video")
        s.commit()
    report, text, reader = export(db, tmp_path, "bilateral")
    assert report.pages == len(reader.pages) >= 3
    assert "None / 无" in text
    assert "Not set / 未定" in text  # no date yet
    assert "None: first meeting / 无：首次会议" in text


def test_two_thousand_action_items_export_with_progress(db, tmp_path):
    with db.sessions() as s:
        dea = agency(
            s, "AG-2026-0001", "US", "DEA", "Drug Enforcement Administration", "美国缉毒局"
        )
        m = meeting(s, MEETING, utc(2026, 3, 10, 14))
        s.flush()
        statuses = ["open", "in_progress", "blocked", "done", "cancelled"]
        s.add_all(
            models.ActionItem(
                reference=f"AI-2026-{i:04d}",
                title_en=f"Follow up shipment {i}",
                title_zh=f"跟进第{i}批货物",
                releasability="releasable",
                owner_side=("US", "PRC", "JOINT")[i % 3],
                owner_agency_id=dea.id if i % 3 == 0 else None,
                status=statuses[i % 5],
                due_date=date(2026, 1 + i % 6, 1 + i % 28),
                completed_on=date(2026, 3, 1) if i % 5 == 3 else None,
                origin_meeting_id=m.id,
            )
            for i in range(1, 2001)
        )
        s.commit()
    calls: list[tuple[int, int]] = []
    report, text, _reader = export(
        db, tmp_path, "bilateral", progress=lambda d, t: calls.append((d, t))
    )
    assert len(set(re.findall(r"AI-2026-\d{4}", text))) == 2000
    assert report.pages > 50
    # the GUI's progress bar moves forward and ends full
    assert calls[-1][0] == calls[-1][1] > 0
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(calls))
    assert len(calls) > report.pages / 2


def test_cancelling_from_progress_leaves_no_file(db, tmp_path):
    build_world(db)

    class Cancelled(Exception):
        pass

    def cancel(done: int, total: int) -> None:
        if done > 0:
            raise Cancelled

    out = tmp_path / "cancelled.pdf"
    with pytest.raises(Cancelled):
        export_packet(db, MEETING, "internal", out, progress=cancel, today=TODAY)
    assert not out.exists()
    assert not list(tmp_path.glob("*.part"))  # no half-written file left behind


def test_font_is_embedded_as_a_subset(db, tmp_path):
    build_world(db)
    _report, _text, reader = export(db, tmp_path, "bilateral")
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            descendant = font.get("/DescendantFonts")
            if descendant is not None:
                desc = descendant[0].get_object()["/FontDescriptor"].get_object()
            else:
                desc = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in desc  # embedded TrueType
    assert fonts and all(re.match(r"/?[A-Z]{6}\+", f) for f in fonts), fonts


@pytest.mark.postgres
def test_bilateral_packet_from_postgresql_hides_the_same_records(pg_db, tmp_path):
    build_world(pg_db)
    out = tmp_path / "pg.pdf"
    report = export_packet(pg_db, MEETING, "bilateral", out, today=TODAY)
    text = pdf_text(out)
    assert report.pages >= 5
    assert CANARY not in text.upper()
    assert "网络销售NPP" in text and "共享货运数据" in text
    assert sum(load(pg_db, MEETING, "bilateral", TODAY).chart.values()) == 4


def test_every_packet_export_is_audited_and_needs_the_right_role(tmp_path):
    """A packet leaves the building: who wrote it, for which audience, is in the audit trail."""
    from sqlalchemy import select

    from workinggroup_app.domain.errors import PermissionDenied
    from workinggroup_app.domain.models import AuditEvent
    from workinggroup_app.domain.permissions import Actor

    db = open_database(str(tmp_path / "audited.sqlite3"))
    Services(db).create(
        "meeting",
        {
            "title_en": "Plenary",
            "title_zh": "全体会议",
            "meeting_type": "plenary",
            "releasability": "releasable",
        },
    )
    with db.session() as s:
        reference = s.execute(select(models.Meeting.reference)).scalar_one()
    coordinator = Actor("cora", "coordinator")
    export_packet(db, reference, "bilateral", tmp_path / "b.pdf", actor=coordinator)
    with pytest.raises(PermissionDenied):
        export_packet(db, reference, "bilateral", tmp_path / "v.pdf", actor=Actor("vic", "viewer"))
    assert not (tmp_path / "v.pdf").exists()
    with db.session() as s:
        events = s.execute(select(AuditEvent).where(AuditEvent.action == "export")).scalars().all()
    assert [(e.actor, e.reference) for e in events] == [("cora", reference)]
    assert '"audience": "bilateral"' in events[0].changes
