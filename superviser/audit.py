"""The whole audit: the log's chain and guard triggers (superviser/journal.py), then the
state the log describes compared with every table (superviser/replay.py)."""

from __future__ import annotations

from superviser import journal, replay
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
    if not report.ok:
        return report  # a broken chain: what the replay found would only repeat the damage
    if chaining:
        chaining(1, 1)
    replayed = done[0] if done else replay.check(db, replaying)
    report.problems += replayed.problems or []
    report.problems += [describe(d) for d in replayed.differences or []]
    if replayed.more:
        report.problems.append(_("… and {n} more differences").format(n=replayed.more))
    return report
