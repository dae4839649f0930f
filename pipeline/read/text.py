"""Words into text segments, shared by the text-layer reader (`pdf`) and the OCR reader (`scan`)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from operator import attrgetter

from ..model import Rule, Segment
from ..settings import ExtractSettings

# pdfium writes U+FFFE for a hyphen that ends a line.
# A NUL holds the second index of a character counted twice by pdfium (`pdf._text_by_index`).
LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "\u00ad": "", "\ufffe": "-",
                           "\x00": ""})
PAGE_NUMBER = re.compile(r"^(page\s*)?\d{1,4}(\s*(/|sur|de)\s*\d{1,4})?$", re.IGNORECASE)


def line_segments(words: list[Segment], s: ExtractSettings, rules: tuple[Rule, ...] = (),
                  shading_sides: list[Rule] | None = None) -> list[Segment]:
    """Words on one text line joined into runs that no column gutter interrupts.

    A gutter is a gap wider than `segment_gap`; a vertical rule between two words; or, however
    narrow (a spreadsheet's cells, cells without padding), the gap before a word that starts on a
    column edge: an x at which words start, after a gap, on several lines of the same stretch of
    the page, or the side of shaded cells (alternate rows shaded: the edge holds over the stretch).
    """
    tolerance, segment_gap, word_gap, snap = s.line_tolerance, s.segment_gap, s.word_gap, s.rule_snap
    lines: list[list[Segment]] = []
    tops: list[float] = []  # each line's first top
    for w in sorted(words, key=_TOP):
        top = w.top
        # The last line first: words sorted by top mostly go on it.
        if tops and abs(tops[-1] - top) <= tolerance:
            lines[-1].append(w)
            continue
        for i in range(len(lines) - 2, max(len(lines) - 9, -1), -1):
            if abs(tops[i] - top) <= tolerance:
                lines[i].append(w)
                break
        else:
            lines.append([w])
            tops.append(top)
    for line in lines:
        line.sort(key=_X0)
    edges = _ByX(_column_edges(lines, s) + _shading_edges(shading_sides or [], s))
    verticals = _ByX([((r.x0 + r.x1) / 2, r.top, r.bottom) for r in rules if not r.horizontal])
    segments = []
    for line in lines:
        run = [line[0]]
        left = line[0].x1
        for w in line[1:]:
            gap = w.x0 - left
            if (gap > segment_gap
                    or ((near := verticals.between(left - snap, w.x0 + snap))
                        and any(left - snap <= x <= w.x0 + snap and top <= w.ymid <= bottom for x, top, bottom in near))
                    or (gap > word_gap and _on_edge(w, edges, s))):
                segments.append(_join(run))
                run = []
            run.append(w)
            left = w.x1
        segments.append(_join(run))
    return segments


_TOP, _X0 = attrgetter("top"), attrgetter("x0")


class _ByX:
    """Vertical marks (x, top, bottom) sorted by x, to look at only those near an x: a page has
    hundreds of word gaps and dozens of rules and edges."""

    def __init__(self, marks: list[tuple[float, float, float]]) -> None:
        self.marks = sorted(m for m in marks if m[0] == m[0])  # a NaN x (a damaged file) is near nothing
        self.xs = [x for x, _, _ in self.marks]

    def between(self, low: float, high: float) -> list[tuple[float, float, float]]:
        """The marks with x in [low, high], and perhaps a few just outside (callers test exactly)."""
        return self.marks[bisect_left(self.xs, low - 1):bisect_right(self.xs, high + 1)]


def _column_edges(lines: list[list[Segment]], s: ExtractSettings) -> list[tuple[float, float, float]]:
    """Column edges: (x, top, bottom) where words start after a gap on `edge_min_lines` lines or more,
    on at least two of them across a real gutter (wider than `segment_gap`: justified prose aligns
    words by chance, never across gutters), with the vertical stretch those lines span, down to the
    page's last line with a real gutter at most (prose below a table is not cut by its edges)."""
    starts = sorted((w.x0, w.top, w.x0 - before.x1 > s.segment_gap) for line in lines
                    for before, w in zip(line, line[1:]) if w.x0 - before.x1 > s.word_gap)
    last_gutter = max((top for _, top, gutter in starts if gutter), default=0.0)
    edges = []
    group: list[tuple[float, float, bool]] = []
    for start in starts + [(float("inf"), 0.0, False)]:
        if group and start[0] - group[0][0] > s.edge_tolerance:
            if len({round(top) for _, top, _ in group}) >= s.edge_min_lines and sum(g for _, _, g in group) >= 2:
                # Not below the page's last line crossing a real gutter (the table's last line): a line
                # of prose under the table whose word happens to start at the edge is not cut.
                bottom = min(max(top for _, top, _ in group), last_gutter)
                edges.append((group[0][0], min(top for _, top, _ in group), bottom))
            group = []
        group.append(start)
    return edges


def _shading_edges(sides: list[Rule], s: ExtractSettings) -> list[tuple[float, float, float]]:
    """Sides of shaded cells standing at one x, as one edge over the stretch they span."""
    edges: list[list[float]] = []
    for side in sorted(sides, key=lambda r: r.x0):
        if edges and side.x0 - edges[-1][0] <= s.rule_snap:
            edges[-1][1], edges[-1][2] = min(edges[-1][1], side.top), max(edges[-1][2], side.bottom)
        else:
            edges.append([side.x0, side.top, side.bottom])
    return [(x, top - s.line_tolerance, bottom) for x, top, bottom in edges]


def _on_edge(word: Segment, edges: _ByX, s: ExtractSettings) -> bool:
    near = edges.between(word.x0 - s.edge_tolerance, word.x0 + s.edge_tolerance)
    return bool(near) and any(abs(word.x0 - x) <= s.edge_tolerance and top <= word.top <= bottom for x, top, bottom in near)


def _join(words: list[Segment]) -> Segment:
    if len(words) == 1:  # a word alone is its own run (a third of the runs)
        return words[0]
    return Segment(" ".join([w.text for w in words]), words[0].x0, min([w.top for w in words]),
                   max([w.x1 for w in words]), max([w.bottom for w in words]), all([w.bold for w in words]))


def split_furniture(
    segments: list[Segment], height: float, s: ExtractSettings
) -> tuple[list[Segment], list[Segment]]:
    """Set aside page numbers standing in the top or bottom band of the page, or alone on the
    page's first or last line wherever the margin puts it (a landscape page's footer may stand
    above the band)."""
    band = height * s.furniture_band
    top = min((seg.top for seg in segments), default=0.0)
    bottom = max((seg.bottom for seg in segments), default=0.0)

    def alone(seg: Segment) -> bool:
        return not any(other is not seg and abs(other.ymid - seg.ymid) <= s.line_tolerance for other in segments)

    body, furniture = [], []
    for seg in segments:
        in_band = seg.bottom < band or seg.top > height - band
        edge_line = (seg.top <= top or seg.bottom >= bottom) and alone(seg)
        (furniture if (in_band or edge_line) and PAGE_NUMBER.match(seg.text.strip()) else body).append(seg)
    return body, furniture
