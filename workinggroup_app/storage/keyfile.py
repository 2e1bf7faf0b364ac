"""The key of an encrypted SQLite database, kept beside it, wrapped for each account.

An encrypted database file (SQLCipher 4: AES-256 pages with an HMAC each) is opened with a
random 256-bit key. Nobody types that key: the key file beside the database
(``workinggroup.sqlite3.keys``) holds it wrapped, once per account, with a key derived from
that account's password (Argon2id, 64 MiB, 3 passes; AES-256-GCM with the database's id
and the account's name as associated data), and once with a recovery key shown a single
time when the file is encrypted. So a person signs in once: their password unwraps the
database key, then the usual sign-in checks their account in the database.

The key file holds no record text and no password; without a password (or the recovery
key) it is of no use, and the database file is of no use without it. Lose both the key
file and the recovery key, and the database cannot be read by anybody: keep the recovery
key apart from the computer (printed, in the office safe).

Accounts follow through ``KeyFileKeeper`` (``storage.credentials.AccountKeeper``): a
password set wraps the key for that account, a disabled account loses its copy. A person
whose password the application never saw since the file was encrypted (every account but
the one that encrypted it) gets a copy when an administrator sets a new password for them.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workinggroup_app.domain.errors import StorageError
from workinggroup_app.domain.validators import account_name
from workinggroup_app.storage.credentials import AccountState, Credentials

SUFFIX = ".keys"
FORMAT = "workinggroup-database-keys/1"
KEY_BYTES = 32
# Argon2id cost of deriving a wrapping key from a password (tests lower it)
KDF = {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 1}
RECOVERY_GROUPS = 8  # 8 groups of 5 base32 characters: 200 bits


def key_file_for(database: Path) -> Path:
    return database.with_name(database.name + SUFFIX)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _derive(secret: str, salt: bytes, kdf: dict[str, int]) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(
        secret.encode("utf-8"),
        salt,
        time_cost=kdf["time_cost"],
        memory_cost=kdf["memory_cost"],
        parallelism=kdf["parallelism"],
        hash_len=32,
        type=Type.ID,
    )


def _wrap(key: bytes, secret: str, aad: bytes, kdf: dict[str, int]) -> dict[str, str]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce = os.urandom(16), os.urandom(12)
    sealed = AESGCM(_derive(secret, salt, kdf)).encrypt(nonce, key, aad)
    return {"salt": _b64(salt), "nonce": _b64(nonce), "wrapped": _b64(sealed)}


def _unwrap(entry: dict[str, str], secret: str, aad: bytes, kdf: dict[str, int]) -> bytes | None:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        derived = _derive(secret, _unb64(entry["salt"]), kdf)
        return AESGCM(derived).decrypt(_unb64(entry["nonce"]), _unb64(entry["wrapped"]), aad)
    except (InvalidTag, KeyError, ValueError):
        return None


def normalise_recovery(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def new_recovery_key() -> str:
    """'ABCDE-FGHIJ-...' : 8 groups of 5 base32 characters, to write down."""
    raw = base64.b32encode(secrets.token_bytes(25)).decode("ascii")
    return "-".join(raw[i : i + 5] for i in range(0, 5 * RECOVERY_GROUPS, 5))


@dataclass
class KeyFile:
    path: Path
    database_id: str
    kdf: dict[str, int]
    accounts: dict[str, dict[str, str]] = field(default_factory=dict)
    recovery: dict[str, str] | None = None

    def _aad(self, who: str) -> bytes:
        return f"{FORMAT}\n{self.database_id}\n{who}".encode()

    # --- reading and writing -------------------------------------------------------------

    @classmethod
    def read(cls, path: Path) -> KeyFile:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise ValueError(data.get("format"))
            return cls(
                path,
                str(data["database_id"]),
                {k: int(v) for k, v in data["kdf"].items()},
                dict(data.get("accounts") or {}),
                data.get("recovery"),
            )
        except FileNotFoundError:
            raise missing_key_file(path) from None
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise StorageError(
                f"The key file {path} cannot be read ({exc}): it is damaged or not a key "
                "file of this application. Put back a copy of it from where you keep your "
                "backups.",
                f"无法读取密钥文件 {path}（{exc}）：文件已损坏或不是本应用的密钥文件。"
                "请从您保存备份的地方放回其副本。",
            ) from exc

    def write(self) -> None:
        """Whole or not at all: a new file beside it, renamed over it (readable by you)."""
        body = json.dumps(
            {
                "format": FORMAT,
                "database_id": self.database_id,
                "kdf": self.kdf,
                "accounts": self.accounts,
                "recovery": self.recovery,
            },
            indent=1,
            sort_keys=True,
        )
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.new")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(body)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)

    # --- the key ---------------------------------------------------------------------------

    @classmethod
    def create(cls, database: Path, key: bytes, credentials: Credentials) -> tuple[KeyFile, str]:
        """A key file for a newly encrypted ``database``: wrapped for ``credentials`` and
        for a new recovery key, which is returned (show it once)."""
        made = cls(key_file_for(database), str(uuid.uuid4()), dict(KDF))
        made.set_account(key, credentials.username, credentials.password)
        recovery = new_recovery_key()
        made.recovery = _wrap(key, normalise_recovery(recovery), made._aad(""), made.kdf)
        return made, recovery

    def unlock(self, credentials: Credentials) -> bytes:
        name = account_name(credentials.username)
        entry = self.accounts.get(name)
        key = None
        if entry is not None:
            key = _unwrap(entry, credentials.password, self._aad(name), self.kdf)
        if key is None:
            raise wrong_password()
        return key

    def unlock_with_recovery(self, recovery: str) -> bytes:
        key = None
        if self.recovery is not None:
            key = _unwrap(self.recovery, normalise_recovery(recovery), self._aad(""), self.kdf)
        if key is None:
            raise StorageError(
                "That is not the recovery key of this database.",
                "这不是此数据库的恢复密钥。",
            )
        return key

    def set_account(self, key: bytes, username: str, password: str) -> None:
        name = account_name(username)
        self.accounts[name] = _wrap(key, password, self._aad(name), self.kdf)

    def drop_account(self, username: str) -> None:
        self.accounts.pop(account_name(username), None)


def for_database(database: Path | None) -> KeyFile | None:
    """The key file of an SQLite file, when it is encrypted (None: a plain file)."""
    if database is None:
        return None
    path = key_file_for(database)
    if not path.exists():
        return None
    return KeyFile.read(path)


def sign_in_first(database: Path | None) -> StorageError:
    return StorageError(
        f"{database} is encrypted: sign in to open it (workinggroup-app --user NAME ...).",
        f"{database} 已加密：请登录后打开（workinggroup-app --user 用户名 ...）。",
    )


def wrong_password() -> StorageError:
    # the same words as the sign-in's, so that a name without a key copy says no more
    return StorageError(
        "The user name or password is wrong (or this account has no key to this encrypted "
        "database yet: an administrator sets a new password to give it one).",
        "用户名或密码错误（或此账户尚无此加密数据库的密钥：由管理员为其设置新密码即可获得）。",
    )


def missing_key_file(path: Path) -> StorageError:
    return StorageError(
        f"This database is encrypted, and its key file {path} is missing. Put the key file "
        "back from where you keep your backups (it is made and copied with every backup); "
        "without it the database cannot be opened. Nothing was changed.",
        f"此数据库已加密，但其密钥文件 {path} 不存在。请从您保存备份的地方放回密钥文件"
        "（每次备份都会一并复制）；没有它就无法打开数据库。未作任何更改。",
    )


def wrong_key_file(database: Path, key_file: Path) -> StorageError:
    return StorageError(
        f"The key file {key_file} does not open {database}: it belongs to another "
        "database, or one of the two was replaced. Put back the key file made with this "
        "database (backups keep them together). Nothing was changed.",
        f"密钥文件 {key_file} 无法打开 {database}：它属于另一个数据库，或两者之一被替换。"
        "请放回与此数据库一起生成的密钥文件（备份会将两者放在一起）。未作任何更改。",
    )


class KeyFileKeeper:
    """Keeps the key file in step with the accounts (``AccountKeeper``)."""

    def __init__(self, key_file: KeyFile, key: bytes) -> None:
        self.key_file = key_file
        self._key = key

    def account_saved(self, session: Any, account: AccountState) -> None:
        if not account.active:
            self.key_file.drop_account(account.username)
        elif account.password is not None:
            self.key_file.set_account(self._key, account.username, account.password)
        else:
            return
        self.key_file.write()
