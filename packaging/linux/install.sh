#!/bin/sh
# Install Working Group Case Manager from this unpacked archive.
#
#   ./install.sh                      for you only: ~/.local (no administrator rights needed)
#   sudo ./install.sh --system        for every user of the machine: /usr/local
#   ./install.sh --uninstall         remove it again (same options; your data is kept)
#   --prefix DIR                      install under DIR instead
#
# Puts the application in PREFIX/lib/workinggroup-app, a command in PREFIX/bin, the menu
# entry in the applications folder, the icons and the AppStream metadata. Your database,
# settings and logs are never touched by installing, upgrading or uninstalling.
set -eu

APP_ID=gov.uscnwg.WorkingGroupApp
NAME=workinggroup-app
here=$(cd "$(dirname "$0")" && pwd)
prefix=""
share=""
system=0
uninstall=0

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix="$2"; shift 2 ;;
        --prefix=*) prefix="${1#--prefix=}"; shift ;;
        --system) system=1; shift ;;
        --uninstall) uninstall=1; shift ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

if [ "$system" -eq 1 ]; then
    prefix="${prefix:-/usr/local}"
    share="$prefix/share"
elif [ -n "$prefix" ]; then
    share="$prefix/share"
else
    prefix="$HOME/.local"
    share="${XDG_DATA_HOME:-$HOME/.local/share}"
fi
libdir="$prefix/lib/$NAME"
bindir="$prefix/bin"

refresh() {
    command -v update-desktop-database >/dev/null 2>&1 &&
        update-desktop-database -q "$share/applications" 2>/dev/null || true
    command -v gtk-update-icon-cache >/dev/null 2>&1 &&
        gtk-update-icon-cache -q -t "$share/icons/hicolor" 2>/dev/null || true
}

if [ "$uninstall" -eq 1 ]; then
    rm -rf "$libdir"
    rm -f "$bindir/$NAME" "$share/applications/$APP_ID.desktop" "$share/metainfo/$APP_ID.metainfo.xml"
    find "$share/icons/hicolor" -name "$APP_ID.*" -delete 2>/dev/null || true
    refresh
    echo "Removed $NAME from $prefix. Your data, settings and logs were kept."
    exit 0
fi

[ -x "$here/lib/$NAME/$NAME" ] || { echo "install.sh: $here/lib/$NAME/$NAME is missing" >&2; exit 1; }

mkdir -p "$prefix/lib" "$bindir" "$share/applications" "$share/metainfo" "$share/icons"
# Replace an older version as a whole (no stale files from it), via a temporary copy.
rm -rf "$libdir.new"
cp -R "$here/lib/$NAME" "$libdir.new"
rm -rf "$libdir"
mv "$libdir.new" "$libdir"
ln -sf "$libdir/$NAME" "$bindir/$NAME"

sed -e "s|^Exec=.*|Exec=$libdir/$NAME|" -e "s|^TryExec=.*|TryExec=$libdir/$NAME|" \
    "$here/share/applications/$APP_ID.desktop" > "$share/applications/$APP_ID.desktop"
chmod 644 "$share/applications/$APP_ID.desktop"
cp "$here/share/metainfo/$APP_ID.metainfo.xml" "$share/metainfo/"
cp -R "$here/share/icons/hicolor" "$share/icons/"
refresh

version=$("$libdir/$NAME" --version 2>/dev/null || echo "$NAME")
echo "Installed $version in $libdir."
echo "Start it from the applications menu (Working Group Case Manager) or with: $bindir/$NAME"
echo "To check this installation: $bindir/$NAME --self-test"
