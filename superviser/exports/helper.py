"""The export's second process: the assessment (a walk through the whole log) and the log's
steps in words, read while this process reads the ledger and writes the file (measured on
10,000 objectives and 103,000 steps: 1.1 s and 1.5 s of a 7.9 s xlsx export; when the steps
are the whole log, one reading of it serves both, 0.5 s less).

It reads the same state as the export: the export reads the log's head in its own snapshot
(superviser/store.py) and starts the helper with it; the helper opens a snapshot of its own
and goes on only if it has the same head (every write is logged in its transaction, so the
same head is the same database). Otherwise, or if it fails, the export does the work itself.

    python -m superviser.exports.helper TASK_JSON     (pickles on its standard output)
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from superviser import i18n, journal, store
from superviser.store import Database

if TYPE_CHECKING:
    from superviser.assessment.scorer import Scores
    from superviser.exports.report import Scope, Steps

# Log entries from which a second process is worth its start (about 0.2 s of the other core)
PARALLEL_FROM = 20_000
# The share of the steps, the newest, that the export puts into words itself, first, while this
# process makes the others and walks the whole log for the assessment: so that both are done at
# about the same time (measured at 10,000 objectives and 103,000 entries: with none, the export
# waited 0.5–1 s, with a quarter 0.2–0.45 s, with 35 % 0.05 s; the walk takes the entries it
# decoded for its steps, the others as stored).
EXPORTS_OWN = 0.35


class Helper:
    """The process, and what it has sent: first pages of steps (if asked), then the scores,
    then the end."""

    def __init__(self, process: subprocess.Popen, *, with_steps: bool):
        self.process = process
        self.failed = False
        self.finished = not with_steps  # every step it was given received
        self.ended = False  # every message received
        self._scores: Scores | None = None
        self._early: list[list[tuple]] = []  # pages received while looking for the scores

    def _take(self) -> tuple | None:
        """The next message, or None once the process has failed (then it is ended)."""
        if self.failed:
            return None
        try:
            message = pickle.load(self.process.stdout)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - it died or wrote nothing: the export does the rest itself
            message = None
        if message is None or message[0] not in ("steps", "scores", "end"):  # "stale", "failed"
            self.failed = True
            self.close()
            return None
        if message[0] != "steps":
            self.finished = True  # the steps come first
        if message[0] == "scores":
            self._scores = message[1]
        elif message[0] == "end":
            self.ended = True  # it is exiting: reaped by close
        return message

    def scores(self) -> Scores | None:
        """The assessment, or None: then the export computes it itself."""
        while not self.ended and (message := self._take()) is not None:  # the scores come last
            if message[0] == "steps":
                self._early.append(message[1])
        return self._scores

    def pages(self) -> Iterator[list[tuple]]:
        """Pages of steps, oldest first, until the last one (then ``finished``) or a failure."""
        while self._early:
            yield self._early.pop(0)
        while not self.finished and (message := self._take()) is not None:
            if message[0] == "steps":
                yield message[1]

    def close(self) -> None:
        """Reap the process; one that has not sent everything is stopped (the export failed)."""
        if not self.ended and self.process.poll() is None:
            self.process.kill()
        with contextlib.suppress(OSError):
            self.process.stdout.close()  # type: ignore[union-attr]
        self.process.wait()


def start(db: Database, head: tuple[int, str], scope: Scope, today: date, *, steps: Steps | None) -> Helper | None:
    """The helper for an export of ``scope`` whose snapshot has ``head``, and of some of its
    ``steps`` (given to it with ``Steps.helped_by``); None when a process is not worth it (a
    short log, one core) or cannot be started."""
    path = store.path_of(db)
    if head[0] < PARALLEL_FROM or not path or _cores() < 2:
        return None
    handed_to = None if steps is None else head[0] - int(head[0] * EXPORTS_OWN) if steps.whole_log else head[0]
    task = {"db": path, "head": list(head), "lang": i18n.current(), "today": today.isoformat(),
            "steps": handed_to,
            "scope": {key: value.isoformat() if isinstance(value, date) else value for key, value in vars(scope).items()}}
    package_root = str(Path(__file__).resolve().parent.parent.parent)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])))
    try:
        process = subprocess.Popen([sys.executable, "-m", "superviser.exports.helper", json.dumps(task)],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    except OSError:
        return None
    helper = Helper(process, with_steps=steps is not None)
    if steps is not None and handed_to is not None:
        steps.helped_by(helper, handed_to)
    return helper


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _send_in_turn(out) -> tuple[queue.Queue, threading.Thread]:
    """Messages written by a thread of their own: the work goes on while the export, busy
    writing, leaves the pipe full."""
    waiting: queue.Queue = queue.Queue()

    def send() -> None:
        while (data := waiting.get()) is not None:
            out.write(data)
            out.flush()

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    return waiting, sender


def main(task: dict[str, Any]) -> None:
    from superviser.exports.report import Scope, scores_of, steps_of

    # Without the cyclic collector, as the export itself (run.py): it makes no cycles, and would
    # walk the decoded entries again and again (3 % of this process's instructions)
    gc.disable()
    i18n.setup(task["lang"])
    scope = Scope(**task["scope"])
    scope.since, scope.until = (date.fromisoformat(day) if day else None for day in (task["scope"]["since"],
                                                                                    task["scope"]["until"]))
    waiting, sender = _send_in_turn(sys.stdout.buffer)
    put = lambda message: waiting.put(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))  # noqa: E731
    try:
        db = store.connect(task["db"], migrate=False)
        with store.snapshot(db):
            head = journal.head(db)
            if list(head) != task["head"]:
                put(("stale",))
            else:
                today, until = date.fromisoformat(task["today"]), task["steps"]
                steps = steps_of(db, scope, head[0]) if until is not None else None
                if steps is not None and steps.whole_log:
                    # one reading of the log: each entry of its steps decoded once, for the step, then for the walk
                    scores = scores_of(db, scope, today, steps.entries(lambda page: put(("steps", page)), until))
                else:
                    for page in steps.pages(None, until) if steps is not None else ():
                        put(("steps", page))  # first: an xlsx export writes the steps before the scores
                    scores = scores_of(db, scope, today)
                put(("scores", scores))
                put(("end",))
    except Exception:  # noqa: BLE001 - the export does the work itself
        put(("failed",))
    waiting.put(None)
    sender.join()


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
