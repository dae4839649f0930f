"""extract: from the pages of a document to table-row fragments with their geometry.

Each page is read with the strategy its drawing calls for: ruled grids first (`ruled`), then the
text they did not claim as unruled tables (`unruled`), or, on a page with no unruled table, as the
label | value rows of fiches drawn without rules and one-cell "texte" lines for the rest (`fiches`). The result is every table row of every
page, in reading order, before any knowledge of headers or page breaks is applied.
"""

from __future__ import annotations

from dataclasses import replace

from ..model import TEXT_STRATEGY, Fragment, PageContent, Segment
from ..settings import ExtractSettings
from .cells import text_lines
from .fiches import fiche_fragments
from .ruled import find_grids, grid_fragments, joined_rules
from .unruled import Columns, unruled_fragments


def page_fragments(
    page: PageContent, carried: Columns | None, text_bottom: float, s: ExtractSettings
) -> tuple[list[Fragment], Columns | None]:
    """One page's fragments, top to bottom, and the unruled columns carried to the next page."""
    page = replace(page, rules=joined_rules(page.rules, s))
    grids = find_grids(page.rules, s)
    fragments = [f for grid in grids for f in grid_fragments(page, grid, s)]
    free = [seg for seg in page.segments if not any(g.contains(seg, s.rule_snap) for g in grids)]
    unruled, carried = unruled_fragments(page, free, carried, s)
    if not unruled and carried is None:  # no unruled table here: fiches drawn without rules, if any
        unruled = fiche_fragments(page, free, s)
    fragments = sorted(fragments + unruled, key=lambda f: f.top)
    if fragments and fragments[-1].bottom >= text_bottom - s.page_end_margin:
        fragments[-1] = replace(fragments[-1], ends_page=True)  # text lines come after: never a row's end
    outside = [g for g in free if not any(_holds(f, g, s) for f in unruled)]
    return sorted(fragments + _text_fragments(page.number, outside, s), key=lambda f: f.top), carried


def _holds(fragment: Fragment, seg: Segment, s: ExtractSettings) -> bool:
    """Whether a segment stands inside a table fragment's box."""
    return (fragment.top - s.line_tolerance <= seg.ymid <= fragment.bottom + s.line_tolerance
            and fragment.columns[0][0] - s.segment_gap <= seg.xmid <= fragment.columns[-1][1] + s.segment_gap)


def _text_fragments(page: int, segments: list[Segment], s: ExtractSettings) -> list[Fragment]:
    """The page's text outside any table, one single-cell "texte" fragment per line (section titles
    above a group of fiches, prose): assemble ignores them, the fiche reader takes titles from them."""
    return [Fragment(page, (" ".join(g.text for g in line),), ((line[0].x0, max(g.x1 for g in line)),),
                     min(g.top for g in line), max(g.bottom for g in line), TEXT_STRATEGY)
            for line in text_lines(segments, s.line_tolerance)]


def extract_fragments(pages: list[PageContent], s: ExtractSettings) -> list[Fragment]:
    """All table-row fragments of a document, in reading order."""
    fragments: list[Fragment] = []
    carried: Columns | None = None
    # Where the text of the fullest page stops: the bottom margin, as the author's layout set it.
    text_bottom = max((g.bottom for page in pages for g in page.segments), default=0.0)
    for page in pages:
        found, carried = page_fragments(page, carried, text_bottom, s)
        fragments.extend(found)
    return fragments
