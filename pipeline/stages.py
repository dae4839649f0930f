"""The DVC driver: each stage of dvc.yaml reads its inputs from interim/, calls the same functions
as `synergies run`, and writes its outputs atomically. One code path, two drivers.

    extract    raw/ -> interim/cache/ (per document) + interim/extraits.json
    assemble   -> interim/lignes.parquet + interim/rejets.csv + interim/doublons.csv, and
                  registre/synergies.csv extended (ids that hold across runs)
    normalise  -> interim/normalisees.parquet
    corrections (+ corrections/corrections.csv) -> interim/corrigees.parquet + interim/corrections_en_attente.csv
    validate   -> interim/validees.parquet + interim/echecs.parquet
    export     -> output/synergies.csv, synergies.parquet, synergies.xlsx, synergies.duckdb,
                  rejects.csv, doublons.csv, validation_report.csv/.md, corrections_en_attente.csv,
                  as one set (pipeline/publish.py)
    evolution  -> output/evolution.csv, .md, .html (each commune's consecutive years)
    apercu     -> output/apercu/ (the static overview site)
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from . import export, publish, registry
from .cache import ExtractionCache, extraction_key
from .diff import load_run_output, typed_diff, year_over_year
from .corrections import DEFAULT_FILE, apply_corrections, empty_pending, read_corrections
from .duckdb_export import NOM as DUCKDB, corrections_table, write_duckdb
from .duplicates import duplicates_frame
from .excel import write_xlsx
from .run import Reject, Source, assemble_documents, extract_documents, label_table
from .settings import Settings
from .validate import report_markdown, validate

MANIFEST = "extraits.json"
ROWS = "lignes.parquet"
REJECTS = "rejets.csv"
DUPLICATES = "doublons.csv"
NORMALISED = "normalisees.parquet"
CORRECTED = "corrigees.parquet"
PENDING = "corrections_en_attente.csv"
VALIDATED = "validees.parquet"
FAILURES = "echecs.parquet"
# Reviewers' corrections (`synergies revue`), put into the DuckDB file when present.
CORRECTIONS = DEFAULT_FILE


def _rejects_frame(rejects: list[Reject]) -> pd.DataFrame:
    return pd.DataFrame([(r.fichier, r.raison) for r in rejects], columns=["fichier", "raison"])


def _read_rejects(path: Path) -> list[Reject]:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return [Reject(f, r) for f, r in zip(frame["fichier"], frame["raison"])]


def write_frame(frame: pd.DataFrame, target: Path) -> None:
    export.write_atomic(target, lambda tmp: frame.to_parquet(tmp, index=False))


def stage_extract(inputs: list[Path], interim: Path, settings: Settings, jobs: int) -> None:
    cache = ExtractionCache(interim / "cache")
    extracted, rejects = extract_documents(inputs, settings, cache, jobs)
    manifest = {
        "cle": extraction_key(settings),
        "documents": [{"chemin": str(s.path), "fichier": s.shown, "empreinte": s.sha256} for s, _ in extracted],
        "rejets": [{"fichier": r.fichier, "raison": r.raison} for r in rejects],
    }
    export.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), interim / MANIFEST)


def stage_assemble(interim: Path, settings: Settings, registre: Path) -> None:
    manifest = json.loads((interim / MANIFEST).read_text(encoding="utf-8"))
    cache = ExtractionCache(interim / "cache")
    extracted = []
    for doc in manifest["documents"]:
        extraction = cache.get(doc["empreinte"], manifest["cle"])
        if extraction is None:
            raise SystemExit(f"{doc['fichier']} : extraction absente du cache, relancez l'étape extract")
        extracted.append((Source(Path(doc["chemin"]), doc["fichier"], doc["empreinte"]), extraction))
    assembled = assemble_documents(extracted, settings, registre=registry.load(registre))
    rejects = [Reject(r["fichier"], r["raison"]) for r in manifest["rejets"]] + assembled.rejects
    write_frame(assembled.table, interim / ROWS)
    export.write_csv(_rejects_frame(rejects), interim / REJECTS)
    export.write_csv(duplicates_frame(assembled.doublons), interim / DUPLICATES)
    registry.save(assembled.registre, registre)


def stage_normalise(interim: Path, settings: Settings) -> None:
    write_frame(label_table(pd.read_parquet(interim / ROWS), settings), interim / NORMALISED)


def stage_corrections(interim: Path, corrections: Path) -> None:
    table, pending = apply_corrections(pd.read_parquet(interim / NORMALISED), read_corrections(corrections))
    write_frame(table, interim / CORRECTED)
    export.write_csv(pending, interim / PENDING)


def stage_validate(interim: Path) -> None:
    table, failures = validate(pd.read_parquet(interim / CORRECTED))
    write_frame(table, interim / VALIDATED)
    write_frame(failures, interim / FAILURES)


def stage_export(interim: Path, out: Path, settings: Settings) -> None:
    with publish.output_lock(out):
        write_outputs(pd.read_parquet(interim / VALIDATED), _read_rejects(interim / REJECTS),
                      pd.read_parquet(interim / FAILURES), out, settings,
                      doublons=pd.read_csv(interim / DUPLICATES, dtype=str, keep_default_na=False),
                      pending=pd.read_csv(interim / PENDING, dtype=str, keep_default_na=False))


def write_outputs(table: pd.DataFrame, rejects: list[Reject], failures: pd.DataFrame, out: Path,
                  settings: Settings = Settings(), corrections: Path = CORRECTIONS,
                  doublons: pd.DataFrame | None = None, pending: pd.DataFrame | None = None,
                  jobs: int = 1) -> None:
    """All of a run's files, swapped into `out` together (the caller holds `out`'s lock). With
    `jobs` > 1 the workbook is written on a second thread, beside the other files: rust_xlsxwriter
    does most of its work without holding the interpreter."""
    rejets = _rejects_frame(rejects)
    with publish.output_set(out) as folder, ThreadPoolExecutor(max_workers=1) as side:
        def workbook() -> None:
            write_xlsx(table, rejets, folder / "synergies.xlsx")

        book = side.submit(workbook) if jobs > 1 else None
        export.write_csv(duplicates_frame([]) if doublons is None else doublons, folder / "doublons.csv")
        export.write_csv(table, folder / "synergies.csv")
        export.write_parquet(table, folder / "synergies.parquet")
        export.write_csv(rejets, folder / "rejects.csv")
        export.write_csv(failures, folder / "validation_report.csv")
        export.write_text(report_markdown(failures), folder / "validation_report.md")
        export.write_csv(empty_pending() if pending is None else pending, folder / PENDING)
        write_duckdb(folder / DUCKDB, table, rejets, _evolution(table, settings),
                     corrections_table(corrections))
        if book:
            book.result()
        else:
            workbook()


def _evolution(table: pd.DataFrame, settings: Settings) -> pd.DataFrame | None:
    """Each commune's consecutive years compared, when some commune has two years or more."""
    years = table.dropna(subset=["annee"]).groupby("commune")["annee"].nunique()
    return year_over_year(table, settings.diff) if len(years) and years.max() >= 2 else None


def stage_apercu(depuis: Path, out: Path, settings: Settings) -> Path:
    """The overview site of a run's output folder: its synergies, and its evolution.csv when the
    DVC stage wrote one (otherwise the years are compared here, as `evolution` would)."""
    from .apercu import write_site  # jinja2, not loaded by `run` (start-up)

    table = load_run_output(depuis)
    evolution = depuis / "evolution.csv"
    if evolution.is_file():
        changes = typed_diff(pd.read_csv(evolution, dtype=str, keep_default_na=False).replace("", None))
    else:
        changes = _evolution(table, settings)
    return write_site(table, changes if changes is not None else pd.DataFrame(), out)


def stage_evolution(out: Path, settings: Settings) -> None:
    from .diff_report import write_diff  # not loaded by `run` (start-up)

    write_diff(year_over_year(pd.read_parquet(out / "synergies.parquet"), settings.diff), out / "evolution.csv")
