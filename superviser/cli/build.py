"""Click commands built from the steps' declarations (superviser/actions.py).

A step's command takes its target (an objective, a decision, a unit, a person,
a log entry) as its first argument and one option per declared field. The
values go to the step's service as typed; the service checks them with the same
``superviser.fields`` rules the app's forms use, so a mistake gets the same
words everywhere. Only the options given are passed on, so an edit changes only
what was named.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from superviser.cli.common import Env, pass_env, read_text, report
from superviser.i18n import _

if TYPE_CHECKING:
    from superviser.actions import Action
    from superviser.fields import Field

TARGETS = {"objective": "OBJECTIVE", "decision": "DECISION", "unit": "UNIT", "person": "LOGIN", "entry": "SEQ",
           "recurrence": "RECURRENCE"}
_METAVARS = {"date": "DATE", "unit": "UNIT", "units": "UNIT", "objective": "OBJECTIVE", "decision": "DECISION",
             "percent": "N", "int": "N", "number": "N", "login": "LOGIN", "email": "ADDRESS", "url": "URL",
             "milestones": "'DATE TEXT'"}


def _help(field: Field) -> str:
    parts = [_(field.help) if field.help else _(field.label)]
    if field.required:
        parts.append(_("(required)"))
    if field.kind == "choice":
        parts.append("[" + "|".join(value for value, _label in field.choices) + "]")
    return " ".join(parts)


def _param(field: Field) -> click.Parameter:
    option = field.cli_option()
    if option == "":
        return click.Argument([field.key], metavar=field.key.upper(), required=False)
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
        elif field.kind == "text":
            value = read_text(value)
        values[field.key] = value
    return values


def command(action: Action, name: str | None = None) -> click.Command:
    """The command for one step."""
    params: list[click.Parameter] = []
    if action.target in TARGETS:
        params.append(click.Argument(["target"], metavar=TARGETS[action.target]))
    params += [_param(field) for field in action.fields]
    if action.checks_version:
        what = (_("Refuse (as a conflict) unless the decision is still at version N.") if action.target == "decision"
                else _("Refuse (as a conflict) unless the objective is still at version N."))
        params.append(click.Option(["--if-version", "expected_version"], type=int, metavar="N", help=what))
    params.append(click.Option(["--json", "as_json"], is_flag=True, help=_("Print JSON (see README for the shape).")))

    @pass_env
    def run(env: Env, target=None, expected_version=None, as_json=False, **given):
        result = action.perform(env.session, target, _values(action, given), expected_version)
        report(result, as_json)

    epilog = _("\b\nExample:\n  {example}").format(example=action.example) if action.example else None
    return click.Command(name or action.name.rsplit(".", 1)[-1], params=params, callback=run, help=_(action.help),
                         epilog=epilog)


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
