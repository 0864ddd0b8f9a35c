"""The supervision log: append-only, hash-chained.

Each entry's hash is sha256 over a canonical JSON encoding of its fields and the
previous entry's hash, so editing, deleting or reordering an entry breaks the
chain from that point on. ``audit`` walks the whole chain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from sqlite_utils import Database

from superviser import clock
from superviser.schema import GENESIS, GUARD_TRIGGERS

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


def canonical_changes(changes: dict | None) -> str:
    return _encode(changes or {})


def entry_hash(
    seq: int,
    at: str,
    actor: str,
    action: str,
    objective_id: int | None,
    decision_id: int | None,
    detail: str,
    changes: str,
    prev_hash: str,
) -> str:
    payload = _encode([seq, at, actor, action, objective_id, decision_id, detail, changes, prev_hash])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def head(db: Database) -> tuple[int, str]:
    """(sequence number, hash) of the latest entry; (0, genesis) for an empty log."""
    row = db.conn.execute("SELECT seq, hash FROM log ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)


INSERT = ("INSERT INTO log (seq, at, actor, action, objective_id, decision_id, detail, changes, prev_hash, hash) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


def entry(seq: int, prev: str, *, actor: str, action: str, objective_id: int | None = None,
          decision_id: int | None = None, detail: str = "", changes: dict | None = None) -> tuple:
    """The log row of entry ``seq`` after the entry whose hash is ``prev`` (for ``INSERT``)."""
    at = clock.stamp()
    changes_text = canonical_changes(changes)
    digest = entry_hash(seq, at, actor, action, objective_id, decision_id, detail, changes_text, prev)
    return (seq, at, actor, action, objective_id, decision_id, detail, changes_text, prev, digest)


def rechained(rows: list[tuple], seq: int, prev: str) -> list[tuple]:
    """Log rows (as ``entry`` makes them) renumbered, stamped now and hashed again to follow
    entry ``seq`` whose hash is ``prev``: entries worked out before others wrote theirs."""
    at = clock.stamp()
    encoded_at = _encode(at)
    out = []
    for _seq, _at, actor, action, objective_id, decision_id, detail, changes_text, _prev, _hash in rows:
        seq += 1
        # the same bytes as entry_hash's _encode([...]): a JSON list is its items, comma-separated
        payload = ",".join((str(seq), encoded_at, _encode(actor), _encode(action), _encode(objective_id),
                            _encode(decision_id), _encode(detail), _encode(changes_text), _encode(prev)))
        digest = hashlib.sha256(f"[{payload}]".encode("utf-8")).hexdigest()
        out.append((seq, at, actor, action, objective_id, decision_id, detail, changes_text, prev, digest))
        prev = digest
    return out


def append(
    db: Database,
    *,
    actor: str,
    action: str,
    objective_id: int | None = None,
    decision_id: int | None = None,
    detail: str = "",
    changes: dict | None = None,
) -> int:
    """Append one entry; must run inside the transaction that makes the change."""
    if not db.conn.in_transaction:
        raise RuntimeError("log entries are written in the same transaction as their change")
    last_seq, prev = head(db)
    row = entry(last_seq + 1, prev, actor=actor, action=action, objective_id=objective_id, decision_id=decision_id,
                detail=detail, changes=changes)
    db.conn.execute(INSERT, row)
    return row[0]


@dataclass
class Audit:
    entries: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    problems: list[str] = field(default_factory=list)
    first_bad_seq: int | None = None
    anchor: str | None = None
    anchor_seq: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _normalise_sql(sql: str | None) -> str:
    return " ".join((sql or "").split())


def missing_triggers(db: Database) -> list[str]:
    """Guard triggers that are absent or altered."""
    present = dict(db.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'log'"))
    return [
        name
        for name, sql in GUARD_TRIGGERS.items()
        if _normalise_sql(present.get(name)) != _normalise_sql(sql)
    ]


def audit(db: Database, anchor: str | None = None) -> Audit:
    """Check the whole chain and the guard triggers; optionally that ``anchor`` is still in it."""
    from superviser.i18n import _

    report = Audit(anchor=anchor)
    for name in missing_triggers(db):
        report.problems.append(_("guard trigger {name} is missing or altered").format(name=name))

    prev = GENESIS
    expected_seq = 1
    cursor = db.conn.execute(
        "SELECT seq, at, actor, action, objective_id, decision_id, detail, changes, prev_hash, hash FROM log ORDER BY seq"
    )
    cursor.arraysize = 5000
    sha = hashlib.sha256
    chain_ok = True
    while chain_ok:
        rows = cursor.fetchmany()
        if not rows:
            break
        for seq, at, actor, action, oid, did, detail, changes, prev_hash, digest in rows:
            problem = None
            if seq != expected_seq:
                problem = _("entry {seq}: expected entry {expected} here (an entry was deleted or renumbered)").format(
                    seq=seq, expected=expected_seq
                )
            elif prev_hash != prev:
                problem = _("entry {seq}: its previous-hash does not match entry {before} (entries deleted or reordered)").format(
                    seq=seq, before=seq - 1
                )
            else:
                payload = _encode([seq, at, actor, action, oid, did, detail, changes, prev_hash])
                if sha(payload.encode("utf-8")).hexdigest() != digest:
                    problem = _("entry {seq}: its content does not match its hash (the entry was edited)").format(seq=seq)
            if problem:
                report.problems.append(problem)
                report.first_bad_seq = seq
                chain_ok = False
                break
            if anchor is not None and digest == anchor:
                report.anchor_seq = seq
            prev = digest
            expected_seq += 1
            report.entries += 1
            report.head_seq = seq
            report.head_hash = digest
    if not chain_ok:
        # Count what is there even though we stopped checking at the first bad entry.
        report.entries = db.conn.execute("SELECT count(*) FROM log").fetchone()[0]
        last = db.conn.execute("SELECT seq, hash FROM log ORDER BY seq DESC LIMIT 1").fetchone()
        report.head_seq, report.head_hash = last
    if anchor is not None and report.anchor_seq is None and chain_ok:
        report.problems.append(
            _("anchor {anchor}: no entry with this hash is in the log (the log was rewritten or truncated since)").format(
                anchor=anchor
            )
        )
    return report
