"""End to end: fixture sites built by the real CLI, judged by feedparser, lxml and html5lib."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import feedparser
import pytest

from conftest import (
    FIXED_EPOCH,
    FIXED_NOW,
    REPO,
    MakeSite,
    build_ok,
    run_cli,
    story,
    tree_digest,
)
from newssite.cache import CACHE_FILE
from sitecheck import (
    SITEMAP_NS,
    broken_links,
    html_pages,
    json_ld,
    meta,
    parse_html,
    sitemap_locs,
    url_to_file,
    xml,
)

HOSTILE_TITLE = 'Mayor says "no" to <b>tax</b> & fees'


def newsroom_files() -> dict[str, str]:
    """A small newsroom: two sections, two authors, drafts, a scheduled story, an update."""
    recent = (FIXED_NOW - timedelta(hours=5)).isoformat()
    return {
        "content/authors/ben.md": "---\nname: Ben <Okafor> & Co\nrole: Sports Editor\n---\nBen edits sports.\n",
        "content/articles/2026/11/budget.md": story(
            HOSTILE_TITLE,
            date="2026-11-20T10:00:00+02:00",
            author="[ana, ben]",
            tags="[City Hall, Budget]",
            updated="2026-11-21T09:00:00+02:00",
            summary="'The dek of the budget story.'",
            body="First paragraph.\n\nSee the [match report](match.md#score).\n",
        ),
        "content/articles/2026/11/match.md": story(
            "Harbor FC wins derby",
            date="2026-11-19 18:00",
            author="ben",
            section="sports",
            tags="[Harbor FC, city hall]",
            body="## Score\n\nThree to one.\n",
        ),
        "content/articles/2026/11/fresh.md": story("Ferry delayed by storm", date=recent),
        "content/articles/2026/10/old.md": story("Old story", date="2026-10-01"),
        "content/articles/2026/11/draft.md": story("Secret draft headline", draft="true"),
        "content/articles/2027/01/later.md": story(
            "Embargoed scheduled headline", date="2027-01-05T06:00:00Z"
        ),
        "content/pages/about.md": "---\ntitle: About us\n---\nWe are [Ana](../authors/ana.md).\n",
    }


build = build_ok


@pytest.fixture
def newsroom(make_site: MakeSite) -> Path:
    site = make_site(newsroom_files())
    build(site)
    return site


def all_text(output: Path) -> str:
    return "\n".join(
        p.read_text(encoding="utf-8")
        for p in output.rglob("*")
        if p.is_file() and p.suffix in (".html", ".xml", ".json", ".txt")
    )


def test_every_url_the_readme_lists_is_written(newsroom: Path) -> None:
    output = newsroom / "output"
    for url in (
        "/",
        "/news/",
        "/sports/",
        "/news/budget/",
        "/sports/match/",
        "/authors/ana/",
        "/authors/ben/",
        "/tags/city-hall/",
        "/tags/budget/",
        "/about/",
    ):
        assert url_to_file(output, url).is_file(), url
    for name in (
        "feed.xml",
        "news/feed.xml",
        "authors/ben/feed.xml",
        "sitemap.xml",
        "news-sitemap.xml",
        "robots.txt",
        "404.html",
        "latest.json",
    ):
        assert (output / name).is_file(), name


def test_drafts_and_scheduled_stories_leak_nowhere(newsroom: Path, make_site: MakeSite) -> None:
    text = all_text(newsroom / "output")
    assert "Secret draft headline" not in text and "/news/draft/" not in text
    assert "Embargoed scheduled headline" not in text and "/news/later/" not in text
    build(newsroom, "--drafts", "--future")
    text = all_text(newsroom / "output")
    assert "Secret draft headline" in text and "Embargoed scheduled headline" in text


def test_scheduled_story_is_announced_for_ci(newsroom: Path) -> None:
    result = run_cli("build", "--site", str(newsroom), "--next-publish")
    assert result.code == 0
    assert result.out.strip() == "2027-01-05T06:00:00Z"


def test_feeds_parse_in_feedparser(newsroom: Path) -> None:
    output = newsroom / "output"
    feeds = sorted(output.rglob("feed.xml"))
    assert len(feeds) >= 5
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        ids = [entry.id for entry in parsed.entries]
        assert len(ids) == len(set(ids))
        dates = [entry.updated_parsed for entry in parsed.entries]
        published = [entry.published_parsed for entry in parsed.entries]
        assert published == sorted(published, reverse=True)
        assert all(dates)
        assert any(link.rel == "self" for link in parsed.feed.links)
        for entry in parsed.entries:
            assert entry.link.startswith("https://gazette.example/")
            assert entry.authors
    site_feed = feedparser.parse((output / "feed.xml").read_bytes())
    titles = [entry.title for entry in site_feed.entries]
    assert HOSTILE_TITLE in titles
    budget = next(e for e in site_feed.entries if e.title == HOSTILE_TITLE)
    assert [a.name for a in budget.authors] == ["Ana Ruiz", "Ben <Okafor> & Co"]
    assert budget.updated.startswith("2026-11-21T07:00:00")


def test_entry_ids_survive_a_title_change(make_site: MakeSite) -> None:
    files = newsroom_files()
    site = make_site(files)
    build(site)
    before = {
        e.link: e.id for e in feedparser.parse((site / "output/feed.xml").read_bytes()).entries
    }
    (site / "content/articles/2026/11/match.md").write_text(
        story("A new headline", date="2026-11-19 18:00", author="ben", section="sports")
    )
    build(site)
    after = {
        e.link: e.id for e in feedparser.parse((site / "output/feed.xml").read_bytes()).entries
    }
    assert before == after


def test_sitemap_lists_exactly_the_indexable_pages(newsroom: Path) -> None:
    output = newsroom / "output"
    locs = sitemap_locs(output)
    assert all(loc.startswith("https://gazette.example/") for loc in locs)
    pages = {
        "https://gazette.example/" + str(p.relative_to(output)).removesuffix("index.html")
        for p in html_pages(output)
        if p.name != "404.html"
    }
    assert set(locs) == pages
    news = xml(output / "news-sitemap.xml")
    news_locs = [loc.text for loc in news.iterfind(".//s:loc", SITEMAP_NS)]
    assert news_locs == ["https://gazette.example/news/fresh/"]
    assert news.findtext(".//n:title", namespaces=SITEMAP_NS) == "Ferry delayed by storm"
    robots = (output / "robots.txt").read_text()
    assert "Sitemap: https://gazette.example/sitemap.xml" in robots


def test_article_page_has_metadata_and_escapes_front_matter(newsroom: Path) -> None:
    page = parse_html(newsroom / "output/news/budget/index.html")
    assert len(page.findall(".//h1")) == 1
    assert "".join(page.find(".//h1").itertext()).strip() == HOSTILE_TITLE
    assert page.find(".//h1").find("b") is None
    canonical = [link.get("href") for link in page.iter("link") if link.get("rel") == "canonical"]
    assert canonical == ["https://gazette.example/news/budget/"]
    assert meta(page, "og:title") == HOSTILE_TITLE
    assert meta(page, "og:url") == "https://gazette.example/news/budget/"
    assert meta(page, "twitter:card")
    [article] = [d for d in json_ld(page) if d.get("@type") == "NewsArticle"]
    assert article["headline"] == HOSTILE_TITLE
    assert [a["url"] for a in article["author"]] == [
        "https://gazette.example/authors/ana/",
        "https://gazette.example/authors/ben/",
    ]
    assert all(a["@type"] == "Person" for a in article["author"])
    assert datetime.fromisoformat(article["dateModified"]) > datetime.fromisoformat(
        article["datePublished"]
    )
    text = " ".join(page.itertext())
    assert "Updated" in text and "1 min read" in text


def test_relative_story_links_become_urls(newsroom: Path) -> None:
    page = parse_html(newsroom / "output/news/budget/index.html")
    hrefs = [a.get("href") for a in page.iter("a")]
    assert "/sports/match/#score" in hrefs
    about = parse_html(newsroom / "output/about/index.html")
    assert "/authors/ana/" in [a.get("href") for a in about.iter("a")]


def test_a_link_to_no_story_is_an_error(make_site: MakeSite) -> None:
    site = make_site({"content/articles/a.md": story(body="See [this](missing.md).\n")})
    result = run_cli("build", "--site", str(site))
    assert result.code == 1
    assert "content/articles/a.md" in result.err and "missing.md" in result.err


def test_every_page_parses_and_links_resolve(newsroom: Path) -> None:
    output = newsroom / "output"
    for path in html_pages(output):
        document = parse_html(path)
        assert document.get("lang") == "en", path
        assert len(document.findall(".//h1")) == 1, path
    assert broken_links(output, "/") == []


def test_tags_with_equal_slugs_are_one_tag(newsroom: Path) -> None:
    tag_page = parse_html(newsroom / "output/tags/city-hall/index.html")
    text = " ".join(tag_page.itertext())
    assert "Harbor FC wins derby" in text and HOSTILE_TITLE in text
    assert not (newsroom / "output/tags/city-hall-2").exists()


def test_base_url_sub_path_is_respected(make_site: MakeSite) -> None:
    site = make_site(newsroom_files(), config=(REPO / "tests/data/subpath.toml").read_text())
    build(site)
    output = site / "output"
    assert broken_links(output, "/edition/") == []
    locs = sitemap_locs(output)
    assert locs and all(loc.startswith("https://example.org/edition/") for loc in locs)
    parsed = feedparser.parse((output / "feed.xml").read_bytes())
    assert all(e.link.startswith("https://example.org/edition/") for e in parsed.entries)


def test_rebuild_is_byte_identical_and_rewrites_nothing(newsroom: Path) -> None:
    output = newsroom / "output"
    before = tree_digest(output)
    mtimes = {p: p.stat().st_mtime_ns for p in output.rglob("*") if p.is_file()}
    result = build(newsroom)
    assert "0 written" in result.out
    assert tree_digest(output) == before
    assert {p: p.stat().st_mtime_ns for p in output.rglob("*") if p.is_file()} == mtimes


def test_one_edit_rewrites_only_what_changed(newsroom: Path) -> None:
    output = newsroom / "output"
    untouched = output / "sports/match/index.html"
    mtime = untouched.stat().st_mtime_ns
    path = newsroom / "content/articles/2026/10/old.md"
    path.write_text(path.read_text().replace("The council voted", "The council finally voted"))
    build(newsroom)
    assert untouched.stat().st_mtime_ns == mtime
    assert "finally voted" in (output / "news/old/index.html").read_text()


def test_deleted_story_disappears_everywhere(newsroom: Path) -> None:
    (newsroom / "content/articles/2026/10/old.md").unlink()
    build(newsroom)
    output = newsroom / "output"
    assert not (output / "news/old").exists()
    assert "https://gazette.example/news/old/" not in sitemap_locs(output)
    assert "Old story" not in all_text(output)


def test_two_sources_one_url_is_an_error_naming_both(newsroom: Path) -> None:
    before = tree_digest(newsroom / "output")
    (newsroom / "content/articles/2026/10/budget.md").write_text(story("Another budget"))
    result = run_cli("build", "--site", str(newsroom))
    assert result.code == 1
    line = next(line for line in result.err.splitlines() if "/news/budget/" in line)
    assert (
        "content/articles/2026/10/budget.md" in line
        and "content/articles/2026/11/budget.md" in line
    )
    assert tree_digest(newsroom / "output") == before


def test_numbered_list_pages_stay_stable_when_a_story_is_published(make_site: MakeSite) -> None:
    files = {
        f"content/articles/s{n:02d}.md": story(
            f"Story number {n}", date=f"2026-10-{n:02d}T09:00:00Z"
        )
        for n in range(1, 11)
    }
    site = make_site(files)
    build(site)
    output = site / "output"
    numbered = sorted(output.glob("page/*/index.html"))
    assert len(numbered) >= 2
    before = {p: p.read_bytes() for p in numbered}
    (site / "content/articles/s11.md").write_text(
        story("Story number 11", date="2026-10-11T09:00:00Z")
    )
    build(site)
    changed = [p for p, data in before.items() if p.read_bytes() != data]
    assert len(changed) <= 2
    assert (output / "page/1/index.html").read_bytes() == before[output / "page/1/index.html"]
    home = " ".join(parse_html(output / "index.html").itertext())
    assert "Story number 11" in home
    # Every story is reachable from the front page through the "older" links.
    seen: set[str] = set()
    page = output / "index.html"
    while True:
        document = parse_html(page)
        seen |= {
            a.get("href") for a in document.iter("a") if (a.get("href") or "").startswith("/news/")
        }
        older = [a.get("href") for a in document.iter("a") if a.get("rel") == "next"]
        if not older:
            break
        page = url_to_file(output, older[0])
    assert {f"/news/s{n:02d}/" for n in range(1, 12)} <= seen


@pytest.mark.parametrize("zone", ["UTC", "Asia/Tokyo", "Pacific/Kiritimati", "America/St_Johns"])
def test_output_does_not_depend_on_the_machine_timezone(
    make_site: MakeSite, zone: str, tmp_path: Path
) -> None:
    site = make_site(newsroom_files())
    reference = tmp_path / "reference"
    env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH, "PYTHONHASHSEED": "0", "TZ": "UTC"}
    command = [sys.executable, "-m", "newssite", "build", "--site", str(site)]
    subprocess.run([*command, "--output", str(reference)], env=env, check=True, capture_output=True)
    env.update(TZ=zone, PYTHONHASHSEED="1")
    subprocess.run(command, env=env, check=True, capture_output=True)
    assert tree_digest(site / "output") == tree_digest(reference)


def test_naive_dates_use_the_site_timezone(newsroom: Path) -> None:
    parsed = feedparser.parse((newsroom / "output/sports/feed.xml").read_bytes())
    # 2026-11-19 18:00 in Europe/Kyiv (UTC+2 in November)
    assert parsed.entries[0].published.startswith("2026-11-19T16:00:00")


def test_markdown_has_what_a_newsroom_needs(make_site: MakeSite) -> None:
    body = (
        '"Quoted," she said -- and left...\n\n'
        "## Who voted {#votes}\n\n"
        "| Member | Vote |\n|---|---|\n| Ruiz | Yes |\n\n"
        "A claim that needs a source.[^1]\n\n"
        "# A top-level heading\n\n"
        "[^1]: The council minutes, page 4.\n"
    )
    site = make_site({"content/articles/a.md": story(body=body)})
    build(site)
    page = parse_html(site / "output/news/a/index.html")
    article_body = next(d for d in page.iter("div") if "article-body" in (d.get("class") or ""))
    text = "".join(article_body.itertext())
    assert "\u201cQuoted,\u201d" in text and "\u2013" in text and "\u2026" in text
    assert article_body.find(".//h2[@id='votes']") is not None
    assert article_body.find(".//table//td") is not None
    assert article_body.find(".//sup") is not None and "council minutes" in text
    assert article_body.find(".//h1") is None, "a story's headings never compete with its headline"
    assert len(page.findall(".//h1")) == 1


def test_a_failed_build_keeps_what_it_parsed_for_the_next(make_site: MakeSite) -> None:
    stories = {f"content/articles/s{n}.md": story(f"Story {n}") for n in range(6)}
    site = make_site({**stories, "content/articles/bad.md": "---\ntitle: [unclosed\n---\nBody\n"})
    assert run_cli("build", "--site", str(site)).code == 1
    with sqlite3.connect(site / ".newssite-cache" / CACHE_FILE) as db:
        kept = db.execute("SELECT key FROM documents").fetchall()
    # The good stories and the author: a fixed typo does not mean parsing the archive again.
    assert len(kept) == 7, kept
    (site / "content/articles/bad.md").write_text(story("Fixed"))
    assert run_cli("build", "--site", str(site)).code == 0
    assert (site / "output/news/bad/index.html").is_file()


def test_a_failed_build_never_drops_the_cache_another_build_is_writing(
    make_site: MakeSite,
) -> None:
    site = make_site({f"content/articles/s{n}.md": story(f"Story {n}") for n in range(3)})
    build_ok(site)
    (site / "content/articles/new.md").write_text(story("New"))
    (site / "content/articles/bad.md").write_text("---\ntitle: [unclosed\n---\nBody\n")
    cache_file = site / ".newssite-cache" / CACHE_FILE
    other = sqlite3.connect(cache_file, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # as another build does while it saves
        result = run_cli("build", "--site", str(site))
        other.execute("ROLLBACK")
    finally:
        other.close()
    assert result.code == 1 and "Traceback" not in result.err, result.err
    with sqlite3.connect(cache_file) as db:
        assert len(db.execute("SELECT key FROM documents").fetchall()) >= 4
