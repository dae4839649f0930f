"""excel: synergies.xlsx, the file civil servants open (the CSV stays for programs).

Three sheets: `synergies` (every row), `a_verifier` (the rows to look at), `rejets` (documents not
read, and why). Header frozen, filters on, columns sized, long text wrapped. Every cell is stored as
text or as a number, never as a formula: a cell reading `=HYPERLINK(...)` or `+cmd|...` in a report
stays that text in Excel (no formula injection).
"""

from __future__ import annotations

from copy import copy
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .export import write_atomic

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


def _add_sheet(book: Workbook, title: str, frame: pd.DataFrame) -> None:
    """One sheet, streamed (a write-only workbook): the widths are known before the first row."""
    sheet = book.create_sheet(title)
    rows = [[_value(v) for v in values] for values in frame.itertuples(index=False, name=None)]
    widths = [len(str(c)) for c in frame.columns]
    for row in rows:
        for i, v in enumerate(row):
            if v is not None:
                widths[i] = max(widths[i], len(str(v)))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width, MIN_WIDTH), MAX_WIDTH) + 2
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(frame.columns), 1))}{len(rows) + 1}"
    header = WriteOnlyCell(sheet)
    header.font = Font(bold=True)
    text = WriteOnlyCell(sheet)
    text.alignment = Alignment(wrap_text=True, vertical="top")

    def cell(value, style: WriteOnlyCell) -> WriteOnlyCell:
        # The style is copied from a model cell: setting it on each cell costs more than the writing.
        c = WriteOnlyCell(sheet, value=value)
        c._style = copy(style._style)
        return c

    sheet.append([cell(str(c), header) for c in frame.columns])
    for row in rows:
        out = []
        for v in row:
            if isinstance(v, str):
                c = cell(v, text)
                c.data_type = "s"  # never a formula, whatever the text starts with
                out.append(c)
            else:
                out.append(v)
        sheet.append(out)


def workbook(table: pd.DataFrame, rejects: pd.DataFrame) -> Workbook:
    book = Workbook(write_only=True)
    _add_sheet(book, "synergies", table)
    _add_sheet(book, "a_verifier", table[table["a_verifier"].astype(bool)] if len(table) else table)
    _add_sheet(book, "rejets", rejects)
    return book


def write_xlsx(table: pd.DataFrame, rejects: pd.DataFrame, target: Path) -> None:
    book = workbook(table, rejects)
    write_atomic(target, lambda tmp: book.save(tmp))
