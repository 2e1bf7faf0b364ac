"""Driving the set-up wizard as a person would, page by page, while it runs modally.

``SetupDriver(values).attach()`` watches for a visible ``SetupWizard`` and, on each turn of
the event loop, fills the page it is on and presses Next (or Finish) once the page lets it:
the location page's check and the set-up run in the background, so it waits for them
instead of blocking. Used by the start-up tests, where ``Starter`` runs ``wizard.exec()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWizard

PASSWORD = "correct horse battery"


@dataclass
class SetupValues:
    username: str = "alice"
    display_name: str = "Alice Smith"
    password: str = PASSWORD
    office_name: str = "Beijing country office"
    database_file: str | None = None  # None: keep the location the wizard offers
    load_reference: bool = False  # True loads 75 records: slower, tested on its own


@dataclass
class SetupDriver:
    values: SetupValues = field(default_factory=SetupValues)
    seen: list = field(default_factory=list)

    def attach(self) -> SetupDriver:
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._poll)
        self.timer.start()
        return self

    def stop(self) -> None:
        self.timer.stop()

    def _poll(self) -> None:
        from workinggroup_ui.dialogs.setup_wizard import SetupWizard

        for w in QApplication.topLevelWidgets():
            if isinstance(w, SetupWizard) and w.isVisible():
                if w not in self.seen:
                    self.seen.append(w)
                    self._fill(w)
                self._step(w)

    def _fill(self, wizard) -> None:
        v = self.values
        if wizard.location_page is not None and v.database_file is not None:
            wizard.location_page.file_choice.setChecked(True)
            wizard.location_page.file_edit.setText(v.database_file)
        admin = wizard.admin_page
        admin.username.setText(v.username)
        admin.display_name.setText(v.display_name)
        admin.password.setText(v.password)
        admin.confirm.setText(v.password)
        wizard.office_page.name.setText(v.office_name)
        if wizard.reference_page is not None:
            wizard.reference_page.load.setChecked(v.load_reference)

    def _step(self, wizard) -> None:
        page = wizard.currentPage()
        if page is None or getattr(page, "busy", False) or not page.isComplete():
            return
        which = (
            QWizard.WizardButton.FinishButton
            if wizard.button(QWizard.WizardButton.FinishButton).isVisible()
            else QWizard.WizardButton.NextButton
        )
        button = wizard.button(which)
        if button.isEnabled():
            button.click()
