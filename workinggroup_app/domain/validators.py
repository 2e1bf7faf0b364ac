"""Field validators: pure functions that return a cleaned value or raise ValidationError."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from workinggroup_app.domain.errors import ValidationError

# GB 32100-2015: 18 characters from this 31-character alphabet (no I, O, Z, S, V).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CONTROL = re.compile(
    # C0 and C1 controls (\x9b opens a terminal escape), invisible and bidi controls, and
    # lone surrogates (they cannot be stored as UTF-8 and only come from broken input)
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e"
    r"\u2066-\u2069\ufeff\ud800-\udfff]"
)
_CAS = re.compile(r"^([0-9]{2,7})-([0-9]{2})-([0-9])$")


def clean_text(value: object, *, multiline: bool) -> str:
    """Strip control characters (keeping newlines and tabs in multi-line text) and outer space."""
    text = "" if value is None else str(value)
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    return text.strip()


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(field: str, value: str) -> str:
    # NFKC: full-width characters typed with a Chinese input method become ASCII
    code = unicodedata.normalize("NFKC", value).strip().upper().replace(" ", "")
    if len(code) != 18:
        raise ValidationError(
            field,
            f"A Unified Social Credit Code has 18 characters; this one has {len(code)}.",
            f"统一社会信用代码应为 18 位；此代码为 {len(code)} 位。",
        )
    bad = [c for c in code if c not in USCC_ALPHABET]
    if bad:
        raise ValidationError(
            field,
            f"'{bad[0]}' cannot appear in a Unified Social Credit Code (I, O, Z, S, V are not used).",
            f"统一社会信用代码中不能出现“{bad[0]}”（不使用 I、O、Z、S、V）。",
        )
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            field,
            f"The check character of this credit code should be {expected}, not {code[17]}.",
            f"该信用代码的校验码应为 {expected}，而不是 {code[17]}。",
        )
    return code


def cas_check_digit(body: str) -> int:
    digits = body.replace("-", "")
    return sum(int(d) * i for i, d in enumerate(reversed(digits), start=1)) % 10


def validate_cas(field: str, value: str) -> str:
    cas = unicodedata.normalize("NFKC", value).strip()
    m = _CAS.match(cas)
    if not m:
        raise ValidationError(
            field,
            "A CAS registry number looks like 79099-07-3 (digits, hyphen, two digits, hyphen, one).",
            "CAS 登记号的格式应类似 79099-07-3。",
        )
    if cas_check_digit(m.group(1) + m.group(2)) != int(m.group(3)):
        raise ValidationError(
            field,
            f"The check digit of CAS number {cas} is wrong.",
            f"CAS 登记号 {cas} 的校验位不正确。",
        )
    return cas


# Dates as people write them. Year first: 2025-03-04, 2025/3/4, 2025.3.4, 2025年3月4日 (also
# with full-width digits, read through NFKC). Day and month first (03/04/2025) are read only
# when one reading alone is a date; when both are, the date is refused naming both.
_YMD = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?", re.ASCII)
_DMY = re.compile(r"(\d{1,2})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{4})", re.ASCII)
_TIME = re.compile(r"(.*?)(?:\s*[T\s]\s*|(?<=[日号]))(\d{1,2}):(\d{2})(?::(\d{2}))?", re.ASCII)
_LONGEST_DATE = 40  # characters: anything longer is not a date (and no regex runs on it)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class _Ambiguous(Exception):
    """Day-first and month-first readings of the text are both dates (different ones)."""

    def __init__(self, day_first: date, month_first: date) -> None:
        self.readings = (day_first, month_first)


def _normalise_date_text(text: str) -> str:
    """Full-width digits and punctuation as ASCII (NFKC), no control characters, trimmed."""
    return _CONTROL.sub("", unicodedata.normalize("NFKC", text)).strip()


def _date_of(text: str) -> date | None:
    """The date ``text`` names in one of the forms above, None if it names none; raises
    ``_Ambiguous`` for a day/month date that reads both ways."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    m = _YMD.fullmatch(text)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    m = _DMY.fullmatch(text)
    if m:
        a, b, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
        readings = []
        for day, month in ((a, b), (b, a)):
            try:
                readings.append(date(year, month, day))
            except ValueError:
                readings.append(None)
        day_first, month_first = readings
        if day_first and month_first and day_first != month_first:
            raise _Ambiguous(day_first, month_first)
        return day_first or month_first
    return None


def _ambiguous(field: str, text: str, e: _Ambiguous, time: str = "") -> ValidationError:
    one, two = e.readings
    fmt = "YYYY-MM-DD HH:MM" if time else "YYYY-MM-DD"
    return ValidationError(
        field,
        f"'{text}' is ambiguous: {one.day} {MONTHS_EN[one.month - 1]} {one.year} or "
        f"{two.day} {MONTHS_EN[two.month - 1]} {two.year}? "
        f"Write it as {one.isoformat()}{time} or {two.isoformat()}{time} ({fmt}).",
        f"“{text}”有歧义：是 {one.year}年{one.month}月{one.day}日，还是 "
        f"{two.year}年{two.month}月{two.day}日？请写成 {one.isoformat()}{time} 或 "
        f"{two.isoformat()}{time}（{fmt} 格式）。",
    )


def _check_year(field: str, year: int) -> None:
    if not 1990 <= year <= 2100:
        raise ValidationError(
            field, "The year must be between 1990 and 2100.", "年份须在 1990 至 2100 之间。"
        )


def _datetime_of(field: str, text: str, *, for_date: bool = False) -> datetime | None:
    """``text`` as a date in one of parse_date's forms, with an optional time (H:MM or
    H:MM:SS after a space or T); None if it is not one. Raises the ambiguity error (its
    advice without the time ``for_date``)."""
    text = _normalise_date_text(text)
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    m = _TIME.fullmatch(text)
    day_text, clock = (m.group(1), m.groups()[1:]) if m else (text, ("0", "0", None))
    try:
        day = _date_of(day_text)
    except _Ambiguous as e:
        shown = f" {int(clock[0]):02d}:{clock[1]}" if m and not for_date else ""
        raise _ambiguous(field, text, e, shown) from None
    if day is None:
        return None
    try:
        return datetime(
            day.year, day.month, day.day, int(clock[0]), int(clock[1]), int(clock[2] or 0)
        )
    except ValueError:
        return None  # 25:00


def parse_date(field: str, value: object) -> date | None:
    """A date from a date, a datetime (its date) or text: ISO (2025-03-04), 2025/3/4,
    2025年3月4日, full-width digits, or a day/month date that reads only one way
    (25/03/2025), with or without a time after it (its date is taken); 03/04/2025 is
    refused as ambiguous, naming both readings."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        found = _datetime_of(field, text, for_date=True) if len(text) <= _LONGEST_DATE else None
        if found is None:
            raise ValidationError(
                field,
                f"'{text[:40]}' is not a date; use YYYY-MM-DD.",
                f"“{text[:40]}”不是有效日期；请使用 YYYY-MM-DD 格式。",
            ) from None
        parsed = found.date()
    _check_year(field, parsed.year)
    return parsed


def parse_datetime(field: str, value: object) -> datetime | None:
    """Parse an instant; naive values are taken as UTC. Returns an aware UTC datetime.
    Text may be ISO or any of parse_date's forms with an optional time (2025/3/4 9:30)."""
    from datetime import UTC

    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    else:
        text = str(value).strip().replace("Z", "+00:00")
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            found = _datetime_of(field, text) if len(text) <= _LONGEST_DATE else None
            if found is None:
                raise ValidationError(
                    field,
                    f"'{text[:40]}' is not a date and time; use YYYY-MM-DD HH:MM.",
                    f"“{text[:40]}”不是有效的日期时间；请使用 YYYY-MM-DD HH:MM 格式。",
                ) from None
            dt = found
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    _check_year(field, dt.year)
    return dt.astimezone(UTC)


def has_han(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def account_name(value: object) -> str:
    """An account's user name as stored: cleaned, one line, lower case."""
    return clean_text(value, multiline=False).lower()
