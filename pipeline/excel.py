"""excel: synergies.xlsx, the file civil servants open (the CSV stays for programs).

Three sheets: `synergies` (every row), `a_verifier` (the rows to look at), `rejets` (documents not
read, and why). Header frozen, filters on, columns sized, long text wrapped. Every cell is stored as
text or as a number, never as a formula: a cell reading `=HYPERLINK(...)` or `+cmd|...` in a report
stays that text in Excel (no formula injection).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
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
    sheet = book.create_sheet(title)
    sheet.append(list(frame.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    widths = [len(str(c)) for c in frame.columns]
    for values in frame.itertuples(index=False, name=None):
        row = [_value(v) for v in values]
        sheet.append(row)
        for i, v in enumerate(row):
            widths[i] = max(widths[i], len(str(v)) if v is not None else 0)
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
                cell.alignment = wrap
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width, MIN_WIDTH), MAX_WIDTH) + 2
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def workbook(table: pd.DataFrame, rejects: pd.DataFrame) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    _add_sheet(book, "synergies", table)
    _add_sheet(book, "a_verifier", table[table["a_verifier"].astype(bool)] if len(table) else table)
    _add_sheet(book, "rejets", rejects)
    return book


def write_xlsx(table: pd.DataFrame, rejects: pd.DataFrame, target: Path) -> None:
    book = workbook(table, rejects)
    write_atomic(target, lambda tmp: book.save(tmp))
