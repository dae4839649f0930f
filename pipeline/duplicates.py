"""duplicates: one report per commune and year.

Users' folders hold the same report more than once: downloaded twice, or published both as PDF and
as DOCX. Counted twice, its synergies would be doubled and the next year's diff would see them
"removed". Two files are the same report when their bytes are identical, or when they are about
the same commune and year and their cleaned cells read the same (`DuplicateSettings.same_report`).
The one kept is the most reliable reading: a document's own structure (DOCX, ODT, spreadsheet,
tagged PDF) before a text PDF's geometry, before a scan's OCR; between equals, the first by name.
Two files of one commune and year whose contents differ are two different reports: both are kept,
and the caller flags them.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import pandas as pd
from rapidfuzz import fuzz

from .model import CELL_COLUMNS, STRUCTURED_STRATEGIES
from .read.tagged import STRATEGY as TAGGED
from .settings import DuplicateSettings
from .vocabulary import fold, fold_each

# The most reliable readings: the document itself says which text is in which cell.
STRUCTURED = STRUCTURED_STRATEGIES | {TAGGED}
SCAN_RANK = 2


@dataclass(frozen=True)
class Document:
    """One document's rows, as far as duplicates are concerned."""

    fichier: str
    sha256: str
    commune: str
    annee: int | None
    strategies: frozenset[str]  # how its rows were read
    texte: str  # its cleaned cells as one folded text (`content`)
    scanned: bool  # some page read by OCR

    @staticmethod
    def of(fichier: str, sha256: str, commune: str, annee: int | None, rows: pd.DataFrame, scanned: bool) -> Document:
        """A document from its contract rows (cells and strategie)."""
        return Document(fichier, sha256, commune, annee, frozenset(rows["strategie"]), content(rows), scanned)

    @property
    def rank(self) -> int:
        """0: read in its own structure; 1: a text PDF's geometry; 2: a scan."""
        if self.scanned:
            return SCAN_RANK
        return 0 if self.strategies <= STRUCTURED else 1


@dataclass(frozen=True)
class Duplicate:
    fichier: str
    fichier_garde: str
    raison: str


def content(rows: pd.DataFrame) -> str:
    """The document's cleaned cells as one folded text (case, accents and spacing ignored)."""
    memo: dict[str, str] = {}  # a report repeats its short cells (pilots, statuses): each folded once
    columns = [fold_each(map(str, rows[column]), memo) for column in CELL_COLUMNS]
    return "\n".join(" ".join(cells) for cells in zip(*columns))


def one_report_each(documents: list[Document], settings: DuplicateSettings
                    ) -> tuple[list[Document], list[Duplicate], list[list[str]]]:
    """The documents to keep (in input order), the duplicates left out, and the groups of files
    that are different reports for one commune and year."""
    duplicates: list[Duplicate] = []
    dropped: set[int] = set()
    by_bytes: dict[str, list[int]] = {}
    for i, document in enumerate(documents):
        by_bytes.setdefault(document.sha256, []).append(i)
    for copies in by_bytes.values():
        # The shortest name is the original: a second download is "rapport (1).pdf".
        first = min(copies, key=lambda i: (len(documents[i].fichier), documents[i].fichier))
        for i in copies:
            if i != first:
                dropped.add(i)
                duplicates.append(Duplicate(documents[i].fichier, documents[first].fichier,
                                            "copie identique (mêmes octets)"))
    groups: dict[tuple[str, int], list[int]] = {}
    for i, document in enumerate(documents):
        if i not in dropped and document.annee is not None and document.commune:
            groups.setdefault((fold(document.commune), document.annee), []).append(i)
    conflicts: list[list[str]] = []
    for members in groups.values():
        # Most reliable first: each later member either repeats a kept one or is a report of its own.
        members = sorted(members, key=lambda i: (documents[i].rank, documents[i].fichier))
        texts = {i: documents[i].texte for i in members}
        kept: list[int] = []
        for i in members:
            # The cutoff lets rapidfuzz stop early on documents that cannot reach it (0 then).
            scores = [(fuzz.ratio(texts[k], texts[i], score_cutoff=settings.same_report), k) for k in kept]
            score, twin = max(scores, default=(0.0, -1))
            if score >= settings.same_report:
                dropped.add(i)
                duplicates.append(Duplicate(
                    documents[i].fichier, documents[twin].fichier,
                    f"même rapport ({documents[i].commune} {documents[i].annee}, contenu semblable à "
                    f"{score:.0f} %) ; gardé : la lecture la plus fiable"))
            else:
                kept.append(i)
        if len(kept) > 1:
            conflicts.append(sorted(documents[i].fichier for i in kept))
    return [d for i, d in enumerate(documents) if i not in dropped], duplicates, conflicts


def duplicates_frame(duplicates: list[Duplicate]) -> pd.DataFrame:
    return pd.DataFrame([(d.fichier, d.fichier_garde, d.raison) for d in duplicates],
                        columns=["fichier", "fichier_garde", "raison"])
