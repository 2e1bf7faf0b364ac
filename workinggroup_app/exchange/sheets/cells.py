"""From cell to value: formulas refused, protective apostrophes removed, outer spaces (also
non-breaking and full-width ones) trimmed, linked records and vocabulary words resolved,
dates and references read.

Dates come as a spreadsheet has them: a date cell (the date it shows), an Excel serial number
in a date column (45720 is 2025-03-04, as Excel shows it; only 1990-2100 counts), or text in
any form ``validators.parse_date`` reads (2025/3/4, 2025年3月4日, full-width digits, a day and
month that read only one way; 03/04/2025 is refused as ambiguous, naming both readings).
"""

from __future__ import annotations

import re
import unicodedata
import uuid as uuidlib
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workinggroup_app.domain import vocabulary
from workinggroup_app.domain.fields import (
    ACCOUNT,
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
from workinggroup_app.exchange.sheets.read import Formula, Serial1904
from workinggroup_app.services.users import OwnerMatcher

MAX_REFERENCE = 32  # the reference column's width


_FORMULA_FUNCTION = re.compile(r"^[+\-@＋－＠]\s*[A-Za-z_][\w.]*\s*\(")
_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_FORMULA_FIRST = frozenset("=+-@＝＋－＠")
_CN_DATE = re.compile(r"^(\d{4})\s*[/.年-]\s*(\d{1,2})\s*[/.月-]\s*(\d{1,2})\s*日?$")
_SERIAL_TEXT = re.compile(r"\d{5}(?:\.\d+)?")  # 1990-2100 are serials 32874-73415
# Excel's day 0 (openpyxl's from_excel): 1899-12-30 in the 1900 date system, whose
# leap-year bug (a 29 February 1900) only shifts serials before 61, long before 1990;
# 1904-01-01 in the 1904 system of old Mac workbooks.
_EPOCH_1900 = datetime(1899, 12, 30)
_EPOCH_1904 = datetime(1904, 1, 1)
_FIRST_YEAR, _LAST_YEAR = 1990, 2100
_YES = {
    normalise_header(w) for w in ("yes", "y", "true", "1", "是", "可", "releasable", "可向对方提供")
}
_NO = {
    normalise_header(w) for w in ("no", "n", "false", "0", "否", "us_only", "US only", "仅限美方")
}
# Besides its reference, what a cell may name a linked record by (a name that two records
# share names neither: the cell must then give the reference).
LINK_LABELS: dict[str, tuple[str, ...]] = {
    "agency": ("abbreviation", "title_en", "title_zh"),
    "contact": ("email", "title_en", "title_zh"),
    "substance": ("cas_number", "title_en", "title_zh"),
    "entity": ("uscc", "title_en", "title_zh"),
}


PIN_ALL = 20_000  # linked records of a type held at once when there are no more than this
LATER = -1  # what ``LinkResolver.resolve`` gives for a record the sheet itself creates


def link_how(target: str) -> tuple[str, str]:
    """How a cell may name a record of ``target``, in English and Chinese."""
    key = target if vocabulary.is_known("link_how", target) else ""
    return vocabulary.pair("link_how", key)


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


def excel_serial(value: float, *, date1904: bool = False) -> datetime | None:
    """The date and time Excel shows for serial number ``value`` (read as openpyxl's
    ``from_excel`` reads it: whole days from the epoch, the fraction to the millisecond),
    or None when it is not a plausible date (outside 1990-2100)."""
    epoch = _EPOCH_1904 if date1904 else _EPOCH_1900
    first = (datetime(_FIRST_YEAR, 1, 1) - epoch).days
    if not first <= value < (datetime(_LAST_YEAR + 1, 1, 1) - epoch).days:
        return None  # also NaN and infinities
    day, fraction = divmod(value, 1)
    found = epoch + timedelta(days=day, milliseconds=round(fraction * 86_400_000))
    return found if found.year <= _LAST_YEAR else None


def _serial(value: Any) -> datetime | None:
    """A number cell, or a CSV/text cell holding a plausible serial like 45720, as the
    date and time Excel shows for it; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return excel_serial(value, date1904=isinstance(value, Serial1904))
    if isinstance(value, str) and _SERIAL_TEXT.fullmatch(value):
        return excel_serial(float(unicodedata.normalize("NFKC", value)))
    return None


def date_value(value: Any) -> Any:
    """A date cell's value for the services: a date where the cell is one (or a serial
    number of one), else its text for ``validators.parse_date`` to read or refuse."""
    if isinstance(value, datetime):
        return value.date()  # an XLSX date cell: the date it shows
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        m = _CN_DATE.match(value)
        if m:
            try:
                return date(*(int(x) for x in m.groups()))
            except ValueError:
                return value  # 2025-02-30: parse_date says why
    found = _serial(value)
    return found.date() if found is not None else cell_text(value)


def datetime_value(value: Any) -> Any:
    """A date-and-time cell's value for the services: as ``date_value``, with the time."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    found = _serial(value)
    return found if found is not None else cell_text(value)


def _ascii(text: str) -> str:
    """Full-width letters, digits and punctuation as ASCII (NFKC); ASCII text as it is."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


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
        # references of records the sheet itself creates, per record type (a referral that
        # repeats another referral of the same sheet)
        self.later: dict[str, frozenset[str]] = {}
        self._accounts: OwnerMatcher | None = None

    def _load(self, target: str) -> tuple[dict[str, int], dict[str, int]]:
        if target in self._maps:
            return self._maps[target]
        model = record_type(target).model
        exact: dict[str, int] = {}
        loose: dict[str, int] = {}
        shared: set[str] = set()  # loose labels two records answer to
        names = ("reference", *LINK_LABELS.get(target, ()))
        for row in self.session.execute(select(model.id, *(getattr(model, n) for n in names))):
            rid, *labels = row
            for label in labels:
                if label:
                    key = normalise_header(label)
                    if loose.setdefault(key, rid) != rid:
                        shared.add(key)
                    exact.setdefault(str(label), rid)
        if shared:  # two people of one name: the cell must give the reference
            for key in shared:
                del loose[key]
            exact = {k: v for k, v in exact.items() if normalise_header(k) not in shared}
        self._maps[target] = (exact, loose)
        if len(loose) <= PIN_ALL:  # a few thousand cases or meetings: held in one query
            for obj in self.session.execute(select(model)).scalars():
                self._pinned[(target, obj.id)] = obj
        return exact, loose

    def lookup(self, target: str, label: str) -> int | None:
        """The id ``label`` names now, without loading the record."""
        exact, loose = self._load(target)
        return exact.get(label.strip()) or loose.get(normalise_header(label))

    def accounts(self) -> OwnerMatcher:
        """Active accounts by user name and display name, read once per import."""
        if self._accounts is None:
            self._accounts = OwnerMatcher(self.session)
        return self._accounts

    def resolve(self, target: str, label: str) -> int | None:
        found = self.used[(target, label)] = self.lookup(target, label)
        if found is None and label.strip().upper() in self.later.get(target, ()):
            return LATER  # a record of the sheet being imported: linked once it is written
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
        if value is None:
            continue
        formula = isinstance(value, Formula)
        if isinstance(value, str):
            value = value.strip()  # spaces, tabs, non-breaking and full-width spaces
            if not value:
                continue
        blank = False
        f = col.field
        name = f.name if f is not None else RELEASABLE_COLUMN
        if formula or (isinstance(value, str) and is_csv and looks_like_formula(value)):
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
        if f.kind == LINK or (f.kind == READONLY and f.target):  # duplicate_of_id too
            label = cell_text(value).strip()
            target = f.target or ""
            found = resolver.resolve(target, label)
            if found is None:
                what_en = vocabulary.word("record_type", target).lower()
                what_zh = vocabulary.word("record_type", target, "zh")
                how_en, how_zh = link_how(target)
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
        elif f.kind == ACCOUNT:  # the owner: an account by user name or display name
            label = cell_text(value).strip()
            found_users = resolver.accounts().candidates(label)
            if len(found_users) == 1:
                values[name] = found_users[0].id
                continue
            several = len(found_users) > 1
            problems.append(
                problem_at(
                    row_no,
                    col,
                    name,
                    (
                        f"'{label[:40]}' names {len(found_users)} accounts; give the user name."
                        if several
                        else f"no active account '{label[:40]}' (give a user name or full "
                        "name; an owner on the counterpart side goes in Counterpart owner)."
                    ),
                    (
                        f"“{label[:40]}”对应 {len(found_users)} 个账户；请填写用户名。"
                        if several
                        else f"不存在有效账户“{label[:40]}”（请填写用户名或姓名；"
                        "对方负责人请填入“对方负责人”列）。"
                    ),
                )
            )
        elif f.vocabulary and (f.kind == CHOICE or f.kind == READONLY):
            text = cell_text(value).strip()
            values[name] = vocab.key(f.vocabulary, text) or text
        elif f.kind == DATE:
            values[name] = date_value(value)
        elif f.kind == DATETIME:
            values[name] = datetime_value(value)
        elif f.name == "uuid":
            text = _ascii(cell_text(value).strip())
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
            text = _ascii(cell_text(value).strip()).upper()
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
