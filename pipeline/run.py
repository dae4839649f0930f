"""The run: documents in, one table out.

`extract_documents` does the expensive reading, each document in its own bounded process
(`pipeline.worker`, `--jobs` at a time), each result kept in the per-document cache. `assemble_documents` turns the extractions into rows with pure
functions (assemble -> clean -> provenance), then `normalise_and_validate` labels and checks the
whole table, applying the corrections people recorded in review (`pipeline/corrections.py`).
`synergies run` and the DVC stages both call these same functions. One document that fails is
reported in the rejects and never stops the others.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pandas as pd
import pyarrow as pa

from . import registry
from .assemble import Assembly, assemble
from .cache import ROWS, ExtractionCache, extraction_key, rows_base, rows_key
from .clean import clean_row, document_words, french_dictionary, vocabulary_words
from .corrections import apply_corrections, empty_corrections, empty_pending
from .domaine import Choix, find_domaines, with_domaines
from .duplicates import Document, Duplicate, content, one_report_each
from .fiches import fiches
from .discover import Reject, find_documents, shown_path, why
from .identify import identify
from .ids import synergy_id
from .model import CELL_COLUMNS, EXTENT_COLUMNS, LABEL_COLUMNS, OUTPUT_COLUMNS, Extraction, Row, ScanSummary
from .normalise import Labels, find_labels, with_labels
from .read import DOCUMENT_SUFFIXES, DocumentError
from .read.tagged import STRATEGY as TAGGED
from .rubriques import fill_rubriques
from .settings import OcrSettings, Settings
from .validate import contract, validate
from .worker import Read, hash_file, read_documents

T = TypeVar("T")


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
    """Every document's extraction, in input order, from the cache or read anew."""
    key = extraction_key(settings)

    def cached(source: Source) -> Extraction | None:
        return cache.get(source.sha256, key) if cache else None

    def held(source: Source) -> bool:
        return cache is not None and cache.holds(source.sha256, key)

    return _each_document(inputs, settings, cache, jobs, progress, held, cached, lambda source, extraction: extraction)


def prepare_documents(
    inputs: list[Path],
    settings: Settings,
    commune: str | None = None,
    annee: int | None = None,
    cache: ExtractionCache | None = None,
    jobs: int = 1,
    progress: Callable[[str], None] | None = None,
) -> tuple[list[tuple[Source, Prepared]], list[Reject]]:
    """Every document prepared (`prepare`), in input order: from the cache of prepared documents,
    else from its cached extraction, else read anew. Each is prepared as soon as it is read and
    its extraction let go, so memory does not grow with the corpus."""
    key = extraction_key(settings)
    base = rows_base(settings, key)

    def keep(source: Source, extraction: Extraction) -> Prepared:
        prepared = prepare(source, extraction, settings, commune, annee)
        if cache:
            cache.put_rows(source.sha256, rows_key(base, source.shown, commune, annee), prepared.to_bytes())
        return prepared

    def cached(source: Source) -> Prepared | None:
        if cache is None:
            return None
        found = cache.get_rows(source.sha256, rows_key(base, source.shown, commune, annee), Prepared.from_bytes)
        if found is not None:
            return found
        extraction = cache.get(source.sha256, key)
        return None if extraction is None else keep(source, extraction)

    def held(source: Source) -> bool:
        return cache is not None and (cache.holds(source.sha256, rows_key(base, source.shown, commune, annee), ROWS)
                                      or cache.holds(source.sha256, key))

    def meanwhile() -> None:
        """What the first document's rows and the validation load on first use (pandera, the
        Hunspell dictionary), loaded while the workers read."""
        contract()
        french_dictionary(settings.clean.dictionary)

    return _each_document(inputs, settings, cache, jobs, progress, held, cached, keep, meanwhile)


def _each_document(inputs, settings: Settings, cache: ExtractionCache | None, jobs: int,
                   progress: Callable[[str], None] | None, held: Callable[[Source], bool], cached: Callable[[Source], T | None],
                   keep: Callable[[Source, Extraction], T], meanwhile: Callable[[], object] | None = None
                   ) -> tuple[list[tuple[Source, T]], list[Reject]]:
    """What `cached` finds for each document the cache `held`, else what `keep` makes of its
    extraction once read. The cached ones are looked up while the workers read the others, and
    `meanwhile` is done while they do (what this process prepares for later, see
    `read_documents`); an entry found damaged is read afterwards.

    Each document is read in a bounded worker process (`pipeline.worker`); the cache is looked up
    by a streamed hash of the file, and filled under the hash of the bytes the worker parsed."""
    paths, rejects = find_documents(inputs, DOCUMENT_SUFFIXES)
    key = extraction_key(settings)
    shown = [shown_path(path) for path in paths]
    results: dict[int, tuple[Source, T] | str] = {}
    in_cache: list[tuple[int, Source]] = []
    for i, path in enumerate(paths):
        if cache is None:
            continue
        try:
            source = Source(path, shown[i], hash_file(path, settings.limites))
        except DocumentError as err:
            results[i] = str(err)
        except OSError as err:
            results[i] = why(err)
        else:
            if held(source):
                in_cache.append((i, source))
            continue
        if progress:
            progress(shown[i])

    def look_up() -> None:
        for i, source in in_cache:
            found = cached(source)
            if found is not None:
                results[i] = (source, found)
                if progress:
                    progress(shown[i])

    def read(todo: list[int], started: Callable[[], object] | None) -> None:
        def done(number: int, outcome: Read | str) -> None:
            i = todo[number]
            if isinstance(outcome, Read):
                if cache:
                    cache.put(outcome.sha256, key, outcome.extraction)
                source = Source(paths[i], shown[i], outcome.sha256)
                results[i] = (source, keep(source, outcome.extraction))
            else:
                results[i] = outcome
            if progress:
                progress(shown[i])

        read_documents([paths[i] for i in todo], settings, jobs, done, meanwhile if started else None, started)

    looked_up = {i for i, _ in in_cache}
    read([i for i in range(len(paths)) if i not in results and i not in looked_up], look_up)
    read([i for i in sorted(looked_up) if i not in results], None)  # damaged entries
    found = []
    for i in range(len(paths)):
        outcome = results[i]
        if isinstance(outcome, str):
            rejects.append(Reject(shown[i], outcome))
        else:
            found.append(outcome)
    return found, rejects


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
    words = document_words(text for row in assembly.rows for text in row.cells.values()) | vocabulary_words()
    assembly.rows = [clean_row(row, words, settings.clean) for row in assembly.rows]
    scans = {scan.page: scan for scan in extraction.scans}
    for row in assembly.rows:
        row.doutes.extend(ocr_doubts(row, scans, settings.ocr))
    return assembly


def document_columns(assembly: Assembly, source: Source, commune: str, annee: int | None) -> dict[str, list]:
    """The contract's columns for one document's rows, with their provenance (labels still empty)."""
    strategies = {f.page: f.strategy for f, decision in assembly.decisions if decision != "ignore"}
    n = len(assembly.rows)
    rows = assembly.rows
    columns: dict[str, list] = {
        "commune": [commune] * n,
        "annee": [annee] * n,
        "fichier_source": [source.shown] * n,
        "empreinte_source": [source.sha256] * n,
        "page_debut": [row.page_debut for row in rows],
        "page_fin": [row.page_fin for row in rows],
        "ligne": list(range(1, n + 1)),
        "id_synergie": [synergy_id(commune, row.cells["synergie"]) for row in rows],
        "rubrique": [row.rubrique for row in rows],
        "ligne_source": [row.ligne_source for row in rows],
        **{c: [row.cells[c] for row in rows] for c in CELL_COLUMNS},
        **{c: [""] * n for c in LABEL_COLUMNS},
        "avancement_pct": [None] * n,
        "a_verifier": [bool(row.doutes) for row in rows],
        "motifs_verification": ["|".join(row.doutes) for row in rows],
        "entete_derniere_colonne": [row.entete_derniere_colonne for row in rows],
        "strategie": [strategies.get(row.page_debut, "") for row in rows],
        "domaine": [""] * n,
        "haut_debut": [row.haut for row in rows],
        "bas_fin": [row.bas for row in rows],
        "corrige": [""] * n,
    }
    return {c: columns[c] for c in OUTPUT_COLUMNS}


def document_frame(assembly: Assembly, source: Source, commune: str, annee: int | None) -> pd.DataFrame:
    """The contract's columns for one document's rows, with their provenance."""
    return typed(pd.DataFrame(document_columns(assembly, source, commune, annee), columns=list(OUTPUT_COLUMNS)))


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


# A prepared document's columns as Arrow types: compact, and one table for the whole corpus in one
# concatenation, instead of a Python object per cell for every cached document at once.
_INTEGERS = ("annee", "page_debut", "page_fin", "ligne", "ligne_source", "avancement_pct")
PREPARED_SCHEMA = pa.schema([(c, pa.int64() if c in _INTEGERS else pa.float64() if c in EXTENT_COLUMNS
                              else pa.bool_() if c == "a_verifier" else pa.string()) for c in OUTPUT_COLUMNS])


def arrow_columns(columns: dict[str, list]) -> pa.Table:
    """A document's columns (lists) as an Arrow table of `PREPARED_SCHEMA`; an empty number is a null."""
    def values(field: pa.Field) -> list:
        column = columns[field.name]
        return column if pa.types.is_string(field.type) else [None if v == "" else v for v in column]

    return pa.table([pa.array(values(f), type=f.type) for f in PREPARED_SCHEMA], schema=PREPARED_SCHEMA)


# The labels and domains a document's cells give, found with the document alone and merged after
# the corpus-wide steps (`with_found_labels`), travel beside its columns as columns of their own.
NOTES, EMPTY_NAME, DOMAINE, DOMAINE_MOTIF = "libelles:notes", "libelles:synergie_vide", "domaine:choix", "domaine:motif"


def found_columns(labels: Labels, domaines: list[Choix]) -> dict[str, pa.Array]:
    """A document's labels and domains as Arrow columns, one value per row."""
    values = {f"libelles:{c}": pa.array(v, type=pa.int64() if c == "avancement_pct" else pa.string())
              for c, v in labels.values.items()}
    return {**values, NOTES: pa.array(labels.notes, type=pa.list_(pa.string())),
            EMPTY_NAME: pa.array(labels.empty_name, type=pa.bool_()),
            DOMAINE: pa.array([c.domaine for c in domaines], type=pa.string()),
            DOMAINE_MOTIF: pa.array([c.motif for c in domaines], type=pa.string())}


def found_labels(rows: pa.Table) -> tuple[Labels, list[Choix]]:
    """The labels and domains carried by some prepared rows (`found_columns`)."""
    values = {name.removeprefix("libelles:"): rows[name].to_pylist() for name in rows.column_names
              if name.startswith("libelles:") and name not in (NOTES, EMPTY_NAME)}
    labels = Labels(values, rows[NOTES].to_pylist(), rows[EMPTY_NAME].to_pylist())
    return labels, [Choix(d, m) for d, m in zip(rows[DOMAINE].to_pylist(), rows[DOMAINE_MOTIF].to_pylist())]


@dataclass
class Prepared:
    """One document taken as far as it goes alone: its rows assembled, cleaned and labelled, what
    the duplicate check needs, and its report. Kept in the cache beside its extraction (an Arrow
    stream, its few other fields as JSON in the stream's metadata), so that a run over a cached
    corpus reads neither the documents nor their extractions and only does the corpus-wide steps."""

    reject: str  # why it holds no synergy table; "" when it has rows
    document: Document | None
    report: DocumentReport | None
    # The contract's columns before the corpus-wide steps (`PREPARED_SCHEMA`), then the labels
    # and domains found in them (`found_columns`).
    rows: pa.Table

    def to_bytes(self) -> bytes:
        fields = {"reject": self.reject}
        if not self.reject:
            d, r = self.document, self.report
            fields |= {"document": [d.fichier, d.sha256, d.commune, d.annee, sorted(d.strategies), d.texte, d.scanned],
                       "report": [r.fichier, r.pages, r.lignes, r.avertissements, r.balise, list(r.remarques)]}
        rows = self.rows.replace_schema_metadata({"prepared": json.dumps(fields, ensure_ascii=False)})
        sink = pa.BufferOutputStream()
        # Compressed: smaller, and read back into buffers of its own rather than views of the
        # file's bytes, which would keep every cached file whole in memory for the whole run.
        with pa.ipc.new_stream(sink, rows.schema, options=pa.ipc.IpcWriteOptions(compression="lz4")) as stream:
            stream.write_table(rows)
        return sink.getvalue().to_pybytes()

    @staticmethod
    def from_bytes(data) -> Prepared:
        rows = pa.ipc.open_stream(pa.py_buffer(data)).read_all()
        fields = json.loads(rows.schema.metadata[b"prepared"])
        if fields["reject"]:
            return Prepared(fields["reject"], None, None, rows)
        fichier, sha256, commune, annee, strategies, texte, scanned = fields["document"]
        name, pages, lignes, warnings, balise, remarques = fields["report"]
        return Prepared("", Document(fichier, sha256, commune, annee, frozenset(strategies), texte, scanned),
                        DocumentReport(name, pages, lignes, warnings, balise=balise, remarques=tuple(remarques)),
                        rows.replace_schema_metadata(None))


def prepare(source: Source, extraction: Extraction, settings: Settings, commune: str | None = None,
            annee: int | None = None) -> Prepared:
    """One document's rows assembled, cleaned and labelled (pure)."""
    assembly = synergy_rows(extraction, settings)
    if not assembly.rows:
        return Prepared("aucun tableau de synergies trouvé (aucune ligne d'en-tête reconnue)", None, None,
                        PREPARED_SCHEMA.empty_table())
    found_commune, found_year = identify(Path(source.shown), extraction.title, extraction.metadata_title)
    columns = document_columns(assembly, source, commune or found_commune, annee or found_year)
    frame = typed(pd.DataFrame(columns, columns=list(OUTPUT_COLUMNS)))
    warnings = [f"page {r.page_debut}: {d}" for r in assembly.rows for d in r.doutes]
    document = Document.of(source.shown, source.sha256, frame["commune"].iat[0], annee or found_year, frame,
                           bool(extraction.scans))
    tagged = any(f.strategy == TAGGED for f in extraction.fragments)
    report = DocumentReport(source.shown, extraction.pages, len(frame), warnings, balise=tagged,
                            remarques=extraction.notes)
    found = found_columns(find_labels(frame, settings.normalise), find_domaines(frame, settings.domaine, settings.normalise))
    rows = arrow_columns(columns)
    return Prepared("", document, report, pa.Table.from_arrays([*rows.columns, *found.values()],
                                                               names=[*rows.column_names, *found]))


def assemble_documents(
    extracted: list[tuple[Source, Extraction]], settings: Settings, commune: str | None = None,
    annee: int | None = None, registre: pd.DataFrame | None = None,
) -> Assembled:
    """All documents' rows in one table, one report per commune and year, ids from the registry
    (labels not yet merged: `label_table`)."""
    prepared = [(source, prepare(source, extraction, settings, commune, annee)) for source, extraction in extracted]
    assembled, _ = corpus_table(kept_table(prepared, settings), settings, registre)
    return assembled


@dataclass
class Kept:
    """The prepared documents reduced to one report per commune and year, their rows in one table
    (the labels found in them apart, to merge with `with_found_labels`)."""

    table: pd.DataFrame
    labels: tuple[Labels, list[Choix]] | None
    documents: list[DocumentReport]
    rejects: list[Reject]
    doublons: list[Duplicate]
    conflits: list[list[str]]


def kept_table(prepared: list[tuple[Source, Prepared]], settings: Settings) -> Kept:
    """One report per commune and year, the kept documents' rows in one table, built once from
    their Arrow columns."""
    rejects = [Reject(source.shown, p.reject) for source, p in prepared if p.reject]
    documents = [p for _, p in prepared if not p.reject]
    kept_documents, doublons, conflits = one_report_each([p.document for p in documents], settings.doublons)
    kept_files = {d.fichier for d in kept_documents}
    kept = [p for p in documents if p.document.fichier in kept_files]
    if kept:
        rows = pa.concat_tables([p.rows for p in kept])
        contract = rows.select(list(OUTPUT_COLUMNS))
        table = typed(contract.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get))
        labels = found_labels(rows)
    else:
        table, labels = typed(pd.DataFrame(columns=list(OUTPUT_COLUMNS))), None
    return Kept(table, labels, [p.report for p in kept], rejects, doublons, conflits)


def corpus_table(kept: Kept, settings: Settings, registre: pd.DataFrame | None = None
                 ) -> tuple[Assembled, tuple[Labels, list[Choix]] | None]:
    """The corpus-wide steps over the kept documents' table: conflicts flagged, ids from the
    registry; and the kept rows' labels, to merge with `with_found_labels`."""
    table = flag_conflicts(kept.table, kept.conflits)
    # A synergy keeps the id it was first given, in this run or an earlier one, reworded or not.
    table, registre = registry.assign_ids(table, registry.empty() if registre is None else registre, settings.diff)
    return Assembled(table, kept.documents, kept.rejects, kept.doublons, kept.conflits, registre), kept.labels


def flag_conflicts(table: pd.DataFrame, conflits: list[list[str]]) -> pd.DataFrame:
    """The rows, flagged when another file holds a different report of their commune and year."""
    motif_of = {fichier: "autre rapport pour la même commune et la même année : " + ", ".join(sorted(set(group) - {fichier}))
                for group in conflits for fichier in group}
    if not motif_of:
        return table
    out = table.copy()
    motifs = [motif_of.get(f) for f in out["fichier_source"]]
    out["motifs_verification"] = [m if motif is None else f"{m}|{motif}" if m else motif
                                  for m, motif in zip(out["motifs_verification"], motifs)]
    out["a_verifier"] = out["a_verifier"] | pd.Series([m is not None for m in motifs], index=out.index)
    return out


def normalise_and_validate(table: pd.DataFrame, settings: Settings, corrections: pd.DataFrame | None = None
                           ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Labels, domains and review flags, people's corrections, then the contract's checks
    (corrected values too): the final table, its failures, and the corrections left pending."""
    return corrected_and_validated(label_table(table, settings), corrections)


def corrected_and_validated(labelled: pd.DataFrame, corrections: pd.DataFrame | None
                            ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    corrected, pending = apply_corrections(labelled, empty_corrections() if corrections is None else corrections)
    return (*validate(corrected), pending)


def label_table(table: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """The controlled labels, then each synergy's domain (both add review notes)."""
    return with_found_labels(table, (find_labels(table, settings.normalise),
                                     find_domaines(table, settings.domaine, settings.normalise)))


def with_found_labels(table: pd.DataFrame, found: tuple[Labels, list[Choix]]) -> pd.DataFrame:
    """The labels found in the rows' cells (by document, maybe from the cache) merged into the
    table once the corpus-wide steps have added their notes: the labels' notes come after them."""
    labels, domaines = found
    return with_domaines(with_labels(table, labels), domaines)


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
    prepared, rejects = prepare_documents(inputs, settings, commune, annee, cache, jobs, progress)
    kept = kept_table(prepared, settings)
    del prepared  # a copy of the table's rows: let it go before the corpus-wide steps
    assembled, found = corpus_table(kept, settings, registre)
    labelled = label_table(assembled.table, settings) if found is None else with_found_labels(assembled.table, found)
    table, failures, pending = corrected_and_validated(labelled, corrections)
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
