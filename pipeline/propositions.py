"""propositions: synonyms the vocabulary could learn from people's corrections.

When the same cell text ("DGs") was corrected to the same label (`les_deux`) in several rows, the
text is proposed as a synonym of that label, as lines to paste into `schemas/vocabulaires.yaml`.
Nothing is applied: a person reads the proposals and accepts them or not. Pure: corrections and a
run's table in, proposals out; the text of the lines is built here too.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from .corrections import RowFinder, text_value
from .normalise import NormaliseSettings, Vocabulaire, label
from .vocabulary import fold


@dataclass(frozen=True)
class Proposition:
    column: str  # mode_norm, pilote_norm...
    label: str  # the canonical value the text was corrected to
    text: str  # the cell as the reports write it (its most frequent form)
    rows: int  # distinct rows corrected so


def propositions(corrections: pd.DataFrame, table: pd.DataFrame, vocab: Vocabulaire,
                 settings: NormaliseSettings, min_rows: int) -> list[Proposition]:
    """Texts corrected to one same label in at least `min_rows` rows, that the vocabulary does not
    already give that label; looked up in `table` (a run's output) for the cells' text."""
    finder = RowFinder(table.reset_index(drop=True))
    seen: dict[tuple[str, str, str], set[tuple[str, str]]] = {}
    forms: dict[tuple[str, str, str], Counter] = {}
    for line in corrections.fillna("").astype(str).map(str.strip).itertuples(index=False):
        colonne = vocab.colonnes.get(line.colonne)
        if colonne is None or line.valeur_apres not in colonne.valeurs:  # one value: "a|b" is no synonym
            continue
        rows, _ = finder.find(line)
        if not rows:
            continue
        text = " ".join(text_value(table[colonne.source].iloc[rows[0]]).split())
        if not fold(text) or label(line.colonne, text, settings, vocab).label == line.valeur_apres:
            continue
        key = (line.colonne, line.valeur_apres, fold(text))
        seen.setdefault(key, set()).add((line.empreinte_source, line.id_synergie))
        forms.setdefault(key, Counter())[text] += 1
    found = [Proposition(key[0], key[1], forms[key].most_common(1)[0][0], len(rows))
             for key, rows in seen.items() if len(rows) >= min_rows]
    return sorted(found, key=lambda p: (list(vocab.colonnes).index(p.column), p.label, -p.rows, p.text))


def propositions_yaml(found: list[Proposition], source: str) -> str:
    """The proposals as the vocabulary file's own structure, to read and paste by hand."""
    lines = [f"# Synonymes proposés d'après {source} : des textes corrigés plusieurs fois vers le même libellé.",
             "# À relire, puis à recopier dans schemas/vocabulaires.yaml sous la valeur indiquée ;",
             "# rien n'est appliqué automatiquement."]
    if not found:
        return "\n".join([*lines, "# Aucune proposition pour l'instant.", ""])
    lines.append("colonnes:")
    column = value = None
    for p in found:
        if p.column != column:
            lines += [f"  {p.column}:", "    valeurs:"]
            column, value = p.column, None
        if p.label != value:
            lines.append(f"      {p.label}:")
            value = p.label
        lines.append(f"        - {json.dumps(p.text, ensure_ascii=False)}  # corrigé dans {p.rows} lignes")
    return "\n".join(lines) + "\n"
