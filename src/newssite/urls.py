"""Slugs, URLs and output paths: every URL pattern of the site lives here."""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Co", "Cs", "Zl", "Zp"})
MAX_SLUG_LENGTH = 120


class InvalidSlugError(ValueError):
    """Text that cannot become a slug (nothing left after transliteration)."""


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by dashes; Unicode is transliterated ("Café" -> "cafe")."""
    normal = unicodedata.normalize("NFC", text)
    visible = "".join(ch for ch in normal if unicodedata.category(ch) not in _INVISIBLE_CATEGORIES)
    ascii_text = anyascii(visible).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    slug = slug[:MAX_SLUG_LENGTH].rstrip("-")
    if not slug:
        raise InvalidSlugError(f"cannot make a slug from {text!r}")
    return slug


def explain_bad_slug(slug: str) -> str:
    """Why an explicit slug is refused, naming the first offending character."""
    for position, ch in enumerate(slug):
        if unicodedata.category(ch) in _INVISIBLE_CATEGORIES:
            return f"invalid slug: contains invisible or bidi character U+{ord(ch):04X} at position {position}"
        if not ch.isascii():
            return (
                f"invalid slug: contains non-ASCII character U+{ord(ch):04X} at position {position}"
            )
    return f"invalid slug {slug!r}: use lowercase a-z, 0-9 and single dashes"


def article_url(section: str, slug: str) -> str:
    return f"/{section}/{slug}/"


def section_url(section: str) -> str:
    return f"/{section}/"


def author_url(author: str) -> str:
    return f"/authors/{author}/"


def tag_url(tag: str) -> str:
    return f"/tags/{tag}/"


def page_url(slug: str) -> str:
    return f"/{slug}/"


def list_page_url(list_url: str, number: int) -> str:
    """The numbered archive page of a list; number 0 is the list's front page."""
    return list_url if number == 0 else f"{list_url}page/{number}/"


def feed_url(list_url: str) -> str:
    return f"{list_url}feed.xml"


def json_feed_url(atom_url: str) -> str:
    """The JSON Feed published next to an Atom feed: "/news/feed.xml" -> "/news/feed.json"."""
    return atom_url.removesuffix(".xml") + ".json"


def output_path(url: str) -> str:
    """Where a URL is written inside the output folder: "/a/b/" -> "a/b/index.html"."""
    relative = url.lstrip("/")
    if url.endswith("/"):
        relative += "index.html"
    parts = [part for part in relative.split("/") if part not in ("", ".")]
    if not parts or ".." in parts:
        raise ValueError(f"unsafe output path for URL {url!r}")
    return "/".join(parts)


def href(url: str, base_path: str) -> str:
    """A site path as a link that respects the base_url sub-path."""
    if "://" in url or url.startswith(("mailto:", "tel:", "#", "//")):
        return url
    return base_path.rstrip("/") + "/" + url.lstrip("/")


def absolute(url: str, base_url: str) -> str:
    if "://" in url:
        return url
    return base_url.rstrip("/") + "/" + url.lstrip("/")


def url_key(url: str) -> str:
    """URLs that differ only in case or Unicode form would collide on some file systems."""
    return url.casefold() if url.isascii() else unicodedata.normalize("NFC", url).casefold()
