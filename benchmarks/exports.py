"""Issue 13's export figures: the xlsx ledger of an office (all its objectives, and every log
step) against XlsxWriter alone writing the same cells (benchmarks/xlsxwriter_alone.py, with
the export's workbook options), time and peak memory, interleaved; then docx, md, html and
csv, which have no reference.

    python benchmarks/exports.py [--sizes 10k] [--runs 5]

At 10k objectives the ledger holds about 103,000 log steps.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from _common import OUT, PYTHON, ROOT, Table, arguments, interleaved, label, office, run, superviser, warm

OTHER_FORMATS = ("docx", "md", "html", "csv")


def cells(xlsx: Path) -> Path:
    """The cells of an export, as the reference writes them (dates back to Excel numbers)."""
    from openpyxl import load_workbook
    from openpyxl.utils.datetime import to_excel

    kept = xlsx.with_suffix(".cells.pickle")
    book = load_workbook(xlsx, read_only=True)
    sheets = [(sheet.title, [[to_excel(v) if hasattr(v, "year") else v for v in row]
                             for row in sheet.iter_rows(values_only=True)]) for sheet in book.worksheets]
    book.close()
    with open(kept, "wb") as f:
        pickle.dump(sheets, f, protocol=pickle.HIGHEST_PROTOCOL)
    return kept


def main() -> None:
    args = arguments(__doc__, sizes="10k")
    table = Table("Exports: whole processes, the ledger of every objective and every log step")
    for size in args.sizes:
        db = office(size, args.seed)
        warm(db)
        ours_file, theirs_file = OUT / f"export-{label(size)}.xlsx", OUT / f"reference-{label(size)}.xlsx"

        def ours(fmt: str = "xlsx", target: Path = ours_file):
            target.unlink(missing_ok=True)
            return run(superviser(db, "export", "--format", fmt, "-o", str(target)))

        ours()
        reference = cells(ours_file)
        mine, theirs = interleaved(args.runs, ours, lambda: run([PYTHON, str(ROOT / "benchmarks" / "xlsxwriter_alone.py"),
                                                                  str(reference), str(theirs_file)]))
        where = f"{label(size)} objectives"
        table.add("xlsx: time", where, [t for t, _m in mine], [t for t, _m in theirs], "≤ 1.2×")
        table.add("xlsx: peak memory", where, [m for _t, m in mine], [m for _t, m in theirs], "< 250 MB", unit="MB")
        for fmt in OTHER_FORMATS:
            target = OUT / f"export-{label(size)}.{fmt}"
            table.add(f"{fmt}: time", where, [ours(fmt, target)[0] for _ in range(args.runs)], None,
                      "no slower than before")
    table.print("XlsxWriter alone")


if __name__ == "__main__":
    main()
