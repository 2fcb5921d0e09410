"""The newsroom's workflow: corrections, takedowns, staleness, redirects, scheduled
stories, `check`, progress, `init` and `new`. Sites are built by the real CLI and judged
with html5lib, lxml and feedparser."""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
import yaml
from PIL import Image

from conftest import FIXED_NOW, REPO, MakeSite, Result, build_ok, run_cli, story, tree_digest
from newssite.build import STAGES, build
from newssite.graph import describe_days
from newssite.model import BuildOptions
from newssite.progress import BuildProgress, wants_progress
from newssite.scaffold import _WORKFLOW
from sitecheck import SITEMAP_NS, broken_links, json_ld, meta, parse_html, sitemap_locs, xml

ARTICLE = "content/articles/2026/11/budget.md"
EPOCH_2027 = str(int(datetime(2027, 2, 1, tzinfo=UTC).timestamp()))


def build_fails(site: Path) -> Result:
    before = tree_digest(site / "output")
    result = run_cli("build", "--site", str(site))
    assert result.code == 1, result.out
    assert "Traceback" not in result.err
    assert tree_digest(site / "output") == before
    return result


def text_of(path: Path) -> str:
    return " ".join(" ".join(parse_html(path).itertext()).split())


def every_published_text(output: Path) -> str:
    return "\n".join(
        path.read_text(encoding="utf-8")
        for path in sorted(output.rglob("*"))
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".txt", "")
    )


def line_of(source: str, text: str) -> int:
    return next(n for n, line in enumerate(source.split("\n"), 1) if text in line)


def png(size: tuple[int, int] = (1600, 1000)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 140)).save(buffer, "PNG")
    return buffer.getvalue()


def feed_entries(output: Path, name: str = "feed.xml") -> dict[str, feedparser.FeedParserDict]:
    parsed = feedparser.parse((output / name).read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return {entry.link: entry for entry in parsed.entries}


def sitemap_lastmods(output: Path) -> dict[str, str]:
    root = xml(output / "sitemap.xml")
    return {
        url.findtext("s:loc", namespaces=SITEMAP_NS) or "": url.findtext(
            "s:lastmod", namespaces=SITEMAP_NS
        )
        or ""
        for url in root.iterfind("s:url", SITEMAP_NS)
    }


# --- Corrections ------------------------------------------------------------------------------

CORRECTED = story(
    "Council passes budget",
    date="2026-11-20T10:00:00+02:00",
    updated="2026-11-21T09:00:00+02:00",
    summary="'The council passed the budget.'",
    tags="[Budget]",
    corrections=(
        "\n  - date: 2026-11-23T16:30:00+02:00\n    text: An earlier version misstated the"
        " total.\n  - date: 2026-11-22T08:00:00+02:00\n    text: The vote was 7-2, not 6-3."
    ),
)


def test_corrections_show_a_notice_and_move_every_modified_date(make_site: MakeSite) -> None:
    site = make_site({ARTICLE: CORRECTED})
    build_ok(site)
    output = site / "output"
    page = parse_html(output / "news/budget/index.html")
    [notice] = [e for e in page.iter("aside") if e.get("id") == "corrections"]
    items = [" ".join("".join(p.itertext()).split()) for p in notice.iter("p")]
    assert items == [
        "November 22, 2026: The vote was 7-2, not 6-3.",
        "November 23, 2026: An earlier version misstated the total.",
    ]
    assert "Corrections" in "".join(notice.itertext())
    meta_line = " ".join(
        "".join(e.itertext()) for e in page.iter("p") if e.get("class") == "story__meta"
    )
    assert "Corrected Nov. 23, 2026" in " ".join(meta_line.split())
    [data] = [d for d in json_ld(page) if d.get("@type") == "NewsArticle"]
    newest = "2026-11-23T16:30:00+02:00"
    assert data["dateModified"] == newest
    assert data["datePublished"] == "2026-11-20T10:00:00+02:00"
    assert [c["text"] for c in data["correction"]] == [
        "The vote was 7-2, not 6-3.",
        "An earlier version misstated the total.",
    ]
    assert meta(page, "article:modified_time") == newest
    entry = feed_entries(output)["https://gazette.example/news/budget/"]
    assert entry.updated == "2026-11-23T14:30:00Z"
    assert entry.published == "2026-11-20T08:00:00Z"
    assert sitemap_lastmods(output)["https://gazette.example/news/budget/"] == (
        "2026-11-23T14:30:00Z"
    )


def test_a_story_without_corrections_has_no_notice(make_site: MakeSite) -> None:
    site = make_site({ARTICLE: story()})
    build_ok(site)
    page = parse_html(site / "output/news/budget/index.html")
    assert not [e for e in page.iter() if e.get("id") == "corrections"]
    assert "Corrected" not in text_of(site / "output/news/budget/index.html")


def test_corrections_survive_the_build_cache(make_site: MakeSite) -> None:
    site = make_site({ARTICLE: CORRECTED})
    build_ok(site)
    first = (site / "output/news/budget/index.html").read_bytes()
    shutil.rmtree(site / "output")
    build_ok(site)  # every document now comes from .newssite-cache
    assert (site / "output/news/budget/index.html").read_bytes() == first


@pytest.mark.parametrize(
    ("corrections", "field", "message"),
    [
        ("\n  - date: 2026-11-31\n    text: Fixed.", "corrections[0].date", "invalid date"),
        ("\n  - text: Fixed.", "corrections[0].date", "required field is missing"),
        ("\n  - date: 2026-11-22\n    text: '  '", "corrections[0].text", "must not be empty"),
        (
            "\n  - date: 2026-11-22\n    text: Fine.\n  - date: 2026-11-22",
            "corrections[1].text",
            "required field is missing",
        ),
        ("\n  - date: 2026-11-01\n    text: Early.", "corrections[0].date", "before the story"),
        ("\n  - date: 2026-11-22\n    txt: Fixed.", "corrections[0].txt", "did you mean 'text'"),
        ("Fixed the total.", "corrections", "expected a list"),
        ("\n  - Fixed the total.", "corrections[0]", "expected a mapping with date and text"),
    ],
)
def test_correction_errors_name_the_field(
    make_site: MakeSite, corrections: str, field: str, message: str
) -> None:
    source = story(corrections=corrections)
    site = make_site({ARTICLE: source})
    result = build_fails(site)
    [line] = [text for text in result.err.splitlines() if f": {field}: " in text]
    assert line.startswith(f"{ARTICLE}:")
    assert message in line
    number = int(line.split(":")[1])
    assert number >= line_of(source, "corrections:")


# --- Takedowns ---------------------------------------------------------------------------------

TAKEN_DOWN = story(
    "Secret headline of the removed story",
    date="2026-11-22T10:00:00+02:00",
    summary="'Secret dek of the removed story.'",
    tags="[Budget, Only Removed Tag]",
    photo="{src: removed.png, alt: Secret alt, credit: Secret Credit, caption: Secret caption}",
    removed="{date: '2026-11-24T09:00:00+02:00', reason: Removed at the request of a court.}",
    body="Secret body text of the removed story.\n",
)


@pytest.fixture
def takedown_site(make_site: MakeSite) -> Path:
    site = make_site(
        {
            "content/articles/2026/11/removed.md": TAKEN_DOWN,
            "content/articles/2026/11/removed.png": png(),
            ARTICLE: story(tags="[Budget]", body="See [the other story](removed.md).\n"),
        }
    )
    build_ok(site)
    return site


def test_a_removed_story_becomes_a_short_noindex_notice_at_its_url(takedown_site: Path) -> None:
    path = takedown_site / "output/news/removed/index.html"
    page = parse_html(path)
    assert meta(page, "robots") == "noindex"
    [h1] = page.iter("h1")
    assert "".join(h1.itertext()) == "This article has been removed"
    text = text_of(path)
    assert "Removed at the request of a court." in text
    assert "November 24, 2026" in text
    assert "Secret" not in path.read_text(encoding="utf-8")
    assert not [img for img in page.iter("img")]
    assert not list((takedown_site / "output/news/removed").glob("*.png"))
    canonical = [link.get("href") for link in page.iter("link") if link.get("rel") == "canonical"]
    assert canonical == ["https://gazette.example/news/removed/"]


def test_a_removed_story_leaves_every_list_feed_and_sitemap(takedown_site: Path) -> None:
    output = takedown_site / "output"
    everything = every_published_text(output)
    notice = (output / "news/removed/index.html").read_text(encoding="utf-8")
    assert "Secret" not in everything
    # Only the other story's link to it remains (in its page and feed entries, Atom and JSON).
    others = everything.replace(notice, "")
    links = (
        '/news/removed/">the other story',
        '/news/removed/"&gt;the other story',
        '/news/removed/\\">the other story',
    )
    assert others.count("/news/removed/") == sum(others.count(link) for link in links) > 0
    assert "https://gazette.example/news/removed/" not in sitemap_locs(output)
    assert not (output / "tags/only-removed-tag").exists()
    assert "/news/removed/" not in json.loads((output / "latest.json").read_text())["stories"]
    for name in ("feed.xml", "news/feed.xml", "authors/ana/feed.xml"):
        assert "https://gazette.example/news/removed/" not in feed_entries(output, name)
    for page in (
        "index.html",
        "news/index.html",
        "authors/ana/index.html",
        "tags/budget/index.html",
    ):
        assert "This article has been removed" not in (output / page).read_text(encoding="utf-8")
    # The story that links to it still leads somewhere: the notice.
    assert broken_links(output, "/") == []


@pytest.mark.parametrize(
    ("removed", "field", "message"),
    [
        ("true", "removed", "expected a mapping with date and reason"),
        ("{reason: Legal.}", "removed.date", "required field is missing"),
        ("{date: 2026-11-01, reason: Legal.}", "removed.date", "before the story"),
        ("{date: soon}", "removed.date", "invalid date"),
        ("{date: 2026-11-24, reson: Legal.}", "removed.reson", "did you mean 'reason'"),
    ],
)
def test_removal_errors_name_the_field(
    make_site: MakeSite, removed: str, field: str, message: str
) -> None:
    site = make_site({ARTICLE: story(removed=removed)})
    result = build_fails(site)
    assert any(
        line.startswith(f"{ARTICLE}:") and f": {field}: " in line and message in line
        for line in result.err.splitlines()
    ), result.err


def test_a_removal_reason_is_optional(make_site: MakeSite) -> None:
    site = make_site({ARTICLE: story(removed="{date: 2026-11-24}")})
    build_ok(site)
    assert "This article has been removed" in text_of(site / "output/news/budget/index.html")


# --- Staleness -------------------------------------------------------------------------------


def stale_config(days: int | str) -> str:
    from conftest import DEFAULT_CONFIG

    return DEFAULT_CONFIG.replace("per_page = 3\n", f"per_page = 3\nstale_after_days = {days}\n")


def notice_of(path: Path) -> list[str]:
    page = parse_html(path)
    return ["".join(e.itertext()) for e in page.iter("p") if "notice" in (e.get("class") or "")]


def test_old_stories_are_labelled_with_the_configured_age(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/articles/old.md": story("Old story", date="2024-11-01T10:00:00+02:00"),
            "content/articles/new.md": story("New story"),
        },
        config=stale_config(730),
    )
    build_ok(site)
    assert notice_of(site / "output/news/old/index.html") == [
        "This article is more than 2 years old"
    ]
    assert notice_of(site / "output/news/new/index.html") == []


def test_staleness_is_decided_with_the_builds_now(make_site: MakeSite) -> None:
    site = make_site(
        {"content/articles/old.md": story("Old story", date="2025-11-01T10:00:00+02:00")},
        config=stale_config(365),
    )
    build_ok(site)  # SOURCE_DATE_EPOCH: 2026-11-26, the story is older than a year
    assert notice_of(site / "output/news/old/index.html") == [
        "This article is more than 1 year old"
    ]
    earlier = str(int(datetime(2026, 6, 1, tzinfo=UTC).timestamp()))
    build_ok(site, env={"SOURCE_DATE_EPOCH": earlier})
    assert notice_of(site / "output/news/old/index.html") == []


def test_without_the_setting_no_story_is_labelled(make_site: MakeSite) -> None:
    site = make_site({"content/articles/old.md": story("Old", date="2001-01-01")})
    build_ok(site)
    assert notice_of(site / "output/news/old/index.html") == []


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (730, "2 years"),
        (365, "1 year"),
        (400, "1 year"),
        (180, "6 months"),
        (45, "1 month"),
        (14, "14 days"),
        (1, "1 day"),
    ],
)
def test_the_label_names_the_largest_whole_unit(days: int, words: str) -> None:
    assert describe_days(days) == words


@pytest.mark.parametrize(
    ("value", "message"),
    [("0", "between 1 and 36500"), ('"two years"', "expected a whole number"), ("1.5", "whole")],
)
def test_stale_after_days_is_validated(make_site: MakeSite, value: str, message: str) -> None:
    site = make_site({ARTICLE: story()}, config=stale_config(value))
    result = run_cli("build", "--site", str(site))
    assert result.code == 1
    assert any(
        line.startswith("newssite.toml:") and ": stale_after_days: " in line and message in line
        for line in result.err.splitlines()
    ), result.err


# --- Redirects --------------------------------------------------------------------------------


def test_aliases_become_redirect_pages_and_a_redirects_file(make_site: MakeSite) -> None:
    source = story(aliases="[/news/old-budget/, /2019/05/budget.html, /news/budget-vote]")
    site = make_site({ARTICLE: source})
    build_ok(site)
    output = site / "output"
    for old, file in (
        ("/news/old-budget/", "news/old-budget/index.html"),
        ("/2019/05/budget.html", "2019/05/budget.html"),
        ("/news/budget-vote/", "news/budget-vote/index.html"),
    ):
        page = parse_html(output / file)
        refresh = [m.get("content") for m in page.iter("meta") if m.get("http-equiv") == "refresh"]
        assert refresh == ["0; url=/news/budget/"], old
        canonical = [
            link.get("href") for link in page.iter("link") if link.get("rel") == "canonical"
        ]
        assert canonical == ["https://gazette.example/news/budget/"]
        assert meta(page, "robots") == "noindex"
        assert "/news/budget/" in [a.get("href") for a in page.iter("a")]
        assert f"https://gazette.example{old}" not in sitemap_locs(output)
    assert (output / "_redirects").read_text().splitlines() == [
        "/2019/05/budget.html /news/budget/ 301",
        "/news/budget-vote/ /news/budget/ 301",
        "/news/old-budget/ /news/budget/ 301",
    ]
    assert broken_links(output, "/") == []


def test_redirects_respect_the_base_url_sub_path(make_site: MakeSite) -> None:
    site = make_site(
        {ARTICLE: story(aliases="[/news/old-budget/]")},
        config=(REPO / "tests/data/subpath.toml").read_text(),
    )
    build_ok(site)
    output = site / "output"
    assert (
        output / "_redirects"
    ).read_text() == "/edition/news/old-budget/ /edition/news/budget/ 301\n"
    page = parse_html(output / "news/old-budget/index.html")
    refresh = [m.get("content") for m in page.iter("meta") if m.get("http-equiv") == "refresh"]
    assert refresh == ["0; url=/edition/news/budget/"]


def test_no_aliases_no_redirects_file(make_site: MakeSite) -> None:
    site = make_site({ARTICLE: story()})
    build_ok(site)
    assert not (site / "output/_redirects").exists()


def test_removing_an_alias_removes_its_redirect(make_site: MakeSite) -> None:
    site = make_site({ARTICLE: story(aliases="[/news/old-budget/]")})
    build_ok(site)
    (site / ARTICLE).write_text(story())
    result = build_ok(site)
    assert "2 removed" in result.out
    assert not (site / "output/news/old-budget").exists()
    assert not (site / "output/_redirects").exists()


@pytest.mark.parametrize(
    ("alias", "message"),
    [
        ("https://gazette.example/news/old/", "without https:// and the host"),
        ("news/old/", "starts with /"),
        ("/news/../old/", "'..'"),
        ("/news/old/?page=2", "query"),
        ("/photos/old.jpg", "end the alias with / or .html"),
        ("/news/old slug/", "only letters, digits"),
        ("//evil.example/x/", "without https:// and the host"),
    ],
)
def test_an_alias_must_be_a_site_path(make_site: MakeSite, alias: str, message: str) -> None:
    source = story(aliases=f"['{alias}']")
    site = make_site({ARTICLE: source})
    result = build_fails(site)
    [line] = [text for text in result.err.splitlines() if ": aliases[0]: " in text]
    assert line.startswith(f"{ARTICLE}:{line_of(source, 'aliases:')}: aliases[0]: ")
    assert message in line


@pytest.mark.parametrize(
    ("alias", "named"),
    [
        ("/news/other/", "content/articles/other.md"),  # another story's URL
        ("/news/", "the generated section page"),
        ("/about/", "content/pages/about.md"),
        ("/news/budget/", "this story's own URL"),
        ("/tags/old/", "where newssite writes its own pages"),
        ("/news/page/9/", "where newssite writes its own pages"),
        ("/feed.xml/", "needs a folder /feed.xml, which is a feed newssite generates"),
        ("/news/feed.xml/x/", "a feed newssite generates"),
        ("/_redirects/", "a file newssite generates"),
    ],
)
def test_an_alias_may_not_collide_with_another_url(
    make_site: MakeSite, alias: str, named: str
) -> None:
    site = make_site(
        {
            ARTICLE: story(aliases=f"['{alias}']"),
            "content/articles/other.md": story("Other"),
            "content/pages/about.md": "---\ntitle: About\n---\nUs.\n",
        }
    )
    result = build_fails(site)
    [line] = [text for text in result.err.splitlines() if ": aliases[0]: " in text]
    assert line.startswith(f"{ARTICLE}:")
    assert named in line


def test_two_stories_with_one_alias_is_an_error_naming_both(make_site: MakeSite) -> None:
    site = make_site(
        {
            ARTICLE: story(aliases="[/news/old/]"),
            "content/articles/other.md": story("Other", aliases="[/News/Old/]"),
        }
    )
    result = build_fails(site)
    [line] = [text for text in result.err.splitlines() if ": aliases[0]: " in text]
    assert ARTICLE in line and "content/articles/other.md" in line


def test_a_static_file_at_an_alias_is_an_error(make_site: MakeSite) -> None:
    site = make_site({ARTICLE: story(aliases="[/old.html]"), "static/old.html": "<p>old</p>"})
    result = build_fails(site)
    assert "static/old.html" in result.err and "old.html" in result.err


# --- Scheduled publishing ----------------------------------------------------------------------

EMBARGOED = story(
    "Embargoed election guide",
    date="2027-01-05 08:00",  # Europe/Kyiv: 06:00 UTC
    summary="'Embargoed dek.'",
    tags="[Embargo Only Tag, Budget]",
    photo="{src: embargo.png, alt: Embargoed alt, credit: Embargo Credit}",
    aliases="[/news/embargo-old/]",
    body="Embargoed body text.\n",
)


@pytest.fixture
def scheduled_site(make_site: MakeSite) -> Path:
    site = make_site(
        {
            "content/articles/2027/01/embargoed-guide.md": EMBARGOED,
            "content/articles/2027/01/embargo.png": png(),
            "content/articles/2027/02/later.md": story("Later", date="2027-02-10T09:00:00Z"),
            "content/articles/2026/12/draft.md": story(
                "Draft", date="2026-12-01T09:00:00Z", draft="true"
            ),
            ARTICLE: story(tags="[Budget]", date=(FIXED_NOW - timedelta(hours=5)).isoformat()),
        }
    )
    build_ok(site)
    return site


def test_a_scheduled_story_leaks_nowhere(scheduled_site: Path) -> None:
    output = scheduled_site / "output"
    everything = every_published_text(output)
    for secret in ("Embargo", "embargoed-guide", "embargo-only-tag", "embargo-old"):
        assert secret not in everything, secret
    assert not (output / "news/embargoed-guide").exists()
    assert not (output / "tags/embargo-only-tag").exists()
    assert not (output / "news/embargo-old").exists()
    assert not (output / "_redirects").exists()
    assert not [p for p in output.rglob("*") if "embargo" in p.name.lower()]
    assert [
        story["url"] for story in json.loads((output / "latest.json").read_text())["stories"]
    ] == ["/news/budget/"]
    news = xml(output / "news-sitemap.xml")
    assert [loc.text for loc in news.iterfind(".//s:loc", SITEMAP_NS)] == [
        "https://gazette.example/news/budget/"
    ]


def test_a_scheduled_story_appears_everywhere_once_its_time_has_come(scheduled_site: Path) -> None:
    after = str(int(datetime(2027, 1, 5, 6, 0, tzinfo=UTC).timestamp()))
    build_ok(scheduled_site, env={"SOURCE_DATE_EPOCH": after})
    output = scheduled_site / "output"
    assert "Embargoed election guide" in text_of(output / "news/embargoed-guide/index.html")
    assert "https://gazette.example/news/embargoed-guide/" in sitemap_locs(output)
    assert "https://gazette.example/news/embargoed-guide/" in feed_entries(output)
    assert "Embargoed election guide" in text_of(output / "tags/embargo-only-tag/index.html")
    assert (output / "news/embargo-old/index.html").is_file()
    assert [img for img in parse_html(output / "news/embargoed-guide/index.html").iter("img")]


def test_next_publish_prints_the_earliest_scheduled_instant_in_utc(scheduled_site: Path) -> None:
    result = run_cli("build", "--site", str(scheduled_site), "--next-publish")
    assert result.code == 0, result.err
    assert result.out == "2027-01-05T06:00:00Z\n"
    after = str(int(datetime(2027, 1, 6, tzinfo=UTC).timestamp()))
    later = run_cli(
        "build", "--site", str(scheduled_site), "--next-publish", env={"SOURCE_DATE_EPOCH": after}
    )
    assert later.out == "2027-02-10T09:00:00Z\n"
    none_left = run_cli(
        "build",
        "--site",
        str(scheduled_site),
        "--next-publish",
        env={"SOURCE_DATE_EPOCH": EPOCH_2027},
    )
    assert none_left.out == "2027-02-10T09:00:00Z\n"
    past = str(int(datetime(2027, 3, 1, tzinfo=UTC).timestamp()))
    nothing = run_cli(
        "build", "--site", str(scheduled_site), "--next-publish", env={"SOURCE_DATE_EPOCH": past}
    )
    assert nothing.code == 0 and nothing.out == ""


def test_next_publish_writes_nothing(scheduled_site: Path) -> None:
    before = tree_digest(scheduled_site / "output")
    result = run_cli("build", "--site", str(scheduled_site), "--next-publish")
    assert result.code == 0
    assert tree_digest(scheduled_site / "output") == before


def test_drafts_and_removed_stories_are_not_announced(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/articles/a.md": story("A", date="2027-01-01T00:00:00Z", draft="true"),
            "content/articles/b.md": story(
                "B", date="2027-01-02T00:00:00Z", removed="{date: 2027-01-03}"
            ),
            "content/articles/c.md": story("C", date="2027-01-04T00:00:00Z"),
        }
    )
    result = run_cli("build", "--site", str(site), "--next-publish")
    assert result.out == "2027-01-04T00:00:00Z\n"


def test_build_says_when_the_next_story_goes_live(scheduled_site: Path) -> None:
    result = build_ok(scheduled_site)
    assert "next scheduled story goes live at 2027-01-05T08:00:00+02:00" in result.out
    quiet = build_ok(scheduled_site, "--future")
    assert "next scheduled story" not in quiet.out


# --- newssite check ----------------------------------------------------------------------------

SLOPPY = (
    "---\n"
    "title: Sloppy story\n"
    "date: 2026-11-20 10:00\n"
    "author: ana\n"
    "section: news\n"
    "photo: {src: 'https://images.example/fire.jpg'}\n"
    "---\n"
    "First paragraph.\n"
    "\n"
    "See [nothing](/news/nope/) and [the budget](/news/budget/#no-such-anchor).\n"
    "Also [a good anchor](/news/budget/#corrections) and [the feed](/feed.xml).\n"
    "Jump [down](#missing-here).\n"
)
SLOPPY_PATH = "content/articles/sloppy.md"


@pytest.fixture
def sloppy_site(make_site: MakeSite) -> Path:
    return make_site(
        {
            SLOPPY_PATH: SLOPPY,
            ARTICLE: CORRECTED,
            "content/pages/about.md": "---\ntitle: About\n---\nWrite to [us](/contact/).\n",
        }
    )


def check_lines(result: Result) -> list[str]:
    return [line for line in result.out.splitlines() if line.startswith("warning: ")]


def test_check_reports_editorial_warnings_grouped_by_file(sloppy_site: Path) -> None:
    result = run_cli("check", "--site", str(sloppy_site))
    assert result.code == 0, result.err
    source = SLOPPY
    where = f"warning: {SLOPPY_PATH}"
    expected = [
        f"{where}:1: summary: no summary",
        f"{where}:1: tags: no tags",
        f"{where}:{line_of(source, 'date:')}: date: no UTC offset: the site time zone "
        "(Europe/Kyiv) was assumed, giving 2026-11-20T10:00:00+02:00",
        f"{where}:{line_of(source, 'photo:')}: photo.alt: ",
        f"{where}:{line_of(source, 'photo:')}: photo.credit: ",
        f"{where}:{line_of(source, '/news/nope/')}: body: links to /news/nope/, which no page",
        f"{where}:{line_of(source, 'no-such-anchor')}: body: links to "
        "/news/budget/#no-such-anchor, but that page has no such anchor",
        f"{where}:{line_of(source, '#missing-here')}: body: links to #missing-here",
        "warning: content/pages/about.md:4: body: links to /contact/, which no page",
    ]
    lines = check_lines(result)
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, result.out)
    assert not any("#corrections" in line or "/feed.xml" in line for line in lines)
    # Grouped: a heading line per file, then its warnings.
    out = result.out.splitlines()
    for path in (SLOPPY_PATH, "content/pages/about.md"):
        heading = out.index(path)
        following = out[heading + 1 :]
        block = following[: following.index("")] if "" in following else following
        assert block and all(line.startswith(f"warning: {path}:") for line in block)
    assert "no errors" in out[-1] and f"{len(lines)} warnings" in out[-1]
    assert out.count(SLOPPY_PATH) == 1


def test_check_strict_turns_warnings_into_errors(sloppy_site: Path) -> None:
    result = run_cli("check", "--site", str(sloppy_site), "--strict")
    assert result.code == 1
    assert "--strict" in result.out


def test_check_json_is_a_machine_readable_list(sloppy_site: Path) -> None:
    result = run_cli("check", "--site", str(sloppy_site), "--format", "json")
    assert result.code == 0
    data = json.loads(result.out)
    assert data["ok"] is True and data["errors"] == 0
    problems = data["problems"]
    assert data["warnings"] == len(problems) > 5
    assert all(set(p) == {"path", "line", "field", "message", "level"} for p in problems)
    assert {"path": SLOPPY_PATH, "line": 1, "field": "tags", "level": "warning"}.items() <= next(
        p for p in problems if p["field"] == "tags"
    ).items()
    strict = json.loads(
        run_cli("check", "--site", str(sloppy_site), "--strict", "--format", "json").out
    )
    assert strict["ok"] is False
    assert {p["level"] for p in strict["problems"]} == {"error"}


def test_check_of_a_clean_site_is_quiet(make_site: MakeSite) -> None:
    site = make_site({ARTICLE: CORRECTED})
    result = run_cli("check", "--site", str(site), "--strict")
    assert result.code == 0, result.out
    assert result.out.splitlines() == [
        f"Checked {result.out.split()[1]} pages: no errors, no warnings."
    ]


def test_check_writes_nothing_to_the_output(make_site: MakeSite) -> None:
    site = make_site({ARTICLE: story()})
    run_cli("check", "--site", str(site))
    assert not (site / "output").exists()


def test_check_reports_content_errors_like_a_build(make_site: MakeSite) -> None:
    source = story(photo="{src: missing.jpg, alt: A, credit: B}")
    site = make_site({ARTICLE: source, "content/articles/ok.md": story("Fine")})
    result = run_cli("check", "--site", str(site))
    assert result.code == 1
    assert "Traceback" not in result.err
    errors = result.err.splitlines()
    assert errors[0] == ARTICLE
    assert errors[1].startswith(f"{ARTICLE}:{line_of(source, 'photo:')}: photo.src: ")
    assert "Check failed: 1 error" in result.out
    data = json.loads(run_cli("check", "--site", str(site), "--format", "json").out)
    assert data["ok"] is False and data["errors"] == 1
    assert data["problems"][0]["level"] == "error"
    assert data["problems"][0]["field"] == "photo.src"


def test_check_finds_dates_without_an_offset_everywhere(make_site: MakeSite) -> None:
    source = story(
        date="2026-11-20",
        updated="'2026-11-21 09:00'",
        corrections="[{date: '2026-11-22 10:00', text: Fixed.}]",
        tags="[Budget]",
        summary="Dek.",
    )
    site = make_site({ARTICLE: source})
    data = json.loads(run_cli("check", "--site", str(site), "--format", "json").out)
    fields = {p["field"]: p["message"] for p in data["problems"]}
    assert set(fields) == {"date", "updated", "corrections[0].date"}
    assert "midnight" in fields["date"] and "2026-11-20T00:00:00+02:00" in fields["date"]
    assert "2026-11-21T09:00:00+02:00" in fields["updated"]


def test_check_warns_about_links_to_removed_and_moved_stories(make_site: MakeSite) -> None:
    source = story(
        "Linker",
        tags="[Budget]",
        summary="Dek.",
        body="See [removed](gone.md) and [moved](/news/old-budget/).\n",
    )
    site = make_site(
        {
            "content/articles/linker.md": source,
            "content/articles/gone.md": story(
                "Gone", tags="[X]", summary="D.", removed="{date: 2026-11-25}"
            ),
            ARTICLE: story(tags="[Budget]", summary="Dek.", aliases="[/news/old-budget/]"),
        }
    )
    lines = check_lines(run_cli("check", "--site", str(site)))
    assert any(
        "content/articles/linker.md:" in line
        and "/news/gone/, a story that has been removed" in line
        for line in lines
    ), lines
    assert any(
        "/news/old-budget/, an old URL that redirects to /news/budget/" in line for line in lines
    ), lines


def test_check_warns_when_a_published_url_changes_without_a_redirect(make_site: MakeSite) -> None:
    source = story(tags="[Budget]", summary="Dek.")
    site = make_site(
        {ARTICLE: source, "content/articles/other.md": story("Other", tags="[B]", summary="D.")}
    )
    build_ok(site)
    renamed = source.replace("section: news\n", "section: news\nslug: budget-approved\n")
    (site / ARTICLE).write_text(renamed)
    lines = check_lines(run_cli("check", "--site", str(site)))
    expected = (
        f"warning: {ARTICLE}:{line_of(renamed, 'slug:')}: aliases: the URL changed from "
        "/news/budget/ (published by the last build) to /news/budget-approved/"
    )
    assert any(line.startswith(expected) for line in lines), lines
    (site / ARTICLE).write_text(renamed.replace("---\nThe", "aliases: [/news/budget/]\n---\nThe"))
    assert check_lines(run_cli("check", "--site", str(site))) == []


def test_check_warns_when_a_published_story_disappears(make_site: MakeSite) -> None:
    site = make_site(
        {
            ARTICLE: story(tags="[Budget]", summary="Dek."),
            "content/articles/other.md": story("Other", tags="[B]", summary="D."),
        }
    )
    build_ok(site)
    (site / "content/articles/other.md").unlink()
    lines = check_lines(run_cli("check", "--site", str(site)))
    assert len(lines) == 1 and lines[0].startswith(
        "warning: /news/other/: url: published by the last build"
    )
    # A takedown keeps the URL: no warning.
    (site / "content/articles/other.md").write_text(
        story("Other", tags="[B]", summary="D.", removed="{date: 2026-11-25}")
    )
    assert check_lines(run_cli("check", "--site", str(site))) == []


def test_check_reports_misspelled_fields_too(make_site: MakeSite) -> None:
    source = story(tags="[Budget]", summary="Dek.", corections="[]")
    site = make_site({ARTICLE: source})
    lines = check_lines(run_cli("check", "--site", str(site)))
    assert lines == [
        f"warning: {ARTICLE}:{line_of(source, 'corections:')}: corections: unknown field "
        "(did you mean 'corrections'?)"
    ]


# --- Progress -----------------------------------------------------------------------------------


def test_build_reports_each_stage_to_the_progress_callback(make_site: MakeSite) -> None:
    site = make_site({ARTICLE: story()})
    calls: list[tuple[str, int, int]] = []
    build(site, BuildOptions(now=FIXED_NOW, progress=lambda *call: calls.append(call)))
    total = len(STAGES)
    assert calls == [(stage, done, total) for done, stage in enumerate(STAGES)] + [
        ("done", total, total)
    ]


def test_a_build_without_a_terminal_prints_only_its_summary(make_site: MakeSite) -> None:
    site = make_site({ARTICLE: story()})
    result = build_ok(site)
    lines = result.out.splitlines()
    assert lines[0].startswith("Built ") and "written" in lines[0] and "unchanged" in lines[0]
    assert "removed" in lines[0]
    assert lines[1].startswith("  stages: config ") and "render" in lines[1]
    assert "\x1b" not in result.out + result.err


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_is_drawn_on_a_terminal_for_a_slow_build() -> None:
    screen = Terminal()
    progress = BuildProgress(screen, delay=0, enabled=True)
    progress("parse", 1, 5)
    deadline = datetime.now() + timedelta(seconds=5)
    while not progress.shown and datetime.now() < deadline:
        pass
    progress("render", 3, 5)
    progress.close()
    assert progress.shown
    assert "Building" in screen.getvalue() and "stages" in screen.getvalue()


def test_a_quick_build_draws_no_bar() -> None:
    screen = Terminal()
    progress = BuildProgress(screen, delay=30, enabled=True)
    for done, stage in enumerate(STAGES):
        progress(stage, done, len(STAGES))
    progress.close()
    assert not progress.shown and screen.getvalue() == ""


@pytest.mark.parametrize(
    ("environ", "tty", "wanted"),
    [
        ({}, True, True),
        ({}, False, False),
        ({"CI": "true"}, True, False),
        ({"GITHUB_ACTIONS": "true"}, True, False),
        ({"TERM": "dumb"}, True, False),
    ],
)
def test_progress_only_for_a_person_at_a_terminal(
    environ: dict[str, str], tty: bool, wanted: bool
) -> None:
    stream = Terminal() if tty else io.StringIO()
    assert wants_progress(stream, environ) is wanted


# --- newssite init -----------------------------------------------------------------------------


def test_init_writes_a_site_that_builds_and_checks_at_once(tmp_path: Path) -> None:
    target = tmp_path / "ledger"
    result = run_cli(
        "init", str(target), "--title", 'The "Bay": Ledger', "--timezone", "Europe/Kyiv"
    )
    assert result.code == 0, result.err
    assert "Next steps:" in result.out and "newssite serve" in result.out
    assert "newssite new article" in result.out
    gitignore = (target / ".gitignore").read_text().splitlines()
    assert "output/" in gitignore and ".newssite-cache/" in gitignore
    workflow = yaml.safe_load((target / ".github/workflows/publish.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert "push" in triggers and triggers["schedule"][0]["cron"]
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    cache = next(step for step in steps if step.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == ".newssite-cache"
    assert any("newssite build" in step.get("run", "") for step in steps)
    assert any(step.get("uses", "").startswith("actions/deploy-pages@") for step in steps)

    built = run_cli("build", "--site", str(target))
    assert built.code == 0, built.err
    home = text_of(target / "output/index.html")
    assert 'Welcome to The "Bay": Ledger' in home
    assert "2026" in home  # dated by the build's clock (SOURCE_DATE_EPOCH)
    checked = run_cli("check", "--site", str(target), "--strict")
    assert checked.code == 0, checked.out + checked.err
    assert "no errors, no warnings" in checked.out


@pytest.mark.parametrize(
    ("prepare", "args", "message"),
    [
        (lambda t: (t / "x.txt").write_text("x"), (), "is not empty"),
        (lambda t: None, ("--timezone", "Mars/Olympus"), "unknown time zone"),
        (lambda t: None, ("--title", " "), "must not be empty"),
    ],
)
def test_init_errors(
    tmp_path: Path, prepare: Callable[[Path], object], args: tuple[str, ...], message: str
) -> None:
    target = tmp_path / "site"
    target.mkdir()
    prepare(target)
    result = run_cli("init", str(target), *args)
    assert result.code == 2
    assert message in result.err and "Traceback" not in result.err


def test_init_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    result = run_cli("init", str(tmp_path / "file"))
    assert result.code == 2 and "is a file" in result.err


# --- newssite new article ----------------------------------------------------------------------


def test_new_article_writes_a_draft_that_builds_once_written(make_site: MakeSite) -> None:
    site = make_site({"content/authors/ben.md": "---\nname: Ben\n---\nBen.\n"})
    result = run_cli(
        "new", "article", "Café owners: rents up 40%", "--section", "news",
        "--author", "ana", "--author", "ben", "--site", str(site),
    )  # fmt: skip
    assert result.code == 0, result.err
    # The build's now (SOURCE_DATE_EPOCH: 2026-11-26 12:00 UTC) in the site zone (Europe/Kyiv).
    path = site / "content/articles/2026/11/cafe-owners-rents-up-40.md"
    assert result.out.splitlines() == [
        f"Created {path}",
        "  It is a draft (draft: true): no build publishes it.",
        "  Preview it with 'newssite serve' at http://127.0.0.1:8000/news/cafe-owners-rents-up-40/",
        f"  When it is ready: newssite publish {path}",
    ]
    meta_data = yaml.safe_load(path.read_text().split("---\n")[1])
    assert meta_data["title"] == "Café owners: rents up 40%"
    assert meta_data["date"] == "2026-11-26T14:00:00+02:00"
    assert meta_data["author"] == ["ana", "ben"] and meta_data["section"] == "news"
    assert meta_data["draft"] is True
    build_ok(site)
    assert not (site / "output/news/cafe-owners-rents-up-40").exists()
    text = path.read_text()
    head, _, _ = text.rpartition("---\n")
    path.write_text(head.replace("draft: true", "draft: false") + "---\nRents rose again.\n")
    build_ok(site)
    assert "Café owners: rents up 40%" in text_of(
        site / "output/news/cafe-owners-rents-up-40/index.html"
    )


def test_new_article_with_a_date_files_it_by_that_date(make_site: MakeSite) -> None:
    site = make_site({})
    result = run_cli(
        "new", "article", "Year ahead", "--section", "sports", "--author", "ana",
        "--date", "2027-01-02 09:30", "--site", str(site),
    )  # fmt: skip
    assert result.code == 0, result.err
    path = site / "content/articles/2027/01/year-ahead.md"
    assert "date: '2027-01-02T09:30:00+02:00'" in path.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--section", "nwes", "--author", "ana"),
            "--section: unknown section 'nwes' (did you mean 'news'?)",
        ),
        (("--section", "weather", "--author", "ana"), "(known: news, sports)"),
        (
            ("--section", "news", "--author", "anna"),
            "--author: unknown author 'anna' (did you mean 'ana'?)",
        ),
        (("--section", "news", "--author", "zed"), "(known: ana)"),
        (("--section", "news", "--author", "ana", "--date", "2026-02-30"), "--date: invalid date"),
        (("--section", "news", "--author", "ana", "--date", "tomorrow"), "--date: invalid date"),
        (("--author", "ana"), "--section: choose one of news, sports"),
    ],
)
def test_new_article_argument_errors(
    make_site: MakeSite, args: tuple[str, ...], message: str
) -> None:
    site = make_site({})
    result = run_cli("new", "article", "Headline", *args, "--site", str(site))
    assert result.code == 2
    assert message in result.err and "Traceback" not in result.err
    assert not (site / "content/articles").exists()


def test_new_article_refuses_to_overwrite(make_site: MakeSite) -> None:
    site = make_site({})
    args = (
        "new",
        "article",
        "Headline",
        "--section",
        "news",
        "--author",
        "ana",
        "--site",
        str(site),
    )
    assert run_cli(*args).code == 0
    path = site / "content/articles/2026/11/headline.md"
    path.write_text(path.read_text() + "Reporting in progress.\n")
    again = run_cli(*args)
    assert again.code == 2 and "already exists" in again.err
    assert path.read_text().endswith("Reporting in progress.\n")


def test_new_article_outside_a_site_says_how_to_start_one(tmp_path: Path) -> None:
    result = run_cli(
        "new", "article", "X", "--section", "news", "--author", "a", "--site", str(tmp_path)
    )
    assert result.code == 1
    assert "run 'newssite init'" in result.err and "nothing was published" not in result.err


def test_a_headline_without_letters_is_refused(make_site: MakeSite) -> None:
    site = make_site({})
    result = run_cli(
        "new", "article", "!!!", "--section", "news", "--author", "ana", "--site", str(site)
    )
    assert result.code == 2 and "cannot make a file name" in result.err


# --- Deploy recipes ---------------------------------------------------------------------------


def test_the_demo_repository_publishes_with_github_actions() -> None:
    workflow = yaml.safe_load((REPO / ".github/workflows/publish.yml").read_text())
    triggers = workflow[True]
    assert "push" in triggers and "schedule" in triggers and "workflow_dispatch" in triggers
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    cache = next(step for step in steps if step.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == ".newssite-cache"
    runs = " ".join(step.get("run", "") for step in steps)
    assert "newssite build" in runs
    assert any(step.get("uses", "").startswith("actions/upload-pages-artifact@") for step in steps)
    assert any(step.get("uses", "").startswith("actions/deploy-pages@") for step in steps)


def test_the_deploy_recipes_are_linked_from_the_readme() -> None:
    readme = (REPO / "README.md").read_text()
    assert "docs/deploy.md" in readme
    recipes = (REPO / "docs/deploy.md").read_text()
    for needle in (
        "GitHub Pages",
        "Netlify",
        "S3",
        "nginx",
        "--base-url",
        ".newssite-cache",
        "cron",
    ):
        assert needle in recipes, needle
    blocks = re.findall(r"```ya?ml\n(.*?)```", recipes, re.DOTALL)
    assert blocks and all(yaml.safe_load(block) for block in blocks)
    # The recipe is exactly the workflow `newssite init` writes.
    assert blocks[0] == _WORKFLOW
