"""Where the packages' sources live, and a build hook that compiles the translations.

The top-level folders of the checkout install under the project's own import names, so
installing claims no generic name such as ``ui``, ``resources`` or ``migrations``:

    workinggroup_app/  -> workinggroup_app             the core (never imports Qt)
    ui/                -> workinggroup_ui              the desktop interface
    resources/         -> workinggroup_app.resources   font, translations, shipped data
    migrations/        -> workinggroup_app.migrations  Alembic environment and versions

Everything else about the package lives in pyproject.toml. When Qt's lrelease is not
available in the build environment the step is skipped; the application then compiles
the .ts into the user's cache folder at start-up (ui/i18n_build.py ``qm_path``).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildWithTranslations(build_py):
    def run(self) -> None:
        super().run()
        try:
            spec = importlib.util.spec_from_file_location(
                "_i18n_build", HERE / "ui" / "i18n_build.py"
            )
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            if module.lrelease_command() is None:
                self.announce("lrelease not available: translations compiled at start-up", 2)
                return
            target = Path(self.build_lib) / "workinggroup_app" / "resources" / "i18n"
            for qm in module.build_all(HERE / "resources" / "i18n", target, force=True):
                self.announce(f"compiled {qm.name}", 2)
        except Exception as exc:  # a missing translation must never break the install
            self.announce(f"translations not compiled ({exc}); compiled at start-up", 3)


PACKAGE_DIR = {
    "workinggroup_app": "workinggroup_app",
    "workinggroup_ui": "ui",
    "workinggroup_app.resources": "resources",
    "workinggroup_app.migrations": "migrations",
}


def packages() -> list[str]:
    """Every package under each mapped folder, by its installed name."""
    found = []
    for name, folder in PACKAGE_DIR.items():
        found.append(name)
        found += [f"{name}.{sub}" for sub in find_packages(str(HERE / folder))]
    return found


setup(
    packages=packages(),
    package_dir=PACKAGE_DIR,
    cmdclass={"build_py": BuildWithTranslations},
)
