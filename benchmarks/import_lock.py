"""Issue 8's figures: importing a ledger of 5,000 to 100,000 rows while colleagues work.

For each size, a ledger (xlsx, as offices keep them: decisions of about twenty objectives,
some split into sub-objectives, co-units, statuses, progress, the latest report) is imported
into a fresh demo office by a whole ``superviser import`` process while, in this process,
a colleague writes a note on an objective through superviser's own services every 20 ms
(``--every``; the log's head moves while the import is worked out, as in an office), and a probe
asks for the write lock every 20 ms (every millisecond while it is held). The table gives the import's seconds (and
per 1,000 rows: flat if the time is linear in rows), the longest the probe waited for the
lock (about the longest the import held it), the colleague's longest note, notes refused
as "busy", and the import's peak memory.

    python import_lock.py [--sizes 5k,10k,20k,100k] [--format xlsx|csv] [--every 0.02]     (from benchmarks/)
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

from _common import ENV, OUT, ROOT, label, run, superviser

from superviser import store
from superviser.errors import Busy
from superviser.services import steps
from superviser.services.base import Session

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


class Probe(threading.Thread):
    """Asks for the write lock every 20 ms, and while it is held, every millisecond (SQLite's own
    wait sleeps up to 100 ms between tries): how long it waited is how long the import held it."""

    def __init__(self, db: Path):
        super().__init__(daemon=True)
        self.db, self.longest, self.failed, self.stop = db, 0.0, 0, threading.Event()

    def run(self) -> None:
        conn = sqlite3.connect(self.db, isolation_level=None, timeout=0)
        while not self.stop.is_set():
            started = time.perf_counter()
            while True:
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    conn.execute("ROLLBACK")
                    break
                except sqlite3.OperationalError:
                    if time.perf_counter() - started > 30:
                        self.failed += 1  # what the issue saw: "the database is busy" after 30 s
                        break
                    time.sleep(0.001)
            self.longest = max(self.longest, time.perf_counter() - started)
            time.sleep(0.02)
        conn.close()


class Colleague(threading.Thread):
    """A colleague's notes, one every ``every`` seconds, through superviser's services."""

    def __init__(self, db: Path, every: float):
        super().__init__(daemon=True)
        self.db, self.every, self.longest, self.notes, self.failed = db, every, 0.0, 0, 0
        self.stop = threading.Event()

    def run(self) -> None:
        db = store.connect(self.db)
        ref = db.conn.execute("SELECT ref FROM objectives WHERE status = 'in_progress' ORDER BY id LIMIT 1").fetchone()[0]
        session = Session(db, ENV["SUPERVISER_USER"])
        while not self.stop.is_set():
            started = time.perf_counter()
            try:
                steps.note(session, ref, text=f"note {self.notes} while the ledger is imported")
                self.notes += 1
            except Busy:
                self.failed += 1
            self.longest = max(self.longest, time.perf_counter() - started)
            time.sleep(self.every)
        db.conn.close()


def run_import(db: Path, ledger: Path) -> tuple[float, float, int, str]:
    """Seconds, peak memory (MB), exit code, what it said."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "superviser", "--db", str(db), "import", str(ledger),
                                "--create-units"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV, cwd=ROOT)
    _pid, status, usage = os.wait4(process.pid, 0)  # wait4: the peak memory of this process alone
    took = time.perf_counter() - started
    said = process.stderr.read().decode(errors="replace")[-400:]
    return took, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), said


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="5k,10k,20k,100k")
    parser.add_argument("--format", default="xlsx", choices=["xlsx", "csv"])
    parser.add_argument("--every", type=float, default=0.02, help="seconds between the colleague's notes (default 0.02)")
    args = parser.parse_args()
    sizes = [int(float(s.rstrip("kK")) * (1000 if s[-1:] in "kK" else 1)) for s in args.sizes.split(",")]
    OUT.mkdir(exist_ok=True)
    print(f"\nsuperviser import, {args.format} ledgers into a fresh demo office (whole processes); a colleague "
          f"writes a note every {args.every * 1000:.0f} ms and a probe asks for the write lock every 20 ms meanwhile\n")
    print("| rows | file MB | seconds | s per 1,000 rows | lock held (probe's longest wait, s) | colleague's longest note (s) "
          "| notes | busy failures | peak MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        ledger = OUT / f"lock-ledger-{label(size)}.{args.format}"
        if not ledger.exists():
            write_ledger(ledger, size, args.format)
        with tempfile.TemporaryDirectory(prefix="superviser-import-lock-") as folder:
            db = Path(folder) / "office.db"
            run(superviser(db, "demo"))
            probe, colleague = Probe(db), Colleague(db, args.every)
            probe.start()
            colleague.start()
            took, peak, code, said = run_import(db, ledger)
            for thread in (probe, colleague):
                thread.stop.set()
                thread.join()
        if code != 0:
            raise SystemExit(f"import of {size} rows failed ({code}):\n{said}")
        print(f"| {size:,} | {ledger.stat().st_size / 1e6:.1f} | {took:.2f} | {took / size * 1000:.3f} | "
              f"{probe.longest:.2f} | {colleague.longest:.2f} | {colleague.notes} | {probe.failed + colleague.failed} | "
              f"{peak:.0f} |", flush=True)
    print("\ntargets: 20,000 rows in < 5 s, the lock held < 1 s, seconds per 1,000 rows flat\n")


if __name__ == "__main__":
    main()
