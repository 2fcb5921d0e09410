"""Series, the breaking-news alert, the newsroom's trust signals (NewsMediaOrganization,
corrections page and feed, robots, the support block) and month archives: as a reader,
a feed reader and a search engine see them, and as updates that equal clean builds."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import html5lib
import pytest

from conftest import (
    MakeSite,
    build_ok,
    clean_build,
    launch_chromium,
    run_cli,
    static_server,
    story,
    tree_digest,
)

CONFIG = """\
title = "The Trust Gazette"
base_url = "https://trust.example/sub/"
language = "en"
timezone = "Europe/Kyiv"
per_page = 2
search = false

[[sections]]
slug = "news"
title = "News"
"""
NS = {"h": "http://www.w3.org/1999/xhtml"}


def parse(page: Path) -> object:
    return html5lib.parse(page.read_bytes(), namespaceHTMLElements=True)


def jsonld(page: Path) -> list[dict[str, object]]:
    tree = parse(page)
    return [
        json.loads("".join(script.itertext()))
        for script in tree.iterfind(".//h:script[@type='application/ld+json']", NS)  # type: ignore[attr-defined]
    ]


def text_of(page: Path) -> str:
    return " ".join("".join(parse(page).find(".//h:body", NS).itertext()).split())  # type: ignore[attr-defined]


def links_of(page: Path) -> list[str]:
    """The links of a page's main part, without those to a section's front."""
    tree = parse(page)
    hrefs = [a.get("href") for a in tree.iterfind(".//h:main//h:a", NS)]  # type: ignore[attr-defined]
    return [href for href in hrefs if href != "/sub/news/"]


def written(out: str) -> int:
    return int(out.split(" written")[0].rsplit("(", 1)[1])


# --- Series ----------------------------------------------------------------------------------

SERIES = "---\ntitle: The Harbor Inquiry\ndescription: Who pays for the harbor.\n---\n"


def series_site(make_site: MakeSite, order: str = "") -> Path:
    files = {"content/series/harbor-inquiry.md": SERIES.replace("---\n", f"---\n{order}", 1)}
    for part in range(1, 4):
        files[f"content/articles/part-{part}.md"] = story(
            f"Inquiry part {part}",
            date=f"2026-11-{10 + part}T09:00:00+02:00",
            series="harbor-inquiry",
        )
    files["content/articles/other.md"] = story("Other news", date="2026-11-12T12:00:00+02:00")
    return make_site(files, config=CONFIG)


def test_a_series_page_lists_its_parts_in_order_with_a_feed(make_site: MakeSite) -> None:
    site = series_site(make_site)
    build_ok(site)
    page = site / "output/series/harbor-inquiry/index.html"
    assert "The Harbor Inquiry" in text_of(page) and "Who pays for the harbor." in text_of(page)
    parts = [link for link in links_of(page) if "/news/part-" in link]
    assert list(dict.fromkeys(parts)) == [f"/sub/news/part-{n}/" for n in (1, 2, 3)]
    feed = feedparser.parse((site / "output/series/harbor-inquiry/feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert "The Harbor Inquiry" in feed.feed.title
    assert [e.title for e in feed.entries] == [f"Inquiry part {n}" for n in (3, 2, 1)]
    assert feed.entries[0].link == "https://trust.example/sub/news/part-3/"


def test_newest_order_lists_the_newest_part_first(make_site: MakeSite) -> None:
    site = series_site(make_site, order="order: newest\n")
    build_ok(site)
    parts = [
        link
        for link in links_of(site / "output/series/harbor-inquiry/index.html")
        if "/news/part-" in link
    ]
    assert list(dict.fromkeys(parts)) == [f"/sub/news/part-{n}/" for n in (3, 2, 1)]


def test_each_part_says_where_it_stands_with_previous_and_next(make_site: MakeSite) -> None:
    site = series_site(make_site)
    build_ok(site)
    middle = site / "output/news/part-2/index.html"
    tree = parse(middle)
    nav = next(
        n
        for n in tree.iterfind(".//h:nav", NS)  # type: ignore[attr-defined]
        if "series-nav" in n.get("class", "")
    )
    text = " ".join("".join(nav.itertext()).split())
    assert "Part 2 of 3 in The Harbor Inquiry" in text
    assert nav.find(".//h:a[@rel='prev']", NS).get("href") == "/sub/news/part-1/"
    assert nav.find(".//h:a[@rel='next']", NS).get("href") == "/sub/news/part-3/"
    first = text_of(site / "output/news/part-1/index.html")
    assert "Part 1 of 3" in first and "Previous part" not in first
    assert "Part 3 of 3" in text_of(site / "output/news/part-3/index.html")
    assert "Part " not in text_of(site / "output/news/other/index.html")
    data = next(d for d in jsonld(middle) if d["@type"] == "NewsArticle")
    assert data["isPartOf"] == {
        "@type": "CreativeWorkSeries",
        "name": "The Harbor Inquiry",
        "url": "https://trust.example/sub/series/harbor-inquiry/",
    }


def test_a_story_naming_an_unknown_series_is_an_error(make_site: MakeSite) -> None:
    site = series_site(make_site)
    (site / "content/articles/part-2.md").write_text(
        story("Inquiry part 2", series="harbor-inquiri"), encoding="utf-8"
    )
    result = run_cli("build", "--site", str(site))
    assert result.code == 1
    assert (
        "content/articles/part-2.md:6: series: unknown series 'harbor-inquiri' "
        "(did you mean 'harbor-inquiry'?)" in result.err
    ), result.err


def test_a_new_part_is_an_update_equal_to_a_clean_build(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = series_site(make_site)
    build_ok(site)
    (site / "content/articles/part-4.md").write_text(
        story("Inquiry part 4", date="2026-11-20T09:00:00+02:00", series="harbor-inquiry"),
        encoding="utf-8",
    )
    build_ok(site)
    assert tree_digest(site / "output") == clean_build(site, tmp_path / "clean")
    assert "Part 3 of 4" in text_of(site / "output/news/part-3/index.html")
    (site / "content/series/harbor-inquiry.md").write_text(
        SERIES.replace("The Harbor Inquiry", "Harbor Money"), encoding="utf-8"
    )
    build_ok(site)
    assert "Part 1 of 4 in Harbor Money" in text_of(site / "output/news/part-1/index.html")
    assert tree_digest(site / "output") == clean_build(site, tmp_path / "clean")


# --- The alert -------------------------------------------------------------------------------

ALERT = (
    "text: Bridge closed after the storm\n"
    "link: /news/bridge/\n"
    "level: breaking\n"
    "expires: 2026-11-26T18:00:00+02:00\n"
)


def alert_site(make_site: MakeSite) -> Path:
    files = {
        f"content/articles/story-{n}.md": story(f"Story {n}", date=f"2026-11-{10 + n}T09:00:00Z")
        for n in range(1, 6)
    }
    return make_site(files, config=CONFIG)


def test_setting_changing_and_clearing_the_alert_writes_only_alert_json(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = alert_site(make_site)
    build_ok(site)
    assert json.loads((site / "output/alert.json").read_text()) == {}
    steps = [ALERT, ALERT.replace("breaking", "developing").replace("closed", "reopened"), None]
    for step in steps:
        before = tree_digest(site / "output")
        if step is None:
            (site / "content/alert.yaml").unlink()
        else:
            (site / "content/alert.yaml").write_text(step, encoding="utf-8")
        result = build_ok(site)
        assert written(result.out) == 1, result.out
        after = tree_digest(site / "output")
        assert {p for p in after if before.get(p) != after[p]} == {"alert.json"}
        assert after == clean_build(site, tmp_path / "clean")
        shown = json.loads((site / "output/alert.json").read_text())
        if step is None:
            assert shown == {}
        else:
            assert shown["text"] == step.split("\n")[0].removeprefix("text: ")
            assert shown["link"] == "/sub/news/bridge/"
            assert shown["level"] in ("breaking", "developing")
            assert shown["expires"] == "2026-11-26T18:00:00+02:00"


def test_an_expired_alert_is_an_empty_object(make_site: MakeSite) -> None:
    site = alert_site(make_site)
    (site / "content/alert.yaml").write_text(ALERT, encoding="utf-8")
    later = str(int(datetime(2026, 11, 26, 16, 0, tzinfo=UTC).timestamp()))  # 18:00 in Kyiv
    build_ok(site, env={"SOURCE_DATE_EPOCH": later})
    assert json.loads((site / "output/alert.json").read_text()) == {}


def test_every_page_carries_the_alert_script_and_works_without_it(make_site: MakeSite) -> None:
    site = alert_site(make_site)
    (site / "content/alert.yaml").write_text(ALERT, encoding="utf-8")
    build_ok(site)
    pages = [p for p in (site / "output").rglob("*.html")]
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in html:
            continue
        assert "alert.js" in html and 'data-alert-src="/sub/alert.json"' in html, page
        # Nothing of the alert is in the page itself: changing it changes no page.
        assert "Bridge closed" not in html
    assert (site / "output/theme").exists()


def test_mistakes_in_the_alert_name_file_and_line(make_site: MakeSite) -> None:
    site = alert_site(make_site)
    (site / "content/alert.yaml").write_text(
        "text: Bridge closed\nlevel: urgent\nexpires: 2026-11-26 18:00\nlnk: /x/\n",
        encoding="utf-8",
    )
    result = run_cli("build", "--site", str(site))
    assert result.code == 1
    assert "content/alert.yaml:2: level: expected breaking or developing" in result.err
    assert "content/alert.yaml:3: expires: give the time with its offset" in result.err
    assert "content/alert.yaml:4: lnk: unknown field (did you mean 'link'?)" in result.err


@pytest.mark.browser
def test_the_banner_shows_above_the_header_until_dismissed(make_site: MakeSite) -> None:
    site = alert_site(make_site)
    (site / "content/alert.yaml").write_text(
        ALERT.replace("2026-11-26T18:00:00+02:00", "2099-01-01T00:00:00+00:00"), encoding="utf-8"
    )
    build_ok(site)
    with static_server(site / "output", prefix="sub") as origin, launch_chromium() as browser:
        page = browser.new_page()
        page.goto(f"{origin}/sub/news/story-1/")
        banner = page.locator(".site-alert")
        banner.wait_for(state="visible")
        assert "Bridge closed after the storm" in banner.inner_text()
        assert banner.locator("a").get_attribute("href").endswith("/sub/news/bridge/")
        # above the header
        assert page.evaluate(
            "document.querySelector('.site-alert').compareDocumentPosition("
            "document.querySelector('.site-header')) & Node.DOCUMENT_POSITION_FOLLOWING"
        )
        banner.locator("button").click()
        assert banner.is_hidden()
        page.goto(f"{origin}/sub/", wait_until="networkidle")
        assert page.locator("[data-alert-src]").is_hidden()  # dismissed: remembered
        page.close()
        context = browser.new_context(java_script_enabled=False)
        plain = context.new_page()
        plain.goto(f"{origin}/sub/news/story-1/")
        assert plain.locator("h1").inner_text() == "Story 1"
        assert plain.locator("[data-alert-src]").is_hidden()
        context.close()


# --- Trust: the organization, corrections, robots, support -----------------------------------

TRUST_CONFIG = (
    CONFIG.replace(
        "search = false\n",
        'search = false\nsupport = { url = "/donate/", text = "Reader-funded news." }\n',
    )
    + """
[organization]
name = "Trust Gazette Media"
logo = "/logo.png"
founding_date = "2019-04-01"
masthead = "/about/"
ethics_policy = "/about/ethics/"
corrections_policy = "https://policies.example.org/corrections"
ownership_funding_info = "/about/funding/"
diversity_policy = "/about/diversity/"
actionable_feedback_policy = "/contact/"
unnamed_sources_policy = "/about/sources/"
verification_fact_checking_policy = "/about/verification/"
"""
)
CORRECTED = "corrections: [{date: 2026-11-2%dT10:00:00+02:00, text: %s}]"


def trust_site(make_site: MakeSite) -> Path:
    files = {
        "content/articles/a.md": story(
            "Ferry fares",
            date="2026-11-20T09:00:00+02:00",
            corrections="[{date: 2026-11-21T10:00:00+02:00, text: The fare is 4 dollars.}, {date: 2026-11-24T10:00:00+02:00, text: The ferry leaves at 9.}]",
        ),
        "content/articles/b.md": story(
            "School board",
            date="2026-11-21T09:00:00+02:00",
            corrections="[{date: 2026-11-22T10:00:00+02:00, text: The vote was 5-2.}]",
        ),
        "content/articles/c.md": story("No corrections", date="2026-11-22T09:00:00+02:00"),
    }
    return make_site(files, config=TRUST_CONFIG)


def test_the_newsroom_is_a_news_media_organization_in_json_ld(make_site: MakeSite) -> None:
    site = trust_site(make_site)
    build_ok(site)
    front = [d for d in jsonld(site / "output/index.html") if d["@type"] == "NewsMediaOrganization"]
    assert len(front) == 1
    organization = front[0]
    expected = {
        "@type": "NewsMediaOrganization",
        "name": "Trust Gazette Media",
        "url": "https://trust.example/sub/",
        "logo": {"@type": "ImageObject", "url": "https://trust.example/sub/logo.png"},
        "foundingDate": "2019-04-01",
        "masthead": "https://trust.example/sub/about/",
        "ethicsPolicy": "https://trust.example/sub/about/ethics/",
        "correctionsPolicy": "https://policies.example.org/corrections",
        "ownershipFundingInfo": "https://trust.example/sub/about/funding/",
        "diversityPolicy": "https://trust.example/sub/about/diversity/",
        "actionableFeedbackPolicy": "https://trust.example/sub/contact/",
        "unnamedSourcesPolicy": "https://trust.example/sub/about/sources/",
        "verificationFactCheckingPolicy": "https://trust.example/sub/about/verification/",
    }
    assert organization == {"@context": "https://schema.org", **expected}
    article = next(
        d for d in jsonld(site / "output/news/c/index.html") if d["@type"] == "NewsArticle"
    )
    assert article["publisher"] == expected


def test_story_pages_allow_large_image_previews_and_ask_for_support(make_site: MakeSite) -> None:
    site = trust_site(make_site)
    build_ok(site)
    tree = parse(site / "output/news/c/index.html")
    robots = [m.get("content") for m in tree.iterfind(".//h:meta[@name='robots']", NS)]  # type: ignore[attr-defined]
    assert robots == ["max-image-preview:large"]
    supports = [d for d in tree.iter() if isinstance(d.tag, str) and d.get("class") == "support"]  # type: ignore[attr-defined]
    assert len(supports) == 2  # after the story, and in the footer
    assert all("Reader-funded news." in "".join(s.itertext()) for s in supports)
    assert all(s.find(".//h:a", NS).get("href") == "/sub/donate/" for s in supports)
    home = parse(site / "output/index.html")
    assert [d for d in home.iter() if isinstance(d.tag, str) and d.get("class") == "support"]  # type: ignore[attr-defined]
    assert not list(home.iterfind(".//h:meta[@name='robots']", NS))  # type: ignore[attr-defined]


def test_the_corrections_page_and_feed_list_every_correction_newest_first(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = trust_site(make_site)
    build_ok(site)
    page = site / "output/corrections/index.html"
    items = [
        " ".join("".join(li.itertext()).split())
        for li in parse(page).iterfind(".//h:main//h:li", NS)  # type: ignore[attr-defined]
    ]
    assert [item.split(": ", 1)[1] for item in items] == [
        "The ferry leaves at 9.",
        "The vote was 5-2.",
        "The fare is 4 dollars.",
    ]
    assert [link for link in links_of(page) if "/news/" in link] == [
        "/sub/news/a/",
        "/sub/news/b/",
        "/sub/news/a/",
    ]
    feed = feedparser.parse((site / "output/corrections/feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert [e.summary for e in feed.entries] == [
        "The ferry leaves at 9.",
        "The vote was 5-2.",
        "The fare is 4 dollars.",
    ]
    assert feed.entries[1].link == "https://trust.example/sub/news/b/#corrections"
    assert len({e.id for e in feed.entries}) == 3
    # A new correction is an update, equal to a clean build.
    (site / "content/articles/c.md").write_text(
        story(
            "No corrections",
            date="2026-11-22T09:00:00+02:00",
            corrections="[{date: 2026-11-25T10:00:00+02:00, text: Now one.}]",
        ),
        encoding="utf-8",
    )
    build_ok(site)
    feed = feedparser.parse((site / "output/corrections/feed.xml").read_bytes())
    assert feed.entries[0].summary == "Now one."
    assert tree_digest(site / "output") == clean_build(site, tmp_path / "clean")


def test_mistakes_in_organization_and_support_name_the_config_line_and_key(
    make_site: MakeSite,
) -> None:
    config = TRUST_CONFIG.replace(
        'ethics_policy = "/about/ethics/"', 'ethics_polcy = "/about/ethics/"'
    )
    config = config.replace('masthead = "/about/"', 'masthead = "about"')
    config = config.replace('url = "/donate/"', 'url = "javascript:alert(1)"')
    site = trust_site(make_site)
    (site / "newssite.toml").write_text(config, encoding="utf-8")
    result = run_cli("build", "--site", str(site))
    assert result.code == 1
    lines = config.split("\n")
    masthead = lines.index('masthead = "about"') + 1
    ethics = lines.index('ethics_polcy = "/about/ethics/"') + 1
    support = next(n for n, line in enumerate(lines, 1) if line.startswith("support"))
    assert f"newssite.toml:{masthead}: organization.masthead: 'about' is neither" in result.err
    assert (
        f"newssite.toml:{ethics}: organization.ethics_polcy: unknown setting "
        "(did you mean 'ethics_policy'?)" in result.err
    )
    assert f"newssite.toml:{support}: support.url:" in result.err


# --- Month archives --------------------------------------------------------------------------


def month_site(make_site: MakeSite) -> Path:
    files = {
        f"content/articles/oct-{n}.md": story(
            f"October {n}", date=f"2026-10-{10 + n}T09:00:00+02:00"
        )
        for n in range(1, 4)
    }
    files.update(
        {
            f"content/articles/nov-{n}.md": story(
                f"November {n}", date=f"2026-11-{10 + n}T09:00:00+02:00"
            )
            for n in range(1, 3)
        }
    )
    # Late on October 31st in Kyiv, November in UTC: a month is the site's time zone's.
    files["content/articles/late.md"] = story("Halloween night", date="2026-10-31T23:30:00+02:00")
    return make_site(files, config=CONFIG)


def test_month_archives_list_that_months_stories_and_stay_as_they_are(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = month_site(make_site)
    build_ok(site)
    october = site / "output/2026/10/index.html"
    shown = [link for link in links_of(october) if link.startswith("/sub/news/")]
    assert list(dict.fromkeys(shown)) == ["/sub/news/late/", "/sub/news/oct-3/"]  # per_page 2
    assert "October 2026" in text_of(october)
    older = site / "output/2026/10/page/1/index.html"
    assert "/sub/news/oct-1/" in links_of(older) and "/sub/news/oct-2/" in links_of(older)
    november = [
        link
        for link in links_of(site / "output/2026/11/index.html")
        if link.startswith("/sub/news/")
    ]
    assert list(dict.fromkeys(november)) == ["/sub/news/nov-2/", "/sub/news/nov-1/"]
    sitemap = (site / "output/sitemap.xml").read_text()
    assert "https://trust.example/sub/2026/10/" in sitemap
    stamp = {
        p: os.stat(site / "output" / p).st_mtime_ns
        for p in ("2026/10/index.html", "2026/10/page/1/index.html")
    }
    (site / "content/articles/nov-3.md").write_text(
        story("November 3", date="2026-11-20T09:00:00+02:00"), encoding="utf-8"
    )
    build_ok(site)
    assert {p: os.stat(site / "output" / p).st_mtime_ns for p in stamp} == stamp
    assert "/sub/news/nov-3/" in links_of(site / "output/2026/11/index.html")
    assert tree_digest(site / "output") == clean_build(site, tmp_path / "clean")


def test_a_story_at_a_month_archives_url_is_a_collision(make_site: MakeSite) -> None:
    config = CONFIG + '\n[[sections]]\nslug = "2026"\ntitle = "Year"\n'
    site = month_site(make_site)
    (site / "newssite.toml").write_text(config, encoding="utf-8")
    (site / "content/articles/eleven.md").write_text(
        story("Eleven", section="'2026'", slug="'11'"), encoding="utf-8"
    )
    result = run_cli("build", "--site", str(site))
    assert result.code == 1
    assert "content/articles/eleven.md" in result.err and "/2026/11/" in result.err, result.err
