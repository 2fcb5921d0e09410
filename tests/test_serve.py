"""The preview server: rebuilds on every kind of save, reloads the browser, and stays read-only."""

from __future__ import annotations

import contextlib
import gzip
import http.client
import io
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import (
    FIXED_EPOCH,
    SIGNATURE,
    MakeSite,
    launch_chromium,
    run_cli,
    search_index_of,
    searchable,
    story,
)
from newssite.search_merge import unpacked
from newssite.serve import serve

INJECTED = re.compile(
    rb' data-newssite-version="\d+"|<script src="/__newssite__/reload.js" async></script>'
)


class SafeBuffer(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()

    def write(self, text: str) -> int:
        with self.lock:
            return super().write(text)


@dataclass
class Preview:
    url: str
    port: int
    site: Path
    out: SafeBuffer
    err: SafeBuffer

    def builds(self) -> int:
        return self.out.getvalue().count("rebuilt in")

    def wait_for_builds(self, count: int, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while self.builds() < count:
            assert time.monotonic() < deadline, f"expected {count} builds: {self.out.getvalue()}"
            time.sleep(0.05)

    def settle(self, quiet: float = 1.0) -> None:
        """Wait until no build has happened for `quiet` seconds."""
        last, since = self.builds(), time.monotonic()
        while time.monotonic() - since < quiet:
            time.sleep(0.05)
            if self.builds() != last:
                last, since = self.builds(), time.monotonic()

    def get(
        self, path: str, method: str = "GET", headers: dict[str, str] | None = None
    ) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        all_headers = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        for name, value in all_headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        response.body = response.read() if method != "HEAD" else b""  # type: ignore[attr-defined]
        connection.close()
        return response


def site_files() -> dict[str, str]:
    return {
        "content/articles/harbor.md": story(
            "Harbor reopens", date="2026-11-20T10:00:00+02:00", tags="[Harbor]"
        ),
        "content/articles/vote.md": story(
            "Council vote", date="2026-11-21T10:00:00+02:00", tags="[Harbor]"
        ),
        "content/articles/draft.md": story("Draft in progress", draft="true"),
        "static/notes.txt": "static file\n",
    }


@pytest.fixture
def preview(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> Iterator[Preview]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    site = make_site(site_files())
    (site.parent / "secret.txt").write_text("TOP SECRET\n")
    with running_preview(site) as preview:
        preview.wait_for_builds(1)
        time.sleep(0.3)  # let the watcher settle before tests write files
        yield preview


@contextlib.contextmanager
def running_preview(site: Path, **options: object) -> Iterator[Preview]:
    """`serve` in a thread on a free port, stopped when the block ends."""
    out, err = SafeBuffer(), SafeBuffer()
    stop = threading.Event()
    ready: list[str] = []
    kwargs = {"port": 0, "out": out, "err": err, "stop": stop, "ready": ready.append, **options}
    thread = threading.Thread(target=serve, args=(site,), kwargs=kwargs, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not ready:
            assert time.monotonic() < deadline, err.getvalue()
            time.sleep(0.05)
        yield Preview(ready[0], int(ready[0].rsplit(":", 1)[1].strip("/")), site, out, err)
    finally:
        stop.set()
        thread.join(timeout=10)


def served_equals_clean_build(preview: Preview, tmp_path: Path) -> None:
    """Every file of a clean build (same clock, drafts, address) is served byte for byte."""
    clean = tmp_path / f"clean-{time.monotonic_ns()}"
    result = run_cli(
        "build",
        "--site",
        str(preview.site),
        "--output",
        str(clean),
        "--drafts",
        "--future",
        "--base-url",
        preview.url,
    )
    assert result.code == 0, result.err
    files = sorted(p for p in clean.rglob("*") if p.is_file())
    assert files
    for path in files:
        relative = path.relative_to(clean).as_posix()
        if search_index_of(relative) is not None:
            continue  # carried on from the last rebuild: compared by what it finds, below
        response = preview.get("/" + relative)
        assert response.status == 200, relative
        assert INJECTED.sub(b"", response.body) == path.read_bytes(), relative  # type: ignore[attr-defined]
    if (clean / "pagefind").is_dir():
        assert served_search(preview) == searchable(clean)


class TornRead(AssertionError):
    """A file the served index names is not served: the index was swapped for a newer one
    between two requests, or it names a file it does not hold."""


def served_search(preview: Preview) -> dict[str, dict[str, object]]:
    """URL -> what the served search index shows of it (as test_search_index.searchable
    reads a built one): each level of levels.json, the pages its metadata lists, their
    fragments less the hidden ones. An update keeps a withdrawn story in its level, hidden,
    so the files differ from a clean build's while what search finds must not."""
    listing = json.loads(preview.get("/pagefind/levels.json").body)  # type: ignore[attr-defined]
    found: dict[str, dict[str, object]] = {}
    for level in listing["levels"]:
        folder, hidden = "/" + level["folder"], set(level["hidden"])
        served_entry = preview.get(folder + "pagefind-entry.json")
        if served_entry.status != 200:
            raise TornRead(folder)
        entry = json.loads(served_entry.body)  # type: ignore[attr-defined]
        for language in entry["languages"].values():
            meta = preview.get(f"{folder}pagefind.{language['hash']}.pf_meta")
            if meta.status != 200:
                raise TornRead(folder)
            for fragment, _ in unpacked(meta.body)[1]:  # type: ignore[attr-defined]
                if fragment in hidden:
                    continue
                served = preview.get(f"{folder}fragment/{fragment}.pf_fragment")
                if served.status != 200:
                    raise TornRead((folder, fragment))
                record = json.loads(gzip.decompress(served.body)[len(SIGNATURE) :])  # type: ignore[attr-defined]
                assert record["url"] not in found, f"two versions of {record['url']} shown"
                found[record["url"]] = {k: record[k] for k in ("content", "meta", "filters")}
    return found


def write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


def test_edit_new_delete_and_rename_end_in_a_clean_build(preview: Preview, tmp_path: Path) -> None:
    articles = preview.site / "content/articles"
    steps: list[Callable[[], None]] = [
        lambda: (articles / "harbor.md").write_text(
            story("Harbor reopens at dawn", date="2026-11-20T10:00:00+02:00")
        ),
        lambda: (articles / "new.md").write_text(
            story("A brand new story", date="2026-11-22T10:00:00+02:00")
        ),
        lambda: (articles / "vote.md").unlink(),
        lambda: os.rename(articles / "new.md", articles / "renamed.md"),
        lambda: write_atomically(
            articles / "harbor.md", story("Atomic headline", tags="[Ferries]")
        ),
        lambda: (preview.site / "content/authors/ana.md").write_text(
            "---\nname: Ana Ruiz-Soto\n---\nNew bio.\n"
        ),
    ]
    for step in steps:
        before = preview.builds()
        step()
        preview.wait_for_builds(before + 1)
        preview.settle(0.5)
        served_equals_clean_build(preview, tmp_path)
    home = preview.get("/").body  # type: ignore[attr-defined]
    assert b"Atomic headline" in home and b"Ana Ruiz-Soto" in home and b"Council vote" not in home
    assert preview.get("/news/vote/").status == 404
    assert preview.get("/news/renamed/").status == 200


def test_vim_style_save_is_one_rebuild_and_never_a_deletion(preview: Preview) -> None:
    path = preview.site / "content/articles/harbor.md"
    before = preview.builds()
    backup = path.with_name("harbor.md~")
    os.rename(path, backup)
    (path.parent / ".harbor.md.swp").write_text("swap")
    path.write_text(story("Saved from vim", date="2026-11-20T10:00:00+02:00"))
    backup.unlink()
    (path.parent / ".harbor.md.swp").unlink()
    preview.wait_for_builds(before + 1)
    preview.settle(1.0)
    assert preview.builds() == before + 1
    assert b"Saved from vim" in preview.get("/news/harbor/").body  # type: ignore[attr-defined]
    assert preview.err.getvalue().count("harbor.md") == 0


def test_swap_backup_and_dot_files_cause_no_rebuild(preview: Preview) -> None:
    before = preview.builds()
    articles = preview.site / "content/articles"
    for name in (
        ".vote.md.swp",
        "4913",
        "vote.md~",
        ".#vote.md",
        ".DS_Store",
        ".goutputstream-XYZ",
    ):
        (articles / name).write_text("junk")
        (articles / name).unlink()
    (preview.site / "output").mkdir(exist_ok=True)
    (preview.site / "output/index.html").write_text("not ours")
    (preview.site / ".newssite-cache").mkdir(exist_ok=True)
    (preview.site / ".newssite-cache/x").write_text("cache")
    time.sleep(1.5)
    assert preview.builds() == before


def test_a_burst_of_files_is_one_rebuild(preview: Preview) -> None:
    before = preview.builds()
    folder = preview.site / "content/articles/2026/11"
    folder.mkdir(parents=True)
    for n in range(200):
        (folder / f"burst-{n:03d}.md").write_text(
            story(f"Burst story {n}", date="2026-11-10T10:00:00+02:00")
        )
    preview.wait_for_builds(before + 1)
    preview.settle(1.0)
    assert preview.builds() <= before + 2
    assert preview.get("/news/burst-199/").status == 200


def test_a_broken_save_keeps_the_last_good_pages_and_reports_the_error(preview: Preview) -> None:
    path = preview.site / "content/articles/harbor.md"
    before = preview.builds()
    path.write_text("---\ntitle: [unclosed\ndate: 2026-11-20\n---\nBody\n")
    deadline = time.monotonic() + 10
    while "content/articles/harbor.md:2" not in preview.err.getvalue():
        assert time.monotonic() < deadline, preview.err.getvalue()
        time.sleep(0.05)
    page = preview.get("/news/harbor/")
    assert page.status == 200
    assert b"Harbor reopens" in page.body  # type: ignore[attr-defined]
    assert b'id="newssite-error"' in page.body and b"content/articles/harbor.md:2" in page.body  # type: ignore[attr-defined]
    path.write_text(story("Harbor fixed", date="2026-11-20T10:00:00+02:00"))
    preview.wait_for_builds(before + 1)
    page = preview.get("/news/harbor/")
    assert b"Harbor fixed" in page.body and b"newssite-error" not in page.body  # type: ignore[attr-defined]


def test_template_and_config_edits_rebuild_every_page_that_uses_them(
    preview: Preview, tmp_path: Path
) -> None:
    templates = preview.site / "themes/default/templates"
    templates.mkdir(parents=True)
    before = preview.builds()
    (templates / "article.html").write_text(
        '{% extends "default/article.html" %}{% block content %}<p class="marker">OVERRIDE</p>{{ super() }}{% endblock %}'
    )
    preview.wait_for_builds(before + 1)
    preview.settle(0.5)
    assert b"OVERRIDE" in preview.get("/news/harbor/").body  # type: ignore[attr-defined]
    config = preview.site / "newssite.toml"
    config.write_text(config.read_text().replace("The Test Gazette", "The Renamed Gazette"))
    preview.wait_for_builds(before + 2)
    preview.settle(0.5)
    assert b"The Renamed Gazette" in preview.get("/news/vote/").body  # type: ignore[attr-defined]
    served_equals_clean_build(preview, tmp_path)


SECRET_PATHS = [
    "/../secret.txt",
    "/%2e%2e/secret.txt",
    "/..%2fsecret.txt",
    "/%2e%2e%2fsecret.txt",
    "/.%2e/secret.txt",
    "/..\\secret.txt",
    "/%252e%252e/secret.txt",
    "//secret.txt",
    "/news/../../secret.txt",
]


@pytest.mark.parametrize("path", SECRET_PATHS)
def test_no_path_leaves_the_site(preview: Preview, path: str) -> None:
    response = preview.get(path)
    assert response.status == 404
    assert b"TOP SECRET" not in response.body and str(preview.site).encode() not in response.body  # type: ignore[attr-defined]


def test_symlinks_out_of_the_site_are_not_served(preview: Preview) -> None:
    before = preview.builds()
    (preview.site / "static/leak.txt").symlink_to(preview.site.parent / "secret.txt")
    preview.wait_for_builds(before + 1, timeout=5) if False else time.sleep(1.5)
    response = preview.get("/leak.txt")
    assert response.status == 404
    assert b"TOP SECRET" not in response.body  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"]
)
def test_only_get_and_head_are_allowed(preview: Preview, method: str) -> None:
    response = preview.get("/", method=method)
    assert response.status == 405
    assert response.getheader("Allow") == "GET, HEAD"


def test_head_matches_get(preview: Preview) -> None:
    get = preview.get("/news/harbor/")
    head = preview.get("/news/harbor/", method="HEAD")
    assert head.status == 200 and head.body == b""  # type: ignore[attr-defined]
    assert head.getheader("Content-Length") == str(len(get.body))  # type: ignore[attr-defined]
    assert head.getheader("Content-Type") == get.getheader("Content-Type")


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/theme/style.css", "text/css; charset=utf-8"),
        ("/theme/newsfeed.js", "text/javascript; charset=utf-8"),
        ("/latest.json", "application/json"),
        ("/feed.xml", "application/atom+xml"),
        ("/sitemap.xml", "application/xml"),
        ("/theme/favicon.svg", "image/svg+xml"),
        ("/notes.txt", "text/plain; charset=utf-8"),
    ],
)
def test_content_types(preview: Preview, path: str, content_type: str) -> None:
    response = preview.get(path)
    assert response.status == 200
    assert response.getheader("Content-Type") == content_type
    assert response.getheader("X-Content-Type-Options") == "nosniff"


def test_directories_redirect_and_are_never_listed(preview: Preview) -> None:
    response = preview.get("/news/harbor")
    assert response.status == 301 and response.getheader("Location") == "/news/harbor/"
    assert preview.get("/theme/").status == 404
    assert preview.get("/news/harbor/").status == 200


def test_missing_pages_get_the_404_page_with_the_path_escaped(preview: Preview) -> None:
    response = preview.get("/<script>alert(1)</script>")
    assert response.status == 404
    assert b"<script>alert(1)</script>" not in response.body  # type: ignore[attr-defined]
    assert b"<h1" in response.body  # type: ignore[attr-defined]


def test_reload_channel_refuses_other_origins_and_hosts(preview: Preview) -> None:
    assert (
        preview.get("/__newssite__/events", headers={"Origin": "https://evil.example"}).status
        == 403
    )
    assert preview.get("/", headers={"Host": "attacker.example"}).status == 421


def test_built_output_carries_no_preview_code(preview: Preview, tmp_path: Path) -> None:
    result = run_cli("build", "--site", str(preview.site), "--output", str(tmp_path / "out"))
    assert result.code == 0
    for path in (tmp_path / "out").rglob("*.html"):
        assert b"__newssite__" not in path.read_bytes()
    assert b"__newssite__/reload.js" in preview.get("/").body  # type: ignore[attr-defined]


def test_ctrl_c_stops_cleanly(make_site: MakeSite) -> None:
    site = make_site(site_files())
    process = subprocess.Popen(
        [sys.executable, "-m", "newssite", "serve", "--site", str(site), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = ""
        deadline = time.monotonic() + 20
        while "Previewing" not in line:
            assert time.monotonic() < deadline
            line = process.stdout.readline()
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 0
    assert "Traceback" not in stderr


def test_non_loopback_host_warns(make_site: MakeSite) -> None:
    with running_preview(make_site(site_files()), host="0.0.0.0") as preview:
        pass
    assert "other machines on your network" in preview.err.getvalue()


@pytest.mark.browser
def test_open_tab_reloads_on_save_and_shows_then_clears_the_error_overlay(preview: Preview) -> None:
    from playwright.sync_api import expect

    path = preview.site / "content/articles/harbor.md"
    with launch_chromium() as browser:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(preview.url + "news/harbor/")
        expect(page.locator("h1")).to_have_text("Harbor reopens")
        page.wait_for_timeout(300)  # the event stream connects

        write_atomically(
            path, story("Harbor reopens after repairs", date="2026-11-20T10:00:00+02:00")
        )
        expect(page.locator("h1")).to_have_text("Harbor reopens after repairs", timeout=10_000)

        path.write_text("---\ntitle: [unclosed\ndate: 2026-11-20\n---\nBody\n")
        overlay = page.locator("#newssite-error")
        expect(overlay).to_be_visible(timeout=10_000)
        expect(overlay).to_contain_text("content/articles/harbor.md:2")
        expect(page.locator("h1")).to_have_text("Harbor reopens after repairs")

        second = browser.new_page()
        second.goto(preview.url + "news/vote/")
        expect(second.locator("#newssite-error")).to_be_visible()

        path.write_text(story("Harbor fixed for good", date="2026-11-20T10:00:00+02:00"))
        expect(page.locator("h1")).to_have_text("Harbor fixed for good", timeout=10_000)
        expect(page.locator("#newssite-error")).to_have_count(0)
        expect(second.locator("#newssite-error")).to_have_count(0, timeout=10_000)
    assert errors == []


def test_polling_watcher_merges_an_atomic_save_into_one_rebuild(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    site = make_site(site_files())
    with running_preview(site, poll=0.2) as preview:
        time.sleep(0.6)
        before = preview.builds()
        write_atomically(
            site / "content/articles/harbor.md",
            story("Polled headline", date="2026-11-20T10:00:00+02:00"),
        )
        preview.wait_for_builds(before + 1)
        preview.settle(1.0)
        assert preview.builds() == before + 1
        assert b"Polled headline" in preview.get("/news/harbor/").body  # type: ignore[attr-defined]


def test_saves_during_a_rebuild_end_in_the_last_saved_state(preview: Preview) -> None:
    path = preview.site / "content/articles/harbor.md"
    for n in range(8):
        path.write_text(story(f"Rapid edit {n}", date="2026-11-20T10:00:00+02:00"))
        time.sleep(0.03 * (n % 3))
    preview.settle(1.5)
    assert b"Rapid edit 7" in preview.get("/news/harbor/").body  # type: ignore[attr-defined]


def test_search_index_catches_up_with_edits_that_interrupt_it(
    preview: Preview, tmp_path: Path
) -> None:
    def pagefind_files() -> set[str]:
        clean = tmp_path / f"index-{time.monotonic_ns()}"
        result = run_cli(
            "build", "--site", str(preview.site), "--output", str(clean), "--drafts", "--future"
        )
        assert result.code == 0, result.err
        return {p.relative_to(clean).as_posix() for p in (clean / "pagefind").rglob("*")}

    before = pagefind_files()
    path = preview.site / "content/articles/harbor.md"
    for n in range(6):  # each save lands while the last one's index is being made
        body = f"Rapid edit {n} about the ferry timetable and the {n}th harbor crane.\n"
        path.write_text(story("Harbor reopens", date="2026-11-20T10:00:00+02:00", body=body))
        time.sleep(0.12)

    def caught_up() -> bool:
        try:
            shown = served_search(preview)
        except TornRead:  # swapped between two requests while the edits still land
            return False
        return any("5th harbor crane" in str(record["content"]) for record in shown.values())

    deadline = time.monotonic() + 120
    while not caught_up():
        assert time.monotonic() < deadline, preview.out.getvalue()  # the index never caught up
        time.sleep(0.1)
    served_equals_clean_build(preview, tmp_path)
    gone = before - pagefind_files()
    assert gone, "the edits should have changed the index files"
    for relative in gone:
        assert preview.get("/" + relative).status == 404, relative


def test_a_browser_that_goes_away_mid_answer_is_no_error(
    preview: Preview, capsys: pytest.CaptureFixture[str]
) -> None:
    big = "x" * 8_000_000
    (preview.site / "static/big.txt").write_text(big)
    preview.wait_for_builds(2)
    for _ in range(5):
        client = socket.create_connection(("127.0.0.1", preview.port))
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        client.sendall(f"GET /big.txt HTTP/1.1\r\nHost: 127.0.0.1:{preview.port}\r\n\r\n".encode())
        client.recv(100)  # the answer has begun
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()  # a reset, as when a tab reloads while a photo is coming
    time.sleep(0.5)
    assert preview.get("/big.txt").body == big.encode()  # type: ignore[attr-defined]
    assert "Traceback" not in preview.err.getvalue() + capsys.readouterr().err


def test_assets_are_revalidated_and_pages_never_cached(preview: Preview) -> None:
    first = preview.get("/notes.txt")
    tag = first.getheader("ETag")
    assert first.status == 200 and tag and first.getheader("Cache-Control") == "no-cache"
    again = preview.get("/notes.txt", headers={"If-None-Match": tag})
    assert again.status == 304 and again.body == b""  # type: ignore[attr-defined]
    (preview.site / "static/notes.txt").write_text("static file, edited\n")
    preview.wait_for_builds(2)
    changed = preview.get("/notes.txt", headers={"If-None-Match": tag})
    assert changed.status == 200 and changed.body == b"static file, edited\n"  # type: ignore[attr-defined]
    page = preview.get("/news/harbor/", headers={"If-None-Match": tag})
    assert page.status == 200 and page.getheader("Cache-Control") == "no-store"
    assert page.getheader("ETag") is None


def test_url_collisions_and_alias_clashes_are_caught_after_earlier_good_builds(
    preview: Preview,
) -> None:
    def wait_for_error(text: str) -> None:
        deadline = time.monotonic() + 10
        while text not in preview.err.getvalue():
            assert time.monotonic() < deadline, preview.err.getvalue()
            time.sleep(0.05)

    articles = preview.site / "content/articles"
    (articles / "copy.md").write_text(story("Harbor again", slug="harbor"))
    wait_for_error("all map to the URL /news/harbor/")
    (articles / "copy.md").write_text(story("Harbor again", slug="harbor-again"))
    before = preview.builds()
    preview.wait_for_builds(before + 1)
    (articles / "copy.md").write_text(story("Harbor again", aliases="['/news/vote/']"))
    wait_for_error("/news/vote/ is already the URL of content/articles/vote.md")
