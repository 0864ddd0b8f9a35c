"""The top-level group. With no subcommand it opens the terminal app."""

from __future__ import annotations

import click

from superviser import __version__
from superviser.cli.common import Env
from superviser.i18n import _

HELP = _(
    "Supervision and follow-up (督查督办): register leadership decisions, split them into "
    "objectives, assign units and deadlines, chase and inspect, and keep a tamper-evident log.\n\n"
    "With no command, opens the terminal app."
)
EPILOG = _(
    "\b\nExamples:\n"
    "  superviser --demo                     open the app on a ready demo database\n"
    "  superviser objective list --light red\n"
    "  superviser urge 2026-014.2 --text \"Report by Friday\"\n"
    "  superviser audit"
)


@click.group(
    invoke_without_command=True, help=HELP, epilog=EPILOG,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option("--db", metavar="PATH", help=_("Database file (else $SUPERVISER_DB, else the user data directory)."))
@click.option("--lang", metavar="LANG", help=_("Language: en or zh_CN (else $SUPERVISER_LANG, else the locale)."))
@click.option("--demo", is_flag=True, help=_("Use the demo database, kept apart from the real one (created if missing)."))
@click.version_option(__version__, prog_name="superviser")
@click.pass_context
def root(ctx: click.Context, db: str | None, lang: str | None, demo: bool) -> None:
    ctx.obj = Env(db, demo)
    if ctx.invoked_subcommand is None:
        from superviser.cli.launch import launch

        return launch(ctx.obj)
    return None


def _register() -> None:
    from superviser.cli import admin_cmds, register_cmds, review_cmds, setup_cmds, step_cmds

    for module in (setup_cmds, register_cmds, step_cmds, review_cmds, admin_cmds):
        for command in module.COMMANDS:
            root.add_command(command)


_register()
