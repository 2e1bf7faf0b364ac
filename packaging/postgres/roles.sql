-- Database roles for a shared PostgreSQL server: one login role per person.
--
-- Every person signs in to PostgreSQL as their own role, a member of the application's
-- group role. The group may read and write the records, but the audit trail is
-- append-only (INSERT and SELECT, never UPDATE, DELETE or TRUNCATE) and so is the status
-- history; records themselves are archived, never deleted; accounts are changed only by
-- members of the administrators' group.
--
-- Run with psql, connected to the application's database as the owner of its tables
-- (the role that ran `workinggroup-app db upgrade`):
--
--   1. once, and again after every `db upgrade` (new tables get no rights until then):
--        psql -v ON_ERROR_STOP=1 -d workinggroup -f roles.sql
--   2. for each person (the role name is their user name in the application):
--        psql -v ON_ERROR_STOP=1 -d workinggroup -v new_user=jdoe -f roles.sql
--        psql -d workinggroup -c '\password jdoe'      (so the password is not logged)
--      add  -v admin=1  for an administrator; -v new_password=... sets it at once.
--
-- Group role names can be changed with -v app_role=... -v admin_role=... .

\set ON_ERROR_STOP on
\if :{?app_role}
\else
  \set app_role workinggroup_app
\endif
\if :{?admin_role}
\else
  \set admin_role workinggroup_admin
\endif

-- the two group roles (cluster-wide; created once)
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app_role') AS need_app_role \gset
\if :need_app_role
  CREATE ROLE :"app_role" NOLOGIN;
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'admin_role') AS need_admin_role \gset
\if :need_admin_role
  CREATE ROLE :"admin_role" NOLOGIN IN ROLE :"app_role";
\endif

BEGIN;

-- Nobody but the groups may connect; nobody else sees any table.
REVOKE CONNECT, TEMPORARY ON DATABASE :"DBNAME" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"DBNAME" TO :"app_role";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app_role";

-- Start from nothing on every table, then grant what the services use.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM :"app_role", :"admin_role";
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM :"app_role", :"admin_role";
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO :"app_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app_role";

-- Rows the services replace: a meeting's attendees, agenda and decisions, and the links
-- between records. Records are archived, never deleted, so no DELETE on them.
GRANT DELETE ON meeting_attendee, agenda_item, decision,
    case_entity, case_substance, referral_entity, referral_substance,
    meeting_referral, meeting_case
    TO :"app_role";

-- The audit trail and the status history: append and read only.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_event, status_change FROM :"app_role";

-- The schema version belongs to the owner (upgrades run as the owner, never as a user).
REVOKE INSERT, UPDATE ON alembic_version FROM :"app_role";

-- Accounts: a sign-in records its attempt (counter, lock, time); administrators create
-- accounts, change roles and reset passwords. Accounts are disabled, never deleted.
REVOKE INSERT, UPDATE ON app_user FROM :"app_role";
GRANT UPDATE (failed_attempts, locked_until, last_seen_at) ON app_user TO :"app_role";
GRANT INSERT, UPDATE ON app_user TO :"admin_role";

COMMIT;

-- One person (only with -v new_user=...): a login role in the group.
\if :{?new_user}
  SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'new_user') AS need_user \gset
  \if :need_user
    CREATE ROLE :"new_user" LOGIN IN ROLE :"app_role";
  \else
    ALTER ROLE :"new_user" LOGIN;
    GRANT :"app_role" TO :"new_user";
  \endif
  \if :{?new_password}
    ALTER ROLE :"new_user" PASSWORD :'new_password';
  \endif
  \if :{?admin}
    GRANT :"admin_role" TO :"new_user";
  \endif
\endif
