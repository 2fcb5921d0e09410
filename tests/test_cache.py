"""The build cache: a stored document reads back equal to the parsed one, and a damaged,
foreign or old-format entry is missed, never trusted."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newssite.cache import (
    CACHE_FILE,
    BuildCache,
    Document,
    _codec,
    decode_entry,
    encode_entry,
)
from newssite.errors import NewssiteError
from newssite.model import (
    Article,
    Author,
    Correction,
    FrozenDict,
    Photo,
    Removal,
    Rendition,
    StandalonePage,
)

KYIV = timezone(timedelta(hours=2))
WEBP = Rendition("/img/ab-960.webp", 960, 640, "image/webp")
SOCIAL = Rendition("/img/ab-social.jpg", 1200, 630, "image/jpeg")
PHOTO = Photo(
    "/photos/pier.jpg",
    "The pier at dawn",
    "Fishermen wait for the tide.",
    "Ana Ruiz / Gazette",
    "static/photos/pier.jpg",
    1920,
    1280,
    (WEBP, Rendition("/img/ab-960.jpg", 960, 640, "image/jpeg")),
    (("social", SOCIAL), ("16x9", WEBP)),
)
ARTICLE = Article(
    source="content/articles/pier.md",
    slug="pier",
    title="Pier reopens — «at last»",
    section="news",
    authors=("ana", "ben"),
    date=datetime(2026, 11, 20, 10, 0, tzinfo=KYIV),
    body_html="<p>Caf\u00e9 \u201cquotes\u201d, an emoji \U0001f30a and a lone \ud800.</p>\n",
    summary="The pier is open.",
    reading_minutes=3,
    updated=datetime(2026, 11, 21, 8, 30, 15, 123456, tzinfo=UTC),
    photo=PHOTO,
    tags=("Harbor", "City Hall"),
    draft=True,
    extra=FrozenDict(
        {
            "kicker": "Exclusive",
            "rating": 4,
            "score": 0.1,
            "paywall": False,
            "nothing": None,
            "related": ["a", {"b": [1, 2.5, None]}],
            "nested": {"deeper": {"list": [[]]}, "$map": "not a tag"},
        }
    ),
    links=("content/articles/other.md",),
    assets=("content/articles/chart.png",),
    lines=FrozenDict({"title": 2, "date": 3, "image:chart.png": 12}),
    corrections=(Correction(datetime(2026, 11, 22, tzinfo=UTC), "An earlier version erred."),),
    removed=Removal(datetime(2026, 11, 30, tzinfo=KYIV), "At the request of a court."),
    aliases=("/news/old-pier/",),
)
AUTHOR = Author(
    slug="ana",
    name="Ana Ruiz",
    url="/authors/ana/",
    source="content/authors/ana.md",
    role="Reporter",
    avatar=Photo("https://img.example/ana.jpg", "Ana Ruiz"),
    email="ana@gazette.example",
    links=(("Mastodon", "https://social.example/@ana"), ("Web", "https://ana.example/")),
    bio_html="<p>Ana covers city hall.</p>",
    bio_text="Ana covers city hall.",
    extra=FrozenDict({"pronouns": "she/her"}),
    lines=FrozenDict({"name": 2}),
)
PAGE = StandalonePage(
    source="content/pages/about.md",
    slug="about",
    title="About us",
    summary="Who we are.",
    body_html="<p>We are a newsroom.</p>",
    links=("content/authors/ana.md",),
    assets=("content/pages/team.jpg",),
)
WARNINGS = (NewssiteError("unknown field", path="content/articles/pier.md", line=7, field="titel"),)
DOCUMENTS: list[tuple[str, Document]] = [
    ("articles", ARTICLE),
    (
        "articles",
        Article(
            "content/articles/bare.md",
            "bare",
            "Bare",
            "news",
            ("ana",),
            datetime(2026, 1, 1, tzinfo=UTC),
            "",
            "",
            1,
            lines=FrozenDict(),
        ),
    ),
    ("authors", AUTHOR),
    ("authors", Author("ben", "Ben", "/authors/ben/", "content/authors/ben.md")),
    ("pages", PAGE),
]


def _same_shape(left: object, right: object) -> bool:
    """Equal, and of the same types all the way down (a tuple is not a list here)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        assert isinstance(right, dict)
        return left.keys() == right.keys() and all(_same_shape(left[k], right[k]) for k in left)
    if isinstance(left, list | tuple):
        assert isinstance(right, list | tuple)
        return len(left) == len(right) and all(map(_same_shape, left, right))
    if hasattr(left, "__dataclass_fields__"):
        return all(
            _same_shape(getattr(left, name), getattr(right, name))
            for name in left.__dataclass_fields__
        )
    return left == right


@pytest.mark.parametrize(("kind", "document"), DOCUMENTS, ids=lambda value: str(value)[:30])
def test_a_stored_document_reads_back_equal_field_by_field(kind: str, document: Document) -> None:
    text, body = encode_entry(kind, document, WARNINGS)
    found, warnings = decode_entry(kind, text, body)
    assert found == document
    assert _same_shape(found, document)
    assert [w.sort_key() for w in warnings] == [w.sort_key() for w in WARNINGS]


def test_the_body_is_stored_apart_from_the_json(tmp_path: Path) -> None:
    text, body = encode_entry("articles", ARTICLE, ())
    assert "Caf" not in text
    assert body.decode("utf-8", "surrogatepass") == ARTICLE.body_html


def _stored(tmp_path: Path, entries: dict[str, Document]) -> Path:
    cache = BuildCache(tmp_path)
    for key, document in entries.items():
        cache.put_parsed(key, document, WARNINGS)
    cache.save(live_keys=entries)
    cache.close()
    return tmp_path / CACHE_FILE


def test_documents_survive_a_save_and_a_fresh_process(tmp_path: Path) -> None:
    entries = {f"{kind}:{doc.source}:digest:salt": doc for kind, doc in DOCUMENTS}
    _stored(tmp_path, entries)
    found = BuildCache(tmp_path).get_parsed_many([*entries, "articles:gone.md:digest:salt"])
    assert {key: document for key, (document, _) in found.items()} == entries
    assert all(_same_shape(found[key][0], entries[key]) for key in entries)


def _replaced(old: str, new: str) -> Callable[[str], str]:
    def damage(text: str) -> str:
        assert old in text
        return text.replace(old, new, 1)

    return damage


GOOD_BODY = b"<p>x</p>"
DAMAGES: dict[str, tuple[Callable[[str], str | None], bytes | None]] = {
    "not-json": (lambda _: "not json", GOOD_BODY),
    "no-fields": (lambda _: "[[], []]", GOOD_BODY),
    "format-2": (lambda _: '{"document": {}, "warnings": []}', GOOD_BODY),
    "too-few-fields": (lambda _: "[[1, 2, 3], []]", GOOD_BODY),
    "too-deep": (lambda _: "[" * 100_000 + "]" * 100_000, GOOD_BODY),
    "no-value": (lambda _: None, GOOD_BODY),
    "no-body": (lambda text: text, None),
    "body-not-utf8": (lambda text: text, b"\xff\xfe<p>x</p>"),
    "bad-date": (_replaced('"2026-11-20T10:00:00+02:00"', '"the twentieth"'), GOOD_BODY),
    "short-photo": (_replaced('"/photos/pier.jpg", ', ""), GOOD_BODY),
    "short-crop": (_replaced('["social", ', "["), GOOD_BODY),
    "no-last-field": (_replaced(', ["/news/old-pier/"], ""]', ', ["/news/old-pier/"]]'), GOOD_BODY),
    "no-removal-reason": (_replaced(', "At the request of a court."]', "]"), GOOD_BODY),
    "short-warning": (_replaced('"unknown field", ', ""), GOOD_BODY),
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_entry_is_missed_and_the_others_still_read(tmp_path: Path, damage: str) -> None:
    good, bad = "articles:a.md:1:s", "articles:b.md:1:s"
    database = _stored(tmp_path, {good: ARTICLE, bad: ARTICLE})
    damage_value, body = DAMAGES[damage]
    value = damage_value(encode_entry("articles", ARTICLE, WARNINGS)[0])
    with sqlite3.connect(database) as db:
        db.execute("UPDATE documents SET value = ?, body = ? WHERE key = ?", (value, body, bad))
    db.close()
    found = BuildCache(tmp_path).get_parsed_many([good, bad])
    assert list(found) == [good]
    assert found[good][0] == ARTICLE


def test_a_file_that_is_not_a_database_is_replaced(tmp_path: Path) -> None:
    (tmp_path / CACHE_FILE).write_bytes(b"this is not SQLite" * 100)
    cache = BuildCache(tmp_path)
    assert cache.get_parsed_many(["articles:a.md:1:s"]) == {}
    cache.put_parsed("articles:a.md:1:s", ARTICLE, ())
    cache.save(live_keys=["articles:a.md:1:s"])
    assert cache.parsed["articles:a.md:1:s"][0] == ARTICLE


def test_an_old_format_table_is_dropped(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / CACHE_FILE) as db:
        db.execute("CREATE TABLE parsed (key TEXT PRIMARY KEY, value TEXT)")
        db.execute("INSERT INTO parsed VALUES ('articles:a.md:1:s', '{\"document\": {}}')")
    db.close()
    assert BuildCache(tmp_path).get_parsed_many(["articles:a.md:1:s"]) == {}
    with sqlite3.connect(tmp_path / CACHE_FILE) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    db.close()
    assert "parsed" not in tables


def test_a_field_type_the_cache_cannot_store_fails_early() -> None:
    with pytest.raises(TypeError, match="cannot store"):
        _codec(set[str])
