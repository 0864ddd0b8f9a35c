"""Modal forms built from the core's field declarations (superviser/fields.py).

A step's form shows its declared fields, checks them with the same
``fields.parse`` the CLI and the services use (so a mistake is named under its
field before anything is sent), then calls the step's service in a worker; a
refusal from the core naming a field is shown under that field (errors carry
the field's stable key), any other refusal above the buttons. Escape or Cancel
leaves without a change.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Input, Label, ProgressBar, Select, Static, TextArea
from textual.worker import get_current_worker

from screens.messages import Progressed, StepDone
from screens.workers import background
from superviser import fields as core_fields
from superviser import refs
from superviser.errors import FieldError, SuperviserError
from superviser.fields import SEPARATORS, Field
from superviser.i18n import N_, _, joined
from superviser.progress import Stopped
from superviser.services import Result

PLACEHOLDERS = {"date": N_("YYYY-MM-DD, today, tomorrow, +7d"), "percent": "0–100",
                "units": N_("names, separated by commas")}


class UnitSuggester(Suggester):
    """Completes a unit name as it is typed; for a list, the name after the last comma."""

    def __init__(self, names: list[str], many: bool):
        super().__init__(use_cache=False, case_sensitive=True)
        self.names = names
        self.many = many

    @staticmethod
    def last_part(value: str) -> str:
        cut = max(value.rfind(sep) for sep in SEPARATORS)
        return value[cut + 1:].lstrip()

    def matches(self, value: str) -> list[str]:
        typed = (self.last_part(value) if self.many else value.strip()).lower()
        if not typed:
            return []
        starts = [n for n in self.names if n.lower().startswith(typed)]
        inside = [n for n in self.names if typed in n.lower() and n not in starts]
        return starts + inside

    async def get_suggestion(self, value: str) -> str | None:
        typed = self.last_part(value) if self.many else value.strip()
        for name in self.matches(value):
            if name.lower().startswith(typed.lower()):
                return value + name[len(typed):]
        return None


def _initial(field: Field, initial: dict) -> str:
    value = initial.get(field.key, field.default)
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


class FormScreen(ModalScreen):
    """A form; dismisses with the service's Result (or the values, for a form that only
    collects them), or None if cancelled. Escape during long work (``progress=True``) stops
    it at its next report, and the person is told ``STOPPED`` once it has."""

    BINDINGS = [
        Binding("escape", "escape", N_("Cancel"), id="form.cancel"),
        Binding("ctrl+s", "submit", N_("Save"), id="form.submit"),
    ]
    # The first field has the focus as soon as the form is shown (not the scrolling box
    # around the fields), so what is typed right after the form's key lands in it.
    AUTO_FOCUS = "#form-fields Input, #form-fields TextArea, #form-fields Select, #submit"
    STOPPED = N_("Stopped; nothing was saved")

    def __init__(self, title: str, fields: tuple[Field, ...] | list[Field], submit: Callable[..., Result] | None,
                 *, intro: Content | str | None = None, submit_label: str | None = None,
                 unit_names: list[str] | None = None, initial: dict | None = None, one_line: bool = False,
                 progress: bool = False):
        super().__init__()
        self.form_title = title
        # ``one_line``: every text on one line, so Enter saves (the daily review's quick forms)
        self.fields = [Field(**{**f.__dict__, "kind": "line"}) if one_line and f.kind == "text" else f for f in fields]
        self.submit_fn = submit  # None: the form only collects values (filters), it changes nothing
        self.intro = intro
        self.submit_label = submit_label or _("Save")
        self.unit_names = unit_names or []
        self.initial = initial or {}
        self.busy = False
        self.typed_from: dict[str, object] = {}  # each field as the form opened (what Escape would lose)
        self.warned = False
        # long work: ``submit`` also takes ``progress=`` (superviser/progress.py), shown in a bar
        self.shows_progress = progress

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static(Content(self.form_title), classes="form-title")
            if self.intro:
                yield Static(self.intro if isinstance(self.intro, Content) else Content(self.intro), classes="form-intro")
            with VerticalScroll(id="form-fields"):
                for f in self.fields:
                    yield Label(Content(_(f.label) + (" *" if f.required else "")), id=f"label-{f.key}",
                                classes="field-label")
                    yield self._widget(f)
                    if f.kind in ("unit", "units"):
                        yield Static("", id=f"matches-{f.key}", classes="field-matches")
                    if f.hint:
                        yield Static(Content(_(f.hint)), id=f"hint-{f.key}", classes="field-hint")
                    yield Static("", id=f"error-{f.key}", classes="field-error")
            yield Static("", id="form-error", classes="field-error")
            if self.shows_progress:
                yield ProgressBar(id="form-progress", show_eta=False)
            with Horizontal(id="form-buttons"):
                yield Static(Content.styled(_("ctrl+s save · esc cancel"), "dim"), id="form-keys")
                yield Button(self.submit_label, variant="primary", id="submit", compact=True)
                yield Button(_("Cancel"), id="cancel", compact=True)

    def _widget(self, f: Field):
        widget_id = f"field-{f.key}"
        value = _initial(f, self.initial)
        if f.kind in ("text", "milestones"):
            return TextArea(value, id=widget_id, soft_wrap=True, show_line_numbers=False, classes="multiline",
                            compact=True)
        if f.kind in ("choice", "flag"):
            choices = list(f.choices) if f.kind == "choice" else [("yes", N_("yes")), ("no", N_("no"))]
            return Select([(_(label), key) for key, label in choices], value=value or choices[0][0],
                          allow_blank=False, id=widget_id, compact=True)
        suggester = UnitSuggester(self.unit_names, many=f.kind == "units") if f.kind in ("unit", "units") else None
        placeholder = PLACEHOLDERS.get(f.kind)
        return Input(value, id=widget_id, suggester=suggester, placeholder=_(placeholder) if placeholder else "",
                     compact=True, password=f.kind == "secret" or f.masked)

    def on_mount(self) -> None:
        # (nothing to focus when the app is closing: keys typed after q open a form as it goes)
        for first in self.query("#form-fields Input, #form-fields TextArea, #form-fields Select, #submit").results():
            first.focus()
            break
        self.typed_from = {f.key: self.raw(f) for f in self.fields}
        self.call_after_refresh(self._fit)
        # focused before the fields were sized, the box scrolled the first label out of view
        self.call_after_refresh(lambda: self.query_one("#form-fields").scroll_home(animate=False))

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """Give the fields every row the title, messages and buttons leave, so a long form
        scrolls inside while its save key stays in view (CSS can only give a fixed share)."""
        form, fields = self.query_one("#form"), self.query_one("#form-fields")
        others = sum(child.outer_size.height + child.styles.margin.top + child.styles.margin.bottom
                     for child in form.children if child is not fields and child.display)
        frame = form.outer_size.height - form.content_size.height
        fields.styles.max_height = max(3, self.size.height - frame - others)

    # --- values and checks ---------------------------------------------------------------
    def raw(self, f: Field):
        widget = self.query_one(f"#field-{f.key}")
        if isinstance(widget, TextArea):
            return widget.text
        return widget.value

    def check(self) -> tuple[dict, dict[str, str]]:
        """The values the core will take, and the problems by field key (the core's own checks)."""
        raw = {f.key: self.raw(f) for f in self.fields}
        values, errors = core_fields.parse_all(self.fields, raw)
        for f in self.fields:
            if f.key in errors or not self.unit_names or f.kind not in ("unit", "units"):
                continue
            names = values[f.key] if f.kind == "units" else ([values[f.key]] if values[f.key] else [])
            try:  # (as the core will read them: a part of one name stands for it)
                for name in names:
                    refs.unit_meant(self.unit_names, name, f.key, f.label)
            except FieldError as error:
                errors[f.key] = error.problem
        return values, errors

    def show_errors(self, errors: dict[str, str], general: str = "") -> None:
        for f in self.fields:
            line = self.query_one(f"#error-{f.key}", Static)
            line.update(Content(errors.get(f.key, "")))
            line.set_class(f.key in errors, "-shown")
        form_error = self.query_one("#form-error", Static)
        form_error.update(Content(general))
        form_error.set_class(bool(general), "-shown")
        self.call_after_refresh(self._fit)
        for f in self.fields:
            if f.key in errors:
                self.query_one(f"#field-{f.key}").focus()
                break

    # --- events ------------------------------------------------------------------------------
    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        key = (event.input.id or "").removeprefix("field-")
        spec = next((f for f in self.fields if f.key == key), None)
        if spec is not None and spec.kind in ("unit", "units"):
            suggester = event.input.suggester
            shown = suggester.matches(event.value)[:6] if isinstance(suggester, UnitSuggester) else []
            line = (_("matches: ") + joined(shown, "or")) if shown else ""
            self.query_one(f"#matches-{key}", Static).update(Content(line))

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = [w for w in self.query("#form-fields Input, #form-fields TextArea, #form-fields Select") if w.display]
        position = inputs.index(event.input) if event.input in inputs else -1
        if 0 <= position < len(inputs) - 1:
            inputs[position + 1].focus()
        else:
            self.action_submit()

    @on(Button.Pressed, "#submit")
    def _submit_pressed(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_escape(self) -> None:
        """Escape: a form with something typed in it asks once before it is thrown away."""
        if not self.busy and not self.warned and any(self.raw(f) != self.typed_from.get(f.key) for f in self.fields):
            self.warned = True
            self.show_errors({}, _("esc again to leave without saving what you typed"))
            return
        self.action_cancel()

    def action_cancel(self) -> None:
        if self.busy and self.shows_progress:
            # Long work stops at its next report, having written nothing; the form stays until
            # it has, so that nobody is told "cancelled" about a file that was saved after all.
            self.workers.cancel_group(self, "form")
            self.query_one("#form-progress", ProgressBar).display = False
            self.show_errors({}, _("stopping…"))
            return
        self.dismiss(None)

    def action_submit(self) -> None:
        if self.busy:
            return
        values, errors = self.check()
        if errors:
            self.show_errors(errors)
            return
        if self.submit_fn is None:
            self.dismiss(values)
            return
        self.busy = True
        self.show_errors({}, _("saving…"))
        self._run(values)

    @background("form")
    def _run(self, values: dict) -> None:
        submit = self.submit_fn
        if self.shows_progress:  # from the worker's thread, as messages: the app goes on meanwhile
            worker = get_current_worker()

            def progress(done: int, total: int) -> None:
                if worker.is_cancelled:  # Escape: the work gives up here
                    raise Stopped
                self.post_message(Progressed(done, total))

            submit = functools.partial(submit, progress=progress)
        try:
            result = self.app.backend.call(lambda session: submit(session, values))
        except SuperviserError as error:
            self.app.call_from_thread(self._refused, error)
            return
        except Stopped:
            self.app.call_from_thread(self._stopped)
            return
        except Exception:
            self.app.call_from_thread(self._refused, None)  # (the form is the person's again)
            raise  # to the app's one handler: logged, and the person told where
        self.app.call_from_thread(self._done, result)

    def on_progressed(self, message: Progressed) -> None:
        bar = self.query_one("#form-progress", ProgressBar)
        if not bar.display:  # in the place of "saving…", one line for another: the fields keep their room
            self.query_one("#form-error", Static).set_class(False, "-shown")
            bar.display = True
        bar.update(total=message.total, progress=message.done)

    def _refused(self, error: SuperviserError | None) -> None:
        """Refused in the core's words; None: failed unexpectedly (the app says where it is logged)."""
        self.busy = False
        if self.shows_progress:
            self.query_one("#form-progress", ProgressBar).display = False
        if isinstance(error, FieldError) and any(f.key == error.field for f in self.fields):
            self.show_errors({error.field: error.problem})
            return
        self.show_errors({}, str(error) if error is not None else _("not saved"))

    def _stopped(self) -> None:
        self.app.notify(_(self.STOPPED), severity="warning", markup=False)
        self.dismiss(None)

    def _done(self, result: Result) -> None:
        if result.seq is not None:  # a step was written (a filter only collects its values)
            self.app.post_message(StepDone(result))
        self.dismiss(result)

