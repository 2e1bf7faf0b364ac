"""On PostgreSQL the server enforces what the application enforces (storage/server_roles.py).

Each test works in a fresh database (``pg_url``); the cluster-wide roles ``db upgrade`` made
for it (``<db>:<role>`` groups, ``<db>_<user>`` logins) are dropped with it (conftest).
The test server trusts local connections, so a password is never checked when connecting:
what the server stores is checked instead (a SCRAM-SHA-256 verifier of that password).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import uuid

import psycopg
import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from tests.helpers import CLI_PASSWORD, World, run_command
from workinggroup_app.audit import trail
from workinggroup_app.domain.errors import PermissionDenied, StorageError
from workinggroup_app.domain.models import AuditEvent
from workinggroup_app.domain.permissions import ROLES, Actor
from workinggroup_app.services import users
from workinggroup_app.services.records import Services
from workinggroup_app.storage import server_roles
from workinggroup_app.storage.credentials import Credentials
from workinggroup_app.storage.database import open_database
from workinggroup_app.storage.server_roles import database_prefix, group_name, login_name

PW = CLI_PASSWORD  # what run_command signs in with
BOSS = Actor("boss", "administrator")


@pytest.fixture(autouse=True)
def fast_hasher(monkeypatch):
    monkeypatch.setattr(users, "hasher", PasswordHasher(time_cost=1, memory_cost=1024))


@pytest.fixture
def office(pg_url):
    """A server database as set-up leaves it: migrated by its owner, a first administrator
    ``boss``, a liaison ``liu`` and a viewer ``vic``."""
    db = open_database(pg_url)
    users.create_first_administrator(db, "boss", PW)
    users.create_user(db, BOSS, "liu", PW, "liaison")
    users.create_user(db, BOSS, "vic", PW, "viewer")
    try:
        yield db
    finally:
        db.dispose()


def dbname(db_or_url) -> str:
    url = db_or_url if isinstance(db_or_url, str) else db_or_url.url
    return make_url(url).database


def connect_as(url: str, login: str) -> psycopg.Connection:
    """A plain psql-like connection as ``login`` (no application in between)."""
    u = make_url(url)
    return psycopg.connect(
        host=u.host, port=u.port or 5432, user=login, dbname=u.database, autocommit=True
    )


def superuser(url: str, sql: str, **params) -> list:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(sql), params)
            return list(result) if result.returns_rows else []
    finally:
        engine.dispose()


def login_state(url: str, username: str) -> tuple[bool, str | None, set[str]]:
    """(may log in, stored password, groups) of the account's login."""
    login = login_name(dbname(url), username)
    rows = superuser(
        url,
        "SELECT a.rolcanlogin, a.rolpassword, g.rolname FROM pg_authid a "
        "LEFT JOIN pg_auth_members m ON m.member = a.oid "
        "LEFT JOIN pg_roles g ON g.oid = m.roleid WHERE a.rolname = :n",
        n=login,
    )
    assert rows, f"no login {login}"
    return rows[0][0], rows[0][1], {r[2] for r in rows if r[2]}


def scram_accepts(verifier: str, password: str) -> bool:
    """Whether a SCRAM-SHA-256 verifier is that of ``password`` (RFC 5802 / RFC 7677)."""
    method, rest = verifier.split("$", 1)
    assert method == "SCRAM-SHA-256"
    params, keys = rest.split("$")
    iterations, salt = params.split(":")
    stored_key, server_key = (base64.b64decode(k) for k in keys.split(":"))
    salted = hashlib.pbkdf2_hmac(
        "sha256", password.encode(), base64.b64decode(salt), int(iterations)
    )
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    return (
        hashlib.sha256(client_key).digest() == stored_key
        and hmac.new(salted, b"Server Key", "sha256").digest() == server_key
    )


def refused(conn: psycopg.Connection, sql: str) -> bool:
    try:
        conn.execute(sql)
    except psycopg.errors.InsufficientPrivilege:
        return True
    return False


def outside_events(db) -> list[AuditEvent]:
    with db.session() as s:
        q = select(AuditEvent).where(AuditEvent.outcome == server_roles.OUTSIDE)
        return list(s.execute(q.order_by(AuditEvent.id)).scalars())


def grants_and_triggers(url: str) -> list:
    return superuser(
        url,
        "SELECT 't', c.relname, coalesce(c.relacl::text, '') FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
        "UNION ALL SELECT 'c', attrelid::regclass::text || '.' || attname, attacl::text "
        "FROM pg_attribute WHERE attacl IS NOT NULL "
        "UNION ALL SELECT 'g', tgrelid::regclass::text, tgname FROM pg_trigger "
        "WHERE tgname LIKE 'wg_%' "
        "UNION ALL SELECT 'm', r.rolname, g.rolname FROM pg_auth_members m "
        "JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g ON g.oid = m.roleid "
        "WHERE g.rolname LIKE :p ORDER BY 1, 2, 3",
        p=database_prefix(dbname(url)) + ":%",
    )


# --- names -----------------------------------------------------------------------------------


def test_login_and_group_names_fit_the_servers_63_bytes_and_never_collide():
    assert login_name("office", "liu.wei") == "office_liu.wei"
    assert group_name("office", "viewer") == "office:viewer"
    # an account named like a role never takes the role's group name
    assert login_name("office", "viewer") != group_name("office", "viewer")
    long_db = "drug_policy_working_group_washington_2026"
    prefix = database_prefix(long_db)
    assert prefix.startswith("drug_pol~") and len(prefix.encode()) <= 24
    assert database_prefix(long_db + "x") != prefix  # two long names stay apart
    for user in ("a" * 63, "b" * 40 + "." + "c" * 22):
        name = login_name(long_db, user)
        assert len(name.encode()) <= 63 and name.startswith(prefix + "_" + user[:10])
        assert name != login_name(long_db, user[:-1] + "z")
    cjk = login_name("工作组数据库二〇二六年华盛顿", "x" * 63)
    assert len(cjk.encode()) <= 63


def test_the_server_takes_the_same_chain_lock_as_the_audit_trail():
    assert server_roles.CHAIN_LOCK == trail.CHAIN_LOCK


# --- db upgrade --------------------------------------------------------------------------------


@pytest.mark.postgres
def test_db_upgrade_makes_a_group_per_role_and_running_it_again_changes_nothing(pg_url, capsys):
    assert run_command(pg_url, "db", "upgrade") == 0
    out = capsys.readouterr().out
    name = dbname(pg_url)
    groups = [group_name(name, r) for r in ROLES]
    assert "server roles and grants up to date: " + ", ".join(groups) in out
    first = grants_and_triggers(pg_url)
    assert run_command(pg_url, "db", "upgrade") == 0
    assert "already at the latest revision" in capsys.readouterr().out
    assert grants_and_triggers(pg_url) == first

    rows = superuser(
        pg_url, "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname = ANY(:g)", g=groups
    )
    assert sorted(rows) == sorted((g, False) for g in groups)  # groups, nobody logs in as one

    def may(role: str, what: str, table: str, column: str | None = None) -> bool:
        g = group_name(name, role)
        if column:
            sql = "SELECT has_column_privilege(:g, :t, :c, :w)"
        else:
            sql = "SELECT has_table_privilege(:g, :t, :w)"
        return superuser(pg_url, sql, g=g, t=table, c=column, w=what)[0][0]

    assert may("viewer", "SELECT", "referral") and not may("viewer", "UPDATE", "referral")
    assert not may("viewer", "INSERT", "referral")
    assert may("liaison", "INSERT", "referral")
    assert may("liaison", "UPDATE", "referral", "title_en")
    assert not may("liaison", "UPDATE", "referral", "archived")  # archiving is senior
    assert may("manager", "UPDATE", "referral", "archived")
    assert not may("liaison", "INSERT", "meeting") and may("coordinator", "INSERT", "meeting")
    assert not may("coordinator", "INSERT", "agency") and may("manager", "INSERT", "agency")
    assert may("coordinator", "DELETE", "agenda_item")  # the services replace the agenda
    assert not may("liaison", "DELETE", "agenda_item")
    assert may("liaison", "DELETE", "referral_entity")
    for role in ROLES:
        for table in ("referral", "case", "meeting", "agency", "entity"):
            assert not may(role, "DELETE", table), (role, table)  # archived, never deleted
        for table in ("audit_event", "status_change"):
            assert not may(role, "UPDATE", table) and not may(role, "DELETE", table)
            assert not may(role, "TRUNCATE", table)
        assert not may(role, "UPDATE", "alembic_version")
        assert may(role, "UPDATE", "app_user", "failed_attempts")  # a sign-in counts
        assert may(role, "UPDATE", "app_user", "role") == (role == "administrator")
        assert may(role, "INSERT", "app_user") == (role == "administrator")
    # the account that ran it has its login, in the administrators' group
    can_login, _password, member_of = login_state(pg_url, "cli-admin")
    assert can_login and member_of == {group_name(name, "administrator")}


@pytest.mark.postgres
def test_an_owner_without_createrole_is_told_what_to_do(pg_url):
    owner = f"{dbname(pg_url)}_plain_owner"  # dropped with the database's roles
    superuser(pg_url, f'CREATE ROLE "{owner}" LOGIN')
    superuser(pg_url, f'ALTER DATABASE "{dbname(pg_url)}" OWNER TO "{owner}"')
    as_owner = make_url(pg_url).set(username=owner).render_as_string(hide_password=False)
    with pytest.raises(StorageError) as caught:
        open_database(as_owner).dispose()
    assert "may not create roles" in caught.value.message_en
    assert "CREATEROLE" in caught.value.message_en and "CREATEROLE" in caught.value.message_zh
    assert "无权创建角色" in caught.value.message_zh
    # nothing was half made: the upgrade rolled back
    assert superuser(pg_url, "SELECT to_regclass('public.alembic_version')")[0][0] is None

    # done as the message says, the same owner (no superuser) sets the database up
    superuser(pg_url, f'ALTER ROLE "{owner}" CREATEROLE')
    db = open_database(as_owner)
    try:
        boss = users.create_first_administrator(db, "boss", PW)
        users.create_user(db, boss, "liu", PW, "liaison")
        users.set_role(db, boss, "liu", "coordinator")
    finally:
        db.dispose()
    can_login, verifier, groups = login_state(pg_url, "liu")
    assert can_login and scram_accepts(verifier, PW)
    assert groups == {group_name(dbname(pg_url), "coordinator")}


# --- the accounts' logins ----------------------------------------------------------------------


def _cli(url: str, monkeypatch, *argv: str, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return run_command(url, *argv)


@pytest.mark.postgres
def test_users_commands_keep_each_persons_scram_login_in_its_group(pg_url, monkeypatch):
    name = dbname(pg_url)
    new = "liu.wei"
    add = ("users", "add", new, "--role", "viewer", "--new-password-stdin")
    assert _cli(pg_url, monkeypatch, *add, stdin=PW + "\n") == 0
    can_login, verifier, groups = login_state(pg_url, new)
    assert can_login and groups == {group_name(name, "viewer")}
    assert verifier.startswith("SCRAM-SHA-256$") and scram_accepts(verifier, PW)
    assert not scram_accepts(verifier, PW + "!")

    assert _cli(pg_url, monkeypatch, "users", "set-role", new, "liaison") == 0
    assert login_state(pg_url, new)[2] == {group_name(name, "liaison")}

    assert _cli(pg_url, monkeypatch, "users", "disable", new) == 0
    assert login_state(pg_url, new)[0] is False
    with pytest.raises(psycopg.OperationalError):
        connect_as(pg_url, login_name(name, new)).close()  # NOLOGIN: the server refuses
    assert _cli(pg_url, monkeypatch, "users", "enable", new) == 0
    assert login_state(pg_url, new)[0] is True
    connect_as(pg_url, login_name(name, new)).close()

    other = "another good password"
    reset = ("users", "reset-password", new, "--new-password-stdin")
    assert _cli(pg_url, monkeypatch, *reset, stdin=other + "\n") == 0
    verifier = login_state(pg_url, new)[1]
    assert scram_accepts(verifier, other) and not scram_accepts(verifier, PW)
    # the audit trail holds the account changes, never a password or its verifier
    db = open_database(pg_url)
    try:
        with db.session() as s:
            texts = " ".join(s.execute(select(AuditEvent.changes)).scalars())
            assert "SCRAM" not in texts and PW not in texts and other not in texts
            assert trail.verify(s).ok
    finally:
        db.dispose()


# --- enforcement, with plain psycopg -----------------------------------------------------------


@pytest.mark.postgres
def test_psql_as_a_liaison_and_a_viewer_is_held_to_their_role_and_audited(office, capsys):
    url = office.url
    name = dbname(url)
    rid = World(office, BOSS).make("referral", title_en="Fentanyl precursors")
    with office.session() as s:
        ref = s.execute(text("SELECT reference FROM referral WHERE id = :i"), {"i": rid}).scalar()
    liu, vic = login_name(name, "liu"), login_name(name, "vic")

    with connect_as(url, vic) as conn:
        assert refused(conn, f"UPDATE referral SET title_en = 'viewer was here' WHERE id = {rid}")
        assert refused(conn, "INSERT INTO status_change (record_type, record_id, to_status) "
                             "VALUES ('referral', 1, 'closed')")  # fmt: skip

    with connect_as(url, liu) as conn:
        # what a liaison may do, it may do with psql too: and the server audits it
        conn.execute(f"UPDATE referral SET title_en = 'Edited in psql' WHERE id = {rid}")
        assert refused(conn, f"UPDATE referral SET archived = true WHERE id = {rid}")
        assert refused(conn, f"DELETE FROM referral WHERE id = {rid}")
        assert refused(conn, "TRUNCATE referral")
        assert refused(conn, "UPDATE audit_event SET actor = 'someone else'")
        assert refused(conn, "DELETE FROM audit_event")
        assert refused(conn, "TRUNCATE audit_event")
        assert refused(conn, "UPDATE status_change SET comment = ''")
        assert refused(conn, "UPDATE app_user SET role = 'administrator'")
        assert refused(conn, "UPDATE alembic_version SET version_num = 'x'")
        assert refused(conn, "SELECT wg_keep_login('liu', 'administrator', true, NULL)")
        assert refused(conn, "CREATE TABLE sneaky (id int)")

    [event] = outside_events(office)
    assert event.actor == liu and event.action == "server_update"
    assert (event.record_type, event.record_id, event.reference) == ("referral", rid, ref)
    changes = json.loads(event.changes)
    assert changes["title_en"] == ["Fentanyl precursors", "Edited in psql"]
    with office.session() as s:
        result = trail.verify(s)
        assert result.ok, result  # the server's event is a link like any other

    # what an administrator reads in the record's history
    assert run_command(url, "audit", "history", ref, user="boss") == 0
    line = [x for x in capsys.readouterr().out.splitlines() if "outside" in x]
    assert len(line) == 1, line
    assert liu in line[0] and "Changed outside the application" in line[0]
    assert "Fentanyl precursors → Edited in psql" in line[0]
    assert run_command(url, "--lang", "zh_CN", "audit", "history", ref, user="boss") == 0
    assert "在应用程序之外修改" in capsys.readouterr().out


@pytest.mark.postgres
def test_nobody_rewrites_the_audit_trail_not_even_the_owner(office):
    World(office, BOSS).make("case")
    for sql in (
        "UPDATE audit_event SET actor = 'mallory'",
        "DELETE FROM audit_event",
        "TRUNCATE audit_event",
        "UPDATE status_change SET comment = 'rewritten'",
        "TRUNCATE status_change CASCADE",
    ):
        with pytest.raises(Exception, match="append-only") as caught:
            superuser(office.url, sql)
        assert "只能追加" in str(caught.value)
    with office.session() as s:
        assert trail.verify(s).ok


@pytest.mark.postgres
def test_owner_and_psql_inserts_and_deletes_are_audited_with_their_values(office):
    w = World(office, BOSS)
    case = w.make("case", title_en="Shared case")
    entity = w.make("entity", title_en="Shell company")
    before = w.audit_count()
    superuser(office.url, f"INSERT INTO case_entity (case_id, entity_id) VALUES ({case}, {entity})")
    superuser(office.url, f"DELETE FROM case_entity WHERE case_id = {case}")
    added, removed = outside_events(office)
    assert w.audit_count() == before + 2
    assert (added.action, added.record_type, added.record_id) == ("server_insert", "case", case)
    assert added.actor == "postgres"  # the owner's own psql session is audited too
    assert json.loads(added.changes)["case_entity.entity_id"] == [None, entity]
    assert removed.action == "server_delete"
    assert json.loads(removed.changes)["case_entity.entity_id"] == [entity, None]
    assert w.verify().ok


# --- the application through each person's own login ------------------------------------------


def own_login(url: str, username: str, password: str = PW):
    """The database as the desktop opens a server address that names no user."""
    u = make_url(url)
    bare = f"{u.drivername}://{u.host}:{u.port or 5432}/{u.database}"
    return open_database(bare, credentials=Credentials(username, password))


@pytest.mark.postgres
def test_the_application_works_through_each_persons_own_login_without_doubled_events(office):
    rid = World(office, BOSS).make("referral")
    liu_db = own_login(office.url, "liu")
    try:
        with liu_db.engine.connect() as conn:
            me = conn.execute(text("SELECT session_user")).scalar()
        assert me == login_name(dbname(office.url), "liu")
        actor = users.authenticate(liu_db, "liu", PW)
        svc = Services(liu_db, actor)
        case = svc.create("case", {"title_en": "Precursor network", "title_zh": "前体网络"})
        svc.update("case", case.ids[0], {"summary_en": "NPP shipments"}, 1)
        svc.transition("case", case.ids[0], "active", comment="opened", expected_version=2)
        ai = svc.create(
            "action_item",
            {"title_en": "Ask", "title_zh": "询问", "owner_side": "PRC",
             "origin_case_id": case.ids[0]},
        )  # fmt: skip
        svc.bulk_transition("action_item", [(ai.ids[0], 1)], "in_progress")
        version = World(liu_db).version("referral", rid)
        svc.update("referral", rid, {"title_en": "Edited in the application"}, version)
        with pytest.raises(PermissionDenied):  # the application says no ...
            svc.archive("case", case.ids[0], 3)
        with pytest.raises(PermissionDenied) as refused_by_server:  # ... and so does the
            users.create_user(liu_db, BOSS, "newbie", PW, "viewer")  # server, behind it
        assert "database server refused" in refused_by_server.value.message_en
        assert "数据库服务器拒绝" in refused_by_server.value.message_zh
    finally:
        liu_db.dispose()

    vic_db = own_login(office.url, "vic")
    try:
        viewer = users.authenticate(vic_db, "vic", PW)  # a viewer's sign-in is written too
        with pytest.raises(PermissionDenied):
            Services(vic_db, viewer).update("referral", rid, {"title_en": "no"}, 2)
    finally:
        vic_db.dispose()

    boss_db = own_login(office.url, "boss")
    try:
        boss = users.authenticate(boss_db, "boss", PW)
        users.create_user(boss_db, boss, "newbie", PW, "coordinator")
        users.set_role(boss_db, boss, "newbie", "manager")
        Services(boss_db, boss).archive("case", case.ids[0], 3)
    finally:
        boss_db.dispose()
    assert login_state(office.url, "newbie")[2] == {group_name(dbname(office.url), "manager")}

    assert outside_events(office) == []  # every change was the application's, audited once
    with office.session() as s:
        assert trail.verify(s).ok


@pytest.mark.postgres
def test_db_upgrade_gives_existing_accounts_their_logins(pg_url):
    db = open_database(pg_url)
    try:
        users.create_first_administrator(db, "boss", PW)
        db.keepers.clear()  # as an account made before this version: no login yet
        users.create_user(db, BOSS, "old.timer", PW, "coordinator")
    finally:
        db.dispose()
    assert not superuser(
        pg_url,
        "SELECT 1 FROM pg_roles WHERE rolname = :n",
        n=login_name(dbname(pg_url), "old.timer"),
    )
    engine = create_engine(pg_url)
    try:
        server_roles.ensure_server_roles(engine)
    finally:
        engine.dispose()
    can_login, verifier, groups = login_state(pg_url, "old.timer")
    assert can_login  # an active account
    assert groups == {group_name(dbname(pg_url), "coordinator")}
    assert verifier is None  # it gets its password when the password is next set


@pytest.mark.postgres
def test_a_long_database_name_still_gives_working_names(pg_url):
    long_name = f"wgtest_{uuid.uuid4().hex[:12]}_a_rather_long_database_name_here"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{long_name}"')
        url = make_url(pg_url).set(database=long_name).render_as_string(hide_password=False)
        try:
            db = open_database(url)
            try:
                user = "a-very-long-user-name-that-goes-on.and.on.and.on-" + "x" * 13
                users.create_first_administrator(db, user, PW)
                with db.engine.connect() as conn:
                    sql_name = conn.execute(text("SELECT wg_login_name(:u)"), {"u": user}).scalar()
                assert sql_name == login_name(long_name, user)
                assert login_state(url, user)[2] == {group_name(long_name, "administrator")}
            finally:
                db.dispose()
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{long_name}" WITH (FORCE)')
                from tests.conftest import drop_server_roles

                drop_server_roles(conn, long_name)
    finally:
        admin.dispose()


@pytest.mark.postgres
def test_a_coordinators_meeting_work_through_their_own_login_is_audited_once(office):
    users.create_user(office, BOSS, "cora", PW, "coordinator")
    case = World(office, BOSS).make("case")
    db = own_login(office.url, "cora")
    try:
        svc = Services(db, users.authenticate(db, "cora", PW))
        m = svc.create("meeting", {"title_en": "Plenary", "title_zh": "全体会议",
                                   "meeting_type": "plenary"})  # fmt: skip
        ch = svc.save_meeting_content(m.ids[0], 1, agenda=[{"title_en": "One"}])
        ch = svc.save_meeting_content(m.ids[0], ch.version, agenda=[{"title_en": "Two"}])
        svc.update("meeting", m.ids[0], {"cases": [case]}, ch.version)
    finally:
        db.dispose()
    with office.session() as s:
        agenda = s.execute(text("SELECT title_en FROM agenda_item")).scalars().all()
        assert agenda == ["Two"]  # the first agenda was replaced (DELETE granted)
        assert trail.verify(s).ok
    assert outside_events(office) == []


@pytest.mark.postgres
def test_a_server_login_outside_the_databases_groups_cannot_connect(office):
    stranger = f"{dbname(office.url)}_stranger"  # dropped with the database's roles
    superuser(office.url, f'CREATE ROLE "{stranger}" LOGIN')
    with pytest.raises(psycopg.OperationalError, match="permission denied"):
        connect_as(office.url, stranger).close()
