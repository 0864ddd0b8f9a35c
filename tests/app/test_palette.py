"""The command palette speaks the person's language: every text it shows, Textual's own
commands and prompt included, is looked up in the catalog."""

from __future__ import annotations

import gettext

from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from screens.help import HelpScreen
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
