"""A short summary for cron and mail: what is overdue, due soon, silent, whose report is
due soon by its own rhythm, and waiting for the office, grouped by unit, in the user's language. Overdue, due soon and silent
are the facts of ``superviser.lights``: a light the office set is shown beside them."""

from __future__ import annotations

from collections import defaultdict

from superviser import clock, dates, lights, rhythm, text
from superviser.i18n import N_, _, aside
from superviser.lights import Thresholds
from superviser.read import objectives
from superviser.read.objectives import Filter
from superviser.store import Database

SECTIONS = [
    ("overdue", N_("Overdue"), Filter(reason="overdue")),
    ("due_soon", N_("Due soon"), Filter(reason="due_soon")),
    ("silent", N_("No report for too long"), Filter(reason="silent")),
    ("report_due", N_("Reports due soon"), Filter(reason="report_due")),
    ("waiting", N_("Waiting for the office"), Filter(waiting=True)),
]


def digest(db: Database, unit: str | None = None) -> dict:
    thresholds = Thresholds.load(db)
    sections = []
    for key, label, base in SECTIONS:
        flt = Filter(**{**base.__dict__, "unit": unit})
        rows = objectives.list_objectives(db, flt, limit=None, order="deadline", thresholds=thresholds)
        by_unit: dict[str, list[dict]] = defaultdict(list)
        for row in rows:
            by_unit[row["lead_unit"]].append(row)
        sections.append({"key": key, "title": _(label), "count": len(rows),
                         "units": sorted(by_unit.items(), key=lambda item: (-len(item[1]), item[0]))})
    return {"date": clock.today().isoformat(), "unit": unit, "sections": sections}


def _line(row: dict, key: str) -> str:
    if key == "waiting":
        what = _("extension → {date}").format(date=row["extension_to"]) if row.get("extension_to") else _("verify")
    elif key == "silent":
        what = _("last report {date}").format(date=row["last_report_on"] or _("never"))
    elif key == "report_due":
        what = rhythm.summary(row)
    else:
        what = dates.relative_deadline(row["deadline"])
    if row["set_by_office"]:  # the office's light beside the fact, never instead of it
        what = _("; ").join([what, lights.shown(row)])
    return aside(f"{row['ref']}  {text.one_line(row['title'])}", what)


def render(result: dict, fmt: str = "text") -> str:
    markdown = fmt == "md"
    heading = _("superviser digest · {date}").format(date=dates.long_date(result["date"]))
    if result["unit"]:
        heading += " · " + text.one_line(result["unit"])
    lines = [f"# {heading}" if markdown else heading, ""]
    if not any(section["count"] for section in result["sections"]):
        lines.append(_("Nothing needs attention."))
    for section in result["sections"]:
        if not section["count"]:
            continue
        title = aside(section["title"], section["count"])
        lines += [f"## {title}" if markdown else title, ""]
        for unit, rows in section["units"]:
            lines.append(f"**{text.one_line(unit)}**" if markdown else f"  {text.one_line(unit)}")
            for row in rows:
                lines.append(("- " if markdown else "    - ") + _line(row, section["key"]))
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
