"""Signed and encrypted exchange packages with the counterpart side.

The package is the public face of its modules: ``protocol`` (format, shared fields,
errors), ``keys``, ``content``, ``export``, ``envelope`` (encryption), ``container``
(reading and checking a package), ``plan`` (what an import would do), ``apply`` and
``conflicts``. Callers import from here.

A package file is an `age <https://age-encryption.org/v1>`_ encrypted file (``envelope``)
whose recipients are the registered counterpart key(s) the sender chose and the sender's
own key (so the sender can open its own package again). The Ed25519 keys both sides
already exchange to sign packages serve as age ``ssh-ed25519`` recipients: no second key
exchange. This side's private key is stored encrypted with a passphrase (``keys``).
Importing decrypts first (a package for another key, cut off, or with any byte changed is
refused there), then checks the signed zip inside.

Inside is one zip file::

    manifest.json           format and version, sender (name and key fingerprint), the
                            recipients (names and key fingerprints), creation time, the
                            --since date, record counts, and the SHA-256 and size of every
                            member below
    records/<type>.json     {"type": ..., "records": {uuid: record}} for each record type
    signature.sig           Ed25519 signature (64 raw bytes) over the bytes of manifest.json

Only records that ``releasability.visible_clause("bilateral", ...)`` lets the counterpart
see are written, the one filter every counterpart-facing output uses, and of them only
the fields in ``SHARED`` (decided field by field; see ``SHARED`` and ``NOT_SHARED``); a
meeting carries its attendees (``PARTS``). Links to other records travel as their UUIDs and
only when the linked record is itself visible to the counterpart; links to agencies as the
agency's abbreviation (``DEA``, ``MPS NCB``), the name both sides use, under the same rule.
The agencies, entities, substances and contacts a record links to travel with it
(``CARRIED``), changed since the last exchange or not, so that a freshly set-up counterpart
can make every link; a US-only one never does, and the link to it stays home.

An incoming record is ours when it has our record's UUID (the shipped reference data has
the same UUIDs on both sides) or, for agencies, substances and contacts, the same natural key
(``NATURAL_KEYS``: side and abbreviation, CAS number, e-mail); from then on the counterpart's
UUID names our record in the links of that import, and content that differs only in whose
UUIDs name the links is the same content. A matched record is merged like any other (below):
a package never overwrites it unless the rules say theirs is newer.

Importing verifies, before reading a single record, that the package decrypts with this
side's key, that the manifest is signed by a key registered for the counterpart and names
this side's key among the recipients, and that every member has the hash it states;
it also refuses a record not marked releasable, a field that is not shared, and a package
already imported. Nothing from a refused package is written.

Merging is by UUID and never overwrites a local edit silently. Each side remembers, per
record, the content hashes of the versions it had at each exchange (``exchange_state``),
and sends that history with each record. For an incoming version:

- the same content as ours: unchanged;
- the sender had seen our current content (ours is in its history): theirs is newer,
  and replaces ours;
- we have had the incoming content ourselves (it is in our history): it is stale, ours
  is kept (and goes back with the next export);
- otherwise both sides changed the record since they last agreed: a conflict, kept in
  ``exchange_conflict`` until a person chooses "keep mine" or "take theirs".
"""

from workinggroup_app.exchange.sync.apply import apply_import
from workinggroup_app.exchange.sync.conflicts import ConflictView, open_conflicts, resolve_conflict
from workinggroup_app.exchange.sync.container import (
    MANIFEST,
    MAX_MANIFEST,
    MAX_MEMBER,
    MAX_RATIO,
    SIGNATURE,
    Incoming,
    Package,
    inspect_package,
    member_info,
    open_package,
    parse_package,
    read_package,
)
from workinggroup_app.exchange.sync.content import (
    HISTORY_KEPT,
    content_hash,
    content_label,
    local_content,
)
from workinggroup_app.exchange.sync.envelope import recipient_tags, seal, ssh_tag, unseal
from workinggroup_app.exchange.sync.export import ExportResult, export_package
from workinggroup_app.exchange.sync.keys import (
    IDENTITY,
    MIN_PASSPHRASE,
    PRIVATE_KEY,
    PUBLIC_KEY,
    KeyInfo,
    check_can_create,
    check_new_passphrase,
    choose_recipients,
    fingerprint,
    generate_key,
    key_info,
    keys_dir,
    own_key,
    parse_public_key,
    protect_key,
    raw_public_of,
    register_key,
    registered_keys,
    short_fingerprint,
)
from workinggroup_app.exchange.sync.plan import (
    CONFLICT,
    KEPT,
    NEW,
    OUTCOMES,
    PROBLEM,
    UNCHANGED,
    UPDATE,
    ImportResult,
    PlanItem,
    preview_import,
)
from workinggroup_app.exchange.sync.protocol import (
    CARRIED,
    EXCHANGE_TYPES,
    FORMAT,
    FORMAT_VERSION,
    NATURAL_KEYS,
    NOT_SHARED,
    PARTS,
    SHARED,
    ExchangeError,
    PackageRefused,
    PassphraseNeeded,
    Progress,
    WrongPassphrase,
)

__all__ = [
    "CARRIED",
    "CONFLICT",
    "EXCHANGE_TYPES",
    "FORMAT",
    "FORMAT_VERSION",
    "HISTORY_KEPT",
    "IDENTITY",
    "KEPT",
    "MANIFEST",
    "MAX_MANIFEST",
    "MAX_MEMBER",
    "MAX_RATIO",
    "MIN_PASSPHRASE",
    "NATURAL_KEYS",
    "NEW",
    "NOT_SHARED",
    "OUTCOMES",
    "PARTS",
    "PRIVATE_KEY",
    "PROBLEM",
    "PUBLIC_KEY",
    "SHARED",
    "SIGNATURE",
    "UNCHANGED",
    "UPDATE",
    "ConflictView",
    "ExchangeError",
    "ExportResult",
    "ImportResult",
    "Incoming",
    "KeyInfo",
    "Package",
    "PackageRefused",
    "PassphraseNeeded",
    "PlanItem",
    "Progress",
    "WrongPassphrase",
    "apply_import",
    "check_can_create",
    "check_new_passphrase",
    "choose_recipients",
    "content_hash",
    "content_label",
    "export_package",
    "fingerprint",
    "generate_key",
    "inspect_package",
    "key_info",
    "keys_dir",
    "local_content",
    "member_info",
    "open_conflicts",
    "open_package",
    "own_key",
    "parse_package",
    "parse_public_key",
    "preview_import",
    "protect_key",
    "raw_public_of",
    "read_package",
    "recipient_tags",
    "register_key",
    "registered_keys",
    "resolve_conflict",
    "seal",
    "short_fingerprint",
    "ssh_tag",
    "unseal",
]
