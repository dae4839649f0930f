"""What the Word (.docx) and OpenDocument (.odt) readers share: tables taken straight from the structure.

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

Paragraphs outside tables come as one-cell fragments of strategy "texte", in document order
between the tables' rows (`office_document`): the fiche reader takes section titles from them.

A merged cell's text belongs to the first grid column and the first row it covers; the columns
and rows it spans over read as empty cells, so every row of a table has one cell per grid column.
The paragraphs of a cell are joined with "\n", as the lines of a PDF cell are.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass

from ..model import TEXT_STRATEGY, Fragment
from .base import DocumentError

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


# A block of the body, in document order: a paragraph's text, or a table's grid-aligned rows.
Block = str | list[list[str]]


def office_document(blocks: list[Block], strategy: str, doc_title: str) -> OfficeDocument:
    """The fragments of a document's body (pure): each table's rows, and each paragraph outside
    tables as a one-cell "texte" fragment (section titles, fiche headings, prose), which `assemble`
    ignores. A paragraph's `page` is the number of the table it introduces (the last table's
    after it); its `top` its position among the paragraphs that come before that table.
    """
    tables = sum(1 for b in blocks if not isinstance(b, str))
    fragments: list[Fragment] = []
    title: list[str] = []
    table, before = 0, 0
    for block in blocks:
        if isinstance(block, str):
            if table == 0:
                title.append(block)
            if block.strip():
                page = min(table + 1, max(tables, 1))
                fragments.append(Fragment(page, (block,), grid_columns(1), float(before), float(before + 1), TEXT_STRATEGY))
                before += 1
        else:
            table, before = table + 1, 0
            fragments.extend(table_fragments(block, table, strategy))
    return OfficeDocument(fragments, "\n".join(title).strip(), {"Title": doc_title} if doc_title else {}, tables)


def check_container(data: bytes, kind: str, suffix: str) -> None:
    """Reasons to stop before unzipping: nothing there, a binary Office file, not a zip at all."""
    if not data:
        raise DocumentError("fichier vide (0 octet)")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # OLE2: a legacy .doc, or an encrypted file
        raise DocumentError(f"document {kind} protégé par un mot de passe ou à l'ancien format binaire : "
                            f"enregistrez-le sans mot de passe au format {suffix}")
    if data[:2] != b"PK":
        raise DocumentError(f"ce n'est pas un document {kind} {suffix} (format non reconnu)")


# Errors the zip, XML and document libraries raise on a damaged file; all mean the same to a user.
# NotImplementedError: zipfile on an archive version or compression method it does not know.
DAMAGED = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, KeyError, ValueError, IndexError, EOFError,
           NotImplementedError)


def check_unzipped_size(archive: zipfile.ZipFile, limit: int, kind: str) -> None:
    """Refuse an archive whose members declare more than `limit` bytes once inflated. The declared
    sizes can be trusted as a bound: zipfile never inflates a member beyond its declared size."""
    total = sum(info.file_size for info in archive.infolist())
    if total > limit:
        raise DocumentError(f"{kind} suspect : {megabytes(total)} une fois décompressé (limite {megabytes(limit)}) ; "
                            f"ce n'est pas un rapport de synergies ou il est endommagé")


def megabytes(size: int) -> str:
    return f"{size / 1e6:.0f} Mo" if size >= 1e6 else f"{size / 1e6:.1f} Mo"


def why(err: Exception) -> str:
    """A short French account of a library error, for the reject list."""
    if isinstance(err, (zipfile.BadZipFile, EOFError)):
        return "archive tronquée ou endommagée"
    if isinstance(err, zlib.error):
        return "données compressées endommagées"
    if isinstance(err, NotImplementedError):
        return "archive d'un format ou d'une compression non pris en charge"
    if isinstance(err, KeyError):
        name = re.search(r"'([^']+)'", str(err))  # zipfile: "There is no item named 'x' in the archive"
        return f"partie manquante dans l'archive : {name.group(1) if name else err}"
    if type(err).__name__ == "XMLSyntaxError":
        return "XML mal formé"
    return f"structure inattendue : {err}"
