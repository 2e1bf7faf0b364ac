"""Allowed status transitions for each record type, as data.

Services enforce these; the interface shows a button for each allowed transition; the
README draws them. A transition may carry a guard (a field value the record must have)
and may require an outcome to be recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    when: tuple[tuple[str, str], ...] = ()  # (field, value) pairs the record must match
    needs_outcome: bool = False
    needs_duplicate_of: bool = False


@dataclass(frozen=True)
class Workflow:
    vocabulary: str  # key in words.VOCABULARIES for the state names
    initial: str
    states: tuple[str, ...]
    closed_states: frozenset[str]
    transitions: tuple[Transition, ...]
    outcome_field: str | None = None
    outcome_vocabulary: str | None = None
    # (states, fields): a record in one of those states has those fields filled, whether
    # it got there by a transition, an import or an exchange
    needs: tuple[tuple[frozenset[str], tuple[str, ...]], ...] = ()
    _by_source: dict[str, list[Transition]] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        for t in self.transitions:
            assert t.source in self.states and t.target in self.states, t
            self._by_source.setdefault(t.source, []).append(t)

    def needed(self, state: str) -> tuple[str, ...]:
        """The fields a record in ``state`` must have filled (its outcome, once closed with
        one, is asked for by the transition itself)."""
        out: list[str] = []
        for states, fields in self.needs:
            if state in states:
                out.extend(f for f in fields if f not in out)
        return tuple(out)

    def is_open(self, state: str) -> bool:
        return state not in self.closed_states

    def open_states(self) -> list[str]:
        return [s for s in self.states if s not in self.closed_states]

    def allowed(self, state: str, record: object | None = None) -> list[Transition]:
        """Transitions out of ``state`` whose guards the record satisfies."""
        out = []
        for t in self._by_source.get(state, []):
            if record is not None and any(
                getattr(record, name, None) != value for name, value in t.when
            ):
                continue
            out.append(t)
        return out

    def targets(self, state: str, record: object | None = None) -> list[str]:
        """The states ``record`` may move to from ``state`` now."""
        return [t.target for t in self.allowed(state, record)]

    def find(self, state: str, target: str, record: object | None = None) -> Transition | None:
        for t in self.allowed(state, record):
            if t.target == target:
                return t
        return None

    def allowed_for_all(self, records: Iterable[tuple[str, object]]) -> list[Transition]:
        """The transitions every one of ``records`` ((status, record) pairs) may take at once,
        in the order of the states: what a change of many selected records may offer. One
        that needs the repeated referral named (``needs_duplicate_of``) is never offered:
        each record would repeat another one."""
        common: dict[str, Transition] | None = None
        for state, record in records:
            allowed = {t.target: t for t in self.allowed(state, record) if not t.needs_duplicate_of}
            common = allowed if common is None else {k: common[k] for k in common if k in allowed}
            if not common:
                return []
        if common is None:
            return []
        return [common[s] for s in self.states if s in common]


def _from_each(sources: list[str], target: str, **kw: object) -> list[Transition]:
    return [Transition(s, target, **kw) for s in sources]  # type: ignore[arg-type]


_REFERRAL_OPEN = [
    "draft",
    "sent",
    "received",
    "acknowledged",
    "under_verification",
    "info_requested",
    "responded",
]

REFERRAL = Workflow(
    vocabulary="status.referral",
    initial="draft",
    states=(
        "draft",
        "sent",
        "received",
        "acknowledged",
        "under_verification",
        "info_requested",
        "responded",
        "closed",
        "withdrawn",
        "duplicate",
    ),
    closed_states=frozenset({"closed", "withdrawn", "duplicate"}),
    outcome_field="outcome",
    outcome_vocabulary="referral_outcome",
    # a referral that has gone across names who sent it and who received it
    needs=(
        (
            frozenset(set(_REFERRAL_OPEN) - {"draft"} | {"closed"}),
            ("sending_agency_id", "receiving_agency_id"),
        ),
        (frozenset({"closed"}), ("outcome",)),
        (frozenset({"duplicate"}), ("duplicate_of_id",)),
    ),
    transitions=(
        Transition("draft", "sent", when=(("direction", "US_TO_PRC"),)),
        Transition("draft", "received", when=(("direction", "PRC_TO_US"),)),
        Transition("sent", "acknowledged"),
        Transition("received", "acknowledged"),
        Transition("acknowledged", "under_verification"),
        Transition("under_verification", "info_requested"),
        Transition("info_requested", "under_verification"),
        Transition("under_verification", "responded"),
        Transition("acknowledged", "responded"),
        Transition("responded", "closed", needs_outcome=True),
        *_from_each(_REFERRAL_OPEN, "withdrawn"),
        *_from_each(_REFERRAL_OPEN, "duplicate", needs_duplicate_of=True),
    ),
)

CASE = Workflow(
    vocabulary="status.case",
    initial="open",
    states=("open", "active", "suspended", "closed", "reopened"),
    closed_states=frozenset({"closed"}),
    outcome_field="outcome",
    outcome_vocabulary="case_outcome",
    needs=((frozenset({"closed"}), ("outcome",)),),
    transitions=(
        Transition("open", "active"),
        Transition("active", "suspended"),
        Transition("suspended", "active"),
        Transition("open", "closed", needs_outcome=True),
        Transition("active", "closed", needs_outcome=True),
        Transition("suspended", "closed", needs_outcome=True),
        Transition("closed", "reopened"),
        Transition("reopened", "active"),
    ),
)

ACTION_ITEM = Workflow(
    vocabulary="status.action_item",
    initial="open",
    states=("open", "in_progress", "blocked", "done", "cancelled"),
    closed_states=frozenset({"done", "cancelled"}),
    transitions=(
        Transition("open", "in_progress"),
        Transition("in_progress", "blocked"),
        Transition("blocked", "in_progress"),
        Transition("open", "done"),
        Transition("in_progress", "done"),
        Transition("blocked", "done"),
        *_from_each(["open", "in_progress", "blocked"], "cancelled"),
        Transition("done", "open"),
    ),
)

MEETING = Workflow(
    vocabulary="status.meeting",
    initial="planned",
    states=("planned", "agenda_circulated", "held", "minutes_approved", "cancelled"),
    closed_states=frozenset({"minutes_approved", "cancelled"}),
    transitions=(
        Transition("planned", "agenda_circulated"),
        Transition("planned", "held"),
        Transition("agenda_circulated", "held"),
        Transition("held", "minutes_approved"),
        Transition("planned", "cancelled"),
        Transition("agenda_circulated", "cancelled"),
    ),
)

WORKFLOWS: dict[str, Workflow] = {
    "referral": REFERRAL,
    "case": CASE,
    "action_item": ACTION_ITEM,
    "meeting": MEETING,
}


def mermaid(record_type: str) -> str:
    """The workflow as a Mermaid state diagram, for the README (kept true by a test)."""
    wf = WORKFLOWS[record_type]
    lines = ["stateDiagram-v2", f"    [*] --> {wf.initial}"]
    by_target: dict[str, list[Transition]] = {}
    for t in wf.transitions:
        by_target.setdefault(t.target, []).append(t)
    anywhere = [
        target for target, ts in by_target.items() if len(ts) >= 4 and not any(t.when for t in ts)
    ]
    if anywhere:
        lines.append('    state "any open state" as any_open')
    for t in wf.transitions:
        if t.target in anywhere:
            continue
        note = ""
        if t.when:
            note = " : " + ", ".join(v for _k, v in t.when)
        elif t.needs_outcome:
            note = " : with outcome"
        lines.append(f"    {t.source} --> {t.target}{note}")
    for target in anywhere:
        extra = " : names the original" if by_target[target][0].needs_duplicate_of else ""
        lines.append(f"    any_open --> {target}{extra}")
    return "\n".join(lines)
