"""The run: documents in, one table out. Each document is read (I/O), then passed through the
pure stages extract -> assemble -> clean, and all rows are normalised and validated together.
One document that fails is reported in the rejects and never stops the others.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .assemble import Assembly, assemble
from .clean import clean_row
from .extract import extract_fragments
from .identify import identify
from .ids import synergy_id
from .model import LABEL_COLUMNS, OUTPUT_COLUMNS
from .pdf import DocumentError, PdfDocument, read_pdf
from .settings import Settings

DOCUMENT_SUFFIXES = {".pdf"}


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


@dataclass(frozen=True)
class Reject:
    fichier: str
    raison: str


@dataclass
class RunResult:
    table: pd.DataFrame
    documents: list[DocumentReport]
    rejects: list[Reject]


def shown_path(path: Path) -> str:
    """The path relative to the working folder when it lies below it, as given otherwise."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def find_documents(inputs: list[Path]) -> tuple[list[Path], list[Reject]]:
    """Files given, and documents found in folders given (recursively, in name order)."""
    found: list[Path] = []
    missing: list[Reject] = []
    for item in inputs:
        if item.is_dir():
            found.extend(sorted(
                p for p in item.rglob("*")
                if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES and not p.name.startswith(".")
            ))
        elif item.is_file():
            found.append(item)
        else:
            missing.append(Reject(shown_path(item), "fichier ou dossier introuvable"))
    return found, missing


def synergy_rows(document: PdfDocument, settings: Settings) -> Assembly:
    """The pure heart of a run for one document: pages to cleaned synergy rows."""
    assembly = assemble(extract_fragments(document.pages, settings.extract), settings)
    assembly.rows = [clean_row(row) for row in assembly.rows]
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
            **row.cells,
            **dict.fromkeys(LABEL_COLUMNS, ""),
            "avancement_pct": None,
            "a_verifier": bool(row.doutes),
            "motifs_verification": "|".join(row.doutes),
            "entete_derniere_colonne": row.entete_derniere_colonne,
            "strategie": strategies.get(row.page_debut, ""),
        })
    return typed(pd.DataFrame.from_records(records, columns=list(OUTPUT_COLUMNS)))


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """The contract's types: nullable integers, booleans, and strings with no missing values."""
    frame = frame.copy()
    for column in ("annee", "avancement_pct"):
        frame[column] = pd.array(frame[column], dtype="Int64")
    for column in ("page_debut", "page_fin", "ligne"):
        frame[column] = frame[column].astype("int64")
    frame["a_verifier"] = frame["a_verifier"].astype(bool)
    for column in frame.columns:
        if column not in ("annee", "avancement_pct", "page_debut", "page_fin", "ligne", "a_verifier"):
            frame[column] = frame[column].fillna("").astype(str)
    return frame


def process_document(path: Path, settings: Settings, commune: str | None, annee: int | None
                     ) -> tuple[pd.DataFrame, DocumentReport]:
    """Read one document and turn it into rows; raises DocumentError with the reason."""
    data = path.read_bytes()
    source = Source(path, shown_path(path), hashlib.sha256(data).hexdigest())
    document = read_pdf(path, settings.extract)
    assembly = synergy_rows(document, settings)
    if not assembly.rows:
        raise DocumentError("aucun tableau de synergies trouvé (aucune ligne d'en-tête reconnue)")
    title = "\n".join(seg.text for seg in document.pages[0].segments)
    found_commune, found_year = identify(Path(source.shown), title, document.metadata.get("Title", ""))
    frame = document_frame(assembly, source, commune or found_commune, annee or found_year)
    warnings = [f"page {r.page_debut}: {d}" for r in assembly.rows for d in r.doutes]
    return frame, DocumentReport(source.shown, len(document.pages), len(frame), warnings)


def run(inputs: list[Path], settings: Settings, commune: str | None = None, annee: int | None = None) -> RunResult:
    paths, rejects = find_documents(inputs)
    frames, reports = [], []
    for path in paths:
        try:
            frame, report = process_document(path, settings, commune, annee)
        except DocumentError as err:
            rejects.append(Reject(shown_path(path), str(err)))
            continue
        except OSError as err:
            rejects.append(Reject(shown_path(path), f"lecture impossible ({err.strerror or err})"))
            continue
        frames.append(frame)
        reports.append(report)
    table = pd.concat(frames, ignore_index=True) if frames else typed(pd.DataFrame(columns=list(OUTPUT_COLUMNS)))
    return RunResult(table, reports, rejects)
