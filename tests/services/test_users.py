"""Accounts: first run, argon2id hashes, sign-in with lockout, roles, and their audit trail."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from workinggroup_app.audit import trail
from workinggroup_app.domain.errors import NotFoundError, PermissionDenied, ValidationError
from workinggroup_app.domain.models import AuditEvent, User
from workinggroup_app.domain.permissions import ROLES, Actor
from workinggroup_app.services import users

PW = "correct horse battery"
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fast_hasher(monkeypatch):
    # Real argon2id, cheaper parameters: the suite stays fast. One test uses the defaults.
    monkeypatch.setattr(users, "hasher", PasswordHasher(time_cost=1, memory_cost=1024))
    monkeypatch.setattr(users, "_dummy_hash", None)


@pytest.fixture
def admin(db):
    return users.create_first_administrator(db, "admin", PW, "Ada Admin")


def events(db, action=None):
    with db.session() as s:
        q = select(AuditEvent).order_by(AuditEvent.id)
        if action:
            q = q.where(AuditEvent.action == action)
        return list(s.execute(q).scalars())


def clock(t):
    return lambda: t


def test_first_run_creates_the_administrator_once(db):
    assert users.first_run_needed(db)
    actor = users.create_first_administrator(db, "Admin ", PW, "Ada Admin")
    assert actor == Actor("admin", "administrator", "Ada Admin")
    assert not users.first_run_needed(db)
    with pytest.raises(users.DomainError):
        users.create_first_administrator(db, "second", PW)
    (ev,) = events(db, "permission")
    assert ev.actor == "admin" and json.loads(ev.changes)["role"] == [None, "administrator"]


def test_password_is_stored_as_argon2id_never_in_clear(db, monkeypatch):
    monkeypatch.setattr(users, "hasher", PasswordHasher())  # the shipped parameters
    users.create_first_administrator(db, "admin", PW)
    with db.session() as s:
        stored = s.execute(select(User.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$")
    assert PW not in stored
    with db.session() as s:
        trail = " ".join(e.changes for e in s.execute(select(AuditEvent)).scalars())
    assert PW not in trail and "argon2" not in trail


def test_weak_passwords_and_bad_names_are_refused_with_both_languages(db):
    for bad in ("short", "admin-password-1", "aaaaaaaaaaaaaaaa", " leading space pw"):
        with pytest.raises(ValidationError) as e:
            users.create_first_administrator(db, "admin", bad)
        assert e.value.field == "password" and e.value.message_zh != e.value.message_en
    for bad_name in ("", "a", "has space", "名字", "x" * 80, "-dash"):
        with pytest.raises(ValidationError) as e:
            users.create_first_administrator(db, bad_name, PW)
        assert e.value.field == "username"
    assert users.first_run_needed(db)


def test_sign_in_returns_the_actor_and_is_audited(db, admin):
    actor = users.authenticate(db, "ADMIN", PW, now=clock(T0))
    assert actor.username == "admin" and actor.role == "administrator"
    (ev,) = events(db, "sign_in")
    assert ev.actor == "admin" and ev.outcome == "ok"
    assert json.loads(ev.changes)["purpose"] == "sign_in"
    assert users.get_user(db, "admin").last_seen_at == T0


def test_wrong_password_is_audited_and_says_nothing_about_the_account(db, admin):
    with pytest.raises(users.WrongPassword) as wrong:
        users.authenticate(db, "admin", "not the password", now=clock(T0))
    with pytest.raises(users.WrongPassword) as unknown:
        users.authenticate(db, "nobody-here", "not the password", now=clock(T0))
    # the same words whether or not the user exists, in English and Chinese
    assert wrong.value.message_en == unknown.value.message_en
    assert "用户名或密码错误" in wrong.value.message("zh_CN")
    failed = events(db, "sign_in_failed")
    assert [e.outcome for e in failed] == ["wrong_password", "unknown_user"]
    assert failed[0].actor == "admin"
    # a name nobody has may be a mistyped password: only its first characters are kept
    assert failed[1].actor.startswith("no") and "nobody-here" not in failed[1].actor


def test_five_failures_lock_for_ten_minutes_even_for_the_right_password(db, admin):
    for i in range(4):
        with pytest.raises(users.WrongPassword):
            users.authenticate(db, "admin", f"wrong {i}", now=clock(T0))
    with pytest.raises(users.AccountLocked) as locked:
        users.authenticate(db, "admin", "wrong 5", now=clock(T0))
    assert locked.value.minutes_left == 10
    with pytest.raises(users.AccountLocked) as still:
        users.authenticate(db, "admin", PW, now=clock(T0 + timedelta(minutes=3, seconds=10)))
    assert still.value.minutes_left == 7
    assert "7 minutes" in still.value.message_en and "7 分钟" in still.value.message_zh
    # after ten minutes the right password works again and the counter starts afresh
    actor = users.authenticate(db, "admin", PW, now=clock(T0 + timedelta(minutes=10)))
    assert actor.username == "admin"
    info = users.get_user(db, "admin")
    assert info.failed_attempts == 0 and info.locked_until is None
    outcomes = [e.outcome for e in events(db) if e.action.startswith("sign_in")]
    assert outcomes == ["wrong_password"] * 5 + ["locked", "ok"]


def test_a_success_resets_the_failure_counter(db, admin):
    for _ in range(4):
        with pytest.raises(users.WrongPassword):
            users.authenticate(db, "admin", "nope nope nope", now=clock(T0))
    users.authenticate(db, "admin", PW, now=clock(T0))
    for _ in range(4):  # four more failures do not lock: the count restarted
        with pytest.raises(users.WrongPassword):
            users.authenticate(db, "admin", "nope nope nope", now=clock(T0))
    assert users.get_user(db, "admin").locked_until is None


def test_disabled_account_cannot_sign_in(db, admin):
    users.create_user(db, admin, "liu", PW, "liaison", "Liu Yang")
    users.set_active(db, admin, "liu", False)
    with pytest.raises(users.AccountDisabled) as e:
        users.authenticate(db, "liu", PW)
    assert "停用" in e.value.message_zh
    assert events(db, "sign_in_failed")[-1].outcome == "disabled"
    users.set_active(db, admin, "liu", True)
    assert users.authenticate(db, "liu", PW).role == "liaison"


def test_set_role_is_audited_as_a_permission_change(db, admin):
    users.create_user(db, admin, "chen", PW, "viewer")
    change = users.set_role(db, admin, "chen", "coordinator")
    assert change.action == "permission" and change.fields == ("role",)
    ev = events(db, "permission")[-1]
    assert ev.actor == "admin" and ev.reference == "chen"
    assert json.loads(ev.changes) == {"role": ["viewer", "coordinator"]}
    assert users.authenticate(db, "chen", PW).role == "coordinator"
    with pytest.raises(ValidationError):
        users.set_role(db, admin, "chen", "emperor")
    with pytest.raises(NotFoundError):
        users.set_role(db, admin, "ghost", "viewer")


@pytest.mark.parametrize("role", [r for r in ROLES if r != "administrator"])
def test_only_administrators_manage_users(db, admin, role):
    users.create_user(db, admin, "target", PW, "viewer")
    users.create_user(db, admin, "someone", PW, role)
    actor = users.authenticate(db, "someone", PW)
    before = len(events(db))
    calls = [
        lambda: users.create_user(db, actor, "newbie", PW, "viewer"),
        lambda: users.set_role(db, actor, "target", "administrator"),
        lambda: users.set_role(db, actor, "someone", "administrator"),
        lambda: users.set_active(db, actor, "target", False),
        lambda: users.unlock(db, actor, "target"),
        lambda: users.set_password(db, actor, "target", "a brand new password"),
        lambda: users.list_users(db, actor),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert len(events(db)) == before
    assert users.get_user(db, "target").role == "viewer"
    assert users.get_user(db, "newbie") is None


def test_a_demoted_administrator_cannot_keep_acting_with_an_old_session(db, admin):
    users.create_user(db, admin, "boss", PW, "administrator")
    boss = users.authenticate(db, "boss", PW)
    users.set_role(db, admin, "boss", "viewer")
    with pytest.raises(PermissionDenied):
        users.set_role(db, boss, "admin", "viewer")
    assert users.get_user(db, "admin").role == "administrator"


def test_the_last_administrator_cannot_be_demoted_or_disabled(db, admin):
    with pytest.raises(ValidationError):
        users.set_role(db, admin, "admin", "viewer")
    users.create_user(db, admin, "second", PW, "administrator")
    with pytest.raises(ValidationError):
        users.set_active(db, admin, "admin", False)  # not one's own account either
    second = users.authenticate(db, "second", PW)
    users.set_role(db, second, "admin", "manager")
    with pytest.raises(ValidationError):
        users.set_active(db, second, "second", False)
    with pytest.raises(ValidationError):
        users.set_role(db, second, "second", "viewer")


def test_password_reset_and_change(db, admin):
    users.create_user(db, admin, "wang", PW, "liaison")
    for _ in range(5):
        with pytest.raises(users.SignInError):
            users.authenticate(db, "wang", "wrong wrong wrong")
    users.set_password(db, admin, "wang", "a reset password 42")  # also lifts the lock
    wang = users.authenticate(db, "wang", "a reset password 42")
    with pytest.raises(ValidationError) as e:
        users.set_password(db, wang, "wang", "another password 43", current_password="bad")
    assert e.value.field == "current_password"
    users.set_password(
        db, wang, "wang", "another password 43", current_password="a reset password 42"
    )
    assert users.authenticate(db, "wang", "another password 43").username == "wang"
    changes = [json.loads(e.changes) for e in events(db, "permission")[-2:]]
    assert changes == [{"password": "reset"}, {"password": "changed"}]


def test_unlock_by_administrator(db, admin):
    users.create_user(db, admin, "zhao", PW, "viewer")
    for _ in range(5):
        with pytest.raises(users.SignInError):
            users.authenticate(db, "zhao", "wrong wrong wrong", now=clock(T0))
    assert users.get_user(db, "zhao").locked(T0)
    users.unlock(db, admin, "zhao")
    assert users.authenticate(db, "zhao", PW, now=clock(T0)).username == "zhao"


def test_every_sign_in_event_keeps_the_chain_valid(db, admin):
    users.authenticate(db, "admin", PW)
    with pytest.raises(users.WrongPassword):
        users.authenticate(db, "admin", "wrong wrong wrong")
    users.create_user(db, admin, "kim", PW, "manager")
    with db.session() as s:
        result = trail.verify(s)
    assert result.ok and result.checked == 4


def test_list_users_shows_roles_and_never_hashes(db, admin):
    users.create_user(db, admin, "li", PW, "manager", "Li Na 李娜")
    listed = users.list_users(db, admin)
    assert [(u.username, u.role, u.display_name) for u in listed] == [
        ("admin", "administrator", "Ada Admin"),
        ("li", "manager", "Li Na 李娜"),
    ]
    assert not any("argon" in repr(u) for u in listed)
