"""Feeds, sitemaps and the small files beside the pages: Atom and JSON feeds, the sitemap
and its parts, the news sitemap, robots.txt, latest.json and _redirects, each serialised by
a library (ElementTree, json, saxutils for the sitemap parts) so every field is escaped."""

from __future__ import annotations

import json
import xml.etree.ElementTree as etree
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from newssite.config import SiteConfig
from newssite.model import Feed, Output, Photo, SitemapEntry, Story
from newssite.plan import sitemap_index_of, sitemap_parts
from newssite.templates import ap_date
from newssite.urls import absolute, href, json_feed_url, output_path

__all__ = ["sitemap_index_of", "sitemap_parts"]

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
MEDIA = "http://search.yahoo.com/mrss/"
XHTML = "http://www.w3.org/1999/xhtml"
EMPTY_FEED_UPDATED = datetime(2000, 1, 1, tzinfo=UTC)


def _xml(root: etree.Element) -> bytes:
    etree.indent(root, space="  ")
    body = etree.tostring(root, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")


def _sub(
    parent: etree.Element, tag: str, text: str | None = None, **attributes: str
) -> etree.Element:
    element = etree.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def render_feed(feed: Feed, config: SiteConfig) -> Output:
    """An Atom (RFC 4287) feed, serialised by ElementTree so every field is escaped."""
    base = config.base_url
    root = etree.Element("feed", {"xmlns": ATOM, "xmlns:media": MEDIA, "xml:lang": config.language})
    _sub(root, "id", feed.feed_id)
    _sub(root, "title", feed.title)
    if feed.subtitle:
        _sub(root, "subtitle", feed.subtitle)
    updated = max((story.modified for story in feed.stories), default=EMPTY_FEED_UPDATED)
    _sub(root, "updated", _rfc3339(updated))
    _sub(root, "link", rel="self", type="application/atom+xml", href=absolute(feed.url, base))
    _sub(root, "link", rel="alternate", type="text/html", href=absolute(feed.alternate_url, base))
    author = _sub(root, "author")
    _sub(author, "name", config.title)
    _sub(author, "uri", base)
    _sub(root, "generator", "newssite", uri="https://pypi.org/project/newssite/")
    for story in feed.stories:
        _feed_entry(root, story, config)
    return Output(output_path(feed.url), _xml(root))


def entry_id(story: Story, config: SiteConfig) -> str:
    """A tag: URI that survives edits of the title (RFC 4151)."""
    host = absolute("/", config.base_url).split("/")[2].split(":")[0]
    return f"tag:{host},{story.date.astimezone(config.timezone).date().isoformat()}:{story.slug}"


def _feed_entry(root: etree.Element, story: Story, config: SiteConfig) -> None:
    entry = _sub(root, "entry")
    _sub(entry, "id", entry_id(story, config))
    _sub(entry, "title", story.title, type="text")
    _sub(
        entry, "link", rel="alternate", type="text/html", href=absolute(story.url, config.base_url)
    )
    _sub(entry, "published", _rfc3339(story.date))
    _sub(entry, "updated", _rfc3339(story.modified))
    for person in story.authors:
        author = _sub(entry, "author")
        _sub(author, "name", person.name)
        _sub(author, "uri", absolute(person.url, config.base_url))
    if story.byline:
        _sub(_sub(entry, "author"), "name", story.byline)
    _sub(entry, "category", term=story.section.slug, label=story.section.title)
    for tag in story.tags:
        _sub(entry, "category", term=tag.slug, label=tag.name)
    if story.summary:
        _sub(entry, "summary", story.summary, type="text")
    content = _sub(entry, "content", _feed_content(story, config), type="html")
    content.set("xml:base", absolute(story.url, config.base_url))
    if story.photo is not None:
        _media_content(entry, story.photo, config)


def _media_content(entry: etree.Element, photo: Photo, config: SiteConfig) -> None:
    """The story photo as Media RSS: its largest JPEG/PNG file, credit, caption, thumbnail."""
    files = [rendition for rendition in photo.renditions if rendition.mime != "image/webp"]
    largest = files[-1] if files else None
    url = absolute(largest.url if largest else photo.src, config.base_url)
    media = _sub(entry, "media:content", url=url, medium="image")
    if largest is not None:
        media.attrib.update(type=largest.mime, width=str(largest.width), height=str(largest.height))
    if photo.caption:
        _sub(media, "media:description", photo.caption, type="plain")
    if photo.credit:
        _sub(media, "media:credit", photo.credit)
    if files:
        small = files[0]
        _sub(
            media,
            "media:thumbnail",
            url=absolute(small.url, config.base_url),
            width=str(small.width),
            height=str(small.height),
        )


def _feed_content(story: Story, config: SiteConfig) -> str:
    if story.photo is None:
        return story.body_html
    photo = story.photo
    src = absolute(photo.src, config.base_url)
    caption = " ".join(
        part for part in (photo.caption, f"({photo.credit})" if photo.credit else "") if part
    )
    figure = etree.Element("figure")
    etree.SubElement(figure, "img", {"src": src, "alt": photo.alt})
    if caption:
        etree.SubElement(figure, "figcaption").text = caption
    return etree.tostring(figure, encoding="unicode", method="html") + story.body_html


JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


def render_json_feed(feed: Feed, config: SiteConfig) -> Output:
    """The JSON Feed 1.1 twin of an Atom feed: the same stories, ids, dates and full text."""
    base = config.base_url
    data: dict[str, object] = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": absolute(feed.alternate_url, base),
        "feed_url": absolute(json_feed_url(feed.url), base),
    }
    if feed.subtitle:
        data["description"] = feed.subtitle
    data["language"] = config.language
    data["authors"] = [{"name": config.title, "url": base}]
    data["items"] = [_json_feed_item(story, config) for story in feed.stories]
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return Output(output_path(json_feed_url(feed.url)), (text + "\n").encode("utf-8"))


def _json_feed_item(story: Story, config: SiteConfig) -> dict[str, object]:
    base = config.base_url
    item: dict[str, object] = {
        "id": entry_id(story, config),
        "url": absolute(story.url, base),
        "title": story.title,
        "content_html": _feed_content(story, config),
    }
    if story.summary:
        item["summary"] = story.summary
    item["date_published"] = _rfc3339(story.date)
    item["date_modified"] = _rfc3339(story.modified)
    authors = [{"name": a.name, "url": absolute(a.url, base)} for a in story.authors]
    item["authors"] = authors + ([{"name": story.byline}] if story.byline else [])
    item["tags"] = list(dict.fromkeys([story.section.title, *(tag.name for tag in story.tags)]))
    if story.photo is not None:
        photo = story.photo
        files = [rendition for rendition in photo.renditions if rendition.mime != "image/webp"]
        item["image"] = absolute(files[-1].url if files else photo.src, base)
        # JSON Feed has no field for a photo's credit; an extension object carries it.
        item["_photo"] = {"alt": photo.alt, "caption": photo.caption, "credit": photo.credit}
    return item


def render_sitemaps(entries: Sequence[SitemapEntry], config: SiteConfig) -> list[Output]:
    """sitemap.xml, or past SITEMAP_SINGLE URLs a sitemap index and its parts."""
    parts = sitemap_parts(entries)
    outputs = [urlset_output(name, part, config) for name, part in parts]
    if len(parts) > 1:
        outputs.append(render_sitemap_index(sitemap_index_of(parts), config))
    return outputs


def render_sitemap_index(
    index: Sequence[tuple[str, datetime | None]], config: SiteConfig
) -> Output:
    """The sitemap index: one <sitemap> per part, with its newest lastmod."""
    root = etree.Element("sitemapindex", {"xmlns": SITEMAP})
    for name, lastmod in index:
        sitemap = _sub(root, "sitemap")
        _sub(sitemap, "loc", absolute(f"/{name}", config.base_url))
        if lastmod:
            _sub(sitemap, "lastmod", _rfc3339(lastmod))
    return Output("sitemap.xml", _xml(root))


def urlset_output(path: str, entries: Sequence[SitemapEntry], config: SiteConfig) -> Output:
    return Output(path, _urlset(entries, config))


def _urlset(entries: Sequence[SitemapEntry], config: SiteConfig) -> bytes:
    """A sitemap part, written line by line: the bytes _xml gives, each value escaped as
    ElementTree escapes it (and a carriage return kept as one). A part holds up to 5,000
    URLs and every update that publishes a story writes one again; building the tree took
    most of that time."""
    names = f' xmlns="{SITEMAP}"'
    if any(entry.alternates for entry in entries):
        names += f' xmlns:xhtml="{XHTML}"'
    if not entries:
        return f"{_XML_DECLARATION}<urlset{names} />\n".encode()
    base = config.base_url
    lines = [f"{_XML_DECLARATION}<urlset{names}>"]
    for entry in entries:
        lines.append(f"  <url>\n    <loc>{_text(absolute(entry.url, base))}</loc>")
        if entry.lastmod:
            lines.append(f"    <lastmod>{_rfc3339(entry.lastmod)}</lastmod>")
        if entry.alternates:
            # Every version of the page, itself too, and x-default: the default edition's.
            default = ("x-default", entry.alternates[0][1])
            for language, other in (*entry.alternates, default):
                lines.append(
                    f'    <xhtml:link rel="alternate" hreflang="{_attribute(language)}" '
                    f'href="{_attribute(absolute(other, base))}" />'
                )
        lines.append("  </url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode("utf-8")


_XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'


def _text(value: str) -> str:
    return escape(value, _TEXT_ENTITIES)


def _attribute(value: str) -> str:
    return escape(value, _ATTRIBUTE_ENTITIES)


# Beyond & < >: a carriage return, which a parser would read as a line feed (ElementTree
# leaves it in text), and in an attribute's value what ElementTree escapes there.
_TEXT_ENTITIES = {"\r": "&#13;"}
_ATTRIBUTE_ENTITIES = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}


def render_news_sitemap(stories: Sequence[Story], config: SiteConfig) -> Output:
    """Google News sitemap: stories of the last two days, at most 1,000."""
    root = etree.Element("urlset", {"xmlns": SITEMAP, "xmlns:news": NEWS})
    for story in stories:
        url = _sub(root, "url")
        _sub(url, "loc", absolute(story.url, config.base_url))
        news = _sub(url, "news:news")
        publication = _sub(news, "news:publication")
        _sub(publication, "news:name", config.title)
        language = story.language or config.language
        _sub(publication, "news:language", _news_language(language))
        _sub(news, "news:publication_date", _rfc3339(story.date))
        _sub(news, "news:title", story.title)
    return Output("news-sitemap.xml", _xml(root))


def _news_language(code: str) -> str:
    """Google News wants ISO 639 codes, but zh-cn and zh-tw for Chinese."""
    code = code.lower()
    if code.startswith("zh-"):
        return "zh-tw" if code in ("zh-tw", "zh-hant", "zh-hk") else "zh-cn"
    return code.split("-")[0]


def render_robots(config: SiteConfig) -> Output:
    lines = [
        "User-agent: *",
        "Allow: /",
        f"Sitemap: {absolute('/sitemap.xml', config.base_url)}",
        f"Sitemap: {absolute('/news-sitemap.xml', config.base_url)}",
    ]
    return Output("robots.txt", ("\n".join(lines) + "\n").encode("utf-8"))


def _thumbnail(photo: Photo) -> str:
    """The narrowest JPEG/PNG file of a photo: the News Feed shows it 120 px wide."""
    files = [rendition for rendition in photo.renditions if rendition.mime != "image/webp"]
    return files[0].url if files else photo.src


def render_latest(
    stories: Sequence[Story],
    config: SiteConfig,
    path: str = "latest.json",
    date_text: Callable[[datetime], str] | None = None,
) -> Output:
    """The small file that fills the News Feed on article pages, so they never embed lists."""
    stories = [
        {
            "title": story.title,
            "url": href(story.url, config.base_path),
            "section": story.section.title,
            "date": story.date.isoformat(),
            "date_text": (date_text or ap_date)(story.date.astimezone(config.timezone)),
            "photo": href(_thumbnail(story.photo), config.base_path) if story.photo else None,
        }
        for story in stories
    ]
    data = json.dumps({"stories": stories}, ensure_ascii=False, indent=1, sort_keys=True)
    return Output(path, (data + "\n").encode("utf-8"))


def render_redirects(redirects: Sequence[tuple[str, str]], config: SiteConfig) -> Output:
    """`_redirects` (Netlify's format, read by several hosts): one `/old /new 301` per alias."""
    lines = [
        f"{href(old, config.base_path)} {href(new, config.base_path)} 301" for old, new in redirects
    ]
    return Output("_redirects", ("\n".join(lines) + "\n").encode("utf-8"))


def render_corrections_feed(
    corrections: Sequence[tuple[Story, int]], url: str, config: SiteConfig
) -> Output:
    """The Atom feed of /corrections/: one entry per correction, newest first, linking to
    the story it corrects."""
    base = config.base_url
    root = etree.Element("feed", {"xmlns": ATOM, "xml:lang": config.language})
    host = absolute("/", base).split("/")[2].split(":")[0]
    _sub(root, "id", f"tag:{host},2000:{config.base_path}{url.lstrip('/')}")
    _sub(root, "title", f"Corrections – {config.title}")
    moments = [story.corrections[number].date for story, number in corrections]
    _sub(root, "updated", _rfc3339(max(moments, default=EMPTY_FEED_UPDATED)))
    _sub(root, "link", rel="self", type="application/atom+xml", href=absolute(url, base))
    page = url.rsplit("/", 1)[0] + "/"
    _sub(root, "link", rel="alternate", type="text/html", href=absolute(page, base))
    author = _sub(root, "author")
    _sub(author, "name", config.title)
    _sub(author, "uri", base)
    for story, number in corrections:
        correction = story.corrections[number]
        entry = _sub(root, "entry")
        _sub(entry, "id", f"{entry_id(story, config)}:correction-{number + 1}")
        _sub(entry, "title", f"Correction: {story.title}", type="text")
        link = absolute(story.url, base) + "#corrections"
        _sub(entry, "link", rel="alternate", type="text/html", href=link)
        _sub(entry, "published", _rfc3339(correction.date))
        _sub(entry, "updated", _rfc3339(correction.date))
        _sub(entry, "summary", correction.text, type="text")
    return Output(output_path(url), _xml(root))


def render_corrections_json_feed(
    corrections: Sequence[tuple[Story, int]], url: str, config: SiteConfig
) -> Output:
    """The JSON Feed 1.1 twin of the corrections feed: the same entries, ids and dates."""
    base = config.base_url
    page = url.rsplit("/", 1)[0] + "/"
    items = []
    for story, number in corrections:
        correction = story.corrections[number]
        items.append(
            {
                "id": f"{entry_id(story, config)}:correction-{number + 1}",
                "url": absolute(story.url, base) + "#corrections",
                "title": f"Correction: {story.title}",
                "content_text": correction.text,
                "date_published": _rfc3339(correction.date),
                "date_modified": _rfc3339(correction.date),
            }
        )
    data: dict[str, object] = {
        "version": JSON_FEED_VERSION,
        "title": f"Corrections – {config.title}",
        "home_page_url": absolute(page, base),
        "feed_url": absolute(url, base),
        "language": config.language,
        "authors": [{"name": config.title, "url": base}],
        "items": items,
    }
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return Output(output_path(url), (text + "\n").encode("utf-8"))


def render_alert(shown: Sequence[str], config: SiteConfig) -> Output:
    """/alert.json: the alert every page shows (alert.js), or {} when there is none."""
    data: dict[str, str] = {}
    if shown:
        text, link, level, expires = shown
        data = {"text": text, "level": level, "expires": expires}
        if link:
            data["link"] = href(link, config.base_path) if link.startswith("/") else link
    body = json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n"
    return Output("alert.json", body.encode("utf-8"))
