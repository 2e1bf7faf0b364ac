"""The parts a record owns, edited as tables on its form: a meeting's attendees, agenda
items and decisions. Like ``fields`` for a record's own fields, each part declares its
columns once (kind, length, vocabulary, link target, label); the services build and validate
the rows, the meeting form draws its tables and the audit trail reads its changes from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workinggroup_app.domain import models


@dataclass(frozen=True)
class ChildSpec:
    """A list of parts owned by a meeting, edited as a table in the meeting form."""

    model: type
    label_en: str  # one part: "Attendee"
    label_zh: str
    heading_en: str  # the table's heading: "Attendees"
    heading_zh: str
    text_fields: tuple[tuple[str, int, bool], ...]  # (name, max length, multiline)
    summary_fields: tuple[str, ...]
    choice_fields: tuple[tuple[str, str], ...] = ()  # (name, vocabulary)
    bool_fields: tuple[str, ...] = ()
    link_fields: tuple[tuple[str, str], ...] = ()  # (name, target record type)
    required: tuple[str, ...] = ()
    column_labels: tuple[tuple[str, str, str], ...] = ()  # (name, English, Chinese)

    def summary(self, obj: Any) -> str:
        """One line per part, as the audit trail records a change to the list."""
        return " | ".join(str(getattr(obj, n) or "") for n in self.summary_fields)

    def kind(self, name: str) -> tuple[str, Any]:
        """(kind, detail) of a column: ("text", max length), ("longtext", max length),
        ("choice", vocabulary), ("bool", None) or ("link", target record type)."""
        for n, max_length, multiline in self.text_fields:
            if n == name:
                return ("longtext" if multiline else "text", max_length)
        for n, vocab in self.choice_fields:
            if n == name:
                return ("choice", vocab)
        if name in self.bool_fields:
            return ("bool", None)
        for n, target in self.link_fields:
            if n == name:
                return ("link", target)
        raise KeyError(name)

    def column_label(self, name: str, lang: str = "en") -> str:
        """A column's label in ``lang`` (its name when it has none)."""
        for n, en, zh in self.column_labels:
            if n == name:
                return zh if lang.startswith("zh") else en
        return name


CHILDREN: dict[str, ChildSpec] = {
    "attendees": ChildSpec(
        models.MeetingAttendee,
        "Attendee",
        "出席人员",
        "Attendees",
        "出席人员",
        (
            ("name_en", 200, False),
            ("name_zh", 200, False),
            ("position_en", 200, False),
            ("position_zh", 200, False),
        ),
        # every stored column: a change to any of them is saved and audited
        (
            "side",
            "name_en",
            "name_zh",
            "position_en",
            "head_of_delegation",
            "position_zh",
            "agency_id",
            "contact_id",
        ),
        choice_fields=(("side", "side"),),
        bool_fields=("head_of_delegation",),
        link_fields=(("agency_id", "agency"), ("contact_id", "contact")),
        required=("side",),
        column_labels=(
            ("side", "Side", "所属方"),
            ("name_en", "Name (English)", "姓名（英文）"),
            ("name_zh", "Name (Chinese)", "姓名（中文）"),
            ("position_en", "Position (English)", "职务（英文）"),
            ("position_zh", "Position (Chinese)", "职务（中文）"),
            ("agency_id", "Agency", "所属机构"),
            ("contact_id", "Contact", "联系人"),
            ("head_of_delegation", "Head of delegation", "团长"),
        ),
    ),
    "agenda_items": ChildSpec(
        models.AgendaItem,
        "Agenda item",
        "议程",
        "Agenda",
        "议程",
        (
            ("title_en", 500, False),
            ("title_zh", 500, False),
            ("notes_en", 20000, True),
            ("notes_zh", 20000, True),
        ),
        ("title_en", "title_zh", "releasability", "notes_en", "notes_zh"),
        choice_fields=(("releasability", "releasability"),),
        required=("title_en",),
        column_labels=(
            ("title_en", "Title (English)", "标题（英文）"),
            ("title_zh", "Title (Chinese)", "标题（中文）"),
            ("notes_en", "Notes (English)", "备注（英文）"),
            ("notes_zh", "Notes (Chinese)", "备注（中文）"),
            ("releasability", "Releasability", "可提供范围"),
        ),
    ),
    "decisions": ChildSpec(
        models.Decision,
        "Decision",
        "决定",
        "Decisions",
        "决定",
        (("text_en", 20000, True), ("text_zh", 20000, True)),
        ("text_en", "text_zh", "releasability"),
        choice_fields=(("releasability", "releasability"),),
        required=("text_en",),
        column_labels=(
            ("text_en", "Decision (English)", "决定（英文）"),
            ("text_zh", "Decision (Chinese)", "决定（中文）"),
            ("releasability", "Releasability", "可提供范围"),
        ),
    ),
}
