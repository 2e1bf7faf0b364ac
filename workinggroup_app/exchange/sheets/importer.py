"""Importing records from CSV and XLSX spreadsheets: map, check, then all or nothing.

The working group's records start life in spreadsheets. An import goes in three steps:

1. ``read_sheet`` reads the file (CSV in UTF-8 or GB 18030, any of , ; tab; or the first
   worksheet of an XLSX file) and ``guess_mapping`` matches its headers to fields, in
   English or Chinese: a header may be the field name (``sending_agency_id``), its English
   label (``Sending agency``) or its Chinese label (``发送机构``), case, width and spacing
   ignored.
2. ``check`` (the dry run) validates every row with the services' own field rules
   (``Services.validate``) and reports every problem with its row, column and reason:
   bad dates and values, unknown agencies or linked records, cells that are spreadsheet
   formulas, and duplicates (same reference, UUID or, for referrals, counterpart's
   reference) inside the file or against the database.
3. ``commit`` checks again inside one write transaction and, only when no row has a
   problem (rows the user chose to exclude are skipped), inserts every record in bulk with
   its status history, search text and one ``import`` audit event per record. One bad
   row imports nothing. Rows the dry run already checked on their own, unchanged and with
   every linked record still named the same, are not validated twice (``Memo``); the
   duplicate checks are always made again, inside the transaction.

Values may be stored keys (``US_TO_PRC``) or the words for them in either language
(``US to PRC``, ``美方至中方``); agencies are named by abbreviation, reference or name,
contacts also by e-mail or name, substances by CAS number or name, other linked records
by reference; an owner by user name or full name. Dates are ``YYYY-MM-DD``; ``2026/3/5``,
``2026年3月5日``, full-width digits, Excel serial numbers and a day/month that reads only one
way are read too, and one that reads two ways (``03/04/2026``) is refused naming both; a
spreadsheet's own date cells are taken as the dates they show.
A CSV cell written by our exports with a protective apostrophe (``'=...``) is read back
without it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workinggroup_app.domain import vocabulary
from workinggroup_app.domain.errors import ValidationError, ValidationErrors
from workinggroup_app.domain.fields import LINKS
from workinggroup_app.domain.permissions import SYSTEM, Actor, require
from workinggroup_app.exchange.sheets.bulk import Progress, insert_rows
from workinggroup_app.exchange.sheets.cells import (
    LATER,
    LinkResolver,
    VocabularyLookup,
    cell_text,
    row_cells,
    unprotect,
)
from workinggroup_app.exchange.sheets.mapping import (
    RELEASABLE_COLUMN,
    SheetColumn,
    column_letter,
    field_label,
    guess_mapping,
    import_type,
    importable_fields,
)
from workinggroup_app.exchange.sheets.memo import Memo, MemoRow
from workinggroup_app.exchange.sheets.problems import ImportReport, Problem, problem_at
from workinggroup_app.exchange.sheets.read import Sheet, read_sheet
from workinggroup_app.services.records import Services
from workinggroup_app.storage.database import Database

LATER_KEY = "_linked_later"  # in a row's clean values: links to rows of the same sheet


@dataclass
class _Checked:
    rows: list[tuple[int, dict[str, Any]]]  # (row number, cleaned values)
    problems: list[Problem]
    considered: int
    excluded: list[int]
    unchanged: list[int]  # rows naming by UUID a record that already holds just that


class Importer:
    """One import of one sheet into one record type, for one user."""

    def __init__(
        self,
        db: Database,
        type_key: str,
        sheet: Sheet,
        mapping: Sequence[str | None] | None = None,
        *,
        actor: Actor = SYSTEM,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.db = db
        self.rt = import_type(type_key)
        self.sheet = sheet
        self.actor = actor
        self.today = today
        self.services = Services(db, actor, today=today)
        self.mapping = (
            list(mapping) if mapping is not None else guess_mapping(self.rt.key, sheet.headers)
        )
        self._is_csv = Path(sheet.path).suffix.lower() not in (".xlsx", ".xlsm")
        if len(self.mapping) < len(sheet.headers):
            self.mapping += [None] * (len(sheet.headers) - len(self.mapping))

    # -- the mapping --

    def columns(self) -> list[SheetColumn]:
        out = []
        for i, name in enumerate(self.mapping[: len(self.sheet.headers)]):
            if not name:
                continue
            f = None if name == RELEASABLE_COLUMN else self.rt.field(name)
            out.append(SheetColumn(i, column_letter(i), self.sheet.headers[i], f))
        return out

    def header_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        allowed = {f.name for f in importable_fields(self.rt.key)} | {RELEASABLE_COLUMN}
        seen: dict[str, int] = {}
        for i, name in enumerate(self.mapping[: len(self.sheet.headers)]):
            if not name:
                continue
            letter, header = column_letter(i), self.sheet.headers[i]
            if name not in allowed:
                problems.append(
                    Problem(
                        self.sheet.header_row,
                        letter,
                        header,
                        name,
                        f"'{name}' cannot be imported into "
                        f"{vocabulary.word('record_type_plural', self.rt.key).lower()}.",
                        f"“{name}”不能导入{vocabulary.word('record_type_plural', self.rt.key, 'zh')}。",
                    )
                )
            elif name in seen:
                label_en = field_label(self.rt.key, name)
                label_zh = field_label(self.rt.key, name, "zh")
                problems.append(
                    Problem(
                        self.sheet.header_row,
                        letter,
                        header,
                        name,
                        f"column {column_letter(seen[name])} already fills {label_en}.",
                        f"{column_letter(seen[name])} 列已对应{label_zh}。",
                    )
                )
            else:
                seen[name] = i
        for f in importable_fields(self.rt.key):
            if f.required and f.name not in seen:
                problems.append(
                    Problem(
                        self.sheet.header_row,
                        "",
                        "",
                        f.name,
                        f"no column for {f.label_en}, which every record needs.",
                        f"缺少每条记录都必须填写的“{f.label_zh}”列。",
                    )
                )
        return problems

    def preview(self, limit: int = 20) -> list[dict[str, str]]:
        """The first rows as the import reads them: {field name: cell text}."""
        out = []
        for raw in self.sheet.rows[:limit]:
            row = {}
            for col in self.columns():
                value = raw[col.index] if col.index < len(raw) else None
                row[col.field.name if col.field else RELEASABLE_COLUMN] = (
                    "" if value is None else unprotect(cell_text(value))
                )
            out.append(row)
        return out

    # -- checking --

    def _row_values(
        self,
        row_no: int,
        raw: Sequence[Any],
        cols: list[SheetColumn],
        resolver: LinkResolver,
        vocab: VocabularyLookup,
        problems: list[Problem],
    ) -> dict[str, Any] | None:
        """Cells of one row turned into values for ``Services.validate``; None if blank.
        Problems found here name their field first, as the services' messages do."""
        start = len(problems)
        values = row_cells(self.rt, self._is_csv, row_no, raw, cols, resolver, vocab, problems)
        for p in problems[start:]:
            en = field_label(self.rt.key, p.field)
            zh = field_label(self.rt.key, p.field, "zh")
            p.message_en, p.message_zh = f"{en}: {p.message_en}", f"{zh}：{p.message_zh}"
        return values

    def _check(
        self,
        session: Session,
        exclude: Iterable[int] = (),
        progress: Progress | None = None,
    ) -> _Checked:
        problems = self.header_problems()
        missing_required = {p.field for p in problems if not p.column}
        cols = [c for c in self.columns() if c.field is None or c.field.name in self._allowed]
        by_field = {c.field.name if c.field else RELEASABLE_COLUMN: c for c in cols}
        resolver, vocab = LinkResolver(session), VocabularyLookup()
        resolver.later = self._references_in_sheet(by_field)
        memo = self._memo(resolver)
        kinds: dict[tuple[type, ...], tuple[type, ...]] = {}  # one tuple per distinct kind
        excluded_set = set(exclude)
        excluded: list[int] = []
        clean_rows: list[tuple[int, dict[str, Any]]] = []
        considered = 0
        total = len(self.sheet.rows)
        seen: dict[str, dict[str, int]] = {"reference": {}, "uuid": {}, "counterpart_ref": {}}
        for i, raw in enumerate(self.sheet.rows):
            if progress is not None and i % 500 == 0:
                progress(i, total)
            row_no = self.sheet.row_number(i)
            if row_no in excluded_set:
                excluded.append(row_no)
                continue
            row = memo.rows.get(i)
            if row is None or not row.matches(raw):
                row = memo.rows[i] = self._check_row(
                    session, row_no, raw, cols, by_field, missing_required, resolver, vocab
                )
                row.kinds = kinds.setdefault(row.kinds, row.kinds)
            if row.values is None:
                continue
            considered += 1
            row_problems = [replace(p) for p in row.problems]
            clean = None if row.clean is None else dict(row.clean)  # the import numbers it
            self._dup_in_file(row_no, row.values, seen, by_field, row_problems)
            if row_problems:
                problems.extend(row_problems)
            elif clean is not None:
                clean_rows.append((row_no, clean))
        unchanged = self._already_here(session, clean_rows)
        clean_rows = [(n, v) for n, v in clean_rows if n not in unchanged]
        problems.extend(self._dup_in_db(session, clean_rows, by_field))
        if progress is not None:
            progress(total, total)
        bad = {p.row for p in problems}
        clean_rows = [(n, v) for n, v in clean_rows if n not in bad]
        return _Checked(clean_rows, problems, considered, excluded, sorted(unchanged))

    def _references_in_sheet(self, by_field: Mapping[str, SheetColumn]) -> dict[str, frozenset]:
        """The references this sheet gives its own rows, when one of its columns may name
        another row of the same sheet (a referral that repeats another)."""
        col = by_field.get("reference")
        links = [
            c for c in by_field.values() if c.field is not None and c.field.target == self.rt.key
        ]
        if col is None or not links:
            return {}
        refs = {
            cell_text(raw[col.index]).strip().upper()
            for raw in self.sheet.rows
            if col.index < len(raw) and raw[col.index] not in (None, "")
        }
        return {self.rt.key: frozenset(refs)}

    def _link_later(self, session: Session, rows: list[tuple[int, dict[str, Any]]]) -> None:
        """Fill the links to records of the same sheet, now that they are written."""
        pending = [v for _n, v in rows if v.get(LATER_KEY)]
        if not pending:
            return
        model = self.rt.model
        wanted = {ref for v in pending for ref in v[LATER_KEY].values()}
        ids = dict(
            session.execute(
                select(model.reference, model.id).where(model.reference.in_(list(wanted)))
            ).all()
        )
        for v in pending:
            changes = {name: ids.get(ref) for name, ref in v[LATER_KEY].items()}
            session.execute(
                update(model).where(model.reference == v["reference"]).values(**changes)
            )

    def _already_here(self, session: Session, rows: list[tuple[int, dict[str, Any]]]) -> set[int]:
        """Rows that name an existing record by its UUID and hold nothing it does not: the
        same agency or substance both databases have from the shipped reference data, or a
        sheet imported twice. They are left out, not reported as duplicates."""
        wanted = {v["uuid"]: (n, v) for n, v in rows if v.get("uuid")}
        if not wanted:
            return set()
        model = self.rt.model
        same: set[int] = set()
        keys = list(wanted)
        for start in range(0, len(keys), 500):
            found = session.execute(
                select(model).where(model.uuid.in_(keys[start : start + 500]))
            ).scalars()
            for record in found:
                row_no, values = wanted[record.uuid]
                if all(
                    _same(getattr(record, name, None), value)
                    for name, value in values.items()
                    if self.rt.has(name) and self.rt.field(name).kind != LINKS
                ):
                    same.add(row_no)
        return same

    def _memo(self, resolver: LinkResolver) -> Memo:
        """The sheet's memo for this record type and mapping, emptied unless every link
        label it holds still names the same record."""
        sheet = self.sheet
        key = (
            self.rt.key,
            tuple(self.mapping[: len(sheet.headers)]),
            tuple(sheet.headers),
            sheet.first_row,
            self._is_csv,
        )
        memo = sheet._memo
        if memo is None or memo.key != key:
            memo = sheet._memo = Memo(key)
        elif any(resolver.lookup(t, label) != rid for (t, label), rid in memo.links.items()):
            memo.links.clear()
            memo.rows.clear()
        resolver.used = memo.links  # every label resolved from now on, as it is resolved
        return memo

    def _check_row(
        self,
        session: Session,
        row_no: int,
        raw: Sequence[Any],
        cols: list[SheetColumn],
        by_field: Mapping[str, SheetColumn],
        missing_required: set[str],
        resolver: LinkResolver,
        vocab: VocabularyLookup,
    ) -> MemoRow:
        """One row on its own: its cells as values, then the services' field rules."""
        cells = tuple(raw)
        row_problems: list[Problem] = []
        values = self._row_values(row_no, raw, cols, resolver, vocab, row_problems)
        clean = None
        later: dict[str, str] = {}  # links to records this sheet creates: field -> reference
        if values is not None:
            for name, value in list(values.items()):
                if value == LATER:
                    col = by_field[name]
                    later[name] = cell_text(raw[col.index]).strip().upper()
                    del values[name]
        if values is not None:
            try:
                clean = self.services.validate(
                    self.rt.key,
                    values,
                    session=session,
                    unique=False,
                    filled_later=frozenset(later),
                )
                if later:
                    clean[LATER_KEY] = later
            except ValidationErrors as errs:
                for e in errs.errors:
                    if e.field in missing_required:
                        continue
                    if any(p.field == e.field for p in row_problems):
                        continue  # already reported more precisely
                    row_problems.append(self._field_problem(row_no, by_field, e))
            except ValidationError as e:
                row_problems.append(self._field_problem(row_no, by_field, e))
        kinds = tuple(map(type, cells))
        return MemoRow(cells, kinds, values if clean is None else clean, clean, tuple(row_problems))

    @property
    def _allowed(self) -> set[str]:
        return {f.name for f in importable_fields(self.rt.key)}

    def _field_problem(
        self, row_no: int, by_field: Mapping[str, SheetColumn], e: ValidationError
    ) -> Problem:
        col = by_field.get(e.field)
        if col is None and e.field == "releasability":
            col = by_field.get(RELEASABLE_COLUMN)
        return problem_at(row_no, col, e.field, e.message_en, e.message_zh)

    def _dup_in_file(
        self,
        row_no: int,
        clean: Mapping[str, Any],
        seen: dict[str, dict[str, int]],
        by_field: Mapping[str, SheetColumn],
        out: list[Problem],
    ) -> None:
        for name in ("reference", "uuid", "counterpart_ref"):
            if name == "counterpart_ref" and (self.rt.key != "referral" or _a_repeat(clean)):
                continue
            value = clean.get(name)
            if not value:
                continue
            key = str(value).casefold() if name == "counterpart_ref" else str(value)
            first = seen[name].get(key)
            if first is not None:
                f = self.rt.field(name)
                out.append(
                    problem_at(
                        row_no,
                        by_field.get(name),
                        name,
                        f"{f.label_en} {value} also appears in row {first}: a duplicate.",
                        f"{f.label_zh} {value} 与第 {first} 行重复。",
                    )
                )
            else:
                seen[name][key] = row_no

    def _dup_in_db(
        self,
        session: Session,
        rows: list[tuple[int, dict[str, Any]]],
        by_field: Mapping[str, SheetColumn],
    ) -> list[Problem]:
        out: list[Problem] = []
        model = self.rt.model
        for name in ("reference", "uuid", "counterpart_ref"):
            if name == "counterpart_ref" and self.rt.key != "referral":
                continue
            loose = name == "counterpart_ref"  # the counterpart's numbers, any case
            named = [(n, v) for n, v in rows if v.get(name) and not (loose and _a_repeat(v))]
            wanted = {(str(v[name]).casefold() if loose else str(v[name])): n for n, v in named}
            shown = {
                (str(v[name]).casefold() if loose else str(v[name])): str(v[name])
                for _n, v in named
            }
            if not wanted:
                continue
            col = getattr(model, name)
            found: dict[str, str] = {}
            if loose:  # one pass over the column beats a case-folded IN per chunk
                for value, ref in session.execute(select(col, model.reference).where(col != "")):
                    key = str(value).casefold()
                    if key in wanted:
                        found[key] = ref
            else:
                keys = list(wanted)
                for start in range(0, len(keys), 500):
                    chunk = keys[start : start + 500]
                    for value, ref in session.execute(
                        select(col, model.reference).where(col.in_(chunk))
                    ):
                        found[str(value)] = ref
            f = self.rt.field(name)
            for key, ref in found.items():
                row_no, value = wanted[key], shown[key]
                if name == "counterpart_ref":
                    en = f"{f.label_en} {value} is already recorded on {ref}: a duplicate."
                    zh = f"{f.label_zh} {value} 已记录于 {ref}，属重复。"
                else:
                    en = f"{f.label_en} {value} already exists in the database ({ref})."
                    zh = f"{f.label_zh} {value} 已存在于数据库中（{ref}）。"
                out.append(problem_at(row_no, by_field.get(name), name, en, zh))
        return out

    # -- the two entry points --

    def check(
        self, *, exclude: Iterable[int] = (), progress: Progress | None = None
    ) -> ImportReport:
        """The dry run: every problem, nothing written."""
        require(self.actor, "import", self.rt.key)
        with self.db.session() as session:
            checked = self._check(session, exclude, progress)
        return self._report(checked, dry_run=True)

    def commit(
        self, *, exclude: Iterable[int] = (), progress: Progress | None = None
    ) -> ImportReport:
        """Check again inside one write transaction; import every row or none."""
        self.db.checkpoint_wal()  # a full disk mid-import can then give all its pages back
        # a sheet with a problem writes nothing: write_in inserts only clean sheets
        report = self.db.write(
            lambda session: self.write_in(session, exclude=exclude, progress=progress)
        )
        if not report.problems:
            self.sheet._memo = None  # imported: nothing left to check again
        return report

    def write_in(
        self,
        session: Session,
        *,
        exclude: Iterable[int] = (),
        progress: Progress | None = None,
        dry_run: bool = False,
        rolled_back_on_problems: bool = False,
    ) -> ImportReport:
        """Check the sheet inside the caller's write transaction and, when no row has a
        problem, insert its rows there; the caller commits or rolls back (a workbook
        imports every sheet in one transaction; its dry run rolls back).

        A caller that rolls back whenever any row has a problem
        (``rolled_back_on_problems``) gets the good rows inserted even so, so the sheets
        after this one find the records they name and report only their own problems."""
        require(self.actor, "import", self.rt.key)
        require(self.actor, "create", self.rt.key)
        checked = self._check(session, exclude, _scaled(progress, 0, 2))
        report = self._report(checked, dry_run=dry_run)
        if checked.problems and not (rolled_back_on_problems and checked.rows):
            return report
        refs = insert_rows(
            session,
            self.rt,
            checked.rows,
            user=self.actor.username,
            source=self.sheet.file_name,
            year=self.today().year,
            progress=_scaled(progress, 1, 2),
        )
        self._link_later(session, checked.rows)
        if not dry_run and not checked.problems:
            report.imported = len(refs)
            report.references = refs
        return report

    def _report(self, checked: _Checked, *, dry_run: bool) -> ImportReport:
        problems = sorted(checked.problems, key=lambda p: (p.row, len(p.column), p.column))
        return ImportReport(
            type_key=self.rt.key,
            file=self.sheet.file_name,
            rows=checked.considered,
            valid=len(checked.rows),
            excluded=checked.excluded,
            unchanged=checked.unchanged,
            problems=problems,
            dry_run=dry_run,
        )


def _a_repeat(values: Mapping[str, Any]) -> bool:
    """A referral recorded as a repeat of another: it shares the other's counterpart
    reference on purpose."""
    return bool(values.get("duplicate_of_id") or values.get(LATER_KEY, {}).get("duplicate_of_id"))


def _same(stored: Any, given: Any) -> bool:
    """A stored value and an imported one are the same (empty text and None alike)."""
    if stored in (None, "") and given in (None, ""):
        return True
    return stored == given


def _scaled(progress: Progress | None, part: int, parts: int) -> Progress | None:
    """Map one phase's (done, total) onto a share of one progress bar (0..1000)."""
    if progress is None:
        return None

    def report(done: int, total: int) -> Any:
        share = done / total if total else 1.0
        return progress(int(1000 * (part + share) / parts), 1000)

    return report


def run_import(
    db: Database,
    type_key: str,
    path: str | Path,
    *,
    actor: Actor = SYSTEM,
    dry_run: bool = False,
    exclude: Iterable[int] = (),
    mapping: Sequence[str | None] | None = None,
    progress: Progress | None = None,
    today: Callable[[], date] = date.today,
) -> ImportReport:
    """Read, map by the headers, then check (``dry_run``) or import: the CLI's one call."""
    importer = Importer(db, type_key, read_sheet(path), mapping, actor=actor, today=today)
    if dry_run:
        return importer.check(exclude=exclude, progress=progress)
    return importer.commit(exclude=exclude, progress=progress)


def parse_rows(text: str) -> set[int]:
    """'5, 7-9' -> {5, 7, 8, 9} (row numbers the user chose to leave out)."""
    out: set[int] = set()
    for part in re.split(r"[,\s，]+", text.strip()):
        if not part:
            continue
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not m:
            raise ValueError(f"'{part}' is not a row number or range like 7-9")
        lo = int(m.group(1))
        hi = int(m.group(2) or lo)
        if hi < lo or hi - lo > 1_000_000:
            raise ValueError(f"'{part}' is not a valid range")
        out.update(range(lo, hi + 1))
    return out
