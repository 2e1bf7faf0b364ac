"""From cell to value: formulas refused, protective apostrophes removed, linked records and
vocabulary words resolved, dates and references read.
"""

from __future__ import annotations

import re
import uuid as uuidlib
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workinggroup_app.domain import models, vocabulary
from workinggroup_app.domain.fields import (
    CHOICE,
    DATE,
    DATETIME,
    LINK,
    READONLY,
    RecordType,
    record_type,
)
from workinggroup_app.exchange.sheets.mapping import (
    RELEASABLE_COLUMN,
    SheetColumn,
    normalise_header,
)
from workinggroup_app.exchange.sheets.problems import Problem, problem_at
from workinggroup_app.exchange.sheets.read import Formula

MAX_REFERENCE = 32  # the reference column's width


_FORMULA_FUNCTION = re.compile(r"^[+\-@＋－＠]\s*[A-Za-z_][\w.]*\s*\(")
_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_FORMULA_FIRST = frozenset("=+-@＝＋－＠")
_CN_DATE = re.compile(r"^(\d{4})\s*[/.年-]\s*(\d{1,2})\s*[/.月-]\s*(\d{1,2})\s*日?$")
_YES = {
    normalise_header(w) for w in ("yes", "y", "true", "1", "是", "可", "releasable", "可向对方提供")
}
_NO = {
    normalise_header(w) for w in ("no", "n", "false", "0", "否", "us_only", "US only", "仅限美方")
}
REFERENCE_PATTERN = re.compile(r"^([A-Z]+)-(\d{4})-(\d{4,})$")


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


def cell_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class LinkResolver:
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
                    loose.setdefault(normalise_header(label), rid)
        self._maps[target] = (exact, loose)
        return exact, loose

    def lookup(self, target: str, label: str) -> int | None:
        """The id ``label`` names now, without loading the record."""
        exact, loose = self._load(target)
        return exact.get(label.strip()) or loose.get(normalise_header(label))

    def resolve(self, target: str, label: str) -> int | None:
        found = self.used[(target, label)] = self.lookup(target, label)
        if found is not None and (target, found) not in self._pinned:
            self._pinned[(target, found)] = self.session.get(record_type(target).model, found)
        return found


class VocabularyLookup:
    """Stored keys by key or word, in English or Chinese, per vocabulary."""

    def __init__(self) -> None:
        self._maps: dict[str, dict[str, str]] = {}

    def key(self, name: str, text: str) -> str | None:
        m = self._maps.get(name)
        if m is None:
            m = {}
            for key, en, zh in vocabulary.VOCABULARIES.get(name, ()):
                for label in (key, en, zh):
                    m.setdefault(normalise_header(label), key)
            self._maps[name] = m
        found = m.get(text)  # the same cell text again and again: remembered as is
        if found is None:
            found = m[text] = m.get(normalise_header(text), "")
        return found or None


def row_cells(
    rt: RecordType,
    is_csv: bool,
    row_no: int,
    raw: Sequence[Any],
    cols: list[SheetColumn],
    resolver: LinkResolver,
    vocab: VocabularyLookup,
    problems: list[Problem],
) -> dict[str, Any] | None:
    """The cells of one row turned into values for the services; None for a blank row.
    Problems found on the way are added to ``problems``."""
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
            isinstance(value, str) and is_csv and looks_like_formula(value)
        ):
            problems.append(
                problem_at(
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
            key = normalise_header(value)
            if key in _YES:
                releasable_flag = "releasable"
            elif key in _NO:
                releasable_flag = "us_only"
            else:
                problems.append(
                    problem_at(
                        row_no,
                        col,
                        name,
                        f"'{str(value)[:40]}' is not yes or no.",
                        f"“{str(value)[:40]}”不是“是”或“否”。",
                    )
                )
            continue
        if f.kind == LINK:
            label = cell_text(value).strip()
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
                    problem_at(
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
            text = cell_text(value).strip()
            values[name] = vocab.key(f.vocabulary, text) or text
        elif f.kind == DATE:
            if isinstance(value, (date, datetime)):
                values[name] = value
            else:
                text = cell_text(value).strip()
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
            values[name] = value if isinstance(value, datetime) else cell_text(value)
        elif f.name == "uuid":
            text = cell_text(value).strip()
            try:
                values[name] = str(uuidlib.UUID(text))
            except ValueError:
                problems.append(
                    problem_at(
                        row_no,
                        col,
                        name,
                        f"'{text[:40]}' is not a UUID.",
                        f"“{text[:40]}”不是有效的 UUID。",
                    )
                )
        elif f.name == "reference":
            text = cell_text(value).strip().upper()
            m = REFERENCE_PATTERN.match(text)
            if not m or m.group(1) != rt.prefix or len(text) > MAX_REFERENCE:
                problems.append(
                    problem_at(
                        row_no,
                        col,
                        name,
                        f"'{text[:40]}' is not a reference like {rt.prefix}-2026-0042; "
                        "leave it empty to number the record automatically.",
                        f"“{text[:40]}”不是形如 {rt.prefix}-2026-0042 的编号；留空则自动编号。",
                    )
                )
                continue
            values[name] = text
        else:
            values[name] = cell_text(value)
    if blank:
        return None
    if releasable_flag is not None and values.get("releasability") in (None, ""):
        values["releasability"] = releasable_flag
    return values
