"""The audit trail: append-only, hash-chained events, with signed checkpoints.

Each event's hash covers its own content and the previous event's hash, so editing or
deleting any row breaks the chain at that row; ``verify`` finds the first broken link. The
newest events deleted, or a chain recomputed after a rewrite, no longer match the signed
checkpoints (``audit.checkpoints``), which ``verify`` checks too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from workinggroup_app.audit import checkpoints
from workinggroup_app.audit.checkpoints import Checkpoint
from workinggroup_app.domain.models import AuditEvent, utcnow

GENESIS = "0" * 64


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def dumps_changes(changes: dict[str, Any]) -> str:
    return json.dumps(
        {k: _jsonable(v) for k, v in changes.items()}, ensure_ascii=False, sort_keys=True
    )


def event_hash(event: AuditEvent) -> str:
    at = event.at.replace(microsecond=event.at.microsecond).isoformat() if event.at else ""
    payload = json.dumps(
        [
            event.id,
            at,
            event.actor,
            event.action,
            event.record_type,
            event.record_id,
            event.reference,
            event.changes,
            event.outcome,
            event.prev_hash,
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


CHAIN_LOCK = 424242  # the PostgreSQL advisory lock that serialises appends

# Appends hold the chain lock from the moment they take it until their transaction ends,
# and every writer waits for it: the caller's own writes are flushed before it is taken,
# and on PostgreSQL with psycopg the lock and everything that must follow it reach the
# server in one round trip, so it is held for that round trip and the COMMIT only. The
# statements are sent together as one multi-statement query: under READ COMMITTED each
# statement takes its own snapshot, so the read of the last event runs after the lock is
# granted and sees the event the previous holder committed, and ids come from the
# sequence under the lock, so they follow the chain order.

_PG_TAIL = """SELECT pg_advisory_xact_lock({lock});
SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1;
SELECT nextval(pg_get_serial_sequence('audit_event', 'id')) FROM generate_series(1, {n})"""

# One event, hashed by the server: the payload ``event_hash`` hashes is the JSON list
# [id, at, actor, action, record_type, record_id, reference, changes, outcome, prev_hash];
# all but the id and prev_hash are known before the lock, so Python writes that middle part
# and the server only joins '[' id ', ' middle ', "' prev_hash '"]'. Python checks the
# hash the server returns before the transaction may commit.
_PG_APPEND = """SELECT pg_advisory_xact_lock({lock});
INSERT INTO audit_event (id, at, actor, action, record_type, record_id, reference, changes,
                         outcome, prev_hash, hash)
SELECT t.id, %(at)s, %(actor)s, %(action)s, %(record_type)s, %(record_id)s, %(reference)s,
       %(changes)s, %(outcome)s, t.prev,
       encode(sha256(convert_to('[' || t.id || ', ' || %(middle)s || ', "' || t.prev || '"]',
                                'UTF8')), 'hex')
FROM (SELECT nextval(pg_get_serial_sequence('audit_event', 'id')) AS id,
             coalesce((SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1), %(genesis)s)
             AS prev) AS t
RETURNING id, prev_hash, hash"""


def _dialect(session: Session) -> tuple[str, str]:
    dialect = session.get_bind().dialect
    return dialect.name, dialect.driver


def _chain_tail(session: Session, n: int) -> tuple[str, list[int]]:
    """Take the chain lock; return the last event's hash and ``n`` ids for new events."""
    session.flush()  # the caller's writes first: not under the lock
    name, driver = _dialect(session)
    if name != "postgresql":
        # SQLite: every write transaction already holds the database lock (BEGIN
        # IMMEDIATE), and ids are rowids.
        last = session.execute(
            select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
        ).first()
        first = (last.id if last else 0) + 1
        return (last.hash if last else GENESIS), list(range(first, first + n))
    if driver == "psycopg":
        cursor = session.connection().connection.cursor()
        try:  # no parameters: psycopg sends the three statements in one message
            cursor.execute(_PG_TAIL.format(lock=CHAIN_LOCK, n=int(n)))
            cursor.nextset()
            last = cursor.fetchone()
            cursor.nextset()
            ids = sorted(int(row[0]) for row in cursor.fetchall())
        finally:
            cursor.close()
        return (last[1] if last else GENESIS), ids
    # another driver: the same statements one at a time
    session.execute(text(f"SELECT pg_advisory_xact_lock({CHAIN_LOCK})"))
    last = session.execute(
        select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    ids = sorted(
        int(i)
        for i in session.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence('audit_event', 'id')) "
                "FROM generate_series(1, :n)"
            ),
            {"n": n},
        ).scalars()
    )
    return (last.hash if last else GENESIS), ids


def _append_pg(session: Session, row: dict[str, Any]) -> AuditEvent:
    """One event on PostgreSQL with psycopg: lock, hash and INSERT in one round trip."""
    import psycopg

    session.flush()  # the caller's writes first: not under the lock
    middle = json.dumps(
        [
            row["at"].isoformat(),
            row["actor"],
            row["action"],
            row["record_type"],
            row["record_id"],
            row["reference"],
            row["changes"],
            row["outcome"],
        ],
        ensure_ascii=False,
    )[1:-1]
    at_type = AuditEvent.__table__.c.at.type
    params = {
        **row,
        "at": at_type.process_bind_param(row["at"], session.get_bind().dialect),
        "middle": middle,
        "genesis": GENESIS,
    }
    driver_conn = session.connection().connection.driver_connection
    # client-side binding: psycopg sends both statements, with their values, in one message
    cursor = psycopg.ClientCursor(driver_conn)
    try:
        cursor.execute(_PG_APPEND.format(lock=CHAIN_LOCK), params)
        cursor.nextset()
        event_id, prev_hash, hashed = cursor.fetchone()
    finally:
        cursor.close()
    event = AuditEvent(id=int(event_id), prev_hash=prev_hash, hash=hashed, **row)
    if event_hash(event) != hashed:  # never expected: refuse to commit an unverifiable link
        raise RuntimeError(f"audit event {event_id}: the server's hash is not event_hash")
    return event


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    record_type: str = "",
    record_id: int | None = None,
    reference: str = "",
    changes: dict[str, Any] | None = None,
    outcome: str = "ok",
) -> AuditEvent:
    """Add one event inside the caller's transaction: it commits or rolls back with it.

    Make it the last write of the transaction: on PostgreSQL it takes the chain lock,
    which every other writer then waits for until this transaction ends.
    """
    row: dict[str, Any] = {
        "at": utcnow().replace(microsecond=0),
        "actor": actor,
        "action": action,
        "record_type": record_type,
        "record_id": record_id,
        "reference": reference,
        "changes": dumps_changes(changes or {}),
        "outcome": outcome,
    }
    if _dialect(session) == ("postgresql", "psycopg"):
        event = _append_pg(session, row)
        _interval_checkpoint(session, event.id, event.id, event.hash, actor, action)
        return event
    prev_hash, (event_id,) = _chain_tail(session, 1)
    event = AuditEvent(id=event_id, prev_hash=prev_hash, **row)
    # The id is known before the INSERT, so the hash goes in with the row: audit_event
    # needs INSERT and SELECT only (PostgreSQL user roles have no UPDATE on it).
    event.hash = event_hash(event)
    session.execute(
        insert(AuditEvent.__table__).values(
            id=event_id, prev_hash=prev_hash, hash=event.hash, **row
        )
    )
    _interval_checkpoint(session, event_id, event_id, event.hash, actor, action)
    return event


def _interval_checkpoint(
    session: Session, first_id: int, last_id: int, head_hash: str, actor: str, action: str = ""
) -> None:
    """Sign the chain when these events reach a multiple of ``checkpoints.INTERVAL``, and
    after every export (files leave the office: the trail is signed as they left it)."""
    if action in checkpoints.AFTER_ACTIONS:
        checkpoints.make(session, last_id, head_hash, reason=action, actor=actor)
    elif checkpoints.crossed(first_id, last_id):
        checkpoints.make(session, last_id, head_hash, reason="interval", actor=actor)


def lock_head(session: Session) -> tuple[int, str] | None:
    """Take the chain lock; the last event's id and hash (None on an empty trail)."""
    session.flush()
    if _dialect(session)[0] == "postgresql":
        session.execute(text(f"SELECT pg_advisory_xact_lock({CHAIN_LOCK})"))
    last = session.execute(
        select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    return None if last is None else (int(last.id), str(last.hash))


def checkpoint(db: Any, reason: str, actor: str = "") -> Checkpoint | None:
    """A signed checkpoint of the chain's head now, in a transaction of its own: before an
    export, a packet or a package (which carry it) and at quit. The latest one again when
    no event came since; None on an empty trail. ``db`` is a ``storage.database.Database``.
    """
    with db.sessions.begin() as session:
        head = lock_head(session)
        if head is None:
            return None
        last = checkpoints.latest(session)
        if last is not None and last.head_id == head[0] and last.head_hash == head[1]:
            return last
        return checkpoints.make(session, head[0], head[1], reason=reason, actor=actor)


def record(db: Any, **event: Any) -> None:
    """One event in a transaction of its own, for actions that change no record (exports).

    ``event`` holds the keyword arguments of ``append`` except ``session``; ``db`` is a
    ``workinggroup_app.storage.database.Database``.
    """
    with db.sessions.begin() as session:
        append(session, **event)


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str = ""
    reason_zh: str = ""
    checkpoint: Checkpoint | None = None  # the latest signed checkpoint the chain matches
    since: int = 0  # events after it
    checkpoints: int = 0  # how many checkpoints were checked
    foreign_keys: set[str] = field(default_factory=set)  # fingerprints not of this installation


def _broken(checked: int, event_id: int | None, en: str, zh: str) -> VerifyResult:
    return VerifyResult(False, checked, event_id, en, zh)


def verify(session: Session, batch: int = 5000, against: str | None = None) -> VerifyResult:
    """Walk the chain from the first event: every link, every event's hash, and every
    signed checkpoint (its signature, and the events it covers: their count and the head's
    hash). ``against`` is a checkpoint's token copied from a PDF footer or a package
    (``AC-12/3456/1a2b…``): the chain must still hold that head, even if the checkpoint row
    itself was deleted."""
    marks = checkpoints.all_checkpoints(session)
    for cp in marks:
        if not checkpoints.signature_ok(cp):
            return _broken(
                0,
                cp.head_id,
                f"checkpoint {cp.token} does not carry a valid signature",
                f"检查点 {cp.token} 的签名无效",
            )
    by_head: dict[int, list[Checkpoint]] = {}
    for cp in marks:
        by_head.setdefault(cp.head_id, []).append(cp)
    outside = checkpoints.parse_token(against) if against else None
    if against and outside is None:
        raise ValueError(f"not a checkpoint token: {against[:60]!r}")
    own = checkpoints.own_public_key(create=False) if marks else ""
    prev = GENESIS
    checked = 0
    last_id = 0
    matched: Checkpoint | None = None
    since = 0
    outside_seen = False
    while True:
        events = (
            session.execute(
                select(AuditEvent)
                .where(AuditEvent.id > last_id)
                .order_by(AuditEvent.id)
                .limit(batch)
            )
            .scalars()
            .all()
        )
        if not events:
            break
        for ev in events:
            if ev.prev_hash != prev:
                return _broken(
                    checked,
                    ev.id,
                    "its link to the previous event is broken",
                    "与前一事件的链接已断开",
                )
            if event_hash(ev) != ev.hash:
                return _broken(checked, ev.id, "its content was changed", "其内容已被修改")
            prev = ev.hash
            checked += 1
            since += 1
            last_id = ev.id
            for cp in by_head.get(ev.id, ()):
                if cp.event_count != checked:
                    return _broken(
                        checked,
                        ev.id,
                        f"signed checkpoint {cp.token} covers {cp.event_count:,} events up "
                        f"to this one, the trail now holds {checked:,}",
                        f"已签名的检查点 {cp.token} 覆盖截至此事件的 {cp.event_count:,} 个"
                        f"事件，审计记录现为 {checked:,} 个",
                    )
                if cp.head_hash != ev.hash:
                    return _broken(
                        checked,
                        ev.id,
                        f"this is not the event signed checkpoint {cp.token} covers: the "
                        "chain was rewritten and its hashes recomputed",
                        f"此事件与已签名的检查点 {cp.token} 不符：审计链已被改写并重新计算",
                    )
                matched, since = cp, 0
            if outside is not None and outside[1] == checked:
                if not ev.hash.startswith(outside[2]):
                    return _broken(
                        checked,
                        ev.id,
                        f"the checkpoint copy {against} does not match event {checked:,}",
                        f"检查点副本 {against} 与第 {checked:,} 个事件不符",
                    )
                outside_seen = True
        session.expunge_all()
    beyond = [cp for cp in marks if cp.head_id > last_id]
    if beyond:
        cp = max(beyond, key=lambda c: c.head_id)
        missing = cp.event_count - checked
        return _broken(
            checked,
            last_id + 1,
            f"events are missing: signed checkpoint {cp.token} ({cp.at:%Y-%m-%d %H:%M} UTC) "
            f"covers {cp.event_count:,} events, the trail ends after {checked:,}"
            + (f" ({missing:,} gone)" if missing > 0 else ""),
            f"事件缺失：已签名的检查点 {cp.token}（{cp.at:%Y-%m-%d %H:%M} UTC）覆盖 "
            f"{cp.event_count:,} 个事件，审计记录在第 {checked:,} 个之后即结束",
        )
    if outside is not None and not outside_seen:
        return _broken(
            checked,
            None,
            f"the checkpoint copy {against} covers {outside[1]:,} events, the trail holds "
            f"{checked:,}",
            f"检查点副本 {against} 覆盖 {outside[1]:,} 个事件，审计记录仅有 {checked:,} 个",
        )
    result = VerifyResult(True, checked, checkpoint=matched, since=since, checkpoints=len(marks))
    result.foreign_keys = {cp.fingerprint for cp in marks if cp.public_key != own}
    return result


def _iso(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _dumps_fast(changes: dict[str, Any]) -> str:
    """The same text as ``dumps_changes`` (dates as ISO strings, tuples as lists), made by
    the json module's C encoder instead of a Python walk: bulk writes make thousands."""
    return json.dumps(changes, ensure_ascii=False, sort_keys=True, default=_iso)


def append_many(session: Session, events: list[dict[str, Any]]) -> list[int]:
    """Add many events at once inside the caller's transaction (bulk import, exchange).

    Each item holds the keyword arguments of ``append`` except ``session``; a caller
    writing a million alike events may give ``changes_text``, the changes already as the
    JSON ``dumps_changes`` makes (sorted keys). The chain is
    computed in memory from one read of the last event, and the rows are inserted with
    their hashes in one executemany; the result is the same chain ``append`` would build
    one event at a time. Returns the new event ids, in the order given.
    """

    if not events:
        return []
    n = len(events)
    prev, ids = _chain_tail(session, n)
    at = utcnow().replace(microsecond=0)
    at_text = at.isoformat()
    # the payload ``event_hash`` hashes, encoded here without building an event per row
    encode = json.JSONEncoder(ensure_ascii=False).encode
    sha256 = hashlib.sha256
    rows: list[tuple[Any, ...]] = []
    for event_id, ev in zip(ids, events, strict=True):
        actor = ev.get("actor", "")
        action = ev["action"]
        record_type = ev.get("record_type", "")
        record_id = ev.get("record_id")
        reference = ev.get("reference", "")
        changes = ev.get("changes_text") or _dumps_fast(ev.get("changes") or {})
        outcome = ev.get("outcome", "ok")
        content = [actor, action, record_type, record_id, reference, changes, outcome, prev]
        hashed = sha256(encode([event_id, at_text, *content]).encode("utf-8")).hexdigest()
        rows.append((event_id, at, *content, hashed))
        prev = hashed
    _insert_rows(session, rows)
    _interval_checkpoint(session, ids[0], ids[-1], prev, rows[-1][2])
    return ids


_COLUMNS = (
    "id",
    "at",
    "actor",
    "action",
    "record_type",
    "record_id",
    "reference",
    "changes",
    "outcome",
    "prev_hash",
    "hash",
)


def _insert_rows(session: Session, rows: list[tuple[Any, ...]]) -> None:
    """Rows in ``_COLUMNS`` order through the driver's bulk path: COPY on PostgreSQL with
    psycopg, ``executemany`` on SQLite (the time converted once, as the column type
    stores it), SQLAlchemy's executemany otherwise."""
    dialect = session.get_bind().dialect
    raw = session.connection().connection.driver_connection
    at_type = AuditEvent.__table__.c.at.type
    if (dialect.name, dialect.driver) == ("postgresql", "psycopg"):
        at = at_type.process_bind_param(rows[0][1], dialect)  # naive UTC, as stored
        with (
            raw.cursor() as cur,
            cur.copy(f"COPY audit_event ({', '.join(_COLUMNS)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row((row[0], at, *row[2:]))
        return
    if dialect.name == "sqlite":
        stored = at_type.dialect_impl(dialect).bind_processor(dialect)
        at = stored(rows[0][1]) if stored else rows[0][1]
        sql = f"INSERT INTO audit_event ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * 11)})"
        cur = raw.cursor()
        try:
            for start in range(0, len(rows), 5000):
                cur.executemany(sql, [(r[0], at, *r[2:]) for r in rows[start : start + 5000]])
        finally:
            cur.close()
        return
    for start in range(0, len(rows), 5000):
        session.execute(
            insert(AuditEvent.__table__),
            [dict(zip(_COLUMNS, r, strict=True)) for r in rows[start : start + 5000]],
        )
