"""Log entries in words, for people: "urge notice (urge 2)", "Finance → HR"."""

from __future__ import annotations

from superviser import actions, lifecycle
from superviser import rhythm as rhythms
from superviser.i18n import _
from superviser.lights import label as light_label
from superviser.store import Database


def unit_names(db: Database) -> dict[int, str]:
    return dict(db.conn.execute("SELECT id, name FROM units"))


# The columns of its objective a summary names, and the tables whose new and removed rows it names.
_NAMED_COLUMNS = frozenset({"ref", "title", "report_rhythm", "lead_unit_id", "urge_count", "percent", "deadline",
                            "light_override", "status"})
_NAMED_ROWS = frozenset({"co_units", "reports", "extensions", "inspections"})


class _Read:
    """What a summary needs of an entry's changes, found in one pass (an export describes every
    step of the log): its objective's created row, ``[before, after]`` of the named columns
    (entries written before every change was recorded used bare column names), and the rows
    created and deleted in the named tables."""

    __slots__ = ("created", "pairs", "made", "gone")

    def __init__(self, entry: dict, changes: dict):
        prefix = f"objectives#{entry.get('objective_id')}"
        dotted = prefix + "."
        self.created = None
        self.pairs: dict[str, list] = {}
        self.made: dict[str, list[dict]] = {}
        self.gone: dict[str, list[dict]] = {}
        bare = {}
        for key, value in changes.items():
            if key.startswith(dotted):
                column = key[len(dotted):]
                if column in _NAMED_COLUMNS and value.__class__ is list:
                    self.pairs[column] = value
            elif key == prefix:
                self.created = value[1] if value and isinstance(value[1], dict) else None
            elif "#" in key:
                if key[:key.index("#")] in _NAMED_ROWS:
                    before, after = value
                    if isinstance(after, dict):
                        self.made.setdefault(key[:key.index("#")], []).append(after)
                    elif isinstance(before, dict):
                        self.gone.setdefault(key[:key.index("#")], []).append(before)
            elif key in _NAMED_COLUMNS and value.__class__ is list:
                bare[key] = value
        for column, value in bare.items():
            self.pairs.setdefault(column, value)


def summary(entry: dict, units: dict[int, str]) -> str:
    """What a log entry changed, in a short phrase (without its free text)."""
    changes = entry.get("changes") or {}
    action = entry["action"]
    read = _Read(entry, changes)
    created, pair = read.created, read.pairs.get
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
    added, removed = read.made.get("co_units", ()), read.gone.get("co_units", ())
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
        parts += [f"{row['percent']}%" for row in read.made.get("reports", ())]
    deadline = pair("deadline")
    if deadline:
        parts.append(_("deadline {before} → {after}").format(before=deadline[0], after=deadline[1]))
    if action == "extend.request":
        parts += [_("to {date}").format(date=row["to_deadline"]) for row in read.made.get("extensions", ())]
    parts += [_(lifecycle.VERDICTS.get(row["verdict"], row["verdict"])) for row in read.made.get("inspections", ())]
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
    return _("; ").join(parts) if parts else ""


def headline(entry: dict, units: dict[int, str]) -> str:
    """Action and summary: "urge · urge notice (urge 2)"."""
    what = summary(entry, units)
    return f"{actions.label(entry['action'])} · {what}" if what else actions.label(entry["action"])
