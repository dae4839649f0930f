"""Read the tables of a tagged PDF from its structure tree rather than from its page geometry.

Word and LibreOffice can export "tagged" PDFs (for accessibility): besides the drawing, the file
carries a structure tree, Table → (THead/TBody/TFoot) → TR → TH/TD → paragraphs, whose leaves
point at the page's text by marked-content ids (MCID). That tree says which text is in which cell,
so, as `pipeline.read.office` does for DOCX and ODT, each TR becomes one `Fragment`:

- `page` is the page where the row starts; a row broken by a page end is ONE row of the tree, read
  from both pages, and `last_page` is where it ends (None when it stands on one page);
- `top` and `bottom` are the row's extent on its first page;
- `columns` are the synthetic grid columns of `pipeline.read.office`; ColSpan and RowSpan place the
  cells on the grid, a merged cell's text standing in its first column and row;
- the lines of a cell are its text objects grouped by position, joined with "\n";
- `strategy` is "balise".

LibreOffice writes a repeated header row as an artifact, outside the tree, so only the table's own
header row is read; a producer that tagged each repetition as a row would still see it dropped by
`assemble`, as it recognises every header.

The tree is used only when it is usable and consistent, otherwise `read_tagged` answers None and
the caller reads the geometry:

- usable: the PDF is tagged, no page is a scan (OCR text has no tags), and a row of some table
  reads as the synergy table's header;
- consistent: every page with body text has tags (a merged document may hold untagged pages);
  every row of a table covers the same number of grid columns once spans are placed; and on each
  page the cells of a table hold the text standing in the band of the page the table spans (from
  its first text line to its last, page-wide), at least `tagged_min_coverage` of its characters:
  text there that no cell holds (untagged, or tagged outside the table) means a tree that does not
  describe the page. Text beside a table counts too, and sends such a document to the geometry.

Untagged PDFs pay nothing: `read_pdf` reads the catalog's MarkInfo once per document.
"""

from __future__ import annotations

import ctypes
import math
from collections import defaultdict
from dataclasses import dataclass, field, replace
from itertools import groupby
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..extract.cells import is_section, text_lines
from ..headers import match_header
from ..model import Fragment, PageContent, Segment
from ..settings import ExtractSettings, LimitSettings
from .office import grid_columns
from .pdf import WORD, BoldFaces, PdfDocument, address, measured_words, page_text

STRATEGY = "balise"
_ROW_GROUPS = {"THead", "TBody", "TFoot"}

TreePath = tuple[int, ...]  # an element's child indices from the root of the tree


@dataclass(frozen=True, slots=True)
class TaggedCell:
    """What one page holds of one table cell (TH or TD), as the structure tree tells it.

    pdfium builds the tree anew for each page, with only the elements that have content there;
    an element is named by its path from the root, the same on every page, so the two parts of a
    row broken by a page end are known to be one row.
    """

    table: TreePath
    row: TreePath
    row_cells: int  # the row's cells, counting those with content on no page (empty cells)
    index: int  # the cell's place among them
    colspan: int
    rowspan: int
    page: int
    pieces: tuple[Segment, ...]  # its text objects on this page, with their boxes


# ------------------------------------------------------------------------------- reading (I/O)

def read_tagged(source: Path | bytes, document: PdfDocument, s: ExtractSettings,
                limits: LimitSettings = LimitSettings()) -> list[Fragment] | None:
    """The table rows of a tagged PDF read from its structure, or None when the structure is
    absent, unusable or inconsistent with the pages (`document` is the same file as read by
    `read_pdf`)."""
    if not document.tagged or document.scans:
        return None
    cells: list[TaggedCell] = []
    tagged_pages: set[int] = set()
    try:
        pdf = pdfium.PdfDocument(source)
    except pdfium.PdfiumError:
        return None
    try:
        for content in document.pages:
            page = pdf[content.number - 1]
            try:
                found = _page_cells(page, content.number, content.height, s, limits.cellules_repetees)
            finally:
                page.close()
            if found is not None:
                tagged_pages.add(content.number)
                cells.extend(found)
    except pdfium.PdfiumError:
        return None  # a structure pdfium cannot walk: the geometry still can be read
    finally:
        pdf.close()
    return tagged_fragments(cells, document.pages, tagged_pages, s)


def _page_cells(page: pdfium.PdfPage, number: int, height: float, s: ExtractSettings, limit: int) -> list[TaggedCell] | None:
    """The table cells of one page's structure tree; None when the page has no tags at all."""
    tree = pdfium_c.FPDF_StructTree_GetForPage(page)
    if not tree:
        return None
    try:
        roots = [((i,), el) for i in range(pdfium_c.FPDF_StructTree_CountChildren(tree))
                 if (el := pdfium_c.FPDF_StructTree_GetChildAtIndex(tree, i))]
        if not roots:
            return None
        tables = [found for path, el in roots for found in _tables(el, path)]
        if not tables:
            return []
        texts = _marked_texts(page, height, s)
        cells = []
        for table, table_el in tables:
            for row, row_el in _rows(table_el, table):
                count = pdfium_c.FPDF_StructElement_CountChildren(row_el)
                for index, cell_el in _children(row_el):
                    pieces = tuple(p for mcid in _marked_ids(cell_el) for p in texts.get(mcid, ()))
                    cells.append(TaggedCell(table, row, count, index, _span(cell_el, b"ColSpan", limit),
                                            _span(cell_el, b"RowSpan", limit), number, pieces))
        return cells
    finally:
        pdfium_c.FPDF_StructTree_Close(tree)


def _children(el) -> list[tuple[int, object]]:
    """An element's child elements with their indices; kids standing on other pages are absent."""
    return [(i, child) for i in range(pdfium_c.FPDF_StructElement_CountChildren(el))
            if (child := pdfium_c.FPDF_StructElement_GetChildAtIndex(el, i))]


def _type(el) -> str:
    """The element's standard type (/S, through the document's RoleMap)."""
    size = pdfium_c.FPDF_StructElement_GetType(el, None, 0)
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDF_StructElement_GetType(el, buffer, size)
    return buffer.raw[:size].decode("utf-16-le", "ignore").rstrip("\x00")


def _tables(el, path: TreePath) -> list[tuple[TreePath, object]]:
    """The Table elements at or below `el`, outermost only (a nested table is cell text)."""
    if _type(el) == "Table":
        return [(path, el)]
    return [found for i, child in _children(el) for found in _tables(child, path + (i,))]


def _rows(table, path: TreePath) -> list[tuple[TreePath, object]]:
    """A table's TR elements, directly below it or in its THead, TBody and TFoot."""
    rows = []
    for i, child in _children(table):
        kind = _type(child)
        if kind == "TR":
            rows.append((path + (i,), child))
        elif kind in _ROW_GROUPS:
            rows.extend(_rows(child, path + (i,)))
    return rows


def _marked_ids(el) -> list[int]:
    """The marked-content ids of this page below `el`, in structure order.

    `FPDF_StructElement_GetChildMarkedContentID` answers only for content of the page the tree
    was built for (the raw /K lists, `GetMarkedContentIdAtIndex`, mix the ids of every page).
    """
    ids = []
    for i in range(pdfium_c.FPDF_StructElement_CountChildren(el)):
        mcid = pdfium_c.FPDF_StructElement_GetChildMarkedContentID(el, i)
        if mcid >= 0:
            ids.append(mcid)
        elif child := pdfium_c.FPDF_StructElement_GetChildAtIndex(el, i):
            ids.extend(_marked_ids(child))
    return ids


def _span(el, name: bytes, limit: int) -> int:
    """A cell's ColSpan or RowSpan attribute (1 when absent), within [1, limit]: a span of 1e8
    declared by a damaged file is never allocated."""
    value = ctypes.c_float()
    for i in range(pdfium_c.FPDF_StructElement_GetAttributeCount(el)):
        attribute = pdfium_c.FPDF_StructElement_GetAttributeAtIndex(el, i)
        found = pdfium_c.FPDF_StructElement_Attr_GetValue(attribute, name)
        if found and pdfium_c.FPDF_StructElement_Attr_GetNumberValue(found, value):
            return min(max(1, int(value.value)), limit) if math.isfinite(value.value) else 1
    return 1


def _marked_texts(page: pdfium.PdfPage, height: float, s: ExtractSettings) -> dict[int, list[Segment]]:
    """The page's words by marked-content id, measured as `read_pdf` measures them (origin
    top-left, each character's advance box): a word drawn one glyph per text object, as Chromium
    draws, stays one word, where the glyphs' ink boxes would stand apart around an "l" or an "i".

    Only the page's own content stream: ids inside a form XObject belong to the form's."""
    textpage = page.get_textpage()
    try:
        marks = {address(obj.raw): mcid
                 for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], max_depth=0)
                 if (mcid := pdfium_c.FPDFPageObj_GetMarkedContentID(obj)) >= 0}
        text, count = page_text(textpage)
        bold_face = BoldFaces(textpage.raw)
        owner = [marks.get(address(pdfium_c.FPDFText_GetTextObject(textpage, i)), -1) for i in range(count)]
        texts: dict[int, list[Segment]] = defaultdict(list)
        for word in WORD.finditer(text):
            for mcid, indexes in groupby(range(word.start(), word.end()), key=owner.__getitem__):
                if mcid >= 0:
                    first = next(indexes)
                    last = max(indexes, default=first)
                    bold = bold_face(first)
                    texts[mcid].extend(replace(w, bold=bold) for w in measured_words(textpage, text, first, last + 1, height, s))
        return texts
    finally:
        textpage.close()


# ------------------------------------------------------------------------- the rows (pure)

@dataclass
class _Cell:
    """A cell gathered over the pages it stands on (none for an empty cell: spans unknown, 1)."""

    colspan: int = 1
    rowspan: int = 1
    parts: list[TaggedCell] = field(default_factory=list)


def tagged_fragments(
    cells: list[TaggedCell], pages: list[PageContent], tagged_pages: set[int], s: ExtractSettings
) -> list[Fragment] | None:
    """One fragment per table row, in structure order; None when the structure is unusable or
    inconsistent with the pages (see the module's docstring)."""
    if any(page.segments and page.number not in tagged_pages for page in pages):
        return None
    by_table: dict[TreePath, list[TaggedCell]] = defaultdict(list)
    for cell in cells:
        by_table[cell.table].append(cell)
    by_number = {page.number: page for page in pages}
    fragments: list[Fragment] = []
    for table in sorted(by_table):
        on_pages: dict[int, list[TaggedCell]] = defaultdict(list)
        for cell in by_table[table]:
            on_pages[cell.page].append(cell)
        if not all(_covers(parts, by_number[page], s) for page, parts in on_pages.items()):
            return None
        rows = _table_rows(by_table[table], s)
        if rows is None:
            return None
        fragments.extend(rows)
    if not any(match_header(f.cells, s) for f in fragments):
        return None
    return fragments


def _table_rows(cells: list[TaggedCell], s: ExtractSettings) -> list[Fragment] | None:
    """A table's rows on its grid, or None when they do not all cover the same columns."""
    rows: dict[TreePath, list[_Cell]] = {}
    for cell in cells:
        slots = rows.setdefault(cell.row, [_Cell() for _ in range(cell.row_cells)])
        slot = slots[cell.index]
        if not slot.parts:
            slot.colspan, slot.rowspan = cell.colspan, cell.rowspan
        slot.parts.append(cell)
    for row in rows.values():
        _drop_repetitions(row, s)
    placed = _place(list(rows[path] for path in sorted(rows)))
    if placed is None:
        return None
    width = len(placed[0]) if placed else 0
    fragments = []
    for path, grid in zip(sorted(rows), placed):
        parts = [part for cell in rows[path] for part in cell.parts]
        pages = [p.page for p in parts if p.pieces] or [p.page for p in parts]  # where its text is
        first, last = min(pages), max(pages)
        boxes = [piece for p in parts if p.page == first for piece in p.pieces]
        texts = tuple(_cell_text(cell.parts, s) if cell else "" for cell in grid)
        spans_table = len(rows[path]) == 1 and width > 1 and rows[path][0].colspan >= width
        fragments.append(Fragment(
            first, texts, grid_columns(width),
            min((b.top for b in boxes), default=0.0), max((b.bottom for b in boxes), default=0.0),
            STRATEGY, last_page=last if last > first else None,
            section=is_section(texts, (piece for p in parts for piece in p.pieces), spans_table),
        ))
    return fragments


def _drop_repetitions(row: list[_Cell], s: ExtractSettings) -> None:
    """A row drawn again, identical, on later pages is one row standing once: a browser repeats
    a table's header row at the top of every page and tags each drawing as that same row. A row
    broken by a page end holds different text on each page and keeps all its parts."""
    pages = sorted({part.page for cell in row for part in cell.parts if part.pieces})
    if len(pages) < 2:
        return
    drawn = [tuple(_cell_text([p for p in cell.parts if p.page == page], s) for cell in row) for page in pages]
    if all(again == drawn[0] for again in drawn[1:]):
        for cell in row:
            cell.parts = [part for part in cell.parts if part.page == pages[0]]


def _place(rows: list[list[_Cell]]) -> list[list[_Cell | None]] | None:
    """Each row's cells on the table's grid, at the column where each starts (None where a span
    covers the column), as HTML places them; None when rows cover different numbers of columns."""
    from_above: dict[int, int] = {}  # grid column -> rows below still covered by a RowSpan
    placed: list[list[_Cell | None]] = []
    for row in rows:
        taken = set(from_above)
        starts: dict[int, _Cell] = {}
        column = 0
        for cell in row:
            while column in taken:
                column += 1
            starts[column] = cell
            covered = range(column, column + cell.colspan)
            taken.update(covered)
            from_above.update({c: cell.rowspan for c in covered if cell.rowspan > 1})
            column += cell.colspan
        from_above = {c: n - 1 for c, n in from_above.items() if n > 1}
        if taken != set(range(len(taken))):
            return None  # a hole in the row's grid
        placed.append([starts.get(c) for c in range(len(taken))])
    if len({len(grid) for grid in placed}) > 1:
        return None
    return placed


def _cell_text(parts: list[TaggedCell], s: ExtractSettings) -> str:
    """A cell's lines, page after page, top to bottom on each."""
    lines = []
    for part in sorted(parts, key=lambda p: p.page):
        lines.extend(_line_text(line, s) for line in text_lines(part.pieces, s.line_tolerance))
    return "\n".join(lines)


def _line_text(pieces: list[Segment], s: ExtractSettings) -> str:
    """Text objects of one line, left to right: a space where they stand apart and none is
    written (a word split into two objects, a bold letter, stays one word)."""
    text = pieces[0].text
    for before, piece in zip(pieces, pieces[1:]):
        apart = piece.x0 - before.x1 > s.word_gap and not (text[-1:].isspace() or piece.text[:1].isspace())
        text += (" " if apart else "") + piece.text
    return " ".join(text.split())


def _covers(parts: list[TaggedCell], page: PageContent, s: ExtractSettings) -> bool:
    """Whether the cells of one table hold the page's text in the band the table spans there,
    from the top of its first text line to the bottom of its last, across the whole page (a
    column the tree left out stands beside the others)."""
    pieces = [piece for part in parts for piece in part.pieces]
    if not pieces:
        return True
    top, bottom = min(p.top for p in pieces), max(p.bottom for p in pieces)
    claimed = sum(_letters(seg.text) for seg in page.segments if top <= seg.ymid <= bottom)
    return sum(_letters(p.text) for p in pieces) >= s.tagged_min_coverage * claimed


def _letters(text: str) -> int:
    return sum(not c.isspace() for c in text)
