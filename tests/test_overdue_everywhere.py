"""Overdue is a fact; the light is a judgement (issue 11): one database with the office's
lights set in every direction, and every surface that counts or lists overdue work
agreeing on it: the dashboard's counts and panels, the review queue, Deadlines, the
unit scorecards, the digest, the bulletin and every export format read back.

Today is 2026-11-20; a deadline within 3 days is near, 14 days without a report is silent.
"""

from __future__ import annotations

import csv
import html.parser
import io
import re

import pytest
from docx import Document
from openpyxl import load_workbook

from superviser import digest, review, store
from superviser.exports.report import Scope, build
from superviser.exports.run import export
from superviser.read import counts, dashboard, units
from superviser.services import steps

OVERDUE_SECTION = "Overdue, and the units behind"


@pytest.fixture
def judged(office, set_now):
    """name → ref, and what each is: overdue or not, its light, whether the office set it."""
    o = office.objective
    refs = {
        # overdue, the office's light in every direction
        "overdue_set_green": o(title="Overdue set green", lead="Finance", co=["East Station"], deadline="2026-11-10",
                               status="in_progress"),
        "overdue_set_yellow": o(title="Overdue set yellow", lead="East Station", deadline="2026-11-15",
                                status="accepted"),
        "overdue_set_red": o(title="Overdue set red", lead="Planning", deadline="2026-11-18", status="assigned"),
        # not overdue, set red: the "set red but due in 25 days"
        "later_set_red": o(title="Later set red", lead="Finance", deadline="2026-12-15", status="in_progress"),
        "due_soon_set_green": o(title="Due soon set green", lead="East Station", deadline="2026-11-22",
                                status="in_progress"),
        "on_track_set_yellow": o(title="On track set yellow", lead="Finance", deadline="2027-01-31",
                                 status="in_progress"),
        "submitted_late_set_red": o(title="Submitted late set red", lead="Planning", deadline="2026-11-10",
                                    status="submitted"),
        "closed_was_red": o(title="Closed, was set red", lead="Finance", deadline="2026-11-01", status="in_progress"),
        "suspended_late_set_red": o(title="Suspended late set red", lead="Finance", deadline="2026-11-02",
                                    status="in_progress"),
        # no judgement
        "overdue": o(title="Plainly overdue", lead="Finance", co=["Planning"], deadline="2026-11-12",
                     status="in_progress"),
        "overdue_registered": o(title="Overdue, never assigned", lead="East Station", deadline="2026-11-19"),
        "overdue_returned": o(title="Overdue and returned", lead="Planning", deadline="2026-11-05", status="returned"),
        "due_soon": o(title="Plainly due soon", lead="Finance", deadline="2026-11-21", status="in_progress"),
        "on_track": o(title="Plainly on track", lead="Planning", deadline="2027-02-28", status="in_progress"),
    }
    # accepted a month ago and silent since, then judged green
    set_now("2026-10-20T09:00:00Z")
    refs["silent_set_green"] = o(title="Silent set green", lead="Planning", deadline="2027-01-15", status="accepted")
    refs["silent"] = o(title="Plainly silent", lead="East Station", deadline="2027-01-20", status="accepted")
    set_now("2026-11-20T09:00:00Z")
    d = office.director
    for name, colour in (("overdue_set_green", "green"), ("overdue_set_yellow", "yellow"), ("overdue_set_red", "red"),
                         ("later_set_red", "red"), ("due_soon_set_green", "green"), ("on_track_set_yellow", "yellow"),
                         ("submitted_late_set_red", "red"), ("closed_was_red", "red"),
                         ("suspended_late_set_red", "red"), ("silent_set_green", "green")):
        steps.light(d, refs[name], colour=colour, reason=f"judged {colour}")
    steps.complete(office.session("li"), refs["closed_was_red"], text="done")
    steps.verify(d, refs["closed_was_red"])
    steps.suspend(d, refs["suspended_late_set_red"], reason="waiting for the budget")
    return refs


OVERDUE = {"overdue_set_green", "overdue_set_yellow", "overdue_set_red", "overdue", "overdue_registered",
           "overdue_returned"}
OVERDUE_BY_LEAD = {"Finance": 2, "East Station": 2, "Planning": 2}  # and as co-unit: East Station 1, Planning 1
RED = {"overdue_set_red", "overdue", "overdue_registered", "overdue_returned", "later_set_red",
       "submitted_late_set_red"}


def names(refs: dict, found) -> set[str]:
    by_ref = {ref: name for name, ref in refs.items()}
    return {by_ref[ref] for ref in found}


def dashboard_counts_and_lists_the_facts(office, judged):
    db = store.connect(office.path)
    found = counts.overview(db)
    assert found["reasons"]["overdue"] == len(OVERDUE)
    assert found["lights"]["red"] == len(RED)
    # "6 red: 4 overdue, 2 set red by the office"
    assert found["causes"]["red"] == {"overdue": 4, "override": 2}
    assert found["causes"]["green"]["override"] == 3  # overdue, due soon and silent, judged green
    assert found["causes"]["yellow"]["override"] == 2
    assert found["causes"]["grey"] == {"closed": 1, "suspended": 1}  # the office's light ends with the work
    assert names(judged, [r["ref"] for r in dashboard.panel(db, "overdue", limit=100)]) == OVERDUE
    assert names(judged, [r["ref"] for r in dashboard.panel(db, "due-soon", limit=100)]) == {"due_soon",
                                                                                              "due_soon_set_green"}
    assert names(judged, [r["ref"] for r in dashboard.panel(db, "silent", limit=100)]) == {"silent",
                                                                                            "silent_set_green"}
    assert found["reasons"]["due_soon"] == 2 and found["reasons"]["silent"] == 2
    # each row carries its light, and whether the office set it
    rows = {r["ref"]: r for r in dashboard.panel(db, "overdue", limit=100)}
    assert rows[judged["overdue_set_green"]]["light"] == "green" and rows[judged["overdue_set_green"]]["set_by_office"]
    assert rows[judged["overdue_set_red"]]["light"] == "red" and rows[judged["overdue"]]["set_by_office"] is False


def review_queue_calls_overdue_only_what_is(office, judged):
    queue = review.queue(store.connect(office.path), "boss")
    by_category: dict[str, set[str]] = {}
    for item in queue:
        by_category.setdefault(item["category"], set()).add(item["ref"])
    assert names(judged, by_category["overdue"]) == OVERDUE
    # set red but not overdue: its own category, right after overdue
    assert names(judged, by_category["flagged"]) == {"later_set_red", "submitted_late_set_red"}
    assert [item["category"] for item in queue][:len(OVERDUE) + 2] == ["overdue"] * len(OVERDUE) + ["flagged"] * 2
    assert names(judged, by_category["due_soon"]) == {"due_soon", "due_soon_set_green"}
    assert names(judged, by_category["silent"]) == {"silent", "silent_set_green"}


def deadlines_and_scorecards_count_the_same_overdue(office, judged):
    from screens.deadlines import fetch_deadlines

    with_heading, heading = [], None
    for row in fetch_deadlines(office.director, limit=100).rows:
        if row.get("heading"):
            heading = row["heading"]
        elif heading == "Overdue":
            with_heading.append(row["ref"])
    assert names(judged, with_heading) == OVERDUE
    cards = {card["name"]: card for card in units.scorecards(store.connect(office.path))}
    assert {name: cards[name]["lead"]["overdue"] for name in OVERDUE_BY_LEAD} == OVERDUE_BY_LEAD
    assert sum(card["lead"]["overdue"] for card in cards.values()) == len(OVERDUE)
    assert cards["East Station"]["co"]["overdue"] == 1 and cards["Planning"]["co"]["overdue"] == 1


def digest_lists_the_facts_with_the_offices_light_beside_them(office, judged):
    result = digest.digest(store.connect(office.path))
    sections = {s["key"]: [row["ref"] for _unit, rows in s["units"] for row in rows] for s in result["sections"]}
    assert names(judged, sections["overdue"]) == OVERDUE
    assert names(judged, sections["due_soon"]) == {"due_soon", "due_soon_set_green"}
    assert names(judged, sections["silent"]) == {"silent", "silent_set_green"}
    text = digest.render(result)
    line = next(line for line in text.splitlines() if f"{judged['overdue_set_green']} " in line)
    assert "overdue by 10 days" in line and "○ green (set by the office: judged green)" in line


def bulletin_counts_agree_with_its_lists_and_scorecards(office, judged):
    report = build(store.connect(office.path), Scope(), "boss")
    figures = report.counts()
    assert figures["overdue"] == len(OVERDUE) == sum(len(rows) for _unit, rows in report.behind())
    assert names(judged, [r["ref"] for r in report.overdue()]) == OVERDUE
    assert sum(card["lead"]["overdue"] for card in report.scorecards) == len(OVERDUE)
    assert figures["lights"]["red"] == len(RED) and figures["causes"]["red"] == {"overdue": 4, "override": 2}


# --- every export format, read back ---------------------------------------------------------

def _ledger(rows: list[list]) -> dict[str, dict]:
    header_at = next(i for i, row in enumerate(rows) if row and row[0] == "reference")
    header = rows[header_at]
    return {row[0]: dict(zip(header, row)) for row in rows[header_at + 1:] if row and row[0]}


def _check_ledger(judged: dict, ledger: dict[str, dict]) -> None:
    late = {ref for ref, row in ledger.items() if int(row["days overdue"] or 0) > 0}
    assert names(judged, late) == OVERDUE
    set_by_office = {ref for ref, row in ledger.items() if "set by the office" in str(row["light"])}
    assert names(judged, set_by_office) == {"overdue_set_green", "overdue_set_yellow", "overdue_set_red",
                                            "later_set_red", "due_soon_set_green", "on_track_set_yellow",
                                            "submitted_late_set_red", "silent_set_green"}
    assert ledger[judged["overdue_set_green"]]["light"] == "○ green (set by the office: judged green)"
    red = {ref for ref, row in ledger.items() if str(row["light"]).startswith("● red")}
    assert names(judged, red) == RED


def csv_and_xlsx_ledgers(office, judged, tmp_path):
    made = export(office.director, "csv", Scope(), tmp_path / "ledger.csv")
    rows = list(csv.reader(io.StringIO(made.path.read_text(encoding="utf-8-sig"))))
    _check_ledger(judged, _ledger(rows))

    made = export(office.director, "xlsx", Scope(), tmp_path / "ledger.xlsx")
    book = load_workbook(made.path)
    _check_ledger(judged, _ledger([list(r) for r in book["Ledger"].iter_rows(values_only=True)]))
    cards = [list(r) for r in book["Scorecards"].iter_rows(values_only=True)]
    header = next(r for r in cards if r and r[0] == "unit")
    by_unit = {r[0]: dict(zip(header, r)) for r in cards[cards.index(header) + 1:] if r and r[0]}
    assert {name: by_unit[name]["overdue"] for name in OVERDUE_BY_LEAD} == OVERDUE_BY_LEAD
    assert by_unit["East Station"]["co overdue"] == 1 and by_unit["Planning"]["co overdue"] == 1


class _Blocks(html.parser.HTMLParser):
    """An HTML bulletin as (kind, cells) blocks: h2, h3, p, tr."""

    def __init__(self):
        super().__init__()
        self.blocks: list[tuple[str, list[str]]] = []
        self._cells: list[str] | None = None
        self._text: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("h2", "h3", "p", "tr"):
            self._cells = []
        if tag in ("h2", "h3", "p", "td", "th"):
            self._text = []

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag in ("td", "th", "h2", "h3", "p") and self._text is not None and self._cells is not None:
            self._cells.append("".join(self._text))
            self._text = None
        if tag in ("h2", "h3", "p", "tr") and self._cells is not None:
            self.blocks.append((tag, self._cells))
            self._cells = None


def _markdown_blocks(text: str) -> list[tuple[str, list[str]]]:
    blocks = []
    for line in text.splitlines():
        if line.startswith("## "):
            blocks.append(("h2", [line[3:]]))
        elif line.startswith("### "):
            blocks.append(("h3", [line[4:]]))
        elif line.startswith("| "):
            blocks.append(("tr", [cell.strip().replace("\\", "") for cell in line.strip("|").split(" | ")]))
        elif line.strip() and not line.startswith(("|", ">", "#", "**")):
            blocks.append(("p", [line.strip()]))
    return blocks


def _docx_blocks(path) -> list[tuple[str, list[str]]]:
    document = Document(path)
    paragraphs = {p._p: p for p in document.paragraphs}
    tables = {t._tbl: t for t in document.tables}
    blocks = []
    for child in document.element.body.iterchildren():
        if child in paragraphs:
            paragraph = paragraphs[child]
            kind = {"Heading 1": "h2", "Heading 3": "h3"}.get(paragraph.style.name, "p")  # sections, captions
            blocks.append((kind, [paragraph.text]))
        elif child in tables:
            blocks += [("tr", [cell.text for cell in row.cells]) for row in tables[child].rows]
    return blocks


def _section(blocks, title: str) -> list[tuple[str, list[str]]]:
    start = next(i for i, (kind, cells) in enumerate(blocks) if kind == "h2" and cells[0] == title)
    end = next((i for i, (kind, _c) in enumerate(blocks) if i > start and kind == "h2"), len(blocks))
    return blocks[start + 1:end]


def _check_bulletin(judged: dict, blocks) -> None:
    summary = " ".join(cells[0] for kind, cells in _section(blocks, "Summary") if kind == "p")
    assert f"{len(OVERDUE)} overdue." in summary
    assert "6 red (4 overdue, 2 set red by the office)" in summary
    overdue = _section(blocks, OVERDUE_SECTION)
    listed = {cells[0] for kind, cells in overdue if kind == "tr" and re.fullmatch(r"\d{4}-\d{3}\.\d+", cells[0])}
    assert names(judged, listed) == OVERDUE
    captions = [cells[0] for kind, cells in overdue if kind == "h3"]
    assert sorted(captions) == ["East Station: 2 overdue", "Finance: 2 overdue", "Planning: 2 overdue"]
    cards = [cells for kind, cells in _section(blocks, "Unit scorecards") if kind == "tr"]
    header = cards[0]
    by_unit = {cells[0].strip(): dict(zip(header, cells)) for cells in cards[1:]}
    assert {name: int(by_unit[name]["overdue"]) for name in OVERDUE_BY_LEAD} == OVERDUE_BY_LEAD
    assert int(by_unit["East Station"]["co overdue"]) == 1 and int(by_unit["Planning"]["co overdue"]) == 1


def markdown_html_and_docx_bulletins(office, judged, tmp_path):
    made = export(office.director, "md", Scope(), tmp_path / "bulletin.md")
    _check_bulletin(judged, _markdown_blocks(made.path.read_text(encoding="utf-8")))

    made = export(office.director, "html", Scope(), tmp_path / "bulletin.html")
    parser = _Blocks()
    parser.feed(made.path.read_text(encoding="utf-8"))
    _check_bulletin(judged, parser.blocks)

    made = export(office.director, "docx", Scope(), tmp_path / "bulletin.docx")
    _check_bulletin(judged, _docx_blocks(made.path))


def test_overdue_is_the_same_fact_on_every_surface(office, judged, tmp_path):
    dashboard_counts_and_lists_the_facts(office, judged)
    review_queue_calls_overdue_only_what_is(office, judged)
    deadlines_and_scorecards_count_the_same_overdue(office, judged)
    digest_lists_the_facts_with_the_offices_light_beside_them(office, judged)
    bulletin_counts_agree_with_its_lists_and_scorecards(office, judged)
    csv_and_xlsx_ledgers(office, judged, tmp_path)
    markdown_html_and_docx_bulletins(office, judged, tmp_path)
