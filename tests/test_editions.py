"""Editions in several languages (issue #15): a site in English, Ukrainian and Arabic (right
to left), judged as readers, search engines and feed readers meet it.

Each edition is a whole site under its prefix (/uk/, /ar/): pages, feeds and search of its
own. Translated pages link each other with reciprocal hreflang and x-default, in the HTML
and in the sitemap (validated with the sitemap XSD and a schema of xhtml:link); dates are
Babel's for the locale and the theme's words come from its catalogs; Arabic pages mirror
in Chromium. A site with one language is as it was (tests/test_golden.py holds it byte for
byte; here: no hreflang, no switcher, no prefix).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

import feedparser
import pytest
from babel.dates import format_date
from babel.messages.pofile import read_po
from lxml import etree

from conftest import (
    DEFAULT_CONFIG,
    REPO,
    build_ok,
    clean_build,
    run_cli,
    same_site,
    static_server,
    story,
    tree_digest,
    write_files,
)
from sitecheck import broken_links, html_pages, json_ld, parse_html, url_to_file

DATA = Path(__file__).parent / "data"
BASE = "https://gazette.example"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML_LINK = "{http://www.w3.org/1999/xhtml}link"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
KYIV = ZoneInfo("Europe/Kyiv")

CONFIG = """\
title = "The Test Gazette"
base_url = "https://gazette.example/"
language = "en"
timezone = "Europe/Kyiv"
per_page = 3

[[languages]]
code = "uk"
title = "Тестова газета"
description = "Новини нашого міста"

[[languages]]
code = "ar"
title = "الجريدة التجريبية"
timezone = "Asia/Beirut"

[[sections]]
slug = "news"
title = "News"
titles = { uk = "Новини", ar = "أخبار" }

[[sections]]
slug = "sports"
title = "Sports"
titles = { uk = "Спорт", ar = "رياضة" }
"""

AUTHOR = """\
---
name: Ana Ruiz
role: Reporter
uk: { name: "Ана Руїс", role: "Кореспондентка", bio: "Ана пише про міську раду." }
ar: { name: "آنا رويز", role: "مراسلة" }
---
Ana covers city hall.
"""


def three_editions() -> dict[str, str | bytes]:
    """Two stories in all three languages (by file suffix, and by translation_of), a story
    only in English, one only in Ukrainian, and an About page in English and Ukrainian."""
    return {
        "newssite.toml": CONFIG,
        "content/authors/ana.md": AUTHOR,
        "content/articles/2026/11/council-vote.md": story(
            "Council passes the budget", date="2026-11-20T10:00:00+02:00", tags="[Budget]"
        ),
        "content/articles/2026/11/council-vote.uk.md": story(
            "Рада ухвалила бюджет",
            date="2026-11-20T12:00:00+02:00",
            tags="[Бюджет]",
            body="Рада проголосувала у вівторок.\n",
        ),
        "content/articles/2026/11/council-vote.ar.md": story(
            "المجلس يقر الميزانية",
            date="2026-11-20T13:00:00+02:00",
            body="صوّت المجلس يوم الثلاثاء على الميزانية.\n",
        ),
        "content/articles/2026/11/bridge.md": story(
            "Bridge reopens", date="2026-11-25T09:30:00+02:00", section="sports"
        ),
        "content/articles/2026/11/mist-vidkryly.md": story(
            "Міст знову відкрили",
            date="2026-11-25T11:00:00+02:00",
            section="sports",
            lang="uk",
            translation_of="articles/2026/11/bridge.md",
            body="Міст відкрили після ремонту.\n",
        ),
        "content/articles/2026/11/jisr.md": story(
            "إعادة فتح الجسر",
            date="2026-11-25T12:00:00+02:00",
            section="sports",
            lang="ar",
            translation_of="articles/2026/11/bridge.md",
            body="أعيد فتح الجسر بعد الإصلاحات.\n",
        ),
        "content/articles/2026/11/ferry.md": story(
            "Ferry timetable changes", date="2026-11-24T08:00:00+02:00"
        ),
        "content/articles/2026/11/shkola.uk.md": story(
            "Школа отримала нові комп'ютери",
            date="2026-11-23T08:00:00+02:00",
            body="Школа отримала нові комп'ютери.\n",
        ),
        "content/pages/about.md": "---\ntitle: About\n---\nWho we are.\n",
        "content/pages/about.uk.md": "---\ntitle: Про нас\n---\nХто ми.\n",
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_files(tmp_path_factory.mktemp("editions") / "site", three_editions())
    result = build_ok(root)
    assert "warning" not in result.err.lower(), result.err
    return root


@pytest.fixture(scope="module")
def output(site: Path) -> Path:
    return site / "output"


def alternates(page: Path) -> dict[str, str]:
    """hreflang -> href of a page's <link rel="alternate" hreflang>."""
    document = parse_html(page)
    return {
        link.get("hreflang"): link.get("href")
        for link in document.iter("{*}link")
        if link.get("rel") == "alternate" and link.get("hreflang")
    }


def html_element(page: Path) -> etree._Element:
    return parse_html(page)


def path_of(url: str) -> str:
    return urlsplit(url).path


def edition_pages(output: Path) -> Iterator[Path]:
    for page in html_pages(output):
        if "pagefind" not in page.parts:
            yield page


# --- Config and sources ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("languages", "expected"),
    [
        ('[[languages]]\ncode = "zz"\ntitle = "Z"\n', "languages[0].code: unknown language"),
        (
            '[[languages]]\ncode = "uk"\ntitle = "A"\n\n[[languages]]\ncode = "UK"\ntitle = "B"\n',
            "languages[1].code: the code 'UK' is already an edition",
        ),
        (
            '[[languages]]\ncode = "en"\ntitle = "E"\n',
            "languages[0].code: the code 'en' is already",
        ),
        ('[[languages]]\ncode = "uk"\n', "languages[0].title: required setting is missing"),
    ],
)
def test_a_bad_language_is_an_error_naming_the_config_line_and_key(
    tmp_path: Path, languages: str, expected: str
) -> None:
    config = DEFAULT_CONFIG.replace("[[sections]]", languages + "\n[[sections]]", 1)
    site = write_files(tmp_path / "site", {"newssite.toml": config})
    result = run_cli("build", "--site", str(site))
    assert result.code != 0
    line = next(n for n, text in enumerate(config.splitlines(), 1) if "languages" in text)
    problem = next(text for text in result.err.splitlines() if expected in text)
    assert problem.split(":")[0] == "newssite.toml"
    assert int(problem.split(":")[1]) >= line
    assert not (site / "output").exists()


def test_a_section_title_for_an_unknown_edition_is_an_error(tmp_path: Path) -> None:
    config = CONFIG.replace('ar = "أخبار"', 'fr = "Nouvelles"')
    site = write_files(tmp_path / "site", {"newssite.toml": config})
    result = run_cli("build", "--site", str(site))
    assert result.code != 0
    line = next(n for n, text in enumerate(config.splitlines(), 1) if "Nouvelles" in text)
    assert f"newssite.toml:{line}: sections[0].titles: 'fr' is not an edition" in result.err


@pytest.mark.parametrize(
    ("name", "extra", "field"),
    [
        ("vote.md", {"lang": "fr"}, "lang"),
        ("vote.fr.md", {}, "lang"),
    ],
)
def test_a_story_in_a_language_that_is_no_edition_is_an_error_naming_file_and_line(
    tmp_path: Path, name: str, extra: dict[str, str], field: str
) -> None:
    files = three_editions()
    files[f"content/articles/{name}"] = story("Vote", **extra)
    site = write_files(tmp_path / "site", files)
    result = run_cli("build", "--site", str(site))
    assert result.code != 0
    expected_line = 6 if extra else 1  # lang: is the story's fifth front-matter line
    assert f"content/articles/{name}:{expected_line}: {field}: 'fr'" in result.err
    assert "not an edition" in result.err


# --- Each edition is a whole site -----------------------------------------------------------


def test_each_edition_is_a_whole_site_under_its_prefix(output: Path) -> None:
    for prefix in ("", "uk/", "ar/"):
        for name in (
            "index.html",
            "news/index.html",
            "sports/index.html",
            "authors/ana/index.html",
            "feed.xml",
            "feed.json",
            "news/feed.xml",
            "latest.json",
            "404.html",
            "search/index.html",
            "pagefind/pagefind.js",
            "pagefind/levels.json",
        ):
            assert (output / prefix / name).is_file(), prefix + name
    assert (output / "uk/about/index.html").is_file()
    assert not (output / "ar/about").exists()  # no Arabic About page was written
    assert (output / "uk/news/council-vote/index.html").is_file()
    assert (output / "uk/sports/mist-vidkryly/index.html").is_file()
    assert (output / "uk/tags/biudzhet/index.html").is_file() or (
        output / "uk/tags/byudzhet/index.html"
    ).is_file()
    assert broken_links(output, "/") == []


def test_every_page_has_the_language_and_direction_of_its_edition(output: Path) -> None:
    for page in edition_pages(output):
        relative = page.relative_to(output).as_posix()
        first = relative.split("/")[0]
        language = first if first in ("uk", "ar") else "en"
        html = html_element(page)
        assert html.get("lang") == language, relative
        if page.name == "index.html" and "<meta http-equiv" not in page.read_text():
            assert html.get("dir") == ("rtl" if language == "ar" else None), relative


def test_translated_pages_link_each_other_with_reciprocal_hreflang_and_x_default(
    output: Path,
) -> None:
    translated = 0
    for page in edition_pages(output):
        links = alternates(page)
        if not links:
            continue
        translated += 1
        canonical = BASE + "/" + page.relative_to(output).as_posix().removesuffix("index.html")
        assert canonical in links.values(), page  # itself among its versions
        assert links["x-default"] == links["en"], page  # the default edition's version
        for language, url in links.items():
            assert url.startswith(BASE + "/"), url  # absolute
            other = url_to_file(output, path_of(url))
            assert alternates(other) == links, (page, other)  # reciprocal, the same set
            if language != "x-default":
                assert html_element(other).get("lang") == language
    # three stories' pages x3 (incl. by translation_of), About x2, and the lists x3
    assert translated >= 3 * 2 + 2 + 3 * 4
    only_english = output / "news/ferry/index.html"
    assert alternates(only_english) == {}


def test_the_language_switcher_links_the_translation_or_the_editions_front_page(
    output: Path,
) -> None:
    page = parse_html(output / "uk/news/ferry/index.html".replace("uk/", ""))
    switcher = page.find(".//{*}nav[@class='language-switcher']")
    assert switcher is not None
    targets = {a.get("hreflang"): a.get("href") for a in switcher.iter("{*}a")}
    assert targets == {"uk": "/uk/", "ar": "/ar/"}  # no translations: the front pages
    page = parse_html(output / "uk/news/council-vote/index.html")
    switcher = page.find(".//{*}nav[@class='language-switcher']")
    targets = {a.get("hreflang"): a.get("href") for a in switcher.iter("{*}a")}
    assert targets == {
        "en": f"{BASE}/news/council-vote/",
        "ar": f"{BASE}/ar/news/council-vote/",
    }
    note = page.find(".//{*}p[@class='story__translations']")
    assert note is not None
    assert {a.get("hreflang") for a in note.iter("{*}a")} == {"en", "ar"}


def test_json_ld_names_the_language_and_the_translations(output: Path) -> None:
    original = json_ld(parse_html(output / "news/council-vote/index.html"))[0]
    ukrainian = json_ld(parse_html(output / "uk/news/council-vote/index.html"))[0]
    assert original["inLanguage"] == "en" and ukrainian["inLanguage"] == "uk"
    assert {w["url"] for w in original["workTranslation"]} == {
        f"{BASE}/uk/news/council-vote/",
        f"{BASE}/ar/news/council-vote/",
    }
    assert ukrainian["translationOfWork"]["url"] == f"{BASE}/news/council-vote/"
    assert ukrainian["publisher"]["name"] == "Тестова газета"


# --- Feeds, sitemaps, search ----------------------------------------------------------------


def test_each_editions_feeds_hold_its_own_stories_in_its_language(output: Path) -> None:
    expected = {
        "": ({"Council passes the budget", "Bridge reopens", "Ferry timetable changes"}, "en"),
        "uk/": (
            {"Рада ухвалила бюджет", "Міст знову відкрили", "Школа отримала нові комп'ютери"},
            "uk",
        ),
        "ar/": ({"المجلس يقر الميزانية", "إعادة فتح الجسر"}, "ar"),
    }
    for prefix, (titles, language) in expected.items():
        feed = feedparser.parse((output / prefix / "feed.xml").read_bytes())
        assert not feed.bozo, prefix
        assert {entry.title for entry in feed.entries} == titles
        assert feed.feed.language == language
        assert all(entry.link.startswith(f"{BASE}/{prefix}") for entry in feed.entries)
        data = json.loads((output / prefix / "feed.json").read_text())
        assert {item["title"] for item in data["items"]} == titles
        assert data["language"] == language
        latest = json.loads((output / prefix / "latest.json").read_text())
        assert {item["title"] for item in latest["stories"]} == titles


def test_one_sitemap_lists_every_url_with_its_translations_and_validates(
    output: Path,
) -> None:
    schema = etree.XMLSchema(etree.parse(str(DATA / "sitemap-with-languages.xsd")))
    document = etree.parse(str(output / "sitemap.xml"))
    assert schema.validate(document), schema.error_log
    locs = {url.findtext(f"{SITEMAP}loc"): url for url in document.iter(f"{SITEMAP}url")}
    for prefix in ("", "uk/", "ar/"):
        assert f"{BASE}/{prefix}" in locs
        assert f"{BASE}/{prefix}news/council-vote/" in locs
    for loc, url in locs.items():
        links = {link.get("hreflang"): link.get("href") for link in url.iter(XHTML_LINK)}
        page = url_to_file(output, path_of(loc))
        assert links == alternates(page), loc  # the same versions as the page says
    broken = etree.fromstring((output / "sitemap.xml").read_bytes().replace(b'"uk"', b'"u k"'))
    assert not schema.validate(broken)  # the schema checks the links
    assert not (output / "uk/sitemap.xml").exists()


def test_the_news_sitemap_gives_each_story_its_own_language(output: Path) -> None:
    document = etree.parse(str(output / "news-sitemap.xml"))
    languages = {
        path_of(url.findtext(f"{SITEMAP}loc")).split("/")[1]: url.findtext(
            f"{NEWS}news/{NEWS}publication/{NEWS}language"
        )
        for url in document.iter(f"{SITEMAP}url")
    }
    assert languages["uk"] == "uk" and languages["ar"] == "ar"
    assert languages["sports"] == "en" or languages["news"] == "en"


def searchable_urls(output: Path, folder: str) -> set[str]:
    """The page URLs in one edition's search index (its fragments)."""
    urls = set()
    levels = json.loads((output / folder / "levels.json").read_text())["levels"]
    for level in levels:
        for fragment in (output / level["folder"] / "fragment").glob("*.pf_fragment"):
            data = gzip.decompress(fragment.read_bytes())
            urls.add(json.loads(data[data.index(b"{") :])["url"])
    return urls


def test_each_edition_has_its_own_search_index_and_page(output: Path) -> None:
    english = searchable_urls(output, "pagefind")
    ukrainian = searchable_urls(output, "uk/pagefind")
    arabic = searchable_urls(output, "ar/pagefind")
    assert "/news/council-vote/" in english and "/uk/news/council-vote/" in ukrainian
    assert all(url.startswith("/uk/") for url in ukrainian)
    assert all(url.startswith("/ar/") for url in arabic)
    assert not any(url.startswith(("/uk/", "/ar/")) for url in english)
    assert len(ukrainian) == 3 and len(arabic) == 2
    assert list((output / "uk/pagefind").glob("pagefind.uk_*.pf_meta"))  # indexed as Ukrainian
    form = parse_html(output / "uk/search/index.html").find(".//{*}form[@data-search]")
    assert form.get("data-bundle") == "/uk/pagefind/"
    assert form.get("action") == "/uk/search/"


# --- Words and dates ------------------------------------------------------------------------


def catalog(language: str) -> dict[str, object]:
    path = REPO / "themes/default/locale" / language / "LC_MESSAGES/messages.po"
    with path.open("rb") as handle:
        return {message.id: message.string for message in read_po(handle) if message.id}


@pytest.mark.parametrize("language", ["uk", "ar"])
def test_dates_are_babels_for_the_locale_and_words_come_from_the_catalog(
    output: Path, language: str
) -> None:
    words = catalog(language)
    front = parse_html(output / language / "sports/index.html")
    story_date = datetime.fromisoformat(
        {"uk": "2026-11-25T11:00:00+02:00", "ar": "2026-11-25T12:00:00+02:00"}[language]
    )
    zone = ZoneInfo("Asia/Beirut") if language == "ar" else KYIV
    shown = [t.text for t in front.iter("{*}time")]
    assert format_date(story_date.astimezone(zone), "medium", locale=language) in shown
    nav = front.find(".//{*}nav[@class='site-nav']")
    texts = ["".join(a.itertext()) for a in nav.iter("{*}a")]
    assert words["Home"] in texts and words["Search"] in texts
    assert "Home" not in texts
    titles = {"uk": "Спорт", "ar": "رياضة"}
    assert titles[language] in texts  # the section's title in the edition
    not_found = parse_html(output / language / "404.html")
    assert words["We couldn’t find that page"] in "".join(not_found.itertext())


@pytest.mark.parametrize("language", ["uk", "ar"])
def test_month_archives_and_the_corrections_link_are_in_the_editions_words(
    output: Path, language: str
) -> None:
    words = catalog(language)
    month = parse_html(output / language / "2026/11/index.html")
    title = format_date(date(2026, 11, 1), "LLLL y", locale=language)
    assert title in [("".join(h.itertext())).strip() for h in month.iter("{*}h1")]
    assert words["Archive"] in "".join(month.itertext())
    footer = month.find(".//{*}footer")
    assert words["Corrections"] in ["".join(a.itertext()) for a in footer.iter("{*}a")]


def test_authors_are_shared_with_their_name_role_and_bio_per_edition(output: Path) -> None:
    page = parse_html(output / "uk/authors/ana/index.html")
    text = "".join(page.itertext())
    assert "Ана Руїс" in text and "Кореспондентка" in text and "міську раду" in text
    assert "Ana covers city hall" not in text
    arabic = "".join(parse_html(output / "ar/authors/ana/index.html").itertext())
    assert "آنا رويز" in arabic and "Ana covers city hall" in arabic  # no Arabic bio
    english = "".join(parse_html(output / "authors/ana/index.html").itertext())
    assert "Ana Ruiz" in english and "Ана" not in english


# --- Updates --------------------------------------------------------------------------------


def test_an_update_after_each_change_equals_a_clean_build(tmp_path: Path) -> None:
    site = write_files(tmp_path / "site", three_editions())
    build_ok(site)
    changes: list[dict[str, str]] = [
        {"content/articles/2026/11/council-vote.uk.md": story("Рада ухвалила новий бюджет")},
        {"content/articles/2026/11/ferry.uk.md": story("Розклад пороми змінився", body="Так.\n")},
        {"content/pages/about.ar.md": "---\ntitle: من نحن\n---\nمن نحن.\n"},
    ]
    for change in changes:
        write_files(site, change)
        build_ok(site)
        assert tree_digest(site / "output") == clean_build(site, tmp_path / "clean")
    (site / "content/articles/2026/11/council-vote.ar.md").unlink()
    result = build_ok(site)
    assert "Updated" in result.out
    # A deleted story is withdrawn from its search level, not indexed again: the Arabic
    # index is compared by what it finds, every other file byte for byte.
    clean_build(site, tmp_path / "clean")
    assert same_site(site / "output", tmp_path / "clean/output") == []
    assert not (site / "output/ar/news/council-vote").exists()
    assert "ar" not in alternates(site / "output/news/council-vote/index.html")


def test_a_translations_old_address_redirects_in_its_editions_language(tmp_path: Path) -> None:
    files = three_editions()
    files["content/articles/2026/11/council-vote.uk.md"] = story(
        "Рада ухвалила бюджет", aliases="['/old/budget/']", body="Рада.\n"
    )
    site = write_files(tmp_path / "site", files)
    build_ok(site)
    redirect = parse_html(site / "output/old/budget/index.html")
    assert redirect.get("lang") == "uk"
    assert str(catalog("uk")["Skip to content"]) in "".join(redirect.itertext())


def test_a_site_with_one_language_has_no_hreflang_switcher_or_prefix(tmp_path: Path) -> None:
    site = write_files(
        tmp_path / "site",
        {
            "newssite.toml": DEFAULT_CONFIG,
            "content/authors/ana.md": "---\nname: Ana Ruiz\n---\nAna.\n",
            "content/articles/vote.md": story(),
        },
    )
    build_ok(site)
    for page in edition_pages(site / "output"):
        text = page.read_text()
        assert "hreflang" not in text and "language-switcher" not in text
    assert (
        sorted(p.name for p in (site / "output").iterdir() if p.is_dir())
        == [
            "authors",
            "news",
            "pagefind",
            "search",
            "sports",
            "theme",
        ]
        or not (site / "output/uk").exists()
    )


# --- In the browser -------------------------------------------------------------------------


@pytest.mark.browser
def test_right_to_left_pages_mirror_without_overflow_or_axe_violations(
    output: Path, chromium: object
) -> None:
    from test_a11y import AXE_TAGS, PHONE, axe_script

    script = axe_script()
    with static_server(output) as origin:
        page = chromium.new_page(viewport=PHONE)  # type: ignore[attr-defined]
        found: dict[str, list[str]] = {}
        for path in (
            "/ar/",
            "/ar/news/council-vote/",
            "/ar/authors/ana/",
            "/uk/news/council-vote/",
        ):
            page.goto(origin + path)
            state = page.evaluate(
                """() => {
                  const nav = document.querySelector('.site-nav li');
                  const box = nav.getBoundingClientRect();
                  const quote = document.querySelector('.site-header');
                  return {
                    direction: getComputedStyle(document.documentElement).direction,
                    overflow: document.documentElement.scrollWidth - window.innerWidth,
                    navLeft: box.left, navRight: window.innerWidth - box.right,
                  };
                }"""
            )
            assert state["overflow"] <= 0, path
            if path.startswith("/ar/"):
                assert state["direction"] == "rtl", path
                assert state["navRight"] < state["navLeft"], path  # the first item on the right
            else:
                assert state["direction"] == "ltr"
                assert state["navLeft"] < state["navRight"], path
            page.add_script_tag(content=script)
            result = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
            )
            assert len(result["passes"]) > 20
            found[path] = [
                f"{v['id']}: {node['target']}" for v in result["violations"] for node in v["nodes"]
            ]
        page.close()
    assert {path: problems for path, problems in found.items() if problems} == {}


@pytest.mark.browser
def test_the_search_page_speaks_its_editions_language(output: Path, chromium: object) -> None:
    words = catalog("uk")
    keys = (
        "1 story found for “%(query)s”, %(order)s.",
        "%(count)s stories found for “%(query)s”, %(order)s.",
        "No stories found for “%(query)s”.",
    )
    forms = [str(words[key]).split("%(", 1)[0] for key in keys]
    searching = str(words["Searching…"])
    with static_server(output) as origin:
        page = chromium.new_page()  # type: ignore[attr-defined]
        page.goto(origin + "/uk/search/?q=" + quote("рада"))
        page.wait_for_function(
            """searching => {
              const text = document.querySelector('#search_status').textContent;
              return text && text !== searching;
            }""",
            arg=searching,
        )
        text = page.locator("#search_status").inner_text()
        page.close()
    assert all(form and not form.isascii() for form in forms)
    assert any(text.startswith(form) for form in forms), text


# --- Workflow -------------------------------------------------------------------------------


def test_new_article_in_an_edition_writes_its_suffix_and_beside_its_original(
    tmp_path: Path,
) -> None:
    site = write_files(tmp_path / "site", three_editions())
    made = run_cli(
        "new", "article", "Пором змінив розклад", "--lang", "uk",
        "--translation-of", "articles/2026/11/ferry.md", "--site", str(site),
    )  # fmt: skip
    assert made.code == 0, made.err
    translation = site / "content/articles/2026/11/ferry.uk.md"
    assert translation.is_file()
    assert "section: news" in translation.read_text()  # the original's
    assert "/uk/news/ferry/" in made.out
    alone = run_cli(
        "new", "article", "Нова школа", "--lang", "uk", "--section", "news",
        "--date", "2026-11-26T09:00:00+02:00", "--site", str(site),
    )  # fmt: skip
    assert alone.code == 0, alone.err
    assert (site / "content/articles/2026/11/nova-shkola.uk.md").is_file()
    wrong = run_cli("new", "article", "X", "--lang", "fr", "--site", str(site))
    assert wrong.code == 2
    assert "'fr' is not an edition" in wrong.err


def test_check_warns_of_a_stale_translation_and_a_section_without_a_title(
    tmp_path: Path,
) -> None:
    files = three_editions()
    files["newssite.toml"] = CONFIG.replace(', ar = "رياضة"', "")
    files["content/articles/2026/11/council-vote.md"] = story(
        "Council passes the budget",
        date="2026-11-20T10:00:00+02:00",
        updated="2026-11-22T10:00:00+02:00",
        tags="[Budget]",
    )
    site = write_files(tmp_path / "site", files)
    result = run_cli("check", "--site", str(site))
    assert result.code == 0, result.err
    shown = result.out + result.err
    stale = [line for line in shown.splitlines() if "older than the last change" in line]
    assert (
        stale and "council-vote.uk.md" in "".join(stale) and "council-vote.ar.md" in "".join(stale)
    )
    assert "mist-vidkryly" not in "".join(stale)  # its original did not change
    assert "no title in ar" in shown
    line = next(n for n, t in enumerate(files["newssite.toml"].splitlines(), 1) if "Спорт" in t)
    assert f"newssite.toml:{line}" in shown


def test_the_age_notice_of_an_old_story_is_in_its_editions_language(tmp_path: Path) -> None:
    from babel.dates import format_timedelta

    files = three_editions()
    files["newssite.toml"] = CONFIG.replace("per_page = 3", "per_page = 3\nstale_after_days = 365")
    files["content/articles/2024/05/old.uk.md"] = story(
        "Стара новина", date="2024-05-02T10:00:00+03:00", tags="[Архів]"
    )
    site = write_files(tmp_path / "site", files)
    build_ok(site)
    page = parse_html(site / "output/uk/news/old/index.html")
    notice = page.find(".//{*}p[@class='notice notice--age']")
    span = format_timedelta(timedelta(days=365), threshold=1, locale="uk")
    expected = str(catalog("uk")["This article is more than %(span)s old"]) % {"span": span}
    assert notice is not None and notice.text == expected


def test_a_site_theme_overrides_a_word_of_the_default_catalog(tmp_path: Path) -> None:
    site = write_files(tmp_path / "site", three_editions())
    build_ok(site)
    catalog_file = "themes/default/locale/uk/LC_MESSAGES/messages.po"
    write_files(site, {catalog_file: 'msgid ""\nmsgstr ""\n\nmsgid "Search"\nmsgstr "Шукати"\n'})
    build_ok(site)
    nav = parse_html(site / "output/uk/index.html").find(".//{*}nav[@class='site-nav']")
    texts = ["".join(a.itertext()) for a in nav.iter("{*}a")]
    assert "Шукати" in texts and catalog("uk")["Home"] in texts  # the rest as shipped
    english = parse_html(site / "output/index.html").find(".//{*}nav[@class='site-nav']")
    assert "Search" in ["".join(a.itertext()) for a in english.iter("{*}a")]
    assert tree_digest(site / "output") == clean_build(site, tmp_path / "clean")
