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
_GENERIC_FOLDERS = {"raw", "data", "donnees", "rapports", "reports", "input", "inputs", "pdf", ".", ".."}


def year_from_path(path: PurePath) -> int | None:
    """The last year written in the file name or its folders (raw/mons/2020/..., mons_2020.pdf)."""
    for part in reversed(path.parts):
        found = _YEAR.findall(part)
        if found:
            return int(found[-1])
    return None


def commune_from_path(path: PurePath) -> str | None:
    """The name beside a year: raw/mons/2020/x.pdf -> 'Mons'; la_hulpe_2020.pdf -> 'La Hulpe'."""
    parts = path.parts
    for i in range(len(parts) - 1, 0, -1):
        if _YEAR.fullmatch(parts[i]) and parts[i - 1].lower() not in _GENERIC_FOLDERS:
            return _as_name(parts[i - 1])
    before_year = _YEAR.split(path.stem)
    return _as_name(before_year[0]) if len(before_year) > 1 and before_year[0].strip("_- ") else None


def _as_name(part: str) -> str:
    return part.replace("_", " ").replace("-", " ").strip().title()


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
