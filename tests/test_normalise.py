"""normalise: labels of the reference rows, what other communes write, review flags, properties."""

from __future__ import annotations

import string
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import assume, given, settings as hsettings, strategies as st

from pipeline.model import CELL_COLUMNS, LABEL_COLUMNS, OUTPUT_COLUMNS
from pipeline.normalise import (
    label, label_mode, label_objectifs, label_pilote, label_responsable, label_statut, normalise,
    parse_vocabulaire, vocabulaire,
)
from pipeline.run import typed
from pipeline.settings import NormaliseSettings, Settings
from pipeline.vocabulary import fold

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests/reference/mons_synergies_reference.csv"
VOCABULARY_FILE = ROOT / "schemas/vocabulaires.yaml"
SETTINGS = NormaliseSettings()
REQUIRED_ACCURACY = 0.97


def reference() -> pd.DataFrame:
    return pd.read_csv(REFERENCE, dtype=str, keep_default_na=False)


def contract_frame(cells: pd.DataFrame) -> pd.DataFrame:
    """A frame as run.document_frame builds it: the six cells, labels empty, no doubts."""
    records = []
    for number, row in enumerate(cells.to_dict("records"), start=1):
        page = int(row.get("page_source") or 1)
        records.append({
            **dict.fromkeys(OUTPUT_COLUMNS, ""),
            "commune": "Mons", "annee": 2020, "fichier_source": "raw/mons/2020/mons_2020.pdf",
            "empreinte_source": "0" * 64, "page_debut": page, "page_fin": page, "ligne": number,
            "id_synergie": f"id{number}", **{c: row.get(c, "") for c in CELL_COLUMNS},
            **dict.fromkeys(LABEL_COLUMNS, ""), "avancement_pct": None,
            "a_verifier": False, "motifs_verification": "",
        })
    return typed(pd.DataFrame.from_records(records, columns=list(OUTPUT_COLUMNS)))


@pytest.fixture(scope="module")
def normalised() -> tuple[pd.DataFrame, pd.DataFrame]:
    ref = reference()
    return ref, normalise(contract_frame(ref), SETTINGS)


# --- accuracy on the reference ---------------------------------------------------------------

@pytest.mark.parametrize("column", LABEL_COLUMNS)
def test_reference_accuracy(normalised, column):
    """Every reference row counts: at least 97 % of them get the reference label."""
    ref, out = normalised
    want = ref[column].astype(str)
    got = out[column].astype("string").fillna("").astype(str)
    wrong = [(i + 1, ref.at[i, "synergie"][:40], want[i], got[i]) for i in range(len(ref)) if want[i] != got[i]]
    accuracy = 1 - len(wrong) / len(ref)
    assert len(ref) == 35
    assert accuracy >= REQUIRED_ACCURACY, f"{column}: {accuracy:.1%}, erreurs {wrong}"


def test_reference_flags_are_few_and_meaningful(normalised):
    """A table flagged everywhere would be useless: only the genuinely doubtful rows are."""
    ref, out = normalised
    flagged = out[out["a_verifier"]]
    assert len(flagged) <= len(out) // 5
    by_line = dict(zip(out["ligne"], out["motifs_verification"]))
    assert by_line[2].startswith("mode non reconnu : « Mutualisation des ressources")
    assert "pilote : valeur changeante" in by_line[21]
    assert (out["a_verifier"] == (out["motifs_verification"] != "")).all()


def test_normalise_keeps_other_columns_and_types(normalised):
    ref, out = normalised
    frame = contract_frame(ref)
    assert list(out.columns) == list(frame.columns)
    untouched = [c for c in frame.columns if c not in (*LABEL_COLUMNS, "a_verifier", "motifs_verification")]
    pd.testing.assert_frame_equal(out[untouched], frame[untouched])
    assert str(out["avancement_pct"].dtype) == "Int64"
    assert out["a_verifier"].dtype == bool


def test_normalise_twice_is_normalise_once(normalised):
    _, out = normalised
    pd.testing.assert_frame_equal(normalise(out, SETTINGS), out)


def test_assembler_doubts_are_kept():
    frame = contract_frame(reference().head(3))
    frame.loc[1, "a_verifier"] = True
    frame.loc[1, "motifs_verification"] = "ligne supposée continuée en haut de la page 3"
    out = normalise(frame, SETTINGS)
    assert out.loc[1, "a_verifier"]
    motifs = out.loc[1, "motifs_verification"].split("|")
    assert motifs[0] == "ligne supposée continuée en haut de la page 3"
    assert any(m.startswith("mode non reconnu") for m in motifs)  # "Mutualisation des ressources…"


def test_empty_synergy_is_flagged():
    frame = contract_frame(pd.DataFrame([{"synergie": "  ", "mode_operatoire": "Coopératif"}]))
    out = normalise(frame, SETTINGS)
    assert out.loc[0, "a_verifier"]
    assert out.loc[0, "motifs_verification"] == "synergie vide"
    assert out.loc[0, "mode_norm"] == "cooperatif"


def test_empty_cells_are_unknown_without_flag():
    frame = contract_frame(pd.DataFrame([{"synergie": "Archives"}]))
    out = normalise(frame, SETTINGS)
    assert (out.loc[0, ["objectifs_norm", "mode_norm", "pilote_norm", "responsable_norm", "statut_norm"]] == "").all()
    assert pd.isna(out.loc[0, "avancement_pct"])
    assert not out.loc[0, "a_verifier"]


def test_thresholds_come_from_params(tmp_path):
    params = tmp_path / "params.yaml"
    params.write_text("normalise:\n  confident_score: 99.5\n  min_score: 70\n", encoding="utf-8")
    loaded = Settings.load(params).normalise
    assert (loaded.confident_score, loaded.min_score) == (99.5, 70)
    # "Cooperatf" scores about 95: confident by default, doubtful under the stricter threshold.
    assert label_mode("Cooperatf").motifs == ()
    strict = label_mode("Cooperatf", loaded)
    assert strict.label == "cooperatif" and strict.motifs[0].startswith("mode : correspondance incertaine (score 9")


# --- what real reports write (issue examples) ------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Performance administrative, Satisfaction du citoyen et moyens",
     "satisfaction_citoyen|performance_administrative|moyens"),
    ("Satisfaction du citoyen (crèches, maisons de repos) et moyens", "satisfaction_citoyen|moyens"),
    ("Instaurer un climat de respect, de sécurité et de sérénité au sein de l’espace d’accueil", ""),
    ("Moyens", "moyens"),
])
def test_objectives(text, expected):
    assert label_objectifs(text).label == expected


@pytest.mark.parametrize("text, expected, flagged", [
    ("Coopératif (coordination administrative par le CPAS) + Délégatif (exécution par le Garage)",
     "cooperatif_delegatif", False),
    ("Coopératif et délégatif", "cooperatif_delegatif", False),
    ("Délégatif : la RH Ville est chargée de l’organisation des formations", "delegatif", False),
    ("Mutualisation des ressources, des procédures, des formations.", "", True),
])
def test_modes(text, expected, flagged):
    m = label_mode(text)
    assert (m.label, bool(m.motifs)) == (expected, flagged)


def test_unmatched_mode_note_names_the_column_and_quotes_the_cell():
    m = label_mode("Mutualisation des ressources, des procédures, des formations. Vision commune.")
    assert m.motifs == ("mode non reconnu : « Mutualisation des ressources, des… »",)


@pytest.mark.parametrize("text, expected, flagged", [
    ("Les 2", "les_deux", False),
    ("Ville et CPAS", "les_deux", False),
    ("Ville-CPAS", "les_deux", False),
    ("Ville, CPAS et Enseignement.", "les_deux", False),
    ("La ville", "ville", False),
    ("CPAS décisionnaire pour son charroi. VM exécutant.", "cpas", False),
    ("Initialement les deux ; ensuite CPAS", "cpas", True),
])
def test_pilots(text, expected, flagged):
    m = label_pilote(text)
    assert (m.label, bool(m.motifs)) == (expected, flagged)


@pytest.mark.parametrize("text, expected", [
    ("DG Ville via Direction RH Ville", "dg_ville"),
    ("DG Ville et DG CPAS", "les_deux"),
    ("DG et Présidente CPAS", "dg_cpas"),
    ("Ville et CPAS", "les_deux"),
])
def test_responsibles(text, expected):
    m = label_responsable(text)
    assert (m.label, m.motifs) == (expected, ())


@pytest.mark.parametrize("text, expected, pct", [
    ("100%", "realise", 100), ("50 %", "en_cours", 50),
    ("effectif", "realise", None), ("Effectif", "realise", None), ("Réalisé", "realise", None),
    ("Terminé", "realise", None),
    ("En cours La phase d’étude de la nouvelle solution est finalisée.", "en_cours", None),
    ("Sans objet", "sans_objet", None),
    ("A développer", "a_developper", None), ("En projet", "a_developper", None), ("Prévu", "a_developper", None),
    ("Analyse réalisée par les services du CPAS", "", None),
    ("Interventions pour des cas exceptionnels + Réalisation de compositions florales", "", None),
])
def test_statuses(text, expected, pct):
    m = label_statut(text)
    assert (m.label, m.avancement) == (expected, pct)


# --- variants the reference does not contain -------------------------------------------------

@pytest.mark.parametrize("column, text, expected", [
    ("pilote_norm", "Commune", "ville"),
    ("pilote_norm", "Commune et CPAS", "les_deux"),
    ("pilote_norm", "Administration communale", "ville"),
    ("pilote_norm", "Les 2 administrations", "les_deux"),
    ("pilote_norm", "Les deux administrations", "les_deux"),
    ("pilote_norm", "Le C.P.A.S.", "cpas"),
    ("pilote_norm", "V.M.", "ville"),
    ("pilote_norm", "Ville (CPAS en appui)", "ville"),
    ("pilote_norm", "Conjointement", "les_deux"),
    ("pilote_norm", "Ville de Namur", "ville"),
    ("mode_norm", "par délégation", "delegatif"),
    ("mode_norm", "Délégation au CPAS", "delegatif"),
    ("mode_norm", "Collaboration", "cooperatif"),
    ("mode_norm", "Co-opératif", "cooperatif"),
    ("mode_norm", "Mixte", "cooperatif_delegatif"),
    ("mode_norm", "COOPERATIF / DELEGATIF", "cooperatif_delegatif"),
    ("responsable_norm", "DG commune", "dg_ville"),
    ("responsable_norm", "Directeur général du CPAS", "dg_cpas"),
    ("responsable_norm", "Directrice générale de la Ville", "dg_ville"),
    ("responsable_norm", "Secrétaire communal", "dg_ville"),
    ("responsable_norm", "Les deux DG", "les_deux"),
    ("responsable_norm", "D.G. Commune et D.G. C.P.A.S.", "les_deux"),
    ("objectifs_norm", "Satisfaction des usagers", "satisfaction_citoyen"),
    ("objectifs_norm", "Efficacité administrative et économie de moyens",
     "performance_administrative|moyens"),
    ("objectifs_norm", "Économies d'échelle", "moyens"),
    ("objectifs_norm", "MOYENS.", "moyens"),
    ("statut_norm", "Terminé", "realise"),
    ("statut_norm", "Terminée en 2020", "realise"),
    ("statut_norm", "Clôturé", "realise"),
    ("statut_norm", "Néant", "sans_objet"),
    ("statut_norm", "N/A", "sans_objet"),
    ("statut_norm", "À l'étude", "a_developper"),
    ("statut_norm", "A réaliser", "a_developper"),
    ("statut_norm", "Réalisé en partie", "en_cours"),
    ("statut_norm", "En cours de finalisation", "en_cours"),
])
def test_other_communes_variants(column, text, expected):
    m = label(column, text)
    assert (m.label, m.motifs) == (expected, ())


@pytest.mark.parametrize("column, text", [
    ("objectifs_norm", "Réduire les délais à moyen terme"),       # "moyen terme" is not "moyens"
    ("objectifs_norm", "Mutualisation des coûts d'investissement"),  # one word differs: no match
    ("statut_norm", "Réaliser un audit des contrats en 2022"),      # an intention, not "réalisé"
    ("statut_norm", "Mise à disposition de locaux au sein de la caserne"),
])
def test_near_misses_stay_empty(column, text):
    assert label(column, text).label == ""


@pytest.mark.parametrize("column, text, note", [
    ("pilote_norm", "Zone de police", "pilote non reconnu : « Zone de police »"),
    ("responsable_norm", "DG", "responsable non reconnu : « DG »"),
    ("responsable_norm", "Directeur financier", "responsable non reconnu : « Directeur financier »"),
    ("mode_norm", "Les deux", "mode non reconnu : « Les deux »"),
    ("objectifs_norm", "Satisfaction des agents", "objectif non reconnu : « Satisfaction des agents »"),
    ("statut_norm", "idem", "statut non reconnu : « idem »"),
])
def test_unmatched_short_cells_are_empty_and_flagged(column, text, note):
    m = label(column, text)
    assert (m.label, m.motifs) == ("", (note,))


def test_descriptions_are_not_flagged():
    """A sentence in the objective or last column is a description, not a missed label."""
    assert label_objectifs("Mise à disposition de locaux au sein de la caserne Cabuy").motifs == ()
    assert label_statut("Coordination de 6 CC et rédaction des bilans d’activités").motifs == ()


def test_typos_are_labelled_and_flagged_when_uncertain():
    m = label_mode("Coopératf")  # one letter missing: sure enough
    assert m.label == "cooperatif" and 90 <= m.score < 100 and m.motifs == ()
    doubtful = label_mode("Copératf")  # two: labelled, and a person checks
    assert doubtful.label == "cooperatif"
    assert doubtful.motifs == (f"mode : correspondance incertaine (score {round(doubtful.score)})",)
    assert SETTINGS.min_score <= doubtful.score < SETTINGS.confident_score
    weak = label_objectifs("Satisfaction")  # only part of "satisfaction du citoyen": no guess
    assert weak.label == "" and weak.motifs


def test_contradictory_status_and_percentage():
    m = label_statut("Réalisé à 80 %")
    assert (m.label, m.avancement) == ("en_cours", 80)
    assert m.motifs == ("statut : valeurs contradictoires (realise, 80 %)",)
    both = label_statut("30 % puis 60 %")
    assert both.avancement is None and "avancement : pourcentages contradictoires (30 %, 60 %)" in both.motifs


def test_impossible_percentage():
    m = label_statut("150 %")
    assert (m.label, m.avancement, m.motifs) == ("", None, ("avancement : pourcentage impossible (150 %)",))


def test_percentage_far_in_a_description_is_not_progress():
    m = label_statut("Les agents formés en 2020 représentent 100 % du personnel")
    assert (m.label, m.avancement) == ("", None)


def test_changed_mode_keeps_the_current_one_and_flags():
    m = label_mode("Coopératif puis délégatif")
    assert (m.label, m.motifs) == ("delegatif", ("mode : valeur changeante, dernier état retenu",))


def test_commune_is_a_one_line_vocabulary_change():
    """Without the line "- Commune" under the abbreviations of ville, "Commune" means nothing."""
    text = VOCABULARY_FILE.read_text(encoding="utf-8")
    line = "    - Commune\n"
    assert text.count(line) == 1
    without = parse_vocabulaire(yaml.safe_load(text.replace(line, "")))
    assert label("pilote_norm", "Commune", SETTINGS, without).label == ""
    assert label("pilote_norm", "Commune et CPAS", SETTINGS, without).label == "cpas"
    assert label("pilote_norm", "Commune", SETTINGS).label == "ville"
    assert label("pilote_norm", "Commune et CPAS", SETTINGS).label == "les_deux"


# --- unseen wording: shorthand, plurals, someone else ---------------------------------------

@pytest.mark.parametrize("column, text, expected", [
    ("mode_norm", "Coopér.", "cooperatif"),
    ("mode_norm", "Coop.", "cooperatif"),
    ("mode_norm", "Délég.", "delegatif"),
    ("mode_norm", "Coopératifs", "cooperatif"),
    ("mode_norm", "Coop. et délég.", "cooperatif_delegatif"),
    ("pilote_norm", "Ville + CPAS", "les_deux"),
    ("pilote_norm", "Commune/CPAS", "les_deux"),
    ("pilote_norm", "CPAS (pilote)", "cpas"),
    ("pilote_norm", "Adm. communale", "ville"),
    ("pilote_norm", "Service communal", "ville"),
    ("responsable_norm", "DG du CPAS", "dg_cpas"),
    ("responsable_norm", "Dir. gén. CPAS", "dg_cpas"),
    ("responsable_norm", "Dir. gén. Ville et CPAS", "les_deux"),
    ("responsable_norm", "Directeurs généraux", "les_deux"),
    ("responsable_norm", "Les directrices générales", "les_deux"),
    ("responsable_norm", "DG f.f. du CPAS", "dg_cpas"),
    ("responsable_norm", "Les deux administrations", "les_deux"),
    ("objectifs_norm", "Perf. adm.", "performance_administrative"),
    ("objectifs_norm", "Satisf. du citoyen ; perf. administrative", "satisfaction_citoyen|performance_administrative"),
    ("statut_norm", "Finalisé", "realise"),
    ("statut_norm", "Fini en 2021", "realise"),
    ("statut_norm", "Effectif depuis le 1er janvier 2022", "realise"),
    ("statut_norm", "Réalisé partiellement", "en_cours"),
    ("statut_norm", "Réalisation en cours", "en_cours"),
    ("statut_norm", "En voie de finalisation", "en_cours"),
    ("statut_norm", "Démarré en 2023", "en_cours"),
])
def test_unseen_wording(column, text, expected):
    m = label(column, text)
    assert (m.label, m.motifs) == (expected, ())


@pytest.mark.parametrize("text, expected, pct", [
    ("100 %", "realise", 100), ("En cours (60%)", "en_cours", 60), ("Terminé", "realise", None),
])
def test_unseen_statuses_with_percentages(text, expected, pct):
    m = label_statut(text)
    assert (m.label, m.avancement, m.motifs) == (expected, pct, ())


@pytest.mark.parametrize("text", [
    "Directrice financière du CPAS", "Chef de service RH Ville", "Receveur régional de la Commune",
    "Bourgmestre et Président du CPAS", "Dir. fin. Ville",
])
def test_someone_else_than_the_dg_stays_empty_and_flagged(text):
    m = label_responsable(text)
    assert m.label == ""
    assert m.motifs == (f"responsable : autre fonction que DG « {text} »",)


@pytest.mark.parametrize("column, text", [
    ("responsable_norm", "Receveur régional"), ("responsable_norm", "Chef de bureau"),
    ("responsable_norm", "Dir. gén."),  # which DG: not said
    ("mode_norm", "Mise à disposition"),  # lending staff or rooms is neither mode as such
    ("statut_norm", "Non réalisé"), ("statut_norm", "Pas encore réalisé"), ("statut_norm", "Reporté"),
    ("statut_norm", "Abandonné"), ("statut_norm", "OK"),
    ("pilote_norm", "Zone de police"),
])
def test_unseen_wording_that_names_no_value_stays_empty_and_flagged(column, text):
    m = label(column, text)
    assert m.label == "" and m.motifs


def test_a_dot_ending_a_sentence_is_no_abbreviation():
    """Only a word that begins a longer vocabulary word is taken as cut short; a whole word closed
    by a dot still ends its clause ("CPAS décisionnaire. VM exécutant.")."""
    assert label_pilote("Pilotage par le CPAS. Ville en appui.").label == "cpas"
    assert label_mode("Ex. de coop.").label == "cooperatif"  # "Ex." is too short to stand for a word
    assert label_objectifs("Éco. de moyens").label == "moyens"


def test_shorthand_follows_the_vocabulary_file():
    """A synonym a maintainer adds is understood cut short too, with no entry of its own."""
    data = yaml.safe_load(VOCABULARY_FILE.read_text(encoding="utf-8"))
    assert label("mode_norm", "Mutu.").label == ""
    data["colonnes"]["mode_norm"]["valeurs"]["cooperatif"].append("Mutualisé")
    vocab = parse_vocabulaire(data)
    assert label("mode_norm", "Mutu.", SETTINGS, vocab).label == "cooperatif"
    assert label("mode_norm", "Mutu.", NormaliseSettings(abbreviation_min_letters=5), vocab).label == ""


# --- properties ------------------------------------------------------------------------------

LABELLED = tuple(vocabulaire().colonnes)
ACCENTS = {"a": "àâ", "e": "éèêë", "i": "îï", "o": "ô", "u": "ùû", "c": "ç"}
PUNCTUATION = ".,;:!?()«»\"'-–/…"


def _known_values() -> list[tuple[str, str, str]]:
    """(column, text, label) for every synonym of the vocabulary file, as a maintainer wrote it."""
    data = yaml.safe_load(VOCABULARY_FILE.read_text(encoding="utf-8"))
    return [(column, synonym, value) for column, spec in data["colonnes"].items()
            for value, synonyms in spec["valeurs"].items() for synonym in synonyms]


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@st.composite
def disguised(draw, text: str) -> str:
    """The same words with other case, accents, spacing and punctuation around them."""
    text = _strip_accents(text) if draw(st.booleans()) else text
    chars = []
    for c in text:
        if c.lower() in ACCENTS and draw(st.integers(0, 3)) == 0:
            c = draw(st.sampled_from(ACCENTS[c.lower()]))
        chars.append(c.upper() if draw(st.booleans()) else c.lower())
    words = "".join(chars).split()
    gap = st.sampled_from([" ", "  ", "\t", "\n", " \u00a0", ", ", " - ", " / ", " ; "])
    edge = st.text(alphabet=PUNCTUATION + " ", max_size=3)
    out = draw(edge)
    for i, word in enumerate(words):
        out += (draw(gap) if i else "") + word
    return out + draw(edge)


@hsettings(max_examples=150, deadline=None)
@given(st.sampled_from(_known_values()).flatmap(lambda k: st.tuples(st.just(k), disguised(k[1]))))
def test_disguised_known_value_keeps_its_label(case):
    (column, text, value), variant = case
    assert label(column, text).label == value
    assert label(column, variant).label == value, variant


WORD = st.text(alphabet=string.ascii_letters + "éèàùçôî", min_size=3, max_size=12)
RANDOM_TEXT = st.one_of(
    st.lists(WORD, min_size=1, max_size=12).map(" ".join),
    st.text(alphabet=st.characters(exclude_categories=("Nd",)), max_size=80),  # digits would be %
)


def _strings(node) -> list[str]:
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in [str(k), *_strings(v)]]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return [str(node)]


# Every word the vocabulary knows: random text that happens to spell one ("COMMUNE") is no
# longer random and may rightly get a label.
VOCABULARY_WORDS = {w for s in _strings(yaml.safe_load(VOCABULARY_FILE.read_text(encoding="utf-8")))
                    for w in fold(s).split() if len(w) > 2}


@hsettings(max_examples=100, deadline=None)
@given(st.sampled_from(LABELLED), RANDOM_TEXT)
def test_random_text_gets_no_confident_label(column, text):
    assume(not VOCABULARY_WORDS & set(fold(text).split()))
    m = label(column, text)
    assert not (m.label and m.score >= SETTINGS.confident_score), (text, m)


def _lexicon_words() -> list[str]:
    return sorted({w for _, text, _ in _known_values() for w in text.split()})


MIXED_CELL = st.lists(
    st.one_of(st.sampled_from(_lexicon_words()), WORD, st.sampled_from(["et", "+", ";", "ensuite", "exécutant",
                                                                          "100%", "50 %", "(", ")"])),
    max_size=10,
).map(" ".join)


@hsettings(max_examples=100, deadline=None)
@given(st.sampled_from(LABELLED), MIXED_CELL)
def test_every_label_is_canonical(column, text):
    values = vocabulaire().colonnes[column].valeurs
    m = label(column, text)
    parts = m.label.split("|") if m.label else []
    assert set(parts) <= set(values), (text, m)
    assert parts == [v for v in values if v in parts]  # contract order, no repeats
    if column != "objectifs_norm":
        assert len(parts) <= 1
    if m.avancement is not None:
        assert 0 <= m.avancement <= 100


@hsettings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(*[MIXED_CELL] * 6), min_size=1, max_size=5))
def test_normalised_frame_labels_and_flags_are_consistent(rows):
    frame = contract_frame(pd.DataFrame(rows, columns=list(CELL_COLUMNS)))
    out = normalise(frame, SETTINGS)
    for column in LABELLED:
        allowed = set(vocabulaire().colonnes[column].valeurs)
        assert all(set(v.split("|")) <= allowed for v in out[column] if v)
    assert (out["a_verifier"] == (out["motifs_verification"] != "")).all()
