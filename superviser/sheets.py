"""Reading a ledger file a person gives us (xlsx, xls, ods, csv), within limits.

The file is checked before it is parsed: its size; for xlsx and ods (zip archives) the
number of files inside, their unpacked size (each one is unpacked as a stream and its
checksum verified, so a header that lies about its size is caught), and how far the
cells reach (a sheet with one value in A1 and one in XFD1048576 would otherwise be
read as seventeen billion cells). A CSV's encoding is detected: UTF-8 with or without
a byte order mark, UTF-16 (Excel's "Unicode text"), else GB18030 (the superset of GBK
that Excel uses for CSV on Chinese Windows); ``Sheet.encoding`` says which.

Cells come back as read: text, numbers (floats), dates; empty cells are None. Row ``i``
of ``Sheet.rows`` is the file's row ``i + 1``.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from xml.parsers.expat import ExpatError, ParserCreate

from superviser.errors import InvalidInput
from superviser.files import shown
from superviser.i18n import N_, _
from superviser.quantities import count

MAX_BYTES = 64 * 1024 * 1024     # the file itself
MAX_ROWS = 200_000
MAX_COLUMNS = 100                # the last column holding a value
MAX_CELLS = 5_000_000            # rows × columns, as a spreadsheet reader lays them out
MAX_CELL = 1_000_000              # characters in one cell (Excel stops at 32,767): memory, not rules
MAX_MEMBERS = 2_000              # files inside an xlsx or ods
MAX_UNPACKED = 512 * 1024 * 1024  # their total size, unpacked

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".txt")
_ZIP, _OLE = b"PK\x03\x04", bytes.fromhex("d0cf11e0a1b11ae1")
# Unpacked and searched in pieces small enough for the C library to hand the same memory back for
# the next (a megabyte is mapped anew each time, and every page of it faults in: 2,000 faults,
# 3 ms of a 10k-row ledger's 20 ms check).
_CHUNK = 1 << 16


@dataclass
class Sheet:
    rows: list[list]             # each without its trailing empty cells (an empty row is []), empty ones None
    kind: str                    # xlsx, xls, ods, csv
    encoding: str | None = None  # for a CSV: the encoding it was read in


def refused(problem: str) -> InvalidInput:
    return InvalidInput("file", problem, N_("file"))


def read(path: Path) -> Sheet:
    name = shown(path.name)
    if path.suffix.lower() not in SUFFIXES:
        raise refused(_("{name}: only .xlsx, .xls, .ods and .csv ledgers can be imported").format(name=name))
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise refused(_("{name} is {size} bytes; the limit is {limit}").format(
                name=name, size=count(size), limit=count(MAX_BYTES)))
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise refused(_("{path} does not exist").format(path=shown(path))) from None
    except IsADirectoryError:
        raise refused(_("{path} is a folder, not a file").format(path=shown(path))) from None
    except PermissionError:
        raise refused(_("{path}: permission denied").format(path=shown(path))) from None
    if len(data) > MAX_BYTES:
        raise refused(_("{name} is larger than {limit} bytes").format(name=name, limit=count(MAX_BYTES)))
    if path.suffix.lower() in (".csv", ".tsv", ".txt"):
        return _csv(data, name)
    if data.startswith(_ZIP):
        kind = _check_zip(data, name)
        return Sheet(_calamine(data, name), kind)
    if data.startswith(_OLE):
        rows = _calamine(data, name)
        return Sheet(rows, "xls")
    raise refused(_("{name} is not a spreadsheet: its contents are neither Excel (xlsx, xls) nor OpenDocument (ods)")
                  .format(name=name))


# --- CSV ------------------------------------------------------------------------------------

def decode(data: bytes) -> tuple[str, str]:
    """The text and the name of the encoding it was in."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", "UTF-8 (BOM)")]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", "UTF-16")]
    else:
        candidates = [("utf-8", "UTF-8"), ("gb18030", "GB18030")]
    for codec, label in candidates:
        try:
            return data.decode(codec), label
        except UnicodeDecodeError:
            continue
    raise refused(_("is neither UTF-8 nor GB18030 (GBK) text; save it from the spreadsheet as \"CSV UTF-8\""))


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in (",", "\t", ";")}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def _csv(data: bytes, name: str) -> Sheet:
    import csv

    try:
        text, encoding = decode(data)
    except InvalidInput as error:
        raise refused(f"{name} {error.problem}") from None
    rows: list[list] = []
    previous = csv.field_size_limit(MAX_CELL)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise refused(_("{name} has more than {limit} rows; split it").format(name=name, limit=count(MAX_ROWS)))
            rows.append(_trimmed(row, len(rows) + 1))
    except csv.Error as error:
        number = len(rows) + 1
        if "field larger" in str(error):
            raise refused(_("row {row}: a cell is longer than {limit} characters").format(
                row=number, limit=count(MAX_CELL))) from None
        raise refused(_("row {row}: not readable as CSV ({error})").format(row=number, error=error)) from None
    finally:
        csv.field_size_limit(previous)
    return Sheet(rows, "csv", encoding)


def _trimmed(row: list, number: int) -> list:
    """A row without its trailing empty cells, empty cells as None; refused if too wide."""
    return _narrowed([None if value == "" else value for value in row], number)


def _narrowed(cells: list, number: int) -> list:
    """``cells`` without its trailing Nones; refused if too wide."""
    while cells and cells[-1] is None:
        cells.pop()
    if len(cells) > MAX_COLUMNS:
        raise refused(_("row {row} has a value in column {column}; ledgers are read up to column {limit}").format(
            row=number, column=len(cells), limit=MAX_COLUMNS))
    return cells


# --- xlsx and ods: check the archive before a reader unpacks it -----------------------------

def up_to(n: int) -> str:
    """A pattern for the numbers from 1 to ``n``, written without leading zeros."""
    digits = str(n)
    shorter = [f"[1-9][0-9]{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    same = [f"{digits[:i]}[{int(i == 0)}-{int(d) - 1}][0-9]{{{len(digits) - i - 1}}}"
            for i, d in enumerate(digits) if int(d) > int(i == 0)]
    return "|".join([*shorter, *same, digits])


# Rows a sheet of single-letter columns (26, within MAX_COLUMNS) may reach within every limit.
_WITHIN_ROWS = min(MAX_ROWS + 1, MAX_CELLS // 26)
# A cell, with a value or not, that is not written as the usual writers do: <c r="A1" (a single
# letter, a row within them) and then only name="value" attributes, none of them named r… (another r:
# calamine may take the last one) and no < or > in a value (the tag would not end where it seems).
_XLSX_BEYOND = re.compile(rf'<c\b(?! r="[A-Z](?:{up_to(_WITHIN_ROWS)})"(?: [a-qs-z][\w:.-]*+="[^"<>]*+")*+/?>)'.encode())
# A cell written with a prefix (<x:c>: calamine knows elements by their local name).
_XLSX_PREFIXED = re.compile(rb":c[\s/>]")


def _central_directory_size(data: bytes) -> int | None:
    """The size of the archive's table of contents, from its end record (before zipfile
    reads it: a small file could list millions of entries)."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return None
    return int.from_bytes(data[end + 12:end + 16], "little")


def _check_zip(data: bytes, name: str) -> str:
    damaged = refused(_("{name} is damaged or not a spreadsheet (its zip archive can't be read)").format(name=name))
    directory = _central_directory_size(data)
    if directory is None:
        raise damaged
    if directory > MAX_MEMBERS * 400:
        raise refused(_("{name} holds too many files inside for a spreadsheet").format(name=name))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise damaged from None
    if len(members) > MAX_MEMBERS:
        raise refused(_("{name} holds too many files inside for a spreadsheet").format(name=name))
    if sum(m.file_size for m in members) > MAX_UNPACKED:
        raise refused(_("{name} unpacks to more than {limit} bytes").format(name=name, limit=count(MAX_UNPACKED)))
    names = {m.filename for m in members}
    try:
        if "xl/workbook.xml" in names:
            kind = "xlsx"
        elif "content.xml" in names and "mimetype" in names and \
                b"opendocument.spreadsheet" in archive.open("mimetype").read(100):
            kind = "ods"
        else:
            raise refused(_("{name} is a zip archive but not an Excel or OpenDocument spreadsheet").format(name=name))
        unpacked = 0
        for member in members:
            # every member: calamine finds the first sheet by the workbook's relationships, wherever it is
            scan = _XlsxWithin() if kind == "xlsx" else None
            with archive.open(member) as stream:
                while chunk := stream.read(_CHUNK):  # zipfile stops at the declared size and checks the CRC
                    unpacked += len(chunk)
                    if unpacked > MAX_UNPACKED:
                        raise refused(_("{name} unpacks to more than {limit} bytes").format(
                            name=name, limit=count(MAX_UNPACKED)))
                    if scan:
                        scan.feed(chunk)
            if scan and scan.sheet and not scan.within:  # a wider sheet, or one written unusually: read again
                reach = _XlsxReach()
                with archive.open(member) as stream:
                    while chunk := stream.read(_CHUNK):
                        reach.feed(chunk)
                reach.feed(b"", end=True)
                _check_reach(reach.rows, reach.columns, name)
        if kind == "ods":
            _check_ods(archive, name)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OSError,
            SyntaxError, ExpatError):  # SyntaxError: ElementTree's ParseError, for an ods whose XML is broken
        raise damaged from None
    return kind


class _XlsxWithin:
    """Whether every cell of the sheet, holding a value or not, is written ``<c r="A1"…`` with a
    single-letter column and a row no further than ``_WITHIN_ROWS``, unprefixed and with one ``r``:
    then each cell is placed where its ``r`` says (rows matter only to a cell without one), so the
    cells holding a value reach no further, which is within every limit. A search that finds
    nothing costs a fraction of reading every cell; a sheet it finds a cell in (wider, longer, or
    written unusually) is read again by ``_XlsxReach``. The XML is searched as it streams by, in
    pieces that cut no tag in two (a tag cut by a chunk's end is read with the next chunk)."""

    def __init__(self):
        self.within = True
        self.sheet = False  # whether it has a sheetData element: calamine reads cells only there
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        data = self._tail + chunk
        cut = data.rfind(b"<")
        whole, self._tail = (data[:cut], data[cut:]) if cut >= 0 and len(data) - cut < 4096 else (data, b"")
        self.sheet = self.sheet or b"sheetData" in whole  # (an element's name: never cut, as no tag is)
        if self.within and (_XLSX_BEYOND.search(whole) or _XLSX_PREFIXED.search(whole)):
            self.within = False


_CONTROLS = bytes.maketrans(bytes([*range(9), 11, 12, *range(14, 32)]), b" " * 29)
_INVALID_REFERENCE = re.compile(  # &#11; &#x1F; …: the control characters XML 1.0 forbids, as references
    rb"&#(?:0*(?:[0-8]|1[124-9]|2[0-9]|3[01])|[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F]));")
_REF = re.compile(r"([A-Za-z]*)([0-9]+)")  # as calamine reads a reference (else it refuses the sheet)
_FAR = 10**12                              # a reference this long: beyond every limit (calamine wraps it)


class _XlsxReach:
    """How far the cells holding a value reach, as calamine places them: a cell at its ``r``, else
    right after the previous cell of its row; a row at its ``r``, else after the previous row;
    elements known by their local name (``<x:c>`` is a cell). A cell holds a value when it has an
    element inside (calamine drops ``<c/>`` and ``<c></c>``, though they move the next one on).
    Read by expat as the XML streams by: comments, CDATA and quoted ``>`` are no tags to it, and
    XML it cannot read is refused as damaged (calamine would read malformed XML its own way)."""

    def __init__(self):
        self.rows = self.columns = 0
        self._row = self._column = 0      # where calamine puts the next cell without r, from 0
        self._reading = self._done = False
        self._cell: tuple[int, int] | None = None
        self._valued = False
        self._parser = ParserCreate()
        self._carry = b""
        self._parser.StartElementHandler = self._start
        self._parser.EndElementHandler = self._end
        self._parser.StartDoctypeDeclHandler = self._doctype

    def feed(self, chunk: bytes, end: bool = False) -> None:
        # XML 1.0 forbids control characters, raw or as references, which some writers put in text
        # anyway and calamine reads: spaces to expat (they are markup to neither, and never part of
        # a longer UTF-8 character). A reference cut by the chunk's end waits for the next chunk.
        data = self._carry + chunk
        cut = data.rfind(b"&")
        if not end and cut >= 0 and b";" not in data[cut:] and len(data) - cut < 16:
            data, self._carry = data[:cut], data[cut:]
        else:
            self._carry = b""
        self._parser.Parse(_INVALID_REFERENCE.sub(b"&#32;", data.translate(_CONTROLS)), end)

    @staticmethod
    def _doctype(*_args) -> None:
        raise ValueError("a worksheet declares no DTD")  # its entities would be markup calamine never sees

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        local = name[name.find(":") + 1:]  # calamine's local name: after the first colon
        if not self._reading:
            self._reading = local == "sheetData" and not self._done
        elif self._cell is not None:
            if local in ("c", "row"):
                raise ValueError("a cell inside a cell")  # calamine refuses it too
            self._valued = True
        elif local == "row":
            ref = _REF.fullmatch(attributes.get("r", ""))
            if ref and _number(ref[2]):
                self._row = _number(ref[2]) - 1
        elif local == "c":
            ref = _REF.fullmatch(attributes.get("r", ""))
            if ref and ref[1] and _number(ref[2]):
                self._column = _column(ref[1]) - 1
                self._cell = (_number(ref[2]) - 1, self._column)
            else:
                self._cell = (self._row, self._column)
            self._valued = False

    def _end(self, name: str) -> None:
        local = name[name.find(":") + 1:]
        if not self._reading:
            return
        if self._cell is not None:
            if local == "c":
                if self._valued:
                    self.rows = max(self.rows, self._cell[0] + 1)
                    self.columns = max(self.columns, self._cell[1] + 1)
                self._cell, self._column = None, self._column + 1
        elif local == "row":
            self._row, self._column = self._row + 1, 0
        elif local == "sheetData":
            self._reading, self._done = False, True  # calamine reads no further


def _number(digits: str) -> int:
    return int(digits) if len(digits) <= 12 else _FAR


def _column(letters: str) -> int:
    if len(letters) > 7:
        return _FAR
    column = 0
    for letter in letters.upper():
        column = column * 26 + ord(letter) - 64
    return column


def _check_reach(rows: int, columns: int, name: str) -> None:
    if rows > MAX_ROWS + 1:
        raise refused(_("{name} has more than {limit} rows; split it").format(name=name, limit=count(MAX_ROWS)))
    if columns > MAX_COLUMNS:
        raise refused(_("{name} has a value in column {column}; ledgers are read up to column {limit}").format(
            name=name, column=columns, limit=MAX_COLUMNS))
    if rows * columns > MAX_CELLS:
        raise refused(_("{name} spans {n} cells; the limit is {limit}").format(
            name=name, n=count(rows * columns), limit=count(MAX_CELLS)))


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def _check_ods(archive: zipfile.ZipFile, name: str) -> None:
    """How far the first table's values reach, counting repeated rows and cells (an ods
    writes "this cell, 16,384 times" as one element)."""
    from xml.etree.ElementTree import iterparse

    rows = columns = current = position = 0
    row_repeat, row_has_value = 1, False
    with archive.open("content.xml") as stream:
        for event, element in iterparse(stream, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == _TABLE + "table-row":
                    row_repeat, position, row_has_value = _repeat(element, "number-rows-repeated"), 0, False
                continue
            if tag in (_TABLE + "table-cell", _TABLE + "covered-table-cell"):
                position += _repeat(element, "number-columns-repeated")
                if element.get(_OFFICE + "value-type") or len(element):
                    columns, row_has_value = max(columns, position), True
                element.clear()
            elif tag == _TABLE + "table-row":
                current += row_repeat
                if row_has_value:
                    rows = current
                element.clear()
            elif tag == _TABLE + "table":
                break
            if rows > MAX_ROWS + 1 or columns > MAX_COLUMNS:
                break  # already beyond the limits: no need to read on
    _check_reach(rows, columns, name)


def _repeat(element, attribute: str) -> int:
    value = element.get(_TABLE + attribute) or "1"
    return int(value) if value.isdigit() and len(value) <= 9 else MAX_CELLS + 1


# --- the reader -------------------------------------------------------------------------------

def _calamine(data: bytes, name: str) -> list[list]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not book.sheet_names:
            raise refused(_("{name} holds no sheet").format(name=name))
        sheet = book.get_sheet_by_index(0)
        if sheet.end is not None:  # (an xls is not checked before reading) laid out from A1 to its last cell
            _check_reach(sheet.end[0] + 1, sheet.end[1] + 1, name)  # (height and width only span the values)
        rows = sheet.to_python(skip_empty_area=False)
    except InvalidInput:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - the reader's errors, including a panic of its Rust code on a damaged file
        raise refused(_("{name} is damaged or not a spreadsheet (it can't be read)").format(name=name)) from None
    return [_cells(row, number, name) for number, row in enumerate(rows, start=1)]


def _cells(row: list, number: int, name: str) -> list:
    """A row as calamine read it, made in place what a ledger's row is (``_trimmed``)."""
    for at, value in enumerate(row):
        if value.__class__ is str:
            if not value:
                row[at] = None
            elif len(value) > MAX_CELL:
                raise refused(_("row {row}: a cell is longer than {limit} characters").format(
                    row=number, limit=count(MAX_CELL)))
        elif value is not None and not isinstance(value, (bool, int, float, date, datetime)):
            row[at] = str(value)  # a time of day, a duration: kept as text, refused where a date is wanted
    return _narrowed(row, number)
