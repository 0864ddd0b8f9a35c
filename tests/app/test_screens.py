"""Each screen through the app: open it, drill down, go back."""

from rich.text import Text

from screens.dashboard import DashboardScreen, LightCard
from screens.decision import DecisionScreen
from screens.objective import ObjectiveScreen
from screens.objectives import ObjectivesScreen
from screens.widgets.paged_table import PagedTable
from tests.app.conftest import make_app, screen_text, settle, table_builds


async def test_dashboard_shows_the_lights_and_the_panels(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        cards = {card.light: card.count for card in app.screen.query(LightCard)}
        assert cards == {"red": 5, "yellow": 12, "green": 24, "grey": 12}
        overdue = app.screen.query_one("#overdue", PagedTable)
        assert [r["ref"] for r in overdue.rows_loaded] == ["2026-002.2", "2026-001.3", "2026-011.2", "2026-014.1"]
        text = screen_text(app)
        assert "Waiting for the office" in text and "Units" in text
        assert "2026-005.1" in text  # a completion waiting for verification


async def test_light_card_opens_its_objectives(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the red card has the focus
        await settle(pilot)
        assert isinstance(app.screen, ObjectivesScreen)
        rows = app.screen.table.rows_loaded
        assert len(rows) == 5 and {r["light"] for r in rows} == {"red"}
        await pilot.press("backspace")
        assert isinstance(app.screen, DashboardScreen)


async def test_decisions_decision_objective_and_back(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one(PagedTable)
        assert table.total == 24 and table.rows_loaded[0]["ref"] == "2026-024"
        await pilot.press("j", "j", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DecisionScreen) and app.screen.ref == "2026-022"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ObjectiveScreen) and app.screen.ref == "2026-022.1"
        assert "Write the onboarding guide" in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, DecisionScreen)


async def test_decision_shows_sub_objectives_under_their_parent(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_decision("2026-001")
        await settle(pilot)
        refs = [r["ref"] for r in app.screen.table.rows_loaded]
        assert refs == ["2026-001.1", "2026-001.1.1", "2026-001.1.2", "2026-001.2", "2026-001.3"]
        assert "└ Boiler room at East Station" in screen_text(app)


async def test_objective_explains_its_light_and_shows_the_log(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_objective("2026-002.2")
        await settle(pilot)
        text = screen_text(app)
        assert "red — past its deadline" in text
        assert "overdue by 12 days" in text
        assert "supervision notice (urge 3)" in text
        assert "Need the Finance Department to approve the payment." in text
        assert "Supervision log" in text


async def test_units_open_their_objectives(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        table = app.screen.query_one(PagedTable)
        names = [r["name"] for r in table.rows_loaded]
        assert names[:3] == ["Finance Department", "General Office", "Secretariat"]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ObjectivesScreen)
        assert {r["lead_unit"] for r in app.screen.table.rows_loaded} <= {"Finance Department"} | set(
            r["lead_unit"] for r in app.screen.table.rows_loaded if "Finance Department" in r["co_units"])


async def test_deadlines_grouped_by_week_overdue_first(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        rows = app.screen.query_one(PagedTable).rows_loaded
        headings = [(r["heading"], r["until"]) for r in rows if r.get("heading")]
        assert headings[:4] == [("Overdue", ""), ("This week", "until Nov 22"), ("Next week", "until Nov 29"),
                                ("Week of Nov 30", "until Dec 6")]
        assert rows[1]["ref"] == "2026-002.2"


async def test_enter_on_a_deadlines_heading_opens_the_first_of_its_group(demo_db):
    """The cursor starts on the first heading ("Overdue"), where Enter did nothing."""
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        table = app.screen.query_one(PagedTable)
        assert table.rows_loaded[table.cursor_row]["heading"] == "Overdue"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ObjectiveScreen) and app.screen.ref == "2026-002.2"
        await pilot.press("escape")
        await settle(pilot)
        assert table.cursor_row == 1  # back where it went, on the objective it opened
        week = next(i for i, r in enumerate(table.rows_loaded) if r.get("heading") == "Next week")
        table.move_cursor(row=week, animate=False)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ObjectiveScreen) and app.screen.ref == table.rows_loaded[week + 1]["ref"]


async def test_log_newest_first_and_filtered(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        await settle(pilot)
        table = app.screen.query_one(PagedTable)
        seqs = [r["seq"] for r in table.rows_loaded]
        assert seqs == sorted(seqs, reverse=True) and table.total > 300
        app.screen.flt.action = "urge"
        table.reload()
        await settle(pilot)
        assert {r["action"] for r in table.rows_loaded} == {"urge"}


async def test_log_filter_form(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pilot.click("#field-actor")
        await pilot.press(*"li.na")
        await pilot.press("ctrl+s")
        await settle(pilot)
        rows = app.screen.query_one(PagedTable).rows_loaded
        assert rows and {r["actor"] for r in rows} == {"li.na"}


async def test_slash_filters_as_you_type(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"boiler")
        await pilot.pause(0.3)
        await settle(pilot)
        assert isinstance(app.screen, ObjectivesScreen)
        rows = app.screen.table.rows_loaded
        assert sorted(r["ref"] for r in rows) == ["2026-001.1", "2026-001.1.1", "2026-001.1.2"]
        assert "3 of 3" in screen_text(app)
        await pilot.press("escape")  # clears the filter
        await pilot.pause(0.3)
        await settle(pilot)
        assert app.screen.table.total > 50


async def test_decisions_filter_in_chinese_by_two_characters(demo_db_zh):
    app = make_app(demo_db_zh, lang="zh_CN")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("slash", *"安全")
        await pilot.pause(0.3)
        await settle(pilot)
        titles = [r["title"] for r in app.screen.query_one(PagedTable).rows_loaded]
        assert titles and all("安全" in t for t in titles)


async def test_each_screen_loads_its_data_once(demo_db, monkeypatch):
    """Textual dispatches a message to the handler of every class in the MRO, so a
    handler that also calls super() runs the base's twice (and loads twice)."""
    from screens.base import BaseScreen

    loads: list[str] = []
    original = BaseScreen.on_mount

    def counting(self):
        loads.append(type(self).__name__)
        original(self)

    monkeypatch.setattr(BaseScreen, "on_mount", counting)
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for open_screen in (lambda: app.switch_mode("decisions"), lambda: app.open_decision("2026-001"),
                            lambda: app.open_objective("2026-001.1"), lambda: app.switch_mode("log"),
                            lambda: app.start_review()):
            open_screen()
            await settle(pilot)
    assert sorted(loads) == sorted(["DashboardScreen", "DecisionsScreen", "DecisionScreen", "ObjectiveScreen",
                                    "LogScreen", "ReviewScreen"])


class CountingCell:
    """A cell that counts how often the table renders it."""

    renders = 0

    def __rich_console__(self, console, options):
        CountingCell.renders += 1
        yield from console.render(Text("counted"), options)


async def test_a_table_keeps_its_rendered_cells_until_its_looks_change(demo_db):
    from textual.coordinate import Coordinate

    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one(PagedTable)
        table.update_cell_at(Coordinate(1, 1), CountingCell())
        await settle(pilot)
        before = CountingCell.renders
        assert before > 0
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert CountingCell.renders == before  # the section came back: same looks, same cells
        table.blur()  # losing the focus changes the cursor's colours: render again
        await settle(pilot)
        assert CountingCell.renders > before


async def test_without_colour_the_lights_stand_out_by_weight(demo_db, monkeypatch):
    from textual.color import Color

    from screens import render

    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.no_color and app.has_class("-monochrome")
        card = app.screen.query_one("#light-red", LightCard)
        assert card.styles.text_style.bold and card.styles.color != Color.parse(render.RED)
        cell = app.screen.query_one("#overdue", PagedTable).get_row_at(0)[0]
        assert str(cell.style) == "bold" and "●" in cell.plain  # the symbol and the word say it
    monkeypatch.delenv("NO_COLOR")
    coloured = make_app(demo_db)
    async with coloured.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert coloured.screen.query_one("#light-red", LightCard).styles.color == Color.parse(render.RED)
        assert render.RED in str(coloured.screen.query_one("#overdue", PagedTable).get_row_at(0)[0].style).upper()


async def test_a_section_switch_does_not_parse_the_stylesheet_again(demo_db, monkeypatch):
    """Textual refreshes the whole stylesheet on a switch to a screen it has not marked
    fresh (most of a section switch); the app skips it while the theme is unchanged."""
    from textual.css.stylesheet import Stylesheet

    parses: list[int] = []
    original = Stylesheet.reparse
    monkeypatch.setattr(Stylesheet, "reparse", lambda self: (parses.append(1), original(self))[1])
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        parses.clear()
        for key in "2132541":
            await pilot.press(key)
            await settle(pilot)
        await pilot.press("2", "enter")  # a decision pushed in the decisions' section
        await settle(pilot)
        await pilot.press("1", "2")
        await settle(pilot)
        assert isinstance(app.screen, DecisionScreen)
        assert parses == []


async def test_a_new_theme_reaches_the_sections_opened_before_it(demo_db):
    from screens.base import NavBar

    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2", "enter", "1")  # the decisions' section, with a decision in front
        await settle(pilot)
        before = app.screen.query_one(NavBar).styles.background
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await settle(pilot)
        now = app.screen.query_one(NavBar).styles.background
        assert now != before  # the dashboard, in front, took the theme
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, DecisionScreen)
        assert app.screen.query_one(NavBar).styles.background == now
        await pilot.press("escape")  # and the section's list under it
        await settle(pilot)
        assert app.screen.query_one(NavBar).styles.background == now
        await pilot.press("3")  # a section opened only now
        await settle(pilot)
        assert app.screen.query_one(NavBar).styles.background == now


async def test_a_section_read_ahead_has_its_rows_before_its_first_layout(demo_db, monkeypatch):
    """A table that spans the screen is as wide as the terminal: its read-ahead rows go in as
    it mounts, so the first layout gives them their scrollbar (a second frame otherwise), and
    the columns it built for that width are not built again."""
    builds = table_builds(monkeypatch)  # (table, whether it had its size)
    for size in ((120, 40), (80, 24)):
        app = make_app(demo_db)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await pilot.pause(1)  # the read-ahead (0.6 s after the start)
            await settle(pilot)
            assert app.backend.fresh("first:decisions") is not None
            builds.clear()
            await pilot.press("2")
            await settle(pilot)
            table = app.screen.query_one(PagedTable)
            assert table.row_count and builds == [("list", False)], size


async def test_the_dashboard_groups_digits_in_spanish(demo_db):
    from screens.dashboard import Panel

    app = make_app(demo_db, lang="es")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        card = app.screen.query(LightCard).first()
        card.show(1234, {"overdue": 1234})
        panel = app.screen.query(Panel).first()
        panel.show_count(12345)
        await settle(pilot)
        assert "1.234" in str(card.shown) and "1,234" not in str(card.shown)
        assert panel.border_title.endswith("· 12.345")


async def test_units_say_what_their_figures_cover(demo_db):
    """North Station's 'on time 100%' while overdue, beside Scores' 50%: the screen says its figures
    are all time and its rate counts closed work only, and how Scores count."""
    from superviser.read import units

    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        shown = " ".join(screen_text(app).split())
        assert units.explained() in shown and "Scores: per period, overdue as late." in shown
        assert "All time, not a period. on time: share of the closed objectives" in shown


async def test_scores_say_the_counts_are_the_lead_units_and_the_points_the_co_units_too(demo_db):
    """West Station: 'closed on time 0 … points +0.5', the half point its work as co-unit."""
    from screens.scores import ScoresScreen

    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3", "s")
        await settle(pilot)
        assert isinstance(app.screen, ScoresScreen)
        shown = " ".join(screen_text(app).split())
        assert "Counts: as lead unit only. Points: as lead and as co-unit (×0.5)." in shown


async def test_scores_rules_are_shown_whole_at_80x24_in_spanish(demo_db):
    """In Spanish the rules and what the figures count take five lines at 80 columns: all
    five are on the screen, none cut off under the table."""
    from textual.geometry import Region

    app = make_app(demo_db, lang="es")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3", "s")
        await settle(pilot)
        rules = app.screen.query_one("#score-rules")
        seen = " ".join(strip.text for strip in rules.render_lines(Region(0, 0, *rules.size)))
        assert "colaboradora (×0.5)." in " ".join(seen.split())
