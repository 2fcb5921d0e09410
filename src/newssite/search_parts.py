"""The stories the search index holds (search.py lays them out in levels and runs Pagefind)."""

from __future__ import annotations

from collections.abc import Sequence

from newssite.model import SearchShard

SEARCH_BUNDLE_URL = "/pagefind/"  # Pagefind's index and its UI, written by search.py


def search_shards(
    urls: Sequence[str], bundle: str = SEARCH_BUNDLE_URL, takedowns: Sequence[str] = ()
) -> tuple[SearchShard, ...]:
    """The searchable article URLs (oldest first) as the search index gets them: search.py
    lays them out in levels (levels.py). () when there is nothing to find. `bundle`: where
    the index goes (each edition has its own: "/uk/pagefind/"). `takedowns`: the URLs of
    stories taken down, which must leave no trace in the index."""
    return (SearchShard(bundle, tuple(urls), tuple(sorted(takedowns))),) if urls else ()
