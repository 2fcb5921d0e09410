"""`newssite check --changed` and `newssite publish` on a large archive, as a pre-commit
hook, a pull-request job and a reporter run them.

    python benchmarks/changed.py                    # a generated 10,000-story corpus
    python benchmarks/changed.py --articles 1000
    python benchmarks/changed.py --site DIR         # any site (it is copied)

The site is copied into a new git repository and committed; one story (and then five) is
edited, and `newssite check --changed HEAD` is timed as its own process, as a hook runs it,
import time included. Then one story is made a draft and `newssite publish` is timed.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, copy_site, make_corpus, summary

GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
}


def git(site: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=site, check=True, env={**os.environ, **GIT_ENV})


def newssite(site: Path, *args: str, cpu: list[float] | None = None) -> float:
    """Wall seconds of one run; its CPU seconds (user + system, git included) go to `cpu`:
    on a shared machine the wall time says more about the neighbours."""
    env = {**os.environ, **GIT_ENV, "PYTHONPATH": str(REPO / "src")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "newssite", *args, "--site", str(site)],
        capture_output=True,
        text=True,
        env=env,
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu is not None:
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if "Traceback" in done.stderr:
        sys.exit(done.stderr)
    return seconds


def edit(path: Path, number: int) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text + f"\nA paragraph added by edit {number}.\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--site", type=Path, help="a site to copy instead of a generated one")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        where = Path(temp)
        source = args.site or make_corpus(args.articles, where)
        site = copy_site(source, where)
        git(site, "init", "-q")
        git(site, "add", "-A")
        git(site, "commit", "-qm", "the archive")
        stories = sorted((site / "content/articles").rglob("*.md"))
        print(f"{len(stories)} stories in {site}")
        for count in (1, 5):
            samples: list[float] = []
            cpu: list[float] = []
            for run in range(args.runs):
                for path in stories[:count]:
                    edit(path, run)
                samples.append(newssite(site, "check", "--changed", "HEAD", cpu=cpu))
            print(f"check --changed HEAD, {count} changed: {summary(samples)}; CPU {summary(cpu)}")
            git(site, "checkout", "-q", "--", "content")
        samples, cpu = [], []
        story = stories[len(stories) // 2]
        original = story.read_text(encoding="utf-8")
        for _ in range(args.runs):
            story.write_text(original.replace("\n---\n", "\ndraft: true\n---\n", 1))
            samples.append(newssite(site, "publish", str(story), cpu=cpu))
        print(f"publish one story: {summary(samples)}; CPU {summary(cpu)}")


if __name__ == "__main__":
    main()
