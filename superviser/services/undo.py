"""Undo: a new log entry that reverses an earlier step. The log is never edited.

A step's entry holds every change it made (docs/design.md). Undo puts each
column's ``before`` back, withdraws the rows it created (reports, inspections and
extensions keep their row, marked withdrawn; a message not sent yet is cancelled,
one already sent stays sent; other rows are deleted), and puts back rows it
deleted, all in one transaction with a new entry. It refuses when
something the step changed has been changed again since, naming who did it. The
objective gets a new version; the daily review's own bookkeeping is left alone
(a review keeps the record of what was done in it, undone or not).
"""

from __future__ import annotations

import json

from superviser import actions, refs
from superviser.changes import Changes
from superviser.errors import Conflict, InvalidInput, NotFound, Refused
from superviser.i18n import N_, _
from superviser.services.base import (
    Result,
    Session,
    conflict_message,
    load_for_step,
    step,
    validate,
)
from superviser.tables import SECRET_COLUMNS

UNDOABLE = frozenset(a.name for a in actions.OBJECTIVE_STEPS)
WITHDRAWN = frozenset({"reports", "inspections", "extensions"})  # rows kept, marked withdrawn
_KEPT = frozenset({"reviews", "review_steps", "review_marks"})  # the review's record of itself
_STAMPS = frozenset({"version", "updated_at"})


def undone_by(db, seq: int) -> int | None:
    row = db.conn.execute(
        "SELECT seq FROM log WHERE action = 'undo' AND objective_id = (SELECT objective_id FROM log WHERE seq = ?) "
        "AND json_extract(changes, '$.\"undo.of\"[1]') = ?", (seq, seq),
    ).fetchone()
    return row[0] if row else None


def _parse(key: str, value: list) -> tuple[str, str, str | None]:
    """(table, pk text, column or None for a whole row)."""
    table, rest = key.split("#", 1)
    if isinstance(value[0], dict) or isinstance(value[1], dict) or value == [None, None]:
        return table, rest, None
    pk, column = rest.rsplit(".", 1)
    return table, pk, column


def _pk(changes: Changes, table: str, text: str):
    from superviser.changes import pk_columns

    parts = text.split(",")
    columns = pk_columns(changes.db, table)
    values = []
    for part, column in zip(parts, columns):
        kind = changes.conn.execute(
            "SELECT type FROM pragma_table_info(?) WHERE name = ?", (table, column)).fetchone()[0]
        values.append(int(part) if kind.upper().startswith("INT") else part)
    return tuple(values) if len(values) > 1 else values[0]


def _later(db, objective: dict, seq: int) -> str:
    """Who changed it since ``seq``: for the refusal."""
    row = db.conn.execute("SELECT seq, actor, action FROM log WHERE objective_id = ? AND seq > ? ORDER BY seq LIMIT 1",
                          (objective["id"], seq)).fetchone()
    if row is None:
        return conflict_message(db, objective, objective["version"])
    return _("#{seq} by {actor}: {action}").format(seq=row[0], actor=row[1],
                                                                     action=actions.label(row[2]))


def undo(session: Session, seq, *, reason="", changes: Changes | None = None) -> Result:
    """Reverse the step logged as ``seq`` with a new entry."""
    v = validate("undo", reason=reason)
    if isinstance(seq, str) and not seq.strip().isdigit() or isinstance(seq, bool):
        raise InvalidInput("entry", _("{value} is not a log entry number").format(value=str(seq)[:20]), N_("entry"))
    seq = int(seq)
    db = session.db
    with step(session, changes) as opened:
        entry = db.conn.execute("SELECT seq, actor, action, objective_id, changes FROM log WHERE seq = ?",
                                (seq,)).fetchone() if 0 < seq < 2**62 else None
        if entry is None:
            raise NotFound("entry", _("no log entry #{seq}").format(seq=seq), N_("entry"))
        _seq, actor, action, objective_id, recorded = entry
        if action not in UNDOABLE or objective_id is None:
            raise Refused(_("entry #{seq} ({action}) cannot be undone").format(seq=seq, action=actions.label(action)))
        objective = load_for_step(db, objective_id)
        who = session.person()
        actions.require("undo", who, session.login, objective)
        assert who is not None  # require() refuses whoever is not among the people
        if actor != session.login and who["role"] != "director":
            raise Refused(_("entry #{seq} was made by {actor}; only they or the director can undo it").format(
                seq=seq, actor=actor))
        if undone_by(db, seq):
            raise Refused(_("entry #{seq} has already been undone").format(seq=seq))
        _reverse(opened, json.loads(recorded), objective, seq)
        version = objective["version"]
        from superviser import clock

        opened.update("objectives", objective["id"], {"version": version + 1, "updated_at": clock.stamp()})
        logged = opened.log("undo", objective_id=objective["id"], detail=v["reason"] or _("undo of #{seq}").format(seq=seq),
                            facts={"undo.of": seq})
    now = refs.objective(db, objective["id"])  # an undone correction may give it back its reference
    return Result(_("#{seq} ({action}) on {ref} undone").format(seq=seq, action=actions.label(action), ref=now["ref"]),
                  seq=logged, ref=now["ref"], objective=now)


def _recall(changes: Changes, outbox_id: int) -> None:
    """A message the step queued: cancelled if it has not left; one already sent stays sent
    (the unit received it, and the log says so)."""
    row = changes.read("outbox", (outbox_id,), ["status"])
    if row and row["status"] == "queued":
        changes.update("outbox", outbox_id, {"status": "cancelled", "last_error": "undone"})


def _reverse(changes: Changes, recorded: dict, objective: dict, seq: int) -> None:
    db = changes.db
    new_seq = db.conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM log").fetchone()[0]
    restore: list[tuple] = []
    for key, value in recorded.items():
        if "#" not in key:
            continue  # a fact about the step, not table state
        table, pk_text, column = _parse(key, value)
        if table in _KEPT or (table == "objectives" and column in _STAMPS):
            continue
        pk = _pk(changes, table, pk_text)
        if column is None:
            restore.append((table, pk, None, value))
            continue
        before, after = value
        if column in SECRET_COLUMNS.get(table, ()):  # (the log has its fingerprint, not the secret)
            raise Refused(_("entry #{seq} changed a secret; set it again instead of undoing").format(seq=seq))
        current = changes.read(table, pk if isinstance(pk, tuple) else (pk,), [column])
        if current is None or current[column] != after:
            raise Conflict(_("cannot undo #{seq}: {ref} has changed since ({later})").format(
                seq=seq, ref=objective["ref"], later=_later(db, objective, seq)))
        restore.append((table, pk, column, value))
    for table, pk, column, (before, _after) in restore:
        if column is not None:
            changes.update(table, pk, {column: before})
        elif before is None:  # the step created this row
            if table == "outbox":
                _recall(changes, pk)
            elif table in WITHDRAWN:
                changes.update(table, pk, {"withdrawn_seq": new_seq})
            else:
                changes.delete(table, pk)
        else:  # the step deleted this row
            changes.insert(table, before)
