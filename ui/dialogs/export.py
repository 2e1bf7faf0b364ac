"""Export a list, with its current filter, to CSV or XLSX.

The main window opens ``ExportDialog(ctx, spec, parent)`` with the ListSpec of the list on
screen. The user chooses the format, the header language, whether coded values are
written as keys or words, the audience (bilateral only for roles that may), and the file;
the export runs off the UI thread with progress and Cancel. Formula neutralising,
releasability filtering and the audit event are the core exporters' business.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from workinggroup_app.domain import permissions, vocabulary
from workinggroup_app.domain.fields import cli_name
from workinggroup_app.read.lists import ListSpec
from workinggroup_ui.context import AppContext
from workinggroup_ui.dialogs.save_file import SaveFileDialog, default_folder
from workinggroup_ui.widgets.text import plain_label


class ExportDialog(SaveFileDialog):
    """``exported`` carries (path, row count)."""

    def __init__(self, ctx: AppContext, spec: ListSpec, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.spec = spec
        what = ctx.pick(
            vocabulary.word("record_type_plural", spec.record_type),
            vocabulary.word("record_type_plural", spec.record_type, "zh"),
        )
        self.setWindowTitle(self.tr("Export list: {0}").format(what))
        self.setMinimumWidth(600)

        self.csv = QRadioButton(self.tr("CSV"), self)
        self.xlsx = QRadioButton(self.tr("Excel workbook (XLSX)"), self)
        self.format_group = QButtonGroup(self)
        for b in (self.csv, self.xlsx):
            self.format_group.addButton(b)
        self.xlsx.setChecked(True)
        fmt_row = QHBoxLayout()
        fmt_row.addWidget(self.xlsx)
        fmt_row.addWidget(self.csv)
        fmt_row.addStretch(1)

        self.en_headers = QRadioButton(self.tr("Field names (English)"), self)
        self.zh_headers = QRadioButton(self.tr("Chinese labels (中文)"), self)
        self.header_group = QButtonGroup(self)
        for b in (self.en_headers, self.zh_headers):
            self.header_group.addButton(b)
        (self.zh_headers if ctx.zh else self.en_headers).setChecked(True)
        head_row = QHBoxLayout()
        head_row.addWidget(self.en_headers)
        head_row.addWidget(self.zh_headers)
        head_row.addStretch(1)

        self.words_check = QCheckBox(
            self.tr("Coded values as words (in the header language)"), self
        )

        self.bilateral = QCheckBox(
            self.tr("For the counterpart: releasable records only (audited)"),
            self,
        )
        may = permissions.allowed(ctx.actor.role, "export_bilateral", spec.record_type)
        self.bilateral.setEnabled(may)
        if not may:
            self.bilateral.setToolTip(self.tr("Your role may not export for the counterpart"))

        self.path.setText(str(default_folder() / f"{cli_name(spec.record_type)}.xlsx"))

        form = QFormLayout()
        form.addRow(self.tr("Format"), fmt_row)
        form.addRow(self.tr("Column headers"), head_row)
        form.addRow("", self.words_check)
        form.addRow(self.tr("Audience"), self.bilateral)
        form.addRow(self.tr("Save as"), self.add_path_field())

        self.note = plain_label(
            self.tr("The file holds the rows of the list as it is filtered now."), self
        )
        self.note.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.format_group.buttonToggled.connect(self._format_changed)

    def fmt(self) -> str:
        return "xlsx" if self.xlsx.isChecked() else "csv"

    def _format_changed(self, _button: Any, checked: bool) -> None:
        if checked and self.path.text().strip():
            current = Path(self.path.text().strip())
            if current.suffix.lower() in (".csv", ".xlsx"):
                self.path.setText(str(current.with_suffix("." + self.fmt())))

    def suffix(self) -> str:
        return "." + self.fmt()

    def file_filter(self) -> str:
        if self.fmt() == "xlsx":
            return self.tr("Excel workbooks (*.xlsx)")
        return self.tr("CSV files (*.csv)")

    def save_title(self) -> str:
        return self.tr("Export the list as")

    def export(self) -> None:
        out = self.checked_target(self.tr("Choose where to save the file."))
        if out is None:
            return
        db, spec, actor = self.ctx.db, self.spec, self.ctx.actor
        fmt = self.fmt()
        headers = "zh" if self.zh_headers.isChecked() else "en"
        values = "words" if self.words_check.isChecked() else "keys"
        audience = "bilateral" if self.bilateral.isChecked() else "internal"

        def work(progress: Any) -> Any:
            if fmt == "xlsx":
                from workinggroup_app.exchange.sheets.xlsx_export import export_xlsx as export
            else:
                from workinggroup_app.exchange.sheets.csv_export import export_csv as export
            n = export(
                db,
                spec,
                out,
                headers=headers,
                audience=audience,
                actor=actor,
                values=values,
                progress=progress,
            )
            return out, n

        self.start(work, self.tr("Exporting…"))
