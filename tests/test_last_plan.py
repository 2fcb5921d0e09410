"""The last plan kept for the next build (last_plan.py): saved whole by a whole build, then
as a line of changes by each update, until the lines grow past a share of the whole."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from conftest import MakeSite, build_ok, story
from newssite.last_plan import (
    CHANGES_NAME,
    STALE_NAME,
    LastPlan,
    forget_last_plan,
    load_last_plan,
)
from newssite.spool import TRASH_PREFIX

CACHE = ".newssite-cache"


def newsroom(make_site: MakeSite) -> Path:
    return make_site(
        {
            f"content/articles/story-{n}.md": story(
                title=f"Story number {n}", date=f"2026-03-0{n}T09:00:00Z", tags="[Harbor]"
            )
            for n in range(1, 8)
        }
    )


def plan_of(site: Path) -> LastPlan:
    found = load_last_plan(site / CACHE)
    assert found is not None
    return found


def old_files_removed(cache: Path) -> None:
    """Wait until the files an in-place update set aside are gone: a process of their own
    removes them after the build (write.py), and the cache is not to be deleted under it."""
    deadline = time.monotonic() + 120
    while any(cache.glob(f"{TRASH_PREFIX}*")):
        assert time.monotonic() < deadline, "the set-aside files were never removed"
        time.sleep(0.05)


def same_plan(first: LastPlan, second: LastPlan) -> None:
    assert first.basis == second.basis
    assert dict(first.inputs) == dict(second.inputs)
    assert dict(first.records.stories) == dict(second.records.stories)
    assert first.records.authors == second.records.authors
    assert first.records.pages == second.records.pages
    assert dict(first.related) == dict(second.related)
    assert dict(first.digests) == dict(second.digests)
    assert first.pages == second.pages


def test_updates_append_their_changes_and_load_as_a_whole_build_saves_the_plan(
    make_site: MakeSite,
) -> None:
    site = newsroom(make_site)
    build_ok(site)
    articles = site / "content/articles"
    edited = articles / "story-3.md"
    edited.write_text(edited.read_text().replace("Story number 3", "A new headline"))
    assert "Updated" in build_ok(site).out
    (articles / "story-9.md").write_text(story(title="Published later", date="2026-03-09"))
    assert "Updated" in build_ok(site).out
    (articles / "story-5.md").unlink()
    build_ok(site)
    lines = (site / CACHE / CHANGES_NAME).read_text().splitlines()
    assert len(lines) >= 2, "each update appends its changes"
    updated = plan_of(site)
    old_files_removed(site / CACHE)
    shutil.rmtree(site / CACHE)
    shutil.rmtree(site / "output")
    build_ok(site)
    assert not (site / CACHE / CHANGES_NAME).exists()
    same_plan(updated, plan_of(site))


def test_a_stale_torn_or_foreign_plan_is_not_trusted(make_site: MakeSite) -> None:
    site = newsroom(make_site)
    build_ok(site)
    edited = site / "content/articles/story-2.md"
    edited.write_text(edited.read_text() + "\nOne more paragraph.\n")
    build_ok(site)
    cache = site / CACHE
    changes = cache / CHANGES_NAME
    assert load_last_plan(cache) is not None and changes.is_file()
    kept = changes.read_text()

    forget_last_plan(cache)  # output/ is about to change
    assert load_last_plan(cache) is None
    (cache / STALE_NAME).unlink()  # as saving the next plan does
    assert load_last_plan(cache) is not None

    changes.write_text(kept[: len(kept) // 2])  # a torn line
    assert load_last_plan(cache) is None
    line = json.loads(kept.splitlines()[0])
    changes.write_text(json.dumps({**line, "of": "another"}) + "\n")  # of a plan saved since
    assert load_last_plan(cache) is None
