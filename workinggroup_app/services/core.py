"""What every service shares: one transaction per call (serialisation failures retried),
loading a record for change, bumping its version, its search text and its links, and the
``Change`` a call reports to the views.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workinggroup_app.domain import models, vocabulary
from workinggroup_app.domain.errors import (
    NotFoundError,
    StaleEditError,
)
from workinggroup_app.domain.fields import (
    LINKS,
    RecordType,
    record_type,
)
from workinggroup_app.domain.models import utcnow
from workinggroup_app.domain.permissions import SYSTEM, Actor
from workinggroup_app.storage.database import Database
from workinggroup_app.storage.search_index import body_for

T = TypeVar("T")


@dataclass(frozen=True)
class Change:
    """What a service call changed, for views to decide whether to refresh."""

    record_type: str
    action: str
    ids: tuple[int, ...] = ()
    reference: str = ""
    version: int = 0
    fields: tuple[str, ...] = ()


class ServiceBase:
    """Write operations for one user on one database: the transaction and the bookkeeping."""

    def __init__(
        self, db: Database, actor: Actor = SYSTEM, *, today: Callable[[], date] = date.today
    ):
        self.db = db
        self.actor = actor
        self.today = today

    def _run(self, fn: Callable[[Session], T]) -> T:
        """One transaction (``Database.write``: serialisation failures retried)."""
        return self.db.write(fn)

    def _load(self, session: Session, rt: RecordType, record_id: int) -> Any:
        obj = session.get(rt.model, record_id)
        if obj is None:
            raise NotFoundError(
                f"No {vocabulary.word('record_type', rt.key).lower()} with id {record_id}.",
                f"找不到编号为 {record_id} 的{vocabulary.word('record_type', rt.key, 'zh')}。",
            )
        return obj

    def _bump(
        self, session: Session, rt: RecordType, obj: Any, expected_version: int | None
    ) -> None:
        """Claim the next version atomically: a concurrent edit makes this fail, not overwrite."""
        expected = obj.version if expected_version is None else expected_version
        now = utcnow()
        result = session.execute(
            update(rt.model)
            .where(rt.model.id == obj.id, rt.model.version == expected)
            .values(version=expected + 1, updated_at=now, updated_by=self.actor.username)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            session.refresh(obj)
            raise StaleEditError(obj.reference, obj.updated_by, obj.updated_at)
        session.refresh(obj, attribute_names=["version", "updated_at", "updated_by"])

    def bump_version(self, session: Session, rt: RecordType, obj: Any) -> None:
        """A new version for a record whose parts changed in the caller's transaction."""
        self._bump(session, rt, obj, None)

    def _index(self, session: Session, rt: RecordType, obj: Any) -> None:
        values = {f.name: getattr(obj, f.name, None) for f in rt.fields if f.kind != LINKS}
        body = body_for(rt.key, values)
        row = session.execute(
            select(models.SearchText).where(
                models.SearchText.record_type == rt.key, models.SearchText.record_id == obj.id
            )
        ).scalar_one_or_none()
        if row is None:
            session.add(models.SearchText(record_type=rt.key, record_id=obj.id, body=body))
        elif row.body != body:
            row.body = body

    def _set_links(
        self, session: Session, rt: RecordType, obj: Any, name: str, ids: list[int]
    ) -> tuple[list[str], list[str]]:
        target = record_type(rt.field(name).target or "")
        old = [o.reference for o in getattr(obj, name)]
        new_objs = (
            list(session.execute(select(target.model).where(target.model.id.in_(ids))).scalars())
            if ids
            else []
        )
        setattr(obj, name, new_objs)
        return old, [o.reference for o in new_objs]
