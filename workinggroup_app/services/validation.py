"""Validation of a record's values, field by field, with the field definitions' own rules:
types, lengths, vocabularies, links that must exist, dates in order, unique values. Every
problem is reported at once, in both languages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workinggroup_app.domain import models, validators, vocabulary
from workinggroup_app.domain.errors import (
    ValidationError,
    ValidationErrors,
)
from workinggroup_app.domain.fields import (
    ACCOUNT,
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
)
from workinggroup_app.services.core import ServiceBase
from workinggroup_app.services.users import OwnerMatcher, account_label, usernames

# Fields a create may set although users cannot edit them (imports and exchanges).
_CREATE_ONLY = ("reference", "uuid", "status", "outcome", "duplicate_of_id")


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


def needed_in_status(
    rt: RecordType, status: str, values: Mapping[str, Any], bad: set[str] = frozenset()
) -> list[ValidationError]:
    """What a record in ``status`` lacks of the fields its workflow says that status needs
    (a referral that has been sent names its sending and receiving agencies)."""
    wf = rt.workflow
    if wf is None:
        return []
    word_en = vocabulary.word(wf.vocabulary, status)
    word_zh = vocabulary.word(wf.vocabulary, status, "zh")
    return [
        _err(
            rt.field(name),
            f"required for a record that is {word_en}.",
            f"状态为{word_zh}的记录必须填写此项。",
        )
        for name in wf.needed(status)
        if name not in bad and values.get(name) in (None, "")
    ]


class Validation(ServiceBase):
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
        if kind == ACCOUNT:
            return self._resolve_account(session, f, raw)
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
            # ids are 32-bit: a larger number names nothing (and would overflow the driver);
            # a record the session holds already (an import's links) is found without a query
            number = int(raw)
            if 0 < number < 2**31 and session.identity_key(model, number) in session.identity_map:
                return number
            found = session.get(model, number) if 0 < number < 2**31 else None
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

    def _resolve_account(
        self, session: Session, f: FieldDef, raw: Any, current: int | None = None
    ) -> int | None:
        """The id of the account ``raw`` names: an id, a user name or a display name. It must
        exist and be active when it is set; ``current`` (the stored owner) is kept as it is
        even if its account was disabled since."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        digits = str(raw).strip()
        user: models.User | None = None
        if (isinstance(raw, int) and not isinstance(raw, bool)) or (
            isinstance(raw, str) and digits.isascii() and digits.isdigit()
        ):
            number = int(raw)
            if current is not None and number == current:
                return current
            user = session.get(models.User, number) if 0 < number < 2**31 else None
            label = digits[:40]
            if user is None:
                raise _err(
                    f,
                    f"no account with id {label} exists; choose an account from the list.",
                    f"不存在编号为 {label} 的账户；请从列表中选择账户。",
                )
        else:
            label = validators.clean_text(raw, multiline=False)[:40]
            found = OwnerMatcher(session).candidates(raw)
            if len(found) > 1:
                names = ", ".join(u.username for u in found[:5])
                raise _err(
                    f,
                    f"'{label}' is the name of several accounts ({names}); give the user name.",
                    f"“{label}”是多个账户的名称（{names}）；请填写用户名。",
                )
            if not found:  # a disabled account's name says so; otherwise nobody has it
                found = OwnerMatcher(session, active_only=False).candidates(raw)[:1]
            if not found:
                raise _err(
                    f,
                    f"no active account is named '{label}'; give a user name or display name.",
                    f"没有名为“{label}”的启用账户；请填写用户名或显示名称。",
                )
            user = found[0]
            if current is not None and user.id == current:
                return current
        if not user.active:
            name = account_label(user)[:40]
            raise _err(
                f,
                f"the account of {name} is disabled; choose an active account.",
                f"{name} 的账户已停用；请选择启用的账户。",
            )
        return user.id

    def _audit_accounts(
        self, session: Session, rt: RecordType, changes: dict[str, Any]
    ) -> dict[str, Any]:
        """``changes`` with account ids replaced by user names (the trail names people)."""
        names = [f.name for f in rt.account_fields() if f.name in changes]
        if not names:
            return changes
        ids = [i for n in names for i in changes[n] if isinstance(i, int)]
        by_id = usernames(session, ids)
        out = dict(changes)
        for n in names:
            out[n] = [by_id.get(i, f"#{i}") if isinstance(i, int) else i for i in changes[n]]
        return out

    def _validate(
        self,
        session: Session,
        rt: RecordType,
        values: Mapping[str, Any],
        existing: models.RecordMixin | None,
        *,
        unique: bool = True,
        filled_later: frozenset[str] = frozenset(),
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
                if f.kind == ACCOUNT:
                    current = getattr(existing, name, None) if existing is not None else None
                    value = self._resolve_account(session, f, raw, current)
                else:
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
            else:
                errors.extend(
                    needed_in_status(rt, clean.scalars["status"], merged, bad | filled_later)
                )
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
        filled_later: frozenset[str] = frozenset(),
    ) -> dict[str, Any]:
        """Check the values of a new record exactly as ``create`` would, writing nothing.

        Returns the cleaned values (LINKS fields as lists of ids) or raises
        ValidationErrors. For importers, which validate many rows in one ``session`` and
        check uniqueness in bulk themselves (``unique=False``), and fill ``filled_later``
        (links to records the same import writes) once those exist.
        """
        rt = record_type(type_key)
        if session is not None:
            clean = self._validate(
                session, rt, values, None, unique=unique, filled_later=filled_later
            )
        else:
            with self.db.session() as s:
                clean = self._validate(
                    s, rt, values, None, unique=unique, filled_later=filled_later
                )
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
