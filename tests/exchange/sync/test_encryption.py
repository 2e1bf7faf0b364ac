"""Packages are encrypted to the counterpart they are for (and to this side), signed inside;
the private key is protected by a passphrase. A package for another key, cut off, or with
one byte changed is refused with a reason in both languages, and changes nothing."""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.cli.test_commands import Cli
from tests.exchange.sync.test_packages import PASSPHRASE, Side, make_side
from workinggroup_app.domain import models
from workinggroup_app.exchange import sync
from workinggroup_app.exchange.sync.protocol import PackageRefused
from workinggroup_app.storage.database import open_database

CANARY = "CANARY-7f3a"


@pytest.fixture
def us(db, tmp_path) -> Side:
    return make_side("US", db, tmp_path)


def other_side(name: str, tmp_path: Path, sqlite_template: Path, request) -> Side:
    path = tmp_path / f"{name}.sqlite3"
    shutil.copyfile(sqlite_template, path)
    database = open_database(str(path))
    request.addfinalizer(database.dispose)
    return make_side(name, database, tmp_path)


@pytest.fixture
def prc(tmp_path, sqlite_template, us, request) -> Side:
    """The counterpart, each side's key registered with the other."""
    side = other_side("PRC", tmp_path, sqlite_template, request)
    sync.register_key(us.db, "PRC MPS", (side.keys / sync.PUBLIC_KEY).read_bytes())
    sync.register_key(side.db, "US DEA", (us.keys / sync.PUBLIC_KEY).read_bytes())
    return side


def a_referral(us: Side, title: str = "Online sale of NPP") -> None:
    us.world.make(
        "referral",
        title_en=title,
        title_zh="网上销售",
        summary_en=f"{title} summary",
        releasability="releasable",
    )


def key_bytes(side: Side) -> bytes:
    return (side.keys / sync.PRIVATE_KEY).read_bytes()


# --- what is on disk -----------------------------------------------------------------------------


def test_the_package_file_holds_no_plain_text_and_no_zip(us, prc, tmp_path):
    a_referral(us, f"Referral {CANARY}")
    result = us.export(tmp_path / "p.zip")
    raw = (tmp_path / "p.zip").read_bytes()
    for plain in (CANARY.encode(), b"PK\x03\x04", b"manifest.json", b"records/", "网上".encode()):
        assert plain not in raw
    assert raw.startswith(b"age-encryption.org/v1\n")
    # inside, for the counterpart: the signed zip with the record
    inner = prc.opened(tmp_path / "p.zip")
    with zipfile.ZipFile(io.BytesIO(inner)) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert CANARY in zf.read("records/referral.json").decode()
    # the export says whom it is encrypted to: the counterpart, and this side
    us_fp = sync.fingerprint(us.public())
    prc_fp = sync.fingerprint(prc.public())
    assert result.recipients == (("PRC MPS", prc_fp), ("US", us_fp))
    assert manifest["recipients"] == [
        {"name": "PRC MPS", "key_fingerprint": prc_fp},
        {"name": "US", "key_fingerprint": us_fp},
    ]
    # and this side can open what it sent (its own key is a recipient)...
    with zipfile.ZipFile(io.BytesIO(us.opened(tmp_path / "p.zip"))) as zf:
        assert CANARY in zf.read("records/referral.json").decode()
    with us.db.session() as s:
        mine = sync.inspect_package(s, tmp_path / "p.zip", key_dir=us.keys, passphrase=PASSPHRASE)
    assert mine.sender == "US" and mine.recipients == result.recipients
    referrals = [r.content["title_en"] for r in mine.records if r.record_type == "referral"]
    assert referrals == [f"Referral {CANARY}"]
    # ...but does not import it
    with pytest.raises(PackageRefused, match="written by this side"):
        us.preview(tmp_path / "p.zip")


def test_the_package_carries_the_senders_signed_audit_checkpoint(us, prc, tmp_path):
    from workinggroup_app.audit import checkpoints, trail

    a_referral(us)
    us.export(tmp_path / "p.zip")
    with zipfile.ZipFile(io.BytesIO(prc.opened(tmp_path / "p.zip"))) as zf:
        carried = json.loads(zf.read("manifest.json"))["audit_checkpoint"]
    with us.db.session() as s:
        signed = {cp.token: cp for cp in checkpoints.all_checkpoints(s)}
        assert carried["token"] in signed  # a copy outside the sender's database
        assert carried["key_fingerprint"] == signed[carried["token"]].fingerprint
        assert trail.verify(s, against=carried["token"]).ok


def test_the_counterpart_opens_and_imports_it(us, prc, tmp_path):
    a_referral(us)
    us.export(tmp_path / "p.zip")
    result = prc.apply(tmp_path / "p.zip")
    assert result.counts()["new"] == 1
    assert prc.count(models.Referral) == 1


# --- what is refused, and changes nothing ----------------------------------------------------------


def test_a_package_encrypted_to_another_key_is_refused(us, prc, tmp_path, sqlite_template, request):
    a_referral(us)
    us.export(tmp_path / "p.zip")  # for PRC MPS
    third = other_side("third", tmp_path, sqlite_template, request)
    sync.register_key(third.db, "US DEA", (us.keys / sync.PUBLIC_KEY).read_bytes())
    sync.register_key(third.db, "PRC MPS", (prc.keys / sync.PUBLIC_KEY).read_bytes())
    before = third.rows_everywhere()
    with pytest.raises(PackageRefused, match="not encrypted to this side's key") as refused:
        third.apply(tmp_path / "p.zip")
    assert "PRC MPS" in refused.value.message_en  # whom it is for, when that is known here
    assert "并非加密给本方密钥" in refused.value.message_zh
    assert "未导入任何内容" in refused.value.message_zh
    with pytest.raises(PackageRefused, match="not encrypted to this side's key"):
        third.preview(tmp_path / "p.zip")
    assert third.rows_everywhere() == before


def test_a_package_passed_on_to_a_third_party_is_refused(
    us, prc, tmp_path, sqlite_template, request
):
    """PRC decrypts our signed package and encrypts it again to a third installation: the
    signature still holds, but the signed manifest does not name that installation."""
    a_referral(us)
    us.export(tmp_path / "p.zip")
    third = other_side("third", tmp_path, sqlite_template, request)
    sync.register_key(third.db, "US DEA", (us.keys / sync.PUBLIC_KEY).read_bytes())
    inner = prc.opened(tmp_path / "p.zip")
    (tmp_path / "fwd.zip").write_bytes(sync.seal(inner, [third.public()]))
    before = third.rows_everywhere()
    with pytest.raises(PackageRefused, match="did not write it for this side") as refused:
        third.apply(tmp_path / "fwd.zip")
    assert "并非为本方生成" in refused.value.message_zh
    assert third.rows_everywhere() == before


def test_a_truncated_package_is_refused(us, prc, tmp_path):
    a_referral(us)
    us.export(tmp_path / "p.zip")
    raw = (tmp_path / "p.zip").read_bytes()
    before = prc.rows_everywhere()
    for cut in (len(raw) - 1, len(raw) // 2, 60):  # the end, the middle, inside the header
        (tmp_path / "cut.zip").write_bytes(raw[:cut])
        with pytest.raises(PackageRefused) as refused:
            prc.apply(tmp_path / "cut.zip")
        assert "cut off" in refused.value.message_en, cut
        assert "截断" in refused.value.message_zh, cut
    assert prc.rows_everywhere() == before
    assert prc.apply(tmp_path / "p.zip").counts()["new"] == 1  # the whole file is fine


def test_one_byte_changed_in_the_middle_is_refused(us, prc, tmp_path):
    a_referral(us)
    us.export(tmp_path / "p.zip")
    raw = bytearray((tmp_path / "p.zip").read_bytes())
    raw[len(raw) // 2] ^= 0x01
    (tmp_path / "flipped.zip").write_bytes(bytes(raw))
    before = prc.rows_everywhere()
    with pytest.raises(PackageRefused, match="cut off or altered") as refused:
        prc.apply(tmp_path / "flipped.zip")
    assert "改动" in refused.value.message_zh
    assert prc.rows_everywhere() == before


def test_a_package_of_the_old_unencrypted_format_is_refused(us, prc, tmp_path):
    a_referral(us)
    us.export(tmp_path / "p.zip")
    (tmp_path / "plain.zip").write_bytes(prc.opened(tmp_path / "p.zip"))  # a bare signed zip
    before = prc.rows_everywhere()
    with pytest.raises(PackageRefused, match="not encrypted") as refused:
        prc.apply(tmp_path / "plain.zip")
    assert "未加密" in refused.value.message_zh
    assert prc.rows_everywhere() == before


def test_a_wrong_passphrase_is_refused_and_changes_nothing(us, prc, tmp_path):
    a_referral(us)
    key_before = key_bytes(us)
    with pytest.raises(sync.WrongPassphrase, match="Wrong passphrase") as refused:
        sync.export_package(us.db, tmp_path / "p.zip", key_dir=us.keys, passphrase="not it!!")
    assert "口令错误" in refused.value.message_zh
    assert not (tmp_path / "p.zip").exists()
    with pytest.raises(sync.PassphraseNeeded):  # none at all: ask for it
        sync.export_package(us.db, tmp_path / "p.zip", key_dir=us.keys)
    assert not (tmp_path / "p.zip").exists()
    with us.db.session() as s:
        assert s.query(models.ExchangePackage).count() == 0
    assert key_bytes(us) == key_before

    us.export(tmp_path / "p.zip")
    before = prc.rows_everywhere()
    with pytest.raises(sync.WrongPassphrase):
        sync.apply_import(prc.db, tmp_path / "p.zip", key_dir=prc.keys, passphrase="not it!!")
    assert prc.rows_everywhere() == before


# --- choosing the counterpart -------------------------------------------------------------------------


def test_the_package_goes_to_the_counterpart_chosen(us, tmp_path):
    a_referral(us)
    with pytest.raises(sync.ExchangeError, match="register the counterpart's public key first"):
        us.export(tmp_path / "p.zip")
    assert not (tmp_path / "p.zip").exists()
    a = make_side("A", us.db, tmp_path)
    b = make_side("B", us.db, tmp_path)
    sync.register_key(us.db, "Alpha", (a.keys / sync.PUBLIC_KEY).read_bytes())
    sync.register_key(us.db, "Bravo", (b.keys / sync.PUBLIC_KEY).read_bytes())
    with pytest.raises(sync.ExchangeError, match=r"Several counterpart keys .*Alpha, Bravo"):
        us.export(tmp_path / "p.zip")
    with pytest.raises(sync.ExchangeError, match="No registered counterpart key is called"):
        us.export(tmp_path / "p.zip", to="Charlie")
    result = us.export(tmp_path / "p.zip", to="bravo")  # names compare ignoring case
    assert [name for name, _fp in result.recipients] == ["Bravo", "US"]
    tags = sync.recipient_tags((tmp_path / "p.zip").read_bytes())
    assert sync.ssh_tag(b.public()) in tags and sync.ssh_tag(a.public()) not in tags
    assert b.opened(tmp_path / "p.zip").startswith(b"PK\x03\x04")
    with pytest.raises(PackageRefused, match="not encrypted to this side's key"):
        a.opened(tmp_path / "p.zip")


# --- the private key ----------------------------------------------------------------------------


def test_the_private_key_is_stored_encrypted(tmp_path):
    with pytest.raises(sync.ExchangeError, match="at least 8 characters"):
        sync.generate_key("US", directory=tmp_path / "k", passphrase="short")
    assert not (tmp_path / "k" / sync.PRIVATE_KEY).exists()
    info = sync.generate_key("US", directory=tmp_path / "k", passphrase=PASSPHRASE)
    pem = info.private_path.read_bytes()
    assert pem.startswith(b"-----BEGIN OPENSSH PRIVATE KEY-----")  # as ssh-keygen and age read
    with pytest.raises(TypeError, match="password-protected"):  # not without the passphrase
        serialization.load_ssh_private_key(pem, password=None)
    with pytest.raises(ValueError):
        serialization.load_ssh_private_key(pem, password=b"not the passphrase")
    opened = serialization.load_ssh_private_key(pem, password=PASSPHRASE.encode())
    assert sync.fingerprint(sync.raw_public_of(opened)) == info.fingerprint
    assert sync.key_info(tmp_path / "k") == info  # fingerprint shown without the passphrase
    assert sync.own_key(tmp_path / "k", PASSPHRASE)[1].fingerprint == info.fingerprint


def write_unprotected_key(folder: Path) -> str:
    """A key as the previous version wrote it: PKCS#8 PEM without a passphrase."""
    folder.mkdir(parents=True)
    key = Ed25519PrivateKey.generate()
    (folder / sync.PRIVATE_KEY).write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (folder / sync.PUBLIC_KEY).write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return sync.fingerprint(sync.raw_public_of(key))


def test_an_old_unprotected_key_still_works_and_is_protected_in_place(tmp_path):
    folder = tmp_path / "old"
    fp = write_unprotected_key(folder)
    _key, info = sync.own_key(folder)  # still loads, no passphrase
    assert info.fingerprint == fp and not info.protected
    assert not sync.key_info(folder).protected  # so the user is told to protect it

    protected = sync.protect_key(PASSPHRASE, directory=folder)
    assert protected.protected and protected.fingerprint == fp  # the same key
    with pytest.raises(TypeError, match="password-protected"):
        serialization.load_ssh_private_key((folder / sync.PRIVATE_KEY).read_bytes(), None)
    assert stat.S_IMODE(os.stat(folder / sync.PRIVATE_KEY).st_mode) == 0o600
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []  # no leftovers
    with pytest.raises(sync.PassphraseNeeded):
        sync.own_key(folder)
    assert sync.own_key(folder, PASSPHRASE)[1].fingerprint == fp

    # a change of passphrase needs the current one; a wrong one changes nothing
    before = (folder / sync.PRIVATE_KEY).read_bytes()
    with pytest.raises(sync.WrongPassphrase):
        sync.protect_key("another passphrase", passphrase="not the one", directory=folder)
    assert (folder / sync.PRIVATE_KEY).read_bytes() == before
    sync.protect_key("another passphrase", passphrase=PASSPHRASE, directory=folder)
    assert sync.own_key(folder, "another passphrase")[1].fingerprint == fp
    with pytest.raises(sync.WrongPassphrase):
        sync.own_key(folder, PASSPHRASE)


# --- the command line, as a script runs it ---------------------------------------------------------


def test_scripts_give_the_passphrase_on_stdin_after_the_password(tmp_path):
    cli = Cli(tmp_path, str(tmp_path / "wg.sqlite3"))
    cli.set_up()
    help_text = cli("exchange", "export", "--help").stdout
    assert "--passphrase-stdin" in help_text and "WORKINGGROUP_KEY_PASSPHRASE" in help_text

    result = cli("exchange", "keygen", "--passphrase-stdin", stdin="short\n", ok=False)
    assert result.returncode == 1 and "at least 8 characters" in result.stderr
    cli("exchange", "keygen", "--passphrase-stdin", "-o", "us.pub", stdin=PASSPHRASE + "\n")
    prc_keys = tmp_path / "prc-keys"
    sync.generate_key("PRC", directory=prc_keys, passphrase=PASSPHRASE)
    cli("exchange", "register-key", "--name", "PRC", str(prc_keys / sync.PUBLIC_KEY))

    wrong = cli(
        "exchange", "export", "-o", "p.zip", "--passphrase-stdin", stdin="wrong one\n", ok=False
    )
    assert wrong.returncode == 1 and "Wrong passphrase" in wrong.stderr
    assert "Traceback" not in wrong.stderr and not (tmp_path / "p.zip").exists()
    zh = cli(
        "--lang",
        "zh_CN",
        "exchange",
        "export",
        "-o",
        "p.zip",
        "--passphrase-stdin",
        stdin="wrong one\n",
        ok=False,
    )
    assert "口令错误" in zh.stderr
    no_line = cli("exchange", "export", "-o", "p.zip", "--passphrase-stdin", ok=False)
    assert no_line.returncode == 2 and "no line for the key passphrase" in no_line.stderr

    done = cli("exchange", "export", "-o", "p.zip", "--passphrase-stdin", stdin=PASSPHRASE + "\n")
    assert "encrypted to PRC:" in done.stdout
    assert b"PK\x03\x04" not in (tmp_path / "p.zip").read_bytes()
    prc_key = sync.own_key(prc_keys, PASSPHRASE)[0]
    assert sync.unseal((tmp_path / "p.zip").read_bytes(), prc_key).startswith(b"PK\x03\x04")

    shown = cli("exchange", "show", "p.zip", "--passphrase-stdin", stdin=PASSPHRASE + "\n")
    assert "encrypted to PRC:" in shown.stdout and "encrypted to US:" in shown.stdout
    assert shown.stdout.startswith("package p.zip from US (key ")

    # the environment variable serves scripts too
    cli.env["WORKINGGROUP_KEY_PASSPHRASE"] = PASSPHRASE
    cli("exchange", "export", "-o", "q.zip")
    assert (tmp_path / "q.zip").exists()


def test_protect_key_on_the_command_line(tmp_path):
    cli = Cli(tmp_path, str(tmp_path / "wg.sqlite3"))
    cli.set_up()
    fp = write_unprotected_key(tmp_path / "data" / "keys")
    keys = cli("exchange", "keys")
    assert fp in keys.stdout and "exchange protect-key" in keys.stderr  # told to protect it
    done = cli("exchange", "protect-key", "--passphrase-stdin", stdin=PASSPHRASE + "\n")
    assert fp in done.stdout
    assert sync.own_key(tmp_path / "data" / "keys", PASSPHRASE)[1].fingerprint == fp
    assert "protect-key" not in cli("exchange", "keys").stderr
    # changing it: the current passphrase, then the new one; a wrong current one fails
    before = (tmp_path / "data" / "keys" / sync.PRIVATE_KEY).read_bytes()
    bad = cli(
        "exchange",
        "protect-key",
        "--passphrase-stdin",
        stdin="not the passphrase\nnew passphrase 2\n",
        ok=False,
    )
    assert bad.returncode == 1 and "Wrong passphrase" in bad.stderr
    assert (tmp_path / "data" / "keys" / sync.PRIVATE_KEY).read_bytes() == before
    cli(
        "exchange",
        "protect-key",
        "--passphrase-stdin",
        stdin=f"{PASSPHRASE}\nnew passphrase 2\n",
    )
    assert sync.own_key(tmp_path / "data" / "keys", "new passphrase 2")[1].fingerprint == fp
