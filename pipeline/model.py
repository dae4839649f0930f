"""Plain objects passed between the stages. Coordinates are PDF points, origin top-left."""

from __future__ import annotations

from dataclasses import dataclass, field

# The six cells of a synergy row, in the order of the report's table and of the contract.
CELL_COLUMNS = (
    "synergie",
    "objectif",
    "mode_operatoire",
    "administration_pilote",
    "responsable_administratif",
    "realisation",
)

# The labels normalise writes; empty until a row is normalised.
LABEL_COLUMNS = ("objectifs_norm", "mode_norm", "pilote_norm", "responsable_norm", "statut_norm", "avancement_pct")

# Columns of synergies.csv: the output contract's, in its order, then our additions.
OUTPUT_COLUMNS = (
    "commune", "annee", "fichier_source", "empreinte_source", "page_debut", "page_fin", "ligne",
    "id_synergie", "rubrique", "ligne_source", *CELL_COLUMNS, *LABEL_COLUMNS, "a_verifier", "motifs_verification",
    "entete_derniere_colonne", "strategie", "domaine", "haut_debut", "bas_fin", "corrige",
)

# Where a row stands on its first and last page (points from the page top), for its picture.
EXTENT_COLUMNS = ("haut_debut", "bas_fin")


# Strategies of documents that carry their table structure: a fragment's `top` is a row index.
STRUCTURED_STRATEGIES = {"docx", "odt", "xlsx", "ods"}
# A paragraph outside any table (titles, section headings, prose): never a table row.
TEXT_STRATEGY = "texte"


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of words on one text line, closer to each other than a column gutter."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    bold: bool = False  # every word set in a bold face (a section heading, a header)

    @property
    def xmid(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def ymid(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True, slots=True)
class Rule:
    """A ruling line (a thin stroked or filled path)."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        return (self.x1 - self.x0) >= (self.bottom - self.top)


@dataclass(frozen=True, slots=True)
class PageContent:
    """What the extractor read off one page: text segments and ruling lines."""

    number: int  # 1-based
    width: float
    height: float
    segments: tuple[Segment, ...]
    rules: tuple[Rule, ...]
    furniture: tuple[Segment, ...] = ()  # page numbers and running headers, set aside


@dataclass(frozen=True, slots=True)
class Fragment:
    """The part of one table row that stands on one page.

    `cells` holds one string per column of `columns` (x-intervals), lines joined by newlines.
    """

    page: int
    cells: tuple[str, ...]
    columns: tuple[tuple[float, float], ...]
    top: float
    bottom: float
    # How the cells were found: "regle" (ruling lines), "sans_filets" (text alignment), "balise"
    # (a tagged PDF's structure tree), "docx" or "odt" (the document's own table), "xlsx" or "ods"
    # (a sheet's rows); "texte" for a paragraph outside any table, as one cell.
    strategy: str
    ends_page: bool = False  # last thing on its page, reaching down to where the text ends
    # A row holding a section heading ("Axe 2 – Informatique"), not a synergy: one cell spanning
    # the table's width, or the first cell alone, in bold.
    section: bool = False
    last_page: int | None = None  # a whole row read across a page end (tagged PDF): the page it ends on

    @property
    def source_row(self) -> int | None:
        """The row's number as its source program shows it: the table row of a DOCX/ODT, the
        sheet row of a spreadsheet (`top` is then a 0-based row index); None for a PDF."""
        return int(self.top) + 1 if self.strategy in STRUCTURED_STRATEGIES else None


@dataclass(frozen=True, slots=True)
class ScanSummary:
    """How sure OCR was of one scanned page, kept with the extraction for the review flags."""

    page: int
    mean_confidence: float  # 0-100
    unsure_words: tuple[str, ...]  # words read with low confidence


@dataclass
class Row:
    """One synergy, assembled from one or more fragments."""

    cells: dict[str, str]
    entete_derniere_colonne: str
    page_debut: int
    page_fin: int
    doutes: list[str] = field(default_factory=list)
    rubrique: str = ""  # the section heading the row sits under, when the report has sections
    ligne_source: int | None = None  # the source's own row number (structured documents)
    # Where the row stands on its pages (PDF points from the page top), for the review's picture:
    # its top on page_debut and its bottom on page_fin; None where unknown (DOCX/ODT, or the end
    # of a tagged row read across a page end).
    haut: float | None = None
    bas: float | None = None


@dataclass(frozen=True)
class Extraction:
    """What is kept of a document once read: its fragments and the text that names it."""

    pages: int
    fragments: tuple[Fragment, ...]
    title: str  # text of the first page, for the commune and the year
    metadata_title: str
    scans: tuple[ScanSummary, ...] = ()  # pages read by OCR
    # What the reader set aside, for the document's summary line ("2 lignes masquées ignorées").
    notes: tuple[str, ...] = ()
