"""The search index in levels, read back from the files a build wrote.

`searchable(output)` is what search can show: every level's fragments less those that
pagefind/levels.json hides. Tests that hold an update against a clean build compare the
search index this way, by what it finds, since an update lays out its levels otherwise.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXED_EPOCH, MakeSite, run_cli, story, tree_digest

SIGNATURE = b"pagefind_dcd"


def searchable(output: Path) -> dict[str, dict[str, Any]]:
    """URL -> what search shows of it (text, meta, filters), over every level."""
    listing = json.loads((output / "pagefind/levels.json").read_text())
    found: dict[str, dict[str, Any]] = {}
    for level in listing["levels"]:
        hidden = set(level["hidden"])
        for path in sorted((output / level["folder"] / "fragment").glob("*.pf_fragment")):
            if path.stem in hidden:
                continue
            record = json.loads(gzip.decompress(path.read_bytes())[len(SIGNATURE) :])
            assert record["url"] not in found, f"two versions of {record['url']} shown"
            found[record["url"]] = {k: record[k] for k in ("content", "meta", "filters")}
    return found


def all_index_text(output: Path) -> bytes:
    """Every byte of the search index, its gzipped files unpacked, hidden entries included."""
    data = b""
    for path in sorted((output / "pagefind").rglob("*")):
        if path.is_file():
            raw = path.read_bytes()
            data += gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
    return data


def without_search(tree: dict[str, str]) -> dict[str, str]:
    """A tree_digest less the search index, which an update lays out in other levels."""
    return {path: digest for path, digest in tree.items() if not path.startswith("pagefind/")}


def same_site(site_output: Path, clean_output: Path) -> list[str]:
    """What differs between an updated output/ and a clean build's: files byte for byte
    outside the search index, and what search finds in it."""
    found, expected = tree_digest(site_output), tree_digest(clean_output)
    problems = [
        path
        for path in sorted(set(without_search(found)) | set(without_search(expected)))
        if found.get(path) != expected.get(path)
    ]
    if (clean_output / "pagefind").exists() or (site_output / "pagefind").exists():
        shown, wanted = searchable(site_output), searchable(clean_output)
        problems += [
            f"search: {url}"
            for url in sorted(set(shown) | set(wanted))
            if shown.get(url) != wanted.get(url)
        ]
    return problems


def numbered(count: int, start: int = 0) -> dict[str, str]:
    return {
        f"content/articles/s{n:04d}.md": story(
            f"Story {n}",
            date=f"2026-{1 + n // 600:02d}-{1 + n // 24 % 25:02d}T{n % 24:02d}:00:00Z",
            section=("news", "sports")[n % 2],
            body=f"Paragraph {n} about the harbor, the council and word{n}.\n",
        )
        for n in range(start, start + count)
    }


def test_two_clean_builds_of_a_site_with_filters_are_the_same(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    site = make_site(numbered(60))
    for name in ("one", "two", "three"):
        result = run_cli("build", "--site", str(site), "--output", str(tmp_path / name))
        assert result.code == 0, result.err
    one = tree_digest(tmp_path / "one")
    assert any(path.startswith("pagefind/filter/") for path in one)
    assert one == tree_digest(tmp_path / "two") == tree_digest(tmp_path / "three")
