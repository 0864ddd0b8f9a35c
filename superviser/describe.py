"""Log entries in words, for people: "urge notice (urge 2)", "Finance → HR"."""

from __future__ import annotations

from sqlite_utils import Database

from superviser import actions, lifecycle
from superviser.i18n import _
from superviser.lights import label as light_label


def unit_names(db: Database) -> dict[int, str]:
    return dict(db.conn.execute("SELECT id, name FROM units"))


def summary(entry: dict, units: dict[int, str]) -> str:
    """What a log entry changed, in a short phrase (without its free text)."""
    changes = entry.get("changes") or {}
    action = entry["action"]
    parts: list[str] = []

    def pair(key):
        return changes.get(key) or [None, None]

    if "lead_unit_id" in changes and action != "objective.add":
        before, after = pair("lead_unit_id")
        parts.append(f"{units.get(before, '?')} → {units.get(after, '?')}")
    if action == "assign" or action == "objective.add":
        lead = pair("lead_unit_id")[1]
        if lead and action == "objective.add":
            parts.append(_("lead: {unit}").format(unit=units.get(lead, "?")))
    if "co_unit_ids" in changes:
        after = pair("co_unit_ids")[1] or []
        parts.append(_("co-units: {units}").format(units="、".join(units.get(u, "?") for u in after) or "–"))
    if action == "urge":
        count = pair("urge_count")[1] or 1
        parts.append(_("{level} (urge {n})").format(level=lifecycle.urge_level(count), n=count))
    if "percent" in changes and action in ("progress", "undo"):
        before, after = pair("percent")
        parts.append(f"{before or 0}% → {after}%")
    elif action == "progress":
        for key, value in changes.items():
            if key.endswith(".percent"):
                parts.append(f"{value[1]}%")
    if "deadline" in changes and action != "objective.add":
        before, after = pair("deadline")
        parts.append(_("deadline {before} → {after}").format(before=before, after=after))
    if action == "objective.add" and "deadline" in changes:
        parts.append(_("deadline {date}").format(date=pair("deadline")[1]))
    for key, value in changes.items():
        if key.endswith(".to_deadline") and action == "extend.request":
            parts.append(_("to {date}").format(date=value[1]))
        if key.endswith(".verdict"):
            parts.append(_(lifecycle.VERDICTS.get(value[1], value[1])))
        if key.startswith("log#"):
            parts.append(_("of #{seq}").format(seq=key[4:]))
    if action == "light":
        after = pair("light_override")[1]
        parts.append(_("light: {light}").format(light=light_label(after)) if after else _("override cleared"))
    if "status" in changes and action not in ("objective.add",):
        before, after = pair("status")
        parts.append(f"{lifecycle.status_label(before)} → {lifecycle.status_label(after)}")
    # Translators: between the parts of a step's summary ("40% → 60%; accepted → in progress")
    return _("; ").join(parts)


def headline(entry: dict, units: dict[int, str]) -> str:
    """Action and summary: "urge — urge notice (urge 2)"."""
    what = summary(entry, units)
    return f"{actions.label(entry['action'])} · {what}" if what else actions.label(entry["action"])
