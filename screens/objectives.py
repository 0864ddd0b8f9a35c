"""A filtered list of objectives: a light from the dashboard, a unit, a search."""

from __future__ import annotations

from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from screens.base import BaseScreen
from screens.widgets.filter_bar import FilterBar
from screens.widgets.key_bar import KeyBar
from screens.widgets.objective_table import ObjectiveTable
from screens.widgets.paged_table import PagedTable
from superviser.i18n import N_, _
from superviser.quantities import count
from superviser.read import search
from superviser.read.objectives import Filter


class ListScreen(BaseScreen):
    """A titled list with a count line and the ``/`` filter (subclasses set the table)."""

    BINDINGS = [Binding("slash", "filter", N_("Filter"), id="list.filter")]
    FIRST_PAGE: str | None = None  # a section whose first page the app prefetches

    def __init__(self, title: str, *, search: bool = False):
        super().__init__()
        self.list_title = title
        self.search = ""
        self.open_search = search

    def make_table(self) -> PagedTable:
        raise NotImplementedError

    def above_table(self) -> ComposeResult:
        """What a list shows between its title and its rows (nothing, unless a screen says)."""
        yield from ()

    def below_table(self) -> ComposeResult:
        """What a list shows between its rows and its count (nothing, unless a screen says)."""
        yield from ()

    def body(self) -> ComposeResult:
        yield Static(self.list_title, id="list-title", classes="title", markup=False)
        yield from self.above_table()
        self.table = self.make_table()
        first = self.app.backend.fresh(f"first:{self.FIRST_PAGE}") if self.FIRST_PAGE else None
        if first is not None:
            self.table.start_with(first)  # drawn once, with its rows
        yield self.table
        yield from self.below_table()
        yield Static("", id="count", classes="count", markup=False)

    def on_mount(self) -> None:
        if self.open_search:
            self.action_filter()
        else:
            self.table.focus()

    def filter_bar(self) -> FilterBar:
        """The ``/`` input, mounted the first time it is wanted."""
        bars = self.query(FilterBar)
        if bars:
            return bars.first()
        bar = FilterBar(id="filter")
        self.mount(bar, before=self.query_one(KeyBar))
        return bar

    def refresh_data(self) -> None:
        if self.table.started_fresh:
            self.table.started_fresh = False
            return
        self.table.reload()

    def on_paged_table_loaded(self, message: PagedTable.Loaded) -> None:
        shown = message.table.loaded
        if message.total is None and self.search:  # more matches than a search looks at
            text = _("{shown} of the newest {cap} matches").format(shown=count(shown), cap=count(search.CAP))
        elif message.total is None:
            text = count(shown)
        else:
            text = _("{shown} of {total}").format(shown=count(shown), total=count(message.total))
        if self.search:
            text += "  ·  " + _("filter: {text}").format(text=self.search)
        self.query_one("#count", Static).update(text)

    def action_filter(self) -> None:
        bar = self.filter_bar()
        self.call_after_refresh(bar.open)

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
