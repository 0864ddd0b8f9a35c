"""Scores from the log alone: a walk through the entries that keeps just what the
assessment needs (each objective's units, status and original deadline; the units),
and turns what happened into points, each with the entry and the rule that gave it.

- closed on time: the director's verification closes an objective whose completion was
  submitted by the original deadline (lead and co-units, weighted);
- late: the original deadline passes while the units are still at work (the entry is the
  one that registered the deadline), or the objective is closed, or its completion sent
  back, after it (lead and co-units, weighted); each objective is late at most once and
  on time at most once;
- a reminder or urge notice, a supervision notice (the third urge and on), a completion
  sent back: the lead unit at that moment;
- an undone step gives nothing.

A unit with no matter at work in the period (as lead or co-unit) has no score, rather
than the base. Ranks are shared by equal scores (1, 2, 2, 4).
"""

from __future__ import annotations

import heapq
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from superviser import clock, dates, store
from superviser.assessment.periods import Period
from superviser.assessment.rules import EXPLAINED, RULES, Rules, in_force
from superviser.i18n import _
from superviser.store import Database

WORKING = frozenset({"assigned", "accepted", "in_progress"})
_COLUMNS = frozenset({"status", "lead_unit_id", "ref", "submitted_on", "original_deadline"})
# An entry is read only if its action scores or its text may change what scoring keeps.
_ACTIONS = frozenset({"urge", "sendback", "verify", "undo", "baseline"})
_NEEDED = re.compile("|".join(map(re.escape, ('.status"', '.lead_unit_id"', '"co_units#', '"units#', '.ref"',
                                                '.submitted_on"', '.original_deadline"', ":[null,{", ",null]"))))
LIVE = WORKING | {"returned", "submitted", "verified"}  # given to the units and not ended


@dataclass
class Point:
    seq: int | None
    day: str
    unit_id: int
    objective_id: int
    ref: str
    rule: str
    role: str
    points: float
    note: str


@dataclass
class UnitScore:
    unit_id: int
    name: str
    active: bool
    matters: int = 0                 # objectives at work in the period, as lead or co-unit
    total: float = 0.0               # the points, summed
    score: float | None = None       # base + total; None: no matters
    rank: int | None = None
    counts: dict = field(default_factory=lambda: {rule: 0 for rule in RULES})
    co_counts: dict = field(default_factory=lambda: {"on_time": 0, "late": 0})
    points: list[Point] = field(default_factory=list)

    @property
    def on_time_rate(self) -> int | None:
        """As lead, on the original deadline: on time over on time and late."""
        decided = self.counts["on_time"] + self.counts["late"]
        return round(100 * self.counts["on_time"] / decided) if decided else None


@dataclass
class Scores:
    period: Period
    rules: Rules
    units: list[UnitScore]
    head_seq: int
    published: dict | None = None     # the publication of this period, if any
    differs: list[str] = field(default_factory=list)  # units whose figures the log now gives otherwise

    def unit(self, unit_id: int) -> UnitScore | None:
        return next((u for u in self.units if u.unit_id == unit_id), None)


@dataclass
class _Objective:
    ref: str = ""
    lead: int | None = None
    co: set = field(default_factory=set)
    status: str = ""
    original: str = ""
    submitted: str | None = None
    created_seq: int | None = None
    on_time: bool = False
    late: bool = False


class _Walk:
    def __init__(self, rules: Rules, period: Period, limit: date):
        self.rules, self.period, self.limit = rules, period, limit
        self.objectives: dict[int, _Objective] = {}
        self.units: dict[int, dict] = {}
        self.points: list[Point] = []
        self.deadlines: list[tuple[str, int]] = []
        self.involved: dict[int, set] = {}   # unit → objectives at work in the period
        self.started = False                   # the period has begun in the walk

    # --- state ------------------------------------------------------------------------------
    def reset(self) -> None:
        self.objectives.clear()
        self.units.clear()
        self.points.clear()
        self.deadlines.clear()
        self.involved.clear()

    def apply(self, seq: int, changes: dict) -> set[int]:
        """Take in the entry's changes (only the columns scoring needs); the objectives it touched."""
        touched = set()
        for key, value in changes.items():
            if key.startswith("objectives#"):
                rest = key[11:]
                dot = rest.find(".")
                if dot >= 0:
                    column = rest[dot + 1:]
                    if column not in _COLUMNS:
                        continue
                    oid = int(rest[:dot])
                    self._set(self.objectives.setdefault(oid, _Objective()), oid, column, value[1])
                else:
                    oid = int(rest)
                    if value[1] is None:
                        self.objectives.pop(oid, None)
                        continue
                    target = self.objectives.setdefault(oid, _Objective())
                    target.created_seq = seq
                    for column in _COLUMNS.intersection(value[1]):
                        self._set(target, oid, column, value[1][column])
                touched.add(oid)
            elif key.startswith("co_units#"):
                oid, unit_id = (int(part) for part in key[9:].split(","))
                target = self.objectives.setdefault(oid, _Objective())
                (target.co.add if value[1] is not None else target.co.discard)(unit_id)
                touched.add(oid)
            elif key.startswith("units#"):
                pk, _dot, column = key[6:].partition(".")
                unit = self.units.setdefault(int(pk), {"name": "", "active": 1})
                row = value[1] if not column else {column: value[1]}
                unit.update({k: v for k, v in (row or {}).items() if k in ("name", "active")})
        return touched

    def _set(self, target: _Objective, oid: int, column: str, value) -> None:
        if column == "status":
            target.status = value
        elif column == "lead_unit_id":
            target.lead = value
        elif column == "ref":
            target.ref = value
        elif column == "submitted_on":
            target.submitted = value
        else:  # original_deadline
            target.original = value
            heapq.heappush(self.deadlines, (value, oid))

    # --- points -----------------------------------------------------------------------------
    def give(self, seq, day: str, oid: int, rule: str, note: str, roles=("lead", "co"), n: int | None = None) -> None:
        objective = self.objectives[oid]
        holders = [("lead", objective.lead)] + ([("co", unit) for unit in sorted(objective.co)] if "co" in roles else [])
        text = _(EXPLAINED[rule]).format(deadline=objective.original, n=n)
        for role, unit in holders:
            if unit is None:
                continue
            points = round(self.rules.values[rule] * self.rules.weight(role), 2)
            self.points.append(Point(seq, day, unit, oid, objective.ref, rule, role, points, note or text))

    def late(self, seq, day: str, oid: int) -> None:
        objective = self.objectives[oid]
        if not objective.late:
            objective.late = True
            self.give(seq, day, oid, "late", "")

    def deadlines_passed(self, edge: str) -> None:
        """Objectives whose original deadline ended before the day ``edge`` while still at work."""
        while self.deadlines and self.deadlines[0][0] < edge:
            deadline, oid = heapq.heappop(self.deadlines)
            objective = self.objectives.get(oid)
            if objective is None or objective.original != deadline:
                continue
            if objective.status in WORKING:
                day = date.fromisoformat(deadline) + timedelta(days=1)
                self.late(objective.created_seq, day.isoformat(), oid)

    def step(self, seq: int, action: str, day: str, changes: dict, touched: set[int], objective_id) -> None:
        oid = objective_id
        objective = self.objectives.get(oid) if oid is not None else None
        if objective is None:
            return
        if action == "verify" and objective.status == "closed":
            if objective.submitted and objective.submitted <= objective.original:
                if not objective.on_time:
                    objective.on_time = True
                    self.give(seq, day, oid, "on_time", "")
            else:
                self.late(seq, day, oid)
        elif action == "urge":
            count = (changes.get(f"objectives#{oid}.urge_count") or [None, 1])[1] or 1
            self.give(seq, day, oid, "notice" if count >= 3 else "urge", "", roles=("lead",), n=count)
        elif action == "sendback":
            self.give(seq, day, oid, "sendback", "", roles=("lead",))
            if day > objective.original:
                self.late(seq, day, oid)

    def undo(self, undone: int) -> None:
        for point in [p for p in self.points if p.seq == undone]:
            self.points.remove(point)
            if point.rule == "late":
                self.objectives[point.objective_id].late = False
            elif point.rule == "on_time":
                self.objectives[point.objective_id].on_time = False

    def involve(self, oids) -> None:
        for oid in oids:
            objective = self.objectives.get(oid)
            if objective is not None and objective.status in LIVE:
                for unit in (objective.lead, *objective.co):
                    if unit is not None:
                        self.involved.setdefault(unit, set()).add(oid)

    def begin_period(self) -> None:
        if not self.started:
            self.started = True
            self.involve(list(self.objectives))


def _stored(db: Database) -> Iterator[tuple]:
    """The whole log, oldest first, as the walk takes it: changes as stored."""
    cursor = db.conn.execute("SELECT seq, at, action, objective_id, changes FROM log ORDER BY seq")
    cursor.arraysize = 5000
    while rows := cursor.fetchmany():
        yield from rows


def _walk(db: Database, rules: Rules, period: Period, today: date, log: Iterable[tuple] | None = None) -> _Walk:
    limit = min(period.until, today)
    walk = _Walk(rules, period, limit)
    since, until = period.since.isoformat(), period.until.isoformat()
    in_baseline = False
    local_day, loads, needed = dates.local_day, json.loads, _NEEDED.search
    after_limit = (limit + timedelta(days=1)).isoformat()
    for seq, at, action, objective_id, changes in _stored(db) if log is None else log:
        if action == "baseline":
            if not in_baseline:
                walk.reset()  # the older log before it does not say enough: start from the state it records
            in_baseline = True
        else:
            in_baseline = False
        stamp = local_day(at)
        walk.deadlines_passed(min(stamp, after_limit))
        if stamp >= since:  # what was at work as the period began (the state before this entry)
            walk.begin_period()
        if changes.__class__ is str:
            # Decoded only if scoring may keep something of it; an entry it skips (a note, a
            # report, an inspection) would change nothing, so one decoded already is simply taken in.
            if action not in _ACTIONS and not needed(changes):
                continue
            changes = loads(changes)
        touched = walk.apply(seq, changes)
        if action == "undo":
            undone = changes.get("undo.of")
            if undone:
                walk.undo(undone[1])
        else:
            walk.step(seq, action, stamp, changes, touched, objective_id)
        if since <= stamp <= until:
            walk.involve(touched)
    walk.deadlines_passed(after_limit)
    if period.since <= limit:
        walk.begin_period()
    return walk


def compute(db: Database, period: Period, today: date | None = None, log: Iterable[tuple] | None = None) -> Scores:
    """Every unit's score for ``period``, from the log, with the rules in force on its last day.
    ``log``: the whole log, oldest first, as (seq, at, action, objective_id, changes as stored
    or decoded), from a caller that reads every entry anyway (an export's steps); else read here."""
    today = today or clock.today()
    rules = in_force(db, min(period.until, today))
    walk = _walk(db, rules, period, today, log)
    since, until = period.since.isoformat(), period.until.isoformat()
    units: dict[int, UnitScore] = {}
    for unit_id, found in walk.units.items():
        units[unit_id] = UnitScore(unit_id, found["name"], bool(found.get("active", 1)))
    for point in walk.points:
        if not since <= point.day <= until:
            continue
        unit = units.setdefault(point.unit_id, UnitScore(point.unit_id, str(point.unit_id), False))
        unit.points.append(point)
        unit.total = round(unit.total + point.points, 2)
        if point.role == "lead":
            unit.counts[point.rule] += 1
        else:
            unit.co_counts[point.rule] += 1
        walk.involved.setdefault(point.unit_id, set()).add(point.objective_id)
    for unit_id, unit in units.items():
        unit.matters = len(walk.involved.get(unit_id, ()))
        if unit.matters:
            unit.score = round(rules.base + unit.total, 2)
        unit.points.sort(key=lambda p: (p.day, p.seq or 0))
    shown = [u for u in units.values() if u.active or u.matters]
    _rank(shown)
    seq = db.conn.execute("SELECT coalesce(max(seq), 0) FROM log").fetchone()[0]
    return Scores(period, rules, shown, seq)


def _rank(units: list[UnitScore]) -> None:
    units.sort(key=lambda u: (u.score is None, -(u.score or 0), u.name))
    previous, rank = None, 0
    for position, unit in enumerate(units, 1):
        if unit.score is None:
            continue
        if unit.score != previous:
            rank, previous = position, unit.score
        unit.rank = rank


def published(db: Database, period: Period) -> dict | None:
    found = store.row(db, "SELECT * FROM score_publications WHERE since = ? AND until = ?",
                      (period.since.isoformat(), period.until.isoformat()))
    if found is None:
        return None
    found["scores"] = json.loads(found["scores"])
    found["rules"] = json.loads(found["rules"])
    seq = db.conn.execute("SELECT seq FROM log WHERE action = 'score.publish' AND json_extract(changes, ?) IS NOT NULL",
                          (f'$."score_publications#{found["id"]}"',)).fetchone()
    found["seq"] = seq[0] if seq else None
    return found


def summary(unit: UnitScore) -> dict:
    """What a publication keeps of a unit's score."""
    return {"unit_id": unit.unit_id, "unit": unit.name, "score": unit.score, "rank": unit.rank,
            "points": unit.total, "matters": unit.matters, "counts": dict(unit.counts),
            "co_counts": dict(unit.co_counts), "on_time_rate": unit.on_time_rate}


def scores(db: Database, period: Period, *, fresh: bool = False, today: date | None = None,
           log: Iterable[tuple] | None = None) -> Scores:
    """The scores of ``period``: as published, if it was (unless ``fresh``), with the points
    that explain them from the log, and which units the log now gives otherwise. ``log``: as
    for ``compute``."""
    computed = compute(db, period, today, log)
    publication = published(db, period)
    if publication is None:
        return computed
    computed.published = publication
    kept = {row["unit_id"]: row for row in publication["scores"]}
    for unit in computed.units:
        row = kept.get(unit.unit_id)
        if row is None or (row["score"], row["rank"]) != (unit.score, unit.rank):
            computed.differs.append(unit.name)
        if row is not None and not fresh:
            unit.score, unit.rank, unit.total = row["score"], row["rank"], row["points"]
    if not fresh:
        computed.units.sort(key=lambda u: (u.score is None, u.rank or 0, u.name))
    return computed


def as_json(result: Scores, *, details: bool = True) -> dict:
    units = []
    for unit in result.units:
        item = summary(unit)
        if details:
            item["details"] = [dict(asdict(p), objective=p.ref) for p in unit.points]
        units.append(item)
    published_info = None
    if result.published:
        info = result.published
        published_info = {"seq": info["seq"], "at": info["published_at"], "by": info["published_by"],
                          "differs": result.differs}
    return {"period": {"label": result.period.label, "since": result.period.since.isoformat(),
                       "until": result.period.until.isoformat()},
            "rules": result.rules.as_json(), "rules_text": result.rules.text(), "head_seq": result.head_seq,
            "published": published_info, "units": units}
