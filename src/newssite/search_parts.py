"""The parts of the search index: which stories each part indexes (search.py runs Pagefind)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from newssite.model import SearchShard

SEARCH_BUNDLE_URL = "/pagefind/"  # Pagefind's index and its UI, written by search.py
# Pagefind spends ~2.3 ms of one core per story, so re-indexing a block of 250 takes
# ~0.6 s; each part costs a reader one more chunk (~25 kB) per search word.
SEARCH_BLOCK_AVERAGE = 250  # one story in this many ends a block of the archive
SEARCH_BLOCK_LARGEST = 500
SEARCH_NEWEST_BLOCK = 25  # the newest stories, after the last block, come in parts this big


def search_shards(
    urls: Sequence[str],
    average: int = SEARCH_BLOCK_AVERAGE,
    largest: int = SEARCH_BLOCK_LARGEST,
    newest: int = SEARCH_NEWEST_BLOCK,
) -> tuple[SearchShard, ...]:
    """Split the searchable article URLs (oldest first) into the parts of the search index.

    The stories decide where a block of the archive ends: after a story whose URL hashes to
    the last of `average` values, or once a block holds `largest`. So adding, removing or
    re-dating an old story changes the block it is in (or splits or joins that one), never
    the others, which keep their stories and their names (each part is named after its
    first story), so they are not indexed again. The newest stories, after the last block
    end, come in parts of `newest` counted from there: publishing re-indexes only the last.
    The oldest part is Pagefind's main bundle.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for index, url in enumerate(urls):
        if _ends_block(url, average) or index + 1 - start >= largest:
            spans.append((start, index + 1))
            start = index + 1
    spans += [(begin, min(begin + newest, len(urls))) for begin in range(start, len(urls), newest)]
    return tuple(
        SearchShard(
            SEARCH_BUNDLE_URL if begin == 0 else f"{SEARCH_BUNDLE_URL}{_part_name(urls[begin])}/",
            tuple(urls[begin:end]),
        )
        for begin, end in spans
    )


def _ends_block(url: str, average: int) -> bool:
    digest = hashlib.sha256(url.encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") % average == average - 1


def _part_name(first_url: str) -> str:
    return "part-" + hashlib.sha256(first_url.encode("utf-8", "surrogatepass")).hexdigest()[:12]
