"""Modal forms: one generic form, described by its fields and the service it calls.

Nothing is written until the form is valid: fields are checked here first, then
the service checks again inside its transaction; a refusal naming a field is
shown next to that field, any other refusal above the buttons. Escape or Cancel
leaves without a change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from screens.localize import Localized
from screens.messages import StepDone
from superviser import dates, text
from superviser.errors import InvalidInput, NotFound, SuperviserError
from superviser.i18n import N_, _
from superviser.services import Result, Session

SEPARATORS = (",", "，", "、", ";", "；")


@dataclass
class Field:
    key: str
    label: str
    kind: str = "text"  # text, multiline, date, percent, choice, unit, units
    required: bool = False
    default: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)  # (value, label)
    hint: str = ""


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


def split_units(value: str) -> list[str]:
    for sep in SEPARATORS[1:]:
        value = value.replace(sep, ",")
    return [part.strip() for part in value.split(",") if part.strip()]


class FormScreen(Localized, ModalScreen):
    """A form for one step; dismisses with the service's Result, or None if cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="form.cancel"),
        Binding("ctrl+s", "submit", N_("Save"), id="form.submit"),
    ]

    def __init__(self, title: str, fields: list[Field], submit: Callable[[Session, dict], Result], *,
                 intro: Content | str | None = None, submit_label: str | None = None, unit_names: list[str] | None = None,
                 announce: bool = True):
        super().__init__()
        self.form_title = title
        self.fields = fields
        self.submit_fn = submit
        self.intro = intro
        self.submit_label = submit_label or _("Save")
        self.unit_names = unit_names or []
        self.announce = announce  # False: the form only collects values (filters), it changes nothing
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static(Content(self.form_title), classes="form-title")
            if self.intro:
                yield Static(self.intro if isinstance(self.intro, Content) else Content(self.intro), classes="form-intro")
            with VerticalScroll(id="form-fields"):
                for f in self.fields:
                    yield Label(Content(f.label + (" *" if f.required else "")), classes="field-label")
                    yield self._widget(f)
                    if f.kind in ("unit", "units"):
                        yield Static("", id=f"matches-{f.key}", classes="field-matches")
                    if f.hint:
                        yield Static(Content(f.hint), classes="field-hint")
                    yield Static("", id=f"error-{f.key}", classes="field-error")
            yield Static("", id="form-error", classes="field-error")
            with Horizontal(id="form-buttons"):
                yield Static(Content.styled(_("ctrl+s save · esc cancel"), "dim"), id="form-keys")
                yield Button(self.submit_label, variant="primary", id="submit", compact=True)
                yield Button(_("Cancel"), id="cancel", compact=True)

    def _widget(self, f: Field):
        widget_id = f"field-{f.key}"
        if f.kind == "multiline":
            return TextArea(f.default, id=widget_id, soft_wrap=True, show_line_numbers=False, classes="multiline",
                            compact=True)
        if f.kind == "choice":
            return Select([(label, value) for value, label in f.choices], value=f.default or f.choices[0][0],
                          allow_blank=False, id=widget_id, compact=True)
        suggester = UnitSuggester(self.unit_names, many=f.kind == "units") if f.kind in ("unit", "units") else None
        placeholder = {"date": _("YYYY-MM-DD, today, tomorrow, +7d"), "percent": "0–100",
                       "units": _("names, separated by commas")}.get(f.kind, "")
        return Input(f.default, id=widget_id, suggester=suggester, placeholder=placeholder, compact=True)

    def on_mount(self) -> None:
        fields = list(self.query("#form-fields Input, #form-fields TextArea, #form-fields Select"))
        (fields[0] if fields else self.query_one("#submit")).focus()
        self.call_after_refresh(self._fit)

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
    def value(self, f: Field):
        widget = self.query_one(f"#field-{f.key}")
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, Select):
            return widget.value
        return widget.value

    def check(self) -> tuple[dict, dict[str, str]]:
        values, errors = {}, {}
        for f in self.fields:
            raw = self.value(f)
            if isinstance(raw, str):
                raw = text.clean(raw).strip()
            if f.required and raw in ("", None):
                errors[f.key] = _("must not be empty")
                continue
            try:
                if f.kind == "date" and raw:
                    raw = dates.parse(f.label, raw).isoformat()
                elif f.kind == "percent" and raw != "":
                    number = int(str(raw).rstrip("%"))
                    if not 0 <= number <= 100:
                        raise ValueError
                    raw = number
                elif f.kind == "unit" and raw and self.unit_names:
                    raw = self._known_unit(raw)
                elif f.kind == "units":
                    raw = [self._known_unit(name) for name in split_units(raw)] if raw else []
            except InvalidInput as error:
                errors[f.key] = error.problem
                continue
            except ValueError:
                errors[f.key] = _("must be a whole number from 0 to 100")
                continue
            except LookupError as error:
                errors[f.key] = str(error)
                continue
            values[f.key] = raw
        return values, errors

    def _known_unit(self, name: str) -> str:
        for known in self.unit_names:
            if known.lower() == name.lower():
                return known
        raise LookupError(_("no unit named {name}").format(name=name))

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
            line = (_("matches: ") + "、".join(shown)) if shown else ""
            self.query_one(f"#matches-{key}", Static).update(Content(line))

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query("#form-fields Input, #form-fields TextArea, #form-fields Select"))
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

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:
        if self.busy:
            return
        values, errors = self.check()
        if errors:
            self.show_errors(errors)
            return
        self.busy = True
        self.show_errors({}, _("saving…"))
        self._run(values)

    @work(thread=True, exclusive=True, group="form")
    def _run(self, values: dict) -> None:
        try:
            result = self.app.backend.call(lambda session: self.submit_fn(session, values))
        except SuperviserError as error:
            self.app.call_from_thread(self._refused, error)
            return
        self.app.call_from_thread(self._done, result)

    def _refused(self, error: SuperviserError) -> None:
        self.busy = False
        if isinstance(error, (InvalidInput, NotFound)):
            for f in self.fields:
                if error.field in (f.label, f.key):
                    self.show_errors({f.key: error.problem})
                    return
        self.show_errors({}, str(error))

    def _done(self, result: Result) -> None:
        if self.announce:
            self.app.post_message(StepDone(result))
        self.dismiss(result)
