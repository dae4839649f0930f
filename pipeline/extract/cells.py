"""Shared helpers for both strategies: turning the segments of one cell into its text."""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Segment


def text_lines(segments: Iterable[Segment], line_tolerance: float) -> list[list[Segment]]:
    """Segments grouped into text lines, top to bottom, each line left to right."""
    lines: list[list[Segment]] = []
    bottom = float("-inf")  # of the current line
    for seg in sorted(segments, key=lambda s: (s.top, s.x0)):
        # Same top, or a small glyph drawn on its own (a full stop, a hyphen) within the line's band.
        if lines and (abs(lines[-1][0].top - seg.top) <= line_tolerance or seg.ymid <= bottom):
            lines[-1].append(seg)
            bottom = max(bottom, seg.bottom)
        else:
            lines.append([seg])
            bottom = seg.bottom
    for line in lines:
        line.sort(key=lambda s: s.x0)
    return lines


def cell_text(segments: Iterable[Segment], line_tolerance: float) -> str:
    """A cell's text: its lines joined by newlines (cleaning joins them later)."""
    return "\n".join(" ".join(s.text for s in line) for line in text_lines(segments, line_tolerance))


def column_of(x: float, boundaries: list[float]) -> int:
    """Index of the column whose left boundary is the last one at or before x."""
    index = 0
    for i, left in enumerate(boundaries):
        if x >= left:
            index = i
    return index


def is_section(cells: list[str] | tuple[str, ...], segments: Iterable[Segment], spans_table: bool) -> bool:
    """Whether a table row is a section heading rather than a synergy: its only text stands in the
    first cell, and that cell spans the table or is set in bold."""
    if not cells[0].strip() or any(c.strip() for c in cells[1:]):
        return False
    return spans_table or all(g.bold for g in segments)
