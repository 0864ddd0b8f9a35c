"""The units' scores (考核) for a period, explained point by point; publishing them."""

from __future__ import annotations

import click

from superviser.cli.common import Env, emit_json, json_option, pass_env, report, table
from superviser.i18n import _, joined


def print_scores(result, unit_name: str | None) -> None:
    from superviser import dates
    from superviser.assessment.rules import points_text, rule_label

    period = result.period
    unit = None
    if unit_name:  # (before anything is printed: a name that is no unit's prints nothing but why)
        from superviser.refs import unit_meant

        meant = unit_meant([u.name for u in result.units], unit_name)
        unit = next(u for u in result.units if u.name == meant)
    click.echo(_("Scores for {period} ({since} – {until}), from the log up to #{seq}").format(
        period=period.label, since=period.since.isoformat(), until=period.until.isoformat(), seq=result.head_seq))
    set_by = ", ".join(f"#{seq}" for seq in result.rules.set_by) or _("the defaults")
    click.echo(_("Rules in force on {date}: {rules} (set by {entries})").format(
        date=result.rules.on.isoformat(), rules=result.rules.text(), entries=set_by))
    click.echo(result.rules.counted())
    if result.published:
        info = result.published
        click.echo(_("Published {when} by {who} (#{seq}).").format(
            when=dates.moment(info["published_at"]), who=info["published_by"], seq=info["seq"]))
        if result.differs:
            click.echo(_("The log now gives other figures for: {units} (see --fresh).").format(
                units=joined(result.differs)))
    if unit is not None:
        click.echo(_("{unit}: {score}").format(unit=unit.name, score=_score(unit)))
        table([(_("date"), {}), ("#", {"justify": "right"}), (_("objective"), {}), (_("rule"), {}), (_("as"), {}),
               (_("points"), {"justify": "right"}), (_("why"), {"max_width": 70})],
              [[p.day, str(p.seq or ""), p.ref, rule_label(p.rule), _("lead") if p.role == "lead" else _("co-unit"),
                points_text(p.points), p.note] for p in unit.points])
        return
    table([(_("rank"), {"justify": "right"}), (_("unit"), {"max_width": 24}), (_("score"), {"justify": "right"}),
           (_("points"), {"justify": "right"}), (_("closed on time"), {"justify": "right"}),
           (_("late"), {"justify": "right"}),
           (_("urges"), {"justify": "right"}), (_("notices"), {"justify": "right"}),
           (_("sent back"), {"justify": "right"}), (_("on-time rate"), {"justify": "right"}),
           (_("matters"), {"justify": "right"})],
          [[str(u.rank or "–"), u.name, _score(u), points_text(u.total) if u.matters else "",
            str(u.counts["on_time"]), str(u.counts["late"]), str(u.counts["urge"]), str(u.counts["notice"]),
            str(u.counts["sendback"]), "–" if u.on_time_rate is None else f"{u.on_time_rate}%", str(u.matters)]
           for u in result.units])


def _score(unit) -> str:
    return _("no matters") if unit.score is None else f"{unit.score:g}"


def commands() -> list[click.Command]:
    @click.command(
        help=_("The units' scores (考核) for a period, from the log, with the rules in force and every point "
               "explained; --publish records them (director)."),
        epilog=_("\b\nExamples:\n  superviser score --period 2026Q4\n  superviser score --period 2026-11 --unit Finance\n"
                 "  superviser score --period 2026 --json\n  superviser score --period 2026Q3 --publish"),
    )
    @click.option("--period", metavar="PERIOD",
                  help=_("2026, 2026Q4, 2026-11 or 2026-10-01..2026-12-31 (default: this quarter)."))
    @click.option("--unit", "unit_name", metavar="UNIT", help=_("Show this unit's points, one by one."))
    @click.option("--fresh", is_flag=True, help=_("Recompute a published period from the log instead of showing "
                                                  "the published figures."))
    @click.option("--publish", is_flag=True, help=_("Record the period's scores as published (director; once the "
                                                    "period has ended)."))
    @json_option
    @pass_env
    def score(env: Env, period, unit_name, fresh, publish, as_json) -> None:
        from superviser.assessment import periods, scorer

        chosen = periods.parse(period) if period else periods.current_quarter()
        if publish:
            from superviser.actions import ACTIONS

            report(ACTIONS["score.publish"].perform(env.session, None, {"period": chosen}), as_json)
            return
        result = scorer.scores(env.db, chosen, fresh=fresh)
        if as_json:
            emit_json(scorer.as_json(result))
            return
        print_scores(result, unit_name)

    return [score]
