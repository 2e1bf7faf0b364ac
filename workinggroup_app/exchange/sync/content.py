"""A record as it travels: its shared fields, links by UUID (agencies by abbreviation), its
parts (a meeting's attendees), the hash of that content, and the history of hashes each
side has agreed on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import Session

from workinggroup_app.domain import models, releasability
from workinggroup_app.domain.children import CHILDREN
from workinggroup_app.domain.fields import LINK, LINKS, READONLY, RecordType, record_type
from workinggroup_app.domain.models import ExchangeState
from workinggroup_app.exchange.sync.protocol import PARTS, SHARED, is_part

HISTORY_KEPT = 32


def content_label(type_key: str, name: str, lang: str = "en") -> str:
    """What a person calls one name of a record's shared content: a field's label, or the
    heading of a meeting's parts ("Attendees"); the name itself when it is neither."""
    rt = record_type(type_key)
    zh = lang.startswith("zh")
    if rt.has(name):
        return rt.field(name).label(lang)
    if name in CHILDREN:
        return CHILDREN[name].heading_zh if zh else CHILDREN[name].heading_en
    return name


def iso_text(value: Any) -> Any:
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


class Linker:
    """Maps between local ids and what travels: UUIDs of visible records, abbreviations of
    visible agencies. Loaded lazily, once per record type, within one session."""

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
        """``uuid`` names the local record ``record_id`` from now on (a record this import
        created, or the counterpart's UUID of a record matched here by its natural key)."""
        self.local_id(type_key, uuid)
        self._by_uuid[type_key][uuid] = record_id

    def forget(self, type_key: str) -> None:
        """Read again which records of ``type_key`` are visible (after creating some)."""
        self._visible.pop(type_key, None)
        if type_key == "agency":
            self._abbr = self._abbr_ids = None

    def abbreviation(self, agency_id: int | None) -> str | None:
        """What a link to an agency carries: its abbreviation, if the agency is visible to
        the counterpart (as any link: a US-only agency is not named)."""
        if agency_id is None or agency_id not in self.visible("agency"):
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
        self._agencies = list(self.session.execute(select(a).order_by(a.id)).scalars())
        rows = [(x.id, x.abbreviation) for x in self._agencies]
        self._abbr = dict(rows)
        self._abbr_ids = {}
        for rid, abbr in rows:
            self._abbr_ids.setdefault(abbr, rid)
            self._abbr_ids.setdefault(abbr.casefold(), rid)

    def link(self, target: str, record_id: int | None) -> str | None:
        """What a link to one record carries (None for a record the counterpart cannot see)."""
        if record_id is None:
            return None
        if target == "agency":
            return self.abbreviation(record_id)
        return self.visible(target).get(record_id)

    def content(
        self, rt: RecordType, values: Mapping[str, Any], links: Mapping[str, Iterable[Any]]
    ) -> dict[str, Any]:
        """The shared content of one record from its column values, LINKS ids and parts
        (rows of column values, as ``links_of`` gives them)."""
        out: dict[str, Any] = {}
        for name in SHARED[rt.key]:
            if is_part(rt.key, name):
                out[name] = [self.part_row(rt.key, name, row) for row in links.get(name, ())]
                continue
            f = rt.field(name)
            if f.kind == LINKS:
                visible = self.visible(f.target or "")
                out[name] = sorted(visible[i] for i in links.get(name, ()) if i in visible)
            elif f.kind == LINK or (f.kind == READONLY and f.target):
                out[name] = self.link(f.target or "", values.get(name))
            else:
                out[name] = iso_text(values.get(name))
        return out

    def part_row(self, type_key: str, part: str, row: Mapping[str, Any]) -> dict[str, Any]:
        """One part (an attendee) as it travels: its links as a record's links."""
        spec = CHILDREN[part]
        out: dict[str, Any] = {}
        for col in PARTS[type_key][part]:
            kind, detail = spec.kind(col)
            value = row.get(col)
            if kind == "link":
                out[col] = self.link(detail, value)
            elif kind == "bool":
                out[col] = bool(value)
            elif kind == "choice":
                out[col] = value or None
            else:
                out[col] = value or ""
        return out


def scalar_columns(rt: RecordType) -> list[str]:
    return [n for n in SHARED[rt.key] if not is_part(rt.key, n) and rt.field(n).kind != LINKS]


def _part_rows(
    session: Session, rt: RecordType, name: str, ids: list[int] | None
) -> dict[int, list[dict[str, Any]]]:
    """A part's rows per record, in the record's order, as column values."""
    rel = sa_inspect(rt.model).relationships[name]
    model = rel.mapper.class_
    ((_own, owner_col),) = rel.local_remote_pairs
    cols = [owner_col, *(model.__table__.c[c] for c in PARTS[rt.key][name])]
    q = select(*cols).order_by(owner_col, model.__table__.c.position, model.__table__.c.id)
    per: dict[int, list[dict[str, Any]]] = {}
    chunks = [None] if ids is None else [ids[i : i + 500] for i in range(0, len(ids), 500)]
    for chunk in chunks:
        for row in session.execute(q if chunk is None else q.where(owner_col.in_(chunk))):
            per.setdefault(row[0], []).append(dict(zip(PARTS[rt.key][name], row[1:], strict=True)))
    return per


def links_of(session: Session, rt: RecordType, ids: list[int] | None) -> dict[str, dict[int, list]]:
    """LINKS ids per field per record, and each part's rows (all records when ``ids`` is
    None)."""
    out: dict[str, dict[int, list]] = {}
    for name in SHARED[rt.key]:
        if is_part(rt.key, name):
            out[name] = _part_rows(session, rt, name, ids)
            continue
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


def references(rt: RecordType, values: Mapping[str, Any], links: Mapping[str, Iterable[Any]]):
    """(record type, local id) of every record one record links to, parts included."""
    for name in SHARED[rt.key]:
        if is_part(rt.key, name):
            spec = CHILDREN[name]
            for row in links.get(name, ()):
                for col, target in spec.link_fields:
                    if row.get(col) is not None:
                        yield target, row[col]
            continue
        f = rt.field(name)
        if not f.target:
            continue
        if f.kind == LINKS:
            for i in links.get(name, ()):
                yield f.target, i
        elif values.get(name) is not None:
            yield f.target, values[name]


def local_content(session: Session, linker: Linker, rt: RecordType, obj: Any) -> dict[str, Any]:
    values = {n: getattr(obj, n) for n in scalar_columns(rt)}
    links = {n: ids.get(obj.id, []) for n, ids in links_of(session, rt, [obj.id]).items()}
    return linker.content(rt, values, links)


def history_of(state: ExchangeState | None) -> list[str]:
    return state.history.split() if state is not None and state.history else []


def push_history(history: list[str], h: str) -> str:
    items = [x for x in history if x != h] + [h]
    return " ".join(items[-HISTORY_KEPT:])
