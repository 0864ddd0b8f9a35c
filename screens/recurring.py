"""Recurring matters (Decisions → R): the templates, when each comes next and how many
objectives each registered; n adds one and E changes one (their declared forms, ``recur.add``
and ``recur.edit``), Enter lists the objectives it registered. ``superviser recur run`` (cron)
registers what is due."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from screens import render
from screens.forms import FormScreen
from screens.objectives import ListScreen
from screens.role_keys import RoleKeys
from screens.widgets.paged_table import Column, Page, PagedTable, Source
from superviser import clock, recurring
from superviser.actions import ACTIONS
from superviser.i18n import N_, _
from superviser.read.objectives import Filter


def fetch_recurrences(session, offset: int, limit: int, search: str = "") -> Page:
    rows = recurring.recurrences(session.db)
    if search:
        needle = search.lower()
        rows = [r for r in rows if needle in r["title"].lower() or needle in r["lead_unit"].lower()]
    today = clock.today()
    page = rows[offset:offset + limit]
    for row in page:
        row["next"] = recurring.upcoming(session.db, row, today)
        row["rule_text"] = recurring.rule_text(row)
    return Page(page, len(rows))


def _cells(row: dict) -> list:
    title = render.plain(row["title"])
    if not row["active"]:
        title.stylize("dim")
    return [render.number(row["id"], dim_zero=False), title, render.plain(row["decision_ref"]),
            render.plain(row["lead_unit"]), render.plain(row["rule_text"]), render.number(row["days"], dim_zero=False),
            render.number(row["instances"]),
            Text(row["next"], style="dim" if not row["active"] else "", no_wrap=True, overflow="ellipsis")]


class RecurringScreen(RoleKeys, ListScreen):
    BINDINGS = [
        Binding("n", "add", N_("New recurring matter"), id="recurring.add"),
        Binding("E", "edit", N_("Change"), id="recurring.edit"),
    ]
    ROLE_STEPS = {"add": "recur.add", "edit": "recur.edit"}

    def __init__(self):
        super().__init__(_("Recurring matters"))

    def above_table(self) -> ComposeResult:
        yield Static(render.code_marks(_("When one is due, `superviser recur run` (cron, each morning) registers and "
                                         "assigns it as an objective of its own; Enter lists those it registered."))
                     .stylize("dim"), id="recurring-intro")

    def make_table(self) -> PagedTable:
        columns = [Column("id", "#", 4, justify="right"), Column("title", _("title"), None, min_width=14, grow=2),
                   Column("decision", _("decision"), 10, hide_below=140), Column("lead", _("lead unit"), None),
                   Column("rule", _("repeats"), None, hide_below=100),
                   Column("days", _("days"), 6, justify="right", hide_below=120),
                   Column("made", _("registered"), 10, justify="right"), Column("next", _("next one"), None)]

        def fetch(session, offset: int, limit: int) -> Page:
            return fetch_recurrences(session, offset, limit, self.search)

        return PagedTable(columns, _cells, Source(fetch, key=lambda r: str(r["id"])), id="list")

    def on_paged_table_chosen(self, message: PagedTable.Chosen) -> None:
        row = message.row
        self.app.open_objectives(Filter(recurrence=row["id"]), _("{title} · registered").format(title=row["title"]))

    def action_add(self) -> None:
        action = ACTIONS["recur.add"]
        self.app.push_screen(FormScreen(
            _(action.title), action.fields, lambda s, v: action.perform(s, None, v), unit_names=self.app.unit_names,
            intro=_("Each time one is due, it is registered and assigned as an objective of its own."),
            initial={"start": clock.today().isoformat(), "rhythm": "none"}))

    def action_edit(self) -> None:
        row = self.table.selected()
        if row is None:
            return
        action = ACTIONS["recur.edit"]
        initial = {"title": row["title"], "lead": row["lead_unit"], "co": row["co_units"] or "", "rule": row["rule"],
                   "start": row["start_on"], "days": row["days"], "gap": row["gap"],
                   "rhythm": row["report_rhythm"] or "none", "priority": row["priority"], "detail": row["detail"],
                   "active": bool(row["active"])}
        self.app.push_screen(FormScreen(
            f"{_(action.title)} · #{row['id']}", action.fields, lambda s, v: action.perform(s, str(row["id"]), v),
            unit_names=self.app.unit_names, initial=initial,
            intro=_("The objectives it registered stay as they are; the next ones follow these values.")))
