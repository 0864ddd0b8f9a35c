"""Correcting what was registered: a decision's or an objective's facts, and the deadline.

A correction is a step like any other: one transaction, refused on a stale version, its
before and after in its log entry (the log is never edited). The original deadline is
never corrected: it decides the on-time rate whatever happens to the deadline.
"""

from __future__ import annotations

from superviser import actions, clock, lifecycle, refs
from superviser.changes import Changes, write
from superviser.errors import Conflict, InvalidInput, Refused
from superviser.i18n import N_, _, separated
from superviser.services.base import Result, Session, check, objective_step, validate
from superviser.services.registry import next_place


def _changed_since(db, decision: dict, expected: int) -> str:
    from superviser.dates import moment

    last = db.conn.execute("SELECT actor, action, at FROM log WHERE decision_id = ? ORDER BY seq DESC LIMIT 1",
                           (decision["id"],)).fetchone()
    who = (_("{actor} did “{action}” at {time}").format(actor=last[0], action=actions.label(last[1]),
                                                         time=moment(last[2])) if last else _("someone changed it"))
    return _(
        "{ref} changed since you looked at it ({who}; version {expected} → {current}); "
        "nothing was written, look again and retry"
    ).format(ref=decision["ref"], who=who, expected=expected, current=decision["version"])


def _not_empty(raw, v: dict, key: str, label: str) -> None:
    if raw is not None and not v[key]:
        raise InvalidInput(key, _("must not be empty"), label)


def decision_edit(session: Session, decision, *, title=None, source=None, decided_on=None, source_ref=None,
                  leader=None, summary=None, priority=None, expected_version=None) -> Result:
    """Change what was given (``None``: unchanged; ``""`` clears an optional text)."""
    given = {"title": title, "source": source, "decided_on": decided_on, "source_ref": source_ref,
             "leader": leader, "summary": summary, "priority": priority}
    v = validate("decision.edit", **given)
    _not_empty(title, v, "title", N_("title"))
    with write(session) as changes:
        check(session, "decision.edit")
        db = session.db
        row = refs.decision(db, decision)
        if expected_version is not None and row["version"] != expected_version:
            raise Conflict(_changed_since(db, row, expected_version))
        values = {}
        for key, raw in given.items():
            if raw is None or (key in ("source", "decided_on", "priority") and not v[key]):
                continue
            values[key] = v[key].isoformat() if key == "decided_on" else v[key]
        day = values.get("decided_on")
        if day and day != row["decided_on"]:
            early = db.conn.execute("SELECT ref, deadline FROM objectives WHERE decision_id = ? AND deadline < ? "
                                    "ORDER BY deadline LIMIT 1", (row["id"], day)).fetchone()
            if early:
                raise InvalidInput("decided_on", _("{ref} is due {deadline}, before this date").format(
                    ref=early[0], deadline=early[1]), N_("date"))
        if not changes.update("decisions", row["id"], values):
            raise InvalidInput("decision", _("nothing to change"), N_("decision"))
        changes.update("decisions", row["id"], {"version": row["version"] + 1})
        seq = changes.log("decision.edit", decision_id=row["id"], detail=values.get("title", row["title"]))
    return Result(_("decision {ref} corrected").format(ref=row["ref"]), seq=seq, ref=row["ref"],
                  data={"id": row["id"], "version": row["version"] + 1})


def _move(step, parent: dict | None) -> None:
    """Put the objective (and what is under it) under ``parent`` (None: at the top of its
    decision). References follow the tree, so theirs change; the old ones are retired, never
    given to another objective, and still find these."""
    db, objective = step.db, step.objective
    if parent is not None:
        if parent["decision_id"] != objective["decision_id"]:
            raise InvalidInput("parent", _("{ref} belongs to another decision").format(ref=parent["ref"]), N_("parent"))
        if parent["id"] == objective["id"] or parent["sort_key"].startswith(objective["sort_key"] + "."):
            raise InvalidInput("parent", _("an objective cannot be placed under itself or its own sub-objectives"),
                               N_("parent"))
        if parent["status"] in lifecycle.ENDED:
            raise Refused(_("parent: {ref} is {status}; reopen it before splitting it").format(
                ref=parent["ref"], status=lifecycle.status_label(parent["status"])))
        if objective["deadline"] > parent["deadline"]:
            raise InvalidInput("parent", _("its deadline {deadline} is after the deadline of {ref}, {parent}").format(
                deadline=objective["deadline"], ref=parent["ref"], parent=parent["deadline"]), N_("parent"))
    num, ref, sort_key = next_place(step.changes, refs.decision(db, objective["decision_id"]), parent)
    old_ref, old_key, now = objective["ref"], objective["sort_key"], clock.stamp()
    below = db.conn.execute(
        "SELECT id, ref, sort_key, version FROM objectives WHERE sort_key > ? AND sort_key < ? ORDER BY sort_key",
        (old_key + ".", old_key + "/")).fetchall()
    for oid, sub_ref, sub_key, version in below:
        step.changes.insert("retired_refs", {"ref": sub_ref, "objective_id": oid, "retired_at": now})
        step.changes.update("objectives", oid, {"ref": ref + sub_ref[len(old_ref):],
                                                "sort_key": sort_key + sub_key[len(old_key):],
                                                "version": version + 1, "updated_at": now})
    step.changes.insert("retired_refs", {"ref": old_ref, "objective_id": objective["id"], "retired_at": now})
    step.set(parent_id=parent["id"] if parent else None, num=num, ref=ref, sort_key=sort_key)


def objective_edit(session: Session, ref, *, title=None, detail=None, co=None, priority=None, parent=None,
                   expected_version=None, changes: Changes | None = None) -> Result:
    """Correct an objective's title, detail, co-units, priority or parent (``None``: unchanged;
    ``parent=""`` puts it at the top of its decision)."""
    v = validate("objective.edit", title=title, detail=detail, co=co, priority=priority, parent=parent)
    _not_empty(title, v, "title", N_("title"))
    with objective_step(session, "objective.edit", ref, expected_version, changes) as step:
        db, objective = session.db, step.objective
        old_ref = objective["ref"]
        wanted = {"title": v["title"] if title is not None else None,
                  "detail": v["detail"] if detail is not None else None,
                  "priority": v["priority"] if priority is not None and v["priority"] else None}
        for key, value in wanted.items():
            if value is not None and value != objective[key]:
                step.set(**{key: value})
        if co is not None:
            co_ids = [refs.active_unit(db, name, "co", N_("co-unit"))["id"] for name in v["co"]]
            if objective["lead_unit_id"] in co_ids:
                raise InvalidInput("co", _("the lead unit cannot also be a co-unit"), N_("co-units"))
            step.set_co_units(co_ids)
        if parent is not None:
            new_parent = refs.objective(db, v["parent"], "parent", N_("parent")) if v["parent"] else None
            if (new_parent["id"] if new_parent else None) != objective["parent_id"]:
                _move(step, new_parent)
        if not step.fields and not step.changes.pending:
            raise InvalidInput("objective", _("nothing to change"), N_("objective"))
        step.log()
    if step.objective["ref"] != old_ref:
        message = _("{ref} corrected; it is now {new}").format(ref=old_ref, new=step.objective["ref"])
    else:
        message = _("{ref} corrected").format(ref=old_ref)
    return Result(message, seq=step.seq, ref=step.objective["ref"], objective=step.objective)


def deadline(session: Session, ref, *, to=None, reason="", expected_version=None,
             changes: Changes | None = None) -> Result:
    """The director moves the deadline, earlier or later, also once it has passed; the
    original deadline stays as it was."""
    v = validate("deadline", to=to, reason=reason)
    new = v["to"].isoformat()
    with objective_step(session, "deadline", ref, expected_version, changes) as step:
        db, objective = session.db, step.objective
        if new == objective["deadline"]:
            raise InvalidInput("to", _("{date} is already the deadline").format(date=new), N_("new deadline"))
        decided = refs.decision(db, objective["decision_id"])["decided_on"]
        if new < decided:
            raise InvalidInput("to", _("{deadline} is before the decision's date {date}").format(
                deadline=new, date=decided), N_("new deadline"))
        if objective["parent_id"]:
            parent = refs.objective(db, objective["parent_id"])
            if new > parent["deadline"]:
                raise InvalidInput("to", _("{deadline} is after the parent objective's deadline {parent}").format(
                    deadline=new, parent=parent["deadline"]), N_("new deadline"))
        later = [r[0] for r in db.conn.execute(
            "SELECT ref FROM objectives WHERE parent_id = ? AND deadline > ? AND status NOT IN ('closed', 'cancelled') "
            "ORDER BY sort_key", (objective["id"], new))]
        if later:
            raise InvalidInput("to", _("its sub-objectives {refs} are due later; move their deadlines first").format(
                refs=separated(later)), N_("new deadline"))
        step.set(deadline=new)
        step.log(v["reason"])
    return Result(_("{ref}: deadline now {date} (the original deadline {original} is kept)").format(
        ref=step.ref, date=new, original=objective["original_deadline"]), seq=step.seq, ref=step.ref,
        objective=step.objective)
