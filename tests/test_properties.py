"""Properties that must hold for any input, checked with Hypothesis; plus a short run of the
atheris harness for the source loader (marked slow).

Slugs, output paths, dates, escaping, the loader's errors and rendered Markdown are each
tried on generated input that no hand-written example covers."""

from __future__ import annotations

import contextlib
import html as html_module
import os
import re
import subprocess
import sys
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import html5lib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import REPO
from newssite.errors import NewssiteError
from newssite.markup import MarkupRenderer, MarkupSettings
from newssite.parse import parse_moment
from newssite.sources import SourceFile, split
from newssite.urls import SLUG_PATTERN, InvalidSlugError, output_path, slugify

SLOW = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@given(st.text())
def test_slugify_gives_a_safe_slug_or_refuses(text: str) -> None:
    try:
        slug = slugify(text)
    except InvalidSlugError:
        return
    assert SLUG_PATTERN.match(slug)
    assert slugify(slug) == slug
    assert slugify(unicodedata.normalize("NFD", text)) == slug


@given(st.text(min_size=1))
def test_output_paths_stay_inside_the_output(text: str) -> None:
    try:
        slug = slugify(text)
    except InvalidSlugError:
        return
    root = Path("/srv/site/output")
    path = (root / output_path(f"/news/{slug}/")).resolve()
    assert path.is_relative_to(root)


@given(st.datetimes(timezones=st.timezones()))
def test_dates_round_trip_and_keep_the_instant(moment: datetime) -> None:
    zone = ZoneInfo("America/New_York")
    parsed = parse_moment(moment.isoformat(), zone)
    assert parsed == moment
    assert datetime.fromisoformat(parsed.astimezone(UTC).isoformat()) == moment


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)))
def test_naive_dates_do_not_depend_on_the_process_timezone(moment: datetime) -> None:
    zone = ZoneInfo("Europe/Berlin")
    results = set()
    for process_zone in ("UTC", "Pacific/Kiritimati", "America/St_Johns"):
        os.environ["TZ"] = process_zone
        try:
            results.add(parse_moment(moment.isoformat(), zone).isoformat())
        except ValueError as error:
            results.add(f"refused: {'gap' if 'gap' in str(error) else 'overlap'}")
    os.environ.pop("TZ")
    assert len(results) == 1


TITLE_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    min_size=1,
    max_size=60,
).filter(lambda t: t.strip())


@SLOW
@given(TITLE_TEXT)
def test_any_title_is_escaped_in_html_atom_and_sitemap(make_site, title: str) -> None:  # type: ignore[no-untyped-def]
    from conftest import run_cli, story

    quoted = '"' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'
    site = make_site({"content/articles/a.md": story(f"!{quoted}")})
    result = run_cli("build", "--site", str(site))
    if result.code != 0:
        assert "Traceback" not in result.err
        assert "content/articles/a.md" in result.err
        return
    expected = " ".join(title.split())
    page = html5lib.parse(
        (site / "output/news/a/index.html").read_bytes(),
        treebuilder="lxml",
        namespaceHTMLElements=False,
    )
    h1 = page.getroot().find(".//h1")
    assert " ".join("".join(h1.itertext()).split()) == expected
    feed = etree.fromstring((site / "output/feed.xml").read_bytes())
    titles = [t.text for t in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert title.strip() in [t.strip() if t else t for t in titles] or expected in titles
    etree.fromstring((site / "output/sitemap.xml").read_bytes())


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_the_loader_only_ever_raises_newssite_errors(data: bytes) -> None:
    source = SourceFile("articles", "content/articles/x.md", b"---\n" + data, "0")
    with contextlib.suppress(NewssiteError):
        split(source)
    with contextlib.suppress(NewssiteError):
        split(SourceFile("articles", "content/articles/x.md", data, "0"))


MARKDOWN_BITS = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "![i](data:text/html;base64,PHNjcmlwdD4=)",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src=https://evil.example></iframe>",
        "<svg onload=alert(1)>",
        "**bold**",
        "\n\n",
        "# head",
        "> quote",
        "`code`",
        "<div>",
        "</div>",
        '<a href="vbscript:x">v</a>',
        "<style>body{}</style>",
        "[ok](https://example.org)",
    ]
)


# Control characters never reach the renderer: the source loader refuses them (test_hostile_content.py checks that).
PLAIN_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n\t"),
    max_size=20,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(MARKDOWN_BITS, PLAIN_TEXT), max_size=12).map("".join))
def test_rendered_markdown_parses_and_carries_no_script(text: str) -> None:
    body = MarkupRenderer(MarkupSettings()).render(text, "content/articles/x.md").html
    fragment = html5lib.parseFragment(body, treebuilder="lxml", namespaceHTMLElements=False)
    for element in fragment.iter() if hasattr(fragment, "iter") else []:
        if not isinstance(element.tag, str):
            continue
        assert element.tag not in ("script", "style", "iframe", "svg")
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (name, text)
            if name in ("href", "src"):
                unescaped = html_module.unescape(value).strip().lower()
                assert not re.match(r"(javascript|vbscript|data):", unescaped), (value, text)


@pytest.mark.slow
def test_the_atheris_harness_finds_nothing_in_a_short_run(tmp_path: Path) -> None:
    harness = REPO / "tests/fuzz/fuzz_front_matter.py"
    seconds = os.environ.get("NEWSSITE_FUZZ_SECONDS", "30")
    done = subprocess.run(
        [
            sys.executable,
            str(harness),
            f"-max_total_time={seconds}",
            "-rss_limit_mb=2048",
            f"-artifact_prefix={tmp_path}/",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        timeout=int(seconds) + 120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Done" in done.stderr or "done" in done.stderr.lower()


XML_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
    | st.sampled_from("\t\n\r&<>\"'"),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            XML_TEXT,
            st.booleans(),
            st.lists(st.tuples(XML_TEXT, XML_TEXT), max_size=2),
        ),
        max_size=4,
    ),
    XML_TEXT,
)
def test_a_sitemap_part_gives_back_every_url_and_alternate_as_written(
    rows: list[tuple[str, bool, list[tuple[str, str]]]], base_path: str
) -> None:
    """The sitemap's parts are written line by line: whatever the URLs hold, an XML parser
    reads back each URL, lastmod and alternate exactly."""
    from types import SimpleNamespace

    from newssite.feeds import urlset_output
    from newssite.model import SitemapEntry
    from newssite.urls import absolute

    base = "https://example.com/" + base_path
    moment = datetime(2026, 3, 1, 9, 30, tzinfo=ZoneInfo("America/New_York"))
    entries = [
        SitemapEntry("/" + url, moment if dated else None, False, tuple(alternates))
        for url, dated, alternates in rows
    ]
    data = urlset_output("sitemap.xml", entries, SimpleNamespace(base_url=base)).data
    assert data is not None
    root = etree.fromstring(data)
    names = {
        "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
        "x": "http://www.w3.org/1999/xhtml",
    }
    read = root.findall("s:url", names)
    assert len(read) == len(entries)
    for element, entry in zip(read, entries, strict=True):
        assert element.findtext("s:loc", namespaces=names) == absolute(entry.url, base)
        lastmod = element.findtext("s:lastmod", namespaces=names)
        assert lastmod == ("2026-03-01T14:30:00Z" if entry.lastmod else None)
        links = [
            (link.get("hreflang"), link.get("href")) for link in element.findall("x:link", names)
        ]
        expected = (
            [*entry.alternates, ("x-default", entry.alternates[0][1])] if entry.alternates else []
        )
        assert links == [(language, absolute(url, base)) for language, url in expected]
