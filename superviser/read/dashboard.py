"""Everything the dashboard shows, in one call, so it can be fetched before the
screen exists (while the terminal app is still starting)."""

from __future__ import annotations

from sqlite_utils import Database

from superviser.read import objectives, units
from superviser.read.objectives import Filter

PANEL_ROWS = 20

# panel id → (filter, order); their totals come from the overview's counts
PANELS = {
    "overdue": (Filter(reason="overdue"), "deadline"),
    "due-soon": (Filter(reason="due_soon"), "deadline"),
    "silent": (Filter(reason="silent"), "ref"),
    "waiting": (Filter(waiting=True), "deadline"),
}


def panel(db: Database, name: str, offset: int = 0, limit: int = PANEL_ROWS) -> list[dict]:
    flt, order = PANELS[name]
    return objectives.page(db, flt, limit=limit, offset=offset, order=order, count=False)[0]


def dashboard(db: Database) -> dict:
    """The counts, the first rows of every panel, and the unit scorecards."""
    return {
        "overview": objectives.overview(db),
        "panels": {name: panel(db, name) for name in PANELS},
        "scorecards": units.scorecards(db),
    }
