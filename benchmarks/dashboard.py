"""Issue 13's flat dashboard and search, on a database you built:

    superviser --db /tmp/big.db demo && python benchmarks/synthetic.py /tmp/big.db 1000000
    python benchmarks/dashboard.py --db /tmp/big.db [--runs 5] [--no-terminal]

Prints three tables:
- the dashboard's queries in this process (best and median of the runs, ms);
- search, a common word beside a rare one, of three or more characters and of two (ms);
- the first stable frame in a real terminal (tmux, 120x40): the app and a bare Textual
  app (Header, a 50-row DataTable, Footer), started in turn, each timed from the command
  to the last change of the screen before it stays still for a second and a half.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from _common import ENV, ROOT

sys.path.insert(0, str(ROOT))

BARE_APP = textwrap.dedent("""
    from textual.app import App
    from textual.widgets import DataTable, Footer, Header

    class Bare(App):
        BINDINGS = [("q", "quit", "Quit")]

        def compose(self):
            yield Header()
            yield DataTable()
            yield Footer()

        def on_mount(self):
            table = self.query_one(DataTable)
            table.add_columns("ref", "light", "title", "lead unit", "due", "%")
            for i in range(50):
                table.add_row(f"2026-{i:03d}.1", "● red", f"Objective number {i}", "Finance", "2026-12-20", "40")

    Bare().run()
""")


def timed(fn, runs: int) -> tuple[float, float]:
    took = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        took.append((time.perf_counter() - started) * 1000)
    return min(took), statistics.median(took)


def queries(path: Path, runs: int) -> list[tuple[str, float, float]]:
    from superviser import store
    from superviser.lights import Thresholds
    from superviser.read import counts, dashboard, outbox, units

    db = store.connect(path)
    thresholds = Thresholds.load(db)
    rows = [("light counts and reasons", *timed(lambda: counts.overview(db, thresholds), runs)),
            ("unit scorecards", *timed(lambda: units.scorecards(db), runs))]
    for name in dashboard.PANELS:
        rows.append((f"panel {name}: first 20 rows", *timed(lambda n=name: dashboard.panel(db, n, thresholds=thresholds), runs)))
    rows.append(("failed and unknown deliveries (two counts on the outbox's status index)",
                 *timed(lambda: outbox.trouble(db), runs)))
    rows.append(("everything the dashboard shows", *timed(lambda: dashboard.dashboard(db), runs)))
    return rows


def searches(path: Path, runs: int) -> list[tuple[str, float, float]]:
    from superviser import store
    from superviser.read import decisions, objectives
    from superviser.read.objectives import Filter

    db = store.connect(path)
    words = {"common": "Station", "rare": "boiler", "two characters, common": "st", "two characters, rare": "zq"}
    rows = []
    for what, word in words.items():
        matches = db.conn.execute("SELECT count(*) FROM objectives WHERE title LIKE ?", (f"%{word}%",)).fetchone()[0]
        rows.append((f"objective list, {what} ({word!r}, {matches:,} titles)",
                     *timed(lambda w=word: objectives.page(db, Filter(search=w), limit=50, count=False), runs)))
        rows.append(("  the same with its count", *timed(lambda w=word: objectives.page(db, Filter(search=w), limit=50), runs)))
        rows.append(("  decisions list", *timed(lambda w=word: decisions.list_decisions(db, search=w), runs)))
    return rows


class Terminal:
    def __init__(self, name: str):
        self.tmux = ["tmux", "-L", name]
        self.name = name

    def first_stable_frame(self, command: str, still: float = 1.5, timeout: float = 30) -> float:
        """Seconds from the command to the last change of the screen before it stays still."""
        started = time.perf_counter()
        # ENV: without the caller's PYTHONDONTWRITEBYTECODE, which would compile the app in every run
        subprocess.run([*self.tmux, "new-session", "-d", "-s", self.name, "-x", "120", "-y", "40",
                        f"cd {ROOT} && {command}"], check=True, env=ENV)
        last, changed = "", started
        try:
            while time.perf_counter() - changed < still or not last.strip():
                screen = subprocess.run([*self.tmux, "capture-pane", "-p", "-t", self.name],
                                        capture_output=True, text=True).stdout
                now = time.perf_counter()
                if screen != last:
                    last, changed = screen, now
                if now - started > timeout:
                    raise TimeoutError(last)
                time.sleep(0.005)
            return changed - started
        finally:
            subprocess.run([*self.tmux, "kill-server"], capture_output=True)


def terminal(path: Path, runs: int) -> list[tuple[str, float, float]]:
    bare = Path(tempfile.mkdtemp(prefix="superviser-bare-")) / "bare.py"
    bare.write_text(BARE_APP)
    env = "SUPERVISER_USER=bench TERM=xterm-256color"
    commands = {"superviser": f"{env} {sys.executable} -m superviser --db {path}",
                "bare Textual app": f"{env} {sys.executable} {bare}"}
    took: dict[str, list[float]] = {name: [] for name in commands}
    for run in range(runs):  # interleaved: both meet the same machine
        for i, (name, command) in enumerate(commands.items()):  # a tmux server each: none waits on the last
            took[name].append(Terminal(f"frame-{os.getpid()}-{run}-{i}").first_stable_frame(command))
    rows = [(name, min(t) * 1000, statistics.median(t) * 1000) for name, t in took.items()]
    ratio = statistics.median(took["superviser"]) / statistics.median(took["bare Textual app"])
    rows.append((f"ratio of the medians: {ratio:.2f}", float("nan"), float("nan")))
    return rows


def print_rows(title: str, rows: list[tuple[str, float, float]]) -> None:
    width = max(len(r[0]) for r in rows)
    print(f"\n{title}\n")
    print(f"| {'measure'.ljust(width)} | best ms | median ms |")
    print(f"|{'-' * (width + 2)}|---------|-----------|")
    for what, best, median in rows:
        print(f"| {what.ljust(width)} | {best:7.1f} | {median:9.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-terminal", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("SUPERVISER_USER", "bench")
    from superviser import store

    db = store.connect(args.db)  # migrated once, before anything is timed
    size = db.conn.execute("SELECT count(*) FROM objectives").fetchone()[0]
    db.conn.close()
    print_rows(f"Dashboard queries, {size:,} objectives", queries(args.db, args.runs))
    print_rows(f"Search, {size:,} objectives", searches(args.db, args.runs))
    if not args.no_terminal and shutil.which("tmux"):
        print_rows(f"First stable frame in tmux 120x40, {size:,} objectives", terminal(args.db, args.runs))


if __name__ == "__main__":
    main()
