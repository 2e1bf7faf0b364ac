"""Every command acts as a signed-in person: ``--user`` and ``--password-stdin`` before the
command, the desktop's lockout rules, the person named in the audit trail; only the
first-run commands work without a sign-in while a database has no account."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from tests.cli.test_commands import PASSWORD, Cli


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def audit_rows(path: Path, action: str) -> list[tuple[str, str]]:
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute(
            "SELECT actor, reference FROM audit_event WHERE action = ? ORDER BY id", (action,)
        ).fetchall()
    finally:
        conn.close()


@pytest.fixture
def seeded(tmp_path) -> tuple[Cli, Path]:
    """A demo database with one account per role, all with PASSWORD; nobody signed in."""
    path = tmp_path / "wg.sqlite3"
    cli = Cli(tmp_path, str(path))
    result = cli("demo", "seed", "--password", PASSWORD)
    assert "accounts: administrator, manager, coordinator, liaison, viewer" in result.stdout
    assert PASSWORD not in result.stdout  # a given password is never echoed
    return cli, path


def first_referral(cli: Cli, tmp_path: Path) -> str:
    out = tmp_path / "refs.csv"
    cli("export", "--type", "referrals", "-o", str(out))
    return out.read_text(encoding="utf-8-sig").splitlines()[1].split(",")[0]


RECORD_COMMANDS = [
    ["export", "--type", "referrals", "-o", "out.csv"],
    ["export-pdf", "--meeting", "MTG-2026-0001", "--audience", "internal", "-o", "p.pdf"],
    ["audit", "verify"],
    ["audit", "history", "REF-2026-0001"],
    ["report", "overdue"],
    ["record", "update", "--type", "referral", "REF-2026-0001", "title_en=Rewritten"],
    ["users", "list"],
    ["backup", "-o", "copy.sqlite3"],
    ["exchange", "export", "-o", "p.zip"],
    ["db", "upgrade"],
    ["demo", "seed"],
]


@pytest.mark.parametrize("argv", RECORD_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_without_a_sign_in_a_command_exits_2_and_touches_nothing(seeded, argv):
    cli, path = seeded
    before = sha(path)
    result = cli(*argv, ok=False)
    assert result.returncode == 2, result.stderr
    assert "sign in first" in result.stderr and "--user NAME" in result.stderr
    assert result.stdout == ""
    assert sha(path) == before
    assert not any((cli.tmp_path / name).exists() for name in ("out.csv", "p.pdf", "p.zip"))


def test_the_message_is_in_the_users_language(seeded):
    cli, _path = seeded
    result = cli("--lang", "zh_CN", "export", "--type", "cases", "-o", "c.csv", ok=False)
    assert result.returncode == 2
    assert "请先登录" in result.stderr


def test_help_version_and_db_current_need_no_sign_in(seeded):
    cli, _path = seeded
    assert "--password-stdin" in cli("--help").stdout
    assert cli("--version").stdout.startswith("workinggroup-app ")
    assert "up to date" in cli("db", "current").stdout


def test_a_new_database_is_set_up_without_a_sign_in_and_then_needs_one(tmp_path):
    path = tmp_path / "new.sqlite3"
    cli = Cli(tmp_path, str(path))
    assert "upgraded" in cli("db", "upgrade").stdout  # no account yet: first run
    cli("setup", "--admin", "chief", "--password-stdin", stdin=PASSWORD + "\n")
    assert cli("db", "upgrade", ok=False).returncode == 2  # now it has an administrator
    cli.user = "chief"
    assert "already at the latest revision" in cli("db", "upgrade").stdout
    again = Cli(tmp_path, str(path))("setup", "--admin", "other", "--password-stdin",
                                     stdin=PASSWORD + "\n", ok=False)  # fmt: skip
    assert again.returncode == 1 and "already set up" in again.stderr


def test_the_audit_trail_names_the_person_who_signed_in(seeded, tmp_path):
    cli, path = seeded
    cli.user = "liaison"
    reference = first_referral(cli, tmp_path)
    cli("record", "update", "--type", "referral", reference, "title_en=Changed by the liaison")
    cli("audit", "history", reference, ok=False)  # a liaison may not read the trail
    cli.user = "manager"
    history = cli("audit", "history", reference).stdout
    assert "liaison" in history and "Changed by the liaison" in history
    sign_ins = audit_rows(path, "sign_in")
    assert ("liaison", "liaison") in sign_ins and ("manager", "manager") in sign_ins
    assert all(actor != "administrator" for actor, _ in audit_rows(path, "update"))


def test_the_user_may_come_from_the_environment(seeded):
    cli, _path = seeded
    cli.env["WORKINGGROUP_USER"] = "viewer"
    result = cli("--password-stdin", "report", "overdue", stdin=PASSWORD + "\n")
    assert result.returncode == 0


def test_roles_hold_on_the_command_line(seeded, tmp_path):
    cli, path = seeded
    cli.user = "viewer"
    reference = first_referral(cli, tmp_path)
    before = sha(path)
    refused = cli(
        "record", "update", "--type", "referral", reference, "title_en=Viewer edit", ok=False
    )
    assert refused.returncode == 1 and "Viewer" in refused.stderr
    bilateral = cli("backup", "-o", str(tmp_path / "b.sqlite3"), ok=False)
    assert bilateral.returncode == 1 and not (tmp_path / "b.sqlite3").exists()
    # what changed is the audit of the sign-ins, never a record
    assert sha(path) != before
    assert not [r for r in audit_rows(path, "update") if r[0] == "viewer"]


def test_wrong_passwords_lock_the_account_as_on_the_desktop(seeded):
    cli, path = seeded
    for attempt in range(5):
        result = cli("--user", "liaison", "--password-stdin", "report", "overdue",
                     ok=False, stdin="wrong password\n")  # fmt: skip
        assert result.returncode == 1
        if attempt < 4:
            assert "user name or password is wrong" in result.stderr
    assert "locked" in result.stderr and "10 minutes" in result.stderr
    cli.user = "liaison"
    locked = cli("report", "overdue", ok=False)  # the right password, too late
    assert locked.returncode == 1 and "locked" in locked.stderr
    zh = cli("--lang", "zh_CN", "report", "overdue", ok=False)
    assert "锁定" in zh.stderr
    failed = [ref for _actor, ref in audit_rows(path, "sign_in_failed")]
    assert failed.count("liaison") >= 6

    cli.user = "administrator"
    assert "liaison: unlocked" in cli("users", "unlock", "liaison").stdout
    cli.user = "liaison"
    assert cli("report", "overdue").returncode == 0


def test_an_unknown_user_and_an_empty_stdin_are_refused_clearly(seeded):
    cli, _path = seeded
    cli.user = "nobody"
    unknown = cli("report", "overdue", ok=False)
    assert unknown.returncode == 1 and "user name or password is wrong" in unknown.stderr
    cli.user = None
    empty = cli("--user", "liaison", "--password-stdin", "report", "overdue", ok=False, stdin="")
    assert empty.returncode == 2 and "standard input is empty" in empty.stderr
    no_tty = cli("--user", "liaison", "report", "overdue", ok=False, stdin="")
    assert no_tty.returncode == 2 and "--password-stdin" in no_tty.stderr


def test_administrators_manage_accounts(seeded):
    cli, _path = seeded
    cli.user = "administrator"
    new = "a long new password"
    added = cli("users", "add", "wang.li", "--role", "liaison", "--display-name", "Wang Li",
                "--new-password-stdin", stdin=new + "\n")  # fmt: skip
    assert "added wang.li (liaison)" in added.stdout
    listing = cli("users", "list").stdout
    assert "wang.li" in listing and "Liaison officer" in listing

    officer = Cli(cli.tmp_path, cli.database)
    ok = officer("--user", "wang.li", "--password-stdin", "report", "overdue", stdin=new + "\n")
    assert ok.returncode == 0

    assert "wang.li is now coordinator" in cli("users", "set-role", "wang.li", "coordinator").stdout
    assert "nothing to change" in cli("users", "set-role", "wang.li", "coordinator").stdout
    assert "wang.li: disabled" in cli("users", "disable", "wang.li").stdout
    assert "disabled" in cli("users", "list").stdout
    refused = officer("--user", "wang.li", "--password-stdin", "report", "overdue",
                      stdin=new + "\n", ok=False)  # fmt: skip
    assert refused.returncode == 1 and "disabled" in refused.stderr
    cli("users", "enable", "wang.li")
    newer = "an even longer new password"
    reset = cli("users", "reset-password", "wang.li", "--new-password-stdin", stdin=newer + "\n")
    assert "password set" in reset.stdout
    old = officer("--user", "wang.li", "--password-stdin", "report", "overdue",
                  stdin=new + "\n", ok=False)  # fmt: skip
    assert old.returncode == 1
    assert officer("--user", "wang.li", "--password-stdin", "report", "overdue",
                   stdin=newer + "\n").returncode == 0  # fmt: skip


@pytest.mark.parametrize(
    ("name", "password", "expected"),
    [
        ("<b>x</b>", "a long new password", "A user name has 2 to 63 characters"),
        ("=HYPERLINK", "a long new password", "A user name has 2 to 63 characters"),
        ("x" * 64, "a long new password", "A user name has 2 to 63 characters"),
        ("short.pw", "short", "at least 12"),
        ("liaison", "a long new password", "is taken"),
    ],
)
def test_bad_accounts_are_refused_and_nothing_is_added(seeded, name, password, expected):
    cli, path = seeded
    cli.user = "administrator"
    result = cli("users", "add", name, "--role", "viewer", "--new-password-stdin",
                 stdin=password + "\n", ok=False)  # fmt: skip
    assert result.returncode == 1
    assert expected in result.stderr
    conn = sqlite3.connect(str(path))
    try:
        assert conn.execute("SELECT count(*) FROM app_user").fetchone()[0] == 5
    finally:
        conn.close()


def test_only_administrators_manage_accounts(seeded):
    cli, _path = seeded
    cli.user = "manager"
    for argv in (["users", "list"], ["users", "disable", "liaison"], ["users", "unlock", "viewer"]):
        result = cli(*argv, ok=False)
        assert result.returncode == 1 and "may not manage users" in result.stderr
    add = cli("users", "add", "x.y", "--role", "viewer", "--new-password-stdin",
              stdin="a long new password\n", ok=False)  # fmt: skip
    assert add.returncode == 1


def test_demo_seed_prints_a_random_password_that_signs_in(tmp_path):
    cli = Cli(tmp_path, str(tmp_path / "demo.sqlite3"))
    out = cli("demo", "seed", "--scale", "50").stdout
    line = next(x for x in out.splitlines() if x.startswith("their password: "))
    password = line.removeprefix("their password: ")
    assert len(password) >= 12
    ok = cli("--user", "coordinator", "--password-stdin", "report", "overdue",
             stdin=password + "\n")  # fmt: skip
    assert ok.returncode == 0


def test_demo_seed_refuses_a_weak_password_and_creates_nothing(tmp_path):
    path = tmp_path / "demo.sqlite3"
    cli = Cli(tmp_path, str(path))
    result = cli("demo", "seed", "--password", "short", ok=False)
    assert result.returncode == 1 and "at least 12" in result.stderr
    conn = sqlite3.connect(str(path))
    try:
        assert conn.execute("SELECT count(*) FROM app_user").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM referral").fetchone()[0] == 0
    finally:
        conn.close()
