"""Recurring matters: adding and changing the templates, and registering what is due
(superviser/recurring.py has the rules)."""

from __future__ import annotations

from datetime import timedelta

from superviser import clock, recurring, refs, store
from superviser.changes import Changes, write
from superviser.errors import InvalidInput, NotFound, Refused, SuperviserError
from superviser.i18n import N_, _, separated
from superviser.services.base import Result, Session, check, validate
from superviser.services.registry import insert_objective

_COLUMNS = {"title": "title", "detail": "detail", "priority": "priority", "rule": "rule", "start": "start_on",
            "days": "days", "gap": "gap", "rhythm": "report_rhythm"}


def _recurrence(db, given) -> dict:
    text = str(given).strip()
    if text.isdigit() and len(text) <= 18:
        found = store.row(db, "SELECT * FROM recurrences WHERE id = ?", (int(text),))
        if found is not None:
            return found
    raise NotFound("recurrence", _("no recurring matter {id}; see `superviser recur list`").format(id=text[:20]),
                   N_("recurring matter"))


def _check_dates(db, decision_id: int, start) -> None:
    decided = refs.decision(db, decision_id)["decided_on"]
    if start.isoformat() < decided:
        raise InvalidInput("start", _("{date} is before the decision's date {decided}").format(
            date=start.isoformat(), decided=decided), N_("first date"))


def _set_co_units(changes: Changes, recurrence_id: int, lead_id: int, names: list[str]) -> None:
    wanted = {refs.active_unit(changes.db, name, "co", N_("co-unit"))["id"] for name in names}
    if lead_id in wanted:
        raise InvalidInput("co", _("the lead unit cannot also be a co-unit"), N_("co-units"))
    current = {r[0] for r in changes.conn.execute(
        "SELECT unit_id FROM recurrence_co_units WHERE recurrence_id = ?", (recurrence_id,))}
    for unit_id in sorted(current - wanted):
        changes.delete("recurrence_co_units", (recurrence_id, unit_id))
    for unit_id in sorted(wanted - current):
        changes.insert("recurrence_co_units", {"recurrence_id": recurrence_id, "unit_id": unit_id})


def recur_add(session: Session, title=None, *, decision=None, lead=None, co=(), rule=None, start=None, days=None,
              gap=None, rhythm=None, priority="normal", detail="") -> Result:
    v = validate("recur.add", title=title, decision=decision, lead=lead, co=co, rule=rule, start=start, days=days,
                 gap=gap, rhythm=rhythm, priority=priority, detail=detail)
    with write(session) as changes:
        check(session, "recur.add")
        db = session.db
        dec = refs.decision(db, v["decision"])
        _check_dates(db, dec["id"], v["start"])
        lead_id = refs.active_unit(db, v["lead"], "lead", N_("lead unit"))["id"]
        recurrence_id = changes.insert("recurrences", {
            "title": v["title"], "detail": v["detail"], "decision_id": dec["id"], "lead_unit_id": lead_id,
            "priority": v["priority"], "rule": v["rule"], "start_on": v["start"].isoformat(), "days": v["days"],
            "gap": v["gap"], "report_rhythm": None if v["rhythm"] in (None, "none") else v["rhythm"],
            "created_at": clock.stamp(), "created_by": session.login})
        _set_co_units(changes, recurrence_id, lead_id, v["co"])
        seq = changes.log("recur.add", decision_id=dec["id"], detail=v["title"])
    return Result(_("recurring matter {id} added: {title}, the first on {date}").format(
        id=recurrence_id, title=v["title"], date=v["start"].isoformat()), seq=seq, data={"id": recurrence_id})


def recur_edit(session: Session, recurrence, *, title=None, lead=None, co=None, rule=None, start=None, days=None,
               gap=None, rhythm=None, priority=None, detail=None, active=None) -> Result:
    """Change what is given; the instances already registered stay as they are."""
    given = {"title": title, "lead": lead, "co": co, "rule": rule, "start": start, "days": days, "gap": gap,
             "rhythm": rhythm, "priority": priority, "detail": detail, "active": active}
    v = validate("recur.edit", **given)
    if title is not None and not v["title"]:
        raise InvalidInput("title", _("must not be empty"), N_("title"))
    with write(session) as changes:
        check(session, "recur.edit")
        db = session.db
        row = _recurrence(db, recurrence)
        values = {}
        for key, column in _COLUMNS.items():
            if given[key] is None or v[key] in (None, ""):
                continue
            value = v[key]
            if key == "start":
                _check_dates(db, row["decision_id"], value)
                value = value.isoformat()
            elif key == "rhythm":
                value = None if value == "none" else value
            values[column] = value
        if lead is not None:
            values["lead_unit_id"] = refs.active_unit(db, v["lead"], "lead", N_("lead unit"))["id"]
        if active is not None:
            values["active"] = 1 if v["active"] else 0
        changes.update("recurrences", row["id"], values)
        if co is not None:
            _set_co_units(changes, row["id"], values.get("lead_unit_id", row["lead_unit_id"]), v["co"])
        if not changes.pending:
            raise InvalidInput("recurrence", _("nothing to change"), N_("recurring matter"))
        seq = changes.log("recur.edit", decision_id=row["decision_id"], detail=values.get("title", row["title"]))
    return Result(_("recurring matter {id} changed").format(id=row["id"]), seq=seq)


def _register(session: Session, recurrence: dict, today) -> list[str]:
    """One template's due instances, registered and assigned in one transaction."""
    from superviser.services import steps

    made: list[str] = []
    with write(session) as changes:
        db = session.db
        due = recurring.next_dates(db, recurrence, today)  # read again inside the lock
        if not due:
            return made
        decision = refs.decision(db, recurrence["decision_id"])
        co_ids = [r[0] for r in db.conn.execute(
            "SELECT unit_id FROM recurrence_co_units WHERE recurrence_id = ? ORDER BY unit_id", (recurrence["id"],))]
        for unit_id in [recurrence["lead_unit_id"], *co_ids]:
            name, active = db.conn.execute("SELECT name, active FROM units WHERE id = ?", (unit_id,)).fetchone()
            if not active:
                raise Refused(_("{name} is deactivated").format(name=name))
        for day in due:
            created = insert_objective(
                changes, decision, recurring.instance_title(recurrence["title"], recurrence["rule"], day),
                lead_id=recurrence["lead_unit_id"], due=day + timedelta(days=recurrence["days"]), co_ids=co_ids,
                detail=recurrence["detail"], priority=recurrence["priority"],
                state={"recurrence_id": recurrence["id"], "recurrence_on": day.isoformat(),
                       "report_rhythm": recurrence["report_rhythm"]},
                note=_("recurring matter {id}: {rule}").format(id=recurrence["id"], rule=recurring.rule_text(recurrence)))
            steps.assign(session, created["ref"], changes=changes)
            made.append(created["ref"])
    return made


def recur_run(session: Session) -> Result:
    """Register every instance due by today and not registered yet; each template in its own
    transaction, so one that cannot be registered (its lead unit deactivated, say) is named
    and the others go ahead."""
    check(session, "recur.run")
    today = clock.today()
    made, problems = [], []
    for recurrence in recurring.recurrences(session.db, include_stopped=False):
        try:
            made += _register(session, recurrence, today)
        except SuperviserError as error:
            problems.append(_("recurring matter {id} ({title}): {problem}").format(
                id=recurrence["id"], title=recurrence["title"], problem=error))
    lines = [_("{n} registered: {refs}").format(n=len(made), refs=separated(made)) if made
             else _("nothing is due")] + problems
    return Result("\n".join(lines), data={"created": made, "problems": problems})
