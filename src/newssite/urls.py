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
    if unicodedata.normalize("NFC", slug) != slug:
        position, ch = next(
            (i, ch) for i, ch in enumerate(slug) if unicodedata.combining(ch) or not ch.isascii()
        )
        return (
            f"invalid slug: character U+{ord(ch):04X} at position {position} is not in "
            "composed (NFC) form; retype the word"
        )
    for word_start, word in _words(slug):
        scripts = {_script(ch) for ch in word} - {None}
        if len(scripts) > 1:
            position, ch = next((i, ch) for i, ch in enumerate(word) if not ch.isascii())
            return (
                f"invalid slug: contains non-ASCII character U+{ord(ch):04X} at position "
                f"{word_start + position}, in a word that mixes scripts ({', '.join(sorted(scripts))})"
            )
    return f"invalid slug {slug!r}: use lowercase letters, digits and single dashes"


def is_slug(text: str) -> bool:
    """Lowercase letters of any script and digits, in words joined by single dashes, NFC,
    each word in one script (so a Cyrillic "а" cannot pass for a Latin "a")."""
    if SLUG_PATTERN.match(text):
        return True
    if not text or len(text) > MAX_SLUG_LENGTH or unicodedata.normalize("NFC", text) != text:
        return False
    for _, word in _words(text):
        if not word or not all(_slug_character(ch) for ch in word) or not word[0].isalnum():
            return False
        if len({_script(ch) for ch in word} - {None}) > 1:
            return False
    return text == text.lower()


def _words(text: str) -> list[tuple[int, str]]:
    found, start = [], 0
    for word in text.split("-"):
        found.append((start, word))
        start += len(word) + 1
    return found


def _slug_character(ch: str) -> bool:
    if ch.isascii():
        return ch.isdigit() or "a" <= ch <= "z"
    return ch.isalnum() or unicodedata.category(ch) in ("Mn", "Mc")


_EAST_ASIAN = frozenset(
    {"CJK", "HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA", "HANGUL", "IDEOGRAPHIC", "BOPOMOFO"}
)


def _script(ch: str) -> str | None:
    """The script of a letter, from its Unicode name ("GREEK SMALL LETTER ALPHA" -> GREEK);
    None for digits, marks and anything that is not a letter."""
    if not ch.isalpha():
        return None
    script = unicodedata.name(ch, "UNKNOWN").split()[0]
    return "EAST-ASIAN" if script in _EAST_ASIAN else script


def alias_segment_ok(segment: str) -> bool:
    """A path segment of an old URL: letters of any script, digits and `._~-`."""
    return all(
        ch in "._~-"
        or (ch.isascii() and ch.isalnum())
        or (not ch.isascii() and (ch.isalnum() or unicodedata.category(ch) in ("Mn", "Mc")))
        for ch in segment
    )


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
