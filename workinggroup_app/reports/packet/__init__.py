"""The bilingual meeting packet (PDF): one meeting, one audience.

``export_packet`` is the one entry point for the GUI and the CLI::

    report = export_packet(db, "MTG-2026-0003", "bilateral", "packet.pdf",
                           progress=lambda done, total: ...)
    report.pages, report.path

- ``data.py`` reads the database and keeps only what the audience may see (through
  ``releasability.py``); ``render.py`` draws those plain records with ReportLab.
- A bilateral packet of a meeting that is not releasable is refused with a ``DomainError``.
- ``progress(done, total)`` is called from the exporting thread after each page; if it
  raises (for example to cancel), the export stops, the exception propagates and no file
  is left behind. The file is written next to ``out_path`` and renamed into place only
  when complete.

ReportLab is imported only when a packet is made (start-up time matters).
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from workinggroup_app.audit import trail
from workinggroup_app.domain.permissions import SYSTEM, Actor, require
from workinggroup_app.storage.files import written_whole

if TYPE_CHECKING:
    from workinggroup_app.reports.packet.data import PacketData
    from workinggroup_app.storage.database import Database

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PacketReport:
    path: Path
    pages: int
    meeting_reference: str
    audience: str
    seconds: float


def load(
    db: Database, meeting_reference: str, audience: str, today: date | None = None
) -> PacketData:
    """The packet's content as plain data, already filtered for the audience."""
    from workinggroup_app.reports.packet.data import WASHINGTON, load_packet_data

    today = today or datetime.now(WASHINGTON).date()
    with db.sessions() as session:
        return load_packet_data(session, meeting_reference, audience, today)


def export_packet(
    db: Database,
    meeting_reference: str,
    audience: str,
    out_path: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    today: date | None = None,
    actor: Actor = SYSTEM,
) -> PacketReport:
    """Write the meeting packet for ``audience`` ("bilateral" or "internal") to a PDF.

    The actor must be allowed to export for that audience; every packet written is one
    audit event (who, when, which meeting, audience, pages, file name).
    """
    from workinggroup_app.reports.packet.render import render_packet

    require(actor, "export_bilateral" if audience == "bilateral" else "export", "meeting")
    started = time.perf_counter()
    data = load(db, meeting_reference, audience, today)
    signed = trail.checkpoint(db, "packet", actor.username)
    if signed is not None:
        data = dataclasses.replace(data, checkpoint=signed.footer)
    target = Path(out_path)
    with written_whole(target, make_parents=True, suffix=".part") as tmp:
        pages = render_packet(data, tmp, progress=progress)
    _record_export(db, actor, data.meeting.reference, audience, pages, target)
    return PacketReport(
        path=target,
        pages=pages,
        meeting_reference=data.meeting.reference,
        audience=audience,
        seconds=time.perf_counter() - started,
    )


def _record_export(
    db: Database, actor: Actor, reference: str, audience: str, pages: int, target: Path
) -> None:
    from sqlalchemy import select

    from workinggroup_app.domain.models import Meeting

    with db.sessions.begin() as session:
        meeting_id = session.execute(
            select(Meeting.id).where(Meeting.reference == reference)
        ).scalar_one_or_none()
        trail.append(
            session,
            actor=actor.username,
            action="export",
            record_type="meeting",
            record_id=meeting_id,
            reference=reference,
            changes={"format": "pdf", "audience": audience, "pages": pages, "file": target.name},
        )


__all__ = ["PacketReport", "Progress", "export_packet", "load"]
