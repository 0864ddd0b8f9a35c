"""The room there is, at 120 columns and at 80: the dashboard's panels keep the lead unit and
give titles their room at 120; a list's free-text columns share the spare width by what their
cells need (CJK counted in cells); the review summary's reasons wrap under their titles; End in
the help shows its end at once."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual import events
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.widgets import Static

from screens.review_summary import ReviewSummary
from screens.widgets.paged_table import PagedTable
from tests.app import delivery_scene
from tests.app.conftest import make_app, settle
from tests.app.test_injection import rendered

PANELS = ("overdue", "due-soon", "silent")


async def test_the_dashboards_panels_at_120_columns_show_the_lead_unit_and_more_of_each_title(demo_db):
    widths = {}
    for size in ((80, 24), (120, 40)):
        app = make_app(demo_db)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            tables = [app.screen.query_one(f"#{name}", PagedTable) for name in PANELS]
            assert all("lead" in table.columns for table in tables), size
            widths[size] = [table.columns["title"].width for table in tables]
            shown = rendered(app)
    assert len(set(widths[(120, 40)])) == 1  # one above the other, the columns line up
    assert widths[(120, 40)][0] > widths[(80, 24)][0] + 20
    for whole in ("Quarterly energy report", "Procure replacement gates", "Finance Department", "East Station"):
        assert whole in shown, whole


async def test_the_chinese_dashboard_at_120_columns_shows_whole_titles_and_units(demo_db_zh):
    app = make_app(demo_db_zh, lang="zh_CN")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = rendered(app)
    for whole in ("排水天沟检查疏通", "北站应急照明修复", "后勤服务中心", "政策规划处"):
        assert whole in shown, whole


async def test_an_objective_list_at_120_columns_gives_the_lead_unit_the_room_its_names_need(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        table = app.screen.query_one(PagedTable)
        shown = rendered(app)
    assert "Finance Department" in shown and "Finance Depa…" not in shown
    assert table.columns["lead"].width > 13 and table.columns["title"].width > table.columns["lead"].width


async def test_at_80_columns_chinese_unit_names_take_their_cells_and_the_titles_the_rest(demo_db_zh):
    """The lead unit's column is as wide as its widest name in cells (six characters, twelve
    cells), not its least (thirteen); the title has the rest."""
    app = make_app(demo_db_zh, lang="zh_CN")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        table = app.screen.query_one(PagedTable)
        names = {row["lead_unit"] for row in table.rows_loaded}
        assert table.columns["lead"].width == max(cell_len(name) for name in names) == 12
        assert table.columns["title"].width == 22 + 2  # eleven characters and more read whole (it had 21 cells)
        _fills(table)


def _fills(table: PagedTable) -> None:
    """Every cell of the table's width is a column's (the last one is the scrollbar's)."""
    assert sum(column.get_render_width(table) for column in table.columns.values()) == table.size.width - 1


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_recurring_matters_share_the_spare_width_by_what_their_cells_need(demo_db, size):
    """At 120 the repeat rule read "monthly, from 2026-1…" beside a lead unit's column with room
    to spare; at 80 the title was cut ("Monthly safety re…") beside the same."""
    delivery_scene.build(demo_db)
    app = make_app(demo_db)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("2", "R")
        await settle(pilot)
        table = app.screen.query_one(PagedTable)
        shown = rendered(app)
        _fills(table)
    first = table.rows_loaded[0]
    whole = [first["title"], first["lead_unit"]] + ([first["rule_text"]] if size == (120, 40) else [])
    for text in whole:
        assert text in shown, text


def _lines(root) -> list[str]:
    """What the Statics under ``root`` show, as the screen's lines of text."""
    grid: dict[int, dict[int, str]] = {}
    for widget in root.query(Static):
        region = widget.region
        if not region.width or widget.query(Static):
            continue
        for y, strip in enumerate(widget.render_lines(Region(0, 0, region.width, region.height))):
            grid.setdefault(region.y + y, {})[region.x] = strip.text
    lines = []
    for y in sorted(grid):
        line = ""
        for x in sorted(grid[y]):
            line = line.ljust(x) + grid[y][x]
        lines.append(line.rstrip())
    return lines


LONG_CJK = "关于进一步加强全市重点项目建设督查督办工作的实施意见"


@pytest.mark.parametrize(("lang", "title", "reason"), [
    ("en", "Report rectification results to the province", "deadline near"),
    ("zh_CN", LONG_CJK, "逾期"),
])
async def test_the_review_summary_wraps_an_items_title_and_reason_under_the_title(demo_template, tmp_path, lang,
                                                                                 title, reason):
    import shutil

    from superviser import store
    from superviser.read import objectives
    from superviser.services import Session, registry

    path = tmp_path / "demo.db"
    shutil.copy(demo_template[lang], path)
    if title == LONG_CJK:  # an overdue one of the first unit to chase, too long for one line
        boss = Session(store.connect(path), "boss")
        lead = objectives.get(boss.db, "2026-001.3")["lead_unit"]
        registry.objective_add(boss, "2026-001", LONG_CJK, lead=lead, deadline="2026-11-02")
    ref = next(row["ref"] for row in objectives.page(store.connect(path), objectives.Filter(), limit=500)[0]
               if row["title"] == title)
    app = make_app(path, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, ReviewSummary)
        lines = _lines(app.screen)
    first = next(i for i, line in enumerate(lines) if ref in line)
    at = lines[first].index(title[:4])
    after = lines[first + 1]
    assert reason in lines[first] + after, lines[first:first + 2]
    assert after[:at].strip() == "" and after[at:at + 1].strip(), lines[first:first + 2]  # under the title


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
async def test_end_home_and_the_page_keys_move_the_help_at_once(demo_db, lang):
    """Pilot's press waits for animations to end; a key typed into a terminal does not."""
    app = make_app(demo_db, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        body = app.screen.query_one(VerticalScroll)
        assert body.max_scroll_y > 0
        for key, expected in (("end", body.max_scroll_y), ("home", 0),
                              ("pagedown", min(body.size.height, body.max_scroll_y)), ("pageup", 0)):
            app.post_message(events.Key(key, None))
            await pilot.pause()
            await pilot.pause()
            assert body.scroll_y == expected, key
        app.post_message(events.Key("end", None))
        await pilot.pause()
        await pilot.pause()
        assert "objective.urge" in rendered(app)  # the keymap's example, at the end


@pytest.mark.parametrize(("lang", "start", "rest"), [("en", "filter the list", "Escape goes back"),
                                                     ("es", "filtra la lista", "o Escape vuelve")])
async def test_the_helps_keys_for_everywhere_wrap_under_what_they_do(demo_db, lang, start, rest):
    """At 80 columns "/ filter the list as you type; … Backspace or Escape goes back" takes two
    lines: the second under the first's text, not back under the key."""
    app = make_app(demo_db, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
        lines = _lines(app.screen)
    first = next(i for i, line in enumerate(lines) if start in line)
    at = lines[first].index(start)
    after = lines[first + 1]
    assert after[at:].startswith(rest) and not after[:at].strip("│█ "), lines[first:first + 2]
