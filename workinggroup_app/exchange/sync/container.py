"""Reading a package: decrypted with this side's key (``envelope``), then the zip inside
checked member by member (sizes, ratios, names) before a byte is trusted, the signature
verified (and that the signed manifest names this side among the recipients), then each
member parsed.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import uuid as uuidlib
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workinggroup_app.domain import releasability, vocabulary
from workinggroup_app.domain.children import CHILDREN
from workinggroup_app.domain.models import ExchangeKey
from workinggroup_app.exchange.sync.content import HISTORY_KEPT, content_hash
from workinggroup_app.exchange.sync.envelope import unseal
from workinggroup_app.exchange.sync.keys import (
    fingerprint,
    own_key,
    raw_public_of,
    short_fingerprint,
)
from workinggroup_app.exchange.sync.protocol import (
    EXCHANGE_TYPES,
    FORMAT,
    FORMAT_VERSION,
    PARTS,
    SHARED,
    ExchangeError,
    PackageRefused,
    refuse,
)

MANIFEST = "manifest.json"
SIGNATURE = "signature.sig"


MAX_MANIFEST = 1 << 20  # 1 MiB
MAX_MEMBER = 1 << 30  # 1 GiB uncompressed
MAX_RATIO = 200  # uncompressed / compressed: JSON is ~10, a zip bomb is thousands


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
    # (name, fingerprint) of the keys the signed manifest says it is encrypted to
    recipients: tuple[tuple[str, str], ...] = ()

    @property
    def sender(self) -> str:
        return self.key_name


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
        return refuse(
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
            raise refuse("a member appears twice in the archive.", "压缩包中有重复成员。")
        members[text] = _Member(start + name_len, csize, usize, crc)
    if pos != cd_offset + cd_size or expected_local != cd_offset:
        raise bad()
    return members


def _read_member(raw: bytes, members: Mapping[str, _Member], name: str, limit: int) -> bytes:
    """Inflate one member, strictly: the whole compressed stream and nothing after it,
    no more than ``limit`` bytes (no zip bomb), and the size and CRC its headers state."""
    m = members[name]
    if m.usize > limit or m.usize > MAX_RATIO * max(m.csize, 1):
        raise refuse(f"member {name} is too large.", f"成员 {name} 过大。")
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
        raise refuse(
            f"member {name} is damaged (it does not decompress to what its headers state).",
            f"成员 {name} 已损坏（解压结果与其头部信息不符）。",
        )
    return data


def read_package(
    session: Session,
    path: str | os.PathLike[str],
    *,
    key_dir: Path | None = None,
    passphrase: str | None = None,
) -> Package:
    """Open and verify a package with this side's key (in ``key_dir``, unlocked with
    ``passphrase``); PackageRefused says exactly what is wrong."""
    p = Path(path)
    if not p.is_file():
        raise ExchangeError(f"No file {p}.", f"文件 {p} 不存在。")
    key, _info = own_key(key_dir, passphrase)
    return open_package(session, p.read_bytes(), p, key)


def open_package(session: Session, sealed: bytes, path: Path, private_key: Any) -> Package:
    """Decrypt the bytes of a package with ``private_key`` and verify what is inside
    (``read_package`` without the file)."""
    raw = unseal(sealed, private_key, _known_keys(session))
    return parse_package(session, raw, path, recipient=fingerprint(raw_public_of(private_key)))


def _known_keys(session: Session) -> list[tuple[str, bytes]]:
    """(name, raw public key) of every registered key: to say whom a package is for."""
    keys = session.execute(select(ExchangeKey)).scalars()
    return [(k.name, bytes.fromhex(k.public_key)) for k in keys]


def inspect_package(
    session: Session,
    path: str | os.PathLike[str],
    *,
    key_dir: Path | None = None,
    passphrase: str | None = None,
) -> Package:
    """Open and verify a package to read it, not to import it: one from the counterpart,
    or one this side wrote (this side's key is among the recipients of every package it
    writes), so that what was sent can be checked afterwards."""
    p = Path(path)
    if not p.is_file():
        raise ExchangeError(f"No file {p}.", f"文件 {p} 不存在。")
    key, _info = own_key(key_dir, passphrase)
    raw = unseal(p.read_bytes(), key, _known_keys(session))
    own = raw_public_of(key)
    return parse_package(session, raw, p, recipient=fingerprint(own), own_public=own)


def parse_package(
    session: Session, raw: bytes, path: Path, *, recipient: str, own_public: bytes | None = None
) -> Package:
    """Verify the signed zip inside a package, decrypted by the key of fingerprint
    ``recipient``, which its signed manifest must name among the recipients. With
    ``own_public`` (this side's raw public key), a package this side signed is accepted
    too (``inspect_package``); otherwise only one signed by a registered key."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    p = path
    try:
        members = _check_container(raw)
    except struct.error:
        raise refuse(
            "the file is not a zip archive (damaged, or not an exchange package).",
            "该文件不是 zip 压缩包（已损坏或不是交换包）。",
        ) from None
    names = list(members)
    if MANIFEST not in names or SIGNATURE not in names:
        raise refuse("the manifest or the signature is missing.", "缺少清单文件或签名文件。")
    manifest_bytes = _read_member(raw, members, MANIFEST, MAX_MANIFEST)
    signature = _read_member(raw, members, SIGNATURE, 1024)
    try:
        manifest = json.loads(manifest_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise refuse("the manifest is not valid JSON.", "清单不是有效的 JSON。") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise refuse("this is not an exchange package.", "这不是交换包。")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise refuse(
            f"it was made in format version {version}, newer than this application "
            f"reads ({FORMAT_VERSION}); update the application.",
            f"其格式版本为 {version}，高于本程序可读取的版本（{FORMAT_VERSION}）；请更新程序。",
        )
    if version < FORMAT_VERSION:
        # version 1 carried no agencies and no attendees: its records cannot be merged
        # with ours, which have them
        raise refuse(
            f"it was made in format version {version} by an older version of this "
            f"application (this one reads {FORMAT_VERSION}); ask the sender to update and "
            "send a new package.",
            f"其格式版本为 {version}，由旧版程序生成（本程序读取版本 {FORMAT_VERSION}）；"
            "请对方更新程序后重新发送交换包。",
        )
    sender = manifest.get("sender") or {}
    fp = str(sender.get("key_fingerprint") or "") if isinstance(sender, dict) else ""
    key = session.execute(
        select(ExchangeKey).where(ExchangeKey.fingerprint == fp, ExchangeKey.active.is_(True))
    ).scalar_one_or_none()
    own = own_public is not None and fp == recipient == fingerprint(own_public)
    if key is None and fp == recipient and not own:
        raise refuse(
            "it was written by this side (it is signed with this side's own key): a side "
            "imports the counterpart's packages, not its own.",
            "该交换包由本方生成（使用本方密钥签名）：只能导入对方的交换包，不能导入本方自己的。",
        )
    if own and own_public is not None:
        signer, signer_raw = str(sender.get("name") or ""), own_public
    elif key is None:
        raise refuse(
            f"it is signed with a key not registered here (fingerprint "
            f"{short_fingerprint(fp) or 'missing'}). Register the counterpart's public key "
            "first, after checking its fingerprint with them.",
            f"其签名密钥未在本地登记（指纹 {short_fingerprint(fp) or '缺失'}）。"
            "请先与对方核对指纹后登记其公钥。",
        )
    else:
        signer, signer_raw = key.name, bytes.fromhex(key.public_key)
    try:
        Ed25519PublicKey.from_public_bytes(signer_raw).verify(signature, manifest_bytes)
    except InvalidSignature:
        raise refuse(
            f"the signature does not match the manifest: the package was altered after "
            f"signing, or not signed by {signer}.",
            f"签名与清单不符：交换包在签名后被改动，或并非由“{signer}”签名。",
        ) from None
    recipients = _recipients(manifest)
    if recipient not in {fp for _n, fp in recipients}:
        raise refuse(
            f"{signer} did not write it for this side: the signed manifest does not name "
            f"this side's key ({short_fingerprint(recipient)}) among its recipients, so it "
            "was passed on by someone else.",
            f"“{signer}”并非为本方生成该交换包：已签名清单的接收方中没有本方密钥"
            f"（{short_fingerprint(recipient)}），因此它是由他人转交的。",
        )
    listed = manifest.get("members")
    if not isinstance(listed, dict):
        raise refuse("the manifest lists no members.", "清单未列出成员。")
    unexpected = sorted(set(names) - set(listed) - {MANIFEST, SIGNATURE})
    if unexpected:
        raise refuse(
            f"it holds a file the signed manifest does not list ({unexpected[0]}).",
            f"其中含有已签名清单未列出的文件（{unexpected[0]}）。",
        )
    records: list[Incoming] = []
    counts = manifest.get("record_counts") or {}
    for name, meta in listed.items():
        if name not in names:
            raise refuse(f"member {name} is missing.", f"缺少成员 {name}。")
        data = _read_member(raw, members, name, MAX_MEMBER)
        if not isinstance(meta, dict) or hashlib.sha256(data).hexdigest() != meta.get("sha256"):
            raise refuse(
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
        p,
        manifest,
        hashlib.sha256(manifest_bytes).hexdigest(),
        signer,
        fp,
        created,
        records,
        recipients,
    )


def _recipients(manifest: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    listed = manifest.get("recipients")
    if not isinstance(listed, list) or not all(isinstance(r, dict) for r in listed):
        raise refuse("the manifest names no recipients.", "清单未列出接收方。")
    return tuple((str(r.get("name") or ""), str(r.get("key_fingerprint") or "")) for r in listed)


def _check_part(record: str, part: str, columns: set[str], rows: Any) -> None:
    """A record's parts (a meeting's attendees): rows with exactly the shared columns."""
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise refuse(
            f"record {record} has malformed {part}.",
            f"记录 {record} 的{CHILDREN[part].heading_zh}格式错误。",
        )
    for row in rows:
        extra = sorted(set(row) - columns)
        if extra:
            raise refuse(
                f"record {record} carries the field '{part}.{extra[0][:40]}', which is not shared.",
                f"记录 {record} 含有不共享的字段“{part}.{extra[0][:40]}”。",
            )
        missing = sorted(columns - set(row))
        if missing:
            raise refuse(
                f"record {record} lacks the field '{part}.{missing[0]}'.",
                f"记录 {record} 缺少字段“{part}.{missing[0]}”。",
            )


def _parse_member(name: str, data: bytes, counts: Mapping[str, Any]) -> list[Incoming]:
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise refuse(
            f"member {name} is not valid JSON.", f"成员 {name} 不是有效的 JSON。"
        ) from None
    type_key = doc.get("type") if isinstance(doc, dict) else None
    if type_key not in EXCHANGE_TYPES or name != f"records/{type_key}.json":
        raise refuse(
            f"member {name} holds a record type that is not exchanged.",
            f"成员 {name} 含有不在交换范围内的记录类型。",
        )
    records = doc.get("records")
    if not isinstance(records, dict):
        raise refuse(f"member {name} has no records.", f"成员 {name} 没有记录。")
    if counts.get(type_key) != len(records):
        raise refuse(
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
            raise refuse(
                f"'{key!s:.40}' is not a UUID.", f"“{key!s:.40}”不是有效的 UUID。"
            ) from None
        if not isinstance(rec, dict) or not isinstance(rec.get("fields"), dict):
            raise refuse(f"record {uid} is malformed.", f"记录 {uid} 格式错误。")
        ref = str(rec.get("reference") or "")[:32]
        if rec.get("releasability") != releasability.RELEASABLE:
            raise refuse(
                f"record {ref or uid} ({vocabulary.word('record_type', type_key).lower()}) is not "
                "marked releasable to the counterpart; a package may hold only releasable "
                "records.",
                f"记录 {ref or uid}（{vocabulary.word('record_type', type_key, 'zh')}）未标记为可向对方"
                "提供；交换包只能包含可提供的记录。",
            )
        content = rec["fields"]
        extra = sorted(set(content) - allowed)
        if extra:
            raise refuse(
                f"record {ref or uid} carries the field '{extra[0][:40]}', which is not shared.",
                f"记录 {ref or uid} 含有不共享的字段“{extra[0][:40]}”。",
            )
        missing = sorted(allowed - set(content))
        if missing:
            raise refuse(
                f"record {ref or uid} lacks the field '{missing[0]}'.",
                f"记录 {ref or uid} 缺少字段“{missing[0]}”。",
            )
        for part, columns in PARTS.get(type_key, {}).items():
            _check_part(ref or uid, part, set(columns), content[part])
        h = content_hash(content)
        if rec.get("hash") != h:
            raise refuse(
                f"record {ref or uid} does not match its own hash.",
                f"记录 {ref or uid} 与其哈希值不符。",
            )
        history = rec.get("history") or []
        if not isinstance(history, list) or not all(isinstance(x, str) for x in history):
            raise refuse(
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
