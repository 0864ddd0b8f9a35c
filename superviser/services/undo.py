"""Undo: a new log entry that reverses an earlier step. The log is never edited.

A step's log entry records every field it changed as ``[before, after]``:
plain keys are the objective's own fields, ``table#id.field`` keys are rows of
other tables, ``table#id: [None, "created"]`` a row the step created. Undo puts
the ``before`` values back, withdraws created rows, and refuses when the
objective has changed since (its version is no longer the step's).
"""

from __future__ import annotations

import json

from superviser import clock, journal, refs, roles
from superviser.errors import Conflict, InvalidInput, Refused
from superviser.i18n import _
from superviser.services.base import Result, Session, conflict_message, set_co_units
from superviser.store import transaction

UNDOABLE = {
    "assign", "accept", "return", "transfer", "progress", "urge", "inspect", "extend.request",
    "extend.approve", "extend.reject", "complete", "verify", "sendback", "suspend", "cancel",
    "reopen", "note", "light",
}
# Rows of other tables a step may create or change, and the columns it may restore.
_TABLES = {
    "report": ("reports", set()),
    "inspection": ("inspections", set()),
    "extension": ("extensions", {"status", "decided_at", "decided_by", "decision_note"}),
}
_OBJECTIVE_FIELDS = {
    "lead_unit_id", "status", "status_before", "percent", "deadline", "light_override", "light_override_reason",
    "urge_count", "urges_unanswered", "last_report_on", "active_since", "submitted_on", "closed_on",
}


def undone_by(db, seq: int) -> int | None:
    row = db.conn.execute(
        "SELECT seq FROM log WHERE action = 'undo' AND objective_id = (SELECT objective_id FROM log WHERE seq = ?) "
        "AND json_extract(changes, ?) IS NOT NULL",
        (seq, f'$."log#{seq}"'),
    ).fetchone()
    return row[0] if row else None


def undo(session: Session, seq: int, *, reason: str = "") -> Result:
    """Reverse the step logged as ``seq`` with a new entry."""
    db = session.db
    with transaction(db):
        entry = db.conn.execute("SELECT seq, actor, action, objective_id, changes FROM log WHERE seq = ?", (seq,)).fetchone()
        if entry is None:
            raise InvalidInput(_("entry"), _("no log entry #{seq}").format(seq=seq))
        _seq, actor, action, objective_id, changes_text = entry
        if action not in UNDOABLE or objective_id is None:
            raise Refused(_("entry #{seq} ({action}) cannot be undone").format(seq=seq, action=action))
        objective = refs.objective(db, objective_id)
        who = roles.check(db, session.login, "undo", objective)
        if actor != session.login and who["role"] != roles.DIRECTOR:
            raise Refused(_("entry #{seq} was made by {actor}; only they or the director can undo it").format(seq=seq, actor=actor))
        if undone_by(db, seq):
            raise Refused(_("entry #{seq} has already been undone").format(seq=seq))
        changes = json.loads(changes_text)
        version_after = changes.get("version", [None, None])[1]
        if action != "note" and objective["version"] != version_after:
            raise Conflict(
                _("cannot undo #{seq}: {ref} has changed since ({later})").format(
                    seq=seq, ref=objective["ref"], later=conflict_message(db, objective, version_after)
                )
            )
        new_seq = journal.head(db)[0] + 1
        reverse: dict = {f"log#{seq}": [None, "undone"]}
        created = {key for key, (_b, after) in changes.items() if "#" in key and "." not in key and after == "created"}
        fields = {}
        for key, (before, after) in changes.items():
            if key == "version":
                continue
            if key in created:
                table = _TABLES[key.split("#")[0]][0]
                db.conn.execute(f"UPDATE {table} SET withdrawn_seq = ? WHERE id = ?", (new_seq, int(key.split("#")[1])))
                reverse[key] = ["created", "withdrawn"]
            elif "#" in key:
                row_key, column = key.split(".", 1)
                if row_key in created:
                    continue
                kind, row_id = row_key.split("#")
                table, columns = _TABLES[kind]
                if column in columns:
                    db.conn.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (before, int(row_id)))
                    reverse[key] = [after, before]
            elif key == "co_unit_ids":
                set_co_units(db, objective["id"], before or [])
                reverse[key] = [after, before]
            elif key in _OBJECTIVE_FIELDS:
                fields[key] = before
                reverse[key] = [after, before]
        version = objective["version"]
        reverse["version"] = [version, version + 1]
        fields["version"] = version + 1
        fields["updated_at"] = clock.stamp()
        assignments = ", ".join(f"{k} = ?" for k in fields)
        db.conn.execute(f"UPDATE objectives SET {assignments} WHERE id = ?", (*fields.values(), objective["id"]))
        logged = journal.append(
            db, actor=session.login, action="undo", objective_id=objective["id"],
            detail=reason or _("undo of #{seq}").format(seq=seq), changes=reverse,
        )
        assert logged == new_seq
    return Result(
        _("#{seq} ({action}) on {ref} undone").format(seq=seq, action=action, ref=objective["ref"]),
        seq=logged, ref=objective["ref"], objective=refs.objective(db, objective["id"]),
    )
