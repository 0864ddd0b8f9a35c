"""People's SSH keys, in the service account's ``authorized_keys``.

On an office server one account owns the database and people reach it over SSH
with their own keys (README, "Deployment"). Each key's line forces
``superviser --db DB shell --as LOGIN``, so the login is fixed by the key, not
by anything the person types. The keys are kept in the ``ssh_keys`` table
(every change logged) and written into a block of ``authorized_keys`` that
begins and ends with a marker line; everything outside the block is the
administrator's and is never touched.
"""

from __future__ import annotations

import base64
import hashlib
import os
import pwd
import re
import shlex
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from superviser import clock, fields, identity, roles, store, text
from superviser.changes import write
from superviser.errors import InvalidInput, NotFound
from superviser.i18n import N_, _
from superviser.services.base import check

BEGIN = "# superviser keys: begin (managed by `superviser keys`; do not edit between these markers)"
END = "# superviser keys: end"
OPTIONS = "restrict,pty"
RSA_MIN_BITS = 2048
KEY_FIELD = fields.Field("key", N_("key file"), "text", required=True)
LOGIN_FIELD = fields.Field("login", N_("login"), "login", required=True)


@dataclass(frozen=True)
class PublicKey:
    type: str          # ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa, …
    blob: str          # the base64 key as it appears in the file
    bits: int
    fingerprint: str   # SHA256:… as ssh-keygen -l prints it
    comment: str


def _bad(problem: str) -> InvalidInput:
    return fields.problem(KEY_FIELD, problem)


def parse_public_key(content: str) -> PublicKey:
    """One OpenSSH public key (``type base64 [comment]``), checked: Ed25519, ECDSA, or RSA of at
    least 2048 bits. The cryptography package decodes the key itself, so a line with a
    truncated or mismatched key body is refused, not stored."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
    from cryptography.hazmat.primitives.serialization import load_ssh_public_key

    if "PRIVATE KEY" in content:
        raise _bad(_("this is a private key; give the public key (the .pub file) and keep the private key secret"))
    lines = [line.strip() for line in content.splitlines() if line.strip() and not line.strip().startswith("#")]
    if not lines:
        raise _bad(_("holds no public key"))
    if len(lines) > 1:
        raise _bad(_("holds {n} lines; give one public key").format(n=len(lines)))
    parts = lines[0].split(None, 2)
    if len(parts) < 2 or not re.fullmatch(r"[a-z0-9@.-]+", parts[0]):
        raise _bad(_("is not an OpenSSH public key line (type, key, comment); options before the key are not accepted"))
    key_type, blob = parts[0], parts[1]
    comment = parts[2].strip() if len(parts) > 2 else ""
    if key_type == "ssh-dss":
        raise _bad(_("DSA keys are not accepted; use an Ed25519 key (ssh-keygen -t ed25519)"))
    try:
        key = load_ssh_public_key(f"{key_type} {blob}".encode("ascii"))
    except UnsupportedAlgorithm:
        raise _bad(_("{type} keys are not accepted; use Ed25519, ECDSA or RSA").format(type=key_type[:40])) from None
    except (ValueError, UnicodeEncodeError):
        raise _bad(_("the key is damaged (its body does not decode as a {type} key)").format(type=key_type[:40])) from None
    if isinstance(key, ed25519.Ed25519PublicKey):
        bits = 256
    elif isinstance(key, ec.EllipticCurvePublicKey):
        bits = key.curve.key_size
    elif isinstance(key, rsa.RSAPublicKey):
        bits = key.key_size
        if bits < RSA_MIN_BITS:
            raise _bad(_("an RSA key of {bits} bits is too weak; at least {min} (or use Ed25519)").format(
                bits=bits, min=RSA_MIN_BITS))
    else:
        raise _bad(_("{type} keys are not accepted; use Ed25519, ECDSA or RSA").format(type=key_type[:40]))
    raw = base64.b64decode(blob)
    fingerprint = "SHA256:" + base64.b64encode(hashlib.sha256(raw).digest()).decode("ascii").rstrip("=")
    return PublicKey(key_type, blob, bits, fingerprint, text.one_line(comment)[:200])


# --- the authorized_keys file -----------------------------------------------------------------
def default_file() -> Path:
    """The ``authorized_keys`` of the account this process runs as (from the password database,
    not ``$HOME``)."""
    return Path(pwd.getpwuid(os.getuid()).pw_dir) / ".ssh" / "authorized_keys"


def program() -> list[str]:
    """How sshd should start this same superviser: the installed script by its absolute path,
    else this Python with ``-m superviser``."""
    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if script is not None and script.name == "superviser" and script.is_file():
        return [os.path.abspath(script)]
    return [sys.executable, "-m", "superviser"]


def forced_command(db_path: Path, login: str) -> str:
    return shlex.join([*program(), "--db", os.path.abspath(db_path), "shell", "--as", login])


def key_line(db_path: Path, login: str, key_type: str, blob: str) -> str:
    # sshd unescapes only \" inside an option's quotes.
    command = forced_command(db_path, login).replace('"', '\\"')
    return f'{OPTIONS},command="{command}" {key_type} {blob} {login}'


def _split(text: str, path: Path) -> tuple[list[str], list[str], list[str]]:
    """(lines before the block, the block's lines, lines after it), each with its line end."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith(BEGIN[:24])]
    ends = [i for i, line in enumerate(lines) if line.rstrip("\r\n") == END]
    if not starts and not ends:
        return lines, [], []
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        raise InvalidInput("authorized_keys", _(
            "{path} has a damaged superviser block (its begin and end markers do not pair up); "
            "fix the file by hand, then run the command again").format(path=path))
    return lines[:starts[0]], lines[starts[0] + 1:ends[0]], lines[ends[0] + 1:]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="surrogateescape")
    except FileNotFoundError:
        return ""


def installed_lines(path: Path) -> list[str]:
    """The lines of the managed block as they are in the file now."""
    return [line.rstrip("\r\n") for line in _split(_read(path), path)[1]]


def outside_block(path: Path, blob: str) -> bool:
    """Whether ``blob`` is already in the file outside the block (where sshd would let it in
    without the forced command)."""
    before, _block, after = _split(_read(path), path)
    return any(blob in line.split() for line in before + after if not line.lstrip().startswith("#"))


def write_block(path: Path, lines: list[str]) -> bool:
    """Replace the block's lines (create the file and its folder if needed). Atomic: the new
    file is written beside the old one, then renamed over it. Returns whether it changed."""
    old = _read(path)
    before, _block, after = _split(old, path)
    if before and not before[-1].endswith("\n"):
        before[-1] += "\n"
    block = [BEGIN + "\n", *[line + "\n" for line in lines], END + "\n"] if lines else []
    new = "".join(before + block + after)
    if new == old:
        return False
    folder = path.parent
    if not folder.exists():
        folder.mkdir(mode=0o700, parents=True)
    if folder.name == ".ssh" and folder.stat().st_mode & 0o077:
        os.chmod(folder, 0o700)  # sshd ignores the keys of a folder others can write (StrictModes)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".authorized_keys-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", errors="surrogateescape", newline="") as out:
            out.write(new)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o600)
        if path.exists() and os.getuid() == 0:  # root writing for the service account keeps its owner
            status = path.stat()
            os.chown(temporary, status.st_uid, status.st_gid)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return True


# --- the steps --------------------------------------------------------------------------------
_COLUMNS = ("id", "login", "type", "key", "bits", "fingerprint", "comment", "added_at", "added_by")


def rows(db) -> list[dict]:
    return store.rows(db, f"SELECT {', '.join(_COLUMNS)} FROM ssh_keys ORDER BY login, id")


def expected_lines(db, db_path: Path) -> list[str]:
    return [key_line(db_path, r["login"], r["type"], r["key"]) for r in rows(db)]


def _remember(changes, file: Path) -> None:
    """Keep which authorized_keys this office manages (a logged setting), so a step that is not
    about keys (a person deactivated) writes the same file."""
    path = str(file.absolute())
    known = changes.db.conn.execute("SELECT value FROM settings WHERE key = 'keys.file'").fetchone()
    if known is None:
        changes.insert("settings", {"key": "keys.file", "value": path})
    elif known[0] != path:
        changes.update("settings", "keys.file", {"value": path})


def managed_file(db) -> Path:
    """The authorized_keys the office's keys were last written to, else this account's."""
    known = db.conn.execute("SELECT value FROM settings WHERE key = 'keys.file'").fetchone()
    return Path(known[0]) if known else default_file()


def withdraw(changes, db_path: Path, login: str) -> list[str]:
    """A person deactivated loses their keys in the same step: the rows go, and the block is
    written again in the file the office's keys were last written to (none recorded: only the
    rows). Returns the fingerprints removed."""
    db = changes.db
    found = db.conn.execute("SELECT id, fingerprint FROM ssh_keys WHERE login = ?", (login,)).fetchall()
    for key_id, _fingerprint in found:
        changes.delete("ssh_keys", key_id)
    known = db.conn.execute("SELECT value FROM settings WHERE key = 'keys.file'").fetchone()
    if found and known:
        write_block(Path(known[0]), expected_lines(db, db_path))
    return [fingerprint for _id, fingerprint in found]


def _service_account(db_path: Path) -> str:
    owner = identity.owner_uid(db_path)
    return identity.account_name(owner) if owner is not None else ""


def add(session, db_path: Path, login: str, content: str, *, file: Path | None = None) -> dict:
    """Give ``login`` the key in ``content``; returns the key's row and the log entry."""
    file = file or default_file()
    login = fields.parse(LOGIN_FIELD, login)
    db = session.db
    with write(session) as changes:
        check(session, "keys.add")
        key = parse_public_key(content)
        if roles.person(db, login) is None:
            raise NotFound("login", _("{login} is not among the active people; add them first: "
                                      "superviser person add {login} --name NAME --role ROLE").format(login=login),
                           label=N_("login"))
        if login == _service_account(db_path):
            raise InvalidInput("login", _("{login} is the service account itself; a key belongs to a person").format(
                login=login), label=N_("login"))
        owner = db.conn.execute("SELECT login FROM ssh_keys WHERE fingerprint = ?", (key.fingerprint,)).fetchone()
        if owner:
            raise InvalidInput("key", _("this key ({fingerprint}) already belongs to {login}; one key, one person").format(
                fingerprint=key.fingerprint, login=owner[0]), label=KEY_FIELD.label)
        if outside_block(file, key.blob):
            raise InvalidInput("key", _(
                "this key is already in {path} outside superviser's block, where it is not held to the app; "
                "remove that line first").format(path=file), label=KEY_FIELD.label)
        row = {"login": login, "type": key.type, "key": key.blob, "bits": key.bits, "fingerprint": key.fingerprint,
               "comment": key.comment, "added_at": clock.stamp(), "added_by": session.login}
        key_id = changes.insert("ssh_keys", row)
        _remember(changes, file)
        seq = changes.log("keys.add", detail=f"{login} {key.type} {key.fingerprint}")
        # The file is written before the transaction commits: if it can't be, nothing is recorded.
        write_block(file, expected_lines(db, db_path))
    return dict(row, id=key_id, seq=seq, file=str(file))


def remove(session, db_path: Path, login: str, *, fingerprint: str | None = None, file: Path | None = None) -> dict:
    """Take ``login``'s keys (or the one with ``fingerprint``) away."""
    file = file or default_file()
    login = fields.parse(LOGIN_FIELD, login)
    db = session.db
    with write(session) as changes:
        check(session, "keys.remove")
        query = "SELECT id, fingerprint FROM ssh_keys WHERE login = ?" + (" AND fingerprint = ?" if fingerprint else "")
        found = db.conn.execute(query, (login, fingerprint) if fingerprint else (login,)).fetchall()
        if not found:
            raise NotFound("login", _("{login} has no key here{which}").format(
                login=login, which=f" ({fingerprint})" if fingerprint else ""), label=N_("login"))
        for key_id, _fingerprint in found:
            changes.delete("ssh_keys", key_id)
        _remember(changes, file)
        seq = changes.log("keys.remove", detail=f"{login} " + " ".join(f for _id, f in found))
        write_block(file, expected_lines(db, db_path))
    return {"login": login, "removed": [f for _id, f in found], "seq": seq, "file": str(file)}


def listing(session, db_path: Path, *, file: Path | None = None) -> dict:
    """Every key, and whether the file holds exactly the lines the table says."""
    file = file or default_file()
    db = session.db
    check(session, "keys.list")
    present = set(installed_lines(file))
    keys = [dict(r, installed=key_line(db_path, r["login"], r["type"], r["key"]) in present) for r in rows(db)]
    return {"file": str(file), "keys": keys, "in_sync": sorted(present) == sorted(expected_lines(db, db_path))}


def sync(session, db_path: Path, *, file: Path | None = None) -> dict:
    """Write the block again from the table (after the program or the database moved)."""
    file = file or default_file()
    db = session.db
    with write(session) as changes:
        check(session, "keys.sync")
        changed = write_block(file, expected_lines(db, db_path))
        _remember(changes, file)
        seq = changes.log("keys.sync", detail=str(file), facts={"keys.file": str(file)})
    return {"file": str(file), "changed": changed, "seq": seq}
