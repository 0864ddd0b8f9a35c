"""Issue 8's figures: importing a ledger of 5,000 to 100,000 rows.

For each size, a ledger (xlsx, as offices keep them: decisions of about twenty objectives,
some split into sub-objectives, co-units, statuses, progress, the latest report) is imported
into a fresh demo office by a whole ``superviser import`` process, while a colleague's
process keeps writing (one small write every 20 ms): the table gives the import's seconds,
the longest the colleague had to wait for the write lock (so, about the longest the import
held it), and the import's peak memory.

    python benchmarks/imports.py [--dir DIR] [--sizes 5000,10000,20000,100000] [--format xlsx|csv]
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _common import ROOT, superviser

UNITS = ["Finance Department", "East Station", "West Station", "North Station", "Works Department",
         "Logistics Services", "General Office", "Safety Department"]
HEADINGS = ["编号", "决策事项名称", "督办事项", "牵头单位", "配合单位", "完成时限", "办理状态", "完成进度", "最新进展",
            "催办次数", "缓急", "具体内容"]
STATUSES = ["办理中", "已签收", "已交办", "已登记"]


def ledger_rows(size: int):
    """Rows of a realistic ledger: 20 objectives a decision, every fifth split in two."""
    made = 0
    decision = 0
    while made < size:
        decision += 1
        for num in range(1, 21):
            if made >= size:
                break
            ref = f"2025-{decision:04d}.{num}"
            deadline = datetime.date(2026, 12, 1) + datetime.timedelta(days=(made * 7) % 700)
            lead = UNITS[made % len(UNITS)]
            co = UNITS[(made + 3) % len(UNITS)]
            yield [ref, f"第{decision}次办公会议定事项", f"督办事项 {made}：修复站台雨棚并检查排水", lead, co, deadline,
                   STATUSES[made % 4], 0.4 if made % 4 == 0 else 0, "2026-11-01 40% 已完成一半" if made % 4 == 0 else "",
                   made % 3, "紧急" if made % 5 == 0 else "一般", "年底前完成，按月报送进展"]
            made += 1
            if num % 5 == 0 and made < size:
                yield [f"{ref}.1", f"第{decision}次办公会议定事项", f"分解事项 {made}", lead, "", deadline, "已登记", 0, "",
                       0, "一般", ""]
                made += 1


def write_ledger(path: Path, size: int, fmt: str) -> None:
    if fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(HEADINGS)
            for row in ledger_rows(size):
                row[5] = row[5].isoformat()
                row[7] = f"{round(row[7] * 100)}%"
                writer.writerow(row)
        return
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    day, percent = book.add_format({"num_format": "yyyy-mm-dd"}), book.add_format({"num_format": "0%"})
    sheet.write_row(0, 0, HEADINGS)
    for r, row in enumerate(ledger_rows(size), start=1):
        for c, value in enumerate(row):
            if isinstance(value, datetime.date):
                sheet.write_datetime(r, c, datetime.datetime.combine(value, datetime.time()), day)
            elif c == 7:
                sheet.write_number(r, c, value, percent)
            else:
                sheet.write(r, c, value)
    book.close()


class Colleague(threading.Thread):
    """Another person writing while the import runs: how long they had to wait for the lock."""

    def __init__(self, db: Path):
        super().__init__(daemon=True)
        self.db, self.longest, self.failed, self.stop = db, 0.0, 0, threading.Event()

    def run(self) -> None:
        conn = sqlite3.connect(self.db, isolation_level=None, timeout=30)
        while not self.stop.is_set():
            started = time.perf_counter()
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("ROLLBACK")
            except sqlite3.OperationalError:
                self.failed += 1  # "database is busy" after 30 s: what the issue saw
            self.longest = max(self.longest, time.perf_counter() - started)
            time.sleep(0.02)
        conn.close()


def run_import(db: Path, ledger: Path, env: dict) -> tuple[float, float, int, str]:
    """Seconds, peak memory (MB), exit code, what it said."""
    full_env = dict(os.environ, **env)
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "superviser", "--db", str(db), "import", str(ledger),
                                "--create-units"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=full_env, cwd=ROOT)
    out, err = process.communicate()
    took = time.perf_counter() - started
    peak = _peak_of_last_child()
    return took, peak, process.returncode, (err or out).decode()[-400:]


def _peak_of_last_child() -> float:
    import resource

    # The largest peak among the children waited for so far; sizes run in increasing order.
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--sizes", default="5000,10000,20000,100000")
    parser.add_argument("--format", default="xlsx", choices=["xlsx", "csv"])
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="superviser-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = {"SUPERVISER_USER": "bench"}
    print(f"\nsuperviser import, {args.format} ledgers into a fresh demo office (whole processes), "
          "a colleague writing every 20 ms meanwhile\n")
    print("| rows | file MB | seconds | s per 1,000 rows | colleague's longest wait (s) | busy failures | peak MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size in [int(s) for s in args.sizes.split(",")]:
        ledger = folder / f"ledger-{size}.{args.format}"
        if not ledger.exists():
            write_ledger(ledger, size, args.format)
        db = folder / f"import-{size}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        superviser("--db", str(db), "demo", env=env)
        colleague = Colleague(db)
        colleague.start()
        took, peak, code, said = run_import(db, ledger, env)
        colleague.stop.set()
        colleague.join()
        if code != 0:
            raise SystemExit(f"import of {size} rows failed ({code}):\n{said}")
        print(f"| {size:,} | {ledger.stat().st_size / 1e6:.1f} | {took:.2f} | {took / size * 1000:.3f} | "
              f"{colleague.longest:.2f} | {colleague.failed} | {peak:.0f} |")
    print("\ntargets: 20,000 rows in < 5 s, the lock held < 1 s, seconds per 1,000 rows flat\n")


if __name__ == "__main__":
    main()
