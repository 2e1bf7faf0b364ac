"""Seed stage of the action items: owners, due dates (some overdue) and status histories."""

from __future__ import annotations

from typing import Any

from workinggroup_app.demo.seeder import STAGES, US_ONLY_SHARE, D, SeederBase
from workinggroup_app.demo.tables import COLUMNS, COMMON, SEARCH_TABLE
from workinggroup_app.demo.writer import BATCH, Fill, uuid4_text
from workinggroup_app.storage.search_index import body_for


class ActionItems(SeederBase):
    def _action_pool(self) -> list[Fill]:
        pool = []
        for side, agencies, loe, t_en, t_zh, d_en, d_zh in D.ACTION_TEMPLATES:
            for _ in range(20):
                (a, b, c, d), ents, subs = self.fill((t_en, t_zh, d_en, d_zh), loe)
                owners = []
                for abbr in agencies:
                    for contact in self.contacts_by_agency.get(abbr, []):
                        owners.append((self.agency[abbr], contact["person"]))
                pool.append(
                    Fill(
                        a, b, c, d, loe, tuple(ents), tuple(subs), {"side": side, "owners": owners}
                    )
                )
        return pool

    def action_items(self) -> None:
        self.stage(STAGES[5])
        rng, T, clock = self.rng, self.T, self.clock
        rnd = rng.random
        n = self.n["action_item"]
        pool = self._action_pool()
        held = [m for m in self.meeting_info if m["day"] < T]
        n_ref = len(self.ref_day)
        # phase 1: origin and creation day of each item, then sort by creation
        specs: list[tuple[int, int, int, int]] = []
        for _ in range(n):
            x = rnd()
            if x < 0.45 and held:
                mi = int(rnd() * len(held))
                day = min(held[mi]["day"] + int(rnd() * 3), T - 1)
                specs.append((day, 0, mi, int(rnd() * len(pool))))
            elif x < 0.85 and n_ref:
                ri = int(rnd() * n_ref)
                day = min(self.ref_day[ri] + 1 + int(rnd() * 20), T - 1)
                specs.append((day, 1, ri, int(rnd() * len(pool))))
            else:
                ci = int(rnd() * len(self.case_info))
                opened = self.case_info[ci]["opened"]
                day = opened + int(rnd() * max(1, min(400, T - 1 - opened)))
                specs.append((day, 2, ci, int(rnd() * len(pool))))
        specs.sort()
        first = self.ids("action_item", n)
        refs = self.references("AI", [s[0] for s in specs])
        # phase 2: rows, history and search bodies, written in batches
        cols = COLUMNS["action_item"]
        assert cols[:13] == COMMON
        rows: list[tuple[Any, ...]] = []
        due_choices = (14, 21, 30, 30, 30, 45, 60, 60, 90)
        users = D.USERS
        day_of = clock.day
        statuses: dict[str, int] = {}
        uuid_bits = self.uuid_rng.getrandbits
        for k, (created, kind, idx, pi) in enumerate(specs):
            rid = first + k
            fill = pool[pi]
            side = fill.extra["side"]
            agency_id, person = fill.extra["owners"][int(rnd() * len(fill.extra["owners"]))]
            due = created + due_choices[int(rnd() * 9)]
            events = self._action_path(created, due)
            status = events[-1][2]
            statuses[status] = statuses.get(status, 0) + 1
            origin_m = origin_c = origin_r = None
            parent_us_only = False
            if kind == 0:
                origin_m = held[idx]["id"]
            elif kind == 1:
                origin_r = self.ref_first + idx
                parent_us_only = self.ref_us_only[idx]
            else:
                origin_c = self.case_info[idx]["id"]
                parent_us_only = self.case_info[idx]["us_only"]
            us_only = parent_us_only or rnd() < US_ONLY_SHARE
            user = users[int(rnd() * 8)]
            first_at, last_at = self.add_history("action_item", rid, events, user)
            title_en, title_zh = fill.title_en, fill.title_zh
            if rnd() < 0.6:  # many items say all in their title
                desc_en, desc_zh = fill.text_en, fill.text_zh
            else:
                desc_en = desc_zh = ""
            rows.append(
                (
                    rid,
                    uuid4_text(uuid_bits(128)),
                    refs[k],
                    title_en,
                    title_zh,
                    "us_only" if us_only else "releasable",
                    "LES" if fill.loe in ("law_enforcement", "finance") else "SBU",
                    False,
                    first_at,
                    user,
                    last_at,
                    user,
                    len(events),
                    status,
                    fill.loe,
                    side,
                    agency_id,
                    None,  # owner_user_id: the demo's owners are named, not accounts
                    person,
                    day_of(due),
                    day_of(events[-1][0]) if status == "done" else None,
                    origin_m,
                    origin_c,
                    origin_r,
                    desc_en,
                    desc_zh,
                )
            )
            if self.ai_text_fields_ok:  # what body_for gives, without a dict per row
                if desc_en:
                    body = "\n".join((refs[k], title_en, title_zh, person, desc_en, desc_zh))
                else:
                    body = "\n".join((refs[k], title_en, title_zh, person))
            else:
                body = body_for("action_item", dict(zip(cols, rows[-1], strict=True)))
            self.search_rows.append((self.ids(SEARCH_TABLE, 1), "action_item", rid, body))
            if len(rows) >= BATCH:
                self.w.insert("action_item", rows)
                rows = []
                self.flush_search()
        self.w.insert("action_item", rows)
        self.records["action_item"] = n

    def _action_path(self, created: int, due: int) -> list[tuple[int, str | None, str]]:
        rnd, T = self.rng.random, self.T
        ev: list[tuple[int, str | None, str]] = [(created, None, "open")]
        span = max(3, due - created)
        t = created
        state = "open"
        if rnd() < 0.8:
            t += 1 + int(rnd() * min(span, 20))
            ev.append((t, state, "in_progress"))
            state = "in_progress"
            if rnd() < 0.15:
                t += 3 + int(rnd() * 25)
                ev.append((t, state, "blocked"))
                state = "blocked"
                if rnd() < 0.6:
                    t += 3 + int(rnd() * 30)
                    ev.append((t, state, "in_progress"))
                    state = "in_progress"
        fate = rnd()
        if fate < 0.05:
            t += 1 + int(rnd() * span)
            ev.append((t, state, "cancelled"))
        elif fate < 0.87:
            t = max(t + 1, created + int(span * (0.4 + rnd() * 0.9)))
            ev.append((t, state, "done"))
            if rnd() < 0.03:
                t += 3 + int(rnd() * 30)
                ev.append((t, "done", "open"))
        if ev[-1][0] < T:
            return ev
        return [e for i, e in enumerate(ev) if i == 0 or e[0] < T]
