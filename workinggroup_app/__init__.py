"""Core of the working-group case manager: domain, storage, services, reports, CLI.

This package never imports Qt; the desktop interface lives in the top-level ``ui`` package.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("workinggroup-app")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
