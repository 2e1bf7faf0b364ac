"""Seed stage of the meetings: plenaries, technical meetings and pre-briefs every six to eight
weeks, with attendees, agenda and decisions, and the records each one discussed.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import UTC, date, datetime
from datetime import time as dtime
from typing import Any
from zoneinfo import ZoneInfo

from workinggroup_app.demo.catalogue import number_zh
from workinggroup_app.demo.seeder import STAGES, D, SeederBase
from workinggroup_app.domain import vocabulary
from workinggroup_app.domain.vocabulary import word


class Meetings(SeederBase):
    def meetings(self) -> None:
        self.stage(STAGES[2])
        rng, T = self.rng, self.T
        days = []
        d = T - 730 + rng.randrange(0, 15)
        while True:
            if d >= T:
                days.append(max(d, T + 10))  # the next meeting, still being planned
                break
            days.append(d)
            d += rng.randint(42, 56)
        loes = [w for w in D.AGENDA_TOPICS]
        first = self.ids("meeting", len(days))
        refs = self.references("MTG", [min(day - 40, T - 1) for day in days])
        rows, attendees, agenda, decisions = [], [], [], []
        plenaries = 0
        self.meeting_info: list[dict[str, Any]] = []
        for k, day in enumerate(days):
            rid = first + k
            kind = ("plenary", "technical", "video")[k % 3]
            loe = rng.choice(loes)
            if kind == "plenary":
                plenaries += 1
                place = D.PLENARY_PLACES[plenaries % 2]
                n_en = D.ORDINALS_EN[plenaries - 1] if plenaries <= 12 else f"{plenaries}th"
                title_en = f"US-China Counternarcotics Working Group, {n_en} plenary meeting"
                title_zh = f"中美禁毒合作工作组第{number_zh(plenaries)}次全体会议"
                local = dtime(9, 30)
            elif kind == "technical":
                place = rng.choice(D.TECHNICAL_PLACES)
                title_en = f"Technical session: {word('line_of_effort', loe, 'en').lower()}"
                title_zh = f"技术会议：{word('line_of_effort', loe, 'zh')}"
                local = dtime(9, 30)
            else:
                place = D.VIDEO_PLACE
                title_en = "Video call: follow-up on open referrals"
                title_zh = "视频会议：未结线索跟进"
                local = dtime(20, 30)
            starts = datetime.combine(date.fromordinal(day), local, ZoneInfo(place[2]))
            starts_utc = starts.astimezone(UTC)
            s_en, s_zh = D.MEETING_SUMMARIES[kind]
            s_en = s_en.format(loe_en=word("line_of_effort", loe, "en").lower())
            s_zh = s_zh.format(loe_zh=word("line_of_effort", loe, "zh"))
            # history: planned -> agenda circulated -> held -> minutes approved
            created_day = min(day - 40, T - 1)
            events: list[tuple[int, str | None, str]] = [(created_day, None, "planned")]
            if day < T:  # the next meeting (day >= T + 10) is still only planned
                events.append((day - 10, "planned", "agenda_circulated"))
                events.append((day, "agenda_circulated", "held"))
                approved = day + rng.randint(14, 28)
                if approved < T:
                    events.append((approved, "held", "minutes_approved"))
            status = events[-1][2]
            user = rng.choice(D.USERS)
            first_at, last_at = self.add_history("meeting", rid, events, user)
            row = self.common(
                rid,
                refs[k],
                title_en,
                title_zh,
                created=first_at,
                updated=last_at,
                user=user,
                version=len(events),
            )
            row.update(
                status=status,
                line_of_effort=loe,
                meeting_type=kind,
                starts_at=self.clock.instant(starts_utc),
                place_en=place[0],
                place_zh=place[1],
                summary_en=s_en,
                summary_zh=s_zh,
            )
            rows.append(row)
            self.meeting_info.append(
                {"id": rid, "day": day, "status": status, "kind": kind, "loe": loe}
            )
            attendees.extend(self._attendees(rid, kind, loe))
            agenda.extend(self._agenda(rid, kind, loe))
            if status in ("held", "minutes_approved"):
                for pos, (t_en, t_zh, us_only) in enumerate(
                    rng.sample(D.DECISIONS, rng.randint(2, 4))
                ):
                    decisions.append(
                        (
                            self.ids("decision", 1),
                            rid,
                            pos,
                            t_en,
                            t_zh,
                            "us_only" if us_only else "releasable",
                        )
                    )
        self.write_records("meeting", rows)
        self.w.insert("meeting_attendee", attendees)
        self.w.insert("agenda_item", agenda)
        self.w.insert("decision", decisions)

    def _attendees(self, meeting_id: int, kind: str, loe: str) -> list[tuple[Any, ...]]:
        rng = self.rng
        heads = self._HEADS.get(kind) or self._HEADS[loe]
        chosen = list(dict.fromkeys([*heads, *self._CORE[kind]]))
        size = {"plenary": 7, "technical": 4, "video": 3}[kind] + rng.randint(0, 2)
        for side in ("US", "PRC"):
            pool = [
                c["en"]
                for c in self.contact_by_name.values()
                if c["side"] == side and c["en"] not in chosen
            ]
            have = sum(1 for n in chosen if self.contact_by_name[n]["side"] == side)
            chosen.extend(rng.sample(pool, max(0, min(len(pool), size - have))))
        out = []
        pos = 0
        for side in ("US", "PRC"):
            names = [n for n in chosen if self.contact_by_name[n]["side"] == side]
            for name in names:
                c = self.contact_by_name[name]
                out.append(
                    (
                        self.ids("meeting_attendee", 1),
                        meeting_id,
                        c["id"],
                        c["agency_id"],
                        side,
                        c["en"],
                        c["zh"],
                        c["pos_en"],
                        c["pos_zh"],
                        name in heads,
                        pos,
                    )
                )
                pos += 1
        return out

    def _agenda(self, meeting_id: int, kind: str, loe: str) -> list[tuple[Any, ...]]:
        rng = self.rng
        items: list[tuple[str, str, str, str, str]] = []
        if kind == "plenary" or (kind == "technical" and rng.random() < 0.5):
            items.append((*D.AGENDA_PREBRIEF, "", "", "us_only"))
        items.append((*D.AGENDA_OPENING, "", "", "releasable"))
        items.append((*D.AGENDA_REVIEW, "", "", "releasable"))
        items.append((*D.AGENDA_REFERRALS, "", "", "releasable"))
        topics = list(D.AGENDA_TOPICS[loe])
        if kind == "plenary":
            other = rng.choice([k for k in D.AGENDA_TOPICS if k != loe])
            topics.append(rng.choice(D.AGENDA_TOPICS[other]))
        for t_en, t_zh in topics[: 1 if kind == "video" else 3]:
            side_en = rng.choice(("US", "PRC"))  # the side's key is its English short name
            side_zh = vocabulary.word("side", side_en, "zh")
            items.append(
                (
                    t_en,
                    t_zh,
                    f"Presentation by the {side_en} side, followed by discussion.",
                    f"由{side_zh}介绍情况，随后讨论。",
                    "releasable",
                )
            )
        items.append((*D.AGENDA_CLOSING, "", "", "releasable"))
        return [
            (self.ids("agenda_item", 1), meeting_id, pos, *item) for pos, item in enumerate(items)
        ]

    def _meeting_links(self) -> None:
        """Referrals and cases discussed at each meeting."""
        rng = self.rng
        mr, mc = [], []
        prev = self.T - 800
        order = sorted(range(len(self.ref_day)), key=self.ref_day.__getitem__)
        days = [self.ref_day[i] for i in order]
        for m in self.meeting_info:
            lo, hi = bisect_right(days, prev), bisect_right(days, m["day"])
            candidates = order[lo:hi]  # sent or received since the previous meeting
            for i in rng.sample(candidates, min(len(candidates), rng.randint(5, 14))):
                mr.append((m["id"], self.ref_first + i))
            cases = [c["id"] for c in self.case_info if c["opened"] < m["day"] and (
                c["closed"] is None or c["closed"] > prev)]  # fmt: skip
            for cid in rng.sample(cases, min(len(cases), rng.randint(2, 5))):
                mc.append((m["id"], cid))
            prev = m["day"]
        self.w.insert("meeting_referral", sorted(set(mr)))
        self.w.insert("meeting_case", sorted(set(mc)))
