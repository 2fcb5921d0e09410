"""Incremental = clean: after any sequence of edits, a cached rebuild equals a clean build.

A small newsroom is generated, then random edits (add, edit, delete, retag, rename an
author, change a template, change the config, move a date, change a slug) are applied one
by one. After each, the incremental build (disk cache + previous output) and the preview's
in-memory rebuild must both equal a clean build of the same sources, byte for byte.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import FIXED_EPOCH, clean_build, run_cli, same_site, without_search
from newssite.build import PreviewMemo, preview_files
from newssite.cache import BuildCache
from newssite.model import BuildOptions

SECTIONS = ["news", "politics", "sports"]
AUTHORS = ["ana", "ben", "chloe", "dev"]
TAGS = ["Harbor", "City Hall", "Schools", "Budget", "Ferries", "Weather", "Elections"]
WORDS = [
    "harbor",
    "council",
    "vote",
    "budget",
    "ferry",
    "storm",
    "school",
    "tide",
    "market",
    "mayor",
    "crew",
    "pier",
]

CONFIG = """\
title = "The Differential Times"
base_url = "https://times.example/"
language = "en"
timezone = "America/New_York"
per_page = {per_page}
feed_size = 8

[[sections]]
slug = "news"
title = "News"

[[sections]]
slug = "politics"
title = "Politics"

[[sections]]
slug = "sports"
title = "Sports"
"""


def paragraph(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 60))).capitalize() + "."


def article(rng: random.Random, number: int, **override: str) -> str:
    fields = {
        "title": f"'Story {number}: {rng.choice(WORDS)} {rng.choice(WORDS)}'",
        "date": f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.choice(['00', '30'])}:00-05:00",
        "author": rng.choice(AUTHORS)
        if rng.random() < 0.8
        else f"[{', '.join(rng.sample(AUTHORS, 2))}]",
        "section": rng.choice(SECTIONS),
        "tags": f"[{', '.join(rng.sample(TAGS, rng.randint(0, 3)))}]",
    }
    fields.update(override)
    head = "\n".join(f"{key}: {value}" for key, value in fields.items())
    body = "\n\n".join(paragraph(rng) for _ in range(rng.randint(2, 5)))
    return f"---\n{head}\n---\n{body}\n"


def make_newsroom(site: Path, rng: random.Random, stories: int = 40) -> None:
    (site / "content/authors").mkdir(parents=True)
    (site / "content/articles").mkdir(parents=True)
    (site / "newssite.toml").write_text(CONFIG.format(per_page=4))
    for slug in AUTHORS:
        (site / f"content/authors/{slug}.md").write_text(
            f"---\nname: {slug.title()} Writer\nrole: Reporter\n---\n{paragraph(rng)}\n"
        )
    for number in range(stories):
        text = article(rng, number) + (LINK_TO_FIRST if number % 7 == 3 else "")
        (site / f"content/articles/story-{number:03d}.md").write_text(text)


# Stories that link to the first one change when its URL does (its slug is an edit below),
# so the first story is never deleted or made a draft.
FIRST_STORY = "story-000.md"
LINK_TO_FIRST = f"\nAs [we reported]({FIRST_STORY}), the ferry is late.\n"


def stories_of(site: Path) -> list[Path]:
    return sorted((site / "content/articles").glob("*.md"))


def removable_stories(site: Path) -> list[Path]:
    return [path for path in stories_of(site) if path.name != FIRST_STORY]


def edits(site: Path, rng: random.Random) -> list[tuple[str, Callable[[], None]]]:
    counter = iter(range(1000, 2000))

    def add() -> None:
        number = next(counter)
        (site / f"content/articles/story-{number}.md").write_text(article(rng, number))

    def edit_body() -> None:
        path = rng.choice(stories_of(site))
        path.write_text(path.read_text() + "\n" + paragraph(rng) + "\n")

    def delete() -> None:
        rng.choice(removable_stories(site)).unlink()

    def link_to_first() -> None:
        path = rng.choice(removable_stories(site))
        path.write_text(path.read_text() + LINK_TO_FIRST)

    def retag() -> None:
        path = rng.choice(stories_of(site))
        lines = [line for line in path.read_text().split("\n") if not line.startswith("tags:")]
        lines.insert(1, f"tags: [{', '.join(rng.sample(TAGS, 2))}]")
        path.write_text("\n".join(lines))

    def rename_author() -> None:
        slug = rng.choice(AUTHORS)
        path = site / f"content/authors/{slug}.md"
        path.write_text(
            path.read_text().replace("name: ", f"name: {rng.choice(WORDS).title()} ", 1)
        )

    def change_template() -> None:
        folder = site / "themes/default/templates"
        folder.mkdir(parents=True, exist_ok=True)
        marker = rng.choice(WORDS)
        (folder / "article.html").write_text(
            '{% extends "default/article.html" %}{% block content %}'
            f'<p class="edition">{marker}</p>{{{{ super() }}}}{{% endblock %}}'
        )

    def change_config() -> None:
        (site / "newssite.toml").write_text(CONFIG.format(per_page=rng.randint(3, 7)))

    def move_date() -> None:
        path = rng.choice(stories_of(site))
        lines = path.read_text().split("\n")
        lines = [
            f"date: 2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}"
            if line.startswith("date:")
            else line
            for line in lines
        ]
        path.write_text("\n".join(lines))

    def change_slug() -> None:
        first = site / "content/articles" / FIRST_STORY
        path = first if rng.random() < 0.5 else rng.choice(stories_of(site))
        text = path.read_text().replace("---\n", f"---\nslug: moved-{next(counter)}\n", 1)
        path.write_text(text)

    def make_draft() -> None:
        path = rng.choice(removable_stories(site))
        path.write_text(path.read_text().replace("---\n", "---\ndraft: true\n", 1))

    return [
        ("add", add),
        ("edit body", edit_body),
        ("delete", delete),
        ("retag", retag),
        ("rename author", rename_author),
        ("change template", change_template),
        ("change config", change_config),
        ("move date", move_date),
        ("change slug", change_slug),
        ("make draft", make_draft),
        ("link to the first story", link_to_first),
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_builds_equal_clean_builds(
    tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    rng = random.Random(seed)
    site = tmp_path / "site"
    make_newsroom(site, rng)
    assert run_cli("build", "--site", str(site)).code == 0
    # As the preview keeps them: the cache, the sources it has read, the previous build.
    preview_cache, known_sources, memo = BuildCache(None), {}, PreviewMemo()
    options = BuildOptions(base_url="https://times.example/")
    preview_files(site, options, preview_cache, known_sources, memo=memo)
    steps = edits(site, rng)
    history = []
    updates = 0
    for _ in range(14):
        name, edit = rng.choice(steps)
        edit()
        history.append(name)
        result = run_cli("build", "--site", str(site))
        assert result.code == 0, (history, result.err)
        updates += result.out.startswith("Updated ")
        expected = without_search(clean_build(site, tmp_path / "clean"))
        # The search index by what it finds: an update may lay out its levels otherwise.
        assert same_site(site / "output", tmp_path / "clean/output") == [], (
            f"incremental build differs after {history}"
        )
        preview = preview_files(site, options, preview_cache, known_sources, memo=memo)
        outputs, copies = preview.outputs, preview.copies
        in_memory = {o.path: o.data for o in outputs}
        clean_dir = tmp_path / "clean/output"
        for path, data in without_search(in_memory).items():  # type: ignore[arg-type]
            assert data == (clean_dir / path).read_bytes(), (
                f"preview differs at {path} after {history}"
            )
        made = set(without_search(dict.fromkeys(in_memory, ""))) | {c.path for c in copies}
        assert made == set(expected), history
    assert updates >= 3, f"only {updates} of the builds updated the last one: {history}"


def test_no_change_rebuild_writes_nothing_and_one_edit_writes_few(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    rng = random.Random(7)
    site = tmp_path / "site"
    make_newsroom(site, rng, stories=60)
    assert run_cli("build", "--site", str(site)).code == 0
    result = run_cli("build", "--site", str(site))
    assert "(0 written" in result.out, result.out
    path = stories_of(site)[10]
    path.write_text(path.read_text() + "\nOne more paragraph.\n")
    result = run_cli("build", "--site", str(site))
    written = int(result.out.split(" written")[0].rsplit("(", 1)[1])
    assert 1 <= written <= 10, result.out
