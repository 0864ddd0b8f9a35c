"""The assessment (考核): scores from the log alone, every point checked against a log built
with known events on known days (the clock is frozen for each step)."""

import json

import pytest
from docx import Document
from openpyxl import load_workbook

from superviser import audit, clock, journal, store
from superviser.assessment import periods, scorer
from superviser.assessment.scorer import UnitScore
from superviser.errors import Forbidden, InvalidInput, Refused
from superviser.exports.report import Scope, Steps, steps_of
from superviser.exports.run import export
from superviser.services import Session, assessment, corrections, org, registry, steps, undo


def on(day: str, fn, *args, **kwargs):
    """Take a step as if it were 09:00 on ``day``."""
    with clock.frozen(clock.parse_stamp(f"{day}T09:00:00Z")):
        return fn(*args, **kwargs)


class History:
    """An office whose fourth quarter of 2026 holds known events (see ``build``)."""

    def __init__(self, path):
        self.path = path
        self.boss = on("2026-09-01", org.init, path, "boss", "Bao Si")
        for name in ("General Office", "Finance", "Planning", "East Station"):
            on("2026-09-01", org.unit_add, self.boss, name)
        for login, unit in (("li", "Finance"), ("plan", "Planning"), ("east", "East Station")):
            on("2026-09-01", org.person_add, self.boss, login, login, "liaison", unit)
        on("2026-09-01", org.person_add, self.boss, "sup", "Su Pei", "supervisor", "General Office")
        self.decision = on("2026-09-01", registry.decision_add, self.boss, "Winter safety", source="meeting",
                           decided_on="2026-09-01").ref
        self.seq: dict[str, int] = {}
        self.refs: dict[str, str] = {}  # reference → the name the tests give the objective

    def session(self, login: str) -> Session:
        return Session(store.connect(self.path), login)

    def objective(self, day, title, lead, deadline, co=()):
        made = on(day, registry.objective_add, self.boss, self.decision, title, lead=lead, co=list(co),
                  deadline=deadline, assign=True)
        self.seq[f"{title}.add"] = made.seq - 1  # the registration, before the assignment
        self.refs[made.ref] = title
        return made.ref

    def build(self):
        boss, sup = self.boss, self.session("sup")
        li, plan, east = self.session("li"), self.session("plan"), self.session("east")
        # F, in the third quarter: its urge must not count in the fourth.
        f = self.objective("2026-09-02", "F", "East Station", "2026-12-31")
        self.seq["F.urge"] = on("2026-09-15", steps.urge, sup, f).seq
        # A: Finance with Planning, completed and closed before its deadline.
        a = self.objective("2026-10-01", "A", "Finance", "2026-11-10", co=["Planning"])
        on("2026-10-02", steps.accept, li, a)
        on("2026-11-08", steps.complete, li, a, text="done")
        self.seq["A.verify"] = on("2026-11-09", steps.verify, boss, a).seq
        # B: Finance, late on 21 October, urged three times, closed late.
        b = self.objective("2026-10-01", "B", "Finance", "2026-10-20")
        on("2026-10-02", steps.accept, li, b)
        self.seq["B.urge1"] = on("2026-10-25", steps.urge, sup, b).seq
        self.seq["B.urge2"] = on("2026-10-28", steps.urge, sup, b).seq
        self.seq["B.urge3"] = on("2026-11-02", steps.urge, sup, b).seq
        on("2026-11-05", steps.complete, li, b, text="late but done")
        on("2026-11-06", steps.verify, boss, b)
        # C: East Station, a completion sent back, then closed on time.
        c = self.objective("2026-10-01", "C", "East Station", "2026-11-30")
        on("2026-10-02", steps.accept, east, c)
        on("2026-11-10", steps.complete, east, c, text="done")
        self.seq["C.sendback"] = on("2026-11-12", steps.sendback, boss, c, reason="photos missing").seq
        on("2026-11-15", steps.complete, east, c, text="done, with photos")
        self.seq["C.verify"] = on("2026-11-20", steps.verify, boss, c).seq
        # D: an urge undone gives nothing.
        d = self.objective("2026-10-01", "D", "Finance", "2026-12-31")
        urged = on("2026-11-03", steps.urge, boss, d)
        on("2026-11-04", undo.undo, boss, urged.seq)
        # E: Planning; the director moves the deadline before it passes, but the original decides.
        e = self.objective("2026-10-01", "E", "Planning", "2026-11-05")
        on("2026-10-02", steps.accept, plan, e)
        on("2026-11-01", corrections.deadline, boss, e, to="2026-12-31", reason="the province moved it")
        return self


@pytest.fixture
def history(tmp_path):
    return History(tmp_path / "scores.db").build()


Q4 = periods.parse("2026Q4")


def points(result, unit: str, names: dict) -> list[tuple]:
    found = next(u for u in result.units if u.name == unit)
    return [(p.seq, p.day, names[p.ref], p.rule, p.role, p.points) for p in found.points]


def test_every_point_from_its_entry_and_rule(history):
    result = on("2027-01-03", scorer.compute, store.connect(history.path), Q4)
    s = history.seq
    assert points(result, "Finance", history.refs) == [
        (s["B.add"], "2026-10-21", "B", "late", "lead", -1.0),       # the entry that set the deadline
        (s["B.urge1"], "2026-10-25", "B", "urge", "lead", -0.5),
        (s["B.urge2"], "2026-10-28", "B", "urge", "lead", -0.5),
        (s["B.urge3"], "2026-11-02", "B", "notice", "lead", -1.0),
        (s["A.verify"], "2026-11-09", "A", "on_time", "lead", 1.0),
    ]
    assert points(result, "Planning", history.refs) == [
        (s["E.add"], "2026-11-06", "E", "late", "lead", -1.0),       # the original deadline, not the moved one
        (s["A.verify"], "2026-11-09", "A", "on_time", "co", 0.5),
    ]
    assert points(result, "East Station", history.refs) == [
        (s["C.sendback"], "2026-11-12", "C", "sendback", "lead", -2.0),
        (s["C.verify"], "2026-11-20", "C", "on_time", "lead", 1.0),
    ]


def test_scores_ranks_and_units_without_matters(history):
    result = on("2027-01-03", scorer.compute, store.connect(history.path), Q4)
    table = {u.name: (u.score, u.rank, u.matters) for u in result.units}
    assert table == {"Planning": (99.5, 1, 2), "East Station": (99.0, 2, 2), "Finance": (98.0, 3, 3),
                     "General Office": (None, None, 0)}
    finance = result.unit(next(u.unit_id for u in result.units if u.name == "Finance"))
    assert finance.counts == {"on_time": 1, "late": 1, "urge": 2, "notice": 1, "sendback": 0}
    assert finance.on_time_rate == 50
    assert result.rules.text() == ("base 100; closed on time +1; late −1; urged −0.5; supervision notice −1; "
                                   "sent back −2; lead ×1, co-unit ×0.5")


def test_the_third_quarter_keeps_its_own_points(history):
    q3 = on("2027-01-03", scorer.compute, store.connect(history.path), periods.parse("2026Q3"))
    assert points(q3, "East Station", history.refs) == [(history.seq["F.urge"], "2026-09-15", "F", "urge", "lead", -0.5)]
    assert {u.name: u.score for u in q3.units}["Finance"] is None  # nothing at work yet in the third quarter



@pytest.mark.parametrize("period", ["2026Q3", "2026Q4", "2026-11-03..2026-11-20"])
def test_the_walk_given_the_log_an_export_decoded_scores_the_same(history, period, monkeypatch):
    """An export of everything hands the walk each entry its steps decoded (Steps.entries), every
    one of them, then the newest entries as stored, whose steps the export reads itself: the
    same scores as the walk reading the log itself, and together every step once."""
    monkeypatch.setattr(Steps, "PAGE", 10)
    db = store.connect(history.path)
    with store.snapshot(db):
        head = journal.head(db)[0]
        steps = steps_of(db, Scope(), head)
        pages: list = []
        shared = on("2027-01-03", scorer.compute, db, periods.parse(period), log=steps.entries(pages.append, head - 25))
        alone = on("2027-01-03", scorer.compute, db, periods.parse(period))
        assert shared == alone and any(unit.points for unit in alone.units)
        assert len(pages) >= 2 and pages[-1][-1][0] == head - 25
        rest = [row for page in steps.pages(head - 25) for row in page]
        assert [row for page in pages for row in page] + rest == list(steps) and len(rest) >= 20


def test_ties_share_a_rank():
    units = [UnitScore(i, name, True, matters=1, score=score) for i, (name, score) in
             enumerate([("a", 98.0), ("b", 99.0), ("c", 100.0), ("d", 99.0)])] + [UnitScore(9, "e", True)]
    scorer._rank(units)
    assert [(u.name, u.rank) for u in units] == [("c", 1), ("b", 2), ("d", 2), ("a", 4), ("e", None)]


def test_a_period_is_scored_with_the_rules_in_force_on_its_last_day(history):
    boss = history.boss
    changed = on("2026-12-15", org.setting_set, boss, "score.urge", "-1")
    after = on("2027-01-02", org.setting_set, boss, "score.notice", "-5")
    result = on("2027-01-03", scorer.compute, store.connect(history.path), Q4)
    assert result.rules.values["urge"] == -1 and result.rules.values["notice"] == -1
    assert changed.seq in result.rules.set_by and after.seq not in result.rules.set_by
    assert [p[-1] for p in points(result, "Finance", history.refs)] == [-1.0, -1.0, -1.0, -1.0, 1.0]
    q1 = on("2027-01-03", scorer.compute, store.connect(history.path), periods.parse("2027Q1"))
    assert q1.rules.values["notice"] == -5


def test_published_scores_stand_when_a_rule_changes_after_the_period(history):
    db = store.connect(history.path)
    before = on("2027-01-03", scorer.compute, db, Q4)
    on("2027-01-04", assessment.publish, history.boss, "2026Q4")
    on("2027-01-05", org.setting_set, history.boss, "score.late", "-5")
    on("2027-01-05", org.setting_set, history.boss, "score.on_time", "3")
    for fresh in (False, True):
        again = on("2027-01-06", scorer.scores, store.connect(history.path), Q4, fresh=fresh)
        assert [(u.name, u.score, u.rank) for u in again.units] == [(u.name, u.score, u.rank) for u in before.units]
        assert again.published is not None and again.differs == []
    kept = again.published["scores"]
    assert {row["unit"]: row["score"] for row in kept} == {"Planning": 99.5, "East Station": 99.0, "Finance": 98.0,
                                                           "General Office": None}
    assert again.published["rules"]["values"]["late"] == -1
    assert audit.run(store.connect(history.path)).ok


def test_published_figures_are_shown_even_when_the_log_now_differs(history):
    """A step undone after publication: the published figures stay, and it is said that the
    log now gives other figures."""
    f = next(ref for ref, name in history.refs.items() if name == "F")
    urged = on("2026-12-20", steps.urge, history.boss, f)
    on("2027-01-04", assessment.publish, history.boss, "2026Q4")
    on("2027-01-05", undo.undo, history.boss, urged.seq, reason="urged the wrong objective")
    shown = on("2027-01-06", scorer.scores, store.connect(history.path), Q4)
    assert {u.name: u.score for u in shown.units}["East Station"] == 98.5
    assert shown.differs == ["East Station"]
    fresh = on("2027-01-06", scorer.scores, store.connect(history.path), Q4, fresh=True)
    assert {u.name: u.score for u in fresh.units}["East Station"] == 99.0


def test_publishing_is_the_directors_once_the_period_has_ended(history):
    with pytest.raises(Refused, match="publish its scores once it has ended"):
        on("2026-12-30", assessment.publish, history.boss, "2026Q4")
    with pytest.raises(Forbidden):
        on("2027-01-04", assessment.publish, history.session("sup"), "2026Q4")
    made = on("2027-01-04", assessment.publish, history.boss, "2026Q4")
    entry = store.connect(history.path).conn.execute("SELECT action, changes FROM log WHERE seq = ?",
                                                     (made.seq,)).fetchone()
    assert entry[0] == "score.publish" and "score_publications#1" in json.loads(entry[1])
    with pytest.raises(Refused, match="published scores are not changed"):
        on("2027-01-05", assessment.publish, history.boss, "2026Q4")


@pytest.mark.parametrize("text,since,until", [
    ("2026Q4", "2026-10-01", "2026-12-31"), ("2026q1", "2026-01-01", "2026-03-31"),
    ("2026", "2026-01-01", "2026-12-31"), ("2026-02", "2026-02-01", "2026-02-28"),
    ("2026-11-03..2026-11-20", "2026-11-03", "2026-11-20"),
])
def test_periods(text, since, until):
    period = periods.parse(text)
    assert (period.since.isoformat(), period.until.isoformat()) == (since, until)


@pytest.mark.parametrize("text", ["2026Q5", "2026-13", "Q4", "2026-11-20..2026-11-01", "1999", ""])
def test_periods_refused(text):
    with pytest.raises(InvalidInput):
        periods.parse(text)


def test_periods_step_back_and_forth():
    assert periods.parse("2026Q1").shifted(-1).label == "2025Q4"
    assert periods.parse("2026-12").shifted(1).label == "2027-01"
    assert periods.parse("2026").shifted(-1).label == "2025"


@pytest.mark.parametrize(("text", "steps"), [("2000Q1", -1), ("2100-12", 1), ("2000-01-01..2050-12-31", -1),
                                             ("2000-01-01..2050-12-31", 9_000), ("2026", -30_000)])
def test_a_period_stepped_beyond_the_years_a_period_may_name_is_refused_as_typing_it_would_be(text, steps):
    with pytest.raises(InvalidInput, match="outside the years 2000 to 2100"):
        periods.parse(text).shifted(steps)


def test_the_cli_prints_the_same_figures_and_publishes(history, cli, set_now, monkeypatch):
    set_now("2027-01-03T09:00:00Z")
    monkeypatch.setenv("COLUMNS", "200")  # the explanations in full
    ran = cli("--db", history.path, "score", "--period", "2026Q4", "--json")
    assert ran.code == 0, ran.err
    data = json.loads(ran.out)
    expected = scorer.compute(store.connect(history.path), Q4)
    assert [(u["unit"], u["score"], u["rank"]) for u in data["units"]] == [
        (u.name, u.score, u.rank) for u in expected.units]
    finance = next(u for u in data["units"] if u["unit"] == "Finance")
    assert [(d["seq"], d["rule"], d["points"]) for d in finance["details"]][0] == (history.seq["B.add"], "late", -1.0)
    text = cli("--db", history.path, "score", "--period", "2026Q4")
    assert "no matters" in text.out and "Rules in force on 2026-12-31" in text.out
    assert "Counts: as lead unit only. Points: as lead and as co-unit (×0.5)." in text.out
    explained = cli("--db", history.path, "score", "--period", "2026Q4", "--unit", "Finance")
    assert "not completed by the original deadline 2026-10-20" in explained.out
    monkeypatch.setenv("SUPERVISER_USER", "sup")
    assert cli("--db", history.path, "score", "--period", "2026Q4", "--publish").code == 5
    monkeypatch.setenv("SUPERVISER_USER", "boss")
    assert cli("--db", history.path, "score", "--period", "2026Q4", "--publish").code == 0
    again = cli("--db", history.path, "score", "--period", "2026Q4", "--publish")
    assert again.code == 4 and len(again.err.strip().splitlines()) == 1
    assert "Published" in cli("--db", history.path, "score", "--period", "2026Q4").out
    assert cli("--db", history.path, "score", "--period", "2026Q9").code == 2


def test_exports_carry_the_scores(history, tmp_path, set_now):
    set_now("2027-01-03T09:00:00Z")
    scope = Scope(since=periods.parse("2026Q4").since, until=periods.parse("2026Q4").until)
    made = export(history.boss, "xlsx", scope, tmp_path / "ledger.xlsx")
    rows = list(load_workbook(made.path)["Scores"].iter_rows(values_only=True))
    assert rows[3][:3] == ("rank", "unit", "score")
    assert [r[:3] for r in rows[4:]] == [(1, "Planning", 99.5), (2, "East Station", 99), (3, "Finance", 98),
                                         ("", "General Office", "no matters")]
    points_sheet = list(load_workbook(made.path)["Points"].iter_rows(values_only=True))
    assert len(points_sheet) - 4 == 9  # every point, one a row
    document = Document(export(history.boss, "docx", scope, tmp_path / "bulletin.docx").path)
    headings = [p.text for p in document.paragraphs]
    assert "Assessment (考核)" in headings
    table = document.tables[-1]
    assert [c.text for c in table.rows[1].cells][:4] == ["1", "Planning", "99.5", "−0.5"]


def test_the_rules_say_how_a_units_row_adds_up():
    from datetime import date

    from superviser.assessment.rules import Rules

    rules = Rules({"base": 100, "on_time": 1, "late": -1, "urge": -0.5, "notice": -1, "sendback": -2, "lead": 1,
                   "co": 0.25}, date(2026, 12, 31))
    assert rules.counted() == "Counts: as lead unit only. Points: as lead and as co-unit (×0.25)."
