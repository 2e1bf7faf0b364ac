"""The schema's version: reading it without Alembic (fast), and upgrading with Alembic after
a backup. A database written by a newer version is refused, never changed.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from workinggroup_app.domain.errors import DatabaseTooNewError, StorageError
from workinggroup_app.storage.engine import backup_sqlite, sqlite_path
from workinggroup_app.storage.server_roles import ensure_server_roles

log = logging.getLogger(__name__)
# --- migrations -----------------------------------------------------------------------

_REV = re.compile(r"^revision\s*(?::\s*str)?\s*=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*(?::[^=]+)?=\s*['\"]?([^'\"\n]+)['\"]?", re.M)


def migrations_dir() -> Path:
    return Path(str(files("workinggroup_app.migrations")))


def known_revisions() -> tuple[list[str], str | None]:
    """All revisions in the shipped migrations and the head, read without importing Alembic."""
    revs: dict[str, str | None] = {}
    for path in (migrations_dir() / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        rev = _REV.search(source)
        down = _DOWN.search(source)
        if rev:
            down_rev = down.group(1).strip() if down else None
            revs[rev.group(1)] = None if down_rev in (None, "None") else down_rev
    downs = set(revs.values())
    heads = [r for r in revs if r not in downs]
    return list(revs), (heads[0] if heads else None)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


@dataclass
class SchemaState:
    current: str | None
    head: str | None

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def schema_state(engine: Engine) -> SchemaState:
    revisions, head = known_revisions()
    current = current_revision(engine)
    if current is not None and current not in revisions:
        raise DatabaseTooNewError(
            f"This database was written by a newer version of the application (schema "
            f"{current}). Install the newer version to open it; nothing was changed.",
            f"此数据库由更新版本的应用程序写入（架构 {current}）。请安装新版本后再打开；"
            "数据未作任何更改。",
        )
    return SchemaState(current, head)


def alembic_config(engine: Engine):  # -> alembic.config.Config, imported lazily (~0.8 s)
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def upgrade(engine: Engine, *, backup: bool = True) -> str | None:
    """Bring the schema to head. Backs up an existing SQLite file first; returns its path."""
    state = schema_state(engine)
    if state.up_to_date:
        return None
    from alembic import command

    backup_path = None
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    if backup and path is not None and state.current is not None and path.exists():
        backup_path = str(backup_sqlite(engine, path, reason=f"before-{state.head}"))
    cfg = alembic_config(engine)
    if engine.dialect.name == "sqlite":
        # FINDINGS: a batch migration rebuilding a parent table fires ON DELETE CASCADE when
        # foreign keys are on. Migrate with them off, then check them.
        with engine.connect() as conn:
            raw = conn.connection.driver_connection  # no transaction is open yet
            raw.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
            try:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                if conn.in_transaction():
                    conn.commit()
                problems = raw.execute("PRAGMA foreign_key_check").fetchall()  # type: ignore[union-attr]
            finally:
                raw.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
        if problems:
            raise StorageError(
                f"The upgrade left {len(problems)} broken references; restore the backup "
                f"{backup_path or ''} and report this.",
                f"升级后有 {len(problems)} 处引用损坏；请恢复备份 {backup_path or ''} 并报告此问题。",
            )
    else:
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            if conn.in_transaction():
                conn.commit()
            # the server's roles and grants cover the tables this upgrade made
            with conn.begin():
                ensure_server_roles(conn)
    log.info("database upgraded from %s to %s", state.current, state.head)
    return backup_path
