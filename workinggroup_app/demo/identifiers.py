"""Invented identifiers that are nonetheless well formed: Unified Social Credit Codes with
their check characters, air waybill and container numbers with their check digits, and
TRON addresses.
"""

from __future__ import annotations

import random

from workinggroup_app.domain.validators import USCC_ALPHABET, uscc_check_char

ORG_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # digits and USCC letters
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code_check(body8: str) -> str:
    """Check character of a 9-character organisation code (GB 11714)."""
    total = sum(int(c, 36) * w for c, w in zip(body8, ORG_CODE_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def make_uscc(rng: random.Random, region: str) -> str:
    """'91' (enterprise, company) + 6-digit region + 9-character org code + check character."""
    body = "".join(rng.choice(ORG_CODE_ALPHABET) for _ in range(8))
    first17 = "91" + region + body + org_code_check(body)
    assert all(c in USCC_ALPHABET for c in first17), first17
    return first17 + uscc_check_char(first17)


def awb_number(rng: random.Random, prefix: str) -> str:
    """An air waybill number: airline prefix, 7-digit serial and its mod-7 check digit."""
    serial = rng.randrange(1_000_000, 9_999_999)
    return f"{prefix}-{serial}{serial % 7}"


def container_number(rng: random.Random, owner: str) -> str:
    """An ISO 6346 container number with its check digit."""
    serial = f"{rng.randrange(0, 999_999):06d}"
    values = {}
    v = 10
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if v % 11 == 0:
            v += 1
        values[letter] = v
        v += 1
    code = owner + serial
    total = sum((values[c] if c.isalpha() else int(c)) * (2**i) for i, c in enumerate(code))
    return f"{owner} {serial} {total % 11 % 10}"


def tron_address(rng: random.Random) -> str:
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    return "T" + "".join(rng.choice(alphabet) for _ in range(33))
