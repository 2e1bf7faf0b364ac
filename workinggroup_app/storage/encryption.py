"""Encrypting a plain SQLite database in place (``db encrypt``, ``setup``): its pages
copied into a new SQLCipher file under a random key, the key wrapped in the key file
(``storage.keyfile``) for the person who encrypts it and a new recovery key.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from workinggroup_app.domain.errors import StorageError
from workinggroup_app.storage.credentials import Credentials
from workinggroup_app.storage.engine import keyed, sqlcipher_module
from workinggroup_app.storage.keyfile import KEY_BYTES, KeyFile, key_file_for


@dataclass(frozen=True)
class Encrypted:
    key_file: Path
    recovery_key: str  # shown once: the only way in without an account's password
    plain_copy: Path | None  # the file as it was, kept until the user deletes it


def encrypt_file(
    database: Path, credentials: Credentials, *, keep_plain_copy: bool = True
) -> Encrypted:
    """Turn the plain SQLite file ``database`` into an encrypted one, in place, its key
    wrapped for ``credentials`` (and a new recovery key). The database must not be open.

    The plain file is first copied to ``backups/`` (``keep_plain_copy``); the encrypted
    copy is written beside it and checked, the key file is written, and only then is the
    encrypted copy renamed over the plain file, so an interruption leaves the plain file
    as it was (with at worst a key file to delete)."""
    import sqlite3
    from datetime import UTC, datetime

    if key_file_for(database).exists():
        raise StorageError(
            f"{database} is already encrypted (its key file is {key_file_for(database)}).",
            f"{database} 已加密（其密钥文件为 {key_file_for(database)}）。",
        )
    plain = sqlite3.connect(str(database), isolation_level=None)
    try:
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        user_version = plain.execute("PRAGMA user_version").fetchone()[0]
    finally:
        plain.close()
    copy = None
    if keep_plain_copy:
        folder = database.parent / "backups"
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        copy = folder / f"{database.stem}-{stamp}-before-encrypt{database.suffix}"
        source = sqlite3.connect(str(database))
        target = sqlite3.connect(str(copy))
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    key = secrets.token_bytes(KEY_BYTES)
    tmp = database.with_name(f".{database.name}.encrypting")
    tmp.unlink(missing_ok=True)
    sqlcipher = sqlcipher_module()
    conn = sqlcipher.connect(str(database), isolation_level=None)
    try:
        escaped = str(tmp).replace("'", "''")
        conn.execute(f"ATTACH DATABASE '{escaped}' AS encrypted KEY \"x'{key.hex()}'\"")
        conn.execute("SELECT sqlcipher_export('encrypted')")
        conn.execute(f"PRAGMA encrypted.user_version = {int(user_version)}")
        conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()
    check = sqlcipher.connect(str(tmp), isolation_level=None)
    try:
        keyed(key)(check, None)
        result = check.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        check.close()
    if result != "ok":
        tmp.unlink(missing_ok=True)
        raise StorageError(
            f"The encrypted copy of {database} failed its check ({result}); the database "
            "was left as it was.",
            f"{database} 的加密副本未通过检查（{result}）；数据库保持原样。",
        )
    made, recovery = KeyFile.create(database, key, credentials)
    made.write()
    os.replace(tmp, database)
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    return Encrypted(made.path, recovery, copy)


def rekey(database: Path, credentials: Credentials) -> Encrypted:
    """A new random key for the encrypted ``database`` (which must not be open), wrapped
    for ``credentials`` and a new recovery key. Every other account's copy of the old key
    is gone: each gets one when an administrator next sets their password.

    The new key file is written beside the old one first (``.keys.new``), then the file
    is re-encrypted, then the new key file takes the old one's place: interrupted in
    between, the ``.new`` file holds the key that opens the database."""
    old = KeyFile.read(key_file_for(database))
    key = old.unlock(credentials)
    new_key = secrets.token_bytes(KEY_BYTES)
    made, recovery = KeyFile.create(database, new_key, credentials)
    final = made.path
    made.path = final.with_name(final.name + ".new")
    made.write()
    conn = sqlcipher_module().connect(str(database), isolation_level=None)
    try:
        keyed(key)(conn, None)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
    finally:
        conn.close()
    os.replace(made.path, final)
    return Encrypted(final, recovery, None)
