"""Meeting exports, ledger import, and the daily digest."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from superviser import dates, identity, lifecycle, lights, text
from superviser.cli.common import Env, emit_json, json_option, pass_env
from superviser.i18n import _, aside, joined, ngettext


def _scope(since, until, decision_ref, unit_name, light, status):
    from superviser.exports.report import Scope

    return Scope(
        since=dates.parse(_("since"), since) if since else None, until=dates.parse(_("until"), until) if until else None,
        decision=decision_ref, unit=unit_name, light=light, status=status,
    )


@contextlib.contextmanager
def _ledger_file(path: str):
    """The ledger's file; ``-`` reads it from standard input (over SSH: ssh superviser@office import - < 台账.xlsx)
    into a private temporary folder for as long as it is read."""
    if path != "-":
        yield path
        return
    import tempfile

    from superviser import sheets

    data = sys.stdin.buffer.read(sheets.MAX_BYTES + 1)  # beyond the limit: refused as too large, not held
    # a spreadsheet (zip: xlsx, ods; OLE: xls) is told apart by its contents; the rest is read as CSV
    suffix = ".xlsx" if data.startswith((b"PK", bytes.fromhex("d0cf11e0a1b11ae1"))) else ".csv"
    with tempfile.TemporaryDirectory(prefix="superviser-import-") as folder:
        ledger = Path(folder) / ("ledger" + suffix)
        ledger.write_bytes(data)
        yield ledger


def commands() -> list[click.Command]:
    """The commands, built in the language of this run (so their help is in it)."""
    @click.command(
        "export",
        help=_("Export the ledger (xlsx, csv) or the bulletin (docx, md, html) for a period, with the log's head "
               "hash so that `superviser audit --anchor` can later prove the log was not rewritten."),
        epilog=_("\b\nExamples:\n  superviser export --format xlsx --since 2026-11-01 --until 2026-11-30\n"
                 "  superviser export --format docx --unit Finance -o bulletin.docx\n"
                 "  superviser export --format md -o -      (to standard output)"),
    )
    @click.option("--format", "fmt", required=True, type=click.Choice(["xlsx", "docx", "md", "html", "csv"]))
    @click.option("--since", metavar="DATE", help=_("Start of the period."))
    @click.option("--until", metavar="DATE", help=_("End of the period."))
    @click.option("--decision", "decision_ref", metavar="DECISION", help=_("Only this decision's objectives."))
    @click.option("--unit", "unit_name", metavar="UNIT", help=_("Only this unit's objectives (lead or co-unit)."))
    @click.option("--light", type=click.Choice(list(lights.LIGHTS)), help=_("Only objectives with this light."))
    @click.option("--status", type=click.Choice(lifecycle.STATUSES), help=_("Only objectives in this status."))
    @click.option("-o", "--output", type=click.Path(allow_dash=True), metavar="FILE",
                  help=_("Where to write it (a file or a folder; - for standard output). "
                         "Default: a dated name in this folder."))
    @click.option("--force", is_flag=True, help=_("Replace the file named with -o if it exists."))
    @json_option
    @pass_env
    def export(env: Env, fmt, since, until, decision_ref, unit_name, light, status, output, force, as_json) -> None:
        from superviser import files
        from superviser.cli.progress import shown
        from superviser.exports.run import export as do_export

        scope = _scope(since, until, decision_ref, unit_name, light, status)
        to_stdout = output == "-"
        if to_stdout and fmt in ("xlsx", "docx") and sys.stdout.isatty():
            raise click.UsageError(_("{fmt} is a binary format: send standard output to a file (-o - > file), "
                                     "or give a file name with -o").format(fmt=fmt))
        if not to_stdout and identity.confined():
            raise click.UsageError(_("through the service account the export comes back to you, not into the "
                                     "server's folders: add -o - and redirect it, as in: ssh superviser@office export "
                                     "--format {fmt} -o - > file").format(fmt=fmt))
        # No -o: a dated name that is free in this folder.
        doing = _("Exporting the ledger") if fmt in ("xlsx", "csv") else _("Exporting the bulletin")
        with shown(doing, quiet=as_json) as progress:
            result = do_export(env.session, fmt, scope, None if to_stdout else (output or "."), overwrite=force,
                               progress=progress)
        if to_stdout:
            sys.stdout.buffer.write(result.data)
            return
        if as_json:
            emit_json({"ok": True, "path": str(result.path), "format": fmt, "objectives": result.objectives,
                       "steps": result.steps, "anchor": result.head_hash, "entries": result.head_seq, "seq": result.seq})
            return
        from superviser.quantities import count, size

        n = result.objectives
        click.echo(_("{path}: {objectives}; log anchor #{seq} {hash}").format(
            path=aside(files.shown(result.path), size(len(result.data))),
            objectives=ngettext("{n} objective", "{n} objectives", n).format(n=count(n)),
            seq=result.head_seq, hash=result.head_hash))

    @click.command(
        "import",
        help=_("Bring an existing ledger (xlsx, xls, ods or csv) in, all rows or none. Columns are recognised by their "
               "headings in English or Chinese; --dry-run shows what would be created and which rows are refused."),
        epilog=_("\b\nExamples:\n  superviser import ledger.xlsx --dry-run\n"
                 "  superviser import ledger.csv --create-units --map \"牵头处室=lead\""),
    )
    @click.argument("path", metavar="FILE", type=click.Path(dir_okay=False, allow_dash=True))
    @click.option("--map", "maps", multiple=True, metavar="HEADING=FIELD",
                  help=_("Read the column HEADING as FIELD (title, lead, co, deadline, status, percent, …)."))
    @click.option("--dry-run", is_flag=True, help=_("Show what would happen; write nothing."))
    @click.option("--create-units", is_flag=True, help=_("Create the units the ledger names that do not exist (director)."))
    @click.option("--decision", "decision_ref", metavar="DECISION", help=_("Put every row under this decision."))
    @click.option("--source", default="meeting", type=click.Choice(list(lifecycle.SOURCES)),
                  help=_("The source of decisions the ledger does not say."))
    @json_option
    @pass_env
    def import_(env: Env, path, maps, dry_run, create_units, decision_ref, source, as_json) -> int:
        from superviser import files
        from superviser.cli.progress import shown
        from superviser.importer import import_ledger

        mapping = {}
        for item in maps:
            heading, _sep, name = item.rpartition("=")
            if not heading:
                raise click.UsageError(_("--map takes HEADING=FIELD"))
            mapping[heading] = name
        with _ledger_file(path) as ledger, shown(_("Importing {name}").format(
                name=files.shown(Path(path).name) if path != "-" else _("the ledger")), quiet=as_json) as progress:
            outcome = import_ledger(env.session, ledger, mapping=mapping, dry_run=dry_run, create_units=create_units,
                                    decision=decision_ref, source=source, progress=progress)
        if as_json:
            emit_json({"ok": outcome.ok, "dry_run": dry_run, "format": outcome.kind, "encoding": outcome.encoding,
                       "rows": outcome.rows, "mapping": outcome.mapping,
                       "decisions": outcome.decisions, "objectives": outcome.objectives, "units": outcome.units,
                       "rejected": [{"row": r.row, "field": r.field, "problem": r.problem} for r in outcome.rejected]})
            return 0 if outcome.ok else 2
        if outcome.encoding:
            click.echo(_("read as {encoding} text").format(encoding=outcome.encoding))
        click.echo(_("columns: {mapping}").format(
            mapping=", ".join(f"{heading} → {name}" for heading, name in outcome.mapping.items())))
        for rejected in outcome.rejected:
            click.echo(str(rejected), err=True)
        if not outcome.ok:
            click.echo(_("nothing was imported ({n} problems to fix)").format(n=len(outcome.rejected)), err=True)
            return 2
        said = _("would create: {counts}") if dry_run else _("created: {counts}")
        click.echo(said.format(counts=outcome.counts()))
        if outcome.units:
            click.echo(_("units: {names}").format(names=joined(outcome.units)))
        lines = []
        for made in outcome.objectives:
            was = f" ← {made['was']}" if made["was"] and made["was"] != made["ref"] else ""
            lines.append(f"  {made['ref']}{was}  {text.one_line(made['title'])} · {text.one_line(made['lead'])} · "
                         f"{made['deadline']}")
        if lines:
            click.echo("\n".join(lines))  # one write, not one per row (ten thousand rows, ten thousand flushes)
        return 0

    @click.command(
        "digest",
        help=_("A short summary for cron and mail: overdue, due soon, silent too long, waiting for the office, by unit. "
               "--send queues each unit its own week (overdue, due within a week, silent, not accepted) for "
               "`superviser deliver`, once a day."),
        epilog=_("\b\nExamples:\n  superviser digest --format md | mail -s \"superviser\" office@example.org\n"
                 "  superviser digest --send && superviser deliver"),
    )
    @click.option("--unit", "unit_name", metavar="UNIT", help=_("Only this unit's objectives."))
    @click.option("--format", "fmt", type=click.Choice(["text", "md"]), default="text", show_default=True)
    @click.option("--send", is_flag=True, help=_("Queue each unit's digest for delivery by its channels."))
    @json_option
    @pass_env
    def digest(env: Env, unit_name, fmt, send, as_json) -> None:
        from superviser import digest as digest_core

        if send:
            from superviser.delivery.digests import queue_digests

            queued = queue_digests(env.session, unit_name)
            if as_json:
                emit_json({"ok": True, "queued": list(queued), "unreached": queued.unreached})
            else:
                click.echo(queued.message() or _("nothing to queue: no unit has anything due this week, "
                                                  "or today's digests are queued already"))
            return

        result = digest_core.digest(env.db, unit_name)
        if as_json:
            emit_json({"date": result["date"], "unit": result["unit"], "sections": [
                {"key": s["key"], "count": s["count"],
                 "units": [{"unit": u, "objectives": [r["ref"] for r in rows]} for u, rows in s["units"]]}
                for s in result["sections"]]})
            return
        click.echo(digest_core.render(result, fmt), nl=False)
    return [export, import_, digest]
