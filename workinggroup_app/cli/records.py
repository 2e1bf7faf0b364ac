"""``record transition`` and ``record update``: what a script on a running office changes,
through the same services as the forms (rules, stale-edit check, audit trail)::

    record transition --type T REF STATUS [--comment TEXT] [--outcome KEY] [--duplicate-of REF]
    record update --type T REF FIELD=VALUE [FIELD=VALUE ...]

Values are written as in an import: coded values by key or by word (``sent``, ``Sent``,
``已发送``), linked records by reference (agencies also by abbreviation; several separated by ``;``),
dates as YYYY-MM-DD; an empty value (``FIELD=``) clears the field. Exit status 0 done, 1 refused
(nothing changed), 2 usage.
"""

from __future__ import annotations

import argparse
from typing import Any

from workinggroup_app.cli.base import UsageError, actor, open_db, say, word_for


def add_commands(subparsers: Any) -> None:
    """Register ``record transition`` and ``record update``."""
    from workinggroup_app.domain.cli_names import CLI_NAMES

    types = sorted({*CLI_NAMES, *CLI_NAMES.values()})
    rec = subparsers.add_parser("record", help="change one record (status, fields)")
    sub = rec.add_subparsers(dest="record_command", metavar="ACTION", required=True)
    tr = sub.add_parser("transition", help="move a record to another status")
    tr.add_argument("--type", required=True, choices=types, metavar="TYPE", help="record type")
    tr.add_argument("reference", metavar="REF", help="the record's reference")
    tr.add_argument("status", metavar="STATUS", help="the status to move to (key or word)")
    tr.add_argument("--comment", default="", metavar="TEXT", help="why (kept in its history)")
    tr.add_argument("--outcome", metavar="KEY", help="the outcome, when closing")
    tr.add_argument("--duplicate-of", metavar="REF", help="the referral this one repeats")
    tr.set_defaults(func=cmd_transition)
    up = sub.add_parser("update", help="change fields of a record")
    up.add_argument("--type", required=True, choices=types, metavar="TYPE", help="record type")
    up.add_argument("reference", metavar="REF", help="the record's reference")
    up.add_argument("assignments", nargs="+", metavar="FIELD=VALUE", help="fields to set")
    up.set_defaults(func=cmd_update)


def _find(db: Any, type_key: str, reference: str) -> tuple[Any, int, int]:
    """(record type, id, version) of the record ``reference`` names, of type ``type_key``."""
    from workinggroup_app.domain import vocabulary
    from workinggroup_app.domain.errors import NotFoundError
    from workinggroup_app.domain.fields import record_type
    from workinggroup_app.services.records import find_by_reference

    rt = record_type(type_key)
    with db.session() as s:
        try:
            found, obj = find_by_reference(s, reference.strip().upper())
        except NotFoundError:
            found = obj = None
        if found is None or found.key != rt.key:
            raise NotFoundError(
                f"No {vocabulary.word('record_type', rt.key).lower()} with reference "
                f"{reference[:40]!r}.",
                f"找不到编号为 {reference[:40]!r} 的{vocabulary.word('record_type', rt.key, 'zh')}。",
            )
        return rt, obj.id, obj.version


def _key(vocab: str, text: str) -> str:
    from workinggroup_app.exchange.sheets.cells import VocabularyLookup

    return VocabularyLookup().key(vocab, text.strip()) or text.strip()


def cmd_transition(args: argparse.Namespace) -> int:
    from workinggroup_app.services.records import Services

    db = open_db(args)
    try:
        rt, rid, version = _find(db, args.type, args.reference)
        wf = rt.workflow
        target = _key(wf.vocabulary, args.status) if wf is not None else args.status
        outcome = args.outcome
        if outcome and wf is not None and wf.outcome_vocabulary:
            outcome = _key(wf.outcome_vocabulary, outcome)
        change = Services(db, actor(args)).transition(
            rt.key,
            rid,
            target,
            comment=args.comment,
            expected_version=version,
            outcome=outcome,
            duplicate_of=args.duplicate_of,
        )
    finally:
        db.dispose()
    say(
        word_for(
            args, f"{change.reference}: now {target}", f"{change.reference}：已变更为 {target}"
        )
    )
    return 0


def parse_assignments(rt: Any, assignments: list[str]) -> dict[str, Any]:
    """``FIELD=VALUE`` arguments as values for ``Services.update``: coded values by key or
    word, linked records by reference; an unknown field is a usage error naming the
    fields there are."""
    from workinggroup_app.domain.fields import CHOICE, LINKS

    values: dict[str, Any] = {}
    editable = {f.name: f for f in rt.editable_fields()}
    for item in assignments:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"{item[:40]!r} is not FIELD=VALUE")
        f = editable.get(name)
        if f is None:
            raise UsageError(
                f"{name[:40]!r} is not a field of this record type that can be changed "
                f"(one of: {', '.join(editable)})"
            )
        if name in values:
            raise UsageError(f"{name} is given twice")
        if f.kind == LINKS:  # several records: "ENT-2026-0001; ENT-2026-0002"
            values[name] = [v.strip() for v in value.replace(",", ";").split(";") if v.strip()]
        elif f.kind == CHOICE and value:
            values[name] = _key(f.vocabulary or "", value)
        else:
            values[name] = value
    return values


def cmd_update(args: argparse.Namespace) -> int:
    from workinggroup_app.domain.fields import record_type
    from workinggroup_app.services.records import Services

    values = parse_assignments(record_type(args.type), args.assignments)
    db = open_db(args)
    try:
        rt, rid, version = _find(db, args.type, args.reference)
        change = Services(db, actor(args)).update(rt.key, rid, values, version)
    finally:
        db.dispose()
    if change.action == "none":
        say(word_for(args, f"{change.reference}: nothing changed", f"{change.reference}：无变化"))
    else:
        fields = ", ".join(change.fields)
        say(
            word_for(
                args,
                f"{change.reference}: changed {fields}",
                f"{change.reference}：已修改 {fields}",
            )
        )
    return 0
