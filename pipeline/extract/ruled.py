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
        ys = [
            (h.top + h.bottom) / 2
            for h in horizontals
            if top - s.rule_snap <= (h.top + h.bottom) / 2 <= bottom + s.rule_snap
            and h.x0 <= left + s.rule_snap * 4
            and h.x1 >= right - s.rule_snap * 4
        ]
        # The outer edges count even where a row broken by the page end has no closing rule.
        ys = _snap(ys + [top, bottom], s.rule_snap)
        if len(ys) >= 2:
            grids.append(Grid(tuple(xs), tuple(ys), tuple(stack)))
    return grids


def _separators(grid: Grid, top: float, bottom: float, s: ExtractSettings) -> list[float]:
    """The column boundaries actually drawn across a row band (merged cells lack some)."""
    middle = (top + bottom) / 2
    drawn = [x for x in grid.xs if any(
        abs((v.x0 + v.x1) / 2 - x) <= s.rule_snap and v.top - s.rule_snap <= middle <= v.bottom + s.rule_snap
        for v in grid.verticals
    )]
    return drawn if len(drawn) >= 2 else list(grid.xs)


def grid_fragments(page: PageContent, grid: Grid, s: ExtractSettings) -> list[Fragment]:
    """One fragment per row band of the grid, each cell holding the text whose centre falls in it."""
    columns = tuple(zip(grid.xs, grid.xs[1:]))
    inside = [seg for seg in page.segments if grid.contains(seg, s.rule_snap)]
    fragments = []
    for top, bottom in zip(grid.ys, grid.ys[1:]):
        band = [seg for seg in inside if top <= seg.ymid < bottom]
        if not band:
            continue
        drawn = _separators(grid, top, bottom, s)
        spans_table = len(drawn) == 2 < len(grid.xs)  # one merged cell across the whole table
        cells = []
        for x0, x1 in columns:
            # A merged cell's text goes to the first column it spans.
            starts_cell = any(abs(x - x0) <= s.rule_snap for x in drawn)
            if not starts_cell:
                cells.append("")
                continue
            right = next((x for x in drawn if x > x0 + s.rule_snap), x1)
            cells.append(cell_text((seg for seg in band if x0 <= seg.xmid < right), s.line_tolerance))
        section = is_section(cells, band, spans_table)
        fragments.append(Fragment(page.number, tuple(cells), columns, top, bottom, "regle", section=section))
    return fragments
