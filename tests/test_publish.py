"""Nothing unfinished goes live (issue 19): `new article` writes drafts, `publish` checks a
story and makes it live, `unpublish` takes it back, a story about to be published may not
hold a placeholder, and `check` gains the news-search rules and `--changed`. Everything is
run through the real command line, on real sites, with real git."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import feedparser
import pytest
import yaml
from PIL import Image

from conftest import MakeSite, Result, build_ok, run_cli, story, tree_digest
from newssite.parse import PLACEHOLDER_BODY

ARTICLE = "content/articles/2026/11/budget.md"
# A draft that is ready: it passes `check --strict` once it is no longer a draft.
READY = (
    "---\n"
    "title: Council passes the budget\n"
    "date: '2026-11-20T09:00:00+02:00'\n"
    "author: ana\n"
    "section: news\n"
    "summary: The council approved next year's budget on Tuesday.\n"
    "tags: [Budget]\n"
    "draft: true\n"
    "---\n"
    "The council voted 7-2 on Tuesday to pass the budget.\n"
)
ONE_SECTION = """\
title = "The Test Gazette"
base_url = "https://gazette.example/"
language = "en"
timezone = "Europe/Kyiv"

[[sections]]
slug = "news"
title = "News"
"""
# git sees only what a test gives it: no user's or machine's configuration.
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
}


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **GIT_ENV},
    )
    return done.stdout


def committed(site: Path) -> Path:
    git(site, "init", "-q", "-b", "main")
    (site / ".gitignore").write_text("output/\n.newssite-cache/\n")
    git(site, "add", "-A")
    git(site, "commit", "-qm", "the site")
    return site


def cli(*args: str) -> Result:
    result = run_cli(*args, env=GIT_ENV)
    assert "Traceback" not in result.err
    return result


def png(size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 140)).save(buffer, "PNG")
    return buffer.getvalue()


def front_matter(path: Path) -> dict[str, object]:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


# --- new article: a draft, and who and where by default ---------------------------------------


def test_new_article_writes_a_draft_and_says_how_to_publish_it(make_site: MakeSite) -> None:
    site = make_site({})
    result = cli("new", "article", "Harbor bridge closes", "--section", "news", "--site", str(site))
    assert result.code == 0, result.err
    path = site / "content/articles/2026/11/harbor-bridge-closes.md"
    assert front_matter(path)["draft"] is True
    assert "It is a draft (draft: true)" in result.out
    assert f"newssite publish {path}" in result.out
    assert "by ana (the only author)" in result.out
    build_ok(site)
    assert not (site / "output/news/harbor-bridge-closes").exists()
    assert "Harbor bridge closes" not in (site / "output/feed.xml").read_text()


def test_new_article_with_publish_goes_live_at_the_next_build_once_written(
    make_site: MakeSite,
) -> None:
    site = make_site({})
    result = cli("new", "article", "Harbor bridge closes", "--section", "news", "--publish",
                 "--site", str(site))  # fmt: skip
    assert result.code == 0, result.err
    assert "it goes live at the next build" in result.out
    path = site / "content/articles/2026/11/harbor-bridge-closes.md"
    assert front_matter(path)["draft"] is False
    # The placeholder is refused like any unfinished story ...
    refused = cli("build", "--site", str(site))
    assert refused.code == 1 and "placeholder" in refused.err
    # ... and once the story is written it is live.
    path.write_text(path.read_text().replace(PLACEHOLDER_BODY, "The bridge closes on Monday."))
    build_ok(site)
    assert (site / "output/news/harbor-bridge-closes/index.html").is_file()


def test_the_only_section_and_the_only_author_are_the_defaults(make_site: MakeSite) -> None:
    site = make_site({}, config=ONE_SECTION)
    result = cli("new", "article", "Storm warning", "--site", str(site))
    assert result.code == 0, result.err
    assert "section news (the only section); by ana (the only author)" in result.out
    meta = front_matter(site / "content/articles/2026/11/storm-warning.md")
    assert meta["section"] == "news" and meta["author"] == "ana"


def test_without_a_default_new_article_asks_for_section_and_author(make_site: MakeSite) -> None:
    site = make_site({"content/authors/ben.md": "---\nname: Ben Ode\n---\nBen.\n"})
    no_section = cli("new", "article", "Storm warning", "--author", "ana", "--site", str(site))
    assert no_section.code == 2 and "--section: choose one of news, sports" in no_section.err
    no_author = cli("new", "article", "Storm warning", "--section", "news", "--site", str(site))
    assert no_author.code == 2
    assert "--author: choose who writes it (ana, ben)" in no_author.err
    assert "git config user.email" in no_author.err
    assert not (site / "content/articles").exists()


def test_the_reporter_whose_git_email_is_an_authors_email_is_the_default(
    make_site: MakeSite,
) -> None:
    site = make_site(
        {
            "content/authors/ben.md": "---\nname: Ben Ode\nemail: Ben.Ode@Gazette.example\n---\n",
            "content/authors/cy.md": "---\nname: Cy Dee\nemail: cy@gazette.example\n---\nCy.\n",
        },
        config=ONE_SECTION,
    )
    git(site, "init", "-q")
    git(site, "config", "user.email", "ben.ode@gazette.example")
    result = cli("new", "article", "Storm warning", "--site", str(site))
    assert result.code == 0, result.err
    assert "by ben (your git email)" in result.out
    assert front_matter(site / "content/articles/2026/11/storm-warning.md")["author"] == "ben"
    # An --author given wins over the git email.
    given = cli("new", "article", "Second story", "--author", "cy", "--site", str(site))
    assert given.code == 0, given.err
    assert front_matter(site / "content/articles/2026/11/second-story.md")["author"] == "cy"


# --- Unfinished stories are errors, drafts may be unfinished ----------------------------------

UNFINISHED = {
    "the placeholder of new article": (f"First line.\n\n{PLACEHOLDER_BODY}\n", "body", 9),
    "an empty body": ("\n   \n", "body", 7),
    "TK": ("The council voted on Tuesday.\n\nThe vote was TK to 2.\n", "body", 9),
    "TKTK": ("The council voted.\n\n[TKTK: quote from the mayor]\n", "body", 9),
    "TODO": ("The council voted.\n\nTODO: check the total with the clerk.\n", "body", 9),
    "$TK": ("The budget is $TK million.\n", "body", 7),
}


@pytest.mark.parametrize("case", UNFINISHED)
def test_an_unfinished_story_about_to_be_published_is_a_build_error(
    make_site: MakeSite, case: str
) -> None:
    body, field, line = UNFINISHED[case]
    site = make_site({ARTICLE: story(body=body)})
    before = tree_digest(site / "output")
    result = cli("build", "--site", str(site))
    assert result.code == 1
    assert f"{ARTICLE}:{line}: {field}: " in result.err
    assert "draft: true" in result.err  # says how to keep it unpublished
    assert tree_digest(site / "output") == before


@pytest.mark.parametrize("case", UNFINISHED)
def test_a_draft_may_be_unfinished(make_site: MakeSite, case: str) -> None:
    body, _, _ = UNFINISHED[case]
    site = make_site({ARTICLE: story(body=body, draft="true")})
    build_ok(site)
    build_ok(site, "--drafts")


def test_a_scheduled_story_must_be_finished_too(make_site: MakeSite) -> None:
    site = make_site({ARTICLE: story(date="2027-01-05T08:00:00+02:00", body="Vote: TK.\n")})
    result = cli("build", "--site", str(site))
    assert result.code == 1 and f"{ARTICLE}:7: body: TK marks something still to come" in result.err


def test_a_marker_in_the_headline_or_a_caption_names_its_field(make_site: MakeSite) -> None:
    site = make_site(
        {
            ARTICLE: story(
                "Council passes TK budget",
                photo="{src: 'https://images.example/a.jpg', caption: 'TK caption', alt: Hall}",
            )
        }
    )
    result = cli("build", "--site", str(site))
    assert result.code == 1
    assert f"{ARTICLE}:2: title: TK marks something still to come" in result.err
    assert f"{ARTICLE}:6: photo.caption: TK marks something still to come" in result.err


@pytest.mark.parametrize(
    "text",
    [
        "The boxer won by TKO in the third round.",
        "Shoppers queued outside the new TK Maxx store.",
        "The prop was a TK-421 stormtrooper helmet.",
        "Asked what was left to do, she said: everything on the todo list.",
        "The app's source has a `TODO` comment, said the developer.",
        "See [the filing](https://example.org/docs/TK/filing.pdf) for details.",
        "The ATKINSON family and the Tk band played; Tktk is a word in no language.",
        "```\n# TODO: in a code block\n```",
    ],
)
def test_words_that_only_look_like_markers_are_not_errors(make_site: MakeSite, text: str) -> None:
    site = make_site({ARTICLE: story(body=f"The council voted on Tuesday.\n\n{text}\n")})
    build_ok(site)


def test_the_demo_site_has_nothing_unfinished() -> None:
    from conftest import REPO

    result = cli("check", "--site", str(REPO))
    assert result.code == 0, result.err


# --- publish -----------------------------------------------------------------------------------

ANNOTATED = (
    "---\n"
    "# Desk notes: the clerk confirmed the totals.\n"
    'title: "Council passes the budget"   # hed approved by Mia\n'
    "author: ana\n"
    "date: '2026-11-20T09:00:00+02:00'  # placeholder time\n"
    "section: news\n"
    "summary: >-\n"
    "  The council approved next year's\n"
    "  budget on Tuesday.\n"
    'tags: [Budget, "City Hall"]\n'
    "draft: true    # not yet!\n"
    "extra_field: {b: 2, a: 1}\n"
    "---\n"
    "The council voted 7-2 on Tuesday.\n"
    "\n"
    "    An indented line, kept as it is.   \n"
)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_publish_changes_only_the_date_and_draft_lines(make_site: MakeSite, newline: str) -> None:
    site = make_site({})
    path = site / ARTICLE
    path.parent.mkdir(parents=True)
    before = ANNOTATED.replace("\n", newline).encode("utf-8")
    path.write_bytes(before)
    result = cli("publish", str(path), "--site", str(site))
    assert result.code == 0, result.err
    after = path.read_bytes()
    old_lines, new_lines = before.split(b"\n"), after.split(b"\n")
    assert len(old_lines) == len(new_lines)
    changed = [(old, new) for old, new in zip(old_lines, new_lines, strict=True) if old != new]
    end = newline[:-1].encode()
    # Now (SOURCE_DATE_EPOCH: 2026-11-26 12:00 UTC) in the site's zone, in the old quotes,
    # with the old comment; draft flipped with its comment kept.
    assert changed == [
        (
            b"date: '2026-11-20T09:00:00+02:00'  # placeholder time" + end,
            b"date: '2026-11-26T14:00:00+02:00'  # placeholder time" + end,
        ),
        (b"draft: true    # not yet!" + end, b"draft: false    # not yet!" + end),
    ]
    assert "Published" in result.out and "it goes live at the next build" in result.out
    assert "URL: https://gazette.example/news/budget/" in result.out
    build_ok(site)
    assert (site / "output/news/budget/index.html").is_file()
    titles = [entry.title for entry in feedparser.parse(site / "output/feed.xml").entries]
    assert titles == ["Council passes the budget"]


def test_publish_refuses_a_story_with_errors_and_leaves_it_as_it_was(make_site: MakeSite) -> None:
    site = make_site({ARTICLE: READY.replace("ana", "anna").replace("The council", "TK. The")})
    path = site / ARTICLE
    before = path.read_bytes()
    result = cli("publish", str(path), "--site", str(site))
    assert result.code == 1
    assert f"{ARTICLE}:10: body: TK marks something still to come" in result.err
    assert "not published" in result.err
    assert path.read_bytes() == before
    # Fixed, the parse passes and the graph finds the unknown author.
    path.write_text(READY.replace("ana", "anna"))
    unknown = cli("publish", str(path), "--site", str(site))
    assert unknown.code == 1
    assert f"{ARTICLE}:4: author: unknown author 'anna' (did you mean 'ana'?)" in unknown.err
    assert path.read_text() == READY.replace("ana", "anna")


def test_publish_refuses_a_story_with_the_desks_warnings_as_check_strict_does(
    make_site: MakeSite,
) -> None:
    site = make_site({ARTICLE: READY.replace("tags: [Budget]\n", "")})
    before = (site / ARTICLE).read_bytes()
    result = cli("publish", ARTICLE, "--site", str(site))
    assert result.code == 1
    assert f"warning: {ARTICLE}:1: tags: no tags" in result.err
    assert (site / ARTICLE).read_bytes() == before
    strict = cli("check", "--site", str(site), "--strict", "--drafts")
    assert f"{ARTICLE}:1: tags: no tags" in strict.out + strict.err


def test_publish_at_an_embargo_time_says_when_it_goes_live(make_site: MakeSite) -> None:
    site = make_site({ARTICLE: READY})
    result = cli("publish", ARTICLE, "--at", "2026-12-01T06:00:00+01:00", "--site", str(site))
    assert result.code == 0, result.err
    assert "it goes live at 2026-12-01T06:00:00+01:00" in result.out
    assert "URL: https://gazette.example/news/budget/" in result.out
    meta = front_matter(site / ARTICLE)
    assert meta["date"] == "2026-12-01T06:00:00+01:00" and meta["draft"] is False
    built = build_ok(site)
    assert not (site / "output/news/budget").exists()
    assert "next scheduled story goes live at 2026-12-01T06:00:00+01:00" in built.out
    build_ok(site, "--future")
    assert (site / "output/news/budget/index.html").is_file()


def test_publish_at_a_time_without_offset_is_in_the_site_zone(make_site: MakeSite) -> None:
    site = make_site({ARTICLE: READY})
    result = cli("publish", ARTICLE, "--at", "2026-12-01 06:00", "--site", str(site))
    assert result.code == 0, result.err
    assert front_matter(site / ARTICLE)["date"] == "2026-12-01T06:00:00+02:00"  # Europe/Kyiv


def test_publishing_a_live_story_again_keeps_its_date(make_site: MakeSite) -> None:
    site = make_site({ARTICLE: READY.replace("draft: true\n", "")})
    before = (site / ARTICLE).read_bytes()
    result = cli("publish", ARTICLE, "--site", str(site))
    assert result.code == 0, result.err
    assert "was published already (dated 2026-11-20T09:00:00+02:00)" in result.out
    assert (site / ARTICLE).read_bytes() == before


def test_publish_finds_a_url_another_story_has(make_site: MakeSite) -> None:
    site = make_site({
        "content/articles/2025/11/budget.md": story("Last year's budget"),
        ARTICLE: READY,
    })  # fmt: skip
    result = cli("publish", ARTICLE, "--site", str(site))
    assert result.code == 1
    assert "all map to the URL /news/budget/" in result.err
    assert front_matter(site / ARTICLE)["draft"] is True


def test_publish_finds_the_site_of_a_story_given_by_its_path(make_site: MakeSite) -> None:
    site = make_site({ARTICLE: READY})
    result = cli("publish", str(site / ARTICLE))  # no --site, from another folder
    assert result.code == 0, result.err
    assert front_matter(site / ARTICLE)["draft"] is False
    assert cli("unpublish", str(site / ARTICLE)).code == 0
    assert front_matter(site / ARTICLE)["draft"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("content/articles/nope.md",), "no such story file"),
        (("content/authors/ana.md",), "is not a story"),
        ((ARTICLE, "--at", "soon"), "--at: invalid date"),
        ((ARTICLE, "--at", "2026-12-01"), "--at: give a time too"),
    ],
)
def test_publish_usage_errors(make_site: MakeSite, args: tuple[str, ...], message: str) -> None:
    site = make_site({ARTICLE: READY})
    result = cli("publish", *args, "--site", str(site))
    assert result.code == 2 and message in result.err
    assert (site / ARTICLE).read_text() == READY


# --- unpublish ---------------------------------------------------------------------------------


def test_unpublish_makes_a_draft_and_names_the_feeds_and_sitemaps_it_leaves(
    make_site: MakeSite,
) -> None:
    # Dated a few hours before the build's now: in the news sitemap too.
    source = READY.replace("draft: true\n", "").replace("2026-11-20T09", "2026-11-26T09")
    site = make_site({ARTICLE: source, "content/articles/other.md": story("Other story")})
    build_ok(site)
    result = cli("unpublish", ARTICLE, "--site", str(site))
    assert result.code == 0, result.err
    # `draft: true` is added as the last front-matter line; nothing else changes.
    assert (site / ARTICLE).read_text() == source.replace("---\nThe", "draft: true\n---\nThe")
    leaves = [line.strip() for line in result.out.splitlines() if line.startswith("    ")]
    assert leaves == [
        "https://gazette.example/feed.xml",
        "https://gazette.example/feed.json",
        "https://gazette.example/news/feed.xml",
        "https://gazette.example/news/feed.json",
        "https://gazette.example/authors/ana/feed.xml",
        "https://gazette.example/authors/ana/feed.json",
        "https://gazette.example/sitemap.xml",
        "https://gazette.example/news-sitemap.xml",
    ]
    build_ok(site)
    assert not (site / "output/news/budget").exists()
    for feed in ("feed.xml", "news/feed.xml", "authors/ana/feed.xml"):
        assert "/news/budget/" not in (site / "output" / feed).read_text()
    again = cli("unpublish", ARTICLE, "--site", str(site))
    assert again.code == 0 and "is a draft already" in again.out


def test_unpublish_flips_an_existing_draft_line(make_site: MakeSite) -> None:
    source = READY.replace("draft: true", "draft: false  # live")
    site = make_site({ARTICLE: source})
    assert cli("unpublish", ARTICLE, "--site", str(site)).code == 0
    assert (site / ARTICLE).read_text() == source.replace("false  # live", "true  # live")


# --- check: the news-search rules --------------------------------------------------------------


def checked(site: Path, *args: str) -> Result:
    result = cli("check", "--site", str(site), *args)
    assert "Traceback" not in result.err
    return result


def test_check_warns_about_a_photo_narrower_than_1200_px(make_site: MakeSite) -> None:
    site = make_site(
        {
            "static/photos/pier.png": png((1000, 600)),
            "static/photos/wide.png": png((1600, 900)),
            ARTICLE: story(
                summary="A dek.",
                tags="[Harbor]",
                photo="\n  src: /photos/pier.png\n  alt: The pier\n  credit: Ana Ruiz",
            ),
            "content/articles/wide.md": story(
                "Wide",
                summary="A dek.",
                tags="[Harbor]",
                photo="{src: /photos/wide.png, alt: Pier, credit: Ana Ruiz}",
            ),
        }
    )
    result = checked(site)
    assert (
        f"warning: {ARTICLE}:9: photo.src: the photo is 1000 px wide: Google Discover and Top "
        "Stories show a story's large image only from photos at least 1,200 px wide"
    ) in result.out
    assert "content/articles/wide.md" not in result.out


def test_check_warns_about_a_long_headline_and_a_long_summary(make_site: MakeSite) -> None:
    headline = "Council " + "votes " * 20 + "on budget"  # 137 characters
    site = make_site({ARTICLE: story(headline, summary="A " * 160, tags="[Budget]")})
    result = checked(site)
    assert f"warning: {ARTICLE}:2: title: the headline has {len(headline)} characters" in result.out
    assert f"warning: {ARTICLE}:6: summary: the summary has 319 characters" in result.out
    short = make_site({ARTICLE: story("Short", summary="A" * 300, tags="[Budget]")})
    assert "characters" not in checked(short).out


def test_check_reports_a_correction_older_than_the_story(make_site: MakeSite) -> None:
    site = make_site(
        {ARTICLE: story(corrections="\n  - date: 2026-11-01T10:00:00+02:00\n    text: Fixed.")}
    )
    result = checked(site)
    assert result.code == 1
    assert f"{ARTICLE}:7: corrections[0].date: is before the story's date: " in result.err


def test_check_reports_a_story_with_no_author(make_site: MakeSite) -> None:
    site = make_site({ARTICLE: "---\ntitle: Nobody wrote it\ndate: 2026-11-20\nsection: news\n"
                      "---\nText.\n"})  # fmt: skip
    result = checked(site)
    assert result.code == 1 and f"{ARTICLE}:1: author: required field is missing" in result.err


def test_check_warns_about_an_alias_that_shadows_a_live_page(make_site: MakeSite) -> None:
    live = "content/articles/live.md"
    draft = "content/articles/draft.md"
    site = make_site(
        {
            live: story("Live story", summary="A dek.", tags="[Budget]"),
            # A draft whose alias is the live story's URL: publishing it would break the build.
            draft: story("Draft", summary="A dek.", tags="[Budget]", draft="true",
                         aliases="[/news/live/]"),
            # A live story whose alias is the URL the draft will have.
            ARTICLE: story("Budget", summary="A dek.", tags="[Budget]", aliases="[/news/draft/]"),
        }
    )  # fmt: skip
    result = checked(site)
    assert result.code == 0, result.err
    assert (
        f"warning: {draft}:9: aliases[0]: /news/live/ is the URL of {live}: a redirect there "
        "would shadow that page"
    ) in result.out
    assert f"warning: {ARTICLE}:8: aliases[0]: /news/draft/ is the URL of {draft}" in result.out
    assert checked(site, "--strict").code == 1


# --- check --changed ---------------------------------------------------------------------------


def test_check_changed_checks_only_what_changed_since_a_ref(make_site: MakeSite) -> None:
    untouched = "content/articles/untouched.md"
    site = committed(make_site({untouched: story("Untouched"), ARTICLE: story("Budget")}))
    clean = checked(site, "--changed", "HEAD")
    assert clean.code == 0 and "Checked no changed files since HEAD" in clean.out
    (site / ARTICLE).write_text(story("Budget", body="The vote was TK.\n"))
    new = "content/articles/new.md"
    (site / new).write_text(story("New story", tags="[Harbor]"))
    result = checked(site, "--changed", "HEAD")
    assert result.code == 1
    assert f"{ARTICLE}:7: body: TK marks something still to come" in result.err
    assert untouched not in result.out + result.err  # its warnings (no tags) are not asked for
    (site / ARTICLE).write_text(story("Budget", body="The vote was 7 to 2.\n"))
    result = checked(site, "--changed", "HEAD")
    assert result.code == 0, result.err
    assert "Checked 2 changed files since HEAD: no errors, 3 warnings." in result.out
    # The same warning about several files is one line that names them (a count, the files).
    summary_line = next(line for line in result.out.splitlines() if "summary: no summary" in line)
    assert f"{new}:1" in summary_line
    assert f"warning: {ARTICLE}:1: tags: no tags" in result.out


def test_check_changed_finds_links_and_urls_of_unchanged_stories(make_site: MakeSite) -> None:
    site = committed(make_site({"content/articles/2025/budget.md": story("Old budget")}))
    (site / ARTICLE).parent.mkdir(parents=True)
    (site / ARTICLE).write_text(story("Budget"))  # the same slug in the same section
    result = checked(site, "--changed", "HEAD")
    assert result.code == 1
    assert "all map to the URL /news/budget/" in result.err and ARTICLE in result.err
    (site / ARTICLE).unlink()
    links = "content/articles/links.md"
    (site / links).write_text(
        story("Links", body="See [the old budget](2025/budget.md) and [gone](2025/gone.md).\n")
    )
    result = checked(site, "--changed", "HEAD")
    assert result.code == 1
    assert f"{links}: body: links to content/articles/2025/gone.md, which is not" in result.err
    assert "2025/budget.md" not in result.err  # a link to an unchanged story that exists


def test_check_changed_finds_an_unchanged_story_that_took_the_url_by_its_slug(
    make_site: MakeSite,
) -> None:
    other = "content/articles/2025/last-years-vote.md"
    site = committed(make_site({other: story("Last year", slug="budget")}))
    (site / ARTICLE).parent.mkdir(parents=True)
    (site / ARTICLE).write_text(story("Budget"))
    result = checked(site, "--changed", "HEAD")
    assert result.code == 1
    assert other in result.err and "all map to the URL /news/budget/" in result.err


def test_check_changed_knows_the_archive_urls_without_a_build(make_site: MakeSite) -> None:
    # A pull-request job starts from a fresh checkout: no output/, no cache.
    site = committed(make_site({"content/articles/2025/harbor.md": story("Harbor")}))
    (site / ARTICLE).parent.mkdir(parents=True)
    body = "See [the harbor](/news/harbor/), [news](/news/) and [nothing](/news/nothing/).\n"
    (site / ARTICLE).write_text(story("Budget", summary="A dek.", tags="[Budget]", body=body))
    result = checked(site, "--changed", "HEAD")
    assert result.code == 0, result.err
    assert f"warning: {ARTICLE}:9: body: links to /news/nothing/, which no page" in result.out
    assert "/news/harbor/," not in result.out and "links to /news/," not in result.out


def test_check_changed_defaults_to_the_upstream_branch(make_site: MakeSite, tmp_path: Path) -> None:
    origin = committed(make_site({ARTICLE: story("Budget", summary="A dek.", tags="[Budget]")}))
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(origin), str(clone))
    (clone / ARTICLE).write_text(story("Budget", summary="A dek."))
    git(clone, "commit", "-qam", "edit")  # committed: still changed since the upstream
    result = checked(clone, "--changed")
    assert "since origin/main" in result.out
    assert f"warning: {ARTICLE}:1: tags: no tags" in result.out


def test_check_changed_without_an_upstream_says_what_to_give(make_site: MakeSite) -> None:
    site = committed(make_site({ARTICLE: story()}))
    result = checked(site, "--changed")
    assert result.code == 2
    assert "no upstream branch" in result.err and "--changed main" in result.err
    unknown = checked(site, "--changed", "mian")
    assert unknown.code == 2 and "'mian' is no branch, tag or commit" in unknown.err


def test_check_changed_outside_git_is_a_clear_error(tmp_path: Path, make_site: MakeSite) -> None:
    site = make_site({ARTICLE: story()})
    result = run_cli("check", "--changed", "HEAD", "--site", str(site),
                     env={**GIT_ENV, "GIT_CEILING_DIRECTORIES": str(site.parent)})  # fmt: skip
    assert result.code == 2 and "not in a git repository" in result.err


# --- A reporter's first story, from init to live -----------------------------------------------


def test_a_reporters_first_story_from_init_to_live(tmp_path: Path) -> None:
    site = tmp_path / "ledger"
    assert cli("init", str(site), "--title", "The Ledger", "--timezone", "Europe/Kyiv").code == 0
    author = site / "content/authors/editor.md"
    author.write_text(author.read_text().replace("role:", "email: desk@ledger.example\nrole:"))
    committed(site)
    git(site, "config", "user.email", "desk@ledger.example")
    created = cli("new", "article", "City opens a new library branch", "--site", str(site))
    assert created.code == 0, created.err
    assert "by editor (your git email)" in created.out and "draft" in created.out
    path = site / "content/articles/2026/11/city-opens-a-new-library-branch.md"
    # Committed as it is, the draft publishes nothing.
    build_ok(site)
    assert not (site / "output/news/city-opens-a-new-library-branch").exists()
    # Not written yet: publish refuses, and says why.
    refused = cli("publish", str(path), "--site", str(site))
    assert refused.code == 1
    assert "placeholder text of `newssite new article`" in refused.err
    # Written, with a dek and tags: published, and live after the next build.
    text = path.read_text()
    text = text.replace(PLACEHOLDER_BODY, "The city opened its fourth library branch.")
    text = text.replace("summary: ''", "summary: The harbor district gets a library.")
    path.write_text(text.replace("tags: []", "tags: [Libraries]"))
    assert cli("check", "--changed", "HEAD", "--strict", "--site", str(site)).code == 0
    published = cli("publish", str(path), "--site", str(site))
    assert published.code == 0, published.err
    assert "URL: https://news.example.org/news/city-opens-a-new-library-branch/" in published.out
    build_ok(site)
    page = site / "output/news/city-opens-a-new-library-branch/index.html"
    assert "The city opened its fourth library branch." in page.read_text()
    feed = feedparser.parse(site / "output/feed.xml")
    assert "City opens a new library branch" in [entry.title for entry in feed.entries]
