"""The Linux installer, built from this tree, works on a machine without the source tree.

Builds with packaging/build.py (PyInstaller; several minutes), unpacks the .tar.gz in a
folder outside the source tree, installs it there with install.sh as a user would, and
runs the installed executable from yet another folder with PYTHONPATH unset and the
virtual environment off PATH: ``--version`` and ``--self-test`` must succeed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP_ID = "gov.uscnwg.WorkingGroupApp"
NAME = "workinggroup-app"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="builds the Linux installer"),
]


def _clean_env(home: Path) -> dict[str, str]:
    """A user's session: no PYTHONPATH, no virtual environment, no display, a HOME of its
    own (so the user folders, where data, settings and logs go, are the test's)."""
    venv_bin = str(Path(sys.executable).parent)
    path = os.pathsep.join(
        p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p != venv_bin
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "VIRTUAL_ENV", "QT_", "PYTEST", "WORKINGGROUP_", "XDG_"))
        and k not in ("DISPLAY", "WAYLAND_DISPLAY")
    }
    env.update(PATH=path or "/usr/bin:/bin", HOME=str(home))
    return env


@pytest.fixture(scope="module")
def installer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build")
    result = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build.py"), "--dist", str(out / "dist"),
         "--work", str(out / "work")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=3600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    archives = list((out / "dist").glob(f"{NAME}-*-linux-*.tar.gz"))
    assert len(archives) == 1, result.stdout
    return archives[0]


def test_the_bundle_holds_qt_plugins_translations_fonts_and_migrations(installer, tmp_path):
    release = version(NAME)
    assert installer.name.startswith(f"{NAME}-{release}-linux-")
    with tarfile.open(installer) as tar:
        names = set(tar.getnames())
    top = installer.name.removesuffix(".tar.gz")
    lib = f"{top}/lib/{NAME}"
    internal = f"{lib}/_internal"
    needed = [
        f"{top}/install.sh",
        f"{top}/share/applications/{APP_ID}.desktop",
        f"{top}/share/metainfo/{APP_ID}.metainfo.xml",
        f"{top}/share/icons/hicolor/256x256/apps/{APP_ID}.png",
        f"{top}/share/icons/hicolor/scalable/apps/{APP_ID}.svg",
        f"{lib}/{NAME}",
        f"{internal}/PySide6/Qt/plugins/platforms/libqoffscreen.so",
        f"{internal}/PySide6/Qt/plugins/platforms/libqxcb.so",
        f"{internal}/PySide6/Qt/plugins/platforms/libqwayland.so",
        f"{internal}/PySide6/Qt/plugins/imageformats/libqsvg.so",
        f"{internal}/PySide6/Qt/lib/libQt6Charts.so.6",
        f"{internal}/PySide6/Qt/translations/qtbase_zh_CN.qm",
        f"{internal}/workinggroup_app/resources/fonts/wqy-microhei.ttc",
        f"{internal}/workinggroup_app/resources/fonts/LICENSE-wqy-microhei.txt",
        f"{internal}/workinggroup_app/migrations/env.py",
        f"{internal}/workinggroup_app/migrations/script.py.mako",
    ]
    missing = [n for n in needed if n not in names]
    assert not missing
    for source in sorted((ROOT / "migrations" / "versions").glob("[0-9]*.py")):
        assert f"{internal}/workinggroup_app/migrations/versions/{source.name}" in names
    for qm in sorted((ROOT / "resources" / "i18n").glob("*.qm")):
        assert f"{internal}/workinggroup_app/resources/i18n/{qm.name}" in names
    # the package metadata, where importlib.metadata.version() finds the version
    assert any(
        n.startswith(
            (
                f"{internal}/workinggroup_app-{release}.dist-info/",
                f"{internal}/workinggroup_app.egg-info/",
            )
        )
        for n in names
    )
    # test tools and unused Qt modules stay out
    assert not [n for n in names if "/pytest" in n or "/pypdf" in n or "WebEngine" in n]
    assert not [n for n in names if "libQt6Quick" in n or "libQt6Pdf" in n]


def test_installed_elsewhere_it_reports_its_version_and_passes_its_self_test(installer, tmp_path):
    release = version(NAME)
    unpacked = tmp_path / "downloads"
    with tarfile.open(installer) as tar:
        tar.extractall(unpacked, filter="tar")
    top = unpacked / installer.name.removesuffix(".tar.gz")
    home = tmp_path / "home"
    home.mkdir()
    env = _clean_env(home)

    install = subprocess.run(
        [str(top / "install.sh")], cwd=home, env=env, capture_output=True, text=True, timeout=600
    )
    assert install.returncode == 0, install.stdout + install.stderr
    exe = home / ".local" / "lib" / NAME / NAME
    assert f"Installed {NAME} {release}" in install.stdout
    desktop = (home / ".local/share/applications" / f"{APP_ID}.desktop").read_text("utf-8")
    assert f"Exec={exe}\n" in desktop
    metainfo = ET.parse(home / ".local/share/metainfo" / f"{APP_ID}.metainfo.xml").getroot()
    assert metainfo.find("releases/release").get("version") == release
    assert (home / ".local/share/icons/hicolor/48x48/apps" / f"{APP_ID}.png").is_file()
    assert (home / ".local/bin" / NAME).resolve() == exe.resolve()

    # The downloaded archive can go: the installed copy stands alone.
    subprocess.run(["rm", "-rf", str(unpacked)], check=True)
    elsewhere = tmp_path / "somewhere-else"
    elsewhere.mkdir()

    shown = subprocess.run(
        [str(exe), "--version"], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == f"{NAME} {release}"

    checked = subprocess.run(
        [str(exe), "--self-test"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    print(checked.stdout)  # shown with -s: the report a user would read
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"ok    installation  version {release} (bundle)" in checked.stdout
    assert "ok    main window   offscreen platform" in checked.stdout
    assert "ok    Chinese text" in checked.stdout
    assert "self-test passed: 8 steps" in checked.stdout
    assert not list(elsewhere.iterdir())  # it wrote nothing where it was started
    # its log went to the user's log folder, not next to the program
    logs = list((home / ".local" / "state").rglob("workinggroup-app.log"))
    assert logs and "self-test passed" in logs[0].read_text("utf-8")

    # and the command on PATH (a symbolic link into the installation) is the same program
    via_path = subprocess.run(
        [NAME, "--version"],
        cwd=elsewhere,
        env={**env, "PATH": f"{home / '.local' / 'bin'}{os.pathsep}{env['PATH']}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert via_path.stdout.strip() == f"{NAME} {release}"
