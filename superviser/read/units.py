"""Units: the tree, and each unit's scorecard (考核), lead and co-unit counted apart.

- open: objectives not closed, cancelled or suspended
- overdue: open, work not yet submitted, past the current deadline
- on-time rate: closed objectives whose completion was submitted by the
  *original* deadline, over all closed objectives (an approved extension does
  not make a late objective on time)
- average delay: days past the original deadline, averaged over the
  objectives that were completed late or are overdue now
- urges: urges the office needed on the unit's objectives as lead
"""

from __future__ import annotations

from sqlite_utils import Database

from superviser import clock

_OPEN = {"registered", "assigned", "accepted", "in_progress", "returned", "submitted", "verified"}
_AWAITED = {"registered", "assigned", "accepted", "in_progress", "returned"}


def tree(db: Database) -> list[dict]:
    """Units in tree order, each with its depth."""
    cursor = db.conn.execute(
        "WITH RECURSIVE t(id, name, parent_id, depth, path, active) AS ("
        " SELECT id, name, parent_id, 0, name, active FROM units WHERE parent_id IS NULL"
        " UNION ALL SELECT u.id, u.name, u.parent_id, t.depth + 1, t.path || char(31) || u.name, u.active"
        " FROM units u JOIN t ON u.parent_id = t.id)"
        " SELECT id, name, parent_id, depth, active FROM t ORDER BY path"
    )
    return [dict(zip(("id", "name", "parent_id", "depth", "active"), r)) for r in cursor]


# Per unit and status, so the database evaluates each date test once per row (the
# lead query reads only the covering index idx_objectives_scorecard); the statuses
# are folded into the scorecard below.
_BY_STATUS = """
SELECT {unit} AS unit_id, o.status, count(*),
  sum(o.deadline < :today),
  sum(o.submitted_on <= o.original_deadline),
  sum(o.submitted_on > o.original_deadline),
  sum(CASE WHEN o.submitted_on > o.original_deadline THEN julianday(o.submitted_on) - julianday(o.original_deadline) END),
  sum(o.original_deadline < :today),
  sum(CASE WHEN o.original_deadline < :today THEN julianday(:today) - julianday(o.original_deadline) END),
  sum(o.urge_count)
FROM {source}
GROUP BY {unit}, o.status
"""
_LEAD = _BY_STATUS.format(unit="o.lead_unit_id", source="objectives o")
_CO = _BY_STATUS.format(unit="c.unit_id", source="co_units c JOIN objectives o ON o.id = c.objective_id")


def _fold(rows) -> dict[int, dict]:
    cards: dict[int, dict] = {}
    for unit_id, status, n, past, on_time, late_done, late_days, past_original, overdue_days, urges in rows:
        card = cards.setdefault(unit_id, {"open": 0, "overdue": 0, "closed": 0, "on_time": 0, "late": 0,
                                          "delay_days": 0.0, "urges": 0})
        card["urges"] += urges or 0
        if status in _OPEN:
            card["open"] += n
        if status in _AWAITED:
            card["overdue"] += past or 0
            card["late"] += past_original or 0
            card["delay_days"] += overdue_days or 0
        if status == "closed":
            card["closed"] += n
            card["on_time"] += on_time or 0
            card["late"] += late_done or 0
            card["delay_days"] += late_days or 0
    return cards


def _finish(card: dict | None) -> dict:
    card = dict(card or {"open": 0, "overdue": 0, "closed": 0, "on_time": 0, "late": 0, "delay_days": 0.0, "urges": 0})
    closed = card["closed"]
    card["on_time_rate"] = round(100 * card["on_time"] / closed) if closed else None
    card["avg_delay"] = round(card["delay_days"] / card["late"], 1) if card["late"] else 0.0
    card.pop("delay_days")
    return card


def scorecards(db: Database, unit_ids: list[int] | None = None) -> list[dict]:
    """One scorecard per unit (tree order): ``lead`` and ``co`` counted apart."""
    params = {"today": clock.today().isoformat()}
    lead = _fold(db.conn.execute(_LEAD, params))
    co = _fold(db.conn.execute(_CO, params))
    cards = []
    for unit in tree(db):
        if unit_ids is not None and unit["id"] not in unit_ids:
            continue
        cards.append(dict(unit, lead=_finish(lead.get(unit["id"])), co=_finish(co.get(unit["id"]))))
    return cards


def names(db: Database) -> list[str]:
    """The units that may be given work, for the forms' pickers."""
    return [r[0] for r in db.conn.execute("SELECT name FROM units WHERE active = 1 ORDER BY name")]


def search(db: Database, query: str, limit: int = 10) -> list[dict]:
    cursor = db.conn.execute("SELECT id, name FROM units WHERE name LIKE ? ORDER BY name LIMIT ?", (f"%{query}%", limit))
    return [{"id": r[0], "name": r[1]} for r in cursor]
