"""Registering decisions and splitting them into objectives.

``decision_add`` / ``objective_add`` are the steps (validate, one transaction, log).
``insert_decision`` / ``insert_objective`` hold the rules and the writes and run
inside a caller's transaction: the ledger import uses them to bring in many rows
all-or-nothing.
"""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from superviser import clock, dates, journal, lifecycle, refs, roles, store, text
from superviser.errors import InvalidInput, Refused
from superviser.i18n import _
from superviser.services.base import Result, Session, created, set_co_units


def choice(field: str, value: str | None, choices: dict, default: str | None = None) -> str:
    value = (value or default or "").strip().lower()
    if value not in choices:
        raise InvalidInput(field, _("must be one of: {choices}").format(choices=", ".join(choices)))
    return value


def insert_decision(db: Database, actor: str, *, title: str, source: str, day: date, source_ref: str = "",
                    leader: str = "", summary: str = "", priority: str = "normal", detail: str | None = None) -> dict:
    """Write a decision and its log entry (inside a transaction); returns id, ref, seq."""
    year = day.year
    seq = db.conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM decisions WHERE year = ?", (year,)).fetchone()[0]
    ref = f"{year}-{seq:03d}"
    values = {
        "ref": ref, "year": year, "seq": seq, "title": title, "source": source, "source_ref": source_ref,
        "decided_on": day.isoformat(), "leader": leader, "summary": summary, "priority": priority,
        "created_at": clock.stamp(), "created_by": actor,
    }
    decision_id = db["decisions"].insert(values).last_pk
    log_seq = journal.append(
        db, actor=actor, action="decision.add", decision_id=decision_id, detail=detail or title,
        changes=created("decision", decision_id, {k: values[k] for k in
                                                  ("ref", "title", "source", "decided_on", "source_ref", "leader", "priority")}),
    )
    return {"id": decision_id, "ref": ref, "seq": log_seq}


def decision_add(
    session: Session, title: str, *, source: str, decided_on: str, source_ref: str = "", leader: str = "",
    summary: str = "", priority: str = "normal",
) -> Result:
    db = session.db
    title = text.required(_("title"), title)
    source = choice(_("source"), source, lifecycle.SOURCES)
    day = dates.parse(_("date"), decided_on)
    source_ref = text.optional(_("reference"), source_ref, text.NAME_MAX, multiline=False)
    leader = text.optional(_("leader"), leader, text.NAME_MAX, multiline=False)
    summary = text.optional(_("summary"), summary)
    priority = choice(_("priority"), priority, lifecycle.PRIORITIES, "normal")
    with store.transaction(db):
        roles.check(db, session.login, "decision.add")
        made = insert_decision(db, session.login, title=title, source=source, day=day, source_ref=source_ref,
                               leader=leader, summary=summary, priority=priority)
    return Result(_("decision {ref} registered").format(ref=made["ref"]), seq=made["seq"], ref=made["ref"],
                  data={"id": made["id"]})


def insert_objective(db: Database, actor: str, decision: dict, title: str, *, lead_id: int, due: date,
                     co_ids: list[int] = (), parent: dict | None = None, detail: str = "", priority: str = "normal",
                     state: dict | None = None, note: str | None = None) -> dict:
    """Check the registration rules and write an objective and its log entry (inside a
    transaction). ``state`` carries fields an import brings (status, percent, …)."""
    if lead_id in co_ids:
        raise InvalidInput(_("co-unit"), _("the lead unit cannot also be a co-unit"))
    if due.isoformat() < decision["decided_on"]:
        raise InvalidInput(
            _("deadline"),
            _("{deadline} is before the decision's date {date}").format(deadline=due.isoformat(), date=decision["decided_on"]),
        )
    if parent is not None:
        if parent["decision_id"] != decision["id"]:
            raise InvalidInput(_("parent"), _("{ref} belongs to another decision").format(ref=parent["ref"]))
        if parent["status"] in lifecycle.ENDED and not state:
            raise Refused(
                _("parent: {ref} is {status}; reopen it before splitting it").format(
                    ref=parent["ref"], status=lifecycle.status_label(parent["status"])
                )
            )
        if due.isoformat() > parent["deadline"]:
            raise InvalidInput(
                _("deadline"),
                _("{deadline} is after the parent objective's deadline {parent}").format(
                    deadline=due.isoformat(), parent=parent["deadline"]
                ),
            )
        num = db.conn.execute("SELECT coalesce(max(num), 0) + 1 FROM objectives WHERE parent_id = ?",
                              (parent["id"],)).fetchone()[0]
        ref, sort_key = f"{parent['ref']}.{num}", f"{parent['sort_key']}.{num:04d}"
    else:
        num = db.conn.execute(
            "SELECT coalesce(max(num), 0) + 1 FROM objectives WHERE decision_id = ? AND parent_id IS NULL", (decision["id"],)
        ).fetchone()[0]
        ref, sort_key = f"{decision['ref']}.{num}", f"{decision['year']}-{decision['seq']:06d}.{num:04d}"
    now = clock.stamp()
    values = {
        "ref": ref, "sort_key": sort_key, "decision_id": decision["id"], "parent_id": parent["id"] if parent else None,
        "num": num, "title": title, "detail": detail, "lead_unit_id": lead_id, "priority": priority,
        "deadline": due.isoformat(), "original_deadline": due.isoformat(), "status": lifecycle.REGISTERED,
        "percent": 0, "urge_count": 0, "urges_unanswered": 0, "created_at": now, "updated_at": now, "version": 1,
    }
    values.update(state or {})
    objective_id = db["objectives"].insert(values).last_pk
    set_co_units(db, objective_id, list(co_ids))
    logged = ("ref", "title", "lead_unit_id", "deadline", "status", "priority") + tuple(state or ())
    changes = {k: [None, values[k]] for k in logged if values.get(k) not in (None, "")}
    if co_ids:
        changes["co_unit_ids"] = [None, sorted(co_ids)]
    if detail:
        changes["detail"] = [None, detail]
    seq = journal.append(db, actor=actor, action="objective.add", objective_id=objective_id, decision_id=decision["id"],
                         detail=note or title, changes=changes)
    return {"id": objective_id, "ref": ref, "seq": seq, "sort_key": sort_key, "deadline": values["deadline"],
            "decision_id": decision["id"], "status": values["status"]}


def objective_add(
    session: Session, decision: str | int, title: str, *, lead: str | int, deadline: str,
    co: list[str | int] | tuple = (), parent: str | int | None = None, detail: str = "", priority: str = "normal",
) -> Result:
    db = session.db
    title = text.required(_("title"), title)
    detail = text.optional(_("detail"), detail)
    due = dates.parse(_("deadline"), deadline)
    priority = choice(_("priority"), priority, lifecycle.PRIORITIES, "normal")
    with store.transaction(db):
        roles.check(db, session.login, "objective.add")
        dec = refs.decision(db, decision)
        lead_id = refs.unit(db, lead, _("lead unit"))["id"]
        co_ids = [refs.unit(db, name, _("co-unit"))["id"] for name in co]
        parent_row = refs.objective(db, parent, _("parent")) if parent not in (None, "") else None
        made = insert_objective(db, session.login, dec, title, lead_id=lead_id, due=due, co_ids=co_ids,
                                parent=parent_row, detail=detail, priority=priority)
    return Result(_("objective {ref} registered").format(ref=made["ref"]), seq=made["seq"], ref=made["ref"],
                  data={"id": made["id"]})
