"""The README's two pictures of the overview site: its index and one commune's page.

    .venv/bin/python scripts/bench_apercu.py --communes 12 --annees 3 --garder /tmp/apercu_demo
    .venv/bin/python scripts/captures_apercu.py /tmp/apercu_demo/apercu

Opens the pages from the disk in the system Chromium (Playwright) at a laptop's width and keeps
the top of each as a PNG in docs/.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]


def main(site: Path) -> None:
    commune = sorted((site / "communes").glob("*.html"))[0]
    shots = {"apercu_index.png": site / "index.html", "apercu_commune.png": commune}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 1000})
        for name, path in shots.items():
            page.goto(path.as_uri(), wait_until="networkidle")
            page.wait_for_selector("div.vega svg")
            page.screenshot(path=str(ROOT / "docs" / name))
            print(f"docs/{name} : {path.relative_to(site)}")
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
