"""What a reader's search costs: newssite's levels against one Pagefind index of the same pages.

    python benchmarks/search_weight.py                      # 1,000 and 10,000 stories
    python benchmarks/search_weight.py --articles 100000    # on demand (a long run)
    python benchmarks/search_weight.py --site DIR           # any newssite site or corpus folder

For each corpus the site is built as a newsroom's archive grows: the oldest stories
first, then the newer ones in batches, so the search index has the levels it has after
a long history of publishing (levels.py: each smaller level nearly full). Then it
publishes one story at a time (`--publishes`, default 12, so tier 0 overflows once) and
reports the search files each publish rewrote: typical (median) and worst.

The baseline is a clean build of the same final sources, whose index is one Pagefind
bundle (a clean build's canonical layout), searched by the same search page. Each query
loads /search/?q=... in a new headless Chromium context (nothing cached) from a local
HTTP server, and counts every request and response byte until the first page of results
is shown; "first result" is the time from navigation to the first result on screen.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from common import REPO, copy_site, make_corpus

sys.path.insert(0, str(REPO / "src"))
from newssite.levels import archive_tier, budget
from newssite.search import _read_bundle as read_bundle
from newssite.search import find_pagefind

NOW_EPOCH = "1796083200"  # 2026-12-01: after every story of the corpora
QUERIES = ["council", "harbor", "election", "city council", "school budget", "police chief"]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
SETTLED = """() => {
  const s = document.getElementById('search_status').textContent;
  if (!s || s === 'Searching…') return false;
  if (/^No stories/.test(s)) return true;
  return document.querySelectorAll('.search-result').length >= Math.min(10, parseInt(s, 10));
}"""
FIRST_RESULT = """
new MutationObserver((_, observer) => {
  if (document.querySelector('.search-result')) {
    window.__firstResult = performance.now();
    observer.disconnect();
  }
}).observe(document, {subtree: true, childList: true});
"""


@dataclass
class Cost:
    requests: int
    bytes: int
    first_ms: float
    results: str


def build(site: Path, *args: str) -> str:
    env = {**os.environ, "SOURCE_DATE_EPOCH": NOW_EPOCH}
    command = [sys.executable, "-m", "newssite", "build", "--site", str(site), *args]
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{done.stderr[-3000:]}")
    return done.stdout


def stories_by_date(site: Path) -> list[Path]:
    dated = []
    for path in (site / "content/articles").rglob("*.md"):
        match = re.search(r"(?m)^date:\s*['\"]?([^'\"\n]+)", path.read_text(encoding="utf-8"))
        dated.append((match.group(1) if match else "", str(path)))
    return [Path(path) for _, path in sorted(dated)]


def grow_archive(site: Path, hold: Path) -> list[int]:
    """Build the archive as a newsroom publishes it: the oldest stories, then batches that
    nearly fill each smaller level (largest batch first). Returns the batch sizes."""
    stories = stories_by_date(site)
    top = 0  # the smaller levels are those below the archive tiers (levels.py)
    while budget(top) < len(stories) and top < archive_tier():
        top += 1
    batches = [int(budget(tier) * 0.9) for tier in reversed(range(top))]
    while sum(batches) > len(stories) // 2:
        batches = batches[1:]
    held = stories[len(stories) - sum(batches) :]
    for path in held:
        target = hold / path.relative_to(site)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, target)
    build(site)
    at = 0
    for size in batches:
        for path in held[at : at + size]:
            shutil.move(hold / path.relative_to(site), path)
        at += size
        build(site)
    return batches


def search_files(output: Path) -> dict[str, int]:
    return {
        p.relative_to(output).as_posix(): p.stat().st_mtime_ns
        for p in (output / "pagefind").rglob("*")
        if p.is_file()
    }


def levels_of(output: Path) -> list[str]:
    listing = json.loads((output / "pagefind/levels.json").read_text())
    sizes = []
    for level in listing["levels"]:
        count = len(list((output / level["folder"] / "fragment").glob("*.pf_fragment")))
        sizes.append(f"{level['folder']} {count:,} ({len(level['hidden'])} hidden)")
    return sizes


def publish_runs(site: Path, count: int) -> list[tuple[int, float]]:
    """Publish one story `count` times: (search files rewritten, seconds) of each."""
    model = stories_by_date(site)[-1].read_text(encoding="utf-8")
    front = {name: re.search(rf"(?m)^{name}:.*$", model) for name in ("author", "section")}
    runs = []
    for number in range(count):
        before = search_files(site / "output")
        path = site / f"content/articles/benchmark-{number:03d}.md"
        path.write_text(
            f'---\ntitle: "Benchmark story {number}"\ndate: 2026-11-30T{number % 24:02d}:00:00Z\n'
            + "".join(f"{m.group()}\n" for m in front.values() if m)
            + f"---\nThe council heard about the quokka number {number}.\n"
        )
        started = time.perf_counter()
        build(site)
        seconds = time.perf_counter() - started
        after = search_files(site / "output")
        runs.append((sum(1 for p, m in after.items() if before.get(p) != m), seconds))
    return runs


@contextmanager
def serving(root: Path, served: list[int] | None = None) -> Iterator[str]:
    """Serve `root`; the size of each response's body is appended to `served`. Counted by
    the server, so the requests of Pagefind's web worker count as the page's do."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def copyfile(self, source: Any, outputfile: Any) -> None:
            data = source.read()
            outputfile.write(data)
            if served is not None:
                served.append(len(data))

        def send_error(self, code: int, *args: Any, **kwargs: Any) -> None:
            super().send_error(code, *args, **kwargs)
            if served is not None:
                served.append(0)

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def measure(output: Path, queries: list[str]) -> dict[str, Cost]:
    from playwright.sync_api import sync_playwright

    costs = {}
    sizes: list[int] = []
    with serving(output, sizes) as home, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        try:
            for query in queries:
                context = browser.new_context()
                sizes.clear()
                page = context.new_page()
                page.add_init_script(FIRST_RESULT)
                page.goto(f"{home}search/?q={query.replace(' ', '+')}")
                page.wait_for_function(SETTLED, timeout=120_000)
                page.wait_for_function("[...document.images].every((image) => image.complete)")
                page.wait_for_load_state("networkidle")
                first = page.evaluate("window.__firstResult || 0")
                links = [
                    a.get_attribute("href") for a in page.query_selector_all(".search-result a")
                ]
                costs[query] = Cost(len(sizes), sum(sizes), first, " ".join(map(str, links)))
                context.close()
        finally:
            browser.close()
    return costs


def report(title: str, ours: dict[str, Cost], one: dict[str, Cost]) -> None:
    print(f"\n### {title}\n")
    print(
        "| query | newssite levels: requests, KB, first result | one Pagefind index | ratio (requests, bytes) | same results |"
    )
    print("|---|---|---|---|---|")
    for query in ours:
        a, b = ours[query], one[query]
        print(
            f"| {query} | {a.requests}, {a.bytes / 1024:,.0f} KB, {a.first_ms:,.0f} ms"
            f" | {b.requests}, {b.bytes / 1024:,.0f} KB, {b.first_ms:,.0f} ms"
            f" | {a.requests / b.requests:.2f}x, {a.bytes / max(1, b.bytes):.2f}x"
            f" | {'yes' if a.results == b.results else 'NO'} |"
        )
    sys.stdout.flush()


def run(source: Path, work: Path, publishes: int, queries: list[str]) -> None:
    site = copy_site(source, work / "levels")
    hold = work / "held"
    shutil.rmtree(hold, ignore_errors=True)
    batches = grow_archive(site, hold)
    print(f"\n## {title_of(site)}: archive grown in batches of {batches} stories after the oldest")
    measure_grown(site, work, publishes, queries)


def measure_grown(
    site: Path, work: Path, publishes: int, queries: list[str], kept: Path | None = None
) -> None:
    """Measure a grown site in place (`--grown`: one kept by --keep, built again first).
    `kept`: the baseline's output, made by an earlier run of the same pages (--one-index)."""
    build(site)
    title = title_of(site)
    print("levels:", "; ".join(levels_of(site / "output")))
    report(
        f"{title}, after the archive grew",
        measure(site / "output", queries),
        measure(kept or one_index(site / "output", work / "one-index"), queries),
    )
    if not publishes:
        return
    runs = publish_runs(site, publishes)
    files = [count for count, _ in runs]
    seconds = [s for _, s in runs]
    print(
        f"\npublish one story, {len(runs)} times: search files rewritten median"
        f" {statistics.median(files):.0f}, worst {max(files)} ({files});"
        f" build median {statistics.median(seconds):.1f} s, worst {max(seconds):.1f} s"
    )
    print("levels after:", "; ".join(levels_of(site / "output")))
    report(
        f"{title_of(site)}, after {publishes} publishes",
        measure(site / "output", queries),
        measure(one_index(site / "output", work / "one-index"), queries),
    )


def one_index(output: Path, target: Path) -> Path:
    """output/ with one Pagefind index of the pages its levels show instead of the levels
    (what a clean build makes), in `target` (files hard-linked)."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(
        output, target, copy_function=os.link, ignore=shutil.ignore_patterns("pagefind")
    )
    scratch = Path(tempfile.mkdtemp(dir=target.parent))
    try:
        for url in shown_urls(output):
            page = scratch / "site" / url.strip("/") / "index.html"
            page.parent.mkdir(parents=True, exist_ok=True)
            os.link(output / url.strip("/") / "index.html", page)
        binary = find_pagefind()
        assert binary is not None, "no Pagefind binary"
        command = [str(binary), "--site", "site", "--output-path", "bundle", "--silent"]
        subprocess.run(command, cwd=scratch, check=True)
        for made in read_bundle(scratch / "bundle", "pagefind", ui=True):
            path = target / made.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(made.data or b"")
        listing = {"levels": [{"folder": "pagefind/", "hidden": []}]}
        (target / "pagefind/levels.json").write_text(json.dumps(listing))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def shown_urls(output: Path) -> list[str]:
    listing = json.loads((output / "pagefind/levels.json").read_text())
    urls = []
    for level in listing["levels"]:
        hidden = set(level["hidden"])
        for path in (output / level["folder"] / "fragment").glob("*.pf_fragment"):
            if path.stem not in hidden:
                urls.append(json.loads(gzip.decompress(path.read_bytes())[12:])["url"])
    return sorted(urls)


def title_of(source: Path) -> str:
    count = sum(1 for _ in (source / "content/articles").rglob("*.md"))
    return f"{count:,} stories"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--site", type=Path, help="measure this site or corpus folder instead")
    parser.add_argument("--work", type=Path, help="keep corpora here (default: a temporary folder)")
    parser.add_argument("--publishes", type=int, default=12)
    parser.add_argument("--queries", nargs="*", default=QUERIES)
    parser.add_argument("--keep", action="store_true", help="keep the built sites in --work")
    parser.add_argument(
        "--grown", type=Path, help="measure this site, grown by an earlier run (--keep), in place"
    )
    parser.add_argument(
        "--one-index",
        type=Path,
        help="with --grown: the one-index output an earlier run kept in its --work (same pages)",
    )
    args = parser.parse_args()
    os.environ["PYTHONPATH"] = str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")
    with tempfile.TemporaryDirectory() as temporary:
        work = args.work or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
        if args.grown:
            measure_grown(args.grown, work, args.publishes, args.queries, args.one_index)
            return
        sources = [args.site] if args.site else [make_corpus(n, work) for n in args.articles]
        for source in sources:
            run(source, work, args.publishes, args.queries)
            for name in () if args.keep else ("levels", "one-index", "held"):
                shutil.rmtree(work / name, ignore_errors=True)


if __name__ == "__main__":
    main()
