"""Services: the one road from a user's intent to a change in the database.

Every write is one transaction that checks permission, validates, applies, records the
status history and the audit event, and commits; if any step fails nothing is written.
One mechanism serves every record type, driven by the field definitions in fields.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from workinggroup_app.audit import trail
from workinggroup_app.domain import models, validators, vocabulary
from workinggroup_app.domain.children import CHILDREN, ChildSpec
from workinggroup_app.domain.errors import (
    NotFoundError,
    StaleEditError,
    TransitionError,
    ValidationError,
    ValidationErrors,
)
from workinggroup_app.domain.fields import (
    BOOL,
    CHOICE,
    DATE,
    DATETIME,
    LINK,
    LINKS,
    LONGTEXT,
    READONLY,
    TEXT,
    FieldDef,
    RecordType,
    record_type,
    type_of_reference,
)
from workinggroup_app.domain.models import StatusChange, utcnow
from workinggroup_app.domain.permissions import SYSTEM, Actor, require
from workinggroup_app.storage.database import Database
from workinggroup_app.storage.reference_numbers import next_reference
from workinggroup_app.storage.search_index import body_for

T = TypeVar("T")

RESPONSE_DAYS = 30  # default time the counterpart has to answer a referral

# Fields a create may set although users cannot edit them (imports and exchanges).
_CREATE_ONLY = ("reference", "uuid", "status")


@dataclass(frozen=True)
class Change:
    """What a service call changed, for views to decide whether to refresh."""

    record_type: str
    action: str
    ids: tuple[int, ...] = ()
    reference: str = ""
    version: int = 0
    fields: tuple[str, ...] = ()


@dataclass
class _Clean:
    scalars: dict[str, Any] = field(default_factory=dict)
    links: dict[str, list[int]] = field(default_factory=dict)


def _err(f: FieldDef, en: str, zh: str) -> ValidationError:
    return ValidationError(f.name, f"{f.label_en}: {en}", f"{f.label_zh}：{zh}")


def _too_long(f: FieldDef, n: int) -> ValidationError:
    return _err(
        f,
        f"too long ({n:,} characters; at most {f.max_length:,}).",
        f"内容过长（{n:,} 个字符；最多 {f.max_length:,} 个）。",
    )


class Services:
    """Write operations for one user on one database."""

    def __init__(
        self, db: Database, actor: Actor = SYSTEM, *, today: Callable[[], date] = date.today
    ):
        self.db = db
        self.actor = actor
        self.today = today

    # --- transaction ------------------------------------------------------------------

    def _run(self, fn: Callable[[Session], T]) -> T:
        """One transaction; PostgreSQL serialisation failures and deadlocks are retried."""
        attempts = 3
        for attempt in range(attempts):
            session = self.db.sessions()
            try:
                with session.begin():
                    result = fn(session)
                return result
            except OperationalError as exc:
                code = getattr(getattr(exc, "orig", None), "sqlstate", None)
                if code in ("40001", "40P01") and attempt < attempts - 1:
                    continue
                raise
            finally:
                session.close()
        raise AssertionError("unreachable")

    # --- validation -------------------------------------------------------------------

    def _clean_value(self, session: Session, rt: RecordType, f: FieldDef, raw: Any) -> Any:
        kind = f.kind
        if kind in (TEXT, LONGTEXT) or (kind == READONLY and f.name in ("reference", "uuid")):
            text = validators.clean_text(raw, multiline=kind == LONGTEXT)
            if len(text) > f.max_length:
                raise _too_long(f, len(text))
            if text and f.validator is not None:
                text = f.validator(f.name, text)
            return text
        if kind == DATE:
            try:
                return validators.parse_date(f.name, raw)
            except ValidationError as e:
                raise _err(f, e.message_en, e.message_zh) from None
        if kind == DATETIME:
            try:
                return validators.parse_datetime(f.name, raw)
            except ValidationError as e:
                raise _err(f, e.message_en, e.message_zh) from None
        if kind == BOOL:
            return bool(raw) and str(raw).lower() not in ("0", "false", "no", "")
        if kind == CHOICE or (kind == READONLY and f.vocabulary):
            if raw is None or raw == "":
                return None
            key = str(raw).strip()
            if not vocabulary.is_known(f.vocabulary or "", key):
                allowed = ", ".join(vocabulary.keys(f.vocabulary or ""))
                raise _err(
                    f,
                    f"'{key[:40]}' is not one of the allowed values ({allowed}).",
                    f"“{key[:40]}”不是允许的取值（{allowed}）。",
                )
            return key
        if kind == LINK or (kind == READONLY and f.target):
            return self._resolve_link(session, f, raw)
        if kind == LINKS:
            items = raw if isinstance(raw, (list, tuple, set)) else [raw]
            ids = [self._resolve_link(session, f, item) for item in items if item not in (None, "")]
            return [i for i in dict.fromkeys(ids) if i is not None]
        raise _err(f, "cannot be set here.", "不能在此设置。")

    def _resolve_link(self, session: Session, f: FieldDef, raw: Any) -> int | None:
        if raw is None or raw == "":
            return None
        target = record_type(f.target or "")
        model = target.model
        digits = str(raw).strip()
        if (isinstance(raw, int) and not isinstance(raw, bool)) or (
            isinstance(raw, str) and digits.isascii() and digits.isdigit()
        ):
            # ids are 32-bit: a larger number names nothing (and would overflow the driver)
            found = session.get(model, int(raw)) if 0 < int(raw) < 2**31 else None
            if found is not None:
                return found.id
            label = str(raw)[:40]
        else:
            label = validators.clean_text(raw, multiline=False)
            cond = model.reference == label
            if target.key == "agency":
                cond = cond | (models.Agency.abbreviation == label) | (model.title_en == label)
            found_id = session.execute(select(model.id).where(cond).limit(1)).scalar()
            if found_id is not None:
                return found_id
        raise _err(
            f,
            f"no {vocabulary.word('record_type', target.key).lower()} '{label[:40]}' exists.",
            f"不存在{vocabulary.word('record_type', target.key, 'zh')}“{label[:40]}”。",
        )

    def _validate(
        self,
        session: Session,
        rt: RecordType,
        values: Mapping[str, Any],
        existing: models.RecordMixin | None,
        *,
        unique: bool = True,
    ) -> _Clean:
        errors: list[ValidationError] = []
        clean = _Clean()
        for name, raw in values.items():
            if not rt.has(name):
                errors.append(
                    ValidationError(
                        name,
                        f"'{name[:40]}' is not a field of a {vocabulary.word('record_type', rt.key).lower()}.",
                        f"“{name[:40]}”不是{vocabulary.word('record_type', rt.key, 'zh')}的字段。",
                    )
                )
                continue
            f = rt.field(name)
            if f.kind == READONLY and not (existing is None and name in _CREATE_ONLY):
                if existing is not None and name in _CREATE_ONLY:
                    current = getattr(existing, name, None)
                    if raw in (None, "") or str(raw) == str(current):
                        continue  # unchanged: a form may send it back
                if name == "status" and rt.workflow is not None:
                    errors.append(
                        _err(f, "change it with a status transition.", "请通过状态流转更改。")
                    )
                continue  # authorship and other read-only values are silently kept
            try:
                value = self._clean_value(session, rt, f, raw)
            except ValidationError as e:
                errors.append(e)
                continue
            if f.kind == LINKS:
                clean.links[name] = value
            else:
                clean.scalars[name] = value
        # whole-record rules, on the merged values
        merged: dict[str, Any] = {}
        for f in rt.fields:
            if f.kind == LINKS:
                continue
            if f.name in clean.scalars:
                merged[f.name] = clean.scalars[f.name]
            elif existing is not None:
                merged[f.name] = getattr(existing, f.name, None)
            else:
                merged[f.name] = None
        bad = {e.field for e in errors}
        releasable = merged.get("releasability") == "releasable"
        for f in rt.fields:
            if f.name in bad or f.kind == READONLY:
                continue
            empty = merged.get(f.name) in (None, "")
            if f.required and empty:
                errors.append(_err(f, "required.", "必填。"))
            elif f.required_if_releasable and releasable and empty:
                errors.append(
                    _err(
                        f,
                        "required when the record is releasable to the counterpart.",
                        "可向对方提供的记录必须填写此项。",
                    )
                )
        if existing is None and "status" in clean.scalars and clean.scalars["status"]:
            wf = rt.workflow
            if wf is None or clean.scalars["status"] not in wf.states:
                errors.append(_err(rt.field("status"), "unknown status.", "未知状态。"))
        errors.extend(self._date_order(rt, merged, bad))
        if unique and (existing is None or "reference" in clean.scalars or "uuid" in clean.scalars):
            errors.extend(self._unique(session, rt, clean.scalars, existing))
        if errors:
            raise ValidationErrors(errors)
        return clean

    def validate(
        self,
        type_key: str,
        values: Mapping[str, Any],
        *,
        session: Session | None = None,
        unique: bool = True,
    ) -> dict[str, Any]:
        """Check the values of a new record exactly as ``create`` would, writing nothing.

        Returns the cleaned values (LINKS fields as lists of ids) or raises
        ValidationErrors. For importers, which validate many rows in one ``session`` and
        check uniqueness in bulk themselves (``unique=False``).
        """
        rt = record_type(type_key)
        if session is not None:
            clean = self._validate(session, rt, values, None, unique=unique)
        else:
            with self.db.session() as s:
                clean = self._validate(s, rt, values, None, unique=unique)
        return {**clean.scalars, **clean.links}

    @staticmethod
    def _date_order(
        rt: RecordType, merged: Mapping[str, Any], bad: set[str]
    ) -> list[ValidationError]:
        out: list[ValidationError] = []
        chains = {
            "referral": ("sent_on", "acknowledged_on", "answered_on"),
            "case": ("opened_on", "closed_on"),
        }
        chain = chains.get(rt.key, ())
        last_name, last = None, None
        for name in chain:
            value = merged.get(name)
            if value is None or name in bad:
                continue
            if last is not None and value < last:
                f = rt.field(name)
                out.append(
                    _err(
                        f,
                        f"cannot be before {rt.field(last_name or '').label_en.lower()}.",
                        f"不能早于{rt.field(last_name or '').label_zh}。",
                    )
                )
            last_name, last = name, value
        due = merged.get("response_due")
        sent = merged.get("sent_on")
        if rt.key == "referral" and due and sent and due < sent and "response_due" not in bad:
            out.append(
                _err(
                    rt.field("response_due"),
                    "cannot be before the date sent.",
                    "不能早于发送日期。",
                )
            )
        return out

    @staticmethod
    def _unique(
        session: Session, rt: RecordType, scalars: Mapping[str, Any], existing: Any
    ) -> list[ValidationError]:
        out = []
        for name in ("reference", "uuid"):
            value = scalars.get(name)
            if not value:
                continue
            col = getattr(rt.model, name)
            q = select(rt.model.id).where(col == value)
            if existing is not None:
                q = q.where(rt.model.id != existing.id)
            if session.execute(q.limit(1)).scalar() is not None:
                f = rt.field(name)
                out.append(_err(f, f"{value} already exists.", f"{value} 已存在。"))
        return out

    # --- helpers ----------------------------------------------------------------------

    def _load(self, session: Session, rt: RecordType, record_id: int) -> Any:
        obj = session.get(rt.model, record_id)
        if obj is None:
            raise NotFoundError(
                f"No {vocabulary.word('record_type', rt.key).lower()} with id {record_id}.",
                f"找不到编号为 {record_id} 的{vocabulary.word('record_type', rt.key, 'zh')}。",
            )
        return obj

    def _bump(
        self, session: Session, rt: RecordType, obj: Any, expected_version: int | None
    ) -> None:
        """Claim the next version atomically: a concurrent edit makes this fail, not overwrite."""
        expected = obj.version if expected_version is None else expected_version
        now = utcnow()
        result = session.execute(
            update(rt.model)
            .where(rt.model.id == obj.id, rt.model.version == expected)
            .values(version=expected + 1, updated_at=now, updated_by=self.actor.username)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            session.refresh(obj)
            raise StaleEditError(obj.reference, obj.updated_by, obj.updated_at)
        session.refresh(obj, attribute_names=["version", "updated_at", "updated_by"])

    def _index(self, session: Session, rt: RecordType, obj: Any) -> None:
        values = {f.name: getattr(obj, f.name, None) for f in rt.fields if f.kind != LINKS}
        body = body_for(rt.key, values)
        row = session.execute(
            select(models.SearchText).where(
                models.SearchText.record_type == rt.key, models.SearchText.record_id == obj.id
            )
        ).scalar_one_or_none()
        if row is None:
            session.add(models.SearchText(record_type=rt.key, record_id=obj.id, body=body))
        elif row.body != body:
            row.body = body

    def _set_links(
        self, session: Session, rt: RecordType, obj: Any, name: str, ids: list[int]
    ) -> tuple[list[str], list[str]]:
        target = record_type(rt.field(name).target or "")
        old = [o.reference for o in getattr(obj, name)]
        new_objs = (
            list(session.execute(select(target.model).where(target.model.id.in_(ids))).scalars())
            if ids
            else []
        )
        setattr(obj, name, new_objs)
        return old, [o.reference for o in new_objs]

    # --- create / update ----------------------------------------------------------------

    def create(self, type_key: str, values: Mapping[str, Any]) -> Change:
        rt = record_type(type_key)
        require(self.actor, "create", rt.key)

        def work(session: Session) -> Change:
            clean = self._validate(session, rt, values, None)
            scalars = dict(clean.scalars)
            status = scalars.pop("status", None)
            obj = rt.model(**{k: v for k, v in scalars.items() if k not in ("reference",)})
            obj.reference = scalars.get("reference") or next_reference(
                session, rt.prefix, self.today().year
            )
            if obj.releasability is None and "releasability" not in values:
                obj.releasability = "us_only"
            if obj.caveat is None:
                obj.caveat = "SBU"
            obj.created_by = obj.updated_by = self.actor.username
            obj.created_at = obj.updated_at = utcnow()
            obj.version = 1
            if rt.workflow is not None:
                obj.status = status or rt.workflow.initial
            session.add(obj)
            session.flush()
            changes: dict[str, Any] = {
                k: [None, v] for k, v in scalars.items() if v not in (None, "")
            }
            changes["reference"] = [None, obj.reference]
            for name, ids in clean.links.items():
                _old, new = self._set_links(session, rt, obj, name, ids)
                changes[name] = [[], new]
            if rt.workflow is not None:
                session.add(
                    StatusChange(
                        record_type=rt.key,
                        record_id=obj.id,
                        from_status=None,
                        to_status=obj.status,
                        comment="imported" if status else "created",
                        changed_by=self.actor.username,
                    )
                )
                changes["status"] = [None, obj.status]
            self._index(session, rt, obj)
            trail.append(
                session,
                actor=self.actor.username,
                action="create",
                record_type=rt.key,
                record_id=obj.id,
                reference=obj.reference,
                changes=changes,
            )
            return Change(rt.key, "create", (obj.id,), obj.reference, obj.version, tuple(changes))

        return self._run(work)

    def update(
        self, type_key: str, record_id: int, values: Mapping[str, Any], expected_version: int
    ) -> Change:
        rt = record_type(type_key)
        require(self.actor, "update", rt.key)

        def work(session: Session) -> Change:
            obj = self._load(session, rt, record_id)
            if obj.version != expected_version:
                raise StaleEditError(obj.reference, obj.updated_by, obj.updated_at)
            clean = self._validate(session, rt, values, obj)
            if "caveat" in clean.scalars and clean.scalars["caveat"] is None:
                clean.scalars["caveat"] = "SBU"  # as on create: no caveat chosen = the default
            changes: dict[str, Any] = {}
            for name, value in clean.scalars.items():
                old = getattr(obj, name)
                if old != value:
                    changes[name] = [old, value]
            link_changes = {}
            for name, ids in clean.links.items():
                current = sorted(o.id for o in getattr(obj, name))
                if current != sorted(ids):
                    link_changes[name] = ids
            if not changes and not link_changes:
                return Change(rt.key, "none", (obj.id,), obj.reference, obj.version)
            self._bump(session, rt, obj, expected_version)
            for name, (_old, value) in changes.items():
                setattr(obj, name, value)
            for name, ids in link_changes.items():
                changes[name] = list(self._set_links(session, rt, obj, name, ids))
            self._index(session, rt, obj)
            trail.append(
                session,
                actor=self.actor.username,
                action="update",
                record_type=rt.key,
                record_id=obj.id,
                reference=obj.reference,
                changes=changes,
            )
            session.flush()
            return Change(rt.key, "update", (obj.id,), obj.reference, obj.version, tuple(changes))

        return self._run(work)

    # --- workflow -----------------------------------------------------------------------

    def allowed_transitions(self, type_key: str, record: Any) -> list[str]:
        rt = record_type(type_key)
        if rt.workflow is None:
            return []
        return rt.workflow.targets(record.status, record)

    def transition(
        self,
        type_key: str,
        record_id: int,
        target: str,
        *,
        comment: str = "",
        expected_version: int | None = None,
        outcome: str | None = None,
        duplicate_of: str | int | None = None,
        note_releasable: bool = False,
    ) -> Change:
        rt = record_type(type_key)
        require(self.actor, "transition", rt.key)
        return self._run(
            lambda s: self._transition_one(
                s,
                rt,
                record_id,
                target,
                comment,
                expected_version,
                outcome,
                duplicate_of,
                note_releasable,
            )
        )

    def bulk_transition(
        self,
        type_key: str,
        items: Iterable[tuple[int, int]],
        target: str,
        *,
        comment: str = "",
        outcome: str | None = None,
    ) -> Change:
        """All or nothing: every (id, expected version) moves, or none does."""
        rt = record_type(type_key)
        require(self.actor, "transition", rt.key)
        items = list(items)

        def work(session: Session) -> Change:
            ids = []
            events: list[dict[str, Any]] = []
            for record_id, version in items:
                self._transition_one(
                    session, rt, record_id, target, comment, version, outcome, None, False, events
                )
                ids.append(record_id)
            # every event at the end, at once: the chain lock is not held while items load
            trail.append_many(session, events)
            return Change(rt.key, "transition", tuple(ids), "", 0, ("status",))

        return self._run(work)

    def _transition_one(
        self,
        session: Session,
        rt: RecordType,
        record_id: int,
        target: str,
        comment: str,
        expected_version: int | None,
        outcome: str | None,
        duplicate_of: str | int | None,
        note_releasable: bool,
        events: list[dict[str, Any]] | None = None,
    ) -> Change:
        """Move one record; its audit event is appended, or added to ``events`` for the
        caller to append with the others (the chain lock is taken by the last write)."""
        wf = rt.workflow
        if wf is None:
            raise TransitionError(
                f"A {vocabulary.word('record_type', rt.key).lower()} has no status workflow.",
                f"{vocabulary.word('record_type', rt.key, 'zh')}没有状态流程。",
            )
        obj = self._load(session, rt, record_id)
        if expected_version is not None and obj.version != expected_version:
            raise StaleEditError(obj.reference, obj.updated_by, obj.updated_at)
        if target not in wf.states:
            raise TransitionError(
                f"'{str(target)[:40]}' is not a status of a {vocabulary.word('record_type', rt.key).lower()}.",
                f"“{str(target)[:40]}”不是{vocabulary.word('record_type', rt.key, 'zh')}的状态。",
            )
        t = wf.find(obj.status, target, obj)
        if t is None:
            allowed = [
                vocabulary.word(wf.vocabulary, x.target) for x in wf.allowed(obj.status, obj)
            ]
            allowed_zh = [
                vocabulary.word(wf.vocabulary, x.target, "zh") for x in wf.allowed(obj.status, obj)
            ]
            raise TransitionError(
                f"{obj.reference} is {vocabulary.word(wf.vocabulary, obj.status)}; it cannot move to "
                f"{vocabulary.word(wf.vocabulary, target)}. Allowed: {', '.join(allowed) or 'none'}.",
                f"{obj.reference} 当前为{vocabulary.word(wf.vocabulary, obj.status, 'zh')}，不能变更为"
                f"{vocabulary.word(wf.vocabulary, target, 'zh')}。允许：{'、'.join(allowed_zh) or '无'}。",
            )
        clean_comment = validators.clean_text(comment, multiline=True)
        if len(clean_comment) > 5000:
            raise ValidationError(
                "comment",
                "The comment is too long (at most 5,000 characters).",
                "备注过长（最多 5,000 个字符）。",
            )
        changes: dict[str, Any] = {"status": [obj.status, target]}
        if t.needs_outcome:
            if not outcome or not vocabulary.is_known(wf.outcome_vocabulary or "", outcome):
                allowed = ", ".join(vocabulary.keys(wf.outcome_vocabulary or ""))
                raise ValidationError(
                    "outcome",
                    f"Closing needs an outcome: one of {allowed}.",
                    f"结案须记录结果：{allowed} 之一。",
                )
            changes["outcome"] = [obj.outcome, outcome]
        if t.needs_duplicate_of:
            dup_field = rt.field("duplicate_of_id")
            dup_id = self._resolve_link(session, dup_field, duplicate_of)
            if dup_id is None or dup_id == obj.id:
                raise ValidationError(
                    "duplicate_of_id",
                    "Name the referral this one repeats.",
                    "请注明本线索所重复的线索。",
                )
            changes["duplicate_of_id"] = [obj.duplicate_of_id, dup_id]
        today = self.today()
        for name, value in self._side_effects(rt.key, obj, target, today).items():
            changes[name] = [getattr(obj, name), value]
        self._bump(session, rt, obj, obj.version)
        for name, (_old, new) in changes.items():
            setattr(obj, name, new)
        session.add(
            StatusChange(
                record_type=rt.key,
                record_id=obj.id,
                from_status=changes["status"][0],
                to_status=target,
                comment=clean_comment,
                note_releasable=bool(note_releasable),
                changed_by=self.actor.username,
            )
        )
        if clean_comment:
            changes["comment"] = [None, clean_comment]
        event = {
            "actor": self.actor.username,
            "action": "transition",
            "record_type": rt.key,
            "record_id": obj.id,
            "reference": obj.reference,
            "changes": changes,
        }
        if events is None:
            trail.append(session, **event)
        else:
            events.append(event)
        session.flush()
        return Change(rt.key, "transition", (obj.id,), obj.reference, obj.version, tuple(changes))

    @staticmethod
    def _side_effects(key: str, obj: Any, target: str, today: date) -> dict[str, Any]:
        """Dates that a transition fills in when the user has not."""
        out: dict[str, Any] = {}
        if key == "referral":
            if target in ("sent", "received") and obj.sent_on is None:
                out["sent_on"] = today
            if target in ("sent", "received") and obj.response_due is None:
                out["response_due"] = (obj.sent_on or today) + timedelta(days=RESPONSE_DAYS)
            if target == "acknowledged" and obj.acknowledged_on is None:
                out["acknowledged_on"] = today
            if target == "responded" and obj.answered_on is None:
                out["answered_on"] = today
        elif key == "action_item":
            if target == "done":
                out["completed_on"] = today
            elif obj.completed_on is not None:
                out["completed_on"] = None
        elif key == "case":
            if target == "closed":
                out["closed_on"] = today
            elif target == "reopened":
                out["closed_on"] = None
        return out

    # --- archive / restore ----------------------------------------------------------------

    def archive(self, type_key: str, record_id: int, expected_version: int) -> Change:
        return self._set_archived(type_key, record_id, expected_version, True)

    def restore(self, type_key: str, record_id: int, expected_version: int) -> Change:
        return self._set_archived(type_key, record_id, expected_version, False)

    def _set_archived(
        self, type_key: str, record_id: int, expected_version: int, flag: bool
    ) -> Change:
        rt = record_type(type_key)
        action = "archive" if flag else "restore"
        require(self.actor, action, rt.key)

        def work(session: Session) -> Change:
            obj = self._load(session, rt, record_id)
            if obj.version != expected_version:
                raise StaleEditError(obj.reference, obj.updated_by, obj.updated_at)
            if obj.archived == flag:
                return Change(rt.key, "none", (obj.id,), obj.reference, obj.version)
            self._bump(session, rt, obj, expected_version)
            obj.archived = flag
            trail.append(
                session,
                actor=self.actor.username,
                action=action,
                record_type=rt.key,
                record_id=obj.id,
                reference=obj.reference,
                changes={"archived": [not flag, flag]},
            )
            session.flush()
            return Change(rt.key, action, (obj.id,), obj.reference, obj.version, ("archived",))

        return self._run(work)

    # --- meeting content -----------------------------------------------------------------

    def _build_child(
        self, session: Session, spec: ChildSpec, row: Mapping[str, Any], position: int
    ) -> Any:
        """One part (an attendee, an agenda item, a decision) from a row of the form's table,
        cleaned and checked against its ``ChildSpec``."""
        values: dict[str, Any] = {"position": position}
        for name, max_length, multiline in spec.text_fields:
            text = validators.clean_text(row.get(name, ""), multiline=multiline)
            if len(text) > max_length:
                raise ValidationError(
                    name,
                    f"too long (at most {max_length:,} characters).",
                    f"内容过长（最多 {max_length:,} 个字符）。",
                )
            values[name] = text
        for name, vocab in spec.choice_fields:
            key = row.get(name) or None
            if key is not None and not vocabulary.is_known(vocab, str(key)):
                raise ValidationError(
                    name,
                    f"'{str(key)[:40]}' is not an allowed value.",
                    f"“{str(key)[:40]}”不是允许的取值。",
                )
            values[name] = key
        for name in spec.bool_fields:
            values[name] = bool(row.get(name))
        for name, target in spec.link_fields:
            raw = row.get(name)
            fdef = FieldDef(name, LINK, name, name, target=target)
            values[name] = self._resolve_link(session, fdef, raw) if raw not in (None, "") else None
        for name in spec.required:
            if values.get(name) in (None, ""):
                raise ValidationError(
                    name, f"{name.replace('_', ' ')} is required.", "必填项未填写。"
                )
        return spec.model(**values)

    def save_meeting_content(
        self,
        meeting_id: int,
        expected_version: int,
        *,
        attendees: list[Mapping[str, Any]] | None = None,
        agenda: list[Mapping[str, Any]] | None = None,
        decisions: list[Mapping[str, Any]] | None = None,
    ) -> Change:
        """Replace a meeting's attendees, agenda items and/or decisions (lists given)."""
        require(self.actor, "update", "meeting")
        rt = record_type("meeting")

        def work(session: Session) -> Change:
            meeting = self._load(session, rt, meeting_id)
            if meeting.version != expected_version:
                raise StaleEditError(meeting.reference, meeting.updated_by, meeting.updated_at)
            changes: dict[str, Any] = {}
            errors: list[ValidationError] = []
            for name, rows in (
                ("attendees", attendees),
                ("agenda_items", agenda),
                ("decisions", decisions),
            ):
                if rows is None:
                    continue
                spec = CHILDREN[name]
                new_children = []
                for i, row in enumerate(rows, start=1):
                    try:
                        new_children.append(self._build_child(session, spec, row, i))
                    except ValidationError as e:
                        errors.append(
                            ValidationError(
                                f"{name}[{i}].{e.field}",
                                f"{spec.label_en} {i}: {e.message_en}",
                                f"{spec.label_zh} {i}：{e.message_zh}",
                            )
                        )
                old = [spec.summary(c) for c in getattr(meeting, name)]
                new = [spec.summary(c) for c in new_children]
                if old != new:
                    changes[name] = [old, new]
                    setattr(meeting, name, new_children)
            if errors:
                raise ValidationErrors(errors)
            if not changes:
                return Change("meeting", "none", (meeting.id,), meeting.reference, meeting.version)
            self._bump(session, rt, meeting, expected_version)
            trail.append(
                session,
                actor=self.actor.username,
                action="update",
                record_type="meeting",
                record_id=meeting.id,
                reference=meeting.reference,
                changes=changes,
            )
            session.flush()
            return Change(
                "meeting",
                "update",
                (meeting.id,),
                meeting.reference,
                meeting.version,
                tuple(changes),
            )

        return self._run(work)


def find_by_reference(session: Session, reference: str) -> tuple[RecordType, Any]:
    rt = type_of_reference(reference)
    if rt is not None:
        obj = session.execute(
            select(rt.model).where(rt.model.reference == reference.strip())
        ).scalar_one_or_none()
        if obj is not None:
            return rt, obj
    raise NotFoundError(
        f"No record with reference {reference[:40]!r}.", f"找不到编号为 {reference[:40]!r} 的记录。"
    )


def count_all(session: Session, type_key: str) -> int:
    rt = record_type(type_key)
    return session.execute(select(func.count()).select_from(rt.model)).scalar_one()
