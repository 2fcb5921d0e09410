"""What the last build planned, kept in the cache folder for the next one: the records it
planned from, each output's digest, and the inputs it read.

The next build plans again from these records and the files changed since, and makes only
the files whose digest changed. It is stored as columns, since every update reads it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from newssite.cache import record_codec
from newssite.model import Alert, FrontPage, Series
from newssite.plan import AuthorRecord, PageRecord, Plan, Records, StoryRecord, UpdateRecord

INDEX_NAME = "last-plan.json"
INDEX_VERSION = 7
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

    @classmethod
    def of(cls, basis: str, inputs: Mapping[str, str], records: Records, plan: Plan) -> LastPlan:
        return cls(basis, inputs, records, plan.related, plan.digests, plan.pages)


def forget_last_plan(cache_dir: Path) -> None:
    """Remove it: output/ is about to change, and the next build must not trust it."""
    (cache_dir / INDEX_NAME).unlink(missing_ok=True)


def save_last_plan(cache_dir: Path, last: LastPlan) -> None:
    """Write it atomically; a build that cannot is only slower next time."""
    stories = list(last.records.stories.values())
    position = {story.source: number for number, story in enumerate(stories)}
    data = {
        "version": INDEX_VERSION,
        "basis": last.basis,
        "inputs": last.inputs,
        "stories": {
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
            "related": [
                None
                if s.source not in last.related
                else [position[r] for r in last.related[s.source]]
                for s in stories
            ],
        },
        "authors": [list(a) for a in last.records.authors],
        "pages": [list(p) for p in last.records.pages],
        "updates": [[*u[:4], u.date.isoformat(), *u[5:]] for u in last.records.updates.values()],
        "series": [_SERIES[0](series) for series in last.records.series],
        "fronts": [_FRONT[0](front) for front in last.records.fronts],
        "alert": None if last.records.alert is None else _ALERT[0](last.records.alert),
        "digests": last.digests,
        "page_count": last.pages,
    }
    temporary = cache_dir / f"{INDEX_NAME}.{os.getpid()}"
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(data, check_circular=False), encoding="utf-8")
        os.replace(temporary, cache_dir / INDEX_NAME)
    except OSError:
        temporary.unlink(missing_ok=True)


def load_last_plan(cache_dir: Path) -> LastPlan | None:
    """The plan the last build left; None when it is missing, foreign or damaged."""
    try:
        data = json.loads((cache_dir / INDEX_NAME).read_text(encoding="utf-8"))
        if data["version"] != INDEX_VERSION:
            return None
        columns = data["stories"]
        sources = columns["source"]
        moment = datetime.fromisoformat
        texts = [columns[name] for name in _TEXT_COLUMNS]
        if not all(type(value) is str for column in texts for value in column):
            return None
        dates = list(map(moment, columns["date"]))
        flags = columns["flags"]
        lives = columns["live"]
        records = list(
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
        related = {
            source: tuple([sources[number] for number in numbers])
            for source, numbers in zip(sources, columns["related"], strict=True)
            if numbers is not None
        }
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
        updates = {
            str(a): UpdateRecord(
                str(a), str(b), str(c), str(d), moment(e), bool(f), str(g), tuple(h), tuple(i)
            )
            for a, b, c, d, e, f, g, h, i in data["updates"]
        }
        digests = data["digests"]
        if not isinstance(digests, dict) or not isinstance(data["inputs"], dict):
            return None
        return LastPlan(
            basis=str(data["basis"]),
            inputs=data["inputs"],
            records=Records(
                {r.source: r for r in records},
                authors,
                pages,
                updates=updates,
                series=tuple(_SERIES[1](series) for series in data["series"]),  # type: ignore[misc]
                fronts=tuple(_FRONT[1](front) for front in data["fronts"]),  # type: ignore[misc]
                alert=None if data["alert"] is None else _ALERT[1](data["alert"]),
            ),
            related=related,
            digests=digests,
            pages=int(data["page_count"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None
