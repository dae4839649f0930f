"""Fuzzing: seeded mutants of the sample reports run through the pipeline in batches.

    .venv/bin/python scripts/fuzz.py                      # 1,000 mutants, seed 12 (RELIABILITY.md)
    .venv/bin/python scripts/fuzz.py --count 100 --seed 3 --batch 50

Mutants of the born-digital, tagged, .docx and .odt samples (the scan is left out: each mutant
would cost a minute of OCR): byte flips, truncations, broken xref tables and streams, damaged zip
archives and XML, hostile text (controls, ANSI escapes, bidi overrides, NUL) and bombs (declared
spans and repeats of 1e8, pages 200 m wide, a zip member inflating to 300 MB, billion laughs).
Each batch is one `run` (bounded worker per document, as users run it) and reports:

- crashes: documents whose reading failed in a way the pipeline did not foresee ("erreur
  inattendue", or a worker dying without an answer) — the run itself never stops;
- hangs: documents stopped by the time limit (`limites.temps_document`);
- invented rows: rows holding a word that is not in the mutant's own text (read independently:
  pdfium's character values and page text, the XML's character data), nor made of three pieces
  of it at most (`in_source`). A page with almost no text layer (a content stream cut short) is
  read by OCR, from what it prints: with a damaged embedded font that is not the text layer, so
  such a row is counted apart ("read by OCR, flagged") when the pipeline flagged it for its OCR;
  unflagged, it counts as invented;
- doublons: mutants byte for byte the same as another (the others, a little different, are all
  read and checked);
- peak memory of the process tree: the main process and its workers' resident sizes summed,
  sampled every 20 ms from /proc.
"""

from __future__ import annotations

import argparse
import io
import random
import re
import os
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NAMES = ("mons_2020_regle.pdf", "mons_2020_sans_filets.pdf", "mons_2020_balise.pdf", "mons_2020.docx", "mons_2020.odt")
HOSTILE = ["\x00", "\x1b[31m", "\x1b]0;titre\x07", "\u202e", "\u2066", "\x07", "\x7f", "\x9b"]


def samples() -> list[Path]:
    """The samples to mutate, wherever the corpus keeps them (raw/ or tests/data/)."""
    found = []
    for name in NAMES:
        hits = sorted(p for folder in ("raw", "tests/data") for p in (ROOT / folder).rglob(name))
        if hits:
            found.append(hits[0])
    return found


# --- mutations: each takes the sample's bytes and a seeded generator, returns the mutant -----------

def flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 40)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, len(data))]


def break_xref(data: bytes, rng: random.Random) -> bytes:
    """Offsets of the cross-reference table or startxref pointing elsewhere."""
    out = bytearray(data)
    for match in re.finditer(rb"\d{10} \d{5} [nf]", data):
        if rng.random() < 0.3:
            out[match.start(): match.start() + 10] = b"%010d" % rng.randrange(len(data) * 2)
    start = data.rfind(b"startxref")
    if start >= 0 and rng.random() < 0.5:
        out[start: start + 9] = b"startxre\x00"
    return bytes(out)


def break_stream(data: bytes, rng: random.Random) -> bytes:
    """A stream's bytes scrambled or its /Length lying."""
    streams = [m.end() for m in re.finditer(rb"stream\r?\n", data)]
    if not streams:
        return flip(data, rng)
    out = bytearray(data)
    start = rng.choice(streams)
    for i in range(start, min(len(out), start + rng.randint(1, 200))):
        if rng.random() < 0.2:
            out[i] = rng.randrange(256)
    out = bytes(out)
    if rng.random() < 0.5:
        out = re.sub(rb"/Length \d+", lambda m: b"/Length %d" % rng.randrange(10**9), out, count=rng.randint(1, 5))
    return out


def huge_page(data: bytes, rng: random.Random) -> bytes:
    """Pages declared 200 m wide (or tall, or of absurd size)."""
    size = rng.choice([b"567000", b"1e12", b"-5000", b"14400"])
    return re.sub(rb"/MediaBox\s*\[[^\]]*\]", b"/MediaBox [0 0 " + size + b" 842]", data, count=rng.randint(1, 8))


def span_bomb_pdf(data: bytes, rng: random.Random) -> bytes:
    """A tagged PDF's cells declaring ColSpan/RowSpan of 1e8."""
    value = rng.choice([b"100000000", b"1e30", b"-7", b"nan"])
    return re.sub(rb"/(TD|TH)\b", lambda m: m.group() + b" /A << /O /Table /ColSpan " + value + b" /RowSpan " + value
                  + b" >>", data, count=rng.randint(1, 30))


def hostile_text_pdf(data: bytes, rng: random.Random) -> bytes:
    """Control characters and escapes inside the text strings of uncompressed content streams,
    or after the header where pdfium may take them as text."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 10)):
        at = rng.randrange(len(out))
        out[at:at] = rng.choice(HOSTILE).encode("latin-1", "replace")
    return bytes(out)


def _rezip(data: bytes, change: Callable[[str, bytes], bytes | None], rng: random.Random) -> bytes:
    """The archive rewritten with `change(name, content)` applied to each member (None drops it)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = change(info.filename, source.read(info))
            if content is not None:
                target.writestr(info.filename, content, compress_type=zipfile.ZIP_STORED
                                if info.filename == "mimetype" else zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _main_part(name: str) -> bool:
    return name in ("word/document.xml", "content.xml")


def break_xml(data: bytes, rng: random.Random) -> bytes:
    def change(name: str, content: bytes) -> bytes | None:
        if not _main_part(name):
            return None if rng.random() < 0.05 else content
        kind = rng.randrange(4)
        if kind == 0:
            return content[: rng.randrange(len(content))]
        if kind == 1:
            at = rng.randrange(len(content))
            return content[:at] + rng.choice([b"<", b"</w:tc>", b"&bogus;", b"\x00", b"]]>"]) + content[at:]
        if kind == 2:
            return flip(content, rng)
        return re.sub(rb"<(w:tr|table:table-row)\b", b"<\\1><x", content, count=1)
    return _rezip(data, change, rng)


def hostile_text_xml(data: bytes, rng: random.Random) -> bytes:
    """Control characters (as XML character references where XML forbids them raw), ANSI escapes
    and bidi overrides in the cells' text."""
    def change(name: str, content: bytes) -> bytes | None:
        if not _main_part(name):
            return content
        text = content.decode("utf-8")
        pieces = re.split(r"(>[^<]+<)", text)
        for i, piece in enumerate(pieces):
            if piece.startswith(">") and rng.random() < 0.2:
                bad = rng.choice(["\u202e", "\u2066", "\x1b[2J", "&#27;[31m", "\x1b]0;x\x07", "\ufeff"])
                pieces[i] = piece[:2] + bad + piece[2:]
        return "".join(pieces).encode("utf-8")
    return _rezip(data, change, rng)


def span_bomb_xml(data: bytes, rng: random.Random) -> bytes:
    """gridSpan/gridBefore or ODT repeats of 1e8 and more."""
    value = rng.choice([b"100000000", b"99999999999", b"-3", b"abc"])

    def change(name: str, content: bytes) -> bytes | None:
        if name == "word/document.xml":
            content = content.replace(b"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="' + value + b'"/>', rng.randint(1, 20))
            return content.replace(b"<w:trPr>", b'<w:trPr><w:gridBefore w:val="' + value + b'"/>', 3)
        if name == "content.xml":
            return re.sub(rb"<table:table-row\b", b'<table:table-row table:number-rows-repeated="' + value + b'"',
                          content, count=rng.randint(1, 60))
        return content
    return _rezip(data, change, rng)


def zip_bomb(data: bytes, rng: random.Random) -> bytes:
    """A member of the archive inflating to 300 MB (300 kB compressed), past the 200 MB limit."""
    out = io.BytesIO(_rezip(data, lambda n, c: c, rng))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open(rng.choice(["word/media/bombe.bin", "Pictures/bombe.bin"]), "w", force_zip64=True) as member:
            block = bytes(1 << 20)
            for _ in range(300):
                member.write(block)
    return out.getvalue()


def billion_laughs(data: bytes, rng: random.Random) -> bytes:
    entities = '<!ENTITY a "hahahahahahahaha">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))

    def change(name: str, content: bytes) -> bytes | None:
        if not _main_part(name):
            return content
        text = content.decode("utf-8")
        end = text.index("?>") + 2 if text.startswith("<?xml") else 0
        root = re.search(r"<([\w:]+)", text[end:]).group(1)
        text = text[:end] + f"<!DOCTYPE {root} [{entities}]>" + text[end:]
        return re.sub(r"(<w:t>|<text:p[^>]*>)", r"\1&j;", text, count=3).encode("utf-8")
    return _rezip(data, change, rng)


def break_zip(data: bytes, rng: random.Random) -> bytes:
    """The central directory or a local header damaged."""
    out = bytearray(data)
    central = data.rfind(b"PK\x01\x02")
    target = central if central >= 0 and rng.random() < 0.5 else data.find(b"PK\x03\x04", rng.randrange(len(data)))
    target = max(target, 0)
    for i in range(target, min(len(out), target + 46)):
        if rng.random() < 0.3:
            out[i] = rng.randrange(256)
    return bytes(out)


PDF_MUTATIONS = [flip, truncate, break_xref, break_stream, huge_page, span_bomb_pdf, hostile_text_pdf]
ZIP_MUTATIONS = [flip, truncate, break_xml, hostile_text_xml, span_bomb_xml, break_zip, billion_laughs, zip_bomb]


@dataclass(frozen=True)
class Mutant:
    name: str
    data: bytes


def mutants(count: int, seed: int) -> list[Mutant]:
    """`count` mutants, the same for the same seed; zip bombs are rare (each is 1 MB)."""
    rng = random.Random(seed)
    bases = [(p, p.read_bytes()) for p in samples()]
    found = []
    while len(found) < count:
        path, data = rng.choice(bases)
        pool = PDF_MUTATIONS if path.suffix == ".pdf" else ZIP_MUTATIONS
        mutation = rng.choice(pool)
        if mutation is zip_bomb and rng.random() < 0.8:
            continue
        found.append(Mutant(f"{len(found):05d}_{mutation.__name__}_{path.name}", mutation(data, rng)))
    return found


# --- checking what came out ------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")


def source_text(data: bytes, suffix: str) -> str:
    """All the text a mutant holds, without white space nor the characters cells never keep, read
    independently of the pipeline's readers: each character's Unicode value as pdfium has it and
    pdfium's page text (each maps some characters of a damaged font its own way), the XML's
    character data."""
    from pipeline.printable import without_unsafe
    from pipeline.read.text import LIGATURES

    if suffix == ".pdf":
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c
        chars = []
        try:
            pdf = pdfium.PdfDocument(data)
            for i in range(len(pdf)):
                page = pdf[i].get_textpage()
                chars.extend(chr(c) if 0 < c < 0xD800 or 0xE000 <= c <= 0x10FFFF else ""
                             for c in (pdfium_c.FPDFText_GetUnicode(page, j) for j in range(page.count_chars())))
                # pdfium's page text too: with a damaged font it maps some characters otherwise.
                chars.extend(["\n", page.get_text_range(), "\n"])
        except Exception:
            return ""
        return _SPACE.sub("", without_unsafe("".join(chars).translate(LIGATURES)))
    from lxml import etree
    parts = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in ("word/document.xml", "content.xml"):
                if name in archive.namelist() and archive.getinfo(name).file_size < 50 * 2**20:
                    parser = etree.XMLParser(resolve_entities=False, recover=True, huge_tree=False)
                    root = etree.fromstring(archive.read(name), parser)
                    if root is not None:
                        parts.extend(t for t in root.itertext())
    except Exception:  # whatever the damage: no text, so any row read from it counts as invented
        return ""
    return _SPACE.sub("", without_unsafe("".join(parts)))


RUNS = 3  # pieces of the source's text a word may be made of


def in_source(word: str, text: str) -> bool:
    """A word is the source's when it is made of at most `RUNS` runs of the source's text: words are
    made from characters side by side on the page (a damaged content stream can draw a glyph
    beside text it does not precede in the file: "S" + "structures"), and pieces of a word broken
    over lines are joined ("/" + "ille-" + "C&'")."""
    fewest = [0] + [RUNS + 1] * len(word)  # fewest runs covering word[:i]
    for end in range(1, len(word) + 1):
        fewest[end] = min((fewest[start] + 1 for start in range(end) if word[start:end] in text), default=RUNS + 1)
    return fewest[-1] <= RUNS


def invented(table, sources: dict[str, str]) -> tuple[list[str], list[str]]:
    """Rows holding a word that the mutant's own text does not hold, as "file p. N: words": those
    invented, and those read by OCR and flagged for it (what the page prints, see the docstring)."""
    from pipeline.model import CELL_COLUMNS
    from pipeline.printable import UNMAPPED

    made_up: list[str] = []
    by_ocr: list[str] = []
    for row in table.itertuples(index=False):
        text = sources.get(row.fichier_source, "")
        words = [w.replace(UNMAPPED, "") for c in CELL_COLUMNS for w in str(getattr(row, c)).split()]
        foreign = [w for w in words if w and not in_source(w, text)]
        if foreign:
            flagged_ocr = bool(row.a_verifier) and "OCR" in str(row.motifs_verification)
            (by_ocr if flagged_ocr else made_up).append(
                f"{Path(row.fichier_source).name} p. {row.page_debut}: {' '.join(foreign)[:80]}")
    return made_up, by_ocr


@dataclass
class Figures:
    mutants: int = 0
    rows: int = 0
    read: int = 0
    rejected: int = 0
    doublons: int = 0  # the same report as another mutant (run keeps one, lists the others)
    crashes: int = 0
    hangs: int = 0
    invented: int = 0
    ocr_flagged: int = 0  # rows read by OCR off the text layer, flagged for review
    seconds: float = 0.0
    tree_peak_mb: float = 0.0
    examples: list = None  # a few crash, invention and OCR-read row reports, to look at

    def add(self, other: "Figures") -> None:
        for name in ("mutants", "rows", "read", "rejected", "doublons", "crashes", "hangs", "invented", "ocr_flagged",
                     "seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.tree_peak_mb = max(self.tree_peak_mb, other.tree_peak_mb)
        self.examples = (self.examples or []) + (other.examples or [])


CRASH = ("erreur inattendue", "s'est arrêtée net")


def tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants, in MB (from /proc)."""
    parents, rss = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
            parents[int(entry)], rss[int(entry)] = int(fields[1]), int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    tree, grown = {root}, True
    while grown:
        found = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= found
        grown = bool(found)
    return sum(rss.get(pid, 0) for pid in tree) / 2**20


class PeakSampler:
    """The peak of `tree_rss_mb` for this process while the block runs."""

    def __enter__(self) -> "PeakSampler":
        self.peak, self._stop = 0.0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, tree_rss_mb(os.getpid()))

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def run_batch(batch: list[Mutant], folder: Path, jobs: int) -> Figures:
    """One `run` over a batch of mutants written to `folder`."""
    from pipeline.run import run
    from pipeline.settings import Settings

    folder.mkdir(parents=True, exist_ok=True)
    sources = {}
    for mutant in batch:
        path = folder / mutant.name
        path.write_bytes(mutant.data)
        sources[path.relative_to(Path.cwd()).as_posix() if path.is_relative_to(Path.cwd()) else path.as_posix()] = \
            source_text(mutant.data, path.suffix)
    # Every mutant is a Mons 2020 report: near-duplicates are kept (same_report above 100), or a
    # mutant whose text differs a little from another's would be set aside unchecked. Copies
    # byte for byte are still read once: their rows are the same.
    settings = Settings()
    settings = replace(settings, doublons=replace(settings.doublons, same_report=101.0))
    start = time.perf_counter()
    with PeakSampler() as memory:
        result = run([folder], settings, jobs=jobs)
    seconds = time.perf_counter() - start
    crashes = [r for r in result.rejects if any(c in r.raison for c in CRASH)]
    hangs = [r for r in result.rejects if "trop long à lire" in r.raison]
    made_up, by_ocr = invented(result.table, sources)
    figures = Figures(
        mutants=len(batch), rows=len(result.table), read=len(result.documents), rejected=len(result.rejects),
        doublons=len(result.doublons),
        crashes=len(crashes), hangs=len(hangs), invented=len(made_up), ocr_flagged=len(by_ocr), seconds=seconds,
        tree_peak_mb=memory.peak,
        examples=[f"{r.fichier}: {r.raison}" for r in crashes[:3]] + [f"inventée : {r}" for r in made_up[:3]]
        + [f"lue par OCR, à vérifier : {r}" for r in by_ocr[:3]],
    )
    for path in folder.iterdir():
        path.unlink()
    return figures


def fuzz(count: int, seed: int, batch: int, jobs: int, report: Callable[[str], None] = print) -> Figures:
    total = Figures(examples=[])
    found = mutants(count, seed)
    with tempfile.TemporaryDirectory() as tmp:
        for start in range(0, len(found), batch):
            figures = run_batch(found[start:start + batch], Path(tmp) / "lot", jobs)
            total.add(figures)
            report(f"lot {start // batch + 1} : {figures.mutants} mutants, {figures.read} lus, {figures.rejected} rejetés, "
                   f"{figures.crashes} plantages, {figures.hangs} dépassements de temps, {figures.invented} lignes inventées, "
                   f"{figures.ocr_flagged} lues par OCR à vérifier, "
                   f"{figures.tree_peak_mb:.0f} Mo, {figures.seconds:.0f} s")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    total = fuzz(args.count, args.seed, args.batch, args.jobs)
    print(f"\n{total.mutants} mutants (graine {args.seed}, lots de {args.batch}, --jobs {args.jobs}) : "
          f"{total.read} lus ({total.rows} lignes), {total.rejected} rejetés avec leur raison, {total.doublons} doublons ; "
          f"{total.crashes} plantages, {total.hangs} dépassements du temps permis, {total.invented} lignes inventées, "
          f"{total.ocr_flagged} lignes lues par OCR hors de la couche texte et marquées à vérifier ; "
          f"mémoire max de l'arbre de processus {total.tree_peak_mb:.0f} Mo ; {total.seconds:.0f} s")
    for example in total.examples or []:
        print("  ", example)


if __name__ == "__main__":
    main()
