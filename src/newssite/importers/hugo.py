"""`newssite import hugo DIR`: a Hugo site's content/ as stories and pages.

Front matter in YAML (`---`), TOML (`+++`) or JSON; page bundles (`post/x/index.md` with its
images); `aliases`; the site's `[permalinks]` (old URLs become aliases); `ref` and `relref`
shortcodes become links to the new files; `figure`, `youtube` and `vimeo` become a photo and
embeds; other shortcodes are kept as text and reported.
"""

from __future__ import annotations

import json
import re
import tomllib
from datetime import date, datetime
from pathlib import Path, PurePosixPath

import yaml

from newssite.errors import NewssiteError
from newssite.importers.common import Archive, SiteSetup, make_slug
from newssite.importers.convert import photo_markdown
from newssite.importers.markdown_sites import (
    Context,
    Entry,
    Site,
    _Made,
    embed_or_link,
    make_archive,
    moment_of,
    strings_of,
)

_CONFIG_NAMES = (
    "hugo.toml",
    "hugo.yaml",
    "hugo.yml",
    "hugo.json",
    "config.toml",
    "config.yaml",
    "config.yml",
    "config.json",
    "config/_default/hugo.toml",
    "config/_default/config.toml",
    "config/_default/hugo.yaml",
    "config/_default/config.yaml",
)
_SHORTCODE = re.compile(r"\{\{[<%]\s*(/?)\s*([\w./-]+)(.*?)\s*[>%]\}\}", re.DOTALL)
_ARG = re.compile(r'(?:(\w+)\s*=\s*)?(?:"([^"]*)"|`([^`]*)`|(\S+))')
_PAGE_SUFFIXES = (".md", ".markdown", ".html")


def import_hugo(source: Path, setup: SiteSetup) -> Archive:
    """Read a Hugo site folder (holding content/ and a config file)."""
    content = source / "content"
    if not content.is_dir():
        raise NewssiteError("no content/ folder: is this a Hugo site?", path=str(source))
    config = _read_config(source)
    params = config.get("params") if isinstance(config.get("params"), dict) else {}
    author = config.get("author") or (params or {}).get("author") or ""
    if isinstance(author, dict):
        author = author.get("name", "")
    site = Site(
        title=str(config.get("title") or ""),
        base_url=str(config.get("baseURL") or config.get("baseurl") or ""),
        language=str(config.get("languageCode") or config.get("defaultContentLanguage") or ""),
        author=str(author or ""),
    )
    permalinks = config.get("permalinks") if isinstance(config.get("permalinks"), dict) else {}
    entries = []
    for path in sorted(content.rglob("*")):
        if not path.is_file() or not path.name.endswith(_PAGE_SUFFIXES):
            continue
        relative = path.relative_to(content)
        if path.name.startswith("_index.") or any(p.startswith(".") for p in relative.parts):
            continue
        bundle = path.parent if path.stem == "index" else None
        if bundle is not None and any(
            p.name.endswith(_PAGE_SUFFIXES) and p.stem != "index" for p in bundle.iterdir()
        ):
            bundle = None  # a branch folder, not a leaf bundle
        entry = _entry(path, relative, bundle, source, permalinks or {})
        if entry is not None:
            entries.append(entry)
    return make_archive(site, entries, setup, _rewrite)


def _read_config(source: Path) -> dict[str, object]:
    for name in _CONFIG_NAMES:
        path = source / name
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        try:
            if name.endswith(".toml"):
                data = tomllib.loads(text)
            elif name.endswith(".json"):
                data = json.loads(text)
            else:
                data = yaml.safe_load(text)
        except (tomllib.TOMLDecodeError, ValueError, yaml.YAMLError) as error:
            raise NewssiteError(f"cannot read the Hugo config: {error}", path=str(path)) from None
        return data if isinstance(data, dict) else {}
    return {}


def split_front_matter(text: str, path: Path) -> tuple[dict[str, object], str]:
    """YAML (---), TOML (+++) or JSON ({ ... }) front matter, and the body."""
    text = text.lstrip("\ufeff")
    try:
        if text.startswith("---"):
            _, head, body = re.split(r"^---[ \t]*$", text, maxsplit=2, flags=re.MULTILINE)
            data = yaml.safe_load(head)
        elif text.startswith("+++"):
            _, head, body = re.split(r"^\+\+\+[ \t]*$", text, maxsplit=2, flags=re.MULTILINE)
            data = tomllib.loads(head)
        elif text.startswith("{"):
            decoder = json.JSONDecoder()
            data, end = decoder.raw_decode(text)
            body = text[end:]
        else:
            return {}, text
    except ValueError as error:  # also YAMLError's and TOMLDecodeError's parents
        raise NewssiteError(f"cannot read the front matter: {error}", path=str(path)) from None
    except yaml.YAMLError as error:
        raise NewssiteError(f"cannot read the front matter: {error}", path=str(path)) from None
    return (data if isinstance(data, dict) else {}), body.lstrip("\n")


def _entry(
    path: Path, relative: Path, bundle: Path | None, source: Path, permalinks: dict[str, object]
) -> Entry | None:
    meta, body = split_front_matter(path.read_text(encoding="utf-8"), path)
    meta = {str(k).lower(): v for k, v in meta.items()}
    parts = relative.parts
    top_level = len(parts) == 1 or (bundle is not None and len(parts) == 2)
    section_dir = "" if top_level else parts[0]
    kind = "page" if top_level or meta.get("type") == "page" else "story"
    filename = bundle.name if bundle is not None else path.stem
    slug_text = str(meta.get("slug") or filename)
    slug = make_slug(slug_text, "item")
    moment = moment_of(meta.get("date") or meta.get("publishdate") or meta.get("pubdate"))
    old = _old_url(meta, section_dir, filename, moment, permalinks, relative, bundle)
    aliases = [_alias_path(a, old) for a in strings_of(meta.get("aliases"))]
    key = relative.as_posix()
    return Entry(
        kind=kind,
        source=path,
        key=key,
        meta=meta,
        body=body,
        slug=slug,
        old_urls=[u for u in [old, *aliases] if u],
        section_hint=section_dir.replace("-", " ").title() if section_dir else "",
        date=moment,
        draft=bool(meta.get("draft")),
        html=path.suffix == ".html",
        bundle=bundle,
        static_roots=(source / "static", source / "assets"),
        root=source,
    )


def _alias_path(alias: str, own: str | None) -> str:
    if alias.startswith("/") or "://" in alias:
        return alias
    base = (own or "/").rsplit("/", 2)[0] + "/"
    return base + alias


def _old_url(
    meta: dict[str, object],
    section: str,
    filename: str,
    moment: datetime | date | None,
    permalinks: dict[str, object],
    relative: Path,
    bundle: Path | None,
) -> str | None:
    if isinstance(meta.get("url"), str):
        url = str(meta["url"])
        return url if url.startswith("/") else "/" + url
    slug = str(meta.get("slug") or "")
    title = str(meta.get("title") or "")
    pattern = permalinks.get(section) if section else permalinks.get("page")
    if isinstance(pattern, str):
        day = moment or date(1970, 1, 1)
        folders = "/".join(relative.parts[:-2] if bundle is not None else relative.parts[:-1])
        values = {
            "year": f"{day:%Y}",
            "month": f"{day:%m}",
            "monthname": f"{day:%B}".lower(),
            "day": f"{day:%d}",
            "weekday": f"{day:%w}",
            "weekdayname": f"{day:%A}".lower(),
            "yearday": f"{day:%j}",
            "section": section,
            "sections": folders,
            "title": _urlize(title),
            "slug": slug or _urlize(title),
            "slugorfilename": slug or filename,
            "slugorcontentbasename": slug or filename,
            "filename": filename,
            "contentbasename": filename,
        }
        url = re.sub(r":(\w+)", lambda m: values.get(m.group(1), m.group(0)), pattern)
        url = "/" + url.strip("/") + ("/" if not re.search(r"\.\w+$", url) else "")
        return re.sub(r"/{2,}", "/", url)
    path = (
        PurePosixPath(*relative.parts[:-2])
        if bundle is not None
        else PurePosixPath(*relative.parts[:-1])
    )
    name = slug or filename
    folder = path.as_posix()
    return f"/{folder}/{name}/" if folder and folder != "." else f"/{name}/"


def _urlize(text: str) -> str:
    return re.sub(r"[^\w-]+", "", re.sub(r"\s+", "-", text.strip().lower()))


def _arguments(text: str) -> tuple[list[str], dict[str, str]]:
    positional, named = [], {}
    for match in _ARG.finditer(text):
        value = next((g for g in match.groups()[1:] if g is not None), "")
        if match.group(1):
            named[match.group(1)] = value
        elif value:
            positional.append(value)
    return positional, named


def _rewrite(text: str, made: _Made, ctx: Context) -> str:
    def replace(match: re.Match[str]) -> str:
        closing, name, rest = match.group(1), match.group(2), match.group(3)
        positional, named = _arguments(rest)
        if closing:
            return match.group(0)
        if name in ("ref", "relref"):
            target = (positional or [named.get("path", "")])[0]
            link = _resolve(target, made, ctx)
            if link is None:
                ctx.warn("link not found", f"{match.group(0)} points at no imported file", made)
                return match.group(0)
            return link
        if name == "figure":
            src = named.get("src", "")
            caption = named.get("caption") or named.get("title", "")
            return photo_markdown(src, named.get("alt", ""), caption, named.get("attr", ""))
        if name in ("youtube", "vimeo"):
            video = named.get("id") or (positional[0] if positional else "")
            url = (
                f"https://www.youtube.com/watch?v={video}"
                if name == "youtube"
                else f"https://vimeo.com/{video}"
            )
            return embed_or_link(url, ctx, made)
        ctx.warn(
            "shortcode kept as text", f"{{{{< {name} >}}}} has no equivalent; kept as text", made
        )
        return match.group(0)

    return _SHORTCODE.sub(replace, text)


def _resolve(target: str, made: _Made, ctx: Context) -> str | None:
    clean, _, anchor = target.partition("#")
    here = made.entry.key
    candidates = [clean.lstrip("/")]
    if not clean.startswith("/"):
        candidates.append((PurePosixPath(here).parent / clean).as_posix())
    for candidate in list(candidates):
        if not candidate.endswith(_PAGE_SUFFIXES):
            candidates += [candidate + ".md", candidate.rstrip("/") + "/index.md"]
    for candidate in candidates:
        link = ctx.link_to(candidate, made.path)
        if link is not None:
            return link + (f"#{anchor}" if anchor else "")
    by_name = [k for k in ctx.made if PurePosixPath(k).stem == PurePosixPath(clean).stem]
    if len(by_name) == 1:
        link = ctx.link_to(by_name[0], made.path)
        return None if link is None else link + (f"#{anchor}" if anchor else "")
    return None
