"""Search benchmark: what Pagefind indexing costs, on the same corpus with search on and off.

    python benchmarks/search.py                     # the demo site, 1,000 and 10,000 stories
    python benchmarks/search.py --sizes 1000        # only the 1,000-story corpus
    python benchmarks/search.py --site DIR          # only this site or corpus folder

Each run times four builds, as benchmarks/build.py does: cold (no output, no cache), a
rebuild with nothing changed, publishing one new story (dated after every other story and
before the build's "now", so it is published), and editing one story's body. "files
written" counts output files that are new or whose mtime changed; "search" is the build's
own time for its search stage.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from build import RUN_WITH_RSS, snapshot
from common import CORPUS_NOTE, REPO, copy_site, make_corpus

NOW_EPOCH = "1796083200"  # 2026-12-01: after the corpora's stories and the new one
NEW_STORY_DATE = "2026-11-20T10:00:00-05:00"


@dataclass
class Run:
    seconds: float
    written: int
    peak_mb: float
    search_seconds: float


def build_once(site: Path) -> Run:
    output = site / "output"
    before = snapshot(output)
    command = [sys.executable, "-m", "newssite", "build", "--site", str(site)]
    env = {**os.environ, "SOURCE_DATE_EPOCH": NOW_EPOCH}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", RUN_WITH_RSS.replace("stdout=subprocess.DEVNULL, ", ""), *command],
        capture_output=True,
        text=True,
        env=env,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{done.stderr[-3000:]}")
    after = snapshot(output)
    written = sum(1 for path, mtime in after.items() if before.get(path) != mtime)
    stage = re.search(r"search ([\d.]+) s", done.stdout)
    peak = int(done.stdout.strip().splitlines()[-1]) / 1024
    return Run(seconds, written, peak, float(stage.group(1)) if stage else 0.0)


def runs(source: Path, work: Path, search: bool) -> dict[str, Run]:
    site = copy_site(source, work / ("search-on" if search else "search-off"))
    config = site / "newssite.toml"
    config.write_text(f"search = {'true' if search else 'false'}\n" + config.read_text())
    results = {"cold build": build_once(site), "no-change rebuild": build_once(site)}
    stories = sorted((site / "content/articles").rglob("*.md"))
    model = stories[0].read_text()
    author = re.search(r"(?m)^author:.*$", model)
    section = re.search(r"(?m)^section:.*$", model)
    assert author and section, stories[0]
    (stories[0].parent / "benchmark-new-story.md").write_text(
        f'---\ntitle: "Published by the benchmark"\ndate: {NEW_STORY_DATE}\n'
        f"{author.group()}\n{section.group()}\n---\nA new story about the harbor quokkas.\n"
    )
    results["publish one story"] = build_once(site)
    edited = next(p for p in stories[len(stories) // 2 :] if "draft: true" not in p.read_text())
    edited.write_text(edited.read_text() + "\nOne more paragraph, added by the benchmark.\n")
    results["edit one story"] = build_once(site)
    return results


def print_table(title: str, on: dict[str, Run], off: dict[str, Run]) -> None:
    print(f"\n### {title}\n")
    print("| measure | search on: time (search stage), files, peak | search off: time, files |")
    print("|---|---|---|")
    for scenario, run in on.items():
        other = off[scenario]
        print(
            f"| {scenario} | {run.seconds:.2f} s ({run.search_seconds:.2f} s), "
            f"{run.written:,} files, {run.peak_mb:,.0f} MB | "
            f"{other.seconds:.2f} s, {other.written:,} files |"
        )
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__,
        epilog=CORPUS_NOTE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="*",
        help="generated corpora (default 1000 10000; none with --site)",
    )
    parser.add_argument("--site", type=Path, help="benchmark this site instead of the demo")
    parser.add_argument("--work", type=Path, help="keep corpora here (default: a temporary folder)")
    args = parser.parse_args()
    os.environ["PYTHONPATH"] = str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")
    with tempfile.TemporaryDirectory() as temporary:
        work = args.work or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
        sites = [(str(args.site or "the demo site"), args.site or REPO)]
        sizes = args.sizes if args.sizes is not None else [] if args.site else [1000, 10000]
        sites += [(f"{size:,} stories", make_corpus(size, work)) for size in sizes]
        for title, source in sites:
            print_table(title, runs(source, work, True), runs(source, work, False))
            shutil.rmtree(work / "search-on", ignore_errors=True)
            shutil.rmtree(work / "search-off", ignore_errors=True)


if __name__ == "__main__":
    main()
