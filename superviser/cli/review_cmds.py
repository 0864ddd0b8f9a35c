"""The daily review from the command line."""

from __future__ import annotations

import click

from superviser.cli.common import Env, emit_page, json_option, pass_env, table
from superviser.i18n import _


def commands() -> list[click.Command]:
    """The commands, built in the language of this run (so their help is in it)."""
    @click.command(
        "review",
        help=_("Start (or resume) the daily review in the app; with --list, print today's queue instead."),
        epilog=_("\b\nExamples:\n  superviser review\n  superviser review --list --json"),
    )
    @click.option("--list", "as_list", is_flag=True, help=_("Print the queue, worst first, and do not open the app."))
    @json_option
    @pass_env
    def review(env: Env, as_list: bool, as_json: bool) -> int | None:
        from superviser import review as review_core
        if as_list or as_json:
            items = review_core.queue(env.db, env.login)
            if as_json:
                emit_page(items, len(items))
            else:
                table([("#", {"justify": "right"}), (_("ref"), {}), (_("why"), {})],
                      [[str(i + 1), item["ref"], review_core.category_label(item["category"])] for i, item in enumerate(items)])
            return None
        from superviser import actions
        from superviser.cli.launch import launch

        actions.require("review", env.session.person(), env.session.login)

        return launch(env, screen="review")
    return [review]
