"""Deadlines: open objectives by due date, overdue first, grouped by week."""

from __future__ import annotations

from datetime import date

from rich.text import Text

from screens import render
from screens.objectives import ListScreen
from screens.widgets.objective_table import cells, columns
from screens.widgets.paged_table import Page, PagedTable, Source
from superviser import clock, dates, rhythm, text
from superviser.i18n import _
from superviser.read import objectives
from superviser.read.objectives import Filter

AWAITED = ["registered", "assigned", "accepted", "in_progress", "returned"]


def _group(deadline: str, today: date) -> str:
    if deadline < today.isoformat():
        return "overdue"
    day = date.fromisoformat(deadline)
    return date.fromordinal(day.toordinal() - day.weekday()).isoformat()


def _heading(group: str) -> tuple[str, str]:
    """The group's name, and when its week ends."""
    return (_("Overdue"), "") if group == "overdue" else dates.week_heading(group)


def fetch_deadlines(session, offset: int = 0, limit: int = PagedTable.PAGE, search: str = "",
                    previous: dict | None = None) -> Page:
    """Open objectives by deadline, with a heading row where a week begins (offsets
    count objectives; ``previous`` is the last one already shown)."""
    flt = Filter(status=AWAITED, search=search or None)
    rows, total = objectives.page(session.db, flt, limit=limit, offset=offset, order="deadline")
    # The milestones due within this page's dates (to the end on the last page) go among them.
    last_page = total is None or offset + len(rows) >= total
    stages = rhythm.due_milestones(session.db, previous["deadline"] if previous else None,
                                   None if last_page or not rows else rows[-1]["deadline"], search)
    rows = sorted(rows + stages, key=lambda r: (r["deadline"], "milestone" not in r))
    today = clock.today()
    out, last = [], _group(previous["deadline"], today) if previous else None
    for row in rows:
        group = _group(row["deadline"], today)
        if group != last:
            name, until = _heading(group)
            out.append({"heading": name, "until": until, "key": f"group:{group}"})
            last = group
        out.append(row)
    return Page(out, total)


def milestone_cells(row: dict) -> list:
    """A stage report due, under its objective's reference: "◇ stage  Plan agreed · Boilers"."""
    title = Text("◇ ", style="dim", no_wrap=True, overflow="ellipsis")
    title.append(render.plain(row["milestone_title"]))
    title.append(" · " + text.one_line(row["title"]), style="dim")
    late = row["deadline"] < clock.today().isoformat()
    due = Text(dates.relative_deadline(row["deadline"], short=True), no_wrap=True, overflow="ellipsis",
               style=render.STYLES["alert"] if late else "")
    return [Text(_("stage"), style="dim"), render.plain(row["ref"]), title, render.plain(row["lead_unit"]), Text(""),
            due, Text("")]


class DeadlinesScreen(ListScreen):
    FIRST_PAGE = "deadlines"

    def __init__(self):
        super().__init__(_("Deadlines · open objectives by due date"))

    def make_table(self) -> PagedTable:
        def fetch(session, offset: int, limit: int) -> Page:
            previous = next((r for r in reversed(self.table.rows_loaded) if not r.get("heading")), None) if offset else None
            return fetch_deadlines(session, offset, limit, self.search, previous)

        shown = columns(with_status=True)
        title_at, due_at = (next(i for i, c in enumerate(shown) if c.key == key) for key in ("title", "due"))

        def render_row(row: dict) -> list:
            if row.get("heading"):
                # the name where titles go, the week's last day where deadlines go: each fits its
                # column in every language at 80 columns ("Semana próxima" … "al 29 nov")
                blank = [Text("") for _ in shown]
                blank[title_at] = Text(row["heading"], style="bold reverse", no_wrap=True, overflow="ellipsis")
                blank[due_at] = Text(row["until"], style="bold", no_wrap=True, overflow="ellipsis")
                return blank
            if row.get("milestone"):
                return milestone_cells(row)
            return cells(row, with_status=True)

        return PagedTable(columns(with_status=True), render_row,
                          Source(fetch, key=lambda r: r.get("key") or r["ref"],
                                 counted=lambda r: not r.get("heading") and not r.get("milestone")),
                          id="list")

    def on_paged_table_chosen(self, message: PagedTable.Chosen) -> None:
        row = message.row
        if row.get("heading"):
            # A heading stands for its group (overdue, a week): Enter opens its first, and the cursor goes
            # there, so coming back finds it. A heading is always followed by its first row.
            at = self.table.cursor_row + 1
            self.table.move_cursor(row=at, animate=False)
            row = self.table.rows_loaded[at]
        self.app.open_objective(row["ref"])


