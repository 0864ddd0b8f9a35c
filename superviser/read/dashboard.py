"""Everything the dashboard shows, in one call, so it can be fetched before the
screen exists (while the terminal app is still starting).

Nothing here reads every objective: the counts and the scorecards come from the
counters (``superviser.tallies``), and each panel reads its first rows in the order
of its own partial index (schema ``m008_speed``), stopping when the page is full.
"""

from __future__ import annotations

from superviser import clock
from superviser.lights import DUE_SOON_SQL, OVERDUE_SQL, QUIET_SQL, SILENT_SQL, WAITING_OFFICE_SQL, Thresholds
from superviser.read import counts, objectives, outbox, units
from superviser.store import Database

PANEL_ROWS = 20

# panel id → (index, condition, order); their totals come from the overview's counts
PANELS = {
    "overdue": ("idx_objectives_awaited", OVERDUE_SQL, "o.deadline, o.sort_key"),
    "due-soon": ("idx_objectives_awaited", DUE_SOON_SQL, "o.deadline, o.sort_key"),
    "silent": ("idx_objectives_quiet", SILENT_SQL, f"{QUIET_SQL}, o.deadline"),
    "waiting": ("idx_objectives_waiting", WAITING_OFFICE_SQL, "o.deadline, o.sort_key"),
}
# Objectives waiting on an extension decision, but not on a completion (those are above).
_EXTENSIONS = f"""
SELECT o.id, o.deadline, o.sort_key FROM objectives o
WHERE o.id IN (SELECT objective_id FROM extensions WHERE status = 'pending' AND withdrawn_seq IS NULL)
  AND NOT {WAITING_OFFICE_SQL}
ORDER BY o.deadline, o.sort_key LIMIT :end
"""


def _ids(db: Database, name: str, params: dict, offset: int, limit: int) -> list[int]:
    index, condition, order = PANELS[name]
    sql = f"SELECT o.id, o.deadline, o.sort_key FROM objectives o INDEXED BY {index} WHERE {condition} ORDER BY {order}"
    if name != "waiting":
        return [r[0] for r in db.conn.execute(f"{sql} LIMIT {int(limit)} OFFSET {int(offset)}", params)]
    # Completions to verify and extension requests: the first rows of both, merged by deadline.
    params = dict(params, end=offset + limit)
    rows = db.conn.execute(f"{sql} LIMIT :end", params).fetchall() + db.conn.execute(_EXTENSIONS, params).fetchall()
    return [r[0] for r in sorted(rows, key=lambda r: (r[1], r[2]))[offset:offset + limit]]


def panel(db: Database, name: str, offset: int = 0, limit: int = PANEL_ROWS,
          thresholds: Thresholds | None = None) -> list[dict]:
    today = clock.today()
    params = (thresholds or Thresholds.load(db)).params(today)
    ids = _ids(db, name, params, offset, limit)
    return objectives.rows_by_id(db, ids, params, today)


def dashboard(db: Database) -> dict:
    """The counts, the first rows of every panel, the unit scorecards, and the deliveries that
    failed or whose fate is unknown."""
    thresholds = Thresholds.load(db)
    return {
        "overview": counts.overview(db, thresholds),
        "panels": {name: panel(db, name, thresholds=thresholds) for name in PANELS},
        "scorecards": units.scorecards(db),
        "deliveries": outbox.trouble(db),
    }
