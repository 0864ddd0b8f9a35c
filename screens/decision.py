"""One decision: its facts and its objectives as a tree (sub-objectives under their parent)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from screens import render
from screens.base import BaseScreen, title_bar
from screens.role_keys import RoleKeys
from screens.widgets.facts import Facts
from screens.widgets.objective_table import columns
from screens.widgets.paged_table import Page, PagedTable, Source
from superviser import lifecycle
from superviser.i18n import N_, _
from superviser.read import decisions, objectives


def tree_cells(row: dict) -> list:
    depth = row["ref"].count(".") - 1
    title = Text("  " * depth + ("└ " if depth else ""), style="dim", no_wrap=True, overflow="ellipsis")
    title.append(render.plain(row["title"]))
    return [render.light(row["light"], set_by_office=row["set_by_office"]), render.plain(row["ref"]), title,
            render.plain(row["lead_unit"]),
            render.status(row["status"]), render.due(row), render.percent_bar(row["percent"], 4)]


class DecisionScreen(RoleKeys, BaseScreen):
    BINDINGS = [Binding("n", "new_objective", N_("New objective"), id="decision.new_objective"),
                Binding("E", "edit", N_("Edit decision"), id="decision.edit")]
    ROLE_STEPS = {"new_objective": "objective.add", "edit": "decision.edit"}  # offered only to whom the role allows

    def __init__(self, ref: str):
        super().__init__()
        self.ref = ref
        self.decision: dict | None = None

    def body(self) -> ComposeResult:
        yield Static(Content(self.ref), id="decision-title", classes="title")
        yield Facts(Content(_("loading…")), id="decision-facts")
        cols = columns(with_status=True)
        cols[-1].width = 9  # room for the bar
        self.table = PagedTable(cols, tree_cells, Source(self._fetch, key=lambda r: r["ref"]), id="tree")
        yield self.table

    def _fetch(self, session, offset: int, limit: int) -> Page:
        decision = decisions.get(session.db, self.ref)
        rows = objectives.list_objectives(session.db, objectives.Filter(decision=decision["id"]), limit=limit,
                                          offset=offset, order="ref")
        self.app.call_from_thread(self._show_decision, decision)
        return Page(rows, decision["objectives"] if offset == 0 else None)

    def _show_decision(self, decision: dict) -> None:
        self.decision = decision
        self.query_one("#decision-title", Static).update(title_bar(decision["ref"], decision["title"]))
        source = _(lifecycle.SOURCES[decision["source"]])
        if decision["source_ref"]:
            source += f" · {decision['source_ref']}"
        self.query_one("#decision-facts", Facts).show([
            (_("source"), source), (_("date"), decision["decided_on"]), (_("leader"), decision["leader"]),
            (_("priority"), _(lifecycle.PRIORITIES[decision["priority"]])),
            (_("summary"), decision["summary"]),
            (_("objectives"), _("{n} ({open} open), {pct}% done").format(
                n=decision["objectives"], open=decision["open"], pct=decision["percent"])),
        ])

    def on_mount(self) -> None:
        self.table.focus()

    def refresh_data(self) -> None:
        self.table.reload()

    def on_paged_table_chosen(self, message: PagedTable.Chosen) -> None:
        self.app.open_objective(message.row["ref"])

    def export_scope(self) -> dict:
        return {"decision": self.ref}

    def action_new_objective(self) -> None:
        from screens.register import new_objective

        parent = self.table.selected()
        new_objective(self.app, self.ref, parent_hint=parent["ref"] if parent else None)

    def action_edit(self) -> None:
        from screens.register import edit_decision

        if self.decision is not None:
            edit_decision(self.app, self.decision)
