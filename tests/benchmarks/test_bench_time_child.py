"""The start-up benchmark's child runner: times each mark, and a child that waits for ever
(a dialog nobody answers) is killed after a timeout with the marks it printed and the end of
its stderr, instead of hanging the run without a word."""

from __future__ import annotations

import os
import re
import time

import pytest

from benchmarks import bench_gui

MARKS = ("painted", "list")


def test_times_every_mark():
    code = "import time; print('painted', flush=True); time.sleep(0.2); print('list')"
    out = bench_gui.time_child(code, [], MARKS, timeout=60)
    assert set(out) == set(MARKS)
    assert 0 < out["painted"] < out["list"] < 60


def test_a_child_that_ends_early_gives_the_marks_it_printed():
    out = bench_gui.time_child("print('noise'); print('painted')", [], MARKS, timeout=60)
    assert set(out) == {"painted"}


def test_a_chatty_stderr_does_not_block_the_child():
    code = "import sys; sys.stderr.write('x' * 4_000_000); print('painted'); print('list')"
    assert set(bench_gui.time_child(code, [], MARKS, timeout=60)) == set(MARKS)


@pytest.mark.parametrize("last", ["painted", "list"])
def test_a_child_waiting_for_ever_is_killed_and_named(last):
    code = (
        "import os, sys, time\n"
        "print('painted', flush=True)\n"
        f"if {last!r} == 'list': print('list', flush=True)\n"
        "print('pid', os.getpid(), file=sys.stderr)\n"
        "print('a dialog is waiting for an answer', file=sys.stderr, flush=True)\n"
        "time.sleep(600)\n"
    )
    started = time.monotonic()
    with pytest.raises(SystemExit) as raised:
        bench_gui.time_child(code, [], MARKS, timeout=3)
    assert time.monotonic() - started < 20
    message = str(raised.value.code)
    assert "3 s" in message and "killed" in message
    assert re.search(r"marks seen: painted after [\d.]+ s", message)
    assert ("list after" in message) == (last == "list")
    assert "a dialog is waiting for an answer" in message
    pid = int(re.search(r"pid (\d+)", message).group(1))
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed and reaped


def test_a_silent_child_is_killed_too():
    with pytest.raises(SystemExit, match="marks seen: none"):
        bench_gui.time_child("import time; time.sleep(600)", [], MARKS, timeout=1)
