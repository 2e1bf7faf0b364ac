"""Packaging tests: the root logger is left as each test found it."""

from __future__ import annotations

import logging

import pytest


@pytest.fixture(autouse=True)
def root_logging():
    """Remove the handlers a test (or the self-test it runs) adds to the root logger."""
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    yield root
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
