"""Units as a tree, each with its scorecard; a unit opens its objectives."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

from screens import render
from screens.objectives import ListScreen
from screens.widgets.paged_table import Column, Page, PagedTable, Source
from superviser.i18n import N_, _
from superviser.read import units
from superviser.read.objectives import Filter


def unit_columns() -> list[Column]:
    return [
        Column("unit", _("unit"), None, min_width=14),
        Column("open", _("open"), 5, justify="right"),
        Column("overdue", _("overdue"), 7, justify="right"),
        Column("on_time", _("on time"), 7, justify="right"),
        Column("delay", _("avg delay"), 9, justify="right", hide_below=96),
        Column("urges", _("urges"), 5, justify="right"),
        Column("co_open", _("co open"), 7, justify="right", hide_below=86),
        Column("co_overdue", _("co overdue"), 10, justify="right", hide_below=106),
    ]


def unit_cells(card: dict) -> list:
    lead, co = card["lead"], card["co"]
    name = Text("  " * card["depth"], no_wrap=True, overflow="ellipsis")
    name.append(render.plain(card["name"]))
    rate = "–" if lead["on_time_rate"] is None else f"{lead['on_time_rate']}%"
    delay = _("{days:g} d").format(days=lead["avg_delay"]) if lead["avg_delay"] else "–"
    overdue = Text(str(lead["overdue"]), justify="right", style=render.STYLES["alert"] if lead["overdue"] else "dim")
    return [name, render.number(lead["open"]), overdue, Text(rate, justify="right"), Text(delay, justify="right"),
            render.number(lead["urges"]), render.number(co["open"]), render.number(co["overdue"])]


def fetch_units(session, offset: int = 0, limit: int = PagedTable.PAGE, search: str = "") -> Page:
    cards = units.scorecards(session.db)
    if search:
        cards = [c for c in cards if search.lower() in c["name"].lower()]
    return Page(cards[offset:offset + limit], len(cards))


class UnitsScreen(ListScreen):
    BINDINGS = [Binding("P", "people", N_("People"), id="units.people")]
    FIRST_PAGE = "units"

    def __init__(self):
        super().__init__(_("Units · lead (co-units counted apart)"))

    def make_table(self) -> PagedTable:
        def fetch(session, offset: int, limit: int) -> Page:
            return fetch_units(session, offset, limit, self.search)

        return PagedTable(unit_columns(), unit_cells, Source(fetch, key=lambda r: str(r["id"])), id="list")

    def on_paged_table_chosen(self, message: PagedTable.Chosen) -> None:
        row = message.row
        self.app.open_objectives(Filter(unit=row["id"]), row["name"])

    def action_people(self) -> None:
        from screens.people import PeopleScreen

        self.app.push_screen(PeopleScreen())
