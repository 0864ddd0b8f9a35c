"""Traffic lights (红黄绿灯), computed from the deadline, the clock and the record.

The rule lives once, as SQL, so lists can filter and count by light in the
database. It yields a *reason*; the light follows from the reason.

- grey: closed, suspended or cancelled
- an override set by the office wins over the rules below (until cleared)
- green: completion submitted (the office has to act, not the unit)
- red: overdue (past the current deadline)
- yellow: deadline within ``light.near_days``, no report for ``light.silent_days``,
  or urged ``light.urges`` times without a report since
- green: otherwise
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlite_utils import Database

from superviser import clock
from superviser.i18n import N_, _

RED, YELLOW, GREEN, GREY = "red", "yellow", "green", "grey"
LIGHTS = (RED, YELLOW, GREEN, GREY)
# Worst first: used to pick a decision's worst light.
SEVERITY = {RED: 3, YELLOW: 2, GREEN: 1, GREY: 0}

LIGHT_LABELS = {RED: N_("red"), YELLOW: N_("yellow"), GREEN: N_("green"), GREY: N_("grey")}
# A symbol per light, so the light never depends on colour alone.
SYMBOLS = {RED: "●", YELLOW: "▲", GREEN: "○", GREY: "–"}

# No report for too long: by the objective's own rhythm when it has one (next_report_due,
# kept by the steps: superviser/rhythm.py), else by light.silent_days.
QUIET_LONG_SQL = ("(o.next_report_due < :today OR (o.report_rhythm IS NULL"
                  " AND coalesce(o.last_report_on, o.active_since, :today) <= :silent))")

REASON_SQL = f"""CASE
  WHEN o.status IN ('closed', 'suspended', 'cancelled') THEN o.status
  WHEN o.light_override IS NOT NULL THEN 'override'
  WHEN o.status IN ('submitted', 'verified') THEN 'submitted'
  WHEN o.deadline < :today THEN 'overdue'
  WHEN o.deadline <= :near THEN 'due_soon'
  WHEN o.status IN ('assigned', 'accepted', 'in_progress') AND {QUIET_LONG_SQL} THEN 'silent'
  WHEN o.urges_unanswered >= :urges THEN 'urged'
  ELSE 'on_track'
END"""

LIGHT_OF_REASON = {
    "closed": GREY, "suspended": GREY, "cancelled": GREY,
    "submitted": GREEN, "overdue": RED, "due_soon": YELLOW, "silent": YELLOW,
    "urged": YELLOW, "on_track": GREEN,
}

LIGHT_SQL = (
    f"CASE {REASON_SQL} WHEN 'override' THEN o.light_override "
    + " ".join(f"WHEN '{reason}' THEN '{light}'" for reason, light in LIGHT_OF_REASON.items())
    + " END"
)

REASON_LABELS = {
    "closed": N_("closed"),
    "suspended": N_("suspended"),
    "cancelled": N_("cancelled"),
    "override": N_("set by the office"),
    "submitted": N_("completion waiting for the office"),
    "overdue": N_("past its deadline"),
    "due_soon": N_("deadline within {days} days"),
    "silent": N_("no report for {days} days or more"),
    "urged": N_("urged {n} times without a report"),
    "on_track": N_("on track"),
}


@dataclass(frozen=True)
class Thresholds:
    near_days: int = 3
    silent_days: int = 14
    urges: int = 2

    @classmethod
    def load(cls, db: Database) -> Thresholds:
        values = dict(db.conn.execute("SELECT key, value FROM settings WHERE key LIKE 'light.%'"))
        return cls(
            near_days=int(values.get("light.near_days", cls.near_days)),
            silent_days=int(values.get("light.silent_days", cls.silent_days)),
            urges=int(values.get("light.urges", cls.urges)),
        )

    def params(self, today: date | None = None) -> dict:
        """Named parameters for ``REASON_SQL`` / ``LIGHT_SQL``."""
        today = today or clock.today()
        return {
            "today": today.isoformat(),
            "near": (today + timedelta(days=self.near_days)).isoformat(),
            "silent": (today - timedelta(days=self.silent_days)).isoformat(),
            "urges": self.urges,
        }


def light_of(reason: str, override: str | None) -> str:
    return override if reason == "override" and override else LIGHT_OF_REASON[reason]


def label(light: str) -> str:
    return _(LIGHT_LABELS[light])


def explain(reason: str, thresholds: Thresholds, objective: dict | None = None) -> str:
    """Why an objective has its light, in a sentence."""
    text = _(REASON_LABELS[reason])
    if reason == "due_soon":
        text = text.format(days=thresholds.near_days)
    elif reason == "silent" and (objective or {}).get("report_rhythm"):
        from superviser.rhythm import late_text

        text = late_text(objective)
    elif reason == "silent":
        text = text.format(days=thresholds.silent_days)
    elif reason == "urged":
        text = text.format(n=(objective or {}).get("urges_unanswered", thresholds.urges))
    if reason == "override" and objective and objective.get("light_override_reason"):
        text = f"{text}: {objective['light_override_reason']}"
    return text


def worst(lights) -> str:
    lights = [light for light in lights if light]
    return max(lights, key=SEVERITY.__getitem__) if lights else GREY
