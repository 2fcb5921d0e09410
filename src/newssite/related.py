"""Related stories: a few earlier stories that share tags or the section with a story.

Only stories published before a story can be related to it, so publishing a new story never
changes an older page. Each story looks at a bounded window of the most recent earlier
stories of each of its tags and of its section, so the pass is linear in the archive.
Pages get small frozen Teasers, never Story objects: editing a story's body changes no
other page's inputs (page fingerprints hash exactly what a template is given).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from newssite.model import Story, Teaser

RELATED_COUNT = 4
WINDOW = 10  # earlier stories looked at per tag and per section
TAG_WEIGHT = 2  # a shared tag says more than a shared section


def teaser(story: Story) -> Teaser:
    """What a list on another page shows of a story: headline, link, section, date, photo."""
    return Teaser(story.title, story.url, story.section, story.date, story.photo)


@dataclass
class RelatedMemo:
    """The previous build's choice (the preview): reused while no story was added, removed,
    re-dated, re-tagged, moved or made a draft; teasers reused while their story is."""

    shape: tuple[object, ...] = ()
    chosen: dict[str, tuple[int, ...]] = field(default_factory=dict)  # URL -> oldest-first indices
    teasers: dict[int, tuple[Story, Teaser]] = field(default_factory=dict)  # by story identity


def related_stories(
    stories: Sequence[Story],
    count: int = RELATED_COUNT,
    window: int = WINDOW,
    memo: RelatedMemo | None = None,
) -> Mapping[str, tuple[Teaser, ...]]:
    """Story URL -> up to `count` teasers of earlier stories, best first.

    Ranked by the tags they share (among the `window` most recent earlier stories of each
    tag), then the same section, then recency; drafts are never chosen. `stories` is
    newest first, as in Site.stories.
    """
    memo = RelatedMemo() if memo is None else memo
    oldest_first = sorted(stories, key=lambda s: (s.date, s.source))
    shape = (
        count,
        window,
        *(
            (s.source, s.url, s.date, s.section.slug, tuple(t.slug for t in s.tags), s.draft)
            for s in oldest_first
        ),
    )
    if shape != memo.shape:
        memo.shape, memo.chosen = shape, _choose(oldest_first, count, window)
    earlier, memo.teasers = memo.teasers, {}

    def teaser_of(story: Story) -> Teaser:
        found = earlier.get(id(story))
        made = found[1] if found is not None and found[0] is story else teaser(story)
        memo.teasers[id(story)] = (story, made)
        return made

    teasers = [teaser_of(story) for story in oldest_first]
    return {
        story.url: tuple([teasers[other] for other in memo.chosen[story.url]])
        for story in oldest_first
    }


RelatedKey = tuple[str, str, tuple[str, ...], bool]  # URL, section slug, tag slugs, draft


def related_key(story: Story) -> RelatedKey:
    slugs = tuple(dict.fromkeys(tag.slug for tag in story.tags))
    return (story.url, story.section.slug, slugs, story.draft)


def _choose(oldest_first: Sequence[Story], count: int, window: int) -> dict[str, tuple[int, ...]]:
    return choose_related([related_key(story) for story in oldest_first], count, window)


def choose_related(
    oldest_first: Sequence[RelatedKey],
    count: int = RELATED_COUNT,
    window: int = WINDOW,
    only_from: int = 0,
) -> dict[str, tuple[int, ...]]:
    """Story URL -> the oldest-first indices of its related stories, best first; for the
    stories from index `only_from` on (a story's choice depends only on earlier stories)."""
    # The non-draft stories of each tag and section seen so far, oldest first: filled as
    # the pass goes, so each story sees only the stories before it.
    by_tag: dict[str, list[int]] = defaultdict(list)
    by_section: dict[str, list[int]] = defaultdict(list)
    chosen: dict[str, tuple[int, ...]] = {}
    for index, (url, section, slugs, draft) in enumerate(oldest_first):
        if index >= only_from:
            shared = dict.fromkeys(by_section[section][-window:], 0)  # other -> tags in common
            for slug in slugs:
                for other in by_tag[slug][-window:]:
                    shared[other] = shared.get(other, 0) + 1
            # A shared tag says more than the section; then the most recent (highest index).
            scored = sorted(
                [
                    (TAG_WEIGHT * tags + (oldest_first[other][1] == section), other)
                    for other, tags in shared.items()
                ],
                reverse=True,
            )
            chosen[url] = tuple([other for _, other in scored[:count]])
        if not draft:
            for slug in slugs:
                by_tag[slug].append(index)
            by_section[section].append(index)
    return chosen
