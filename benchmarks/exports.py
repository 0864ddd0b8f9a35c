"""Issue 5's figures: exports of 10,000 objectives and 100,000 log steps.

    python benchmarks/exports.py [--dir DIR]
"""

from __future__ import annotations

import argparse

import tempfile

from pathlib import Path

from _common import big_database, print_table, superviser

FORMATS = [("xlsx", "< 5"), ("docx", "< 5"), ("md", "< 2"), ("html", "< 2"), ("csv", "< 2")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="superviser-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = {"SUPERVISER_USER": "bench"}
    # 10,000 objectives with about ten log entries each: 100,000 steps, all in the period.
    path, _ = big_database(folder, 10_000, env)
    db = str(path)
    rows = []
    for fmt, target in FORMATS:
        out = folder / f"export.{fmt}"
        if out.exists():
            out.unlink()
        took = superviser("--db", db, "export", "--format", fmt, "-o", str(out), env=env)
        size = out.stat().st_size / 1_000_000
        rows.append((f"export --format {fmt} ({size:.1f} MB)", took, target))
    import sqlite3

    conn = sqlite3.connect(db)
    objectives = conn.execute("SELECT count(*) FROM objectives").fetchone()[0]
    steps = conn.execute("SELECT count(*) FROM log").fetchone()[0]
    print_table(f"superviser exports, {objectives:,} objectives, {steps:,} log steps (whole processes)", rows)



if __name__ == "__main__":
    main()
