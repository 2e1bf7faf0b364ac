"""What global search sees of a record: one text body per record, in ``search_text``.

The body holds the reference, both titles, the other text fields and, for the names of
companies and people written in Chinese, their pinyin ("yuanfeng" finds 远丰).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from workinggroup_app.domain.fields import LONGTEXT, TEXT, record_type
from workinggroup_app.domain.validators import has_han

# Record types whose Chinese names are names of companies and people.
PINYIN_TYPES = frozenset({"entity", "contact"})


@lru_cache(maxsize=1)
def _pinyin() -> Any:
    import pypinyin  # ~150 ms: only when a name needs it

    return pypinyin


def pinyin_of(text: str) -> str:
    """'远丰化工' -> 'yuanfenghuagong yuan feng hua gong' (joined and spaced forms)."""
    if not has_han(text):
        return ""
    syllables = [s for s in _pinyin().lazy_pinyin(text, errors="ignore") if s.strip()]
    return f"{''.join(syllables)} {' '.join(syllables)}"


def body_for(record_type_key: str, values: Mapping[str, Any]) -> str:
    """The searchable text of a record, from its field values."""
    rt = record_type(record_type_key)
    parts: list[str] = [str(values.get("reference") or "")]
    for f in rt.fields:
        if f.kind in (TEXT, LONGTEXT) and f.name != "reference":
            value = values.get(f.name)
            if value:
                parts.append(str(value))
    if record_type_key in PINYIN_TYPES:
        parts.append(pinyin_of(str(values.get("title_zh") or "")))
    return "\n".join(p for p in parts if p)
