"""Read a PDF into PageContent: text segments and ruling lines.

pypdfium2 is the page parser on the hot path: it reads characters with their boxes about ten
times faster than pdfminer (pdfplumber, camelot), which matters for a corpus of 40,000 pages.
The table structure itself is found by `pipeline.extract` from these plain objects. A page without
a text layer (a scan) is rendered and read by OCR (`pipeline.read.scan`) into the same objects.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..model import PageContent, Rule, Segment
from ..printable import UNMAPPED
from ..settings import ExtractSettings, LimitSettings, OcrSettings
from .base import DocumentError, document_bytes
from .text import LIGATURES, line_segments, split_furniture

if TYPE_CHECKING:
    from .scan import OcrPage

WORD = re.compile(r"\S+")  # a word of the page's text: a run of non-space characters
_LIGATURE = re.compile("[" + "".join(map(chr, LIGATURES)) + "]")  # a character `LIGATURES` rewrites
# pdfium's font weight is often 400 for a bold face; the font's name says it ("DejaVuSans-Bold").
_BOLD_FONT = re.compile(rb"bold|black|heavy|demi|semibold", re.IGNORECASE)


_DAMAGED = "PDF illisible ou tronqué : le fichier est incomplet ou abîmé, demandez-en une nouvelle copie ({})"


@dataclass(frozen=True)
class PdfDocument:
    pages: list[PageContent]
    metadata: dict[str, str]
    scans: dict[int, OcrPage] = field(default_factory=dict)  # pages read by OCR, by number
    tagged: bool = False  # the catalog says the PDF is tagged: it may carry its table structure


class OcrPending(Exception):
    """Raised instead of reading a PDF whose pages `numbers` need OCR, when the caller reads them
    elsewhere (`ocr_pdf_page`, one worker process per page) and reads the PDF again with them.
    The pages come the heaviest picture first (`_picture_bytes`): handed out in that order, the
    last to finish are short ones, and no worker waits long for another at the end."""

    def __init__(self, numbers: tuple[int, ...]) -> None:
        super().__init__(numbers)
        self.numbers = numbers


def read_pdf(source: Path | bytes, settings: ExtractSettings, ocr: OcrSettings = OcrSettings(),
             limits: LimitSettings = LimitSettings(), scanned: dict[int, OcrPage] | None = None,
             defer_ocr: bool = False) -> PdfDocument:
    """Open a PDF and read every page; raise DocumentError with a reason a user can act on.

    Pages without a text layer are read by OCR, unless `scanned` already holds them (read by
    `ocr_pdf_page`); with `defer_ocr`, OcrPending lists those still to read instead."""
    pdf = _open(source)
    try:
        pages, scans, pending = [], {}, []
        for i in range(len(pdf)):
            page = read_page(pdf[i], i + 1, settings)
            if needs_ocr(page, ocr):
                scan = (scanned or {}).get(page.number)
                if scan is None and defer_ocr:
                    pending.append((-_picture_bytes(pdf, page.number), page.number))
                else:
                    scans[page.number] = scan = scan or _ocr(pdf, page, settings, ocr, limits)
                    page = scan.content
            pages.append(page)
        metadata = {k: v for k, v in pdf.get_metadata_dict(skip_empty=True).items()}
        tagged = bool(pdfium_c.FPDFCatalog_IsTagged(pdf))
    except pdfium.PdfiumError as err:
        raise DocumentError(_DAMAGED.format(err)) from None
    finally:
        pdf.close()
    if pending:
        raise OcrPending(tuple(number for _, number in sorted(pending)))
    if not pages:
        raise DocumentError("PDF sans aucune page")
    return PdfDocument(pages=pages, metadata=metadata, scans=scans, tagged=tagged)


def ocr_pdf_page(source: Path | bytes, number: int, settings: ExtractSettings, ocr: OcrSettings = OcrSettings(),
                 limits: LimitSettings = LimitSettings()) -> OcrPage:
    """Page `number` of a PDF read by OCR, as `read_pdf` reads it (its pages spread over workers)."""
    pdf = _open(source)
    try:
        return _ocr(pdf, read_page(pdf[number - 1], number, settings), settings, ocr, limits)
    except pdfium.PdfiumError as err:
        raise DocumentError(_DAMAGED.format(err)) from None
    finally:
        pdf.close()


def _picture_bytes(pdf: pdfium.PdfDocument, number: int) -> int:
    """How many bytes a page's pictures take in the file: a scan with more words on it compresses
    less, and takes longer to read by OCR (on the scanned sample, the two smallest pages are the
    two quickest)."""
    page = pdf[number - 1]
    try:
        return sum(pdfium_c.FPDFImageObj_GetImageDataRaw(obj.raw, None, 0)
                   for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)))
    finally:
        page.close()


def _open(source: Path | bytes) -> pdfium.PdfDocument:
    data = document_bytes(source)
    if not data:
        raise DocumentError("fichier vide (0 octet)")
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise DocumentError("ce n'est pas un PDF (format non reconnu) : exportez le rapport en PDF, .docx, .odt, .xlsx ou .ods")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        if "password" in str(err).lower():
            raise DocumentError("PDF protégé par un mot de passe : demandez une version non protégée") from None
        raise DocumentError(_DAMAGED.format(err)) from None


def check_pixels(width: float, height: float, scale: float, number: int, limits: LimitSettings) -> None:
    """Refuse to render a page whose picture would exceed `limites.pixels_page` (a page 200 m wide
    declared by a damaged or hostile file), before any pixel is allocated."""
    megapixels = abs(width * scale) * abs(height * scale) / 1e6
    if not megapixels <= limits.pixels_page:  # NaN too
        raise DocumentError(f"page {number} trop grande pour être rendue en image ({width / 72 * 2.54:,.0f} × "
                            f"{height / 72 * 2.54:,.0f} cm, limite {limits.pixels_page:g} mégapixels : "
                            "limites.pixels_page dans params.yaml)")


def needs_ocr(page: PageContent, s: OcrSettings) -> bool:
    """Whether a page has no text layer worth the name: a scan, perhaps with a stamped date."""
    chars = 0
    for seg in page.segments + page.furniture:  # counted until there are enough: most pages are full of text
        chars += len(seg.text) - seg.text.count(" ")
        if chars >= s.min_text_chars:
            return False
    return chars < s.min_text_chars


def _ocr(pdf: pdfium.PdfDocument, page: PageContent, settings: ExtractSettings, ocr: OcrSettings,
         limits: LimitSettings) -> OcrPage:
    """A page without a text layer read again by OCR from its picture."""
    # Imported here: born-digital runs never load OpenCV and Tesseract.
    from .scan import ocr_page

    check_pixels(page.width, page.height, ocr.dpi / 72, page.number, limits)
    source = pdf[page.number - 1]
    try:
        image = source.render(scale=ocr.dpi / 72, grayscale=True).to_pil()
    finally:
        source.close()
    return ocr_page(image, page.number, page.width, page.height, settings, ocr)


def read_page(page: pdfium.PdfPage, number: int, settings: ExtractSettings) -> PageContent:
    width, height = page.get_size()
    rules, shading_sides = _rules(page, height, settings)
    textpage = page.get_textpage()
    try:
        segments = line_segments(_words(textpage, height, settings), settings, tuple(rules), shading_sides)
    finally:
        textpage.close()
    page.close()
    body, furniture = split_furniture(segments, height, settings)
    return PageContent(number, width, height, tuple(body), tuple(rules), tuple(furniture))


def _words(textpage: pdfium.PdfTextPage, height: float, s: ExtractSettings) -> list[Segment]:
    """Words: runs of non-space characters of the page's text, with their boxes.

    Only a word's first and last characters are measured (the hot path: two calls per word
    instead of one per character); a word whose ends disagree (two lines, or too wide for its
    length, i.e. a gap pdfium did not mark with a space) is measured character by character.
    """
    text, count = page_text(textpage)
    handle = address(textpage.raw)
    bold_face = BoldFaces(textpage.raw)
    rect = pdfium_c.FS_RECTF()
    at, box = ctypes.addressof(rect), _loose_char_box
    # Most pages hold no ligature nor soft hyphen: their words are taken as they are.
    translate = LIGATURES if _LIGATURE.search(text, 0, count) else None
    words: list[Segment] = []
    for match in WORD.finditer(text, 0, count):
        first, last = match.start(), match.end() - 1
        bold = bold_face(first)
        box(handle, first, at)
        x0, top, bottom = rect.left, height - rect.top, height - rect.bottom
        box(handle, last, at)
        x1, last_top, last_bottom = rect.right, height - rect.top, height - rect.bottom
        width_limit = (last - first + 1) * (bottom - top) + s.word_gap
        if _same_line(top, bottom, last_top, last_bottom, s) and 0 <= x1 - x0 <= width_limit:
            word = match.group()
            words.append(Segment(word.translate(translate) if translate else word, x0, top, x1,
                                 max(bottom, last_bottom), bold))
        else:
            words.extend(replace(w, bold=bold) for w in measured_words(textpage, text, first, last + 1, height, s))
    return words


def address(handle) -> int | None:
    """A pdfium object handle as a number, to compare handles from different calls."""
    return ctypes.cast(handle, ctypes.c_void_p).value


def _by_address(function, restype, *argtypes):
    """A pdfium function taking handles as plain addresses: pypdfium2's binding checks each
    argument's pointer type, a good part of a call's cost for the calls made for every word."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(address(function))


_loose_char_box = _by_address(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int, ctypes.c_void_p, ctypes.c_int,
                              ctypes.c_void_p)
_text_object = _by_address(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)


class BoldFaces:
    """Whether a character of a page is set in a bold face, by its font's name: asked for every
    word, so each text object's font is looked up once (its words share it), through one buffer,
    and each font's name is tested once."""

    def __init__(self, textpage) -> None:
        self.textpage = textpage
        self.handle = address(textpage)
        self.name = ctypes.create_string_buffer(128)
        self.known: dict[bytes, bool] = {}
        self.objects: dict[int | None, bool] = {}

    def __call__(self, index: int) -> bool:
        obj = _text_object(self.handle, index)
        bold = self.objects.get(obj) if obj else None  # a character pdfium generated has no object
        if bold is None:
            bold = self._font(index)
            if obj:
                self.objects[obj] = bold
        return bold

    def _font(self, index: int) -> bool:
        size = pdfium_c.FPDFText_GetFontInfo(self.textpage, index, self.name, len(self.name), None)
        name = self.name.value if 0 < size <= len(self.name) else b""  # a name not written: none
        bold = self.known.get(name)
        if bold is None:
            bold = self.known[name] = _BOLD_FONT.search(name) is not None
        return bold


def page_text(textpage: pdfium.PdfTextPage) -> tuple[str, int]:
    """The page's text with one character per character index, and the number of indexes."""
    text = textpage.get_text_range()
    count = textpage.count_chars()
    return (text if len(text) == count else _text_by_index(textpage, count, text)), count


def _text_by_index(textpage: pdfium.PdfTextPage, count: int, text: str) -> str:
    """The page's text with exactly one character per character index, so that every character
    keeps its own box. pdfium's text leaves out a character it counts but has no Unicode for (a
    NUL, a glyph the font does not map), which would shift every later word onto its neighbour's
    box; such a character becomes U+FFFD (its row is flagged). pdfium gives a glyph of a CID font
    without Unicode its glyph number, a control code it then leaves out of `text` (its own page
    text): a control code absent from `text` is such a glyph; one present is a control character
    of the text, removed when the row is cleaned. A character outside the BMP counted as two
    halves keeps both indexes: the second one holds a NUL, dropped from the word's text."""
    codes = [pdfium_c.FPDFText_GetUnicode(textpage, i) for i in range(count)]
    unmapped = {code for code in codes if code < 0x20} - {ord(char) for char in text}
    chars = []
    for i, code in enumerate(codes):
        if 0xD800 <= code < 0xDC00 and i + 1 < count and 0xDC00 <= codes[i + 1] < 0xE000:
            chars.append(chr(0x10000 + ((code - 0xD800) << 10) + (codes[i + 1] - 0xDC00)))
        elif 0xDC00 <= code < 0xE000 and i and 0xD800 <= codes[i - 1] < 0xDC00:
            chars.append("\x00")
        elif code in unmapped or 0xD800 <= code < 0xE000 or code > 0x10FFFF:
            chars.append(UNMAPPED)
        else:
            chars.append(chr(code))
    return "".join(chars)


def measured_words(
    textpage: pdfium.PdfTextPage, text: str, start: int, stop: int, height: float, s: ExtractSettings
) -> list[Segment]:
    """Characters start..stop grouped into words: split on line changes and wide gaps."""
    rect = pdfium_c.FS_RECTF()
    words: list[Segment] = []
    chars: list[str] = []
    box = [0.0, 0.0, 0.0, 0.0]
    for i in range(start, stop):
        pdfium_c.FPDFText_GetLooseCharBox(textpage, i, rect)
        x0, x1, top, bottom = rect.left, rect.right, height - rect.top, height - rect.bottom
        if chars and (x0 - box[2] > s.word_gap or not _same_line(box[1], box[3], top, bottom, s) or x1 < box[0]):
            words.append(Segment("".join(chars).translate(LIGATURES), *box))
            chars.clear()
        if chars:
            box[1], box[2], box[3] = min(box[1], top), max(box[2], x1), max(box[3], bottom)
        else:
            box[:] = [x0, top, x1, bottom]
        chars.append(text[i])
    if chars:
        words.append(Segment("".join(chars).translate(LIGATURES), *box))
    return words


def _same_line(top: float, bottom: float, other_top: float, other_bottom: float, s: ExtractSettings) -> bool:
    """Two characters' boxes on one line: their tops or their bottoms agree. A capital with an
    accent ("É") reaches higher than its word's other letters (2.6 pt at 12 pt), never lower."""
    return abs(top - other_top) <= s.line_tolerance or abs(bottom - other_bottom) <= s.line_tolerance


def _rules(page: pdfium.PdfPage, height: float, s: ExtractSettings) -> tuple[list[Rule], list[Rule]]:
    """Thin paths are ruling lines; wider paths are read segment by segment (cell outlines), and a
    shaded area's top and bottom edges separate rows as a rule would (a reader sees the band).
    Also returned: the shaded areas' sides, column edges for the words but not rules of a grid."""
    rules, sides = [], []
    for obj in _paths(page, page):
        left, bottom, right, top = obj.get_bounds()
        w, h = right - left, top - bottom
        if min(w, h) <= s.rule_max_thickness:
            if max(w, h) >= s.rule_min_length:
                rules.append(Rule(left, height - top, right, height - bottom))
            continue
        rules.extend(_outline_rules(obj, height, s))
        if w >= s.rule_min_length and _shaded(obj, s):
            rules.extend((Rule(left, height - top, right, height - top), Rule(left, height - bottom, right, height - bottom)))
            sides.extend((Rule(left, height - top, left, height - bottom), Rule(right, height - top, right, height - bottom)))
    return rules, sides


def _paths(page: pdfium.PdfPage, parent, level: int = 0):
    """The page's path objects, those inside form XObjects too (as `PdfPage.get_objects` finds them,
    15 levels deep), without wrapping each of the page's thousands of text objects on the way."""
    form = parent is not page
    count = pdfium_c.FPDFFormObj_CountObjects if form else pdfium_c.FPDFPage_CountObjects
    get = pdfium_c.FPDFFormObj_GetObject if form else pdfium_c.FPDFPage_GetObject
    total = count(parent)
    if total < 0:
        raise pdfium.PdfiumError("Failed to get number of pageobjects.")
    for i in range(total):
        obj = get(parent, i)
        if not obj:
            raise pdfium.PdfiumError("Failed to get pageobject.")
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            yield pdfium.PdfObject(obj, page=page, pdf=page.pdf, level=level)
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and level < 14:
            yield from _paths(page, obj, level + 1)


def _shaded(obj, s: ExtractSettings) -> bool:
    """A filled path in a colour darker than paper (cell shading, a header's grey band)."""
    fill, stroke = pdfium_c.c_int(), pdfium_c.c_int()
    pdfium_c.FPDFPath_GetDrawMode(obj, fill, stroke)
    if not fill.value:
        return False
    r, g, b, a = (pdfium_c.c_uint() for _ in range(4))
    if not pdfium_c.FPDFPageObj_GetFillColor(obj, r, g, b, a):
        return False
    return a.value > 0 and min(r.value, g.value, b.value) < s.paper_level


def _outline_rules(obj, height: float, s: ExtractSettings) -> list[Rule]:
    """Axis-aligned edges of a stroked path such as a rectangle drawn around a cell."""
    fill, stroke = pdfium_c.c_int(), pdfium_c.c_int()
    pdfium_c.FPDFPath_GetDrawMode(obj, fill, stroke)
    if not stroke.value:
        return []  # a filled area (cell shading) is not a border
    matrix = obj.get_matrix()
    points = []
    x, y = pdfium_c.c_float(), pdfium_c.c_float()
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        pdfium_c.FPDFPathSegment_GetPoint(seg, x, y)
        points.append(matrix.on_point(x.value, y.value))
    rules = []
    for (ax, ay), (bx, by) in zip(points, points[1:]):
        if abs(ax - bx) <= s.rule_max_thickness or abs(ay - by) <= s.rule_max_thickness:
            x0, x1, y0, y1 = min(ax, bx), max(ax, bx), min(ay, by), max(ay, by)
            if max(x1 - x0, y1 - y0) >= s.rule_min_length:
                rules.append(Rule(x0, height - y1, x1, height - y0))
    return rules
