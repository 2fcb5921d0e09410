"""`newssite import jekyll DIR`: a Jekyll site's `_posts/` as stories, its pages as pages.

Posts are named `YYYY-MM-DD-slug.md`; the site's `permalink` (a style such as `date` or
`pretty`, or a pattern) and each file's own `permalink` give the old URLs, kept as aliases
with `redirect_from`. `{% link %}`, `{% post_url %}` and `| relative_url` become ordinary
links; `{% highlight %}` becomes a fenced code block; other Liquid is kept and reported.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import yaml

from newssite.errors import NewssiteError
from newssite.importers.common import Archive, SiteSetup, make_slug
from newssite.importers.hugo import split_front_matter
from newssite.importers.markdown_sites import (
    Context,
    Entry,
    Site,
    _Made,
    make_archive,
    moment_of,
    strings_of,
)

_POST_NAME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-(.+)$")
_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
_SUFFIXES = (".md", ".markdown", ".mkd", ".html")
_LINK_TAG = re.compile(r"\{%-?\s*link\s+(\S+?)\s*-?%\}")
_POST_URL = re.compile(r"\{%-?\s*post_url\s+(\S+?)\s*-?%\}")
_FILTERED = re.compile(
    r"\{\{-?\s*(?:'([^']*)'|\"([^\"]*)\")\s*\|\s*(?:relative_url|absolute_url)\s*-?\}\}"
)
_BASEURL = re.compile(r"\{\{-?\s*site\.(?:baseurl|url)\s*-?\}\}")
_HIGHLIGHT = re.compile(
    r"\{%-?\s*highlight\s+(\w+)[^%]*%\}\n?(.*?)\{%-?\s*endhighlight\s*-?%\}", re.DOTALL
)
_RAW = re.compile(r"\{%-?\s*(?:end)?raw\s*-?%\}")
_LIQUID = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)


def import_jekyll(source: Path, setup: SiteSetup) -> Archive:
    """Read a Jekyll site folder (holding _config.yml and _posts/)."""
    config = _read_config(source)
    if not (source / "_posts").is_dir() and not config:
        raise NewssiteError(
            "no _posts/ folder and no _config.yml: is this a Jekyll site?", path=str(source)
        )
    author = config.get("author")
    if isinstance(author, dict):
        author = author.get("name")
    site = Site(
        title=str(config.get("title") or ""),
        base_url=str(config.get("url") or "") + str(config.get("baseurl") or ""),
        language=str(config.get("lang") or config.get("locale") or "").replace("_", "-"),
        author=str(author or ""),
    )
    style = str(config.get("permalink") or "date")
    pattern = _STYLES.get(style, style)
    roots = (source,)
    entries = []
    for folder, draft in (("_posts", False), ("_drafts", True)):
        for path in sorted((source / folder).rglob("*")) if (source / folder).is_dir() else []:
            if path.is_file() and path.name.endswith(_SUFFIXES):
                entries.append(_post(path, source, pattern, draft, roots))
    for path in sorted(source.glob("*")) + sorted((source / "_pages").glob("*")):
        if path.is_file() and path.name.endswith(_SUFFIXES) and path.stem not in ("index", "404"):
            entry = _page(path, source, style, roots)
            if entry is not None:
                entries.append(entry)
    return make_archive(site, entries, setup, _rewrite)


def _read_config(source: Path) -> dict[str, object]:
    path = source / "_config.yml"
    if not path.is_file():
        path = source / "_config.yaml"
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise NewssiteError(f"cannot read the Jekyll config: {error}", path=str(path)) from None
    return data if isinstance(data, dict) else {}


def _post(path: Path, source: Path, pattern: str, draft: bool, roots: tuple[Path, ...]) -> Entry:
    meta, body = split_front_matter(path.read_text(encoding="utf-8"), path)
    meta = {str(k).lower(): v for k, v in meta.items()}
    stem = path.stem
    named = _POST_NAME.match(stem)
    title_part = named.group(4) if named else stem
    moment = moment_of(meta.get("date"))
    if moment is None and named:
        moment = date(int(named.group(1)), int(named.group(2)), int(named.group(3)))
    slug_text = str(meta.get("slug") or title_part)
    categories = strings_of(meta.get("categories")) or strings_of(meta.get("category"))
    if isinstance(meta.get("categories"), str):
        categories = str(meta["categories"]).split()
    if categories:
        meta["categories"] = categories
    own = meta.get("permalink")
    old = _expand(
        str(own) if own else pattern, moment, categories, slug_text, str(meta.get("title") or "")
    )
    if meta.get("published") is False:
        draft = True
    return Entry(
        kind="story",
        source=path,
        key=path.relative_to(source).as_posix(),
        meta=meta,
        body=body,
        slug=make_slug(slug_text, "item"),
        old_urls=[old, *strings_of(meta.get("redirect_from"))] if not draft else [],
        date=moment,
        draft=draft,
        html=path.suffix == ".html",
        static_roots=roots,
        root=roots[0],
    )


def _page(path: Path, source: Path, style: str, roots: tuple[Path, ...]) -> Entry | None:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return None  # a file Jekyll copies as it is
    meta, body = split_front_matter(text, path)
    meta = {str(k).lower(): v for k, v in meta.items()}
    if meta.get("layout") in ("home", "none") or meta.get("pagination"):
        return None
    own = meta.get("permalink")
    if own:
        old = str(own)
    elif style == "pretty" or style.endswith("/"):
        old = f"/{path.stem}/"
    else:
        old = f"/{path.stem}.html"
    return Entry(
        kind="page",
        source=path,
        key=path.relative_to(source).as_posix(),
        meta=meta,
        body=body,
        slug=make_slug(str(meta.get("slug") or path.stem), "page"),
        old_urls=[old, *strings_of(meta.get("redirect_from"))],
        draft=meta.get("published") is False,
        html=path.suffix == ".html",
        static_roots=roots,
        root=roots[0],
    )


def _expand(
    pattern: str, moment: datetime | date | None, categories: list[str], slug: str, title: str
) -> str:
    day = moment or date(1970, 1, 1)
    stamp = day if isinstance(day, datetime) else datetime(day.year, day.month, day.day)
    values = {
        "year": f"{stamp:%Y}",
        "short_year": f"{stamp:%y}",
        "month": f"{stamp:%m}",
        "i_month": str(stamp.month),
        "short_month": f"{stamp:%b}",
        "long_month": f"{stamp:%B}",
        "day": f"{stamp:%d}",
        "i_day": str(stamp.day),
        "y_day": f"{stamp:%j}",
        "week": f"{stamp:%V}",
        "short_day": f"{stamp:%a}",
        "long_day": f"{stamp:%A}",
        "hour": f"{stamp:%H}",
        "minute": f"{stamp:%M}",
        "second": f"{stamp:%S}",
        "title": slug,
        "slug": make_slug(slug, slug),
        "name": slug,
        "categories": "/".join(c.lower().replace(" ", "-") for c in categories),
        "output_ext": ".html",
    }
    url = re.sub(r":(\w+)", lambda m: values.get(m.group(1), m.group(0)), pattern)
    url = re.sub(r"/{2,}", "/", "/" + url.lstrip("/"))
    return url


def _rewrite(text: str, made: _Made, ctx: Context) -> str:
    def link(match: re.Match[str]) -> str:
        target = ctx.link_to(match.group(1).lstrip("/"), made.path)
        if target is None:
            ctx.warn("link not found", f"{match.group(0)} points at no imported file", made)
            return match.group(0)
        return target

    def post_url(match: re.Match[str]) -> str:
        name = match.group(1).rsplit("/", 1)[-1]
        target = ctx.link_to(name, made.path)
        if target is None:
            ctx.warn("link not found", f"{match.group(0)} points at no imported post", made)
            return match.group(0)
        return target

    text = _HIGHLIGHT.sub(lambda m: f"```{m.group(1)}\n{m.group(2).rstrip()}\n```", text)
    text = _LINK_TAG.sub(link, text)
    text = _POST_URL.sub(post_url, text)
    text = _FILTERED.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)
    text = _BASEURL.sub("", text)
    text = _RAW.sub("", text)
    for match in _LIQUID.finditer(text):
        ctx.warn(
            "Liquid kept as text", f"{match.group(0)[:80]} has no equivalent; kept as text", made
        )
    return text
