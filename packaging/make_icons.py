"""Every icon file of the installers, made from ONE source: packaging/icon/workinggroup-app.svg.

    .venv/bin/python packaging/make_icons.py [--out DIR]      (default: build/packaging/icons)

Writes, into DIR:
- ``png/workinggroup-app-<n>.png`` for n in 16, 24, 32, 48, 64, 128, 256, 512 (and 1024);
- ``hicolor/<n>x<n>/apps/<APP_ID>.png`` and ``hicolor/scalable/apps/<APP_ID>.svg``: the
  freedesktop icon theme layout the Linux installer copies into ~/.local/share/icons;
- ``workinggroup-app.ico`` (Windows: 16 to 256 px) and ``workinggroup-app.icns`` (macOS).

Each size is rendered from the SVG with Qt's SVG renderer (PySide6 is already a
dependency), so small sizes stay sharp; Pillow (the ``packaging`` extra) writes the .ico
and .icns containers. Generated files are build output and are not committed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SOURCE = HERE / "icon" / "workinggroup-app.svg"
DEFAULT_OUT = ROOT / "build" / "packaging" / "icons"
APP_ID = "gov.uscnwg.WorkingGroupApp"
NAME = "workinggroup-app"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


_APP = None


def render_pngs(source: Path, sizes: tuple[int, ...], folder: Path) -> dict[int, Path]:
    """Render ``source`` at each size (square PNG, transparent background)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer
    from PySide6.QtWidgets import QApplication

    # A full QApplication (not a QGuiApplication), kept for the life of the process: when
    # this runs inside a test session, later widget tests need a QApplication instance.
    global _APP
    _APP = QApplication.instance() or QApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise SystemExit(f"not a valid SVG: {source}")
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[int, Path] = {}
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        path = folder / f"{NAME}-{size}.png"
        if not image.save(str(path), "PNG"):
            raise SystemExit(f"could not write {path}")
        written[size] = path
    return written


def make_icons(out: Path = DEFAULT_OUT, source: Path = SOURCE) -> dict[str, Path]:
    """Write every icon file; returns the main ones by kind ("ico", "icns", "png", ...)."""
    from PIL import Image

    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    pngs = render_pngs(source, tuple(sorted(set(PNG_SIZES) | {1024})), out / "png")

    for size in PNG_SIZES:
        target = out / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pngs[size], target)
    scalable = out / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, scalable)

    images = {size: Image.open(pngs[size]).convert("RGBA") for size in pngs}
    ico = out / f"{NAME}.ico"
    largest = images[max(ICO_SIZES)]
    largest.save(
        ico,
        format="ICO",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[images[s] for s in ICO_SIZES if s != max(ICO_SIZES)],
    )
    icns = out / f"{NAME}.icns"
    images[max(ICNS_SIZES)].save(
        icns,
        format="ICNS",
        append_images=[images[s] for s in ICNS_SIZES if s != max(ICNS_SIZES)],
    )
    return {
        "ico": ico,
        "icns": icns,
        "png": pngs[256],
        "svg": scalable,
        "hicolor": out / "hicolor",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--source", type=Path, default=SOURCE, help="the one source SVG")
    args = parser.parse_args(argv)
    made = make_icons(args.out, args.source)
    for kind, path in made.items():
        print(f"{kind}: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
