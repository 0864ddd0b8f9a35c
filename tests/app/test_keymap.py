"""keymap.toml: a line that would do nothing, or take a key another binding answers to, is said
when the app starts."""

from __future__ import annotations

from screens import keymap
from screens.app import SuperviserApp
from tests.app.conftest import capture_notes, make_app, settle


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
