"""Exchange packages with the counterpart: only releasable records and shared fields go out,
signed; anything altered is refused whole; merging never overwrites a local edit silently."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import stat
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.helpers import World, run_command
from workinggroup_app.domain import models
from workinggroup_app.domain.errors import PermissionDenied
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.exchange import sync
from workinggroup_app.exchange.sync.protocol import PackageRefused
from workinggroup_app.read import finder
from workinggroup_app.storage.database import open_database

PASSPHRASE = "a long test passphrase"


@dataclass
class Side:
    name: str
    db: object
    world: World
    keys: Path

    def export(self, path: Path, **kw) -> sync.ExportResult:
        return sync.export_package(self.db, path, key_dir=self.keys, passphrase=PASSPHRASE, **kw)

    def preview(self, path: Path) -> sync.ImportResult:
        return sync.preview_import(self.db, path, key_dir=self.keys, passphrase=PASSPHRASE)

    def apply(self, path: Path) -> sync.ImportResult:
        return sync.apply_import(self.db, path, key_dir=self.keys, passphrase=PASSPHRASE)

    def key(self):
        return sync.own_key(self.keys, PASSPHRASE)[0]

    def public(self) -> bytes:
        return sync.raw_public_of(self.key())

    def opened(self, path: Path) -> bytes:
        """The signed zip inside a package, decrypted with this side's key."""
        return sync.unseal(path.read_bytes(), self.key())

    def by_uuid(self, type_key: str, uuid: str):
        model = models.MODELS[type_key]
        with self.db.session() as s:
            obj = s.execute(select(model).where(model.uuid == uuid)).scalar_one_or_none()
            if obj is not None:
                for name in ("entities", "substances"):
                    if hasattr(obj, name):
                        getattr(obj, name)
                s.expunge_all()
            return obj

    def count(self, model) -> int:
        return self.world.count(model)

    def rows_everywhere(self) -> tuple[int, ...]:
        return tuple(
            self.count(m)
            for m in (
                *models.MODELS.values(),
                models.AuditEvent,
                models.StatusChange,
                models.ExchangeState,
                models.ExchangeConflict,
                models.ExchangePackage,
            )
        )


def make_side(name: str, db, tmp_path: Path) -> Side:
    w = World(db)
    w.make("agency", abbreviation="DEA", side="US", releasability="releasable")
    w.make("agency", abbreviation="MPS", side="PRC", releasability="releasable")
    keys = tmp_path / f"keys-{name}"
    sync.generate_key(name, directory=keys, passphrase=PASSPHRASE)
    return Side(name, db, w, keys)


@pytest.fixture
def us(db, tmp_path) -> Side:
    return make_side("US", db, tmp_path)


@pytest.fixture
def prc(tmp_path, sqlite_template, us) -> Side:
    path = tmp_path / "prc.sqlite3"
    shutil.copyfile(sqlite_template, path)
    database = open_database(str(path))
    side = make_side("PRC", database, tmp_path)
    sync.register_key(us.db, "PRC MPS", (side.keys / sync.PUBLIC_KEY).read_bytes())
    sync.register_key(database, "US DEA", (us.keys / sync.PUBLIC_KEY).read_bytes())
    yield side
    database.dispose()


def shared_world(us: Side) -> dict[str, int]:
    """A releasable referral with one releasable and one US-only entity, plus US-only
    records and a child of a US-only parent that must never leave."""
    w = us.world
    ids = {
        "entity": w.make(
            "entity",
            title_en="Acme Chemical",
            title_zh="某化工",
            uscc="",
            notes_en="our analyst thinks CANARY",
            releasability="releasable",
        ),
        "secret_entity": w.make("entity", title_en="Source CANARY", releasability="us_only"),
        "substance": w.make(
            "substance", title_en="NPP", cas_number="19099-93-5", releasability="releasable"
        ),
        "secret_case": w.make("case", title_en="Case CANARY", releasability="us_only"),
    }
    ids["referral"] = w.make(
        "referral",
        title_en="Online sale of NPP",
        title_zh="网上销售NPP",
        sending_agency_id="DEA",
        receiving_agency_id="MPS",
        sent_on="2026-01-05",
        counterpart_ref="",
        source_grade="A",
        info_grade="1",
        summary_en="Storefront sells NPP",
        summary_zh="网店销售NPP",
        releasability="releasable",
        caveat="LES",
        entities=[ids["entity"], ids["secret_entity"]],
        substances=[ids["substance"]],
    )
    ids["secret_referral"] = w.make(
        "referral", title_en="Referral CANARY", title_zh="内部", releasability="us_only"
    )
    ids["child_of_secret"] = w.make(
        "referral",
        title_en="In secret case CANARY",
        title_zh="机密案件中",
        case_id=ids["secret_case"],
        releasability="releasable",
    )
    ids["action"] = w.make(
        "action_item",
        title_en="Reply on NPP",
        title_zh="答复NPP",
        owner_side="PRC",
        owner_agency_id="MPS",
        due_date="2026-03-01",
        origin_referral_id=ids["referral"],
        releasability="releasable",
    )
    return ids


def package_text(path: Path, side: Side) -> str:
    with zipfile.ZipFile(io.BytesIO(side.opened(path))) as zf:
        return "\n".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())


# --- what goes out -----------------------------------------------------------------------------


def test_only_releasable_records_and_shared_fields_leave(us, prc, tmp_path):
    shared_world(us)
    result = us.export(tmp_path / "p.zip")
    assert result.counts["referral"] == 1 and result.counts["entity"] == 1
    assert result.counts["action_item"] == 1 and result.counts["case"] == 0
    text = package_text(tmp_path / "p.zip", prc)
    assert "CANARY" not in text  # no US-only record, link, note or child of one
    for field in (
        "source_grade",
        "info_grade",
        "notes_en",
        "created_by",
        '"releasability":"us_only"',
    ):
        assert field not in text
    with zipfile.ZipFile(io.BytesIO(prc.opened(tmp_path / "p.zip"))) as zf:
        assert sorted(zf.namelist()) == sorted(
            ["manifest.json", "signature.sig"] + [f"records/{t}.json" for t in sync.EXCHANGE_TYPES]
        )
        manifest = json.loads(zf.read("manifest.json"))
        for name, meta in manifest["members"].items():
            assert hashlib.sha256(zf.read(name)).hexdigest() == meta["sha256"]
        referral = json.loads(zf.read("records/referral.json"))["records"]
    assert manifest["sender"]["name"] == "US" and manifest["record_counts"]["referral"] == 1
    (rec,) = referral.values()
    assert rec["fields"]["sending_agency_id"] == "DEA"
    assert len(rec["fields"]["entities"]) == 1  # the US-only entity's link stays home
    assert rec["releasability"] == "releasable" and rec["fields"]["caveat"] == "LES"


def test_export_then_import_into_a_new_database_gives_equal_records(us, prc, tmp_path):
    ids = shared_world(us)
    us.export(tmp_path / "p.zip")
    preview = prc.preview(tmp_path / "p.zip")
    assert preview.counts()["new"] == 4 and not preview.applied
    assert prc.count(models.Referral) == 0  # a preview writes nothing
    result = prc.apply(tmp_path / "p.zip")
    assert result.counts()["new"] == 4 and result.applied

    ours = us.world.get("referral", ids["referral"])
    theirs = prc.by_uuid("referral", ours.uuid)
    for name in sync.SHARED["referral"]:
        if name in ("sending_agency_id", "receiving_agency_id", "entities", "substances"):
            continue
        assert getattr(theirs, name) == getattr(ours, name), name
    assert theirs.counterpart_ref == ours.reference  # our number, as their counterpart's
    assert theirs.releasability == "releasable" and theirs.source_grade is None
    with prc.db.session() as s:
        t = s.get(models.Referral, theirs.id)
        assert t.sending_agency.abbreviation == "DEA"
        assert [e.title_en for e in t.entities] == ["Acme Chemical"]
        assert [x.cas_number for x in t.substances] == ["19099-93-5"]
        ai = s.execute(select(models.ActionItem)).scalar_one()
        assert ai.origin_referral_id == t.id and ai.owner_agency.abbreviation == "MPS"
        events = s.execute(
            select(models.AuditEvent.action, models.AuditEvent.record_type).where(
                models.AuditEvent.action == "import"
            )
        ).all()
    assert ("import", "exchange") in events and ("import", "referral") in events
    assert prc.world.verify().ok and us.world.verify().ok
    # exchanging the same content back and forth changes nothing
    prc.export(tmp_path / "back.zip")
    again = us.apply(tmp_path / "back.zip")
    # (the four records and the two agencies they name, which now travel with them)
    assert set(again.counts().items()) >= {("unchanged", 6), ("conflict", 0), ("update", 0)}


# --- what is refused -------------------------------------------------------------------------


def rewrite(src: Path, dst: Path, change, sender: Side, recipient: Side) -> None:
    """Copy a package, letting ``change(members: dict[str, bytes])`` edit its members, and
    encrypt it again to the same keys, as a sender (or one of the recipients) could."""
    with zipfile.ZipFile(io.BytesIO(sender.opened(src))) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    change(members)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:  # in the canonical form, so only content differs
        for name, data in members.items():
            zf.writestr(sync.member_info(name), data, compresslevel=6)
    dst.write_bytes(sync.seal(out.getvalue(), [recipient.public(), sender.public()]))


def test_a_flipped_byte_is_refused_and_nothing_is_written(us, prc, tmp_path):
    shared_world(us)
    us.export(tmp_path / "p.zip")
    before = prc.rows_everywhere()

    def flip(members):
        data = bytearray(members["records/referral.json"])
        i = data.index(b"Online sale")
        data[i] ^= 0x01
        members["records/referral.json"] = bytes(data)

    rewrite(tmp_path / "p.zip", tmp_path / "flipped.zip", flip, us, prc)
    with pytest.raises(PackageRefused, match=r"records/referral\.json .* was altered"):
        prc.apply(tmp_path / "flipped.zip")

    good = (tmp_path / "p.zip").read_bytes()  # any byte of the file, headers included
    inner = prc.opened(tmp_path / "p.zip")  # and of the signed zip inside it
    key = prc.key()
    mine = sync.fingerprint(prc.public())
    with prc.db.session() as s:
        for i in range(len(good)):
            raw = bytearray(good)
            raw[i] ^= 0xFF
            with pytest.raises(PackageRefused):
                sync.open_package(s, bytes(raw), tmp_path / "p.zip", key)
        original = sync.parse_package(s, inner, tmp_path / "p.zip", recipient=mine)
        for i in range(len(inner)):
            raw = bytearray(inner)
            raw[i] ^= 0xFF
            try:
                read = sync.parse_package(s, bytes(raw), tmp_path / "p.zip", recipient=mine)
            except PackageRefused:
                continue
            # a bit deflate never reads (the padding after a stream's last block) changes
            # nothing: the same signed manifest and the same records come out, or it fails
            assert read.manifest_sha256 == original.manifest_sha256, i
            assert read.records == original.records, i
    raw = bytearray(good)
    raw[len(raw) // 2] ^= 0xFF
    flipped = tmp_path / "raw.zip"
    flipped.write_bytes(bytes(raw))
    with pytest.raises(PackageRefused):
        prc.apply(flipped)
    assert prc.rows_everywhere() == before
    assert prc.apply(tmp_path / "p.zip").counts()["new"] == 4  # the original is fine


def test_a_wrong_signature_or_an_unknown_key_is_refused(us, prc, tmp_path):
    shared_world(us)
    us.export(tmp_path / "p.zip")

    def forged(members):
        members["signature.sig"] = bytes(64)

    rewrite(tmp_path / "p.zip", tmp_path / "forged.zip", forged, us, prc)
    with pytest.raises(PackageRefused, match="signature does not match"):
        prc.preview(tmp_path / "forged.zip")

    def edited_manifest(members):  # a changed count, still signed the old way
        m = json.loads(members["manifest.json"])
        m["record_counts"]["referral"] = 2
        members["manifest.json"] = json.dumps(m).encode()

    rewrite(tmp_path / "p.zip", tmp_path / "manifest.zip", edited_manifest, us, prc)
    with pytest.raises(PackageRefused, match="signature does not match"):
        prc.apply(tmp_path / "manifest.zip")

    stranger = make_side("stranger", us.db, tmp_path)  # a key nobody registered
    stranger.export(tmp_path / "stranger.zip")
    with pytest.raises(PackageRefused, match="not registered"):
        prc.apply(tmp_path / "stranger.zip")
    assert prc.count(models.Referral) == 0


def test_a_non_releasable_record_inserted_by_hand_is_refused(us, prc, tmp_path):
    shared_world(us)
    us.export(tmp_path / "p.zip")
    key = us.key()

    def smuggle(members, *, resign: bool, marking: str = "us_only", extra_field: bool = False):
        doc = json.loads(members["records/entity.json"])
        fields = {n: "" for n in sync.SHARED["entity"]}
        fields.update(title_en="Informant CANARY", entity_type="person", caveat="LES")
        if extra_field:
            fields["notes_en"] = "lives at CANARY"
        doc["records"]["2f1c5b8e-8a47-4c31-9d5e-2b0f5c1e9a77"] = {
            "reference": "ENT-2026-0099",
            "releasability": marking,
            "hash": sync.content_hash(fields),
            "history": [],
            "fields": fields,
        }
        data = json.dumps(doc).encode()
        members["records/entity.json"] = data
        if resign:  # as a careless or compromised sender would
            m = json.loads(members["manifest.json"])
            m["record_counts"]["entity"] += 1
            m["members"]["records/entity.json"] = {
                "sha256": hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
            }
            members["manifest.json"] = json.dumps(m).encode()
            members["signature.sig"] = key.sign(members["manifest.json"])

    rewrite(tmp_path / "p.zip", tmp_path / "a.zip", lambda m: smuggle(m, resign=False), us, prc)
    with pytest.raises(PackageRefused, match="was altered"):
        prc.apply(tmp_path / "a.zip")
    rewrite(tmp_path / "p.zip", tmp_path / "b.zip", lambda m: smuggle(m, resign=True), us, prc)
    with pytest.raises(PackageRefused, match=r"ENT-2026-0099 .* not marked releasable"):
        prc.apply(tmp_path / "b.zip")
    rewrite(
        tmp_path / "p.zip",
        tmp_path / "c.zip",
        lambda m: smuggle(m, resign=True, marking="releasable", extra_field=True),
        us,
        prc,
    )
    with pytest.raises(PackageRefused, match=r"notes_en.*not shared"):
        prc.apply(tmp_path / "c.zip")
    assert prc.count(models.Entity) == 0 and prc.count(models.ExchangePackage) == 0


def test_the_same_package_is_not_imported_twice(us, prc, tmp_path):
    shared_world(us)
    us.export(tmp_path / "p.zip")
    prc.apply(tmp_path / "p.zip")
    with pytest.raises(PackageRefused, match="already imported"):
        prc.apply(tmp_path / "p.zip")


# --- merging ----------------------------------------------------------------------------------


def referral_of(side: Side, uuid: str):
    return side.by_uuid("referral", uuid)


def test_their_newer_version_replaces_ours_and_ours_newer_is_kept(us, prc, tmp_path):
    ids = shared_world(us)
    uuid = us.world.get("referral", ids["referral"]).uuid
    us.export(tmp_path / "1.zip")
    prc.apply(tmp_path / "1.zip")

    theirs = referral_of(prc, uuid)
    prc.world.move("referral", theirs.id, "sent", "acknowledged")  # they acknowledge it
    prc.export(tmp_path / "2.zip")
    plan = us.preview(tmp_path / "2.zip")
    (item,) = [i for i in plan.items if i.uuid == uuid]
    assert item.action == "update"
    assert ("status", "draft", "acknowledged") in item.changes
    us.apply(tmp_path / "2.zip")
    ours = us.world.get("referral", ids["referral"])
    assert ours.status == "acknowledged" and ours.source_grade == "A"  # local-only field kept
    with us.db.session() as s:
        statuses = [
            (h.from_status, h.to_status)
            for h in s.query(models.StatusChange).filter_by(
                record_type="referral", record_id=ours.id
            )
        ]
        assert statuses[-1] == ("draft", "acknowledged")
        linked = [e.title_en for e in s.get(models.Referral, ours.id).entities]
    assert sorted(linked) == ["Acme Chemical", "Source CANARY"]  # our hidden link survives

    # we change it again; their next package, which still holds the version we already
    # had, cannot undo that
    us.world.svc.update("referral", ours.id, {"summary_en": "Storefront moved"}, ours.version)
    prc_version = referral_of(prc, uuid).version
    prc.export(tmp_path / "3.zip")
    result = us.apply(tmp_path / "3.zip")
    (item,) = [i for i in result.items if i.uuid == uuid]
    assert item.action == "kept"
    assert us.world.get("referral", ids["referral"]).summary_en == "Storefront moved"
    assert referral_of(prc, uuid).version == prc_version


def test_a_conflict_is_reported_not_resolved_silently(us, prc, tmp_path):
    ids = shared_world(us)
    uuid = us.world.get("referral", ids["referral"]).uuid
    us.export(tmp_path / "1.zip")
    prc.apply(tmp_path / "1.zip")

    ours = us.world.get("referral", ids["referral"])
    us.world.svc.update("referral", ours.id, {"summary_en": "US edit"}, ours.version)
    theirs = referral_of(prc, uuid)
    prc.world.svc.update("referral", theirs.id, {"summary_en": "PRC edit"}, theirs.version)
    prc.export(tmp_path / "2.zip")

    result = us.apply(tmp_path / "2.zip")
    (item,) = result.conflicts
    assert item.uuid == uuid and ("summary_en", "US edit", "PRC edit") in item.changes
    assert us.world.get("referral", ids["referral"]).summary_en == "US edit"  # untouched
    (conflict,) = sync.open_conflicts(us.db)
    assert conflict.reference == ours.reference
    assert ("summary_en", "US edit", "PRC edit") in conflict.differences
    with us.db.session() as s:
        outcome = s.execute(
            select(models.AuditEvent.outcome).where(
                models.AuditEvent.record_id == ours.id, models.AuditEvent.action == "import"
            )
        ).scalar_one()
    assert outcome == "conflict"

    # keep ours: it then goes back, and their side takes it as the newer version
    sync.resolve_conflict(us.db, conflict.id, "mine")
    assert sync.open_conflicts(us.db) == []
    later = us.export(tmp_path / "3.zip", since=date(2100, 1, 1))
    assert later.counts["referral"] == 1  # sent although it did not change since that date
    result = prc.apply(tmp_path / "3.zip")
    assert [i.action for i in result.items if i.uuid == uuid] == ["update"]
    assert referral_of(prc, uuid).summary_en == "US edit"


def test_taking_theirs_applies_their_version(us, prc, tmp_path):
    ids = shared_world(us)
    uuid = us.world.get("referral", ids["referral"]).uuid
    us.export(tmp_path / "1.zip")
    prc.apply(tmp_path / "1.zip")
    ours = us.world.get("referral", ids["referral"])
    us.world.svc.update("referral", ours.id, {"title_zh": "美方改"}, ours.version)
    theirs = referral_of(prc, uuid)
    prc.world.svc.update("referral", theirs.id, {"title_zh": "中方改"}, theirs.version)
    prc.export(tmp_path / "2.zip")
    us.apply(tmp_path / "2.zip")
    (conflict,) = sync.open_conflicts(us.db)
    sync.resolve_conflict(us.db, conflict.id, "theirs")
    assert us.world.get("referral", ids["referral"]).title_zh == "中方改"
    with us.db.session() as s:  # and search finds it by its new title
        assert [h.id for h in finder.search(s, "中方改")["referral"]] == [ids["referral"]]
    assert sync.open_conflicts(us.db) == []
    assert us.world.verify().ok


# --- keys, permissions, command line --------------------------------------------------------------


def test_the_private_key_is_readable_by_its_owner_only_and_never_replaced_by_accident(tmp_path):
    info = sync.generate_key("US", directory=tmp_path / "k", passphrase=PASSPHRASE)
    assert stat.S_IMODE(os.stat(info.private_path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "k").st_mode) == 0o700
    with pytest.raises(sync.ExchangeError, match="already exists"):
        sync.generate_key("US", directory=tmp_path / "k", passphrase=PASSPHRASE)
    assert sync.own_key(tmp_path / "k", PASSPHRASE)[1].fingerprint == info.fingerprint


def test_registering_a_key_twice_or_a_bad_key_is_refused(us, tmp_path):
    pub = (us.keys / sync.PUBLIC_KEY).read_bytes()
    sync.register_key(us.db, "PRC", pub)
    with pytest.raises(sync.ExchangeError, match="already registered"):
        sync.register_key(us.db, "PRC again", pub)
    with pytest.raises(sync.ExchangeError, match="Ed25519"):
        sync.register_key(us.db, "junk", b"not a key")
    with pytest.raises(PermissionDenied):
        sync.register_key(us.db, "x", pub, actor=Actor("l", "liaison"))
    with us.db.session() as s:
        assert s.execute(select(func.count()).select_from(models.ExchangeKey)).scalar_one() == 1


def cli(db_path, *argv: str) -> int:
    return run_command(str(db_path), *argv)


def test_the_command_line_round_trip(db_path, tmp_path, sqlite_template, capsys, monkeypatch):
    us_data, prc_data = tmp_path / "us-data", tmp_path / "prc-data"
    other = tmp_path / "prc.sqlite3"
    shutil.copyfile(sqlite_template, other)
    monkeypatch.setenv("WORKINGGROUP_KEY_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("WORKINGGROUP_DATA_DIR", str(prc_data))
    assert cli(other, "exchange", "keygen", "--name", "PRC", "-o", str(tmp_path / "prc.pub")) == 0

    monkeypatch.setenv("WORKINGGROUP_DATA_DIR", str(us_data))
    World(open_database(str(db_path))).make("entity", title_en="Shared", releasability="releasable")
    assert cli(db_path, "exchange", "keygen", "--name", "US", "-o", str(tmp_path / "us.pub")) == 0
    assert "fingerprint:" in capsys.readouterr().out
    export = ("exchange", "export", "--since", "2000-01-01", "-o", str(tmp_path / "p.zip"))
    with pytest.raises(sync.ExchangeError, match="register the counterpart's public key first"):
        cli(db_path, *export)
    assert not (tmp_path / "p.zip").exists()
    assert cli(db_path, "exchange", "register-key", "--name", "PRC", str(tmp_path / "prc.pub")) == 0
    capsys.readouterr()
    assert cli(db_path, *export) == 0
    out = capsys.readouterr().out
    assert "wrote 1 releasable records" in out
    assert "encrypted to PRC:" in out and "encrypted to US (this side, to open it again" in out

    monkeypatch.setenv("WORKINGGROUP_DATA_DIR", str(prc_data))
    with pytest.raises(PackageRefused, match="not registered"):
        cli(other, "exchange", "import", str(tmp_path / "p.zip"))
    assert cli(other, "exchange", "register-key", "--name", "US", str(tmp_path / "us.pub")) == 0
    capsys.readouterr()
    assert cli(other, "exchange", "import", str(tmp_path / "p.zip"), "--dry-run") == 0
    out = capsys.readouterr().out
    assert "New: 1" in out
    assert "dry run" in out
    assert cli(other, "exchange", "import", str(tmp_path / "p.zip")) == 0
    assert cli(other, "exchange", "conflicts") == 0
    assert "no conflicts" in capsys.readouterr().out


@pytest.mark.postgres
def test_a_package_applies_on_postgresql(us, pg_db, tmp_path):
    any_db = pg_db  # the sending side is SQLite (``us``): the receiving side a server
    shared_world(us)
    other = make_side("PRC", any_db, tmp_path)
    sync.register_key(any_db, "US", (us.keys / sync.PUBLIC_KEY).read_bytes())
    sync.register_key(us.db, "PRC", (other.keys / sync.PUBLIC_KEY).read_bytes())
    us.export(tmp_path / "p.zip")
    result = other.apply(tmp_path / "p.zip")
    assert result.counts()["new"] == 4
    assert other.world.verify().ok
    with any_db.session() as s:
        ref = s.execute(select(models.Referral)).scalar_one()
        assert ref.sending_agency.abbreviation == "DEA" and len(ref.entities) == 1
