"""What a dashboard is made of: figures (a value, its words and the ListSpec of the records
it counts), charts of categories, the panels, and the limits and states they use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from workinggroup_app.domain.fields import record_type
from workinggroup_app.domain.vocabulary import pair
from workinggroup_app.read.lists import ListSpec

IDS_LIMIT = 5000  # most ids a drill-down spec may carry (queries.MAX_LIMIT rows a page)
DUE_SOON_DAYS = 14
LONG_WAIT_DAYS = 30
RESPONSE_MONTHS = 12
ANSWERED_STATES = ("responded", "closed")
OPEN_ITEM_STATES = tuple(record_type("action_item").workflow.open_states())  # type: ignore[union-attr]
DIRECTIONS = ("US_TO_PRC", "PRC_TO_US")
ANSWERS_LISTED = 20  # referrals answered since the last meeting, listed by name


def labels_of(key: str) -> tuple[str, str]:
    """(English, Chinese) title of a figure or chart: the vocabulary's "dashboard" words."""
    return pair("dashboard", key)


@dataclass(frozen=True)
class Figure:
    """One number and the list that reproduces it.

    ``count`` is how many records ``spec`` lists (for counts it equals ``value``; for a
    median it is the number of referrals the median is taken over). ``exact`` is False only
    when more than ``IDS_LIMIT`` records could not be named exactly.
    """

    key: str
    label_en: str
    label_zh: str
    value: int | float | None
    count: int
    spec: ListSpec
    exact: bool = True
    unit: str = "count"  # "count" or "days"

    def label(self, lang: str = "en") -> str:
        return self.label_zh if lang.startswith("zh") else self.label_en

    def text(self) -> str:
        """The value as printed everywhere (tiles, PDF, terminal)."""
        return format_value(self.value, self.unit)


def format_value(value: int | float | None, unit: str = "count") -> str:
    if value is None:
        return "—"
    if unit == "days":
        return f"{value:.1f}"
    return f"{int(value):,}"


@dataclass(frozen=True)
class Category:
    key: Any
    label_en: str
    label_zh: str

    def label(self, lang: str = "en") -> str:
        return self.label_zh if lang.startswith("zh") else self.label_en


@dataclass(frozen=True)
class Chart:
    """A bar chart: ``bars[s][c]`` is the figure of series ``s`` in category ``c`` (or None)."""

    key: str
    label_en: str
    label_zh: str
    categories: tuple[Category, ...]
    series: tuple[Category, ...]
    bars: tuple[tuple[Figure | None, ...], ...]
    unit: str = "count"
    stacked: bool = False
    horizontal: bool = False

    def label(self, lang: str = "en") -> str:
        return self.label_zh if lang.startswith("zh") else self.label_en

    def figures(self) -> list[Figure]:
        return [f for row in self.bars for f in row if f is not None]

    def value(self, series: int, category: int) -> float:
        f = self.bars[series][category]
        return float(f.value) if f is not None and f.value is not None else 0.0


@dataclass(frozen=True)
class Answered:
    """A referral answered since the last meeting (listed in the review)."""

    id: int
    reference: str
    title_en: str
    title_zh: str
    direction: str
    answered_on: date
    days: int | None


@dataclass(frozen=True)
class Since:
    meeting_id: int
    reference: str
    title_en: str
    title_zh: str
    starts_at: datetime
    since_date: date  # the meeting's date in Washington
    figures: tuple[Figure, ...]
    answers: tuple[Answered, ...] = ()


@dataclass(frozen=True)
class MyWork:
    """The signed-in user's open and overdue action items: those their account owns."""

    username: str
    account_id: int | None  # None: the user has no account here, so owns nothing
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class Dashboard:
    today: date
    now: datetime
    audience: str
    tiles: tuple[Figure, ...]
    charts: tuple[Chart, ...]
    since: Since | None
    mine: MyWork | None = None
    _index: dict[str, Figure] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for f in self.all_figures():
            self._index.setdefault(f.key, f)

    def all_figures(self) -> list[Figure]:
        out = list(self.tiles)
        if self.since is not None:
            out += self.since.figures
        if self.mine is not None:
            out += self.mine.figures
        for c in self.charts:
            out += c.figures()
        return out

    def figure(self, key: str) -> Figure:
        return self._index[key]

    def chart(self, key: str) -> Chart:
        return next(c for c in self.charts if c.key == key)
