"""What an import would do, record by record (new, update, unchanged, kept, conflict,
problem), decided before anything is written.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workinggroup_app.domain import releasability, vocabulary
from workinggroup_app.domain.children import CHILDREN
from workinggroup_app.domain.errors import ValidationError, ValidationErrors
from workinggroup_app.domain.fields import LINK, LINKS, READONLY, RecordType, record_type
from workinggroup_app.domain.models import ExchangePackage, ExchangeState
from workinggroup_app.domain.permissions import SYSTEM, Actor, require
from workinggroup_app.exchange.sync.container import Incoming, Package, read_package
from workinggroup_app.exchange.sync.content import Linker, content_hash, links_of, scalar_columns
from workinggroup_app.exchange.sync.protocol import (
    EXCHANGE_TYPES,
    NATURAL_KEYS,
    SHARED,
    is_part,
    refuse,
)
from workinggroup_app.services.records import Services
from workinggroup_app.storage.database import Database

NEW, UPDATE, UNCHANGED, KEPT, CONFLICT, PROBLEM = (
    "new",
    "update",
    "unchanged",
    "kept",
    "conflict",
    "problem",
)
OUTCOMES = tuple(vocabulary.keys("exchange_outcome"))


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
    local_uuid: str = ""  # ours: the sender's UUID, or our own for a record matched by key

    def message(self, lang: str = "en") -> str:
        return self.message_zh if lang.startswith("zh") else self.message_en

    @property
    def state_uuid(self) -> str:
        """The UUID this side keeps the record's exchange history under."""
        return self.local_uuid or self.uuid


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
        out = {a: 0 for a in OUTCOMES}
        for item in self.items:
            out[item.action] += 1
        return out

    def of(self, action: str) -> list[PlanItem]:
        return [i for i in self.items if i.action == action]

    @property
    def conflicts(self) -> list[PlanItem]:
        return self.of(CONFLICT)


def _readable(value: Any) -> Any:
    """Parts (a meeting's attendees) as one line each, for people to compare."""
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        return [
            " ".join(
                "✓" if v is True else str(v)
                for k, v in row.items()
                if v not in (None, "", False) and k != "contact_id"
            )
            if isinstance(row, dict)
            else row
            for row in value
        ]
    return value


def changed_fields(
    local: Mapping[str, Any] | None, remote: Mapping[str, Any]
) -> list[tuple[str, Any, Any]]:
    out = []
    for name, value in remote.items():
        ours = local.get(name) if local is not None else None
        if ours != value:
            out.append((name, _readable(ours), _readable(value)))
    return out


class Planner:
    def __init__(self, db: Database, session: Session, package: Package, actor: Actor) -> None:
        self.session = session
        self.package = package
        self.actor = actor
        self.linker = Linker(session)
        self.services = Services(db, actor)
        self.incoming_uuids = {(r.record_type, r.uuid) for r in package.records}
        # links to agencies name their abbreviation: the package's own agency of that name
        # first (found here by UUID or by side and abbreviation, or created), then ours
        self.package_agencies: dict[str, str] = {}
        for r in package.records:
            if r.record_type == "agency" and isinstance(r.content.get("abbreviation"), str):
                self.package_agencies.setdefault(r.content["abbreviation"].casefold(), r.uuid)

    def plan(self) -> list[PlanItem]:
        order = {k: i for i, k in enumerate(EXCHANGE_TYPES)}
        records = sorted(self.package.records, key=lambda r: order[r.record_type])
        self._prepare(records)
        items = [self._plan_one(inc) for inc in records]
        self._cascade(items)
        return items

    # -- our side of the incoming records --

    def _prepare(self, records: list[Incoming]) -> None:
        """Our side of every incoming record, read in bulk: id, UUID, reference, version,
        shared content, and the content hashes we had at past exchanges. A record is ours
        when it has the incoming UUID or, failing that, the same natural key."""
        self.local: dict[tuple[str, str], tuple[int, str, str, int, dict[str, Any]]] = {}
        self.histories: dict[str, list[str]] = {}
        by_type: dict[str, list[Incoming]] = {}
        for r in records:
            by_type.setdefault(r.record_type, []).append(r)
        for type_key, group in by_type.items():
            rt = record_type(type_key)
            m = rt.model
            matched: dict[str, int] = {}  # incoming uuid -> local id
            uuids = [r.uuid for r in group]
            for start in range(0, len(uuids), 500):
                matched.update(
                    self.session.execute(
                        select(m.uuid, m.id).where(m.uuid.in_(uuids[start : start + 500]))
                    ).all()
                )
            if type_key in NATURAL_KEYS:
                matched.update(self._by_natural_key(rt, group, matched))
            ids = sorted(set(matched.values()))
            cols = scalar_columns(rt)
            rows: dict[int, Any] = {}
            for start in range(0, len(ids), 500):
                for r in self.session.execute(
                    select(
                        m.id, m.uuid, m.reference, m.version, *[getattr(m, c) for c in cols]
                    ).where(m.id.in_(ids[start : start + 500]))
                ):
                    rows[r[0]] = r
            links = links_of(self.session, rt, ids) if ids else {}
            for uuid, rid in matched.items():
                r = rows[rid]
                values = dict(zip(cols, r[4:], strict=True))
                content = self.linker.content(
                    rt, values, {n: per.get(rid, []) for n, per in links.items()}
                )
                self.local[(type_key, uuid)] = (rid, r[1], r[2], r[3], content)
                if r[1] != uuid:
                    self.linker.remember(type_key, uuid, rid)  # their UUID names ours
            local_uuids = [r[1] for r in rows.values()]
            for start in range(0, len(local_uuids), 500):
                for uuid, history in self.session.execute(
                    select(ExchangeState.record_uuid, ExchangeState.history).where(
                        ExchangeState.record_uuid.in_(local_uuids[start : start + 500])
                    )
                ):
                    self.histories[uuid] = history.split() if history else []

    def _by_natural_key(
        self, rt: RecordType, group: list[Incoming], matched: Mapping[str, int]
    ) -> dict[str, int]:
        """Local records for incoming ones no local record has the UUID of, by the fields
        ``NATURAL_KEYS`` names (ignoring case): the oldest such record, each used once."""
        names = NATURAL_KEYS[rt.key]

        def key(values: Mapping[str, Any]) -> tuple[str, ...] | None:
            parts = tuple(str(values.get(n) or "").strip().casefold() for n in names)
            return parts if all(parts) else None

        wanted = {
            r.uuid: k for r in group if r.uuid not in matched and (k := key(r.content)) is not None
        }
        if not wanted:
            return {}
        m = rt.model
        cols = [getattr(m, n) for n in names]
        last = cols[-1]  # the most telling field, to read only the candidates
        values = sorted({k[-1] for k in wanted.values()})
        taken = set(matched.values())
        incoming = {r.uuid for r in group}
        candidates: dict[tuple[str, ...], int] = {}
        for start in range(0, len(values), 500):
            q = (
                select(m.id, m.uuid, *cols)
                .where(func.lower(last).in_(values[start : start + 500]))
                .order_by(m.id)
            )
            for row in self.session.execute(q):
                rid, uuid = row[0], row[1]
                if rid in taken or uuid in incoming:
                    continue  # already ours by UUID
                k = key(dict(zip(names, row[2:], strict=True)))
                if k is not None:
                    candidates.setdefault(k, rid)
        out: dict[str, int] = {}
        for uuid, k in wanted.items():
            rid = candidates.pop(k, None)
            if rid is not None:
                out[uuid] = rid
        return out

    # -- one record --

    def _plan_one(self, inc: Incoming) -> PlanItem:
        rt = record_type(inc.record_type)
        title = str(inc.content.get("title_en") or inc.content.get("title_zh") or "")
        item = PlanItem(rt.key, inc.uuid, NEW, inc.reference, title, incoming=inc)
        local = self.local.get((rt.key, inc.uuid))
        if local is None:
            item.changes = changed_fields(None, inc.content)
            problem = self._unresolved(rt, inc)
            if problem:
                item.action, item.message_en, item.message_zh = PROBLEM, *problem
            return item
        item.local_id, item.local_uuid, item.reference, item.local_version, ours = local
        ours_hash = content_hash(ours)
        # their content with links in our terms: a record matched here by its natural key
        # has our UUID in ours and theirs in the package; the same content either way
        theirs = self.as_ours(rt, inc.content)
        if ours_hash in (inc.hash, content_hash(theirs)):
            item.action = UNCHANGED
            return item
        item.changes = changed_fields(ours, theirs)
        if ours_hash in inc.history:
            item.action = UPDATE
            problem = self._unresolved(rt, inc)
            if problem:
                item.action, item.message_en, item.message_zh = PROBLEM, *problem
        elif inc.hash in self.histories.get(item.state_uuid, []):
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

    # -- links --

    def agency_for(self, abbreviation: str) -> int | None:
        """Our agency for a link naming ``abbreviation``."""
        uuid = self.package_agencies.get(abbreviation.casefold())
        if uuid is not None:
            rid = self.linker.local_id("agency", uuid)
            if rid is not None:
                return rid
        return self.linker.agency_id(abbreviation)

    def resolve(self, target: str, value: Any) -> int | None:
        """Our id for one link as it travels (None when we do not have it, yet)."""
        if not isinstance(value, str) or not value:
            return None
        if target == "agency":
            return self.agency_for(value)
        return self.linker.local_id(target, value)

    def _as_ours(self, target: str, value: Any) -> Any:
        rid = self.resolve(target, value)
        ours = self.linker.link(target, rid) if rid is not None else None
        return value if ours is None else ours

    def as_ours(self, rt: RecordType, content: Mapping[str, Any]) -> dict[str, Any]:
        """Incoming content with each link as our own content would name it."""
        out = dict(content)
        for name in SHARED[rt.key]:
            value = content.get(name)
            if is_part(rt.key, name):
                if isinstance(value, list):
                    out[name] = [self._part_as_ours(name, row) for row in value]
                continue
            f = rt.field(name)
            if not f.target:
                continue
            if f.kind == LINKS and isinstance(value, list):
                out[name] = sorted(str(self._as_ours(f.target, t)) for t in value)
            elif f.kind in (LINK, READONLY):
                out[name] = self._as_ours(f.target, value)
        return out

    def _part_as_ours(self, part: str, row: Any) -> Any:
        if not isinstance(row, dict):
            return row
        out = dict(row)
        for col, target in CHILDREN[part].link_fields:
            out[col] = self._as_ours(target, row.get(col))
        return out

    def _link_problem(self, f_en: str, f_zh: str, target: str, t: Any) -> tuple[str, str] | None:
        """Why one link cannot be made (None when it can)."""
        if not isinstance(t, str):
            return self._bad_link(f_en, f_zh, str(t))
        if target == "agency":
            if t.casefold() not in self.package_agencies and self.linker.agency_id(t) is None:
                return (
                    f"{f_en}: no agency '{t[:40]}' here or in the package; add it (with that "
                    "abbreviation) and import the package again.",
                    f"{f_zh}：本地和交换包中均没有机构“{t[:40]}”；请先添加（使用该简称）"
                    "后重新导入。",
                )
        elif self.linker.local_id(target, t) is None and (target, t) not in self.incoming_uuids:
            return self._bad_link(f_en, f_zh, t)
        return None

    def _unresolved(self, rt: RecordType, inc: Incoming) -> tuple[str, str] | None:
        """A link the import cannot make, or a value the services would refuse."""
        for name in SHARED[rt.key]:
            value = inc.content.get(name)
            if value in (None, "", []):
                continue
            if is_part(rt.key, name):
                problem = self._part_problem(name, value)
                if problem:
                    return problem
                continue
            f = rt.field(name)
            if f.kind == LINKS or f.kind == LINK or (f.kind == READONLY and f.target):
                targets = value if isinstance(value, list) else [value]
                for t in targets:
                    problem = self._link_problem(f.label_en, f.label_zh, f.target or "", t)
                    if problem:
                        return problem
        return self._invalid(rt, inc)

    def _part_problem(self, part: str, rows: Any) -> tuple[str, str] | None:
        """A part (an attendee) the services would refuse, or whose link cannot be made."""
        spec = CHILDREN[part]
        if not isinstance(rows, list):
            return (f"{spec.heading_en}: not a list.", f"{spec.heading_zh}：格式错误。")
        for i, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                return (f"{spec.label_en} {i}: malformed.", f"{spec.label_zh} {i}：格式错误。")
            for col, target in spec.link_fields:
                if row.get(col) in (None, ""):
                    continue
                problem = self._link_problem(
                    f"{spec.label_en} {i}, {spec.column_label(col)}",
                    f"{spec.label_zh} {i}，{spec.column_label(col, 'zh')}",
                    target,
                    row[col],
                )
                if problem:
                    return problem
            try:
                self.services._build_child(
                    self.session, spec, self.part_values(part, row, resolve=False), i
                )
            except ValidationError as e:
                return (
                    f"{spec.label_en} {i}: {e.message_en}",
                    f"{spec.label_zh} {i}：{e.message_zh}",
                )
        return None

    def part_values(self, part: str, row: Mapping[str, Any], *, resolve: bool) -> dict[str, Any]:
        """One incoming part as the services' row (links as our ids; links to records this
        import creates are left out until they exist, unless ``resolve``)."""
        spec = CHILDREN[part]
        out = {k: v for k, v in row.items() if k not in dict(spec.link_fields)}
        for col, target in spec.link_fields:
            rid = self.resolve(target, row.get(col))
            out[col] = rid if (resolve or target == "agency") else None
        for col in spec.bool_fields:
            out[col] = bool(row.get(col))
        return out

    @staticmethod
    def _bad_link(en: str, zh: str, target: str) -> tuple[str, str]:
        return (
            f"{en}: links to {target[:40]}, which is neither here nor in the package.",
            f"{zh}：链接到 {target[:40]}，但本地和交换包中均没有该记录。",
        )

    def _invalid(self, rt: RecordType, inc: Incoming) -> tuple[str, str] | None:
        values = self._values(rt, inc, resolve=False)
        values["releasability"] = releasability.RELEASABLE
        # a link to an agency this import creates counts as made (agencies come first)
        pending = {
            name
            for name, value in inc.content.items()
            if not is_part(rt.key, name)
            and rt.field(name).target == "agency"
            and isinstance(value, str)
            and values.get(name) is None
            and value.casefold() in self.package_agencies
        }
        try:
            self.checked(rt, inc, values, excused=pending)
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

    def checked(
        self,
        rt: RecordType,
        inc: Incoming,
        values: Mapping[str, Any],
        *,
        excused: Set[str] = frozenset(),
    ) -> dict[str, Any]:
        """The services' cleaned ``values`` (or their ValidationErrors, as for a form), with
        two allowances: a field the package carries apart from the others (an outcome, set
        with the status rather than validated with the fields) counts as filled when the
        package fills it, and an ``excused`` field (a link to an agency this import creates
        first) is not asked for."""
        apart = {
            name
            for name in SHARED[rt.key]
            if not is_part(rt.key, name)
            and name != "status"
            and rt.field(name).kind == READONLY
            and inc.content.get(name) not in (None, "")
        }

        def validate(v: Mapping[str, Any], allowed: Set[str]) -> dict[str, Any] | None:
            try:
                return self.services.validate(rt.key, v, session=self.session, unique=False)
            except ValidationErrors as errs:
                left = [e for e in errs.errors if e.field not in allowed]
                if left:
                    raise ValidationErrors(left) from None
                return None

        clean = validate(values, apart | excused)
        if clean is not None:
            return clean
        # what was wanted is all carried apart or excused: the rest checked without the
        # status that asked for it (the status itself was found known)
        rest = {k: v for k, v in values.items() if k != "status"}
        clean = validate(rest, excused) or dict(rest)
        if values.get("status") not in (None, ""):
            clean["status"] = str(values["status"]).strip()
        return clean

    def _values(self, rt: RecordType, inc: Incoming, *, resolve: bool) -> dict[str, Any]:
        """Incoming content as values for the services' validation (links as local ids;
        links to records this import creates are left out until they exist, except to
        agencies, created first). Parts are not among them (see ``part_values``)."""
        out: dict[str, Any] = {}
        for name in SHARED[rt.key]:
            if is_part(rt.key, name):
                continue
            f = rt.field(name)
            value = inc.content.get(name)
            if f.kind == READONLY and name != "status":
                continue  # outcome, duplicate_of: checked and set apart
            if f.kind == LINKS:
                ids = [self.resolve(f.target or "", t) for t in value or []]
                out[name] = [i for i in ids if i is not None] if resolve else []
            elif f.kind == LINK:
                if value is None:
                    out[name] = None
                elif f.target == "agency":
                    out[name] = self.agency_for(value) if isinstance(value, str) else value
                else:
                    out[name] = self.resolve(f.target or "", value) if resolve else None
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

    def _targets(self, rt: RecordType, content: Mapping[str, Any]):
        """(target type, value) of every link in one incoming record, its parts' included."""
        for name in SHARED[rt.key]:
            value = content.get(name)
            if is_part(rt.key, name):
                for row in value if isinstance(value, list) else []:
                    if isinstance(row, dict):
                        for col, target in CHILDREN[name].link_fields:
                            yield target, row.get(col)
                continue
            f = rt.field(name)
            if f.target is None or f.kind not in (LINK, LINKS, READONLY):
                continue
            for t in value if isinstance(value, list) else [value]:
                yield f.target, t

    def _missing_target(
        self, item: PlanItem, by_key: Mapping[tuple[str, str], PlanItem]
    ) -> str | None:
        assert item.incoming is not None
        rt = record_type(item.record_type)
        for target, t in self._targets(rt, item.incoming.content):
            if not t or not isinstance(t, str):
                continue
            if target == "agency":
                uuid = self.package_agencies.get(t.casefold())
                if uuid is None or self.linker.local_id("agency", uuid) is not None:
                    continue  # not in the package (ours by that name), or already ours
                if by_key[("agency", uuid)].action == NEW or self.linker.agency_id(t):
                    continue  # created by this import, or ours by that name
                return t
            if self.linker.local_id(target, t) is not None:
                continue
            found = by_key.get((target, t))
            if found is None or found.action != NEW:
                return t
        return None


def already_imported(session: Session, package: Package) -> None:
    done = session.execute(
        select(ExchangePackage).where(
            ExchangePackage.direction == "import",
            ExchangePackage.manifest_sha256 == package.manifest_sha256,
        )
    ).scalar_one_or_none()
    if done is not None:
        when = done.processed_at.strftime("%Y-%m-%d %H:%M UTC")
        raise refuse(
            f"this package was already imported on {when} by {done.actor}.",
            f"该交换包已于 {when} 由 {done.actor} 导入。",
        )


def result_of(package: Package, items: list[PlanItem], applied: bool) -> ImportResult:
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
    db: Database,
    path: str | os.PathLike[str],
    *,
    actor: Actor = SYSTEM,
    key_dir: Path | None = None,
    passphrase: str | None = None,
) -> ImportResult:
    """Decrypt (with this side's key in ``key_dir``, unlocked with ``passphrase``) and
    verify a package, and say what importing it would change; nothing is written."""
    require(actor, "exchange")
    with db.session() as session:
        package = read_package(session, path, key_dir=key_dir, passphrase=passphrase)
        already_imported(session, package)
        items = Planner(db, session, package, actor).plan()
    return result_of(package, items, applied=False)
