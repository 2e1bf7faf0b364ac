"""The audit viewer: managers and administrators find who did what, when, to which record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import text

from tests.ui.conftest import make_ctx
from workinggroup_app.audit import reading as aq
from workinggroup_app.domain import models
from workinggroup_app.domain.errors import PermissionDenied
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.services.records import Services
from workinggroup_ui.dialogs.audit_trail import (
    COL_ACTION,
    COL_ACTOR,
    COL_REFERENCE,
    AuditModel,
    AuditViewer,
)


def agencies(db) -> dict[str, int]:
    """The two agencies a sent referral names, already in the database (as the shipped
    reference data puts them there, with no event of the people in these tests)."""
    with db.sessions.begin() as s:
        ids = {}
        for field, abbr, side in (("sending_agency_id", "DEA", "US"), ("receiving_agency_id",
                                  "MPS NCB", "PRC")):  # fmt: skip
            agency = models.Agency(reference=f"AGY-2026-{len(ids) + 1:04d}", title_en=abbr,
                                   abbreviation=abbr, side=side)  # fmt: skip
            s.add(agency)
            s.flush()
            ids[field] = agency.id
    return ids


@pytest.fixture
def trail(db):
    """A referral by a liaison officer, a case by a coordinator, a status change each."""
    liu = Services(db, Actor("liu.yang", "liaison"))
    chen = Services(db, Actor("chen", "coordinator"))
    ref = liu.create(
        "referral",
        {"title_en": "Online sale of NPP", "title_zh": "网上销售NPP", "direction": "US_TO_PRC",
         "referral_type": "lead", **agencies(db)},
    )  # fmt: skip
    liu.transition("referral", ref.ids[0], "sent", expected_version=1)
    case = chen.create("case", {"title_en": "Precursor network", "title_zh": "前体网络"})
    chen.transition("case", case.ids[0], "active", expected_version=1)
    return {"referral": ref.reference, "case": case.reference}


@pytest.fixture
def viewer(ctx, trail, qtbot):
    w = AuditViewer(ctx, tz=UTC)
    qtbot.addWidget(w)
    w.show()
    return w


def column(model: AuditModel, col: int) -> list[str]:
    return [model.index(r, col).data() for r in range(model.rowCount())]


def test_all_events_newest_first_with_a_count(viewer, trail, qtmodeltester):
    model = viewer.model
    assert model.rowCount() == 4
    assert column(model, COL_ACTION) == ["Status changed", "Created", "Status changed", "Created"]
    assert column(model, COL_ACTOR) == ["chen", "chen", "liu.yang", "liu.yang"]
    assert column(model, COL_REFERENCE) == [trail["case"]] * 2 + [trail["referral"]] * 2
    assert viewer.count_label.text() == "4 event(s)"
    qtmodeltester.check(model)


def test_filter_by_user_as_typed(viewer, qtbot):
    qtbot.keyClicks(viewer.actor_edit, "LIU")
    qtbot.keyClick(viewer.actor_edit, Qt.Key.Key_Return)
    assert set(column(viewer.model, COL_ACTOR)) == {"liu.yang"}
    assert viewer.count_label.text() == "2 event(s)"


def test_filter_by_action_and_record_type(viewer):
    viewer.action_combo.setCurrentIndex(viewer.action_combo.findData("transition"))
    assert column(viewer.model, COL_ACTION) == ["Status changed", "Status changed"]
    viewer.type_combo.setCurrentIndex(viewer.type_combo.findData("referral"))
    assert viewer.model.rowCount() == 1
    viewer.clear_button.click()
    assert viewer.model.rowCount() == 4


def test_filter_by_reference(viewer, trail, qtbot):
    qtbot.keyClicks(viewer.reference_edit, trail["referral"].lower())
    qtbot.waitUntil(lambda: viewer.model.rowCount() == 2)  # applied after a short pause
    assert set(column(viewer.model, COL_REFERENCE)) == {trail["referral"]}


def test_filter_by_date_range(viewer):
    today = datetime.now(UTC).date()
    tomorrow = today + timedelta(days=1)
    viewer.from_edit.setDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
    assert viewer.model.rowCount() == 0 and viewer.count_label.text() == "0 event(s)"
    viewer.from_edit.setDate(QDate(today.year, today.month, today.day))
    viewer.to_edit.setDate(QDate(today.year, today.month, today.day))
    assert viewer.model.rowCount() == 4


def test_selecting_an_event_shows_its_changes_in_words(viewer, trail, qtbot):
    viewer.table.selectRow(2)  # liu.yang's status change
    details = viewer.details.toPlainText()
    assert "Status: Draft → Sent" in details
    assert "liu.yang" in details and trail["referral"] in details
    assert "Washington" in details and "Beijing" in details


def test_chinese_interface_shows_chinese_words(db, trail, qtbot):
    ctx = make_ctx(db, "zh_CN")
    w = AuditViewer(ctx, tz=UTC)
    qtbot.addWidget(w)
    assert column(w.model, COL_ACTION)[:2] == ["状态变更", "创建"]
    w.table.selectRow(0)
    assert "状态: 已立案 → 办理中" in w.details.toPlainText()


def test_long_trails_are_read_in_windows(ctx, db, qtbot):
    svc = Services(db, Actor("bulk", "manager"))
    case = svc.create("case", {"title_en": "Busy case", "title_zh": "繁忙案件"})
    for v in range(1, 300):
        svc.update("case", case.ids[0], {"summary_en": f"note {v}"}, v)
    w = AuditViewer(ctx, tz=UTC)
    qtbot.addWidget(w)
    assert w.model.rowCount() == aq.WINDOW
    assert w.model.canFetchMore(w.model.index(-1, -1))
    w.model.fetchMore(w.model.index(-1, -1))
    assert w.model.rowCount() == 300
    assert not w.model.canFetchMore(w.model.index(-1, -1))
    assert w.count_label.text() == "300 event(s)"
    ids = [w.model.rows[i].id for i in range(300)]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 300


@pytest.mark.parametrize("role", ["coordinator", "liaison", "viewer"])
def test_other_roles_are_refused_in_the_widget_and_in_the_query(db, trail, qtbot, role):
    ctx = make_ctx(db, role=role)
    w = AuditViewer(ctx)
    qtbot.addWidget(w)
    assert w.model is None
    assert "managers and administrators" in w.findChild(QLabel, "refusal").text()
    with db.session() as s, pytest.raises(PermissionDenied):
        aq.events(s, ctx.actor)


def test_verify_reports_a_tampered_event(viewer, ctx, db, qtbot):
    qtbot.mouseClick(viewer.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "intact" in viewer.verify_label.text())
    assert "4 event(s)" in viewer.verify_label.text()
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET actor = 'nobody' WHERE id = 2"))
    qtbot.mouseClick(viewer.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "broken" in viewer.verify_label.text())
    assert "#2" in viewer.verify_label.text()


def test_verify_names_the_signed_checkpoint_and_finds_the_newest_events_deleted(
    viewer, ctx, db, qtbot
):
    signed = ctx.services.sign_audit("test")
    qtbot.mouseClick(viewer.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "intact" in viewer.verify_label.text())
    assert f"Signed checkpoint {signed.token}" in viewer.verify_label.text()
    assert "0 event(s) since" in viewer.verify_label.text()
    with db.engine.begin() as conn:  # the newest two events gone: the links still hold
        conn.execute(text("DELETE FROM audit_event WHERE id > 2"))
    qtbot.mouseClick(viewer.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "broken" in viewer.verify_label.text())
    assert "events are missing" in viewer.verify_label.text()


def test_new_changes_appear_without_reopening(viewer, ctx, qtbot):
    ctx.ops.run(lambda: ctx.services.create("case", {"title_en": "New", "title_zh": "新"}))
    qtbot.waitUntil(lambda: viewer.model.rowCount() == 5, timeout=10000)
    assert viewer.model.index(0, COL_ACTOR).data() == "tester"
