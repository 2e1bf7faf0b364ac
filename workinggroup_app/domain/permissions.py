"""Who may do what: roles and the actions each may take, as data. Services enforce it."""

from __future__ import annotations

from dataclasses import dataclass

from workinggroup_app.domain.errors import PermissionDenied
from workinggroup_app.domain.vocabulary import word

ROLES = ("administrator", "manager", "coordinator", "liaison", "viewer")

_ALL_EDITORS = frozenset({"administrator", "manager", "coordinator", "liaison"})
_SENIOR = frozenset({"administrator", "manager"})

# (action, record type or "*") -> roles allowed. Actions: create, update, transition,
# archive, restore, export_bilateral, export, import, manage_users, audit_view, exchange.
RULES: dict[tuple[str, str], frozenset[str]] = {
    ("create", "*"): _ALL_EDITORS,
    ("update", "*"): _ALL_EDITORS,
    ("transition", "*"): _ALL_EDITORS,
    ("create", "meeting"): frozenset({"administrator", "manager", "coordinator"}),
    ("update", "meeting"): frozenset({"administrator", "manager", "coordinator"}),
    ("transition", "meeting"): frozenset({"administrator", "manager", "coordinator"}),
    ("create", "agency"): _SENIOR,
    ("update", "agency"): _SENIOR,
    ("create", "substance"): frozenset({"administrator", "manager", "coordinator"}),
    ("update", "substance"): frozenset({"administrator", "manager", "coordinator"}),
    ("archive", "*"): _SENIOR,
    ("restore", "*"): _SENIOR,
    ("export", "*"): frozenset(ROLES),
    ("export_bilateral", "*"): frozenset({"administrator", "manager", "coordinator"}),
    ("import", "*"): _ALL_EDITORS,
    ("exchange", "*"): _SENIOR,
    ("manage_users", "*"): frozenset({"administrator"}),
    ("audit_view", "*"): _SENIOR,
    # schema upgrades, backups, restores, encryption keys: the whole file at once
    ("maintain_database", "*"): frozenset({"administrator"}),
}


@dataclass(frozen=True)
class Actor:
    """The person a service call acts for."""

    username: str
    role: str = "administrator"
    display_name: str = ""


SYSTEM = Actor("system", "administrator", "System")


def allowed(role: str, action: str, record_type: str = "*") -> bool:
    roles = RULES.get((action, record_type)) or RULES.get((action, "*"), frozenset())
    return role in roles


def require(actor: Actor, action: str, record_type: str = "*") -> None:
    if not allowed(actor.role, action, record_type):
        what = word("record_type_plural", record_type) if record_type != "*" else ""
        what_zh = word("record_type_plural", record_type, "zh") if record_type != "*" else ""
        verb = action.replace("_", " ")
        raise PermissionDenied(
            f"Your role ({word('role', actor.role)}) may not {verb}"
            f"{' ' + what.lower() if what else ''}.",
            f"您的角色（{word('role', actor.role, 'zh')}）无权"
            f"{'对' + what_zh + '执行该操作' if what_zh else '执行该操作'}。",
        )
