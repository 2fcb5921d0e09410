"""newssite.toml: every mistake is an error naming the file, the line and the key.

Each test builds a good site first, then breaks the config and builds again through the
real command line: exit code 1, `newssite.toml[:LINE]: key: message` on stderr, no
traceback, and the previous output/ left exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import DEFAULT_CONFIG, MakeSite, Result, assert_rejected, story, tree_digest

Cli = Callable[..., Result]
CONFIG = "newssite.toml"


def line_of(text: str, start: str, occurrence: int = 1) -> int:
    """The 1-based number of the n-th line of text that starts with `start`."""
    seen = 0
    for number, line in enumerate(text.split("\n"), 1):
        if line.startswith(start):
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"no line starting with {start!r} in {text!r}")


def with_setting(line: str, config: str = DEFAULT_CONFIG) -> str:
    """The config with one more top-level line (before the first [[sections]] table)."""
    head, tables = config.split("\n[[sections]]", 1)
    return f"{head}\n{line}\n\n[[sections]]{tables}"


def replace_line(start: str, new: str, config: str = DEFAULT_CONFIG) -> str:
    lines = config.split("\n")
    index = line_of(config, start) - 1
    lines[index : index + 1] = [new] if new else []
    return "\n".join(lines)


def set_top_level(line: str, config: str = DEFAULT_CONFIG) -> str:
    """The config with `key = value` replacing that key's line, or added if it is not there."""
    start = line.split("=")[0].strip() + " ="
    head = config.split("\n[[sections]]")[0]
    return replace_line(start, line, config) if f"\n{start}" in f"\n{head}" else with_setting(line)


def key_line(config: str, line: str) -> int:
    return line_of(config, line.split("=")[0].strip() + " =")


@dataclass
class Site:
    path: Path
    digest: dict[str, str]
    cli: Cli

    def reject(self, config: str | bytes, *args: str) -> Result:
        target = self.path / CONFIG
        if isinstance(config, bytes):
            target.write_bytes(config)
        else:
            target.write_text(config, encoding="utf-8")
        result = self.cli("build", "--site", str(self.path), *args)
        assert_rejected(result, self.path, self.digest)
        return result


@pytest.fixture
def site(make_site: MakeSite, cli: Cli) -> Site:
    path = make_site(
        {
            "content/articles/a.md": story(),
            "content/articles/b.md": story("Harbor reopens", section="sports"),
        }
    )
    result = cli("build", "--site", str(path))
    assert result.code == 0, result.err
    digest = tree_digest(path / "output")
    assert "news/a/index.html" in digest
    return Site(path, digest, cli)


def error(result: Result, key: str | None, line: int | None) -> str:
    """The message of the stderr line `newssite.toml[:LINE]: key: message`."""
    prefix = CONFIG + (f":{line}" if line is not None else "") + ": "
    prefix += f"{key}: " if key else ""
    found = [text for text in result.err.splitlines() if text.startswith(prefix)]
    assert found, f"no error line starting with {prefix!r} in stderr:\n{result.err}"
    return found[0][len(prefix) :]


# --- a valid config with every setting builds (so the checks below are not just strict) ------


def test_every_documented_setting_is_accepted(make_site: MakeSite, cli: Cli) -> None:
    config = with_setting(
        'theme = "default"\nfeed_size = 10\ndescription = "News for the bay."\n'
        'keep_files = ["CNAME"]\nembed_hosts = ["www.youtube-nocookie.com"]\n'
        "trusted_html = false",
        DEFAULT_CONFIG.replace("https://gazette.example/", "https://gazette.example/bay"),
    )
    config += '\n[[sections]]\nslug = "city-hall"\ntitle = "City Hall"\ndescription = "Votes."\n'
    path = make_site({"content/articles/a.md": story(section="city-hall")}, config=config)
    result = cli("build", "--site", str(path))
    assert result.code == 0, result.err
    page = (path / "output/city-hall/a/index.html").read_text(encoding="utf-8")
    # base_url without the trailing slash still gives a sub-path for every internal link.
    assert 'href="/bay/city-hall/"' in page
    assert 'rel="canonical" href="https://gazette.example/bay/city-hall/a/"' in page


# --- unknown keys ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "suggestion"),
    [
        ("timezon", "timezone"),
        ("base-url", "base_url"),
        ("perpage", "per_page"),
        ("titel", "title"),
    ],
)
def test_misspelled_key_is_unknown_with_did_you_mean(site: Site, key: str, suggestion: str) -> None:
    config = with_setting(f'{key} = "x"')
    message = error(site.reject(config), key, line_of(config, f"{key} ="))
    assert "unknown" in message
    assert f"did you mean '{suggestion}'" in message


def test_unrelated_unknown_key_has_no_suggestion(site: Site) -> None:
    config = with_setting('colour_scheme = "dark"')
    message = error(site.reject(config), "colour_scheme", line_of(config, "colour_scheme ="))
    assert "unknown" in message
    assert "did you mean" not in message


def test_unknown_key_inside_a_section_is_named_with_its_table(site: Site) -> None:
    config = DEFAULT_CONFIG.replace('title = "Sports"', 'title = "Sports"\ntitel = "Sport"')
    message = error(site.reject(config), "sections[1].titel", line_of(config, "titel ="))
    assert "unknown" in message
    assert "did you mean 'title'" in message


def test_top_level_key_written_after_a_section_table_is_reported_in_the_section(
    site: Site,
) -> None:
    # TOML puts a key below [[sections]] into that table: the error must say so, not pass.
    config = DEFAULT_CONFIG + 'embed_hosts = ["www.youtube-nocookie.com"]\n'
    message = error(site.reject(config), "sections[1].embed_hosts", line_of(config, "embed_hosts"))
    assert "unknown" in message


# --- wrong types ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ('per_page = "3"', "per_page"),
        ("per_page = true", "per_page"),
        ("per_page = 2.5", "per_page"),
        ("feed_size = [10]", "feed_size"),
        ("title = 5", "title"),
        ("base_url = 42", "base_url"),
        ("timezone = 3", "timezone"),
        ('trusted_html = "no"', "trusted_html"),
        ('embed_hosts = "www.youtube-nocookie.com"', "embed_hosts"),
        ("language = []", "language"),
    ],
)
def test_wrong_type_is_named(site: Site, line: str, key: str) -> None:
    config = set_top_level(line)
    assert "expected" in error(site.reject(config), key, key_line(config, line))


def test_sections_that_is_not_a_list_of_tables_is_named(site: Site) -> None:
    config = DEFAULT_CONFIG.split("\n[[sections]]")[0] + '\nsections = "news"\n'
    assert "expected" in error(site.reject(config), "sections", line_of(config, "sections ="))
    config = DEFAULT_CONFIG.split("\n[[sections]]")[0] + '\nsections = ["news"]\n'
    assert "table" in error(site.reject(config), "sections[0]", line_of(config, "sections ="))


@pytest.mark.parametrize("value", ["0", "-1", "100000"])
def test_per_page_out_of_range(site: Site, value: str) -> None:
    config = replace_line("per_page =", f"per_page = {value}")
    assert "between" in error(site.reject(config), "per_page", line_of(config, "per_page ="))


@pytest.mark.parametrize("value", ["0", "99", '"20000"', "true"])
def test_search_index_pages_out_of_range_or_not_a_number(site: Site, value: str) -> None:
    config = set_top_level(f"search_index_pages = {value}")
    message = error(
        site.reject(config), "search_index_pages", line_of(config, "search_index_pages =")
    )
    assert "between 100 and" in message or "expected" in message


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ('embed_hosts = [""]', "embed_hosts"),
        ("embed_hosts = [1]", "embed_hosts"),
        ('keep_files = ["../x"]', "keep_files"),
        ('keep_files = ["a/b"]', "keep_files"),
        ('theme = "../../evil"', "theme"),
        ('language = "english!"', "language"),
        ('title = "   "', "title"),
    ],
)
def test_bad_values_are_named(site: Site, line: str, key: str) -> None:
    config = set_top_level(line)
    error(site.reject(config), key, key_line(config, line))


# --- time zone ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "zone",
    [
        "Mars/Olympus",
        "Europe/Kyiv ",
        "europe/kyiv",
        "../../etc/passwd",
        "/etc/localtime",
        "localtime",
        "",
        "Europe/",
        "EST5EDT,M3.2.0,M11.1.0",
        "x" * 300,
    ],
)
def test_invalid_timezone_is_named(site: Site, zone: str) -> None:
    config = replace_line("timezone =", f'timezone = "{zone}"')
    message = error(site.reject(config), "timezone", line_of(config, "timezone ="))
    assert "time zone" in message
    assert repr(zone) in message


# --- missing required keys ------------------------------------------------------------------


@pytest.mark.parametrize("key", ["title", "base_url", "timezone"])
def test_missing_required_key_is_named(site: Site, key: str) -> None:
    config = replace_line(f"{key} =", "")
    assert "missing" in error(site.reject(config), key, None)


def test_missing_sections_is_named(site: Site) -> None:
    config = DEFAULT_CONFIG.split("\n[[sections]]")[0] + "\n"
    assert "missing" in error(site.reject(config), "sections", None)


def test_empty_sections_list_is_an_error(site: Site) -> None:
    config = DEFAULT_CONFIG.split("\n[[sections]]")[0] + "\nsections = []\n"
    message = error(site.reject(config), "sections", line_of(config, "sections ="))
    assert "at least one" in message


def test_all_config_errors_are_reported_in_one_run(site: Site) -> None:
    config = replace_line("timezone =", 'timezone = "Mars/Olympus"')
    config = replace_line("per_page =", 'per_page = "many"', config)
    config = with_setting('colour = "red"', config)
    result = site.reject(config)
    error(result, "per_page", line_of(config, "per_page ="))
    error(result, "colour", line_of(config, "colour ="))
    # Type errors are found first; the time zone is checked once the types are right.
    config = replace_line("per_page =", "per_page = 3", config)
    config = replace_line("colour =", "", config)
    config = replace_line("base_url =", 'base_url = "gazette.example"', config)
    result = site.reject(config)
    error(result, "timezone", line_of(config, "timezone ="))
    error(result, "base_url", line_of(config, "base_url ="))


def test_missing_config_file_is_named(site: Site) -> None:
    (site.path / CONFIG).unlink()
    result = site.cli("build", "--site", str(site.path))
    assert result.code == 1
    assert "Traceback" not in result.err
    assert "newssite init" in error(result, None, None)
    assert tree_digest(site.path / "output") == site.digest


# --- base_url -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("ftp://gazette.example/", "http"),
        ("/news/", "http"),
        ("gazette.example", "http"),
        ("javascript:alert(1)", "http"),
        ("https:///no-host/", "http"),
        ("https://gazette.example/?preview=1", "query"),
        ("https://gazette.example/#top", "fragment"),
        ("", "http"),
    ],
)
def test_bad_base_url_is_named(site: Site, value: str, fragment: str) -> None:
    config = replace_line("base_url =", f'base_url = "{value}"')
    message = error(site.reject(config), "base_url", line_of(config, "base_url ="))
    assert fragment in message


def test_bad_base_url_on_the_command_line_is_a_usage_error_not_the_files(site: Site) -> None:
    result = site.cli("build", "--site", str(site.path), "--base-url", "gazette.example")
    assert result.code == 2, result.err
    assert "Traceback" not in result.err
    assert "--base-url" in result.err
    assert not any(line.startswith(CONFIG) for line in result.err.splitlines()), result.err
    assert tree_digest(site.path / "output") == site.digest


# --- sections -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "slug", ["Sports News", "Sports", "../x", "sports/", "spörts", "-sports", "sports--x", ""]
)
def test_bad_section_slug_is_named(site: Site, slug: str) -> None:
    config = DEFAULT_CONFIG.replace('slug = "sports"', f'slug = "{slug}"')
    line = line_of(config, "slug =", occurrence=2)
    assert "invalid slug" in error(site.reject(config), "sections[1].slug", line)


@pytest.mark.parametrize("slug", ["authors", "tags", "page", "feed", "theme"])
def test_section_slug_reserved_for_generated_pages(site: Site, slug: str) -> None:
    config = DEFAULT_CONFIG.replace('slug = "sports"', f'slug = "{slug}"')
    line = line_of(config, "slug =", occurrence=2)
    assert "reserved" in error(site.reject(config), "sections[1].slug", line)


def test_duplicate_section_names_both_lines(site: Site) -> None:
    config = DEFAULT_CONFIG + '\n[[sections]]\nslug = "news"\ntitle = "More news"\n'
    first = line_of(config, 'slug = "news"')
    second = line_of(config, 'slug = "news"', occurrence=2)
    message = error(site.reject(config), "sections[2].slug", second)
    assert "twice" in message
    assert f"line {first}" in message


@pytest.mark.parametrize("missing", ["slug", "title"])
def test_section_without_a_required_key_is_named(site: Site, missing: str) -> None:
    config = DEFAULT_CONFIG.replace(
        f'{missing} = "{"sports" if missing == "slug" else "Sports"}"', ""
    )
    message = error(
        site.reject(config), f"sections[1].{missing}", line_of(config, "[[sections]]", 2)
    )
    assert "missing" in message


def test_section_with_a_wrong_type_is_named(site: Site) -> None:
    config = DEFAULT_CONFIG.replace('title = "Sports"', "title = 7")
    message = error(site.reject(config), "sections[1].title", line_of(config, "title = 7"))
    assert "expected" in message


def test_sections_written_as_a_single_table_is_an_error(site: Site) -> None:
    config = DEFAULT_CONFIG.split("\n[[sections]]")[0] + '\n[sections]\nslug = "news"\n'
    assert "list" in error(site.reject(config), "sections", line_of(config, "[sections]"))


# --- the file itself ------------------------------------------------------------------------


def test_toml_syntax_error_names_the_line(site: Site) -> None:
    config = replace_line("per_page =", "per_page = = 3")
    message = error(site.reject(config), "per_page", line_of(config, "per_page ="))
    assert "TOML" in message


def test_duplicate_toml_key_names_the_second_line(site: Site) -> None:
    config = with_setting("per_page = 4")
    message = error(site.reject(config), "per_page", line_of(config, "per_page =", occurrence=2))
    assert "TOML" in message


def test_invalid_utf8_in_config_is_named(site: Site) -> None:
    data = DEFAULT_CONFIG.encode().replace(b"Gazette", b"Gaz\xe9tte", 1)
    offset = data.index(b"\xe9")
    assert f"invalid UTF-8 at byte {offset}" in error(site.reject(data), None, None)


def test_config_errors_also_fail_check(site: Site) -> None:
    config = with_setting('timezon = "UTC"')
    (site.path / CONFIG).write_text(config, encoding="utf-8")
    result = site.cli("check", "--site", str(site.path))
    assert result.code == 1
    assert "Traceback" not in result.err
    message = error(result, "timezon", line_of(config, "timezon ="))
    assert "did you mean 'timezone'" in message


@pytest.mark.parametrize(
    ("start", "line", "key"),
    [
        ("title =", 'title = "The \\u000bGazette"', "title"),
        ("description =", 'description = "Bay \\u001b news"', "description"),
    ],
)
def test_control_characters_that_would_break_the_feeds_are_named(
    site: Site, start: str, line: str, key: str
) -> None:
    config = set_top_level(line)
    message = error(site.reject(config), key, line_of(config, start))
    assert "U+00" in message


def test_control_character_in_a_section_title_is_named(site: Site) -> None:
    config = DEFAULT_CONFIG.replace('title = "Sports"', 'title = "Spo\\u000brts"')
    line = line_of(config, 'title = "Spo')
    assert "U+000B" in error(site.reject(config), "sections[1].title", line)
