"""Issue 13: review that sticks. The review workbook exported from a run of the samples, filled in
with openpyxl as a reviewer would, imported, and the next run applying the decisions."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pypdfium2 as pdfium
import pytest
import pytesseract
import yaml
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader, PdfWriter
from rapidfuzz import fuzz

from pipeline.corrections import COLUMNS, apply_corrections, read_corrections
from pipeline.diff import load_run_output
from pipeline.revue import IMAGES, LISTS, ORIGIN, SHEET, WORKBOOK
from pipeline.settings import RevueSettings
from pipeline.vignettes import row_bands
from pipeline.vocabulary import fold

from .conftest import MONS, ROOT, SAMPLES

VOCABULARY = yaml.safe_load((ROOT / "schemas" / "vocabulaires.yaml").read_text(encoding="utf-8"))
NEW_NAME = "Social / Gardiens de la paix : présence en salle d'attente du CPAS"


def synergies(*args):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def sheet_rows(path: Path) -> list[dict]:
    sheet = load_workbook(path)[SHEET]
    titles = [c.value for c in sheet[1]]
    return [dict(zip(titles, (c.value for c in row)), _row=row[0].row) for row in sheet.iter_rows(min_row=2)]


def dropdown(book, title: str) -> list[str]:
    """The values a reviewer is offered in a column: its data validation's list, resolved."""
    sheet = book[SHEET]
    letter = next(c.column_letter for c in sheet[1] if c.value == title)
    rule = next(v for v in sheet.data_validations.dataValidation if any(
        str(r).startswith(letter) and str(r)[len(letter)].isdigit() for r in v.sqref.ranges))
    reference = rule.formula1.lstrip("=")
    if reference.startswith('"'):
        return reference.strip('"').split(",")
    sheet_name, cells = reference.split("!")
    return [c.value for (c,) in book[sheet_name][cells.replace("$", "")]]


@pytest.fixture(scope="module")
def loop(tmp_path_factory):
    """run -> revue -> a reviewer's edits -> import -> run again, on the Mons reports of 2020 and 2021
    (two documents: one report in two formats would be one report, its duplicate set aside)."""
    base = tmp_path_factory.mktemp("revue")
    corrections = base / "corrections" / "corrections.csv"
    documents = [SAMPLES["regle"], MONS / "2021" / "mons_2021_regle.pdf"]
    first = synergies("run", *documents, "--out", base / "avant", "--no-cache", "--jobs", 1, "--corrections", corrections)
    assert first.returncode == 0, first.stderr
    exported = synergies("revue", "--depuis", base / "avant", "--out", base / "revue")
    assert exported.returncode == 0, exported.stderr
    book = load_workbook(base / "revue" / WORKBOOK)
    modes = dropdown(book, "Mode (libellé)")
    sheet = book[SHEET]
    column = {c.value: c.column for c in sheet[1]}
    edited = {}
    for row in sheet_rows(base / "revue" / WORKBOOK):
        r, motifs, regle = row["_row"], row["Motifs de vérification"], row["Fichier"].endswith("mons_2020_regle.pdf")
        if "mode non reconnu : « Mutualisation des ressources" in motifs:  # both documents
            sheet.cell(r, column["Mode (libellé)"]).value = modes[modes.index("cooperatif")]
            sheet.cell(r, column["Commentaire"]).value = "mutualiser, c'est coopérer"
            edited.setdefault("mode", []).append(row)
        elif regle and "nom de synergie supposé continué" in motifs:
            sheet.cell(r, column["Synergie"]).value = NEW_NAME
            edited["nom"] = row
        elif regle and "valeur changeante" in motifs:
            sheet.cell(r, column["Confirmé (juste telle quelle)"]).value = "oui"
            edited["confirme"] = row
    filled = base / "revue" / "revue_rempli.xlsx"
    book.save(filled)
    imported = synergies("revue", "--importer", filled, "--corrections", corrections)
    assert imported.returncode == 0, imported.stderr
    again = synergies("run", *documents, "--out", base / "apres", "--no-cache", "--jobs", 1, "--corrections", corrections)
    assert again.returncode == 0, again.stderr
    return {"base": base, "corrections": corrections, "edited": edited, "summary": again.stderr, "documents": documents,
            "avant": load_run_output(base / "avant"), "apres": pd.read_csv(base / "apres" / "synergies.csv", dtype=str,
                                                                             keep_default_na=False)}


def _row(table: pd.DataFrame, exported: dict) -> pd.Series:
    match = table[table["fichier_source"].eq(exported["Fichier"]) & table["ligne"].astype(str).eq(str(exported["Ligne"]))]
    assert len(match) == 1
    return match.iloc[0]


def test_workbook_holds_the_flagged_rows_with_french_titles_frozen_header_and_filters(loop):
    avant = loop["avant"]
    book = load_workbook(loop["base"] / "revue" / WORKBOOK)
    sheet = book[SHEET]
    rows = sheet_rows(loop["base"] / "revue" / WORKBOOK)
    flagged = avant[avant["a_verifier"].astype(str) == "True"]
    assert len(rows) == len(flagged) > 0
    assert {(r["Fichier"], r["Ligne"]) for r in rows} == set(zip(flagged["fichier_source"], flagged["ligne"].astype(int)))
    assert sheet.freeze_panes == "C2" and sheet.auto_filter.ref.startswith("A1:")
    assert book[ORIGIN].sheet_state == book[LISTS].sheet_state == "hidden"
    # every PDF row has its picture in the sheet and beside the workbook
    assert len(sheet._images) == len(rows) == len(list((loop["base"] / "revue" / IMAGES).glob("*.png")))


def test_dropdowns_list_exactly_the_vocabulary_values(loop):
    book = load_workbook(loop["base"] / "revue" / WORKBOOK)
    for column, title in [("mode_norm", "Mode (libellé)"), ("pilote_norm", "Pilote (libellé)"),
                          ("responsable_norm", "Responsable (libellé)"), ("statut_norm", "Statut (libellé)")]:
        assert dropdown(book, title) == list(VOCABULARY["colonnes"][column]["valeurs"]), column
    objectifs = list(VOCABULARY["colonnes"]["objectifs_norm"]["valeurs"])
    offered = dropdown(book, "Objectifs (libellé)")
    assert [o for o in offered if "|" not in o] == objectifs
    assert len(offered) == 2 ** len(objectifs) - 1 == len(set(offered))
    for combination in offered:  # several objectives: in the vocabulary's order, as the contract says
        ranks = [objectifs.index(part) for part in combination.split("|")]
        assert ranks == sorted(ranks)
    domains = yaml.safe_load((ROOT / "schemas" / "domaines.yaml").read_text(encoding="utf-8"))["domaines"]
    assert dropdown(book, "Domaine") == list(domains)
    assert dropdown(book, "Confirmé (juste telle quelle)") == ["oui"]


def test_import_records_only_the_changed_cells(loop):
    lines = read_corrections(loop["corrections"])
    assert list(lines.columns) == list(COLUMNS)
    assert sorted(lines["colonne"]) == ["confirme", "mode_norm", "mode_norm", "synergie"]
    name = lines[lines["colonne"] == "synergie"].iloc[0]
    assert (name["valeur_avant"], name["valeur_apres"]) == (loop["edited"]["nom"]["Synergie"], NEW_NAME)
    modes = lines[lines["colonne"] == "mode_norm"]
    assert set(modes["valeur_avant"]) == {""} and set(modes["valeur_apres"]) == {"cooperatif"}
    assert set(modes["commentaire"]) == {"mutualiser, c'est coopérer"}
    assert len(set(modes["empreinte_source"])) == 2  # one per document
    again = synergies("revue", "--importer", loop["base"] / "revue" / "revue_rempli.xlsx", "--corrections",
                      loop["corrections"])
    assert again.returncode == 0 and len(read_corrections(loop["corrections"])) == 4, again.stderr


def test_next_run_applies_the_corrections_and_clears_their_flags(loop):
    avant, apres, edited = loop["avant"], loop["apres"], loop["edited"]
    for exported in edited["mode"]:
        row = _row(apres, exported)
        assert row["mode_norm"] == "cooperatif" and row["corrige"] == "mode_norm"
        assert "mode non reconnu" not in row["motifs_verification"]
    named = _row(apres, edited["nom"])
    assert named["synergie"] == NEW_NAME and named["corrige"] == "synergie"
    assert named["a_verifier"] == "False" and named["motifs_verification"] == ""
    assert named["id_synergie"] == _row(avant, edited["nom"])["id_synergie"]  # the key does not move
    confirmed = _row(apres, edited["confirme"])
    assert confirmed["a_verifier"] == "False" and confirmed["corrige"] == "a_verifier"
    assert confirmed["pilote_norm"] == _row(avant, edited["confirme"])["pilote_norm"]
    # rows nobody touched keep their flags; nothing is pending
    untouched = apres[apres["corrige"] == ""]
    before = avant.set_index(["fichier_source", "ligne"]).loc[
        list(zip(untouched["fichier_source"], untouched["ligne"].astype(int)))]
    assert list(untouched["motifs_verification"]) == list(before["motifs_verification"].fillna(""))
    assert "statut non reconnu" in " ".join(untouched["motifs_verification"])
    assert pd.read_csv(loop["base"] / "apres" / "corrections_en_attente.csv").empty
    assert "4 ligne(s) corrigée(s) ou confirmée(s), 0 correction(s) en attente" in loop["summary"]


def test_a_replaced_document_leaves_its_confirmation_pending(loop, tmp_path):
    """New bytes for the same report: the values people corrected still hold and apply; a
    confirmation was about that very file, so it waits for a person."""
    replaced = tmp_path / "mons_2020_regle.pdf"
    writer = PdfWriter(clone_from=PdfReader(SAMPLES["regle"]))
    writer.add_metadata({"/Title": "Rapport synergies Mons 2020 (version corrigée)"})
    with open(replaced, "wb") as fh:
        writer.write(fh)
    done = synergies("run", replaced, "--out", tmp_path / "sortie", "--no-cache", "--jobs", 1,
                     "--corrections", loop["corrections"])
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(tmp_path / "sortie" / "synergies.csv", dtype=str, keep_default_na=False)
    pending = pd.read_csv(tmp_path / "sortie" / "corrections_en_attente.csv", dtype=str, keep_default_na=False)
    confirmation = pending[pending["colonne"] == "confirme"]
    assert len(confirmation) == 1 and "document remplacé" in confirmation["raison"].iloc[0]
    assert _row(table, {**loop["edited"]["confirme"], "Fichier": table["fichier_source"].iloc[0]})["a_verifier"] == "True"
    assert (table["synergie"] == NEW_NAME).sum() == 1
    mode = _row(table, {**loop["edited"]["mode"][0], "Fichier": table["fichier_source"].iloc[0]})
    assert mode["mode_norm"] == "cooperatif"
    # the 2021 report's correction has no row in this run
    assert "ligne introuvable" in pending[pending["colonne"] == "mode_norm"]["raison"].iloc[0]
    assert "en attente : " in done.stderr


def test_a_value_that_changed_since_the_correction_is_pending_not_applied(loop):
    """Extraction changed (here: the mode now reads another label, the name another text, the
    confirmed row is gone): the person's decision was about something else, so it is listed, not
    applied."""
    table = loop["avant"].copy()

    def position(exported: dict) -> int:
        return table.index[table["fichier_source"].eq(exported["Fichier"]) & table["ligne"].eq(exported["Ligne"])][0]

    table.loc[position(loop["edited"]["nom"]), "synergie"] = "Gardiens de la paix"  # another name: another synergy
    mode_row = position(loop["edited"]["mode"][0])
    table.loc[mode_row, "mode_norm"] = "delegatif"
    table = table.drop(index=position(loop["edited"]["confirme"]))
    corrected, pending = apply_corrections(table, read_corrections(loop["corrections"]))
    assert corrected.loc[mode_row, "mode_norm"] == "delegatif"
    reasons = dict(zip(pending["colonne"], pending["raison"]))
    assert reasons["mode_norm"].startswith("valeur changée : « delegatif » au lieu de (vide)")
    assert reasons["synergie"].startswith("valeur changée : « Gardiens de la paix » au lieu de « Social / Gardiens")
    assert "ligne introuvable" in reasons["confirme"]
    assert len(pending) == 3 and (corrected["corrige"] != "").sum() == 1  # the 2021 report's mode


def test_hand_written_lines_apply_in_order_and_bad_ones_are_pending(loop):
    table = loop["avant"]
    row = table[table["fichier_source"].str.endswith("mons_2020_regle.pdf")].iloc[5]
    key = {"commune": row["commune"], "annee": str(row["annee"]), "empreinte_source": row["empreinte_source"],
           "id_synergie": row["id_synergie"], "commentaire": "", "date": "2026-11-30"}
    lines = pd.DataFrame([
        {**key, "colonne": "statut_norm", "valeur_avant": row["statut_norm"], "valeur_apres": "en_cours"},
        {**key, "colonne": "statut_norm", "valeur_avant": "en_cours", "valeur_apres": "realise"},
        {**key, "colonne": "avancement_pct", "valeur_avant": "", "valeur_apres": "80 %"},
        {**key, "colonne": "statut", "valeur_avant": "", "valeur_apres": "realise"},
        {**key, "colonne": "confirme", "valeur_avant": "0000000000000000", "valeur_apres": "oui"},
    ], columns=list(COLUMNS))
    corrected, pending = apply_corrections(table, lines)
    position = table.index.get_loc(row.name)
    assert corrected.iloc[position]["statut_norm"] == "realise"
    assert corrected.iloc[position]["corrige"] == "statut_norm"
    assert list(pending["colonne"]) == ["avancement_pct", "statut", "confirme"]
    assert "entier de 0 à 100" in pending["raison"].iloc[0] and "colonne inconnue" in pending["raison"].iloc[1]
    assert "texte de la ligne changé" in pending["raison"].iloc[2]


def test_the_picture_of_a_row_shows_that_row(loop):
    """The crop of a known row (the second of the Mons ruled report) holds its text in the PDF's
    text layer, and OCR reads its name in the PNG; the rows around it are not in it."""
    avant = loop["avant"]
    exported = next(r for r in loop["edited"]["mode"] if r["Fichier"].endswith("mons_2020_regle.pdf"))
    row = _row(avant, exported)
    neighbours = avant[avant["fichier_source"].eq(row["fichier_source"])].set_index("ligne")
    png = next((loop["base"] / "revue" / IMAGES).glob(f"{exported['Réf.']:04d}_*.png"))
    settings = RevueSettings()
    pdf = pdfium.PdfDocument(SAMPLES["regle"])
    try:
        heights = [pdf.get_page_size(i)[1] for i in range(len(pdf))]
        (band,) = row_bands(int(row["page_debut"]), int(row["page_fin"]), float(row["haut_debut"]),
                            float(row["bas_fin"]), heights, settings.image_margin)
        page = pdf[band.page - 1]
        width, height = page.get_size()
        text = fold(page.get_textpage().get_text_bounded(0, height - band.bottom, width, height - band.top))
    finally:
        pdf.close()
    assert fold(row["synergie"]) in text and fold(row["realisation"]) in text
    for other in (int(row["ligne"]) - 1, int(row["ligne"]) + 1):
        assert fold(neighbours.loc[other, "synergie"]) not in text
    with Image.open(png) as picture:
        assert abs(picture.width - width * settings.image_scale) <= 2  # pdfium rounds each cropped edge
        assert abs(picture.height - (band.bottom - band.top) * settings.image_scale) <= 2
        read = fold(pytesseract.image_to_string(picture, lang="fra"))
    assert fuzz.partial_ratio(fold(row["synergie"]), read) >= 90


def test_propositions_list_a_text_corrected_alike_in_several_rows(loop, tmp_path):
    vocabulary_before = (ROOT / "schemas" / "vocabulaires.yaml").read_bytes()
    done = synergies("revue", "--propositions", "--depuis", loop["base"] / "apres", "--corrections", loop["corrections"],
                     "--out", tmp_path)
    assert done.returncode == 0, done.stderr
    proposed = yaml.safe_load((tmp_path / "propositions_vocabulaire.yaml").read_text(encoding="utf-8"))
    (text,) = proposed["colonnes"]["mode_norm"]["valeurs"]["cooperatif"]
    assert text.startswith("Mutualisation des ressources")
    assert list(proposed["colonnes"]) == ["mode_norm"]  # the name, corrected once, is no label
    assert (ROOT / "schemas" / "vocabulaires.yaml").read_bytes() == vocabulary_before  # never applied
    once = loop["corrections"].parent / "une_fois.csv"
    lines = read_corrections(loop["corrections"])
    first = lines[lines["colonne"] == "mode_norm"].iloc[:1]
    first.to_csv(once, index=False)
    single = synergies("revue", "--propositions", "--depuis", loop["base"] / "apres", "--corrections", once)
    assert single.returncode == 0 and "Aucune proposition" in single.stdout, single.stderr


def test_bad_inputs_are_one_plain_line(loop, tmp_path):
    not_a_workbook = tmp_path / "revue.xlsx"
    not_a_workbook.write_text("pas un classeur", encoding="utf-8")
    done = synergies("revue", "--importer", not_a_workbook, "--corrections", tmp_path / "c.csv")
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "revue.xlsx" in done.stderr
    broken = tmp_path / "corrections.csv"
    broken.write_text("commune,annee\nMons,2020\n", encoding="utf-8")
    done = synergies("run", SAMPLES["regle"], "--out", tmp_path / "o", "--corrections", broken)
    assert done.returncode == 2 and "colonnes manquantes" in done.stderr and done.stderr.count("\n") == 1
    assert not (tmp_path / "o").exists()
    done = synergies("revue", "--depuis", tmp_path / "nulle_part", "--out", tmp_path / "r")
    assert done.returncode == 2 and "introuvable" in done.stderr and done.stderr.count("\n") == 1
