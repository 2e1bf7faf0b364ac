"""The read model of one record: what its form shows, read without the interface."""

from __future__ import annotations

from datetime import timedelta

from tests.helpers import TODAY, World
from workinggroup_app.domain.fields import record_type
from workinggroup_app.read.record import read_record


def test_a_referral_reads_with_its_links_labelled_and_the_moves_its_workflow_allows(db):
    w = World(db)
    dea = w.make("agency", title_en="Drug Enforcement Administration", abbreviation="DEA")
    company = w.make("entity", title_en="Hubei Example Chemical Co.", title_zh="湖北示例化工")
    case = w.make("case", title_en="Precursor network")
    rid = w.make(
        "referral",
        title_en="Shipment of 4-AP",
        title_zh="4-AP 货物",
        sending_agency_id=dea,
        case_id=case,
        entities=[company],
    )
    with db.session() as s:
        data = read_record(s, record_type("referral"), rid)
    assert data is not None
    assert (data.title_en, data.title_zh, data.status) == ("Shipment of 4-AP", "4-AP 货物", "draft")
    assert data.reference.startswith("REF-")
    assert "DEA" in data.labels["sending_agency_id"]
    assert "Precursor network" in data.labels["case_id"]
    assert [record_id for record_id, _label in data.values["entities"]] == [company]
    assert "Hubei Example Chemical" in data.values["entities"][0][1]
    assert "sent" in data.allowed and "received" not in data.allowed  # US to PRC: sent
    assert not data.flagged


def test_an_overdue_action_item_reads_as_flagged_and_a_missing_one_as_none(db):
    w = World(db)
    late = w.make("action_item", due_date=TODAY - timedelta(days=3))
    with db.session() as s:
        data = read_record(s, record_type("action_item"), late)
        missing = read_record(s, record_type("action_item"), late + 1000)
    assert data is not None and data.flagged
    assert missing is None
