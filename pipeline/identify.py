"""Which commune and which year a report is about, when the user did not say."""

from __future__ import annotations

import re
from pathlib import PurePath

_YEAR = re.compile(r"(?<!\d)(20[1-9]\d)(?!\d)")
_TITLE_YEAR = re.compile(r"(?:ann[ée]e|exercice|rapport[^\n]{0,80}?)\s*:?\s*(20[1-9]\d)(?!\d)", re.IGNORECASE)
_TITLE_COMMUNE = re.compile(
    r"\b(?:Ville|Commune|CPAS)\s+(?:de\s+la\s+|de\s+l['’]|de\s+|d['’]|du\s+|des\s+)?"
    r"([A-ZÀ-Ý][\w'’À-ÿ-]*(?:[ -](?:sur|sous|en|lez|la|le|les|l['’]|[A-ZÀ-Ý][\w'’À-ÿ-]*))*)"
)
_GENERIC_FOLDERS = {"raw", "data", "donnees", "rapports", "reports", "input", "inputs", "pdf"}


def year_from_path(path: PurePath) -> int | None:
    """The last year written in the file name or its folders (raw/mons/2020/..., mons_2020.pdf)."""
    for part in reversed(path.parts):
        found = _YEAR.findall(part)
        if found:
            return int(found[-1])
    return None


def commune_from_path(path: PurePath) -> str | None:
    """raw/mons/2020/x.pdf -> 'Mons'; mons_2020.pdf -> 'Mons'."""
    for part in reversed(path.parent.parts):
        if not _YEAR.fullmatch(part) and part.lower() not in _GENERIC_FOLDERS and part not in (".", ".."):
            return part.replace("_", " ").replace("-", " ").title()
    stem = _YEAR.split(path.stem)[0].strip("_- ")
    return stem.replace("_", " ").replace("-", " ").title() or None


def year_from_text(text: str) -> int | None:
    found = _TITLE_YEAR.search(text)
    return int(found.group(1)) if found else None


def commune_from_text(text: str) -> str | None:
    found = _TITLE_COMMUNE.search(text)
    return found.group(1).strip() if found else None


def identify(path: PurePath, title_text: str, metadata_title: str) -> tuple[str, int | None]:
    """(commune, year): the title page first for the commune's spelling, the path first for the year."""
    text = f"{title_text}\n{metadata_title}"
    commune = commune_from_text(text) or commune_from_path(path) or ""
    year = year_from_path(path) or year_from_text(text)
    return commune, year
