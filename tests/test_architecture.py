"""The shape of the code, held by tests: the rooms import downwards only, the core never
imports Qt, there is no import cycle anywhere, no module grows past 800 lines, and the words
of the application are defined in one vocabulary.

The import contracts live in pyproject.toml ([tool.importlinter]); docs/architecture.md
draws them.
"""

from __future__ import annotations

import ast
import io
import logging
import re
from contextlib import redirect_stdout
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (ROOT / "workinggroup_app", ROOT / "ui")
MAX_LINES = 800
CJK = re.compile(r"[\u3400-\u9fff]")

# Where English and Chinese words may be defined side by side: the one vocabulary, and the
# definitions of fields and of a record's parts, which carry their own labels.
WORD_HOMES = {
    "workinggroup_app/domain/vocabulary.py",
    "workinggroup_app/domain/fields.py",
    "workinggroup_app/domain/children.py",
}


def _modules() -> list[Path]:
    return sorted(p for folder in PACKAGES for p in folder.rglob("*.py"))


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_the_import_contracts_hold():
    from importlinter.cli import lint_imports

    # import-linter configures logging with dictConfig, which disables every logger that
    # exists already (the application's own among them): put them back as they were, or a
    # later test finds its log file empty
    loggers = [
        lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)
    ]
    disabled = {id(lg): lg.disabled for lg in loggers}
    out = io.StringIO()
    try:
        with redirect_stdout(out):
            code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    finally:
        for lg in loggers:
            lg.disabled = disabled[id(lg)]
    report = out.getvalue()
    assert code == 0, report
    for name in (
        "Rooms import downwards only",
        "The core never imports Qt or the desktop interface",
        "No import cycle between modules or packages",
    ):
        assert re.search(rf"{re.escape(name)}.* KEPT", report), report


def test_no_module_is_longer_than_800_lines():
    long = {
        _relative(p): n
        for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"split these by concept: {long}"


def _label_pairs(tree: ast.AST) -> list[tuple[int, str, str]]:
    """(line, English, Chinese) of every literal pair ("Agenda", "议程") or triple
    ("agenda", "Agenda", "议程") in the code. Messages handed to a call (an error's English
    and Chinese text) are not labels and are not counted."""
    arguments = {
        id(arg) for node in ast.walk(tree) if isinstance(node, ast.Call) for arg in node.args
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Tuple) or len(node.elts) not in (2, 3):
            continue
        if id(node) in arguments:
            continue
        values = [e.value for e in node.elts if isinstance(e, ast.Constant)]
        if len(values) != len(node.elts) or not all(isinstance(v, str) for v in values):
            continue
        en, zh = values[-2], values[-1]
        if CJK.search(zh) and not CJK.search(en) and re.search(r"[A-Za-z]{2}", en):
            found.append((node.lineno, en, zh))
    return found


def test_bilingual_labels_are_defined_in_the_vocabulary_only():
    stray = {}
    for path in _modules():
        rel = _relative(path)
        if rel in WORD_HOMES:
            continue
        pairs = _label_pairs(ast.parse(path.read_text(encoding="utf-8")))
        # a language's name in its own script ("中文（简体）") is not a translation
        pairs = [p for p in pairs if not re.fullmatch(r"[a-z]{2}(_[A-Z]{2})?", p[1])]
        if pairs:
            stray[rel] = pairs[:3]
    assert not stray, f"move these words into domain/vocabulary.py: {stray}"


def test_the_detector_of_label_tables_sees_one():
    """The test above can fail: a table of words outside the vocabulary is found."""
    tree = ast.parse('T = {"agenda": ("Agenda", "议程")}\nraise E("Bad input.", "输入有误。")\n')
    assert _label_pairs(tree) == [(1, "Agenda", "议程")]


@pytest.mark.parametrize("room", sorted(p.name for p in (ROOT / "tests").iterdir() if p.is_dir()))
def test_test_folders_mirror_the_rooms(room):
    """tests/<room> is a room of the core (tests/ui mirrors ui/), or one of the kinds of
    test that cross rooms."""
    kinds = {"ui", "postgres", "packaging", "benchmarks", "__pycache__"}
    assert room in kinds or (ROOT / "workinggroup_app" / room).is_dir(), room


def test_the_architecture_page_draws_the_layers_of_the_contract():
    """docs/architecture.md shows the layers in the order pyproject.toml enforces them, and
    names only modules that exist on its road of a change."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    layers = next(
        c["layers"] for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "layers"
    )
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    diagram = page.split("```")[1]
    positions = [diagram.find(layer) for layer in layers]
    assert -1 not in positions, [
        layer for layer, p in zip(layers, positions, strict=True) if p == -1
    ]
    assert positions == sorted(positions), "the diagram's layers are out of order"
    for path in re.findall(r"`((?:ui|workinggroup_app)/[\w/]+\.py)`", page):
        assert (ROOT / path).is_file(), path
