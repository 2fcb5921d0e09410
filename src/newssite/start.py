"""The start of every build: the site's config, the output lock, output/ listed by a forked
process, and whether anything changed since the last build (freshness.py).

This module imports no stage of the pipeline. The CLI starts a build with it before it
loads the stages, so the listing runs on the other core while they load, and a build with
nothing to do ends without loading them at all.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from newssite.config import SiteConfig, load_config, with_output
from newssite.errors import NewssiteError
from newssite.freshness import (
    LastBuild,
    input_lines,
    input_stamp,
    load_last_build,
    unchanged_since_last_build,
)
from newssite.model import STAGES, BuildOptions, BuildReport
from newssite.output_state import OutputListing, listed_elsewhere
from newssite.write import output_lock


@dataclass(frozen=True, slots=True)
class BuildStart:
    """What a build knows once it holds the output lock, before it reads any source."""

    config: SiteConfig
    now: datetime
    lines: dict[str, str]  # freshness.input_lines
    inputs: str  # freshness.input_stamp
    last: LastBuild | None  # the last build's record
    unchanged: LastBuild | None  # the record, when nothing changed since: nothing to do
    listing: Callable[[], OutputListing]  # output/ as the forked process listed it
    end_listing: Callable[[], None]  # ends that process, done or not
    seconds: float  # spent starting


@contextlib.contextmanager
def build_started(site_dir: Path, options: BuildOptions) -> Iterator[BuildStart]:
    """Hold the output lock and start listing output/ elsewhere, for the whole block."""
    started = time.perf_counter()
    if callable(options.progress):
        options.progress("config", 0, len(STAGES))
    config = site_config(site_dir, options)
    now = options.now or now_from_clock()
    with output_lock(config.output), contextlib.ExitStack() as listing:
        listing_of = listing.enter_context(listed_elsewhere(config.output))
        lines = input_lines(config)
        inputs = input_stamp(config, options, lines)
        last = load_last_build(config.cache_dir)
        unchanged = unchanged_since_last_build(
            config, inputs, now, last, lambda: listing_of().stamp
        )
        seconds = time.perf_counter() - started
        yield BuildStart(
            config, now, lines, inputs, last, unchanged, listing_of, listing.close, seconds
        )


def unchanged_report(start: BuildStart) -> BuildReport:
    """The report of a build that found nothing to do: the last build's, nothing written."""
    last = start.unchanged
    assert last is not None
    return BuildReport(
        pages=last.pages,
        files=last.files,
        written=0,
        unchanged=last.files,
        removed=0,
        warnings=last.warnings,
        next_publish=last.next_publish,
        output_dir=start.config.output,
        stage_seconds=(("config", start.seconds),),
        drafts=last.drafts,
    )


def site_config(site_dir: Path, options: BuildOptions) -> SiteConfig:
    """The site's config, with the output folder the options name."""
    # The resolved folder: a site built as "." and as /abs/path is one site to the cache.
    config = load_config(site_dir.resolve(), base_url=options.base_url)
    output = Path(options.output_dir).absolute() if options.output_dir else None
    return with_output(config, output)


def now_from_clock(environ: dict[str, str] | None = None) -> datetime:
    """The build's "now": SOURCE_DATE_EPOCH when set (reproducible builds), else the clock."""
    environ = dict(os.environ) if environ is None else environ
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), UTC)
        except (ValueError, OverflowError, OSError):
            raise NewssiteError(f"SOURCE_DATE_EPOCH must be whole seconds, not {epoch!r}") from None
    return datetime.now(UTC)
