"""clean: a cell's lines as one line of text, otherwise the source's own words."""

from __future__ import annotations

import re

from .model import CELL_COLUMNS, Row

_HYPHENATED = re.compile(r"(?<=[^\W\d_])-$")  # a letter, then a hyphen ending the line


def clean_text(text: str) -> str:
    """Join lines with single spaces, re-join a word broken after its hyphen, collapse spaces.

    'Bien-' + 'être' gives 'Bien-être' and 'Ville-' + 'CPAS' 'Ville-CPAS': word processors break
    lines after the hyphen of a compound and, unless told to, never hyphenate on their own, so
    the hyphen is the author's and is kept.
    """
    out = ""
    for line in (" ".join(raw.split()) for raw in text.split("\n")):
        if not line:
            continue
        out = out + line if out and _HYPHENATED.search(out) else f"{out} {line}" if out else line
    return out


def clean_row(row: Row) -> Row:
    row.cells = {c: clean_text(row.cells.get(c, "")) for c in CELL_COLUMNS}
    return row
