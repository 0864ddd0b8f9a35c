"""``superviser shell --as LOGIN``: what a person's SSH key runs on an office server.

The key's line in the service account's ``authorized_keys`` forces this command
(``superviser keys`` writes it), so LOGIN comes from the key. With no command
after ``ssh superviser@office`` it opens the app; with one, it runs that command
as LOGIN, if a person may run it that way (superviser/cli/confine.py).
"""

from __future__ import annotations

import os
import sys

import click

from superviser.cli.common import Env, pass_env
from superviser.errors import Forbidden
from superviser.i18n import _

# Nothing the SSH client sends may choose the database or the person (sshd passes LANG and
# LC_* on many systems, and more where an administrator allowed it).
CLIENT_ENVIRONMENT = ("SUPERVISER_USER", "SUPERVISER_DB", "SUDO_USER", "SUDO_UID", "SUDO_GID", "SUDO_COMMAND")


def commands() -> list[click.Command]:
    """The command, built in the language of this run (so its help is in it)."""
    @click.command(
        "shell",
        help=_("Open superviser as LOGIN, or run the command the person gave ssh (SSH_ORIGINAL_COMMAND) as LOGIN. "
               "This is what each key's line in the service account's authorized_keys runs (see `superviser keys`); "
               "only the account that owns the database may use it."),
        epilog=_("\b\nExample (the line `superviser keys add` writes):\n"
                 "  superviser --db /srv/superviser/superviser.db shell --as li.ming\n"
                 "From a laptop, through that line:\n  ssh -t superviser@office\n  ssh -t superviser@office review\n"
                 "  ssh superviser@office export --format docx -o - > bulletin.docx"),
    )
    @click.option("--as", "as_login", required=True, metavar="LOGIN", help=_("The person the key belongs to."))
    @pass_env
    def shell(env: Env, as_login: str) -> int | None:
        from superviser import i18n, identity, roles
        from superviser.cli import _prescan_lang
        from superviser.cli.confine import check, words

        for name in CLIENT_ENVIRONMENT:
            os.environ.pop(name, None)
        env.as_login = as_login
        login = env.login  # refused unless this process runs as the database's owner
        if roles.person(env.db, login) is None:
            raise Forbidden(_("{login} is not an active person of this office; ask the director "
                              "(superviser person add {login} …, or superviser keys remove {login})").format(login=login))
        identity.confine("ssh")
        command = os.environ.get("SSH_ORIGINAL_COMMAND", "").strip()
        if not command:
            in_browser = bool(os.environ.get("TEXTUAL_DRIVER"))  # `serve` runs each tab's app on pipes
            if not in_browser and not (sys.stdin.isatty() and sys.stdout.isatty()):
                raise click.UsageError(_("the app needs a terminal: connect with ssh -t, or give a command "
                                         "(ssh superviser@office objective list)"))
            from superviser.cli.launch import launch

            return launch(env)
        args = words(command)
        check(args, "ssh")
        lang = _prescan_lang(args)
        if lang:
            i18n.setup(lang)
        from superviser.cli.root import build

        return build().main(args=args, prog_name="superviser", obj=env, standalone_mode=False)

    return [shell]
