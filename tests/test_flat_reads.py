"""What the screens read stays as quick in a large office as in a small one: every statement
they run reaches the objectives, the log and the decisions through an index range (or a
partial index that holds only what the list shows), never by reading them all. Checked with
SQLite's own plan of each statement (EXPLAIN QUERY PLAN); benchmarks/app.py and
benchmarks/dashboard.py time them in offices of a million objectives."""

from __future__ import annotations

import re

import pytest

from superviser import review, rhythm, store
from superviser.demo import build_office
from superviser.lifecycle import AWAITED
from superviser.read import dashboard, decisions, log, objectives, units
from superviser.read.objectives import Filter

# A plan step that reads a whole table or index of these (SQLite's words: "SCAN t", or
# "SCAN t USING [COVERING] INDEX i" without a range), as opposed to "SEARCH t USING … (x>?)".
BIG = ("objectives", "log", "decisions", "co_units", "reports", "tally_quiet")
# Partial indexes that hold only the rows of a list read whole through them (the completions
# waiting for the office, the awaited work by deadline).
WHOLE_LIST = {"idx_objectives_waiting", "idx_objectives_awaited"}
# Left as it is: the dashboard's "no report for too long" panel walks the last signs of life
# from the oldest and passes over those of work overdue or due soon one by one (7 ms at a
# million objectives, a third of them overdue, in the prefetch before the first frame).
KNOWN = {"idx_objectives_quiet"}


def _statements(db, read) -> list[str]:
    seen: list[str] = []
    db.conn.set_trace_callback(seen.append)
    try:
        read()
    finally:
        db.conn.set_trace_callback(None)
    return [s for s in seen if s.lstrip().upper().startswith(("SELECT", "WITH"))]


def _full_reads(db, read) -> list[tuple[str, str]]:
    """(statement, plan step) for each step that reads a big table whole."""
    aliases = {}
    found = []
    for sql in _statements(db, read):
        for table, alias in re.findall(r"\b(?:FROM|JOIN)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?", sql):
            if table in BIG and alias:
                aliases[alias] = table
        for step in (row[3] for row in db.conn.execute("EXPLAIN QUERY PLAN " + sql)):
            scan = re.match(r"SCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?$", step)
            # a walk in an order without a filter stops at its LIMIT: every row is one of the page's
            walk = re.search(r"WHERE 1 ORDER BY [^()]* LIMIT \d+", sql)
            if scan and aliases.get(scan[1], scan[1]) in BIG and scan[2] not in WHOLE_LIST | KNOWN and not walk:
                found.append((" ".join(sql.split())[:160], step))
    return found


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from superviser import clock
    from tests.conftest import NOW

    clock.freeze(clock.parse_stamp(NOW))
    path = tmp_path_factory.mktemp("flat") / "demo.db"
    build_office(path, "boss")
    return store.connect(path)


def _reads(db) -> dict:
    unit = units.scorecards(db)[0]["id"]
    decision = decisions.list_decisions(db, limit=1)[0]
    some = objectives.list_objectives(db, Filter(decision=decision["id"]), limit=1)[0]
    return {
        "the dashboard": lambda: dashboard.dashboard(db),
        "the decisions, newest first": lambda: (decisions.list_decisions(db, limit=40),
                                               decisions.list_decisions(db, limit=40, offset=40)),
        "a decision's objectives": lambda: (decisions.get(db, decision["ref"]),
                                             objectives.list_objectives(db, Filter(decision=decision["id"]), order="ref")),
        "an objective": lambda: objectives.detail(db, some["ref"]),
        "the deadlines": lambda: (objectives.page(db, Filter(status=list(AWAITED)), limit=40),
                                  rhythm.due_milestones(db, None, "2026-12-31"),
                                  rhythm.due_milestones(db, "2026-12-01", None)),
        "the log": lambda: (log.entries(db, limit=40), log.count(db)),
        **{f"the {light} objectives": (lambda light=light: (objectives.page(db, Filter(light=light), limit=40),
                                                           objectives.page(db, Filter(light=light), offset=40, limit=40)))
           for light in ("red", "yellow", "green", "grey")},
        "a unit's open objectives": lambda: objectives.page(db, Filter(unit=unit, open_only=True), limit=40),
        "the daily review": lambda: _review(db),
    }


def _review(db) -> None:
    """Opening the review (its sizes and first page, or the page where it stopped), and a page
    after and before each item of the first pages: every category's walk."""
    opened = review.opening(db, "boss")
    for item in opened["items"][::7]:
        review.page(db, "boss", item["at"], 5)
        review.page(db, "boss", limit=5, before=item["at"])
        review.opening(db, "boss", item["id"])
    for rank in range(1, len(review.CATEGORIES) + 1):
        review.page(db, "boss", (rank, "", "", 0), 5)


@pytest.mark.parametrize("name", ["the dashboard", "the decisions, newest first", "a decision's objectives",
                                  "an objective", "the deadlines", "the log", "the red objectives",
                                  "the yellow objectives", "the green objectives", "the grey objectives",
                                  "a unit's open objectives", "the daily review"])
def test_a_screen_reads_through_index_ranges(demo, name):
    assert _full_reads(demo, _reads(demo)[name]) == []


def test_a_units_open_objectives_come_from_its_own_index(demo):
    """Its lead work by deadline from idx_objectives_unit_open, its co-units' from co_units:
    never every open objective in the office sorted (a search of the status index)."""
    unit = units.scorecards(demo)[0]["id"]
    plans = [row[3] for sql in _statements(demo, lambda: objectives.page(demo, Filter(unit=unit, open_only=True)))
             for row in demo.conn.execute("EXPLAIN QUERY PLAN " + sql)]
    assert "SEARCH o USING INDEX idx_objectives_unit_open (lead_unit_id=?)" in plans
    assert "SEARCH c USING INDEX idx_co_units_unit_id (unit_id=?)" in plans
    assert not [p for p in plans if "idx_objectives_status_deadline" in p]


def test_the_whole_log_is_counted_from_its_last_number(demo):
    assert log.count(demo) == demo.conn.execute("SELECT count(*) FROM log").fetchone()[0] > 0


def test_the_check_finds_a_full_read(demo):
    """The check above can fail: the decisions in an order no index has are read whole."""
    found = _full_reads(demo, lambda: demo.conn.execute("SELECT * FROM decisions d ORDER BY d.title LIMIT 5").fetchall())
    assert found and found[0][1].startswith("SCAN d")


def test_the_review_walks_each_category_through_its_index(demo):
    plans = {row[3] for sql in _statements(demo, lambda: _review(demo))
             for row in demo.conn.execute("EXPLAIN QUERY PLAN " + sql)}
    for index in ("idx_objectives_awaited", "idx_objectives_quiet", "idx_objectives_report_due",
                  "idx_objectives_status_deadline", "idx_objectives_waiting", "idx_objectives_light_override"):
        assert any(f"USING INDEX {index} (" in plan for plan in plans), index
    # the completions to verify walk their partial index in order from the start, stopping at the page's end
    assert not [plan for plan in plans if plan.startswith("SCAN o") and plan.split()[-1] not in WHOLE_LIST]
