"""``superviser checkpoint``: signed checkpoints of the log, and checking them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from superviser.cli.common import Env, emit_json, json_option, pass_env
from superviser.errors import InvalidInput, SuperviserError
from superviser.i18n import _, ngettext

DAMAGE = 9  # as audit: the log does not hold what was signed
SIZE_MAX = 2 ** 63 - 1  # SQLite's largest integer


class SizeOrFile(click.Path):
    """A checkpoint named by its size in the log, or given as a file (- for standard input)."""

    name = "size_or_file"

    def convert(self, value, param, ctx):
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            if int(value) > SIZE_MAX:  # beyond what the database can hold: not a size it has
                self.fail(_("{value} is not the size of a log").format(value=value[:30] if isinstance(value, str) else value),
                          param, ctx)
            return int(value)
        return super().convert(value, param, ctx)


class KeyOrFile(click.Path):
    """A verifier key as text, or a file holding one."""

    name = "key_or_file"

    def convert(self, value, param, ctx):
        if isinstance(value, str) and value.count("+") >= 2 and not Path(value).expanduser().exists():
            return value
        return super().convert(value, param, ctx)


SIZE_OR_FILE = SizeOrFile(dir_okay=False, allow_dash=True)
FILE = click.Path(dir_okay=False, allow_dash=True)


def _write_private(text: str, output: str | None, force: bool) -> None:
    """To standard output, or to a new file readable by its owner alone."""
    if output in (None, "-"):
        click.echo(text, nl=False)
        return
    path = Path(output).expanduser()
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if force else os.O_EXCL)
    try:
        descriptor = os.open(path, flags, 0o600)
    except FileExistsError:
        raise InvalidInput("output", _("{path} exists; use --force to overwrite it").format(path=path)) from None
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)


def _checkpoint(env: Env, source, label: str):
    """(checkpoint, its note) from a size (kept in the database) or a file."""
    from superviser import checkpoints

    note = checkpoints.at_size(env.db, source)["note"] if isinstance(source, int) else checkpoints.read_note(source)
    try:
        return checkpoints.parse(note)
    except SuperviserError as error:
        raise InvalidInput(label, str(error)) from None


def _verifier(env: Env, key: str | None, origin: str):
    from superviser import checkpoints, notes

    if key is None:
        return checkpoints.own_verifier(name=origin)
    text = key if not Path(key).expanduser().is_file() else checkpoints.read_note(key).strip()
    return notes.parse_verifier(text)


def commands() -> list[click.Command]:
    """The commands, built in the language of this run (so their help is in it)."""
    @click.group(
        invoke_without_command=True,
        help=_("Sign a checkpoint of the log (its size and head hash, in the C2SP tlog-checkpoint layout, as a signed "
               "note with this account's Ed25519 key), keep it in the database, and print it. Give it to someone "
               "outside the office: with the public key (`checkpoint key`) they can later prove the log was not "
               "rewritten or cut since."),
        epilog=_("\b\nExamples:\n  superviser checkpoint > checkpoint-$(date +%F).txt\n  superviser checkpoint key\n"
                 "  superviser checkpoint verify new.txt --key KEY --since old.txt --proof proof.json\n"
                 "  superviser checkpoint proof old.txt new.txt > proof.json"),
    )
    @click.option("-o", "--output", type=FILE, metavar="FILE", help=_("Write it to FILE (0600) instead of standard output."))
    @click.option("--force", is_flag=True, help=_("Overwrite FILE if it exists."))
    @click.option("--origin", metavar="NAME", help=_("The log's name in its checkpoints (first checkpoint only; "
                                                      "default: this server's name/superviser)."))
    @json_option
    @click.pass_context
    def checkpoint(ctx: click.Context, output: str | None, force: bool, origin: str | None, as_json: bool) -> None:
        if ctx.invoked_subcommand is not None:
            return
        from superviser import checkpoints

        env: Env = ctx.obj  # the root's, handed down
        made = checkpoints.make(env.session, env.path, name=origin)
        if as_json:
            emit_json({"ok": True, **{k: made[k] for k in ("origin", "size", "head", "note", "key", "made_at", "seq")}})
            return
        _write_private(made["note"], output, force)
        if output not in (None, "-"):
            click.echo(_("checkpoint at log size {size}, head {head}, signed and saved to {path} (#{seq})").format(
                size=made["size"], head=made["head"][:16], path=output, seq=made["seq"]))


    @checkpoint.command("key", help=_("Print the public key that checks this server's checkpoints (made on first use)."),
                        epilog=_("\b\nExample:\n  superviser checkpoint key > office.vkey"))
    @pass_env
    def checkpoint_key(env: Env) -> None:
        from superviser import checkpoints, store

        db = store.connect(env.path) if env.path.exists() else None
        click.echo(str(checkpoints.own_verifier(db)))


    @checkpoint.command("show", help=_("Print a kept checkpoint: the latest, or the one at SIZE."),
                        epilog=_("\b\nExample:\n  ssh superviser@office checkpoint show > latest.txt"))
    @click.argument("size", type=click.IntRange(0, SIZE_MAX), required=False)
    @json_option
    @pass_env
    def checkpoint_show(env: Env, size: int | None, as_json: bool) -> None:
        from superviser import checkpoints
        from superviser.errors import NotFound

        row = checkpoints.at_size(env.db, size) if size is not None else checkpoints.latest(env.db)
        if row is None:
            raise NotFound("checkpoint", _("no checkpoint was signed yet; the office signs one with `superviser checkpoint`"))
        if as_json:
            emit_json(row)
            return
        click.echo(row["note"], nl=False)


    @checkpoint.command(
        "verify",
        help=_("Check FILE's signature; with the database, also that the log still holds its size and head. "
               "With --since OLD, whether FILE extends OLD: from the database, or anywhere from a --proof."),
        epilog=_("\b\nExamples:\n  superviser checkpoint verify cp.txt --key \"office.example/superviser+1a2b3c4d+AV…\"\n"
                 "  superviser checkpoint verify new.txt --since old.txt --proof proof.json --key office.vkey"),
    )
    @click.argument("file", type=SIZE_OR_FILE)
    @click.option("--key", type=KeyOrFile(dir_okay=False), metavar="KEY",
                  help=_("The verifier key (NAME+HASH+BASE64) or a file holding it (default: this account's own key)."))
    @click.option("--since", "old", type=SIZE_OR_FILE, metavar="OLD", help=_("An older checkpoint FILE should extend."))
    @click.option("--proof", type=FILE, metavar="PROOF", help=_("The entries between OLD and FILE (`checkpoint proof`); "
                                                              "checks without the database."))
    @click.option("--offline", is_flag=True, help=_("Do not look at any database here, only at the files."))
    @json_option
    @pass_env
    def checkpoint_verify(env: Env, file, key, old, proof, offline, as_json) -> int:
        from superviser import checkpoints, notes, store

        new = _checkpoint(env, file, "checkpoint")
        verifier = _verifier(env, key, new.origin)
        said: list[str] = []
        problems: list[str] = []
        checked = {"signature": False, "log": None, "extends": None}
        try:
            notes.verify(new.note, verifier)
            checked["signature"] = True
            said.append(_("signature: good, by {key}").format(key=f"{verifier.name}+{verifier.key_hash.hex()}"))
        except notes.BadSignature as error:
            problems.append(_("signature: {problem}").format(problem=error))
        previous = None
        if old is not None:
            previous = _checkpoint(env, old, "since")
            try:
                notes.verify(previous.note, verifier)
            except notes.BadSignature as error:
                problems.append(_("OLD's signature: {problem}").format(problem=error))
        use_db = not offline and proof is None and env.path.exists()
        if use_db and not problems:
            db = store.connect(env.path)
            if checkpoints.origin(db) != new.origin:
                problems.append(_("this database is the log {mine}, not {theirs} (add --offline to check the file alone)").format(
                    mine=checkpoints.origin(db), theirs=new.origin))
            else:
                checked_ = [c for c in (previous, new) if c is not None]
                for checkpoint_, problem in checkpoints.log_problems(db, checked_):
                    problems.append(_("log at size {size}: {problem}").format(size=checkpoint_.size, problem=problem))
                checked["log"] = not problems
                if not problems:
                    said.append(_("log: still holds entry {size} with this head").format(size=new.size))
                if previous is not None and not problems:
                    if previous.size > new.size:
                        problems.append(_("OLD (size {old}) is newer than this checkpoint (size {new})").format(
                            old=previous.size, new=new.size))
                    else:
                        checked["extends"] = True
        elif previous is not None and not problems:
            if proof is None:
                raise InvalidInput("proof", _("without the database, --since needs the entries between the two: "
                                              "get them with `superviser checkpoint proof OLD NEW` on the server"))
            unproven = checkpoints.check_proof(checkpoints.load_proof(checkpoints.read_note(proof)), verifier, previous, new)
            checked["extends"] = unproven is None
            if unproven:
                problems.append(unproven)
        if checked["extends"] and previous is not None:
            added = new.size - previous.size
            said.append(ngettext("extends OLD: the {old} entries OLD signed are unchanged, {added} was added since",
                                 "extends OLD: the {old} entries OLD signed are unchanged, {added} were added since",
                                 added).format(old=previous.size, added=added))
        if as_json:
            emit_json({"ok": not problems, "origin": new.origin, "size": new.size, "head": new.head, **checked,
                       "problems": problems})
        else:
            click.echo(_("checkpoint: {origin}, log size {size}, head {head}").format(
                origin=new.origin, size=new.size, head=new.head[:16]))
            for line in said:
                click.echo(line)
            for line in problems:
                click.echo(_("FAILED: {problem}").format(problem=line), err=True)
        return DAMAGE if problems else 0


    @checkpoint.command(
        "proof",
        help=_("Write the entries between two checkpoints (sizes or files), so that someone outside the office can "
               "check with `checkpoint verify NEW --since OLD --proof` that NEW extends OLD. They will see those entries."),
        epilog=_("\b\nExamples:\n  superviser checkpoint proof old.txt new.txt > proof.json\n"
                 "  ssh superviser@office checkpoint proof 1200 1530 > proof.json"),
    )
    @click.argument("old", type=SIZE_OR_FILE)
    @click.argument("new", type=SIZE_OR_FILE)
    @click.option("-o", "--output", type=FILE, metavar="FILE", help=_("Write it to FILE (0600) instead of standard output."))
    @click.option("--force", is_flag=True, help=_("Overwrite FILE if it exists."))
    @pass_env
    def checkpoint_proof(env: Env, old, new, output, force) -> None:
        from superviser import checkpoints
        from superviser.services.base import check

        check(env.session, "export")  # it shows log entries: as much as an export does
        made = checkpoints.proof(env.db, _checkpoint(env, old, "old"), _checkpoint(env, new, "new"))
        _write_private(json.dumps(made, ensure_ascii=False, separators=(",", ":")) + "\n", output, force)
        if output not in (None, "-"):
            n = len(made["entries"])
            click.echo(ngettext("{n} entry written to {path}", "{n} entries written to {path}", n).format(n=n, path=output),
                       err=True)

    return [checkpoint]
