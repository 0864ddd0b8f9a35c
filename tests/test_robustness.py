"""What a person (or a hostile one) can type or hand in: one line naming the problem, the exit
code the README documents, nothing written, never a traceback; files written privately and
never over another; CSV that no spreadsheet runs; failures of the place said as such."""

import csv
import io
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import zipfile

import pytest

from superviser import crash, journal, store
from superviser.exports.text_writers import spreadsheet_cell
from tests.conftest import NOW, ROOT


def head(path):
    return journal.head(store.connect(path))


@pytest.fixture
def db(office):
    return office.path


def one_clean_line(ran) -> bool:
    """Said on one line, no traceback, no raw escape or undecodable byte reaching the terminal."""
    err = ran.err.strip()
    return ("Traceback" not in ran.err and "\n" not in err and "\x1b" not in ran.err
            and not any("\ud800" <= ch <= "\udfff" for ch in ran.err + ran.out))


# --- arguments --------------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "code", "said"), [
    (["note", "2026-001.1", "abc\udcff"], 2, "not UTF-8"),
    (["unit", "add", "\udcff\udcfeunit"], 2, "not UTF-8"),
    (["objective", "show", "\udcff\udcfe"], 3, "no objective"),
    (["objective", "show", "9" * 30], 3, "no objective"),
    (["urge", "99999999999999999999", "--text", "x"], 3, "no objective"),
    (["decision", "show", "1e30"], 3, "no decision"),
    (["log", "--since", "0001-01-01"], 2, "outside the years 2000 to 2100"),
    (["log", "--until", "9999-12-31"], 2, "outside the years 2000 to 2100"),
    (["log", "--limit", "9" * 25], 2, "--limit"),
    (["objective", "add", "2026-001", "T", "--lead", "Finance", "--deadline", "0001-01-01"], 2, "deadline"),
    (["decision", "add", "T", "--source", "meeting", "--date", "9999-12-31"], 2, "date"),
    (["objective", "add", "2026-001", "\u200b\u202e\u2066", "--lead", "Finance", "--deadline", "+7d"], 2,
     "must not be empty"),
    (["audit", "--anchor", "\x1b[31mabc"], 2, "anchor"),
    (["export", "--format", "csv", "-o", "/no/such/\x1b[31mfolder/x.csv"], 2, "does not exist"),
])
def test_mistakes_in_arguments_are_one_line_and_write_nothing(db, office, cli, args, code, said):
    office.objective()
    before = head(db)
    ran = cli("--db", db, *args)
    assert (ran.code, one_clean_line(ran)) == (code, True), ran.err
    assert said in ran.err
    assert head(db) == before


def test_escapes_in_the_database_path_are_not_echoed(tmp_path, cli):
    ran = cli("--db", tmp_path / "\x1b[31mred.db", "objective", "list")
    assert ran.code == 8 and one_clean_line(ran) and "red.db" in ran.err


def test_an_unexpected_error_is_logged_with_its_traceback_and_said_in_one_line(db, cli, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    from superviser.read import objectives

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(objectives, "list_objectives", broken)
    ran = cli("--db", db, "objective", "list")
    assert ran.code == 70 and one_clean_line(ran)
    assert "ZeroDivisionError" in ran.err and str(crash.log_path()) in ran.err
    logged = crash.log_path().read_text(encoding="utf-8")
    assert "Traceback" in logged and "ZeroDivisionError: a bug" in logged and "objective list" in logged
    assert stat.S_IMODE(crash.log_path().stat().st_mode) == 0o600


# --- the database and its place -------------------------------------------------------------------

def test_an_empty_file_is_not_quietly_made_a_database(tmp_path, cli):
    empty = tmp_path / "empty.db"
    empty.touch()
    ran = cli("--db", empty, "objective", "list")
    assert ran.code == 8 and "empty file" in ran.err and empty.stat().st_size == 0
    assert cli("--db", empty, "init", "--name", "Bao").code == 0  # init may
    assert cli("--db", empty, "objective", "list").code == 0


def test_not_a_database_and_a_newer_one_are_told_apart(db, tmp_path, cli):
    text = tmp_path / "notes.db"
    text.write_text("not a database at all, " * 100)
    ran = cli("--db", text, "objective", "list")
    assert ran.code == 8 and "is not a superviser database" in ran.err and one_clean_line(ran)
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('superviser', 'm999_future', 'x')")
    conn.commit()
    conn.close()
    ran = cli("--db", db, "objective", "list")
    assert ran.code == 10 and "newer superviser" in ran.err


def _in_a_small_place(db, script: str, size_kb: int) -> subprocess.CompletedProcess:
    """Run ``script`` (sh) with $PLACE a fresh tmpfs of ``size_kb`` holding a copy of ``db`` as
    $PLACE/office.db, in a user and mount namespace of its own; skipped where that is impossible."""
    if not shutil.which("unshare"):
        pytest.skip("no unshare(1) here to make a small or read-only place")
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the copy is the main file alone
    conn.close()
    place = db.parent / "place"
    place.mkdir()
    command = (f'mount -t tmpfs -o size={size_kb}k tmpfs "{place}" && cp "{db}" "{place}/office.db" && '
               f'PLACE="{place}" && export PLACE && {script}')
    ran = subprocess.run(["unshare", "-rm", "sh", "-c", command], capture_output=True, text=True, cwd=ROOT,
                         env=dict(os.environ, PYTHONPATH=str(ROOT), SUPERVISER_USER="boss"), timeout=120)
    if "mount" in ran.stderr and ran.returncode != 0 and "superviser" not in ran.stderr:
        pytest.skip(f"cannot mount a tmpfs in a user namespace here: {ran.stderr.strip()}")
    return ran


SUPERVISER = f'"{sys.executable}" -m tests.frozen {NOW} --'


def test_a_read_only_place_is_said_as_such(db):
    size = db.stat().st_size // 1024 + 2048
    ran = _in_a_small_place(db, f'mount -o remount,ro "$PLACE" && {SUPERVISER} --db "$PLACE/office.db" objective list; '
                                f'echo "exit=$?"', size)
    assert "exit=11" in ran.stdout, ran.stderr
    assert "can't be written here" in ran.stderr and "Traceback" not in ran.stderr


def test_a_full_disk_is_said_as_such_and_nothing_is_written(db, office):
    office.objective()
    size = db.stat().st_size // 1024 + 2048
    script = (f'{SUPERVISER} --db "$PLACE/office.db" note 2026-001.1 warm >/dev/null && '
              f'(cat /dev/zero > "$PLACE/fill" 2>/dev/null; true) && '
              f'{SUPERVISER} --db "$PLACE/office.db" note 2026-001.1 "$(head -c 3000 /dev/zero | tr "\\0" x)"; '
              f'echo "exit=$?"; rm "$PLACE/fill"; {SUPERVISER} --db "$PLACE/office.db" log --limit 1 --json')
    ran = _in_a_small_place(db, script, size)
    assert "exit=12" in ran.stdout, ran.stderr
    assert "the disk is full" in ran.stderr and "Traceback" not in ran.stderr
    assert '"detail": "warm"' in ran.stdout  # the failed note left no entry


# --- files the program writes -------------------------------------------------------------------------

def test_backup_is_private_and_never_overwrites_unless_asked(db, tmp_path, cli):
    target = tmp_path / "copy.db"
    assert cli("--db", db, "backup", target).code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    first = target.read_bytes()
    ran = cli("--db", db, "backup", target)
    assert ran.code == 2 and "exists" in ran.err and target.read_bytes() == first
    assert cli("--db", db, "--lang", "en", "note", "2026-001.1", "x").code in (0, 3)
    assert cli("--db", db, "backup", target, "--force").code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert cli("--db", target, "audit").code == 0
    assert not list(tmp_path.glob(".superviser-*"))  # no temporary file left behind


def test_exports_are_private_and_never_overwrite_unless_asked(db, office, tmp_path, cli, monkeypatch):
    office.objective()
    monkeypatch.chdir(tmp_path)
    assert cli("--db", db, "export", "--format", "csv").code == 0
    assert cli("--db", db, "export", "--format", "csv").code == 0  # a free name, not the first one's
    made = sorted(p.name for p in tmp_path.glob("superviser-ledger-*.csv"))
    assert made == ["superviser-ledger-2026-11-20 (2).csv", "superviser-ledger-2026-11-20.csv"]
    assert {stat.S_IMODE((tmp_path / n).stat().st_mode) for n in made} == {0o600}
    named = tmp_path / "mine.md"
    named.write_text("keep me")
    ran = cli("--db", db, "export", "--format", "md", "-o", named)
    assert ran.code == 2 and "exists" in ran.err and named.read_text() == "keep me"
    assert cli("--db", db, "export", "--format", "md", "-o", named, "--force").code == 0
    assert named.read_text() != "keep me"


def test_csv_cells_never_run_as_formulas(office, tmp_path, cli):
    for title in ('=HYPERLINK("http://example.org","click")', "+1+2", "-2+3", "@SUM(A1)", "\tTab"):
        office.objective(title=title)
    out = tmp_path / "ledger.csv"
    assert cli("--db", office.path, "export", "--format", "csv", "-o", out).code == 0
    cells = [cell for row in csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))) for cell in row]
    assert all(not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")) or _number(cell) for cell in cells)
    assert "'=HYPERLINK(\"http://example.org\",\"click\")" in cells and "'@SUM(A1)" in cells
    assert spreadsheet_cell("-12") == "-12" and spreadsheet_cell(-12) == -12 and spreadsheet_cell("-1.5") == "-1.5"
    assert spreadsheet_cell("-") == "'-" and spreadsheet_cell("=1") == "'=1"


def _number(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


def test_a_formula_like_title_comes_back_from_the_csv_as_it_was(office, tmp_path, cli):
    office.objective(title="=1+1 is two")
    out = tmp_path / "ledger.csv"
    assert cli("--db", office.path, "export", "--format", "csv", "-o", out).code == 0
    lines = out.read_text(encoding="utf-8-sig").splitlines()[1:]  # without the line that says what it is
    ledger = tmp_path / "again.csv"
    ledger.write_text("\n".join(lines), encoding="utf-8")
    fresh = tmp_path / "fresh.db"
    assert cli("--db", fresh, "init").code == 0
    ran = cli("--db", fresh, "import", ledger, "--create-units")
    assert ran.code == 0, ran.err
    assert '"title": "=1+1 is two"' in cli("--db", fresh, "objective", "list", "--json").out


# --- files handed in --------------------------------------------------------------------------------

def rows_csv(path, rows, encoding="utf-8"):
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def test_random_bytes_named_xlsx(db, tmp_path, cli):
    fake = tmp_path / "ledger.xlsx"
    fake.write_bytes(os.urandom(3000))
    before = head(db)
    ran = cli("--db", db, "import", fake)
    assert ran.code == 2 and "not a spreadsheet" in ran.err and one_clean_line(ran)
    zipped = tmp_path / "zipped.xlsx"
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    ran = cli("--db", db, "import", zipped)
    assert ran.code == 2 and "not an Excel" in ran.err
    assert head(db) == before


def test_a_gbk_csv_from_excel_on_chinese_windows(db, tmp_path, cli):
    ledger = rows_csv(tmp_path / "台账.csv", [["督办事项", "牵头单位", "完成时限"],
                                           ["修订公文处理办法", "Finance", "2026-12-20"]], encoding="gbk")
    ran = cli("--db", db, "import", ledger)
    assert ran.code == 0 and "GB18030" in ran.out, ran.err
    assert "修订公文处理办法" in cli("--db", db, "objective", "list", "--json").out
    utf8 = rows_csv(tmp_path / "u.csv", [["title", "lead", "deadline"], ["Plain", "Finance", "2026-12-20"]])
    assert "UTF-8" in cli("--db", db, "import", utf8).out


def test_bytes_that_are_no_known_text(db, tmp_path, cli):
    ledger = tmp_path / "odd.csv"
    ledger.write_bytes(b"title,lead,deadline\n\x80\xff\xfe\x81\x30,Finance,2026-12-01\n")
    ran = cli("--db", db, "import", ledger)
    assert ran.code == 2 and "neither UTF-8 nor GB18030" in ran.err and one_clean_line(ran)


@pytest.mark.parametrize(("row", "said"), [
    (["x" * 140_000, "Finance", "2026-12-01", "", ""], "row 2: objective: is 140000 characters long; the limit is 200"),
    (["x" * 1_100_000, "Finance", "2026-12-01", "", ""], "row 2: a cell is longer than 1,000,000 characters"),
    (["Roof", "U" * 130_000, "2026-12-01", "", ""], "row 2: lead unit: is 130000 characters long"),
    (["Roof", "Finance", "2026-12-01", "inf", ""], "row 2: % done"),
    (["Roof", "Finance", "2026-12-01", "1e30", ""], "row 2: % done"),
    (["Roof", "Finance", "2026-12-01", "nan", ""], "row 2: % done"),
    (["Roof", "Finance", "2026-12-01", "", "-5"], "row 2: urges: must be a whole number from 0 to 1000"),
    (["Roof", "Finance", "2026-12-01", "", "1e30"], "row 2: urges"),
    (["Roof", "Finance", "0001-01-01", "", ""], "row 2: deadline: 0001-01-01 is outside the years 2000 to 2100"),
    (["\u200b\u202e", "Finance", "2026-12-01", "", ""], "row 2: objective: must not be empty"),
])
def test_ledger_cells_are_checked_by_the_same_rules(db, tmp_path, cli, row, said):
    ledger = rows_csv(tmp_path / "l.csv", [["title", "lead", "deadline", "percent", "urges"], row])
    before = head(db)
    ran = cli("--db", db, "import", ledger, "--create-units")
    assert ran.code == 2 and said in ran.err and "Traceback" not in ran.err, ran.err
    assert head(db) == before


def test_the_same_values_from_a_spreadsheet(db, tmp_path, cli):
    import xlsxwriter

    path = tmp_path / "l.xlsx"
    book = xlsxwriter.Workbook(path, {"nan_inf_to_errors": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["title", "lead", "deadline", "percent", "urges"])
    sheet.write_row(1, 0, ["Roof", "Finance", "2026-12-01", float("inf"), 1e30])
    book.close()
    ran = cli("--db", db, "import", path)  # inf is stored as an error cell (#NUM!), read as empty
    assert ran.code == 2 and "row 2: urges: must be a whole number from 0 to 1000" in ran.err, ran.err


def test_a_sheet_whose_cells_reach_too_far_is_refused_before_it_is_read(db, tmp_path, cli):
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "title"
    book.active.cell(row=1_048_576, column=50, value="far away")  # read as a grid: 50 million cells
    path = tmp_path / "sparse.xlsx"
    book.save(path)
    ran = cli("--db", db, "import", path)
    assert ran.code == 2 and "rows; split it" in ran.err


def test_the_reach_of_a_sheet_counts_the_cells_holding_values():
    """Formatting alone (a self-closing cell, as Excel pads a styled sheet) reaches nowhere;
    a cell holding a value reaches its row and column, wherever it stands in the stream."""
    from superviser.sheets import _XlsxReach

    reach = _XlsxReach()
    xml = (b'<worksheet><sheetData><row r="1"><c r="XFD1048576" s="1"/><c r="B3" t="s"><v>0</v></c>'
           b'<c r="AA2" s="2" ><v>1</v></c></row><c r="C9" s="3"/><c t="n" r="D7"><v>2</v></c></sheetData></worksheet>')
    for cut in range(0, len(xml), 17):  # in chunks that cut tags in two
        reach.feed(xml[cut:cut + 17])
    reach.feed(b"", end=True)
    assert (reach.rows, reach.columns) == (7, 27)


def test_an_archive_that_unpacks_too_big_or_lies_about_its_size(db, tmp_path, cli, monkeypatch):
    from superviser import sheets

    monkeypatch.setattr(sheets, "MAX_UNPACKED", 1_000_000)  # the mechanism, at a size a test can make
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * 2_000_000)
    assert bomb.stat().st_size < 20_000
    ran = cli("--db", db, "import", bomb)
    assert ran.code == 2 and "unpacks to more than" in ran.err
    # the same archive saying its member is small: the reader stops and the checksum fails
    data = bytearray(bomb.read_bytes())
    declared = (2_000_000).to_bytes(4, "little")
    data[:] = data.replace(declared, (500).to_bytes(4, "little"))
    liar = tmp_path / "liar.xlsx"
    liar.write_bytes(bytes(data))
    ran = cli("--db", db, "import", liar)
    assert ran.code == 2 and "damaged" in ran.err


def test_xls_and_ods_ledgers(db, tmp_path, cli):
    ran = cli("--db", db, "import", ROOT / "tests" / "data" / "ledger.xls", "--create-units")
    assert ran.code == 0 and "2 objectives" in ran.out, ran.err
    ods = tmp_path / "ledger.ods"
    write_ods(ods, [["督办事项", "牵头单位", "完成时限"], ["整理档案", "Finance", "2026-12-31"]],
              tail='<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
                   'table:number-columns-repeated="1024"/></table:table-row>')  # as LibreOffice pads a sheet
    ran = cli("--db", db, "import", ods)
    assert ran.code == 0 and "1 objective" in ran.out, ran.err
    bomb = tmp_path / "bomb.ods"
    write_ods(bomb, [["title", "lead", "deadline"]],
              tail='<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
                   'table:number-columns-repeated="50" office:value-type="string"><text:p>x</text:p>'
                   '</table:table-cell></table:table-row>')
    ran = cli("--db", db, "import", bomb)
    assert ran.code == 2 and "rows; split it" in ran.err


def write_ods(path, rows, tail=""):
    def cell(value):
        return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'

    body = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
               f'<office:spreadsheet><table:table table:name="Sheet1">{body}{tail}</table:table></office:spreadsheet>'
               '</office:body></office:document-content>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", "<manifest/>")


@pytest.mark.slow
def test_a_colleague_writes_while_a_large_ledger_is_imported(office, tmp_path):
    """The import works its rows out without the write lock and holds it only to write them:
    a colleague's notes meanwhile all go through (none "busy")."""
    ref = office.objective()
    ledger = rows_csv(tmp_path / "big.csv", [["title", "lead", "co-unit", "deadline", "percent"]] + [
        [f"Objective {i}", "Finance", "Planning", "2026-12-20", "10%"] for i in range(10_000)])
    env = dict(os.environ, PYTHONPATH=str(ROOT), SUPERVISER_USER="boss")
    said = (tmp_path / "import.err").open("w")
    importing = subprocess.Popen([sys.executable, "-m", "tests.frozen", NOW, "--", "--db", str(office.path), "import",
                                  str(ledger)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=said)
    notes = []
    while importing.poll() is None:
        ran = subprocess.run([sys.executable, "-m", "tests.frozen", NOW, "--", "--db", str(office.path), "note", ref,
                              f"note {len(notes)}"], cwd=ROOT, env=dict(env, SUPERVISER_USER="li"),
                             capture_output=True, text=True, timeout=120)
        notes.append((ran.returncode, ran.stderr))
    importing.wait()
    said.close()
    assert importing.returncode == 0, (tmp_path / "import.err").read_text()
    assert notes and all(code == 0 for code, _said in notes), notes
    db = store.connect(office.path)
    assert db.conn.execute("SELECT count(*) FROM objectives").fetchone()[0] == 10_001
    assert db.conn.execute("SELECT count(*) FROM log WHERE action = 'note'").fetchone()[0] == len(notes)


def test_output_to_a_reader_that_left_is_not_a_failure(office, tmp_path):
    """``superviser import … | head``: the reader leaves before the output; the import stands,
    and the command says so by its exit code (click alone exits 1), with no traceback."""
    ledger = rows_csv(tmp_path / "ledger.csv", [["title", "lead", "deadline"], ["Paint the gate", "Finance", "2026-12-20"]])
    env = dict(os.environ, PYTHONPATH=str(ROOT), SUPERVISER_USER="boss")
    for args in (["import", str(ledger)], ["log", "--limit", "100"]):
        reader, writer = os.pipe()
        os.close(reader)  # gone before the first line
        try:
            ran = subprocess.run([sys.executable, "-m", "tests.frozen", NOW, "--", "--db", str(office.path), *args],
                                 cwd=ROOT, env=env, stdout=writer, stderr=subprocess.PIPE, text=True, timeout=120)
        finally:
            os.close(writer)
        assert (ran.returncode, ran.stderr) == (0, ""), args
    db = store.connect(office.path)
    assert db.conn.execute("SELECT count(*) FROM objectives WHERE title = 'Paint the gate'").fetchone()[0] == 1
