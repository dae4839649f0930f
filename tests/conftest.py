import os
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

# Property tests explore new examples locally; in CI they replay a fixed set, so a run is repeatable.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

# Runs started by the tests never extend the project's registre/synergies.csv: a throwaway one for
# the session (module-wide fixtures), and a fresh one for each test.
os.environ["SYNERGIES_REGISTRE"] = str(Path(tempfile.mkdtemp(prefix="registre_")) / "synergies.csv")


@pytest.fixture(autouse=True)
def own_registry(tmp_path, monkeypatch):
    monkeypatch.setenv("SYNERGIES_REGISTRE", str(tmp_path / "registre" / "synergies.csv"))


ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
# The Mons reports, one report in several formats (PDF ruled, unruled, tagged, scanned; DOCX; ODT)
# and the next year: test material, not a user's corpus (raw/ is that).
MONS = ROOT / "tests" / "data" / "mons"
REFERENCE = ROOT / "tests" / "reference" / "mons_synergies_reference.csv"
# The same rows in another commune's layout (A4 portrait, serif 9 pt, centred headings worded
# otherwise, spacing after paragraphs, one table whose header is never repeated): the extractor
# was not tuned on these.
VARIANTS = {
    "portrait_regle": ROOT / "tests" / "data" / "variantes" / "mons_2020_portrait_regle.pdf",
    "portrait_sans_filets": ROOT / "tests" / "data" / "variantes" / "mons_2020_portrait_sans_filets.pdf",
    # not even a rule under the header: found by its wording alone
    "portrait_sans_aucun_filet": ROOT / "tests" / "data" / "variantes" / "mons_2020_portrait_sans_aucun_filet.pdf",
}
SAMPLES = {
    "regle": MONS / "2020" / "mons_2020_regle.pdf",
    "sans_filets": MONS / "2020" / "mons_2020_sans_filets.pdf",
}


@pytest.fixture(scope="session")
def reference() -> pd.DataFrame:
    return pd.read_csv(REFERENCE, dtype=str, keep_default_na=False)
