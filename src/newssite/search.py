"""Full-text search: a Pagefind index of the published stories, made before output/ is swapped.

Pagefind (its PyPI package `pagefind[bin]` carries the binary) indexes HTML files. The
article pages are linked or written into a scratch folder in the build cache, Pagefind
indexes them there, and its files come back as Outputs that go through the normal write
stage, so a failed build never leaves a half-made index in output/. When no indexed page
changed, the previous index is kept as it is: its fingerprint hashes the fingerprints of
the pages it was made from.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Container, Sequence
from pathlib import Path

from newssite.cache import BuildCache
from newssite.config import CONFIG_NAME, SiteConfig
from newssite.errors import NewssiteError
from newssite.graph import searchable
from newssite.model import Output, Page, Site, Story
from newssite.urls import output_path

BUNDLE_FOLDER = "pagefind"  # the index and Pagefind's UI, at /pagefind/ in the output
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


def indexed_pages(site: Site) -> list[Page]:
    """The pages search finds: articles of published stories (never removed ones)."""
    return [
        page
        for page in site.pages
        if page.kind == "article"
        and isinstance(story := page.context.get("story"), Story)
        and searchable(story, site.now)
    ]


def index_search(
    site: Site,
    outputs: Sequence[Output],
    config: SiteConfig,
    cache: BuildCache | None = None,
    intact: Container[str] = (),
) -> list[Output]:
    """The files of /pagefind/ for these rendered pages; [] when the site has search off.

    With a cache, an index whose pages did not change is reused: in memory (the preview),
    or as Output(path, None) when its files in output/ are `intact`.
    """
    binary = require_pagefind(config)
    if binary is None or site.info.search_url is None:  # search off, or nothing to find
        return []
    rendered = {output.path: output for output in outputs}
    paths = sorted(output_path(page.url) for page in indexed_pages(site))
    fingerprint = _search_fingerprint(binary, paths, rendered, cache)
    previous = cache.search_index() if cache is not None else None
    if previous is not None and previous[0] == fingerprint:
        files = previous[1]
        if all(data is not None or path in intact for path, data in files.items()):
            return [Output(path, data) for path, data in sorted(files.items())]
    made = _run_pagefind(binary, paths, rendered, config)
    if cache is not None:
        keep_bytes = cache.directory is None
        cache.remember_search_index(
            fingerprint, {o.path: o.data if keep_bytes else None for o in made}
        )
    return made


def _search_fingerprint(
    binary: Path, paths: Sequence[str], rendered: dict[str, Output], cache: BuildCache | None
) -> str:
    known = cache.page_fingerprints() if cache is not None else {}
    stat = binary.stat()
    digest = hashlib.sha256(f"{binary}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    for path in paths:
        data = rendered[path].data
        page = known.get(path) or (hashlib.sha256(data).hexdigest() if data is not None else "")
        digest.update(f"\0{path}\0{page}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _run_pagefind(
    binary: Path, paths: Sequence[str], rendered: dict[str, Output], config: SiteConfig
) -> list[Output]:
    """Copy the pages into a scratch folder, run Pagefind there, and read its files back."""
    clean_stale_scratch(config.cache_dir)
    try:
        config.cache_dir.mkdir(parents=True, exist_ok=True)
        # A new name each time: the preview's file watcher sees this folder come and go.
        scratch = Path(
            tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=config.cache_dir)
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
                _place(pages / path, rendered[path].data, config.output / path)
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
        result = subprocess.run(
            command, cwd=scratch, env=environ, capture_output=True, text=True, check=False
        )
        if result.returncode != 0 or not (bundle / "pagefind.js").is_file():
            details = (result.stderr or result.stdout).strip().splitlines()[-5:]
            raise NewssiteError(
                "Pagefind could not index the site (output/ was left as it was): "
                + (" / ".join(details) or f"exit status {result.returncode}"),
                path=CONFIG_NAME,
                field="search",
            )
        return _read_bundle(bundle)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _place(destination: Path, data: bytes | None, published: Path) -> None:
    """A page's bytes, or a hard link to its unchanged file in output/ (no copy of its text)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    if data is not None:
        destination.write_bytes(data)
        return
    try:
        os.link(published, destination)
    except OSError:
        shutil.copyfile(published, destination)


def _read_bundle(bundle: Path) -> list[Output]:
    outputs = []
    for path in sorted(bundle.rglob("*")):
        if path.is_file():
            relative = path.relative_to(bundle).as_posix()
            outputs.append(Output(f"{BUNDLE_FOLDER}/{relative}", path.read_bytes()))
    return outputs


def clean_stale_scratch(cache_dir: Path) -> None:
    """Remove scratch folders left behind by builds that were killed."""
    if not cache_dir.is_dir():
        return
    for entry in cache_dir.iterdir():
        pid_text = entry.name.removeprefix(SCRATCH_PREFIX).split("-")[0]
        if (
            not entry.name.startswith(SCRATCH_PREFIX)
            or not pid_text.isdigit()
            or entry.is_symlink()
        ):
            continue
        if int(pid_text) != os.getpid() and _alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            shutil.rmtree(entry)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
