"""The build cache: the parsed documents of earlier builds, and the search index's layout.

The cache folder holds one store per kind of thing, each in its own module: parsed
documents and the search layout here, made photo files in photo_store.py, the last plan
and its records in last_plan.py, the files output/ holds in output_state.py, and the
record of the last build (for the no-change check) in freshness.py.

Entries are keyed by content hashes of exactly what produced them, so a stale entry is
never found, only missed. The disk cache is one SQLite file in `.newssite-cache/`; it is
JSON inside (never pickle), safe to delete, and a corrupt or foreign file is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from datetime import datetime
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

from newssite import __version__
from newssite.errors import NewssiteError
from newssite.model import (
    Article,
    Author,
    Correction,
    FrozenDict,
    LiveUpdate,
    Photo,
    Removal,
    Rendition,
    Sponsor,
    StandalonePage,
)

# 2: inline figures in bodies, photo sizes, image lines; 3: records as lists, bodies apart
CACHE_FORMAT = 3
CACHE_FILE = "build.sqlite"
FEW_KEYS = 200  # fewer documents than this are looked up by key, not by reading them all
TEMPLATES_FILE = "template-references.json"
SPARE_ROWS = 0.1  # documents of files gone or changed are dropped once they are this share
Document = Article | Author | StandalonePage | LiveUpdate


def cache_salt(*parts: object) -> str:
    """A hash of everything besides the file itself that a cached result depends on."""
    text = json.dumps([__version__, CACHE_FORMAT, _MODEL_LAYOUT, *[repr(part) for part in parts]])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def parse_key(kind: str, path: str, digest: str, salt: str) -> str:
    return f"{kind}:{path}:{digest}:{salt}"


class BuildCache:
    """Results reused across builds: always in memory, and on disk when given a folder."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory
        self.parsed: dict[str, tuple[Document, tuple[NewssiteError, ...]]] = {}
        # The photo stage's result for each document of the last build (images.py decides
        # when one still holds); in memory only, for the preview.
        self.photo_results: dict[str, object] = {}
        self._db: sqlite3.Connection | None = None
        self._pending_parsed: dict[str, tuple[str, bytes]] = {}
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
                db.execute("DROP TABLE IF EXISTS parsed")  # format 2's documents
                db.execute("DROP TABLE IF EXISTS pages")  # page fingerprints: the plan has them
                db.execute(
                    "CREATE TABLE IF NOT EXISTS documents"
                    " (key TEXT PRIMARY KEY, value TEXT, body BLOB)"
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

    def get_parsed_many(
        self, keys: Iterable[str]
    ) -> dict[str, tuple[Document, tuple[NewssiteError, ...]]]:
        """Cached results for these keys, read from disk in one query; a damaged entry is
        left out."""
        found: dict[str, tuple[Document, tuple[NewssiteError, ...]]] = {}
        missing: set[str] = set()
        for key in keys:
            hit = self.parsed.get(key)
            if hit is None:
                missing.add(key)
            else:
                found[key] = hit
        if 0 < len(missing) <= FEW_KEYS:  # an update: no need to read the whole table
            return found | self.get_parsed_some(missing)
        db = self._connect() if missing else None
        if db is None:
            return found
        try:
            rows = db.execute("SELECT key, value, body FROM documents").fetchall()
        except sqlite3.Error:
            self._reset_file()
            return found
        for key, value, body in rows:
            if key in missing:
                try:
                    entry = decode_entry(key.partition(":")[0], value, body)
                except _UNREADABLE:
                    continue
                found[key] = self.parsed[key] = entry
        return found

    def get_parsed_some(
        self, keys: Iterable[str]
    ) -> dict[str, tuple[Document, tuple[NewssiteError, ...]]]:
        """Cached results for a few keys (get_parsed_many reads the whole table)."""
        found: dict[str, tuple[Document, tuple[NewssiteError, ...]]] = {}
        missing = []
        for key in keys:
            hit = self.parsed.get(key)
            if hit is None:
                missing.append(key)
            else:
                found[key] = hit
        db = self._connect() if missing else None
        if db is None:
            return found
        try:
            rows = []
            for start in range(0, len(missing), 500):
                chunk = missing[start : start + 500]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT key, value, body FROM documents WHERE key IN ({marks})"
                rows += db.execute(query, chunk).fetchall()
        except sqlite3.Error:
            self._reset_file()
            return found
        for key, value, body in rows:
            try:
                entry = decode_entry(key.partition(":")[0], value, body)
            except _UNREADABLE:
                continue
            found[key] = self.parsed[key] = entry
        return found

    def put_parsed(self, key: str, document: Document, warnings: tuple[NewssiteError, ...]) -> None:
        self.parsed[key] = (document, warnings)
        if self.directory is not None:
            self._pending_parsed[key] = encode_entry(key.partition(":")[0], document, warnings)

    def forget_parsed_except(self, keys: Iterable[str]) -> None:
        """Drop in-memory entries of files that no longer exist (a long preview session)."""
        keep = set(keys)
        for key in [k for k in self.parsed if k not in keep]:
            del self.parsed[key]

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

    def template_references(self) -> dict[str, tuple[str | None, ...]]:
        """What each template source refers to (templates.template_digests), by a digest of
        the source, as the last build found it; {} when there is no record."""
        if self.directory is None:
            return {}
        try:
            data = json.loads((self.directory / TEMPLATES_FILE).read_text(encoding="utf-8"))
            return {
                str(key): tuple(None if name is None else str(name) for name in names)
                for key, names in data.items()
            }
        except (OSError, ValueError, AttributeError, TypeError):
            return {}

    def remember_template_references(self, references: Mapping[str, Sequence[str | None]]) -> None:
        if self.directory is None:
            return
        temporary = self.directory / f"{TEMPLATES_FILE}.tmp"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(dict(sorted(references.items()))), encoding="utf-8")
            temporary.replace(self.directory / TEMPLATES_FILE)
        except OSError:
            temporary.unlink(missing_ok=True)

    def save_parsed(self) -> None:
        """Write the documents parsed so far, and nothing else: after a failed build, so the
        next one parses only what changed (entries are keyed by content, never stale)."""
        db = self._connect()
        if db is None or not self._pending_parsed:
            return
        try:
            self._insert_pending(db)
            self._pending_parsed.clear()
        except sqlite3.Error:
            # Not under the output lock: another build may be writing the file. These
            # entries are only a saving, so they are dropped, never the file.
            return

    def save(self, *, live_keys: Iterable[str]) -> None:
        """Write what this build learnt to disk; drop the entries of files that are gone or
        changed once they are more than a tenth of the table (an update then need not list
        every document of the archive)."""

        def write(db: sqlite3.Connection) -> None:
            self._replace_search_index(db)
            keys = set(live_keys)
            [[rows]] = db.execute("SELECT count(*) FROM documents").fetchall()
            if rows <= len(keys) * (1 + SPARE_ROWS) + FEW_KEYS:
                return  # few old entries: an update need not list the whole archive
            db.execute("CREATE TEMP TABLE IF NOT EXISTS live (key TEXT PRIMARY KEY)")
            db.execute("DELETE FROM live")
            db.executemany("INSERT OR IGNORE INTO live (key) VALUES (?)", ((k,) for k in keys))
            db.execute("DELETE FROM documents WHERE key NOT IN (SELECT key FROM live)")

        self._write(write)

    def _write(self, write: Callable[[sqlite3.Connection], None]) -> None:
        """`write` and the documents parsed since the last save, in one transaction; on a
        database error the cache file is dropped (it is only a saving)."""
        db = self._connect()
        if db is None:
            return
        try:
            db.execute("BEGIN")
            self._insert_pending(db)
            write(db)
            db.execute("COMMIT")
            self._pending_parsed.clear()
        except sqlite3.Error:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            self._reset_file()

    def _insert_pending(self, db: sqlite3.Connection) -> None:
        db.executemany(
            "INSERT OR REPLACE INTO documents (key, value, body) VALUES (?, ?, ?)",
            ((key, value, body) for key, (value, body) in self._pending_parsed.items()),
        )

    def _replace_search_index(self, db: sqlite3.Connection) -> None:
        db.execute("DELETE FROM search_index")
        db.executemany(
            "INSERT INTO search_index (part, fingerprint, files) VALUES (?, ?, ?)",
            (
                (part, fingerprint, json.dumps(sorted(files)))
                for part, (fingerprint, files) in (self._search or {}).items()
            ),
        )

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


# --- How a parsed document is stored -------------------------------------------------------
#
# A document is a JSON list of its fields in declaration order, each converted as its
# declared type says (a datetime as ISO text, a nested record as a list, a tuple as a
# list), so reading one back needs no tags and no guessing. The body is kept out of the
# JSON, in a column of its own: escaping kilobytes of HTML as JSON doubled the time to read
# the cache. The converters are made once, from the model's type hints, when this module
# is imported; a field of a type they do not know fails that import, not a build. The
# fields and types are part of every key's salt, so a changed model never reads old lists.

Convert = Callable[[Any], Any]


def _or_none(convert: Convert | None) -> Convert | None:
    if convert is None:
        return None
    return lambda value: None if value is None else convert(value)


def _each(convert: Convert | None, collect: Convert) -> Convert:
    if convert is None:
        return collect
    return lambda items: collect(map(convert, items))


def _fixed_tuple(converts: Sequence[Convert | None], collect: Convert) -> Convert:
    steps = [convert or _same for convert in converts]

    def convert_items(items: Sequence[Any]) -> Any:
        if len(items) != len(steps):
            raise ValueError(f"expected {len(steps)} items, got {len(items)}")
        return collect(step(item) for step, item in zip(steps, items, strict=True))

    return convert_items


def _same(value: Any) -> Any:
    return value


def _from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _to_iso(moment: datetime) -> str:
    return moment.isoformat()


def _codec(annotation: object) -> tuple[Convert | None, Convert | None]:
    """(to JSON, from JSON) for a value of this declared type; None where JSON holds it as it is."""
    if annotation in (str, int, bool, float):
        return None, None
    if annotation is datetime:
        return _to_iso, _from_iso
    if isinstance(annotation, type) and is_dataclass(annotation):
        return _record_codec(annotation)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, UnionType) and len(args) == 2 and type(None) in args:
        encode, decode = _codec(next(arg for arg in args if arg is not type(None)))
        return _or_none(encode), _or_none(decode)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        encode, decode = _codec(args[0])
        return _each(encode, list), _each(decode, tuple)
    if origin is tuple and args:
        encodes, decodes = zip(*(_codec(arg) for arg in args), strict=True)
        return _fixed_tuple(encodes, list), _fixed_tuple(decodes, tuple)
    if origin is Mapping and args[0] is str and args[1] in (object, int, str):
        # Front-matter values for themes and line numbers: plain JSON values already.
        return dict, FrozenDict
    raise TypeError(f"the build cache cannot store a value of type {annotation!r}")


def _record_codec(kind: type) -> tuple[Convert, Convert]:
    hints = get_type_hints(kind)
    names = [f.name for f in fields(kind)]
    codecs = [_codec(hints[name]) for name in names]
    encodes = [(name, encode or _same) for name, (encode, _) in zip(names, codecs, strict=True)]
    conversions = [(index, decode) for index, (_, decode) in enumerate(codecs) if decode]
    count = len(names)

    def encode(record: object) -> list[object]:
        return [encode_field(getattr(record, name)) for name, encode_field in encodes]

    def decode(values: list[Any]) -> object:
        if type(values) is not list or len(values) != count:
            raise ValueError(f"not a stored {kind.__name__}")
        for index, decode_field in conversions:
            values[index] = decode_field(values[index])
        return kind(*values)

    return encode, decode


def record_codec(kind: type) -> tuple[Convert, Convert]:
    """(to JSON, from JSON) for a frozen dataclass of the model, as the cache stores them."""
    return _record_codec(kind)


@dataclass(frozen=True, slots=True)
class _StoredKind:
    """How the documents of one content folder are stored: their codec, and which field
    holds the body."""

    encode: Convert
    decode: Convert
    body_index: int


def _stored_kind(kind: type, body_field: str) -> _StoredKind:
    encode, decode = _record_codec(kind)
    return _StoredKind(encode, decode, [f.name for f in fields(kind)].index(body_field))


_STORED: Mapping[str, _StoredKind] = {
    "articles": _stored_kind(Article, "body_html"),
    "authors": _stored_kind(Author, "bio_html"),
    "pages": _stored_kind(StandalonePage, "body_html"),
    "updates": _stored_kind(LiveUpdate, "body_html"),
}
# Unreadable entries are missed, never trusted: whatever a damaged value raises.
_UNREADABLE = (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError)


def _model_layout() -> str:
    """The fields and types of every stored record: a change to the model changes the salt."""
    kinds = [Article, Author, StandalonePage, Photo, Rendition, Correction, Removal]
    kinds += [LiveUpdate, Sponsor]
    return repr([(kind.__name__, list(get_type_hints(kind).items())) for kind in kinds])


_MODEL_LAYOUT = _model_layout()


def encode_entry(
    kind: str, document: Document, warnings: tuple[NewssiteError, ...]
) -> tuple[str, bytes]:
    """A document and its warnings as stored: (JSON without the body, the body's UTF-8)."""
    stored = _STORED[kind]
    values = stored.encode(document)
    body = values[stored.body_index]
    values[stored.body_index] = None
    notes = [[w.message, w.path, w.line, w.field] for w in warnings]
    # surrogatepass: a lone surrogate (from an escape in the source) is kept, not an error.
    return json.dumps([values, notes]), body.encode("utf-8", "surrogatepass")


def decode_entry(kind: str, text: str, body: bytes) -> tuple[Document, tuple[NewssiteError, ...]]:
    """The document and warnings of a stored entry; raises one of _UNREADABLE if damaged."""
    stored = _STORED[kind]
    values, notes = json.loads(text)
    values[stored.body_index] = body.decode("utf-8", "surrogatepass")
    document = stored.decode(values)
    warnings = tuple(
        NewssiteError(message, path=path, line=line, field=field)
        for message, path, line, field in notes
    )
    return document, warnings
