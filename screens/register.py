"""Forms that register: a new decision, a new objective."""

from __future__ import annotations

from screens.forms import Field, FormScreen
from superviser import clock, lifecycle, roles
from superviser.i18n import _
from superviser.services import registry, steps


def _allowed(app, step: str) -> bool:
    problem = roles.refusal(step, app.person["role"] if app.person else None, app.login)
    if problem:
        app.notify(problem, severity="warning", markup=False)
    return problem is None


def new_decision(app) -> None:
    if not _allowed(app, "decision.add"):
        return
    fields = [
        Field("title", _("title"), required=True),
        Field("source", _("source"), "choice", choices=[(k, _(v)) for k, v in lifecycle.SOURCES.items()]),
        Field("date", _("date"), "date", required=True, default=clock.today().isoformat()),
        Field("ref", _("reference"), hint=_("meeting or document number")),
        Field("leader", _("leader")),
        Field("summary", _("summary"), "multiline"),
        Field("priority", _("priority"), "choice", choices=[(k, _(v)) for k, v in lifecycle.PRIORITIES.items()]),
    ]

    def submit(session, v):
        return registry.decision_add(session, v["title"], source=v["source"], decided_on=v["date"],
                                     source_ref=v["ref"], leader=v["leader"], summary=v["summary"], priority=v["priority"])

    def opened(result) -> None:
        if result is not None:
            app.open_decision(result.ref)

    app.push_screen(FormScreen(_("New decision"), fields, submit), opened)


def new_objective(app, decision_ref: str, parent_hint: str | None = None) -> None:
    if not _allowed(app, "objective.add"):
        return
    fields = [
        Field("title", _("title"), required=True),
        Field("lead", _("lead unit"), "unit", required=True),
        Field("co", _("co-units"), "units"),
        Field("deadline", _("deadline"), "date", required=True),
        Field("parent", _("parent"), hint=_("to split {ref}, give its reference, e.g. {ref}").format(
            ref=parent_hint or f"{decision_ref}.1")),
        Field("detail", _("detail"), "multiline"),
        Field("priority", _("priority"), "choice", choices=[(k, _(v)) for k, v in lifecycle.PRIORITIES.items()]),
        Field("assign", _("assign now"), "choice", choices=[("yes", _("yes")), ("no", _("no"))]),
    ]

    def submit(session, v):
        result = registry.objective_add(session, decision_ref, v["title"], lead=v["lead"], co=v["co"],
                                        deadline=v["deadline"], parent=v["parent"] or None, detail=v["detail"],
                                        priority=v["priority"])
        if v["assign"] == "yes":
            assigned = steps.assign(session, result.ref)
            assigned.message = f"{result.message}; {assigned.message}"
            return assigned
        return result

    app.push_screen(FormScreen(_("New objective · {ref}").format(ref=decision_ref), fields, submit,
                               unit_names=app.unit_names))
