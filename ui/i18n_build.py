"""Compile the translation sources (resources/i18n/*.ts) into the .qm files Qt loads.

The .qm files are built, never edited or committed. Three places build them:

- ``python -m workinggroup_ui.i18n_build [--quiet]`` (``./dev`` at set-up): every .ts in
  resources/i18n compiled next to itself when the .qm is missing or older;
- ``setup.py``'s ``build_py`` for a non-editable ``pip install .`` (when lrelease is there);
- :func:`qm_path` at start-up: when the shipped .qm is missing or older than its .ts, the
  .ts is compiled into the user's cache folder and loaded from there.

This module imports no Qt: it finds PySide6's ``lrelease`` program and runs it.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import shutil
import subprocess
import sys
from pathlib import Path

log = logging.getLogger(__name__)


def _i18n_dir() -> Path:
    """resources/i18n as installed (``workinggroup_app.resources``); beside ui/ in a checkout
    when nothing is installed yet (setup.py loads this file by its path while building)."""
    try:
        from importlib.resources import files

        return Path(str(files("workinggroup_app.resources") / "i18n"))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[1] / "resources" / "i18n"


I18N_DIR = _i18n_dir()
PREFIX = "workinggroup_"


def lrelease_command() -> list[str] | None:
    """The command that runs Qt's lrelease, or None when none is installed."""
    spec = importlib.util.find_spec("PySide6")
    if spec is not None and spec.origin:
        folder = Path(spec.origin).parent
        for name in ("lrelease", "lrelease.exe"):
            if (folder / name).is_file():
                return [str(folder / name)]
    here = Path(sys.executable).parent
    for name in ("pyside6-lrelease", "pyside6-lrelease.exe"):
        if (here / name).is_file():
            return [str(here / name)]
    found = shutil.which("pyside6-lrelease") or shutil.which("lrelease")
    return [found] if found else None


def is_stale(ts: Path, qm: Path) -> bool:
    return not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime


def compile_ts(ts: Path, qm: Path) -> bool:
    """Compile one .ts into ``qm``; False (and a log line) when that is not possible."""
    command = lrelease_command()
    if command is None:
        log.warning("lrelease not found: %s not compiled", ts.name)
        return False
    qm.parent.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(
            [*command, "-silent", str(ts), "-qm", str(qm)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("lrelease failed on %s: %s", ts.name, exc)
        return False
    if done.returncode != 0 or not qm.exists():
        log.warning("lrelease failed on %s: %s", ts.name, done.stderr.strip())
        return False
    return True


def build_all(
    source: Path = I18N_DIR, target: Path | None = None, force: bool = False
) -> list[Path]:
    """Compile every .ts in ``source`` into ``target`` (default: next to it); the .qm built."""
    target = target or source
    built = []
    for ts in sorted(source.glob("*.ts")):
        qm = target / ts.with_suffix(".qm").name
        if (force or is_stale(ts, qm)) and compile_ts(ts, qm):
            built.append(qm)
    return built


def cache_dir() -> Path:
    from platformdirs import user_cache_dir

    from workinggroup_ui.settings import APPLICATION, ORGANIZATION

    return Path(user_cache_dir(APPLICATION, ORGANIZATION)) / "i18n"


def qm_path(lang: str, source: Path = I18N_DIR) -> Path | None:
    """The .qm to load for ``lang``: the shipped one when current, else one built in the cache.

    None when there is no translation for the language (English) or it cannot be built.
    """
    name = f"{PREFIX}{lang}"
    ts, shipped = source / f"{name}.ts", source / f"{name}.qm"
    if not ts.exists():  # an installed build may ship the .qm alone
        return shipped if shipped.exists() else None
    if not is_stale(ts, shipped):
        return shipped
    cached = cache_dir() / f"{name}.qm"
    if not is_stale(ts, cached) or compile_ts(ts, cached):
        return cached
    return shipped if shipped.exists() else None  # an old translation beats none


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m workinggroup_ui.i18n_build", description=__doc__
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing on success")
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    args = parser.parse_args(argv)
    sources = sorted(I18N_DIR.glob("*.ts"))
    if not sources:
        return 0
    if lrelease_command() is None:
        print("pyside6-lrelease not found: translations not compiled", file=sys.stderr)
        return 1
    built = build_all(force=args.force)
    stale = [ts.name for ts in sources if is_stale(ts, ts.with_suffix(".qm"))]
    if stale:
        print(f"could not compile: {', '.join(stale)}", file=sys.stderr)
        return 1
    if not args.quiet:
        for qm in built:
            print(f"built {qm}")
        if not built:
            print("translations up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
