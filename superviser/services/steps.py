"""The steps on an objective, one function each (DOMAIN.md, "Lifecycle").

Every function checks its values against the step's declared fields
(superviser/actions.py) before touching the database, then runs inside
``objective_step``: one transaction that re-reads the objective, refuses a stale
version, asks ``actions.require`` (role, state, unit, the step's own conditions),
writes through ``Changes`` and logs. ``changes`` lets a composite step (the daily
review, a bulk urge) run several steps in its one transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from superviser import clock, lifecycle, refs
from superviser.changes import Changes
from superviser.errors import InvalidInput, Refused
from superviser.i18n import N_, _, separated
from superviser.lifecycle import ASSIGNED, CANCELLED, CLOSED, IN_PROGRESS, RETURNED, SUBMITTED, SUSPENDED, VERIFIED
from superviser.services.base import Result, Session, co_unit_ids, objective_step, pending_extension, validate

if TYPE_CHECKING:
    from superviser.delivery import outbox


def _done(step, message: str, queued: outbox.Queued | None = None) -> Result:
    """The step's confirmation; for a step that notifies units, what was queued for whom (or
    that nothing could reach them), in so many words."""
    if queued is not None:
        message = _("; ").join([message, queued.message()]) if queued.message() else message
    return Result(message, seq=step.seq, ref=step.ref, objective=step.objective)


def _notify(step, action: str, **what) -> outbox.Queued:
    """Queue the notices this step sends the units (the delivery is loaded by the steps that send)."""
    from superviser.delivery import outbox

    return outbox.on_log(step, action, **what)


def _today() -> str:
    return clock.today().isoformat()


def _unit_id(session: Session, name: str, field: str, label: str) -> int:
    return refs.active_unit(session.db, name, field, label)["id"]


def assign(session: Session, ref, *, lead=None, co=None, note="", expected_version=None,
           changes: Changes | None = None) -> Result:
    """Hand a registered (or returned) objective to its units."""
    v = validate("assign", lead=lead, co=co, note=note)
    with objective_step(session, "assign", ref, expected_version, changes) as step:
        lead_id = _unit_id(session, v["lead"], "lead", N_("lead unit")) if v["lead"] else step.objective["lead_unit_id"]
        step.set(lead_unit_id=lead_id, status=ASSIGNED, active_since=_today(), urges_unanswered=0)
        if co is not None:
            step.set_co_units([_unit_id(session, name, "co", N_("co-unit")) for name in v["co"]])
        elif lead_id != step.objective["lead_unit_id"]:
            step.set_co_units(co_unit_ids(session.db, step.id))
        step.log(v["note"])
    return _done(step, _("{ref} assigned to {unit}").format(ref=step.ref, unit=refs.unit_name(session.db, lead_id)))


def accept(session: Session, ref, *, note="", expected_version=None, changes: Changes | None = None) -> Result:
    v = validate("accept", note=note)
    with objective_step(session, "accept", ref, expected_version, changes) as step:
        step.set(status=lifecycle.ACCEPTED, active_since=_today())
        step.log(v["note"])
    return _done(step, _("{ref} accepted").format(ref=step.ref))


def return_(session: Session, ref, *, reason="", expected_version=None, changes: Changes | None = None) -> Result:
    """The lead unit sends the objective back: not its remit."""
    v = validate("return", reason=reason)
    with objective_step(session, "return", ref, expected_version, changes) as step:
        step.set(status=RETURNED)
        step.log(v["reason"])
    return _done(step, _("{ref} returned to the office").format(ref=step.ref))


def transfer(session: Session, ref, *, to=None, reason="", co=None, expected_version=None,
             changes: Changes | None = None) -> Result:
    """Hand the objective to another lead unit; the old lead stays in the history."""
    v = validate("transfer", to=to, reason=reason, co=co)
    with objective_step(session, "transfer", ref, expected_version, changes) as step:
        new_lead = _unit_id(session, v["to"], "to", N_("new lead unit"))
        if new_lead == step.objective["lead_unit_id"]:
            raise InvalidInput("to", _("{unit} is already the lead unit").format(
                unit=refs.unit_name(session.db, new_lead)), N_("new lead unit"))
        step.set(lead_unit_id=new_lead, status=ASSIGNED, active_since=_today(), urges_unanswered=0)
        wanted = ([_unit_id(session, name, "co", N_("co-unit")) for name in v["co"]] if co is not None
                  else co_unit_ids(session.db, step.id))
        step.set_co_units(wanted)
        step.log(v["reason"])
    return _done(step, _("{ref} transferred to {unit}").format(ref=step.ref, unit=refs.unit_name(session.db, new_lead)))


def _reporting_unit(step) -> int:
    actor = step.actor
    if actor["role"] == "liaison" and actor["unit_id"]:
        return actor["unit_id"]
    return step.objective["lead_unit_id"]


def _insert_report(step, percent: int, body: str, next_step="", problems="", help_needed="") -> int:
    return step.changes.insert("reports", {
        "objective_id": step.id, "at": clock.stamp(), "on_date": _today(), "author": step.session.login,
        "unit_id": _reporting_unit(step), "percent": percent, "text": body, "next_step": next_step,
        "problems": problems, "help_needed": help_needed,
    })


def progress(session: Session, ref, *, percent=None, text="", next_step="", problems="", help_needed="",
             expected_version=None, changes: Changes | None = None) -> Result:
    """A unit's progress report: percent done, what was done, next step, problems, help needed."""
    v = validate("progress", percent=percent, text=text, next_step=next_step, problems=problems,
                 help_needed=help_needed)
    with objective_step(session, "progress", ref, expected_version, changes) as step:
        _insert_report(step, v["percent"], v["text"], v["next_step"], v["problems"], v["help_needed"])
        step.set(status=IN_PROGRESS, percent=v["percent"], last_report_on=_today(), urges_unanswered=0)
        step.log(v["text"])
    return _done(step, _("{ref}: progress {percent}% reported").format(ref=step.ref, percent=v["percent"]))


def urge(session: Session, ref, *, text="", expected_version=None, changes: Changes | None = None) -> Result:
    """Chase the lead unit; each urge escalates: reminder, urge notice, supervision notice."""
    v = validate("urge", text=text)
    with objective_step(session, "urge", ref, expected_version, changes) as step:
        count = step.objective["urge_count"] + 1
        step.set(urge_count=count, urges_unanswered=step.objective["urges_unanswered"] + 1)
        queued = _notify(step, "urge", text=v["text"], level=count)
        step.log(v["text"])
    return _done(step, _("{ref}: {level} recorded (urge {n})").format(
        ref=step.ref, level=lifecycle.urge_level(count), n=count), queued)


def inspect(session: Session, ref, *, finding="", verdict=None, method="document", expected_version=None,
            changes: Changes | None = None) -> Result:
    """The office checks on the spot or by document and records what it found."""
    v = validate("inspect", finding=finding, verdict=verdict, method=method)
    with objective_step(session, "inspect", ref, expected_version, changes) as step:
        step.changes.insert("inspections", {
            "objective_id": step.id, "at": clock.stamp(), "inspector": session.login, "method": v["method"],
            "finding": v["finding"], "verdict": v["verdict"]})
        step.log(v["finding"])
    return _done(step, _("{ref}: inspection recorded ({verdict})").format(
        ref=step.ref, verdict=_(lifecycle.VERDICTS[v["verdict"]])))


def extend_request(session: Session, ref, *, to=None, reason="", expected_version=None,
                   changes: Changes | None = None) -> Result:
    """Ask for a later deadline, before the current one passes."""
    v = validate("extend.request", to=to, reason=reason)
    new_deadline = v["to"].isoformat()
    with objective_step(session, "extend.request", ref, expected_version, changes) as step:
        deadline = step.objective["deadline"]
        if new_deadline <= deadline:
            raise InvalidInput("to", _("{date} is not later than the current deadline {deadline}").format(
                date=new_deadline, deadline=deadline), N_("new deadline"))
        step.changes.insert("extensions", {
            "objective_id": step.id, "requested_at": clock.stamp(), "requested_by": session.login,
            "from_deadline": deadline, "to_deadline": new_deadline, "reason": v["reason"], "status": "pending"})
        step.log(v["reason"])
    return _done(step, _("{ref}: extension to {date} requested").format(ref=step.ref, date=new_deadline))


def _decide_extension(session: Session, ref, action: str, note: str, expected_version, changes, to=None):
    with objective_step(session, action, ref, expected_version, changes) as step:
        extension = pending_extension(session.db, step.id)
        assert extension is not None  # refusal() requires one waiting
        status = "approved" if action == "extend.approve" else "rejected"
        step.changes.update("extensions", extension["id"], {
            "status": status, "decided_at": clock.stamp(), "decided_by": session.login, "decision_note": note})
        new_deadline = None
        if status == "approved":
            new_deadline = to or extension["to_deadline"]
            if new_deadline <= step.objective["deadline"]:
                raise InvalidInput("to", _("{date} is not later than the current deadline {deadline}").format(
                    date=new_deadline, deadline=step.objective["deadline"]), N_("new deadline"))
            step.set(deadline=new_deadline)
        queued = _notify(step, action, text=note)
        step.log(note)
    return step, new_deadline, queued


def extend_approve(session: Session, ref, *, note="", to=None, expected_version=None,
                   changes: Changes | None = None) -> Result:
    """Approve the waiting request; the deadline moves, the original deadline stays."""
    v = validate("extend.approve", note=note, to=to)
    to_date = v["to"].isoformat() if v["to"] else None
    step, new_deadline, queued = _decide_extension(session, ref, "extend.approve", v["note"], expected_version, changes,
                                                   to_date)
    return _done(step, _("{ref}: extension approved, deadline now {date}").format(ref=step.ref, date=new_deadline),
                 queued)


def extend_reject(session: Session, ref, *, reason="", expected_version=None, changes: Changes | None = None) -> Result:
    v = validate("extend.reject", reason=reason)
    step, _unused, queued = _decide_extension(session, ref, "extend.reject", v["reason"], expected_version, changes)
    return _done(step, _("{ref}: extension rejected").format(ref=step.ref), queued)


def complete(session: Session, ref, *, text="", expected_version=None, changes: Changes | None = None) -> Result:
    """The lead unit says it is done; the office verifies or sends it back."""
    v = validate("complete", text=text)
    with objective_step(session, "complete", ref, expected_version, changes) as step:
        _insert_report(step, 100, v["text"])
        step.set(status=SUBMITTED, percent=100, submitted_on=_today(), last_report_on=_today(), urges_unanswered=0)
        step.log(v["text"])
    return _done(step, _("{ref}: completion submitted for verification").format(ref=step.ref))


def _open_children(db, objective_id: int) -> list[str]:
    return [r[0] for r in db.conn.execute(
        "SELECT ref FROM objectives WHERE parent_id = ? AND status NOT IN ('closed', 'cancelled') ORDER BY sort_key",
        (objective_id,))]


def verify(session: Session, ref, *, note="", expected_version=None, changes: Changes | None = None) -> Result:
    """Accept a completion. The director's verification closes the objective; a
    supervisor's marks it verified for the director to close."""
    v = validate("verify", note=note)
    with objective_step(session, "verify", ref, expected_version, changes) as step:
        children = _open_children(session.db, step.id)
        if children:
            raise Refused(_("{ref}: its sub-objectives {children} are not closed yet").format(
                ref=step.ref, children=separated(children)))
        if step.actor["role"] == "director":
            step.set(status=CLOSED, closed_on=_today(), light_override=None, light_override_reason=None)
            message = _("{ref} verified and closed")
        else:
            step.set(status=VERIFIED)
            message = _("{ref} verified; waiting for the director to close it")
        step.log(v["note"])
    return _done(step, message.format(ref=step.ref))


def sendback(session: Session, ref, *, reason="", expected_version=None, changes: Changes | None = None) -> Result:
    """Reject a completion: back to in progress for rework."""
    v = validate("sendback", reason=reason)
    with objective_step(session, "sendback", ref, expected_version, changes) as step:
        step.set(status=IN_PROGRESS, submitted_on=None)
        queued = _notify(step, "sendback", text=v["reason"])
        step.log(v["reason"])
    return _done(step, _("{ref} sent back for rework").format(ref=step.ref), queued)


def suspend(session: Session, ref, *, reason="", expected_version=None, changes: Changes | None = None) -> Result:
    v = validate("suspend", reason=reason)
    with objective_step(session, "suspend", ref, expected_version, changes) as step:
        step.set(status=SUSPENDED, status_before=step.objective["status"])
        step.log(v["reason"])
    return _done(step, _("{ref} suspended").format(ref=step.ref))


def cancel(session: Session, ref, *, reason="", expected_version=None, changes: Changes | None = None) -> Result:
    v = validate("cancel", reason=reason)
    with objective_step(session, "cancel", ref, expected_version, changes) as step:
        before = step.objective["status"]
        step.set(status=CANCELLED, status_before=step.objective["status_before"] if before == SUSPENDED else before)
        step.log(v["reason"])
    return _done(step, _("{ref} cancelled").format(ref=step.ref))


def reopen(session: Session, ref, *, reason="", expected_version=None, changes: Changes | None = None) -> Result:
    """Bring back a closed objective (to in progress) or a suspended or cancelled one (to where it was)."""
    v = validate("reopen", reason=reason)
    with objective_step(session, "reopen", ref, expected_version, changes) as step:
        if step.objective["status"] == CLOSED:
            step.set(status=IN_PROGRESS, closed_on=None, submitted_on=None, active_since=_today())
        else:
            step.set(status=step.objective["status_before"] or ASSIGNED, status_before=None, active_since=_today())
        step.log(v["reason"])
    return _done(step, _("{ref} reopened ({status})").format(
        ref=step.ref, status=lifecycle.status_label(step.objective["status"])))


def note(session: Session, ref, *, text="", expected_version=None, changes: Changes | None = None) -> Result:
    v = validate("note", text=text)
    with objective_step(session, "note", ref, expected_version, changes) as step:
        step.log(v["text"])
    return _done(step, _("{ref}: note added").format(ref=step.ref))


def light(session: Session, ref, *, colour=None, reason="", expected_version=None, changes: Changes | None = None) -> Result:
    """Override the computed light with a reason, or clear the override (``colour="clear"``)."""
    v = validate("light", colour=colour, reason=reason)
    colour = None if v["colour"] == "clear" else v["colour"]
    if colour is not None and not v["reason"]:
        raise InvalidInput("reason", _("is required to set a light (clearing the override needs none)"), N_("reason"))
    with objective_step(session, "light", ref, expected_version, changes) as step:
        if colour is None and step.objective["light_override"] is None:
            raise Refused(_("{ref}: its light is not overridden").format(ref=step.ref))
        step.set(light_override=colour, light_override_reason=v["reason"] if colour else None)
        step.log(v["reason"])
    if colour is None:
        return _done(step, _("{ref}: light override cleared").format(ref=step.ref))
    from superviser.lights import label

    return _done(step, _("{ref}: light set to {light}").format(ref=step.ref, light=label(colour)))
