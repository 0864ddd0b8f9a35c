"""The steps on an objective, one function each (DOMAIN.md, "Lifecycle").

Every function validates its text and dates before touching the database, then
runs inside ``objective_step``: one transaction that re-reads the objective,
refuses a stale version, checks the role and the lifecycle, writes, and logs.
"""

from __future__ import annotations

from superviser import clock, dates, lifecycle, refs, roles, text
from superviser.errors import InvalidInput, Refused
from superviser.i18n import _
from superviser.lights import GREEN, RED, YELLOW
from superviser.lifecycle import (
    ACCEPTED, ASSIGNED, CLOSED, IN_PROGRESS, RETURNED, SUBMITTED, SUSPENDED, CANCELLED, VERIFIED,
)
from superviser.services.base import Result, Session, co_unit_ids, objective_step, set_co_units


def _done(step, message: str) -> Result:
    return Result(message, seq=step.seq, ref=step.ref, objective=step.objective)


def _today() -> str:
    return clock.today().isoformat()


def _reason(value: str, field: str | None = None) -> str:
    return text.required(field or _("reason"), value, text.TEXT_MAX, multiline=True)


def _units(session: Session, names, field: str) -> list[int]:
    return [refs.unit(session.db, name, field)["id"] for name in names]


def _replace_co_units(step, co_ids: list[int], lead_id: int) -> None:
    co_ids = sorted(set(co_ids) - {lead_id})
    before = co_unit_ids(step.db, step.id)
    if co_ids != before:
        set_co_units(step.db, step.id, co_ids)
        step.change("co_unit_ids", before, co_ids)


def assign(session: Session, ref, *, lead=None, co=None, note: str = "", expected_version=None) -> Result:
    """Hand a registered (or returned) objective to its units."""
    note = text.optional(_("note"), note)
    with objective_step(session, "assign", ref, expected_version) as step:
        lead_id = refs.unit(session.db, lead, _("lead unit"))["id"] if lead not in (None, "") else step.objective["lead_unit_id"]
        step.set(lead_unit_id=lead_id, status=ASSIGNED, active_since=_today(), urges_unanswered=0)
        if co is not None:
            _replace_co_units(step, _units(session, co, _("co-unit")), lead_id)
        elif lead_id != step.objective["lead_unit_id"]:
            _replace_co_units(step, co_unit_ids(session.db, step.id), lead_id)
        step.log(note)
    return _done(step, _("{ref} assigned to {unit}").format(ref=step.ref, unit=refs.unit_name(session.db, lead_id)))


def accept(session: Session, ref, *, note: str = "", expected_version=None) -> Result:
    note = text.optional(_("note"), note)
    with objective_step(session, "accept", ref, expected_version) as step:
        step.set(status=ACCEPTED, active_since=_today())
        step.log(note)
    return _done(step, _("{ref} accepted").format(ref=step.ref))


def return_(session: Session, ref, *, reason: str, expected_version=None) -> Result:
    """The lead unit sends the objective back: not its remit."""
    reason = _reason(reason)
    with objective_step(session, "return", ref, expected_version) as step:
        step.set(status=RETURNED)
        step.log(reason)
    return _done(step, _("{ref} returned to the office").format(ref=step.ref))


def transfer(session: Session, ref, *, to, reason: str, co=None, expected_version=None) -> Result:
    """Hand the objective to another lead unit; the old lead stays in the history."""
    reason = _reason(reason)
    with objective_step(session, "transfer", ref, expected_version) as step:
        new_lead = refs.unit(session.db, to, _("to"))["id"]
        if new_lead == step.objective["lead_unit_id"]:
            raise InvalidInput(_("to"), _("{unit} is already the lead unit").format(unit=refs.unit_name(session.db, new_lead)))
        step.set(lead_unit_id=new_lead, status=ASSIGNED, active_since=_today(), urges_unanswered=0)
        co_ids = _units(session, co, _("co-unit")) if co is not None else co_unit_ids(session.db, step.id)
        _replace_co_units(step, co_ids, new_lead)
        step.log(reason)
    return _done(step, _("{ref} transferred to {unit}").format(ref=step.ref, unit=refs.unit_name(session.db, new_lead)))


def _percent(value) -> int:
    try:
        percent = int(str(value).strip().rstrip("%"))
    except (TypeError, ValueError):
        raise InvalidInput(_("percent"), _("must be a whole number from 0 to 100")) from None
    if not 0 <= percent <= 100:
        raise InvalidInput(_("percent"), _("must be a whole number from 0 to 100"))
    return percent


def _reporting_unit(session: Session, step) -> int:
    actor = step.actor
    if actor["role"] == roles.LIAISON and actor["unit_id"]:
        return actor["unit_id"]
    return step.objective["lead_unit_id"]


def _insert_report(step, session: Session, percent: int, body: str, next_step="", problems="", help_needed="") -> int:
    report_id = step.db.conn.execute(
        "INSERT INTO reports (objective_id, at, on_date, author, unit_id, percent, text, next_step, problems, help_needed) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (step.id, clock.stamp(), _today(), session.login, _reporting_unit(session, step), percent, body, next_step, problems, help_needed),
    ).lastrowid
    step.change(f"report#{report_id}", None, "created")
    return report_id


def progress(
    session: Session, ref, *, percent, text_: str, next_step: str = "", problems: str = "", help_needed: str = "",
    expected_version=None,
) -> Result:
    """A unit's progress report: percent done, what was done, next step, problems, help needed."""
    percent = _percent(percent)
    body = text.required(_("text"), text_, text.TEXT_MAX, multiline=True)
    next_step = text.optional(_("next step"), next_step)
    problems = text.optional(_("problems"), problems)
    help_needed = text.optional(_("help needed"), help_needed)
    with objective_step(session, "progress", ref, expected_version) as step:
        _insert_report(step, session, percent, body, next_step, problems, help_needed)
        step.set(status=IN_PROGRESS, percent=percent, last_report_on=_today(), urges_unanswered=0)
        step.log(body)
    return _done(step, _("{ref}: progress {percent}% reported").format(ref=step.ref, percent=percent))


def urge(session: Session, ref, *, text_: str = "", expected_version=None) -> Result:
    """Chase the lead unit; each urge escalates: reminder, urge notice, supervision notice."""
    body = text.optional(_("text"), text_)
    with objective_step(session, "urge", ref, expected_version) as step:
        count = step.objective["urge_count"] + 1
        step.set(urge_count=count, urges_unanswered=step.objective["urges_unanswered"] + 1)
        step.log(body)
    return _done(step, _("{ref}: {level} sent (urge {n})").format(ref=step.ref, level=lifecycle.urge_level(count), n=count))


def inspect(session: Session, ref, *, finding: str, verdict: str, method: str = "document", expected_version=None) -> Result:
    """The office checks on the spot or by document and records what it found."""
    finding = text.required(_("finding"), finding, text.TEXT_MAX, multiline=True)
    verdict = (verdict or "").strip().lower()
    if verdict not in lifecycle.VERDICTS:
        raise InvalidInput(_("verdict"), _("must be one of: {choices}").format(choices=", ".join(lifecycle.VERDICTS)))
    method = (method or "document").strip().lower()
    if method not in lifecycle.METHODS:
        raise InvalidInput(_("method"), _("must be one of: {choices}").format(choices=", ".join(lifecycle.METHODS)))
    with objective_step(session, "inspect", ref, expected_version) as step:
        inspection_id = session.db.conn.execute(
            "INSERT INTO inspections (objective_id, at, inspector, method, finding, verdict) VALUES (?, ?, ?, ?, ?, ?)",
            (step.id, clock.stamp(), session.login, method, finding, verdict),
        ).lastrowid
        step.change(f"inspection#{inspection_id}", None, "created")
        step.change(f"inspection#{inspection_id}.verdict", None, verdict)
        step.log(finding)
    return _done(step, _("{ref}: inspection recorded ({verdict})").format(ref=step.ref, verdict=_(lifecycle.VERDICTS[verdict])))


def pending_extension(db, objective_id: int) -> dict | None:
    cursor = db.conn.execute(
        "SELECT * FROM extensions WHERE objective_id = ? AND status = 'pending' AND withdrawn_seq IS NULL "
        "ORDER BY id DESC LIMIT 1",
        (objective_id,),
    )
    row = cursor.fetchone()
    return {d[0]: v for d, v in zip(cursor.description, row)} if row else None


def extend_request(session: Session, ref, *, to, reason: str, expected_version=None) -> Result:
    """Ask for a later deadline, before the current one passes."""
    new_deadline = dates.parse(_("to"), to).isoformat()
    reason = _reason(reason)
    with objective_step(session, "extend.request", ref, expected_version) as step:
        deadline = step.objective["deadline"]
        if _today() > deadline:
            raise Refused(
                _("{ref}: the deadline {deadline} has passed; an extension must be requested before it").format(
                    ref=step.ref, deadline=deadline
                )
            )
        if new_deadline <= deadline:
            raise InvalidInput(_("to"), _("{date} is not later than the current deadline {deadline}").format(date=new_deadline, deadline=deadline))
        if pending_extension(session.db, step.id):
            raise Refused(_("{ref}: an extension request is already waiting for a decision").format(ref=step.ref))
        extension_id = session.db.conn.execute(
            "INSERT INTO extensions (objective_id, requested_at, requested_by, from_deadline, to_deadline, reason, status) "
            "VALUES (?, ?, ?, ?, ?, ?, 'pending')",
            (step.id, clock.stamp(), session.login, deadline, new_deadline, reason),
        ).lastrowid
        step.change(f"extension#{extension_id}", None, "created")
        step.change(f"extension#{extension_id}.to_deadline", None, new_deadline)
        step.log(reason)
    return _done(step, _("{ref}: extension to {date} requested").format(ref=step.ref, date=new_deadline))


def _decide_extension(session: Session, ref, action: str, note: str, expected_version, to=None):
    with objective_step(session, action, ref, expected_version) as step:
        extension = pending_extension(session.db, step.id)
        if extension is None:
            raise Refused(_("{ref}: no extension request is waiting").format(ref=step.ref))
        status = "approved" if action == "extend.approve" else "rejected"
        decided_at = clock.stamp()
        session.db.conn.execute(
            "UPDATE extensions SET status = ?, decided_at = ?, decided_by = ?, decision_note = ? WHERE id = ?",
            (status, decided_at, session.login, note, extension["id"]),
        )
        key = f"extension#{extension['id']}"
        step.change(f"{key}.status", "pending", status)
        step.change(f"{key}.decided_at", None, decided_at)
        step.change(f"{key}.decided_by", None, session.login)
        if note:
            step.change(f"{key}.decision_note", None, note)
        new_deadline = None
        if status == "approved":
            new_deadline = to or extension["to_deadline"]
            if new_deadline <= step.objective["deadline"]:
                raise InvalidInput(_("to"), _("{date} is not later than the current deadline {deadline}").format(date=new_deadline, deadline=step.objective["deadline"]))
            step.set(deadline=new_deadline)
        step.log(note)
    return step, new_deadline


def extend_approve(session: Session, ref, *, note: str = "", to=None, expected_version=None) -> Result:
    """Approve the waiting request; the deadline moves, the original deadline stays."""
    note = text.optional(_("note"), note)
    to = dates.parse(_("to"), to).isoformat() if to else None
    step, new_deadline = _decide_extension(session, ref, "extend.approve", note, expected_version, to)
    return _done(step, _("{ref}: extension approved, deadline now {date}").format(ref=step.ref, date=new_deadline))


def extend_reject(session: Session, ref, *, reason: str, expected_version=None) -> Result:
    reason = _reason(reason)
    step, _unused = _decide_extension(session, ref, "extend.reject", reason, expected_version)
    return _done(step, _("{ref}: extension rejected").format(ref=step.ref))


def complete(session: Session, ref, *, text_: str, expected_version=None) -> Result:
    """The lead unit says it is done; the office verifies or sends it back."""
    body = text.required(_("text"), text_, text.TEXT_MAX, multiline=True)
    with objective_step(session, "complete", ref, expected_version) as step:
        _insert_report(step, session, 100, body)
        step.set(status=SUBMITTED, percent=100, submitted_on=_today(), last_report_on=_today(), urges_unanswered=0)
        step.log(body)
    return _done(step, _("{ref}: completion submitted for verification").format(ref=step.ref))


def _open_children(db, objective_id: int) -> list[str]:
    return [
        r[0]
        for r in db.conn.execute(
            "SELECT ref FROM objectives WHERE parent_id = ? AND status NOT IN ('closed', 'cancelled') ORDER BY sort_key",
            (objective_id,),
        )
    ]


def verify(session: Session, ref, *, note: str = "", expected_version=None) -> Result:
    """Accept a completion. The director's verification closes the objective; a
    supervisor's marks it verified for the director to close."""
    note = text.optional(_("note"), note)
    with objective_step(session, "verify", ref, expected_version) as step:
        children = _open_children(session.db, step.id)
        if children:
            raise Refused(
                _("{ref}: its sub-objectives {children} are not closed yet").format(ref=step.ref, children=", ".join(children))
            )
        if step.actor["role"] == roles.DIRECTOR:
            step.set(status=CLOSED, closed_on=_today(), light_override=None, light_override_reason=None)
            message = _("{ref} verified and closed")
        elif step.objective["status"] == VERIFIED:
            raise Refused(_("{ref}: already verified; the director closes it").format(ref=step.ref))
        else:
            step.set(status=VERIFIED)
            message = _("{ref} verified; waiting for the director to close it")
        step.log(note)
    return _done(step, message.format(ref=step.ref))


def sendback(session: Session, ref, *, reason: str, expected_version=None) -> Result:
    """Reject a completion: back to in progress for rework."""
    reason = _reason(reason)
    with objective_step(session, "sendback", ref, expected_version) as step:
        step.set(status=IN_PROGRESS, submitted_on=None)
        step.log(reason)
    return _done(step, _("{ref} sent back for rework").format(ref=step.ref))


def suspend(session: Session, ref, *, reason: str, expected_version=None) -> Result:
    reason = _reason(reason)
    with objective_step(session, "suspend", ref, expected_version) as step:
        step.set(status=SUSPENDED, status_before=step.objective["status"])
        step.log(reason)
    return _done(step, _("{ref} suspended").format(ref=step.ref))


def cancel(session: Session, ref, *, reason: str, expected_version=None) -> Result:
    reason = _reason(reason)
    with objective_step(session, "cancel", ref, expected_version) as step:
        before = step.objective["status"]
        step.set(status=CANCELLED, status_before=step.objective["status_before"] if before == SUSPENDED else before)
        step.log(reason)
    return _done(step, _("{ref} cancelled").format(ref=step.ref))


def reopen(session: Session, ref, *, reason: str, expected_version=None) -> Result:
    """Bring back a closed objective (to in progress) or a suspended or cancelled
    one (to where it was)."""
    reason = _reason(reason)
    with objective_step(session, "reopen", ref, expected_version) as step:
        if step.objective["status"] == CLOSED:
            step.set(status=IN_PROGRESS, closed_on=None, submitted_on=None, active_since=_today())
        else:
            step.set(status=step.objective["status_before"] or ASSIGNED, status_before=None, active_since=_today())
        step.log(reason)
    return _done(
        step, _("{ref} reopened ({status})").format(ref=step.ref, status=lifecycle.status_label(step.objective["status"]))
    )


def note(session: Session, ref, *, text_: str, expected_version=None) -> Result:
    body = text.required(_("text"), text_, text.TEXT_MAX, multiline=True)
    with objective_step(session, "note", ref, expected_version) as step:
        step.log(body)
    return _done(step, _("{ref}: note added").format(ref=step.ref))


LIGHT_CHOICES = (RED, YELLOW, GREEN)


def light(session: Session, ref, *, colour: str | None, reason: str = "", expected_version=None) -> Result:
    """Override the computed light with a reason, or clear the override (``colour=None``)."""
    if colour is not None:
        colour = colour.strip().lower()
        if colour not in LIGHT_CHOICES:
            raise InvalidInput(_("light"), _("must be one of: {choices}, or clear").format(choices=", ".join(LIGHT_CHOICES)))
        reason = _reason(reason)
    else:
        reason = text.optional(_("reason"), reason)
    with objective_step(session, "light", ref, expected_version) as step:
        if colour is None and step.objective["light_override"] is None:
            raise Refused(_("{ref}: its light is not overridden").format(ref=step.ref))
        step.set(light_override=colour, light_override_reason=reason if colour else None)
        step.log(reason)
    if colour is None:
        return _done(step, _("{ref}: light override cleared").format(ref=step.ref))
    from superviser.lights import label

    return _done(step, _("{ref}: light set to {light}").format(ref=step.ref, light=label(colour)))
