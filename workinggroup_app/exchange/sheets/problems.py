"""What an import found wrong, row by row and column by column, and its report."""

from __future__ import annotations

from dataclasses import dataclass, field

from workinggroup_app.domain import vocabulary
from workinggroup_app.exchange.sheets.mapping import SheetColumn


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
    unchanged: list[int] = field(default_factory=list)  # rows already in the database as is
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
        text = self._outcome(lang)
        if self.unchanged:
            n = len(self.unchanged)
            text += (
                f" {n:,} 行已在数据库中且内容相同，已跳过。"
                if lang.startswith("zh")
                else f" {n:,} row(s) already in the database as they are were left out."
            )
        return text

    def _outcome(self, lang: str) -> str:
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


class _Problems(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems


def problem_at(row: int, col: SheetColumn | None, field_name: str, en: str, zh: str) -> Problem:
    if col is None:
        return Problem(row, "", "", field_name, en, zh)
    return Problem(row, col.letter, col.header, field_name, en, zh)
