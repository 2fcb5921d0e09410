"""search_merge: the Pagefind bundles of several runs, merged, are the index one Pagefind run
over all their pages writes (the same pages, words, positions, chunks, filters and order)."""

from __future__ import annotations

import gzip
import json
import random
import subprocess
from pathlib import Path
from typing import Any

import pytest

from newssite import search_merge
from newssite.search import find_pagefind

WORDS = [
    "council",
    "harbor",
    "budget",
    "school",
    "police",
    "policy",
    "policies",
    "ferry",
    "bridge",
    "mayor",
    "vote",
    "voter",
    "election",
    "court",
    "judge",
    "river",
    "flood",
    "storm",
    "market",
    "bakery",
    "theater",
    "museum",
    "clinic",
    "nurse",
    "teacher",
    "student",
    "library",
    "park",
    "station",
    "train",
    "transit",
    "housing",
    "rent",
    "wage",
    "strike",
    "union",
]
ACCENTED = ["café", "naïve", "résumé", "Zoë", "fiancée"]


def page(number: int, rng: random.Random, *, alt: bool) -> str:
    """A story page as Pagefind reads ours: a body, filters, meta and a sort value. Only
    pages given `alt` have the image_alt meta (so bundles differ in their meta fields)."""
    words = rng.choices(WORDS + ACCENTED + [f"w{rng.randrange(5000)}" for _ in range(30)], k=80)
    title = " ".join(rng.choices(WORDS, k=4)).capitalize()
    alt_meta = (
        f'<span data-pagefind-meta="image_alt">{rng.choice(WORDS)} photo</span>' if alt else ""
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"></head><body>'
        f"<main data-pagefind-body><h1>{title}</h1><p>{' '.join(words)}.</p>"
        f'<span data-pagefind-filter="section">{rng.choice(["News", "Sports", "Arts"])}</span>'
        f'<span data-pagefind-filter="author">{rng.choice(["Ana Ruiz", "Bo Chen"])}</span>'
        f'<span data-pagefind-meta="published">{rng.randrange(10**6):07d}/s{number}/</span>'
        f'<span data-pagefind-sort="date">{rng.randrange(10**6):07d}</span>'
        f"{alt_meta}</main></body></html>"
    )


def pagefind(pages: dict[str, str], where: Path) -> dict[str, bytes]:
    """Pagefind's bundle of `pages` (name -> HTML): its files by name, scripts left out."""
    binary = find_pagefind()
    assert binary is not None
    for name, html in pages.items():
        (where / "site" / name).parent.mkdir(parents=True, exist_ok=True)
        (where / "site" / name).write_text(html, encoding="utf-8")
    command = [str(binary), "--site", "site", "--output-path", "bundle", "--silent"]
    subprocess.run(command, cwd=where, check=True)
    bundle = where / "bundle"
    return {
        path.relative_to(bundle).as_posix(): path.read_bytes()
        for path in bundle.rglob("*")
        if path.is_file() and (path.suffix.startswith(".pf_") or path.name.endswith(".json"))
    }


def unzipped(data: bytes) -> bytes:
    return gzip.decompress(data)[len(search_merge.SIGNATURE) :]


def meaning(files: dict[str, bytes]) -> dict[str, Any]:
    """What a bundle's index says, by page hash (not page number): its pages, each word's
    pages with their positions (and its variants'), the filters, the sort order, the meta
    field names and the chunks' bounds."""
    entry = json.loads(files["pagefind-entry.json"])
    [(language, about)] = entry["languages"].items()
    meta = search_merge.unpacked(files[f"pagefind.{about['hash']}.pf_meta"])
    hashes = [hash_ for hash_, _ in meta[1]]

    def pages_of(packed: list[Any]) -> frozenset[tuple[Any, ...]]:
        number, found = 0, set()
        for delta, positions, meta_positions in packed:
            number += delta
            named = [meta[5][-at - 1] if at < 0 else at for at in meta_positions]
            found.add((hashes[number], tuple(positions), tuple(named)))
        return frozenset(found)

    words = {}
    for _, _, name in meta[2]:
        [chunk] = search_merge.unpacked(files[f"index/{name}.pf_index"])
        for word, pages, variants in chunk:
            words[word] = (pages_of(pages), {v: pages_of(p) for v, p in variants})
    filters = {}
    for _, name in meta[3]:
        key, values = search_merge.unpacked(files[f"filter/{name}.pf_filter"])
        filters[key] = {value: sorted(hashes[n] for n in numbers) for value, numbers in values}
    return {
        "language": language,
        "page_count": about["page_count"],
        "pages": sorted(map(tuple, meta[1])),
        "words": words,
        "filters": filters,
        "sorts": {key: [hashes[n] for n in order] for key, order in meta[4]},
        "fields": meta[5],
        "chunks": [(first, last) for first, last, _ in meta[2]],
    }


@pytest.mark.parametrize("runs", [2, 3])
def test_merged_runs_are_the_index_one_run_writes(tmp_path: Path, runs: int) -> None:
    rng = random.Random(runs)
    pages = {f"s{n:04d}/index.html": page(n, rng, alt=n % 3 == 0 and n >= 600) for n in range(900)}
    names, size = sorted(pages), -(-len(pages) // runs)  # runs of a block of URLs each
    parts = [
        pagefind({name: pages[name] for name in names[start : start + size]}, tmp_path / str(start))
        for start in range(0, len(names), size)
    ]
    whole = pagefind(pages, tmp_path / "whole")
    merged = search_merge.merge(parts, sort_values(parts, pages))
    assert merged is not None
    got, want = meaning(merged), meaning(whole)
    assert len(want["chunks"]) > 5  # enough words for Pagefind to cut several chunks
    assert any(variants for _, variants in want["words"].values())  # café, naïve...
    assert len({tuple(meaning(part)["fields"]) for part in parts}) > 1  # meta fields differ
    for key in want:
        assert got[key] == want[key], key


def sort_values(parts: list[dict[str, bytes]], pages: dict[str, str]) -> dict[str, str]:
    """Page hash -> the value of its data-pagefind-sort="date", read from the page (the
    caller knows it: search.py has each story's "published")."""
    by_url = {f"/{name.removesuffix('index.html')}": html for name, html in pages.items()}
    values = {}
    for bundle in parts:
        for name, data in bundle.items():
            if name.startswith("fragment/"):
                fragment = json.loads(unzipped(data))
                html = by_url[fragment["url"]]
                value = html.split('data-pagefind-sort="date">', 1)[1].split("<", 1)[0]
                values[name.split("/")[1].removesuffix(".pf_fragment")] = value
    return values


def test_bundles_it_does_not_know_are_not_merged(tmp_path: Path) -> None:
    rng = random.Random(7)
    one = pagefind({"a/index.html": page(1, rng, alt=False)}, tmp_path / "one")
    french = page(2, rng, alt=False).replace('lang="en"', 'lang="fr"')
    other = pagefind({"b/index.html": french}, tmp_path / "two")
    pages = {"a/index.html": page(1, random.Random(7), alt=False), "b/index.html": french}
    values = sort_values([one, other], pages)
    assert search_merge.merge([one, one], values) is not None
    assert search_merge.merge([one, other], values) is None  # two languages
    entry = one["pagefind-entry.json"]
    older = {**one, "pagefind-entry.json": entry.replace(b'"1.5.', b'"1.4.')}
    assert search_merge.merge([older, one], values) is None  # another Pagefind
    assert search_merge.merge([one, one], {}) is None  # no sort value for its pages


def test_pages_that_two_runs_named_alike_keep_apart(tmp_path: Path) -> None:
    """Each run names a page by 7 hex digits of a digest, so two runs may give two pages one
    name; the merged index gives each run's pages the caller's suffix."""
    rng = random.Random(11)
    pages = {f"s{n:04d}/index.html": page(n, rng, alt=False) for n in range(40)}
    run = pagefind(pages, tmp_path / "run")
    values = {
        f"{name}{end}": value for name, value in sort_values([run], pages).items() for end in "ab"
    }
    merged = search_merge.merge([run, run], values, suffixes=["a", "b"])
    assert merged is not None
    got, one = meaning(merged), meaning(run)
    assert got["page_count"] == 2 * one["page_count"] == len({name for name, _ in got["pages"]})
    for word, (found, _) in one["words"].items():
        assert {(name + end, *rest) for name, *rest in found for end in "ab"} == got["words"][word][
            0
        ]
