"""Year over year: pairing synergies of two reports, the diff table, stable ids, the report.

The sample pair is Mons 2020 (tests/reference/mons_synergies_reference.csv) and Mons 2021
(tests/reference/mons_2021_reference.csv, the same report a year later: synergies added and
dropped, statuses, pilot and mode changed, names corrected, a row moved). The expected diff,
tests/reference/mons_2020_2021_diff_attendu.csv, was written from the known edits, not by the code.
"""

from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline import export
from pipeline.diff import (
    CELL_COLUMNS, DIFF_COLUMNS, Candidates, assign, carry_ids, diff_tables, load_run_output, match_synergies,
    read_text_csv, typed_diff,
)
from pipeline.diff_report import html_report, markdown_report, status_transitions, word_changes, write_diff
from pipeline.ids import synergy_id
from pipeline.model import LABEL_COLUMNS
from pipeline.settings import DiffSettings, Settings
from pipeline.vocabulary import fold

from .conftest import MONS, REFERENCE, ROOT

REFERENCE_2021 = ROOT / "tests" / "reference" / "mons_2021_reference.csv"
EXPECTED = ROOT / "tests" / "reference" / "mons_2020_2021_diff_attendu.csv"
SETTINGS = DiffSettings()


def run_like(reference: Path | pd.DataFrame, annee: int, commune: str = "Mons") -> pd.DataFrame:
    """A reference table shaped as `synergies run` writes it (ids computed the way run does)."""
    frame = pd.read_csv(reference, dtype=str, keep_default_na=False) if isinstance(reference, Path) else reference.copy()
    frame = frame.drop(columns=["page_source", "entete_derniere_colonne"], errors="ignore")
    frame.insert(0, "commune", commune)
    frame.insert(1, "annee", annee)
    frame.insert(2, "fichier_source", f"raw/{commune.lower()}/{annee}/{commune.lower()}_{annee}.pdf")
    frame["ligne"] = range(1, len(frame) + 1)
    frame["id_synergie"] = [synergy_id(commune, s) for s in frame["synergie"]]
    return frame


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(object).where(frame.notna(), "").astype(str)


def by_position(frame: pd.DataFrame) -> pd.DataFrame:
    key = frame[["ligne_avant", "ligne_apres"]].replace("", "0").astype(int)
    return frame.loc[key.sort_values(["ligne_avant", "ligne_apres"]).index].reset_index(drop=True)


@pytest.fixture(scope="module")
def years():
    return run_like(REFERENCE, 2020), run_like(REFERENCE_2021, 2021)


@pytest.fixture(scope="module")
def sample_diff(years):
    return diff_tables(*years, SETTINGS)


@pytest.fixture(scope="module")
def expected():
    return pd.read_csv(EXPECTED, dtype=str, keep_default_na=False)


# ---------------------------------------------------------------- the sample pair
def test_expected_diff_holds_every_kind_of_change(expected):
    assert set(expected["changement"]) == {"ajoutee", "supprimee", "modifiee", "inchangee"}
    changed = {c for value in expected["champs_modifies"] for c in value.split("|") if c}
    assert {"synergie", "realisation", "mode_operatoire", "administration_pilote", "statut_norm"} <= changed


def test_sample_pair_diff_equals_the_expected_diff(sample_diff, expected):
    got = by_position(as_text(sample_diff)[list(expected.columns)])
    want = by_position(expected)
    for column in expected.columns:  # one column at a time, to say which one is wrong
        assert got[column].tolist() == want[column].tolist(), column


def test_sample_pair_ids_and_scores(sample_diff, years):
    old, new = years
    ids_2020 = dict(zip(old["ligne"], old["id_synergie"]))
    ids_2021 = dict(zip(new["ligne"], new["id_synergie"]))
    for _, row in sample_diff.iterrows():
        paired = row["changement"] in ("modifiee", "inchangee")
        assert row["id_avant"] == (ids_2020[row["ligne_avant"]] if pd.notna(row["ligne_avant"]) else "")
        assert row["id_apres"] == (ids_2021[row["ligne_apres"]] if pd.notna(row["ligne_apres"]) else "")
        if paired:
            assert SETTINGS.threshold <= row["score_appariement"] <= 100
        else:
            assert pd.isna(row["score_appariement"])
        if row["changement"] == "inchangee":
            assert row["score_appariement"] == 100
    assert list(sample_diff.columns) == list(DIFF_COLUMNS)


def test_sample_pair_rows_follow_the_new_report(sample_diff):
    new_lines = sample_diff["ligne_apres"].dropna().tolist()
    assert new_lines == sorted(new_lines)
    dropped = sample_diff.index[sample_diff["changement"] == "supprimee"]
    for i in dropped:  # each removed row right after the partner of its old predecessor
        before = sample_diff.loc[:i - 1].dropna(subset=["ligne_avant"]).iloc[-1]
        assert before["ligne_avant"] == sample_diff.at[i, "ligne_avant"] - 1


def test_sample_pair_through_the_pdfs(expected):
    """Both sample PDFs through `run` (no labels unless normalise runs): same pairs, same cell changes."""
    from pipeline.run import run

    pdfs = [MONS / "2020" / "mons_2020_regle.pdf", MONS / "2021" / "mons_2021_regle.pdf"]
    result = run(pdfs, Settings())
    assert not result.rejects
    table = carry_ids(result.table, SETTINGS)
    old, new = table[table["annee"] == 2020], table[table["annee"] == 2021]
    diff = as_text(diff_tables(old, new, SETTINGS))
    cells = set(CELL_COLUMNS)
    only_cells = lambda frame: [  # noqa: E731
        "|".join(c for c in value.split("|") if c in cells) for value in frame["champs_modifies"]]
    got, want = by_position(diff), by_position(expected)
    assert got["changement"].tolist() == want["changement"].tolist()
    assert got[["ligne_avant", "ligne_apres"]].values.tolist() == want[["ligne_avant", "ligne_apres"]].values.tolist()
    assert only_cells(got) == only_cells(want)
    paired = diff[diff["changement"].isin(["modifiee", "inchangee"])]
    assert (paired["id_avant"] == paired["id_apres"]).all(), "run over both years keeps each synergy's id"


# ---------------------------------------------------------------- matching cases
def test_reordered_rows_only_are_all_unchanged(years):
    old, _ = years
    shuffled = old.sample(frac=1, random_state=7).reset_index(drop=True)
    shuffled["annee"], shuffled["ligne"] = 2021, range(1, len(shuffled) + 1)
    diff = diff_tables(old, shuffled, SETTINGS)
    assert len(diff) == len(old) == 35
    assert set(diff["changement"]) == {"inchangee"}
    assert (diff["synergie_avant"] == diff["synergie_apres"]).all()
    assert (diff["objectif_avant"] == diff["objectif_apres"]).all()
    assert (diff["ligne_avant"] != diff["ligne_apres"]).any()


@pytest.mark.parametrize("ligne, renamed", [
    (8, "Service Technique CPAS / Service Voirie (VM)"),
    (29, "Informatique : personnel de la cellule IT"),
    (15, "GRH Service commun des assurances"),
])
def test_a_renamed_synergy_is_one_modified_row(years, ligne, renamed):
    old, _ = years
    new = old.copy()
    new["annee"] = 2021
    new.loc[new["ligne"] == ligne, "synergie"] = renamed
    new["id_synergie"] = [synergy_id("Mons", s) for s in new["synergie"]]
    diff = diff_tables(old, new, SETTINGS)
    assert Counter(diff["changement"]) == {"inchangee": 34, "modifiee": 1}
    row = diff[diff["changement"] == "modifiee"].iloc[0]
    assert (row["ligne_avant"], row["ligne_apres"], row["synergie_apres"]) == (ligne, ligne, renamed)
    assert row["champs_modifies"] == "synergie"
    assert row["id_avant"] != row["id_apres"]  # separate runs: each year hashes its own name


def gestion_des_associations(names: list[str], realisations: list[str], annee: int) -> pd.DataFrame:
    """Two synergies whose only difference is the department in their name."""
    rows = [{"synergie": n, "objectif": "Performance administrative", "mode_operatoire": "Délégatif",
             "administration_pilote": "CPAS", "responsable_administratif": "Les deux", "realisation": r}
            for n, r in zip(names, realisations)]
    return run_like(pd.DataFrame(rows), annee)


def test_two_similar_but_different_synergies_are_never_paired_with_each_other():
    egalite, pole = "Egalité des chances Gestion des associations", "Pole accueil Gestion des associations"
    task_a, task_b = "Introduction des dossiers collège / conseil", "Gestion des articles budgétaires ville"
    old = gestion_des_associations([egalite, pole], [task_a, task_b], 2020)
    # A year later: reordered, "Pôle" corrected, and each one's achievement is the other's old one.
    new = gestion_des_associations(["Pôle accueil Gestion des associations", "Egalite des chances Gestion des associations"],
                                   [task_a, task_b], 2021)
    diff = diff_tables(old, new, SETTINGS)
    assert sorted(diff["changement"]) == ["modifiee", "modifiee"]
    for _, row in diff.iterrows():
        assert fold(row["synergie_avant"]).split()[0] == fold(row["synergie_apres"]).split()[0]


def test_each_group_of_look_alikes_is_paired_as_the_optimal_assignment_pairs_it():
    """Groups are paired by trying every way when that is quick and one way is clearly best, by
    scipy's solver otherwise (big groups, ties): either way the pairs are those scipy's solver gives
    each group on its own. Random groups, up to 9 x 9, scores from a few values so that ties abound."""
    from scipy.optimize import linear_sum_assignment
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    rng = np.random.default_rng(14)
    blocks, parts = [], []
    for number in range(400):
        n_old, n_new = rng.integers(1, 10, size=2)
        blocks.append((np.arange(n_old), np.arange(n_new)))
        i, j = np.nonzero(rng.random((n_old, n_new)) < rng.choice([0.2, 0.5, 1.0]))
        parts.append((np.full(len(i), number), i, j, rng.choice([75.0, 80.0, 90.0, 100.0], size=len(i))))
    block, i, j, score = (np.concatenate(p) for p in zip(*parts))
    found = assign(Candidates(block, i, j, i, j, score), blocks)

    expected = set()
    for number, (old_rows, new_rows) in enumerate(blocks):
        mine = block == number
        n_old, n_new, r, c, s = len(old_rows), len(new_rows), i[mine], j[mine], score[mine]
        graph = coo_matrix((np.ones(len(r)), (r, c + n_old)), shape=(n_old + n_new,) * 2)
        group = connected_components(graph, directed=False)[1][r]
        for g in np.unique(group):
            edges = np.flatnonzero(group == g)
            rows, a = np.unique(r[edges], return_inverse=True)
            cols, b = np.unique(c[edges], return_inverse=True)
            gain = np.zeros((len(rows), len(cols)))
            gain[a, b] = s[edges] - 1e-6 * np.abs(r[edges] / n_old - c[edges] / n_new)
            for x, y in zip(*linear_sum_assignment(gain, maximize=True)):
                if ((a == x) & (b == y)).any():
                    expected.add((number, int(rows[x]), int(cols[y])))
    assert set(zip(found.block.tolist(), found.i.tolist(), found.j.tolist())) == expected
    assert len(expected) > 1000


def test_similar_synergies_among_the_whole_report(years):
    """The same two rows in the full Mons tables, with every other look-alike around them."""
    old, new = years
    pairs = match_synergies(old, new, SETTINGS)
    names = {(old["synergie"].iloc[a], new["synergie"].iloc[b]) for a, b in zip(pairs["avant"], pairs["apres"])}
    assert ("Pole accueil Gestion des associations", "Pôle accueil Gestion des associations") in names
    assert ("Egalite des chances Gestion des associations", "Egalité des chances Gestion des associations") in names
    assert not any("Education" in a for a, _ in names), "a dropped synergy is not a neighbour's old name"


def test_a_dropped_synergy_is_not_taken_for_a_new_look_alike(years):
    old, _ = years
    new = old[old["ligne"] != 17].copy()  # "GRH SIPP commun Ville CPAS" dropped ...
    extra = old[old["ligne"] == 17].assign(synergie="GRH Cellule juridique commune Ville CPAS")
    new = pd.concat([new, extra], ignore_index=True)  # ... and a new one with the same cells added
    new["annee"] = 2021
    diff = diff_tables(old, new, SETTINGS)
    assert Counter(diff["changement"]) == {"inchangee": 34, "supprimee": 1, "ajoutee": 1}


def test_match_within_each_commune_only(years):
    old, new = years
    namur = run_like(REFERENCE, 2020, commune="Namur")  # the same rows, another commune
    tournai = run_like(REFERENCE_2021, 2021, commune="Tournai")
    diff = diff_tables(pd.concat([old, namur]), pd.concat([tournai, new]), SETTINGS)
    assert set(diff.loc[diff["commune"] == "Namur", "changement"]) == {"supprimee"}
    assert set(diff.loc[diff["commune"] == "Tournai", "changement"]) == {"ajoutee"}
    assert (diff["commune"] == "Namur").sum() == 35 and (diff["commune"] == "Tournai").sum() == 36
    mons = diff[diff["commune"] == "Mons"]
    assert Counter(mons["changement"]) == Counter(diff_tables(old, new, SETTINGS)["changement"])
    assert diff["commune"].drop_duplicates().tolist() == ["Tournai", "Mons", "Namur"]


def test_empty_inputs(years):
    old, new = years
    empty = old.iloc[:0]
    nothing = diff_tables(empty, empty, SETTINGS)
    assert nothing.empty and list(nothing.columns) == list(DIFF_COLUMNS)
    assert set(diff_tables(empty, new, SETTINGS)["changement"]) == {"ajoutee"}
    assert len(diff_tables(old, empty, SETTINGS)) == 35
    assert set(diff_tables(old, empty, SETTINGS)["changement"]) == {"supprimee"}
    assert markdown_report(nothing).count("| 0 |") == 4
    assert "Aucun changement de statut" in html_report(nothing)


def test_labels_missing_on_one_side_are_not_changes(years, expected):
    """A run made before normalisation existed has empty labels: only the cells are compared."""
    old, new = years
    unlabelled = old.assign(**dict.fromkeys(LABEL_COLUMNS, ""))
    diff = as_text(diff_tables(unlabelled, new, SETTINGS))
    cells = set(CELL_COLUMNS)
    assert all(c in cells for value in diff["champs_modifies"] for c in value.split("|") if c)
    got, want = by_position(diff), by_position(expected)
    assert got["changement"].tolist() == want["changement"].tolist()


def test_threshold_comes_from_the_settings(years):
    """With a stricter threshold a corrected name no longer pairs: one removal plus one addition."""
    old, new = years
    strict = diff_tables(old, new, DiffSettings(threshold=99.5))
    paired = strict[strict["changement"].isin(["modifiee", "inchangee"])]
    assert (paired["score_appariement"] >= 99.5).all()
    assert "Service Technique CPAS/ Service Voierie VM" in strict.loc[strict["changement"] == "supprimee", "synergie_avant"].tolist()
    assert "Service Technique CPAS/ Service Voirie VM" in strict.loc[strict["changement"] == "ajoutee", "synergie_apres"].tolist()


# ---------------------------------------------------------------- stable ids
def test_ids_are_carried_to_later_years_reworded_or_not(years, expected):
    old, new = years
    table = carry_ids(pd.concat([new, old], ignore_index=True), SETTINGS)  # years in any order
    ids_2020 = table[table["annee"] == 2020].set_index("ligne")["id_synergie"]
    ids_2021 = table[table["annee"] == 2021].set_index("ligne")["id_synergie"]
    assert ids_2020.tolist() == old["id_synergie"].tolist(), "the first year keeps its own ids"
    renamed = 0
    for _, row in expected.iterrows():
        if row["changement"] in ("modifiee", "inchangee"):
            assert ids_2021[int(row["ligne_apres"])] == ids_2020[int(row["ligne_avant"])], row["synergie_apres"]
            renamed += synergy_id("Mons", row["synergie_avant"]) != synergy_id("Mons", row["synergie_apres"])
        elif row["changement"] == "ajoutee":
            assert ids_2021[int(row["ligne_apres"])] == synergy_id("Mons", row["synergie_apres"])
            assert ids_2021[int(row["ligne_apres"])] not in set(ids_2020)
    assert renamed == 2  # "Voierie" -> "Voirie", "nos d'infrastructures" -> "nos infrastructures"


def test_ids_survive_a_year_of_absence_and_several_documents(years):
    old, new = years
    third = old.copy()  # 2022 goes back to the 2020 wording, with "Egalité des chances Education"
    third["annee"], third["fichier_source"] = 2022, "raw/mons/2022/mons_2022.pdf"
    twin = new.assign(fichier_source="raw/mons/2021/mons_2021_sans_filets.pdf")  # two files of one year
    table = carry_ids(pd.concat([third, new, twin, old], ignore_index=True), SETTINGS)
    by_year = {y: table[(table["annee"] == y)] for y in (2020, 2021, 2022)}
    first = by_year[2020]["id_synergie"].tolist()
    assert by_year[2022]["id_synergie"].tolist() == first  # even the synergy absent in 2021
    regle = table[table["fichier_source"] == new["fichier_source"].iloc[0]]["id_synergie"].tolist()
    sans_filets = table[table["fichier_source"] == "raw/mons/2021/mons_2021_sans_filets.pdf"]["id_synergie"].tolist()
    assert regle == sans_filets
    assert table.index.tolist() == list(range(len(table)))  # rows stay where they were


def test_rows_without_a_year_keep_their_id(years):
    old, new = years
    table = pd.concat([old, new.assign(annee=pd.NA)], ignore_index=True)
    carried = carry_ids(table, SETTINGS)
    assert carried["id_synergie"].tolist() == table["id_synergie"].tolist()
    assert carry_ids(table.iloc[:0], SETTINGS).empty


# ---------------------------------------------------------------- reading run outputs
def test_run_outputs_are_read_from_csv_parquet_or_folder(tmp_path, years):
    old, _ = years
    table = old.assign(avancement_pct=pd.array([int(v) if v else None for v in old["avancement_pct"]], dtype="Int64"))
    export.write_csv(table, tmp_path / "synergies.csv")
    export.write_parquet(table, tmp_path / "synergies.parquet")  # objectifs_norm as lists there
    from_csv = load_run_output(tmp_path / "synergies.csv")
    from_parquet = load_run_output(tmp_path / "synergies.parquet")
    from_folder = load_run_output(tmp_path)
    assert from_csv["objectifs_norm"].tolist() == from_parquet["objectifs_norm"].tolist() == old["objectifs_norm"].tolist()
    assert set(diff_tables(from_csv, from_parquet, SETTINGS)["changement"]) == {"inchangee"}
    assert len(from_folder) == 35


def test_a_run_with_no_rows_is_an_empty_input(tmp_path, years):
    old, _ = years
    export.write_csv(old.iloc[:0], tmp_path / "synergies.csv")
    empty = load_run_output(tmp_path / "synergies.csv")
    assert empty.empty
    assert set(diff_tables(empty, old, SETTINGS)["changement"]) == {"ajoutee"}


def test_csv_inputs_are_read_as_pandas_reads_them(tmp_path):
    """read_text_csv (Arrow) gives pandas' read_csv(dtype=str, keep_default_na=False), odd files included."""
    files = {
        "bom_crlf.csv": "\ufeffa,b\r\n1,\"deux\r\nlignes\"\r\n,NA\r\n",
        "quotes_blank_lines.csv": 'a,b\n\n"he said ""hi""",x"y\n\n',
        "short_rows.csv": "a,b,c\n1,2\n3,4,5\n",
        "names_empty_or_twice.csv": "a,,a\n1,2,3\n",
        "header_only.csv": "a,b\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_bytes(text.encode("utf-8"))
        pd.testing.assert_frame_equal(read_text_csv(tmp_path / name),
                                      pd.read_csv(tmp_path / name, dtype=str, keep_default_na=False), obj=name)


def test_inputs_that_are_not_run_outputs_raise_a_clear_error(tmp_path):
    (tmp_path / "vide").mkdir()
    (tmp_path / "texte.parquet").write_text("pas du parquet", encoding="utf-8")
    (tmp_path / "binaire.csv").write_bytes((MONS / "2020" / "mons_2020_regle.pdf").read_bytes())
    cases = {
        REFERENCE: "colonnes manquantes : commune, annee, id_synergie",
        MONS / "2020" / "mons_2020_regle.pdf": "attendu synergies.csv",
        tmp_path / "vide": "ni synergies.parquet ni synergies.csv",
        tmp_path / "texte.parquet": "illisible",
        tmp_path / "binaire.csv": "",
    }
    for path, detail in cases.items():
        with pytest.raises(ValueError) as error:
            load_run_output(path)
        assert "n'est pas une sortie de `synergies run`" in str(error.value) and detail in str(error.value), path
    with pytest.raises(ValueError, match="introuvable"):
        load_run_output(tmp_path / "absent.csv")
    with pytest.raises(ValueError, match="colonnes manquantes : commune"):
        diff_tables(pd.read_csv(REFERENCE, dtype=str), pd.read_csv(REFERENCE, dtype=str), SETTINGS)


# ---------------------------------------------------------------- report
def test_report_counts_and_status_transitions(sample_diff, expected):
    counts = Counter(expected["changement"])
    moves = Counter((a, b) for a, b, kind in zip(expected["statut_norm_avant"], expected["statut_norm_apres"],
                                                 expected["changement"]) if kind == "modifiee" and a != b)
    assert {(a, b): n for a, b, n in status_transitions(sample_diff)} == moves
    markdown, page = markdown_report(sample_diff), html_report(sample_diff)
    for kind, title in (("ajoutee", "ajoutées"), ("supprimee", "supprimées"), ("modifiee", "modifiées"), ("inchangee", "inchangées")):
        assert f"| {title} | {counts[kind]} |" in markdown
        assert f"<td>{title}</td><td>{counts[kind]}</td>" in page
    for (before, after), n in moves.items():
        assert f"{before} → {after} : {n}" in markdown and f"{before} → {after} : {n}" in page
    assert "en_cours → realise : 2" in markdown


def test_report_shows_old_and_new_text_with_changed_words(sample_diff):
    markdown, page = markdown_report(sample_diff), html_report(sample_diff)
    assert "Service Technique CPAS/ Service ~~Voierie~~ VM | Service Technique CPAS/ Service **Voirie** VM" in markdown
    assert "<del>Voierie</del>" in page and "<ins>Voirie</ins>" in page
    assert "<del>Pole</del> accueil Gestion des associations" in page
    for name in ("Egalité des chances Education", "GRH / Services Assurances commun",
                 "Informatique Cybersécurité : plan commun de sécurité de l’information"):
        assert name in markdown and name in page


def test_html_report_is_self_contained_and_well_formed(sample_diff):
    page = html_report(sample_diff)
    for outside in ("http://", "https://", "<script", "<link", "src=", "@import"):
        assert outside not in page

    class Balance(HTMLParser):
        def __init__(self):
            super().__init__()
            self.open: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag not in ("meta", "br", "col"):  # void elements
                self.open.append(tag)

        def handle_endtag(self, tag):
            assert self.open and self.open[-1] == tag, (tag, self.open[-3:])
            self.open.pop()

    parser = Balance()
    parser.feed(page)
    assert parser.open == []


def test_report_text_is_escaped():
    left, right = word_changes("a <b> | c", "a <b> | d")
    assert left == [("a <b> |", False), ("c", True)] and right == [("a <b> |", False), ("d", True)]
    old = gestion_des_associations(["Service <script>", "GRH | *étoiles*"], ["x", "y"], 2020)
    new = old.assign(annee=2021, realisation=["x <b>nouveau</b>", "y | z"])
    diff = diff_tables(old, new, SETTINGS)
    page, markdown = html_report(diff), markdown_report(diff)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "GRH \\| \\*étoiles\\*" in markdown and "| y | y **\\| z** |" in markdown
    assert np.array_equal(sorted(diff["changement"]), ["modifiee", "modifiee"])


def test_diff_table_has_the_types_typed_diff_gives(sample_diff):
    """The diff is built from Arrow columns: text as str (empty for none), integers Int64, the score Float64."""
    pd.testing.assert_frame_equal(sample_diff, typed_diff(sample_diff.copy()), check_exact=True)
    assert set(sample_diff.dtypes.astype(str)) == {"str", "Int64", "Float64"}


def test_diff_csv_is_written_as_pandas_writes_it(tmp_path, years):
    """write_diff builds the CSV with Arrow (`export.write_csv`); its bytes are those of pandas' to_csv."""
    old, new = years
    tricky = ['guillemets "dedans", et virgule', "deux\nlignes", "retour\rchariot", " espace devant", "", "€ – œ"]
    new = new.assign(realisation=[tricky[i % len(tricky)] for i in range(len(new))])
    for diff in (diff_tables(old, new, SETTINGS), diff_tables(old.iloc[:0], new.iloc[:0], SETTINGS)):
        write_diff(diff, tmp_path / "arrow.csv")
        expected = diff.to_csv(index=False, encoding="utf-8", lineterminator="\n").encode("utf-8")
        assert (tmp_path / "arrow.csv").read_bytes() == expected
