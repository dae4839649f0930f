"""excel: synergies.xlsx, the file civil servants open (the CSV stays for programs).

Three sheets: `synergies` (every row), `a_verifier` (the rows to look at), `rejets` (documents not
read, and why). Header frozen, filters on, columns sized, long text wrapped. Every cell is stored as
text or as a number, never as a formula: a cell reading `=HYPERLINK(...)` or `+cmd|...` in a report
stays that text in Excel (no formula injection).

Written with XlsxWriter row by row (`constant_memory`): openpyxl builds and styles one object per
cell first, which took longer than reading the report (1 s for a 320-page report's 1,400 rows).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import xlsxwriter

from .export import write_atomic

# Control characters a sheet cannot hold (openpyxl's list; openpyxl itself is not needed to write).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

# Column widths, in characters: as wide as the longest value, between these bounds; longer text
# wraps inside the cell.
MIN_WIDTH = 8
MAX_WIDTH = 60
BOOLEANS = {True: "oui", False: "non"}


def _value(value):
    """A cell's value as text or number; empty for unknown."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, bool):
        return BOOLEANS[value]
    if isinstance(value, (int, float)):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return _value(value.item())
    # Control characters cannot be stored in a sheet; shown as U+FFFD so the loss is visible.
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value)) or None


def _add_sheet(book: xlsxwriter.Workbook, title: str, frame: pd.DataFrame, formats: dict) -> None:
    sheet = book.add_worksheet(title)
    rows = [[_value(v) for v in values] for values in frame.itertuples(index=False, name=None)]
    widths = [len(str(c)) for c in frame.columns]
    for row in rows:
        for i, v in enumerate(row):
            if v is not None:
                widths[i] = max(widths[i], len(str(v)))
    for i, width in enumerate(widths):
        sheet.set_column(i, i, min(max(width, MIN_WIDTH), MAX_WIDTH) + 2)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(rows), max(len(widths) - 1, 0))
    for i, name in enumerate(frame.columns):
        sheet.write_string(0, i, str(name), formats["header"])
    for r, row in enumerate(rows, start=1):
        for i, v in enumerate(row):
            if isinstance(v, str):
                sheet.write_string(r, i, v, formats["text"])  # never a formula, whatever the text starts with
            elif v is not None:
                sheet.write_number(r, i, v)


def write_xlsx(table: pd.DataFrame, rejects: pd.DataFrame, target: Path) -> None:
    def write(tmp: Path) -> None:
        book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
        formats = {"header": book.add_format({"bold": True}),
                   "text": book.add_format({"text_wrap": True, "valign": "top"})}
        _add_sheet(book, "synergies", table, formats)
        _add_sheet(book, "a_verifier", table[table["a_verifier"].astype(bool)] if len(table) else table, formats)
        _add_sheet(book, "rejets", rejects, formats)
        book.close()

    write_atomic(target, write)
