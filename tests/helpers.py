"""Building small worlds of records through the services, as a user would create them."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select, text

from workinggroup_app.audit import trail
from workinggroup_app.domain import models
from workinggroup_app.domain.fields import record_type
from workinggroup_app.domain.permissions import SYSTEM, Actor
from workinggroup_app.services.records import Services
from workinggroup_app.storage.database import Database

TODAY = date(2026, 3, 5)

DEFAULTS: dict[str, dict[str, Any]] = {
    "agency": {"title_en": "Agency", "title_zh": "机构", "side": "US"},
    "contact": {"title_en": "Contact person", "title_zh": "联系人"},
    "case": {"title_en": "A case", "title_zh": "一个案件"},
    "referral": {
        "title_en": "A referral",
        "title_zh": "一条线索",
        "direction": "US_TO_PRC",
        "referral_type": "lead",
    },
    "action_item": {"title_en": "An action item", "title_zh": "一项行动", "owner_side": "US"},
    "meeting": {"title_en": "A meeting", "title_zh": "一次会议", "meeting_type": "plenary"},
    "entity": {"title_en": "A company", "title_zh": "一家公司", "entity_type": "company"},
    "substance": {"title_en": "A substance", "title_zh": "一种物质", "category": "precursor"},
}


class World:
    """Creates records through ``Services`` (so every row has its audit event and history)."""

    def __init__(self, db: Database, actor: Actor = SYSTEM, today: date = TODAY) -> None:
        self.db = db
        self.today = today
        self.svc = Services(db, actor, today=lambda: today)
        self._abbr = 0

    def as_(self, actor: Actor) -> Services:
        return Services(self.db, actor, today=lambda: self.today)

    def make(self, type_key: str, **values: Any) -> int:
        data = dict(DEFAULTS[type_key])
        if type_key == "agency" and "abbreviation" not in values:
            self._abbr += 1
            data["abbreviation"] = f"AG{self._abbr}"
        if type_key == "contact" and "agency_id" not in values:
            data["agency_id"] = self.make("agency")
        agencies = ("sending_agency_id", "receiving_agency_id")
        if type_key == "referral" and not set(agencies) & set(values):
            # one that goes across names who sends it and who receives it
            for name, side in zip(agencies, ("US", "PRC"), strict=True):
                data[name] = self.make("agency", side=side)
        data.update(values)
        return self.svc.create(type_key, data).ids[0]

    def move(self, type_key: str, record_id: int, *targets: str, **kw: Any) -> None:
        for target in targets:
            self.svc.transition(type_key, record_id, target, **kw)

    def get(self, type_key: str, record_id: int) -> Any:
        with self.db.session() as s:
            obj = s.get(record_type(type_key).model, record_id)
            if obj is not None:
                s.expunge(obj)
            return obj

    def version(self, type_key: str, record_id: int) -> int:
        return self.get(type_key, record_id).version

    def count(self, model: Any) -> int:
        with self.db.session() as s:
            return s.execute(select(func.count()).select_from(model)).scalar_one()

    def audit_count(self) -> int:
        return self.count(models.AuditEvent)

    def verify(self) -> trail.VerifyResult:
        with self.db.session() as s:
            return trail.verify(s)

    def sql(self, statement: str, **params: Any) -> list[Any]:
        """Raw SQL as the database's owner. On PostgreSQL past every trigger (the
        append-only audit trail, the server's own audit of record rows, and the foreign-key
        checks too), as only someone with the superuser's rights could write: how tests
        tamper with a trail or set up a row the services would not write."""
        with self.db.engine.begin() as conn:
            if not self.db.is_sqlite:
                conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            result = conn.execute(text(statement), params)
            return list(result) if result.returns_rows else []


# --- the command line, in this process ---------------------------------------------------------

CLI_PASSWORD = "correct horse battery staple"


def run_command(url: str, *argv: str, user: str = "cli-admin", role: str = "administrator") -> int:
    """One command of the real parser on ``url``, in this process, signed in as ``user``
    (an account with ``role`` made first when the database has none of that name), as
    ``--user NAME --password-stdin`` would sign them in."""
    import argparse

    from workinggroup_app.cli.main import build_parser
    from workinggroup_app.services import users
    from workinggroup_app.storage.credentials import Credentials
    from workinggroup_app.storage.database import open_database

    ensure_account(open_database, url, user, role)
    args = build_parser().parse_args(["--database-url", url, "--user", user, *argv])
    assert isinstance(args, argparse.Namespace)
    args._credentials = Credentials(users.normalise_username(user), CLI_PASSWORD)
    return int(args.func(args) or 0)


def ensure_account(open_database: Any, url: str, user: str, role: str) -> None:
    from workinggroup_app.services import users

    database = open_database(url)
    try:
        if users.get_user(database, user) is None:
            account = users.new_account(user, CLI_PASSWORD, role)
            database.write(lambda s: account.add(database, s, by="tests"))
    finally:
        database.dispose()
