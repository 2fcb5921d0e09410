"""Faults: killed, interrupted, out of space, locked, misconfigured output.

Builds run from CI jobs that get cancelled, laptops that sleep and disks that fill up: what
happens then must never be a half-published site. Each test causes the fault for real (a
signal to the build's processes, a file-size limit, a held lock, an output/ that is a file
or a link) and checks that output/ is the old site or the new one, that nothing is left
beside it, and that the next build works.
"""

from __future__ import annotations

import fcntl
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FIXED_EPOCH, MakeSite, run_cli, story, tree_digest

ENV = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH}


# The real command line, held (in the build's own process) when rendering begins: it writes
# the marker file named by its first argument and waits there for a signal.
HELD_AT_RENDER = """
import sys, time
from pathlib import Path
import newssite.build, newssite.cli
marker, render = Path(sys.argv.pop(1)), newssite.build.render_files
def held(*args, **kwargs):
    marker.write_text("rendering")
    time.sleep(600)
    return render(*args, **kwargs)
newssite.build.render_files = held
sys.exit(newssite.cli.main(sys.argv[1:]))
"""


def newssite(site: Path, *args: str, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "newssite", "build", "--site", str(site), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        **kwargs,  # type: ignore[call-overload]
    )


def big_site(make_site: MakeSite, stories: int, title: str = "Story") -> Path:
    body = "\n\n".join(["Words about the harbor and the council vote on Tuesday. " * 8] * 6)
    files = {
        f"content/articles/s{n:04d}.md": story(
            f"{title} {n}",
            date=f"2026-{1 + n % 10:02d}-{1 + n % 27:02d}T10:00:00Z",
            tags=f"[Tag {n % 30}]",
            body=body,
        )
        for n in range(stories)
    }
    return make_site(files)


def retitle(site: Path, old: str, new: str) -> None:
    for path in (site / "content/articles").glob("*.md"):
        path.write_text(path.read_text().replace(f"title: '{old} ", f"title: '{new} "))


def leftovers(site: Path) -> list[str]:
    return sorted(p.name for p in site.iterdir() if ".tmp-" in p.name or ".old-" in p.name)


def test_a_killed_build_leaves_the_old_site_or_the_new_one_never_a_mix(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = big_site(make_site, 600)
    assert run_cli("build", "--site", str(site)).code == 0
    old = tree_digest(site / "output")
    retitle(site, "Story", "Edited")
    reference = tmp_path / "reference"
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "newssite",
            "build",
            "--site",
            str(site),
            "--output",
            str(reference),
        ],
        env=ENV,
        check=True,
        capture_output=True,
    )
    duration = time.perf_counter() - started
    new = tree_digest(reference)
    assert new != old
    rng = random.Random(4)
    outcomes = []
    for _ in range(10):
        shutil.rmtree(site / ".newssite-cache", ignore_errors=True)
        process = newssite(site, start_new_session=True)
        time.sleep(duration * rng.uniform(0.1, 0.9))
        # The build and its worker processes, as CI cancels a job.
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        now = tree_digest(site / "output")
        assert now in (old, new), "a killed build left a mixed output"
        outcomes.append("new" if now == new else "old")
        if now == new:
            retitle(site, "Edited", "Story")
            old, new = new, old
    final = newssite(site)
    assert final.wait() == 0
    assert tree_digest(site / "output") in (old, new)
    assert leftovers(site) == [], "stale staging folders of killed builds were not cleaned"


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupted_build_exits_cleanly_and_leaves_output_untouched(
    make_site: MakeSite, signum: int, code: int
) -> None:
    site = big_site(make_site, 400)
    assert run_cli("build", "--site", str(site)).code == 0
    before = tree_digest(site / "output")
    retitle(site, "Story", "Edited")
    shutil.rmtree(site / ".newssite-cache")
    # The build is held at the start of its render stage (it has parsed and planned, and its
    # spool folder exists) until the signal comes: an event, not a race with the machine.
    marker = site.parent / "rendering"
    process = subprocess.Popen(
        [sys.executable, "-c", HELD_AT_RENDER, str(marker), "build", "--site", str(site)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    deadline = time.monotonic() + 120
    while process.poll() is None and not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert marker.exists(), process.communicate()[1]
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == code, err
    assert "Traceback" not in err
    assert tree_digest(site / "output") == before
    assert leftovers(site) == []


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (6000, 6000))


def test_a_write_failure_is_an_error_and_leaves_output_untouched(make_site: MakeSite) -> None:
    site = big_site(make_site, 30)
    assert run_cli("build", "--site", str(site)).code == 0
    before = tree_digest(site / "output")
    retitle(site, "Story", "Edited")
    process = newssite(site, preexec_fn=_limit_file_size)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 1, err
    assert "Traceback" not in err
    assert "File too large" in err and "output" in err
    assert tree_digest(site / "output") == before
    assert leftovers(site) == []


def test_output_that_is_a_file_is_refused(make_site: MakeSite) -> None:
    site = big_site(make_site, 2)
    (site / "output").write_text("not a folder")
    result = run_cli("build", "--site", str(site))
    assert result.code == 2
    assert "exists and is not a directory" in result.err
    assert (site / "output").read_text() == "not a folder"


def test_a_symlinked_output_is_published_through_the_link(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = big_site(make_site, 3)
    deploy = tmp_path / "deploy"
    deploy.mkdir()
    (site / "output").symlink_to(deploy, target_is_directory=True)
    assert run_cli("build", "--site", str(site)).code == 0
    assert (site / "output").is_symlink()
    assert (deploy / "index.html").is_file()


def test_a_second_build_at_once_is_refused_naming_the_lock(make_site: MakeSite) -> None:
    site = big_site(make_site, 3)
    with open(site / "output.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        handle.write("4242")
        handle.flush()
        result = run_cli("build", "--site", str(site))
    assert result.code == 2
    assert "another build holds output.lock" in result.err
    assert run_cli("build", "--site", str(site)).code == 0


def test_two_builds_racing_end_in_one_complete_site(make_site: MakeSite, tmp_path: Path) -> None:
    site = big_site(make_site, 300)
    reference = tmp_path / "reference"
    assert run_cli("build", "--site", str(site), "--output", str(reference)).code == 0
    first, second = newssite(site), newssite(site)
    codes = sorted([first.wait(timeout=120), second.wait(timeout=120)])
    assert codes[0] == 0 and codes[1] in (0, 2)
    assert tree_digest(site / "output") == tree_digest(reference)


def test_files_are_world_readable_whatever_the_umask(make_site: MakeSite) -> None:
    site = big_site(make_site, 3)
    process = newssite(site, preexec_fn=lambda: os.umask(0o077))
    assert process.wait() == 0
    for path in (site / "output").rglob("*"):
        mode = path.stat().st_mode & 0o777
        assert mode == (0o755 if path.is_dir() else 0o644), path


def test_deploy_files_are_kept_only_when_configured(make_site: MakeSite) -> None:
    site = big_site(make_site, 3)
    assert run_cli("build", "--site", str(site)).code == 0
    (site / "output/CNAME").write_text("news.example.org\n")
    (site / "output/stray.html").write_text("left by hand")
    path = site / "content/articles/s0000.md"
    path.write_text(path.read_text() + "\nMore.\n")
    assert run_cli("build", "--site", str(site)).code == 0
    assert not (site / "output/CNAME").exists() and not (site / "output/stray.html").exists()
    config = site / "newssite.toml"
    config.write_text('keep_files = ["CNAME"]\n' + config.read_text())
    assert run_cli("build", "--site", str(site)).code == 0
    (site / "output/CNAME").write_text("news.example.org\n")
    path.write_text(path.read_text() + "\nEven more.\n")
    assert run_cli("build", "--site", str(site)).code == 0
    assert (site / "output/CNAME").read_text() == "news.example.org\n"


def test_the_build_opens_no_network_connection(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the build tried to open a socket")

    site = big_site(make_site, 3)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert run_cli("build", "--site", str(site)).code == 0
