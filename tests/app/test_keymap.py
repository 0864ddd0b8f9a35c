"""keymap.toml: what the help screen suggests takes nobody's key, and a keymap line that would
do nothing, or take a key another binding answers to, is said when the app starts."""

from __future__ import annotations

import tomllib

from screens import keymap
from screens.app import SuperviserApp
from screens.help import HelpScreen
from tests.app.conftest import capture_notes, make_app, screen_text, settle


async def test_the_help_screens_example_takes_no_key(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_objective("2026-020.1")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        shown = screen_text(app)
        example = shown[shown.index("[keymap]"):].split("\n")[:2]
        mapping = tomllib.loads("\n".join(example))["keymap"]
        assert mapping and keymap.check(mapping, SuperviserApp) is None


async def test_an_unknown_id_and_a_taken_key_are_reported(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "superviser").mkdir()
    (tmp_path / "superviser" / "keymap.toml").write_text(
        '[keymap]\n"objective.urge" = "u"\n"objective.nudge" = "z"\n"app.help" = "f1,?"\n', encoding="utf-8")
    app = make_app(demo_db)
    notes = capture_notes(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        said = "\n".join(notes)
        assert "objective.nudge" in said  # no binding has that id
        assert "u for objective.urge is already the key of objective.undo" in said
        assert "app.help" not in said  # its own keys, however written, take nothing


def test_keys_moved_out_of_the_way_or_kept_are_no_clash():
    assert keymap.check({"objective.undo": "z", "objective.urge": "u"}, SuperviserApp) is None
    assert keymap.check({"help.close": "escape,q", "app.quit": "q"}, SuperviserApp) is None
    assert "command_palette" in keymap.check({"app.quit": "ctrl+p"}, SuperviserApp)


def test_a_keymap_that_is_not_a_map_of_ids_to_keys_says_so_in_the_persons_language(tmp_path):
    from superviser import i18n

    file = tmp_path / "keymap.toml"
    file.write_text('[keymap]\n"objective.urge" = 3\n', encoding="utf-8")
    i18n.setup("zh_CN")
    try:
        mapping, problem = keymap.load(file)
    finally:
        i18n.setup("en")
    assert mapping == {} and problem == f"{file}：[keymap] 须将按键绑定 ID 对应到按键名"
