"""Words into text segments, shared by the text-layer reader (`pdf`) and the OCR reader (`scan`)."""

from __future__ import annotations

import re

from ..model import Segment
from ..settings import ExtractSettings

# pdfium writes U+FFFE for a hyphen that ends a line.
# A NUL holds the second index of a character counted twice by pdfium (`pdf._text_by_index`).
LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "\u00ad": "", "\ufffe": "-",
                           "\x00": ""})
_PAGE_NUMBER = re.compile(r"^(page\s*)?\d{1,4}(\s*(/|sur|de)\s*\d{1,4})?$", re.IGNORECASE)


def line_segments(words: list[Segment], s: ExtractSettings) -> list[Segment]:
    """Words on one text line joined into runs that no column gutter interrupts."""
    lines: list[list[Segment]] = []
    for w in sorted(words, key=lambda w: w.top):
        for line in reversed(lines[-8:]):
            if abs(line[0].top - w.top) <= s.line_tolerance:
                line.append(w)
                break
        else:
            lines.append([w])
    segments = []
    for line in lines:
        line.sort(key=lambda w: w.x0)
        run = [line[0]]
        for w in line[1:]:
            if w.x0 - run[-1].x1 > s.segment_gap:
                segments.append(_join(run))
                run = []
            run.append(w)
        segments.append(_join(run))
    return segments


def _join(words: list[Segment]) -> Segment:
    return Segment(
        " ".join(w.text for w in words),
        words[0].x0,
        min(w.top for w in words),
        max(w.x1 for w in words),
        max(w.bottom for w in words),
        all(w.bold for w in words),
    )


def split_furniture(
    segments: list[Segment], height: float, s: ExtractSettings
) -> tuple[list[Segment], list[Segment]]:
    """Set aside page numbers standing in the top or bottom band of the page."""
    band = height * s.furniture_band
    body, furniture = [], []
    for seg in segments:
        in_band = seg.bottom < band or seg.top > height - band
        (furniture if in_band and _PAGE_NUMBER.match(seg.text.strip()) else body).append(seg)
    return body, furniture
