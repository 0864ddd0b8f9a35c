"""The dashboard: the lights at a glance, what needs attention, the units."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from screens import render
from screens.base import BaseScreen
from screens.widgets import objective_table
from screens.widgets.paged_table import Column, Page, PagedTable, Source
from screens.workers import background
from superviser import dates, lights
from superviser.i18n import N_, _
from superviser.read import dashboard, objectives, units
from superviser.read.objectives import Filter


class LightCard(Static, can_focus=True):
    """One light's count; Enter opens those objectives."""

    BINDINGS = [Binding("enter", "open", N_("Open"), show=False, id="dashboard.light_open")]

    class Open(Message):
        def __init__(self, light: str):
            super().__init__()
            self.light = light

    def __init__(self, light: str):
        super().__init__(id=f"light-{light}", classes=f"light-card {light}")
        self.light = light
        self.count = 0

    def show(self, count: int) -> None:
        self.count = count
        symbol = lights.SYMBOLS[self.light]
        self.update(Content.assemble((f"{symbol} {count:,}", "bold"), "  ", lights.label(self.light)))

    def action_open(self) -> None:
        self.post_message(self.Open(self.light))

    def on_click(self, event: events.Click) -> None:
        self.action_open()


class Panel(Widget):
    """A titled box around a table; the title carries the count."""

    def __init__(self, title: str, table: PagedTable, **kwargs):
        super().__init__(**kwargs)
        self.title = title
        self.table = table
        self.border_title = title

    def compose(self) -> ComposeResult:
        yield self.table

    def show_count(self, count: int) -> None:
        self.border_title = f"{self.title} · {count:,}"

    def on_paged_table_loaded(self, message: PagedTable.Loaded) -> None:
        if message.total is not None:
            self.show_count(message.total)


def _waiting_cells(row: dict) -> list:
    if row["status"] in ("submitted", "verified"):
        what = _("verify") if row["status"] == "submitted" else _("close (verified)")
    else:
        what = _("extension → {date}").format(date=dates.short_date(row["extension_to"]))
    return [render.light(row["light"]), render.plain(row["ref"]), render.plain(row["title"]), render.plain(what)]


PANEL_PAGE = 20  # a panel shows about ten rows; more load as the cursor goes down


def _busy_units(cards: list[dict]) -> list[dict]:
    busy = [c for c in cards if c["lead"]["open"] or c["co"]["open"]]
    return sorted(busy, key=lambda c: (-c["lead"]["overdue"], -c["lead"]["open"], c["name"]))


def _unit_source(app) -> Source:
    def fetch(session, offset: int, limit: int) -> Page:
        cards = _busy_units(app.cached("scorecards", session, units.scorecards))
        return Page(cards[offset:offset + limit], len(cards))

    return Source(fetch=fetch, key=lambda row: str(row["id"]))


def _panel_source(name: str) -> Source:
    def fetch(session, offset: int, limit: int) -> Page:
        rows = dashboard.panel(session.db, name, offset, limit)
        return Page(rows, None)

    return Source(fetch=fetch, key=lambda row: row["ref"])


def _unit_cells(card: dict) -> list:
    lead = card["lead"]
    rate = "–" if lead["on_time_rate"] is None else f"{lead['on_time_rate']}%"
    return [render.plain(card["name"]), render.number(lead["open"]),
            Text(str(lead["overdue"]), justify="right", style=render.STYLES["alert"] if lead["overdue"] else "dim"),
            Text(rate, justify="right"), render.number(lead["urges"])]


class DashboardScreen(BaseScreen):
    BINDINGS = [
        Binding("r", "review", N_("Review"), id="dashboard.review"),
        Binding("slash", "search", N_("Search"), id="dashboard.search"),
        Binding("n", "new_decision", N_("New decision"), id="dashboard.new_decision"),
        Binding("tab", "app.focus_next", N_("Next panel"), show=False, id="dashboard.next"),
    ]

    def body(self) -> ComposeResult:
        self.first = self._prefetched()
        with Horizontal(id="lights"):
            for light in lights.LIGHTS:
                yield LightCard(light)
        wide = "-wide" if self.app.size.width >= 120 else ""  # decided now: changing it after mount restyles all
        with VerticalScroll(id="panels", classes=wide):
            # The panels' totals come from the one counting query (load_counts).
            panel_columns = objective_table.columns(with_status=False)

            def panel_table(name: str) -> PagedTable:
                return PagedTable(panel_columns, lambda row: objective_table.cells(row, with_status=False),
                                  _panel_source(name), id=name, page=PANEL_PAGE, first=self._first_page(name))

            yield Panel(_("Overdue"), panel_table("overdue"), classes="panel", id="panel-overdue")
            yield Panel(_("Due soon"), panel_table("due-soon"), classes="panel", id="panel-due_soon")
            yield Panel(_("No report for too long"), panel_table("silent"), classes="panel", id="panel-silent")
            waiting_columns = [Column("light", _("light"), 8), Column("ref", _("ref"), 12),
                               Column("title", _("title"), None), Column("what", _("waiting for"), 18)]
            yield Panel(_("Waiting for the office"),
                        PagedTable(waiting_columns, _waiting_cells, _panel_source("waiting"), id="waiting",
                                   page=PANEL_PAGE, first=self._first_page("waiting")),
                        classes="panel", id="panel-waiting")
            unit_columns = [Column("unit", _("unit"), None), Column("open", _("open"), 6, justify="right"),
                            Column("overdue", _("overdue"), 8, justify="right"),
                            Column("on_time", _("on time"), 8, justify="right"),
                            Column("urges", _("urges"), 6, justify="right")]
            yield Panel(_("Units"), PagedTable(unit_columns, _unit_cells, _unit_source(self.app), id="units", page=PANEL_PAGE,
                                               first=self._first_units()),
                        classes="panel units-panel")

    def on_mount(self) -> None:
        self.query_one("#panels").can_focus = False  # Tab goes from table to table, not to their box
        self.query_one("#lights LightCard").focus()

    def on_resize(self, event: events.Resize) -> None:
        panels = self.query_one("#panels")
        wide = event.size.width >= 120
        if panels.has_class("-wide") != wide:
            panels.set_class(wide, "-wide")

    def _prefetched(self) -> dict | None:
        """The dashboard's data if the launcher read it while the app started (the
        first frame then shows it); None to load it the ordinary way."""
        future, self.app.prefetched = self.app.prefetched, None
        if future is None:
            return None
        try:
            data = future.result(timeout=5)
        except Exception:  # loaded again below, the ordinary way, which reports any problem
            return None
        self.app.remember("scorecards", data["scorecards"])
        return data

    def _first_page(self, name: str) -> Page | None:
        return Page(self.first["panels"][name], None) if self.first else None

    def _first_units(self) -> Page | None:
        if not self.first:
            return None
        cards = _busy_units(self.first["scorecards"])
        return Page(cards[:PANEL_PAGE], len(cards))

    def refresh_data(self) -> None:
        if self.first is not None:
            self._show_counts(self.first["overview"])
            self.first = None
            return
        self.load_counts()
        for table in self.query(PagedTable):
            table.reload()

    @background("counts")
    def load_counts(self) -> None:
        counts = self.app.backend.call(lambda session: objectives.overview(session.db))
        self.app.call_from_thread(self._show_counts, counts)

    def _show_counts(self, counts: dict) -> None:
        for light, count in counts["lights"].items():
            self.query_one(f"#light-{light}", LightCard).show(count)
        for reason in ("overdue", "due_soon", "silent"):
            self.query_one(f"#panel-{reason}", Panel).show_count(counts["reasons"].get(reason, 0))
        self.query_one("#panel-waiting", Panel).show_count(counts["waiting"])

    def on_light_card_open(self, message: LightCard.Open) -> None:
        title = _("{light} objectives").format(light=lights.label(message.light))
        self.app.open_objectives(Filter(light=message.light), title)

    def on_paged_table_chosen(self, message: PagedTable.Chosen) -> None:
        row = message.row
        if message.table.id == "units":
            self.app.open_objectives(Filter(unit=row["id"], open_only=True), row["name"])
        else:
            self.app.open_objective(row["ref"])

    def action_review(self) -> None:
        self.app.start_review()

    def action_search(self) -> None:
        self.app.open_objectives(Filter(), _("All objectives"), search=True)

    def action_new_decision(self) -> None:
        from screens.register import new_decision

        new_decision(self.app)



