"""What the benchmark scripts share: the cached offices, timing whole processes against
their references (interleaved, repeated), and the table each script prints."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
PYTHON = sys.executable
ENV = dict(os.environ, SUPERVISER_USER="bench", SUPERVISER_LANG="en")
ENV.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode compiled
# What the cached offices are made from: when one of these changes, they are made again.
MADE_FROM = ["benchmarks/synthetic.py", "superviser/demo.py", "superviser/demo_content.py", "superviser/schema.py"]


def arguments(doc: str, sizes: str = "10k,100k,1M", runs: int = 5) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=sizes, help=f"objectives in the office, e.g. 10k,100k,1M (default {sizes})")
    parser.add_argument("--runs", type=int, default=runs, help=f"repetitions of each measure (default {runs})")
    parser.add_argument("--seed", type=int, default=7, help="of the synthetic office (default 7)")
    args = parser.parse_args()
    args.sizes = [_count(s) for s in args.sizes.split(",")]
    return args


def _count(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * scale)


def label(size: int) -> str:
    return f"{size // 1_000_000}M" if size >= 1_000_000 and size % 1_000_000 == 0 else (
        f"{size // 1000}k" if size % 1000 == 0 else str(size))


def run(command: list[str], *, env: dict | None = None, cwd: Path = ROOT) -> tuple[float, float]:
    """Run a whole process; (seconds, its peak resident memory in MB). Fails loudly on error."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors,
                                   env=env or ENV, cwd=cwd)
        _pid, status, usage = os.wait4(process.pid, 0)  # wait4: the peak memory of this process alone
        took = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            raise SystemExit(f"{' '.join(map(str, command))} failed:\n{errors.read().decode(errors='replace')}")
    return took, usage.ru_maxrss / 1024


def superviser(db: Path, *args: str) -> list[str]:
    return [PYTHON, "-m", "superviser", "--db", str(db), *args]


def made_from() -> str:
    """A fingerprint of the code that makes the offices."""
    return f"{zlib.crc32(b''.join((ROOT / name).read_bytes() for name in MADE_FROM)):08x}"


def office(size: int, seed: int = 7) -> Path:
    """The demo office plus ``size`` synthetic objectives, made once and kept in benchmarks/out/."""
    path = OUT / f"office-{label(size)}-seed{seed}-{made_from()}.db"
    if path.exists():
        return path
    OUT.mkdir(exist_ok=True)
    for stale in OUT.glob(f"office-{label(size)}-seed{seed}-*"):
        stale.unlink()
    building = path.with_suffix(".building")
    for leftover in OUT.glob(building.name + "*"):
        leftover.unlink()
    print(f"making {path.name} (the demo office and {size:,} synthetic objectives)…", file=sys.stderr, flush=True)
    started = time.perf_counter()
    run(superviser(building, "demo"))
    run([PYTHON, str(ROOT / "benchmarks" / "synthetic.py"), str(building), str(size), "--seed", str(seed)])
    building.rename(path)
    print(f"made in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return path


def warm(db: Path) -> None:
    """Compile bytecode and read the file into the page cache once, as on a server in use
    (where pip compiled every module as it installed the package)."""
    run([PYTHON, "-m", "compileall", "-q", str(ROOT / "superviser"), str(ROOT / "screens")])
    run(superviser(db, "objective", "list", "--limit", "1"))


def interleaved(runs: int, ours: Callable[[], float | tuple], reference: Callable[[], float | tuple]) -> tuple[list, list]:
    """Each measure ``runs`` times, alternating which goes first, so that a busy moment of
    the machine falls on both alike."""
    mine, theirs = [], []
    for n in range(runs):
        pair = (ours, reference) if n % 2 == 0 else (reference, ours)
        first, second = (f() for f in pair)
        a, b = (first, second) if n % 2 == 0 else (second, first)
        mine.append(a)
        theirs.append(b)
    return mine, theirs


def spread(values: list[float], unit: str = "s") -> str:
    """The median, and the range of the runs."""
    middle = statistics.median(values)
    fmt = (lambda v: f"{v:.0f}") if unit == "MB" else (lambda v: f"{v:.3f}" if v < 10 else f"{v:.1f}")
    return f"{fmt(middle)} {unit} ({fmt(min(values))}–{fmt(max(values))})" if len(values) > 1 else f"{fmt(middle)} {unit}"


class Table:
    """Rows of: figure, size, ours, the reference, the ratio of the medians, the target."""

    def __init__(self, title: str):
        self.title = title
        self.rows: list[list[str]] = []

    def add(self, figure: str, size: str, ours: list[float], reference: list[float] | None, target: str,
            unit: str = "s") -> None:
        ratio = f"{statistics.median(ours) / statistics.median(reference):.2f}×" if reference else "—"
        self.rows.append([figure, size, spread(ours, unit), spread(reference, unit) if reference else "—", ratio, target])

    def note(self, figure: str, size: str, text: str) -> None:
        self.rows.append([figure, size, text, "", "", ""])

    def print(self, reference: str) -> None:
        head = ["figure", "size", "ours: median (range)", f"reference: {reference}", "ratio", "target"]
        widths = [max(len(r[i]) for r in [head] + self.rows) for i in range(len(head))]
        line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
        print(f"\n{self.title}\n")
        print(line(head))
        print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        for row in self.rows:
            print(line(row))
        print(f"\n{time.strftime('%Y-%m-%d %H:%M')}, {machine()}; noisy if other work shares the machine\n", flush=True)


def machine() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            model = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        model = "unknown CPU"
    return f"{len(os.sched_getaffinity(0))} cores of {model}, Python {sys.version.split()[0]}"
