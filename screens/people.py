"""People: who is who (director only changes it)."""

from __future__ import annotations

from textual.binding import Binding

from screens import render
from screens.forms import Field, FormScreen
from screens.objectives import ListScreen
from screens.widgets.paged_table import Column, Page, PagedTable, Source
from superviser import roles
from superviser.i18n import N_, _
from superviser.read.people import people
from superviser.services import org


def _role_choices() -> list[tuple[str, str]]:
    return [(r, roles.role_label(r)) for r in roles.ROLES]


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
        problem = roles.refusal("person.add", self.app.person["role"] if self.app.person else None, self.app.login)
        if problem:
            self.notify(problem, severity="warning", markup=False)
        return problem is None

    def action_add(self) -> None:
        if not self._allowed():
            return
        fields = [Field("login", _("login"), required=True), Field("name", _("name"), required=True),
                  Field("role", _("role"), "choice", choices=_role_choices(), default="liaison"),
                  Field("unit", _("unit"), "unit", hint=_("required for a liaison"))]
        self.app.push_screen(FormScreen(
            _("Add a person"), fields,
            lambda s, v: org.person_add(s, v["login"], v["name"], v["role"], v["unit"] or None),
            unit_names=self.app.unit_names))

    def on_paged_table_chosen(self, message: PagedTable.Chosen) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        row = self.table.selected()
        if row is None or not self._allowed():
            return
        fields = [Field("name", _("name"), required=True, default=row["name"]),
                  Field("role", _("role"), "choice", choices=_role_choices(), default=row["role"]),
                  Field("unit", _("unit"), "unit", default=row["unit"] or "")]
        self.app.push_screen(FormScreen(
            _("Change {login}").format(login=row["login"]), fields,
            lambda s, v: org.person_edit(s, row["login"], name=v["name"], role=v["role"], unit=v["unit"]),
            unit_names=self.app.unit_names))

    def action_deactivate(self) -> None:
        row = self.table.selected()
        if row is None or not self._allowed():
            return
        self.app.push_screen(FormScreen(
            _("Deactivate {login}").format(login=row["login"]), [],
            lambda s, v: org.person_edit(s, row["login"], active=False),
            intro=_("{name} will no longer be able to act; their steps stay in the log.").format(name=row["name"]),
            submit_label=_("Deactivate")))
