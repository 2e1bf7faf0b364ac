"""Fixtures and helpers for the record view tests (imported by those test modules).

Each test gets a fresh SQLite database (the root ``db`` fixture) and a small data set made
through Services, and drives real widgets with pytest-qt.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

FONT = Path(__file__).resolve().parents[2] / "resources" / "fonts" / "wqy-microhei.ttc"


def build_ctx(db: Any, lang: str = "en", role: str = "administrator", user: str = "tester"):
    from workinggroup_app.domain.permissions import Actor
    from workinggroup_app.services.records import Services
    from workinggroup_ui.context import AppContext
    from workinggroup_ui.operations.runner import OpRunner

    actor = Actor(user, role)
    ops = OpRunner(None, lang=lambda: lang)  # unexpected errors re-raise: the test fails
    return AppContext(db, actor, Services(db, actor), ops, lang)


@pytest.fixture(scope="session")
def wqy_font(qapp) -> list[str]:
    """The shipped CJK font, so Chinese is drawn (and screenshots are readable)."""
    from PySide6.QtGui import QFontDatabase

    font_id = QFontDatabase.addApplicationFont(str(FONT))
    return list(QFontDatabase.applicationFontFamilies(font_id)) if font_id >= 0 else []


@dataclass
class World:
    """What ``world`` made: ids and references by short name."""

    ids: dict[str, int] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, change: Any) -> int:
        self.ids[name] = change.ids[0]
        self.refs[name] = change.reference
        return change.ids[0]


def make_world(services: Any) -> World:
    w = World()
    s = services
    for name, abbr, side, en, zh in (
        ("dea", "DEA", "US", "Drug Enforcement Administration", "美国缉毒局"),
        ("ncb", "NCB", "PRC", "Narcotics Control Bureau", "公安部禁毒局"),
    ):
        w.add(
            name,
            s.create(
                "agency",
                {
                    "abbreviation": abbr,
                    "side": side,
                    "title_en": en,
                    "title_zh": zh,
                    "releasability": "releasable",
                },
            ),
        )
    w.add(
        "case",
        s.create(
            "case",
            {
                "title_en": "Precursor supply network",
                "title_zh": "前体供应网络",
                "lead_agency_id": w.ids["dea"],
            },
        ),
    )
    w.add(
        "entity",
        s.create(
            "entity",
            {"title_en": "Yuanfeng Chemical Co.", "title_zh": "远丰化工", "entity_type": "company"},
        ),
    )
    w.add(
        "substance",
        s.create(
            "substance",
            {
                "title_en": "4-Anilinopiperidine",
                "title_zh": "4-苯胺基哌啶",
                "category": "precursor",
            },
        ),
    )
    w.add(
        "referral",
        s.create(
            "referral",
            {
                "title_en": "Online sale of NPP precursor",
                "title_zh": "网上销售NPP前体",
                "direction": "US_TO_PRC",
                "referral_type": "lead",
                "sending_agency_id": w.ids["dea"],
                "receiving_agency_id": w.ids["ncb"],
                "case_id": w.ids["case"],
                "entities": [w.ids["entity"]],
                "summary_en": "A storefront offers NPP.",
            },
        ),
    )
    w.add(
        "action_item",
        s.create(
            "action_item",
            {"title_en": "Share lab analysis", "title_zh": "分享实验室分析", "owner_side": "US"},
        ),
    )
    w.add(
        "meeting",
        s.create(
            "meeting",
            {
                "title_en": "Technical session on precursors",
                "title_zh": "前体技术会议",
                "meeting_type": "technical",
                "starts_at": "2026-03-05T14:00:00+00:00",
                "releasability": "releasable",
                "referrals": [w.ids["referral"]],
            },
        ),
    )
    w.add(
        "contact",
        s.create(
            "contact",
            {"title_en": "Li Wei", "title_zh": "李伟", "agency_id": w.ids["ncb"]},
        ),
    )
    return w


@pytest.fixture
def rctx(db, qapp):
    context = build_ctx(db)
    yield context
    context.ops.wait()


@pytest.fixture
def world(rctx) -> World:
    return make_world(rctx.services)


@pytest.fixture
def open_view(qtbot, rctx):
    """open_view(type_key, record_id=None, ctx=None) -> a shown RecordView."""
    from workinggroup_ui.forms.record_view import RecordView

    def make(type_key: str, record_id: int | None = None, ctx: Any = None) -> Any:
        view = RecordView(ctx or rctx, type_key, record_id)
        qtbot.addWidget(view)
        view.resize(1100, 850)
        view.show()
        qtbot.waitExposed(view)
        return view

    return make


def type_chinese(widget: Any, text: str) -> None:
    """Type Chinese as an input method delivers it: one committed string (QTest.keyClicks
    only knows Latin-1 keys)."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QInputMethodEvent

    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    target = widget.focusProxy() or widget
    QCoreApplication.sendEvent(target, event)


def wait_ops(ctx: Any) -> None:
    assert ctx.ops.wait(), "the operation did not finish"


def stored(db: Any, type_key: str, record_id: int) -> Any:
    from workinggroup_app.read import related

    with db.session() as s:
        obj = related.get(s, type_key, record_id)
        s.expunge(obj)
        return obj


def count(db: Any, type_key: str) -> int:
    from workinggroup_app.read import lists

    with db.session() as s:
        return lists.count_rows(s, lists.ListSpec(type_key, include_archived=True))
