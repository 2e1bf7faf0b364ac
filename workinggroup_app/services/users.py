"""User accounts: passwords, sign-in with lockout, roles. Every step is audited.

- Passwords are hashed with argon2id (argon2-cffi); the hash never leaves this module and
  never reaches the audit trail.
- Five failed sign-ins in a row lock the account for ten minutes. While it is locked even
  the right password is refused (the message says how many minutes are left).
- A sign-in, successful or not, writes one audit event (``sign_in`` / ``sign_in_failed``);
  creating an account, changing a role, resetting a password, disabling or unlocking an
  account writes one ``permission`` event. The event and the change are one transaction.
- Managing accounts needs the ``manage_users`` permission, checked here (not only in the
  interface) against the acting user's *current* row, so a demoted administrator cannot
  keep acting with an old session.
- The last active administrator can be neither demoted nor disabled.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, inspect, select, update
from sqlalchemy.orm import Session

from workinggroup_app.audit import trail
from workinggroup_app.domain import validators
from workinggroup_app.domain.errors import DomainError, NotFoundError, ValidationError
from workinggroup_app.domain.models import User, utcnow
from workinggroup_app.domain.permissions import ROLES, Actor, require
from workinggroup_app.domain.vocabulary import word
from workinggroup_app.services.core import Change
from workinggroup_app.storage.credentials import AccountState
from workinggroup_app.storage.database import Database

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=10)
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")

# argon2id with the library's defaults (RFC 9106 low-memory profile). Tests may swap in a
# cheaper hasher; stored hashes carry their own parameters, so verification still works.
hasher = PasswordHasher()
_dummy_hash: str | None = None


# --- errors ----------------------------------------------------------------------------


class SignInError(DomainError):
    """Sign-in refused."""


class WrongPassword(SignInError):
    def __init__(self) -> None:
        super().__init__(
            "The user name or password is wrong. After "
            f"{MAX_FAILED_ATTEMPTS} failed attempts in a row the account is locked for "
            f"{_minutes(LOCKOUT)} minutes.",
            f"用户名或密码错误。连续失败 {MAX_FAILED_ATTEMPTS} 次后，账户将被锁定 "
            f"{_minutes(LOCKOUT)} 分钟。",
        )


class AccountLocked(SignInError):
    def __init__(self, until: datetime, now: datetime) -> None:
        left = max(1, math.ceil((until - now).total_seconds() / 60))
        super().__init__(
            "This account is locked after too many failed sign-ins. Try again in "
            f"{left} minute{'s' if left != 1 else ''}, or ask an administrator to unlock it.",
            f"由于登录失败次数过多，此账户已被锁定。请在 {left} 分钟后重试，或请管理员解锁。",
        )
        self.until = until
        self.minutes_left = left


class AccountDisabled(SignInError):
    def __init__(self) -> None:
        super().__init__(
            "This account is disabled. Ask an administrator to enable it.",
            "此账户已停用。请联系管理员启用。",
        )


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


# --- plain values handed to callers -------------------------------------------------------


@dataclass(frozen=True)
class UserInfo:
    """One account as the user-administration screen shows it (never the hash)."""

    id: int
    username: str
    display_name: str
    role: str
    active: bool
    failed_attempts: int
    locked_until: datetime | None
    last_seen_at: datetime | None
    created_at: datetime | None

    def locked(self, now: datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or utcnow())


def _info(u: User) -> UserInfo:
    return UserInfo(
        u.id,
        u.username,
        u.display_name,
        u.role,
        bool(u.active),
        u.failed_attempts or 0,
        u.locked_until,
        u.last_seen_at,
        u.created_at,
    )


def _actor(u: User) -> Actor:
    return Actor(u.username, u.role, u.display_name or u.username)


# --- helpers ---------------------------------------------------------------------------


def normalise_username(username: object) -> str:
    return validators.account_name(username)


def _check_username(username: str) -> str:
    name = normalise_username(username)
    if not _USERNAME.match(name):
        raise ValidationError(
            "username",
            "A user name has 2 to 63 characters: lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter or digit.",
            "用户名为 2 至 63 个字符：小写字母、数字、“.”、“_”或“-”，须以字母或数字开头。",
        )
    return name


def check_username(username: str) -> str:
    """The user name as it would be stored, or a ValidationError saying what is wrong with
    it (for forms that check as the user types, before anything is hashed)."""
    return _check_username(username)


def _password_text(password: object) -> str:
    # The same password typed through different input methods must give the same hash.
    return unicodedata.normalize("NFC", "" if password is None else str(password))


def check_password(password: str, username: str = "") -> str:
    """The password to hash, or a ValidationError saying what is wrong with it."""
    pw = _password_text(password)
    if len(pw) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            "password",
            f"A password needs at least {MIN_PASSWORD_LENGTH} characters.",
            f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符。",
        )
    if len(pw) > MAX_PASSWORD_LENGTH:
        raise ValidationError(
            "password",
            f"A password has at most {MAX_PASSWORD_LENGTH} characters.",
            f"密码最多 {MAX_PASSWORD_LENGTH} 个字符。",
        )
    if pw.strip() != pw:
        raise ValidationError(
            "password",
            "A password cannot begin or end with a space.",
            "密码不能以空格开头或结尾。",
        )
    if username and username.lower() in pw.lower():
        raise ValidationError(
            "password", "A password cannot contain the user name.", "密码不能包含用户名。"
        )
    if len(set(pw)) < 4:
        raise ValidationError(
            "password",
            "This password is too easy to guess; use more different characters.",
            "此密码过于简单；请使用更多不同的字符。",
        )
    return pw


def _check_role(role: str) -> str:
    if role not in ROLES:
        allowed = ", ".join(ROLES)
        raise ValidationError(
            "role",
            f"'{str(role)[:40]}' is not a role (one of {allowed}).",
            f"“{str(role)[:40]}”不是有效角色（{allowed} 之一）。",
        )
    return role


def _verify(stored_hash: str, password: str) -> bool:
    try:
        return hasher.verify(stored_hash, _password_text(password))
    except (VerificationError, InvalidHashError):
        return False


def _burn_time(password: str) -> None:
    """Spend as long as a real check, so timing does not tell which user names exist."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hasher.hash("not a real password, only for timing")
    _verify(_dummy_hash, password)


def _find(session: Session, username: str, *, lock: bool = False) -> User | None:
    q = select(User).where(User.username == username)
    if lock:
        q = q.with_for_update()
    return session.execute(q).scalar_one_or_none()


def _get(session: Session, username: str, *, lock: bool = True) -> User:
    user = _find(session, normalise_username(username), lock=lock)
    if user is None:
        raise NotFoundError(
            f"No user named '{str(username)[:64]}'.", f"不存在用户“{str(username)[:64]}”。"
        )
    return user


def _require_admin(session: Session, actor: Actor) -> None:
    """The acting user must still be allowed to manage users *now*, not only at sign-in."""
    require(actor, "manage_users")
    row = _find(session, actor.username)
    if row is not None and (not row.active or row.role != actor.role):
        require(Actor(row.username, row.role if row.active else "viewer"), "manage_users")


def _active_admins(session: Session) -> int:
    return session.execute(
        select(func.count())
        .select_from(User)
        .where(User.role == "administrator", User.active.is_(True))
    ).scalar_one()


def _last_admin_error() -> ValidationError:
    return ValidationError(
        "role",
        "This is the last active administrator: make another user an administrator first.",
        "这是最后一位启用的管理员：请先将另一位用户设为管理员。",
    )


def _masked(name: str) -> str:
    """A user name nobody has: people sometimes type their password into the name box, so
    the audit trail keeps only its first two characters."""
    return (name[:2] + "*" * min(max(len(name) - 2, 1), 10))[:64]


def _audit(
    session: Session,
    actor: str,
    action: str,
    user: User | None,
    reference: str,
    changes: dict[str, Any],
    outcome: str = "ok",
) -> None:
    trail.append(
        session,
        actor=actor[:64],
        action=action,
        record_type="user",
        record_id=user.id if user is not None else None,
        reference=reference[:32],
        changes=changes,
        outcome=outcome,
    )


def _refused(session: Session, user: User, changes: dict[str, Any], why: str) -> None:
    """The audit event of a refused sign-in to a known account, and why."""
    _audit(session, user.username, "sign_in_failed", user, user.username, changes, why)


def _granted(
    session: Session, actor: Actor, user: User, changes: dict[str, Any], fields: tuple[str, ...]
) -> Change:
    """The audit event of an administrator's change to an account, and the Change."""
    _audit(session, actor.username, "permission", user, user.username, changes)
    return _change(user, fields)


def _keep(
    db: Database,
    session: Session,
    user: User,
    password: str | None = None,
    *,
    created: bool = False,
) -> None:
    """The account's key-file entry and server login follow it (storage/credentials.py)."""
    session.flush()
    db.account_saved(
        session,
        AccountState(user.username, user.role, bool(user.active), password, created),
    )


def _change(user: User, fields: tuple[str, ...]) -> Change:
    return Change("user", "permission", (user.id,), user.username, 0, fields)


# --- reads -----------------------------------------------------------------------------


def first_run_needed(db: Database) -> bool:
    """True when the database has no account yet: the first start creates the administrator
    (also before the schema is made: ``db upgrade`` of a new file)."""
    if not inspect(db.engine).has_table(User.__tablename__):
        return True
    with db.session() as s:
        return s.execute(select(func.count()).select_from(User)).scalar_one() == 0


def list_users(db: Database, actor: Actor) -> list[UserInfo]:
    require(actor, "manage_users")
    with db.session() as s:
        return [_info(u) for u in s.execute(select(User).order_by(User.username)).scalars()]


def get_user(db: Database, username: str) -> UserInfo | None:
    with db.session() as s:
        u = _find(s, normalise_username(username))
        return _info(u) if u is not None else None


# --- sign-in -----------------------------------------------------------------------------


@dataclass
class _Outcome:
    actor: Actor | None = None
    error: SignInError | None = None


def authenticate(
    db: Database,
    username: str,
    password: str,
    *,
    purpose: str = "sign_in",
    now: Callable[[], datetime] = utcnow,
) -> Actor:
    """The Actor for a right user name and password; otherwise a SignInError subclass.

    ``purpose`` ("sign_in" or "unlock") is recorded in the audit event. The counter, the
    lock and the audit event are committed even when the sign-in is refused.
    """
    name = normalise_username(username)
    with db.session() as s:
        found = _find(s, name)
        stored = found.password_hash if found is not None else None
    # The slow hash check runs outside the write transaction (it would hold SQLite's lock).
    if stored is None:
        _burn_time(password)
        ok = False
    else:
        ok = bool(stored) and _verify(stored, password)

    def work(session: Session) -> _Outcome:
        t = now()
        user = _find(session, name, lock=True)
        if user is None:
            _audit(
                session,
                _masked(name),
                "sign_in_failed",
                None,
                _masked(name),
                {"purpose": purpose},
                "unknown_user",
            )
            return _Outcome(error=WrongPassword())
        if user.locked_until is not None and user.locked_until > t:
            _refused(
                session, user, {"purpose": purpose, "locked_until": user.locked_until}, "locked"
            )
            return _Outcome(error=AccountLocked(user.locked_until, t))
        if user.locked_until is not None:  # the lock ran out: start counting afresh
            user.locked_until = None
            user.failed_attempts = 0
        if not ok or user.password_hash != stored:
            user.failed_attempts = (user.failed_attempts or 0) + 1
            changes: dict[str, Any] = {"purpose": purpose, "failed_attempts": user.failed_attempts}
            error: SignInError = WrongPassword()
            if user.failed_attempts >= MAX_FAILED_ATTEMPTS:
                user.locked_until = t + LOCKOUT
                user.failed_attempts = 0
                changes["locked_until"] = user.locked_until
                error = AccountLocked(user.locked_until, t)
            _refused(session, user, changes, "wrong_password")
            return _Outcome(error=error)
        if not user.active:
            _refused(session, user, {"purpose": purpose}, "disabled")
            return _Outcome(error=AccountDisabled())
        user.failed_attempts = 0
        user.locked_until = None
        user.last_seen_at = t
        _audit(session, user.username, "sign_in", user, user.username, {"purpose": purpose})
        return _Outcome(actor=_actor(user))

    result = db.write(work)
    if result.error is not None:
        raise result.error
    assert result.actor is not None
    return result.actor


# --- account management --------------------------------------------------------------------


@dataclass(frozen=True)
class _NewAccount:
    """An account to create, its name, password and display name already checked."""

    name: str
    display: str
    role: str
    hashed: str
    password: str = field(repr=False)

    @classmethod
    def checked(cls, username: str, password: str, role: str, display_name: str) -> _NewAccount:
        name = _check_username(username)
        pw = check_password(password, name)
        display = validators.clean_text(display_name, multiline=False)[:200]
        return cls(name, display, role, hasher.hash(pw), pw)

    def add(self, db: Database, session: Session, *, by: str, first_run: bool = False) -> User:
        """The new, active account, with the audit event that names who created it."""
        user = User(
            username=self.name,
            display_name=self.display,
            role=self.role,
            password_hash=self.hashed,
            failed_attempts=0,
            active=True,
            created_at=utcnow(),
        )
        session.add(user)
        session.flush()
        changes: dict[str, object] = {"user": [None, self.name], "role": [None, self.role]}
        if first_run:
            changes["first_run"] = True
        else:
            changes["active"] = [None, True]
        _audit(session, by, "permission", user, self.name, changes)
        _keep(db, session, user, self.password, created=True)
        return user


def new_account(username: str, password: str, role: str, display_name: str = "") -> _NewAccount:
    """An account checked and hashed, ready to ``add`` inside a caller's transaction."""
    return _NewAccount.checked(username, password, _check_role(role), display_name)


def actor_of(user: User) -> Actor:
    return _actor(user)


def create_first_administrator(
    db: Database, username: str, password: str, display_name: str = ""
) -> Actor:
    """The first account of a new database; refused once any account exists."""
    account = _NewAccount.checked(username, password, "administrator", display_name)

    def work(session: Session) -> Actor:
        if session.execute(select(func.count()).select_from(User)).scalar_one():
            raise DomainError(
                "An administrator already exists; sign in instead.",
                "管理员已存在；请直接登录。",
            )
        user = account.add(db, session, by=account.name, first_run=True)
        return _actor(user)

    return db.write(work)


def create_role_accounts(db: Database, password: str) -> list[str]:
    """One account per role, named after it (``administrator`` ... ``viewer``), all with
    ``password``: the demo's and scripts' way in. Only on a database with no account."""
    accounts = [_NewAccount.checked(role, password, role, word("role", role)) for role in ROLES]

    def work(session: Session) -> list[str]:
        if session.execute(select(func.count()).select_from(User)).scalar_one():
            raise DomainError(
                "This database has accounts already; the demo accounts are made only on a "
                "database without any.",
                "此数据库已有账户；演示账户只在没有任何账户的数据库中创建。",
            )
        first = accounts[0]
        for account in accounts:
            account.add(db, session, by=first.name, first_run=account is first)
        return [a.name for a in accounts]

    return db.write(work)


def create_user(
    db: Database,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
) -> Change:
    require(actor, "manage_users")
    _check_role(role)
    account = _NewAccount.checked(username, password, role, display_name)

    def work(session: Session) -> Change:
        _require_admin(session, actor)
        if _find(session, account.name) is not None:
            raise ValidationError(
                "username",
                f"The user name '{account.name}' is taken.",
                f"用户名“{account.name}”已被使用。",
            )
        user = account.add(db, session, by=actor.username)
        return _change(user, ("username", "role", "active"))

    return db.write(work)


def set_role(db: Database, actor: Actor, username: str, role: str) -> Change:
    """Give a user another role. Takes effect at their next sign-in or unlock."""
    require(actor, "manage_users")
    _check_role(role)

    def work(session: Session) -> Change:
        _require_admin(session, actor)
        user = _get(session, username)
        old = user.role
        if old == role:
            return Change("user", "none", (user.id,), user.username)
        if old == "administrator" and user.active and _active_admins(session) <= 1:
            raise _last_admin_error()
        user.role = role
        _keep(db, session, user)
        _audit(session, actor.username, "permission", user, user.username, {"role": [old, role]})
        return _change(user, ("role",))

    return db.write(work)


def set_active(db: Database, actor: Actor, username: str, active: bool) -> Change:
    """Disable (or enable again) an account. Accounts are never deleted: the audit trail
    names them."""
    require(actor, "manage_users")

    def work(session: Session) -> Change:
        _require_admin(session, actor)
        user = _get(session, username)
        if bool(user.active) == bool(active):
            return Change("user", "none", (user.id,), user.username)
        if not active and user.username == actor.username:
            raise ValidationError(
                "active", "You cannot disable your own account.", "不能停用您自己的账户。"
            )
        if not active and user.role == "administrator" and _active_admins(session) <= 1:
            raise _last_admin_error()
        user.active = bool(active)
        _keep(db, session, user)
        return _granted(session, actor, user, {"active": [not active, bool(active)]}, ("active",))

    return db.write(work)


def unlock(db: Database, actor: Actor, username: str) -> Change:
    """Lift a sign-in lock before its ten minutes run out."""
    require(actor, "manage_users")

    def work(session: Session) -> Change:
        _require_admin(session, actor)
        user = _get(session, username)
        if user.locked_until is None and not user.failed_attempts:
            return Change("user", "none", (user.id,), user.username)
        old = user.locked_until
        user.locked_until = None
        user.failed_attempts = 0
        return _granted(session, actor, user, {"locked_until": [old, None]}, ("locked_until",))

    return db.write(work)


def set_password(
    db: Database,
    actor: Actor,
    username: str,
    new_password: str,
    *,
    current_password: str | None = None,
) -> Change:
    """An administrator resets anyone's password; a user changes their own with the
    current one. Resetting also lifts a sign-in lock. The audit event never holds it."""
    name = normalise_username(username)
    own = name == actor.username
    if not own:
        require(actor, "manage_users")
    pw = check_password(new_password, name)
    hashed = hasher.hash(pw)

    def work(session: Session) -> Change:
        user = _get(session, name)
        if own:
            if current_password is None or not _verify(user.password_hash, current_password):
                raise ValidationError(
                    "current_password",
                    "The current password is wrong.",
                    "当前密码不正确。",
                )
        else:
            _require_admin(session, actor)
        session.execute(
            update(User)
            .where(User.id == user.id)
            .values(password_hash=hashed, failed_attempts=0, locked_until=None)
            .execution_options(synchronize_session=False)
        )
        _keep(db, session, user, pw)
        return _granted(
            session, actor, user, {"password": "changed" if own else "reset"}, ("password",)
        )

    return db.write(work)


def role_label(role: str, lang: str = "en") -> str:
    return word("role", role, lang)


# --- owners: which account a typed owner name means ---------------------------------------------

# "Alice Smith (alice)": how the owner picker shows an account (NFKC has made the brackets plain)
_LABELLED = re.compile(r"^(.*?)\s*\(([^()]+)\)$")


def owner_key(text: object) -> str:
    """A name as it is compared with accounts: control characters dropped, NFKC (full-width
    letters, digits and spaces become the plain ones), case folded, no white space at all
    (so "Alice  Smith", "alice smith", "ＡＬＩＣＥ　ＳＭＩＴＨ" and "王 伟" / "王伟" are alike)."""
    text = unicodedata.normalize("NFKC", validators.clean_text(text, multiline=False))
    return "".join(text.casefold().split())


class OwnerMatcher:
    """Owner names to active accounts, the accounts read once (an import asks for thousands
    of rows; an office has a few hundred accounts at most)."""

    def __init__(self, session: Session, *, active_only: bool = True) -> None:
        q = select(User).order_by(User.id)
        if active_only:
            q = q.where(User.active.is_(True))
        accounts = session.execute(q).scalars()
        self.by_username: dict[str, User] = {}
        self.by_display: dict[str, list[User]] = {}
        for user in accounts:
            self.by_username[owner_key(user.username)] = user
            key = owner_key(user.display_name)
            if key:
                self.by_display.setdefault(key, []).append(user)

    def candidates(self, text: object) -> list[User]:
        """Every active account ``text`` may name: its user name (one account, first), else
        accounts with that display name (several when two people share a name)."""
        key = owner_key(text)
        if not key:
            return []
        user = self.by_username.get(key)
        if user is not None:
            return [user]
        found = self.by_display.get(key)
        if found:
            return list(found)
        plain = unicodedata.normalize("NFKC", validators.clean_text(text, multiline=False))
        m = _LABELLED.match(plain)
        if m:  # "Alice Smith (alice)": the user name decides, the name must fit it
            user = self.by_username.get(owner_key(m.group(2)))
            name = owner_key(m.group(1))
            if user is not None and name in ("", owner_key(user.display_name)):
                return [user]
        return []

    def __call__(self, text: object) -> User | None:
        """The one active account ``text`` names, or None (none, or several alike)."""
        found = self.candidates(text)
        return found[0] if len(found) == 1 else None


def find_owner(
    session_or_db: Session | Database, text: object, *, active_only: bool = True
) -> User | None:
    """The active account an owner name means: its user name or display name, compared
    without case, white space or full-width forms; None when it names no active account,
    or several with the same display name. For the spreadsheet import and the owner field
    (``active_only=False``: disabled accounts too, for a list filter).

    Given a ``Database``, the account comes back detached from the session it was read in;
    to match many names read the accounts once with ``OwnerMatcher(session)``."""
    if isinstance(session_or_db, Database):
        with session_or_db.session() as s:
            user = OwnerMatcher(s, active_only=active_only)(text)
            if user is not None:
                s.expunge(user)
            return user
    return OwnerMatcher(session_or_db, active_only=active_only)(text)


def account_label(user: User) -> str:
    """How an account is shown as an owner: its display name, else its user name."""
    return (user.display_name or "").strip() or user.username


def usernames(session: Session, ids: Any) -> dict[int, str]:
    """User names of accounts by id (what the audit trail records for an owner)."""
    wanted = sorted({int(i) for i in ids if i is not None})
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.username).where(User.id.in_(wanted))).all()
    return {row.id: row.username for row in rows}
