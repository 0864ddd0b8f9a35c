"""Click commands built from the steps' declarations (superviser/actions.py).

A step's command takes its target (an objective, a decision, a unit, a person,
a log entry) as its first argument and one option per declared field. The
values go to the step's service as typed; the service checks them with the same
``superviser.fields`` rules the app's forms use, so a mistake gets the same
words everywhere. Only the options given are passed on, so an edit changes only
what was named.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from superviser.cli.common import Env, pass_env, read_text, report
from superviser.i18n import _

if TYPE_CHECKING:
    from superviser.actions import Action
    from superviser.fields import Field

TARGETS = {"objective": "OBJECTIVE", "decision": "DECISION", "unit": "UNIT", "person": "LOGIN", "entry": "SEQ",
           "recurrence": "RECURRENCE", "channel": "ID", "message": "ID"}
_METAVARS = {"date": "DATE", "unit": "UNIT", "units": "UNIT", "objective": "OBJECTIVE", "decision": "DECISION",
             "percent": "N", "int": "N", "number": "N", "login": "LOGIN", "email": "MAIL", "url": "URL",
             "secret": "SECRET", "phone": "NUMBER", "milestones": "'DATE TEXT'"}


def _help(field: Field) -> str:
    parts = [_(field.help) if field.help else _(field.label)]
    if field.required:
        parts.append(_("(required)"))
    if field.kind == "choice":  # "" (the default's choice) is said by not giving the option
        parts.append("[" + "|".join(value for value, _label in field.choices if value) + "]")
    return " ".join(parts)


def _param(field: Field) -> click.Parameter:
    option = field.cli_option()
    if option == "":
        # A required value left out is the core's to say, in the words the form uses; one that may
        # be empty ("" for the default) must still be typed, or leaving it out would clear it.
        return click.Argument([field.key], metavar=field.key.upper(), required=not field.required)
    if "/" in option:  # --active/--inactive
        return click.Option([option, field.key], default=None, help=_help(field))
    if field.kind == "flag":
        return click.Option([option, field.key], is_flag=True, default=None, help=_help(field))
    return click.Option([option, field.key], multiple=field.kind in ("units", "milestones"), help=_help(field),
                        metavar=_METAVARS.get(field.kind, "TEXT"))


def _values(action: Action, given: dict) -> dict:
    """What was given on the command line, as the service takes it."""
    values = {}
    for field in action.fields:
        value = given.get(field.key)
        if value is None or value == ():
            continue
        if field.kind == "units":
            value = [name for item in value for name in item.split(",")]
        elif field.kind in ("text", "secret"):  # - reads standard input
            value = read_text(value)
        values[field.key] = value
    return values


def command(action: Action, name: str | None = None, *, options: list[click.Parameter] | None = None,
            run: Callable[..., object] | None = None) -> click.Command:
    """The command for one step. A step whose command does more than report (a notice is saved to
    a file) adds its ``options`` and its own ``run(env, target, values, as_json, **options)``."""
    params: list[click.Parameter] = []
    if action.target in TARGETS:
        params.append(click.Argument(["target"], metavar=TARGETS[action.target]))
    params += [_param(field) for field in action.fields]
    if action.checks_version:
        what = (_("Refuse (as a conflict) unless the decision is still at version N.") if action.target == "decision"
                else _("Refuse (as a conflict) unless the objective is still at version N."))
        params.append(click.Option(["--if-version", "expected_version"], type=int, metavar="N", help=what))
    params += options or []
    params.append(click.Option(["--json", "as_json"], is_flag=True, help=_("Print JSON (see README for the shape).")))
    own = {param.name for param in options or []}

    @pass_env
    def perform(env: Env, target=None, expected_version=None, as_json=False, **given):
        if run is not None:
            return run(env, target, _values(action, given), as_json, **{key: given[key] for key in own})
        result = action.perform(env.session, target, _values(action, given), expected_version)
        report(result, as_json)
        return None

    return click.Command(name or action.name.rsplit(".", 1)[-1], params=params, callback=perform, help=_(action.help),
                         epilog=_epilog(action.example))


def _epilog(example: str) -> str | None:
    """The declaration's example, or several, one a line (a line ending in \\ goes on below)."""
    if not example:
        return None
    if all(line.endswith("\\") for line in example.split("\n")[:-1]):
        return _("\b\nExample:\n  {example}").format(example=example)
    return _("\b\nExamples:\n  {examples}").format(examples=example.replace("\n", "\n  "))


def group(name: str, help_text: str, members: list[click.Command]) -> click.Group:
    built = click.Group(name, help=help_text)
    for member in members:
        built.add_command(member)
    return built



class StepGroup(click.Group):
    """A group whose step commands (``objective add``: ``steps={"add": "objective.add"}``) are
    built only when one is used: building them loads every step's declaration, which the
    group's other commands (a list, a show) do not need."""

    def __init__(self, *args, steps: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.steps = steps

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.steps])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.steps:
            from superviser.actions import ACTIONS

            return command(ACTIONS[self.steps[name]], name)
        return super().get_command(ctx, name)
