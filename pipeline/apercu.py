"""apercu: a static site over one run's output, for people who want to see rather than query.

Pages (French, one folder `apercu/` that works opened from the disk, no server, no network):
`index.html` (communes × years, counts and status shares), `communes/<commune>.html` (its
synergies year by year, status changes linked to the year-over-year pages in `evolution/`,
a chart), `domaines/<domaine>.html` (one domain across communes) and `synergies.html` (every
synergy: search, filters, sort).

Charts are Vega-Lite specifications rendered in the page by the Vega JavaScript vendored in
`apercu_site/static/` (no CDN). Chosen over matplotlib SVG files because the site is built in the
time of writing JSON (about 75 ms per matplotlib figure would be 20 s for 250 communes), the
charts follow the phone's width, and their data stay readable as tables beside them. The full
table loads its rows from one compact script (`donnees/synergies.js`, texts stored once and
referenced) and shows them a page at a time, so 250 communes × 5 years stay far under 2 MB.

`site_pages` is pure (tables in, page texts out); `write_site` writes them into a temporary
folder renamed over `apercu/` at the end, so a failed build leaves the previous site.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from .diff_report import html_report, status_transitions
from .domaine import domaines
from .normalise import canonical_values
from .vocabulary import fold

DOSSIER = "apercu"
STATIC = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js", "apercu.css", "apercu.js")

STATUTS = {"realise": "Réalisé", "en_cours": "En cours", "a_developper": "À développer",
           "sans_objet": "Sans objet", "": "Non renseigné"}
# Colour-blind safe (Okabe-Ito), each with enough contrast on white for a bar and its legend.
COULEURS = {"realise": "#009E73", "en_cours": "#E69F00", "a_developper": "#0072B2",
            "sans_objet": "#CC79A7", "": "#8C8C8C"}
MODES = {"cooperatif": "Coopératif", "delegatif": "Délégatif", "cooperatif_delegatif": "Coopératif et délégatif", "": ""}
PILOTES = {"ville": "Ville", "cpas": "CPAS", "les_deux": "Les deux", "": ""}


def slug(text: str) -> str:
    """A file name from a commune's name: folded, words joined by hyphens."""
    return "-".join(fold(text).split()) or "sans-nom"


def _statut_labels() -> dict[str, str]:
    """The status values of the vocabulary, in its order, with their French names."""
    return {v: STATUTS.get(v, v) for v in (*canonical_values("statut_norm"), "")}


def _chart(description: str, values: list[dict], x: str, x_title: str, horizontal: bool = False) -> dict:
    """A stacked bar chart of synergy counts by status (Vega-Lite)."""
    statuts = _statut_labels()
    order = list(statuts.values())
    position = {"field": x, "type": "ordinal", "title": x_title, "sort": None}
    count = {"field": "n", "type": "quantitative", "title": "Synergies", "stack": "zero"}
    return {
        "description": description,
        "width": "container",
        "height": {"step": 18} if horizontal else 220,
        "data": {"values": values},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "y" if horizontal else "x": position,
            "x" if horizontal else "y": count,
            "color": {"field": "statut", "type": "nominal", "title": "Statut",
                      "scale": {"domain": order, "range": [COULEURS[k] for k in statuts]},
                      "legend": {"orient": "bottom", "columns": 3}},
            "order": {"field": "rang", "type": "quantitative"},
        },
        "config": {"font": "sans-serif", "axis": {"labelFontSize": 12, "titleFontSize": 12},
                   "legend": {"labelFontSize": 12, "titleFontSize": 12}},
    }


def _status_values(table: pd.DataFrame, by: str) -> list[dict]:
    """Counts by `by` and status, for `_chart`."""
    statuts = _statut_labels()
    rank = {k: i for i, k in enumerate(statuts)}
    counts = table.groupby([by, "statut_norm"], sort=True).size()
    return [{by: str(key), "statut": statuts.get(statut, statut), "rang": rank.get(statut, len(rank)), "n": int(n)}
            for (key, statut), n in counts.items()]


@dataclass(frozen=True)
class Cellule:
    """One commune and year on the index: how many synergies, and the share of each status."""

    n: int
    parts: dict[str, int]  # status -> percent


def _shares(rows: pd.DataFrame) -> Cellule:
    counts = rows["statut_norm"].value_counts()
    total = len(rows)
    return Cellule(total, {k: round(100 * int(counts.get(k, 0)) / total) for k in _statut_labels() if counts.get(k, 0)})


def _years(table: pd.DataFrame) -> list[int]:
    return sorted(int(a) for a in table["annee"].dropna().unique())


def _prepared(table: pd.DataFrame) -> pd.DataFrame:
    """The columns the site shows, as plain text (empty for unknown), whatever the file type."""
    frame = table.copy()
    for column in ("commune", "synergie", "objectif", "realisation", "statut_norm", "mode_norm", "pilote_norm",
                   "domaine", "motifs_verification", "fichier_source", "id_synergie"):
        if column not in frame:
            frame[column] = ""
        frame[column] = frame[column].astype(object).where(frame[column].notna(), "").astype(str)
    frame["annee"] = pd.array(pd.to_numeric(frame["annee"], errors="coerce"), dtype="Int64")
    frame["avancement_pct"] = pd.array(pd.to_numeric(frame.get("avancement_pct"), errors="coerce"), dtype="Int64")
    frame["a_verifier"] = frame["a_verifier"].astype(str).str.lower().isin(["true", "1"])
    return frame


def _table_data(table: pd.DataFrame, slugs: dict[str, str]) -> dict:
    """Every synergy for the searchable table, each text stored once and referenced by number."""
    texts: dict[str, int] = {}

    def ref(value: str) -> int:
        return texts.setdefault(value, len(texts))

    rows = [[ref(c), int(a) if pd.notna(a) else None, ref(s), ref(d), ref(st), int(p) if pd.notna(p) else None,
             ref(m), ref(pi), int(v)]
            for c, a, s, d, st, p, m, pi, v in zip(
                table["commune"], table["annee"], table["synergie"], table["domaine"], table["statut_norm"],
                table["avancement_pct"], table["mode_norm"], table["pilote_norm"], table["a_verifier"])]
    return {"textes": list(texts), "lignes": rows, "pages": slugs,
            "domaines": domaines(), "statuts": _statut_labels(), "modes": MODES, "pilotes": PILOTES}


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("pipeline", "apercu_site/templates"),
                      autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["json"] = lambda value: json.dumps(value, ensure_ascii=False).replace("</", "<\\/")
    env.filters["nombre"] = lambda n: f"{n:,}".replace(",", "\u202f")
    return env


def _pairs(evolution: pd.DataFrame, years: dict[str, list[int]]) -> dict[str, dict[tuple[int, int], pd.DataFrame]]:
    """The year-over-year diff split by commune and pair of years. An added synergy has no year
    before, a removed one none after: the commune's previous or next year completes the pair."""
    if evolution.empty:
        return {}
    before = pd.to_numeric(evolution["annee_avant"], errors="coerce")
    after = pd.to_numeric(evolution["annee_apres"], errors="coerce")
    keys = []
    for commune, avant, apres in zip(evolution["commune"], before, after):
        known = years.get(commune, [])
        if pd.notna(avant):
            avant = int(avant)
            apres = int(apres) if pd.notna(apres) else next((y for y in known if y > avant), avant)
        else:
            apres = int(apres)
            avant = max((y for y in known if y < apres), default=apres)
        keys.append((commune, avant, apres))
    found: dict[str, dict[tuple[int, int], pd.DataFrame]] = {}
    for (commune, avant, apres), diff in evolution.groupby(pd.Series(keys, index=evolution.index), sort=True):
        found.setdefault(commune, {})[(avant, apres)] = diff
    return found


def _evolution_name(commune_slug: str, avant: int, apres: int) -> str:
    return f"{commune_slug}-{avant}-{apres}.html"


def site_pages(table: pd.DataFrame, evolution: pd.DataFrame) -> dict[str, str]:
    """Every file of the site but the static ones: relative path -> text."""
    table = _prepared(table)
    env = _environment()
    years = _years(table)
    communes = sorted(table["commune"].unique(), key=fold)
    slugs: dict[str, str] = {}
    for commune in communes:
        base, n = slug(commune), 2
        name = base
        while name in slugs.values():
            name, n = f"{base}-{n}", n + 1
        slugs[commune] = name
    labels = domaines()
    statuts = _statut_labels()
    common = {"statuts": statuts, "domaines": labels, "couleurs": COULEURS, "modes": MODES, "pilotes": PILOTES}
    pages: dict[str, str] = {}

    by_commune = dict(tuple(table.groupby("commune", sort=False)))
    index_rows = []
    for commune in communes:
        rows = by_commune[commune]
        cells = {int(a): _shares(r) for a, r in rows.groupby("annee", sort=True)}
        index_rows.append({"commune": commune, "page": f"communes/{slugs[commune]}.html", "annees": cells})
    pages["index.html"] = env.get_template("index.html").render(
        **common, racine="", titre="Synergies commune–CPAS : aperçu", annees=years, lignes=index_rows,
        total=len(table), n_communes=len(communes),
        graphique=_chart("Nombre de synergies par année, toutes communes, par statut",
                         _status_values(table, "annee"), "annee", "Année"),
        graphique_domaines=_chart("Nombre de synergies par domaine, toutes années, par statut",
                                  _status_values(table.assign(domaine=table["domaine"].map(
                                      lambda d: labels.get(d, "À classer"))), "domaine"),
                                  "domaine", "Domaine", horizontal=True),
        par_domaine=table.groupby("domaine").size().to_dict())

    pairs = _pairs(evolution, {c: _years(r) for c, r in by_commune.items()})
    for commune in communes:
        rows = by_commune[commune]
        changes = []
        for (avant, apres), diff in pairs.get(commune, {}).items():
            name = _evolution_name(slugs[commune], avant, apres)
            pages[f"evolution/{name}"] = html_report(diff)
            moved = diff[diff["changement"].isin(["modifiee", "inchangee"])
                         & (diff["statut_norm_avant"].fillna("") != diff["statut_norm_apres"].fillna(""))]
            changes.append({"avant": avant, "apres": apres, "page": f"../evolution/{name}",
                            "transitions": [(statuts.get(a if a != "(vide)" else "", a), statuts.get(b if b != "(vide)" else "", b), n)
                                            for a, b, n in status_transitions(diff)],
                            "synergies": moved[["synergie_apres", "statut_norm_avant", "statut_norm_apres"]]
                            .fillna("").itertuples(index=False, name=None),
                            "compte": {k: int((diff["changement"] == k).sum()) for k in ("ajoutee", "supprimee", "modifiee")}})
        changes.sort(key=lambda c: c["avant"])
        pages[f"communes/{slugs[commune]}.html"] = env.get_template("commune.html").render(
            **common, racine="../", titre=f"{commune} : synergies commune–CPAS", commune=commune,
            annees=[(int(a), r.to_dict("records")) for a, r in rows.groupby("annee", sort=True)],
            sans_annee=rows[rows["annee"].isna()].to_dict("records"), changements=changes,
            graphique=_chart(f"{commune} : nombre de synergies par année et par statut",
                             _status_values(rows, "annee"), "annee", "Année"))

    for domaine, libelle in labels.items():
        rows = table[table["domaine"] == domaine]
        lignes = [{"commune": c, "page": f"../communes/{slugs[c]}.html",
                   "annees": r.groupby("annee").size().to_dict()} for c, r in
                  sorted(rows.groupby("commune"), key=lambda kv: fold(kv[0]))]
        pages[f"domaines/{domaine}.html"] = env.get_template("domaine.html").render(
            **common, racine="../", titre=f"{libelle} : synergies commune–CPAS", domaine=domaine, libelle=libelle,
            annees=years, lignes=lignes, total=len(rows), graphiques=len(rows) > 0,
            graphique=_chart(f"{libelle} : nombre de synergies par année et par statut, toutes communes",
                             _status_values(rows, "annee"), "annee", "Année") if len(rows) else None)

    pages["synergies.html"] = env.get_template("synergies.html").render(
        **common, racine="", titre="Toutes les synergies", annees=years, communes=communes, graphiques=False)
    pages["donnees/synergies.js"] = "window.SYNERGIES = " + json.dumps(
        _table_data(table, {c: f"communes/{s}.html" for c, s in slugs.items()}),
        ensure_ascii=False, separators=(",", ":")) + ";\n"
    return pages


def write_site(table: pd.DataFrame, evolution: pd.DataFrame, out: Path) -> Path:
    """The site in `out/apercu/`, swapped in whole; returns its folder."""
    out.mkdir(parents=True, exist_ok=True)
    target = out / DOSSIER
    build = Path(tempfile.mkdtemp(prefix=f".{DOSSIER}.", dir=out))
    try:
        for relative, text in site_pages(table, evolution).items():
            path = build / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        static = resources.files("pipeline").joinpath("apercu_site", "static")
        (build / "static").mkdir()
        for name in STATIC:
            (build / "static" / name).write_bytes(static.joinpath(name).read_bytes())
        os.chmod(build, 0o755)  # mkdtemp makes it private; the site is meant to be shared
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{DOSSIER}.ancien.", dir=out))
            os.replace(target, old / DOSSIER)
        os.replace(build, target)
        if old is not None:
            shutil.rmtree(old)
    finally:
        if build.exists():
            shutil.rmtree(build)
    return target
