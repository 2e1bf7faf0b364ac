"""What a package is and carries: its format and limits, the fields each record type shares
(``SHARED``) and keeps (``NOT_SHARED``), the records carried for the links of others
(``CARRIED``) and how they are found on the other side (``NATURAL_KEYS``), and the errors
of an exchange.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workinggroup_app.domain.errors import DomainError

FORMAT = "workinggroup-exchange"
# 2: agencies travel as records, meetings carry their attendees.
# 3: the package is encrypted to its recipients (age), and the signed manifest names them.
FORMAT_VERSION = 3


# Record types exchanged, in the order an import creates them (targets before links).
EXCHANGE_TYPES = (
    "agency",
    "entity",
    "substance",
    "contact",
    "case",
    "referral",
    "meeting",
    "action_item",
)

# Records a package carries whenever a record in it links to them, changed or not: the
# counterpart cannot make the link without them (a freshly set-up database has none).
CARRIED = ("agency", "entity", "substance", "contact")

# How an incoming record of these types is found here when no local record has its UUID:
# the shipped reference data has the same UUIDs on both sides, records typed on each side
# line up by these fields (compared ignoring case; an empty value matches nothing).
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "agency": ("side", "abbreviation"),
    "substance": ("cas_number",),
    "contact": ("email",),
}


_COMMON = ("title_en", "title_zh", "caveat")


# The content shared with the counterpart, per record type (the record's UUID is its key;
# its reference and, for referrals, the counterpart's reference travel beside it).
SHARED: dict[str, tuple[str, ...]] = {
    "agency": (*_COMMON, "abbreviation", "side"),
    "entity": (*_COMMON, "entity_type", "uscc", "country", "url"),
    "substance": (*_COMMON, "category", "cas_number", "us_control", "prc_control"),
    "contact": (*_COMMON, "agency_id", "position_en", "position_zh", "email", "phone"),
    "case": (
        *_COMMON,
        "status",
        "outcome",
        "line_of_effort",
        "lead_agency_id",
        "opened_on",
        "closed_on",
        "summary_en",
        "summary_zh",
        "entities",
        "substances",
    ),
    "referral": (
        *_COMMON,
        "status",
        "outcome",
        "direction",
        "referral_type",
        "line_of_effort",
        "sending_agency_id",
        "receiving_agency_id",
        "case_id",
        "duplicate_of_id",
        "sent_on",
        "acknowledged_on",
        "answered_on",
        "response_due",
        "summary_en",
        "summary_zh",
        "entities",
        "substances",
    ),
    "meeting": (
        *_COMMON,
        "status",
        "meeting_type",
        "starts_at",
        "place_en",
        "place_zh",
        "line_of_effort",
        "summary_en",
        "summary_zh",
        "referrals",
        "cases",
        "attendees",
    ),
    "action_item": (
        *_COMMON,
        "status",
        "owner_side",
        "owner_agency_id",
        "owner_person",
        "due_date",
        "completed_on",
        "line_of_effort",
        "origin_meeting_id",
        "origin_case_id",
        "origin_referral_id",
        "description_en",
        "description_zh",
    ),
}


# A record's parts that travel with it, as a list of rows with these columns (their links
# to agencies and contacts as for a record's own links).
PARTS: dict[str, dict[str, tuple[str, ...]]] = {
    "meeting": {
        "attendees": (
            "side",
            "name_en",
            "name_zh",
            "position_en",
            "position_zh",
            "head_of_delegation",
            "agency_id",
            "contact_id",
        ),
    },
}


def is_part(type_key: str, name: str) -> bool:
    return name in PARTS.get(type_key, {})


# What never leaves this side, and why (shown in the README and the exchange dialog).
NOT_SHARED: dict[str, str] = {
    "releasability": "every record in a package is releasable; the marking stays local",
    "archived, id, version": "local bookkeeping",
    "created_by, updated_by": "user names of this side's staff",
    "source_grade, info_grade": "this side's assessment of its own sources",
    "notes_en, notes_zh": "working notes on entities and substances",
    "agenda, decisions": "travel in the meeting packet, each with its own marking",
    "status comments": "the reasons written in this side's status history",
    "owner_user_id": "the local account of an action item's owner; the owner travels as "
    "owner_person, as written",
    "links to records not releasable": "a record travels without its link to a US-only "
    "agency, contact, entity or substance (an attendee too), and that record stays here",
}


Progress = Callable[[int, int], Any]


class ExchangeError(DomainError):
    """An exchange step that cannot go ahead (no key, refused package...)."""


class PassphraseNeeded(ExchangeError):
    """This side's private key is protected and no passphrase was given: ask for one."""


class WrongPassphrase(ExchangeError):
    """The passphrase given does not open this side's private key; nothing was changed."""


class PackageRefused(ExchangeError):
    """A package that failed verification: nothing from it was read into the database."""


def refuse(en: str, zh: str) -> PackageRefused:
    return PackageRefused(
        f"Package refused: {en} Nothing was imported.", f"已拒绝该交换包：{zh}未导入任何内容。"
    )
