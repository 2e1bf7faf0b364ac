"""The import template: an XLSX file with one column per importable field, its rules and
allowed values described in both languages.
"""

from __future__ import annotations

import csv
from pathlib import Path

from workinggroup_app.domain import vocabulary
from workinggroup_app.domain.fields import DATE, DATETIME, LINK, LONGTEXT, FieldDef
from workinggroup_app.exchange.sheets.mapping import (
    HEADER_STYLES,
    column_letter,
    import_type,
    importable_fields,
)
from workinggroup_app.exchange.sheets.read import FORMATS


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
    type_key: str, path: str | Path, *, headers: str = "name", fmt: str | None = None
) -> Path:
    """An empty file with the header row to fill in (CSV, or XLSX with a help sheet)."""
    rt = import_type(type_key)
    target = Path(path)
    fmt = (fmt or target.suffix.lstrip(".") or "csv").lower()
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    head = template_headers(rt.key, headers)
    if fmt == "csv":
        with target.open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerow(head)
        return target
    from openpyxl import Workbook
    from openpyxl.styles import Font

    lang = "zh" if headers == "zh" else "en"
    wb = Workbook()
    ws = wb.active
    ws.title = vocabulary.word("record_type_plural", rt.key, lang)[:31]
    ws.append(head)
    bold = Font(bold=True)
    for i, f in enumerate(template_columns(rt.key), start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = bold
        if f.required:
            cell.font = Font(bold=True, color="C00000")
        ws.column_dimensions[column_letter(i - 1)].width = max(14, min(40, len(head[i - 1]) + 4))
    ws.freeze_panes = "A2"
    help_ws = wb.create_sheet("说明" if lang == "zh" else "Help")
    help_ws.append(
        ["列", "英文名称", "中文名称", "必填", "格式"]
        if lang == "zh"
        else ["Column", "English label", "Chinese label", "Required", "Format"]
    )
    for f in template_columns(rt.key):
        required = ("是" if lang == "zh" else "yes") if f.required else ""
        help_ws.append([f.name, f.label_en, f.label_zh, required, _describe(f, lang)])
    for col, width in zip("ABCDE", (22, 30, 22, 8, 90), strict=True):
        help_ws.column_dimensions[col].width = width
    wb.save(str(target))
    return target
