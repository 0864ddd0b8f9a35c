"""The app in a web browser (textual-serve), for one person, behind a login."""

from __future__ import annotations

import shlex
import sys

import click

from superviser.cli import resume_collection
from superviser.cli.common import Env, pass_env
from superviser.i18n import _


def commands() -> list[click.Command]:
    """The commands, built in the language of this run (so their help is in it)."""
    @click.command(
        "serve",
        help=_(
            "Serve the app to a web browser on HOST:PORT, acting as SUPERVISER_USER; run it as the account that "
            "owns the database, one per person. Each browser tab runs its own app on the server. Put it behind a "
            "reverse proxy that asks for a login (see README, “In a browser”); needs the web extra: "
            "pip install 'superviser[web]'."
        ),
        epilog=_("\b\nExample:\n  SUPERVISER_USER=wang.fang superviser --db /srv/office/superviser.db serve --port 8101"),
    )
    @click.option("--host", default="127.0.0.1", show_default=True,
                  help=_("Address to listen on (keep it local behind a proxy)."))
    @click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
    @click.option("--public-url", metavar="URL", help=_("The address people open, if the proxy serves it elsewhere."))
    @pass_env
    def serve(env: Env, host: str, port: int, public_url: str | None) -> None:
        try:
            from textual_serve.server import Server
        except ImportError:
            raise click.ClickException(_("the web extra is not installed: pip install 'superviser[web]'")) from None
        env.session  # noqa: B018 (opens and checks the database before serving it)
        # Each tab runs what a person's SSH key runs: the app as this login, confined like them.
        command = shlex.join([sys.executable, "-m", "superviser", "--db", str(env.path.resolve()), "shell", "--as",
                              env.login])
        click.echo(_("serving {path} on http://{host}:{port} (ctrl+c stops)").format(path=env.path, host=host, port=port))
        resume_collection()  # it keeps running (superviser/cli/root.py)
        Server(command, host=host, port=port, title="superviser", public_url=public_url).serve()
    return [serve]
