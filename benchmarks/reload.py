"""Save-to-reloaded-page time of `newssite serve`, measured in headless Chromium.

    python benchmarks/reload.py                     # the demo site in this repository
    python benchmarks/reload.py --articles 10000    # a generated corpus (see below)
    python benchmarks/reload.py --site DIR          # any site

The site is copied to a temporary folder and previewed by `newssite serve` in its own
process, as a reporter runs it; one story's headline is edited N times and the time from
the write to the open tab showing the new headline is reported. Each edit waits for the
previous rebuild to end, search index included (a reporter reads the page first).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import CORPUS_NOTE, REPO, copy_site, make_corpus, summary
from playwright.sync_api import sync_playwright

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

# When the reloaded page was first painted (the new headline shown), in the epoch's ms.
FIRST_PAINT = """() => {
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  return performance.timeOrigin + (paint ? paint.startTime : performance.now());
}"""


def pick_story(site: Path) -> Path:
    stories = sorted((site / "content/articles").rglob("*.md"))
    for path in stories:
        text = path.read_text()
        if "draft: true" not in text and "\ntitle:" in text:
            return path
    raise SystemExit("no story found")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__,
        epilog=CORPUS_NOTE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--site", type=Path, help="a site folder (default: this repository's demo)")
    parser.add_argument(
        "--articles", type=int, help="generate a corpus of this many stories instead"
    )
    parser.add_argument("--edits", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        where = Path(temporary)
        source = make_corpus(args.articles, where) if args.articles else (args.site or REPO)
        site = copy_site(source, where)
        story = pick_story(site)
        original = story.read_text()
        title_line = next(line for line in original.splitlines() if line.startswith("title:"))
        started = time.perf_counter()
        server = subprocess.Popen(
            [sys.executable, "-m", "newssite", "serve", "--site", str(site), "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        out = ServerOutput(server)
        ready = out.wait_for(lambda lines: [x for x in lines if x.startswith("Previewing ")])
        url = "http://" + ready[0].split(" at http://", 1)[1].split("/", 1)[0] + "/"
        print(f"first build and server start: {time.perf_counter() - started:.2f} s")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            page = browser.new_page()
            page.goto(url)
            link = page.locator(
                "a", has_text=title_line.split(":", 1)[1].strip().strip("'\"")[:30]
            ).first
            slug_url = link.get_attribute("href") if link.count() else None
            if slug_url is None:
                section = next(
                    line for line in original.splitlines() if line.startswith("section:")
                )
                slug_url = f"/{section.split(':', 1)[1].strip().strip(chr(34))}/{story.stem}/"
            page.goto(url.rstrip("/") + slug_url)
            page.wait_for_timeout(500)
            samples, painted = [], []
            for n in range(args.edits):
                marker = f"Edited headline number {n}"
                text = original.replace(title_line, f'title: "{marker}"', 1)
                t0, written_at = time.perf_counter(), time.time()
                story.write_text(text)
                page.wait_for_function(
                    "(m) => document.querySelector('h1') && document.querySelector('h1').textContent.includes(m)",
                    arg=marker,
                    timeout=30_000,
                )
                samples.append(time.perf_counter() - t0)
                painted.append(page.evaluate(FIRST_PAINT) / 1000 - written_at)
                # As a reporter reads the page before the next save: the rebuild, search
                # index included, is over.
                out.wait_for(lambda lines, n=n: len(rebuilds(lines)) >= n + 2)
                page.wait_for_timeout(300)
            browser.close()
        server.terminate()
        server.wait(timeout=10)
        builds = rebuilds(out.lines)
        print(f"site: {source} ({len(list((site / 'content/articles').rglob('*.md')))} stories)")
        print(f"save to reloaded page, as the browser painted it: {summary(painted)}")
        print(f"save to reloaded page, as Playwright saw it: {summary(samples)}")
        print(f"last rebuilds: {builds[-3:]}")
        errors = [line for line in out.errors if not line.startswith("warning:")]
        if errors:
            print("\n".join(errors[-20:]), file=sys.stderr)


def rebuilds(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("rebuilt in")]


class ServerOutput:
    """The lines a `newssite serve` process prints, read as they come."""

    def __init__(self, server: subprocess.Popen[str]) -> None:
        self.server = server
        self.lines: list[str] = []
        self.errors: list[str] = []
        for stream, lines in ((server.stdout, self.lines), (server.stderr, self.errors)):
            threading.Thread(target=self._read, args=(stream, lines), daemon=True).start()

    @staticmethod
    def _read(stream: object, lines: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            lines.append(line.rstrip("\n"))

    def wait_for(self, found: object, timeout: float = 600) -> list[str]:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            result = found(list(self.lines))  # type: ignore[operator]
            if result:
                return result
            if self.server.poll() is not None:
                raise SystemExit("newssite serve stopped:\n" + "\n".join(self.errors[-20:]))
            time.sleep(0.02)
        raise SystemExit("newssite serve did not answer in time")


if __name__ == "__main__":
    main()
