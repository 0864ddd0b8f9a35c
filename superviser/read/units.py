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

_OPEN = "('registered', 'assigned', 'accepted', 'in_progress', 'returned', 'submitted', 'verified')"
_WORKING = "('registered', 'assigned', 'accepted', 'in_progress', 'returned')"


def tree(db: Database) -> list[dict]:
    """Units in tree order, each with its depth."""
    cursor = db.conn.execute(
        "WITH RECURSIVE t(id, name, parent_id, depth, path) AS ("
        " SELECT id, name, parent_id, 0, name FROM units WHERE parent_id IS NULL"
        " UNION ALL SELECT u.id, u.name, u.parent_id, t.depth + 1, t.path || char(31) || u.name"
        " FROM units u JOIN t ON u.parent_id = t.id)"
        " SELECT id, name, parent_id, depth FROM t ORDER BY path"
    )
    return [dict(zip(("id", "name", "parent_id", "depth"), r)) for r in cursor]


def _card_sql(join: str, unit_column: str) -> str:
    return f"""
SELECT {unit_column} AS unit_id,
  sum(o.status IN {_OPEN}) AS open,
  sum(o.status IN {_WORKING} AND o.deadline < :today) AS overdue,
  sum(o.status = 'closed') AS closed,
  sum(o.status = 'closed' AND o.submitted_on <= o.original_deadline) AS on_time,
  sum(CASE WHEN o.status = 'closed' AND o.submitted_on > o.original_deadline
           THEN julianday(o.submitted_on) - julianday(o.original_deadline)
           WHEN o.status IN {_WORKING} AND o.original_deadline < :today
           THEN julianday(:today) - julianday(o.original_deadline) END) AS delay_days,
  sum((o.status = 'closed' AND o.submitted_on > o.original_deadline)
      OR (o.status IN {_WORKING} AND o.original_deadline < :today)) AS late,
  sum(o.urge_count) AS urges
FROM objectives o {join}
GROUP BY {unit_column}
"""


def _finish(card: dict) -> dict:
    closed = card.get("closed") or 0
    card["on_time_rate"] = round(100 * (card.get("on_time") or 0) / closed) if closed else None
    late = card.get("late") or 0
    card["avg_delay"] = round((card.get("delay_days") or 0) / late, 1) if late else 0.0
    for key in ("open", "overdue", "closed", "on_time", "urges", "late"):
        card[key] = int(card.get(key) or 0)
    card.pop("delay_days", None)
    return card


def scorecards(db: Database, unit_ids: list[int] | None = None) -> list[dict]:
    """One scorecard per unit (tree order): ``lead`` and ``co`` counted apart."""
    params = {"today": clock.today().isoformat()}
    lead = {r[0]: dict(zip(("unit_id", "open", "overdue", "closed", "on_time", "delay_days", "late", "urges"), r))
            for r in db.conn.execute(_card_sql("", "o.lead_unit_id"), params)}
    co = {r[0]: dict(zip(("unit_id", "open", "overdue", "closed", "on_time", "delay_days", "late", "urges"), r))
          for r in db.conn.execute(_card_sql("JOIN co_units c ON c.objective_id = o.id", "c.unit_id"), params)}
    cards = []
    for unit in tree(db):
        if unit_ids is not None and unit["id"] not in unit_ids:
            continue
        cards.append(dict(unit, lead=_finish(dict(lead.get(unit["id"], {}))), co=_finish(dict(co.get(unit["id"], {})))))
    return cards


def names(db: Database) -> list[str]:
    return [r[0] for r in db.conn.execute("SELECT name FROM units ORDER BY name")]


def search(db: Database, query: str, limit: int = 10) -> list[dict]:
    cursor = db.conn.execute("SELECT id, name FROM units WHERE name LIKE ? ORDER BY name LIMIT ?", (f"%{query}%", limit))
    return [{"id": r[0], "name": r[1]} for r in cursor]
