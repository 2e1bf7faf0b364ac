"""A shared PostgreSQL server: each person as their own database role, and racing editors.

Runs only when WORKINGGROUP_TEST_POSTGRES_URL names a server; each test works in a fresh
database it creates and drops (never the shared ``test`` database's schema), and the
roles it creates carry a random suffix and are dropped afterwards.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import uuid
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from workinggroup_app.audit import trail
from workinggroup_app.domain.errors import StaleEditError
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.services import users
from workinggroup_app.services.records import Services
from workinggroup_app.storage.database import open_database

pytestmark = pytest.mark.postgres

ROLES_SQL = Path(__file__).resolve().parents[2] / "packaging" / "postgres" / "roles.sql"
PW = "correct horse battery"


@pytest.fixture(autouse=True)
def fast_hasher(monkeypatch):
    monkeypatch.setattr(users, "hasher", PasswordHasher(time_cost=1, memory_cost=1024))


def psql(url: str, **variables: str) -> None:
    """Run roles.sql as the documentation says, with psql."""
    exe = shutil.which("psql")
    assert exe, "psql (the PostgreSQL client) is needed to run packaging/postgres/roles.sql"
    u = make_url(url)
    env = dict(os.environ, PGPASSWORD=u.password or "")
    args = [exe, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", u.host or "localhost"]
    args += ["-p", str(u.port or 5432), "-U", u.username or "postgres", "-d", u.database or ""]
    for name, value in variables.items():
        args += ["-v", f"{name}={value}"]
    result = subprocess.run(
        [*args, "-f", str(ROLES_SQL)], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


class Roles:
    def __init__(self, url: str) -> None:
        tag = uuid.uuid4().hex[:8]
        self.url = url
        self.app = f"wgtest_app_{tag}"
        self.admin = f"wgtest_admin_{tag}"
        self.people: list[str] = []
        self.groups = {"app_role": self.app, "admin_role": self.admin}

    def setup(self) -> None:
        psql(self.url, **self.groups)

    def person(self, name: str, *, admin: bool = False) -> str:
        role = f"{name}_{self.app[-8:]}"
        extra = {"admin": "1"} if admin else {}
        psql(self.url, **self.groups, new_user=role, new_password=PW, **extra)
        self.people.append(role)
        return role

    def url_for(self, role: str) -> str:
        return (
            make_url(self.url).set(username=role, password=PW).render_as_string(hide_password=False)
        )

    def drop(self) -> None:
        everyone = [*self.people, self.admin, self.app]
        engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql(
                    "DROP OWNED BY " + ", ".join(f'"{r}"' for r in everyone) + " CASCADE"
                )
                for role in everyone:
                    conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')
        finally:
            engine.dispose()


@pytest.fixture
def roles(pg_url):
    owner_db = open_database(pg_url)  # the owner migrates; users never do
    owner_db.dispose()
    r = Roles(pg_url)
    try:
        r.setup()
        yield r
    finally:
        r.drop()


def refused(conn, sql: str, **params) -> bool:
    """True when the database refuses the statement for lack of privilege."""
    try:
        with conn.begin():
            conn.execute(text(sql), params)
    except DBAPIError as exc:
        assert getattr(exc.orig, "sqlstate", None) == "42501", exc  # insufficient_privilege
        return True
    return False


def test_a_user_role_appends_to_the_audit_trail_but_cannot_change_it(roles):
    owner = open_database(roles.url)
    admin = users.create_first_administrator(owner, "admin", PW)
    owner.dispose()
    liu = roles.person("liu")
    db = open_database(roles.url_for(liu))
    try:
        # the services work as this role: every kind of write
        svc = Services(db, Actor(liu, "administrator"))
        case = svc.create("case", {"title_en": "Precursor network", "title_zh": "前体网络"})
        svc.update("case", case.ids[0], {"summary_en": "NPP shipments"}, 1)
        svc.transition("case", case.ids[0], "active", comment="opened", expected_version=2)
        ai = svc.create(
            "action_item",
            {"title_en": "Ask", "title_zh": "询问", "owner_side": "PRC",
             "origin_case_id": case.ids[0]},
        )  # fmt: skip
        svc.bulk_transition("action_item", [(ai.ids[0], 1)], "in_progress")
        m = svc.create("meeting", {"title_en": "Plenary", "title_zh": "全体会议",
                                   "meeting_type": "plenary"})  # fmt: skip
        ch = svc.save_meeting_content(m.ids[0], 1, agenda=[{"title_en": "One"}])
        svc.save_meeting_content(m.ids[0], ch.version, agenda=[{"title_en": "Two"}])
        svc.update("meeting", m.ids[0], {"cases": [case.ids[0]]}, ch.version + 1)
        svc.archive("action_item", ai.ids[0], 2)
        svc.restore("action_item", ai.ids[0], 3)
        # sign-in as this role: counter and audit event are written
        with pytest.raises(users.WrongPassword):
            users.authenticate(db, "admin", "wrong wrong wrong")
        users.authenticate(db, "admin", PW)
        with db.session() as s:
            result = trail.verify(s)
            assert result.ok and result.checked == 14  # 11 writes, 2 sign-ins, first admin

        with db.engine.connect() as conn:
            assert refused(conn, "UPDATE audit_event SET actor = 'someone else'")
            assert refused(conn, "DELETE FROM audit_event")
            assert refused(conn, "TRUNCATE audit_event")
            assert refused(conn, "UPDATE status_change SET comment = ''")
            assert refused(conn, "DELETE FROM status_change")
            assert refused(conn, 'DELETE FROM "case"')  # records are archived, not deleted
            assert refused(conn, "UPDATE app_user SET role = 'administrator'")
            assert refused(conn, "INSERT INTO app_user (username, display_name, role, "
                                 "password_hash, failed_attempts, active, created_at) VALUES "
                                 "('eve', '', 'administrator', '', 0, true, now())")  # fmt: skip
            assert refused(conn, "UPDATE alembic_version SET version_num = 'x'")
            assert refused(conn, "CREATE TABLE sneaky (id int)")
            # INSERT works (inside a transaction we roll back: a raw row would break the chain)
            trans = conn.begin()
            conn.execute(
                text(
                    "INSERT INTO audit_event (at, actor, action, record_type, record_id, "
                    "reference, changes, outcome, prev_hash, hash) VALUES "
                    "(now(), 'x', 'export', '', NULL, '', '{}', 'ok', '', '')"
                )
            )
            trans.rollback()
        # a plain user's database role cannot manage accounts, whatever the application says
        with pytest.raises(DBAPIError):
            users.create_user(db, Actor("admin", "administrator"), "newbie", PW, "viewer")
    finally:
        db.dispose()

    # an administrator's role can
    boss = roles.person("boss", admin=True)
    boss_db = open_database(roles.url_for(boss))
    try:
        users.create_user(boss_db, admin, "newbie", PW, "viewer")
        users.set_role(boss_db, admin, "newbie", "liaison")
        assert users.authenticate(boss_db, "newbie", PW).role == "liaison"
        with boss_db.engine.connect() as conn:
            assert refused(conn, "DELETE FROM audit_event")
            assert refused(conn, "DELETE FROM app_user")
    finally:
        boss_db.dispose()


def test_a_role_outside_the_group_cannot_connect(roles):
    stranger = f"wgtest_stranger_{roles.app[-8:]}"
    engine = create_engine(roles.url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"CREATE ROLE \"{stranger}\" LOGIN PASSWORD '{PW}'")
    engine.dispose()
    roles.people.append(stranger)
    outsider = create_engine(roles.url_for(stranger))
    try:
        with pytest.raises(DBAPIError), outsider.connect() as conn:
            conn.execute(text("SELECT count(*) FROM audit_event"))
    finally:
        outsider.dispose()


def test_running_roles_sql_again_is_harmless(roles):
    roles.setup()
    liu = roles.person("liu")
    roles.person("liu")  # the same person again: password reset, no error
    db = open_database(roles.url_for(liu))
    try:
        Services(db, Actor(liu, "liaison")).create("case", {"title_en": "C", "title_zh": "案"})
    finally:
        db.dispose()


# --- two editors racing on one record ---------------------------------------------------------


def _race(pg_db, monkeypatch, call, *, hold_at_bump: bool) -> list[object]:
    """Run ``call(services)`` for two users at once; return what each got."""
    barrier = threading.Barrier(2, timeout=30)
    if hold_at_bump:
        # both have read the record and passed the version check before either writes
        real_bump = Services._bump

        def bump(self, *args, **kwargs):
            barrier.wait()
            return real_bump(self, *args, **kwargs)

        monkeypatch.setattr(Services, "_bump", bump)
    results: list[object] = [None, None]

    def worker(i: int) -> None:
        svc = Services(pg_db, Actor(f"editor{i}", "liaison"))
        if not hold_at_bump:
            barrier.wait()
        try:
            results[i] = call(svc, i)
        except Exception as exc:  # the loser's error is the result we check
            results[i] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    monkeypatch.undo()
    return results


@pytest.mark.parametrize("hold_at_bump", [True, False])
def test_two_sessions_racing_on_one_record(pg_db, monkeypatch, hold_at_bump):
    svc = Services(pg_db, Actor("creator", "liaison"))
    for _round in range(5):
        case = svc.create("case", {"title_en": "Shared", "title_zh": "共享"})
        before = _audit_count(pg_db)
        results = _race(
            pg_db,
            monkeypatch,
            lambda s, i, cid=case.ids[0]: s.update("case", cid, {"summary_en": f"mine {i}"}, 1),
            hold_at_bump=hold_at_bump,
        )
        winners = [r for r in results if not isinstance(r, Exception)]
        losers = [r for r in results if isinstance(r, Exception)]
        assert len(winners) == 1 and len(losers) == 1, results
        loser = losers[0]
        assert isinstance(loser, StaleEditError), loser
        winner_name = f"editor{results.index(winners[0])}"
        assert loser.changed_by == winner_name and loser.changed_at is not None
        assert winner_name in loser.message_en and winner_name in loser.message_zh
        with pg_db.session() as s:
            row = s.execute(
                text('SELECT version, summary_en, updated_by FROM "case" WHERE id = :i'),
                {"i": case.ids[0]},
            ).one()
        assert row.version == 2 and row.updated_by == winner_name
        assert row.summary_en == f"mine {results.index(winners[0])}"
        assert _audit_count(pg_db) == before + 1  # only the winner's change is audited
    with pg_db.session() as s:
        assert trail.verify(s).ok  # concurrent appends never forked the chain


def test_racing_transitions_one_wins(pg_db, monkeypatch):
    svc = Services(pg_db, Actor("creator", "liaison"))
    case = svc.create("case", {"title_en": "Shared", "title_zh": "共享"})
    targets = ["active", "closed"]
    results = _race(
        pg_db,
        monkeypatch,
        lambda s, i: s.transition(
            "case", case.ids[0], targets[i], expected_version=1, outcome="prosecution"
        ),
        hold_at_bump=True,
    )
    assert sum(isinstance(r, StaleEditError) for r in results) == 1, results
    with pg_db.session() as s:
        history = s.execute(
            text("SELECT count(*) FROM status_change WHERE record_id = :i AND record_type='case'"),
            {"i": case.ids[0]},
        ).scalar_one()
        assert history == 2  # created + the one winning transition
        assert trail.verify(s).ok


def _audit_count(db) -> int:
    with db.session() as s:
        return s.execute(text("SELECT count(*) FROM audit_event")).scalar_one()
