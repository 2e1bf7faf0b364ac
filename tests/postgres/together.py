"""Run several writers against one PostgreSQL database at the same moment (tests only)."""

from __future__ import annotations

import threading
from collections.abc import Callable


def run_together(writer: Callable[[int], None], count: int, timeout: float = 120) -> None:
    """``writer(0)`` … ``writer(count - 1)``, each on its own thread, released at once by a
    barrier; any exception from any of them fails the calling test."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def start(n: int) -> None:
        try:
            barrier.wait(10)
            writer(n)
        except BaseException as exc:  # reported below, on the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    assert not errors, errors
    assert not any(t.is_alive() for t in threads), "a writer did not finish in time"
