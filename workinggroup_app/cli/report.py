"""``workinggroup-app report ...``: the manager's review PDF and a quick overdue list.

``cli.main`` calls ``add_commands(subparsers)``; each subcommand sets ``func`` to a handler
``(args) -> int`` that opens the database with ``base.open_db``::

    workinggroup-app report review --audience internal -o review.pdf
    workinggroup-app report overdue [--format text|csv] [--audience bilateral] [-o FILE]

Expected problems raise ``DomainError`` (``base.guarded`` prints them as one line, exit 1).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from datetime import date
from typing import Any, TextIO

from workinggroup_app.cli.base import actor, open_db, say
from workinggroup_app.domain.cli_names import AUDIENCES

# the columns of ``report overdue --format csv``, named as the fields they hold
OVERDUE_COLUMNS = (
    "reference",
    "due_date",
    "days_overdue",
    "owner_side",
    "agency",
    "owner_person",
    "status",
    "title_en",
    "title_zh",
)


def add_commands(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``report`` and its subcommands on the main parser's subparsers."""
    report = subparsers.add_parser("report", help="manager's reports: review PDF, overdue list")
    sub = report.add_subparsers(dest="report_command", metavar="REPORT", required=True)

    review = sub.add_parser(
        "review", help="the dashboard as a bilingual PDF review (figures and charts)"
    )
    review.add_argument(
        "--audience",
        choices=AUDIENCES,
        default="internal",
        help="bilateral: only what the counterpart may see (recorded in the audit trail)",
    )
    review.add_argument("-o", "--output", required=True, metavar="FILE", help="PDF to write")
    _today_option(review)
    review.set_defaults(func=cmd_review)

    overdue = sub.add_parser("overdue", help="overdue action items, oldest first")
    overdue.add_argument("--format", choices=("text", "csv"), default="text")
    overdue.add_argument("--audience", choices=AUDIENCES, default="internal")
    overdue.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    _today_option(overdue)
    overdue.set_defaults(func=cmd_overdue)
    return report


def _today_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--today",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="count as of this day (default: today)",
    )


def cmd_review(args: argparse.Namespace) -> int:
    from workinggroup_app.reports.review import export_review

    db = open_db(args)
    try:
        report = export_review(
            db, args.output, audience=args.audience, today=args.today, actor=actor(args)
        )
    finally:
        db.dispose()
    say(
        f"wrote {report.path} ({report.pages} pages, {report.figures} figures, "
        f"{report.audience}) in {report.seconds:.1f} s"
    )
    return 0


def cmd_overdue(args: argparse.Namespace) -> int:
    from workinggroup_app.read.dashboard.overdue import overdue_rows

    today = args.today or date.today()
    db = open_db(args)
    out: TextIO
    close = False
    if args.output:
        encoding = "utf-8-sig" if args.format == "csv" else "utf-8"  # the BOM for spreadsheets
        out = open(args.output, "w", encoding=encoding, newline="")  # noqa: SIM115
        close = True
    else:
        out = sys.stdout
    try:
        with db.session() as session:
            rows = overdue_rows(session, today, args.audience)
            if args.format == "csv":
                n = _write_csv(out, rows)
            else:
                n = _write_text(out, rows, today, args.audience)
    except BrokenPipeError:  # the reader stopped early (| head): not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    finally:
        db.dispose()
        if close:
            out.close()
    if args.output:
        say(f"wrote {n:,} overdue action items to {args.output}")
    return 0


def _write_csv(out: TextIO, rows: Any) -> int:
    from workinggroup_app.exchange.sheets.csv_export import neutralise

    writer = csv.writer(out)
    writer.writerow(OVERDUE_COLUMNS)
    n = 0
    for r in rows:
        writer.writerow(
            [
                neutralise(str(v))
                for v in (
                    r.reference,
                    r.due_date.isoformat(),
                    r.days_overdue,
                    r.owner_side,
                    r.agency,
                    r.owner_person,
                    r.status,
                    r.title_en,
                    r.title_zh,
                )
            ]
        )
        n += 1
    return n


def _cut(text: str, width: int) -> str:
    """At most ``width`` terminal columns (a Chinese character takes two)."""
    from unicodedata import east_asian_width

    out, used = [], 0
    for ch in " ".join(str(text).split()):
        w = 2 if east_asian_width(ch) in ("W", "F") else 1
        if used + w > width:
            return "".join(out)[:-1] + "…" if out else ""
        out.append(ch)
        used += w
    return "".join(out) + " " * (width - used)


def _write_text(out: TextIO, rows: Any, today: date, audience: str) -> int:
    """A terminal table; stored text is cleaned of control characters (no escape codes)."""
    from workinggroup_app.domain.vocabulary import word
    from workinggroup_app.reports.markup import clean

    columns = (("Reference", 14), ("Due", 10), ("Days", 5), ("Side", 6), ("Agency", 8))
    out.write("  ".join(_cut(name, w) for name, w in columns) + "  Owner: title [status]\n")
    n = 0
    for r in rows:
        cells = (
            _cut(clean(r.reference), 14),
            r.due_date.isoformat(),
            f"{r.days_overdue:>5}",
            _cut(r.owner_side, 6),
            _cut(clean(r.agency), 8),
        )
        owner = clean(r.owner_person)
        title = clean(r.title_en) or clean(r.title_zh)
        status = word("status.action_item", r.status)
        out.write("  ".join(cells) + f"  {owner + ': ' if owner else ''}{title} [{status}]\n")
        n += 1
    audience_words = "bilateral: releasable only" if audience == "bilateral" else "internal"
    out.write(f"{n:,} overdue action items as of {today.isoformat()} ({audience_words})\n")
    out.flush()
    return n
