"""Scoring an output table against a reference table, cell by cell.

Text is compared after collapsing whitespace and unifying quote and dash characters, so that a
typographic apostrophe against a straight one is not counted as an extraction error. The loose
comparison (`loose=True`) also ignores accents and punctuation: it measures the words an OCR got
right, whatever it made of an ellipsis or an acute accent.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

from .model import CELL_COLUMNS

_UNIFY = str.maketrans({"’": "'", "‘": "'", "‛": "'", "«": '"', "»": '"', "“": '"', "”": '"',
                        "–": "-", "—": "-", "‑": "-", "\u00a0": " "})


_PUNCTUATION = re.compile(r"[^\w\s]|_")


def comparable(value: object, loose: bool = False) -> str:
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    if loose:
        text = _PUNCTUATION.sub(" ", unaccented(text))
    return " ".join(text.translate(_UNIFY).split())


def unaccented(text: str) -> str:
    """The text without its accents (é -> e, ç -> c); ligatures such as œ stay."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


@dataclass
class Score:
    expected_rows: int
    found_rows: int
    matched_rows: int
    exact_cells: int
    total_cells: int
    in_order: bool
    mismatches: list[tuple[int, str, str, str]] = field(default_factory=list)  # ligne, column, expected, got

    @property
    def cell_accuracy(self) -> float:
        return self.exact_cells / self.total_cells if self.total_cells else 0.0

    def summary(self) -> str:
        return (f"{self.found_rows}/{self.expected_rows} lignes, {self.matched_rows} appariées, "
                f"{self.exact_cells}/{self.total_cells} cellules exactes ({self.cell_accuracy:.1%})")


def score(output: pd.DataFrame, reference: pd.DataFrame, columns=CELL_COLUMNS, loose: bool = False) -> Score:
    """Align output rows to reference rows by their synergy names, then compare every cell
    (`loose`: ignoring accents and punctuation)."""
    ref_names = [comparable(v) for v in reference["synergie"]]
    out_names = [comparable(v) for v in output["synergie"]]
    pairs: list[tuple[int, int]] = []
    matcher = difflib.SequenceMatcher(a=ref_names, b=out_names, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("equal", "replace"):
            pairs.extend(zip(range(i1, i2), range(j1, j2)))
    result = Score(len(reference), len(output), len(pairs), 0, len(reference) * len(columns), True)
    result.in_order = len(pairs) == len(reference) == len(output)
    for i, j in pairs:
        for column in columns:
            want, got = comparable(reference[column].iloc[i], loose), comparable(output[column].iloc[j], loose)
            if want == got:
                result.exact_cells += 1
            else:
                result.mismatches.append((i + 1, column, want, got))
    return result
