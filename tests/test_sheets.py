"""How far an xlsx sheet's cells reach, proved before a reader lays them out: the one search that
finds no cell beyond its bounds says no more than the full reading of every cell would."""

import re
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st

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
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
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
                   'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                   b'2006/main">' + sheet + b"</worksheet>")
    return path


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
