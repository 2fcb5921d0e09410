"""`newssite import hugo|jekyll`: small sites written for the tests, imported and built by the
real CLI; their old URLs must resolve to redirect files pointing at the new URLs."""

from __future__ import annotations

import shutil
from pathlib import Path

import frontmatter
import pytest
from tests.conftest import Result, build_ok, run_cli, tree_digest

DATA = Path(__file__).parent / "data" / "import"


def import_site(kind: str, site: Path, *extra: str) -> Result:
    result = run_cli("import", kind, str(DATA / kind), "--site", str(site), *extra)
    assert result.code == 0, result.err
    return result


def meta(site: Path, relative: str) -> dict[str, object]:
    return dict(frontmatter.loads((site / relative).read_text(encoding="utf-8")).metadata)


def body(site: Path, relative: str) -> str:
    return frontmatter.loads((site / relative).read_text(encoding="utf-8")).content


def redirect_target(output: Path, old_path: str) -> str:
    relative = old_path.strip("/")
    file = output / relative if relative.endswith(".html") else output / relative / "index.html"
    page = file.read_text(encoding="utf-8")
    return page.split('http-equiv="refresh" content="0; url=')[1].split('"')[0]


@pytest.fixture(scope="module")
def hugo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    site = tmp_path_factory.mktemp("hugo") / "site"
    return site, import_site("hugo", site)


@pytest.fixture(scope="module")
def jekyll(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    site = tmp_path_factory.mktemp("jekyll") / "site"
    return site, import_site("jekyll", site)


FIRST = "content/articles/2021/03/first-post.md"
SECOND = "content/articles/2021/03/second/second.md"


def test_hugo_front_matter_in_toml_yaml_and_json_is_mapped(hugo: tuple[Path, Result]) -> None:
    site, result = hugo
    first = meta(site, FIRST)
    assert first["title"] == "First post: the harbour reopens"
    assert first["author"] == ["jane-editor", "ana-ruiz"]
    assert first["section"] == "politics"  # the first category
    assert first["tags"] == ["ships", "council", "Harbour"]  # other categories become tags
    assert first["summary"] == "The harbour is open again."
    assert str(first["date"]).startswith("2021-03-04T10:00:00+01:00")
    # The [permalinks] rule gives the old URL; the story's own aliases stay.
    assert first["aliases"] == ["/2021/03/first-post-the-harbour-reopens/", "/old/first/"]
    assert meta(site, "content/articles/2021/04/draft-post.md")["draft"] is True
    assert meta(site, "content/pages/about.md") == {"title": "About Harbour Notes"}
    assert meta(site, "content/authors/jane-editor.md") == {"name": "Jane Editor"}
    assert "3 stories, 1 pages, 2 authors, 2 sections" in result.out
    assert not (site / "content/articles/posts").exists()  # _index.md is a list, skipped


def test_hugo_bundles_shortcodes_and_links(hugo: tuple[Path, Result]) -> None:
    site, result = hugo
    second = meta(site, SECOND)
    assert second["photo"] == {"src": "cover.png"}
    assert (site / "content/articles/2021/03/second/cover.png").is_file()
    assert (site / "content/articles/2021/03/second/map.png").is_file()
    assert "[the first post](../first-post.md)" in body(site, SECOND)  # relref
    text = body(site, FIRST)
    assert "[the follow-up](second/second.md)" in text  # ref
    assert '![The harbour at dawn](harbour.png "The harbour at dawn — Photo: Lena Hart")' in text
    assert (site / "content/articles/2021/03/harbour.png").is_file()  # from static/
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in text
    assert '{{< tweet user="harbour" id="12345" >}}' in text  # kept, and reported
    assert "// {{< notashortcode >}} stays in code" in text
    assert "warning: shortcode kept as text: 1" in result.out
    assert "{{< tweet >}}" in result.out and FIRST in result.out


def test_the_hugo_site_builds_and_its_old_urls_redirect(hugo: tuple[Path, Result]) -> None:
    site, _ = hugo
    result = build_ok(site)
    assert "error" not in result.err.lower()
    output = site / "output"
    new = "/politics/first-post/"
    assert redirect_target(output, "/2021/03/first-post-the-harbour-reopens/").endswith(new)
    assert redirect_target(output, "/old/first/").endswith(new)
    assert redirect_target(output, "/2021/03/second/").endswith("/posts/second/")
    page = (output / "politics/first-post/index.html").read_text(encoding="utf-8")
    assert 'href="/posts/second/"' in page  # the ref link became the story's URL
    assert "Lena Hart" in page


JEKYLL_FIRST = "content/articles/2019/05/harbour-opens.md"


def test_jekyll_posts_permalinks_and_liquid(jekyll: tuple[Path, Result]) -> None:
    site, result = jekyll
    first = meta(site, JEKYLL_FIRST)
    assert first["title"] == "Harbour opens"
    assert str(first["date"]) == "2019-05-06"  # from the file name
    assert first["section"] == "news" and first["tags"] == ["harbour", "local"]
    assert first["author"] == "sam-writer"  # the site's author
    # permalink: pretty, with the categories in the path; redirect_from stays.
    assert first["aliases"] == ["/news/local/2019/05/06/harbour-opens/", "/harbour/"]
    assert first["photo"] == {"src": "harbour.png"}
    assert (site / "content/articles/2019/05/harbour.png").is_file()
    text = body(site, JEKYLL_FIRST)
    assert "[the second story](second.md)" in text  # {% post_url %}
    assert "[about us](/about/)" in text  # | relative_url
    assert '```python\nprint("ahoy")\n```' in text  # {% highlight %}
    assert "{% include youtube.html" in text and "warning: Liquid kept as text: 1" in result.out
    second = meta(site, "content/articles/2019/05/second.md")
    assert second["aliases"] == ["/custom/second.html"]  # its own permalink
    assert second["author"] == "ana-ruiz"
    assert "[the first](harbour-opens.md)" in body(site, "content/articles/2019/05/second.md")
    html_post = body(site, "content/articles/2019/05/html-post.md")
    assert "Written in **HTML**." in html_post and "-   One\n    -   Nested" in html_post
    assert meta(site, "content/articles/an-idea.md")["draft"] is True
    assert "aliases" not in meta(site, "content/pages/about.md")  # /about/ is its URL still
    assert not (site / "content/pages/index.md").exists()


def test_the_jekyll_site_builds_and_its_old_urls_redirect(jekyll: tuple[Path, Result]) -> None:
    site, _ = jekyll
    result = build_ok(site)
    assert "error" not in result.err.lower()
    output = site / "output"
    new = "/news/harbour-opens/"
    assert redirect_target(output, "/news/local/2019/05/06/harbour-opens/").endswith(new)
    assert redirect_target(output, "/harbour/").endswith(new)
    assert redirect_target(output, "/custom/second.html").endswith("/news/second/")
    assert redirect_target(output, "/2019/05/08/html-post/").endswith("/news/html-post/")


@pytest.mark.parametrize("kind", ["hugo", "jekyll"])
def test_importing_again_changes_nothing(tmp_path: Path, kind: str) -> None:
    site = tmp_path / "site"
    import_site(kind, site)
    before = tree_digest(site)
    again = import_site(kind, site)
    assert "0 written" in again.out and "0 overwritten" in again.out
    assert tree_digest(site) == before


def test_a_folder_that_is_no_hugo_site_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli("import", "hugo", str(tmp_path), "--site", str(tmp_path / "site"))
    assert result.code == 1 and "no content/ folder" in result.err
    missing = run_cli("import", "jekyll", str(tmp_path / "nowhere"))
    assert missing.code == 2 and "no such file or folder" in missing.err


def test_a_hugo_image_path_that_leaves_the_site_is_not_copied(tmp_path: Path) -> None:
    source = tmp_path / "hugo"
    shutil.copytree(DATA / "hugo", source)
    outside = tmp_path / "secret.png"
    shutil.copyfile(DATA / "hugo/static/images/harbour.png", outside)
    post = source / "content/posts/first-post.md"
    post.write_text(
        post.read_text().replace("/images/harbour.png", "/../../secret.png"), encoding="utf-8"
    )
    site = tmp_path / "site"
    result = run_cli("import", "hugo", str(source), "--site", str(site))
    assert result.code == 0, result.err
    assert "warning: image not found" in result.out
    assert not any(p.name.startswith("secret") for p in site.rglob("*"))
    build_ok(site)
