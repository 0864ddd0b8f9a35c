"""The whole audit: the log's chain and guard triggers (superviser/journal.py), the signed
checkpoints against the log (a chain rewritten and hashed again to its end is whole, but no
longer holds the entry a checkpoint signed), then the state the log describes compared with
every table (superviser/replay.py)."""

from __future__ import annotations

import functools
import sqlite3

from superviser import journal, replay, text
from superviser.i18n import _
from superviser.progress import Progress, shares
from superviser.store import Database


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:60] + "…"


def describe(difference: replay.Difference) -> str:
    if not difference.row:
        return _("{table}.{column}: the log records this column, the table no longer has it").format(
            table=difference.table, column=difference.field)
    where = f"{difference.table}#{difference.row}"
    last = (_(" (last entry touching it: #{seq})").format(seq=difference.last_seq)
            if difference.last_seq else "")
    if difference.field is None and difference.log_says is None:
        return _("{row}: in the table but in no log entry (a row written around the program)").format(row=where)
    if difference.field is None:
        return _("{row}: in the log but not in the table (a row deleted around the program)").format(row=where) + last
    return _("{row}.{field}: the log says {logged}, the table says {actual}").format(
        row=where, field=difference.field, logged=_shown(difference.log_says), actual=_shown(difference.table_says)) + last


def run(db: Database, anchor: str | None = None, progress: Progress | None = None) -> journal.Audit:
    """Check the chain, the triggers and the state; problems in words, the first bad entry if any.
    ``progress`` hears how far it has got (superviser/progress.py)."""
    chaining, replaying = shares(progress, 2, 3)  # the replay and the comparison take longer than the chain
    done: list[replay.Replayed] = []  # the replay runs while other processes check a long chain
    report = journal.audit(db, anchor=anchor, meanwhile=lambda: done.append(replay.check(db, replaying)),
                           progress=chaining)
    report.problems += _triggers(db)
    if not report.ok:
        return report  # a broken chain: what the replay found would only repeat the damage
    report.problems += _checkpoints(db)
    if chaining:
        chaining(1, 1)
    replayed = done[0] if done else replay.check(db, replaying)
    report.problems += replayed.problems or []
    report.problems += [describe(d) for d in replayed.differences or []]
    if replayed.more:
        report.problems.append(_("… and {n} more differences").format(n=replayed.more))
    return report


@functools.cache
def _made() -> dict[str, str]:
    """Every trigger the program makes (name → table), as a new database has them (made once, in memory)."""
    import sqlite3

    from superviser import schema, store

    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        schema.migrations.apply(store.Database(conn).utils)
        return dict(conn.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'"))
    finally:
        conn.close()


def _checkpoints(db: Database) -> list[str]:
    """Each checkpoint kept: its note signed by the key it names, and the entry it signed still
    in the log with that hash (the chain is whole here, so the stored hash is the chain's)."""
    try:
        kept = db.conn.execute("SELECT size, note, key FROM checkpoints ORDER BY size").fetchall()
    except sqlite3.OperationalError:
        return []  # (the table is gone: the replay names it)
    if not kept:
        return []
    from superviser import checkpoints, notes
    from superviser.errors import InvalidInput

    said = []
    for size, note, key in kept:
        try:
            signed = checkpoints.parse(note)
            notes.verify(note, notes.parse_verifier(key))
        except (InvalidInput, notes.BadSignature) as error:
            said.append(_("checkpoint at size {size}: {problem}").format(
                size=size, problem=getattr(error, "problem", str(error))))
            continue
        stored = db.conn.execute("SELECT hash FROM log WHERE seq = ?", (signed.size,)).fetchone()
        if signed.size and stored is None:
            problem = _("the log ends at entry {n}, before entry {size} that was signed: it was truncated").format(
                n=journal.head(db)[0], size=signed.size)
        elif signed.size and stored[0] != signed.head:
            problem = _("entry {size} is not the one signed (its hash is {found}, the checkpoint says {signed}): "
                        "the log was rewritten").format(size=signed.size, found=stored[0][:16], signed=signed.head[:16])
        else:
            continue
        said.append(_("checkpoint at size {size}: {problem}").format(size=size, problem=problem))
    return said


def _triggers(db: Database) -> list[str]:
    """The triggers that keep the counters and the search indexes (beside the log's guards, which
    ``journal.audit`` checks): one missing lets them drift from their tables without a word, one
    the program does not make may do anything as rows are written."""
    present = dict(db.conn.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'"))
    made = _made()
    said = [_("trigger {name} on {table} is missing: what it keeps (counters, search) no longer follows the table")
            .format(name=name, table=made[name]) for name in sorted(made.keys() - present.keys())
            if made[name] != "log"]
    said += [_("trigger {name} on {table} is not one the program makes").format(
        name=text.one_line(name), table=text.one_line(present[name]))
        for name in sorted(present.keys() - made.keys()) if present[name] != "log"]
    return said
