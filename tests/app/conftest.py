"""App fixtures: a demo office built once and copied per test, and an app factory."""

from __future__ import annotations

import os
import shutil
import time

import pytest

from superviser import clock, i18n, store
from superviser.demo import build_office
from superviser.services import Session
from tests.conftest import NOW


@pytest.fixture(autouse=True)
def fixed_config_home(monkeypatch):
    """The user's config folder at the same place whoever runs the tests: the help screen shows
    where keymap.toml lives, and a snapshot must not change with the tester's home folder. Nothing
    is there (the app only reads it); a test that writes configuration names its own folder."""
    monkeypatch.setenv("XDG_CONFIG_HOME", "/home/clerk/.config")


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """The demo office as it is on 20 November 2026, built once per language."""
    clock.freeze(clock.parse_stamp(NOW))
    os.environ["TZ"] = "UTC"
    time.tzset()
    built = {}
    for lang in ("en", "zh_CN", "es"):
        i18n.setup(lang)
        path = tmp_path_factory.mktemp(f"demo-{lang}") / "demo.db"
        build_office(path, "boss")
        built[lang] = path
    i18n.setup("en")
    return built


@pytest.fixture
def demo_db(demo_template, tmp_path):
    path = tmp_path / "demo.db"
    shutil.copy(demo_template["en"], path)
    return path


@pytest.fixture
def demo_db_zh(demo_template, tmp_path):
    path = tmp_path / "demo-zh.db"
    shutil.copy(demo_template["zh_CN"], path)
    return path


def make_app(path, login: str = "boss", lang: str = "en", start: str | None = None):
    from screens.app import SuperviserApp

    i18n.setup(lang)
    return SuperviserApp(Session(store.connect(path), login), start=start)


def capture_notes(app) -> list[str]:
    """The notifications the app shows from now on, as text."""
    notes: list[str] = []
    original = app.notify

    def notify(message, **kwargs):
        notes.append(str(message))
        original(message, **kwargs)

    app.notify = notify
    return notes


async def settle(pilot, rounds: int = 3) -> None:
    """Let workers finish and the screen catch up (loads can chain)."""
    for _ in range(rounds):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def screen_text(app) -> str:
    """Everything the screen shows, as plain text."""
    from textual.widgets import DataTable, Static

    parts = []
    for widget in app.screen.query("*"):
        if widget.border_title:
            parts.append(str(widget.border_title))
        if isinstance(widget, Static):
            parts.append(str(widget.render()))
        elif isinstance(widget, DataTable):
            for row in range(widget.row_count):
                parts.append(" | ".join(str(cell) for cell in widget.get_row_at(row)))
            parts.append(" | ".join(str(c.label) for c in widget.columns.values()))
    return "\n".join(parts)


def table_builds(monkeypatch) -> list[tuple[str, bool]]:
    """Every time a PagedTable builds its columns: (its id, whether it had its size by then)."""
    from screens.widgets.paged_table import PagedTable

    builds: list[tuple[str, bool]] = []
    original = PagedTable._build_columns

    def counting(self, width=None):
        builds.append((self.id, bool(self.size.width)))
        original(self, width)

    monkeypatch.setattr(PagedTable, "_build_columns", counting)
    return builds
