"""Read a scanned page (a picture without a text layer) into the same PageContent as a born-digital one.

The picture is straightened (a sheet never lies square on the scanner glass), the table's ruling
lines are found in it with OpenCV and become `Rule`s, then erased so that Tesseract reads only
the words; the words, with their boxes, are grouped into `Segment`s by the very helpers that
group a text layer's words. Everything after the reading (extract, assemble, clean) is unchanged.

Tesseract reads the whole page at once, with its own layout analysis (`--psm 3`), rather than
cell by cell: on the scanned sample, with the rules erased, both get the same cells right (96-97 %
exact), but one process per cell is 2.5 times slower, and a table drawn without rules has no
cells to cut. Layout analysis keeps each column's lines apart, which single-block reading
(`--psm 6`) does not: on an unruled scan it lost a quarter of the rows. Coordinates are PDF
points, origin top-left, like everything the extractor sees.
"""

from __future__ import annotations

import functools
import glob
import os
import re
from dataclasses import dataclass
from statistics import fmean
from xml.etree import ElementTree

import cv2
import numpy as np
import tesserocr
from PIL import Image

from ..model import PageContent, Rule, ScanSummary, Segment
from ..settings import ExtractSettings, OcrSettings
from .base import DocumentError
from .text import line_segments, split_furniture

# One thread, like Tesseract (tesserocr's is built without OpenMP): `--jobs` workers already read
# pages side by side.
cv2.setNumThreads(1)

# Tesseract reads a parenthesis as a brace now and then; these reports never use braces, and a
# heading such as "Mode opératoire {coopératif/délégatif)" would no longer be recognised.
_BRACES = str.maketrans({"{": "(", "}": ")"})

_SPAN = "{http://www.w3.org/1999/xhtml}span"
# The hOCR classes of a text line (a caption, a heading or a floating line are lines too).
_LINE_CLASSES = {"ocr_line", "ocr_caption", "ocr_header", "ocr_textfloat"}

# Where the system's packages put Tesseract's models (Debian and Ubuntu, Fedora, Homebrew).
_TESSDATA_FOLDERS = ("/usr/share/tesseract-ocr/*/tessdata", "/usr/share/tessdata", "/usr/local/share/tessdata",
                     "/opt/homebrew/share/tessdata")
INSTALL_TESSERACT = (
    "document scanné : installez Tesseract avec le français (apt-get install tesseract-ocr tesseract-ocr-fra)"
)


@dataclass(frozen=True)
class OcrPage:
    """A page read by OCR, and how sure Tesseract was of its words (0-100)."""

    content: PageContent
    mean_confidence: float  # mean over the page's words; 100 when there are none
    low_confidence_words: tuple[Segment, ...]  # words under `OcrSettings.low_confidence` (see _doubtful)

    def summary(self) -> ScanSummary:
        """What the review flags need, small enough for the cache."""
        words = tuple(sorted({w.text for w in self.low_confidence_words}))
        return ScanSummary(self.content.number, self.mean_confidence, words)


@dataclass(frozen=True)
class _Word:
    segment: Segment
    confidence: float


def ocr_page(image: Image.Image, number: int, width_pt: float, height_pt: float,
             extract: ExtractSettings, s: OcrSettings) -> OcrPage:
    """A page picture read into text segments and ruling lines in PDF points, with its confidence."""
    gray = np.asarray(image.convert("L"))
    pt = gray.shape[1] / width_pt  # pixels per point
    straight = rotated(gray, skew_angle(gray, pt, s))
    ink = despeckled(inked(straight, s), pt, s)
    horizontal, vertical = rule_masks(ink, pt, s)
    rules = mask_rules(horizontal, pt, s) + mask_rules(vertical, pt, s)
    words = read_words(words_only(straight, ink, horizontal | vertical, pt, s), pt, s)
    body, furniture = split_furniture(line_segments([w.segment for w in words], extract, tuple(rules)), height_pt, extract)
    content = PageContent(number, width_pt, height_pt, tuple(body), tuple(rules), tuple(furniture))
    confidences = [w.confidence for w in words]
    low = tuple(w.segment for w in words if _doubtful(w, s))
    return OcrPage(content, fmean(confidences) if confidences else 100.0, low)


def _doubtful(word: _Word, s: OcrSettings) -> bool:
    """A word Tesseract was unsure of. Words with an apostrophe are left out: the French model
    hesitates between ' and ’ and scores "d'attribution" under 20 even when it reads it right,
    and the two apostrophes are the same to the cleaning and the scoring."""
    return word.confidence < s.low_confidence and not any(c in word.segment.text for c in "'’")


def inked(gray: np.ndarray, s: OcrSettings) -> np.ndarray:
    """Ink as white on black (what OpenCV's morphology works on): a median filter first fills the
    white specks in strokes and rules, then Otsu's threshold separates ink from paper."""
    smooth = cv2.medianBlur(gray, s.speck_filter_px)
    return cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]


def despeckled(ink: np.ndarray, pt: float, s: OcrSettings) -> np.ndarray:
    """Ink without the specks smaller than a full stop, which Tesseract would read as "." or "|"."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    specks = stats[:, cv2.CC_STAT_AREA] < s.speck_area * pt * pt
    specks[0] = False  # the background
    return np.where(specks[labels], 0, ink).astype(np.uint8)


def skew_angle(gray: np.ndarray, pt: float, s: OcrSettings) -> float:
    """The angle (degrees, counter-clockwise) that makes the page's lines horizontal.

    Text lines and rules are horizontal exactly when the ink's row profile is most peaked. The
    angle is searched in steps of ten `skew_step` on a picture at half `skew_dpi`, then refined to
    `skew_step` at `skew_dpi`: small pictures suffice, and the search stays a fraction of the OCR.
    Each angle's profile is made from the ink pixels' coordinates (a few per cent of the picture)
    rather than from a turned copy of the picture: four times faster, the same peak.
    """
    coarse = s.skew_step * 10
    fine_ink = inked(cv2.resize(gray, None, fx=s.skew_dpi / (pt * 72), fy=s.skew_dpi / (pt * 72),
                                interpolation=cv2.INTER_AREA), s)
    ink = _Ink(cv2.resize(fine_ink, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA))
    best = max(np.arange(-s.max_skew, s.max_skew + coarse / 2, coarse), key=ink.peakedness)
    ink = _Ink(fine_ink)
    fine = np.arange(best - coarse, best + coarse + s.skew_step / 2, s.skew_step)
    return float(max(fine, key=ink.peakedness))


class _Ink:
    """A picture's ink as points about its centre, weighted by their ink (0-255)."""

    def __init__(self, ink: np.ndarray) -> None:
        self.height = ink.shape[0]
        ys, xs = np.nonzero(ink)
        self.x = xs - ink.shape[1] / 2
        self.y = ys - self.height / 2
        self.weight = ink[ys, xs].astype(np.float64)

    def peakedness(self, angle: float) -> float:
        """How peaked the row profile is once the picture is turned by `angle` (as `rotated` turns
        it): each point's ink shared between the two rows it falls between."""
        radians = np.deg2rad(angle)
        row = self.y * np.cos(radians) - self.x * np.sin(radians) + self.height / 2
        below = np.floor(row)
        share = row - below
        # Rows counted from two above the picture; ink turned off it is dropped, as `rotated` does
        # (clipped to the row below the last, so both counts have the same length).
        index = np.clip(below, -2, self.height).astype(np.int64) + 2
        profile = (np.bincount(index, self.weight * (1 - share), minlength=self.height + 4)
                   + np.bincount(index + 1, self.weight * share, minlength=self.height + 4))[2:self.height + 2]
        return float(profile @ profile)


def rotated(picture: np.ndarray, angle: float, background: int = 255) -> np.ndarray:
    """The picture turned about its centre, same size, uncovered corners filled with the background."""
    height, width = picture.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(picture, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=background)


def rule_masks(ink: np.ndarray, pt: float, s: OcrSettings) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical ruling lines: ink that survives an opening by a long thin line.

    No letter is as long as the kernels, so only rules remain; a closing by a short line then
    bridges the breaks that specks and a faint print leave along a rule.
    """
    masks = []
    for length, shape in ((s.horizontal_kernel, lambda n: (n, 1)), (s.vertical_kernel, lambda n: (1, n))):
        line = cv2.getStructuringElement(cv2.MORPH_RECT, shape(round(length * pt)))
        bridge = cv2.getStructuringElement(cv2.MORPH_RECT, shape(max(1, round(s.rule_gap * pt))))
        masks.append(cv2.morphologyEx(cv2.morphologyEx(ink, cv2.MORPH_OPEN, line), cv2.MORPH_CLOSE, bridge))
    return masks[0], masks[1]


def mask_rules(mask: np.ndarray, pt: float, s: OcrSettings) -> list[Rule]:
    """Each connected line of a rule mask as a Rule in points, if long enough to be a table's,
    from top to bottom. A line's box is its outline's: following the outlines of a mask that is
    nearly all background is twenty times faster than labelling every pixel, same boxes."""
    outlines, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    boxes = sorted((y, x, w, h) for x, y, w, h in map(cv2.boundingRect, outlines))
    return [Rule(x / pt, y / pt, (x + w) / pt, (y + h) / pt) for y, x, w, h in boxes if max(w, h) >= s.min_line_length * pt]


def words_only(gray: np.ndarray, ink: np.ndarray, rules: np.ndarray, pt: float, s: OcrSettings) -> np.ndarray:
    """Grey words on white: the straightened picture on the ink and `ink_halo_px` around it, white
    elsewhere. The rules are erased (a rule touching a letter reads as | or _), and so are the
    paper's grain and the specks, which Tesseract's layout analysis would take for text; the
    letters keep their grey edges, which Tesseract's recogniser reads better than a thresholded
    copy's steps (see `OcrSettings.dpi`)."""
    margin = max(1, round(s.rule_erase_margin * pt))
    erased = cv2.dilate(rules, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * margin + 1, 2 * margin + 1)))
    words = cv2.bitwise_and(ink, cv2.bitwise_not(erased))
    halo = cv2.dilate(words, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * s.ink_halo_px + 1,) * 2))
    return cv2.max(gray, cv2.bitwise_not(halo))  # the grey under the halo, white (255) off it


def read_words(picture: np.ndarray, pt: float, s: OcrSettings) -> list[_Word]:
    """Tesseract's words with their confidences and boxes in points.

    A word's box spans its line's height as a text layer's does (ascent above the baseline,
    descent below), from the baseline and font size Tesseract measured for the line: the glyphs'
    own box would put "commun" lower than "Commune" and split or merge lines and rows.
    """
    page = ElementTree.fromstring(_hocr(picture, round(pt * 72), s))
    words = []
    for line in page.iter(_SPAN):
        if line.get("class") not in _LINE_CLASSES:
            continue
        title = line.get("title", "")
        left, _, _, bottom = _numbers(title, "bbox")
        slope, offset = _numbers(title, "baseline") or (0.0, 0.0)
        size, descent = _number(title, "x_size"), _number(title, "x_descenders")
        for word in line.iter(_SPAN):
            text = "".join(word.itertext()).strip().translate(_BRACES)
            if word.get("class") != "ocrx_word" or not text:
                continue
            x0, y0, x1, y1 = _numbers(word.get("title", ""), "bbox")
            baseline = bottom + offset + slope * ((x0 + x1) / 2 - left)
            top, low = (baseline - size + descent, baseline + descent) if size else (y0, y1)
            confidence = _number(word.get("title", ""), "x_wconf")
            words.append(_Word(Segment(text, x0 / pt, top / pt, x1 / pt, low / pt), confidence))
    return words


def tessdata(language: str) -> str | None:
    """The folder holding Tesseract's model for `language`: TESSDATA_PREFIX when set, else where the
    system's Tesseract packages put it; None when it is not installed."""
    if os.environ.get("TESSDATA_PREFIX"):
        folders = [os.environ["TESSDATA_PREFIX"]]
    else:
        folders = [f for pattern in _TESSDATA_FOLDERS for f in sorted(glob.glob(pattern), reverse=True)]
    return next((f for f in folders if os.path.isfile(os.path.join(f, f"{language}.traineddata"))), None)


@functools.cache
def _tesseract(folder: str, language: str, page_segmentation: int) -> tesserocr.PyTessBaseAPI:
    """One Tesseract per process, its model loaded once: a `tesseract` process per page spent a
    tenth of a second loading it, and the page went through a file each way."""
    api = tesserocr.PyTessBaseAPI(path=folder, lang=language, psm=page_segmentation)
    # Black words on white: Tesseract need not try each doubtful line again inverted.
    api.SetVariable("tessedit_do_invert", "0")
    return api


def _hocr(picture: np.ndarray, dpi: int, s: OcrSettings) -> str:
    """Tesseract's hOCR for a grey picture; DocumentError saying what to install when it cannot run."""
    folder = tessdata(s.language)
    if folder is None:
        raise DocumentError(INSTALL_TESSERACT)
    try:
        api = _tesseract(folder, s.language, s.page_segmentation)
    except RuntimeError:  # a model there but unreadable
        raise DocumentError(INSTALL_TESSERACT) from None
    height, width = picture.shape
    api.SetImageBytes(picture.tobytes(), width, height, 1, width)
    api.SetSourceResolution(dpi)
    page = api.GetHOCRText(0)
    if page is None:
        raise DocumentError("lecture OCR impossible (Tesseract n'a pas pu lire la page)")
    # The page's <div> alone: put in the document that `read_words` parses.
    return f'<html xmlns="http://www.w3.org/1999/xhtml"><body>{page}</body></html>'


def _numbers(title: str, name: str) -> tuple[float, ...]:
    """The numbers of one property of an hOCR title ("bbox 10 20 30 40; x_wconf 96"), or ()."""
    match = re.search(rf"(?:^|;)\s*{name}((?:\s+-?[\d.]+)+)", title)
    return tuple(float(v) for v in match.group(1).split()) if match else ()


def _number(title: str, name: str) -> float:
    """The first number of one property of an hOCR title, 0 when it is missing."""
    return (_numbers(title, name) or (0.0,))[0]
