"""Load and validate newssite.toml into a frozen SiteConfig."""

from __future__ import annotations

import difflib
import re
import shutil
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError

from newssite.errors import NewssiteError, UsageError, raise_all
from newssite.levels import PAGES_PER_INDEX
from newssite.model import STORY_TYPES

CONFIG_NAME = "newssite.toml"
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_SECTION_SLUGS = frozenset(
    {
        "authors",
        "tags",
        "page",
        "theme",
        "search",
        "latest",
        "feed",
        "assets",
        "pagefind",
        "series",
        "corrections",
    }
)
# [organization] keys: the newsroom's policy pages, by their schema.org property.
POLICY_PROPERTIES = {
    "masthead": "masthead",
    "ethics_policy": "ethicsPolicy",
    "corrections_policy": "correctionsPolicy",
    "ownership_funding_info": "ownershipFundingInfo",
    "diversity_policy": "diversityPolicy",
    "actionable_feedback_policy": "actionableFeedbackPolicy",
    "unnamed_sources_policy": "unnamedSourcesPolicy",
    "verification_fact_checking_policy": "verificationFactCheckingPolicy",
}
_ORGANIZATION_KEYS = ("name", "logo", "founding_date", *POLICY_PROPERTIES)
_SUPPORT_KEYS = ("url", "text")


@dataclass(frozen=True, slots=True)
class Organization:
    """The newsroom as search engines see it (schema.org NewsMediaOrganization)."""

    name: str
    logo: str = ""  # a site path or an absolute URL
    founding_date: str = ""  # ISO 8601: 2019 or 2019-04-01
    policies: tuple[tuple[str, str], ...] = ()  # (schema.org property, site path or URL)


@dataclass(frozen=True, slots=True)
class Support:
    """The "support us" block after each story and in the footer."""

    url: str
    text: str


@dataclass(frozen=True, slots=True)
class SectionConfig:
    slug: str
    title: str
    description: str = ""
    type: str = "news"  # the story type of its stories that set none (model.STORY_TYPES)
    titles: tuple[tuple[str, str], ...] = ()  # (edition code, title) from `titles = {...}`

    def title_in(self, code: str) -> str:
        """The section's title in an edition: its own there, else the default title."""
        return dict(self.titles).get(code, self.title)


@dataclass(frozen=True, slots=True)
class Edition:
    """One language of the site. The default edition is at the root; the others under
    /<code lowercased>/."""

    code: str  # a BCP 47 tag as written in newssite.toml: "uk", "pt-BR"
    title: str
    description: str = ""
    timezone: ZoneInfo | None = None  # None: the site's
    default: bool = False

    @property
    def prefix(self) -> str:
        """What its URLs start with before their own path: "" or "/uk"."""
        return "" if self.default else "/" + self.code.lower()


@dataclass(frozen=True, slots=True)
class SiteConfig:
    site_dir: Path
    title: str
    base_url: str  # absolute, always ends with "/"
    language: str
    timezone: ZoneInfo
    sections: tuple[SectionConfig, ...]
    theme: str = "default"
    per_page: int = 20
    feed_size: int = 50
    description: str = ""
    output_dir: Path | None = None
    keep_files: tuple[str, ...] = ()
    embed_hosts: tuple[str, ...] = ()
    trusted_html: bool = False
    stale_after_days: int | None = None  # label stories older than this; None: no label
    search: bool = True  # index published stories with Pagefind and add a /search/ page
    search_index_pages: int = PAGES_PER_INDEX  # the most pages one Pagefind run indexes
    opinion_disclaimer: str = ""  # shown on opinion pieces
    languages: tuple[Edition, ...] = ()  # the editions besides the default one ([[languages]])

    @property
    def editions(self) -> tuple[Edition, ...]:
        """Every edition, the default (`language`, at the root) first."""
        default = Edition(self.language, self.title, self.description, self.timezone, True)
        return (default, *self.languages)

    def edition(self, code: str) -> Edition:
        """The edition of a code as a story or page gives it ("" or `language`: the default)."""
        return next((e for e in self.editions if e.code == code), self.editions[0])

    def edition_of_path(self, path: str) -> Edition:
        """The edition an output file belongs to, by its first folder."""
        first = path.lstrip("/").split("/", 1)[0]
        return next((e for e in self.languages if e.prefix[1:] == first), self.editions[0])

    organization: Organization | None = None
    support: Support | None = None

    @property
    def base_path(self) -> str:
        """The sub-path of base_url: "/" or "/news/"."""
        return urlsplit(self.base_url).path or "/"

    @property
    def output(self) -> Path:
        return self.output_dir if self.output_dir is not None else self.site_dir / "output"

    @property
    def cache_dir(self) -> Path:
        return self.site_dir / ".newssite-cache"

    @property
    def timezone_name(self) -> str:
        return self.timezone.key


Report = Callable[[str, str], None]

_TOP_LEVEL_TYPES: dict[str, type | tuple[type, ...]] = {
    "title": str,
    "base_url": str,
    "language": str,
    "timezone": str,
    "theme": str,
    "per_page": int,
    "feed_size": int,
    "description": str,
    "sections": list,
    "keep_files": list,
    "embed_hosts": list,
    "trusted_html": bool,
    "stale_after_days": int,
    "search": bool,
    "search_index_pages": int,
    "opinion_disclaimer": str,
    "languages": list,
    "organization": dict,
    "support": dict,
}
_REQUIRED = ("title", "base_url", "timezone", "sections")
_SECTION_TYPES: dict[str, type] = {
    "slug": str,
    "title": str,
    "description": str,
    "type": str,
    "titles": dict,
}
_LANGUAGE_TYPES: dict[str, type] = {"code": str, "title": str, "description": str, "timezone": str}
# Files in the zoneinfo folder that are not IANA zones; "localtime" is the build machine's zone.
_NOT_ZONES = frozenset({"localtime", "posixrules"})
_DISALLOWED_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _type_name(expected: type | tuple[type, ...]) -> str:
    names = {
        str: "a string",
        int: "a whole number",
        list: "a list",
        bool: "true or false",
        dict: "a table",
    }
    if isinstance(expected, tuple):
        return " or ".join(names.get(kind, kind.__name__) for kind in expected)
    return names.get(expected, expected.__name__)


def _find_line(text: str, key: str, start: int = 0) -> int | None:
    """The line of `key = ...` (or of a `[key]` / `[[key]]` table), searching from offset start."""
    name = re.escape(key)
    pattern = re.compile(rf"^[ \t]*(?:{name}[ \t]*=|\[\[?[ \t]*{name}[ \t]*\]\]?)", re.MULTILINE)
    match = pattern.search(text, start)
    return text.count("\n", 0, match.start()) + 1 if match else None


def section_line(
    text: str, index: int, key: str | None = None, table: str = "sections"
) -> int | None:
    """The line of a key inside the index-th [[table]], or of the table's header."""
    headers = list(re.finditer(rf"^[ \t]*\[\[[ \t]*{table}[ \t]*\]\]", text, re.MULTILINE))
    if index >= len(headers):
        return None
    header = headers[index]
    header_line = text.count("\n", 0, header.start()) + 1
    if key is None:
        return header_line
    end = headers[index + 1].start() if index + 1 < len(headers) else len(text)
    line = _find_line(text[:end], key, header.end())
    return line or header_line


def _control_character(value: object) -> str | None:
    """Escapes like "\\u000b" are valid TOML but not valid XML, and titles go into the feeds."""
    for text in value if isinstance(value, list) else [value]:
        found = _DISALLOWED_CHARACTER.search(text) if isinstance(text, str) else None
        if found:
            return f"control character U+{ord(found.group()):04X} not allowed"
    return None


def _has_type(value: object, expected: type | tuple[type, ...]) -> bool:
    if isinstance(value, bool) and expected is not bool:
        return False
    return isinstance(value, expected)


def load_config(site_dir: Path, *, base_url: str | None = None) -> SiteConfig:
    """Read site_dir/newssite.toml; every problem is reported with the file and key."""
    path = site_dir / CONFIG_NAME
    shown = CONFIG_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NewssiteError(
            f"no {CONFIG_NAME} in {site_dir} (run 'newssite init' to start a site)", path=shown
        ) from None
    except UnicodeDecodeError as error:
        raise NewssiteError(f"invalid UTF-8 at byte {error.start}", path=shown) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = _toml_error_line(str(error))
        lines = text.split("\n")
        line_text = lines[line - 1] if line and line <= len(lines) else ""
        key = re.match(r"[ \t]*([A-Za-z0-9_.-]+)[ \t]*=", line_text)
        raise NewssiteError(
            f"TOML syntax error: {error}",
            path=shown,
            line=line,
            field=key.group(1) if key else None,
        ) from None

    if base_url is not None:
        # A bad --base-url is a mistake on the command line, not in newssite.toml.
        wrong: list[str] = []
        _check_base_url(base_url, lambda message, _key: wrong.append(message))
        if wrong:
            raise UsageError(f"--base-url {base_url!r}: {wrong[0]}")
        raw["base_url"] = base_url
    problems: list[NewssiteError] = []

    def problem(message: str, key: str) -> None:
        problems.append(
            NewssiteError(message, path=shown, line=_find_line(text, key.split(".")[0]), field=key)
        )

    for key, value in raw.items():
        if key not in _TOP_LEVEL_TYPES:
            problem(f"unknown setting{did_you_mean(key, list(_TOP_LEVEL_TYPES))}", key)
        elif not _has_type(value, _TOP_LEVEL_TYPES[key]):
            problem(f"expected {_type_name(_TOP_LEVEL_TYPES[key])}", key)
        elif bad := _control_character(value):
            problem(bad, key)
    for key in _REQUIRED:
        if key not in raw:
            problems.append(NewssiteError("required setting is missing", path=shown, field=key))
    raise_all(problems, "the site config has errors")

    title = raw["title"].strip()
    if not title:
        problem("must not be empty", "title")
    site_base_url = _check_base_url(raw["base_url"], problem)
    language = raw.get("language", "en")
    if not _LANGUAGE.match(language):
        problem(f"not a language tag: {language!r} (e.g. 'en' or 'en-GB')", "language")
    timezone = _check_timezone(raw["timezone"], problem)
    for key in ("per_page", "feed_size"):
        if key in raw and not 1 <= raw[key] <= 1000:
            problem("must be between 1 and 1000", key)
    if "stale_after_days" in raw and not 1 <= raw["stale_after_days"] <= 36500:
        problem(
            "must be a number of days between 1 and 36500 (e.g. 730 for two years)",
            "stale_after_days",
        )
    if "search_index_pages" in raw and not 100 <= raw["search_index_pages"] <= 10_000_000:
        problem(
            "must be a number of pages between 100 and 10000000 (Pagefind holds about"
            " 0.25 MB per page of one run in memory)",
            "search_index_pages",
        )
    languages = _check_languages(raw.get("languages", []), language, text, shown, problems)
    codes = {edition.code for edition in languages}
    sections = _check_sections(raw["sections"], text, shown, problems, codes)
    theme = raw.get("theme", "default")
    if not SLUG_PATTERN.match(theme):
        problem("a theme name is lowercase letters, digits and dashes", "theme")
    keep_files = tuple(raw.get("keep_files", []))
    for name in keep_files:
        if not isinstance(name, str) or "/" in name or name in ("", ".", ".."):
            problem(f"a top-level file name, not {name!r}", "keep_files")
    embed_hosts = tuple(raw.get("embed_hosts", []))
    if not all(isinstance(host, str) and host for host in embed_hosts):
        problem("expected a list of host names", "embed_hosts")
    organization = _check_organization(raw.get("organization"), title, text, shown, problems)
    support = _check_support(raw.get("support"), text, shown, problems)
    raise_all(problems, "the site config has errors")

    assert timezone is not None and site_base_url is not None
    return SiteConfig(
        site_dir=site_dir,
        title=title,
        base_url=site_base_url,
        language=language,
        timezone=timezone,
        sections=sections,
        theme=theme,
        per_page=raw.get("per_page", 20),
        feed_size=raw.get("feed_size", 50),
        description=raw.get("description", ""),
        keep_files=keep_files,
        embed_hosts=embed_hosts,
        trusted_html=raw.get("trusted_html", False),
        stale_after_days=raw.get("stale_after_days"),
        search=raw.get("search", True),
        search_index_pages=raw.get("search_index_pages", PAGES_PER_INDEX),
        opinion_disclaimer=raw.get("opinion_disclaimer", "").strip(),
        languages=languages,
        organization=organization,
        support=support,
    )


def edition_config(config: SiteConfig, edition: Edition) -> SiteConfig:
    """The config as the files of an edition see it: its language, title, description and
    time zone (URLs carry the edition's prefix themselves)."""
    if edition.default:
        return config
    return replace(
        config,
        title=edition.title,
        description=edition.description,
        language=edition.code,
        timezone=edition.timezone or config.timezone,
    )


def with_output(config: SiteConfig, output_dir: Path | None) -> SiteConfig:
    return config if output_dir is None else replace(config, output_dir=output_dir)


def _toml_error_line(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def _check_base_url(value: str, problem: Report) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        problem("must be an absolute http(s) URL, e.g. 'https://news.example.org/'", "base_url")
        return None
    if parts.query or parts.fragment:
        problem("must not have a query or a fragment", "base_url")
        return None
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"{parts.scheme}://{parts.netloc}{path}"


def _check_timezone(name: str, problem: Report) -> ZoneInfo | None:
    try:
        if not name or name.startswith(("/", ".")) or ".." in name or name in _NOT_ZONES:
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        problem(f"unknown time zone {name!r} (use an IANA name such as 'Europe/Kyiv')", "timezone")
        return None


def _check_languages(
    entries: list[object], default: str, text: str, shown: str, problems: list[NewssiteError]
) -> tuple[Edition, ...]:
    """The [[languages]] tables: the editions besides the default one."""
    editions: list[Edition] = []
    seen = {default.lower(): "the site's `language`"}

    def problem(message: str, index: int, key: str | None = None) -> None:
        line = section_line(text, index, key, "languages") or _find_line(text, "languages")
        field = f"languages[{index}]" + (f".{key}" if key else "")
        problems.append(NewssiteError(message, path=shown, line=line, field=field))

    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            problem("expected a table", index)
            continue
        bad = False
        for key, value in entry.items():
            if key not in _LANGUAGE_TYPES:
                problem(f"unknown setting{did_you_mean(key, list(_LANGUAGE_TYPES))}", index, key)
                bad = True
            elif not isinstance(value, _LANGUAGE_TYPES[key]):
                problem(f"expected {_type_name(_LANGUAGE_TYPES[key])}", index, key)
                bad = True
            elif control := _control_character(value):
                problem(control, index, key)
                bad = True
        for key in ("code", "title"):
            if key not in entry:
                problem("required setting is missing", index, key)
                bad = True
        if bad:
            continue
        code = entry["code"]
        zone = None
        if "timezone" in entry:
            zone = _check_timezone(
                entry["timezone"], lambda m, _k, at=index: problem(m, at, "timezone")
            )
        if not _LANGUAGE.match(code) or not _known_locale(code):
            problem(
                f"unknown language code {code!r} (a BCP 47 tag: 'uk', 'ar', 'pt-BR')", index, "code"
            )
        elif code.lower() in seen:
            problem(f"the code {code!r} is already {seen[code.lower()]}", index, "code")
        elif code.lower() in RESERVED_SECTION_SLUGS:
            problem(f"'{code}' is a folder newssite writes its own pages in", index, "code")
        else:
            seen[code.lower()] = f"an edition (languages[{index}])"
            title = entry["title"].strip()
            editions.append(Edition(code, title, entry.get("description", ""), zone))
    return tuple(editions)


def _known_locale(code: str) -> bool:
    """Whether CLDR knows the language (Babel formats its dates and names it)."""
    try:
        Locale.parse(code, sep="-")
    except (UnknownLocaleError, ValueError):
        return False
    return True


def _check_sections(
    entries: list[object],
    text: str,
    shown: str,
    problems: list[NewssiteError],
    codes: set[str] | frozenset[str] = frozenset(),
) -> tuple[SectionConfig, ...]:
    sections: list[SectionConfig] = []
    first_index: dict[str, int] = {}

    def line_of(index: int, key: str | None = None) -> int | None:
        return section_line(text, index, key) or _find_line(text, "sections")

    def problem(message: str, index: int, key: str | None = None) -> None:
        field = f"sections[{index}]" + (f".{key}" if key else "")
        problems.append(NewssiteError(message, path=shown, line=line_of(index, key), field=field))

    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            problem("expected a table", index)
            continue
        bad = False
        for key, value in entry.items():
            if key not in _SECTION_TYPES:
                problem(f"unknown setting{did_you_mean(key, list(_SECTION_TYPES))}", index, key)
                bad = True
            elif not isinstance(value, _SECTION_TYPES[key]):
                problem(f"expected {_type_name(_SECTION_TYPES[key])}", index, key)
                bad = True
            elif control := _control_character(value):
                problem(control, index, key)
                bad = True
        for key in ("slug", "title"):
            if key not in entry:
                problems.append(
                    NewssiteError(
                        "required setting is missing",
                        path=shown,
                        line=line_of(index),
                        field=f"sections[{index}].{key}",
                    )
                )
                bad = True
        if bad:
            continue
        slug = entry["slug"]
        titles = []
        for code, title in entry.get("titles", {}).items():
            if code not in codes:
                known = ", ".join(sorted(codes)) or "none"
                problem(
                    f"'{code}' is not an edition{did_you_mean(code, sorted(codes))} "
                    f"(editions in [[languages]]: {known})",
                    index,
                    "titles",
                )
            elif not isinstance(title, str) or not title.strip():
                problem(f"expected a title for '{code}'", index, "titles")
            else:
                titles.append((code, title.strip()))
        if not SLUG_PATTERN.match(slug):
            problem(f"invalid slug {slug!r}: use lowercase a-z, 0-9 and dashes", index, "slug")
        elif slug in RESERVED_SECTION_SLUGS:
            problem(f"'{slug}' is reserved for generated pages", index, "slug")
        elif entry.get("type", "news") not in STORY_TYPES:
            kind = entry["type"]
            hint = did_you_mean(kind, STORY_TYPES) or f" (use {', '.join(STORY_TYPES)})"
            problem(f"unknown story type {kind!r}{hint}", index, "type")
        elif slug in {code.lower() for code in codes}:
            problem(f"'{slug}' is the folder of an edition ([[languages]])", index, "slug")
        elif slug in first_index:
            first = line_of(first_index[slug], "slug")
            where = f" (first on line {first})" if first else ""
            problem(f"section '{slug}' is defined twice{where}", index, "slug")
        else:
            first_index[slug] = index
            sections.append(
                SectionConfig(
                    slug,
                    entry["title"],
                    entry.get("description", ""),
                    entry.get("type", "news"),
                    tuple(titles),
                )
            )
    if not entries:
        problems.append(
            NewssiteError(
                "define at least one [[sections]]",
                path=shown,
                line=_find_line(text, "sections"),
                field="sections",
            )
        )
    return tuple(sections)


def _table_line(text: str, table: str, key: str | None = None) -> int | None:
    """The line of `key` inside the [table] (or the table's own line, or `table = {...}`)."""
    header = re.search(rf"^[ \t]*\[[ \t]*{re.escape(table)}[ \t]*\]", text, re.MULTILINE)
    if header is None:
        return _find_line(text, table)
    header_line = text.count("\n", 0, header.start()) + 1
    if key is None:
        return header_line
    following = re.search(r"^[ \t]*\[", text[header.end() :], re.MULTILINE)
    end = header.end() + following.start() if following else len(text)
    return _find_line(text[:end], key, header.end()) or header_line


def _site_link_problem(value: object) -> str | None:
    """What is wrong with a site path (/about/ethics/) or absolute URL, or None."""
    if not isinstance(value, str) or not value.strip():
        return "expected a site path such as '/about/ethics/' or an absolute https:// URL"
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and parts.netloc:
        return None
    if not parts.scheme and value.startswith("/") and not value.startswith("//"):
        return None
    return f"{value!r} is neither a site path starting with / nor an absolute http(s) URL"


def _check_organization(
    value: dict[str, object] | None,
    title: str,
    text: str,
    shown: str,
    problems: list[NewssiteError],
) -> Organization | None:
    if value is None:
        return None

    def problem(message: str, key: str) -> None:
        line = _table_line(text, "organization", key)
        problems.append(NewssiteError(message, path=shown, line=line, field=f"organization.{key}"))

    count = len(problems)
    for key, item in value.items():
        if key not in _ORGANIZATION_KEYS:
            problem(f"unknown setting{did_you_mean(key, _ORGANIZATION_KEYS)}", key)
        elif not isinstance(item, str):
            problem("expected a string", key)
        elif bad := _control_character(item):
            problem(bad, key)
        elif key in ("logo", *POLICY_PROPERTIES) and (wrong := _site_link_problem(item)):
            problem(wrong, key)
        elif key == "founding_date" and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", item):
            problem(f"not an ISO 8601 date: {item!r} (e.g. 2019 or 2019-04-01)", key)
    if len(problems) > count:
        return None
    policies = tuple(
        (prop, str(value[key])) for key, prop in POLICY_PROPERTIES.items() if key in value
    )
    name = str(value.get("name") or title).strip()
    return Organization(
        name, str(value.get("logo", "")), str(value.get("founding_date", "")), policies
    )


def _check_support(
    value: dict[str, object] | None, text: str, shown: str, problems: list[NewssiteError]
) -> Support | None:
    if value is None:
        return None
    line = _table_line(text, "support")
    count = len(problems)

    def problem(message: str, key: str) -> None:
        problems.append(NewssiteError(message, path=shown, line=line, field=f"support.{key}"))

    for key, item in value.items():
        if key not in _SUPPORT_KEYS:
            problem(f"unknown setting{did_you_mean(key, _SUPPORT_KEYS)}", key)
        elif not isinstance(item, str) or not item.strip():
            problem("expected a non-empty string", key)
        elif bad := _control_character(item):
            problem(bad, key)
        elif key == "url" and (wrong := _site_link_problem(item)):
            problem(wrong, key)
    for key in _SUPPORT_KEYS:
        if key not in value:
            problem("required setting is missing", key)
    if len(problems) > count:
        return None
    return Support(str(value["url"]).strip(), str(value["text"]).strip())


def packaged_theme_dir() -> Path:
    """The default theme: inside the installed package, or at the top of a source checkout."""
    installed = Path(__file__).parent / "themes" / "default"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "themes" / "default"


def theme_dirs(config: SiteConfig) -> tuple[Path, ...]:
    """Theme folders, most specific first: the site's chosen theme, then the packaged default."""
    chosen = config.site_dir / "themes" / config.theme
    default = packaged_theme_dir()
    dirs = [chosen] if chosen.is_dir() else []
    if config.theme == "default" or not dirs:
        site_default = config.site_dir / "themes" / "default"
        if site_default.is_dir() and site_default.resolve() not in [d.resolve() for d in dirs]:
            dirs.append(site_default)
    if default.resolve() not in [d.resolve() for d in dirs]:
        dirs.append(default)
    return tuple(dirs)


def find_pagefind() -> Path | None:
    """The Pagefind binary: the one the `pagefind_bin` package carries, else one on PATH."""
    try:
        import pagefind_bin

        return Path(pagefind_bin.get_executable())
    except (ImportError, FileNotFoundError):
        found = shutil.which("pagefind_extended") or shutil.which("pagefind")
        return Path(found) if found else None
