"""Who opens the database, and what must follow an account outside the users table.

``Credentials`` are the name and password a person signed in with. They open what the
password protects: the key of an encrypted SQLite file (wrapped per account in its key
file) and, on PostgreSQL, the person's own server login. They live only in memory, for as
long as the ``Database`` is open, and are never written or logged.

An ``AccountKeeper`` is told, inside the write transaction that changes an account, what
became of it: the SQLite key file adds or drops the account's wrapped key, the PostgreSQL
server creates, alters or disables the account's login. ``services.users`` calls
``Database.account_saved`` after every change to an account; each keeper decides what it
must do, so the services hold one mechanism for every place a credential lives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class AccountState:
    """An account as it stands after a change; ``password`` only when it was just set."""

    username: str
    role: str
    active: bool
    password: str | None = field(default=None, repr=False)
    created: bool = False


class AccountKeeper(Protocol):
    def account_saved(self, session: Session, account: AccountState) -> None:
        """Bring this keeper's copy of the account in line; raise to roll the change back."""
