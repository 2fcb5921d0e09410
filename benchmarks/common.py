"""Shared helpers for the benchmarks: corpora, timing, peak memory."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GENERATOR = REPO.parent / "shared" / "bench" / "gen_corpus.py"


def make_corpus(articles: int, where: Path, seed: int = 1) -> Path:
    """A generated news corpus (../shared/bench/gen_corpus.py), or fail clearly without it."""
    if not GENERATOR.exists():
        sys.exit(
            f"no corpus generator at {GENERATOR}: pass --site DIR with any newssite site instead"
        )
    target = where / f"corpus-{articles}"
    if not (target / "newssite.toml").exists():
        subprocess.run(
            [
                sys.executable,
                str(GENERATOR),
                "--articles",
                str(articles),
                "--out",
                str(target),
                "--seed",
                str(seed),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return target


def copy_site(source: Path, where: Path) -> Path:
    """A private copy of a site (content, static, themes, config), so benchmarks edit freely."""
    target = where / f"site-{source.name or 'site'}"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy2(source / "newssite.toml", target / "newssite.toml")
    for name in ("content", "static", "themes"):
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name, symlinks=True)
    return target


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return f"median {statistics.median(ordered) * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms, n={len(ordered)}"
