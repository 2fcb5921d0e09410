"""What one Pagefind run costs as its level grows: peak memory and CPU time by pages.

    python benchmarks/search_pagefind.py --output SITE/output              # 1k, 5k, 10k pages
    python benchmarks/search_pagefind.py --output SITE/output --pages 2000 4000

Takes the story pages of a built site (those with a data-pagefind-body element, in a
fixed shuffled order), and for each size runs the Pagefind binary by hand on a folder of
them twice: the whole pages (hard links, as newssite gave them before) and what Pagefind
reads of them (search.searched_document, as newssite gives them now). It reports each
run's peak resident memory and CPU time (user + system; the machine may be shared, so
wall time is noisy), and whether the two runs made the same fragments and index chunks.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from build import RUN_WITH_RSS
from common import REPO

sys.path.insert(0, str(REPO / "src"))
from newssite.search import find_pagefind, searched_document


def story_pages(output: Path) -> list[Path]:
    pages = [
        path.relative_to(output)
        for path in sorted(output.rglob("index.html"))
        if not path.relative_to(output).as_posix().startswith("pagefind/")
        and b"data-pagefind-body" in path.read_bytes()
    ]
    random.Random(1).shuffle(pages)
    return pages


def run_pagefind(binary: Path, folder: Path) -> tuple[float, float]:
    """Peak memory (MB) and CPU seconds of one Pagefind run on folder/site (through a small
    wrapper process, so that the peak is this run's own)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    command = [str(binary), "--site", "site", "--output-path", "bundle", "--silent"]
    done = subprocess.run(
        [sys.executable, "-c", RUN_WITH_RSS, *command],
        cwd=folder,
        check=True,
        capture_output=True,
        text=True,
        env={"PATH": os.environ.get("PATH", "")},
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return int(done.stdout.split()[-1]) / 1024, cpu


def index_files(bundle: Path) -> dict[str, bytes]:
    return {
        path.relative_to(bundle).as_posix(): path.read_bytes()
        for path in sorted(bundle.rglob("*"))
        if path.is_file() and path.parent.name in ("fragment", "index")
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--output", type=Path, required=True, help="a built site's output/")
    parser.add_argument("--pages", type=int, nargs="*", default=[1000, 5000, 10000])
    args = parser.parse_args()
    binary = find_pagefind()
    assert binary is not None, "no Pagefind binary"
    pages = story_pages(args.output)
    print(f"{len(pages):,} story pages in {args.output}; Pagefind {binary}")
    print("\n| pages | given | MB given | peak memory | CPU time | same index |")
    print("|---|---|---|---|---|---|")
    for count in args.pages:
        chosen = pages[:count]
        made: dict[str, dict[str, bytes]] = {}
        for kind in ("whole pages", "searched documents"):
            with tempfile.TemporaryDirectory() as temporary:
                folder = Path(temporary)
                given = 0
                for page in chosen:
                    target = folder / "site" / page
                    target.parent.mkdir(parents=True, exist_ok=True)
                    if kind == "whole pages":
                        os.link(args.output / page, target)
                        given += target.stat().st_size
                    else:
                        data = (args.output / page).read_bytes()
                        document = searched_document(data) or data
                        target.write_bytes(document)
                        given += len(document)
                peak, cpu = run_pagefind(binary, folder)
                made[kind] = index_files(folder / "bundle")
            same = "" if kind == "whole pages" else str(made[kind] == made["whole pages"])
            print(
                f"| {len(chosen):,} | {kind} | {given / 2**20:,.0f} | {peak:,.0f} MB"
                f" | {cpu:.1f} s | {same} |"
            )
            sys.stdout.flush()


if __name__ == "__main__":
    main()
