"""Save-to-reloaded-page time of `newssite serve`, measured in headless Chromium.

    python benchmarks/reload.py                     # the demo site in this repository
    python benchmarks/reload.py --articles 10000    # a generated corpus (../shared/bench)
    python benchmarks/reload.py --site DIR          # any site

The site is copied to a temporary folder; one story's headline is edited N times and the
time from the write to the open tab showing the new headline is reported. Each edit waits
for the previous rebuild to end, search index included (a reporter reads the page first).
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import REPO, copy_site, make_corpus, summary
from playwright.sync_api import sync_playwright

from newssite.serve import serve

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


def pick_story(site: Path) -> Path:
    stories = sorted((site / "content/articles").rglob("*.md"))
    for path in stories:
        text = path.read_text()
        if "draft: true" not in text and "\ntitle:" in text:
            return path
    raise SystemExit("no story found")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
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
        out, err, stop, ready = io.StringIO(), io.StringIO(), threading.Event(), []
        thread = threading.Thread(
            target=serve,
            args=(site,),
            kwargs={"port": 0, "out": out, "err": err, "stop": stop, "ready": ready.append},
            daemon=True,
        )
        started = time.perf_counter()
        thread.start()
        while not ready:
            time.sleep(0.05)
        print(f"first build and server start: {time.perf_counter() - started:.2f} s")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            page = browser.new_page()
            page.goto(ready[0])
            link = page.locator(
                "a", has_text=title_line.split(":", 1)[1].strip().strip("'\"")[:30]
            ).first
            slug_url = link.get_attribute("href") if link.count() else None
            if slug_url is None:
                section = next(
                    line for line in original.splitlines() if line.startswith("section:")
                )
                slug_url = f"/{section.split(':', 1)[1].strip().strip(chr(34))}/{story.stem}/"
            page.goto(ready[0].rstrip("/") + slug_url)
            page.wait_for_timeout(500)
            samples = []
            for n in range(args.edits):
                marker = f"Edited headline number {n}"
                text = original.replace(title_line, f'title: "{marker}"', 1)
                t0 = time.perf_counter()
                story.write_text(text)
                page.wait_for_function(
                    "(m) => document.querySelector('h1') && document.querySelector('h1').textContent.includes(m)",
                    arg=marker,
                    timeout=30_000,
                )
                samples.append(time.perf_counter() - t0)
                # As a reporter reads the page before the next save: the rebuild, search
                # index included, is over.
                while out.getvalue().count("rebuilt in") < n + 2:
                    time.sleep(0.05)
                page.wait_for_timeout(300)
            browser.close()
        stop.set()
        thread.join(timeout=10)
        builds = [line for line in out.getvalue().splitlines() if line.startswith("rebuilt")]
        print(f"site: {source} ({len(list((site / 'content/articles').rglob('*.md')))} stories)")
        print(f"save to reloaded page: {summary(samples)}")
        print(f"last rebuilds: {builds[-3:]}")
        if err.getvalue().strip():
            print(err.getvalue()[-2000:], file=sys.stderr)


if __name__ == "__main__":
    main()
