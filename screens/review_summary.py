"""The end of the daily review: what it did, and the units to chase."""

from __future__ import annotations

import io
from pathlib import Path

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from screens.help import ScrollBody
from superviser import identity, review, text
from superviser.i18n import N_, _, aside
from superviser.quantities import size


class ReviewSummary(ModalScreen):
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
        chase = self.summary["chase"]
        if chase:
            lines += [Content(""), Content.styled(_("Units to chase"), "bold")]
        # Each item's title, and why it is there, in a column of their own: a long one wraps
        # under itself, not back under the reference (or the unit's name).
        ref_width = max((cell_len(item["ref"]) for items in chase.values() for item in items), default=0)
        with Vertical(id="help"):
            with ScrollBody():
                yield Static(Content("\n").join(lines), id="summary-text")
                for unit, items in chase.items():
                    yield Static(Content.styled(text.one_line(unit), "bold $accent"), classes="summary-unit")
                    for item in items:
                        category = f"  {review.category_label(item['category'])}" if item["category"] else ""
                        ref = Static(Content.styled(item["ref"], "bold"), classes="summary-ref")
                        ref.styles.width = ref_width + 2
                        with Horizontal(classes="summary-item"):
                            yield ref
                            yield Static(Content.assemble(Content(text.one_line(item["title"])), (category, "dim")),
                                         classes="summary-what")
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
        """Ask where, proposing a name that is free in the home folder; the file is private
        and never replaces another (superviser/files.py)."""
        from screens.forms import FormScreen
        from superviser import clock, files
        from superviser.fields import Field
        from superviser.services import Result

        name = f"superviser-review-{clock.today().isoformat()}.md"
        data = self.markdown.encode("utf-8")
        if identity.confined() and not self.app.is_web:
            # Through the service account the file would stay in its folders, out of the person's reach.
            self.notify(_("Over SSH a file saved here would stay on the server: press y to copy the summary "
                          "to your own clipboard instead."), severity="warning", markup=False, timeout=12)
            return
        if self.app.is_web:  # in a browser the file downloads
            self.app.deliver_binary(io.BytesIO(data), save_filename=name, name=name)
            return

        def save(_session, values: dict) -> Result:
            path = files.write_new(Path(values["path"]).expanduser(), data)
            return Result(_("Saved to {path}").format(path=aside(files.shown(path), size(len(data)))))

        def saved(result: Result | None) -> None:
            if result is not None:
                self.notify(result.message, markup=False)

        field = Field("path", N_("save as"), "line", required=True, limit=4000,
                      hint=N_("a file that does not exist yet; only you can read it"))
        self.app.push_screen(FormScreen(_("Save the summary"), [field], save, submit_label=_("Save"),
                                        initial={"path": str(files.free_name(Path.home() / name))}), saved)

    def action_close(self) -> None:
        self.dismiss()
