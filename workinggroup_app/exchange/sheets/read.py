"""Reading a spreadsheet: CSV in UTF-8 or GB 18030 with any of , ; or tab, or the worksheets
of an XLSX file, into ``Sheet``\\ s of headers and rows.

Sheets as offices keep them: the header row need not be the first. Title rows above it
("2025 referrals log", merged across the columns) and a header of two rows (a merged group
heading over its columns, the other headings merged down) are read by finding the header
among the first rows: the row naming the most known field headers, with each merged
heading given to the first column of its merge. Rows keep the numbers the user sees in
Excel (``Sheet.row_number``), empty rows included.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from workinggroup_app.domain.errors import DomainError
from workinggroup_app.exchange.sheets.mapping import (
    IMPORT_TYPES,
    RELEASABLE_COLUMN,
    RELEASABLE_LABELS,
    header_keys,
    importable_fields,
    normalise_header,
)
from workinggroup_app.exchange.sheets.memo import Memo

FORMATS = ("csv", "xlsx")
HEADER_SEARCH_ROWS = 10  # the header is looked for among this many rows at the top
# rows one sheet may bring in one import: a working group's whole history is tens of
# thousands; more is a file to split (a dry run of 100,000 rows takes about 40 s)
MAX_ROWS = 100_000

_NO_CELLS: tuple[Any, ...] = ()  # every empty row: one object, however many there are
# <mergeCells count="2"><mergeCell ref="A1:H1"/>..., with or without a namespace prefix
# (<x:mergeCells>). A cell's text cannot hold a "<", so "<mergeCells" is always the tag.
_PREFIXED_MERGE_CELLS = re.compile(rb"<[\w.-]+:mergeCells[\s>]")
_SCAN_CHUNK = 1 << 18
_MERGE_CELL = re.compile(
    rb'<(?:[\w.-]+:)?mergeCell\s+ref="\$?([A-Z]{1,3})\$?(\d+):\$?([A-Z]{1,3})\$?(\d+)"'
)


class ImportFileError(DomainError):
    """The file cannot be read as a spreadsheet at all (nothing was imported)."""


class Formula(str):
    """An XLSX cell holding a formula (its text, starting with '=')."""


class Serial1904(float):
    """A number in a workbook of the 1904 date system (old Mac Excel): as a date, its
    serial counts days from 1904-01-01."""


@dataclass
class Sheet:
    """A spreadsheet read into memory: a header row and data rows of raw cells."""

    path: str
    headers: list[str]
    rows: list[Sequence[Any]]
    first_row: int = 2  # spreadsheet row number of rows[0] (the header is row 1)
    name: str = ""  # the worksheet's title; a CSV file's stem (the default)
    header_row: int = 1  # spreadsheet row number of the row the headers were read from
    # What the last check of these rows found, row by row, for the next check to reuse
    # (the import after its dry run); see ``Memo``.
    _memo: Memo | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.name:
            self.name = Path(self.path).stem

    @property
    def file_name(self) -> str:
        return Path(self.path).name

    def row_number(self, index: int) -> int:
        return self.first_row + index


# --- the header row -------------------------------------------------------------------------


@functools.cache
def _known_headers() -> frozenset[str]:
    """Every header a column of any importable record type may have, normalised."""
    keys = {normalise_header(label) for label in (RELEASABLE_COLUMN, *RELEASABLE_LABELS)}
    for type_key in IMPORT_TYPES:
        for f in importable_fields(type_key):
            keys.update(header_keys(f))
    return frozenset(keys)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


@dataclass(frozen=True)
class _Merge:
    """A merged range, 0-based and inclusive."""

    top: int
    left: int
    bottom: int
    right: int


def _header_cells(top: Sequence[Sequence[Any]], r: int, merges: Iterable[_Merge]) -> list[str]:
    """Row ``r`` of ``top`` read as a header: a heading merged down from a row above
    fills its first column here; the other columns of a merge stay empty."""
    cells = [_text(v) for v in top[r]]
    for m in merges:
        if not m.top <= r <= m.bottom:
            continue
        if len(cells) <= m.right:
            cells += [""] * (m.right + 1 - len(cells))
        head = top[m.top]
        cells[m.left] = _text(head[m.left]) if m.left < len(head) else ""
        cells[m.left + 1 : m.right + 1] = [""] * (m.right - m.left)
    return cells


def _names_fields(cells: Sequence[str], known: frozenset[str]) -> bool:
    """Are at least half of a row's filled cells known field headers (a second header
    row, such as the Chinese labels under the English ones)?"""
    filled = [c for c in cells if c]
    return bool(filled) and 2 * sum(normalise_header(c) in known for c in filled) >= len(filled)


def _find_header(
    rows: list[Sequence[Any]], merges: Sequence[_Merge] = ()
) -> tuple[int, list[str], int]:
    """(index of the header row, its headings, index of the first data row) in ``rows``:
    among the first rows, the one naming the most known field headers (the first of
    equals); when none names any, the first row with anything in it."""
    if not rows:
        return 0, [], 1
    top = rows[:HEADER_SEARCH_ROWS]
    known = _known_headers()
    best, best_score = -1, 0
    for r in range(len(top)):
        cells = _header_cells(top, r, merges)
        score = len({k for k in map(normalise_header, cells) if k in known})
        if score > best_score:
            best, best_score = r, score
    if best < 0:
        best = next((r for r, row in enumerate(top) if any(map(_text, row))), 0)
    headers = _header_cells(top, best, merges)
    # a heading merged down below the header row (two-row headings) is part of the header,
    # and so are rows right under it that name fields too (the labels in the other language)
    end = max((m.bottom for m in merges if m.top <= best <= m.bottom), default=best) + 1
    while end < len(top) and _names_fields(_header_cells(top, end, merges), known):
        end += 1
    return best, headers, end


def _sheet(
    path: str | Path,
    rows: list[Sequence[Any]],
    merges: Sequence[_Merge] = (),
    name: str = "",
) -> Sheet:
    header, headers, start = _find_header(rows, merges)
    del rows[:start]
    while rows and not any(v is not None and v != "" for v in rows[-1]):
        rows.pop()  # trailing empty rows (a sheet formatted far below its data)
    if len(rows) > MAX_ROWS:
        where = f"“{name}”" if name else ""
        raise ImportFileError(
            f"The sheet {name or Path(path).name} has {len(rows):,} rows; one import takes at "
            f"most {MAX_ROWS:,} per sheet. Split it into several files and import them one "
            "after another (nothing was imported).",
            f"工作表{where or Path(path).name}有 {len(rows):,} 行；每次导入每个工作表最多 "
            f"{MAX_ROWS:,} 行。请拆分为多个文件后依次导入（未导入任何记录）。",
        )
    return Sheet(str(path), headers, rows, start + 1, name, header + 1)


# --- CSV ------------------------------------------------------------------------------------


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
        rows: list[Sequence[Any]] = list(reader)
    except csv.Error as exc:
        if reader.line_num <= 1:
            raise ImportFileError(
                f"The CSV file cannot be read: {exc}.", f"无法读取该 CSV 文件：{exc}。"
            ) from None
        raise ImportFileError(
            f"The CSV file is malformed after row {reader.line_num}: {exc}.",
            f"CSV 文件在第 {reader.line_num} 行之后格式错误：{exc}。",
        ) from None
    return _sheet(path, rows)


# --- XLSX -----------------------------------------------------------------------------------


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _merged_ranges(path: str | Path, member: str | None) -> list[_Merge]:
    """The merged ranges of the worksheet stored at ``member`` of the workbook, starting
    in its first rows. openpyxl's read-only mode leaves them out; they are written after
    the cells, so the worksheet's XML is streamed through once more (about 0.2 s for
    50,000 rows), a quarter of a megabyte at a time, and only the merge list is parsed."""
    if not member:
        return []
    found: list[_Merge] = []
    try:
        with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
            tail, rest = b"", None
            while chunk := stream.read(_SCAN_CHUNK):
                if rest is not None:  # the merge list and the few small parts after it
                    rest.append(chunk)
                    continue
                data = tail + chunk
                at = data.find(b"<mergeCells")
                if at < 0 and b":mergeCells" in data:
                    m = _PREFIXED_MERGE_CELLS.search(data)
                    at = m.start() if m else -1
                if at >= 0:
                    rest = [data[at:]]
                else:
                    tail = data[-80:]
    except (OSError, EOFError, KeyError, NotImplementedError, zipfile.BadZipFile, zlib.error):
        return []  # openpyxl read the cells; without their merges the header is still found
    if rest is None:
        return []
    for m in _MERGE_CELL.finditer(b"".join(rest)):
        top, bottom = int(m.group(2)) - 1, int(m.group(4)) - 1
        if top < HEADER_SEARCH_ROWS:
            found.append(_Merge(top, _column_index(m.group(1)), bottom, _column_index(m.group(3))))
    return found


def _worksheet(path: str | Path, wb: Any, ws: Any) -> Sheet:
    date1904 = wb.epoch.year == 1904
    ws.reset_dimensions()  # some writers store a wrong size; read every row there is
    rows: list[Sequence[Any]] = []
    for raw in ws.iter_rows():
        cells = [Formula(c.value) if c.data_type == "f" else c.value for c in raw]
        if date1904:
            cells = [
                Serial1904(v) if type(v) in (int, float) and 0 <= v < 2958466 else v for v in cells
            ]
        rows.append(cells if any(v is not None for v in cells) else _NO_CELLS)
    merges = _merged_ranges(path, getattr(ws, "_worksheet_path", None))
    sheet = _sheet(path, rows, merges, ws.title)
    width = max(map(len, sheet.rows), default=0)  # a column may be filled under no heading
    sheet.headers += [""] * (width - len(sheet.headers))
    return sheet


# --- XLSX, fast: values by calamine ---------------------------------------------------------
#
# openpyxl's reader parses every cell in Python (about 2,000 rows a second on this
# machine); python-calamine parses the same sheet in Rust some twenty times faster. It
# gives values only, so a worksheet that holds any formula (which the import must refuse
# as a formula, not take at its cached value) is read by openpyxl as before; so is any
# workbook whose parts this reader does not recognise.

_FORMULA_TAG = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _workbook_parts(archive: zipfile.ZipFile) -> tuple[list[tuple[str, str]], bool]:
    """[(worksheet title, its part in the archive)] in the workbook's order, and whether
    the workbook counts dates from 1904."""
    from xml.etree import ElementTree

    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels if _local(r.tag) == "Relationship"}
    date1904 = False
    sheets: list[tuple[str, str]] = []
    for el in book.iter():
        name = _local(el.tag)
        if name == "workbookPr":
            date1904 = el.get("date1904", "").lower() in ("1", "true")
        elif name == "sheet":
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), "")
            target = targets[rid]
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            sheets.append((el.get("name", ""), part.replace("xl/./", "xl/")))
    return sheets, date1904


def _has_formula(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether the worksheet's XML holds a formula cell, streamed a chunk at a time."""
    with archive.open(part) as stream:
        tail = b""
        while chunk := stream.read(_SCAN_CHUNK):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def _calamine_value(value: Any) -> Any:
    if value == "":
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)  # as openpyxl gives a date cell
    return value


def _fast_workbook(path: str | Path, first_only: bool = False) -> list[Sheet] | None:
    """Every worksheet read by calamine, or None when the workbook needs openpyxl (a
    formula, an unfamiliar layout, calamine not installed)."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            parts, date1904 = _workbook_parts(archive)
            if first_only:
                parts = parts[:1]
            if any(_has_formula(archive, part) for _title, part in parts):
                return None
        book = CalamineWorkbook.from_path(str(path))
        out = []
        for title, part in parts:
            rows: list[Sequence[Any]] = []
            for raw in book.get_sheet_by_name(title).to_python(skip_empty_area=False):
                cells = [_calamine_value(v) for v in raw]
                if date1904:
                    cells = [
                        Serial1904(v) if type(v) in (int, float) and 0 <= v < 2958466 else v
                        for v in cells
                    ]
                rows.append(cells if any(v is not None for v in cells) else _NO_CELLS)
            sheet = _sheet(path, rows, _merged_ranges(path, part), title)
            width = max(map(len, sheet.rows), default=0)
            sheet.headers += [""] * (width - len(sheet.headers))
            out.append(sheet)
        return out
    except ImportFileError:
        raise  # read, and refused (too many rows)
    except Exception:  # any surprise: openpyxl reads it, or says why it cannot
        return None


def _open_workbook(path: str | Path) -> Any:
    from openpyxl import load_workbook

    try:
        return load_workbook(str(path), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises several types for a file that is not XLSX
        raise ImportFileError(
            f"The file cannot be opened as an Excel workbook (.xlsx): {exc}.",
            f"无法以 Excel 工作簿（.xlsx）打开该文件：{exc}。",
        ) from None


def read_xlsx(path: str | Path) -> Sheet:
    """The first worksheet of an XLSX file."""
    fast = _fast_workbook(path, first_only=True)
    if fast:
        return fast[0]
    wb = _open_workbook(path)
    try:
        if not wb.worksheets:
            return Sheet(str(path), [], [])
        return _worksheet(path, wb, wb.worksheets[0])
    finally:
        wb.close()


# --- any file -------------------------------------------------------------------------------


def _kind(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if not Path(path).is_file():
        raise ImportFileError(f"No file {path}.", f"文件 {path} 不存在。")
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    raise ImportFileError(
        f"Cannot import a '{suffix}' file; use .csv or .xlsx.",
        f"无法导入“{suffix}”文件；请使用 .csv 或 .xlsx。",
    )


def read_sheet(path: str | Path) -> Sheet:
    """Read a CSV file or the first worksheet of an XLSX file (by its extension)."""
    return read_xlsx(path) if _kind(path) == "xlsx" else read_csv(path)


def read_workbook(path: str | Path) -> list[Sheet]:
    """Every worksheet of an XLSX file, in the workbook's order, each named by its title;
    a CSV file as one sheet named after the file's stem."""
    if _kind(path) == "csv":
        return [read_csv(path)]
    fast = _fast_workbook(path)
    if fast is not None:
        return fast
    wb = _open_workbook(path)
    try:
        return [_worksheet(path, wb, ws) for ws in wb.worksheets]
    finally:
        wb.close()
