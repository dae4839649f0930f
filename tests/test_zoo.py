"""The layout zoo (tests/data/zoo, scripts/make_layouts.py): the whole pipeline scored on every
document, per layout class and half, against floors set just below today's figures
(tests/zoo_floors.yaml, raised as extraction improves); and the truths checked against the text of
the documents they describe."""

import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pipeline.score import score_document
from pipeline.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
FLOORS = yaml.safe_load((ROOT / "tests" / "zoo_floors.yaml").read_text(encoding="utf-8"))


def script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


accuracy = script("accuracy")
layouts = script("make_layouts")


@pytest.fixture(scope="module")
def figures():
    settings = Settings()
    measured = [accuracy.measure(entry, settings) for _, entry in accuracy.manifest().iterrows()]
    return accuracy.aggregate(measured)


def test_every_class_has_documents_in_both_halves():
    manifest = accuracy.manifest()
    counts = manifest.groupby(["class", "half"]).size()
    assert set(manifest["class"]) == set(FLOORS)
    assert (counts >= 3).all() and len(counts) == 2 * len(FLOORS), counts


# A class the pipeline does not read at all (floors all 0) has nothing to hold.
@pytest.mark.parametrize("cls", sorted(c for c, floors in FLOORS.items() if any(floors.values())))
def test_class_stays_above_its_floor_in_both_halves(figures, cls):
    for half in accuracy.HALVES:
        got = figures["classes"][cls][half]
        for measure, floor in FLOORS[cls].items():
            assert got[measure] >= floor, (cls, half, measure, got)


def test_scoring_counts_a_missed_row_and_an_invented_one():
    """The scorer itself, on a real truth: one row dropped, one invented, one cell changed."""
    truth = accuracy.truth_of(ROOT / "tests" / "data" / "zoo" / accuracy.manifest()["file"].iloc[0])
    output = truth.copy()
    output["avancement_pct"] = output["avancement_pct"].replace("", None)
    output = output.iloc[1:].reset_index(drop=True)
    output.loc[0, "objectif"] = output.loc[0, "objectif"] + " (complété)"
    invented = output.iloc[[0]].copy()
    invented[["synergie", "objectif", "realisation", "mode_operatoire"]] = ["Page 3", "", "", ""]
    output = pd.concat([output, invented], ignore_index=True)
    score = score_document(output, truth, 0.5)
    assert score.matched_rows == len(truth) - 1
    assert score.output_rows == len(truth)
    assert score.exact_cells == (len(truth) - 1) * 7 - 1
    assert score.f1 < 1


# Every fourth PDF (spreadsheets and DOCX have a PDF of the same seed, with the same truth).
@pytest.mark.parametrize("entry", [e for e in accuracy.manifest().itertuples() if e.file.endswith(".pdf")][::4],
                         ids=lambda e: e.file)
def test_truth_words_are_in_the_document(entry):
    document = ROOT / "tests" / "data" / "zoo" / entry.file
    truth = accuracy.truth_of(document).to_dict("records")
    assert layouts.missing_words(document, truth) == []


def test_a_document_without_synergies_scores_one_only_when_nothing_is_read():
    manifest = accuracy.manifest()
    empty = accuracy.truth_of(ROOT / "tests" / "data" / "zoo" / manifest[manifest["class"] == "pas_synergies"]["file"].iloc[0])
    some = accuracy.truth_of(ROOT / "tests" / "data" / "zoo" / manifest["file"].iloc[0])
    assert empty.empty
    assert score_document(empty, empty, 0.5).f1 == 1
    assert score_document(some.iloc[:1], empty, 0.5).f1 == 0
