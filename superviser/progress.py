"""How far long work has got (demo data, import, export, audit, backup).

The core's long functions take an optional ``progress(done, total)`` and call it now and then
from the thread doing the work; None means nobody watches. The CLI draws it with rich
(superviser/cli/progress.py), the app with a ProgressBar (screens/progress.py). The core never
imports either.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int], None]


class Stopped(Exception):
    """Raised by a ``progress`` callback when whoever watches stops the work. The long
    functions report before they write anything that stays (a file, a transaction), so the
    work ends where it is and leaves nothing behind."""

WHOLE = 1000  # the parts' shares are reported together in thousandths
REPORT_EVERY = 256  # a loop over rows or entries reports once in so many


def shares(progress: Progress | None, *weights: float) -> list[Progress | None]:
    """Callbacks for the parts of one piece of work, run one after another or at the same time,
    each reporting its own ``(done, total)``; ``progress`` hears the whole, weighted by the
    parts' usual share of the time."""
    if progress is None:
        return [None] * len(weights)
    watched = progress
    fractions = [0.0] * len(weights)
    whole = sum(weights)

    def part(i: int) -> Progress:
        def report(done: int, total: int) -> None:
            fractions[i] = min(1.0, done / total) if total else 1.0
            watched(round(WHOLE * sum(w * f for w, f in zip(weights, fractions)) / whole), WHOLE)

        return report

    return [part(i) for i in range(len(weights))]
