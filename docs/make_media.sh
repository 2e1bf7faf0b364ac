#!/usr/bin/env bash
# Regenerates the README's screenshots and sample PDFs from the demo data, so they stay true.
#   docs/make_media.sh            (uses .venv, as set up by ./dev)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
app="$here/.venv/bin/workinggroup-app"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export WORKINGGROUP_DATA_DIR="$work/data" WORKINGGROUP_LOG_DIR="$work/log" QT_QPA_PLATFORM=offscreen
db="$work/demo.sqlite3"
pw="correct horse battery staple"
# every command on the demo database signs in as one of its accounts (one per role)
as_user() { local who="$1"; shift; printf '%s\n' "$pw" | "$app" --database-url "$db" --user "$who" --password-stdin "$@"; }

"$app" --database-url "$db" demo seed --password "$pw" >/dev/null
rm -rf "$here/docs/screenshots" "$here/docs/samples"
mkdir -p "$here/docs/screenshots/en" "$here/docs/screenshots/zh_CN" "$here/docs/samples"
as_user coordinator screenshot --out "$here/docs/screenshots/en" --lang en >/dev/null
as_user coordinator screenshot --out "$here/docs/screenshots/zh_CN" --lang zh_CN >/dev/null

# The most recent meeting that was held: the packet a coordinator would hand out.
meeting="$("$here/.venv/bin/python" - "$db" <<'PY'
import sys
from sqlalchemy import select
from workinggroup_app.storage.database import open_database
from workinggroup_app.domain.models import Meeting
db = open_database(sys.argv[1])
with db.session() as s:
    print(s.execute(select(Meeting.reference).where(Meeting.status.in_(("held", "minutes_approved")))
                    .order_by(Meeting.starts_at.desc()).limit(1)).scalar_one())
PY
)"
for audience in bilateral internal; do
    as_user coordinator export-pdf --meeting "$meeting" --audience "$audience" \
        -o "$here/docs/samples/packet-$audience.pdf" >/dev/null
done
as_user manager report review --audience internal -o "$here/docs/samples/review-internal.pdf" >/dev/null
for pdf in packet-bilateral review-internal; do
    pdftoppm -png -r 45 -f 1 -l 4 "$here/docs/samples/$pdf.pdf" "$here/docs/samples/$pdf-page"
done
# Day one without the demo: a set-up database, the import template, and the dry-run report
# of an office's first workbook (one sent referral without its receiving agency, one date
# that could be read two ways).
office="$work/office.sqlite3"
printf '%s\n' "correct horse battery" | "$app" --database-url "$office" setup --admin coordinator \
    --display-name "Office coordinator" --password-stdin --office-name "INL Beijing" >/dev/null
"$app" --database-url "$office" template -o "$here/docs/samples/import-template.xlsx" >/dev/null
"$here/.venv/bin/python" - "$here/docs/samples/office-history.xlsx" <<'PY'
import sys
from openpyxl import Workbook
wb = Workbook()
wb.remove(wb.active)
sheets = {
    "Cases": [["reference", "title_en", "title_zh", "lead_agency_id", "status", "opened_on"],
              ["CASE-2024-0003", "Nitazene tablets by post", "邮寄硝基咪唑类片剂", "DEA", "active",
               "2024/5/6"]],
    "线索": [["编号", "标题（英文）", "标题（中文）", "方向", "类型", "发送机构", "接收机构",
              "所属案件", "状态", "发送/接收日期"],
             ["REF-2024-0101", "Vendor shipping to Ohio", "向俄亥俄州发货的卖家", "美方至中方",
              "侦查线索", "DEA", "MPS NCB", "CASE-2024-0003", "sent", "2024年6月3日"],
             ["REF-2024-0102", "Second storefront", "第二家网店", "US to PRC", "lead", "HSI", "",
              "CASE-2024-0003", "sent", "03/04/2024"]],
    "Meetings": [["reference", "title_en", "title_zh", "meeting_type", "starts_at", "status"],
                 ["MTG-2024-0002", "Working group, June", "六月工作组会议", "plenary",
                  "2024-06-20 01:00", "held"]],
    "Decisions": [["meeting", "text_en", "text_zh"],
                  ["MTG-2024-0002", "Exchange lab results by July.", "七月前交换检验结果。"]],
}
for title, rows in sheets.items():
    ws = wb.create_sheet(title)
    for row in rows:
        ws.append(row)
wb.save(sys.argv[1])
PY
for lang in en zh_CN; do
    printf '%s\n' "correct horse battery" | "$app" --database-url "$office" --lang "$lang" \
        --user coordinator --password-stdin import "$here/docs/samples/office-history.xlsx" \
        --dry-run > "$here/docs/samples/dry-run-report-$lang.txt" || true
done
echo "media written under docs/ (meeting $meeting)"
