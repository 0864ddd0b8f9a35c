"""Long work reports its progress through a plain callback, and the CLI draws it on a
terminal only: never on --json, never when standard error is not a terminal."""

import os
import pty
import subprocess
import sys

import pytest

from superviser import audit, demo, maintenance, progress
from superviser.exports.report import Scope
from superviser.exports.run import export
from superviser.importer import import_ledger
from superviser.services import org
from tests.conftest import ROOT


class Heard(list):
    def __call__(self, done, total):
        self.append((done, total))

    def check_whole(self):
        """Heard several times, never going back, ending with all of it done."""
        assert len(self) >= 2, self
        assert all(0 <= done <= total for done, total in self), self
        assert [done / total for done, total in self] == sorted(done / total for done, total in self), self
        assert self[-1][0] == self[-1][1], self


def test_shares_weigh_the_parts_whether_they_run_in_turn_or_together():
    heard = Heard()
    first, second = progress.shares(heard, 1, 3)
    second(1, 2)
    first(1, 1)
    second(2, 2)
    assert heard == [(375, 1000), (625, 1000), (1000, 1000)]
    assert progress.shares(None, 1, 2) == [None, None]


def test_the_demo_office(tmp_path):
    heard = Heard()
    demo.build_office(tmp_path / "demo.db", "boss", heard)
    heard.check_whole()
    assert len(heard) > 100  # a step at a time


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "md"])
def test_exports(office, tmp_path, fmt):
    for title in ("Repair the canopy", "Check the boilers"):
        office.objective(title=title, status="in_progress")
    heard = Heard()
    export(office.director, fmt, Scope(), tmp_path / f"out.{fmt}", progress=heard)
    heard.check_whole()


def test_audit_and_backup(office, tmp_path):
    office.objective(status="in_progress")
    heard = Heard()
    assert audit.run(office.director.db, progress=heard).ok
    heard.check_whole()
    heard = Heard()
    maintenance.backup(office.director.db, tmp_path / "copy.db", progress=heard)
    heard.check_whole()


def test_a_long_audit_hears_of_the_stretches_checked_by_other_processes(office, monkeypatch):
    from superviser import journal

    for title in ("Repair the canopy", "Check the boilers", "Paint the depot"):
        office.objective(title=title, status="in_progress")
    monkeypatch.setattr(journal, "PARALLEL_FROM", 5)
    monkeypatch.setattr(journal, "_processes", lambda: 2)
    heard = Heard()
    assert audit.run(office.director.db, progress=heard).ok
    heard.check_whole()


def test_import(office, tmp_path):
    for title in ("Repair the canopy", "Check the boilers"):
        office.objective(title=title, status="in_progress")
    ledger = export(office.director, "xlsx", Scope(), tmp_path / "ledger.xlsx").path
    fresh = org.init(tmp_path / "fresh.db", "boss", "Bao Si")
    heard = Heard()
    outcome = import_ledger(fresh, ledger, create_units=True, progress=heard)
    assert outcome.ok and len(outcome.objectives) == 2
    heard.check_whole()


# --- the CLI ------------------------------------------------------------------------------

def _run(args, *, stderr_on_terminal: bool):
    """The CLI in a process of its own, standard output to a pipe, standard error to a terminal
    (a pty) or a pipe; a bar drawn at once (no wait) so that short work shows it."""
    code = ("import sys\n"
            "import superviser.cli.progress as shown\n"
            "shown.DELAY = 0\n"
            "from superviser.cli import main\n"
            f"main({[str(a) for a in args]!r})\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT), TERM="xterm-256color", COLUMNS="100")
    if not stderr_on_terminal:
        ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
        return ran.stdout, ran.stderr
    main, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=terminal, env=env, cwd=ROOT)
    os.close(terminal)
    drawn = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the process closed the terminal
            break
        if not chunk:
            break
        drawn += chunk
    out = process.stdout.read().decode()
    process.wait()
    os.close(main)
    return out, drawn.decode("utf-8", "replace")


def test_the_cli_draws_a_bar_on_a_terminal_and_prints_its_answer_apart(office):
    out, drawn = _run(["--db", office.path, "audit"], stderr_on_terminal=True)
    assert "Auditing the log" in drawn and "━" in drawn
    assert "the log is intact" in out and "\x1b" not in out


@pytest.mark.parametrize("lang", ["zh_CN", "es"])
def test_the_bar_speaks_the_language(office, lang):
    _out, drawn = _run(["--lang", lang, "--db", office.path, "audit"], stderr_on_terminal=True)
    assert {"zh_CN": "正在核查督查记录", "es": "Auditando el registro"}[lang] in drawn


def test_no_bar_for_json_or_when_standard_error_is_not_a_terminal(office):
    out, drawn = _run(["--db", office.path, "audit", "--json"], stderr_on_terminal=True)
    assert '"ok": true' in out and "Auditing" not in drawn and "━" not in drawn
    out, err = _run(["--db", office.path, "audit"], stderr_on_terminal=False)
    assert "the log is intact" in out and err == ""


def test_the_bar_starts_no_thread_so_that_the_work_may_fork(monkeypatch):
    """(superviser/elsewhere.py does its work here when another thread runs: the audit's second
    process and the import's derivation would then run in this one.)"""
    import threading

    from superviser.cli import progress as cli_progress

    monkeypatch.setattr(cli_progress, "DELAY", 0)
    before = threading.active_count()
    bar = cli_progress._Bar("Auditing the log")
    try:
        for done in range(0, 11):
            bar(done, 10)
        assert bar.drawn is not None and threading.active_count() == before
    finally:
        bar.close()
