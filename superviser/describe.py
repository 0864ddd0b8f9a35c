"""Log entries in words, for people: "urge notice (urge 2)", "Finance → HR"."""

from __future__ import annotations

from superviser import actions, lifecycle
from superviser import rhythm as rhythms
from superviser.i18n import _
from superviser.lights import label as light_label
from superviser.store import Database


def unit_names(db: Database) -> dict[int, str]:
    return dict(db.conn.execute("SELECT id, name FROM units"))


def _rows(changes: dict, table: str) -> tuple[list[dict], list[dict]]:
    """Rows of ``table`` the entry created and deleted."""
    made, gone = [], []
    for key, (before, after) in changes.items():
        if key.startswith(table + "#") and (isinstance(after, dict) or isinstance(before, dict)):
            (made if after is not None else gone).append(after if after is not None else before)
    return made, gone


def _own(entry: dict, changes: dict):
    """The entry's objective: its created row, and a getter for ``[before, after]`` of a column
    (entries written before every change was recorded used bare column names)."""
    prefix = f"objectives#{entry.get('objective_id')}"
    created = changes.get(prefix)
    row = created[1] if created and isinstance(created[1], dict) else None

    def pair(column: str):
        found = changes.get(f"{prefix}.{column}") or changes.get(column)
        return found if isinstance(found, list) else None

    return row, pair


def summary(entry: dict, units: dict[int, str]) -> str:
    """What a log entry changed, in a short phrase (without its free text)."""
    changes = entry.get("changes") or {}
    action = entry["action"]
    created, pair = _own(entry, changes)
    name = lambda unit_id: units.get(unit_id, "?")  # noqa: E731
    parts: list[str] = []
    if created:
        parts.append(_("lead: {unit}").format(unit=name(created.get("lead_unit_id"))))
        parts.append(_("deadline {date}").format(date=created.get("deadline")))
    moved = pair("ref")
    if moved and not created:
        parts.append(f"{moved[0]} → {moved[1]}")
    if pair("title") and not created:
        parts.append(_("title corrected"))
    rhythm = pair("report_rhythm")
    if rhythm:
        parts.append(_("reports: {rhythm}").format(rhythm=rhythms.label(rhythm[1]) or _("the general rule")))
    lead = pair("lead_unit_id")
    if lead:
        parts.append(f"{name(lead[0])} → {name(lead[1])}")
    added, removed = _rows(changes, "co_units")
    if added or removed:
        shown = [f"+{name(r['unit_id'])}" for r in added] + [f"−{name(r['unit_id'])}" for r in removed]
        # Translators: the co-units an entry added (+) and removed (−)
        parts.append(_("co-units: {units}").format(units=" ".join(shown)))
    urges = pair("urge_count")
    if action == "urge" and urges:
        parts.append(_("{level} (urge {n})").format(level=lifecycle.urge_level(urges[1]), n=urges[1]))
    percent = pair("percent")
    if percent and action in ("progress", "undo"):
        parts.append(f"{percent[0] or 0}% → {percent[1]}%")
    elif action == "progress":
        parts += [f"{row['percent']}%" for row in _rows(changes, "reports")[0]]
    deadline = pair("deadline")
    if deadline:
        parts.append(_("deadline {before} → {after}").format(before=deadline[0], after=deadline[1]))
    if action == "extend.request":
        parts += [_("to {date}").format(date=row["to_deadline"]) for row in _rows(changes, "extensions")[0]]
    parts += [_(lifecycle.VERDICTS.get(row["verdict"], row["verdict"])) for row in _rows(changes, "inspections")[0]]
    undone = changes.get("undo.of")
    if undone:
        parts.append(_("of #{seq}").format(seq=undone[1]))
    if action == "light":
        override = pair("light_override")
        after = override[1] if override else None
        parts.append(_("light: {light}").format(light=light_label(after)) if after else _("override cleared"))
    status = pair("status")
    if status:
        parts.append(f"{lifecycle.status_label(status[0])} → {lifecycle.status_label(status[1])}")
    # Translators: between the parts of a step's summary ("40% → 60%; accepted → in progress")
    return _("; ").join(parts)


def headline(entry: dict, units: dict[int, str]) -> str:
    """Action and summary: "urge · urge notice (urge 2)"."""
    what = summary(entry, units)
    return f"{actions.label(entry['action'])} · {what}" if what else actions.label(entry["action"])
