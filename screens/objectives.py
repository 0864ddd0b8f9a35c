"""A filtered list of objectives: a light from the dashboard, a unit, a search."""

from __future__ import annotations

from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from screens.base import BaseScreen
from screens.localize import Localized
from screens.widgets.filter_bar import FilterBar
from screens.widgets.objective_table import ObjectiveTable
from screens.widgets.paged_table import PagedTable
from superviser.i18n import N_, _
from superviser.read.objectives import Filter


class ListScreen(Localized, BaseScreen):
    """A titled list with a count line and the ``/`` filter (subclasses set the table)."""

    BINDINGS = [Binding("slash", "filter", N_("Filter"), id="list.filter")]

    def __init__(self, title: str, *, search: bool = False):
        super().__init__()
        self.list_title = title
        self.search = ""
        self.open_search = search

    def make_table(self) -> PagedTable:
        raise NotImplementedError

    def body(self) -> ComposeResult:
        yield Static(self.list_title, id="list-title", classes="title", markup=False)
        self.table = self.make_table()
        yield self.table
        yield Static("", id="count", classes="count", markup=False)
        yield FilterBar(id="filter")

    def on_mount(self) -> None:
        super().on_mount()
        if self.open_search:
            self.query_one(FilterBar).open()
        else:
            self.table.focus()

    def refresh_data(self) -> None:
        self.table.reload()

    def on_paged_table_loaded(self, message: PagedTable.Loaded) -> None:
        shown = message.table.loaded
        text = _("{shown:,} of {total:,}").format(shown=shown, total=message.total)
        if self.search:
            text += "  ·  " + _("filter: {text}").format(text=self.search)
        self.query_one("#count", Static).update(text)

    def action_filter(self) -> None:
        self.query_one(FilterBar).open()

    def on_filter_bar_typed(self, message: FilterBar.Typed) -> None:
        self.search = message.value.strip()
        self.table.reload()

    def on_filter_bar_finished(self, message: FilterBar.Finished) -> None:
        self.table.focus()


class ObjectivesScreen(ListScreen):

    def __init__(self, flt: Filter, title: str, *, search: bool = False, order: str = "deadline"):
        super().__init__(title, search=search)
        self.base_filter = flt
        self.order = order

    def make_table(self) -> PagedTable:
        return ObjectiveTable(lambda: replace(self.base_filter, search=self.search or None), order=self.order, id="list")

    def on_paged_table_chosen(self, message: PagedTable.Chosen) -> None:
        self.app.open_objective(message.row["ref"])
