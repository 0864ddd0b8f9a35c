"""Issue 13's CLI figures: a read (`objective list --limit 50 --json`) and a step (`note`) as
whole processes, against the interpreter's floor `python -c "import sqlite3, json, click"`,
interleaved, at each size.

    python benchmarks/cli.py [--sizes 10k,100k,1M] [--runs 10]
"""

from __future__ import annotations

import sqlite3

from _common import PYTHON, Table, arguments, interleaved, label, office, run, superviser, warm

FLOOR = [PYTHON, "-c", "import sqlite3, json, click"]


def main() -> None:
    args = arguments(__doc__, runs=10)
    table = Table("The CLI: whole processes")
    for size in args.sizes:
        db = office(size, args.seed)
        warm(db)
        with sqlite3.connect(db) as conn:
            ref = conn.execute("SELECT ref FROM objectives WHERE status = 'in_progress' ORDER BY id DESC LIMIT 1").fetchone()[0]
        floor = lambda: run(FLOOR)[0]  # noqa: E731
        for figure, command in (("objective list --limit 50 --json", ["objective", "list", "--limit", "50", "--json"]),
                                ("one step: note", ["note", ref, "benchmark note"])):
            mine, theirs = interleaved(args.runs, lambda: run(superviser(db, *command))[0], floor)
            table.add(figure, f"{label(size)} objectives", mine, theirs, "≤ 2×")
    table.print('python -c "import sqlite3, json, click"')


if __name__ == "__main__":
    main()
