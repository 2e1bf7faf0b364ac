"""Writes messy_referrals.xlsx, the referrals log an office really keeps, for
tests/exchange/test_messy_sheet.py. Run from the repository root to regenerate it:

    .venv/bin/python -m tests.exchange.data.make_messy_referrals

Worksheet "线索登记" (referrals), as Excel shows it:

- row 1: a title merged across every column, "2025 年线索登记 · 2025 referrals log";
- rows 2-3: Chinese headings of two rows: most merged down over both rows, "机构 Agencies"
  merged across E-F over "发送机构" / "接收机构" (with a trailing non-breaking space), and
  "摘要（英文）" merged over K-L (column L holds notes nobody imports);
- rows 4-19: one referral a row, each with its sent / received date (column G) in another
  form; row 11 is empty. ``ROWS`` says what each row holds and the test what each became.

Worksheet "待办事项" (action items): a plain sheet, its header in row 1.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WORKBOOK = HERE / "messy_referrals.xlsx"
TITLE = "2025 年线索登记 · 2025 referrals log"
HEADINGS = {  # row 2 (and, merged down, row 3)
    "A": "标题（英文）",
    "B": "标题（中文）",
    "C": "方向",
    "D": "类型",
    "E": "机构 Agencies",  # merged across E-F, over row 3's two headings
    "G": "发送/接收日期 ",
    "H": "答复期限",
    "I": "对方编号",
    "J": "信息准确性",
    "K": "摘要（英文）",  # merged over K2:L3
}
SUB_HEADINGS = {"E": "发送机构", "F": "接收机构\u00a0"}  # row 3

# (title_en, sent_on cell, response_due cell, counterpart ref, info grade) from row 4 on;
# None is an empty row. Every other cell of a row is the same (see ``build``).
ROWS: list[tuple[str, Any, Any, str, Any] | None] = [
    ("ISO date", "2025-03-04", None, "PRC-2025-0004", "1"),  # row 4
    ("Slashes", "2025/3/4", None, "PRC-2025-0005", None),
    ("Chinese date", "2025年3月4日", None, "PRC-2025-0006", None),
    ("Excel serial number", 45720, None, "PRC-2025-0007", None),
    ("Real date cell", datetime(2025, 3, 4), None, "PRC-2025-0008", None),
    ("Full-width ISO", "２０２５－０３－０４", None, "PRC-2025-0009", "２"),
    ("Full-width Chinese", "２０２５年３月４日", "４５７５０", "PRC-2025-0010", None),
    None,  # row 11: empty
    ("Ambiguous day and month", "03/04/2025", None, "PRC-2025-0012", None),
    ("Day first", "25/03/2025", None, "PRC-2025-0013", None),
    ("Month first", "03/25/2025", None, "PRC-2025-0014", None),
    ("Serial as text", "45720", 45750.75, "PRC-2025-0015", None),
    ("Trailing spaces \u00a0 ", " 2025-03-04\u00a0 ", None, "PRC-2025-0016\u3000", "3 "),
    ("No such day", "2025-02-30", None, "PRC-2025-0017", None),
    ("Number that is no date", 12, None, "PRC-2025-0018", None),
    ("Date and time cell", datetime(2025, 3, 4, 18, 30), None, "PRC-2025-0019", None),
]
FIRST_DATA_ROW = 4


def build(path: Path = WORKBOOK) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.properties.creator = "tests"
    wb.properties.created = wb.properties.modified = datetime(2025, 3, 4)
    ws = wb.active
    ws.title = "线索登记"
    ws["A1"] = TITLE
    ws.merge_cells("A1:L1")
    for col, text in HEADINGS.items():
        ws[f"{col}2"] = text
    for col, text in SUB_HEADINGS.items():
        ws[f"{col}3"] = text
    for col in "ABCDGHIJ":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("E2:F2")
    ws.merge_cells("K2:L3")
    for i, row in enumerate(ROWS):
        r = FIRST_DATA_ROW + i
        if row is None:
            continue
        title, sent, due, ref, grade = row
        sending = " DEA\u00a0" if title.startswith("Trailing") else "DEA"
        cells = [
            title,
            f"线索：{title.strip()}",
            "美方至中方",
            "侦查线索",
            sending,
            "公安部",
            sent,
            due,
            ref,
            grade,
            f"Lead logged as '{title.strip()}'.",
            "note nobody imports",
        ]
        for c, value in enumerate(cells, start=1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
        if isinstance(sent, datetime):
            ws.cell(row=r, column=7).number_format = "yyyy/m/d"  # shows the date only

    items = wb.create_sheet("待办事项")
    items.append(["标题（英文）", "负责方", "截止日期"])
    items.append(["Send the lab report", "美方", datetime(2025, 4, 1)])
    items.append(["Confirm the seizure", "中方", "2025/4/15"])
    wb.save(path)
    return path


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else WORKBOOK))
