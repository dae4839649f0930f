import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

# Property tests explore new examples locally; in CI they replay a fixed set, so a run is repeatable.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
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
    "regle": RAW / "mons" / "2020" / "mons_2020_regle.pdf",
    "sans_filets": RAW / "mons" / "2020" / "mons_2020_sans_filets.pdf",
}


@pytest.fixture(scope="session")
def reference() -> pd.DataFrame:
    return pd.read_csv(REFERENCE, dtype=str, keep_default_na=False)
