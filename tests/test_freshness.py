"""A build with nothing to do does nothing, and a build with anything to do does it all.

Given a built site, when a second build finds its inputs and output/ as the first left
them, it writes nothing; when anything a build reads has changed (a story, a static file,
a template, the options, the clock passing a scheduled or stale date) or someone changed
output/, the build gives exactly what a clean build gives.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from conftest import (
    DEFAULT_CONFIG,
    FIXED_NOW,
    MakeSite,
    clean_build,
    run_cli,
    story,
    tree_digest,
)
from newssite.freshness import RECORD_NAME

LATER_STORY = story("Ferry returns", date="2026-11-28T09:00:00+02:00")


def epoch(days: float) -> dict[str, str]:
    return {"SOURCE_DATE_EPOCH": str(int((FIXED_NOW + timedelta(days=days)).timestamp()))}


def build(site: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = run_cli("build", "--site", str(site), *args, env=env)
    assert result.code == 0, result.err
    return result.out


def newsroom(make_site: MakeSite) -> Path:
    return make_site(
        {
            "content/articles/budget.md": story(),
            "content/articles/ferry.md": LATER_STORY,
            "static/logo.txt": "logo v1\n",
        }
    )


def test_nothing_changed_means_nothing_written(make_site: MakeSite) -> None:
    site = newsroom(make_site)
    build(site)
    before = {p: p.stat().st_mtime_ns for p in (site / "output").rglob("*")}
    out = build(site)
    assert "(0 written" in out and "0 removed" in out, out
    assert {p: p.stat().st_mtime_ns for p in (site / "output").rglob("*")} == before
    assert (site / ".newssite-cache" / RECORD_NAME).is_file()


def test_warnings_are_shown_again_when_nothing_changed(make_site: MakeSite) -> None:
    site = make_site({"content/articles/budget.md": story(sumary="'A typo'")})
    first = run_cli("build", "--site", str(site))
    second = run_cli("build", "--site", str(site))
    assert first.code == second.code == 0
    assert first.err and second.err == first.err


def test_edits_of_every_kind_of_input_are_built(make_site: MakeSite, tmp_path: Path) -> None:
    site = newsroom(make_site)
    build(site)
    edits = [
        lambda: (site / "content/articles/budget.md").write_text(story(body="New text.\n")),
        lambda: (site / "static/logo.txt").write_text("logo v2\n"),
        lambda: (site / "themes/default/templates").mkdir(parents=True),
        lambda: (site / "themes/default/templates/page.html").write_text(
            '{% extends "default/page.html" %}'
        ),
        lambda: (site / "content/articles/ferry.md").unlink(),
    ]
    for edit in edits:
        edit()
        out = build(site)
        assert tree_digest(site / "output") == clean_build(site, tmp_path / "clean"), out


def test_other_options_are_a_different_build(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site(
        {
            "content/articles/budget.md": story(),
            "content/articles/plan.md": story("Secret plan", draft="true"),
        }
    )
    build(site)
    build(site, "--drafts")
    assert tree_digest(site / "output") == clean_build(site, tmp_path / "clean", "--drafts")
    assert (site / "output/news/plan/index.html").is_file()


def test_a_changed_output_folder_is_rebuilt(make_site: MakeSite, tmp_path: Path) -> None:
    site = newsroom(make_site)
    build(site)
    expected = tree_digest(site / "output")
    (site / "output/index.html").write_text("defaced")
    (site / "output/feed.xml").unlink()
    (site / "output/stray.html").write_text("left behind")
    build(site)
    assert tree_digest(site / "output") == expected


def test_a_file_changed_anywhere_in_output_is_rebuilt(make_site: MakeSite) -> None:
    """output/ is listed in shares, one process each: a change in any folder is seen."""
    site = newsroom(make_site)
    build(site)
    expected = tree_digest(site / "output")
    folders = sorted(p for p in (site / "output").iterdir() if p.is_dir())
    assert len(folders) >= 4
    for folder in folders:
        changed = min(p for p in folder.rglob("*") if p.is_file())
        changed.write_bytes(changed.read_bytes() + b"\n<!-- edited by hand -->")
        assert "(0 written" not in build(site), changed
        assert tree_digest(site / "output") == expected, changed
        assert "parse" not in build(site), "the repaired output/ was not taken as built"


def test_the_clock_publishes_a_scheduled_story_without_an_edit(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = newsroom(make_site)
    build(site)
    assert not (site / "output/news/ferry/index.html").exists()
    build(site, env=epoch(3))
    assert (site / "output/news/ferry/index.html").is_file()
    assert tree_digest(site / "output") == clean_build(site, tmp_path / "clean", env=epoch(3))


def test_the_clock_makes_a_story_stale_and_leaves_the_news_sitemap(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site(
        {"content/articles/budget.md": story(date="2026-11-26T08:00:00+02:00")},
        config=DEFAULT_CONFIG.replace("per_page = 3", "per_page = 3\nstale_after_days = 30"),
    )
    build(site)
    page = site / "output/news/budget/index.html"
    assert "more than" not in page.read_text()
    assert "/news/budget/" in (site / "output/news-sitemap.xml").read_text()
    build(site, env=epoch(40))
    assert "more than 1 month old" in page.read_text()
    assert "/news/budget/" not in (site / "output/news-sitemap.xml").read_text()
    assert tree_digest(site / "output") == clean_build(site, tmp_path / "clean", env=epoch(40))


def test_a_corrupt_record_is_ignored(make_site: MakeSite, tmp_path: Path) -> None:
    site = newsroom(make_site)
    build(site)
    (site / ".newssite-cache" / RECORD_NAME).write_text("{not json")
    (site / "static/logo.txt").write_text("logo v3\n")
    os.utime(site / "static/logo.txt", ns=(1, 1))
    build(site)
    assert tree_digest(site / "output") == clean_build(site, tmp_path / "clean")


def test_after_a_small_change_made_in_place_the_next_build_has_nothing_to_do(
    make_site: MakeSite,
) -> None:
    site = make_site(
        {
            f"content/articles/s{n}.md": story(f"Story {n}", date=f"2026-11-{n + 1:02d}T09:00:00Z")
            for n in range(20)
        }
    )
    build(site)
    (site / "content/articles/new.md").write_text(story("New", date="2026-11-21T09:00:00Z"))
    assert "(0 written" not in build(site)  # a few files, made in place
    out = build(site)
    assert "(0 written" in out and "stages: config" in out and "parse" not in out, out
    (site / "output/index.html").write_text("changed by hand")
    assert "parse" in build(site)
