"""What a meeting packet contains, for one meeting and one audience, as plain data.

All filtering happens here, through ``releasability.py``: the renderer only draws what this
module hands it, so a record a bilateral audience may not see never reaches the renderer,
not as a row, a count in the chart, an outline entry or a handling caveat.

Text is returned exactly as stored; escaping for the output happens in the renderer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased, selectinload

from workinggroup_app.domain import fields, models, releasability
from workinggroup_app.domain.errors import DomainError, NotFoundError
from workinggroup_app.domain.vocabulary import both
from workinggroup_app.domain.workflows import WORKFLOWS
from workinggroup_app.read.choices import account_name_expression

WASHINGTON = ZoneInfo("America/New_York")
BEIJING = ZoneInfo("Asia/Shanghai")

SIDES = ("US", "PRC", "JOINT")
# Handling caveats from least to most restrictive; an unknown caveat counts as strictest.
CAVEAT_ORDER = ("NONE", "SBU", "LES")


# --- the plain data the renderer draws -------------------------------------------------


@dataclass(frozen=True)
class AgencyName:
    side: str
    abbreviation: str
    name_en: str
    name_zh: str


@dataclass(frozen=True)
class Detail:
    """One labelled value of a record, from its field definition (label in both languages)."""

    label_en: str
    label_zh: str
    value: str


@dataclass(frozen=True)
class MeetingHead:
    reference: str
    title_en: str
    title_zh: str
    meeting_type: str
    status: str
    starts_at: datetime | None  # aware, UTC
    place_en: str
    place_zh: str
    summary_en: str
    summary_zh: str


@dataclass(frozen=True)
class PreviousMeeting:
    reference: str
    title_en: str
    title_zh: str
    starts_at: datetime


@dataclass(frozen=True)
class Attendee:
    side: str
    name_en: str
    name_zh: str
    position_en: str
    position_zh: str
    agency: AgencyName | None
    head_of_delegation: bool


@dataclass(frozen=True)
class AgendaEntry:
    number: int
    title_en: str
    title_zh: str
    notes_en: str
    notes_zh: str
    us_only: bool


@dataclass(frozen=True)
class DecisionEntry:
    number: int
    text_en: str
    text_zh: str
    us_only: bool


@dataclass(frozen=True)
class StatusNote:
    reference: str
    changed_at: datetime
    from_status: str | None
    to_status: str
    comment: str  # "" when the note may not be shown to this audience
    comment_us_only: bool  # internal packets: the note is not releasable
    changed_by: str  # "" in bilateral packets (names of US staff stay internal)


@dataclass(frozen=True)
class ReferralEntry:
    reference: str
    title_en: str
    title_zh: str
    status: str
    direction: str
    referral_type: str
    sending_agency: AgencyName | None
    receiving_agency: AgencyName | None
    sent_on: date | None
    response_due: date | None
    answered_on: date | None
    awaiting_response: bool
    us_only: bool
    details: tuple[Detail, ...]
    changes: tuple[StatusNote, ...]


@dataclass(frozen=True)
class CaseEntry:
    reference: str
    title_en: str
    title_zh: str
    status: str
    outcome: str | None
    summary_en: str
    summary_zh: str
    us_only: bool


@dataclass(frozen=True)
class ActionEntry:
    id: int
    reference: str
    title_en: str
    title_zh: str
    status: str
    owner_side: str
    owner_agency: AgencyName | None
    owner_person: str  # an owner on the counterpart's side, by name
    due_date: date | None
    completed_on: date | None
    description_en: str
    description_zh: str
    overdue: bool
    us_only: bool
    owner_user: str = ""  # the owner account's display name (else its user name)


@dataclass(frozen=True)
class ActionGroup:
    side: str
    agency: AgencyName | None
    items: tuple[ActionEntry, ...]


@dataclass
class PacketData:
    audience: str
    generated_on: date
    caveat: str  # the strictest handling caveat of the meeting and every record included
    meeting: MeetingHead
    meeting_date: date  # the meeting's date in Washington: overdue means due before it
    previous: PreviousMeeting | None
    attendees: dict[str, list[Attendee]]  # side -> attendees, in meeting order
    agenda: list[AgendaEntry]
    decisions: list[DecisionEntry]
    referrals: list[ReferralEntry]
    cases: list[CaseEntry]
    agreed: list[ActionEntry]
    open_groups: list[ActionGroup]
    overdue: list[ActionEntry]
    completed: list[ActionEntry]
    # (status, owner side) -> number of distinct action items shown anywhere in the packet
    chart: dict[tuple[str, str], int] = field(default_factory=dict)
    # the audit trail's signed checkpoint just before this packet, printed in its footer
    checkpoint: str = ""

    @property
    def heads_of_delegation(self) -> dict[str, list[Attendee]]:
        return {
            side: [a for a in people if a.head_of_delegation]
            for side, people in self.attendees.items()
        }

    @property
    def open_count(self) -> int:
        return sum(len(g.items) for g in self.open_groups)

    @property
    def status_changes(self) -> list[StatusNote]:
        return [c for r in self.referrals for c in r.changes]


# --- assembling ------------------------------------------------------------------------


def washington_date(instant: datetime) -> date:
    return instant.astimezone(WASHINGTON).date()


def strictest_caveat(caveats: Iterable[str | None]) -> str:
    best, best_rank = "NONE", 0
    for c in caveats:
        if not c:
            continue
        rank = CAVEAT_ORDER.index(c) if c in CAVEAT_ORDER else len(CAVEAT_ORDER)
        if rank > best_rank:
            best, best_rank = c, rank
    return best


class _Agencies:
    """Agency names as this audience may see them: a non-releasable agency stays unnamed."""

    def __init__(self, session: Session, audience: str) -> None:
        self._audience = audience
        self._rows = {a.id: a for a in session.scalars(select(models.Agency))}

    def get(self, agency_id: int | None) -> AgencyName | None:
        a = self._rows.get(agency_id) if agency_id is not None else None
        if a is None or not releasability.is_visible(self._audience, a, "agency"):
            return None
        return AgencyName(a.side, a.abbreviation, a.title_en, a.title_zh)


def _visible(audience: str, record_type: str, model: Any) -> tuple[Any, Any]:
    """(where clause for this audience, column telling whether the row is releasable)."""
    return (
        releasability.visible_clause(audience, record_type, model),
        releasability.visible_clause("bilateral", record_type, model).label("shareable"),
    )


def agency_label(agency: AgencyName | None) -> str:
    if agency is None:
        return ""
    name = " / ".join(n for n in (agency.name_en, agency.name_zh) if n)
    if agency.abbreviation and agency.abbreviation not in name:
        return f"{agency.abbreviation}: {name}" if name else agency.abbreviation
    return name


def _details(
    rt: fields.RecordType, obj: Any, agencies: _Agencies, skip: Sequence[str] = ()
) -> tuple[Detail, ...]:
    """The record's packet fields (``in_packet``), labelled from the field definitions."""
    out = []
    for f in rt.fields:
        if not f.in_packet or f.name in skip:
            continue
        raw = getattr(obj, f.name, None)
        if f.kind == fields.LINK and f.target == "agency":
            value = agency_label(agencies.get(raw))
        elif f.kind in (fields.LINK, fields.LINKS):
            continue  # links to other records are not part of the packet
        elif f.vocabulary:
            value = both(f.vocabulary, raw)
        elif isinstance(raw, datetime):
            value = raw.astimezone(WASHINGTON).strftime("%Y-%m-%d %H:%M %Z")
        elif isinstance(raw, date):
            value = raw.isoformat()
        else:
            value = "" if raw is None else str(raw)
        out.append(Detail(f.label_en, f.label_zh, value))
    return tuple(out)


def load_packet_data(
    session: Session, meeting_reference: str, audience: str, today: date
) -> PacketData:
    if audience not in releasability.AUDIENCES:
        raise DomainError(
            f"Unknown audience {audience!r}: choose 'bilateral' or 'internal'.",
            f"未知的分发范围 {audience!r}：请选择 'bilateral'（双边）或 'internal'（内部）。",
        )
    ref = meeting_reference.strip().upper()
    meeting = session.scalars(
        select(models.Meeting)
        .where(models.Meeting.reference == ref)
        .options(
            selectinload(models.Meeting.attendees),
            selectinload(models.Meeting.agenda_items),
            selectinload(models.Meeting.decisions),
        )
    ).one_or_none()
    if meeting is None:
        raise NotFoundError(f"No meeting {ref}.", f"没有会议 {ref}。")
    if not releasability.is_visible(audience, meeting, "meeting"):
        raise DomainError(
            f"Meeting {meeting.reference} is not marked releasable to the counterpart (or is "
            "archived), so no bilateral packet can be made from it. Export an internal "
            "packet, or mark the meeting releasable first.",
            f"会议 {meeting.reference} 未标记为可向对方提供（或已归档），因此不能生成双边会议资料。"
            "请导出内部资料，或先将该会议标记为可向对方提供。",
        )

    agencies = _Agencies(session, audience)
    head = MeetingHead(
        meeting.reference,
        meeting.title_en,
        meeting.title_zh,
        meeting.meeting_type,
        meeting.status,
        meeting.starts_at,
        meeting.place_en,
        meeting.place_zh,
        meeting.summary_en,
        meeting.summary_zh,
    )
    meeting_date = washington_date(meeting.starts_at) if meeting.starts_at else today
    previous = _previous_meeting(session, meeting, audience)
    since: datetime | None = previous.starts_at if previous else None
    since_date = washington_date(since) if since else None

    attendees: dict[str, list[Attendee]] = {"US": [], "PRC": []}
    for a in meeting.attendees:
        attendees.setdefault(a.side, []).append(
            Attendee(
                a.side,
                a.name_en,
                a.name_zh,
                a.position_en,
                a.position_zh,
                agencies.get(a.agency_id),
                a.head_of_delegation,
            )
        )

    agenda = [
        AgendaEntry(
            i,
            it.title_en,
            it.title_zh,
            it.notes_en,
            it.notes_zh,
            not releasability.marked_releasable(it.releasability),
        )
        for i, it in enumerate(
            (
                it
                for it in meeting.agenda_items
                if releasability.item_visible(audience, it.releasability)
            ),
            start=1,
        )
    ]
    decisions = [
        DecisionEntry(i, d.text_en, d.text_zh, not releasability.marked_releasable(d.releasability))
        for i, d in enumerate(
            (d for d in meeting.decisions if releasability.item_visible(audience, d.releasability)),
            start=1,
        )
    ]

    referrals, referral_caveats = _referrals(
        session, meeting, audience, agencies, since, meeting_date
    )
    cases, case_caveats = _cases(session, meeting, audience)

    ai_rows = _action_items(session, meeting, audience, agencies, meeting_date, since_date)
    agreed, open_items, overdue, completed, ai_caveats = ai_rows
    groups: dict[tuple[str, AgencyName | None], list[ActionEntry]] = defaultdict(list)
    for e in open_items:
        groups[(e.owner_side, e.owner_agency)].append(e)
    open_groups = [
        ActionGroup(side, agency, tuple(items))
        for (side, agency), items in sorted(groups.items(), key=lambda kv: _group_order(*kv[0]))
    ]

    chart: dict[tuple[str, str], int] = defaultdict(int)
    seen: set[int] = set()
    for e in (*agreed, *open_items, *completed):
        if e.id not in seen:
            seen.add(e.id)
            chart[(e.status, e.owner_side)] += 1

    caveat = strictest_caveat([meeting.caveat, *referral_caveats, *case_caveats, *ai_caveats])
    return PacketData(
        audience=audience,
        generated_on=today,
        caveat=caveat,
        meeting=head,
        meeting_date=meeting_date,
        previous=previous,
        attendees=attendees,
        agenda=agenda,
        decisions=decisions,
        referrals=referrals,
        cases=cases,
        agreed=agreed,
        open_groups=open_groups,
        overdue=overdue,
        completed=completed,
        chart=dict(chart),
    )


def _group_order(side: str, agency: AgencyName | None) -> tuple[Any, ...]:
    rank = SIDES.index(side) if side in SIDES else len(SIDES)
    return (rank, side, agency is None, agency.abbreviation if agency else "", agency_label(agency))


def _previous_meeting(
    session: Session, meeting: models.Meeting, audience: str
) -> PreviousMeeting | None:
    """The latest earlier meeting that was not cancelled and that this audience may see.

    A bilateral packet measures "since the previous meeting" from the previous meeting the
    counterpart knows of; a US-only meeting in between is neither named nor used.
    """
    if meeting.starts_at is None:
        return None
    M = models.Meeting
    prev = session.scalars(
        select(M)
        .where(
            M.starts_at < meeting.starts_at,
            M.status != "cancelled",
            M.id != meeting.id,
            releasability.visible_clause(audience, "meeting", M),
        )
        .order_by(M.starts_at.desc(), M.id.desc())
        .limit(1)
    ).one_or_none()
    if prev is None or prev.starts_at is None:
        return None
    return PreviousMeeting(prev.reference, prev.title_en, prev.title_zh, prev.starts_at)


def _referrals(
    session: Session,
    meeting: models.Meeting,
    audience: str,
    agencies: _Agencies,
    since: datetime | None,
    meeting_date: date,
) -> tuple[list[ReferralEntry], list[str]]:
    R = models.Referral
    where, shareable = _visible(audience, "referral", R)
    rows = session.execute(
        select(R, shareable)
        .join(models.meeting_referral, models.meeting_referral.c.referral_id == R.id)
        .where(models.meeting_referral.c.meeting_id == meeting.id, where)
        .order_by(R.reference)
    ).all()
    ids = [r.id for r, _s in rows]
    changes = _status_changes(session, "referral", ids, audience, since, meeting.starts_at)
    wf = WORKFLOWS["referral"]
    out = []
    for r, ok in rows:
        awaiting = (
            wf.is_open(r.status)
            and r.answered_on is None
            and r.response_due is not None
            and r.response_due < meeting_date
        )
        out.append(
            ReferralEntry(
                reference=r.reference,
                title_en=r.title_en,
                title_zh=r.title_zh,
                status=r.status,
                direction=r.direction,
                referral_type=r.referral_type,
                sending_agency=agencies.get(r.sending_agency_id),
                receiving_agency=agencies.get(r.receiving_agency_id),
                sent_on=r.sent_on,
                response_due=r.response_due,
                answered_on=r.answered_on,
                awaiting_response=awaiting,
                us_only=not ok,
                details=_details(fields.REFERRAL, r, agencies, skip=("title_en", "title_zh")),
                changes=tuple(StatusNote(r.reference, *c) for c in changes.get(r.id, ())),
            )
        )
    return out, [r.caveat for r, _s in rows]


def _status_changes(
    session: Session,
    record_type: str,
    ids: list[int],
    audience: str,
    since: datetime | None,
    until: datetime | None,
) -> dict[int, list[tuple[Any, ...]]]:
    """Status changes of the given records in (since, until], notes filtered per audience."""
    out: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    S = models.StatusChange
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        q = select(S).where(S.record_type == record_type, S.record_id.in_(chunk))
        if since is not None:
            q = q.where(S.changed_at > since)
        if until is not None:
            q = q.where(S.changed_at <= until)
        for sc in session.scalars(q.order_by(S.changed_at, S.id)):
            marking = releasability.RELEASABLE if sc.note_releasable else None
            show = releasability.item_visible(audience, marking)
            out[sc.record_id].append(
                (
                    sc.changed_at,
                    sc.from_status,
                    sc.to_status,
                    sc.comment if show else "",
                    # only an internal packet says a note exists that is not releasable
                    audience == "internal" and bool(sc.comment) and not sc.note_releasable,
                    sc.changed_by if audience == "internal" else "",
                )
            )
    return out


def _cases(
    session: Session, meeting: models.Meeting, audience: str
) -> tuple[list[CaseEntry], list[str]]:
    C = models.Case
    where, shareable = _visible(audience, "case", C)
    rows = session.execute(
        select(C, shareable)
        .join(models.meeting_case, models.meeting_case.c.case_id == C.id)
        .where(models.meeting_case.c.meeting_id == meeting.id, where)
        .order_by(C.reference)
    ).all()
    out = [
        CaseEntry(
            c.reference,
            c.title_en,
            c.title_zh,
            c.status,
            c.outcome,
            c.summary_en,
            c.summary_zh,
            not ok,
        )
        for c, ok in rows
    ]
    return out, [c.caveat for c, _ok in rows]


def _action_items(
    session: Session,
    meeting: models.Meeting,
    audience: str,
    agencies: _Agencies,
    meeting_date: date,
    since_date: date | None,
) -> tuple[list[ActionEntry], list[ActionEntry], list[ActionEntry], list[ActionEntry], set[str]]:
    A = models.ActionItem
    wf = WORKFLOWS["action_item"]
    open_states = wf.open_states()
    where, shareable = _visible(audience, "action_item", A)
    order = (A.due_date.is_(None), A.due_date, A.reference)
    # Agreed at this meeting (archived ones too: they were agreed), all open items and
    # items completed since the previous meeting (not archived: archiving withdraws them).
    completed_q = A.status == "done"
    if since_date is not None:
        completed_q = completed_q & ((A.completed_on >= since_date) | A.completed_on.is_(None))
    owner = aliased(models.User)
    rows = session.execute(
        select(A, shareable, account_name_expression(owner))
        .outerjoin(owner, owner.id == A.owner_user_id)
        .where(
            where,
            (A.origin_meeting_id == meeting.id)
            | (A.archived.is_(False) & (A.status.in_(open_states) | completed_q)),
        )
        .order_by(*order)
    ).all()
    caveats: set[str] = set()
    agreed, open_items, overdue, completed = [], [], [], []
    for a, ok, owner_name in rows:
        is_open = a.status in open_states
        entry = ActionEntry(
            id=a.id,
            reference=a.reference,
            title_en=a.title_en,
            title_zh=a.title_zh,
            status=a.status,
            owner_side=a.owner_side,
            owner_agency=agencies.get(a.owner_agency_id),
            owner_person=a.owner_person,
            owner_user=owner_name or "",
            due_date=a.due_date,
            completed_on=a.completed_on,
            description_en=a.description_en,
            description_zh=a.description_zh,
            overdue=is_open and a.due_date is not None and a.due_date < meeting_date,
            us_only=not ok,
        )
        shown = False
        if a.origin_meeting_id == meeting.id:
            agreed.append(entry)
            shown = True
        if a.archived:
            pass
        elif is_open:
            open_items.append(entry)
            if entry.overdue:
                overdue.append(entry)
            shown = True
        elif a.status == "done":
            done_on = a.completed_on or washington_date(a.updated_at)
            if (since_date is None or done_on >= since_date) and done_on <= meeting_date:
                completed.append(entry)
                shown = True
        if shown:
            caveats.add(a.caveat)
    completed.sort(key=lambda e: (e.completed_on or date.max, e.reference))
    return agreed, open_items, overdue, completed, caveats
