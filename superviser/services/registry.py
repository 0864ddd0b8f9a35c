"""Registering decisions and splitting them into objectives."""

from __future__ import annotations

from superviser import clock, dates, journal, lifecycle, refs, roles, store, text
from superviser.errors import InvalidInput, Refused
from superviser.i18n import _
from superviser.services.base import Result, Session, created, set_co_units


def _choice(field: str, value: str | None, choices: dict, default: str | None = None) -> str:
    value = (value or default or "").strip().lower()
    if value not in choices:
        raise InvalidInput(field, _("must be one of: {choices}").format(choices=", ".join(choices)))
    return value


def decision_add(
    session: Session,
    title: str,
    *,
    source: str,
    decided_on: str,
    source_ref: str = "",
    leader: str = "",
    summary: str = "",
    priority: str = "normal",
) -> Result:
    db = session.db
    title = text.required(_("title"), title)
    source = _choice(_("source"), source, lifecycle.SOURCES)
    day = dates.parse(_("date"), decided_on)
    source_ref = text.optional(_("reference"), source_ref, text.NAME_MAX, multiline=False)
    leader = text.optional(_("leader"), leader, text.NAME_MAX, multiline=False)
    summary = text.optional(_("summary"), summary)
    priority = _choice(_("priority"), priority, lifecycle.PRIORITIES, "normal")
    with store.transaction(db):
        roles.check(db, session.login, "decision.add")
        year = day.year
        seq = db.conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM decisions WHERE year = ?", (year,)).fetchone()[0]
        ref = f"{year}-{seq:03d}"
        values = {
            "ref": ref, "year": year, "seq": seq, "title": title, "source": source, "source_ref": source_ref,
            "decided_on": day.isoformat(), "leader": leader, "summary": summary, "priority": priority,
            "created_at": clock.stamp(), "created_by": session.login,
        }
        decision_id = db["decisions"].insert(values).last_pk
        log_seq = journal.append(
            db, actor=session.login, action="decision.add", decision_id=decision_id, detail=title,
            changes=created("decision", decision_id, {k: values[k] for k in ("ref", "title", "source", "decided_on", "source_ref", "leader", "priority")}),
        )
    return Result(_("decision {ref} registered").format(ref=ref), seq=log_seq, ref=ref, data={"id": decision_id})


def objective_add(
    session: Session,
    decision: str | int,
    title: str,
    *,
    lead: str | int,
    deadline: str,
    co: list[str | int] | tuple = (),
    parent: str | int | None = None,
    detail: str = "",
    priority: str = "normal",
) -> Result:
    db = session.db
    title = text.required(_("title"), title)
    detail = text.optional(_("detail"), detail)
    due = dates.parse(_("deadline"), deadline)
    priority = _choice(_("priority"), priority, lifecycle.PRIORITIES, "normal")
    with store.transaction(db):
        roles.check(db, session.login, "objective.add")
        dec = refs.decision(db, decision)
        lead_id = refs.unit(db, lead, _("lead unit"))["id"]
        co_ids = []
        for name in co:
            unit_id = refs.unit(db, name, _("co-unit"))["id"]
            if unit_id == lead_id:
                raise InvalidInput(_("co-unit"), _("the lead unit cannot also be a co-unit"))
            co_ids.append(unit_id)
        if due.isoformat() < dec["decided_on"]:
            raise InvalidInput(
                _("deadline"),
                _("{deadline} is before the decision's date {date}").format(deadline=due.isoformat(), date=dec["decided_on"]),
            )
        parent_row = None
        if parent not in (None, ""):
            parent_row = refs.objective(db, parent, _("parent"))
            if parent_row["decision_id"] != dec["id"]:
                raise InvalidInput(_("parent"), _("{ref} belongs to another decision").format(ref=parent_row["ref"]))
            if parent_row["status"] in lifecycle.ENDED:
                raise Refused(
                    _("parent: {ref} is {status}; reopen it before splitting it").format(
                        ref=parent_row["ref"], status=lifecycle.status_label(parent_row["status"])
                    )
                )
            if due.isoformat() > parent_row["deadline"]:
                raise InvalidInput(
                    _("deadline"),
                    _("{deadline} is after the parent objective's deadline {parent}").format(
                        deadline=due.isoformat(), parent=parent_row["deadline"]
                    ),
                )
        if parent_row:
            num = db.conn.execute(
                "SELECT coalesce(max(num), 0) + 1 FROM objectives WHERE parent_id = ?", (parent_row["id"],)
            ).fetchone()[0]
            ref = f"{parent_row['ref']}.{num}"
            sort_key = f"{parent_row['sort_key']}.{num:04d}"
        else:
            num = db.conn.execute(
                "SELECT coalesce(max(num), 0) + 1 FROM objectives WHERE decision_id = ? AND parent_id IS NULL", (dec["id"],)
            ).fetchone()[0]
            ref = f"{dec['ref']}.{num}"
            sort_key = f"{dec['year']}-{dec['seq']:06d}.{num:04d}"
        now = clock.stamp()
        values = {
            "ref": ref, "sort_key": sort_key, "decision_id": dec["id"], "parent_id": parent_row["id"] if parent_row else None,
            "num": num, "title": title, "detail": detail, "lead_unit_id": lead_id, "priority": priority,
            "deadline": due.isoformat(), "original_deadline": due.isoformat(), "status": lifecycle.REGISTERED,
            "percent": 0, "urge_count": 0, "urges_unanswered": 0, "created_at": now, "updated_at": now, "version": 1,
        }
        objective_id = db["objectives"].insert(values).last_pk
        set_co_units(db, objective_id, co_ids)
        changes = {k: [None, values[k]] for k in ("ref", "title", "lead_unit_id", "deadline", "status", "priority")}
        if co_ids:
            changes["co_unit_ids"] = [None, sorted(co_ids)]
        if detail:
            changes["detail"] = [None, detail]
        seq = journal.append(
            db, actor=session.login, action="objective.add", objective_id=objective_id, decision_id=dec["id"],
            detail=title, changes=changes,
        )
    return Result(_("objective {ref} registered").format(ref=ref), seq=seq, ref=ref, data={"id": objective_id})
