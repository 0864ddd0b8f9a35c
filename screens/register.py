"""Forms that register: a new decision, a new objective (from their declarations)."""

from __future__ import annotations

from screens.forms import FormScreen
from superviser import actions, clock
from superviser.actions import ACTIONS
from superviser.i18n import _


def _allowed(app, step: str) -> bool:
    problem = actions.role_refusal(step, app.person, app.login)
    if problem:
        app.notify(problem, severity="warning", markup=False)
    return problem is None


def new_decision(app) -> None:
    if not _allowed(app, "decision.add"):
        return
    action = ACTIONS["decision.add"]

    def opened(result) -> None:
        if result is not None:
            app.open_decision(result.ref)

    app.push_screen(FormScreen(_("New decision"), action.fields, lambda s, v: action.perform(s, None, v),
                               initial={"decided_on": clock.today().isoformat()}), opened)


def new_objective(app, decision_ref: str, parent_hint: str | None = None) -> None:
    if not _allowed(app, "objective.add"):
        return
    action = ACTIONS["objective.add"]
    fields = [f if f.key != "parent" else type(f)(**{**f.__dict__, "hint": _(
        "to split {ref}, give its reference, e.g. {ref}").format(ref=parent_hint or f"{decision_ref}.1")})
              for f in action.fields]
    app.push_screen(FormScreen(_("New objective · {ref}").format(ref=decision_ref), fields,
                               lambda s, v: action.perform(s, decision_ref, v), unit_names=app.unit_names,
                               initial={"assign": True}))


def edit_decision(app, decision: dict) -> None:
    """The decision's facts in a form, as they are now; saved as one correction, refused if
    someone changed the decision meanwhile."""
    if not _allowed(app, "decision.edit"):
        return
    action = ACTIONS["decision.edit"]
    ref, version = decision["ref"], decision["version"]
    initial = {key: decision.get(column) for key, column in action.prefill.items()}
    app.push_screen(FormScreen(_("Edit decision · {ref}").format(ref=ref), action.fields,
                               lambda s, v: action.perform(s, ref, v, version), initial=initial))
