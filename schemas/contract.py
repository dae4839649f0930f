"""The output contract (`output_contract.md`, synergies.csv) as a pandera schema.

Allowed label values come from `vocabulaires.yaml`, the file the normaliser matches against, so
a value added there is accepted here without a second edit. Columns beyond the contract's are
allowed ("add columns freely"). Each check carries a French name: `pipeline.validate` reports
failures under it.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from pipeline.vocabulary import load

VOCABULAIRE = "vocabulaires.yaml"


def valeurs(column: str) -> list[str]:
    """The canonical values of a labelled column, as the vocabulary file lists them."""
    return list(load(VOCABULAIRE)["colonnes"][column]["valeurs"])


def _label_field(column: str) -> pa.Field:
    """A label: one canonical value, or empty (unknown)."""
    return pa.Field(isin=["", *valeurs(column)])


class SynergiesContract(pa.DataFrameModel):
    """One row per synergy, as `synergies run` writes it."""

    commune: Series[str]
    annee: Series[pd.Int64Dtype] = pa.Field(nullable=True)
    fichier_source: Series[str] = pa.Field(str_length={"min_value": 1})
    empreinte_source: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{64}$")
    page_debut: Series[int] = pa.Field(ge=1)
    page_fin: Series[int] = pa.Field(ge=1)
    ligne: Series[int] = pa.Field(ge=1)
    id_synergie: Series[str] = pa.Field(str_length={"min_value": 1})
    rubrique: Series[str]
    ligne_source: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1)
    synergie: Series[str]
    objectif: Series[str]
    mode_operatoire: Series[str]
    administration_pilote: Series[str]
    responsable_administratif: Series[str]
    realisation: Series[str]
    objectifs_norm: Series[str]
    mode_norm: Series[str] = _label_field("mode_norm")
    pilote_norm: Series[str] = _label_field("pilote_norm")
    responsable_norm: Series[str] = _label_field("responsable_norm")
    statut_norm: Series[str] = _label_field("statut_norm")
    avancement_pct: Series[pd.Int64Dtype] = pa.Field(nullable=True, in_range={"min_value": 0, "max_value": 100})
    a_verifier: Series[bool]
    motifs_verification: Series[str]
    domaine: Series[str] = pa.Field(isin=["", *load("domaines.yaml")["domaines"]])

    class Config:
        strict = False
        coerce = False
        unique = ["fichier_source", "ligne"]

    @pa.check("synergie", name="synergie_non_vide")
    def _synergie_non_vide(cls, synergie: Series[str]) -> Series[bool]:
        """Every row is a synergy: its name is never blank."""
        return synergie.str.strip() != ""

    @pa.check("objectifs_norm", name="objectifs_du_vocabulaire")
    def _objectifs(cls, objectifs: Series[str]) -> Series[bool]:
        """Distinct canonical objectives, in the vocabulary's order, joined by "|"; or empty."""
        order = {v: i for i, v in enumerate(valeurs("objectifs_norm"))}

        def ok(value: str) -> bool:
            if value == "":
                return True
            parts = value.split("|")
            ranks = [order.get(p, -1) for p in parts]
            return min(ranks) >= 0 and ranks == sorted(set(ranks))

        return objectifs.map(ok).astype(bool)

    @pa.dataframe_check(name="page_debut_avant_page_fin")
    def _pages(cls, df: pd.DataFrame) -> Series[bool]:
        return df["page_debut"] <= df["page_fin"]

    @pa.dataframe_check(name="a_verifier_selon_motifs")
    def _verification(cls, df: pd.DataFrame) -> Series[bool]:
        """a_verifier is true exactly when motifs_verification says why."""
        return df["a_verifier"].astype(bool) == (df["motifs_verification"].fillna("") != "")
