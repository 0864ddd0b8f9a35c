"""Issue 9's figures: signed checkpoints and the SSH forced command on a big log.

    python benchmarks/trust.py [--size 100000] [--dir DIR] [--runs 3]

`checkpoint verify` with the database recomputes the hash chain from the first entry to
the checkpoint's size, so it grows with the log like `audit`'s chain walk; the proof a
witness checks grows with the entries between two checkpoints (here: about 1,000).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import big_database, median_of, print_table, superviser


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="superviser-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = {"SUPERVISER_USER": "bench", "XDG_DATA_HOME": str(folder / "data")}  # the signing key lives there

    path, _seconds = big_database(folder, args.size, env)
    db = str(path)
    old, new, proof = folder / "old.txt", folder / "new.txt", folder / "proof.json"
    for made in (old, new, proof):
        made.unlink(missing_ok=True)
    sign = superviser("--db", db, "checkpoint", "-o", str(old), env=env)
    superviser("--db", db, "demo", "--size", "100", env=env)  # about 1,000 entries between the two
    superviser("--db", db, "checkpoint", "-o", str(new), env=env)
    superviser("--db", db, "checkpoint", "proof", str(old), str(new), "-o", str(proof), env=env)
    key = folder / "office.vkey"
    key.write_text(subprocess.run([sys.executable, "-m", "superviser", "--db", db, "checkpoint", "key"], text=True,
                                  capture_output=True, env={**os.environ, **env}, check=True).stdout)
    ssh = {**env, "SSH_ORIGINAL_COMMAND": "objective list --limit 50 --json"}
    rows = [
        ("checkpoint (sign, keep, log)", sign, "< 1"),
        ("checkpoint verify FILE, with the database (whole chain)",
         median_of(args.runs, lambda: superviser("--db", db, "checkpoint", "verify", str(new), env=env)), "< 15"),
        ("checkpoint proof OLD NEW (~1,000 entries)",
         median_of(args.runs, lambda: superviser("--db", db, "checkpoint", "proof", str(old), str(new), env=env)), "< 2"),
        ("checkpoint verify NEW --since OLD --proof (witness, offline)",
         median_of(args.runs, lambda: superviser("--db", str(folder / "none.db"), "checkpoint", "verify", str(new),
                                                 "--since", str(old), "--proof", str(proof), "--key", str(key),
                                                 env=env)), "< 1"),
        ("objective list --limit 50 --json, direct",
         median_of(args.runs, lambda: superviser("--db", db, "objective", "list", "--limit", "50", "--json", env=env)),
         "< 0.3"),
        ("the same through shell --as (SSH_ORIGINAL_COMMAND)",
         median_of(args.runs, lambda: superviser("--db", db, "shell", "--as", "bench", env=ssh)), "< 0.3"),
    ]
    print_table(f"Trust, on {db}", rows)


if __name__ == "__main__":
    main()
