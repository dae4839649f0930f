"""The diff as a report people read: a Markdown file and a self-contained HTML page.

Both say the same things, in the same order: how many synergies were added, removed, modified or
left unchanged; which status moved to which (en_cours → realise : 3); then every change with the
old and new text side by side, the words that changed highlighted. Pure functions: a diff table
(pipeline.diff.diff_tables) in, text out; `write_diff`, the only writer, puts the table and both
reports in files.
"""

from __future__ import annotations

import difflib
import html
import re
from collections import Counter
from functools import lru_cache
from math import isnan
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from . import export
from .diff import CHANGES, COMPARED_COLUMNS

CHANGE_TITLES = {"ajoutee": "Ajoutées", "supprimee": "Supprimées", "modifiee": "Modifiées", "inchangee": "Inchangées"}
COLUMN_TITLES = {
    "synergie": "Synergie",
    "objectif": "Objectif",
    "mode_operatoire": "Mode opératoire",
    "administration_pilote": "Administration pilote",
    "responsable_administratif": "Responsable administratif",
    "realisation": "Réalisation",
    "objectifs_norm": "Objectifs (libellés)",
    "mode_norm": "Mode (libellé)",
    "pilote_norm": "Pilote (libellé)",
    "responsable_norm": "Responsable (libellé)",
    "statut_norm": "Statut (libellé)",
    "avancement_pct": "Avancement (%)",
}
EMPTY_STATUS = "(vide)"


# ---------------------------------------------------------------- what the report says
def change_counts(diff: pd.DataFrame) -> dict[str, int]:
    """Rows per change type, every type present (0 when none)."""
    found = Counter(diff["changement"].tolist())  # a list walks faster than a pandas column
    return {change: found.get(change, 0) for change in CHANGES}


def status_transitions(diff: pd.DataFrame) -> list[tuple[str, str, int]]:
    """(status before, status after, number of synergies), most frequent first.

    Only synergies found in both years whose status label changed; an empty label shows as (vide).
    """
    paired = diff[diff["changement"].isin(["modifiee", "inchangee"])]
    moves = Counter(
        (before or EMPTY_STATUS, after or EMPTY_STATUS)
        for before, after in zip(paired["statut_norm_avant"].tolist(), paired["statut_norm_apres"].tolist())
        if before != after
    )
    return sorted(((a, b, n) for (a, b), n in moves.items()), key=lambda t: (-t[2], t[0], t[1]))


@lru_cache(maxsize=2**14)  # the Markdown and the HTML report of one diff compare the same texts
def word_changes(old: str, new: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """The two texts as runs of words, each flagged True where it differs from the other text."""
    a, b = old.split(), new.split()
    left: list[tuple[str, bool]] = []
    right: list[tuple[str, bool]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if a[i1:i2]:
            left.append((" ".join(a[i1:i2]), op != "equal"))
        if b[j1:j2]:
            right.append((" ".join(b[j1:j2]), op != "equal"))
    return left, right


def _records(frame: pd.DataFrame) -> list[dict]:
    """The rows as plain dicts of text ("" for a missing value), but the score, a float (NaN for
    none); each column turned into Python objects in one go: a pandas row (or an element-wise walk
    of a column) per synergy costs more than writing the report."""
    columns = {}
    for name in frame.columns:
        column = frame[name]
        if name == "score_appariement":
            columns[name] = column.to_numpy(dtype="float64", na_value=float("nan")).tolist()
        else:
            values = column.to_numpy(dtype=object, na_value="").tolist()
            columns[name] = values if column.dtype == "str" else [v if isinstance(v, str) else str(v) for v in values]
    return [dict(zip(columns, values)) for values in zip(*columns.values())]


def _value(row: dict, column: str, side: str) -> str:
    return row[f"{column}_{side}"]


def _years(diff: pd.DataFrame) -> str:
    before = sorted({int(y) for y in diff["annee_avant"].dropna()})
    after = sorted({int(y) for y in diff["annee_apres"].dropna()})
    show = lambda ys: ", ".join(map(str, ys)) or "?"  # noqa: E731
    return f"{show(before)} → {show(after)}"


def _changed_columns(row: dict) -> list[str]:
    return [c for c in row["champs_modifies"].split("|") if c]


def _filled_columns(row: dict, side: str) -> list[str]:
    return [c for c in COMPARED_COLUMNS if _value(row, c, side)]


class Content(NamedTuple):
    """What both reports say, taken from the diff once: its years, communes, counts per change,
    status transitions, and per change shown (modified, added, removed) its rows with their heading."""
    years: str
    communes: list[str]
    counts: dict[str, int]
    transitions: list[tuple[str, str, int]]
    sections: dict[str, list[tuple[str, dict]]]


SHOWN_CHANGES = ("modifiee", "ajoutee", "supprimee")


def report_content(diff: pd.DataFrame) -> Content:
    """The content of both reports, each row of the changes shown turned into text once."""
    sections: dict[str, list[tuple[str, dict]]] = {change: [] for change in SHOWN_CHANGES}
    for row in _records(diff[diff["changement"].isin(SHOWN_CHANGES)]):
        sections[row["changement"]].append((_heading(row), row))
    return Content(_years(diff), list(pd.unique(diff["commune"])), change_counts(diff), status_transitions(diff),
                   sections)


def _heading(row: dict) -> str:
    name = row["synergie_apres"] or row["synergie_avant"]
    where = " → ".join(line for line in (row["ligne_avant"], row["ligne_apres"]) if line)
    score = "" if isnan(row["score_appariement"]) else f", appariement {row['score_appariement']:.0f}/100"
    return f"{row['commune']} — {name} (ligne {where}{score})"


# ---------------------------------------------------------------- Markdown
# Each character Markdown would read as markup, escaped with a backslash.
_MD_MARKUP = "\\`*_~[]<>|#"
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in _MD_MARKUP})
_MD_FOUND = re.compile(f"[{re.escape(_MD_MARKUP)}]")


def _md(text: str) -> str:
    # Most texts hold no markup: looking for it is ten times cheaper than translating every character.
    return text.translate(_MD_SPECIAL) if _MD_FOUND.search(text) else text


def _md_runs(runs: list[tuple[str, bool]], mark: str) -> str:
    return " ".join(f"{mark}{_md(text)}{mark}" if changed else _md(text) for text, changed in runs)


def markdown_report(diff: pd.DataFrame) -> str:
    """The report as Markdown: deleted words ~~struck~~ on the left, inserted words **bold** on the right."""
    return _markdown(report_content(diff))


def _markdown(content: Content) -> str:
    out = [f"# Synergies : changements {content.years}", ""]
    communes = ", ".join(content.communes) or "aucune"
    out += [f"Communes : {_md(communes)}", "", "## Résumé", "", "| changement | synergies |", "|---|---:|"]
    out += [f"| {CHANGE_TITLES[c].lower()} | {n} |" for c, n in content.counts.items()]
    out += ["", "## Changements de statut", ""]
    out += [f"- {before} → {after} : {n}" for before, after, n in content.transitions] or ["Aucun changement de statut."]
    for change, rows in content.sections.items():
        out += ["", f"## {CHANGE_TITLES[change]} ({len(rows)})"]
        for heading, row in rows:
            out += ["", f"### {_md(heading)}", ""]
            if change == "modifiee":
                out += ["| champ | avant | après |", "|---|---|---|"]
                for column in _changed_columns(row):
                    left, right = word_changes(_value(row, column, "avant"), _value(row, column, "apres"))
                    out.append(f"| {COLUMN_TITLES[column]} | {_md_runs(left, '~~')} | {_md_runs(right, '**')} |")
            else:
                side = "apres" if change == "ajoutee" else "avant"
                out += ["| champ | valeur |", "|---|---|"]
                out += [f"| {COLUMN_TITLES[c]} | {_md(_value(row, c, side))} |" for c in _filled_columns(row, side)]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- HTML
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 75em; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.25em; margin-top: 2em; } h3 { font-size: 1em; margin: 1.5em 0 .4em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #ccc; padding: .3em .5em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
table.resume { width: auto; } table.resume td:last-child { text-align: right; }
table.cote { table-layout: fixed; } td.champ { font-weight: 600; }
del { background: #fdd; color: #900; } ins { background: #dfd; color: #060; text-decoration: none; }
.ajoutee h3 { color: #060; } .supprimee h3 { color: #900; }
"""


def _html_runs(runs: list[tuple[str, bool]], tag: str) -> str:
    return " ".join(f"<{tag}>{html.escape(text)}</{tag}>" if changed else html.escape(text) for text, changed in runs)


def html_report(diff: pd.DataFrame) -> str:
    """The report as one HTML page with its style inline: no external file, no script."""
    return _html(report_content(diff))


def _html(content: Content) -> str:
    title = f"Synergies : changements {content.years}"
    communes = ", ".join(content.communes) or "aucune"
    out = ["<!DOCTYPE html>", '<html lang="fr">', "<head>", '<meta charset="utf-8">',
           f"<title>{html.escape(title)}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>",
           f"<h1>{html.escape(title)}</h1>", f"<p>Communes : {html.escape(communes)}</p>",
           "<h2>Résumé</h2>", '<table class="resume"><tr><th>changement</th><th>synergies</th></tr>']
    out += [f"<tr><td>{CHANGE_TITLES[c].lower()}</td><td>{n}</td></tr>" for c, n in content.counts.items()]
    out += ["</table>", "<h2>Changements de statut</h2>"]
    if content.transitions:
        out += ["<ul>"] + [f"<li>{html.escape(f'{a} → {b} : {n}')}</li>" for a, b, n in content.transitions] + ["</ul>"]
    else:
        out.append("<p>Aucun changement de statut.</p>")
    for change, rows in content.sections.items():
        out += [f'<section class="{change}">', f"<h2>{CHANGE_TITLES[change]} ({len(rows)})</h2>"]
        for heading, row in rows:
            out.append(f"<h3>{html.escape(heading)}</h3>")
            if change == "modifiee":
                out.append('<table class="cote"><colgroup><col style="width: 12em"><col><col></colgroup>'
                           "<tr><th>champ</th><th>avant</th><th>après</th></tr>")
                for column in _changed_columns(row):
                    left, right = word_changes(_value(row, column, "avant"), _value(row, column, "apres"))
                    out.append(f'<tr><td class="champ">{COLUMN_TITLES[column]}</td>'
                               f'<td class="avant">{_html_runs(left, "del")}</td>'
                               f'<td class="apres">{_html_runs(right, "ins")}</td></tr>')
            else:
                side = "apres" if change == "ajoutee" else "avant"
                out.append("<table><tr><th>champ</th><th>valeur</th></tr>")
                out += [f'<tr><td class="champ">{COLUMN_TITLES[c]}</td><td>{html.escape(_value(row, c, side))}</td></tr>'
                        for c in _filled_columns(row, side)]
            out.append("</table>")
        out.append("</section>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- files
def write_diff(diff: pd.DataFrame, target: Path) -> None:
    """The diff as CSV, with its Markdown and HTML reports beside it (same name)."""
    export.write_csv(diff, target)
    content = report_content(diff)
    export.write_text(_markdown(content), target.with_suffix(".md"))
    export.write_text(_html(content), target.with_suffix(".html"))
