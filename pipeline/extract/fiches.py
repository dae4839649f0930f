"""Fiches drawn without rules, and the text around them: the label | value rows of a page found by
their wording, the other lines as text.

A fiche (one small two-column table per synergy, `pipeline/fiches.py`) laid out without any rule
has no header row for `unruled` to find. Its rows are found line by line: the label column and the
value column stand where a line's first segment names a contract column (`headers.match_heading`)
with text to its right. A label in the label column opens a row; the lines below starting at the
value's left edge continue the value (paragraph breaks included), text right under the label
continues it when the whole is still a heading (a heading wrapped on two lines); any other line
(a "Fiche n° 3" heading, prose) closes the row. Lines at the
top of a page that start at the value's left edge, before any label, are a value continued from the
previous page: they come as a row with an empty label, which `pipeline.fiches` joins to the value
above it. The lines of no row come as one-cell "texte" fragments, as the DOCX/ODT readers give
their paragraphs: `pipeline.fiches` takes section titles from them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..headers import match_heading
from ..model import Fragment, PageContent, Segment
from ..settings import ExtractSettings
from .cells import text_lines

STRATEGY = "sans_filets"


@dataclass
class _LabelRow:
    label: list[str]
    value: list[str]
    label_x: float
    value_x: float
    top: float
    bottom: float

    def fragment(self, page: PageContent) -> Fragment:
        columns = ((self.label_x, self.value_x), (self.value_x, page.width))
        return Fragment(page.number, ("\n".join(self.label), "\n".join(self.value)), columns, self.top, self.bottom,
                        STRATEGY)


def fiche_fragments(page: PageContent, segments: list[Segment], s: ExtractSettings) -> list[Fragment]:
    """The label | value rows of unruled fiches on a page, top to bottom (pure); the other lines
    (section titles, fiche headings, prose) come as "texte" with the page's other free text."""
    lines = text_lines(segments, s.line_tolerance)
    labelled = [line for line in lines if len(line) >= 2 and _names_column(line[0], s)]
    label_x, value_x = (labelled[0][0].x0, labelled[0][1].x0) if labelled else (0.0, float("inf"))
    rows: list[_LabelRow] = []
    current: _LabelRow | None = None
    for line in lines:
        top, bottom = min(g.top for g in line), max(g.bottom for g in line)
        left = [g for g in line if g.x0 < value_x - s.segment_gap]
        right = [g for g in line if g.x0 >= value_x - s.segment_gap]
        if labelled and left and _names_column(left[0], s) and abs(left[0].x0 - label_x) <= s.segment_gap \
                and left[-1].x1 < value_x and not (current and _wraps_label(current, left, top, bottom, s)):
            # A label, its value on the same line or (after an empty paragraph) below it.
            current = _LabelRow([_text(left)], [_text(right)] if right else [], label_x, value_x, top, bottom)
            rows.append(current)
            continue
        if current is None and not rows and right and not left:  # a value continued from the page before
            current = _LabelRow([], [], label_x, value_x, top, bottom)
            rows.append(current)
        elif current is None or (left and not _wraps_label(current, left, top, bottom, s)):
            current = None  # a fiche heading, prose: the row has ended (the line comes as "texte")
            continue
        if left:
            current.label.append(_text(left))
        if right:
            current.value.append(_text(right))
        current.bottom = max(current.bottom, bottom)
    return [row.fragment(page) for row in rows]


def _names_column(segment: Segment, s: ExtractSettings) -> bool:
    return match_heading(segment.text, s) is not None


def _wraps_label(row: _LabelRow, left: list[Segment], top: float, bottom: float, s: ExtractSettings) -> bool:
    """Text under a row's label that goes on with it ("Responsable" / "administratif"): right under
    it (a fiche heading stands further down), under the label and clear of the value, and the
    label it makes is still a heading."""
    if not row.label or top - row.bottom > (bottom - top) * (1 + s.block_gap_ratio):
        return False
    if abs(left[0].x0 - row.label_x) > s.segment_gap or left[-1].x1 >= row.value_x:
        return False
    joined = match_heading(" ".join([*row.label, _text(left)]), s)
    alone = match_heading(_text(left), s)  # a line naming another column is the next label
    # A label that already names a column goes on only if the whole still names it: "Obj." then
    # "Mode opér." read together may name the mode, but they are two labels.
    before = match_heading(" ".join(row.label), s)
    return joined is not None and alone in (None, joined) and before in (None, joined)


def _text(segments: list[Segment]) -> str:
    return " ".join(g.text for g in segments)
