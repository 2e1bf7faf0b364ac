"""Seed stage of the referrals in both directions, with their answers and status histories."""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from workinggroup_app.demo.seeder import STAGES, US_ONLY_SHARE, D, SeederBase
from workinggroup_app.demo.tables import COLUMNS
from workinggroup_app.demo.writer import BATCH, Clock, Fill
from workinggroup_app.storage.search_index import body_for


class Referrals(SeederBase):
    def _referral_pool(self) -> dict[tuple[str, str], list[Fill]]:
        pool: dict[tuple[str, str], list[Fill]] = {}
        for key, templates in D.REFERRAL_TEMPLATES.items():
            fills = []
            for k in range(24):
                t_en, t_zh, s_en, s_zh, loe = templates[k % len(templates)]
                (a, b, c, d), ents, subs = self.fill((t_en, t_zh, s_en, s_zh), loe)
                fills.append(Fill(a, b, c, d, loe, tuple(ents), tuple(subs)))
            pool[key] = fills
        return pool

    def referrals(self) -> None:
        self.stage(STAGES[4])
        rng, T, clock = self.rng, self.T, self.clock
        rnd = rng.random
        pool = self._referral_pool()
        n = self.n["referral"]
        used_refs: set[tuple[str, int, int]] = set()  # the counterpart's letter numbers
        specs = []
        for _ in range(n):
            direction = "US_TO_PRC" if rnd() < 0.6 else "PRC_TO_US"
            rtype = rng.choice(("lead", "lead", "assistance", "scheduling", "seizure",
                                "financial", "takedown"))  # fmt: skip
            created = T - 1 - int(730 * rnd())
            specs.append((created, direction, rtype))
        specs.sort()
        first = self.ids("referral", n)
        self.ref_first = first
        refs = self.references("REF", [s[0] for s in specs])
        prc_agencies = {abbr for abbr, side in self.agency_side.items() if side == "PRC"}
        self.ref_day: list[int] = []
        self.ref_us_only: list[bool] = []
        self.ref_direction: list[str] = []
        self.ref_status: list[str] = []
        rows: list[tuple[Any, ...]] = []
        links_e: list[tuple[int, int]] = []
        links_s: list[tuple[int, int]] = []
        cols = COLUMNS["referral"]
        sources, infos = "AABBBBBCXXX", "1122223334"
        for k, (created, direction, rtype) in enumerate(specs):
            rid = first + k
            fill = rng.choice(pool[(direction, rtype)])
            senders, receivers = D.REFERRAL_AGENCIES[(direction, rtype)]
            sender, receiver = rng.choice(senders), rng.choice(receivers)
            events, dup = self._referral_path(direction, created, k)
            status = events[-1][2]
            on = {dst: day for day, _src, dst in events}
            sent_on = on.get("sent", on.get("received"))
            case_id = None
            us_only = rnd() < US_ONLY_SHARE + (0.15 if rtype == "financial" else 0.0)
            if rnd() < 0.45:
                idx = bisect_right(self.case_opened, created)
                if idx:
                    case = self.case_info[int(rnd() * idx)]
                    case_id = case["id"]
                    us_only = us_only or case["us_only"]
            marking = "us_only" if us_only else "releasable"
            if status == "draft" and rnd() < 0.4:
                marking = None  # not yet marked: counts as US only
            prc_side = receiver if direction == "US_TO_PRC" else sender
            counterpart_ref = ""
            ref_day = on.get("acknowledged") if direction == "US_TO_PRC" else sent_on
            if ref_day is not None and prc_side in prc_agencies:
                stem, year, number = (
                    D.PRC_REF_STEMS[prc_side],
                    Clock.year(ref_day),
                    rng.randint(1, 999),
                )
                while (stem, year, number) in used_refs:  # each letter has its own number
                    number += 1
                used_refs.add((stem, year, number))
                counterpart_ref = f"{stem}〔{year}〕{number}号"
            graded = status != "draft" or rnd() < 0.5
            user = rng.choice(D.USERS)
            first_at, last_at = self.add_history("referral", rid, events, user)
            row = self.common(
                rid,
                refs[k],
                fill.title_en,
                fill.title_zh,
                releasability=marking,
                caveat="LES" if rtype in ("lead", "financial") else "SBU",
                created=first_at,
                updated=last_at,
                user=user,
                version=len(events),
            )
            if status in ("closed", "withdrawn", "duplicate") and rnd() < 0.02:
                row["archived"] = True
            row.update(
                status=status,
                outcome=rng.choice(D.REFERRAL_OUTCOMES[rtype]) if status == "closed" else None,
                line_of_effort=fill.loe,
                direction=direction,
                referral_type=rtype,
                sending_agency_id=self.agency[sender],
                receiving_agency_id=self.agency[receiver],
                case_id=case_id,
                duplicate_of_id=dup if status == "duplicate" else None,
                sent_on=clock.day(sent_on),
                acknowledged_on=clock.day(on.get("acknowledged")),
                answered_on=clock.day(on.get("responded")),
                response_due=clock.day(
                    sent_on + D.REFERRAL_DUE_DAYS[rtype] if sent_on is not None else None
                ),
                counterpart_ref=counterpart_ref,
                source_grade=rng.choice(sources) if graded else None,
                info_grade=rng.choice(infos) if graded else None,
                summary_en=fill.text_en,
                summary_zh=fill.text_zh,
            )
            rows.append(tuple(row[c] for c in cols))
            self.add_search("referral", rid, body_for("referral", row))
            links_e.extend((rid, e) for e in fill.entities)
            links_s.extend((rid, s) for s in fill.substances)
            self.ref_day.append(sent_on if sent_on is not None else created)
            self.ref_us_only.append(marking != "releasable")
            self.ref_direction.append(direction)
            self.ref_status.append(status)
            if len(rows) >= BATCH:
                self.w.insert("referral", rows)
                rows = []
        self.w.insert("referral", rows)
        self.w.insert("referral_entity", links_e)
        self.w.insert("referral_substance", links_s)
        self.records["referral"] = n
        self._meeting_links()

    def _referral_path(
        self, direction: str, created: int, index: int
    ) -> tuple[list[tuple[int, str | None, str]], int | None]:
        rnd, T = self.rng.random, self.T
        ev: list[tuple[int, str | None, str]] = [(created, None, "draft")]
        if T - created < 21 and rnd() < 0.35:
            return ev, None  # a recent draft awaiting clearance
        outgoing = direction == "US_TO_PRC"
        first = "sent" if outgoing else "received"
        t = created + (0, 0, 0, 1, 1, 2, 3, 5)[int(rnd() * 8)]
        ev.append((t, "draft", first))
        state = first
        if rnd() < 0.88:
            t += 1 + int(rnd() * (20 if outgoing else 4))
            ev.append((t, state, "acknowledged"))
            state = "acknowledged"
            if rnd() < 0.65:
                t += 1 + int(rnd() * 14)
                ev.append((t, state, "under_verification"))
                state = "under_verification"
                if rnd() < 0.25:
                    t += 5 + int(rnd() * 25)
                    ev.append((t, state, "info_requested"))
                    state = "info_requested"
                    if rnd() < 0.8:
                        t += 5 + int(rnd() * 40)
                        ev.append((t, state, "under_verification"))
                        state = "under_verification"
            if state != "info_requested" and rnd() < 0.78:
                t += 10 + int(rnd() * 80)
                ev.append((t, state, "responded"))
                if rnd() < 0.85:
                    t += 3 + int(rnd() * 30)
                    ev.append((t, "responded", "closed"))
        dup = None
        x = rnd()
        if x < 0.04 or (x < 0.07 and index > 0):
            cut = 1 + int(rnd() * min(len(ev), 3))
            ev = ev[:cut]
            target = "withdrawn" if x < 0.04 else "duplicate"
            ev.append((ev[-1][0] + 1 + int(rnd() * 30), ev[-1][2], target))
            if target == "duplicate":
                dup = self.ref_first + int(rnd() * index)  # an earlier referral
        return [e for i, e in enumerate(ev) if i == 0 or e[0] < T], dup
