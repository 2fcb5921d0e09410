"""Every kind of page a reader opens passes axe-core (WCAG 2.0-2.2 A and AA, and best
practice) at a phone's width, in headless Chromium.

The demo is built with a story taken down (the removed page) and served over HTTP; axe
comes from the PyPI package axe-playwright-python, which carries axe.min.js.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO, launch_chromium, run_cli, static_server

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
PHONE = {"width": 390, "height": 844}
TAKEN_DOWN = """\
---
title: "Ferry contract story"
date: 2026-11-02T09:00:00-08:00
author: ana-ruiz
section: news
removed:
  date: 2026-11-20T09:00:00-08:00
  reason: "This story was removed because it relied on a source who misrepresented their role."
---
A story about the ferry contract.
"""
PAGES = {
    "home": "/",
    "list page 2": "/page/1/",
    "section": "/politics/",
    "author": "/authors/ana-ruiz/",
    "tag": "/tags/city-council/",
    "article with a table": "/politics/mayor-budget-proposal/",
    "page with a table": "/contact/",
    "search with results": "/search/?q=council",
    "search without results": "/search/?q=zzyzxq",
    "not found": "/404.html",
    "removed": "/news/ferry-contract-story/",
    "curated section front": "/sports/",
    "article in a series": "/politics/harbor-dredging-vote/",
    "series": "/series/harbor-future/",
    "month archive": "/2026/10/",
    "corrections": "/corrections/",
}


def axe_script() -> str:
    axe_playwright_python = pytest.importorskip("axe_playwright_python")
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = tmp_path_factory.mktemp("demo")
    shutil.copy2(REPO / "newssite.toml", site / "newssite.toml")
    for name in ("content", "static", "themes"):
        shutil.copytree(REPO / name, site / name)
    (site / "content/articles/2026/11/ferry-contract-story.md").write_text(TAKEN_DOWN)
    result = run_cli("build", "--site", str(site))
    assert result.code == 0, result.err
    with static_server(site / "output") as origin:
        yield origin


def test_every_kind_of_page_passes_axe_at_390_px(served: str) -> None:
    script = axe_script()
    found: dict[str, list[str]] = {}
    with launch_chromium() as browser:
        page = browser.new_page(viewport=PHONE)
        for kind, path in PAGES.items():
            response = page.goto(served + path)
            assert response is not None
            assert response.status == 200, kind
            if kind.startswith("search"):
                page.wait_for_function(
                    "() => /found/.test(document.getElementById('search_status').textContent)"
                )
                if kind == "search with results":
                    page.wait_for_selector(".search-result img")
            page.add_script_tag(content=script)
            result = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
            )
            passed = {rule["id"] for rule in result["passes"]}
            assert len(passed) > 20, kind  # axe ran its rules
            if "table" in kind:  # the table scrolls sideways at this width, by keyboard too
                assert "scrollable-region-focusable" in passed, kind
            if kind.startswith("search"):
                assert "label" in passed, kind
            found[kind] = [
                f"{v['id']}: {node['target']}" for v in result["violations"] for node in v["nodes"]
            ]
    assert {kind: problems for kind, problems in found.items() if problems} == {}
