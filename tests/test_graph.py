"""The site graph's building blocks, on objects made directly: story order and related
stories, checked against plain definitions on random archives."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest

from newssite.graph import _PLACEHOLDER_PREFIX
from newssite.markup import ASSET_SCHEME, SOURCE_SCHEME
from newssite.model import Article, Section, Story, Tag
from newssite.plan import chronological as _chronological
from newssite.related import TAG_WEIGHT, related_stories

SECTIONS = [Section(slug, slug.title(), f"/{slug}/") for slug in ("news", "sports", "arts")]
TAGS = [Tag(f"t{n}", f"T{n}", f"/tags/t{n}/") for n in range(8)]


def article(source: str, date: datetime) -> Article:
    return Article(source, source, source, "news", ("ana",), date, "", "", 1)


def test_chronological_order_is_exactly_by_date_then_source() -> None:
    """Also where float timestamps cannot tell the dates apart (a microsecond in year 9000)
    and where one instant is written in two offsets."""
    far = datetime(9000, 1, 1, tzinfo=UTC)
    kyiv = timezone(timedelta(hours=2))
    dates = [
        far,
        far + timedelta(microseconds=1),
        far - timedelta(microseconds=1),
        datetime(2026, 11, 20, 10, 0, tzinfo=kyiv),
        datetime(2026, 11, 20, 8, 0, tzinfo=UTC),  # the same instant
        datetime(2026, 11, 20, 8, 0, 0, 1, tzinfo=UTC),
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))),
    ]
    articles = [article(f"content/articles/{n}.md", date) for n, date in enumerate(dates)]
    for seed in range(20):
        random.Random(seed).shuffle(articles)
        expected = sorted(articles, key=lambda a: (a.date, a.source))
        assert sorted(articles, key=_chronological) == expected
        assert sorted(articles, key=_chronological, reverse=True) == sorted(
            articles, key=lambda a: (a.date, a.source), reverse=True
        )
    assert (
        far.timestamp() == (far + timedelta(microseconds=1)).timestamp()
    )  # what the test is about


def test_every_placeholder_starts_with_the_prefix_the_graph_looks_for() -> None:
    assert SOURCE_SCHEME.startswith(_PLACEHOLDER_PREFIX)
    assert ASSET_SCHEME.startswith(_PLACEHOLDER_PREFIX)


def random_archive(rng: random.Random, size: int) -> list[Story]:
    """Newest first, as in Site.stories; some drafts, some stories with no tags."""
    start = datetime(2020, 1, 1, tzinfo=UTC)
    stories = [
        Story(
            source=f"content/articles/{n}.md",
            slug=f"s{n}",
            url=f"/news/s{n}/",
            title=f"Story {n}",
            summary="",
            section=rng.choice(SECTIONS),
            authors=(),
            tags=tuple(rng.sample(TAGS, rng.randint(0, 3))),
            date=start + timedelta(hours=rng.randint(0, size * 2)),
            updated=None,
            photo=None,
            body_html="",
            body_digest="",
            reading_minutes=1,
            draft=rng.random() < 0.15,
            extra={},
        )
        for n in range(size)
    ]
    return sorted(stories, key=lambda s: (s.date, s.source), reverse=True)


def related_by_definition(stories: list[Story], count: int, window: int) -> dict[str, list[str]]:
    """Story URL -> related URLs: among the `window` most recent earlier non-draft stories
    of each of its tags and of its section, most shared tags first, then the same section,
    then the most recent."""
    oldest_first = sorted(stories, key=lambda s: (s.date, s.source))
    chosen = {}
    for index, story in enumerate(oldest_first):
        earlier = [n for n in range(index) if not oldest_first[n].draft]
        of_section = [n for n in earlier if oldest_first[n].section == story.section][-window:]
        of_tags = [
            [n for n in earlier if tag in oldest_first[n].tags][-window:] for tag in set(story.tags)
        ]
        candidates = set(of_section).union(*of_tags)

        def rank(
            n: int, story: Story = story, of_tags: list[list[int]] = of_tags
        ) -> tuple[int, int]:
            shared = sum(n in window_of_tag for window_of_tag in of_tags)
            return (TAG_WEIGHT * shared + (oldest_first[n].section == story.section), n)

        ranked = sorted(candidates, key=rank, reverse=True)
        chosen[story.url] = [oldest_first[n].url for n in ranked[:count]]
    return chosen


@pytest.mark.parametrize("seed", range(12))
def test_related_stories_follow_their_definition(seed: int) -> None:
    rng = random.Random(seed)
    stories = random_archive(rng, rng.randint(0, 120))
    count, window = rng.choice([(4, 10), (3, 2), (5, 1)])
    found = related_stories(stories, count=count, window=window)
    assert {url: [t.url for t in teasers] for url, teasers in found.items()} == (
        related_by_definition(stories, count, window)
    )
