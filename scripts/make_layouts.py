"""The layout zoo: seeded synergy reports laid out the ways communes lay them out, with their truth.

Run from the repository root (needs LibreOffice `soffice` and `chromium`; the French hyphenation
patterns of Debian's `hyphen-fr` make LibreOffice hyphenate when a document asks it to):

    .venv/bin/python scripts/make_layouts.py [--seed-base 9000] [--per-class 8] [--classes tableur_fusions ...]

Every document is one seed. Its class is a requirement of issue 9 or 10 (`CLASSES`); the seed
chooses the axes of that class and mixes in others (fonts, sizes, rules, orientation, sections,
page breaks), the content (rows of the Mons reference and invented rows of fictional communes)
and the surface forms of every labelled cell. Documents are written by the real programs:
python-docx then LibreOffice Writer, HTML then headless Chromium, openpyxl then LibreOffice Calc.

Outputs, committed so tests need neither LibreOffice nor Chromium:
  tests/data/zoo/dev/<stem>.pdf|.docx|.xlsx|.ods   even seeds: the development half
  tests/data/zoo/heldout/<stem>...                  odd seeds: the held-out half (never tuned on)
  .../<stem>.truth.csv                              the rows a careful reader gives, cleaned as the contract says
  tests/data/zoo/manifest.csv                       file, half, class, producer, seed, axes

Each rendered PDF is checked: every truth cell's words come back in the document's text layer.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_samples import _el, add_page_number_footer, set_borders  # noqa: E402  (same docx helpers)

ROOT = Path(__file__).resolve().parents[1]
ZOO = ROOT / "tests" / "data" / "zoo"
REFERENCE = ROOT / "tests" / "reference" / "mons_synergies_reference.csv"

CELLS = ("synergie", "objectif", "mode_operatoire", "administration_pilote", "responsable_administratif",
         "realisation")
LABELS = ("objectifs_norm", "mode_norm", "pilote_norm", "responsable_norm", "statut_norm", "avancement_pct")
TRUTH_COLUMNS = ("rubrique", *CELLS, *LABELS)

# ---------------------------------------------------------------- surface forms and their labels
# Each form: (text as a commune writes it, label a careful reader gives, halves it may appear in).
# "dh": both halves; "d": development only; "h": held-out only, so the held-out half holds
# wordings the development half never shows. An empty label: the text names no vocabulary entry.
OBJECTIFS = [
    ("Moyens", "moyens", "dh"), ("Économie de moyens", "moyens", "dh"),
    ("Mutualisation des moyens", "moyens", "d"), ("Économies d'échelle", "moyens", "h"),
    ("Satisfaction du citoyen", "satisfaction_citoyen", "dh"),
    ("Service aux citoyens", "satisfaction_citoyen", "d"), ("Satisfaction des usagers", "satisfaction_citoyen", "h"),
    ("Performance administrative", "performance_administrative", "dh"),
    ("Efficacité administrative", "performance_administrative", "d"),
    ("Performances administratives", "performance_administrative", "h"),
    ("Satisfaction du citoyen et performance administrative", "satisfaction_citoyen|performance_administrative", "dh"),
    ("Performance administrative / moyens", "performance_administrative|moyens", "d"),
    ("Moyens et satisfaction des citoyens", "satisfaction_citoyen|moyens", "h"),
    ("Harmoniser les procédures d'achat des deux administrations", "", "dh"),
    ("Disposer d'un interlocuteur unique pour les fournisseurs", "", "d"),
    ("Réduire les délais de traitement des dossiers", "", "h"),
]
MODES = [
    ("Coopératif", "cooperatif", "dh"), ("Délégatif", "delegatif", "dh"), ("Coopér.", "cooperatif", "d"),
    ("Coopération", "cooperatif", "h"), ("par délégation", "delegatif", "d"), ("Délégation au CPAS", "delegatif", "h"),
    ("Collaboratif", "cooperatif", "dh"), ("Mixte", "cooperatif_delegatif", "d"),
    ("Coopératif et délégatif", "cooperatif_delegatif", "dh"), ("Coopératif + Délégatif", "cooperatif_delegatif", "h"),
    ("coopérative", "cooperatif", "h"), ("Délégative", "delegatif", "d"),
    ("Réunions mensuelles de coordination", "", "dh"), ("À définir", "", "h"),
]
PILOTES = [
    ("Ville", "ville", "dh"), ("CPAS", "cpas", "dh"), ("Les deux", "les_deux", "dh"), ("Les 2", "les_deux", "d"),
    ("Ville et CPAS", "les_deux", "h"), ("Commune", "ville", "d"), ("Administration communale", "ville", "h"),
    ("C.P.A.S.", "cpas", "h"), ("Conjointement", "les_deux", "d"), ("Ville / CPAS", "les_deux", "dh"),
    ("Centre public d'action sociale", "cpas", "d"), ("Zone de police", "", "dh"), ("Province", "", "h"),
]
RESPONSABLES = [
    ("DG Ville", "dg_ville", "dh"), ("DG CPAS", "dg_cpas", "dh"), ("Les deux DG", "les_deux", "d"),
    ("DG Commune", "dg_ville", "dh"), ("Les DG", "les_deux", "h"), ("DG Ville et DG CPAS", "les_deux", "dh"),
    ("Directrice générale du CPAS", "dg_cpas", "d"), ("Directeur général communal", "dg_ville", "h"),
    ("Secrétaire du CPAS", "dg_cpas", "h"), ("DG de la Ville", "dg_ville", "d"),
    ("Receveur régional", "", "dh"), ("Chef de bureau", "", "d"), ("Directeur financier", "", "h"),
    ("Service du personnel", "", "h"),
]
# Status forms open the last cell: (text, statut, avancement, halves).
STATUTS = [
    ("Réalisé", "realise", None, "dh"), ("Terminé", "realise", None, "d"), ("Effectif depuis mars 2022", "realise", None, "d"),
    ("Effectif depuis septembre 2021", "realise", None, "h"), ("Finalisé", "realise", None, "h"),
    ("100 %", "realise", 100, "dh"), ("En cours", "en_cours", None, "dh"), ("En cours (60%)", "en_cours", 60, "d"),
    ("En cours (40 %)", "en_cours", 40, "h"), ("Réalisé à 80 %", "en_cours", 80, "dh"), ("En partie", "en_cours", None, "h"),
    ("Entamé", "en_cours", None, "d"), ("À développer", "a_developper", None, "dh"), ("En projet", "a_developper", None, "d"),
    ("À l'étude", "a_developper", None, "h"), ("Prévu pour 2024", "a_developper", None, "h"),
    ("Sans objet", "sans_objet", None, "d"), ("Néant", "sans_objet", None, "h"),
]
# Sentences that follow a status, or stand alone (no status: statut empty).
DESCRIPTIONS = [
    "Convention signée entre les deux administrations.",
    "Un agent partagé à mi-temps assure la coordination du service.",
    "Cahier spécial des charges commun pour la dématérialisation des factures.",
    "Deux réunions de coordination par an entre les services concernés.",
    "Logiciel commun déployé dans les deux administrations après une phase de test.",
    "Mutualisation des licences et de l'infrastructure informatique.",
    "Le comité de concertation a approuvé le principe de la synergie.",
    "Interopérabilité des bases de données du personnel à améliorer.",
    "Formation commune des agents aux nouvelles procédures de télécommunications.",
    "Inventaire des besoins réalisé par les deux services techniques.",
    "Marché conjoint attribué pour une durée de quatre ans.",
    "Les agents du CPAS utilisent la plateforme de la Ville pour leurs demandes.",
    "Suivi trimestriel par le comité de direction commun.",
    "Un règlement de travail harmonisé est soumis aux organisations syndicales.",
]
SYNERGIES = [
    "Marché conjoint de fournitures de bureau", "Service informatique commun", "Service juridique mutualisé",
    "Centrale d'achats", "Gestion des ressources humaines", "Service de médiation de dettes",
    "Entretien des espaces verts", "Nettoyage des bâtiments", "Formation du personnel",
    "Service interne de prévention et de protection au travail", "Archivage et dématérialisation",
    "Délégué à la protection des données", "Garage et entretien du charroi", "Cellule marchés publics",
    "Économat commun", "Téléphonie et réseau", "Bien-être au travail", "Repas à domicile et restauration scolaire",
    "Logement d'urgence", "Accueil extrascolaire", "Gestion des traitements et salaires", "Assurances",
    "Contrôle interne", "Communication et site internet", "Suivi des consommations d'énergie",
    "Plan de mobilité du personnel", "Conseiller en prévention", "Cellule Ville-CPAS de lutte contre la pauvreté",
    "Télétravail et outils collaboratifs", "Gestion des salles et du matériel de fête",
]
RUBRIQUES = ["Axe 1 – Ressources humaines", "Axe 2 – Informatique et données", "Axe 3 – Achats et logistique",
             "Axe 4 – Action sociale", "Axe 5 – Bâtiments et énergie"]
COMMUNES = ["Florimont", "Rochebrune-sur-Hain", "Valmorée", "Courtil-Saint-Léger", "Hautenval", "Bois-d'Ardenne",
            "Marlimont", "Sarte-les-Prés"]

# ---------------------------------------------------------------- headings
# Each column's heading variants: wording, qualifiers, abbreviations, two lines ("\n").
HEADINGS = {
    "synergie": ["Synergie ou groupe de synergies", "Synergies", "Intitulé de la synergie", "Synergie",
                 "Synergie / groupe\nde synergies", "Objet de la synergie"],
    "objectif": ["Objectif", "Objectifs", "Obj.", "Objectif(s) poursuivi(s)",
                 "Objectif (satisfaction du citoyen / performance administrative / moyens)"],
    "mode_operatoire": ["Mode opératoire", "Mode opér.", "Mode opératoire\n(coopératif/délégatif)",
                        "Mode de collaboration", "Modalité"],
    "administration_pilote": ["Administration pilote", "Adm. pilote", "Adminis-\ntration pilote", "Pilote",
                              "Administration\npilote (Ville / CPAS)", "Institution pilote"],
    "responsable_administratif": ["Responsable administratif", "Respons.", "Resp. adm.", "Responsable",
                                  "Responsable adminis-\ntratif (DG)", "Fonctionnaire responsable"],
    "realisation": ["Réalisation", "Résultat obtenu", "Situation au 30 juin 2023", "Niveau d'avancement (en %)",
                    "État d'avancement", "Réalisations au 31/12/2022"],
}
EXTRA_COLUMNS = {"Domaine": ["RH", "Informatique", "Achats", "Social", "Technique", "Finances"],
                 "Budget": ["12 500 €", "3 000 €", "—", "45 000 €", "8 200 €", "Néant"],
                 "Commentaire": ["Voir annexe 2", "À revoir en 2024", "", "Avis du comité favorable", "Priorité",
                                 "Accord de principe"]}


def pick(rng: random.Random, forms: list, half: str):
    return rng.choice([f for f in forms if half[0] in f[-1]])


def invented_row(rng: random.Random, half: str, used: set[str]) -> dict:
    name = rng.choice([s for s in SYNERGIES if s not in used] or SYNERGIES)
    used.add(name)
    objectif, objectifs_norm, _ = pick(rng, OBJECTIFS, half)
    mode, mode_norm, _ = pick(rng, MODES, half)
    pilote, pilote_norm, _ = pick(rng, PILOTES, half)
    responsable, responsable_norm, _ = pick(rng, RESPONSABLES, half)
    if rng.random() < 0.15:  # a description with no status at all
        realisation, statut, pct = rng.choice(DESCRIPTIONS), "", None
    else:
        statut_text, statut, pct, _ = pick(rng, STATUTS, half)
        tail = rng.sample(DESCRIPTIONS, rng.choice((0, 1, 1, 2)))
        realisation = " ".join([statut_text + ("." if tail and statut_text[-1].isalpha() else ""), *tail])
    return {"rubrique": "", "synergie": name, "objectif": objectif, "mode_operatoire": mode,
            "administration_pilote": pilote, "responsable_administratif": responsable, "realisation": realisation,
            "objectifs_norm": objectifs_norm, "mode_norm": mode_norm, "pilote_norm": pilote_norm,
            "responsable_norm": responsable_norm, "statut_norm": statut, "avancement_pct": "" if pct is None else str(pct)}


def reference_rows() -> list[dict]:
    with REFERENCE.open(encoding="utf-8") as f:
        return [{"rubrique": "", **{k: r[k] for k in (*CELLS, *LABELS)}} for r in csv.DictReader(f)]


def content(rng: random.Random, half: str, n: int) -> tuple[str, list[dict]]:
    """A commune and n rows: the Mons reference's rows (in order, from a random start) or invented ones."""
    if rng.random() < 0.35:
        ref = reference_rows()
        start = rng.randrange(0, len(ref) - n) if len(ref) > n else 0
        return "Mons", [dict(r) for r in ref[start:start + n]]
    used: set[str] = set()
    return rng.choice(COMMUNES), [invented_row(rng, half, used) for _ in range(n)]


# ---------------------------------------------------------------- a document's layout
@dataclass
class Layout:
    """Every axis of one table document; the seed sets them."""

    columns: list[str] = field(default_factory=lambda: list(CELLS))  # contract cells and extra headings, in order
    headings: dict[str, str] = field(default_factory=dict)
    numbered: bool = False  # a leading "N°" column: 1., 2., ...
    rules: str = "grille"  # grille | horizontales | entete | aucune | zebre
    padding: bool = True
    header_grey: bool = False
    header_repeat: bool = True
    title_row: bool = False  # a title row inside the table, above the header
    sections: str = ""  # "" | fusion (one cell spanning the width) | gras (bold text in the first cell)
    hyphenate: bool = False
    narrow: str = ""  # a column made too narrow for its long words
    font: str = "Liberation Sans"
    size: float = 10.0
    landscape: bool = True
    word_like: bool = False  # Word's defaults: spacing after paragraphs, 1.08 lines
    long_cell: int = 0  # index of a row whose last cell runs over pages (0: none)
    last_numeric: bool = False  # the last column holds a bare percentage under an "(en %)" heading
    header_group: str = ""  # a sheet's header over two rows: this group heading merged across sub-headings

    def axes(self) -> str:
        parts = [f"regles={self.rules}", f"police={self.font} {self.size:g}pt",
                 "paysage" if self.landscape else "portrait"]
        parts += [p for p, on in (("sans_marges", not self.padding), ("entete_gris", self.header_grey),
                                  ("entete_non_repete", not self.header_repeat), ("titre_dans_tableau", self.title_row),
                                  ("numero", self.numbered), ("cesure_auto", self.hyphenate),
                                  ("style_word", self.word_like), ("pourcentages_nus", self.last_numeric)) if on]
        if self.sections:
            parts.append(f"rubriques={self.sections}")
        if self.narrow:
            parts.append(f"colonne_etroite={self.narrow}")
        if self.long_cell:
            parts.append("cellule_sur_3_pages")
        if self.header_group:
            parts.append(f"entete_sur_2_lignes={self.header_group}")
        if self.columns != list(CELLS):
            parts.append("colonnes=" + "/".join(c[:6] for c in self.columns))
        changed = [self.headings[c].replace("\n", "⏎") for c in CELLS if c in self.headings
                   and self.headings[c] != HEADINGS[c][0]]
        if changed:
            parts.append("entetes=" + "; ".join(changed))
        return ", ".join(parts)


@dataclass
class Spec:
    """One document of the zoo: where it goes, what made it, its rows (the truth) and its layout."""

    stem: str
    half: str
    cls: str
    producer: str
    seed: int
    commune: str
    rows: list[dict]
    layout: Layout
    kind: str = "tableau"  # tableau | sans_synergies
    layout_note: str = ""  # what the layout's axes do not say (a workbook's extras, the tables of a no-synergy report)

    @property
    def axes(self) -> str:
        if self.kind != "tableau":
            return self.layout_note
        return ", ".join(p for p in (self.layout_note, self.layout.axes()) if p)


def base_layout(rng: random.Random) -> Layout:
    """The axes every document draws, whatever its class: the mix of combinations."""
    lay = Layout()
    lay.font = rng.choice(["Liberation Sans", "Liberation Serif", "DejaVu Sans", "Liberation Sans Narrow"])
    lay.size = rng.choice([8, 9, 9.5, 10, 10, 11, 12])
    lay.landscape = rng.random() < 0.6
    lay.rules = rng.choice(["grille", "grille", "grille", "horizontales", "entete"])
    lay.header_grey = rng.random() < 0.3
    lay.header_repeat = rng.random() < 0.7
    lay.word_like = rng.random() < 0.3
    lay.headings = {c: HEADINGS[c][0] for c in CELLS}
    return lay


def numeric_last(rows: list[dict], rng: random.Random) -> None:
    """Under a "Niveau d'avancement (en %)" heading the cell holds a bare number."""
    for r in rows:
        pct = rng.choice([0, 25, 50, 75, 100])
        r["realisation"] = f"{pct} %"
        r["avancement_pct"] = str(pct)
        r["statut_norm"] = "realise" if pct == 100 else "a_developper" if pct == 0 else "en_cours"


def with_sections(rows: list[dict], rng: random.Random) -> list[tuple[str, dict | None]]:
    """Rows interleaved with section rows, each row's `rubrique` the section above it."""
    sections = rng.sample(RUBRIQUES, k=min(len(RUBRIQUES), max(2, len(rows) // 3)))
    cut = sorted(rng.sample(range(1, len(rows)), k=len(sections) - 1)) if len(rows) > len(sections) else []
    out, current = [], None
    bounds = [0, *cut]
    for i, r in enumerate(rows):
        if i in bounds:
            current = sections[bounds.index(i)]
            out.append((current, None))
        r["rubrique"] = current
        out.append(("", r))
    return out


# Group headings a sheet's two-row header sets over the columns of how a synergy is run.
GROUP_HEADINGS = ["Organisation", "Mise en œuvre"]
GROUPED = ("mode_operatoire", "administration_pilote", "responsable_administratif")


def merged_names(rows: list[dict], rng: random.Random) -> None:
    """One or two runs of 2-3 consecutive rows under one synergy name, written once in a cell merged
    down beside them: each row of the run is a synergy of that name (the truth repeats it)."""
    start = 0
    for _ in range(rng.choice((1, 2))):
        if len(rows) - start < 3:
            break
        first = rng.randrange(start, len(rows) - 2)
        length = rng.choice((2, 3))
        for r in rows[first + 1:first + length]:
            r["synergie"], r["_nom_fusionne"] = rows[first]["synergie"], True
        start = first + length + 1


def long_realisation(rng: random.Random) -> str:
    """A cell that runs over about three pages: many sentences of a long follow-up."""
    return " ".join(rng.choice(DESCRIPTIONS) for _ in range(rng.randint(28, 36)))


# ---------------------------------------------------------------- classes: what each varies
def make_spec(cls: str, seed: int, half: str) -> Spec:
    rng = random.Random(seed)
    lay = base_layout(rng)
    n = rng.randint(6, 14)
    commune, rows = content(rng, half, n)
    producer = "writer"
    if cls == "entetes":
        for c in rng.sample(CELLS, k=rng.randint(3, 6)):
            lay.headings[c] = rng.choice(HEADINGS[c][1:])
        lay.header_grey = rng.random() < 0.5
        lay.title_row = rng.random() < 0.4
        lay.header_repeat = rng.random() < 0.5
        if lay.headings["realisation"].startswith("Niveau"):
            lay.last_numeric = True
    elif cls == "colonnes":
        choice = rng.choice(["ordre", "numero", "extra", "cinq", "ordre+extra"])
        cols = list(CELLS)
        if "ordre" in choice:
            head, tail = cols[:1], cols[1:]
            rng.shuffle(tail)
            cols = head + tail
        if choice == "cinq":
            cols.remove("responsable_administratif")
            for r in rows:
                r["responsable_administratif"], r["responsable_norm"] = "", ""
        if "extra" in choice:
            for extra in rng.sample(sorted(EXTRA_COLUMNS), k=rng.randint(1, 2)):
                cols.insert(rng.randint(1, len(cols)), extra)
        lay.columns = cols
        lay.numbered = choice == "numero" or rng.random() < 0.3
    elif cls == "lignes_serrees":
        lay.rules = rng.choice(["entete", "horizontales", "zebre", "aucune"])
        lay.padding = False
        lay.word_like = False
    elif cls == "rubriques":
        lay.sections = rng.choice(["fusion", "gras"])
    elif cls == "coupures":
        n = rng.randint(7, 11)
        commune, rows = content(rng, half, n)
        lay.header_repeat = rng.random() < 0.4
        if rng.random() < 0.6:
            lay.long_cell = rng.randrange(1, len(rows))
            rows[lay.long_cell]["realisation"] += " " + long_realisation(rng)
        for r in rng.sample(rows, k=len(rows) // 2):  # long cells in other columns break too
            column = rng.choice(["objectif", "synergie", "realisation"])
            r[column] = f"{r[column]} – " + " ".join(rng.sample(DESCRIPTIONS, rng.randint(2, 4)))
        lay.size = rng.choice([10, 11, 12])
    elif cls == "cesure":
        lay.hyphenate = rng.random() < 0.7  # otherwise only the narrow column's long words break, with no hyphen
        lay.narrow = rng.choice(["objectif", "realisation", "synergie", "mode_operatoire"])
        lay.size = rng.choice([10, 11, 12])
    elif cls == "producteurs":
        # Each program in turn, two consecutive seeds (one per half) each: both halves hold all of them.
        producer = ("writer_word", "chromium", "calc", "chromium")[seed % 100 // 2 % 4]
        lay.word_like = producer == "writer_word"
        if producer == "calc":
            lay.rules = "quadrillage"  # the sheet's gridlines, printed
        if producer == "writer_word":
            lay.font = rng.choice(["Liberation Sans", "DejaVu Sans"])
            lay.size = 11
    elif cls in ("tableur", "tableur_fusions"):
        producer = "tableur"
        lay.header_repeat = True
        lay.rules = "quadrillage"
        spreadsheet_cells(rows, rng)
        if cls == "tableur_fusions":
            lay.header_group = rng.choice(GROUP_HEADINGS) if rng.random() < 0.75 else ""
            merged_names(rows, rng)
    elif cls == "fiches":
        producer = "fiches"
        lay.sections = "fiches"
        lay.rules = rng.choice(["grille", "grille", "aucune"])
    if rng.random() < 0.25 and cls not in ("rubriques", "fiches"):
        lay.sections = rng.choice(["fusion", "gras"])  # combinations: sections on top of another axis
    if lay.last_numeric:
        numeric_last(rows, rng)
    stem = f"zoo_{seed}_{cls}"
    note = {"tableur": "classeur: titre et notes, feuille budget, % et date, ligne et colonne masquées, retours à la "
                       "ligne, cellules fusionnées",
            "fiches": "fiches libellé|valeur par synergie, groupées en rubriques, prose entre fiches",
            "tableur_fusions": "classeur: titre et notes, feuille budget, % et date, ligne et colonne masquées, "
                               "retours à la ligne, nom de synergie fusionné vers le bas sur les lignes de son groupe"
            }.get(cls, "")
    return Spec(stem, half, cls, producer, seed, commune, rows, lay, layout_note=note)


# ---------------------------------------------------------------- Writer documents
GREY = "D9D9D9"


def shade(cell, fill: str) -> None:
    tcPr = cell._tc.get_or_add_tcPr()
    tcPr.append(_el("w:shd", val="clear", color="auto", fill=fill))


def new_document(spec: Spec) -> Document:
    lay = spec.layout
    doc = Document()
    sec = doc.sections[0]
    w, h = (29.7, 21.0) if lay.landscape else (21.0, 29.7)
    sec.orientation = WD_ORIENT.LANDSCAPE if lay.landscape else WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Cm(w), Cm(h)
    sec.left_margin = sec.right_margin = sec.top_margin = sec.bottom_margin = Cm(2.0 if lay.word_like else 1.8)
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rfonts = rpr.find(qn("w:rFonts"))
    for k in list(rfonts.attrib):
        del rfonts.attrib[k]
    for k in ("ascii", "hAnsi", "eastAsia", "cs"):
        rfonts.set(qn(f"w:{k}"), lay.font)
    rpr.find(qn("w:lang")).set(qn("w:val"), "fr-BE")
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = lay.font, Pt(lay.size)
    normal.paragraph_format.space_after = Pt(8 if lay.word_like else 0)
    normal.paragraph_format.line_spacing = 1.08 if lay.word_like else 1.0
    if lay.hyphenate:  # the word processor's automatic hyphenation, as a user switches it on
        settings = doc.settings.element
        settings.append(_el("w:autoHyphenation"))
    add_page_number_footer(sec)
    doc.core_properties.title = f"Rapport synergies {spec.commune}"
    return doc


def front_matter(doc: Document, spec: Spec, rng: random.Random) -> None:
    year = rng.choice([2021, 2022, 2023])
    p = doc.add_paragraph()
    run = p.add_run(f"Rapport annuel sur les synergies entre la Commune et le CPAS de {spec.commune} – {year}")
    run.bold, run.font.size = True, Pt(spec.layout.size + 4)
    doc.add_paragraph(
        "Conformément à l'article 26bis de la loi organique des CPAS, le comité de concertation présente "
        "au conseil communal et au conseil de l'action sociale le rapport annuel sur l'état des synergies "
        "entre les deux administrations.")


def fill(cell, text: str, bold: bool = False) -> None:
    lines = text.split("\n")
    p = cell.paragraphs[0]
    for j, line in enumerate(lines):
        run = p.add_run(line)
        run.bold = bold
        if j < len(lines) - 1:
            run.add_break(WD_BREAK.LINE)


def widths(spec: Spec, columns: list[str], text_w: float) -> list[float]:
    share = {"synergie": 1.3, "objectif": 1.3, "mode_operatoire": 1.0, "administration_pilote": 0.8,
             "responsable_administratif": 0.9, "realisation": 1.8, "N°": 0.3}
    raw = [share.get(c, 0.7) for c in columns]
    if spec.layout.narrow in columns:
        raw[columns.index(spec.layout.narrow)] = 0.55
    total = sum(raw)
    return [text_w * r / total for r in raw]


def heading_of(lay: Layout, column: str) -> str:
    return lay.headings.get(column, column) if column in CELLS else column


def writer_table(doc: Document, spec: Spec, rng: random.Random) -> None:
    lay = spec.layout
    columns = (["N°"] if lay.numbered else []) + lay.columns
    text_w = (29.7 if lay.landscape else 21.0) - 2 * (2.0 if lay.word_like else 1.8)
    ws = widths(spec, columns, text_w)
    table = doc.add_table(rows=0, cols=len(columns))
    table.autofit = False
    tblPr = table._tbl.tblPr
    tblPr.append(_el("w:tblW", w=int(sum(ws) * 567), type="dxa"))
    tblPr.append(_el("w:tblLayout", type="fixed"))
    for col, w in zip(table.columns, ws):
        col.width = Cm(w)
    pad = 0 if not lay.padding else 57
    mar = _el("w:tblCellMar")
    for side, w in (("top", pad), ("left", 70), ("bottom", pad), ("right", 70)):
        mar.append(_el(f"w:{side}", w=w, type="dxa"))
    tblPr.append(mar)
    sides = {"grille": dict.fromkeys(("top", "left", "bottom", "right", "insideH", "insideV"), "single"),
             "horizontales": {"top": "single", "bottom": "single", "insideH": "single", "left": "nil", "right": "nil",
                              "insideV": "nil"}}.get(lay.rules, dict.fromkeys(("top", "left", "bottom", "right",
                                                                              "insideH", "insideV"), "nil"))
    set_borders(tblPr, "w:tblBorders", sides)

    def add(values: list[str], header=False, bold=False):
        row = table.add_row()
        trPr = row._tr.get_or_add_trPr()
        if header:
            trPr.append(_el("w:cantSplit"))
            if lay.header_repeat:
                trPr.append(_el("w:tblHeader"))
        for cell, w, value in zip(row.cells, ws, values):
            cell.width = Cm(w)
            fill(cell, value, bold=header or bold)
            if header and lay.header_grey:
                shade(cell, GREY)
            if header and lay.rules in ("entete", "zebre"):
                set_borders(cell._tc.get_or_add_tcPr(), "w:tcBorders", {"bottom": "single"})
        return row

    def spanning(text: str, header: bool = False):
        row = add([text] + [""] * (len(columns) - 1), header=header, bold=True)
        merged = row.cells[0].merge(row.cells[-1])
        for p in merged.paragraphs[1:]:  # merging keeps the empty cells' paragraphs
            p._p.getparent().remove(p._p)
        return merged

    if lay.title_row:
        spanning(f"Tableau des synergies Commune – CPAS de {spec.commune}")
    add([heading_of(lay, c) if c != "N°" else "N°" for c in columns], header=True)
    number, stripe = 0, 0
    for section, r in spec_rows(spec, rng):
        if r is None:
            if lay.sections == "fusion":
                cell = spanning(section)
                if rng.random() < 0.5:
                    shade(cell, "EDEDED")
            else:
                add([section] + [""] * (len(columns) - 1), bold=True)
            continue
        number += 1
        values = []
        for c in columns:
            values.append(f"{number}." if c == "N°" else r[c] if c in CELLS else rng.choice(EXTRA_COLUMNS[c]))
        row = add(values)
        if lay.rules == "zebre":
            stripe += 1
            if stripe % 2 == 0:
                for cell in row.cells:
                    shade(cell, "E7E6E6")


def spec_rows(spec: Spec, rng: random.Random) -> list[tuple[str, dict | None]]:
    if spec.layout.sections:
        return with_sections(spec.rows, rng)
    return [("", r) for r in spec.rows]


def write_docx(spec: Spec, path: Path) -> None:
    rng = random.Random(spec.seed * 7 + 1)
    doc = new_document(spec)
    front_matter(doc, spec, rng)
    if not spec.layout.title_row and rng.random() < 0.5:
        p = doc.add_paragraph()
        p.add_run("Tableau des synergies").bold = True
    if spec.kind == "sans_synergies":
        spec.layout_note = "tableaux: " + ", ".join(non_synergy_tables(doc, rng))
    else:
        writer_table(doc, spec, rng)
    doc.add_paragraph("Le présent rapport a été approuvé par le comité de concertation.")
    doc.save(path)


# ---------------------------------------------------------------- documents with no synergy table
def non_synergy_tables(doc: Document, rng: random.Random) -> list[str]:
    """Two or three of a budget, a staffing table and a glossary; one heading may resemble ours
    (truth: no row). Returns the tables written, for the manifest."""
    tables = {
        "budget": (["Poste", "Budget 2022", "Budget 2023"],
                   [["Frais de personnel", "1 250 000 €", "1 310 000 €"], ["Informatique", "85 000 €", "92 000 €"],
                    ["Synergies (marchés conjoints)", "12 000 €", "15 500 €"], ["Énergie", "210 000 €", "260 000 €"]]),
        "personnel": (["Service", "Administration pilote", "ETP", "Responsable"],
                      [["Accueil", "Ville", "4,5", "Chef de bureau"], ["Informatique", "CPAS", "2", "Responsable informatique"],
                       ["Travaux", "Ville", "18", "Chef des travaux"], ["Social", "CPAS", "11,8", "Assistante sociale en chef"]]),
        "glossaire": (["Terme", "Définition"],
                      [["Synergie", "Mise en commun de moyens entre la Commune et le CPAS."],
                       ["Mode opératoire", "Manière dont la synergie est organisée : coopérative ou délégative."],
                       ["DG", "Directeur général."], ["PST", "Programme stratégique transversal."]]),
    }
    chosen = rng.sample(sorted(tables), k=rng.randint(2, 3))
    for name in chosen:
        head, body = tables[name]
        doc.add_paragraph().add_run({"budget": "Budget des synergies", "personnel": "Effectifs par service",
                                     "glossaire": "Glossaire"}[name]).bold = True
        table = doc.add_table(rows=0, cols=len(head))
        table.style = "Table Grid"
        for values, bold in [(head, True)] + [(b, False) for b in body]:
            row = table.add_row()
            for cell, v in zip(row.cells, values):
                fill(cell, v, bold=bold)
        doc.add_paragraph()
    return chosen


# ---------------------------------------------------------------- HTML printed by Chromium
def write_html(spec: Spec, path: Path) -> None:
    lay = spec.layout
    rng = random.Random(spec.seed * 7 + 1)
    columns = (["N°"] if lay.numbered else []) + lay.columns
    border = {"grille": "border: 1px solid #000;", "horizontales": "border-top: 1px solid #000; border-bottom: 1px solid #000;"}
    cell_css = border.get(lay.rules, "")
    pad = "2px 4px" if lay.padding else "0 3px"
    rows_html = []
    number = 0
    for i, (section, r) in enumerate(spec_rows(spec, rng)):
        if r is None:
            style = "font-weight:bold;background:#eee" if lay.sections == "fusion" else "font-weight:bold"
            rows_html.append(f'<tr><td colspan="{len(columns)}" style="{style}">{_esc(section)}</td></tr>')
            continue
        number += 1
        cells = [f"{number}." if c == "N°" else r[c] if c in CELLS else rng.choice(EXTRA_COLUMNS[c]) for c in columns]
        zebra = ' style="background:#e7e6e6"' if lay.rules == "zebre" and number % 2 == 0 else ""
        rows_html.append(f"<tr{zebra}>" + "".join(f"<td>{_esc(v)}</td>" for v in cells) + "</tr>")
    head = "".join(f"<th>{_esc(heading_of(lay, c))}</th>" for c in columns)
    head_row = f'<tr class="entete">{head}</tr>'
    # A header in <thead> is repeated on every page by the browser; in the body it is not.
    table = (f"<table><thead>{head_row}</thead><tbody>" if lay.header_repeat else f"<table><tbody>{head_row}") \
        + "".join(rows_html) + "</tbody></table>"
    size = "A4 landscape" if lay.landscape else "A4"
    html = f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Synergies {spec.commune}</title>
<style>@page {{ size: {size}; margin: 1.6cm; }}
body {{ font-family: '{lay.font}'; font-size: {lay.size}pt; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ {cell_css} padding: {pad}; vertical-align: top; text-align: left; }}
th {{ font-weight: bold; {"background: #d9d9d9;" if lay.header_grey else ""} {"border-bottom: 1px solid #000;" if lay.rules in ("entete", "zebre") else ""} }}
tr {{ break-inside: auto; }}
</style></head><body>
<h2>Rapport sur les synergies Commune – CPAS de {_esc(spec.commune)}</h2>
<p>Le comité de concertation présente l'état d'avancement des synergies entre la Commune et le CPAS.</p>
{table}
<p>Rapport approuvé par le comité de concertation.</p></body></html>"""
    path.write_text(html, encoding="utf-8")


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")


# ---------------------------------------------------------------- spreadsheets printed by Calc
def write_xlsx(spec: Spec, path: Path) -> None:
    """The table as a commune keeps it in a spreadsheet; the `tableur` class adds what workbooks
    carry: title rows, notes below, a budget sheet, percentage and date cells, a hidden row and
    column, line breaks in cells (`spec.rows` already hold the cells as displayed); `tableur_fusions`
    adds a header over two rows and synergy names merged down beside their rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    lay = spec.layout
    extras = spec.cls in ("tableur", "tableur_fusions")
    rng = random.Random(spec.seed * 7 + 1)
    wb = Workbook()
    ws = wb.active
    ws.title = "Synergies"
    if extras and rng.random() < 0.5:  # the budget sheet comes first
        wb.move_sheet(wb.create_sheet("Budget"), offset=-1)
    columns = (["N°"] if lay.numbered else []) + lay.columns
    if extras:
        columns.insert(rng.randint(1, len(columns)), "Code")
    ws.append([f"Synergies Commune – CPAS de {spec.commune}"])
    ws["A1"].font = Font(bold=True, size=lay.size + 2)
    if extras:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
        ws.append(["Situation au 31 décembre 2023 – document de travail du comité de concertation"])
    ws.append([])
    grouped = [i for i, c in enumerate(columns) if c in GROUPED]
    if lay.header_group and grouped == list(range(grouped[0], grouped[0] + len(grouped))):
        # A header over two rows: the group heading merged across its sub-headings, every other
        # heading merged down both rows.
        ws.append([lay.header_group if i == grouped[0] else "" if i in grouped else heading_of(lay, c)
                   for i, c in enumerate(columns)])
        ws.append([heading_of(lay, c) if i in grouped else "" for i, c in enumerate(columns)])
        header_top, header_row = ws.max_row - 1, ws.max_row
        ws.merge_cells(start_row=header_top, start_column=grouped[0] + 1, end_row=header_top, end_column=grouped[-1] + 1)
        for i in set(range(len(columns))) - set(grouped):
            ws.merge_cells(start_row=header_top, start_column=i + 1, end_row=header_row, end_column=i + 1)
    else:
        lay.header_group = ""  # the "Code" column fell among the grouped ones: one header row
        ws.append([heading_of(lay, c) for c in columns])
        header_top = header_row = ws.max_row
    for row in ws.iter_rows(min_row=header_top, max_row=header_row):
        for cell in row:
            cell.font = Font(bold=True)
            if lay.header_grey:
                cell.fill = PatternFill("solid", fgColor=GREY)
    name_column = columns.index("synergie") + 1
    run_start: int | None = None  # sheet row of the synergy name a run of rows shares
    runs: dict[int, int] = {}  # first row -> last row of each run
    number = 0
    hidden = rng.randrange(len(spec.rows)) if extras else None
    for section, r in spec_rows(spec, rng):
        if r is None:
            ws.append([section])
            ws.cell(ws.max_row, 1).font = Font(bold=True)
            ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(columns))
            run_start = None
            continue
        if number == hidden:  # a row the commune hid: an abandoned synergy, no part of the report
            ws.append([rng.choice(SYNERGIES) + " (abandonnée)" if c == "synergie" else "" for c in columns])
            ws.row_dimensions[ws.max_row].hidden = True
        number += 1
        values = []
        for c in columns:
            if c == "N°":
                values.append(f"{number}.")
            elif c == "Code":
                values.append(f"S-{spec.seed % 100:02d}-{number:02d}")
            elif c in CELLS:
                values.append(r.get("_valeur_" + c, r[c]))
            else:
                values.append(rng.choice(EXTRA_COLUMNS[c]))
        shared = r.get("_nom_fusionne") and run_start is not None
        if shared:  # the name written once, merged down beside the rows of its run
            values[name_column - 1] = ""
        ws.append(values)
        if shared:
            runs[run_start] = ws.max_row
        else:
            run_start = ws.max_row
        for c, cell in zip(columns, ws[ws.max_row]):
            if c in CELLS and "_format_" + c in r:
                cell.number_format = r["_format_" + c]
    for first, last in runs.items():
        ws.merge_cells(start_row=first, start_column=name_column, end_row=last, end_column=name_column)
    if extras:
        ws.append([])
        ws.append(["Note : les pourcentages donnent l'état d'avancement estimé par les services."])
        ws.append(["Source : comité de concertation Commune – CPAS."])
        ws.column_dimensions[get_column_letter(columns.index("Code") + 1)].hidden = True
        budget = wb["Budget"] if "Budget" in wb.sheetnames else wb.create_sheet("Budget")
        for line in (["Poste", "Administration pilote", "Montant 2023"], ["Marchés conjoints", "Ville", 15500],
                     ["Informatique commune", "CPAS", 42000], ["Formation", "Les deux", 8000]):
            budget.append(line)
    width = {"synergie": 24, "objectif": 24, "realisation": 34, "N°": 5, "Code": 8}
    chars = [width.get(c, 15) for c in columns]
    for i, w in enumerate(chars, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    for row in ws.iter_rows(min_row=header_top):
        lines = 1
        for cell, w in zip(row, chars):
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.font = Font(name=lay.font, size=lay.size, bold=bool(cell.font and cell.font.b))
            text = str(cell.value or "")
            if cell.coordinate not in ws.merged_cells:  # merged section rows span the width
                lines = max(lines, sum(int(len(part) * lay.size / (8.5 * w)) + 1 for part in text.split("\n")))
        # The row heights a user's "optimal height" leaves in the file (Calc does not refit on load).
        if not ws.row_dimensions[row[0].row].hidden:
            ws.row_dimensions[row[0].row].height = lines * lay.size * 1.25 + 2
    ws.print_options.gridLines = True
    ws.page_setup.orientation = "landscape" if lay.landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if lay.header_repeat:
        ws.print_title_rows = f"{header_top}:{header_row}"
    wb.save(path)


def spreadsheet_cells(rows: list[dict], rng: random.Random) -> None:
    """Cells a spreadsheet stores as numbers or dates, with the text it displays as the truth:
    0.75 formatted "0%" shows "75%"; a date formatted DD/MM/YYYY shows 15/03/2022 (no status)."""
    import datetime

    for r in rng.sample(rows, k=max(1, len(rows) // 3)):
        pct = rng.choice([0, 25, 40, 75, 100])
        r["_valeur_realisation"], r["_format_realisation"] = pct / 100, "0%"
        r["realisation"], r["avancement_pct"] = f"{pct}%", str(pct)
        r["statut_norm"] = "realise" if pct == 100 else "a_developper" if pct == 0 else "en_cours"
    dated = rng.choice([r for r in rows if "_valeur_realisation" not in r] or rows)
    day = datetime.date(2022, rng.randint(1, 12), rng.randint(1, 28))
    dated["_valeur_realisation"], dated["_format_realisation"] = day, "DD/MM/YYYY"
    dated["realisation"], dated["statut_norm"], dated["avancement_pct"] = day.strftime("%d/%m/%Y"), "", ""
    for r in rng.sample(rows, k=max(1, len(rows) // 4)):  # a line break typed inside a cell (Alt+Enter)
        if "_valeur_realisation" not in r and ". " in r["realisation"]:
            head, tail = r["realisation"].split(". ", 1)
            r["_valeur_realisation"] = f"{head}.\n{tail}"


# ---------------------------------------------------------------- fiches: one small table per synergy
def write_fiches(spec: Spec, path: Path) -> None:
    """One 2-column label | value table per synergy under a "Fiche n° k" heading, fiches grouped
    under section titles, prose between them; fiches run over page ends as they fall."""
    lay = spec.layout
    rng = random.Random(spec.seed * 7 + 1)
    doc = new_document(spec)
    front_matter(doc, spec, rng)
    order = list(CELLS)
    if rng.random() < 0.5:
        order[3:] = rng.sample(order[3:], k=3)
    labels = {c: rng.choice(HEADINGS[c]).replace("-\n", "").replace("\n", " ") for c in CELLS}
    number = 0
    for section, r in spec_rows(spec, rng):
        if r is None:
            p = doc.add_paragraph()
            p.paragraph_format.space_before = Pt(12)
            run = p.add_run(section)
            run.bold, run.font.size = True, Pt(lay.size + 3)
            continue
        number += 1
        p = doc.add_paragraph()
        p.paragraph_format.space_before = Pt(8)
        p.add_run(f"Fiche n° {number}").bold = True
        if rng.random() < 0.3:
            doc.add_paragraph(rng.choice(PROSE))
        table = doc.add_table(rows=0, cols=2)
        if lay.rules == "grille":
            table.style = "Table Grid"
        for c in order:
            row = table.add_row()
            row.cells[0].width, row.cells[1].width = Cm(5), Cm(11 if not lay.landscape else 19)
            fill(row.cells[0], labels[c], bold=True)
            fill(row.cells[1], r[c])
            if lay.header_grey:
                shade(row.cells[0], GREY)
    doc.add_paragraph("Le présent rapport a été approuvé par le comité de concertation.")
    doc.save(path)


PROSE = ["Cette synergie a fait l'objet d'une évaluation par le comité de direction commun.",
         "Les services concernés se réunissent chaque trimestre pour en assurer le suivi.",
         "Le détail des montants figure dans l'annexe budgétaire du présent rapport."]


# ---------------------------------------------------------------- rendering and checking
SOURCE_SUFFIX = {"writer": ".docx", "writer_word": ".docx", "chromium": ".html", "calc": ".xlsx", "tableur": ".xlsx",
                 "fiches": ".docx"}
# The files a spec gives: (suffix, producer as the manifest names it). The source itself when it is
# a document users publish (.xlsx, .docx), its conversions by LibreOffice, its print by Chromium.
OUTPUTS = {"writer": [(".pdf", "writer")], "writer_word": [(".pdf", "writer_word")], "chromium": [(".pdf", "chromium")],
           "calc": [(".pdf", "calc")], "tableur": [(".xlsx", "openpyxl"), (".ods", "calc_ods"), (".pdf", "calc")],
           "fiches": [(".docx", "python-docx"), (".pdf", "writer")]}


def soffice(paths: list[Path], target: str, outdir: Path) -> None:
    """One LibreOffice call for many files, with a throwaway profile."""
    if not paths:
        return
    with tempfile.TemporaryDirectory(prefix="lo_profile_") as profile:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
                        "--outdir", str(outdir), *map(str, paths)], check=True, capture_output=True, timeout=900)


def chromium(html: Path, pdf: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="chromium_") as profile:
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                        html.as_uri()], check=True, capture_output=True, timeout=180)


_SQUEEZE = re.compile(r"[\s\-\u00ad\u2010\u2011\x02\ufffe]+")  # pdfium marks a line-end hyphen \ufffe


def squeezed(text: str) -> str:
    """Text without spaces and hyphens: what is left once lines and hyphenation are undone."""
    return _SQUEEZE.sub("", text.replace("’", "'")).lower()


def pdf_text(path: Path) -> tuple[int, str]:
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return len(pdf), "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def missing_words(pdf: Path, rows: list[dict]) -> list[str]:
    """Truth words the PDF's text layer does not hold: a truth out of step with its document."""
    _, text = pdf_text(pdf)
    stream = squeezed(text)
    missing = []
    for r in rows:
        for column in ("rubrique", *CELLS):
            missing += [w for w in r[column].split() if not present(squeezed(w), stream)]
    return missing


def present(word: str, stream: str) -> bool:
    """A word is in the text, or its two pieces are (hyphenated across a page end, with the
    page's footer and the next header between them)."""
    return word in stream or any(word[:i] in stream and word[i:] in stream for i in range(2, len(word) - 1))


def write_truth(spec: Spec, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=TRUTH_COLUMNS)
        writer.writeheader()
        for r in ([] if spec.kind == "sans_synergies" else spec.rows):
            writer.writerow({k: " ".join(str(r[k]).split()) for k in TRUTH_COLUMNS})


PDF_CLASSES = ("entetes", "colonnes", "lignes_serrees", "rubriques", "coupures", "cesure", "producteurs",
               "pas_synergies")
CLASSES = (*PDF_CLASSES, "tableur", "fiches", "tableur_fusions")


def plan(seed_base: int, per_class: int) -> list[Spec]:
    specs = []
    for index, cls in enumerate(CLASSES):
        # Seeds by class (9000.., 9100.., ...): a class's documents stay the same when others change.
        for seed in range(seed_base + 100 * index, seed_base + 100 * index + per_class):
            half = "dev" if seed % 2 == 0 else "heldout"
            if cls == "pas_synergies":
                rng = random.Random(seed)
                spec = Spec(f"zoo_{seed}_{cls}", half, cls, "writer", seed, rng.choice(COMMUNES), [], base_layout(rng),
                            kind="sans_synergies")
            else:
                spec = make_spec(cls, seed, half)
            specs.append(spec)
    return specs


def output_name(spec: Spec, suffix: str) -> str:
    """The first output keeps the stem; the others say what they are (zoo_9051_tableur_ods.ods)."""
    first = OUTPUTS[spec.producer][0][0]
    return spec.stem + ("" if suffix == first else "_" + suffix[1:]) + suffix


def render(specs: list[Spec], work: Path) -> None:
    """Each spec's source file, then its outputs, in the folder of its half."""
    conversions: dict[str, list[tuple[Path, Path]]] = {}  # target -> (source, destination)
    writers = {"writer": write_docx, "writer_word": write_docx, "chromium": write_html, "calc": write_xlsx,
               "tableur": write_xlsx, "fiches": write_fiches}
    for spec in specs:
        src = work / (spec.stem + SOURCE_SUFFIX[spec.producer])
        writers[spec.producer](spec, src)
        out = ZOO / spec.half
        out.mkdir(parents=True, exist_ok=True)
        for suffix, _ in OUTPUTS[spec.producer]:
            target = out / output_name(spec, suffix)
            if suffix == src.suffix:
                shutil.copyfile(src, target)
            elif src.suffix == ".html":
                chromium(src, target)
            else:
                conversions.setdefault(suffix[1:], []).append((src, target))
    for target_type, pairs in conversions.items():
        converted = work / f"converti_{target_type}"
        soffice([src for src, _ in pairs], target_type, converted)
        for src, target in pairs:
            shutil.move(converted / (src.stem + "." + target_type), target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed-base", type=int, default=9000)
    parser.add_argument("--per-class", type=int, default=8, help="documents per class (half in each half)")
    parser.add_argument("--classes", nargs="+", choices=CLASSES,
                        help="(re)generate only these classes, keeping the other documents and their manifest rows")
    args = parser.parse_args()
    for tool in ("soffice", "chromium"):
        if not shutil.which(tool):
            sys.exit(f"{tool} introuvable : installez LibreOffice et Chromium pour générer le zoo.")
    specs = plan(args.seed_base, args.per_class)
    kept: list[list[str]] = []  # manifest rows of the classes left as they are
    if args.classes:
        specs = [spec for spec in specs if spec.cls in args.classes]
        with (ZOO / "manifest.csv").open(encoding="utf-8", newline="") as f:
            kept = [row for row in list(csv.reader(f))[1:] if row[2] not in args.classes]
        for spec in specs:
            for old in ZOO.glob(f"*/{spec.stem}*"):
                old.unlink()
    else:
        for half in ("dev", "heldout"):
            shutil.rmtree(ZOO / half, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="zoo_") as tmp:
        render(specs, Path(tmp))
    problems = []
    with (ZOO / "manifest.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["file", "half", "class", "producer", "seed", "axes"])
        writer.writerows(kept)
        for spec in specs:
            for suffix, producer in OUTPUTS[spec.producer]:
                document = ZOO / spec.half / output_name(spec, suffix)
                write_truth(spec, document.with_name(document.name.rsplit(".", 1)[0] + ".truth.csv"))
                writer.writerow([document.relative_to(ZOO).as_posix(), spec.half, spec.cls, producer, spec.seed, spec.axes])
            pdf = ZOO / spec.half / output_name(spec, ".pdf")
            pages, _ = pdf_text(pdf)
            lost = missing_words(pdf, spec.rows)
            if lost:
                problems.append(f"{pdf.name}: mots absents du PDF {lost[:5]}")
            print(f"{pdf.relative_to(ROOT)}: {pages} p., {len(spec.rows)} lignes, {spec.axes}")
    if problems:
        sys.exit("\n".join(problems))


if __name__ == "__main__":
    main()
