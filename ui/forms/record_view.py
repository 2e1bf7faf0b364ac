"""One record of any type: its form, related items, history and status buttons, in one view.

The view is generic. A record type that needs more (a meeting's attendees, agenda and
decisions, its packet) registers an extension in ``EXTENSIONS``; the extension adds tabs and
buttons and takes part in loading, saving and the unsaved-changes guard.

Reads go through ``workinggroup_app.read.lists`` (one record, on the UI thread); every write
goes through ``ctx.ops.run`` to a service, and what the service refuses comes back to the
field at fault.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEventLoop, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workinggroup_app.domain import fields, permissions, vocabulary
from workinggroup_app.domain.errors import (
    DomainError,
    StaleEditError,
    ValidationError,
    ValidationErrors,
)
from workinggroup_app.read import lists
from workinggroup_app.read.record import RecordData, read_record
from workinggroup_app.services import office
from workinggroup_app.services.core import Change
from workinggroup_ui.context import AppContext
from workinggroup_ui.dialogs.reassign import ReassignDialog
from workinggroup_ui.dialogs.transition import TransitionDialog
from workinggroup_ui.forms.detail import HistoryPanel, RelatedView, TransitionBar
from workinggroup_ui.forms.extension import RecordExtension
from workinggroup_ui.forms.form import RecordForm
from workinggroup_ui.operations import records
from workinggroup_ui.operations.op import Op
from workinggroup_ui.widgets.text import plain_label


def _meeting_extension(view: RecordView) -> RecordExtension:
    from workinggroup_ui.forms.meeting_content import MeetingExtension  # when one first opens

    return MeetingExtension(view)


# What a record type adds to its view, made when such a view opens.
EXTENSIONS: dict[str, Callable[[RecordView], RecordExtension]] = {
    "meeting": _meeting_extension,
}


class RecordView(QWidget):
    saved = Signal(object)  # the Change of the last successful save
    open_record = Signal(str, int)  # type_key, id of a related record the user activated
    title_changed = Signal(str)  # tab title: "REF-2026-0042", "New referral", "*" if unsaved
    save_finished = Signal(bool)  # a save attempt ended (True: everything was saved)

    def __init__(
        self,
        ctx: AppContext,
        type_key: str,
        record_id: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rt = fields.record_type(type_key)
        self._type_key = self.rt.key
        self._record_id = record_id
        self._data: RecordData | None = None
        self._saving = False
        self._form_saved = False
        self._last_change: Change | None = None
        self._stale: StaleEditError | None = None
        self._title = ""
        self.dialog: TransitionDialog | None = None

        # header: reference and title, status, flags; then the buttons
        self.heading = plain_label("", self)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.heading.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.status_label = plain_label("", self)
        self.status_label.setStyleSheet(
            "background: #e8eef7; border: 1px solid #9fb3d1; border-radius: 3px; padding: 1px 6px;"
        )
        self.flags_label = plain_label("", self)
        self.flags_label.setStyleSheet("color: #b00020; font-weight: bold;")
        self.save_button = QPushButton(self.tr("Save"), self)
        self.save_button.setToolTip(self.tr("Save (Ctrl+S)"))
        self.revert_button = QPushButton(self.tr("Revert"), self)
        self.revert_button.setToolTip(self.tr("Back to the stored values (Esc)"))
        self.transitions = TransitionBar(ctx, self._type_key, self)
        # a record with an owner account: "Reassign…" (Ctrl+Shift+O), as in its list
        self.reassign_button: QPushButton | None = None
        self.reassign_dialog: ReassignDialog | None = None
        if self.rt.account_fields():
            self.reassign_button = QPushButton(self.tr("Reassign…"), self)
            self.reassign_button.setObjectName("reassign_record")
            self.reassign_button.setToolTip(
                self.tr("Give this record another owner (Ctrl+Shift+O)")
            )
            self.reassign_button.clicked.connect(self.reassign)

        self.form = RecordForm(ctx, self._type_key, self)
        self.related = RelatedView(ctx, self)
        self.history = HistoryPanel(ctx, self)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.form, self.tr("Details"))

        self.extension: RecordExtension | None = None
        make_extension = EXTENSIONS.get(self._type_key)
        if make_extension is not None:
            self.extension = make_extension(self)
        for title, widget in self.extension.tabs if self.extension else []:
            self.tabs.addTab(widget, title)
        self.related_index = self.tabs.addTab(self.related, self.tr("Related"))
        self.history_index = self.tabs.addTab(self.history, self.tr("History"))

        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.flags_label)
        top.addWidget(self.status_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        for action in self.extension.actions if self.extension else []:
            buttons.addWidget(action)
        if self.reassign_button is not None:
            buttons.addWidget(self.reassign_button)
        buttons.addSpacing(16)
        buttons.addWidget(self.transitions, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(self.tabs, 1)

        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(lambda: self.revert_changes(ask=True))
        self.form.dirty_changed.connect(self._on_dirty)
        self.form.reload_requested.connect(self._reload_their_version)
        if self.extension is not None:
            self.extension.dirty_changed.connect(self._on_dirty)
        self.transitions.transition_requested.connect(self.request_transition)
        self.transitions.archive_requested.connect(lambda: self._set_archived(True))
        self.transitions.restore_requested.connect(lambda: self._set_archived(False))
        self.related.open_record.connect(self.open_record)
        ctx.ops.changed.connect(self._on_ops_changed)
        ctx.ops.busy_changed.connect(self._on_ops_busy)

        # Ctrl+S and Esc work in the view; where the host window already has an action with
        # the same key (the main window's Save), that action is left to do it (Qt would
        # otherwise find the key ambiguous and do nothing).
        self.shortcuts: list[QShortcut] = []
        keys: list[tuple[QKeySequence, Callable[[], object]]] = [
            (QKeySequence(QKeySequence.StandardKey.Save), self.save),
            (QKeySequence(Qt.Key.Key_Escape), lambda: self.revert_changes(ask=True)),
        ]
        if self.reassign_button is not None:
            keys.append((QKeySequence("Ctrl+Shift+O"), self.reassign))
        for key, slot in keys:
            shortcut = QShortcut(key, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
            self.shortcuts.append(shortcut)
        self.reload(keep_edits=False)

    def showEvent(self, event: QShowEvent) -> None:
        window = self.window()
        taken = {
            seq.toString()
            for action in (window.findChildren(QAction) if window is not self else [])
            for seq in action.shortcuts()
        }
        for shortcut in self.shortcuts:
            shortcut.setEnabled(shortcut.key().toString() not in taken)
        super().showEvent(event)

    # --- properties ----------------------------------------------------------------------------

    @property
    def record_id(self) -> int | None:
        return self._record_id

    @property
    def type_key(self) -> str:
        return self._type_key

    @property
    def version(self) -> int | None:
        return self._data.version if self._data else None

    @property
    def reference(self) -> str:
        return self._data.reference if self._data else ""

    @property
    def data(self) -> RecordData | None:
        return self._data

    def title(self) -> str:
        return self._title

    # --- loading --------------------------------------------------------------------------------

    def reload(self, keep_edits: bool = True) -> list[str]:
        """Read the stored record again. By default what the user typed and has not saved is
        kept (fields someone else also changed are marked). Returns those fields."""
        conflicts: list[str] = []
        with self.ctx.db.session() as session:
            data = (
                read_record(session, self.rt, self._record_id)
                if self._record_id is not None
                else None
            )
            if self._record_id is not None and data is None:
                self.form.show_general_error(self.tr("This record no longer exists."))
                return conflicts
            who = self._stale.changed_by if self._stale else (data.updated_by if data else "")
            if data is None:  # a new record starts with the office's default marking
                marking = office.read_profile_in(session).default_releasability
                start = {"releasability": marking} if self.rt.has("releasability") else {}
                conflicts = self.form.load(start, {}, new=True, keep_edits=keep_edits)
            else:
                conflicts = self.form.load(
                    data.values, data.labels, keep_edits=keep_edits, changed_by=who
                )
            if self.extension is not None:
                self.extension.load(session, data, keep_edits=keep_edits)
            if data is not None:
                self.related.load(session, self._type_key, data.id)
                self.history.load(session, self.rt, data.id)
        self._data = data
        self._apply_state()
        return conflicts

    def _apply_state(self) -> None:
        data = self._data
        role = self.ctx.actor.role
        exists = data is not None
        may_write = permissions.allowed(role, "update" if exists else "create", self._type_key)
        self.form.set_read_only(not may_write)
        self.save_button.setVisible(may_write)
        self.revert_button.setVisible(may_write)
        if self.reassign_button is not None:
            self.reassign_button.setVisible(exists and may_write)
        self.tabs.setTabVisible(self.related_index, exists)
        self.tabs.setTabVisible(self.history_index, exists)
        wf = self.rt.workflow
        if data is None:
            self.heading.setText(self._new_title())
            self.status_label.hide()
            self.flags_label.hide()
            self.transitions.set_state(None, [], archived=False, exists=False)
        else:
            title = self.ctx.pick(data.title_en, data.title_zh) or data.title_en
            self.heading.setText(f"{data.reference} · {title}" if title else data.reference)
            self.heading.setToolTip(f"{data.title_en}\n{data.title_zh}".strip())
            self.status_label.setVisible(wf is not None)
            if wf is not None:
                self.status_label.setText(
                    vocabulary.word(wf.vocabulary, data.status, self.ctx.lang)
                )
            flags = []
            if data.archived:
                flags.append(self.tr("Archived"))
            flag = lists.flag_name(self._type_key)
            if data.flagged and flag:
                flags.append(vocabulary.word("derived", flag, self.ctx.lang))
            self.flags_label.setText(" · ".join(flags))
            self.flags_label.setVisible(bool(flags))
            self.transitions.set_state(
                data.status, data.allowed, archived=data.archived, exists=True
            )
        self._emit_title()

    def _new_title(self) -> str:
        noun = vocabulary.word("record_type", self._type_key, self.ctx.lang)
        return self.tr("New {0}").format(noun if self.ctx.zh else noun.lower())

    def _emit_title(self) -> None:
        base = self._data.reference if self._data else self._new_title()
        title = base + ("*" if self.has_unsaved_changes() else "")
        if title != self._title:
            self._title = title
            self.title_changed.emit(title)

    def _on_dirty(self, _dirty: bool) -> None:
        self._emit_title()

    def _on_ops_changed(self, change: Change) -> None:
        if change.record_type == "user":  # an account added, renamed or disabled
            for editor in self.form.editors.values():
                if editor.fdef.kind == fields.ACCOUNT:
                    editor.picker.reload()  # type: ignore[attr-defined]
        if self._saving or self._data is None:
            return
        if change.record_type == self._type_key and self._data.id in change.ids:
            if change.version and change.version == self._data.version:
                return
            conflicts = self.reload(keep_edits=True)
            if conflicts:
                self.form.show_reloaded(conflicts, self._data.updated_by if self._data else "")
        else:
            with self.ctx.db.session() as session:
                self.related.load(session, self._type_key, self._data.id)

    # --- unsaved changes --------------------------------------------------------------------

    def has_unsaved_changes(self) -> bool:
        return self.form.is_dirty() or bool(self.extension and self.extension.is_dirty())

    def revert_changes(self, *, ask: bool = True) -> bool:
        """Back to the stored values (Esc). Asks first when something was typed."""
        if not self.has_unsaved_changes():
            self.form.clear_errors()
            return True
        if ask:
            answer = QMessageBox.question(
                self,
                self.tr("Discard changes"),
                self.tr("Discard your changes to {0}?").format(self._title.rstrip("*")),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                return False
        self.form.revert()
        if self.extension is not None:
            self.extension.revert()
        self._stale = None
        self._emit_title()
        return True

    def maybe_close(self) -> bool:
        """True when the view may close: nothing unsaved, the user discarded it, or it saved."""
        if not self.has_unsaved_changes():
            return True
        answer = QMessageBox.question(
            self,
            self.tr("Unsaved changes"),
            self.tr("{0} has changes that are not saved. Save them?").format(
                self._title.rstrip("*")
            ),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Discard:
            self.revert_changes(ask=False)
            return True
        if answer == QMessageBox.StandardButton.Save:
            return self.save_and_wait()
        return False

    # --- saving ---------------------------------------------------------------------------------

    def _on_ops_busy(self, busy: bool) -> None:
        if not busy and self._saving:
            QTimer.singleShot(0, self._check_save_ended)

    def _check_save_ended(self) -> None:
        """A save whose op ended with neither success nor an expected error (a bug reported
        by the error dialog, or a cancel) still ends the save."""
        if self._saving and not self.ctx.ops.busy:
            self._set_saving(False)
            self.save_finished.emit(False)

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self.save_button.setEnabled(not saving)

    def save_and_wait(self) -> bool:
        """Save and wait for the result (the event loop keeps running)."""
        result: list[bool] = []
        loop = QEventLoop()

        def done(ok: bool) -> None:
            result.append(ok)
            loop.quit()

        self.save_finished.connect(done)
        try:
            self.save()
            if not result and self._saving:
                loop.exec()
        finally:
            self.save_finished.disconnect(done)
        return bool(result and result[0])

    def save(self) -> None:
        """Save the form (create or update) and then any extension parts, through the op runner."""
        if self._saving:
            return
        self.form.clear_errors()
        self._set_saving(True)
        self._form_saved = False
        self._last_change = None
        op: Op | None = None
        if self._record_id is None:
            op = records.create(self.ctx, self._type_key, self.form.values(), parent=self)
        elif self.form.is_dirty():
            assert self._data is not None
            values = self.form.values(only_edited=True)
            op = records.update(
                self.ctx, self._type_key, self._record_id, values, self._data.version, parent=self
            )
        if op is None:
            self._after_form_saved(None)
            return
        op.success(self._after_form_saved).failure(self._save_failed).run_in_background()

    def _after_form_saved(self, change: Change | None) -> None:
        version = self._data.version if self._data else 0
        if change is not None:
            self._form_saved = True
            self._last_change = change
            if self._record_id is None:
                self._record_id = change.ids[0]
            version = change.version or version
        op = None
        if self.extension is not None and self.extension.is_dirty() and self._record_id:
            op = self.extension.save_op(self._record_id, version)
        if op is None:
            self._finish_save()
            return
        op.success(self._after_parts_saved).failure(self._save_failed).run_in_background()

    def _after_parts_saved(self, change: Change | None) -> None:
        if change is not None and getattr(change, "action", "") != "none":
            self._last_change = change
        self._finish_save()

    def _finish_save(self) -> None:
        self._set_saving(False)
        self._stale = None
        self.form.hide_banner()
        self.reload(keep_edits=False)
        if self._last_change is not None:
            self.saved.emit(self._last_change)
        self.save_finished.emit(True)

    def _save_failed(self, error: DomainError) -> bool:
        self._set_saving(False)
        if self._form_saved:  # the fields were saved, the parts were not: show the new version
            self.reload(keep_edits=True)
            if self._last_change is not None:
                self.saved.emit(self._last_change)
        handled = True
        if isinstance(error, (ValidationErrors, ValidationError)):
            errors = error.errors if isinstance(error, ValidationErrors) else [error]
            rest = self.form.show_errors(errors)
            if self.extension is not None:
                rest = self.extension.show_errors(rest)
            if rest:
                self.form.show_general_error("\n".join(e.message(self.ctx.lang) for e in rest))
        elif isinstance(error, StaleEditError):
            self._stale = error
            self.form.show_stale(error)
            self.tabs.setCurrentWidget(self.form)
        else:
            handled = False  # the op runner shows it in a message box
        self.save_finished.emit(False)
        return handled

    def _reload_their_version(self) -> None:
        who = self._stale.changed_by if self._stale else ""
        conflicts = self.reload(keep_edits=True)
        self.form.show_reloaded(conflicts, who)
        self._stale = None

    # --- status and archive -------------------------------------------------------------------

    def request_transition(self, target: str) -> TransitionDialog | None:
        """Open the dialog for a transition button; the view reloads when it is done."""
        data = self._data
        if data is None or data.status is None:
            return None
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = TransitionDialog(
            self.ctx,
            self._type_key,
            data.id,
            data.version,
            data.reference,
            data.status,
            target,
            self,
        )
        self.dialog.transitioned.connect(self._on_transitioned)
        self.dialog.open()
        return self.dialog

    def _on_transitioned(self, change: Change) -> None:
        self.reload(keep_edits=True)

    def reassign(self) -> ReassignDialog | None:
        """Ask for this record's new owner and give it at once (refused as stale when the
        record changed since it was read; what was typed in the form is kept)."""
        data = self._data
        button = self.reassign_button
        if data is None or button is None or not button.isVisibleTo(self):
            return None
        if self.reassign_dialog is not None:
            self.reassign_dialog.deleteLater()
        owner = self.rt.account_fields()[0].name
        current = data.values.get(owner)
        self.reassign_dialog = ReassignDialog(
            self.ctx,
            self._type_key,
            [(data.id, data.version)],
            [data.reference],
            self,
            current=current if isinstance(current, int) else None,
        )
        self.reassign_dialog.open()
        return self.reassign_dialog

    def _set_archived(self, archived: bool) -> None:
        data = self._data
        if data is None:
            return
        records.set_archived(
            self.ctx, self._type_key, data.id, data.version, archived, parent=self
        ).success(lambda _c: self.reload(keep_edits=True)).run_in_background()
