"""The Jinja environment: theme lookup, strict undefined, autoescape and date filters."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time, get_datetime_format
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations
from jinja2 import meta

from newssite import __version__
from newssite.config import SiteConfig, edition_config, packaged_theme_dir, theme_dirs
from newssite.model import Photo
from newssite.urls import absolute, href, json_feed_url

THEME_STATIC_URL = "/theme/"
TEASER_TEMPLATE = "teaser.html"  # a story as lists and "Related" show it (render.Teasers)
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# AP style abbreviates the long month names only.
_AP_MONTHS = (
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
)


def make_environment(config: SiteConfig) -> jinja2.Environment:
    """A Jinja environment for this site: overrides fall through to the default theme.
    With several editions, each has its own (its words and dates): see edition_environment."""
    env = _environment(config)
    if config.languages:
        editions = {
            edition.prefix.strip("/"): _environment(edition_config(config, edition))
            for edition in config.languages
        }
        env.extend(edition_environments=editions)
    return env


def edition_environment(env: jinja2.Environment, url: str) -> jinja2.Environment:
    """The environment of the edition a URL or output path belongs to."""
    editions = getattr(env, "edition_environments", None)
    if not editions:
        return env
    return editions.get(url.lstrip("/").split("/", 1)[0], env)


def _compiled_templates(cache_dir: Path) -> jinja2.BytecodeCache | None:
    """Templates compiled by an earlier build, in the cache folder (Jinja checks each against
    its source); None when the folder cannot be made: templates are then compiled each time."""
    folder = cache_dir / f"templates-{__version__}-{jinja2.__version__}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def _environment(config: SiteConfig) -> jinja2.Environment:
    dirs = theme_dirs(config)
    default_templates = jinja2.FileSystemLoader(str(packaged_theme_dir() / "templates"))
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader([str(d / "templates") for d in dirs]),
            jinja2.PrefixLoader({"default": default_templates}),
        ]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
        bytecode_cache=_compiled_templates(config.cache_dir),
    )
    language = config.language
    words = load_translations(dirs, language)
    env.install_gettext_translations(words, newstyle=True)  # type: ignore[attr-defined]
    env.globals["_"] = _quick_gettext(env.globals["gettext"])
    env.extend(newssite_words=words)  # for the words of pages made in Python (render.py)
    zone = config.timezone
    base_path = config.base_path  # a property: worked out once, not for every link
    env.filters.update(
        url=lambda path: href(str(path), base_path),
        srcset=lambda photo, mime: srcset(photo, mime, base_path),
        fallback_mime=fallback_mime,
        absurl=lambda path: absolute(str(path), config.base_url),
        theme_asset=lambda name: href(THEME_STATIC_URL + str(name), base_path),
        json_feed=lambda atom_url: json_feed_url(str(atom_url)),
        isodate=lambda moment: local(moment, zone).isoformat(),
        number=lambda value: format_decimal(
            value, locale=locale_of(language), group_separator=False
        ),
    )
    if is_english(language):
        # English keeps the newsroom's AP style ("Nov. 26, 2026", "2:30 p.m."): not CLDR's.
        env.filters.update(
            longdate=lambda moment: long_date(local(moment, zone)),
            shortdate=lambda moment: ap_date(local(moment, zone)),
            timeofday=lambda moment: ap_time(local(moment, zone)),
            datetime=lambda moment: (
                f"{ap_date(local(moment, zone))}, {ap_time(local(moment, zone))}"
            ),
        )
    else:
        locale = locale_of(language)
        env.filters.update(
            longdate=lambda moment: format_date(local(moment, zone), "long", locale=locale),
            shortdate=lambda moment: format_date(local(moment, zone), "medium", locale=locale),
            timeofday=lambda moment: _cldr_time(local(moment, zone), locale),
            datetime=lambda moment: (
                get_datetime_format("medium", locale=locale)
                .replace("'", "")
                .replace("{1}", format_date(local(moment, zone), "long", locale=locale))
                .replace("{0}", _cldr_time(local(moment, zone), locale))
            ),
        )
    return env


def _quick_gettext(installed: object) -> Callable[..., object]:
    """Jinja's `_`, but the words without variables worked out once per environment: the
    default theme says some twenty a page, each through four layers of Jinja's i18n."""
    made: dict[tuple[str, bool], object] = {}

    @jinja2.pass_context
    def gettext(context: jinja2.runtime.Context, *args: object, **variables: object) -> object:
        function = context.resolve("gettext")
        if variables or len(args) != 1 or type(args[0]) is not str or function is not installed:
            return context.call(function, *args, **variables)
        key = (args[0], context.eval_ctx.autoescape)
        found = made.get(key)
        if found is None:
            found = made[key] = context.call(function, *args)
        return found

    return gettext


def words_of(env: jinja2.Environment) -> Callable[[str], str]:
    """The gettext of an environment's language, for words that code puts on a page."""
    words = getattr(env, "newssite_words", None)
    return words.gettext if words is not None else str


def _cldr_time(moment: datetime, locale: Locale) -> str:
    zone = moment.tzname() or ""
    return f"{format_time(moment, 'short', locale=locale)} {zone}".strip()


def locale_of(language: str) -> Locale:
    """Babel's locale of a BCP 47 tag ("pt-BR"); English when CLDR does not know it."""
    try:
        return Locale.parse(language, sep="-")
    except (UnknownLocaleError, ValueError):
        return Locale("en")


LOCALE_FOLDER = "locale"  # in a theme: locale/<language>/LC_MESSAGES/messages.po
CATALOG_DOMAIN = "messages"


def load_translations(dirs: Iterable[Path], language: str) -> Translations:
    """The theme's words in a language: each theme folder's gettext catalog (.po), the site's
    theme over the default one; the language's own catalog over its base ("pt-BR" over "pt").
    Words no catalog has stay as the templates write them (English)."""
    found = Translations()
    names = [language.replace("-", "_"), language.split("-")[0]]
    for folder in reversed(list(dirs)):  # the default theme first: the site's theme wins
        for name in reversed(list(dict.fromkeys(names))):
            path = folder / LOCALE_FOLDER / name / "LC_MESSAGES" / f"{CATALOG_DOMAIN}.po"
            if path.is_file():
                found.merge(_read_catalog(path))
    return found


def _read_catalog(path: Path) -> Translations:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=CATALOG_DOMAIN)


def srcset(photo: Photo, mime: str | None, base_path: str) -> str:
    """ "/img/k-480.webp 480w, /img/k-960.webp 960w": a photo's files of one type (in code:
    every picture of a page needs two, and a template loop costs more than the page's text)."""
    return ", ".join(
        f"{href(file.url, base_path)} {file.width}w"
        for file in photo.renditions
        if file.mime == mime
    )


def fallback_mime(photo: Photo) -> str | None:
    """The type of a photo's files for browsers without WebP (JPEG or PNG), or None."""
    return next((file.mime for file in photo.renditions if file.mime != "image/webp"), None)


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone)


def long_date(moment: datetime) -> str:
    return f"{_MONTHS[moment.month - 1]} {moment.day}, {moment.year}"


def is_english(language: str) -> bool:
    """Whether an edition's language takes the theme's own English (AP style) words."""
    return language.lower().split("-")[0] == "en"


def month_title(year: int, month: int, language: str = "en") -> str:
    """A month archive's title: "November 2026", or CLDR's in the edition's language
    ("листопад 2026 р.")."""
    if is_english(language):
        return f"{_MONTHS[month - 1]} {year}"
    return format_date(date(year, month, 1), "LLLL y", locale=locale_of(language))


def ap_date(moment: datetime) -> str:
    return f"{_AP_MONTHS[moment.month - 1]} {moment.day}, {moment.year}"


def ap_time(moment: datetime) -> str:
    """AP style times: "8:30 a.m.", "noon", "midnight"; the zone's abbreviation follows."""
    zone = moment.tzname() or ""
    if moment.hour == 12 and moment.minute == 0:
        text = "noon"
    elif moment.hour == 0 and moment.minute == 0:
        text = "midnight"
    else:
        hour = moment.hour % 12 or 12
        suffix = "a.m." if moment.hour < 12 else "p.m."
        text = f"{hour}:{moment.minute:02d} {suffix}" if moment.minute else f"{hour} {suffix}"
    return f"{text} {zone}".strip()


def template_digests(
    config: SiteConfig,
    names: Iterable[str],
    references: dict[str, tuple[str | None, ...]] | None = None,
) -> dict[str, str]:
    """For each template of `names`, a digest of its source and of every template it
    extends, includes or imports, as the site's theme resolves them: a page rendered with
    it changes only when one of these does (or the config, or the page's inputs). The
    teaser template, which pages place through `teaser_html`, counts for every page.

    `references` keeps what each template source refers to (by a digest of the source),
    so that a template is parsed once, and once only across calls given the same dict."""
    references = {} if references is None else references
    env = make_environment(config)
    loader = env.loader
    assert loader is not None
    sources: dict[str, str | None] = {}

    def source(name: str) -> str | None:
        if name not in sources:
            try:
                sources[name] = loader.get_source(env, name)[0]
            except jinja2.TemplateNotFound:
                sources[name] = None
        return sources[name]

    def closure(name: str, seen: set[str]) -> None:
        text = source(name)
        if name in seen or text is None:
            return
        seen.add(name)
        key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        if key not in references:
            try:
                references[key] = tuple(meta.find_referenced_templates(env.parse(text)))
            except jinja2.TemplateSyntaxError:
                references[key] = ()  # rendering reports it, with the line
        referenced: Iterable[str | None] = references[key]
        if None in referenced:  # a template named at run time: it may be any of them
            referenced = loader.list_templates()
        for other in referenced:
            closure(str(other), seen)

    catalogs = hashlib.sha256()
    for folder in theme_dirs(config):
        for path in sorted((folder / LOCALE_FOLDER).glob("*/LC_MESSAGES/*.po")):
            catalogs.update(path.as_posix().encode() + b"\0" + path.read_bytes())
    digests = {}
    for name in names:
        seen: set[str] = set()
        closure(name, seen)
        closure(TEASER_TEMPLATE, seen)
        digest = hashlib.sha256(name.encode())
        digest.update(catalogs.digest())
        for used in sorted(seen):
            digest.update(f"\0{used}\1{source(used)}".encode("utf-8", "surrogatepass"))
        digests[name] = digest.hexdigest()[:20]
    return digests
