"""The editable vocabularies in `schemas/`, and the text folding used to match against them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

import yaml

_PARENTHESES = re.compile(r"\([^)]*\)?")
_NON_WORD = re.compile(r"[^a-z0-9%]+")


class _Accents(dict):
    """A `str.translate` table that drops combining marks (accents once decomposed) and keeps every
    other character, each character looked up once: folding runs on every cell, several times."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_ACCENTS = _Accents()


def fold(text: str) -> str:
    """Lower case, no accents, punctuation and runs of spaces as one space."""
    bare = unicodedata.normalize("NFKD", text.lower()).translate(_ACCENTS)
    return _NON_WORD.sub(" ", bare.replace("œ", "oe")).strip()


def fold_each(texts: Iterable[str], memo: dict[str, str] | None = None) -> list[str]:
    """`fold` of each text, each distinct one folded once (in `memo`, text -> folded, when given
    to share it between calls): tables repeat their short cells, and names from year to year."""
    memo = {} if memo is None else memo
    return [memo[t] if t in memo else memo.setdefault(t, fold(t)) for t in texts]


def fold_heading(text: str) -> str:
    """A heading without its parenthesised hint: 'Mode opératoire (coopératif/...)' -> 'mode operatoire'."""
    return fold(_PARENTHESES.sub(" ", text.replace("\n", " ")))


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    """A YAML file of the `schemas` folder, shipped with the package."""
    text = resources.files("schemas").joinpath(name).read_text(encoding="utf-8")
    # libyaml's safe loader when PyYAML has it: the same data, read twenty times faster (the
    # vocabularies took 40 ms of every run).
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
