"""The stories the search index holds, and what Pagefind reads of each page (search.py
lays the stories out in levels and runs Pagefind; the render stage works out the pages'
search keys where it makes them)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from newssite.model import SearchShard

SEARCH_BUNDLE_URL = "/pagefind/"  # Pagefind's index and its UI, written by search.py


def search_shards(
    urls: Sequence[str], bundle: str = SEARCH_BUNDLE_URL, takedowns: Sequence[str] = ()
) -> tuple[SearchShard, ...]:
    """The searchable article URLs (oldest first) as the search index gets them: search.py
    lays them out in levels (levels.py). () when there is nothing to find. `bundle`: where
    the index goes (each edition has its own: "/uk/pagefind/"). `takedowns`: the URLs of
    stories taken down, which must leave no trace in the index."""
    return (SearchShard(bundle, tuple(urls), tuple(sorted(takedowns))),) if urls else ()


_HTML_TAG = re.compile(rb"<html\b[^>]*>", re.IGNORECASE)
_BODY_TAG = re.compile(rb"<([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*?\sdata-pagefind-body\b[^>]*>")
_DOCUMENT = (
    b'<!DOCTYPE html>\n%s\n<head><meta charset="utf-8"></head>\n<body>\n%s\n</body>\n</html>\n'
)


def searched_document(page: bytes) -> bytes | None:
    """What Pagefind reads of a page, as a small document: its <html> tag (the language)
    and its data-pagefind-body elements, whole. None when it has no such element, or
    something of Pagefind's but data-pagefind-ignore outside them (Pagefind then reads the
    whole page)."""
    html = _HTML_TAG.search(page)
    if html is None:
        return None
    bodies, outside, at = [], [], html.end()
    for found in _BODY_TAG.finditer(page, at):
        if found.start() < at:
            continue  # nested in a body already kept
        end = _element_end(page, found.group(1), found.end())
        if end is None:
            return None
        outside.append(page[at : found.start()])
        bodies.append(page[found.start() : end])
        at = end
    outside.append(page[at:])
    # Outside the bodies Pagefind indexes no text, so an element there that it is told to
    # ignore (the support box of the footer) changes nothing; any other attribute of
    # Pagefind's there (a filter, meta or sort) and it reads the whole page.
    if not bodies or any(
        b"data-pagefind-" in part.replace(b"data-pagefind-ignore", b"") for part in outside
    ):
        return None
    return _DOCUMENT % (html.group(0), b"\n".join(bodies))


_IGNORED_TAG = re.compile(rb"<([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*?\sdata-pagefind-ignore\b[^>]*>")


def indexed_part(document: bytes) -> bytes:
    """A searched document without the text of the elements Pagefind ignores
    (data-pagefind-ignore): what its index of the page is made from. So a page whose author
    box, age notice, series links or live updates changed keeps its key and is not indexed
    again. Pagefind still takes its filters, meta and sort from an ignored element, and the
    page's image and title from the first <img> and <h1> when no meta names them: an
    ignored element that holds any of these keeps its images, or stays whole. An element
    whose end cannot be found keeps the document whole."""
    kept, at = [], 0
    for found in _IGNORED_TAG.finditer(document):
        if found.start() < at:
            continue  # nested in an element already left out
        end = _element_end(document, found.group(1), found.end())
        if end is None:
            return document
        inside = document[found.end() : end]
        if b"data-pagefind-" in inside.replace(b"data-pagefind-ignore", b"") or _H1.search(inside):
            continue
        kept.append(document[at : found.start()])
        kept.extend(_IMG_TAG.findall(inside))
        at = end
    kept.append(document[at:])
    return b"".join(kept)


_IMG_TAG = re.compile(rb"<img\b[^>]*>", re.IGNORECASE)
_H1 = re.compile(rb"<h1\b", re.IGNORECASE)


def _element_end(page: bytes, name: bytes, start: int) -> int | None:
    """Where the element whose start tag ends at `start` ends (after its end tag)."""
    tags = re.compile(rb"<(/?)" + re.escape(name) + rb"\b[^>]*>", re.IGNORECASE)
    depth = 1
    for tag in tags.finditer(page, start):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.end()
    return None


def search_key(page: bytes) -> tuple[str, bytes | None]:
    """A story page's search key (the sha256 of what Pagefind indexes of it: a page whose
    key is unchanged is not indexed again) and what Pagefind reads of it."""
    document = searched_document(page)
    return hashlib.sha256(
        page if document is None else indexed_part(document)
    ).hexdigest(), document
