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
import json
import os
import posixpath
import re
import struct
import warnings
import xml.etree.ElementTree as ElementTree
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path, PurePosixPath
from typing import TypeVar
from urllib.parse import unquote

from PIL import Image, ImageOps, IptcImagePlugin, UnidentifiedImageError

from newssite.cache import BuildCache
from newssite.config import SiteConfig
from newssite.errors import NewssiteError, raise_all
from newssite.markup import ASSET_SCHEME, FIGURE_CLASS, credit_text
from newssite.model import Article, Author, Photo, Rendition, StandalonePage
from newssite.parse import Documents
from newssite.urls import href
from newssite.write import Copy

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
CLEAN_RECIPE = "clean-1"
WEBP_OPTIONS: Mapping[str, object] = {"quality": 80, "method": 4}
JPEG_OPTIONS: Mapping[str, object] = {"quality": 82, "optimize": True, "progressive": True}
PNG_OPTIONS: Mapping[str, object] = {"compress_level": 6}
LEAD_SIZES = "(max-width: 47.99rem) 100vw, (min-width: 66.5rem) 64rem, calc(100vw - 2.5rem)"
BODY_SIZES = "(min-width: 43.5rem) 41rem, calc(100vw - 2rem)"
INDEX_NAME = "index.json"
INDEX_VERSION = 1
PARALLEL_MIN = 4
_ORIENTATION = 0x0112
_ARTIST = 0x013B
_COPYRIGHT = 0x8298
_DC = "{http://purl.org/dc/elements/1.1/}"
_PHOTOSHOP = "{http://ns.adobe.com/photoshop/1.0/}"
_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"


class PhotoProblem(Exception):
    """A file that cannot be used as a photo; the message says why, for a reporter."""


@dataclass(frozen=True, slots=True)
class PhotoInfo:
    """What a photo file is, read by Pillow once and cached by the hash of its bytes."""

    width: int  # upright: EXIF orientation applied
    height: int
    format: str
    alpha: bool  # has transparent pixels: the fallback is PNG, not JPEG
    credit: str = ""  # from the file's own IPTC, XMP or EXIF fields
    animated: bool = False


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


def embedded_credit(image: Image.Image) -> str:
    """The credit a photo carries itself: creator and credit line from IPTC, XMP or EXIF."""
    iptc = _iptc_fields(image)
    xmp = _xmp_fields(image)
    exif = image.getexif()
    creator = iptc.get("by-line") or xmp.get("creator") or _clean(exif.get(_ARTIST))
    agency = iptc.get("credit") or xmp.get("credit")
    if creator and agency and agency.casefold() not in creator.casefold():
        return f"{creator}/{agency}"
    return creator or agency or _copyright_holder(_clean(exif.get(_COPYRIGHT)))


def _clean(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return " ".join(str(value).replace("\x00", " ").split()) if value else ""


def _copyright_holder(text: str) -> str:
    return re.sub(
        r"^(?:copyright|©|\(c\))?\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?[\s,.]*", "", text, flags=re.I
    )


def _iptc_fields(image: Image.Image) -> dict[str, str]:
    try:
        data = IptcImagePlugin.getiptcinfo(image) or {}
    except (OSError, SyntaxError, ValueError, IndexError, struct.error):
        return {}
    found = {}
    for name, key in (("by-line", (2, 80)), ("credit", (2, 110))):
        value = data.get(key)
        values = value if isinstance(value, list) else [value] if value else []
        texts = [_decode_iptc(item) for item in values]
        found[name] = ", ".join(text for text in texts if text)
    return found


def _decode_iptc(value: bytes) -> str:
    try:
        return _clean(value.decode("utf-8"))
    except UnicodeDecodeError:
        return _clean(value.decode("latin-1"))


def _xmp_fields(image: Image.Image) -> dict[str, str]:
    raw = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp")
    if not raw:
        return {}
    data = raw if isinstance(raw, bytes) else str(raw).encode("utf-8")
    try:
        root = ElementTree.fromstring(data.strip(b"\x00 \r\n\t"))
    except ElementTree.ParseError:
        return {}
    creators = [
        _clean(item.text) for tag in root.iter(f"{_DC}creator") for item in tag.iter(f"{_RDF}li")
    ]
    credit = next(
        (
            _clean(d.get(f"{_PHOTOSHOP}Credit"))
            for d in root.iter(f"{_RDF}Description")
            if d.get(f"{_PHOTOSHOP}Credit")
        ),
        "",
    )
    credit = credit or next((_clean(tag.text) for tag in root.iter(f"{_PHOTOSHOP}Credit")), "")
    return {"creator": ", ".join(c for c in creators if c), "credit": credit}


# --- Metadata removal for files published as they are (pure) ------------------------------

_SAFE_JPEG_APP = {0xE0: b"JFIF\x00", 0xE2: b"ICC_PROFILE\x00", 0xEE: b"Adobe"}
_PNG_KEPT = frozenset(
    {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT"}
    | {b"bKGD", b"pHYs", b"acTL", b"fcTL", b"fdAT", b"cICP", b"mDCv", b"cLLi"}
)
_GIF_KEPT_APPS = (b"NETSCAPE2.0", b"ANIMEXTS1.0")


def sniff(data: bytes) -> str:
    """The kind of picture in data, from its first bytes: jpeg, png, webp, gif, a kind that
    cannot be cleaned (tiff, heif, avif), or "" for anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if data[4:8] == b"ftyp":
        return "avif" if data[8:12] in (b"avif", b"avis") else "heif"
    return ""


def strip_metadata(data: bytes) -> bytes:
    """The same picture without EXIF, GPS, XMP, IPTC, comments or trailing data, pixels
    untouched; the EXIF orientation is kept so the picture stays upright."""
    kind = sniff(data)
    strip = {"jpeg": _strip_jpeg, "png": _strip_png, "webp": _strip_webp, "gif": _strip_gif}
    if kind in ("tiff", "heif", "avif"):
        raise PhotoProblem(
            f"newssite cannot remove the metadata (such as GPS) of {kind.upper()} files; "
            "convert it to JPEG, PNG or WebP"
        )
    if kind not in strip:
        return data
    try:
        return strip[kind](data)
    except (IndexError, ValueError, struct.error) as error:
        raise PhotoProblem(f"is a broken {kind.upper()} file ({error})") from None


def _orientation(tiff: bytes) -> int:
    exif = Image.Exif()
    try:
        exif.load(tiff)
        value = int(exif.get(_ORIENTATION, 1))
    except (OSError, SyntaxError, ValueError, TypeError, struct.error):
        return 1
    return value if 2 <= value <= 8 else 1


def _orientation_only(orientation: int) -> bytes:
    """A minimal EXIF block ("Exif\\0\\0" + TIFF) holding nothing but the orientation."""
    exif = Image.Exif()
    exif[_ORIENTATION] = orientation
    return exif.tobytes()


def _strip_jpeg(data: bytes) -> bytes:
    kept: list[bytes] = []
    orientation = 1
    position = 2
    while True:
        if data[position] != 0xFF:
            raise ValueError(f"no marker at byte {position}")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xD9:
            break
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            kept.append(data[position : position + 2])
            position += 2
            continue
        length = struct.unpack(">H", data[position + 2 : position + 4])[0]
        end = position + 2 + length
        if end > len(data):
            raise ValueError("truncated segment")
        payload = data[position + 4 : end]
        if marker == 0xE1 and payload.startswith(b"Exif\x00\x00"):
            orientation = _orientation(payload[6:])
        app = 0xE0 <= marker <= 0xEF or marker == 0xFE
        if not app or payload.startswith(_SAFE_JPEG_APP.get(marker, b"\x00never")):
            kept.append(data[position:end])
        position = end
        if marker == 0xDA:  # entropy-coded data runs to the next marker
            scan_end = _next_jpeg_marker(data, position)
            kept.append(data[position:scan_end])
            position = scan_end
            if position >= len(data):
                break
    head = b"\xff\xd8"
    if orientation != 1:
        exif = _orientation_only(orientation)
        segment = b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
        at = 1 if kept and kept[0].startswith(b"\xff\xe0") else 0
        kept.insert(at, segment)
    return head + b"".join(kept) + b"\xff\xd9"


def _next_jpeg_marker(data: bytes, position: int) -> int:
    while True:
        position = data.find(b"\xff", position)
        if position < 0 or position + 1 >= len(data):
            return len(data)  # no end marker: keep what is there, the end marker is added
        following = data[position + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            position += 2
        elif following == 0xFF:
            position += 1
        else:
            return position


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _strip_png(data: bytes) -> bytes:
    out = [data[:8]]
    position = 8
    orientation = 1
    while position < len(data):
        length = struct.unpack(">I", data[position : position + 4])[0]
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if end > len(data):
            raise ValueError("truncated chunk")
        if kind == b"eXIf":
            orientation = _orientation(data[position + 8 : end - 4])
        if kind == b"IDAT" and orientation != 1:
            out.append(_png_chunk(b"eXIf", _orientation_only(orientation)[6:]))
            orientation = 1
        if kind in _PNG_KEPT:
            out.append(data[position:end])
        position = end
        if kind == b"IEND":
            break
    return b"".join(out)


def _strip_webp(data: bytes) -> bytes:
    chunks = []
    position = 12
    orientation = 1
    while position + 8 <= len(data):
        kind = data[position : position + 4]
        length = struct.unpack("<I", data[position + 4 : position + 8])[0]
        end = position + 8 + length + (length & 1)
        if position + 8 + length > len(data):
            raise ValueError("truncated chunk")
        if kind == b"EXIF":
            orientation = _orientation(data[position + 8 : position + 8 + length])
        elif kind != b"XMP ":
            chunks.append(bytearray(data[position:end]))
        position = end
    if chunks and chunks[0][:4] == b"VP8X":
        chunks[0][8] &= ~0x0C & 0xFF  # no EXIF, no XMP
        if orientation != 1:
            exif = _orientation_only(orientation)[6:]
            pad = b"\x00" if len(exif) & 1 else b""
            chunks.append(bytearray(b"EXIF" + struct.pack("<I", len(exif)) + exif + pad))
            chunks[0][8] |= 0x08
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _strip_gif(data: bytes) -> bytes:
    packed = data[10]
    position = 13 + (3 * 2 ** ((packed & 7) + 1) if packed & 0x80 else 0)
    out = [data[:position]]
    while position < len(data):
        introducer = data[position]
        if introducer == 0x3B:
            break
        if introducer == 0x21:
            label = data[position + 1]
            end = _gif_sub_blocks(data, position + 2)
            block = data[position:end]
            application = block[3:14] if label == 0xFF else b""
            if label in (0xF9, 0x01) or application in _GIF_KEPT_APPS:
                out.append(block)
            position = end
        elif introducer == 0x2C:
            packed = data[position + 9]
            table = 3 * 2 ** ((packed & 7) + 1) if packed & 0x80 else 0
            end = _gif_sub_blocks(data, position + 10 + table + 1)
            out.append(data[position:end])
            position = end
        else:
            raise ValueError(f"unknown block 0x{introducer:02x}")
    return b"".join(out) + b"\x3b"


def _gif_sub_blocks(data: bytes, position: int) -> int:
    while True:
        size = data[position]
        position += 1 + size
        if size == 0:
            return position


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
        _put(self.directory, name, data)
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

    def save(self, *, prune: bool) -> None:
        """Write the index; with prune, drop files and entries this build did not use."""
        if not self.writable:
            return
        if prune:
            files = {k: v for k, v in self._files.items() if k in self._live_files}
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


def _put(directory: Path, name: str, data: bytes) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    temporary = directory / f".{name}.{os.getpid()}.tmp"
    temporary.write_bytes(data)
    os.replace(temporary, directory / name)


def _process_photo(job: tuple[str, str, bool, str | None]) -> PhotoInfo | str:
    """Examine one photo and, given a folder, write its files there (runs in a worker)."""
    path, key, with_crops, directory = job
    try:
        info, picture, icc = examine(Path(path))
        if directory is not None:
            for name, data in make_files(picture, info, icc, key, with_crops):
                _put(Path(directory), name, data)
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
    names: Iterable[str],
    copies: Sequence[Copy],
    config: SiteConfig,
    *,
    prune: bool = True,
) -> list[Copy]:
    """Every file to copy: the made photo files `names` (under /img/), and the other copies
    with pictures cleaned of metadata. With prune, the store then drops unused files (a
    build that processed only some documents' photos keeps them)."""
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
    store.save(prune=prune)
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
