"""The import template: an XLSX file with one column per importable field, its rules and
allowed values described in both languages.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workinggroup_app.domain import vocabulary
from workinggroup_app.domain.children import CHILDREN
from workinggroup_app.domain.errors import DomainError
from workinggroup_app.domain.fields import DATE, DATETIME, LINK, LONGTEXT, FieldDef
from workinggroup_app.exchange.sheets.cells import link_how
from workinggroup_app.exchange.sheets.mapping import (
    HEADER_STYLES,
    column_letter,
    import_type,
    importable_fields,
)
from workinggroup_app.exchange.sheets.parts import MEETING_COLUMN, column_label, part_columns
from workinggroup_app.exchange.sheets.read import FORMATS
from workinggroup_app.storage.database import Database

TEMPLATE_ROWS = 5000  # rows the dropdowns cover


def template_columns(type_key: str) -> list[FieldDef]:
    rt = import_type(type_key)
    fields = importable_fields(rt.key)
    # reference first, uuid last: the usual reading order of a sheet
    return sorted(fields, key=lambda f: (f.name == "uuid", f.name != "reference"))


def template_headers(type_key: str, headers: str = "name") -> list[str]:
    if headers not in HEADER_STYLES:
        raise ValueError(f"headers must be one of {', '.join(HEADER_STYLES)}")
    out = []
    for f in template_columns(type_key):
        out.append(f.name if headers == "name" else f.label(headers))
    return out


def _describe(f: FieldDef, lang: str) -> str:
    zh = lang == "zh"
    if f.vocabulary:
        keys = vocabulary.keys(f.vocabulary)
        if zh:
            return "取值：" + "；".join(
                f"{k}（{vocabulary.word(f.vocabulary, k, 'zh')}）" for k in keys
            )
        return "One of: " + "; ".join(f"{k} ({vocabulary.word(f.vocabulary, k)})" for k in keys)
    if f.kind == DATE:
        return "日期，YYYY-MM-DD" if zh else "Date, YYYY-MM-DD"
    if f.kind == DATETIME:
        return (
            "日期时间（UTC），YYYY-MM-DD HH:MM" if zh else "Date and time (UTC), YYYY-MM-DD HH:MM"
        )
    if f.kind == LINK:
        if f.target == "agency":
            return "机构简称、编号或名称" if zh else "Agency abbreviation, reference or name"
        what = vocabulary.word("record_type", f.target or "", lang)
        return f"{what}编号" if zh else f"Reference of the {what.lower()}"
    if f.name == "reference":
        return "留空则自动编号" if zh else "Leave empty to number automatically"
    if f.name == "uuid":
        return "留空则自动生成" if zh else "Leave empty to generate one"
    if f.kind == LONGTEXT:
        return "多行文本" if zh else "Text, several lines allowed"
    return f"文本，最多 {f.max_length} 个字符" if zh else f"Text, at most {f.max_length} characters"


def write_template(
    type_key: str | None,
    path: str | Path,
    *,
    headers: str = "name",
    fmt: str | None = None,
    agencies: Sequence[str] = (),
) -> Path:
    """An empty file with the header row to fill in: CSV, or XLSX with dropdowns for coded
    columns and a help sheet. ``type_key`` None (or "all") writes the whole workbook: one
    sheet per record type and per kind of meeting part, in the order they import.
    ``agencies`` are offered in the agency columns' dropdowns (other names may be typed)."""
    if headers not in HEADER_STYLES:
        raise ValueError(f"headers must be one of {', '.join(HEADER_STYLES)}")
    target = Path(path)
    fmt = (fmt or target.suffix.lstrip(".") or "csv").lower()
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    kinds = _kinds(type_key)
    if fmt == "csv":
        if len(kinds) > 1:
            raise DomainError(
                "A template of every record type is a workbook: write it as .xlsx, or name "
                "one record type for a CSV template.",
                "包含全部记录类型的模板是工作簿：请保存为 .xlsx，或指定一种记录类型以生成 CSV 模板。",
            )
        with target.open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerow([c.header(headers) for c in _columns(kinds[0])])
        return target
    from openpyxl import Workbook

    lang = "zh" if headers == "zh" else "en"
    wb = Workbook()
    wb.remove(wb.active)
    lists = _Lists(wb, lang, agencies)
    for kind in kinds:
        _template_sheet(wb, kind, headers, lang, lists)
    _help_sheet(wb, kinds, lang)
    if lists.ws is not None:  # the hidden lists last, after the help
        wb.move_sheet(lists.ws, offset=len(wb.sheetnames) - 1 - wb.index(lists.ws))
    wb.save(str(target))
    return target


def dropdown_agencies(db: Database | None) -> list[str]:
    """What the agency dropdowns offer: the shipped agencies' abbreviations and, given a
    database, its own agencies' too."""
    from sqlalchemy import select

    from workinggroup_app.domain.models import Agency
    from workinggroup_app.services import reference_data

    names = [row.label() for row in reference_data.shipped().rows("agency")]
    if db is not None:
        with db.session() as s:
            names += s.execute(
                select(Agency.abbreviation)
                .where(Agency.archived.is_(False))
                .order_by(Agency.abbreviation)
            ).scalars()
    return list(dict.fromkeys(n for n in names if n))


@dataclass(frozen=True)
class _Column:
    """One column of a template sheet: its name, labels, rules and allowed values."""

    name: str
    label_en: str
    label_zh: str
    required: bool
    describe_en: str
    describe_zh: str
    choices: str | None = None  # a vocabulary, "agency" or "yes_no": a dropdown

    def header(self, headers: str) -> str:
        if headers == "name":
            return self.name
        return self.label_zh if headers == "zh" else self.label_en


def _kinds(type_key: str | None) -> list[str]:
    from workinggroup_app.exchange.sheets.workbook import sheet_order

    if type_key in (None, "all"):
        return sheet_order()
    if type_key in CHILDREN:
        return [type_key]
    return [import_type(type_key).key]


def _columns(kind: str) -> list[_Column]:
    if kind in CHILDREN:
        spec = CHILDREN[kind]
        out = []
        for name in part_columns(spec):
            en, zh = column_label(spec, name), column_label(spec, name, "zh")
            if name == MEETING_COLUMN:
                out.append(_Column(name, en, zh, True, "Reference of the meeting", "会议编号"))
                continue
            part_kind, detail = spec.kind(name)
            choices = {"choice": detail, "bool": "yes_no"}.get(part_kind)
            if part_kind == "link":
                choices = "agency" if detail == "agency" else None
                what_en = vocabulary.word("record_type", detail).lower()
                what_zh = vocabulary.word("record_type", detail, "zh")
                d_en, d_zh = f"The {what_en}: {link_how(detail)[0]}", what_zh
            elif part_kind == "bool":
                d_en, d_zh = vocabulary.pair("link_how", "yes_no")
            elif part_kind == "choice":
                d_en, d_zh = _vocab_text(detail, "en"), _vocab_text(detail, "zh")
            else:
                d_en = f"Text, at most {detail:,} characters"
                d_zh = f"文本，最多 {detail:,} 个字符"
            out.append(_Column(name, en, zh, name in spec.required, d_en, d_zh, choices))
        return out
    out = []
    for f in template_columns(kind):
        choices = f.vocabulary if f.vocabulary else None
        if f.kind == LINK and f.target == "agency":
            choices = "agency"
        out.append(
            _Column(
                f.name,
                f.label_en,
                f.label_zh,
                f.required,
                _describe(f, "en"),
                _describe(f, "zh"),
                choices,
            )
        )
    return out


def _vocab_text(name: str, lang: str) -> str:
    keys = vocabulary.keys(name)
    if lang == "zh":
        return "取值：" + "；".join(f"{k}（{vocabulary.word(name, k, 'zh')}）" for k in keys)
    return "One of: " + "; ".join(f"{k} ({vocabulary.word(name, k)})" for k in keys)


class _Lists:
    """A hidden sheet holding each dropdown's values, one column per list."""

    TITLE = {"en": "Lists", "zh": "取值"}

    def __init__(self, wb: Any, lang: str, agencies: Sequence[str]) -> None:
        self.wb, self.lang, self.agencies = wb, lang, list(dict.fromkeys(agencies))
        self.ws = None
        self.ranges: dict[str, str] = {}

    def values(self, choices: str) -> list[str]:
        if choices == "agency":
            return self.agencies
        if choices == "yes_no":
            return ["是", "否"] if self.lang == "zh" else ["yes", "no"]
        # the words in the sheet's language: the import reads words and keys alike
        return [vocabulary.word(choices, k, self.lang) for k in vocabulary.keys(choices)]

    def range_of(self, choices: str) -> str | None:
        if choices not in self.ranges:
            values = self.values(choices)
            if not values:
                return None
            if self.ws is None:
                self.ws = self.wb.create_sheet(self.TITLE[self.lang])
                self.ws.sheet_state = "hidden"
            col = len(self.ranges) + 1
            letter = column_letter(col - 1)
            self.ws.cell(row=1, column=col, value=choices)
            for i, value in enumerate(values, start=2):
                self.ws.cell(row=i, column=col, value=value)
            title = self.ws.title
            self.ranges[choices] = f"'{title}'!${letter}$2:${letter}${len(values) + 1}"
        return self.ranges[choices]


def _template_sheet(wb: Any, kind: str, headers: str, lang: str, lists: _Lists) -> None:
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    from workinggroup_app.exchange.sheets.workbook import kind_label

    ws = wb.create_sheet(kind_label(kind, lang)[:31])
    columns = _columns(kind)
    ws.append([c.header(headers) for c in columns])
    for i, c in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True, color="C00000") if c.required else Font(bold=True)
        letter = column_letter(i - 1)
        ws.column_dimensions[letter].width = max(14, min(40, len(c.header(headers)) + 4))
        where = lists.range_of(c.choices) if c.choices else None
        if where is None:
            continue
        free = c.choices == "agency"  # an agency not listed yet may be typed
        dv = DataValidation(
            type="list",
            formula1=f"={where}",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning" if free else "stop",
            errorTitle="未列出的取值" if lang == "zh" else "Not in the list",
            error=(
                ("请从列表中选择。" if not free else "该机构不在列表中；请确认其已在机构表中。")
                if lang == "zh"
                else (
                    "Choose a value from the list."
                    if not free
                    else "This agency is not listed; make sure the Agencies sheet has it."
                )
            ),
        )
        dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
        ws.add_data_validation(dv)
    ws.freeze_panes = "A2"


def _help_sheet(wb: Any, kinds: list[str], lang: str) -> None:
    from workinggroup_app.exchange.sheets.workbook import kind_label

    zh = lang == "zh"
    help_ws = wb.create_sheet("说明" if zh else "Help")
    several = len(kinds) > 1
    head = ["列", "英文名称", "中文名称", "必填", "格式"]
    head_en = ["Column", "English label", "Chinese label", "Required", "Format"]
    help_ws.append(([("工作表" if zh else "Sheet")] if several else []) + (head if zh else head_en))
    for kind in kinds:
        for c in _columns(kind):
            required = ("是" if zh else "yes") if c.required else ""
            row = [c.name, c.label_en, c.label_zh, required, c.describe_zh if zh else c.describe_en]
            help_ws.append(([kind_label(kind, lang)] if several else []) + row)
    widths = ((18,) if several else ()) + (22, 30, 22, 8, 90)
    for i, width in enumerate(widths):
        help_ws.column_dimensions[column_letter(i)].width = width
