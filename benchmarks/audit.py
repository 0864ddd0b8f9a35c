"""Issue 13's audit figures: checking the log's hash chain (``journal.audit``, the chain and
the guard triggers) as a whole process, against reading the same rows with sqlite3 alone;
and ``superviser audit`` as a whole when it also replays the log (once it has the replay).

    python benchmarks/audit.py [--sizes 10k,100k,1M] [--runs 3]

About ten log entries per objective: 100k objectives make a log of about a million entries.
"""

from __future__ import annotations

import sqlite3
import subprocess

from _common import ENV, PYTHON, ROOT, Table, arguments, interleaved, label, office, run, superviser, warm

CHAIN = "import sys; from superviser import journal, store; sys.exit(not journal.audit(store.connect(sys.argv[1])).ok)"
READ = ("import sqlite3, sys\nfor row in sqlite3.connect(sys.argv[1]).execute("
        "'SELECT seq, at, actor, action, objective_id, decision_id, detail, changes, prev_hash, hash FROM log "
        "ORDER BY seq'): pass")


def replays() -> bool:
    """Whether ``superviser audit`` replays the log (its help says so once it does)."""
    shown = subprocess.run([PYTHON, "-m", "superviser", "audit", "--help"], capture_output=True, text=True, env=ENV, cwd=ROOT)
    return "replay" in shown.stdout.lower()


def main() -> None:
    args = arguments(__doc__, runs=3)
    table = Table("Audit: whole processes")
    replay = replays()
    for size in args.sizes:
        db = office(size, args.seed)
        warm(db)
        with sqlite3.connect(db) as conn:
            entries = conn.execute("SELECT max(seq) FROM log").fetchone()[0]
        where = f"{label(size)} objectives, {entries:,} entries"
        mine, theirs = interleaved(args.runs, lambda: run([PYTHON, "-c", CHAIN, str(db)])[0],
                                   lambda: run([PYTHON, "-c", READ, str(db)])[0])
        table.add("hash chain (journal.audit)", where, mine, theirs, "< 4 s at 1M entries")
        if replay:
            table.add("superviser audit (chain and replay)", where, [run(superviser(db, "audit"))[0] for _ in range(args.runs)],
                      None, "< 15 s at 1M entries")
        else:
            table.note("replay", where, "not measured: `superviser audit` does not replay the log yet")
    table.print("reading the rows with sqlite3 alone")


if __name__ == "__main__":
    main()
