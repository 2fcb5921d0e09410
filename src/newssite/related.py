"""Related stories: a few earlier stories that share tags or the section with a story.

Only stories published before a story can be related to it, so publishing a new story never
changes an older page. Each story looks at a bounded window of the most recent earlier
stories of each of its tags and of its section, so the pass is linear in the archive.
Pages get small frozen Teasers, never Story objects: editing a story's body changes no
other page's inputs (page fingerprints hash exactly what a template is given).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping, Sequence

from newssite.model import Story, Teaser

RELATED_COUNT = 4
WINDOW = 16  # earlier stories looked at per tag and per section
TAG_WEIGHT = 2  # a shared tag says more than a shared section


def teaser(story: Story) -> Teaser:
    """What a list on another page shows of a story: headline, link, section, date, photo."""
    return Teaser(story.title, story.url, story.section, story.date, story.photo)


def related_stories(
    stories: Sequence[Story], count: int = RELATED_COUNT, window: int = WINDOW
) -> Mapping[str, tuple[Teaser, ...]]:
    """Story URL -> up to `count` teasers of earlier stories, best first.

    Ranked by shared tags, then the same section, then recency; drafts are never chosen.
    `stories` is newest first, as in Site.stories.
    """
    oldest_first = sorted(stories, key=lambda s: (s.date, s.source))
    by_tag: dict[str, list[int]] = defaultdict(list)
    by_section: dict[str, list[int]] = defaultdict(list)
    for index, story in enumerate(oldest_first):
        if story.draft:
            continue
        for tag in story.tags:
            by_tag[tag.slug].append(index)
        by_section[story.section.slug].append(index)

    teasers: dict[int, Teaser] = {}
    related: dict[str, tuple[Teaser, ...]] = {}
    for index, story in enumerate(oldest_first):
        tags = {tag.slug for tag in story.tags}
        lists = [by_tag[slug] for slug in sorted(tags)] + [by_section[story.section.slug]]
        candidates: set[int] = set()
        for positions in lists:
            end = bisect_left(positions, index)
            candidates.update(positions[max(0, end - window) : end])
        scored = []
        for other in candidates:
            candidate = oldest_first[other]
            shared = sum(1 for tag in candidate.tags if tag.slug in tags)
            same_section = candidate.section.slug == story.section.slug
            scored.append((TAG_WEIGHT * shared + same_section, other))
        scored.sort(reverse=True)  # best score first, then the most recent
        chosen = []
        for _, other in scored[:count]:
            if other not in teasers:
                teasers[other] = teaser(oldest_first[other])
            chosen.append(teasers[other])
        related[story.url] = tuple(chosen)
    return related
