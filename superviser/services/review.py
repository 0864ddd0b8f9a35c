"""The daily review as a sequence of writes: start (or resume), record each step,
mark items reviewed, skip, and finish with one log entry for the whole review."""

from __future__ import annotations

import json

from superviser import clock, journal, refs, review, roles, store
from superviser.errors import Refused
from superviser.i18n import _
from superviser.services.base import Result, Session


def _check(session: Session) -> None:
    roles.check(session.db, session.login, "review")


def _log_finished(session: Session, row: dict, interrupted: bool) -> int:
    steps = row["steps"]
    done = sum(1 for s in steps if s["kind"] == "step")
    marked = sum(1 for s in steps if s["kind"] == "mark")
    detail = _("daily review of {day}: {steps} steps, {marked} marked reviewed, {skipped} skipped").format(
        day=row["day"], steps=done, marked=marked, skipped=len(row["skipped"]))
    if interrupted:
        detail += " " + _("(not finished)")
    return journal.append(session.db, actor=session.login, action="review", detail=detail, changes={
        f"review#{row['id']}.steps": [None, done], f"review#{row['id']}.marked": [None, marked],
        f"review#{row['id']}.started_at": [None, row["started_at"]],
    })


def start(session: Session) -> dict:
    """Today's review for this person: resumed if one is open, else a new one.
    An unfinished review of an earlier day is closed (and logged) first."""
    _check(session)
    db = session.db
    today = clock.today().isoformat()
    with store.transaction(db):
        for stale in db.conn.execute(
            "SELECT id, login, day, started_at, steps, skipped FROM reviews WHERE login = ? AND day < ? AND finished_at IS NULL",
            (session.login, today),
        ).fetchall():
            row = dict(zip(("id", "login", "day", "started_at", "steps", "skipped"), stale))
            row["steps"], row["skipped"] = json.loads(row["steps"]), json.loads(row["skipped"])
            _log_finished(session, row, interrupted=True)
            db.conn.execute("UPDATE reviews SET finished_at = ? WHERE id = ?", (clock.stamp(), row["id"]))
        if review.current(db, session.login) is None:
            db.conn.execute(
                "INSERT INTO reviews (login, started_at, day, steps, skipped, marked) VALUES (?, ?, ?, '[]', '[]', 0)",
                (session.login, clock.stamp(), today),
            )
    return review.current(db, session.login)


def _update(session: Session, review_id: int, **values) -> None:
    values = {k: json.dumps(v) if k in ("steps", "skipped") else v for k, v in values.items()}
    assignments = ", ".join(f"{k} = ?" for k in values)
    session.db.conn.execute(f"UPDATE reviews SET {assignments} WHERE id = ? AND login = ?", (*values.values(), review_id, session.login))


def _open(session: Session, review_id: int) -> dict:
    row = review.current(session.db, session.login)
    if row is None or row["id"] != review_id:
        raise Refused(_("this review is finished; start a new one"))
    return row


def record_step(session: Session, review_id: int, seq: int, objective_id: int, category: str | None) -> None:
    """A step taken in the review: the item counts as reviewed in its new state."""
    with store.transaction(session.db):
        row = _open(session, review_id)
        _mark(session, objective_id)
        row["steps"].append({"kind": "step", "seq": seq, "objective_id": objective_id, "category": category})
        _update(session, review_id, steps=row["steps"], position=objective_id)


def _mark(session: Session, objective_id: int) -> None:
    version = session.db.conn.execute("SELECT version FROM objectives WHERE id = ?", (objective_id,)).fetchone()[0]
    session.db.conn.execute(
        "INSERT OR REPLACE INTO review_marks (login, objective_id, day, version) VALUES (?, ?, ?, ?)",
        (session.login, objective_id, clock.today().isoformat(), version),
    )


def mark(session: Session, review_id: int, objective_id: int, category: str | None = None) -> None:
    """Mark an item reviewed: it leaves the queue until it changes or the day ends."""
    _check(session)
    with store.transaction(session.db):
        row = _open(session, review_id)
        _mark(session, objective_id)
        row["steps"].append({"kind": "mark", "objective_id": objective_id, "category": category})
        _update(session, review_id, steps=row["steps"], marked=len([s for s in row["steps"] if s["kind"] == "mark"]))


def skip(session: Session, review_id: int, objective_id: int) -> None:
    with store.transaction(session.db):
        row = _open(session, review_id)
        if objective_id not in row["skipped"]:
            row["skipped"].append(objective_id)
        _update(session, review_id, skipped=row["skipped"], position=objective_id)


def set_position(session: Session, review_id: int, objective_id: int | None) -> None:
    with store.transaction(session.db):
        _open(session, review_id)
        _update(session, review_id, position=objective_id)


def undo_last(session: Session, review_id: int) -> Result:
    """Undo the review's last step: a log entry that reverses it, or an unmarked item."""
    from superviser.services import undo

    with store.transaction(session.db):
        row = _open(session, review_id)
        if not row["steps"]:
            raise Refused(_("nothing to undo in this review"))
        last = row["steps"][-1]
        if last["kind"] == "mark":
            session.db.conn.execute("DELETE FROM review_marks WHERE login = ? AND objective_id = ?", (session.login, last["objective_id"]))
            row["steps"].pop()
            _update(session, review_id, steps=row["steps"], position=last["objective_id"],
                    marked=len([s for s in row["steps"] if s["kind"] == "mark"]))
            ref = refs.objective_ref(session.db, last["objective_id"])
            return Result(_("{ref} is back in the queue").format(ref=ref), ref=ref)
    result = undo.undo(session, last["seq"], reason=_("undone in the daily review"))
    with store.transaction(session.db):
        row = _open(session, review_id)
        row["steps"].pop()
        session.db.conn.execute("DELETE FROM review_marks WHERE login = ? AND objective_id = ?", (session.login, last["objective_id"]))
        _update(session, review_id, steps=row["steps"], position=last["objective_id"])
    return result


def finish(session: Session, review_id: int) -> dict:
    """End the review, log it, and return its summary."""
    db = session.db
    with store.transaction(db):
        row = _open(session, review_id)
        remaining = review.queue(db, session.login)
        result = review.summary(db, row, remaining)
        seq = _log_finished(session, row, interrupted=False)
        db.conn.execute("UPDATE reviews SET finished_at = ? WHERE id = ?", (clock.stamp(), review_id))
    result["seq"] = seq
    return result
