"""Recurring matters: add, change, list, and run (for cron)."""

from __future__ import annotations

import sys

import click

from superviser.actions import ACTIONS
from superviser.cli import build
from superviser.cli.common import Env, emit_json, emit_page, json_option, pass_env, table
from superviser.i18n import _


def commands() -> list[click.Command]:
    @click.group(help=_("Recurring matters (a monthly safety report, a quarterly audit): each time one is due, "
                        "it is registered and assigned as an objective of its own."))
    def recur() -> None:
        pass

    @recur.command("list", help=_("List the recurring matters and when the next one comes."),
                   epilog=_("\b\nExample:\n  superviser recur list --json"))
    @json_option
    @pass_env
    def recur_list(env: Env, as_json: bool) -> None:
        from superviser import clock, recurring

        rows = recurring.recurrences(env.db)
        today = clock.today()
        for row in rows:
            row["next"] = recurring.upcoming(env.db, row, today)
            row["rule_text"] = recurring.rule_text(row)
        if as_json:
            emit_page(rows, len(rows))
            return
        table([("#", {"justify": "right"}), (_("title"), {"max_width": 40}), (_("decision"), {}),
               (_("lead unit"), {"max_width": 16}), (_("repeats"), {"max_width": 30}), (_("days allowed"), {"justify": "right"}),
               (_("registered"), {"justify": "right"}), (_("next"), {})],
              [[str(r["id"]), r["title"], r["decision_ref"], r["lead_unit"], r["rule_text"], str(r["days"]),
                str(r["instances"]), r["next"]] for r in rows])

    run_help = ACTIONS["recur.run"].help

    @recur.command("run", help=_(run_help),
                   epilog=_("\b\nExample (crontab, every morning at 6):\n  0 6 * * *  superviser recur run"))
    @json_option
    @pass_env
    def recur_run(env: Env, as_json: bool) -> None:
        result = ACTIONS["recur.run"].perform(env.session, None, {})
        if as_json:
            emit_json({"ok": not result.data["problems"], **result.data})
        else:
            click.echo(result.message)
        if result.data["problems"]:
            sys.exit(4)

    recur.add_command(build.command(ACTIONS["recur.add"], "add"))
    recur.add_command(build.command(ACTIONS["recur.edit"], "edit"))
    return [recur]
