"""A whole workbook at once: one sheet per record type, imported together, all or nothing.

An office moving in brings its agencies, contacts, cases, referrals, meetings with their
attendees, agenda and decisions, and action items, as one XLSX file whose sheets are
titled by record type (``Referrals``, ``线索``, ``referrals``; the template's titles). The
sheets are imported in dependency order (``mapping.IMPORT_TYPES``, a meeting's parts after
the meetings) inside one write transaction, so a referral row may name a case that a row of
the Cases sheet creates. Every sheet is checked, even after one has problems, and the
report lists every problem by sheet, row and column; the transaction commits only when no
sheet has any. A dry run does the same work and rolls it all back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from workinggroup_app.domain import vocabulary
from workinggroup_app.domain.children import CHILDREN
from workinggroup_app.domain.fields import cli_name, record_type
from workinggroup_app.domain.permissions import SYSTEM, Actor
from workinggroup_app.exchange.sheets.bulk import Progress
from workinggroup_app.exchange.sheets.importer import Importer
from workinggroup_app.exchange.sheets.mapping import IMPORT_TYPES, normalise_header
from workinggroup_app.exchange.sheets.parts import PartsImporter, parts_sheet_key
from workinggroup_app.exchange.sheets.problems import ImportReport, Problem
from workinggroup_app.exchange.sheets.read import Sheet, read_workbook
from workinggroup_app.storage.database import Database

# sheets a template carries beside the records: its help and the dropdowns' values
HELP_TITLES = frozenset(
    normalise_header(t) for t in ("Help", "说明", "Instructions", "填写说明", "Lists", "取值")
)


def sheet_order() -> list[str]:
    """What a workbook imports, in order: record types, a meeting's parts after meetings."""
    order: list[str] = []
    for key in IMPORT_TYPES:
        order.append(key)
        if key == "meeting":
            order.extend(CHILDREN)
    return order


# what offices also title their sheets (besides the record types' own words)
SHEET_ALIASES: dict[str, tuple[str, ...]] = {
    "referral": ("线索", "leads"),  # one word per language, not a label and its translation
    "action_item": ("行动", "待办事项", "actions"),
    "entity": ("公司", "companies"),
}


def record_sheet_names(type_key: str) -> list[str]:
    """The titles a worksheet of this record type may have (normalised)."""
    rt = record_type(type_key)
    words = [rt.key, cli_name(rt.key), *SHEET_ALIASES.get(rt.key, ())]
    for vocab in ("record_type", "record_type_plural"):
        words += [vocabulary.word(vocab, rt.key), vocabulary.word(vocab, rt.key, "zh")]
    return [normalise_header(w) for w in words]


def sheet_kind(title: str) -> str | None:
    """The record type key or meeting-part key a worksheet's title names; None if none."""
    key = normalise_header(title)
    for type_key in IMPORT_TYPES:
        if key in record_sheet_names(type_key):
            return type_key
    return parts_sheet_key(title)


def kind_label(kind: str, lang: str = "en") -> str:
    zh = lang.startswith("zh")
    if kind in CHILDREN:
        return CHILDREN[kind].heading_zh if zh else CHILDREN[kind].heading_en
    return vocabulary.word("record_type_plural", kind, "zh" if zh else "en")


@dataclass
class SheetResult:
    title: str
    kind: str
    report: ImportReport


@dataclass
class WorkbookReport:
    file: str
    dry_run: bool
    sheets: list[SheetResult] = field(default_factory=list)
    problems: list[tuple[str, Problem]] = field(default_factory=list)  # (sheet, problem)
    ignored: list[str] = field(default_factory=list)  # help sheets

    @property
    def ok(self) -> bool:
        return not self.all_problems()

    def all_problems(self) -> list[tuple[str, Problem]]:
        out = list(self.problems)
        for s in self.sheets:
            out.extend((s.title, p) for p in s.report.problems)
        return out

    @property
    def imported(self) -> int:
        return sum(s.report.imported for s in self.sheets)

    def summary(self, lang: str = "en") -> str:
        zh = lang.startswith("zh")
        problems = self.all_problems()
        lines = []
        for s in self.sheets:
            n = s.report.imported if not self.dry_run and self.ok else s.report.valid
            label = kind_label(s.kind, lang)
            name = (
                s.title
                if normalise_header(s.title) == normalise_header(label)
                else (f"{s.title}（{label}）" if zh else f"{s.title} ({label})")
            )
            done = "已导入" if zh and not self.dry_run else "可导入" if zh else None
            lines.append(
                f"  {name}：{s.report.rows:,} 行，{n:,} 行{done}"
                if zh
                else f"  {name}: {s.report.rows:,} row(s), {n:,} "
                + ("imported" if not self.dry_run and self.ok else "ready")
            )
        if problems:
            head = (
                f"{self.file}：共 {len(problems):,} 个问题；未导入任何记录。"
                if zh
                else f"{self.file}: {len(problems):,} problem(s); nothing was imported."
            )
        elif self.dry_run:
            head = (
                f"{self.file}：所有工作表均可导入（试运行，未写入）。"
                if zh
                else f"{self.file}: every sheet can be imported (dry run, nothing written)."
            )
        else:
            head = (
                f"已从 {self.file} 导入 {self.imported:,} 条记录。"
                if zh
                else f"Imported {self.imported:,} record(s) from {self.file}."
            )
        return "\n".join([head, *lines])


def _problem(title: str, en: str, zh: str) -> tuple[str, Problem]:
    return title, Problem(1, "", "", "", en, zh)


def plan(sheets: list[Sheet]) -> tuple[list[tuple[str, Sheet]], WorkbookReport]:
    """The sheets to import, in dependency order, and a report holding what is wrong with
    the workbook itself (a sheet no record type is named by, two sheets of one type)."""
    report = WorkbookReport(file="", dry_run=True)
    found: dict[str, Sheet] = {}
    names = ", ".join(kind_label(k) for k in sheet_order())
    names_zh = "、".join(kind_label(k, "zh") for k in sheet_order())
    for sheet in sheets:
        if normalise_header(sheet.name) in HELP_TITLES:
            report.ignored.append(sheet.name)
            continue
        kind = sheet_kind(sheet.name)
        if kind is None:
            if not sheet.headers and not sheet.rows:
                report.ignored.append(sheet.name)  # an empty sheet left in the workbook
                continue
            report.problems.append(
                _problem(
                    sheet.name,
                    f"the sheet '{sheet.name[:40]}' is not named after a record type; "
                    f"name it one of: {names} (or remove it).",
                    f"工作表“{sheet.name[:40]}”未以记录类型命名；请命名为以下之一：{names_zh}"
                    "（或将其删除）。",
                )
            )
        elif kind in found:
            report.problems.append(
                _problem(
                    sheet.name,
                    f"the sheets '{found[kind].name[:40]}' and '{sheet.name[:40]}' both hold "
                    f"{kind_label(kind).lower()}; put them in one sheet.",
                    f"工作表“{found[kind].name[:40]}”和“{sheet.name[:40]}”都是"
                    f"{kind_label(kind, 'zh')}；请合并为一个工作表。",
                )
            )
        else:
            found[kind] = sheet
    return [(k, found[k]) for k in sheet_order() if k in found], report


def import_workbook(
    db: Database,
    path: str | Path,
    *,
    actor: Actor = SYSTEM,
    dry_run: bool = False,
    progress: Progress | None = None,
    today: Callable[[], date] = date.today,
) -> WorkbookReport:
    """Read every sheet of ``path`` and import them together, all or nothing."""
    ordered, report = plan(read_workbook(path))
    report.file = Path(path).name
    report.dry_run = dry_run
    if not ordered and not report.problems:
        report.problems.append(
            _problem(
                report.file,
                "the workbook has no sheet named after a record type.",
                "工作簿中没有以记录类型命名的工作表。",
            )
        )
    total = sum(len(sheet.rows) for _k, sheet in ordered) or 1
    done = 0

    def part(n: int) -> Progress | None:
        if progress is None:
            return None
        start = done

        def report_part(d: int, t: int) -> Any:
            return progress(start + int(n * (d / t if t else 1.0)), total)

        return report_part

    db.checkpoint_wal()  # a full disk mid-import can then give all its pages back
    wal_before = db.wal_size()
    session = db.sessions()
    try:
        session.begin()
        for kind, sheet in ordered:
            importer: Importer | PartsImporter
            if kind in CHILDREN:
                importer = PartsImporter(db, kind, sheet, actor=actor, today=today)
                result = importer.write_in(session, progress=part(len(sheet.rows)))
            else:
                importer = Importer(db, kind, sheet, actor=actor, today=today)
                result = importer.write_in(
                    session,
                    progress=part(len(sheet.rows)),
                    dry_run=dry_run,
                    rolled_back_on_problems=True,
                )
            result.dry_run = dry_run
            report.sheets.append(SheetResult(sheet.name, kind, result))
            done += len(sheet.rows)
        if dry_run or not report.ok:
            session.rollback()
            for s in report.sheets:
                s.report.imported, s.report.references = 0, []
        else:
            session.commit()
    except BaseException as exc:
        session.rollback()
        plain = db.failure(exc, wal_before)  # a full disk, a lost server: in words
        if plain is None:
            raise
        raise plain from exc
    finally:
        session.close()
    if progress is not None:
        progress(total, total)
    return report
