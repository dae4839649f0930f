"""Read OpenDocument text (.odt) reports: every top-level table of content.xml, and the paragraphs
between them (lxml).

See `office.py` for what a fragment's fields mean for a structured document.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from ..settings import LimitSettings
from .base import DocumentError, document_bytes
from .office import DAMAGED, OfficeDocument, check_container, check_unzipped_size, megabytes, office_document, why


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
# number-*-repeated beyond this only pads a sheet-like grid with empties, or is hostile. The default of
# the named limit: a params.yaml override does not reach the ODT/ODS grid readers yet.
_REPEAT_LIMIT = LimitSettings.cellules_repetees


def read_odt(source: Path | bytes) -> OfficeDocument:
    """Open an .odt and read every table; raise DocumentError with a reason a user can act on."""
    content, doc_title = open_package(source, _ODT_TYPES, "document texte OpenDocument", ".odt", "un document Word (.docx ?)")
    text = content.find(f"{_OFFICE}body/{_OFFICE}text")
    if text is None:
        raise DocumentError("ce n'est pas un document texte OpenDocument (aucun corps de texte)")
    try:  # a number attribute that is not a number
        blocks = [_odt_table(el) if el.tag == _TABLE + "table" else _odt_paragraph(el)
                  for el in _odt_top(text, {_TABLE + "table", *_PARAGRAPHS})]
    except ValueError as err:
        raise DocumentError(f"fichier OpenDocument illisible ou corrompu ({why(err)})") from None
    return office_document(blocks, "odt", doc_title)


def open_package(source: Path | bytes, types: tuple[str, ...], kind: str, suffix: str, ooxml: str,
                 limits: tuple[int, int] | None = None):
    """An OpenDocument file's content.xml, parsed, and its title property; DocumentError naming what
    is wrong (`kind` "document texte OpenDocument", `ooxml` what an Office Open XML file would be).
    With `limits` (whole archive, content.xml), a file declaring more bytes once unzipped is
    refused before anything is inflated."""
    from lxml import etree

    data = document_bytes(source)
    check_container(data, "OpenDocument", suffix)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if limits is not None:
                check_unzipped_size(archive, limits[0], kind)
                content_size = max((i.file_size for i in archive.infolist() if i.filename == "content.xml"), default=0)
                if content_size > limits[1]:
                    raise DocumentError(f"{kind} trop grand pour être lu ({megabytes(content_size)} de contenu une fois "
                                        f"décompressé, limite {megabytes(limits[1])}) : supprimez les lignes vides ou "
                                        f"les feuilles inutiles")
            names = set(archive.namelist())
            part = {n: archive.read(n) for n in ("mimetype", "META-INF/manifest.xml", "content.xml", "meta.xml")
                    if n in names}
    except DAMAGED as err:
        raise DocumentError(f"fichier OpenDocument illisible ou corrompu ({why(err)})") from None
    mimetype = part.get("mimetype", b"").decode("ascii", "replace").strip()
    if b"encryption-data" in part.get("META-INF/manifest.xml", b""):
        raise DocumentError("document OpenDocument protégé par un mot de passe : demandez une version non protégée")
    if mimetype and mimetype not in types:
        raise DocumentError(f"ce n'est pas un {kind} ({suffix}) mais « {mimetype} »")
    if not mimetype and "content.xml" not in part and "[Content_Types].xml" in names:
        raise DocumentError(f"ce n'est pas un {kind} {suffix} mais {ooxml}")
    if "content.xml" not in part:
        raise DocumentError("fichier OpenDocument illisible ou corrompu (content.xml absent)")
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        content = etree.fromstring(part["content.xml"], parser)
        meta = etree.fromstring(part["meta.xml"], parser) if "meta.xml" in part else None
    except etree.XMLSyntaxError as err:
        raise DocumentError(f"fichier OpenDocument illisible ou corrompu ({why(err)})") from None
    found = meta.find(f".//{_DC}title") if meta is not None else None
    return content, " ".join((found.text or "").split()) if found is not None else ""


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
