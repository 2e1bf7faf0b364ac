"""``export`` and ``export-pdf``: a list of records as CSV or XLSX, a meeting packet as PDF."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from workinggroup_app.cli.base import UsageError, actor, open_db, say

EXPORT_AUDIENCES = ("internal", "bilateral")


def add_commands(subparsers: Any) -> None:
    """Register ``export`` (a list as CSV or XLSX) and ``export-pdf`` (a meeting packet)."""
    from workinggroup_app.domain.cli_names import CLI_NAMES

    ex = subparsers.add_parser("export", help="export a list of records to a file")
    ex.add_argument("--type", required=True, choices=list(CLI_NAMES), help="record type")
    ex.add_argument("--format", default="csv", choices=["csv", "xlsx"], help="file format")
    ex.add_argument("-o", "--output", required=True, metavar="FILE", help="file to write")
    ex.add_argument("--status", metavar="S", help="only records in this status (its key)")
    ex.add_argument("--open", action="store_true", help="only records not closed")
    ex.add_argument(
        "--overdue",
        action="store_true",
        help="only overdue action items / referrals awaiting a response past their due date",
    )
    marking = ex.add_mutually_exclusive_group()
    marking.add_argument("--releasable", action="store_true", help="only records marked releasable")
    marking.add_argument("--us-only", action="store_true", help="only records marked US only")
    ex.add_argument("--text", metavar="T", default="", help="only records containing this text")
    ex.add_argument("--include-archived", action="store_true", help="include archived records")
    ex.add_argument(
        "--audience",
        choices=EXPORT_AUDIENCES,
        default="internal",
        help="bilateral: only what the counterpart may see (recorded in the audit trail)",
    )
    ex.add_argument(
        "--headers",
        choices=["en", "zh"],
        default="en",
        help="en: field names (default); zh: Chinese column labels",
    )
    ex.add_argument(
        "--values",
        choices=["keys", "words"],
        default="keys",
        help="coded values as stored keys (default) or as words",
    )

    ex.set_defaults(func=cmd_export)

    pdf = subparsers.add_parser("export-pdf", help="write a meeting packet PDF")
    pdf.add_argument("--meeting", required=True, metavar="MTG-REF", help="meeting reference")
    pdf.add_argument("--audience", required=True, choices=["bilateral", "internal"])
    pdf.add_argument("-o", "--output", required=True, metavar="FILE")
    pdf.set_defaults(func=cmd_export_pdf)


def cmd_export(args: argparse.Namespace) -> int:
    from workinggroup_app.domain import vocabulary
    from workinggroup_app.domain.fields import record_type
    from workinggroup_app.exchange.sheets import csv_export
    from workinggroup_app.read.lists import DERIVED, ListSpec

    rt = record_type(args.type)
    equals: tuple[tuple[str, Any], ...] = ()
    plural = vocabulary.word("record_type_plural", rt.key).lower()
    if args.status:
        if rt.workflow is None:
            raise UsageError(f"{plural} have no status; drop --status")
        if args.status not in rt.workflow.states:
            raise UsageError(
                f"unknown status {args.status!r} for {plural}; one of: "
                + ", ".join(rt.workflow.states)
            )
        equals = (("status", args.status),)
    if args.open and rt.workflow is None:
        raise UsageError(f"{plural} have no status; drop --open")
    if args.overdue and rt.key not in DERIVED:
        raise UsageError("--overdue applies to action items and referrals only")
    spec = ListSpec(
        rt.key,
        text=args.text or "",
        equals=equals,
        open_only=args.open,
        flag=args.overdue,
        releasability="releasable" if args.releasable else "us_only" if args.us_only else None,
        include_archived=args.include_archived,
    )
    if args.format == "xlsx":
        from workinggroup_app.exchange.sheets.xlsx_export import export_xlsx as write
    else:
        write = csv_export.export_csv
    db = open_db(args, must_exist=True)
    try:
        n = write(
            db,
            spec,
            args.output,
            headers=args.headers,
            audience=args.audience,
            actor=actor(args),
            values=args.values,
        )
    finally:
        db.dispose()
    say(f"wrote {n:,} {plural} to {args.output}")
    return 0


def cmd_export_pdf(args: argparse.Namespace) -> int:
    from workinggroup_app.domain.errors import DomainError

    try:
        from workinggroup_app.reports.packet import export_packet
    except ModuleNotFoundError as exc:  # a build made without ReportLab
        if exc.name not in ("workinggroup_app.reports.packet", "reportlab"):
            raise
        raise DomainError("Meeting packets are not available in this build.") from None
    db = open_db(args, must_exist=True)
    try:
        export_packet(db, args.meeting, args.audience, Path(args.output))
    finally:
        db.dispose()
    say(f"wrote the {args.audience} packet of {args.meeting} to {args.output}")
    return 0
