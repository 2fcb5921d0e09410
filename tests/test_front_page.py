"""Curated fronts (content/front.yaml, content/front/<section>.yaml): the order an editor
chose, each story once, layouts that take over at their time, and the errors an editor
can act on. Updates after a front's edit equal clean builds."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import html5lib
import pytest

from conftest import MakeSite, build_ok, clean_build, run_cli, story, tree_digest

CONFIG = """\
title = "The Front Gazette"
base_url = "https://front.example/"
language = "en"
timezone = "Europe/Kyiv"
per_page = 4
search = false

[[sections]]
slug = "news"
title = "News"

[[sections]]
slug = "business"
title = "Business"
"""
NS = {"h": "http://www.w3.org/1999/xhtml"}


def stories() -> dict[str, str]:
    """Six news stories (n1 oldest) and four business stories (b1 oldest), all before now."""
    files = {}
    for day in range(1, 7):
        files[f"content/articles/n{day}.md"] = story(
            f"News {day}", date=f"2026-11-{10 + day:02d}T09:00:00+02:00", tags="[Harbor]"
        )
    for day in range(1, 5):
        files[f"content/articles/b{day}.md"] = story(
            f"Business {day}", date=f"2026-11-{10 + day:02d}T10:00:00+02:00", section="business"
        )
    return files


def headlines(page: Path) -> list[str]:
    """The headlines of the cards a page's main part shows, top to bottom."""
    tree = html5lib.parse(page.read_bytes(), namespaceHTMLElements=True)
    main = tree.find(".//h:main", NS)
    return [
        "".join(heading.itertext()).strip()
        for heading in main.iter()
        if isinstance(heading.tag, str) and "card__title" in heading.get("class", "")
    ]


def block_headings(page: Path) -> list[str]:
    """The headings of a curated front's automatic blocks."""
    tree = html5lib.parse(page.read_bytes(), namespaceHTMLElements=True)
    return [
        "".join(section.find("h:h2", NS).itertext()).strip()
        for section in tree.iterfind(".//h:section", NS)
        if "curated__block" in section.get("class", "")
    ]


def epoch(moment: datetime) -> dict[str, str]:
    return {"SOURCE_DATE_EPOCH": str(int(moment.timestamp()))}


def test_front_page_follows_the_editors_order_and_shows_each_story_once(
    make_site: MakeSite,
) -> None:
    files = stories()
    files["content/front.yaml"] = (
        "lead: articles/n2.md\n"
        "slots:\n"
        "  - story: articles/b1.md\n"
        "  - section: news\n"
        "    count: 3\n"
        "  - section: business\n"
        "    count: 2\n"
        "  - tag: Harbor\n"
        "    count: 2\n"
    )
    site = make_site(files, config=CONFIG)
    build_ok(site)
    shown = headlines(site / "output/index.html")
    # lead, pinned, then newest news without n2, newest business without b1, then the
    # tag's newest not shown yet, then "Latest" (the newest of the site not shown yet).
    assert shown[:2] == ["News 2", "Business 1"]
    assert shown[2:5] == ["News 6", "News 5", "News 4"]
    assert shown[5:7] == ["Business 4", "Business 3"]
    assert shown[7:9] == ["News 3", "News 1"]
    assert len(shown) == len(set(shown)), shown
    assert block_headings(site / "output/index.html")[:3] == ["News", "Business", "Harbor"]
    # The numbered pages stay the plain archive, newest first.
    assert (site / "output/page/1/index.html").is_file()


def test_without_a_front_file_the_front_page_is_newest_first(make_site: MakeSite) -> None:
    site = make_site(stories(), config=CONFIG)
    build_ok(site)
    shown = headlines(site / "output/index.html")
    assert shown[:4] == ["News 6", "News 5", "Business 4", "News 4"]


def test_a_section_front_is_curated_the_same_way(make_site: MakeSite) -> None:
    files = stories()
    files["content/front/business.yaml"] = "lead: articles/b2.md\nslots:\n  - tag: Harbor\n"
    site = make_site(files, config=CONFIG)
    build_ok(site)
    shown = headlines(site / "output/business/index.html")
    assert shown[0] == "Business 2"
    assert shown[1] == "News 6"  # the newest Harbor story
    assert set(shown[2:]) == {"Business 4", "Business 3", "Business 1"}
    # The home page has no front file: newest first.
    assert headlines(site / "output/index.html")[0] == "News 6"


SCHEDULED = (
    "lead: articles/n1.md\n"
    "schedule:\n"
    "  - from: 2026-11-27T06:00:00+02:00\n"
    "    lead: articles/later.md\n"
    "    slots: [ { section: business, count: 1 } ]\n"
)


def test_a_scheduled_layout_takes_over_at_its_time(make_site: MakeSite, tmp_path: Path) -> None:
    files = stories()
    files["content/articles/later.md"] = story("Holiday appeal", date="2026-11-27T05:00:00+02:00")
    files["content/front.yaml"] = SCHEDULED
    site = make_site(files, config=CONFIG)
    early = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 04:00 in Kyiv: neither is live
    out = run_cli("build", "--site", str(site), "--next-publish", env=epoch(early)).out
    assert out.strip() == "2026-11-27T03:00:00Z"  # the story first
    before = datetime(2026, 11, 27, 3, 30, tzinfo=UTC)  # 05:30: the story, not the layout
    result = build_ok(site, env=epoch(before))
    assert headlines(site / "output/index.html")[0] == "News 1"
    assert "2026-11-27T06:00:00+02:00" in result.out  # the layout is counted as the next
    out = run_cli("build", "--site", str(site), "--next-publish", env=epoch(before)).out
    assert out.strip() == "2026-11-27T04:00:00Z"
    after = datetime(2026, 11, 27, 4, 0, tzinfo=UTC)  # 06:00 in Kyiv
    build_ok(site, env=epoch(after))
    shown = headlines(site / "output/index.html")
    assert shown[:2] == ["Holiday appeal", "Business 4"]
    assert tree_digest(site / "output") == clean_build(site, tmp_path / "clean", env=epoch(after))


def test_a_scheduled_layout_before_its_time_may_pin_a_story_scheduled_before_it(
    make_site: MakeSite,
) -> None:
    files = stories()
    files["content/articles/later.md"] = story("Holiday appeal", date="2026-11-27T05:00:00+02:00")
    files["content/front.yaml"] = SCHEDULED.replace("05:00", "07:00")
    site = make_site(files, config=CONFIG)
    # The layout takes over at 06:00, the story only at 07:00: an error, before either.
    files["content/articles/later.md"] = story("Holiday appeal", date="2026-11-27T07:00:00+02:00")
    site = make_site(files, config=CONFIG)
    result = run_cli("build", "--site", str(site))
    assert result.code == 1
    assert "content/front.yaml:4: schedule[0].lead: articles/later.md is scheduled" in result.err


@pytest.mark.parametrize(
    ("pinned", "front_matter", "message"),
    [
        ("articles/missing.md", None, "no story at articles/missing.md"),
        ("articles/draft.md", "draft: true", "articles/draft.md is a draft"),
        ("articles/draft.md", "date: 2026-12-30T10:00:00+02:00", "articles/draft.md is scheduled"),
        (
            "articles/draft.md",
            "removed: {date: 2026-11-21, reason: Legal}",
            "articles/draft.md was taken down",
        ),
    ],
)
def test_a_pinned_story_that_is_not_published_is_an_error_naming_file_and_line(
    make_site: MakeSite, pinned: str, front_matter: str | None, message: str
) -> None:
    files = stories()
    if front_matter is not None:
        extra = dict([front_matter.split(": ", 1)])
        if "date" in extra:
            files["content/articles/draft.md"] = story("Pinned", date=extra["date"])
        else:
            files["content/articles/draft.md"] = story("Pinned", **extra)
    files["content/front.yaml"] = (
        f"lead: articles/n1.md\nslots:\n  - section: news\n  - story: {pinned}\n"
    )
    files["content/articles/bad.md"] = story("Bad", author="nobody")
    site = make_site(files, config=CONFIG)
    result = run_cli("build", "--site", str(site))
    assert result.code == 1, result.err
    assert f"content/front.yaml:4: slots[1].story: {message}" in result.err, result.err
    # reported together with the other errors of the build
    assert "content/articles/bad.md" in result.err and "unknown author" in result.err


def test_mistakes_in_a_front_file_name_their_line(make_site: MakeSite) -> None:
    files = stories()
    files["content/front.yaml"] = (
        "lead: articles/n1.md\n"
        "slots:\n"
        "  - section: sprots\n"
        "  - tag: Harbor\n"
        "    count: many\n"
        "  - series: nothing-like-it\n"
        "leed: articles/n2.md\n"
    )
    files["content/front/weather.yaml"] = "lead: articles/n1.md\n"
    site = make_site(files, config=CONFIG)
    result = run_cli("build", "--site", str(site))
    assert result.code == 1
    assert "content/front.yaml:3: slots[0].section: unknown section 'sprots'" in result.err
    assert "content/front.yaml:5: slots[1].count: expected a whole number" in result.err
    assert "content/front.yaml:7: leed: unknown field (did you mean 'lead'?)" in result.err
    assert "content/front/weather.yaml" in result.err and "no section 'weather'" in result.err


def test_an_unknown_series_in_a_slot_is_an_error(make_site: MakeSite) -> None:
    files = stories()
    files["content/front.yaml"] = "slots:\n  - series: nothing-like-it\n"
    site = make_site(files, config=CONFIG)
    result = run_cli("build", "--site", str(site))
    assert result.code == 1
    assert "content/front.yaml:2: slots[0].series: unknown series 'nothing-like-it'" in result.err


def test_editing_the_front_is_an_update_that_equals_a_clean_build(
    make_site: MakeSite, tmp_path: Path
) -> None:
    files = stories()
    files["content/front.yaml"] = "lead: articles/n2.md\nslots:\n  - section: business\n"
    site = make_site(files, config=CONFIG)
    build_ok(site)
    before = tree_digest(site / "output")
    (site / "content/front.yaml").write_text(
        "lead: articles/b3.md\nslots:\n  - section: news\n    count: 2\n", encoding="utf-8"
    )
    result = build_ok(site)
    assert "Updated" in result.out, result.out
    after = tree_digest(site / "output")
    assert after == clean_build(site, tmp_path / "clean")
    changed = {path for path in after if before.get(path) != after[path]}
    assert changed == {"index.html"}, changed
    assert headlines(site / "output/index.html")[:3] == ["Business 3", "News 6", "News 5"]
    # Removing the file: newest first again, also as an update.
    (site / "content/front.yaml").unlink()
    build_ok(site)
    assert headlines(site / "output/index.html")[0] == "News 6"
    assert tree_digest(site / "output") == clean_build(site, tmp_path / "clean")


def test_a_story_pinned_with_drafts_shown_is_accepted(make_site: MakeSite) -> None:
    files = stories()
    files["content/articles/draft.md"] = story("Pinned draft", draft="true")
    files["content/front.yaml"] = "lead: articles/draft.md\n"
    site = make_site(files, config=CONFIG)
    build_ok(site, "--drafts")
    assert headlines(site / "output/index.html")[0] == "Pinned draft"


def test_a_front_file_that_is_not_a_mapping_says_so(make_site: MakeSite) -> None:
    files = stories()
    files["content/front.yaml"] = "- articles/n1.md\n- articles/n2.md\n"
    site = make_site(files, config=CONFIG)
    result = run_cli("build", "--site", str(site))
    assert result.code == 1
    assert "content/front.yaml:1: expected a mapping of keys (e.g. lead: ...), got a list" in (
        result.err
    )


def test_a_type_block_is_accepted_and_shows_the_stories_of_that_type(make_site: MakeSite) -> None:
    """Stories carry no type until story types exist: the block is then left out."""
    files = stories()
    files["content/front.yaml"] = "lead: articles/n1.md\nslots:\n  - type: opinion\n    count: 2\n"
    site = make_site(files, config=CONFIG)
    build_ok(site)
    assert headlines(site / "output/index.html")[0] == "News 1"
    files["content/front.yaml"] = "slots:\n  - type: poetry\n"
    site = make_site(files, config=CONFIG)
    result = run_cli("build", "--site", str(site))
    assert result.code == 1
    assert "content/front.yaml:2: slots[0].type: unknown story type 'poetry'" in result.err
