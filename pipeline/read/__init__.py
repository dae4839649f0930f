"""read: one reader per input format behind one entry, `read_document`.

Each format has its module (docling's `backend/` layout): `pdf` (text layer, pypdfium2), `scan`
(pages without text, OCR), `tagged` (a tagged PDF's structure tree), `docx`, `odt`, and the
spreadsheets `xlsx`, `ods` (read from their cells, `sheets` for what they share). Whatever the
format, a document comes out as an `Extraction`: table-row fragments plus the text that names the
report. `synergies run`, the DVC stages and `synergies debug` all go through `read_document`, so
they make the same choice for the same file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..extract import extract_fragments
from ..model import Extraction
from ..settings import ExtractSettings, LimitSettings, Settings
from .base import DocumentError, document_bytes
from .docx import read_docx
from .ods import read_ods
from .odt import read_odt
from .office import OfficeDocument
from .pdf import OcrPending, ocr_pdf_page, read_pdf
from .tagged import read_tagged
from .xlsx import read_xlsx

if TYPE_CHECKING:
    from .scan import OcrPage

OFFICE_READERS: dict[str, Callable[[Path | bytes], OfficeDocument]] = {".docx": read_docx, ".odt": read_odt}
SHEET_READERS: dict[str, Callable[[Path | bytes, ExtractSettings], Extraction]] = {".xlsx": read_xlsx, ".ods": read_ods}
DOCUMENT_SUFFIXES = {".pdf", *OFFICE_READERS, *SHEET_READERS}

__all__ = ["DOCUMENT_SUFFIXES", "OFFICE_READERS", "SHEET_READERS", "DocumentError", "OcrPending", "ocr_pdf_page",
           "read_document"]


def read_document(path: Path, settings: Settings, data: bytes | None = None,
                  scanned: dict[int, OcrPage] | None = None, defer_ocr: bool = False) -> Extraction:
    """Read one document and find its table fragments; raises DocumentError with the reason.

    Word and LibreOffice files carry their table structure: it is read as is, with no geometry
    (`page` then numbers the table); spreadsheets are read from their cells (`page` numbers the sheet). A tagged PDF whose structure tree holds the table is read
    through it; other PDFs, and tagged ones whose tree does not fit the pages, go through the
    page geometry (`pipeline.extract`), scanned pages through OCR first. `data`, when given, is the
    file's content as already read (and hashed) by the caller: every reader parses those bytes and
    never opens the path again, so what is read is what was hashed (`path` then only tells the
    format); without `data` the file is read from `path`, once, for all the readers. `scanned` and
    `defer_ocr` let the caller read a PDF's scanned pages elsewhere (`read_pdf`).
    """
    suffix = path.suffix.lower()
    limits = settings.limites
    source = document_bytes(path) if data is None else data
    if suffix in SHEET_READERS:
        extraction = SHEET_READERS[suffix](source, settings.extract)
        _check_rows(len(extraction.fragments), limits)
        return extraction
    if suffix in OFFICE_READERS:
        office = read_docx(source, limits) if suffix == ".docx" else read_odt(source)
        _check_rows(len(office.fragments), limits)
        return Extraction(office.tables, tuple(office.fragments), office.title, office.metadata.get("Title", ""))
    document = read_pdf(source, settings.extract, settings.ocr, limits, scanned, defer_ocr)
    fragments = read_tagged(source, document, settings.extract, limits)
    if fragments is None:
        fragments = extract_fragments(document.pages, settings.extract)
    _check_rows(len(fragments), limits)
    return Extraction(
        pages=len(document.pages),
        fragments=tuple(fragments),
        title="\n".join(seg.text for seg in document.pages[0].segments),
        metadata_title=document.metadata.get("Title", ""),
        scans=tuple(scan.summary() for _, scan in sorted(document.scans.items())),
    )


def _check_rows(rows: int, limits: LimitSettings) -> None:
    """Header matching and assembly run on every row: a document declaring far more rows than any
    report is refused before that work (an .odt repeating one row 100,000 times)."""
    if rows > limits.lignes_document:
        raise DocumentError(f"document trop grand : plus de {limits.lignes_document} lignes de tableau "
                            "(limites.lignes_document dans params.yaml) ; le fichier est peut-être abîmé")
