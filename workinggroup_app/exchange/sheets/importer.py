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
   every linked record still named the same, are not validated twice (``_Memo``); the
   duplicate checks are always made again, inside the transaction.

Values may be stored keys (``US_TO_PRC``) or the words for them in either language
(``US to PRC``, ``美方至中方``); agencies are named by abbreviation, reference or name;
other linked records by reference. Dates are ``YYYY-MM-DD`` (``2026/3/5`` and
``2026年3月5日`` are read too); a spreadsheet's own date cells are taken as they are.
A CSV cell written by our exports with a protective apostrophe (``'=...``) is read back
without it.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import uuid as uuidlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from workinggroup_app.audit import trail
from workinggroup_app.domain import models, vocabulary
from workinggroup_app.domain.errors import DomainError, ValidationError, ValidationErrors
from workinggroup_app.domain.fields import (
    CHOICE,
    DATE,
    DATETIME,
    LINK,
    LINKS,
    LONGTEXT,
    READONLY,
    TEXT,
    FieldDef,
    RecordType,
    record_type,
)
from workinggroup_app.domain.models import ReferenceCounter, utcnow
from workinggroup_app.domain.permissions import SYSTEM, Actor, require
from workinggroup_app.services.records import Services
from workinggroup_app.storage.database import Database
from workinggroup_app.storage.reference_numbers import format_reference, reserve_block
from workinggroup_app.storage.search_index import body_for

IMPORT_TYPES = ("referral", "action_item", "entity", "contact")
CREATE_ONLY = ("reference", "uuid", "status")  # read-only fields an import may set
RELEASABLE_COLUMN = "releasable"  # the yes/no column our CSV/XLSX exports write
RELEASABLE_LABELS = vocabulary.pair("column", RELEASABLE_COLUMN)  # its header, en / zh
FORMATS = ("csv", "xlsx")
HEADER_STYLES = ("name", "en", "zh")
BATCH = 2000
MAX_REFERENCE = 32  # the reference column's width

Progress = Callable[[int, int], Any]


class ImportFileError(DomainError):
    """The file cannot be read as a spreadsheet at all (nothing was imported)."""


# --- reading files ----------------------------------------------------------------------------


class Formula(str):
    """An XLSX cell holding a formula (its text, starting with '=')."""


@dataclass
class Sheet:
    """A spreadsheet read into memory: a header row and data rows of raw cells."""

    path: str
    headers: list[str]
    rows: list[Sequence[Any]]
    first_row: int = 2  # spreadsheet row number of rows[0] (the header is row 1)
    # What the last check of these rows found, row by row, for the next check to reuse
    # (the import after its dry run); see ``_Memo``.
    _memo: _Memo | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def name(self) -> str:
        return Path(self.path).name

    def row_number(self, index: int) -> int:
        return self.first_row + index


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        "The file is neither UTF-8 nor GB 18030 text; save it as 'CSV UTF-8' and try again.",
        "文件既不是 UTF-8 也不是 GB 18030 文本；请另存为“CSV UTF-8”后重试。",
    )


def read_csv(path: str | Path) -> Sheet:
    text = _decode(Path(path).read_bytes())
    sample = text[:65536]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        headers = next(reader)
    except StopIteration:
        return Sheet(str(path), [], [])
    except csv.Error as exc:
        raise ImportFileError(
            f"The CSV file cannot be read: {exc}.", f"无法读取该 CSV 文件：{exc}。"
        ) from None
    try:
        rows: list[Sequence[Any]] = list(reader)
    except csv.Error as exc:
        raise ImportFileError(
            f"The CSV file is malformed after row {reader.line_num}: {exc}.",
            f"CSV 文件在第 {reader.line_num} 行之后格式错误：{exc}。",
        ) from None
    return Sheet(str(path), [h.strip() for h in headers], rows)


def read_xlsx(path: str | Path) -> Sheet:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(str(path), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises several types for a file that is not XLSX
        raise ImportFileError(
            f"The file cannot be opened as an Excel workbook (.xlsx): {exc}.",
            f"无法以 Excel 工作簿（.xlsx）打开该文件：{exc}。",
        ) from None
    try:
        ws = wb.worksheets[0]
        rows: list[Sequence[Any]] = []
        headers: list[str] | None = None
        for raw in ws.iter_rows():
            cells = [Formula(c.value) if c.data_type == "f" else c.value for c in raw]
            if headers is None:
                headers = ["" if v is None else str(v).strip() for v in cells]
                continue
            rows.append(cells)
    finally:
        wb.close()
    return Sheet(str(path), headers or [], rows)


def read_sheet(path: str | Path) -> Sheet:
    """Read a CSV or XLSX file (by its extension)."""
    suffix = Path(path).suffix.lower()
    if not Path(path).is_file():
        raise ImportFileError(f"No file {path}.", f"文件 {path} 不存在。")
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv(path)
    raise ImportFileError(
        f"Cannot import a '{suffix}' file; use .csv or .xlsx.",
        f"无法导入“{suffix}”文件；请使用 .csv 或 .xlsx。",
    )


# --- columns and mapping ----------------------------------------------------------------------


def import_type(type_key: str) -> RecordType:
    rt = record_type(type_key)
    if rt.key not in IMPORT_TYPES:
        raise DomainError(
            f"{vocabulary.word('record_type_plural', rt.key)} cannot be imported from a spreadsheet.",
            f"{vocabulary.word('record_type_plural', rt.key, 'zh')}不能从电子表格导入。",
        )
    return rt


def importable_fields(type_key: str) -> list[FieldDef]:
    """Fields a spreadsheet column may fill: the importable editable fields of the record
    type plus its reference, status and UUID (set once, on creation)."""
    rt = record_type(type_key)
    return [
        f
        for f in rt.fields
        if f.importable and f.kind != LINKS and (f.editable or f.name in CREATE_ONLY)
    ]


def _norm(text: object) -> str:
    s = unicodedata.normalize("NFKC", str(text or "")).casefold()
    return re.sub(r"[\s_\-*:：]+", "", s)


def header_keys(f: FieldDef) -> list[str]:
    keys = [f.name, f.label_en, f.label_zh]
    if f.kind == LINK and f.name.endswith("_id"):
        keys.append(f.name[:-3])
    return [_norm(k) for k in keys]


def guess_mapping(type_key: str, headers: Sequence[str]) -> list[str | None]:
    """For each header, the field it fills (or None): by field name, English or Chinese
    label, ignoring case, spaces, underscores and full-width forms. A field is given to the
    first column that names it."""
    fields = importable_fields(type_key)
    index: dict[str, str] = {}
    for f in fields:
        for k in header_keys(f):
            index.setdefault(k, f.name)
    for label in (RELEASABLE_COLUMN, *RELEASABLE_LABELS):
        index.setdefault(_norm(label), RELEASABLE_COLUMN)
    taken: set[str] = set()
    out: list[str | None] = []
    for h in headers:
        name = index.get(_norm(h))
        if name is not None and name not in taken:
            taken.add(name)
            out.append(name)
        else:
            out.append(None)
    return out


def column_letter(index: int) -> str:
    n, out = index + 1, ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def field_label(type_key: str, name: str, lang: str = "en") -> str:
    if name == RELEASABLE_COLUMN:
        return RELEASABLE_LABELS[1] if lang.startswith("zh") else RELEASABLE_LABELS[0]
    return record_type(type_key).field(name).label(lang)


# --- the report -----------------------------------------------------------------------------


@dataclass
class Problem:
    """Why one row (or the header, row 1) cannot be imported."""

    row: int
    column: str  # spreadsheet column letter, "" when it concerns the whole row
    header: str  # the column's header text in the file
    field: str
    message_en: str
    message_zh: str

    def message(self, lang: str = "en") -> str:
        return self.message_zh if lang.startswith("zh") else self.message_en

    def where(self, lang: str = "en") -> str:
        zh = lang.startswith("zh")
        if not self.column:
            return f"第 {self.row} 行" if zh else f"row {self.row}"
        if zh:
            head = f"（{self.header}）" if self.header else ""
            return f"第 {self.row} 行，{self.column} 列{head}"
        head = f" ({self.header})" if self.header else ""
        return f"row {self.row}, column {self.column}{head}"

    def __str__(self) -> str:
        return f"{self.where()}: {self.message_en}"


@dataclass
class ImportReport:
    type_key: str
    file: str
    rows: int = 0  # data rows considered (blank rows and excluded rows not counted)
    valid: int = 0
    excluded: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    imported: int = 0
    dry_run: bool = True
    references: list[str] = field(default_factory=list)  # of the imported records

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems if p.row > 1})

    def summary(self, lang: str = "en") -> str:
        what_en = vocabulary.word("record_type_plural", self.type_key).lower()
        what_zh = vocabulary.word("record_type_plural", self.type_key, "zh")
        bad = len(self.problem_rows())
        if lang.startswith("zh"):
            if self.imported:
                return f"已从 {self.file} 导入 {self.imported:,} 条{what_zh}。"
            if self.problems:
                return (
                    f"{self.file}：{self.rows:,} 行中有 {bad:,} 行存在 {len(self.problems):,} 个问题；"
                    "未导入任何记录。"
                )
            return f"{self.file}：{self.rows:,} 行均可导入（试运行，未写入）。"
        if self.imported:
            return f"Imported {self.imported:,} {what_en} from {self.file}."
        if self.problems:
            return (
                f"{self.file}: {len(self.problems):,} problem(s) in {bad:,} of {self.rows:,} "
                "row(s); nothing was imported."
            )
        return f"{self.file}: all {self.rows:,} row(s) can be imported (dry run, nothing written)."


# --- turning cells into values ------------------------------------------------------------------

_FORMULA_FUNCTION = re.compile(r"^[+\-@＋－＠]\s*[A-Za-z_][\w.]*\s*\(")
_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_FORMULA_FIRST = frozenset("=+-@＝＋－＠")
_CN_DATE = re.compile(r"^(\d{4})\s*[/.年-]\s*(\d{1,2})\s*[/.月-]\s*(\d{1,2})\s*日?$")
_YES = {_norm(w) for w in ("yes", "y", "true", "1", "是", "可", "releasable", "可向对方提供")}
_NO = {_norm(w) for w in ("no", "n", "false", "0", "否", "us_only", "US only", "仅限美方")}
_REFERENCE = re.compile(r"^([A-Z]+)-(\d{4})-(\d{4,})$")


def looks_like_formula(text: str) -> bool:
    """A cell a spreadsheet would run: '=...', or +/-/@ starting a function call or a DDE
    link ('@SUM(', '+cmd|...!A1'). '+86 10 1234 5678' and '-- note' are plain text."""
    if not text or (text[0] not in _FORMULA_FIRST and not text[0].isspace()):
        return False
    s = text.lstrip()
    if s.startswith(("=", "＝")):
        return True
    if s.startswith(("+", "-", "@", "＋", "－", "＠")):
        return bool(_FORMULA_FUNCTION.match(s)) or ("|" in s and "!" in s)
    return False


def unprotect(text: str) -> str:
    """Undo the apostrophe our CSV export puts before a formula-like cell."""
    if text[:1] == "'" and text[1:].startswith(_DANGEROUS_START):
        return text[1:]
    return text


def _cell_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@dataclass
class _Column:
    index: int
    letter: str
    header: str
    field: FieldDef | None  # None for the releasable yes/no column


class _Problems(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems


class _Resolver:
    """Linked records by label, loaded once per target type: agencies by abbreviation,
    reference or name (in either language); other records by reference."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._maps: dict[str, tuple[dict[str, int], dict[str, int]]] = {}
        # Strong references keep resolved records in the session's identity map, so the
        # services' own link check (session.get) finds them without a query per row.
        self._pinned: dict[tuple[str, int], Any] = {}
        self.used: dict[tuple[str, str], int | None] = {}  # (target, label) -> what it named

    def _load(self, target: str) -> tuple[dict[str, int], dict[str, int]]:
        if target in self._maps:
            return self._maps[target]
        model = record_type(target).model
        exact: dict[str, int] = {}
        loose: dict[str, int] = {}
        if target == "agency":
            q = select(
                model.id,
                models.Agency.abbreviation,
                model.reference,
                model.title_en,
                model.title_zh,
            )
        else:
            q = select(model.id, model.reference)
        for row in self.session.execute(q):
            rid, *labels = row
            for label in labels:
                if label:
                    exact.setdefault(str(label), rid)
                    loose.setdefault(_norm(label), rid)
        self._maps[target] = (exact, loose)
        return exact, loose

    def lookup(self, target: str, label: str) -> int | None:
        """The id ``label`` names now, without loading the record."""
        exact, loose = self._load(target)
        return exact.get(label.strip()) or loose.get(_norm(label))

    def resolve(self, target: str, label: str) -> int | None:
        found = self.used[(target, label)] = self.lookup(target, label)
        if found is not None and (target, found) not in self._pinned:
            self._pinned[(target, found)] = self.session.get(record_type(target).model, found)
        return found


class _Vocab:
    """Stored keys by key or word, in English or Chinese, per vocabulary."""

    def __init__(self) -> None:
        self._maps: dict[str, dict[str, str]] = {}

    def key(self, name: str, text: str) -> str | None:
        m = self._maps.get(name)
        if m is None:
            m = {}
            for key, en, zh in vocabulary.VOCABULARIES.get(name, ()):
                for label in (key, en, zh):
                    m.setdefault(_norm(label), key)
            self._maps[name] = m
        found = m.get(text)  # the same cell text again and again: remembered as is
        if found is None:
            found = m[text] = m.get(_norm(text), "")
        return found or None


def _problem(row: int, col: _Column | None, field_name: str, en: str, zh: str) -> Problem:
    if col is None:
        return Problem(row, "", "", field_name, en, zh)
    return Problem(row, col.letter, col.header, field_name, en, zh)


# --- the importer ----------------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    """What checking one row on its own found: everything but the duplicate checks, which
    look across rows and at the database."""

    cells: tuple[Any, ...]  # the raw cells checked ...
    kinds: tuple[type, ...]  # ... and their types (1 == 1.0 == True, but not as cells)
    values: dict[str, Any] | None  # for the duplicate checks: ``clean``, else the cells as
    # values (None for a blank row); one dict, not two, for a valid row: memory
    clean: dict[str, Any] | None  # what Services.validate made of them; None if it refused
    problems: tuple[Problem, ...]

    def matches(self, raw: Sequence[Any]) -> bool:
        cells = tuple(raw)
        return cells == self.cells and tuple(map(type, cells)) == self.kinds


@dataclass
class _Memo:
    """The rows of a sheet as one check found them, by index, to reuse in the next check
    of the same sheet (the import after its dry run re-checks inside its transaction).

    A row's result depends on its cells, the mapping and headers (``key``), and, for link
    columns, on which record each label names in the database. So a row is reused only when
    its cells are unchanged (compared with their types), and the whole memo only when every
    label it resolved still names the same record (``links``, looked up again inside the
    new check's transaction); otherwise the rows are checked afresh. Duplicates, within the
    file and against the database, are always checked again, set-based.
    """

    key: tuple[Any, ...]
    links: dict[tuple[str, str], int | None] = field(default_factory=dict)
    rows: dict[int, _Row] = field(default_factory=dict)


@dataclass
class _Checked:
    rows: list[tuple[int, dict[str, Any]]]  # (row number, cleaned values)
    problems: list[Problem]
    considered: int
    excluded: list[int]


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

    def columns(self) -> list[_Column]:
        out = []
        for i, name in enumerate(self.mapping[: len(self.sheet.headers)]):
            if not name:
                continue
            f = None if name == RELEASABLE_COLUMN else self.rt.field(name)
            out.append(_Column(i, column_letter(i), self.sheet.headers[i], f))
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
                        1,
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
                        1,
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
                        1,
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
                    "" if value is None else unprotect(_cell_text(value))
                )
            out.append(row)
        return out

    # -- checking --

    def _row_values(
        self,
        row_no: int,
        raw: Sequence[Any],
        cols: list[_Column],
        resolver: _Resolver,
        vocab: _Vocab,
        problems: list[Problem],
    ) -> dict[str, Any] | None:
        """Cells of one row turned into values for ``Services.validate``; None if blank.
        Problems found here name their field first, as the services' messages do."""
        start = len(problems)
        values = self._cells(row_no, raw, cols, resolver, vocab, problems)
        for p in problems[start:]:
            en = field_label(self.rt.key, p.field)
            zh = field_label(self.rt.key, p.field, "zh")
            p.message_en, p.message_zh = f"{en}: {p.message_en}", f"{zh}：{p.message_zh}"
        return values

    def _cells(
        self,
        row_no: int,
        raw: Sequence[Any],
        cols: list[_Column],
        resolver: _Resolver,
        vocab: _Vocab,
        problems: list[Problem],
    ) -> dict[str, Any] | None:
        values: dict[str, Any] = {}
        releasable_flag: str | None = None
        blank = True
        for col in cols:
            value = raw[col.index] if col.index < len(raw) else None
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            blank = False
            f = col.field
            name = f.name if f is not None else RELEASABLE_COLUMN
            if isinstance(value, Formula) or (
                isinstance(value, str) and self._is_csv and looks_like_formula(value)
            ):
                problems.append(
                    _problem(
                        row_no,
                        col,
                        name,
                        f"'{str(value)[:40]}' is a spreadsheet formula, not a value; "
                        "type the value itself (start it with an apostrophe to keep it as text).",
                        f"“{str(value)[:40]}”是电子表格公式而非数值；请直接填写数值"
                        "（如需保留为文本，请以撇号开头）。",
                    )
                )
                continue
            if isinstance(value, str):
                value = unprotect(value)
            if f is None:
                key = _norm(value)
                if key in _YES:
                    releasable_flag = "releasable"
                elif key in _NO:
                    releasable_flag = "us_only"
                else:
                    problems.append(
                        _problem(
                            row_no,
                            col,
                            name,
                            f"'{str(value)[:40]}' is not yes or no.",
                            f"“{str(value)[:40]}”不是“是”或“否”。",
                        )
                    )
                continue
            if f.kind == LINK:
                label = _cell_text(value).strip()
                target = f.target or ""
                found = resolver.resolve(target, label)
                if found is None:
                    what_en = vocabulary.word("record_type", target).lower()
                    what_zh = vocabulary.word("record_type", target, "zh")
                    how_en = (
                        "give its abbreviation, reference or name"
                        if target == "agency"
                        else "give its reference"
                    )
                    how_zh = "请填写其简称、编号或名称" if target == "agency" else "请填写其编号"
                    problems.append(
                        _problem(
                            row_no,
                            col,
                            name,
                            f"no {what_en} '{label[:40]}' exists ({how_en}).",
                            f"不存在{what_zh}“{label[:40]}”（{how_zh}）。",
                        )
                    )
                    values[name] = None
                    continue
                values[name] = found
            elif f.vocabulary and (f.kind == CHOICE or f.kind == READONLY):
                text = _cell_text(value).strip()
                values[name] = vocab.key(f.vocabulary, text) or text
            elif f.kind == DATE:
                if isinstance(value, (date, datetime)):
                    values[name] = value
                else:
                    text = _cell_text(value).strip()
                    m = _CN_DATE.match(text)
                    if m:
                        y, mo, d = (int(x) for x in m.groups())
                        try:
                            values[name] = date(y, mo, d)
                            continue
                        except ValueError:
                            pass
                    values[name] = text
            elif f.kind == DATETIME:
                values[name] = value if isinstance(value, datetime) else _cell_text(value)
            elif f.name == "uuid":
                text = _cell_text(value).strip()
                try:
                    values[name] = str(uuidlib.UUID(text))
                except ValueError:
                    problems.append(
                        _problem(
                            row_no,
                            col,
                            name,
                            f"'{text[:40]}' is not a UUID.",
                            f"“{text[:40]}”不是有效的 UUID。",
                        )
                    )
            elif f.name == "reference":
                text = _cell_text(value).strip().upper()
                m = _REFERENCE.match(text)
                if not m or m.group(1) != self.rt.prefix or len(text) > MAX_REFERENCE:
                    problems.append(
                        _problem(
                            row_no,
                            col,
                            name,
                            f"'{text[:40]}' is not a reference like {self.rt.prefix}-2026-0042; "
                            "leave it empty to number the record automatically.",
                            f"“{text[:40]}”不是形如 {self.rt.prefix}-2026-0042 的编号；"
                            "留空则自动编号。",
                        )
                    )
                    continue
                values[name] = text
            else:
                values[name] = _cell_text(value)
        if blank:
            return None
        if releasable_flag is not None and values.get("releasability") in (None, ""):
            values["releasability"] = releasable_flag
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
        resolver, vocab = _Resolver(session), _Vocab()
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
        problems.extend(self._dup_in_db(session, clean_rows, by_field))
        if progress is not None:
            progress(total, total)
        bad = {p.row for p in problems}
        clean_rows = [(n, v) for n, v in clean_rows if n not in bad]
        return _Checked(clean_rows, problems, considered, excluded)

    def _memo(self, resolver: _Resolver) -> _Memo:
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
            memo = sheet._memo = _Memo(key)
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
        cols: list[_Column],
        by_field: Mapping[str, _Column],
        missing_required: set[str],
        resolver: _Resolver,
        vocab: _Vocab,
    ) -> _Row:
        """One row on its own: its cells as values, then the services' field rules."""
        cells = tuple(raw)
        row_problems: list[Problem] = []
        values = self._row_values(row_no, raw, cols, resolver, vocab, row_problems)
        clean = None
        if values is not None:
            try:
                clean = self.services.validate(self.rt.key, values, session=session, unique=False)
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
        return _Row(cells, kinds, values if clean is None else clean, clean, tuple(row_problems))

    @property
    def _allowed(self) -> set[str]:
        return {f.name for f in importable_fields(self.rt.key)}

    def _field_problem(
        self, row_no: int, by_field: Mapping[str, _Column], e: ValidationError
    ) -> Problem:
        col = by_field.get(e.field)
        if col is None and e.field == "releasability":
            col = by_field.get(RELEASABLE_COLUMN)
        return _problem(row_no, col, e.field, e.message_en, e.message_zh)

    def _dup_in_file(
        self,
        row_no: int,
        clean: Mapping[str, Any],
        seen: dict[str, dict[str, int]],
        by_field: Mapping[str, _Column],
        out: list[Problem],
    ) -> None:
        for name in ("reference", "uuid", "counterpart_ref"):
            if name == "counterpart_ref" and self.rt.key != "referral":
                continue
            value = clean.get(name)
            if not value:
                continue
            key = str(value).casefold() if name == "counterpart_ref" else str(value)
            first = seen[name].get(key)
            if first is not None:
                f = self.rt.field(name)
                out.append(
                    _problem(
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
        by_field: Mapping[str, _Column],
    ) -> list[Problem]:
        out: list[Problem] = []
        model = self.rt.model
        for name in ("reference", "uuid", "counterpart_ref"):
            if name == "counterpart_ref" and self.rt.key != "referral":
                continue
            loose = name == "counterpart_ref"  # the counterpart's numbers, any case
            wanted = {
                (str(v[name]).casefold() if loose else str(v[name])): n
                for n, v in rows
                if v.get(name)
            }
            shown = {
                (str(v[name]).casefold() if loose else str(v[name])): str(v[name])
                for _n, v in rows
                if v.get(name)
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
                out.append(_problem(row_no, by_field.get(name), name, en, zh))
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
        require(self.actor, "import", self.rt.key)
        require(self.actor, "create", self.rt.key)
        session = self.db.sessions()
        try:
            with session.begin():
                checked = self._check(session, exclude, _scaled(progress, 0, 2))
                report = self._report(checked, dry_run=False)
                if checked.problems:
                    return report
                refs = self._insert(session, checked.rows, _scaled(progress, 1, 2))
                report.imported = len(refs)
                report.references = refs
            self.sheet._memo = None  # imported: nothing left to check again
        finally:
            session.close()
        return report

    def _report(self, checked: _Checked, *, dry_run: bool) -> ImportReport:
        problems = sorted(checked.problems, key=lambda p: (p.row, len(p.column), p.column))
        return ImportReport(
            type_key=self.rt.key,
            file=self.sheet.name,
            rows=checked.considered,
            valid=len(checked.rows),
            excluded=checked.excluded,
            problems=problems,
            dry_run=dry_run,
        )

    # -- writing --

    def _references(self, session: Session, rows: list[tuple[int, dict[str, Any]]]) -> None:
        """Give every row without a reference the next numbers, after the given ones."""
        prefix = self.rt.prefix
        given_max: dict[int, int] = {}
        for _n, v in rows:
            m = _REFERENCE.match(v.get("reference") or "")
            if m:
                year, number = int(m.group(2)), int(m.group(3))
                given_max[year] = max(given_max.get(year, 0), number)
        for year, number in given_max.items():
            counter = session.get(ReferenceCounter, (prefix, year))
            if counter is None:
                session.add(ReferenceCounter(prefix=prefix, year=year, last=number))
            elif counter.last < number:
                counter.last = number
        session.flush()
        missing = [v for _n, v in rows if not v.get("reference")]
        if not missing:
            return
        year = self.today().year
        given = {v["reference"] for _n, v in rows if v.get("reference")}
        model = self.rt.model
        fresh: list[str] = []
        while len(fresh) < len(missing):
            need = len(missing) - len(fresh)
            first = reserve_block(session, prefix, year, need)
            candidates = [format_reference(prefix, year, first + k) for k in range(need)]
            taken = set(given)
            for start in range(0, len(candidates), 500):
                chunk = candidates[start : start + 500]
                taken.update(
                    session.execute(select(model.reference).where(model.reference.in_(chunk)))
                    .scalars()
                    .all()
                )
            fresh.extend(c for c in candidates if c not in taken)
        for v, ref in zip(missing, fresh, strict=False):
            v["reference"] = ref

    def _insert(
        self,
        session: Session,
        rows: list[tuple[int, dict[str, Any]]],
        progress: Progress | None,
    ) -> list[str]:
        rt = self.rt
        model = rt.model
        self._references(session, rows)
        now = utcnow()
        user = self.actor.username
        wf = rt.workflow
        records: list[dict[str, Any]] = []
        for _n, v in rows:
            rec: dict[str, Any] = {}
            for f in rt.fields:
                if f.kind == LINKS:
                    continue
                if f.name in v:
                    rec[f.name] = v[f.name]
                elif f.kind in (TEXT, LONGTEXT):
                    rec[f.name] = ""
                else:
                    rec[f.name] = None
            rec["uuid"] = v.get("uuid") or str(uuidlib.uuid4())
            rec["releasability"] = v.get("releasability") or "us_only"
            rec["caveat"] = v.get("caveat") or "SBU"
            if wf is not None:
                rec["status"] = v.get("status") or wf.initial
            rec.update(
                archived=False,
                created_at=now,
                updated_at=now,
                created_by=user,
                updated_by=user,
                version=1,
            )
            records.append(rec)
        total = len(records)
        ids: list[int] = []
        table = model.__table__
        pg = session.get_bind().dialect.name == "postgresql"
        if pg:
            # The ids come from the table's own sequence in one query, as audit events'
            # do, so the rows go in with a plain (pipelined) executemany. Reading them back
            # by UUID afterwards cost a scan per chunk: PostgreSQL's planner knows nothing
            # yet of the rows this transaction has just written.
            fresh = _pg_new_ids(session, table.name, total)
            for rec, rid in zip(records, fresh, strict=True):
                rec["id"] = rid
        for start in range(0, total, BATCH):
            chunk = records[start : start + BATCH]
            session.execute(insert(table), chunk)
            if pg:
                ids.extend(r["id"] for r in chunk)
            else:  # executemany, then the new ids by UUID: SQLite finds them by index
                uuids = [r["uuid"] for r in chunk]
                by_uuid: dict[str, int] = {}
                for sub in range(0, len(uuids), 500):
                    by_uuid.update(
                        session.execute(
                            select(model.uuid, model.id).where(
                                model.uuid.in_(uuids[sub : sub + 500])
                            )
                        ).all()
                    )
                ids.extend(by_uuid[u] for u in uuids)
            if progress is not None:
                progress(start + len(chunk), total * 2)
        source = self.sheet.name
        history: list[dict[str, Any]] = []
        search: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        for (_n, v), rec, rid in zip(rows, records, ids, strict=True):
            search.append({"record_type": rt.key, "record_id": rid, "body": body_for(rt.key, rec)})
            changes: dict[str, Any] = {
                k: [None, rec[k]] for k in v if k in rec and rec[k] not in (None, "")
            }
            changes["reference"] = [None, rec["reference"]]
            for name in ("releasability", "caveat", "uuid"):
                changes[name] = [None, rec[name]]
            if wf is not None:
                history.append(
                    {
                        "record_type": rt.key,
                        "record_id": rid,
                        "from_status": None,
                        "to_status": rec["status"],
                        "comment": f"imported from {source}",
                        "note_releasable": False,
                        "changed_by": user,
                        "changed_at": now,
                    }
                )
                changes["status"] = [None, rec["status"]]
            changes["source"] = [None, source]
            events.append(
                {
                    "actor": user,
                    "action": "import",
                    "record_type": rt.key,
                    "record_id": rid,
                    "reference": rec["reference"],
                    "changes": changes,
                }
            )
        with _bulk_search_index(session):
            for start in range(0, total, BATCH):
                if history:
                    session.execute(
                        insert(models.StatusChange.__table__), history[start : start + BATCH]
                    )
                session.execute(insert(models.SearchText.__table__), search[start : start + BATCH])
                if progress is not None:
                    progress(total + start + min(BATCH, total - start), total * 2)
        trail.append_many(session, events)
        return [r["reference"] for r in records]


def _pg_new_ids(session: Session, table: str, n: int) -> list[int]:
    """``n`` new ids from the serial sequence of ``table``'s id column (PostgreSQL), rising."""
    return sorted(
        int(i)
        for i in session.execute(
            text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
            {"t": table, "n": n},
        ).scalars()
    )


_FTS_INSERT_TRIGGER = "search_text_ai"


@contextmanager
def _bulk_search_index(session: Session) -> Iterator[None]:
    """Index many new search_text rows at once on SQLite.

    The migrations keep the FTS5 index in step with an AFTER INSERT trigger, which costs a
    separate index update per row: most of a large import's time. Inside the import's own
    transaction (which holds the database's write lock) the trigger is set aside, the new
    rows are indexed with one INSERT ... SELECT, and the trigger is put back exactly as
    the schema defines it; a failure rolls all of it back together. Anywhere else (no such
    trigger, PostgreSQL) this does nothing special.
    """
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    trigger_sql = session.execute(
        text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :n"),
        {"n": _FTS_INSERT_TRIGGER},
    ).scalar()
    if not trigger_sql or "search_fts" not in trigger_sql:
        yield
        return
    last = session.execute(select(func.max(models.SearchText.id))).scalar() or 0
    session.execute(text(f"DROP TRIGGER {_FTS_INSERT_TRIGGER}"))
    yield
    session.execute(
        text(
            "INSERT INTO search_fts(rowid, body) SELECT id, body FROM search_text WHERE id > :last"
        ),
        {"last": last},
    )
    session.execute(text(trigger_sql))


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


# --- templates ---------------------------------------------------------------------------------


def template_columns(type_key: str) -> list[FieldDef]:
    rt = import_type(type_key)
    fields = importable_fields(rt.key)
    # reference first, uuid last: the usual reading order of a sheet
    return sorted(fields, key=lambda f: (f.name == "uuid", f.name != "reference"))


def template_headers(type_key: str, headers: str = "name") -> list[str]:
    if headers not in HEADER_STYLES:
        raise ValueError(f"headers must be one of {', '.join(HEADER_STYLES)}")
    out = []
    for f in template_columns(type_key):
        out.append(f.name if headers == "name" else f.label(headers))
    return out


def _describe(f: FieldDef, lang: str) -> str:
    zh = lang == "zh"
    if f.vocabulary:
        keys = vocabulary.keys(f.vocabulary)
        if zh:
            return "取值：" + "；".join(
                f"{k}（{vocabulary.word(f.vocabulary, k, 'zh')}）" for k in keys
            )
        return "One of: " + "; ".join(f"{k} ({vocabulary.word(f.vocabulary, k)})" for k in keys)
    if f.kind == DATE:
        return "日期，YYYY-MM-DD" if zh else "Date, YYYY-MM-DD"
    if f.kind == DATETIME:
        return (
            "日期时间（UTC），YYYY-MM-DD HH:MM" if zh else "Date and time (UTC), YYYY-MM-DD HH:MM"
        )
    if f.kind == LINK:
        if f.target == "agency":
            return "机构简称、编号或名称" if zh else "Agency abbreviation, reference or name"
        what = vocabulary.word("record_type", f.target or "", lang)
        return f"{what}编号" if zh else f"Reference of the {what.lower()}"
    if f.name == "reference":
        return "留空则自动编号" if zh else "Leave empty to number automatically"
    if f.name == "uuid":
        return "留空则自动生成" if zh else "Leave empty to generate one"
    if f.kind == LONGTEXT:
        return "多行文本" if zh else "Text, several lines allowed"
    return f"文本，最多 {f.max_length} 个字符" if zh else f"Text, at most {f.max_length} characters"


def write_template(
    type_key: str, path: str | Path, *, headers: str = "name", fmt: str | None = None
) -> Path:
    """An empty file with the header row to fill in (CSV, or XLSX with a help sheet)."""
    rt = import_type(type_key)
    target = Path(path)
    fmt = (fmt or target.suffix.lstrip(".") or "csv").lower()
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    head = template_headers(rt.key, headers)
    if fmt == "csv":
        with target.open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerow(head)
        return target
    from openpyxl import Workbook
    from openpyxl.styles import Font

    lang = "zh" if headers == "zh" else "en"
    wb = Workbook()
    ws = wb.active
    ws.title = vocabulary.word("record_type_plural", rt.key, lang)[:31]
    ws.append(head)
    bold = Font(bold=True)
    for i, f in enumerate(template_columns(rt.key), start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = bold
        if f.required:
            cell.font = Font(bold=True, color="C00000")
        ws.column_dimensions[column_letter(i - 1)].width = max(14, min(40, len(head[i - 1]) + 4))
    ws.freeze_panes = "A2"
    help_ws = wb.create_sheet("说明" if lang == "zh" else "Help")
    help_ws.append(
        ["列", "英文名称", "中文名称", "必填", "格式"]
        if lang == "zh"
        else ["Column", "English label", "Chinese label", "Required", "Format"]
    )
    for f in template_columns(rt.key):
        required = ("是" if lang == "zh" else "yes") if f.required else ""
        help_ws.append([f.name, f.label_en, f.label_zh, required, _describe(f, lang)])
    for col, width in zip("ABCDE", (22, 30, 22, 8, 90), strict=True):
        help_ws.column_dimensions[col].width = width
    wb.save(str(target))
    return target
