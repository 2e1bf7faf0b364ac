"""The command line as a user's script runs it: a subprocess on a fresh database, reading the
files it writes as other tools would."""

from __future__ import annotations

import csv
import hashlib
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.helpers import World
from workinggroup_app.domain import models
from workinggroup_app.storage.database import open_database
from workinggroup_app.storage.migrate import known_revisions

HEAD = known_revisions()[1]
# the console script pip installed beside this interpreter (pyproject's [project.scripts])
COMMAND = Path(sys.executable).with_name("workinggroup-app")


PASSWORD = "correct horse battery staple"


class Cli:
    """The installed command on one database, signed in as ``user`` once there is one:
    ``--user NAME --password-stdin`` before the command, the password on stdin's first line."""

    def __init__(self, tmp_path: Path, database: str | None, user: str | None = None) -> None:
        self.tmp_path = tmp_path
        self.database = database
        self.user = user
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("WORKINGGROUP_")}
        self.env.update(
            WORKINGGROUP_DATA_DIR=str(tmp_path / "data"),
            WORKINGGROUP_LOG_DIR=str(tmp_path / "log"),
            QT_QPA_PLATFORM="offscreen",
            PYTHONIOENCODING="utf-8",
        )

    def __call__(self, *args: str, ok: bool = True, timeout: int = 600, stdin: str | None = None):
        cmd = [str(COMMAND)]  # the installed command, as a user's scripts start it
        if self.database is not None:
            cmd += ["--database-url", self.database]
        if self.user is not None:
            cmd += ["--user", self.user, "--password-stdin"]
            stdin = PASSWORD + "\n" + (stdin or "")
        result = subprocess.run(
            [*cmd, *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=self.env,
            cwd=self.tmp_path,
            timeout=timeout,
            input=stdin,
        )
        assert "Traceback" not in result.stderr, result.stderr
        if ok:
            assert result.returncode == 0, (args, result.stdout, result.stderr)
        return result

    def set_up(self, admin: str = "admin", *, encrypted: bool = False) -> None:
        """The first administrator of the database, signed in from now on (a plain file,
        which the tests read and tamper with directly, unless ``encrypted``)."""
        self.user = None
        plain = [] if encrypted else ["--no-encryption"]
        self("setup", "--admin", admin, "--password-stdin", "--no-reference-data", *plain,
             stdin=PASSWORD + "\n")  # fmt: skip
        self.user = admin

    def seed(self, *options: str) -> subprocess.CompletedProcess[str]:
        """``demo seed`` on a database without accounts: one account per role, all with
        PASSWORD; signed in as the administrator from now on."""
        self.user = None
        result = self("demo", "seed", "--password", PASSWORD, *options)
        self.user = "administrator"
        return result


@pytest.fixture
def db_file(tmp_path) -> Path:
    return tmp_path / "wg.sqlite3"


@pytest.fixture
def cli(tmp_path, db_file) -> Cli:
    return Cli(tmp_path, str(db_file))


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- the basics --------------------------------------------------------------------------------------


def test_version(tmp_path):
    result = Cli(tmp_path, None)("--version")
    assert result.stdout.strip() == f"workinggroup-app {version('workinggroup-app')}"


def test_the_core_commands_never_import_qt(tmp_path):
    """Through the installed command's entry point: the desktop is handed to the core's
    command line, but a command that needs no window never loads Qt."""
    code = (
        "import sys\n"
        "from workinggroup_ui import launch\n"
        "from workinggroup_app.exchange.sheets import csv_export\n"
        "from workinggroup_app.storage import backup\n"
        "launch.main(['--database-url', sys.argv[1], 'db', 'current'])\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')\n"
        "             or m.startswith('workinggroup_ui.') and m != 'workinggroup_ui.launch')\n"
        "sys.exit(f'imported {bad}' if bad else 0)\n"
    )
    result = run_python(code, tmp_path)
    assert result.returncode == 0, result.stderr


def test_the_core_alone_says_a_window_needs_the_installed_command(tmp_path):
    """``python -m workinggroup_app`` is the core's command line only: the desktop is handed
    to it by the installed command, never imported by the core."""
    result = subprocess.run(
        [sys.executable, "-m", "workinggroup_app", "screenshot", "--out", str(tmp_path / "s")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "WORKINGGROUP_DATA_DIR": str(tmp_path / "data")},
    )
    assert result.returncode == 1
    assert "start it with workinggroup-app" in result.stderr
    assert not (tmp_path / "s").exists()


def run_python(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``code`` in a fresh interpreter, given a database file in ``tmp_path`` as argv[1]."""
    return subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "x.sqlite3")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "WORKINGGROUP_DATA_DIR": str(tmp_path / "data"), **env},
    )


def test_the_window_is_painted_before_the_database_layer_is_imported(tmp_path):
    """Starting the application from its command shows the window first: the parser,
    the version and the error handling must not pull in SQLAlchemy (~0.5 s) before it."""
    code = (
        "import sys\n"
        "from PySide6.QtCore import QEvent, QObject, QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication(sys.argv[:1])\n"
        "class Watch(QObject):\n"
        "    def eventFilter(self, obj, ev):\n"
        "        if ev.type() == QEvent.Type.Paint and type(obj.window()).__name__ == 'MainWindow':\n"
        "            heavy = sorted(m for m in ('sqlalchemy', 'alembic', 'reportlab',\n"
        "                                       'importlib.metadata') if m in sys.modules)\n"
        "            print('painted with', heavy, flush=True)\n"
        "            app.removeEventFilter(self)\n"
        "            QTimer.singleShot(0, lambda: sys.exit(0))\n"
        "        return False\n"
        "watch = Watch()\n"
        "app.installEventFilter(watch)\n"
        "from workinggroup_ui.launch import main\n"
        "main(['--database-url', sys.argv[1], '--lang', 'en'])\n"
    )
    result = run_python(
        code, tmp_path, QT_QPA_PLATFORM="offscreen", WORKINGGROUP_LOG_DIR=str(tmp_path / "logs")
    )
    assert "painted with []" in result.stdout, result.stdout + result.stderr


def test_upgrade_and_current_on_a_fresh_file(cli, db_file):
    result = cli("db", "current")
    assert "current revision: none" in result.stdout
    assert f"head revision: {HEAD}" in result.stdout
    assert not db_file.exists()  # asking does not create a database

    result = cli("db", "upgrade")
    assert f"to {HEAD}" in result.stdout
    result = cli("db", "current")
    assert f"current revision: {HEAD}" in result.stdout
    assert "up to date" in result.stdout
    assert "already at the latest revision" in cli("db", "upgrade").stdout


def test_upgrade_merges_the_shipped_reference_data_once(cli, db_file):
    from workinggroup_app.services import reference_data

    data = reference_data.shipped()
    result = cli("db", "upgrade")
    assert (
        f"Reference data {data.version}: added {len(data.agencies)} agencies, "
        f"{len(data.substances)} substances." in result.stdout
    )
    database = open_database(str(db_file))
    try:
        with database.session() as s:
            agencies = dict(s.execute(select(models.Agency.abbreviation, models.Agency.side)).all())
            cas = set(s.scalars(select(models.Substance.cas_number)))
            events = s.scalar(select(func.count()).select_from(models.AuditEvent))
    finally:
        database.dispose()
    assert agencies["DEA"] == "US" and agencies["MPS NCB"] == "PRC"
    assert len(agencies) == len(data.agencies)
    assert {"437-38-7", "39742-60-4", "21409-26-7"} <= cas
    cli.set_up()  # the administrator's account and the office profile: two events more
    # verify counts its own sign-in too
    assert f"audit trail intact: {events + 3:,} events" in cli("audit", "verify").stdout

    again = cli("db", "upgrade")
    assert f"Reference data {data.version}: up to date" in again.stdout
    # nothing merged: the upgrade's and this verify's sign-ins are the only new events
    assert f"audit trail intact: {events + 5:,} events" in cli("audit", "verify").stdout
    zh = cli("--lang", "zh_CN", "db", "upgrade")
    assert f"参考数据 {data.version}：已是最新" in zh.stdout


def test_upgrade_refuses_malformed_reference_data_in_one_line(
    tmp_path, db_file, monkeypatch, capsys
):
    """A broken installation (a file edited by hand): one clear line, nothing merged; the
    command run in this process, with the files' location pointed at a spoiled copy."""
    from workinggroup_app.cli.main import main
    from workinggroup_app.services import reference_data

    shipped = Path(str(reference_data.data_folder()))
    spoiled = tmp_path / "reference"
    shutil.copytree(shipped, spoiled)
    lines = (spoiled / "substances.csv").read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("437-38-7", "437-38-1")
    (spoiled / "substances.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(reference_data, "data_folder", lambda: spoiled)

    assert main(["--database-url", str(db_file), "db", "upgrade"]) == 1
    out, err = capsys.readouterr()
    assert f"to {HEAD}" in out  # the schema itself is upgraded
    assert len(err.strip().splitlines()) == 1
    assert "substances.csv, line 2, cas_number" in err and "nothing was merged" in err
    database = open_database(str(db_file))
    try:
        with database.session() as s:
            assert s.scalar(select(func.count()).select_from(models.Agency)) == 0
            assert s.scalar(select(func.count()).select_from(models.AuditEvent)) == 0
    finally:
        database.dispose()
    assert main(["--lang", "zh_CN", "--database-url", str(db_file), "db", "upgrade"]) == 1
    assert "随附的参考数据无法使用" in capsys.readouterr().err

    monkeypatch.setattr(reference_data, "data_folder", lambda: shipped)
    assert main(["--database-url", str(db_file), "db", "upgrade"]) == 0
    assert "agencies" in capsys.readouterr().out


# --- seed, export, packet -------------------------------------------------------------------------------

HOSTILE = '=HYPERLINK("x")'


def add_hostile_referral(url: str) -> str:
    database = open_database(url)
    try:
        change = World(database).svc.create(
            "referral",
            {
                "title_en": HOSTILE,
                "title_zh": "恶意标题",
                "direction": "US_TO_PRC",
                "referral_type": "lead",
                "counterpart_ref": "-12",
            },
        )
        return change.reference
    finally:
        database.dispose()


def live_referrals(url: str) -> int:
    database = open_database(url)
    try:
        with database.engine.connect() as conn:
            return conn.exec_driver_sql(
                "SELECT count(*) FROM referral WHERE NOT archived"
            ).scalar_one()
    finally:
        database.dispose()


def seed_and_export(cli: Cli, url: str, tmp_path: Path) -> Path:
    cli("db", "upgrade")
    seeded = cli.seed("--scale", "200", "--seed", "7")
    assert "referral:" in seeded.stdout and "seeded in" in seeded.stdout
    hostile_ref = add_hostile_referral(url)

    out = tmp_path / "referrals.csv"
    result = cli("export", "--type", "referrals", "--format", "csv", "-o", str(out))
    rows = read_csv(out)
    assert len(rows) == live_referrals(url) > 1
    assert f"wrote {len(rows):,} referrals" in result.stdout
    for column in ("reference", "uuid", "title_en", "title_zh", "status", "releasable"):
        assert column in rows[0]
    hostile = next(r for r in rows if r["reference"] == hostile_ref)
    assert hostile["title_en"] == "'" + HOSTILE
    assert hostile["counterpart_ref"] == "-12"
    assert hostile["title_zh"] == "恶意标题"
    assert {r["releasable"] for r in rows} <= {"yes", "no"}
    return out


def test_seed_and_export_on_sqlite(cli, db_file, tmp_path):
    out = seed_and_export(cli, str(db_file), tmp_path)
    rows = read_csv(out)

    # the filters and the bilateral audience, as a user would combine them
    shared = tmp_path / "shared.csv"
    cli("export", "--type", "referrals", "--audience", "bilateral", "-o", str(shared))
    shared_rows = read_csv(shared)
    assert {r["releasable"] for r in shared_rows} == {"yes"}
    assert len(shared_rows) < len(rows)
    assert "audit trail intact" in cli("audit", "verify").stdout

    zh = tmp_path / "zh.csv"
    cli("export", "--type", "action-items", "--open", "--headers", "zh", "-o", str(zh))
    with zh.open(encoding="utf-8-sig") as fh:
        header = next(csv.reader(fh))
    assert header[:2] == ["编号", "通用唯一标识"]

    overdue = tmp_path / "overdue.csv"
    cli("export", "--type", "action-items", "--overdue", "--status", "open", "-o", str(overdue))
    assert {r["status"] for r in read_csv(overdue)} <= {"open"}


def meeting_reference(url: str) -> str:
    database = open_database(url)
    try:
        with database.engine.connect() as conn:
            return conn.exec_driver_sql(
                "SELECT reference FROM meeting WHERE releasability = 'releasable' "
                "AND NOT archived ORDER BY starts_at DESC LIMIT 1"
            ).scalar_one()
    finally:
        database.dispose()


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")
def test_export_pdf_writes_a_packet_naming_the_meeting(cli, db_file, tmp_path):
    cli("db", "upgrade")
    cli.seed("--scale", "200")
    reference = meeting_reference(str(db_file))
    for audience in ("bilateral", "internal"):
        out = tmp_path / f"{audience}.pdf"
        result = cli("export-pdf", "--meeting", reference, "--audience", audience, "-o", str(out))
        assert out.read_bytes().startswith(b"%PDF")
        assert reference in pdf_text(out)
        assert reference in result.stdout
    missing = cli("export-pdf", "--meeting", "MTG-1999-0001", "--audience", "internal",
                  "-o", str(tmp_path / "none.pdf"), ok=False)  # fmt: skip
    assert missing.returncode == 1
    assert "MTG-1999-0001" in missing.stderr
    assert not (tmp_path / "none.pdf").exists()


# --- bad input -------------------------------------------------------------------------------------------


def test_unknown_type_is_a_usage_error(cli, tmp_path):
    cli.set_up()
    result = cli("export", "--type", "widgets", "-o", str(tmp_path / "x.csv"), ok=False)
    assert result.returncode == 2
    assert "widgets" in result.stderr and "referrals" in result.stderr
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--type", "referrals", "--status", "bogus", "-o", "x.csv"],
        ["export", "--type", "entities", "--status", "open", "-o", "x.csv"],
        ["export", "--type", "entities", "--overdue", "-o", "x.csv"],
        ["export", "--type", "referrals", "--releasable", "--us-only", "-o", "x.csv"],
        ["export", "--type", "referrals"],
        ["export", "--type", "referrals", "--format", "pdf", "-o", "x.csv"],
        ["db"],
        ["frobnicate"],
        ["audit", "verify", "--extra"],
    ],
)
def test_usage_errors_exit_2_with_one_message(cli, args):
    result = cli(*args, ok=False)
    assert result.returncode == 2, result.stderr
    assert "error" in result.stderr
    assert result.stdout == ""


def test_export_into_a_missing_folder_fails_cleanly(cli, tmp_path):
    cli.set_up()
    result = cli("export", "--type", "cases", "-o", str(tmp_path / "no" / "x.csv"), ok=False)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_corrupt_database_is_refused_with_a_clear_message(tmp_path):
    bad = tmp_path / "corrupt.sqlite3"
    bad.write_bytes(random.Random(5).randbytes(40_000))
    before = sha(bad)
    cli = Cli(tmp_path, str(bad), user="admin")
    for args in (
        ["export", "--type", "cases", "-o", "c.csv"],
        ["audit", "verify"],
        ["db", "upgrade"],
    ):
        result = cli(*args, ok=False)
        assert result.returncode == 1
        message = result.stderr.strip()
        assert len(message.splitlines()) == 1
        assert "damaged" in message and "restore" in message
    assert sha(bad) == before


def test_a_missing_database_is_named_not_created(cli, db_file, tmp_path):
    result = cli("export", "--type", "cases", "-o", str(tmp_path / "c.csv"), ok=False)
    assert result.returncode == 1
    assert str(db_file) in result.stderr
    assert not db_file.exists()


def test_messages_in_chinese(cli, tmp_path):
    bad = tmp_path / "corrupt.sqlite3"
    bad.write_bytes(b"x" * 5000)
    result = Cli(tmp_path, str(bad), user="admin")("--lang", "zh_CN", "audit", "verify", ok=False)
    assert result.returncode == 1
    assert "已损坏" in result.stderr


# --- audit, backup, restore ---------------------------------------------------------------------------------


def test_audit_verify_finds_tampering(cli, db_file):
    cli("db", "upgrade")
    cli.set_up()
    database = open_database(str(db_file))
    w = World(database)
    merged = w.audit_count()  # the shipped reference data's events
    for i in range(5):
        w.make("case", title_en=f"Case {i}")
    database.dispose()
    # the five cases and the sign-in of verify itself
    assert cli("audit", "verify").stdout.strip() == (
        f"audit trail intact: {merged + 6:,} events, no signed checkpoint yet"
    )
    # an export signs the chain; verify names that checkpoint and counts the events since
    cli("export", "--type", "cases", "--format", "csv", "-o", str(db_file.parent / "c.csv"))
    report = cli("audit", "verify").stdout
    token = re.search(r"AC-\d+/\d+/[0-9a-f]{16}", report).group(0)
    assert f"up to signed checkpoint {token} (" in report and "; 1 since" in report, report
    assert f"matches {token}" in cli("audit", "verify", "--against", token).stdout
    hostile = cli("audit", "verify", "--against", "=HYPERLINK(1)", ok=False)
    assert hostile.returncode == 2 and "is not a checkpoint" in hostile.stderr

    # the newest events deleted: the chain is whole, but the checkpoint covers them
    conn = sqlite3.connect(str(db_file))
    conn.execute("DELETE FROM audit_event WHERE id > (SELECT MAX(id) - 5 FROM audit_event)")
    conn.commit()
    conn.close()
    gone = cli("audit", "verify", ok=False)
    assert gone.returncode == 1 and "events are missing" in gone.stderr, gone.stderr

    conn = sqlite3.connect(str(db_file))
    conn.execute("UPDATE audit_event SET actor = 'mallory' WHERE id = 3")
    conn.commit()
    conn.close()
    result = cli("audit", "verify", ok=False)
    assert result.returncode == 1
    assert "audit trail broken at event #3" in result.stderr


def titles(path: Path) -> list[str]:
    conn = sqlite3.connect(str(path))
    try:
        return [r[0] for r in conn.execute('SELECT title_en FROM "case" ORDER BY id')]
    finally:
        conn.close()


def test_backup_and_restore_round_trip(cli, db_file, tmp_path):
    cli.set_up()
    database = open_database(str(db_file))
    World(database).make("case", title_en="Before the backup")
    events = World(database).audit_count()
    database.dispose()
    saved = tmp_path / "saved.sqlite3"
    result = cli("backup", "-o", str(saved))
    assert str(saved) in result.stdout
    assert titles(saved) == ["Before the backup"]
    assert cli("backup", "-o", str(saved), ok=False).returncode == 1  # never overwrites

    database = open_database(str(db_file))
    World(database).make("case", title_en="After the backup")
    database.dispose()

    result = cli("restore", str(saved))
    assert "restored" in result.stdout and "previous database was kept" in result.stdout
    assert titles(db_file) == ["Before the backup"]
    kept = list((db_file.parent / "backups").glob("*before-restore*.sqlite3"))
    assert len(kept) == 1 and titles(kept[0]) == ["Before the backup", "After the backup"]
    # the restored events (with the sign-in of the backup itself), and the sign-in of verify
    assert f"audit trail intact: {events + 2:,} events" in cli("audit", "verify").stdout


def test_restore_refuses_a_damaged_file(cli, db_file, tmp_path):
    cli.set_up()
    before = sha(db_file)
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(db_file.read_bytes()[:5000])
    result = cli("restore", str(damaged), ok=False)
    assert result.returncode == 1
    assert "cannot be restored" in result.stderr and "Nothing was changed" in result.stderr
    assert sha(db_file) == before


# --- PostgreSQL -----------------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_upgrade_seed_and_export_on_postgresql(pg_url, tmp_path):
    cli = Cli(tmp_path, pg_url)
    assert "current revision: none" in cli("db", "current").stdout
    seed_and_export(cli, pg_url, tmp_path)
    assert f"current revision: {HEAD}" in cli("db", "current").stdout
    assert "audit trail intact" in cli("audit", "verify").stdout


@pytest.mark.postgres
def test_backup_of_a_postgresql_database_points_to_pg_dump(pg_url, tmp_path):
    result = Cli(tmp_path, pg_url)("backup", "-o", str(tmp_path / "x.sqlite3"), ok=False)
    assert result.returncode == 2
    assert "pg_dump" in result.stderr
    assert not (tmp_path / "x.sqlite3").exists()


# --- the desktop side, through the same entry point ------------------------------------------------------


def test_screenshots_are_written(cli, tmp_path):
    out = tmp_path / "shots"
    cli("db", "upgrade")
    refused = cli("screenshot", "--out", str(out), ok=False)  # someone's records: sign in
    assert refused.returncode == 2 and "sign in" in refused.stderr
    cli.set_up()
    cli("screenshot", "--out", str(out), timeout=600)
    pngs = sorted(out.glob("*.png"))
    assert pngs
    assert all(p.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") for p in pngs)


def test_db_check_reads_every_page_and_names_a_damaged_file(cli, db_file, tmp_path):
    cli.set_up()
    database = open_database(str(db_file))
    World(database).make("case", title_en="Checked case", summary_en="x" * 20_000)
    database.dispose()
    assert cli("db", "check").stdout.strip() == "integrity check: ok"

    damaged = tmp_path / "damaged.sqlite3"
    data = db_file.read_bytes()
    damaged.write_bytes(data[: len(data) // 2])
    before = sha(damaged)
    result = Cli(tmp_path, str(damaged), user="admin")("db", "check", ok=False)
    assert result.returncode == 1
    assert "damaged" in result.stderr and "restore" in result.stderr
    assert sha(damaged) == before


def test_report_overdue_lists_only_overdue_action_items(cli, db_file):
    cli.set_up()
    database = open_database(str(db_file))
    w = World(database)
    w.make("action_item", title_en="Late promise", owner_side="US", due_date="2020-01-02")
    w.make("action_item", title_en="Future promise", owner_side="US", due_date="2099-01-02")
    database.dispose()
    text = cli("report", "overdue").stdout
    assert "Late promise" in text
    assert "Future promise" not in text
    csv_text = cli("report", "overdue", "--format", "csv").stdout
    assert "Late promise" in csv_text and "Future promise" not in csv_text
