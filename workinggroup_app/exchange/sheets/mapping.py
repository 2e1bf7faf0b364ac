"""Which record types and fields a sheet may fill, and the guess that matches a sheet's
headers to fields by name, English label or Chinese label.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from workinggroup_app.domain import vocabulary
from workinggroup_app.domain.errors import DomainError
from workinggroup_app.domain.fields import ACCOUNT, LINK, LINKS, FieldDef, RecordType, record_type

# Every record type, in the order a workbook imports them: each sheet's rows may name
# records of the sheets before it (a contact its agency, a referral its case, an action
# item its meeting). A meeting's parts (``children.CHILDREN``) follow the meetings.
IMPORT_TYPES = (
    "agency",
    "substance",
    "entity",
    "contact",
    "case",
    "referral",
    "meeting",
    "action_item",
)
# read-only fields an import may set: a record arrives as it stands in the office's files,
# closed with its outcome, or a repeat of another referral
CREATE_ONLY = ("reference", "uuid", "status", "outcome", "duplicate_of_id")
RELEASABLE_COLUMN = "releasable"  # the yes/no column our CSV/XLSX exports write
RELEASABLE_LABELS = vocabulary.pair("column", RELEASABLE_COLUMN)  # its header, en / zh


HEADER_STYLES = ("name", "en", "zh")


def import_type(type_key: str) -> RecordType:
    """The record type a sheet imports into, or a clear error naming the ones there are."""
    try:
        return record_type(type_key)
    except KeyError:
        allowed = ", ".join(IMPORT_TYPES)
        raise DomainError(
            f"'{str(type_key)[:40]}' is not a record type (one of {allowed}).",
            f"“{str(type_key)[:40]}”不是记录类型（{allowed} 之一）。",
        ) from None


def importable_fields(type_key: str) -> list[FieldDef]:
    """Fields a spreadsheet column may fill: the importable editable fields of the record
    type plus its reference, status and UUID (set once, on creation)."""
    rt = record_type(type_key)
    return [
        f
        for f in rt.fields
        if f.importable and f.kind != LINKS and (f.editable or f.name in CREATE_ONLY)
    ]


def normalise_header(text: object) -> str:
    s = unicodedata.normalize("NFKC", str(text or "")).casefold()
    return re.sub(r"[\s_\-*:：]+", "", s)


def header_keys(f: FieldDef) -> list[str]:
    keys = [f.name, f.label_en, f.label_zh]
    if f.kind in (LINK, ACCOUNT) and f.name.endswith("_id"):
        keys.append(f.name[:-3])
    return [normalise_header(k) for k in keys]


def guess_mapping(type_key: str, headers: Sequence[str]) -> list[str | None]:
    """For each header, the field it fills (or None): by field name, English or Chinese
    label, ignoring case, spaces, underscores and full-width forms. A field is given to the
    first column that names it."""
    fields = importable_fields(type_key)
    index: dict[str, str] = {}
    for f in fields:
        for k in header_keys(f):
            index.setdefault(k, f.name)
    for label in (RELEASABLE_COLUMN, *RELEASABLE_LABELS):
        index.setdefault(normalise_header(label), RELEASABLE_COLUMN)
    taken: set[str] = set()
    out: list[str | None] = []
    for h in headers:
        name = index.get(normalise_header(h))
        if name is not None and name not in taken:
            taken.add(name)
            out.append(name)
        else:
            out.append(None)
    return out


def column_letter(index: int) -> str:
    n, out = index + 1, ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def field_label(type_key: str, name: str, lang: str = "en") -> str:
    if name == RELEASABLE_COLUMN:
        return RELEASABLE_LABELS[1] if lang.startswith("zh") else RELEASABLE_LABELS[0]
    return record_type(type_key).field(name).label(lang)


@dataclass
class SheetColumn:
    index: int
    letter: str
    header: str
    field: FieldDef | None  # None for the releasable yes/no column
