"""Urges that reach people: units' channels, people's contacts, the office's details,
the sender (``deliver``) and printed notices (``notice``)."""

from __future__ import annotations

import sys

import click

from superviser import identity
from superviser.actions import ACTIONS
from superviser.cli import build, resume_collection
from superviser.cli.common import Env, emit_json, json_option, pass_env, report, table
from superviser.delivery.labels import STATUSES
from superviser.i18n import _, aside


def commands() -> list[click.Command]:
    """The commands, built in the language of this run (so their help is in it)."""
    @click.group(help=_("Units' channels: a mailbox, or a WeCom, DingTalk or Feishu group robot (director)."))
    def channel() -> None:
        pass


    @channel.command("list", help=_("List the units' channels (addresses and secrets masked)."),
                     epilog=_("\b\nExample:\n  superviser channel list --unit Finance"))
    @click.option("--unit", "unit_name", metavar="UNIT")
    @click.option("--all", "show_all", is_flag=True, help=_("Include removed channels."))
    @json_option
    @pass_env
    def channel_list(env: Env, unit_name, show_all, as_json) -> None:
        from superviser.delivery.outbox import channel_label
        from superviser.read.contacts import channels

        rows = channels(env.db, unit_name, include_removed=show_all)
        if as_json:
            emit_json(rows)
            return
        table([("#", {"justify": "right"}), (_("unit"), {}), (_("channel"), {}), (_("to"), {"max_width": 60}),
               (_("secret"), {}), (_("label"), {"max_width": 30}), (_("language"), {}), (_("active"), {})],
              [[str(r["id"]), r["unit"], channel_label(r["kind"]), r["target"] or "", r["secret"], r["label"], r["lang"] or "",
                _("yes") if r["active"] else _("no")] for r in rows])


    channel.add_command(build.command(ACTIONS["channel.add"], "add"))
    channel.add_command(build.command(ACTIONS["channel.remove"], "remove"))
    channel.add_command(build.command(ACTIONS["unit.lang"], "lang"))


    @click.command("office", help=_("Show the office's details, or change them (director): the name that signs notices, "
                                    "who to answer, the notice number's prefix."),
                   epilog=_("\b\nExample:\n  superviser office --name \"督查室\" --contact \"tel. 6512 3456\" --prefix 督"))
    @click.option("--name", help=_("The issuing office."))
    @click.option("--contact", help=_("Who to answer: a phone number, an address."))
    @click.option("--prefix", help=_("The notice number's prefix (督 in 督〔2026〕14号)."))
    @json_option
    @pass_env
    def office(env: Env, name, contact, prefix, as_json) -> None:
        from superviser.delivery.office import KEYS, details
        from superviser.services import contacts

        if name is not None or contact is not None or prefix is not None:
            report(contacts.office_set(env.session, name=name, contact=contact, prefix=prefix), as_json)
            return
        found = details(env.db)
        values = {"office.name": found.name, "office.contact": found.contact, "office.prefix": found.prefix}
        if as_json:
            emit_json(values)
            return
        table([(_("setting"), {}), (_("value"), {"max_width": 50}), (_("meaning"), {})],
              [[key, values[key], _(KEYS[key])] for key in KEYS])


    @click.command(
        "deliver",
        help=_("Send the queued messages that are due (mail, WeCom, DingTalk, Feishu), once; for cron or a systemd timer. "
               "--watch keeps running. Settings: delivery.toml in the user config directory (see README). "
               "Says nothing when there was nothing to do; exits 1 if a message failed for good."),
        epilog=_("\b\nExamples:\n  superviser deliver\n  superviser deliver --watch --interval 30\n"
                 "  * * * * *  superviser --db /srv/superviser/superviser.db deliver   (crontab)"),
    )
    @click.option("--watch", is_flag=True, help=_("Keep running, sending as messages become due."))
    @click.option("--interval", type=click.IntRange(1, 3600), default=30, show_default=True, metavar="SECONDS",
                  help=_("With --watch: how often to look for new messages."))
    @click.option("--config", "config_path", type=click.Path(dir_okay=False), metavar="FILE",
                  help=_("The settings file (default: delivery.toml in the user config directory)."))
    @json_option
    @pass_env
    def deliver(env: Env, watch, interval, config_path, as_json) -> int:
        from superviser.delivery import config as delivery_config
        from superviser.delivery.sender import send_due

        settings = delivery_config.load(config_path)
        if not watch:
            summary = send_due(env.session, settings)
            if as_json:
                emit_json({"sent": summary.sent, "retried": summary.retried, "failed": summary.failed,
                           "unknown": summary.unknown, "waiting": summary.waiting, "next_at": summary.next_at,
                           "outcomes": summary.outcomes})
            elif summary.outcomes or summary.waiting:  # silent when idle: cron runs it every minute
                for outcome in summary.outcomes:
                    click.echo(_outcome_line(outcome))
                click.echo(summary.message())
            return 1 if summary.failed or summary.unknown else 0
        return _watch(env, settings, interval, as_json)


    notice = build.command(ACTIONS["notice"], "notice", run=_notice, options=[
        click.Option(["-o", "--output"], type=click.Path(dir_okay=False, allow_dash=True), metavar="FILE",
                     help=_("Where to write it (- for standard output). Default: a name with its number, here.")),
        click.Option(["--force"], is_flag=True, help=_("Overwrite FILE if it exists."))])


    @click.group(help=_("The messages steps queued for delivery, and what became of them."))
    def outbox() -> None:
        pass


    @outbox.command("list", help=_("List messages, newest first."),
                    epilog=_("\b\nExamples:\n  superviser outbox list --status failed\n"
                             "  superviser outbox list --objective 2026-014.2"))
    @click.option("--status", type=click.Choice(list(STATUSES)))
    @click.option("--objective", "objective_ref", metavar="OBJECTIVE")
    @click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True)
    @json_option
    @pass_env
    def outbox_list(env: Env, status, objective_ref, limit, as_json) -> None:
        from superviser import dates, refs
        from superviser.delivery import outbox as queue
        from superviser.delivery.labels import status_label
        from superviser.read import outbox as read

        objective_id = refs.objective(env.db, objective_ref)["id"] if objective_ref else None
        rows = read.messages(env.db, status=status, objective_id=objective_id, limit=limit)
        if as_json:
            emit_json(rows)
            return
        table([("#", {"justify": "right"}), (_("queued"), {}), (_("objective"), {}), (_("unit"), {}), (_("channel"), {}),
               (_("to"), {"max_width": 40}), (_("status"), {}), (_("tries"), {"justify": "right"}),
               (_("sent / next try / reason"), {"max_width": 60})],
              [[str(r["id"]), dates.moment(r["queued_at"]), r["objective"] or _("digest"), r["unit"] or "",
                queue.channel_label(r["channel"]), r["recipient"], status_label(r["status"]), str(r["attempts"]),
                dates.moment(r["sent_at"]) if r["sent_at"] else (r["last_error"] or "") if r["status"] != "queued"
                else dates.moment(r["next_at"]) + (f" · {r['last_error']}" if r["last_error"] else "")] for r in rows])


    outbox.add_command(build.command(ACTIONS["deliver.requeue"], "retry"))
    return [channel, office, deliver, notice, outbox]


def _notice(env: Env, ref: str, values: dict, as_json: bool, *, output: str | None, force: bool) -> None:
    """The notice step, and the document it makes saved where asked."""
    from superviser.exports import notice as notice_doc
    from superviser.services.contacts import language

    if values.get("language"):
        language(values["language"])  # a wrong language is said before anything else
    if output != "-" and identity.confined():  # a file "here" would stay in the service account's folders
        raise click.UsageError(_("through the service account the notice comes back to you, not into the "
                                 "server's folders: add -o - and redirect it, as in: ssh superviser@office notice "
                                 "{ref} -o - > notice.docx").format(ref=ref))
    if output not in (None, "-"):
        notice_doc.target(output, force=force)  # (before a number is taken and the step logged)
    printed = ACTIONS["notice"].perform(env.session, ref, values)
    made = printed.data
    if output == "-":
        sys.stdout.buffer.write(made["bytes"])
        return
    if output is None and not force:  # (its name has its number: known once the step is logged, so never refused)
        from pathlib import Path

        from superviser import files

        output = str(files.free_name(Path(made["name"])))
    path = notice_doc.save(made["bytes"], output or made["name"], force=force)
    if as_json:
        emit_json({"ok": True, "path": str(path), "number": made["number"], "year": made["year"],
                   "serial": made["serial"], "level": made["level"], "reprint": made["reprint"], "seq": printed.seq})
        return
    from superviser.quantities import size

    click.echo(f"{aside(str(path), size(len(made['bytes'])))}: {printed.message}  (#{printed.seq})")


def _outcome_line(outcome: dict) -> str:
    from superviser.delivery.outbox import channel_label

    marks = {"sent": "✓", "queued": "…", "failed": "✗"}
    where = _("{unit} by {channel} ({to})").format(unit=outcome["unit"], channel=channel_label(outcome["channel"]),
                                                   to=outcome["recipient"])
    if outcome["status"] == "sent":
        return f"{marks['sent']} " + _("sent: {where}").format(where=where)
    if outcome["status"] == "queued":
        return f"{marks['queued']} " + _("to retry: {where}: {reason}").format(where=where, reason=outcome["reason"])
    return f"{marks['failed']} " + _("failed: {where}: {reason}").format(where=where, reason=outcome["reason"])


def _watch(env: Env, settings, interval: int, as_json: bool) -> int:
    """Send, then wait for the next message or ``interval``; SIGTERM (systemd) or Ctrl-C
    stops it between batches, so nothing claimed is left half sent."""
    import json
    import signal
    import threading

    resume_collection()  # it keeps running (superviser/cli/root.py)

    from superviser import clock
    from superviser.delivery.sender import send_due

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_args: stop.set())
    while not stop.is_set():
        summary = send_due(env.session, settings)
        for outcome in summary.outcomes:
            click.echo(json.dumps(outcome, ensure_ascii=False) if as_json else _outcome_line(outcome))
        sys.stdout.flush()
        wait: float = interval
        if summary.next_at:
            due = (clock.parse_stamp(summary.next_at) - clock.now()).total_seconds()
            wait = max(1.0, min(interval, due))
        stop.wait(wait)
    return 0
