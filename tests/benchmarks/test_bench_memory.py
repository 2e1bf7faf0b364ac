"""The benchmark's peak memory is the measuring process's own, not that of the process that
started it (on Linux ``ru_maxrss`` carries the parent's high-water mark across exec, so a run
that seeded first reported the seeding parent's peak)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from benchmarks import __main__ as bench

ROOT = Path(__file__).resolve().parents[2]

PARENT = """
import subprocess, sys
grown = bytearray(200 * 1024 * 1024)
for i in range(0, len(grown), 4096):
    grown[i] = 1  # resident, not just reserved
child = "from benchmarks.__main__ import peak_rss_mb; print(peak_rss_mb())"
print(subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
                     check=True).stdout.strip())
"""


def test_a_child_reports_its_own_peak_not_its_parents():
    out = subprocess.run(
        [sys.executable, "-c", PARENT], capture_output=True, text=True, check=True, cwd=ROOT
    )
    peak = float(out.stdout)
    assert 0 < peak < 100, f"{peak:.0f} MB: the 200 MB parent's peak, not the child's"


def test_without_proc_the_peak_is_ru_maxrss(monkeypatch):
    import resource

    def no_proc(*args, **kwargs):
        raise FileNotFoundError("/proc/self/status")

    monkeypatch.setattr(bench, "open", no_proc, raising=False)
    expected = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert bench.peak_rss_mb() >= expected > 0
