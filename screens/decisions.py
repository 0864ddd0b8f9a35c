"""Decisions, newest first, with their objectives rolled up."""

from __future__ import annotations

from textual.binding import Binding

from screens import render
from screens.objectives import ListScreen
from screens.role_keys import RoleKeys
from screens.widgets.paged_table import Column, Page, PagedTable, Source
from superviser import lifecycle
from superviser.i18n import N_, _
from superviser.read import decisions


def decision_columns() -> list[Column]:
    return [
        Column("light", _("light"), render.light_width(marked=False)), Column("ref", _("ref"), 9),
        Column("title", _("title"), None, min_width=12),
        Column("source", _("source"), 12, hide_below=100), Column("date", _("date"), 10, hide_below=90),
        Column("count", _("objectives"), 10, justify="right"), Column("pct", "%", 4, justify="right"),
    ]


def decision_cells(row: dict) -> list:
    return [render.light(row["worst_light"]), render.plain(row["ref"]), render.plain(row["title"]),
            render.plain(_(lifecycle.SOURCES[row["source"]])), render.plain(row["decided_on"]),
            render.number(row["objectives"]), render.number(row["percent"], dim_zero=False)]


def fetch_decisions(session, offset: int = 0, limit: int = PagedTable.PAGE, search: str = "") -> Page:
    rows = decisions.list_decisions(session.db, search=search or None, limit=limit, offset=offset)
    total = decisions.count_decisions(session.db, search=search or None) if offset == 0 else None
    return Page(rows, total)


class DecisionsScreen(RoleKeys, ListScreen):
    # With a tooltip: in the command palette too (screens/commands.py).
    BINDINGS = [Binding("n", "new", N_("New decision"), id="decisions.new",
                        tooltip=N_("Register what the leadership decided, then split it into objectives")),
                Binding("R", "recurring", N_("Recurring matters"), id="decisions.recurring",
                        tooltip=N_("Matters registered again each month, quarter or year, or after the last closed"))]
    ROLE_STEPS = {"new": "decision.add"}  # offered only to whom the role allows
    FIRST_PAGE = "decisions"

    def __init__(self):
        super().__init__(_("Decisions"))

    def make_table(self) -> PagedTable:
        def fetch(session, offset: int, limit: int) -> Page:
            return fetch_decisions(session, offset, limit, self.search)

        return PagedTable(decision_columns(), decision_cells, Source(fetch, key=lambda r: r["ref"]), id="list")

    def on_paged_table_chosen(self, message: PagedTable.Chosen) -> None:
        self.app.open_decision(message.row["ref"])

    def action_new(self) -> None:
        from screens.register import new_decision

        new_decision(self.app)

    def action_recurring(self) -> None:
        from screens.recurring import RecurringScreen

        self.app.push_screen(RecurringScreen())
