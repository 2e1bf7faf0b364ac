"""The schema: models and migrations agree, on SQLite and PostgreSQL; a database from a newer
version is refused untouched; an upgrade backs up first and loses no rows."""

from __future__ import annotations

import ast
import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tests.helpers import World
from workinggroup_app.domain.errors import DatabaseTooNewError
from workinggroup_app.domain.models import Base
from workinggroup_app.storage import migrate
from workinggroup_app.storage.database import open_database
from workinggroup_app.storage.engine import BACKUPS_KEPT, backup_sqlite
from workinggroup_app.storage.migrate import known_revisions


def include_object_from_env():
    """The filter migrations/env.py gives Alembic, taken from its source without running
    env.py (which needs a live Alembic context)."""
    source = (migrate.migrations_dir() / "env.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    wanted = [
        node
        for node in tree.body
        if (isinstance(node, ast.FunctionDef) and node.name == "include_object")
        or (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "HAND_MADE" for t in node.targets)
        )
    ]
    assert len(wanted) == 2, "env.py must define HAND_MADE and include_object"
    namespace: dict = {}
    exec(compile(ast.Module(body=wanted, type_ignores=[]), "env.py", "exec"), namespace)
    return namespace["include_object"]


def schema_differences(url: str) -> list:
    database = open_database(url)
    try:
        with database.engine.connect() as conn:
            ctx = MigrationContext.configure(
                conn,
                opts={"include_object": include_object_from_env(), "compare_type": True},
            )
            return compare_metadata(ctx, Base.metadata)
    finally:
        database.dispose()


def test_models_and_migrations_describe_the_same_schema_on_sqlite(tmp_path):
    assert schema_differences(str(tmp_path / "fresh.sqlite3")) == []


@pytest.mark.postgres
def test_models_and_migrations_describe_the_same_schema_on_postgresql(pg_url):
    assert schema_differences(pg_url) == []


def test_the_comparison_would_notice_a_difference(tmp_path):
    """Guard against a comparison that can never fail: drop an index and it is reported."""
    path = tmp_path / "fresh.sqlite3"
    open_database(str(path)).dispose()
    conn = sqlite3.connect(str(path))
    conn.execute("DROP INDEX ix_referral_status")
    conn.commit()
    conn.close()
    diffs = schema_differences(str(path))
    assert any("ix_referral_status" in repr(d) for d in diffs)


# --- a database from a newer version -------------------------------------------------------------


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_database_from_a_newer_version_is_refused_and_not_modified(db_path):
    database = open_database(str(db_path))
    World(database).make("case", title_en="Precious data")
    database.dispose()
    conn = sqlite3.connect(str(db_path))
    conn.execute("UPDATE alembic_version SET version_num = '9999zzz'")
    conn.commit()
    conn.close()
    before = sha(db_path)

    with pytest.raises(DatabaseTooNewError) as err:
        open_database(str(db_path))
    assert "newer version" in err.value.message_en
    assert "9999zzz" in err.value.message_en
    assert err.value.message_zh
    with pytest.raises(DatabaseTooNewError):
        open_database(str(db_path), migrate=False)

    assert sha(db_path) == before
    conn = sqlite3.connect(str(db_path))
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("9999zzz",)
    assert conn.execute('SELECT title_en FROM "case"').fetchall() == [("Precious data",)]
    conn.close()
    assert not (db_path.parent / "backups").exists()


# --- upgrades --------------------------------------------------------------------------------------

NEXT_MIGRATION = '''"""test-only: rebuild the case table (a batch migration), as a real schema change would

Revision ID: 9002
Revises: {head}
"""

import sqlalchemy as sa
from alembic import op

revision = "9002"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case", recreate="always") as batch:
        batch.add_column(sa.Column("test_note", sa.String(20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case", recreate="always") as batch:
        batch.drop_column("test_note")
'''


@pytest.fixture
def next_version(tmp_path, monkeypatch) -> str:
    """The shipped migrations plus one more, as the next release would ship them."""
    _revisions, head = known_revisions()
    folder = tmp_path / "migrations"
    shutil.copytree(migrate.migrations_dir(), folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / "9002_test_rebuild_case.py").write_text(
        NEXT_MIGRATION.format(head=head), encoding="utf-8"
    )
    monkeypatch.setattr(migrate, "migrations_dir", lambda: folder)
    return head or ""


def test_opening_a_current_database_makes_no_backup(db_path):
    open_database(str(db_path)).dispose()
    open_database(str(db_path)).dispose()
    assert not (db_path.parent / "backups").exists()


def test_upgrading_an_older_database_backs_it_up_first_and_loses_no_rows(db_path, next_version):
    database = open_database(str(db_path), migrate=False)
    w = World(database)
    entity = w.make("entity", title_en="Linked company")
    case = w.make("case", title_en="Case with links", entities=[entity])
    w.make("referral", case_id=case)
    database.dispose()

    upgraded = open_database(str(db_path))  # start-up: behind, so backup then migrate
    try:
        assert migrate.schema_state(upgraded.engine).current == "9002"
        with upgraded.engine.connect() as conn:
            # the rebuilt parent kept its children (no ON DELETE CASCADE during the rebuild)
            assert conn.exec_driver_sql("SELECT count(*) FROM case_entity").scalar() == 1
            assert conn.exec_driver_sql("SELECT case_id FROM referral").scalar() == case
            assert conn.exec_driver_sql('SELECT title_en FROM "case"').scalar() == (
                "Case with links"
            )
        assert World(upgraded).verify().ok
    finally:
        upgraded.dispose()

    backups = sorted((db_path.parent / "backups").glob("*.sqlite3"))
    assert len(backups) == 1
    assert "before-9002" in backups[0].name
    conn = sqlite3.connect(str(backups[0]))
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (next_version,)
        assert conn.execute("SELECT count(*) FROM case_entity").fetchone() == (1,)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()


def test_a_new_empty_database_is_created_without_a_backup(tmp_path):
    path = tmp_path / "new.sqlite3"
    database = open_database(str(path))
    assert migrate.schema_state(database.engine).up_to_date
    database.dispose()
    assert not (tmp_path / "backups").exists()


def test_automatic_backups_are_rotated(db, db_path):
    made = [backup_sqlite(db.engine, db_path, reason=f"r{i}") for i in range(BACKUPS_KEPT + 3)]
    kept = sorted((db_path.parent / "backups").glob("*.sqlite3"))
    assert kept == sorted(made[-BACKUPS_KEPT:])
    for path in kept:
        conn = sqlite3.connect(str(path))
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        conn.close()
