"""People: who is who (director only changes it)."""

from __future__ import annotations

from textual.binding import Binding

from screens import render
from screens.forms import FormScreen
from screens.objectives import ListScreen
from screens.widgets.paged_table import Column, Page, PagedTable, Source
from superviser import actions, roles
from superviser.actions import ACTIONS
from superviser.i18n import N_, _
from superviser.read.people import people


class PeopleTable(PagedTable):
    # Enter is the table's own key (it selects the row); naming it here puts it in the key bar.
    BINDINGS = [Binding("enter", "select_cursor", N_("Change"), id="people.edit")]


class PeopleScreen(ListScreen):
    BINDINGS = [
        Binding("n", "add", N_("Add a person"), id="people.add"),
        Binding("delete", "deactivate", N_("Deactivate"), id="people.deactivate"),
    ]

    def __init__(self):
        super().__init__(_("People"))

    def make_table(self) -> PagedTable:
        def fetch(session, offset: int, limit: int) -> Page:
            rows = people(session.db, include_inactive=True)
            if self.search:
                needle = self.search.lower()
                rows = [r for r in rows if needle in r["login"].lower() or needle in r["name"].lower()]
            return Page(rows[offset:offset + limit], len(rows))

        columns = [Column("login", _("login"), 14), Column("name", _("name"), None), Column("role", _("role"), 12),
                   Column("unit", _("unit"), None), Column("active", _("active"), 6)]

        def cells(row: dict) -> list:
            return [render.plain(row["login"]), render.plain(row["name"]), render.plain(roles.role_label(row["role"])),
                    render.plain(row["unit"] or ""), render.plain(_("yes") if row["active"] else _("no"))]

        return PeopleTable(columns, cells, Source(fetch, key=lambda r: r["login"]), id="list")

    def _allowed(self) -> bool:
        problem = actions.role_refusal("person.add", self.app.person, self.app.login)
        if problem:
            self.notify(problem, severity="warning", markup=False)
        return problem is None

    def action_add(self) -> None:
        if not self._allowed():
            return
        action = ACTIONS["person.add"]
        self.app.push_screen(FormScreen(_("Add a person"), action.fields, lambda s, v: action.perform(s, None, v),
                                        unit_names=self.app.unit_names, initial={"role": "liaison"}))

    def on_paged_table_chosen(self, message: PagedTable.Chosen) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        row = self.table.selected()
        if row is None or not self._allowed():
            return
        action = ACTIONS["person.edit"]
        fields = [f for f in action.fields if f.key != "active"]
        self.app.push_screen(FormScreen(
            _("Change {login}").format(login=row["login"]), fields,
            lambda s, v: action.perform(s, row["login"], {**v, "unit": v["unit"] or ""}),
            unit_names=self.app.unit_names, initial={"name": row["name"], "role": row["role"], "unit": row["unit"]}))

    def action_deactivate(self) -> None:
        row = self.table.selected()
        if row is None or not self._allowed():
            return
        action = ACTIONS["person.edit"]
        self.app.push_screen(FormScreen(
            _("Deactivate {login}").format(login=row["login"]), [],
            lambda s, v: action.perform(s, row["login"], {"active": False}),
            intro=_("{name} will no longer be able to act; their steps stay in the log.").format(name=row["name"]),
            submit_label=_("Deactivate")))
