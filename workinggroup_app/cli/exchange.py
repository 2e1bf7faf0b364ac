"""Command-line commands for spreadsheets in and exchange packages with the counterpart.

``add_commands(subparsers)`` registers, each with ``set_defaults(func=handler)`` where a
handler is ``func(args) -> int``::

    import --type referrals|action-items|entities|contacts FILE [--dry-run]
           [--exclude ROWS] [--report PROBLEMS.csv]
    template --type TYPE [--headers name|en|zh] [--format csv|xlsx] -o FILE
    exchange keygen [--name NAME] [--force] [-o PUBLIC_KEY_COPY]
    exchange register-key --name NAME FILE
    exchange keys
    exchange export [--since YYYY-MM-DD] -o FILE
    exchange import FILE [--dry-run]
    exchange conflicts
    exchange resolve ID (--keep-mine | --take-theirs)

Exit status: 0 done; 1 refused or rejected (an import with any problem imports nothing
and exits 1; a tampered package exits 1); 3 an exchange import that left conflicts or
records that could not be imported, for a person to look at.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import sys
from datetime import date
from pathlib import Path
from typing import Any

REJECTED = 1
NEEDS_ATTENTION = 3
IMPORT_TYPES = ("referrals", "action-items", "entities", "contacts")
TEMPLATE_FORMATS = ("csv", "xlsx")


def add_commands(subparsers: Any) -> None:
    """Register ``import``, ``template`` and ``exchange`` on the main parser's subparsers."""
    imp = subparsers.add_parser(
        "import",
        help="import records from a CSV or XLSX file (all or nothing)",
        description="Columns are matched by their headers: field names, English or Chinese "
        "labels. Every problem is reported with its row and column; if any row has one, "
        "nothing is imported (exit status 1) unless you exclude that row.",
    )
    imp.add_argument("--type", required=True, choices=IMPORT_TYPES, help="record type")
    imp.add_argument("file", metavar="FILE", help=".csv or .xlsx file")
    imp.add_argument("--dry-run", action="store_true", help="check only; write nothing")
    imp.add_argument(
        "--exclude", metavar="ROWS", default="", help="rows to leave out, e.g. '5,7-9'"
    )
    imp.add_argument("--report", metavar="CSV", help="also write the problems to this CSV file")
    imp.set_defaults(func=cmd_import)

    tpl = subparsers.add_parser("template", help="write an empty import template")
    tpl.add_argument("--type", required=True, choices=IMPORT_TYPES, help="record type")
    tpl.add_argument(
        "--headers",
        choices=("name", "en", "zh"),
        default="name",
        help="header row: field names (default), English or Chinese labels",
    )
    tpl.add_argument(
        "--format", choices=TEMPLATE_FORMATS, help="csv or xlsx (default: from FILE's extension)"
    )
    tpl.add_argument("-o", "--output", required=True, metavar="FILE")
    tpl.set_defaults(func=cmd_template)

    ex = subparsers.add_parser("exchange", help="signed exchange packages with the counterpart")
    ex_sub = ex.add_subparsers(dest="exchange_command", metavar="ACTION", required=True)

    kg = ex_sub.add_parser("keygen", help="create this side's signing key")
    kg.add_argument("--name", default="US", help="this side's name in packages (default: US)")
    kg.add_argument("--force", action="store_true", help="replace an existing key")
    kg.add_argument("-o", "--output", metavar="FILE", help="also copy the public key here")
    kg.set_defaults(func=cmd_keygen)

    rk = ex_sub.add_parser("register-key", help="trust the counterpart's public key")
    rk.add_argument("--name", required=True, help="who the key belongs to, e.g. 'PRC MPS'")
    rk.add_argument("file", metavar="FILE", help="public key file (PEM)")
    rk.set_defaults(func=cmd_register_key)

    ks = ex_sub.add_parser("keys", help="show this side's key and the registered keys")
    ks.set_defaults(func=cmd_keys)

    xo = ex_sub.add_parser("export", help="write a signed package of releasable records")
    xo.add_argument(
        "--since", type=_date, metavar="YYYY-MM-DD", help="only records changed since this date"
    )
    xo.add_argument("-o", "--output", required=True, metavar="FILE")
    xo.set_defaults(func=cmd_exchange_export)

    xi = ex_sub.add_parser("import", help="verify a package and merge it")
    xi.add_argument("file", metavar="FILE")
    xi.add_argument("--dry-run", action="store_true", help="verify and preview; write nothing")
    xi.set_defaults(func=cmd_exchange_import)

    xc = ex_sub.add_parser("conflicts", help="list conflicts waiting for a decision")
    xc.set_defaults(func=cmd_conflicts)

    xr = ex_sub.add_parser("resolve", help="resolve a conflict")
    xr.add_argument("id", type=int, metavar="ID", help="conflict number (see 'conflicts')")
    which = xr.add_mutually_exclusive_group(required=True)
    which.add_argument("--keep-mine", action="store_true", help="keep this side's version")
    which.add_argument("--take-theirs", action="store_true", help="take the counterpart's")
    xr.set_defaults(func=cmd_resolve)


# --- helpers ---------------------------------------------------------------------------------


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _actor() -> Any:
    from workinggroup_app.domain.permissions import Actor

    try:
        user = getpass.getuser()
    except Exception:  # no login name in some containers
        user = "cli"
    return Actor(user[:64] or "cli", "administrator", "command line")


def _lang(args: argparse.Namespace) -> str:
    return getattr(args, "lang", None) or "en"


def _open(args: argparse.Namespace) -> Any:
    from workinggroup_app.storage.database import open_database

    return open_database(getattr(args, "database_url", None))


def _say(text: str = "") -> None:
    print(text, flush=True)


class _Progress:
    """A progress line on a terminal (stderr); silent otherwise."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.tty = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if self.tty and total:
            sys.stderr.write(f"\r{self.label} {100 * done // total:3d}%")
            sys.stderr.flush()

    def clear(self) -> None:
        if self.tty:
            sys.stderr.write("\r" + " " * 60 + "\r")
            sys.stderr.flush()


def _word(args: argparse.Namespace, en: str, zh: str) -> str:
    return zh if _lang(args).startswith("zh") else en


# --- import and templates ----------------------------------------------------------------------


def cmd_import(args: argparse.Namespace) -> int:
    from workinggroup_app.domain.errors import DomainError
    from workinggroup_app.exchange import sheets

    lang = _lang(args)
    try:
        exclude = sheets.parse_rows(args.exclude)
    except ValueError as exc:
        raise DomainError(f"--exclude: {exc}.") from None
    db = _open(args)
    progress = _Progress("checking" if args.dry_run else "importing")
    try:
        report = sheets.run_import(
            db,
            args.type,
            args.file,
            actor=_actor(),
            dry_run=args.dry_run,
            exclude=exclude,
            progress=progress,
        )
    finally:
        progress.clear()
        db.dispose()
    for p in report.problems:
        _say(f"{p.where(lang)}: {p.message(lang)}")
    if report.excluded:
        _say(
            _word(
                args,
                f"excluded rows: {len(report.excluded):,}",
                f"排除的行：{len(report.excluded):,}",
            )
        )
    if args.report:
        write_problem_report(report, args.report)
    _say(report.summary(lang))
    return REJECTED if report.problems else 0


def write_problem_report(report: Any, path: str | Path) -> Path:
    """The problems of an import as CSV (row, column, header, field, English, Chinese)."""
    target = Path(path)
    with target.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["row", "column", "header", "field", "problem", "问题"])
        for p in report.problems:
            w.writerow([p.row, p.column, p.header, p.field, p.message_en, p.message_zh])
    return target


def cmd_template(args: argparse.Namespace) -> int:
    from workinggroup_app.exchange import sheets

    path = sheets.write_template(args.type, args.output, headers=args.headers, fmt=args.format)
    _say(_word(args, f"wrote the template {path}", f"已写入模板 {path}"))
    return 0


# --- exchange ------------------------------------------------------------------------------------


def cmd_keygen(args: argparse.Namespace) -> int:
    from workinggroup_app.exchange import sync

    db = _open(args)
    try:
        info = sync.generate_key(args.name, overwrite=args.force, db=db, actor=_actor())
    finally:
        db.dispose()
    if args.output:
        Path(args.output).write_bytes(info.public_path.read_bytes())
    _say(f"private key: {info.private_path} (keep it secret; readable by you only)")
    _say(f"public key:  {args.output or info.public_path} (send it to the counterpart)")
    _say(f"fingerprint: {info.fingerprint}")
    _say("Read the fingerprint to the counterpart by another channel (telephone, in person)")
    _say("so they can check the key they register is really yours.")
    return 0


def cmd_register_key(args: argparse.Namespace) -> int:
    from workinggroup_app.exchange import sync

    data = Path(args.file).read_bytes()
    db = _open(args)
    try:
        key = sync.register_key(db, args.name, data, actor=_actor())
    finally:
        db.dispose()
    _say(f"registered '{key.name}'")
    _say(f"fingerprint: {key.fingerprint}")
    _say("Check this fingerprint with the counterpart before importing their packages.")
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    from workinggroup_app.domain.errors import DomainError
    from workinggroup_app.exchange import sync

    try:
        _key, info = sync.own_key()
        _say(f"this side: {info.name}  {info.fingerprint}")
    except DomainError as exc:
        _say(exc.message(_lang(args)))
    db = _open(args)
    try:
        with db.session() as session:
            keys = sync.registered_keys(session)
            for k in keys:
                state = "" if k.active else " (revoked)"
                _say(f"registered: {k.name}  {k.fingerprint}{state}")
    finally:
        db.dispose()
    if not keys:
        _say("no counterpart key registered yet ('exchange register-key --name NAME FILE')")
    return 0


def cmd_exchange_export(args: argparse.Namespace) -> int:
    from workinggroup_app.domain import vocabulary
    from workinggroup_app.exchange import sync

    db = _open(args)
    progress = _Progress("exporting")
    try:
        result = sync.export_package(
            db, args.output, since=args.since, actor=_actor(), progress=progress
        )
    finally:
        progress.clear()
        db.dispose()
    lang = _lang(args)
    for key, n in result.counts.items():
        if n:
            _say(f"{vocabulary.word('record_type_plural', key, lang)}: {n:,}")
    _say(f"wrote {result.total:,} releasable records to {result.path}")
    _say(f"signed with key {result.fingerprint}")
    return 0


def _show(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


def print_plan(result: Any, lang: str = "en") -> None:
    from workinggroup_app.domain import vocabulary
    from workinggroup_app.domain.fields import record_type
    from workinggroup_app.exchange import sync

    zh = lang.startswith("zh")
    when = result.created_at.strftime("%Y-%m-%d %H:%M UTC") if result.created_at else "?"
    _say(
        f"package {result.file} from {result.sender} (key {sync.short_fingerprint(result.fingerprint)}), made {when}"
        if not zh
        else f"交换包 {result.file}，来自 {result.sender}（密钥 {sync.short_fingerprint(result.fingerprint)}），生成于 {when}"
    )
    for action, n in result.counts().items():
        if n:
            en, zh_word = vocabulary.pair("exchange_outcome", action)
            _say(f"  {zh_word if zh else en}: {n:,}")
    for item in result.items:
        if item.action == sync.UNCHANGED:
            continue
        en, zh_word = vocabulary.pair("exchange_outcome", item.action)
        kind = vocabulary.word("record_type", item.record_type, lang)
        _say(f"{zh_word if zh else en}: {kind} {item.reference} {_show(item.title)}")
        if item.message_en and item.action in (sync.PROBLEM, sync.CONFLICT):
            _say(f"    {item.message(lang)}")
        if item.action in (sync.UPDATE, sync.CONFLICT):
            rt = record_type(item.record_type)
            for name, ours, theirs in item.changes:
                label = rt.field(name).label(lang) if rt.has(name) else name
                _say(f"    {label}: {_show(ours)} -> {_show(theirs)}")


def cmd_exchange_import(args: argparse.Namespace) -> int:
    from workinggroup_app.exchange import sync

    lang = _lang(args)
    db = _open(args)
    progress = _Progress("importing")
    try:
        if args.dry_run:
            result = sync.preview_import(db, args.file, actor=_actor())
        else:
            result = sync.apply_import(db, args.file, actor=_actor(), progress=progress)
    finally:
        progress.clear()
        db.dispose()
    print_plan(result, lang)
    counts = result.counts()
    if args.dry_run:
        _say(_word(args, "dry run: nothing was changed", "试运行：未作任何更改"))
    if counts[sync.CONFLICT]:
        _say(
            _word(
                args,
                f"{counts[sync.CONFLICT]} conflict(s) kept for you to resolve: "
                "'exchange conflicts', then 'exchange resolve ID --keep-mine|--take-theirs'",
                f"{counts[sync.CONFLICT]} 处冲突待处理：请使用“exchange conflicts”查看，"
                "再用“exchange resolve 编号 --keep-mine|--take-theirs”处理",
            )
        )
    if counts[sync.CONFLICT] or counts[sync.PROBLEM]:
        return NEEDS_ATTENTION
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    from workinggroup_app.domain import vocabulary
    from workinggroup_app.domain.fields import record_type
    from workinggroup_app.exchange import sync

    lang = _lang(args)
    db = _open(args)
    try:
        conflicts = sync.open_conflicts(db)
    finally:
        db.dispose()
    if not conflicts:
        _say(_word(args, "no conflicts", "没有冲突"))
        return 0
    for c in conflicts:
        rt = record_type(c.record_type)
        when = c.detected_at.strftime("%Y-%m-%d %H:%M UTC")
        kind = vocabulary.word("record_type", c.record_type, lang)
        _say(f"#{c.id}  {kind} {c.reference} {_show(c.title)}  ({c.sender}, {when})")
        for name, ours, theirs in c.differences:
            label = rt.field(name).label(lang) if rt.has(name) else name
            _say(f"    {label}: ours {_show(ours)} | theirs {_show(theirs)}")
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    from workinggroup_app.exchange import sync

    choice = "mine" if args.keep_mine else "theirs"
    db = _open(args)
    try:
        change = sync.resolve_conflict(db, args.id, choice, actor=_actor())
    finally:
        db.dispose()
    if choice == "mine":
        _say(
            f"kept our version of {change.reference}; it goes to the counterpart with the next export"
        )
    else:
        _say(f"took the counterpart's version of {change.reference}")
    return 0
