"""The run: documents in, one table out.

`extract_documents` does the expensive reading, each document in its own bounded process
(`pipeline.worker`, `--jobs` at a time), each result kept in the per-document cache. `assemble_documents` turns the extractions into rows with pure
functions (assemble -> clean -> provenance), then `normalise_and_validate` labels and checks the
whole table, applying the corrections people recorded in review (`pipeline/corrections.py`).
`synergies run` and the DVC stages both call these same functions. One document that fails is
reported in the rejects and never stops the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import registry
from .assemble import Assembly, assemble
from .cache import ExtractionCache, extraction_key
from .clean import clean_row, document_words
from .corrections import apply_corrections, empty_corrections, empty_pending
from .domaine import assign_domaines
from .duplicates import Document, Duplicate, one_report_each
from .fiches import fiches
from .discover import Reject, find_documents, shown_path, why
from .identify import identify
from .ids import synergy_id
from .model import EXTENT_COLUMNS, LABEL_COLUMNS, OUTPUT_COLUMNS, Extraction, Row, ScanSummary
from .normalise import normalise
from .read import DOCUMENT_SUFFIXES, DocumentError
from .read.tagged import STRATEGY as TAGGED
from .rubriques import fill_rubriques
from .settings import OcrSettings, Settings
from .validate import validate
from .worker import Read, hash_file, read_documents


@dataclass(frozen=True)
class Source:
    """An input file: where it is, how the user named it, and its content hash."""

    path: Path
    shown: str
    sha256: str


@dataclass
class DocumentReport:
    fichier: str
    pages: int
    lignes: int
    avertissements: list[str] = field(default_factory=list)
    a_verifier: int = 0  # rows flagged for review, once normalised and validated
    echecs: int = 0  # schema checks failed
    balise: bool = False  # a tagged PDF read through its structure tree
    remarques: tuple[str, ...] = ()  # what the reader set aside (hidden rows of a sheet...)


@dataclass
class Assembled:
    """All documents' rows in one table, and what the run learnt on the way."""

    table: pd.DataFrame
    documents: list[DocumentReport]
    rejects: list[Reject]  # documents without a synergy table
    doublons: list[Duplicate]  # files left out: the same report as a kept one
    conflits: list[list[str]]  # files that are different reports of one commune and year
    registre: pd.DataFrame  # the registry of known synergies, extended by this run


@dataclass
class RunResult:
    table: pd.DataFrame
    documents: list[DocumentReport]
    rejects: list[Reject]
    failures: pd.DataFrame  # validation_report rows
    doublons: list[Duplicate] = field(default_factory=list)
    conflits: list[list[str]] = field(default_factory=list)
    registre: pd.DataFrame = field(default_factory=registry.empty)
    pending: pd.DataFrame = field(default_factory=empty_pending)  # corrections not applied, and why


def extract_documents(
    inputs: list[Path],
    settings: Settings,
    cache: ExtractionCache | None = None,
    jobs: int = 1,
    progress: Callable[[str], None] | None = None,
) -> tuple[list[tuple[Source, Extraction]], list[Reject]]:
    """Every document's extraction, in input order, from the cache or read anew.

    Each document is read in a bounded worker process (`pipeline.worker`); the cache is looked up
    by a streamed hash of the file, and filled under the hash of the bytes the worker parsed."""
    paths, rejects = find_documents(inputs, DOCUMENT_SUFFIXES)
    key = extraction_key(settings)
    shown = [shown_path(path) for path in paths]
    results: dict[int, Read | str] = {}
    for i, path in enumerate(paths):
        if cache is None:
            continue
        try:
            sha256 = hash_file(path, settings.limites)
        except DocumentError as err:
            results[i] = str(err)
        except OSError as err:
            results[i] = why(err)
        else:
            cached = cache.get(sha256, key)
            if cached is None:
                continue
            results[i] = Read(sha256, cached)
        if progress:
            progress(shown[i])
    todo = [i for i in range(len(paths)) if i not in results]

    def done(number: int, outcome: Read | str) -> None:
        i = todo[number]
        results[i] = outcome
        if cache and isinstance(outcome, Read):
            cache.put(outcome.sha256, key, outcome.extraction)
        if progress:
            progress(shown[i])

    read_documents([paths[i] for i in todo], settings, jobs, done)
    extracted = []
    for i, path in enumerate(paths):
        outcome = results[i]
        if isinstance(outcome, str):
            rejects.append(Reject(shown[i], outcome))
        else:
            extracted.append((Source(path, shown[i], outcome.sha256), outcome.extraction))
    return extracted, rejects


def ocr_doubts(row: Row, scans: dict[int, ScanSummary], s: OcrSettings) -> list[str]:
    """Why a row read by OCR deserves a look (`a_verifier`): its pages were read with low mean
    confidence, or it holds words Tesseract was unsure of."""
    doubts = []
    text = set(" ".join(row.cells.values()).split())
    for number in range(row.page_debut, row.page_fin + 1):
        scan = scans.get(number)
        if scan is None:
            continue
        if scan.mean_confidence < s.low_page_confidence:
            doubts.append(f"page {number} lue par OCR avec une confiance moyenne de {scan.mean_confidence:.0f} %")
        unsure = sorted(w for w in scan.unsure_words if w in text)
        if unsure:
            doubts.append(f"mots incertains (OCR) page {number} : " + ", ".join(f"« {w} »" for w in unsure))
    return doubts


def synergy_rows(extraction: Extraction, settings: Settings) -> Assembly:
    """The pure heart of a run for one document: fragments to cleaned synergy rows."""
    assembly = assemble(list(extraction.fragments), settings)
    fill_rubriques(assembly, settings.assemble.rubrique_max_words)
    found = fiches(list(extraction.fragments), settings)  # reports written as one small table per synergy
    assembly.rows += found.rows
    assembly.decisions += found.decisions
    words = document_words(text for row in assembly.rows for text in row.cells.values())
    assembly.rows = [clean_row(row, words, settings.clean) for row in assembly.rows]
    scans = {scan.page: scan for scan in extraction.scans}
    for row in assembly.rows:
        row.doutes.extend(ocr_doubts(row, scans, settings.ocr))
    return assembly


def document_frame(assembly: Assembly, source: Source, commune: str, annee: int | None) -> pd.DataFrame:
    """The contract's columns for one document's rows, with their provenance."""
    strategies = {f.page: f.strategy for f, decision in assembly.decisions if decision != "ignore"}
    records = []
    for number, row in enumerate(assembly.rows, start=1):
        records.append({
            "commune": commune,
            "annee": annee,
            "fichier_source": source.shown,
            "empreinte_source": source.sha256,
            "page_debut": row.page_debut,
            "page_fin": row.page_fin,
            "ligne": number,
            "id_synergie": synergy_id(commune, row.cells["synergie"]),
            "rubrique": row.rubrique,
            "ligne_source": row.ligne_source,
            **row.cells,
            **dict.fromkeys(LABEL_COLUMNS, ""),
            "avancement_pct": None,
            "a_verifier": bool(row.doutes),
            "motifs_verification": "|".join(row.doutes),
            "entete_derniere_colonne": row.entete_derniere_colonne,
            "strategie": strategies.get(row.page_debut, ""),
            "domaine": "",
            "haut_debut": row.haut,
            "bas_fin": row.bas,
            "corrige": "",
        })
    return typed(pd.DataFrame.from_records(records, columns=list(OUTPUT_COLUMNS)))


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """The contract's types: nullable integers, booleans, and strings with no missing values."""
    frame = frame.copy()
    for column in ("annee", "avancement_pct", "ligne_source"):
        # Empty means unknown: an empty cell (a CSV read back) is a null, not a zero.
        frame[column] = pd.array(pd.to_numeric(frame[column].replace("", None)), dtype="Int64")
    for column in EXTENT_COLUMNS:
        frame[column] = pd.array(pd.to_numeric(frame[column].replace("", None)), dtype="Float64").round(1)
    for column in ("page_debut", "page_fin", "ligne"):
        frame[column] = frame[column].astype("int64")
    frame["a_verifier"] = frame["a_verifier"].astype(bool)
    for column in frame.columns:
        if column not in ("annee", "avancement_pct", "ligne_source", "page_debut", "page_fin", "ligne", "a_verifier",
                          *EXTENT_COLUMNS):
            frame[column] = frame[column].fillna("").astype(str)
    return frame


def assemble_documents(
    extracted: list[tuple[Source, Extraction]], settings: Settings, commune: str | None = None,
    annee: int | None = None, registre: pd.DataFrame | None = None,
) -> Assembled:
    """All documents' rows in one table, one report per commune and year, ids from the registry."""
    documents, reports, rejects = [], {}, []
    for source, extraction in extracted:
        assembly = synergy_rows(extraction, settings)
        if not assembly.rows:
            rejects.append(Reject(source.shown, "aucun tableau de synergies trouvé (aucune ligne d'en-tête reconnue)"))
            continue
        found_commune, found_year = identify(Path(source.shown), extraction.title, extraction.metadata_title)
        frame = document_frame(assembly, source, commune or found_commune, annee or found_year)
        warnings = [f"page {r.page_debut}: {d}" for r in assembly.rows for d in r.doutes]
        documents.append(Document(source.shown, source.sha256, frame["commune"].iat[0],
                                  annee or found_year, frame, bool(extraction.scans)))
        tagged = any(f.strategy == TAGGED for f in extraction.fragments)
        reports[source.shown] = DocumentReport(source.shown, extraction.pages, len(frame), warnings, balise=tagged,
                                               remarques=extraction.notes)
    kept, doublons, conflits = one_report_each(documents, settings.doublons)
    frames = [flag_conflicts(d.rows, conflits) for d in kept]
    table = pd.concat(frames, ignore_index=True) if frames else typed(pd.DataFrame(columns=list(OUTPUT_COLUMNS)))
    # A synergy keeps the id it was first given, in this run or an earlier one, reworded or not.
    table, registre = registry.assign_ids(table, registry.empty() if registre is None else registre, settings.diff)
    return Assembled(table, [reports[d.fichier] for d in kept], rejects, doublons, conflits, registre)


def flag_conflicts(rows: pd.DataFrame, conflits: list[list[str]]) -> pd.DataFrame:
    """A document's rows, flagged when another file holds a different report of its commune and year."""
    fichier = rows["fichier_source"].iat[0]
    others = next((sorted(set(group) - {fichier}) for group in conflits if fichier in group), [])
    if not others:
        return rows
    motif = "autre rapport pour la même commune et la même année : " + ", ".join(others)
    out = rows.copy()
    out["motifs_verification"] = [f"{m}|{motif}" if m else motif for m in out["motifs_verification"]]
    out["a_verifier"] = True
    return out


def normalise_and_validate(table: pd.DataFrame, settings: Settings, corrections: pd.DataFrame | None = None
                           ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Labels, domains and review flags, people's corrections, then the contract's checks
    (corrected values too): the final table, its failures, and the corrections left pending."""
    corrected, pending = apply_corrections(label_table(table, settings),
                                           empty_corrections() if corrections is None else corrections)
    return (*validate(corrected), pending)


def label_table(table: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """The controlled labels, then each synergy's domain (both add review notes)."""
    return assign_domaines(normalise(table, settings.normalise), settings.domaine, settings.normalise)


def count_reviews(reports: list[DocumentReport], table: pd.DataFrame, failures: pd.DataFrame) -> None:
    """Each document's rows to review and failed checks, for the end-of-run summary."""
    flagged = table[table["a_verifier"]].groupby("fichier_source").size()
    failed = failures.groupby("fichier_source").size() if len(failures) else pd.Series(dtype=int)
    for report in reports:
        report.a_verifier = int(flagged.get(report.fichier, 0))
        report.echecs = int(failed.get(report.fichier, 0))


def run(
    inputs: list[Path],
    settings: Settings,
    commune: str | None = None,
    annee: int | None = None,
    cache: ExtractionCache | None = None,
    jobs: int = 1,
    progress: Callable[[str], None] | None = None,
    registre: pd.DataFrame | None = None,
    corrections: pd.DataFrame | None = None,
) -> RunResult:
    extracted, rejects = extract_documents(inputs, settings, cache, jobs, progress)
    assembled = assemble_documents(extracted, settings, commune, annee, registre)
    table, failures, pending = normalise_and_validate(assembled.table, settings, corrections)
    count_reviews(assembled.documents, table, failures)
    return RunResult(table, assembled.documents, rejects + assembled.rejects, failures,
                     assembled.doublons, assembled.conflits, assembled.registre, pending)


def process_document(path: Path, settings: Settings, commune: str | None = None, annee: int | None = None
                     ) -> tuple[pd.DataFrame, DocumentReport]:
    """One document through the whole run, read in this process without cache (tests, scripts);
    DocumentError if rejected."""
    result = run([path], settings, commune, annee, jobs=0)
    if result.rejects:
        raise DocumentError(result.rejects[0].raison)
    return result.table, result.documents[0]
