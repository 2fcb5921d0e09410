"""Built sites in a real browser: headless Chromium driven by Playwright.

Each site is built into tmp_path, served over loopback HTTP, and every HTML page is
opened with an alert() hook: no script error, no console error, no failed request to
the site itself, every image loaded, and no injected script ever runs. The demo site is
also checked for layout on a phone, for its News Feed, and by screenshots.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Request,
    Response,
    ViewportSize,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from conftest import DEFAULT_AUTHOR, DEFAULT_CONFIG, static_server, story, write_files
from test_validity import build_demo, build_site

pytestmark = pytest.mark.browser

ALERT_HOOK = "window.__alerts=[];window.alert=(m)=>window.__alerts.push(String(m));"
# Console errors a page may show without failing the test. The theme links its own
# favicon, so not even a favicon 404 is expected: keep this empty unless one appears.
ALLOWED_CONSOLE_ERRORS: tuple[str, ...] = ()
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}

XSS_TITLE = "</title><script>alert(1)</script>"
XSS_ATTRIBUTE = '" onmouseover="alert(1)'
TEMPLATE = "{{ 7*7 }}"
XSS_BODY = (
    "<script>alert(1)</script>\n\n"
    "<img src=x onerror=alert(1)>\n\n"
    "[x](javascript:alert(1))\n\n"
    "A closing paragraph of plain words.\n"
)

# After loading: scroll through the page so lazy images start, then wait for them.
SCROLL_THROUGH = """async () => {
  const pause = () => new Promise((done) => setTimeout(done, 40));
  for (let y = 0; y < document.documentElement.scrollHeight; y += window.innerHeight) {
    window.scrollTo(0, y);
    await pause();
  }
  window.scrollTo(0, document.documentElement.scrollHeight);
  await pause();
}"""
# An article page fills its News Feed from /latest.json: wait until it has.
NEWSFEED_SETTLED = (
    "!document.querySelector('[data-newsfeed]') || !!document.querySelector('[data-newsfeed] li')"
)
IMAGES_SETTLED = "Array.from(document.images).every((img) => img.complete)"
# What the page ended up with; "injected" lists what an injection would leave in the DOM
# even if nobody hovers or clicks: on* handlers, script URLs, unknown scripts.
INSPECT = """() => {
  const images = Array.from(document.images);
  const injected = [];
  // Pagefind's search box (on /search/ only) is a form that never submits.
  const pagefindForm = (el, attr) => el.matches('.pagefind-ui form')
    && attr.name === 'action' && attr.value === 'javascript:void(0);';
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (/^on/i.test(attr.name)) injected.push(`${el.tagName} ${attr.name}=${attr.value}`);
      if (/^(href|src|action|formaction|srcset|poster|data)$/i.test(attr.name)
          && /^\\s*(javascript|vbscript|data):/i.test(attr.value) && !pagefindForm(el, attr))
        injected.push(`${el.tagName} ${attr.name}=${attr.value}`);
    }
  }
  const ourScripts = /\\/theme\\/(newsfeed|search|live|alert)\\.js$|\\/pagefind\\/pagefind-ui\\.js$/;
  for (const script of document.scripts) {
    const json = script.type === 'application/ld+json';
    const theme = script.src && ourScripts.test(new URL(script.src).pathname);
    if (!json && !theme) injected.push(`SCRIPT ${script.src || script.text.slice(0, 80)}`);
  }
  return {
    alerts: window.__alerts,
    broken: images.filter((i) => !(i.complete && i.naturalWidth > 0)).map((i) => i.getAttribute('src')),
    loaded: images.filter((i) => i.complete && i.naturalWidth > 0).length,
    lazy: images.filter((i) => i.loading === 'lazy' && i.naturalWidth > 0).length,
    injected,
  };
}"""


@dataclass
class PageReport:
    """What one visit of one page saw."""

    url: str
    status: int | None = None
    alerts: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    broken_images: list[str] = field(default_factory=list)
    injected: list[str] = field(default_factory=list)
    loaded_images: int = 0
    loaded_lazy_images: int = 0


@dataclass(frozen=True)
class Served:
    output: Path
    origin: str

    def pages(self) -> list[str]:
        """The URL path of every HTML file in the output."""
        paths = []
        for page in sorted(self.output.rglob("*.html")):
            relative = page.relative_to(self.output).as_posix()
            paths.append("/" + relative.removesuffix("index.html"))
        return paths


@contextmanager
def serve(output: Path) -> Iterator[Served]:
    """Serve a folder over loopback HTTP, as static hosting would."""
    with static_server(output) as origin:
        yield Served(output, origin)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serve(build_demo(tmp_path_factory.mktemp("browser-demo"))) as served:
        yield served


def photo_jpeg() -> bytes:
    image = Image.new("RGB", (800, 500), (30, 60, 90))
    for x in range(0, 800, 40):
        for y in range(0, 500, 40):
            image.paste((x % 255, y % 255, 120), (x, y, x + 20, y + 20))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def hostile_files() -> dict[str, str | bytes]:
    q = json.dumps
    photo = q(
        {"src": "/photos/pier.jpg", "caption": TEMPLATE, "credit": XSS_TITLE, "alt": XSS_ATTRIBUTE}
    )
    return {
        "newssite.toml": DEFAULT_CONFIG,
        "content/authors/ana.md": DEFAULT_AUTHOR,
        "content/authors/mallory.md": (
            f"---\nname: {q(XSS_TITLE)}\nrole: {q(XSS_ATTRIBUTE)}\n---\n{XSS_BODY}"
        ),
        "content/authors/tpl.md": f"---\nname: {q(TEMPLATE)}\nrole: {q(TEMPLATE)}\n---\nBio.\n",
        "content/articles/script-title.md": story(
            XSS_TITLE,
            author="[ana, mallory]",
            summary=q(XSS_ATTRIBUTE),
            tags=q([XSS_TITLE, TEMPLATE, XSS_ATTRIBUTE]),
            photo=photo,
            body=XSS_BODY,
        ),
        "content/articles/attribute-title.md": story(
            XSS_ATTRIBUTE,
            date="2026-11-21T10:00:00+02:00",
            author="tpl",
            section="sports",
            summary=q(TEMPLATE),
            photo=photo,
            body=XSS_BODY,
        ),
        "content/articles/template-title.md": story(
            TEMPLATE,
            date="2026-11-22T10:00:00+02:00",
            author="mallory",
            summary=q(XSS_TITLE),
            body=XSS_BODY,
        ),
        "content/pages/about.md": f"---\ntitle: {q(XSS_TITLE)}\n---\n{XSS_BODY}",
        "static/photos/pier.jpg": photo_jpeg(),
    }


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    site = write_files(tmp_path_factory.mktemp("browser-hostile") / "site", hostile_files())
    with serve(build_site(site)) as served:
        yield served


class Tab:
    """One browser tab with the alert hook and listeners; every visit gets its own report."""

    def __init__(self, context: BrowserContext, served: Served) -> None:
        self.served = served
        self.report = PageReport("")
        self.page = context.new_page()
        self.page.add_init_script(ALERT_HOOK)  # runs again in every document the tab loads
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.report.page_errors.append(str(error)))
        self.page.on("requestfailed", self._request_failed)
        self.page.on("response", self._response)

    def _ours(self, url: str) -> bool:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}" == self.served.origin

    def _console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        text = message.text
        location = message.location.get("url", "")
        if text.startswith("Failed to load resource") and self._ours(location):
            return  # the response listener reports it, with its URL
        if not any(allowed in text for allowed in ALLOWED_CONSOLE_ERRORS):
            self.report.console_errors.append(f"{text} ({location})")

    def _request_failed(self, request: Request) -> None:
        if request.resource_type == "image" and request.failure == "net::ERR_ABORTED":
            return  # the browser chose another size of a responsive image; broken_images
            # still reports an image that never loaded
        if self._ours(request.url):
            self.report.failed_requests.append(f"{request.url}: {request.failure}")

    def _response(self, response: Response) -> None:
        if response.status >= 400 and self._ours(response.url):
            self.report.failed_requests.append(f"{response.url}: HTTP {response.status}")

    def visit(self, path: str) -> PageReport:
        """Load the page, let the News Feed fill, scroll it through, wait for every image."""
        self.report = report = PageReport(path)
        response = self.page.goto(self.served.origin + path, wait_until="load")
        report.status = response.status if response else None
        try:
            self.page.wait_for_function(NEWSFEED_SETTLED, timeout=10_000)
        except PlaywrightTimeoutError:
            report.page_errors.append("the News Feed was not filled within 10 s")
        self.page.evaluate(SCROLL_THROUGH)
        with suppress(PlaywrightTimeoutError):  # images still loading are reported below
            self.page.wait_for_function(IMAGES_SETTLED, timeout=10_000)
        seen = self.page.evaluate(INSPECT)
        report.alerts = seen["alerts"]
        report.broken_images = seen["broken"]
        report.loaded_images = seen["loaded"]
        report.loaded_lazy_images = seen["lazy"]
        report.injected = seen["injected"]
        return report


@contextmanager
def tab(chromium: Browser, served: Served, viewport: ViewportSize) -> Iterator[Tab]:
    context = chromium.new_context(viewport=viewport)
    try:
        yield Tab(context, served)
    finally:
        context.close()


def visit_all(chromium: Browser, served: Served) -> list[PageReport]:
    with tab(chromium, served, DESKTOP) as visitor:
        reports = [visitor.visit(path) for path in served.pages()]
    assert len(reports) >= 10, [r.url for r in reports]
    return reports


@pytest.fixture(scope="module")
def demo_reports(chromium: Browser, demo: Served) -> list[PageReport]:
    return visit_all(chromium, demo)


@pytest.fixture(scope="module")
def hostile_reports(chromium: Browser, hostile: Served) -> list[PageReport]:
    return visit_all(chromium, hostile)


def problems(reports: list[PageReport], *kinds: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for report in reports:
        for kind in kinds:
            value = getattr(report, kind)
            if kind == "status":
                if value != 200:
                    found.setdefault(report.url, {})[kind] = value
            elif value:
                found.setdefault(report.url, {})[kind] = value
    return found


# --- every page of the demo site --------------------------------------------------------


def test_every_demo_page_loads_cleanly(demo_reports: list[PageReport]) -> None:
    assert (
        problems(
            demo_reports,
            "status",
            "alerts",
            "page_errors",
            "console_errors",
            "failed_requests",
            "broken_images",
            "injected",
        )
        == {}
    )


def test_the_demo_visit_saw_every_page_and_its_pictures(
    demo_reports: list[PageReport], demo: Served
) -> None:
    """Guard for the test above: it judged every page, and their images (lazy ones too) loaded."""
    visited = [report.url for report in demo_reports]
    assert len(visited) == len(list(demo.output.rglob("*.html"))) > 40
    assert {"/", "/404.html", "/news/", "/about/"} <= set(visited)
    assert sum(report.loaded_images for report in demo_reports) > 100
    assert sum(report.loaded_lazy_images for report in demo_reports) > 50


# --- the hostile site: the XSS canary --------------------------------------------------


def test_no_injected_script_runs_on_any_hostile_page(hostile_reports: list[PageReport]) -> None:
    assert (
        problems(hostile_reports, "status", "alerts", "page_errors", "console_errors", "injected")
        == {}
    )
    visited = {r.url for r in hostile_reports}
    assert {
        "/news/script-title/",
        "/sports/attribute-title/",
        "/authors/mallory/",
        "/about/",
    } <= visited


def test_hostile_text_is_shown_literally(chromium: Browser, hostile: Served) -> None:
    with tab(chromium, hostile, DESKTOP) as visitor:
        page = visitor.page
        for path, title in (
            ("/news/template-title/", TEMPLATE),
            ("/sports/attribute-title/", XSS_ATTRIBUTE),
            ("/news/script-title/", XSS_TITLE),
        ):
            visitor.visit(path)
            assert page.locator("h1").inner_text().strip() == title
            assert page.title() == f"{title} | The Test Gazette"
        assert page.locator("figcaption").inner_text().startswith(TEMPLATE + " ")
        assert page.locator(".story__dek").inner_text().strip() == XSS_ATTRIBUTE
        assert page.locator(".byline").inner_text() == f"By Ana Ruiz and {XSS_TITLE}"
        for target in (".story__dek", "h1", "figure img", ".byline", ".tags"):
            page.hover(target, timeout=5_000)
        link = page.locator(".article-body").get_by_text("x", exact=True)
        assert link.get_attribute("href") is None  # the javascript: URL is gone
        link.click(timeout=5_000)
        assert page.evaluate("window.__alerts") == []
        assert visitor.report.page_errors == []


def test_the_canary_sees_a_real_injection(chromium: Browser, tmp_path: Path) -> None:
    """Guard: a page that does carry the payloads unescaped must trip every alarm used above."""
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><meta charset="utf-8"><title>t</title>'
        f'<p title="{XSS_ATTRIBUTE}">hover</p>{XSS_BODY}<a href="javascript:alert(2)">y</a>',
        encoding="utf-8",
    )
    with serve(tmp_path) as served, tab(chromium, served, DESKTOP) as visitor:
        report = visitor.visit("/")
        visitor.page.hover("p[title]", timeout=5_000)
        alerts = visitor.page.evaluate("window.__alerts")
    assert alerts == ["1", "1", "1"]  # the script, the onerror, the hover
    assert report.broken_images == ["x"]
    assert report.failed_requests == [f"{served.origin}/x: HTTP 404"]
    assert any("onmouseover" in item for item in report.injected)
    assert any("javascript:alert(2)" in item for item in report.injected)
    assert any(item.startswith("SCRIPT alert(1)") for item in report.injected)


def test_every_hostile_page_loads_all_its_resources(hostile_reports: list[PageReport]) -> None:
    assert problems(hostile_reports, "failed_requests", "broken_images") == {}


# --- the demo site in a phone-sized window ----------------------------------------------


def demo_samples(demo: Served) -> dict[str, str]:
    latest = json.loads((demo.output / "latest.json").read_text(encoding="utf-8"))
    article = latest["stories"][0]["url"]
    authors = sorted(p.parent.name for p in (demo.output / "authors").glob("*/index.html"))
    sections = [
        p.parent.name
        for p in sorted(demo.output.glob("*/feed.xml"))
        if p.parent.name not in ("authors", "tags")
    ]
    return {
        "home": "/",
        "article": article,
        "section": f"/{sections[0]}/",
        "author": f"/authors/{authors[0]}/",
    }


def test_no_horizontal_overflow_on_a_phone(chromium: Browser, demo: Served) -> None:
    widths = {}
    with tab(chromium, demo, PHONE) as visitor:
        for kind, path in demo_samples(demo).items():
            report = visitor.visit(path)
            assert report.status == 200, path
            widths[f"{kind} {path}"] = visitor.page.evaluate("document.documentElement.scrollWidth")
    assert len(widths) == 4
    assert {page: width for page, width in widths.items() if width > PHONE["width"]} == {}


# --- the News Feed on an article page ---------------------------------------------------


def test_news_feed_fills_from_latest_json_and_shows_more(chromium: Browser, demo: Served) -> None:
    latest = json.loads((demo.output / "latest.json").read_text(encoding="utf-8"))["stories"]
    here = latest[0]["url"]  # the newest story: it would head the list if not left out
    expected = [demo.origin + s["url"] for s in latest if s["url"] != here]
    assert len(expected) > 10
    with tab(chromium, demo, DESKTOP) as visitor:
        page = visitor.page
        report = visitor.visit(here)
        links = page.locator("[data-newsfeed] li a")
        assert page.locator("[data-newsfeed]").is_visible()
        shown = links.evaluate_all("links => links.map(a => a.href)")
        assert 0 < len(shown) < len(expected)
        assert shown == expected[: len(shown)]
        assert page.locator("[data-newsfeed] li").first.inner_text().strip()

        more = page.get_by_role("button", name="Show More")
        clicks = 0
        while more.count():
            before = links.count()
            more.click()
            page.wait_for_function(
                f"document.querySelectorAll('[data-newsfeed] li').length > {before}"
            )
            clicks += 1
            assert clicks < 20
        shown = links.evaluate_all("links => links.map(a => a.href)")
        assert clicks >= 1
        assert shown == expected
        assert demo.origin + here not in shown
        assert page.get_by_role("link", name="Latest news").is_visible()
        assert report.page_errors == [] and report.console_errors == []
        assert report.failed_requests == []


# --- screenshots ------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_article_screenshot_is_a_real_page(
    chromium: Browser, demo: Served, tmp_path: Path, viewport: ViewportSize
) -> None:
    shot = tmp_path / f"article-{viewport['width']}.png"
    with tab(chromium, demo, viewport) as visitor:
        report = visitor.visit(demo_samples(demo)["article"])
        visitor.page.evaluate("window.scrollTo(0, 0)")
        visitor.page.screenshot(path=str(shot), full_page=True)
    assert report.broken_images == [] and report.failed_requests == []
    assert shot.stat().st_size > 20_000
    with Image.open(shot) as image:
        assert image.format == "PNG"
        assert image.width == viewport["width"]
        assert image.height > 1000
        # Not a blank page: many distinct colours (text, photos, rules).
        colours = image.convert("RGB").resize((200, 400)).getcolors(maxcolors=1_000_000)
        assert colours is not None and len(colours) > 200
