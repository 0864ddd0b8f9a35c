"""Printing one objective in full, for people."""

from __future__ import annotations

import click

from superviser import actions, dates, describe, lifecycle, lights, text
from superviser.i18n import _, aside, joined


def _line(name: str, value) -> None:
    if value not in (None, "", []):
        click.echo("  " + _("{field}: {problem}").format(field=name, problem=text.clean(value)))


def print_objective(item: dict, units: dict[int, str]) -> None:
    click.echo(f"{item['ref']}  {text.one_line(item['title'])}")
    light = item["light"]
    _line(_("light"), f"{lights.SYMBOLS[light]} {lights.label(light)} — {item['light_explained']}")
    _line(_("status"), lifecycle.status_label(item["status"]))
    _line(_("decision"), f"{item['decision']['ref']}  {text.one_line(item['decision']['title'])}")
    if item.get("parent_ref"):
        _line(_("parent"), item["parent_ref"])
    _line(_("lead unit"), item["lead_unit"])
    _line(_("co-units"), joined(item["co_units"]))
    deadline = item["deadline"]
    if item["status"] in lifecycle.AWAITED:
        deadline = aside(deadline, dates.relative_deadline(item["deadline"]))
    _line(_("deadline"), deadline)
    if item["original_deadline"] != item["deadline"]:
        _line(_("original deadline"), item["original_deadline"])
    _line(_("done"), f"{item['percent']}%")
    _line(_("priority"), _(lifecycle.PRIORITIES[item["priority"]]))
    _line(_("urges"), item["urge_count"] or None)
    _line(_("detail"), item["detail"])
    if item["reports"]:
        click.echo(_("progress reports:"))
        for report in item["reports"]:
            click.echo(f"  {report['on_date']}  {report['percent']:>3}%  {report['unit'] or ''}  {text.one_line(report['text'])}")
            for label, key in ((_("next"), "next_step"), (_("problems"), "problems"), (_("help needed"), "help_needed")):
                if report[key]:
                    click.echo(f"        {label}: {text.one_line(report[key])}")
    pending = [e for e in item["extensions"] if e["status"] == "pending"]
    for extension in pending:
        click.echo(_("extension requested: {from_} → {to}: {reason}").format(
            from_=extension["from_deadline"], to=extension["to_deadline"], reason=text.one_line(extension["reason"])))
    if item["sub_objectives"]:
        click.echo(_("sub-objectives:"))
        for sub in item["sub_objectives"]:
            click.echo(f"  {sub['ref']}  {lights.SYMBOLS[sub['light']]} {lifecycle.status_label(sub['status'])}  "
                       f"{text.one_line(sub['title'])}")
    click.echo(_("log:"))
    for entry in item["log"]:
        click.echo(f"  #{entry['seq']}  {dates.moment(entry['at'])}  {entry['actor']}  {describe.headline(entry, units)}"
                   + (f" — {text.one_line(entry['detail'])}" if entry["detail"] and entry["action"] != "objective.add" else ""))
    click.echo(_("possible steps: {steps}").format(steps=joined((actions.label(s) for s in item["possible_steps"]), "or")))
