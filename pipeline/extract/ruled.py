"""Ruled tables: cells are the boxes drawn by ruling lines (camelot calls this 'lattice').

Chosen whenever a page has a grid of vertical and horizontal rules: the rules say exactly where
each cell starts and ends, so wrapped lines stay in their cell whatever the spacing.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Fragment, PageContent, Rule, Segment
from ..settings import ExtractSettings
from .cells import cell_text, is_section


@dataclass(frozen=True)
class Grid:
    """A table drawn with rules: column and row boundaries, and which separators each row has."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    verticals: tuple[Rule, ...]
    horizontals: tuple[Rule, ...] = ()  # the row separators' pieces (a cell merged down interrupts them)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def contains(self, seg: Segment, tolerance: float) -> bool:
        x0, top, x1, bottom = self.bbox
        return x0 - tolerance <= seg.xmid <= x1 + tolerance and top - tolerance <= seg.ymid <= bottom + tolerance


def _snap(values: list[float], tolerance: float) -> list[float]:
    """Positions closer than the tolerance are one grid line (their mean)."""
    groups: list[list[float]] = []
    for v in sorted(values):
        if groups and v - groups[-1][-1] <= tolerance:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(g) / len(g) for g in groups]


def joined_rules(rules: tuple[Rule, ...], s: ExtractSettings) -> tuple[Rule, ...]:
    """Collinear pieces that touch joined into one rule: browsers and spreadsheets draw a border
    cell by cell, and a table's row separator is the whole line a reader sees."""
    joined: list[Rule] = []
    for horizontal in (True, False):
        # Each rule as (position across the line, start along it, end along it).
        spans = sorted(((r.top + r.bottom) / 2, r.x0, r.x1, r) if horizontal else ((r.x0 + r.x1) / 2, r.top, r.bottom, r)
                       for r in rules if r.horizontal == horizontal)
        lines: list[list] = []  # [position, end, rules]
        for position, begin, finish, rule in sorted(spans, key=lambda t: t[1]):
            line = next((ln for ln in lines if abs(ln[0] - position) <= s.rule_snap and begin <= ln[1] + s.rule_snap), None)
            if line is None:
                lines.append([position, finish, [rule]])
            else:
                line[1] = max(line[1], finish)
                line[2].append(rule)
        joined.extend(Rule(min(r.x0 for r in rs), min(r.top for r in rs), max(r.x1 for r in rs), max(r.bottom for r in rs))
                      for _, _, rs in lines)
    return tuple(joined)


def find_grids(rules: tuple[Rule, ...], s: ExtractSettings) -> list[Grid]:
    """Tables as vertical stacks of ruled areas: vertical rules whose extents overlap form one table."""
    verticals = sorted((r for r in rules if not r.horizontal), key=lambda r: r.top)
    horizontals = [r for r in rules if r.horizontal]
    stacks: list[list[Rule]] = []
    for v in verticals:
        if stacks and v.top <= max(r.bottom for r in stacks[-1]) + s.rule_snap:
            stacks[-1].append(v)
        else:
            stacks.append([v])
    grids = []
    for stack in stacks:
        top, bottom = min(r.top for r in stack), max(r.bottom for r in stack)
        xs = _snap([(r.x0 + r.x1) / 2 for r in stack], s.rule_snap)
        if len(xs) < 2:
            continue
        left, right = xs[0], xs[-1]
        # A row separator runs across most of the table; a cell merged down over several rows
        # interrupts it (a synergy's name beside the rows of its group).
        pieces = [h for h in horizontals if top - s.rule_snap <= (h.top + h.bottom) / 2 <= bottom + s.rule_snap
                  and min(h.x1, right) - max(h.x0, left) > 0]
        ys = [y for y in _snap([(h.top + h.bottom) / 2 for h in pieces], s.rule_snap)
              if sum(min(h.x1, right) - max(h.x0, left) for h in pieces if abs((h.top + h.bottom) / 2 - y) <= s.rule_snap)
              >= s.separator_coverage * (right - left)]
        # The outer edges count even where a row broken by the page end has no closing rule.
        ys = _snap(ys + [top, bottom], s.rule_snap)
        if len(ys) >= 2:
            grids.append(Grid(tuple(xs), tuple(ys), tuple(stack), tuple(pieces)))
    return grids


def _separators(grid: Grid, top: float, bottom: float, s: ExtractSettings) -> list[float]:
    """The column boundaries actually drawn across a row band (merged cells lack some)."""
    middle = (top + bottom) / 2
    drawn = [x for x in grid.xs if any(
        abs((v.x0 + v.x1) / 2 - x) <= s.rule_snap and v.top - s.rule_snap <= middle <= v.bottom + s.rule_snap
        for v in grid.verticals
    )]
    return drawn if len(drawn) >= 2 else list(grid.xs)


def _opens(grid: Grid, y: float, x0: float, x1: float, s: ExtractSettings) -> bool:
    """Whether a rule is drawn at height y over the column x0..x1: a cell starts there."""
    middle = (x0 + x1) / 2
    return any(abs((h.top + h.bottom) / 2 - y) <= s.rule_snap and h.x0 <= middle <= h.x1 for h in grid.horizontals)


def grid_fragments(page: PageContent, grid: Grid, s: ExtractSettings) -> list[Fragment]:
    """One fragment per row band of the grid, each cell holding the text whose centre falls in it.

    A cell merged down over several bands (no rule over its column where a band starts) holds the
    text of its whole box, given to each band it spans, as a reader sees it beside each of those
    rows; a band with no text in a cell of its own (only merged-down cells reach it) is no row."""
    columns = tuple(zip(grid.xs, grid.xs[1:]))
    # Each segment's centre computed once: every cell of every band looks at every segment.
    inside = [(seg.xmid, seg.ymid, seg) for seg in page.segments if grid.contains(seg, s.rule_snap)]
    bands = list(zip(grid.ys, grid.ys[1:]))
    # For each column, the first band of the cell each band's cell belongs to.
    starts = [[0] * len(bands) for _ in columns]
    for c, (x0, x1) in enumerate(columns):
        for b in range(1, len(bands)):
            starts[c][b] = b if _opens(grid, bands[b][0], x0, x1, s) else starts[c][b - 1]
    fragments = []
    for b, (top, bottom) in enumerate(bands):
        drawn = _separators(grid, top, bottom, s)
        spans_table = len(drawn) == 2 < len(grid.xs)  # one merged cell across the whole table
        cells, own = [], []
        for c, (x0, x1) in enumerate(columns):
            # A merged cell's text goes to the first column it spans.
            starts_cell = any(abs(x - x0) <= s.rule_snap for x in drawn)
            if not starts_cell:
                cells.append("")
                continue
            right = next((x for x in drawn if x > x0 + s.rule_snap), x1)
            first, last = starts[c][b], b
            while last + 1 < len(bands) and starts[c][last + 1] == first:
                last += 1
            box_top, box_bottom = bands[first][0], bands[last][1]
            text = cell_text((seg for x, y, seg in inside if x0 <= x < right and box_top <= y < box_bottom),
                             s.line_tolerance)
            cells.append(text)
            if first == last == b:
                own.append(text)
        if not any(t.strip() for t in own):
            continue
        band = [seg for _, y, seg in inside if top <= y < bottom]
        section = is_section(cells, band, spans_table)
        fragments.append(Fragment(page.number, tuple(cells), columns, top, bottom, "regle", section=section))
    return fragments
