"""rubriques: the section titles that group a report's synergies ("Axe 2 – Informatique et données").

Readers of structured documents give the text outside tables as one-cell "texte" fragments: the
paragraphs between the tables of a DOCX/ODT, the rows of a sheet that fill a single cell (often
merged across the table) between its header and its last synergy. A short line that is neither a
sentence, nor a fiche heading ("Fiche n° 3"), nor the report's or the table's title titles the
synergies below it, up to the next one.
"""

from __future__ import annotations

import re

from .assemble import Assembly
from .clean import clean_text
from .model import STRUCTURED_STRATEGIES, TEXT_STRATEGY, Fragment
from .read.text import PAGE_NUMBER

# "Fiche n° 3", "Fiche 3 :", "FICHE N°12" head a fiche; they are not section titles.
_FICHE_HEADING = re.compile(r"^\s*fiche\b", re.IGNORECASE)
# Titles of the report or its table ("Rapport sur les synergies…", "Ville de Mons – CPAS de Mons",
# "Tableau des synergies").
_REPORT_TITLE = re.compile(r"\brapport\b|\bsynergies?\b|^\s*(ville|commune|cpas)\s+d", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.:;!?…]\s*$")


def is_section_title(text: str, max_words: int) -> bool:
    """A line that can title a group of synergies: at most `max_words` words, not a sentence, not
    a fiche heading nor a title of the report, nor a page number ("Page 2" in a footer standing
    a little above the band the reader sets aside)."""
    line = clean_text(text)
    return (0 < len(line.split()) <= max_words and not _SENTENCE_END.search(line)
            and not _FICHE_HEADING.match(line) and not _REPORT_TITLE.search(line) and not PAGE_NUMBER.match(line))


def fill_rubriques(assembly: Assembly, max_words: int) -> None:
    """Give the table rows of a DOCX, ODT or spreadsheet the section title above them.

    Section titles count from the line just before the first header on (a title standing before
    the first table too, never the report's front matter further up). Rows already holding a
    `rubrique` keep it; PDF rows are left to the page reader.
    """
    first_header = next((i for i, (_, d) in enumerate(assembly.decisions) if d == "entete"), None)
    if first_header is None:
        return
    rows = iter(assembly.rows)
    rubrique = _just_before(assembly.decisions[:first_header], max_words)
    for fragment, decision in assembly.decisions[first_header:]:
        if fragment.strategy == TEXT_STRATEGY:
            if is_section_title(fragment.cells[0], max_words):
                rubrique = clean_text(fragment.cells[0])
        elif decision == "ligne":
            row = next(rows)
            if not row.rubrique and fragment.strategy in STRUCTURED_STRATEGIES:
                row.rubrique = rubrique


def _just_before(decisions: list[tuple[Fragment, str]], max_words: int) -> str:
    """The section title standing right before the first header, if the last line there is one."""
    texts = [f for f, _ in decisions if f.strategy == TEXT_STRATEGY]
    if texts and is_section_title(texts[-1].cells[0], max_words):
        return clean_text(texts[-1].cells[0])
    return ""
