"""The installed ``workinggroup-app`` command: the core's command line with this desktop
interface handed to it.

The core (``workinggroup_app``) never imports Qt or this package; its command line takes the
desktop as a parameter (``workinggroup_app.cli.main.main(argv, desktop=...)``, the protocol in
``workinggroup_app.cli.desktop``). ``QtDesktop`` is that parameter: each method imports the
Qt side only when it is called, so a command that needs no window never loads Qt.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

QT_PACKAGES = ("workinggroup_ui", "PySide6", "shiboken6")


def _qt[T](call: Callable[[], T]) -> T:
    """``call()``; a missing Qt installation becomes a one-line error, not a traceback."""
    try:
        return call()
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if missing.split(".")[0] not in QT_PACKAGES:
            raise
        from workinggroup_app.domain.errors import DomainError

        raise DomainError(
            f"The desktop interface is not available ({missing} is not installed).",
            f"桌面界面不可用（未安装 {missing}）。",
        ) from None


class QtDesktop:
    """The desktop interface as the command line sees it (``cli.desktop.Desktop``)."""

    def run(
        self, *, database_url: str | None, demo: bool, lang: str | None, argv: list[str]
    ) -> int:
        def start() -> int:
            from workinggroup_ui.app import run

            return run(database_url=database_url, demo=demo, lang=lang, argv=argv)

        return _qt(start)

    def take_screenshots(
        self, out_dir: Path, *, lang: str, db: Any | None = None, actor: Any = None
    ) -> list[Path]:
        def shoot() -> list[Path]:
            from workinggroup_ui.tools.screenshot import take_screenshots

            return take_screenshots(out_dir, lang=lang, db=db, actor=actor)

        return _qt(shoot)

    def render_main_window(self, db: Any, *, lang: str, work: Path) -> str:
        def render() -> str:
            from workinggroup_ui.tools.selftest import render_main_window

            return render_main_window(db, lang=lang, work=work)

        return _qt(render)


def main(argv: Sequence[str] | None = None) -> int:
    from workinggroup_app.cli.main import main as cli_main

    return cli_main(argv, desktop=QtDesktop())


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
