"""Exports opened with real readers: the contents, Chinese text, and the log's anchor."""

import csv
import io
import json
from datetime import datetime

import pytest
from docx import Document
from openpyxl import load_workbook

from superviser import i18n, journal, store
from superviser.exports.report import Scope
from superviser.exports.run import export
from superviser.services import steps


@pytest.fixture
def stocked(office):
    """A few objectives in different states, one with a Chinese title and a report."""
    late = office.objective(title="修复站台雨棚 canopy", co=["East Station"], deadline="2026-11-15", status="in_progress")
    office.objective(title="Paint the fence", lead="Planning", deadline="2026-12-30", status="closed")
    office.objective(title="Order salt", deadline="2026-12-10", status="assigned")
    steps.urge(office.director, late, text="快一点")
    return office


def anchor(office):
    return journal.head(store.connect(office.path))


def test_xlsx_ledger(stocked, tmp_path):
    head = anchor(stocked)
    made = export(stocked.director, "xlsx", Scope(), tmp_path / "ledger.xlsx")
    book = load_workbook(made.path)
    assert book.sheetnames == ["Ledger", "Log", "Scorecards", "Scores", "Points"]
    sheet = book["Ledger"]
    rows = list(sheet.iter_rows(values_only=True))
    assert head[1] in rows[1][0] and f"#{head[0]}" in rows[1][0]
    header = rows[3]
    assert header[:3] == ("reference", "decision", "decision title") and "light" in header
    body = {r[0]: dict(zip(header, r)) for r in rows[4:]}
    canopy = body["2026-001.1"]
    assert canopy["objective"] == "修复站台雨棚 canopy" and canopy["co-units"] == "East Station"
    assert canopy["light"] == "● red" and canopy["urges"] == 1 and canopy["days overdue"] == 5
    assert canopy["latest report"].startswith("2026-11-20 30% begun")
    # dates are Excel dates, so a meeting can sort and filter on them
    assert canopy["deadline"] == datetime(2026, 11, 15) and canopy["original deadline"] == datetime(2026, 11, 15)
    deadline_cell = sheet.cell(row=5, column=header.index("deadline") + 1)
    assert deadline_cell.is_date and deadline_cell.number_format == "yyyy-mm-dd"
    light_cell = sheet.cell(row=5, column=header.index("light") + 1)
    assert light_cell.fill.fgColor.rgb.endswith("FFC7CE")
    # the ledger's rows are tall where text wraps: every cell keeps to the top, plain or formatted
    cells = {name: sheet.cell(row=5, column=header.index(name) + 1)
             for name in ("reference", "objective", "deadline", "light", "urges")}
    assert all(c.alignment.vertical == "top" for c in cells.values())
    assert cells["objective"].alignment.wrap_text and not cells["reference"].alignment.wrap_text
    assert light_cell.alignment.vertical == "top" and deadline_cell.alignment.horizontal == "left"
    assert sheet.freeze_panes == "A5" and sheet.auto_filter.ref.startswith("A4")
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.print_title_rows == "$4:$4"
    log_rows = list(book["Log"].iter_rows(values_only=True))
    assert any(r[4] and r[4].startswith("urge") and r[5] == "快一点" for r in log_rows[4:])
    assert all(r[1] == datetime(2026, 11, 20, 9, 0) for r in log_rows[4:])  # the frozen clock, UTC
    cards = [r[0] for r in book["Scorecards"].iter_rows(values_only=True)][4:]
    assert "Finance" in cards and "  East Depot" in cards


def test_xlsx_scorecards_say_they_are_all_time(stocked, tmp_path):
    """A period's workbook: its Scorecards sheet (all time, as on the Units screen) says so, as the bulletin does."""
    from datetime import date

    from superviser.read import units

    made = export(stocked.director, "xlsx", Scope(since=date(2026, 11, 1), until=date(2026, 11, 30)), tmp_path / "l.xlsx")
    sheet = load_workbook(made.path)["Scorecards"]
    assert "period 2026-11-01" in sheet["A2"].value and units.explained() in sheet["A3"].value


def test_xlsx_names_are_not_cut(office, tmp_path):
    """A long unit name, or a list of co-units, wraps in its cell instead of being cut by the next one."""
    from rich.cells import cell_len

    from superviser.services import org

    long_name = "市城乡建设和交通运输管理委员会综合规划处"
    org.unit_add(office.director, long_name)
    ref = office.objective(title="Fence", lead=long_name, co=["Finance", "East Station", "East Depot", "Planning"],
                           deadline="2026-12-10", status="in_progress")
    steps.urge(office.director, ref, text="hurry")  # a point for the lead
    book = load_workbook(export(office.director, "xlsx", Scope(), tmp_path / "l.xlsx").path)
    ledger = book["Ledger"]
    header = [c.value for c in ledger[4]]
    assert all(ledger.cell(row=5, column=header.index(name) + 1).alignment.wrap_text
               for name in ("lead unit", "co-units"))
    points = book["Points"]
    assert long_name in [c.value for c in points["A"]]
    assert points.column_dimensions["A"].width >= cell_len(long_name)


def test_xlsx_rates_are_percentages_that_sort(stocked, tmp_path):
    """The on-time rates are numbers shown as percentages (as text, "100%" sorted before "50%")."""
    book = load_workbook(export(stocked.director, "xlsx", Scope(), tmp_path / "l.xlsx").path)
    for name, heading in (("Scorecards", "on time"), ("Scores", "on-time rate")):
        rows = list(book[name].iter_rows(min_row=4))
        column = [c.value for c in rows[0]].index(heading)
        planning = next(row[column] for row in rows if row[0].value == "Planning" or row[1].value == "Planning")
        assert planning.value == 1 and planning.number_format == "0%", name
    md = export(stocked.director, "md", Scope(), tmp_path / "b.md").path.read_text(encoding="utf-8")
    assert "| Planning | 101 | +1 | 1 | 0 | 0 | 0 | 0 | 100% |" in md


def test_xlsx_log_says_what_the_log_reader_says(stocked, tmp_path):
    """The export reads the log its own lean way; each row is what ``read.log`` and
    ``describe.headline`` say of the entry, newest first, up to the head the export names."""
    from superviser import describe
    from superviser.read import log as log_read
    from tests.test_audit_state import full_history

    full_history(stocked)
    db = store.connect(stocked.path)
    made = export(stocked.director, "xlsx", Scope(), tmp_path / "ledger.xlsx")
    units = describe.unit_names(db)
    expected = [(e["seq"], e["actor"], e["objective"] or e["decision"] or "", describe.headline(e, units), e["detail"])
                for e in log_read.entries(db, limit=None) if e["seq"] <= made.head_seq]
    shown = [(r[0], r[2], r[3], r[4], r[5]) for r in load_workbook(made.path)["Log"].iter_rows(values_only=True)][4:]
    assert shown == expected and len(expected) > 30


def test_docx_bulletin_in_chinese(stocked, tmp_path):
    i18n.setup("zh_CN")
    try:
        made = export(stocked.director, "docx", Scope(), tmp_path / "bulletin.docx")
    finally:
        i18n.setup("en")
    document = Document(made.path)
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    assert "督查通报" in paragraphs and made.head_hash in paragraphs
    assert "逾期事项及滞后单位" in paragraphs and "Finance：1项逾期" in paragraphs
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "修复站台雨棚 canopy" in cells and "● 红灯" in cells
    east_asian = document.styles["Normal"].element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
    assert east_asian == "SimSun"
    assert document.sections[0].orientation == 1  # landscape


def test_the_completed_say_yes_or_no_under_a_heading_that_is_not_a_rate(stocked, tmp_path):
    """"on time" heads the scorecards' rate (按时率); the completed objectives' yes or no has its own."""
    i18n.setup("zh_CN")
    try:
        made = export(stocked.director, "docx", Scope(), tmp_path / "bulletin.docx")
    finally:
        i18n.setup("en")
    headings = [[cell.text for cell in table.rows[0].cells] for table in Document(made.path).tables]
    completed = next(h for h in headings if "办结日期" in h)
    assert completed[-1] == "按时办结"
    assert "按时率" in next(h for h in headings if "协办逾期" in h)


def test_csv_ledger_has_a_bom(stocked, tmp_path):
    made = export(stocked.director, "csv", Scope(), tmp_path / "ledger.csv")
    raw = made.path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert made.head_hash in rows[0][0]
    assert rows[1][0] == "reference" and any("修复站台雨棚 canopy" in r for r in rows[2:])
    assert len(rows) == 2 + 3


def test_markdown_and_html_bulletins(stocked, tmp_path):
    md = export(stocked.director, "md", Scope(), tmp_path / "b.md").path.read_text(encoding="utf-8")
    assert md.startswith("# Supervision bulletin") and "## Overdue, and the units behind" in md
    assert "修复站台雨棚 canopy" in md and "--anchor" in md
    page = export(stocked.director, "html", Scope(), tmp_path / "b.html").path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "@media print" in page and "<link" not in page
    assert "修复站台雨棚 canopy" in page and "background:#FFC7CE" in page


def test_user_text_is_escaped(office, tmp_path):
    office.objective(title="<script>alert(1)</script> | [x](javascript:1)", status="assigned")
    page = export(office.director, "html", Scope(), tmp_path / "b.html").path.read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    md = export(office.director, "md", Scope(), tmp_path / "b.md").path.read_text(encoding="utf-8")
    assert "\\<script\\>" in md and "\\| \\[x\\]" in md


def test_markdown_keeps_entities_and_tildes_literal(office, tmp_path):
    from markdown_it import MarkdownIt

    office.objective(title="R&amp;D budget, ~~cut~~ 11月~12月", status="assigned")
    md = export(office.director, "md", Scope(), tmp_path / "b.md").path.read_text(encoding="utf-8")
    shown = MarkdownIt("gfm-like").render(md)
    assert "R&amp;amp;D budget, ~~cut~~ 11月~12月" in shown and "<s>" not in shown


def test_scope(stocked, tmp_path):
    only_red = export(stocked.director, "csv", Scope(light="red"), tmp_path / "red.csv")
    assert only_red.objectives == 1
    planning = export(stocked.director, "csv", Scope(unit="Planning"), tmp_path / "p.csv")
    assert planning.objectives == 1
    # A closed objective is in a period only if it closed within it.
    period = export(stocked.director, "csv", Scope(since=__import__("datetime").date(2026, 11, 21)), tmp_path / "x.csv")
    assert period.objectives == 2


def test_export_is_logged_and_anchors_the_audit(stocked, tmp_path, cli):
    made = export(stocked.director, "md", Scope(), tmp_path / "b.md")
    db = store.connect(stocked.path)
    entry = db.conn.execute("SELECT action, detail, changes FROM log WHERE seq = ?", (made.seq,)).fetchone()
    assert entry[0] == "export" and "b.md" in entry[1] and made.head_hash in entry[2]
    ran = cli("--db", stocked.path, "audit", "--anchor", made.head_hash)
    assert ran.code == 0 and "is in the chain" in ran.out


def test_cli_export(stocked, tmp_path, cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ran = cli("--db", stocked.path, "export", "--format", "xlsx", "--json")
    result = json.loads(ran.out)
    assert ran.code == 0 and result["path"].endswith(".xlsx") and result["objectives"] == 3
    assert (tmp_path / result["path"]).exists() or __import__("pathlib").Path(result["path"]).exists()
    out = cli("--db", stocked.path, "export", "--format", "md", "-o", "-")
    assert out.out.startswith("# Supervision bulletin")
    # docx and xlsx go to standard output too, unless it is a terminal: tests/test_shell.py.


def test_unknown_person_cannot_export(stocked, tmp_path):
    from superviser.errors import Forbidden

    with pytest.raises(Forbidden):
        export(stocked.session("nobody"), "csv", Scope(), tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


def test_until_before_since_is_refused_before_any_file(stocked, tmp_path, cli):
    said = cli("--db", stocked.path, "export", "--format", "csv", "--since", "2026-11-30", "--until", "2026-11-01",
               "-o", str(tmp_path / "ledger.csv"))
    assert said.code == 2 and "until: 2026-11-01 is before 2026-11-30" in said.err
    assert list(tmp_path.glob("ledger*")) == []


def test_the_summary_speaks_of_a_period_only_when_there_is_one(stocked, tmp_path):
    """Without a period the bulletin's summary counts every completion, and says so: "completed
    in the period" read as the quarter the assessment below it covers."""
    whole = export(stocked.director, "md", Scope(), tmp_path / "all.md").path.read_text(encoding="utf-8")
    summary = whole[whole.index("## Summary"):whole.index("## Completed")]
    assert "completed, " in summary and "in the period" not in summary
    dated = Scope(since=datetime(2026, 11, 1).date(), until=datetime(2026, 11, 15).date())
    period = export(stocked.director, "md", dated, tmp_path / "period.md").path.read_text(encoding="utf-8")
    assert "completed in the period" in period[period.index("## Summary"):period.index("## Completed")]
