"""The dashboard: the lights at a glance, what needs attention, the units."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import get_current_worker

from screens import render
from screens.base import BaseScreen
from screens.role_keys import RoleKeys
from screens.widgets import objective_table
from screens.widgets.paged_table import Column, Page, PagedTable, Source
from screens.workers import background
from superviser import dates, lights, quantities
from superviser.i18n import N_, _, ngettext
from superviser.read import counts, dashboard, outbox, units
from superviser.read.objectives import Filter


class LightCard(Static, can_focus=True):
    """One light's count and what makes it up ("4 overdue, 1 set red by the office");
    Enter opens those objectives."""

    BINDINGS = [Binding("enter", "open", N_("Open"), show=False, id="dashboard.light_open")]

    class Open(Message):
        def __init__(self, light: str):
            super().__init__()
            self.light = light

    def __init__(self, light: str):
        super().__init__(id=f"light-{light}", classes=f"light-card {light}")
        self.light = light
        self.count = 0
        self.shown = Content("")

    def show(self, count: int, causes: dict[str, int]) -> None:
        self.count = count
        symbol = lights.SYMBOLS[self.light]
        lines = [Content.assemble((f"{symbol} {quantities.count(count)}", "bold"), "  ", lights.label(self.light))]
        if count:
            lines.append(Content.styled(lights.causes_text(self.light, causes), "dim"))
        self.shown = Content("\n").join(lines)
        self.update(self.shown)

    def lines(self, width: int) -> int:
        """Lines the card's text takes at this width."""
        return sum(len(line.wrap(max(1, width))) for line in self.shown.split("\n"))

    def action_open(self) -> None:
        self.post_message(self.Open(self.light))

    def on_click(self, event: events.Click) -> None:
        self.action_open()


class DeliveriesLine(Static):
    """One line, shown while deliveries failed or their fate is unknown; f (or a click) lists them."""

    class Open(Message):
        pass

    def __init__(self):
        super().__init__(id="deliveries")
        self.count = 0
        self.display = False

    def show(self, found: dict[str, int]) -> None:
        self.count = found["failed"] + found["unknown"]
        self.display = self.count > 0
        if not self.count:
            return
        parts = []
        if found["failed"]:
            parts.append(ngettext("{n} delivery failed", "{n} deliveries failed", found["failed"]).format(n=found["failed"]))
        if found["unknown"]:
            parts.append(ngettext("{n} delivery unknown", "{n} deliveries unknown", found["unknown"]).format(
                n=found["unknown"]))
        self.update(Content.assemble(("✗ " + _(", ").join(parts), render.STYLES["alert"]),
                                     ("  " + _("f: see them and queue them again"), "dim")))

    def on_click(self, event: events.Click) -> None:
        self.post_message(self.Open())


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
        self.border_title = f"{self.title} · {quantities.count(count)}"

    def on_paged_table_loaded(self, message: PagedTable.Loaded) -> None:
        if message.total is not None:
            self.show_count(message.total)


def _waiting_cells(row: dict) -> list:
    if row["status"] in ("submitted", "verified"):
        what = _("verify") if row["status"] == "submitted" else _("close (verified)")
    else:
        what = _("extension → {date}").format(date=dates.short_date(row["extension_to"]))
    return [render.light(row["light"], set_by_office=row["set_by_office"]), render.plain(row["ref"]),
            render.plain(row["title"]), render.plain(what)]


def _waiting_width() -> int:
    """The "waiting for" column: 18 cells ("extension → Dec 20", "prórroga → 28 sept"), or
    the longest of its phrases in the reader's language ("cerrar (verificado)" is 19)."""
    return max(18, *(cell_len(text) for text in (_("waiting for"), _("verify"), _("close (verified)"))))


PANEL_PAGE = 20  # a panel shows about ten rows; more load as the cursor goes down

# The panels side by side only from here: each is then as wide as the one column at 80 cells.
# Narrower, a half-width panel had no room for the lead unit and cut titles to a few words.
TWO_COLUMNS = 160


def _busy_units(cards: list[dict]) -> list[dict]:
    busy = [c for c in cards if c["lead"]["open"] or c["co"]["open"]]
    return sorted(busy, key=lambda c: (-c["lead"]["overdue"], -c["lead"]["open"], c["name"]))


def _units_page(cards: list[dict]) -> Page:
    busy = _busy_units(cards)
    return Page(busy[:PANEL_PAGE], len(busy))


def _unit_source() -> Source:
    def fetch(session, offset: int, limit: int) -> Page:
        cards = _busy_units(units.scorecards(session.db))
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


class DashboardScreen(RoleKeys, BaseScreen):
    AUTO_FOCUS = ""  # the first card is focused once the screen is drawn (on_mount)
    # With a tooltip: in the command palette too (screens/commands.py).
    BINDINGS = [
        Binding("r", "review", N_("Review"), id="dashboard.review",
                tooltip=N_("Start the daily review: what needs attention, worst first")),
        Binding("f", "deliveries", N_("Failed deliveries"), id="dashboard.deliveries",
                tooltip=N_("Messages to units that failed, or whose delivery is unknown")),
        Binding("slash", "search", N_("Search"), id="dashboard.search",
                tooltip=N_("Find objectives by reference, title or detail")),
        Binding("n", "new_decision", N_("New decision"), id="dashboard.new_decision"),
        Binding("tab", "app.focus_next", N_("Next panel"), show=False, id="dashboard.next"),
    ]
    ROLE_STEPS = {"review": "review", "new_decision": "decision.add"}  # offered to whom the role allows

    def body(self) -> ComposeResult:
        self.first = self._prefetched()
        self.cards = {light: LightCard(light) for light in lights.LIGHTS}
        self.lights_row = Horizontal(*self.cards.values(), id="lights")
        yield self.lights_row
        self.deliveries = DeliveriesLine()
        yield self.deliveries
        wide = "-wide" if self.app.size.width >= TWO_COLUMNS else ""  # decided now: changing it after mount restyles all
        if self.first is not None:  # in the very first frame, at the height it needs
            self._show_lights(self.first["overview"], self.first["deliveries"])
        widths = self._table_widths()
        with VerticalScroll(id="panels", classes=wide):
            # The panels' totals come from the one counting query (load_counts).
            panel_columns = objective_table.columns(with_status=False)
            aligned: list[PagedTable] = []  # one above the other: their columns line up

            def panel_table(name: str) -> PagedTable:
                return PagedTable(panel_columns, lambda row: objective_table.cells(row, with_status=False),
                                  _panel_source(name), id=name, page=PANEL_PAGE, first=self._first_page(name),
                                  width=widths[name], aligned=aligned)

            self.panels = {
                "overdue": Panel(_("Overdue"), panel_table("overdue"), classes="panel", id="panel-overdue"),
                "due_soon": Panel(_("Due soon"), panel_table("due-soon"), classes="panel", id="panel-due_soon"),
                "silent": Panel(_("No report for too long"), panel_table("silent"), classes="panel", id="panel-silent"),
            }
            yield from self.panels.values()
            waiting_columns = [Column("light", _("light"), render.light_width()), Column("ref", _("ref"), 12),
                               Column("title", _("title"), None, grow=2), Column("what", _("waiting for"), _waiting_width())]
            self.panels["waiting"] = Panel(
                _("Waiting for the office"),
                PagedTable(waiting_columns, _waiting_cells, _panel_source("waiting"), id="waiting", page=PANEL_PAGE,
                           first=self._first_page("waiting"), width=widths["waiting"]),
                classes="panel", id="panel-waiting")
            yield self.panels["waiting"]
            unit_columns = [Column("unit", _("unit"), None), Column("open", _("open"), 6, justify="right"),
                            Column("overdue", _("overdue"), 8, justify="right"),
                            Column("on_time", _("on time"), 8, justify="right"),
                            Column("urges", _("urges"), 6, justify="right")]
            yield Panel(_("Units"), PagedTable(unit_columns, _unit_cells, _unit_source(), id="units", page=PANEL_PAGE,
                                               first=self._first_units(), width=widths["units"]),
                        classes="panel units-panel")
        if self.first is not None:
            self._show_panel_counts(self.first["overview"])

    def _table_widths(self) -> dict[str, int]:
        """How wide the first layout makes each panel's table (app.tcss: the panels' grid, one
        column below TWO_COLUMNS cells and two from there with a gutter between, their round borders,
        and the scrollbar #panels takes when they are taller than the room under the lights),
        so the tables fill as they mount and the first frame has their rows and scrollbars.
        A wrong guess costs a second frame, nothing else; tests/app/test_dashboard_first_frame.py
        holds it to the layout."""
        width, height = self.app.size
        lights = self.lights_row.styles.height
        room = height - 2 - (lights.value if lights else 5) - (1 if self.deliveries.display else 0)  # nav, keys
        wide = width >= TWO_COLUMNS
        inner = width - (2 if (3 * 12 if wide else 5 * 9) > room else 0)
        if not wide:
            return dict.fromkeys(("overdue", "due-soon", "silent", "waiting", "units"), inner - 2)
        left = (inner - 1) // 2
        right = inner - 1 - left
        return {"overdue": left - 2, "due-soon": right - 2, "silent": left - 2, "waiting": right - 2, "units": inner - 2}

    def on_mount(self) -> None:
        self.query_one("#panels").can_focus = False  # Tab goes from table to table, not to their box
        # Focused after the first paint: a card focused before it is left out of the app's
        # first frame (Textual drops the paints made while the app starts and then sends only
        # what changed since), and appears a frame later.
        self.call_after_refresh(self.query_one("#lights LightCard").focus)

    def on_resize(self, event: events.Resize) -> None:
        panels = self.query_one("#panels")
        wide = event.size.width >= TWO_COLUMNS
        if panels.has_class("-wide") != wide:
            panels.set_class(wide, "-wide")
        self.call_after_refresh(self._fit_lights)

    def _fit_lights(self) -> None:
        """The light cards as tall as the longest explanation needs at this width (worked
        out from the screen's width before the first layout, so the first frame is right)."""
        cards = self.cards.values()
        width = min(card.content_size.width for card in cards) or self.app.size.width // len(cards) - 2
        height = max(3, max(card.lines(width) for card in cards) + 2)  # and the border
        row = self.lights_row
        if row.styles.height is None or row.styles.height.value != height:
            row.styles.height = height

    def _prefetched(self) -> dict | None:
        """The dashboard's data if the launcher has read it already (the first frame then
        shows it); None otherwise: the frame is drawn without waiting, and filled in when
        the data arrives."""
        future = self.app.prefetched
        if future is None or not future.done():
            return None
        self.app.prefetched = None
        return None if future.exception() else future.result()

    def _first_page(self, name: str) -> Page | None:
        return Page(self.first["panels"][name], None) if self.first else None

    def _first_units(self) -> Page | None:
        return _units_page(self.first["scorecards"]) if self.first else None

    def refresh_data(self) -> None:
        if self.first is not None:  # shown as the screen was built
            self.first = None
            return
        if self.app.prefetched is not None:
            self._await_prefetched()
            return
        self.load_counts()
        for table in self.query(PagedTable):
            table.reload()

    @background("counts")
    def _await_prefetched(self) -> None:
        """The launcher's read, still under way when the frame was drawn: its numbers
        when it ends (read again, the ordinary way, if it failed)."""
        future, self.app.prefetched = self.app.prefetched, None
        try:
            data = future.result()
        except Exception:  # noqa: BLE001 - read again below, the ordinary way, which reports any problem
            self.app.call_from_thread(self.refresh_data)
            return
        if not get_current_worker().is_cancelled:  # a reload after a change replaced it
            self.app.call_from_thread(self._show_prefetched, data)

    def _show_prefetched(self, data: dict) -> None:
        self._show_counts(data["overview"], data["deliveries"])
        for name in dashboard.PANELS:
            self.query_one(f"#{name}", PagedTable).preload(Page(data["panels"][name], None))
        self.query_one("#units", PagedTable).preload(_units_page(data["scorecards"]))

    @background("counts")
    def load_counts(self) -> None:
        found, deliveries = self.app.backend.call(lambda session: (counts.overview(session.db),
                                                                   outbox.trouble(session.db)))
        self.app.call_from_thread(self._show_counts, found, deliveries)

    def _show_counts(self, found: dict, deliveries: dict[str, int]) -> None:
        self._show_lights(found, deliveries)
        self._show_panel_counts(found)

    def _show_lights(self, found: dict, deliveries: dict[str, int]) -> None:
        self.deliveries.show(deliveries)
        self.refresh_bindings()
        for light, count in found["lights"].items():
            self.cards[light].show(count, found["causes"][light])
        self._fit_lights()

    def _show_panel_counts(self, found: dict) -> None:
        for reason in ("overdue", "due_soon", "silent"):
            self.panels[reason].show_count(found["reasons"].get(reason, 0))
        self.panels["waiting"].show_count(found["waiting"])

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

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "deliveries":
            return self.deliveries.count > 0  # offered while something failed
        return super().check_action(action, parameters)

    def on_deliveries_line_open(self, message: DeliveriesLine.Open) -> None:
        self.action_deliveries()

    def action_deliveries(self) -> None:
        from screens.deliveries import DeliveriesScreen

        self.app.push_screen(DeliveriesScreen())

    def action_search(self) -> None:
        self.app.open_objectives(Filter(), _("All objectives"), search=True)

    def action_new_decision(self) -> None:
        from screens.register import new_decision

        new_decision(self.app)



