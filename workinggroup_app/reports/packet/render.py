"""Drawing a meeting packet with ReportLab, from ``PacketData`` only.

This module decides nothing about who may see what: ``data.py`` has filtered already.
It imports ReportLab at the top and is itself imported only when a packet is made.

User text reaches the page by two roads, both safe: table cells and long text go through
``TextBlock`` (plain text, never parsed as markup); headings and the cover go through
``Paragraph`` after ``markup_escape``.

The document is laid out in one pass. "Page X of Y", the page numbers in the contents and
the PDF outline need page numbers known only at the end, so ``PacketCanvas`` keeps each
finished page open and writes those parts when the document is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from workinggroup_app.domain import fields
from workinggroup_app.domain.vocabulary import both, is_known, keys, pair, word
from workinggroup_app.reports.markup import clean, markup_escape
from workinggroup_app.reports.packet.data import (
    BEIJING,
    SIDES,
    WASHINGTON,
    ActionEntry,
    Attendee,
    PacketData,
    StatusNote,
    agency_label,
)
from workinggroup_app.reports.packet.labels import (
    coded,
    field_label,
    format_instant,
    iso_date,
    non_empty,
    outline_title,
    short_agency,
    stem_label,
    t,
    two_lines,
)
from workinggroup_app.reports.packet.pages import (
    Anchor,
    PacketCanvas,
    PacketTable,
    TocLine,
    page_decorator,
)
from workinggroup_app.reports.packet.textblock import Ink, Part, TextBlock
from workinggroup_app.reports.style import (
    BLACK,
    FONT,
    GREY,
    LIGHT,
    NAVY,
    PACKET_LOOKS,
    RED,
    RULE,
    SIDE_COLOURS,
    STRIPE,
    audience_label,
    nice_step,
    page_geometry,
    paragraph_styles,
)

# Binary (still compressed) page streams: ASCII85 makes files 25 % larger and, without
# ReportLab's C accelerator, costs about a tenth of a packet's time.
rl_config.useA85 = 0


CELL = Ink(8, 10.5, BLACK)
CELL_GREY = Ink(7.5, 10, GREY)
CELL_RED = Ink(7.5, 10, RED)
HEAD = Ink(7.5, 9.5, NAVY)
BODY = Ink(9, 12.5, BLACK)


PAGE_WIDTH = A4[0] - 2 * 51  # 493 pt between the margins


class _Renderer:
    def __init__(self, data: PacketData) -> None:
        self.data = data
        self.s = paragraph_styles(PACKET_LOOKS)
        self.toc: list[tuple[str, str, int]] = []  # (key, text, level) for the contents page
        self._keys = 0

    # --- small builders ------------------------------------------------------------------

    def p(self, text: str, style: str = "body") -> Paragraph:
        """A paragraph of *markup*: callers escape user text with ``markup_escape``."""
        return Paragraph(text, self.s[style])

    def cell(self, *parts: Part, align: str = "left") -> list[TextBlock]:
        """Plain text (never markup) in one or more inks; empty parts are left out.

        A list, not a bare flowable: ReportLab cuts a long row across pages only through
        cells that are strings or lists (a bare flowable would be dropped from the cut).
        """
        kept = [
            (text, ink)
            for text, ink in parts
            if clean(" ".join(text) if isinstance(text, tuple) else text).strip()
        ]
        return [TextBlock(kept or [("—", CELL_GREY)], FONT, align=align)]

    def lines(self, texts: Iterable[str], ink: Ink = CELL) -> list[tuple[str, Ink]]:
        return [(x, ink) for x in texts if clean(x).strip()]

    def none(self) -> Paragraph:
        return self.p(markup_escape(t("none")), "muted")

    def key(self, prefix: str) -> str:
        self._keys += 1
        return f"{prefix}{self._keys}"

    def heading(
        self,
        text: str,
        level: int,
        *,
        toc: bool = True,
        need: float | None = None,
    ) -> list[Flowable]:
        """A section heading with its bookmark and outline entry, kept off page bottoms."""
        key = self.key("s")
        if toc:
            self.toc.append((key, text, level))
        style = ("h1", "h2", "h3")[min(level, 2)]
        return [
            CondPageBreak(need or (110 if level == 0 else 80)),
            KeepTogether(
                [Anchor(key, outline_title(text), level), self.p(markup_escape(text), style)]
            ),
        ]

    def table(
        self,
        header: Sequence[str],
        rows: list[list[Any]],
        widths: Sequence[float],
        *,
        numeric_from: int | None = None,
    ) -> Table:
        """A table whose header row repeats on every page and whose long cells split."""
        head = [
            self.cell(
                (two_lines(h), HEAD),
                align="right" if numeric_from is not None and i >= numeric_from else "left",
            )
            for i, h in enumerate(header)
        ]
        tbl = PacketTable([head, *rows], colWidths=list(widths), repeatRows=1)
        style = [
            ("FONT", (0, 0), (-1, -1), FONT, 8, 10.5),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(LIGHT)),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor(NAVY)),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor(RULE)),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor(STRIPE)]),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        if numeric_from is not None:
            style.append(("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"))
        tbl.setStyle(TableStyle(style))
        return tbl

    def ref_cell(self, reference: str, us_only: bool) -> Any:
        if not us_only:
            return clean(reference)
        return self.cell((reference, CELL), (both("releasability", "us_only"), CELL_RED))

    def status_cell(self, vocab: str, status: str, flag: str | None = None) -> Any:
        """'Open 待办' on one line where the column allows, with a derived flag in red."""
        parts: list[Part] = [((word(vocab, status), word(vocab, status, "zh")), CELL)]
        if flag is not None:
            parts.append(((word("derived", flag), word("derived", flag, "zh")), CELL_RED))
        return self.cell(*parts)

    # --- the document --------------------------------------------------------------------

    def story(self) -> list[Flowable]:
        cover = [*self.cover(), PageBreak()]
        body = [
            *self.summary(),
            *self.attendees(),
            *self.agenda(),
            *self.decisions(),
            *self.discussed(),
            *self.action_items(),
            *self.annex(),
        ]
        # the contents come second but are made last, once every heading is known
        return [*cover, *self.contents(), PageBreak(), *body]

    def cover(self) -> list[Flowable]:
        d, m = self.data, self.data.meeting
        mt = fields.MEETING
        out: list[Flowable] = [
            Spacer(1, 40),
            self.p(markup_escape(t("packet")), "kicker"),
            Spacer(1, 14),
        ]
        for title in non_empty(m.title_en, m.title_zh) or [m.reference]:
            out.append(self.p(markup_escape(title), "title"))
        out += [
            Spacer(1, 6),
            self.p(
                markup_escape(f"{m.reference} · {both('meeting_type', m.meeting_type)}"),
                "subtitle",
            ),
            Spacer(1, 10),
            self.p(markup_escape(both("caveat", d.caveat)), "marking"),
            self.p(markup_escape(audience_label(d.audience)), "marking"),
            Spacer(1, 22),
        ]
        if m.starts_at:
            when = "\n".join(
                f"{t(k)}: {format_instant(m.starts_at, z)}"
                for k, z in (("washington", WASHINGTON), ("beijing", BEIJING))
            )
        else:
            when = t("not_set")
        heads = [
            f"{both('side', side)}: {self._person_line(a)}"
            for side in ("US", "PRC")
            for a in d.heads_of_delegation.get(side, [])
        ]
        if d.previous:
            title = " / ".join(non_empty(d.previous.title_en, d.previous.title_zh))
            prev = (
                f"{d.previous.reference} · {title}\n"
                f"{format_instant(d.previous.starts_at, WASHINGTON)}"
            )
        else:
            prev = t("none_previous")
        rows = [
            (field_label(mt, "reference"), m.reference),
            (field_label(mt, "meeting_type"), both("meeting_type", m.meeting_type)),
            (field_label(mt, "status"), both("status.meeting", m.status)),
            (t("when"), when),
            (stem_label(mt, "place"), "\n".join(non_empty(m.place_en, m.place_zh)) or "—"),
            (t("heads"), "\n".join(heads) or "—"),
            (field_label(mt, "caveat"), both("caveat", d.caveat)),
            (t("audience"), audience_label(d.audience)),
            (t("previous"), prev),
            (t("generated"), d.generated_on.isoformat()),
        ]
        tbl = Table(
            [
                [self.p(markup_escape(k), "label"), self.p(markup_escape(v), "body")]
                for k, v in rows
            ],
            colWidths=[140, 340],
        )
        tbl.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), FONT, 8, 10.5),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor(RULE)),
                    ("LINEABOVE", (0, 0), (-1, 0), 0.8, colors.HexColor(NAVY)),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ]
            )
        )
        out.append(tbl)
        return out

    def _person_line(self, a: Attendee) -> str:
        name = " ".join(non_empty(a.name_en, a.name_zh))
        position = " / ".join(non_empty(a.position_en, a.position_zh))
        return ", ".join(x for x in (name, position, agency_label(a.agency)) if x)

    def contents(self) -> list[Flowable]:
        out: list[Flowable] = [
            Anchor("contents", t("contents"), 0),
            self.p(markup_escape(t("contents")), "h1"),
        ]
        for key, text, level in self.toc:
            out.append(TocLine(key, self.p(markup_escape(text), f"toc{min(level, 1)}")))
        return out

    def summary(self) -> list[Flowable]:
        m = self.data.meeting
        parts = self.lines(non_empty(m.summary_en, m.summary_zh), BODY)
        if not parts:
            return []
        return [*self.heading(t("summary"), 0), TextBlock(parts, FONT)]

    def attendees(self) -> list[Flowable]:
        out = self.heading(t("attendees"), 0)
        sides = ["US", "PRC", *(s for s in self.data.attendees if s not in ("US", "PRC"))]
        for side in sides:
            people = self.data.attendees.get(side, [])
            key = f"delegation.{side}"
            out += self.heading(t(key) if is_known("packet", key) else both("side", side), 1)
            if not people:
                out.append(self.none())
                continue
            rows = []
            for a in people:
                name = self.lines(non_empty(a.name_en, a.name_zh))
                if a.head_of_delegation:
                    name.append((t("head"), CELL_RED))
                rows.append(
                    [
                        self.cell(*name),
                        self.cell(*self.lines(non_empty(a.position_en, a.position_zh))),
                        self.cell((agency_label(a.agency), CELL)),
                    ]
                )
            header = [
                t("name"),
                stem_label(fields.CONTACT, "position"),
                field_label(fields.CONTACT, "agency_id"),
            ]
            out.append(self.table(header, rows, [150, 170, 173]))
        return out

    def agenda(self) -> list[Flowable]:
        out = self.heading(t("agenda"), 0)
        if not self.data.agenda:
            return [*out, self.none()]
        rows = []
        for a in self.data.agenda:
            parts = self.lines(non_empty(a.title_en, a.title_zh))
            parts += self.lines(non_empty(a.notes_en, a.notes_zh), CELL_GREY)
            if a.us_only:
                parts.append((both("releasability", "us_only"), CELL_RED))
            rows.append([str(a.number), self.cell(*parts)])
        return [*out, self.table(["#", t("item")], rows, [28, 465])]

    def decisions(self) -> list[Flowable]:
        out = self.heading(t("decisions"), 0)
        if not self.data.decisions:
            return [*out, self.none()]
        rows = []
        for d in self.data.decisions:
            parts = self.lines(non_empty(d.text_en, d.text_zh))
            if d.us_only:
                parts.append((both("releasability", "us_only"), CELL_RED))
            rows.append([str(d.number), self.cell(*parts)])
        return [*out, self.table(["#", t("decision")], rows, [28, 465])]

    def discussed(self) -> list[Flowable]:
        d = self.data
        rf, cf = fields.REFERRAL, fields.CASE
        out = self.heading(t("discussed"), 0)
        out += self.heading(field_label(fields.MEETING, "referrals"), 1)
        if d.referrals:
            rows = []
            for r in d.referrals:
                dates = "\n".join(
                    f"{' '.join(pair('packet', k))} {iso_date(v)}"
                    for k, v in (
                        ("sent", r.sent_on),
                        ("due", r.response_due),
                        ("answered", r.answered_on),
                    )
                    if v
                )
                flag = "awaiting_response" if r.awaiting_response else None
                rows.append(
                    [
                        self.ref_cell(r.reference, r.us_only),
                        self.cell(*self.lines(non_empty(r.title_en, r.title_zh))),
                        self.cell(
                            (both("direction", r.direction), CELL),
                            (both("referral_type", r.referral_type), CELL),
                        ),
                        self.status_cell("status.referral", r.status, flag),
                        dates,
                    ]
                )
            header = [
                field_label(rf, "reference"),
                stem_label(rf, "title"),
                t("direction_type"),
                field_label(rf, "status"),
                t("dates"),
            ]
            out.append(self.table(header, rows, [74, 145, 110, 72, 92]))
        else:
            out.append(self.none())

        out += self.heading(t("changes"), 1)
        if d.previous:
            since = f"{d.previous.reference}, {format_instant(d.previous.starts_at, WASHINGTON)}"
            out.append(self.p(markup_escape(f"{t('previous')}: {since}"), "muted"))
        changes = d.status_changes
        if changes:
            header = [field_label(rf, "reference"), t("changed_at"), t("change"), t("note")]
            rows = [self._change_row(c) for c in changes]
            out.append(self.table(header, rows, [78, 80, 130, 205]))
        else:
            out.append(self.none())

        out += self.heading(field_label(fields.MEETING, "cases"), 1)
        if d.cases:
            rows = []
            for c in d.cases:
                status = coded("status.case", c.status)
                if c.outcome:
                    status += "\n" + coded("case_outcome", c.outcome)
                rows.append(
                    [
                        self.ref_cell(c.reference, c.us_only),
                        self.cell(*self.lines(non_empty(c.title_en, c.title_zh))),
                        self.cell((status, CELL)),
                        self.cell(*self.lines(non_empty(c.summary_en, c.summary_zh))),
                    ]
                )
            header = [
                field_label(cf, "reference"),
                stem_label(cf, "title"),
                field_label(cf, "status"),
                stem_label(cf, "summary"),
            ]
            out.append(self.table(header, rows, [78, 140, 80, 195]))
        else:
            out.append(self.none())
        return out

    def _change_row(self, c: StatusNote) -> list[Any]:
        vocab = "status.referral"
        change = (
            f"{word(vocab, c.from_status) or '—'} → {word(vocab, c.to_status)}\n"
            f"{word(vocab, c.from_status, 'zh') or '—'} → {word(vocab, c.to_status, 'zh')}"
        )
        note = [(c.comment, CELL)]
        if c.comment_us_only:
            note.append((t("note_withheld"), CELL_RED))
        note.append((c.changed_by, CELL_GREY))
        return [
            clean(c.reference),
            c.changed_at.astimezone(WASHINGTON).strftime("%Y-%m-%d\n%H:%M %Z"),
            change,
            self.cell(*note),
        ]

    def _action_table(
        self, items: Iterable[ActionEntry], *, describe: bool, described: Collection[int] = ()
    ) -> Table:
        """Action items; descriptions when ``describe``, except those ``described`` above."""
        af = fields.ACTION_ITEM
        rows = []
        for e in items:
            text = self.lines(non_empty(e.title_en, e.title_zh))
            if describe:
                if e.id in described:
                    if e.description_en or e.description_zh:
                        text.append((t("described_above"), CELL_GREY))
                else:
                    text += self.lines(non_empty(e.description_en, e.description_zh), CELL_GREY)
            owner = [(both("owner_side", e.owner_side), CELL)]
            if e.owner_agency:
                owner.append((short_agency(e.owner_agency), CELL))
            if e.owner_user:
                owner.append((e.owner_user, CELL))
            owner.append((e.owner_person, CELL_GREY))
            due = iso_date(e.due_date)
            if e.status == "done" and e.completed_on:
                due += f"\n✓ {iso_date(e.completed_on)}"
            rows.append(
                [
                    self.ref_cell(e.reference, e.us_only),
                    self.cell(*text),
                    self.cell(*owner),
                    due,
                    self.status_cell(
                        "status.action_item", e.status, "overdue" if e.overdue else None
                    ),
                ]
            )
        header = [
            field_label(af, "reference"),
            t("item"),
            t("owner"),
            field_label(af, "due_date"),
            field_label(af, "status"),
        ]
        return self.table(header, rows, [74, 205, 96, 56, 62])

    def action_items(self) -> list[Flowable]:
        d = self.data
        out = self.heading(t("actions"), 0)
        out += self.heading(t("agreed"), 1)
        out.append(self._action_table(d.agreed, describe=True) if d.agreed else self.none())
        agreed = {e.id for e in d.agreed}
        out += self.heading(t("open"), 1)
        if not d.open_groups:
            out.append(self.none())
        for g in d.open_groups:
            agency = agency_label(g.agency) if g.agency else t("no_agency")
            label = f"{both('owner_side', g.side)} · {agency} ({len(g.items)})"
            out += self.heading(label, 2, toc=False)
            out.append(self._action_table(g.items, describe=True, described=agreed))
        out += self.heading(t("overdue"), 1)
        out.append(self._action_table(d.overdue, describe=False) if d.overdue else self.none())
        out += self.heading(t("completed"), 1)
        out.append(self._action_table(d.completed, describe=False) if d.completed else self.none())
        out += self.heading(t("chart"), 1, need=380)
        out += self.chart()
        return out

    def chart(self) -> list[Flowable]:
        counts = self.data.chart
        if not counts:
            return [self.none()]
        statuses = keys("status.action_item")
        statuses += sorted({s for s, _side in counts if s not in statuses})
        present = {side for _st, side in counts}
        sides = [s for s in SIDES if s in present] + sorted(present - set(SIDES))
        width, height = PAGE_WIDTH, 250
        drawing = Drawing(width, height, initialFontName=FONT)  # Helvetica is not embedded
        bc = VerticalBarChart()
        bc.x, bc.y, bc.width, bc.height = 36, 48, width - 190, height - 70
        bc.data = [[counts.get((st, side), 0) for st in statuses] for side in sides]
        top = max(max(row) for row in bc.data)
        step = nice_step(top)
        bc.valueAxis.valueMin = 0
        bc.valueAxis.valueMax = step * (top // step + 1)
        bc.valueAxis.valueStep = step
        bc.valueAxis.labels.fontName = FONT
        bc.valueAxis.labels.fontSize = 7
        bc.valueAxis.visibleGrid = True
        bc.valueAxis.gridStrokeColor = colors.HexColor("#dde3ea")
        bc.categoryAxis.categoryNames = [coded("status.action_item", s) for s in statuses]
        bc.categoryAxis.labels.fontName = FONT
        bc.categoryAxis.labels.fontSize = 7
        bc.categoryAxis.labels.boxAnchor = "n"
        bc.categoryAxis.labels.dy = -4
        bc.barSpacing = 1
        bc.groupSpacing = 8
        bc.barLabelFormat = lambda v: f"{int(v)}" if v else ""
        bc.barLabels.fontName = FONT
        bc.barLabels.fontSize = 6.5
        bc.barLabels.nudge = 6
        for i, side in enumerate(sides):
            bc.bars[i].fillColor = colors.HexColor(SIDE_COLOURS.get(side, "#95a5a6"))
            bc.bars[i].strokeColor = None
        drawing.add(bc)
        legend = Legend()
        legend.x, legend.y = width - 140, height - 30
        legend.fontName = FONT
        legend.fontSize = 8
        legend.alignment = "right"
        legend.deltay = 14
        legend.colorNamePairs = [
            (colors.HexColor(SIDE_COLOURS.get(side, "#95a5a6")), both("owner_side", side))
            for side in sides
        ]
        drawing.add(legend)

        # The same numbers as a table: found by text extraction and by screen readers.
        header = [
            field_label(fields.ACTION_ITEM, "owner_side"),
            *(coded("status.action_item", s) for s in statuses),
            t("total"),
        ]
        rows = []
        for side in sides:
            row = [counts.get((st, side), 0) for st in statuses]
            rows.append([both("owner_side", side), *map(str, row), str(sum(row))])
        n = len(statuses) + 1
        table = self.table(header, rows, [123] + [370 / n] * n, numeric_from=1)
        return [drawing, Spacer(1, 6), table]

    def annex(self) -> list[Flowable]:
        d = self.data
        out = self.heading(t("annex"), 0)
        if not d.referrals:
            return [*out, self.none()]
        for r in d.referrals:
            title = " / ".join(non_empty(r.title_en, r.title_zh))
            out += self.heading(f"{r.reference} · {title}" if title else r.reference, 1, toc=False)
            # the first row repeats on each page a long referral runs over
            rows: list[list[Any]] = [
                [self.cell((t("field"), HEAD)), self.cell((r.reference, HEAD))]
            ]
            if r.us_only:
                label = field_label(fields.REFERRAL, "releasability")
                rows.append(
                    [
                        self.cell((label, HEAD)),
                        self.cell((both("releasability", "us_only"), CELL_RED)),
                    ]
                )
            rows += [
                [self.cell((f"{x.label_en} / {x.label_zh}", HEAD)), self.cell((x.value, CELL))]
                for x in r.details
            ]
            tbl = PacketTable(rows, colWidths=[150, 343], repeatRows=1)
            tbl.setStyle(
                TableStyle(
                    [
                        ("FONT", (0, 0), (-1, -1), FONT, 8, 10.5),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor(LIGHT)),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(LIGHT)),
                        ("LINEABOVE", (0, 0), (-1, 0), 0.8, colors.HexColor(NAVY)),
                        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor(NAVY)),
                        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor(RULE)),
                        ("LEFTPADDING", (0, 0), (-1, -1), 3),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                    ]
                )
            )
            out.append(tbl)
        return out


def render_packet(
    data: PacketData,
    out_path: Path,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write the packet to ``out_path``; returns the number of pages."""
    story = _Renderer(data).story()
    total_units = sum(_units(f) for f in story)
    done = [0]

    class Doc(BaseDocTemplate):
        def afterFlowable(self, flowable: Flowable) -> None:
            done[0] += _units(flowable)

        def afterPage(self) -> None:
            if progress is not None:
                progress(min(done[0], total_units - 1), total_units)

    class Canvas_(PacketCanvas):
        decorate = staticmethod(page_decorator(data))

    m = data.meeting
    doc = Doc(
        str(out_path),
        **page_geometry(),
        title=clean(f"{pair('packet', 'packet')[0]} {m.reference} {m.title_en}".strip()),
        subject=clean(f"{audience_label(data.audience)} · {both('caveat', data.caveat)}"),
        author="workinggroup-app",
        creator="workinggroup-app",
        lang="en",
        invariant=0,
        initialFontName=FONT,  # else every page names Helvetica, a font that is not embedded
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    if progress is not None:
        progress(0, total_units)
    doc.build(story, canvasmaker=Canvas_)
    if progress is not None:
        progress(total_units, total_units)
    return doc.page


def _units(flowable: Flowable) -> int:
    """Progress weight: a table counts its body rows, anything else counts one."""
    rows = getattr(flowable, "_cellvalues", None)
    if rows is not None:
        return max(1, len(rows) - getattr(flowable, "repeatRows", 0))
    return 1
