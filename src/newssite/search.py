"""Full-text search: a Pagefind index of the published stories, made before output/ is swapped.

Pagefind (its PyPI package `pagefind[bin]` carries the binary) indexes HTML files. The
article pages are linked or written into a scratch folder in the build cache, Pagefind
indexes them there, and its files come back as Outputs that go through the normal write
stage, so a failed build never leaves a half-made index in output/.

The index comes in parts (graph.search_shards): blocks of the archive whose ends the
stories themselves decide (by a hash of their URLs), then the newest few. Publishing a
story re-indexes only the last part, and adding or removing an old one only its block,
so a build rewrites a handful of files, not every chunk of one big index. A part whose
pages did not change is kept as it is: its fingerprint hashes the fingerprints of the
pages it was made from.

What the sizes trade (measured with Pagefind 1.5.2): Pagefind spends ~2.3 ms of one core
per story, most of it building and gzipping the word index, not parsing HTML, so an edit
costs the size of its part. Pagefind cuts a part's words into chunks by running counts of
word positions, so words added near the top of a story move every later chunk boundary and
rename most of the part's chunks. A reader's search loads one chunk (~25 kB) per word from
every part, and search.js loads the parts in parallel.

Why the binary and not Pagefind's Python API: that client reads one reply per 0.1 s (50
add_custom_record calls take 5 s), its service spends no less CPU than the binary, and
records would bypass the theme's data-pagefind-* markup.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Container, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from newssite.cache import BuildCache
from newssite.config import CONFIG_NAME, SiteConfig
from newssite.errors import NewssiteError
from newssite.model import Output, SearchShard, Site
from newssite.urls import output_path
from newssite.write import remove_dead_builds_folders

BUNDLE_FOLDER = "pagefind"  # Pagefind's output folder inside the scratch folder
SCRATCH_PREFIX = "search-"
_PASSED_ENVIRONMENT = ("PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "SYSTEMROOT")
MISSING_PAGEFIND = (
    "search = true needs the Pagefind binary: install it with pip install 'pagefind[bin]', "
    "or set search = false"
)


def find_pagefind() -> Path | None:
    """The Pagefind binary: the one the `pagefind_bin` package carries, else one on PATH."""
    try:
        import pagefind_bin

        return Path(pagefind_bin.get_executable())
    except (ImportError, FileNotFoundError):
        found = shutil.which("pagefind_extended") or shutil.which("pagefind")
        return Path(found) if found else None


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
    digests: Mapping[str, str] | None = None,
    *,
    yielding: bool = False,
    interrupted: Callable[[], bool] | None = None,
) -> list[Output]:
    """The files of every part of the search index (site.search); [] when search is off.

    With `yielding` (the preview), Pagefind runs at the lowest CPU priority, so the browser
    reloading the pages just published and the preview server come first. When
    `interrupted()` turns true (a newer edit waits), Pagefind is stopped and
    SearchInterrupted raised.

    `digests` are the plan's (plan.py): a page's digest stands for its bytes. With a cache,
    a part whose pages did not change is reused: in memory (the preview),
    or as Output(path, None) when its files in output/ are `intact`. The other parts are
    indexed `workers` at a time (Pagefind runs on about one core).
    """
    binary = require_pagefind(config)
    if binary is None or not site.search:  # search off, or nothing to find
        return []
    remove_dead_builds_folders(config.cache_dir, (SCRATCH_PREFIX,))  # of killed builds
    rendered = {output.path: output for output in outputs}
    known = digests or {}
    previous = cache.search_index() if cache is not None else {}
    keep_bytes = cache is not None and cache.directory is None
    fingerprints = [
        _shard_fingerprint(binary, shard, number == 0, rendered, known)
        for number, shard in enumerate(site.search)
    ]
    found = [
        _reusable(previous.get(shard.url), fingerprint, intact)
        for shard, fingerprint in zip(site.search, fingerprints, strict=True)
    ]

    def index(number: int) -> list[Output]:
        if interrupted is not None and interrupted():
            raise SearchInterrupted
        shard = site.search[number]
        paths = [output_path(url) for url in shard.pages]
        return _run_pagefind(
            binary,
            paths,
            rendered,
            config,
            shard.url,
            ui=number == 0,
            yielding=yielding,
            interrupted=interrupted,
        )

    todo = [number for number, files in enumerate(found) if files is None]
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for number, files in zip(todo, pool.map(index, todo), strict=True):
            found[number] = files
    made: list[Output] = []
    parts: dict[str, tuple[str, dict[str, bytes | None]]] = {}
    for shard, fingerprint, files in zip(site.search, fingerprints, found, strict=True):
        assert files is not None
        made += files
        parts[shard.url] = (fingerprint, {o.path: o.data if keep_bytes else None for o in files})
    if cache is not None:
        cache.remember_search_index(parts)
    return made


def index_part(
    binary: Path, shard: SearchShard, first: bool, rendered: dict[str, Output], config: SiteConfig
) -> list[Output]:
    """The files of one part of the search index; `rendered` holds its pages (Output(path,
    None) for a page as it is in output/). `first`: the part that carries the UI."""
    paths = [output_path(url) for url in shard.pages]
    return _run_pagefind(binary, paths, rendered, config, shard.url, ui=first)


def _shard_fingerprint(
    binary: Path,
    shard: SearchShard,
    with_ui: bool,
    rendered: dict[str, Output],
    known: Mapping[str, str],
) -> str:
    """What a part of the index is made from: the pagefind binary and its pages' fingerprints."""
    stat = binary.stat()
    digest = hashlib.sha256(
        f"{binary}\0{stat.st_size}\0{stat.st_mtime_ns}\0{shard.url}\0{with_ui}".encode()
    )
    for path in map(output_path, shard.pages):
        made = rendered[path]
        page = known.get(path) or made.digest or ""
        if not page and made.data is not None:
            page = hashlib.sha256(made.data).hexdigest()
        digest.update(f"\0{path}\0{page}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _reusable(
    previous: tuple[str, dict[str, bytes | None]] | None,
    fingerprint: str,
    intact: Container[str],
) -> list[Output] | None:
    if previous is None or previous[0] != fingerprint:
        return None
    files = previous[1]
    if not all(data is not None or path in intact for path, data in files.items()):
        return None  # someone changed the published files
    return [Output(path, data) for path, data in sorted(files.items())]


def _run_pagefind(
    binary: Path,
    paths: Sequence[str],
    rendered: dict[str, Output],
    config: SiteConfig,
    bundle_url: str,
    *,
    ui: bool,
    yielding: bool = False,
    interrupted: Callable[[], bool] | None = None,
) -> list[Output]:
    """Copy the pages into a scratch folder, run Pagefind there, and read its files back."""
    try:
        config.cache_dir.mkdir(parents=True, exist_ok=True)
        # The preview's pages are in memory: its scratch folder goes to the system's temporary
        # folder, out of the tree its file watcher follows. A build links pages from the
        # output or its spool, so its scratch folder stays on their file system.
        scratch = Path(
            tempfile.mkdtemp(
                prefix=f"{SCRATCH_PREFIX}{os.getpid()}-",
                dir=None if yielding else config.cache_dir,
            )
        )
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
                _place(pages / path, made.data, published)
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


def _place(destination: Path, data: bytes | None, published: Path) -> None:
    """A page's bytes, or a hard link to its file (in output/, or where the build spooled
    it): no copy of its text."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    if data is not None:
        destination.write_bytes(data)
        return
    try:
        os.link(published, destination)
    except OSError:
        shutil.copyfile(published, destination)


def _read_bundle(bundle: Path, folder: str, *, ui: bool) -> list[Output]:
    """Pagefind's files as Outputs under `folder`; the parts merged into the first one need
    only their index (the first part's scripts and WebAssembly search them all)."""
    outputs = []
    for path in sorted(bundle.rglob("*")):
        relative = path.relative_to(bundle).as_posix()
        index_file = "/" in relative or relative.endswith((".pf_meta", "-entry.json"))
        if path.is_file() and (ui or index_file):
            outputs.append(Output(f"{folder}/{relative}", path.read_bytes()))
    return outputs
