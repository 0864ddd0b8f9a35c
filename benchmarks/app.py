"""Issue 13's app figures, in a real terminal (tmux, 120x40), against a bare Textual app
(benchmarks/bare_app.py: Header, a 50-row DataTable, Footer), interleaved:

- the first stable frame: from the command to the moment the screen last changed before it
  stayed still (half a second);
- a section switch (2: the decisions), a drill-down (Enter: a decision's objectives), a filter
  keystroke (/ then letters) and a saved step (n, text, ctrl+s), each from the key to the
  screen's last change; against the bare app pushing a screen with a 50-row DataTable.

    python benchmarks/app.py [--sizes 10k,100k,1M] [--runs 5]

The screen is read every 10 ms with `tmux capture-pane`, for ours and the reference alike.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from _common import ENV, PYTHON, ROOT, Table, arguments, interleaved, label, office, warm

STILL = 0.5  # seconds without a change: the screen has settled
POLL = 0.01


class Terminal:
    """A command in a tmux server of its own: keys in, the screen read back."""

    def __init__(self, command: str):
        self.tmux = ["tmux", "-L", f"bench-{os.getpid()}-{time.monotonic_ns()}"]
        self.command = command

    def _tmux(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        # The server started by the first command passes its environment to what it runs:
        # ENV's, without the caller's PYTHONDONTWRITEBYTECODE (which would leave the app's
        # modules compiled again in every run).
        return subprocess.run([*self.tmux, *args], env=ENV, **kwargs)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *_exc) -> None:
        self._tmux("kill-server", capture_output=True)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "main", capture_output=True, text=True).stdout

    def settled(self, started: float, before: str, timeout: float = 60) -> float:
        """Seconds from ``started`` to the screen's last change, once it differs from ``before``
        (and shows something) and then stays still."""
        shown, changed = before, None
        while True:
            now = self.screen()
            moment = time.perf_counter()
            if now != shown and now.strip():
                shown, changed = now, moment
            elif changed is not None and moment - changed >= STILL:
                return changed - started
            if moment - started > timeout:
                raise TimeoutError(f"the screen did not settle:\n{shown}")
            time.sleep(POLL)

    def start(self) -> float:
        started = time.perf_counter()
        self._tmux("new-session", "-d", "-s", "main", "-x", "120", "-y", "40",
                   f"cd {ROOT} && SUPERVISER_USER=bench SUPERVISER_LANG=en TERM=xterm-256color {self.command}",
                   check=True)
        return self.settled(started, "")

    def press(self, *keys: str, literal: bool = False) -> None:
        self._tmux("send-keys", "-t", "main", *(["-l"] if literal else []), *keys, check=True)

    def key(self, *keys: str, literal: bool = False) -> float:
        """Seconds from the key to the screen's last change."""
        time.sleep(0.3)  # nobody presses the next key within milliseconds of seeing the screen
        before = self.screen()
        started = time.perf_counter()
        self.press(*keys, literal=literal)
        return self.settled(started, before)


def ours(db: Path) -> dict[str, float]:
    with Terminal(f"{PYTHON} -m superviser --db {db}") as term:
        took = {"first frame": term.start()}
        took["section switch (2: decisions)"] = term.key("2")
        took["drill-down (Enter: a decision)"] = term.key("Enter")
        term.key("Enter")  # an objective
        term.key("n")  # the note form
        term.key("benchmark note", literal=True)
        took["saved step (ctrl+s: a note)"] = term.key("C-s")
        term.key("1")
        term.key("/", literal=True)
        term.press("b")  # one letter is too broad to filter by: nothing may change
        time.sleep(1)
        took["filter keystroke"] = term.key("o")
    return took


def reference() -> dict[str, float]:
    with Terminal(f"{PYTHON} {ROOT / 'benchmarks' / 'bare_app.py'}") as term:
        return {"first frame": term.start(), "push a screen": term.key("p")}


def main() -> None:
    if not shutil.which("tmux"):
        raise SystemExit("tmux is needed: apt-get install tmux")
    args = arguments(__doc__)
    table = Table("The app in a real terminal (tmux, 120x40)")
    for size in args.sizes:
        db = office(size, args.seed)
        warm(db)
        mine, theirs = interleaved(args.runs, lambda: ours(db), reference)
        where = f"{label(size)} objectives"
        table.add("first stable frame", where, [m["first frame"] for m in mine], [t["first frame"] for t in theirs],
                  "≤ 1.3× at 100k, ≤ 1.5× at 1M")
        for figure in [f for f in mine[0] if f != "first frame"]:
            table.add(figure, where, [m[figure] for m in mine], [t["push a screen"] for t in theirs], "≤ 1.5×")
    table.print("bare Textual app (first frame; push a screen with a 50-row DataTable)")


if __name__ == "__main__":
    main()
