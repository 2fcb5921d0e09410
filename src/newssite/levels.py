"""The levels of the search index: which stories each Pagefind bundle holds, build to build.

A reader's search loads one index chunk per word from every bundle, and a build re-indexes
every bundle whose stories changed. So the index comes in a few levels of geometric size,
log-structured: a new or edited story goes into the small newest level (tier 0); a level
that outgrows its budget is merged into the next one, so a tier holds at most
NEWEST_BUDGET * GROWTH**tier stories. One Pagefind run holds every page of its level in
memory, so no level holds more than PAGES_PER_INDEX stories: past that size the archive is
kept in archive tiers of that many stories each, the highest still filling (a clean
build of 100,000 stories makes five full tiers; a few stories more start a sixth). Each
tier is one Pagefind run; search.py publishes them merged into one index.

An edited story's old entry stays in its older level until that level is merged, hidden by
a short list the search script reads. A story that leaves search because its file was
deleted, it was made a draft or scheduled again is *withdrawn*: its entries stay in their
levels, hidden, and search.py removes their fragments (the text a result shows) at once;
a withdrawn entry never comes back (the story, published again, is new in tier 0), and it
counts as stale, so its words leave the word index when its level is merged or redone. A
story *taken down* (front matter `removed:`) is purged at once: every level that holds it
is indexed again without it, so none of its words is in any published file.

This module only decides; search.py indexes the levels and keeps the layout in the cache
folder. A build without a layout (a clean build) makes the canonical one: every story in
the one tier big enough to hold them all.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

# A search loads one index chunk per word from each level, and Pagefind cuts chunks of
# ~20 KB whatever a level's size: tier 0 is kept to one chunk (10 stories), and each tier
# holds 80 times the one before, so 10,000 stories take three levels.
NEWEST_BUDGET = 10  # stories in tier 0: publishing re-indexes this many at most
GROWTH = 80  # each tier holds this many times the one before
# Pagefind holds about a quarter of a megabyte per page while it indexes, all at once: no
# level holds more pages than this (config search_index_pages; ~5 GB for one run). Past it
# the archive is kept in several *archive tiers* of at most this many stories each.
PAGES_PER_INDEX = 20_000
STALE_SHARE = 20  # a level with more hidden entries than 1/20 of it (and STALE_MIN) is redone
STALE_MIN = 32


@dataclass(frozen=True, slots=True, order=True)
class Entry:
    """A story's page as a level indexed it: its URL and the content key of that page."""

    url: str
    key: str


@dataclass(frozen=True, slots=True)
class Level:
    tier: int
    entries: tuple[Entry, ...]  # sorted


@dataclass(frozen=True, slots=True)
class Layout:
    """The levels, newest (smallest tier) first, and the entries of each that search hides."""

    levels: tuple[Level, ...]
    hidden: tuple[tuple[int, Entry], ...] = ()  # (tier, entry): an older version of a story
    withdrawn: tuple[tuple[int, Entry], ...] = ()  # of the hidden: stories that left search

    def hidden_in(self, tier: int) -> tuple[Entry, ...]:
        return tuple(entry for at, entry in self.hidden if at == tier)

    def withdrawn_in(self, tier: int) -> tuple[Entry, ...]:
        return tuple(entry for at, entry in self.withdrawn if at == tier)


def budget(tier: int, cap: int = PAGES_PER_INDEX) -> int:
    return min(NEWEST_BUDGET * GROWTH**tier, cap)


def archive_tier(cap: int = PAGES_PER_INDEX) -> int:
    """The first tier whose budget is the cap: it and every tier above it hold at most `cap`
    stories, filled one after another (the highest is the one still filling)."""
    tier = 0
    while NEWEST_BUDGET * GROWTH**tier < cap:
        tier += 1
    return max(tier, 1)  # tier 0 stays the newest level, whatever the cap


def canonical_layout(current: Mapping[str, str], cap: int = PAGES_PER_INDEX) -> Layout:
    """Every searchable story (URL -> content key) in the smallest tier that holds them all,
    or, past `cap` stories, in archive tiers of `cap` stories each, by URL."""
    if not current:
        return Layout(())
    entries = _entries(current)
    if len(entries) > cap:
        first = archive_tier(cap)
        return Layout(
            tuple(
                Level(first + number, entries[start : start + cap])
                for number, start in enumerate(range(0, len(entries), cap))
            )
        )
    tier = 0
    while budget(tier, cap) < len(entries):
        tier += 1
    return Layout((Level(tier, entries),))


def next_layout(
    previous: Layout | None,
    current: Mapping[str, str],
    purge: Collection[str] = (),
    cap: int = PAGES_PER_INDEX,
) -> Layout:
    """The layout for the searchable stories now (URL -> content key of its page), from the
    last build's: new and edited stories go to tier 0, a tier over budget is merged into
    the next (below the archive tiers) or into the archive tier still filling, which passes
    what it cannot hold to a new one; a story no longer searchable is withdrawn (hidden
    where it is), and a story in `purge` (URLs taken down) leaves every level that holds it
    (they are indexed again)."""
    if previous is None or not previous.levels or not current:
        return canonical_layout(current, cap)
    tiers = {level.tier: list(level.entries) for level in previous.levels}
    gone = set(previous.withdrawn)  # never shown again from where they are
    live: dict[str, int] = {}  # URL -> the tier holding its current version
    for tier in sorted(tiers):  # newest first: a duplicate in an older tier is stale
        for entry in tiers[tier]:
            shown = current.get(entry.url) == entry.key and (tier, entry) not in gone
            if shown and entry.url not in live:
                live[entry.url] = tier
    touched = set()
    for tier, entries in tiers.items():
        kept = [e for e in entries if e.url not in purge or e.url in current]
        if len(kept) != len(entries):
            tiers[tier], touched = kept, touched | {tier}
    added = [Entry(url, key) for url, key in current.items() if url not in live]
    if added:
        newest = [e for e in tiers.get(0, []) if (0, e) not in gone]  # indexed again anyway
        tiers[0] = newest + added
        touched.add(0)
        live.update((entry.url, 0) for entry in added)

    def is_live(tier: int, entry: Entry) -> bool:
        return live.get(entry.url) == tier and current[entry.url] == entry.key

    def move(entries: list[Entry], into: int) -> None:
        """Entries (live ones) joined to the tier `into`, which is indexed again."""
        kept = [e for e in tiers.get(into, []) if is_live(into, e)]
        for entry in entries:
            live[entry.url] = into
        tiers[into] = kept + entries
        touched.add(into)

    archive = archive_tier(cap)
    top = max(tiers)
    tier = 0
    while tier <= top:
        entries = tiers.get(tier, [])
        fresh = [e for e in entries if is_live(tier, e)]
        stale = len(entries) - len(fresh)
        if tier in touched or stale > max(STALE_MIN, len(entries) // STALE_SHARE):
            tiers[tier], entries = fresh, fresh  # indexed again: old versions go
            touched.add(tier)
        if tier < archive and len(entries) > budget(tier, cap):
            into = tier + 1
            if into == archive:  # the archive tier still filling, or a new one
                filling = max((t for t, held in tiers.items() if t >= archive and held), default=0)
                into = (
                    filling if filling and len(tiers[filling]) < cap else max(filling + 1, archive)
                )
            tiers[tier] = []
            move(fresh, into)
            top = max(top, into)
        elif tier >= archive and len(entries) > cap:  # full: the rest starts the next
            tiers[tier] = entries[:cap]
            move(entries[cap:], tier + 1)
            top = max(top, tier + 1)
        tier += 1
    levels = tuple(
        Level(tier, tuple(sorted(entries))) for tier, entries in sorted(tiers.items()) if entries
    )
    hidden = tuple(
        (level.tier, entry)
        for level in levels
        for entry in level.entries
        if not is_live(level.tier, entry)
    )
    withdrawn = tuple(
        (tier, entry) for tier, entry in hidden if entry.url not in current or (tier, entry) in gone
    )
    return Layout(levels, hidden, withdrawn)


def redone(layout: Layout, tiers: Collection[int]) -> Layout:
    """The layout with the levels of `tiers` indexed again: they keep only the entries search
    shows (a level left empty goes)."""
    hidden = set(layout.hidden)
    levels = []
    for level in layout.levels:
        entries = level.entries
        if level.tier in tiers:
            entries = tuple(e for e in entries if (level.tier, e) not in hidden)
        if entries:
            levels.append(Level(level.tier, entries))
    return Layout(
        tuple(levels),
        tuple((tier, e) for tier, e in layout.hidden if tier not in tiers),
        tuple((tier, e) for tier, e in layout.withdrawn if tier not in tiers),
    )


def searchable_entries(layout: Layout) -> dict[str, tuple[int, Entry]]:
    """URL -> (tier, entry) of the version of each story that search shows."""
    hidden = set(layout.hidden)
    return {
        entry.url: (level.tier, entry)
        for level in layout.levels
        for entry in level.entries
        if (level.tier, entry) not in hidden
    }


def _entries(current: Mapping[str, str]) -> tuple[Entry, ...]:
    return tuple(sorted(Entry(url, key) for url, key in current.items()))
