"""Reading a spreadsheet: CSV in UTF-8 or GB 18030 with any of , ; or tab, or the first
worksheet of an XLSX file, into a ``Sheet`` of headers and rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workinggroup_app.domain.errors import DomainError
from workinggroup_app.exchange.sheets.memo import Memo

FORMATS = ("csv", "xlsx")


class ImportFileError(DomainError):
    """The file cannot be read as a spreadsheet at all (nothing was imported)."""


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
    # (the import after its dry run); see ``Memo``.
    _memo: Memo | None = field(default=None, init=False, repr=False, compare=False)

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
