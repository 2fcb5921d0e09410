"""Shared helpers for the benchmarks: corpora, timing, peak memory."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# A news-corpus generator kept beside the repository, when there is one; it is not part of
# newssite. Every benchmark also runs on any site or corpus folder given with --site.
GENERATOR = REPO.parent / "shared" / "bench" / "gen_corpus.py"
CORPUS_NOTE = textwrap.fill(
    f"Generated corpora need the corpus generator gen_corpus.py at {GENERATOR} (it is not "
    "part of this repository); without it, pass --site DIR with any newssite site or "
    "corpus folder.",
    width=88,
)


def generator() -> Path:
    """The corpus generator, or exit saying how to benchmark without it."""
    if not GENERATOR.exists():
        sys.exit(f"no corpus generator at {GENERATOR}: pass --site DIR with any newssite site")
    return GENERATOR


def make_corpus(articles: int, where: Path, seed: int = 1) -> Path:
    """A generated news corpus of this many stories (see CORPUS_NOTE)."""
    target = where / f"corpus-{articles}"
    if not (target / "newssite.toml").exists():
        subprocess.run(
            [
                sys.executable,
                str(generator()),
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
        give_distinct_slugs(target)
    return target


def give_distinct_slugs(site: Path) -> int:
    """Give each later story that would share a URL (section and file name) with an earlier
    one its own slug, as an editor does when the build names the clash. The generator's
    100,000-story corpus has a few headlines used twice in one section; smaller ones none.
    Returns how many stories were given a slug."""
    seen: set[tuple[str, str]] = set()
    renamed = 0
    for path in sorted((site / "content" / "articles").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        front = text.split("\n---", 1)[0]
        section = next(
            (
                line.split(":", 1)[1].strip().strip("\"'")
                for line in front.splitlines()
                if line.startswith("section:")
            ),
            "",
        )
        if "\nslug:" in front:
            continue
        key = (section, path.stem)
        if key in seen:
            suffix = path.parent.relative_to(site / "content" / "articles").as_posix()
            slug = f"{path.stem}-{suffix.replace('/', '-')}"
            path.write_text(text.replace("---\n", f"---\nslug: {slug}\n", 1), encoding="utf-8")
            renamed += 1
        seen.add(key)
    return renamed


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
