"""Long work's progress on the terminal: a rich bar on standard error.

Drawn only for a person watching (standard error is a terminal, and the output is not
``--json``), only once the work has lasted ``DELAY`` (short work shows nothing), and gone
when the work ends, so what the command prints afterwards stands alone. The core reports
through a plain ``progress(done, total)`` (superviser/progress.py); rich is loaded only when
a bar is drawn.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from superviser.progress import Progress

if TYPE_CHECKING:
    import rich.progress

DELAY = 0.5  # seconds of work before a bar appears
REDRAW = 0.1  # seconds between two drawings of the bar


@contextlib.contextmanager
def shown(description: str, *, quiet: bool = False) -> Iterator[Progress | None]:
    """The callback to hand the core while the block runs, or None when nobody would see it."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    bar = _Bar(description)
    try:
        yield bar
    finally:
        bar.close()


class _Bar:
    def __init__(self, description: str):
        self.description = description
        self.started = time.monotonic()
        self.drawn: tuple[rich.progress.Progress, rich.progress.TaskID] | None = None
        self.redrawn = 0.0

    def __call__(self, done: int, total: int) -> None:
        if self.drawn is None:
            if done >= total or time.monotonic() - self.started < DELAY:
                return
            self.drawn = self._draw(total)
        bar, task = self.drawn
        now = time.monotonic()
        redraw = now - self.redrawn >= REDRAW
        bar.update(task, completed=done, total=total, refresh=redraw)
        if redraw:
            self.redrawn = now

    def _draw(self, total: int) -> tuple[rich.progress.Progress, rich.progress.TaskID]:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            SpinnerColumn,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )

        bar = Progress(SpinnerColumn(), TextColumn("{task.description}", markup=False), BarColumn(),
                       TaskProgressColumn(), TimeRemainingColumn(), console=Console(stderr=True), transient=True,
                       auto_refresh=False)  # drawn as the work reports: no thread, so the work may fork (superviser/elsewhere.py)
        bar.start()
        return bar, bar.add_task(self.description, total=total)

    def close(self) -> None:
        if self.drawn is not None:
            self.drawn[0].stop()
