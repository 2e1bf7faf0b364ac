"""Every role against every write service, for every record type.

The rule is enforced in the services, not by hiding buttons: an allowed call succeeds and
writes one audit event per record; a refused call raises PermissionDenied and leaves the
database byte-for-byte as it was (no row, no audit event, no version bump).
"""

from __future__ import annotations

import hashlib
import shutil

import pytest
from sqlalchemy import text

from workinggroup_app.domain import permissions
from workinggroup_app.domain.errors import PermissionDenied
from workinggroup_app.domain.fields import RECORD_TYPES
from workinggroup_app.domain.permissions import ROLES, SYSTEM, Actor
from workinggroup_app.services.records import Services
from workinggroup_app.storage.database import open_database

# What each role may do, written out from the domain (DOMAIN.md: liaison officers log
# referrals and action items; coordinators prepare meetings; managers review and tidy up;
# viewers only read). The test also checks permissions.RULES says the same.
EDIT_ALL = {"administrator", "manager"}
EDIT_MEETINGS = EDIT_ALL | {"coordinator"}
EDIT_RECORDS = EDIT_MEETINGS | {"liaison"}
EXPECTED: dict[tuple[str, str], set[str]] = {}
for _t in RECORD_TYPES:
    for _a in ("create", "update", "transition"):
        EXPECTED[(_a, _t)] = set(EDIT_RECORDS)
    EXPECTED[("archive", _t)] = set(EDIT_ALL)
    EXPECTED[("restore", _t)] = set(EDIT_ALL)
for _a in ("create", "update", "transition"):
    EXPECTED[(_a, "meeting")] = set(EDIT_MEETINGS)
for _a in ("create", "update"):
    EXPECTED[(_a, "substance")] = set(EDIT_MEETINGS)
    EXPECTED[(_a, "agency")] = set(EDIT_ALL)

VALUES = {
    "agency": {"title_en": "Drug Enforcement Administration", "title_zh": "缉毒局",
               "abbreviation": "DEA", "side": "US"},
    "case": {"title_en": "Precursor network", "title_zh": "前体网络"},
    "referral": {"title_en": "Lead on NPP seller", "title_zh": "NPP 卖家线索",
                 "direction": "US_TO_PRC", "referral_type": "lead",
                 "sending_agency_id": 1, "receiving_agency_id": 1},
    "action_item": {"title_en": "Reply on lead", "title_zh": "答复线索", "owner_side": "PRC"},
    "meeting": {"title_en": "Plenary", "title_zh": "全体会议", "meeting_type": "plenary"},
    "entity": {"title_en": "Hubei Example Chemical Co.", "entity_type": "company"},
    "substance": {"title_en": "4-AP", "title_zh": "4-苯胺基哌啶", "category": "precursor"},
    "contact": {"title_en": "Jane Roe", "agency_id": 1},
}  # fmt: skip
TRANSITION = {
    "case": "active",
    "referral": "sent",
    "action_item": "in_progress",
    "meeting": "agenda_circulated",
}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A database with, for each type, one live record and one archived record."""
    path = tmp_path_factory.mktemp("matrix") / "template.sqlite3"
    db = open_database(str(path))
    s = Services(db, SYSTEM)
    s.create("agency", VALUES["agency"])
    ids = {}
    for key in RECORD_TYPES:
        live = s.create(key, VALUES[key])
        gone = s.create(key, VALUES[key])
        s.archive(key, gone.ids[0], gone.version)
        ids[key] = (live.ids[0], gone.ids[0])
    db.dispose()
    return path, ids


def fingerprint(db) -> str:
    """A hash of every row of every table."""
    h = hashlib.sha256()
    with db.engine.connect() as conn:
        tables = conn.execute(
            text("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ).scalars()
        for name in list(tables):
            h.update(name.encode())
            rows = sorted(repr(tuple(r)) for r in conn.execute(text(f'SELECT * FROM "{name}"')))
            h.update("\n".join(rows).encode())
    return h.hexdigest()


def audit_count(db) -> int:
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM audit_event")).scalar_one()


def writes(key: str, live: int, archived: int):
    """(action checked, label, call) for every write service on this record type."""
    out = [
        ("create", "create", lambda s: s.create(key, VALUES[key])),
        ("update", "update", lambda s: s.update(key, live, {"title_en": "Changed"}, 1)),
        ("archive", "archive", lambda s: s.archive(key, live, 1)),
        ("restore", "restore", lambda s: s.restore(key, archived, 2)),
    ]
    if key in TRANSITION:
        out += [
            (
                "transition",
                "transition",
                lambda s: s.transition(key, live, TRANSITION[key], expected_version=1),
            ),
            (
                "transition",
                "bulk_transition",
                lambda s: s.bulk_transition(key, [(live, 1)], TRANSITION[key]),
            ),
        ]
    if key == "meeting":
        out.append(
            (
                "update",
                "save_meeting_content",
                lambda s: s.save_meeting_content(
                    live, 1, agenda=[{"title_en": "Opening remarks", "title_zh": "开幕致辞"}]
                ),
            )
        )
    return out


def test_the_written_rules_match_the_permissions_table():
    for (action, key), roles in EXPECTED.items():
        for role in ROLES:
            assert permissions.allowed(role, action, key) == (role in roles), (role, action, key)
    assert not any(permissions.allowed("viewer", a, k) for a, k in EXPECTED)


@pytest.mark.parametrize("key", list(RECORD_TYPES))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_against_each_write(template, tmp_path, role, key):
    src, ids = template
    live, archived = ids[key]
    for action, label, call in writes(key, live, archived):
        path = tmp_path / f"{label}.sqlite3"
        shutil.copy(src, path)  # each call starts from the same state
        db = open_database(str(path))
        try:
            services = Services(db, Actor(f"user-{role}", role))
            before_print, before_events = fingerprint(db), audit_count(db)
            if role in EXPECTED[(action, key)]:
                change = call(services)
                assert change.action != "none", (role, key, label)
                assert audit_count(db) == before_events + 1, (role, key, label)
            else:
                with pytest.raises(PermissionDenied) as denied:
                    call(services)
                assert denied.value.message_zh and denied.value.message_en
                assert fingerprint(db) == before_print, (role, key, label)
        finally:
            db.dispose()
