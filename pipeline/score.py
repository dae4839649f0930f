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

import numpy as np
import pandas as pd
from rapidfuzz import fuzz

from .model import CELL_COLUMNS, LABEL_COLUMNS

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


# ---------------------------------------------------------------- whole documents against their truth
TRUTH_CELLS = ("rubrique", *CELL_COLUMNS)


def row_similarity(found: dict, expected: dict, columns=TRUTH_CELLS) -> float:
    """How alike two rows read, 0 to 1: the mean of their cells' edit similarity (two empty cells
    are alike)."""
    total = 0.0
    for column in columns:
        a, b = comparable(found.get(column)), comparable(expected.get(column))
        total += 1.0 if a == b else fuzz.ratio(a, b) / 100
    return total / len(columns)


def match_rows(output: pd.DataFrame, truth: pd.DataFrame, floor: float) -> list[tuple[int, int]]:
    """(output row, truth row) pairs: the one-to-one assignment that makes the rows most alike
    overall (whatever their order), keeping only pairs at least `floor` alike: a row too unlike
    every truth row is an invented row, not a poorly read one."""
    if output.empty or truth.empty:
        return []
    from scipy.optimize import linear_sum_assignment  # only when scoring: `comparable` is used by every run

    found = output.to_dict("records")
    expected = truth.to_dict("records")
    similarity = np.array([[row_similarity(f, e) for e in expected] for f in found])
    rows, cols = linear_sum_assignment(similarity, maximize=True)
    return [(int(i), int(j)) for i, j in zip(rows, cols) if similarity[i, j] >= floor]


@dataclass
class DocumentScore:
    """One document's rows, cells and labels against its truth (counts, so they add up)."""

    truth_rows: int
    output_rows: int
    matched_rows: int
    exact_cells: int  # over the six cells and the rubrique, of matched rows
    total_cells: int  # truth rows x 7: a truth row not found counts as wrong
    exact_labels: int
    total_labels: int  # truth rows x 6
    mismatches: list[tuple[int, str, str, str]] = field(default_factory=list)  # truth row, column, expected, got

    def __add__(self, other: "DocumentScore") -> "DocumentScore":
        return DocumentScore(*(getattr(self, f) + getattr(other, f) for f in (
            "truth_rows", "output_rows", "matched_rows", "exact_cells", "total_cells", "exact_labels",
            "total_labels", "mismatches")))

    @property
    def precision(self) -> float:
        return self.matched_rows / self.output_rows if self.output_rows else float(self.truth_rows == 0)

    @property
    def recall(self) -> float:
        return self.matched_rows / self.truth_rows if self.truth_rows else float(self.output_rows == 0)

    @property
    def f1(self) -> float:
        """Row F1; a document with no synergy scores 1 with no row and 0 with any."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def cell_accuracy(self) -> float:
        return self.exact_cells / self.total_cells if self.total_cells else float(self.output_rows == 0)

    @property
    def label_accuracy(self) -> float:
        return self.exact_labels / self.total_labels if self.total_labels else float(self.output_rows == 0)


def score_document(output: pd.DataFrame, truth: pd.DataFrame, floor: float) -> DocumentScore:
    """Rows matched by `match_rows`, then every truth cell and label compared with its match's."""
    pairs = match_rows(output, truth, floor)
    result = DocumentScore(len(truth), len(output), len(pairs), 0, len(truth) * len(TRUTH_CELLS), 0,
                           len(truth) * len(LABEL_COLUMNS))
    for i, j in pairs:
        for column in (*TRUTH_CELLS, *LABEL_COLUMNS):
            want, got = comparable(truth[column].iloc[j]), comparable(output[column].iloc[i])
            if want != got:
                result.mismatches.append((j + 1, column, want, got))
            elif column in TRUTH_CELLS:
                result.exact_cells += 1
            else:
                result.exact_labels += 1
    return result
