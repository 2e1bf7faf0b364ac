"""Import records from a spreadsheet: choose the file, check the column mapping the
importer guessed (English or Chinese headers), preview, dry run, then import all or nothing.

Every step that reads or writes runs through the op runner (off the UI thread, with
progress and Cancel); the dialog decides nothing itself: the mapping guess, the checks and
the import are ``workinggroup_app.exchange.sheets.importer``'s.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workinggroup_app.domain import permissions, vocabulary
from workinggroup_app.domain.children import CHILDREN
from workinggroup_app.domain.errors import DomainError
from workinggroup_app.domain.fields import cli_name
from workinggroup_app.exchange import sheets
from workinggroup_app.exchange.sheets import workbook
from workinggroup_app.exchange.sheets.read import read_workbook
from workinggroup_app.exchange.sheets.template import dropdown_agencies
from workinggroup_app.services.core import Change
from workinggroup_ui.context import AppContext
from workinggroup_ui.widgets.text import ERROR_STYLE, plain_label

NOT_IMPORTED = ""  # combo data of "(not imported)"
WORKBOOK = "all"  # type combo data of "every sheet of a workbook" (exchange.sheets.workbook)
PREVIEW_ROWS = 20


def _item(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    return item


def _one_line(text: str, limit: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ImportDialog(QDialog):
    imported = Signal(object)  # the ImportReport of a completed import

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        type_key: str = "referral",
        path: str | Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.sheet: sheets.Sheet | None = None
        self.report: sheets.ImportReport | None = None
        self._combos: list[QComboBox] = []
        self.setWindowTitle(self.tr("Import from a spreadsheet"))
        self.resize(980, 720)

        self.type_combo = QComboBox(self)
        self.type_combo.addItem(self.tr("Every sheet of a workbook (.xlsx)"), WORKBOOK)
        self.workbook: list[sheets.Sheet] | None = None
        for key in sheets.IMPORT_TYPES:
            label = ctx.pick(
                vocabulary.word("record_type_plural", key),
                vocabulary.word("record_type_plural", key, "zh"),
            )
            self.type_combo.addItem(label, key)
        self.type_combo.setCurrentIndex(max(0, self.type_combo.findData(type_key)))
        self.path_edit = QLineEdit(self)
        self.path_edit.setPlaceholderText(self.tr("A .csv or .xlsx file"))
        self.browse_button = QPushButton(self.tr("Browse…"), self)
        self.load_button = QPushButton(self.tr("Read file"), self)
        self.template_button = QPushButton(self.tr("Save a template…"), self)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.browse_button)
        file_row.addWidget(self.load_button)
        top = QFormLayout()
        type_row = QHBoxLayout()
        type_row.addWidget(self.type_combo)
        type_row.addStretch(1)
        type_row.addWidget(self.template_button)
        top.addRow(self.tr("Record type"), type_row)
        top.addRow(self.tr("File"), file_row)

        self.mapping_table = QTableWidget(0, 4, self)
        self.mapping_table.setHorizontalHeaderLabels(
            [
                self.tr("Column"),
                self.tr("Header in the file"),
                self.tr("First value"),
                self.tr("Imports into"),
            ]
        )
        self.mapping_table.verticalHeader().hide()
        self.mapping_table.horizontalHeader().setSectionResizeMode(
            3, QHeaderView.ResizeMode.Stretch
        )
        self.mapping_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)

        self.preview_table = QTableWidget(0, 0, self)
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

        self.problems_table = QTableWidget(0, 3, self)
        self.problems_table.setHorizontalHeaderLabels(
            [self.tr("Row"), self.tr("Column"), self.tr("Problem")]
        )
        self.problems_table.verticalHeader().hide()
        self.problems_table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch
        )
        self.problems_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

        def titled(title: str, widget: QWidget) -> QWidget:
            box = QWidget(self)
            lay = QVBoxLayout(box)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.addWidget(QLabel(title, box))
            lay.addWidget(widget)
            return box

        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(titled(self.tr("Columns"), self.mapping_table))
        split.addWidget(titled(self.tr("Preview (first rows)"), self.preview_table))
        split.addWidget(titled(self.tr("Problems"), self.problems_table))

        self.exclude_edit = QLineEdit(self)
        self.exclude_edit.setPlaceholderText(self.tr("e.g. 5, 7-9"))
        self.exclude_problems_button = QPushButton(self.tr("Leave out rows with problems"), self)
        exclude_row = QHBoxLayout()
        exclude_row.addWidget(QLabel(self.tr("Leave out rows"), self))
        exclude_row.addWidget(self.exclude_edit, 1)
        exclude_row.addWidget(self.exclude_problems_button)

        self.summary = plain_label("", self)
        self.summary.setWordWrap(True)
        self.error = plain_label("", self)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()

        self.check_button = QPushButton(self.tr("Check (dry run)"), self)
        self.import_button = QPushButton(self.tr("Import"), self)
        self.close_button = QPushButton(self.tr("Close"), self)
        may_import = permissions.allowed(ctx.actor.role, "import", self._permission_type())
        self.import_button.setEnabled(False)
        self.check_button.setEnabled(False)
        if not may_import:
            self.import_button.setToolTip(self.tr("Your role may not import records"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addLayout(exclude_row)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

        self.browse_button.clicked.connect(self.choose_file)
        self.load_button.clicked.connect(self.load)
        self.path_edit.returnPressed.connect(self.load)
        self.template_button.clicked.connect(self.save_template)
        self.type_combo.currentIndexChanged.connect(self._type_changed)
        self.check_button.clicked.connect(self.check)
        self.import_button.clicked.connect(self.commit)
        self.exclude_problems_button.clicked.connect(self.exclude_problem_rows)
        self.close_button.clicked.connect(self.reject)
        ctx.ops.busy_changed.connect(self._on_busy)
        if path:
            self.path_edit.setText(str(path))
            self.load()

    # --- state -----------------------------------------------------------------------------

    def type_key(self) -> str:
        return str(self.type_combo.currentData())

    def is_workbook(self) -> bool:
        return self.type_key() == WORKBOOK

    def _permission_type(self) -> str:
        return "*" if self.is_workbook() else self.type_key()

    def mapping(self) -> list[str | None]:
        return [str(c.currentData()) or None for c in self._combos]

    def combo_for(self, column: int) -> QComboBox:
        return self._combos[column]

    def _field_label(self, name: str) -> str:
        key = self.type_key()
        return self.ctx.pick(sheets.field_label(key, name), sheets.field_label(key, name, "zh"))

    def _set_busy(self, busy: bool) -> None:
        loaded = self.workbook is not None if self.is_workbook() else self.sheet is not None
        ready = loaded and not busy
        self.check_button.setEnabled(ready)
        self.import_button.setEnabled(
            ready and permissions.allowed(self.ctx.actor.role, "import", self._permission_type())
        )
        self.load_button.setEnabled(not busy)

    def _on_busy(self, busy: bool) -> None:
        if not busy:  # also after a cancel, which reports neither success nor failure
            self._set_busy(False)

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    # --- the file ---------------------------------------------------------------------------

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose a spreadsheet"),
            self.path_edit.text(),
            self.tr("Spreadsheets (*.csv *.xlsx)"),
        )
        if path:
            self.path_edit.setText(path)
            self.load()

    def save_template(self) -> None:
        key = self.type_key()
        name = "workbook-template.xlsx" if key == WORKBOOK else f"{cli_name(key)}-template.xlsx"
        start = str(Path(self.path_edit.text()).parent / name) if self.path_edit.text() else name
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save a template"), start, self.tr("Spreadsheets (*.xlsx *.csv)")
        )
        if path:
            self.write_template(path)

    def write_template(self, path: str | Path) -> Path:
        headers = "zh" if self.ctx.zh else "name"
        try:
            written = sheets.write_template(
                self.type_key(), path, headers=headers, agencies=dropdown_agencies(self.ctx.db)
            )
        except DomainError as exc:
            self._show_error(exc.message(self.ctx.lang))
            raise
        except (OSError, ValueError) as exc:
            self._show_error(str(exc))
            raise
        self.summary.setText(self.tr("Template saved: {0}").format(str(written)))
        return written

    def load(self) -> None:
        text = self.path_edit.text().strip()
        if not text:
            self._show_error(self.tr("Choose a file to import."))
            return
        self._show_error("")
        path = Path(text).expanduser()
        self._set_busy(True)
        if self.is_workbook():
            self.ctx.ops.run(
                lambda: read_workbook(path),
                on_success=self._workbook_loaded,
                on_failure=self._failed,
                parent=self,
            )
            return
        self.ctx.ops.run(
            lambda: sheets.read_sheet(path),
            on_success=self._loaded,
            on_failure=self._failed,
            parent=self,
        )

    def _workbook_loaded(self, found: list[sheets.Sheet]) -> None:
        """The workbook's sheets, each with what it imports into, in the order of import."""
        self.workbook, self.sheet, self.report = found, None, None
        ordered, problems = workbook.plan(found)
        table = self.mapping_table
        table.setHorizontalHeaderLabels(
            [self.tr("Sheet"), self.tr("Rows"), self.tr("First value"), self.tr("Imports into")]
        )
        table.setRowCount(0)
        listed = [(kind, sheet) for kind, sheet in ordered]
        listed += [(None, sheet) for sheet in found if all(sheet is not s for _k, s in ordered)]
        table.setRowCount(len(listed))
        self._combos = []
        for i, (kind, sheet) in enumerate(listed):
            table.setItem(i, 0, _item(sheet.name))
            table.setItem(i, 1, _item(f"{len(sheet.rows):,}"))
            first = sheet.rows[0][0] if sheet.rows and sheet.rows[0] else ""
            table.setItem(i, 2, _item(_one_line(str(first if first is not None else ""), 40)))
            if kind is not None:
                what = workbook.kind_label(kind, self.ctx.lang)
            elif sheet.name in problems.ignored:
                what = self.tr("(not imported: help or lists)")
            else:
                what = self.tr("(not a record type)")
            table.setItem(i, 3, _item(what))
        table.resizeColumnsToContents()
        self.preview_table.setRowCount(0)
        self.preview_table.setColumnCount(0)
        self._fill_problems([(title, p) for title, p in problems.problems])
        self.summary.setText(
            self.tr("{0}: {1} sheets to import, {2} rows.").format(
                Path(self.path_edit.text()).name,
                len(ordered),
                sum(len(s.rows) for _k, s in ordered),
            )
        )
        self._set_busy(False)

    def _loaded(self, sheet: sheets.Sheet) -> None:
        self.sheet, self.workbook = sheet, None
        self.report = None
        self.mapping_table.setHorizontalHeaderLabels(
            [
                self.tr("Column"),
                self.tr("Header in the file"),
                self.tr("First value"),
                self.tr("Imports into"),
            ]
        )
        self._fill_mapping(sheets.guess_mapping(self.type_key(), sheet.headers))
        self._fill_problems([])
        self.summary.setText(
            self.tr("{0}: {1} columns, {2} rows.").format(
                sheet.file_name, len(sheet.headers), len(sheet.rows)
            )
        )
        self._set_busy(False)

    def _type_changed(self) -> None:
        if (self.workbook is not None) != self.is_workbook() and self.path_edit.text().strip():
            self.sheet = self.workbook = None
            self.load()  # a workbook is read whole, a sheet for its columns
            return
        if self.sheet is not None:
            self._fill_mapping(sheets.guess_mapping(self.type_key(), self.sheet.headers))
            self._fill_problems([])
        self._set_busy(False)

    # --- mapping and preview ------------------------------------------------------------------

    def _fill_mapping(self, mapping: list[str | None]) -> None:
        assert self.sheet is not None
        sheet = self.sheet
        fields = sheets.importable_fields(self.type_key())
        table = self.mapping_table
        table.setRowCount(0)
        table.setRowCount(len(sheet.headers))
        self._combos = []
        first = sheet.rows[0] if sheet.rows else []
        for i, header in enumerate(sheet.headers):
            table.setItem(i, 0, _item(sheets.column_letter(i)))
            table.setItem(i, 1, _item(header))
            sample = first[i] if i < len(first) and first[i] is not None else ""
            table.setItem(i, 2, _item(_one_line(str(sample), 40)))
            combo = QComboBox(table)
            combo.addItem(self.tr("(not imported)"), NOT_IMPORTED)
            for f in fields:
                combo.addItem(self._field_label(f.name), f.name)
            combo.addItem(self._field_label(sheets.RELEASABLE_COLUMN), sheets.RELEASABLE_COLUMN)
            index = combo.findData(mapping[i] or NOT_IMPORTED)
            combo.setCurrentIndex(max(0, index))
            combo.currentIndexChanged.connect(self._mapping_changed)
            table.setCellWidget(i, 3, combo)
            self._combos.append(combo)
        table.resizeColumnsToContents()
        self._fill_preview()

    def _mapping_changed(self) -> None:
        self.report = None
        self._fill_problems([])
        self._fill_preview()

    def _importer(self) -> sheets.Importer:
        assert self.sheet is not None
        return sheets.Importer(
            self.ctx.db, self.type_key(), self.sheet, self.mapping(), actor=self.ctx.actor
        )

    def _fill_preview(self) -> None:
        if self.sheet is None:
            return
        imp = self._importer()
        names = [c.field.name if c.field else sheets.RELEASABLE_COLUMN for c in imp.columns()]
        rows = imp.preview(PREVIEW_ROWS)
        table = self.preview_table
        table.setRowCount(0)
        table.setColumnCount(len(names))
        table.setHorizontalHeaderLabels([self._field_label(n) for n in names])
        table.setRowCount(len(rows))
        table.setVerticalHeaderLabels([str(self.sheet.row_number(i)) for i in range(len(rows))])
        for r, row in enumerate(rows):
            for c, name in enumerate(names):
                table.setItem(r, c, _item(_one_line(row.get(name, ""))))
        table.resizeColumnsToContents()

    # --- dry run and import ------------------------------------------------------------------

    def excluded_rows(self) -> set[int] | None:
        try:
            return sheets.parse_rows(self.exclude_edit.text())
        except ValueError as exc:
            self._show_error(self.tr("Rows to leave out: {0}").format(str(exc)))
            return None

    def exclude_problem_rows(self) -> None:
        if self.report is None:
            return
        rows = sorted(set(self.report.problem_rows()) | (self.excluded_rows() or set()))
        self.exclude_edit.setText(", ".join(str(r) for r in rows))

    def check(self) -> None:
        self._run(dry_run=True)

    def commit(self) -> None:
        self._run(dry_run=False)

    def _run(self, *, dry_run: bool) -> None:
        if self.is_workbook():
            self._run_workbook(dry_run=dry_run)
            return
        if self.sheet is None:
            return
        exclude = self.excluded_rows()
        if exclude is None:
            return
        self._show_error("")
        imp = self._importer()
        key = self.type_key()

        def work(progress: Any) -> Any:
            if dry_run:
                return imp.check(exclude=exclude, progress=progress)
            report = imp.commit(exclude=exclude, progress=progress)
            if report.imported:
                return report, Change(key, "import", (), "", 0)
            return report

        self._start(work, dry_run=dry_run)

    def _start(self, work: Any, *, dry_run: bool) -> None:
        """Run a check or an import in the background, with progress and Cancel."""
        self._set_busy(True)
        self.ctx.ops.run(
            work,
            on_success=self._checked,
            on_failure=self._failed,
            progress_label=self.tr("Checking…") if dry_run else self.tr("Importing…"),
            parent=self,
        )

    def _run_workbook(self, *, dry_run: bool) -> None:
        path = Path(self.path_edit.text().strip()).expanduser()
        self._show_error("")
        db, actor = self.ctx.db, self.ctx.actor

        def work(progress: Any) -> Any:
            report = workbook.import_workbook(
                db, path, actor=actor, dry_run=dry_run, progress=progress
            )
            kinds = {s.kind for s in report.sheets if s.report.imported}
            if kinds:  # every list of a record type that gained rows reads again
                types = {"meeting" if k in CHILDREN else k for k in kinds}
                return (report, *(Change(t, "import", (), "", 0) for t in sorted(types)))
            return report

        self._start(work, dry_run=dry_run)

    def _checked(self, result: Any) -> None:
        report = result[0] if isinstance(result, tuple) else result
        if isinstance(report, workbook.WorkbookReport):
            self.summary.setText(report.summary(self.ctx.lang))
            self._fill_problems(report.all_problems())
            self._set_busy(False)
            if report.imported:
                self.imported.emit(report)
            return
        self.report = report
        self._fill_problems(report.problems)
        self.summary.setText(report.summary(self.ctx.lang))
        self._set_busy(False)
        if report.imported:
            self.imported.emit(report)

    def _fill_problems(self, problems: list[Any]) -> None:
        """Problems of one sheet, or (sheet title, problem) pairs of a workbook."""
        table = self.problems_table
        table.setRowCount(0)
        table.setRowCount(len(problems))
        for i, found in enumerate(problems):
            title, p = found if isinstance(found, tuple) else ("", found)
            table.setItem(i, 0, _item(f"{title}: {p.row}" if title else str(p.row)))
            where = f"{p.column} ({p.header})" if p.column and p.header else p.column
            table.setItem(i, 1, _item(where))
            table.setItem(i, 2, _item(p.message(self.ctx.lang)))
        table.resizeColumnToContents(0)
        table.resizeColumnToContents(1)

    def _failed(self, error: DomainError) -> bool:
        self._set_busy(False)
        self._show_error(error.message(self.ctx.lang))
        return True
