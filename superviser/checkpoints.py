"""Signed checkpoints of the supervision log, for people outside the server.

A checkpoint says "the log had SIZE entries and its latest entry's hash was
HEAD", in the C2SP tlog-checkpoint layout (origin line, size, head hash in
base64), signed as a C2SP signed note by the service account's Ed25519 key
(superviser/notes.py). The log is a hash chain, not a Merkle tree: HEAD is the
chain hash of entry SIZE, which covers every entry before it.

- With the database, a checkpoint proves the log still holds that size and head
  (catches a truncated log or one rewritten since).
- Without it, a witness who kept an OLD checkpoint checks that a NEW one extends
  it from a proof: the entries between the two, whose chain hashes, recomputed
  from OLD's head, must end at NEW's head. Only this program and the public key
  are needed; the proof shows the witness those entries.

Checkpoints are kept in the ``checkpoints`` table, each written with its own log
entry (which therefore comes after the size it signs).
"""

from __future__ import annotations

import base64
import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from superviser import clock, identity, journal, notes, store
from superviser.changes import write
from superviser.errors import InvalidInput, NotFound, StoreError
from superviser.i18n import N_, _
from superviser.services.base import check
from superviser.store import Database
from superviser.tables import GENESIS

PROOF_FORMAT = "superviser checkpoint proof 1"
_COLUMNS = ("size", "origin", "head", "note", "key", "made_at", "made_by")


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    head: str  # hex, as the log writes hashes
    note: str  # the whole signed note

    @property
    def text(self) -> str:
        return body(self.origin, self.size, self.head)


def body(origin: str, size: int, head: str) -> str:
    return f"{origin}\n{size}\n{base64.b64encode(bytes.fromhex(head)).decode('ascii')}\n"


def parse(note: str) -> Checkpoint:
    """A checkpoint's fields from its signed note (the signature is not checked here)."""
    text, _signatures = notes.split(note)
    lines = text.split("\n")[:-1]
    wrong = InvalidInput("checkpoint", _("is not a checkpoint (origin, size and head hash lines)"))
    if len(lines) < 3 or not lines[1].isdigit() or (len(lines[1]) > 1 and lines[1][0] == "0"):
        raise wrong
    try:
        head = base64.b64decode(lines[2], validate=True)
    except ValueError:
        raise wrong from None
    if len(head) != 32:
        raise wrong
    return Checkpoint(lines[0], int(lines[1]), head.hex(), note)


def read_note(source: str, stdin=None) -> str:
    """A checkpoint or proof file's text; ``-`` is standard input."""
    import sys

    if source == "-":
        return (stdin or sys.stdin).read()
    try:
        return Path(source).expanduser().read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidInput("file", _("{path}: {problem}").format(path=source, problem=error.strerror)) from None
    except UnicodeDecodeError:
        raise InvalidInput("file", _("{path} is not text").format(path=source)) from None


# --- in the database ---------------------------------------------------------------------------
def rows(db: Database) -> list[dict]:
    return store.rows(db, f"SELECT {', '.join(_COLUMNS)} FROM checkpoints ORDER BY size")


def latest(db: Database) -> dict | None:
    """The newest checkpoint (``size``, ``origin``, ``head``, ``note``, ``key``, ``made_at``,
    ``made_by``), or None: what an export prints under the log's head."""
    return store.row(db, f"SELECT {', '.join(_COLUMNS)} FROM checkpoints ORDER BY size DESC LIMIT 1")


def at_size(db: Database, size: int) -> dict:
    found = store.row(db, f"SELECT {', '.join(_COLUMNS)} FROM checkpoints WHERE size = ?", (size,))
    if found is None:
        raise NotFound("checkpoint", _("no checkpoint was signed at size {size}").format(size=size),
                       label=N_("checkpoint"))
    return found


def default_origin() -> str:
    return notes.check_name(f"{socket.getfqdn()}/superviser")


def origin(db: Database) -> str:
    """This log's name: the one its first checkpoint took, else the server's name."""
    row = db.conn.execute("SELECT origin FROM checkpoints ORDER BY size LIMIT 1").fetchone()
    return row[0] if row else default_origin()


def own_verifier(db: Database | None = None, name: str | None = None) -> notes.Verifier:
    """The verifier key of this account's signing key (made on first use)."""
    key = notes.load_or_create()
    return notes.verifier(name or (origin(db) if db is not None else default_origin()), notes.public_bytes(key))


def _may_sign(session, db_path: Path) -> None:
    """The office signs; so does the service account itself (cron), which owns the database."""
    owner = identity.owner_uid(db_path)
    if os.getuid() == owner and session.login == identity.account_name(owner):
        return
    check(session, "checkpoint")


def make(session, db_path: Path, *, name: str | None = None) -> dict:
    """Sign the log as it is now and keep the checkpoint; ``name`` (the origin) only on the first."""
    db = session.db
    _may_sign(session, db_path)
    key = notes.load_or_create()
    with write(session) as changes:
        chosen = origin(db)
        if name is not None and name != chosen:
            if db.conn.execute("SELECT 1 FROM checkpoints").fetchone():
                raise InvalidInput("origin", _("this log is named {origin} since its first checkpoint; "
                                               "a log keeps its name").format(origin=chosen), label=N_("origin"))
            chosen = notes.check_name(name)
        size, head = journal.head(db)
        kept = db.conn.execute("SELECT head FROM checkpoints WHERE size = ?", (size,)).fetchone()
        if kept:  # each checkpoint is followed by its own entry, so the log was cut back to this size
            raise StoreError(_("a checkpoint at log size {size} was signed before (head {head}); the log has been cut "
                               "back since: run superviser audit").format(size=size, head=kept[0][:16]))
        note = notes.sign(body(chosen, size, head), chosen, key)
        row = {"size": size, "origin": chosen, "head": head, "note": note,
               "key": str(notes.verifier(chosen, notes.public_bytes(key))),
               "made_at": clock.stamp(), "made_by": session.login}
        changes.insert("checkpoints", row)
        row["seq"] = changes.log("checkpoint", detail=f"{chosen} {size} {head[:16]}")
    return row


# --- checking ----------------------------------------------------------------------------------
def chain_hashes(db: Database, sizes: list[int]) -> dict[int, tuple[str | None, str | None]]:
    """For each of ``sizes``: (hash of that entry recomputed over the chain from the first
    entry, problem). One pass over the log, up to the largest size."""
    wanted = set(sizes)
    found: dict[int, tuple[str | None, str | None]] = {}
    if 0 in wanted:
        found[0] = (GENESIS, None)
    last = max(sizes, default=0)
    prev, expected = GENESIS, 1
    entry_hash = journal.entry_hash
    cursor = db.conn.execute(
        "SELECT seq, at, actor, action, objective_id, decision_id, detail, changes, prev_hash, hash "
        "FROM log WHERE seq <= ? ORDER BY seq", (last,))
    cursor.arraysize = 5000
    broken = None
    while broken is None and (rows_ := cursor.fetchmany()):
        for seq, at, actor, action, oid, did, detail, changes, prev_hash, digest in rows_:
            if seq != expected or prev_hash != prev or entry_hash(
                    seq, at, actor, action, oid, did, detail, changes, prev_hash) != digest:
                broken = _("entry {seq} does not follow from the entries before it (the log was edited)").format(
                    seq=seq)
                break
            prev, expected = digest, expected + 1
            if seq in wanted:
                found[seq] = (digest, None)
    for size in wanted - set(found):
        found[size] = (None, broken or _(
            "the log ends at entry {n}, before entry {size} that was signed: it was truncated").format(
                n=expected - 1, size=size))
    return found


def log_problems(db: Database, checkpoints_: list[Checkpoint]) -> list[tuple[Checkpoint, str]]:
    """Each checkpoint the log no longer matches, and why (empty if it holds every size and head)."""
    recomputed = chain_hashes(db, [c.size for c in checkpoints_])
    problems = []
    for checkpoint in checkpoints_:
        digest, problem = recomputed[checkpoint.size]
        if problem is None and digest is not None and digest != checkpoint.head:
            problem = _("entry {size} is not the one signed (its hash is {found}, the checkpoint says {signed}): "
                        "the log was rewritten").format(size=checkpoint.size, found=digest[:16],
                                                        signed=checkpoint.head[:16])
        if problem:
            problems.append((checkpoint, problem))
    return problems


def proof(db: Database, old: Checkpoint, new: Checkpoint) -> dict:
    """What a witness needs to check, away from the server, that ``new`` extends ``old``."""
    if old.origin != new.origin:
        raise InvalidInput("checkpoint", _("the two checkpoints are of different logs ({old} and {new})").format(
            old=old.origin, new=new.origin))
    if old.size > new.size:
        raise InvalidInput("checkpoint", _("OLD (size {old}) is newer than NEW (size {new})").format(
            old=old.size, new=new.size))
    cursor = db.conn.execute(
        "SELECT seq, at, actor, action, objective_id, decision_id, detail, changes, prev_hash, hash "
        "FROM log WHERE seq > ? AND seq <= ? ORDER BY seq", (old.size, new.size))
    made: dict[str, Any] = {"format": PROOF_FORMAT, "old": old.note, "new": new.note, "entries": [list(r) for r in cursor]}
    # Only what lies between the two is read (a proof costs what it holds); a log that no longer
    # leads from OLD to NEW makes no proof. The whole chain is audit's and `verify`'s to walk.
    stored = db.conn.execute("SELECT hash FROM log WHERE seq = ?", (old.size,)).fetchone()
    if old.size and (stored is None or stored[0] != old.head):
        raise InvalidInput("checkpoint", _("size {size}: the log no longer holds the entry OLD signed").format(
            size=old.size))
    problem = _follows(made["entries"], old, new)
    if problem:
        raise InvalidInput("checkpoint", problem)
    return made


def check_proof(data: dict, key: notes.Verifier, old: Checkpoint, new: Checkpoint) -> str | None:
    """Why ``data`` does not prove that ``new`` extends ``old`` (None if it does). Both
    checkpoints' signatures are checked by the caller."""
    if not isinstance(data, dict) or data.get("format") != PROOF_FORMAT or not isinstance(data.get("entries"), list):
        return _("the proof is not a superviser checkpoint proof")
    try:
        proven_old, proven_new = parse(data["old"]), parse(data["new"])
        notes.verify(data["old"], key), notes.verify(data["new"], key)
    except (InvalidInput, notes.BadSignature, TypeError, KeyError) as error:
        return _("the proof's checkpoints are not valid: {problem}").format(problem=error)
    if (proven_old.origin, proven_old.size, proven_old.head) != (old.origin, old.size, old.head) or \
            (proven_new.origin, proven_new.size, proven_new.head) != (new.origin, new.size, new.head):
        return _("the proof is about other checkpoints than the two given")
    if old.origin != new.origin:
        return _("the two checkpoints are of different logs ({old} and {new})").format(old=old.origin, new=new.origin)
    if new.size < old.size:
        return _("NEW (size {new}) is older than OLD (size {old})").format(old=old.size, new=new.size)
    return _follows(data["entries"], old, new)


def _follows(entries: list, old: Checkpoint, new: Checkpoint) -> str | None:
    """Why ``entries`` do not lead from ``old``'s head to ``new``'s (None if they do)."""
    prev, expected = old.head, old.size + 1
    for entry in entries:
        if not isinstance(entry, list) or len(entry) != 10:
            return _("the proof's entry after #{seq} is malformed").format(seq=expected - 1)
        seq, at, actor, action, oid, did, detail, changes, prev_hash, _digest = entry
        if seq != expected or prev_hash != prev:
            return _("entry {seq} of the proof does not follow entry {before}: NEW does not extend OLD").format(
                seq=seq, before=expected - 1)
        try:
            prev = journal.entry_hash(seq, at, actor, action, oid, did, detail, changes, prev_hash)
        except TypeError:
            return _("the proof's entry {seq} is malformed").format(seq=seq)
        expected += 1
    if expected - 1 != new.size:
        return _("the proof holds entries up to {n}, not up to {size}").format(n=expected - 1, size=new.size)
    if prev != new.head:
        return _("the entries from OLD's head do not lead to NEW's head: NEW does not extend OLD (the log was rewritten "
                 "between them)")
    return None


def load_proof(text: str) -> dict:
    try:
        return json.loads(text)
    except ValueError:
        raise InvalidInput("proof", _("is not a proof file (JSON)"), label=N_("proof")) from None
