"""The units' scores (考核) for a period, from the log; a unit opens its points, each with
the entry and the rule that gave it. Reached from Units (``s``)."""

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
from superviser import dates
from superviser.actions import ACTIONS
from superviser.assessment import periods, scorer
from superviser.assessment.rules import points_text, rule_label
from superviser.errors import InvalidInput
from superviser.fields import Field
from superviser.i18n import N_, _


def _number(value, style: str = "") -> Text:
    return Text(str(value), justify="right", style=style, no_wrap=True)


def score_columns() -> list[Column]:
    # The numbers' columns are as wide as their numbers; their headings wrap onto a second
    # line ("closed / on time"), so that the units' names get the room.
    return [
        Column("rank", _("rank"), 3, justify="right"),
        Column("unit", _("unit"), None, min_width=30),  # most units' names whole
        Column("score", _("score"), 6, justify="right", heading_lines=2),
        Column("points", _("points"), 5, justify="right", heading_lines=2),
        Column("on_time", _("closed on time"), 3, justify="right", heading_lines=2),
        Column("late", _("late"), 3, justify="right", heading_lines=2),
        Column("urges", _("urges"), 3, justify="right", heading_lines=2),
        Column("notices", _("notices"), 3, justify="right", hide_below=92, heading_lines=2),
        Column("sendback", _("sent back"), 3, justify="right", hide_below=102, heading_lines=2),
        Column("rate", _("on-time rate"), 4, justify="right", hide_below=115, heading_lines=2),
        Column("matters", _("matters"), 3, justify="right", hide_below=84, heading_lines=2),
    ]


def score_cells(unit: scorer.UnitScore) -> list:
    if unit.score is None:
        name = render.plain(unit.name)
        name.append(f" · {_('no matters')}", style="dim")
        return [_number("–", "dim"), name] + [Text("")] * 9
    counts = unit.counts
    total_style = render.STYLES["alert"] if unit.total < 0 else (render.STYLES["done"] if unit.total > 0 else "dim")
    rate = "–" if unit.on_time_rate is None else f"{unit.on_time_rate}%"
    return [_number(unit.rank), render.plain(unit.name), _number(f"{unit.score:g}", "bold"),
            _number(points_text(unit.total), total_style), _number(counts["on_time"]), _number(counts["late"]),
            _number(counts["urge"]), _number(counts["notice"]), _number(counts["sendback"]), _number(rate),
            _number(unit.matters)]


def _scores(app, session, period: periods.Period) -> scorer.Scores:
    """Computed once per period until something changes (the walk reads the whole log)."""
    key = f"scores:{period.label}"
    found = app.backend.fresh(key)
    if found is None:
        found = scorer.scores(session.db, period)
        app.backend.remember(key, found)
    return found


class ScoresScreen(RoleKeys, ListScreen):
    BINDINGS = [
        Binding("left_square_bracket", "shift(-1)", N_("Earlier"), id="scores.earlier"),
        Binding("right_square_bracket", "shift(1)", N_("Later"), id="scores.later"),
        Binding("p", "period", N_("Period"), id="scores.period"),
        Binding("P", "publish", N_("Publish"), id="scores.publish"),
    ]
    ROLE_STEPS = {"publish": "score.publish"}  # offered only to the director

    def __init__(self, period: periods.Period | None = None):
        super().__init__("")
        self.period = period or periods.current_quarter()
        self.result: scorer.Scores | None = None
        self.list_title = self._title()

    def _title(self) -> str:
        return _("Scores · {period} ({since} – {until})").format(
            period=self.period.label, since=self.period.since.isoformat(), until=self.period.until.isoformat())

    def body(self) -> ComposeResult:
        yield Static(self.list_title, id="list-title", classes="title", markup=False)
        yield Static(Content(_("computing from the log…")), id="score-rules", classes="count")
        self.table = self.make_table()
        yield self.table
        yield Static("", id="count", classes="count", markup=False)

    def make_table(self) -> PagedTable:
        def fetch(session, offset: int, limit: int) -> Page:
            result = _scores(self.app, session, self.period)
            self.app.call_from_thread(self._show_rules, result)
            rows = [u for u in result.units if not self.search or self.search.lower() in u.name.lower()]
            return Page(rows[offset:offset + limit], len(rows))

        return PagedTable(score_columns(), score_cells, Source(fetch, key=lambda u: str(u.unit_id)), id="list")

    def _show_rules(self, result: scorer.Scores) -> None:
        self.result = result
        rules = result.rules
        line = _("Rules in force on {date}: {rules}").format(date=rules.on.isoformat(), rules=rules.text())
        if result.published:
            line = _("Published {when} by {who} (#{seq}). ").format(
                when=dates.moment(result.published["published_at"]), who=result.published["published_by"],
                seq=result.published["seq"]) + line
        # The counts are the lead unit's, the points the co-units' too: said, or "closed on time 0"
        # beside "points +0.5" reads as a mistake.
        self.query_one("#score-rules", Static).update(Content(f"{line}\n{rules.counted()}"))

    def on_paged_table_chosen(self, message: PagedTable.Chosen) -> None:
        self.app.push_screen(UnitPointsScreen(self.period, message.row.unit_id))

    def _go(self, period: periods.Period) -> None:
        self.period = period
        self.list_title = self._title()
        self.query_one("#list-title", Static).update(Content(self.list_title))
        self.query_one("#score-rules", Static).update(Content(_("computing from the log…")))
        self.table.reload()

    def action_shift(self, steps: int) -> None:
        try:
            self._go(self.period.shifted(steps))
        except InvalidInput as error:
            self.notify(str(error), severity="warning", markup=False)

    def action_period(self) -> None:
        # (checked in the form: a period typed wrongly is named under it, the form stays)
        field = Field("period", N_("period"), "period", required=True,
                      hint=N_("2026, 2026Q4, 2026-11 or 2026-10-01..2026-12-31"))

        def chosen(values: dict | None) -> None:
            if values:
                self._go(values["period"])

        self.app.push_screen(FormScreen(_("Scores for the period"), [field], None, initial={"period": self.period.label},
                                        submit_label=_("Show")), chosen)

    def action_publish(self) -> None:
        action, period = ACTIONS["score.publish"], self.period
        self.app.push_screen(FormScreen(
            _("Publish the scores of {period}").format(period=period.label), [],
            lambda s, v: action.perform(s, None, {"period": period}),
            intro=_("The scores as the log gives them now are recorded in the log; they stand as published, "
                    "whatever changes later."), submit_label=_("Publish")))


def point_columns() -> list[Column]:
    return [
        Column("day", _("date"), 10), Column("seq", "#", 6, justify="right"), Column("ref", _("objective"), 12),
        Column("rule", _("rule"), 18), Column("role", _("as"), 7, hide_below=90),
        Column("points", _("points"), 6, justify="right"), Column("why", _("why"), None, min_width=12, hide_below=76),
    ]


def point_cells(point: scorer.Point) -> list:
    style = render.STYLES["alert"] if point.points < 0 else render.STYLES["done"]
    role = _("lead") if point.role == "lead" else _("co-unit")
    return [render.plain(point.day), _number(point.seq or "", "dim"), render.plain(point.ref),
            render.plain(rule_label(point.rule)), render.plain(role), _number(points_text(point.points), style),
            render.plain(point.note)]


class UnitPointsScreen(ListScreen):
    """One unit's points in the period, in order, each from a log entry and a rule."""

    def __init__(self, period: periods.Period, unit_id: int):
        super().__init__(_("Scores · {period}").format(period=period.label))
        self.period, self.unit_id = period, unit_id

    def make_table(self) -> PagedTable:
        def fetch(session, offset: int, limit: int) -> Page:
            unit = _scores(self.app, session, self.period).unit(self.unit_id)
            self.app.call_from_thread(self._show_unit, unit)
            rows = unit.points if unit else []
            if self.search:
                needle = self.search.lower()
                rows = [p for p in rows if needle in p.ref.lower() or needle in rule_label(p.rule).lower()]
            return Page(rows[offset:offset + limit], len(rows))

        return PagedTable(point_columns(), point_cells,
                          Source(fetch, key=lambda p: f"{p.seq}:{p.unit_id}:{p.rule}:{p.objective_id}"), id="list")

    def _show_unit(self, unit: scorer.UnitScore | None) -> None:
        if unit is None:
            return
        score = _("no matters") if unit.score is None else f"{unit.score:g}"
        rank = "" if unit.rank is None else "  " + _("rank {n}").format(n=unit.rank)
        self.query_one("#list-title", Static).update(Content(
            _("Scores · {period} · {unit}: {score}").format(period=self.period.label, unit=unit.name, score=score) + rank))

    def on_paged_table_chosen(self, message: PagedTable.Chosen) -> None:
        self.app.open_objective(str(message.row.objective_id))
