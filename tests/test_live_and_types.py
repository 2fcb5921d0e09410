"""Story types, datelines, wire bylines and live coverage: built into real sites and read
back with the clients readers and search engines use (html5lib, json, feedparser, lxml,
headless Chromium)."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import html5lib
import pytest
from lxml import etree

from conftest import (
    DEFAULT_CONFIG,
    MakeSite,
    build_ok,
    clean_build,
    run_cli,
    same_site,
    static_server,
    story,
    tree_digest,
    write_files,
)

HTML = "{http://www.w3.org/1999/xhtml}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
CONFIG = (
    DEFAULT_CONFIG.replace(
        "per_page = 3\n",
        'per_page = 3\nsearch = false\nopinion_disclaimer = "Views are the writer\'s own."\n',
    )
    + '\n[[sections]]\nslug = "comment"\ntitle = "Comment"\ntype = "opinion"\n'
)
COLUMNIST = "---\nname: Oleh Marchenko\nrole: Columnist\n---\nOleh writes a weekly column.\n"
LIVE = "content/articles/2026/11/storm"


def page(site: Path, url: str) -> etree._Element:
    data = (site / "output" / url.strip("/.") / "index.html").read_bytes()
    return html5lib.parse(data, treebuilder="lxml")


def jsonld(site: Path, url: str) -> dict[str, object]:
    scripts = page(site, url).iter(f"{HTML}script")
    found = [s.text for s in scripts if s.get("type") == "application/ld+json"]
    assert len(found) == 1
    return json.loads(found[0])


def text_of(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def by_class(root: etree._Element, name: str) -> list[etree._Element]:
    return [e for e in root.iter() if name in (e.get("class") or "").split()]


def update(date: str, body: str = "Water is rising.\n", **fields: str) -> str:
    lines = [f"date: {date}", *(f"{key}: {value}" for key, value in fields.items())]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def live_story(**fields: str) -> str:
    return story(
        "Storm hits the coast: live",
        date="2026-11-26T08:00:00+02:00",
        body="The storm reached the coast overnight.\n",
        live="true",
        **fields,
    )


def typed_site(make_site: MakeSite) -> Path:
    files = {
        "content/authors/oleh.md": COLUMNIST,
        "content/articles/plain.md": story(
            "Council passes budget", date="2026-11-25T10:00:00+02:00"
        ),
        "content/articles/column.md": story(
            "Why the budget fails", author="oleh", section="comment"
        ),
        "content/articles/analysis.md": story("What the vote means", type="analysis"),
        "content/articles/review.md": story("A new opera", type="review"),
        "content/articles/explainer.md": story("How budgets work", type="explainer"),
        "content/articles/paid.md": story(
            "Visit the harbor",
            date="2026-11-25T11:00:00+02:00",
            type="sponsored",
            sponsor="{name: Harbor Tours, url: 'https://tours.example/'}",
            body="Book at [our site](https://tours.example/book) or read"
            " [the council story](plain.md).\n",
        ),
        "content/articles/wire.md": "---\ntitle: Quake hits the north\n"
        "date: 2026-11-26T09:00:00+02:00\nbyline: Associated Press\nsection: news\n"
        "dateline: KYIV\n---\nA strong earthquake shook the region.\n",
        "content/articles/shared.md": story(
            "Joint report", byline="Reuters", body="Reported jointly.\n"
        ),
        f"{LIVE}/index.md": live_story(),
        f"{LIVE}/updates/first.md": update("2026-11-26T09:00:00+02:00", title="Sirens"),
        f"{LIVE}/updates/second.md": update(
            "2026-11-26T11:00:00+02:00", "Roads closed.\n", author="oleh"
        ),
        f"{LIVE}/updates/note.md": update(
            "2026-11-26T08:30:00+02:00", "Shelters are open.\n", pinned="true"
        ),
        f"{LIVE}/updates/later.md": update("2026-11-26T18:00:00+02:00", "Not yet.\n"),
    }
    return make_site(files, config=CONFIG)


def test_every_story_type_has_its_schema_type_and_label(make_site: MakeSite) -> None:
    site = typed_site(make_site)
    build_ok(site)
    expected = {
        "/news/plain/": ("NewsArticle", ""),
        "/comment/column/": ("OpinionNewsArticle", "Opinion"),
        "/news/analysis/": ("AnalysisNewsArticle", "Analysis"),
        "/news/review/": ("ReviewNewsArticle", "Review"),
        "/news/explainer/": ("BackgroundNewsArticle", "Explainer"),
        "/news/paid/": ("AdvertiserContentArticle", "Sponsored"),
        "/news/storm/": ("LiveBlogPosting", ""),
    }
    home_cards = {
        by_class(card, "card__title")[0].find(f"{HTML}a").get("href"): card
        for path in (site / "output").rglob("index.html")
        for card in by_class(page(site, str(path.parent.relative_to(site / "output"))), "card")
    }
    for url, (schema_type, label) in expected.items():
        data = jsonld(site, url)
        assert data["@type"] == schema_type, url
        assert data["headline"] and data["datePublished"], url
        shown = [text_of(e) for e in by_class(page(site, url), "type-label")]
        assert shown == ([label] if label else []), url
        if url in home_cards:
            card_labels = [text_of(e) for e in by_class(home_cards[url], "type-label")]
            assert card_labels == ([label] if label else []), url
    assert {"/comment/column/", "/news/paid/"} <= home_cards.keys()


def test_opinion_shows_role_and_disclaimer_sponsored_its_sponsor(make_site: MakeSite) -> None:
    site = typed_site(make_site)
    build_ok(site)
    column = page(site, "/comment/column/")
    assert "By Oleh Marchenko, Columnist" in text_of(by_class(column, "byline")[0])
    assert text_of(by_class(column, "opinion-note")[0]) == "Views are the writer's own."
    assert by_class(page(site, "/news/plain/"), "opinion-note") == []
    paid = page(site, "/news/paid/")
    assert "Sponsored by Harbor Tours" in text_of(by_class(paid, "sponsor-note")[0])
    assert by_class(paid, "sponsor-note__disclosure")
    body = by_class(paid, "article-body")[0]
    rels = {a.get("href"): a.get("rel") for a in body.iter(f"{HTML}a")}
    assert rels == {"https://tours.example/book": "sponsored", "/news/plain/": None}
    assert jsonld(site, "/news/paid/")["sponsor"] == {
        "@type": "Organization",
        "name": "Harbor Tours",
        "url": "https://tours.example/",
    }


def test_sponsored_stories_stay_out_of_the_news_sitemap(make_site: MakeSite) -> None:
    site = typed_site(make_site)
    build_ok(site)
    tree = etree.parse(str(site / "output/news-sitemap.xml"))
    listed = {loc.text for loc in tree.iter(f"{SITEMAP}loc")}
    assert "https://gazette.example/news/plain/" in listed
    assert "https://gazette.example/news/wire/" in listed
    assert "https://gazette.example/news/paid/" not in listed
    full = etree.parse(str(site / "output/sitemap.xml"))
    assert "https://gazette.example/news/paid/" in {loc.text for loc in full.iter(f"{SITEMAP}loc")}


def test_a_section_sets_the_default_type(make_site: MakeSite) -> None:
    site = typed_site(make_site)
    (site / "content/articles/news-in-comment.md").write_text(
        story("A reported piece", section="comment", type="news"), encoding="utf-8"
    )
    build_ok(site)
    assert jsonld(site, "/comment/column/")["@type"] == "OpinionNewsArticle"
    assert jsonld(site, "/comment/news-in-comment/")["@type"] == "NewsArticle"


def test_dateline_and_wire_byline(make_site: MakeSite) -> None:
    site = typed_site(make_site)
    build_ok(site)
    wire = page(site, "/news/wire/")
    first = by_class(wire, "article-body")[0].find(f"{HTML}p")
    assert text_of(first).startswith("KYIV — A strong earthquake")
    assert text_of(by_class(wire, "byline")[0]) == "By Associated Press"
    data = jsonld(site, "/news/wire/")
    assert data["locationCreated"] == {"@type": "Place", "name": "KYIV"}
    assert data["author"] == [{"@type": "Organization", "name": "Associated Press"}]
    shared = jsonld(site, "/news/shared/")
    assert [a["@type"] for a in shared["author"]] == ["Person", "Organization"]  # type: ignore[index]
    assert "By Ana Ruiz and Reuters" in text_of(by_class(page(site, "/news/shared/"), "byline")[0])
    atom = feedparser.parse((site / "output/feed.xml").read_bytes())
    entries = {e.link: e for e in atom.entries}
    assert [a.name for a in entries["https://gazette.example/news/wire/"].authors] == [
        "Associated Press"
    ]
    assert [a.name for a in entries["https://gazette.example/news/shared/"].authors] == [
        "Ana Ruiz",
        "Reuters",
    ]
    items = json.loads((site / "output/feed.json").read_text())["items"]
    wire_item = next(i for i in items if i["url"].endswith("/news/wire/"))
    assert wire_item["authors"] == [{"name": "Associated Press"}]


def test_a_live_page_shows_its_updates_and_their_markup(make_site: MakeSite) -> None:
    site = typed_site(make_site)
    result = build_ok(site)
    live = page(site, "/news/storm/")
    assert [text_of(e) for e in by_class(live, "live-label")] == ["Live"]
    updates = by_class(live, "live-update")
    # Pinned first, then newest first; the one dated after the build's now is not shown.
    assert [u.get("id") for u in updates] == ["update-note", "update-second", "update-first"]
    assert "By Oleh Marchenko" in text_of(updates[1])
    assert "Sirens" in text_of(updates[2])
    assert not by_class(live, "live__ended")
    data = jsonld(site, "/news/storm/")
    assert data["coverageStartTime"] == "2026-11-26T08:00:00+02:00"
    assert "coverageEndTime" not in data
    assert data["dateModified"] == "2026-11-26T11:00:00+02:00"
    postings = data["liveBlogUpdate"]
    assert [p["@type"] for p in postings] == ["BlogPosting"] * 3  # type: ignore[union-attr]
    second = postings[1]  # type: ignore[index]
    assert second["datePublished"] == "2026-11-26T11:00:00+02:00"
    assert second["articleBody"] == "Roads closed."
    assert second["author"]["name"] == "Oleh Marchenko"
    assert postings[2]["headline"] == "Sirens"  # type: ignore[index]
    # The feed entry and the sitemap follow the newest shown update.
    atom = feedparser.parse((site / "output/feed.xml").read_bytes())
    entry = next(e for e in atom.entries if e.link.endswith("/news/storm/"))
    assert entry.updated == "2026-11-26T09:00:00Z"
    sitemap = etree.parse(str(site / "output/sitemap.xml"))
    lastmods = {
        u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod")
        for u in sitemap.iter(f"{SITEMAP}url")
    }
    assert lastmods["https://gazette.example/news/storm/"] == "2026-11-26T09:00:00Z"
    # The hidden update is the next thing to publish.
    assert "next scheduled story goes live at 2026-11-26T18:00:00+02:00" in result.out
    planned = run_cli("build", "--site", str(site), "--next-publish")
    assert planned.out.strip() == "2026-11-26T16:00:00Z"
    polled = json.loads((site / "output/news/storm/updates.json").read_text())
    assert polled["live"] is True
    assert [u["id"] for u in polled["updates"]] == ["update-note", "update-second", "update-first"]


def test_live_coverage_ends(make_site: MakeSite) -> None:
    site = make_site(
        {
            f"{LIVE}/index.md": live_story(live_end="2026-11-26T10:00:00+02:00"),
            f"{LIVE}/updates/a.md": update("2026-11-26T09:00:00+02:00"),
        }
    )
    build_ok(site)
    live = page(site, "/news/storm/")
    assert text_of(by_class(live, "live__ended")[0]) == "Live coverage has ended."
    assert by_class(live, "live-label") == []
    scripts = [s.get("src") or "" for s in live.iter(f"{HTML}script")]
    assert not any(src.endswith("live.js") for src in scripts)
    assert jsonld(site, "/news/storm/")["coverageEndTime"] == "2026-11-26T10:00:00+02:00"
    assert json.loads((site / "output/news/storm/updates.json").read_text())["live"] is False


def written(result_out: str) -> int:
    return int(result_out.split(" written")[0].rsplit("(", 1)[1])


def test_publishing_one_update_writes_few_files(make_site: MakeSite, tmp_path: Path) -> None:
    files: dict[str, str] = {
        f"content/articles/story-{n}.md": story(
            f"Story {n}", date=f"2026-11-{10 + n % 15:02d}T10:00:00+02:00"
        )
        for n in range(30)
    }
    files[f"{LIVE}/index.md"] = live_story()
    files |= {
        f"{LIVE}/updates/u{n:02d}.md": update(f"2026-11-25T{n % 24:02d}:{n // 24:02d}:00+02:00")
        for n in range(60)
    }
    site = make_site(files)  # with the search index, as sites have it by default
    build_ok(site)
    older = (site / "output/news/storm/page/1/index.html").read_bytes()
    before = tree_digest(site / "output")
    write_files(site, {f"{LIVE}/updates/new.md": update("2026-11-26T11:30:00+02:00", "New.\n")})
    result = build_ok(site)
    assert result.out.startswith("Updated "), result.out
    after = tree_digest(site / "output")
    changed = sorted(path for path in after if before.get(path) != after[path])
    assert "news/storm/index.html" in changed and "news/storm/updates.json" in changed
    # The story's page goes into the search index's newest level: at most 10 search files.
    pages = [path for path in changed if not path.startswith("pagefind/")]
    assert len(pages) <= 10, pages
    assert len(changed) - len(pages) <= 10, changed
    assert 2 <= written(result.out) <= len(changed), (result.out, changed)
    # The numbered page of the oldest updates is stable.
    assert (site / "output/news/storm/page/1/index.html").read_bytes() == older
    clean_build(site, tmp_path / "clean")
    assert same_site(site / "output", tmp_path / "clean/output") == []
    polled = json.loads((site / "output/news/storm/updates.json").read_text())
    assert polled["updates"][0]["id"] == "update-new"
    assert polled["count"] == 61
    assert len(polled["updates"]) == 50


def test_older_updates_move_to_numbered_pages(make_site: MakeSite) -> None:
    files = {f"{LIVE}/index.md": live_story()}
    files |= {
        f"{LIVE}/updates/u{n:02d}.md": update(f"2026-11-25T{n % 24:02d}:{n // 24:02d}:00+02:00")
        for n in range(55)
    }
    site = make_site(files)
    build_ok(site)
    front = [u.get("id") for u in by_class(page(site, "/news/storm/"), "live-update")]
    older = [u.get("id") for u in by_class(page(site, "/news/storm/page/1/"), "live-update")]
    assert len(front) == 50
    assert len(older) == 50  # the oldest 50: page 1 holds the same ones once full
    assert "update-u00" in older and "update-u00" not in front
    links = [a.get("href") for a in page(site, "/news/storm/").iter(f"{HTML}a")]
    assert "/news/storm/page/1/" in links


def errors_of(site: Path) -> list[str]:
    before = tree_digest(site / "output")
    result = run_cli("build", "--site", str(site))
    assert result.code == 1, result.err
    assert tree_digest(site / "output") == before
    return [line for line in result.err.splitlines() if line.startswith("content/")]


def test_bad_types_sponsors_and_update_dates_are_reported_together(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/articles/odd.md": story(type="rumour"),
            "content/articles/paid.md": story(type="sponsored"),
            f"{LIVE}/index.md": live_story(),
            f"{LIVE}/updates/naive.md": update("2026-11-26T09:00:00"),
        }
    )
    errors = errors_of(site)
    assert any(
        e.startswith("content/articles/odd.md:6: type: unknown story type 'rumour'") for e in errors
    ), errors
    assert any(e.startswith("content/articles/paid.md:") and ": sponsor: " in e for e in errors)
    assert any(
        e.startswith(f"{LIVE}/updates/naive.md:2: date: ") and "offset" in e for e in errors
    ), errors
    assert len(errors) == 3, errors


def test_live_stories_without_updates_and_stray_updates_are_errors(make_site: MakeSite) -> None:
    site = make_site(
        {
            f"{LIVE}/index.md": live_story(),
            "content/articles/2026/11/calm/index.md": story("Calm day"),
            "content/articles/2026/11/calm/updates/a.md": update("2026-11-26T09:00:00+02:00"),
        }
    )
    errors = errors_of(site)
    assert any(e.startswith(f"{LIVE}/index.md:6: live: ") for e in errors), errors
    assert any(
        e.startswith("content/articles/2026/11/calm/updates/a.md:1: updates: ") for e in errors
    ), errors


def test_a_story_with_only_a_byline_and_a_live_end_without_offset(make_site: MakeSite) -> None:
    site = make_site(
        {
            f"{LIVE}/index.md": live_story(live_end="2026-11-26T10:00:00"),
            f"{LIVE}/updates/a.md": update("2026-11-26T09:00:00+02:00"),
        }
    )
    errors = errors_of(site)
    assert any(e.startswith(f"{LIVE}/index.md:7: live_end: ") for e in errors), errors


@pytest.mark.browser
def test_an_open_live_page_offers_and_inserts_a_new_update(
    make_site: MakeSite, tmp_path: Path, chromium: object
) -> None:
    from playwright.sync_api import Browser, Route

    assert isinstance(chromium, Browser)
    site = make_site(
        {
            f"{LIVE}/index.md": live_story(),
            f"{LIVE}/updates/a.md": update("2026-11-26T09:00:00+02:00", "First.\n"),
            f"{LIVE}/updates/b.md": update("2026-11-26T10:00:00+02:00", "Second.\n"),
        }
    )
    build_ok(site)

    def quicker(route: Route) -> None:
        # The page as built, polling every 200 ms instead of 30 s: the real script runs.
        response = route.fetch()
        body = response.text().replace(
            "data-live-updates=", 'data-live-interval="200" data-live-updates='
        )
        route.fulfill(response=response, body=body)

    with static_server(site / "output") as origin:
        context = chromium.new_context()
        try:
            tab = context.new_page()
            tab.route(f"{origin}/news/storm/", quicker)
            tab.goto(f"{origin}/news/storm/")
            assert tab.locator(".live-update").count() == 2
            assert tab.locator(".live__new").is_hidden()
            write_files(
                site,
                {f"{LIVE}/updates/c.md": update("2026-11-26T11:00:00+02:00", "Third.\n")},
            )
            build_ok(site)
            offer = tab.wait_for_selector("[data-live-show]", state="visible", timeout=20_000)
            assert offer.text_content() == "1 new update"
            offer.click()
            tab.wait_for_selector("#update-c", timeout=5_000)
            ids = tab.eval_on_selector_all(".live-update", "els => els.map(e => e.id)")
            assert ids == ["update-c", "update-b", "update-a"]
            assert tab.locator(".live__new").is_hidden()
            assert "Third." in (tab.text_content("#update-c") or "")
        finally:
            context.close()


def test_removing_the_last_update_after_a_build_is_an_error(make_site: MakeSite) -> None:
    site = make_site(
        {
            f"{LIVE}/index.md": live_story(),
            f"{LIVE}/updates/a.md": update("2026-11-26T09:00:00+02:00"),
        }
    )
    build_ok(site)
    (site / f"{LIVE}/updates/a.md").unlink()
    errors = errors_of(site)
    assert any(e.startswith(f"{LIVE}/index.md:6: live: ") for e in errors), errors
