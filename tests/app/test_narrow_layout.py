"""What narrow and wide terminals must still show whole: the due phrase of a year-old matter
at 80 columns, unit names in the scores at 120, a fact's wrapped value under its value."""

import pytest

from superviser import store
from superviser.services import Session, registry
from tests.app.conftest import make_app, settle
from tests.app.test_injection import rendered

YEAR_OLD = "2025-11-22"  # 363 days before the frozen today, 2026-11-20


@pytest.mark.parametrize(("lang", "phrase"), [("en", "363 days late"), ("es", "retraso 363 d"),
                                               ("zh_CN", "逾期363天")])
async def test_a_year_late_reads_whole_at_80_columns(demo_db, lang, phrase):
    boss = Session(store.connect(demo_db), "boss")
    decision = registry.decision_add(boss, "Carried over from last year", source="meeting", decided_on="2025-10-01").ref
    registry.objective_add(boss, decision, "Year-old matter", lead="North Station", deadline=YEAR_OLD)
    app = make_app(demo_db, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert phrase in rendered(app)  # the dashboard's overdue panel
        app.switch_mode("deadlines")
        await settle(pilot)
        assert phrase in rendered(app)


async def test_a_long_fact_wraps_under_its_value_in_the_spanish_review(demo_db):
    from textual.geometry import Region

    app = make_app(demo_db, lang="es")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.start_review()
        await settle(pilot)
        facts = app.screen.query_one("#review-facts")
        lines = [strip.text.rstrip() for strip in facts.render_lines(Region(0, 0, facts.size.width, facts.size.height))]
    first = next(i for i, line in enumerate(lines) if line.startswith("decisión"))
    value_at = len(lines[first]) - len(lines[first][len("decisión"):].lstrip())
    assert lines[first + 1].strip(), lines  # the decision's title is too long for one line at 80 columns
    assert lines[first + 1][:value_at].strip() == "", lines  # and goes on under itself, not under the labels
    assert lines[first + 2].startswith("estado"), lines


@pytest.mark.parametrize("lang", ["en", "es", "zh_CN"])
async def test_the_scores_give_unit_names_the_room_at_120_columns(demo_db, lang):
    app = make_app(demo_db, lang=lang)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3", "s")
        await settle(pilot)
        shown = rendered(app)
    for name in ("Policy and Planning Department", "Information Technology Centre", "Human Resources Department"):
        assert name in shown, name


@pytest.mark.parametrize(("lang", "width"), [("en", 10), ("es", 9), ("zh_CN", 8)])
def test_the_light_column_is_as_wide_as_its_widest_light(lang, width):
    """Every light, marked as set by the office, and the heading fit; no wider, so the titles
    have the rest (two more cells in Chinese than in English)."""
    from rich.cells import cell_len

    from screens import render
    from superviser import i18n, lights

    i18n.setup(lang)
    try:
        assert render.light_width() == width
        for colour in lights.LIGHT_LABELS:
            assert render.light(colour, set_by_office=True).cell_len <= width
            assert render.light(colour).cell_len <= render.light_width(marked=False) < width
        assert cell_len(i18n._("light")) <= render.light_width(marked=False)
    finally:
        i18n.setup("en")


@pytest.mark.parametrize("title", ["关于进一步加强全市重点项目建设督查督办工作确保年度目标任务全面完成并建立长效机制的实施意见",
                                   "Coordinate with the municipal transport bureau and all four district offices now"])
async def test_a_long_title_is_cut_with_an_ellipsis_in_its_screens_one_line_header(demo_db, title):
    """Wrapped, the header's one line showed only the reference (a CJK title moves whole to the next line)."""
    boss = Session(store.connect(demo_db), "boss")
    ref = registry.decision_add(boss, title, source="meeting", decided_on="2026-11-01").ref
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_decision(ref)
        await settle(pilot)
        shown = rendered(app)
    assert title[:10] in shown and "…" in shown.split(title[:10], 1)[1].split("<", 1)[0], shown[:200]



def _step_lines(app) -> list[str]:
    """The log's highlighted step, as its two lines show it."""
    from textual.geometry import Region

    step = app.screen.query_one("#log-step")
    return [strip.text.strip() for strip in step.render_lines(Region(0, 0, step.size.width, step.size.height))]


@pytest.mark.parametrize(("lang", "what", "detail"), [
    ("en", "add a note", "Called the North Station head twice; the report is promised for Monday."),
    ("zh_CN", "添加备注", "已两次电话联系北站站长，对方承诺周一前报送整改进展及现场照片。"),
])
async def test_the_log_shows_the_highlighted_steps_detail_at_80_columns(demo_db, lang, what, detail):
    """At 80 columns the log has no room for a detail column: what a step said could not be read."""
    from superviser.services import steps

    steps.note(Session(store.connect(demo_db), "boss"), "2026-002.2", text=detail)
    app = make_app(demo_db, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert _step_lines(app) == [what, detail]
        await pilot.press("j")
        await settle(pilot)
        assert _step_lines(app)[1] == app.screen.table.rows_loaded[1]["detail"]


async def test_what_the_office_waits_for_reads_whole_in_spanish(demo_db):
    """The dashboard's "waiting for" column fits its longest phrase in the reader's language:
    "cerrar (verificado)" was cut to "cerrar (verificad…"."""
    app = make_app(demo_db, lang="es")
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        assert "cerrar (verificado)" in rendered(app)
