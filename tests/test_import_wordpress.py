"""`newssite import wordpress`: a written-for-the-test export imported by the real CLI, then
built by the real CLI; old URLs must resolve to redirect files that point at the new URL."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
import time
import tomllib
import tracemalloc
from pathlib import Path

import frontmatter
import pytest
from PIL import Image
from tests.conftest import MakeSite, Result, build_ok, run_cli, story, tree_digest

DATA = Path(__file__).parent / "data" / "import" / "wordpress"
EXPORT = DATA / "export.xml"
BUDGET = "content/articles/2024/03/council-passes-budget.md"
GREEK = "content/articles/2024/03/επίπεδο-2.md"


def import_wp(site: Path, *extra: str, export: Path = EXPORT) -> Result:
    return run_cli("import", "wordpress", str(export), "--site", str(site), *extra)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    """The fixture export imported, and the site built (into output/) by the real CLI."""
    site = tmp_path_factory.mktemp("wp") / "site"
    result = import_wp(site)
    assert result.code == 0, result.err
    built = build_ok(site, "--future")
    assert "error" not in built.err.lower()
    return site, result


def meta(site: Path, relative: str) -> dict[str, object]:
    return dict(frontmatter.loads((site / relative).read_text(encoding="utf-8")).metadata)


def body(site: Path, relative: str) -> str:
    return frontmatter.loads((site / relative).read_text(encoding="utf-8")).content


def redirect_target(output: Path, old_path: str) -> str:
    page = (output / old_path.strip("/") / "index.html").read_text(encoding="utf-8")
    return page.split('http-equiv="refresh" content="0; url=')[1].split('"')[0]


def test_the_imported_site_builds_without_errors_and_old_urls_redirect(
    imported: tuple[Path, Result],
) -> None:
    site, _ = imported
    output = site / "output"
    assert redirect_target(output, "/2024/03/05/council-passes-budget/").endswith(
        "/local-politics/council-passes-budget/"
    )
    # A percent-encoded old path is written where a web server looks for it: decoded.
    assert redirect_target(output, "/greek/επίπεδο-2/").endswith("/ellinika/επίπεδο-2/")
    assert (output / "ellinika" / "επίπεδο-2" / "index.html").is_file()
    assert redirect_target(output, "/about-us/team/").endswith("/team/")
    redirects = (output / "_redirects").read_text(encoding="utf-8")
    assert (
        "/2024/03/05/council-passes-budget/ /local-politics/council-passes-budget/ 301" in redirects
    )
    # The page whose old URL is its new URL gets no alias.
    assert "aliases" not in meta(site, "content/pages/about-us.md")
    assert (site / "import-redirects.txt").read_text() == "/?p=31 /news/plain-permalink-story/\n"


def test_posts_become_stories_with_their_fields(imported: tuple[Path, Result]) -> None:
    site, result = imported
    story = meta(site, BUDGET)
    assert story["title"] == "Council passes budget"  # markup in the title became text
    assert story["section"] == "local-politics"  # Yoast's primary category, not the first
    assert story["author"] == "ana"
    assert story["summary"] == "The budget passed 5–2."
    assert story["tags"] == ["Budget", "Roads"]
    assert str(story["date"]).startswith("2024-03-05T12:30:00+02:00")
    assert story["photo"] == {
        "src": "https://harbour.example/wp-content/uploads/2024/03/council.jpg",
        "alt": "Council members at the dais",
        "caption": "The council chamber on Tuesday.",
        "credit": "Lena Hart",
    }
    greek = meta(site, GREEK)
    assert greek["slug"] == "επίπεδο-2"
    assert greek["section"] == "ellinika"
    assert greek["author"] == "bob-smith"
    # No excerpt: the text before <!--more--> is the summary.
    assert greek["summary"] == "Πρώτη παράγραφος της ιστορίας. Second line of the first paragraph."
    assert meta(site, "content/authors/bob-smith.md")["name"] == "Bob Smith"
    assert meta(site, "content/authors/ana.md") == {
        "name": "Ana Ruiz",
        "email": "ana@harbour.example",
    }
    config = tomllib.loads((site / "newssite.toml").read_text(encoding="utf-8"))
    assert [(s["slug"], s["title"]) for s in config["sections"]] == [
        ("news", "News"),
        ("local-politics", "Local Politics"),
        ("ellinika", "Ελληνικά"),
    ]
    assert "3 stories" not in result.out and "2 pages" in result.out and "3 authors" in result.out


def test_html_becomes_clean_markdown(imported: tuple[Path, Result]) -> None:
    site, _ = imported
    text = body(site, BUDGET)
    assert "wp:" not in text and "<!--" not in text  # Gutenberg block comments go
    assert "| Item | Cost |\n| --- | --- |\n| Roads | 4 m |" in text
    assert "-   Roads\n    -   Potholes\n    -   Bridges\n-   Schools" in text
    assert "> We did our best." in text
    # [caption] becomes the inline photo syntax with its caption and credit.
    assert (
        "![Council chamber](https://harbour.example/wp-content/uploads/2024/03/council-800x600.jpg"
        ' "The chamber was full. — Photo: Lena Hart")' in text
    )
    # [embed], a bare URL and an embed block of allowed hosts become embeds.
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in text
    assert 'src="https://player.vimeo.com/video/76979871"' in text
    assert 'src="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"' in text
    assert "[gallery ids=" in text  # another shortcode stays as text
    assert "[Greek story](επίπεδο-2.md)" in text  # a link to another post is a link to its file
    output = (
        site / "output" / "local-politics" / "council-passes-budget" / "index.html"
    ).read_text()
    assert "<table>" in output and "<blockquote>" in output
    assert output.count("<iframe") == 3
    assert "The chamber was full." in output and "Lena Hart" in output


def test_statuses_map_and_private_text_never_reaches_the_site(
    imported: tuple[Path, Result], tmp_path: Path
) -> None:
    site, result = imported
    assert meta(site, "content/articles/2024/03/pending-story.md")["draft"] is True
    untitled = meta(
        site, "content/articles/2024/03/notes-for-a-story-about-the-harbour-dredging.md"
    )
    assert untitled["draft"] is True
    assert untitled["title"] == "Notes for a story about the harbour dredging."
    future = meta(site, "content/articles/2030/01/election-night.md")
    assert "draft" not in future and str(future["date"]).startswith("2030-01-01T20:00")
    for private in ("secret-memo", "members-only"):
        assert not (site / f"content/articles/2024/03/{private}.md").exists()
        assert meta(site, f"import-private/articles/2024/03/{private}.md")["draft"] is True
    assert not (site / "content/pages/coming-soon.md").exists()
    everything = tmp_path / "everything"
    build_ok(site, "--drafts", "--future", "--output", str(everything))
    for path in everything.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"PRIVATE-TEXT" not in data and b"PASSWORD-TEXT" not in data, path
            assert b"DRAFT-PAGE-TEXT" not in data, path
    for kind in ("untitled: 1", "private or password-protected: 2", "shortcode kept as text: 1"):
        assert f"warning: {kind}" in result.out
    report = (site / "import-report.txt").read_text(encoding="utf-8")
    assert (
        "private or password-protected: 2\n  import-private/articles/2024/03/secret-memo.md (Secret memo)"
        in report
    )
    assert "embed not allowed: 1" in result.out  # the tweet, twitter.com is no embed host
    assert "Secret memo" in result.out


def test_the_report_counts_and_lists_what_was_skipped(imported: tuple[Path, Result]) -> None:
    _, result = imported
    assert "2 pages, 3 authors, 3 sections, 2 tags" in result.out
    assert "1 attachments not used by any story or page" in result.out
    assert "2 comments" in result.out and "1 menu items" in result.out
    assert "photo left on the old site" in result.out  # no --uploads: the URL is kept
    # A control character XML forbids (pasted into a post) is dropped, and said so.
    assert "warning: stray control characters: 1\n  1 characters XML does not allow" in result.out


def test_running_again_changes_nothing_and_force_never_overwrites_an_edit(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    assert import_wp(site).code == 0
    before = tree_digest(site)
    again = import_wp(site)
    assert again.code == 0 and "0 written" in again.out
    assert tree_digest(site) == before

    # The archive changes: without --force nothing is overwritten; with it, unedited files are.
    changed = tmp_path / "export.xml"
    changed.write_text(
        EXPORT.read_text(encoding="utf-8")
        .replace("Waiting for the editor.", "Waiting for the chief.")
        .replace("Ana and Bob.", "Ana, Bob and Carol."),
        encoding="utf-8",
    )
    edited = site / "content/articles/2024/03/pending-story.md"
    edited.write_text(edited.read_text() + "\nAn editor's note.\n", encoding="utf-8")
    stale = import_wp(site, export=changed)
    assert "run again with --force" in stale.out and "edited since the last import" in stale.out
    assert "Ana and Bob." in (site / "content/pages/team.md").read_text()
    forced = import_wp(site, "--force", export=changed)
    assert forced.code == 0 and "1 overwritten" in forced.out
    assert "Ana, Bob and Carol." in (site / "content/pages/team.md").read_text()
    assert "An editor's note." in edited.read_text()  # an edited file, never silently
    assert "Waiting for the chief." not in edited.read_text()


def test_uploads_are_copied_beside_the_story(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads" / "2024" / "03"
    uploads.mkdir(parents=True)
    Image.new("RGB", (1600, 1000), "navy").save(uploads / "council.jpg")
    site = tmp_path / "site"
    result = import_wp(site, "--uploads", str(tmp_path / "uploads"))
    assert result.code == 0, result.err
    story = meta(site, BUDGET)
    assert story["photo"]["src"] == "council.jpg"  # type: ignore[index]
    assert (site / "content/articles/2024/03/council.jpg").is_file()
    # The resized copy the body used is the original, beside the story too.
    assert '![Council chamber](council.jpg "' in body(site, BUDGET)
    assert "photo left on the old site" not in result.out
    build_ok(site)
    page = (site / "output/local-politics/council-passes-budget/index.html").read_text()
    assert "/img/" in page


def test_an_existing_site_gains_sections_and_keeps_its_config(tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run_cli("init", str(site)).code == 0
    config = site / "newssite.toml"
    before = config.read_text(encoding="utf-8")
    result = import_wp(site)
    assert result.code == 0, result.err
    after = config.read_text(encoding="utf-8")
    assert after.startswith(before)
    assert "sections added to newssite.toml: local-politics, ellinika" in result.out
    sections = [s["slug"] for s in tomllib.loads(after)["sections"]]
    assert sections == ["news", "local-politics", "ellinika"]
    build_ok(site, "--future")


def test_urls_of_the_sites_own_stories_and_pages_are_left_to_them(tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run_cli("init", str(site)).code == 0
    own = site / "content/articles/2020/01/plain.md"
    own.parent.mkdir(parents=True)
    own.write_text(
        "---\ntitle: Ours\ndate: 2020-01-01\nauthor: editor\nsection: news\n"
        "slug: plain-permalink-story\n---\nOur own story.\n",
        encoding="utf-8",
    )
    (site / "content/pages/team.md").write_text("---\ntitle: Our team\n---\nUs.\n")
    result = import_wp(site)
    assert result.code == 0, result.err
    imported = meta(site, "content/articles/2024/02/plain-permalink-story-2.md")
    assert imported["title"] == "Plain permalink story"  # its URL: /news/plain-permalink-story-2/
    team = meta(site, "content/pages/team-2.md")
    assert team["aliases"] == ["/about-us/team/"]
    assert (site / "content/pages/team.md").read_text() == "---\ntitle: Our team\n---\nUs.\n"
    build_ok(site, "--future")
    assert redirect_target(site / "output", "/about-us/team/").endswith("/team-2/")


def test_https_namespaces_of_wxr_1_0_and_stray_bytes_are_read(tmp_path: Path) -> None:
    text = EXPORT.read_text(encoding="utf-8")
    text = text.replace("http://wordpress.org/export/1.2/", "https://wordpress.org/export/1.0/")
    # Stray markup: a title with an element in it, not escaped.
    text = text.replace("<title>Pending story</title>", "<title>Pending <em>story</em></title>")
    text = text.replace(
        "http://purl.org/rss/1.0/modules/content/", "https://purl.org/rss/1.0/modules/content/"
    )
    export = tmp_path / "wordpress.com.xml"
    export.write_text(text.replace("<wp:wxr_version>1.2", "<wp:wxr_version>1.0"), encoding="utf-8")
    site = tmp_path / "site"
    result = import_wp(site, export=export)
    assert result.code == 0, result.err
    assert meta(site, BUDGET)["section"] == "local-politics"
    assert meta(site, "content/articles/2024/03/pending-story.md")["title"] == "Pending story"
    assert "plain links." in body(site, "content/articles/2024/02/plain-permalink-story.md")


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss><channel><title>&lol3;</title></channel></rss>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file://{path}">]>
<rss><channel><title>&secret;</title></channel></rss>
"""


@pytest.mark.parametrize("kind", ["billion-laughs", "external-entity"])
def test_hostile_xml_is_refused_and_nothing_is_written(tmp_path: Path, kind: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    export = tmp_path / "export.xml"
    text = BILLION_LAUGHS if kind == "billion-laughs" else EXTERNAL_ENTITY.format(path=secret)
    export.write_text(text)
    site = tmp_path / "site"
    result = import_wp(site, export=export)
    assert result.code == 1
    assert "refused" in result.err and str(export) in result.err
    assert "Traceback" not in result.err
    assert not site.exists()


def test_malformed_xml_is_an_error_naming_its_line(tmp_path: Path) -> None:
    lines = EXPORT.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if "<wp:post_id>11<" in line)
    lines[number] = lines[number].replace("</wp:post_id>", "</wp:post_idd>")
    export = tmp_path / "export.xml"
    export.write_text("\n".join(lines), encoding="utf-8")
    result = import_wp(tmp_path / "site", export=export)
    assert result.code == 1
    assert f"{export}:{number + 1}: not well-formed XML" in result.err
    assert not (tmp_path / "site").exists()


def test_titles_and_slugs_never_leave_content(tmp_path: Path) -> None:
    text = EXPORT.read_text(encoding="utf-8").replace(
        "<![CDATA[pending-story]]>", "<![CDATA[../../../../etc/evil]]>"
    )
    export = tmp_path / "export.xml"
    export.write_text(text, encoding="utf-8")
    site = tmp_path / "site"
    assert import_wp(site, export=export).code == 0
    made = {p.relative_to(site).parts[0] for p in site.rglob("*") if p.is_file()}
    assert made <= {
        "content",
        "import-private",
        "newssite.toml",
        ".gitignore",
        ".newssite-import.json",
        "import-redirects.txt",
        "import-report.txt",
    }
    assert not (tmp_path / "etc").exists()
    shutil.rmtree(site)


def test_the_same_warning_in_many_stories_is_one_line_with_a_count(
    make_site: MakeSite, tmp_path: Path
) -> None:
    photo = "{src: /photos/small.jpg, alt: Harbour, credit: Lena Hart}"
    files: dict[str, str | bytes] = {
        f"content/articles/s{n}.md": story(
            f"Story {n}", date=f"2026-11-1{n}T10:00:00+02:00", photo=photo
        )
        for n in range(5)
    }
    site = make_site(files)
    (site / "static/photos").mkdir(parents=True)
    Image.new("RGB", (800, 500), "teal").save(site / "static/photos/small.jpg")
    result = build_ok(site)
    lines = [line for line in result.err.splitlines() if "800 px wide" in line]
    assert len(lines) == 1, result.err
    assert "(5 times: content/articles/s0.md:" in lines[0] and "and 2 more)" in lines[0]
    assert "content/articles/s3.md" not in lines[0]
    assert "  5 warnings: photo.src" in result.err
    check = run_cli("check", "--site", str(site))
    assert check.code == 0
    assert len([line for line in check.out.splitlines() if "800 px wide" in line]) == 1
    assert "  5 warnings: photo.src" in check.out
    data = json.loads(run_cli("check", "--site", str(site), "--format", "json").out)
    wide = [p for p in data["problems"] if "800 px wide" in p["message"]]
    assert sorted(p["path"] for p in wide) == [f"content/articles/s{n}.md" for n in range(5)]


# The build grew for imported archives: pages take aliases, aliases and slugs hold any
# letters, and a percent-encoded old path redirects from where a web server looks for it.


def test_a_page_takes_aliases_and_an_alias_may_be_percent_encoded_unicode(
    make_site: MakeSite,
) -> None:
    site = make_site(
        {
            "content/pages/team.md": "---\ntitle: Our team\naliases: [/about-us/team/, "
            "'/%CE%BF%CE%BC%CE%AC%CE%B4%CE%B1/']\n---\nAna and Bob.\n",
            "content/articles/greek.md": story(
                "Επίπεδο δύο", slug="επίπεδο-2", aliases="[/greek/επίπεδο-2/]"
            ),
        }
    )
    build_ok(site)
    output = site / "output"
    assert redirect_target(output, "/about-us/team/").endswith("/team/")
    assert redirect_target(output, "/ομάδα/").endswith("/team/")  # decoded
    assert (output / "news" / "επίπεδο-2" / "index.html").is_file()
    assert redirect_target(output, "/greek/επίπεδο-2/").endswith("/news/επίπεδο-2/")
    assert "/ομάδα/ /team/ 301" in (output / "_redirects").read_text(encoding="utf-8")


def test_a_page_alias_that_is_another_url_is_an_error_naming_the_file(
    make_site: MakeSite,
) -> None:
    site = make_site(
        {
            "content/pages/team.md": "---\ntitle: Our team\naliases: [/news/budget/]\n---\nUs.\n",
            "content/articles/budget.md": story(),
        }
    )
    result = run_cli("build", "--site", str(site))
    assert result.code == 1
    assert "content/pages/team.md:3: aliases[0]: /news/budget/ is already the URL of" in result.err
    own = make_site({"content/pages/team.md": "---\ntitle: Team\naliases: [/team/]\n---\nUs.\n"})
    result = run_cli("build", "--site", str(own))
    assert "aliases[0]: /team/ is this page's own URL" in result.err


@pytest.mark.parametrize(
    ("alias", "problem"),
    [
        ("/bad%zz/", "use only letters, digits"),
        ("/with space/", "use only letters, digits"),
        ("/%2E%2E/etc/", "'.', '..'"),
        ("/a\u202eb/", "use only letters, digits"),
    ],
    ids=["bad-escape", "space", "encoded-dots", "bidi"],
)
def test_aliases_with_other_characters_are_still_refused(
    make_site: MakeSite, alias: str, problem: str
) -> None:
    site = make_site({"content/articles/budget.md": story(aliases=json.dumps([alias]))})
    result = run_cli("build", "--site", str(site))
    assert result.code == 1 and problem in result.err and "aliases[0]" in result.err


@pytest.mark.parametrize(
    "slug", ["επίπεδο-2", "київ-новини", "日本語のニュース", "covid-19-в-києві"]
)
def test_slugs_of_any_script_build(make_site: MakeSite, slug: str) -> None:
    site = make_site({"content/articles/a.md": story(slug=json.dumps(slug, ensure_ascii=False))})
    build_ok(site)
    assert (site / "output" / "news" / slug / "index.html").is_file()


@pytest.mark.parametrize("slug", ["Επίπεδο", "paypal-раураl", "a--b", "cafe\u0301"])
def test_slugs_with_capitals_mixed_scripts_or_bad_form_are_refused(
    make_site: MakeSite, slug: str
) -> None:
    site = make_site({"content/articles/a.md": story(slug=json.dumps(slug, ensure_ascii=False))})
    result = run_cli("build", "--site", str(site))
    assert result.code == 1 and "invalid slug" in result.err


# --- streaming: each story is written as it is converted; a failed import changes nothing ---

GENERATED_HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Generated Gazette</title><link>https://gazette.example</link>
"""
SENTENCE = "The council met on Tuesday to talk about the harbour and the night bus. "


def generated_export(posts: int, *, sentences: int = 10, first: int = 0) -> str:
    """An export of `posts` stories of one paragraph each, numbered from `first`."""
    items = [
        f"<item><title>Story {n}</title><link>https://gazette.example/story-{n}/</link>"
        f"<dc:creator>ana</dc:creator><content:encoded><![CDATA[<p>{SENTENCE * sentences}"
        f"</p>]]></content:encoded><wp:post_id>{n + 1}</wp:post_id>"
        f"<wp:post_date>2020-01-02 10:00:00</wp:post_date><wp:post_name>story-{n}</wp:post_name>"
        "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>\n"
        for n in range(first, first + posts)
    ]
    return GENERATED_HEAD + "".join(items) + "</channel></rss>\n"


def feed_twice(fifo: Path, first: str, second: str) -> threading.Thread:
    """Serve an export through a named pipe (as `<(zcat export.xml.gz)` does): the import
    reads it twice, and the second reading gets `second`."""
    os.mkfifo(fifo)

    def reading() -> bool:  # whether the import has the pipe open
        for fd in Path("/proc/self/fd").iterdir():
            with contextlib.suppress(OSError):
                if Path(os.readlink(fd)) == fifo:
                    return True
        return False

    def serve() -> None:
        with fifo.open("w", encoding="utf-8") as pipe:
            pipe.write(first)
        while reading():  # the first reading is not over until the import closes the pipe
            time.sleep(0.01)
        with fifo.open("w", encoding="utf-8") as pipe:  # waits for the second reading
            pipe.write(second)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread


def test_a_failure_late_in_the_second_pass_changes_nothing_and_a_rerun_finishes(
    tmp_path: Path,
) -> None:
    good = generated_export(300)
    lines = good.splitlines()
    late = len(lines) - 5  # the 296th story: malformed only when the export is read again
    broken = lines[late].replace("</title>", "</titel>")
    bad = "\n".join([*lines[:late], broken, *lines[late + 1 :]])

    # Into a new folder: nothing is left, not even the folder.
    site = tmp_path / "site"
    feeder = feed_twice(tmp_path / "first.pipe", good, bad)
    failed = import_wp(site, export=tmp_path / "first.pipe")
    feeder.join(timeout=60)
    assert failed.code == 1
    assert f"first.pipe:{late + 1}: not well-formed XML" in failed.err
    assert not site.exists()

    # Into a site an earlier import made, with an edited story: the site stays as it was.
    older = tmp_path / "older.xml"
    older.write_text(generated_export(100), encoding="utf-8")
    assert import_wp(site, export=older).code == 0
    edited = site / "content/articles/2020/01/story-7.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nAn editor's note.\n")
    before = tree_digest(site)
    feeder = feed_twice(tmp_path / "second.pipe", good, bad)
    failed = import_wp(site, export=tmp_path / "second.pipe")
    feeder.join(timeout=60)
    assert failed.code == 1 and "not well-formed XML" in failed.err
    assert tree_digest(site) == before  # no story, record, report or staging folder added
    assert not (site / ".newssite-import-staging").exists()

    # Running it again (the export read whole twice) finishes the job, edits kept ...
    export = tmp_path / "export.xml"
    export.write_text(good, encoding="utf-8")
    again = import_wp(site, export=export)
    assert again.code == 0, again.err
    assert "300 stories" in again.out and "200 written" in again.out
    assert "An editor's note." in edited.read_text(encoding="utf-8")
    assert len(list((site / "content/articles").rglob("*.md"))) == 300
    # ... and then nothing is left to do.
    done = tree_digest(site)
    assert "0 written" in import_wp(site, export=export).out
    assert tree_digest(site) == done
    build_ok(site)


def import_peak(folder: Path, posts: int) -> tuple[int, int]:
    """The export's size and the import's peak of Python memory (tracemalloc), in bytes."""
    from newssite.importers import import_archive

    folder.mkdir()
    export = folder / "export.xml"
    export.write_text(generated_export(posts, sentences=200), encoding="utf-8")
    tracemalloc.start()
    try:
        import_archive("wordpress", export, folder / "site")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(list((folder / "site/content/articles").rglob("*.md"))) == posts
    return export.stat().st_size, peak


def test_memory_does_not_grow_with_the_text_of_the_export(tmp_path: Path) -> None:
    import_peak(tmp_path / "warm", 3)  # the modules an import uses, loaded before measuring
    small_size, small_peak = import_peak(tmp_path / "small", 50)
    large_size, large_peak = import_peak(tmp_path / "large", 500)
    # Only a small record of each story stays in memory (its fields, file and digest), not its
    # text nor its Markdown: the peak grows by far less than the export does.
    assert large_peak - small_peak < 0.5 * (large_size - small_size), (small_peak, large_peak)
