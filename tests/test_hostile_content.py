"""Bad or hostile content, through the real command line.

A newsroom's files come from many hands and tools, so the build must refuse what it cannot
read with an error an editor can act on, and never publish a half-built site. A rejected
source must give exit code 1, a `path:LINE: field: message` line on stderr, no traceback,
and the previous output/ exactly as it was (Published.reject checks all of that). Content
that is merely hostile (script in a title, template syntax, raw HTML) must build, and the
output is judged with real parsers: html5lib for pages, lxml (strict) for XML, feedparser
for feeds."""

from __future__ import annotations

import io
import json
import os
import re
import resource
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element

import feedparser
import html5lib
import pytest
from lxml import etree
from PIL import Image

from conftest import (
    DEFAULT_CONFIG,
    MakeSite,
    Result,
    assert_rejected,
    story,
    tree_digest,
    write_files,
)

Cli = Callable[..., Result]
ATOM = "{http://www.w3.org/2005/Atom}"
ARTICLE = "content/articles/a.md"


# --- helpers -------------------------------------------------------------------------------


def line_of(text: str, start: str) -> int:
    """The 1-based number of the first line of text that starts with `start`."""
    for number, line in enumerate(text.split("\n"), 1):
        if line.startswith(start):
            return number
    raise AssertionError(f"no line starting with {start!r} in {text!r}")


# Where story() (conftest) writes its fields: "---" is line 1, extra fields follow section.
TITLE_LINE = line_of(story(), "title:")
DATE_LINE = line_of(story(), "date:")
FIRST_EXTRA_LINE = line_of(story(slug="x"), "slug:")


def problem(result: Result, path: str, field: str | None, line: int | None) -> str:
    """The message of the stderr line `path:LINE: field: message`; fails if there is none."""
    prefix = path + (f":{line}" if line is not None else "") + ": "
    prefix += f"{field}: " if field else ""
    found = [text for text in result.err.splitlines() if text.startswith(prefix)]
    assert found, f"no error line starting with {prefix!r} in stderr:\n{result.err}"
    return found[0][len(prefix) :]


@dataclass
class Published:
    """A site built once with good content; `digest` is its output/ at that moment."""

    site: Path
    digest: dict[str, str]
    cli: Cli

    def build(self, *args: str) -> Result:
        return self.cli("build", "--site", str(self.site), *args)

    def build_ok(self, files: Mapping[str, str | bytes] | None = None) -> Result:
        write_files(self.site, files or {})
        result = self.build()
        assert result.code == 0, result.err
        assert "Traceback" not in result.err
        return result

    def reject(self, files: Mapping[str, str | bytes] | None = None) -> Result:
        """Write the files and build: a clean rejection (exit 1, no traceback, output/ as it
        was, no staging folders left); the caller checks the error line itself."""
        write_files(self.site, files or {})
        result = self.build()
        assert_rejected(result, self.site, self.digest)
        return result

    @property
    def output(self) -> Path:
        return self.site / "output"


@pytest.fixture
def published(make_site: MakeSite, cli: Cli) -> Published:
    site = make_site(
        {
            ARTICLE: story(),
            "content/articles/b.md": story("Harbor reopens after storm", section="sports"),
        }
    )
    result = cli("build", "--site", str(site))
    assert result.code == 0, result.err
    digest = tree_digest(site / "output")
    assert "news/a/index.html" in digest
    return Published(site, digest, cli)


def parse_page(path: Path) -> Element:
    return html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)


def text_of(element: Element) -> str:
    return "".join(element.itertext())


def html_files(output: Path) -> Iterator[Path]:
    yield from sorted(output.rglob("*.html"))


_URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "poster", "srcset", "xlink:href"}
)
_DANGEROUS_SCHEME = re.compile(r"^(?:javascript|vbscript|data):", re.IGNORECASE)


def unsafe_markup(document: Element, where: str) -> list[str]:
    """Scripts the theme did not put there, on* handlers and script URLs in a parsed page."""
    found = []
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "script":
            trusted = element.get("type") == "application/ld+json" or (
                element.get("src") and not text_of(element).strip()
            )
            if not trusted:
                found.append(f"{where}: <script> {text_of(element)[:60]!r}")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"{where}: <{element.tag} {name}=...>")
            compact = re.sub(r"[\x00-\x20]", "", value)
            if name in _URL_ATTRIBUTES and _DANGEROUS_SCHEME.match(compact):
                found.append(f"{where}: <{element.tag} {name}={value!r}>")
    return found


def assert_safe_site(output: Path) -> None:
    """Every page, and the HTML inside every feed entry, carries no script the theme did not."""
    problems: list[str] = []
    for path in html_files(output):
        problems += unsafe_markup(parse_page(path), path.relative_to(output).as_posix())
    for path in sorted(output.rglob("feed.xml")):
        for content in etree.fromstring(path.read_bytes()).iter(f"{ATOM}content"):
            fragment = html5lib.parseFragment(content.text or "", namespaceHTMLElements=False)
            problems += unsafe_markup(fragment, f"{path.relative_to(output)} <content>")
    assert problems == []


def parse_all_xml(output: Path) -> dict[str, etree._Element]:
    """Every XML file parsed strictly (lxml raises on any well-formedness error)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return {
        path.relative_to(output).as_posix(): etree.fromstring(path.read_bytes(), parser)
        for path in sorted(output.rglob("*.xml"))
    }


def page_title_and_h1(path: Path) -> tuple[str, str]:
    document = parse_page(path)
    title = document.find(".//head/title")
    h1 = document.find(".//h1")
    assert title is not None and h1 is not None, path
    return text_of(title), " ".join(text_of(h1).split())


def json_ld(path: Path) -> list[dict[str, object]]:
    document = parse_page(path)
    return [
        json.loads(text_of(script))
        for script in document.iter("script")
        if script.get("type") == "application/ld+json"
    ]


# --- front matter that is not front matter ---------------------------------------------------


@pytest.mark.parametrize(
    ("front_matter", "field"),
    [
        ("title: [unclosed\ndate: 2026-11-20\nauthor: ana\nsection: news\n", "title"),
        ('title: "unclosed\ndate: 2026-11-20\nauthor: ana\nsection: news\n', "title"),
        ("title: A\ntags: {a: 1\ndate: 2026-11-20\nauthor: ana\nsection: news\n", "tags"),
    ],
    ids=["flow-sequence", "quoted-scalar", "flow-mapping"],
)
def test_yaml_syntax_error_points_at_the_file_line_where_it_opens(
    published: Published, front_matter: str, field: str
) -> None:
    source = f"---\n{front_matter}---\nBody.\n"
    result = published.reject({ARTICLE: source})
    # File coordinates: the opening "---" is line 1, so the first key is line 2.
    message = problem(result, ARTICLE, field, line_of(source, f"{field}:"))
    assert "YAML syntax error" in message


def test_yaml_error_without_an_opener_names_the_line_it_is_on(published: Published) -> None:
    source = "---\ntitle: A\ndate: 2026-11-20\nauthor: ana: x\nsection: news\n---\nBody.\n"
    result = published.reject({ARTICLE: source})
    assert "YAML syntax error" in problem(result, ARTICLE, "author", line_of(source, "author:"))


def test_unterminated_front_matter_is_an_error_not_body(published: Published) -> None:
    source = "---\ntitle: Council passes budget\ndate: 2026-11-20\nauthor: ana\nsection: news\n"
    result = published.reject({ARTICLE: source + "\nThe council voted.\n"})
    assert "unterminated front matter" in problem(result, ARTICLE, None, 1)


def test_byte_order_mark_is_stripped_and_the_metadata_kept(published: Published) -> None:
    title = "Council passes budget with a BOM"
    published.build_ok({ARTICLE: "\ufeff" + story(title, body="Only the body.\n")})
    page = published.output / "news/a/index.html"
    assert page_title_and_h1(page)[1] == title
    body = parse_page(page).find(".//*[@class='article-body']")
    assert body is not None
    assert text_of(body).strip() == "Only the body."
    assert b"\xef\xbb\xbf" not in page.read_bytes()


@pytest.mark.parametrize(
    ("front_matter", "kind"),
    [("- a\n- b\n", "list"), ("just a sentence\n", "single value"), ("42\n", "single value")],
    ids=["list", "scalar", "number"],
)
def test_front_matter_must_be_a_mapping(published: Published, front_matter: str, kind: str) -> None:
    result = published.reject({ARTICLE: f"---\n{front_matter}---\nBody.\n"})
    message = problem(result, ARTICLE, None, 2)
    assert "mapping" in message
    assert kind in message


@pytest.mark.parametrize("source", ["Just a body.\n", "---\n---\nJust a body.\n"])
def test_no_front_matter_names_every_missing_required_field(
    published: Published, source: str
) -> None:
    result = published.reject({ARTICLE: source})
    for field in ("title", "date", "author", "section"):
        assert "missing" in problem(result, ARTICLE, field, 1)


# --- fields of the wrong type or value -------------------------------------------------------


@pytest.mark.parametrize("missing", ["title", "date", "author", "section"])
def test_each_missing_required_field_is_named(published: Published, missing: str) -> None:
    full = story()
    source = "\n".join(line for line in full.split("\n") if not line.startswith(f"{missing}:"))
    result = published.reject({ARTICLE: source})
    # A missing key has no line of its own: the error points at the front matter (line 1).
    assert "missing" in problem(result, ARTICLE, missing, 1)
    errors = [line for line in result.err.splitlines() if line.startswith(ARTICLE)]
    assert len(errors) == 1, result.err


def test_all_errors_of_the_tree_are_reported_in_one_run_sorted_by_path(
    published: Published,
) -> None:
    files = {
        "content/articles/z/late.md": story(date="2026-02-30"),
        "content/articles/c.md": story("!123"),
        ARTICLE: story(tags="breaking"),
        "content/articles/m/mid.md": story(section="sprots"),
    }
    result = published.reject(files)
    for path, field in [
        ("content/articles/z/late.md", "date"),
        ("content/articles/c.md", "title"),
        (ARTICLE, "tags"),
        ("content/articles/m/mid.md", "section"),
    ]:
        problem(result, path, field, line_of(files[path], f"{field}:"))
    paths = [line.split(":")[0] for line in result.err.splitlines() if line.startswith("content/")]
    assert paths == sorted(files)


@pytest.mark.parametrize("value", ["123", "null", "''", "'   '", "[a, b]", "{x: 1}", "true"])
def test_title_must_be_non_empty_text(published: Published, value: str) -> None:
    source = story(f"!{value}")
    problem(published.reject({ARTICLE: source}), ARTICLE, "title", line_of(source, "title:"))


@pytest.mark.parametrize("value", ["breaking", "[1, true]", "[a, [b]]", "{a: b}", "7"])
def test_tags_must_be_a_list_of_text(published: Published, value: str) -> None:
    source = story(tags=value)
    result = published.reject({ARTICLE: source})
    assert "list" in problem(result, ARTICLE, "tags", line_of(source, "tags:"))


def test_yaml_1_1_booleans_and_sexagesimals_stay_text(published: Published) -> None:
    theme = (
        '{% extends "default/article.html" %}\n'
        "{% block newsfeed %}<dl id=extra>{% for key, value in story.extra|dictsort %}"
        "<dt>{{ key }}</dt><dd>{{ value }}</dd>{% endfor %}</dl>{% endblock %}\n"
    )
    source = story("!NO", summary="12:30:00", country="NO", answer="off", time="12:30:00")
    published.build_ok({ARTICLE: source, "themes/default/templates/article.html": theme})
    page = published.output / "news/a/index.html"
    assert page_title_and_h1(page)[1] == "NO"
    document = parse_page(page)
    dek = document.find(".//p[@class='story__dek']")
    assert dek is not None and text_of(dek) == "12:30:00"
    extra = document.find(".//dl[@id='extra']")
    assert extra is not None
    values = dict(
        zip(
            (text_of(e) for e in extra.iter("dt")),
            (text_of(e) for e in extra.iter("dd")),
            strict=True,
        )
    )
    assert values == {"answer": "off", "country": "NO", "time": "12:30:00"}


def test_a_decimal_in_a_text_field_is_an_error_not_a_float(published: Published) -> None:
    source = story(summary="1.10")
    result = published.reject({ARTICLE: source})
    problem(result, ARTICLE, "summary", line_of(source, "summary:"))


def test_duplicate_key_names_both_lines(published: Published) -> None:
    source = story("A").replace("title: 'A'\n", "title: A\ntitle: B\n")
    result = published.reject({ARTICLE: source})
    second = line_of(source, "title: B")
    message = problem(result, ARTICLE, "title", second)
    assert "duplicate key" in message
    assert f"line {line_of(source, 'title:')}" in message


def test_duplicate_nested_key_is_named_with_its_path(published: Published) -> None:
    source = story(photo="\n  src: https://img.example/a.jpg\n  src: https://img.example/b.jpg")
    result = published.reject({ARTICLE: source})
    assert "duplicate key" in problem(
        result, ARTICLE, "photo.src", line_of(source, "  src: https://img.example/b")
    )


@pytest.mark.parametrize(
    "value", ["2024-02-30", "tomorrow", "2024-13-01T00:00", "'2024-01-01 25:00'", "''"]
)
def test_invalid_dates_are_named(published: Published, value: str) -> None:
    result = published.reject({ARTICLE: story(date=value)})
    message = problem(result, ARTICLE, "date", DATE_LINE)
    assert "invalid date" in message
    assert repr(value.strip("'")) in message


@pytest.mark.parametrize("value", ["20240101", "true", "[2024-01-01]"])
def test_a_date_that_is_not_text_is_named(published: Published, value: str) -> None:
    result = published.reject({ARTICLE: story(date=value)})
    assert "date" in problem(result, ARTICLE, "date", DATE_LINE)


# --- time zones ------------------------------------------------------------------------------

BERLIN = DEFAULT_CONFIG.replace('timezone = "Europe/Kyiv"', 'timezone = "Europe/Berlin"')


@pytest.fixture
def berlin(make_site: MakeSite, cli: Cli) -> Published:
    site = make_site({ARTICLE: story()}, config=BERLIN)
    result = cli("build", "--site", str(site))
    assert result.code == 0, result.err
    return Published(site, tree_digest(site / "output"), cli)


def test_a_time_in_the_dst_gap_is_an_error(berlin: Published) -> None:
    result = berlin.reject({ARTICLE: story(date="2024-03-31 02:30:00")})
    message = problem(result, ARTICLE, "date", DATE_LINE)
    assert "nonexistent" in message
    assert "Europe/Berlin" in message


def test_a_time_in_the_dst_overlap_is_ambiguous(berlin: Published) -> None:
    result = berlin.reject({ARTICLE: story(date="2024-10-27 02:30:00")})
    message = problem(result, ARTICLE, "date", DATE_LINE)
    assert "ambiguous" in message
    assert "+01:00" in message and "+02:00" in message


@pytest.mark.parametrize("offset", ["+01:00", "+02:00"])
def test_an_overlap_time_with_an_offset_is_accepted(berlin: Published, offset: str) -> None:
    berlin.build_ok({ARTICLE: story(date=f"2024-10-27T02:30:00{offset}")})
    times = parse_page(berlin.output / "news/a/index.html").iter("time")
    assert f"2024-10-27T02:30:00{offset}" in {t.get("datetime") for t in times}


@pytest.fixture
def process_timezone() -> Iterator[Callable[[str], None]]:
    saved = os.environ.get("TZ")

    def use(name: str) -> None:
        os.environ["TZ"] = name
        time.tzset()

    yield use
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()


def test_output_does_not_depend_on_the_machine_time_zone(
    make_site: MakeSite, cli: Cli, process_timezone: Callable[[str], None]
) -> None:
    config = DEFAULT_CONFIG.replace('timezone = "Europe/Kyiv"', 'timezone = "America/New_York"')
    site = make_site({ARTICLE: story(date="2024-06-01 23:30:00")}, config=config)
    digests = []
    names = set()
    for zone in ("UTC", "Asia/Tokyo", "Pacific/Kiritimati"):
        process_timezone(zone)
        names.add(time.tzname[0])
        result = cli("build", "--site", str(site))
        assert result.code == 0, result.err
        digests.append(tree_digest(site / "output"))
    assert len(names) == 3, "the process time zone did not change"
    assert digests[0] == digests[1] == digests[2]
    feed = etree.fromstring((site / "output/feed.xml").read_bytes())
    entry = feed.find(f"{ATOM}entry")
    assert entry is not None
    assert entry.findtext(f"{ATOM}updated") == "2024-06-02T03:30:00Z"
    assert entry.findtext(f"{ATOM}published") == "2024-06-02T03:30:00Z"


# --- relations and URL collisions ------------------------------------------------------------


def test_unknown_author_is_named(published: Published) -> None:
    source = story(author="jdoe")
    message = problem(
        published.reject({ARTICLE: source}), ARTICLE, "author", line_of(source, "author:")
    )
    assert "unknown author 'jdoe'" in message
    assert "ana" in message


def test_unknown_co_author_in_a_list_is_named(published: Published) -> None:
    source = story(author="[ana, jdoe]")
    result = published.reject({ARTICLE: source})
    assert "'jdoe'" in problem(result, ARTICLE, "author", line_of(source, "author:"))


def test_unknown_section_suggests_the_close_one(published: Published) -> None:
    source = story(section="sprots")
    message = problem(
        published.reject({ARTICLE: source}), ARTICLE, "section", line_of(source, "section:")
    )
    assert "unknown section 'sprots'" in message
    assert "sports" in message


COLLISIONS = {
    "same-slug": ({"content/articles/2026/a.md": story("Another story")}, "/news/a/"),
    "explicit-slug": ({"content/articles/other.md": story(slug="a")}, "/news/a/"),
    "case": (
        {"content/articles/Cafe.md": story(), "content/articles/cafe.md": story()},
        "/news/cafe/",
    ),
    "nfc-nfd": (
        {
            unicodedata.normalize("NFC", "content/articles/café.md"): story(),
            unicodedata.normalize("NFD", "content/articles/café.md"): story(),
        },
        "/news/cafe/",
    ),
    "page-vs-section": (
        {"content/pages/news.md": "---\ntitle: About the news\n---\nx\n"},
        "/news/",
    ),
    "page-vs-generated": (
        {"content/pages/authors.md": "---\ntitle: Our people\n---\nx\n"},
        "/authors/",
    ),
}


@pytest.mark.parametrize("case", list(COLLISIONS))
def test_two_claims_on_one_url_name_the_url_and_every_claimant(
    published: Published, case: str
) -> None:
    files, url = COLLISIONS[case]
    result = published.reject(files)
    [error] = [line for line in result.err.splitlines() if url in line]
    assert error.startswith("content/")
    claimants = [*files, ARTICLE] if case in ("same-slug", "explicit-slug") else list(files)
    for name in claimants:  # exact names: an NFC and an NFD spelling are different files
        assert name in error, (name, error)
    if case.startswith("page-vs"):
        assert "generat" in error  # "the generated section page", "a file newssite generates"


def test_article_slug_on_the_pagination_prefix_is_an_error(published: Published) -> None:
    files = {f"content/articles/s{n}.md": story(f"Story {n}") for n in range(4)}
    files[ARTICLE] = story(slug="page")
    result = published.reject(files)
    pattern = rf"^{re.escape(ARTICLE)}(:\d+)?: slug: .*/news/page/"
    assert re.search(pattern, result.err, re.MULTILINE), result.err


# --- slugs -----------------------------------------------------------------------------------


def files_outside(root: Path, site: Path) -> set[str]:
    output = site / "output"
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if not p.is_relative_to(output) and not p.name.startswith("output.")
    }


@pytest.mark.parametrize(
    "slug",
    [
        "../../etc/passwd",
        "..%2f..%2fx",
        "'%2e%2e'",
        "a/b",
        "/tmp/evil",
        "'C:\\evil'",
        "'\\\\server\\share'",
        "'..'",
        "Budget",
        "a--b",
        "-a",
        "a.html",
    ],
)
def test_path_like_or_malformed_slugs_are_refused(
    published: Published, tmp_path: Path, slug: str
) -> None:
    before = files_outside(tmp_path, published.site)
    source = story(slug=slug)
    result = published.reject({ARTICLE: source})
    assert "invalid slug" in problem(result, ARTICLE, "slug", line_of(source, "slug:"))
    assert files_outside(tmp_path, published.site) == before


def test_slug_aiming_at_a_sibling_of_output_leaves_it_alone(published: Published) -> None:
    sibling = published.site / "output-evil"
    write_files(sibling, {"x/index.html": "original", "keep.txt": "kept"})
    before = tree_digest(sibling)
    source = story(slug="../output-evil/x")
    result = published.reject({ARTICLE: source})
    assert "invalid slug" in problem(result, ARTICLE, "slug", line_of(source, "slug:"))
    assert tree_digest(sibling) == before


@pytest.mark.parametrize(
    ("slug", "code", "position"),
    [
        ('"a\\u200bb"', "U+200B", 1),
        ('"abc\\u202egnp.exe"', "U+202E", 3),
        ("раураl", "U+0440", 0),
        ('"cafe\\u0301"', "U+0301", 4),
    ],
    ids=["zero-width", "rtl-override", "cyrillic", "combining"],
)
def test_invisible_bidi_and_non_ascii_slug_characters_are_named(
    published: Published, slug: str, code: str, position: int
) -> None:
    source = story(slug=slug)
    message = problem(published.reject({ARTICLE: source}), ARTICLE, "slug", FIRST_EXTRA_LINE)
    assert code in message
    assert f"position {position}" in message


def test_unicode_file_name_gives_a_stable_ascii_slug(published: Published) -> None:
    title = "Ünïcödé — Façade 日本語"
    name = "content/articles/Ünïcödé — Façade 日本語.md"
    # A date of its own, so the order of stories does not hang on how file names compare.
    source = story(title, date="2026-11-21T08:00:00+02:00")
    published.build_ok({unicodedata.normalize("NFC", name): source})
    first = tree_digest(published.output)
    pages = [p for p in first if p.startswith("news/unicode-facade")]
    assert len(pages) == 1, sorted(first)
    slug = pages[0].split("/")[1]
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug)
    page = published.output / pages[0]
    assert page_title_and_h1(page)[1] == title
    assert json_ld(page)[0]["headline"] == title
    feed = feedparser.parse((published.output / "feed.xml").read_bytes())
    assert feed.bozo == 0
    assert title in [entry.title for entry in feed.entries]

    # The same name in NFD (as macOS writes it) gives the same URL and the same bytes.
    (published.site / unicodedata.normalize("NFC", name)).unlink()
    write_files(published.site, {unicodedata.normalize("NFD", name): source})
    published.build_ok()
    assert tree_digest(published.output) == first


# --- bytes and YAML that attack the reader ---------------------------------------------------


def test_nul_in_front_matter_names_line_and_field(published: Published) -> None:
    source = story("!A\x00B")
    message = problem(published.reject({ARTICLE: source}), ARTICLE, "title", TITLE_LINE)
    assert "NUL" in message


def test_nul_in_body_names_the_body_line(published: Published) -> None:
    source = story(body="First line.\n\nNote: hello\x00world\n")
    result = published.reject({ARTICLE: source})
    assert "NUL" in problem(result, ARTICLE, "body", line_of(source, "Note:"))


def test_invalid_utf8_names_the_byte(published: Published) -> None:
    data = b"---\ntitle: caf\xe9\ndate: 2026-11-20\nauthor: ana\nsection: news\n---\nx\n"
    message = problem(published.reject({ARTICLE: data}), ARTICLE, None, 2)
    assert "invalid UTF-8" in message
    offset = data.index(b"\xe9")
    assert f"byte {offset}" in message


@pytest.mark.parametrize(
    "convert",
    [
        lambda text: text.replace("\n", "\r\n"),
        lambda text: "".join(
            line + ("\r\n" if n % 2 else "\n") for n, line in enumerate(text.split("\n")[:-1])
        ),
        lambda text: text.replace("\n", "\r"),
    ],
    ids=["crlf", "mixed", "lone-cr"],
)
def test_line_endings_do_not_change_the_output(
    published: Published, convert: Callable[[str], str]
) -> None:
    source = story(
        summary="A dek.", tags="[Harbor, City Hall]", body="Para one.\n\n## Sub\n\nPara two.\n"
    )
    published.build_ok({ARTICLE: source})
    with_lf = tree_digest(published.output)
    published.build_ok({ARTICLE: convert(source).encode("utf-8")})
    assert tree_digest(published.output) == with_lf


def test_large_body_builds(published: Published) -> None:
    paragraph = "The council met again on Tuesday to discuss the harbor budget. " * 8 + "\n\n"
    body = paragraph * (2_000_000 // len(paragraph))
    started = time.perf_counter()
    published.build_ok({ARTICLE: story(body=body)})
    assert time.perf_counter() - started < 20
    assert "min read" in (published.output / "news/a/index.html").read_text()


def test_file_over_the_size_limit_is_refused(published: Published) -> None:
    body = "x" * (6 * 1024 * 1024)
    message = problem(published.reject({ARTICLE: story(body=body)}), ARTICLE, None, None)
    assert "larger than" in message


def test_front_matter_over_the_cap_is_refused(published: Published) -> None:
    source = story(summary="'" + "x" * 70_000 + "'")
    message = problem(published.reject({ARTICLE: source}), ARTICLE, None, 1)
    assert "front matter too large" in message


@pytest.mark.parametrize(
    "front_matter",
    [
        "x: " + "[" * 10_000 + "]" * 10_000 + "\n",
        "x: " + "{a: " * 5_000 + "1" + "}" * 5_000 + "\n",
        "x:\n" + "".join("  " * depth + "-\n" for depth in range(1, 40)),
    ],
    ids=["flow-list", "flow-map", "block"],
)
def test_deep_nesting_is_an_error_not_a_recursion_crash(
    published: Published, front_matter: str
) -> None:
    source = f"---\ntitle: A\n{front_matter}---\nBody.\n"
    result = published.reject({ARTICLE: source})
    assert "RecursionError" not in result.err
    errors = [line for line in result.err.splitlines() if line.startswith(f"{ARTICLE}:")]
    assert len(errors) == 1, result.err
    assert re.match(rf"{re.escape(ARTICLE)}:\d+: ", errors[0]), errors[0]
    assert "nested too deeply" in errors[0]


def test_alias_bomb_is_refused_without_expanding_it(published: Published) -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 9):
        previous = chr(ord("a") + n - 1)
        name = chr(ord("a") + n)
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    source = "---\ntitle: Bomb\n" + "\n".join(levels) + "\n---\nBody.\n"
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = published.reject({ARTICLE: source})
    # Expanded, the nine levels of nine would be 387 million items: gigabytes, not kilobytes.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 50 * 1024
    message = problem(result, ARTICLE, "a", line_of(source, "a: &a"))
    assert "anchors and aliases are not allowed" in message


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system",
        "!!python/object/new:os.system",
        "!!python/name:os.system",
        "!!binary",
        "!custom",
    ],
)
def test_python_and_unknown_yaml_tags_are_refused(
    published: Published, tmp_path: Path, tag: str
) -> None:
    canary = tmp_path / "pwned"
    source = story(f'!{tag} ["touch {canary}"]')
    result = published.reject({ARTICLE: source})
    assert "unsupported YAML tag" in problem(result, ARTICLE, "title", TITLE_LINE)
    assert not canary.exists()


# --- hostile text and markup that must be neutralised ----------------------------------------

SCRIPT_TITLE = "</title><script>alert(1)</script>"
ATTRIBUTE_BREAKER = "\" onmouseover=\"alert(1)' onfocus='alert(2)"
TEMPLATE_TITLE = "{{ 7*7 }}{% raw %}"
HOSTILE_AUTHOR = "Ana & <b>Co</b> \"Q\" 'R'"
HOSTILE_BODY = """\
Intro paragraph {{ 7*7 }} and {% raw %}.

<script>alert(1)</script>

<img src=x onerror=alert(1)>

<a href="javascript:alert(1)">raw link</a> <a href="&#106;avascript:alert(1)">entity link</a>

<svg onload=alert(1)><script>alert(1)</script></svg>

<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">go</button></form>

[plain](javascript:alert(1)) [mixed](JaVaScRiPt:alert(2)) [entity](&#106;avascript:alert(3))
[hex](&#x6A;avascript:alert(4)) [tab](java&#x09;script:alert(5)) [vb](vbscript:msgbox(1))
![image](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
[spaced]( javascript:alert(6))

<div style="background:url(javascript:alert(1))" onclick="alert(1)">styled</div>
"""


@pytest.fixture
def hostile_site(make_site: MakeSite, cli: Cli) -> Path:
    def yaml_text(value: str) -> str:
        return json.dumps(value)  # JSON strings are YAML double-quoted scalars

    files = {
        "content/authors/ana.md": f"---\nname: {yaml_text(HOSTILE_AUTHOR)}\nrole: Reporter\n---\n"
        "Bio with <script>alert(1)</script> and [a link](javascript:alert(1)).\n",
        ARTICLE: story(
            f"!{yaml_text(SCRIPT_TITLE)}",
            date="2026-11-25T10:00:00+02:00",
            summary=yaml_text(ATTRIBUTE_BREAKER),
            tags=yaml_text([SCRIPT_TITLE, TEMPLATE_TITLE, "Harbor"]),
            image="javascript:alert(1)",
            canonical="data:text/html,<script>alert(1)</script>",
            body=HOSTILE_BODY,
        ),
        "content/articles/b.md": story(
            f"!{yaml_text(TEMPLATE_TITLE)}",
            date="2026-11-24T10:00:00+02:00",
            section="sports",
            summary=yaml_text("{{ config }} {{ self.__init__ }}"),
            tags="[Harbor]",
        ),
    }
    site = make_site(files)
    result = cli("build", "--site", str(site))
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    return site / "output"


def test_no_page_or_feed_carries_foreign_script(hostile_site: Path) -> None:
    assert_safe_site(hostile_site)


def test_hostile_title_is_text_in_every_html_page_that_shows_it(hostile_site: Path) -> None:
    article = hostile_site / "news/a/index.html"
    title, h1 = page_title_and_h1(article)
    assert SCRIPT_TITLE in title
    assert h1 == SCRIPT_TITLE
    document = parse_page(article)
    metas = {m.get("property") or m.get("name"): m.get("content") for m in document.iter("meta")}
    assert metas["og:title"] == SCRIPT_TITLE
    assert metas["twitter:title"] == SCRIPT_TITLE
    assert metas["description"] == ATTRIBUTE_BREAKER
    assert metas["og:description"] == ATTRIBUTE_BREAKER
    [data] = json_ld(article)
    assert data["headline"] == SCRIPT_TITLE
    assert data["description"] == ATTRIBUTE_BREAKER
    for listing in ("index.html", "news/index.html", "authors/ana/index.html"):
        document = parse_page(hostile_site / listing)
        assert SCRIPT_TITLE in {" ".join(text_of(a).split()) for a in document.iter("a")}, listing
    tag_pages = [
        p for p in sorted((hostile_site / "tags").glob("*/index.html")) if "script" in p.parent.name
    ]
    assert len(tag_pages) == 1
    assert page_title_and_h1(tag_pages[0])[1] == SCRIPT_TITLE


def test_feeds_and_sitemaps_parse_and_keep_the_literal_title(hostile_site: Path) -> None:
    documents = parse_all_xml(hostile_site)
    assert {"feed.xml", "news/feed.xml", "sitemap.xml", "news-sitemap.xml"} <= set(documents)
    news_titles = [
        element.text
        for element in documents["news-sitemap.xml"].iter()
        if str(element.tag).endswith("}title")
    ]
    assert SCRIPT_TITLE in news_titles
    for name in ("feed.xml", "news/feed.xml", "authors/ana/feed.xml"):
        feed = feedparser.parse((hostile_site / name).read_bytes())
        assert feed.bozo == 0, (name, feed.get("bozo_exception"))
        entry = next(e for e in feed.entries if e.link.endswith("/news/a/"))
        assert entry.title == SCRIPT_TITLE
        assert entry.summary == ATTRIBUTE_BREAKER
        assert [a.name for a in entry.authors] == [HOSTILE_AUTHOR]
        assert SCRIPT_TITLE in [t.label for t in entry.tags]
    latest = json.loads((hostile_site / "latest.json").read_text(encoding="utf-8"))
    assert SCRIPT_TITLE in json.dumps(latest, ensure_ascii=False)


def test_template_syntax_in_content_is_shown_literally(hostile_site: Path) -> None:
    article = hostile_site / "sports/b/index.html"
    title, h1 = page_title_and_h1(article)
    assert h1 == TEMPLATE_TITLE
    assert TEMPLATE_TITLE in title
    dek = parse_page(article).find(".//p[@class='story__dek']")
    assert dek is not None and text_of(dek) == "{{ config }} {{ self.__init__ }}"
    body = parse_page(hostile_site / "news/a/index.html").find(".//*[@class='article-body']")
    assert body is not None and "Intro paragraph {{ 7*7 }} and {% raw %}." in text_of(body)
    feed = feedparser.parse((hostile_site / "feed.xml").read_bytes())
    assert TEMPLATE_TITLE in [entry.title for entry in feed.entries]
    for path in html_files(hostile_site):
        for heading in parse_page(path).iter("h1"):
            assert "49" not in text_of(heading), path


def test_body_keeps_its_text_but_loses_the_attack(hostile_site: Path) -> None:
    body = parse_page(hostile_site / "news/a/index.html").find(".//*[@class='article-body']")
    assert body is not None
    links = {" ".join(text_of(a).split()): a.get("href") for a in body.iter("a")}
    for text in (
        "plain",
        "mixed",
        "entity",
        "hex",
        "tab",
        "vb",
        "spaced",
        "raw link",
        "entity link",
    ):
        assert text in links, sorted(links)
        assert links[text] is None, (text, links[text])
    assert "styled" in text_of(body)
    for image in body.iter("img"):
        assert not (image.get("src") or "").startswith("data:")


def test_unknown_url_fields_are_not_published_as_urls(hostile_site: Path) -> None:
    # `image` and `canonical` are not fields of newssite: kept for themes, never used as URLs.
    found = []
    for path in html_files(hostile_site):
        for element in parse_page(path).iter():
            for name, value in getattr(element, "attrib", {}).items():
                if _DANGEROUS_SCHEME.match(re.sub(r"[\x00-\x20]", "", value)):
                    found.append(
                        f"{path.relative_to(hostile_site)}: {element.tag} {name}={value!r}"
                    )
    assert found == []
    for document in parse_all_xml(hostile_site).values():
        for element in document.iter():
            values = [element.text or "", *element.attrib.values()]
            assert not any(_DANGEROUS_SCHEME.match(v.strip()) for v in values), element.tag


@pytest.mark.parametrize(
    ("files", "path", "field", "scheme"),
    [
        ({ARTICLE: story(photo="javascript:alert(1)")}, ARTICLE, "photo.src", "javascript"),
        (
            {ARTICLE: story(photo="{src: 'JaVaScRiPt:alert(1)', alt: x}")},
            ARTICLE,
            "photo.src",
            "javascript",
        ),
        (
            {ARTICLE: story(photo="{src: 'data:text/html,<script>x</script>', alt: x}")},
            ARTICLE,
            "photo.src",
            "data",
        ),
        (
            {"content/authors/ana.md": "---\nname: Ana\navatar: 'vbscript:x'\n---\nBio.\n"},
            "content/authors/ana.md",
            "avatar.src",
            "vbscript",
        ),
        (
            {"content/authors/ana.md": "---\nname: Ana\nlinks:\n  web: 'vbscript:x'\n---\nBio.\n"},
            "content/authors/ana.md",
            "links.web",
            "vbscript",
        ),
        (
            {
                "content/authors/ana.md": "---\nname: Ana\nlinks:\n  web: 'javascript:x'\n---\nBio.\n"
            },
            "content/authors/ana.md",
            "links.web",
            "javascript",
        ),
    ],
    ids=["photo-string", "photo-mixed-case", "photo-data", "avatar", "link-vbscript", "link-js"],
)
def test_url_fields_with_script_schemes_are_refused(
    published: Published, files: dict[str, str], path: str, field: str, scheme: str
) -> None:
    source = files[path]
    line = line_of(source, field.split(".")[0] + ":")
    if field == "links.web":
        line = line_of(source, "  web:")
    message = problem(published.reject(files), path, field, line)
    assert f"unsupported URL scheme '{scheme}'" in message


EMBED_CONFIG = 'embed_hosts = ["www.youtube-nocookie.com"]\n' + DEFAULT_CONFIG
ALLOWED_EMBED = "https://www.youtube-nocookie.com/embed/abc123"


def test_only_embeds_from_configured_hosts_are_kept(make_site: MakeSite, cli: Cli) -> None:
    body = f"""\
Before the embeds.

<iframe src="{ALLOWED_EMBED}" sandbox="allow-scripts allow-same-origin" allow="fullscreen" title="Video"></iframe>

<iframe src="https://evil.example/embed" width="560">fallback text</iframe>

<iframe src="https://www.youtube-nocookie.com.evil.example/embed/x"></iframe>

<iframe src="https://www.youtube-nocookie.com@evil.example/embed/x"></iframe>

<iframe src="http://www.youtube-nocookie.com/embed/plain-http"></iframe>

<iframe src="javascript:alert(1)"></iframe>

<iframe srcdoc="<script>alert(1)</script>"></iframe>

After the embeds.
"""
    site = make_site({ARTICLE: story(body=body)}, config=EMBED_CONFIG)
    result = cli("build", "--site", str(site))
    assert result.code == 0, result.err
    page = site / "output/news/a/index.html"
    article_body = parse_page(page).find(".//*[@class='article-body']")
    assert article_body is not None
    frames = list(article_body.iter("iframe"))
    assert [frame.get("src") for frame in frames] == [ALLOWED_EMBED]
    assert frames[0].get("sandbox") == "allow-scripts allow-same-origin"
    assert frames[0].get("allow") == "fullscreen"
    assert frames[0].get("srcdoc") is None
    text = text_of(article_body)
    assert "Before the embeds." in text and "After the embeds." in text
    assert_safe_site(site / "output")


def test_without_embed_hosts_every_iframe_is_removed(published: Published) -> None:
    body = f'Text.\n\n<iframe src="{ALLOWED_EMBED}"></iframe>\n'
    published.build_ok({ARTICLE: story(body=body)})
    assert list(parse_page(published.output / "news/a/index.html").iter("iframe")) == []


# --- symlinks --------------------------------------------------------------------------------


@pytest.fixture
def secret_dir(tmp_path: Path) -> Path:
    secret = tmp_path / "secret"
    write_files(secret, {"id_rsa": "PRIVATE KEY MATERIAL", "notes.md": story("Secret notes")})
    return secret


def assert_secret_not_published(output: Path) -> None:
    for path in output.rglob("*"):
        if path.is_file():
            assert b"PRIVATE KEY MATERIAL" not in path.read_bytes(), path


def test_content_symlink_to_a_system_file_is_refused(published: Published) -> None:
    link = published.site / "content/articles/x.md"
    link.symlink_to("/etc/passwd")
    message = problem(published.reject(), "content/articles/x.md", None, None)
    assert "symlink points outside the site" in message


def test_content_symlink_to_a_file_outside_the_site_is_refused(
    published: Published, secret_dir: Path
) -> None:
    (published.site / "content/articles/x.md").symlink_to(secret_dir / "notes.md")
    message = problem(published.reject(), "content/articles/x.md", None, None)
    assert "outside the site" in message


def test_theme_static_symlink_to_a_file_outside_is_refused(
    published: Published, secret_dir: Path
) -> None:
    static = published.site / "themes/default/static"
    static.mkdir(parents=True)
    (static / "key.txt").symlink_to(secret_dir / "id_rsa")
    message = problem(published.reject(), "themes/default/static/key.txt", None, None)
    assert "outside the site" in message
    assert_secret_not_published(published.output)


def test_body_image_symlinked_outside_the_site_is_refused(
    published: Published, secret_dir: Path
) -> None:
    (published.site / "content/articles/photo.jpg").symlink_to(secret_dir / "id_rsa")
    source = story(body="Intro.\n\n![Harbor](photo.jpg)\n")
    result = published.reject({ARTICLE: source})
    message = problem(result, ARTICLE, "body", line_of(source, "![Harbor]"))
    assert "outside the site" in message


@pytest.mark.parametrize("link", ["static", "static/ssh", "themes/default/static/ssh"])
def test_static_folder_symlinked_outside_the_site_is_refused(
    published: Published, secret_dir: Path, link: str
) -> None:
    path = published.site / link
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(secret_dir, target_is_directory=True)
    result = published.build()
    assert_secret_not_published(published.output)
    assert result.code == 1, "a symlinked folder pointing outside the site was not refused"
    problem(result, link, None, None)


def test_symlink_loops_fail_fast(published: Published) -> None:
    articles = published.site / "content/articles"
    (articles / "loop").symlink_to(articles, target_is_directory=True)
    (articles / "self.md").symlink_to("self.md")
    started = time.perf_counter()
    result = published.reject()
    assert time.perf_counter() - started < 5
    problem(result, "content/articles/loop", None, None)
    assert "loop" in problem(result, "content/articles/self.md", None, None)


def test_broken_symlink_is_refused(published: Published) -> None:
    (published.site / "content/articles/x.md").symlink_to("nowhere.md")
    assert "broken symlink" in problem(published.reject(), "content/articles/x.md", None, None)


def test_body_link_to_a_missing_local_file_is_an_error_not_a_crash(published: Published) -> None:
    source = story(body="Intro.\n\n![Map of the harbor](harbor-map.png)\n")
    result = published.reject({ARTICLE: source})
    message = problem(result, ARTICLE, "body", line_of(source, "![Map"))
    assert "harbor-map.png" in message


def _picture(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 400), (20, 90, 160)).save(buffer, kind)
    return buffer.getvalue()


def test_a_story_file_deleted_after_a_build_is_an_error_not_a_crash(published: Published) -> None:
    # The second build may reuse the first build's parse; the missing files must still count.
    body_image = story(body="Intro.\n\n![Map of the harbor](harbor-map.png)\n")
    photo = story(
        "Harbor reopens after storm", section="sports", photo="{src: pier.jpg, alt: Pier}"
    )
    files = {
        ARTICLE: body_image,
        "content/articles/harbor-map.png": _picture("PNG"),
        "content/articles/b.md": photo,
        "content/articles/pier.jpg": _picture("JPEG"),
    }
    published.build_ok(files)
    published.digest = tree_digest(published.output)
    assert len([path for path in published.digest if path.startswith("img/")]) >= 8  # processed
    (published.site / "content/articles/harbor-map.png").unlink()
    (published.site / "content/articles/pier.jpg").unlink()
    result = published.reject()
    assert "harbor-map.png" in problem(result, ARTICLE, "body", line_of(body_image, "![Map"))
    line = line_of(photo, "photo:")
    assert "pier.jpg" in problem(result, "content/articles/b.md", "photo.src", line)


# --- control characters, escaping and custom fields ------------------------------------------


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("!A\x0bB", "U+000B"),
        ('!"A\\x0bB"', "U+000B"),
        ('!"A\\eB"', "U+001B"),
        ('!"A\\uFFFEB"', "U+FFFE"),
        ('!"A\\uD800B"', "U+D800"),
        ('!"A\\0B"', "NUL"),
    ],
    ids=["raw-vt", "escaped-vt", "escaped-esc", "escaped-fffe", "lone-surrogate", "escaped-nul"],
)
def test_xml_illegal_characters_in_a_title_are_refused(
    published: Published, title: str, code: str
) -> None:
    message = problem(published.reject({ARTICLE: story(title)}), ARTICLE, "title", TITLE_LINE)
    assert code in message


def test_control_character_in_a_nested_field_is_named(published: Published) -> None:
    source = story(photo='{src: "https://img.example/a.jpg", caption: "A\\x0cB"}')
    result = published.reject({ARTICLE: source})
    assert "U+000C" in problem(result, ARTICLE, "photo.caption", line_of(source, "photo:"))


def test_author_name_with_markup_characters_is_escaped_everywhere(hostile_site: Path) -> None:
    author_page = hostile_site / "authors/ana/index.html"
    assert page_title_and_h1(author_page)[1] == HOSTILE_AUTHOR
    article = parse_page(hostile_site / "news/a/index.html")
    byline = article.find(".//*[@class='byline']")
    assert byline is not None and HOSTILE_AUTHOR in text_of(byline)
    [data] = json_ld(hostile_site / "news/a/index.html")
    assert data["author"] == [
        {"@type": "Person", "name": HOSTILE_AUTHOR, "url": "https://gazette.example/authors/ana/"}
    ]
    feed = etree.fromstring((hostile_site / "authors/ana/feed.xml").read_bytes())
    names = [e.text for e in feed.iter(f"{ATOM}name")]
    assert HOSTILE_AUTHOR in names


def test_misspelled_field_is_a_warning_and_strict_check_fails(published: Published) -> None:
    source = story(titel="Council passes budget")
    result = published.build_ok({ARTICLE: source})
    warning = f"warning: {ARTICLE}:{line_of(source, 'titel:')}: titel: "
    found = [line for line in result.err.splitlines() if line.startswith(warning)]
    assert found, result.err
    assert "did you mean 'title'" in found[0]

    strict = published.cli("check", "--site", str(published.site), "--strict")
    assert strict.code == 1
    assert warning.removeprefix("warning: ") in strict.out + strict.err
    assert "Traceback" not in strict.err


def test_unrelated_custom_fields_are_kept_without_a_warning(published: Published) -> None:
    result = published.build_ok({ARTICLE: story(kicker="'Exclusive'", rating="4")})
    assert "warning" not in result.err


def test_links_in_an_author_bio_are_resolved_like_story_links(published: Published) -> None:
    bio = "---\nname: Ana Ruiz\n---\nRead [my budget story](../articles/a.md).\n"
    published.build_ok({"content/authors/ana.md": bio})
    document = parse_page(published.output / "authors/ana/index.html")
    hrefs = {text_of(a).strip(): a.get("href") for a in document.iter("a")}
    assert hrefs["my budget story"] == "/news/a/"
