"""Issue 3's figures: the app on a database of 100,000 objectives.

    python benchmarks/app.py [--size 100000] [--dir DIR]

Headless (Textual's run_test): time from a key to the screen showing its data.
Real terminal (tmux): time from the command to a dashboard with its numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, big_database, print_table

sys.path.insert(0, str(ROOT))
os.environ.setdefault("SUPERVISER_USER", "bench")


async def press(app, key: str, pause: float = 0.3) -> None:
    """A key as the terminal would send it, without Pilot's waiting for animations to end,
    after the pause a person takes before the next key (not counted)."""
    from textual import events

    await asyncio.sleep(pause)
    app.post_message(events.Key(key, key if len(key) == 1 else None))


async def until(pilot, condition, timeout: float = 10.0) -> float:
    """Seconds until ``condition()`` holds, checking every few milliseconds (then lets
    the screen settle, which is not counted)."""
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > timeout:
            raise TimeoutError("the screen did not get there")
        await asyncio.sleep(0.002)
    took = time.perf_counter() - started
    await pilot.pause()
    return took


def shown_rows(app) -> bool:
    """The screen in front has a table with rows in it."""
    from screens.widgets.paged_table import PagedTable

    tables = list(app.screen.query(PagedTable))
    return bool(tables and tables[0].rows_loaded)


async def headless(path: Path) -> list[tuple[str, float, str]]:
    from screens.app import SuperviserApp
    from screens.dashboard import LightCard
    from screens.objective import ObjectiveScreen
    from screens.widgets.paged_table import PagedTable
    from superviser import i18n, store
    from superviser.services import Session

    i18n.setup("en")
    rows = []
    started = time.perf_counter()
    app = SuperviserApp(Session(store.connect(path), os.environ["SUPERVISER_USER"]))
    async with app.run_test(size=(120, 40)) as pilot:
        def dashboard_ready():
            screen = app.screen
            return (all(card.count for card in screen.query(LightCard))
                    and all(t.rows_loaded for t in screen.query(PagedTable) if t.id in ("overdue", "units")))
        await until(pilot, dashboard_ready)
        rows.append(("dashboard ready (app start to data, headless)", time.perf_counter() - started, "< 1"))
        await asyncio.sleep(1)  # a glance at the dashboard before the first key

        await press(app, "2")
        rows.append(("drill: decisions list", await until(
            pilot, lambda: app.current_mode == "decisions" and shown_rows(app)), "< 0.15"))
        await press(app, "enter")
        rows.append(("drill: a decision's objectives", await until(
            pilot, lambda: type(app.screen).__name__ == "DecisionScreen" and app.screen.table.rows_loaded), "< 0.15"))
        await press(app, "enter")
        rows.append(("drill: an objective in full",
                     await until(pilot, lambda: isinstance(app.screen, ObjectiveScreen) and app.screen.item), "< 0.15"))
        screen = app.screen
        before = screen.item["version"]
        await pilot.press("n")
        await until(pilot, lambda: app.screen.__class__.__name__ == "FormScreen")
        app.screen.query_one("#field-text").text = "benchmark note"
        await asyncio.sleep(0.3)
        started = time.perf_counter()
        await press(app, "ctrl+s", pause=0)
        await until(pilot, lambda: screen.item and screen.item["version"] > before)
        rows.append(("step: note saved and shown", time.perf_counter() - started, "< 0.15"))

        for section, mode, label in (("3", "units", "units with scorecards"), ("4", "deadlines", "deadlines"),
                                     ("5", "log", "log")):
            await press(app, section)
            rows.append((f"section: {label}", await until(
                pilot, lambda: app.current_mode == mode and shown_rows(app)), "< 0.15"))

        app.switch_mode("dashboard")
        await pilot.pause()
        await pilot.press("slash")
        await until(pilot, lambda: hasattr(app.screen, "table") and app.screen.table.rows_loaded)
        table = app.screen.table
        times = []
        await press(app, "b")  # one letter is too broad to filter by: the list waits for the next
        for key in "oil":
            shown = table.rows_loaded
            await asyncio.sleep(0.2)
            started = time.perf_counter()
            await press(app, key, pause=0)
            await until(pilot, lambda: table.rows_loaded is not shown)  # the new rows are in the table
            times.append(time.perf_counter() - started)
            await asyncio.sleep(0.2)
        rows.append(("filter keystroke (incl. 50 ms typing pause), median", statistics.median(times), "< 0.15"))
        rows.append(("filter keystroke, slowest", max(times), "< 0.15"))

        app.start_review()
        rows.append(("daily review queue ready",
                     await until(pilot, lambda: getattr(app.screen, "item", None) is not None, timeout=30), "< 1"))
    return rows


class Terminal:
    """The app in a real terminal (tmux): keys in, the screen read back."""

    def __init__(self, path: Path, name: str):
        self.tmux = ["tmux", "-L", name]  # a server of its own: no race with the last one shutting down
        self.name = name
        self.path = path

    def start(self) -> float:
        command = f"SUPERVISER_USER=bench TERM=xterm-256color {sys.executable} -m superviser --db {self.path}"
        started = time.perf_counter()
        subprocess.run([*self.tmux, "new-session", "-d", "-s", self.name, "-x", "120", "-y", "40",
                        f"cd {ROOT} && {command}"], check=True)
        return self.wait(lambda s: "Overdue ·" in s and "Units ·" in s and "● 0 " not in s and "● " in s, started)

    def screen(self) -> str:
        return subprocess.run([*self.tmux, "capture-pane", "-p", "-t", self.name], capture_output=True, text=True).stdout

    def wait(self, condition, started: float, timeout: float = 20) -> float:
        while True:
            if condition(self.screen()):
                return time.perf_counter() - started
            if time.perf_counter() - started > timeout:
                raise TimeoutError(self.screen())
            time.sleep(0.005)

    def key(self, *keys: str, literal: bool = False) -> float:
        time.sleep(0.3)  # nobody presses the next key within milliseconds of seeing the screen
        started = time.perf_counter()
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, *(["-l"] if literal else []), *keys], check=True)
        return started

    def stop(self) -> None:
        subprocess.run([*self.tmux, "kill-server"])


def terminal(path: Path, runs: int = 3) -> list[tuple[str, float, str]]:
    if not shutil.which("tmux"):
        return []
    starts, drills = [], {"decisions": [], "decision": [], "objective": [], "step": []}
    for run in range(runs):
        term = Terminal(path, f"bench-{os.getpid()}-{run}")
        try:
            starts.append(term.start())
            time.sleep(1)
            drills["decisions"].append(term.wait(lambda s: "\n Decisions" in s and "2026-024 " in s, term.key("2")))
            drills["decision"].append(term.wait(lambda s: "Director Zhao" in s and "2026-024.1" in s, term.key("Enter")))
            drills["objective"].append(term.wait(lambda s: "Supervision log" in s, term.key("Enter")))
            term.key("n")
            term.wait(lambda s: "ctrl+s save" in s, time.perf_counter())
            marker = f"bench {run} {os.getpid()}"
            term.key(marker, literal=True)
            term.wait(lambda s: marker in s, time.perf_counter())
            drills["step"].append(term.wait(lambda s: marker in s and "ctrl+s save" not in s, term.key("C-s")))
        finally:
            term.stop()
    med = statistics.median
    return [
        ("real terminal: dashboard with its numbers (median of 3)", med(starts), "< 1"),
        ("real terminal: 2 → decisions list", med(drills["decisions"]), "< 0.15"),
        ("real terminal: Enter → a decision's objectives", med(drills["decision"]), "< 0.15"),
        ("real terminal: Enter → an objective in full", med(drills["objective"]), "< 0.15"),
        ("real terminal: note saved, on screen", med(drills["step"]), "< 0.15"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="superviser-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path, _ = big_database(folder, args.size, {"SUPERVISER_USER": "bench"})
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "superviser", "--db", str(path), "objective", "list", "--limit", "1"],
                   cwd=ROOT, capture_output=True)  # compile bytecode once, as an install would
    rows = terminal(path) + asyncio.run(headless(path))
    print_table(f"superviser app, {args.size:,} objectives ({path})", rows)


if __name__ == "__main__":
    main()
