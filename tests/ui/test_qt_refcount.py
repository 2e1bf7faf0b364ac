"""Guard against the PySide6 6.12 / Python 3.11 crash (FINDINGS.md).

On Python 3.11, many void Qt calls (``QComboBox.addItem`` among them) drop one reference
to ``None`` per call, and the process dies with ``Fatal Python error: none_dealloc`` after
~20,000 calls: a list filter bar or a picker would crash the application within minutes.
On Python 3.12+ ``None`` is immortal and its reference count never moves. If this test
fails, the interpreter or the Qt binding in use has that defect: do not ship with it.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CALLS = 3_000


def test_none_refcount_does_not_drift_over_many_void_qt_calls(qapp):
    from PySide6.QtWidgets import QComboBox, QListWidget

    combo = QComboBox()
    listing = QListWidget()
    before = sys.getrefcount(None)
    for i in range(CALLS):
        combo.addItem(f"item {i}")
        listing.addItem(f"item {i}")
    combo.clear()
    listing.clear()
    after = sys.getrefcount(None)
    assert combo.count() == 0
    assert after - before == 0, (
        f"None lost {before - after} references over {2 * CALLS:,} void Qt calls "
        f"(Python {sys.version.split()[0]}); this combination crashes after ~20,000 calls"
    )


def test_python_is_one_on_which_none_is_immortal():
    assert sys.version_info >= (3, 12), "PySide6 6.12 on Python 3.11 crashes (none_dealloc)"
