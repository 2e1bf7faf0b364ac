"""Keys: this installation's Ed25519 key pair, the counterpart keys registered to verify
incoming packages (and to encrypt outgoing ones to), and their fingerprints.

The private key is stored encrypted with a passphrase, readable by the user only (0600),
in the OpenSSH private key format: AES-256-CTR under a key derived from the passphrase
with bcrypt-pbkdf (``KDF_ROUNDS`` rounds, as ``ssh-keygen -a``), the format of
``ssh-keygen`` (``ssh-keygen -y -f FILE`` prints its public key, after the passphrase). Not PKCS#8 with ``BestAvailableEncryption``: for PKCS#8, ``cryptography``
derives the key with PBKDF2-HMAC-SHA256 at a fixed 2,048 iterations, which makes guessing
the passphrase of a stolen key file cheap; bcrypt-pbkdf costs about 0.1 s per guess here.
``own_key`` needs the passphrase; ``key_info`` (fingerprint, name, whether the key is
protected) does not, it reads the public key beside it. A key written by an older version
(unencrypted PKCS#8 PEM) still loads, with ``KeyInfo.protected`` False so that callers tell
the user to protect it (``protect_key``, ``exchange protect-key``); an encrypted PKCS#8 key
loads too.

The OS keyring was considered and left out: on the headless and locked-down machines this
runs on there is usually no keyring backend, and a passphrase works everywhere.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from workinggroup_app.audit import trail
from workinggroup_app.domain.models import ExchangeKey
from workinggroup_app.domain.permissions import SYSTEM, Actor, require
from workinggroup_app.exchange.sync.protocol import (
    ExchangeError,
    PassphraseNeeded,
    WrongPassphrase,
)
from workinggroup_app.storage.database import Database
from workinggroup_app.storage.paths import data_dir

PRIVATE_KEY = "exchange_ed25519.pem"
PUBLIC_KEY = "exchange_ed25519.pub.pem"
IDENTITY = "exchange_identity.json"
MIN_PASSPHRASE = 8
KDF_ROUNDS = 16  # bcrypt-pbkdf rounds of the private key's encryption (ssh-keygen's default)
_ENCRYPTED_PKCS8 = b"-----BEGIN ENCRYPTED PRIVATE KEY-----"
_OPENSSH = b"-----BEGIN OPENSSH PRIVATE KEY-----"


def _protected(pem: bytes) -> bool:
    """Whether a private key file is encrypted (without trying a passphrase)."""
    import base64
    import binascii
    import struct

    text = pem.strip()
    if text.startswith(_ENCRYPTED_PKCS8):
        return True
    if not text.startswith(_OPENSSH):
        return False
    body = b"".join(line for line in text.splitlines()[1:] if not line.startswith(b"-----"))
    try:
        blob = base64.b64decode(body)
        magic = b"openssh-key-v1\x00"
        (n,) = struct.unpack_from(">I", blob, len(magic))
        return blob.startswith(magic) and blob[len(magic) + 4 : len(magic) + 4 + n] != b"none"
    except (binascii.Error, struct.error, ValueError):
        return True  # damaged: loading it will say so


def _load_private(pem: bytes, passphrase: str | None) -> Any:
    from cryptography.hazmat.primitives import serialization

    password = passphrase.encode("utf-8") if passphrase else None
    if pem.strip().startswith(_OPENSSH):
        return serialization.load_ssh_private_key(pem, password=password)
    return serialization.load_pem_private_key(pem, password=password)


def keys_dir() -> Path:
    return data_dir() / "keys"


def fingerprint(raw_public: bytes) -> str:
    return hashlib.sha256(raw_public).hexdigest()


def short_fingerprint(fp: str) -> str:
    """'ab12 cd34 ef56 7890' : the first 16 hex digits in groups, for reading aloud."""
    return " ".join(fp[i : i + 4] for i in range(0, 16, 4))


@dataclass(frozen=True)
class KeyInfo:
    private_path: Path
    public_path: Path
    fingerprint: str
    name: str
    protected: bool = True  # False: an old key stored without a passphrase


def _raw_public(public_key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def generate_key(
    name: str = "US",
    *,
    passphrase: str,
    directory: Path | None = None,
    overwrite: bool = False,
    db: Database | None = None,
    actor: Actor = SYSTEM,
) -> KeyInfo:
    """Create this side's key: the private key encrypted with ``passphrase`` and readable
    by the user only (0600), the public key beside it.

    With ``db``, the creation is recorded in its audit trail (fingerprint, not the key)."""
    if db is not None:
        require(actor, "exchange")
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    folder = directory or keys_dir()
    check_can_create(folder, overwrite=overwrite)
    check_new_passphrase(passphrase)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    private_path = folder / PRIVATE_KEY
    key = Ed25519PrivateKey.generate()
    _write_private(folder, key, passphrase)
    public_path = folder / PUBLIC_KEY
    public_path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    (folder / IDENTITY).write_text(json.dumps({"name": name}, ensure_ascii=False), encoding="utf-8")
    info = KeyInfo(
        private_path, public_path, fingerprint(_raw_public(key.public_key())), name, True
    )
    if db is not None:
        with db.sessions() as session, session.begin():
            trail.append(
                session,
                actor=actor.username,
                action="keygen",
                record_type="exchange",
                changes={"name": [None, name], "fingerprint": [None, info.fingerprint]},
            )
    return info


def check_can_create(directory: Path | None = None, *, overwrite: bool = False) -> None:
    """Refuse to replace an existing key unless ``overwrite`` (before a passphrase is asked)."""
    private_path = (directory or keys_dir()) / PRIVATE_KEY
    if private_path.exists() and not overwrite:
        raise ExchangeError(
            f"A signing key already exists at {private_path}. Packages the counterpart "
            "verifies with it would no longer be accepted if it were replaced; use "
            "--force only if it is lost or compromised.",
            f"签名密钥已存在于 {private_path}。替换后，对方将无法再用旧公钥验证交换包；"
            "仅在密钥丢失或泄露时使用 --force。",
        )


def check_new_passphrase(passphrase: str) -> None:
    if len(passphrase or "") < MIN_PASSPHRASE:
        raise ExchangeError(
            f"Choose a passphrase of at least {MIN_PASSPHRASE} characters for the private key.",
            f"请为私钥设置至少 {MIN_PASSPHRASE} 个字符的口令。",
        )


def _write_private(folder: Path, key: Any, passphrase: str) -> None:
    """Replace the private key file in one step (a temporary file renamed over it)."""
    from cryptography.hazmat.primitives import serialization

    openssh = serialization.PrivateFormat.OpenSSH
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        openssh,
        openssh.encryption_builder().kdf_rounds(KDF_ROUNDS).build(passphrase.encode("utf-8")),
    )
    tmp = folder / f".{PRIVATE_KEY}.new"
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, folder / PRIVATE_KEY)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _no_key() -> ExchangeError:
    return ExchangeError(
        "This side has no signing key yet: create one first ('exchange keygen', or "
        "Create key in the exchange dialog) and send the public key to the counterpart.",
        "本方尚无签名密钥：请先创建（“exchange keygen”或交换对话框中的“创建密钥”），"
        "并将公钥发送给对方。",
    )


def _name_in(folder: Path) -> str:
    name = "US"
    with contextlib.suppress(OSError, ValueError):
        name = json.loads((folder / IDENTITY).read_text(encoding="utf-8")).get("name") or name
    return name


def key_info(directory: Path | None = None) -> KeyInfo:
    """This side's key described (fingerprint, name, protected or not) without its
    passphrase; an ExchangeError if there is none."""
    from cryptography.hazmat.primitives import serialization

    folder = directory or keys_dir()
    private_path = folder / PRIVATE_KEY
    public_path = folder / PUBLIC_KEY
    if not private_path.exists():
        raise _no_key()
    protected = _protected(private_path.read_bytes())
    try:
        public = serialization.load_pem_public_key(public_path.read_bytes())
    except (OSError, ValueError):
        if protected:
            raise ExchangeError(
                f"The public key {public_path} is missing or damaged; it is needed to show "
                "this side's fingerprint.",
                f"公钥文件 {public_path} 缺失或已损坏；显示本方指纹需要它。",
            ) from None
        _key, info = own_key(folder)  # an old unprotected key: the public key from it
        return info
    return KeyInfo(
        private_path, public_path, fingerprint(_raw_public(public)), _name_in(folder), protected
    )


def own_key(directory: Path | None = None, passphrase: str | None = None) -> tuple[Any, KeyInfo]:
    """This side's private key, unlocked with ``passphrase``, and its description.

    PassphraseNeeded when the key is protected and no passphrase is given, WrongPassphrase
    when it does not open the key, an ExchangeError when there is no key."""
    folder = directory or keys_dir()
    private_path = folder / PRIVATE_KEY
    if not private_path.exists():
        raise _no_key()
    pem = private_path.read_bytes()
    protected = _protected(pem)
    if protected and not passphrase:
        raise PassphraseNeeded(
            "The private key is protected by a passphrase: give the passphrase to use it.",
            "私钥受口令保护：请输入口令后使用。",
        )
    try:
        key = _load_private(pem, passphrase if protected else None)
    except (ValueError, TypeError):
        if protected:
            raise WrongPassphrase(
                "Wrong passphrase: it does not open this side's private key. Nothing was changed.",
                "口令错误：无法打开本方私钥。未作任何更改。",
            ) from None
        raise ExchangeError(
            f"The private key {private_path} is damaged.", f"私钥文件 {private_path} 已损坏。"
        ) from None
    info = KeyInfo(
        private_path,
        folder / PUBLIC_KEY,
        fingerprint(_raw_public(key.public_key())),
        _name_in(folder),
        protected,
    )
    return key, info


def protect_key(
    new_passphrase: str,
    *,
    passphrase: str | None = None,
    directory: Path | None = None,
    db: Database | None = None,
    actor: Actor = SYSTEM,
) -> KeyInfo:
    """Encrypt the private key with ``new_passphrase``, in place and in one step: an old
    unprotected key, or a protected one opened with its current ``passphrase`` (a change
    of passphrase). The key itself, and so its fingerprint, stays the same."""
    if db is not None:
        require(actor, "exchange")
    check_new_passphrase(new_passphrase)
    key, info = own_key(directory, passphrase)
    _write_private(info.private_path.parent, key, new_passphrase)
    if db is not None:
        with db.sessions() as session, session.begin():
            trail.append(
                session,
                actor=actor.username,
                action="protect_key",
                record_type="exchange",
                changes={"fingerprint": [info.fingerprint, info.fingerprint]},
            )
    return KeyInfo(info.private_path, info.public_path, info.fingerprint, info.name, True)


def openssh_public(raw_public: bytes) -> str:
    """'ssh-ed25519 AAAA...': a raw Ed25519 public key as an OpenSSH public key line (an
    age recipient)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    return (
        Ed25519PublicKey.from_public_bytes(raw_public)
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        .decode("ascii")
    )


def raw_public_of(key: Any) -> bytes:
    """The raw 32 bytes of a private key's public half."""
    return _raw_public(key.public_key())


def parse_public_key(data: bytes) -> bytes:
    """Raw 32-byte Ed25519 public key from PEM, or hex / base64 of the raw bytes."""
    import base64
    import binascii

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    text = data.strip()
    if text.startswith(b"-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(text)
        except ValueError as exc:
            raise ExchangeError(f"Not a public key: {exc}.", f"不是有效的公钥：{exc}。") from None
        if not isinstance(key, Ed25519PublicKey):
            raise ExchangeError(
                "This public key is not an Ed25519 key.", "该公钥不是 Ed25519 公钥。"
            )
        return _raw_public(key)
    raw = None
    try:
        raw = bytes.fromhex(text.decode("ascii"))
    except (ValueError, UnicodeDecodeError):
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raw = None
    if raw is None or len(raw) != 32:
        raise ExchangeError(
            "Not an Ed25519 public key (expected a PEM file or 32 bytes in hex or base64).",
            "不是 Ed25519 公钥（应为 PEM 文件，或 32 字节的十六进制/Base64 文本）。",
        )
    return raw


def register_key(db: Database, name: str, data: bytes, *, actor: Actor = SYSTEM) -> ExchangeKey:
    """Trust packages signed with this public key, under the counterpart's ``name``."""
    require(actor, "exchange")
    raw = parse_public_key(data)
    name = name.strip()
    if not name or len(name) > 100:
        raise ExchangeError(
            "Give the key a name (at most 100 characters), such as 'PRC MPS'.",
            "请为密钥命名（最多 100 个字符），例如“中方公安部”。",
        )
    fp = fingerprint(raw)
    with db.sessions() as session, session.begin():
        clash = session.execute(
            select(ExchangeKey).where(or_(ExchangeKey.name == name, ExchangeKey.fingerprint == fp))
        ).scalar_one_or_none()
        if clash is not None:
            raise ExchangeError(
                f"This key or name is already registered (as '{clash.name}', "
                f"{short_fingerprint(clash.fingerprint)}).",
                f"该密钥或名称已登记（“{clash.name}”，{short_fingerprint(clash.fingerprint)}）。",
            )
        key = ExchangeKey(
            name=name, fingerprint=fp, public_key=raw.hex(), registered_by=actor.username
        )
        session.add(key)
        session.flush()
        trail.append(
            session,
            actor=actor.username,
            action="register_key",
            record_type="exchange",
            changes={"name": [None, name], "fingerprint": [None, fp]},
        )
        session.expunge(key)
    return key


def registered_keys(session: Session) -> list[ExchangeKey]:
    return list(session.execute(select(ExchangeKey).order_by(ExchangeKey.name)).scalars())


def choose_recipients(session: Session, to: str | Sequence[str] | None = None) -> list[ExchangeKey]:
    """The registered (not revoked) counterpart keys a package is encrypted to: those
    named in ``to`` (names, or full fingerprints), or the only one registered."""
    active = [k for k in registered_keys(session) if k.active]
    names = ", ".join(k.name for k in active)
    if not active:
        raise ExchangeError(
            "No counterpart key is registered: register the counterpart's public key first "
            "('exchange register-key', or Register in the exchange dialog), after checking "
            "its fingerprint with them. Packages are encrypted to it.",
            "尚未登记对方公钥：请先与对方核对指纹后登记其公钥（“exchange register-key”或"
            "交换对话框中的“登记”）。交换包将加密给该公钥。",
        )
    if to is None or to == "" or (not isinstance(to, str) and not list(to)):
        if len(active) > 1:
            raise ExchangeError(
                f"Several counterpart keys are registered ({names}): choose the one the "
                "package is for.",
                f"已登记多个对方公钥（{names}）：请选择交换包的接收方。",
            )
        return active
    wanted = [to] if isinstance(to, str) else list(to)
    chosen: list[ExchangeKey] = []
    for want in wanted:
        w = want.strip()
        match = [
            k for k in active if k.name.casefold() == w.casefold() or k.fingerprint == w.lower()
        ]
        if not match:
            raise ExchangeError(
                f"No registered counterpart key is called '{w}' (registered: {names}).",
                f"没有名为“{w}”的已登记对方公钥（已登记：{names}）。",
            )
        if match[0] not in chosen:
            chosen.append(match[0])
    return chosen
