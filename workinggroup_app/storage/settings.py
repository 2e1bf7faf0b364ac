"""This installation's settings, as key/value rows of ``app_setting``, inside a session.

The office profile (``services.office``) and the version of the shipped reference data
merged in (``services.reference_data``) are kept here. Values are text; callers that keep
structured values store JSON.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workinggroup_app.domain.models import AppSetting, utcnow


def read_all(session: Session, prefix: str = "") -> dict[str, str]:
    """Every setting whose key starts with ``prefix``."""
    rows = session.execute(
        select(AppSetting.key, AppSetting.value).where(AppSetting.key.startswith(prefix))
    )
    return {key: value for key, value in rows}


def read(session: Session, key: str) -> str | None:
    return session.execute(select(AppSetting.value).where(AppSetting.key == key)).scalar()


def write(session: Session, key: str, value: str, by: str) -> str | None:
    """Set one setting; returns the value it had (None when it was not set)."""
    row = session.get(AppSetting, key)
    if row is None:
        session.add(AppSetting(key=key, value=value, updated_by=by[:64], updated_at=utcnow()))
        return None
    old = row.value
    row.value, row.updated_by, row.updated_at = value, by[:64], utcnow()
    return old
