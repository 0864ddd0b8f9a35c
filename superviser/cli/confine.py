"""What a person may run through the service account: the command they gave ``ssh``
(``SSH_ORIGINAL_COMMAND`` under ``shell --as``), or the arguments they gave
``sudo -u superviser superviser``.

The process runs as the account that owns the database and every file beside
it, so a person must not steer it anywhere else: no other database, no other
identity, no verb that acts on the server itself, no file on the server (only
``-``, their own standard input and output), and no shell syntax (none runs: an
SSH command is split into words here, with shlex, and run as superviser's
arguments). Each refusal is one line that says why and whom to ask.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from superviser.errors import Forbidden, InvalidInput
from superviser.i18n import N_, _

# Verbs that act on the server rather than on the office's work; never through the service account.
NEVER = {
    "init": N_("it creates a database on the server"),
    "demo": N_("it fills a database on the server with made-up data"),
    "serve": N_("it starts a web server on the server"),
    "shell": N_("it is what your key or sudo rule already runs"),
    "backup": N_("it writes a copy of the database into the server's folders"),
}
# Options that would change the database or the person acting.
FIXED = ("--db", "--as", "--demo")
ROOT_FLAGS = ("-h", "--help", "--version")
# Shell syntax: refused where it is not quoted; $( ${ and ` are refused anywhere, since whoever typed
# them expected a shell to run something.
OPERATORS = ";&|<>()`$"
SUBSTITUTIONS = ("$(", "${", "`")
SQLITE_HEADER = b"SQLite format 3\x00"


def _ask(how: str) -> str:
    return _("ask the director") if how == "ssh" else _("ask the director or the server's administrator")


def words(command: str) -> list[str]:
    """``SSH_ORIGINAL_COMMAND`` as words, as a POSIX shell would quote them, with no shell behind."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=OPERATORS)
    lexer.whitespace_split = True
    try:
        found = list(lexer)
    except ValueError as error:  # an unclosed quote
        raise InvalidInput("command", _("cannot be split into words ({problem}); check the quotes").format(
            problem=str(error).lower()), label=N_("command")) from None
    for word in found:
        if word and set(word) <= set(OPERATORS):
            raise _no_shell(word)
        for mark in SUBSTITUTIONS:
            if mark in word:
                raise _no_shell(mark)
    return found


def _no_shell(mark: str) -> InvalidInput:
    return InvalidInput("command", _(
        "{mark} is shell syntax, but no shell runs your command on the server: give one superviser command per "
        "ssh call, and quote text that contains such characters").format(mark=mark), label=N_("command"))


def _fixed(option: str, how: str) -> Forbidden:
    if option == "--as":
        why = _("who you are is fixed by your key or by sudo")
    else:
        why = _("the database is fixed by your key or the sudo rule")
    return Forbidden(_("{option} can't be given here: {why}; {ask}").format(option=option, why=why, ask=_ask(how)))


def _database(value: str, how: str) -> None:
    """Under sudo ``--db`` may name the office's database, nothing else the account owns."""
    import os

    path = Path(value).expanduser()
    try:
        ok = path.is_file() and path.stat().st_uid == os.getuid() and path.open("rb").read(16) == SQLITE_HEADER
    except OSError:
        ok = False
    if not ok:
        raise Forbidden(_("--db {path}: not a database of this account; give the office's database, or {ask}").format(
            path=value, ask=_ask(how)))


def check(args: list[str], how: str = "ssh") -> None:
    """Refuse ``args`` unless a person may run them through the service account. ``how`` is
    ``ssh`` (the database is fixed by the key) or ``sudo`` (``--db`` may name the database)."""
    from superviser.cli.root import SUBCOMMANDS, build

    i = 0
    while i < len(args) and args[i].startswith("-"):
        name, has_value, _value = args[i].partition("=")
        if name == "--lang":
            i += 1 if has_value else 2
        elif name in ROOT_FLAGS:
            i += 1
        elif name == "--db" and how == "sudo":
            _database(_value if has_value else (args[i + 1] if i + 1 < len(args) else ""), how)
            i += 1 if has_value else 2
        elif name in FIXED:
            raise _fixed(name, how)
        else:
            raise InvalidInput("command", _("{option} is not an option of superviser (see superviser --help)").format(
                option=name), label=N_("command"))
    if i >= len(args):
        return  # the app, or --help / --version
    verb, rest = args[i], args[i + 1:]
    if verb in NEVER:
        raise Forbidden(_("{verb} can't be run this way: {why}; {ask}").format(
            verb=verb, why=_(NEVER[verb]), ask=_ask(how)))
    if verb not in SUBCOMMANDS:
        raise InvalidInput("command", _("{verb} is not a superviser command (see superviser --help)").format(
            verb=verb[:40]), label=N_("command"))
    for word in rest:
        name = word.partition("=")[0]
        if name in FIXED:
            raise _fixed(name, how)
    _no_server_files(build(), verb, rest, how)


def _no_server_files(root: click.Group, verb: str, rest: list[str], how: str) -> None:
    """Every file parameter (click.Path) of the command must be ``-`` or a number."""
    parent = root.make_context("superviser", [], resilient_parsing=True)
    command, name, args = root.get_command(parent, verb), verb, rest
    while command is not None:
        try:
            context = command.make_context(name, list(args), parent=parent, resilient_parsing=True)
        except click.ClickException as error:
            raise InvalidInput("command", error.format_message(), label=N_("command")) from None
        for param in command.params:
            if not isinstance(param.type, click.Path):
                continue
            value = context.params.get(param.name)
            for item in value if isinstance(value, (list, tuple)) else [value]:
                if isinstance(item, str) and item != "-":
                    raise InvalidInput(param.name, _(
                        "{value}: through the service account superviser opens no file on the server; "
                        "use - (your standard input or output), as in: ssh superviser@office export --format docx "
                        "-o - > bulletin.docx").format(value=item[:80]), label=param.name)
        if not isinstance(command, click.Group):
            return
        remaining = [*getattr(context, "_protected_args", []), *context.args]
        if not remaining:
            return
        parent, name, args = context, remaining[0], remaining[1:]
        command = command.get_command(context, name)
    raise InvalidInput("command", _("{verb} has no such command (see superviser {verb} --help)").format(verb=verb),
                       label=N_("command"))
