"""What every importer makes (an Archive), and how it is written into a site.

An importer reads another system's archive and returns an `Archive`: documents (stories,
pages, authors) as front matter and Markdown, files to copy, sections to configure and
warnings. `write_archive` writes it into the site folder, keeping a record of every file it
wrote and the digest of its bytes (`.newssite-import.json`), so that running the import again
changes nothing and `--force` overwrites only files nobody edited since.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qs, urlsplit

import yaml

from newssite.errors import NewssiteError
from newssite.urls import InvalidSlugError, is_slug, slugify

RECORD_NAME = ".newssite-import.json"
CONFIG_NAME = "newssite.toml"
# Where drafts of standalone pages and the text of private posts go: outside content/, so the
# build never publishes them (standalone pages have no drafts).
PRIVATE_DIR = "import-private"
QUERY_REDIRECTS = "import-redirects.txt"
REPORT_NAME = "import-report.txt"  # every warning of the last import
# Where an import's files wait until every one of them is made (then they are moved in).
STAGING_DIR = ".newssite-import-staging"
DEFAULT_EMBED_HOSTS = ("www.youtube-nocookie.com", "player.vimeo.com")
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp"})
# URLs that newssite writes itself: an imported page or alias may not take them.
RESERVED_PREFIXES = ("/page/", "/authors/", "/tags/", "/search/", "/img/", "/pagefind/")
RESERVED_URLS = frozenset(
    {"/", "/feed.xml", "/feed.json", "/sitemap.xml", "/news-sitemap.xml", "/robots.txt"}
    | {"/404.html", "/latest.json", "/alert.json", "/_redirects"}
)


@dataclass(frozen=True, slots=True)
class Document:
    """A Markdown file the import writes: `path` is relative to the site folder."""

    kind: str  # "story", "page", "author"
    path: str
    title: str
    meta: Mapping[str, object]
    markdown: bytes  # the body as UTF-8: a large archive's text is held once, compactly

    @classmethod
    def of(
        cls, kind: str, path: str, title: str, meta: Mapping[str, object], body: str
    ) -> Document:
        return cls(kind, path, title, meta, body.encode("utf-8", "surrogatepass"))

    @property
    def body(self) -> str:
        return self.markdown.decode("utf-8", "surrogatepass")


@dataclass(frozen=True, slots=True)
class CopiedFile:
    """A file copied from the archive (a photo) to `path`, relative to the site folder."""

    path: str
    source: Path


@dataclass(frozen=True, slots=True)
class ImportWarning:
    kind: str  # e.g. "shortcode kept as text"; the report groups by it
    message: str
    title: str = ""  # the item's title
    path: str = ""  # its new file


@dataclass(frozen=True, slots=True)
class Archive:
    """Everything an importer made of its source, before anything is written."""

    title: str
    base_url: str
    language: str
    documents: tuple[Document, ...]
    files: tuple[CopiedFile, ...] = ()
    sections: tuple[tuple[str, str], ...] = ()  # (slug, title) the config needs
    warnings: tuple[ImportWarning, ...] = ()
    skipped: Mapping[str, int] = field(default_factory=dict)
    tags: int = 0
    photos: int = 0
    query_redirects: tuple[tuple[str, str], ...] = ()  # (/?p=12, /news/slug/)


@dataclass(frozen=True, slots=True)
class SiteSetup:
    """What an importer needs to know of the site it imports into."""

    exists: bool
    sections: tuple[str, ...] = ()
    embed_hosts: tuple[str, ...] = DEFAULT_EMBED_HOSTS
    taken_urls: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ImportReport:
    archive: Archive
    site_dir: Path
    created_site: bool
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    overwritten: tuple[str, ...]
    kept_edited: tuple[str, ...]  # edited since the import wrote them: never overwritten
    kept_stale: tuple[str, ...]  # the import would change them: run again with --force
    kept_foreign: tuple[str, ...]  # not made by the import: never overwritten
    sections_added: tuple[str, ...]
    kinds: Mapping[str, int] = field(default_factory=dict)  # the archive's documents, by kind

    def counts(self) -> dict[str, int]:
        kinds = Counter(self.kinds)
        return {
            "stories": kinds["story"],
            "pages": kinds["page"],
            "authors": kinds["author"],
            "sections": len(self.archive.sections),
            "tags": self.archive.tags,
            "photos": self.archive.photos,
        }


def site_setup(site_dir: Path) -> SiteSetup:
    """Read the site's config when there is one (its sections and embed hosts)."""
    from newssite.config import load_config

    if not (site_dir / CONFIG_NAME).is_file():
        return SiteSetup(exists=False)
    config = load_config(site_dir)
    sections = tuple(section.slug for section in config.sections)
    made = _read_record(site_dir / RECORD_NAME)
    taken = frozenset(_urls_of_own_files(site_dir, made))
    return SiteSetup(True, sections, tuple(config.embed_hosts), taken)


def _urls_of_own_files(site_dir: Path, made: Mapping[str, str]) -> Iterator[str]:
    """The URLs and aliases of the site's own stories and pages (not an import's), which an
    import must leave to them."""
    import frontmatter

    content = site_dir / "content"
    for kind in ("articles", "pages"):
        for path in sorted((content / kind).rglob("*.md")):
            if path.relative_to(site_dir).as_posix() in made:
                continue
            try:
                meta = frontmatter.loads(path.read_text(encoding="utf-8")).metadata
                slug = str(meta.get("slug") or slugify(path.stem))
            except (ValueError, UnicodeDecodeError, yaml.YAMLError, InvalidSlugError):
                continue
            yield f"/{meta.get('section')}/{slug}/" if kind == "articles" else f"/{slug}/"
            aliases = meta.get("aliases")
            if isinstance(aliases, list):
                yield from (str(alias) for alias in aliases)


# --- text helpers shared by the importers ------------------------------------------------

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def plain_text(markup: str) -> str:
    """Text without tags or entities, on one line ("<em>Hot</em> &amp; dry" -> "Hot & dry")."""
    text = _TAG.sub(" ", markup or "")
    text = html.unescape(text).replace("\u00a0", " ")
    text = "".join(ch for ch in text if ch in "\t\n" or unicodedata.category(ch)[0] != "C")
    return _SPACE.sub(" ", text).strip()


def first_words(text: str, count: int = 8) -> str:
    words = plain_text(text).split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


def make_slug(text: str, fallback: str = "item") -> str:
    """A slug for a new URL: the text's own when it is one already (any script), else the
    transliterated one; `fallback` when nothing is left."""
    normal = unicodedata.normalize("NFC", text.strip()).lower()
    if is_slug(normal):
        return normal
    try:
        return slugify(normal)
    except InvalidSlugError:
        return fallback


def unique(candidate: str, taken: set[str], make: Callable[[str], str] = str) -> str:
    """candidate, or candidate-2, -3 ... whose `make(...)` is not taken yet; then take it."""
    name, number = candidate, 1
    while make(name) in taken:
        number += 1
        name = f"{candidate}-{number}"
    taken.add(make(name))
    return name


def old_path(url: str, base_path: str) -> str | None:
    """The site path of an old URL (its host and the old site's sub-path removed), or None
    when it has a query (`/?p=12`, which a static file cannot answer)."""
    parts = urlsplit(url.strip())
    if parts.query or not parts.path:
        return None
    path = parts.path
    base = base_path.rstrip("/")
    if base and (path == base or path.startswith(base + "/")):
        path = path[len(base) :] or "/"
    if not path.startswith("/"):
        path = "/" + path
    return path


def query_id(url: str) -> str | None:
    """`?p=12` or `?page_id=12`, as the old link had it, or None."""
    query = parse_qs(urlsplit(url).query)
    for key in ("p", "page_id"):
        if key in query:
            return f"/?{key}={query[key][0]}"
    return None


def usable_alias(path: str, new_url: str, claimed: set[str]) -> bool:
    """Whether an old path may become an alias: not the new URL, nor any URL of the site."""
    from newssite.parse import alias_problem
    from newssite.urls import url_key

    if path.rstrip("/") == new_url.rstrip("/"):
        return False
    if alias_problem(path) is not None or path in RESERVED_URLS:
        return False
    if any(path.startswith(prefix) for prefix in RESERVED_PREFIXES) or "/page/" in path:
        return False
    key = url_key(path if path.endswith(("/", ".html", ".htm")) else path + "/")
    if key in claimed:
        return False
    claimed.add(key)
    return True


def front_matter(meta: Mapping[str, object], body: str) -> str:
    """A Markdown file: YAML front matter (in the given key order) and the body."""
    data = {key: value for key, value in meta.items() if value not in (None, "", [], {})}
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{text}---\n{body.strip()}\n"


def moment_text(value: object) -> str:
    return str(value)


# --- writing ----------------------------------------------------------------------------


def write_archive(
    archive: Archive, site_dir: Path, setup: SiteSetup, *, force: bool = False
) -> ImportReport:
    """Write the archive into site_dir: new files, and changes only where allowed."""
    with site_writer(site_dir, setup, force=force) as writer:
        for document in archive.documents:
            writer.put(document)
        return writer.finish(archive)


@contextmanager
def site_writer(site_dir: Path, setup: SiteSetup, *, force: bool = False) -> Iterator[SiteWriter]:
    """A writer that takes each document as soon as it is made. What it writes waits in a
    staging folder inside the site until `finish` moves it into place, then writes the
    config, the record and the report: an import that fails (bad XML late in the export, a
    full disk, Ctrl-C) leaves the site exactly as it was, and running it again does it all."""
    staging = site_dir / STAGING_DIR
    _remove(staging)  # what an interrupted import left
    existed = site_dir.exists()
    writer = SiteWriter(site_dir, setup, force, _read_record(site_dir / RECORD_NAME))
    try:
        yield writer
    finally:
        _remove(staging)
        if not existed and site_dir.is_dir() and not any(site_dir.iterdir()):
            site_dir.rmdir()  # a failed import into a new folder leaves no folder


@dataclass
class SiteWriter:
    """Decides for each file of an import whether it may be written (new, or made by an
    earlier import and unedited with --force), and stages it; only small records are kept:
    each file's path and digest, never its text."""

    site_dir: Path
    setup: SiteSetup
    force: bool
    record: dict[str, str]
    staged: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    kinds: Counter[str] = field(default_factory=Counter)
    outcome: dict[str, list[str]] = field(
        default_factory=lambda: {
            name: []
            for name in ("written", "unchanged", "overwritten", "edited", "stale", "foreign")
        }
    )

    def put(self, document: Document) -> None:
        """A story, page or author, written (staged) now: its text is not kept."""
        self.kinds[document.kind] += 1
        self._put(_safe(document.path, self.site_dir), document)

    def _put(self, relative: str, content: bytes | Path | Document) -> None:
        if relative in self.seen:  # the first file made for a path wins
            return
        self.seen.add(relative)
        data = _bytes_of(content)
        digest = _digest(data)
        target = self.site_dir / relative
        if not target.exists():
            self._stage(relative, data)
            self.record[relative] = digest
            self.outcome["written"].append(relative)
            return
        current = _digest(target.read_bytes())
        if current == digest:
            self.record.setdefault(relative, digest)
            self.outcome["unchanged"].append(relative)
        elif relative not in self.record:
            self.outcome["foreign"].append(relative)
        elif self.record[relative] != current:
            self.outcome["edited"].append(relative)
        elif self.force:
            self._stage(relative, data)
            self.record[relative] = digest
            self.outcome["overwritten"].append(relative)
        else:
            self.outcome["stale"].append(relative)

    def _stage(self, relative: str, data: bytes) -> None:
        target = self.site_dir / STAGING_DIR / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.staged.append(relative)

    def finish(self, archive: Archive) -> ImportReport:
        """Stage the rest (photos, redirects, a new site's config), move every staged file
        into place, then write the sections, the record and the report, in that order."""
        for copied in archive.files:
            self._put(_safe(copied.path, self.site_dir), copied.source)
        if archive.query_redirects:
            lines = [f"{old} {new}" for old, new in sorted(set(archive.query_redirects))]
            self._put(QUERY_REDIRECTS, ("\n".join(lines) + "\n").encode("utf-8"))
        created = not self.setup.exists
        if created:
            self._put(".gitignore", _GITIGNORE.encode("utf-8"))
            # Staged last, so moved last: a new site is no site until its config is there.
            self._put(CONFIG_NAME, _new_config(archive, self.setup).encode("utf-8"))
        staging = self.site_dir / STAGING_DIR
        for relative in self.staged:
            target = self.site_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            (staging / relative).replace(target)
        added: tuple[str, ...] = ()
        if not created:
            added = _add_sections(self.site_dir / CONFIG_NAME, archive.sections, self.setup)
        _write_record(self.site_dir / RECORD_NAME, self.record)
        _write_if_changed(self.site_dir / REPORT_NAME, warnings_text(archive).encode("utf-8"))
        sorted_outcome = {name: tuple(sorted(paths)) for name, paths in self.outcome.items()}
        return ImportReport(
            archive,
            self.site_dir,
            created,
            sorted_outcome["written"],
            sorted_outcome["unchanged"],
            sorted_outcome["overwritten"],
            sorted_outcome["edited"],
            sorted_outcome["stale"],
            sorted_outcome["foreign"],
            added,
            dict(self.kinds),
        )


def _remove(folder: Path) -> None:
    import shutil

    if folder.is_dir():
        shutil.rmtree(folder)


def _bytes_of(content: bytes | Path | Document) -> bytes:
    if isinstance(content, Document):
        return front_matter(content.meta, content.body).encode("utf-8")
    return content.read_bytes() if isinstance(content, Path) else content


def _safe(relative: str, site_dir: Path) -> str:
    """A path made from titles and slugs stays inside content/ (or the private folder)."""
    path = PurePosixPath(relative)
    allowed = ("content", PRIVATE_DIR)
    if (
        path.is_absolute()
        or not path.parts
        or path.parts[0] not in allowed
        or any(part in ("", ".", "..") for part in path.parts)
    ):
        raise NewssiteError(f"refusing to write {relative!r}: outside content/", path=relative)
    root = (site_dir / path.parts[0]).resolve()
    if not (site_dir / path).resolve().is_relative_to(root):
        raise NewssiteError(f"refusing to write {relative!r}: outside content/", path=relative)
    return path.as_posix()


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".import-tmp")
    temporary.write_bytes(data)
    temporary.replace(target)


def _read_record(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise NewssiteError(
            f"cannot read the record of the last import ({error}); delete it to start over",
            path=RECORD_NAME,
        ) from None
    files = data.get("files", {}) if isinstance(data, dict) else {}
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def _write_record(path: Path, record: Mapping[str, str]) -> None:
    text = json.dumps({"files": dict(sorted(record.items()))}, indent=1, ensure_ascii=False)
    _write_if_changed(path, (text + "\n").encode("utf-8"))


def _write_if_changed(path: Path, data: bytes) -> None:
    if not path.is_file() or path.read_bytes() != data:
        _write(path, data)


def warnings_text(archive: Archive) -> str:
    """Every warning of the import, grouped by kind, each with the item's title and file."""
    lines = [f"Warnings of the last import ({len(archive.warnings)})", ""]
    for kind in sorted({warning.kind for warning in archive.warnings}):
        found = [warning for warning in archive.warnings if warning.kind == kind]
        lines.append(f"{kind}: {len(found)}")
        for warning in found:
            where = f"{warning.path} ({warning.title}): " if warning.path else ""
            lines.append(f"  {where}{warning.message}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


_GITIGNORE = (
    "output/\noutput.tmp-*/\noutput.old-*/\noutput.lock\n.newssite-cache/\n" + PRIVATE_DIR + "/\n"
)


def _new_config(archive: Archive, setup: SiteSetup) -> str:
    base_url = archive.base_url if archive.base_url.startswith(("http://", "https://")) else ""
    base_url = (base_url or "https://news.example.org/").rstrip("/") + "/"
    language = (
        archive.language
        if re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*", archive.language)
        else "en"
    )
    lines = [
        f"title = {_toml_string(archive.title or 'Imported site')}",
        f"base_url = {_toml_string(base_url)}",
        f"language = {_toml_string(language)}",
        'timezone = "UTC"   # dates imported carry their own offset',
        'theme = "default"',
        "per_page = 20",
        f"embed_hosts = [{', '.join(_toml_string(h) for h in setup.embed_hosts)}]",
        "",
    ]
    for slug, title in archive.sections:
        lines += [
            "[[sections]]",
            f"slug = {_toml_string(slug)}",
            f"title = {_toml_string(title)}",
            "",
        ]
    return "\n".join(lines)


def _add_sections(
    config_path: Path, sections: Sequence[tuple[str, str]], setup: SiteSetup
) -> tuple[str, ...]:
    """Append the sections the archive needs to newssite.toml, leaving the rest as it is."""
    missing = [(slug, title) for slug, title in sections if slug not in setup.sections]
    if not missing:
        return ()
    text = config_path.read_text(encoding="utf-8")
    blocks = [
        f"[[sections]]\nslug = {_toml_string(slug)}\ntitle = {_toml_string(title)}\n"
        for slug, title in missing
    ]
    separator = "" if text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
    config_path.write_text(text + separator + "\n".join(blocks), encoding="utf-8")
    return tuple(slug for slug, _ in missing)
