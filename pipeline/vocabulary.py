"""The editable vocabularies in `schemas/`, and the text folding used to match against them."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

import yaml

_PARENTHESES = re.compile(r"\([^)]*\)?")
_NON_WORD = re.compile(r"[^a-z0-9%]+")


def fold(text: str) -> str:
    """Lower case, no accents, punctuation and runs of spaces as one space."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", bare.replace("œ", "oe")).strip()


def fold_heading(text: str) -> str:
    """A heading without its parenthesised hint: 'Mode opératoire (coopératif/...)' -> 'mode operatoire'."""
    return fold(_PARENTHESES.sub(" ", text.replace("\n", " ")))


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    """A YAML file of the `schemas` folder, shipped with the package."""
    text = resources.files("schemas").joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)
