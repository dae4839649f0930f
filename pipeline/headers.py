"""Recognising the synergy table's header row, whatever its wording."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from .model import CELL_COLUMNS
from .vocabulary import fold_heading, load


@dataclass(frozen=True)
class Header:
    """Which contract column each table column holds (None: not a synergy column)."""

    columns: tuple[str | None, ...]
    last_heading: str  # the wording of the last column, "Réalisation" or "Résultat obtenu"...


@lru_cache(maxsize=1)
def _choices() -> tuple[list[str], list[str]]:
    synonyms = load("colonnes.yaml")
    pairs = [(fold_heading(w), col) for col in CELL_COLUMNS for w in synonyms.get(col, [])]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def match_heading(text: str, min_score: float) -> str | None:
    """The contract column a heading names, or None when no synonym is close enough."""
    folded = fold_heading(text)
    if not folded:
        return None
    wordings, columns = _choices()
    best = process.extractOne(folded, wordings, scorer=fuzz.ratio, score_cutoff=min_score)
    return columns[best[2]] if best else None


@lru_cache(maxsize=4096)
def starts_a_heading(text: str, min_score: float) -> bool:
    """Whether a text line could open a heading ('Synergie ou groupe de' opens 'Synergie ou groupe
    de synergies'): the start of a known wording, at least four letters long."""
    folded = fold_heading(text)
    if len(folded) < 4:
        return False
    wordings, _ = _choices()
    return process.extractOne(folded, wordings, scorer=fuzz.partial_ratio, score_cutoff=min_score) is not None


def match_header(cells: Sequence[str], min_score: float, min_columns: int) -> Header | None:
    """The header a row of cells spells out, if it names enough distinct columns."""
    columns = [match_heading(c, min_score) for c in cells]
    named = [c for c in columns if c]
    if len(set(named)) < min_columns or len(set(named)) != len(named):
        return None
    last = next((cells[i] for i in reversed(range(len(cells))) if columns[i] == "realisation"), "")
    return Header(tuple(columns), " ".join(last.split()))
