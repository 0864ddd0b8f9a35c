"""The steps on an objective, one verb each: ``superviser urge 2026-014.2``."""

from __future__ import annotations

import click

from superviser.cli.common import Env, if_version_option, json_option, pass_env, read_text, report
from superviser.i18n import _

OBJECTIVE = click.argument("ref", metavar="OBJECTIVE")


def _step_command(name: str, help_text: str, example: str):
    """A step command: OBJECTIVE, --if-version and --json are common to all."""

    def wrap(f):
        f = json_option(if_version_option(f))
        f = OBJECTIVE(f)
        return click.command(name, help=help_text, epilog=_("\b\nExample:\n  {example}").format(example=example))(pass_env(f))

    return wrap


@_step_command("assign", _("Assign a registered or returned objective to its units (office)."),
               "superviser assign 2026-014.2 --lead Finance --co \"East Station\"")
@click.option("--lead", metavar="UNIT", help=_("A different lead unit."))
@click.option("--co", multiple=True, metavar="UNIT", help=_("Co-units (replace the current ones); repeat for several."))
@click.option("--note", default="", help=_("A note for the units."))
def assign(env: Env, ref, lead, co, note, expected_version, as_json):
    from superviser.services import steps

    report(steps.assign(env.session, ref, lead=lead, co=list(co) if co else None, note=note, expected_version=expected_version), as_json)


@_step_command("accept", _("The lead unit acknowledges the objective (签收)."), "superviser accept 2026-014.2")
@click.option("--note", default="")
def accept(env: Env, ref, note, expected_version, as_json):
    from superviser.services import steps

    report(steps.accept(env.session, ref, note=note, expected_version=expected_version), as_json)


def _reason_step(name: str, function: str, help_text: str, example: str):
    @_step_command(name, help_text, example)
    @click.option("--reason", required=True, help=_("Why (required; - reads it from standard input)."))
    def command(env: Env, ref, reason, expected_version, as_json):
        from superviser.services import steps

        step = getattr(steps, function)
        report(step(env.session, ref, reason=read_text(reason), expected_version=expected_version), as_json)

    return command


return_ = _reason_step("return", "return_", _("The lead unit sends the objective back: not its remit (退回)."),
                       "superviser return 2026-014.2 --reason \"Belongs to the Planning Department\"")
sendback = _reason_step("sendback", "sendback", _("Reject a completion: back to in progress for rework (退回重办)."),
                        "superviser sendback 2026-014.2 --reason \"Photos of the repaired site are missing\"")
suspend = _reason_step("suspend", "suspend", _("Suspend an objective (director)."),
                       "superviser suspend 2026-014.2 --reason \"Waiting for the provincial guideline\"")
cancel = _reason_step("cancel", "cancel", _("Cancel an objective (director)."),
                      "superviser cancel 2026-014.2 --reason \"Superseded by decision 2026-020\"")
reopen = _reason_step("reopen", "reopen", _("Reopen a closed, suspended or cancelled objective (director)."),
                      "superviser reopen 2026-014.2 --reason \"The fault came back\"")


@_step_command("transfer", _("Hand the objective to another lead unit (转办); the old lead stays in the history."),
               "superviser transfer 2026-014.2 --to \"Planning\" --reason \"Their remit\"")
@click.option("--to", "to", required=True, metavar="UNIT", help=_("The new lead unit."))
@click.option("--reason", required=True)
@click.option("--co", multiple=True, metavar="UNIT", help=_("Co-units (replace the current ones)."))
def transfer(env: Env, ref, to, reason, co, expected_version, as_json):
    from superviser.services import steps

    report(steps.transfer(env.session, ref, to=to, reason=read_text(reason), co=list(co) if co else None,
                          expected_version=expected_version), as_json)


@_step_command("progress", _("Report progress (进展反馈): percent done, what was done, next step, problems."),
               "superviser progress 2026-014.2 --percent 60 --text \"Two of three sites repaired\" --next \"Third site next week\"")
@click.option("--percent", required=True, metavar="N", help=_("Percent done, 0–100."))
@click.option("--text", "text_", required=True, help=_("What was done (- reads standard input)."))
@click.option("--next", "next_step", default="", help=_("The next step."))
@click.option("--problems", default="", help=_("Problems met."))
@click.option("--help-needed", default="", help=_("Help needed from the office or leadership."))
def progress(env: Env, ref, percent, text_, next_step, problems, help_needed, expected_version, as_json):
    from superviser.services import steps

    report(steps.progress(env.session, ref, percent=percent, text_=read_text(text_), next_step=next_step,
                          problems=problems, help_needed=help_needed, expected_version=expected_version), as_json)


@_step_command("urge", _("Chase the lead unit (催办); escalates: reminder, urge notice, supervision notice."),
               "superviser urge 2026-014.2 --text \"Report by Friday\"")
@click.option("--text", "text_", default="", help=_("The message to the unit."))
def urge(env: Env, ref, text_, expected_version, as_json):
    from superviser.services import steps

    report(steps.urge(env.session, ref, text_=read_text(text_), expected_version=expected_version), as_json)


@_step_command("inspect", _("Record an inspection (督查): what was found and a verdict."),
               "superviser inspect 2026-014.2 --finding \"Site visited; work on schedule\" --verdict on-track --method on-site")
@click.option("--finding", required=True, help=_("What was found."))
@click.option("--verdict", required=True, type=click.Choice(["on-track", "at-risk", "off-track"]))
@click.option("--method", default="document", type=click.Choice(["on-site", "document"]), show_default=True)
def inspect(env: Env, ref, finding, verdict, method, expected_version, as_json):
    from superviser.services import steps

    report(steps.inspect(env.session, ref, finding=read_text(finding), verdict=verdict, method=method,
                         expected_version=expected_version), as_json)


@click.group(help=_("Extensions (延期申请): request a later deadline, approve or reject it."))
def extend():
    pass


@extend.command("request", help=_("Ask for a later deadline, before the current one passes (lead unit)."),
                epilog=_("\b\nExample:\n  superviser extend request 2026-014.2 --to 2027-01-15 --reason \"Parts arrive in January\""))
@OBJECTIVE
@click.option("--to", "to", required=True, metavar="DATE", help=_("The deadline asked for."))
@click.option("--reason", required=True)
@if_version_option
@json_option
@pass_env
def extend_request(env: Env, ref, to, reason, expected_version, as_json):
    from superviser.services import steps

    report(steps.extend_request(env.session, ref, to=to, reason=read_text(reason), expected_version=expected_version), as_json)


@extend.command("approve", help=_("Approve the waiting request (director); the original deadline is kept."),
                epilog=_("\b\nExample:\n  superviser extend approve 2026-014.2 --note \"Last extension\""))
@OBJECTIVE
@click.option("--note", default="")
@click.option("--to", "to", metavar="DATE", help=_("Approve a different date than requested."))
@if_version_option
@json_option
@pass_env
def extend_approve(env: Env, ref, note, to, expected_version, as_json):
    from superviser.services import steps

    report(steps.extend_approve(env.session, ref, note=note, to=to, expected_version=expected_version), as_json)


@extend.command("reject", help=_("Reject the waiting request (director)."),
                epilog=_("\b\nExample:\n  superviser extend reject 2026-014.2 --reason \"The deadline is fixed by the province\""))
@OBJECTIVE
@click.option("--reason", required=True)
@if_version_option
@json_option
@pass_env
def extend_reject(env: Env, ref, reason, expected_version, as_json):
    from superviser.services import steps

    report(steps.extend_reject(env.session, ref, reason=read_text(reason), expected_version=expected_version), as_json)


@_step_command("complete", _("The lead unit says it is done (办结); the office then verifies or sends it back."),
               "superviser complete 2026-014.2 --text \"All three sites repaired and checked\"")
@click.option("--text", "text_", required=True, help=_("What was achieved."))
def complete(env: Env, ref, text_, expected_version, as_json):
    from superviser.services import steps

    report(steps.complete(env.session, ref, text_=read_text(text_), expected_version=expected_version), as_json)


@_step_command("verify", _("Verify a completion (办结审核): the director's verification closes the objective, "
                           "a supervisor's passes it to the director."), "superviser verify 2026-014.2")
@click.option("--note", default="")
def verify(env: Env, ref, note, expected_version, as_json):
    from superviser.services import steps

    report(steps.verify(env.session, ref, note=note, expected_version=expected_version), as_json)


@click.command("note", help=_("Add a note to an objective's log."),
               epilog=_("\b\nExample:\n  superviser note 2026-014.2 \"Called the unit head; report promised for Monday\""))
@OBJECTIVE
@click.argument("text_", metavar="TEXT")
@if_version_option
@json_option
@pass_env
def note(env: Env, ref, text_, expected_version, as_json):
    from superviser.services import steps

    report(steps.note(env.session, ref, text_=read_text(text_), expected_version=expected_version), as_json)


@click.command("light", help=_("Override an objective's light with a reason, or clear the override."),
               epilog=_("\b\nExamples:\n  superviser light 2026-014.2 red --reason \"Leader's concern at the meeting\"\n"
                        "  superviser light 2026-014.2 clear"))
@OBJECTIVE
@click.argument("colour", type=click.Choice(["red", "yellow", "green", "clear"]))
@click.option("--reason", default="")
@if_version_option
@json_option
@pass_env
def light(env: Env, ref, colour, reason, expected_version, as_json):
    from superviser.services import steps

    report(steps.light(env.session, ref, colour=None if colour == "clear" else colour, reason=read_text(reason),
                       expected_version=expected_version), as_json)


@click.command("undo", help=_("Undo a step with a new log entry that reverses it (the log is never edited)."),
               epilog=_("\b\nExample:\n  superviser undo 1234 --reason \"Urged the wrong objective\""))
@click.argument("seq", type=int)
@click.option("--reason", default="")
@json_option
@pass_env
def undo(env: Env, seq, reason, as_json):
    from superviser.services import undo as undo_service

    report(undo_service.undo(env.session, seq, reason=reason), as_json)


COMMANDS = [assign, accept, return_, transfer, progress, urge, inspect, extend, complete, verify, sendback,
            suspend, cancel, reopen, note, light, undo]
