"""Hostile input and faults (issue 12): every document bounded, nothing aborts the run, text as
printed, cache integrity, a command line with no traceback. One test per defect found."""

import hashlib
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader, PdfWriter

from pipeline import cache as cache_module
from pipeline import worker as worker_module
from pipeline.cache import ExtractionCache, code_fingerprint, extraction_key
from pipeline.clean import clean_row
from pipeline.discover import find_documents
from pipeline.model import Row
from pipeline.read import DOCUMENT_SUFFIXES, DocumentError, read_document
from pipeline.read.docx import read_docx
from pipeline.read.odt import read_odt
from pipeline.read.pdf import read_pdf
from pipeline.run import extract_documents, run
from pipeline.settings import LimitSettings, ParamsError, Settings

from .conftest import MONS, ROOT, SAMPLES

DOCX = SAMPLES["regle"].parent / "mons_2020.docx"
ODT = SAMPLES["regle"].parent / "mons_2020.odt"


def synergies(*args, cwd=ROOT, **kwargs):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=300, **kwargs)


def rezip(source: Path, change, parts=("word/document.xml", "content.xml")) -> bytes:
    """An office file with its main XML part (or `parts`) changed by `change(bytes) -> bytes`."""
    out = io.BytesIO()
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename in parts:
                data = change(data)
            target.writestr(info, data)
    return out.getvalue()


def reasons(result) -> dict[str, str]:
    return {Path(r.fichier).name: r.raison for r in result.rejects}


# --- 1. every document bounded ----------------------------------------------------------------------

def test_a_docx_declaring_spans_of_1e8_is_read_within_the_cap():
    data = rezip(DOCX, lambda xml: xml.replace(b"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="100000000"/>', 5)
                 .replace(b"<w:trPr>", b'<w:trPr><w:gridBefore w:val="100000000"/>', 2))
    document = read_docx(data, LimitSettings())
    widest = max(len(f.cells) for f in document.fragments)
    cap = LimitSettings().cellules_repetees
    assert cap <= widest <= 7 * cap  # gridBefore and six cells, each capped


def test_an_odt_repeating_rows_100000_times_is_rejected_before_header_matching(tmp_path):
    repeated = rezip(ODT, lambda xml: re.sub(rb"<table:table-row\b", b'<table:table-row table:number-rows-repeated="100000"',
                                             xml))
    (tmp_path / "repete.odt").write_bytes(repeated)
    shutil.copy(SAMPLES["regle"], tmp_path / "mons_2020.pdf")
    result = run([tmp_path], Settings(), jobs=1)
    assert "trop grand" in reasons(result)["repete.odt"]
    assert len(result.table) == 35  # the good report beside it is there


def test_a_page_200_m_wide_without_text_is_rejected_before_rendering(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(width=567000, height=842)
    path = tmp_path / "immense.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    result = run([path], Settings(), jobs=1)
    assert "trop grande pour être rendue" in reasons(result)["immense.pdf"]


def test_a_tagged_cell_spanning_1e8_columns_is_capped(tmp_path):
    data = SAMPLES["regle"].parent.joinpath("mons_2020_balise.pdf").read_bytes()
    hostile = re.sub(rb"/S\s*/TD\b", b"/S /TD /A << /O /Table /ColSpan 100000000 /RowSpan 1e30 >>", data, count=40)
    assert hostile != data
    (tmp_path / "balise.pdf").write_bytes(hostile)
    result = run([tmp_path], Settings(), jobs=1)
    assert not result.rejects and len(result.table) >= 35


def test_a_document_past_the_time_limit_is_rejected_and_the_run_goes_on(tmp_path):
    shutil.copy(SAMPLES["regle"], tmp_path / "a.pdf")
    settings = Settings(limites=LimitSettings(temps_document=0.001))
    result = run([tmp_path], settings, jobs=1)
    assert "trop long à lire : plus de 0.001 s" in reasons(result)["a.pdf"]


def test_a_document_that_never_finishes_is_stopped_and_the_reports_beside_it_are_read(tmp_path, monkeypatch):
    """One stalled document (an .odt ran past 600 s) used to hold back every report beside it:
    none reached the output. Its worker is stopped at the limit and a fresh one reads the rest."""
    shutil.copy(SAMPLES["sans_filets"], tmp_path / "a_bloque.pdf")  # read first, by the first worker
    shutil.copy(SAMPLES["regle"], tmp_path / "mons_2020.pdf")
    shutil.copy(ODT, tmp_path / "mons_2020_bis.odt")
    parse = worker_module.read_document

    def stalls(path, settings, data, *scans):
        if path.name == "a_bloque.pdf":
            time.sleep(3600)
        return parse(path, settings, data, *scans)

    monkeypatch.setattr(worker_module, "read_document", stalls)  # inherited by the forked workers
    result = run([tmp_path], Settings(limites=LimitSettings(temps_document=15)), jobs=1)
    assert list(reasons(result)) == ["a_bloque.pdf"] and "trop long à lire" in reasons(result)["a_bloque.pdf"]
    read = [d.fichier for d in result.documents] + [d.fichier for d in result.doublons]  # the .odt repeats the PDF
    assert sorted(Path(f).name for f in read) == ["mons_2020.pdf", "mons_2020_bis.odt"] and len(result.table) == 35


def test_a_document_past_the_memory_limit_is_rejected_with_a_plain_reason(tmp_path):
    shutil.copy(SAMPLES["regle"], tmp_path / "a.pdf")
    result = run([tmp_path], Settings(limites=LimitSettings(memoire_document=1)), jobs=1)
    assert "mémoire" in reasons(result)["a.pdf"]


def test_workers_die_with_the_main_process(tmp_path):
    folder = tmp_path / "entrees"
    folder.mkdir()
    for i in range(60):  # a few seconds of reading
        shutil.copy(SAMPLES["regle"], folder / f"r{i}.pdf")
    main = subprocess.Popen([sys.executable, "-m", "pipeline", "run", folder, "--out", tmp_path / "out", "--jobs", "2",
                             "--no-cache"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    session = main.pid
    deadline = time.monotonic() + 60
    while len(_session_members(session)) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(_session_members(session)) >= 3  # the run and its workers
    os.kill(main.pid, signal.SIGKILL)
    main.wait()
    deadline = time.monotonic() + 30
    while _session_members(session) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _session_members(session) == set()


def _session_members(session: int) -> set[int]:
    members = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    fields = fh.read().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == session and fields[0] != b"Z":
                members.add(int(entry))
    return members


def test_a_zip_member_declaring_a_gigabyte_is_refused_before_inflating(tmp_path):
    out = io.BytesIO(DOCX.read_bytes())
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("word/media/bombe.bin", "w", force_zip64=True) as member:
            for _ in range(300):
                member.write(bytes(1 << 20))
    with pytest.raises(DocumentError, match="une fois décompressé"):
        read_docx(out.getvalue(), LimitSettings())


# --- 2. nothing aborts the run ----------------------------------------------------------------------

@pytest.fixture
def odd_folder(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    (folder / "sous").mkdir(parents=True)
    shutil.copy(SAMPLES["regle"], os.fsencode(folder) + b"/Namur_\xe9t\xe9_2020.pdf")
    shutil.copy(SAMPLES["regle"], folder / "rapport_\x1b[31mrouge.pdf")
    (folder / "sous" / "boucle").symlink_to(folder)  # a loop back to the top
    (folder / "soi.pdf").symlink_to(folder / "soi.pdf")  # a link to itself
    (folder / "casse.pdf").symlink_to(folder / "absent.pdf")
    os.mkfifo(folder / "tube.pdf")
    huge = folder / "enorme.pdf"
    with open(huge, "wb") as fh:  # 40 GB, sparse: nothing is written, and nothing must be read
        fh.truncate(40 * 2**30)
    return folder


def test_odd_entries_are_each_rejected_with_their_reason_and_the_reports_read(odd_folder, tmp_path):
    done = synergies("run", odd_folder, "--out", tmp_path / "out", "--jobs", "1", "--no-cache")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "\x1b" not in done.stderr
    assert "Namur_\\xe9t\\xe9_2020.pdf" in done.stderr and "rapport_\\x1b[31mrouge.pdf" in done.stderr
    rejects = pd.read_csv(tmp_path / "out" / "rejects.csv", dtype=str).set_index("fichier")["raison"]
    by_name = {Path(f).name: r for f, r in rejects.items()}
    assert "boucle" in by_name["soi.pdf"]
    assert "cassé" in by_name["casse.pdf"]
    assert "pas un fichier ordinaire" in by_name["tube.pdf"]
    assert "trop volumineux" in by_name["enorme.pdf"]
    assert "déjà parcouru" in by_name["boucle"]
    table = pd.read_csv(tmp_path / "out" / "synergies.csv", dtype=str)
    names = {f"{odd_folder.as_posix()}/Namur_\\xe9t\\xe9_2020.pdf", f"{odd_folder.as_posix()}/rapport_\\x1b[31mrouge.pdf"}
    assert len(table) == 35 and set(table["fichier_source"]) < names  # the same report twice: one kept, one a doublon


def test_an_unreadable_folder_is_a_reject_not_a_silent_skip(tmp_path, monkeypatch):
    (tmp_path / "ferme").mkdir()
    shutil.copy(SAMPLES["regle"], tmp_path / "a.pdf")
    scandir = os.scandir

    def refusing(path):
        if Path(path).name == "ferme":
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    found, rejects = find_documents([tmp_path], DOCUMENT_SUFFIXES)
    assert [p.name for p in found] == ["a.pdf"]
    assert [(Path(r.fichier).name, r.raison.split(" :")[0]) for r in rejects] == [("ferme", "accès refusé")]


# --- 3. text as printed -----------------------------------------------------------------------------

def _stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), entries) + data + b"\nendstream"


def _pdf(content: bytes, fonts: bytes = b"", more: tuple[bytes, ...] = ()) -> bytes:
    """A one-page PDF in Helvetica (/F1, and `fonts` from objects 6 on: `more`) showing `content`
    (a content stream)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 200] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R " + fonts + b">> >> >>",
               _stream(content),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", *more]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def test_a_character_without_text_does_not_shift_its_neighbours():
    """pdfium counts the NUL but leaves it out of the page's text: every later word used to take
    its left neighbour's box and letters ("CPAS | DG | En cours" -> "PAS D | G E | n cours")."""
    data = _pdf(b"BT /F1 12 Tf 10 150 Td (Rapport sur les synergies 2020) Tj ET "
                b"BT /F1 12 Tf 10 100 Td (A\x00CPAS) Tj 100 0 Td (DG) Tj 100 0 Td (En cours) Tj ET")
    segments = [s.text for s in read_pdf(data, Settings().extract).pages[0].segments]
    assert segments == ["Rapport sur les synergies 2020", "A\ufffdCPAS", "DG", "En cours"]


def test_a_glyph_without_unicode_does_not_shift_its_neighbours_and_shows_as_unreadable():
    """An emoji from a font that gives it no Unicode (a CID font whose ToUnicode map leaves it
    out): pdfium counts it but leaves it out of the page's text, and gives its glyph number (2)."""
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Emoji def "
            b"1 begincodespacerange <0000> <FFFF> endcodespacerange 1 beginbfchar <0001> <0041> endbfchar "
            b"endcmap CMapName currentdict /CMap defineresource pop end end")
    data = _pdf(b"BT /F1 12 Tf 10 150 Td (Rapport sur les synergies 2020) Tj ET "
                b"BT /F1 12 Tf 10 100 Td (A) Tj /F2 12 Tf <0002> Tj /F1 12 Tf (CPAS) Tj 100 0 Td (DG) Tj 100 0 Td "
                b"(En cours) Tj ET", fonts=b"/F2 6 0 R ", more=(
                    b"<< /Type /Font /Subtype /Type0 /BaseFont /Emoji /Encoding /Identity-H /DescendantFonts [7 0 R] "
                    b"/ToUnicode 8 0 R >>",
                    b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Emoji /CIDSystemInfo << /Registry (Adobe) "
                    b"/Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
                    _stream(cmap)))
    segments = [s.text for s in read_pdf(data, Settings().extract).pages[0].segments]
    assert segments == ["Rapport sur les synergies 2020", "A\ufffdCPAS", "DG", "En cours"]


def test_control_characters_bidi_overrides_and_ansi_escapes_leave_the_cells_and_flag_the_row():
    row = Row({"synergie": "\x1b[31mMarchés\x1b[0m publics", "objectif": "Économies\u202e d'échelle\x07",
               "mode_operatoire": "", "administration_pilote": "Ville", "responsable_administratif": "DG",
               "realisation": "En cours"}, "Réalisation", 1, 1)
    cleaned = clean_row(row)
    assert cleaned.cells["synergie"] == "Marchés publics"
    assert cleaned.cells["objectif"] == "Économies d'échelle"
    assert cleaned.doutes == ["caractères de contrôle ou de sens d'écriture retirés du texte"]


def test_an_unmapped_character_flags_its_row():
    row = Row({"synergie": "Achats group\ufffdés", "objectif": "", "mode_operatoire": "", "administration_pilote": "",
               "responsable_administratif": "", "realisation": ""}, "Réalisation", 1, 1)
    assert any("illisible" in d for d in clean_row(row).doutes)


# --- 4. outputs as one set -------------------------------------------------------------------------

@pytest.mark.parametrize("fault, code, message", [
    ("OSError(errno.ENOSPC, 'No space left on device')", 2, "impossible d'écrire les résultats (disque plein"),
    ("KeyboardInterrupt()", 130, "les résultats précédents de {out} sont restés tels quels"),
], ids=["disque_plein", "ctrl_c"])
def test_a_fault_between_two_output_files_leaves_the_previous_set_and_says_so(tmp_path, fault, code, message):
    """A full disk or Ctrl-C after synergies.csv was replaced used to leave a new CSV beside the old
    Parquet and rejects, under a message saying nothing was half-written."""
    out = tmp_path / "sortie"
    assert synergies("run", SAMPLES["regle"], "--out", out, "--no-cache").returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    script = ("import errno, sys\nfrom pipeline import stages\n"
              f"def fault(*args):\n    raise {fault}\n"
              "stages.write_xlsx = fault  # after synergies.csv and synergies.parquet\n"
              "from pipeline.cli import main\nmain(sys.argv[1:])\n")
    done = subprocess.run([sys.executable, "-c", script, "run", str(DOCX), "--out", str(out), "--no-cache"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == code and "Traceback" not in done.stderr, done.stderr
    assert message.format(out=out) in done.stderr.strip().splitlines()[-1]
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not [p.name for p in tmp_path.iterdir() if "nouveau" in p.name]  # no staging folder left


# --- 5. cache integrity -----------------------------------------------------------------------------

def test_the_cache_keeps_what_was_parsed_under_the_hash_of_those_bytes(tmp_path, monkeypatch):
    """The file is replaced between the cache lookup and its reading: the extraction is stored
    under the hash of the bytes parsed, never under the first file's hash."""
    path = tmp_path / "rapport.pdf"
    shutil.copy(SAMPLES["regle"], path)
    stale = hashlib.sha256(SAMPLES["sans_filets"].read_bytes()).hexdigest()
    monkeypatch.setattr("pipeline.run.hash_file", lambda p, limits: stale)  # what was there at lookup time
    store = ExtractionCache(tmp_path / "cache")
    extracted, _ = extract_documents([path], Settings(), store, jobs=1)
    real = hashlib.sha256(path.read_bytes()).hexdigest()
    assert extracted[0][0].sha256 == real
    key = extraction_key(Settings())
    assert store.get(stale, key) is None and store.get(real, key) == extracted[0][1]


def _first_page(source: Path) -> bytes:
    """A PDF's first page alone (a scanned report that OCR reads in seconds, not a minute)."""
    writer = PdfWriter(clone_from=PdfReader(source))
    while len(writer.pages) > 1:
        writer.remove_page(len(writer.pages) - 1)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _other_report(path: Path) -> bytes:
    """The same kind of file holding another report: next year's PDF, or the office file with a
    word changed in every sheet and in the body."""
    if path.suffix == ".pdf":
        return (MONS / "2021" / "mons_2021_regle.pdf").read_bytes()
    return rezip(path, lambda xml: xml.replace(b"publics", b"PRIVES"),
                 parts=("word/document.xml", "content.xml", *(f"xl/worksheets/sheet{i}.xml" for i in range(1, 5))))


@pytest.mark.parametrize("original", [
    SAMPLES["regle"], MONS / "2020" / "mons_2020_balise.pdf", "scan", DOCX, ODT,
    ROOT / "tests" / "data" / "tableurs" / "mons_2020.xlsx", ROOT / "tests" / "data" / "tableurs" / "mons_2020.ods",
], ids=["pdf", "balise", "scan", "docx", "odt", "xlsx", "ods"])
def test_what_is_parsed_is_what_was_hashed_for_every_format(tmp_path, monkeypatch, original):
    """The file is replaced by another report right after its bytes were read and hashed, before
    they are parsed: the reading is the hashed file's, so the cache can never keep one report's
    rows under another's hash. The .odt, .ods and .xlsx readers used to open the path again."""
    content = _first_page(MONS / "2020" / "mons_2020_scan.pdf") if original == "scan" else original.read_bytes()
    path = tmp_path / ("rapport.pdf" if original == "scan" else f"rapport{original.suffix}")
    path.write_bytes(content)
    other = _other_report(SAMPLES["regle"] if original == "scan" else original)
    expected = read_document(path, Settings())
    replaced = tmp_path / f"autre{path.suffix}"
    replaced.write_bytes(other)
    assert read_document(replaced, Settings()) != expected  # the replacement is another reading
    parse = worker_module.read_document

    def swapped_then_parsed(where, settings, data, *scans):
        where.write_bytes(other)
        return parse(where, settings, data, *scans)

    monkeypatch.setattr(worker_module, "read_document", swapped_then_parsed)
    outcome = worker_module.perform(worker_module.Task(0, path), Settings())
    assert path.read_bytes() == other
    assert outcome == worker_module.Read(hashlib.sha256(content).hexdigest(), expected)


def test_a_cache_entry_altered_but_still_valid_json_is_rebuilt(tmp_path):
    store = ExtractionCache(tmp_path / "cache")
    first, _ = extract_documents([SAMPLES["regle"]], Settings(), store, jobs=1)
    key = extraction_key(Settings())
    entry = store.path(first[0][0].sha256, key)
    entry.write_text(entry.read_text(encoding="utf-8").replace("Marchés", "Marchez"), encoding="utf-8")
    assert store.get(first[0][0].sha256, key) is None
    again, _ = extract_documents([SAMPLES["regle"]], Settings(), store, jobs=1)
    assert again[0][1] == first[0][1]


def test_the_cache_key_follows_the_extraction_code_and_only_it(tmp_path, monkeypatch):
    package = tmp_path / "pipeline"
    shutil.copytree(ROOT / "pipeline", package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache_module, "PACKAGE", package)

    def fingerprint() -> str:
        code_fingerprint.cache_clear()
        return code_fingerprint()

    try:
        before = fingerprint()
        (package / "diff_report.py").write_text("# not extraction code\n", encoding="utf-8")
        assert fingerprint() == before
        for module in ("extract/cells.py", "headers.py", "read/pdf.py"):  # headers.py: imported by extract/
            with open(package / module, "a", encoding="utf-8") as fh:
                fh.write("\n# changed\n")
            changed = fingerprint()
            assert changed != before, module
            before = changed
    finally:
        code_fingerprint.cache_clear()


# --- 6. command line hygiene ------------------------------------------------------------------------

def test_version():
    done = synergies("--version")
    assert done.returncode == 0 and re.fullmatch(r"synergies \d+\.\d+\.\d+\n", done.stdout)


@pytest.mark.parametrize("params, key", [
    ("extract:\n  word_gapp: 2\n", "extract.word_gapp"),
    ("extrat:\n  word_gap: 2\n", "extrat"),
    ("extract:\n  word_gap: -1\n", "extract.word_gap"),
    ("diff:\n  threshold: 140\n", "diff.threshold"),
    ("extract:\n  header_min_columns: beaucoup\n", "extract.header_min_columns"),
    ("extract: [\n", "ligne"),
])
def test_a_wrong_params_file_is_one_line_naming_the_key(tmp_path, params, key):
    path = tmp_path / "params.yaml"
    path.write_text(params, encoding="utf-8")
    with pytest.raises(ParamsError, match=re.escape(key)):
        Settings.load(path)
    done = synergies("run", SAMPLES["regle"], "--out", tmp_path / "out", "--params", path)
    assert done.returncode == 2 and key in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_the_project_params_file_is_valid():
    Settings.load(ROOT / "params.yaml")


@pytest.mark.parametrize("args", [
    ["run", "raw", "--out", "{tmp}/o", "--params", "{tmp}/absent.yaml"],
    ["run", "raw", "--out", "{tmp}/o", "--jobs", "beaucoup"],
    ["run", "--out", "{tmp}/o"],
    ["run", "raw", "--out", "{tmp}/o", "--inconnue"],
    ["lancer", "raw"],
    ["score", "{tmp}/absent.csv", "tests/reference/mons_synergies_reference.csv"],
    ["score", "README.md", "tests/reference/mons_synergies_reference.csv"],
    ["diff", "{tmp}/absent.csv", "tests/reference/mons_synergies_reference.csv", "--out", "{tmp}/d.csv"],
    ["debug", "tests/data/mons/2020/mons_2020.docx", "--page", "1"],
    ["etape", "assemble", "--interim", "{tmp}/vide"],
])
def test_a_user_error_is_one_french_line_and_exit_two(tmp_path, args):
    done = synergies(*[a.format(tmp=tmp_path) for a in args])
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert not re.search(r"\b(Error|Missing|Invalid|No such|Usage)\b", lines[0]), lines[0]


def test_an_empty_input_says_so_and_exits_one_without_contract_failures(tmp_path):
    (tmp_path / "vide").mkdir()
    done = synergies("run", tmp_path / "vide", "--out", tmp_path / "out")
    assert done.returncode == 1 and "Aucun document" in done.stderr and "contrôle" not in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", [[], ["run"], ["diff"], ["debug"], ["score"], ["etape"], ["etape", "extract"]])
def test_help_is_in_french(command):
    done = synergies(*command, "--help")
    assert done.returncode == 0 and "Utilisation" in done.stdout
    assert not re.search(r"Usage|Show this message|Commands|\[default|\[required", done.stdout), done.stdout


# --- 7. fuzzing: a seeded subset --------------------------------------------------------------------

def test_fuzzed_documents_never_crash_hang_or_invent_rows():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import fuzz
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    figures = fuzz.fuzz(count=110, seed=2026, batch=110, jobs=2, report=lambda line: None)
    assert figures.mutants == 110 and figures.read + figures.rejected + figures.doublons == 110
    assert (figures.crashes, figures.hangs, figures.invented) == (0, 0, 0), figures.examples
    assert figures.read > 10 and figures.rejected > 10  # the mutants are neither all fatal nor all harmless
