"""Reporting rhythms: an objective may ask for reports weekly, monthly or by stage (dated
milestones) instead of following the office's general rule (``light.silent_days``).

``objectives.next_report_due`` is the day by which the next report is due. Every step on
an objective keeps it, in its own transaction (``keep_report_due``, called by
``services.base.Step.log``), so "no report for too long" is one comparison with today
(superviser/lights.py). Without a rhythm it is NULL and the general rule applies.

- weekly, monthly: a week or a month after the later of the last report and the day the
  work began (assigned, accepted, transferred or reopened);
- by stage: the earliest milestone not yet reported on. A report meets every milestone
  whose previous milestone's date has passed: the one due next, and any missed before it.
"""

from __future__ import annotations

from datetime import date, timedelta

from superviser import clock, store
from superviser.i18n import N_, _
from superviser.lights import AWAITED_SQL
from superviser.store import Database

WEEKLY, MONTHLY, STAGES = "weekly", "monthly", "stages"
RHYTHMS = {WEEKLY: N_("weekly"), MONTHLY: N_("monthly"), STAGES: N_("by stage")}
_LATE = {
    WEEKLY: N_("weekly report due by {date}, none since"),
    MONTHLY: N_("monthly report due by {date}, none since"),
    STAGES: N_("stage report due by {date}, none since"),
}


def label(rhythm: str | None) -> str:
    return _(RHYTHMS[rhythm]) if rhythm in RHYTHMS else ""


def summary(objective: dict) -> str:
    """The rhythm and when the next report is due, as the objective and the review show it."""
    if not objective["report_rhythm"]:
        return ""
    if objective["next_report_due"]:
        return _("{rhythm}, the next by {date}").format(rhythm=label(objective["report_rhythm"]),
                                                       date=objective["next_report_due"])
    return label(objective["report_rhythm"])


def late_text(objective: dict) -> str:
    """Why an objective with a rhythm of its own counts as silent."""
    late = _LATE[objective["report_rhythm"]]
    return _(late).format(date=objective["next_report_due"])


def add_months(day: date, months: int, on_day: int | None = None) -> date:
    """``day`` moved by whole months, on ``on_day`` (default: its own day), at most the month's last."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    import calendar  # on first use: a step with no rhythm does not need it

    return date(year, month, min(on_day or day.day, calendar.monthrange(year, month)[1]))


def next_due(rhythm: str | None, last_report_on: str | None, active_since: str | None,
             unmet: list[str]) -> str | None:
    """The day the next report is due (``unmet``: the dates of milestones not yet reported on)."""
    if rhythm == STAGES:
        return min(unmet) if unmet else None
    if rhythm not in (WEEKLY, MONTHLY):
        return None
    since = max((d for d in (last_report_on, active_since) if d), default=None)
    if since is None:
        return None
    day = date.fromisoformat(since)
    return (day + timedelta(days=7) if rhythm == WEEKLY else add_months(day, 1)).isoformat()


def milestones(db: Database, objective_id: int) -> list[dict]:
    return store.rows(db, "SELECT id, due_on, title, reported_on FROM milestones WHERE objective_id = ? ORDER BY due_on, id",
                      (objective_id,))


def milestones_text(rows: list[dict]) -> str:
    """The milestones not yet reported on, one a line, as the rhythm form takes them."""
    return "\n".join(f"{m['due_on']} {m['title']}" for m in rows if not m["reported_on"])


def _meet(changes, objective_id: int, today: str) -> None:
    previous = None
    for milestone in milestones(changes.db, objective_id):
        if milestone["reported_on"] is None and (previous is None or previous < today):
            changes.update("milestones", milestone["id"], {"reported_on": today})
        previous = milestone["due_on"]


def keep_report_due(step) -> None:
    """Set ``next_report_due`` as the step leaves the objective (its changes so far included);
    a report made in this step meets the milestones it is for."""
    objective = dict(step.objective, **step.fields)
    rhythm = objective.get("report_rhythm")
    if rhythm is None:
        if objective.get("next_report_due") is not None:
            step.set(next_report_due=None)
        return
    unmet: list[str] = []
    if rhythm == STAGES:
        today = clock.today().isoformat()
        if step.fields.get("last_report_on") == today:
            _meet(step.changes, step.id, today)
        unmet = [m["due_on"] for m in milestones(step.db, step.id) if m["reported_on"] is None]
    due = next_due(rhythm, objective.get("last_report_on"), objective.get("active_since"), unmet)
    if due != objective.get("next_report_due"):
        step.set(next_report_due=due)


def due_milestones(db: Database, after: str | None, until: str | None, search: str | None = None) -> list[dict]:
    """Milestones not yet reported on of objectives still awaited, due in (``after``, ``until``]
    (either end open), by date: for the deadlines list."""
    clauses, params = ["m.reported_on IS NULL",
                       AWAITED_SQL], []
    if after:
        clauses.append("m.due_on > ?")
        params.append(after)
    if until:
        clauses.append("m.due_on <= ?")
        params.append(until)
    for term in (search or "").split():
        clauses.append("(o.ref LIKE ? OR o.title LIKE ? OR m.title LIKE ?)")
        params += [f"%{term}%"] * 3
    # CROSS JOIN: from the open milestones in the dates asked (their index), never from every
    # awaited objective (which the planner otherwise prefers: 1 s at a million objectives).
    cursor = db.conn.execute(
        "SELECT m.id, m.due_on, m.title, o.ref, o.title, u.name FROM milestones m "
        "CROSS JOIN objectives o ON o.id = m.objective_id JOIN units u ON u.id = o.lead_unit_id "
        f"WHERE {' AND '.join(clauses)} ORDER BY m.due_on, o.sort_key", params)
    return [{"milestone": row[0], "deadline": row[1], "milestone_title": row[2], "ref": row[3], "title": row[4],
             "lead_unit": row[5], "key": f"milestone:{row[0]}"} for row in cursor]
