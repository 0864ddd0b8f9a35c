"""Registering decisions and splitting them into objectives.

``decision_add`` / ``objective_add`` are the steps (validate, one transaction, log).
``insert_decision`` / ``insert_objective`` hold the rules and the writes and run
inside a caller's ``Changes``: the ledger import uses them to bring in many rows
all-or-nothing.
"""

from __future__ import annotations

from datetime import date

from superviser import clock, lifecycle, refs
from superviser.changes import Changes
from superviser.errors import InvalidInput, Refused
from superviser.i18n import N_, _
from superviser.services.base import Result, Session, check, step, validate


def insert_decision(changes: Changes, *, title: str, source: str, day: date, source_ref: str = "", leader: str = "",
                    summary: str = "", priority: str = "normal", detail: str | None = None) -> dict:
    """Write a decision and its log entry (inside a transaction); returns id, ref, seq."""
    year = day.year
    seq = changes.next_number("decisions", "seq", year=year)
    ref = f"{year}-{seq:03d}"
    decision_id = changes.insert("decisions", {
        "ref": ref, "year": year, "seq": seq, "title": title, "source": source, "source_ref": source_ref,
        "decided_on": day.isoformat(), "leader": leader, "summary": summary, "priority": priority,
        "created_at": clock.stamp(), "created_by": changes.actor,
    })
    log_seq = changes.log("decision.add", decision_id=decision_id, detail=detail or title)
    return {"id": decision_id, "ref": ref, "seq": log_seq}


def decision_add(session: Session, title=None, *, source=None, decided_on=None, source_ref="", leader="", summary="",
                 priority="normal", changes: Changes | None = None) -> Result:
    v = validate("decision.add", title=title, source=source, decided_on=decided_on, source_ref=source_ref,
                 leader=leader, summary=summary, priority=priority)
    with step(session, changes) as opened:
        check(session, "decision.add")
        made = insert_decision(opened, title=v["title"], source=v["source"], day=v["decided_on"],
                               source_ref=v["source_ref"], leader=v["leader"], summary=v["summary"],
                               priority=v["priority"])
    return Result(_("decision {ref} registered").format(ref=made["ref"]), seq=made["seq"], ref=made["ref"],
                  data={"id": made["id"]})


def next_place(changes: Changes, decision: dict, parent: dict | None) -> tuple[int, str, str]:
    """The number, reference and sort key of a new objective under ``parent`` (or at the top of
    ``decision``): after its siblings, and never a reference an objective had before it moved."""
    if parent is not None:
        num = changes.next_number("objectives", "num", parent_id=parent["id"])
    else:
        num = changes.next_number("objectives", "num", decision_id=decision["id"], parent_id=None)
    while True:
        if parent is not None:
            ref, sort_key = f"{parent['ref']}.{num}", f"{parent['sort_key']}.{num:04d}"
        else:
            ref, sort_key = f"{decision['ref']}.{num}", f"{decision['year']}-{decision['seq']:06d}.{num:04d}"
        if changes.read("retired_refs", (ref,)) is None:
            return num, ref, sort_key
        num += 1


def insert_objective(changes: Changes, decision: dict, title: str, *, lead_id: int, due: date,
                     co_ids: list[int] | tuple = (), parent: dict | None = None, detail: str = "",
                     priority: str = "normal", state: dict | None = None, note: str | None = None) -> dict:
    """Check the registration rules and write an objective and its log entry (inside a
    transaction). ``state`` carries fields an import brings (status, percent, …)."""
    if lead_id in co_ids:
        raise InvalidInput("co", _("the lead unit cannot also be a co-unit"), N_("co-units"))
    deadline = due.isoformat()
    if deadline < decision["decided_on"]:
        raise InvalidInput("deadline", _("{deadline} is before the decision's date {date}").format(
            deadline=deadline, date=decision["decided_on"]), N_("deadline"))
    if parent is not None:
        if parent["decision_id"] != decision["id"]:
            raise InvalidInput("parent", _("{ref} belongs to another decision").format(ref=parent["ref"]), N_("parent"))
        if parent["status"] in lifecycle.ENDED and not state:
            raise Refused(_("parent: {ref} is {status}; reopen it before splitting it").format(
                ref=parent["ref"], status=lifecycle.status_label(parent["status"])))
        if deadline > parent["deadline"]:
            raise InvalidInput("deadline", _("{deadline} is after the parent objective's deadline {parent}").format(
                deadline=deadline, parent=parent["deadline"]), N_("deadline"))
    num, ref, sort_key = next_place(changes, decision, parent)
    now = clock.stamp()
    values = {
        "ref": ref, "sort_key": sort_key, "decision_id": decision["id"], "parent_id": parent["id"] if parent else None,
        "num": num, "title": title, "detail": detail, "lead_unit_id": lead_id, "priority": priority,
        "deadline": deadline, "original_deadline": deadline, "status": lifecycle.REGISTERED,
        "percent": 0, "urge_count": 0, "urges_unanswered": 0, "created_at": now, "updated_at": now, "version": 1,
    }
    values.update(state or {})
    objective_id = changes.insert("objectives", values)
    for unit_id in sorted(set(co_ids)):
        changes.insert("co_units", {"objective_id": objective_id, "unit_id": unit_id})
    seq = changes.log("objective.add", objective_id=objective_id, decision_id=decision["id"], detail=note or title)
    return {"id": objective_id, "ref": ref, "seq": seq, "sort_key": sort_key, "deadline": values["deadline"],
            "decision_id": decision["id"], "status": values["status"]}


def objective_add(session: Session, decision, title=None, *, lead=None, deadline=None, co=(), parent=None, detail="",
                  priority="normal", assign=False, changes: Changes | None = None) -> Result:
    """Register an objective; with ``assign``, hand it to its units in the same transaction."""
    v = validate("objective.add", title=title, lead=lead, deadline=deadline, co=co, parent=parent, detail=detail,
                 priority=priority, assign=assign)
    with step(session, changes) as opened:
        check(session, "objective.add")
        db = session.db
        dec = refs.decision(db, decision)
        lead_id = refs.active_unit(db, v["lead"], "lead", N_("lead unit"))["id"]
        co_ids = [refs.active_unit(db, name, "co", N_("co-unit"))["id"] for name in v["co"]]
        parent_row = refs.objective(db, v["parent"], "parent", N_("parent")) if v["parent"] else None
        made = insert_objective(opened, dec, v["title"], lead_id=lead_id, due=v["deadline"], co_ids=co_ids,
                                parent=parent_row, detail=v["detail"], priority=v["priority"])
        message = _("objective {ref} registered").format(ref=made["ref"])
        seq = made["seq"]
        if v["assign"]:
            from superviser.services import steps

            assigned = steps.assign(session, made["ref"], changes=opened)
            message, seq = f"{message}; {assigned.message}", assigned.seq
    return Result(message, seq=seq, ref=made["ref"], data={"id": made["id"]})
