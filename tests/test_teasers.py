"""Lists render from teasers: teaser.html shows a story once per way of showing it, every
list (home, section, author, topic, page N) and every "Related" places that HTML, and a
site theme can override it."""

from __future__ import annotations

import re
from pathlib import Path

import html5lib
import pytest

from conftest import DEFAULT_CONFIG, MakeSite, build_ok, story, tree_digest
from newssite.build import _publication
from newssite.cache import BuildCache
from newssite.config import load_config
from newssite.graph import make_site as made_site
from newssite.images import process_photos
from newssite.model import BuildOptions
from newssite.parse import parse_all
from newssite.plan import make_plan, records_of
from newssite.render import (
    BULK_TEASERS,
    PARALLEL_RENDER_THRESHOLD,
    Teasers,
    bulk_teasers,
    render_file,
    teaser_of,
)
from newssite.sources import discover
from newssite.templates import make_environment

THEME_TEASER = """\
{% if variant == 'related' %}<p class="my-related">{{ story.title }}</p>
{%- else %}<div class="my-card" data-level="{{ level }}">{{ story.title }}: {{ story.summary }} \
({{ story.authors|map(attribute='name')|join(', ') }})</div>{% endif %}
"""


def newsroom(make_site: MakeSite, config: str = DEFAULT_CONFIG, stories: int = 14) -> Path:
    files = {
        f"content/articles/s{n:02d}.md": story(
            f"Story {n}",
            date=f"2026-{1 + n % 10:02d}-{1 + n % 27:02d}T10:00:00Z",
            section=("news", "sports")[n % 2],
            tags=f"[Harbor, Tag {n % 3}]",
            summary=f"Dek {n}.",
            body=f"Body of story {n}.\n",
        )
        for n in range(stories)
    }
    return make_site(files, config=config)


def test_a_site_theme_overrides_the_teaser_on_every_list_and_related(make_site: MakeSite) -> None:
    site = newsroom(make_site, 'theme = "desk"\n' + DEFAULT_CONFIG)
    (site / "themes/desk/templates").mkdir(parents=True)
    (site / "themes/desk/templates/teaser.html").write_text(THEME_TEASER)
    build_ok(site)
    output = site / "output"
    lists = ["index.html", "news/index.html", "authors/ana/index.html", "tags/harbor/index.html"]
    lists.append("page/2/index.html")
    for page in lists:
        html = (output / page).read_text()
        assert 'class="card' not in html, page
        assert re.search(r'<div class="my-card" data-level="\d">Story \d+: Dek \d+\. ', html), page
        html5lib.HTMLParser(strict=True).parse(html)  # still one well-formed document
    article = (output / "news/s12/index.html").read_text()  # a later story has related ones
    assert '<p class="my-related">Story ' in article
    assert "Ana Ruiz)" in (output / "index.html").read_text()


def test_each_teaser_is_made_once_and_every_list_places_it(make_site: MakeSite) -> None:
    site_dir = newsroom(make_site)
    options = BuildOptions()
    config = load_config(site_dir.resolve())
    docs = parse_all(discover(config.site_dir), config, BuildCache(None))
    docs, photos = process_photos(docs, config, write=False)
    publication = _publication(options)
    plan = make_plan(records_of(docs, photos), config, publication)
    site = made_site(plan, docs.articles, docs.authors, docs.pages, config, publication)
    env = make_environment(config)
    teasers = Teasers(env)
    html_files = [path for path in plan.jobs if path.endswith(".html")]
    pages = {
        path: render_file(path, plan.jobs[path], site, plan, env, config, teasers).data
        for path in html_files
    }
    stories = list(site.stories.values())

    placed = 0
    for key, html in teasers.made.items():
        shown_on = [url for url, data in pages.items() if data and html.encode() in data]
        assert shown_on, key
        placed += len(shown_on)
    assert placed > 2 * len(teasers.made)  # each made once, placed on several pages
    assert {key[0] for key in teasers.made} == {s.url for s in stories}

    again = Teasers(make_environment(config))
    for path in html_files:  # one page at a time: the same bytes as with the build's teasers
        made = render_file(path, plan.jobs[path], site, plan, env, config, again)
        assert made.data == pages[path]
    assert again.made == teasers.made

    # Made in bulk before the pages (as when they render in parallel): the same HTML.
    bulk = dict(bulk_teasers(stories, make_environment(config)))
    assert {key: bulk[key] for key in teasers.made if key in bulk} == {
        key: str(html) for key, html in teasers.made.items() if key in bulk
    }
    assert len(bulk) == len(stories) * len(BULK_TEASERS)
    assert sum(key in bulk for key in teasers.made) > len(stories)

    # Only the stories a page shows as related get that teaser in bulk; a page that needs
    # one no one made makes it as it renders: the same bytes.
    one = {stories[0].url}
    some = dict(bulk_teasers(stories, make_environment(config), related=one))
    assert {key[0] for key in some if key[2] == "related"} == one
    assert {key: html for key, html in bulk.items() if key[2] != "related"} == {
        key: html for key, html in some.items() if key[2] != "related"
    }
    partly = Teasers(make_environment(config), some)
    for path in html_files:
        made = render_file(path, plan.jobs[path], site, plan, env, config, partly)
        assert made.data == pages[path]

    # The same store gives back what it made, and a teaser never sees the story's body.
    first = stories[0]
    assert teasers.html(first, level=2) is teasers.html(first, level=2)
    assert "Body of story" not in teasers.html(first, level=2)
    assert not hasattr(teaser_of(first), "body_html")


def test_rendering_on_several_processes_makes_what_one_process_makes(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A site large enough to render in parallel (teasers made in bulk first, each page by
    one of the workers) gives the bytes one process rendering every page gives."""
    import newssite.build

    site = newsroom(make_site, stories=250)
    parallel = build_ok(site, "--output", str(tmp_path / "parallel"))
    pages = re.search(r"Built (\d+) pages", parallel.out)
    assert pages and int(pages.group(1)) >= PARALLEL_RENDER_THRESHOLD, parallel.out
    monkeypatch.setattr(newssite.build, "_workers", lambda: 1)
    build_ok(site, "--output", str(tmp_path / "one"))
    assert tree_digest(tmp_path / "parallel") == tree_digest(tmp_path / "one")
