"""The top-level group. With no subcommand it opens the terminal app.

Commands are built when they are used, in the language chosen for this run (so
their help is translated when it is shown), and a command does not pay for
building all the others: each module exposes ``commands()``.
"""

from __future__ import annotations

import importlib

import click

from superviser.cli.common import Env
from superviser.i18n import _

# Each subcommand's module, imported when the subcommand is used.
SUBCOMMANDS = {
    "init": "setup_cmds", "unit": "setup_cmds", "person": "setup_cmds", "settings": "setup_cmds",
    "demo": "setup_cmds", "decision": "register_cmds", "objective": "register_cmds",
    "assign": "step_cmds", "accept": "step_cmds", "return": "step_cmds", "transfer": "step_cmds",
    "progress": "step_cmds", "urge": "step_cmds", "inspect": "step_cmds", "extend": "step_cmds",
    "complete": "step_cmds", "verify": "step_cmds", "sendback": "step_cmds", "suspend": "step_cmds",
    "cancel": "step_cmds", "reopen": "step_cmds", "note": "step_cmds", "light": "step_cmds", "undo": "step_cmds",
    "deadline": "step_cmds", "rhythm": "step_cmds", "recur": "recur_cmds", "score": "score_cmds",
    "review": "review_cmds", "log": "admin_cmds", "audit": "admin_cmds", "backup": "admin_cmds",
    "doctor": "admin_cmds", "serve": "serve_cmds", "export": "report_cmds", "import": "report_cmds",
    "digest": "report_cmds", "channel": "delivery_cmds", "office": "delivery_cmds", "deliver": "delivery_cmds",
    "notice": "delivery_cmds", "outbox": "delivery_cmds", "keys": "keys_cmds", "checkpoint": "checkpoint_cmds",
    "shell": "shell_cmds",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module = SUBCOMMANDS.get(name)
        if module is None:
            return None
        imported = importlib.import_module(f"superviser.cli.{module}")
        if hasattr(imported, "command"):  # builds the one asked for
            return imported.command(name)
        built = imported.commands() if hasattr(imported, "commands") else imported.COMMANDS
        return next(c for c in built if c.name == name)

    def invoke(self, ctx: click.Context):
        # The reader of the output left (``| head``): what the command did stands, so it is not a
        # failure (click would exit 1 for it, before superviser.cli could tell it apart).
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            from superviser.cli import reader_gone

            reader_gone()
            raise click.exceptions.Exit(0) from None


def build() -> click.Group:
    @click.group(
        cls=LazyGroup, invoke_without_command=True,
        help=_("Supervision and follow-up (督查督办): register leadership decisions, split them into "
               "objectives, assign units and deadlines, chase and inspect, and keep a tamper-evident log.\n\n"
               "With no command, opens the terminal app."),
        epilog=_("\b\nExamples:\n"
                 "  superviser --demo                     open the app on a ready demo database\n"
                 "  superviser objective list --light red\n"
                 "  superviser urge 2026-014.2 --text \"Report by Friday\"\n"
                 "  superviser audit"),
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    )
    @click.option("--db", metavar="PATH", help=_("Database file (else $SUPERVISER_DB, else the user data directory)."))
    @click.option("--lang", metavar="LANG", help=_("Language: en, es or zh_CN (else $SUPERVISER_LANG, else the locale)."))
    @click.option("--demo", is_flag=True, help=_("Use the demo database, kept apart from the real one (created if missing)."))
    # The installed distribution's version, read only when asked (importlib.metadata costs ~35 ms).
    @click.version_option(package_name="superviser", prog_name="superviser", message=_("%(prog)s, version %(version)s"))
    @click.pass_context
    def root(ctx: click.Context, db: str | None, lang: str | None, demo: bool) -> int | None:
        if not isinstance(ctx.obj, Env):  # `shell` runs a person's command on its own Env
            ctx.obj = Env(db, demo)
        if ctx.invoked_subcommand is None:
            from superviser.cli.launch import launch

            return launch(ctx.obj)
        # A command runs once and exits: the collector stays off. Turned on, it would walk all that
        # the command still holds once its heavy part (an export, an import) let it run again,
        # 0.1–0.2 s after an export, and everything once more as the interpreter exits. The
        # commands that keep running (deliver --watch, serve) turn it on.
        return None

    return root
