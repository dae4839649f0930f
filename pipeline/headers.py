"""Recognising the synergy table's header row by what its headings mean, whatever their wording.

A heading is read as words (`heading_words`: a word hyphenated across the heading's lines joined,
parenthesised hints, dates, numbers and linking words set aside) and compared with each wording of
`schemas/colonnes.yaml`, word by word in order: a heading word names a known word when it is the
same, an abbreviation of it ("Adm." for "Administration", "opér." for "opératoire"), a plural or
derived form ("Synergies"), or the same with a typo. The share of words the two have in common
(heading and wording alike) scores the match, so "Niveau d'avancement (en %)" still names the
progress column, and "Situation au 30 juin 2023" the achievement column, without a line per date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from .model import CELL_COLUMNS
from .settings import ExtractSettings
from .vocabulary import fold_heading, load

# Words that carry no meaning of their own in a heading.
_LINKING = {"de", "du", "des", "la", "le", "les", "l", "d", "en", "au", "aux", "et", "ou", "a", "par", "pour",
            "sur", "dans", "un", "une", "n", "no", "nr"}
_MONTHS = {"janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre",
           "novembre", "decembre"}
_LINE_HYPHEN = re.compile(r"(?<=\w)[-‐]\s*\n\s*(?=\w)")
# The shortest abbreviation read as a word's beginning, and the longest ending a plural or derived
# form adds ("synergie" -> "synergies", "objectif" -> "objectifs").
_MIN_ABBREVIATION = 3
_MAX_SUFFIX = 2


@dataclass(frozen=True)
class Header:
    """Which contract column each table column holds (None: not a synergy column)."""

    columns: tuple[str | None, ...]
    last_heading: str  # the wording of the last column, "Réalisation" or "Résultat obtenu"...
    strength: float = 0.0  # sum of the headings' match scores: how well the row reads as a header


@lru_cache(maxsize=8192)
def heading_words(text: str) -> tuple[str, ...]:
    """The meaningful words of a heading, folded; a word broken across the heading's lines, with or
    without a hyphen ("Adminis-⏎tration", "administ⏎ratif"), read whole."""
    lines = _LINE_HYPHEN.sub("", text).split("\n")
    joined = lines[0]
    for line in lines[1:]:
        last, first = (joined.split() or [""])[-1], (line.split() or [""])[0]
        whole = fold_heading(last + first)
        joined += ("" if whole and whole in _known_words() else " ") + line
    return tuple(w for w in fold_heading(joined).split()
                 if w not in _LINKING and w not in _MONTHS and not w.isdigit() and w != "%")


@lru_cache(maxsize=1)
def _known_words() -> frozenset[str]:
    """Every word of the known headings (colonnes.yaml), folded."""
    synonyms = load("colonnes.yaml")
    return frozenset(w for col in CELL_COLUMNS for wording in synonyms.get(col, []) for w in fold_heading(wording).split())


@lru_cache(maxsize=65536)  # the same few hundred words meet every known wording on every page
def _same_word(heading: str, known: str, typo_score: float) -> bool:
    if heading == known:
        return True
    if len(heading) >= _MIN_ABBREVIATION and known.startswith(heading):
        return True
    if len(known) > _MAX_SUFFIX + 2 and heading.startswith(known) and len(heading) - len(known) <= _MAX_SUFFIX:
        return True
    return min(len(heading), len(known)) >= 5 and fuzz.ratio(heading, known) >= typo_score


def _shared(heading: tuple[str, ...], known: tuple[str, ...], typo_score: float) -> int:
    """How many words the two have in common, in order (longest common subsequence)."""
    row = [0] * (len(known) + 1)
    for h in heading:
        previous_diagonal = 0
        for j, k in enumerate(known, start=1):
            kept = row[j]
            row[j] = previous_diagonal + 1 if _same_word(h, k, typo_score) else max(row[j], row[j - 1])
            previous_diagonal = kept
    return row[-1]


@lru_cache(maxsize=1)
def _wordings() -> tuple[tuple[tuple[str, ...], str], ...]:
    synonyms = load("colonnes.yaml")
    return tuple((heading_words(w), col) for col in CELL_COLUMNS for w in synonyms.get(col, []) if heading_words(w))


@lru_cache(maxsize=8192)
def heading_scores(text: str, typo_score: float) -> dict[str, float]:
    """Each contract column's best match with the heading (0-1: the share of words in common)."""
    words = heading_words(text)
    scores: dict[str, float] = {}
    if not words:
        return scores
    for known, column in _wordings():
        shared = _shared(words, known, typo_score)
        if shared:
            scores[column] = max(scores.get(column, 0.0), 2 * shared / (len(words) + len(known)))
    return scores


def match_heading(text: str, s: ExtractSettings) -> str | None:
    """The contract column a heading names, or None when none is close enough or two tie."""
    ranked = sorted(heading_scores(text, s.header_score).items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < s.heading_match:
        return None
    if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
        return None  # "Rés." could be "Responsable" or "Résultat": not a guess
    return ranked[0][0]


@lru_cache(maxsize=8192)
def _starts_a_heading(words: tuple[str, ...], typo_score: float) -> bool:
    return any(len(words) <= len(known) and _shared(words, known[:len(words)], typo_score) == len(words)
               for known, _ in _wordings())


def starts_a_heading(text: str, s: ExtractSettings) -> bool:
    """Whether a text line could open a heading ('Synergie ou groupe de' opens 'Synergie ou groupe
    de synergies', 'Adm.' opens 'Administration pilote'): its words begin a known wording."""
    words = heading_words(text)
    return bool(words) and (_starts_a_heading(words, s.header_score) or match_heading(text, s) is not None)


def match_header(cells: Sequence[str], s: ExtractSettings) -> Header | None:
    """The header a row of cells spells out, if it names enough distinct columns.

    A column named twice keeps its better-matching heading; the other is not a synergy column.
    """
    columns: list[str | None] = [match_heading(c, s) for c in cells]
    for column in set(c for c in columns if c):
        places = [i for i, c in enumerate(columns) if c == column]
        best = max(places, key=lambda i: heading_scores(cells[i], s.header_score)[column])
        for i in places:
            if i != best:
                columns[i] = None
    if len({c for c in columns if c}) < s.header_min_columns:
        return None
    last = next((cells[i] for i in reversed(range(len(cells))) if columns[i] == "realisation"), "")
    strength = sum(heading_scores(cells[i], s.header_score)[c] for i, c in enumerate(columns) if c)
    return Header(tuple(columns), " ".join(last.split()), strength)
