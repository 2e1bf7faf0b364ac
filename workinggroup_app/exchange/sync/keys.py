"""Signing keys: this installation's Ed25519 key pair, the counterpart keys registered to
verify incoming packages, and their fingerprints.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from workinggroup_app.audit import trail
from workinggroup_app.domain.models import ExchangeKey
from workinggroup_app.domain.permissions import SYSTEM, Actor, require
from workinggroup_app.exchange.sync.protocol import ExchangeError
from workinggroup_app.storage.database import Database
from workinggroup_app.storage.paths import data_dir

PRIVATE_KEY = "exchange_ed25519.pem"
PUBLIC_KEY = "exchange_ed25519.pub.pem"
IDENTITY = "exchange_identity.json"


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


def _raw_public(public_key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def generate_key(
    name: str = "US",
    *,
    directory: Path | None = None,
    overwrite: bool = False,
    db: Database | None = None,
    actor: Actor = SYSTEM,
) -> KeyInfo:
    """Create this side's signing key: private key readable by the user only (0600).

    With ``db``, the creation is recorded in its audit trail (fingerprint, not the key)."""
    if db is not None:
        require(actor, "exchange")
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    folder = directory or keys_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    private_path = folder / PRIVATE_KEY
    if private_path.exists() and not overwrite:
        raise ExchangeError(
            f"A signing key already exists at {private_path}. Packages the counterpart "
            "verifies with it would no longer be accepted if it were replaced; use "
            "--force only if it is lost or compromised.",
            f"签名密钥已存在于 {private_path}。替换后，对方将无法再用旧公钥验证交换包；"
            "仅在密钥丢失或泄露时使用 --force。",
        )
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    tmp = folder / f".{PRIVATE_KEY}.new"
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    os.chmod(tmp, 0o600)
    os.replace(tmp, private_path)
    public_path = folder / PUBLIC_KEY
    public_path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    (folder / IDENTITY).write_text(json.dumps({"name": name}, ensure_ascii=False), encoding="utf-8")
    info = KeyInfo(private_path, public_path, fingerprint(_raw_public(key.public_key())), name)
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


def own_key(directory: Path | None = None) -> tuple[Any, KeyInfo]:
    """This side's private key and its description; an ExchangeError if there is none."""
    from cryptography.hazmat.primitives import serialization

    folder = directory or keys_dir()
    private_path = folder / PRIVATE_KEY
    if not private_path.exists():
        raise ExchangeError(
            "This side has no signing key yet: create one first ('exchange keygen', or "
            "Create key in the exchange dialog) and send the public key to the counterpart.",
            "本方尚无签名密钥：请先创建（“exchange keygen”或交换对话框中的“创建密钥”），"
            "并将公钥发送给对方。",
        )
    key = serialization.load_pem_private_key(private_path.read_bytes(), password=None)
    name = "US"
    with contextlib.suppress(OSError, ValueError):
        name = json.loads((folder / IDENTITY).read_text(encoding="utf-8")).get("name") or name
    info = KeyInfo(
        private_path, folder / PUBLIC_KEY, fingerprint(_raw_public(key.public_key())), name
    )
    return key, info


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
