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

"$app" --database-url "$db" demo seed >/dev/null
rm -rf "$here/docs/screenshots" "$here/docs/samples"
mkdir -p "$here/docs/screenshots/en" "$here/docs/screenshots/zh_CN" "$here/docs/samples"
"$app" --database-url "$db" screenshot --out "$here/docs/screenshots/en" --lang en >/dev/null
"$app" --database-url "$db" screenshot --out "$here/docs/screenshots/zh_CN" --lang zh_CN >/dev/null

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
    "$app" --database-url "$db" export-pdf --meeting "$meeting" --audience "$audience" \
        -o "$here/docs/samples/packet-$audience.pdf" >/dev/null
done
"$app" --database-url "$db" report review --audience internal -o "$here/docs/samples/review-internal.pdf" >/dev/null
for pdf in packet-bilateral review-internal; do
    pdftoppm -png -r 45 -f 1 -l 4 "$here/docs/samples/$pdf.pdf" "$here/docs/samples/$pdf-page"
done
echo "media written under docs/ (meeting $meeting)"
