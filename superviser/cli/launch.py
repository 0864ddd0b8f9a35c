"""Opening the terminal app: the one place the core reaches into ``screens``."""

from __future__ import annotations

from superviser.cli.common import Env


def prepare_demo(env: Env) -> None:
    """Create the demo database on first use."""
    if env.path.exists():
        return
    from superviser.demo import build_office
    from superviser.services.base import current_login

    build_office(env.path, current_login())


def launch(env: Env, screen: str | None = None) -> int:
    if env.demo:
        prepare_demo(env)
    session = env.session  # opens (and checks) the database before the app starts
    from screens.app import run  # noqa: the launcher is the core's one entry into the app

    return run(session, start=screen)
