"""What a picture file says besides its pixels: the credit a photographer embedded (EXIF,
IPTC, XMP), and metadata removed from files published as they are (location, camera,
names), without decoding them."""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ElementTree
import zlib
from dataclasses import dataclass

from PIL import Image, IptcImagePlugin

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
