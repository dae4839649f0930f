"""The command line: `synergies run`, `diff`, `debug`, `score`, and `etape ...` for dvc.yaml.

Messages are for the civil servants who run it: one plain line per document, in French, never a
traceback.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from . import export, publish, registry, stages
from .duplicates import duplicates_frame
from .assemble import assemble
from .cache import ExtractionCache
from .extract import extract_fragments
from .read import OFFICE_READERS, SHEET_READERS, DocumentError
from .read.pdf import read_pdf
from .run import run as run_pipeline
from .settings import Settings
from .stages import write_outputs

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Rapports de synergies commune–CPAS → tableau propre.")
# No markup: file names may hold brackets, which rich would take for styles.
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)

PARAMS_OPTION = typer.Option(Path("params.yaml"), "--params", help="Fichier de paramètres (défauts si absent).")
# Tests point it at a temporary file through the environment, so they never extend the project's.
REGISTRY_OPTION = typer.Option(Path("registre/synergies.csv"), "--registre", envvar="SYNERGIES_REGISTRE",
                               help="Registre des synergies connues (identifiants stables d'une exécution à l'autre).")


@contextmanager
def progress_reporter():
    """A progress bar on a terminal; a plain line per document otherwise (logs, CI)."""
    if not err.is_terminal:
        yield lambda name: err.print(f"lu : {name}")
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err,
                  transient=True) as bar:
        task = bar.add_task("Lecture des documents", total=None)
        yield lambda name: bar.advance(task)


@app.command()
def run(
    inputs: list[Path] = typer.Argument(..., help="Fichiers ou dossiers (parcourus récursivement)."),
    out: Path = typer.Option(..., "--out", help="Dossier de sortie."),
    commune: Optional[str] = typer.Option(None, "--commune", help="Commune, si le document ne la dit pas."),
    annee: Optional[int] = typer.Option(None, "--annee", help="Année du rapport, si le document ne la dit pas."),
    params: Path = PARAMS_OPTION,
    jobs: int = typer.Option(os.cpu_count() or 1, "--jobs", "-j", help="Documents lus en parallèle (défaut : tous les cœurs)."),
    cache: Path = typer.Option(Path("interim/cache"), "--cache", help="Cache des documents déjà lus."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Tout relire, sans lire ni écrire le cache."),
    strict: bool = typer.Option(False, "--strict", help="Code de sortie 3 si un contrôle du contrat échoue."),
    registre: Path = REGISTRY_OPTION,
) -> None:
    """Extraire les synergies des rapports et écrire synergies.csv / .parquet / .xlsx dans OUT."""
    missing = [path for path in inputs if not path.exists()]
    if missing:  # a mistyped path must not replace the previous results by an empty table
        err.print(f"{missing[0]} : fichier ou dossier introuvable ; rien n'a été écrit.")
        raise typer.Exit(2)
    misplaced = publish.misplaced_out(out, inputs)
    if misplaced:
        err.print(misplaced)
        raise typer.Exit(2)
    settings = Settings.load(params)
    try:
        known = registry.load(registre)
    except ValueError as error:
        err.print(str(error))
        raise typer.Exit(2)
    try:
        with publish.output_lock(out):
            with progress_reporter() as progress:
                result = run_pipeline(inputs, settings, commune, annee,
                                      None if no_cache else ExtractionCache(cache), max(1, jobs), progress, known)
            # A run that read nothing never replaces earlier results; with none yet, its rejects are written.
            kept = not result.documents and (out / "synergies.csv").exists()
            if not kept:
                write_outputs(result.table, result.rejects, result.failures, out, settings,
                              doublons=duplicates_frame(result.doublons))
                registry.save(result.registre, registre)
    except publish.OutputBusy as busy:
        err.print(str(busy))
        raise typer.Exit(2)
    except KeyboardInterrupt:
        err.print(f"Interrompu : les résultats précédents de {out} sont restés tels quels.")
        raise typer.Exit(130)
    except OSError as error:
        err.print(f"{out} : impossible d'écrire les résultats ({error.strerror or error})")
        raise typer.Exit(2)
    for reject in result.rejects:
        err.print(f"REJETÉ {reject.fichier} : {reject.raison}", style="red")
    for doc in result.documents:
        suffix = Path(doc.fichier).suffix.lower()
        unit = "tableaux" if suffix in OFFICE_READERS else "feuilles" if suffix in SHEET_READERS else "pages"
        unit += " (structure balisée)" if doc.balise else ""
        err.print(f"{doc.fichier} : {doc.lignes} lignes, {doc.pages} {unit}, {len(doc.avertissements)} avertissement(s), "
                  f"{doc.a_verifier} ligne(s) à vérifier, {doc.echecs} contrôle(s) échoué(s)"
                  + "".join(f", {remark}" for remark in doc.remarques))
        for warning in doc.avertissements:
            err.print(f"    - {warning}")
    for doublon in result.doublons:
        err.print(f"DOUBLON {doublon.fichier} : {doublon.raison} ({doublon.fichier_garde})")
    for group in result.conflits:
        err.print("ATTENTION : rapports différents pour la même commune et la même année, tous gardés "
                  "et marqués à vérifier : " + ", ".join(group))
    if kept:
        err.print(f"Aucun document lisible : les résultats précédents de {out} sont restés tels quels.")
        raise typer.Exit(1)
    err.print(f"Total : {len(result.table)} lignes de {len(result.documents)} document(s) dans {out}/synergies.csv "
              f"(pour Excel : {out}/synergies.xlsx)"
              + (f" ; {len(result.rejects)} rejeté(s), voir {out}/rejects.csv" if result.rejects else "")
              + (f" ; {len(result.doublons)} doublon(s) écarté(s), voir {out}/doublons.csv" if result.doublons else "")
              + (f" ; {len(result.failures)} contrôle(s) échoué(s), voir {out}/validation_report.md"
                 if len(result.failures) else ""))
    if result.rejects:
        raise typer.Exit(1)
    if strict and len(result.failures):
        raise typer.Exit(3)


etape = typer.Typer(help="Étapes séparées du pipeline, appelées par dvc.yaml.")
app.add_typer(etape, name="etape")


@etape.command("extract")
def etape_extract(inputs: list[Path], interim: Path = typer.Option(Path("interim"), "--interim"),
                  params: Path = PARAMS_OPTION,
                  jobs: int = typer.Option(os.cpu_count() or 1, "--jobs", "-j")) -> None:
    """Lire les documents (cache par document) et écrire interim/extraits.json."""
    stages.stage_extract(inputs, interim, Settings.load(params), max(1, jobs))


@etape.command("assemble")
def etape_assemble(interim: Path = typer.Option(Path("interim"), "--interim"), params: Path = PARAMS_OPTION,
                   registre: Path = REGISTRY_OPTION) -> None:
    """Des fragments aux lignes : interim/lignes.parquet, rejets.csv, doublons.csv ; registre étendu."""
    stages.stage_assemble(interim, Settings.load(params), registre)


@etape.command("normalise")
def etape_normalise(interim: Path = typer.Option(Path("interim"), "--interim"), params: Path = PARAMS_OPTION) -> None:
    """Libellés normalisés et motifs de vérification : interim/normalisees.parquet."""
    stages.stage_normalise(interim, Settings.load(params))


@etape.command("validate")
def etape_validate(interim: Path = typer.Option(Path("interim"), "--interim")) -> None:
    """Contrôles du contrat (pandera) : interim/validees.parquet et interim/echecs.parquet."""
    stages.stage_validate(interim)


@etape.command("export")
def etape_export(interim: Path = typer.Option(Path("interim"), "--interim"),
                 out: Path = typer.Option(Path("output"), "--out"), params: Path = PARAMS_OPTION) -> None:
    """Écrire output/synergies.csv, synergies.parquet, synergies.duckdb, rejects.csv et validation_report.*."""
    stages.stage_export(interim, out, Settings.load(params))


@etape.command("evolution")
def etape_evolution(out: Path = typer.Option(Path("output"), "--out"), params: Path = PARAMS_OPTION) -> None:
    """Comparer les années successives de chaque commune : output/evolution.csv, .md, .html."""
    stages.stage_evolution(out, Settings.load(params))


@app.command()
def diff(
    old: Path = typer.Argument(..., help="Sortie de l'année précédente : synergies.csv, .parquet ou son dossier."),
    new: Path = typer.Argument(..., help="Sortie de l'année suivante."),
    out: Path = typer.Option(..., "--out", help="CSV des changements ; rapports .md et .html écrits à côté."),
    params: Path = PARAMS_OPTION,
) -> None:
    """Ce qui a changé d'une année à l'autre : synergies ajoutées, supprimées, modifiées."""
    from .diff import diff_tables, load_run_output
    from .diff_report import change_counts

    settings = Settings.load(params)
    try:
        changes = diff_tables(load_run_output(old), load_run_output(new), settings.diff)
    except ValueError as error:
        err.print(str(error))
        raise typer.Exit(2)
    stages.write_diff(changes, out)
    counts = ", ".join(f"{n} {kind}" for kind, n in change_counts(changes).items())
    err.print(f"{out} : {counts or 'aucune synergie'} ; rapports {out.with_suffix('.md')} et {out.with_suffix('.html')}")


@app.command()
def debug(
    file: Path = typer.Argument(..., help="Le PDF à examiner."),
    page: int = typer.Option(..., "--page", help="Numéro de page (à partir de 1)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Image PNG à écrire (défaut : debug/FICHIER_pN.png)."),
    scale: float = typer.Option(1.5, "--scale", help="Agrandissement du rendu."),
    params: Path = PARAMS_OPTION,
) -> None:
    """Dessiner ce qui a été détecté sur une page : cellules, lignes, en-têtes ignorées, fusions."""
    from .debug import draw_detection, render_page

    settings = Settings.load(params)
    try:
        document = read_pdf(file, settings.extract)
    except (DocumentError, OSError) as error:
        err.print(f"{file} : {error}")
        raise typer.Exit(1)
    if not 1 <= page <= len(document.pages):
        err.print(f"{file} : la page {page} n'existe pas (le document a {len(document.pages)} pages).")
        raise typer.Exit(2)
    assembly = assemble(extract_fragments(document.pages, settings.extract), settings)
    picture = draw_detection(render_page(file, page, scale), document.pages[page - 1], assembly, scale)
    target = out or Path("debug") / f"{file.stem}_p{page}.png"
    export.write_atomic(target, lambda tmp: picture.save(tmp, format="PNG"))
    counts = {d: sum(1 for f, x in assembly.decisions if f.page == page and x == d) for d in ("ligne", "suite", "entete", "ignore")}
    err.print(f"{target} : {counts['ligne']} ligne(s), {counts['suite']} suite(s) fusionnée(s), "
              f"{counts['entete']} en-tête(s) ignorée(s), {counts['ignore']} fragment(s) ignoré(s)")


@app.command()
def score(
    output: Path = typer.Argument(..., help="synergies.csv produit par `run`."),
    reference: Path = typer.Argument(..., help="CSV de référence (mêmes colonnes de cellules)."),
    fichier: Optional[str] = typer.Option(None, "--fichier", help="Ne garder que les lignes de ce fichier source."),
) -> None:
    """Comparer une sortie à une référence, cellule par cellule."""
    from .score import score as score_tables

    table = pd.read_csv(output, dtype=str, keep_default_na=False)
    if fichier:
        table = table[table["fichier_source"] == fichier]
    result = score_tables(table, pd.read_csv(reference, dtype=str, keep_default_na=False))
    print(result.summary())
    for ligne, column, want, got in result.mismatches:
        print(f"  ligne {ligne} {column}\n    attendu : {want}\n    obtenu  : {got}")


def main() -> None:
    app(prog_name="synergies")


if __name__ == "__main__":
    sys.exit(main())
