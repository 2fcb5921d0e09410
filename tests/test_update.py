"""Updating the last build for a few changed stories (update.py) gives a clean build's bytes.

A newsroom with photos, numbered list pages, recent stories (news sitemap, latest.json), a
scheduled story and search gets edits a newsroom makes every hour: publish, back-date,
correct a headline, add a paragraph, retag, add a byline, swap the photo. After each, the
build must have taken the update path where it can (the CLI says "Updated") and output/
must equal a clean build of the same sources, byte for byte. Edits the update does not
make (a deletion, a draft, a tampered output/, bad input) fall back to a whole build.
"""

from __future__ import annotations

import io
import random
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from conftest import FIXED_EPOCH, FIXED_NOW, Result, clean_build, run_cli, same_site, tree_digest

SECTIONS = ["news", "politics"]
AUTHORS = ["ana", "ben", "chloe"]
TAGS = ["Harbor", "City Hall", "Schools", "Budget", "Ferries"]
WORDS = ["harbor", "council", "vote", "budget", "ferry", "storm", "school", "tide", "pier"]

CONFIG = """\
title = "The Update Gazette"
base_url = "https://gazette.example/"
language = "en"
timezone = "America/New_York"
per_page = 3
feed_size = 5

[[sections]]
slug = "news"
title = "News"

[[sections]]
slug = "politics"
title = "Politics"
"""


def photo_bytes(color: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), color).save(buffer, "JPEG")
    return buffer.getvalue()


def paragraph(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(15, 40))).capitalize() + "."


def moment(rng: random.Random, days_back: float) -> str:
    """A date `days_back` days before the fixed now, as front matter writes it."""
    seconds = int(FIXED_NOW.timestamp() - days_back * 86400) - rng.randint(0, 3600)
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def article(rng: random.Random, number: int, days_back: float) -> str:
    lines = [
        f"title: 'Story {number}: the {rng.choice(WORDS)} {rng.choice(WORDS)}'",
        f"date: {moment(rng, days_back)}",
        f"author: {rng.choice(AUTHORS)}",
        f"section: {rng.choice(SECTIONS)}",
        f"tags: [{', '.join(rng.sample(TAGS, rng.randint(0, 2)))}]",
    ]
    if rng.random() < 0.5:
        image = rng.choice(["harbor.jpg", "council.jpg"])
        lines += [
            "photo:",
            f"  src: /images/{image}",
            "  alt: The harbor at dawn",
            "  caption: Boats leave the harbor.",
            "  credit: Staff photographer",
        ]
    body = "\n\n".join(paragraph(rng) for _ in range(rng.randint(2, 4)))
    return "---\n" + "\n".join(lines) + f"\n---\n{body}\n"


def make_newsroom(site: Path, rng: random.Random, stories: int = 30) -> None:
    (site / "content/authors").mkdir(parents=True)
    (site / "content/articles").mkdir(parents=True)
    (site / "static/images").mkdir(parents=True)
    (site / "static/images/harbor.jpg").write_bytes(photo_bytes((30, 80, 120)))
    (site / "static/images/council.jpg").write_bytes(photo_bytes((120, 60, 30)))
    (site / "newssite.toml").write_text(CONFIG)
    for slug in AUTHORS:
        (site / f"content/authors/{slug}.md").write_text(
            f"---\nname: {slug.title()} Writer\nrole: Reporter\n---\n{paragraph(rng)}\n"
        )
    for number in range(stories):
        # Most stories are old; a few are of the last two days (news sitemap, latest.json).
        days = rng.uniform(0, 2) if number % 6 == 0 else rng.uniform(3, 400)
        (site / f"content/articles/story-{number:03d}.md").write_text(article(rng, number, days))
    scheduled = article(rng, 999, -3)  # three days from now
    (site / "content/articles/scheduled.md").write_text(scheduled)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)


def newsroom(tmp_path: Path, seed: int, stories: int = 30) -> tuple[Path, random.Random]:
    """A generated newsroom in tmp_path/site, and the random source that made it."""
    rng = random.Random(seed)
    site = tmp_path / "site"
    make_newsroom(site, rng, stories)
    return site, rng


def stories_of(site: Path) -> list[Path]:
    return sorted(p for p in (site / "content/articles").glob("story-*.md"))


def set_field(path: Path, name: str, value: str) -> None:
    text = path.read_text()
    if re.search(rf"(?m)^{name}:", text):
        text = re.sub(rf"(?m)^{name}:.*$", f"{name}: {value}", text, count=1)
    else:
        text = text.replace("---\n", f"---\n{name}: {value}\n", 1)
    path.write_text(text)


def simple_edits(site: Path, rng: random.Random) -> list[tuple[str, Callable[[], None]]]:
    """Edits an update makes (each keeps every story's URL and leaves no story out)."""
    counter = iter(range(100, 1000))

    def publish_now() -> None:
        number = next(counter)
        path = site / f"content/articles/new-{number}.md"
        path.write_text(article(rng, number, rng.uniform(0, 0.2)))

    def publish_backdated() -> None:
        number = next(counter)
        path = site / f"content/articles/old-{number}.md"
        path.write_text(article(rng, number, rng.uniform(5, 300)))

    def add_paragraph() -> None:
        path = rng.choice(stories_of(site))
        path.write_text(path.read_text() + "\n" + paragraph(rng) + "\n")

    def correct_headline() -> None:
        set_field(rng.choice(stories_of(site)), "title", f"'Corrected: {rng.choice(WORDS)}'")

    def retag() -> None:
        tags = rng.sample([*TAGS, "Brand New Tag"], rng.randint(0, 3))
        set_field(rng.choice(stories_of(site)), "tags", f"[{', '.join(tags)}]")

    def redate() -> None:
        set_field(rng.choice(stories_of(site)), "date", moment(rng, rng.uniform(0, 400)))

    def add_byline() -> None:
        set_field(rng.choice(stories_of(site)), "author", f"[{', '.join(rng.sample(AUTHORS, 2))}]")

    def edit_scheduled() -> None:
        path = site / "content/articles/scheduled.md"
        path.write_text(path.read_text() + "\nMore to come.\n")

    def mark_updated() -> None:
        set_field(rng.choice(stories_of(site)), "updated", moment(rng, 0.1))

    return [
        ("publish now", publish_now),
        ("publish back-dated", publish_backdated),
        ("add a paragraph", add_paragraph),
        ("correct a headline", correct_headline),
        ("retag", retag),
        ("re-date", redate),
        ("add a byline", add_byline),
        ("edit the scheduled story", edit_scheduled),
        ("mark updated", mark_updated),
    ]


def build(site: Path, *flags: str) -> Result:
    result = run_cli("build", "--site", str(site), *flags)
    assert result.code == 0, result.err
    return result


def differences(site: Path, expected: dict[str, str]) -> list[str]:
    """What differs from the clean build just made in tmp_path/clean: files byte for byte,
    and the search index by what it finds (an update may lay out its levels otherwise)."""
    del expected  # the clean build's output is read from its folder
    return same_site(site / "output", site.parent / "clean/output")


@pytest.mark.parametrize(
    ("seed", "flags"), [(11, ()), (12, ()), (13, ()), (14, ()), (15, ("--drafts", "--future"))]
)
def test_updates_equal_clean_builds(
    tmp_path: Path,
    seed: int,
    flags: tuple[str, ...],
) -> None:
    site, rng = newsroom(tmp_path, seed)
    for story in stories_of(site)[::5]:  # drafts: shown only by a --drafts build
        story.write_text(story.read_text().replace("---\n", "---\ndraft: true\n", 1))
    build(site, *flags)
    steps = simple_edits(site, rng)
    history: list[str] = []
    for _ in range(12):
        name, edit = rng.choice(steps)
        edit()
        history.append(name)
        result = build(site, *flags)
        assert result.out.startswith("Updated "), (history, result.out)
        expected = clean_build(site, tmp_path / "clean", *flags)
        assert differences(site, expected) == [], f"the update differs after {history}"


@pytest.mark.parametrize(
    ("name", "way"),
    [
        ("delete a story", "Updated"),
        ("make a draft", "Updated"),
        ("change an author", "Updated"),
        ("change the config", "Built"),
        ("take down", "Built"),
    ],
)
def test_other_changes_equal_a_clean_build(
    tmp_path: Path,
    name: str,
    way: str,
) -> None:
    """Changes the last build's records can stand for are updates; the rest (the config,
    a takedown, whose URL claims are checked over every source) build the whole site."""
    site, _ = newsroom(tmp_path, 5)
    build(site)
    story = stories_of(site)[4]
    if name == "delete a story":
        story.unlink()
    elif name == "make a draft":
        story.write_text(story.read_text().replace("---\n", "---\ndraft: true\n", 1))
    elif name == "change an author":
        author = site / "content/authors/ana.md"
        author.write_text(author.read_text().replace("Ana Writer", "Ana Q. Writer"))
    elif name == "change the config":
        (site / "newssite.toml").write_text(CONFIG.replace("per_page = 3", "per_page = 4"))
    else:
        story.write_text(
            story.read_text().replace(
                "---\n", "---\nremoved: {date: 2026-11-20, reason: A legal request.}\n", 1
            )
        )
    result = build(site)
    assert result.out.startswith(f"{way} "), result.out
    stages = [part.split()[0] for part in result.out.split("stages: ")[1].split(", ")]
    assert len(stages) == len(set(stages)), result.out  # the attempt to update is not listed
    assert differences(site, clean_build(site, tmp_path / "clean")) == []


def test_a_damaged_output_is_repaired_not_updated(
    tmp_path: Path,
) -> None:
    site, _ = newsroom(tmp_path, 6)
    build(site)
    victim = sorted((site / "output").rglob("index.html"))[7]
    victim.unlink()
    story = stories_of(site)[2]
    story.write_text(story.read_text() + "\nA late paragraph.\n")
    result = build(site)
    assert result.out.startswith("Built "), result.out
    assert victim.is_file()
    assert differences(site, clean_build(site, tmp_path / "clean")) == []


def test_bad_input_in_an_update_is_reported_and_output_is_kept(
    tmp_path: Path,
) -> None:
    site, rng = newsroom(tmp_path, 8)
    build(site)
    before = tree_digest(site / "output")
    broken = site / "content/articles/broken.md"
    broken.write_text(
        article(rng, 77, 0.1).replace("author: ", "author: nobody-known\nformer_author: ", 1)
    )
    result = run_cli("build", "--site", str(site))
    assert result.code != 0
    assert "content/articles/broken.md" in result.err and "nobody-known" in result.err
    assert tree_digest(site / "output") == before
    broken.unlink()
    result = build(site)
    assert tree_digest(site / "output") == before


def test_publishing_a_story_updates_few_files(
    tmp_path: Path,
) -> None:
    site, rng = newsroom(tmp_path, 9, stories=60)
    build(site)
    (site / "content/articles/breaking.md").write_text(article(rng, 500, 0.05))
    result = build(site)
    assert result.out.startswith("Updated "), result.out
    written = int(result.out.split(" written")[0].rsplit("(", 1)[1])
    assert 1 <= written <= 40, result.out
    story = stories_of(site)[30]
    story.write_text(story.read_text() + "\nOne more paragraph.\n")
    before = tree_digest(site / "output")
    result = build(site)
    assert result.out.startswith("Updated "), result.out
    after = tree_digest(site / "output")
    changed = [path for path in after if before.get(path) != after[path]]
    # The pages that show the story, and the small newest level of the search index.
    pages = [path for path in changed if not path.startswith("pagefind/")]
    assert 1 <= len(pages) <= 10, result.out
    assert len(changed) - len(pages) <= 10, changed
    assert differences(site, clean_build(site, tmp_path / "clean")) == []
