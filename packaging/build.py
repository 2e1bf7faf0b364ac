"""Build the desktop application's bundle and installer for the platform this runs on.

    .venv/bin/python packaging/build.py                 bundle + installer
    .venv/bin/python packaging/build.py --no-installer  the one-folder bundle only

Steps:
1. install the ``packaging`` extra of pyproject.toml (PyInstaller, Pillow) into this
   interpreter if it is missing;
2. compile the translations (resources/i18n/*.ts -> .qm, pyside6-lrelease), if any;
3. make every icon from packaging/icon/workinggroup-app.svg (make_icons.py);
4. run PyInstaller on packaging/workinggroup-app.spec -> dist/workinggroup-app/;
5. the installer:
   - Linux: dist/workinggroup-app-<version>-linux-<arch>.tar.gz, holding the bundle, the
     desktop entry, the AppStream metadata (with this release), the icons and install.sh;
   - Windows: dist/workinggroup-app-<version>-windows-x64-setup.exe (Inno Setup 6's iscc);
   - macOS: dist/workinggroup-app-<version>-macos.dmg holding "Working Group.app"
     (signed when CODESIGN_IDENTITY is set).

The version everywhere is ``importlib.metadata.version("workinggroup-app")``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NAME = "workinggroup-app"
APP_ID = "gov.uscnwg.WorkingGroupApp"
SPEC = HERE / "workinggroup-app.spec"
DEFAULT_DIST = ROOT / "dist"
DEFAULT_WORK = ROOT / "build" / "pyinstaller"
ICONS = ROOT / "build" / "packaging" / "icons"
STAGE = ROOT / "build" / "packaging" / "stage"

# import name -> distribution, for the requirements of the ``packaging`` extra
IMPORT_NAMES = {"pyinstaller": "PyInstaller", "pillow": "PIL"}


def say(text: str) -> None:
    print(f"[build] {text}", flush=True)


def app_version() -> str:
    """The version from the installed package's metadata (checked against pyproject.toml)."""
    installed = version(NAME)
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "version"
    ]
    if installed != declared:
        raise SystemExit(
            f"the installed metadata says {installed} but pyproject.toml says {declared}: "
            f"run `{sys.executable} -m pip install -e .` first"
        )
    return installed


def ensure_packaging_tools() -> None:
    """pip-install the ``packaging`` extra's requirements that this interpreter lacks."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project.get("optional-dependencies", {}).get("packaging", [])
    missing = []
    for requirement in wanted:
        dist = requirement.split(";")[0].strip()
        for sep in "<>=!~[ ":
            dist = dist.split(sep)[0]
        module = IMPORT_NAMES.get(dist.lower(), dist.replace("-", "_"))
        if importlib.util.find_spec(module) is None:
            missing.append(requirement)
    if missing:
        say(f"installing {', '.join(missing)}")
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *missing], check=True)


def compile_translations() -> list[Path]:
    """resources/i18n/*.ts -> .qm next to them (skipped when the .qm is newer)."""
    folder = ROOT / "resources" / "i18n"
    sources = sorted(folder.glob("*.ts"))
    if not sources:
        say("no translation sources (resources/i18n/*.ts): English interface only")
        return []
    tool = shutil.which("pyside6-lrelease", path=str(Path(sys.executable).parent)) or shutil.which(
        "pyside6-lrelease"
    )
    built = []
    for ts in sources:
        qm = ts.with_suffix(".qm")
        if qm.exists() and qm.stat().st_mtime >= ts.stat().st_mtime:
            built.append(qm)
            continue
        if tool is None:
            raise SystemExit("pyside6-lrelease not found (it comes with PySide6)")
        subprocess.run([tool, "-silent", str(ts), "-qm", str(qm)], check=True)
        built.append(qm)
    say(f"translations: {', '.join(p.name for p in built)}")
    return built


def make_icons() -> dict[str, Path]:
    sys.path.insert(0, str(HERE))
    try:
        import make_icons as icons
    finally:
        sys.path.remove(str(HERE))
    made = icons.make_icons(ICONS)
    say(f"icons in {ICONS}")
    return made


def run_pyinstaller(dist: Path, work: Path, *, clean: bool) -> Path:
    env = dict(os.environ, WORKINGGROUP_ICON_DIR=str(ICONS))
    env.pop("PYTHONPATH", None)
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        str(SPEC),
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(dist),
        "--workpath",
        str(work),
    ]
    if clean:
        command.append("--clean")
    say("running PyInstaller (several minutes)")
    subprocess.run(command, check=True, cwd=ROOT, env=env)
    bundle = dist / NAME
    exe = bundle / (f"{NAME}.exe" if sys.platform == "win32" else NAME)
    if not exe.exists():
        raise SystemExit(f"PyInstaller did not produce {exe}")
    return bundle


# --- Linux ------------------------------------------------------------------------------------


def metainfo_with_release(source: Path, target: Path, release: str, date: str) -> Path:
    """Copy the AppStream file with a <releases> entry for this version (replacing any)."""
    tree = ET.parse(source)
    component = tree.getroot()
    for old in component.findall("releases"):
        component.remove(old)
    releases = ET.SubElement(component, "releases")
    ET.SubElement(releases, "release", {"version": release, "date": date})
    ET.indent(tree, space="  ")
    target.parent.mkdir(parents=True, exist_ok=True)
    tree.write(target, encoding="UTF-8", xml_declaration=True)
    return target


def linux_arch() -> str:
    machine = platform.machine().lower()
    return {"amd64": "x86_64", "arm64": "aarch64"}.get(machine, machine)


def linux_installer(bundle: Path, dist: Path, release: str) -> Path:
    """A tar.gz: <top>/install.sh, <top>/lib/workinggroup-app/ (the bundle), <top>/share/..."""
    top = f"{NAME}-{release}-linux-{linux_arch()}"
    if STAGE.exists():
        shutil.rmtree(STAGE)
    share = STAGE / "share"
    (share / "applications").mkdir(parents=True)
    shutil.copyfile(
        HERE / "linux" / f"{APP_ID}.desktop", share / "applications" / f"{APP_ID}.desktop"
    )
    today = datetime.now(UTC).date().isoformat()
    metainfo_with_release(
        HERE / "linux" / f"{APP_ID}.metainfo.xml",
        share / "metainfo" / f"{APP_ID}.metainfo.xml",
        release,
        today,
    )
    shutil.copytree(ICONS / "hicolor", share / "icons" / "hicolor")
    shutil.copyfile(HERE / "linux" / "install.sh", STAGE / "install.sh")
    (STAGE / "install.sh").chmod(0o755)
    (STAGE / "VERSION").write_text(f"{release}\n", encoding="utf-8")

    archive = dist / f"{top}.tar.gz"
    say(f"writing {archive.name}")
    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
        tar.add(STAGE, arcname=top)
        tar.add(bundle, arcname=f"{top}/lib/{NAME}")
    return archive


# --- Windows ----------------------------------------------------------------------------------


def find_iscc() -> str | None:
    found = shutil.which("iscc") or shutil.which("ISCC")
    if found:
        return found
    for base in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES")):
        if base and (Path(base) / "Inno Setup 6" / "ISCC.exe").exists():
            return str(Path(base) / "Inno Setup 6" / "ISCC.exe")
    return None


def windows_installer(bundle: Path, dist: Path, release: str) -> Path:
    iscc = find_iscc()
    if iscc is None:
        raise SystemExit(
            "Inno Setup 6 is needed for the installer: https://jrsoftware.org/isdl.php"
        )
    numeric = ".".join(
        ([p for p in release.split("+")[0].split(".") if p.isdigit()] + ["0"] * 4)[:4]
    )
    subprocess.run(
        [
            iscc,
            f"/DAppVersion={release}",
            f"/DAppVersionNumeric={numeric}",
            f"/DSourceDir={bundle}",
            f"/DOutputDir={dist}",
            f"/DIconFile={ICONS / (NAME + '.ico')}",
            str(HERE / "windows" / "workinggroup-app.iss"),
        ],
        check=True,
    )
    return dist / f"{NAME}-{release}-windows-x64-setup.exe"


# --- macOS ------------------------------------------------------------------------------------


def macos_installer(dist: Path, release: str) -> Path:
    app = dist / "Working Group.app"
    if not app.exists():
        raise SystemExit(f"PyInstaller did not produce {app}")
    identity = os.environ.get("CODESIGN_IDENTITY")
    if identity:
        subprocess.run(
            ["codesign", "--force", "--deep", "--options", "runtime", "--sign", identity, str(app)],
            check=True,
        )
    stage = STAGE / "dmg"
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    shutil.copytree(app, stage / app.name, symlinks=True)
    (stage / "Applications").symlink_to("/Applications")
    dmg = dist / f"{NAME}-{release}-macos.dmg"
    dmg.unlink(missing_ok=True)
    subprocess.run(
        ["hdiutil", "create", "-volname", "Working Group", "-srcfolder", str(stage), "-ov",
         "-format", "UDZO", str(dmg)],
        check=True,
    )  # fmt: skip
    return dmg


# --- main -------------------------------------------------------------------------------------


def size_of(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def build(
    *, dist: Path = DEFAULT_DIST, work: Path = DEFAULT_WORK, installer: bool = True, clean=False
) -> dict[str, Path]:
    started = time.monotonic()
    ensure_packaging_tools()
    release = app_version()
    say(f"{NAME} {release} for {sys.platform} ({platform.machine()})")
    compile_translations()
    make_icons()
    dist.mkdir(parents=True, exist_ok=True)
    bundle = run_pyinstaller(dist, work, clean=clean)
    made = {"bundle": bundle}
    say(f"bundle: {bundle} ({size_of(bundle) / 1e6:.0f} MB)")
    if installer:
        if sys.platform == "win32":
            made["installer"] = windows_installer(bundle, dist, release)
        elif sys.platform == "darwin":
            made["installer"] = macos_installer(dist, release)
        else:
            made["installer"] = linux_installer(bundle, dist, release)
        say(f"installer: {made['installer']} ({size_of(made['installer']) / 1e6:.0f} MB)")
    say(f"done in {time.monotonic() - started:.0f} s")
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=DEFAULT_DIST, help="output folder")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="PyInstaller's work folder")
    parser.add_argument("--no-installer", action="store_true", help="the bundle folder only")
    parser.add_argument("--clean", action="store_true", help="ignore PyInstaller's cache")
    args = parser.parse_args(argv)
    build(
        dist=args.dist.resolve(),
        work=args.work.resolve(),
        installer=not args.no_installer,
        clean=args.clean,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
