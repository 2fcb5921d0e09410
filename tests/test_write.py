"""Writing output/: a small change in place, any other swapped in whole, and an in-place
update that did not finish (its journal is left) repaired by the next build."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXED_EPOCH, MakeSite, build_ok, run_cli, same_site, story, tree_digest
from conftest import clean_build as build_from_scratch
from newssite import output_state, spool, write
from newssite.errors import NewssiteError
from newssite.freshness import RECORD_NAME
from newssite.model import Output

JOURNAL = Path(".newssite-cache") / output_state.JOURNAL_NAME
SEARCH = "pagefind/"


def newsroom(make_site: MakeSite, stories: int = 40) -> Path:
    """A site of some 170 files, where one story's edit changes a dozen of them."""
    files = {
        f"content/articles/s{n:02d}.md": story(
            f"Story {n}",
            date=f"2026-{1 + n % 10:02d}-{1 + n % 27:02d}T10:00:00Z",
            tags=f"[Tag {n % 8}]",
        )
        for n in range(stories)
    }
    return make_site(files)


def edit_story(site: Path, number: int, words: str = "One more paragraph.") -> None:
    path = site / f"content/articles/s{number:02d}.md"
    path.write_text(path.read_text() + f"\n{words}\n")


def state(root: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under root with its inode and mtime."""
    return {
        path.relative_to(root).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in root.rglob("*")
    }


def folders(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_dir()}


def clean_build(site: Path, where: Path) -> tuple[dict[str, str], set[str]]:
    """Files (with their hashes) and folders of a build of the same sources from scratch,
    outside the search index (its levels follow the site's history; same_site compares
    what it finds)."""
    copy = where / "clean"
    build_from_scratch(site, copy)
    assert same_site(site / "output", copy / "output") == []
    return as_built(copy)


def as_built(site: Path) -> tuple[dict[str, str], set[str]]:
    output = site / "output"
    files = {p: d for p, d in tree_digest(output).items() if not p.startswith(SEARCH)}
    return files, {f for f in folders(output) if not f.startswith(SEARCH.rstrip("/"))}


def written(out: str) -> int:
    return int(out.split(" written")[0].rsplit("(", 1)[1])


def test_a_small_change_is_made_in_place_touching_nothing_else(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = newsroom(make_site)
    build_ok(site)
    output = site / "output"
    (output / "stray.html").write_text("left by hand")
    before, old_bytes = state(output), tree_digest(output)
    output_inode = os.stat(output).st_ino
    edit_story(site, 5)
    saved_umask = os.umask(0o077)
    try:
        out = build_ok(site).out
    finally:
        os.umask(saved_umask)
    assert 1 <= written(out) <= 20, out
    after, new_bytes = state(output), tree_digest(output)
    assert os.stat(output).st_ino == output_inode, "not updated in place"
    same = [path for path in new_bytes if old_bytes.get(path) == new_bytes[path]]
    assert len(same) > 100
    for path in same:
        assert after[path] == before[path], f"{path} was touched though its bytes are the same"
    assert "stray.html" not in new_bytes
    for entry in output.rglob("*"):
        assert entry.stat().st_mode & 0o777 == (0o755 if entry.is_dir() else 0o644), entry
    assert as_built(site) == clean_build(site, tmp_path)
    assert not (site / JOURNAL).exists()


def test_pages_and_folders_of_a_removed_story_go_in_place(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = newsroom(make_site)
    lone = site / "content/articles/lone.md"
    lone.write_text(story("Lone wolf", date="2026-11-25T10:00:00Z", tags="[Only Here]"))
    build_ok(site)
    output_inode = os.stat(site / "output").st_ino
    assert (site / "output/tags/only-here").is_dir()
    lone.unlink()
    out = build_ok(site).out
    assert os.stat(site / "output").st_ino == output_inode, "not updated in place"
    assert not (site / "output/tags/only-here").exists(), out
    assert as_built(site) == clean_build(site, tmp_path)


def test_kept_files_stay_through_an_in_place_update(make_site: MakeSite) -> None:
    site = newsroom(make_site)
    config = site / "newssite.toml"
    config.write_text('keep_files = ["CNAME"]\n' + config.read_text())
    build_ok(site)
    (site / "output/CNAME").write_text("news.example.org\n")
    output_inode = os.stat(site / "output").st_ino
    edit_story(site, 3)
    build_ok(site)
    assert os.stat(site / "output").st_ino == output_inode, "not updated in place"
    assert (site / "output/CNAME").read_text() == "news.example.org\n"


def test_a_change_to_most_of_the_site_is_swapped_in_whole(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = newsroom(make_site)
    build_ok(site)
    output_inode = os.stat(site / "output").st_ino
    config = site / "newssite.toml"
    config.write_text(config.read_text().replace("The Test Gazette", "The Test Herald"))
    build_ok(site)
    assert os.stat(site / "output").st_ino != output_inode, "a site-wide change went in place"
    assert as_built(site) == clean_build(site, tmp_path)


def test_an_error_mid_update_names_the_file_and_leaves_output_as_it_was(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = newsroom(make_site)
    lone = site / "content/articles/lone.md"
    lone.write_text(story("Lone wolf", date="2026-11-25T10:00:00Z", tags="[Only Here]"))
    build_ok(site)
    before, old_bytes = state(site / "output"), tree_digest(site / "output")
    # A story comes (new files in a new folder), one goes, one changes.
    (site / "content/articles/fresh.md").write_text(story("Fresh news", date="2026-11-26"))
    lone.unlink()
    edit_story(site, 5)
    tried: list[str] = []
    move_in = write._move_in

    def fill_the_disk_after_the_new_story(spooled: str, destination: str) -> None:
        tried.append(destination)
        if any("/news/fresh/" in done for done in tried[:-1]):
            raise OSError(errno.ENOSPC, "No space left on device")
        move_in(spooled, destination)

    monkeypatch.setattr(write, "_move_in", fill_the_disk_after_the_new_story)
    result = run_cli("build", "--site", str(site))
    monkeypatch.undo()
    assert result.code == 1 and "Traceback" not in result.err, result.err
    assert f"{tried[-1]}: output: No space left on device (output/ was left as it was)" in (
        result.err
    )
    assert tree_digest(site / "output") == old_bytes
    after = state(site / "output")
    assert {path: inode for path, (inode, _) in after.items() if path in old_bytes} == {
        path: inode for path, (inode, _) in before.items() if path in old_bytes
    }
    assert folders(site / "output") == {p for p in before if p not in old_bytes}
    assert not (site / JOURNAL).exists()
    build_ok(site)
    assert as_built(site) == clean_build(site, tmp_path)


def test_when_nothing_can_be_put_back_the_error_says_so_and_the_next_build_repairs(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = newsroom(make_site)
    build_ok(site)
    (site / "content/articles/fresh.md").write_text(story("Fresh news", date="2026-11-26"))
    move_in, tried = write._move_in, []

    def fail_at_the_third_file(spooled: str, destination: str) -> None:
        tried.append(destination)
        if len(tried) == 3:
            raise OSError(errno.EIO, "Input/output error")
        move_in(spooled, destination)

    monkeypatch.setattr(write, "_move_in", fail_at_the_third_file)
    monkeypatch.setattr(write, "_put_back", lambda *args: False)
    result = run_cli("build", "--site", str(site))
    monkeypatch.undo()
    assert result.code == 1 and "Traceback" not in result.err, result.err
    assert "output/ is partly updated; the next build repairs it" in result.err
    assert "previous output is unchanged" not in result.err
    build_ok(site)
    assert as_built(site) == clean_build(site, tmp_path)


KILL_AT_THE_FOURTH_FILE = """
import os, signal, sys
from newssite import write
from newssite.errors import NewssiteError
from newssite.cli import main

move_in, tried = write._move_in, []

def killed_at_the_fourth(spooled, destination):
    tried.append(destination)
    if len(tried) == 4:
        os.kill(os.getpid(), signal.SIGKILL)
    move_in(spooled, destination)

write._move_in = killed_at_the_fourth
main(["build", "--site", sys.argv[1]])
"""


def test_an_update_killed_half_way_is_repaired_by_the_next_build(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = newsroom(make_site)
    build_ok(site)
    old_bytes = tree_digest(site / "output")
    original = (site / "content/articles/s05.md").read_text()
    edit_story(site, 5)
    killed = subprocess.run(
        [sys.executable, "-c", KILL_AT_THE_FOURTH_FILE, str(site)],
        env={**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH},
        capture_output=True,
        text=True,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert (site / JOURNAL).exists()
    half_updated = tree_digest(site / "output")
    assert half_updated != old_bytes
    # The sources as the last good build had them: its record matches them again.
    (site / "content/articles/s05.md").write_text(original)
    out = build_ok(site).out
    assert "(0 written" not in out, "the no-change shortcut trusted a half-updated output"
    assert as_built(site) == clean_build(site, tmp_path)
    assert not (site / JOURNAL).exists()


def test_a_journal_left_by_a_killed_update_means_nothing_in_output_is_trusted(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = newsroom(make_site)
    build_ok(site)
    edit_story(site, 5)
    # As a kill half-way leaves it: the journal, and a file whose size and mtime are as the
    # manifest records though its bytes are not the last build's.
    page = next((site / "output").rglob("s20/index.html"))
    stat = page.stat()
    corrupt = page.read_bytes().replace(b"Story 20", b"Story XX")
    assert corrupt != page.read_bytes()
    page.write_bytes(corrupt)
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    (site / JOURNAL).write_text(json.dumps({"write": [], "remove": []}))
    build_ok(site)
    assert as_built(site) == clean_build(site, tmp_path)
    assert not (site / JOURNAL).exists()


def test_the_no_change_shortcut_does_not_skip_a_build_after_an_interrupted_update(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = newsroom(make_site)
    build_ok(site)
    assert (site / ".newssite-cache" / RECORD_NAME).exists()
    # Killed between its journal and its first change: output/ and its stamp are as the
    # last build left them, and so are the inputs.
    (site / JOURNAL).write_text("")
    output_inode = os.stat(site / "output").st_ino
    build_ok(site)
    assert not (site / JOURNAL).exists(), "the build was skipped"
    assert os.stat(site / "output").st_ino != output_inode, "output/ was not rebuilt whole"
    assert as_built(site) == clean_build(site, tmp_path)
    out = build_ok(site).out
    assert "(0 written" in out, out


def test_the_manifest_describes_output_exactly_after_in_place_updates(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = newsroom(make_site)
    build_ok(site)
    output_inode = os.stat(site / "output").st_ino
    cache = site / ".newssite-cache"
    for number in range(3):
        edit_story(site, number)
        (site / f"content/articles/new{number}.md").write_text(
            story(f"New {number}", date=f"2026-11-2{number}T10:00:00Z", tags=f"[New {number}]")
        )
        build_ok(site)
    (site / "content/articles/new1.md").unlink()
    build_ok(site)
    assert os.stat(site / "output").st_ino == output_inode, "not updated in place"
    assert (cache / output_state.MANIFEST_CHANGES_NAME).exists()
    manifest = output_state.load_manifest(cache)
    clean_build(site, tmp_path)
    clean = output_state.load_manifest(tmp_path / "clean/.newssite-cache")
    assert {p for p in manifest if not p.startswith(SEARCH)} == {
        p for p in clean if not p.startswith(SEARCH)
    }
    digests = tree_digest(site / "output")
    for path, (size, mtime_ns, digest) in manifest.items():
        stat = (site / "output" / path).stat()
        assert [size, mtime_ns, digest] == [stat.st_size, stat.st_mtime_ns, digests[path]], path


@pytest.mark.parametrize(
    ("paths", "message"),
    [
        (
            ["a/../../etc/passwd"],
            "refusing to write outside the output folder: 'a/../../etc/passwd'",
        ),
        (["ok.html", "/abs.html"], "refusing to write outside the output folder: '/abs.html'"),
        (["a//b.html"], "refusing to write outside the output folder: 'a//b.html'"),
        (["a/./b.html"], "refusing to write outside the output folder: 'a/./b.html'"),
        (["a/"], "refusing to write outside the output folder: 'a/'"),
        (["a.html", "b.html", "a.html"], "two files would be written to a.html"),
    ],
)
def test_paths_outside_the_output_or_written_twice_are_refused(
    tmp_path: Path, paths: list[str], message: str
) -> None:
    outputs = [Output(path, b"x") for path in paths]
    with pytest.raises(NewssiteError) as caught:
        write.write_outputs(outputs, [], tmp_path / "output", tmp_path / "cache")
    assert message in str(caught.value)
    assert not (tmp_path / "output").exists()


def test_odd_but_valid_paths_are_written(tmp_path: Path) -> None:
    paths = ["a..b/index.html", ".well-known/x.txt", "b/...", "c/\n/d.html"]
    report = write.write_outputs(
        [Output(path, path.encode()) for path in paths], [], tmp_path / "out", tmp_path / "cache"
    )
    assert report.written == 4
    assert tree_digest(tmp_path / "out").keys() == set(paths)


def test_the_spool_is_one_flat_folder_with_a_file_per_output(tmp_path: Path) -> None:
    outputs = [
        Output("index.html", b"home"),
        Output("news/a/index.html", b"story a"),
        Output("news/b/index.html", b"story b"),
        Output("news/feed.xml", b"<feed/>"),
        Output("deep/er/still/index.html", b"same"),
        Output("other/index.html", b"same"),
    ]
    with spool.spool_folder(tmp_path / "cache") as folder:
        spooled = [spool.spool(output, folder) for output in outputs]
        entries = list(folder.iterdir())
        assert all(entry.is_file() for entry in entries)
        assert len({o.spooled for o in spooled}) == len(entries) == len(outputs)
        for before, after in zip(outputs, spooled, strict=True):
            assert after.path == before.path and after.data is None
            assert Path(str(after.spooled)).parent == folder
            assert Path(str(after.spooled)).read_bytes() == before.data
    assert not folder.exists()
