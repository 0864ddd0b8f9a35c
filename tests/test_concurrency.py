"""Many writers at once, in real processes, on shared objectives."""

import json
import os
import subprocess
import sys

import pytest

from superviser import journal, store
from tests.conftest import NOW, ROOT

pytestmark = pytest.mark.slow


def test_sixteen_processes_fifty_steps_each(office, tmp_path):
    for i in range(4):
        office.objective(title=f"Shared {i}", status="accepted", deadline="2026-12-31")
    db = store.connect(office.path)
    before = journal.head(db)[0]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    workers = []
    for n in range(16):
        login = "boss" if n % 2 == 0 else "li"
        out = tmp_path / f"worker{n}.json"
        workers.append((subprocess.Popen(
            [sys.executable, "-m", "tests.frozen", NOW, "--module", "tests.concurrent_worker", "--",
             str(office.path), login, "50", str(n), str(out)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True), out))
    results = []
    for process, out in workers:
        stdout, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr
        assert "locked" not in stderr + stdout
        results += json.loads(out.read_text())

    assert len(results) == 16 * 50
    outcomes = {r["outcome"] for r in results}
    assert outcomes <= {"logged", "conflict"}, [r for r in results if r["outcome"] not in ("logged", "conflict")][:3]
    logged = [r for r in results if r["outcome"] == "logged"]
    conflicts = [r for r in results if r["outcome"] == "conflict"]
    assert logged and conflicts, "the test should provoke both"
    assert all("changed since you looked at it" in r["message"] and "locked" not in r["message"] for r in conflicts)

    # Every step that said it was logged is in the log, and nothing else was written.
    seqs = sorted(r["seq"] for r in logged)
    assert len(set(seqs)) == len(seqs)
    assert journal.head(db)[0] == before + len(logged)
    rows = dict(db.conn.execute("SELECT seq, action FROM log WHERE seq > ?", (before,)).fetchall())
    assert all(rows[r["seq"]] == r["action"] for r in logged)
    assert journal.audit(db).ok
