"""The words of a packet's cells and headings: both languages of a label, a coded value or
an agency, instants in a capital's time, dates.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from workinggroup_app.domain import fields
from workinggroup_app.domain.vocabulary import both, pair, word
from workinggroup_app.reports.markup import clean
from workinggroup_app.reports.packet.data import AgencyName, agency_label


def t(key: str) -> str:
    """A packet heading or label in both languages ("Agenda / 议程")."""
    return both("packet", key)


def field_label(rt: fields.RecordType, name: str) -> str:
    f = rt.field(name)
    return f"{f.label_en} / {f.label_zh}"


def stem_label(rt: fields.RecordType, stem: str) -> str:
    """The label of a bilingual pair of fields without its language: 'Title / 标题'."""
    f = rt.field(f"{stem}_en")
    return f"{f.label_en.removesuffix(' (English)')} / {f.label_zh.removesuffix('（英文）')}"


def two_lines(label: str) -> str:
    """'Due date / 截止日期' -> English above Chinese, for narrow column headers."""
    if "\n" not in label and " / " in label:
        en, zh = label.rsplit(" / ", 1)
        return f"{en}\n{zh}"
    return label


def coded(vocabulary: str, key: str | None) -> str:
    """A coded value in English above Chinese."""
    return f"{word(vocabulary, key)}\n{word(vocabulary, key, 'zh')}"


def format_instant(instant: datetime, zone: Any) -> str:
    local = instant.astimezone(zone)
    en, zh = pair("weekday", str(local.weekday()))
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()} ({en} / {zh})"


def short_agency(agency: AgencyName) -> str:
    """For narrow cells: 'DEA 美国缉毒局' (the full name is in the group heading)."""
    short = " ".join(x for x in (agency.abbreviation, agency.name_zh) if clean(x).strip())
    return short or agency_label(agency)


def iso_date(value: date | None) -> str:
    return value.isoformat() if value else ""


def outline_title(text: str, limit: int = 120) -> str:
    s = " ".join(clean(text).split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def non_empty(en: str, zh: str) -> list[str]:
    return [x for x in (en, zh) if clean(x).strip()]
