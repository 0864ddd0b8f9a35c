"""Traffic lights (红黄绿灯) and the facts they judge, computed from the deadline, the
clock and the record.

Each fact is decided once, here, as a SQL expression over ``objectives o`` (named
parameters from ``Thresholds.params``), so lists filter and count with the same
rule everywhere:

- overdue: work not yet submitted, past the current deadline
- due soon: work not yet submitted, deadline within ``light.near_days``
- silent: at work, not due soon, no report (or acceptance) for ``light.silent_days``
- urged: not due soon, not silent, urged ``light.urges`` times without a report since

The *reason* is the first of these that holds (after the status: closed, suspended,
cancelled, completion submitted), else on track. The light follows from the reason
(overdue red; due soon, silent, urged yellow; submitted and on track green; ended
grey), unless the office set it: an override changes the light and nothing else.
An overdue objective set green is still overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from superviser import clock, quantities
from superviser.i18n import N_, _, ngettext
from superviser.lifecycle import AWAITED, ENDED, OPEN, SUBMITTED, VERIFIED, WORKING
from superviser.store import Database

RED, YELLOW, GREEN, GREY = "red", "yellow", "green", "grey"
LIGHTS = (RED, YELLOW, GREEN, GREY)
# Worst first: used to pick a decision's worst light.
SEVERITY = {RED: 3, YELLOW: 2, GREEN: 1, GREY: 0}

LIGHT_LABELS = {RED: N_("red"), YELLOW: N_("yellow"), GREEN: N_("green"), GREY: N_("grey")}
# A symbol per light, so the light never depends on colour alone.
SYMBOLS = {RED: "●", YELLOW: "▲", GREEN: "○", GREY: "–"}
# Shown after the light when the office set it (its reason is in the objective's detail).
SET_MARK = "✎"


def sql_list(values) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def status_in(values, column: str = "o.status") -> str:
    """``column`` is one of ``values``, as equalities joined by OR rather than IN: SQLite builds
    an IN list's lookup table again for every row it writes into an index whose definition
    holds one (a partial index's WHERE, an indexed expression), which costs more than the rest
    of the index (10,000 new objectives: 110 ms against 70 ms). The indexes (superviser/schema.py)
    and the queries that read them say it in the same words, which is how SQLite matches them;
    in a query's WHERE it turns the equalities back into one IN."""
    return "(" + " OR ".join(f"{column} = '{v}'" for v in values) + ")"


ENDED_SQL = status_in(ENDED)
WAITING_OFFICE_SQL = status_in((SUBMITTED, VERIFIED))
AWAITED_SQL = status_in(AWAITED)
WORKING_SQL = status_in(WORKING)
OPEN_SQL = status_in(OPEN)
# The last sign of life: the latest report, else the day work began. The partial index
# idx_objectives_quiet is on exactly this expression.
QUIET_SQL = "coalesce(o.last_report_on, o.active_since)"

OVERDUE_SQL = f"({AWAITED_SQL} AND o.deadline < :today)"
DUE_SOON_SQL = f"({AWAITED_SQL} AND o.deadline >= :today AND o.deadline <= :near)"
# No report for too long: by the objective's own rhythm when it has one (next_report_due,
# kept by the steps: superviser/rhythm.py), else by light.silent_days; nothing on record
# counts as a report today (so silent only when silent_days is 0).
_QUIET_LONG = ("(coalesce(o.next_report_due < :today, 0) OR (o.report_rhythm IS NULL"
               " AND coalesce(o.last_report_on, o.active_since, :today) <= :silent))")  # never NULL: it is negated
SILENT_SQL = f"({WORKING_SQL} AND o.deadline > :near AND {_QUIET_LONG})"
# A report due soon by the objective's own rhythm (not late yet: late is silent, above).
REPORT_DUE_SQL = f"({WORKING_SQL} AND o.next_report_due >= :today AND o.next_report_due <= :near)"
URGED_SQL = (f"({AWAITED_SQL} AND o.deadline > :near AND o.urges_unanswered >= :urges"
             f" AND NOT ({WORKING_SQL} AND {_QUIET_LONG}))")

REASON_SQL = f"""CASE
  WHEN {ENDED_SQL} THEN o.status
  WHEN {WAITING_OFFICE_SQL} THEN 'submitted'
  WHEN {OVERDUE_SQL} THEN 'overdue'
  WHEN {DUE_SOON_SQL} THEN 'due_soon'
  WHEN {SILENT_SQL} THEN 'silent'
  WHEN {URGED_SQL} THEN 'urged'
  ELSE 'on_track'
END"""

LIGHT_OF_REASON = {
    "closed": GREY, "suspended": GREY, "cancelled": GREY,
    "submitted": GREEN, "overdue": RED, "due_soon": YELLOW, "silent": YELLOW,
    "urged": YELLOW, "on_track": GREEN,
}
REASONS = tuple(LIGHT_OF_REASON)

# An override is the office's judgement; it has no say once the objective has ended.
SET_BY_OFFICE_SQL = f"(o.light_override IS NOT NULL AND NOT {ENDED_SQL})"
LIGHT_SQL = (
    f"CASE WHEN {SET_BY_OFFICE_SQL} THEN o.light_override ELSE CASE {REASON_SQL} "
    + " ".join(f"WHEN '{reason}' THEN '{light}'" for reason, light in LIGHT_OF_REASON.items())
    + " END END"
)

REASON_LABELS = {
    "closed": N_("closed"),
    "suspended": N_("suspended"),
    "cancelled": N_("cancelled"),
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
        """Named parameters for the expressions above."""
        today = today or clock.today()
        return {
            "today": today.isoformat(),
            "near": (today + timedelta(days=self.near_days)).isoformat(),
            "silent": (today - timedelta(days=self.silent_days)).isoformat(),
            "urges": self.urges,
        }


def set_by_office(status: str, override: str | None) -> bool:
    return bool(override) and status not in ENDED


def light_of(reason: str, override: str | None) -> str:
    """The light: the office's, if it set one and the objective has not ended; else the rule's."""
    return override if override and reason not in ENDED else LIGHT_OF_REASON[reason]


def cause(reason: str, override: str | None) -> str:
    """What gave an objective its light: its reason, or ``override`` when the office's
    light differs from the rule's (an overdue objective set red is red for being overdue)."""
    light = light_of(reason, override)
    return "override" if light != LIGHT_OF_REASON[reason] else reason


def label(light: str) -> str:
    return _(LIGHT_LABELS[light])


def reason_text(reason: str, thresholds: Thresholds, objective: dict | None = None) -> str:
    text = _(REASON_LABELS[reason])
    if reason == "due_soon":
        text = text.format(days=thresholds.near_days)
    elif reason == "silent" and objective and objective.get("report_rhythm"):
        from superviser.rhythm import late_text

        text = late_text(objective)
    elif reason == "silent":
        text = text.format(days=thresholds.silent_days)
    elif reason == "urged":
        text = text.format(n=(objective or {}).get("urges_unanswered", thresholds.urges))
    return text


def explain(reason: str, thresholds: Thresholds, objective: dict | None = None) -> str:
    """Why an objective has its light, in a sentence: the rule's reason, and the
    office's judgement with its reason when the office set the light."""
    text = reason_text(reason, thresholds, objective)
    objective = objective or {}
    if set_by_office(objective.get("status", ""), objective.get("light_override")):
        why = objective.get("light_override_reason")
        office = (_("set {light} by the office: {reason}").format(light=label(objective["light_override"]), reason=why)
                  if why else _("set {light} by the office").format(light=label(objective["light_override"])))
        text = _("{judgement}; by the rules: {rule}").format(judgement=office, rule=text)
    return text


def shown(row: dict, *, reason: bool = True) -> str:
    """The light in words, as exports print it: symbol and name, and when the office set
    it, that (with the office's reason)."""
    light = f"{SYMBOLS[row['light']]} {label(row['light'])}"
    if not row.get("set_by_office"):
        return light
    why = row.get("light_override_reason") if reason else None
    if why:
        return _("{light} (set by the office: {reason})").format(light=light, reason=why)
    return _("{light} (set by the office)").format(light=light)


# What makes up a light's count, in words (``read.counts.overview``'s causes).
_CAUSES = {
    "overdue": lambda n: ngettext("{n} overdue", "{n} overdue", n),
    "due_soon": lambda n: ngettext("{n} due soon", "{n} due soon", n),
    "silent": lambda n: ngettext("{n} silent", "{n} silent", n),
    "urged": lambda n: ngettext("{n} urged", "{n} urged", n),
    "submitted": lambda n: ngettext("{n} to verify", "{n} to verify", n),
    "on_track": lambda n: ngettext("{n} on track", "{n} on track", n),
    "closed": lambda n: ngettext("{n} closed", "{n} closed", n),
    "suspended": lambda n: ngettext("{n} suspended", "{n} suspended", n),
    "cancelled": lambda n: ngettext("{n} cancelled", "{n} cancelled", n),
    "override": lambda n: ngettext("{n} set {light} by the office", "{n} set {light} by the office", n),
}


def causes_text(light: str, causes: dict[str, int]) -> str:
    """"4 overdue, 1 set red by the office": what makes up a light's count, worst first."""
    order = [*REASONS, "override"]
    parts = [_CAUSES[c](n).format(n=quantities.count(n), light=label(light))
             for c, n in sorted(causes.items(), key=lambda item: order.index(item[0])) if n]
    return _(", ").join(parts)


def light_count_text(light: str, n: int, causes: dict[str, int]) -> str:
    """"5 red (4 overdue, 1 set red by the office)"."""
    count = ngettext("{n} {light}", "{n} {light}", n).format(n=quantities.count(n), light=label(light))
    return _("{count} ({causes})").format(count=count, causes=causes_text(light, causes)) if n else count


def worst(lights) -> str:
    lights = [light for light in lights if light]
    return max(lights, key=SEVERITY.__getitem__) if lights else GREY
