"""Scanned reports: the image-only sample (scripts/make_scan.py) read by OCR through the same
pipeline and scored by the same scorer, and what happens when Tesseract is missing."""

import os
import shutil
import time
from dataclasses import replace

import cv2
import numpy as np
import pytest

from pipeline.model import LABEL_COLUMNS, PageContent, Row, Segment
from pipeline.read import DocumentError
from pipeline import worker
from pipeline.read.pdf import OcrPending, needs_ocr, ocr_pdf_page, read_pdf
from pipeline.read.scan import INSTALL_TESSERACT, OcrPage, mask_rules, rotated, rule_masks, skew_angle, tessdata
from pipeline.run import ocr_doubts, process_document, run
from pipeline.score import score
from pipeline.settings import LimitSettings, OcrSettings, Settings

from .conftest import MONS, SAMPLES

SCAN = MONS / "2020" / "mons_2020_scan.pdf"
# Issue 3: all rows found, 85 % of the cells exactly right, 95 % ignoring accents and punctuation,
# 90 % of the labels. Measured with Tesseract 5.3 (fra): 96 %, 99 % and 100 %.
REQUIRED_EXACT, REQUIRED_LOOSE, REQUIRED_LABELS = 0.85, 0.95, 0.90

tesseract = pytest.mark.skipif(
    tessdata("fra") is None,
    reason="Tesseract absent (apt-get install tesseract-ocr tesseract-ocr-fra): scanned documents cannot be read",
)


@pytest.fixture(scope="module")
def scanned():
    return process_document(SCAN, Settings())


@tesseract
def test_scanned_sample_every_row_found_and_read(scanned, reference):
    frame, report = scanned
    exact, loose = score(frame, reference), score(frame, reference, loose=True)
    assert exact.found_rows == len(reference) == 35 and exact.in_order, exact.summary()
    assert exact.cell_accuracy >= REQUIRED_EXACT, (exact.summary(), exact.mismatches[:5])
    assert loose.cell_accuracy >= REQUIRED_LOOSE, (loose.summary(), loose.mismatches[:5])
    assert report.pages == 8 and (frame["page_fin"] > frame["page_debut"]).sum() >= 3
    assert frame["entete_derniere_colonne"].tolist() == reference["entete_derniere_colonne"].tolist()


@tesseract
def test_scanned_sample_labels(scanned, reference):
    frame, _ = scanned
    for column in LABEL_COLUMNS:
        result = score(frame, reference, columns=(column,))
        assert result.cell_accuracy >= REQUIRED_LABELS, (column, result.mismatches)


def test_only_pages_without_text_are_read_by_ocr():
    born_digital = read_pdf(SAMPLES["regle"], Settings().extract)
    assert born_digital.scans == {}
    assert not any(needs_ocr(page, OcrSettings()) for page in born_digital.pages)
    stamped = PageContent(1, 842, 595, (Segment("Scanné le 12/03/2021", 10, 10, 90, 18),), ())
    assert needs_ocr(stamped, OcrSettings())


def test_missing_tesseract_rejects_scans_with_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))  # no model there
    with pytest.raises(DocumentError) as raised:
        read_pdf(SCAN, Settings().extract)
    assert str(raised.value) == INSTALL_TESSERACT
    assert "apt-get install tesseract-ocr tesseract-ocr-fra" in INSTALL_TESSERACT
    assert len(read_pdf(SAMPLES["regle"], Settings().extract).pages) == 8  # born-digital still read


@tesseract
def test_missing_french_data_says_what_to_install():
    with pytest.raises(DocumentError, match="tesseract-ocr-fra"):
        read_pdf(SCAN, Settings().extract, OcrSettings(language="zzz"))


def test_skew_search_drops_ink_turned_off_the_picture():
    """Fuzz mutant 00682 (seed 12): a page whose ink reaches its corners, turned by the search,
    put a point two rows below the picture and the two halves of the profile out of step."""
    page = np.full((400, 600), 255, np.uint8)
    page[-3:, :] = 0  # ink along the bottom edge, to the corners
    page[:3, :] = 0
    s = OcrSettings()
    assert abs(skew_angle(page, 200 / 72, s)) <= s.max_skew


def test_skew_is_measured_and_rules_found_in_a_drawn_table():
    s = OcrSettings()
    pt = 300 / 72
    page = np.full((1200, 1600), 255, np.uint8)
    for y in (200, 400, 600, 800):
        cv2.line(page, (150, y), (1450, y), 0, 4)
    for x in (150, 700, 1450):
        cv2.line(page, (x, 200), (x, 800), 0, 4)
    for y in (260, 300, 460, 500, 660):
        cv2.putText(page, "Synergie commune CPAS", (200, y), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 2)
    tilted = rotated(page, -0.6)
    angle = skew_angle(tilted, pt, s)
    assert angle == pytest.approx(0.6, abs=0.05)
    ink = cv2.threshold(rotated(tilted, angle), 128, 255, cv2.THRESH_BINARY_INV)[1]
    horizontal, vertical = rule_masks(ink, pt, s)
    rules = mask_rules(horizontal, pt, s) + mask_rules(vertical, pt, s)
    assert sum(r.horizontal for r in rules) == 4 and sum(not r.horizontal for r in rules) == 3
    assert all(abs((r.top + r.bottom) / 2 * pt - y) < 4 for r, y in zip(sorted(
        (r for r in rules if r.horizontal), key=lambda r: r.top), (200, 400, 600, 800)))


def test_low_confidence_flags_the_row_for_review():
    s = OcrSettings()
    page = PageContent(3, 842, 595, (), ())
    unsure = (Segment("Moyens", 0, 0, 10, 10), Segment("absent", 0, 0, 10, 10))
    scans = {3: OcrPage(page, 92.0, unsure).summary(), 4: OcrPage(replace(page, number=4), 60.0, ()).summary()}
    row = Row(dict(synergie="GRH", objectif="Moyens"), "Réalisation", 3, 4)
    assert ocr_doubts(row, scans, s) == [
        "mots incertains (OCR) page 3 : « Moyens »",
        "page 4 lue par OCR avec une confiance moyenne de 60 %",
    ]
    assert ocr_doubts(Row(dict(synergie="GRH"), "Réalisation", 5, 5), scans, s) == []


def test_ocr_doubts_reach_the_output_rows(scanned):
    frame, _ = scanned
    from_ocr = frame["motifs_verification"].str.contains("OCR")
    assert from_ocr.any()
    assert frame.loc[from_ocr, "a_verifier"].all()


@tesseract
def test_a_scan_read_over_two_workers_is_the_same_as_over_one(tmp_path, monkeypatch):
    """Issue 14: the pages of one scanned report are read by OCR over the `--jobs` workers, and the
    table is, byte for byte, the one a single worker reads."""
    readers = tmp_path / "lecteurs"
    readers.mkdir()

    def recorded(data, number, *args):
        (readers / f"{number}-{os.getpid()}").touch()  # the workers are forked: they run this too
        return ocr_pdf_page(data, number, *args)

    monkeypatch.setattr(worker, "ocr_pdf_page", recorded)
    settings = Settings(limites=LimitSettings(temps_document=1800.0))  # a busy machine is no failure here
    one, two = run([SCAN], settings, jobs=1), run([SCAN], settings, jobs=2)
    assert not one.rejects and not two.rejects, one.rejects + two.rejects
    assert len(one.table) == 35 and two.table.to_csv(index=False) == one.table.to_csv(index=False)
    pages = [p.name.split("-") for p in readers.iterdir()]
    assert sorted(int(number) for number, _ in pages) == list(range(1, 9))  # each page once...
    assert len({pid for _, pid in pages}) == 2  # ... by the two workers


def test_a_scans_pages_are_handed_out_heaviest_picture_first():
    """Issue 14: the pages whose pictures take the most bytes in the file (the busiest, the
    longest to read by OCR) are listed first, so that the last pages to finish over several
    workers are short ones. Sizes as pypdf finds them, not pdfium."""
    from pypdf import PdfReader

    stored = {i + 1: sum(len(x.get_object()._data) for x in page["/Resources"]["/XObject"].values())
              for i, page in enumerate(PdfReader(SCAN).pages)}
    with pytest.raises(OcrPending) as pending:
        read_pdf(SCAN.read_bytes(), Settings().extract, defer_ocr=True)
    assert pending.value.numbers == tuple(sorted(stored, key=lambda n: -stored[n]))


def test_the_run_loads_what_it_needs_later_while_the_workers_read(tmp_path):
    """Issue 14: `meanwhile` is done once, as soon as every worker has a document, before any
    has finished: the main process prepares while they read, not before or after."""
    shutil.copy(SAMPLES["regle"], tmp_path / "a.pdf")
    shutil.copy(SAMPLES["sans_filets"], tmp_path / "b.pdf")
    finished, calls = [], []
    worker.read_documents(sorted(tmp_path.iterdir()), Settings(), 2, lambda i, outcome: finished.append(i),
                          lambda: calls.append(len(finished)))
    assert calls == [0] and sorted(finished) == [0, 1]


def test_the_cache_is_read_while_a_single_new_document_is_read(tmp_path):
    """Issue 14: `started` (a warm run's documents from the cache) is done as soon as the first
    document is handed out, even when there are fewer documents than workers; `meanwhile` waits
    for every worker to be busy (a scan's pages are listed first), here until the end."""
    shutil.copy(SAMPLES["regle"], tmp_path / "a.pdf")
    finished, calls = [], []
    worker.read_documents([tmp_path / "a.pdf"], Settings(), 2, lambda i, outcome: finished.append(i),
                          meanwhile=lambda: calls.append(("meanwhile", len(finished))),
                          started=lambda: calls.append(("started", len(finished))))
    assert calls == [("started", 0), ("meanwhile", 1)] and finished == [0]


def test_a_scanned_page_that_cannot_be_read_rejects_its_document_only(tmp_path, monkeypatch):
    def unreadable(data, number, *args):
        raise DocumentError(f"page {number} illisible")

    monkeypatch.setattr(worker, "ocr_pdf_page", unreadable)
    shutil.copy(SCAN, tmp_path / "scan.pdf")
    shutil.copy(SAMPLES["regle"], tmp_path / "mons_2020.pdf")
    result = run([tmp_path], Settings(), jobs=2)
    assert [(r.fichier.split("/")[-1], r.raison.split()[-1]) for r in result.rejects] == [("scan.pdf", "illisible")]
    assert len(result.table) == 35  # the born-digital report beside it


def test_a_scan_past_the_time_limit_over_several_workers_is_rejected_and_the_run_goes_on(tmp_path, monkeypatch):
    """The time limit holds for the whole document, whichever workers read its pages."""
    def stuck(data, number, *args):
        time.sleep(600)

    monkeypatch.setattr(worker, "ocr_pdf_page", stuck)
    shutil.copy(SCAN, tmp_path / "scan.pdf")
    shutil.copy(SAMPLES["regle"], tmp_path / "mons_2020.pdf")
    result = run([tmp_path], Settings(limites=LimitSettings(temps_document=5.0)), jobs=2)
    assert [r.fichier.split("/")[-1] for r in result.rejects] == ["scan.pdf"]
    assert "trop long à lire" in result.rejects[0].raison
    assert len(result.table) == 35
