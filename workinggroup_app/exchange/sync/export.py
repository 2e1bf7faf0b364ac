"""Writing a package: the records the counterpart may see, since a date, with the agencies,
entities, substances and contacts they link to, signed, then encrypted to the counterpart
key(s) chosen and to this side's own key (``envelope``)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import uuid as uuidlib
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from workinggroup_app.audit import trail
from workinggroup_app.domain import releasability
from workinggroup_app.domain.fields import RecordType, record_type
from workinggroup_app.domain.models import ExchangePackage, ExchangeState, utcnow
from workinggroup_app.domain.permissions import SYSTEM, Actor, require
from workinggroup_app.exchange.sync.container import MANIFEST, SIGNATURE, member_info
from workinggroup_app.exchange.sync.content import (
    HISTORY_KEPT,
    Linker,
    content_hash,
    history_of,
    iso_text,
    links_of,
    push_history,
    references,
    scalar_columns,
)
from workinggroup_app.exchange.sync.envelope import seal
from workinggroup_app.exchange.sync.keys import choose_recipients, own_key, raw_public_of
from workinggroup_app.exchange.sync.protocol import (
    CARRIED,
    EXCHANGE_TYPES,
    FORMAT,
    FORMAT_VERSION,
    SHARED,
    Progress,
)
from workinggroup_app.storage.database import Database
from workinggroup_app.storage.files import written_whole


@dataclass
class ExportResult:
    path: Path
    counts: dict[str, int]
    manifest_sha256: str
    fingerprint: str
    # (name, fingerprint) of each key the package is encrypted to: the counterpart's, ours
    recipients: tuple[tuple[str, str], ...] = ()

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
    to: str | Sequence[str] | None = None,
    passphrase: str | None = None,
) -> ExportResult:
    """Write a signed package of the releasable records changed since ``since``, with the
    releasable agencies, entities, substances and contacts they link to, changed or not,
    encrypted to the registered counterpart key(s) ``to`` (names or fingerprints; the only
    one registered by default) and to this side's key, unlocked with ``passphrase``."""
    require(actor, "exchange")
    with db.session() as session:
        chosen_keys = [
            (k.name, k.fingerprint, bytes.fromhex(k.public_key))
            for k in choose_recipients(session, to)
        ]
    key, info = own_key(key_dir, passphrase)
    recipients = [(n, fp) for n, fp, _raw in chosen_keys if fp != info.fingerprint]
    recipients.append((info.name, info.fingerprint))
    # ours too: this side can open the package it wrote again (inspect_package)
    recipient_keys = [raw for _n, _fp, raw in chosen_keys] + [raw_public_of(key)]
    since_at = _since_instant(since)
    target = Path(path)
    now = utcnow().replace(microsecond=0)
    # the audit trail signed as the package leaves: a copy of its head travels with it
    signed = trail.checkpoint(db, "exchange", actor.username)
    with written_whole(target) as tmp:
        session = db.sessions()
        with session.begin():
            linker = Linker(session)
            states = {s.record_uuid: s for s in session.execute(select(ExchangeState)).scalars()}
            members: dict[str, bytes] = {}
            counts: dict[str, int] = {}
            exported: list[tuple[str, str, str, int]] = []  # type, uuid, hash, version
            # Linking records before the records they link to, so that every agency,
            # entity, substance and contact a record names travels with it.
            carried: dict[str, set[int]] = {t: set() for t in CARRIED}
            chosen: dict[str, dict[str, Any]] = {}
            for n, type_key in enumerate(reversed(EXCHANGE_TYPES)):
                rt = record_type(type_key)
                chosen[type_key] = _export_type(
                    session, linker, rt, since_at, states, exported, carried
                )
                if progress is not None:
                    progress(n + 1, len(EXCHANGE_TYPES) + 1)
            for type_key in EXCHANGE_TYPES:
                records = chosen[type_key]
                counts[type_key] = len(records)
                body = json.dumps(
                    {"type": type_key, "records": records},
                    ensure_ascii=False,
                    sort_keys=True,
                    separators=(",", ":"),
                ).encode("utf-8")
                members[f"records/{type_key}.json"] = body
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "package_id": str(uuidlib.uuid4()),
                "sender": {"name": info.name, "key_fingerprint": info.fingerprint},
                "recipients": [{"name": n, "key_fingerprint": fp} for n, fp in recipients],
                "created_at": now.isoformat(),
                "since": since_at.isoformat() if since_at else None,
                "record_counts": counts,
                "shared_fields": {k: list(v) for k, v in SHARED.items()},
                "audit_checkpoint": None
                if signed is None
                else {
                    "token": signed.token,
                    "at": signed.at.isoformat(),
                    "key_fingerprint": signed.fingerprint,
                },
                "members": {
                    name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
                    for name, data in members.items()
                },
            }
            manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            signature = key.sign(manifest_bytes)
            inner = io.BytesIO()
            with zipfile.ZipFile(inner, "w") as zf:
                for name, data in ((MANIFEST, manifest_bytes), (SIGNATURE, signature)):
                    zf.writestr(member_info(name), data, compresslevel=6)
                for name, data in members.items():
                    zf.writestr(member_info(name), data, compresslevel=6)
            tmp.write_bytes(seal(inner.getvalue(), recipient_keys))
            del inner
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
                    "encrypted_to": [fp for _n, fp in recipients],
                },
            )
        session.close()
    if progress is not None:
        progress(len(EXCHANGE_TYPES) + 1, len(EXCHANGE_TYPES) + 1)
    return ExportResult(target, counts, manifest_sha, info.fingerprint, tuple(recipients))


def _export_type(
    session: Session,
    linker: Linker,
    rt: RecordType,
    since_at: datetime | None,
    states: Mapping[str, ExchangeState],
    exported: list[tuple[str, str, str, int]],
    carried: dict[str, set[int]],
) -> dict[str, Any]:
    """The records of one type that go out: changed since ``since_at`` (or waiting to go
    back), and those that records already chosen link to (``carried``); the records these
    link to are added to ``carried`` in turn."""
    m = rt.model
    cols = scalar_columns(rt)
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
    rows: list[Any] = []
    if since_at is not None:
        pending = select(ExchangeState.record_uuid).where(
            ExchangeState.pending_export.is_(True), ExchangeState.record_type == rt.key
        )
        rows = list(session.execute(q.where(or_(m.updated_at >= since_at, m.uuid.in_(pending)))))
        have = {r[0] for r in rows}
        linked = sorted(carried.get(rt.key, set()) - have)
        for start in range(0, len(linked), 500):
            rows.extend(session.execute(q.where(m.id.in_(linked[start : start + 500]))))
        rows.sort(key=lambda r: r[0])
    else:
        rows = list(session.execute(q.order_by(m.id)))
    links = links_of(session, rt, None) if rows else {}
    out: dict[str, Any] = {}
    for row in rows:
        rid, uuid, reference, version, updated_at, marking = row[:6]
        if not releasability.marked_releasable(marking):  # the filter, checked twice
            continue
        values = dict(zip(cols + extra, row[6:], strict=True))
        own_links = {n: per.get(rid, []) for n, per in links.items()}
        content = linker.content(rt, values, own_links)
        for target, target_id in references(rt, values, own_links):
            if target in carried:
                carried[target].add(target_id)
        h = content_hash(content)
        history = history_of(states.get(uuid))
        history = [x for x in history if x != h] + [h]
        record = {
            "reference": reference,
            "releasability": releasability.RELEASABLE,
            "version": version,
            "updated_at": iso_text(updated_at),
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
                    "history": push_history(history_of(state), h),
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
