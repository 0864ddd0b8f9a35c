"""The daily review: the queue the core builds, one item at a time, one key per action."""

from __future__ import annotations

import io
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Static

from screens import render
from screens.base import BaseScreen
from screens.forms import Field, FormScreen
from screens.localize import Localized
from screens.messages import DataChanged
from screens.objective import facts
from screens.steps import allowed, form, refusal, show_only_allowed
from superviser import dates, describe, lifecycle, lights, review, text
from superviser.errors import SuperviserError
from superviser.i18n import N_, _, aside
from superviser.read import objectives
from superviser.services import Result, steps
from superviser.services import review as review_service

BULK = {"urge", "note"}


class ReviewScreen(Localized, BaseScreen):
    BINDINGS = [
        # In the order of a morning: act, then mark the item reviewed or skip it.
        Binding("c", "act('urge')", N_("Urge"), id="review.urge"),
        Binding("i", "act('inspect')", N_("Inspect"), id="review.inspect"),
        Binding("p", "act('progress')", N_("Progress"), id="review.progress"),
        Binding("a", "act('extend.approve')", N_("Approve"), id="review.approve"),
        Binding("r", "act('extend.reject')", N_("Reject"), id="review.reject"),
        Binding("v", "act('verify')", N_("Verify"), id="review.verify"),
        Binding("b", "act('sendback')", N_("Send back"), id="review.sendback"),
        Binding("n", "act('note')", N_("Note"), id="review.note"),
        Binding("m", "mark", N_("Reviewed"), id="review.mark"),
        Binding("s", "skip", N_("Skip"), id="review.skip"),
        Binding("f", "finish", N_("Finish"), id="review.finish"),
        Binding("u", "undo", N_("Undo"), id="review.undo"),
        Binding("space", "select", N_("Select"), id="review.select"),
        Binding("right,j", "move(1)", N_("Next"), show=False, id="review.next"),
        Binding("left,k", "move(-1)", N_("Previous"), show=False, id="review.previous"),
        Binding("enter", "open", N_("Open"), show=False, id="review.open"),
    ]

    def __init__(self):
        super().__init__()
        self.review: dict | None = None
        self.items: list[dict] = []
        self.pos = 0
        self.done: set[int] = set()
        self.selected: set[int] = set()
        self.item: dict | None = None
        self.busy = False

    def body(self) -> ComposeResult:
        yield Static(Content(_("Daily review")), id="review-title", classes="title")
        with Horizontal(id="review-main"):
            queue = DataTable(id="review-queue", cursor_type="row", show_header=False)
            queue.can_focus = False
            yield queue
            with VerticalScroll(id="review-item"):
                yield Static(Content(_("building the queue…")), id="review-reason")
                yield Static("", id="review-facts")
                yield Static("", id="review-history")

    def on_mount(self) -> None:
        self.query_one("#review-item").focus()

    def on_resize(self, event) -> None:
        self.query_one("#review-queue").set_class(event.size.width >= 110, "-shown")

    def refresh_data(self) -> None:
        if self.review is None:
            self.begin()
        elif self.item is not None:
            self.load_item()

    def concerns(self, message: DataChanged) -> bool:
        return self.item is not None and message.touches(self.item["id"])

    # --- the queue ----------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="review")
    def begin(self) -> None:
        def work(session):
            started = review_service.start(session)
            return started, review.queue(session.db, session.login)

        try:
            started, items = self.app.backend.call(work)
        except SuperviserError as error:
            self.app.call_from_thread(self._cannot, str(error))
            return
        self.app.call_from_thread(self._begun, started, items)

    def _cannot(self, message: str) -> None:
        self.notify(message, severity="error", markup=False)
        self.app.pop_screen()

    def _begun(self, started: dict, items: list[dict]) -> None:
        self.review = started
        self.items = items
        ids = [i["id"] for i in items]
        self.pos = ids.index(started["position"]) if started["position"] in ids else 0
        if started["steps"]:
            self.notify(_("Review resumed where you stopped."), markup=False)
        if not items:
            self.query_one("#review-reason", Static).update(Content(_("Nothing needs attention today.")))
            self._title()
            return
        self._draw_queue()
        self.load_item()

    WINDOW = 80  # queue rows drawn around the current item; a queue can be thousands long

    def _draw_queue(self) -> None:
        table = self.query_one("#review-queue", DataTable)
        table.clear(columns=True)
        table.add_columns("", "", "")
        self._window_start = max(0, self.pos - 10)
        for item in self.items[self._window_start:self._window_start + self.WINDOW]:
            mark = "✓" if item["id"] in self.done else ("●" if item["id"] in self.selected else " ")
            table.add_row(mark, render.plain(item["ref"]), render.plain(review.category_label(item["category"])),
                          key=str(item["id"]))
        self._point_queue()

    def _point_queue(self) -> None:
        table = self.query_one("#review-queue", DataTable)
        row = self.pos - getattr(self, "_window_start", 0)
        if not 0 <= row < table.row_count:
            self._draw_queue()
            return
        table.move_cursor(row=row, animate=False)

    def _title(self) -> None:
        total = len(self.items)
        parts = [_("Daily review")]
        if total:
            parts.append(_("{k} of {n}").format(k=self.pos + 1, n=total))
            parts.append(review.category_label(self.items[self.pos]["category"]))
        parts.append(_("{done} done").format(done=len(self.done)))
        if self.selected:
            parts.append(_("{n} selected").format(n=len(self.selected)))
        self.query_one("#review-title", Static).update(Content("  ·  ".join(parts)))

    # --- one item ------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="review-item")
    def load_item(self) -> None:
        ref = self.items[self.pos]["ref"]
        item, units = self.app.backend.call(lambda s: (objectives.detail(s.db, ref, log_limit=6), describe.unit_names(s.db)))
        self.app.call_from_thread(self._show_item, item, units)

    def _show_item(self, item: dict, units: dict[int, str]) -> None:
        self.item = item
        current = self.items[self.pos]
        light = item["light"]
        why = Content.assemble(
            (f"{lights.SYMBOLS[light]} {lights.label(light)}", render.STYLES[light]), "  ",
            (review.category_label(current["category"]), "bold"), " — ", Content(text.one_line(item["light_explained"])))
        header = Content.assemble((f" {item['ref']} ", "bold reverse"), " ", Content(text.one_line(item["title"])))
        self.query_one("#review-reason", Static).update(Content("\n").join([header, why]))
        deadline = item["deadline"]
        if item["status"] in lifecycle.AWAITED:
            deadline = aside(deadline, dates.relative_deadline(item["deadline"]))
        last = item["reports"][0] if item["reports"] else None
        last_report = f"{last['on_date']} {last['percent']}% {text.one_line(last['text'])}" if last else _("none yet")
        pairs = [
            (_("decision"), f"{item['decision']['ref']}  {text.one_line(item['decision']['title'])}"),
            (_("status"), lifecycle.status_label(item["status"])),
            (_("lead unit"), item["lead_unit"]), (_("co-units"), "、".join(item["co_units"])),
            (_("deadline"), deadline),
            (_("original deadline"), item["original_deadline"] if item["original_deadline"] != item["deadline"] else ""),
            (_("done"), f"{item['percent']}%"), (_("urges"), str(item["urge_count"] or "")),
            (_("last report"), last_report),
        ]
        if item.get("extension_to"):
            pairs.append((_("extension asked"), f"{item['deadline']} → {item['extension_to']}"))
        self.query_one("#review-facts", Static).update(facts(pairs))
        lines = [Content.styled(_("Last steps"), "bold underline")]
        for entry in item["log"]:
            line = Content.assemble((dates.moment(entry["at"]), "dim"), "  ", (entry["actor"], "bold"), "  ",
                                    Content(describe.headline(entry, units)))
            if entry["detail"] and entry["action"] != "objective.add":
                line = Content.assemble(line, " — ", Content(text.one_line(entry["detail"])))
            lines.append(line)
        self.query_one("#review-history", Static).update(Content("\n").join(lines))
        show_only_allowed(self, "act", allowed(item, self.app.person, self.app.login))
        self._title()
        if self.items:
            self._point_queue()

    # --- moving ---------------------------------------------------------------------------
    def _go(self, index: int) -> None:
        if not self.items:
            return
        self.pos = max(0, min(index, len(self.items) - 1))
        self.item = None
        self.load_item()
        self._remember_position()

    @work(thread=True, group="review-position")
    def _remember_position(self) -> None:
        item_id = self.items[self.pos]["id"]
        self.app.backend.call(lambda s: review_service.set_position(s, self.review["id"], item_id))

    def _advance(self) -> None:
        """On to the next item not yet done; the summary when none is left."""
        order = list(range(self.pos + 1, len(self.items))) + list(range(0, self.pos + 1))
        for index in order:
            if self.items[index]["id"] not in self.done:
                self._draw_queue()
                self._go(index)
                return
        self._draw_queue()
        self.action_finish()

    def action_move(self, step: int) -> None:
        self._go(self.pos + step)

    def action_open(self) -> None:
        if self.item:
            self.app.open_objective(self.item["ref"])

    # --- acting -------------------------------------------------------------------------------
    def action_act(self, step: str) -> None:
        if self.item is None or self.busy:
            return
        if step in BULK and len(self.selected) > 1:
            self._bulk(step)
            return
        problem = refusal(step, self.item, self.app.person, self.app.login)
        if problem:
            self.notify(problem, severity="warning", markup=False)
            return
        current = self.items[self.pos]
        self.app.push_screen(form(step, self.item, self.app.unit_names, quick=True),
                             lambda result: self._acted([(current, result)] if result else []))

    def _bulk(self, step: str) -> None:
        chosen = [i for i in self.items if i["id"] in self.selected]
        refs = ", ".join(i["ref"] for i in chosen)
        label = _("Urge") if step == "urge" else _("Note")

        def submit(session, values: dict) -> Result:
            results = []
            for item in chosen:
                if step == "urge":
                    results.append((item, steps.urge(session, item["ref"], text_=values["text"])))
                else:
                    results.append((item, steps.note(session, item["ref"], text_=values["text"])))
            result = Result(_("{n} objectives: {what}").format(n=len(results), what=label.lower()))
            result.data["results"] = results
            return result

        fields = [Field("text", _("text"), "text", required=step == "note")]
        screen = FormScreen(f"{label} · {len(chosen)}", fields, submit, intro=Content(refs), submit_label=label)
        self.app.push_screen(screen, lambda result: self._acted(result.data["results"] if result else [], bulk=True))

    def _acted(self, results: list, bulk: bool = False) -> None:
        if not results:
            return
        for item, _result in results:
            self.done.add(item["id"])
        if bulk:
            self.selected.clear()
        self.busy = True
        self._write([lambda s, item=item, result=result: review_service.record_step(
            s, self.review["id"], result.seq, item["id"], item["category"]) for item, result in results])

    @work(thread=True, exclusive=True, group="review-write")
    def _write(self, writes: list, then=None) -> None:
        """Review bookkeeping, in order; the queue moves on only once it is written,
        so the summary at the end never misses the last step."""
        try:
            for write in writes:
                self.app.backend.call(write)
        except SuperviserError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
        self.app.call_from_thread(self._written, then or self._advance)

    def _written(self, then) -> None:
        self.busy = False
        if self.is_attached and self.app.screen is self:  # not if the person has left meanwhile
            then()

    def action_mark(self) -> None:
        if self.item is None or self.busy:
            return
        current = self.items[self.pos]
        self.done.add(current["id"])
        self.busy = True
        self._write([lambda s: review_service.mark(s, self.review["id"], current["id"], current["category"])])

    def action_skip(self) -> None:
        if not self.items or self.busy:
            return
        order = list(range(self.pos + 1, len(self.items))) + list(range(0, self.pos))
        following = next((i for i in order if self.items[i]["id"] not in self.done), None)
        if following is None:
            self.notify(_("This is the last item left."), markup=False)
            return
        item_id = self.items[self.pos]["id"]
        self.busy = True
        self._write([lambda s: review_service.skip(s, self.review["id"], item_id)], lambda: self._go(following))

    def action_select(self) -> None:
        if not self.items:
            return
        item_id = self.items[self.pos]["id"]
        self.selected ^= {item_id}
        self._draw_queue()
        self._title()

    def action_undo(self) -> None:
        if self.review is None:
            return
        self._undo()

    @work(thread=True, exclusive=True, group="review-undo")
    def _undo(self) -> None:
        try:
            result = self.app.backend.call(lambda s: review_service.undo_last(s, self.review["id"]))
        except SuperviserError as error:
            self.app.call_from_thread(self.notify, str(error), severity="warning", markup=False)
            return
        self.app.call_from_thread(self._undone, result)

    def _undone(self, result: Result) -> None:
        self.notify(result.message, markup=False)
        ref = result.ref
        index = next((i for i, item in enumerate(self.items) if item["ref"] == ref), None)
        if index is not None:
            self.done.discard(self.items[index]["id"])
            self._draw_queue()
            self._go(index)
        self.app.check_changes()

    def action_finish(self) -> None:
        if self.review is None or self.busy:
            return
        self._finish()

    @work(thread=True, exclusive=True, group="review")
    def _finish(self) -> None:
        summary = self.app.backend.call(lambda s: review_service.finish(s, self.review["id"]))
        self.app.call_from_thread(self._finished, summary)

    def _finished(self, summary: dict) -> None:
        self.app.check_changes()
        if self.app.screen is self:
            self.app.pop_screen()
        self.app.push_screen(ReviewSummary(summary))


class ReviewSummary(Localized, ModalScreen):
    """What the review did, and the units to chase with their items."""

    BINDINGS = [
        Binding("escape,q", "close", N_("Close"), id="summary.close"),
        Binding("y", "copy", N_("Copy"), id="summary.copy"),
        Binding("w", "save", N_("Save as Markdown"), id="summary.save"),
    ]

    def __init__(self, summary: dict):
        super().__init__()
        self.summary = summary
        self.markdown = review.summary_text(summary)

    def compose(self) -> ComposeResult:
        from superviser.actions import label

        done = self.summary["done"]
        lines = [Content.styled(_("Daily review finished"), "bold"), Content("")]
        lines.append(Content(_("Steps: {steps}; marked reviewed: {marked}; left in the queue: {left}").format(
            steps=self.summary["steps"], marked=self.summary["marked"], left=self.summary["remaining"])))
        for action, n in sorted(done.items()):
            lines.append(Content(f"  {label(action)}: {n}"))
        if self.summary["chase"]:
            lines += [Content(""), Content.styled(_("Units to chase"), "bold")]
            for unit, items in self.summary["chase"].items():
                lines.append(Content.styled(text.one_line(unit), "bold $accent"))
                for item in items:
                    lines.append(Content.assemble("  ", (item["ref"], "bold"), "  ", Content(text.one_line(item["title"])),
                                                  (f"  {review.category_label(item['category'])}" if item["category"] else "", "dim")))
        with Vertical(id="help"):
            with VerticalScroll():
                yield Static(Content("\n").join(lines), id="summary-text")
            with Horizontal(id="form-buttons"):
                yield Button(_("Copy (y)"), id="copy", compact=True)
                yield Button(_("Save as Markdown (w)"), id="save", compact=True)
                yield Button(_("Close (esc)"), variant="primary", id="close", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        {"copy": self.action_copy, "save": self.action_save, "close": self.action_close}[event.button.id]()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.markdown)
        self.notify(_("Summary copied to the clipboard."), markup=False)

    def action_save(self) -> None:
        from screens.export import free_name
        from superviser import clock

        name = f"superviser-review-{clock.today().isoformat()}.md"
        if self.app.is_web:  # in a browser the file downloads
            self.app.deliver_binary(io.BytesIO(self.markdown.encode("utf-8")), save_filename=name, name=name)
            return
        path = free_name(Path.home() / name)
        path.write_text(self.markdown, encoding="utf-8")
        self.notify(_("Saved to {path}").format(path=path), markup=False)

    def action_close(self) -> None:
        self.dismiss()
