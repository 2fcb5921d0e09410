"""Full-text search: a Pagefind index of the published stories, made before output/ is swapped.

Pagefind (its PyPI package `pagefind[bin]` carries the binary) indexes HTML files. The
article pages are linked or written into a scratch folder in the build cache, Pagefind
indexes them there, and its files come back as Outputs that go through the normal write
stage, so a failed build never leaves a half-made index in output/.

The index comes in a few levels (levels.py): Pagefind bundles of geometric size. The
largest is /pagefind/ and carries the search scripts; the others are /pagefind/level-N/.
A publish or an edit re-indexes the small newest level; a reader's search loads one chunk
per word from each level (search.js merges them and hides the old versions listed in
/pagefind/levels.json). Past search_index_pages stories the archive tiers (each one
Pagefind run) are merged into one index at /pagefind/ (search_merge.py), so the archive
costs a search one chunk per word whatever its size; each tier's own word index stays in
/pagefind/level-N/ for the next merge. The layout is kept in the build cache from build to build (each
level's entries, with the content key of each page and the Pagefind fragment it became);
a build without it makes the canonical layout, one level.

Pagefind writes its filter indexes in a random order; they are written again here in a
fixed one (canonical_filters), so two builds of the same pages give the same bytes.

Pagefind is given what it reads of each page (searched_document: the data-pagefind-body
element and the <html> tag): the same fragments and index as of the whole page, from half
the bytes, for a little less CPU (3 to 27% in our runs). A page's content key is the
digest of that document, so a page is indexed again only when its searchable part
changed, not when its list of related stories did.

What the sizes trade (measured with Pagefind 1.5.2, benchmarks/search_pagefind.py): Pagefind
spends ~2 ms of one core per story, most of it building and gzipping the word index, and
holds ~0.29 MB per story of a news corpus in memory until it writes (0.28 GB at 1,000
stories, 1.4 GB at 5,000, 2.8 GB at 10,000): it grows with the words indexed, not with
the markup, so one Pagefind run of 100,000 stories would need ~28 GB.

Why the binary and not Pagefind's Python API: that client reads one reply per 0.1 s (50
add_custom_record calls take 5 s), its service spends no less CPU than the binary, and
records would bypass the theme's data-pagefind-* markup.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Container, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cbor2

from newssite.cache import BuildCache
from newssite.config import CONFIG_NAME, SiteConfig, find_pagefind
from newssite.errors import NewssiteError
from newssite.levels import Entry, Layout, Level, archive_tier, next_layout, redone
from newssite.model import Output, SearchShard, Site
from newssite.search_merge import merge, unpacked
from newssite.search_parts import search_key, searched_document
from newssite.spool import remove_dead_builds_folders
from newssite.urls import output_path

BUNDLE_FOLDER = "pagefind"  # Pagefind's output folder inside the scratch folder
SCRATCH_PREFIX = "newssite-search-"
# A folder in memory, where the system has one: Pagefind writes a file per page, and on a
# disk creating them costs it more than indexing the pages (10,000 stories: 24.8 s -> 15.6 s).
MEMORY_FOLDER = Path("/dev/shm")
_SCRATCH_BYTES_PER_PAGE = 32 * 1024  # room a page's document and index files take, at most
_SCRATCH_BYTES = 16 * 1024 * 1024  # and Pagefind's scripts and WebAssembly, whatever the pages
_PASSED_ENVIRONMENT = ("PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "SYSTEMROOT")
MISSING_PAGEFIND = (
    "search = true needs the Pagefind binary: install it with pip install 'pagefind[bin]', "
    "or set search = false"
)


def require_pagefind(config: SiteConfig) -> Path | None:
    """The Pagefind binary when the site has search on (None when it is off), else an error."""
    if not config.search:
        return None
    binary = find_pagefind()
    if binary is None:
        raise NewssiteError(MISSING_PAGEFIND, path=CONFIG_NAME, field="search")
    return binary


def index_search(
    site: Site,
    outputs: Sequence[Output],
    config: SiteConfig,
    cache: BuildCache | None = None,
    intact: Container[str] = (),
    workers: int = 1,
    *,
    yielding: bool = False,
    interrupted: Callable[[], bool] | None = None,
    remade: Container[str] | None = None,
) -> list[Output]:
    """The files of every level of the search index (site.search); [] when search is off.

    With `yielding` (the preview), Pagefind runs at the lowest CPU priority, so the browser
    reloading the pages just published and the preview server come first. When
    `interrupted()` turns true (a newer edit waits), Pagefind is stopped and
    SearchInterrupted raised.

    With a cache, the layout of the last build is carried on (levels.py), and a level whose
    stories did not change is reused: in memory (the preview), or as Output(path, None) when
    its files in output/ are `intact`. The other levels are indexed `workers` at a time.

    `remade` (the preview, whose every page is in memory): the pages made again since the
    index was last made; the others are as the last layout indexed them.
    """
    made: list[Output] = []
    for shard in site.search:  # one index per edition, each in its own folder
        files, _ = index_levels(
            (shard,),
            outputs,
            config,
            cache,
            intact,
            workers,
            yielding=yielding,
            interrupted=interrupted,
            root=shard.url,
            remade=remade,
        )
        made += files
    return made


def index_levels(
    search: Sequence[SearchShard],
    outputs: Sequence[Output],
    config: SiteConfig,
    cache: BuildCache | None,
    intact: Container[str],
    workers: int = 1,
    *,
    yielding: bool = False,
    interrupted: Callable[[], bool] | None = None,
    root: str = "/pagefind/",
    remade: Container[str] | None = None,
) -> tuple[list[Output], list[str]]:
    """The files of the search index's levels, and the files of the last build's levels
    that are no more. `outputs` holds the rendered pages; a story page not among them is
    as the last build left it in output/. `root`: the index's folder (an edition's)."""
    binary = require_pagefind(config)
    if binary is None or not search:  # search off, or nothing to find
        return [], []
    remove_dead_builds_folders(config.cache_dir, (SCRATCH_PREFIX,))  # of killed builds
    # Shared with every program of the machine (the preview's runs among them): others' only.
    remove_dead_builds_folders(MEMORY_FOLDER, (SCRATCH_PREFIX,), own=False)
    rendered = {output.path: output for output in outputs}
    stamp = _binary_stamp(binary)
    cached = dict(cache.search_index()) if cache is not None else {}
    parts = {folder: part for folder, part in cached.items() if _under(folder, root)}
    others = {folder: part for folder, part in cached.items() if folder not in parts}
    last_merged = _merged_record(parts.get(root), stamp)
    records = _records({f: p for f, p in parts.items() if last_merged is None or f != root}, stamp)
    previous = _layout_of(records)
    shown = {url: key for record in records.values() for url, key in record.shown()}
    searched: dict[str, bytes | None] = {}  # path -> what Pagefind reads of each page read
    current = {
        url: _page_key(url, rendered, shown, config, searched, remade) for url in search[0].pages
    }
    layout = next_layout(
        previous if previous.levels else None,
        current,
        search[0].takedowns,
        config.search_index_pages,
    )
    while True:  # a level indexed again keeps only what search shows: it may go, and so on
        group = _merged_tiers(layout, config.search_index_pages)
        top = max(level.tier for level in layout.levels)
        folders = {level.tier: _level_url(level.tier, top, root, group) for level in layout.levels}
        levels = {level.tier: level for level in layout.levels}
        found: dict[int, list[Output] | None] = {}
        fragments: dict[int, dict[str, Fragment]] = {}  # tier -> url -> its fragment
        for tier, level in levels.items():
            record = records.get(folders[tier])
            found[tier] = None
            if record is not None and record.signature == _signature(level, folders[tier]):
                withdrawn = {e.url for e in layout.withdrawn_in(tier)}
                files = _without_fragments(
                    parts[folders[tier]][1],
                    {record.fragments[url].id for url in withdrawn if url in record.fragments},
                )
                found[tier] = _reusable(files, intact)
                fragments[tier] = record.fragments
        merged_files = _reusable_merged(last_merged, group, levels, folders, parts, intact, root)
        old_scripts = _reusable(_scripts_of(last_merged, parts, root), intact)
        fresh = [tier for tier in group if found[tier] is None]
        if group and merged_files is None and not fresh and not old_scripts:
            found[max(group)] = None  # the search scripts come from a new Pagefind run
        again = redone(layout, [tier for tier, files in found.items() if files is None])
        if again == layout:
            break
        layout = again

    def index(tier: int) -> list[Output]:
        if interrupted is not None and interrupted():
            raise SearchInterrupted
        paths = [output_path(entry.url) for entry in levels[tier].entries]
        pages = {path: rendered.get(path) or Output(path, None) for path in paths}
        folder = folders[tier]
        return _run_pagefind(
            binary,
            paths,
            pages,
            config,
            folder,
            searched,
            ui=folder == root or tier in group,
            yielding=yielding,
            interrupted=interrupted,
        )

    todo = [tier for tier, files in found.items() if files is None]
    scripts: list[Output] = []
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for tier, files in zip(todo, pool.map(index, todo), strict=True):
            if tier in group:
                files, scripts = _in_group(files, folders[tier], root, tier)
            found[tier] = files
            fragments[tier] = _fragment_ids(files)
    contents = functools.partial(_contents, config=config)
    published: list[_Published] = []
    if group:
        if merged_files is None:
            merged_files = _merged(group, folders, found, fragments, contents, root)
            merged_files += scripts or old_scripts or []
        published.append(_published_group(layout, group, fragments, merged_files, root))
    keep_bytes = cache is not None and cache.directory is None
    made: list[Output] = list(merged_files or [])
    new_parts: dict[str, tuple[str, dict[str, bytes | None]]] = {}
    for tier, level in levels.items():
        files = found[tier]
        assert files is not None
        made += files
        hidden = frozenset(entry.url for entry in layout.hidden_in(tier))
        withdrawn = frozenset(entry.url for entry in layout.withdrawn_in(tier))
        folder = folders[tier]
        record = _Record(_signature(level, folder), fragments[tier], hidden, withdrawn)
        unchanged = records.get(folder) == record  # as the cache holds it, in this stamp
        new_parts[folder] = (
            parts[folder][0] if unchanged else record.dumps(stamp),
            {o.path: o.data if keep_bytes else None for o in files},
        )
        if tier not in group:
            published.append(_published_level(layout, level, fragments, files, folder))
    if group:
        new_parts[root] = (
            _merged_signature(group, levels, folders, stamp),
            {o.path: o.data if keep_bytes else None for o in merged_files or []},
        )
    made.append(_levels_file(published, contents, root))
    worker = root.lstrip("/") + "pagefind-worker.js"
    made = [_with_worker_shim(o, contents) if o.path == worker else o for o in made]
    kept = {o.path for o in made}
    gone = sorted({path for _, files in parts.values() for path in files if path not in kept})
    if cache is not None:
        cache.remember_search_index({**others, **new_parts})
    return made, gone


def _merged_tiers(layout: Layout, cap: int) -> tuple[int, ...]:
    """The archive tiers, published as one index (search_merge.py), when there are two or
    more: a reader's search then loads one chunk per word for the whole archive."""
    first = archive_tier(cap)
    tiers = tuple(sorted(level.tier for level in layout.levels if level.tier >= first))
    return tiers if len(tiers) > 1 else ()


def _merged_signature(
    group: Sequence[int], levels: Mapping[int, Level], folders: Mapping[int, str], stamp: str
) -> str:
    """The merged index's cache record: what it was made from (each archive tier's stories)."""
    digests = [
        [tier, hashlib.sha256(repr(_signature(levels[tier], folders[tier])).encode()).hexdigest()]
        for tier in group
    ]
    return json.dumps({"stamp": stamp, "merged": digests})


def _merged_record(part: tuple[str, dict[str, bytes | None]] | None, stamp: str) -> str | None:
    """The last build's merged index record ("" when the index at the root was a level)."""
    if part is None:
        return None
    try:
        data = json.loads(part[0])
    except ValueError:
        return None
    if not isinstance(data, dict) or "merged" not in data:
        return None
    return part[0] if data.get("stamp") == stamp else ""


def _reusable_merged(
    last: str | None,
    group: Sequence[int],
    levels: Mapping[int, Level],
    folders: Mapping[int, str],
    parts: Mapping[str, tuple[str, dict[str, bytes | None]]],
    intact: Container[str],
    root: str,
) -> list[Output] | None:
    """The last build's merged index, when it holds the archive tiers as they are now."""
    if not group or not last or last != _merged_signature(group, levels, folders, _stamp_of(last)):
        return None
    return _reusable(parts[root][1], intact)


def _stamp_of(described: str) -> str:
    return str(json.loads(described)["stamp"])


def _scripts_of(
    last: str | None, parts: Mapping[str, tuple[str, dict[str, bytes | None]]], root: str
) -> dict[str, bytes | None]:
    """The search scripts the last build's merged index carried ({} when none)."""
    if not last or root not in parts:
        return {}
    prefix = root.lstrip("/")
    return {
        path: data
        for path, data in parts[root][1].items()
        if path.removeprefix(prefix) in _SCRIPTS or path.removeprefix(prefix).startswith("wasm.")
    }


def _in_group(
    files: Sequence[Output], folder: str, root: str, tier: int
) -> tuple[list[Output], list[Output]]:
    """An archive tier's files, as the merged index publishes them: its fragments in the
    merged index's folder, their names ending in the tier's _suffix (two runs may give two
    pages one name), its word and filter indexes in its own (read for the next merge, not
    by readers); and apart, the search scripts of its Pagefind run."""
    own, top = folder.strip("/") + "/", root.lstrip("/")
    kept, scripts = [], []
    for output in files:
        name = output.path.removeprefix(own)
        if name.startswith("fragment/"):
            renamed = name.removesuffix(".pf_fragment") + _suffix(tier) + ".pf_fragment"
            kept.append(Output(top + renamed, output.data))
        elif name in _SCRIPTS or name.startswith("wasm."):
            scripts.append(Output(top + name, output.data))
        else:
            kept.append(output)
    return kept, scripts


def _merged(
    group: Sequence[int],
    folders: Mapping[int, str],
    found: Mapping[int, list[Output] | None],
    fragments: Mapping[int, Mapping[str, Fragment]],
    contents: Callable[[Output], bytes],
    root: str,
) -> list[Output]:
    """The merged index of the archive tiers (search_merge.merge), under `root`."""
    bundles = []
    for tier in group:
        own = folders[tier].strip("/") + "/"
        files = found[tier] or []
        bundles.append(
            {o.path.removeprefix(own): contents(o) for o in files if o.path.startswith(own)}
        )
    values = {f.id: f.published for tier in group for f in fragments[tier].values()}
    merged = merge(bundles, values, suffixes=[_suffix(tier) for tier in group])
    if merged is None:
        raise NewssiteError(
            "Pagefind's index files are not as newssite knows them (Pagefind 1.5), so the"
            " archive's search levels cannot be merged (output/ was left as it was): install"
            " pagefind[bin] 1.5, or raise search_index_pages above the number of stories",
            path=CONFIG_NAME,
            field="search_index_pages",
        )
    return [Output(root.lstrip("/") + name, data) for name, data in merged.items()]


def _suffix(tier: int) -> str:
    """What an archive tier's page names end with in the merged index (not a hex digit)."""
    return f"-{tier}"


@dataclass(frozen=True, slots=True)
class _Published:
    """A level as levels.json lists it: a Pagefind bundle that a search loads."""

    folder: str
    hidden: tuple[str, ...]  # fragment ids search hides (older versions)
    shown: tuple[str, ...]  # the "published" of the stories it shows
    files: Sequence[Output]
    tier: int


def _published_level(
    layout: Layout,
    level: Level,
    fragments: Mapping[int, Mapping[str, Fragment]],
    files: Sequence[Output],
    folder: str,
) -> _Published:
    found = fragments[level.tier]
    hidden = frozenset(layout.hidden_in(level.tier))
    return _Published(
        folder,
        tuple(sorted(found[e.url].id for e in hidden)),
        tuple(
            found[e.url].published if e.url in found else ""
            for e in level.entries
            if e not in hidden
        ),
        files,
        level.tier,
    )


def _published_group(
    layout: Layout,
    group: Sequence[int],
    fragments: Mapping[int, Mapping[str, Fragment]],
    files: Sequence[Output],
    root: str,
) -> _Published:
    """The merged archive as one level: it hides what its tiers hide, except a fragment
    another tier shows (the same page, indexed twice)."""
    levels = {level.tier: level for level in layout.levels}
    hidden, shown_ids, shown = set(), set(), []
    for tier in group:
        found = fragments[tier]
        hides = frozenset(layout.hidden_in(tier))
        for entry in levels[tier].entries:
            fragment = found.get(entry.url)
            if entry in hides:
                if fragment is not None:
                    hidden.add(fragment.id)
            else:
                shown.append(fragment.published if fragment else "")
                if fragment is not None:
                    shown_ids.add(fragment.id)
    return _Published(root, tuple(sorted(hidden - shown_ids)), tuple(shown), files, max(group))


def _under(folder: str, root: str) -> bool:
    """Whether a level's folder belongs to the index at root (not another edition's)."""
    return folder == root or (folder.startswith(root) and folder[len(root) :].startswith("level-"))


SEARCH_ROOT = "/pagefind/"  # graph.SEARCH_BUNDLE_URL: the largest level, with the scripts


@dataclass(frozen=True, slots=True)
class _Record:
    """A level as the cache keeps it (as its part's fingerprint): what it was made from."""

    signature: tuple[object, ...]  # folder, tier and entries
    fragments: dict[str, Fragment]  # url -> its fragment, for the hidden list and dates
    hidden: frozenset[str] = frozenset()  # urls of the entries search hides (old versions)
    withdrawn: frozenset[str] = frozenset()  # of the hidden: stories that left search

    def shown(self) -> list[tuple[str, str]]:
        """(url, key) of the entries search shows: each story's page as the build knew it."""
        return [(u, k) for u, k in self.signature[2] if u not in self.hidden]  # type: ignore[attr-defined]

    def _state(self, url: str) -> int:
        """0: shown; 1: hidden (an older version); 2: withdrawn (no fragment)."""
        return 2 if url in self.withdrawn else int(url in self.hidden)

    def dumps(self, stamp: str) -> str:
        folder, tier, entries = self.signature
        return json.dumps(
            {
                "stamp": stamp,
                "folder": folder,
                "tier": tier,
                "entries": [
                    [u, k, *_fields(self.fragments.get(u)), self._state(u)]
                    for u, k in entries  # type: ignore[attr-defined]
                ],
            },
            ensure_ascii=False,
        )


def _signature(level: Level, folder: str) -> tuple[object, ...]:
    return (folder, level.tier, tuple((e.url, e.key) for e in level.entries))


def _records(
    parts: Mapping[str, tuple[str, dict[str, bytes | None]]], stamp: str
) -> dict[str, _Record]:
    """The last build's levels, from the cache ({} when made by another Pagefind, or by an
    older newssite: the next layout is the canonical one)."""
    records = {}
    for folder, (described, _) in parts.items():
        try:
            data = json.loads(described)
            if data["stamp"] != stamp or data["folder"] != folder:
                return {}
            entries = tuple((str(u), str(k)) for u, k, _, _, _ in data["entries"])
            fragments = {str(u): Fragment(str(f), str(p)) for u, _, f, p, _ in data["entries"] if f}
            hidden = frozenset(str(u) for u, _, _, _, gone in data["entries"] if gone)
            withdrawn = frozenset(str(u) for u, _, _, _, gone in data["entries"] if gone == 2)
            records[folder] = _Record(
                (folder, int(data["tier"]), entries), fragments, hidden, withdrawn
            )
        except (ValueError, KeyError, TypeError):
            return {}
    return records


def _layout_of(records: Mapping[str, _Record]) -> Layout:
    levels, withdrawn = [], []
    for record in records.values():
        _, tier, entries = record.signature
        level = Level(tier, tuple(sorted(Entry(u, k) for u, k in entries)))  # type: ignore[arg-type, attr-defined]
        levels.append(level)
        withdrawn += [(level.tier, e) for e in level.entries if e.url in record.withdrawn]
    tiers = [level.tier for level in levels]
    if len(set(tiers)) != len(tiers) or not all(level.entries for level in levels):
        return Layout(())
    return Layout(
        tuple(sorted(levels, key=lambda level: level.tier)), withdrawn=tuple(sorted(withdrawn))
    )


def _level_url(tier: int, top: int, root: str = "/pagefind/", group: Container[int] = ()) -> str:
    """A level's folder: the largest level's is the index's own (it carries the scripts),
    unless the archive tiers are merged: then the merged index has it."""
    return root if tier == top and tier not in group else f"{root}level-{tier}/"


def _binary_stamp(binary: Path) -> str:
    """What the cached layout was made with: this Pagefind, and content keys of the pages as
    Pagefind indexes them (searched_document without what it ignores: search_parts.indexed_part)."""
    stat = binary.stat()
    return f"{binary}:{stat.st_size}:{stat.st_mtime_ns}:indexed"


def _page_key(
    url: str,
    rendered: Mapping[str, Output],
    shown: Mapping[str, str],
    config: SiteConfig,
    searched: dict[str, bytes | None],
    remade: Container[str] | None = None,
) -> str:
    """The content key of a story's page: the sha256 of what Pagefind reads of it, made
    now or, for a page as the last build left it (or not `remade`), as the last layout knew
    it. So a page whose list of related stories changed is not indexed again. What Pagefind
    reads of a page read here is kept in `searched`, for _run_pagefind."""
    path = output_path(url)
    made = rendered.get(path)
    if made is not None and made.data is not None:
        if remade is not None and path not in remade and url in shown:
            return shown[url]
        return _search_key(path, made.data, searched)
    if (made is None or not made.spooled) and url in shown:
        return shown[url]
    if made is not None and made.searched is not None:  # worked out where it was rendered
        key, searched[path] = made.searched
        return key
    published = Path(made.spooled) if made is not None and made.spooled else config.output / path
    try:
        return _search_key(path, published.read_bytes(), searched)
    except OSError as error:
        raise NewssiteError(
            f"{error.strerror or error} while preparing the search index"
            " (output/ was left as it was)",
            path=str(published),
            field="search",
        ) from None


def _search_key(path: str, page: bytes, searched: dict[str, bytes | None]) -> str:
    key, searched[path] = search_key(page)
    return key


@dataclass(frozen=True, slots=True)
class Fragment:
    """A page's Pagefind fragment: its id (file name) and its "published" meta (the date
    and URL that sort results newest first; "" when the page has none)."""

    id: str
    published: str = ""


def _fields(fragment: Fragment | None) -> tuple[str, str]:
    return (fragment.id, fragment.published) if fragment else ("", "")


def _fragment_ids(files: Sequence[Output]) -> dict[str, Fragment]:
    """url -> the fragment Pagefind made of each page."""
    ids = {}
    for output in files:
        if "/fragment/" in output.path and output.data is not None:
            record = json.loads(gzip.decompress(output.data)[len(_SIGNATURE) :])
            name = output.path.rsplit("/", 1)[1].removesuffix(".pf_fragment")
            ids[record["url"]] = Fragment(name, str(record.get("meta", {}).get("published", "")))
    return ids


def _levels_file(
    published: Sequence[_Published],
    contents: Callable[[Output], bytes],
    root: str = "/pagefind/",
) -> Output:
    """pagefind/levels.json, for search.js: each level's folder (the largest first, which
    carries the scripts); the fragments it hides (older versions of edited stories); the
    newest and oldest "published" of the stories it shows, so that search.js merges the
    levels' results newest first without loading fragments it does not show; and the
    small files Pagefind would fetch for each level before its index chunks (its
    pagefind-entry.json, and the metadata of the smaller levels), which search.js hands
    to Pagefind's worker (WORKER_SHIM), so a search fetches those in this one file."""
    levels = []
    for level in sorted(published, key=lambda level: -level.tier):
        described: dict[str, object] = {
            "folder": level.folder.lstrip("/"),
            "hidden": list(level.hidden),
        }
        if level.shown and all(level.shown):
            described.update(newest=max(level.shown), oldest=min(level.shown))
        inline = {}
        for output in level.files:
            name = output.path.rsplit("/", 1)[1]
            folder = output.path[: -len(name)]
            if folder != level.folder.lstrip("/"):
                continue
            if name == _ENTRY:
                inline[name] = contents(output).decode()
            elif name.endswith(".pf_meta") and level.folder != root:
                inline[name] = base64.b64encode(contents(output)).decode()
        described["files"] = dict(sorted(inline.items()))
        levels.append(described)
    data = json.dumps({"levels": levels}, separators=(",", ":"), ensure_ascii=False) + "\n"
    return Output(root.lstrip("/") + "levels.json", data.encode())


def _contents(output: Output, config: SiteConfig) -> bytes:
    """An index file's bytes: made now, or as the last build left it in output/."""
    if output.data is not None:
        return output.data
    try:
        return (config.output / output.path).read_bytes()
    except OSError as error:
        raise NewssiteError(
            f"{error.strerror or error} while preparing the search index"
            " (output/ was left as it was)",
            path=str(config.output / output.path),
            field="search",
        ) from None


# Put before Pagefind's worker script: the files search.js hands over with the search
# options (levels.json "files", by absolute path) are answered from memory, not fetched.
WORKER_SHIM = """/* newssite: files handed over with the search options are not fetched. */
const newssiteFiles = new Map();
self.addEventListener("message", (event) => {
  const options = event.data && Array.isArray(event.data.args) && event.data.args[0];
  if (options && typeof options === "object" && options.newssiteFiles) {
    Object.entries(options.newssiteFiles).forEach(([path, body]) => newssiteFiles.set(path, body));
    delete options.newssiteFiles;
  }
});
const newssiteFetch = self.fetch.bind(self);
self.fetch = (input, init) => {
  const address = new URL(typeof input === "string" ? input : input.url, self.location.href);
  const body = address.origin === self.location.origin && newssiteFiles.get(address.pathname);
  if (!body) return newssiteFetch(input, init);
  const bytes = body.json ? body.json : Uint8Array.from(atob(body.base64), (c) => c.charCodeAt(0));
  return Promise.resolve(new Response(bytes));
};
"""


def _with_worker_shim(output: Output, contents: Callable[[Output], bytes]) -> Output:
    data = contents(output)
    if data.startswith(WORKER_SHIM.encode()):
        return output
    return Output(output.path, WORKER_SHIM.encode() + data)


def _without_fragments(
    files: Mapping[str, bytes | None], ids: Container[str]
) -> dict[str, bytes | None]:
    """A level's files less the fragments of its withdrawn entries (their text and title)."""
    return {
        path: data
        for path, data in files.items()
        if "/fragment/" not in path
        or path.rsplit("/", 1)[1].removesuffix(".pf_fragment") not in ids
    }


def _reusable(files: Mapping[str, bytes | None], intact: Container[str]) -> list[Output] | None:
    if not all(data is not None or path in intact for path, data in files.items()):
        return None  # someone changed the published files
    return [Output(path, data) for path, data in sorted(files.items())]


def _run_pagefind(
    binary: Path,
    paths: Sequence[str],
    rendered: dict[str, Output],
    config: SiteConfig,
    bundle_url: str,
    searched: Mapping[str, bytes | None],
    *,
    ui: bool,
    yielding: bool = False,
    interrupted: Callable[[], bool] | None = None,
) -> list[Output]:
    """Copy the pages into a scratch folder, run Pagefind there, and read its files back.
    `searched`: what Pagefind reads of the pages already read (searched_document)."""
    try:
        config.cache_dir.mkdir(parents=True, exist_ok=True)
        parent = _scratch_parent(config, len(paths), yielding=yielding)
        scratch = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=parent))
    except OSError as error:
        raise NewssiteError(
            f"{error.strerror or error} while preparing the search index"
            " (output/ was left as it was)",
            path=str(config.cache_dir),
            field="search",
        ) from None
    pages, bundle = scratch / "site", scratch / BUNDLE_FOLDER
    try:
        try:
            pages.mkdir()
            for path in paths:
                made = rendered[path]
                published = Path(made.spooled) if made.spooled else config.output / path
                if path in searched:
                    document = searched[path]
                else:
                    page = made.data if made.data is not None else published.read_bytes()
                    document = searched_document(page)
                _place(pages / path, made.data, published, document)
        except OSError as error:
            raise NewssiteError(
                f"{error.strerror or error} while preparing the search index"
                " (output/ was left as it was)",
                path=str(scratch),
                field="search",
            ) from None
        # Pagefind reads pagefind.yml and PAGEFIND_* variables; this run depends on neither,
        # and on nothing else of the caller's environment (which may be large).
        environ = {key: os.environ[key] for key in _PASSED_ENVIRONMENT if key in os.environ}
        command = [str(binary), "--site", "site", "--output-path", BUNDLE_FOLDER, "--silent"]
        returncode, report = _run_until_done(
            command, scratch, environ, yielding=yielding, interrupted=interrupted
        )
        if returncode != 0 or not (bundle / "pagefind.js").is_file():
            details = report.strip().splitlines()[-5:]
            raise NewssiteError(
                "Pagefind could not index the site (output/ was left as it was): "
                + (" / ".join(details) or f"exit status {returncode}"),
                path=CONFIG_NAME,
                field="search",
            )
        return _read_bundle(bundle, bundle_url.strip("/"), ui=ui)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _scratch_parent(config: SiteConfig, pages: int, *, yielding: bool) -> Path | None:
    """Where the scratch folder of a Pagefind run over `pages` pages goes: the folder in
    memory when there is one with room for it; else the cache folder (a build), or the
    system's temporary folder (the preview: out of the tree its file watcher follows)."""
    try:
        room = shutil.disk_usage(MEMORY_FOLDER).free
    except OSError:
        room = 0
    needed = _SCRATCH_BYTES + pages * _SCRATCH_BYTES_PER_PAGE
    if room > needed and os.access(MEMORY_FOLDER, os.W_OK | os.X_OK):
        return MEMORY_FOLDER
    return None if yielding else config.cache_dir


class SearchInterrupted(Exception):
    """Indexing stopped because a newer edit is waiting (the preview indexes again)."""


def _run_until_done(
    command: Sequence[str],
    folder: Path,
    environ: Mapping[str, str],
    *,
    yielding: bool,
    interrupted: Callable[[], bool] | None,
) -> tuple[int, str]:
    """Run Pagefind to the end (exit status, what it printed), or stop it when interrupted."""
    with subprocess.Popen(
        command,
        cwd=folder,
        env=dict(environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=_lowest_priority if yielding else None,
    ) as process:
        while True:
            try:
                printed, _ = process.communicate(timeout=0.05 if interrupted else None)
                return process.returncode, printed or ""
            except subprocess.TimeoutExpired:
                if interrupted is not None and interrupted():
                    process.kill()
                    process.communicate()
                    raise SearchInterrupted from None


def _lowest_priority() -> None:
    os.nice(19)


def _place(destination: Path, data: bytes | None, published: Path, document: bytes | None) -> None:
    """What Pagefind reads of a page (`document`, from searched_document), or when that is
    None the page itself: its bytes, or a hard link to its file (in output/, or where the
    build spooled it)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    if document is not None:
        destination.write_bytes(document)
        return
    if data is not None:
        destination.write_bytes(data)
        return
    try:
        os.link(published, destination)
    except OSError:
        shutil.copyfile(published, destination)


def _read_bundle(bundle: Path, folder: str, *, ui: bool) -> list[Output]:
    """Pagefind's files as Outputs under `folder`, its filter indexes in a fixed order. The
    levels merged into the largest need only their index: the largest carries the search
    scripts and WebAssembly (search.js is the UI: Pagefind's own UI files are left out)."""
    files = {}
    for path in sorted(bundle.rglob("*")):
        relative = path.relative_to(bundle).as_posix()
        index_file = "/" in relative or relative.endswith((".pf_meta", "-entry.json"))
        script = relative in _SCRIPTS or relative.startswith("wasm.")
        if path.is_file() and (index_file or (ui and script)):
            files[relative] = path.read_bytes()
    return [Output(f"{folder}/{name}", data) for name, data in canonical_filters(files).items()]


_SCRIPTS = ("pagefind.js", "pagefind-worker.js")
_SIGNATURE = b"pagefind_dcd"
_ENTRY = "pagefind-entry.json"


def canonical_filters(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """A Pagefind bundle with its filter indexes (and the metadata that names them) written
    in a fixed order: Pagefind 1.5 writes each filter's values in a random order, so the
    same pages would give other bytes, and other file names, every build."""
    metas = [name for name in files if name.endswith(".pf_meta") and "/" not in name]
    filters = [name for name in files if name.startswith("filter/")]
    if len(metas) != 1 or not filters or _ENTRY not in files:
        return dict(files)
    out = {name: data for name, data in files.items() if name not in filters}
    renamed = {}
    for name in filters:
        key, values = unpacked(files[name])
        data = _packed([key, sorted(values, key=lambda pair: pair[0])])
        language = name.removeprefix("filter/").split("_", 1)[0]
        new = f"{language}_{hashlib.sha256(data).hexdigest()[:7]}"
        renamed[name.removeprefix("filter/").removesuffix(".pf_filter")] = new
        out[f"filter/{new}.pf_filter"] = data
    [meta] = metas
    record = unpacked(files[meta])
    record[3] = sorted([[key, renamed.get(hash_, hash_)] for key, hash_ in record[3]])
    data = _packed(record)
    old = meta.removeprefix("pagefind.").removesuffix(".pf_meta")
    new = f"{old.split('_', 1)[0]}_{hashlib.sha256(data).hexdigest()[:10]}"
    del out[meta]
    out[f"pagefind.{new}.pf_meta"] = data
    out[_ENTRY] = files[_ENTRY].replace(f'"{old}"'.encode(), f'"{new}"'.encode())
    return dict(sorted(out.items()))


def _packed(value: Any) -> bytes:
    return gzip.compress(_SIGNATURE + cbor2.dumps(value), mtime=0)
