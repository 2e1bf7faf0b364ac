"""The one list model: windows of rows from SQL, formatted as a person reads them."""

from __future__ import annotations

from PySide6.QtCore import Qt

from workinggroup_app.read.lists import ListSpec, Row
from workinggroup_ui.lists.model import FLAG_ROLE, ID_ROLE, ROW_ROLE, RecordListModel


def _column(model: RecordListModel, name: str) -> int:
    col = model.column_of(name)
    assert col >= 0, f"{name} is not a visible column"
    return col


def _texts(model: RecordListModel, name: str) -> list[str]:
    col = _column(model, name)
    return [model.index(r, col).data() for r in range(model.rowCount())]


def test_model_passes_qt_model_tester(qtmodeltester, ctx, dataset):
    for type_key in ("referral", "action_item", "meeting", "agency", "contact"):
        model = RecordListModel(ctx.db, type_key, lang="en")
        qtmodeltester.check(model)


def test_model_tester_with_pages_smaller_than_the_list(qtmodeltester, ctx, dataset):
    model = RecordListModel(ctx.db, "referral", page_size=2)
    qtmodeltester.check(model)
    assert model.rowCount() == 4  # the archived referral is not listed by default
    ids = [model.index(r, 0).data(ID_ROLE) for r in range(4)]
    assert len(set(ids)) == 4
    assert sorted(model.loaded_pages()) == [0, 1]


def test_only_visited_pages_are_read(ctx, dataset):
    model = RecordListModel(ctx.db, "action_item", page_size=1)
    assert model.queries_run == 0  # counting is not reading rows
    model.index(3, 0).data()
    assert model.loaded_pages() == [3]


def test_custom_roles_give_the_id_and_the_row(ctx, dataset):
    model = RecordListModel(ctx.db, "referral")
    refs = _texts(model, "reference")
    row = refs.index(dataset.refs["r_fentanyl"])
    index = model.index(row, 0)
    assert index.data(ID_ROLE) == dataset.ids["r_fentanyl"]
    record = index.data(ROW_ROLE)
    assert isinstance(record, Row)
    assert record.values["status"] == "sent"
    assert record.values["title_zh"] == "涉嫌走私芬太尼前体化学品"


def test_values_are_words_not_codes(ctx, dataset):
    model = RecordListModel(ctx.db, "referral")
    by_ref = dict(zip(_texts(model, "reference"), range(model.rowCount()), strict=True))
    row = by_ref[dataset.refs["r_press"]]
    value = lambda name: model.index(row, _column(model, name)).data()  # noqa: E731
    assert value("status") == "Received"
    assert value("direction") == "PRC to US"
    assert value("referral_type") == "Investigative lead"
    assert value("releasability") == "US only"
    assert value("sending_agency_id") == "NCB"
    assert (
        value("sent_on") == (dataset.today.fromordinal(dataset.today.toordinal() - 5)).isoformat()
    )


def test_chinese_interface_shows_chinese_words(zh_ctx, db, qapp):
    zh_ctx.services.create(
        "action_item",
        {
            "title_en": "Late item",
            "title_zh": "逾期事项",
            "owner_side": "PRC",
            "due_date": "2020-01-01",
        },
    )
    model = RecordListModel(db, "action_item", lang="zh_CN")
    assert model.headerData(_column(model, "status"), Qt.Orientation.Horizontal) == "状态"
    assert _texts(model, "status") == ["待办 — 已逾期"]
    assert _texts(model, "owner_side") == ["中方"]


def test_overdue_rows_carry_an_icon_and_words(ctx, dataset):
    model = RecordListModel(ctx.db, "action_item")
    col = _column(model, "status")
    refs = _texts(model, "reference")
    overdue = model.index(refs.index(dataset.refs["a_overdue"]), col)
    done = model.index(refs.index(dataset.refs["a_done"]), col)
    assert overdue.data() == "Open — Overdue"
    assert overdue.data(FLAG_ROLE) is True
    assert not overdue.data(Qt.ItemDataRole.DecorationRole).isNull()
    assert done.data() == "Done"  # past due but done: not overdue
    assert done.data(Qt.ItemDataRole.DecorationRole) is None


def test_referral_awaiting_response_is_flagged(ctx, dataset):
    model = RecordListModel(ctx.db, "referral")
    refs = _texts(model, "reference")
    statuses = _texts(model, "status")
    assert statuses[refs.index(dataset.refs["r_npp"])] == "Sent — Awaiting response"
    assert statuses[refs.index(dataset.refs["r_fentanyl"])] == "Sent"


def test_archived_rows_are_marked_in_words_and_greyed(ctx, dataset):
    model = RecordListModel(ctx.db, "referral", spec=ListSpec("referral", include_archived=True))
    refs = _texts(model, "reference")
    marked = [r for r in refs if r.endswith("(archived)")]
    assert marked == [f"{dataset.refs['r_takedown']} (archived)"]
    row = refs.index(marked[0])
    assert model.index(row, 0).data(Qt.ItemDataRole.ForegroundRole) is not None


def test_meeting_time_is_shown_in_both_capitals(ctx, dataset):
    model = RecordListModel(ctx.db, "meeting")
    # 2026-03-05 14:00 UTC is 09:00 in Washington and 22:00 in Beijing
    assert _texts(model, "starts_at") == ["2026-03-05 09:00 Washington / 22:00 Beijing"]


def test_sort_by_column_orders_in_sql(ctx, dataset):
    model = RecordListModel(ctx.db, "action_item")
    # default: due date ascending, the overdue item first
    assert model.index(0, 0).data(ID_ROLE) == dataset.ids["a_overdue"]
    due = _column(model, "due_date")
    model.sort(due, Qt.SortOrder.DescendingOrder)
    assert model.spec.sort == "due_date" and model.spec.descending
    assert model.index(0, 0).data(ID_ROLE) == dataset.ids["a_joint"]
    title = _column(model, "title_en")
    model.sort(title, Qt.SortOrder.AscendingOrder)
    assert _texts(model, "title_en") == sorted(_texts(model, "title_en"))
    assert _texts(model, "title_en")[0] == "Exchange contact lists"


def test_last_rows_are_read_from_the_end(ctx, dataset):
    model = RecordListModel(ctx.db, "action_item", page_size=1)
    first_to_last = [model.index(r, 0).data(ID_ROLE) for r in range(model.rowCount())]
    model.refresh()
    assert [model.index(r, 0).data(ID_ROLE) for r in reversed(range(4))] == first_to_last[::-1]


def test_chosen_columns_are_shown_in_field_order_and_unknown_ones_ignored(ctx, dataset):
    model = RecordListModel(ctx.db, "referral", columns=["reference", "nonsense", "status"])
    assert model.columns == ["reference", "status"]
    assert model.columnCount() == 2
    model.set_columns(["title_zh"])
    assert model.columns == ["title_zh"]
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Title (Chinese)"


def test_background_reads_apply_only_the_latest_request(ctx, dataset, qtbot):
    model = RecordListModel(ctx.db, "referral", runner=ctx.ops)
    ctx.ops.wait()
    assert model.rowCount() == 4
    states: list[bool] = []
    model.loading_changed.connect(states.append)
    model.request_spec(ListSpec("referral", text="pill"))
    model.request_spec(ListSpec("referral", text="money"))
    assert model.loading and model.rowCount() == 4  # still the old rows meanwhile
    ctx.ops.wait()
    assert not model.loading and states == [True, False]
    assert model.spec.text == "money"
    assert [model.index(r, 0).data(ID_ROLE) for r in range(model.rowCount())] == [
        dataset.ids["r_launder"]
    ]


def test_a_new_order_keeps_the_count_and_reads_one_page(ctx, dataset):
    model = RecordListModel(ctx.db, "action_item", page_size=2)
    model.index(0, 0).data()
    model.sort(model.column_of("title_en"), Qt.SortOrder.AscendingOrder)
    assert model.rowCount() == 4
    assert model.loaded_pages() == []  # nothing read until shown
    assert model.index(0, model.column_of("title_en")).data() == "Exchange contact lists"


def test_a_sort_clicked_while_a_filter_is_read_keeps_the_filter(ctx, dataset):
    model = RecordListModel(ctx.db, "action_item", runner=ctx.ops)
    ctx.ops.wait()
    model.request_spec(model.wanted_spec.with_(flag=True))
    model.sort(model.column_of("title_en"), Qt.SortOrder.DescendingOrder)
    ctx.ops.wait()
    assert model.spec.flag and model.spec.sort == "title_en"
    assert [model.index(r, 0).data(ID_ROLE) for r in range(model.rowCount())] == [
        dataset.ids["a_overdue"]
    ]


def test_rows_show_first_and_the_list_grows_when_the_count_lands(ctx, dataset, qtbot):
    model = RecordListModel(ctx.db, "action_item", runner=ctx.ops, page_size=2)
    seen: list[tuple[int, bool]] = []
    model.counting_changed.connect(lambda counting: seen.append((model.rowCount(), counting)))
    ctx.ops.wait()
    # a full first page (2 rows) is shown while counting; then the list grows to all 4
    assert seen == [(2, True), (4, False)]
    assert model.rowCount() == 4 and not model.counting
    assert len({model.index(r, 0).data(ID_ROLE) for r in range(4)}) == 4


def test_pages_of_a_slow_list_are_read_in_the_background(ctx, dataset, qtbot):
    model = RecordListModel(ctx.db, "action_item", runner=ctx.ops, page_size=1)
    ctx.ops.wait()
    model._slow = True  # as if the first page had taken long: painting must not wait
    index = model.index(2, model.column_of("reference"))
    assert index.data() == "…"
    assert model.index(3, 0).data(ID_ROLE) is not None  # code asking for a row never waits
    with qtbot.waitSignal(model.dataChanged, timeout=5000) as changed:
        ctx.ops.wait()
    assert changed.args[0].row() == 2
    assert index.data() in dataset.refs.values()


def test_a_list_shows_its_rows_while_slow_work_holds_the_main_lane(ctx, dataset, qtbot):
    """A count or a dashboard refresh that takes long must not hold up the rows a user
    asked for: the page read takes the runner's second lane."""
    import threading

    model = RecordListModel(ctx.db, "referral", runner=ctx.ops)
    ctx.ops.wait()
    gate = threading.Event()
    ctx.ops.run(lambda: gate.wait(20))  # the main lane, busy until released
    try:
        model.request_spec(ListSpec("referral", text="money"))
        qtbot.waitUntil(lambda: not model.loading, timeout=10000)
        assert [model.index(r, 0).data(ID_ROLE) for r in range(model.rowCount())] == [
            dataset.ids["r_launder"]
        ]
    finally:
        gate.set()
    ctx.ops.wait()
    assert model.rowCount() == 1 and not model.counting


def test_a_count_nobody_wants_any_more_is_stopped(ctx, dataset, qtbot, monkeypatch):
    """Typing on while a long count runs: the old count is interrupted in the database, so
    the runner's main lane (where saves wait) is free again at once."""
    import time as _time

    from sqlalchemy import text

    from workinggroup_app.read import lists as q

    real_count = q.count_rows
    started: list[float] = []

    def slow_count(session, spec):
        if spec.include_archived:  # a count that would take minutes
            started.append(_time.perf_counter())
            session.execute(
                text(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                    "WHERE i < 2000000000) SELECT count(*) FROM n"
                )
            ).scalar_one()
        return real_count(session, spec)

    monkeypatch.setattr(q, "count_rows", slow_count)
    model = RecordListModel(ctx.db, "referral", runner=ctx.ops, page_size=1)
    ctx.ops.wait()
    model.request_spec(ListSpec("referral", include_archived=True))  # needs a count
    qtbot.waitUntil(lambda: bool(started), timeout=10000)  # the slow count is running
    model.request_spec(ListSpec("referral", text="money"))
    ctx.ops.wait(timeout_ms=15000)
    assert _time.perf_counter() - started[0] < 10  # not minutes: it was stopped
    assert model.spec.text == "money" and not model.counting
    assert [model.index(r, 0).data(ID_ROLE) for r in range(model.rowCount())] == [
        dataset.ids["r_launder"]
    ]
