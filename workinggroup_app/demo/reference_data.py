"""Seed stages of the reference data: agencies and their contacts, entities (companies,
persons, websites, shipments, accounts) and substances.

The agencies and most substances are the shipped reference data, merged in before the seed
starts (``services.reference_data``); the demo finds them by their shipped UUIDs and adds
only what it invents (contacts, entities) and its few substances of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from workinggroup_app.demo.identifiers import awb_number, container_number, make_uscc, tron_address
from workinggroup_app.demo.seeder import STAGES, D, SeederBase
from workinggroup_app.demo.writer import PLACEHOLDER, Thing
from workinggroup_app.services.reference_data import local_records, shipped


class ReferenceData(SeederBase):
    def agencies_and_contacts(self) -> None:
        self.stage(STAGES[0])
        day0 = self.T - 900
        created = self.clock.at(day0, 600)
        data = self.shipped = shipped()
        self.local = local_records(self.session, data)
        for row in data.agencies:
            if row.uuid in self.local:  # the shipped agency, or the office's own record of it
                abbr = str(row.values["abbreviation"])
                self.agency[abbr] = self.local[row.uuid]
                self.agency_side[abbr] = str(row.values["side"])

        domains = D.AGENCY_MAIL_DOMAINS
        first = self.ids("contact", len(D.CONTACTS))
        refs = self.references("CT", [day0] * len(D.CONTACTS))
        rows = []
        phone = 100
        for k, (abbr, en, zh, pos_en, pos_zh, us_only) in enumerate(D.CONTACTS):
            rid = first + k
            side = self.agency_side[abbr]
            email = tel = ""
            if side == "US":
                email = f"{en.lower().replace(' ', '.')}@{domains[abbr]}"
                tel = f"+1 202-555-{phone:04d}"
                phone += 1
            row = self.common(
                rid,
                refs[k],
                en,
                zh,
                releasability="us_only" if us_only else "releasable",
                created=created,
            )
            row.update(
                agency_id=self.agency[abbr],
                position_en=pos_en,
                position_zh=pos_zh,
                email=email,
                phone=tel,
            )
            rows.append(row)
            info = {
                "id": rid,
                "agency": abbr,
                "agency_id": self.agency[abbr],
                "side": side,
                "en": en,
                "zh": zh,
                "pos_en": pos_en,
                "pos_zh": pos_zh,
                "person": en if side == "US" else f"{zh} {en}",
            }
            self.contacts_by_agency.setdefault(abbr, []).append(info)
            self.contact_by_name[en] = info
        self.write_records("contact", rows)

    def entities_and_substances(self) -> None:
        self.stage(STAGES[1])
        rng = self.rng
        day0 = self.T - 850
        specs: list[dict[str, Any]] = []
        for region, zh, en, kind in D.CN_COMPANIES:
            n_en, n_zh = D.COMPANY_NOTES[kind]
            specs.append(
                dict(
                    entity_type="company",
                    title_en=en,
                    title_zh=zh,
                    uscc=make_uscc(rng, region),
                    country="China",
                    notes_en=n_en,
                    notes_zh=n_zh,
                    kind="cn_" + kind,
                )
            )
        for en, zh, country, n_en, n_zh, kind in D.FOREIGN_COMPANIES:
            specs.append(
                dict(
                    entity_type="company",
                    title_en=en,
                    title_zh=zh,
                    country=country,
                    notes_en=n_en,
                    notes_zh=n_zh,
                    kind="foreign_" + kind,
                )
            )
        for en, zh, country, n_en, n_zh in D.PERSONS:
            specs.append(
                dict(
                    entity_type="person",
                    title_en=en,
                    title_zh=zh,
                    country=country,
                    notes_en=n_en,
                    notes_zh=n_zh,
                    kind="person",
                    us_only=country != "China" or rng.random() < 0.3,
                )
            )
        for en, zh, country, url, n_en, n_zh in D.WEBSITES:
            specs.append(
                dict(
                    entity_type="website",
                    title_en=en,
                    title_zh=zh,
                    country=country,
                    url=url,
                    notes_en=n_en,
                    notes_zh=n_zh,
                    kind="website",
                )
            )
        specs.extend(self._shipments())
        for en, zh, country, n_en, n_zh in D.ACCOUNTS:
            wallet = tron_address(rng)
            specs.append(
                dict(
                    entity_type="account",
                    title_en=en,
                    title_zh=zh,
                    country=country,
                    notes_en=n_en.format(wallet=wallet),
                    notes_zh=n_zh.format(wallet=wallet),
                    kind="account",
                    us_only=rng.random() < 0.5,
                )
            )
        days = sorted(day0 + rng.randrange(0, 120) for _ in specs)
        first = self.ids("entity", len(specs))
        refs = self.references("ENT", days)
        rows = []
        for k, spec in enumerate(specs):
            rid = first + k
            us_only = spec.pop("us_only", False) or rng.random() < 0.08
            kind = spec.pop("kind")
            label_en = spec.pop("label_en", spec["title_en"])
            label_zh = spec.pop("label_zh", spec["title_zh"])
            row = self.common(
                rid,
                refs[k],
                spec["title_en"],
                spec["title_zh"],
                releasability="us_only" if us_only else "releasable",
                caveat="LES" if spec["entity_type"] in ("person", "account") else "SBU",
                created=self.clock.at(days[k], self.minute()),
                user=rng.choice(D.USERS),
            )
            row.update(uscc="", url="")
            row.update(spec)
            rows.append(row)
            thing = Thing(rid, spec["title_en"], spec["title_zh"], kind, label_en, label_zh)
            self.things.setdefault(kind, []).append(thing)
            if kind == "person" and spec["country"] == "China":
                self.things.setdefault("person_cn", []).append(thing)
            if kind in ("cn_chem", "cn_pharma"):
                self.things.setdefault("cn_seller", []).append(thing)
        self.write_records("entity", rows)

        assert self.shipped is not None  # read by agencies_and_contacts, the stage before
        by_cas = {str(row.values["cas_number"]): row for row in self.shipped.substances}
        rows = []
        things: list[tuple[str, Thing]] = []  # (short-name key, thing)
        for cas in D.REFERENCE_SUBSTANCES:
            row = by_cas.get(cas)
            if row is None or row.uuid not in self.local:
                continue  # not in this version of the shipped data
            v = row.values
            thing = Thing(self.local[row.uuid], v["title_en"], v["title_zh"], v["category"])
            things.append((cas, thing))
        first = self.ids("substance", len(D.SUBSTANCES))
        refs = self.references("SUB", [day0] * len(D.SUBSTANCES))
        for k, (en, zh, cat, cas, us_c, prc_c, n_en, n_zh) in enumerate(D.SUBSTANCES):
            rid = first + k
            row = self.common(rid, refs[k], en, zh, caveat="NONE", created=self.clock.at(day0, 600))
            row.update(
                category=cat,
                cas_number=cas,
                us_control=us_c,
                prc_control=prc_c,
                notes_en=n_en,
                notes_zh=n_zh,
            )
            rows.append(row)
            things.append((en, Thing(rid, en, zh, cat)))
        self.write_records("substance", rows)
        for key, thing in things:
            en, cat = thing.en, thing.kind
            short = D.SUBSTANCE_SHORT_EN.get(key)
            if short is None:  # common nouns in running text: "seizure of fentanyl"
                short = en[0].lower() + en[1:] if en[1:2].islower() else en
            thing = Thing(thing.id, en, thing.zh, cat, short, thing.zh)
            self.things.setdefault("sub_" + cat, []).append(thing)
            if key in D.SCHEDULING_TARGETS:
                self.things.setdefault("sub_scheduling", []).append(thing)

    def _shipments(self) -> list[dict[str, Any]]:
        rng = self.rng
        out = []
        for k in range(10):
            decl_en, decl_zh = rng.choice(D.DECLARED)
            if k % 3 != 2:
                number = awb_number(rng, rng.choice(D.AWB_PREFIXES))
                (o_en, o_zh), (d_en, d_zh) = rng.choice(D.AIRPORTS_CN), rng.choice(D.AIRPORTS_DEST)
                kg = rng.choice((5, 10, 25, 50, 100, 200))
                en = f"Air cargo AWB {number}: {o_en} to {d_en}, {kg} kg declared as '{decl_en}'"
                zh = f"航空货运单{number}：{o_zh}至{d_zh}，{kg}公斤，申报品名“{decl_zh}”"
                label_en, label_zh = f"air cargo AWB {number}", f"航空货运单{number}货物"
            else:
                number = container_number(rng, rng.choice(D.CONTAINER_OWNERS))
                (o_en, o_zh), (d_en, d_zh) = rng.choice(D.PORTS_CN), rng.choice(D.PORTS_DEST)
                en = f"Container {number}: {o_en} to {d_en}, declared as '{decl_en}'"
                zh = f"集装箱{number}：{o_zh}至{d_zh}，申报品名“{decl_zh}”"
                label_en, label_zh = f"container {number}", f"集装箱{number}货物"
            out.append(
                dict(
                    entity_type="shipment",
                    title_en=en,
                    title_zh=zh,
                    country="China",
                    notes_en=f"Declared as '{decl_en}'; consignor details on file.",
                    notes_zh=f"申报品名为“{decl_zh}”；发货人信息已存档。",
                    kind="shipment",
                    label_en=label_en,
                    label_zh=label_zh,
                )
            )
        return out

    def _pick_substance(self, loe: str) -> Thing:
        t = self.things
        pools = {
            "scheduling": t["sub_scheduling"],
            "emerging": t["sub_nitazene"] + t["sub_adulterant"],
            "equipment": t["sub_equipment"],
        }
        pool = pools.get(loe) or (t["sub_precursor"] + t["sub_opioid"][:2])
        return self.rng.choice(pool)

    def _pick_company(self, loe: str) -> Thing:
        t = self.things
        if loe == "equipment":
            pool = t["cn_machinery"]
        elif loe == "customs":
            pool = t["cn_logistics"] + t["cn_seller"]
        elif loe == "finance":
            pool = t["cn_payments"] + t["cn_seller"]
        else:
            pool = t["cn_seller"]
        return self.rng.choice(pool)

    def fill(self, strings: Sequence[str], loe: str) -> tuple[list[str], list[int], list[int]]:
        """Format bilingual templates; returns the strings and the entities/substances used."""
        rng = self.rng
        values: dict[str, str] = {"kg": str(rng.choice((2, 5, 10, 25, 40, 60, 120, 500)))}
        ents: list[int] = []
        subs: list[int] = []
        keys = set()
        for s in strings:
            keys.update(PLACEHOLDER.findall(s))
        for key in sorted(keys):
            if key == "sub":
                thing = self._pick_substance(loe)
                subs.append(thing.id)
            else:
                if key == "co":
                    thing = self._pick_company(loe)
                elif key == "fco":
                    thing = rng.choice(self.things["foreign_mx"] + self.things["foreign_us"])
                elif key == "mx":
                    thing = rng.choice(self.things["foreign_mx"])
                elif key == "person":
                    thing = rng.choice(self.things["person"])
                elif key == "cnp":
                    thing = rng.choice(self.things["person_cn"])
                elif key == "site":
                    thing = rng.choice(self.things["website"])
                elif key == "shp":
                    thing = rng.choice(self.things["shipment"])
                elif key == "acct":
                    thing = rng.choice(self.things["account"])
                else:
                    raise KeyError(key)
                ents.append(thing.id)
            values[f"{key}_en"] = thing.label_en or thing.en
            values[f"{key}_zh"] = thing.label_zh or thing.zh
        out = [s.format(**values) for s in strings]
        out = [s[0].upper() + s[1:] if s[:1].islower() else s for s in out]
        return out, ents, subs
