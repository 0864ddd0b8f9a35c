"""The assessment's rules: settings (``score.*``), changed like any setting, so every
version of them is in the log. A period is scored with the rules in force on its last day
(the latest values set on or before it), whatever was changed after."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from superviser import dates
from superviser.i18n import N_, _
from superviser.store import Database
from superviser.tables import SCORE_SETTINGS

# What each rule counts, in the order they are shown.
RULES = {
    "on_time": N_("closed on time"),
    "late": N_("late"),
    "urge": N_("urged"),
    "notice": N_("supervision notice"),
    "sendback": N_("sent back"),
}
EXPLAINED = {
    "on_time": N_("closed; completion submitted by the original deadline {deadline}"),
    "late": N_("not completed by the original deadline {deadline}"),
    "urge": N_("urge {n} received (reminder or urge notice)"),
    "notice": N_("supervision notice received (urge {n})"),
    "sendback": N_("its completion was sent back for rework"),
}


def rule_label(rule: str) -> str:
    return _(RULES[rule])


def points_text(value: float) -> str:
    """+1, −0.5, 0: signed, without needless decimals, with a real minus sign."""
    shown = f"{abs(value):g}"
    return "0" if value == 0 else ("+" if value > 0 else "−") + shown


@dataclass
class Rules:
    values: dict[str, float]
    on: date                                        # the day they were in force
    set_by: list[int] = field(default_factory=list)  # the entries that set them

    @property
    def base(self) -> float:
        return self.values["base"]

    def weight(self, role: str) -> float:
        return self.values["lead" if role == "lead" else "co"]

    def text(self) -> str:
        """"base 100; closed on time +1; …; lead ×1, co-unit ×0.5"."""
        parts = [_("base {n}").format(n=f"{self.base:g}")]
        parts += [f"{rule_label(rule)} {points_text(self.values[rule])}" for rule in RULES]
        parts.append(_("lead ×{lead}, co-unit ×{co}").format(lead=f"{self.values['lead']:g}",
                                                            co=f"{self.values['co']:g}"))
        return _("; ").join(parts)

    def counted(self) -> str:
        """How a unit's row adds up: its counts (closed on time, late, urged…) and on-time rate are
        its work as lead unit; its points are that and its share of the co-units' (×co)."""
        return _("Counts: as lead unit only. Points: as lead and as co-unit (×{co}).").format(
            co=f"{self.values['co']:g}")

    def as_json(self) -> dict:
        return {"values": self.values, "in_force_on": self.on.isoformat(), "set_by": self.set_by}


def in_force(db: Database, on: date) -> Rules:
    """The rules as the log had them at the end of ``on`` (local time)."""
    values = {key.removeprefix("score."): float(value) for key, value in SCORE_SETTINGS.items()}
    set_by: dict[str, int] = {}
    cursor = db.conn.execute(
        "SELECT seq, at, changes FROM log WHERE action IN ('init', 'settings.set', 'migration', 'baseline') "
        "AND changes LIKE '%settings#score.%' ORDER BY seq")
    for seq, at, text in cursor:
        if dates.local(at).date() > on:
            break
        for key, (_before, after) in json.loads(text).items():
            if not key.startswith("settings#score."):
                continue
            name = key.removeprefix("settings#score.")
            if isinstance(after, dict):
                name, value = after["key"].removeprefix("score."), after["value"]
            elif name.endswith(".value"):
                name, value = name.removesuffix(".value"), after
            else:
                continue
            if name in values and value is not None:
                values[name] = float(value)
                set_by[name] = seq
    return Rules(values, on, sorted(set(set_by.values())))
