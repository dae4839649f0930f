"""fiches: reports written as one small table per synergy, a "fiche".

A fiche is a two-column table, label | value, whose left column holds the contract's headings
("Synergie", "Objectif", "Mode opératoire"..., in any wording `schemas/colonnes.yaml` accepts, with
the tolerance of table headers: `pipeline.headers.match_heading`), usually under a "Fiche n° 3"
heading. Each fiche gives one row. A fiche runs on as long as its labels do not repeat: one
broken by a page end (PDF) is read whole, its value cell continued on the next page (an empty
label) joined to the value above it. A record naming fewer headings than a table header must
(`header_min_columns`) is no fiche (a glossary, a two-column budget).

Section titles grouping the fiches ("Axe 2 – Informatique et données") come as "texte" fragments,
the paragraphs outside tables that the readers give: the last line before a fiche starts that
`rubriques.is_section_title` accepts is its `rubrique` (a line between two rows of one fiche is not).
"""

from __future__ import annotations

from .assemble import Assembly, extent
from .clean import clean_text
from .headers import match_heading
from .model import CELL_COLUMNS, STRUCTURED_STRATEGIES, TEXT_STRATEGY, Fragment, Row
from .rubriques import is_section_title
from .settings import Settings


def fiches(fragments: list[Fragment], settings: Settings) -> Assembly:
    """One row per fiche, in document order, with the decisions taken on its fragments (pure)."""
    s = settings
    result = Assembly()
    rubrique = ""
    title: str | None = None  # the last line that could title a section, until a fiche starts
    record: _Record | None = None
    for fragment in fragments:
        if fragment.strategy == TEXT_STRATEGY:
            if is_section_title(fragment.cells[0], s.assemble.rubrique_max_words):
                title = clean_text(fragment.cells[0])
            continue
        if len(fragment.cells) != 2:
            continue
        label, value = fragment.cells
        column = match_heading(label, s.extract)
        if column is None:
            if record is not None and not label.strip() and value.strip() and record.last:
                record.add(record.last, value, fragment)  # a value cell continued on the next page
            continue
        if record is None or column in record.cells or record.other_table(fragment):
            _close(record, result, s.extract.header_min_columns)
            rubrique = title if title is not None else rubrique
            record = _Record(rubrique)
        title = None  # a line between two rows of one fiche (a label not recognised) titles nothing
        record.add(column, value, fragment)
        if column == "realisation":
            record.last_heading = " ".join(label.split())
    _close(record, result, s.extract.header_min_columns)
    return result


class _Record:
    """The fiche being read: its cells so far, the fragments that gave them."""

    def __init__(self, rubrique: str) -> None:
        self.rubrique = rubrique
        self.cells: dict[str, str] = {}
        self.fragments: list[Fragment] = []
        self.last: str | None = None  # the column of the last label read
        self.last_heading = ""

    def other_table(self, fragment: Fragment) -> bool:
        """A fragment of another table of a DOCX/ODT (there, `page` numbers the table)."""
        previous = self.fragments[-1] if self.fragments else None
        return previous is not None and previous.strategy in STRUCTURED_STRATEGIES and fragment.page != previous.page

    def add(self, column: str, value: str, fragment: Fragment) -> None:
        self.cells[column] = "\n".join(t for t in (self.cells.get(column, ""), value) if t.strip())
        self.fragments.append(fragment)
        self.last = column


def _close(record: _Record | None, result: Assembly, min_labels: int) -> None:
    """The record as a row when it names enough headings; its fragments' decisions either way."""
    if record is None:
        return
    if len(record.cells) < min_labels:
        result.decisions.extend((f, "ignore") for f in record.fragments)
        return
    first, last = record.fragments[0], record.fragments[-1]
    cells = {c: record.cells.get(c, "") for c in CELL_COLUMNS}
    result.rows.append(Row(cells, record.last_heading, first.page, last.last_page or last.page,
                           rubrique=record.rubrique, ligne_source=first.source_row,
                           haut=extent(first)[0], bas=extent(last)[1]))
    result.decisions.extend((f, "fiche") for f in record.fragments)
