"""The steps on an objective, one verb each (``superviser urge 2026-014.2``), built from
their declarations; ``undo`` takes a log entry."""

from __future__ import annotations

import click

from superviser.actions import ACTIONS, OBJECTIVE_STEPS
from superviser.cli import build
from superviser.i18n import _


def command(name: str) -> click.Command:
    """One of the commands, built alone: a step's command line needs only its own."""
    if name == "extend":
        return build.group("extend", _("Extensions (延期申请): request a later deadline, approve or reject it."),
                           [build.command(ACTIONS[step]) for step in ("extend.request", "extend.approve", "extend.reject")])
    return build.command(ACTIONS[name])


def commands() -> list[click.Command]:
    plain = [a.name for a in OBJECTIVE_STEPS if "." not in a.name]  # objective.edit: `objective edit`
    return [command(name) for name in [*plain, "extend", "undo"]]
