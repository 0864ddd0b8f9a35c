"""The daily review: the queue the core builds, one item at a time, one key per action."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Static

from screens import render
from screens.base import BaseScreen
from screens.forms import FormScreen
from screens.messages import DataChanged
from screens.review_summary import ReviewSummary
from screens.steps import StepKeys, bindings, form
from screens.widgets.facts import Facts
from screens.workers import background
from superviser import actions, dates, describe, lifecycle, lights, review, rhythm, text
from superviser.actions import ACTIONS
from superviser.errors import SuperviserError
from superviser.i18n import N_, _, aside, joined
from superviser.quantities import count
from superviser.read import objectives
from superviser.services import Result
from superviser.services import review as review_service

BULK = {"urge", "note"}
# In the order of a morning: act, then mark the item reviewed or skip it.
# The steps the review offers, with the keys and titles they have on the objective screen.
REVIEW_STEPS = ("urge", "inspect", "progress", "extend.approve", "extend.reject", "verify", "sendback", "note")
REVIEW_KEYS = [(step, ACTIONS[step].key, ACTIONS[step].title) for step in REVIEW_STEPS]


class ReviewScreen(StepKeys, BaseScreen):
    STEP_ACTION = "act"
    BINDINGS = bindings("act", REVIEW_KEYS, "review") + [
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
        # A window of the queue, read a page at a time as the person moves: items[i] is the
        # queue's item first + i; total is how many the queue held when the review opened.
        self.items: list[dict] = []
        self.first = 0
        self.total = 0
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
                yield Facts("", id="review-facts")
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
    @background("review")
    def begin(self) -> None:
        def work(session):
            started = review_service.start(session)
            return started, review.opening(session.db, session.login, started["position"])

        try:
            started, opened = self.app.backend.call(work)
        except SuperviserError as error:
            self.app.call_from_thread(self._cannot, str(error))
            return
        self.app.call_from_thread(self._begun, started, opened)

    def _cannot(self, message: str) -> None:
        self.notify(message, severity="error", markup=False)
        if self.app.screen is self:
            self.app.pop_screen()

    def _begun(self, started: dict, opened: dict) -> None:
        if not self.is_mounted:  # the person left before the queue was read
            return
        self.review = started
        items = self.items = opened["items"]
        self.first, self.total = opened["first"], max(opened["total"], opened["first"] + len(items))
        ids = [i["id"] for i in items]
        self.pos = ids.index(started["position"]) if started["position"] in ids else 0
        if any(started["counts"].values()):
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
        # As wide as its longest reference and the longest reason in this language (the queue is
        # as wide as its columns), so that no reason is cut and the width holds through the review.
        table.add_column("", width=1)
        table.add_column("", width=max(cell_len(item["ref"]) for item in self.items))
        table.add_column("", width=max(cell_len(review.category_label(key)) for key, _label in review.CATEGORIES))
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
        total = self.total
        parts = [_("Daily review")]
        if self.items:
            parts.append(_("{k} of {n}").format(k=count(self.first + self.pos + 1), n=count(total)))
            parts.append(review.category_label(self.items[self.pos]["category"]))
        parts.append(_("{done} done").format(done=len(self.done)))
        if self.selected:
            parts.append(_("{n} selected").format(n=len(self.selected)))
        self.query_one("#review-title", Static).update(Content("  ·  ".join(parts)))

    # --- one item ------------------------------------------------------------------------
    @background("review-item")
    def load_item(self) -> None:
        ref = self.items[self.pos]["ref"]
        item, units = self.app.backend.call(lambda s: (objectives.detail(s.db, ref, log_limit=6), describe.unit_names(s.db)))
        self.app.call_from_thread(self._show_item, item, units)

    def _show_item(self, item: dict, units: dict[int, str]) -> None:
        if not self.is_mounted:  # the review ended while the item was read
            return
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
            (_("lead unit"), item["lead_unit"]), (_("co-units"), joined(item["co_units"])),
            (_("deadline"), deadline),
            (_("original deadline"), item["original_deadline"] if item["original_deadline"] != item["deadline"] else ""),
            (_("done"), f"{item['percent']}%"), (_("urges"), str(item["urge_count"] or "")),
            (_("last report"), last_report), (_("reports"), rhythm.summary(item)),
        ]
        if item.get("extension_to"):
            pairs.append((_("extension asked"), f"{item['deadline']} → {item['extension_to']}"))
        self.query_one("#review-facts", Facts).show(pairs)
        lines = [Content.styled(_("Last steps"), "bold underline")]
        lines += [render.log_line(entry, describe.headline(entry, units)) for entry in item["log"]]
        self.query_one("#review-history", Static).update(Content("\n").join(lines))
        self.refresh_bindings()
        self._title()
        if self.items:
            self._point_queue()

    # --- moving ---------------------------------------------------------------------------
    def _go(self, index: int) -> None:
        """To the item at ``index`` of the window, reading the page it is on when it lies beyond."""
        if not self.items:
            return
        if index >= len(self.items) and self.first + len(self.items) < self.total:
            self._read_page(True, lambda _shift: self._go(index))
            return
        if index < 0 and self.first > 0:
            self._read_page(False, lambda shift: self._go(index + shift if shift else 0))
            return
        self.pos = max(0, min(index, len(self.items) - 1))
        self.item = None
        self.load_item()

    @background("review-page")
    def _read_page(self, forward: bool, then) -> None:
        """The page after the window (or before it); then ``then(items added before)`` on the screen."""
        cursor, login = self.items[-1 if forward else 0]["at"], self.app.backend.login
        found = self.app.backend.call(
            lambda s: review.page(s.db, login, cursor, review.PAGE) if forward
            else review.page(s.db, login, limit=review.PAGE, before=cursor))
        self.app.call_from_thread(self._paged, forward, found, then)

    def _paged(self, forward: bool, found: list[dict], then) -> None:
        if not self.is_mounted:
            return
        # An item whose category changed since it was read stays where it was read: once.
        known = {i["id"] for i in self.items}
        found = [i for i in found if i["id"] not in known]
        if forward:
            self.items = [*self.items, *found]
            # the queue ends here: fewer than counted (items done elsewhere, changed meanwhile)
            self.total = self.first + len(self.items) if not found else max(self.total, self.first + len(self.items))
        else:
            self.items = [*found, *self.items]
            self.first = max(0, self.first - len(found)) if found else 0
            self.pos += len(found)
        self._draw_queue()
        then(0 if forward else len(found))

    def _next_open(self, then, start: int, current: int, wrapped: bool = False) -> None:
        """``then(index)`` of the first item not yet done after ``start`` other than ``current`` (an
        id), reading on as needed and starting once more from the top of the queue; ``then(None)``
        when none is left."""
        for index in range(start + 1, len(self.items)):
            if self.items[index]["id"] not in self.done | {current}:
                then(index)
                return
        if self.first + len(self.items) < self.total:
            end = len(self.items) - 1
            self._read_page(True, lambda _shift: self._next_open(then, end, current, wrapped))
            return
        if wrapped:
            then(None)
        elif self.first > 0:  # from the top, as the queue is now (items done have left it)
            self._restart(lambda: self._next_open(then, -1, current, wrapped=True))
        else:
            self._next_open(then, -1, current, wrapped=True)

    @background("review-page")
    def _restart(self, then) -> None:
        login = self.app.backend.login
        opened = self.app.backend.call(lambda s: review.opening(s.db, login))
        self.app.call_from_thread(self._restarted, opened, then)

    def _restarted(self, opened: dict, then) -> None:
        if not self.is_mounted:
            return
        if opened["items"]:  # the queue as it is now: the items done have left it
            self.items, self.first, self.pos, self.total = opened["items"], 0, 0, opened["total"]
            self._draw_queue()
        then()

    def _advance(self) -> None:
        """On to the next item not yet done; the summary when none is left."""
        def go(index: int | None) -> None:
            self._draw_queue()
            if index is None:
                self.action_finish()
            else:
                self._go(index)
        self._next_open(go, self.pos, self.items[self.pos]["id"])

    def action_move(self, step: int) -> None:
        self._go(self.pos + step)

    def action_open(self) -> None:
        if self.item:
            self.app.open_objective(self.item["ref"])

    # --- acting -------------------------------------------------------------------------------
    def step_refusal(self, step: str) -> str | None:
        if self.busy:
            return _("saving…")
        return super().step_refusal(step)

    def action_act(self, step: str) -> None:
        if self.item is None or self.busy:
            return
        chosen = [i for i in self.items if i["id"] in self.selected] if step in BULK and len(self.selected) > 1 \
            else [dict(self.items[self.pos], version=self.item["version"])]
        review_id = self.review["id"]

        def submit(session, values: dict) -> Result:
            return review_service.act(session, review_id, step, chosen, values)

        if len(chosen) > 1:
            action = ACTIONS[step]
            screen = FormScreen(f"{actions.title(step)} · {len(chosen)}", action.fields, submit,
                                intro=Content(", ".join(i["ref"] for i in chosen)), submit_label=actions.title(step),
                                one_line=True)
        else:
            screen = form(step, self.item, self.app, one_line=True, submit=submit)
        self.app.push_screen(screen, lambda result: self._acted(chosen) if result else None)

    def _acted(self, chosen: list[dict]) -> None:
        self.done |= {item["id"] for item in chosen}
        self.selected.clear()
        self._advance()

    @background("review-write")
    def _write(self, write, then=None) -> None:
        """Review bookkeeping; the queue moves on only once it is written."""
        try:
            self.app.backend.call(write)
        except review_service.Finished as error:  # in another session: nothing more is recorded here
            self.app.call_from_thread(self._cannot, str(error))
            return
        except SuperviserError as error:  # refused: the item stays where it is, not done
            self.app.call_from_thread(self._refused, str(error))
            return
        except Exception:
            self.app.call_from_thread(self._written, lambda: None)  # stay on the item; the app reports it
            raise
        self.app.call_from_thread(self._written, then or self._advance)

    def _refused(self, message: str) -> None:
        self.notify(message, severity="error", markup=False)
        if self.items:
            self.done.discard(self.items[self.pos]["id"])
        self._written(lambda: None)

    def _written(self, then) -> None:
        self.busy = False
        self.refresh_bindings()
        if self.is_attached and self.app.screen is self:  # not if the person has left meanwhile
            then()

    def action_mark(self) -> None:
        if self.item is None or self.busy:
            return
        current = self.items[self.pos]
        self.done.add(current["id"])
        self.busy = True
        self._write(lambda s: review_service.mark(s, self.review["id"], current["id"], current["category"]))

    def action_skip(self) -> None:
        if not self.items or self.busy:
            return
        item_id = self.items[self.pos]["id"]

        def skip_to(following: int | None) -> None:
            if following is None:
                self.notify(_("This is the last item left."), markup=False)
                return
            then = self.items[following]["id"]
            self.busy = True
            self._write(lambda s: review_service.skip(s, self.review["id"], item_id, then), lambda: self._go(following))
        self._next_open(skip_to, self.pos, item_id)

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

    @background("review-undo")
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

    @background("review")
    def _finish(self) -> None:
        try:
            summary = self.app.backend.call(lambda s: review_service.finish(s, self.review["id"]))
        except SuperviserError as error:  # finished meanwhile (another session): say so and leave
            self.app.call_from_thread(self._cannot, str(error))
            return
        self.app.call_from_thread(self._finished, summary)

    def _finished(self, summary: dict) -> None:
        self.app.check_changes()
        if self.app.screen is self:
            self.app.pop_screen()
        self.app.push_screen(ReviewSummary(summary))
