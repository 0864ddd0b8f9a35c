"""Search: short (Chinese) words through the pair index, anywhere in the text; a
search looks at the newest matches only, so a common word costs no more than a rare one."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from superviser import store
from superviser.read import decisions, objectives, search
from superviser.read.objectives import Filter
from superviser.services import registry


def found(office, text: str, **kw) -> list[str]:
    return [r["title"] for r in objectives.list_objectives(store.connect(office.path), Filter(search=text), limit=None,
                                                           order="ref", **kw)]


@pytest.fixture
def titled(office):
    for title, detail in (("安全检查", ""), ("检查消防安全", ""), ("大桥维修", "桥面安全"), ("Fix IT desks", ""),
                          ("Inspect the boiler", "安全阀")):
        registry.objective_add(office.director, office.decision, title, lead="Finance", deadline="2026-12-20",
                               detail=detail)
    return office


def test_two_character_words_anywhere_in_the_text(titled):
    assert found(titled, "安全") == ["安全检查", "检查消防安全", "大桥维修", "Inspect the boiler"]  # start, end, detail
    assert found(titled, "检查") == ["安全检查", "检查消防安全"]
    assert found(titled, "消防") == ["检查消防安全"]
    assert found(titled, "防火") == []
    assert found(titled, "it") == ["Fix IT desks"]  # any case, like the rest of search


def test_one_character_words_and_words_together(titled):
    assert found(titled, "桥") == ["大桥维修"]
    assert found(titled, "安全 boiler") == ["Inspect the boiler"]  # a short word with a long one
    assert found(titled, "安全 检查") == ["安全检查", "检查消防安全"]
    assert found(titled, "全检") == ["安全检查"]  # pairs across word boundaries are real text
    assert len(found(titled, "")) == 5  # nothing to search for


def test_punctuation_alone_finds_the_rows_that_hold_it(office, monkeypatch):
    for title in ("Spend 75% of the budget", "Fix_the_gate", "Repair the canopy", "Spend 80% - twice", "A*B plan"):
        registry.objective_add(office.director, office.decision, title, lead="Finance", deadline="2026-12-20")
    assert found(office, "%") == ["Spend 75% of the budget", "Spend 80% - twice"]  # not every row (LIKE's %)
    assert found(office, "_") == ["Fix_the_gate"]
    assert found(office, "*") == ["A*B plan"]
    assert found(office, "%%") == []
    monkeypatch.setattr(search, "CAP", 1)
    db = store.connect(office.path)
    rows, total = objectives.page(db, Filter(search="%"), order="ref")
    assert [r["title"] for r in rows] == ["Spend 80% - twice"] and total is None  # the newest; more not counted


def test_the_pair_index_follows_every_change(titled):
    db = store.connect(titled.path)
    db.conn.execute("UPDATE objectives SET title = '防汛演练' WHERE title = '安全检查'")
    assert found(titled, "安全") == ["检查消防安全", "大桥维修", "Inspect the boiler"]
    assert found(titled, "防汛") == ["防汛演练"]
    db.conn.execute("DELETE FROM log WHERE 0")  # nothing: the log is append-only
    row = db.conn.execute("SELECT id FROM objectives WHERE title = '防汛演练'").fetchone()
    db.conn.execute("PRAGMA foreign_keys = OFF")
    db.conn.execute("DELETE FROM objectives WHERE id = ?", row)
    db.conn.execute("PRAGMA foreign_keys = ON")
    assert found(titled, "防汛") == []
    assert db.conn.execute("INSERT INTO objectives_grams (objectives_grams) VALUES ('integrity-check')")


def test_decisions_find_short_words_too(office):
    registry.decision_add(office.director, "安全生产月", source="meeting", decided_on="2026-11-02", leader="王局")
    db = store.connect(office.path)
    assert [d["title"] for d in decisions.list_decisions(db, search="安全")] == ["安全生产月"]
    assert [d["title"] for d in decisions.list_decisions(db, search="王局")] == ["安全生产月"]
    assert decisions.count_decisions(db, search="生产") == 1


def test_a_search_looks_at_the_newest_matches(office, monkeypatch):
    monkeypatch.setattr(search, "CAP", 4)
    for i in range(6):
        registry.objective_add(office.director, office.decision, f"Boiler {'abcdef'[i]}", lead="Finance",
                               deadline=f"2026-12-{20 - i}")
    db = store.connect(office.path)
    rows, total = objectives.page(db, Filter(search="boiler"), order="deadline")
    assert total is None  # more than it looks at: not counted
    assert [r["title"] for r in rows] == ["Boiler f", "Boiler e", "Boiler d", "Boiler c"]  # the newest, by deadline
    rows, total = objectives.page(db, Filter(search="boiler c"), order="deadline")
    assert total == 1 and [r["title"] for r in rows] == ["Boiler c"]
    assert objectives.page(db, Filter(search="锅炉"), order="deadline") == ([], 0)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                                             max_size=12)), min_size=1, max_size=5))
def test_pairs_worked_out_in_python_are_those_the_triggers_make(values):
    """An import works out its rows' pairs before the write lock, in Python; a search finds them
    only if they are the very tokens the insert trigger's SQL makes of the same text."""
    import sqlite3

    from superviser import grams

    columns = [f"c{i}" for i in range(len(values))]
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE TABLE t ({', '.join(columns)})")
    conn.execute(f"INSERT INTO t VALUES ({', '.join('?' * len(values))})", values)
    assert grams.pairs(values) == conn.execute(f"SELECT {grams._pairs('t', columns)} FROM t").fetchone()[0]
