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


def parse_date(field: str, value: object) -> date | None:
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
        raise ValidationError(
            field,
            f"'{text[:40]}' is not a date; use YYYY-MM-DD.",
            f"“{text[:40]}”不是有效日期；请使用 YYYY-MM-DD 格式。",
        ) from None
    if not 1990 <= parsed.year <= 2100:
        raise ValidationError(
            field, "The year must be between 1990 and 2100.", "年份须在 1990 至 2100 之间。"
        )
    return parsed


def parse_datetime(field: str, value: object) -> datetime | None:
    """Parse an instant; naive values are taken as UTC. Returns an aware UTC datetime."""
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
            raise ValidationError(
                field,
                f"'{text[:40]}' is not a date and time; use YYYY-MM-DD HH:MM.",
                f"“{text[:40]}”不是有效的日期时间；请使用 YYYY-MM-DD HH:MM 格式。",
            ) from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    if not 1990 <= dt.year <= 2100:
        raise ValidationError(
            field, "The year must be between 1990 and 2100.", "年份须在 1990 至 2100 之间。"
        )
    return dt.astimezone(UTC)


def has_han(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)
