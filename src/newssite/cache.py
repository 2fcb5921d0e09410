"""The build cache: parsed documents and page fingerprints from earlier builds.

Entries are keyed by content hashes of exactly what produced them, so a stale entry is
never found, only missed. The disk cache is one SQLite file in `.newssite-cache/`; it is
JSON inside (never pickle), safe to delete, and a corrupt or foreign file is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import fields, is_dataclass
from datetime import datetime
from pathlib import Path

from newssite import __version__
from newssite.errors import NewssiteError
from newssite.model import (
    Article,
    Author,
    Correction,
    FrozenDict,
    Photo,
    Removal,
    StandalonePage,
)

CACHE_FORMAT = 2  # 2: inline figures in bodies, photo sizes, image lines
CACHE_FILE = "build.sqlite"
Document = Article | Author | StandalonePage
_KINDS: dict[str, type] = {"articles": Article, "authors": Author, "pages": StandalonePage}


def cache_salt(*parts: object) -> str:
    """A hash of everything besides the file itself that a cached result depends on."""
    text = json.dumps([__version__, CACHE_FORMAT, *[repr(part) for part in parts]])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def parse_key(kind: str, path: str, digest: str, salt: str) -> str:
    return f"{kind}:{path}:{digest}:{salt}"


class BuildCache:
    """Results reused across builds: always in memory, and on disk when given a folder."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory
        self.parsed: dict[str, tuple[Document, tuple[NewssiteError, ...]]] = {}
        self.rendered: dict[str, tuple[str, bytes | None]] = {}  # path -> (fingerprint, bytes)
        self.environments: dict[str, object] = {}  # render salt -> compiled template environment
        # The photo stage's result for each document of the last build (images.py decides
        # when one still holds); in memory only, for the preview.
        self.photo_results: dict[str, object] = {}
        self._db: sqlite3.Connection | None = None
        self._pending_parsed: dict[str, str] = {}
        self._loaded_pages = False
        # The search index of the last build, part URL -> (fingerprint, files); file bytes
        # are kept in memory only, for the preview. None until asked for.
        self._search: dict[str, tuple[str, dict[str, bytes | None]]] | None = None

    def _connect(self) -> sqlite3.Connection | None:
        if self.directory is None:
            return None
        if self._db is None:
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.directory / CACHE_FILE, isolation_level=None)
                db.execute("CREATE TABLE IF NOT EXISTS parsed (key TEXT PRIMARY KEY, value TEXT)")
                db.execute(
                    "CREATE TABLE IF NOT EXISTS pages (path TEXT PRIMARY KEY, fingerprint TEXT)"
                )
                db.execute(
                    "CREATE TABLE IF NOT EXISTS search_index"
                    " (part TEXT PRIMARY KEY, fingerprint TEXT, files TEXT)"
                )
                self._db = db
            except sqlite3.Error:
                self._reset_file()
                return None
        return self._db

    def _reset_file(self) -> None:
        self._db = None
        if self.directory is not None:
            with contextlib.suppress(OSError):
                (self.directory / CACHE_FILE).unlink()
        self.directory = None

    def get_parsed(self, key: str) -> tuple[Document, tuple[NewssiteError, ...]] | None:
        if key in self.parsed:
            return self.parsed[key]
        db = self._connect()
        if db is None:
            return None
        try:
            row = db.execute("SELECT value FROM parsed WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            self._reset_file()
            return None
        if row is None:
            return None
        try:
            found = decode_entry(key.split(":", 1)[0], json.loads(row[0]))
        except (ValueError, KeyError, TypeError):
            return None
        self.parsed[key] = found
        return found

    def get_parsed_many(
        self, keys: Iterable[str]
    ) -> dict[str, tuple[Document, tuple[NewssiteError, ...]]]:
        """Cached results for these keys, read from disk in one query."""
        wanted = [key for key in keys]
        found = {key: self.parsed[key] for key in wanted if key in self.parsed}
        missing = {key for key in wanted if key not in found}
        db = self._connect() if missing else None
        if db is None:
            return found
        try:
            rows = db.execute("SELECT key, value FROM parsed").fetchall()
        except sqlite3.Error:
            self._reset_file()
            return found
        for key, value in rows:
            if key in missing:
                try:
                    found[key] = self.parsed[key] = decode_entry(
                        key.split(":", 1)[0], json.loads(value)
                    )
                except (ValueError, KeyError, TypeError):
                    continue
        return found

    def put_parsed(self, key: str, document: Document, warnings: tuple[NewssiteError, ...]) -> None:
        self.parsed[key] = (document, warnings)
        if self.directory is not None:
            self._pending_parsed[key] = json.dumps(encode_entry(document, warnings))

    def forget_parsed_except(self, keys: Iterable[str]) -> None:
        """Drop in-memory entries of files that no longer exist (a long preview session)."""
        keep = set(keys)
        for key in [k for k in self.parsed if k not in keep]:
            del self.parsed[key]

    def page_fingerprints(self) -> Mapping[str, str]:
        """Fingerprints of the pages written by the last successful build."""
        if not self._loaded_pages:
            self._loaded_pages = True
            db = self._connect()
            if db is not None:
                try:
                    for path, fingerprint in db.execute("SELECT path, fingerprint FROM pages"):
                        self.rendered.setdefault(path, (fingerprint, None))
                except sqlite3.Error:
                    self._reset_file()
        return {path: fingerprint for path, (fingerprint, _) in self.rendered.items()}

    def remember_pages(self, rendered: Mapping[str, tuple[str, bytes | None]]) -> None:
        self.rendered = dict(rendered)
        self._loaded_pages = True

    def search_index(self) -> Mapping[str, tuple[str, dict[str, bytes | None]]]:
        """Each part of the search index the last successful build wrote: its fingerprint
        and files."""
        if self._search is None:
            self._search = {}
            db = self._connect()
            rows = []
            if db is not None:
                try:
                    rows = db.execute(
                        "SELECT part, fingerprint, files FROM search_index"
                    ).fetchall()
                except sqlite3.Error:
                    self._reset_file()
            for part, fingerprint, text in rows:
                try:
                    files = json.loads(text)
                except (TypeError, ValueError):
                    continue
                if isinstance(files, list) and all(isinstance(path, str) for path in files):
                    self._search[str(part)] = (str(fingerprint), dict.fromkeys(files))
        return self._search

    def remember_search_index(
        self, parts: Mapping[str, tuple[str, Mapping[str, bytes | None]]]
    ) -> None:
        self._search = {url: (fp, dict(files)) for url, (fp, files) in parts.items()}

    def save(self, *, live_keys: Iterable[str]) -> None:
        """Write what this build learnt to disk, and drop entries of files that are gone."""
        db = self._connect()
        if db is None:
            return
        try:
            db.execute("BEGIN")
            db.executemany(
                "INSERT OR REPLACE INTO parsed (key, value) VALUES (?, ?)",
                self._pending_parsed.items(),
            )
            db.execute("CREATE TEMP TABLE IF NOT EXISTS live (key TEXT PRIMARY KEY)")
            db.execute("DELETE FROM live")
            db.executemany("INSERT OR IGNORE INTO live (key) VALUES (?)", ((k,) for k in live_keys))
            db.execute("DELETE FROM parsed WHERE key NOT IN (SELECT key FROM live)")
            db.execute("DELETE FROM pages")
            db.executemany(
                "INSERT INTO pages (path, fingerprint) VALUES (?, ?)",
                ((path, fp) for path, (fp, _) in self.rendered.items()),
            )
            db.execute("DELETE FROM search_index")
            db.executemany(
                "INSERT INTO search_index (part, fingerprint, files) VALUES (?, ?, ?)",
                (
                    (part, fingerprint, json.dumps(sorted(files)))
                    for part, (fingerprint, files) in (self._search or {}).items()
                ),
            )
            db.execute("COMMIT")
            self._pending_parsed.clear()
        except sqlite3.Error:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            self._reset_file()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def encode_entry(document: Document, warnings: tuple[NewssiteError, ...]) -> dict[str, object]:
    return {
        "document": _encode(document),
        "warnings": [[w.message, w.path, w.line, w.field] for w in warnings],
    }


def decode_entry(
    kind: str, data: Mapping[str, object]
) -> tuple[Document, tuple[NewssiteError, ...]]:
    document = _decode_dataclass(_KINDS[kind], data["document"])  # type: ignore[arg-type]
    warnings = tuple(
        NewssiteError(message, path=path, line=line, field=field)
        for message, path, line, field in data["warnings"]  # type: ignore[attr-defined]
    )
    return document, warnings  # type: ignore[return-value]


def _encode(value: object) -> object:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, tuple | list):
        return [_encode(item) for item in value]
    if isinstance(value, Mapping):
        return {"$map": {str(k): _encode(v) for k, v in value.items()}}
    return value


def _decode_value(value: object) -> object:
    if isinstance(value, dict):
        if "$datetime" in value:
            return datetime.fromisoformat(value["$datetime"])
        if "$map" in value:
            return FrozenDict({k: _decode_plain(v) for k, v in value["$map"].items()})
    if isinstance(value, list):
        return tuple(_decode_value(item) for item in value)
    return value


def _decode_plain(value: object) -> object:
    """Front-matter values kept for themes: lists and dicts as YAML gave them."""
    if isinstance(value, dict) and "$map" in value:
        return {k: _decode_plain(v) for k, v in value["$map"].items()}
    if isinstance(value, list):
        return [_decode_plain(item) for item in value]
    return value


_NESTED: dict[str, type] = {"photo": Photo, "avatar": Photo, "removed": Removal}
_NESTED_LISTS: dict[str, type] = {"corrections": Correction}


def _decode_dataclass(kind: type, data: Mapping[str, object]) -> object:
    values = {}
    for f in fields(kind):
        raw = data[f.name]
        if f.name in _NESTED and isinstance(raw, dict):
            values[f.name] = _decode_dataclass(_NESTED[f.name], raw)
        elif f.name in _NESTED_LISTS and isinstance(raw, list):
            values[f.name] = tuple(_decode_dataclass(_NESTED_LISTS[f.name], item) for item in raw)
        elif f.name == "links" and kind is Author:
            values[f.name] = tuple(tuple(pair) for pair in raw)  # type: ignore[attr-defined]
        else:
            values[f.name] = _decode_value(raw)
    return kind(**values)
