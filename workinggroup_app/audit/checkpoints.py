"""Signed checkpoints of the audit chain.

The hash chain alone shows a rewritten or removed event in the middle, but not the newest
events deleted, and anyone with write access can recompute the whole chain after a rewrite.
A checkpoint is a signed statement of the chain's head: how many events it held, the last
one's id and hash, and when, signed with this installation's Ed25519 audit key. One is made

- every ``INTERVAL`` events (by ``trail.append`` and ``trail.append_many``, in the same
  transaction as the events),
- before every PDF packet and review, export and exchange package (``trail.checkpoint``),
  whose footer or manifest carries it, so copies live outside the database,
- when the desktop quits.

``trail.verify`` checks every checkpoint against the chain: an event it covers that is
missing or changed fails the check, and so does a copy printed on paper or carried in a
package (``Checkpoint.token``) given to it that the chain no longer matches, which catches
checkpoints deleted too.

The audit key is a file of its own (``keys/audit_ed25519.pem``, readable by the user only),
apart from the exchange key: checkpoints are signed without asking anyone for anything, so
the key cannot wait for a passphrase. Its public half is stored with each checkpoint; the
key's fingerprint is printed with the checkpoint so an auditor can tell whose key signed it.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from workinggroup_app.domain import vocabulary
from workinggroup_app.domain.models import AuditCheckpoint, AuditEvent, utcnow
from workinggroup_app.storage.paths import data_dir

INTERVAL = 1000  # events between two automatic checkpoints
AFTER_ACTIONS = frozenset({"export"})  # events followed by a checkpoint of their own
KEY_FILE = "audit_ed25519.pem"
_DOMAIN = b"workinggroup-audit-checkpoint/1\n"
# what a footer or package carries: 'AC-12/3456/1a2b3c4d5e6f7a8b'
TOKEN = re.compile(r"AC-(\d+)/(\d+)/([0-9a-f]{16})")


@dataclass(frozen=True)
class Checkpoint:
    number: int
    at: datetime
    event_count: int
    head_id: int
    head_hash: str
    public_key: str
    signature: str
    reason: str = ""

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(bytes.fromhex(self.public_key)).hexdigest()

    @property
    def token(self) -> str:
        """A short copy to print or carry: number, event count and the head hash's start."""
        return f"AC-{self.number}/{self.event_count}/{self.head_hash[:16]}"

    def detail(self, lang: str = "en") -> str:
        """'2026-12-04 21:40 UTC, key ab12 cd34': when, and whose key signed it."""
        fp = " ".join(self.fingerprint[i : i + 4] for i in range(0, 8, 4))
        key = vocabulary.word("audit_checkpoint", "key", lang)
        sep = "，" if lang.startswith("zh") else ", "
        return f"{self.at:%Y-%m-%d %H:%M} UTC{sep}{key} {fp}"

    def label(self, lang: str = "en") -> str:
        """'Audit checkpoint AC-12/3456/1a2b…, 2026-12-04 21:40 UTC, key ab12 cd34'."""
        name = vocabulary.word("audit_checkpoint", "checkpoint", lang)
        sep = "，" if lang.startswith("zh") else ", "
        return f"{name} {self.token}{sep}{self.detail(lang)}"

    @property
    def footer(self) -> str:
        """What a PDF page prints: 'Audit checkpoint / 审计检查点 AC-12/3456/1a2b…'."""
        return f"{vocabulary.both('audit_checkpoint', 'checkpoint')} {self.token}"


def _payload(event_count: int, head_id: int, head_hash: str, at: datetime) -> bytes:
    return _DOMAIN + f"{event_count}\n{head_id}\n{head_hash}\n{at.isoformat()}".encode()


# --- the key ---------------------------------------------------------------------------------

_KEYS: dict[Path, Any] = {}


def key_path() -> Path:
    return data_dir() / "keys" / KEY_FILE


def _private_key() -> Any:
    """This installation's audit key, made on first use (0600, in a 0700 folder)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = key_path()
    cached = _KEYS.get(path)
    if cached is not None:
        return cached
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    else:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        tmp = path.with_name(f".{KEY_FILE}.{os.getpid()}.new")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        if path.exists():  # another process made it meanwhile: use theirs
            tmp.unlink()
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        else:
            os.replace(tmp, path)
    _KEYS[path] = key
    return key


def own_public_key(*, create: bool = True) -> str:
    """This installation's audit key's public half, hex ('' when there is none and
    ``create`` is false)."""
    from cryptography.hazmat.primitives import serialization

    if not create and key_path() not in _KEYS and not key_path().exists():
        return ""
    return (
        _private_key()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        .hex()
    )


def signature_ok(cp: Checkpoint) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(cp.public_key))
        key.verify(
            bytes.fromhex(cp.signature),
            _payload(cp.event_count, cp.head_id, cp.head_hash, cp.at),
        )
    except (InvalidSignature, ValueError):
        return False
    return True


# --- making and reading checkpoints ------------------------------------------------------------


def _of(row: Any) -> Checkpoint:
    return Checkpoint(
        number=row.id,
        at=row.at,
        event_count=row.event_count,
        head_id=row.head_id,
        head_hash=row.head_hash,
        public_key=row.public_key,
        signature=row.signature,
        reason=row.reason,
    )


def latest(session: Session) -> Checkpoint | None:
    row = session.execute(
        select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1)
    ).scalar_one_or_none()
    return None if row is None else _of(row)


def all_checkpoints(session: Session) -> list[Checkpoint]:
    rows = session.execute(select(AuditCheckpoint).order_by(AuditCheckpoint.head_id)).scalars()
    return [_of(row) for row in rows]


def make(
    session: Session, head_id: int, head_hash: str, *, reason: str, actor: str = ""
) -> Checkpoint:
    """Sign the chain as it stands at ``head_id`` inside the caller's transaction.

    The event count is the previous checkpoint's plus the events after it, so it costs a
    count over the events since, not over the whole trail.
    """
    previous = latest(session)
    base, after = (previous.event_count, previous.head_id) if previous else (0, 0)
    if previous is not None and previous.head_id > head_id:  # never expected: recount
        base, after = 0, 0
    count = base + int(
        session.execute(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.id > after, AuditEvent.id <= head_id)
        ).scalar_one()
    )
    at = utcnow().replace(microsecond=0)
    key = _private_key()
    signature = key.sign(_payload(count, head_id, head_hash, at)).hex()
    public = own_public_key()
    number = session.execute(
        insert(AuditCheckpoint.__table__)
        .values(
            at=at,
            event_count=count,
            head_id=head_id,
            head_hash=head_hash,
            reason=reason[:16],
            actor=actor[:64],
            public_key=public,
            signature=signature,
        )
        .returning(AuditCheckpoint.__table__.c.id)
    ).scalar_one()
    return Checkpoint(number, at, count, head_id, head_hash, public, signature, reason[:16])


def crossed(first_id: int, last_id: int) -> bool:
    """Whether events ``first_id``..``last_id`` reach a multiple of ``INTERVAL``."""
    return last_id // INTERVAL > (first_id - 1) // INTERVAL


def parse_token(text: str) -> tuple[int, int, str] | None:
    found = TOKEN.search(text.strip())
    if found is None:
        return None
    return int(found.group(1)), int(found.group(2)), found.group(3)
