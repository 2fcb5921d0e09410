"""Whether output/ is still exactly what a build would make now, decided without building.

After each successful build, a record in the cache folder holds a stamp of every input
(the stat of each file under content/, static/ and the theme folders, the config, the
options, the versions of newssite and of the libraries that shape the output), a stamp of
output/ as it was left, the build's report, and the first moment at which the clock alone
changes the site (a scheduled story goes live, a story turns stale or leaves the news
sitemap). A build whose stamps match, before that moment, has nothing to do: like make,
it trusts size, times and inode: an input changed in any way gets a new ctime (output
files are stamped without it, as the search stage's links into its scratch folder change
theirs, and the write stage replaces rather than rewrites them). A build that
fails leaves the record as it is: it still describes output/, and the changed input no
longer matches its stamp. An in-place update of output/ that did not finish (write.py's
journal) is never fresh.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path

from newssite import __version__
from newssite.config import CONFIG_NAME, SiteConfig, find_pagefind, theme_dirs
from newssite.errors import NewssiteError
from newssite.model import BuildOptions
from newssite.output_state import (
    collector_paused,
    files_under,
    stamp_of_files,
    update_interrupted,
)

RECORD_NAME = "last-build.json"
RECORD_VERSION = 2
_LIBRARIES = ("markdown", "jinja2", "nh3", "pillow", "pagefind_bin", "python-frontmatter")


@dataclass(frozen=True, slots=True)
class LastBuild:
    """What the last successful build left, as the record holds it."""

    inputs: str
    output: str
    valid_from: datetime | None  # the build's output holds for a now strictly between these
    valid_until: datetime | None
    pages: int
    files: int
    drafts: int
    next_publish: datetime | None
    warnings: tuple[NewssiteError, ...]


def input_stamp(
    config: SiteConfig, options: BuildOptions, lines: Mapping[str, str] | None = None
) -> str:
    """A hash of everything a build reads, by stat: equal stamps, equal builds (at one now).
    `lines`: input_lines(config), when the caller has them."""
    digest = hashlib.sha256()
    settings = (
        __version__,
        library_versions(),
        options.drafts,
        options.future,
        options.base_url,
        str(config.output),
        repr(config),
    )
    digest.update(repr(settings).encode("utf-8", "surrogatepass"))
    lines = input_lines(config) if lines is None else lines
    for name in sorted(lines):
        digest.update(f"{name}\0{lines[name]}\n".encode("utf-8", "surrogatepass"))
    indexer = find_pagefind() if config.search else None
    digest.update(f"search with {indexer}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def input_lines(config: SiteConfig) -> dict[str, str]:
    """Each file a build reads (under content/, static/ and the theme folders, the config,
    the Pagefind binary) by its absolute path, with its size, times and inode."""
    lines: dict[str, str] = {}
    folders = [config.site_dir / "content", config.site_dir / "static", *theme_dirs(config)]
    for folder in folders:
        root = str(folder.resolve())
        for relative, stat in files_under(folder, follow_symlinks=True).items():
            lines[f"{root}/{relative}"] = _stat_text(stat)
    config_file = config.site_dir / CONFIG_NAME
    if config_file.is_file():
        lines[str(config_file.resolve())] = _stat_text(config_file.stat())
    indexer = find_pagefind() if config.search else None
    if indexer is not None:
        lines[str(indexer)] = _stat_text(indexer.stat())
    return lines


def output_stamp(output_dir: Path) -> str:
    """A hash of every file of output/ with its size, mtime and inode (not its ctime)."""
    return stamp_of_files(files_under(output_dir))


def unchanged_since_last_build(
    config: SiteConfig,
    inputs: str,
    now: datetime,
    last: LastBuild | None,
    output_stamp_now: Callable[[], str],
) -> LastBuild | None:
    """The last build's record (`last`) when its inputs and output are as it left them."""
    if last is None or last.inputs != inputs or not still_valid(last, now):
        return None
    # The output stamp catches files an interrupted update replaced, not a kill between
    # its journal and its first replacement: the journal decides.
    if update_interrupted(config.cache_dir):
        return None
    if not config.output.is_dir() or output_stamp_now() != last.output:
        return None
    return last


def still_valid(last: LastBuild, now: datetime) -> bool:
    """Whether the clock alone left the last build's site as it was at `now`."""
    if last.valid_until is not None and now >= last.valid_until:
        return False
    return last.valid_from is None or now > last.valid_from


def load_last_build(cache_dir: Path) -> LastBuild | None:
    with collector_paused():  # thousands of warnings, all alive at once
        return _load_last_build(cache_dir)


def _load_last_build(cache_dir: Path) -> LastBuild | None:
    try:
        data = json.loads((cache_dir / RECORD_NAME).read_text(encoding="utf-8"))
        if data["version"] != RECORD_VERSION:
            return None
        return LastBuild(
            inputs=str(data["inputs"]),
            output=str(data["output"]),
            valid_from=_moment(data["valid_from"]),
            valid_until=_moment(data["valid_until"]),
            pages=int(data["pages"]),
            files=int(data["files"]),
            drafts=int(data["drafts"]),
            next_publish=_moment(data["next_publish"]),
            warnings=tuple(
                NewssiteError(str(message), path=path, line=line, field=field)
                for message, path, line, field in data["warnings"]
            ),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_last_build(cache_dir: Path, last: LastBuild) -> None:
    """Write the record (atomically); a build that cannot is only slower next time."""
    data = {
        "version": RECORD_VERSION,
        "inputs": last.inputs,
        "output": last.output,
        "valid_from": last.valid_from.isoformat() if last.valid_from else None,
        "valid_until": last.valid_until.isoformat() if last.valid_until else None,
        "pages": last.pages,
        "files": last.files,
        "drafts": last.drafts,
        "next_publish": last.next_publish.isoformat() if last.next_publish else None,
        "warnings": [[w.message, w.path, w.line, w.field] for w in last.warnings],
    }
    temporary = cache_dir / f"{RECORD_NAME}.{os.getpid()}"
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(data), encoding="utf-8")
        os.replace(temporary, cache_dir / RECORD_NAME)
    except OSError:
        temporary.unlink(missing_ok=True)


def clock_window(
    now: datetime, moments: Sequence[datetime]
) -> tuple[datetime | None, datetime | None]:
    """The last of the moments at or before now and the first after it: between them the
    clock alone does not change the site (moments: a story's date comes, it turns stale...)."""
    before = max((moment for moment in moments if moment <= now), default=None)
    after = min((moment for moment in moments if moment > now), default=None)
    return before, after


def _moment(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def library_versions() -> tuple[str, ...]:
    found = []
    for name in _LIBRARIES:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=none")
    return tuple(found)


def _stat_text(stat: os.stat_result) -> str:
    return f"{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_ctime_ns}\0{stat.st_ino}"
