"""Issue 13's import figures: `superviser import` of a ledger (xlsx) of 1k, 10k and 100k rows
into the demo office (whole processes, each into a fresh copy): time, time per row, peak
memory; against Taskwarrior 2.6 importing 10k tasks from JSON (`task import`), interleaved
with ours at 10k. Time per row is printed twice: the whole run divided by its rows (the
fixed start-up weighs on small files), and the added time per added row between two sizes
(flat if the time is linear in rows).

    python benchmarks/imports.py [--sizes 1k,10k,100k] [--runs 3]

Taskwarrior comes from the system's packages (`apt-get install taskwarrior`); without it the
reference is the fixed figure the issue measured (0.74 s), and the table says so.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path

from _common import OUT, Table, arguments, interleaved, label, made_from, run, superviser

TASKWARRIOR_TASKS = 10_000
TASKWARRIOR_FIXED = 0.74  # s: issue 13's figure, the reference when Taskwarrior can't be run here


def ledger(rows: int) -> Path:
    """An office's ledger as people keep it in Excel, made once."""
    import xlsxwriter

    path = OUT / f"ledger-{label(rows)}.xlsx"
    if path.exists():
        return path
    OUT.mkdir(exist_ok=True)
    rng = random.Random(rows)
    units = ["Finance Department", "Human Resources Department", "Work Safety Department", "East Station",
             "West Station", "North Station", "South Station", "Logistics Service Centre"]
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = book.add_worksheet("Ledger")
    sheet.write_row(0, 0, ["decision title", "decided on", "objective", "lead unit", "deadline", "status", "% done"])
    start = date(2026, 1, 5)
    for r in range(1, rows + 1):
        decided = start + timedelta(days=r // 200)
        sheet.write_row(r, 0, [f"Meeting of {decided.isoformat()}", decided.isoformat(),
                               f"Inspect the drainage pumps, item {r}", rng.choice(units),
                               (decided + timedelta(days=rng.randint(15, 120))).isoformat(),
                               rng.choice(["registered", "assigned", "in progress"]), rng.randint(0, 90)])
    book.close()
    return path


def base_office() -> Path:
    """The demo office the ledger is imported into, made once."""
    path = OUT / f"demo-office-{made_from()}.db"
    if not path.exists():
        OUT.mkdir(exist_ok=True)
        for stale in OUT.glob("demo-office-*"):
            stale.unlink()
        run(superviser(path, "demo"))
    return path


def ours(rows: Path, folder: Path) -> tuple[float, float]:
    db = folder / "office.db"
    shutil.copy(base_office(), db)
    return run(superviser(db, "import", str(rows)))


def taskwarrior(tasks: Path, folder: Path) -> tuple[float, float]:
    data = folder / "task"
    data.mkdir()
    rc = folder / "taskrc"
    rc.write_text(f"data.location={data}\nconfirmation=off\nverbose=nothing\nhooks=off\n")
    return run(["task", "import", str(tasks)], env={"TASKRC": str(rc), "HOME": str(folder), "PATH": "/usr/bin:/bin"})


def fresh(measure, data: Path) -> tuple[float, float]:
    """``measure`` in a new temporary folder."""
    with tempfile.TemporaryDirectory(dir=OUT) as folder:
        return measure(data, Path(folder))


def tasks_json() -> Path:
    path = OUT / f"tasks-{label(TASKWARRIOR_TASKS)}.json"
    if not path.exists():
        OUT.mkdir(exist_ok=True)
        path.write_text(json.dumps([
            {"description": f"Inspect the drainage pumps, item {n}", "project": "office.east", "status": "pending",
             "entry": "20260105T090000Z", "due": f"202604{n % 28 + 1:02d}T000000Z", "tags": ["ledger"]}
            for n in range(TASKWARRIOR_TASKS)]))
    return path


def main() -> None:
    args = arguments(__doc__, sizes="1k,10k,100k", runs=3)
    table = Table("Import of a ledger: whole processes, each into a fresh copy of the demo office")
    have_task = shutil.which("task") is not None
    took: dict[int, float] = {}
    for size in args.sizes:
        rows = ledger(size)
        compared = size == TASKWARRIOR_TASKS  # the reference is of 10k tasks only
        if compared and have_task:
            mine, theirs = interleaved(args.runs, lambda: fresh(ours, rows), lambda: fresh(taskwarrior, tasks_json()))
        else:
            mine, theirs = [fresh(ours, rows) for _ in range(args.runs)], []
        where = f"{label(size)} rows"
        times = [t for t, _m in mine]
        took[size] = min(times)
        if compared:
            reference = [t for t, _m in theirs] if have_task else [TASKWARRIOR_FIXED]
            table.add("import: time", where, times, reference, "≤ 2×")
            if not have_task:
                table.note("reference", where, f"fixed at {TASKWARRIOR_FIXED} s (issue 13's figure): Taskwarrior is not "
                                               "installed here (apt-get install taskwarrior)")
        else:
            table.add("import: time", where, times, None, "< 15 s at 100k")
        table.add("import: per row", where, [t / size * 1e6 for t in times], None, "flat", unit="µs")
        table.add("import: peak memory", where, [m for _t, m in mine], [m for _t, m in theirs] or None,
                  "< 500 MB", unit="MB")
    sizes = sorted(took)
    for small, large in zip(sizes, sizes[1:]):
        added = (took[large] - took[small]) / (large - small) * 1e6
        table.note("import: per added row", f"{label(small)} → {label(large)}",
                   f"{added:.1f} µs (best runs; linear: the same at every step)")
    table.print(f"Taskwarrior 2.6 importing {TASKWARRIOR_TASKS:,} tasks (JSON)"
                + ("" if have_task else f", fixed at {TASKWARRIOR_FIXED} s"))


if __name__ == "__main__":
    main()
