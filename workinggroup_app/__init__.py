"""Core of the working-group case manager: domain, storage, services, reports, CLI.

This package never imports Qt; the desktop interface lives in the top-level ``ui`` package.
"""

from typing import Any


def __getattr__(name: str) -> Any:
    # ``__version__`` is read from the installed metadata when first asked for: importing
    # importlib.metadata costs ~20 ms, which every start of the window would pay otherwise.
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("workinggroup-app")
    except PackageNotFoundError:  # running from a source tree that was never installed
        found = "0.0.0+source"
    globals()["__version__"] = found
    return found
