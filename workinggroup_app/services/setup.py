"""Day one: the first administrator, the office profile and the shipped reference data.

``set_up`` is what the desktop's set-up wizard and ``workinggroup-app setup`` both call.
It runs in one write transaction: either the database ends with its administrator, its
office profile and (by default) the shipped agencies and substances, each step audited,
or nothing is written. A database that already has an account is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workinggroup_app.domain.errors import DomainError
from workinggroup_app.domain.models import User
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.services import office, reference_data, users
from workinggroup_app.storage.database import Database


@dataclass(frozen=True)
class SetupRequest:
    admin_username: str
    admin_password: str
    admin_display_name: str = ""
    office: office.OfficeProfile = field(default_factory=office.OfficeProfile)
    load_reference_data: bool = True


@dataclass(frozen=True)
class SetupResult:
    actor: Actor
    profile: office.OfficeProfile
    reference: reference_data.MergeReport | None


class AlreadySetUp(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "This database is already set up (it has accounts); sign in instead.",
            "此数据库已完成设置（已有账户）；请直接登录。",
        )


def set_up(db: Database, request: SetupRequest) -> SetupResult:
    """Create the first administrator, store the office profile and merge the shipped
    reference data, all or nothing. Inputs are checked before anything is written."""
    account = users.new_account(
        request.admin_username, request.admin_password, "administrator", request.admin_display_name
    )
    profile = request.office.checked()

    def work(session: Session) -> SetupResult:
        if session.execute(select(func.count()).select_from(User)).scalar_one():
            raise AlreadySetUp()
        actor = users.actor_of(account.add(db, session, by=account.name, first_run=True))
        office.save_profile_in(session, actor, profile)
        merged = reference_data.merge_in(session, actor) if request.load_reference_data else None
        return SetupResult(actor, profile, merged)

    return db.write(work)
