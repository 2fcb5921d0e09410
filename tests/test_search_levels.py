"""The layout of the search index's levels (levels.py): a pure decision, tested directly."""

from __future__ import annotations

import random

from newssite.levels import (
    NEWEST_BUDGET,
    Entry,
    Layout,
    budget,
    canonical_layout,
    next_layout,
    searchable_entries,
)


def stories(count: int, version: str = "a") -> dict[str, str]:
    return {f"/news/s{n:06d}/": f"{version}{n}" for n in range(count)}


def changed_levels(before: Layout, after: Layout) -> set[int]:
    """The tiers a build indexes again: those whose entries differ."""
    old = {level.tier: level.entries for level in before.levels}
    return {level.tier for level in after.levels if old.get(level.tier) != level.entries}


def check(layout: Layout, current: dict[str, str]) -> None:
    """Search shows exactly the current version of every searchable story, and nothing of a
    story that is not searchable is in any level."""
    shown = searchable_entries(layout)
    assert {url: entry.key for url, (_, entry) in shown.items()} == current
    for level in layout.levels:
        assert level.entries, level.tier
        assert len(level.entries) <= budget(level.tier)
        assert all(entry.url in current for entry in level.entries)
        assert list(level.entries) == sorted(level.entries)
    tiers = [level.tier for level in layout.levels]
    assert tiers == sorted(set(tiers))


def test_a_clean_build_puts_every_story_in_one_level() -> None:
    assert canonical_layout({}) == Layout(())
    assert canonical_layout(stories(5)).levels[0].tier == 0
    layout = canonical_layout(stories(10_000))
    assert [level.tier for level in layout.levels] == [2]
    assert budget(1) < 10_000 <= budget(2)
    assert next_layout(None, stories(10_000)) == layout


def test_publishing_touches_the_newest_level_only_until_it_is_full() -> None:
    current = stories(3000)
    layout = next_layout(None, current)
    for number in range(NEWEST_BUDGET):
        current[f"/news/new{number:04d}/"] = "n"
        after = next_layout(layout, current)
        assert changed_levels(layout, after) == {0}, number
        assert after.hidden == ()
        check(after, current)
        layout = after
    current["/news/one-more/"] = "n"
    after = next_layout(layout, current)
    assert changed_levels(layout, after) == {1}  # tier 0 merged into tier 1
    assert [level.tier for level in after.levels] == [1, 2]
    check(after, current)


def test_an_edited_old_story_is_hidden_in_its_level_and_new_in_tier_0() -> None:
    current = stories(2000)
    layout = next_layout(None, current)
    current["/news/s000007/"] = "edited"
    after = next_layout(layout, current)
    assert changed_levels(layout, after) == {0}
    assert after.hidden == ((2, Entry("/news/s000007/", "a7")),)
    check(after, current)
    # Edited back: the old entry is shown again, nothing is indexed for it.
    current["/news/s000007/"] = "a7"
    back = next_layout(after, current)
    assert changed_levels(after, back) == set()
    assert back.hidden == ((0, Entry("/news/s000007/", "edited")),)
    assert searchable_entries(back)["/news/s000007/"][0] == 2
    check(back, current)


def test_a_story_taken_down_leaves_its_level_at_once() -> None:
    current = stories(2000)
    layout = next_layout(None, current)
    del current["/news/s000500/"]
    after = next_layout(layout, current)
    assert changed_levels(layout, after) == {2}
    assert all(e.url != "/news/s000500/" for level in after.levels for e in level.entries)
    check(after, current)


def test_hidden_entries_stay_few() -> None:
    current = stories(5000)
    layout = next_layout(None, current)
    for number in range(120):
        current[f"/news/s{number * 7:06d}/"] = f"edit{number}"
        layout = next_layout(layout, current)
        check(layout, current)
        assert len(layout.hidden) <= max(32, 5000 // 20) + 1


def test_a_random_history_keeps_search_exact_and_the_levels_few() -> None:
    rng = random.Random(14)
    current = stories(3000)
    layout = next_layout(None, current)
    counter = 0
    worst = 0
    for step in range(700):
        roll = rng.random()
        urls = list(current)
        if roll < 0.6:
            counter += 1
            current[f"/news/p{counter:06d}/"] = "p"
        elif roll < 0.85:
            current[rng.choice(urls)] = f"e{rng.random()}"
        elif roll < 0.95:
            del current[rng.choice(urls)]
        else:  # re-dated out of search and back
            url = rng.choice(urls)
            key = current.pop(url)
            layout = next_layout(layout, current)
            check(layout, current)
            current[url] = key
        after = next_layout(layout, current)
        check(after, current)
        if step % 50 == 0:
            assert after == next_layout(layout, dict(sorted(current.items())))  # any order
        worst = max(worst, len(changed_levels(layout, after)))
        layout = after
        assert len(layout.levels) <= 4
    assert worst <= 3


def test_a_hundred_thousand_stories_take_at_most_four_levels() -> None:
    # Tiers 0 to 3: publishing fills 0, 1 and 2 before they are merged into 3.
    assert next_layout(None, stories(100_000)).levels[0].tier == 3
    assert budget(2) < 100_000 <= budget(3)
