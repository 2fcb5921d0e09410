"""Discovery: related stories, JSON Feed 1.1 and Pagefind search.

Sites are built by the real CLI; the search index is read back from Pagefind's own files
and, in headless Chromium, searched through the default theme's /search/ page under a
base_url sub-path.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import stat
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser
import pagefind_bin
import pytest

import newssite.search
from conftest import (
    DEFAULT_CONFIG,
    FIXED_EPOCH,
    MakeSite,
    Result,
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
from newssite.build import preview_files
from newssite.cache import BuildCache
from newssite.model import BuildOptions, Section, Story, Tag
from newssite.related import related_stories
from sitecheck import parse_html, xml

ATOM = "{http://www.w3.org/2005/Atom}"

BODY_PHRASE = "zephyrous lighthouse keepers"
DRAFT_PHRASE = "quixotic draft manifesto"
SCHEDULED_PHRASE = "embargoed moonlit regatta"
REMOVED_PHRASE = "withdrawn bioluminescent trawler"


def build(site: Path, *args: str) -> Result:
    result = run_cli("build", "--site", str(site), *args)
    assert result.code == 0, result.err
    return result


def written(result: Result) -> int:
    """ "Built N pages, M files (W written, ..." -> W."""
    return int(result.out.split(" written")[0].rsplit("(", 1)[1])


def related_links(page: Path) -> list[str]:
    document = parse_html(page)
    return [
        link.get("href")
        for section in document.iter("section")
        if section.get("class") == "related"
        for link in section.iter("a")
        if link.getparent().tag == "h3"
    ]


# Related stories


def archive_files() -> dict[str, str]:
    """Stories around one target, each day older; what each shares with the target is in its name."""
    day = "2026-11-{:02d}T10:00:00+02:00".format
    return {
        "content/articles/oldest-harbor.md": story(
            "Oldest harbor story", date=day(10), tags="[Harbor]"
        ),
        "content/articles/both-tags.md": story(
            "Harbor ferries story", date=day(11), tags="[Harbor, Ferries]"
        ),
        "content/articles/sports-harbor.md": story(
            "Harbor regatta", date=day(12), section="sports", tags="[Harbor]"
        ),
        "content/articles/sports-nothing.md": story(
            "Unrelated match", date=day(13), section="sports", tags="[Football]"
        ),
        "content/articles/news-only.md": story("Budget story", date=day(14), tags="[Budget]"),
        "content/articles/draft-both.md": story(
            "Draft harbor ferries", date=day(15), tags="[Harbor, Ferries]", draft="true"
        ),
        "content/articles/target.md": story(
            "The target story", date=day(16), tags="[Harbor, Ferries]"
        ),
        "content/articles/newer-both.md": story(
            "Newer harbor ferries", date=day(17), tags="[Harbor, Ferries]"
        ),
    }


def test_related_stories_rank_shared_tags_then_section_then_recency(
    make_site: MakeSite,
) -> None:
    site = make_site(archive_files())
    build(site, "--drafts")
    links = related_links(site / "output/news/target/index.html")
    # Two shared tags and the section, one tag and the section, one tag, the section only;
    # never a newer story, a draft, or one sharing nothing.
    assert links == [
        "/news/both-tags/",
        "/news/oldest-harbor/",
        "/sports/sports-harbor/",
        "/news/news-only/",
    ]
    assert related_links(site / "output/news/oldest-harbor/index.html") == []
    newest = related_links(site / "output/news/newer-both/index.html")
    assert newest[0] == "/news/target/" and "/news/draft-both/" not in newest
    page = (site / "output/news/target/index.html").read_text(encoding="utf-8")
    assert page.index('class="story__footer"') < page.index('class="related"')
    assert page.index('class="related"') < page.index('class="newsfeed"')


def test_related_teasers_show_section_date_and_photo(make_site: MakeSite) -> None:
    files = archive_files()
    files["content/articles/both-tags.md"] = story(
        "Harbor ferries story",
        date="2026-11-11T10:00:00+02:00",
        tags="[Harbor, Ferries]",
        photo="{src: /photos/pier.png, alt: The pier, credit: Ana Ruiz}",
    )
    files["static/photos/pier.png"] = png_bytes()  # type: ignore[assignment]
    site = make_site(files)
    build(site)
    document = parse_html(site / "output/news/target/index.html")
    [related] = [s for s in document.iter("section") if s.get("class") == "related"]
    [first, *_] = [a for a in related.iter("article")]
    text = " ".join("".join(first.itertext()).split())
    assert text == "News Harbor ferries story Nov. 11, 2026"
    images = list(first.iter("img"))
    assert len(images) == 1 and images[0].get("width") and images[0].get("loading") == "lazy"


def test_publishing_or_editing_a_story_leaves_other_article_pages_alone(
    make_site: MakeSite,
) -> None:
    site = make_site(archive_files())
    build(site)
    output = site / "output"
    articles = [*output.glob("news/*/index.html"), *output.glob("sports/*/index.html")]
    before = {p: p.read_bytes() for p in articles if p.parent.name != "page"}
    assert len(before) == 7
    (site / "content/articles/newest.md").write_text(
        story("Newest harbor ferries", date="2026-11-20T10:00:00+02:00", tags="[Harbor, Ferries]")
    )
    build(site)
    assert {p: p.read_bytes() for p in before} == before
    assert related_links(output / "news/newest/index.html")[0] == "/news/newer-both/"
    path = site / "content/articles/both-tags.md"
    path.write_text(path.read_text() + "\nA new paragraph of reporting.\n")
    build(site)
    changed = [p for p in before if p.read_bytes() != before[p]]
    assert changed == [output / "news/both-tags/index.html"]


def fake_story(number: int, tags: tuple[Tag, ...], section: Section) -> Story:
    return Story(
        source=f"content/articles/{number}.md",
        slug=f"s{number}",
        url=f"/{section.slug}/s{number}/",
        title=f"Story {number}",
        summary="",
        section=section,
        authors=(),
        tags=tags,
        date=datetime(2020, 1, 1, tzinfo=UTC) + timedelta(hours=number),
        updated=None,
        photo=None,
        body_html="",
        body_digest="",
        reading_minutes=1,
        draft=False,
        extra={},
    )


def test_related_stories_take_linear_time_on_a_big_archive() -> None:
    """Every story in one tag and one section: a quadratic pass would take minutes."""
    news = Section("news", "News", "/news/")
    tags = (Tag("harbor", "Harbor", "/tags/harbor/"), Tag("city", "City", "/tags/city/"))
    stories = [fake_story(n, tags, news) for n in range(20_000)]
    stories.reverse()  # newest first, as in Site.stories
    started = time.perf_counter()
    related = related_stories(stories)
    assert time.perf_counter() - started < 10
    assert related["/news/s19999/"][0].url == "/news/s19998/"  # the most recent first
    assert [len(related[s.url]) for s in stories[-5:]] == [4, 3, 2, 1, 0]
    assert related_stories(stories) == related


# JSON Feed


def test_a_json_feed_sits_next_to_every_atom_feed_with_the_same_entries(
    make_site: MakeSite,
) -> None:
    files = archive_files()
    files["content/authors/ben.md"] = "---\nname: Ben Okafor\n---\nBen.\n"
    files["content/articles/photo.md"] = story(
        "A story with a photo",
        date="2026-11-18T10:00:00+02:00",
        author="[ana, ben]",
        summary="'The dek.'",
        photo="{src: /photos/pier.png, alt: The pier, credit: Ana Ruiz/Wire, caption: Dawn}",
        updated="2026-11-19T10:00:00+02:00",
    )
    files["static/photos/pier.png"] = png_bytes()  # type: ignore[assignment]
    site = make_site(files)
    build(site)
    output = site / "output"
    atom_feeds = sorted(output.rglob("feed.xml"))
    assert len(atom_feeds) >= 5
    for atom_path in atom_feeds:
        data = json.loads(atom_path.with_name("feed.json").read_text(encoding="utf-8"))
        atom = feedparser.parse(atom_path.read_bytes())
        atom_content = {  # as written, not as feedparser cleans it
            entry.findtext(f"{ATOM}id"): entry.findtext(f"{ATOM}content")
            for entry in xml(atom_path).iter(f"{ATOM}entry")
        }
        assert data["version"] == "https://jsonfeed.org/version/1.1"
        assert data["title"] == atom.feed.title
        assert data["home_page_url"] == atom.feed.link
        feed_url = "https://gazette.example/" + atom_path.relative_to(output).as_posix()
        assert data["feed_url"] == feed_url.removesuffix(".xml") + ".json"
        assert [item["id"] for item in data["items"]] == [e.id for e in atom.entries]
        for item, entry in zip(data["items"], atom.entries, strict=True):
            assert item["url"] == entry.link and item["title"] == entry.title
            assert item["content_html"] == atom_content[entry.id]
            assert item["date_published"] == entry.published
            assert item["date_modified"] == entry.updated
            assert [a["name"] for a in item["authors"]] == [a.name for a in entry.authors]
            assert all(
                a["url"].startswith("https://gazette.example/authors/") for a in item["authors"]
            )
            assert item["tags"][0] == "News" or item["tags"][0] == "Sports"
            datetime.fromisoformat(item["date_published"].replace("Z", "+00:00"))
    site_feed = json.loads((output / "feed.json").read_text(encoding="utf-8"))
    photo = next(i for i in site_feed["items"] if i["title"] == "A story with a photo")
    assert photo["summary"] == "The dek."
    assert photo["image"].startswith("https://gazette.example/img/")
    assert photo["_photo"] == {"alt": "The pier", "caption": "Dawn", "credit": "Ana Ruiz/Wire"}
    assert photo["date_modified"] > photo["date_published"]
    assert [a["name"] for a in photo["authors"]] == ["Ana Ruiz", "Ben Okafor"]
    harbor = next(i for i in site_feed["items"] if i["title"] == "Harbor ferries story")
    assert harbor["tags"] == ["News", "Harbor", "Ferries"] and "image" not in harbor


def test_pages_announce_their_json_feeds(make_site: MakeSite) -> None:
    site = make_site(archive_files())
    build(site)

    def alternates(path: str) -> list[str]:
        document = parse_html(site / "output" / path)
        return [
            link.get("href")
            for link in document.iter("link")
            if link.get("rel") == "alternate" and link.get("type") == "application/feed+json"
        ]

    assert alternates("index.html") == ["/feed.json"]
    assert alternates("sports/index.html") == ["/feed.json", "/sports/feed.json"]
    assert alternates("authors/ana/index.html") == ["/feed.json", "/authors/ana/feed.json"]
    assert alternates("news/target/index.html") == ["/feed.json", "/news/feed.json"]


# Search: the index


def newsroom_files() -> dict[str, str]:
    return {
        "content/articles/published.md": story(
            "Lighthouse keepers retire",
            date="2026-11-20T10:00:00+02:00",
            body=f"The {BODY_PHRASE} handed over the keys on Tuesday.\n",
        ),
        "content/articles/match.md": story(
            "Harbor FC wins", date="2026-11-19T10:00:00+02:00", section="sports"
        ),
        "content/articles/draft.md": story(
            "Secret draft", body=f"A {DRAFT_PHRASE}.\n", draft="true"
        ),
        "content/articles/later.md": story(
            "Scheduled story",
            date="2027-01-05T06:00:00Z",
            body=f"The {SCHEDULED_PHRASE} starts at dawn.\n",
        ),
        "content/articles/removed.md": story(
            "Removed story",
            date="2026-11-18T10:00:00+02:00",
            body=f"A {REMOVED_PHRASE}.\n",
            removed="{date: '2026-11-24T09:00:00+02:00', reason: Legal.}",
        ),
    }


def search_parts(output: Path) -> list[str]:
    """The levels of the search index (pagefind/levels.json), the largest first."""
    listing = json.loads((output / "pagefind/levels.json").read_text())
    return ["/" + level["folder"] for level in listing["levels"]]


def indexed(output: Path) -> dict[str, dict[str, Any]]:
    """URL -> record of every page in every part of the Pagefind index (fragments are
    gzipped JSON)."""
    records = {}
    for path in sorted((output / "pagefind").rglob("fragment/*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        record = json.loads(data[len(b"pagefind_dcd") :])
        records[record["url"]] = record
    return records


@pytest.mark.parametrize("flags", [(), ("--drafts", "--future")])
def test_only_published_stories_enter_the_index(
    make_site: MakeSite, flags: tuple[str, ...]
) -> None:
    site = make_site(newsroom_files())
    build(site, *flags)
    output = site / "output"
    records = indexed(output)
    assert set(records) == {"/news/published/", "/sports/match/"}
    record = records["/news/published/"]
    assert BODY_PHRASE in record["content"]
    assert record["meta"] == {
        "title": "Lighthouse keepers retire",
        "section": "News",
        "date": "Nov. 20, 2026",
        "published": f"{int(datetime(2026, 11, 20, 8, tzinfo=UTC).timestamp()):011d}/news/published/",
        "author": "Ana Ruiz",
        "image": "",  # no photo: no thumbnail (Pagefind would take the first image)
    }
    assert record["filters"] == {"section": ["News"], "author": ["Ana Ruiz"]}
    assert "Ana covers city hall" not in record["content"]  # author boxes are not indexed
    assert "Nov. 20, 2026" not in record["content"]  # the date is shown from the meta
    assert "By Ana Ruiz" in record["content"]  # a reporter's name finds their stories
    everything = b"".join(p.read_bytes() for p in (output / "pagefind").rglob("*") if p.is_file())
    everything += b"".join(
        gzip.decompress(p.read_bytes()) for p in (output / "pagefind").rglob("*.pf_*")
    )
    for secret in (DRAFT_PHRASE, SCHEDULED_PHRASE, REMOVED_PHRASE, "Secret draft"):
        assert secret.encode() not in everything
    assert (output / "pagefind/pagefind.js").is_file()
    assert not (output / "pagefind/pagefind-ui.js").exists()  # search.js is the UI
    assert (output / "search/index.html").is_file()


def test_search_can_be_turned_off(make_site: MakeSite) -> None:
    # In TOML a key after a table belongs to that table, so the switch goes first.
    site = make_site(newsroom_files(), config="search = false\n" + DEFAULT_CONFIG)
    build(site)
    output = site / "output"
    assert not (output / "pagefind").exists() and not (output / "search").exists()
    assert "/search/" not in (output / "index.html").read_text(encoding="utf-8")
    (site / "newssite.toml").write_text("search = true\n" + DEFAULT_CONFIG)
    build(site)
    assert (output / "pagefind/pagefind.js").is_file()
    assert 'href="/search/"' in (output / "index.html").read_text(encoding="utf-8")
    (site / "newssite.toml").write_text("search = 'yes'\n" + DEFAULT_CONFIG)
    result = run_cli("build", "--site", str(site))
    assert result.code == 1 and "search: expected true or false" in result.err


def test_a_site_with_nothing_to_find_has_no_search_page(make_site: MakeSite) -> None:
    site = make_site({"content/articles/draft.md": story("Draft", draft="true")})
    build(site)
    assert not (site / "output/pagefind").exists() and not (site / "output/search").exists()


def test_without_the_pagefind_binary_search_is_a_clear_error(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(newsroom_files())
    build(site)
    before = tree_digest(site / "output")
    monkeypatch.setattr(pagefind_bin, "get_executable", _missing_binary)
    monkeypatch.setattr(shutil, "which", lambda *args, **kwargs: None)
    for command in ("build", "check"):
        result = run_cli(command, "--site", str(site))
        assert result.code == 1, result.out
        assert "newssite.toml: search: search = true needs the Pagefind binary" in result.err
        assert "pip install 'pagefind[bin]'" in result.err and "search = false" in result.err
        assert "Traceback" not in result.err
    assert tree_digest(site / "output") == before
    (site / "newssite.toml").write_text("search = false\n" + DEFAULT_CONFIG)
    build(site)


def _missing_binary() -> str:
    raise FileNotFoundError("pagefind")


def test_a_failing_indexer_publishes_nothing(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    site = make_site(newsroom_files())
    build(site)
    before = tree_digest(site / "output")
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'Error: disk on fire' >&2\nexit 3\n")
    broken.chmod(broken.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(pagefind_bin, "get_executable", lambda: str(broken))
    path = site / "content/articles/published.md"
    path.write_text(path.read_text() + "\nMore.\n")
    result = run_cli("build", "--site", str(site))
    assert result.code == 1
    assert "Pagefind could not index the site (output/ was left as it was)" in result.err
    assert "disk on fire" in result.err
    assert tree_digest(site / "output") == before
    mine = f"{newssite.search.SCRATCH_PREFIX}{os.getpid()}-*"
    for parent in (site / ".newssite-cache", newssite.search.MEMORY_FOLDER):
        assert not list(parent.glob(mine)), f"scratch folder left behind in {parent}"


@pytest.mark.parametrize("room", ["in memory", "on disk"])
def test_pagefind_runs_in_memory_when_there_is_room(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, room: str
) -> None:
    """Pagefind's scratch folder (the pages it reads, the index it writes) goes to the
    folder in memory when it has room for the pages, else to the cache folder."""
    site = make_site(newsroom_files())
    memory = tmp_path / "memory"
    memory.mkdir()
    monkeypatch.setattr(newssite.search, "MEMORY_FOLDER", memory)
    if room == "on disk":
        free = shutil.disk_usage(memory).free
        monkeypatch.setattr(newssite.search, "_SCRATCH_BYTES_PER_PAGE", free)
    seen = tmp_path / "seen"
    spy = tmp_path / "pagefind"
    spy.write_text(f'#!/bin/sh\npwd > "{seen}"\nexit 3\n')
    spy.chmod(spy.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(pagefind_bin, "get_executable", lambda: str(spy))
    assert run_cli("build", "--site", str(site)).code == 1
    parent = Path(seen.read_text().strip()).parent
    assert parent == (memory if room == "in memory" else site / ".newssite-cache")


def test_scratch_folders_of_killed_builds_are_removed(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    site = make_site(newsroom_files())
    memory = tmp_path / "memory"
    monkeypatch.setattr(newssite.search, "MEMORY_FOLDER", memory)
    prefix = newssite.search.SCRATCH_PREFIX
    for parent in (site / ".newssite-cache", memory):
        stale = parent / f"{prefix}99999999-killed/site/news/x"  # no such process
        stale.mkdir(parents=True)
        (stale / "index.html").write_text("<p>left behind</p>")
    running = memory / f"{prefix}1-running"  # pid 1 runs: its build is not done
    running.mkdir()
    build(site)
    assert sorted(p.name for p in (site / ".newssite-cache").iterdir() if "search" in p.name) == []
    assert sorted(p.name for p in memory.iterdir()) == [running.name]


def test_an_unchanged_index_is_reused_and_a_changed_one_rebuilt(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(newsroom_files())
    build(site)
    output = site / "output"
    first = tree_digest(output / "pagefind")
    runs = count_pagefind_runs(monkeypatch)
    assert "(0 written" in build(site).out
    assert runs == []
    shutil_rmtree(output / "pagefind/fragment")  # someone tampered with the output
    build(site)
    assert runs == [1] and tree_digest(output / "pagefind") == first
    path = site / "content/articles/match.md"
    path.write_text(path.read_text() + "\nA late equaliser from the penalty spot.\n")
    build(site)
    assert runs == [1, 1]
    assert "penalty spot" in indexed(output)["/sports/match/"]["content"]


def shutil_rmtree(path: Path) -> None:
    import shutil

    shutil.rmtree(path)


def test_two_clean_builds_give_the_same_index(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site(archive_files())
    first = build(site, "--output", str(tmp_path / "one"))
    second = build(site, "--output", str(tmp_path / "two"))
    assert first.code == second.code == 0
    one, two = tree_digest(tmp_path / "one"), tree_digest(tmp_path / "two")
    assert any(path.startswith("pagefind/") for path in one)
    assert one == two


def test_incremental_builds_of_a_split_index_equal_clean_builds(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    site = make_site(numbered_stories(205))
    build(site)
    articles = site / "content/articles"
    edits = [
        lambda: (articles / "s150.md").write_text(
            (articles / "s150.md").read_text() + "\nA correction to the tally.\n"
        ),
        lambda: (articles / "s003.md").unlink(),  # every later part shifts by one story
        lambda: (articles / "late.md").write_text(story("Late", date="2026-11-25T10:00:00Z")),
        lambda: (articles / "s010.md").write_text(
            (articles / "s010.md").read_text().replace("---\n", "---\ndraft: true\n", 1)
        ),
    ]
    for number, edit in enumerate(edits):
        edit()
        build(site)
        clean_build(site, tmp_path / f"clean{number}")
        assert same_site(site / "output", tmp_path / f"clean{number}/output") == []
    assert len(searchable(site / "output")) == 205 - 1 + 1 - 1


def test_the_preview_keeps_the_index_in_memory(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    site = make_site(newsroom_files())
    cache = BuildCache(None)
    options = BuildOptions(base_url="http://127.0.0.1:8000/")
    outputs = preview_files(site, options, cache).outputs
    index = {o.path: o.data for o in outputs if o.path.startswith("pagefind/")}
    assert "pagefind/pagefind.js" in index and all(index.values())
    monkeypatch.setattr(newssite.search, "_run_pagefind", lambda *args: pytest.fail("re-ran"))
    outputs = preview_files(site, options, cache).outputs
    assert {o.path: o.data for o in outputs if o.path.startswith("pagefind/")} == index
    assert not (site / "output").exists()


def numbered_stories(count: int, phrase: str = "") -> dict[str, str]:
    return {
        f"content/articles/s{n:03d}.md": story(
            f"Story {n}",
            date=(datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=7 * n)).isoformat(),
            section=("news", "sports")[n % 2],
            tags=f"[T{n % 7}, T{n % 5}]",
            body=f"Paragraph {n} about the harbor, the council and word{n}.\n"
            + (f"\nThe {phrase}.\n" if n in (0, count - 1) else ""),
        )
        for n in range(count)
    }


def test_publishing_one_story_with_search_on_writes_few_files(make_site: MakeSite) -> None:
    site = make_site(numbered_stories(120))
    build(site)
    output = site / "output"
    before = tree_digest(output)
    assert search_parts(output) == ["/pagefind/"]  # a clean build: one level
    assert len(indexed(output)) == 120
    (site / "content/articles/new.md").write_text(
        story("Breaking", date="2026-11-25T10:00:00+02:00", tags="[T1, T2]")
    )
    result = build(site)
    assert written(result) <= 40, result.out
    assert "/news/new/" in indexed(output)
    after = tree_digest(output)
    changed = sorted(p for p in after if p.startswith("pagefind/") and before.get(p) != after[p])
    # The story went into a new, small newest level; the large one was left as it was.
    assert search_parts(output) == ["/pagefind/", "/pagefind/level-0/"]
    newest = "pagefind/level-0/"
    assert changed and all(p.startswith(newest) or p == "pagefind/levels.json" for p in changed)
    assert len(changed) <= 10, changed


# Search in a browser


def settle(page: Any) -> None:
    """Wait until the search on the page has shown its results (or that there are none)."""
    page.wait_for_function(
        "() => { const s = document.getElementById('search_status').textContent;"
        " if (!s || s === 'Searching…') return false;"
        " if (/^No stories/.test(s)) return true;"
        " const n = Math.min(10, parseInt(s, 10));"
        " return document.querySelectorAll('.search-result').length >= n; }"
    )


@pytest.mark.browser
def test_the_search_page_finds_a_story_by_a_phrase_of_its_body(make_site: MakeSite) -> None:
    site = make_site(newsroom_files())
    build(site, "--base-url", "https://gazette.example/ledger/")
    errors: list[str] = []
    with static_server(site / "output", prefix="ledger") as origin, launch_chromium() as browser:
        home = f"{origin}/ledger/"
        page = browser.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(home)
        page.click("nav a[href='/ledger/search/']")
        page.fill("#search_q", BODY_PHRASE)
        page.wait_for_selector(".search-result")
        settle(page)
        results = page.query_selector_all(".search-result")
        assert len(results) == 1
        [result] = results
        link = result.query_selector(".search-result__title a")
        assert link is not None and link.inner_text() == "Lighthouse keepers retire"
        assert link.get_attribute("href") == "/ledger/news/published/"
        text = result.inner_text()
        assert "News" in text and "Nov. 20, 2026" in text and "By Ana Ruiz" in text
        assert BODY_PHRASE.split()[0] in text
        assert page.url == f"{home}search/?q={BODY_PHRASE.replace(' ', '+')}"
        for phrase in (SCHEDULED_PHRASE, DRAFT_PHRASE, REMOVED_PHRASE):
            page.goto(f"{home}search/?q={phrase.replace(' ', '+')}")
            settle(page)
            assert page.query_selector_all(".search-result") == [], phrase
            assert page.is_visible(".search-empty a[href='/ledger/news/']")
        page.goto(f"{home}search/?q=lighthouse")
        page.wait_for_selector(".search-result")
        page.click(".search-result__title a")
        page.wait_for_url(f"{home}news/published/")
        page.go_back()
        page.wait_for_selector(".search-result")
        assert page.input_value("#search_q") == "lighthouse"
    assert errors == []


@pytest.mark.browser
def test_words_typed_before_the_search_script_runs_are_searched_not_wiped(
    make_site: MakeSite,
) -> None:
    site = make_site(newsroom_files())
    build(site, "--base-url", "https://gazette.example/ledger/")
    held: list[Any] = []
    with static_server(site / "output", prefix="ledger") as origin, launch_chromium() as browser:
        page = browser.new_page()
        page.route("**/theme/search.js", lambda route: held.append(route))
        page.goto(f"{origin}/ledger/search/", wait_until="commit")
        page.fill("#search_q", BODY_PHRASE)
        for _ in range(500):  # until the page asks for the script (held, not answered)
            if held:
                break
            page.evaluate("() => new Promise((done) => setTimeout(done, 20))")
        assert len(held) == 1, "the page never asked for its search script"
        held[0].continue_()
        page.wait_for_selector(".search-result")
        settle(page)
        assert page.input_value("#search_q") == BODY_PHRASE
        titles = [a.inner_text() for a in page.query_selector_all(".search-result__title a")]
        assert titles == ["Lighthouse keepers retire"]
        assert page.url.endswith(f"/ledger/search/?q={BODY_PHRASE.replace(' ', '+')}")


@pytest.mark.browser
def test_search_finds_stories_in_every_level_and_hides_old_versions(
    make_site: MakeSite,
) -> None:
    site = make_site(numbered_stories(130))
    build(site, "--base-url", "https://gazette.example/ledger/")
    articles = site / "content/articles"
    (articles / "s000.md").write_text(
        (articles / "s000.md").read_text().replace("word0", "kittiwake colony census")
    )
    (articles / "new.md").write_text(
        story("New", date="2026-11-25T10:00:00Z", body="The kittiwake colony census.\n")
    )
    build(site, "--base-url", "https://gazette.example/ledger/")
    parts = search_parts(site / "output")
    assert parts == ["/pagefind/", "/pagefind/level-0/"], parts
    errors: list[str] = []
    with static_server(site / "output", prefix="ledger") as origin, launch_chromium() as browser:
        home = f"{origin}/ledger/"
        page = browser.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{home}search/?q=kittiwake+colony+census")
        settle(page)
        links = [
            link.get_attribute("href") or ""
            for link in page.query_selector_all(".search-result__title a")
        ]
        assert links == ["/ledger/news/new/", "/ledger/news/s000/"]  # newest first
        page.goto(f"{home}search/?q=word0")  # only in the old version of s000
        settle(page)
        assert page.query_selector_all(".search-result") == []
    assert errors == []
