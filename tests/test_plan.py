"""The planner on its own: records of stories, authors and pages in, every file of the site
with a digest of its inputs out. A file is made again exactly when its digest changes, so
these tests say which files each kind of change makes again, and which it leaves alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from newssite.config import SectionConfig, SiteConfig
from newssite.plan import (
    AuthorRecord,
    PageRecord,
    Plan,
    Publication,
    Records,
    StoryRecord,
    make_plan,
    paths_to_make,
)

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
CONFIG = SiteConfig(
    site_dir=Path("/nonexistent"),
    title="The Test Gazette",
    base_url="https://gazette.example/",
    language="en",
    timezone=ZoneInfo("Europe/Kyiv"),
    sections=(SectionConfig("news", "News"), SectionConfig("sports", "Sports")),
    per_page=3,
    feed_size=5,
)


def record(number: int, **changes: object) -> StoryRecord:
    section = "news" if number % 3 else "sports"
    date = NOW - timedelta(days=40 - number)
    story = StoryRecord(
        source=f"content/articles/s{number}.md",
        document=f"articles:content/articles/s{number}.md:d{number}:salt",
        key=f"key{number}",
        teaser=f"teaser{number}",
        url=f"/{section}/s{number}/",
        date=date,
        section=section,
        authors=("ana",) if number % 2 else ("ana", "ben"),
        tags=("Harbor",) if number % 4 == 0 else ("City Hall",),
        draft=False,
        removed=False,
        aliases=(),
        assets=(),
        modified=date,
        title=f"Story {number}",
        links=(),
        photos=(),
    )
    return story._replace(**changes)  # type: ignore[arg-type]


def author(slug: str, key: str = "", byline: str = "") -> AuthorRecord:
    source = f"content/authors/{slug}.md"
    return AuthorRecord(
        slug, source, f"authors:{source}:d:salt", key or slug, byline or slug, (), ()
    )


def records(stories: list[StoryRecord], authors: tuple[AuthorRecord, ...] = ()) -> Records:
    authors = authors or (author("ana"), author("ben"))
    page = PageRecord("content/pages/about.md", "about", "About", "p", "pkey", (), (), ())
    return Records({s.source: s for s in stories}, authors, (page,))


def plan_of(site: Records, basis: str = "theme-1", **publication: object) -> Plan:
    return make_plan(site, CONFIG, Publication(NOW, **publication), basis)  # type: ignore[arg-type]


def remade(before: Plan, after: Plan) -> set[str]:
    return set(paths_to_make(before.digests, after, before.digests))


ARCHIVE = [record(n) for n in range(1, 31)]


def test_every_file_of_the_site_is_planned_once_with_a_digest() -> None:
    plan = plan_of(records(ARCHIVE))
    assert plan.jobs.keys() == plan.digests.keys()
    for story in ARCHIVE:
        assert plan.jobs[story.url[1:] + "index.html"][0] == "article"
    for name in ("index.html", "feed.xml", "feed.json", "sitemap.xml", "news-sitemap.xml"):
        assert name in plan.jobs
    for name in ("latest.json", "robots.txt", "404.html", "about/index.html"):
        assert name in plan.jobs
    assert "authors/ben/index.html" in plan.jobs and "tags/harbor/index.html" in plan.jobs
    assert plan.pages == sum(1 for path in plan.jobs if path.endswith(".html"))


def test_the_same_records_give_the_same_plan() -> None:
    assert plan_of(records(ARCHIVE)).digests == plan_of(records(list(reversed(ARCHIVE)))).digests


def test_publishing_a_story_remakes_the_fronts_of_its_lists_not_the_archive() -> None:
    before = plan_of(records(ARCHIVE))
    after = plan_of(records([*ARCHIVE, record(31, date=NOW - timedelta(hours=1))]))
    changed = remade(before, after)
    assert "news/s31/index.html" in changed and "index.html" in changed
    assert "news/index.html" in changed and "authors/ana/index.html" in changed
    assert "feed.xml" in changed and "latest.json" in changed
    assert not any(
        path.startswith(("news/s", "sports/s")) for path in changed - {"news/s31/index.html"}
    )
    archive = [path for path in changed if "/page/" in path]
    assert len(archive) <= 8, archive  # the newest numbered page of each list, at most
    assert len(changed) <= 40


def test_a_body_edit_remakes_the_page_and_the_feeds_never_a_list() -> None:
    before = plan_of(records(ARCHIVE))
    edited = [record(n, key="new text") if n == 29 else record(n) for n in range(1, 31)]
    changed = remade(before, plan_of(records(edited)))
    assert "news/s29/index.html" in changed
    assert not [
        path for path in changed if path.endswith("index.html") and path != "news/s29/index.html"
    ]
    assert changed <= {
        "news/s29/index.html",
        "feed.xml",
        "feed.json",
        "news/feed.xml",
        "news/feed.json",
        "authors/ana/feed.xml",
        "authors/ana/feed.json",
        "news-sitemap.xml",
    }


def test_a_new_headline_remakes_every_list_and_page_that_shows_it() -> None:
    before = plan_of(records(ARCHIVE))
    edited = [record(n, teaser="new headline") if n == 12 else record(n) for n in range(1, 31)]
    after = plan_of(records(edited))
    changed = remade(before, after)
    showing = {
        path
        for path, job in after.jobs.items()
        if job[0] == "list" and "content/articles/s12.md" in job[6]  # type: ignore[operator]
    }
    showing |= {
        path
        for path, job in after.jobs.items()
        if job[0] == "article" and "content/articles/s12.md" in job[2]  # type: ignore[operator]
    }
    assert showing and showing <= changed
    assert "sports/s12/index.html" not in changed  # its own page shows its key, not its teaser


def test_an_author_bio_remakes_the_author_page_and_their_stories_not_the_lists() -> None:
    before = plan_of(records(ARCHIVE))
    bio = (author("ana"), author("ben", key="ben with a new bio"))
    changed = remade(before, plan_of(records(ARCHIVE, bio)))
    bens = {s.url[1:] + "index.html" for s in ARCHIVE if "ben" in s.authors}
    assert bens <= changed and "authors/ben/index.html" in changed
    lists = {p for p in changed if p.endswith("index.html")} - bens
    assert lists == {"authors/ben/index.html"}


def test_a_byline_change_reaches_every_list_and_feed_of_the_author() -> None:
    before = plan_of(records(ARCHIVE))
    renamed = (author("ana"), author("ben", key="Benjamin", byline="Benjamin"))
    changed = remade(before, plan_of(records(ARCHIVE, renamed)))
    assert {"index.html", "feed.xml", "authors/ben/feed.xml"} <= changed


def test_a_template_or_config_change_remakes_every_file_that_reads_it() -> None:
    before = plan_of(records(ARCHIVE), basis="theme-1")
    after = plan_of(records(ARCHIVE), basis="theme-2")
    assert remade(before, after) == set(after.jobs)


def test_drafts_scheduled_and_removed_stories_leave_every_list() -> None:
    stories = [
        *ARCHIVE,
        record(40, draft=True, date=NOW - timedelta(hours=3)),
        record(41, date=NOW + timedelta(days=1)),
        record(42, removed=True, date=NOW - timedelta(hours=2)),
    ]
    plan = plan_of(records(stories))
    shown = {s for job in plan.jobs.values() if job[0] == "list" for s in job[6]}  # type: ignore[misc]
    assert shown == {s.source for s in ARCHIVE}
    assert plan.jobs["sports/s42/index.html"][0] == "removed"
    assert "news/s40/index.html" not in plan.jobs and "news/s41/index.html" not in plan.jobs
    assert plan.next_publish == NOW + timedelta(days=1)
    with_drafts = plan_of(records(stories), drafts=True)
    assert any(s.source == "content/articles/s40.md" for s in with_drafts.published)


def test_a_deleted_story_leaves_its_page_and_its_lists() -> None:
    before = plan_of(records(ARCHIVE))
    after = plan_of(records(ARCHIVE[:-1]))
    gone = set(before.jobs) - set(after.jobs)
    assert ARCHIVE[-1].url[1:] + "index.html" in gone
    assert "index.html" in remade(before, after)


@pytest.mark.parametrize("count", [0, 1, 3, 4, 7])
def test_numbered_list_pages_keep_their_stories_as_the_list_grows(count: int) -> None:
    small = plan_of(records(ARCHIVE[: count + 6]))
    grown = plan_of(records(ARCHIVE[: count + 9]))
    for path, job in small.jobs.items():
        if job[0] == "list" and "/page/" in path and len(job[6]) == CONFIG.per_page:  # type: ignore[arg-type]
            assert grown.jobs[path][6] == job[6], path


def test_an_alias_plans_a_redirect_page_and_a_redirects_line() -> None:
    moved = [*ARCHIVE[:-1], record(30, aliases=("/news/old-name/",))]
    plan = plan_of(records(moved))
    assert plan.jobs["news/old-name/index.html"][0] == "redirect"
    assert plan.redirects == (("/news/old-name/", ARCHIVE[-1].url),)
    assert plan.jobs["_redirects"][0] == "redirects"


def test_a_page_of_stories_is_remade_when_a_link_target_moves() -> None:
    linking = [*ARCHIVE[:-1], record(30, links=("content/articles/s1.md",))]
    before = plan_of(records(linking))
    moved = [record(1, url="/sports/renamed/"), *linking[1:]]
    changed = remade(before, plan_of(records(moved)))
    assert ARCHIVE[-1].url[1:] + "index.html" in changed
