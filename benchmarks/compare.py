"""Two versions of newssite on one corpus, alternating build by build: A/B on a noisy machine.

    git worktree add /tmp/before REV
    python benchmarks/compare.py --before /tmp/before/src --site CORPUS --work DIR

The corpus is copied twice (DIR/before, DIR/after), each built cold by its version, then
both take the same changes in turn, one version after the other: rebuilds with nothing
changed, stories published, a story's body edited, stories deleted, authors' bios edited
(three of each). Each row gives the median wall time, CPU time (user and system, the
build's processes together), files written and peak memory, of each version. `--after`
defaults to this checkout's src/. On a machine whose speed drifts, only figures taken
side by side like this compare two versions.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from build import Measure, machine_speed, measure, new_story_text
from common import REPO

REPEAT = 3


@dataclass(frozen=True)
class Version:
    name: str
    src: Path
    site: Path

    def build(self) -> Measure:
        env = {**os.environ, "PYTHONPATH": str(self.src)}
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: compiled modules are kept
        command = [sys.executable, "-m", "newssite", "build", "--site", str(self.site)]
        return measure(command, self.site / "output", env)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--before", type=Path, required=True, help="the src/ of one version")
    parser.add_argument("--after", type=Path, default=REPO / "src", help="the src/ of the other")
    parser.add_argument("--site", type=Path, required=True, help="a newssite site or corpus")
    parser.add_argument("--work", type=Path, required=True, help="where the two copies go")
    args = parser.parse_args()
    versions = [
        Version("before", args.before.resolve(), args.work / "before"),
        Version("after", args.after.resolve(), args.work / "after"),
    ]
    for version in versions:
        shutil.rmtree(version.site, ignore_errors=True)
        shutil.copytree(
            args.site, version.site, ignore=shutil.ignore_patterns("output", ".newssite-cache")
        )
    print(f"a fixed loop of Python: {machine_speed():.2f} s", flush=True)
    rows: dict[str, dict[str, list[Measure]]] = {}

    def each(row: str, change: Callable[[Version], None]) -> None:
        for version in versions:
            change(version)
            run = version.build()
            rows.setdefault(row, {}).setdefault(version.name, []).append(run)
            print(f"{row}, {version.name}: {run.seconds:.2f} s, {run.written} files", flush=True)

    def articles(version: Version) -> list[Path]:
        return sorted((version.site / "content/articles").rglob("*.md"))

    each("cold build", lambda version: None)
    for _ in range(REPEAT):
        each("no-change rebuild", lambda version: None)
    for number in range(REPEAT):

        def publish(version: Version, number: int = number) -> None:
            template = articles(version)[0].read_text()
            title = f"A story published by the comparison, number {number + 1}"
            path = version.site / f"content/articles/compare-{number}.md"
            path.write_text(new_story_text(template, title))

        each("publish one story", publish)
    for number in range(REPEAT):

        def edit(version: Version, number: int = number) -> None:
            stories = articles(version)
            path = stories[len(stories) // 2]
            path.write_text(path.read_text() + f"\nOne more paragraph, number {number + 1}.\n")

        each("edit one story", edit)
    for number in range(REPEAT):

        def delete(version: Version, number: int = number) -> None:
            stories = articles(version)
            stories[int(len(stories) * (0.3 + number / 100))].unlink()

        each("delete one story", delete)
    for number in range(REPEAT):

        def bio(version: Version, number: int = number) -> None:
            authors = sorted((version.site / "content/authors").glob("*.md"))
            author = authors[number % len(authors)]
            author.write_text(author.read_text() + f"\nA line added to the bio, {number}.\n")

        each("edit an author's bio", bio)
    print("\n| measure | before | after |\n|---|---|---|")
    for row, runs in rows.items():
        cells = []
        for version in versions:
            done = runs[version.name]
            cells.append(
                f"{statistics.median(r.seconds for r in done):.2f} s "
                f"(CPU {statistics.median(r.cpu_seconds for r in done):.2f} s), "
                f"{statistics.median(r.written for r in done):,.0f} files, "
                f"{max(r.peak_mb for r in done):,.0f} MB"
            )
        print(f"| {row} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
