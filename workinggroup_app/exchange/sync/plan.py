"""What an import would do, record by record (new, update, unchanged, kept, conflict,
problem), decided before anything is written.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workinggroup_app.domain import releasability, vocabulary
from workinggroup_app.domain.errors import ValidationErrors
from workinggroup_app.domain.fields import LINK, LINKS, READONLY, RecordType, record_type
from workinggroup_app.domain.models import ExchangePackage, ExchangeState
from workinggroup_app.domain.permissions import SYSTEM, Actor, require
from workinggroup_app.exchange.sync.container import Incoming, Package, read_package
from workinggroup_app.exchange.sync.content import Linker, content_hash, links_of, scalar_columns
from workinggroup_app.exchange.sync.protocol import EXCHANGE_TYPES, SHARED, refuse
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
        out = {a: 0 for a in OUTCOMES}
        for item in self.items:
            out[item.action] += 1
        return out

    def of(self, action: str) -> list[PlanItem]:
        return [i for i in self.items if i.action == action]

    @property
    def conflicts(self) -> list[PlanItem]:
        return self.of(CONFLICT)


def changed_fields(
    local: Mapping[str, Any] | None, remote: Mapping[str, Any]
) -> list[tuple[str, Any, Any]]:
    out = []
    for name, value in remote.items():
        ours = local.get(name) if local is not None else None
        if ours != value:
            out.append((name, ours, value))
    return out


class Planner:
    def __init__(self, db: Database, session: Session, package: Package, actor: Actor) -> None:
        self.session = session
        self.package = package
        self.actor = actor
        self.linker = Linker(session)
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
            cols = scalar_columns(rt)
            rows: list[Any] = []
            for start in range(0, len(uuids), 500):
                rows.extend(
                    self.session.execute(
                        select(
                            m.id, m.uuid, m.reference, m.version, *[getattr(m, c) for c in cols]
                        ).where(m.uuid.in_(uuids[start : start + 500]))
                    ).all()
                )
            links = links_of(self.session, rt, [r[0] for r in rows]) if rows else {}
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
            item.changes = changed_fields(None, inc.content)
            problem = self._unresolved(rt, inc)
            if problem:
                item.action, item.message_en, item.message_zh = PROBLEM, *problem
            return item
        item.local_id, item.reference, item.local_version, ours = local
        ours_hash = content_hash(ours)
        if ours_hash == inc.hash:
            item.action = UNCHANGED
            return item
        item.changes = changed_fields(ours, inc.content)
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
    db: Database, path: str | os.PathLike[str], *, actor: Actor = SYSTEM
) -> ImportResult:
    """Verify a package and say what importing it would change; nothing is written."""
    require(actor, "exchange")
    with db.session() as session:
        package = read_package(session, path)
        already_imported(session, package)
        items = Planner(db, session, package, actor).plan()
    return result_of(package, items, applied=False)
