"""A package sent to a freshly set-up counterpart database is accepted on first import: it
carries the agencies, substances, entities and releasable contacts its records name (never a
US-only contact), the other side finds them by UUID or natural key, and the answer comes
back accepted too. Both directions, with and without the shipped reference data."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.helpers import World
from workinggroup_app.domain import models
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.exchange import sync
from workinggroup_app.exchange.sync.protocol import PackageRefused
from workinggroup_app.services.office import OfficeProfile
from workinggroup_app.services.setup import SetupRequest, set_up
from workinggroup_app.storage.database import Database, open_database

PASSWORD = "Liaison-Office-2026"
PASSPHRASE = "liaison office key passphrase"


@dataclass
class Office:
    """One side's installation: its database, first administrator, world and keys."""

    side: str
    db: Database
    actor: Actor
    world: World
    keys: Path
    shipped: bool  # the shipped reference data was loaded at set-up

    def export(self, path: Path, **kw) -> sync.ExportResult:
        return sync.export_package(
            self.db, path, key_dir=self.keys, actor=self.actor, passphrase=PASSPHRASE, **kw
        )

    def apply(self, path: Path) -> sync.ImportResult:
        return sync.apply_import(
            self.db, path, actor=self.actor, key_dir=self.keys, passphrase=PASSPHRASE
        )

    def preview(self, path: Path) -> sync.ImportResult:
        return sync.preview_import(
            self.db, path, actor=self.actor, key_dir=self.keys, passphrase=PASSPHRASE
        )

    def key(self):
        return sync.own_key(self.keys, PASSPHRASE)[0]

    def opened(self, path: Path) -> bytes:
        """The signed zip inside a package, decrypted with this office's key."""
        return sync.unseal(path.read_bytes(), self.key())

    def one(self, model, **where):
        with self.db.session() as s:
            q = select(model).filter_by(**where)
            found = s.execute(q).scalars().all()
            assert len(found) <= 1, f"{len(found)} {model.__name__} rows with {where}"
            return found[0] if found else None

    def id_of(self, model, **where) -> int:
        found = self.one(model, **where)
        assert found is not None, where
        return found.id

    def count(self, model, **where) -> int:
        with self.db.session() as s:
            q = select(func.count()).select_from(model).filter_by(**where)
            return s.execute(q).scalar_one()


def office(db: Database, side: str, tmp_path: Path, load_reference_data: bool) -> Office:
    result = set_up(
        db,
        SetupRequest(
            f"admin.{side.lower()}",
            PASSWORD,
            f"{side} Administrator OWNERCANARY",
            OfficeProfile(side, f"{side} liaison office", "us_only"),
            load_reference_data=load_reference_data,
        ),
    )
    keys = tmp_path / f"keys-{side}"
    sync.generate_key(f"{side} liaison office", directory=keys, passphrase=PASSPHRASE)
    return Office(side, db, result.actor, World(db, result.actor), keys, load_reference_data)


@pytest.fixture
def pair(request, db, tmp_path, sqlite_template):
    """(US office, PRC office): two fresh databases, each set up, keys registered both ways.
    ``request.param``: whether the offices load the shipped reference data, and (optional)
    "postgres" for a PRC office on the PostgreSQL server."""
    load, *backend = request.param if isinstance(request.param, tuple) else (request.param,)
    if backend == ["postgres"]:
        prc_db = request.getfixturevalue("pg_db")
    else:
        path = tmp_path / "prc.sqlite3"
        shutil.copyfile(sqlite_template, path)
        prc_db = open_database(str(path))
        request.addfinalizer(prc_db.dispose)
    us = office(db, "US", tmp_path, load)
    prc = office(prc_db, "PRC", tmp_path, load)
    sync.register_key(
        us.db, "PRC office", (prc.keys / sync.PUBLIC_KEY).read_bytes(), actor=us.actor
    )
    sync.register_key(
        prc.db, "US office", (us.keys / sync.PUBLIC_KEY).read_bytes(), actor=prc.actor
    )
    return us, prc


def agency(o: Office, side: str, abbreviation: str, en: str, zh: str) -> int:
    """The shipped agency when the office loaded the reference data, else one typed in."""
    found = o.one(models.Agency, side=side, abbreviation=abbreviation)
    if found is not None:
        return found.id
    return o.world.make(
        "agency",
        side=side,
        abbreviation=abbreviation,
        title_en=en,
        title_zh=zh,
        releasability="releasable",
    )


def substance(o: Office, cas: str, en: str, zh: str, category: str = "precursor") -> int:
    found = o.one(models.Substance, cas_number=cas) if cas else None
    if found is not None:
        return found.id
    return o.world.make(
        "substance",
        title_en=en,
        title_zh=zh,
        cas_number=cas,
        category=category,
        releasability="releasable",
    )


def build_world(o: Office) -> dict[str, int]:
    """What a liaison office records in its first weeks, on either side."""
    w = o.world
    ids = {
        "dea": agency(o, "US", "DEA", "Drug Enforcement Administration", "美国缉毒局"),
        "hsi": agency(o, "US", "HSI", "Homeland Security Investigations", "美国国土安全调查局"),
        "ncb": agency(
            o, "PRC", "MPS NCB", "Narcotics Control Bureau, Ministry of Public Security", "禁毒局"
        ),
        "npp": substance(o, "39742-60-4", "N-Phenethyl-4-piperidone (NPP)", "NPP"),
        "4ap": substance(o, "23056-29-3", "4-Anilinopiperidine (4-AP)", "4-AP"),
        "die": substance(o, "", f"Pill press die ({o.side})", "压片机模具", "equipment"),
    }
    ids["entity"] = w.make(
        "entity",
        title_en="Hubei Example Chemical",
        title_zh="湖北某化工",
        releasability="releasable",
    )
    ids["contact"] = w.make(
        "contact",
        title_en="Wang Li",
        title_zh="王立",
        agency_id=ids["ncb"],
        position_en="Deputy Director",
        position_zh="副局长",
        email=f"Wang.Li@{o.side.lower()}.example",
        releasability="releasable",
    )
    ids["secret_contact"] = w.make(
        "contact",
        title_en="Source SECRETCANARY",
        title_zh="线人",
        agency_id=ids["dea"],
        email="secretcanary@dea.example",
        phone="+1 202-555-0199",
        releasability="us_only",
    )
    ids["case"] = w.make(
        "case",
        title_en=f"NPP shipments ({o.side})",
        title_zh="NPP 货运",
        lead_agency_id=ids["dea"],
        substances=[ids["npp"], ids["die"]],
        entities=[ids["entity"]],
        releasability="releasable",
    )
    ids["referral"] = w.make(
        "referral",
        title_en=f"Online sale of 4-AP ({o.side})",
        title_zh="网上销售4-AP",
        direction="US_TO_PRC" if o.side == "US" else "PRC_TO_US",
        sending_agency_id=ids["dea"] if o.side == "US" else ids["ncb"],
        receiving_agency_id=ids["ncb"] if o.side == "US" else ids["dea"],
        case_id=ids["case"],
        sent_on="2026-02-02",
        substances=[ids["4ap"], ids["npp"]],
        entities=[ids["entity"]],
        releasability="releasable",
    )
    w.move("referral", ids["referral"], "sent" if o.side == "US" else "received")
    ids["closed"] = w.make(  # answered and closed last year, with its outcome
        "referral",
        title_en=f"Seizure of NPP ({o.side})",
        title_zh="查获NPP",
        direction="US_TO_PRC" if o.side == "US" else "PRC_TO_US",
        sending_agency_id=ids["dea"] if o.side == "US" else ids["ncb"],
        receiving_agency_id=ids["ncb"] if o.side == "US" else ids["dea"],
        sent_on="2025-10-01",
        substances=[ids["npp"]],
        releasability="releasable",
    )
    w.move("referral", ids["closed"], "sent" if o.side == "US" else "received")
    w.move("referral", ids["closed"], "acknowledged", "responded")
    w.move("referral", ids["closed"], "closed", outcome="seizure")
    ids["meeting"] = w.make(
        "meeting",
        title_en="Technical session on precursors",
        title_zh="易制毒化学品技术会议",
        meeting_type="technical",
        starts_at="2026-02-20T02:00:00+00:00",
        referrals=[ids["referral"]],
        cases=[ids["case"]],
        releasability="releasable",
    )
    w.svc.save_meeting_content(
        ids["meeting"],
        w.version("meeting", ids["meeting"]),
        attendees=[
            {
                "side": "PRC",
                "name_en": "Wang Li",
                "name_zh": "王立",
                "position_en": "Deputy Director",
                "agency_id": ids["ncb"],
                "contact_id": ids["contact"],
                "head_of_delegation": True,
            },
            {
                "side": "US",
                "name_en": "J. Smith",
                "position_en": "Special Agent",
                "agency_id": ids["hsi"],
                "contact_id": ids["secret_contact"],
            },
        ],
    )
    ids["action"] = w.make(
        "action_item",
        title_en="Share test results for the seized 4-AP",
        title_zh="分享查获4-AP的检测结果",
        owner_side="PRC",
        owner_agency_id=ids["ncb"],
        owner_person="Wang Li",
        due_date="2026-04-01",
        origin_meeting_id=ids["meeting"],
        releasability="releasable",
    )
    # the owner here is this office's own account (migration 0007's owner_user_id)
    w.sql(
        "UPDATE action_item SET owner_user_id = :uid WHERE id = :id",
        uid=o.id_of(models.User, username=o.actor.username),
        id=ids["action"],
    )
    return ids


def package_text(path: Path, reader: Office) -> str:
    with zipfile.ZipFile(io.BytesIO(reader.opened(path))) as zf:
        return "\n".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".json"))


def uuid_of(o: Office, model, record_id: int) -> str:
    with o.db.session() as s:
        return s.get(model, record_id).uuid


def check_received(sender: Office, receiver: Office, ids: dict[str, int]) -> None:
    """Every record of ``build_world`` arrived with its links, the US-only contact did not."""
    uuid = {k: uuid_of(sender, m, ids[k]) for k, m in KINDS.items()}
    with receiver.db.session() as s:

        def get(model, key):
            found = s.execute(select(model).where(model.uuid == uuid[key])).scalar_one_or_none()
            assert found is not None, f"{key} did not arrive"
            return found

        referral = get(models.Referral, "referral")
        names = {referral.sending_agency.abbreviation, referral.receiving_agency.abbreviation}
        assert names == {"DEA", "MPS NCB"}
        assert referral.status == ("sent" if sender.side == "US" else "received")
        assert referral.case is get(models.Case, "case")
        assert sorted(x.uuid for x in referral.substances) == sorted([uuid["4ap"], uuid["npp"]])
        assert [e.title_zh for e in referral.entities] == ["湖北某化工"]
        closed = get(models.Referral, "closed")
        assert (closed.status, closed.outcome) == ("closed", "seizure")
        case = get(models.Case, "case")
        assert case.lead_agency.abbreviation == "DEA"
        assert sorted(x.uuid for x in case.substances) == sorted([uuid["npp"], uuid["die"]])
        meeting = get(models.Meeting, "meeting")
        assert [r.id for r in meeting.referrals] == [referral.id]
        assert [c.id for c in meeting.cases] == [case.id]
        wang, smith = meeting.attendees
        contact = get(models.Contact, "contact")
        assert (wang.name_zh, wang.contact_id, wang.head_of_delegation) == (
            "王立",
            contact.id,
            True,
        )
        assert wang.agency.abbreviation == "MPS NCB" and contact.agency.abbreviation == "MPS NCB"
        # the attendee line travels, as in the bilateral packet; its US-only contact does not
        assert (smith.name_en, smith.contact_id, smith.agency.abbreviation) == (
            "J. Smith",
            None,
            "HSI",
        )
        action = get(models.ActionItem, "action")
        assert action.origin_meeting_id == meeting.id
        assert action.owner_agency.abbreviation == "MPS NCB" and action.owner_person == "Wang Li"
        assert action.owner_user_id is None  # an account of the other side names no one here
        # one agency per side and abbreviation, one substance per CAS number: nothing doubled
        for side, abbr in (("US", "DEA"), ("US", "HSI"), ("PRC", "MPS NCB")):
            n = s.execute(
                select(func.count())
                .select_from(models.Agency)
                .where(models.Agency.side == side, models.Agency.abbreviation == abbr)
            ).scalar_one()
            assert n == 1, (side, abbr)
        for cas in ("23056-29-3", "39742-60-4"):
            n = s.execute(
                select(func.count())
                .select_from(models.Substance)
                .where(models.Substance.cas_number == cas)
            ).scalar_one()
            assert n == 1, cas
        secret = s.execute(
            select(models.Contact).where(
                (models.Contact.uuid == uuid["secret_contact"])
                | (func.lower(models.Contact.email) == "secretcanary@dea.example")
            )
        ).scalar_one_or_none()
        assert secret is None


KINDS = {
    "dea": models.Agency,
    "hsi": models.Agency,
    "ncb": models.Agency,
    "npp": models.Substance,
    "4ap": models.Substance,
    "die": models.Substance,
    "entity": models.Entity,
    "contact": models.Contact,
    "secret_contact": models.Contact,
    "case": models.Case,
    "referral": models.Referral,
    "closed": models.Referral,
    "meeting": models.Meeting,
    "action": models.ActionItem,
}


@pytest.mark.parametrize(
    "pair",
    [
        pytest.param(False, id="typed"),
        pytest.param(True, id="shipped"),
        pytest.param((False, "postgres"), id="typed-postgres", marks=pytest.mark.postgres),
    ],
    indirect=True,
)
@pytest.mark.parametrize("first", ["US", "PRC"])
def test_a_full_package_is_accepted_by_a_fresh_counterpart_and_its_answer_too(
    pair, first, tmp_path
):
    us, prc = pair
    sender, receiver = (us, prc) if first == "US" else (prc, us)
    ids = build_world(sender)

    result = sender.export(tmp_path / "first.zip")
    text = package_text(tmp_path / "first.zip", receiver)
    assert "SECRETCANARY" not in text and "secretcanary" not in text and "202-555-0199" not in text
    assert uuid_of(sender, models.Contact, ids["secret_contact"]) not in text
    assert "owner_user_id" not in text and "OWNERCANARY" not in text
    assert f"admin.{sender.side.lower()}" not in text  # no account of the sender's
    assert result.counts["agency"] >= 3 and result.counts["contact"] == 1

    first_import = receiver.apply(tmp_path / "first.zip")
    counts = first_import.counts()
    assert counts["problem"] == 0 and counts["conflict"] == 0, [
        (i.record_type, i.message_en) for i in first_import.items if i.action in ("problem",)
    ]
    reference = {"dea", "hsi", "ncb", "npp", "4ap"}  # shipped, when the offices loaded it
    new = {i.uuid for i in first_import.of("new")}
    assert new == {
        uuid_of(sender, m, ids[k])
        for k, m in KINDS.items()
        if k != "secret_contact" and not (k in reference and receiver.shipped)
    }
    if receiver.shipped:  # the shipped agencies are the same records on both sides
        assert {i.action for i in first_import.items if i.record_type == "agency"} == {"unchanged"}
        dea = uuid_of(sender, models.Agency, ids["dea"])
        assert receiver.one(models.Agency, abbreviation="DEA").uuid == dea
    check_received(sender, receiver, ids)
    assert receiver.world.verify().ok

    # the counterpart answers: acknowledges the referral, notes the meeting, adds a phone
    with receiver.db.session() as s:
        uuid = {k: uuid_of(sender, m, ids[k]) for k, m in KINDS.items()}
        rid = s.execute(
            select(models.Referral.id).where(models.Referral.uuid == uuid["referral"])
        ).scalar_one()
        mid = s.execute(
            select(models.Meeting.id).where(models.Meeting.uuid == uuid["meeting"])
        ).scalar_one()
        cid = s.execute(
            select(models.Contact.id).where(models.Contact.uuid == uuid["contact"])
        ).scalar_one()
    receiver.world.move("referral", rid, "acknowledged")
    receiver.world.svc.update(
        "meeting", mid, {"summary_zh": "双方交换了检测结果"}, receiver.world.version("meeting", mid)
    )
    receiver.world.svc.update(
        "contact", cid, {"phone": "+86 10 5555 0100"}, receiver.world.version("contact", cid)
    )
    receiver.export(tmp_path / "answer.zip")
    answer = sender.apply(tmp_path / "answer.zip")
    counts = answer.counts()
    assert counts["problem"] == 0 and counts["conflict"] == 0 and counts["new"] == 0
    assert {(i.record_type, i.uuid) for i in answer.of("update")} == {
        ("referral", uuid["referral"]),
        ("meeting", uuid["meeting"]),
        ("contact", uuid["contact"]),
    }
    assert sender.world.get("referral", ids["referral"]).status == "acknowledged"
    assert sender.world.get("meeting", ids["meeting"]).summary_zh == "双方交换了检测结果"
    assert sender.world.get("contact", ids["contact"]).phone == "+86 10 5555 0100"
    with sender.db.session() as s:
        meeting = s.get(models.Meeting, ids["meeting"])
        # our attendee's link to our US-only contact is ours and survives their version
        assert [a.contact_id for a in meeting.attendees] == [ids["contact"], ids["secret_contact"]]
        action = s.get(models.ActionItem, ids["action"])
        assert action.owner_user_id is not None  # our owner stays ours
    assert sender.world.verify().ok

    # and once both sides agree, exchanging again changes nothing on either side
    sender.export(tmp_path / "again.zip")
    again = receiver.apply(tmp_path / "again.zip").counts()
    assert again["update"] == again["conflict"] == again["problem"] == again["new"] == 0


@pytest.mark.parametrize("pair", [False], indirect=True, ids=["typed"])
def test_a_package_of_recent_changes_still_carries_what_its_records_name(pair, tmp_path):
    """Only the closed referral changed since the date: its agencies and substance travel
    anyway, so a counterpart that never had them accepts it."""
    us, prc = pair
    ids = build_world(us)
    later = datetime.now(UTC)
    us.world.svc.update(  # a liaison officer corrects the closed referral, nothing else
        "referral",
        ids["closed"],
        {"summary_en": "Seized at the port of Tianjin"},
        us.world.version("referral", ids["closed"]),
    )
    result = us.export(tmp_path / "recent.zip", since=later)
    assert {k: v for k, v in result.counts.items() if v} == {
        "referral": 1,
        "agency": 2,  # DEA and MPS NCB, unchanged since
        "substance": 1,  # NPP, unchanged since
    }
    imported = prc.apply(tmp_path / "recent.zip")
    assert imported.counts()["new"] == 4 and imported.counts()["problem"] == 0
    with prc.db.session() as s:
        referral = s.execute(select(models.Referral)).scalar_one()
        assert (referral.status, referral.outcome) == ("closed", "seizure")
        assert referral.summary_en == "Seized at the port of Tianjin"
        assert referral.sending_agency.abbreviation == "DEA"
        assert [x.cas_number for x in referral.substances] == ["39742-60-4"]
    # the full package later brings the rest, and what came already is not doubled
    second = prc.apply(us.export(tmp_path / "full.zip").path).counts()
    assert second["problem"] == second["conflict"] == 0 and second["unchanged"] == 4
    check_received(us, prc, ids)


@pytest.mark.parametrize("pair", [False], indirect=True, ids=["typed"])
def test_records_typed_on_both_sides_line_up_by_natural_key_and_are_not_overwritten(pair, tmp_path):
    us, prc = pair
    ids = build_world(us)
    # the PRC office typed the same agency, substance and contact with its own words
    dea = prc.world.make(
        "agency",
        side="US",
        abbreviation="dea",
        title_en="US Drug Enforcement Administration",
        title_zh="美国禁毒署",
        releasability="releasable",
    )
    ncb = agency(
        prc, "PRC", "MPS NCB", "Narcotics Control Bureau, Ministry of Public Security", "禁毒局"
    )
    npp = prc.world.make(
        "substance",
        title_en="NPP",
        title_zh="苯乙基哌啶酮",
        cas_number="39742-60-4",
        releasability="releasable",
    )
    wang = prc.world.make(
        "contact",
        title_en="Wang Li",
        title_zh="王立",
        agency_id=ncb,
        email="wang.li@us.example",
        releasability="releasable",
    )
    us.export(tmp_path / "first.zip")
    result = prc.apply(tmp_path / "first.zip")
    by_uuid = {i.uuid: i for i in result.items}
    dea_item = by_uuid[uuid_of(us, models.Agency, ids["dea"])]
    assert (dea_item.action, dea_item.local_id) == ("conflict", dea)  # theirs is not taken
    assert by_uuid[uuid_of(us, models.Substance, ids["npp"])].local_id == npp
    assert by_uuid[uuid_of(us, models.Contact, ids["contact"])].local_id == wang
    assert result.counts()["problem"] == 0
    assert prc.world.get("agency", dea).title_zh == "美国禁毒署"
    assert prc.world.get("substance", npp).title_zh == "苯乙基哌啶酮"
    with prc.db.session() as s:
        referral = s.execute(
            select(models.Referral).where(
                models.Referral.uuid == uuid_of(us, models.Referral, ids["referral"])
            )
        ).scalar_one()
        assert referral.sending_agency_id == dea and referral.receiving_agency_id == ncb
        assert npp in {x.id for x in referral.substances}
        meeting = s.execute(select(models.Meeting)).scalar_one()
        assert meeting.attendees[0].contact_id == wang
    assert prc.count(models.Agency, side="US") == 2  # their DEA matched ours, HSI is new
    assert prc.count(models.Contact) == 1

    # the PRC side keeps its own words; afterwards the two versions of the records that
    # link to them are the same content, whichever side's UUIDs name the links
    (conflict,) = [c for c in sync.open_conflicts(prc.db) if c.record_type == "agency"]
    sync.resolve_conflict(prc.db, conflict.id, "mine", actor=prc.actor)
    prc.export(tmp_path / "answer.zip")
    answer = us.apply(tmp_path / "answer.zip")
    changed = {(i.record_type, i.action) for i in answer.items if i.action != "unchanged"}
    assert changed == {("agency", "update"), ("substance", "conflict"), ("contact", "conflict")}
    # they chose to keep theirs, so theirs comes back as the newer version
    assert us.world.get("agency", ids["dea"]).title_zh == "美国禁毒署"
    assert us.count(models.Agency, side="US") == 2 and us.count(models.Referral) == 2

    # the US side takes their contact: the differences shown are the real ones only (not
    # the UUIDs both sides give the same agency), and taking it makes no second contact
    (contact,) = [c for c in sync.open_conflicts(us.db) if c.record_type == "contact"]
    assert {d[0] for d in contact.differences} == {"email", "position_en", "position_zh"}
    sync.resolve_conflict(us.db, contact.id, "theirs", actor=us.actor)
    assert us.world.get("contact", ids["contact"]).email == "wang.li@us.example"
    assert us.count(models.Contact) == 2  # Wang Li and the US-only contact
    with us.db.session() as s:
        assert s.get(models.Contact, ids["contact"]).agency_id == ids["ncb"]
    assert us.world.verify().ok and prc.world.verify().ok


@pytest.mark.parametrize("pair", [False], indirect=True, ids=["typed"])
def test_an_attendee_smuggling_a_field_or_naming_a_missing_contact_is_refused(pair, tmp_path):
    us, prc = pair
    build_world(us)
    us.export(tmp_path / "p.zip")
    key = us.key()

    def rewrite(dst: Path, change, format_version: int = sync.FORMAT_VERSION) -> None:
        with zipfile.ZipFile(io.BytesIO(us.opened(tmp_path / "p.zip"))) as zf:
            members = {n: zf.read(n) for n in zf.namelist()}
        doc = json.loads(members["records/meeting.json"])
        (rec,) = doc["records"].values()
        change(rec["fields"]["attendees"])
        rec["hash"] = sync.content_hash(rec["fields"])
        data = json.dumps(doc).encode()
        members["records/meeting.json"] = data
        manifest = json.loads(members["manifest.json"])
        manifest["format_version"] = format_version
        manifest["members"]["records/meeting.json"] = {
            "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data),
        }
        members["manifest.json"] = json.dumps(manifest).encode()
        members["signature.sig"] = key.sign(members["manifest.json"])  # a careless sender
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zf:
            for name, body in members.items():
                zf.writestr(sync.member_info(name), body, compresslevel=6)
        recipients = [sync.raw_public_of(prc.key()), sync.raw_public_of(key)]
        dst.write_bytes(sync.seal(out.getvalue(), recipients))

    before = prc.count(models.AuditEvent), prc.count(models.Meeting), prc.count(models.Agency)
    rewrite(tmp_path / "extra.zip", lambda rows: rows[1].update(email="secretcanary@dea.example"))
    with pytest.raises(PackageRefused, match=r"attendees\.email.*not shared") as refused:
        prc.apply(tmp_path / "extra.zip")
    assert "不共享" in refused.value.message_zh
    rewrite(tmp_path / "list.zip", lambda rows: rows.append("=HYPERLINK(1)"))
    with pytest.raises(PackageRefused, match="malformed attendees") as refused:
        prc.apply(tmp_path / "list.zip")
    assert "出席人员格式错误" in refused.value.message_zh

    def old_format(rows):  # as the previous version wrote them: no agencies, no attendees
        rows.clear()

    rewrite(tmp_path / "v1.zip", old_format, format_version=1)
    with pytest.raises(PackageRefused, match="format version 1 by an older version") as refused:
        prc.apply(tmp_path / "v1.zip")
    assert "旧版程序" in refused.value.message_zh
    assert (
        prc.count(models.AuditEvent),
        prc.count(models.Meeting),
        prc.count(models.Agency),
    ) == before

    # a contact that is nowhere, or a name no form would take: that meeting is a problem
    # (said in both languages), the rest of the package goes in
    def missing(rows):
        rows[0]["contact_id"] = "2f1c5b8e-8a47-4c31-9d5e-2b0f5c1e9a77"

    rewrite(tmp_path / "missing.zip", missing)
    preview = prc.preview(tmp_path / "missing.zip")
    (meeting,) = [i for i in preview.items if i.record_type == "meeting"]
    assert meeting.action == "problem"
    assert "Attendee 1, Contact: links to 2f1c5b8e" in meeting.message_en
    assert "出席人员 1，联系人" in meeting.message_zh
    rewrite(tmp_path / "long.zip", lambda rows: rows[1].update(name_en="<b>x</b>\x00" * 100))
    result = prc.apply(tmp_path / "long.zip")
    (meeting,) = [i for i in result.items if i.record_type == "meeting"]
    assert meeting.action == "problem" and "Attendee 2: too long" in meeting.message_en
    assert "出席人员 2：内容过长" in meeting.message_zh
    assert prc.count(models.Meeting) == 0 and prc.count(models.Referral) == 2
    (action,) = [i for i in result.items if i.record_type == "action_item"]
    assert action.action == "problem"  # it came from that meeting


def test_a_meetings_attendees_are_named_in_words_where_changes_are_shown():
    from workinggroup_app.exchange.sync import content_label

    assert content_label("meeting", "attendees") == "Attendees"
    assert content_label("meeting", "attendees", "zh_CN") == "出席人员"
    assert content_label("referral", "title_zh", "zh_CN") == "标题（中文）"
