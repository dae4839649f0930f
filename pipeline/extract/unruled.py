"""Unruled tables: columns from the header's text, rows from vertical alignment (camelot's 'stream').

Used for the text the ruled strategy did not claim. Cells are top-aligned in these reports, so a
row starts where several columns begin a new block of text at the same height after a gap; a
wrapped line follows the previous one at normal line spacing. Pages without a header reuse the
columns of the last header seen, since they continue the same table.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import groupby

from ..headers import match_header, starts_a_heading
from ..model import Fragment, PageContent, Segment
from ..settings import ExtractSettings
from .cells import cell_text, column_of, is_section, text_lines


@dataclass(frozen=True)
class Columns:
    """Left boundaries of the table's columns, and where the table's text ends on the right."""

    lefts: tuple[float, ...]
    right: float

    @property
    def spans(self) -> tuple[tuple[float, float], ...]:
        return tuple(zip(self.lefts, self.lefts[1:] + (self.right,)))


@dataclass(frozen=True)
class _HeaderBand:
    top: float
    bottom: float
    columns: Columns
    cells: tuple[str, ...]


def _strips(segments: list[Segment], edges: list[float], s: ExtractSettings) -> list[list[Segment]]:
    """Segments grouped by their projection on the x axis: gutters separate header cells, and so
    does a column edge of the body (a tight table leaves less than a gutter between headings)."""
    strips: list[list[Segment]] = []
    right = float("-inf")
    for seg in sorted(segments, key=lambda s: s.x0):
        at_edge = seg.x0 > right and any(abs(seg.x0 - x) <= s.edge_tolerance for x in edges)
        if strips and seg.x0 - right <= s.segment_gap and not at_edge:
            strips[-1].append(seg)
        else:
            strips.append([seg])
        right = max(right, seg.x1) if len(strips[-1]) > 1 else seg.x1
    return strips


def _body_edges(body: list[Segment], s: ExtractSettings) -> list[float]:
    """Where at least `edge_min_lines` body lines start at one x (within `edge_tolerance`): the
    column edges as the table's cells show them."""
    edges: list[float] = []
    group: list[float] = []
    for x in sorted(g.x0 for g in body) + [float("inf")]:
        if group and x - group[0] > s.edge_tolerance:
            if len(group) >= s.edge_min_lines:
                edges.append(group[0])
            group = []
        group.append(x)
    return edges


def _band_above(segments: list[Segment], limit: float, s: ExtractSettings) -> list[Segment]:
    """The contiguous block of lines ending at `limit`, scanning upwards until a vertical gap."""
    above = sorted((g for g in segments if g.bottom <= limit + s.line_tolerance
                    and g.top >= limit - s.header_max_height), key=lambda g: -g.bottom)
    band: list[Segment] = []
    reach = limit
    for g in above:
        if reach - g.bottom > g.height * (1 + s.block_gap_ratio) + s.line_tolerance:
            break
        band.append(g)
        reach = min(reach, g.top)
    return band


def _header_bands(page: PageContent, segments: list[Segment], s: ExtractSettings) -> list[_HeaderBand]:
    """Header rows of the synergy table: text above a free horizontal rule that names its columns."""
    bands: list[tuple[float, _HeaderBand]] = []  # with the strength of their reading
    for rule in sorted((r for r in page.rules if r.horizontal and r.x1 - r.x0 > page.width * 0.4),
                       key=lambda r: r.top):
        band = _band_above(segments, rule.top, s)
        if not band:
            continue
        below = [g for g in segments if g.top > rule.bottom]
        strips = _strips(band, _body_edges(below, s), s)
        cells = tuple(cell_text(strip, s.line_tolerance) for strip in strips)
        header = match_header(cells, s)
        if header is None:
            continue
        top = min(g.top for g in band)
        if bands and top < bands[-1][1].bottom:
            # The block above a lower rule takes in this header again, with a first line under it
            # (the end of a row carried over from the previous page): the better reading stands,
            # the shorter on a tie.
            if header.strength <= bands[-1][0]:
                continue
            bands.pop()
        columns = Columns(_column_lefts(strips, below, s), max(rule.x1, max(g.x1 for g in band)))
        bands.append((header.strength, _HeaderBand(top, rule.bottom, columns, cells)))
    return [band for _, band in bands]


def _worded_header_bands(segments: list[Segment], s: ExtractSettings) -> list[_HeaderBand]:
    """Header rows with no rule under them, found by their wording alone: a line opening several
    headings, grown downwards to the depth at which it reads best as a header (a heading's second
    line or its hint in parentheses keeps or raises the match; a data line adds foreign words and
    lowers it)."""
    lines = text_lines(segments, s.line_tolerance)
    bands = []
    i = 0
    while i < len(lines):
        if sum(starts_a_heading(g.text, s) for g in lines[i]) < s.header_min_columns:
            i += 1
            continue
        found = None
        edges = _body_edges([g for line in lines[i + 1:] for g in line], s)
        for end in range(i, min(i + s.header_max_lines, len(lines))):
            band = [g for line in lines[i:end + 1] for g in line]
            strips = _strips(band, edges, s)
            cells = tuple(cell_text(strip, s.line_tolerance) for strip in strips)
            header = match_header(cells, s)
            if header is not None and (found is None or header.strength >= found[0]):
                found = (header.strength, end, band, strips, cells)
        if found is None:
            i += 1
            continue
        _, end, band, strips, cells = found
        bottom = max(g.bottom for g in band)
        below = [g for g in segments if g.top > bottom]
        right = max(g.x1 for g in band + below)
        bands.append(_HeaderBand(min(g.top for g in band), bottom, Columns(_column_lefts(strips, below, s), right), cells))
        i = end + 1
    return bands


def _column_lefts(strips: list[list[Segment]], body: list[Segment], s: ExtractSettings) -> tuple[float, ...]:
    """Where each column's text starts: the leftmost place between the previous heading's centre
    and this one's where at least two body lines start, or the heading itself when none does.

    Body lines are left-aligned at their column's edge; headings often are not (centred), so
    the body decides; a lone line starting elsewhere (a note, a centred word) says nothing, nor
    does a line reaching over two headings' centres (prose).
    """
    centres = [(min(g.x0 for g in strip) + max(g.x1 for g in strip)) / 2 for strip in strips]
    cells = [g for g in body if sum(g.x0 <= c <= g.x1 for c in centres) < 2]
    lefts = []
    for i, strip in enumerate(strips):
        low = centres[i - 1] if i else float("-inf")
        starts = sorted(g.x0 for g in cells if low < g.x0 <= centres[i])
        shared = [x for a, x, b in zip([None] + starts, starts, starts[1:] + [None])
                  if (a is not None and x - a <= s.edge_tolerance) or (b is not None and b - x <= s.edge_tolerance)]
        lefts.append(min(shared + [min(g.x0 for g in strip)]) - s.line_tolerance)
    return tuple(lefts)


def _crosses(seg: Segment, columns: Columns, tolerance: float) -> bool:
    """A segment wider than its column is prose, not a table cell."""
    index = column_of(seg.x0, list(columns.lefts))
    right = columns.spans[index][1]
    return seg.x1 > right + tolerance or seg.x0 < columns.lefts[0] - tolerance


def _line_pitch(columns_lines: list[list[list[Segment]]], s: ExtractSettings) -> float:
    """The usual distance from one text line's top to the next inside a cell: the median of the
    lowest band of steps (`line_tolerance` wide, text positions jitter that much) holding at least
    `pitch_recurrence` steps. A step to the next row adds the cell padding, and in a table of
    mostly one-line rows row steps are the most common: the median of all steps is not the pitch."""
    heights = sorted(max(g.height for g in line) for lines in columns_lines for line in lines)
    height = heights[len(heights) // 2]
    steps = sorted(
        b[0].top - a[0].top
        for lines in columns_lines
        for a, b in zip(lines, lines[1:])
        if height <= b[0].top - a[0].top <= 2 * height
    )
    for i, step in enumerate(steps):
        band = steps[i:bisect_right(steps, step + s.line_tolerance)]
        if len(band) >= s.pitch_recurrence:
            return band[len(band) // 2]
    return steps[len(steps) // 2] if steps else height * 1.25


_NUMBERING = re.compile(r"^(n°\s*)?\d{1,3}\s*[.)°]?$", re.IGNORECASE)


def _row_tops(lines_by_column: dict[int, list[list[Segment]]], separators: list[float], s: ExtractSettings) -> list[float]:
    """Where the rows of an unruled table start, from every signal the page gives.

    - A gap: a row starts where the first column (or two) starts a new block after a gap and every
      column with text there steps down more than a line (cells are top-aligned and padded, and the
      padding may be small). A column going on at its line pitch means no new row: it is a
      paragraph break inside a cell.
    - A drawn separator: a rule or the edge of a shaded band across the table.
    - A numbering column ("1.", "2)", "N° 3"): each number opens a row.
    - Rows that touch (the table shows no gap between any two rows): a column whose text comes back
      after a hole starts a row, since a top-aligned cell's text never stops and resumes; and where
      every column moves line by line in step, each line is a row.
    """
    pitch = _line_pitch(list(lines_by_column.values()), s)
    # (top, column, starts a new block, middle, steps down more than a line)
    starts: list[tuple[float, int, bool, float, bool]] = []
    for col, lines in lines_by_column.items():
        previous = None
        for line in lines:
            top = line[0].top
            middle = (top + max(g.bottom for g in line)) / 2
            step = float("inf") if previous is None else top - previous
            starts.append((top, col, step > pitch * (1 + s.block_gap_ratio), middle, step > pitch + s.row_gap_min))
            previous = top
    starts.sort()
    groups: list[list[tuple[float, int, bool, float, bool]]] = []
    for start in starts:
        if groups and start[0] - groups[-1][0][0] <= s.line_tolerance:
            groups[-1].append(start)
        else:
            groups.append([start])
    numbered = {col for col, lines in lines_by_column.items()
                if len(lines) >= 2 and all(_NUMBERING.match(" ".join(g.text for g in line)) for line in lines)}
    filled = set(lines_by_column)

    def gap_start(group) -> bool:
        # The first column (or two) clearly opens a block, and no column goes on at its line pitch.
        blocks = {start[1] for start in group if start[2]}
        return all(start[4] for start in group) and (0 in blocks or len(blocks) >= 2)

    # Padding shows where a row opens in two columns or more: a line alone after a hole (a section
    # title in the first column) says nothing of it.
    padded = any(gap_start(g) and len({start[1] for start in g}) >= 2 for g in groups[1:])
    titles = _title_lines(lines_by_column.get(0, []), s)
    # Lines in lock-step are rows only in a table of one-line rows: most of its lines fill every column.
    full = [{start[1] for start in g} == filled for g in groups]
    lockstep = len(filled) >= 2 and sum(full) >= s.lockstep_share * len(groups)
    tops: list[float] = []
    for k, group in enumerate(groups):
        top = group[0][0]
        here = {start[1] for start in group}
        title = here == {0} and top in titles
        after_title = k > 0 and {start[1] for start in groups[k - 1]} == {0} and groups[k - 1][0][0] in titles
        # A separator between two text lines; glyph tops may reach over a rule drawn with no padding.
        if (not tops or gap_start(group) or here & numbered or (title and not titles[top]) or (after_title and not title)
                or any(groups[k - 1][0][3] < y < group[0][3] for y in separators)
                or (not padded and any(start[2] for start in group))
                or (not padded and lockstep and full[k] and full[k - 1])):
            tops.append(top - s.line_tolerance)
    return tops


def _title_lines(lines: list[list[Segment]], s: ExtractSettings) -> dict[float, bool]:
    """Section titles set in bold inside the first column: runs of at most `section_max_lines` bold
    lines between lines that are not bold, by top, each saying whether it goes on a title's run.
    (A column bold throughout, synergy names in bold, holds no title.)"""
    titles: dict[float, bool] = {}
    for bold, run in groupby(lines, key=lambda line: all(g.bold for g in line)):
        run = list(run)
        if bold and len(run) <= s.section_max_lines:
            titles.update((line[0].top, i > 0) for i, line in enumerate(run))
    return titles


def _rows(segments: list[Segment], columns: Columns, separators: list[float], page: int, s: ExtractSettings
          ) -> list[Fragment]:
    """Body rows of an unruled table."""
    lefts = list(columns.lefts)
    placed = [(seg, column_of(seg.x0, lefts)) for seg in segments]  # each segment's column, once
    by_column: dict[int, list[Segment]] = {}
    for seg, col in placed:
        by_column.setdefault(col, []).append(seg)
    lines_by_column = {col: text_lines(segs, s.line_tolerance) for col, segs in by_column.items()}
    row_tops = _row_tops(lines_by_column, separators, s)
    fragments = []
    for k, top in enumerate(row_tops):
        bottom_limit = row_tops[k + 1] if k + 1 < len(row_tops) else float("inf")
        members = [(g, col) for g, col in placed if top <= g.top < bottom_limit]
        cells = tuple(
            cell_text((g for g, col in members if col == c), s.line_tolerance)
            for c in range(len(lefts))
        )
        bottom = max(g.bottom for g, _ in members)
        fragments.append(Fragment(page, cells, columns.spans, top, bottom, "sans_filets",
                                  section=is_section(cells, [g for g, _ in members], spans_table=False)))
    return fragments


def _separators(page: PageContent, columns: Columns, s: ExtractSettings) -> list[float]:
    """Heights of the horizontal rules (and shading edges) that run across most of the table."""
    left, right = columns.lefts[0], columns.right
    return sorted((r.top + r.bottom) / 2 for r in page.rules
                  if r.horizontal and min(r.x1, right) - max(r.x0, left) >= s.separator_coverage * (right - left))


def _table_region(region: list[Segment], columns: Columns, separators: list[float], page: int, s: ExtractSettings
                  ) -> tuple[list[Fragment], bool]:
    """The rows of a stretch of an unruled table, and whether prose ended the table in it.

    Lines running across the column gutters are not table cells: followed by more table rows, up
    to `section_max_lines` of them are a section heading inside the table; otherwise they are the
    prose after the table, which ends it."""
    fragments: list[Fragment] = []
    lines = text_lines(region, s.line_tolerance)
    crossing = [any(_crosses(g, columns, s.segment_gap) for g in line) for line in lines]
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and crossing[j] == crossing[i]:
            j += 1
        part = [g for line in lines[i:j] for g in line]
        if not crossing[i]:
            fragments.extend(_rows(part, columns, separators, page, s))
        else:
            following = lines[j:]
            table_follows = any(len({column_of(g.x0, list(columns.lefts)) for g in line}) >= 2 for line in following[:3])
            if j - i > s.section_max_lines or not table_follows:
                return fragments, True
            text = cell_text(part, s.line_tolerance)
            cells = (text,) + ("",) * (len(columns.lefts) - 1)
            fragments.append(Fragment(page, cells, columns.spans, min(g.top for g in part), max(g.bottom for g in part),
                                      "sans_filets", section=True))
        i = j
    return fragments, False


def unruled_fragments(
    page: PageContent, segments: list[Segment], carried: Columns | None, s: ExtractSettings
) -> tuple[list[Fragment], Columns | None]:
    """Fragments of the unruled table(s) on a page, and the columns the next page inherits."""
    fragments: list[Fragment] = []
    columns = carried
    region_top = float("-inf")
    bands = _header_bands(page, segments, s) or _worded_header_bands(segments, s)
    for limit, band in [(b.top, b) for b in bands] + [(float("inf"), None)]:
        if columns is not None:
            # By the middle: a first line drawn tight under the header's rule reaches over it.
            region = [g for g in segments if region_top < g.ymid and g.top < limit]
            found, ended = _table_region(region, columns, _separators(page, columns, s), page.number, s)
            fragments.extend(found)
            if ended:
                columns = None  # the table ended; what follows is not a continuation
        if band is not None:
            columns = band.columns
            fragments.append(Fragment(page.number, band.cells, columns.spans, band.top, band.bottom, "sans_filets"))
            region_top = band.bottom
    return fragments, columns
