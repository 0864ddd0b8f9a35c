"""The supervision log: every step, newest first, filtered."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Static

from screens import render
from screens.forms import FormScreen
from screens.objectives import ListScreen
from screens.widgets.paged_table import Column, Page, PagedTable, Source
from superviser import actions, dates, describe, text
from superviser.fields import Field
from superviser.i18n import N_, _
from superviser.read import log
from superviser.services import Result


def log_columns() -> list[Column]:
    return [
        Column("at", _("time"), 16), Column("who", _("who"), 10), Column("objective", _("objective"), 12),
        Column("what", _("what"), None, min_width=14), Column("detail", _("detail"), None, min_width=10, hide_below=90),
    ]


def fetch_log(session, offset: int = 0, limit: int = PagedTable.PAGE, flt: log.LogFilter | None = None) -> Page:
    flt = flt or log.LogFilter()
    rows = log.entries(session.db, flt, limit=limit, offset=offset)
    return Page(rows, log.count(session.db, flt) if offset == 0 else None)


class LogScreen(ListScreen):
    FIRST_PAGE = "log"
    BINDINGS = [
        Binding("f", "filters", N_("Filters"), id="log.filters",  # with a tooltip: in the palette too
                tooltip=N_("Show the log's entries of a period, unit, decision, kind of step or person")),
        Binding("x", "clear_filters", N_("Clear filters"), id="log.clear"),
    ]

    def __init__(self):
        super().__init__(_("Supervision log · newest first"))
        self.flt = log.LogFilter()

    def make_table(self) -> PagedTable:
        def fetch(session, offset: int, limit: int) -> Page:
            return fetch_log(session, offset, limit, log.LogFilter(**{**self.flt.__dict__, "text": self.search or None}))

        def cells(row: dict) -> list:
            return [render.plain(dates.moment(row["at"])), render.plain(row["actor"]),
                    render.plain(row["objective"] or row["decision"] or ""),
                    render.plain(describe.headline(row, self.app.units_by_id)), render.plain(row["detail"])]

        return PagedTable(log_columns(), cells, Source(fetch, key=lambda r: str(r["seq"])), id="list")

    def below_table(self) -> ComposeResult:
        # The highlighted step, a line each for what and the detail, across the screen: its columns cut
        # them short, and 80 columns leave no room for the detail.
        yield Static("", id="log-step")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_step()

    def _show_step(self) -> None:
        row = self.table.selected()
        step = Content("")
        if row is not None:
            step = Content.assemble((describe.headline(row, self.app.units_by_id), "bold"), "\n",
                                    Content(text.one_line(row["detail"])))
        self.query_one("#log-step", Static).update(step)

    def on_paged_table_chosen(self, message: PagedTable.Chosen) -> None:
        if message.row["objective"]:
            self.app.open_objective(message.row["objective"])
        elif message.row["decision"]:
            self.app.open_decision(message.row["decision"])

    def _describe_filters(self) -> str:
        f = self.flt
        parts = [f"{label}: {value}" for label, value in (
            (_("since"), f.since), (_("until"), f.until), (_("unit"), f.unit), (_("decision"), f.decision),
            (_("what"), actions.label(f.action) if f.action else None), (_("who"), f.actor)) if value]
        return "  ·  ".join(str(p) for p in parts)

    def on_paged_table_loaded(self, message: PagedTable.Loaded) -> None:
        described = self._describe_filters()
        title = _("Supervision log · newest first") + (f"  ·  {described}" if described else "")
        self.query_one("#list-title").update(Content(title))
        self._show_step()  # the cursor may stay put while the rows under it change

    def action_filters(self) -> None:
        f = self.flt
        choices = (("", N_("any")),) + tuple((name, actions.label(name))
                                            for name in (*actions.ACTIONS, *actions.OTHER_LABELS))
        fields = [
            Field("since", N_("since"), "date"),
            Field("until", N_("until"), "date"),
            Field("unit", N_("unit"), "unit"),
            Field("decision", N_("decision"), "decision"),
            Field("action", N_("what"), "choice", choices=choices),
            Field("actor", N_("who"), "line"),
        ]
        initial = {"since": f.since, "until": f.until, "unit": f.unit, "decision": f.decision, "action": f.action or "",
                   "actor": f.actor}

        def apply(session, values: dict) -> Result:
            if values["decision"]:
                from superviser import refs

                refs.decision(session.db, values["decision"])  # a clear message for an unknown one
            return Result("", data=values)

        def done(result: Result | None) -> None:
            if result is None:
                return
            v = result.data
            self.flt = log.LogFilter(
                since=v["since"], until=v["until"], unit=v["unit"] or None, decision=v["decision"] or None,
                action=v["action"] or None, actor=v["actor"] or None)
            self.table.reload()

        self.app.push_screen(FormScreen(_("Filter the log"), fields, apply, unit_names=self.app.unit_names,
                                        submit_label=_("Apply"), initial=initial), done)

    def action_clear_filters(self) -> None:
        self.flt = log.LogFilter()
        self.table.reload()
