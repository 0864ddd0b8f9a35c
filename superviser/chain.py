"""The log's hash chain: the canonical bytes of an entry, and checking a range of entries.

An entry's hash is sha256 over ``json.JSONEncoder(ensure_ascii=False, separators=(",", ":"),
sort_keys=True).encode([seq, at, actor, action, objective_id, decision_id, detail, changes,
prev_hash])``. ``payload`` builds the same text without the encoder's machinery: the
strings through the encoder's own C escaping function, integers and NULL as the encoder
writes them, anything else through the encoder itself.

Each entry stores the previous entry's hash, so any range of the log can be checked on its
own. ``journal.audit`` checks a large log in ranges, in parallel processes that run this
module (``python -m superviser.chain``); it imports nothing heavier than sqlite3 so that
they start quickly.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
from _json import make_encoder
from collections.abc import Callable
from json.encoder import encode_basestring as _string  # the C function where available

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def encoder(default: Callable[[object], object] = _ENCODER.default) -> Callable[[object], str]:
    """Canonical JSON (what ``_ENCODER.encode`` gives), ``default`` turning the objects JSON
    has no form for into values it has. The encoder's own C function, made once:
    JSONEncoder.encode makes it again at every call, which is 40 % of encoding an entry's
    changes. (No cycle check: changes are never cyclic.)"""
    chunks = make_encoder(None, default, _string, None, ":", ",", True, False, True)

    def encode(value) -> str:
        return "".join(chunks(value, 0))
    return encode


encode = encoder()


_NONE = type(None)

SELECT = "SELECT seq, at, actor, action, objective_id, decision_id, detail, changes, prev_hash, hash FROM log"
PROGRESS_STEP = 16_384  # entries between two reports of progress


def payload(seq, at, actor, action, objective_id, decision_id, detail, changes, prev_hash) -> str:
    """The canonical text of an entry (what its hash is taken over)."""
    if type(seq) is int and type(objective_id) in (int, _NONE) and type(decision_id) in (int, _NONE):
        try:
            return "[%d,%s,%s,%s,%s,%s,%s,%s,%s]" % (  # noqa: UP031 (the same text as check()'s)
                seq, _string(at), _string(actor), _string(action),
                "null" if objective_id is None else objective_id, "null" if decision_id is None else decision_id,
                _string(detail), _string(changes), _string(prev_hash),
            )
        except TypeError:  # a field that is not text: the encoder says how it is written
            pass
    return encode([seq, at, actor, action, objective_id, decision_id, detail, changes, prev_hash])


def digest(*fields) -> str:
    return hashlib.sha256(payload(*fields).encode("utf-8")).hexdigest()


def middle(actor, action, objective_id, decision_id, detail, changes) -> bytes | None:
    """The bytes of an entry's canonical text between its time and its previous hash, which
    stay the same when the entry is numbered and chained again; None if ``payload`` would
    not write them the usual way."""
    if type(objective_id) not in (int, _NONE) or type(decision_id) not in (int, _NONE):
        return None
    try:
        return (",%s,%s,%s,%s,%s,%s," % (  # noqa: UP031 (payload's text)
            _string(actor), _string(action), "null" if objective_id is None else objective_id,
            "null" if decision_id is None else decision_id, _string(detail), _string(changes))).encode("utf-8")
    except (TypeError, UnicodeEncodeError):  # (digest says so itself, as it always did)
        return None


def digest_around(seq: int, at: str, middle_bytes: bytes, prev_hash: str) -> str:
    """``digest`` of the entry whose ``middle`` is ``middle_bytes``: sha256 fed the parts."""
    sha = hashlib.sha256(b"[%d,%s" % (seq, _string(at).encode("utf-8")))
    sha.update(middle_bytes)
    sha.update(b"%s]" % _string(prev_hash).encode("utf-8"))
    return sha.hexdigest()


def check(conn: sqlite3.Connection, after: int | None, upto: int | None, prev: str | None, expected: int,
          anchor: str | None = None, progress=None) -> dict:
    """Check the entries with ``after < seq <= upto`` (None: no bound) as one stretch of the chain
    that should start at entry ``expected`` with previous hash ``prev``; stops at the first problem.
    ``progress(done, total)`` hears how many are checked, now and then (superviser/progress.py).

    Returns ``count`` (entries checked and sound), ``problem`` (``[kind, seq, expected]`` with kind
    ``seq``, ``link`` or ``content``, or None) and ``anchor_seq``.
    """
    where = " AND ".join(c for c in ("seq > ?" if after is not None else "", "seq <= ?" if upto is not None else "") if c)
    cursor = conn.execute(f"{SELECT} {'WHERE ' + where if where else ''} ORDER BY seq",
                          [b for b in (after, upto) if b is not None])
    sha, string, ids = hashlib.sha256, _string, (int, _NONE)
    count, problem, anchor_seq = 0, None, None
    total = upto - expected + 1 if upto is not None else None
    report_at = PROGRESS_STEP if progress is not None and total else -1  # one comparison a row: the check stays lean
    for row in cursor:  # iterating is quicker than fetchmany
        seq, at, actor, action, objective_id, decision_id, detail, changes, stored_prev, stored = row
        if seq != expected:
            problem = ["seq", seq, expected]
            break
        if stored_prev != prev:
            problem = ["link", seq, expected]
            break
        # payload(), inlined for the usual row: a million calls cost a tenth of the audit
        try:
            if type(objective_id) not in ids or type(decision_id) not in ids or prev is None:
                raise TypeError
            # % kept (UP031): %d raises TypeError for a seq that is not a number, which the encoder then writes
            text = "[%d,%s,%s,%s,%s,%s,%s,%s,%s]" % (  # noqa: UP031
                seq, string(at), string(actor), string(action),
                "null" if objective_id is None else objective_id, "null" if decision_id is None else decision_id,
                string(detail), string(changes), string(prev),
            )
        except TypeError:
            text = payload(*row[:9])
        if sha(text.encode("utf-8")).hexdigest() != stored:
            problem = ["content", seq, expected]
            break
        if stored == anchor:
            anchor_seq = seq
        prev = stored
        expected += 1
        count += 1
        if count == report_at:
            progress(count, total)
            report_at += PROGRESS_STEP
    cursor.close()
    return {"count": count, "problem": problem, "anchor_seq": anchor_seq}


def main(argv: list[str]) -> None:
    """``python -m superviser.chain DB AFTER UPTO PREV EXPECTED [ANCHOR]``: print ``check``'s answer as JSON."""
    path, after, upto, prev, expected, *anchor = argv
    conn = sqlite3.connect(path, timeout=30)
    result = check(conn, int(after), int(upto), prev, int(expected), anchor[0] if anchor else None)
    conn.close()
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
