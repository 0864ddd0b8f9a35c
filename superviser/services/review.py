"""The daily review's writes. Each is one transaction with its log entries:

- ``start``: today's review (resumed if one is open; an earlier day's unfinished one is closed);
- ``act``: a step on one or several items (the step's own entries, then the review's);
- ``mark`` / ``skip``: an item reviewed without a step, or put aside;
- ``undo_last``: the review's last action undone, all of it (a bulk urge of five: five);
- ``finish``: the review's entry, and its summary.

The review's record (``review_steps``) says what was done in it; marks
(``review_marks``) keep an item out of the queue until it changes or the day ends.
"""

from __future__ import annotations

from superviser import actions, clock, refs, review
from superviser.changes import Changes, write
from superviser.errors import Refused
from superviser.i18n import _, ngettext
from superviser.services.base import Result, Session, check
from superviser.services.undo import undo


def _log_finished(changes: Changes, row: dict, interrupted: bool) -> int:
    counts = review.counts(changes.db, row["id"])
    detail = _("daily review of {day}: {steps} steps, {marked} marked reviewed, {skipped} skipped").format(
        day=row["day"], steps=counts["step"], marked=counts["mark"], skipped=counts["skip"])
    if interrupted:
        detail += " " + _("(not finished)")
    changes.update("reviews", row["id"], {"finished_at": clock.stamp()})
    return changes.log("review", detail=detail, facts={"review": row["id"]})


def start(session: Session) -> dict:
    """Today's review for this person: resumed if one is open, else a new one.
    An unfinished review of an earlier day is closed (and logged) first."""
    check(session, "review")
    db = session.db
    today = clock.today().isoformat()
    with write(session) as changes:
        for stale in db.conn.execute(
            "SELECT id, day FROM reviews WHERE login = ? AND day < ? AND finished_at IS NULL", (session.login, today),
        ).fetchall():
            _log_finished(changes, {"id": stale[0], "day": stale[1]}, interrupted=True)
        if review.current(db, session.login) is None:
            review_id = changes.insert("reviews", {"login": session.login, "started_at": clock.stamp(), "day": today})
            changes.log("review.start", detail=today, facts={"review": review_id})
    started = review.current(db, session.login)
    assert started is not None  # begun above, or earlier today
    return started


class Finished(Refused):
    """The review was finished meanwhile (in another session of the same person)."""


def _open(session: Session, review_id: int) -> dict:
    row = review.current(session.db, session.login)
    if row is None or row["id"] != review_id:
        raise Finished(_("this review is finished; start a new one"))
    return row


def _next_batch(changes: Changes, review_id: int) -> int:
    return changes.conn.execute("SELECT coalesce(max(batch), 0) + 1 FROM review_steps WHERE review_id = ?",
                                (review_id,)).fetchone()[0]


def _mark(changes: Changes, login: str, objective_id: int) -> None:
    version = changes.conn.execute("SELECT version FROM objectives WHERE id = ?", (objective_id,)).fetchone()[0]
    day = clock.today().isoformat()
    if changes.read("review_marks", (login, objective_id)) is None:
        changes.insert("review_marks", {"login": login, "objective_id": objective_id, "day": day, "version": version})
    else:
        changes.update("review_marks", (login, objective_id), {"day": day, "version": version})


def _record(changes: Changes, review_id: int, batch: int, kind: str, objective_id: int, category: str | None,
            seq: int | None = None) -> None:
    changes.insert("review_steps", {"review_id": review_id, "batch": batch, "kind": kind, "objective_id": objective_id,
                                    "category": category, "seq": seq, "at": clock.stamp()})
    changes.update("reviews", review_id, {"position": objective_id})


def act(session: Session, review_id: int, step: str, items: list[dict], values: dict) -> Result:
    """Take ``step`` on each of ``items`` ({ref, id, version, category}) with ``values``, all or none:
    a refusal or a conflict on any item writes nothing. Each item is marked reviewed."""
    action = actions.ACTIONS[step]
    with write(session) as changes:
        row = _open(session, review_id)
        batch = _next_batch(changes, review_id)
        results = [action.perform(session, item["ref"], values, item.get("version"), changes=changes) for item in items]
        for item, result in zip(items, results):
            _mark(changes, session.login, item["id"])
            _record(changes, review_id, batch, "step", item["id"], item.get("category"), result.seq)
        refs_done = ", ".join(item["ref"] for item in items)
        changes.log("review.step", detail=f"{actions.label(step)}: {refs_done}", facts={"review": row["id"]})
    if len(results) == 1:
        return results[0]
    return Result(ngettext("{step}: {n} item done ({refs})", "{step}: {n} items done ({refs})", len(results)).format(
        step=actions.title(step), n=len(results), refs=refs_done), seq=results[-1].seq)


def mark(session: Session, review_id: int, objective_id: int, category: str | None = None) -> None:
    """Mark an item reviewed: it leaves the queue until it changes or the day ends."""
    check(session, "review")
    with write(session) as changes:
        _open(session, review_id)
        _mark(changes, session.login, objective_id)
        _record(changes, review_id, _next_batch(changes, review_id), "mark", objective_id, category)
        changes.log("review.mark", objective_id=objective_id, facts={"review": review_id})


def skip(session: Session, review_id: int, objective_id: int, then: int | None = None) -> None:
    """Put an item aside; the review resumes at ``then`` (the item the person went on to)."""
    with write(session) as changes:
        _open(session, review_id)
        _record(changes, review_id, _next_batch(changes, review_id), "skip", objective_id, None)
        if then is not None:
            changes.update("reviews", review_id, {"position": then})
        changes.log("review.skip", objective_id=objective_id, facts={"review": review_id})


def undo_last(session: Session, review_id: int) -> Result:
    """Undo the review's last action: every step of it (reversing log entries), or an unmarked item."""
    with write(session) as changes:
        _open(session, review_id)
        last = changes.conn.execute(
            "SELECT max(batch) FROM review_steps WHERE review_id = ? AND kind != 'skip'", (review_id,)).fetchone()[0]
        if last is None:
            raise Refused(_("nothing to undo in this review"))
        rows = changes.conn.execute(
            "SELECT id, kind, objective_id, seq FROM review_steps WHERE review_id = ? AND batch = ? ORDER BY id DESC",
            (review_id, last)).fetchall()
        results = [undo(session, seq, reason=_("undone in the daily review"), changes=changes)
                   for _id, kind, _objective, seq in rows if kind == "step"]
        for row_id, _kind, objective_id, _seq in rows:
            changes.delete("review_steps", row_id)
            changes.delete("review_marks", (session.login, objective_id))
        changes.update("reviews", review_id, {"position": rows[-1][2]})
        changes.log("review.undo", facts={"review": review_id})
    if results:
        return results[0] if len(results) == 1 else Result(
            ngettext("{n} step undone", "{n} steps undone", len(results)).format(n=len(results)), seq=results[-1].seq)
    ref = refs.objective_ref(session.db, rows[-1][2])
    return Result(_("{ref} is back in the queue").format(ref=ref), ref=ref)


def finish(session: Session, review_id: int) -> dict:
    """End the review, log it, and return its summary."""
    db = session.db
    with write(session) as changes:
        row = _open(session, review_id)
        result = review.summary(db, row, session.login)
        result["seq"] = _log_finished(changes, row, interrupted=False)
    return result
