"""The manager's view as a manager uses it: click a number or a bar, get exactly its list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from tests.read.test_dashboard import CANARY, NOW, TODAY, build_world
from tests.ui.conftest import make_ctx
from workinggroup_app.domain import models
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.read.lists import ListSpec, count_rows
from workinggroup_ui.dashboard.view import DashboardView, last_visit_option

ALICE = Actor("alice", "manager", "Alice Smith")


@pytest.fixture
def world(db):
    return build_world(db)


def make_view(qtbot, db, settings, actor=ALICE, lang="en"):
    ctx = make_ctx(db, lang)
    ctx.actor = actor
    view = DashboardView(ctx, settings, today=lambda: TODAY, now=lambda: NOW)
    qtbot.addWidget(view)
    view.resize(1280, 900)
    with qtbot.waitSignal(view.refreshed, timeout=20000):
        view.show()
    view.wait()
    return view


def count(db, spec: ListSpec) -> int:
    with db.session() as s:
        return count_rows(s, spec)


def test_clicking_any_tile_opens_a_list_with_the_tiles_number(qtbot, db, world, settings):
    view = make_view(qtbot, db, settings)
    keys = [f.key for f in view.data.tiles] + [f.key for f in view.data.since.figures]
    keys += [f.key for f in view.data.mine.figures]
    assert len(keys) == 14
    for key in keys:
        tile = view.tiles[key]
        assert tile.isVisible()
        with qtbot.waitSignal(view.open_list) as blocker:
            qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
        spec = blocker.args[0]
        assert isinstance(spec, ListSpec)
        assert count(db, spec) == tile.figure.count, key
        if tile.figure.unit == "count":
            assert tile.value.text() == f"{count(db, spec):,}", key
    overdue = view.tiles["overdue"].figure.spec
    assert overdue.record_type == "action_item" and overdue.flag


@pytest.mark.parametrize(
    "key", ["items_by_side", "overdue_by_agency", "pipeline", "response_by_month"]
)
def test_clicking_a_bar_opens_the_list_of_exactly_its_records(qtbot, db, world, settings, key):
    view = make_view(qtbot, db, settings)
    panel = view.charts[key]
    view.scroll.ensureWidgetVisible(panel)
    qtbot.wait(50)
    chart = panel.data
    clicked = 0
    for si in range(len(chart.series)):
        for ci in range(len(chart.categories)):
            figure = chart.bars[si][ci]
            if figure is None or not figure.value or figure.value < 3:
                continue  # too thin to aim at
            with qtbot.waitSignal(panel.open_list, timeout=10000) as blocker:
                qtbot.mouseClick(
                    panel.viewport(), Qt.MouseButton.LeftButton, pos=panel.bar_position(si, ci)
                )
            assert blocker.args[0] == figure.spec
            assert count(db, blocker.args[0]) == figure.count
            clicked += 1
            if clicked >= 4:
                return
    assert clicked


def test_a_change_refreshes_the_figures(qtbot, db, world, settings):
    view = make_view(qtbot, db, settings)
    before = view.tiles["overdue"].figure.value
    svc = view.ctx.services
    svc.today = lambda: TODAY
    with qtbot.waitSignal(view.refreshed, timeout=20000):
        view.ctx.ops.run(
            lambda: svc.create(
                "action_item",
                {
                    "title_en": "Late",
                    "title_zh": "迟",
                    "owner_side": "US",
                    "due_date": (TODAY - timedelta(days=2)).isoformat(),
                },
            )
        )
    view.wait()
    assert view.tiles["overdue"].figure.value == before + 1
    assert view.tiles["overdue"].value.text() == f"{before + 1:,}"


def test_the_bilateral_view_shows_only_what_the_counterpart_may_see(qtbot, db, world, settings):
    view = make_view(qtbot, db, settings)
    internal = view.tiles["overdue"].figure.value
    with qtbot.waitSignal(view.refreshed, timeout=20000):
        view.set_audience("bilateral")
    view.wait()
    assert view.data.audience == "bilateral"
    assert view.tiles["overdue"].figure.value < internal
    assert view.tiles["overdue"].figure.spec.audience == "bilateral"
    for panel in view.charts.values():
        axis_labels = [c.label("en") for c in panel.data.categories]
        assert not any(CANARY in x for x in axis_labels)
    assert CANARY not in view.since_info.text()


def test_exporting_the_review_writes_the_pdf_of_the_chosen_audience(
    qtbot, db, world, settings, tmp_path, monkeypatch
):
    view = make_view(qtbot, db, settings)
    out = tmp_path / "review.pdf"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "PDF"))
    )
    view.set_audience("bilateral")
    view.wait()
    with qtbot.waitSignal(view.exported, timeout=30000) as blocker:
        qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0] == str(out)
    text = "".join(p.extract_text() for p in PdfReader(str(out)).pages)
    assert "Releasable to counterpart" in text and CANARY not in text
    assert f"{view.tiles['overdue'].figure.value}" in text


def test_a_role_that_may_not_share_cannot_export_a_bilateral_review(qtbot, db, world, settings):
    view = make_view(qtbot, db, settings, actor=Actor("lee", "liaison"))
    assert view.export_button.isEnabled()
    view.set_audience("bilateral")
    view.wait()
    assert not view.export_button.isEnabled()


def test_items_that_became_overdue_since_the_last_visit_are_announced(qtbot, db, settings):
    with db.sessions.begin() as s:
        alice = models.User(
            username="alice",
            display_name="Alice Smith",
            role="manager",
            last_seen_at=NOW - timedelta(days=7),
        )
        s.add(alice)
        s.flush()
        # (owner account, name typed as the counterpart owner, days overdue): only the
        # account makes an item hers
        for i, (owner, who, days) in enumerate(
            [(alice.id, "", 3), (None, "Alice Smith", 2), (alice.id, "alice", 20)]
        ):
            s.add(
                models.ActionItem(
                    reference=f"AI-{i}",
                    title_en=f"Item {i}",
                    status="open",
                    owner_side="US",
                    owner_user_id=owner,
                    owner_person=who,
                    created_by="carol",
                    due_date=TODAY - timedelta(days=days),
                )
            )
    view = make_view(qtbot, db, settings)
    qtbot.waitUntil(lambda: view.visit is not None, timeout=10000)
    assert view.notice.isVisible()
    assert "1 of your action items became overdue (2 in all)" in view.notice_text.text()
    with qtbot.waitSignal(view.open_list) as blocker:
        qtbot.mouseClick(view.notice_show, Qt.MouseButton.LeftButton)
    assert count(db, blocker.args[0]) == 1
    assert not view.notice.isVisible()
    with db.session() as s:
        assert s.query(models.User).filter_by(username="alice").one().last_seen_at == NOW


def test_without_a_user_row_the_last_visit_is_kept_in_the_settings(qtbot, db, settings):
    with db.sessions.begin() as s:
        s.add(
            models.ActionItem(
                reference="AI-1",
                title_en="Mine",
                status="open",
                owner_side="US",
                owner_person="alice",
                due_date=TODAY - timedelta(days=1),
            )
        )
    settings.set(last_visit_option("alice"), (NOW - timedelta(days=2)).isoformat())
    view = make_view(qtbot, db, settings)
    qtbot.waitUntil(lambda: view.visit is not None, timeout=10000)
    # no account here, so none is hers (the typed owner name is no account)
    assert view.notice.isVisible() and "none of them yours" in view.notice_text.text()
    assert settings.get(last_visit_option("alice")) == NOW.isoformat()


def test_the_chinese_view_draws_its_titles_in_chinese(qtbot, db, world, settings, cjk_font):
    view = make_view(qtbot, db, settings, lang="zh_CN")
    assert "WenQuanYi Micro Hei" in cjk_font
    assert view.title.text() == "工作进展审阅"
    assert view.tiles["overdue"].caption.text() == "已逾期的行动事项"
    assert view.charts["pipeline"].chart().title() == "按状态统计的线索移交"
    assert view.key_box.title() == "关键数据"
    image = view.grab()
    assert not image.isNull() and image.width() >= 1200
