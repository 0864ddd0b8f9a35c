"""How far an xlsx sheet's cells reach, proved before a reader lays them out: the one search that
finds no cell beyond its bounds says no more than the full reading of every cell would."""

import io
import re
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from superviser import sheets
from superviser.errors import InvalidInput
from superviser.sheets import _WITHIN_ROWS, _XlsxReach, _XlsxWithin, up_to


@given(st.integers(1, 10**8), st.integers(0, 10**9))
def test_up_to_matches_the_numbers_from_one_to_n_and_nothing_else(n, x):
    pattern = re.compile(up_to(n))
    assert bool(pattern.fullmatch(str(x))) == (1 <= x <= n)
    assert not pattern.fullmatch("0" + str(x))  # a leading zero is not how a row is written


def test_up_to_at_its_edges():
    for n in (1, 9, 10, 99, 100, 101, 192_307, 200_001, 1_000_000):
        pattern = re.compile(up_to(n))
        assert pattern.fullmatch(str(n)) and not pattern.fullmatch(str(n + 1))


def _letters(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_ROWS = st.one_of(st.integers(1, 30), st.sampled_from([_WITHIN_ROWS - 1, _WITHIN_ROWS, _WITHIN_ROWS + 1, 200_002,
                                                        1_048_576]))
_CELL = st.tuples(st.one_of(st.integers(1, 26), st.sampled_from([26, 27, 100, 101, 16_384])), _ROWS,
                  st.booleans(),                               # holds a value (else self-closing, formatting)
                  st.sampled_from(['<c r="{ref}"', '<c t="n" r="{ref}"', '<c  r="{ref}"', '<c r="{ref}" s="2"']))


def _sheet(cells) -> bytes:
    parts = []
    for column, row, value, form in cells:
        tag = form.format(ref=f"{_letters(column)}{row}")
        parts.append(f"{tag}><v>1</v></c>" if value else f"{tag}/>")
    return ('<sheetData><row r="1">' + "".join(parts) + "</row></sheetData>").encode()


def _fed(scan, xml: bytes, size: int):
    for at in range(0, len(xml), size):
        scan.feed(xml[at:at + size])
    scan.feed(b"")
    return scan


@settings(max_examples=300)
@given(st.lists(_CELL, max_size=12), st.integers(1, 64))
def test_a_sheet_found_within_is_within_every_limit_however_it_is_cut(cells, size):
    xml = _sheet(cells)
    within = _fed(_XlsxWithin(), xml, size).within
    assert within == _fed(_XlsxWithin(), xml, len(xml) + 1).within  # chunk boundaries change nothing
    # written the usual way, a single-letter column and a row within the bound: found within
    assert within == all(form.startswith('<c r=') and column <= 26 and row <= _WITHIN_ROWS
                         for column, row, _value, form in cells)
    if within:  # what the full reading finds is then within every limit
        reach = _fed(_XlsxReach(), xml, size)
        sheets._check_reach(reach.rows, reach.columns, "sheet.xlsx")


def _xlsx(path, sheet: bytes):
    path.write_bytes(_xlsx_bytes(sheet))
    return path


def _xlsx_bytes(sheet: bytes, namespaces: bytes = b"", member: str = "xl/worksheets/sheet1.xml",
                target: str = "worksheets/sheet1.xml") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument'
                   '.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
                   '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                   '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
                   '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
                   '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/worksheet" Target="' + target + '"/></Relationships>')
        z.writestr(member, b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                   b'2006/main"' + namespaces + b">" + sheet + b"</worksheet>")
    return out.getvalue()


def test_a_sheet_beyond_the_bounds_is_read_again_cell_by_cell(tmp_path):
    """Formatting far away (a self-closing cell) sends the check to the full reading, which lets
    the sheet through; a value in column AB after thousands of rows of A–C is counted."""
    formatted = _xlsx(tmp_path / "formatted.xlsx", b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is>'
                      b'</c><c r="XFD1048576" s="1"/></row></sheetData>')
    assert sheets.read(formatted).rows == [["x"]]
    rows = [f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="C{r}"><v>2</v></c></row>' for r in range(1, 185_001)]
    rows.append('<row r="185001"><c r="AB185001"><v>3</v></c></row>')  # 185,001 rows × 28 columns
    wide = _xlsx(tmp_path / "wide.xlsx", ("<sheetData>" + "".join(rows) + "</sheetData>").encode())
    try:
        sheets.read(wide)
    except InvalidInput as error:
        assert error.problem == "wide.xlsx spans 5,180,028 cells; the limit is 5,000,000"
    else:
        raise AssertionError("read")


_V = "<v>1</v>"
_X = b' xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


_TOO_LONG = "crafted.xlsx has more than 200,000 rows; split it"
_TOO_WIDE = "crafted.xlsx has a value in column 101; ledgers are read up to column 100"


def _calamine_reach(data: bytes) -> tuple[int, int]:
    """How many rows and columns calamine lays the first sheet out in (from A1, as we read it)."""
    end = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).end
    return (end[0] + 1, end[1] + 1) if end else (0, 0)


def _refusal(data: bytes) -> str:
    with pytest.raises(InvalidInput) as raised:
        sheets._check_zip(data, "crafted.xlsx")  # before calamine is called
    return raised.value.problem


@pytest.mark.parametrize(("sheet", "namespaces", "reach", "problem"), [
    # a cell without r goes after the previous cell of its row, in its row's r
    (f'<sheetData><row r="250000"><c>{_V}</c></row></sheetData>', b"", (250_000, 1),
     _TOO_LONG),
    (f'<sheetData><row r="1">{f"<c>{_V}</c>" * 101}</row></sheetData>', b"", (1, 101),
     _TOO_WIDE),
    # formatting-only cells without r still move the next one on
    (f'<sheetData><row r="1">{"<c/>" * 100}<c>{_V}</c></row></sheetData>', b"", (1, 101),
     _TOO_WIDE),
    (f'<sheetData><row r="2"><c r="CU2">{_V}</c><c></c><c>{_V}</c></row></sheetData>', b"", (2, 101),
     _TOO_WIDE),
    # a row without r follows the previous row, written with r or not, self-closing or not
    (f'<sheetData><row r="199999"/><row></row><row/><row><c>{_V}</c></row></sheetData>', b"", (200_002, 1),
     _TOO_LONG),
    (f'<sheetData><row r="100000">{f"<c>{_V}</c>" * 60}</row></sheetData>', b"", (100_000, 60),
     "crafted.xlsx spans 6,000,000 cells; the limit is 5,000,000"),
    # prefixed tags, read by their local name
    ('<x:sheetData><x:row r="250000"><x:c><x:v>1</x:v></x:c></x:row></x:sheetData>', _X, (250_000, 1),
     _TOO_LONG),
    (f'<sheetData><row r="1"><x:c r="CW1">{_V}</x:c></row></sheetData>', _X, (1, 101),
     _TOO_WIDE),
    # a second r: calamine takes the last; it is not XML, so the scan refuses it
    (f'<sheetData><row r="1"><c r="A1" r="CW1">{_V}</c></row></sheetData>', b"", (1, 101),
     "crafted.xlsx is damaged or not a spreadsheet (its zip archive can't be read)"),
    # quoting that hides a tag's end or its r from a search
    (f"<sheetData><row r='1'><c s=\">\" r = 'A250000'>{_V}</c></row></sheetData>", b"", (250_000, 1),
     _TOO_LONG),
    # a row set inside a comment or CDATA is no row
    (f'<sheetData><row r="250000"><!-- <row r="1"> --><c t="inlineStr"><is><t><![CDATA[<row r="1">]]></t></is>'
     f'</c><c>{_V}</c></row></sheetData>', b"", (250_000, 2), _TOO_LONG),
])
def test_cells_placed_as_calamine_places_them_are_refused_before_it_reads_them(tmp_path, sheet, namespaces, reach,
                                                                                 problem):
    data = _xlsx_bytes(sheet.encode(), namespaces)
    assert _calamine_reach(data) == reach  # what calamine would lay out densely
    assert _refusal(data) == problem
    path = tmp_path / "crafted.xlsx"
    path.write_bytes(data)
    with pytest.raises(InvalidInput) as raised:
        sheets.read(path)
    assert raised.value.problem == problem


@pytest.mark.parametrize(("member", "target"), [("xl/sheet1.xml", "sheet1.xml"),
                                               ("xl/Worksheets/sheet1.xml", "Worksheets/sheet1.xml"),
                                               ("other/sheet1.xml", "/other/sheet1.xml")])
def test_a_sheet_kept_anywhere_in_the_archive_is_checked(member, target):
    """calamine finds the first sheet by the workbook's relationships, wherever it is kept: the
    check reads every member that holds cells, not only those under xl/worksheets/."""
    data = _xlsx_bytes(f'<sheetData><row r="60000"><c r="CV60000">{_V}</c></row></sheetData>'.encode(),
                       member=member, target=target)
    assert _calamine_reach(data) == (60_000, 100)
    assert _refusal(data) == "crafted.xlsx spans 6,000,000 cells; the limit is 5,000,000"


def test_control_characters_xml_forbids_do_not_make_a_wide_sheet_damaged(tmp_path):
    """Some writers put control characters in text, raw or as references, which XML 1.0 forbids
    and calamine reads: a sheet read cell by cell (wider than Z) is not refused for them, however
    the XML is cut."""
    cells = "".join(f'<c r="{column}1" t="inlineStr"><is><t>a\x0bb&#11;c&#x1F;</t></is></c>'
                    for column in ("A", "Z", "AA"))
    data = _xlsx_bytes(f'<sheetData><row r="1">{cells}</row></sheetData>'.encode())
    assert _calamine_reach(data) == (1, 27)
    for size in (1, 2, 3, 7, 1 << 20):
        reach = _XlsxReach()
        sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
        for at in range(0, len(sheet), size):
            reach.feed(sheet[at:at + size])
        reach.feed(b"", end=True)
        assert (reach.rows, reach.columns) == (1, 27)
    path = tmp_path / "wide.xlsx"
    path.write_bytes(data)
    assert len(sheets.read(path).rows[0]) == 27


def test_a_worksheet_with_a_dtd_or_a_cell_inside_a_cell_is_refused():
    nested = b'<sheetData><row r="1"><c><c r="B1"><v>1</v></c></c></row></sheetData>'  # read again: no r
    assert "damaged" in _refusal(_rewritten(nested, doctype=False))
    assert "damaged" in _refusal(_rewritten(b'<sheetData><row r="1"><c><v>1</v></c></row></sheetData>', doctype=True))


def _rewritten(sheet: bytes, doctype: bool) -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_xlsx_bytes(sheet))) as source, zipfile.ZipFile(data, "w") as target:
        for member in source.infolist():
            content = source.read(member)
            if doctype and member.filename == "xl/worksheets/sheet1.xml":
                content = b'<!DOCTYPE worksheet [<!ENTITY e "x">]>' + content
            target.writestr(member, content)
    return data.getvalue()


_REF = st.one_of(st.none(), st.tuples(st.integers(1, 12), st.integers(1, 12)))  # (column, row)
_CELLS = st.lists(st.tuples(_REF, st.sampled_from(["value", "empty", "closed"]), st.booleans()), max_size=6)
_ROWS = st.lists(st.tuples(st.one_of(st.none(), st.integers(1, 12)), st.booleans(), _CELLS), max_size=6)


def _free_sheet(rows) -> bytes:
    parts = []
    for row_r, prefixed_row, cells in rows:
        p = "x:" if prefixed_row else ""
        attributes = f' r="{row_r}"' if row_r else ""
        if not cells:
            parts.append(f"<{p}row{attributes}/>")
            continue
        inner = []
        for ref, kind, prefixed in cells:
            q = "x:" if prefixed else ""
            at = f' r="{_letters(ref[0])}{ref[1]}"' if ref else ""
            inner.append({"value": f"<{q}c{at}><{q}v>1</{q}v></{q}c>", "empty": f"<{q}c{at}></{q}c>",
                          "closed": f"<{q}c{at}/>"}[kind])
        parts.append(f"<{p}row{attributes}>{''.join(inner)}</{p}row>")
    return ("<sheetData>" + "".join(parts) + "</sheetData>").encode()


@settings(max_examples=300, deadline=None)
@given(_ROWS, st.integers(1, 64))
def test_the_scan_never_finds_less_than_calamine_lays_out(rows, size):
    xml = _free_sheet(rows)
    data = _xlsx_bytes(xml, _X)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    reach = _XlsxReach()
    for at in range(0, len(sheet), size):  # cut anywhere, tags included
        reach.feed(sheet[at:at + size])
    reach.feed(b"", end=True)
    assert (reach.rows, reach.columns) == _calamine_reach(data)


def test_a_sheet_read_unchecked_is_held_to_the_limits_from_a1_to_its_last_cell(tmp_path):
    """An xls is not checked before calamine reads it: what it lays out, from A1 to the last
    cell, is (a value far from A1 spans a few cells but would be read as every cell before it)."""
    import xlsxwriter

    path = tmp_path / "far.xlsx"
    book = xlsxwriter.Workbook(path)
    book.add_worksheet().write(150_000, 90, "x")
    book.add_worksheet().write(0, 0, "y")
    book.close()
    with pytest.raises(InvalidInput, match="spans 13,650,091 cells"):
        sheets._calamine(path.read_bytes(), "far.xlsx")  # (as an xls is read: no zip check before it)
    near = tmp_path / "near.xlsx"
    book = xlsxwriter.Workbook(near)
    book.add_worksheet().write(2, 1, "z")
    book.close()
    assert sheets._calamine(near.read_bytes(), "near.xlsx") == [[], [], [None, "z"]]


def test_an_xlsx_row_reads_as_a_csv_row_would(tmp_path, monkeypatch):
    """Empty text is no value, trailing empty cells go, a time of day is text (refused where a
    date is wanted), numbers and dates stay what they are; a cell longer than the limit is
    refused, naming its row."""
    import datetime

    import xlsxwriter

    path = tmp_path / "cells.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["title", "", 3, 2.5, True])
    sheet.write_datetime(1, 0, datetime.datetime(2026, 12, 5), book.add_format({"num_format": "yyyy-mm-dd"}))
    sheet.write_datetime(1, 1, datetime.time(9, 30), book.add_format({"num_format": "hh:mm"}))
    sheet.write_string(1, 2, "")
    sheet.write_string(1, 3, "")
    sheet.write_row(2, 0, ["A roof to mend before the rains"])
    book.close()
    first, second, third = sheets._calamine(path.read_bytes(), "cells.xlsx")
    assert first == ["title", None, 3, 2.5, True] and third == ["A roof to mend before the rains"]
    assert second[0] == datetime.date(2026, 12, 5) and second[1] == "09:30:00" and len(second) == 2
    monkeypatch.setattr(sheets, "MAX_CELL", 20)
    with pytest.raises(InvalidInput, match="row 3: a cell is longer than 20 characters"):
        sheets._calamine(path.read_bytes(), "cells.xlsx")
