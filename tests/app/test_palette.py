"""The command palette speaks the person's language: every text it shows, Textual's own
commands and prompt included, is looked up in the catalog."""

from __future__ import annotations

import gettext

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from screens.commands import declared
from screens.help import HelpScreen
from screens.scores import ScoresScreen
from screens.units import UnitsScreen
from superviser import i18n
from tests.app.conftest import make_app, settle


class Marked(gettext.NullTranslations):
    """A catalog that marks what it translates: a text shown unmarked never went through it."""

    def gettext(self, message: str) -> str:
        return f"«{message}»"


def shown(palette: CommandPalette) -> list[str]:
    """The palette's prompt and every line of every command it offers."""
    options = palette.query_one(CommandList)
    lines = [palette.query_one(Input).placeholder]
    for index in range(options.option_count):
        lines += str(options.get_option_at_index(index).prompt).splitlines()
    return lines


async def test_every_text_in_the_palette_is_translated(demo_db, monkeypatch):
    app = make_app(demo_db)
    monkeypatch.setattr(i18n, "_translation", Marked())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        lines = shown(app.screen)
        assert "«Quit»" in lines and "«Keys on this screen»" in lines
        assert [line for line in lines if not (line.startswith("«") and line.endswith("»"))] == []

        await pilot.press(*"theme", "enter")  # the theme picker is a palette too
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(Input).placeholder == "«Search for themes…»"


async def test_help_from_the_palette_shows_the_keys_of_the_screen_underneath(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_objective("2026-020.1")
        await settle(pilot)
        objective = app.screen
        await pilot.press("ctrl+p", *"help")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen) and app.screen.target is objective


async def _hits(app, pilot, query: str) -> list[tuple[str, str]]:
    """(name, the line under it) of each command the palette offers for ``query``."""
    await pilot.press("ctrl+p", *query)
    await settle(pilot)
    options = app.screen.query_one(CommandList)
    found = []
    for index in range(options.option_count):
        lines = str(options.get_option_at_index(index).prompt).splitlines()
        found.append((lines[0], lines[1] if len(lines) > 1 else ""))
    await pilot.press("escape")
    await settle(pilot)
    return found


@pytest.mark.parametrize(("query", "name", "about"), [
    ("export", "Export", "The ledger (xlsx, CSV) or the bulletin for a meeting (docx, Markdown, HTML)"),
    ("score", "Scores", "Each unit's points and rank for a quarter, a year or any period"),
    ("recurring", "Recurring matters", "Matters registered again each month, quarter or year, or after the last closed"),
    ("deliver", "Failed deliveries", "Messages to units that failed, or whose delivery is unknown"),
    ("review", "Review", "Start the daily review: what needs attention, worst first"),
    ("people", "People", "Who is who: logins, roles, units and contact details"),
    ("ledger", "Export", "The ledger (xlsx, CSV) or the bulletin for a meeting (docx, Markdown, HTML)"),
])
async def test_the_palette_finds_what_the_keys_do_and_says_what_it_is(demo_db, monkeypatch, query, name, about):
    app = make_app(demo_db)
    monkeypatch.setattr(i18n, "_translation", Marked())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert (f"«{name}»", f"«{about}»") in await _hits(app, pilot, query)


def test_every_key_that_says_what_it_does_is_a_command():
    """One declaration: the palette's commands are the app's and the sections' keys with a tooltip."""
    from screens.app import SuperviserApp

    ids = [c.binding.id for c in declared(SuperviserApp)]
    assert ids == ["app.dashboard", "app.decisions", "app.units", "app.deadlines", "app.log", "app.export",
                   "app.help", "app.quit", "dashboard.review", "dashboard.deliveries", "dashboard.search",
                   "decisions.new", "decisions.recurring", "units.scores", "units.people", "units.add",
                   "log.filters"]
    assert all(c.binding.tooltip for c in declared(SuperviserApp))


@pytest.mark.parametrize(("who", "absent"), [
    ("boss", set()),
    ("chen.jing", {"New unit"}),                                   # a supervisor
    ("wang.lei", {"Review", "New decision", "New unit"}),          # a liaison
    ("guo.ting", {"Review", "New decision", "New unit"}),          # a viewer
    ("stranger", {"Review", "New decision", "New unit", "Export"}),  # not among the people
])
async def test_the_palette_offers_only_what_the_role_allows(demo_db, who, absent):
    app = make_app(demo_db, login=who)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        names = {line for line in shown(app.screen)}
        everything = {"Review", "New decision", "New unit", "Export", "Scores", "People", "Help", "Units"}
        assert everything - names == absent


async def test_a_sections_command_runs_on_its_section_from_anywhere(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("ctrl+p", *"scores")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ScoresScreen)
        assert app.current_mode == "units"
        await pilot.press("escape")  # back to the units, as after 3 then s
        await settle(pilot)
        assert isinstance(app.screen, UnitsScreen)
