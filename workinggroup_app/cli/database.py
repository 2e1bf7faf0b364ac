"""``db upgrade|current|check``, ``audit verify``, ``backup`` and ``restore``: the database
itself, its schema, its audit chain and its copies.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from workinggroup_app.cli.base import (
    ERROR,
    UsageError,
    actor,
    credentials,
    database_url,
    lang_of,
    missing_file,
    one_line,
    open_db,
    say,
    word_for,
)
from workinggroup_app.domain.permissions import require


def add_commands(subparsers: Any) -> None:
    """Register ``db``, ``audit``, ``backup`` and ``restore``."""
    db = subparsers.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_sub.add_parser(
        "upgrade",
        help="bring the schema to the latest version (backs up first) and merge the shipped "
        "agencies and substances",
    ).set_defaults(func=cmd_db_upgrade)
    db_sub.add_parser(
        "current", help="print the current and the latest schema revision"
    ).set_defaults(func=cmd_db_current)
    db_sub.add_parser(
        "check", help="read every page of the SQLite file (integrity check)"
    ).set_defaults(func=cmd_db_check)
    db_sub.add_parser(
        "encrypt",
        help="encrypt a plain SQLite file in place (a plain copy is kept in backups/ first); "
        "prints the recovery key once",
    ).set_defaults(func=cmd_db_encrypt)
    rc = db_sub.add_parser(
        "recover",
        help="with the recovery key of an encrypted file, set a new password for an account "
        "(an administrator who forgot theirs); asks for the key and the password, or reads "
        "them from standard input (two lines) with --stdin",
    )
    rc.add_argument("name", metavar="NAME", help="the account to give a new password")
    rc.add_argument("--stdin", action="store_true", help="read key, then password, from stdin")
    rc.set_defaults(func=cmd_db_recover)
    db_sub.add_parser(
        "rekey",
        help="give an encrypted SQLite file a new key and a new recovery key (other "
        "accounts get their copy when their password is next set)",
    ).set_defaults(func=cmd_db_rekey)

    au = subparsers.add_parser("audit", help="audit trail")
    au_sub = au.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    av = au_sub.add_parser(
        "verify",
        help="check that no audit event was changed or removed: every link, every event and "
        "every signed checkpoint",
    )
    av.add_argument(
        "--against",
        metavar="TOKEN",
        help="a checkpoint copied from a PDF footer or an exchange package (AC-12/3456/1a2b...): "
        "the trail must still hold it, even if checkpoints were deleted from the database",
    )
    av.set_defaults(func=cmd_audit_verify)
    hi = au_sub.add_parser("history", help="every audit event of one record, oldest first")
    hi.add_argument("reference", metavar="REFERENCE", help="e.g. REF-2026-0042")
    hi.set_defaults(func=cmd_audit_history)

    bk = subparsers.add_parser(
        "backup", help="copy the SQLite database to a file (safe while in use)"
    )
    bk.add_argument("-o", "--output", required=True, metavar="FILE")
    bk.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    bk.set_defaults(func=cmd_backup)

    rs = subparsers.add_parser(
        "restore", help="replace the SQLite database with a backup (the current one is kept)"
    )
    rs.add_argument("file", metavar="FILE")
    rs.set_defaults(func=cmd_restore)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Bring the schema to the latest revision, then merge the shipped reference data."""
    from workinggroup_app.services import reference_data
    from workinggroup_app.storage.migrate import schema_state, upgrade
    from workinggroup_app.storage.server_roles import ensure_server_roles

    db = open_db(args, migrate=False, sign_in_as="first_run")
    try:
        require(actor(args), "maintain_database")
        before = schema_state(db.engine)
        if before.up_to_date:
            say(f"already at the latest revision {before.head}")
        else:
            backup = upgrade(db.engine)
            say(f"upgraded {db.display_name} from {before.current or 'empty'} to {before.head}")
            if backup:
                say(f"backup of the previous version: {backup}")
        groups = ensure_server_roles(db.engine)  # PostgreSQL: also when already up to date
        if groups:
            say(
                word_for(
                    args,
                    f"server roles and grants up to date: {', '.join(groups)}",
                    f"服务器角色与权限已更新：{'、'.join(groups)}",
                )
            )
        merged = reference_data.merge(db, actor(args))
        say(word_for(args, merged.summary_en(), merged.summary_zh()))
    finally:
        db.dispose()
    return 0


def cmd_db_current(args: argparse.Namespace) -> int:
    from workinggroup_app.storage.migrate import known_revisions, schema_state

    missing = missing_file(database_url(args))
    if missing is not None:
        say(f"current revision: none (no database at {missing})")
        say(f"head revision: {known_revisions()[1]}")
        return 0
    db = open_db(args, migrate=False, sign_in_as="nobody")
    try:
        state = schema_state(db.engine)
    finally:
        db.dispose()
    say(f"current revision: {state.current or 'none (empty database)'}")
    say(f"head revision: {state.head}")
    say("up to date" if state.up_to_date else "behind: run 'workinggroup-app db upgrade'")
    return 0


def cmd_db_check(args: argparse.Namespace) -> int:
    """The full page-by-page check that start-up skips for large files."""
    from workinggroup_app.storage.engine import (
        check_sqlite_integrity,
        create_app_engine,
        sqlite_path,
    )

    url = database_url(args)
    missing = missing_file(url)
    if missing is not None:
        raise FileNotFoundError(f"no database at {missing}")
    engine = create_app_engine(url, readonly=True)
    try:
        if sqlite_path(engine.url.render_as_string(hide_password=False)) is None:
            say("integrity check: a PostgreSQL server checks its own pages; nothing to do")
            return 0
        check_sqlite_integrity(engine, full=True)  # raises StorageError when damaged
    finally:
        engine.dispose()
    say("integrity check: ok")
    return 0


def _sqlite_file_of(args: argparse.Namespace) -> Path:
    from workinggroup_app.storage import backup
    from workinggroup_app.storage.engine import sqlite_path

    path = sqlite_path(database_url(args))
    if path is None:
        raise backup.server_database_error("encrypt")
    return path


def _closed_by_an_administrator(args: argparse.Namespace) -> Path:
    """The SQLite file, once an administrator has signed in to it; closed again, as the
    whole-file commands (encrypt, rekey) need it."""
    path = _sqlite_file_of(args)
    db = open_db(args, migrate=False, must_exist=True)
    try:
        require(actor(args), "maintain_database")
    finally:
        db.dispose()
    return path


def say_recovery_key(args: argparse.Namespace, key_file: Path, recovery_key: str) -> None:
    """The recovery key, once: without it and every password, the file cannot be read."""
    say(word_for(args, f"key file: {key_file}", f"密钥文件：{key_file}"))
    say(
        word_for(
            args,
            "RECOVERY KEY (shown this once; write it down and keep it apart from this "
            "computer: with it an administrator can always open the database):",
            "恢复密钥（仅显示这一次；请抄下并与本机分开保存：凭它管理员总能打开数据库）：",
        )
    )
    say(f"    {recovery_key}")


def cmd_db_encrypt(args: argparse.Namespace) -> int:
    from workinggroup_app.storage.encryption import encrypt_file

    path = _closed_by_an_administrator(args)
    done = encrypt_file(path, credentials(args))
    say(word_for(args, f"encrypted {path}", f"已加密 {path}"))
    say_recovery_key(args, done.key_file, done.recovery_key)
    if done.plain_copy is not None:
        say(
            word_for(
                args,
                f"the file as it was, NOT encrypted, is kept at {done.plain_copy}: delete it "
                "once you have checked the encrypted database",
                f"加密前的文件（未加密）保存在 {done.plain_copy}：确认加密后的数据库无误后请删除",
            )
        )
    say(
        word_for(
            args,
            "other accounts open it once an administrator sets a new password for them "
            "(users reset-password NAME)",
            "其他账户需由管理员为其设置新密码后方可打开（users reset-password 用户名）",
        )
    )
    return 0


def cmd_db_recover(args: argparse.Namespace) -> int:
    import getpass

    from workinggroup_app.domain.permissions import Actor
    from workinggroup_app.services import users
    from workinggroup_app.storage.database import open_database

    path = _sqlite_file_of(args)
    if args.stdin:
        recovery, password = (sys.stdin.readline().strip() for _ in range(2))
    elif sys.stdin.isatty():
        recovery = getpass.getpass(word_for(args, "Recovery key: ", "恢复密钥："))
        password = getpass.getpass(word_for(args, "New password: ", "新密码："))
        if password != getpass.getpass(word_for(args, "New password again: ", "再次输入：")):
            raise UsageError(word_for(args, "the passwords differ", "两次输入的密码不一致"))
    else:
        raise UsageError("no terminal to ask for the recovery key: use --stdin")
    if not recovery or not password:
        raise UsageError("--stdin: give the recovery key and the new password on two lines")
    db = open_database(str(path), recovery_key=recovery)
    try:  # the key file gets this account's copy through the database's key keeper
        users.set_password(db, Actor("recovery-key", "administrator"), args.name, password)
    finally:
        db.dispose()
    say(
        word_for(
            args,
            f"{users.normalise_username(args.name)} has a new password and opens {path} again",
            f"{users.normalise_username(args.name)} 已设置新密码，可再次打开 {path}",
        )
    )
    return 0


def cmd_db_rekey(args: argparse.Namespace) -> int:
    from workinggroup_app.storage.encryption import rekey

    path = _closed_by_an_administrator(args)
    done = rekey(path, credentials(args))
    say(word_for(args, f"new key for {path}", f"已为 {path} 更换密钥"))
    say_recovery_key(args, done.key_file, done.recovery_key)
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from workinggroup_app.audit import checkpoints, trail
    from workinggroup_app.storage.snapshot import snapshot_session

    against = getattr(args, "against", None)
    if against and checkpoints.parse_token(against) is None:
        raise UsageError(
            f"--against {against[:60]!r} is not a checkpoint: copy it from a PDF footer or a "
            "package, e.g. AC-12/3456/1a2b3c4d5e6f7a8b"
        )
    db = open_db(args, must_exist=True)
    try:
        require(actor(args), "audit_view")
        with snapshot_session(db) as session:
            result = trail.verify(session, against=against)
    finally:
        db.dispose()
    if not result.ok:
        where = f" at event #{result.first_bad_id}" if result.first_bad_id else ""
        message = word_for(
            args,
            f"audit trail broken{where}: {result.reason}",
            f"审计记录已被破坏{where and f'（第 {result.first_bad_id} 号事件）'}："
            f"{result.reason_zh}",
        )
        print(message, file=sys.stderr)
        return ERROR
    cp = result.checkpoint
    if cp is None:
        say(
            word_for(
                args,
                f"audit trail intact: {result.checked:,} events, no signed checkpoint yet",
                f"审计记录完整：{result.checked:,} 个事件，尚无已签名的检查点",
            )
        )
    else:
        say(
            word_for(
                args,
                f"audit trail intact: {result.checked:,} events, up to signed checkpoint "
                f"{cp.token} ({cp.detail('en')}); {result.since:,} since",
                f"审计记录完整：{result.checked:,} 个事件，截至已签名的检查点 {cp.token}"
                f"（{cp.detail('zh')}）；其后 {result.since:,} 个事件",
            )
        )
    if against:
        say(word_for(args, f"matches {against}", f"与 {against} 相符"))
    for fp in sorted(result.foreign_keys):
        say(
            word_for(
                args,
                f"note: some checkpoints are signed by another installation's key {fp[:16]}",
                f"注意：部分检查点由另一安装的密钥 {fp[:16]} 签名",
            )
        )
    return 0


def cmd_audit_history(args: argparse.Namespace) -> int:
    from workinggroup_app.audit import reading
    from workinggroup_app.domain.errors import NotFoundError
    from workinggroup_app.services.records import find_by_reference

    lang = lang_of(args)
    db = open_db(args, must_exist=True)
    try:
        with db.session() as s:
            try:
                found, obj = find_by_reference(s, args.reference.strip().upper())
            except NotFoundError:
                found = obj = None
            if found is None:
                raise NotFoundError(
                    f"No record with reference {args.reference[:40]!r}.",
                    f"找不到编号为 {args.reference[:40]!r} 的记录。",
                )
            flt = reading.AuditFilter(record_type=found.key, record_id=obj.id)
            rows = reading.events(s, actor(args), flt, limit=reading.MAX_WINDOW)
    finally:
        db.dispose()
    if not rows:
        say(word_for(args, "no audit events for this record", "此记录没有审计事件"))
    for row in reversed(rows):
        when = row.at.strftime("%Y-%m-%d %H:%M:%S")
        what = reading.action_label(row.action, lang)
        say(f"{when}  {row.actor:<20} {what:<16} {one_line(reading.summary(row, lang))}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from workinggroup_app.storage import backup
    from workinggroup_app.storage.engine import sqlite_path

    url = database_url(args)
    if sqlite_path(url) is None:
        raise backup.server_database_error("backup")
    db = open_db(args, migrate=False, must_exist=True)
    try:
        require(actor(args), "maintain_database")
        dest = backup.backup_database(db, args.output, overwrite=args.force)
    finally:
        db.dispose()
    say(f"backed up {db.display_name} to {dest} ({dest.stat().st_size:,} bytes)")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from workinggroup_app.domain.errors import StorageError
    from workinggroup_app.storage import backup
    from workinggroup_app.storage.engine import sqlite_path

    url = database_url(args)
    if sqlite_path(url) is None:
        raise backup.server_database_error("restore")
    backup.check_backup_file(Path(args.file))  # a bad file is refused before anyone signs in
    if missing_file(url) is None:  # replacing a database: its administrator says so
        try:
            db = open_db(args, migrate=False, sign_in_as="first_run")
        except StorageError:
            db = None  # a damaged file names no one; it is moved aside, never overwritten
        if db is not None:
            try:
                require(actor(args), "maintain_database")
            finally:
                db.dispose()
    result = backup.restore_database(url, args.file)
    say(f"restored {result.target} from {result.source} (schema {result.revision})")
    if result.previous is not None:
        kind = "damaged database, moved aside unchanged" if result.previous_damaged else "backup"
        say(f"the previous database was kept ({kind}): {result.previous}")
    return 0
