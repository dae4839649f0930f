"""Read Word (.docx) and OpenDocument (.odt) reports: their tables straight from the structure.

A structured document already says which text is in which cell, so there is no geometry to
recover: each table row becomes one `Fragment`, as the PDF extractor would have produced, and
assemble → clean → normalise work unchanged. What a fragment's fields mean here:

- `page` is the 1-based number of the table in the document (there are no pages; a table is the
  unit a reader finds again), so `page_debut`/`page_fin` of a row give its table;
- `top` is the 0-based index of the row in its table, header rows included (`bottom` = top + 1):
  row `top + 1` as counted in the word processor;
- `columns` are synthetic equal intervals, (i*100, (i+1)*100) for grid column i, so that
  `Layout.fits` recognises the rows of a table with the same number of columns as its header's;
- `ends_page` is always False: a row is never broken in a structured document.

A merged cell's text belongs to the first grid column and the first row it covers; the columns
and rows it spans over read as empty cells, so every row of a table has one cell per grid column.
The paragraphs of a cell are joined with "\n", as the lines of a PDF cell are.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from .model import Fragment
from .pdf import DocumentError

COLUMN_WIDTH = 100.0  # width of a synthetic column: any value works, all tables use the same


@dataclass(frozen=True)
class OfficeDocument:
    """The table rows of a DOCX or ODT, with what identifies the report.

    `title` is the text of the paragraphs before the first table (commune and year are there);
    `metadata` holds the document properties under the keys `read_pdf` uses ("Title").
    """

    fragments: list[Fragment]
    title: str
    metadata: dict[str, str]
    tables: int  # number of tables read, the counterpart of a PDF's page count


def grid_columns(width: int) -> tuple[tuple[float, float], ...]:
    """The synthetic x-intervals of a table with `width` grid columns."""
    return tuple((i * COLUMN_WIDTH, (i + 1) * COLUMN_WIDTH) for i in range(width))


def table_fragments(rows: list[list[str]], table: int, strategy: str) -> list[Fragment]:
    """One fragment per row of a table given as grid-aligned cell texts (pure)."""
    width = max((len(r) for r in rows), default=0)
    columns = grid_columns(width)
    return [
        Fragment(table, tuple(cells) + ("",) * (width - len(cells)), columns, float(i), float(i + 1), strategy)
        for i, cells in enumerate(rows)
    ]


def _check_container(data: bytes, kind: str, suffix: str) -> None:
    """Reasons to stop before unzipping: nothing there, a binary Office file, not a zip at all."""
    if not data:
        raise DocumentError("fichier vide (0 octet)")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # OLE2: a legacy .doc, or an encrypted file
        raise DocumentError(f"document {kind} protégé par un mot de passe ou à l'ancien format binaire : "
                            f"enregistrez-le sans mot de passe au format {suffix}")
    if data[:2] != b"PK":
        raise DocumentError(f"ce n'est pas un document {kind} {suffix} (format non reconnu)")


# Errors the zip, XML and document libraries raise on a damaged file; all mean the same to a user.
_DAMAGED = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, KeyError, ValueError, IndexError, EOFError)


# ------------------------------------------------------------------------------------------ DOCX

def read_docx(path: Path) -> OfficeDocument:
    """Open a .docx and read every table; raise DocumentError with a reason a user can act on."""
    from docx import Document
    from lxml.etree import LxmlError

    data = path.read_bytes()
    _check_container(data, "Word", ".docx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "[Content_Types].xml" not in archive.namelist() and "mimetype" in archive.namelist():
                raise DocumentError("ce n'est pas un document Word .docx mais un document OpenDocument (.odt ?)")
        document = Document(io.BytesIO(data))
        body = document.element.body
        tables = [_docx_table(tbl) for tbl in _top_level(body, _W + "tbl")]
        title = "\n".join(_docx_paragraph(p) for p in _docx_before_first_table(body)).strip()
        doc_title = _docx_core_title(document)
    except ValueError as err:
        if "is not a Word file" in str(err):  # python-docx: another kind of Office file
            kind = str(err).rpartition("content type is ")[2].strip("'")
            raise DocumentError(f"ce n'est pas un document Word .docx (type de contenu « {kind} »)") from None
        raise DocumentError(f"fichier Word illisible ou corrompu ({_why(err)})") from None
    except (*_DAMAGED, LxmlError) as err:
        raise DocumentError(f"fichier Word illisible ou corrompu ({_why(err)})") from None
    fragments = [f for n, rows in enumerate(tables, start=1) for f in table_fragments(rows, n, "docx")]
    return OfficeDocument(fragments, title, {"Title": doc_title} if doc_title else {}, len(tables))


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Subtrees whose text is not the cell's reading text: deleted or moved-away revisions, the
# fallback copy of alternate content (its text is already in the choice), text boxes.
_DOCX_SKIP = {_W + "del", _W + "moveFrom", _MC_FALLBACK, _W + "txbxContent"}


def _docx_core_title(document) -> str:
    """The title property, when the file has core properties (python-docx invents default ones)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    if not any(rel.reltype == RT.CORE_PROPERTIES for rel in document.part.package.rels.values()):
        return ""
    return (document.core_properties.title or "").strip()


def _top_level(root, tag: str) -> list:
    """Elements `tag` below root that are not nested in another `tag` (nor in skipped subtrees)."""
    found = []

    def walk(el) -> None:
        for child in el:
            if child.tag == tag:
                found.append(child)
            elif child.tag not in _DOCX_SKIP:
                walk(child)

    walk(root)
    return found


def _docx_before_first_table(body) -> list:
    """The body's paragraphs that come before its first table."""
    found: list = []

    def walk(el) -> bool:
        for child in el:
            if child.tag == _W + "tbl":
                return True
            if child.tag == _W + "p":
                found.append(child)
            elif child.tag not in _DOCX_SKIP and walk(child):
                return True
        return False

    walk(body)
    return found


def _w_int(el, name: str, default: int) -> int:
    child = el.find(_W + name) if el is not None else None
    value = child.get(_W + "val") if child is not None else None
    return int(value) if value is not None else default


def _docx_table(tbl) -> list[list[str]]:
    """A table's rows as grid-aligned cell texts; merged areas read as empty beyond their origin."""
    grid = tbl.find(_W + "tblGrid")
    width = len(grid.findall(_W + "gridCol")) if grid is not None else 0
    rows = []
    for tr in _top_level(tbl, _W + "tr"):
        tr_pr = tr.find(_W + "trPr")
        if tr_pr is not None and tr_pr.find(_W + "del") is not None:
            continue  # a row deleted with track changes on
        cells = [""] * _w_int(tr_pr, "gridBefore", 0)
        for tc in _top_level(tr, _W + "tc"):
            tc_pr = tc.find(_W + "tcPr")
            span = max(1, _w_int(tc_pr, "gridSpan", 1))
            if _merged_continuation(tc_pr):
                text = ""  # the text belongs to the row (or column) where the merge starts
            else:
                text = "\n".join(_docx_paragraph(p) for p in _top_level(tc, _W + "p"))
            cells.extend([text] + [""] * (span - 1))
        rows.append(cells)
    width = max([width, *map(len, rows)])
    return [cells + [""] * (width - len(cells)) for cells in rows]


def _merged_continuation(tc_pr) -> bool:
    """A cell covered by a vertical merge (vMerge without "restart") or a legacy horizontal one."""
    if tc_pr is None:
        return False
    for name in ("vMerge", "hMerge"):
        merge = tc_pr.find(_W + name)
        if merge is not None and merge.get(_W + "val", "continue") != "restart":
            return True
    return False


def _docx_paragraph(p) -> str:
    """A paragraph's visible text: runs, tabs as spaces, line breaks as "\n", no deleted text."""
    out: list[str] = []

    def walk(el) -> None:
        for child in el:
            tag = child.tag
            if tag in _DOCX_SKIP or tag == _W + "p":
                continue
            if tag == _W + "t":
                out.append(child.text or "")
            elif tag == _W + "tab" and el.tag == _W + "r":
                out.append(" ")
            elif tag in (_W + "br", _W + "cr"):
                out.append("\n")
            elif tag == _W + "noBreakHyphen":
                out.append("-")
            else:
                walk(child)

    walk(p)
    return "".join(out)


# ------------------------------------------------------------------------------------------- ODT
#
# content.xml is read with lxml (already there for python-docx) rather than odfpy: odfpy's loader
# swallows XML errors, printing the whole part to stdout and keeping what it parsed so far, so a
# damaged file would give a silently truncated table instead of a rejection.

_ODT_TYPES = ("application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.text-template")
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
_DC = "{http://purl.org/dc/elements/1.1/}"
# Subtrees that are not reading text of the body: comments, footnote bodies, frames (images and
# text boxes), the tracked-changes log (deleted text is kept there), declarations, shapes.
_ODT_SKIP = {_OFFICE + "annotation", _TEXT + "note", _DRAW + "frame", _TEXT + "tracked-changes",
             _TEXT + "sequence-decls", _TABLE + "shapes"}
_ROW_GROUPS = {_TABLE + "table-header-rows", _TABLE + "table-rows", _TABLE + "table-row-group"}
_COLUMN_GROUPS = {_TABLE + "table-columns", _TABLE + "table-header-columns", _TABLE + "table-column-group"}
_PARAGRAPHS = {_TEXT + "p", _TEXT + "h"}
_ODF_SPACE = re.compile(r"[ \t\r\n]+")
_REPEAT_LIMIT = 1000  # number-*-repeated beyond this only pads a sheet-like grid with empties


def read_odt(path: Path) -> OfficeDocument:
    """Open an .odt and read every table; raise DocumentError with a reason a user can act on."""
    from lxml import etree

    data = path.read_bytes()
    _check_container(data, "OpenDocument", ".odt")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            part = {n: archive.read(n) for n in ("mimetype", "META-INF/manifest.xml", "content.xml", "meta.xml")
                    if n in names}
    except _DAMAGED as err:
        raise DocumentError(f"fichier OpenDocument illisible ou corrompu ({_why(err)})") from None
    mimetype = part.get("mimetype", b"").decode("ascii", "replace").strip()
    if b"encryption-data" in part.get("META-INF/manifest.xml", b""):
        raise DocumentError("document OpenDocument protégé par un mot de passe : demandez une version non protégée")
    if mimetype and mimetype not in _ODT_TYPES:
        raise DocumentError(f"ce n'est pas un document texte OpenDocument (.odt) mais « {mimetype} »")
    if not mimetype and "content.xml" not in part and "[Content_Types].xml" in names:
        raise DocumentError("ce n'est pas un document texte OpenDocument .odt mais un document Word (.docx ?)")
    if "content.xml" not in part:
        raise DocumentError("fichier OpenDocument illisible ou corrompu (content.xml absent)")
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        content = etree.fromstring(part["content.xml"], parser)
        meta = etree.fromstring(part["meta.xml"], parser) if "meta.xml" in part else None
    except etree.XMLSyntaxError as err:
        raise DocumentError(f"fichier OpenDocument illisible ou corrompu ({_why(err)})") from None
    text = content.find(f"{_OFFICE}body/{_OFFICE}text")
    if text is None:
        raise DocumentError("ce n'est pas un document texte OpenDocument (aucun corps de texte)")
    try:  # a number attribute that is not a number
        tables = [_odt_table(t) for t in _odt_top(text, _TABLE + "table")]
        title = "\n".join(_odt_paragraph(p) for p in _odt_before_first_table(text)).strip()
    except ValueError as err:
        raise DocumentError(f"fichier OpenDocument illisible ou corrompu ({_why(err)})") from None
    found = meta.find(f".//{_DC}title") if meta is not None else None
    doc_title = " ".join((found.text or "").split()) if found is not None else ""
    fragments = [f for n, rows in enumerate(tables, start=1) for f in table_fragments(rows, n, "odt")]
    return OfficeDocument(fragments, title, {"Title": doc_title} if doc_title else {}, len(tables))


def _odt_top(root, tags: str | set[str], through: set[str] | None = None) -> list:
    """Elements named `tags` below root, not below another of them (nor in skipped subtrees);
    only through the `through` wrappers when given."""
    tags = {tags} if isinstance(tags, str) else tags
    found = []
    for child in root:
        if not isinstance(child.tag, str) or child.tag in _ODT_SKIP:
            continue  # comments, processing instructions, non-text subtrees
        if child.tag in tags:
            found.append(child)
        elif through is None or child.tag in through:
            found.extend(_odt_top(child, tags, through))
    return found


def _odt_before_first_table(root) -> list:
    """Paragraphs and headings of the body before its first table (stops at the table)."""
    found: list = []

    def walk(el) -> bool:
        for child in el:
            if not isinstance(child.tag, str) or child.tag in _ODT_SKIP:
                continue
            if child.tag == _TABLE + "table":
                return True
            if child.tag in _PARAGRAPHS:
                found.append(child)
            elif walk(child):
                return True
        return False

    walk(root)
    return found


def _repeat(el, name: str, ns: str = _TABLE) -> int:
    """A repetition count (repeated, spanned, spaces), kept within reason."""
    return min(max(1, int(el.get(ns + name, "1"))), _REPEAT_LIMIT)


def _odt_table(table) -> list[list[str]]:
    """A table's rows as grid-aligned cell texts; covered cells (merged areas) read as empty."""
    columns = _odt_top(table, _TABLE + "table-column", _COLUMN_GROUPS)
    declared = sum(_repeat(c, "number-columns-repeated") for c in columns)
    rows = []
    for tr in _odt_top(table, _TABLE + "table-row", _ROW_GROUPS):
        cells: list[str] = []
        for tc in tr:
            # A cell spanning columns is followed by covered cells for the columns it spans, as a
            # cell spanning rows has covered cells below it: the grid is complete as written.
            if tc.tag == _TABLE + "table-cell":
                one = ["\n".join(_odt_paragraph(p) for p in _odt_top(tc, _PARAGRAPHS))]
            elif tc.tag == _TABLE + "covered-table-cell":
                one = [""]  # its text stands at the start of the span
            else:
                continue
            cells.extend(one * _repeat(tc, "number-columns-repeated"))
        repeat = _repeat(tr, "number-rows-repeated")
        rows.extend([cells] * (repeat if any(cells) else 1))
    # The declared columns, unless text stands beyond them; repeated empty cells past them go.
    used = max((i + 1 for cells in rows for i, text in enumerate(cells) if text), default=0)
    width = max(declared, used) or max(map(len, rows), default=0)
    return [cells[:width] + [""] * (width - len(cells)) for cells in rows]


def _odt_paragraph(p) -> str:
    """A paragraph's visible text: spans and links, text:s as spaces, line breaks as "\n"."""
    out: list[str] = []

    def walk(el) -> None:
        # ODF collapses white space in character data (text:s and text:line-break are explicit).
        out.append(_ODF_SPACE.sub(" ", el.text or ""))
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else None
            if tag == _TEXT + "s":
                out.append(" " * _repeat(child, "c", _TEXT))
            elif tag in (_TEXT + "tab", _TEXT + "line-break"):
                out.append(" " if tag == _TEXT + "tab" else "\n")
            elif tag is not None and tag not in _ODT_SKIP:
                walk(child)
            out.append(_ODF_SPACE.sub(" ", child.tail or ""))

    walk(p)
    return "".join(out)


def _why(err: Exception) -> str:
    """A short French account of a library error, for the reject list."""
    if isinstance(err, (zipfile.BadZipFile, EOFError)):
        return "archive tronquée ou endommagée"
    if isinstance(err, zlib.error):
        return "données compressées endommagées"
    if isinstance(err, KeyError):
        name = re.search(r"'([^']+)'", str(err))  # zipfile: "There is no item named 'x' in the archive"
        return f"partie manquante dans l'archive : {name.group(1) if name else err}"
    if type(err).__name__ == "XMLSyntaxError":
        return "XML mal formé"
    return f"structure inattendue : {err}"
