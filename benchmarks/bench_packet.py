"""How long a meeting packet takes at scale.

Run: ``.venv/bin/python -m benchmarks.bench_packet`` (targets: 500 action items and 200
referrals under 2 s; 2,000 action items under 8 s). Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from workinggroup_app.domain import models
from workinggroup_app.reports.packet import export_packet, load
from workinggroup_app.storage.database import open_database

MEETING = "MTG-2026-0010"
TODAY = date(2026, 3, 5)
STATUSES = ["open", "in_progress", "blocked", "done", "cancelled"]
REFERRAL_STATUSES = ["sent", "acknowledged", "under_verification", "responded", "closed"]


def build(url: str, n_actions: int, n_referrals: int) -> None:
    """A held meeting with n_actions agreed action items and n_referrals referrals discussed."""
    db = open_database(url)
    with db.sessions() as s:
        agencies = [
            models.Agency(
                reference=f"AG-2026-{i:04d}",
                side=side,
                abbreviation=abbr,
                title_en=en,
                title_zh=zh,
                releasability="releasable",
            )
            for i, (side, abbr, en, zh) in enumerate(
                [
                    ("US", "DEA", "Drug Enforcement Administration", "美国缉毒局"),
                    ("US", "HSI", "Homeland Security Investigations", "国土安全调查局"),
                    ("US", "CBP", "Customs and Border Protection", "海关与边境保护局"),
                    ("PRC", "MPS", "Ministry of Public Security", "公安部"),
                    ("PRC", "GAC", "General Administration of Customs", "海关总署"),
                    (
                        "PRC",
                        "NMPA",
                        "National Medical Products Administration",
                        "国家药品监督管理局",
                    ),
                ],
                start=1,
            )
        ]
        s.add_all(agencies)
        previous = models.Meeting(
            reference="MTG-2026-0009",
            title_en="Previous plenary",
            title_zh="上次全体会议",
            releasability="releasable",
            status="held",
            starts_at=datetime(2026, 1, 15, 15, tzinfo=UTC),
        )
        meeting = models.Meeting(
            reference=MEETING,
            title_en="Plenary of the counternarcotics working group",
            title_zh="禁毒合作工作组全体会议",
            releasability="releasable",
            status="held",
            starts_at=datetime(2026, 3, 10, 14, tzinfo=UTC),
            place_en="Washington, Department of State",
            place_zh="华盛顿，国务院",
        )
        s.add_all([previous, meeting])
        s.flush()
        meeting.attendees = [
            models.MeetingAttendee(
                side=side,
                name_en=f"Delegate {i}",
                name_zh=f"代表{i}",
                position_en="Director",
                position_zh="处长",
                agency_id=agencies[i % 6].id,
                head_of_delegation=i < 2,
                position=i,
            )
            for i, side in enumerate(["US", "PRC"] * 8)
        ]
        meeting.agenda_items = [
            models.AgendaItem(
                position=i,
                title_en=f"Agenda item {i}: precursor controls",
                title_zh=f"议程 {i}：前体管制",
                notes_en="Discussion of scheduling and controls.",
                notes_zh="讨论列管与管制。",
                releasability="releasable",
            )
            for i in range(1, 9)
        ]
        meeting.decisions = [
            models.Decision(
                position=i,
                text_en=f"Decision {i}: exchange lists monthly",
                text_zh=f"决定 {i}：每月交换清单",
                releasability="releasable",
            )
            for i in range(1, 7)
        ]
        referrals = [
            models.Referral(
                reference=f"REF-2026-{i:04d}",
                title_en=f"Online sale of precursor chemicals, lead {i}",
                title_zh=f"网络销售前体化学品线索 {i}",
                releasability="releasable",
                direction="US_TO_PRC" if i % 2 else "PRC_TO_US",
                referral_type=["lead", "assistance", "seizure", "financial", "takedown"][i % 5],
                status=REFERRAL_STATUSES[i % 5],
                sending_agency_id=agencies[i % 3].id,
                receiving_agency_id=agencies[3 + i % 3].id,
                sent_on=date(2025, 12, 1) + timedelta(days=i % 60),
                response_due=date(2026, 1, 15) + timedelta(days=i % 90),
                counterpart_ref=f"GA-{i:05d}",
                summary_en="A storefront offering NPP and 4-AP with shipping to Mexico. " * 3,
                summary_zh="网店出售NPP和4-AP并可发货至墨西哥。" * 3,
            )
            for i in range(1, n_referrals + 1)
        ]
        s.add_all(referrals)
        s.flush()
        meeting.referrals = referrals
        s.add_all(
            models.StatusChange(
                record_type="referral",
                record_id=r.id,
                from_status="sent",
                to_status=r.status,
                comment="Counterpart confirmed receipt. 对方已确认收到。",
                note_releasable=True,
                changed_at=datetime(2026, 2, 1, 9, tzinfo=UTC) + timedelta(hours=i),
            )
            for i, r in enumerate(referrals)
        )
        s.add_all(
            models.ActionItem(
                reference=f"AI-2026-{i:04d}",
                title_en=f"Follow up shipment {i} with the counterpart",
                title_zh=f"与对方跟进第{i}批货物",
                description_en="Share the bill of lading and the consignee details.",
                description_zh="提供提单及收货人信息。",
                releasability="releasable",
                owner_side=("US", "PRC", "JOINT")[i % 3],
                owner_agency_id=agencies[i % 6].id,
                owner_person=f"Officer {i % 17}",
                status=STATUSES[i % 5],
                due_date=date(2026, 1, 1) + timedelta(days=i % 150),
                completed_on=date(2026, 2, 1) + timedelta(days=i % 30) if i % 5 == 3 else None,
                origin_meeting_id=meeting.id,
            )
            for i in range(1, n_actions + 1)
        )
        s.commit()
    db.dispose()


def run(name: str, n_actions: int, n_referrals: int, target: float, folder: Path) -> dict:
    url = str(folder / f"{name}.sqlite3")
    for suffix in ("", "-wal", "-shm"):  # a kept folder from an earlier run
        Path(url + suffix).unlink(missing_ok=True)
    build(url, n_actions, n_referrals)
    db = open_database(url)
    try:
        t0 = time.perf_counter()
        load(db, MEETING, "bilateral", TODAY)
        load_s = time.perf_counter() - t0
        cpu0 = time.process_time()
        report = export_packet(db, MEETING, "bilateral", folder / f"{name}.pdf", today=TODAY)
        cpu = time.process_time() - cpu0
    finally:
        db.dispose()
    return {
        "name": name,
        "actions": n_actions,
        "referrals": n_referrals,
        "pages": report.pages,
        "load": load_s,
        "seconds": report.seconds,
        "cpu": cpu,
        "target": target,
        "size": (folder / f"{name}.pdf").stat().st_size,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", type=Path, help="write databases and PDFs here and keep them")
    args = parser.parse_args()
    from workinggroup_app.reports.style import ensure_font

    t0 = time.perf_counter()
    ensure_font()  # once per process, not part of any one packet
    font_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        results = [
            run("medium", 500, 200, 2.0, folder),
            run("large", 2000, 0, 8.0, folder),
        ]
    print(f"font registration (once per process): {font_s:.2f} s")
    print("total s: wall clock of export_packet; cpu s: its processor time (on a busy")
    print("machine the wall clock also counts time spent waiting for a core)")
    header = (
        f"{'packet':<8} {'actions':>7} {'referrals':>9} {'pages':>6} {'data s':>7} "
        f"{'total s':>8} {'cpu s':>6} {'pages/s':>8} {'target s':>8} {'size KB':>8}  result"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        verdict = "ok" if r["seconds"] < r["target"] else "SLOW"
        print(
            f"{r['name']:<8} {r['actions']:>7} {r['referrals']:>9} {r['pages']:>6} "
            f"{r['load']:>7.2f} {r['seconds']:>8.2f} {r['cpu']:>6.2f} "
            f"{r['pages'] / r['seconds']:>8.1f} "
            f"{r['target']:>8.1f} {r['size'] / 1024:>8.0f}  {verdict}"
        )


if __name__ == "__main__":
    main()
