"""The command line: `synergies run`, `diff`, `debug`, `score`, and `etape ...` for dvc.yaml.

Messages are for the civil servants who run it: one plain line per document, in French, never a
traceback. A user error (bad path, bad params.yaml, a file that is not what the command expects) is
one French line and exit code 2, in every command; click's own words are French too (`francais`).
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

from typing import TYPE_CHECKING

import typer
from rich.console import Console
from typer._click.exceptions import NoArgsIsHelpError, UsageError
from typer.exceptions import Abort

from . import francais, publish
from .discover import why
from .printable import escaped
from .settings import ParamsError, Settings

if TYPE_CHECKING:
    import pandas as pd

# Each command imports what it needs when it runs: `synergies --help` loads neither pandas nor
# the readers, and `run` never loads what only `debug` or `revue` use.

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Rapports de synergies commune–CPAS → tableau propre.",
                  context_settings={"help_option_names": ["--help", "-h"]}, pretty_exceptions_enable=False)
# No markup: file names may hold brackets, which rich would take for styles.
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)

DEFAULT_PARAMS = Path("params.yaml")
PARAMS_OPTION = typer.Option(None, "--params",
                             help="Fichier de paramètres (défaut : params.yaml s'il existe, sinon les valeurs par défaut).")


class UserError(Exception):
    """A mistake of the user's (path, file, parameter): its message is the one line shown, exit 2."""


def say(text: str, **style) -> None:
    """One message on stderr; file names and cell text in it never reach the terminal raw. Rich
    only on a terminal (colours): a log of a corpus run is thousands of plain lines, which rich
    would lay out one by one (a third of a second for 1,000 documents)."""
    if err.is_terminal:
        err.print(escaped(text), **style)
    else:
        sys.stderr.write(escaped(text) + "\n")


def load_settings(params: Optional[Path]) -> Settings:
    """The settings of params.yaml (the default one when present), checked key by key."""
    if params is not None and not params.is_file():
        raise UserError(f"{escaped(str(params))} : fichier de paramètres introuvable")
    return Settings.load(params or DEFAULT_PARAMS)


def _version(show: bool) -> None:
    if show:
        from importlib.metadata import version as installed_version

        print(f"synergies {installed_version('synergies')}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Afficher la version et quitter."),
) -> None:
    """Rapports de synergies commune–CPAS → tableau propre."""
# Tests point it at a temporary file through the environment, so they never extend the project's.
REGISTRY_OPTION = typer.Option(Path("registre/synergies.csv"), "--registre", envvar="SYNERGIES_REGISTRE",
                               help="Registre des synergies connues (identifiants stables d'une exécution à l'autre).")
CORRECTIONS_OPTION = typer.Option(Path("corrections/corrections.csv"), "--corrections",
                                  help="Corrections de la revue, appliquées à chaque exécution.")


@contextmanager
def progress_reporter():
    """A progress bar on a terminal; a plain line per document otherwise (logs, CI)."""
    if not err.is_terminal:
        yield lambda name: say(f"lu : {name}")
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err,
                  transient=True) as bar:
        task = bar.add_task("Lecture des documents", total=None)
        yield lambda name: bar.advance(task)


@app.command()
def run(
    inputs: list[Path] = typer.Argument(..., help="Fichiers ou dossiers (parcourus récursivement)."),
    out: Path = typer.Option(Path("output"), "--out", help="Dossier de sortie (défaut : output)."),
    commune: Optional[str] = typer.Option(None, "--commune", help="Commune, si le document ne la dit pas."),
    annee: Optional[int] = typer.Option(None, "--annee", help="Année du rapport, si le document ne la dit pas."),
    params: Optional[Path] = PARAMS_OPTION,
    jobs: int = typer.Option(os.cpu_count() or 1, "--jobs", "-j", help="Documents lus en parallèle (défaut : tous les cœurs)."),
    cache: Path = typer.Option(Path("interim/cache"), "--cache", help="Cache des documents déjà lus."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Tout relire, sans lire ni écrire le cache."),
    strict: bool = typer.Option(False, "--strict", help="Code de sortie 3 si un contrôle du contrat échoue."),
    registre: Path = REGISTRY_OPTION,
    corrections: Path = CORRECTIONS_OPTION,
) -> None:
    """Extraire les synergies des rapports et écrire synergies.csv / .parquet / .xlsx dans OUT."""
    from .loading import libraries

    with libraries("pipeline.stages"):
        from . import registry
        from .cache import ExtractionCache
        from .corrections import CorrectionsError, read_corrections
        from .duplicates import duplicates_frame
        from .read import OFFICE_READERS, SHEET_READERS
        from .run import run as run_pipeline
        from .stages import write_outputs

    missing = [path for path in inputs if not path.exists()]
    if missing:  # a mistyped path must not replace the previous results by an empty table
        say(f"{missing[0]} : fichier ou dossier introuvable ; rien n'a été écrit.")
        raise typer.Exit(2)
    misplaced = publish.misplaced_out(out, inputs)
    if misplaced:
        say(misplaced)
        raise typer.Exit(2)
    settings = load_settings(params)
    try:
        known = registry.load(registre)
        decisions = read_corrections(corrections)
    except (ValueError, CorrectionsError) as error:
        say(str(error))
        raise typer.Exit(2)
    try:
        with publish.output_lock(out):
            with progress_reporter() as progress:
                result = run_pipeline(inputs, settings, commune, annee,
                                      None if no_cache else ExtractionCache(cache), max(1, jobs), progress, known, decisions)
            if not result.documents and not result.rejects:
                say(f"Aucun document (.pdf, .docx, .odt, .xlsx, .ods) dans {', '.join(map(str, inputs))} : "
                    f"rien n'a été écrit dans {out}.")
                raise typer.Exit(1)
            # A run that read nothing never replaces earlier results; with none yet, its rejects are written.
            kept = not result.documents and (out / "synergies.csv").exists()
            if not kept:
                write_outputs(result.table, result.rejects, result.failures, out, settings, corrections,
                              doublons=duplicates_frame(result.doublons), pending=result.pending, jobs=jobs)
                registry.save(result.registre, registre)
    except publish.OutputBusy as busy:
        say(str(busy))
        raise typer.Exit(2)
    except KeyboardInterrupt:
        say(f"Interrompu : les résultats précédents de {out} sont restés tels quels.")
        raise typer.Exit(130)
    except OSError as error:
        say(f"{out} : impossible d'écrire les résultats ({why(error)})")
        raise typer.Exit(2)
    for reject in result.rejects:
        say(f"REJETÉ {reject.fichier} : {reject.raison}", style="red")
    for doc in result.documents:
        suffix = Path(doc.fichier).suffix.lower()
        unit = "tableaux" if suffix in OFFICE_READERS else "feuilles" if suffix in SHEET_READERS else "pages"
        unit += " (structure balisée)" if doc.balise else ""
        # One message a document, its warnings included: a corpus has thousands of lines to show.
        say("\n".join([f"{doc.fichier} : {doc.lignes} lignes, {doc.pages} {unit}, {len(doc.avertissements)} "
                       f"avertissement(s), {doc.a_verifier} ligne(s) à vérifier, {doc.echecs} contrôle(s) échoué(s)"
                       + "".join(f", {remark}" for remark in doc.remarques),
                       *(f"    - {warning}" for warning in doc.avertissements)]))
    for doublon in result.doublons:
        say(f"DOUBLON {doublon.fichier} : {doublon.raison} ({doublon.fichier_garde})")
    for group in result.conflits:
        say("ATTENTION : rapports différents pour la même commune et la même année, tous gardés "
                  "et marqués à vérifier : " + ", ".join(group))
    report_corrections(result.table, result.pending, corrections, out)
    if kept:
        say(f"Aucun document lisible : les résultats précédents de {out} sont restés tels quels.")
        raise typer.Exit(1)
    say(f"Total : {len(result.table)} lignes de {len(result.documents)} document(s) dans {out}/synergies.csv "
              f"(pour Excel : {out}/synergies.xlsx)"
              + (f" ; {len(result.rejects)} rejeté(s), voir {out}/rejects.csv" if result.rejects else "")
              + (f" ; {len(result.doublons)} doublon(s) écarté(s), voir {out}/doublons.csv" if result.doublons else "")
              + (f" ; {len(result.failures)} contrôle(s) échoué(s), voir {out}/validation_report.md"
                 if len(result.failures) else ""))
    if result.rejects:
        raise typer.Exit(1)
    if strict and len(result.failures):
        raise typer.Exit(3)


def report_corrections(table: pd.DataFrame, pending: pd.DataFrame, corrections: Path, out: Path) -> None:
    """The review's share of the run: rows a person corrected or confirmed, decisions left pending."""
    corrected = int((table["corrige"] != "").sum())
    if corrected or len(pending):
        say(f"Corrections ({corrections}) : {corrected} ligne(s) corrigée(s) ou confirmée(s), "
                  f"{len(pending)} correction(s) en attente" + (f", voir {out}/corrections_en_attente.csv" if len(pending) else ""))
    for line in pending.itertuples(index=False):
        say(f"    - en attente : {line.commune} {line.annee} {line.id_synergie} {line.colonne} : {line.raison}")


etape = typer.Typer(help="Étapes séparées du pipeline, appelées par dvc.yaml.")
app.add_typer(etape, name="etape")


@etape.command("extract")
def etape_extract(inputs: list[Path], interim: Path = typer.Option(Path("interim"), "--interim"),
                  params: Optional[Path] = PARAMS_OPTION,
                  jobs: int = typer.Option(os.cpu_count() or 1, "--jobs", "-j")) -> None:
    """Lire les documents (cache par document) et écrire interim/extraits.json."""
    from . import stages

    stages.stage_extract(inputs, interim, load_settings(params), max(1, jobs))


@etape.command("assemble")
def etape_assemble(interim: Path = typer.Option(Path("interim"), "--interim"), params: Optional[Path] = PARAMS_OPTION,
                   registre: Path = REGISTRY_OPTION) -> None:
    """Des fragments aux lignes : interim/lignes.parquet, rejets.csv, doublons.csv ; registre étendu."""
    from . import stages

    stages.stage_assemble(interim, load_settings(params), registre)


@etape.command("normalise")
def etape_normalise(interim: Path = typer.Option(Path("interim"), "--interim"), params: Optional[Path] = PARAMS_OPTION) -> None:
    """Libellés normalisés et motifs de vérification : interim/normalisees.parquet."""
    from . import stages

    stages.stage_normalise(interim, load_settings(params))


@etape.command("corrections")
def etape_corrections(interim: Path = typer.Option(Path("interim"), "--interim"),
                      corrections: Path = CORRECTIONS_OPTION) -> None:
    """Appliquer les corrections de la revue : interim/corrigees.parquet et interim/corrections_en_attente.csv."""
    from . import stages
    from .corrections import CorrectionsError

    try:
        stages.stage_corrections(interim, corrections)
    except CorrectionsError as error:
        say(str(error))
        raise typer.Exit(2)


@etape.command("validate")
def etape_validate(interim: Path = typer.Option(Path("interim"), "--interim")) -> None:
    """Contrôles du contrat (pandera) : interim/validees.parquet et interim/echecs.parquet."""
    from . import stages

    stages.stage_validate(interim)


@etape.command("export")
def etape_export(interim: Path = typer.Option(Path("interim"), "--interim"),
                 out: Path = typer.Option(Path("output"), "--out"), params: Optional[Path] = PARAMS_OPTION) -> None:
    """Écrire output/synergies.csv, synergies.parquet, synergies.duckdb, rejects.csv et validation_report.*."""
    from . import stages

    stages.stage_export(interim, out, load_settings(params))


@etape.command("evolution")
def etape_evolution(out: Path = typer.Option(Path("output"), "--out"), params: Optional[Path] = PARAMS_OPTION) -> None:
    """Comparer les années successives de chaque commune : output/evolution.csv, .md, .html."""
    from . import stages

    stages.stage_evolution(out, load_settings(params))


@app.command()
def diff(
    old: Path = typer.Argument(..., help="Sortie de l'année précédente : synergies.csv, .parquet ou son dossier."),
    new: Path = typer.Argument(..., help="Sortie de l'année suivante."),
    out: Path = typer.Option(..., "--out", help="CSV des changements ; rapports .md et .html écrits à côté."),
    params: Optional[Path] = PARAMS_OPTION,
) -> None:
    """Ce qui a changé d'une année à l'autre : synergies ajoutées, supprimées, modifiées."""
    from .loading import libraries

    with libraries("pipeline.diff_report"):
        from .diff import diff_tables, load_run_output
        from .diff_report import change_counts, write_diff  # not stages: it imports every stage's libraries

    settings = load_settings(params)
    try:
        changes = diff_tables(load_run_output(old), load_run_output(new), settings.diff)
    except ValueError as error:
        say(str(error))
        raise typer.Exit(2)
    write_diff(changes, out)
    counts = ", ".join(f"{n} {kind}" for kind, n in change_counts(changes).items())
    say(f"{out} : {counts or 'aucune synergie'} ; rapports {out.with_suffix('.md')} et {out.with_suffix('.html')}")


@app.command()
def apercu(
    out: Path = typer.Option(Path("output"), "--out", help="Dossier où écrire le site (dans OUT/apercu/)."),
    depuis: Path = typer.Option(Path("output"), "--depuis", help="Sortie de `synergies run` à montrer."),
    params: Optional[Path] = PARAMS_OPTION,
) -> None:
    """Écrire un site à ouvrir dans un navigateur : communes, années, domaines, toutes les synergies."""
    from . import stages

    try:
        site = stages.stage_apercu(depuis, out, load_settings(params))
    except ValueError as error:
        say(str(error))
        raise typer.Exit(2)
    except OSError as error:
        say(f"{out} : impossible d'écrire le site ({error.strerror or error})")
        raise typer.Exit(2)
    say(f"Aperçu écrit dans {site}/ : ouvrir {site / 'index.html'} dans un navigateur.")


@app.command()
def debug(
    file: Path = typer.Argument(..., help="Le PDF à examiner."),
    page: int = typer.Option(..., "--page", help="Numéro de page (à partir de 1)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Image PNG à écrire (défaut : debug/FICHIER_pN.png)."),
    scale: float = typer.Option(1.5, "--scale", help="Agrandissement du rendu."),
    params: Optional[Path] = PARAMS_OPTION,
) -> None:
    """Dessiner ce qui a été détecté sur une page : cellules, lignes, en-têtes ignorées, fusions."""
    from . import export
    from .assemble import assemble
    from .debug import draw_detection, render_page
    from .extract import extract_fragments
    from .read import DocumentError
    from .read.pdf import read_pdf

    settings = load_settings(params)
    try:
        document = read_pdf(file, settings.extract)
    except DocumentError as error:
        say(f"{file} : {error}")
        raise typer.Exit(2)
    if not 1 <= page <= len(document.pages):
        say(f"{file} : la page {page} n'existe pas (le document a {len(document.pages)} pages).")
        raise typer.Exit(2)
    assembly = assemble(extract_fragments(document.pages, settings.extract), settings)
    picture = draw_detection(render_page(file, page, scale), document.pages[page - 1], assembly, scale)
    target = out or Path("debug") / f"{file.stem}_p{page}.png"
    export.write_atomic(target, lambda tmp: picture.save(tmp, format="PNG"))
    counts = {d: sum(1 for f, x in assembly.decisions if f.page == page and x == d) for d in ("ligne", "suite", "entete", "ignore")}
    say(f"{target} : {counts['ligne']} ligne(s), {counts['suite']} suite(s) fusionnée(s), "
              f"{counts['entete']} en-tête(s) ignorée(s), {counts['ignore']} fragment(s) ignoré(s)")


@app.command()
def revue(
    out: Optional[Path] = typer.Option(None, "--out", help="Dossier où écrire revue.xlsx et les images des lignes."),
    depuis: Path = typer.Option(Path("output"), "--depuis",
                                help="Sortie de `synergies run` à revoir : son dossier, synergies.parquet ou .csv."),
    tout: bool = typer.Option(False, "--tout", help="Toutes les lignes, pas seulement celles à vérifier."),
    importer: Optional[Path] = typer.Option(None, "--importer", help="Classeur de revue rempli : ses décisions "
                                            "sont ajoutées au fichier de corrections."),
    propositions: bool = typer.Option(False, "--propositions",
                                      help="Synonymes à ajouter au vocabulaire, d'après les corrections répétées."),
    corrections: Path = CORRECTIONS_OPTION,
    params: Optional[Path] = PARAMS_OPTION,
) -> None:
    """Revoir les lignes à vérifier dans Excel et garder les décisions d'une exécution à l'autre."""
    from datetime import date

    from . import export
    from .corrections import CorrectionsError, append_corrections, read_corrections
    from .diff import load_run_output
    from .normalise import vocabulaire
    from .propositions import propositions as find_propositions, propositions_yaml
    from .revue import WORKBOOK, IMAGES, RevueError, export_review, read_review

    settings = load_settings(params)
    try:
        if importer is not None:
            lines, notes = read_review(importer, vocabulaire(), date.today())
            added = append_corrections(corrections, lines)
            for note in notes:
                say(f"{importer} : {note}")
            say(f"{corrections} : {added} décision(s) ajoutée(s)"
                      + (f", {len(lines) - added} déjà enregistrée(s)" if len(lines) > added else "")
                      + " ; elles s'appliquent à la prochaine exécution de `synergies run`.")
            return
        table = load_run_output(depuis)
        if propositions:
            found = find_propositions(read_corrections(corrections), table, vocabulaire(), settings.normalise,
                                      settings.revue.min_proposals)
            text = propositions_yaml(found, corrections.as_posix())
            if out is not None:
                export.write_text(text, out / "propositions_vocabulaire.yaml")
            print(text, end="")
            say(f"{len(found)} synonyme(s) proposé(s)"
                      + (f", écrits dans {out}/propositions_vocabulaire.yaml" if out is not None else ""))
            return
        if out is None:
            say("Indiquez --out DOSSIER pour écrire le classeur de revue (ou --importer FICHIER, ou --propositions).")
            raise typer.Exit(2)
        lines, pictures = export_review(table, out, settings.revue, vocabulaire(), tout)
    except (RevueError, CorrectionsError, ValueError) as error:
        say(str(error))
        raise typer.Exit(2)
    except OSError as error:
        say(f"{error.filename or out} : écriture impossible ({error.strerror or error})")
        raise typer.Exit(2)
    say(f"{out / WORKBOOK} : {lines} ligne(s) " + ("" if tout else "à vérifier ")
              + f"; {pictures} image(s) de la source dans {out / IMAGES}/")


@app.command()
def score(
    output: Path = typer.Argument(..., help="synergies.csv produit par `run`."),
    reference: Path = typer.Argument(..., help="CSV de référence (mêmes colonnes de cellules)."),
    fichier: Optional[str] = typer.Option(None, "--fichier", help="Ne garder que les lignes de ce fichier source."),
) -> None:
    """Comparer une sortie à une référence, cellule par cellule."""
    from .score import score as score_tables

    table = _read_cells(output, ("fichier_source",))
    if fichier:
        table = table[table["fichier_source"] == fichier]
    result = score_tables(table, _read_cells(reference, ()))
    print(result.summary())
    for ligne, column, want, got in result.mismatches:
        print(f"  ligne {ligne} {column}\n    attendu : {want}\n    obtenu  : {got}")


def _read_cells(path: Path, extra: tuple[str, ...]) -> pd.DataFrame:
    """A CSV holding the six cell columns (and `extra`), or a UserError saying what is wrong."""
    import pandas as pd

    from .model import CELL_COLUMNS

    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (ValueError, UnicodeDecodeError) as error:  # pandas' parser errors are ValueErrors
        raise UserError(f"{escaped(str(path))} : ce n'est pas un fichier CSV lisible (attendu : un synergies.csv ou une référence)") from None
    missing = [c for c in (*CELL_COLUMNS, *extra) if c not in table.columns]
    if missing:
        raise UserError(f"{escaped(str(path))} : colonnes manquantes : {', '.join(missing)}")
    return table


def main(args: list[str] | None = None) -> None:
    """The program: click's parsing and errors in French, and no traceback for a user error."""
    # Arrow (pandas' text columns) on the C allocator numpy and Python's large blocks use: the
    # memory one step frees serves the next, instead of each allocator keeping its own peak.
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    francais.install()
    command = typer.main.get_command(app)
    try:
        code = command.main(args=args, prog_name="synergies", standalone_mode=False)
    except NoArgsIsHelpError as error:
        print(error.ctx.get_help())
        code = 0
    except UsageError as error:
        say(francais.usage_error(error))
        code = 2
    except (UserError, ParamsError) as error:
        say(str(error))
        code = 2
    except OSError as error:
        say(f"{error.filename or ''} : {why(error)}" if error.filename else why(error))
        code = 2
    except (KeyboardInterrupt, Abort):
        say("Interrompu.")
        code = 130
    sys.exit(code or 0)


if __name__ == "__main__":
    main()
