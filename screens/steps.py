"""The steps on an objective as keys and forms, from the core's declarations.

A step's key is offered only when the core says this person may take it now
(``actions.refusal``); pressed anyway, it says why not, in the core's words. Its
form is built from the step's fields and calls exactly the service the CLI calls,
with the version of the objective the person was looking at.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.content import Content

from screens.forms import FormScreen
from superviser import actions, lifecycle
from superviser.actions import ACTIONS
from superviser.i18n import _


def bindings(action: str, steps, prefix: str) -> list[Binding]:
    """A key per step: ``action('step')``, its title in the key bar, an id to remap it."""
    return [Binding(key, f"{action}('{step}')", title, show=True, id=f"{prefix}.{step.replace('.', '_')}")
            for step, key, title in steps]


def objective_keys() -> list[tuple[str, str, str]]:
    return [(a.name, a.key, a.title) for a in actions.OBJECTIVE_STEPS if a.key]


def refusal(step: str, objective: dict | None, app) -> str | None:
    if objective is None:
        return _("loading…")
    return actions.refusal(step, app.person, app.login, objective)


class StepKeys:
    """For a screen whose step keys run ``STEP_ACTION('step')`` on ``self.item``: the key bar
    offers a step only when the core allows it (``check_action``); a refused key, pressed,
    says why (``on_key``, which sees the keys no binding took)."""

    STEP_ACTION = "step"
    item: dict | None = None

    def step_refusal(self, step: str) -> str | None:
        return refusal(step, self.item, self.app)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == self.STEP_ACTION and parameters:
            return True if self.step_refusal(parameters[0]) is None else None
        return True

    def on_key(self, event: events.Key) -> None:
        active = self.active_bindings.get(event.key)
        if active is None or active.enabled or not active.binding.action.startswith(self.STEP_ACTION + "("):
            return
        problem = self.step_refusal(active.binding.action.split("'")[1])
        if problem and self.item is not None:
            event.stop()
            self.notify(problem, severity="warning", markup=False)


def intro(step: str, objective: dict) -> Content:
    """What the person should see before taking the step, beyond the objective's title."""
    lines = [Content(objective["title"])]
    if step == "urge":
        count = objective["urge_count"] + 1
        lines.append(Content(_("This will be urge {n}: {level}.").format(n=count, level=lifecycle.urge_level(count))))
    elif step == "extend.request":
        lines.append(Content(_("current deadline: {date}").format(date=objective["deadline"])))
    elif step == "deadline":
        lines.append(Content(_("current deadline: {date}; the original, {original}, is kept").format(
            date=objective["deadline"], original=objective["original_deadline"])))
    elif step in ("extend.approve", "extend.reject"):
        lines.append(Content(_("asked: {old} → {new}").format(old=objective["deadline"],
                                                              new=objective.get("extension_to") or "")))
    return Content("\n").join(lines)


def form(step: str, objective: dict, app, *, one_line: bool = False, submit=None) -> FormScreen:
    """The form for ``step`` on ``objective`` (as last loaded, version included). ``submit``
    replaces the plain step (the daily review records it in the review too); ``one_line``:
    every text on one line, so Enter saves."""
    action = ACTIONS[step]
    ref, version = objective["ref"], objective["version"]

    def perform(session, values: dict):
        return action.perform(session, ref, values, version)

    initial = {key: objective.get(source) for key, source in action.prefill.items()}
    return FormScreen(f"{actions.title(step)} · {ref}", action.fields, submit or perform, intro=intro(step, objective),
                      submit_label=_(action.submit) if action.submit else None, unit_names=app.unit_names,
                      initial=initial, one_line=one_line)


def undo_form(entry: dict, ref: str, summary: str) -> FormScreen:
    action = ACTIONS["undo"]
    return FormScreen(f"{_('Undo')} · #{entry['seq']}", action.fields,
                      lambda s, v: action.perform(s, entry["seq"], v), intro=Content(f"{ref}: {summary}"),
                      submit_label=_(action.submit))

