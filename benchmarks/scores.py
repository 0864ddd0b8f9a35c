"""The assessment (考核): scores are computed by walking the whole log, so their time grows
with it. This builds a year of history through the real steps (assign, accept, progress,
urge, complete, verify on every objective) and times `score` as whole processes.

    python benchmarks/scores.py [--objectives 3000] [--dir DIR] [--runs 3]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _common import ENV, ROOT, Table, run, superviser

sys.path.insert(0, str(ROOT))


def build(path: Path, count: int) -> None:
    from superviser import clock, store
    from superviser.services import Session, org, registry, steps

    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    with clock.frozen(start):
        boss = org.init(path, "bench", "Bench")
    fast = Session(store.connect(path), "bench")
    fast.db.conn.execute("PRAGMA synchronous=OFF")  # building only: the timed commands use the real settings
    units = [f"Unit {n:02d}" for n in range(20)]
    with clock.frozen(start):
        for name in units:
            org.unit_add(fast, name)
        decision = registry.decision_add(fast, "Work plan", source="meeting", decided_on="2026-01-05").ref
    rng = random.Random(7)
    for n in range(count):
        day = start + timedelta(days=rng.randrange(0, 300))
        lead, co = rng.sample(units, 2)
        deadline = (day + timedelta(days=rng.randrange(10, 60))).date().isoformat()
        with clock.frozen(day):
            ref = registry.objective_add(fast, decision, f"Matter {n}", lead=lead, co=[co], deadline=deadline,
                                         assign=True).ref
        moments = sorted(day + timedelta(days=rng.randrange(1, 80), hours=h) for h in range(5))
        for moment, step in zip(moments, ("accept", "progress", "urge", "complete", "verify")):
            with clock.frozen(moment):
                if step == "accept":
                    steps.accept(fast, ref)
                elif step == "progress":
                    steps.progress(fast, ref, percent=50, text="half")
                elif step == "urge":
                    steps.urge(fast, ref)
                elif step == "complete":
                    steps.complete(fast, ref, text="done")
                else:
                    steps.verify(fast, ref)
    del boss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--objectives", type=int, default=3000)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="superviser-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"scores-{args.objectives}.db"
    if not path.exists():
        build(path, args.objectives)
    entries = sqlite3.connect(path).execute("SELECT count(*) FROM log").fetchone()[0]
    times = lambda *command: [run(superviser(path, *command), env=ENV)[0] for _ in range(args.runs)]  # noqa: E731
    quarter = times("score", "--period", "2026Q4", "--json")
    year = times("score", "--period", "2026", "--json")
    baseline = times("settings")
    extra = (statistics.median(quarter) - statistics.median(baseline)) * 100_000 / entries
    table = Table(f"superviser score on {args.objectives:,} objectives ({path})")
    table.add("score --period 2026Q4 --json", f"{entries:,} entries", quarter, None, "–")
    table.add("score --period 2026 --json", f"{entries:,} entries", year, None, "–")
    table.add("a command that reads nothing (settings), for the start-up", "", baseline, None, "–")
    table.add("per 100,000 log entries, start-up taken off (extrapolated)", "", [extra], None, "–")
    table.print("none")

if __name__ == "__main__":
    main()
