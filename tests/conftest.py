"""What the tests share: tiny sites written into tmp_path, the real CLI run in-process, a
clean build to compare against (and same_site, which compares an output with it), a
loopback static server and the headless Chromium.

tests/README.md says what each helper is for and how the suite is organised.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import io
import json
import os
import shutil
import textwrap
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from newssite.cli import main

if TYPE_CHECKING:
    from playwright.sync_api import Browser

REPO = Path(__file__).resolve().parents[1]
FIXED_NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
FIXED_EPOCH = str(int(FIXED_NOW.timestamp()))
CHROMIUM = Path("/usr/bin/chromium")
# Debian's Chromium, headless, with nothing that reaches for the network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

DEFAULT_CONFIG = """\
title = "The Test Gazette"
base_url = "https://gazette.example/"
language = "en"
timezone = "Europe/Kyiv"
per_page = 3

[[sections]]
slug = "news"
title = "News"

[[sections]]
slug = "sports"
title = "Sports"
"""

DEFAULT_AUTHOR = "---\nname: Ana Ruiz\nrole: Reporter\n---\nAna covers city hall.\n"


def story(
    title: str = "Council passes budget",
    *,
    date: str = "2026-11-20T10:00:00+02:00",
    author: str = "ana",
    section: str = "news",
    body: str = "The council voted on Tuesday.\n",
    **extra: str,
) -> str:
    """A valid article source; extra front-matter lines are given as raw YAML values."""
    lines = [
        f"title: {title!r}" if not title.startswith("!") else f"title: {title[1:]}",
        f"date: {date}",
        f"author: {author}",
        f"section: {section}",
    ]
    lines += [f"{key}: {value}" for key, value in extra.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


MakeSite = Callable[[Mapping[str, str | bytes]], Path]


def png_bytes(colour: str | tuple[int, int, int] = (40, 90, 140)) -> bytes:
    """A plain 1200x800 PNG: a story photo or a portrait for a test site."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def make_site(tmp_path: Path) -> MakeSite:
    """Write a site: the given files over a default config and one author (ana)."""

    def make(files: Mapping[str, str | bytes], *, config: str = DEFAULT_CONFIG) -> Path:
        site = tmp_path / "site"
        site.mkdir(exist_ok=True)
        all_files: dict[str, str | bytes] = {
            "newssite.toml": config,
            "content/authors/ana.md": DEFAULT_AUTHOR,
        }
        all_files.update(files)
        dedented = {
            name: textwrap.dedent(content)
            if isinstance(content, str) and content.startswith("\n")
            else content
            for name, content in all_files.items()
        }
        return write_files(site, dedented)

    return make  # type: ignore[return-value]


def write_files(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write each file (text as UTF-8) under root, making folders as needed; returns root."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def copy_demo(site: Path) -> Path:
    """The repository's demo outlet (config, content, static, themes) copied to site."""
    site.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "newssite.toml", site / "newssite.toml")
    for name in ("content", "static", "themes"):
        shutil.copytree(REPO / name, site / name)
    return site


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_cli(*args: str, env: Mapping[str, str] | None = None) -> Result:
    """Run the real command line in-process and capture what it prints."""
    out, err = io.StringIO(), io.StringIO()
    saved = dict(os.environ)
    os.environ.setdefault("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    if env:
        os.environ.update(env)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exit_:
                code = int(exit_.code or 0)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return Result(code, out.getvalue(), err.getvalue())


def count_pagefind_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one each time a build runs Pagefind (from now on)."""
    import newssite.search

    runs: list[int] = []
    real_run = newssite.search._run_pagefind

    def counting_run(*args: Any, **kwargs: Any) -> Any:
        runs.append(1)
        return real_run(*args, **kwargs)

    monkeypatch.setattr(newssite.search, "_run_pagefind", counting_run)
    return runs


def build_ok(site: Path, *args: str, env: Mapping[str, str] | None = None) -> Result:
    """`newssite build --site site ...`, which must succeed without a traceback."""
    result = run_cli("build", "--site", str(site), *args, env=env)
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    return result


def tree_digest(root: Path) -> dict[str, str]:
    """Every file under root with the sha256 of its bytes (for "output untouched" checks)."""
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def staging_leftovers(site: Path) -> list[str]:
    """Staging folders a build left beside output/ (there must be none after it ends)."""
    return sorted(
        p.name for p in site.iterdir() if p.name.startswith(("output.tmp-", "output.old-"))
    )


def assert_rejected(result: Result, site: Path, digest: Mapping[str, str]) -> None:
    """A build that refused its input: exit code 1, no traceback, output/ exactly as it was
    (digest is its tree_digest from before) and no staging folders left beside it."""
    assert result.code == 1, f"exit {result.code}, stderr:\n{result.err}"
    assert "Traceback" not in result.err, result.err
    assert tree_digest(site / "output") == digest, "output/ was changed"
    assert staging_leftovers(site) == []


# What a clean build leaves out of its copy of the sources: the last build and its records.
NOT_SOURCES = shutil.ignore_patterns("output", ".newssite-cache", "output.lock")


def clean_build(
    site: Path, where: Path, *args: str, env: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Build the site from scratch, as a first build would, and return its tree_digest.

    The sources of site (not its output/, cache or lock) are copied into the folder where,
    which is emptied first, and built there with `newssite build ...args`; site itself is not
    touched. Comparing this digest with site/output is how a test shows that an update, a
    rebuild or the preview gives a clean build's bytes."""
    assert not site.resolve().is_relative_to(where.resolve()), "where would hold the site"
    shutil.rmtree(where, ignore_errors=True)
    shutil.copytree(site, where, ignore=NOT_SOURCES)
    build_ok(where, *args, env=env)
    return tree_digest(where / "output")


# An update lays out the search index's levels as its history goes, a clean build in one:
# they are compared by what search finds (same_site), every other file byte for byte.
SIGNATURE = b"pagefind_dcd"


def searchable(output: Path, index: str = "pagefind") -> dict[str, dict[str, Any]]:
    """URL -> what search shows of it (text, meta, filters), over every level of the index
    in the folder `index` ("pagefind", or an edition's: "uk/pagefind")."""
    listing = json.loads((output / index / "levels.json").read_text())
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


def search_index_of(path: str) -> str | None:
    """The search index folder a file of output/ belongs to ("pagefind", "uk/pagefind")."""
    parts = path.split("/")
    if parts[0] == "pagefind":
        return "pagefind"
    if len(parts) > 2 and parts[1] == "pagefind":
        return f"{parts[0]}/pagefind"
    return None


def without_search(tree: dict[str, str]) -> dict[str, str]:
    """A tree_digest less the search indexes, which an update lays out in other levels."""
    return {path: digest for path, digest in tree.items() if search_index_of(path) is None}


def same_site(site_output: Path, clean_output: Path) -> list[str]:
    """What differs between an updated output/ and a clean build's: files byte for byte
    outside the search indexes, and what search finds in each (each edition has its own)."""
    found, expected = tree_digest(site_output), tree_digest(clean_output)
    problems = [
        path
        for path in sorted(set(without_search(found)) | set(without_search(expected)))
        if found.get(path) != expected.get(path)
    ]
    indexes = {search_index_of(path) for path in (*found, *expected)} - {None}
    for index in sorted(i for i in indexes if i is not None):
        shown, wanted = searchable(site_output, index), searchable(clean_output, index)
        problems += [
            f"search ({index}): {url}"
            for url in sorted(set(shown) | set(wanted))
            if shown.get(url) != wanted.get(url)
        ]
    return problems


@pytest.fixture
def cli() -> Callable[..., Result]:
    return run_cli


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a browser dropping a connection is not a test failure


@contextlib.contextmanager
def static_server(
    root: Path, *, prefix: str = "", before_get: Callable[[str], None] | None = None
) -> Iterator[str]:
    """Serve the folder root read-only over HTTP on 127.0.0.1 (a free port) from a thread, as
    static hosting would; yields the origin, "http://127.0.0.1:PORT" (no trailing slash).

    prefix="ledger" serves root at /ledger/ instead (a host serving a sub-path); any other
    path is a 404. before_get, if given, is called with each GET's path before it is
    answered (to slow some files down, say)."""
    mount = f"/{prefix.strip('/')}" if prefix else ""

    class Handler(SimpleHTTPRequestHandler):
        def send_head(self) -> Any:
            if mount and not (self.path == mount or self.path.startswith(mount + "/")):
                self.send_error(HTTPStatus.NOT_FOUND)
                return None
            return super().send_head()

        def translate_path(self, path: str) -> str:
            return super().translate_path(path[len(mount) :])

        def do_GET(self) -> None:
            if before_get is not None:
                before_get(self.path)
            super().do_GET()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = _QuietServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextlib.contextmanager
def launch_chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless with CHROMIUM_ARGS, driven by Playwright; closed at the end.
    Browsers are never downloaded: without /usr/bin/chromium the test fails saying so."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium package "
            "(.ci/run installs it; locally: apt-get install chromium)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """One headless Chromium for a test module's browser tests (see launch_chromium)."""
    with launch_chromium() as browser:
        yield browser
