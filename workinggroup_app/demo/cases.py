"""Seed stage of the cases, each with the status history that leads to its current status."""

from __future__ import annotations

from typing import Any

from workinggroup_app.demo.seeder import STAGES, US_ONLY_SHARE, D, SeederBase


class Cases(SeederBase):
    def cases(self) -> None:
        self.stage(STAGES[3])
        rng, T = self.rng, self.T
        loes = list(D.CASE_TEMPLATES)
        leads = {
            "law_enforcement": ("DEA", "HSI", "FBI"),
            "scheduling": ("DEA",),
            "equipment": ("HSI", "DEA"),
            "finance": ("FinCEN", "OFAC", "HSI"),
            "online": ("HSI", "DEA", "FDA"),
            "customs": ("CBP", "HSI"),
            "emerging": ("DEA", "FDA"),
            "multilateral": ("State INL", "ONDCP"),
        }
        specs = []
        for k in range(self.n["case"]):
            loe = loes[k % len(loes)] if k < len(loes) else rng.choice(loes)
            opened = T - rng.randint(45, 1000)
            specs.append((opened, self.minute(), loe))
        specs.sort()
        first = self.ids("case", len(specs))
        refs = self.references("CASE", [s[0] for s in specs])
        rows, links_e, links_s = [], [], []
        self.case_info: list[dict[str, Any]] = []
        outcomes = ("prosecution", "disruption", "no_further_action")
        for k, (opened, _minute, loe) in enumerate(specs):
            rid = first + k
            tpl = rng.choice(D.CASE_TEMPLATES[loe])
            (t_en, t_zh, s_en, s_zh), ents, subs = self.fill(tpl, loe)
            related = {
                "law_enforcement": ("person", "website", "account"),
                "equipment": ("shipment", "foreign_us", "foreign_mx"),
                "finance": ("account", "person", "foreign_hk"),
                "online": ("website",),
                "customs": ("shipment", "foreign_mx"),
            }.get(loe, ())
            for kind in related:
                if rng.random() < 0.6:
                    ents.append(rng.choice(self.things[kind]).id)
            events = self._case_path(opened)
            status = events[-1][2]
            closed_on = events[-1][0] if status == "closed" else None
            outcome = None
            if status == "closed":
                outcome = "scheduled" if loe == "scheduling" else rng.choice(outcomes)
            us_only = rng.random() < US_ONLY_SHARE
            user = rng.choice(D.USERS)
            first_at, last_at = self.add_history("case", rid, events, user)
            row = self.common(
                rid,
                refs[k],
                t_en,
                t_zh,
                releasability="us_only" if us_only else "releasable",
                caveat="LES" if loe in ("law_enforcement", "finance") else "SBU",
                created=first_at,
                updated=last_at,
                user=user,
                version=len(events),
            )
            row.update(
                status=status,
                outcome=outcome,
                line_of_effort=loe,
                lead_agency_id=self.agency[rng.choice(leads[loe])],
                summary_en=s_en,
                summary_zh=s_zh,
                opened_on=self.clock.day(opened),
                closed_on=self.clock.day(closed_on),
            )
            rows.append(row)
            links_e.extend((rid, e) for e in dict.fromkeys(ents))
            links_s.extend((rid, s) for s in dict.fromkeys(subs))
            self.case_info.append(
                {
                    "id": rid,
                    "opened": opened,
                    "closed": closed_on,
                    "us_only": us_only,
                    "loe": loe,
                }
            )
        self.write_records("case", rows)
        self.w.insert("case_entity", links_e)
        self.w.insert("case_substance", links_s)
        self.case_opened = [c["opened"] for c in self.case_info]

    def _case_path(self, opened: int) -> list[tuple[int, str | None, str]]:
        rnd, T = self.rng.random, self.T
        ev: list[tuple[int, str | None, str]] = [(opened, None, "open")]
        t = opened
        if rnd() < 0.08:
            ev.append((t + 20 + int(rnd() * 70), "open", "closed"))
        elif rnd() < 0.95:
            t += 3 + int(rnd() * 40)
            ev.append((t, "open", "active"))
            state = "active"
            if rnd() < 0.25:
                t += 60 + int(rnd() * 200)
                ev.append((t, "active", "suspended"))
                state = "suspended"
                if rnd() < 0.6:
                    t += 30 + int(rnd() * 120)
                    ev.append((t, "suspended", "active"))
                    state = "active"
            if rnd() < 0.4:
                t += 120 + int(rnd() * 400)
                ev.append((t, state, "closed"))
                if rnd() < 0.2:
                    t += 30 + int(rnd() * 200)
                    ev.append((t, "closed", "reopened"))
                    if rnd() < 0.5:
                        t += 1 + int(rnd() * 10)
                        ev.append((t, "reopened", "active"))
        return [e for i, e in enumerate(ev) if i == 0 or e[0] < T]
