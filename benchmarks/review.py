"""The daily review's queue (issue 13: flat at any size an office reaches):

- in this process, on the office opened read-only: opening the review (how many items in each
  category, and the first page: ``review.opening``), the next page, the first page of each
  later category (the walk of its index), and an item's place (a review resumed there);
  against the queue read whole by one statement, as the review read it before it was paged
  (tests/test_review_pages.py keeps that statement as the pages' reference);
- with ``--app``: `superviser review` in a real terminal (tmux, 120x40) to its first stable
  frame, on a copy of the office (the review writes that it began), against a bare Textual app.

    python benchmarks/review.py [--sizes 10k,100k,1M] [--runs 5] [--app] [--app-sizes 10k,100k]
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from _common import PYTHON, ROOT, Table, _count, arguments, interleaved, label, office, warm

sys.path.insert(0, str(ROOT))

LOGIN = "bench"  # the office's director (superviser demo, as SUPERVISER_USER=bench)


def timed(work, runs: int) -> list[float]:
    took = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        took.append((time.perf_counter() - started) * 1000)
    return took


def core(path: Path, runs: int, table: Table) -> None:
    from superviser import review
    from superviser.store import Database
    from tests.test_review_pages import REFERENCE

    db = Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None))  # never written
    where = f"{label(_size(path))} objectives"
    whole = timed(lambda: db.conn.execute(REFERENCE, review._params(db, LOGIN)).fetchall(), max(1, runs // 2))
    opened = review.opening(db, LOGIN)
    table.add("open: sizes and the first page", where, timed(lambda: review.opening(db, LOGIN), runs), whole, "flat",
              unit="ms")
    cursor = opened["items"][-1]["at"]
    table.add("the next page", where, timed(lambda: review.page(db, LOGIN, cursor, review.PAGE), runs), whole, "flat",
              unit="ms")
    for rank, (category, _label) in enumerate(review.CATEGORIES, start=1):
        if rank == 1 or not opened["sizes"][category]:
            continue
        start = (rank, "", "", 0)
        table.add(f"first page of {category} ({opened['sizes'][category]:,})", where,
                  timed(lambda s=start: review.page(db, LOGIN, s, review.PAGE), runs), whole, "flat", unit="ms")
    deep = review.page(db, LOGIN, (4, "", "", 0), 1) or opened["items"][-1:]
    table.add("an item's place (resuming there)", where,
              timed(lambda: review.opening(db, LOGIN, deep[0]["id"]), runs), whole, "flat", unit="ms")
    table.note("items in the queue", where, f"{opened['total']:,}")


def _size(path: Path) -> int:
    return _count(path.name.split("-")[1])


def app(path: Path, runs: int, table: Table) -> None:
    from app import Terminal, reference

    with tempfile.TemporaryDirectory(dir=path.parent) as folder:
        copy = Path(folder) / "review.db"
        shutil.copyfile(path, copy)
        warm(copy)

        def ours() -> float:
            with Terminal(f"{PYTHON} -m superviser --db {copy} review") as term:
                return term.start()

        mine, theirs = interleaved(runs, ours, lambda: reference()["first frame"])
        table.add("`superviser review`: first stable frame", f"{label(_size(path))} objectives", mine, theirs,
                  "flat")


def main() -> None:
    sys.argv, app_sizes = _app_sizes(sys.argv)
    args = arguments(__doc__)
    table = Table("The daily review: opening it and moving through it (in this process, read-only)")
    for size in args.sizes:
        core(office(size, args.seed), args.runs, table)
    table.print("the queue read whole, as before (one statement over every open objective)")
    if app_sizes:
        if not shutil.which("tmux"):
            raise SystemExit("tmux is needed for --app: apt-get install tmux")
        shown = Table("The review in a real terminal (tmux, 120x40), on a copy of the office")
        for size in app_sizes:
            app(office(size, args.seed), args.runs, shown)
        shown.print("bare Textual app (Header, a 50-row DataTable, Footer): its first frame")


def _app_sizes(argv: list[str]) -> tuple[list[str], list[int]]:
    """``--app`` (10k and 100k: the copy of a 1M office is 8 GB) or ``--app-sizes``, taken out of
    the arguments the others share."""
    rest, sizes = [], []
    words = iter(argv)
    for word in words:
        if word == "--app":
            sizes = sizes or [10_000, 100_000]
        elif word == "--app-sizes":
            sizes = [_count(s) for s in next(words).split(",")]
        else:
            rest.append(word)
    return rest, sizes


if __name__ == "__main__":
    main()
