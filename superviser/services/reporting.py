"""Setting an objective's reporting rhythm and its milestones (superviser/rhythm.py)."""

from __future__ import annotations

from superviser import clock
from superviser import rhythm as rhythms
from superviser.changes import Changes
from superviser.errors import InvalidInput
from superviser.i18n import N_, _
from superviser.services.base import Result, Session, objective_step, validate


def rhythm(session: Session, ref, *, rhythm=None, milestones=None, expected_version=None,
           changes: Changes | None = None) -> Result:
    """Weekly, monthly, by stage (with milestones) or none. The milestones given replace
    those not yet reported on; those reported on stay, as the record of what was met."""
    v = validate("rhythm", rhythm=rhythm, milestones=milestones)
    chosen = None if v["rhythm"] == "none" else v["rhythm"]
    if chosen == rhythms.STAGES and not v["milestones"]:
        raise InvalidInput("milestones", _("a rhythm by stage needs at least one milestone"), N_("milestones"))
    if chosen != rhythms.STAGES and v["milestones"]:
        raise InvalidInput("milestones", _("milestones go with a rhythm by stage"), N_("milestones"))
    with objective_step(session, "rhythm", ref, expected_version, changes) as step:
        deadline = step.objective["deadline"]
        for day, _what in v["milestones"]:
            if day.isoformat() > deadline:
                raise InvalidInput("milestones", _("{date} is after the deadline {deadline}").format(
                    date=day.isoformat(), deadline=deadline), N_("milestones"))
        current = {(m["due_on"], m["title"]): m for m in rhythms.milestones(session.db, step.id)}
        wanted = {(day.isoformat(), what) for day, what in v["milestones"]}
        for key, milestone in current.items():
            if not milestone["reported_on"] and key not in wanted:
                step.changes.delete("milestones", milestone["id"])
        for due_on, what in sorted(wanted - current.keys()):
            step.changes.insert("milestones", {"objective_id": step.id, "due_on": due_on, "title": what,
                                               "created_at": clock.stamp()})
        if chosen != step.objective["report_rhythm"]:
            step.set(report_rhythm=chosen)
        if not step.fields and not step.changes.pending:
            raise InvalidInput("rhythm", _("nothing to change"), N_("rhythm"))
        step.log()
    due = step.objective.get("next_report_due")
    if chosen is None:
        message = _("{ref}: reports follow the general rule again").format(ref=step.ref)
    elif due:
        message = _("{ref}: reports {rhythm}, the next by {date}").format(
            ref=step.ref, rhythm=rhythms.label(chosen), date=due)
    else:
        message = _("{ref}: reports {rhythm}").format(ref=step.ref, rhythm=rhythms.label(chosen))
    return Result(message, seq=step.seq, ref=step.ref, objective=step.objective)
