"""Shared fixtures: tiny sites written into tmp_path, and the real CLI run in-process."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newssite.cli import main

REPO = Path(__file__).resolve().parents[1]
FIXED_NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
FIXED_EPOCH = str(int(FIXED_NOW.timestamp()))
# Debian's Chromium, headless, with nothing that reaches for the network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

DEFAULT_CONFIG = """\
title = "The Test Gazette"
base_url = "https://gazette.example/"
language = "en"
timezone = "Europe/Kyiv"
per_page = 3

[[sections]]
slug = "news"
title = "News"

[[sections]]
slug = "sports"
title = "Sports"
"""

DEFAULT_AUTHOR = "---\nname: Ana Ruiz\nrole: Reporter\n---\nAna covers city hall.\n"


def story(
    title: str = "Council passes budget",
    *,
    date: str = "2026-11-20T10:00:00+02:00",
    author: str = "ana",
    section: str = "news",
    body: str = "The council voted on Tuesday.\n",
    **extra: str,
) -> str:
    """A valid article source; extra front-matter lines are given as raw YAML values."""
    lines = [
        f"title: {title!r}" if not title.startswith("!") else f"title: {title[1:]}",
        f"date: {date}",
        f"author: {author}",
        f"section: {section}",
    ]
    lines += [f"{key}: {value}" for key, value in extra.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


MakeSite = Callable[[Mapping[str, str | bytes]], Path]


@pytest.fixture
def make_site(tmp_path: Path) -> MakeSite:
    """Write a site: the given files over a default config and one author (ana)."""

    def make(files: Mapping[str, str | bytes], *, config: str = DEFAULT_CONFIG) -> Path:
        site = tmp_path / "site"
        site.mkdir(exist_ok=True)
        all_files: dict[str, str | bytes] = {
            "newssite.toml": config,
            "content/authors/ana.md": DEFAULT_AUTHOR,
        }
        all_files.update(files)
        for name, content in all_files.items():
            path = site / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content) if content.startswith("\n") else content)
        return site

    return make  # type: ignore[return-value]


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_cli(*args: str, env: Mapping[str, str] | None = None) -> Result:
    """Run the real command line in-process and capture what it prints."""
    out, err = io.StringIO(), io.StringIO()
    saved = dict(os.environ)
    os.environ.setdefault("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    if env:
        os.environ.update(env)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exit_:
                code = int(exit_.code or 0)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return Result(code, out.getvalue(), err.getvalue())


def build_ok(site: Path, *args: str, env: Mapping[str, str] | None = None) -> Result:
    """`newssite build --site site ...`, which must succeed without a traceback."""
    result = run_cli("build", "--site", str(site), *args, env=env)
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    return result


def tree_digest(root: Path) -> dict[str, str]:
    """Every file under root with the sha256 of its bytes (for "output untouched" checks)."""
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def cli() -> Callable[..., Result]:
    return run_cli
