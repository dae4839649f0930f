"""Output files are written whole or not at all."""

import pandas as pd
import pytest

from pipeline.export import write_atomic, write_csv


def test_a_failed_write_leaves_the_previous_file_and_no_temporary(tmp_path):
    target = tmp_path / "synergies.csv"
    write_csv(pd.DataFrame({"synergie": ["Archives"]}), target)
    before = target.read_bytes()

    def crash(tmp):
        tmp.write_text("moitié d'un fich", encoding="utf-8")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, crash)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["synergies.csv"]
