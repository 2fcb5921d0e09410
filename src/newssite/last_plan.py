"""What the last build planned, kept in the cache folder for the next one: the records it
planned from, each output's digest, and the inputs it read.

The next build plans again from these records and the files changed since, and makes only
the files whose digest changed. It is stored as columns, since every update reads it; an
update appends what it changed (a line of JSON) instead of saving it whole, until those
lines grow past a share of the whole.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from newssite.cache import record_codec
from newssite.model import Alert, FrontPage, Series
from newssite.plan import AuthorRecord, PageRecord, Plan, Records, StoryRecord, UpdateRecord

INDEX_NAME = "last-plan.json"
INDEX_VERSION = 8
CHANGES_NAME = "last-plan-changes.jsonl"  # what updates changed since it was saved whole
STALE_NAME = "last-plan.stale"  # output/ is being changed: the plan is not to be trusted
# Past this share of the whole plan's size (or this many bytes, for a small site), the
# changes are folded into it.
CHANGES_SHARE = 0.25
CHANGES_BYTES = 256 * 1024
_SERIES = record_codec(Series)
_FRONT = record_codec(FrontPage)
_ALERT = record_codec(Alert)
# The stories' columns of text, in StoryRecord's order up to its date, then the rest.
_TEXT_COLUMNS = (
    "source",
    "document",
    "key",
    "teaser",
    "url",
    "section",
    "title",
    "type",
    "edition",
    "translations",
    "series",
)


@dataclass(frozen=True, slots=True)
class LastPlan:
    """The last build as the next one needs it; saved by every successful build."""

    basis: str  # newssite, libraries, templates, config and options: all must be the same
    inputs: Mapping[str, str]  # freshness.input_lines of the last build
    records: Records
    related: Mapping[str, tuple[str, ...]]  # story source -> related story sources
    digests: Mapping[str, str]  # output path -> digest
    pages: int
    saved_as: str | None = None  # the id of the whole plan it was loaded from

    @classmethod
    def of(cls, basis: str, inputs: Mapping[str, str], records: Records, plan: Plan) -> LastPlan:
        return cls(basis, inputs, records, plan.related, plan.digests, plan.pages)


def forget_last_plan(cache_dir: Path) -> None:
    """Mark it stale: output/ is about to change, and the next build must not trust it
    until save_last_plan has saved this build's."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        (cache_dir / STALE_NAME).touch()
    except OSError:  # then it cannot be trusted at all
        (cache_dir / INDEX_NAME).unlink(missing_ok=True)


def save_last_plan(cache_dir: Path, last: LastPlan, previous: LastPlan | None = None) -> None:
    """Save it; a build that cannot is only slower next time. With `previous` (the plan
    this build was loaded as), only what changed since is appended, while that is small."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        if previous is None or not _append_changes(cache_dir, previous, last):
            _save_whole(cache_dir, last)
        (cache_dir / STALE_NAME).unlink(missing_ok=True)
    except OSError:
        (cache_dir / INDEX_NAME).unlink(missing_ok=True)


def _save_whole(cache_dir: Path, last: LastPlan) -> None:
    stories = list(last.records.stories.values())
    position = {story.source: number for number, story in enumerate(stories)}
    columns = _story_columns(stories)
    columns["related"] = [
        None if s.source not in last.related else [position[r] for r in last.related[s.source]]
        for s in stories
    ]
    data = {
        "version": INDEX_VERSION,
        "id": os.urandom(8).hex(),
        "basis": last.basis,
        "inputs": last.inputs,
        "stories": columns,
        **_small_records(last.records),
        "digests": last.digests,
        "page_count": last.pages,
    }
    temporary = cache_dir / f"{INDEX_NAME}.{os.getpid()}"
    try:
        temporary.write_text(json.dumps(data, check_circular=False), encoding="utf-8")
        (cache_dir / CHANGES_NAME).unlink(missing_ok=True)
        os.replace(temporary, cache_dir / INDEX_NAME)
    finally:
        temporary.unlink(missing_ok=True)


def _append_changes(cache_dir: Path, previous: LastPlan, last: LastPlan) -> bool:
    """Append what changed from `previous` to `last` to the saved plan `previous` was
    loaded as; False when that cannot be done, or the changes have grown too large."""
    if previous.saved_as is None or previous.basis != last.basis:
        return False
    whole = (cache_dir / INDEX_NAME).stat().st_size
    changes = cache_dir / CHANGES_NAME
    grown = changes.stat().st_size if changes.exists() else 0
    before, after = previous.records.stories, last.records.stories
    stories = [s for source, s in after.items() if before.get(source) != s]
    small_before, small_after = _small_records(previous.records), _small_records(last.records)
    line = {
        "of": previous.saved_as,
        "stories": _story_columns(stories),
        "gone": [source for source in before if source not in after],
        "related": _changed(previous.related, last.related, list),
        "digests": _changed(previous.digests, last.digests, str),
        "inputs": _changed(previous.inputs, last.inputs, str),
        "small": {k: v for k, v in small_after.items() if small_before[k] != v},
        "page_count": last.pages,
    }
    text = json.dumps(line, check_circular=False) + "\n"
    if grown + len(text) > max(whole * CHANGES_SHARE, CHANGES_BYTES):
        return False
    descriptor = os.open(changes, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    return True


def _changed(
    before: Mapping[str, Any], after: Mapping[str, Any], stored: Callable[[Any], Any]
) -> dict[str, Any]:
    """The entries of `after` that are new or other than in `before` (as stored), and the
    keys it no longer has (None)."""
    found = {key: stored(value) for key, value in after.items() if before.get(key) != value}
    found.update((key, None) for key in before if key not in after)
    return found


def _story_columns(stories: list[StoryRecord]) -> dict[str, list[Any]]:
    return {
        "source": [s.source for s in stories],
        "document": [s.document for s in stories],
        "key": [s.key for s in stories],
        "teaser": [s.teaser for s in stories],
        "url": [s.url for s in stories],
        "date": [s.date.isoformat() for s in stories],
        "section": [s.section for s in stories],
        "authors": [s.authors for s in stories],
        "tags": [s.tags for s in stories],
        "flags": [s.draft | s.removed << 1 for s in stories],
        "aliases": [s.aliases for s in stories],
        "assets": [s.assets for s in stories],
        "modified": [None if s.modified == s.date else s.modified.isoformat() for s in stories],
        "title": [s.title for s in stories],
        "links": [s.links for s in stories],
        "photos": [s.photos for s in stories],
        "type": [s.story_type for s in stories],
        "live": [
            [s.live, s.live_end.isoformat() if s.live_end else None] if s.live else None
            for s in stories
        ],
        "edition": [s.edition for s in stories],
        "translations": [s.translations for s in stories],
        "series": [s.series for s in stories],
        "corrected": [[moment.isoformat() for moment in s.corrected] for s in stories],
    }


def _small_records(records: Records) -> dict[str, Any]:
    """The records besides the stories, as stored: few, and saved whole when they change."""
    return {
        "authors": [list(a) for a in records.authors],
        "pages": [list(p) for p in records.pages],
        "updates": [[*u[:4], u.date.isoformat(), *u[5:]] for u in records.updates.values()],
        "series": [_SERIES[0](series) for series in records.series],
        "fronts": [_FRONT[0](front) for front in records.fronts],
        "alert": None if records.alert is None else _ALERT[0](records.alert),
    }


def load_last_plan(cache_dir: Path) -> LastPlan | None:
    """The plan the last build left; None when it is missing, stale, foreign or damaged."""
    try:
        if (cache_dir / STALE_NAME).exists():
            return None
        data = json.loads((cache_dir / INDEX_NAME).read_text(encoding="utf-8"))
        if data["version"] != INDEX_VERSION:
            return None
        try:
            lines = (cache_dir / CHANGES_NAME).read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            lines = []
        columns = data["stories"]
        sources = columns["source"]
        stories = _stories_of(columns)
        if stories is None:
            return None
        related = {
            source: tuple([sources[number] for number in numbers])
            for source, numbers in zip(sources, columns["related"], strict=True)
            if numbers is not None
        }
        by_source = {story.source: story for story in stories}
        digests, inputs, small = data["digests"], data["inputs"], data
        page_count = data["page_count"]
        if not isinstance(digests, dict) or not isinstance(inputs, dict):
            return None
        for text in lines:
            change = json.loads(text)
            if change["of"] != data["id"]:  # left by a build killed as it saved it whole
                return None
            changed = _stories_of(change["stories"])
            if changed is None:
                return None
            for source in change["gone"]:
                del by_source[source]
            by_source.update((story.source, story) for story in changed)
            _apply(related, change["related"], tuple)
            _apply(digests, change["digests"], str)
            _apply(inputs, change["inputs"], str)
            small = {**small, **change["small"]}
            page_count = change["page_count"]
        return LastPlan(
            basis=str(data["basis"]),
            inputs=inputs,
            records=_records(by_source, small),
            related=related,
            digests=digests,
            pages=int(page_count),
            saved_as=str(data["id"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None


def _apply(entries: dict[str, Any], changes: Mapping[str, Any], kind: Callable[[Any], Any]) -> None:
    for key, value in changes.items():
        if value is None:
            entries.pop(key, None)
        else:
            entries[key] = kind(value)


def _stories_of(columns: Mapping[str, list[Any]]) -> list[StoryRecord] | None:
    """The stories stored as columns; None when a column of text holds anything else."""
    moment = datetime.fromisoformat
    texts = [columns[name] for name in _TEXT_COLUMNS]
    if not all(type(value) is str for column in texts for value in column):
        return None
    dates = list(map(moment, columns["date"]))
    flags = columns["flags"]
    lives = columns["live"]
    return list(
        map(
            StoryRecord._make,
            zip(
                *texts[:5],
                dates,
                columns["section"],
                map(tuple, columns["authors"]),
                map(tuple, columns["tags"]),
                [bool(flag & 1) for flag in flags],
                [bool(flag & 2) for flag in flags],
                map(tuple, columns["aliases"]),
                map(tuple, columns["assets"]),
                [
                    date if changed is None else moment(changed)
                    for date, changed in zip(dates, columns["modified"], strict=True)
                ],
                columns["title"],
                map(tuple, columns["links"]),
                map(tuple, columns["photos"]),
                columns["type"],
                [bool(live) for live in lives],
                [moment(live[1]) if live and live[1] else None for live in lives],
                columns["edition"],
                columns["translations"],
                columns["series"],
                [tuple(map(moment, corrected)) for corrected in columns["corrected"]],
                strict=True,
            ),
        )
    )


def _records(stories: dict[str, StoryRecord], data: Mapping[str, Any]) -> Records:
    authors = tuple(
        AuthorRecord(str(a), str(b), str(c), str(d), str(e), tuple(f), tuple(g))
        for a, b, c, d, e, f, g in data["authors"]
    )
    pages = tuple(
        PageRecord(
            str(a),
            str(b),
            str(c),
            str(d),
            str(e),
            tuple(f),
            tuple(g),
            tuple(h),
            tuple(i),
            str(j),
            str(k),
            str(m),
        )
        for a, b, c, d, e, f, g, h, i, j, k, m in data["pages"]
    )
    moment = datetime.fromisoformat
    updates = {
        str(a): UpdateRecord(
            str(a), str(b), str(c), str(d), moment(e), bool(f), str(g), tuple(h), tuple(i)
        )
        for a, b, c, d, e, f, g, h, i in data["updates"]
    }
    return Records(
        stories,
        authors,
        pages,
        updates=updates,
        series=tuple(_SERIES[1](series) for series in data["series"]),  # type: ignore[misc]
        fronts=tuple(_FRONT[1](front) for front in data["fronts"]),  # type: ignore[misc]
        alert=None if data["alert"] is None else _ALERT[1](data["alert"]),
    )
