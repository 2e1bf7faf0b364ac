"""What a link field may point to: the options of a picker, a linked record's label, and
which records an audience may see; and the accounts an owner field may name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, true
from sqlalchemy.orm import Session

from workinggroup_app.domain import models, releasability
from workinggroup_app.domain.fields import record_type
from workinggroup_app.read.text_filter import like_escape


def options(
    session: Session, type_key: str, text: str = "", limit: int = 50
) -> list[tuple[int, str]]:
    """Choices for a type-ahead picker: (id, label), labels as ``link_label`` makes them."""
    rt = record_type(type_key)
    m = rt.model
    q = select(m).where(m.archived.is_(False))
    needle = text.strip()
    if needle:
        like = f"%{like_escape(needle)}%"
        conds = [
            m.reference.ilike(like, escape="\\"),
            m.title_en.ilike(like, escape="\\"),
            m.title_zh.like(like, escape="\\"),
        ]
        if type_key == "agency":
            conds.append(models.Agency.abbreviation.ilike(like, escape="\\"))
        q = q.where(or_(*conds))
    order = models.Agency.abbreviation if type_key == "agency" else m.id.desc()
    return [
        (obj.id, _label(type_key, obj))
        for obj in session.execute(q.order_by(order).limit(limit)).scalars()
    ]


def _label(type_key: str, obj: Any) -> str:
    zh = f" / {obj.title_zh}" if obj.title_zh else ""
    if type_key == "agency":
        return f"{obj.abbreviation} — {obj.title_en}{zh}"
    return f"{obj.reference}  {obj.title_en}{zh}"


def link_label(session: Session, type_key: str, record_id: int | None) -> str:
    if record_id is None:
        return ""
    obj = session.get(record_type(type_key).model, record_id)
    return "" if obj is None else _label(type_key, obj)


def visible_for(audience: str, type_key: str) -> ColumnElement[bool]:
    rt = record_type(type_key)
    return releasability.visible_clause(audience, rt.key, rt.model)


# --- accounts (an action item's owner) ------------------------------------------------------

ACCOUNT_LIMIT = 5000  # an office has a few hundred accounts; a picker never lists more


@dataclass(frozen=True)
class AccountOption:
    """One account as an owner picker offers it (plain values, never the password hash)."""

    id: int
    username: str
    display_name: str
    active: bool

    @property
    def name(self) -> str:
        """How the owner is shown: the display name, else the user name."""
        return self.display_name.strip() or self.username

    @property
    def label(self) -> str:
        """ "Alice Smith (alice)": the name people know and the user name that is unique."""
        return self.username if self.name == self.username else f"{self.name} ({self.username})"


def account_name_expression(user: Any) -> Any:
    """SQL for how an owner account is shown (display name, else user name), for lists."""
    return func.coalesce(func.nullif(func.trim(user.display_name), ""), user.username)


def accounts(
    session: Session,
    *,
    first: str | None = None,
    include: tuple[int, ...] = (),
    inactive: bool = False,
) -> list[AccountOption]:
    """The active accounts an owner may be, by name; the account ``first`` (the signed-in
    user's user name) leads, and the accounts ``include`` (a record's current owner, even if
    disabled since) are there too, so a picker never loses a stored value. ``inactive``:
    disabled accounts too, after the active ones (a filter's choices)."""
    u = models.User
    cond = true() if inactive else u.active.is_(True)
    if include:
        cond = or_(cond, u.id.in_(list(include)))
    rows = session.execute(
        select(u.id, u.username, u.display_name, u.active)
        .where(cond)
        .order_by(u.active.desc(), account_name_expression(u), u.username)
        .limit(ACCOUNT_LIMIT)
    ).all()
    out = [AccountOption(r.id, r.username, r.display_name or "", bool(r.active)) for r in rows]
    if first:
        out.sort(key=lambda a: a.username != first)  # stable: the rest stay by name
    return out


def account_option(session: Session, user_id: int | None) -> AccountOption | None:
    if user_id is None:
        return None
    user = session.get(models.User, user_id)
    if user is None:
        return None
    return AccountOption(user.id, user.username, user.display_name or "", bool(user.active))


def account_label(session: Session, user_id: int | None) -> str:
    """An owner account as a form shows it ("Alice Smith (alice)"); "" for none."""
    option = account_option(session, user_id)
    return "" if option is None else option.label


def account_id(session: Session, username: str) -> int | None:
    """The id of the account with this user name (the signed-in user's), if it has one."""
    u = models.User
    return session.execute(select(u.id).where(u.username == username)).scalar_one_or_none()
