"""clean: a cell's lines as one line of text, otherwise the source's own words."""

from __future__ import annotations

import re

from .model import CELL_COLUMNS, Row

_HYPHENATED = re.compile(r"(?<=[^\W\d_])-$")  # a letter, then a hyphen ending the line


def clean_text(text: str) -> str:
    """Join lines with single spaces, re-join words hyphenated at a line end, collapse spaces.

    'rationa-' + 'liser' gives 'rationaliser'; 'Ville-' + 'CPAS' keeps its hyphen ('Ville-CPAS'),
    since a capital after the break means a compound, not a split word.
    """
    out = ""
    for line in (" ".join(raw.split()) for raw in text.split("\n")):
        if not line:
            continue
        if out and _HYPHENATED.search(out):
            out = (out[:-1] if line[0].islower() else out) + line
        else:
            out = f"{out} {line}" if out else line
    return out


def clean_row(row: Row) -> Row:
    row.cells = {c: clean_text(row.cells.get(c, "")) for c in CELL_COLUMNS}
    return row
