"""What surrounds a record's fields: related items, the status timeline, the audit events,
and a button for each status transition the workflow allows from the current status.

Everything here is read through ``workinggroup_app.read.lists`` into plain values; the only
writes (transitions, archive, restore) are requested by signal and run by the record view
through the op runner.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from workinggroup_app.domain import fields, permissions, vocabulary
from workinggroup_app.domain.children import CHILDREN
from workinggroup_app.domain.fields import RecordType
from workinggroup_app.read import choices, related
from workinggroup_ui.context import AppContext
from workinggroup_ui.widgets.text import format_utc_local, plain_label

ROLE_RECORD = Qt.ItemDataRole.UserRole  # (type_key, id) of a related record


class RelatedView(QTreeWidget):
    """Related records grouped under headings; double-click or Enter opens one."""

    open_record = Signal(str, int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setColumnCount(3)
        self.setHeaderLabels([self.tr("Reference"), self.tr("Title"), self.tr("Status")])
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.header().setStretchLastSection(False)
        self.itemActivated.connect(self._activated)

    def load(self, session: Session, type_key: str, record_id: int) -> None:
        self.clear()
        for group in related.related(session, type_key, record_id):
            heading = QTreeWidgetItem(
                [f"{self.ctx.pick(group.title_en, group.title_zh)} ({len(group.rows)})"]
            )
            heading.setFirstColumnSpanned(True)
            font = heading.font(0)
            font.setBold(True)
            heading.setFont(0, font)
            heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.addTopLevelItem(heading)
            vocab = _status_vocabulary(group.record_type)
            for rid, reference, title_en, title_zh, status in group.rows:
                title = self.ctx.pick(title_en, title_zh) or title_en
                item = QTreeWidgetItem(
                    [
                        reference,
                        title,
                        vocabulary.word(vocab, status, self.ctx.lang) if vocab else "",
                    ]
                )
                item.setData(0, ROLE_RECORD, (group.record_type, rid))
                item.setToolTip(1, f"{title_en}\n{title_zh}".strip())
                heading.addChild(item)
            heading.setExpanded(True)
        self.resizeColumnToContents(0)

    def groups(self) -> dict[str, list[str]]:
        """Record type -> references shown (for tests and summaries)."""
        out: dict[str, list[str]] = {}
        for i in range(self.topLevelItemCount()):
            heading = self.topLevelItem(i)
            for j in range(heading.childCount()):
                type_key, _rid = heading.child(j).data(0, ROLE_RECORD)
                out.setdefault(type_key, []).append(heading.child(j).text(0))
        return out

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        data = item.data(0, ROLE_RECORD)
        if data:
            self.open_record.emit(data[0], int(data[1]))


def _status_vocabulary(type_key: str) -> str | None:
    rt = fields.record_type(type_key)
    return rt.workflow.vocabulary if rt.workflow else None


class HistoryView(QTreeWidget):
    """The status timeline, newest first: when (UTC and local), who, from -> to, comment."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setColumnCount(5)
        self.setHeaderLabels(
            [
                self.tr("When (UTC)"),
                self.tr("Local time"),
                self.tr("By"),
                self.tr("Status"),
                self.tr("Comment"),
            ]
        )
        self.setRootIsDecorated(False)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.header().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.header().setStretchLastSection(True)

    def load(self, session: Session, rt: RecordType, record_id: int) -> None:
        self.clear()
        if rt.workflow is None:
            return
        vocab = rt.workflow.vocabulary
        for sc in reversed(related.history(session, rt.key, record_id)):
            utc, local = format_utc_local(sc.changed_at)
            to = vocabulary.word(vocab, sc.to_status, self.ctx.lang)
            change = (
                f"{vocabulary.word(vocab, sc.from_status, self.ctx.lang)} → {to}"
                if sc.from_status
                else to
            )
            comment = sc.comment or ""
            if comment and sc.note_releasable:
                comment += "  " + self.tr("(releasable to counterpart)")
            item = QTreeWidgetItem([utc, local, sc.changed_by, change, comment])
            item.setToolTip(4, sc.comment or "")
            self.addTopLevelItem(item)
        for c in range(4):
            self.resizeColumnToContents(c)

    def entries(self) -> list[tuple[str, str]]:
        """(status change, comment) newest first, as shown."""
        return [
            (self.topLevelItem(i).text(3), self.topLevelItem(i).toolTip(4))
            for i in range(self.topLevelItemCount())
        ]


class AuditView(QTreeWidget):
    """The audit events of the record: one line per event, one child per field changed."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setColumnCount(4)
        self.setHeaderLabels(
            [self.tr("When (UTC) / field"), self.tr("By"), self.tr("Before"), self.tr("After")]
        )
        self.setUniformRowHeights(True)
        self.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.header().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

    def load(self, session: Session, rt: RecordType, record_id: int) -> None:
        self.clear()
        events = related.audit_events(session, rt.key, record_id)
        labels: dict[tuple[str, int], str] = {}
        for ev in reversed(events):
            utc, local = format_utc_local(ev.at)
            action = vocabulary.word("audit_action", ev.action, self.ctx.lang)
            top = QTreeWidgetItem([f"{utc}  {action}", ev.actor, "", ""])
            top.setToolTip(0, local)
            try:
                changes = json.loads(ev.changes or "{}")
            except ValueError:
                changes = {}
            for name, pair in sorted(changes.items()):
                old, new = ([*pair, None, None])[:2] if isinstance(pair, list) else (None, pair)
                before = self._show(session, rt, name, old, labels)
                after = self._show(session, rt, name, new, labels)
                label = self._label(rt, name)
                child = QTreeWidgetItem([label, "", before, after])
                child.setToolTip(2, before)
                child.setToolTip(3, after)
                top.addChild(child)
            self.addTopLevelItem(top)
        self.expandToDepth(0)
        self.resizeColumnToContents(0)
        self.resizeColumnToContents(1)

    def _label(self, rt: RecordType, name: str) -> str:
        if rt.has(name):
            return rt.field(name).label(self.ctx.lang)
        if name in CHILDREN:
            spec = CHILDREN[name]
            return self.ctx.pick(spec.label_en, spec.label_zh)
        return {
            "comment": self.tr("Comment"),
            "archived": self.tr("Archived"),
            "outcome": self.tr("Outcome"),
        }.get(name, name)

    def _show(
        self,
        session: Session,
        rt: RecordType,
        name: str,
        value: Any,
        cache: dict[tuple[str, int], str],
    ) -> str:
        if value is None or value == "":
            return "—"
        f = rt.field(name) if rt.has(name) else None
        if name == "status" and rt.workflow is not None:
            return vocabulary.word(rt.workflow.vocabulary, value, self.ctx.lang)
        if name == "outcome" and rt.workflow is not None and rt.workflow.outcome_vocabulary:
            return vocabulary.word(rt.workflow.outcome_vocabulary, value, self.ctx.lang)
        if f is not None and f.vocabulary:
            return vocabulary.word(f.vocabulary, value, self.ctx.lang)
        if f is not None and f.target and isinstance(value, int):
            key = (f.target, value)
            if key not in cache:
                cache[key] = choices.link_label(session, f.target, value) or str(value)
            return cache[key]
        if isinstance(value, bool):
            return self.tr("yes") if value else self.tr("no")
        if isinstance(value, list):
            return ", ".join(str(v) for v in value) or "—"
        text = str(value)
        return text if len(text) <= 200 else text[:197] + "…"

    def events(self) -> list[tuple[str, dict[str, tuple[str, str]]]]:
        """(action line, {field label: (before, after)}) newest first."""
        out = []
        for i in range(self.topLevelItemCount()):
            top = self.topLevelItem(i)
            out.append(
                (
                    top.text(0),
                    {
                        top.child(j).text(0): (top.child(j).text(2), top.child(j).text(3))
                        for j in range(top.childCount())
                    },
                )
            )
        return out


class HistoryPanel(QWidget):
    """Status timeline above the audit events."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.timeline = HistoryView(ctx, self)
        self.audit = AuditView(ctx, self)
        self.timeline_title = QLabel(self.tr("Status history"), self)
        self.audit_title = QLabel(self.tr("Changes (audit trail)"), self)
        top = QWidget(self)
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.timeline_title)
        tl.addWidget(self.timeline)
        bottom = QWidget(self)
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(self.audit_title)
        bl.addWidget(self.audit)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(top)
        split.addWidget(bottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self._top = top

    def load(self, session: Session, rt: RecordType, record_id: int) -> None:
        self._top.setVisible(rt.workflow is not None)
        self.timeline.load(session, rt, record_id)
        self.audit.load(session, rt, record_id)


class TransitionBar(QWidget):
    """One button per transition the workflow allows now, plus Archive / Restore.

    Buttons the user's role may not use are hidden; the service still enforces every rule.
    """

    transition_requested = Signal(str)  # target status
    archive_requested = Signal()
    restore_requested = Signal()

    def __init__(self, ctx: AppContext, type_key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rt = fields.record_type(type_key)
        self.buttons: dict[str, QPushButton] = {}
        self._row = QHBoxLayout()
        self._row.setContentsMargins(0, 0, 0, 0)
        self.caption = plain_label(self.tr("Move to:"), self)
        self.archive_button = QPushButton(self.tr("Archive"), self)
        self.archive_button.setToolTip(self.tr("Hide from lists; can be restored"))
        self.restore_button = QPushButton(self.tr("Restore"), self)
        self.archive_button.clicked.connect(self.archive_requested)
        self.restore_button.clicked.connect(self.restore_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addLayout(self._row)
        layout.addStretch(1)
        layout.addWidget(self.archive_button)
        layout.addWidget(self.restore_button)
        self.set_state(None, [], archived=False, exists=False)

    def set_state(
        self, status: str | None, targets: list[str], *, archived: bool, exists: bool = True
    ) -> None:
        """Show buttons for ``targets`` (allowed transitions from ``status``)."""
        for button in self.buttons.values():
            self._row.removeWidget(button)
            button.deleteLater()
        self.buttons = {}
        role = self.ctx.actor.role
        wf = self.rt.workflow
        may_move = wf is not None and permissions.allowed(role, "transition", self.rt.key)
        shown = targets if (may_move and exists and status is not None and not archived) else []
        for target in shown:
            assert wf is not None
            button = QPushButton(vocabulary.word(wf.vocabulary, target, self.ctx.lang), self)
            button.setObjectName(f"transition_{target}")
            t = wf.find(status or "", target)
            if t is not None and t.needs_outcome:
                button.setToolTip(self.tr("Records an outcome"))
            button.clicked.connect(lambda _c=False, t=target: self.transition_requested.emit(t))
            self._row.addWidget(button)
            self.buttons[target] = button
        self.caption.setVisible(bool(shown))
        self.archive_button.setVisible(
            exists and not archived and permissions.allowed(role, "archive", self.rt.key)
        )
        self.restore_button.setVisible(
            exists and archived and permissions.allowed(role, "restore", self.rt.key)
        )
