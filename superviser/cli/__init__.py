"""The ``superviser`` command.

The language is chosen before the commands are built, so their help is in the
user's language too; refusals become one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sqlite3
import sys

import click

from superviser import i18n
from superviser.errors import SuperviserError


def _prescan_lang(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _fail(message: str, code: int) -> None:
    from superviser import text

    # Whatever the message quotes (a path, a hash typed with escapes in it) reaches the
    # terminal cleaned: one line, no control characters, undecodable bytes as �.
    click.echo(f"superviser: {text.one_line(message)}", err=True)
    sys.exit(code)


# Whoever sudo gave a shell as the service account (sudo -iu superviser) holds the account
# itself, as its administrator does; they are not confined.
SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "mksh", "fish", "csh", "tcsh"})


def _confine_sudo(argv: list[str]) -> None:
    """A person who runs superviser with sudo as the service account gets what they would get
    over SSH: their own login (SUDO_USER), the office's database, no file on the server.
    sudo sets SUDO_COMMAND to what it ran; sudo to root is an administrator's business."""
    import os
    from pathlib import Path

    from superviser import identity

    ran = os.environ.get("SUDO_COMMAND", "").split()
    holds_a_shell = bool(ran) and Path(ran[0]).name in SHELLS
    if os.getuid() != 0 and identity.sudo_user() and not holds_a_shell:
        from superviser.cli.confine import check

        check(argv, "sudo")
        identity.confine("sudo")


_paused = False


def resume_collection() -> None:
    """Turn the cyclic garbage collector back on, if ``main`` turned it off."""
    global _paused
    if _paused:
        _paused = False
        gc.enable()


def main(argv: list[str] | None = None) -> None:
    # Start-up (the modules of a command, or all of the app's until its first frame) allocates
    # only what lives on; the cyclic garbage collector would walk it again and again (60 ms
    # before the app's first frame). A command keeps it off unless it keeps running (root.py);
    # the app turns it on once it has frozen what start-up made (screens/backend.py). It is
    # on again when this returns, for a caller in the same process.
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True
    try:
        _main(argv)
    finally:
        resume_collection()


def _main(argv: list[str] | None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    i18n.setup(_prescan_lang(argv))
    from superviser.cli.root import build
    from superviser.i18n import _

    try:
        _confine_sudo(argv)
        result = build().main(args=argv, prog_name="superviser", standalone_mode=False)
    except click.exceptions.Exit as stop:
        sys.exit(stop.exit_code)
    except click.exceptions.Abort:
        _fail(_("interrupted; nothing more was written"), 130)
    except click.UsageError as error:
        # _fail names the program already; name the subcommand too, if there is one.
        sub = error.ctx.command_path.partition(" ")[2] if error.ctx else ""
        where = f"{sub}: " if sub else ""
        hint = _("(see {command} --help)").format(command=error.ctx.command_path) if error.ctx else ""
        _fail(f"{where}{error.format_message()} {hint}".strip(), 2)
    except click.ClickException as error:
        _fail(error.format_message(), error.exit_code)
    except SuperviserError as error:
        _fail(str(error), error.exit_code)
    except BrokenPipeError:
        reader_gone()
        sys.exit(0)
    except KeyboardInterrupt:
        _fail(_("interrupted; nothing more was written"), 130)
    except (sqlite3.DatabaseError, OSError) as error:
        _failed(error, argv)
    except Exception as error:  # noqa: BLE001 - a bug: logged with its traceback, said in one line
        _unexpected(error, argv)
    sys.exit(result if isinstance(result, int) else 0)


def reader_gone() -> None:
    """Output goes nowhere from now on: the pipe's reader has left, and Python's last flush
    would fail (and print its own traceback) otherwise."""
    null = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # (a stream without a descriptor: nothing to quiet)
            os.dup2(null, stream.fileno())


def _failed(error: BaseException, argv: list[str]) -> None:
    """An OS or SQLite failure: in the user's words when it is one they can fix."""
    from superviser import files
    from superviser.i18n import _

    explained = files.explain(error, getattr(error, "filename", None))
    if isinstance(explained, SuperviserError):
        _fail(str(explained), explained.exit_code)
    if isinstance(error, sqlite3.OperationalError) and ("locked" in str(error) or "busy" in str(error)):
        _fail(_("the database is busy (someone else is writing); nothing was written, try again"), 7)
    _unexpected(error, argv)


def _unexpected(error: BaseException, argv: list[str]) -> None:
    from superviser import crash
    from superviser.errors import UNEXPECTED_EXIT

    _fail(crash.said(error, crash.record(error, "cli", command=argv)), UNEXPECTED_EXIT)
