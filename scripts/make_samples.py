"""Build realistic sample "rapport sur les synergies commune–CPAS" PDFs.

Run from the repository root:

    .venv/bin/python scripts/make_samples.py

Needs LibreOffice (`soffice` on PATH) and ideally the Carlito font
(apt: libreoffice-writer fonts-crosextra-carlito fonts-liberation2 poppler-utils).
The PDFs it writes are committed; tests and the pipeline never need LibreOffice.

Each report is written as a DOCX with python-docx, converted to PDF by
LibreOffice, then checked with pdfplumber: every reference word must come back
in its column and in order, and at least one table row must run over a page
boundary (rows are allowed to split, as in real reports).

Outputs:
  tests/data/mons/2020/mons_2020_regle.pdf       every cell border drawn
  tests/data/mons/2020/mons_2020_sans_filets.pdf no borders, one rule under each header row
  tests/data/mons/2020/mons_2020_balise.pdf      the same, exported as a tagged PDF (structure tree)
  tests/data/sans_tableau.pdf             title page, prose and a budget table only
  tests/data/mons/2020/mons_2020.docx            the ruled report as built, before conversion
  tests/data/mons/2020/mons_2020.odt             the same converted to OpenDocument by LibreOffice
  tests/data/mons/2021/mons_2021_regle.pdf       the next year (tests/reference/mons_2021_reference.csv)
  tests/data/variantes/*.pdf              the 2020 rows in another commune's layout (OTHER_STYLE)
  tests/data/variantes/mons_2020_portrait_cesures.pdf  the same, hyphenated automatically
                                          (needs LibreOffice's French patterns, apt: hyphen-fr)

`make_samples.py office` writes only the DOCX and the ODT, leaving the committed PDFs alone;
`make_samples.py variantes` only the layout variants; `make_samples.py balise` only the tagged PDF;
`make_samples.py cesures` only the hyphenated variant.
`make_samples.py 2021` writes only the 2021 report (LibreOffice output differs at each run, so
the committed 2020 PDFs are best left alone); with no argument every file is rebuilt.
"""
from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests/reference/mons_synergies_reference.csv"
REFERENCE_2021 = ROOT / "tests/reference/mons_2021_reference.csv"

PAGE_W, PAGE_H, MARGIN = 29.7, 21.0, 2.0  # cm, A4 landscape
FIELDS = ["synergie", "objectif", "mode_operatoire", "administration_pilote",
          "responsable_administratif", "realisation"]
HEADERS = ["Synergie ou groupe de synergies",
           "Objectif (satisfaction du citoyen/performance administrative/moyens)",
           "Mode opératoire (coopératif/délégatif)",
           "Administration pilote (ville – CPAS – les deux)",
           "Responsable administratif (DG ville- Dg CPAS - les deux)"]
COL_SHARE = [0.175, 0.215, 0.15, 0.11, 0.11, 0.24]  # col 1 fits "virtualisation/hébergement"


@dataclass(frozen=True)
class Style:
    """How one commune's word processor lays the report out (defaults: the Mons samples)."""

    page_w: float = PAGE_W  # cm
    page_h: float = PAGE_H
    margin: float = MARGIN
    font: str = ""  # empty: Carlito if installed, else Liberation Sans
    size: float = 10.0  # pt
    col_share: tuple[float, ...] = tuple(COL_SHARE)
    headers: tuple[str, ...] = tuple(HEADERS)  # the first five headings
    last_header: str = ""  # empty: the reference's own ("Réalisation", "Résultat obtenu")
    header_centered: bool = False
    cell_margin_tb: int = 40  # twips above and below each cell's text
    space_after: float = 0.0  # pt after each paragraph, in cells too (Word's default is 8)
    header_rule: bool = True  # in an unruled table, a rule under the header row
    hyphenate: bool = False  # Word's "hyphenate automatically": words broken at line ends

    @property
    def text_w(self) -> float:
        return self.page_w - 2 * self.margin


DEFAULT_STYLE = Style()

# Explicit breaks inside cells, copied from the real report's layout.
# "\n" = line break inside a paragraph, "\n\n" = new paragraph (so "\n\n\n\n"
# leaves an empty paragraph).  Joining the lines with spaces must give back the
# reference value exactly; cell_paragraphs() checks this.
LAYOUT = {
    (2, "mode_operatoire"): "Mutualisation des ressources, des procédures, des formations.\nVision commune.\nPartage d’expériences.\n\n\n\n\n\n",
    (3, "mode_operatoire"): "Coopératif (coordination administrative par le CPAS)\n+\nDélégatif (exécution par le Garage)",
    (3, "administration_pilote"): "CPAS décisionnaire pour son charroi.\nVM exécutant.",
    (4, "realisation"): "La Cellule assurances de la VM (Morgane Baton) gère les assurances ayant trait à notre personnel (accidents de travail, …)\n\n",
    (6, "mode_operatoire"): "Coopératif (pour l’étude du projet)\n+ délégatif (pour exécution des travaux)",
    (9, "realisation"): "Interventions pour des cas exceptionnels nécessitant par ex un outillage spécifique (nacelle)\n+\nRéalisation de compositions florales (fleurs achetées par le CPAS via BC)",
    (10, "objectif"): "Examen, sur base de la situation sociale de l’usager, de la prise en charge de la facture taxe immondice\n\n",
    (11, "synergie"): "Social /\nMise à disposition de bâtiments",
    (11, "objectif"): "Satisfaction du citoyen\nPar l’organisation de permanences décentralisées du service social du CPAS.",
    (12, "synergie"): "Social /\nGardiens de la paix : présence salle d’attente du CPAS",
    (14, "synergie"): "GRH\nFormations bureautiques des agents",
    (16, "synergie"): "GRH\nPlan de formation annuelle conformément aux dispositions du PACTE",
    (17, "synergie"): "GRH\nSIPP commun Ville CPAS\n\n",
    (18, "synergie"): "GRH\nCellule informatique commune Ville CPAS",
    (18, "responsable_administratif"): "DG Ville et DG CPAS\n\n\n\n\n\n",
    (20, "synergie"): "GRH\nMises à disposition de personnel",
    (21, "synergie"): "Pole accueil\nGRH",
    (21, "realisation"): "Equipe mixte :\n1 agent ville\n3 agents CPAS",
    (22, "synergie"): "Pole accueil\nGestion des associations",
    (23, "synergie"): "Pole accueil\nCellule Communication",
    (23, "realisation"): "Création d’affiches et invitations dans le cadre des évènements. du Pôle (validation par la communication)\n\n\n\nInsertion des infos et modifications de celles-ci sur le site internet Ville/CPAS / Fb",
    (24, "synergie"): "Pole accueil\nEtat civil/Pop.",
    (25, "synergie"): "Egalite des chances\nGestion des associations",
    (26, "synergie"): "Egalité des chances\nCellule Communication",
    (26, "realisation"): "Impression des brochures du SECC (Séances infos Amies des Aînés, Café Alzheimer, Viasano…)\n\nInsertion d’articles dans le Mons Mag (visibilité) + site internet Ville et CPAS",
    (27, "synergie"): "Egalité des chances\nConseils consultatifs",
    (28, "synergie"): "Egalité des chances\nEducation",
    (29, "objectif"): "Traitement des demandes des 2 Administrations – rationaliser les coûts en effectifs – cette synergie est ancrée dans notre mode de fonctionnement, le Département IT travaille pour les deux entités sans distinction et en fonction des besoins.\n\n",
    (30, "synergie"): "Informatique\nAchats réalisés via des Centrales de Marchés\n(i-City, SPW, Forem, Province)",
    (30, "mode_operatoire"): "\n\nCoopératif",
    (30, "administration_pilote"): "\n\nles deux",
    (30, "responsable_administratif"): "\n\nLes deux",
    (30, "realisation"): "\n\neffectif",
    (31, "synergie"): "Informatique\nMise en place d’un Comité de Suivi Informatique",
    (31, "objectif"): "Suivi et avis relatifs aux projets du Département IT – Difficulté de convocation liée à la concordance des agendas, permets d’exposer uniformément la situation IT à chaque entité, plus de transparence – manque de dynamisme soulevé, manque d’efficacité, souhait de faire évoluer le CSI\n\n\n\n",
    (32, "synergie"): "Informatique\nRenouvellement de nos d’infrastructures de virtualisation/hébergement",
    (32, "realisation"): "En cours\nLa phase d’étude de la nouvelle solution et finalisation de l’offre est finalisée. Dossier d’attribution en cours. L’implémentation s’étendra dans le courant du premier semestre 2021, la mise à disposition de virtualisation utilisateur est attendue début second semestre 2021.\n\n\n\n",
    (33, "synergie"): "Informatique\nAcquisitions de logiciel de bureau",
    (34, "synergie"): "Informatique\nSites Internet/ Intranet",
    (34, "realisation"): "En cours\nSouhait de migrer la plateforme intranet vers un extranet. Projet initié phase d’étude à venir. Le site internet du CPAS va prochainement migrer vers un sous site du site Web de la Ville (uniformisation du design)",
}

BUDGET = [  # Poste, budget N-1, budget N (page 1, unrelated to synergies)
    ("Dotation communale au CPAS", "28.450.000,00 €", "29.120.000,00 €"),
    ("Service informatique commun (quote-part CPAS)", "412.500,00 €", "438.750,00 €"),
    ("Marchés publics conjoints – frais de publication", "12.500,00 €", "13.200,00 €"),
    ("Formation du personnel (plan commun)", "86.300,00 €", "91.450,00 €"),
    ("Service interne de prévention (SIPP)", "154.800,00 €", "158.900,00 €"),
]


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def cell_paragraphs(ligne: int, field: str, value: str, layout: dict | None = None) -> list[list[str]]:
    """Paragraphs (each a list of lines) for one cell; plain value if no layout fits."""
    laid_out = (LAYOUT if layout is None else layout).get((ligne, field))
    if laid_out is None or norm(laid_out.replace("\n", " ")) != norm(value):
        laid_out = value  # e.g. an edited row in another year
    return [p.split("\n") for p in laid_out.split("\n\n")]


def load_rows(path: Path = REFERENCE) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["ligne"] = int(r["ligne"])
    return rows


def body_font() -> str:
    fonts = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    return "Carlito" if "Carlito" in fonts else "Liberation Sans"


# ---------------------------------------------------------------- docx helpers
def _el(tag: str, **attrs) -> OxmlElement:
    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), str(v))
    return el


def set_borders(parent, tag: str, sides: dict[str, str]) -> None:
    """sides: {"top": "single"|"nil", ...} -> <w:tblBorders>/<w:tcBorders>."""
    old = parent.find(qn(tag))
    if old is not None:
        parent.remove(old)
    box = _el(tag)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        if side in sides:
            val = sides[side]
            box.append(_el(f"w:{side}", val=val, sz=6 if val == "single" else 0,
                           space=0, color="000000" if val == "single" else "auto"))
    parent.append(box)


def add_page_number_footer(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("Page ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = p.add_run()
        if kind:
            run._r.append(_el("w:fldChar", fldCharType=kind))
        elif text.strip() == "PAGE":
            instr = _el("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text


def new_document(style: Style, title: str) -> Document:
    font = style.font or body_font()
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE if style.page_w > style.page_h else WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Cm(style.page_w), Cm(style.page_h)
    sec.left_margin = sec.right_margin = sec.top_margin = sec.bottom_margin = Cm(style.margin)
    sec.footer_distance = Cm(0.9)
    # Replace the theme fonts of the default template by a concrete font.
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rfonts = rpr.find(qn("w:rFonts"))
    for k in list(rfonts.attrib):
        del rfonts.attrib[k]
    for k in ("ascii", "hAnsi", "eastAsia", "cs"):
        rfonts.set(qn(f"w:{k}"), font)
    rpr.find(qn("w:lang")).set(qn("w:val"), "fr-BE")
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = font, Pt(style.size)
    normal.paragraph_format.space_after = Pt(style.space_after)
    normal.paragraph_format.line_spacing = 1.0
    add_page_number_footer(sec)
    if style.hyphenate:  # LibreOffice honours it with the document's language patterns (fr-BE)
        doc.settings.element.append(_el("w:autoHyphenation"))
    doc.core_properties.title = title
    doc.core_properties.language = "fr-BE"
    return doc


def add_prose(doc: Document, text: str, *, size: float = 10, bold: bool = False,
              align=WD_ALIGN_PARAGRAPH.JUSTIFY, after: float = 6) -> None:
    p = doc.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_after = Pt(after)
    run = p.add_run(text)
    run.font.size, run.bold = Pt(size), bold


def fill_cell(cell, paragraphs: list[list[str]], *, bold: bool = False, align=None) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    for i, lines in enumerate(paragraphs):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        if align is not None:
            p.alignment = align
        for j, line in enumerate(lines):
            run = p.add_run(line)
            run.bold = bold
            if j < len(lines) - 1:
                run.add_break(WD_BREAK.LINE)


def make_table(doc: Document, n_cols: int, widths_cm: list[float], *, ruled: bool, margin_tb: int = 40):
    table = doc.add_table(rows=0, cols=n_cols)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    tblPr = table._tbl.tblPr
    tblPr.append(_el("w:tblW", w=int(sum(widths_cm) * 567), type="dxa"))
    mar = _el("w:tblCellMar")
    for side, w in (("top", margin_tb), ("left", 108), ("bottom", margin_tb), ("right", 108)):
        mar.append(_el(f"w:{side}", w=w, type="dxa"))
    tblPr.append(mar)
    val = "single" if ruled else "nil"
    set_borders(tblPr, "w:tblBorders", {s: val for s in ("top", "left", "bottom", "right", "insideH", "insideV")})
    for col, w in zip(table.columns, widths_cm):
        col.width = Cm(w)
    return table


def add_row(table, widths_cm, values: list[list[list[str]]], *, header=False, repeat=False,
            ruled=True, aligns=None, header_rule=True):
    row = table.add_row()
    trPr = row._tr.get_or_add_trPr()
    if header:
        trPr.append(_el("w:cantSplit"))
        if repeat:
            trPr.append(_el("w:tblHeader"))
    for i, (cell, w, paras) in enumerate(zip(row.cells, widths_cm, values)):
        cell.width = Cm(w)
        fill_cell(cell, paras, bold=header, align=aligns[i] if aligns else None)
        if header and not ruled and header_rule:
            set_borders(cell._tc.get_or_add_tcPr(), "w:tcBorders", {"bottom": "single"})
    return row


def add_budget_table(doc: Document, year: int) -> None:
    widths = [11.0, 4.5, 4.5]
    table = make_table(doc, 3, widths, ruled=True)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    add_row(table, widths, [[[h]] for h in ("Poste", f"Budget {year - 1}", f"Budget {year}")],
            header=True, aligns=[None, right, right])
    for poste, a, b in BUDGET:
        add_row(table, widths, [[[poste]], [[a]], [[b]]], aligns=[None, right, right])


def add_front_matter(doc: Document, commune: str, year: int) -> None:
    add_prose(doc, f"Ville de {commune} – CPAS de {commune}", size=16, bold=True,
              align=WD_ALIGN_PARAGRAPH.CENTER, after=4)
    add_prose(doc, f"Rapport sur les synergies entre la commune et le CPAS – Année {year}",
              size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=18)
    add_prose(doc, "Conformément à l’article 26bis, § 5, de la loi du 8 juillet 1976 organique des "
              "centres publics d’action sociale, tel que modifié par le décret du 19 juillet 2018 "
              "intégrant le renforcement des synergies entre les communes et les CPAS, le comité de "
              "concertation établit chaque année un rapport sur l’ensemble des synergies existantes "
              "et à développer entre la commune et le centre public d’action sociale. Ce rapport "
              "est présenté lors de la réunion conjointe annuelle du conseil communal et du conseil "
              "de l’action sociale.")
    add_prose(doc, f"Le présent rapport reprend, pour l’année {year}, les synergies mises en œuvre "
              "entre les services de la Ville et du CPAS, leur objectif, leur mode opératoire, "
              "l’administration pilote et le responsable administratif, ainsi que l’état de leur "
              "réalisation. Il fait également état des économies d’échelle et de la suppression des "
              "doubles emplois ou chevauchements d’activités. Pour mémoire, les crédits inscrits "
              "aux budgets pour les postes concernés sont rappelés ci-dessous.", after=10)
    add_budget_table(doc, year)


def build_document(rows: list[dict], *, ruled: bool, year: int, commune: str,
                   tables: list[range], repeat_header: list[bool], gaps: list[float],
                   layout: dict | None = None, style: Style = DEFAULT_STYLE) -> Document:
    """Title page with prose and budget table, then one synergy table per range of
    reference lines; repeat_header[t] marks table t's header row as repeating,
    gaps[t] is the space (pt) above the empty paragraph before table t (t > 0)."""
    doc = new_document(style, f"Rapport synergies Ville-CPAS {commune} {year}")
    add_front_matter(doc, commune, year)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    widths = [style.text_w * s for s in style.col_share]
    centre = [WD_ALIGN_PARAGRAPH.CENTER] * 6 if style.header_centered else None
    by_line = {r["ligne"]: r for r in rows}
    for t, (lines, repeat, gap) in enumerate(zip(tables, repeat_header, gaps)):
        if t > 0:  # short empty paragraph between two tables
            p = doc.add_paragraph()
            p.paragraph_format.space_before = Pt(gap)
        last_header = style.last_header or by_line[lines[0]]["entete_derniere_colonne"]
        table = make_table(doc, 6, widths, ruled=ruled, margin_tb=style.cell_margin_tb)
        add_row(table, widths, [[[h]] for h in (*style.headers, last_header)],
                header=True, repeat=repeat, ruled=ruled, aligns=centre, header_rule=style.header_rule)
        for n in lines:
            r = by_line[n]
            add_row(table, widths, [cell_paragraphs(n, f, r[f], layout) for f in FIELDS], ruled=ruled)
    return doc


# ---------------------------------------------------------------- conversion
def docx_to_pdf(docx_path: Path, pdf_path: Path, tagged: bool = False) -> None:
    """LibreOffice's PDF export; `tagged` adds the structure tree (Table, TR, TD...)."""
    target = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}' if tagged else "pdf"
    with tempfile.TemporaryDirectory(prefix="lo_profile_") as profile, \
            tempfile.TemporaryDirectory(prefix="lo_out_") as out:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", target, "--outdir", out, str(docx_path)],
                       check=True, capture_output=True, timeout=180)
        pdf_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(out) / (docx_path.stem + ".pdf"), pdf_path)


def docx_to_odt(docx_path: Path, odt_path: Path) -> None:
    """The same LibreOffice conversion, to OpenDocument text (the ODT sample)."""
    convert(docx_path, "odt", odt_path)


def convert(source: Path, target_format: str, target: Path) -> None:
    """LibreOffice's conversion of `source` to `target_format` ("odt", "ods", "pdf"), written to `target`."""
    with tempfile.TemporaryDirectory(prefix="lo_profile_") as profile, \
            tempfile.TemporaryDirectory(prefix="lo_out_") as out:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", target_format, "--outdir", out, str(source)],
                       check=True, capture_output=True, timeout=180)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(out) / f"{source.stem}.{target_format.partition(':')[0]}", target)


# ---------------------------------------------------------------- checking
def _rejoin_after_hyphens(words: list[tuple]) -> list[tuple]:
    """'Bien-' + 'être).' -> 'Bien-être).': LibreOffice breaks lines after a compound's hyphen."""
    out: list[tuple] = []
    for word in words:
        if out and out[-1][0].endswith("-") and len(out[-1][0]) > 1:
            out[-1] = (out[-1][0] + word[0], *out[-1][1:])
        else:
            out.append(word)
    return out


def _placed_by_letters(pdf_path: Path, col: int, expected: list[tuple], found: list[tuple]) -> list[tuple]:
    """A hyphenated column checked letter by letter: words broken at line ends ("coordi-" +
    "nation", "Ville/" + "CPAS") hold the same letters, hyphens aside. Each printed word goes to
    the row of its first letter: [(ligne, page, top)]."""
    letters = [(ch, ligne) for w, ligne in expected for ch in w.replace("-", "")]
    want, got = "".join(c for c, _ in letters), "".join(w.replace("-", "") for w, *_ in found)
    if want != got:
        k = next((i for i, (a, b) in enumerate(zip(want, got)) if a != b), min(len(want), len(got)))
        raise SystemExit(f"{pdf_path}: column {col + 1} text differs at letter {k}: "
                         f"expected {want[k:k + 30]!r}, got {got[k:k + 30]!r}")
    placed, k = [], 0
    for w, pno, top in found:
        placed.append((letters[min(k, len(letters) - 1)][1], pno, top))
        k += len(w.replace("-", ""))
    return placed


def check_layout(pdf_path: Path, rows: list[dict], tables: list[range], style: Style = DEFAULT_STYLE) -> dict:
    """Map every body word of the synergy tables back to its reference row.

    Words are assigned to a column by x position, read column by column in
    page/line order (bold header words and the footer are skipped) and must
    equal the reference cell words in row order.  Returns the page count, the
    pages with a header row at the top, and for each row printed on more than
    one page: {ligne: [(page, header_above_it_on_that_page), ...]}.
    """
    cm = 72 / 2.54
    edges = [style.margin * cm]
    for s in style.col_share:
        edges.append(edges[-1] + s * style.text_w * cm)
    first_heading_word = style.headers[0].split()[0]
    in_tables = {n for rng in tables for n in rng}
    expected = {i: [] for i in range(6)}  # column -> [(word, ligne)]
    for r in rows:
        if r["ligne"] in in_tables:
            for i, f in enumerate(FIELDS):
                expected[i] += [(w, r["ligne"]) for w in norm(r[f]).split()]
    found = {i: [] for i in range(6)}  # column -> [(word, page, top)]
    header_tops: dict[int, list[float]] = {}
    import pdfplumber  # only to check what was built (the zoo's tests import this module's docx helpers)

    with pdfplumber.open(pdf_path) as pdf:
        n_pages = len(pdf.pages)
        for pno, page in enumerate(pdf.pages[1:], start=2):  # synergy tables start on page 2
            words = page.extract_words(extra_attrs=["fontname"])
            bottom = page.height - style.margin * cm
            header_tops[pno] = [w["top"] for w in words
                                if "Bold" in w["fontname"] and norm(w["text"]) == first_heading_word]
            body = [w for w in words if "Bold" not in w["fontname"] and w["bottom"] < bottom]
            for w in sorted(body, key=lambda w: (round(w["top"]), w["x0"])):
                col = max(i for i in range(6) if w["x0"] >= edges[i] - 1)
                found[col] += [(t, pno, w["top"]) for t in norm(w["text"]).split()]
    where: dict[int, dict[int, float]] = {}  # ligne -> {page: top of its first word there}
    for col in range(6):
        if style.hyphenate:
            placed = _placed_by_letters(pdf_path, col, expected[col], found[col])
        else:
            found[col] = _rejoin_after_hyphens(found[col])
            exp_words, got_words = [w for w, _ in expected[col]], [w for w, *_ in found[col]]
            if exp_words != got_words:
                k = next((i for i, (a, b) in enumerate(zip(exp_words, got_words)) if a != b),
                         min(len(exp_words), len(got_words)))
                raise SystemExit(f"{pdf_path}: column {col + 1} text differs at word {k}: "
                                 f"expected {exp_words[k:k + 8]}, got {got_words[k:k + 8]}")
            placed = [(ligne, pno, top) for (_, ligne), (_, pno, top) in zip(expected[col], found[col])]
        for ligne, pno, top in placed:
            tops = where.setdefault(ligne, {})
            tops[pno] = min(top, tops.get(pno, top))
    first_body = {p: min(t[p] for t in where.values() if p in t) for p in header_tops
                  if any(p in t for t in where.values())}
    header_first = [p for p in header_tops
                    if header_tops[p] and (p not in first_body or min(header_tops[p]) < first_body[p])]
    split = {n: [(p, any(h < top for h in header_tops[p])) for p, top in sorted(t.items())]
             for n, t in sorted(where.items()) if len(t) > 1}
    return {"pages": n_pages, "header_pages": header_first, "split_rows": split}


def build_report(rows: list[dict], pdf_path: Path, *, ruled: bool, year: int, commune: str,
                 tables: list[range], repeat_header: list[bool],
                 gaps: list[float] | None = None, docx_path: Path | None = None,
                 layout: dict | None = None, style: Style = DEFAULT_STYLE, tagged: bool = False) -> dict:
    """Write one report as PDF (and as DOCX if docx_path is given), check and describe it."""
    gaps = gaps or [12.0] * len(tables)
    doc = build_document(rows, ruled=ruled, year=year, commune=commune, tables=tables,
                         repeat_header=repeat_header, gaps=gaps, layout=layout, style=style)
    with tempfile.TemporaryDirectory(prefix="make_samples_") as tmp:
        src = docx_path or Path(tmp) / (pdf_path.stem + ".docx")
        doc.save(src)
        docx_to_pdf(src, pdf_path, tagged)
    info = check_layout(pdf_path, rows, tables, style)
    no_header = [p for p in range(2, info["pages"] + 1) if p not in info["header_pages"]]
    print(f"{shown(pdf_path)}: {info['pages']} pages; table header at the top of "
          f"pages {info['header_pages']}; pages starting without header: {no_header}")
    for n, pages in info["split_rows"].items():
        cont = ", ".join(f"p.{p} {'below a repeated header' if h else 'with no header above'}"
                         for p, h in pages[1:])
        print(f"  row {n} breaks across pages {[p for p, _ in pages]}: continued on {cont}")
    if not info["split_rows"]:
        raise SystemExit(f"{pdf_path}: no table row breaks across a page; adjust tables/gaps")
    return info


def build_sans_tableau(pdf_path: Path, *, year: int = 2020, commune: str = "Mons") -> None:
    doc = new_document(DEFAULT_STYLE, f"Note budgétaire Ville-CPAS {commune} {year}")
    add_prose(doc, f"Ville de {commune} – CPAS de {commune}", size=16, bold=True,
              align=WD_ALIGN_PARAGRAPH.CENTER, after=4)
    add_prose(doc, f"Note de synthèse budgétaire – Exercice {year}", size=14, bold=True,
              align=WD_ALIGN_PARAGRAPH.CENTER, after=18)
    add_prose(doc, "Document présenté lors de la réunion conjointe du conseil communal et du conseil "
              "de l’action sociale.", align=WD_ALIGN_PARAGRAPH.CENTER)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    add_prose(doc, "Introduction", size=12, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    add_prose(doc, "La présente note accompagne le budget de l’exercice et rappelle l’évolution des "
              "crédits consacrés aux services partagés entre la Ville et le CPAS. Elle ne dresse pas "
              "l’inventaire des synergies, qui fait l’objet d’un rapport distinct prévu par le "
              "décret du 19 juillet 2018.")
    add_prose(doc, "Les montants ci-dessous sont exprimés en euros et correspondent aux crédits "
              "inscrits aux budgets initiaux, hors modifications budgétaires.", after=10)
    add_budget_table(doc, year)
    add_prose(doc, "", after=6)
    add_prose(doc, "La hausse de la dotation communale résulte principalement de l’indexation des "
              "rémunérations et de l’augmentation du nombre de bénéficiaires du revenu "
              "d’intégration sociale.")
    with tempfile.TemporaryDirectory(prefix="make_samples_") as tmp:
        src = Path(tmp) / (pdf_path.stem + ".docx")
        doc.save(src)
        docx_to_pdf(src, pdf_path)
    import pdfplumber  # only to check what was built (the zoo's tests import this module's docx helpers)

    with pdfplumber.open(pdf_path) as pdf:
        text = "\n".join(p.extract_text() or "" for p in pdf.pages)
        print(f"{shown(pdf_path)}: {len(pdf.pages)} pages")
    if "Synergie ou groupe" in text or "Budget" not in text:
        raise SystemExit(f"{pdf_path}: unexpected content")


MONS_2020_TABLES = [range(1, 11), range(11, 21), range(21, 30), range(30, 36)]

# Mons 2021: the 2020 report with a year's edits (new and dropped synergies, status, pilot and
# mode changes, corrected names, a moved row); its rows are tests/reference/mons_2021_reference.csv.
# 2021 line -> 2020 line it continues, so an unchanged cell keeps the 2020 line breaks (LAYOUT).
# The diff test's expected pairs (tests/reference/mons_2020_2021_diff_attendu.csv) are these too.
MONS_2021_ORIGINE = {
    **{n: n for n in range(1, 14)}, 14: 35, 15: 14, 16: 16, 17: 17, 18: 18, 20: 19,
    **{n: n - 1 for n in range(21, 29)}, **{n: n - 1 for n in range(30, 36)},
}  # 19, 29, 36 are new; 2020 lines 15 and 28 were dropped
MONS_2021_TABLES = [range(1, 11), range(11, 22), range(22, 31), range(31, 37)]


def build_mons_2021() -> None:
    rows = load_rows(REFERENCE_2021)
    layout = {(new, field): text for (old, field), text in LAYOUT.items()
              for new, was in MONS_2021_ORIGINE.items() if was == old}
    build_report(rows, ROOT / "tests/data/mons/2021/mons_2021_regle.pdf", ruled=True, year=2021,
                 commune="Mons", tables=MONS_2021_TABLES, repeat_header=[True, True, False, True],
                 gaps=[0, 12, 12, 12], layout=layout)


# Another commune's habits, to test the extractor on a layout it was not tuned on: A4 portrait,
# a serif font at 9 pt, headings worded otherwise and centred, Word-like spacing after each
# paragraph (inside cells too), no padding above or below cell text, and one long table whose
# header row is never repeated.
OTHER_STYLE = Style(page_w=21.0, page_h=29.7, margin=1.5, font="Liberation Serif", size=9.0,
                    col_share=(0.22, 0.22, 0.13, 0.13, 0.13, 0.17),
                    headers=("Intitulé de la synergie", "Objectifs", "Mode de fonctionnement", "Pilote",
                             "Responsable"),
                    last_header="État d’avancement", header_centered=True, cell_margin_tb=0, space_after=3.0)


def build_variants() -> None:
    """The Mons 2020 rows in OTHER_STYLE: ruled, unruled, and unruled with no rule at all, not
    even under the header (tests/data/variantes/)."""
    for ruled, name, style in ((True, "regle", OTHER_STYLE), (False, "sans_filets", OTHER_STYLE),
                               (False, "sans_aucun_filet", replace(OTHER_STYLE, header_rule=False))):
        build_report(load_rows(), ROOT / f"tests/data/variantes/mons_2020_portrait_{name}.pdf", ruled=ruled,
                     year=2020, commune="Mons", tables=[range(1, 36)], repeat_header=[False], gaps=[0],
                     style=style)


def build_hyphenated() -> None:
    """The Mons 2020 rows in OTHER_STYLE, unruled, hyphenated automatically as Word or LibreOffice
    do when asked: words broken at line ends by a hyphen that is not the author's."""
    build_report(load_rows(), ROOT / "tests/data/variantes/mons_2020_portrait_cesures.pdf", ruled=False,
                 year=2020, commune="Mons", tables=[range(1, 36)], repeat_header=[False], gaps=[0],
                 style=replace(OTHER_STYLE, hyphenate=True))


def build_tagged() -> None:
    """The unruled Mons 2020 report (the harder one for geometry) as a tagged PDF."""
    build_report(load_rows(), ROOT / "tests/data/mons/2020/mons_2020_balise.pdf", ruled=False, year=2020,
                 commune="Mons", tables=MONS_2020_TABLES, repeat_header=[True, True, False, True],
                 gaps=[0, 12, 24, 12], tagged=True)


def build_office_samples() -> None:
    """The ruled Mons 2020 report as DOCX (python-docx's own output) and as ODT (LibreOffice's
    conversion of it), for the readers of structured documents; no PDF is written."""
    out = ROOT / "tests/data/mons/2020"
    out.mkdir(parents=True, exist_ok=True)
    doc = build_document(load_rows(), ruled=True, year=2020, commune="Mons", tables=MONS_2020_TABLES,
                         repeat_header=[True, True, False, True], gaps=[0, 12, 12, 12])
    doc.save(out / "mons_2020.docx")
    docx_to_odt(out / "mons_2020.docx", out / "mons_2020.odt")
    for path in (out / "mons_2020.docx", out / "mons_2020.odt"):
        print(f"{shown(path)}: {path.stat().st_size} bytes")


def main() -> None:
    if not shutil.which("soffice"):
        sys.exit("LibreOffice (soffice) is required to rebuild the samples")
    # One argument rebuilds only that part: LibreOffice output bytes differ at each run, so the
    # committed files are best left alone.
    only = {"office": build_office_samples, "2021": build_mons_2021, "variantes": build_variants,
            "balise": build_tagged, "cesures": build_hyphenated}
    if len(sys.argv) == 2 and sys.argv[1] in only:
        only[sys.argv[1]]()
        return
    rows = load_rows()
    by_line = {r["ligne"]: r for r in rows}
    stale = [k for k, v in LAYOUT.items() if norm(v.replace("\n", " ")) != norm(by_line[k[0]][k[1]])]
    if stale:  # a LAYOUT entry that no longer matches the reference would be silently ignored
        sys.exit(f"LAYOUT entries differ from the reference: {stale}")
    out = ROOT / "tests/data/mons/2020"
    common = dict(year=2020, commune="Mons", tables=MONS_2020_TABLES,
                  repeat_header=[True, True, False, True])
    # The gaps before tables 2-4 (points) were chosen so that several rows run
    # over a page boundary, one of them onto a page without header (table 3).
    build_report(rows, out / "mons_2020_regle.pdf", ruled=True, gaps=[0, 12, 12, 12], **common)
    build_report(rows, out / "mons_2020_sans_filets.pdf", ruled=False, gaps=[0, 12, 24, 12], **common)
    build_sans_tableau(ROOT / "tests/data/sans_tableau.pdf")
    build_office_samples()
    build_mons_2021()
    build_variants()
    build_hyphenated()
    build_tagged()


if __name__ == "__main__":
    main()
