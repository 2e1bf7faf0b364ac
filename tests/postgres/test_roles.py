"""A shared PostgreSQL server: two editors racing on one record.

Each person's own server login, the grants of their role and the server's audit of changes
made outside the application are tested in tests/storage/test_server_roles.py.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from workinggroup_app.audit import trail
from workinggroup_app.domain.errors import StaleEditError
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.services.records import Services

pytestmark = pytest.mark.postgres

# --- two editors racing on one record ---------------------------------------------------------


def _race(pg_db, monkeypatch, call, *, hold_at_bump: bool) -> list[object]:
    """Run ``call(services)`` for two users at once; return what each got."""
    barrier = threading.Barrier(2, timeout=30)
    if hold_at_bump:
        # both have read the record and passed the version check before either writes
        real_bump = Services._bump

        def bump(self, *args, **kwargs):
            barrier.wait()
            return real_bump(self, *args, **kwargs)

        monkeypatch.setattr(Services, "_bump", bump)
    results: list[object] = [None, None]

    def worker(i: int) -> None:
        svc = Services(pg_db, Actor(f"editor{i}", "liaison"))
        if not hold_at_bump:
            barrier.wait()
        try:
            results[i] = call(svc, i)
        except Exception as exc:  # the loser's error is the result we check
            results[i] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    monkeypatch.undo()
    return results


@pytest.mark.parametrize("hold_at_bump", [True, False])
def test_two_sessions_racing_on_one_record(pg_db, monkeypatch, hold_at_bump):
    svc = Services(pg_db, Actor("creator", "liaison"))
    for _round in range(5):
        case = svc.create("case", {"title_en": "Shared", "title_zh": "共享"})
        before = _audit_count(pg_db)
        results = _race(
            pg_db,
            monkeypatch,
            lambda s, i, cid=case.ids[0]: s.update("case", cid, {"summary_en": f"mine {i}"}, 1),
            hold_at_bump=hold_at_bump,
        )
        winners = [r for r in results if not isinstance(r, Exception)]
        losers = [r for r in results if isinstance(r, Exception)]
        assert len(winners) == 1 and len(losers) == 1, results
        loser = losers[0]
        assert isinstance(loser, StaleEditError), loser
        winner_name = f"editor{results.index(winners[0])}"
        assert loser.changed_by == winner_name and loser.changed_at is not None
        assert winner_name in loser.message_en and winner_name in loser.message_zh
        with pg_db.session() as s:
            row = s.execute(
                text('SELECT version, summary_en, updated_by FROM "case" WHERE id = :i'),
                {"i": case.ids[0]},
            ).one()
        assert row.version == 2 and row.updated_by == winner_name
        assert row.summary_en == f"mine {results.index(winners[0])}"
        assert _audit_count(pg_db) == before + 1  # only the winner's change is audited
    with pg_db.session() as s:
        assert trail.verify(s).ok  # concurrent appends never forked the chain


def test_racing_transitions_one_wins(pg_db, monkeypatch):
    svc = Services(pg_db, Actor("creator", "liaison"))
    case = svc.create("case", {"title_en": "Shared", "title_zh": "共享"})
    targets = ["active", "closed"]
    results = _race(
        pg_db,
        monkeypatch,
        lambda s, i: s.transition(
            "case", case.ids[0], targets[i], expected_version=1, outcome="prosecution"
        ),
        hold_at_bump=True,
    )
    assert sum(isinstance(r, StaleEditError) for r in results) == 1, results
    with pg_db.session() as s:
        history = s.execute(
            text("SELECT count(*) FROM status_change WHERE record_id = :i AND record_type='case'"),
            {"i": case.ids[0]},
        ).scalar_one()
        assert history == 2  # created + the one winning transition
        assert trail.verify(s).ok


def _audit_count(db) -> int:
    with db.session() as s:
        return s.execute(text("SELECT count(*) FROM audit_event")).scalar_one()
