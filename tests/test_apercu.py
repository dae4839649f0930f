"""The overview site in a real browser (Chromium through Playwright), opened from file://.

Every page loads with no console error and no request leaving the disk, the charts draw, the
search box and filters narrow the table, sorting sorts, and a 390 px wide phone never scrolls
sideways. The site is built from the Mons 2020 and 2021 reference reports and a second,
fictional commune, so that the index, the year-over-year links and the filters have something to
tell apart.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline.apercu import site_pages, slug, write_site
from pipeline.diff import carry_ids, year_over_year
from pipeline.domaine import domaines
from pipeline.settings import DiffSettings, Settings
from pipeline.stages import write_outputs
from pipeline.vocabulary import fold

from .conftest import REFERENCE
from .test_cli import synergies
from .test_duckdb import REFERENCE_2021, year_table

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]
PHONE = {"width": 390, "height": 844}


def corpus() -> pd.DataFrame:
    """Mons 2020 and 2021, and the 2021 rows again as another commune's single year."""
    mons = pd.concat([year_table(REFERENCE, 2020), year_table(REFERENCE_2021, 2021)], ignore_index=True)
    other = year_table(REFERENCE_2021, 2022)
    other["commune"], other["fichier_source"] = "Val-d'Ostre", "raw/val-d-ostre/2022/rapport.pdf"
    return carry_ids(pd.concat([mons, other], ignore_index=True), DiffSettings())


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return corpus()


@pytest.fixture(scope="module")
def site(table, tmp_path_factory) -> Path:
    return write_site(table, year_over_year(table, DiffSettings()), tmp_path_factory.mktemp("sortie"))


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium absent : bash scripts/setup.sh --test l'installe")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


class Visit:
    """A page opened from the disk, with every console error and every request it made."""

    def __init__(self, browser, path: Path, viewport=None):
        self.context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.as_uri(), wait_until="load")

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser):
    opened = []

    def open_page(path: Path, viewport=None) -> Visit:
        opened.append(Visit(browser, path, viewport))
        return opened[-1]

    yield open_page
    for v in opened:
        v.close()


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_the_site_has_every_page(site, table):
    names = {p.relative_to(site).as_posix() for p in pages(site)}
    assert {"index.html", "synergies.html", "communes/mons.html", "communes/val-d-ostre.html",
            "evolution/mons-2020-2021.html"} <= names
    assert {f"domaines/{d}.html" for d in domaines()} <= names
    assert not any(p.name.startswith(".") for p in site.parent.iterdir())  # the build folder was swapped in


def test_every_page_loads_offline_without_error(site, visit):
    for path in pages(site):
        v = visit(path)
        v.page.wait_for_load_state("networkidle")
        assert v.errors == [], path
        assert v.requests and all(url.startswith("file://") for url in v.requests), path
        assert v.page.locator("h1").count() == 1, path
        assert v.page.evaluate("document.documentElement.lang") == "fr", path


@pytest.mark.parametrize("name", ["index.html", "communes/mons.html", "domaines/informatique.html"])
def test_charts_render_with_a_text_alternative(site, visit, name):
    v = visit(site / name)
    charts = v.page.locator("div.vega")
    assert charts.count() >= 1
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.locator("svg").first.wait_for(timeout=15000)
        assert chart.get_attribute("aria-label")
        box = chart.locator("svg").first.bounding_box()
        assert box["width"] > 100 and box["height"] > 50
        assert chart.locator("svg path[aria-roledescription='bar'], svg .mark-rect path").count() > 0
    assert v.errors == []


def rows(v: Visit) -> list[list[str]]:
    return v.page.eval_on_selector_all("#tableau tbody tr",
                                       "trs => trs.map(tr => [...tr.cells].map(td => td.textContent))")


def count_line(v: Visit) -> str:
    return v.page.locator("#compte").inner_text()


def test_search_box_filters_the_table(site, visit, table):
    v = visit(site / "synergies.html")
    assert count_line(v).endswith(f"sur {len(table)} synergies")
    v.page.fill("#recherche", "informatique")
    shown = rows(v)
    expected = table[table["synergie"].map(fold).str.contains("informatique")
                     | table["commune"].map(fold).str.contains("informatique")]
    assert len(shown) == len(expected) > 0
    assert all("informatique" in fold(r[2]) for r in shown)
    v.page.fill("#recherche", "cellule informatique")  # every word, in any order, accents ignored
    assert 0 < len(rows(v)) < len(shown)
    v.page.fill("#recherche", "zzz introuvable")
    assert rows(v) == [] and count_line(v) == "Aucune synergie ne correspond."
    assert v.errors == []


def test_filters_and_sort(site, visit, table):
    v = visit(site / "synergies.html")
    v.page.select_option("#f-commune", "Val-d'Ostre")
    assert {r[0] for r in rows(v)} == {"Val-d'Ostre"} and len(rows(v)) == (table["commune"] == "Val-d'Ostre").sum()
    v.page.select_option("#f-commune", "")
    v.page.select_option("#f-annee", "2020")
    v.page.select_option("#f-statut", "realise")
    expected = table[(table["annee"] == 2020) & (table["statut_norm"] == "realise")]
    assert len(rows(v)) == len(expected) > 0 and {r[4] for r in rows(v)} == {"Réalisé"}
    v.page.select_option("#f-statut", "")
    v.page.click("#tableau th button[data-colonne='2']")
    names = [r[2].removesuffix(" (à vérifier)") for r in rows(v)]
    assert v.page.get_attribute("#tableau th:nth-child(3)", "aria-sort") == "ascending"
    in_order = v.page.evaluate("n => n.slice().sort((a, b) => a.localeCompare(b, 'fr'))", names)
    assert names == in_order and names != sorted(names, key=lambda n: -ord(n[0]))
    v.page.click("#tableau th button[data-colonne='2']")
    assert v.page.get_attribute("#tableau th:nth-child(3)", "aria-sort") == "descending"
    assert v.errors == []


def test_a_domain_link_opens_the_table_filtered(site, visit, table):
    v = visit(site / "domaines" / "informatique.html")
    v.page.click("text=Les voir dans la liste complète")
    v.page.wait_for_selector("#tableau tbody tr")
    assert len(rows(v)) == min(100, int((table["domaine"] == "informatique").sum()))
    assert {r[3] for r in rows(v)} == {"Informatique"}


def test_commune_page_links_year_over_year_changes(site, visit):
    v = visit(site / "communes" / "mons.html")
    link = v.page.locator("a", has_text="Voir tous les changements 2020 → 2021")
    assert link.count() == 1
    link.click()
    v.page.wait_for_load_state("load")
    assert v.page.url.endswith("evolution/mons-2020-2021.html")
    assert "changements" in v.page.locator("h1").inner_text()


@pytest.mark.parametrize("name", ["index.html", "communes/mons.html", "domaines/ressources_humaines.html",
                                  "synergies.html"])
def test_phone_width_never_scrolls_sideways(site, visit, name):
    v = visit(site / name, PHONE)
    v.page.wait_for_load_state("networkidle")
    assert v.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_pages_are_text_from_the_templates_not_the_browser(table):
    """The pages hold their tables as HTML (readable without scripts), headers as th."""
    built = site_pages(table, year_over_year(table, DiffSettings()))
    mons = built[f"communes/{slug('Mons')}.html"]
    assert "<caption>Synergies de Mons en 2020</caption>" in mons and "<caption>Synergies de Mons en 2021</caption>" in mons
    assert mons.count("<th scope=\"col\">Synergie</th>") == 3  # each year's table and the status changes'
    assert "Informatique Sites Internet/ Intranet" in mons


def test_cli_builds_the_site_from_a_run_output(tmp_path, table):
    write_outputs(table, [], pd.DataFrame(), tmp_path, Settings())
    done = synergies("apercu", "--depuis", tmp_path, "--out", tmp_path / "site")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "apercu" / "index.html").is_file()
    missing = synergies("apercu", "--depuis", tmp_path / "absent", "--out", tmp_path / "site")
    assert missing.returncode == 2 and "introuvable" in missing.stderr and "Traceback" not in missing.stderr
