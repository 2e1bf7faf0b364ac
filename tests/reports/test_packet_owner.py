"""The meeting packet names an action item's owner account by its display name, beside the
counterpart's owner typed by name; never by an account id or a user name."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

from workinggroup_app.domain import models
from workinggroup_app.reports.packet import export_packet, load
from workinggroup_app.storage.database import open_database

TODAY = date(2026, 3, 5)
MEETING = "MTG-2026-0001"


def test_the_packet_prints_the_owner_accounts_display_name(tmp_path: Path):
    db = open_database(str(tmp_path / "p.sqlite3"))
    try:
        with db.sessions.begin() as s:
            alice = models.User(username="asmith7", display_name="Alice Smith", role="liaison")
            s.add(alice)
            m = models.Meeting(
                reference=MEETING,
                title_en="Plenary",
                title_zh="全体会议",
                releasability="releasable",
                starts_at=datetime(2026, 3, 10, 14, tzinfo=UTC),
                status="held",
                meeting_type="plenary",
            )
            s.add(m)
            s.flush()
            for ref, owner, person in (
                ("AI-2026-0001", alice.id, ""),
                ("AI-2026-0002", None, "Mr. Li, GACC"),
                ("AI-2026-0003", alice.id, "Deputy Director Wang, MPS"),
            ):
                s.add(
                    models.ActionItem(
                        reference=ref,
                        title_en=f"Action {ref}",
                        title_zh=f"行动 {ref}",
                        releasability="releasable",
                        owner_side="JOINT",
                        status="open",
                        owner_user_id=owner,
                        owner_person=person,
                        origin_meeting_id=m.id,
                        due_date=date(2026, 4, 30),
                    )
                )
            alice_id = alice.id
        data = load(db, MEETING, "internal", TODAY)
        owners = {e.reference: (e.owner_user, e.owner_person) for e in data.agreed}
        assert owners == {
            "AI-2026-0001": ("Alice Smith", ""),
            "AI-2026-0002": ("", "Mr. Li, GACC"),
            "AI-2026-0003": ("Alice Smith", "Deputy Director Wang, MPS"),
        }
        out = tmp_path / "packet.pdf"
        export_packet(db, MEETING, "bilateral", out, today=TODAY)
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(out), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        flat = re.sub(r"\s+", "", text)
        assert flat.count("AliceSmith") >= 2  # agreed, and again among the open items
        assert "Mr.Li,GACC" in flat and "DeputyDirectorWang" in flat
        assert "asmith7" not in text and f"#{alice_id}" not in text
    finally:
        db.dispose()
