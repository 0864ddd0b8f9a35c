"""Helpers shared by the benchmark scripts."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def superviser(*args: str, env: dict | None = None) -> float:
    """Run ``superviser`` as a whole process; seconds taken. Fails loudly on error."""
    full_env = dict(os.environ, **(env or {}))
    full_env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode compiled
    started = time.perf_counter()
    ran = subprocess.run([sys.executable, "-m", "superviser", *args], capture_output=True, text=True, env=full_env, cwd=ROOT)
    took = time.perf_counter() - started
    if ran.returncode != 0:
        raise SystemExit(f"superviser {' '.join(args)} failed:\n{ran.stderr}")
    return took


def median_of(runs: int, fn) -> float:
    return statistics.median(fn() for _ in range(runs))


def print_table(title: str, rows: list[tuple[str, float, str]]) -> None:
    """rows: (what, seconds, target)."""
    width = max(len(r[0]) for r in rows)
    print(f"\n{title}\n")
    print(f"| {'measure'.ljust(width)} | seconds | target |")
    print(f"|{'-' * (width + 2)}|---------|--------|")
    for what, seconds, target in rows:
        print(f"| {what.ljust(width)} | {seconds:7.3f} | {target} |")
    print()


def big_database(folder: Path, size: int, env: dict | None = None) -> tuple[Path, float]:
    """A demo office plus ``size`` synthetic objectives; reused if already built."""
    path = folder / f"bench-{size}.db"
    if path.exists():
        return path, float("nan")
    superviser("--db", str(path), "demo", env=env)
    took = superviser("--db", str(path), "demo", "--size", str(size), env=env)
    return path, took
