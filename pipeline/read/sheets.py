"""What the spreadsheet readers (.xlsx, .ods) share: finding the synergy sheet(s) of a workbook and
turning their rows into fragments.

A reader hands over each sheet as its visible rows, cells as the user sees them (hidden rows and
columns already left out and counted, a merged area's text in its first cell only, but on every row
of an area merged down one column: `merged_down`). A header over two rows (a group heading merged
across its sub-headings, the other headings merged down both rows) is then found on its second
row, which spells every heading. Here:

- a synergy sheet is one holding a row that `pipeline.headers.match_header` takes for the table's
  header, wherever it sits; other sheets (budgets, staff lists) give nothing, nor do hidden ones;
- rows above the header (titles) and rows with fewer cells filled than `row_min_cells`
  (section titles, notes below the table) become single-cell "texte" fragments, which `assemble` ignores;
- a fragment's `page` is the sheet's position in the workbook (1-based, hidden sheets counted) and
  its `top` the 0-based sheet row, so `ligne_source` is the row number the program shows; columns
  are the synthetic equal intervals of `office.grid_columns`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..headers import match_header
from ..model import TEXT_STRATEGY, Extraction, Fragment
from ..settings import ExtractSettings
from .base import DocumentError
from .office import grid_columns


@dataclass(frozen=True)
class Sheet:
    """One sheet as the user sees it: its non-empty visible rows, numbered as the program numbers them."""

    name: str
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (1-based row number, cells as displayed)
    hidden_rows: int = 0  # hidden rows and columns that held something, left out
    hidden_columns: int = 0
    skipped: str = ""  # why the sheet was not read at all (too large), empty when it was
    hidden: bool = False  # the whole sheet hidden: the user does not see it, it is not read


def merged_down(grid: dict[int, dict[int, str]], first: int, last: int, column: int) -> None:
    """A cell merged down one column over rows first..last ("Synergie" over a header's two rows, a
    synergy's name beside the rows of its group): the user reads its text on each of those rows,
    so each row holding something else gets it (a row it alone would fill stays empty)."""
    text = grid.get(first, {}).get(column, "")
    for row in range(first + 1, last + 1):
        if text and grid.get(row) and not grid[row].get(column, "").strip():
            grid[row][column] = text


def workbook_extraction(sheets: list[Sheet], strategy: str, settings: ExtractSettings,
                        metadata_title: str = "") -> Extraction:
    """The fragments of the synergy sheets; DocumentError naming the sheets seen when there is none."""
    fragments: list[Fragment] = []
    title = ""
    hidden_rows = hidden_columns = 0
    for position, sheet in enumerate(sheets, start=1):
        header = None if sheet.hidden else _header_index(sheet, settings)
        if header is None:
            continue
        if not fragments:  # the first synergy sheet's title rows name the report
            title = "\n".join(" ".join(c for c in cells if c) for _, cells in sheet.rows[:header])
        fragments.extend(sheet_fragments(sheet, position, header, strategy, settings.row_min_cells))
        hidden_rows += sheet.hidden_rows
        hidden_columns += sheet.hidden_columns
    skipped = [f"feuille « {s.name} » non lue : {s.skipped}" for s in sheets if s.skipped]
    if not fragments:
        seen = ", ".join(f"« {s.name} »" for s in sheets) or "aucune"
        raise DocumentError("aucune feuille de synergies (aucune ligne d'en-tête reconnue) ; feuilles vues : "
                            + seen + "".join(f" ; {reason}" for reason in skipped))
    notes = [*skipped]
    hidden_sheets = [s.name for s in sheets if s.hidden and s.rows]
    if hidden_sheets:
        notes.append("feuille(s) masquée(s) ignorée(s) : " + ", ".join(f"« {name} »" for name in hidden_sheets))
    if hidden_rows or hidden_columns:
        notes.append(f"{hidden_rows} ligne(s) et {hidden_columns} colonne(s) masquée(s) ignorée(s)")
    return Extraction(len(sheets), tuple(fragments), title, metadata_title, notes=tuple(notes))


def _header_index(sheet: Sheet, settings: ExtractSettings) -> int | None:
    """Index in `sheet.rows` of the first row spelling out the synergy table's header."""
    for i, (_, cells) in enumerate(sheet.rows):
        if match_header(cells, settings) is not None:
            return i
    return None


def sheet_fragments(sheet: Sheet, position: int, header: int, strategy: str, min_cells: int) -> list[Fragment]:
    """One fragment per row from the header down; title, section and note rows as text (pure)."""
    width = max(len(cells) for _, cells in sheet.rows)
    columns = grid_columns(width)
    fragments = []
    for i, (number, cells) in enumerate(sheet.rows):
        top = float(number - 1)
        filled = [c for c in cells if c.strip()]
        if i >= header and (i == header or len(filled) >= min_cells):
            fragments.append(Fragment(position, cells + ("",) * (width - len(cells)), columns, top, top + 1, strategy))
        else:
            fragments.append(Fragment(position, ("\n".join(filled),), grid_columns(1), top, top + 1, TEXT_STRATEGY))
    return fragments
