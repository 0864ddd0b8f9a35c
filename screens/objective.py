"""One objective in full, and every step on it by key."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from screens import render
from screens.base import BaseScreen, title_bar
from screens.deliveries import messages_block, requeue_form, troubled
from screens.messages import DataChanged
from screens.steps import StepKeys, bindings, form, objective_keys, undo_form
from screens.widgets.facts import Facts
from screens.workers import background
from superviser import actions, dates, describe, lifecycle, lights, rhythm, text
from superviser.i18n import N_, _, aside, joined
from superviser.read import objectives, outbox
from superviser.services.undo import UNDOABLE


def section(title: str) -> Content:
    return Content.styled(title, "bold underline")


class ObjectiveScreen(StepKeys, BaseScreen):
    # Queue again first: offered only while a message failed, and then the first thing to see.
    BINDINGS = [Binding("Q", "requeue", N_("Queue again"), id="objective.requeue")] + bindings(
        "step", objective_keys(), "objective") + [
        Binding("u", "undo", N_("Undo"), show=False, id="objective.undo"),
        Binding("D", "decision", N_("Decision"), show=False, id="objective.decision"),
        Binding("j", "scroll('down')", N_("Down"), show=False, id="objective.down"),
        Binding("k", "scroll('up')", N_("Up"), show=False, id="objective.up"),
    ]

    def __init__(self, ref: str):
        super().__init__()
        self.ref = ref
        self.item: dict | None = None

    def body(self) -> ComposeResult:
        yield Static(Content(self.ref), id="objective-title", classes="title")
        with VerticalScroll(id="objective-body"):
            yield Facts(Content(_("loading…")), id="facts")
            yield Static("", id="detail", classes="block")
            yield Static("", id="children", classes="block")
            yield Static("", id="milestones", classes="block")
            yield Static("", id="reports", classes="block")
            yield Static("", id="inspections", classes="block")
            yield Static("", id="messages", classes="block")
            yield Static("", id="history", classes="block")

    def on_mount(self) -> None:
        self.query_one("#objective-body").focus()

    def refresh_data(self) -> None:
        self.load()

    def concerns(self, message: DataChanged) -> bool:
        return self.item is None or message.touches(self.item["id"])

    @background("objective")
    def load(self) -> None:
        # By id once known: a correction may move the objective and change its reference.
        wanted = str(self.item["id"]) if self.item else self.ref

        def fetch(session):
            item = objectives.detail(session.db, wanted)
            item["milestones"] = rhythm.milestones(session.db, item["id"])
            item["milestones_text"] = rhythm.milestones_text(item["milestones"])
            item["sent"] = outbox.about_objective(session.db, item["id"])
            return item, describe.unit_names(session.db)

        item, units = self.app.backend.call(fetch)
        self.app.call_from_thread(self.show, item, units)

    # --- showing ---------------------------------------------------------------------------
    def show(self, item: dict, units: dict[int, str]) -> None:
        self.item, self.ref = item, item["ref"]
        self.query_one("#objective-title", Static).update(title_bar(item["ref"], item["title"]))
        self.query_one("#facts", Facts).show(self._facts(item))
        detail = Content.assemble(section(_("Detail")), "\n", render.content(item["detail"])) if item["detail"] else ""
        for block, shown in (("#detail", detail), ("#children", self._children(item)),
                             ("#milestones", self._milestones(item)), ("#reports", self._reports(item)),
                             ("#inspections", self._inspections(item)),
                             ("#messages", messages_block(item["sent"], item["ref"])), ("#history", self._log(item, units))):
            widget = self.query_one(block, Static)
            widget.update(shown)
            widget.display = bool(shown)
        self.refresh_bindings()

    def _facts(self, item: dict) -> list[tuple[str, Content | str]]:
        light = item["light"]
        light_line = Content.assemble(
            (f"{lights.SYMBOLS[light]} {lights.label(light)}", render.STYLES[light]), " — ",
            Content(text.one_line(item["light_explained"])))
        deadline = item["deadline"]
        if item["status"] in lifecycle.AWAITED:
            deadline = aside(deadline, dates.relative_deadline(item["deadline"]))
        original = item["original_deadline"] if item["original_deadline"] != item["deadline"] else ""
        urges = ""
        if item["urge_count"]:
            urges = _("{n} (last: {level})").format(n=item["urge_count"], level=lifecycle.urge_level(item["urge_count"]))
        bar = render.percent_bar(item["percent"], 10)
        pairs = [
            (_("light"), light_line),
            (_("status"), lifecycle.status_label(item["status"])),
            (_("decision"), f"{item['decision']['ref']}  {text.one_line(item['decision']['title'])}"),
            (_("parent"), item["parent_ref"] or ""),
            (_("lead unit"), item["lead_unit"]),
            (_("co-units"), joined(item["co_units"])),
            (_("deadline"), deadline),
            (_("original deadline"), original),
            (_("done"), Content(bar.plain)),
            (_("priority"), _(lifecycle.PRIORITIES[item["priority"]])),
            (_("urges"), urges),
            (_("last report"), item["last_report_on"] or ""),
            (_("reports"), rhythm.summary(item)),
        ]
        if item.get("extension_to"):
            pairs.append((_("extension asked"), Content.styled(
                _("{old} → {new}, waiting for the director").format(old=item["deadline"], new=item["extension_to"]),
                render.STYLES["waiting"])))
        return pairs

    def _children(self, item: dict) -> Content | str:
        if not item["sub_objectives"]:
            return ""
        lines = [section(_("Sub-objectives"))]
        for sub in item["sub_objectives"]:
            lines.append(Content.assemble(
                (lights.SYMBOLS[sub["light"]] + " ", render.STYLES[sub["light"]]), (sub["ref"], "bold"), "  ",
                Content(text.one_line(sub["title"])), ("  " + lifecycle.status_label(sub["status"]), "dim")))
        return Content("\n").join(lines)

    def _milestones(self, item: dict) -> Content | str:
        if not item["milestones"]:
            return ""
        lines = [section(_("Milestones"))]
        today = dates.clock.today().isoformat()
        for milestone in item["milestones"]:
            if milestone["reported_on"]:
                state = (_("reported {date}").format(date=milestone["reported_on"]), render.STYLES["done"])
            elif milestone["due_on"] < today:
                state = (_("no report yet"), render.STYLES["alert"])
            else:
                state = (dates.relative_deadline(milestone["due_on"]), "dim")
            lines.append(Content.assemble((milestone["due_on"], "bold"), "  ", Content(text.one_line(milestone["title"])),
                                          "  ", state))
        return Content("\n").join(lines)

    def _reports(self, item: dict) -> Content | str:
        if not item["reports"]:
            return Content.assemble(section(_("Progress reports")), "\n", (_("none yet"), "dim"))
        lines = [section(_("Progress reports"))]
        for report in item["reports"]:
            lines.append(Content.assemble(
                (report["on_date"], "dim"), "  ", (f"{report['percent']:>3}%", "bold"), "  ",
                Content(text.one_line(report["unit"] or "")), "  ", Content(text.one_line(report["text"]))))
            for label, key in ((_("next step"), "next_step"), (_("problems"), "problems"), (_("help needed"), "help_needed")):
                if report[key]:
                    lines.append(Content.assemble(("      " + _("{field}: {problem}").format(field=label, problem=""), "dim"),
                                                  Content(text.one_line(report[key]))))
        return Content("\n").join(lines)

    def _inspections(self, item: dict) -> Content | str:
        if not item["inspections"]:
            return ""
        lines = [section(_("Inspections"))]
        for inspection in item["inspections"]:
            lines.append(Content.assemble(
                (inspection["at"][:10], "dim"), "  ", (_(lifecycle.VERDICTS[inspection["verdict"]]), "bold"), "  ",
                (_(lifecycle.METHODS[inspection["method"]]), "dim"), "  ", Content(text.one_line(inspection["finding"]))))
        return Content("\n").join(lines)

    def _log(self, item: dict, units: dict[int, str]) -> Content:
        lines = [section(_("Supervision log"))]
        lines += [render.log_line(entry, describe.headline(entry, units), numbered=True) for entry in item["log"]]
        return Content("\n").join(lines)

    # --- acting ----------------------------------------------------------------------------
    def action_step(self, step: str) -> None:
        if self.item is not None:
            self.app.push_screen(form(step, self.item, self.app))

    def _requeue_refusal(self) -> str | None:
        if self.item is None:
            return _("loading…")
        problem = actions.role_refusal("deliver.requeue", self.app.person, self.app.login)
        if problem is None and not troubled(self.item["sent"]["messages"]):
            return _("No message about {ref} failed: nothing to queue again.").format(ref=self.item["ref"])
        return problem

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "requeue":
            return None if self._requeue_refusal() else True
        return super().check_action(action, parameters)

    def on_key(self, event: events.Key) -> None:
        # (StepKeys.on_key, for the step keys, is called by Textual too: every class's handler is)
        active = self.active_bindings.get(event.key)
        if active is not None and not active.enabled and active.binding.action == "requeue":
            event.stop()
            self.notify(self._requeue_refusal() or "", severity="warning", markup=False)

    def action_requeue(self) -> None:
        if self.item is not None:
            self.app.push_screen(requeue_form(troubled(self.item["sent"]["messages"]), self.item["ref"]))

    def action_undo(self) -> None:
        if self.item is None:
            return
        # Who may not undo here (a viewer, a liaison whose unit no longer has it) is told so, not
        # offered a step of theirs that saving would refuse.
        problem = actions.refusal("undo", self.app.person, self.app.login, self.item)
        if problem:
            self.notify(problem, severity="warning", markup=False)
            return
        log = self.item["log"]
        # A step already undone is not offered again (the core would refuse it): the one before it is.
        undone = {e["changes"]["undo.of"][1] for e in log if "undo.of" in e["changes"]}
        mine = next((e for e in log if e["actor"] == self.app.login and e["action"] in UNDOABLE
                     and e["seq"] not in undone), None)
        if mine is None:
            self.notify(_("You have no step on this objective to undo."), severity="warning", markup=False)
            return
        summary = describe.headline(mine, {})
        self.app.push_screen(undo_form(mine, self.item["ref"], summary))

    def objective_in_view(self) -> dict | None:
        """For the export dialog: p prints this objective's notice."""
        return self.item

    def export_scope(self) -> dict:
        return {"decision": self.item["decision"]["ref"]} if self.item else {}

    def action_decision(self) -> None:
        if self.item:
            self.app.open_decision(self.item["decision"]["ref"])

    def action_scroll(self, direction: str) -> None:
        body = self.query_one("#objective-body")
        body.scroll_down() if direction == "down" else body.scroll_up()
