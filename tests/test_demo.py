"""The repository's demo outlet and the default theme, judged as a reader and an editor would."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

import newssite.sources as sources
from conftest import REPO, copy_demo, run_cli
from sitecheck import broken_links, json_ld, parse_html


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = copy_demo(tmp_path_factory.mktemp("demo"))
    result = run_cli("build", "--site", str(site))
    assert result.code == 0, result.err
    return site


def front_matter(path: Path) -> dict[str, object]:
    source = sources.SourceFile("articles", path.name, path.read_bytes(), "")
    return dict(sources.split(source).meta)


def story_files() -> list[Path]:
    """The demo's stories: not the updates of its live story (in an updates/ folder)."""
    found = (REPO / "content/articles").rglob("*.md")
    return [path for path in found if path.parent.name != "updates"]


def test_the_demo_is_a_real_newsroom() -> None:
    stories = [front_matter(p) for p in story_files()]
    assert len(stories) >= 20
    assert len({s["section"] for s in stories}) >= 4
    assert len(list((REPO / "content/authors").glob("*.md"))) >= 5
    assert (
        sum(1 for s in stories if isinstance(s.get("author"), list) and len(s["author"]) > 1) >= 1
    )
    assert sum(1 for s in stories if s.get("updated")) >= 1
    assert sum(1 for s in stories if s.get("draft") is True) == 1
    assert sum(1 for s in stories if str(s["date"]) > "2027") == 1
    assert sum(1 for s in stories if s.get("photo")) >= 10
    assert all(s.get("tags") for s in stories)
    assert any(s["section"] == "opinion" for s in stories)  # its section's type: opinion
    assert any(s.get("type") == "analysis" for s in stories)
    assert any(s.get("byline") and not s.get("author") for s in stories)
    live = [p for p in story_files() if front_matter(p).get("live") is True]
    assert len(live) == 1
    updates = [front_matter(p) for p in (live[0].parent / "updates").glob("*.md")]
    assert len(updates) >= 8
    assert sum(1 for u in updates if u.get("pinned") is True) == 1


def test_the_demo_builds_with_no_warnings_and_no_broken_links(demo: Path) -> None:
    result = run_cli("check", "--site", str(demo))
    assert result.code == 0, result.err
    assert broken_links(demo / "output", "/") == []


def article_with_everything(demo: Path) -> Path:
    """The demo's updated, two-author story with a photo: it shows every element."""
    for path in sorted((demo / "content/articles").rglob("*.md")):
        meta = front_matter(path)
        if meta.get("updated") and meta.get("photo") and isinstance(meta.get("author"), list):
            return demo / "output" / str(meta["section"]) / path.stem / "index.html"
    raise AssertionError("the demo has no updated multi-author story with a photo")


def text(element: object) -> str:
    return " ".join("".join(element.itertext()).split())  # type: ignore[attr-defined]


def test_the_article_page_has_every_element_a_reader_expects(demo: Path) -> None:
    page = parse_html(article_with_everything(demo))
    main = page.find(".//main")
    assert (
        main is not None
        and page.find(".//header") is not None
        and page.find(".//footer") is not None
    )
    assert page.find(".//nav") is not None
    assert len(page.findall(".//h1")) == 1
    whole = text(main)
    section_links = [a for a in main.iter("a") if (a.get("href") or "").count("/") == 2]
    assert section_links, "the section label links to the section index"
    assert "min read" in whole
    assert "Updated" in whole
    bylines = [a for a in main.iter("a") if (a.get("href") or "").startswith("/authors/")]
    assert len({a.get("href") for a in bylines}) >= 2
    figure = main.find(".//figure")
    assert (
        figure is not None
        and figure.find(".//img") is not None
        and figure.find(".//figcaption") is not None
    )
    assert figure.find(".//img").get("alt")
    assert "/" in text(figure.find(".//figcaption")), "the photo credit (Name/Agency) is shown"
    assert any((a.get("href") or "").startswith("/tags/") for a in main.iter("a"))
    assert "Read more" in whole
    boxes = [div for div in main.iter("div") if "author-box" in (div.get("class") or "").split()]
    assert len(boxes) >= 2, "one author box per author"
    for box in boxes:
        assert box.find(".//img") is not None, "each author box shows the avatar"
        assert "Read more" in text(box)
    assert "News Feed" in text(page)
    [article] = [d for d in json_ld(page) if d.get("@type") == "NewsArticle"]
    assert len(article["author"]) >= 2
    for image in page.iter("img"):
        assert image.get("alt") is not None


def test_an_article_page_weighs_under_30_kb_compressed(demo: Path) -> None:
    output = demo / "output"
    page = article_with_everything(demo)
    document = parse_html(page)
    total = len(gzip.compress(page.read_bytes(), 9))
    for link in document.iter("link"):
        if link.get("rel") == "stylesheet":
            total += len(gzip.compress((output / link.get("href").lstrip("/")).read_bytes(), 9))
    for script in document.iter("script"):
        if script.get("src"):
            total += len(gzip.compress((output / script.get("src").lstrip("/")).read_bytes(), 9))
    assert total < 30 * 1024, total


def test_help_is_readable_and_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli("--help")
    assert result.code == 0
    out = capsys.readouterr().out + result.out
    for command in ("build", "serve", "check", "new", "init"):
        assert command in out
    assert run_cli("build", "--no-such-flag").code == 2
    assert run_cli("publish").code == 2
