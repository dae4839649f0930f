"""Read Excel (.xlsx) workbooks from their cells (openpyxl), as the user sees them.

openpyxl is loaded in its full mode, not read-only: only the full mode knows hidden rows and
columns and merged areas. Its cost grows with the sheet's XML, so the archive's declared sizes are
checked first (`ExtractSettings.workbook_max_bytes`, `sheet_max_bytes`). Formulas give the value
Excel saved with them (`data_only`); a formula never computed reads as an empty cell.

Cells are shown as Excel shows them in a French setting: openpyxl gives the value and its number
format, and `displayed` renders the formats a report uses (percentages, dates, decimals, thousands)
— no maintained Python package renders Excel number formats, and openpyxl tells a date format from
the others (`is_date_format`). 0.75 formatted "0%" reads "75%", so normalise finds avancement 75.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from ..model import Extraction
from ..settings import ExtractSettings
from .base import DocumentError, document_bytes
from .office import DAMAGED, check_container, check_unzipped_size, megabytes, why
from .sheets import Sheet, merged_down, workbook_extraction

STRATEGY = "xlsx"


def read_xlsx(source: Path | bytes, settings: ExtractSettings) -> Extraction:
    """Open an .xlsx and read its synergy sheet(s); raise DocumentError with a reason a user can act on."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet.worksheet import Worksheet

    data = document_bytes(source)
    check_container(data, "Excel", ".xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_unzipped_size(archive, settings.workbook_max_bytes, "classeur Excel")
            if "[Content_Types].xml" not in archive.namelist() and "mimetype" in archive.namelist():
                raise DocumentError("ce n'est pas un classeur Excel .xlsx mais un fichier OpenDocument (.ods ?)")
        reader = ExcelReader(io.BytesIO(data), read_only=False, data_only=True, keep_links=False)
        too_large = {i.filename: i.file_size for i in reader.archive.infolist() if i.file_size > settings.sheet_max_bytes}
        # openpyxl reads only the sheets whose part is in `valid_files`: an oversized one stays unread.
        reader.valid_files = [name for name in reader.valid_files if name not in too_large]
        reader.read()
        sheets = []
        for sheet, rel in reader.parser.find_sheets():
            if rel.target in too_large:
                sheets.append(Sheet(sheet.name, (), skipped=(
                    f"trop grande ({megabytes(too_large[rel.target])} une fois décompressée, limite "
                    f"{megabytes(settings.sheet_max_bytes)}) : supprimez ses lignes vides mises en forme")))
            elif isinstance(ws := reader.wb[sheet.name], Worksheet):
                sheets.append(_sheet(ws))
            else:
                sheets.append(Sheet(sheet.name, ()))  # a chart sheet
        title = (reader.wb.properties.title or "").strip()
    except OSError:  # openpyxl: "File contains no valid workbook part", a Word file for instance
        raise DocumentError("ce n'est pas un classeur Excel .xlsx (aucun classeur dans l'archive)") from None
    except DAMAGED as err:
        raise DocumentError(f"classeur Excel illisible ou corrompu ({why(err)})") from None
    except (TypeError, AttributeError) as err:  # openpyxl on XML of an unexpected shape
        raise DocumentError(f"classeur Excel illisible ou corrompu (structure inattendue : {err})") from None
    return workbook_extraction(sheets, STRATEGY, settings, title)


def _sheet(ws) -> Sheet:
    """A worksheet's visible rows, cells as displayed; a merged area's text in its first cell only,
    except down a column (`sheets.merged_down`)."""
    hidden_rows = {r for r, dim in ws.row_dimensions.items() if dim.hidden}
    hidden_columns = _hidden_columns(ws)
    grid: dict[int, dict[int, str]] = {}
    # The cells the file holds: iter_rows would create every cell of the used range (one cell
    # written at XFD1048576 makes that 17 billion).
    for (row, column), cell in ws._cells.items():
        text = displayed(cell.value, cell.number_format)
        if text.strip():
            grid.setdefault(row, {})[column] = text
    for area in ws.merged_cells.ranges:
        if area.min_col == area.max_col:
            merged_down(grid, area.min_row, area.max_row, area.min_col)
    shown_columns = sorted({c for cells in grid.values() for c in cells} - hidden_columns)
    rows = []
    for number in sorted(set(grid) - hidden_rows):
        cells = tuple(grid[number].get(c, "") for c in shown_columns)
        if any(cells):
            rows.append((number, cells))
    return Sheet(ws.title, tuple(rows), hidden_rows=len(hidden_rows & set(grid)),
                 hidden_columns=len(hidden_columns & {c for cells in grid.values() for c in cells}),
                 hidden=ws.sheet_state != "visible")


def _hidden_columns(ws) -> set[int]:
    """Column numbers hidden, including those of a <col min max> group."""
    from openpyxl.utils import column_index_from_string

    hidden = set()
    for key, dim in ws.column_dimensions.items():
        if dim.hidden:
            first = dim.min or column_index_from_string(key)
            hidden.update(range(first, (dim.max or first) + 1))
    return hidden


# ----------------------------------------------------------------------------- number formats

_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre")
_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
# Parts of a format that draw nothing themselves: colours, conditions and locales in brackets,
# padding (_x) and fill (*x) characters.
_DECORATION = re.compile(r"\[[^\]]*\]|_.|\*.")
_LITERAL = re.compile(r'"([^"]*)"|\\(.)')
_PLACEHOLDER = re.compile(r"general|[#0?][#0?,]*(?:\.[#0?]*)?|\.[#0?]+", re.IGNORECASE)
_DATE_TOKEN = re.compile(r"yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm", re.IGNORECASE)
# Excel's built-in short date (format id 14) follows the system's locale: day first in French.
_LOCALE_SHORT_DATE = {"mm-dd-yy": "dd/mm/yyyy"}


def displayed(value: object, number_format: str = "General") -> str:
    """A cell's text as Excel shows it in a French setting (decimal comma, day before month)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    number_format = _LOCALE_SHORT_DATE.get(number_format, number_format or "General")
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return _date_text(value, number_format)
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, (int, float)):
        return _number_text(float(value), number_format)
    return str(value)


def _section(number_format: str, value: float) -> str:
    """The part of a format used for this value: positive;negative;zero;text."""
    sections = number_format.split(";")
    if value < 0 and len(sections) > 1:
        return sections[1]
    if value == 0 and len(sections) > 2:
        return sections[2]
    return sections[0]


def _pieces(section: str) -> list[tuple[bool, str]]:
    """A format section as (is_code, text) pieces: codes, and literals ("text" or \\x) as written."""
    pieces, last = [], 0
    section = _DECORATION.sub("", section)
    for match in _LITERAL.finditer(section):
        pieces.append((True, section[last:match.start()]))
        pieces.append((False, match.group(1) if match.group(1) is not None else match.group(2)))
        last = match.end()
    pieces.append((True, section[last:]))
    return [p for p in pieces if p[1]]


def _number_text(value: float, number_format: str) -> str:
    section = _section(number_format, value)
    if value < 0 and ";" in number_format:
        value = -value  # the negative section writes its own sign, if any
    pieces = _pieces(section)
    code = "".join(text for is_code, text in pieces if is_code)
    if "%" in code:
        value *= 100
    out, placed = [], False
    for is_code, text in pieces:
        found = _PLACEHOLDER.search(text) if is_code and not placed else None
        if found is None:
            out.append(text)
            continue
        out.extend([text[:found.start()], _digits(value, found.group(0)), text[found.end():]])
        placed = True
    return "".join(out) if placed else _general(value)


def _digits(value: float, placeholder: str) -> str:
    """The number written by a placeholder: "0.00" two decimals, "# ##0" thousands grouped."""
    if placeholder.lower() == "general":
        return _general(value)
    whole, _, decimals = placeholder.partition(".")
    text = f"{value:,.{len(decimals)}f}" if "," in whole else f"{value:.{len(decimals)}f}"
    return text.replace(",", " ").replace(".", ",")


def _general(value: float) -> str:
    """Excel's General format: an integer without decimals, otherwise up to 10 significant digits."""
    if value.is_integer() and abs(value) < 1e11:
        return str(int(value))
    return f"{value:.10g}".replace(".", ",")


def _date_text(value: dt.date | dt.time, number_format: str) -> str:
    from openpyxl.styles.numbers import is_date_format

    section = number_format.split(";")[0]
    if not is_date_format(section):
        section = "dd/mm/yyyy" if isinstance(value, dt.date) else "hh:mm"
    if not isinstance(value, dt.datetime):
        value = (dt.datetime.combine(value, dt.time()) if isinstance(value, dt.date)
                 else dt.datetime.combine(dt.date(1900, 1, 1), value))
    pieces = _pieces(section)
    tokens = [t.group(0).lower() for is_code, text in pieces if is_code for t in _DATE_TOKEN.finditer(text)]
    out, position = [], 0
    for is_code, text in pieces:
        if not is_code:
            out.append(text)
            continue
        last = 0
        for match in _DATE_TOKEN.finditer(text):
            out.extend([text[last:match.start()], _date_token(match.group(0).lower(), value, tokens, position)])
            position, last = position + 1, match.end()
        out.append(text[last:])
    return "".join(out)


def _date_token(token: str, moment: dt.datetime, tokens: list[str], position: int) -> str:
    """One token of a date format; "m" and "mm" are minutes right after hours or before seconds."""
    if token in ("m", "mm"):
        before = tokens[position - 1] if position else ""
        after = tokens[position + 1] if position + 1 < len(tokens) else ""
        if before.startswith("h") or after.startswith("s"):
            return f"{moment.minute:0{len(token)}d}"
        return f"{moment.month:0{len(token)}d}"
    return {
        "yyyy": f"{moment.year:04d}", "yy": f"{moment.year % 100:02d}",
        "mmmm": _MONTHS[moment.month - 1], "mmm": _MONTHS[moment.month - 1][:3] + ".",
        "dddd": _DAYS[moment.weekday()], "ddd": _DAYS[moment.weekday()][:3] + ".",
        "dd": f"{moment.day:02d}", "d": str(moment.day),
        "hh": f"{moment.hour:02d}", "h": str(moment.hour),
        "ss": f"{moment.second:02d}", "s": str(moment.second),
        "am/pm": "AM" if moment.hour < 12 else "PM",
    }[token]
