"""Units as a tree, each with its scorecard; a unit opens its objectives."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from screens import render
from screens.forms import FormScreen
from screens.objectives import ListScreen
from screens.role_keys import RoleKeys
from screens.widgets.paged_table import Column, Page, PagedTable, Source
from superviser.actions import ACTIONS
from superviser.i18n import N_, _, is_chinese
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
    if not card.get("active", 1):
        name.append(" " + _("(deactivated)"), style="dim")
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


class UnitsScreen(RoleKeys, ListScreen):
    # With a tooltip: in the command palette too (screens/commands.py).
    BINDINGS = [
        Binding("s", "scores", N_("Scores"), id="units.scores",
                tooltip=N_("Each unit's points and rank for a quarter, a year or any period")),
        Binding("P", "people", N_("People"), id="units.people",
                tooltip=N_("Who is who: logins, roles, units and contact details")),
        Binding("c", "channels", N_("Channels"), id="units.channels"),
        Binding("n", "add", N_("New unit"), id="units.add", tooltip=N_("Add a unit to the tree")),
        Binding("E", "edit", N_("Change unit"), id="units.edit"),
        Binding("delete", "deactivate", N_("Deactivate"), id="units.deactivate"),
    ]
    FIRST_PAGE = "units"
    ROLE_STEPS = {"add": "unit.add", "edit": "unit.edit", "deactivate": "unit.edit"}

    def __init__(self):
        super().__init__(_("Units · lead (co-units counted apart)"))

    def above_table(self) -> ComposeResult:
        # What the figures cover: not the period the assessment (Scores, its key's name) counts, nor its rate.
        scores = _("{scores}: per period, overdue as late.").format(scores=_("Scores"))
        between = "" if is_chinese() else " "  # (a Chinese full stop takes no space after it)
        yield Static(Content.assemble(units.explained(), between, scores), id="units-scope", classes="count")

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

    def action_channels(self) -> None:
        from screens.channels import ChannelsScreen

        row = self.table.selected()
        if row is not None:
            self.app.push_screen(ChannelsScreen(row["id"], row["name"]))

    def action_scores(self) -> None:
        from screens.scores import ScoresScreen

        self.app.push_screen(ScoresScreen())

    # --- the director keeps the tree (offered only to whom the core allows: RoleKeys) ----------
    def action_add(self) -> None:
        action = ACTIONS["unit.add"]
        row = self.table.selected()
        self.app.push_screen(FormScreen(_("New unit"), action.fields, lambda s, v: action.perform(s, None, v),
                                        unit_names=self.app.unit_names,
                                        initial={"parent": row["name"] if row else ""}))

    def action_edit(self) -> None:
        row = self.table.selected()
        if row is None:
            return
        action = ACTIONS["unit.edit"]
        parent = next((c["name"] for c in self.table.rows_loaded if c["id"] == row["parent_id"]), "")
        fields = [f for f in action.fields if f.key != "active"]
        self.app.push_screen(FormScreen(
            _("Change {unit}").format(unit=row["name"]), fields,
            lambda s, v: action.perform(s, str(row["id"]), {**v, "parent": v["parent"] or ""}),
            unit_names=self.app.unit_names, initial={"name": row["name"], "parent": parent}))

    def action_deactivate(self) -> None:
        row = self.table.selected()
        if row is None:
            return
        action = ACTIONS["unit.edit"]
        active = bool(row.get("active", 1))
        title = _("Deactivate {unit}") if active else _("Reactivate {unit}")
        intro = (_("{unit} will no longer be offered for new work; its history stays.") if active
                 else _("{unit} will be offered for new work again."))
        self.app.push_screen(FormScreen(
            title.format(unit=row["name"]), [], lambda s, v: action.perform(s, str(row["id"]), {"active": not active}),
            intro=intro.format(unit=row["name"]), submit_label=_("Deactivate") if active else _("Reactivate")))
