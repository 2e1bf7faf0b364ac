"""``import`` and ``template``: records from a CSV or XLSX spreadsheet, all or nothing, and the
blank template to fill in::

    import --type referrals|action-items|entities|contacts FILE [--dry-run]
           [--exclude ROWS] [--report PROBLEMS.csv]
    template --type TYPE [--headers name|en|zh] [--format csv|xlsx] -o FILE

Exit status: 0 done; 1 an import with any problem (it imports nothing).
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path
from typing import Any

from workinggroup_app.cli.base import Progress, actor, lang_of, open_db, say, word_for

REJECTED = 1
IMPORT_TYPES = ("referrals", "action-items", "entities", "contacts")
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


def cmd_import(args: argparse.Namespace) -> int:
    from workinggroup_app.domain.errors import DomainError
    from workinggroup_app.exchange import sheets

    lang = lang_of(args)
    try:
        exclude = sheets.parse_rows(args.exclude)
    except ValueError as exc:
        raise DomainError(f"--exclude: {exc}.") from None
    db = open_db(args)
    progress = Progress("checking" if args.dry_run else "importing")
    try:
        report = sheets.run_import(
            db,
            args.type,
            args.file,
            actor=actor(),
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
        write_problem_report(report, args.report)
    say(report.summary(lang))
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
    say(word_for(args, f"wrote the template {path}", f"已写入模板 {path}"))
    return 0
