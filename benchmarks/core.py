"""Issue 2's figures: the CLI and the log on a database of 100,000 objectives.

    python benchmarks/core.py [--size 100000] [--dir DIR] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
from pathlib import Path

from _common import big_database, median_of, print_table, superviser


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="superviser-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = {"SUPERVISER_USER": "bench"}  # the demo makes whoever builds it a director

    path, demo_seconds = big_database(folder, args.size, env)
    db = str(path)
    conn = sqlite3.connect(db)
    entries = conn.execute("SELECT count(*) FROM log").fetchone()[0]
    ref = conn.execute("SELECT ref FROM objectives WHERE status = 'in_progress' ORDER BY id DESC LIMIT 1").fetchone()[0]
    conn.close()

    rows = [
        (f"demo --size {args.size}", demo_seconds, "< 60"),
        ("objective list --limit 50 --json", median_of(args.runs, lambda: superviser("--db", db, "objective", "list", "--limit", "50", "--json")), "< 0.3"),
        ("objective list --light red --limit 50 --json", median_of(args.runs, lambda: superviser("--db", db, "objective", "list", "--light", "red", "--limit", "50", "--json")), "< 0.3"),
        ("objective list --search … --json", median_of(args.runs, lambda: superviser("--db", db, "objective", "list", "--search", "boiler", "--limit", "50", "--json")), "< 0.3"),
        ("one step (note)", median_of(args.runs, lambda: superviser("--db", db, "note", ref, "benchmark note", env=env)), "< 0.3"),
        ("one step (urge)", median_of(args.runs, lambda: superviser("--db", db, "urge", ref, env=env)), "< 0.3"),
        (f"audit ({entries:,} log entries)", superviser("--db", db, "audit"), "< 15"),
    ]
    print_table(f"superviser core, {args.size:,} objectives ({path})", rows)


if __name__ == "__main__":
    main()
