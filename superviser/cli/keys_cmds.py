"""``superviser keys``: people's SSH keys on an office server (director only)."""

from __future__ import annotations

from pathlib import Path

import click

from superviser.cli.common import Env, emit_json, json_option, pass_env, read_text, table
from superviser.i18n import _


def _file_option(f):
    return click.option(
        "--authorized-keys", "file", type=click.Path(dir_okay=False), metavar="FILE",
        help=_("The authorized_keys file to manage (default: ~/.ssh/authorized_keys of the account running this)."),
    )(f)


def _read_key(path: str) -> str:
    from superviser.errors import InvalidInput

    try:
        data = Path(path).expanduser().read_bytes()
    except OSError as error:
        raise InvalidInput("key", _("{path}: {problem}").format(path=path, problem=error.strerror)) from None
    if len(data) > 20_000:
        raise InvalidInput("key", _("{path} is too large to be a public key").format(path=path))
    return data.decode("utf-8", errors="replace")


def commands() -> list[click.Command]:
    """The commands, built in the language of this run (so their help is in it)."""
    @click.group(
        help=_("People's SSH keys: each key's line in the service account's authorized_keys opens superviser as its "
               "person and nothing else (director only). Lines outside superviser's block are never touched."),
        epilog=_("\b\nExamples:\n  superviser keys add li.ming li.ming.pub\n  superviser keys list\n"
                 "  superviser keys remove li.ming\n  ssh superviser@office keys add li.ming - < li.ming.pub"),
    )
    def keys() -> None:
        pass


    @keys.command("add", help=_("Give LOGIN the public key in KEYFILE (- reads it from standard input)."),
                  epilog=_("\b\nExample:\n  superviser keys add li.ming /tmp/li.ming.pub"))
    @click.argument("login")
    @click.argument("keyfile", type=click.Path(dir_okay=False, allow_dash=True))
    @_file_option
    @json_option
    @pass_env
    def keys_add(env: Env, login: str, keyfile: str, file: str | None, as_json: bool) -> None:
        from superviser import sshkeys

        content = read_text("-") if keyfile == "-" else _read_key(keyfile)
        added = sshkeys.add(env.session, env.path, login, content, file=Path(file) if file else None)
        if as_json:
            emit_json({"ok": True, **{k: added[k] for k in ("login", "type", "bits", "fingerprint", "seq", "file")}})
            return
        click.echo(_("{login} may now connect with {type} key {fingerprint} (#{seq}; {file})").format(**added))


    @keys.command("remove", help=_("Take LOGIN's keys away (or only the one with --fingerprint)."),
                  epilog=_("\b\nExample:\n  superviser keys remove li.ming"))
    @click.argument("login")
    @click.option("--fingerprint", metavar="SHA256:…", help=_("Remove only this key."))
    @_file_option
    @json_option
    @pass_env
    def keys_remove(env: Env, login: str, fingerprint: str | None, file: str | None, as_json: bool) -> None:
        from superviser import sshkeys

        removed = sshkeys.remove(env.session, env.path, login, fingerprint=fingerprint, file=Path(file) if file else None)
        if as_json:
            emit_json({"ok": True, **removed})
            return
        click.echo(_("{login} can no longer connect with: {keys} (#{seq})").format(
            login=removed["login"], keys=", ".join(removed["removed"]), seq=removed["seq"]))


    @keys.command("list", help=_("The keys, and whether authorized_keys holds each as superviser wrote it."),
                  epilog=_("\b\nExample:\n  superviser keys list --json"))
    @_file_option
    @json_option
    @pass_env
    def keys_list(env: Env, file: str | None, as_json: bool) -> None:
        from superviser import dates, sshkeys

        found = sshkeys.listing(env.session, env.path, file=Path(file) if file else None)
        if as_json:
            emit_json(found)
            return
        table([(_("login"), {}), (_("type"), {}), (_("bits"), {"justify": "right"}), (_("fingerprint"), {}),
               (_("added"), {}), (_("in the file"), {})],
              [[k["login"], k["type"], str(k["bits"]), k["fingerprint"], dates.moment(k["added_at"]),
                _("yes") if k["installed"] else _("no")] for k in found["keys"]])
        if not found["in_sync"]:
            click.echo(_("{file} does not hold exactly these keys; `superviser keys sync` writes them again").format(
                file=found["file"]), err=True)


    @keys.command("sync", help=_("Write superviser's block of authorized_keys again from the table "
                                 "(after moving the program or the database)."),
                  epilog=_("\b\nExample:\n  superviser keys sync"))
    @_file_option
    @pass_env
    def keys_sync(env: Env, file: str | None) -> None:
        from superviser import sshkeys

        done = sshkeys.sync(env.session, env.path, file=Path(file) if file else None)
        said = _("{file} rewritten (#{seq})") if done["changed"] else _("{file} already held these keys (#{seq})")
        click.echo(said.format(**done))

    return [keys]
