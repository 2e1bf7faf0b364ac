"""UI fixtures: isolated QSettings, a context over a fresh database, a small data set.

The root conftest gives every test a fresh SQLite file (``db``) and private data/log
folders; here QSettings is pointed at the test's own folder, so no test reads or writes
the real user's settings, and ``ctx`` bundles the database with Services and an OpRunner.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, qapp):
    """QSettings in an INI file under tmp_path, for this test only."""
    from PySide6.QtCore import QCoreApplication, QSettings

    from workinggroup_ui.settings import APPLICATION, ORGANIZATION

    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    folder = tmp_path / "settings"
    folder.mkdir(exist_ok=True)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(folder))
    yield folder


@pytest.fixture
def settings(isolated_settings):
    from workinggroup_ui.settings import Settings

    return Settings()


@pytest.fixture(scope="session")
def cjk_font(qapp):
    from workinggroup_ui.app import register_fonts

    return register_fonts()


def make_ctx(db, lang: str = "en", role: str = "administrator"):
    from workinggroup_app.domain.permissions import Actor
    from workinggroup_app.services.records import Services
    from workinggroup_ui.context import AppContext
    from workinggroup_ui.operations.runner import OpRunner

    actor = Actor("tester", role)
    ops = OpRunner(None, lang=lambda: lang)  # unexpected errors re-raise: pytest-qt fails the test
    return AppContext(db, actor, Services(db, actor), ops, lang)


@pytest.fixture
def ctx(db, qapp):
    context = make_ctx(db)
    yield context
    context.ops.wait()


@pytest.fixture
def zh_ctx(db, qapp):
    context = make_ctx(db, "zh_CN")
    yield context
    context.ops.wait()


@dataclass
class Dataset:
    """References and ids of what ``dataset`` created, by a short name."""

    ids: dict[str, int] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    today: date = field(default_factory=date.today)

    def add(self, name: str, change) -> None:
        self.ids[name] = change.ids[0]
        self.refs[name] = change.reference


@pytest.fixture
def dataset(ctx) -> Dataset:
    """A small working group's records, created through Services (so audited and indexed).

    Agencies: DEA, HSI (US); NCB, GACC (PRC).
    Referrals: r_npp (sent, past due: awaiting response), r_fentanyl (sent; 芬太尼, 走私),
    r_press (received; 压片机, us only), r_launder (draft; 洗钱), r_takedown (archived).
    Action items: a_overdue (open, past due), a_progress (in progress), a_joint (open),
    a_done (done, past due but not overdue).
    """
    s = ctx.services
    d = Dataset()
    today = d.today

    def ago(days: int) -> str:
        return (today - timedelta(days=days)).isoformat()

    def ahead(days: int) -> str:
        return (today + timedelta(days=days)).isoformat()

    for name, abbr, side, en, zh in (
        ("dea", "DEA", "US", "Drug Enforcement Administration", "美国缉毒局"),
        ("hsi", "HSI", "US", "Homeland Security Investigations", "国土安全调查局"),
        (
            "ncb",
            "NCB",
            "PRC",
            "Narcotics Control Bureau, Ministry of Public Security",
            "公安部禁毒局",
        ),
        ("gacc", "GACC", "PRC", "General Administration of Customs", "海关总署"),
    ):
        d.add(
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

    d.add(
        "case",
        s.create(
            "case",
            {
                "title_en": "Precursor supply network",
                "title_zh": "前体供应网络",
                "lead_agency_id": d.ids["dea"],
                "opened_on": ago(100),
                "line_of_effort": "scheduling",
            },
        ),
    )

    referrals = (
        (
            "r_npp",
            "Online sale of NPP precursor",
            "网上销售NPP前体",
            "US_TO_PRC",
            "lead",
            "dea",
            "ncb",
            ago(60),
            ago(30),
            "releasable",
            "sent",
        ),
        (
            "r_fentanyl",
            "Fentanyl precursor shipment",
            "涉嫌走私芬太尼前体化学品",
            "US_TO_PRC",
            "seizure",
            "hsi",
            "gacc",
            ago(10),
            ahead(20),
            "releasable",
            "sent",
        ),
        (
            "r_press",
            "Pill press export",
            "压片机出口",
            "PRC_TO_US",
            "lead",
            "ncb",
            "dea",
            ago(5),
            ahead(25),
            "us_only",
            "received",
        ),
        (
            "r_launder",
            "Money laundering network",
            "洗钱网络",
            "PRC_TO_US",
            "financial",
            "ncb",
            "hsi",
            None,
            None,
            "us_only",
            None,
        ),
        (
            "r_takedown",
            "Nitazene website takedown",
            "硝基咪唑类网站下架",
            "US_TO_PRC",
            "takedown",
            "dea",
            "ncb",
            None,
            None,
            "us_only",
            None,
        ),
    )
    for name, en, zh, direction, kind, sender, receiver, sent, due, rel, target in referrals:
        values = {
            "title_en": en,
            "title_zh": zh,
            "direction": direction,
            "referral_type": kind,
            "sending_agency_id": d.ids[sender],
            "receiving_agency_id": d.ids[receiver],
            "releasability": rel,
            "case_id": d.ids["case"],
        }
        if sent:
            values["sent_on"] = sent
        if due:
            values["response_due"] = due
        change = s.create("referral", values)
        d.add(name, change)
        if target:
            s.transition("referral", change.ids[0], target, comment="set up by the test")
    s.archive("referral", d.ids["r_takedown"], 1)

    items = (
        ("a_overdue", "Share lab analysis", "分享实验室分析", "US", "dea", ago(10), None),
        (
            "a_progress",
            "Provide shipment records",
            "提供货运记录",
            "PRC",
            "gacc",
            ahead(15),
            "in_progress",
        ),
        ("a_joint", "Schedule expert session", "安排专家会议", "JOINT", None, ahead(40), None),
        ("a_done", "Exchange contact lists", "交换联系人名单", "US", "hsi", ago(5), "done"),
    )
    for name, en, zh, side, agency, due, target in items:
        values = {
            "title_en": en,
            "title_zh": zh,
            "owner_side": side,
            "due_date": due,
            "releasability": "releasable",
        }
        if agency:
            values["owner_agency_id"] = d.ids[agency]
        change = s.create("action_item", values)
        d.add(name, change)
        if target:
            s.transition("action_item", change.ids[0], target, comment="set up by the test")

    d.add(
        "meeting",
        s.create(
            "meeting",
            {
                "title_en": "Technical session on precursors",
                "title_zh": "前体技术会议",
                "meeting_type": "technical",
                "starts_at": datetime(2026, 3, 5, 14, 0, tzinfo=UTC).isoformat(),
                "place_en": "Video link",
                "place_zh": "视频连线",
            },
        ),
    )
    d.add(
        "entity",
        s.create(
            "entity",
            {
                "title_en": "Yuanfeng Chemical Co.",
                "title_zh": "远丰化工有限公司",
                "entity_type": "company",
                "country": "CN",
            },
        ),
    )
    d.add(
        "substance",
        s.create(
            "substance",
            {
                "title_en": "4-Anilinopiperidine",
                "title_zh": "4-苯胺基哌啶",
                "category": "precursor",
                "us_control": "controlled",
                "prc_control": "controlled",
            },
        ),
    )
    d.add(
        "contact",
        s.create(
            "contact",
            {
                "title_en": "Li Wei",
                "title_zh": "李伟",
                "agency_id": d.ids["ncb"],
                "position_en": "Liaison officer",
                "position_zh": "联络官",
            },
        ),
    )
    return d


@pytest.fixture
def type_text(qtbot):
    """Types any text, Chinese included, as key events carrying the characters (what an input
    method delivers); QTest.keyClicks only handles ASCII."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    def type_into(widget, text: str) -> None:
        for ch in text:
            if ch.isascii():
                qtbot.keyClicks(widget, ch)
                continue
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch)
                QApplication.sendEvent(widget, event)

    return type_into
