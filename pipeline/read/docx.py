"""Read Word (.docx) reports: every top-level table, and the paragraphs between them, straight from
the document's XML (python-docx).

See `office.py` for what a fragment's fields mean for a structured document.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ..settings import LimitSettings
from .base import DocumentError, document_bytes
from .office import DAMAGED, OfficeDocument, check_container, check_unzipped_size, office_document, why


def read_docx(source: Path | bytes, limits: LimitSettings = LimitSettings()) -> OfficeDocument:
    """Open a .docx and read every table; raise DocumentError with a reason a user can act on."""
    from docx import Document
    from lxml.etree import LxmlError

    data = document_bytes(source)
    check_container(data, "Word", ".docx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_unzipped_size(archive, limits.archive_decompressee * 10**6, "document Word")
            if "[Content_Types].xml" not in archive.namelist() and "mimetype" in archive.namelist():
                raise DocumentError("ce n'est pas un document Word .docx mais un document OpenDocument (.odt ?)")
        document = Document(io.BytesIO(data))
        blocks = [_docx_table(el, limits.cellules_repetees) if el.tag == _W + "tbl" else _docx_paragraph(el)
                  for el in _top_level(document.element.body, {_W + "tbl", _W + "p"})]
        doc_title = _docx_core_title(document)
    except ValueError as err:
        if "is not a Word file" in str(err):  # python-docx: another kind of Office file
            kind = str(err).rpartition("content type is ")[2].strip("'")
            raise DocumentError(f"ce n'est pas un document Word .docx (type de contenu « {kind} »)") from None
        raise DocumentError(f"fichier Word illisible ou corrompu ({why(err)})") from None
    except (*DAMAGED, LxmlError) as err:
        raise DocumentError(f"fichier Word illisible ou corrompu ({why(err)})") from None
    return office_document(blocks, "docx", doc_title)


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


def _top_level(root, tags: str | set[str]) -> list:
    """Elements named `tags` below root that are not nested in one of them (nor in skipped
    subtrees), in document order."""
    tags = {tags} if isinstance(tags, str) else tags
    found = []

    def walk(el) -> None:
        for child in el:
            if child.tag in tags:
                found.append(child)
            elif child.tag not in _DOCX_SKIP:
                walk(child)

    walk(root)
    return found


def _w_int(el, name: str, default: int, limit: int) -> int:
    """A count declared by the file, within [0, limit]: a span of 1e8 columns is never allocated."""
    child = el.find(_W + name) if el is not None else None
    value = child.get(_W + "val") if child is not None else None
    return min(max(0, int(value)), limit) if value is not None else default


def _docx_table(tbl, limit: int) -> list[list[str]]:
    """A table's rows as grid-aligned cell texts; merged areas read as empty beyond their origin."""
    grid = tbl.find(_W + "tblGrid")
    width = len(grid.findall(_W + "gridCol")) if grid is not None else 0
    rows = []
    for tr in _top_level(tbl, _W + "tr"):
        tr_pr = tr.find(_W + "trPr")
        if tr_pr is not None and tr_pr.find(_W + "del") is not None:
            continue  # a row deleted with track changes on
        cells = [""] * _w_int(tr_pr, "gridBefore", 0, limit)
        for tc in _top_level(tr, _W + "tc"):
            tc_pr = tc.find(_W + "tcPr")
            span = max(1, _w_int(tc_pr, "gridSpan", 1, limit))
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


