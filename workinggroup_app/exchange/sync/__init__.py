"""Signed exchange packages with the counterpart side.

A package is one zip file::

    manifest.json           format and version, sender (name and key fingerprint), creation
                            time, the --since date, record counts, and the SHA-256 and size
                            of every member below
    records/<type>.json     {"type": ..., "records": {uuid: record}} for each record type
    signature.sig           Ed25519 signature (64 raw bytes) over the bytes of manifest.json

Only records that ``releasability.visible_clause("bilateral", ...)`` lets the counterpart
see are written, the one filter every counterpart-facing output uses, and of them only
the fields in ``SHARED`` (decided field by field; see ``SHARED`` and ``NOT_SHARED``).
Links to other records travel as their UUIDs and only when the linked record is itself
visible to the counterpart; agencies travel as their abbreviation (``DEA``, ``MPS``),
the name both sides use, since each side keeps its own list of agencies.

Importing verifies, before reading a single record, that the manifest is signed by a key
registered for the counterpart and that every member has the hash the manifest states;
it also refuses a record not marked releasable, a field that is not shared, and a package
already imported. Nothing from a refused package is written.

Merging is by UUID and never overwrites a local edit silently. Each side remembers, per
record, the content hashes of the versions it had at each exchange (``exchange_state``),
and sends that history with each record. For an incoming version:

- the same content as ours: unchanged;
- the sender had seen our current content (ours is in its history): theirs is newer,
  and replaces ours;
- we have had the incoming content ourselves (it is in our history): it is stale, ours
  is kept (and goes back with the next export);
- otherwise both sides changed the record since they last agreed: a conflict, kept in
  ``exchange_conflict`` until a person chooses "keep mine" or "take theirs".
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import struct
import tempfile
import uuid as uuidlib
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from workinggroup_app.audit import trail
from workinggroup_app.domain import models, releasability, vocabulary
from workinggroup_app.domain.errors import DomainError, NotFoundError, ValidationErrors
from workinggroup_app.domain.fields import LINK, LINKS, READONLY, RecordType, record_type
from workinggroup_app.domain.models import (
    ExchangeConflict,
    ExchangeKey,
    ExchangePackage,
    ExchangeState,
    StatusChange,
    utcnow,
)
from workinggroup_app.domain.permissions import SYSTEM, Actor, require
from workinggroup_app.services.records import Change, Services
from workinggroup_app.storage.database import Database
from workinggroup_app.storage.paths import data_dir
from workinggroup_app.storage.reference_numbers import format_reference, reserve_block
from workinggroup_app.storage.search_index import body_for

FORMAT = "workinggroup-exchange"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "signature.sig"
PRIVATE_KEY = "exchange_ed25519.pem"
PUBLIC_KEY = "exchange_ed25519.pub.pem"
IDENTITY = "exchange_identity.json"
HISTORY_KEPT = 32
MAX_MANIFEST = 1 << 20  # 1 MiB
MAX_MEMBER = 1 << 30  # 1 GiB uncompressed
MAX_RATIO = 200  # uncompressed / compressed: JSON is ~10, a zip bomb is thousands

# Record types exchanged, in the order an import creates them (targets before links).
EXCHANGE_TYPES = ("entity", "substance", "contact", "case", "referral", "meeting", "action_item")

_COMMON = ("title_en", "title_zh", "caveat")

# The content shared with the counterpart, per record type (the record's UUID is its key;
# its reference and, for referrals, the counterpart's reference travel beside it).
SHARED: dict[str, tuple[str, ...]] = {
    "entity": (*_COMMON, "entity_type", "uscc", "country", "url"),
    "substance": (*_COMMON, "category", "cas_number", "us_control", "prc_control"),
    "contact": (*_COMMON, "agency_id", "position_en", "position_zh", "email", "phone"),
    "case": (
        *_COMMON,
        "status",
        "outcome",
        "line_of_effort",
        "lead_agency_id",
        "opened_on",
        "closed_on",
        "summary_en",
        "summary_zh",
        "entities",
        "substances",
    ),
    "referral": (
        *_COMMON,
        "status",
        "outcome",
        "direction",
        "referral_type",
        "line_of_effort",
        "sending_agency_id",
        "receiving_agency_id",
        "case_id",
        "duplicate_of_id",
        "sent_on",
        "acknowledged_on",
        "answered_on",
        "response_due",
        "summary_en",
        "summary_zh",
        "entities",
        "substances",
    ),
    "meeting": (
        *_COMMON,
        "status",
        "meeting_type",
        "starts_at",
        "place_en",
        "place_zh",
        "line_of_effort",
        "summary_en",
        "summary_zh",
        "referrals",
        "cases",
    ),
    "action_item": (
        *_COMMON,
        "status",
        "owner_side",
        "owner_agency_id",
        "owner_person",
        "due_date",
        "completed_on",
        "line_of_effort",
        "origin_meeting_id",
        "origin_case_id",
        "origin_referral_id",
        "description_en",
        "description_zh",
    ),
}

# What never leaves this side, and why (shown in the README and the exchange dialog).
NOT_SHARED: dict[str, str] = {
    "releasability": "every record in a package is releasable; the marking stays local",
    "archived, id, version": "local bookkeeping",
    "created_by, updated_by": "user names of this side's staff",
    "source_grade, info_grade": "this side's assessment of its own sources",
    "notes_en, notes_zh": "working notes on entities and substances",
    "attendees, agenda, decisions": "travel in the meeting packet, each with its own marking",
    "status comments": "the reasons written in this side's status history",
    "agencies": "each side keeps its own list; links name the agency's abbreviation",
}

Progress = Callable[[int, int], Any]


class ExchangeError(DomainError):
    """An exchange step that cannot go ahead (no key, refused package...)."""


class PackageRefused(ExchangeError):
    """A package that failed verification: nothing from it was read into the database."""


def _refuse(en: str, zh: str) -> PackageRefused:
    return PackageRefused(
        f"Package refused: {en} Nothing was imported.", f"已拒绝该交换包：{zh}未导入任何内容。"
    )


# --- keys ------------------------------------------------------------------------------------


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


# --- content: what a record looks like to the counterpart ---------------------------------


def _iso(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def content_hash(content: Mapping[str, Any]) -> str:
    """Identity of one version of a record's shared content (128 bits of SHA-256)."""
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _links_table(rt: RecordType, name: str) -> tuple[Any, Any, Any]:
    """(association table, column of this record, column of the linked record)."""
    rel = sa_inspect(rt.model).relationships[name]
    table = rel.secondary
    own = other = None
    for col in table.columns:
        fk = next(iter(col.foreign_keys))
        if fk.column.table is rt.model.__table__ and own is None:
            own = col
        else:
            other = col
    assert own is not None and other is not None
    return table, own, other


class _Linker:
    """Maps between local ids and what travels: UUIDs of visible records, agency
    abbreviations. Loaded lazily, once per record type, within one session."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._visible: dict[str, dict[int, str]] = {}
        self._by_uuid: dict[str, dict[str, int]] = {}
        self._abbr: dict[int, str] | None = None
        self._abbr_ids: dict[str, int] | None = None

    def visible(self, type_key: str) -> dict[int, str]:
        if type_key not in self._visible:
            rt = record_type(type_key)
            m = rt.model
            rows = self.session.execute(
                select(m.id, m.uuid).where(releasability.visible_clause("bilateral", rt.key, m))
            )
            self._visible[type_key] = dict(rows.all())
        return self._visible[type_key]

    def local_id(self, type_key: str, uuid: str) -> int | None:
        if type_key not in self._by_uuid:
            m = record_type(type_key).model
            self._by_uuid[type_key] = dict(self.session.execute(select(m.uuid, m.id)).all())
        return self._by_uuid[type_key].get(uuid)

    def remember(self, type_key: str, uuid: str, record_id: int) -> None:
        self.local_id(type_key, uuid)
        self._by_uuid[type_key][uuid] = record_id

    def abbreviation(self, agency_id: int | None) -> str | None:
        if agency_id is None:
            return None
        if self._abbr is None:
            self._load_agencies()
        assert self._abbr is not None
        return self._abbr.get(agency_id)

    def agency_id(self, abbreviation: str) -> int | None:
        if self._abbr_ids is None:
            self._load_agencies()
        assert self._abbr_ids is not None
        return self._abbr_ids.get(abbreviation) or self._abbr_ids.get(abbreviation.casefold())

    def _load_agencies(self) -> None:
        a = models.Agency
        # Loaded as objects and held: the services' link checks (session.get) then find
        # them in the session instead of querying once per record.
        self._agencies = list(self.session.execute(select(a)).scalars())
        rows = [(x.id, x.abbreviation) for x in self._agencies]
        self._abbr = dict(rows)
        self._abbr_ids = {}
        for rid, abbr in rows:
            self._abbr_ids.setdefault(abbr, rid)
            self._abbr_ids.setdefault(abbr.casefold(), rid)

    def content(
        self, rt: RecordType, values: Mapping[str, Any], links: Mapping[str, Iterable[int]]
    ) -> dict[str, Any]:
        """The shared content of one record from its column values and LINKS ids."""
        out: dict[str, Any] = {}
        for name in SHARED[rt.key]:
            f = rt.field(name)
            if f.kind == LINKS:
                visible = self.visible(f.target or "")
                out[name] = sorted(visible[i] for i in links.get(name, ()) if i in visible)
            elif f.kind == LINK or (f.kind == READONLY and f.target):
                rid = values.get(name)
                if f.target == "agency":
                    out[name] = self.abbreviation(rid)
                else:
                    out[name] = None if rid is None else self.visible(f.target or "").get(rid)
            else:
                out[name] = _iso(values.get(name))
        return out


def _scalar_columns(rt: RecordType) -> list[str]:
    return [n for n in SHARED[rt.key] if rt.field(n).kind != LINKS]


def _links_of(
    session: Session, rt: RecordType, ids: list[int] | None
) -> dict[str, dict[int, list[int]]]:
    """LINKS ids per field per record (all records when ``ids`` is None)."""
    out: dict[str, dict[int, list[int]]] = {}
    for name in SHARED[rt.key]:
        if rt.field(name).kind != LINKS:
            continue
        _table, own, other = _links_table(rt, name)
        q = select(own, other)
        per: dict[int, list[int]] = {}
        if ids is None:
            for a, b in session.execute(q):
                per.setdefault(a, []).append(b)
        else:
            for start in range(0, len(ids), 500):
                for a, b in session.execute(q.where(own.in_(ids[start : start + 500]))):
                    per.setdefault(a, []).append(b)
        out[name] = per
    return out


def local_content(session: Session, linker: _Linker, rt: RecordType, obj: Any) -> dict[str, Any]:
    values = {n: getattr(obj, n) for n in _scalar_columns(rt)}
    links = {n: ids.get(obj.id, []) for n, ids in _links_of(session, rt, [obj.id]).items()}
    return linker.content(rt, values, links)


# --- state ------------------------------------------------------------------------------------


def _history(state: ExchangeState | None) -> list[str]:
    return state.history.split() if state is not None and state.history else []


def _push(history: list[str], h: str) -> str:
    items = [x for x in history if x != h] + [h]
    return " ".join(items[-HISTORY_KEPT:])


# --- export -----------------------------------------------------------------------------------


@dataclass
class ExportResult:
    path: Path
    counts: dict[str, int]
    manifest_sha256: str
    fingerprint: str

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _since_instant(since: date | datetime | None) -> datetime | None:
    if since is None:
        return None
    if isinstance(since, datetime):
        return since if since.tzinfo else since.replace(tzinfo=UTC)
    return datetime.combine(since, time.min, tzinfo=UTC)


def export_package(
    db: Database,
    path: str | os.PathLike[str],
    *,
    since: date | datetime | None = None,
    actor: Actor = SYSTEM,
    key_dir: Path | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Write a signed package of the releasable records changed since ``since``."""
    require(actor, "exchange")
    key, info = own_key(key_dir)
    since_at = _since_instant(since)
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    now = utcnow().replace(microsecond=0)
    try:
        session = db.sessions()
        with session.begin():
            linker = _Linker(session)
            states = {s.record_uuid: s for s in session.execute(select(ExchangeState)).scalars()}
            members: dict[str, bytes] = {}
            counts: dict[str, int] = {}
            exported: list[tuple[str, str, str, int]] = []  # type, uuid, hash, version
            for n, type_key in enumerate(EXCHANGE_TYPES):
                rt = record_type(type_key)
                records = _export_type(session, linker, rt, since_at, states, exported)
                counts[type_key] = len(records)
                body = json.dumps(
                    {"type": type_key, "records": records},
                    ensure_ascii=False,
                    sort_keys=True,
                    separators=(",", ":"),
                ).encode("utf-8")
                members[f"records/{type_key}.json"] = body
                if progress is not None:
                    progress(n + 1, len(EXCHANGE_TYPES) + 1)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "package_id": str(uuidlib.uuid4()),
                "sender": {"name": info.name, "key_fingerprint": info.fingerprint},
                "created_at": now.isoformat(),
                "since": since_at.isoformat() if since_at else None,
                "record_counts": counts,
                "shared_fields": {k: list(v) for k, v in SHARED.items()},
                "members": {
                    name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
                    for name, data in members.items()
                },
            }
            manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            signature = key.sign(manifest_bytes)
            with zipfile.ZipFile(tmp, "w") as zf:
                for name, data in ((MANIFEST, manifest_bytes), (SIGNATURE, signature)):
                    zf.writestr(member_info(name), data, compresslevel=6)
                for name, data in members.items():
                    zf.writestr(member_info(name), data, compresslevel=6)
            manifest_sha = hashlib.sha256(manifest_bytes).hexdigest()
            _remember_export(session, states, exported, now)
            session.add(
                ExchangePackage(
                    direction="export",
                    manifest_sha256=manifest_sha,
                    sender=info.name,
                    key_fingerprint=info.fingerprint,
                    created_at=now,
                    actor=actor.username,
                    file_name=target.name[:255],
                    counts=json.dumps(counts),
                )
            )
            trail.append(
                session,
                actor=actor.username,
                action="export",
                record_type="exchange",
                changes={
                    "audience": "bilateral",
                    "format": "exchange package",
                    "file": target.name,
                    "since": since_at.isoformat() if since_at else None,
                    "counts": counts,
                    "manifest_sha256": manifest_sha,
                },
            )
        session.close()
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if progress is not None:
        progress(len(EXCHANGE_TYPES) + 1, len(EXCHANGE_TYPES) + 1)
    return ExportResult(target, counts, manifest_sha, info.fingerprint)


def _export_type(
    session: Session,
    linker: _Linker,
    rt: RecordType,
    since_at: datetime | None,
    states: Mapping[str, ExchangeState],
    exported: list[tuple[str, str, str, int]],
) -> dict[str, Any]:
    m = rt.model
    cols = _scalar_columns(rt)
    extra = ["counterpart_ref"] if rt.key == "referral" else []
    q = select(
        m.id,
        m.uuid,
        m.reference,
        m.version,
        m.updated_at,
        m.releasability,
        *[getattr(m, c) for c in cols + extra],
    ).where(releasability.visible_clause("bilateral", rt.key, m))
    if since_at is not None:
        pending = select(ExchangeState.record_uuid).where(
            ExchangeState.pending_export.is_(True), ExchangeState.record_type == rt.key
        )
        q = q.where(or_(m.updated_at >= since_at, m.uuid.in_(pending)))
    rows = session.execute(q.order_by(m.id)).all()
    links = _links_of(session, rt, None) if rows else {}
    out: dict[str, Any] = {}
    for row in rows:
        rid, uuid, reference, version, updated_at, marking = row[:6]
        if not releasability.marked_releasable(marking):  # the filter, checked twice
            continue
        values = dict(zip(cols + extra, row[6:], strict=True))
        content = linker.content(rt, values, {n: per.get(rid, []) for n, per in links.items()})
        h = content_hash(content)
        history = _history(states.get(uuid))
        history = [x for x in history if x != h] + [h]
        record = {
            "reference": reference,
            "releasability": releasability.RELEASABLE,
            "version": version,
            "updated_at": _iso(updated_at),
            "hash": h,
            "history": history[-HISTORY_KEPT:],
            "fields": content,
        }
        if extra:
            record["counterpart_ref"] = values.get("counterpart_ref") or ""
        out[uuid] = record
        exported.append((rt.key, uuid, h, version))
    return out


def _remember_export(
    session: Session,
    states: dict[str, ExchangeState],
    exported: list[tuple[str, str, str, int]],
    now: datetime,
) -> None:
    from sqlalchemy import insert, update

    new_rows: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for type_key, uuid, h, version in exported:
        state = states.get(uuid)
        if state is None:
            new_rows.append(
                {
                    "record_type": type_key,
                    "record_uuid": uuid,
                    "last_hash": h,
                    "last_version": version,
                    "history": h,
                    "last_direction": "export",
                    "last_at": now,
                    "pending_export": False,
                }
            )
        else:
            changed.append(
                {
                    "id": state.id,
                    "last_hash": h,
                    "last_version": version,
                    "history": _push(_history(state), h),
                    "last_direction": "export",
                    "last_at": now,
                    "pending_export": False,
                }
            )
    for start in range(0, len(new_rows), 5000):
        session.execute(insert(ExchangeState.__table__), new_rows[start : start + 5000])
    if changed:
        session.expunge_all()
        for start in range(0, len(changed), 5000):
            session.execute(update(ExchangeState), changed[start : start + 5000])


# --- reading and verifying a package ------------------------------------------------------------


@dataclass
class Incoming:
    record_type: str
    uuid: str
    reference: str
    counterpart_ref: str
    content: dict[str, Any]
    hash: str
    history: list[str]


@dataclass
class Package:
    path: Path
    manifest: dict[str, Any]
    manifest_sha256: str
    key_name: str
    fingerprint: str
    created_at: datetime | None
    records: list[Incoming]

    @property
    def sender(self) -> str:
        return self.key_name


# --- the container: every byte of the zip is either signed content or checked structure ----

_EPOCH = (1980, 1, 1, 0, 0, 0)
_DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1  # 1980-01-01 00:00:00
_EXTERNAL_ATTR = 0o100644 << 16
_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IBBBBHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")


def member_info(name: str) -> zipfile.ZipInfo:
    """One member with fixed metadata, so that the container has a single valid form."""
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = _EXTERNAL_ATTR
    return info


@dataclass(frozen=True)
class _Member:
    start: int  # offset of the compressed data in the file
    csize: int
    usize: int
    crc: int


def _check_container(raw: bytes) -> dict[str, _Member]:
    """The members of the archive by name; refuse any byte of the archive's structure that is not exactly as we write it.

    The signature covers the manifest and the manifest the hash of every member, so the
    content is protected; this check covers the zip's own headers (times, flags, offsets,
    comments, stray bytes), so that a package altered anywhere at all is refused.
    """

    def bad() -> PackageRefused:
        return _refuse(
            "the archive's structure was altered (it is not as this application writes it).",
            "压缩包结构已被改动（与本程序生成的格式不符）。",
        )

    if len(raw) < _END.size:
        raise bad()
    sig, disk, cd_disk, n_disk, n_total, cd_size, cd_offset, comment = _END.unpack_from(
        raw, len(raw) - _END.size
    )
    if (sig, disk, cd_disk, comment) != (0x06054B50, 0, 0, 0) or n_disk != n_total:
        raise bad()
    if cd_offset + cd_size != len(raw) - _END.size:
        raise bad()
    pos, expected_local = cd_offset, 0
    members: dict[str, _Member] = {}
    for _ in range(n_total):
        if pos + _CENTRAL.size > cd_offset + cd_size:
            raise bad()
        (
            sig,
            made_version,
            made_system,
            need_version,
            need_system,
            flags,
            method,
            mtime,
            mdate,
            crc,
            csize,
            usize,
            name_len,
            extra_len,
            comment_len,
            disk_start,
            internal,
            external,
            local_offset,
        ) = _CENTRAL.unpack_from(raw, pos)
        if (
            sig != 0x02014B50
            or (made_version, made_system, need_version, need_system) != (20, 3, 20, 0)
            or (flags, method, mtime, mdate) != (0, 8, _DOS_TIME, _DOS_DATE)
            or (extra_len, comment_len, disk_start, internal) != (0, 0, 0, 0)
            or external != _EXTERNAL_ATTR
            or local_offset != expected_local
        ):
            raise bad()
        name = raw[pos + _CENTRAL.size : pos + _CENTRAL.size + name_len]
        pos += _CENTRAL.size + name_len
        local = _LOCAL.unpack_from(raw, local_offset)
        if local != (0x04034B50, 20, 0, 8, _DOS_TIME, _DOS_DATE, crc, csize, usize, name_len, 0):
            raise bad()
        start = local_offset + _LOCAL.size
        if raw[start : start + name_len] != name:
            raise bad()
        expected_local = start + name_len + csize
        try:
            text = name.decode("ascii")
        except UnicodeDecodeError:
            raise bad() from None
        if text in members:
            raise _refuse("a member appears twice in the archive.", "压缩包中有重复成员。")
        members[text] = _Member(start + name_len, csize, usize, crc)
    if pos != cd_offset + cd_size or expected_local != cd_offset:
        raise bad()
    return members


def _read_member(raw: bytes, members: Mapping[str, _Member], name: str, limit: int) -> bytes:
    """Inflate one member, strictly: the whole compressed stream and nothing after it,
    no more than ``limit`` bytes (no zip bomb), and the size and CRC its headers state."""
    m = members[name]
    if m.usize > limit or m.usize > MAX_RATIO * max(m.csize, 1):
        raise _refuse(f"member {name} is too large.", f"成员 {name} 过大。")
    d = zlib.decompressobj(-15)
    try:
        data = d.decompress(raw[m.start : m.start + m.csize], limit + 1)
    except zlib.error:
        data = None
    if (
        data is None
        or not d.eof
        or d.unused_data
        or d.unconsumed_tail
        or len(data) != m.usize
        or zlib.crc32(data) != m.crc
    ):
        raise _refuse(
            f"member {name} is damaged (it does not decompress to what its headers state).",
            f"成员 {name} 已损坏（解压结果与其头部信息不符）。",
        )
    return data


def read_package(session: Session, path: str | os.PathLike[str]) -> Package:
    """Open and verify a package; PackageRefused says exactly what is wrong."""
    p = Path(path)
    if not p.is_file():
        raise ExchangeError(f"No file {p}.", f"文件 {p} 不存在。")
    return parse_package(session, p.read_bytes(), p)


def parse_package(session: Session, raw: bytes, path: Path) -> Package:
    """Verify the bytes of a package (``read_package`` without the file)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    p = path
    try:
        members = _check_container(raw)
    except struct.error:
        raise _refuse(
            "the file is not a zip archive (damaged, or not an exchange package).",
            "该文件不是 zip 压缩包（已损坏或不是交换包）。",
        ) from None
    names = list(members)
    if MANIFEST not in names or SIGNATURE not in names:
        raise _refuse("the manifest or the signature is missing.", "缺少清单文件或签名文件。")
    manifest_bytes = _read_member(raw, members, MANIFEST, MAX_MANIFEST)
    signature = _read_member(raw, members, SIGNATURE, 1024)
    try:
        manifest = json.loads(manifest_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _refuse("the manifest is not valid JSON.", "清单不是有效的 JSON。") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refuse("this is not an exchange package.", "这不是交换包。")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise _refuse(
            f"it was made in format version {version}, newer than this application "
            f"reads ({FORMAT_VERSION}); update the application.",
            f"其格式版本为 {version}，高于本程序可读取的版本（{FORMAT_VERSION}）；请更新程序。",
        )
    sender = manifest.get("sender") or {}
    fp = str(sender.get("key_fingerprint") or "") if isinstance(sender, dict) else ""
    key = session.execute(
        select(ExchangeKey).where(ExchangeKey.fingerprint == fp, ExchangeKey.active.is_(True))
    ).scalar_one_or_none()
    if key is None:
        raise _refuse(
            f"it is signed with a key not registered here (fingerprint "
            f"{short_fingerprint(fp) or 'missing'}). Register the counterpart's public key "
            "first, after checking its fingerprint with them.",
            f"其签名密钥未在本地登记（指纹 {short_fingerprint(fp) or '缺失'}）。"
            "请先与对方核对指纹后登记其公钥。",
        )
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(key.public_key)).verify(
            signature, manifest_bytes
        )
    except InvalidSignature:
        raise _refuse(
            f"the signature does not match the manifest: the package was altered after "
            f"signing, or not signed by {key.name}.",
            f"签名与清单不符：交换包在签名后被改动，或并非由“{key.name}”签名。",
        ) from None
    listed = manifest.get("members")
    if not isinstance(listed, dict):
        raise _refuse("the manifest lists no members.", "清单未列出成员。")
    unexpected = sorted(set(names) - set(listed) - {MANIFEST, SIGNATURE})
    if unexpected:
        raise _refuse(
            f"it holds a file the signed manifest does not list ({unexpected[0]}).",
            f"其中含有已签名清单未列出的文件（{unexpected[0]}）。",
        )
    records: list[Incoming] = []
    counts = manifest.get("record_counts") or {}
    for name, meta in listed.items():
        if name not in names:
            raise _refuse(f"member {name} is missing.", f"缺少成员 {name}。")
        data = _read_member(raw, members, name, MAX_MEMBER)
        if not isinstance(meta, dict) or hashlib.sha256(data).hexdigest() != meta.get("sha256"):
            raise _refuse(
                f"member {name} does not have the hash the signed manifest states: it was altered.",
                f"成员 {name} 的哈希值与已签名清单不符：内容已被改动。",
            )
        records.extend(_parse_member(name, data, counts))
    created = None
    try:
        created = datetime.fromisoformat(str(manifest.get("created_at")))
    except ValueError:
        created = None
    return Package(
        p, manifest, hashlib.sha256(manifest_bytes).hexdigest(), key.name, fp, created, records
    )


def _parse_member(name: str, data: bytes, counts: Mapping[str, Any]) -> list[Incoming]:
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _refuse(
            f"member {name} is not valid JSON.", f"成员 {name} 不是有效的 JSON。"
        ) from None
    type_key = doc.get("type") if isinstance(doc, dict) else None
    if type_key not in EXCHANGE_TYPES or name != f"records/{type_key}.json":
        raise _refuse(
            f"member {name} holds a record type that is not exchanged.",
            f"成员 {name} 含有不在交换范围内的记录类型。",
        )
    records = doc.get("records")
    if not isinstance(records, dict):
        raise _refuse(f"member {name} has no records.", f"成员 {name} 没有记录。")
    if counts.get(type_key) != len(records):
        raise _refuse(
            f"member {name} holds {len(records)} records, the manifest says "
            f"{counts.get(type_key)}.",
            f"成员 {name} 含 {len(records)} 条记录，清单中为 {counts.get(type_key)} 条。",
        )
    allowed = set(SHARED[type_key])
    out = []
    for key, rec in records.items():
        try:
            uid = str(uuidlib.UUID(str(key)))
        except ValueError:
            raise _refuse(
                f"'{key!s:.40}' is not a UUID.", f"“{key!s:.40}”不是有效的 UUID。"
            ) from None
        if not isinstance(rec, dict) or not isinstance(rec.get("fields"), dict):
            raise _refuse(f"record {uid} is malformed.", f"记录 {uid} 格式错误。")
        ref = str(rec.get("reference") or "")[:32]
        if rec.get("releasability") != releasability.RELEASABLE:
            raise _refuse(
                f"record {ref or uid} ({vocabulary.word('record_type', type_key).lower()}) is not "
                "marked releasable to the counterpart; a package may hold only releasable "
                "records.",
                f"记录 {ref or uid}（{vocabulary.word('record_type', type_key, 'zh')}）未标记为可向对方"
                "提供；交换包只能包含可提供的记录。",
            )
        content = rec["fields"]
        extra = sorted(set(content) - allowed)
        if extra:
            raise _refuse(
                f"record {ref or uid} carries the field '{extra[0][:40]}', which is not shared.",
                f"记录 {ref or uid} 含有不共享的字段“{extra[0][:40]}”。",
            )
        missing = sorted(allowed - set(content))
        if missing:
            raise _refuse(
                f"record {ref or uid} lacks the field '{missing[0]}'.",
                f"记录 {ref or uid} 缺少字段“{missing[0]}”。",
            )
        h = content_hash(content)
        if rec.get("hash") != h:
            raise _refuse(
                f"record {ref or uid} does not match its own hash.",
                f"记录 {ref or uid} 与其哈希值不符。",
            )
        history = rec.get("history") or []
        if not isinstance(history, list) or not all(isinstance(x, str) for x in history):
            raise _refuse(
                f"record {ref or uid} has a malformed history.",
                f"记录 {ref or uid} 的历史格式错误。",
            )
        out.append(
            Incoming(
                type_key,
                uid,
                ref,
                str(rec.get("counterpart_ref") or "")[:64],
                content,
                h,
                history[-HISTORY_KEPT:],
            )
        )
    return out


# --- planning and applying an import ------------------------------------------------------------

NEW, UPDATE, UNCHANGED, KEPT, CONFLICT, PROBLEM = (
    "new",
    "update",
    "unchanged",
    "kept",
    "conflict",
    "problem",
)
ACTION_WORDS = {
    NEW: ("New", "新增"),
    UPDATE: ("Updated from the counterpart", "按对方更新"),
    UNCHANGED: ("Unchanged", "无变化"),
    KEPT: ("Ours is newer: kept", "本方较新：保留"),
    CONFLICT: ("Conflict: both sides changed it", "冲突：双方均有修改"),
    PROBLEM: ("Cannot be imported", "无法导入"),
}


@dataclass
class PlanItem:
    record_type: str
    uuid: str
    action: str
    reference: str  # ours when we have the record, else the sender's
    title: str
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)  # field, ours, theirs
    message_en: str = ""
    message_zh: str = ""
    incoming: Incoming | None = None
    local_id: int | None = None
    local_version: int = 0

    def message(self, lang: str = "en") -> str:
        return self.message_zh if lang.startswith("zh") else self.message_en


@dataclass
class ImportResult:
    file: str
    sender: str
    fingerprint: str
    created_at: datetime | None
    manifest_sha256: str
    items: list[PlanItem]
    applied: bool = False

    def counts(self) -> dict[str, int]:
        out = {a: 0 for a in ACTION_WORDS}
        for item in self.items:
            out[item.action] += 1
        return out

    def of(self, action: str) -> list[PlanItem]:
        return [i for i in self.items if i.action == action]

    @property
    def conflicts(self) -> list[PlanItem]:
        return self.of(CONFLICT)


def _differences(
    local: Mapping[str, Any] | None, remote: Mapping[str, Any]
) -> list[tuple[str, Any, Any]]:
    out = []
    for name, value in remote.items():
        ours = local.get(name) if local is not None else None
        if ours != value:
            out.append((name, ours, value))
    return out


class _Planner:
    def __init__(self, db: Database, session: Session, package: Package, actor: Actor) -> None:
        self.session = session
        self.package = package
        self.actor = actor
        self.linker = _Linker(session)
        self.services = Services(db, actor)
        self.incoming_uuids = {(r.record_type, r.uuid) for r in package.records}

    def plan(self) -> list[PlanItem]:
        order = {k: i for i, k in enumerate(EXCHANGE_TYPES)}
        records = sorted(self.package.records, key=lambda r: order[r.record_type])
        self._prepare(records)
        items = [self._plan_one(inc) for inc in records]
        self._cascade(items)
        return items

    def _prepare(self, records: list[Incoming]) -> None:
        """Our side of every incoming record, read in bulk: id, reference, version,
        shared content, and the content hashes we had at past exchanges."""
        self.local: dict[tuple[str, str], tuple[int, str, int, dict[str, Any]]] = {}
        self.histories: dict[str, list[str]] = {}
        by_type: dict[str, list[str]] = {}
        for r in records:
            by_type.setdefault(r.record_type, []).append(r.uuid)
        for type_key, uuids in by_type.items():
            rt = record_type(type_key)
            m = rt.model
            cols = _scalar_columns(rt)
            rows: list[Any] = []
            for start in range(0, len(uuids), 500):
                rows.extend(
                    self.session.execute(
                        select(
                            m.id, m.uuid, m.reference, m.version, *[getattr(m, c) for c in cols]
                        ).where(m.uuid.in_(uuids[start : start + 500]))
                    ).all()
                )
            links = _links_of(self.session, rt, [r[0] for r in rows]) if rows else {}
            for r in rows:
                values = dict(zip(cols, r[4:], strict=True))
                content = self.linker.content(
                    rt, values, {n: per.get(r[0], []) for n, per in links.items()}
                )
                self.local[(type_key, r[1])] = (r[0], r[2], r[3], content)
            for start in range(0, len(uuids), 500):
                for uuid, history in self.session.execute(
                    select(ExchangeState.record_uuid, ExchangeState.history).where(
                        ExchangeState.record_uuid.in_(uuids[start : start + 500])
                    )
                ):
                    self.histories[uuid] = history.split() if history else []

    def _plan_one(self, inc: Incoming) -> PlanItem:
        rt = record_type(inc.record_type)
        title = str(inc.content.get("title_en") or inc.content.get("title_zh") or "")
        item = PlanItem(rt.key, inc.uuid, NEW, inc.reference, title, incoming=inc)
        local = self.local.get((rt.key, inc.uuid))
        if local is None:
            item.changes = _differences(None, inc.content)
            problem = self._unresolved(rt, inc)
            if problem:
                item.action, item.message_en, item.message_zh = PROBLEM, *problem
            return item
        item.local_id, item.reference, item.local_version, ours = local
        ours_hash = content_hash(ours)
        if ours_hash == inc.hash:
            item.action = UNCHANGED
            return item
        item.changes = _differences(ours, inc.content)
        if ours_hash in inc.history:
            item.action = UPDATE
            problem = self._unresolved(rt, inc)
            if problem:
                item.action, item.message_en, item.message_zh = PROBLEM, *problem
        elif inc.hash in self.histories.get(inc.uuid, []):
            item.action = KEPT
            item.message_en = "Our version is newer than the counterpart's; it is kept."
            item.message_zh = "本方版本比对方新，予以保留。"
        else:
            item.action = CONFLICT
            item.message_en = (
                "Both sides changed this record since they last exchanged it; choose which "
                "version to keep."
            )
            item.message_zh = "双方在上次交换后均修改了此记录；请选择保留哪一版本。"
        return item

    def _unresolved(self, rt: RecordType, inc: Incoming) -> tuple[str, str] | None:
        """A link the import cannot make, or a value the services would refuse."""
        for name in SHARED[rt.key]:
            f = rt.field(name)
            value = inc.content.get(name)
            if value in (None, "", []):
                continue
            if f.kind == LINKS or f.kind == LINK or (f.kind == READONLY and f.target):
                targets = value if isinstance(value, list) else [value]
                for t in targets:
                    if not isinstance(t, str):
                        return self._bad_link(f.label_en, f.label_zh, str(t))
                    if f.target == "agency":
                        if self.linker.agency_id(t) is None:
                            return (
                                f"{f.label_en}: no agency '{t[:40]}' here; add it (with that "
                                "abbreviation) and import the package again.",
                                f"{f.label_zh}：本地没有机构“{t[:40]}”；请先添加（使用该简称）"
                                "后重新导入。",
                            )
                    elif (
                        self.linker.local_id(f.target or "", t) is None
                        and (f.target, t) not in self.incoming_uuids
                    ):
                        return self._bad_link(f.label_en, f.label_zh, t)
        return self._invalid(rt, inc)

    @staticmethod
    def _bad_link(en: str, zh: str, target: str) -> tuple[str, str]:
        return (
            f"{en}: links to {target[:40]}, which is neither here nor in the package.",
            f"{zh}：链接到 {target[:40]}，但本地和交换包中均没有该记录。",
        )

    def _invalid(self, rt: RecordType, inc: Incoming) -> tuple[str, str] | None:
        values = self._values(rt, inc, resolve=False)
        values["releasability"] = releasability.RELEASABLE
        try:
            self.services.validate(rt.key, values, session=self.session, unique=False)
        except ValidationErrors as errs:
            return errs.message_en, errs.message_zh
        for name in ("outcome",):
            if rt.has(name) and inc.content.get(name):
                f = rt.field(name)
                if not vocabulary.is_known(f.vocabulary or "", str(inc.content[name])):
                    return (
                        f"{f.label_en}: '{inc.content[name]!s:.40}' is not a known value.",
                        f"{f.label_zh}：“{inc.content[name]!s:.40}”不是已知取值。",
                    )
        return None

    def _values(self, rt: RecordType, inc: Incoming, *, resolve: bool) -> dict[str, Any]:
        """Incoming content as values for the services' validation (links as local ids;
        links to records this import creates are left out until they exist)."""
        out: dict[str, Any] = {}
        for name in SHARED[rt.key]:
            f = rt.field(name)
            value = inc.content.get(name)
            if f.kind == READONLY and name != "status":
                continue  # outcome, duplicate_of: checked and set apart
            if f.kind == LINKS:
                ids = [self.linker.local_id(f.target or "", t) for t in value or []]
                out[name] = [i for i in ids if i is not None] if resolve else []
            elif f.kind == LINK:
                if value is None:
                    out[name] = None
                elif f.target == "agency":
                    out[name] = self.linker.agency_id(value)
                else:
                    out[name] = self.linker.local_id(f.target or "", value) if resolve else None
            else:
                out[name] = value
        return out

    def _cascade(self, items: list[PlanItem]) -> None:
        """A record linking to one this import cannot create cannot be written either."""
        by_key = {(i.record_type, i.uuid): i for i in items}
        changed = True
        while changed:
            changed = False
            for item in items:
                if item.action not in (NEW, UPDATE):
                    continue
                missing = self._missing_target(item, by_key)
                if missing is not None:
                    item.action = PROBLEM
                    item.message_en = (
                        f"Links to {missing}, which cannot be created from this package."
                    )
                    item.message_zh = f"链接到 {missing}，但该记录无法从此交换包创建。"
                    changed = True

    def _missing_target(
        self, item: PlanItem, by_key: Mapping[tuple[str, str], PlanItem]
    ) -> str | None:
        assert item.incoming is not None
        rt = record_type(item.record_type)
        for name in SHARED[rt.key]:
            f = rt.field(name)
            if f.target in (None, "agency") or f.kind not in (LINK, LINKS, READONLY):
                continue
            value = item.incoming.content.get(name)
            for t in value if isinstance(value, list) else [value]:
                if not t or self.linker.local_id(f.target or "", t) is not None:
                    continue
                target = by_key.get((f.target or "", t))
                if target is None or target.action != NEW:
                    return str(t)
        return None


def _already_imported(session: Session, package: Package) -> None:
    done = session.execute(
        select(ExchangePackage).where(
            ExchangePackage.direction == "import",
            ExchangePackage.manifest_sha256 == package.manifest_sha256,
        )
    ).scalar_one_or_none()
    if done is not None:
        when = done.processed_at.strftime("%Y-%m-%d %H:%M UTC")
        raise _refuse(
            f"this package was already imported on {when} by {done.actor}.",
            f"该交换包已于 {when} 由 {done.actor} 导入。",
        )


def _result(package: Package, items: list[PlanItem], applied: bool) -> ImportResult:
    return ImportResult(
        package.path.name,
        package.key_name,
        package.fingerprint,
        package.created_at,
        package.manifest_sha256,
        items,
        applied,
    )


def preview_import(
    db: Database, path: str | os.PathLike[str], *, actor: Actor = SYSTEM
) -> ImportResult:
    """Verify a package and say what importing it would change; nothing is written."""
    require(actor, "exchange")
    with db.session() as session:
        package = read_package(session, path)
        _already_imported(session, package)
        items = _Planner(db, session, package, actor).plan()
    return _result(package, items, applied=False)


def apply_import(
    db: Database,
    path: str | os.PathLike[str],
    *,
    actor: Actor = SYSTEM,
    progress: Progress | None = None,
) -> ImportResult:
    """Verify, plan and apply in one transaction: new and newer records are written,
    conflicts are kept for a person to resolve, local edits are never overwritten."""
    require(actor, "exchange")
    session = db.sessions()
    try:
        with session.begin():
            package = read_package(session, path)
            _already_imported(session, package)
            planner = _Planner(db, session, package, actor)
            items = planner.plan()
            _Applier(session, planner, actor).apply(items, progress)
            counts = {k: v for k, v in _result(package, items, True).counts().items() if v}
            session.add(
                ExchangePackage(
                    direction="import",
                    manifest_sha256=package.manifest_sha256,
                    sender=package.key_name,
                    key_fingerprint=package.fingerprint,
                    created_at=package.created_at,
                    actor=actor.username,
                    file_name=package.path.name[:255],
                    counts=json.dumps(counts),
                )
            )
            trail.append(
                session,
                actor=actor.username,
                action="import",
                record_type="exchange",
                changes={
                    "file": package.path.name,
                    "sender": package.key_name,
                    "key_fingerprint": package.fingerprint,
                    "manifest_sha256": package.manifest_sha256,
                    "created_at": package.manifest.get("created_at"),
                    "counts": counts,
                },
            )
    finally:
        session.close()
    return _result(package, items, applied=True)


class _Applier:
    """Writes a plan: creates new records, updates newer ones, records conflicts."""

    def __init__(self, session: Session, planner: _Planner, actor: Actor) -> None:
        self.session = session
        self.planner = planner
        self.linker = planner.linker
        self.actor = actor
        self.sender = planner.package.key_name
        self.package_sha = planner.package.manifest_sha256
        self.now = utcnow()
        self.events: list[dict[str, Any]] = []
        self.states: dict[str, tuple[int, list[str]]] = {}  # uuid -> (state id, history)
        self.seen: list[tuple[str, str, str, int]] = []  # type, uuid, hash, version

    def apply(self, items: list[PlanItem], progress: Progress | None = None) -> None:
        with self.session.no_autoflush:
            self._apply(items, progress)

    def _apply(self, items: list[PlanItem], progress: Progress | None) -> None:
        total = len(items)
        wanted = [i.uuid for i in items if i.action in (NEW, UPDATE, UNCHANGED)]
        for start in range(0, len(wanted), 500):
            for sid, uuid, history in self.session.execute(
                select(ExchangeState.id, ExchangeState.record_uuid, ExchangeState.history).where(
                    ExchangeState.record_uuid.in_(wanted[start : start + 500])
                )
            ):
                self.states[uuid] = (sid, history.split() if history else [])
        created = self._create([i for i in items if i.action == NEW])
        for done, item in enumerate(items, start=1):
            if item.action == NEW:
                self._finish_new(item, created[(item.record_type, item.uuid)])
            elif item.action == UPDATE:
                self._update(item)
            elif item.action == CONFLICT:
                self._conflict(item)
            if item.action in (NEW, UPDATE, UNCHANGED):
                self._remember(item)
            if progress is not None and done % 200 == 0:
                progress(done, total)
        self.session.flush()
        self._write_states()
        trail.append_many(self.session, self.events)
        if progress is not None:
            progress(total, total)

    # -- new records --

    def _create(self, items: list[PlanItem]) -> dict[tuple[str, str], Any]:
        out: dict[tuple[str, str], Any] = {}
        year = self.now.year
        by_type: dict[str, list[PlanItem]] = {}
        for item in items:
            by_type.setdefault(item.record_type, []).append(item)
        for type_key, group in by_type.items():
            rt = record_type(type_key)
            first = reserve_block(self.session, rt.prefix, year, len(group))
            for k, item in enumerate(group):
                inc = item.incoming
                assert inc is not None
                values = self.planner._values(rt, inc, resolve=False)
                values["releasability"] = releasability.RELEASABLE
                clean = self.planner.services.validate(
                    rt.key, values, session=self.session, unique=False
                )
                scalars = {k2: v for k2, v in clean.items() if rt.field(k2).kind != LINKS}
                status = scalars.pop("status", None)
                obj = rt.model(**scalars)
                obj.uuid = inc.uuid
                obj.reference = format_reference(rt.prefix, year, first + k)
                obj.releasability = releasability.RELEASABLE
                obj.caveat = scalars.get("caveat") or "SBU"
                if rt.key == "referral":
                    obj.counterpart_ref = inc.reference[:64]
                if rt.has("outcome"):
                    obj.outcome = inc.content.get("outcome")
                if rt.workflow is not None:
                    obj.status = status or rt.workflow.initial
                obj.created_by = obj.updated_by = self.actor.username
                obj.created_at = obj.updated_at = self.now
                obj.version = 1
                obj.archived = False
                self.session.add(obj)
                out[(type_key, inc.uuid)] = obj
        self.session.flush()
        for (type_key, uuid), obj in out.items():
            self.linker.remember(type_key, uuid, obj.id)
        return out

    def _finish_new(self, item: PlanItem, obj: Any) -> None:
        rt = record_type(item.record_type)
        inc = item.incoming
        assert inc is not None
        changes: dict[str, Any] = {
            name: [None, value]
            for name, value in inc.content.items()
            if value not in (None, "", [])
        }
        self._set_links(rt, obj, inc, changes, new=True)
        item.local_id = obj.id
        item.reference = obj.reference
        if rt.workflow is not None:
            self.session.add(
                StatusChange(
                    record_type=rt.key,
                    record_id=obj.id,
                    from_status=None,
                    to_status=obj.status,
                    comment=f"received from {self.sender} (exchange package)",
                    changed_by=self.actor.username,
                    changed_at=self.now,
                )
            )
        self._index(rt, obj, new=True)
        changes["reference"] = [None, obj.reference]
        changes["uuid"] = [None, obj.uuid]
        changes["from"] = [None, f"{self.sender} {inc.reference}".strip()]
        self._event(rt, obj, changes)

    # -- updates --

    def _update(self, item: PlanItem) -> None:
        rt = record_type(item.record_type)
        inc = item.incoming
        assert inc is not None and item.local_id is not None
        obj = self.session.get(rt.model, item.local_id)
        values = self.planner._values(rt, inc, resolve=True)
        values["releasability"] = obj.releasability
        clean = self.planner.services.validate(rt.key, values, session=self.session, unique=False)
        changes: dict[str, Any] = {}
        old_status = getattr(obj, "status", None)
        for name in SHARED[rt.key]:
            f = rt.field(name)
            if (
                f.kind == LINKS
                or (f.kind == LINK and f.target != "agency")
                or (f.kind == READONLY and f.target)
            ):
                continue  # links: below, once every record exists
            new = inc.content.get("outcome") if name == "outcome" else clean.get(name)
            old = getattr(obj, name)
            if old != new:
                changes[name] = [old, new]
                setattr(obj, name, new)
        self._set_links(rt, obj, inc, changes, new=False)
        if rt.workflow is not None and obj.status != old_status:
            self.session.add(
                StatusChange(
                    record_type=rt.key,
                    record_id=obj.id,
                    from_status=old_status,
                    to_status=obj.status,
                    comment=f"changed by {self.sender} (exchange package)",
                    changed_by=self.actor.username,
                    changed_at=self.now,
                )
            )
        if changes:
            obj.version = obj.version + 1
            obj.updated_at = self.now
            obj.updated_by = self.actor.username
            self._index(rt, obj)
            changes["from"] = [None, f"{self.sender} {inc.reference}".strip()]
            self._event(rt, obj, changes)
        self._supersede(inc.uuid)

    def _set_links(
        self, rt: RecordType, obj: Any, inc: Incoming, changes: dict[str, Any], *, new: bool
    ) -> None:
        """Links named in the package; links to records the counterpart cannot see are
        this side's own business and are kept."""
        for name in SHARED[rt.key]:
            f = rt.field(name)
            target = f.target or ""
            if not target or (target == "agency" and f.kind == LINK):
                continue
            value = inc.content.get(name)
            visible = self.linker.visible(target)
            if f.kind == LINKS:
                wanted = {self.linker.local_id(target, t) for t in value or []}
                wanted.discard(None)
                current = set() if new else {o.id for o in getattr(obj, name)}
                hidden = {i for i in current if i not in visible}
                ids = wanted | hidden
                if ids != current:
                    model = record_type(target).model
                    objs = (
                        list(self.session.execute(select(model).where(model.id.in_(ids))).scalars())
                        if ids
                        else []
                    )
                    setattr(obj, name, objs)
                    if not new:
                        changes[name] = [sorted(current), sorted(ids)]
            else:
                rid = self.linker.local_id(target, value) if value else None
                old = getattr(obj, name)
                if rid is None and old is not None and old not in visible:
                    continue  # ours points to a record the counterpart cannot see
                if old != rid:
                    setattr(obj, name, rid)
                    if not new:
                        changes[name] = [old, rid]

    # -- conflicts and state --

    def _supersede(self, uuid: str) -> None:
        for c in self.session.execute(
            select(ExchangeConflict).where(
                ExchangeConflict.record_uuid == uuid, ExchangeConflict.resolved_at.is_(None)
            )
        ).scalars():
            c.resolved_at = self.now
            c.resolution = "superseded"
            c.resolved_by = self.actor.username

    def _conflict(self, item: PlanItem) -> None:
        inc = item.incoming
        assert inc is not None
        self._supersede(inc.uuid)
        self.session.add(
            ExchangeConflict(
                record_type=item.record_type,
                record_uuid=inc.uuid,
                record_id=item.local_id,
                reference=item.reference,
                remote_content=json.dumps(inc.content, ensure_ascii=False, sort_keys=True),
                remote_hash=inc.hash,
                remote_history=" ".join(inc.history),
                package_sha256=self.package_sha,
                sender=self.sender,
                detected_at=self.now,
            )
        )
        self.events.append(
            {
                "actor": self.actor.username,
                "action": "import",
                "record_type": item.record_type,
                "record_id": item.local_id,
                "reference": item.reference,
                "changes": {
                    "conflict": [None, [c[0] for c in item.changes]],
                    "from": [None, f"{self.sender} {inc.reference}".strip()],
                },
                "outcome": "conflict",
            }
        )

    def _remember(self, item: PlanItem) -> None:
        """Note that we now have had the incoming version (written in bulk at the end)."""
        inc = item.incoming
        assert inc is not None
        version = item.local_version
        if item.action in (NEW, UPDATE):
            obj = self.session.get(record_type(item.record_type).model, item.local_id)
            version = obj.version if obj is not None else 0
        self.seen.append((item.record_type, inc.uuid, inc.hash, version))

    def _write_states(self) -> None:
        from sqlalchemy import insert, update

        new_rows: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for type_key, uuid, h, version in self.seen:
            values = {
                "last_hash": h,
                "last_version": version,
                "last_direction": "import",
                "last_at": self.now,
            }
            state = self.states.get(uuid)
            if state is None:
                new_rows.append(
                    {
                        "record_type": type_key,
                        "record_uuid": uuid,
                        "history": h,
                        "pending_export": False,
                        **values,
                    }
                )
            else:
                changed.append({"id": state[0], "history": _push(state[1], h), **values})
        for start in range(0, len(new_rows), 5000):
            self.session.execute(insert(ExchangeState.__table__), new_rows[start : start + 5000])
        for start in range(0, len(changed), 5000):
            self.session.execute(
                update(ExchangeState.__table__)
                .where(ExchangeState.__table__.c.id == bindparam("state_id"))
                .values(
                    history=bindparam("history"),
                    last_hash=bindparam("last_hash"),
                    last_version=bindparam("last_version"),
                    last_direction=bindparam("last_direction"),
                    last_at=bindparam("last_at"),
                ),
                [{**c, "state_id": c.pop("id")} for c in changed[start : start + 5000]],
            )

    def _index(self, rt: RecordType, obj: Any, *, new: bool = False) -> None:
        if not new:
            self.planner.services._index(self.session, rt, obj)  # the services' own upsert
            return
        # a record created by this import has no search row yet: no need to look for one
        values = {f.name: getattr(obj, f.name, None) for f in rt.fields if f.kind != LINKS}
        self.session.add(
            models.SearchText(record_type=rt.key, record_id=obj.id, body=body_for(rt.key, values))
        )

    def _event(self, rt: RecordType, obj: Any, changes: dict[str, Any]) -> None:
        self.events.append(
            {
                "actor": self.actor.username,
                "action": "import",
                "record_type": rt.key,
                "record_id": obj.id,
                "reference": obj.reference,
                "changes": changes,
            }
        )


# --- conflicts: for a person to resolve ---------------------------------------------------------


@dataclass
class ConflictView:
    id: int
    record_type: str
    record_uuid: str
    record_id: int | None
    reference: str
    title: str
    sender: str
    detected_at: datetime
    differences: list[tuple[str, Any, Any]]  # field, ours, theirs


def open_conflicts(db: Database) -> list[ConflictView]:
    """Conflicts waiting for a decision, oldest first, with the fields that differ."""
    out: list[ConflictView] = []
    with db.session() as session:
        linker = _Linker(session)
        rows = session.execute(
            select(ExchangeConflict)
            .where(ExchangeConflict.resolved_at.is_(None))
            .order_by(ExchangeConflict.id)
        ).scalars()
        for c in rows:
            rt = record_type(c.record_type)
            remote = json.loads(c.remote_content)
            obj = session.get(rt.model, c.record_id) if c.record_id else None
            ours = local_content(session, linker, rt, obj) if obj is not None else None
            title = (obj.title_en if obj is not None else "") or str(remote.get("title_en") or "")
            out.append(
                ConflictView(
                    c.id,
                    c.record_type,
                    c.record_uuid,
                    c.record_id,
                    c.reference,
                    title,
                    c.sender,
                    c.detected_at,
                    _differences(ours, remote),
                )
            )
    return out


def resolve_conflict(
    db: Database, conflict_id: int, choice: str, *, actor: Actor = SYSTEM
) -> Change:
    """``choice`` "mine": keep our version (it goes to the counterpart with the next
    export); "theirs": take the counterpart's version, as an import would have."""
    require(actor, "exchange")
    if choice not in ("mine", "theirs"):
        raise ValueError("choice must be 'mine' or 'theirs'")
    session = db.sessions()
    try:
        with session.begin():
            c = session.get(ExchangeConflict, conflict_id)
            if c is None or c.resolved_at is not None:
                raise NotFoundError(
                    f"No open conflict {conflict_id}.", f"没有待处理的冲突 {conflict_id}。"
                )
            rt = record_type(c.record_type)
            inc = Incoming(
                rt.key,
                c.record_uuid,
                c.reference,
                "",
                json.loads(c.remote_content),
                c.remote_hash,
                c.remote_history.split(),
            )
            state = session.execute(
                select(ExchangeState).where(ExchangeState.record_uuid == c.record_uuid)
            ).scalar_one_or_none()
            if state is None:
                state = ExchangeState(record_type=rt.key, record_uuid=c.record_uuid, history="")
                session.add(state)
            now = utcnow()
            reference = c.reference
            record_id = c.record_id
            if choice == "theirs":
                package = Package(Path(""), {}, c.package_sha256, c.sender, "", None, [inc])
                planner = _Planner(db, session, package, actor)
                item = planner.plan()[0]
                if item.action == PROBLEM:
                    raise ExchangeError(item.message_en, item.message_zh)
                if item.action in (KEPT, CONFLICT):
                    problem = planner._unresolved(rt, inc)
                    if problem:
                        raise ExchangeError(*problem)
                    item.action = UPDATE
                applier = _Applier(session, planner, actor)
                applier.apply([item])
                record_id = item.local_id
                reference = item.reference
            else:
                # Ours wins: we have now seen theirs, so ours is its successor; the next
                # export carries it, and the counterpart's import takes it as newer.
                state.history = _push(_history(state), c.remote_hash)
                state.pending_export = True
                state.last_at = now
            c.resolved_at = now
            c.resolution = choice
            c.resolved_by = actor.username
            trail.append(
                session,
                actor=actor.username,
                action="resolve_conflict",
                record_type=rt.key,
                record_id=record_id,
                reference=reference,
                changes={"resolution": [None, choice], "from": [None, c.sender]},
            )
            version = 0
            if record_id is not None:
                obj = session.get(rt.model, record_id)
                version = obj.version if obj is not None else 0
    finally:
        session.close()
    return Change(
        rt.key,
        "update" if choice == "theirs" else "none",
        (record_id,) if record_id else (),
        reference,
        version,
    )
