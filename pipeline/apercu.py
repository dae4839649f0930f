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
from collections import Counter
import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from .diff_report import EMPTY_STATUS, html_report, status_transitions
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
    position = {"field": x, "type": "ordinal", "title": x_title, "sort": None, "axis": {"labelAngle": 0}}
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


def _status_values(records: list[dict], by: str) -> list[dict]:
    """Counts by `by` and status, for `_chart`."""
    statuts = _statut_labels()
    rank = {k: i for i, k in enumerate(statuts)}
    counts = Counter((r[by], r["statut_norm"]) for r in records)
    return [{by: str(key), "statut": statuts.get(statut, statut), "rang": rank.get(statut, len(rank)), "n": n}
            for (key, statut), n in sorted(counts.items(), key=lambda kv: (str(kv[0][0]), rank.get(kv[0][1], 0)))]


@dataclass(frozen=True)
class Cellule:
    """One commune and year on the index: how many synergies, and the share of each status."""

    n: int
    parts: dict[str, int]  # status -> percent


def _shares(records: list[dict]) -> Cellule:
    counts = Counter(r["statut_norm"] for r in records)
    total = len(records)
    return Cellule(total, {k: round(100 * counts[k] / total) for k in _statut_labels() if counts[k]})


def _by(records: list[dict], key: str) -> dict:
    """Records grouped by one field, groups in first-seen order."""
    groups: dict = {}
    for r in records:
        groups.setdefault(r[key], []).append(r)
    return groups


TEXTES = ("commune", "synergie", "statut_norm", "mode_norm", "pilote_norm", "domaine", "motifs_verification")


def _records(table: pd.DataFrame) -> list[dict]:
    """The fields the site shows as plain Python values (empty text or None for unknown), read
    once: the pages are built from these rather than from frames, many thousand times faster to
    slice."""
    def text(column: str) -> list[str]:
        if column not in table:
            return [""] * len(table)
        return [str(v) for v in table[column].astype(object).where(table[column].notna(), "").tolist()]

    def number(column: str) -> list[int | None]:
        if column not in table:
            return [None] * len(table)
        values = pd.to_numeric(table[column], errors="coerce").astype("Float64")
        return [None if pd.isna(v) else int(v) for v in values.tolist()]

    flags = [str(v).lower() in ("true", "1") for v in table["a_verifier"].tolist()]
    columns = {c: text(c) for c in TEXTES}
    columns |= {"annee": number("annee"), "avancement_pct": number("avancement_pct"), "a_verifier": flags}
    return [dict(zip(columns, values)) for values in zip(*columns.values())]


def _table_data(records: list[dict], slugs: dict[str, str]) -> dict:
    """Every synergy for the searchable table, each text stored once and referenced by number."""
    texts: dict[str, int] = {}

    def ref(value: str) -> int:
        return texts.setdefault(value, len(texts))

    rows = [[ref(r["commune"]), r["annee"], ref(r["synergie"]), ref(r["domaine"]), ref(r["statut_norm"]),
             r["avancement_pct"], ref(r["mode_norm"]), ref(r["pilote_norm"]), int(r["a_verifier"])] for r in records]
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


def _years(records: list[dict]) -> list[int]:
    return sorted({r["annee"] for r in records if r["annee"] is not None})


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as Python objects: slicing Arrow-backed strings a thousand times is slow."""
    return frame.astype({c: object for c in frame.columns if pd.api.types.is_string_dtype(frame[c])})


def _slugs(communes: list[str]) -> dict[str, str]:
    """Each commune's file name, unique even if two names fold alike."""
    slugs: dict[str, str] = {}
    for commune in communes:
        base, n = slug(commune), 2
        name = base
        while name in slugs.values():
            name, n = f"{base}-{n}", n + 1
        slugs[commune] = name
    return slugs


def _changes(commune_slug: str, pairs: dict[tuple[int, int], pd.DataFrame], statuts: dict[str, str],
             pages: dict[str, str]) -> list[dict]:
    """Each pair of years of one commune: its evolution page (added to `pages`), counts, the
    status moves and the synergies whose status changed."""
    def name(status: str) -> str:
        return statuts.get("" if status == EMPTY_STATUS else status, status)

    changes = []
    for (avant, apres), diff in sorted(pairs.items()):
        page = _evolution_name(commune_slug, avant, apres)
        pages[f"evolution/{page}"] = html_report(diff)
        kinds = diff["changement"].tolist()
        moved = [(n, a, b) for k, n, a, b in zip(kinds, diff["synergie_apres"].tolist(),
                                                 diff["statut_norm_avant"].tolist(), diff["statut_norm_apres"].tolist())
                 if k in ("modifiee", "inchangee") and (a or "") != (b or "")]
        changes.append({"avant": avant, "apres": apres, "page": f"../evolution/{page}",
                        "transitions": [(name(a), name(b), n) for a, b, n in status_transitions(diff)],
                        "synergies": moved, "compte": {k: kinds.count(k) for k in ("ajoutee", "supprimee", "modifiee")}})
    return changes


def site_pages(table: pd.DataFrame, evolution: pd.DataFrame) -> dict[str, str]:
    """Every file of the site but the static ones: relative path -> text."""
    records = _records(table)
    env = _environment()
    years = _years(records)
    by_commune = _by(records, "commune")
    communes = sorted(by_commune, key=fold)
    slugs = _slugs(communes)
    labels = domaines()
    statuts = _statut_labels()
    common = {"statuts": statuts, "domaines": labels, "couleurs": COULEURS, "modes": MODES, "pilotes": PILOTES}
    pages: dict[str, str] = {}

    index_rows = [{"commune": c, "page": f"communes/{slugs[c]}.html",
                   "annees": {a: _shares(rows) for a, rows in _by(by_commune[c], "annee").items() if a is not None}}
                  for c in communes]
    par_domaine = Counter(r["domaine"] for r in records)
    named = [{**r, "domaine": labels.get(r["domaine"], "À classer")} for r in records]
    pages["index.html"] = env.get_template("index.html").render(
        **common, racine="", titre="Synergies commune–CPAS : aperçu", annees=years, lignes=index_rows,
        total=len(records), n_communes=len(communes), par_domaine=par_domaine,
        graphique=_chart("Nombre de synergies par année, toutes communes, par statut",
                         _status_values(records, "annee"), "annee", "Année"),
        graphique_domaines=_chart("Nombre de synergies par domaine, toutes années, par statut",
                                  _status_values(named, "domaine"), "domaine", "Domaine", horizontal=True))

    pairs = _pairs(_plain(evolution), {c: _years(rows) for c, rows in by_commune.items()})
    for commune in communes:
        rows = by_commune[commune]
        by_year = _by(rows, "annee")
        pages[f"communes/{slugs[commune]}.html"] = env.get_template("commune.html").render(
            **common, racine="../", titre=f"{commune} : synergies commune–CPAS", commune=commune,
            annees=[(a, by_year[a]) for a in sorted(a for a in by_year if a is not None)]
            + ([("Année inconnue", by_year[None])] if None in by_year else []),
            changements=_changes(slugs[commune], pairs.get(commune, {}), statuts, pages),
            graphique=_chart(f"{commune} : nombre de synergies par année et par statut",
                             _status_values(rows, "annee"), "annee", "Année"))

    by_domaine = _by(records, "domaine")
    for domaine, libelle in labels.items():
        rows = by_domaine.get(domaine, [])
        lignes = [{"commune": c, "page": f"../communes/{slugs[c]}.html", "annees": Counter(r["annee"] for r in group)}
                  for c, group in sorted(_by(rows, "commune").items(), key=lambda kv: fold(kv[0]))]
        pages[f"domaines/{domaine}.html"] = env.get_template("domaine.html").render(
            **common, racine="../", titre=f"{libelle} : synergies commune–CPAS", domaine=domaine, libelle=libelle,
            annees=years, lignes=lignes, total=len(rows), graphiques=bool(rows),
            graphique=_chart(f"{libelle} : nombre de synergies par année et par statut, toutes communes",
                             _status_values(rows, "annee"), "annee", "Année") if rows else None)

    pages["synergies.html"] = env.get_template("synergies.html").render(
        **common, racine="", titre="Toutes les synergies", annees=years, communes=communes, graphiques=False)
    pages["donnees/synergies.js"] = "window.SYNERGIES = " + json.dumps(
        _table_data(records, {c: f"communes/{s}.html" for c, s in slugs.items()}),
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
