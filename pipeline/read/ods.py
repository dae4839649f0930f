"""Read OpenDocument spreadsheets (.ods) from their cells: content.xml read with lxml.

Why not pandas + odfpy or python-calamine: content.xml already holds, for every cell, the text
LibreOffice displays (`text:p`: "75 %" for 0.75 formatted as a percentage, a date as formatted),
beside the value; readers of values would have to re-apply the number formats, and neither of them
tells hidden rows and columns or merged areas. The OpenDocument text reader (`odt.py`) already
walks this XML safely (no entities, damaged files rejected, repeat counts bounded): its helpers are
reused here.
"""

from __future__ import annotations

from pathlib import Path

from ..model import Extraction
from ..settings import ExtractSettings
from .base import DocumentError
from .odt import (_COLUMN_GROUPS, _OFFICE, _PARAGRAPHS, _REPEAT_LIMIT, _ROW_GROUPS, _TABLE, _odt_paragraph, _odt_top,
                  _repeat, open_package)
from .office import why
from .sheets import Sheet, merged_down, workbook_extraction

STRATEGY = "ods"
_ODS_TYPES = ("application/vnd.oasis.opendocument.spreadsheet", "application/vnd.oasis.opendocument.spreadsheet-template")
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_HIDDEN = {"collapse", "filter"}  # table:visibility of rows hidden by hand or by a filter


def read_ods(source: Path | bytes, settings: ExtractSettings) -> Extraction:
    """Open an .ods and read its synergy sheet(s); raise DocumentError with a reason a user can act on."""
    content, title = open_package(source, _ODS_TYPES, "classeur OpenDocument", ".ods", "un classeur Excel (.xlsx ?)",
                                  (settings.workbook_max_bytes, settings.sheet_max_bytes))
    body = content.find(f"{_OFFICE}body/{_OFFICE}spreadsheet")
    if body is None:
        raise DocumentError("ce n'est pas un classeur OpenDocument (aucune feuille)")
    hidden_styles = {style.get(_STYLE + "name") for style in content.iter(_STYLE + "style")
                     if style.find(f"{_STYLE}table-properties[@{_TABLE}display='false']") is not None}
    try:  # a number attribute that is not a number
        sheets = [_sheet(table, table.get(_TABLE + "style-name") in hidden_styles)
                  for table in _odt_top(body, _TABLE + "table")]
    except ValueError as err:
        raise DocumentError(f"classeur OpenDocument illisible ou corrompu ({why(err)})") from None
    return workbook_extraction(sheets, STRATEGY, settings, title)


def _sheet(table, hidden: bool) -> Sheet:
    """A sheet's visible rows, cells as displayed; covered cells (merged areas) read as empty,
    except down a column (`sheets.merged_down`)."""
    hidden_columns: set[int] = set()
    position = 0
    for column in _odt_top(table, _TABLE + "table-column", _COLUMN_GROUPS):
        count = _repeat(column, "number-columns-repeated")
        if column.get(_TABLE + "visibility", "visible") in _HIDDEN:
            hidden_columns.update(range(position, position + count))
        position += count
    rows: list[tuple[int, list[str]]] = []
    down: list[tuple[int, int, int]] = []  # areas merged down one column: first row, last row, column
    hidden_rows = 0
    number = 1  # the row number LibreOffice shows
    for tr in _odt_top(table, _TABLE + "table-row", _ROW_GROUPS):
        cells: list[str] = []
        for tc in tr:
            if tc.tag == _TABLE + "table-cell":
                text = "\n".join(_odt_paragraph(p) for p in _odt_top(tc, _PARAGRAPHS))
                spanned = int(tc.get(_TABLE + "number-rows-spanned", "1"))
                if spanned > 1 and int(tc.get(_TABLE + "number-columns-spanned", "1")) == 1:
                    down.append((number, number + spanned - 1, len(cells)))
            elif tc.tag == _TABLE + "covered-table-cell":
                text = ""  # its text stands at the start of the merged area
            else:
                continue
            cells.extend([text] * _repeat(tc, "number-columns-repeated"))
        # Repeated empty rows (formatting down to the sheet's end) only move the count on.
        repeat = int(tr.get(_TABLE + "number-rows-repeated", "1"))
        if any(c.strip() for c in cells):
            if tr.get(_TABLE + "visibility", "visible") in _HIDDEN:
                hidden_rows += min(repeat, _REPEAT_LIMIT)
            else:
                rows.extend((number + i, cells) for i in range(min(repeat, _REPEAT_LIMIT)))
        number += max(1, repeat)
    grid = {n: dict(enumerate(cells)) for n, cells in rows}
    for first, last, column in down:
        merged_down(grid, first, last, column)
    rows = [(n, [grid[n][i] for i in range(len(cells))]) for n, cells in rows]
    used = sorted({i for _, cells in rows for i, c in enumerate(cells) if c.strip()} - hidden_columns)
    shown = tuple((n, tuple(cells[i] if i < len(cells) else "" for i in used)) for n, cells in rows)
    hidden_used = {i for _, cells in rows for i, c in enumerate(cells) if c.strip()} & hidden_columns
    return Sheet(table.get(_TABLE + "name", ""), shown, hidden_rows, len(hidden_used), hidden=hidden)
