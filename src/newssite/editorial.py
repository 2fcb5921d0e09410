"""Editorial checks for `newssite check`: what a desk editor wants fixed before publishing.

These are warnings, not build errors: a story without tags or a photo without a credit
can still be published. `newssite check --strict` turns them into errors. The checks
look at the sources as written (to say which line) and at the site as it would be built
(to know which URLs and anchors exist), and compare with the URLs of the last build.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterator, Mapping, Sequence
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from newssite.config import CONFIG_NAME, SiteConfig, section_line
from newssite.errors import NewssiteError
from newssite.markup import ASSET_SCHEME, SOURCE_SCHEME
from newssite.model import Article, Author, Site, StandalonePage
from newssite.parse import Documents, gives_offset, parse_moment
from newssite.sources import RawDocument, SourceFile, split
from newssite.urls import output_path, url_key

# Output path -> bytes of a generated file, or None for a copied one (static, theme, photos).
PublishedFiles = Mapping[str, bytes | None]


def editorial_warnings(
    sources: Sequence[SourceFile],
    docs: Documents,
    site: Site,
    config: SiteConfig,
    files: PublishedFiles,
    previous_files: Collection[str] = (),
) -> list[NewssiteError]:
    """Every editorial warning of the site, sorted by file and line."""
    raws = {source.path: raw for source in sources if (raw := _split(source)) is not None}
    urls = _urls_of_sources(docs)
    ids = _PageIds(files)
    removed = {a.url for a in docs.articles if a.removed is not None}
    moved = dict(site.redirects)
    warnings: list[NewssiteError] = []
    for article in docs.articles:
        raw = raws.get(article.source)
        if raw is None or article.removed is not None:
            continue
        warnings += _story_fields(article, raw)
        warnings += _news_search_rules(article, raw)
        warnings += _shadowing_aliases(article, raw, docs, files, moved)
        warnings += _dates_without_offset(raw, config)
        own = article.url
        warnings += _body_links(article.body_html, own, raw, urls, ids, removed, moved, config)
    for document in (*docs.pages, *docs.authors):
        raw = raws.get(document.source)
        if raw is not None:
            own = _own_url(document)
            warnings += _body_links(_body_of(document), own, raw, urls, ids, removed, moved, config)
    warnings += _vanished_story_urls(docs, config, files, previous_files)
    warnings += _stale_translations(docs, raws)
    warnings += _untitled_sections(config)
    # A field the build already warns about (e.g. a photo's credit, by images.py) is not repeated.
    known = {(w.path, w.field) for w in docs.warnings}
    unique = {
        (w.path, w.line, w.field, w.message): w
        for w in warnings
        if w.field == "body" or (w.path, w.field) not in known
    }
    return sorted(unique.values(), key=NewssiteError.sort_key)


def _stale_translations(
    docs: Documents, raws: Mapping[str, RawDocument]
) -> Iterator[NewssiteError]:
    """A translation older than the last update or correction of its original (the default
    edition's version): the desk should bring it up to date."""
    originals = {a.translations: a for a in docs.articles if not a.edition}
    for article in docs.articles:
        original = originals.get(article.translations)
        raw = raws.get(article.source)
        if not article.edition or original is None or raw is None:
            continue
        changes = [c.date for c in original.corrections]
        changes += [original.updated] if original.updated else []
        if changes and max(changes) > article.modified:
            field = "updated" if article.updated else "date"
            yield _warning(
                raw,
                field,
                f"this translation is older than the last change of its original "
                f"({original.source}, {max(changes).date().isoformat()}): update it, "
                "and give it `updated:`",
                _line(raw, field),
            )


def _untitled_sections(config: SiteConfig) -> Iterator[NewssiteError]:
    """A section with no title in an edition shows its default title there."""
    if not config.languages:
        return
    try:
        text = (config.site_dir / CONFIG_NAME).read_text(encoding="utf-8")
    except OSError:
        text = ""
    for index, section in enumerate(config.sections):
        missing = [e.code for e in config.languages if e.code not in dict(section.titles)]
        if missing:
            line = section_line(text, index, "titles") or section_line(text, index)
            yield NewssiteError(
                f"no title in {', '.join(missing)}: the edition shows '{section.title}' "
                f'(add titles = {{ {missing[0]} = "…" }})',
                path=CONFIG_NAME,
                line=line,
                field=f"sections[{index}].titles",
            )


def _split(source: SourceFile) -> RawDocument | None:
    try:
        return split(source)
    except NewssiteError:
        return None  # the build reports it


def _warning(raw: RawDocument, field: str | None, message: str, line: int | None) -> NewssiteError:
    return NewssiteError(message, path=raw.source.path, line=line or 1, field=field)


def _line(raw: RawDocument, *names: str) -> int | None:
    return next((raw.lines[name] for name in names if name in raw.lines), None)


def _story_fields(article: Article, raw: RawDocument) -> Iterator[NewssiteError]:
    summary = raw.meta.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        yield _warning(
            raw,
            "summary",
            "no summary: the first paragraph stands in for the dek on cards, feeds and shares",
            _line(raw, "summary"),
        )
    if not article.tags:
        yield _warning(raw, "tags", "no tags: the story is on no topic page", _line(raw, "tags"))
    # Photo credit, alt text and size are checked by images.py, in every build and in check.


# What Google asks of news stories (Top Stories, Discover, the NewsArticle structured data).
PHOTO_MIN_WIDTH = 1200
HEADLINE_MAX = 110
SUMMARY_MAX = 300


def _news_search_rules(article: Article, raw: RawDocument) -> Iterator[NewssiteError]:
    """What an editor cannot see on the page but news search does."""
    photo = article.photo
    if photo is not None and 0 < photo.width < PHOTO_MIN_WIDTH:
        yield _warning(
            raw,
            "photo.src",
            f"the photo is {photo.width} px wide: Google Discover and Top Stories show a "
            f"story's large image only from photos at least {PHOTO_MIN_WIDTH:,} px wide",
            _line(raw, "photo.src", "photo"),
        )
    if len(article.title) > HEADLINE_MAX:
        yield _warning(
            raw,
            "title",
            f"the headline has {len(article.title)} characters: Google cuts news headlines "
            f"after {HEADLINE_MAX}, so readers of search see it broken off",
            _line(raw, "title"),
        )
    summary = raw.meta.get("summary")
    if isinstance(summary, str) and len(summary.strip()) > SUMMARY_MAX:
        yield _warning(
            raw,
            "summary",
            f"the summary has {len(summary.strip())} characters: search results and share "
            f"cards cut it after about {SUMMARY_MAX}, mid-sentence",
            _line(raw, "summary"),
        )
    if not article.authors and not article.byline:
        yield _warning(
            raw,
            "author",
            "no author and no byline: news search ranks stories with a named author, and "
            "readers trust them more",
            _line(raw, "author", "byline", "title"),
        )


def _shadowing_aliases(
    article: Article,
    raw: RawDocument,
    docs: Documents,
    files: PublishedFiles,
    moved: Mapping[str, str],
) -> Iterator[NewssiteError]:
    """An alias (an old URL that redirects here) that is the URL of a page that is live, or
    of another story that is not live yet: the redirect would take that page's place."""
    own = article.url
    stories = {
        url_key(other.url): other.source
        for other in docs.articles
        if other.source != article.source and other.removed is None
    }
    for index, alias in enumerate(article.aliases):
        try:
            path = output_path(alias)
        except ValueError:
            continue
        if url_key(alias) in stories:
            whose = f"the URL of {stories[url_key(alias)]}"
        elif path in files and moved.get(alias) != own:  # not this story's own redirect
            whose = "the URL of a live page of the site"
        else:
            continue
        yield _warning(
            raw,
            f"aliases[{index}]",
            f"{alias} is {whose}: a redirect there would shadow that page, and the build "
            "refuses the two once both are published",
            _line(raw, "aliases"),
        )


def _dated_fields(meta: Mapping[str, object]) -> Iterator[tuple[str, object]]:
    for name in ("date", "updated"):
        if meta.get(name) is not None:
            yield name, meta[name]
    corrections = meta.get("corrections")
    for index, item in enumerate(corrections if isinstance(corrections, list) else []):
        if isinstance(item, Mapping) and item.get("date") is not None:
            yield f"corrections[{index}].date", item["date"]
    removed = meta.get("removed")
    if isinstance(removed, Mapping) and removed.get("date") is not None:
        yield "removed.date", removed["date"]


def _dates_without_offset(raw: RawDocument, config: SiteConfig) -> Iterator[NewssiteError]:
    """A date without a UTC offset is read in the site's time zone; say so, and what it became."""
    zone = config.timezone.key
    for name, value in _dated_fields(raw.meta):
        if gives_offset(value):
            continue
        try:
            moment = parse_moment(value, config.timezone).isoformat()
        except ValueError:
            continue  # the build reports it
        if isinstance(value, str) and len(value.strip()) == 10:
            what = (
                f"no time or UTC offset: read as midnight in the site time zone, {moment} ({zone})"
            )
        else:
            what = f"no UTC offset: the site time zone ({zone}) was assumed, giving {moment}"
        yield _warning(raw, name, what, _line(raw, name))


def _urls_of_sources(docs: Documents) -> dict[str, str]:
    urls = {a.source: a.url for a in docs.articles}
    urls.update({author.source: author.url for author in docs.authors})
    urls.update({page.source: page.url for page in docs.pages})
    return urls


def _own_url(document: StandalonePage | Author) -> str:
    return document.url


def _body_of(document: StandalonePage | Author) -> str:
    return document.bio_html if isinstance(document, Author) else document.body_html


class _LinkParser(HTMLParser):
    """The links (a href, img src) and element ids of an HTML fragment or page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif (tag == "a" and name == "href") or (tag == "img" and name == "src"):
                self.links.append(value)


def _parse_html(html: str) -> _LinkParser:
    parser = _LinkParser()
    parser.feed(html)
    parser.close()
    return parser


class _PageIds:
    """The ids on each generated page, parsed when first asked for."""

    def __init__(self, files: PublishedFiles) -> None:
        self.files = files
        self.found: dict[str, set[str] | None] = {}

    def exists(self, path: str) -> bool:
        return path in self.files

    def of(self, path: str) -> set[str] | None:
        """None: no such page, or not a page we generated."""
        if path not in self.found:
            data = self.files.get(path)
            html = data.decode("utf-8", "replace") if data and path.endswith(".html") else None
            self.found[path] = _parse_html(html).ids if html is not None else None
        return self.found[path]


def _body_links(
    html: str,
    own_url: str,
    raw: RawDocument,
    urls: Mapping[str, str],
    ids: _PageIds,
    removed: Collection[str],
    moved: Mapping[str, str],
    config: SiteConfig,
) -> Iterator[NewssiteError]:
    """Links in a body to site paths no page has, or to anchors that page does not have."""
    body = _parse_html(html)
    own_path = output_path(own_url)
    for link in dict.fromkeys(body.links):
        if link.startswith(ASSET_SCHEME):
            continue  # a file beside the story: the build checks it
        if link.startswith("#"):
            anchors = ids.of(own_path) or body.ids
            if unquote(link[1:]) and unquote(link[1:]) not in anchors | body.ids:
                message = f"links to {link}, which is no anchor on this page"
                yield _warning(raw, "body", message, _body_line(raw, link))
            continue
        if link.startswith(SOURCE_SCHEME):
            target, _, fragment = link[len(SOURCE_SCHEME) :].partition("#")
            if target not in urls:
                message = f"links to {target}, which is not a story, author or page"
                yield _warning(raw, "body", message, _body_line(raw, target.rsplit("/", 1)[-1]))
                continue
            url, needle = urls[target], target.rsplit("/", 1)[-1]
            page = output_path(url)
        else:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path.startswith(config.base_path):
                continue  # another site, or another part of this host
            url = "/" + unquote(parts.path[len(config.base_path) :])
            fragment, needle = parts.fragment, parts.path[len(config.base_path) - 1 :]
            found = _published_path(url, ids)
            if found is None:
                message = f"links to {url}, which no page of the site has"
                yield _warning(raw, "body", message, _body_line(raw, needle))
                continue
            page = found
            if url in moved:
                message = f"links to {url}, an old URL that redirects to {moved[url]}; link there"
                yield _warning(raw, "body", message, _body_line(raw, needle))
                continue
        if url in removed:
            message = f"links to {url}, a story that has been removed"
            yield _warning(raw, "body", message, _body_line(raw, needle))
            continue
        anchors = ids.of(page)
        if fragment and anchors is not None and unquote(fragment) not in anchors:
            message = f"links to {url}#{fragment}, but that page has no such anchor"
            yield _warning(raw, "body", message, _body_line(raw, f"#{fragment}"))


def _published_path(url: str, ids: _PageIds) -> str | None:
    """The output file a site path is served from, if the build writes one."""
    relative = url.lstrip("/")
    candidates = (
        [relative + "index.html"] if url.endswith("/") else [relative, relative + "/index.html"]
    )
    return next((path for path in candidates if ids.exists(path)), None)


def _body_line(raw: RawDocument, needle: str) -> int:
    for offset, text in enumerate(raw.body.split("\n")):
        if needle and needle in text:
            return raw.body_line + offset
    return raw.body_line


def _vanished_story_urls(
    docs: Documents, config: SiteConfig, files: PublishedFiles, previous: Collection[str]
) -> Iterator[NewssiteError]:
    """Story URLs the last build published that now lead nowhere: links and search results break.

    A slug or section change is matched to the story that took a new URL, which then gets
    the warning (add the old URL to its `aliases:`).
    """
    sections = {section.slug for section in config.sections}
    vanished = sorted(
        path
        for path in previous
        if (parts := path.split("/"))
        and len(parts) == 3
        and parts[0] in sections
        and parts[1] != "page"
        and parts[2] == "index.html"
        and path not in files
    )
    if not vanished:
        return
    fresh = {
        output_path(url): article
        for article in docs.articles
        if (url := article.url) and output_path(url) in files and output_path(url) not in previous
    }
    for path in vanished:
        old_url = "/" + path.removesuffix("index.html")
        old_slug = path.split("/")[1]
        match = max(
            fresh.values(),
            key=lambda a: difflib.SequenceMatcher(None, old_slug, a.slug).ratio(),
            default=None,
        )
        similar = match is not None and (
            difflib.SequenceMatcher(None, old_slug, match.slug).ratio() >= 0.5
            or len(vanished) == len(fresh) == 1  # one URL went, one came: a rename
        )
        if match is not None and similar:
            new_url = match.url
            yield NewssiteError(
                f"the URL changed from {old_url} (published by the last build) to {new_url} "
                f"and nothing redirects; add `aliases: [{old_url}]`",
                path=match.source,
                line=match.lines.get("aliases") or match.lines.get("slug") or 1,
                field="aliases",
            )
        else:
            yield NewssiteError(
                "published by the last build, and now no story has this URL: restore the "
                "story, take it down with `removed:`, or add the URL to another story's "
                "`aliases:`",
                path=old_url,
                field="url",
            )
