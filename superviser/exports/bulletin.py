"""The bulletin's text, once, for every bulletin format: title, summary, what was
completed, what is overdue and which units are behind, each decision's objectives,
the scorecards. The writers only lay it out."""

from __future__ import annotations

from dataclasses import dataclass

from superviser import dates, lifecycle, lights, text
from superviser.exports.report import Report
from superviser.i18n import _, ngettext
from superviser.quantities import count
from superviser.read import units


@dataclass
class Table:
    headings: list[str]
    rows: list[list[str]]
    lights: list[str] | None = None  # the light of each row, to colour it
    light_column: int | None = None


@dataclass
class Section:
    title: str
    paragraphs: list[str]
    tables: list[tuple[str, Table]]  # (caption, table); caption may be ""


def title(report: Report) -> str:
    return _("Supervision bulletin")


def subtitle(report: Report) -> str:
    return report.scope.describe()


def sections(report: Report) -> list[Section]:
    counts = report.counts()
    lit, causes = counts["lights"], counts["causes"]
    rate = "–" if counts["on_time_rate"] is None else f"{counts['on_time_rate']}%"
    period = report.scope.since or report.scope.until  # without one, "in the period" would read as the quarter's
    summary = Section(_("Summary"), [
        (_("{total} objectives in scope: {open} open, {completed} completed in the period, {overdue} overdue.")
         if period else _("{total} objectives in scope: {open} open, {completed} completed, {overdue} overdue.")).format(
            **counts),
        _("Lights: {lights}.").format(lights=_("; ").join(
            lights.light_count_text(light, lit[light], causes[light]) for light in lights.LIGHTS)),
        _("Completed on time (by the original deadline): {rate}.").format(rate=rate),
    ], [])

    done = report.completed()
    nothing = _("Nothing was completed in the period.") if period else _("Nothing was completed.")
    completed = Section(_("Completed"), [] if done else [nothing], [])
    if done:
        completed.tables.append(("", Table(
            [_("reference"), _("objective"), _("lead unit"), _("completed"), _("original deadline"),
             _("closed on time")],  # yes or no: "on time" is the scorecards' rate (按时率)
            [[r["ref"], text.one_line(r["title"]), r["lead_unit"], r["closed_on"] or "", r["original_deadline"],
              _("yes") if r["on_time"] else _("no")] for r in done])))

    behind = report.behind()
    overdue = Section(_("Overdue, and the units behind"), [] if behind else [_("Nothing is overdue.")], [])
    for unit, rows in behind:
        # (the count in words: "{n} overdue" has the plural forms, "1 vencido")
        late = ngettext("{n} overdue", "{n} overdue", len(rows)).format(n=count(len(rows)))
        overdue.tables.append((_("{name}: {counts}").format(name=unit, counts=late), Table(
            [_("reference"), _("objective"), _("deadline"), _("days overdue"), _("urges"), _("latest report")],
            [[r["ref"], text.one_line(r["title"]), r["deadline"], str(r["days_overdue"]), str(r["urge_count"]),
              text.one_line(r["latest_report"])] for r in rows])))

    decisions = Section(_("Decisions and their objectives"), [], [])
    for decision, rows in report.by_decision():
        source = _(lifecycle.SOURCES[decision["source"]])
        caption = f"{decision['ref']}  {text.one_line(decision['title'])}  " + _("({source}, {date})").format(
            source=source, date=dates.long_date(decision["decided_on"]))
        decisions.tables.append((caption, Table(
            [_("reference"), _("objective"), _("lead unit"), _("deadline"), _("status"), _("light"), _("% done")],
            [[r["ref"], text.one_line(r["title"]), r["lead_unit"], r["deadline"], lifecycle.status_label(r["status"]),
              lights.shown(r), str(r["percent"])] for r in rows],
            lights=[r["light"] for r in rows], light_column=5)))

    # all time, as on the Units screen, said so: inside a period's bulletin they would read as the period's
    cards = Section(_("Unit scorecards"), [_("Lead and co-unit counted apart."), units.explained()], [])
    card_rows = []
    for card in report.scorecards:
        lead, co = card["lead"], card["co"]
        rate = "–" if lead["on_time_rate"] is None else f"{lead['on_time_rate']}%"
        card_rows.append(["  " * card["depth"] + card["name"], str(lead["open"]), str(lead["overdue"]), rate,
                     f"{lead['avg_delay']:g}", str(lead["urges"]), str(co["open"]), str(co["overdue"])])
    cards.tables.append(("", Table([_("unit"), _("open"), _("overdue"), _("on time"), _("avg delay"), _("urges"),
                                    _("co open"), _("co overdue")], card_rows)))
    return [summary, completed, overdue, decisions, cards, assessment(report)]


def score_rows(report: Report) -> tuple[list[str], list[list]]:
    """The assessment as a table: headings and rows (numbers as numbers), for every format."""
    headings = [_("rank"), _("unit"), _("score"), _("points"), _("closed on time"), _("late"), _("urges"),
                _("supervision notices"), _("sent back"), _("on-time rate"), _("matters")]
    rows = []
    for unit in report.scores.units:
        if unit.score is None:
            rows.append(["", unit.name, _("no matters"), "", "", "", "", "", "", "", 0])
            continue
        rate = "" if unit.on_time_rate is None else unit.on_time_rate / 100  # a fraction: a percentage in the xlsx
        rows.append([unit.rank, unit.name, unit.score, unit.total, unit.counts["on_time"],
                     unit.counts["late"], unit.counts["urge"], unit.counts["notice"], unit.counts["sendback"], rate,
                     unit.matters])
    return headings, rows


def score_lines(report: Report) -> list[str]:
    scores = report.scores
    lines = [_("Period {period}; rules in force on {date}: {rules}.").format(
        period=scores.period.label, date=scores.rules.on.isoformat(), rules=scores.rules.text()),
        scores.rules.counted()]  # (as the Scores screen says: "closed on time 0" beside points +0.5 reads as a mistake)
    if scores.published:
        lines.append(_("Published {when} by {who} (#{seq}).").format(
            when=dates.moment(scores.published["published_at"]), who=scores.published["published_by"],
            seq=scores.published["seq"]))
    else:
        lines.append(_("Computed from the log up to #{seq}; not published.").format(seq=scores.head_seq))
    return lines


def assessment(report: Report) -> Section:
    from superviser.assessment.rules import points_text

    headings, rows = score_rows(report)
    shown = [[points_text(v) if i == 3 and v != "" else f"{v:.0%}" if i == 9 and v != "" else
              f"{v:g}" if isinstance(v, float) else str(v) for i, v in enumerate(row)] for row in rows]
    return Section(_("Assessment (考核)"), score_lines(report), [("", Table(headings, shown))])
