"""How many objectives have each light and reason, read from the counters
(``superviser.tallies``) in ranges chosen by today's date and the thresholds: a few
hundred rows, however many objectives there are.

The ranges give the reasons of ``lights.REASON_SQL`` (awaited work by deadline;
silence and urges for work not yet due soon), then the objectives whose light the
office set (read through their index: there are as many as the office set by hand)
move from the rule's light to the office's.
"""

from __future__ import annotations

from superviser.lifecycle import ENDED, SUBMITTED, VERIFIED
from superviser.lights import (
    LIGHT_OF_REASON,
    LIGHTS,
    REASON_SQL,
    SET_BY_OFFICE_SQL,
    WAITING_OFFICE_SQL,
    Thresholds,
    light_of,
)
from superviser.store import Database

# Awaited objectives by deadline (overdue, due soon, later) and, for those due later,
# by whether the unit is at work and the urges left unanswered.
_BY_DEADLINE = """
SELECT coalesce(sum(CASE WHEN deadline < :today THEN n END), 0),
       coalesce(sum(CASE WHEN deadline >= :today AND deadline <= :near THEN n END), 0),
       coalesce(sum(CASE WHEN deadline > :near THEN n END), 0),
       coalesce(sum(CASE WHEN deadline > :near AND working THEN n END), 0),
       coalesce(sum(CASE WHEN deadline > :near AND urges >= :urges THEN n END), 0),
       coalesce(sum(CASE WHEN deadline > :near AND urges >= :urges AND working THEN n END), 0)
FROM tally_lights
"""
# Work due later that is not silent: with a rhythm, no report due before today; without,
# reported recently (after :silent, or never: then it counts as reporting today); with and
# without enough urges. Three parts, each a range of an index (the primary key begins with
# the last sign of life, idx_tally_quiet_due holds the rhythms' reports due): the days since
# :silent and the reports due from today on, never every deadline after :near.
_RECENT = """
SELECT coalesce(sum(n), 0), coalesce(sum(CASE WHEN urges >= :urges THEN n END), 0) FROM (
  SELECT n, urges FROM tally_quiet WHERE quiet > :silent AND due = '' AND deadline > :near
  UNION ALL
  SELECT n, urges FROM tally_quiet WHERE quiet = '' AND due = '' AND deadline > :near AND :today > :silent
  UNION ALL
  SELECT n, urges FROM tally_quiet INDEXED BY idx_tally_quiet_due WHERE due >= :today AND due != '' AND deadline > :near
)
"""
_BY_STATUS = "SELECT status, sum(n) FROM tally_status WHERE role = 'lead' GROUP BY status"
_SET_BY_OFFICE = f"""
SELECT ({REASON_SQL}) AS reason, o.light_override, count(*) FROM objectives o
WHERE {SET_BY_OFFICE_SQL} GROUP BY reason, o.light_override
"""
_PENDING_EXTENSION = f"""
SELECT count(DISTINCT e.objective_id) FROM extensions e JOIN objectives o ON o.id = e.objective_id
WHERE e.status = 'pending' AND e.withdrawn_seq IS NULL AND NOT {WAITING_OFFICE_SQL}
"""


def with_status(db: Database, statuses: list[str], unit_id: int | None = None) -> int:
    """How many objectives have one of ``statuses`` (each objective has one lead unit); with
    ``unit_id``, of that unit as lead or co-unit (never both: a lead unit is not among the
    co-units: services.base.Step.set_co_units)."""
    marks = ", ".join("?" * len(statuses))
    if unit_id is None:
        sql = f"SELECT coalesce(sum(n), 0) FROM tally_status WHERE role = 'lead' AND status IN ({marks})"
        return db.conn.execute(sql, statuses).fetchone()[0]
    sql = f"SELECT coalesce(sum(n), 0) FROM tally_status WHERE unit_id = ? AND status IN ({marks})"
    return db.conn.execute(sql, [unit_id, *statuses]).fetchone()[0]


def reasons(db: Database, params: dict) -> dict[str, int]:
    """How many objectives have each reason (``lights.REASON_SQL``)."""
    statuses = dict(db.conn.execute(_BY_STATUS).fetchall())
    overdue, due_soon, later, working, urged, working_urged = db.conn.execute(_BY_DEADLINE, params).fetchone()
    recent, recent_urged = db.conn.execute(_RECENT, params).fetchone()
    silent = working - recent
    urged = urged - (working_urged - recent_urged)  # urged, less those that are silent too
    found = {status: statuses.get(status, 0) for status in ENDED}
    found.update(submitted=statuses.get(SUBMITTED, 0) + statuses.get(VERIFIED, 0), overdue=overdue, due_soon=due_soon,
                 silent=silent, urged=urged, on_track=later - silent - urged)
    return found


def overview(db: Database, thresholds: Thresholds | None = None) -> dict:
    """Counts by reason, by light, what makes up each light (``causes``: its reasons, and
    ``override`` for the objectives the office set to it), and the office's waiting work."""
    params = (thresholds or Thresholds.load(db)).params()
    by_reason = reasons(db, params)
    causes: dict[str, dict[str, int]] = {light: {} for light in LIGHTS}
    for reason, n in by_reason.items():
        causes[LIGHT_OF_REASON[reason]][reason] = n
    for reason, override, n in db.conn.execute(_SET_BY_OFFICE, params):
        light = light_of(reason, override)
        if light != LIGHT_OF_REASON[reason]:
            causes[LIGHT_OF_REASON[reason]][reason] -= n
            causes[light]["override"] = causes[light].get("override", 0) + n
    waiting = by_reason["submitted"] + db.conn.execute(_PENDING_EXTENSION).fetchone()[0]
    return {"reasons": by_reason, "lights": {light: sum(parts.values()) for light, parts in causes.items()},
            "causes": {light: {k: v for k, v in parts.items() if v} for light, parts in causes.items()},
            "waiting": waiting}
