"""The layout of the search index's levels (levels.py): a pure decision, tested directly."""

from __future__ import annotations

import random
from collections.abc import Collection

from newssite.levels import (
    NEWEST_BUDGET,
    PAGES_PER_INDEX,
    Entry,
    Layout,
    archive_tier,
    budget,
    canonical_layout,
    next_layout,
    redone,
    searchable_entries,
)


def stories(count: int, version: str = "a") -> dict[str, str]:
    return {f"/news/s{n:06d}/": f"{version}{n}" for n in range(count)}


def changed_levels(before: Layout, after: Layout) -> set[int]:
    """The tiers a build indexes again: those whose entries differ."""
    old = {level.tier: level.entries for level in before.levels}
    return {level.tier for level in after.levels if old.get(level.tier) != level.entries}


def check(
    layout: Layout,
    current: dict[str, str],
    purged: Collection[str] = (),
    cap: int = PAGES_PER_INDEX,
) -> None:
    """Search shows exactly the current version of every searchable story; every entry of a
    story that is not searchable is withdrawn (its fragment goes); a story purged (taken
    down) is in no level."""
    shown = searchable_entries(layout)
    assert {url: entry.key for url, (_, entry) in shown.items()} == current
    assert set(layout.withdrawn) <= set(layout.hidden)
    withdrawn = set(layout.withdrawn)
    for level in layout.levels:
        assert level.entries, level.tier
        assert len(level.entries) <= budget(level.tier, cap) <= cap
        assert all(entry.url not in purged for entry in level.entries)
        for entry in level.entries:
            assert entry.url in current or (level.tier, entry) in withdrawn
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


def test_a_story_deleted_is_withdrawn_and_no_level_is_indexed_again() -> None:
    current = stories(2000)
    layout = next_layout(None, current)
    del current["/news/s000500/"]
    after = next_layout(layout, current)
    assert changed_levels(layout, after) == set()
    assert after.withdrawn == after.hidden == ((2, Entry("/news/s000500/", "a500")),)
    check(after, current)
    # Published again as it was: new in tier 0; the withdrawn entry never shows again.
    current["/news/s000500/"] = "a500"
    back = next_layout(after, current)
    assert changed_levels(after, back) == {0}
    assert searchable_entries(back)["/news/s000500/"] == (0, Entry("/news/s000500/", "a500"))
    assert back.withdrawn == ((2, Entry("/news/s000500/", "a500")),)
    check(back, current)
    # And withdrawn once more (a draft again): both entries are withdrawn, tier 0 stays.
    del current["/news/s000500/"]
    again = next_layout(back, current)
    assert changed_levels(back, again) == set()
    assert set(again.withdrawn) == {(0, Entry("/news/s000500/", "a500")), *back.withdrawn}
    check(again, current)


def test_a_story_taken_down_leaves_every_level_that_holds_it_at_once() -> None:
    current = stories(2000)
    layout = next_layout(None, current)
    current["/news/s000500/"] = "edited"  # its old version stays hidden in tier 2
    layout = next_layout(layout, current)
    del current["/news/s000500/"]
    down = {"/news/s000500/"}
    after = next_layout(layout, current, down)
    assert changed_levels(layout, after) == {2}
    assert [level.tier for level in after.levels] == [2]  # tier 0 held only the story
    assert after.hidden == after.withdrawn == ()
    check(after, current, down)
    # A story withdrawn first (a draft), then taken down: its level is indexed again then.
    del current["/news/s000600/"]
    withdrawn = next_layout(after, current, down)
    assert changed_levels(after, withdrawn) == set()
    down.add("/news/s000600/")
    purged = next_layout(withdrawn, current, down)
    assert changed_levels(withdrawn, purged) == {2}
    check(purged, current, down)
    assert next_layout(purged, current, down) == purged  # nothing left to purge


def test_withdrawn_entries_count_as_stale() -> None:
    current = stories(2000)
    layout = next_layout(None, current)
    for number in range(101):
        del current[f"/news/s{number * 3:06d}/"]
        after = next_layout(layout, current)
        check(after, current)
        if number < 100:  # a level of 2,000 is redone past 2000 // 20 stale entries
            assert changed_levels(layout, after) == set(), number
        layout = after
    assert changed_levels(layout, layout) == set()
    assert layout.withdrawn == layout.hidden == ()


def test_a_level_indexed_again_keeps_only_what_search_shows() -> None:
    current = stories(2000)
    layout = next_layout(None, current)
    current["/news/s000001/"] = "edited"
    del current["/news/s000002/"]
    layout = next_layout(layout, current)
    assert len(layout.hidden) == 2
    again = redone(layout, [2])
    assert again.hidden == again.withdrawn == ()
    assert len(again.levels[1].entries) == 1998
    check(again, current)
    assert redone(layout, [0]) == Layout(layout.levels, layout.hidden, layout.withdrawn)


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
    down: set[str] = set()
    for step in range(700):
        roll = rng.random()
        urls = list(current)
        if roll < 0.6:
            counter += 1
            current[f"/news/p{counter:06d}/"] = "p"
        elif roll < 0.85:
            current[rng.choice(urls)] = f"e{rng.random()}"
        elif roll < 0.9:
            del current[rng.choice(urls)]
        elif roll < 0.95:
            url = rng.choice(urls)
            del current[url]
            down.add(url)
        else:  # re-dated out of search and back
            url = rng.choice(urls)
            key = current.pop(url)
            layout = next_layout(layout, current, down)
            check(layout, current, down)
            current[url] = key
        after = next_layout(layout, current, down)
        check(after, current, down)
        if step % 50 == 0:  # any order
            assert after == next_layout(layout, dict(sorted(current.items())), sorted(down))
        worst = max(worst, len(changed_levels(layout, after)))
        layout = after
        assert len(layout.levels) <= 4
    assert worst <= 3


def test_past_the_cap_a_clean_build_keeps_the_archive_in_levels_of_the_cap() -> None:
    # One Pagefind run holds every page of its level in memory: 100,000 stories would
    # need about 24 GB in one run, so they are indexed in levels of at most the cap.
    layout = canonical_layout(stories(100_000))
    first = archive_tier()
    assert budget(first - 1) < PAGES_PER_INDEX == budget(first)
    assert [level.tier for level in layout.levels] == list(range(first, first + 5))
    assert [len(level.entries) for level in layout.levels] == [PAGES_PER_INDEX] * 5
    check(layout, stories(100_000))
    assert next_layout(None, stories(100_000)) == layout
    assert canonical_layout(stories(PAGES_PER_INDEX)).levels[0].tier == first


def test_the_archive_tier_still_filling_takes_the_merges_and_then_starts_the_next() -> None:
    cap = 100
    current = stories(250)
    layout = next_layout(None, current, cap=cap)
    first = archive_tier(cap)
    assert [(level.tier, len(level.entries)) for level in layout.levels] == [
        (first, 100),
        (first + 1, 100),
        (first + 2, 50),
    ]
    full = {level.tier: level.entries for level in layout.levels[:2]}
    for number in range(120):  # one story at a time
        current[f"/news/p{number:06d}/"] = "p"
        after = next_layout(layout, current, cap=cap)
        check(after, current, cap=cap)
        assert changed_levels(layout, after) <= {0, first + 2, first + 3}
        layout = after
        assert {level.tier: level.entries for level in layout.levels if level.tier in full} == full
    sizes = {level.tier: len(level.entries) for level in layout.levels}
    assert sizes[first + 2] == cap and first + 3 in sizes  # it filled, and the next began
    assert sizes[first + 3] + sizes.get(0, 0) == 250 + 120 - 3 * cap


def test_a_random_history_past_the_cap_keeps_search_exact_and_levels_under_it() -> None:
    rng = random.Random(15)
    cap = 150
    current = stories(400)
    layout = next_layout(None, current, cap=cap)
    counter, worst = 0, 0
    down: set[str] = set()
    for _ in range(900):
        roll = rng.random()
        urls = list(current)
        if roll < 0.65:
            counter += 1
            current[f"/news/p{counter:06d}/"] = "p"
        elif roll < 0.85:
            current[rng.choice(urls)] = f"e{rng.random()}"
        elif roll < 0.95:
            del current[rng.choice(urls)]
        else:
            url = rng.choice(urls)
            del current[url]
            down.add(url)
        after = next_layout(layout, current, down, cap)
        check(after, current, down, cap)
        worst = max(worst, len(changed_levels(layout, after)))
        layout = after
    archive = [level for level in layout.levels if level.tier >= archive_tier(cap)]
    assert len(archive) >= 4  # the history filled several archive levels
    assert len(archive) <= len(current) // cap + 3
    assert worst <= 3
