"""On PostgreSQL the server enforces what the application enforces.

``ensure_server_roles(engine)`` (run by every upgrade on PostgreSQL, and by migration
0009) makes, idempotently, in the database being upgraded:

- one group role per application role, ``<prefix>:<role>`` (``wg:viewer`` ...
  ``wg:administrator`` for the database ``wg``). The colon cannot occur in a user name,
  so no account's login can take a group's name. ``<prefix>`` is the database's name, or,
  when that is longer than 24 bytes, its first 8 characters, ``~`` and 6 hex digits of its
  MD5 (roles are shared by every database on a server, so the prefix keeps two
  databases' roles apart);
- the grants of each group, derived from ``domain.permissions`` (``table_rights``):
  SELECT on what the application reads; INSERT where the role may create; UPDATE where it
  may update or change a status, without the ``archived`` column unless it may archive;
  DELETE only on the child and link rows the services replace (a meeting's attendees,
  agenda and decisions, the links between records); ``app_user`` written only by the
  administrators' group except the sign-in columns; ``alembic_version`` read-only;
  ``audit_event``, ``audit_checkpoint`` and ``status_change`` append-only;
- append-only triggers on ``audit_event`` and ``status_change``: UPDATE, DELETE and
  TRUNCATE raise, for every login, the owner included;
- the server's own audit of record tables: a deferred constraint trigger on each record,
  child and link table appends, at commit, an event for each row changed in a transaction
  that wrote no audit event of the application (action ``server_insert`` /
  ``server_update`` / ``server_delete``, outcome ``outside_app``, actor the server login,
  changes ``{"column": [old, new]}``; a child or link row is recorded under the record it
  belongs to, its columns named ``table.column``), hashed exactly as ``audit.trail``
  hashes, under the same chain lock (transactions run at READ COMMITTED, as the
  application's do, so the newest hash is read after the lock is granted);
- ``wg_keep_login(...)``, the one way the application changes a login (the
  ``ServerLogins`` keeper calls it), executable by the administrators' group only.

Each person signs in with their own server login, ``<prefix>_<user name>`` (cut and
completed by a hash when longer than 63 bytes: ``login_name``), whose SCRAM-SHA-256
password is their application password: the verifier is computed by libpq on the client,
so the password itself never reaches the server's logs.

How a server event avoids doubling the application's: every service call appends its audit
event in the transaction that changes the rows. At commit the trigger looks at the newest
events: if one was inserted by this transaction (its ``xmin`` is the transaction's id) by
the application (not a server event), in the name of the account whose login this session
is (any name for the owner's own connection), the change is the application's and nothing
more is written. A person who writes rows with psql must therefore also append a valid,
hash-chained event in their own name at that moment to go unnoticed: the trail still names
them; the rows they changed are not described.
"""

from __future__ import annotations

import hashlib
import logging

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from workinggroup_app.domain.errors import PermissionDenied, StorageError
from workinggroup_app.domain.permissions import ROLES, allowed
from workinggroup_app.storage.credentials import AccountState, Credentials

log = logging.getLogger(__name__)

CHAIN_LOCK = 424242  # audit.trail.CHAIN_LOCK (storage may not import audit)
ROLES_LOCK = 424243  # serialises two upgrades making the same roles
PREFIX_MAX_BYTES = 24
NAME_MAX_BYTES = 63  # PostgreSQL's identifier limit (NAMEDATALEN - 1)
OUTSIDE = "outside_app"  # the outcome of an event the server wrote

RECORD_TABLES = {
    "agency": "agency",
    "contact": "contact",
    "case": "case",
    "referral": "referral",
    "action_item": "action_item",
    "meeting": "meeting",
    "entity": "entity",
    "substance": "substance",
}
# rows the services replace as a whole list: audited under the record they belong to
CHILD_TABLES = {
    "meeting_attendee": ("meeting", "meeting_id"),
    "agenda_item": ("meeting", "meeting_id"),
    "decision": ("meeting", "meeting_id"),
}
LINK_TABLES = {
    "case_entity": (("case", "case_id"), ("entity", "entity_id")),
    "case_substance": (("case", "case_id"), ("substance", "substance_id")),
    "referral_entity": (("referral", "referral_id"), ("entity", "entity_id")),
    "referral_substance": (("referral", "referral_id"), ("substance", "substance_id")),
    "meeting_referral": (("meeting", "meeting_id"), ("referral", "referral_id")),
    "meeting_case": (("meeting", "meeting_id"), ("case", "case_id")),
}
APPEND_ONLY = ("audit_event", "status_change")
SIGN_IN_COLUMNS = ("failed_attempts", "locked_until", "last_seen_at")


# --- names ---------------------------------------------------------------------------------


def _md5(value: str) -> str:
    return hashlib.md5(value.encode("utf-8"), usedforsecurity=False).hexdigest()


def database_prefix(database: str) -> str:
    """What every role name of ``database`` begins with (``wg_prefix()`` in SQL)."""
    if len(database.encode("utf-8")) <= PREFIX_MAX_BYTES:
        return database
    return f"{database[:8]}~{_md5(database)[:6]}"


def login_name(database: str, username: str) -> str:
    """The server login of the account ``username`` (``wg_login_name(username)`` in SQL)."""
    prefix = database_prefix(database)
    name = f"{prefix}_{username}"
    if len(name.encode("utf-8")) <= NAME_MAX_BYTES:
        return name
    keep = NAME_MAX_BYTES - len(prefix.encode("utf-8")) - 8
    return f"{prefix}_{username[:keep]}~{_md5(username)[:6]}"


def group_name(database: str, role: str) -> str:
    return f"{database_prefix(database)}:{role}"


def signs_in_as_person(url: str) -> bool:
    """A PostgreSQL address that names no user: each person connects as their own login,
    so the sign-in (name and password) comes before the connection."""
    parsed = make_url(url)
    return (
        parsed.get_backend_name() == "postgresql" and not parsed.username and bool(parsed.database)
    )


def person_url(url: str, credentials: Credentials | None) -> str:
    """The address a person connects with: a PostgreSQL address that names no user means
    each person's own login, with their password; any other address is used as it is
    (the owner's, for ``db upgrade`` and set-up, names its user)."""
    parsed = make_url(url)
    if (
        credentials is None
        or parsed.get_backend_name() != "postgresql"
        or parsed.username
        or not parsed.database
    ):
        return url
    person = parsed.set(
        username=login_name(parsed.database, credentials.username),
        password=credentials.password,
    )
    return person.render_as_string(hide_password=False)


# --- what each role may do, table by table ---------------------------------------------------


def _may_write(role: str, record_type: str) -> bool:
    return any(allowed(role, a, record_type) for a in ("update", "transition", "restore"))


def table_rights(role: str, columns: dict[str, list[str]]) -> dict[str, list[str]]:
    """GRANT clauses of ``role``'s group, table by table (``columns``: the tables there are,
    with their columns). Derived from ``domain.permissions``; tables not named here are
    read-only to the groups."""
    editor = allowed(role, "create") or allowed(role, "update")
    senior = allowed(role, "exchange")
    rights: dict[str, list[str]] = {}
    for table, rt in RECORD_TABLES.items():
        privs = ["SELECT"]
        if allowed(role, "create", rt):
            privs.append("INSERT")
        if allowed(role, "archive", rt):
            privs.append("UPDATE")
        elif _may_write(role, rt):
            cols = ", ".join(_q(c) for c in columns.get(table, []) if c != "archived")
            privs.append(f"UPDATE ({cols})")
        rights[table] = privs
    for table, (rt, _col) in CHILD_TABLES.items():
        writes = ["INSERT", "UPDATE", "DELETE"] if _may_write(role, rt) else []
        rights[table] = ["SELECT", *writes]
    for table, sides in LINK_TABLES.items():
        may = any(_may_write(role, rt) or allowed(role, "create", rt) for rt, _c in sides)
        rights[table] = ["SELECT", *(["INSERT", "DELETE"] if may else [])]
    rights["status_change"] = ["SELECT", *(["INSERT"] if editor else [])]
    rights["audit_event"] = ["SELECT", "INSERT"]  # everyone's sign-in is audited
    rights["audit_checkpoint"] = ["SELECT", "INSERT"]  # appended with the events
    rights["search_text"] = ["SELECT", *(["INSERT", "UPDATE", "DELETE"] if editor else [])]
    rights["reference_counter"] = ["SELECT", *(["INSERT", "UPDATE"] if editor else [])]
    rights["app_setting"] = ["SELECT", *(["INSERT", "UPDATE"] if senior else [])]
    for table in ("exchange_key", "exchange_state", "exchange_conflict", "exchange_package"):
        rights[table] = ["SELECT", *(["INSERT", "UPDATE", "DELETE"] if senior else [])]
    signing_in = f"UPDATE ({', '.join(SIGN_IN_COLUMNS)})"
    if allowed(role, "manage_users"):
        rights["app_user"] = ["SELECT", "INSERT", "UPDATE"]
    else:
        rights["app_user"] = ["SELECT", signing_in]
    rights["alembic_version"] = ["SELECT"]
    for table in columns:
        rights.setdefault(table, ["SELECT"])
    return {t: p for t, p in rights.items() if t in columns}


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


# --- the SQL objects ---------------------------------------------------------------------------

_FUNCTIONS = """
CREATE OR REPLACE FUNCTION {s}.wg_prefix() RETURNS text LANGUAGE sql STABLE AS $f$
  SELECT CASE WHEN octet_length(current_database()) <= {prefix_max}
              THEN current_database()::text
              ELSE left(current_database(), 8) || '~' || left(md5(current_database()), 6) END
$f$;

CREATE OR REPLACE FUNCTION {s}.wg_login_name(username text) RETURNS text
LANGUAGE sql STABLE AS $f$
  SELECT CASE WHEN octet_length(p || '_' || username) <= {name_max} THEN p || '_' || username
              ELSE p || '_' || left(username, {name_max} - octet_length(p) - 8) || '~'
                   || left(md5(username), 6) END
  FROM (SELECT {s}.wg_prefix() AS p) AS t
$f$;

CREATE OR REPLACE FUNCTION {s}.wg_groups() RETURNS text[] LANGUAGE sql STABLE AS $f$
  SELECT array_agg({s}.wg_prefix() || ':' || r ORDER BY n)
  FROM unnest(ARRAY[{roles}]::text[]) WITH ORDINALITY AS x(r, n)
$f$;

-- true when this session is a person's login (a member of one of this database's groups)
CREATE OR REPLACE FUNCTION {s}.wg_is_person() RETURNS boolean LANGUAGE sql STABLE AS $f$
  SELECT EXISTS (
    SELECT 1 FROM pg_catalog.pg_auth_members m
    JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
    JOIN pg_catalog.pg_roles u ON u.oid = m.member
    WHERE u.rolname = session_user AND g.rolname = ANY ({s}.wg_groups()))
$f$;

CREATE OR REPLACE FUNCTION {s}.wg_append_only() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  RAISE EXCEPTION USING
    ERRCODE = 'insufficient_privilege',
    MESSAGE = format('%s is append-only: its rows are never changed or removed '
                     '(%s 只能追加：其记录不得修改或删除)', TG_TABLE_NAME, TG_TABLE_NAME);
END
$f$;

-- the server's own audit event of one row change, unless the application audited the
-- transaction (see workinggroup_app/storage/server_roles.py)
CREATE OR REPLACE FUNCTION {s}.wg_server_audit() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, {s}, pg_temp AS $f$
DECLARE
  rt text := TG_ARGV[0];
  id_column text := TG_ARGV[1];
  me text := session_user;
  old_j jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
  new_j jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
  row_j jsonb := coalesce(new_j, old_j);
  rid integer := (row_j ->> id_column)::integer;
  part text := CASE WHEN id_column = 'id' THEN '' ELSE TG_TABLE_NAME || '.' END;
  person boolean := {s}.wg_is_person();
  ref text;
  changes jsonb;
  body text;
  act text := 'server_' || lower(TG_OP);
  at_ts timestamp;
  at_text text;
  new_id bigint;
  prev text;
BEGIN
  IF EXISTS (
    SELECT 1 FROM (SELECT e.xmin AS x, e.actor, e.outcome FROM audit_event e
                   ORDER BY e.id DESC LIMIT 100) AS t
    WHERE t.x = pg_current_xact_id()::xid AND t.outcome <> '{outside}'
      AND (NOT person OR {s}.wg_login_name(t.actor) = me)
  ) THEN
    RETURN NULL;  -- the application's transaction: its own event describes the change
  END IF;
  IF TG_OP = 'UPDATE' THEN
    SELECT jsonb_object_agg(part || n.key, jsonb_build_array(o.value, n.value)) INTO changes
    FROM jsonb_each(new_j) AS n JOIN jsonb_each(old_j) AS o ON o.key = n.key
    WHERE o.value IS DISTINCT FROM n.value;
  ELSIF TG_OP = 'INSERT' THEN
    SELECT jsonb_object_agg(part || n.key, jsonb_build_array(NULL, n.value)) INTO changes
    FROM jsonb_each(new_j) AS n WHERE n.value <> 'null'::jsonb;
  ELSE
    SELECT jsonb_object_agg(part || o.key, jsonb_build_array(o.value, NULL)) INTO changes
    FROM jsonb_each(old_j) AS o WHERE o.value <> 'null'::jsonb;
  END IF;
  IF changes IS NULL THEN
    RETURN NULL;  -- an UPDATE that changed nothing
  END IF;
  IF id_column = 'id' THEN
    ref := row_j ->> 'reference';
  ELSE
    EXECUTE format('SELECT reference FROM %I WHERE id = $1', rt) INTO ref USING rid;
  END IF;
  ref := left(coalesce(ref, ''), 32);
  body := changes::text;
  -- as audit.trail._PG_APPEND: the chain lock, then the newest hash, then the hash of
  -- the JSON list [id, at, actor, action, record_type, record_id, reference, changes,
  -- outcome, prev_hash] exactly as Python's json.dumps writes it
  PERFORM pg_advisory_xact_lock({chain_lock});
  at_ts := date_trunc('second', clock_timestamp() AT TIME ZONE 'UTC');
  at_text := to_char(at_ts, 'YYYY-MM-DD"T"HH24:MI:SS') || '+00:00';
  new_id := nextval(pg_get_serial_sequence('audit_event', 'id'));
  SELECT e.hash INTO prev FROM audit_event e ORDER BY e.id DESC LIMIT 1;
  prev := coalesce(prev, repeat('0', 64));
  INSERT INTO audit_event (id, at, actor, action, record_type, record_id, reference,
                           changes, outcome, prev_hash, hash)
  VALUES (new_id, at_ts, me, act, rt, rid, ref, body, '{outside}', prev,
          encode(sha256(convert_to(
            '[' || new_id || ', ' || to_json(at_text)::text || ', ' || to_json(me)::text
            || ', ' || to_json(act)::text || ', ' || to_json(rt)::text || ', '
            || coalesce(rid::text, 'null') || ', ' || to_json(ref)::text || ', '
            || to_json(body)::text || ', ' || to_json('{outside}'::text)::text || ', '
            || to_json(prev)::text || ']', 'UTF8')), 'hex'));
  RETURN NULL;
END
$f$;

-- the login of one account, as the application's account now stands
CREATE OR REPLACE FUNCTION {s}.wg_keep_login(username text, app_role text, active boolean,
                                           verifier text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, {s}, pg_temp AS $f$
DECLARE
  login text := {s}.wg_login_name(username);
  wanted text := {s}.wg_prefix() || ':' || app_role;
  g text;
BEGIN
  IF username !~ '^[a-z0-9][a-z0-9._-]{{1,62}}$' THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('not a user name: %s', username);
  END IF;
  IF NOT wanted = ANY ({s}.wg_groups()) THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('not a role: %s', app_role);
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login) THEN
    EXECUTE format('CREATE ROLE %I NOLOGIN', login);
  ELSIF NOT EXISTS (
    SELECT 1 FROM pg_auth_members m JOIN pg_roles gr ON gr.oid = m.roleid
    JOIN pg_roles u ON u.oid = m.member
    WHERE u.rolname = login AND gr.rolname = ANY ({s}.wg_groups()) AND NOT u.rolsuper
  ) THEN
    RAISE EXCEPTION USING ERRCODE = 'duplicate_object',
      MESSAGE = format('the server role %s exists and is not a login of this database '
                       '(服务器角色 %s 已存在，且不是此数据库的登录角色)', login, login);
  END IF;
  IF verifier IS NOT NULL THEN
    EXECUTE format('ALTER ROLE %I PASSWORD %L', login, verifier);
  END IF;
  EXECUTE format('ALTER ROLE %I %s', login, CASE WHEN active THEN 'LOGIN' ELSE 'NOLOGIN' END);
  FOREACH g IN ARRAY {s}.wg_groups() LOOP
    IF g <> wanted AND EXISTS (
      SELECT 1 FROM pg_auth_members m JOIN pg_roles gr ON gr.oid = m.roleid
      JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = login AND gr.rolname = g
    ) THEN
      EXECUTE format('REVOKE %I FROM %I', g, login);
    END IF;
  END LOOP;
  IF NOT EXISTS (
    SELECT 1 FROM pg_auth_members m JOIN pg_roles gr ON gr.oid = m.roleid
    JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = login AND gr.rolname = wanted
  ) THEN
    EXECUTE format('GRANT %I TO %I', wanted, login);
  END IF;
  RETURN login;
END
$f$;
"""

_FUNCTION_NAMES = (
    "wg_prefix()",
    "wg_login_name(text)",
    "wg_groups()",
    "wg_is_person()",
    "wg_append_only()",
    "wg_server_audit()",
    "wg_keep_login(text, text, boolean, text)",
)


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _functions_sql(schema: str) -> str:
    return _FUNCTIONS.format(
        s=_q(schema),
        prefix_max=PREFIX_MAX_BYTES,
        name_max=NAME_MAX_BYTES,
        roles=", ".join(_lit(r) for r in ROLES),
        outside=OUTSIDE,
        chain_lock=CHAIN_LOCK,
    )


# --- making them ------------------------------------------------------------------------------


def no_createrole_error(login: str) -> StorageError:
    return StorageError(
        f"The server login {login!r} may not create roles, so it cannot give each person a "
        "login of their own. Run 'workinggroup-app db upgrade' as the owner of the database "
        f"with a login that has CREATEROLE (as a superuser: ALTER ROLE {login} CREATEROLE).",
        f"服务器登录角色 {login!r} 无权创建角色，因此无法为每人建立自己的登录角色。请使用具有 "
        f"CREATEROLE 权限的数据库所有者登录角色运行“workinggroup-app db upgrade”"
        f"（以超级用户身份：ALTER ROLE {login} CREATEROLE）。",
    )


def ensure_server_roles(bind: Engine | Connection) -> list[str]:
    """Make (or bring up to date) this database's group roles, grants, triggers and
    functions, and every account's login; returns the group names. Idempotent; a no-op
    on SQLite. Commits when given an engine; with a connection, the caller commits."""
    if bind.dialect.name != "postgresql":
        return []
    if isinstance(bind, Engine):
        with bind.begin() as conn:
            return _ensure(conn)
    return _ensure(bind)


def _ensure(conn: Connection) -> list[str]:
    me = conn.execute(
        text(
            "SELECT current_user, rolsuper, rolcreaterole, current_database(), "
            "current_schema() FROM pg_roles WHERE rolname = current_user"
        )
    ).one()
    if not (me.rolsuper or me.rolcreaterole):
        raise no_createrole_error(me.current_user)
    database, schema = me.current_database, me.current_schema
    conn.execute(text(f"SELECT pg_advisory_xact_lock({ROLES_LOCK})"))
    groups = [group_name(database, role) for role in ROLES]
    existing = set(
        conn.execute(
            text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:names)"), {"names": groups}
        ).scalars()
    )
    for group in groups:
        if group not in existing:
            conn.exec_driver_sql(f"CREATE ROLE {_q(group)} NOLOGIN")
    everyone = ", ".join(_q(g) for g in groups)
    owns_database = conn.execute(
        text(
            "SELECT pg_has_role(current_user, datdba, 'USAGE') FROM pg_database "
            "WHERE datname = current_database()"
        )
    ).scalar()
    if owns_database or me.rolsuper:
        # nobody but this database's groups (and the owner) may connect or see anything
        conn.exec_driver_sql(f"REVOKE CONNECT, TEMPORARY ON DATABASE {_q(database)} FROM PUBLIC")
        conn.exec_driver_sql(f"GRANT CONNECT ON DATABASE {_q(database)} TO {everyone}")
        conn.exec_driver_sql(f"REVOKE CREATE ON SCHEMA {_q(schema)} FROM PUBLIC")
    else:
        log.warning(
            "not the owner of database %s: its CONNECT rights were left as they are", database
        )
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {_q(schema)} TO {everyone}")

    insp = inspect(conn)
    columns = {t: [c["name"] for c in insp.get_columns(t)] for t in insp.get_table_names()}
    if not columns:
        raise StorageError(
            "This database has no tables yet: run 'workinggroup-app db upgrade' first.",
            "此数据库尚无任何表：请先运行“workinggroup-app db upgrade”。",
        )
    tables = ", ".join(f"{_q(schema)}.{_q(t)}" for t in columns)
    conn.exec_driver_sql(f"REVOKE ALL ON {tables} FROM PUBLIC, {everyone}")
    for role, group in zip(ROLES, groups, strict=True):
        for table, privs in table_rights(role, columns).items():
            conn.exec_driver_sql(
                f"GRANT {', '.join(privs)} ON {_q(schema)}.{_q(table)} TO {_q(group)}"
            )
    conn.exec_driver_sql(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {_q(schema)} FROM PUBLIC")
    conn.exec_driver_sql(
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {_q(schema)} TO {everyone}"
    )

    cursor = conn.connection.cursor()  # no parameters: psycopg leaves format()'s % alone
    try:
        cursor.execute(_functions_sql(schema))
    finally:
        cursor.close()
    for fn in _FUNCTION_NAMES:
        conn.exec_driver_sql(f"REVOKE ALL ON FUNCTION {_q(schema)}.{fn} FROM PUBLIC")
    for fn in ("wg_prefix()", "wg_login_name(text)", "wg_groups()", "wg_is_person()"):
        conn.exec_driver_sql(f"GRANT EXECUTE ON FUNCTION {_q(schema)}.{fn} TO {everyone}")
    admins = _q(group_name(database, "administrator"))
    conn.exec_driver_sql(
        f"GRANT EXECUTE ON FUNCTION {_q(schema)}.wg_keep_login(text, text, boolean, text) "
        f"TO {admins}"
    )
    _triggers(conn, schema, columns)
    _sync_accounts(conn, schema, columns)
    return groups


def _triggers(conn: Connection, schema: str, columns: dict[str, list[str]]) -> None:
    s = _q(schema)
    for table in APPEND_ONLY:
        if table not in columns:
            continue
        t = f"{s}.{_q(table)}"
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS wg_append_only ON {t}")
        conn.exec_driver_sql(
            f"CREATE TRIGGER wg_append_only BEFORE UPDATE OR DELETE ON {t} "
            f"FOR EACH ROW EXECUTE FUNCTION {s}.wg_append_only()"
        )
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS wg_append_only_truncate ON {t}")
        conn.exec_driver_sql(
            f"CREATE TRIGGER wg_append_only_truncate BEFORE TRUNCATE ON {t} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {s}.wg_append_only()"
        )
    audited: dict[str, tuple[str, str]] = {t: (rt, "id") for t, rt in RECORD_TABLES.items()}
    audited.update(CHILD_TABLES)
    audited.update({t: sides[0] for t, sides in LINK_TABLES.items()})
    for table, (rt, id_column) in audited.items():
        if table not in columns:
            continue
        t = f"{s}.{_q(table)}"
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS wg_server_audit ON {t}")
        conn.exec_driver_sql(
            f"CREATE CONSTRAINT TRIGGER wg_server_audit AFTER INSERT OR UPDATE OR DELETE ON {t} "
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "
            f"{s}.wg_server_audit({_lit(rt)}, {_lit(id_column)})"
        )


def _sync_accounts(conn: Connection, schema: str, columns: dict[str, list[str]]) -> None:
    """Every account has its login in its role's group (passwords follow at the next
    password change: the server cannot learn them from the argon2 hashes)."""
    if "app_user" not in columns:
        return
    for username, role, active in conn.execute(
        text(f"SELECT username, role, active FROM {_q(schema)}.app_user ORDER BY id")
    ):
        if role in ROLES:
            conn.execute(
                text(f"SELECT {_q(schema)}.wg_keep_login(:u, :r, :a, NULL)"),
                {"u": username, "r": role, "a": bool(active)},
            )


def remove_server_objects(bind: Connection) -> None:
    """What migration 0009's downgrade takes away: the triggers and functions (the group
    roles and logins stay: they are the server's, shared by every database on it)."""
    if bind.dialect.name != "postgresql":
        return
    schema = bind.execute(text("SELECT current_schema()")).scalar_one()
    s = _q(schema)
    tables = set(inspect(bind).get_table_names())
    for table in (*APPEND_ONLY, *RECORD_TABLES, *CHILD_TABLES, *LINK_TABLES):
        if table in tables:
            for trig in ("wg_append_only", "wg_append_only_truncate", "wg_server_audit"):
                bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trig} ON {s}.{_q(table)}")
    for fn in reversed(_FUNCTION_NAMES):
        bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS {s}.{fn}")


# --- the keeper of logins ----------------------------------------------------------------------


class ServerLogins:
    """The ``AccountKeeper`` of a PostgreSQL database: each account's server login follows
    it, in the same transaction (role DDL is transactional on PostgreSQL)."""

    def account_saved(self, session: Session, account: AccountState) -> None:
        conn = session.connection()
        verifier = None
        if account.password is not None:
            database = conn.execute(text("SELECT current_database()")).scalar_one()
            pgconn = conn.connection.driver_connection.pgconn  # type: ignore[union-attr]
            verifier = pgconn.encrypt_password(
                account.password.encode("utf-8"),
                login_name(database, account.username).encode("utf-8"),
                b"scram-sha-256",
            ).decode("ascii")
        present = conn.execute(
            text("SELECT to_regprocedure('wg_keep_login(text, text, boolean, text)')")
        ).scalar()
        if present is None:
            raise StorageError(
                "This server database has no logins for its accounts yet: run "
                "'workinggroup-app db upgrade' as its owner first.",
                "此服务器数据库尚未为账户建立登录角色：请先以其所有者身份运行"
                "“workinggroup-app db upgrade”。",
            )
        conn.execute(  # refused (42501) to anyone but the administrators' group
            text("SELECT wg_keep_login(:u, :r, :a, :v)"),
            {"u": account.username, "r": account.role, "a": account.active, "v": verifier},
        )


def server_refused() -> PermissionDenied:
    """What a person is told when the server's grants refuse a change (SQLSTATE 42501)."""
    return PermissionDenied(
        "The database server refused this change: your server login's role does not allow "
        "it. Nothing was saved.",
        "数据库服务器拒绝了此更改：您的服务器登录角色不允许此操作。未保存任何内容。",
    )
