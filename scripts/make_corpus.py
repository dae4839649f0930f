"""Build raw/: a small corpus as users keep it, several fictional communes over two or three years.

Run from the repository root (needs LibreOffice, like make_samples.py):

    .venv/bin/python scripts/make_corpus.py

The communes are invented, and so is everything that names a person. Each commune's first report
takes a seeded sample of the Mons 2020 reference rows (tests/reference/), reworded for the commune;
each later year is the previous one edited the way real reports are: statuses move on (« À
l'étude » → « En cours » → « Réalisé »), a synergy is renamed or corrected, one is dropped, one
is added. The documents come in the formats communes publish (PDF with or without cell borders,
DOCX, ODT), through make_samples.py's builders (python-docx, then LibreOffice). Two files show
what a user's folder also holds: the same report downloaded twice, and one report published both
as PDF and as DOCX; `synergies run raw` keeps one of each pair and lists the other in
doublons.csv. The same seed gives the same rows (LibreOffice's bytes differ at each run, so the
committed files are best left alone).
"""
from __future__ import annotations

import random
import re
import shutil
import sys
import tempfile
from pathlib import Path

from make_samples import ROOT, build_document, docx_to_odt, docx_to_pdf, load_rows, shown

SEED = 2026
STATUSES = ("À l'étude", "En cours", "Réalisé")  # a synergy's status only moves forward
# Invented communes: (name, folder, first year, years, format of each year's report)
COMMUNES = (
    ("Hautrive", "hautrive", (2020, 2021, 2022), ("pdf_regle", "docx", "pdf_sans_filets")),
    ("Val-des-Saules", "val_des_saules", (2021, 2022), ("odt", "pdf_regle")),
    ("Bois-Ferrand", "bois_ferrand", (2020, 2021, 2022), ("pdf_regle", "pdf_sans_filets", "docx")),
)
# Rewordings a commune's secretary might make of the Mons wording.
REWORDINGS = ((r"Ville de Mons", "Commune"), (r"\bVM\b", "Commune"), (r"\bVille\b", "Commune"), (r"Mons Mag", "bulletin communal"),
              (r"Buisseret", "la maison de quartier"), (r"\s*\((?:Morgane Baton|Georges)\)", ""),
              (r"Viasano", "« Bouger plus »"))
ADDED = (  # synergies a commune starts in a later year
    {"synergie": "Marchés publics conjoints de fournitures scolaires", "objectif": "Moyens",
     "mode_operatoire": "Coopératif", "administration_pilote": "Commune",
     "responsable_administratif": "DG Commune", "realisation": "À l'étude"},
    {"synergie": "Plan de cohésion sociale : permanence logement commune", "objectif": "Satisfaction du citoyen",
     "mode_operatoire": "Délégatif", "administration_pilote": "CPAS",
     "responsable_administratif": "DG CPAS", "realisation": "À l'étude"},
    {"synergie": "Délégué à la protection des données partagé", "objectif": "Performance administrative",
     "mode_operatoire": "Coopératif", "administration_pilote": "Les deux",
     "responsable_administratif": "Les deux", "realisation": "En cours"},
)
_STATUS_FIRST = re.compile(r"(En cours|Réalis|Effectif|\d+ ?%)", re.IGNORECASE)
RENAMES = ((r"\bPole\b", "Pôle"), (r"Voierie", "Voirie"), (r"Egalite", "Égalité"), (r"GRH\b", "Ressources humaines"))


def reworded(text: str) -> str:
    for pattern, replacement in REWORDINGS:
        text = re.sub(pattern, replacement, text)
    return " ".join(text.split())


def first_year(rng: random.Random, reference: list[dict], size: int) -> list[dict]:
    rows = []
    for row in sorted(rng.sample(reference, size), key=lambda r: r["ligne"]):
        new = {k: reworded(v) if isinstance(v, str) else v for k, v in row.items()}
        if rng.random() < 0.5 and not _STATUS_FIRST.match(new["realisation"]):
            new["realisation"] = f"{rng.choice(STATUSES[:2])}. {new['realisation']}".rstrip(". ")
        rows.append(new)
    return rows


def next_year(rng: random.Random, rows: list[dict], added: dict) -> list[dict]:
    """The previous year's report with a year's edits: statuses forward, one renamed, one dropped,
    one added."""
    out = [dict(r) for r in rows]
    for row in out:
        for i, status in enumerate(STATUSES[:2]):
            if row["realisation"].startswith(status) and rng.random() < 0.6:
                row["realisation"] = STATUSES[i + 1] + row["realisation"][len(status):]
                break
    renamable = [r for r in out if any(re.search(p, r["synergie"]) for p, _ in RENAMES)]
    if renamable:
        row = rng.choice(renamable)
        for pattern, replacement in RENAMES:
            row["synergie"] = re.sub(pattern, replacement, row["synergie"])
    del out[rng.randrange(len(out))]
    out.insert(rng.randrange(len(out) + 1), dict(added, entete_derniere_colonne="Réalisation"))
    return out


def write_report(rows: list[dict], commune: str, year: int, fmt: str, target: Path) -> None:
    numbered = [dict(r, ligne=n) for n, r in enumerate(rows, start=1)]
    half = len(numbered) // 2 + 1
    doc = build_document(numbered, ruled=fmt != "pdf_sans_filets", year=year, commune=commune,
                         tables=[range(1, half), range(half, len(numbered) + 1)],
                         repeat_header=[True, True], gaps=[0, 12], layout={})
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="make_corpus_") as tmp:
        docx = Path(tmp) / f"{target.stem}.docx"
        doc.save(docx)
        if fmt == "docx":
            shutil.copyfile(docx, target)
        elif fmt == "odt":
            docx_to_odt(docx, target)
        else:
            docx_to_pdf(docx, target)
    print(f"{shown(target)}: {len(rows)} synergies")


def suffix(fmt: str) -> str:
    return ".pdf" if fmt.startswith("pdf") else f".{fmt}"


def main() -> None:
    if not shutil.which("soffice"):
        sys.exit("LibreOffice (soffice) is required to build the corpus")
    rng = random.Random(SEED)
    reference = load_rows()
    added = iter(ADDED * len(COMMUNES))
    for commune, folder, years, formats in COMMUNES:
        rows = first_year(rng, reference, rng.randint(10, 14))
        for n, (year, fmt) in enumerate(zip(years, formats)):
            if n:
                rows = next_year(rng, rows, next(added))
            write_report(rows, commune, year, fmt, ROOT / "raw" / folder / str(year) / f"{folder}_{year}{suffix(fmt)}")
    # What a user's folder also holds: one report downloaded twice, one published in two formats.
    twice = ROOT / "raw/hautrive/2021/hautrive_2021.docx"
    shutil.copyfile(twice, twice.with_name("hautrive_2021 (1).docx"))
    print(f"{shown(twice.with_name('hautrive_2021 (1).docx'))}: copie à l'identique")
    pdf = ROOT / "raw/bois_ferrand/2022/bois_ferrand_2022.pdf"
    docx_to_pdf(ROOT / "raw/bois_ferrand/2022/bois_ferrand_2022.docx", pdf)
    print(f"{shown(pdf)}: le même rapport en PDF")


if __name__ == "__main__":
    main()
