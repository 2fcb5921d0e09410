"""One Pagefind index of the pages of several Pagefind runs (search.py's archive levels).

One Pagefind run holds every page it indexes in memory (about 0.25 MB a story), so no run
indexes more than `search_index_pages` stories. Past that size the archive is indexed in
several runs, and their bundles are merged here into one bundle, so a reader's search loads
one index chunk per word for the whole archive instead of one per run.

The merged bundle is the index one Pagefind run over the same pages would write, in the
format of Pagefind 1.5 (pagefind_web reads it): its pages are the runs' pages in the order
given, the word index is cut into chunks by Pagefind's rule (CHUNK_SIZE), and so holds the
same chunks as one run would; the filters are the union of the runs' filters; the sort
order is made from the pages' sort values. A bundle this module does not understand (more
than one language, another Pagefind version, another sort) is not merged: merge() gives None.

What the files hold (CBOR, gzipped after Pagefind's signature):
- pf_meta: [version, [[page hash, word count]], [[from, to, chunk hash]],
  [[filter, filter hash]], [[sort, [page numbers in ascending order]]], [meta field names]]
- pf_index: [[[word, [page], [[variant, [page]]]]]], where a page is
  [page number less the one before it, word positions, meta positions]; a negative meta
  position -n names meta field n - 1 for the positions after it
- pf_filter: [filter, [[value, [page numbers]]]]
"""

from __future__ import annotations

import gzip
import hashlib
import heapq
import itertools
import json
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import cbor2

SIGNATURE = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"
CHUNK_SIZE = 20_000  # Pagefind cuts its word index after this many positions and pages
VERSION = "1.5"


def unpacked(data: bytes) -> Any:
    """A Pagefind index file's value (gzipped CBOR after Pagefind's signature)."""
    raw = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
    if not raw.startswith(SIGNATURE):
        raise ValueError("not a Pagefind file")
    return cbor2.loads(raw[len(SIGNATURE) :])


def packed(value: Any) -> bytes:
    return _gzipped(SIGNATURE + cbor2.dumps(value))


def _gzipped(raw: bytes) -> bytes:
    # Level 7: within 1% of the bytes Pagefind writes, at a third of level 9's time.
    return gzip.compress(raw, compresslevel=7, mtime=0)


def merge(
    bundles: Sequence[Mapping[str, bytes]],
    sort_values: Mapping[str, str],
    sort: str = "date",
    suffixes: Sequence[str] = (),
) -> dict[str, bytes] | None:
    """The index files (entry, metadata, word and filter indexes) of one bundle holding
    the pages of `bundles`, in their order; None when they cannot be merged.

    A bundle is its index files by name (`pagefind-entry.json`, `pagefind.*.pf_meta`,
    `index/*`, `filter/*`; fragments are not read). `sort_values`: each page's value of
    the `sort` sort (page hash -> value), which orders the merged pages as Pagefind orders
    them: by value, the earlier page first on a tie.

    `suffixes`: what each bundle's page hashes get at their end in the merged bundle. Each
    run names its pages by the first 7 hex digits of a digest, so pages of different runs
    may share a name (about one pair in 15 among 100,000 pages); the caller publishes each
    run's fragments under the suffixed names.
    """
    described = [_described(files, sort) for files in bundles]
    if not described or None in described:
        return None
    languages = {language for language, _ in described}  # type: ignore[misc]
    if len(languages) != 1:
        return None
    [language] = languages
    metas = [meta for _, meta in described]  # type: ignore[misc]
    fields = sorted({field for meta in metas for field in meta[5]})
    offsets = list(itertools.accumulate((len(meta[1]) for meta in metas), initial=0))
    ends = list(suffixes) or [""] * len(metas)
    pages = [
        [name + end, count]
        for meta, end in zip(metas, ends, strict=True)
        for name, count in meta[1]
    ]
    order = _sort_order(metas, offsets, pages, sort_values)
    if order is None:
        return None
    words = _merged_words(
        [
            (files, meta, offset, _field_map(meta[5], fields))
            for files, meta, offset in zip(bundles, metas, offsets, strict=False)
        ]
    )
    files: dict[str, bytes] = {}
    chunks = []
    with ThreadPoolExecutor(max_workers=2) as pool:  # zlib lets go of the GIL
        compressed = [
            (chunk[0][0], chunk[-1][0], pool.submit(_gzipped, SIGNATURE + cbor2.dumps([chunk])))
            for chunk in _chunks(words)
        ]
        for first, last, job in compressed:
            data = job.result()
            name = f"{language}_{hashlib.sha256(data).hexdigest()[:12]}"
            files[f"index/{name}.pf_index"] = data
            chunks.append([first, last, name])
    filters = []
    for name, values in sorted(_merged_filters(bundles, metas, offsets).items()):
        data = packed([name, sorted([value, ids] for value, ids in values.items())])
        digest = f"{language}_{hashlib.sha256(data).hexdigest()[:12]}"
        files[f"filter/{digest}.pf_filter"] = data
        filters.append([name, digest])
    meta = [
        metas[0][0],
        pages,
        _chunk_bounds(chunks),
        filters,
        [[sort, order]] if order else [],
        fields,
    ]
    data = packed(meta)
    name = f"{language}_{hashlib.sha256(data).hexdigest()[:10]}"
    files[f"pagefind.{name}.pf_meta"] = data
    entry = json.loads(bundles[0][ENTRY])
    entry["languages"] = {
        language: {**entry["languages"][language], "hash": name, "page_count": len(pages)}
    }
    files[ENTRY] = json.dumps(entry, separators=(",", ":"), ensure_ascii=False).encode()
    return dict(sorted(files.items()))


def _described(files: Mapping[str, bytes], sort: str) -> tuple[str, list[Any]] | None:
    """A bundle's language and metadata, when this module can merge it."""
    try:
        entry = json.loads(files[ENTRY])
        [(language, about)] = entry["languages"].items()
        meta = unpacked(files[f"pagefind.{about['hash']}.pf_meta"])
    except (KeyError, ValueError, TypeError, OSError, cbor2.CBORDecodeError):
        return None
    if not (
        isinstance(meta, list)
        and len(meta) == 6
        and str(meta[0]).startswith(VERSION)
        and all(name == sort for name, _ in meta[4])
        and str(entry.get("version", "")).startswith(VERSION)
    ):
        return None
    return language, meta


def _sort_order(
    metas: Sequence[list[Any]],
    offsets: Sequence[int],
    pages: Sequence[list[Any]],
    values: Mapping[str, str],
) -> list[int] | None:
    """The merged pages of the sort in ascending order ([] when no bundle sorts); None when
    a page lacks its value or a bundle's own order disagrees with the values."""
    numbers = []
    for meta, offset in zip(metas, offsets, strict=False):
        for _, order in meta[4]:
            keys = []
            for number in order:
                value = values.get(pages[offset + number][0])
                if value is None:
                    return None
                keys.append(value)
            if keys != sorted(keys):
                return None
            numbers += [offset + number for number in order]
    return sorted(numbers, key=lambda number: (values[pages[number][0]], number))


def _field_map(fields: Sequence[str], merged: Sequence[str]) -> dict[int, int] | None:
    """How a bundle's meta field markers become the merged ones (None: unchanged)."""
    if list(fields) == list(merged):
        return None
    at = {field: index for index, field in enumerate(merged)}
    return {-(index + 1): -(at[field] + 1) for index, field in enumerate(fields)}


def _bundle_words(
    files: Mapping[str, bytes], meta: list[Any], offset: int, fields: dict[int, int] | None
) -> Iterator[tuple[str, int, list[Any], list[Any]]]:
    """A bundle's words in order: (word, offset, pages, variants), as its chunks hold them
    but with the merged meta field markers."""
    for _, _, name in meta[2]:
        [words] = unpacked(files[f"index/{name}.pf_index"])
        for word, pages, variants in words:
            if fields is not None:
                pages = _renumbered_fields(pages, fields)
                variants = [[v, _renumbered_fields(found, fields)] for v, found in variants]
            yield word, offset, pages, variants


def _renumbered_fields(pages: list[Any], fields: dict[int, int]) -> list[Any]:
    return [[delta, at, [fields.get(m, m) for m in meta_at]] for delta, at, meta_at in pages]


def _merged_words(
    sources: Sequence[tuple[Mapping[str, bytes], list[Any], int, dict[int, int] | None]],
) -> Iterator[list[Any]]:
    """The words of every bundle in order, each once, as Pagefind writes them. A word's
    pages come bundle after bundle (heapq.merge keeps the bundles' order on a tie), so
    only the first page of each bundle's list is numbered again."""
    streams = [_bundle_words(*source) for source in sources]
    merged = heapq.merge(*streams, key=lambda word: word[0])
    for word, group in itertools.groupby(merged, key=lambda word: word[0]):
        parts = list(group)
        if len(parts) == 1:
            _, offset, pages, variants = parts[0]
            yield [word, _moved(pages, offset), [[v, _moved(p, offset)] for v, p in variants]]
            continue
        variants: dict[str, list[tuple[int, list[Any]]]] = {}
        for _, offset, _, more in parts:
            for variant, found in more:
                variants.setdefault(variant, []).append((offset, found))
        yield [
            word,
            _joined([(offset, pages) for _, offset, pages, _ in parts]),
            [[variant, _joined(lists)] for variant, lists in sorted(variants.items())],
        ]


def _moved(pages: list[Any], offset: int) -> list[Any]:
    if offset and pages:
        delta, at, meta_at = pages[0]
        return [[delta + offset, at, meta_at], *pages[1:]]
    return pages


def _joined(lists: Sequence[tuple[int, list[Any]]]) -> list[Any]:
    """Page lists of successive bundles as one (page numbers less the one before)."""
    joined: list[Any] = []
    last = 0
    for offset, pages in lists:
        if not pages:
            continue
        delta, at, meta_at = pages[0]
        joined.append([offset + delta - last, at, meta_at])
        joined += pages[1:]
        last = offset + sum(page[0] for page in pages)
    return joined


def _chunks(words: Iterator[list[Any]]) -> Iterator[list[list[Any]]]:
    """The word index in chunks, cut as Pagefind cuts it: after the word that brings a
    chunk's positions and pages to CHUNK_SIZE."""
    chunk, size = [], 0
    for word in words:
        chunk.append(word)
        size += _size(word[1])  # its variants' pages do not count
        if size >= CHUNK_SIZE:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _size(pages: list[Any]) -> int:
    return sum(len(positions) + len(meta_positions) + 1 for _, positions, meta_positions in pages)


def _chunk_bounds(chunks: list[list[str]]) -> list[list[str]]:
    """Each chunk's first and last word, shortened as Pagefind shortens them: to one
    character past what a chunk's last word has in common with the next chunk's first,
    unless the last word would then sort before the chunk's first (it stays whole)."""
    bounds = [list(chunk) for chunk in chunks]
    for before, after in itertools.pairwise(bounds):
        last, first = before[1], after[0]
        common = next(
            (i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b),
            min(len(first), len(last)),
        )
        if last[: common + 1] >= before[0]:
            before[1] = last[: common + 1]
        after[0] = first[: common + 1]
    return bounds


def _merged_filters(
    bundles: Sequence[Mapping[str, bytes]], metas: Sequence[list[Any]], offsets: Sequence[int]
) -> dict[str, dict[str, list[int]]]:
    merged: dict[str, dict[str, list[int]]] = {}
    for files, meta, offset in zip(bundles, metas, offsets, strict=False):
        for _, digest in meta[3]:
            filter_name, values = unpacked(files[f"filter/{digest}.pf_filter"])
            into = merged.setdefault(filter_name, {})
            for value, numbers in values:
                into.setdefault(value, []).extend(offset + number for number in numbers)
    return merged
