"""Photos: responsive files, crops, credits everywhere, no metadata leaks, checks.

Sites are built by the real CLI and judged with html5lib, lxml, feedparser and Pillow;
the browser tests at the end open them in headless Chromium.
"""

from __future__ import annotations

import io
import json
import shutil
import struct
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from lxml import etree
from PIL import Image, ImageDraw, IptcImagePlugin, PngImagePlugin

from conftest import (
    DEFAULT_AUTHOR,
    DEFAULT_CONFIG,
    MakeSite,
    Result,
    build_ok,
    run_cli,
    static_server,
    story,
    tree_digest,
    write_files,
)
from newssite.cache import BuildCache
from newssite.config import load_config
from newssite.images import PhotoStore, process_photos
from newssite.markup import split_credit
from newssite.parse import Documents, parse_all
from newssite.photo_metadata import strip_metadata
from newssite.sources import discover
from sitecheck import json_ld, meta, parse_html

ARTICLE = "content/articles/harbor.md"
DATA = Path(__file__).resolve().parent / "data"
SECRET = "SECRET-SOURCE-LOCATION"  # written into metadata; must never be published
GPS = {1: "N", 2: (48.0, 51.0, 30.0), 3: "E", 4: (2.0, 17.0, 40.0)}
XMP_CREDIT = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:Credit="Coastline Wire">'
    "<dc:creator><rdf:Seq><rdf:li>Ola Nordmann</rdf:li></rdf:Seq></dc:creator>"
    f"<dc:description><rdf:Alt><rdf:li>{SECRET}</rdf:li></rdf:Alt></dc:description>"
    "</rdf:Description></rdf:RDF></x:xmpmeta>"
)


# --- Pictures made with Pillow ------------------------------------------------------------


def pixels(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """A picture with structure (so encoders work for real) and a red top-left corner."""
    image = Image.new(mode, size, (40, 90, 140) if mode == "RGB" else (40, 90, 140, 255))
    draw = ImageDraw.Draw(image)
    step = max(8, size[0] // 24)
    for x in range(0, size[0], step):
        draw.line([(x, 0), (size[0] - x, size[1])], fill=(200, (x * 7) % 255, 90), width=3)
    draw.rectangle([0, 0, size[0] // 5, size[1] // 5], fill=(255, 0, 0))
    return image


def jpeg(size: tuple[int, int] = (2000, 1333), **options: object) -> bytes:
    buffer = io.BytesIO()
    pixels(size).save(buffer, "JPEG", quality=90, **options)
    return buffer.getvalue()


def private_exif(orientation: int = 1, artist: str = "") -> Image.Exif:
    exif = Image.Exif()
    exif[0x010E] = SECRET  # ImageDescription
    exif[0x0110] = "Phone 12"  # Model
    if artist:
        exif[0x013B] = artist
    if orientation != 1:
        exif[0x0112] = orientation
    exif[0x8825] = GPS
    return exif


def leaky_jpeg(size: tuple[int, int] = (1800, 1200), orientation: int = 1) -> bytes:
    """A JPEG as a phone and a photo desk leave it: GPS, XMP, IPTC and a comment."""
    data = jpeg(
        size,
        exif=private_exif(orientation).tobytes(),
        xmp=XMP_CREDIT.encode(),
        comment=SECRET.encode(),
    )
    return with_iptc(data, {(2, 25): SECRET.encode()})


def with_iptc(data: bytes, fields: dict[tuple[int, int], bytes]) -> bytes:
    """Insert an IPTC block (Photoshop APP13) after the SOI marker of a JPEG."""
    records = b"".join(
        b"\x1c" + bytes(key) + struct.pack(">H", len(value)) + value
        for key, value in fields.items()
    )
    pad = b"\x00" if len(records) % 2 else b""
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(records)) + records + pad
    payload = b"Photoshop 3.0\x00" + resource
    return data[:2] + b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload + data[2:]


def png(
    size: tuple[int, int] = (1200, 800), *, transparent: bool = False, **options: object
) -> bytes:
    image = pixels(size, "RGBA")
    if transparent:
        ImageDraw.Draw(image).rectangle([size[0] // 2, 0, size[0], size[1]], fill=(0, 0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **options)
    return buffer.getvalue()


def huge_png_header(width: int, height: int) -> bytes:
    """A tiny file claiming width x height pixels: Pillow must refuse it before decoding."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def picture_bytes(image: Image.Image, kind: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind)
    return buffer.getvalue()


# --- Sites ---------------------------------------------------------------------------------

CREDITED = "{src: /photos/lead.jpg, alt: Boats in the harbor at dawn, caption: The harbor at dawn., credit: Jane Doe/Coastline Wire}"
BODY = (
    "The harbor reopened on Tuesday.\n"
    "\n"
    '![Cranes unload a freighter](cranes.jpg "Cranes unload the first freighter. — Photo: Ana Ruiz/The Gazette")\n'
    "\n"
    "A second paragraph with ![a small inline picture](/photos/inline.jpg) in it.\n"
)


def photo_site_files() -> dict[str, str | bytes]:
    return {
        ARTICLE: story("Harbor reopens", photo=CREDITED, tags="[Harbor]", body=BODY),
        "content/articles/cranes.jpg": jpeg((2400, 1600)),
        "static/photos/lead.jpg": jpeg((3000, 2000)),
        "static/photos/inline.jpg": jpeg((900, 600)),
        "static/photos/ana.jpg": jpeg((400, 400)),
        "content/authors/ana.md": "---\nname: Ana Ruiz\nrole: Reporter\navatar: /photos/ana.jpg\n---\nAna covers the harbor.\n",
    }


build = build_ok


@pytest.fixture
def photo_site(make_site: MakeSite) -> Path:
    site = make_site(photo_site_files())
    build(site)
    return site


def article_page(site: Path) -> etree._Element:
    return parse_html(site / "output/news/harbor/index.html")


def url_file(site: Path, url: str) -> Path:
    path = url.split("://", 1)[-1].split("/", 1)[1] if "://" in url else url.lstrip("/")
    return site / "output" / path


def candidates(srcset: str) -> list[tuple[str, int]]:
    found = []
    for item in srcset.split(","):
        url, width = item.split()
        found.append((url, int(width.rstrip("w"))))
    return found


def images(document: etree._Element) -> Iterator[etree._Element]:
    yield from document.iter("img")


# --- 1. Responsive files -------------------------------------------------------------------


def test_every_local_photo_gets_webp_and_jpeg_files_with_srcset_sizes_and_dimensions(
    photo_site: Path,
) -> None:
    page = article_page(photo_site)
    hero = page.find(".//figure[@class='photo photo--hero']")
    assert hero is not None
    source, img = hero.find(".//picture/source"), hero.find(".//picture/img")
    assert source is not None and img is not None
    assert source.get("type") == "image/webp"
    assert [w for _, w in candidates(source.get("srcset", ""))] == [480, 960, 1600]
    assert [w for _, w in candidates(img.get("srcset", ""))] == [480, 960, 1600]
    assert img.get("sizes") and source.get("sizes") == img.get("sizes")
    assert (img.get("width"), img.get("height")) == ("3000", "2000")
    assert img.get("fetchpriority") == "high" and img.get("loading") is None
    assert img.get("src", "").endswith("-960.jpg")
    for srcset, kind in ((source.get("srcset", ""), "WEBP"), (img.get("srcset", ""), "JPEG")):
        for url, width in candidates(srcset):
            with Image.open(url_file(photo_site, url)) as made:
                assert made.format == kind
                assert made.width == width
                assert abs(made.height - width * 2000 / 3000) <= 1

    inline = page.find(".//figure[@class='photo photo--inline']")
    assert inline is not None
    body_img = inline.find(".//picture/img")
    assert body_img is not None
    assert body_img.get("loading") == "lazy" and body_img.get("fetchpriority") is None
    assert [w for _, w in candidates(body_img.get("srcset", ""))] == [480, 960, 1600]
    assert (body_img.get("width"), body_img.get("height")) == ("2400", "1600")

    for img in images(page):
        assert img.get("width") and img.get("height"), etree.tostring(img)
    avatar = page.find(".//img[@class='avatar avatar--small']")
    assert avatar is not None
    assert (avatar.get("width"), avatar.get("height")) == ("400", "400")
    assert [w for _, w in candidates(avatar.get("srcset", ""))] == [400]


def test_photos_are_never_upscaled_and_originals_beside_a_story_are_not_published(
    photo_site: Path,
) -> None:
    page = article_page(photo_site)
    small = next(img for img in images(page) if img.get("alt") == "a small inline picture")
    assert [w for _, w in candidates(small.get("srcset", ""))] == [480, 900]
    assert small.get("loading") == "lazy"
    assert small.getparent().tag == "picture"  # inside text: responsive, but no figure
    assert not (photo_site / "output/news/harbor/cranes.jpg").exists()
    widths = set()
    for made in (photo_site / "output/img").iterdir():
        with Image.open(made) as image:
            widths.add(image.width)
    assert max(widths) == 1600


def test_the_news_feed_json_points_at_the_small_file_of_each_photo(photo_site: Path) -> None:
    stories = json.loads((photo_site / "output/latest.json").read_text())["stories"]
    photo = stories[0]["photo"]
    assert photo.endswith("-480.jpg") and url_file(photo_site, photo).is_file()


def test_photos_of_drafts_and_scheduled_stories_are_not_published(make_site: MakeSite) -> None:
    site = make_site(
        {
            ARTICLE: story(photo="{src: now.jpg, alt: A, credit: B}"),
            "content/articles/now.jpg": jpeg((1000, 700)),
            "content/articles/later.md": story(
                "Embargoed",
                date="2027-01-05T06:00:00Z",
                photo="{src: later.jpg, alt: A, credit: B}",
            ),
            "content/articles/later.jpg": jpeg((1100, 700)),
            "content/articles/draft.md": story("Draft", draft="true", body="![A](draft.jpg)\n"),
            "content/articles/draft.jpg": jpeg((1200, 700)),
        }
    )
    build(site)
    widths = published_widths(site)
    assert 1000 in widths and not widths & {1100, 1200}
    build(site, "--future", "--drafts")
    assert {1000, 1100, 1200} <= published_widths(site)


def published_widths(site: Path) -> set[int]:
    widths = set()
    for made in (site / "output/img").iterdir():
        with Image.open(made) as image:
            widths.add(image.width)
    return widths


def test_transparent_png_keeps_a_png_fallback_and_an_opaque_one_becomes_jpeg(
    make_site: MakeSite,
) -> None:
    body = "![Logo with a clear background](logo.png)\n\n![A flat chart](chart.png)\n"
    site = make_site(
        {
            ARTICLE: story(body=body),
            "content/articles/logo.png": png((1000, 600), transparent=True),
            "content/articles/chart.png": png((1000, 600)),
        }
    )
    build(site)
    page = article_page(site)
    logo = page.find(".//img[@alt='Logo with a clear background']")
    chart = page.find(".//img[@alt='A flat chart']")
    assert logo is not None and chart is not None
    assert logo.get("src", "").endswith(".png") and chart.get("src", "").endswith(".jpg")
    webp = logo.getparent().find("source").get("srcset").split(",")[-1].split()[0]
    with Image.open(url_file(site, webp)) as image:
        assert image.mode == "RGBA"
        assert image.getchannel("A").getextrema()[0] == 0


def test_exif_orientation_is_applied_to_every_published_file(make_site: MakeSite) -> None:
    # Stored landscape with its red corner top left; Orientation 6 means "rotate 90° clockwise".
    site = make_site(
        {
            ARTICLE: story(photo="{src: /photos/turned.jpg, alt: A, credit: B}"),
            "static/photos/turned.jpg": jpeg((1200, 800), exif=private_exif(6).tobytes()),
        }
    )
    build(site)
    img = article_page(site).find(".//figure//img")
    assert img is not None
    assert (img.get("width"), img.get("height")) == ("800", "1200")
    for url, width in candidates(img.get("srcset", "")):
        with Image.open(url_file(site, url)) as made:
            assert made.size == (width, round(width * 1.5))
            assert not made.getexif()
            red, green, _ = made.convert("RGB").getpixel((made.width - 3, 3))
            assert red > 200 and green < 60  # the red corner is now top right
    # The static original is published without its metadata, but still turns upright.
    with Image.open(site / "output/photos/turned.jpg") as copied:
        assert dict(copied.getexif()) == {0x0112: 6}


def test_the_same_input_gives_byte_identical_photo_files(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site(photo_site_files())
    build(site)
    first = tree_digest(site / "output")
    shutil.rmtree(site / "output")
    shutil.rmtree(site / ".newssite-cache")
    build(site)
    assert tree_digest(site / "output") == first


# --- Cache: a rebuild with no new photos does no image work -------------------------------


def photo_stage(site: Path) -> PhotoStore:
    config = load_config(site)
    docs = parse_all(discover(site), config)
    _, store = process_photos(docs, config)
    return store


def test_a_rebuild_with_no_new_photos_opens_no_picture(photo_site: Path) -> None:
    cache = photo_site / ".newssite-cache/images"
    made = {path.name: path.stat().st_mtime_ns for path in cache.iterdir()}
    published = {p: p.stat().st_mtime_ns for p in (photo_site / "output/img").iterdir()}
    started = time.perf_counter()
    store = photo_stage(photo_site)
    seconds = time.perf_counter() - started
    assert (store.processed, store.reused) == (0, 4)
    assert seconds < 1.0
    build(photo_site)
    assert {path.name: path.stat().st_mtime_ns for path in cache.iterdir()} == made
    assert {p: p.stat().st_mtime_ns for p in (photo_site / "output/img").iterdir()} == published

    # A new photo is the only one processed; editing text keeps every file name.
    (photo_site / "static/photos/new.jpg").write_bytes(jpeg((1600, 900)))
    source = photo_site / ARTICLE
    text = source.read_text().replace("/photos/lead.jpg", "/photos/new.jpg")
    source.write_text(text.replace("reopened", "opened again"))
    store = photo_stage(photo_site)
    assert (store.processed, store.reused) == (1, 3)


def test_a_deleted_cache_is_rebuilt_and_unused_files_are_pruned(photo_site: Path) -> None:
    before = tree_digest(photo_site / "output")
    shutil.rmtree(photo_site / ".newssite-cache")
    build(photo_site)
    assert tree_digest(photo_site / "output") == before
    source = photo_site / ARTICLE
    source.write_text(source.read_text().replace("photo: {", "old_photo: {"))
    build(photo_site)
    cached = {path.name for path in (photo_site / ".newssite-cache/images").iterdir()}
    published = {path.name for path in (photo_site / "output/img").iterdir()}
    assert published <= cached and not any("-social." in name for name in cached)


def edit(site: Path, name: str, old: str, new: str) -> None:
    path = site / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


REBUILD_EDITS = {
    "story photo, same name, new bytes": lambda site: (site / "static/photos/lead.jpg").write_bytes(
        jpeg((800, 500))
    ),
    "body photo, same name, new bytes": lambda site: (
        site / "content/articles/cranes.jpg"
    ).write_bytes(jpeg((500, 700))),
    "alt text of a body photo": lambda site: edit(
        site, ARTICLE, "![Cranes unload a freighter]", "![]"
    ),
    "caption of the story photo": lambda site: edit(
        site, ARTICLE, "caption: The harbor at dawn.", "caption: The harbor before dawn."
    ),
    "a static photo the body shows appears": lambda site: (
        site / "static/photos/later.jpg"
    ).write_bytes(jpeg((1000, 700))),
}


def warning_lines(result: Result) -> list[str]:
    return [line for line in result.err.splitlines() if line.startswith("warning:")]


@pytest.mark.parametrize("case", sorted(REBUILD_EDITS))
def test_a_rebuild_after_a_photo_edit_equals_a_clean_build(make_site: MakeSite, case: str) -> None:
    files = photo_site_files()
    files["content/articles/later.md"] = story(
        "Later", body="Intro.\n\n![A later picture](/photos/later.jpg)\n"
    )
    site = make_site(files)
    build(site)
    before = tree_digest(site / "output")
    REBUILD_EDITS[case](site)
    rebuilt = build(site)
    after = tree_digest(site / "output")
    assert after != before
    shutil.rmtree(site / "output")
    shutil.rmtree(site / ".newssite-cache")
    clean = build(site)
    assert tree_digest(site / "output") == after
    assert warning_lines(rebuilt) == warning_lines(clean)


def photographed(site: Path, cache: BuildCache | None) -> Documents:
    """The photo stage as the preview runs it (one cache for every rebuild), or fresh."""
    config = load_config(site)
    documents, _ = process_photos(parse_all(discover(site), config, cache), config, cache=cache)
    return documents


def same_as_fresh(site: Path, cache: BuildCache) -> Documents:
    reused = photographed(site, cache)
    fresh = photographed(site, None)
    assert reused.articles == fresh.articles
    assert reused.authors == fresh.authors
    assert reused.pages == fresh.pages
    found = [(w.message, w.path, w.line, w.field) for w in reused.warnings]
    assert found == [(w.message, w.path, w.line, w.field) for w in fresh.warnings]
    return reused


def test_the_preview_reuses_unchanged_stories_and_redoes_every_changed_one(
    make_site: MakeSite,
) -> None:
    files = photo_site_files()
    files["content/articles/later.md"] = story(
        "Later", body="Intro.\n\n![A later picture](/photos/later.jpg)\n"
    )
    files["content/articles/plain.md"] = story("Plain", body="No pictures here.\n")
    site = make_site(files)
    cache = BuildCache(None)
    first = same_as_fresh(site, cache)
    again = same_as_fresh(site, cache)
    assert all(a is b for a, b in zip(again.articles, first.articles, strict=True))
    assert all(a is b for a, b in zip(again.authors, first.authors, strict=True))

    for case in sorted(REBUILD_EDITS):
        previous = same_as_fresh(site, cache)
        REBUILD_EDITS[case](site)
        changed = same_as_fresh(site, cache)
        assert changed.articles != previous.articles, case
        assert changed.warnings != previous.warnings or case.startswith("a static"), case

    (site / "content/articles/plain.md").unlink()
    documents = same_as_fresh(site, cache)
    sources = {d.source for d in (*documents.articles, *documents.authors, *documents.pages)}
    assert set(cache.photo_results) == sources

    # A broken photo is the photo stage's error; a deleted one is found while parsing.
    (site / "static/photos/inline.jpg").write_bytes(b"Photo to come, ask the desk\n")
    broken = f"{ARTICLE}:13: body: static/photos/inline.jpg is not an image newssite can read"
    assert problems(site, cache) == problems(site, None) == [broken]
    (site / "static/photos/lead.jpg").unlink()
    missing = f"{ARTICLE}:6: photo.src: file not found: static/photos/lead.jpg"
    assert problems(site, cache) == problems(site, None) == [missing]


def problems(site: Path, cache: BuildCache | None) -> list[str]:
    with pytest.raises(ExceptionGroup) as caught:
        photographed(site, cache)
    return [str(problem).split(" (")[0] for problem in caught.value.exceptions]


# --- No metadata leaks ---------------------------------------------------------------------


def test_no_published_file_carries_gps_or_private_metadata(make_site: MakeSite) -> None:
    webp = io.BytesIO()
    pixels((800, 600)).save(webp, "WEBP", exif=private_exif().tobytes(), xmp=XMP_CREDIT.encode())
    leaky_png = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET)
    pixels((800, 600)).save(leaky_png, "PNG", pnginfo=info, exif=private_exif().tobytes())
    gif = io.BytesIO()
    pixels((300, 200)).convert("P").save(gif, "GIF", comment=SECRET.encode())
    body = (
        '![Pier](pier.jpg "The pier. Photo: A/B")\n\n'
        "[The original file](original.jpg) for other outlets.\n"
    )
    site = make_site(
        {
            ARTICLE: story(photo="{src: /photos/lead.jpg, alt: A, credit: B}", body=body),
            "content/articles/pier.jpg": leaky_jpeg(),
            "content/articles/original.jpg": leaky_jpeg((1000, 700)),
            "static/photos/lead.jpg": leaky_jpeg(),
            "static/photos/unused.jpg": leaky_jpeg((640, 480), orientation=8),
            "static/photos/graphic.png": leaky_png.getvalue(),
            "static/photos/graphic.webp": webp.getvalue(),
            "static/photos/anim.gif": gif.getvalue(),
        }
    )
    build(site)
    output = site / "output"
    assert (output / "news/harbor/original.jpg").is_file()  # linked, not shown: copied
    checked = 0
    for path in sorted(output.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        assert SECRET.encode() not in data, path
        assert b"Phone 12" not in data and b"Ola Nordmann" not in data, path
        if path.suffix in (".jpg", ".png", ".webp", ".gif"):
            checked += 1
            with Image.open(path) as image:
                exif = image.getexif()
                assert not exif.get_ifd(0x8825), path
                assert set(exif) <= {0x0112}, (path, dict(exif))
                assert "xmp" not in image.info and "comment" not in image.info, path
                assert IptcImagePlugin.getiptcinfo(image) is None, path
    assert checked >= 16  # pier.jpg and lead.jpg have the same bytes: one set of files
    # Cleaning is lossless: the copies show exactly the original pixels.
    with (
        Image.open(site / "static/photos/lead.jpg") as original,
        Image.open(output / "photos/lead.jpg") as copied,
    ):
        assert original.tobytes() == copied.tobytes()
    with Image.open(output / "photos/unused.jpg") as copied:
        assert copied.getexif().get(0x0112) == 8


@pytest.mark.parametrize("kind", ["JPEG", "PNG", "WEBP", "GIF"])
def test_strip_metadata_keeps_pixels_and_drops_everything_private(kind: str) -> None:
    image = pixels((320, 200))
    options: dict[str, object] = {"exif": private_exif().tobytes()}
    if kind in ("JPEG", "WEBP"):
        options["xmp"] = XMP_CREDIT.encode()
    if kind == "GIF":
        image = image.convert("P")
        options = {"comment": SECRET.encode()}
    buffer = io.BytesIO()
    image.save(buffer, kind, **options)
    data = buffer.getvalue()
    if kind == "JPEG":
        data = with_iptc(data, {(2, 25): SECRET.encode()})
    cleaned = strip_metadata(data)
    assert SECRET.encode() not in cleaned and len(cleaned) < len(data)
    with Image.open(io.BytesIO(data)) as before, Image.open(io.BytesIO(cleaned)) as after:
        assert before.tobytes() == after.tobytes()
        assert not after.getexif()


# --- 2. Social image and JSON-LD -----------------------------------------------------------


def test_social_card_is_1200x630_and_json_ld_lists_three_ratios_with_credit(
    photo_site: Path,
) -> None:
    page = article_page(photo_site)
    og_image = meta(page, "og:image") or ""
    assert og_image.startswith("https://gazette.example/img/")
    assert meta(page, "twitter:image") == og_image
    assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == ("1200", "630")
    with Image.open(url_file(photo_site, og_image)) as card:
        assert (card.format, card.size) == ("JPEG", (1200, 630))
    article = next(data for data in json_ld(page) if data.get("@type") == "NewsArticle")
    objects = article["image"]
    assert isinstance(objects, list) and len(objects) == 3
    ratios = []
    for image in objects:
        assert image["@type"] == "ImageObject"
        assert image["caption"] == "The harbor at dawn."
        assert image["creditText"] == "Jane Doe/Coastline Wire"
        with Image.open(url_file(photo_site, image["url"])) as made:
            assert made.size == (image["width"], image["height"])
            assert made.width >= 1200 or made.height == 2000
        ratios.append(round(image["width"] / image["height"], 2))
    assert ratios == [1.78, 1.33, 1.0]


# --- 3. Credits everywhere -----------------------------------------------------------------


def test_feeds_carry_the_photo_as_media_rss_with_credit_and_caption(photo_site: Path) -> None:
    for feed in ("feed.xml", "news/feed.xml", "authors/ana/feed.xml"):
        parsed = feedparser.parse((photo_site / "output" / feed).read_bytes())
        assert parsed.bozo == 0, parsed.get("bozo_exception")
        entry = parsed.entries[0]
        media = entry.media_content[0]
        assert media["medium"] == "image"
        assert (media["width"], media["height"]) == ("1600", "1067")
        assert url_file(photo_site, media["url"]).is_file()
        assert entry.media_credit[0]["content"] == "Jane Doe/Coastline Wire"
        assert url_file(photo_site, entry.media_thumbnail[0]["url"]).is_file()
        assert entry.summary == "The harbor reopened on Tuesday."  # not the caption
    root = etree.fromstring((photo_site / "output/feed.xml").read_bytes())
    ns = {"m": "http://search.yahoo.com/mrss/"}
    assert root.findtext(".//m:content/m:description", namespaces=ns) == "The harbor at dawn."
    schema = DATA / "atom.rng"
    if schema.exists():  # RFC 4287's grammar allows foreign elements such as media:content
        grammar = etree.RelaxNG(etree.parse(str(schema)))
        assert grammar.validate(root), grammar.error_log


def test_a_photo_without_a_credit_in_front_matter_takes_the_one_it_carries(
    make_site: MakeSite,
) -> None:
    by_exif = jpeg((1600, 1000), exif=private_exif(artist="Kari Hansen").tobytes())
    by_iptc = with_iptc(jpeg((1600, 1000)), {(2, 80): b"Per Olsen", (2, 110): b"Fjord Press"})
    by_xmp = png((1600, 1000), pnginfo=_xmp_png_info())
    body = '![Ferry](ferry.png "The ferry leaves.")\n'
    site = make_site(
        {
            "content/articles/a.md": story("A", photo="{src: a.jpg, alt: A}"),
            "content/articles/a.jpg": by_exif,
            "content/articles/b.md": story("B", photo="{src: b.jpg, alt: B}", body=body),
            "content/articles/b.jpg": by_iptc,
            "content/articles/ferry.png": by_xmp,
        }
    )
    result = build(site)
    assert "credit" not in result.err
    expected = {"a": "Kari Hansen", "b": "Per Olsen/Fjord Press"}
    for slug, credit in expected.items():
        page = parse_html(site / f"output/news/{slug}/index.html")
        hero = page.find(".//figure[@class='photo photo--hero']//span[@class='credit']")
        assert hero is not None and hero.text == f"({credit})"
        article = next(data for data in json_ld(page) if data.get("@type") == "NewsArticle")
        assert {image["creditText"] for image in article["image"]} == {credit}
    inline = parse_html(site / "output/news/b/index.html").find(
        ".//figure[@class='photo photo--inline']/figcaption"
    )
    assert inline is not None
    assert "".join(inline.itertext()) == "The ferry leaves. (Ola Nordmann/Coastline Wire)"
    feed = feedparser.parse((site / "output/feed.xml").read_bytes())
    credits = {entry.title: entry.media_credit[0]["content"] for entry in feed.entries}
    assert credits == {"A": "Kari Hansen", "B": "Per Olsen/Fjord Press"}


def _xmp_png_info() -> PngImagePlugin.PngInfo:
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", XMP_CREDIT)
    return info


# --- 4. Inline photos in plain Markdown ----------------------------------------------------


@pytest.mark.parametrize(
    ("title", "caption", "credit"),
    [
        ("Cranes at work — Photo: Jane Doe/Agency", "Cranes at work", "Jane Doe/Agency"),
        ("Cranes at work. -- Photo: Jane Doe", "Cranes at work.", "Jane Doe"),
        ("Cranes at work. Credit: Port Authority", "Cranes at work.", "Port Authority"),
        ("Photo: Jane Doe", "", "Jane Doe"),
        ("Cranes at work", "Cranes at work", ""),
    ],
)
def test_image_titles_give_caption_and_credit(title: str, caption: str, credit: str) -> None:
    assert split_credit(title) == (caption, credit)


def test_an_image_alone_in_its_paragraph_becomes_a_figure_with_caption_and_credit(
    photo_site: Path,
) -> None:
    figure = article_page(photo_site).find(".//figure[@class='photo photo--inline']")
    assert figure is not None
    img = figure.find("picture/img")
    assert img is not None and img.get("alt") == "Cranes unload a freighter"
    assert img.get("title") is None
    caption = figure.find("figcaption")
    assert caption is not None
    assert caption.text == "Cranes unload the first freighter. "
    credit = caption.find("span[@class='credit']")
    assert credit is not None and credit.text == "(Ana Ruiz/The Gazette)"


# --- 5. Editorial checks -------------------------------------------------------------------


def test_photos_without_credit_or_alt_or_too_small_are_warnings_with_file_line_field(
    make_site: MakeSite,
) -> None:
    source = story(
        photo="\n  src: /photos/small.jpg\n  caption: Smoke over the ridge.",
        body="Intro.\n\n![](cranes.jpg)\n",
    )
    site = make_site(
        {
            ARTICLE: source,
            "static/photos/small.jpg": jpeg((800, 500)),
            "content/articles/cranes.jpg": jpeg((500, 300)),
        }
    )
    lines = source.split("\n")
    photo_line = next(n for n, text in enumerate(lines, 1) if text.startswith("photo:"))
    src_line = photo_line + 1
    image_line = lines.index("![](cranes.jpg)") + 1
    result = build(site)
    expected = [
        f"warning: {ARTICLE}:{src_line}: photo.src: static/photos/small.jpg is 800 px wide",
        f"warning: {ARTICLE}:{photo_line}: photo.credit: a published photo needs a credit",
        f"warning: {ARTICLE}:{photo_line}: photo.alt: a published photo needs alt text",
        f"warning: {ARTICLE}:{image_line}: body: the photo cranes.jpg needs alt text",
        f"warning: {ARTICLE}:{image_line}: body: the photo cranes.jpg needs a credit",
        f"warning: {ARTICLE}:{image_line}: body: the photo cranes.jpg is 500 px wide",
    ]
    for line in expected:
        assert line in result.err, result.err
    checked = run_cli("check", "--site", str(site), "--format", "json")
    assert checked.code == 0, checked.err
    problems = json.loads(checked.out)["problems"]
    fields = {(p["line"], p["field"]) for p in problems if p["level"] == "warning"}
    assert {(photo_line, "photo.credit"), (photo_line, "photo.alt"), (image_line, "body")} <= fields
    text = run_cli("check", "--site", str(site))
    assert text.code == 0 and "photo.credit" in text.out
    strict = run_cli("check", "--site", str(site), "--strict")
    assert strict.code == 1
    assert "photo.credit" in strict.out + strict.err


def test_a_well_credited_site_passes_check_strict(photo_site: Path) -> None:
    source = photo_site / ARTICLE
    text = source.read_text().replace(" ![a small inline picture](/photos/inline.jpg)", "")
    source.write_text(text)
    result = run_cli("check", "--site", str(photo_site), "--strict", "--format", "json")
    photo_fields = [
        p
        for p in json.loads(result.out)["problems"]
        if p["field"] in ("photo.credit", "photo.alt", "photo.src", "body")
    ]
    assert photo_fields == [], photo_fields


def test_check_writes_no_photo_files(make_site: MakeSite) -> None:
    site = make_site(photo_site_files())
    result = run_cli("check", "--site", str(site))
    assert result.code == 0, result.err
    assert not (site / ".newssite-cache/images").exists()
    assert not (site / "output").exists()


# --- 6. Broken, unsupported and oversized files --------------------------------------------


def truncated_jpeg() -> bytes:
    data = jpeg((1600, 1000))
    return data[: len(data) // 2]


BROKEN = {
    "random bytes": (b"\x00\x01not an image at all" * 50, "is not an image newssite can read"),
    "text named .jpg": (b"Photo to come, ask the desk\n", "is not an image newssite can read"),
    "truncated JPEG": (truncated_jpeg(), "is a broken image file"),
    "unsupported format": (
        picture_bytes(pixels((600, 400)), "PPM"),
        "unsupported image format PPM",
    ),
    "decompression bomb": (huge_png_header(30_000, 30_000), "has more than 89,478,485 pixels"),
    "just over the pixel limit": (
        huge_png_header(10_000, 9_000),
        "has more than 89,478,485 pixels",
    ),
}


@pytest.fixture
def published_photo_site(make_site: MakeSite) -> Path:
    site = make_site(photo_site_files())
    build(site)
    return site


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_photo_is_an_error_naming_story_line_field_and_file(
    published_photo_site: Path, case: str
) -> None:
    site = published_photo_site
    data, message = BROKEN[case]
    before = tree_digest(site / "output")
    (site / "static/photos/lead.jpg").write_bytes(data)
    (site / "content/articles/cranes.jpg").write_bytes(data)
    result = run_cli("build", "--site", str(site))
    assert result.code == 1
    assert "Traceback" not in result.err
    lines = (site / ARTICLE).read_text().split("\n")
    photo_line = next(n for n, text in enumerate(lines, 1) if text.startswith("photo:"))
    image_line = next(n for n, text in enumerate(lines, 1) if "cranes.jpg" in text)
    assert f"{ARTICLE}:{photo_line}: photo.src: static/photos/lead.jpg {message}" in result.err
    assert f"{ARTICLE}:{image_line}: body: content/articles/cranes.jpg {message}" in result.err
    assert "nothing was published" in result.err
    assert tree_digest(site / "output") == before


def test_a_broken_avatar_names_the_author_file(published_photo_site: Path) -> None:
    site = published_photo_site
    (site / "static/photos/ana.jpg").write_bytes(b"GIF89a broken")
    result = run_cli("build", "--site", str(site))
    assert result.code == 1
    assert "content/authors/ana.md:4: avatar.src: static/photos/ana.jpg is" in result.err


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("scan.tif", picture_bytes(pixels((300, 200)), "TIFF"), "cannot remove the metadata"),
        ("broken.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 4, "is a broken JPEG file"),
    ],
)
def test_a_static_picture_that_cannot_be_cleaned_is_an_error(
    published_photo_site: Path, name: str, data: bytes, message: str
) -> None:
    site = published_photo_site
    before = tree_digest(site / "output")
    (site / "static/photos" / name).write_bytes(data)
    result = run_cli("build", "--site", str(site))
    assert result.code == 1
    assert f"static/photos/{name}: " in result.err and message in result.err
    assert tree_digest(site / "output") == before


# --- In a browser: the right file on a phone and a desktop, nothing moves -----------------

PHOTO_DELAY = 0.4  # seconds: photos arrive after the text, as on a slow phone network
LAYOUT_SHIFTS = """
window.__shift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shift += entry.value;
}).observe({type: "layout-shift", buffered: true});
"""
SCROLL_THROUGH = """async () => {
  const pause = () => new Promise((done) => setTimeout(done, 60));
  for (let y = 0; y < document.documentElement.scrollHeight; y += window.innerHeight / 2) {
    window.scrollTo(0, y);
    await pause();
  }
}"""
ALL_LOADED = "Array.from(document.images).every((img) => img.complete && img.naturalWidth > 0)"
SHOWN = """(selector) => {
  const img = document.querySelector(selector);
  return {src: img.currentSrc, natural: img.naturalWidth, shown: img.getBoundingClientRect().width};
}"""
RATIOS = """Array.from(document.images).map((img) => ({
  src: img.currentSrc,
  attrs: [Number(img.getAttribute("width")), Number(img.getAttribute("height"))],
  natural: [img.naturalWidth, img.naturalHeight],
}))"""


def _slow_photos(path: str) -> None:
    """Made photos arrive late, as over a slow connection, so their boxes must hold still."""
    if path.startswith("/img/"):
        time.sleep(PHOTO_DELAY)


@pytest.fixture(scope="module")
def photo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = tmp_path_factory.mktemp("photo-browser") / "site"
    files: dict[str, str | bytes] = {
        "newssite.toml": DEFAULT_CONFIG,
        "content/authors/ana.md": DEFAULT_AUTHOR,
        **photo_site_files(),
    }
    write_files(site, files)
    build(site)
    with static_server(site / "output", before_get=_slow_photos) as origin:
        yield origin


def _visit(chromium: object, url: str, width: int, height: int, scale: int) -> object:
    context = chromium.new_context(  # type: ignore[attr-defined]
        viewport={"width": width, "height": height}, device_scale_factor=scale
    )
    page = context.new_page()
    page.add_init_script(LAYOUT_SHIFTS)
    page.goto(url, wait_until="load")
    page.evaluate(SCROLL_THROUGH)
    page.wait_for_function(ALL_LOADED, timeout=15_000)
    page.wait_for_timeout(200)
    return page


HERO = "figure.photo--hero img"


def file_width(url: str) -> int:
    """The pixel width of a made file, from its name: /img/<key>-960.webp."""
    return int(url.rsplit("-", 1)[1].split(".")[0])


INLINE = "figure.photo--inline img"


@pytest.mark.browser
def test_a_phone_gets_the_960_file_and_a_desktop_a_sharp_one(
    chromium: object, photo_server: str
) -> None:
    phone = _visit(chromium, f"{photo_server}/news/harbor/", 390, 844, 2)
    hero, inline = phone.evaluate(SHOWN, HERO), phone.evaluate(SHOWN, INLINE)  # type: ignore[attr-defined]
    phone.context.close()  # type: ignore[attr-defined]
    assert hero["src"].endswith("-960.webp"), hero
    assert inline["src"].endswith("-960.webp"), inline
    assert file_width(hero["src"]) >= 0.9 * hero["shown"] * 2  # sharp on a 2x screen

    desktop = _visit(chromium, f"{photo_server}/news/harbor/", 1280, 900, 1)
    hero, inline = desktop.evaluate(SHOWN, HERO), desktop.evaluate(SHOWN, INLINE)  # type: ignore[attr-defined]
    desktop.context.close()  # type: ignore[attr-defined]
    assert hero["src"].endswith(("-960.webp", "-1600.webp")), hero
    assert hero["shown"] > 900 and file_width(hero["src"]) >= 0.9 * hero["shown"], hero
    assert inline["src"].endswith("-960.webp"), inline
    assert file_width(inline["src"]) >= inline["shown"], inline


@pytest.mark.browser
@pytest.mark.parametrize(("width", "height", "scale"), [(390, 844, 2), (1280, 900, 1)])
def test_nothing_moves_while_photos_load(
    chromium: object, photo_server: str, width: int, height: int, scale: int
) -> None:
    for path in ("/news/harbor/", "/", "/authors/ana/"):
        page = _visit(chromium, photo_server + path, width, height, scale)
        shift = page.evaluate("window.__shift")  # type: ignore[attr-defined]
        ratios = page.evaluate(RATIOS)  # type: ignore[attr-defined]
        page.context.close()  # type: ignore[attr-defined]
        assert shift < 0.01, (path, shift)
        for image in ratios:
            (w, h), (nw, nh) = image["attrs"], image["natural"]
            assert w and h, image
            assert abs(w / h - nw / nh) < 0.01 * (nw / nh), image


@pytest.mark.browser
def test_the_layout_shift_measurement_sees_photos_without_dimensions(
    chromium: object, photo_server: str
) -> None:
    """Guard for the test above: the same page with width/height removed does shift."""
    import re

    context = chromium.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.add_init_script(LAYOUT_SHIFTS)

    def strip_dimensions(route: object) -> None:
        response = route.fetch()  # type: ignore[attr-defined]
        html = re.sub(r' (?:width|height)="\d+"', "", response.text())
        route.fulfill(response=response, body=html)  # type: ignore[attr-defined]

    page.route("**/news/harbor/", strip_dimensions)
    page.goto(f"{photo_server}/news/harbor/", wait_until="load")
    page.evaluate(SCROLL_THROUGH)
    page.wait_for_function(ALL_LOADED, timeout=15_000)
    page.wait_for_timeout(200)
    shift = page.evaluate("window.__shift")
    context.close()
    assert shift > 0.05
