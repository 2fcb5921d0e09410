"""Every kind of change a newsroom makes, in random order, on a site large enough to have a
sitemap index (over 5,000 URLs) and a search index in several levels: after each, output/
equals a clean build of the same sources byte for byte (the search index by what it finds:
an update lays out its levels as its history has them), and the changes the last build's
records can stand for are made as updates (the CLI says "Updated") that write few files.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import clean_build, run_cli, same_site
from test_update import AUTHORS, CONFIG, article, make_newsroom, photo_bytes, set_field

STORIES = 2000  # with 2 stories a list page: some 6,000 URLs, and search in several parts

Change = Callable[[Path, random.Random], None]


def _story(site: Path, rng: random.Random) -> Path:
    return rng.choice(sorted((site / "content/articles").glob("story-*.md")))


def publish(site: Path, rng: random.Random) -> None:
    number = rng.randint(5000, 9999)
    (site / f"content/articles/new-{number}.md").write_text(article(rng, number, 0.1))


def edit_body(site: Path, rng: random.Random) -> None:
    path = _story(site, rng)
    path.write_text(path.read_text() + "\nA paragraph added after publication.\n")


def delete(site: Path, rng: random.Random) -> None:
    _story(site, rng).unlink()


def redate(site: Path, rng: random.Random) -> None:
    set_field(_story(site, rng), "date", "2026-06-01T09:00:00Z")


def retag(site: Path, rng: random.Random) -> None:
    set_field(_story(site, rng), "tags", "[Harbor, Night Ferry]")


def take_down(site: Path, rng: random.Random) -> None:
    set_field(_story(site, rng), "removed", "{date: 2026-11-20, reason: A court order.}")


def draft_and_back(site: Path, rng: random.Random) -> None:
    path = _story(site, rng)
    set_field(path, "draft", "true")
    build_and_compare(site, "make a draft")
    set_field(path, "draft", "false")


def alias(site: Path, rng: random.Random) -> None:
    set_field(_story(site, rng), "aliases", f"[/archive/old-{rng.randint(1, 10**6)}/]")


def own_file(site: Path, rng: random.Random) -> None:
    path = _story(site, rng)
    (path.parent / "figures.csv").write_text("year,tons\n2025,12\n2026,15\n")
    path.write_text(path.read_text() + "\nThe [figures](figures.csv) are published with it.\n")


def author_bio(site: Path, rng: random.Random) -> None:
    path = site / f"content/authors/{rng.choice(AUTHORS)}.md"
    path.write_text(path.read_text() + "\nShe also covers the ferries.\n")


def author_photo(site: Path, rng: random.Random) -> None:
    path = site / f"content/authors/{rng.choice(AUTHORS)}.md"
    (site / "static/images/portrait.jpg").write_bytes(photo_bytes((200, 180, 160)))
    path.write_text(path.read_text().replace("---\n", "---\navatar: /images/portrait.jpg\n", 1))


def standalone_page(site: Path, rng: random.Random) -> None:
    path = site / "content/pages/about.md"
    words = rng.choice(["harbor", "council", "tide"])
    path.write_text(f"---\ntitle: About us\n---\nWe cover the {words} every day.\n")


def rename_section(site: Path, rng: random.Random) -> None:
    config = site / "newssite.toml"
    config.write_text(config.read_text().replace('title = "Politics"', 'title = "Government"'))


def template(site: Path, rng: random.Random) -> None:
    folder = site / "themes/default/templates"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "404.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>Nothing here</h1>{% endblock %}\n'
    )


def static_file(site: Path, rng: random.Random) -> None:
    (site / "static/robots-note.txt").write_text("Hello, crawlers.\n")


def replace_photo(site: Path, rng: random.Random) -> None:
    (site / "static/images/harbor.jpg").write_bytes(photo_bytes((10, 90, 160)))


CHANGES: dict[str, Change] = {
    "publish": publish,
    "edit a body": edit_body,
    "delete": delete,
    "re-date": redate,
    "retag": retag,
    "take down": take_down,
    "draft and back": draft_and_back,
    "alias": alias,
    "a story's own file": own_file,
    "an author's bio": author_bio,
    "an author's photo": author_photo,
    "a standalone page": standalone_page,
    "a section renamed": rename_section,
    "a template": template,
    "a static file": static_file,
    "a photo": replace_photo,
}
UPDATES = {"publish", "edit a body", "delete", "re-date", "retag", "an author's bio"}
# Publishing and editing write few files. The others reach more: a bio is on each of the
# author's story pages, and deleting, re-dating or retagging an old story moves the stories
# after it on the numbered pages of its lists (which count from the oldest).
FEW_FILES = {"publish", "edit a body"}


def build_and_compare(site: Path, name: str) -> str:
    result = run_cli("build", "--site", str(site))
    assert result.code == 0, (name, result.err)
    clean_build(site, site.parent / "clean")
    differences = same_site(site / "output", site.parent / "clean/output")
    assert differences == [], f"output/ differs after {name}"
    return result.out


@pytest.mark.slow
def test_every_kind_of_change_equals_a_clean_build(tmp_path: Path) -> None:
    rng = random.Random(13)
    site = tmp_path / "site"
    make_newsroom(site, rng, STORIES)
    (site / "content/pages").mkdir()
    (site / "content/pages/about.md").write_text("---\ntitle: About us\n---\nWho we are.\n")
    config = site / "newssite.toml"
    config.write_text(CONFIG.replace("per_page = 3", "per_page = 2"))
    first = run_cli("build", "--site", str(site))
    assert first.code == 0, first.err
    output = site / "output"
    assert (output / "sitemap-stories-1.xml").is_file()  # past 5,000 URLs: an index
    assert (output / "pagefind").is_dir()
    names = list(CHANGES)
    rng.shuffle(names)
    for name in names:
        CHANGES[name](site, rng)
        out = build_and_compare(site, name)
        if name in UPDATES:
            assert out.startswith("Updated "), (name, out)
        if name in FEW_FILES:
            written = int(re.search(r"\((\d+) written", out).group(1))  # type: ignore[union-attr]
            assert written <= 60, (name, out)
    assert list((output / "pagefind").glob("level-*"))  # the changes made newer levels
