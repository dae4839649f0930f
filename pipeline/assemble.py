"""assemble: from page fragments to logical synergy rows.

Header rows are recognised by their wording (`schemas/colonnes.yaml`) and dropped wherever they
repeat; they also tell which table column holds which contract column. Fragments in the same
column layout continue the table, header or not. A row broken by a page end is merged back: its
continuation is the first fragment of the next page, recognised by an empty synergy cell (the
name ended on the previous page) or by a name that visibly goes on mid-sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .clean import clean_text
from .headers import Header, match_header
from .model import CELL_COLUMNS, STRUCTURED_STRATEGIES, TEXT_STRATEGY, Fragment, Row
from .settings import Settings

_SENTENCE_END = re.compile(r"[.!?…]\s*$")
# French words a name or a sentence never ends on.
_LINKING_WORDS = {"de", "des", "du", "d’", "d'", "la", "le", "les", "l’", "l'", "un", "une", "et", "ou",
                  "à", "au", "aux", "en", "par", "pour", "sur", "sous", "avec", "via", "dans", "entre"}


@dataclass(frozen=True)
class Layout:
    """The active synergy table: its header and where its columns stand on the page."""

    header: Header
    columns: tuple[tuple[float, float], ...]

    def fits(self, fragment: Fragment, tolerance: float) -> bool:
        """Whether a fragment's columns are this table's columns (same count, same places)."""
        return len(fragment.columns) == len(self.columns) and all(
            abs(a[0] - b[0]) <= tolerance and abs(a[1] - b[1]) <= tolerance
            for a, b in zip(fragment.columns, self.columns)
        )


@dataclass
class Assembly:
    """The rows, and what was decided for each fragment (for the debug picture and the log)."""

    rows: list[Row] = field(default_factory=list)
    decisions: list[tuple[Fragment, str]] = field(default_factory=list)  # entete, ligne, suite, rubrique, ignore


def _cells(fragment: Fragment, header: Header) -> dict[str, str]:
    cells = dict.fromkeys(CELL_COLUMNS, "")
    for text, column in zip(fragment.cells, header.columns):
        if column:
            cells[column] = f"{cells[column]}\n{text}".strip("\n")
    return cells


def _goes_on(before: str, after: str) -> bool:
    """Text that visibly continues: a lower-case word after, or before stopping on a word or a
    sign that cannot end a phrase ('via des', 'Ville,')."""
    before, after = before.strip(), after.lstrip()
    if not (before and after) or _SENTENCE_END.search(before):
        return False
    last_word = before.split()[-1].lower()
    return after[0].islower() or last_word in _LINKING_WORDS or before[-1] in ",;:/(–-+&"


def continuation(previous: Fragment | None, row: Row | None, fragment: Fragment, cells: dict[str, str],
                 min_cells: int = 2) -> str | None:
    """Why `fragment` continues `row` across a page break ('' when certain), or None if it does not.

    Only the first data fragment of a page can, when the previous one ended its page. Certain when
    the synergy cell is empty (a name is never missing otherwise); likely when the name goes on in
    lower case, or when cells the row had filled are now empty and some text stopped mid-sentence
    (unless the fragment fills fewer than `min_cells` cells: a note under the table, "Source : ...",
    standing alone at the top of a page).
    """
    if previous is None or row is None or previous.page >= fragment.page or not previous.ends_page:
        return None
    if not cells["synergie"].strip():
        return ""
    if _goes_on(row.cells["synergie"], cells["synergie"]):
        return f"nom de synergie supposé continué en haut de la page {fragment.page}"
    filled_before = [c for c in CELL_COLUMNS if row.cells[c].strip()]
    emptied = [c for c in filled_before if not cells[c].strip()]
    unfinished = [c for c in filled_before if cells[c].strip() and not _SENTENCE_END.search(row.cells[c])]
    filled = [c for c in CELL_COLUMNS if cells[c].strip()]
    if len(emptied) >= 2 and unfinished and len(filled) >= min_cells:
        return f"ligne supposée continuée en haut de la page {fragment.page}"
    return None


def extent(fragment: Fragment) -> tuple[float | None, float | None]:
    """The fragment's top on its first page and bottom on its last, in points; a structured
    document's rows have no geometry, and a tagged row's bottom is known on its first page only."""
    if fragment.strategy in STRUCTURED_STRATEGIES:
        return None, None
    return fragment.top, (fragment.bottom if fragment.last_page in (None, fragment.page) else None)


def assemble(fragments: list[Fragment], settings: Settings) -> Assembly:
    """Logical rows of the synergy table(s), in document order."""
    s = settings
    result = Assembly()
    layout: Layout | None = None
    previous: Fragment | None = None  # last fragment that held synergy data
    rubrique = ""
    for fragment in fragments:
        if fragment.strategy == TEXT_STRATEGY:  # a paragraph outside the tables: never a row
            result.decisions.append((fragment, "ignore"))
            continue
        header = match_header(fragment.cells, s.extract)
        if header is not None:
            layout = Layout(header, fragment.columns)
            result.decisions.append((fragment, "entete"))
            continue
        if layout is None or not layout.fits(fragment, s.assemble.layout_tolerance):
            result.decisions.append((fragment, "ignore"))
            continue
        if fragment.section:  # a section heading inside the table: the rows below sit under it
            rubrique = clean_text("\n".join(c for c in fragment.cells if c.strip()))
            result.decisions.append((fragment, "rubrique"))
            previous = None
            continue
        cells = _cells(fragment, layout.header)
        if not any(v.strip() for v in cells.values()):
            result.decisions.append((fragment, "ignore"))
            continue
        row = result.rows[-1] if result.rows else None
        doubt = continuation(previous, row, fragment, cells, s.extract.row_min_cells)
        if doubt is not None and row is not None:
            for c in CELL_COLUMNS:
                row.cells[c] = "\n".join(t for t in (row.cells[c], cells[c]) if t.strip())
            row.page_fin = fragment.page
            row.bas = extent(fragment)[1]
            if doubt:
                row.doutes.append(doubt)
            result.decisions.append((fragment, "suite"))
        elif sum(1 for v in cells.values() if v.strip()) < s.extract.row_min_cells:
            # A title or a note standing in the table's grid ("Source : ..." under a printed
            # sheet): no synergy, as for the sheet's own cells.
            result.decisions.append((fragment, "ignore"))
            continue
        else:
            end = fragment.last_page or fragment.page  # a tagged PDF's row may already span pages
            top, bottom = extent(fragment)
            result.rows.append(Row(cells, layout.header.last_heading, fragment.page, end,
                                   rubrique=rubrique, ligne_source=fragment.source_row, haut=top, bas=bottom))
            result.decisions.append((fragment, "ligne"))
        previous = fragment
    return result
