"""The log file rotates, and a crash leaves a report in the log folder without record contents."""

from __future__ import annotations

import logging
import platform
from logging.handlers import RotatingFileHandler
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from workinggroup_app import __version__
from workinggroup_app.storage.paths import log_dir
from workinggroup_app.support import logs


def test_logging_goes_to_one_rotating_file_in_the_user_log_folder(root_logging):
    path = logs.setup_logging()
    again = logs.setup_logging()
    assert path == again == log_dir() / "workinggroup-app.log"
    ours = [
        h
        for h in root_logging.handlers
        if isinstance(h, RotatingFileHandler) and Path(h.baseFilename) == path
    ]
    assert len(ours) == 1  # set up twice, still one file handler: no doubled lines
    assert (ours[0].maxBytes, ours[0].backupCount) == (1_000_000, 5)
    logging.getLogger("workinggroup_app.test").info("opened the meeting packet dialog")
    ours[0].flush()
    assert "opened the meeting packet dialog" in path.read_text(encoding="utf-8")
    assert logs.log_file() == path


def test_a_full_log_file_rolls_over_and_at_most_five_old_files_are_kept(root_logging, tmp_path):
    path = logs.setup_logging(tmp_path)
    handler = next(h for h in root_logging.handlers if getattr(h, "baseFilename", "") == str(path))
    handler.maxBytes = 2_000  # the same handler, a smaller limit, so the test stays fast
    log = logging.getLogger("workinggroup_app.test")
    for i in range(400):
        log.info("line %04d %s", i, "x" * 60)
    handler.flush()
    files = sorted(p.name for p in tmp_path.glob("workinggroup-app.log*"))
    assert files == [
        "workinggroup-app.log",
        "workinggroup-app.log.1",
        "workinggroup-app.log.2",
        "workinggroup-app.log.3",
        "workinggroup-app.log.4",
        "workinggroup-app.log.5",
    ]
    assert "line 0399" in path.read_text(encoding="utf-8")


def _crash() -> BaseException:
    try:
        {}["no such key"]
    except KeyError as exc:
        return exc
    raise AssertionError("unreachable")


def test_a_crash_report_names_version_platform_database_kind_and_the_traceback(db, db_path):
    report = logs.write_crash_report(_crash(), database=db)
    assert report.parent == log_dir()
    assert report.name.startswith("crash-") and report.suffix == ".txt"
    text_ = report.read_text(encoding="utf-8")
    assert f"version: {__version__}" in text_
    assert platform.python_version() in text_
    assert "database: SQLite" in text_
    assert "KeyError: 'no such key'" in text_
    assert "in _crash" in text_  # the traceback's frames
    assert str(db_path) not in text_  # where the data is stays private too
    assert logs.crash_reports() == [report]


def test_a_crash_report_leaves_out_the_values_of_the_failed_statement(tmp_path):
    name = " ".join(["Zhang", "Wei", "informant"])  # what an officer typed, not source code
    engine = create_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE person (name TEXT UNIQUE)"))
        conn.execute(text("INSERT INTO person VALUES (:n)"), {"n": name})
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO person VALUES (:n)"), {"n": name})
    except IntegrityError:
        report = logs.write_crash_report()  # the exception being handled
    engine.dispose()
    text_ = report.read_text(encoding="utf-8")
    assert "IntegrityError" in text_ and "UNIQUE constraint failed" in text_
    assert "Zhang Wei" not in text_
    assert "[parameters: removed]" in text_


def test_the_database_kind_noted_at_start_up_is_used_later(monkeypatch):
    monkeypatch.setattr(logs, "_database_kind", None)
    logs.note_database("postgresql+psycopg://officer@db.example/wg")
    report = logs.write_crash_report(_crash())
    text_ = report.read_text(encoding="utf-8")
    assert "database: PostgreSQL" in text_
    assert "db.example" not in text_ and "officer" not in text_


def test_only_the_newest_crash_reports_are_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(logs, "CRASH_REPORTS_KEPT", 3)
    made = [logs.write_crash_report(_crash(), folder=tmp_path) for _ in range(5)]
    assert logs.crash_reports(tmp_path) == made[-3:]
