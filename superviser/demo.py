"""Demo data.

``build_office`` plays a scripted few months of an office's life through the real
services, with the clock moved back for each step, so the demo's state, lights
and log agree with each other exactly as they would in real use.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from superviser import clock, i18n
from superviser.demo_content import DECISIONS, PEOPLE, SUB_OBJECTIVES, TEXTS, UNITS
from superviser.progress import Progress
from superviser.services import Result, Session, org, registry, steps

DIRECTOR, SUPERVISORS, INSPECTOR = "zhao.min", ("chen.jing", "liu.yang"), "liu.yang"


def _stable(key: str) -> int:
    """A hash that is the same in every process (``hash()`` is salted)."""
    return zlib.crc32(key.encode())


def _pick(pair):
    """The English or Chinese member of a pair, by the current language."""
    return pair[1] if i18n.is_chinese() else pair[0]


@dataclass(order=True)
class _Event:
    moment: datetime
    order: int
    actor: str = field(compare=False)
    run: Callable = field(compare=False)


class _Script:
    """Collects events from the scenarios, then plays them in time order."""

    def __init__(self, today: date):
        self.today = today
        self.events: list[_Event] = []
        self.refs: dict[str, str] = {}
        self.liaison = {unit: login for login, _en, _zh, role, unit in PEOPLE if role == "liaison"}
        self._per_day: dict[tuple[int, int], int] = {}

    def at(self, day: int, actor: str, run: Callable, hour: int = 9) -> None:
        """Schedule ``run(session)`` on ``day`` (days from today) as ``actor``; events
        scheduled for the same day keep the order they were scheduled in."""
        n = self._per_day[(day, hour)] = self._per_day.get((day, hour), 0) + 1
        moment = datetime.combine(self.today + timedelta(days=day), time(hour, 0)).astimezone()
        moment += timedelta(seconds=n * 97)
        self.events.append(_Event(moment, len(self.events), actor, run))

    def play(self, db, progress: Progress | None = None) -> None:
        sessions: dict[str, Session] = {}
        for done, event in enumerate(sorted(self.events), start=1):
            session = sessions.setdefault(event.actor, Session(db, event.actor))
            with clock.frozen(event.moment):
                event.run(session)
            if progress is not None:
                progress(done, len(self.events))


def _ref(registered: Result) -> str:
    assert registered.ref is not None  # registering gives the new reference
    return registered.ref


def _units_by_key(session: Session) -> dict[str, str]:
    names: dict[str, str] = {}
    for key, parent, en, zh in UNITS:
        name = _pick((en, zh))
        org.unit_add(session, name, names[parent] if parent else None)
        names[key] = name
    return names


def _history(script: _Script, key: str, lead: str, scenario: str, registered: int, deadline: int, units: dict) -> None:
    """Schedule the steps of one objective's scenario (days relative to today)."""
    ref = lambda: script.refs[key]  # noqa: E731 - the ref exists only once the objective is registered
    liaison = lambda unit=lead: script.liaison.get(unit, DIRECTOR)  # noqa: E731
    office = SUPERVISORS[_stable(key) % 2]
    r, d = registered, deadline
    t = TEXTS

    def step(day, actor, fn, **kw):
        script.at(day, actor, lambda s: fn(s, ref(), **kw))

    def progress(day, percent, i=0, unit=lead, **extra):
        step(day, liaison(unit), steps.progress, percent=percent, text=_pick(t["progress"][i]), **extra)

    if scenario in ("registered",):
        return
    step(r + 1, office, steps.assign)
    if scenario == "returned":
        step(r + 2, liaison(), steps.return_, reason=_pick(t["return"]))
        return
    if scenario == "not_accepted":
        return
    if scenario == "transferred":
        step(r + 3, office, steps.transfer, to=units["logistics"], reason=_pick(t["transfer"]))
        step(r + 4, liaison("logistics"), steps.accept, note=_pick(t["accept"]))
        progress(-3, 35, 0, unit="logistics")
        return
    step(r + 2, liaison(), steps.accept, note=_pick(t["accept"]))
    if scenario == "cancelled":
        step(r + 5, DIRECTOR, steps.cancel, reason=_pick(t["cancel"]))
        return
    if scenario == "suspended":
        progress(r + 4, 10)
        step(r + 6, DIRECTOR, steps.suspend, reason=_pick(t["suspend"]))
        return
    if scenario in ("accepted", "silent"):
        return
    if scenario == "closed_on_time":
        progress(max(r + 4, d - 12), 40, 0)
        progress(max(r + 5, d - 7), 80, 1, next_step=_pick(t["next"]))
        step(d - 3, liaison(), steps.complete, text=_pick(t["complete"]))
        step(d - 1, DIRECTOR, steps.verify, note=_pick(t["verify"]))
    elif scenario == "closed_late":
        progress(r + 6, 30, 0, problems=_pick(t["problems"]))
        step(d + 1, office, steps.urge, text=_pick(t["urge"][0]))
        step(d + 4, office, steps.urge, text=_pick(t["urge"][1]))
        step(d + 6, liaison(), steps.complete, text=_pick(t["complete"]))
        step(d + 8, DIRECTOR, steps.verify)
    elif scenario in ("overdue", "overdue_escalated"):
        progress(r + 10, 40, 1, problems=_pick(t["problems"]), help_needed=_pick(t["help"]))
        step(d + 1, office, steps.urge, text=_pick(t["urge"][0]))
        step(d + 3, office, steps.urge, text=_pick(t["urge"][1]))
        if scenario == "overdue_escalated":
            step(d + 8, DIRECTOR, steps.urge, text=_pick(t["urge"][2]))
            step(d + 9, office, steps.note, text=_pick(t["note"]))
    elif scenario == "overdue_extension_refused":
        progress(r + 7, 50, 1, problems=_pick(t["problems"]))
        step(d - 3, liaison(), steps.extend_request, to=(script.today + timedelta(days=d + 20)).isoformat(),
             reason=_pick(t["extension"]))
        step(d - 2, DIRECTOR, steps.extend_reject, reason=_pick(t["extension_refused"]))
        step(d + 1, office, steps.urge, text=_pick(t["urge"][0]))
    elif scenario == "due_soon":
        progress(-3, 60, 1, next_step=_pick(t["next"]))
    elif scenario == "urged":
        progress(max(r + 5, -10), 20, 0)
        step(-6, office, steps.urge, text=_pick(t["urge"][0]))
        step(-2, office, steps.urge, text=_pick(t["urge"][1]))
    elif scenario in ("on_track", "in_progress"):
        progress(max(r + 4, -9), 30, 0)
        progress(-2 if scenario == "on_track" else -5, 55, 1, next_step=_pick(t["next"]))
    elif scenario == "extension_pending":
        progress(r + 6, 40, 1, problems=_pick(t["problems"]))
        step(-2, liaison(), steps.extend_request, to=(script.today + timedelta(days=d + 20)).isoformat(),
             reason=_pick(t["extension"]))
    elif scenario == "extension_approved":
        progress(r + 6, 30, 0, problems=_pick(t["problems"]))
        step(r + 12, liaison(), steps.extend_request, to=(script.today + timedelta(days=d)).isoformat(),
             reason=_pick(t["extension"]))
        step(r + 13, DIRECTOR, steps.extend_approve, note=_pick(t["approve"]))
        progress(-4, 70, 2)
    elif scenario == "submitted":
        progress(r + 5, 70, 1)
        step(-2, liaison(), steps.complete, text=_pick(t["complete"]))
    elif scenario == "verified":
        progress(r + 5, 70, 1)
        step(-6, liaison(), steps.complete, text=_pick(t["complete"]))
        step(-4, SUPERVISORS[0], steps.verify, note=_pick(t["verify"]))
    elif scenario == "override":
        progress(r + 5, 25, 0)
        step(-3, DIRECTOR, steps.light, colour="red", reason=_pick(t["override"]))
    elif scenario == "inspected_at_risk":
        progress(r + 4, 50, 1)
        step(-3, INSPECTOR, steps.inspect, finding=_pick(t["inspect_risk"]), verdict="at-risk", method="on-site")
    elif scenario == "sendback":
        progress(r + 4, 80, 2)
        step(-5, liaison(), steps.complete, text=_pick(t["complete"]))
        step(-4, office, steps.sendback, reason=_pick(t["sendback"]))
        progress(-2, 90, 2)
    else:
        raise ValueError(f"unknown demo scenario {scenario}")
    if scenario in ("in_progress", "on_track") and _stable(key) % 3 == 0:
        step(-1, INSPECTOR, steps.inspect, finding=_pick(t["inspect_ok"]), verdict="on-track", method="on-site")


def build_office(path: str | Path, login: str, progress: Progress | None = None) -> None:
    """Create ``path`` and fill it with the demo office, ``login`` as a director; ``progress``
    hears how many of its steps are played (superviser/progress.py)."""
    path = Path(path)
    today = clock.today()
    first_day = today - timedelta(days=max(d[1] for d in DECISIONS) + 2)
    with clock.frozen(datetime.combine(first_day, time(8, 30)).astimezone()):
        session = org.init(path, login, login)
        db = session.db
        db.conn.execute("PRAGMA synchronous = OFF")  # a new file: nothing to lose if this is interrupted
        units = _units_by_key(session)
        for person_login, en, zh, role, unit_key in PEOPLE:
            if person_login != login:
                org.person_add(session, person_login, _pick((en, zh)), role, units[unit_key])

    script = _Script(today)
    registrar = SUPERVISORS[0]
    for di, (source, ago, priority, en, zh, src_ref, leader, summary, objectives) in enumerate(DECISIONS):
        day = -ago
        decided = (today + timedelta(days=day)).isoformat()
        dkey = f"d{di}"

        def add_decision(s, en=en, zh=zh, source=source, decided=decided, src_ref=src_ref, leader=leader,
                         summary=summary, priority=priority, dkey=dkey):
            script.refs[dkey] = _ref(registry.decision_add(
                s, _pick((en, zh)), source=source, decided_on=decided, source_ref=_pick(src_ref),
                leader=_pick(leader), summary=_pick(summary), priority=priority))

        script.at(day, registrar, add_decision, hour=8)
        for oi, (o_en, o_zh, lead, co, scenario, deadline) in enumerate(objectives):
            key = f"{dkey}.{oi}"
            original = deadline - 15 if scenario == "extension_approved" else deadline

            def add_objective(s, o_en=o_en, o_zh=o_zh, lead=lead, co=co, original=original, key=key, dkey=dkey,
                              priority=priority):
                script.refs[key] = _ref(registry.objective_add(
                    s, script.refs[dkey], _pick((o_en, o_zh)), lead=units[lead], co=[units[c] for c in co],
                    deadline=(today + timedelta(days=original)).isoformat(), priority=priority))

            script.at(day, registrar, add_objective, hour=8)
            _history(script, key, lead, scenario, day, deadline, units)
    for i, (di, oi, en, zh, lead, co, scenario, deadline) in enumerate(SUB_OBJECTIVES):
        day = -DECISIONS[di][1] + 1
        key = f"sub{i}"

        def add_sub(s, en=en, zh=zh, lead=lead, co=co, deadline=deadline, key=key, parent=f"d{di}.{oi}", dkey=f"d{di}"):
            script.refs[key] = _ref(registry.objective_add(
                s, script.refs[dkey], _pick((en, zh)), lead=units[lead], co=[units[c] for c in co],
                deadline=(today + timedelta(days=deadline)).isoformat(), parent=script.refs[parent]))

        script.at(day, registrar, add_sub, hour=8)
        _history(script, key, lead, scenario, day, deadline, units)
    script.play(db, progress)
    db.conn.execute("PRAGMA synchronous = FULL")
    db.conn.close()
