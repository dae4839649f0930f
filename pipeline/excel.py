"""excel: synergies.xlsx, the file civil servants open (the CSV stays for programs).

Three sheets: `synergies` (every row), `a_verifier` (the rows to look at), `rejets` (documents not
read, and why). Header frozen, filters on, columns sized, long text wrapped. Every cell is stored as
text or as a number, never as a formula: a cell reading `=HYPERLINK(...)` or `+cmd|...` in a report
stays that text in Excel (no formula injection).

Written by rust_xlsxwriter (through rustpy-xlsxwriter) from whole columns: a corpus of 1,000
reports is a million cells, which XlsxWriter wrote cell by cell in 10-20 s of each run, and
openpyxl more slowly still; this takes about a second.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rustpy_xlsxwriter import FastExcel, Format

from .export import write_atomic

# Control characters a sheet cannot hold (openpyxl's list; openpyxl itself is not needed to write).
ILLEGAL_CHARACTERS = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"

# Column widths, in characters: as wide as the longest value, between these bounds; longer text
# wraps inside the cell.
MIN_WIDTH = 8
MAX_WIDTH = 60
BOOLEANS = {True: "oui", False: "non"}


def sheet_column(values: pd.Series) -> pd.Series:
    """A column's cells as the sheet stores them: text or number, missing (no cell) for unknown.
    Kept in Arrow-backed types, which the writer reads without a Python object per cell; text is
    changed by Arrow's kernels, each a call per column (pandas' string methods cost several times
    as much, for the few dozen columns of each sheet)."""
    if pd.api.types.is_bool_dtype(values):
        return values.map(BOOLEANS).astype("str")
    if pd.api.types.is_numeric_dtype(values):
        return values
    text = pc.fill_null(pa.array(values.astype("str")), "")
    # Control characters cannot be stored in a sheet; shown as U+FFFD so the loss is visible.
    text = pc.replace_substring_regex(text, ILLEGAL_CHARACTERS, "\ufffd")
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, text.type), text)
    return pd.Series(pd.array(text, dtype="str"), index=values.index, name=values.name)


def sheet_widths(cells: pd.DataFrame) -> list[float]:
    """Each column as wide as its header or longest value, within MIN_WIDTH and MAX_WIDTH."""
    widths = []
    for name in cells.columns:
        values = cells[name]
        if pd.api.types.is_string_dtype(values):
            longest = pc.max(pc.utf8_length(pa.array(values))).as_py() or 0  # no text at all: None
        else:
            shown = values.dropna()
            longest = int(shown.astype("str").str.len().max()) if len(shown) else 0
        widths.append(min(max(len(str(name)), longest, MIN_WIDTH), MAX_WIDTH) + 2)
    return widths


def sheet_cells(frame: pd.DataFrame) -> pd.DataFrame:
    # A fresh index: the writer would add a row selection's index as one more column.
    frame = frame.reset_index(drop=True)
    return pd.DataFrame({name: sheet_column(frame[name]) for name in frame.columns}, columns=frame.columns)


def write_xlsx(table: pd.DataFrame, rejects: pd.DataFrame, target: Path) -> None:
    flagged = table[table["a_verifier"].astype(bool)] if len(table) else table
    sheets = {"synergies": sheet_cells(table), "a_verifier": sheet_cells(flagged), "rejets": sheet_cells(rejects)}

    def write(tmp: Path) -> None:
        book = FastExcel(str(tmp)).freeze(row=1)
        wrapped, bold = Format().set_text_wrap().set_align("top"), Format().set_bold()
        for title, cells in sheets.items():
            book.sheet(title, cells, column_widths=sheet_widths(cells), column_formats=[wrapped] * len(cells.columns),
                       header_format=bold, autofilter=True)
        book.save()

    write_atomic(target, write)
