"""Snapshots of every screen at 80x24 and 120x40, in English and Chinese, on the demo
office of 20 November 2026 (the clock is frozen, so relative times are stable).

Update after an intended change with: pytest tests/app/test_snapshots.py --snapshot-update
"""

import shutil

import pytest

from screens.channels import ChannelsScreen
from screens.recurring import RecurringScreen
from superviser import i18n
from tests.app import delivery_scene
from tests.app.conftest import make_app, settle


async def _open(app, pilot, action, keys=()):
    await settle(pilot)
    if action:
        action(app)
        await settle(pilot)
    if keys:
        await pilot.press(*keys)
        await settle(pilot)


SCENES = {
    "dashboard": (None, ()),
    "decisions": (lambda app: app.switch_mode("decisions"), ()),
    "decision": (lambda app: app.open_decision("2026-001"), ()),
    "objective": (lambda app: app.open_objective("2026-002.2"), ()),
    "units": (lambda app: app.switch_mode("units"), ()),
    "deadlines": (lambda app: app.switch_mode("deadlines"), ()),
    "log": (lambda app: app.switch_mode("log"), ()),
    "form": (lambda app: app.open_objective("2026-020.1"), ("p",)),
    "help": (lambda app: app.open_objective("2026-020.1"), ("question_mark",)),
    "review": (lambda app: app.start_review(), ()),
    "scores": (lambda app: app.switch_mode("units"), ("s",)),
    "edit": (lambda app: app.open_objective("2026-020.1"), ("E",)),
}


def _compare(snap_compare, demo_template, tmp_path, scene, size, lang):
    path = tmp_path / "demo.db"
    shutil.copy(demo_template[lang], path)
    app = make_app(path, lang=lang)
    action, keys = SCENES[scene]

    async def run_before(pilot):
        await _open(app, pilot, action, keys)

    return snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("scene", list(SCENES))
def test_screen(snap_compare, demo_template, tmp_path, scene, size, lang):
    assert _compare(snap_compare, demo_template, tmp_path, scene, size, lang)


# Spanish runs about a quarter longer than English: the main screens at the smallest size.
@pytest.mark.parametrize("scene", ["dashboard", "objective", "form", "review"])
def test_screen_in_spanish(snap_compare, demo_template, tmp_path, scene):
    assert _compare(snap_compare, demo_template, tmp_path, scene, (80, 24), "es")


# Spanish has the longest week headings and review reasons: they read in full where they show.
@pytest.mark.parametrize(("scene", "size"), [("deadlines", (80, 24)), ("review", (120, 40))],
                         ids=["deadlines-80x24", "review-120x40"])
def test_headings_and_reasons_in_spanish(snap_compare, demo_template, tmp_path, scene, size):
    assert _compare(snap_compare, demo_template, tmp_path, scene, size, "es")


def _notices(app, built):
    app.open_objective(delivery_scene.REF)


async def _to_notices(app, pilot):
    body, block = app.screen.query_one("#objective-body"), app.screen.query_one("#messages")
    body.scroll_to_widget(block, animate=False, top=True)
    await settle(pilot)


# Issue 12 and 11's screens, on the demo office with channels, messages and recurring matters
# (tests/app/delivery_scene.py): a unit's channels, an objective's notices and messages, the
# recurring matters.
DELIVERY_SCENES = {
    "channels": (lambda app, built: app.push_screen(ChannelsScreen(built.unit_id, built.unit)), None),
    "notices": (_notices, _to_notices),
    "recurring": (lambda app, built: app.push_screen(RecurringScreen()), None),
}


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("scene", list(DELIVERY_SCENES))
def test_delivery_screen(snap_compare, demo_template, tmp_path, scene, size, lang):
    path = tmp_path / "demo.db"
    shutil.copy(demo_template[lang], path)
    i18n.setup(lang)  # the sender's words (a failure's reason) are stored in the language of the moment
    built = delivery_scene.build(path)
    app = make_app(path, lang=lang)
    show, then = DELIVERY_SCENES[scene]

    async def run_before(pilot):
        await _open(app, pilot, lambda app: show(app, built))
        if then:
            await then(app, pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
