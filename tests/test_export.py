"""Output files are written whole or not at all."""

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from pipeline.export import csv_bytes, write_atomic, write_csv


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


# Cells that make the csv module quote, double or keep: commas, quotes, line breaks, spaces, accents.
CELLS = st.text(alphabet=st.sampled_from(list('ab ,"\n\r\t;é€–\'')), max_size=6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(CELLS, st.one_of(st.none(), st.integers(-10**6, 10**6)),
                          st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False).map(lambda v: round(v, 1))),
                          st.booleans(), st.one_of(st.none(), st.booleans())), max_size=8))
def test_csv_is_written_as_pandas_writes_it(rows):
    """The contract's column types (text, nullable integer and float, boolean), tricky text: the
    bytes of write_csv are those of pandas' to_csv, which they replace."""
    frame = pd.DataFrame({
        "texte": pd.array([r[0] for r in rows], dtype="str"),
        "entier": pd.array([r[1] for r in rows], dtype="Int64"),
        "decimal": pd.array([r[2] for r in rows], dtype="Float64"),
        "a_verifier": pd.array([r[3] for r in rows], dtype=bool),
        "peut_etre": pd.array([r[4] for r in rows], dtype="boolean"),
        "ligne": pd.array(range(len(rows)), dtype="int64"),
    })
    assert csv_bytes(frame) is not None
    expected = frame.to_csv(index=False, encoding="utf-8", lineterminator="\n").encode("utf-8")
    assert b"".join(bytes(piece) for piece in csv_bytes(frame)) == expected


def test_tables_arrow_does_not_cover_are_written_by_pandas(tmp_path):
    """One column (a row of one empty cell is '""'), object columns holding anything: pandas writes them."""
    for frame in (pd.DataFrame({"seule": ["", "x"]}), pd.DataFrame({"a": [1, "deux", None], "b": ["x", "y", "z"]})):
        assert csv_bytes(frame) is None
        write_csv(frame, tmp_path / "t.csv")
        assert (tmp_path / "t.csv").read_bytes() == frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
