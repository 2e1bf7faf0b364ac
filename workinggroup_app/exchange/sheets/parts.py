"""A sheet of a meeting's parts: attendees, agenda items or decisions, one per row, each
naming its meeting by reference (the minutes an office keeps in Word, typed out once).

The columns are the part's own (``children.CHILDREN``: by name, English or Chinese label)
and ``meeting``. Rows are checked with the same rules as the meeting form's tables
(``Services.build_child``) and added after the parts the meeting already has, in the
sheet's order; each meeting changed gets one ``import`` audit event listing what it gained
and a new version, so a form open on it cannot save over the import unseen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workinggroup_app.audit import trail
from workinggroup_app.domain import vocabulary
from workinggroup_app.domain.children import CHILDREN, ChildSpec
from workinggroup_app.domain.errors import ValidationError
from workinggroup_app.domain.fields import record_type
from workinggroup_app.domain.permissions import SYSTEM, Actor, require
from workinggroup_app.exchange.sheets.cells import (
    LinkResolver,
    VocabularyLookup,
    cell_text,
    link_how,
    looks_like_formula,
    unprotect,
)
from workinggroup_app.exchange.sheets.mapping import column_letter, normalise_header
from workinggroup_app.exchange.sheets.problems import ImportReport, Problem
from workinggroup_app.exchange.sheets.read import Formula, Sheet
from workinggroup_app.services.records import Services
from workinggroup_app.storage.database import Database

MEETING_COLUMN = "meeting"
_MEETING_LABELS = ("meeting", "meeting_id", "Meeting", "会议")
_YES = {normalise_header(w) for w in ("yes", "y", "true", "1", "是", "x", "✓")}


def part_names(spec_key: str) -> list[str]:
    """The names a sheet of these parts may be titled by (normalised)."""
    spec = CHILDREN[spec_key]
    words = (spec_key, spec_key.replace("_", " "), spec.heading_en, spec.heading_zh)
    return [normalise_header(w) for w in (*words, spec.label_en, spec.label_zh)]


def part_columns(spec: ChildSpec) -> list[str]:
    """The part's columns in a template's order: its meeting, its texts, then the rest."""
    return [
        MEETING_COLUMN,
        *(n for n, _max, _multi in spec.text_fields),
        *(n for n, _v in spec.choice_fields),
        *(n for n, _t in spec.link_fields),
        *spec.bool_fields,
    ]


def column_label(spec: ChildSpec, name: str, lang: str = "en") -> str:
    if name == MEETING_COLUMN:
        return vocabulary.word("record_type", "meeting", "zh" if lang.startswith("zh") else "en")
    return spec.column_label(name, lang)


@dataclass
class _Column:
    index: int
    name: str
    header: str

    @property
    def letter(self) -> str:
        return column_letter(self.index)


class PartsImporter:
    """One sheet of one kind of meeting part, checked and added in a caller's transaction."""

    def __init__(
        self,
        db: Database,
        spec_key: str,
        sheet: Sheet,
        *,
        actor: Actor = SYSTEM,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.db = db
        self.key = spec_key
        self.spec = CHILDREN[spec_key]
        self.sheet = sheet
        self.actor = actor
        self.services = Services(db, actor, today=today)

    def _columns(self) -> tuple[list[_Column], list[Problem]]:
        index: dict[str, str] = {}
        for name in part_columns(self.spec):
            labels = (name, column_label(self.spec, name), column_label(self.spec, name, "zh"))
            if name == MEETING_COLUMN:
                labels = _MEETING_LABELS
            for label in labels:
                index.setdefault(normalise_header(label), name)
        cols: list[_Column] = []
        problems: list[Problem] = []
        taken: set[str] = set()
        for i, header in enumerate(self.sheet.headers):
            name = index.get(normalise_header(header))
            if name is not None and name not in taken:
                taken.add(name)
                cols.append(_Column(i, name, header))
        if MEETING_COLUMN not in taken:
            problems.append(
                Problem(
                    self.sheet.header_row,
                    "",
                    "",
                    MEETING_COLUMN,
                    "no column for the meeting (its reference, e.g. MTG-2026-0001), which "
                    "every row needs.",
                    "缺少每行都必须填写的“会议”列（会议编号，例如 MTG-2026-0001）。",
                )
            )
        return cols, problems

    def _cell(
        self,
        col: _Column,
        value: Any,
        row_no: int,
        resolver: LinkResolver,
        vocab: VocabularyLookup,
        problems: list[Problem],
    ) -> Any:
        label = column_label(self.spec, col.name)
        label_zh = column_label(self.spec, col.name, "zh")

        def problem(en: str, zh: str) -> None:
            problems.append(
                Problem(
                    row_no, col.letter, col.header, col.name, f"{label}: {en}", f"{label_zh}：{zh}"
                )
            )

        text = unprotect(cell_text(value)).strip()
        if isinstance(value, Formula) or looks_like_formula(text):
            problem(
                f"'{text[:40]}' is a spreadsheet formula, not a value; type the value itself.",
                f"“{text[:40]}”是电子表格公式而非数值；请直接填写数值。",
            )
            return None
        if col.name == MEETING_COLUMN:
            target = "meeting"
        else:
            kind, detail = self.spec.kind(col.name)
            if kind == "choice":
                return vocab.key(detail, text) or text
            if kind == "bool":
                return normalise_header(text) in _YES
            if kind != "link":
                return text
            target = detail
        found = resolver.resolve(target, text)
        if found is None:
            how_en, how_zh = link_how(target)
            problem(
                f"no {vocabulary.word('record_type', target).lower()} '{text[:40]}' exists "
                f"({how_en}).",
                f"不存在{vocabulary.word('record_type', target, 'zh')}“{text[:40]}”（{how_zh}）。",
            )
        return found

    def write_in(
        self, session: Session, *, progress: Callable[[int, int], Any] | None = None
    ) -> ImportReport:
        """Check every row and, when none has a problem, add the parts to their meetings
        inside the caller's transaction."""
        require(self.actor, "import", "meeting")
        require(self.actor, "update", "meeting")
        cols, problems = self._columns()
        resolver, vocab = LinkResolver(session), VocabularyLookup()
        by_meeting: dict[int, list[Any]] = {}
        considered = 0
        total = len(self.sheet.rows)
        for i, raw in enumerate(self.sheet.rows):
            if progress is not None and i % 500 == 0:
                progress(i, total)
            row_no = self.sheet.row_number(i)
            values: dict[str, Any] = {}
            row_problems: list[Problem] = []
            for col in cols:
                value = raw[col.index] if col.index < len(raw) else None
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue
                values[col.name] = self._cell(col, value, row_no, resolver, vocab, row_problems)
            if not values:
                continue  # a blank row
            considered += 1
            meeting_id = values.pop(MEETING_COLUMN, None)
            if meeting_id is None and not row_problems:
                row_problems.append(
                    Problem(
                        row_no,
                        "",
                        "",
                        MEETING_COLUMN,
                        "the row names no meeting.",
                        "该行未注明所属会议。",
                    )
                )
            if not row_problems:
                try:
                    part = self.services.build_child(session, self.spec, values, 0)
                    by_meeting.setdefault(meeting_id, []).append(part)
                except ValidationError as e:
                    col = next((c for c in cols if c.name == e.field), None)
                    row_problems.append(
                        Problem(
                            row_no,
                            col.letter if col else "",
                            col.header if col else "",
                            e.field,
                            f"{column_label(self.spec, e.field)}: {e.message_en}",
                            f"{column_label(self.spec, e.field, 'zh')}：{e.message_zh}",
                        )
                    )
            problems.extend(row_problems)
        report = ImportReport(
            type_key="meeting",
            file=self.sheet.file_name,
            rows=considered,
            valid=considered - len({p.row for p in problems if p.row > self.sheet.header_row}),
            problems=sorted(problems, key=lambda p: (p.row, p.column)),
            dry_run=False,
        )
        if not problems:
            report.imported = self._add(session, by_meeting)
        if progress is not None:
            progress(total, total)
        return report

    def _add(self, session: Session, by_meeting: dict[int, list[Any]]) -> int:
        rt = record_type("meeting")
        model = self.spec.model
        events = []
        added = 0
        for meeting_id, parts in by_meeting.items():
            meeting = session.get(rt.model, meeting_id)
            last = session.execute(
                select(func.max(model.position)).where(model.meeting_id == meeting_id)
            ).scalar()
            for k, part in enumerate(parts, start=(last or 0) + 1):
                part.position = k
                part.meeting_id = meeting_id
                session.add(part)
            added += len(parts)
            self.services.bump_version(session, rt, meeting)
            events.append(
                {
                    "actor": self.actor.username,
                    "action": "import",
                    "record_type": "meeting",
                    "record_id": meeting_id,
                    "reference": meeting.reference,
                    "changes": {
                        self.key: [None, [self.spec.summary(p) for p in parts]],
                        "source": [None, self.sheet.file_name],
                    },
                }
            )
        session.flush()
        trail.append_many(session, events)
        return added


def parts_sheet_key(title: str) -> str | None:
    """The kind of meeting part a worksheet title names, if any."""
    key = normalise_header(title)
    return next((k for k in CHILDREN if key in part_names(k)), None)
