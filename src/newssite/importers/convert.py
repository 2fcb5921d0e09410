"""HTML to the Markdown newssite reads, through markdownify, and embeds by host.

Python-Markdown nests a list only under four spaces, so list items are indented by four;
a figure with a photo becomes the inline photo syntax (`![alt](src "caption — Photo: credit")`,
alone in its paragraph); an `<iframe>` stays HTML when its host is in `embed_hosts`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup
from markdownify import MarkdownConverter

# (hosts of the page URL, how to make the player URL from it, player hosts in preference order)
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
_VIMEO_ID = re.compile(r"^/(?:video/)?(\d+)")
EMBED_PROVIDERS = (
    "youtube.com",
    "youtu.be",
    "vimeo.com",
    "twitter.com",
    "x.com",
    "instagram.com",
    "facebook.com",
    "soundcloud.com",
    "spotify.com",
    "tiktok.com",
    "dailymotion.com",
    "flickr.com",
)


def _host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    return any(host == name or host.endswith("." + name) for name in allowed)


def _youtube_id(url: str) -> str | None:
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
    found = None
    if host == "youtu.be":
        found = parts.path.strip("/").split("/")[0]
    elif host in ("youtube.com", "youtube-nocookie.com"):
        if parts.path == "/watch":
            found = parse_qs(parts.query).get("v", [""])[0]
        elif parts.path.startswith(("/embed/", "/shorts/", "/v/", "/live/")):
            found = parts.path.split("/")[2]
    return found if found and _YOUTUBE_ID.match(found) else None


def player_url(url: str, embed_hosts: tuple[str, ...]) -> str | None:
    """The URL to frame for a media page URL, when embed_hosts allows its player."""
    url = html.unescape(url.strip())
    video = _youtube_id(url)
    if video:
        for host in ("www.youtube-nocookie.com", "www.youtube.com"):
            if _host_allowed(host, embed_hosts):
                return f"https://{host}/embed/{video}"
        return None
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host.removeprefix("www.") == "vimeo.com":
        match = _VIMEO_ID.match(parts.path)
        if match and _host_allowed("player.vimeo.com", embed_hosts):
            return f"https://player.vimeo.com/video/{match.group(1)}"
        return None
    if parts.scheme in ("http", "https") and _host_allowed(host, embed_hosts):
        return url
    return None


def is_media_url(url: str) -> bool:
    host = (urlsplit(url.strip()).hostname or "").removeprefix("www.")
    return any(host == name or host.endswith("." + name) for name in EMBED_PROVIDERS)


def embed_html(player: str) -> str:
    source = html.escape(player, quote=True)
    return (
        f'\n\n<iframe src="{source}" title="Embedded media" width="560" height="315" '
        'loading="lazy" allowfullscreen></iframe>\n\n'
    )


@dataclass
class Conversion:
    """What a conversion needs from outside (how to map links and photos) and what it found."""

    embed_hosts: tuple[str, ...] = ()
    map_link: Callable[[str], str] = str
    map_image: Callable[[str], str] = str
    credit_of: Callable[[str], str] = lambda src: ""
    problems: list[tuple[str, str]] = field(default_factory=list)  # (kind, message)


def photo_markdown(src: str, alt: str, caption: str, credit: str) -> str:
    title = caption.strip()
    if credit and not re.search(r"\b(?:photo|credit)\s*:", title, re.IGNORECASE):
        title = f"{title} — Photo: {credit}" if title else f"Photo: {credit}"
    alt = _one_line(alt).replace("[", "(").replace("]", ")")
    title = _one_line(title).replace('"', "”")
    link = src.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    titled = f' "{title}"' if title else ""
    return f"\n\n![{alt}]({link}{titled})\n\n"


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class _Converter(MarkdownConverter):
    def __init__(self, conversion: Conversion, **options: object) -> None:
        super().__init__(**options)
        self.conversion = conversion

    def convert_li(self, el, text, parent_tags):  # type: ignore[no-untyped-def]
        text = (text or "").strip()
        if not text:
            return "\n"
        parent = el.parent
        if parent is not None and parent.name == "ol":
            start = parent.get("start")
            first = int(start) if start and str(start).isnumeric() else 1
            bullet = f"{first + len(el.find_previous_siblings('li'))}."
        else:
            bullet = "-"
        bullet = bullet.ljust(3) + " "
        indent = " " * len(bullet)
        lines = text.split("\n")
        body = "\n".join(indent + line if line else "" for line in lines[1:])
        return bullet + lines[0] + ("\n" + body if body else "") + "\n"

    def convert_figure(self, el, text, parent_tags):  # type: ignore[no-untyped-def]
        image = el.find("img")
        if image is None or el.find("iframe") is not None:
            return text
        caption_el = el.find("figcaption")
        caption = caption_el.get_text(" ") if caption_el is not None else ""
        return self._photo(image, caption)

    def _photo(self, image, caption: str) -> str:  # type: ignore[no-untyped-def]
        original = image.get("src") or ""
        if not original:
            return ""
        src = self.conversion.map_image(original)
        credit = self.conversion.credit_of(original)
        return photo_markdown(src, image.get("alt") or "", caption, credit)

    def convert_img(self, el, text, parent_tags):  # type: ignore[no-untyped-def]
        if el.find_parent("figure") is not None:
            return ""
        src = el.get("src") or ""
        if not src:
            return ""
        return self._photo(el, "")

    def convert_a(self, el, text, parent_tags):  # type: ignore[no-untyped-def]
        children = [c for c in el.children if getattr(c, "name", None) or str(c).strip()]
        if len(children) == 1 and getattr(children[0], "name", None) == "img":
            return text  # a photo linked to its own file: the photo alone
        href = el.get("href")
        if href:
            el["href"] = self.conversion.map_link(href)
        return super().convert_a(el, text, parent_tags)

    def convert_iframe(self, el, text, parent_tags):  # type: ignore[no-untyped-def]
        src = el.get("src") or ""
        player = player_url(src, self.conversion.embed_hosts) if src else None
        if player:
            return embed_html(player)
        if src:
            host = urlsplit(src).hostname or src
            self.conversion.problems.append(
                (
                    "embed not allowed",
                    f"an embed from {host} became a link; add the host to embed_hosts to keep it",
                )
            )
            return f"\n\n<{src}>\n\n"
        return ""

    def convert_script(self, el, text, parent_tags):  # type: ignore[no-untyped-def]
        return ""

    def convert_style(self, el, text, parent_tags):  # type: ignore[no-untyped-def]
        return ""


def to_markdown(markup: str, conversion: Conversion) -> str:
    """Clean Markdown from HTML; photos, links and embeds mapped as `conversion` says."""
    converter = _Converter(
        conversion,
        heading_style="ATX",
        bullets="-",
        escape_misc=False,
        newline_style="BACKSLASH",
        table_infer_header=True,
        strip_document="strip",
    )
    soup = BeautifulSoup(markup, "html.parser")
    text = converter.convert_soup(soup)
    soup.decompose()  # a tree is full of cycles: freed now, not at the next full collection
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
