"""Decisions and objectives: register, list, show."""

from __future__ import annotations

import click

from superviser import dates, lifecycle, lights
from superviser.cli import build
from superviser.cli.common import Env, emit_json, emit_page, json_option, pass_env, table
from superviser.i18n import _

LIGHT_STYLES = {"red": "bold red", "yellow": "yellow", "green": "green", "grey": "dim"}


def light_text(light: str, set_by_office: bool = False):
    from rich.text import Text

    mark = f" {lights.SET_MARK}" if set_by_office else ""  # the office set it: `objective show` says why
    return Text(f"{lights.SYMBOLS[light]} {lights.label(light)}{mark}", style=LIGHT_STYLES[light])


def date_option(name: str, help_text: str, required: bool = False):
    return click.option(name, metavar="DATE", required=required, help=help_text)


def _objective_table(items: list[dict]) -> None:
    from superviser.cli.common import console

    roomy = console().width >= 110  # room for "overdue by 12 days" beside the date

    def deadline(o):
        if roomy and o["status"] in lifecycle.AWAITED:
            return f"{o['deadline']} ({dates.relative_deadline(o['deadline'])})"
        return o["deadline"]

    table(
        [(_("ref"), {}), (_("light"), {}), (_("status"), {}), (_("deadline"), {}), (_("lead unit"), {"max_width": 16}),
         ("%", {"justify": "right"}), (_("title"), {"max_width": 50})],
        [[o["ref"], light_text(o["light"], o["set_by_office"]), lifecycle.status_label(o["status"]), deadline(o),
          o["lead_unit"], str(o["percent"]), o["title"]] for o in items],
    )


def objective_filter_options(f):
    options = [
        click.option("--light", type=click.Choice(list(lights.LIGHTS)), help=_("Only this light.")),
        click.option("--unit", "unit_name", metavar="UNIT", help=_("Only objectives of this unit (lead or co-unit).")),
        click.option("--role", "unit_role", type=click.Choice(["any", "lead", "co"]), default="any",
                     help=_("With --unit: as lead, as co-unit, or either.")),
        click.option("--decision", "decision_ref", metavar="DECISION", help=_("Only this decision's objectives.")),
        click.option("--status", "statuses", multiple=True, type=click.Choice(lifecycle.STATUSES),
                     help=_("Only this status; repeat for several.")),
        click.option("--open", "open_only", is_flag=True, help=_("Only open objectives (not closed, suspended or cancelled).")),
        date_option("--due-before", _("Only deadlines before DATE.")),
        click.option("--search", metavar="TEXT", help=_("Words in the reference, title or detail (full-text).")),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def build_filter(light, unit_name, unit_role, decision_ref, statuses, open_only, due_before, search):
    from superviser.read.objectives import Filter

    return Filter(
        light=light, unit=unit_name, unit_role=unit_role, decision=decision_ref, status=list(statuses),
        open_only=open_only, due_before=dates.parse(_("due before"), due_before) if due_before else None, search=search,
    )


def commands() -> list[click.Command]:
    """The commands, built in the language of this run (so their help is in it)."""
    @click.group(cls=build.StepGroup, steps={"add": "decision.add", "edit": "decision.edit"},
                 help=_("Decisions: what the leadership decided; the root of each tree of objectives."))
    def decision() -> None:
        pass

    @decision.command(
        "list", help=_("List decisions, newest first, with their objectives rolled up."),
        epilog=_("\b\nExamples:\n  superviser decision list --source leader\n  superviser decision list --search 安全 --json"),
    )
    @click.option("--search", metavar="TEXT", help=_("Words in the title, reference or summary."))
    @click.option("--source", type=click.Choice(list(lifecycle.SOURCES)), help=_("Only this source."))
    @click.option("--limit", type=click.IntRange(1, 100000), default=50, show_default=True)
    @click.option("--offset", type=click.IntRange(0), default=0)
    @json_option
    @pass_env
    def decision_list(env: Env, search, source, limit, offset, as_json) -> None:
        from superviser.read import decisions

        rows = decisions.list_decisions(env.db, search=search, source=source, limit=limit, offset=offset)
        if as_json:
            total = decisions.count_decisions(env.db, search=search, source=source)
            emit_page([decisions.as_json(r) for r in rows], total, offset)
            return
        table(
            [(_("ref"), {}), (_("light"), {}), (_("date"), {}), (_("source"), {"max_width": 20}),
             (_("objectives"), {"justify": "right"}), ("%", {"justify": "right"}), (_("title"), {"max_width": 60})],
            [[r["ref"], light_text(r["worst_light"]), r["decided_on"], _(lifecycle.SOURCES[r["source"]]),
              str(r["objectives"]), str(r["percent"]), r["title"]] for r in rows],
        )

    @decision.command("show", help=_("Show one decision and its objectives."),
                      epilog=_("\b\nExample:\n  superviser decision show 2026-014"))
    @click.argument("ref", metavar="DECISION")
    @json_option
    @pass_env
    def decision_show(env: Env, ref, as_json) -> None:
        from superviser.read import decisions, objectives

        row = decisions.get(env.db, ref)
        items = objectives.list_objectives(env.db, objectives.Filter(decision=row["id"]), limit=None, order="ref")
        if as_json:
            emit_json(dict(decisions.as_json(row), objective_list=[objectives.as_json(o) for o in items]))
            return
        click.echo(f"{row['ref']}  {row['title']}")
        facts = [
            (_("source"), _(lifecycle.SOURCES[row["source"]]) + (f" · {row['source_ref']}" if row["source_ref"] else "")),
            (_("date"), row["decided_on"]), (_("leader"), row["leader"]),
            (_("priority"), _(lifecycle.PRIORITIES[row["priority"]])), (_("summary"), row["summary"]),
        ]
        for name, value in facts:
            if value:
                click.echo(f"  {name}: {value}")
        _objective_table(items)

    @click.group(cls=build.StepGroup, steps={"add": "objective.add", "edit": "objective.edit"},
                 help=_("Objectives: the trackable pieces of a decision, with units and deadlines."))
    def objective() -> None:
        pass

    @objective.command(
        "list", help=_("List objectives, filtered, most urgent deadline first."),
        epilog=_(
            "\b\nExamples:\n  superviser objective list --light red --unit Finance\n"
            "  superviser objective list --due-before +7d --open --json --limit 50\n  superviser objective list --search 锅炉"
        ),
    )
    @objective_filter_options
    @click.option("--order", type=click.Choice(["deadline", "ref", "light", "updated"]), default="deadline", show_default=True)
    @click.option("--limit", type=click.IntRange(1, 1_000_000), default=50, show_default=True)
    @click.option("--offset", type=click.IntRange(0), default=0)
    @json_option
    @pass_env
    def objective_list(env: Env, light, unit_name, unit_role, decision_ref, statuses, open_only, due_before, search,
                       order, limit, offset, as_json) -> None:
        from superviser.read import objectives

        flt = build_filter(light, unit_name, unit_role, decision_ref, statuses, open_only, due_before, search)
        if as_json:
            rows, total = objectives.page(env.db, flt, limit=limit, offset=offset, order=order)
            emit_page([objectives.as_json(r) for r in rows], total, offset)
            return
        rows = objectives.list_objectives(env.db, flt, limit=limit, offset=offset, order=order)
        _objective_table(rows)

    @objective.command("show", help=_("Show everything about one objective: units, deadlines, light and why, reports, log."),
                       epilog=_("\b\nExample:\n  superviser objective show 2026-014.2"))
    @click.argument("ref", metavar="OBJECTIVE")
    @json_option
    @pass_env
    def objective_show(env: Env, ref, as_json) -> None:
        from superviser.read import log as log_read
        from superviser.read import objectives

        item = objectives.detail(env.db, ref)
        if as_json:
            out = objectives.as_json(item)
            out["light_explained"] = item["light_explained"]
            out["decision_title"] = item["decision"]["title"]
            for key in ("reports", "inspections", "extensions"):
                out[key] = item[key]
            out["sub_objectives"] = [objectives.as_json(o) for o in item["sub_objectives"]]
            out["log"] = [log_read.as_json(e) for e in item["log"]]
            out["possible_steps"] = item["possible_steps"]
            emit_json(out)
            return
        from superviser import describe
        from superviser.cli.show import print_objective

        print_objective(item, describe.unit_names(env.db))

    return [decision, objective]
