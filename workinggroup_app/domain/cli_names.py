"""Names the command line and file names use for record types and audiences.

Kept apart from ``fields`` and ``releasability`` (which import the database layer) so that
building the command-line parser, which every start of the application does before the
window appears, imports nothing heavy.
"""

from __future__ import annotations

# Record types on the command line and in file names: "action-items", "entities"...
CLI_NAMES: dict[str, str] = {
    "cases": "case",
    "referrals": "referral",
    "action-items": "action_item",
    "meetings": "meeting",
    "entities": "entity",
    "substances": "substance",
    "agencies": "agency",
    "contacts": "contact",
}

# Who a list, an export or a review is for: the bilateral table or the US side alone.
AUDIENCES = ("bilateral", "internal")
