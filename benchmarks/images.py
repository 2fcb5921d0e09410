"""Photo benchmark: a site with N generated photos, built cold and then warm.

    python benchmarks/images.py                   # 1,000 photos
    python benchmarks/images.py --photos 200      # a quicker run
    python benchmarks/images.py --keep DIR        # keep the site (and reuse its photos)

The photos are made with Pillow: 1600-3000 px wide JPEGs in landscape, portrait and
square shapes, with gradients and shapes so the encoders do real work. Half are story
photos in static/photos/ (they also get the social and search crops), half are photos in
the body beside their story. The cold build starts with no output and no cache; the warm
build runs again with nothing changed. For each it prints the build time, the time of the
photos stage, and how many photos Pillow processed and how many came from the cache
(the warm count comes from running the photos stage on its own, on the same cache).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from newssite.build import build  # noqa: E402
from newssite.config import load_config  # noqa: E402
from newssite.images import process_photos  # noqa: E402
from newssite.model import BuildOptions  # noqa: E402
from newssite.parse import parse_all  # noqa: E402
from newssite.sources import discover  # noqa: E402

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
CONFIG = """\
title = "The Photo Desk"
base_url = "https://photos.example/"
language = "en"
timezone = "UTC"
per_page = 20

[[sections]]
slug = "news"
title = "News"
"""
AUTHOR = "---\nname: Ana Ruiz\nrole: Photographer\n---\nAna shoots for the desk.\n"
SHAPES = ((3, 2), (16, 9), (4, 3), (2, 3), (1, 1))


def make_photo(job: tuple[int, str]) -> None:
    """One photo: 1600-3000 px wide, a gradient, shapes and a grain of noise."""
    number, path = job
    rng = random.Random(number)
    width = rng.randrange(1600, 3001, 8)
    ratio_w, ratio_h = SHAPES[number % len(SHAPES)]
    height = width * ratio_h // ratio_w
    base = Image.linear_gradient("L").resize((width, height))
    tint = tuple(rng.randrange(40, 220) for _ in range(3))
    image = Image.merge("RGB", [base.point(lambda v, t=t: (v * t) // 255) for t in tint])
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rng.randrange(width), rng.randrange(height)
        size = rng.randrange(width // 40, width // 6)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse([x, y, x + size, y + size // 2], fill=colour)
    noise = Image.effect_noise((width, height), 24).convert("RGB")
    Image.blend(image, noise, 0.12).save(path, "JPEG", quality=88)


def make_site(site: Path, photos: int, workers: int) -> None:
    """The site's Markdown, and its photos unless they are there from an earlier run."""
    (site / "static/photos").mkdir(parents=True, exist_ok=True)
    (site / "content/authors").mkdir(parents=True, exist_ok=True)
    (site / "newssite.toml").write_text(CONFIG)
    (site / "content/authors/ana.md").write_text(AUTHOR)
    jobs = []
    for number in range(photos):
        folder = site / "content/articles" / f"{number // 100:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        lead = number % 2 == 0
        path = (
            site / "static/photos" / f"p{number:05d}.jpg" if lead else folder / f"p{number:05d}.jpg"
        )
        if not path.exists():
            jobs.append((number, str(path)))
        story = number // 2
        source = folder / f"story-{story:05d}.md"
        if lead:
            day = 1 + story % 28
            source.write_text(
                f"---\ntitle: Story {story}\ndate: 2026-10-{day:02d}T08:00:00Z\nauthor: ana\n"
                f"section: news\nphoto:\n  src: /photos/p{number:05d}.jpg\n  alt: Photo {number}\n"
                f"  caption: Caption of photo {number}.\n  credit: Ana Ruiz/The Photo Desk\n---\n"
                f"The first paragraph of story {story}.\n\n"
            )
        else:
            with source.open("a") as body:
                body.write(
                    f'![Photo {number}](p{number:05d}.jpg "Inline photo {number}. — Photo: Ana Ruiz")\n'
                )
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(make_photo, jobs, chunksize=8))
    if jobs:
        print(f"made {len(jobs)} photos in {time.perf_counter() - started:.1f} s")


def timed_build(site: Path) -> tuple[float, float]:
    started = time.perf_counter()
    report = build(site, BuildOptions(now=NOW))
    seconds = time.perf_counter() - started
    return seconds, dict(report.stage_seconds)["photos"]


def photo_stage_counts(site: Path) -> tuple[int, int, float]:
    """(processed by Pillow, reused from the cache, seconds) of the photos stage alone."""
    config = load_config(site)
    docs = parse_all(discover(site), config)
    started = time.perf_counter()
    _, store = process_photos(docs, config, workers=1)
    return store.processed, store.reused, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=1000, help="how many photos (default 1000)")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = parser.parse_args()
    workers = max(1, min(os.cpu_count() or 1, 8))
    root = args.keep or Path(tempfile.mkdtemp(prefix="newssite-images-"))
    site = root / f"site-{args.photos}"
    try:
        make_site(site, args.photos, workers)
        shutil.rmtree(site / "output", ignore_errors=True)
        shutil.rmtree(site / ".newssite-cache", ignore_errors=True)
        print(
            f"{args.photos} photos, {workers} worker processes (os.cpu_count() = {os.cpu_count()})"
        )

        total, photos = timed_build(site)
        index = site / ".newssite-cache/images/index.json"
        made = len([p for p in (site / ".newssite-cache/images").iterdir() if p != index])
        print(
            f"cold build: {total:.1f} s, photos stage {photos:.1f} s "
            f"({photos / args.photos * 1000:.0f} ms a photo), {made} files made, 0 cache hits"
        )
        before = {p: p.stat().st_mtime_ns for p in (site / ".newssite-cache/images").iterdir()}

        total, photos = timed_build(site)
        print(f"warm build: {total:.2f} s, photos stage {photos:.3f} s")
        processed, reused, seconds = photo_stage_counts(site)
        after = {p: p.stat().st_mtime_ns for p in (site / ".newssite-cache/images").iterdir()}
        rewritten = sum(1 for p, mtime in after.items() if before.get(p) != mtime)
        print(
            f"warm photos stage alone: {seconds:.3f} s, {processed} processed, "
            f"{reused} cache hits, {rewritten} cache files rewritten"
        )
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
