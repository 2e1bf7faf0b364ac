"""The office profile: which side this installation is, the office's name, and the
releasability new records start with. Chosen at set-up, changed by an administrator,
every change audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from workinggroup_app.audit import trail
from workinggroup_app.domain import validators, vocabulary
from workinggroup_app.domain.errors import ValidationError
from workinggroup_app.domain.permissions import Actor, require
from workinggroup_app.storage import settings
from workinggroup_app.storage.database import Database

MAX_OFFICE_NAME = 200
_KEYS = ("side", "name", "default_releasability")


@dataclass(frozen=True)
class OfficeProfile:
    side: str = "US"
    name: str = ""
    default_releasability: str = "us_only"  # "releasable" or "us_only"

    def checked(self) -> OfficeProfile:
        """The profile with its name cleaned, or a ValidationError naming the bad field."""
        sides = vocabulary.keys("side")
        if self.side not in sides:
            raise ValidationError(
                "side",
                f"Side must be one of {', '.join(sides)}.",
                f"所属方必须是 {'、'.join(sides)} 之一。",
            )
        marks = vocabulary.keys("releasability")
        if self.default_releasability not in marks:
            raise ValidationError(
                "default_releasability",
                f"Default releasability must be one of {', '.join(marks)}.",
                f"默认可提供性必须是 {'、'.join(marks)} 之一。",
            )
        name = validators.clean_text(self.name, multiline=False)
        if len(name) > MAX_OFFICE_NAME:
            raise ValidationError(
                "office_name",
                f"The office name is too long ({len(name):,} characters; at most "
                f"{MAX_OFFICE_NAME}).",
                f"办公室名称过长（{len(name):,} 个字符；最多 {MAX_OFFICE_NAME} 个）。",
            )
        return OfficeProfile(self.side, name, self.default_releasability)


def read_profile_in(session: Session) -> OfficeProfile:
    stored = settings.read_all(session, "office.")
    default = OfficeProfile()
    return OfficeProfile(
        side=stored.get("office.side", default.side),
        name=stored.get("office.name", default.name),
        default_releasability=stored.get(
            "office.default_releasability", default.default_releasability
        ),
    )


def read_profile(db: Database) -> OfficeProfile:
    with db.session() as s:
        return read_profile_in(s)


def save_profile_in(session: Session, actor: Actor, profile: OfficeProfile) -> dict[str, list]:
    """Store the profile inside the caller's transaction and audit what changed."""
    require(actor, "manage_users")
    profile = profile.checked()
    changes: dict[str, list] = {}
    for key in _KEYS:
        new = getattr(profile, key)
        old = settings.write(session, f"office.{key}", new, actor.username)
        if old != new:
            changes[key] = [old, new]
    if changes:
        trail.append(
            session,
            actor=actor.username,
            action="settings",
            record_type="office",
            reference="office",
            changes=changes,
        )
    return changes


def save_profile(db: Database, actor: Actor, profile: OfficeProfile) -> dict[str, list]:
    return db.write(lambda s: save_profile_in(s, actor, profile))
