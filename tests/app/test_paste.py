"""Keys that come fast (a paste, a quick typist: one every 20 ms) land where they were typed,
none lost, none taken by the screen underneath while a palette or form opens."""

import asyncio

from textual import events
from textual.command import CommandPalette
from textual.widgets import Input, TextArea

from screens.forms import FormScreen
from tests.app.conftest import make_app, settle

TYPED = "2026-020 roof 屋顶"


async def type_fast(pilot, text: str) -> None:
    """Each character as the terminal driver hands it to the app: 20 ms apart, whether or not
    the app has finished with the one before (Pilot.press would wait for it)."""
    for char in text:
        key = {" ": "space", "-": "minus", "\x10": "ctrl+p"}.get(char, char)
        pilot.app.post_message(events.Key(key, char))
        await asyncio.sleep(0.02)


async def test_keys_typed_fast_into_the_command_palette_all_land(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_fast(pilot, "\x10" + TYPED)  # ctrl+p, and at once the characters, as a paste would
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(Input).value == TYPED
        assert app.current_mode == "dashboard"  # "2" and "0" did not switch sections underneath


async def test_keys_typed_fast_into_a_form_all_land(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_objective("2026-020.1")
        await settle(pilot)
        await type_fast(pilot, "n" + TYPED)  # a note: the form opens; the text follows without a pause
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        assert app.screen.query_one("#field-text", TextArea).text == TYPED
