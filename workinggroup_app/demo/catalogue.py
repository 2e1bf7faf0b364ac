"""The demo's records, read from ``resources/demo/catalogue.json``: invented people,
companies, websites, shipments and accounts, which of the shipped agencies and substances
(``resources/reference``) its stories are about, and the bilingual templates the seed builds
its cases, referrals, meetings and action items from.

``load()`` gives each table by its name (``load().AGENCIES``), rows as tuples in the order
the file's ``_notes`` give; a key written ``"a|b"`` in the file is the pair ``("a", "b")``.
"""

from __future__ import annotations

import functools
import json
from importlib.resources import files
from typing import Any

CATALOGUE = "catalogue.json"


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items()}
    return value


class Catalogue:
    """The tables of the catalogue file, as attributes."""

    def __init__(self, tables: dict[str, Any]) -> None:
        pairs = set(tables.get("_pair_keys", ()))
        self._tables: dict[str, Any] = {}
        for name, value in tables.items():
            if name.startswith("_"):
                continue
            value = _frozen(value)
            if name in pairs:
                value = {tuple(k.split("|")): v for k, v in value.items()}
            self._tables[name] = value

    def __getattr__(self, name: str) -> Any:
        try:
            return self._tables[name]
        except KeyError:
            raise AttributeError(f"the demo catalogue has no table {name!r}") from None

    def names(self) -> list[str]:
        return list(self._tables)


@functools.cache
def load() -> Catalogue:
    text = (files("workinggroup_app.resources") / "demo" / CATALOGUE).read_text(encoding="utf-8")
    return Catalogue(json.loads(text))


NUMBERS_ZH = "一二三四五六七八九十"


def number_zh(n: int) -> str:
    """1 to 99 in Chinese numerals: 一, 十一, 二十三."""
    if n <= 10:
        return NUMBERS_ZH[n - 1]
    if n < 20:
        return "十" + NUMBERS_ZH[n - 11]
    tens, ones = divmod(n, 10)
    return NUMBERS_ZH[tens - 1] + "十" + (NUMBERS_ZH[ones - 1] if ones else "")
