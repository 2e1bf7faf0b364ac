"""What the installers are made of: icons from one source, the Linux desktop entry and AppStream
metadata, the Windows installer script, the version taken from the package metadata."""

from __future__ import annotations

import configparser
import importlib.util
import re
import subprocess
import xml.etree.ElementTree as ET
from importlib.metadata import version
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
APP_ID = "gov.uscnwg.WorkingGroupApp"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"packaging_{name}", PACKAGING / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_icon_is_made_from_the_one_source(tmp_path):
    make_icons = _module("make_icons")
    made = make_icons.make_icons(tmp_path / "icons")
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        png = tmp_path / "icons" / "png" / f"workinggroup-app-{size}.png"
        with Image.open(png) as image:
            assert image.size == (size, size)
            assert image.getpixel((size // 2, size // 2))[3] == 255  # drawn, not empty
        themed = tmp_path / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        assert themed.read_bytes() == png.read_bytes()
    with Image.open(made["ico"]) as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    with Image.open(made["icns"]) as icns:
        assert icns.format == "ICNS"
        assert (512, 512, 2) in icns.info["sizes"] or icns.size[0] >= 512
    assert sorted(p.name for p in (PACKAGING / "icon").iterdir()) == ["workinggroup-app.svg"]


def test_the_desktop_entry_starts_the_application_with_its_icon_in_both_languages():
    path = PACKAGING / "linux" / f"{APP_ID}.desktop"
    parser = configparser.RawConfigParser(delimiters=("=",), interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "workinggroup-app"  # install.sh writes the absolute path
    assert entry["Icon"] == APP_ID
    assert entry["Terminal"] == "false"
    assert entry["Name[zh_CN]"] and entry["Comment[zh_CN]"]
    assert entry["Categories"].endswith(";") and "Office" in entry["Categories"]
    assert entry["StartupWMClass"] == "workinggroup-app"  # Qt's WM_CLASS: the app's name


def test_the_appstream_metadata_is_well_formed_and_names_the_desktop_entry():
    tree = ET.parse(PACKAGING / "linux" / f"{APP_ID}.metainfo.xml")
    component = tree.getroot()
    assert component.tag == "component" and component.get("type") == "desktop-application"
    assert component.findtext("id") == APP_ID
    assert component.findtext("launchable") == f"{APP_ID}.desktop"
    assert component.find("provides/binary").text == "workinggroup-app"
    names = {n.get(XML_LANG): n.text for n in component.findall("name")}
    assert names[None] and names["zh-CN"]
    assert component.find("description/p") is not None
    assert component.find("releases") is None  # the build adds the release: no stale version


def test_the_shipped_metainfo_carries_this_release(tmp_path):
    build = _module("build")
    out = build.metainfo_with_release(
        PACKAGING / "linux" / f"{APP_ID}.metainfo.xml",
        tmp_path / f"{APP_ID}.metainfo.xml",
        version("workinggroup-app"),
        "2026-01-15",
    )
    component = ET.parse(out).getroot()
    releases = component.findall("releases/release")
    assert [(r.get("version"), r.get("date")) for r in releases] == [
        (version("workinggroup-app"), "2026-01-15")
    ]
    names = {n.get(XML_LANG): n.text for n in component.findall("name")}
    assert names["zh-CN"] == "工作组案件管理"  # Chinese and xml:lang survive the rewrite


def test_the_build_takes_the_version_from_the_package_metadata():
    build = _module("build")
    assert build.app_version() == version("workinggroup-app")


def test_no_installer_file_hard_codes_a_version():
    current = version("workinggroup-app")
    iss = (PACKAGING / "windows" / "workinggroup-app.iss").read_text(encoding="utf-8")
    assert "AppVersion={#AppVersion}" in iss
    assert "#error" in iss  # iscc without /DAppVersion refuses to build
    spec = (PACKAGING / "workinggroup-app.spec").read_text(encoding="utf-8")
    assert "VERSION = version(NAME)" in spec
    for text in (iss, spec):
        assert not re.search(r"(?<![\d.])" + re.escape(current) + r"(?![\d.])", text)


def test_the_linux_install_script_is_valid_shell():
    result = subprocess.run(
        ["sh", "-n", str(PACKAGING / "linux" / "install.sh")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_the_packaging_tools_are_an_extra_not_a_runtime_dependency():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    tools = " ".join(project["optional-dependencies"]["packaging"]).lower()
    assert "pyinstaller>=6" in tools and "pillow" in tools
    assert not any("pyinstaller" in d.lower() for d in project["dependencies"])
