"""``workinggroup-app --self-test``: every step passes on a good installation, and a real
problem makes it stop, name the step and exit non-zero."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from workinggroup_app.cli import selftest


def _run(tmp_path: Path, **kw) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = selftest.run_self_test(out=out, err=err, work_dir=tmp_path / "work", **kw)
    return code, out.getvalue()


def test_core_steps_pass_and_the_packet_holds_the_chinese_title(tmp_path):
    code, output = _run(tmp_path)
    assert code == 0, output
    for step in ("installation", "log folder", "libraries", "database", "demo data", "packet"):
        assert f"ok    {step}" in output
    assert "ok    Chinese text" in output
    assert "self-test passed: 7 steps" in output
    # The small PDF reader agrees with a real PDF library on what the packet says.
    pdf = tmp_path / "work" / "bilateral-packet.pdf"
    extracted = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "会议资料" in extracted
    fonts = selftest.read_pdf_fonts(pdf.read_bytes())
    assert any(f.embedded and "会" in f.chars and "议" in f.chars for f in fonts)


def test_a_packet_without_the_expected_chinese_fails_at_that_step(tmp_path, monkeypatch):
    # A character the packet never prints: its glyph cannot be in the PDF's Unicode maps.
    monkeypatch.setattr(selftest, "PACKET_TITLE_ZH", "会议资料龘")
    code, output = _run(tmp_path)
    assert code == 1
    assert "FAIL  Chinese text" in output and "龘" in output
    assert "self-test passed" not in output


def test_a_pdf_drawn_with_a_font_that_is_not_embedded_is_refused(tmp_path):
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "helvetica.pdf"
    canvas = Canvas(str(path))
    canvas.setFont("Helvetica", 12)
    canvas.drawString(72, 720, "Meeting packet")
    canvas.save()
    fonts = selftest.read_pdf_fonts(path.read_bytes())
    assert [f.name for f in fonts] == ["Helvetica"]
    assert not fonts[0].embedded


def test_the_first_failure_stops_the_run_and_is_printed(tmp_path, monkeypatch):
    def broken(state):
        raise selftest.SelfTestError("no migration scripts in /nowhere")

    steps = tuple((n, broken if n == "database" else f) for n, f in selftest.STEPS)
    monkeypatch.setattr(selftest, "STEPS", steps)
    code, output = _run(tmp_path)
    assert code == 1
    assert "FAIL  database: no migration scripts in /nowhere" in output
    assert "demo data" not in output  # nothing after the first failure runs
    assert not (tmp_path / "work" / "bilateral-packet.pdf").exists()


@pytest.mark.slow
def test_the_command_line_flag_runs_every_step_including_the_window(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)  # the self-test must choose offscreen by itself
    result = subprocess.run(
        [sys.executable, "-m", "workinggroup_ui", "--self-test"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok    main window   offscreen platform" in result.stdout
    assert "self-test passed: 8 steps" in result.stdout
    assert not list(tmp_path.iterdir())  # nothing left behind in the current folder
