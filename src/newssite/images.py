"""Photos: responsive files, social crops and credits, with no private metadata published.

Every local photo a story, author or page shows (the story photo, images in the body, an
author's avatar) is opened with Pillow once and published as files named by a hash of its
bytes: `/img/<key>-480.webp`, `-960`, `-1600` and a JPEG fallback (PNG when transparent),
never wider than the original, and for story photos the crops for social cards and search
engines. The files are kept in `.newssite-cache/images/` and reused by later builds, so a
rebuild with no new photos opens no picture.

Nothing published carries EXIF, GPS, XMP or IPTC: the files made here are encoded without
it, and pictures published as they are (static/, files beside a story) are copied with it
removed, losslessly, keeping only the orientation, so a source's location never leaks.

Module order: after `write` (it hands out `Copy`), before `build`, which calls it twice:
`process_photos` on the parsed documents, `publish_photos` on the copies of the built site.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import io
import os
import posixpath
import re
import struct
import warnings
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import TypeVar
from urllib.parse import unquote

from PIL import Image, ImageOps, UnidentifiedImageError

from newssite.cache import BuildCache
from newssite.config import SiteConfig
from newssite.errors import NewssiteError, raise_all
from newssite.markup import ASSET_SCHEME, FIGURE_CLASS, credit_text
from newssite.model import Article, Author, Photo, Rendition, StandalonePage
from newssite.parse import Documents
from newssite.photo_metadata import PhotoInfo, PhotoProblem, embedded_credit
from newssite.photo_store import PhotoStore, put_file
from newssite.spool import Copy
from newssite.urls import href

WIDTHS = (480, 960, 1600)
FALLBACK_WIDTH = 960  # <img src>, feeds and latest.json use the largest rendition up to this
# (name, width, height): Open Graph / Twitter cards, and the three ratios Google asks for.
CROPS = (("social", 1200, 630), ("16x9", 1200, 675), ("4x3", 1200, 900), ("1x1", 1200, 1200))
LEAD_MIN_WIDTH = 960  # a story photo narrower than this looks soft on the article page
INLINE_MIN_WIDTH = 640  # the body column is 41rem (656 px)
IMG_URL = "/img/"
PHOTO_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "GIF", "TIFF", "BMP", "AVIF"})
NOT_PROCESSED = frozenset({".svg", ".svgz"})  # drawings: published as they are
# Everything that decides the bytes of a made file; it is part of every file name.
RECIPE = "photos-1;480,960,1600;webp q80 m4;jpeg q82 progressive;png 6;lanczos"
WEBP_OPTIONS: Mapping[str, object] = {"quality": 80, "method": 4}
JPEG_OPTIONS: Mapping[str, object] = {"quality": 82, "optimize": True, "progressive": True}
PNG_OPTIONS: Mapping[str, object] = {"compress_level": 6}
LEAD_SIZES = "(max-width: 47.99rem) 100vw, (min-width: 66.5rem) 64rem, calc(100vw - 2.5rem)"
BODY_SIZES = "(min-width: 43.5rem) 41rem, calc(100vw - 2rem)"
PARALLEL_MIN = 4


# --- Plans: which files a photo gets (pure) ------------------------------------------------


def photo_key(digest: str) -> str:
    """The name part of every file made from a photo: its bytes and the recipe."""
    return hashlib.sha256(f"{RECIPE}\0{digest}".encode()).hexdigest()[:20]


def target_widths(width: int) -> tuple[int, ...]:
    """480/960/1600, never wider than the original: a 1200 px photo gets 480, 960, 1200."""
    return tuple(sorted({min(target, width) for target in WIDTHS}))


def scaled_height(width: int, height: int, new_width: int) -> int:
    return max(1, round(height * new_width / width))


def crop_box(width: int, height: int, ratio_w: int, ratio_h: int) -> tuple[int, int, int, int]:
    """The largest centred box of the ratio ratio_w:ratio_h inside a width x height picture."""
    if width * ratio_h > height * ratio_w:
        box_w = max(1, round(height * ratio_w / ratio_h))
        left = (width - box_w) // 2
        return (left, 0, left + box_w, height)
    box_h = max(1, round(width * ratio_h / ratio_w))
    top = (height - box_h) // 2
    return (0, top, width, top + box_h)


def _fallback(info: PhotoInfo) -> tuple[str, str, str]:
    """(Pillow format, extension, MIME type) of the files browsers without WebP get."""
    return ("PNG", "png", "image/png") if info.alpha else ("JPEG", "jpg", "image/jpeg")


def renditions(key: str, info: PhotoInfo) -> tuple[Rendition, ...]:
    """The responsive files of a photo, narrowest first: WebP, then the fallback, per width."""
    _, extension, mime = _fallback(info)
    found = []
    for width in target_widths(info.width):
        height = scaled_height(info.width, info.height, width)
        found.append(Rendition(f"{IMG_URL}{key}-{width}.webp", width, height, "image/webp"))
        found.append(Rendition(f"{IMG_URL}{key}-{width}.{extension}", width, height, mime))
    return tuple(found)


def crops(key: str, info: PhotoInfo) -> tuple[tuple[str, Rendition], ...]:
    """The social card (1200x630) and the 16:9, 4:3 and 1:1 crops, never upscaled."""
    _, extension, mime = _fallback(info)
    found = []
    for name, width, height in CROPS:
        left, top, right, bottom = crop_box(info.width, info.height, width, height)
        size = (width, height) if right - left >= width else (right - left, bottom - top)
        found.append((name, Rendition(f"{IMG_URL}{key}-{name}.{extension}", *size, mime)))
    return tuple(found)


def fallback_rendition(found: Sequence[Rendition]) -> Rendition:
    """The <img src>: the widest non-WebP file up to FALLBACK_WIDTH (or the narrowest)."""
    plain = [r for r in found if r.mime != "image/webp"]
    fitting = [r for r in plain if r.width <= FALLBACK_WIDTH]
    return fitting[-1] if fitting else plain[0]


def file_names(key: str, info: PhotoInfo, with_crops: bool) -> tuple[str, ...]:
    made = list(renditions(key, info))
    if with_crops:
        made += [rendition for _, rendition in crops(key, info)]
    return tuple(r.url.removeprefix(IMG_URL) for r in made)


# --- Pillow: open, read credits, make files -----------------------------------------------


@contextlib.contextmanager
def open_photo(path: Path) -> Iterator[Image.Image]:
    """The decoded photo at path; a broken, unsupported or oversized file is a PhotoProblem."""
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that: refuse it, too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as probe:
                if probe.format not in PHOTO_FORMATS:
                    raise PhotoProblem(
                        f"unsupported image format {probe.format} (use JPEG, PNG or WebP)"
                    )
                probe.verify()
            image = Image.open(path)
            image.load()
        except PhotoProblem:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            limit = Image.MAX_IMAGE_PIXELS or 0
            raise PhotoProblem(
                f"has more than {limit:,} pixels, too many to open safely "
                "(a decompression bomb?); send a smaller export"
            ) from None
        except UnidentifiedImageError:
            raise PhotoProblem(
                "is not an image newssite can read (use JPEG, PNG or WebP)"
            ) from None
        except (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error) as error:
            raise PhotoProblem(f"is a broken image file ({error})") from None
    with image:
        yield image


def examine(path: Path) -> tuple[PhotoInfo, Image.Image, bytes | None]:
    """Open a photo upright: what it is, its pixels (RGB or RGBA) and its colour profile."""
    with open_photo(path) as image:
        credit = embedded_credit(image)
        kind = image.format or ""
        # A camera's MPO holds a preview as a second frame; only these formats animate.
        animated = kind in ("GIF", "PNG", "WEBP") and getattr(image, "n_frames", 1) > 1
        icc = image.info.get("icc_profile") if image.mode in ("RGB", "RGBA") else None
        try:
            ImageOps.exif_transpose(image, in_place=True)
            picture, alpha = _pixels(image)
        except (OSError, ValueError, SyntaxError) as error:
            raise PhotoProblem(f"is a broken image file ({error})") from None
    info = PhotoInfo(picture.width, picture.height, kind, alpha, credit, animated)
    return info, picture, icc or None


def _pixels(image: Image.Image) -> tuple[Image.Image, bool]:
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        if rgba.getchannel("A").getextrema()[0] < 255:
            rgba.info = {}
            return rgba, True
        image = rgba
    try:
        picture = image.convert("RGB")
    except ValueError:
        raise PhotoProblem(f"uses pixel mode {image.mode}, which newssite cannot convert") from None
    picture.info = {}
    return picture, False


def make_files(
    picture: Image.Image, info: PhotoInfo, icc: bytes | None, key: str, with_crops: bool
) -> Iterator[tuple[str, bytes]]:
    """(file name, bytes) of every file of a photo; none of them carries metadata."""
    fallback, extension, _ = _fallback(info)
    current = widest = picture
    for width in sorted(target_widths(info.width), reverse=True):
        if current.width != width:
            size = (width, scaled_height(info.width, info.height, width))
            current = current.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
            widest = current if widest is picture else widest
        yield f"{key}-{width}.webp", encode(current, "WEBP", icc)
        yield f"{key}-{width}.{extension}", encode(current, fallback, icc)
    if with_crops:
        for (name, rendition), (_, ratio_w, ratio_h) in zip(crops(key, info), CROPS, strict=True):
            box = crop_box(info.width, info.height, ratio_w, ratio_h)
            size = (rendition.width, rendition.height)
            # Crops come from the 1600 px file when it holds enough pixels: 3-4x less work.
            scale = widest.width / info.width
            source = widest if (box[2] - box[0]) * scale >= size[0] else picture
            factor_x, factor_y = source.width / info.width, source.height / info.height
            left, top, right, bottom = box
            region_box = (
                left * factor_x,
                top * factor_y,
                min(right * factor_x, source.width),
                min(bottom * factor_y, source.height),
            )
            region = source.resize(size, Image.Resampling.LANCZOS, box=region_box)
            yield f"{key}-{name}.{extension}", encode(region, fallback, icc)


def encode(picture: Image.Image, kind: str, icc: bytes | None) -> bytes:
    """Pillow writes only what it is given: no EXIF, XMP or IPTC, the colour profile kept."""
    options = {"WEBP": WEBP_OPTIONS, "JPEG": JPEG_OPTIONS, "PNG": PNG_OPTIONS}[kind]
    buffer = io.BytesIO()
    picture.save(buffer, kind, **options, **({"icc_profile": icc} if icc else {}))
    return buffer.getvalue()


def _process_photo(job: tuple[str, str, bool, str | None]) -> PhotoInfo | str:
    """Examine one photo and, given a folder, write its files there (runs in a worker)."""
    path, key, with_crops, directory = job
    try:
        info, picture, icc = examine(Path(path))
        if directory is not None:
            for name, data in make_files(picture, info, icc, key, with_crops):
                put_file(Path(directory), name, data)
    except PhotoProblem as problem:
        return str(problem)
    return info


# --- The stage: documents in, documents with responsive photos out -----------------------

_IMG_TAG = r"<img(?:\s+[^\s\"'>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*\s*/?>"
_FIGURE_OR_IMAGE = re.compile(
    rf'(?P<figure><figure class="{FIGURE_CLASS}">\s*(?P<inner>{_IMG_TAG})\s*'
    r"(?P<caption><figcaption>.*?</figcaption>)?\s*</figure>)"
    rf"|(?P<image>{_IMG_TAG})",
    re.DOTALL | re.IGNORECASE,
)
# Every match of _FIGURE_OR_IMAGE holds an <img: a body without one is left as it is, unread.
_MAY_SHOW_IMAGE = re.compile("<img", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"([^\s\"'>/=]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+)))?")
_MADE_FILE = re.compile(r"/img/([0-9a-f]{20}-[0-9a-z]+\.(?:webp|jpg|png))")
_RESPONSIVE_ATTRIBUTES = frozenset(
    {"src", "srcset", "sizes", "width", "height", "loading", "decoding", "fetchpriority"}
)


@dataclass(frozen=True, slots=True)
class _Use:
    """One place a local photo is shown: which document, field and line, and as what."""

    document: str
    field: str
    line: int | None
    file: str  # relative to the site folder
    lead: bool  # a story photo: it also gets the social and search crops


_Document = TypeVar("_Document", Article, Author, StandalonePage)


@dataclass(frozen=True, slots=True)
class _Processed:
    """One document after the photo stage, with what it was made from, for the next build."""

    given: Article | Author | StandalonePage  # the parsed document, compared by identity
    image_srcs: tuple[str, ...]  # the src of each <img> in its body, in order
    made_from: tuple[object, ...]  # everything else the result depends on
    result: Article | Author | StandalonePage
    warnings: tuple[NewssiteError, ...]


def process_photos(
    docs: Documents,
    config: SiteConfig,
    *,
    write: bool = True,
    workers: int = 1,
    cache: BuildCache | None = None,
) -> tuple[Documents, PhotoStore]:
    """Give every local photo of the documents its responsive files, size and credit.

    Every unusable photo is raised at once, naming the story, line and file; photo
    warnings (no credit, no alt text, too small) join the documents' warnings. With
    write=False (for `check`) photos are examined and nothing is written. Given the
    preview's build cache, a document parsed and photographed as in the last build is
    taken from it, with its warnings, instead of being rewritten.
    """
    store = PhotoStore(config.cache_dir, writable=write)
    earlier = cache.photo_results if cache is not None else {}
    stage = _Stage(config, store, earlier, remember=cache is not None)
    uses = [use for document in _documents(docs) for use in stage.uses_of(document)]
    stage.identify(uses)
    stage.examine_all(uses, workers)
    raise_all(stage.problems, "some photos cannot be used")
    articles = tuple(stage.processed(article, stage.article) for article in docs.articles)
    authors = tuple(stage.processed(author, stage.author) for author in docs.authors)
    pages = tuple(stage.processed(page, stage.page) for page in docs.pages)
    store.save(prune=False)
    if cache is not None:
        cache.photo_results = stage.results  # only this build's documents: nothing piles up
    warnings = tuple(sorted(stage.warnings, key=NewssiteError.sort_key))
    documents = replace(
        docs, articles=articles, authors=authors, pages=pages, warnings=docs.warnings + warnings
    )
    return documents, store


def _documents(docs: Documents) -> Iterator[Article | Author | StandalonePage]:
    yield from docs.articles
    yield from docs.authors
    yield from docs.pages


class _Stage:
    """The photo stage of one build: where photos are used, what they are, what went wrong."""

    def __init__(
        self,
        config: SiteConfig,
        store: PhotoStore,
        earlier: Mapping[str, object],
        *,
        remember: bool,
    ) -> None:
        self.config = config
        self.store = store
        self.keys: dict[str, str] = {}  # file -> photo key
        self.infos: dict[str, PhotoInfo] = {}  # photo key -> what it is
        self.failures: dict[str, str] = {}  # file -> why it cannot be used
        self.problems: list[NewssiteError] = []
        self.warnings: list[NewssiteError] = []
        self.results: dict[str, object] = {}  # document source -> _Processed, when remembering
        self._earlier = earlier  # the same, from the last build
        self._remember = remember
        self._image_srcs: dict[str, tuple[str, ...]] = {}  # document source -> its <img> srcs
        self._body_files: dict[str, str | None] = {}
        self._made: dict[str, tuple[tuple[Rendition, ...], tuple[tuple[str, Rendition], ...]]] = {}
        self._site_root = config.site_dir.resolve()

    # Where photos are used.

    def uses_of(self, document: Article | Author | StandalonePage) -> list[_Use]:
        lines = document.lines
        uses = []
        photo = _photo_of(document)
        if photo is not None and photo.source and self._processed(photo.source):
            name = "photo" if isinstance(document, Article) else "avatar"
            line = lines.get(f"{name}.src") or lines.get(name)
            lead = isinstance(document, Article)
            uses.append(_Use(document.source, f"{name}.src", line, photo.source, lead))
        srcs = self._image_srcs[document.source] = self._srcs_in_body(document)
        for src in srcs:
            file = self._body_file_at(src)
            if file is not None:
                uses.append(_Use(document.source, "body", _image_line(lines, file), file, False))
        return uses

    def _srcs_in_body(self, document: Article | Author | StandalonePage) -> tuple[str, ...]:
        earlier = self._earlier.get(document.source)
        if isinstance(earlier, _Processed) and earlier.given is document:
            return earlier.image_srcs
        body = _body(document)
        if not _MAY_SHOW_IMAGE.search(body):
            return ()
        return tuple(
            _attributes(match.group("inner") or match.group("image")).get("src", "").strip()
            for match in _FIGURE_OR_IMAGE.finditer(body)
        )

    def body_file(self, attributes: Mapping[str, str]) -> str | None:
        """The local photo an <img src> of a body shows, or None (remote, a drawing, unknown)."""
        return self._body_file_at(attributes.get("src", "").strip())

    def _body_file_at(self, src: str) -> str | None:
        if src not in self._body_files:
            self._body_files[src] = self._find_body_file(src)
        return self._body_files[src]

    def _find_body_file(self, src: str) -> str | None:
        base = self.config.base_path
        if src.startswith(ASSET_SCHEME):
            file = src.removeprefix(ASSET_SCHEME)
        elif src.startswith(base) and not src.startswith("//"):
            path = unquote(src[len(base) :].split("#")[0].split("?")[0])
            file = posixpath.normpath(f"static/{path}")
            full = self.config.site_dir / file
            if not file.startswith("static/") or not full.is_file():
                return None
            if not full.resolve().is_relative_to(self._site_root):
                return None
        else:
            return None
        return file if self._processed(file) else None

    @staticmethod
    def _processed(file: str) -> bool:
        if ".svg" not in file.lower():  # most files: no need to parse the path
            return True
        return PurePosixPath(file).suffix.lower() not in NOT_PROCESSED

    # What the photos are.

    def identify(self, uses: Sequence[_Use]) -> None:
        for use in uses:
            if use.file in self.keys or use.file in self.failures:
                continue
            try:
                digest, _ = self.store.fingerprint(self.config.site_dir / use.file)
            except OSError as error:
                self.failures[use.file] = f"cannot be read ({error.strerror})"
                continue
            self.keys[use.file] = photo_key(digest)
        for use in uses:
            if use.file in self.failures:
                self._fail(use)

    def examine_all(self, uses: Sequence[_Use], workers: int) -> None:
        """Take each photo's files from the cache, or make them (in parallel when many)."""
        lead_keys = {self.keys[use.file] for use in uses if use.lead and use.file in self.keys}
        todo: dict[str, tuple[str, bool]] = {}
        for file, key in sorted(self.keys.items()):
            if key in todo or key in self.infos:
                continue
            with_crops = key in lead_keys
            info = self.store.info(key)
            names = file_names(key, info, with_crops) if info is not None else ()
            if info is not None and (not self.store.writable or self.store.has(names)):
                self.infos[key] = info
                self.store.use(key, names)
                self.store.reused += 1
            else:
                todo[key] = (file, with_crops)
        directory = str(self.store.directory) if self.store.writable else None
        jobs = [
            (str(self.config.site_dir / file), key, crops, directory)
            for key, (file, crops) in todo.items()
        ]
        if self.store.writable and jobs:
            self.store.directory.mkdir(parents=True, exist_ok=True)
        if workers > 1 and len(jobs) >= PARALLEL_MIN:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                results = list(pool.map(_process_photo, jobs, chunksize=1))
        else:
            results = [_process_photo(job) for job in jobs]
        for (key, (_file, crops)), result in zip(todo.items(), results, strict=True):
            if isinstance(result, str):
                self.failures.update({f: result for f, k in self.keys.items() if k == key})
                continue
            self.infos[key] = result
            self.store.remember(key, result)
            self.store.use(key, file_names(key, result, crops))
            self.store.processed += 1
        failed = {key for key, _ in todo.items() if key not in self.infos}
        for use in uses:
            if self.keys.get(use.file) in failed:
                self._fail(use)

    def _fail(self, use: _Use) -> None:
        message = f"{use.file} {self.failures[use.file]}"
        self.problems.append(
            NewssiteError(message, path=use.document, line=use.line, field=use.field)
        )

    def _info(self, file: str | None) -> tuple[str, PhotoInfo] | None:
        key = self.keys.get(file or "")
        info = self.infos.get(key or "")
        return (key, info) if key and info else None

    def _files_of(
        self, key: str, info: PhotoInfo
    ) -> tuple[tuple[Rendition, ...], tuple[tuple[str, Rendition], ...]]:
        """A photo's renditions and crops, planned once per build however many show it."""
        if key not in self._made:
            self._made[key] = (renditions(key, info), crops(key, info))
        return self._made[key]

    def _responsive(self, photo: Photo, found: tuple[str, PhotoInfo], *, lead: bool) -> Photo:
        files, cropped = self._files_of(*found)
        return responsive_photo(photo, found[1], files, cropped if lead else ())

    # The documents with their photos made responsive.

    def processed(
        self, document: _Document, process: Callable[[_Document], _Document]
    ) -> _Document:
        """process(document), or the same result and warnings as the last build when the
        document is the very one it was given and its photos and settings are unchanged."""
        if not self._remember:
            return process(document)
        srcs = self._image_srcs[document.source]
        photo = _photo_of(document)
        lead = self._info(photo.source) if photo is not None else None
        in_body = tuple((file, self._info(file)) for file in map(self._body_file_at, srcs))
        made_from = (self.config.base_path, lead, in_body)
        earlier = self._earlier.get(document.source)
        if (
            isinstance(earlier, _Processed)
            and earlier.given is document
            and earlier.made_from == made_from
        ):
            self.warnings.extend(earlier.warnings)
            self.results[document.source] = earlier
            return earlier.result  # type: ignore[return-value]
        first_warning = len(self.warnings)
        result = process(document)
        warnings = tuple(self.warnings[first_warning:])
        self.results[document.source] = _Processed(document, srcs, made_from, result, warnings)
        return result

    def article(self, article: Article) -> Article:
        photo = article.photo
        found = self._info(photo.source) if photo else None
        if photo is not None and found is not None:
            photo = self._responsive(photo, found, lead=True)
        if photo is not None:
            self._check_lead(article, photo, found[1] if found else None)
        body, shown = self._body(article.body_html, article.source, article.lines)
        if photo is not None and found is not None and photo.source:
            shown.add(photo.source)
        if photo is article.photo and not shown:
            return article
        assets = tuple(a for a in article.assets if a not in shown or f'"{ASSET_SCHEME}{a}' in body)
        return replace(article, photo=photo, body_html=body, assets=assets)

    def author(self, author: Author) -> Author:
        avatar = author.avatar
        found = self._info(avatar.source) if avatar else None
        if avatar is not None and found is not None:
            avatar = self._responsive(avatar, found, lead=False)
        bio, shown = self._body(author.bio_html, author.source, author.lines)
        if avatar is author.avatar and not shown:
            return author
        return replace(author, avatar=avatar, bio_html=bio)

    def page(self, page: StandalonePage) -> StandalonePage:
        body, shown = self._body(page.body_html, page.source, page.lines)
        if not shown:
            return page
        assets = tuple(a for a in page.assets if a not in shown or f'"{ASSET_SCHEME}{a}' in body)
        return replace(page, body_html=body, assets=assets)

    def _body(self, body: str, owner: str, lines: Mapping[str, int]) -> tuple[str, set[str]]:
        """The body with each local photo as a responsive <picture>; the files it shows."""
        shown: set[str] = set()
        if not self._image_srcs[owner]:  # uses_of found no <img> in it
            return body, shown

        def rewrite(match: re.Match[str]) -> str:
            tag = match.group("inner") or match.group("image")
            attributes = _attributes(tag)
            file = self.body_file(attributes)
            found = self._info(file)
            if file is None or found is None:
                return match.group(0)
            shown.add(file)
            key, info = found
            files, _ = self._files_of(key, info)
            picture = picture_html(files, info, attributes, self.config.base_path)
            line = _image_line(lines, file)
            if match.group("figure") is None:
                self._check_inline(owner, line, file, attributes, info, credited=bool(info.credit))
                return picture
            caption = match.group("caption") or ""
            credited = 'class="credit"' in caption
            if not credited and info.credit:
                caption = _with_credit(caption, info.credit)
            self._check_inline(
                owner, line, file, attributes, info, credited=credited or bool(info.credit)
            )
            return f'<figure class="{FIGURE_CLASS}">{picture}{caption}</figure>'

        return _FIGURE_OR_IMAGE.sub(rewrite, body), shown

    # Editorial checks: warnings, errors only with `check --strict`.

    def _warn(self, owner: str, line: int | None, field: str, message: str) -> None:
        self.warnings.append(NewssiteError(message, path=owner, line=line, field=field))

    def _check_lead(self, article: Article, photo: Photo, info: PhotoInfo | None) -> None:
        lines = article.lines
        if not photo.credit:
            self._warn(
                article.source,
                lines.get("photo.credit") or lines.get("photo"),
                "photo.credit",
                "a published photo needs a credit (e.g. credit: Jane Doe/Agency), "
                "and the photo file names none in its IPTC, XMP or EXIF fields",
            )
        if not photo.alt:
            self._warn(
                article.source,
                lines.get("photo.alt") or lines.get("photo"),
                "photo.alt",
                "a published photo needs alt text describing it for readers who cannot see it",
            )
        if info is not None:
            line = lines.get("photo.src") or lines.get("photo")
            if info.width < LEAD_MIN_WIDTH:
                self._warn(
                    article.source,
                    line,
                    "photo.src",
                    f"{photo.source} is {info.width} px wide; a story photo needs at least "
                    f"{LEAD_MIN_WIDTH} px to look sharp (1600 px or more is best)",
                )
            if info.animated:
                self._warn(
                    article.source,
                    line,
                    "photo.src",
                    f"{photo.source} is animated; only its first frame is published",
                )

    def _check_inline(
        self,
        owner: str,
        line: int | None,
        file: str,
        attributes: Mapping[str, str],
        info: PhotoInfo,
        *,
        credited: bool,
    ) -> None:
        name = PurePosixPath(file).name
        if not attributes.get("alt", "").strip():
            self._warn(
                owner,
                line,
                "body",
                f"the photo {name} needs alt text: ![What the photo shows]({name})",
            )
        if not credited:
            self._warn(
                owner,
                line,
                "body",
                f"the photo {name} needs a credit: put the image alone in its paragraph with "
                f'a title, ![Alt text]({name} "Caption — Photo: Jane Doe/Agency")',
            )
        if info.width < INLINE_MIN_WIDTH:
            self._warn(
                owner,
                line,
                "body",
                f"the photo {name} is {info.width} px wide; photos in the body need at least "
                f"{INLINE_MIN_WIDTH} px",
            )
        if info.animated:
            self._warn(
                owner, line, "body", f"{file} is animated; only its first frame is published"
            )


def _body(document: Article | Author | StandalonePage) -> str:
    return document.bio_html if isinstance(document, Author) else document.body_html


def _photo_of(document: Article | Author | StandalonePage) -> Photo | None:
    if isinstance(document, Article):
        return document.photo
    return document.avatar if isinstance(document, Author) else None


def _image_line(lines: Mapping[str, int], file: str) -> int | None:
    return lines.get(f"image:{PurePosixPath(file).name}") or lines.get("body")


def _attributes(tag: str) -> dict[str, str]:
    """The attributes of an <img> tag, unescaped; the first of a repeated name wins."""
    inner = tag[4:].rstrip(">").rstrip("/")
    found: dict[str, str] = {}
    for name, double, single, bare in _ATTRIBUTE.findall(inner):
        found.setdefault(name.lower(), html.unescape(double or single or bare))
    return found


def _with_credit(caption: str, credit: str) -> str:
    span = f'<span class="credit">{html.escape(credit_text(credit), quote=False)}</span>'
    if not caption:
        return f"<figcaption>{span}</figcaption>"
    return caption.removesuffix("</figcaption>").rstrip() + f" {span}</figcaption>"


def responsive_photo(
    photo: Photo,
    info: PhotoInfo,
    found: tuple[Rendition, ...],
    cropped: tuple[tuple[str, Rendition], ...],
) -> Photo:
    """A photo with its files (a story photo also with its crops): src becomes the
    fallback file, the credit comes from the file when front matter gives none."""
    return replace(
        photo,
        src=fallback_rendition(found).url,
        credit=photo.credit or info.credit,
        width=info.width,
        height=info.height,
        renditions=found,
        crops=cropped,
    )


def srcset(found: Iterable[Rendition], mime: str, base_path: str) -> str:
    return ", ".join(f"{href(r.url, base_path)} {r.width}w" for r in found if r.mime == mime)


def picture_html(
    found: Sequence[Rendition],
    info: PhotoInfo,
    attributes: Mapping[str, str],
    base_path: str,
    sizes: str = BODY_SIZES,
) -> str:
    """A lazy <picture> for a photo in a body: WebP first, then the JPEG/PNG fallback."""
    fallback = fallback_rendition(found)
    kept = {k: v for k, v in attributes.items() if k not in _RESPONSIVE_ATTRIBUTES}
    kept.setdefault("alt", "")
    image = {
        "src": href(fallback.url, base_path),
        "srcset": srcset(found, fallback.mime, base_path),
        "sizes": sizes,
        "width": str(info.width),
        "height": str(info.height),
        **kept,
        "loading": "lazy",
        "decoding": "async",
    }
    shown = " ".join(f'{name}="{html.escape(value)}"' for name, value in image.items())
    webp = html.escape(srcset(found, "image/webp", base_path))
    return (
        f'<picture><source type="image/webp" srcset="{webp}" sizes="{sizes}">'
        f"<img {shown}></picture>"
    )


# --- After the graph: publish the files the site shows, and clean copied pictures ---------


def publish_photos(
    store: PhotoStore,
    names: Collection[str],
    copies: Sequence[Copy],
    config: SiteConfig,
) -> list[Copy]:
    """Every file to copy: the made photo files `names` (under /img/), and the other copies
    with pictures cleaned of metadata. The store then drops the files nobody uses."""
    problems: list[NewssiteError] = []
    published: dict[str, Copy] = {}
    for name in sorted(names):
        published[f"img/{name}"] = Copy(f"img/{name}", store.directory / name)
    for copy in copies:
        shown = _shown(copy.source, config.site_dir)
        if copy.path in published:
            problems.append(NewssiteError(f"collides with the photo file /{copy.path}", path=shown))
            continue
        try:
            published[copy.path] = store.clean_copy(copy)
        except PhotoProblem as problem:
            problems.append(NewssiteError(str(problem), path=shown))
        except OSError as error:
            problems.append(NewssiteError(f"cannot be read ({error.strerror})", path=shown))
    raise_all(problems, "some files cannot be published")
    store.save(prune=True, shown=names)
    return [published[path] for path in sorted(published)]


def shown_photos(document: Article | Author | StandalonePage, store: PhotoStore) -> tuple[str, ...]:
    """The made photo files (names under /img/) a processed document shows."""
    photo = _photo_of(document)
    names = made_file_names(photo) if photo is not None else []
    names += [name for name in made_files_in(_body(document)) if store.is_live(name)]
    return tuple(dict.fromkeys(names))


def made_file_names(photo: Photo) -> list[str]:
    """The names (under /img/) of the files made of a photo: its widths and crops."""
    made = [*photo.renditions, *(rendition for _, rendition in photo.crops)]
    return [r.url.removeprefix(IMG_URL) for r in made if r.url.startswith(IMG_URL)]


def made_files_in(body: str) -> list[str]:
    """The names (under /img/) of the made photo files a body's HTML shows."""
    if IMG_URL not in body:  # most stories show no photo in their text
        return []
    return [match.group(1) for match in _MADE_FILE.finditer(body)]


def _shown(path: Path, site_dir: Path) -> str:
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(site_dir)).as_posix()
    except ValueError:
        return str(path)
