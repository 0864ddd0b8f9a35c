"""Shared fixtures: real database files in tmp_path, a frozen clock, English by default."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from superviser import clock, i18n, identity, store
from superviser.services import Session, org, registry, steps

TODAY = "2026-11-20"
NOW = "2026-11-20T09:00:00Z"
ROOT = Path(__file__).resolve().parent.parent


def pytest_report_header(config) -> str:
    import superviser

    return f"superviser {superviser.__version__} from {Path(superviser.__file__).parent}"


@pytest.fixture(autouse=True)
def frozen_environment(monkeypatch, tmp_path):
    """Every test runs on 20 November 2026, in English, as the director ``boss``, in UTC."""
    clock.freeze(clock.parse_stamp(NOW))
    monkeypatch.setenv("SUPERVISER_LANG", "en")
    monkeypatch.setenv("SUPERVISER_USER", "boss")
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.delenv("SUPERVISER_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    i18n.setup("en")
    yield
    i18n.setup("en")
    clock.freeze(None)
    identity.confine(None)  # `shell` marks the process as acting through the service account


@pytest.fixture
def set_now():
    """Move the frozen clock: ``set_now("2026-11-21T09:00:00Z")``."""
    return lambda moment: clock.freeze(clock.parse_stamp(moment))


@dataclass
class Office:
    """A small office: units, people in every role, one decision."""

    path: Path
    director: Session
    decision: str

    def session(self, login: str) -> Session:
        return Session(store.connect(self.path), login)

    def objective(self, title="Repair the canopy", lead="Finance", co=(), deadline="2026-12-20", status="registered",
                  parent=None, decision=None) -> str:
        """Register an objective and walk it to ``status`` through the real steps."""
        s = self.director
        ref = registry.objective_add(s, decision or self.decision, title, lead=lead, co=list(co), deadline=deadline,
                                     parent=parent).ref
        walk(self, ref, status)
        return ref


LIAISONS = {"Finance": "li", "East Station": "east", "Planning": "plan"}


def walk(office: Office, ref: str, status: str) -> None:
    """Take an objective from registered to ``status`` as the people concerned would."""
    from superviser.read import objectives

    s = office.director
    lead = objectives.get(s.db, ref)["lead_unit"]
    liaison = office.session(LIAISONS.get(lead, "boss"))
    path = {
        "registered": [],
        "assigned": [lambda: steps.assign(s, ref)],
        "returned": [lambda: steps.assign(s, ref), lambda: steps.return_(liaison, ref, reason="not ours")],
        "accepted": [lambda: steps.assign(s, ref), lambda: steps.accept(liaison, ref)],
        "in_progress": [lambda: steps.assign(s, ref), lambda: steps.accept(liaison, ref),
                        lambda: steps.progress(liaison, ref, percent=30, text="begun")],
        "submitted": [lambda: steps.assign(s, ref), lambda: steps.accept(liaison, ref),
                      lambda: steps.complete(liaison, ref, text="done")],
        "verified": [lambda: steps.assign(s, ref), lambda: steps.accept(liaison, ref),
                     lambda: steps.complete(liaison, ref, text="done"),
                     lambda: steps.verify(office.session("sup"), ref)],
        "closed": [lambda: steps.assign(s, ref), lambda: steps.accept(liaison, ref),
                   lambda: steps.complete(liaison, ref, text="done"), lambda: steps.verify(s, ref)],
        "suspended": [lambda: steps.suspend(s, ref, reason="wait")],
        "cancelled": [lambda: steps.cancel(s, ref, reason="moot")],
    }[status]
    for step in path:
        step()


def make_office(path: Path) -> Office:
    director = org.init(path, "boss", "Bao Si")
    for name, parent in (("General Office", None), ("Finance", None), ("East Station", None),
                         ("East Depot", "East Station"), ("Planning", None)):
        org.unit_add(director, name, parent)
    org.person_add(director, "sup", "Su Pei", "supervisor", "General Office")
    org.person_add(director, "li", "Li Ming", "liaison", "Finance")
    org.person_add(director, "east", "Dong Fang", "liaison", "East Station")
    org.person_add(director, "plan", "Ping Hua", "liaison", "Planning")
    org.person_add(director, "view", "Wei Wu", "viewer")
    decision = registry.decision_add(director, "Winter safety", source="meeting", decided_on="2026-11-01").ref
    return Office(path, director, decision)


@pytest.fixture
def office(tmp_path) -> Office:
    return make_office(tmp_path / "office.db")


@dataclass
class Ran:
    code: int
    out: str
    err: str


@pytest.fixture
def config_dir(tmp_path, monkeypatch):
    """The user's config directory, where delivery.toml lives (for the CLI, in-process and in processes)."""
    folder = tmp_path / "config"
    (folder / "superviser").mkdir(parents=True)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    return folder / "superviser"


@pytest.fixture
def cli(capsys):
    """Run the CLI in this process: ``cli("--db", path, "objective", "list")``."""
    from superviser.cli import main

    def run(*args) -> Ran:
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        out, err = capsys.readouterr()
        return Ran(code, out, err)

    return run


def run_process(*args, env: dict | None = None, timeout: float = 120, now: str | None = NOW) -> subprocess.CompletedProcess:
    """Run ``superviser`` in a real process, its clock frozen at ``now`` (None: the system clock)."""
    full_env = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    command = ["-m", "superviser"] if now is None else ["-m", "tests.frozen", now, "--"]
    return subprocess.run([sys.executable, *command, *map(str, args)], capture_output=True, text=True,
                          env=full_env, timeout=timeout, cwd=ROOT)
