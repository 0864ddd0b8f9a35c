"""Signed notes (C2SP signed-note) with an Ed25519 key, and the key itself.

A signed note is a text that ends in a newline, a blank line, and one line per
signature: ``— NAME BASE64``, where BASE64 holds the first four bytes of the
key's hash and the 64-byte Ed25519 signature of the text. A verifier key is
written ``NAME+HASH+BASE64`` (the key's hash in hex, then the algorithm byte
0x01 and the 32-byte public key), so it fits on one line of paper.

The private key lives in the user data directory of the account that signs
(the service account on an office server), readable by that account alone.
The cryptography package signs and verifies (see README, "Signed checkpoints").
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from superviser.errors import InvalidInput
from superviser.i18n import _

ED25519 = 0x01
DASH = "\u2014"  # the em dash that starts a signature line
KEY_FILE = "checkpoint-ed25519.pem"
_NAME = re.compile(r"^[^\s+]{1,200}$")


class BadSignature(Exception):
    """The note is not signed by the key given (or was changed after it was signed)."""


@dataclass(frozen=True)
class Verifier:
    name: str
    key_hash: bytes
    public: bytes  # the 32-byte Ed25519 key

    def __str__(self) -> str:
        return f"{self.name}+{self.key_hash.hex()}+{_b64(bytes([ED25519]) + self.public)}"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def check_name(name: str) -> str:
    if not _NAME.match(name or ""):
        raise InvalidInput("origin", _("{name} can't name a log or a key: no spaces, no '+', at most 200 characters").format(
            name=(name or "")[:60]))
    return name


def key_hash(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([ED25519]) + public).digest()[:4]


def verifier(name: str, public: bytes) -> Verifier:
    return Verifier(check_name(name), key_hash(name, public), public)


def parse_verifier(text: str) -> Verifier:
    """``NAME+HASH+BASE64`` back into a key, checked."""
    wrong = InvalidInput("key", _("is not a verifier key (NAME+HASH+BASE64, as `superviser checkpoint key` prints it)"))
    parts = text.strip().split("+", 2)  # the base64 may hold '+' too
    if len(parts) != 3 or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
        raise wrong
    name, hash_hex, encoded = parts
    try:
        raw = base64.b64decode(encoded, validate=True)
    except ValueError:
        raise wrong from None
    if len(raw) != 33 or raw[0] != ED25519:
        raise wrong
    made = verifier(name, raw[1:])
    if made.key_hash.hex() != hash_hex:
        raise InvalidInput("key", _("the key's hash does not match its name and key (it was mistyped or altered)"))
    return made


# --- the private key ----------------------------------------------------------------------------
def key_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("superviser", appauthor=False)) / KEY_FILE


def load_or_create(path: Path | None = None):
    """The signing key, made on first use (file 0600, folder 0700)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    path = path or key_path()
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = ed25519.Ed25519PrivateKey.generate()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it meanwhile: use theirs
            return load_or_create(path)
        with os.fdopen(descriptor, "wb") as out:
            out.write(pem)
            out.flush()
            os.fsync(out.fileno())
        return key
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, ed25519.Ed25519PrivateKey):
        raise InvalidInput("key", _("{path} is not an Ed25519 key").format(path=path))
    return loaded


def public_bytes(key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


# --- notes -------------------------------------------------------------------------------------
def sign(text: str, name: str, key) -> str:
    """``text`` (ending in a newline) signed by ``key`` under ``name``."""
    if not text.endswith("\n") or "\n\n" in text:
        raise ValueError("a note's text ends in one newline and has no blank line")
    signature = key.sign(text.encode("utf-8"))
    return f"{text}\n{DASH} {name} {_b64(key_hash(name, public_bytes(key)) + signature)}\n"


def split(note: str) -> tuple[str, list[tuple[str, bytes, bytes]]]:
    """(text, [(name, key hash, signature)]) of a signed note."""
    wrong = InvalidInput("checkpoint", _("is not a signed note (text, a blank line, then signature lines)"))
    cut = note.rfind("\n\n")
    if cut < 0 or not note.endswith("\n"):
        raise wrong
    text, lines = note[:cut + 1], note[cut + 2:-1].split("\n")
    signatures = []
    for line in lines:
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != DASH:
            raise wrong
        try:
            raw = base64.b64decode(parts[2], validate=True)
        except ValueError:
            raise wrong from None
        if len(raw) < 5:
            raise wrong
        signatures.append((parts[1], raw[:4], raw[4:]))
    return text, signatures


def verify(note: str, key: Verifier) -> str:
    """The note's text, if ``key`` signed it; else ``BadSignature``."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import ed25519

    text, signatures = split(note)
    public = ed25519.Ed25519PublicKey.from_public_bytes(key.public)
    mine = [sig for name, hashed, sig in signatures if name == key.name and hashed == key.key_hash]
    if not mine:
        raise BadSignature(_("it carries no signature by {key}").format(key=f"{key.name}+{key.key_hash.hex()}"))
    for signature in mine:
        try:
            public.verify(signature, text.encode("utf-8"))
            return text
        except InvalidSignature:
            continue
    raise BadSignature(_("its signature by {key} does not match its text (it was altered, or forged)").format(
        key=f"{key.name}+{key.key_hash.hex()}"))
