"""What every window and view is handed: the database, the user, services, the op runner."""

from __future__ import annotations

from dataclasses import dataclass

from workinggroup_app.domain.permissions import Actor
from workinggroup_app.services.records import Services
from workinggroup_app.storage.database import Database
from workinggroup_ui.operations.runner import OpRunner


@dataclass
class AppContext:
    db: Database
    actor: Actor
    services: Services
    ops: OpRunner
    lang: str = "en"  # "en" or "zh_CN"

    @property
    def zh(self) -> bool:
        return self.lang.startswith("zh")

    def pick(self, en: str, zh: str) -> str:
        """The word in the interface language (core words come in both languages)."""
        return zh if self.zh and zh else en
