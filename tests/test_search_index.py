"""The search index in levels, read back from the files a build wrote.

`searchable(output)` (conftest) is what search can show: every level's fragments less
those that pagefind/levels.json hides. Tests that hold an update against a clean build
compare the search index this way (conftest.same_site), by what it finds, since an update
lays out its levels otherwise.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from conftest import (
    DEFAULT_CONFIG,
    FIXED_EPOCH,
    MakeSite,
    clean_build,
    count_pagefind_runs,
    launch_chromium,
    png_bytes,
    run_cli,
    same_site,
    searchable,
    static_server,
    story,
    tree_digest,
)


def all_index_text(output: Path) -> bytes:
    """Every byte of the search index, its gzipped files unpacked, hidden entries included."""
    data = b""
    for path in sorted((output / "pagefind").rglob("*")):
        if path.is_file():
            raw = path.read_bytes()
            data += gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
    return data


def numbered(count: int, start: int = 0) -> dict[str, str]:
    return {
        f"content/articles/s{n:04d}.md": story(
            f"Story {n}",
            date=f"2026-{1 + n // 600:02d}-{1 + n // 24 % 25:02d}T{n % 24:02d}:00:00Z",
            section=("news", "sports")[n % 2],
            body=f"Paragraph {n} about the harbor, the council and word{n}.\n",
        )
        for n in range(start, start + count)
    }


def test_two_clean_builds_of_a_site_with_filters_are_the_same(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    site = make_site(numbered(60))
    for name in ("one", "two", "three"):
        result = run_cli("build", "--site", str(site), "--output", str(tmp_path / name))
        assert result.code == 0, result.err
    one = tree_digest(tmp_path / "one")
    assert any(path.startswith("pagefind/filter/") for path in one)
    assert one == tree_digest(tmp_path / "two") == tree_digest(tmp_path / "three")


# After a newsroom's history: the same results as one index made afresh


def secret(n: int) -> str:
    """A word only story n's text holds (letters only: Pagefind splits on digits)."""
    return "zq" + "".join("abcdefghij"[int(d)] for d in f"{n:04d}") + "x"


def history_story(n: int, date: str, version: int = 0, **extra: str) -> str:
    return story(
        f"Story {n}",
        date=date,
        section=("news", "sports")[n % 2],
        body=f"Harbor council report {secret(n)} version {secret(9000 + version)}.\n"
        f"\nThe ferry and the {('storm', 'school', 'budget')[n % 3]} again.\n",
        **extra,
    )


def day(n: int) -> str:
    return f"2026-{1 + n // 28 % 10:02d}-{1 + n % 28:02d}T{n % 24:02d}:00:00Z"


QUERIES = ["harbor", "council report", "storm", "school", "budget ferry"]


def browser_results(output: Path, queries: list[str]) -> dict[str, list[str]]:
    """query -> result URLs on the search page, newest first and by best match (a set)."""
    from test_discovery import settle

    found: dict[str, list[str]] = {}
    with static_server(output) as origin, launch_chromium() as browser:
        page = browser.new_page()
        for query in queries:
            for order in ("newest", "best"):
                page.goto(f"{origin}/search/?q={query.replace(' ', '+')}&sort={order}")
                settle(page)
                total = int(page.inner_text("#search_status").split()[0].replace("No", "0"))
                while (count := len(page.query_selector_all(".search-result"))) < total:
                    page.click(".search-more__button")
                    page.wait_for_function(
                        "n => document.querySelectorAll('.search-result').length >= n",
                        arg=min(total, count + 10),
                    )
                links = [
                    a.get_attribute("href") or ""
                    for a in page.query_selector_all(".search-result__title a")
                ]
                found[f"{query} ({order})"] = links if order == "newest" else sorted(links)
                found[f"{query} (status)"] = [page.inner_text("#search_status")]
    return found


def all_output_text(output: Path) -> bytes:
    """Every byte of output/, its gzipped files unpacked."""
    data = b""
    for path in sorted(output.rglob("*")):
        if path.is_file():
            raw = path.read_bytes()
            data += gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
    return data


def fragments_holding(output: Path, word: str) -> set[str]:
    """The ids of the fragments (in any level) whose text holds the word."""
    return {
        path.stem
        for path in (output / "pagefind").rglob("*.pf_fragment")
        if word.encode() in gzip.decompress(path.read_bytes())
    }


def check_withdrawn(output: Path, word: str, ids: set[str]) -> None:
    """A withdrawn story (deleted, a draft, scheduled): no fragment holds its word, and a
    level whose word index still holds it hides the fragment it had there (`ids`)."""
    assert not fragments_holding(output, word), word
    listing = json.loads((output / "pagefind/levels.json").read_text())
    for level in listing["levels"]:
        folder = output / level["folder"]
        index = b"".join(
            gzip.decompress(path.read_bytes()) for path in folder.glob("index/*.pf_index")
        )
        if word.encode() in index:
            assert ids & set(level["hidden"]), (word, level["folder"])


def page_count(bundle: Path) -> int:
    """How many pages a Pagefind bundle indexes (its pagefind-entry.json says)."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    return sum(language["page_count"] for language in entry["languages"].values())


def pagefind_runs(output: Path) -> dict[str, int]:
    """The bundles under /pagefind/level-N/ (the smaller levels, and the archive tiers of a
    merged index): folder -> pages."""
    return {
        folder.name: page_count(folder) for folder in sorted((output / "pagefind").glob("level-*"))
    }


@pytest.mark.browser
@pytest.mark.parametrize(("seed", "cap"), [(3, None), (4, None), (5, 100)])
def test_after_publishes_edits_redates_and_takedowns_search_finds_what_one_index_finds(
    make_site: MakeSite,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    seed: int,
    cap: int | None,
) -> None:
    """With a cap (search_index_pages), the archive outgrows it: no level holds more pages,
    and search over the archive's several levels finds what a clean build's finds."""
    import random

    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    rng = random.Random(seed)
    config = DEFAULT_CONFIG
    if cap is not None:
        config = config.replace("per_page = 3\n", f"per_page = 3\nsearch_index_pages = {cap}\n")
    site = make_site(
        {f"content/articles/s{n:04d}.md": history_story(n, day(n)) for n in range(130)},
        config=config,
    )
    articles = site / "content/articles"
    output = site / "output"
    assert run_cli("build", "--site", str(site)).code == 0
    versions: dict[int, int] = {}
    taken_down: set[int] = set()  # no trace of them in any published file
    withdrawn: dict[int, set[str]] = {}  # drafts, scheduled: n -> the fragments it had
    published = 130
    kinds = ["publish", "edit", "re-date", "take down", "again", "draft", "schedule"]
    forced = {2: "take down", 3: "draft", 8: "schedule", 13: "again"}  # each at least once
    for step in range(18):
        kind = forced.get(step) or rng.choices(kinds, [25, 20, 10, 10, 10, 10, 15])[0]
        if kind == "again" and not withdrawn:
            kind = "publish"
        live = sorted(set(range(published)) - taken_down - set(withdrawn))
        if step in (5, 11):  # a busy day: enough to fill tier 0, which is merged
            for n in range(published, published + 60):
                (articles / f"s{n:04d}.md").write_text(history_story(n, day(n)))
            published += 60
        elif kind == "publish":
            (articles / f"s{published:04d}.md").write_text(history_story(published, day(200)))
            published += 1
        elif kind == "edit":
            n = rng.choice(live)
            versions[n] = versions.get(n, 0) + 1
            (articles / f"s{n:04d}.md").write_text(history_story(n, day(n), versions[n]))
        elif kind == "re-date":
            n = rng.choice(live)
            (articles / f"s{n:04d}.md").write_text(
                history_story(n, day(rng.randrange(300)), versions.get(n, 0))
            )
        elif kind == "take down":
            n = rng.choice(live + sorted(withdrawn))
            removed = "{date: '2026-11-25T09:00:00Z', reason: Legal.}"
            (articles / f"s{n:04d}.md").write_text(history_story(n, day(n), removed=removed))
            taken_down.add(n)
            withdrawn.pop(n, None)
        elif kind == "again":  # a draft or a scheduled story published again
            n = rng.choice(sorted(withdrawn))
            (articles / f"s{n:04d}.md").write_text(history_story(n, day(n), versions.get(n, 0)))
            del withdrawn[n]
        elif kind == "draft":
            n = rng.choice(live)
            withdrawn[n] = fragments_holding(output, secret(n))
            (articles / f"s{n:04d}.md").write_text(history_story(n, day(n), draft="true"))
        else:  # scheduled: dated after now
            n = rng.choice(live)
            withdrawn[n] = fragments_holding(output, secret(n))
            (articles / f"s{n:04d}.md").write_text(history_story(n, "2027-02-01T10:00:00Z"))
        result = run_cli("build", "--site", str(site))
        assert result.code == 0, result.err
        text = all_output_text(output)
        for n in taken_down:
            assert secret(n).encode() not in text, (step, n)  # in no file at all
        for n, ids in withdrawn.items():
            check_withdrawn(output, secret(n), ids)
    listing = json.loads((site / "output/pagefind/levels.json").read_text())
    assert len(listing["levels"]) >= 2  # the history left more than one level
    clean = tmp_path / "clean"
    clean_build(site, clean)
    levels = json.loads((clean / "output/pagefind/levels.json").read_text())["levels"]
    assert levels[0]["folder"] == "pagefind/"
    assert all(level["hidden"] == [] for level in levels)
    assert len(levels) == 1  # with a cap, the archive tiers are merged into one index
    if cap is not None:
        runs = pagefind_runs(clean / "output")  # each tier's own index, merged at /pagefind/
        assert len(runs) == -(-len(searchable(clean / "output")) // cap) > 2
        assert page_count(clean / "output/pagefind") == sum(runs.values())
        for output_dir in (output, clean / "output"):
            assert all(0 < pages <= cap for pages in pagefind_runs(output_dir).values())
    assert searchable(site / "output") == searchable(clean / "output")
    gone = [secret(n) for n in sorted(withdrawn)] + [secret(n) for n in sorted(taken_down)]
    queries = [*QUERIES, secret(3), secret(9001), secret(9002), *gone]
    found = browser_results(site / "output", queries)
    assert found == browser_results(clean / "output", queries)
    if cap is not None:  # the merged archive finds what one Pagefind run over it finds
        one = tmp_path / "one"
        shutil.copytree(site, one, ignore=shutil.ignore_patterns("output", ".newssite-cache*"))
        config_file = one / "newssite.toml"
        config_file.write_text(config_file.read_text().replace(f"search_index_pages = {cap}\n", ""))
        clean_build(one, tmp_path / "one-clean")
        assert pagefind_runs(tmp_path / "one-clean/output") == {}
        assert found == browser_results(tmp_path / "one-clean/output", queries)
    for word in gone:
        assert found[f"{word} (newest)"] == found[f"{word} (best)"] == [], word


@pytest.mark.browser
def test_deleting_a_story_indexes_no_level_and_search_does_not_find_it(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    site = make_site(
        {f"content/articles/s{n:04d}.md": history_story(n, day(n)) for n in range(300)}
    )
    output = site / "output"
    assert run_cli("build", "--site", str(site)).code == 0
    before = tree_digest(output / "pagefind")
    [ids] = [fragments_holding(output, secret(n)) for n in (120,)]
    (site / "content/articles/s0120.md").unlink()
    assert run_cli("build", "--site", str(site)).code == 0
    after = tree_digest(output / "pagefind")
    written = {path for path, digest in after.items() if before.get(path) != digest}
    assert written == {"levels.json"}  # no level indexed again: its files are as they were
    assert set(before) - set(after) == {f"fragment/{id}.pf_fragment" for id in ids}
    check_withdrawn(output, secret(120), ids)
    assert secret(120).encode() in all_index_text(output)  # in the word index, hidden
    found = browser_results(output, [secret(120), "harbor"])
    assert found[f"{secret(120)} (newest)"] == []
    assert found["harbor (status)"][0].startswith("299 stories")


@pytest.mark.browser
def test_a_word_that_a_level_lacks_finds_what_one_index_finds(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind ignores a word its index lacks, and matches a word it holds no extension
    of by a shorter word ("harb" for "harbor"): the newest level, which lacks "ferry" and
    "harbor", must not then give its stories for "ferry council" or "harbor"."""

    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    site = make_site({f"content/articles/s{n:04d}.md": history_story(n, day(n)) for n in range(60)})
    assert run_cli("build", "--site", str(site)).code == 0
    for n in range(60, 63):
        (site / f"content/articles/s{n:04d}.md").write_text(
            story(f"Story {n}", date=day(200), body="The council met at the harb again.\n")
        )
    assert run_cli("build", "--site", str(site)).code == 0
    listing = json.loads((site / "output/pagefind/levels.json").read_text())
    assert len(listing["levels"]) == 2  # the three new stories are a level of their own
    clean = tmp_path / "clean"
    clean_build(site, clean)
    queries = ["ferry council", "harbor", "council", "harb", "council ferry storm"]
    found = browser_results(site / "output", queries)
    assert found == browser_results(clean / "output", queries)
    assert found["council (status)"][0].startswith("63 stories")
    assert found["ferry council (status)"][0].startswith("60 stories")
    assert found["harbor (status)"][0].startswith("60 stories")


# What Pagefind is given: the part of a page it reads


def test_pagefind_is_given_the_body_element_and_the_language_only() -> None:
    from newssite.search import searched_document

    page = (
        b'<!DOCTYPE html>\n<html lang="fr">\n<head><title>T</title></head>\n<body>\n'
        b"<nav>Menu</nav><main><article data-pagefind-body><h1>Titre</h1>"
        b"<article>nested</article><p>Texte</p></article></main>"
        b'<section class="related"><a href="/x/">Other</a></section></body></html>\n'
    )
    document = searched_document(page)
    assert document is not None
    assert b'<html lang="fr">' in document
    assert b"<article data-pagefind-body><h1>Titre</h1><article>nested</article>" in document
    assert b"<p>Texte</p></article>" in document
    assert b"Menu" not in document and b"Other" not in document
    # Pagefind would read the whole page, or something outside the body element.
    assert searched_document(page.replace(b" data-pagefind-body", b"")) is None
    outside = page.replace(b"<nav>", b'<nav data-pagefind-filter="kind">')
    assert searched_document(outside) is None
    assert searched_document(page.replace(b"</article></main>", b"</main>")) is None
    # What Pagefind is told to ignore outside the body (a footer's box) changes nothing.
    ignored = page.replace(b"<nav>", b"<nav data-pagefind-ignore>")
    assert searched_document(ignored) == document


def test_a_page_keeps_its_search_key_when_only_what_pagefind_ignores_changes() -> None:
    """The key that decides whether a story is indexed again covers what Pagefind indexes:
    not the text of an ignored author box or age notice, but an ignored element's meta and
    filters, and its images and <h1> (Pagefind's image and title when no meta names them)."""
    from newssite.search import _search_key

    def page(
        body: str, box: str = "Ana covers city hall.", meta: str = "News", avatar: str = "a1"
    ) -> bytes:
        return (
            '<!DOCTYPE html>\n<html lang="en">\n<body><article data-pagefind-body>'
            f"<h1>Title</h1><p>{body}</p>"
            f'<div data-pagefind-ignore><img src="/{avatar}.jpg" alt="Ana"><p>{box}</p></div>'
            f"<p data-pagefind-ignore>Published 2 years ago <span>{box}</span></p>"
            f"<section data-pagefind-ignore><b>About</b><p data-pagefind-ignore>{box}</p></section>"
            f'<div hidden data-pagefind-ignore><span data-pagefind-filter="section">{meta}'
            "</span></div></article>"
            "<footer><div data-pagefind-ignore>Support us</div></footer></body></html>\n"
        ).encode()

    def key(data: bytes) -> str:
        return _search_key("a/index.html", data, {})

    first = key(page("The council met."))
    assert key(page("The council met.", box="Ana covers schools.")) == first
    assert key(page("The council met.").replace(b"Support us", b"Give")) == first
    assert key(page("The council met again.")) != first
    assert key(page("The council met.", meta="Sports")) != first
    # With no image meta, Pagefind shows the first image, an ignored one too (the avatar).
    assert key(page("The council met.", avatar="a2")) != first
    # And the first <h1> is the title, in an ignored element too.
    heading = page("The council met.").replace(b"<b>About</b>", b"<h1>About</h1>")
    assert key(heading) != key(heading.replace(b"<h1>About</h1>", b"<h1>Authors</h1>"))
    # An ignored element whose end cannot be found: the key covers the whole document.
    broken = page("The council met.").replace(b"</section>", b"")
    assert key(broken) != key(broken.replace(b"Ana covers city hall.", b"Ana"))


def test_a_story_without_a_photo_shows_no_thumbnail_in_search_not_its_authors_portrait(
    make_site: MakeSite,
) -> None:
    site = make_site(
        {
            "content/authors/ana.md": "---\nname: Ana Ruiz\navatar: /photos/ana.png\n---\nBio.\n",
            "static/photos/ana.png": png_bytes("olive"),
            "static/photos/pier.png": png_bytes("navy"),
            "content/articles/plain.md": story("A story without a photo"),
            "content/articles/pictured.md": story(
                "A story with a photo", photo="{src: /photos/pier.png, alt: The pier, credit: Ana}"
            ),
        }
    )
    assert run_cli("build", "--site", str(site)).code == 0
    page = (site / "output/news/plain/index.html").read_text()
    assert "/ana" in page  # the author box shows the portrait on the page itself
    found = searchable(site / "output")
    assert found["/news/plain/"]["meta"].get("image", "") == ""
    assert found["/news/pictured/"]["meta"]["image"].startswith("/img/")


def test_editing_an_authors_bio_indexes_no_story_again(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bio is on each of the author's story pages, in a box Pagefind ignores, and the
    footer has a support box it ignores too: the pages are made again, the index is not."""

    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    config = DEFAULT_CONFIG + '\n[support]\nurl = "/support/"\ntext = "Support us."\n'
    # Ana wrote five of the thirty stories: were they indexed again, they would be hidden
    # in their level and make a newer one.
    stories = {
        f"content/articles/s{n:04d}.md": history_story(n, day(n), author="ana" if n < 5 else "bo")
        for n in range(30)
    }
    bo = "---\nname: Bo Lind\n---\nBo covers sports.\n"
    site = make_site({**stories, "content/authors/bo.md": bo}, config=config)
    output = site / "output"
    assert run_cli("build", "--site", str(site)).code == 0
    page = (output / "news/s0000/index.html").read_bytes()
    assert b"Ana covers city hall." in page and b'class="support"' in page
    before_pages, before_index = tree_digest(output), tree_digest(output / "pagefind")
    bio = site / "content/authors/ana.md"
    bio.write_text(bio.read_text().replace("city hall", "the harbor and city hall"))
    assert run_cli("build", "--site", str(site)).code == 0
    after_pages = tree_digest(output)
    remade = {p for p, digest in after_pages.items() if before_pages.get(p) != digest}
    assert "news/s0000/index.html" in remade  # the bio is shown there
    assert tree_digest(output / "pagefind") == before_index
    clean = tmp_path / "clean"
    clean_build(site, clean)
    assert same_site(output, clean / "output") == []


def test_pagefind_makes_the_same_index_of_the_body_element_as_of_the_whole_page(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import subprocess

    from newssite.search import find_pagefind, searched_document
    from test_workflow import png

    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    site = make_site(
        {
            **{f"content/articles/s{n:04d}.md": history_story(n, day(n)) for n in range(40)},
            "content/articles/photo.md": story(
                "With a photo",
                tags="[Harbor, Ferry]",
                photo="{src: p.png, alt: A quay, credit: Ana}",
                body="The quay at dawn.\n",
            ),
            "content/articles/p.png": png(),
        }
    )
    assert run_cli("build", "--site", str(site)).code == 0
    pages = sorted(
        path
        for path in (site / "output").rglob("index.html")
        if b"data-pagefind-body" in path.read_bytes()
    )
    assert len(pages) == 41
    binary = find_pagefind()
    assert binary is not None
    bundles = {}
    for kind in ("whole", "body"):
        root = tmp_path / kind
        for path in pages:
            target = root / "site" / path.relative_to(site / "output")
            target.parent.mkdir(parents=True, exist_ok=True)
            data = path.read_bytes()
            target.write_bytes(data if kind == "whole" else searched_document(data) or b"")
        command = [str(binary), "--site", "site", "--output-path", "bundle", "--silent"]
        subprocess.run(command, cwd=root, check=True, env={"PATH": os.environ["PATH"]})
        bundles[kind] = {
            path.relative_to(root / "bundle").as_posix(): path.read_bytes()
            for path in sorted((root / "bundle").rglob("*"))
            if path.is_file() and path.parent.name in ("fragment", "index")
        }
    assert len(bundles["whole"]) > 41
    assert bundles["whole"] == bundles["body"]


def test_the_search_keys_the_render_workers_work_out_are_the_pages_own(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build large enough to render on several processes works out each story page's
    search key where it renders it. An edit of article.html that changes nothing Pagefind
    reads makes every story page again, in this process (an update of 300 pages): keys
    that differ from the workers' would index the archive again."""
    from newssite.config import packaged_theme_dir

    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    site = make_site(
        {f"content/articles/s{n:04d}.md": history_story(n, day(n)) for n in range(300)}
    )
    result = run_cli("build", "--site", str(site))
    assert result.code == 0, result.err
    runs = count_pagefind_runs(monkeypatch)
    packaged = packaged_theme_dir() / "templates/article.html"
    override = site / "themes/default/templates/article.html"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text(packaged.read_text() + "<!-- an edit outside the story -->\n")
    result = run_cli("build", "--site", str(site))
    assert result.code == 0, result.err
    assert runs == []
