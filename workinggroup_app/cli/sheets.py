"""``import`` and ``template``: records from a CSV or XLSX spreadsheet, all or nothing, and the
blank template to fill in::

    import [--type TYPE] FILE [--dry-run] [--exclude ROWS] [--report PROBLEMS.csv]
    template [--type TYPE|all] [--headers name|en|zh] [--format csv|xlsx] -o FILE

TYPE is any record type (cases, referrals, action-items, meetings, entities, substances,
agencies, contacts). Without ``--type`` an XLSX file is a workbook: one sheet per record
type (and per kind of meeting part: attendees, agenda, decisions), imported together in
one transaction; ``template`` without ``--type`` writes that workbook.

Exit status: 0 done; 1 an import with any problem (it imports nothing).
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path
from typing import Any

from workinggroup_app.cli.base import (
    Progress,
    UsageError,
    actor,
    database_url,
    lang_of,
    missing_file,
    open_db,
    say,
    sign_in_name,
    word_for,
)

REJECTED = 1
IMPORT_TYPES = (
    "cases",
    "referrals",
    "action-items",
    "meetings",
    "entities",
    "substances",
    "agencies",
    "contacts",
)
TEMPLATE_FORMATS = ("csv", "xlsx")


def add_commands(subparsers: Any) -> None:
    """Register ``import`` and ``template``."""
    imp = subparsers.add_parser(
        "import",
        help="import records from a CSV or XLSX file (all or nothing)",
        description="Columns are matched by their headers: field names, English or Chinese "
        "labels. Every problem is reported with its row and column; if any row has one, "
        "nothing is imported (exit status 1) unless you exclude that row.",
    )
    imp.add_argument(
        "--type",
        choices=IMPORT_TYPES,
        help="record type of a one-sheet file (omit it for a workbook of every type)",
    )
    imp.add_argument("file", metavar="FILE", help=".csv or .xlsx file")
    imp.add_argument("--dry-run", action="store_true", help="check only; write nothing")
    imp.add_argument(
        "--exclude", metavar="ROWS", default="", help="rows to leave out, e.g. '5,7-9'"
    )
    imp.add_argument("--report", metavar="CSV", help="also write the problems to this CSV file")
    imp.set_defaults(func=cmd_import)

    tpl = subparsers.add_parser("template", help="write an empty import template")
    tpl.add_argument(
        "--type",
        choices=(*IMPORT_TYPES, "all"),
        default="all",
        help="record type, or all (default): a workbook with a sheet for every type",
    )
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


def cmd_import(args: argparse.Namespace) -> int:
    from workinggroup_app.domain.errors import DomainError
    from workinggroup_app.exchange import sheets

    lang = lang_of(args)
    try:
        exclude = sheets.parse_rows(args.exclude)
    except ValueError as exc:
        raise DomainError(f"--exclude: {exc}.") from None
    if args.type is None:
        if exclude:
            raise UsageError("--exclude needs --type: rows are numbered per sheet")
        return _import_workbook(args)
    db = open_db(args)
    progress = Progress("checking" if args.dry_run else "importing")
    try:
        report = sheets.run_import(
            db,
            args.type,
            args.file,
            actor=actor(args),
            dry_run=args.dry_run,
            exclude=exclude,
            progress=progress,
        )
    finally:
        progress.clear()
        db.dispose()
    for p in report.problems:
        say(f"{p.where(lang)}: {p.message(lang)}")
    if report.excluded:
        say(
            word_for(
                args,
                f"excluded rows: {len(report.excluded):,}",
                f"排除的行：{len(report.excluded):,}",
            )
        )
    if args.report:
        write_problem_report(report.problems, args.report)
    say(report.summary(lang))
    return REJECTED if report.problems else 0


def _import_workbook(args: argparse.Namespace) -> int:
    from workinggroup_app.domain.errors import DomainError
    from workinggroup_app.exchange.sheets.workbook import import_workbook

    if Path(args.file).suffix.lower() not in (".xlsx", ".xlsm"):
        raise DomainError(
            "Name the record type of a CSV file with --type (a file without --type is a "
            "workbook of every type, .xlsx).",
            "CSV 文件须用 --type 指明记录类型（不带 --type 的文件应为包含各类记录的 .xlsx 工作簿）。",
        )
    lang = lang_of(args)
    db = open_db(args)
    progress = Progress("checking" if args.dry_run else "importing")
    try:
        report = import_workbook(
            db, args.file, actor=actor(args), dry_run=args.dry_run, progress=progress
        )
    finally:
        progress.clear()
        db.dispose()
    problems = report.all_problems()
    for title, p in problems:
        say(f"{title}: {p.where(lang)}: {p.message(lang)}")
    if args.report:
        write_problem_report([p for _t, p in problems], args.report, [t for t, _p in problems])
    say(report.summary(lang))
    return REJECTED if problems else 0


def write_problem_report(
    problems: list[Any], path: str | Path, sheets: list[str] | None = None
) -> Path:
    """The problems of an import as CSV ([sheet,] row, column, header, field, English,
    Chinese)."""
    target = Path(path)
    with target.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        head = ["row", "column", "header", "field", "problem", "问题"]
        w.writerow((["sheet"] if sheets is not None else []) + head)
        for i, p in enumerate(problems):
            row = [p.row, p.column, p.header, p.field, p.message_en, p.message_zh]
            w.writerow(([sheets[i]] if sheets is not None else []) + row)
    return target


def cmd_template(args: argparse.Namespace) -> int:
    from workinggroup_app.exchange import sheets

    path = sheets.write_template(
        args.type, args.output, headers=args.headers, fmt=args.format, agencies=_agencies(args)
    )
    say(word_for(args, f"wrote the template {path}", f"已写入模板 {path}"))
    return 0


def _agencies(args: argparse.Namespace) -> list[str]:
    """The agencies a template's dropdowns offer: the shipped ones, and the database's own
    when there is a database already and someone signed in (a template never creates one)."""
    from workinggroup_app.exchange.sheets.template import dropdown_agencies

    if missing_file(database_url(args)) is not None or sign_in_name(args) is None:
        return dropdown_agencies(None)
    db = open_db(args, migrate=False)  # writing a template never upgrades a database
    try:
        return dropdown_agencies(db)
    finally:
        db.dispose()
