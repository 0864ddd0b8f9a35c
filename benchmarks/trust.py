"""Issue 9's figures: signed checkpoints and the SSH forced command on a big log.

    python benchmarks/trust.py [--size 100000] [--dir DIR] [--runs 3]

It works on a copy of the office of that size (see README.md, "The offices").

`checkpoint verify` with the database recomputes the hash chain from the first entry to
the checkpoint's size, so it grows with the log like `audit`'s chain walk; the proof a
witness checks grows with the entries between two checkpoints (here: about 1,000).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import synthetic
from _common import ENV, Table, office, run, superviser


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="superviser-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = {**ENV, "XDG_DATA_HOME": str(folder / "data")}  # the signing key lives there

    db = folder / "office.db"
    shutil.copy(office(args.size), db)
    old, new, proof = folder / "old.txt", folder / "new.txt", folder / "proof.json"
    for made in (old, new, proof):
        made.unlink(missing_ok=True)
    sign, _peak = run(superviser(db, "checkpoint", "-o", str(old)), env=env)
    synthetic.add(db, 100)  # about 1,000 entries between the two
    run(superviser(db, "checkpoint", "-o", str(new)), env=env)
    run(superviser(db, "checkpoint", "proof", str(old), str(new), "-o", str(proof)), env=env)
    key = folder / "office.vkey"
    key.write_text(subprocess.run([sys.executable, "-m", "superviser", "--db", str(db), "checkpoint", "key"], text=True,
                                  capture_output=True, env={**os.environ, **env}, check=True).stdout)
    ssh = {**env, "SSH_ORIGINAL_COMMAND": "objective list --limit 50 --json"}
    times = lambda command, environment=env: [run(command, env=environment)[0] for _ in range(args.runs)]  # noqa: E731
    table = Table(f"Trust, on a copy of the {args.size:,}-objective office")
    where = f"{args.size:,} objectives"
    table.add("checkpoint (sign, keep, log)", where, [sign], None, "< 1")
    table.add("checkpoint verify FILE, with the database (whole chain)", where,
              times(superviser(db, "checkpoint", "verify", str(new))), None, "< 15")
    table.add("checkpoint proof OLD NEW (~1,000 entries)", where,
              times(superviser(db, "checkpoint", "proof", str(old), str(new))), None, "< 2")
    table.add("checkpoint verify NEW --since OLD --proof (witness, offline)", where,
              times(superviser(folder / "none.db", "checkpoint", "verify", str(new), "--since", str(old), "--proof",
                               str(proof), "--key", str(key))), None, "< 1")
    table.add("objective list --limit 50 --json, direct", where,
              times(superviser(db, "objective", "list", "--limit", "50", "--json")), None, "< 0.3")
    table.add("the same through shell --as (SSH_ORIGINAL_COMMAND)", where,
              times(superviser(db, "shell", "--as", "bench"), ssh), None, "< 0.3")
    table.print("none")


if __name__ == "__main__":
    main()
