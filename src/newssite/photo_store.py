"""The photo store: the files made of photos (widths, crops, cleaned copies) kept in the
cache folder between builds, by content, with an index of what each photo gave."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path, PurePosixPath

from newssite.photo_metadata import PhotoInfo, sniff, strip_metadata
from newssite.spool import Copy

INDEX_NAME = "index.json"
INDEX_VERSION = 1
CLEAN_RECIPE = "clean-1"


# --- The cache ----------------------------------------------------------------------------


class PhotoStore:
    """The photo cache in `.newssite-cache/images/`: made files, named by photo key, and an
    index of file hashes (by size and mtime) and of what each photo is. Safe to delete.

    `processed` and `reused` count the photos of this build that Pillow opened and that
    came from the cache. A store that is not writable (for `check`) writes nothing.
    """

    def __init__(self, cache_dir: Path, *, writable: bool = True) -> None:
        self.directory = cache_dir / "images"
        self.writable = writable
        self.processed = 0
        self.reused = 0
        self._files: dict[str, list[object]] = {}  # path -> [size, mtime_ns, inode, sha256, kind]
        self._photos: dict[str, dict[str, object]] = {}  # key -> PhotoInfo fields
        self._clean: dict[str, str] = {}  # sha256 -> "" (nothing to remove) or file name
        self._live_files: set[str] = set()
        self._live_keys: set[str] = set()
        self._live_names: set[str] = set()
        self._names: set[str] | None = None
        self._changed = False
        self._load()

    def _load(self) -> None:
        try:
            data = json.loads((self.directory / INDEX_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if not isinstance(data, dict) or data.get("version") != INDEX_VERSION:
            return
        for name, target in (
            ("files", self._files),
            ("photos", self._photos),
            ("clean", self._clean),
        ):
            value = data.get(name)
            if isinstance(value, dict):
                target.update(value)

    def fingerprint(self, path: Path) -> tuple[str, str]:
        """(sha256, kind) of a file, hashed again only when its size or mtime changed."""
        absolute = os.path.abspath(path)
        stat = os.stat(absolute)
        stamp = [stat.st_size, stat.st_mtime_ns, stat.st_ino]
        self._live_files.add(absolute)
        known = self._files.get(absolute)
        if isinstance(known, list) and len(known) == 5 and known[:3] == stamp:
            return str(known[3]), str(known[4])
        data = Path(absolute).read_bytes()
        digest, kind = hashlib.sha256(data).hexdigest(), sniff(data[:16])
        self._files[absolute] = [*stamp, digest, kind]
        self._changed = True
        return digest, kind

    def info(self, key: str) -> PhotoInfo | None:
        found = self._photos.get(key)
        try:
            return PhotoInfo(**found) if isinstance(found, dict) else None
        except TypeError:
            return None

    def remember(self, key: str, info: PhotoInfo) -> None:
        self._photos[key] = asdict(info)
        self._changed = True

    def has(self, names: Iterable[str]) -> bool:
        if self._names is None:
            try:
                self._names = set(os.listdir(self.directory))
            except OSError:
                self._names = set()
        return all(name in self._names for name in names)

    def use(self, key: str, names: Iterable[str]) -> None:
        """Mark a photo's files as used by this build (the rest is pruned at the end)."""
        self._live_keys.add(key)
        self._live_names.update(names)

    def is_live(self, name: str) -> bool:
        return name in self._live_names

    def put(self, name: str, data: bytes) -> None:
        """Write a made file atomically: a killed build never leaves half a file to reuse."""
        put_file(self.directory, name, data)
        if self._names is not None:
            self._names.add(name)

    def clean_copy(self, copy: Copy) -> Copy:
        """A copied file as it may be published: a picture without its metadata."""
        digest, kind = self.fingerprint(copy.source)
        if kind not in ("jpeg", "png", "webp", "gif", "tiff", "heif", "avif"):
            return copy
        name = self._clean.get(digest)
        if name is None or (name and not self.has([name])):
            data = copy.source.read_bytes()
            cleaned = strip_metadata(data)
            name = ""
            if cleaned != data:
                key = hashlib.sha256(f"{CLEAN_RECIPE}\0{digest}".encode()).hexdigest()[:20]
                name = f"clean-{key}{PurePosixPath(copy.path).suffix.lower()}"
                if self.writable:
                    self.put(name, cleaned)
            self._clean[digest] = name
            self._changed = True
        if not name:
            return copy
        self._live_names.add(name)
        return Copy(copy.path, self.directory / name)

    def save(self, *, prune: bool, shown: Iterable[str] | None = None) -> None:
        """Write the index; with prune, drop files and entries this build did not use.

        `shown` names the made files the site shows besides those of the photos this build
        processed (an update processes only the changed stories'): they are kept too."""
        if not self.writable:
            return
        if prune:
            files = self._files
            if shown is None:
                files = {k: v for k, v in self._files.items() if k in self._live_files}
            else:
                names = set(shown)
                self._live_names |= names
                self._live_keys |= {name.split("-", 1)[0] for name in names}
            photos = {k: v for k, v in self._photos.items() if k in self._live_keys}
            clean = {k: v for k, v in self._clean.items() if not v or v in self._live_names}
            if (len(files), len(photos), len(clean)) != (
                len(self._files),
                len(self._photos),
                len(self._clean),
            ):
                self._files, self._photos, self._clean = files, photos, clean
                self._changed = True
            self._remove_unused_files()
        if not self._changed:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        index = {
            "version": INDEX_VERSION,
            "files": self._files,
            "photos": self._photos,
            "clean": self._clean,
        }
        temporary = self.directory / f".{INDEX_NAME}.{os.getpid()}.tmp"
        temporary.write_text(json.dumps(index, sort_keys=True), encoding="utf-8")
        os.replace(temporary, self.directory / INDEX_NAME)
        self._changed = False

    def _remove_unused_files(self) -> None:
        try:
            names = os.listdir(self.directory)
        except OSError:
            return
        for name in names:
            if name != INDEX_NAME and name not in self._live_names and not name.startswith("."):
                with contextlib.suppress(OSError):
                    (self.directory / name).unlink()
        self._names = None


def put_file(directory: Path, name: str, data: bytes) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    temporary = directory / f".{name}.{os.getpid()}.tmp"
    temporary.write_bytes(data)
    os.replace(temporary, directory / name)
