"""Units: the tree, and each unit's scorecard (考核), lead and co-unit counted apart.

- open: objectives not closed, cancelled or suspended
- overdue: open, work not yet submitted, past the current deadline
- on-time rate: closed objectives whose completion was submitted by the
  *original* deadline, over the closed objectives whose completion date is known
  (an approved extension does not make a late objective on time; one closed in a
  ledger brought in, with no completion date, is neither on time nor late); all
  time, and work still open is not in it (the assessment, per period, counts work
  overdue as late: ``superviser.assessment``)
- average delay: days past the original deadline, averaged over the
  objectives that were completed late or are overdue now
- urges: urges the office needed on the unit's objectives as lead
"""

from __future__ import annotations

from superviser import clock, store
from superviser.i18n import N_, _
from superviser.lifecycle import CLOSED, OPEN
from superviser.lights import sql_list
from superviser.store import Database

# What the scorecard's figures cover, for whoever shows them beside the assessment's; {on_time}
# and {avg_delay} are the figures' headings ("on time", "avg delay") in the reader's language.
EXPLAINED = N_("All time, not a period. {on_time}: share of the closed objectives completed by the original "
               "deadline; open work, even overdue, counts only in {avg_delay}.")


def explained() -> str:
    """``EXPLAINED`` in the reader's language, with the headings the figures have there."""
    return _(EXPLAINED).format(on_time=_("on time"), avg_delay=_("avg delay"))


def tree(db: Database) -> list[dict]:
    """Units in tree order, each with its depth."""
    return store.rows(
        db, "WITH RECURSIVE t(id, name, parent_id, depth, path, active) AS ("
        " SELECT id, name, parent_id, 0, name, active FROM units WHERE parent_id IS NULL"
        " UNION ALL SELECT u.id, u.name, u.parent_id, t.depth + 1, t.path || char(31) || u.name, u.active"
        " FROM units u JOIN t ON u.parent_id = t.id)"
        " SELECT id, name, parent_id, depth, active FROM t ORDER BY path"
    )


# The counters (superviser.tallies): per unit, role and status; and awaited work whose
# deadline or original deadline has passed (a range of days before today).
_CLOSED = f"status = '{CLOSED}'"
_BY_STATUS = f"""
SELECT unit_id, role, sum(urges), coalesce(sum(CASE WHEN status IN {sql_list(OPEN)} THEN n END), 0),
       coalesce(sum(CASE WHEN {_CLOSED} THEN n END), 0), coalesce(sum(CASE WHEN {_CLOSED} THEN on_time END), 0),
       coalesce(sum(CASE WHEN {_CLOSED} THEN late END), 0), coalesce(sum(CASE WHEN {_CLOSED} THEN late_days END), 0)
FROM tally_status GROUP BY unit_id, role
"""
_PAST = """
SELECT unit_id, role, sum(due), sum(original), sum(original * (julianday(:today) - julianday(day)))
FROM tally_due WHERE day < :today GROUP BY role, unit_id
"""


def _blank() -> dict:
    return {"open": 0, "overdue": 0, "closed": 0, "on_time": 0, "late": 0, "delay_days": 0.0, "urges": 0, "rated": 0}


def _cards(db: Database) -> dict[tuple[int, str], dict]:
    cards: dict[tuple[int, str], dict] = {}
    for unit_id, role, urges, open_, closed, on_time, late, late_days in db.conn.execute(_BY_STATUS):
        cards[(unit_id, role)] = dict(_blank(), urges=urges, open=open_, closed=closed, on_time=on_time, late=late,
                                      delay_days=late_days, rated=on_time + late)  # closed, completion date known
    for unit_id, role, overdue, late, delay in db.conn.execute(_PAST, {"today": clock.today().isoformat()}):
        card = cards.setdefault((unit_id, role), _blank())
        card["overdue"] += overdue
        card["late"] += late
        card["delay_days"] += delay or 0
    return cards


def _finish(card: dict | None) -> dict:
    card = dict(card or _blank())
    rated = card.pop("rated")
    card["on_time_rate"] = round(100 * card["on_time"] / rated) if rated else None
    card["avg_delay"] = round(card["delay_days"] / card["late"], 1) if card["late"] else 0.0
    card.pop("delay_days")
    return card


def scorecards(db: Database, unit_ids: list[int] | None = None) -> list[dict]:
    """One scorecard per unit (tree order): ``lead`` and ``co`` counted apart."""
    counted = _cards(db)
    cards = []
    for unit in tree(db):
        if unit_ids is not None and unit["id"] not in unit_ids:
            continue
        cards.append(dict(unit, lead=_finish(counted.get((unit["id"], "lead"))),
                          co=_finish(counted.get((unit["id"], "co")))))
    return cards


def names(db: Database) -> list[str]:
    """The units that may be given work, for the forms' pickers."""
    return [r[0] for r in db.conn.execute("SELECT name FROM units WHERE active = 1 ORDER BY name")]


def search(db: Database, query: str, limit: int = 10) -> list[dict]:
    return store.rows(db, "SELECT id, name FROM units WHERE name LIKE ? ORDER BY name LIMIT ?", (f"%{query}%", limit))
