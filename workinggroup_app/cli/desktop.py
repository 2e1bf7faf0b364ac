"""What the command line needs of a desktop interface, handed to ``main`` by the installed
command (``workinggroup_ui.launch``): the core never imports Qt or the interface itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from workinggroup_app.domain.errors import DomainError


class Desktop(Protocol):
    """The three ways the command line uses a window."""

    def run(
        self, *, database_url: str | None, demo: bool, lang: str | None, argv: list[str]
    ) -> int:
        """Start the desktop application; the process exit code."""
        ...

    def take_screenshots(self, out_dir: Path, *, lang: str, database_url: str | None) -> list[Path]:
        """Save the main views as PNG files in ``out_dir``; their paths."""
        ...

    def render_main_window(self, db: Any, *, lang: str, work: Path) -> str:
        """Build and render the main window over ``db`` (the self-test); a summary line."""
        ...


def no_desktop() -> DomainError:
    """The error of a window command started without a desktop interface."""
    return DomainError(
        "The desktop interface is not part of this command: start it with workinggroup-app.",
        "此命令不包含桌面界面：请用 workinggroup-app 启动。",
    )
