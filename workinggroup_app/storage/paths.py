"""Where the application keeps its files: the user's data and log folders, the default
database, and the check that a SQLite file is on a local disk.
"""

from __future__ import annotations

import os
from pathlib import Path

from workinggroup_app.domain.errors import StorageError

APP_NAME = "workinggroup-app"
ENV_URL = "WORKINGGROUP_DATABASE_URL"


def data_dir() -> Path:
    from platformdirs import user_data_dir

    path = Path(os.environ.get("WORKINGGROUP_DATA_DIR") or user_data_dir(APP_NAME, False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    from platformdirs import user_log_dir

    path = Path(os.environ.get("WORKINGGROUP_LOG_DIR") or user_log_dir(APP_NAME, False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_url() -> str:
    return os.environ.get(ENV_URL) or f"sqlite:///{data_dir() / 'workinggroup.sqlite3'}"


NETWORK_FS = {"nfs", "nfs4", "cifs", "smbfs", "smb3", "9p", "sshfs", "fuse.sshfs", "afs", "davfs"}


def check_local_path(path: Path) -> None:
    """SQLite's locking is unreliable on network shares: refuse them, point to PostgreSQL."""
    target = str(path.resolve().parent if not path.exists() else path.resolve())
    if target.startswith("\\\\"):
        raise StorageError(
            f"{path} is on a network share. A shared database must be a PostgreSQL server "
            "(use --database-url postgresql://...).",
            f"{path} 位于网络共享上。共享数据库请使用 PostgreSQL 服务器。",
        )
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return
    best, fstype = "", ""
    for line in mounts:
        parts = line.split()
        if len(parts) >= 3 and target.startswith(parts[1]) and len(parts[1]) > len(best):
            best, fstype = parts[1], parts[2]
    if fstype in NETWORK_FS:
        raise StorageError(
            f"{path} is on a network file system ({fstype}). SQLite files must be on a local "
            "disk; for a shared database use a PostgreSQL server (--database-url postgresql://...).",
            f"{path} 位于网络文件系统（{fstype}）上。SQLite 文件必须位于本地磁盘；"
            "共享数据库请使用 PostgreSQL 服务器。",
        )
