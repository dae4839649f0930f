"""printable: text safe to store in a cell and to print on a terminal.

A document or a file name can carry characters that are not text for the reader: C0/C1 control
characters (an ANSI escape sequence recolours or rewrites the terminal), bidirectional overrides
and isolates (they reorder what is displayed: "fdp.exe" shown as "exe.pdf"). Cells lose them (the
row is flagged, the text around is kept); file names and messages show them escaped.
"""

from __future__ import annotations

import re

UNMAPPED = "\ufffd"  # what a reader writes for a character that has no Unicode value
# Tab, line feed and carriage return stay: they are white space to the cleaning step.
UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# A whole ANSI sequence (CSI "ESC [ ... letter", OSC "ESC ] ... BEL", or ESC and one character):
# removing only the ESC would leave "[31m" in the cell.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")


def escaped(text: str) -> str:
    """Text as it can be printed: undecodable bytes of a file name (kept by Python as lone
    surrogates) and unsafe characters written as \\xNN / \\uNNNN escapes."""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def without_unsafe(text: str) -> str:
    """Text with ANSI sequences and unsafe characters removed (a cell's content)."""
    if not UNSAFE.search(text):
        return text  # the usual case, at the cost of one scan
    return UNSAFE.sub("", _ANSI.sub("", text))
