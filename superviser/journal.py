"""The supervision log: append-only, hash-chained.

Each entry's hash is sha256 over a canonical JSON encoding of its fields and the
previous entry's hash, so editing, deleting or reordering an entry breaks the
chain from that point on. ``audit`` walks the whole chain, a large one in parallel
stretches (see ``superviser.chain``, which holds the canonical encoding).
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from superviser import chain, clock, scratch, store
from superviser.progress import Progress
from superviser.store import Database
from superviser.tables import GENESIS, GUARD_TRIGGERS


def canonical_changes(changes: dict | None) -> str:
    return chain.encode(changes or {})


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
    return chain.digest(seq, at, actor, action, objective_id, decision_id, detail, changes, prev_hash)


def head(db: Database) -> tuple[int, str]:
    """(sequence number, hash) of the latest entry; (0, genesis) for an empty log."""
    row = db.conn.execute("SELECT seq, hash FROM log ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)


COLUMNS = ["seq", "at", "actor", "action", "objective_id", "decision_id", "detail", "changes", "prev_hash", "hash"]
INSERT = f"INSERT INTO log ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"


def entry(seq: int, prev: str, *, actor: str, action: str, objective_id: int | None = None,
          decision_id: int | None = None, detail: str = "", changes: dict | None = None) -> tuple:
    """The log row of entry ``seq`` after the entry whose hash is ``prev`` (for ``INSERT``)."""
    at = clock.stamp()
    changes_text = canonical_changes(changes)
    digest = entry_hash(seq, at, actor, action, objective_id, decision_id, detail, changes_text, prev)
    return (seq, at, actor, action, objective_id, decision_id, detail, changes_text, prev, digest)


def chained(entries: list[tuple], actor: str, seq: int, prev: str,
            encode: Callable[[object], str] = chain.encode) -> tuple[list[str], list[str]]:
    """The canonical changes and the hashes of ``entries`` (``(at, action, objective_id,
    decision_id, detail, changes)``, as a plan keeps them before they are written), chained
    after entry ``seq`` whose hash is ``prev``: just the text they need, so that another
    process may work them out and send them back. ``encode``: ``chain.encode``, or an
    ``chain.encoder`` for changes that hold objects of the caller's."""
    texts, middles = encoded(entries, actor, encode)
    return texts, hashed(entries, actor, seq, prev, texts, middles)


def encoded(entries: list[tuple], actor: str,
            encode: Callable[[object], str] = chain.encode) -> tuple[list[str], list[bytes | None]]:
    """The canonical changes of ``entries`` and their ``chain.middle``: all of their hashes'
    work that does not depend on the entries before them."""
    texts, middles = [], []
    middle = chain.middle
    for _at, action, objective_id, decision_id, detail, changes in entries:
        text = encode(changes)
        texts.append(text)
        middles.append(middle(actor, action, objective_id, decision_id, detail, text))
    return texts, middles


def hashed(entries: list[tuple], actor: str, seq: int, prev: str, texts: list[str],
           middles: list[bytes | None]) -> list[str]:
    """The hashes of ``entries`` (as ``encoded`` gave their text and middles) chained after
    entry ``seq`` whose hash is ``prev``."""
    hashes = []
    around, digest = chain.digest_around, chain.digest
    for (at, action, objective_id, decision_id, detail, _changes), text, middle in zip(entries, texts, middles,
                                                                                      strict=True):
        seq += 1
        prev = (around(seq, at, middle, prev) if middle is not None
                else digest(seq, at, actor, action, objective_id, decision_id, detail, text, prev))
        hashes.append(prev)
    return hashes


def rows_of(entries: list[tuple], actor: str, seq: int, prev: str, worked_out: tuple[list[str], list[str]]) -> list[tuple]:
    """The log rows of ``entries`` as ``chained`` worked them out after entry ``seq`` (``prev``)."""
    rows = []
    for (at, action, objective_id, decision_id, detail, _changes), text, digest in zip(entries, *worked_out, strict=True):
        seq += 1
        rows.append((seq, at, actor, action, objective_id, decision_id, detail, text, prev, digest))
        prev = digest
    return rows


def rechained(rows: list[tuple], seq: int, prev: str, middles: list[bytes | None] | None = None) -> list[tuple]:
    """Log rows (as ``entry`` makes them) renumbered, stamped now and hashed again to follow
    entry ``seq`` whose hash is ``prev``: entries worked out before others wrote theirs.
    ``middles``: a list to keep each row's ``chain.middle`` in (an empty one is filled), so
    that chaining them again only hashes (it encodes nothing)."""
    at = clock.stamp()
    if middles is not None and not middles:
        middles.extend(chain.middle(*row[2:8]) for row in rows)
    out = []
    for n, (_seq, _at, actor, action, objective_id, decision_id, detail, changes_text, _prev, _hash) in enumerate(rows):
        seq += 1
        kept = middles[n] if middles else None
        prev_hash, prev = prev, (
            chain.digest_around(seq, at, kept, prev) if kept is not None
            else chain.digest(seq, at, actor, action, objective_id, decision_id, detail, changes_text, prev))
        out.append((seq, at, actor, action, objective_id, decision_id, detail, changes_text, prev_hash, prev))
    return out


def append_chained(db: Database, rows: list[tuple], staged: str | None = None) -> None:
    """Append entries worked out beforehand (as ``entry`` and ``rechained`` make them), in one
    statement. ``log_chain`` checks each inserted row against the one before it, two lookups
    per row that cost more than the row; here the same rule is checked once for them all (the
    first follows the head, each follows the one before it), the trigger suspended meanwhile
    and put back in this same transaction. Refused as the trigger refuses, nothing written.
    ``staged``: the scratch table that holds these same rows in this order (``scratch.stage``
    before the lock), inserted from it."""
    if not db.conn.in_transaction:
        raise RuntimeError("log entries are written in the same transaction as their change")
    if not rows:
        return
    seq, prev = head(db)
    for row in rows:
        if type(row[0]) is not int or row[0] != seq + 1 or row[8] != prev:
            raise sqlite3.IntegrityError("the supervision log only grows at its end")
        seq, prev = row[0], row[9]
    conn = db.conn
    guard = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'log_chain'").fetchone()
    conn.execute("SAVEPOINT append_chained")
    try:
        if guard:
            conn.execute("DROP TRIGGER log_chain")
        if staged is None:
            kept(conn.executemany(INSERT, rows), len(rows), rows[0][0])
        else:
            before = conn.total_changes
            scratch.insert(conn, "log", COLUMNS, staged)
            if conn.total_changes - before != len(rows) or head(db) != (rows[-1][0], rows[-1][9]):
                raise RuntimeError("the staged log entries are not the entries checked")
        if guard:
            conn.execute(guard[0])
    except BaseException:
        if conn.in_transaction:  # (a full disk may have ended the whole transaction)
            conn.execute("ROLLBACK TO append_chained")
            conn.execute("RELEASE append_chained")
        raise
    conn.execute("RELEASE append_chained")


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
    kept(db.conn.execute(INSERT, row), 1, row[0])
    return row[0]


def kept(cursor: sqlite3.Cursor, entries: int, first: int) -> None:
    """Refuse the step if the log did not take its ``entries`` (from ``first``): a trigger that is
    none of the log's guards may drop an insert without an error (``RAISE(IGNORE)``), and the step
    would say it was recorded."""
    if cursor.rowcount != entries:
        from superviser.errors import StoreError
        from superviser.i18n import _

        raise StoreError(_("the log did not keep entry #{seq}: something in the database set it aside; nothing "
                           "was written (superviser audit names what)").format(seq=first))


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


def _log_triggers(db: Database) -> dict[str, str]:
    return dict(db.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'log'"))


def missing_triggers(db: Database) -> list[str]:
    """Guard triggers that are absent or altered."""
    present = _log_triggers(db)
    return [
        name
        for name, sql in GUARD_TRIGGERS.items()
        if _normalise_sql(present.get(name)) != _normalise_sql(sql)
    ]


def foreign_triggers(db: Database) -> list[str]:
    """Triggers on the log that are none of its guards (one could set entries aside quietly)."""
    return sorted(name for name in _log_triggers(db) if name not in GUARD_TRIGGERS)


# Each process checks at least this many entries: a shorter log is checked in one process
# sooner than others can start (a few tens of milliseconds each).
PARALLEL_FROM = 100_000


def _processes() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# How much nicer than this process the stretches' processes are while it replays the log.
YIELDING = 10

Stretch = tuple[int | None, int, str, int]  # after, upto, previous hash, first seq


def _ranges(db: Database, last_seq: int) -> list[Stretch]:
    """(after, upto, previous hash, first seq) for each stretch of the chain to check on its own."""
    n = min(_processes(), last_seq // PARALLEL_FROM)
    if n < 2 or db.conn.in_transaction or not store.path_of(db):  # others would not see this connection's entries
        return [(None, last_seq, GENESIS, 1)]
    bounds = [last_seq * i // n for i in range(1, n)]
    hashes = dict(db.conn.execute(f"SELECT seq, hash FROM log WHERE seq IN ({', '.join('?' * len(bounds))})", bounds))
    return [(None, bounds[0], GENESIS, 1)] + [
        (after, upto, hashes.get(after, ""), after + 1) for after, upto in zip(bounds, bounds[1:] + [last_seq])
    ]


def _check_in_parallel(db: Database, ranges: list[Stretch], anchor: str | None,
                       meanwhile: Callable[[], object] | None = None, progress: Progress | None = None) -> list[dict]:
    """``chain.check`` of each range in a process of its own, but the first: here, unless
    ``meanwhile`` has this process's time while the others check. ``progress`` hears of each
    range as it is done."""
    import contextlib  # only the audit needs these: a step does not pay for them
    import subprocess
    from pathlib import Path

    package_root = str(Path(chain.__file__).resolve().parent.parent)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])))
    path = store.path_of(db)
    others: list[subprocess.Popen | None] = []
    for after, upto, prev, expected in ranges[0 if meanwhile else 1:]:
        try:
            started = subprocess.Popen(
                [sys.executable, "-S", "-m", "superviser.chain", path, str(after or 0), str(upto), prev, str(expected),
                 *([anchor] if anchor else [])],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
            )
        except OSError:
            others.append(None)
            continue
        others.append(started)
        if meanwhile:  # the replay here is the longer work: the stretches yield it a core
            with contextlib.suppress(OSError, AttributeError):  # (not on every system)
                os.setpriority(os.PRIO_PROCESS, started.pid, min(19, os.getpriority(os.PRIO_PROCESS, 0) + YIELDING))
    total = ranges[-1][1]
    if meanwhile:
        meanwhile()
        results = []
    else:
        results = [chain.check(db.conn, *ranges[0], anchor)]
    for process, stretch in zip(others, ranges[len(results):]):
        result = None
        if process is not None:
            out, _err = process.communicate()
            with contextlib.suppress(ValueError):
                result = json.loads(out) if process.returncode == 0 else None
        results.append(result or chain.check(db.conn, *stretch, anchor))  # the process failed: check its range here
        if progress is not None:
            progress(stretch[1], total)
    return results


def audit(db: Database, anchor: str | None = None, *, meanwhile: Callable[[], object] | None = None,
          progress: Progress | None = None) -> Audit:
    """Check the whole chain and the guard triggers; optionally that ``anchor`` is still in it.

    A long log is checked in stretches, in processes of their own; ``meanwhile`` (the
    replay) then runs here at the same time. It is not called for a log short enough to
    be checked here at once. ``progress`` hears how many entries are checked."""
    from superviser import text
    from superviser.i18n import _

    report = Audit(anchor=anchor)
    for name in missing_triggers(db):
        report.problems.append(_("guard trigger {name} is missing or altered").format(name=name))
    for name in foreign_triggers(db):
        report.problems.append(_("trigger {name} on the log is none of its guards").format(name=text.one_line(name)))

    last_seq, last_hash = head(db)
    ranges = _ranges(db, last_seq)
    results = (_check_in_parallel(db, ranges, anchor, meanwhile, progress) if len(ranges) > 1
               else [chain.check(db.conn, *ranges[0], anchor, progress)])
    problem = None
    for (after, upto, prev, expected), result in zip(ranges, results):
        short = result["problem"] is None and result["count"] != upto - expected + 1
        if short:  # entries missing at the end of this stretch: go on past it, as one chain, to name the first bad one
            result = chain.check(db.conn, after, None, prev, expected, anchor)
        report.entries += result["count"]
        report.anchor_seq = result["anchor_seq"] or report.anchor_seq
        problem = result["problem"]
        if problem or short:
            break
    if problem:
        kind, seq, expected = problem
        report.problems.append({
            "seq": _("entry {seq}: expected entry {expected} here (an entry was deleted or renumbered)"),
            "link": _("entry {seq}: its previous-hash does not match entry {before} (entries deleted or reordered)"),
            "content": _("entry {seq}: its content does not match its hash (the entry was edited)"),
        }[kind].format(seq=seq, expected=expected, before=seq - 1))
        report.first_bad_seq = seq
        # Count what is there even though we stopped checking at the first bad entry.
        report.entries = db.conn.execute("SELECT count(*) FROM log").fetchone()[0]
    report.head_seq, report.head_hash = last_seq, last_hash
    if anchor is not None and report.anchor_seq is None and not problem:
        report.problems.append(
            _("anchor {anchor}: no entry with this hash is in the log (the log was rewritten or truncated since)").format(
                anchor=anchor
            )
        )
    return report
