"""Judging a built site with real parsers: html5lib for pages, lxml for XML, feedparser for feeds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import html5lib
from lxml import etree

XHTML = "{http://www.w3.org/1999/xhtml}"


def html_pages(output: Path) -> Iterator[Path]:
    yield from sorted(output.rglob("*.html"))


def parse_html(path: Path) -> etree._Element:
    tree = html5lib.parse(path.read_bytes(), treebuilder="lxml", namespaceHTMLElements=False)
    return tree.getroot()


def url_to_file(output: Path, url_path: str) -> Path:
    relative = unquote(url_path).lstrip("/")
    target = output / relative
    if url_path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def internal_links(document: etree._Element, base_path: str) -> Iterator[str]:
    """Every href/src that points inside the site (under base_path), without the fragment."""
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if value is None:
                continue
            parts = urlsplit(value)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            yield parts.path
        srcset = element.get("srcset")
        if srcset:
            for candidate in srcset.split(","):
                yield urlsplit(candidate.strip().split()[0]).path


def broken_links(output: Path, base_path: str) -> list[str]:
    """Internal links of every page that lead to no file in the output."""
    broken = []
    for page in html_pages(output):
        for link in internal_links(parse_html(page), base_path):
            if not link.startswith(base_path):
                broken.append(f"{page.relative_to(output)}: {link} (outside {base_path})")
                continue
            if not url_to_file(output, "/" + link[len(base_path) :]).is_file():
                broken.append(f"{page.relative_to(output)}: {link}")
    return sorted(set(broken))


def json_ld(document: etree._Element) -> list[dict[str, object]]:
    return [
        json.loads(script.text)
        for script in document.iter("script")
        if script.get("type") == "application/ld+json"
    ]


def meta(document: etree._Element, key: str) -> str | None:
    for element in document.iter("meta"):
        if element.get("property") == key or element.get("name") == key:
            return element.get("content")
    return None


def xml(path: Path) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.fromstring(path.read_bytes(), parser)


SITEMAP_NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "n": "http://www.google.com/schemas/sitemap-news/0.9",
}


def sitemap_locs(output: Path) -> list[str]:
    return [loc.text or "" for loc in xml(output / "sitemap.xml").iterfind(".//s:loc", SITEMAP_NS)]
