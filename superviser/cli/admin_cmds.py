"""The log, its audit, backups and a health check."""

from __future__ import annotations

import click

from superviser import dates
from superviser.cli.common import Env, emit_json, emit_page, json_option, pass_env, table
from superviser.i18n import _, aside


def _anchor(typed: str) -> str:
    """A log hash as an export prints it: 64 hex digits."""
    import re

    from superviser.errors import InvalidInput
    from superviser.i18n import N_

    value = typed.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{64}", value):
        raise InvalidInput("anchor", _("must be a log hash: 64 hex digits, as every export prints it"),
                           N_("anchor"))
    return value


def commands() -> list[click.Command]:
    """The commands, built in the language of this run (so their help is in it)."""
    @click.command(
        "log", help=_("Show the supervision log, newest first."),
        epilog=_("\b\nExamples:\n  superviser log --objective 2026-014.2\n"
                 "  superviser log --since 2026-11-01 --action urge --json"),
    )
    @click.option("--objective", "objective_ref", metavar="OBJECTIVE")
    @click.option("--decision", "decision_ref", metavar="DECISION")
    @click.option("--unit", "unit_name", metavar="UNIT", help=_("Steps on objectives of this unit."))
    @click.option("--action", help=_("Only this action (urge, progress, …; a trailing * matches a prefix)."))
    @click.option("--actor", metavar="LOGIN")
    @click.option("--since", metavar="DATE")
    @click.option("--until", metavar="DATE")
    @click.option("--limit", type=click.IntRange(1, 10_000_000), default=50, show_default=True)
    @click.option("--offset", type=click.IntRange(0), default=0)
    @json_option
    @pass_env
    def log(env: Env, objective_ref, decision_ref, unit_name, action, actor, since, until, limit, offset, as_json):
        from superviser import describe
        from superviser.read import log as log_read

        flt = log_read.LogFilter(
            since=dates.parse(_("since"), since) if since else None, until=dates.parse(_("until"), until) if until else None,
            unit=unit_name, decision=decision_ref, objective=objective_ref, action=action, actor=actor,
        )
        rows = log_read.entries(env.db, flt, limit=limit, offset=offset)
        if as_json:
            emit_page([log_read.as_json(r) for r in rows], log_read.count(env.db, flt), offset)
            return
        units = describe.unit_names(env.db)
        table(
            [("#", {"justify": "right"}), (_("time"), {}), (_("who"), {}), (_("objective"), {}), (_("what"), {"max_width": 40}),
             (_("detail"), {"max_width": 50})],
            [[str(r["seq"]), dates.moment(r["at"]), r["actor"], r["objective"] or r["decision"] or "",
              describe.headline(r, units), r["detail"]] for r in rows],
        )

    @click.command(
        help=_("Check the log's hash chain and its guard triggers, then replay the log and compare it with every "
               "table; print the head hash and the entry count."),
        epilog=_("\b\nExamples:\n  superviser audit\n  superviser audit --anchor 3f2a…  (the hash printed on an export)"),
    )
    @click.option("--anchor", metavar="HASH",
                  help=_("Also check that the entry with this hash is still in the chain, unchanged."))
    @json_option
    @pass_env
    def audit(env: Env, anchor: str | None, as_json: bool) -> int:
        from superviser.audit import run
        from superviser.cli.progress import shown
        from superviser.quantities import count

        with shown(_("Auditing the log"), quiet=as_json) as progress:
            result = run(env.db, anchor=_anchor(anchor) if anchor is not None else None, progress=progress)
        if as_json:
            emit_json({"ok": result.ok, "entries": result.entries, "head_seq": result.head_seq, "head_hash": result.head_hash,
                       "problems": result.problems, "first_bad_seq": result.first_bad_seq, "anchor_seq": result.anchor_seq})
        else:
            click.echo(_("entries: {n}").format(n=count(result.entries)))
            click.echo(_("head:    #{seq} {hash}").format(seq=result.head_seq, hash=result.head_hash))
            if anchor and result.anchor_seq:
                click.echo(_("anchor:  #{seq} is in the chain, unchanged").format(seq=result.anchor_seq))
            for problem in result.problems:
                click.echo(_("DAMAGED: {problem}").format(problem=problem), err=True)
            if result.ok:
                click.echo(_("the log is intact and every table agrees with it"))
        return 0 if result.ok else 9

    @click.command(
        help=_("Copy the database to PATH with SQLite's online backup (safe while others are writing)."),
        epilog=_("\b\nExample:\n  superviser backup /srv/backups/superviser-$(date +%F).db"),
    )
    @click.argument("path", type=click.Path(dir_okay=False))
    @click.option("--force", is_flag=True, help=_("Overwrite PATH if it exists."))
    @pass_env
    def backup(env: Env, path: str, force: bool) -> None:
        from superviser.cli.progress import shown
        from superviser.maintenance import backup as do_backup
        from superviser.quantities import count, size

        with shown(_("Backing up the database")) as progress:
            result = do_backup(env.db, path, force=force, progress=progress)
        click.echo(_("backed up to {path}: {entries} log entries, head {hash}").format(
            path=aside(result["path"], size(result["size"])), entries=count(result["entries"]), hash=result["hash"]))

    @click.command(help=_("Check the installation and the database: SQLite version, journal mode, permissions, schema, log."),
                   epilog=_("\b\nExample:\n  superviser doctor"))
    @json_option
    @pass_env
    def doctor(env: Env, as_json: bool) -> int:
        from superviser.maintenance import diagnose

        checks = diagnose(env.path)
        if as_json:
            emit_json(checks)
        else:
            marks = {"ok": "✓", "warn": "!", "fail": "✗"}
            for check in checks:
                click.echo(f"{marks[check['level']]} {check['name']}: {check['detail']}")
        return 1 if any(c["level"] == "fail" for c in checks) else 0
    return [log, audit, backup, doctor]
