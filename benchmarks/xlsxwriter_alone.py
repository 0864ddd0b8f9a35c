"""The reference for the xlsx export: XlsxWriter alone writing the same cells, with the
workbook options the export uses. Run by exports.py as a whole process:

    python benchmarks/xlsxwriter_alone.py CELLS.pickle OUT.xlsx
"""

import pickle
import sys

import xlsxwriter

with open(sys.argv[1], "rb") as f:
    sheets = pickle.load(f)  # [(sheet name, [[value, …], …]), …]
book = xlsxwriter.Workbook(sys.argv[2], {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
for name, rows in sheets:
    sheet = book.add_worksheet(name)
    write_string, write_number = sheet.write_string, sheet.write_number
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if value.__class__ is str:
                write_string(r, c, value)
            elif value is not None:
                write_number(r, c, value)
book.close()
