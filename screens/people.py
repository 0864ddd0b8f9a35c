"""People: who is who (director only changes it), and how each is reached: mail, mobile,
whether they head their unit (the director keeps these; anyone may keep their own)."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable

from screens import render
from screens.forms import FormScreen
from screens.objectives import ListScreen
from screens.role_keys import RoleKeys
from screens.widgets.paged_table import Column, Page, PagedTable, Source
from superviser import actions, roles
from superviser.actions import ACTIONS
from superviser.i18n import N_, _
from superviser.read.people import people


class PeopleTable(PagedTable):
    # Enter is the table's own key (it selects the row); naming it here puts it in the key bar,
    # for whom the core lets change people (pressed by anyone else, the screen says why not).
    BINDINGS = [Binding("enter", "select_cursor", N_("Change"), id="people.edit")]

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "select_cursor" and actions.role_refusal("person.edit", self.app.person, self.app.login):
            return None
        return True


class PeopleScreen(RoleKeys, ListScreen):
    BINDINGS = [
        Binding("c", "contact", N_("Contact"), id="people.contact"),
        Binding("n", "add", N_("Add a person"), id="people.add"),
        Binding("delete", "deactivate", N_("Deactivate"), id="people.deactivate"),
    ]
    ROLE_STEPS = {"add": "person.add", "deactivate": "person.edit", "select_cursor": "person.edit"}

    def __init__(self):
        super().__init__(_("People"))
        self.placed = False  # the cursor's first place, once the rows are in

    def make_table(self) -> PagedTable:
        def fetch(session, offset: int, limit: int) -> Page:
            rows = people(session.db, include_inactive=True)
            if self.search:
                needle = self.search.lower()
                rows = [r for r in rows if needle in r["login"].lower() or needle in r["name"].lower()]
            return Page(rows[offset:offset + limit], len(rows))

        columns = [Column("login", _("login"), 14), Column("name", _("name"), None), Column("role", _("role"), 12),
                   Column("unit", _("unit"), None), Column("email", _("mail"), None, hide_below=100),
                   Column("mobile", _("mobile"), 13, hide_below=120), Column("active", _("active"), 6)]

        def cells(row: dict) -> list:
            unit = render.plain(row["unit"] or "")
            if row["unit_head"]:
                unit.append(" · " + _("head"), style="dim")
            return [render.plain(row["login"]), render.plain(row["name"]), render.plain(roles.role_label(row["role"])),
                    unit, render.plain(row["email"] or ""), render.plain(row["mobile"] or ""),
                    render.plain(_("yes") if row["active"] else _("no"))]

        return PeopleTable(columns, cells, Source(fetch, key=lambda r: r["login"]), id="list")

    # --- what is offered ---------------------------------------------------------------------
    def key_refusal(self, action: str) -> str | None:
        if action == "contact":
            row = self.table.selected()
            if row is None:
                return _("loading…")
            return actions.contact_refusal(self.app.person, self.app.login, row["login"])
        return super().key_refusal(action)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()  # "Contact" depends on whose row it is

    def on_paged_table_loaded(self, message: PagedTable.Loaded) -> None:
        if not self.placed and actions.role_refusal("person.contact", self.app.person, self.app.login):
            # Someone who keeps only their own contact starts on their own row, where c is offered.
            logins = [row["login"] for row in self.table.rows_loaded]
            if self.app.login in logins:
                self.table.move_cursor(row=logins.index(self.app.login), animate=False)
        self.placed = True
        self.refresh_bindings()

    # --- acting --------------------------------------------------------------------------------
    def action_add(self) -> None:
        action = ACTIONS["person.add"]
        self.app.push_screen(FormScreen(_("Add a person"), action.fields, lambda s, v: action.perform(s, None, v),
                                        unit_names=self.app.unit_names, initial={"role": "liaison"}))

    def on_paged_table_chosen(self, message: PagedTable.Chosen) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        row = self.table.selected()
        if row is None:
            return
        action = ACTIONS["person.edit"]
        fields = [f for f in action.fields if f.key != "active"]
        self.app.push_screen(FormScreen(
            _("Change {login}").format(login=row["login"]), fields,
            lambda s, v: action.perform(s, row["login"], {**v, "unit": v["unit"] or ""}),
            unit_names=self.app.unit_names, initial={"name": row["name"], "role": row["role"], "unit": row["unit"]}))

    def action_contact(self) -> None:
        """Mail and mobile ("" clears one); whether they head their unit, for the director."""
        row = self.table.selected()
        if row is None:
            return
        action = ACTIONS["person.contact"]
        keeps_head = actions.contact_refusal(self.app.person, self.app.login, row["login"], head=True) is None
        fields = [f for f in action.fields if keeps_head or f.key != "head"]
        initial = {"email": row["email"], "mobile": row["mobile"], "head": bool(row["unit_head"])}

        def submit(session, values: dict):
            given = {**values, "email": values["email"] or "", "mobile": values["mobile"] or ""}
            return action.perform(session, row["login"], given)

        intro = _("{name} ({login}). Urges reach a unit's liaisons and its head by mail.").format(
            name=row["name"], login=row["login"])
        self.app.push_screen(FormScreen(_("Contact · {login}").format(login=row["login"]), fields, submit,
                                        intro=intro, initial=initial))

    def action_deactivate(self) -> None:
        row = self.table.selected()
        if row is None:
            return
        action = ACTIONS["person.edit"]
        self.app.push_screen(FormScreen(
            _("Deactivate {login}").format(login=row["login"]), [],
            lambda s, v: action.perform(s, row["login"], {"active": False}),
            intro=_("{name} will no longer be able to act; their steps stay in the log.").format(name=row["name"]),
            submit_label=_("Deactivate")))
