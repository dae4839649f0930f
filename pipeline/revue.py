"""revue: the workbook a person reviews rows in, and the decisions read back from it.

`synergies revue --out DIR` works from an existing run's output (`--depuis`, default `output`):
the reviewer checks what was published, and the documents are not read again. It writes
DIR/revue.xlsx (openpyxl) with, on the sheet « À vérifier », one line per row flagged `a_verifier`
(every row with `--tout`): the reasons, a picture of the row cut from its PDF page (the full-size
PNG beside the workbook, in DIR/revue_images/, linked), the labels as drop-down lists of the
vocabulary's values, a « Confirmé » decision, a comment, the six cells (a wrong text is corrected
in its cell) and the row's provenance. Header frozen, filters on.

Two hidden sheets: « listes » holds the drop-downs' values; « origine » holds, for each line's
reference (« Réf. »), the row's key and the values as exported. `read_review` compares the
reviewer's cells with it, so only what the person changed becomes a correction, in whatever
order they sorted or filtered the lines.
"""

from __future__ import annotations

import hashlib
import io
import itertools
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import pypdfium2 as pdfium
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.drawing.image import Image as SheetImage
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from PIL import Image

from . import export
from .corrections import CONFIRMATION, CONFIRMED, COLUMNS, EDITABLE, cells_fingerprint, text_value
from .domaine import domaines
from .model import CELL_COLUMNS, EXTENT_COLUMNS, STRUCTURED_STRATEGIES
from .normalise import Vocabulaire
from .settings import RevueSettings
from .vignettes import page_heights, render_bands, row_bands
from .vocabulary import fold

WORKBOOK = "revue.xlsx"
IMAGES = "revue_images"
SHEET = "À vérifier"
ORIGIN = "origine"
LISTS = "listes"
ORIGIN_COLUMNS = ("ref", "commune", "annee", "empreinte_source", "id_synergie", "empreinte_cellules", *EDITABLE)
_MAX_ROW_POINTS = 409  # Excel's highest row
_PX_PER_POINT = 4 / 3  # screen pixels per point at 100 % zoom
_YES = {"oui", "o", "x", "1", "true", "vrai", "yes"}


class RevueError(Exception):
    """A workbook or an output folder that cannot be used; the message names it and says why."""


@dataclass(frozen=True)
class Champ:
    """A column of the review sheet."""

    key: str
    title: str
    width: float  # Excel characters
    kind: str  # info (read only), image, libelle (drop-down), pct, texte (a cell), decision


FIELDS = (
    Champ("ref", "Réf.", 6, "info"),
    Champ("motifs", "Motifs de vérification", 42, "info"),
    Champ("image", "Source (extrait du document)", 0, "image"),
    Champ("objectifs_norm", "Objectifs (libellé)", 22, "libelle"),
    Champ("mode_norm", "Mode (libellé)", 18, "libelle"),
    Champ("pilote_norm", "Pilote (libellé)", 14, "libelle"),
    Champ("responsable_norm", "Responsable (libellé)", 16, "libelle"),
    Champ("statut_norm", "Statut (libellé)", 14, "libelle"),
    Champ("avancement_pct", "Avancement (%)", 12, "pct"),
    Champ("domaine", "Domaine", 18, "libelle"),
    Champ("confirme", "Confirmé (juste telle quelle)", 14, "decision"),
    Champ("commentaire", "Commentaire", 36, "decision"),
    Champ("synergie", "Synergie", 36, "texte"),
    Champ("objectif", "Objectif", 36, "texte"),
    Champ("mode_operatoire", "Mode opératoire", 24, "texte"),
    Champ("administration_pilote", "Administration pilote", 18, "texte"),
    Champ("responsable_administratif", "Responsable administratif", 20, "texte"),
    Champ("realisation", "Réalisation", 40, "texte"),
    Champ("fichier_source", "Fichier", 30, "info"),
    Champ("pages", "Pages", 8, "info"),
    Champ("ligne", "Ligne", 7, "info"),
    Champ("commune", "Commune", 14, "info"),
    Champ("annee", "Année", 8, "info"),
    Champ("lien", "Image pleine taille", 18, "info"),
    Champ("corrige", "Déjà corrigé", 16, "info"),
)
_EDITABLE_FILL = PatternFill("solid", fgColor="FFF8DC")
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")


@dataclass(frozen=True)
class Picture:
    """A row's source picture written beside the workbook, or why there is none."""

    png: Path | None
    note: str = ""


def label_choices(vocab: Vocabulaire) -> dict[str, list[str]]:
    """Each label column's allowed values: the vocabulary's, and for a column holding several,
    every combination in the vocabulary's order ("moyens", "satisfaction_citoyen|moyens"...);
    the domains of `schemas/domaines.yaml`."""
    choices = {}
    for column, colonne in vocab.colonnes.items():
        values = list(colonne.valeurs)
        if colonne.plusieurs:
            values = ["|".join(combo) for size in range(1, len(values) + 1)
                      for combo in itertools.combinations(values, size)]
        choices[column] = values
    choices["domaine"] = list(domaines())
    return choices


def rows_to_review(table: pd.DataFrame, everything: bool) -> pd.DataFrame:
    """The rows a person should look at (all of them with `everything`), with their references."""
    flagged = table["a_verifier"].astype(str).str.lower() == "true"
    rows = (table if everything else table[flagged]).reset_index(drop=True).copy()
    rows.insert(0, "ref", range(1, len(rows) + 1))
    return rows


# --- pictures --------------------------------------------------------------------------------

def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _extent(value: object) -> float | None:
    number = pd.to_numeric(text_value(value) or None, errors="coerce")
    return None if pd.isna(number) else float(number)


def _document_note(path: Path, sha256: str) -> str:
    """Why a PDF's rows get no picture; '' when they can."""
    if not path.is_file():
        return f"{path} introuvable : lancez la revue depuis le dossier où `synergies run` a été lancé"
    if _sha256(path) != sha256:
        return f"{path} a changé depuis l'exécution : relancez `synergies run` puis la revue"
    return ""


def source_pictures(rows: pd.DataFrame, folder: Path, settings: RevueSettings) -> dict[int, Picture]:
    """Each row's picture as a PNG in `folder` (named by reference, document and row), by reference."""
    pictures: dict[int, Picture] = {}
    for (shown, sha256), group in rows.groupby(["fichier_source", "empreinte_source"], sort=False):
        path = Path(shown)
        if path.suffix.lower() != ".pdf" or group["strategie"].iloc[0] in STRUCTURED_STRATEGIES:
            kind = path.suffix.lstrip(".").upper()
            pictures.update((row.ref, Picture(None, f"document {kind} : tableau {row.page_debut}, "
                                                    f"ligne {text_value(row.ligne_source)} du tableau"))
                            for row in group.itertuples(index=False))
            continue
        note = _document_note(path, sha256)
        if note:
            pictures.update((ref, Picture(None, note)) for ref in group["ref"])
            continue
        pdf = pdfium.PdfDocument(path)
        try:
            heights = page_heights(pdf)
            for row in group.itertuples(index=False):
                haut, bas = (_extent(getattr(row, c, None)) for c in EXTENT_COLUMNS)
                if haut is None and bas is None:
                    pictures[row.ref] = Picture(None, "position de la ligne inconnue dans la page")
                    continue
                bands = row_bands(int(row.page_debut), int(row.page_fin), haut, bas, heights, settings.image_margin)
                target = folder / f"{row.ref:04d}_{path.stem}_ligne{row.ligne}.png"
                picture = render_bands(pdf, bands, settings.image_scale)
                export.write_atomic(target, lambda tmp: picture.save(tmp, format="PNG"))
                pictures[row.ref] = Picture(target)
        finally:
            pdf.close()
    return pictures


def _thumbnail(png: Path, settings: RevueSettings) -> SheetImage:
    """The picture at the width shown in the sheet, no taller than a row can be (a PNG in memory:
    the workbook keeps it small; the full-size one stays beside it)."""
    with Image.open(png) as picture:
        ratio = min(settings.image_width_px / picture.width, _MAX_ROW_POINTS * _PX_PER_POINT / picture.height, 1.0)
        small = picture.resize((max(1, round(picture.width * ratio)), max(1, round(picture.height * ratio))),
                               Image.Resampling.LANCZOS)
    data = io.BytesIO()
    small.save(data, format="PNG")
    return SheetImage(data)


# --- the workbook ----------------------------------------------------------------------------

def _put(sheet, row: int, column: int, value: object):
    """A value in a cell as text or number, never read as a formula ("= ..." in a cell)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = sheet.cell(row=row, column=column, value=value if value != "" else None)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def _values(row) -> dict[str, object]:
    pages = f"{row.page_debut}" if str(row.page_debut) == str(row.page_fin) else f"{row.page_debut}–{row.page_fin}"
    values: dict[str, object] = {c: text_value(getattr(row, c, "")) for c in EDITABLE}
    pct = values["avancement_pct"]
    values.update(
        ref=row.ref, motifs="\n".join(m for m in text_value(row.motifs_verification).split("|") if m),
        avancement_pct=int(pct) if pct else None, fichier_source=row.fichier_source, pages=pages,
        ligne=int(row.ligne), commune=row.commune, annee=text_value(row.annee),
        corrige=text_value(getattr(row, "corrige", "")),
    )
    return values


def _lists_sheet(book: Workbook, choices: dict[str, list[str]]) -> dict[str, str]:
    """The hidden sheet of drop-down values; each label column's range on it."""
    sheet = book.create_sheet(LISTS)
    ranges = {}
    for i, (column, values) in enumerate(choices.items(), start=1):
        letter = get_column_letter(i)
        sheet.cell(row=1, column=i, value=column)
        for j, value in enumerate(values, start=2):
            sheet.cell(row=j, column=i, value=value)
        ranges[column] = f"{LISTS}!${letter}$2:${letter}${len(values) + 1}"
    sheet.sheet_state = "hidden"
    return ranges


def _validations(sheet, last_row: int, ranges: dict[str, str]) -> None:
    """Drop-downs on the labels and the decision, a whole number on the progress."""
    for i, field in enumerate(FIELDS, start=1):
        cells = f"{get_column_letter(i)}2:{get_column_letter(i)}{max(last_row, 2)}"
        if field.kind == "libelle":
            rule = DataValidation(type="list", formula1=f"={ranges[field.key]}", allow_blank=True,
                                  errorTitle="Valeur hors vocabulaire",
                                  error="Choisissez une valeur de la liste, ou videz la cellule (inconnu).")
        elif field.kind == "pct":
            rule = DataValidation(type="whole", operator="between", formula1="0", formula2="100", allow_blank=True,
                                  errorTitle="Avancement", error="Un nombre entier de 0 à 100, ou rien (inconnu).")
        elif field.key == "confirme":
            rule = DataValidation(type="list", formula1=f'"{CONFIRMED}"', allow_blank=True,
                                  errorTitle="Confirmé", error=f"« {CONFIRMED} » si la ligne est juste telle quelle, sinon rien.")
        else:
            continue
        rule.showErrorMessage = True
        sheet.add_data_validation(rule)
        rule.add(cells)


def build_workbook(rows: pd.DataFrame, pictures: dict[int, Picture], choices: dict[str, list[str]],
                   settings: RevueSettings, folder: Path) -> Workbook:
    """The review workbook for `rows` (from `rows_to_review`); links to pictures are relative to `folder`."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    for i, field in enumerate(FIELDS, start=1):
        cell = sheet.cell(row=1, column=i, value=field.title)
        cell.font, cell.fill = Font(bold=True), _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        width = settings.image_width_px / 7 if field.kind == "image" else field.width  # ~7 px per character
        sheet.column_dimensions[get_column_letter(i)].width = width
    origin = book.create_sheet(ORIGIN)
    origin.append(list(ORIGIN_COLUMNS))
    for r, row in enumerate(rows.itertuples(index=False), start=2):
        values = _values(row)
        picture = pictures.get(row.ref, Picture(None, ""))
        values["image"] = picture.note
        for i, field in enumerate(FIELDS, start=1):
            cell = _put(sheet, r, i, values.get(field.key, ""))
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if field.kind in ("libelle", "pct", "texte", "decision"):
                cell.fill = _EDITABLE_FILL
        if picture.png is not None:
            image = _thumbnail(picture.png, settings)
            image.anchor = f"{get_column_letter(_column('image'))}{r}"
            sheet.add_image(image)
            sheet.row_dimensions[r].height = min(_MAX_ROW_POINTS, image.height / _PX_PER_POINT + 2)
            link = sheet.cell(row=r, column=_column("lien"), value="ouvrir l'image")
            link.hyperlink, link.style = picture.png.relative_to(folder).as_posix(), "Hyperlink"
        cells = [text_value(getattr(row, c)) for c in CELL_COLUMNS]
        key = [row.ref, row.commune, text_value(row.annee), row.empreinte_source, row.id_synergie,
               cells_fingerprint(cells), *(text_value(getattr(row, c, "")) for c in EDITABLE)]
        for i, value in enumerate(key, start=1):
            _put(origin, r, i, value)
    origin.sheet_state = "hidden"
    _validations(sheet, len(rows) + 1, _lists_sheet(book, choices))
    sheet.freeze_panes = "C2"  # the header, and each line's reference and reasons
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(FIELDS))}{len(rows) + 1}"
    return book


def _column(key: str) -> int:
    return next(i for i, f in enumerate(FIELDS, start=1) if f.key == key)


def export_review(table: pd.DataFrame, out: Path, settings: RevueSettings, vocab: Vocabulaire,
                  everything: bool = False) -> tuple[int, int]:
    """DIR/revue.xlsx and its pictures for a run's table: how many lines, how many with a picture."""
    rows = rows_to_review(table, everything)
    folder = out / IMAGES
    folder.mkdir(parents=True, exist_ok=True)
    pictures = source_pictures(rows, folder, settings)
    kept = {p.png for p in pictures.values() if p.png is not None}
    for stale in folder.glob("*.png"):  # pictures of an earlier review
        if stale not in kept:
            stale.unlink()
    book = build_workbook(rows, pictures, label_choices(vocab), settings, out)
    export.write_atomic(out / WORKBOOK, book.save)
    return len(rows), len(kept)


# --- reading the reviewer's decisions back ---------------------------------------------------

def _read_value(value: object) -> str:
    """A cell as the reviewer left it, as text: 80 for 80.0, no spaces around."""
    return text_value(value).strip()


def read_review(path: Path, vocab: Vocabulaire, today: date) -> tuple[pd.DataFrame, list[str]]:
    """The decisions of a filled-in review workbook, one correction line each (a confirmation
    before the changes of its row), and notes on what was not taken (French, one line each)."""
    try:
        book = load_workbook(path, data_only=True)
    except FileNotFoundError:
        raise RevueError(f"{path} : fichier introuvable") from None
    except Exception as error:  # openpyxl raises zip, XML and key errors on anything not a workbook
        raise RevueError(f"{path} : pas un classeur Excel lisible ({type(error).__name__}) ; "
                         "donnez le revue.xlsx écrit par `synergies revue --out`") from None
    if SHEET not in book.sheetnames or ORIGIN not in book.sheetnames:
        raise RevueError(f"{path} : pas un classeur de revue (feuilles « {SHEET} » et « {ORIGIN} » attendues) ; "
                         "donnez le revue.xlsx écrit par `synergies revue --out`")
    origin_rows = book[ORIGIN].iter_rows(min_row=2, values_only=True)
    origins = {int(r[0]): dict(zip(ORIGIN_COLUMNS, (text_value(v) for v in r))) for r in origin_rows if r[0] is not None}
    sheet = book[SHEET]
    titles = {f.title: f for f in FIELDS}
    header = [titles.get(_read_value(v)) for v in next(sheet.iter_rows(max_row=1, values_only=True))]
    choices = label_choices(vocab)
    lines, notes = [], []
    for cells in sheet.iter_rows(min_row=2, values_only=True):
        seen = {f.key: _read_value(v) for f, v in zip(header, cells) if f is not None}
        if not seen.get("ref", "").isdigit() or int(seen["ref"]) not in origins:
            if any(seen.values()):
                notes.append(f"ligne sans référence connue (Réf. « {seen.get('ref', '')} ») : ignorée")
            continue
        before = origins[int(seen["ref"])]
        key = {c: before[c] for c in ("commune", "annee", "empreinte_source", "id_synergie")}
        comment = seen.get("commentaire", "")
        decided = []
        if fold(seen.get("confirme", "")) in _YES:
            decided.append((CONFIRMATION, before["empreinte_cellules"], CONFIRMED))
        for column in EDITABLE:
            value = seen.get(column, before[column])
            if value == before[column].strip():
                continue
            if column in choices and value and value not in choices[column]:
                notes.append(f"Réf. {seen['ref']}, {_title(column)} : « {value} » n'est pas une valeur de la liste ; "
                             "non importé")
                continue
            decided.append((column, before[column], value))
        if comment and not decided:
            notes.append(f"Réf. {seen['ref']} : commentaire sans correction ni confirmation ; non importé")
        lines.extend({**key, "colonne": c, "valeur_avant": a, "valeur_apres": b, "commentaire": comment,
                      "date": today.isoformat()} for c, a, b in decided)
    return pd.DataFrame(lines, columns=list(COLUMNS), dtype=str), notes


def _title(key: str) -> str:
    return FIELDS[_column(key) - 1].title
