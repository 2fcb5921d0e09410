"""`newssite serve`: a preview that rebuilds on every save and reloads the browser.

The preview is built in memory and never written to output/, so drafts and scheduled
stories shown to the reporter cannot end up in a deploy. This module only decides *when*
to build; `build.render_files` does the work, reusing what is unchanged.
"""

from __future__ import annotations

import gc
import hashlib
import html
import ipaddress
import queue
import sys
import threading
import time
import unicodedata
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TextIO
from urllib.parse import unquote, urlsplit

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from newssite.build import PreviewMemo, preview_files, search_files
from newssite.cache import BuildCache
from newssite.config import CONFIG_NAME
from newssite.errors import is_content_failure, problems_of
from newssite.model import BuildOptions, Output
from newssite.search import SearchInterrupted
from newssite.search_parts import SEARCH_BUNDLE_URL
from newssite.sources import SourceFile, StatKey, is_ignored_name
from newssite.start import now_from_clock

EVENTS_PATH = "/__newssite__/events"
CLIENT_PATH = "/__newssite__/reload.js"
QUIET_SECONDS = 0.03  # long enough to merge an editor's rename-and-write save (a few ms)
# After the pages are published, the search index waits this long: its Python work would
# hold the interpreter while the server answers the open tabs' reloads.
SEARCH_PAUSE_SECONDS = 0.2
MAX_WAIT_SECONDS = 2.0
WATCHED_TOP_LEVEL = ("content", "static", "themes", CONFIG_NAME)
SEARCH_FOLDER = SEARCH_BUNDLE_URL.strip("/") + "/"  # the search index, served as it is made
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".atom": "application/atom+xml",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".pdf": "application/pdf",
    ".webmanifest": "application/manifest+json",
    ".mp4": "video/mp4",
    ".mp3": "audio/mpeg",
}
FEED_NAMES = ("feed.xml",)

RELOAD_CLIENT = """\
(function () {
  var version = document.documentElement.getAttribute("data-newssite-version");
  function overlay(text) {
    var old = document.getElementById("newssite-error");
    if (old) old.remove();
    if (!text) return;
    var box = document.createElement("div");
    box.id = "newssite-error";
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;inset:0 0 auto 0;z-index:2147483647;max-height:60vh;" +
      "overflow:auto;margin:0;padding:16px 20px;background:#8b0000;color:#fff;" +
      "font:14px/1.5 ui-monospace,monospace;white-space:pre-wrap;box-shadow:0 2px 12px #0006";
    var title = document.createElement("strong");
    title.textContent = "newssite: the last save broke the build; showing the last good page\\n\\n";
    box.appendChild(title);
    box.appendChild(document.createTextNode(text));
    document.body.appendChild(box);
  }
  var source = new EventSource("%EVENTS%?v=" + encodeURIComponent(version || ""));
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("error-report", function (event) { overlay(event.data); });
})();
"""


@dataclass(frozen=True, slots=True)
class Generation:
    """One complete preview: every file of a good build, and the error of a later bad one."""

    version: int
    files: Mapping[str, bytes | Path] = field(default_factory=dict)
    error: str = ""
    good_version: int = 0  # the version whose files are served


class PreviewState:
    """The generation being served; request threads wait on it for the next change."""

    def __init__(self) -> None:
        self._generation = Generation(0)
        self._changed = threading.Condition()

    @property
    def current(self) -> Generation:
        return self._generation

    def publish(self, files: Mapping[str, bytes | Path]) -> Generation:
        with self._changed:
            version = self._generation.version + 1
            self._generation = Generation(version, files, "", version)
            self._changed.notify_all()
            return self._generation

    def replace_folder(
        self, folder: str | tuple[str, ...], files: Mapping[str, bytes | Path]
    ) -> None:
        """Swap the files under folder for these: files no open page depends on (the search
        index), so no reload."""
        with self._changed:
            old = self._generation
            kept = {path: data for path, data in old.files.items() if not path.startswith(folder)}
            self._generation = replace(old, files={**kept, **files})

    def fail(self, error: str) -> Generation:
        with self._changed:
            old = self._generation
            self._generation = Generation(old.version + 1, old.files, error, old.good_version)
            self._changed.notify_all()
            return self._generation

    def wait_for_change(self, version: int, timeout: float) -> Generation:
        with self._changed:
            self._changed.wait_for(lambda: self._generation.version != version, timeout)
            return self._generation


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    names = {"localhost", "127.0.0.1", "[::1]", host if ":" not in host else f"[{host}]"}
    return frozenset({f"{name}:{port}" for name in names} | names)


def make_handler(
    state: PreviewState, hosts: frozenset[str], stop: threading.Event
) -> type[BaseHTTPRequestHandler]:
    """A read-only handler serving the in-memory generation; nothing maps to the disk but
    the static files the build listed."""

    class PreviewHandler(BaseHTTPRequestHandler):
        server_version = "newssite-preview"
        sys_version = ""
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return

        def handle(self) -> None:
            try:
                super().handle()
            except ConnectionError:
                return  # the browser went away mid-answer: a reload cancels its requests

        def do_GET(self) -> None:
            self._respond(send_body=True)

        def do_HEAD(self) -> None:
            self._respond(send_body=False)

        def _not_allowed(self) -> None:
            self._plain(
                HTTPStatus.METHOD_NOT_ALLOWED, "method not allowed\n", {"Allow": "GET, HEAD"}
            )

        do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = _not_allowed
        do_PROPFIND = do_CONNECT = do_MKCOL = do_COPY = do_MOVE = do_LOCK = _not_allowed

        def _plain(
            self,
            status: int,
            text: str,
            headers: Mapping[str, str] | None = None,
            body: bool = True,
        ) -> None:
            data = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-Content-Type-Options", "nosniff")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if body:
                self.wfile.write(data)

        def _respond(self, send_body: bool) -> None:
            if self.headers.get("Host", "").lower() not in hosts:
                self._plain(HTTPStatus.MISDIRECTED_REQUEST, "unknown host\n", body=send_body)
                return
            raw_path = urlsplit(self.path).path if not self.path.startswith("//") else "//"
            if raw_path == EVENTS_PATH:
                self._events()
                return
            if raw_path == CLIENT_PATH:
                client = RELOAD_CLIENT.replace("%EVENTS%", EVENTS_PATH).encode("utf-8")
                self._send(HTTPStatus.OK, client, CONTENT_TYPES[".js"], send_body)
                return
            generation = state.current
            key = request_key(raw_path)
            if key is None:
                self._not_found(generation, send_body)
                return
            found = generation.files.get(key) if key else None
            if found is None:
                index = f"{key}/index.html" if key else "index.html"
                if index in generation.files:
                    if raw_path.endswith("/"):
                        found, key = generation.files[index], index
                    else:
                        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                        self.send_header("Location", "/" + key.lstrip("/") + "/")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
            if found is None:
                self._not_found(generation, send_body)
                return
            self._send_file(key, found, generation, HTTPStatus.OK, send_body)

        def _not_found(self, generation: Generation, send_body: bool) -> None:
            page = generation.files.get("404.html")
            if page is None:
                self._plain(HTTPStatus.NOT_FOUND, "not found\n", body=send_body)
            else:
                self._send_file("404.html", page, generation, HTTPStatus.NOT_FOUND, send_body)

        def _send_file(
            self,
            key: str,
            found: bytes | Path,
            generation: Generation,
            status: int,
            send_body: bool,
        ) -> None:
            if isinstance(found, Path):
                try:
                    data = found.read_bytes()
                except OSError:
                    self._plain(HTTPStatus.NOT_FOUND, "not found\n", body=send_body)
                    return
            else:
                data = found
            content_type = content_type_of(key)
            if key.endswith(".html"):
                data = inject_preview(data, generation)
                self._send(status, data, content_type, send_body)
                return
            # Styles, scripts and photos: the browser asks again on every reload, and an
            # unchanged file costs a 304, not its bytes.
            tag = f'"{hashlib.sha1(data).hexdigest()}"'
            if status == HTTPStatus.OK and self.headers.get("If-None-Match") == tag:
                self.send_response(HTTPStatus.NOT_MODIFIED)
                self.send_header("ETag", tag)
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                return
            self._send(status, data, content_type, send_body, tag)

        def _send(
            self,
            status: int,
            data: bytes,
            content_type: str,
            send_body: bool,
            tag: str | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            if tag is None:
                self.send_header("Cache-Control", "no-store")
            else:
                self.send_header("Cache-Control", "no-cache")
                self.send_header("ETag", tag)
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if send_body:
                self.wfile.write(data)

        def _events(self) -> None:
            origin = self.headers.get("Origin")
            if origin is not None and urlsplit(origin).netloc.lower() not in hosts:
                self._plain(HTTPStatus.FORBIDDEN, "forbidden origin\n")
                return
            query = urlsplit(self.path).query
            seen = unquote(query.partition("v=")[2]) if "v=" in query else ""
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            generation = state.current
            try:
                if seen and seen != str(generation.good_version):
                    self._event("reload", str(generation.good_version))
                    return
                if generation.error:
                    self._event("error-report", generation.error)
                while not stop.is_set():
                    newer = state.wait_for_change(generation.version, timeout=15)
                    if newer.version == generation.version:
                        self.wfile.write(b": keep-alive\n\n")
                        self.wfile.flush()
                        continue
                    if newer.good_version != generation.good_version:
                        self._event("reload", str(newer.good_version))
                        return
                    self._event("error-report", newer.error)
                    generation = newer
            except (BrokenPipeError, ConnectionResetError, TimeoutError):
                return

        def _event(self, name: str, data: str) -> None:
            lines = "".join(f"data: {line}\n" for line in (data or "").split("\n"))
            self.wfile.write(f"event: {name}\n{lines}\n".encode())
            self.wfile.flush()

    return PreviewHandler


def request_key(raw_path: str) -> str | None:
    """The file key for a request path, or None for anything that tries to leave the site."""
    if "\\" in raw_path or raw_path.startswith("//") or "\x00" in raw_path:
        return None
    decoded = unquote(raw_path, errors="strict") if "%" in raw_path else raw_path
    if "\\" in decoded or "\x00" in decoded or ("%" in decoded and "%25" in raw_path):
        return None
    parts = [part for part in decoded.split("/") if part]
    if any(part in (".", "..") for part in parts):
        return None
    return unicodedata.normalize("NFC", "/".join(parts))


def content_type_of(key: str) -> str:
    name = key.rsplit("/", 1)[-1]
    if name in FEED_NAMES:
        return "application/atom+xml"
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return CONTENT_TYPES.get(suffix, "application/octet-stream")


def inject_preview(page: bytes, generation: Generation) -> bytes:
    """Add the reload script (and the error overlay, when the last save broke the build)."""
    snippet = f'<script src="{CLIENT_PATH}" async></script>'
    if generation.error:
        snippet = error_overlay_html(generation.error) + snippet
    text = page.decode("utf-8", "replace")
    text = text.replace("<html", f'<html data-newssite-version="{generation.good_version}"', 1)
    position = text.rfind("</body>")
    text = text[:position] + snippet + text[position:] if position >= 0 else text + snippet
    return text.encode("utf-8")


def error_overlay_html(error: str) -> str:
    return (
        '<div id="newssite-error" role="alert" style="position:fixed;inset:0 0 auto 0;'
        "z-index:2147483647;max-height:60vh;overflow:auto;margin:0;padding:16px 20px;"
        'background:#8b0000;color:#fff;font:14px/1.5 ui-monospace,monospace;white-space:pre-wrap">'
        "<strong>newssite: the last save broke the build; showing the last good page</strong>\n\n"
        f"{html.escape(error)}</div>"
    )


class _ChangeCollector(FileSystemEventHandler):
    """Watchdog callback: queue paths that matter and return at once."""

    def __init__(
        self, site_dir: Path, ignored_dirs: tuple[Path, ...], changes: queue.Queue[str]
    ) -> None:
        self.site_dir = site_dir.resolve()
        self.ignored_dirs = tuple(d.resolve() for d in ignored_dirs)
        self.changes = changes

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":
            return  # a file inside was added or removed: that file has its own event
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw and self._matters(Path(str(raw))):
                self.changes.put(str(raw))

    def _matters(self, path: Path) -> bool:
        try:
            relative = path.resolve().relative_to(self.site_dir)
        except (ValueError, OSError):
            return False
        if not relative.parts or relative.parts[0] not in WATCHED_TOP_LEVEL:
            return False
        if any(path.resolve().is_relative_to(ignored) for ignored in self.ignored_dirs):
            return False
        return not any(is_ignored_name(part) for part in relative.parts)


def wait_for_quiet(
    changes: queue.Queue[str], stop: threading.Event, clock: Callable[[], float] = time.monotonic
) -> list[str]:
    """Block until a change arrives, then until saves go quiet (a burst gives one rebuild)."""
    paths: list[str] = []
    while not stop.is_set():
        try:
            paths.append(changes.get(timeout=0.2))
            break
        except queue.Empty:
            continue
    first = clock()
    while not stop.is_set():
        remaining = min(QUIET_SECONDS, first + MAX_WAIT_SECONDS - clock())
        if remaining <= 0:
            break
        try:
            paths.append(changes.get(timeout=remaining))
        except queue.Empty:
            break
    return paths


class Previewer:
    """Builds the preview into a PreviewState; one build at a time, from one thread."""

    def __init__(
        self, site_dir: Path, options: BuildOptions, state: PreviewState, out: TextIO, err: TextIO
    ) -> None:
        self.site_dir = site_dir
        self.options = options
        self.state = state
        self.out = out
        self.err = err
        self.cache = BuildCache(None)
        self.known_sources: dict[str, tuple[StatKey, SourceFile]] = {}
        self.memo = PreviewMemo()
        self.builds = 0

    def rebuild(self, interrupted: Callable[[], bool] | None = None) -> bool:
        """Build and publish the pages, then index them for search. A newer edit that comes
        while the index is made (`interrupted()`) puts it off to the next rebuild."""
        # A full garbage collection would scan every object of the site (10,000 stories and
        # more) for ~0.3 s at any moment of a rebuild. None runs during one; after it, the
        # few cycles it made are collected and what survives is frozen (never scanned again,
        # still freed by reference counting).
        gc.disable()
        try:
            return self._rebuild(interrupted)
        finally:
            gc.collect()
            gc.freeze()
            gc.enable()

    def _rebuild(self, interrupted: Callable[[], bool] | None) -> bool:
        started = time.perf_counter()
        options = BuildOptions(
            drafts=self.options.drafts,
            future=self.options.future,
            base_url=self.options.base_url,
            now=now_from_clock(),
        )
        self.builds += 1
        try:
            preview = preview_files(
                self.site_dir,
                options,
                self.cache,
                self.known_sources,
                search=False,
                memo=self.memo,
            )
        except Exception as error:
            text = describe_failure(error)
            print(text, file=self.err)
            self.state.fail(text)
            return False
        previous = self.state.current.files
        files = self._files(preview.outputs, previous)
        for copy in preview.copies:
            files[copy.path] = copy.source
        # Each edition's index: "pagefind/", "uk/pagefind/".
        folders = tuple(shard.url.lstrip("/") for shard in preview.site.search) or (SEARCH_FOLDER,)
        if preview.site.search:  # the last index serves until the new one is made
            files.update(
                (path, data)
                for path, data in previous.items()
                if path.startswith(folders) and path not in files
            )
        # Pages first (open tabs reload now), then the search index, which no page shows.
        generation = self.state.publish(files)
        published = time.perf_counter()
        try:
            _pause(SEARCH_PAUSE_SECONDS, interrupted)
            index = search_files(
                self.site_dir, options, preview, self.cache, self.memo, interrupted
            )
            self.state.replace_folder(folders, self._files(index, previous))
            search_note = f"search index {(time.perf_counter() - published) * 1000:.0f} ms more"
        except SearchInterrupted:
            search_note = "search index put off: a newer edit came"
        except Exception as error:
            text = describe_failure(error)
            print(text, file=self.err)
            self.state.fail(text)
            return False
        for warning in preview.warnings:
            print(f"warning: {warning}", file=self.err)
        pages_ms = (published - started) * 1000
        print(
            f"rebuilt in {pages_ms:.0f} ms ({preview.plan.pages} pages, version {generation.version};"
            f" {search_note})",
            file=self.out,
        )
        return True

    @staticmethod
    def _files(
        outputs: list[Output], previous: Mapping[str, bytes | Path]
    ) -> dict[str, bytes | Path]:
        files: dict[str, bytes | Path] = {}
        for output in outputs:
            data = output.data if output.data is not None else previous.get(output.path)
            files[output.path] = data if data is not None else b""
        return files


def _pause(seconds: float, interrupted: Callable[[], bool] | None) -> None:
    """Sleep, or raise SearchInterrupted as soon as a newer edit comes."""
    deadline = time.perf_counter() + seconds
    while (left := deadline - time.perf_counter()) > 0:
        if interrupted is not None and interrupted():
            raise SearchInterrupted
        time.sleep(min(left, 0.01))


def describe_failure(error: BaseException) -> str:
    if is_content_failure(error):
        return "\n".join(str(problem) for problem in problems_of(error))
    return f"internal error: {type(error).__name__}: {error}"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def start_observer(
    site_dir: Path, handler: FileSystemEventHandler, poll: float | None, err: TextIO
) -> Observer:
    observer = PollingObserver(timeout=poll) if poll is not None else Observer()
    observer.schedule(handler, str(site_dir), recursive=True)
    try:
        observer.start()
    except OSError as error:
        print(
            f"warning: cannot watch files natively ({error}); raise fs.inotify.max_user_watches "
            "or use --poll. Falling back to polling every 0.5 s.",
            file=err,
        )
        observer = PollingObserver(timeout=0.5)
        observer.schedule(handler, str(site_dir), recursive=True)
        observer.start()
    return observer


def serve(
    site_dir: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    poll: float | None = None,
    drafts: bool = True,
    future: bool = True,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    ready: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Serve a live preview until Ctrl-C (or `stop` is set)."""
    stop = stop or threading.Event()
    state = PreviewState()
    server = ThreadingHTTPServer((host, port), BaseHTTPRequestHandler)
    server.daemon_threads = True
    bound_host, bound_port = server.server_address[:2]
    shown_host = host if ":" not in host else f"[{host}]"
    url = f"http://{shown_host}:{bound_port}/"
    options = BuildOptions(drafts=drafts, future=future, base_url=url)
    server.RequestHandlerClass = make_handler(state, allowed_hosts(host, bound_port), stop)
    previewer = Previewer(site_dir, options, state, out, err)
    previewer.rebuild()

    changes: queue.Queue[str] = queue.Queue()
    output_dir = site_dir / "output"
    collector = _ChangeCollector(site_dir, (output_dir, site_dir / ".newssite-cache"), changes)
    # Watchdog's inotify observer warns about every folder made inside the watched tree
    # ("Callback with id ... already exists"), and each search index is made in a scratch
    # folder in .newssite-cache; the events are ignored above, so the warning is noise.
    warnings.filterwarnings("ignore", "Callback with id", RuntimeWarning, "watchdog")
    observer = start_observer(site_dir, collector, poll, err)

    def build_loop() -> None:
        while not stop.is_set():
            if wait_for_quiet(changes, stop):
                previewer.rebuild(interrupted=lambda: not changes.empty() or stop.is_set())

    builder = threading.Thread(target=build_loop, name="newssite-build", daemon=True)
    builder.start()
    server_thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True
    )
    server_thread.start()
    if not is_loopback(str(bound_host)):
        print(
            f"warning: listening on {bound_host}, so other machines on your network can see this "
            "preview, drafts included",
            file=err,
        )
    try:
        # Inside the try: a Ctrl-C right after this line is announced must still stop cleanly.
        print(
            f"Previewing {site_dir.resolve()} at {url} (drafts and scheduled stories shown). Ctrl-C stops.",
            file=out,
        )
        out.flush()
        if ready is not None:
            ready(url)
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        print("\nStopped.", file=out)
    finally:
        stop.set()
        observer.stop()
        server.shutdown()
        server.server_close()
        observer.join(timeout=2)
    return 0
