"""Every tolerance of the pipeline, named and gathered in one place.

Defaults are tuned on the committed samples; `params.yaml` overrides them per section
(`extract`, `assemble`, ...), so a maintainer can adjust a commune's layout without code.
Distances are PDF points (1/72 inch); ratios are relative to the line height.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml


@dataclass(frozen=True)
class ExtractSettings:
    # A gap wider than this many points between two characters on a line splits a word,
    # even when the PDF has no space character there.
    word_gap: float = 1.5
    # Two words on one line farther apart than this belong to different cells (column gutter).
    segment_gap: float = 7.0
    # Words starting within this many points of each other, after a gap, on at least
    # `edge_min_lines` lines, mark a column edge: a gap before a word there is a gutter, however
    # narrow (spreadsheet exports).
    edge_tolerance: float = 1.0
    edge_min_lines: int = 3
    # Tops within this many points are on the same text line.
    line_tolerance: float = 2.5
    # A path thinner than this is a ruling line; longer than `rule_min_length` to count.
    rule_max_thickness: float = 2.5
    rule_min_length: float = 8.0
    # Rules whose positions differ by less than this are the same grid line.
    rule_snap: float = 3.0
    # A filled area with every colour channel (0-255) at or above this is paper, not shading.
    paper_level: int = 245
    # Page numbers and running headers live in these top/bottom bands (fraction of page height).
    furniture_band: float = 0.08
    # In an unruled table, a line further below the previous one than the usual line pitch
    # by more than this fraction of it starts a new block of text (a new cell).
    block_gap_ratio: float = 0.2
    # A heading names a contract column when this share (0-1) of its words and of a known wording's
    # words are the same words ("Niveau d'avancement" and "Avancement": 2 of 3 words, 0.67).
    heading_match: float = 0.6
    # At a row start in an unruled table, every column steps down more than its line pitch plus this
    # (points): cell padding, however small; a column going on at its pitch is inside a cell.
    row_gap_min: float = 1.0
    # In an unruled table whose rows touch, lines that fill every column one after the other are one
    # row each only when at least this share of the table's lines fill every column (one-line rows).
    lockstep_share: float = 0.5
    # The line pitch inside a cell comes from the lowest band of steps between lines holding this
    # many steps: one step alone may be a stray glyph's.
    pitch_recurrence: int = 2
    # In an unruled table, at most this many lines running across the columns, followed by more
    # rows, are a section heading ("Axe 2 – Informatique"); more, or nothing after, is prose.
    section_max_lines: int = 2
    # A horizontal rule (or a shading edge) across at least this share of a table's width separates
    # two of its rows (unruled tables; ruled grids, where a cell merged down interrupts the rule).
    separator_coverage: float = 0.6
    # Fuzzy score (0-100) above which a heading word is a known word with a typo.
    header_score: float = 82.0
    # Minimum columns a header must name to be taken as the synergy table's header.
    header_min_columns: int = 4
    # A table row ending less than this above the lowest text line of the document reaches the
    # page end: only such a row can continue on the next page.
    page_end_margin: float = 30.0
    # How far above a rule a header may reach (a twelve-line heading at 12 pt fits: a narrow
    # column hyphenates its heading over many lines).
    header_max_height: float = 180.0
    # A header with no rule under it is found by its wording: a line opening at least
    # `header_min_columns` headings, grown downwards by up to this many lines.
    header_max_lines: int = 12
    # A tagged PDF's table structure is used only if, on each page, its cells hold at least this
    # share of the characters in the band of the page the table spans (the rest: text the tree
    # leaves out of the table). LibreOffice's tagged export of the Mons sample: 100 % on every page.
    tagged_min_coverage: float = 0.98
    # Spreadsheets (.xlsx, .ods) are zip archives: one whose parts declare more than this many
    # bytes once unzipped is refused before anything is inflated (a zip bomb: kilobytes on disk,
    # gigabytes once read). A synergy workbook takes well under a megabyte.
    workbook_max_bytes: int = 50_000_000
    # A part holding sheets (one sheet of an .xlsx, all sheets of an .ods) larger than this once
    # unzipped is not read: about 25,000 rows of a synergy table. 100,000 empty formatted rows take
    # 19 MB and 10 s to read with openpyxl; a 200-row synergy sheet, 0.1 MB.
    sheet_max_bytes: int = 5_000_000
    # A table row holds a synergy when it fills at least this many of the contract's cells (a
    # synergy's name and one more); with fewer it is a section title or a note ("Source : ..."),
    # whether read from a sheet's cells or from its PDF export. A row continued from the page
    # before may fill fewer.
    row_min_cells: int = 2


@dataclass(frozen=True)
class AssembleSettings:
    # Column positions of two pages within this many points are the same table layout.
    layout_tolerance: float = 12.0
    # A line outside the tables titles a group of fiches (`rubrique`) only with at most this many
    # words: section titles are short ("Axe 2 – Informatique et données"); prose is longer.
    rubrique_max_words: int = 12


@dataclass(frozen=True)
class CleanSettings:
    """Re-joining words broken across lines (pipeline/clean.py)."""

    # The Hunspell dictionary (Enchant language tag) that says whether a re-joined word is French.
    # Debian's hunspell-fr-classical installs the same French dictionary under every fr_* tag.
    dictionary: str = "fr_BE"
    # A piece of a broken word shorter than this is a word only if the document writes it alone
    # elsewhere ("à", "y"): Hunspell accepts every single letter, so "Commun⏎e" would read as two
    # words and never be joined.
    dictionary_min_letters: int = 2


@dataclass(frozen=True)
class DiffSettings:
    """Matching the synergies of two years of one commune (`synergies diff`, stable ids)."""

    # Under this combined score (0-100) two synergies are not the same one: the rows become one
    # removal and one addition. On the Mons samples a corrected or reworded synergy scores 87 or
    # more, a short name lengthened ("Archives" -> "Archives communes") 77; two different synergies
    # of one department ("GRH SIPP commun Ville CPAS" / "GRH Cellule informatique commune Ville
    # CPAS", same objective, mode and pilot) 71 at most.
    threshold: float = 74.0
    # A synergy matched to a known one (an earlier year, the registry) with a combined score under
    # this takes its id but is flagged for review: on the Mons samples a plain correction scores 87
    # or more, a lengthened short name 77.
    certain: float = 85.0
    # Under this similarity of the names alone (0-100, word order ignored) two synergies are never
    # the same, however alike their other cells.
    name_threshold: float = 50.0
    # Weight of each cell's similarity in the combined score, a weighted mean (only the ratios
    # matter). The name decides; the objective is the next most specific text; the achievement
    # changes every year (status, figures); the three short cells only tip the balance. A cell's
    # weight is further divided by the number of rows of the old table sharing its text, and is
    # zero when it is empty: "Moyens" or "Les deux" on ten rows tells no row from another.
    weight_synergie: float = 0.50
    weight_objectif: float = 0.25
    weight_mode_operatoire: float = 0.05
    weight_administration_pilote: float = 0.05
    weight_responsable_administratif: float = 0.05
    weight_realisation: float = 0.10

    def weights(self) -> dict[str, float]:
        """Column -> weight, for the six cells."""
        return {f.name.removeprefix("weight_"): getattr(self, f.name)
                for f in fields(self) if f.name.startswith("weight_")}


@dataclass(frozen=True)
class NormaliseSettings:
    # Fuzzy scores are rapidfuzz ratios (0-100) between a vocabulary synonym and words of a cell,
    # compared folded (no case, accents, punctuation or spaces).
    # A label scoring at least this is written without review; below it, the label is written
    # and the row flagged "correspondance incertaine".
    confident_score: float = 90.0
    # Below this, words are not taken as naming the synonym at all.
    min_score: float = 85.0
    # Words of a synonym with at most this many letters (VM, DG, CPAS, Ville, Moyens, Réalisé)
    # must be written exactly: one letter off in a short word is another word ("cas",
    # "moyen terme", "réaliser"). Longer words tolerate a typo ("Coopératf").
    exact_length: int = 8
    # In columns that also hold descriptions (objectif, réalisation), an unmatched cell is flagged
    # only when it has at most this many words: a short cell was meant as a label, a sentence is
    # a description.
    short_cell_words: int = 3
    # A percentage counts as the progress only with at most this many words before it in the
    # last column ("100%", "Réalisé à 80 %", "Taux de réalisation : 75 %").
    percent_lead_words: int = 3
    # A word of at least this many letters closed by a dot and beginning a longer vocabulary word
    # is that word cut short ("Coopér.", "Dir. gén.", "Perf. adm."); shorter ones ("Ex.") are not.
    abbreviation_min_letters: int = 3


@dataclass(frozen=True)
class DomaineSettings:
    """The `domaine` of a synergy from its cells (`schemas/domaines.yaml`). Keywords are matched
    with the normaliser's tolerance (`normalise` section)."""

    # Points a domain gets when one of its keywords is in a cell. The name says what is pooled;
    # the objective often says why ("Moyens"), the achievement what was done ("brochures").
    weight_synergie: float = 2.0
    weight_objectif: float = 1.0
    weight_realisation: float = 0.5
    # A domain is kept only when it leads the next one by at least this many points; otherwise
    # the two compete and the row is left empty and flagged.
    margin: float = 0.5


@dataclass(frozen=True)
class OcrSettings:
    """Reading scanned pages (no text layer) with OpenCV and Tesseract. Lengths are PDF points."""

    # A page with fewer characters than this in its text layer is a scan (a stamped date or a
    # scanner's name may still be there as text).
    min_text_chars: int = 25
    # Resolution the page picture is rendered at for OCR. Tesseract reads the words in grey (see
    # `ink_halo_px`) and scales each text line to its network's height anyway: on the 200 dpi
    # scanned sample, 96.2 % of cells exact at 200 dpi, 98.1 % at 225, 96.2 % at 300, but on other
    # scans made the same way (dev documents of the zoo, the unruled report) 225 reads fewer cells
    # right than 200, and 300 takes half as long again (BENCHMARKS.md, part 0).
    dpi: int = 200
    # Tesseract's language and page segmentation mode (3: its own layout analysis, which keeps
    # each column's lines apart; 6, one block of text, merges lines across columns and loses
    # rows of tables drawn without rules).
    language: str = "fra"
    page_segmentation: int = 3
    # Skew searched within +/- this many degrees, to this precision, on a picture reduced to this
    # resolution (over an A4 width, 0.01 degree moves a line end by a third of a pixel at 150 dpi).
    max_skew: float = 3.0
    skew_step: float = 0.01
    skew_dpi: int = 150
    # Side (pixels) of the median filter that removes specks before thresholding; ink blots
    # smaller than `speck_area` (square points; a full stop at 9 points is about 1) are dust.
    speck_filter_px: int = 3
    speck_area: float = 0.3
    # Ink surviving an opening by a line this long is a rule: longer than any letter or word
    # stroke (a vertical one, longer than the tallest letter of a title).
    horizontal_kernel: float = 40.0
    vertical_kernel: float = 20.0
    # Breaks up to this long along a rule (specks, faint print) are bridged.
    rule_gap: float = 3.0
    # Rules shorter than this are not a table's.
    min_line_length: float = 20.0
    # Rules are erased with this margin around them before OCR.
    rule_erase_margin: float = 0.75
    # Tesseract is given the page's grey, not its thresholded ink, on the ink and this many pixels
    # around it (white elsewhere): a letter's grey edges carry what a threshold cuts off. With
    # no halo, 95.7 % of the sample's cells are exact instead of 96.2 %; with the whole grey page,
    # grain and specks included, the layout analysis goes astray (77 % at 300 dpi).
    ink_halo_px: int = 1
    # A word under this confidence (0-100) is listed as doubtful; a page whose mean confidence
    # is under `low_page_confidence` flags all its rows.
    low_confidence: float = 50.0
    low_page_confidence: float = 80.0


@dataclass(frozen=True)
class ScoreSettings:
    """Scoring an output against a truth (scripts/accuracy.py, the zoo's tests)."""

    # Two rows less alike than this (mean edit similarity of their cells, 0-1) are not the same
    # synergy: an output row that far from every truth row counts as invented, not as misread.
    match_floor: float = 0.5


@dataclass(frozen=True)
class DuplicateSettings:
    """Several files holding the same report of one commune and year (pipeline/duplicates.py)."""

    # Similarity (0-100, rapidfuzz ratio of the two documents' cleaned cells, accents and case
    # ignored) from which two files of the same commune and year are one report in two formats.
    # The Mons 2020 report read from its PDFs (ruled, unruled, tagged, scanned), DOCX and ODT scores
    # 100 between any two; reports a year of edits apart (Mons 2020/2021, the communes of raw/)
    # 92 to 94: a report revised a little is still another report.
    same_report: float = 97.0


@dataclass(frozen=True)
class LimitSettings:
    """Bounds on one document, so that no single file (damaged, hostile or huge) can stall or
    exhaust a run: past any of them the document is rejected with the reason, the others go on."""

    # Each document is read in its own process, stopped after this many seconds of reading ...
    temps_document: float = 120.0
    # ... or when it needs more than this many megabytes of memory (address space of the process).
    memoire_document: int = 2048
    # A file larger than this many megabytes is rejected before it is read (the largest real
    # report seen is a 40 MB scan).
    taille_fichier: int = 500
    # Declared sizes read from a file are capped before anything is allocated: a cell spanning
    # more grid columns or rows than this (docx gridSpan/gridBefore, tagged PDF ColSpan/RowSpan,
    # ODT repeats) is damaged or hostile; real tables have at most a few dozen columns.
    cellules_repetees: int = 1000
    # Table rows a document may hold (header matching, assembly and normalisation run on every row;
    # the longest real report has a few hundred).
    lignes_document: int = 5000
    # The uncompressed content of a .docx/.odt (the sum of its parts), in megabytes.
    archive_decompressee: int = 200
    # A page picture for OCR is never rendered above this many megapixels (A3 at 400 dpi: 31).
    pixels_page: float = 64.0


@dataclass(frozen=True)
class RevueSettings:
    """The review workbook (`synergies revue`) and what is learnt from corrections."""

    # Pictures of a row's source are rendered at this many pixels per PDF point (2: 144 dpi, so
    # 8-point print stays legible in the PNG beside the workbook) ...
    image_scale: float = 2.0
    # ... and shown in the workbook this many pixels wide (a landscape A4 row at about 100 %).
    image_width_px: int = 1000
    # Points of page kept above and below the row's extent, so its rules and its first and last
    # lines show whole.
    image_margin: float = 3.0
    # A synonym is proposed once the same cell text was corrected to the same label in at least
    # this many rows.
    min_proposals: int = 2


@dataclass(frozen=True)
class Settings:
    extract: ExtractSettings = field(default_factory=ExtractSettings)
    assemble: AssembleSettings = field(default_factory=AssembleSettings)
    clean: CleanSettings = field(default_factory=CleanSettings)
    normalise: NormaliseSettings = field(default_factory=NormaliseSettings)
    diff: DiffSettings = field(default_factory=DiffSettings)
    ocr: OcrSettings = field(default_factory=OcrSettings)
    score: ScoreSettings = field(default_factory=ScoreSettings)
    domaine: DomaineSettings = field(default_factory=DomaineSettings)
    doublons: DuplicateSettings = field(default_factory=DuplicateSettings)
    limites: LimitSettings = field(default_factory=LimitSettings)
    revue: RevueSettings = field(default_factory=RevueSettings)

    @classmethod
    def load(cls, path: Path | None) -> "Settings":
        """Defaults overridden by the sections of a params.yaml, when there is one.

        Every key is checked (ParamsError names the first wrong one): a mistyped key silently
        ignored would leave the user believing a tolerance changed.
        """
        if path is None or not path.exists():
            return cls()
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as err:
            raise ParamsError(f"{path} : lecture impossible ({getattr(err, 'strerror', None) or err})") from None
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            where = f" (ligne {mark.line + 1})" if mark else ""
            raise ParamsError(f"{path} : fichier YAML mal formé{where}") from None
        data = {} if data is None else data
        if not isinstance(data, dict):
            raise ParamsError(f"{path} : attendu des sections (extract:, diff:, ...), pas une valeur seule")
        sections = {f.name: f.default_factory for f in fields(cls)}  # type: ignore[misc]
        for name in data:
            if name not in sections:
                raise ParamsError(f"{path} : section inconnue « {name} » (connues : {', '.join(sections)})")
        return cls(**{name: _section(path, name, kind, data.get(name)) for name, kind in sections.items()})


class ParamsError(ValueError):
    """A params.yaml that cannot be used; the message names the file and the key, in French."""


# Keys whose value is a 0-100 score; every other number is a tolerance that cannot be negative.
_SCORES = {"header_score", "threshold", "name_threshold", "confident_score", "min_score",
           "low_confidence", "low_page_confidence"}


def _section(path: Path, name: str, kind: type, given: object):
    """One section of params.yaml checked key by key against its dataclass."""
    if given is None:
        return kind()
    if not isinstance(given, dict):
        raise ParamsError(f"{path} : « {name} » doit contenir des clés (clé: valeur)")
    known = {f.name: f for f in fields(kind)}
    for key, value in given.items():
        where = f"{path} : {name}.{key}"
        if key not in known:
            raise ParamsError(f"{path} : clé inconnue « {name}.{key} » (voir pipeline/settings.py)")
        default = known[key].default
        if isinstance(default, str):
            if not isinstance(value, str):
                raise ParamsError(f"{where} doit être un texte")
            continue
        integer = isinstance(default, int)
        if isinstance(value, bool) or not isinstance(value, int if integer else (int, float)):
            raise ParamsError(f"{where} doit être un nombre{' entier' if integer else ''} (lu : {value!r})")
        if value < 0:
            raise ParamsError(f"{where} ne peut pas être négatif (lu : {value})")
        if key in _SCORES and value > 100:
            raise ParamsError(f"{where} est un score entre 0 et 100 (lu : {value})")
    return kind(**given)
