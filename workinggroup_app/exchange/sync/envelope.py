"""The encrypted envelope of a package: the signed zip, encrypted to its recipients.

Format: `age <https://age-encryption.org/v1>`_ (through ``pyrage``), with each recipient's
Ed25519 key used as an age ``ssh-ed25519`` recipient. The keys are the ones the two sides
already exchange and check by fingerprint to sign packages, so encrypting needs no second
key exchange: age converts an Ed25519 key to X25519 for the key agreement (with its own
HKDF domain separation, as it does for SSH keys), wraps a random file key for each
recipient, and encrypts the payload with ChaCha20-Poly1305 in 64 KiB chunks (STREAM),
whose last chunk is marked: a changed byte, a cut-off end or a changed header (it carries
an HMAC) makes decryption fail. We chose age over a home-made X25519 + AES-GCM scheme
because it is a published, reviewed format with independent implementations (``age``,
``rage``, which ``pyrage`` wraps): no framing, nonce handling or truncation check of our
own to get wrong, and packages that do not depend on this application's code to be read.

The recipients are the counterpart key(s) the user picks and this side's own key, so that
we can open a package we exported ourselves (``inspect_package``, ``exchange show``); it
is never imported here. Each age ``ssh-ed25519`` stanza carries a 4-byte tag of its
recipient's key; ``recipient_tags`` reads them, so a package for another key is refused
with a clear reason before any decryption is tried.

Only the sender's signature (inside, over the manifest) says who wrote a package; the
signed manifest also names the recipients, so a package re-encrypted to a third party
by a recipient is refused by that third party.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from workinggroup_app.exchange.sync.keys import openssh_public, raw_public_of, short_fingerprint
from workinggroup_app.exchange.sync.protocol import refuse

AGE_HEADER = b"age-encryption.org/v1\n"
ZIP_MAGIC = b"PK\x03\x04"
MAX_HEADER = 64 * 1024  # an age header with a few stanzas is a few hundred bytes


def ssh_tag(raw_public: bytes) -> str:
    """The tag age writes in an ``ssh-ed25519`` stanza for this key: the first 4 bytes of
    the SHA-256 of its SSH wire form, in unpadded base64."""
    blob = base64.b64decode(openssh_public(raw_public).split()[1])
    return base64.b64encode(hashlib.sha256(blob).digest()[:4]).decode("ascii").rstrip("=")


def seal(plain: bytes, recipients: Iterable[bytes]) -> bytes:
    """``plain`` encrypted to each raw Ed25519 public key of ``recipients``."""
    import pyrage

    to = [pyrage.ssh.Recipient.from_str(openssh_public(raw)) for raw in dict.fromkeys(recipients)]
    if not to:
        raise ValueError("a package needs at least one recipient")
    return pyrage.encrypt(plain, to)


def recipient_tags(sealed: bytes) -> list[str] | None:
    """The ``ssh-ed25519`` tags in the header of an age file; None if it has no valid
    header (not an age file, or cut off inside the header)."""
    if not sealed.startswith(AGE_HEADER):
        return None
    end = sealed.find(b"\n--- ", 0, MAX_HEADER)
    if end < 0:
        return None
    tags = []
    for line in sealed[len(AGE_HEADER) : end].split(b"\n"):
        if line.startswith(b"-> "):
            parts = line.split(b" ")
            if len(parts) >= 3 and parts[1] == b"ssh-ed25519":
                tags.append(parts[2].decode("ascii", "replace"))
    return tags


def unseal(sealed: bytes, private_key: Any, known: Sequence[tuple[str, bytes]] = ()) -> bytes:
    """The signed zip inside a package, decrypted with this side's ``private_key``.

    PackageRefused when the file is not an encrypted package, is not encrypted to this
    side's key (``known``, (name, raw public key) of the registered keys, names whom it is
    for when one of them), or was cut off or altered."""
    import pyrage
    from cryptography.hazmat.primitives import serialization

    tags = recipient_tags(sealed)
    if tags is None:
        if sealed.startswith(ZIP_MAGIC):
            raise refuse(
                "it is not encrypted: it was written by an older version of this application "
                "(or by hand). Ask the sender to update and send a new package.",
                "该交换包未加密：由旧版程序（或手工）生成。请对方更新程序后重新发送。",
            )
        if sealed.startswith(AGE_HEADER[:8]):
            raise refuse(
                "its encryption header is cut off or damaged.", "其加密头部被截断或已损坏。"
            )
        raise refuse(
            "this is not an exchange package (it is not encrypted the way this application "
            "writes packages).",
            "这不是交换包（其加密方式与本程序生成的交换包不符）。",
        )
    own_raw = raw_public_of(private_key)
    if ssh_tag(own_raw) not in tags:
        raise _not_for_us(own_raw, tags, known)
    identity = pyrage.ssh.Identity.from_buffer(
        private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        )
    )
    try:
        return pyrage.decrypt(sealed, [identity])
    except pyrage.DecryptError as exc:
        if "no matching keys" in str(exc).lower():
            raise _not_for_us(own_raw, tags, known) from None
        raise refuse(
            "it cannot be decrypted: the file was cut off or altered after it was written "
            "(or damaged in transfer). Ask the sender for a new copy.",
            "无法解密：文件在生成后被截断或改动（或在传输中损坏）。请对方重新发送。",
        ) from None


def _not_for_us(own_raw: bytes, tags: list[str], known: Sequence[tuple[str, bytes]]) -> Any:
    from workinggroup_app.exchange.sync.keys import fingerprint

    whom = [name for name, raw in known if ssh_tag(raw) in tags]
    mine = short_fingerprint(fingerprint(own_raw))
    if whom:
        listed = ", ".join(whom)
        return refuse(
            f"it is not encrypted to this side's key ({mine}) but to {listed}'s. It was made "
            "for another installation; ask the sender to write it for your registered key.",
            f"该交换包并非加密给本方密钥（{mine}），而是加密给“{listed}”。它是为其他安装生成的；"
            "请对方按您登记的公钥重新生成。",
        )
    return refuse(
        f"it is not encrypted to this side's key ({mine}): it was made for another key "
        "(the sender may hold an old public key of ours; send them the current one and "
        "check its fingerprint with them).",
        f"该交换包并非加密给本方密钥（{mine}），而是加密给其他密钥（对方可能持有本方旧公钥；"
        "请将当前公钥发给对方并核对指纹）。",
    )
