"""clean: a cell's lines as one line of text, otherwise the source's own words.

A word broken across a line break is written whole again, and only then:

- after a hyphen ("coordi-⏎nation", "infor-⏎matique"), the pieces are joined when the joined form
  is a word, and the hyphen kept otherwise ("Bien-⏎être", "Ville-⏎CPAS": compounds break after
  their own hyphen);
- with no hyphen, when a word wider than its cell runs on ("mutualisa⏎tion"), the pieces are
  joined when the joined form is a word and one piece is not: two real words ("en⏎cours") are
  never joined;
- after a slash ("Ville/⏎CPAS"), with no space when the document writes that pair so elsewhere
  (a slash may be followed by a space: "CPAS/ Service").

Evidence comes first from the document itself: a word it writes whole, away from any line break,
is a word ("Buisseret" elsewhere joins "Buis-⏎seret"), and a compound it writes with its hyphen
keeps it. Then from a French dictionary: Hunspell's French dictionary (Dicollecte, the one
LibreOffice and Firefox use), classical spelling (Debian `hunspell-fr-classical`), read through
pyenchant, a maintained binding to Enchant. Its classical spelling matters: the 1990 reform welds
compounds ("portemonnaie", "weekend"), which would make a compound broken after its hyphen look
like a hyphenated word. Not a word-frequency list (wordfreq): it holds the pieces automatic
hyphenation leaves ("tion", "tique", "infor" are all frequent in it) and splits compounds, so it
tells neither a piece from a word nor "bien-être" from "en-semble". Without the dictionary (not
installed), only the document's evidence joins a word; the author's hyphens are kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from .model import CELL_COLUMNS, Row
from .printable import UNMAPPED, without_unsafe
from .settings import CleanSettings
from .vocabulary import load

_HYPHENATED = re.compile(r"(?<=[^\W\d_])-$")  # a letter, then a hyphen ending the line
_SLASHED = re.compile(r"(?<=[^\W\d_])/$")
# Provisional marks while a word may run over more lines: a hyphen kept, a space after a piece
# that is no word. Private-use characters: no document text holds them.
_TRAIT, _BLANC = "\ue000", "\ue001"
_PROVISIONAL = re.compile(f"[{_TRAIT}{_BLANC}]")
# A word: letters, with the hyphens, apostrophes and slashes inside it ("Bien-être", "l'usager",
# "Ville/CPAS").
_WORD = re.compile(r"[^\W\d_]+(?:[-'’/][^\W\d_]+)*")
_LAST_PIECE = re.compile(r"([^\W\d_]+)[-/]?$")  # the letters ending a line, before its hyphen
# The letters opening the next line, unless they are an elided word ("s’étendra", "qu’il").
_FIRST_PIECE = re.compile(r"^[^\W\d_]+(?![\w’'])")


@lru_cache(maxsize=4)
def french_dictionary(language: str) -> Callable[[str], bool] | None:
    """Whether a word is French, per the Hunspell dictionary of `language`; None when missing."""
    try:
        import enchant
    except ImportError:  # pyenchant, or the Enchant library it binds, is not installed
        return None
    try:
        checker = enchant.Dict(language)
    except enchant.errors.Error:  # no dictionary for the language
        return None
    return lru_cache(maxsize=65536)(checker.check)  # Enchant costs tens of µs a word: once each


def document_words(texts: Iterable[str]) -> frozenset[str]:
    """The words a document writes whole, in lower case: every word of its cells but those
    touching a line break (a piece of a broken word is no evidence of anything)."""
    words: set[str] = set()
    for text in texts:
        lines = [found for line in text.split("\n") if (found := _WORD.findall(line))]
        for i, line in enumerate(lines):
            words.update(w.lower() for w in line[1 if i else 0:len(line) - 1 if i < len(lines) - 1 else None])
    return frozenset(words)


@lru_cache(maxsize=1)
def vocabulary_words() -> frozenset[str]:
    """The words of the controlled vocabularies (`schemas/vocabulaires.yaml`), in lower case: the
    terms reports use ("Délégative", "Conjointement"), known whole even where a general French
    dictionary lacks them."""
    def strings(node) -> Iterable[str]:
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            for key, value in node.items():
                yield from strings(key)
                yield from strings(value)
        elif isinstance(node, list):
            for item in node:
                yield from strings(item)

    # Single letters are the initials of "C.P.A.S." or "D.G.", no evidence of a word.
    return frozenset(w.lower() for text in strings(load("vocabulaires.yaml")) for w in _WORD.findall(text) if len(w) > 1)


def _is_word(word: str, words: frozenset[str], dictionary: Callable[[str], bool] | None, shortest: int) -> bool:
    """Known whole in the document, or to the dictionary when it has `shortest` letters or more:
    Hunspell takes every letter for a word ("e" in "Commun⏎e"), the document tells "à" or "y"."""
    return word.lower() in words or (dictionary is not None and len(word) >= shortest and dictionary(word))


def _junction(before: str, after: str, words: frozenset[str], dictionary: Callable[[str], bool] | None,
              shortest: int) -> str:
    """`before` as it stays, and what separates it from the next line: "" inside a word.

    A hyphen kept at a line end, or a space after a piece that is no word, stays provisional
    (`_TRAIT`, `_BLANC`) while the word may go on over more lines ("res-⏎tau-⏎ration", "É⏎co-⏎no-⏎mat
    in a narrow column): the next break decides on the whole word.
    """
    # Only the last word of one line and the first of the next matter (cleaning runs on every cell).
    tail = before[before.rfind(" ") + 1:]
    hyphenated = _HYPHENATED.search(tail)
    start, end = _LAST_PIECE.search(tail), _FIRST_PIECE.match(after)
    if start is None or end is None:  # no word on one side: a hyphen after a letter stays glued
        return before if hyphenated else f"{before} "
    a, b = start.group(1), end.group(0)
    if hyphenated:
        stem = _PROVISIONAL.sub("", tail[:-1])
        if stem != tail[:-1] and _is_word(_LAST_PIECE.search(stem).group(1) + b, words, dictionary, shortest):
            return before[:len(before) - len(tail)] + stem  # the pieces make one word
        whole, compound = (a + b).lower() in words, f"{a}-{b}".lower() in words
        if whole != compound:  # the document writes it one way only
            return before[:-1] if whole else before
        if dictionary is not None and dictionary(a + b):
            return before[:-1]
        return before[:-1] + _TRAIT  # the author's ("Bien-être") unless the word goes on
    if _SLASHED.search(tail):
        return before if f"{a}/{b}".lower() in words else f"{before} "
    if not (b[0].islower() or (a.isupper() and b.isupper())):  # a capital opens a new word
        return f"{before} "
    a_word = _is_word(a, words, dictionary, shortest)
    if after[len(b):len(b) + 1] == "-":  # the next line's word is broken itself ("du⏎per-⏎sonnel")
        return f"{before} " if a_word else before + _BLANC
    if a_word and _is_word(b, words, dictionary, shortest):
        return f"{before} "  # two real words are never joined
    return before if _is_word(a + b, words, dictionary, shortest) else f"{before} "


def clean_text(text: str, words: frozenset[str] = frozenset(), settings: CleanSettings = CleanSettings()) -> str:
    """Join lines with single spaces, re-join a word broken across lines, collapse spaces.

    `words` are the document's own (`document_words`): the evidence it gives on its words.
    """
    dictionary = french_dictionary(settings.dictionary)
    out = ""
    for line in (" ".join(raw.split()) for raw in text.split("\n")):
        if line:
            out = _junction(out, line, words, dictionary, settings.dictionary_min_letters) + line if out else line
    return out.replace(_TRAIT, "-").replace(_BLANC, " ")


def clean_row(row: Row, words: frozenset[str] = frozenset(), settings: CleanSettings = CleanSettings()) -> Row:
    """The six cells as clean text; characters that are not text (controls, ANSI escapes, direction
    overrides) removed, and the row flagged for it, as for a character the source could not map."""
    raw = [row.cells.get(c, "") for c in CELL_COLUMNS] + [row.rubrique]
    safe = [without_unsafe(text) for text in raw]
    if safe != raw:
        row.doutes.append("caractères de contrôle ou de sens d'écriture retirés du texte")
    if any(UNMAPPED in text for text in safe):
        row.doutes.append("caractère illisible dans la source, remplacé par « \ufffd »")
    row.cells = {c: clean_text(text, words, settings) for c, text in zip(CELL_COLUMNS, safe[:-1])}
    row.rubrique = safe[-1]
    return row
