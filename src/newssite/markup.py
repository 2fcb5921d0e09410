"""Markdown to safe HTML, with the summary, word count and the files a body links to.

Links to other sources (`../10/other-story.md`) and local files (`map.png`) cannot be
resolved here without knowing every story, so they become placeholders that graph.py
fills in: `newssite-src:content/articles/10/other-story.md#anchor` and
`newssite-asset:content/articles/10/map.png`.
"""

from __future__ import annotations

import html as html_module
import math
import posixpath
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import markdown
import nh3
from markdown import inlinepatterns, treeprocessors
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension, smarty
from markdown.extensions.tables import TableProcessor
from markdown.extensions.toc import TocExtension, TocTreeprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import INLINE_PLACEHOLDER, INLINE_PLACEHOLDER_RE, AtomicString

from newssite.urls import href

WORDS_PER_MINUTE = 230
SOURCE_SCHEME = "newssite-src:"
ASSET_SCHEME = "newssite-asset:"
_SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_ALLOWED_TAGS = (nh3.ALLOWED_TAGS - {"center", "tt", "strike", "acronym"}) | {
    "iframe",
    "source",
    "video",
    "audio",
    "picture",
}
_ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading", "srcset", "sizes"},
    "iframe": {"src", "width", "height", "title", "allow", "allowfullscreen", "loading", "sandbox"},
    "video": {"src", "controls", "width", "height", "poster", "preload"},
    "audio": {"src", "controls", "preload"},
    "source": {"src", "type", "srcset", "sizes", "media"},
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "scope", "style"},
    "ol": {"start", "reversed", "type"},
    "time": {"datetime"},
    "abbr": {"title"},
}
_EXTENSIONS = ("extra", "smarty", "sane_lists")  # and toc, as _QuickTocExtension
_URL_SCHEMES = {"http", "https", "mailto", "tel", SOURCE_SCHEME[:-1], ASSET_SCHEME[:-1]}
_CHARACTER_REFERENCE = re.compile(r"&(?:#[0-9]+|#x[0-9a-f]+|[0-9a-z]+);", re.IGNORECASE)
# The sanitiser drops the src of an embed from another host; the empty frame goes too.
_FRAME_WITHOUT_SRC = re.compile(r"<iframe(?![^>]*\ssrc=)[^>]*>.*?</iframe>", re.DOTALL)
_IMAGE_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")
_IMAGE_WITHOUT_ALT = re.compile(r"<img(?![^>]*\salt=)")
_TABLE_START = re.compile(r"<table(?=[\s>])")
FIGURE_CLASS = "photo photo--inline"
# "Caption text — Photo: Jane Doe/Agency": the credit follows the last "Photo:" or "Credit:".
_CREDIT = re.compile(
    r"^(?P<caption>.*?)[\s—–|-]*\b(?:photo|photograph|picture|image|credit)\s*:\s*(?P<credit>[^:]+?)\s*$",
    re.IGNORECASE | re.DOTALL,
)
# What text must hold for each inline pattern's regex to match, by the regex; a pattern not
# listed here (an extension's, or another Python-Markdown's) is tried on every text.
_INLINE_NEEDS = {
    inlinepatterns.BACKTICK_RE: "`",
    inlinepatterns.ESCAPE_RE: "\\",
    r"\[\^([^\]]*)\]": "[^",  # footnotes
    inlinepatterns.LINK_RE: "[",
    inlinepatterns.IMAGE_LINK_RE: "![",
    inlinepatterns.AUTOLINK_RE: "://",
    inlinepatterns.AUTOMAIL_RE: "@",
    inlinepatterns.LINE_BREAK_RE: "  \n",
    inlinepatterns.HTML_RE: "<",
    inlinepatterns.ENTITY_RE: "&",
}
# What text must hold for each of smarty's rules to match, by the rule's regex. A rule
# not listed here (another Python-Markdown's) is tried on every text, as smarty does.
_SMARTY_NEEDS = {
    r"(?<!-)---(?!-)": "---",
    r"(?<!-)--(?!-)": "--",
    r"(?<!\.)\.{3}(?!\.)": "...",
    r"\<\<": "<<",
    r"\>\>": ">>",
    smarty.singleQuoteStartRe: "'",
    smarty.doubleQuoteStartRe: '"',
    smarty.doubleQuoteSetsRe: "\"'",
    smarty.singleQuoteSetsRe: "'\"",
    smarty.doubleQuoteSetsRe2: "'\"",
    smarty.singleQuoteSetsRe2: "\"'",
    smarty.decadeAbbrRe: "'",
    smarty.openingSingleQuotesRegex: "'",
    smarty.closingSingleQuotesRegex: "'",
    smarty.closingSingleQuotesRegex2: "'",
    smarty.remainingSingleQuotesRegex: "'",
    smarty.openingDoubleQuotesRegex: '"',
    smarty.closingDoubleQuotesRegex: '"',
    smarty.closingDoubleQuotesRegex2: '"',
    smarty.remainingDoubleQuotesRegex: '"',
}
# What a block must hold for each block processor's regex to match, by the regex: most
# blocks are plain paragraphs, which every processor above the paragraph's tried in turn.
_BLOCK_NEEDS = {
    r"(^|\n)[ ]{0,3}>[ ]?(.*)": (">",),  # blockquote
    r"(?:^|\n)(?P<level>#{1,6})(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)": ("#",),
    r"^.*?\n(?:=+|-+)[ ]*(\n|$)": ("\n=", "\n-"),  # setext heading
    r"^[ ]{0,3}(?=(?P<atomicgroup>(-+[ ]{0,2}){3,}|(_+[ ]{0,2}){3,}|(\*+[ ]{0,2}){3,}))"
    r"(?P=atomicgroup)[ ]*$": ("-", "_", "*"),  # horizontal rule
    r"(^|\n)[ ]{0,3}:[ ]{1,3}(.*?)(\n|$)": (":",),  # definition list
    r"^[ ]{0,3}\[\^([^\]]*)\]:[ ]*(.*)$": ("[^",),  # footnote
    r"^[*]\[(?P<abbr>[^\\]*?)\][ ]?:[ ]*\n?[ ]*(?P<title>.*)$": ("*[",),  # abbreviation
    r"^[ ]{0,3}\[([^\[\]]*)\]:[ ]*(?:\n[ ]*)?([^\s]+)[ ]*(?:\n[ ]*)?"
    r'((["\'])(.*)\4[ ]*|\((.*)\)[ ]*)?$': ("]:",),  # link reference
}


@dataclass(frozen=True, slots=True)
class RenderedBody:
    html: str
    summary: str  # the first paragraph as plain text
    words: int
    links: tuple[str, ...]  # sources linked to, relative to the site folder
    assets: tuple[str, ...]  # local files used, relative to the site folder

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.words / WORDS_PER_MINUTE))


@dataclass(frozen=True, slots=True)
class MarkupSettings:
    base_path: str = "/"
    embed_hosts: tuple[str, ...] = ()
    trusted_html: bool = False


class _LinkRewriter(Treeprocessor):
    """Resolves relative links and images against the source file and drops unsafe URLs."""

    def __init__(self, md: markdown.Markdown, settings: MarkupSettings) -> None:
        super().__init__(md)
        self.settings = settings
        self.source_path = ""
        self.links: list[str] = []
        self.assets: list[str] = []

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag == "h1":
                element.tag = "h2"
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None:
                    rewritten = self._rewrite(value.strip())
                    if rewritten is None:
                        del element.attrib[attribute]
                    else:
                        element.set(attribute, rewritten)

    def _rewrite(self, url: str) -> str | None:
        # Python-Markdown keeps character references in URLs and browsers decode them, so
        # "&#106;avascript:" must be judged as "javascript:".
        url = _CHARACTER_REFERENCE.sub(lambda match: html_module.unescape(match.group()), url)
        if url.startswith("#"):
            return url
        parts = urlsplit(url)
        if parts.scheme or url.startswith("//"):
            return url if parts.scheme.lower() in _SAFE_SCHEMES else None
        if url.startswith("/"):
            return href(url, self.settings.base_path)
        target = posixpath.normpath(
            posixpath.join(posixpath.dirname(self.source_path), unquote(parts.path))
        )
        if target.startswith("../") or target == "..":
            return None
        if target.endswith(".md"):
            self.links.append(target)
            fragment = f"#{parts.fragment}" if parts.fragment else ""
            return f"{SOURCE_SCHEME}{target}{fragment}"
        self.assets.append(target)
        return f"{ASSET_SCHEME}{target}"


def split_credit(title: str) -> tuple[str, str]:
    """An image title as (caption, credit): "Harbor at dawn. — Photo: Jane Doe/AP"."""
    match = _CREDIT.match(title.strip())
    if match is None:
        return title.strip(), ""
    return match.group("caption").strip(), match.group("credit").strip()


def credit_text(credit: str) -> str:
    """A credit as the theme shows it: "(Jane Doe/AP)", unless it brings its own wording."""
    plain = credit.strip()
    return plain if plain.startswith("(") or plain.lower().startswith("photo") else f"({plain})"


class _FigureMaker(Treeprocessor):
    """An image alone in its paragraph becomes a figure; its title gives caption and credit."""

    def run(self, root: etree.Element) -> None:
        for paragraph in root.iter("p"):
            if len(paragraph) != 1 or paragraph[0].tag != "img":
                continue
            image = paragraph[0]
            if (paragraph.text or "").strip() or (image.tail or "").strip():
                continue
            paragraph.tag = "figure"
            paragraph.set("class", FIGURE_CLASS)
            paragraph.text = image.tail = None
            caption, credit = split_credit(image.attrib.pop("title", ""))
            if caption or credit:
                figcaption = etree.SubElement(paragraph, "figcaption")
                figcaption.text = caption + (" " if caption and credit else "")
                if credit:
                    etree.SubElement(figcaption, "span", {"class": "credit"}).text = credit_text(
                        credit
                    )


class _Typographer(Treeprocessor):
    """smarty's quotes, dashes and ellipses by smarty's own rules, in smarty's order.

    smarty runs its rules through a second InlineProcessor, which tries every rule on every
    text and was some 40% of a story's render time. This applies the same rules the same
    way (a match becomes an opaque placeholder that later rules see, as in
    InlineProcessor), but skips a rule when the text lacks the characters it needs.
    """

    def __init__(self, md: markdown.Markdown, rules: list[inlinepatterns.InlineProcessor]) -> None:
        super().__init__(md)
        self.rules = [(rule, _SMARTY_NEEDS.get(rule.compiled_re.pattern, "")) for rule in rules]

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element is root:
                continue  # InlineProcessor leaves the root's own text alone
            if element.text and not isinstance(element.text, AtomicString):
                element.text = self._educate(element.text)
            if element.tail and not isinstance(element.tail, AtomicString):
                element.tail = self._educate(element.tail)

    def _educate(self, text: str) -> str:
        replacements: dict[str, str] = {}
        for rule, needs in self.rules:
            start = 0
            while needs in text and (match := rule.compiled_re.search(text, start)):
                replacement, begin, end = rule.handleMatch(match, text)
                placeholder = INLINE_PLACEHOLDER % f"{len(replacements):04d}"
                replacements[placeholder] = replacement
                text = text[:begin] + placeholder + text[end:]
                start = begin + len(placeholder)
        if not replacements:
            return text
        return INLINE_PLACEHOLDER_RE.sub(
            lambda match: replacements.get(match.group(), match.group()), text
        )


class _QuickInlineProcessor(treeprocessors.InlineProcessor):
    """Python-Markdown's InlineProcessor, but a pattern is not tried on a text that lacks
    what the pattern's regex needs: most texts hold no link, code span or HTML."""

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        self._patterns = list(self.inlinePatterns)
        self._needs = [
            _INLINE_NEEDS.get(pattern.compiled_re.pattern, "") for pattern in self._patterns
        ]
        return super().run(tree, ancestors)

    # The InlineProcessor's private loop over the patterns, the same but for the `needs`
    # test; were it renamed, the stock loop would run again, as slow and as correct.
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, AtomicString):
            return data
        start = 0
        while patternIndex < len(self._patterns):
            if self._needs[patternIndex] not in data:
                patternIndex += 1
                start = 0
                continue
            data, matched, start = self._InlineProcessor__applyPattern(
                self._patterns[patternIndex], data, patternIndex, start
            )
            if not matched:
                patternIndex += 1
        return data


def _quick_parse_blocks(
    processors: tuple[tuple[BlockProcessor, tuple[str, ...]], ...],
) -> Callable[[etree.Element, list[str]], None]:
    """BlockParser.parseBlocks over a list of the processors made once (the registry makes a
    new one for every block), each tried only on a block that holds one of its `needs` (a
    block that does not is the paragraph's, as when the processor's test or run declines)."""

    def parse_blocks(parent: etree.Element, blocks: list[str]) -> None:
        while blocks:
            for processor, needs in processors:
                if needs:
                    block = blocks[0]
                    for need in needs:
                        if need in block:
                            break
                    else:
                        continue
                if processor.test(parent, blocks[0]) and processor.run(parent, blocks) is not False:
                    break

    return parse_blocks


def _block_needs(processor: BlockProcessor) -> tuple[str, ...]:
    if isinstance(processor, TableProcessor):
        return ("|",)  # a table's header row holds a pipe
    regex = getattr(processor, "SEARCH_RE", None) or getattr(processor, "RE", None)
    return _BLOCK_NEEDS.get(getattr(regex, "pattern", ""), ())


class _QuickToc(TocTreeprocessor):
    """toc's heading ids, but a body with no heading and no marker is left alone (the
    stock run walks the whole tree twice and serializes an empty table of contents)."""

    _empty_toc: str | None = None
    source_has_marker = True  # set for each document by _TocMarkerCheck

    def run(self, doc: etree.Element) -> None:
        marker = self.marker
        if not self.source_has_marker:
            self.marker = ""
        try:
            self._run(doc)
        finally:
            self.marker = marker

    def _run(self, doc: etree.Element) -> None:
        if self.marker or any(
            isinstance(element.tag, str) and self.header_rgx.match(element.tag)
            for element in doc.iter()
        ):
            super().run(doc)
            return
        if self._empty_toc is None:  # what the stock run leaves for a body with no heading
            super().run(etree.Element("div"))
            self._empty_toc = self.md.toc  # type: ignore[attr-defined]
        self.md.toc_tokens = []  # type: ignore[attr-defined]
        self.md.toc = self._empty_toc  # type: ignore[attr-defined]


class _TocMarkerCheck(Preprocessor):
    """Whether the source holds toc's marker: text can equal the marker only then (an
    escaped or entity bracket is still a placeholder when toc runs)."""

    def __init__(self, md: markdown.Markdown, toc: _QuickToc) -> None:
        super().__init__(md)
        self.toc = toc

    def run(self, lines: list[str]) -> list[str]:
        marker = self.toc.marker
        self.toc.source_has_marker = bool(marker) and any(marker in line for line in lines)
        return lines


class _QuickTocExtension(TocExtension):
    TreeProcessorClass = _QuickToc

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        super().extendMarkdown(md)
        toc = md.treeprocessors["toc"]
        assert isinstance(toc, _QuickToc)
        # After normalize_whitespace (30), which removes the characters placeholders use.
        md.preprocessors.register(_TocMarkerCheck(md, toc), "newssite_toc_marker", 29)


class _NewsroomExtension(Extension):
    def __init__(self, settings: MarkupSettings) -> None:
        super().__init__()
        self.settings = settings

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_LinkRewriter(md, self.settings), "newssite_links", 1)
        md.treeprocessors.register(_FigureMaker(md), "newssite_figures", 2)


class _QuickInlineExtension(Extension):
    """Put _QuickInlineProcessor and _Typographer in the place of Python-Markdown's and
    smarty's InlineProcessors, and parse blocks with _quick_parse_blocks; load it last (it
    takes the block processors registered by then)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        rules = list(md.treeprocessors["smarty"].inlinePatterns)  # type: ignore[attr-defined]
        md.treeprocessors.register(_Typographer(md, rules), "smarty", 6)  # smarty's priority
        md.treeprocessors.register(_QuickInlineProcessor(md), "inline", 20)
        processors = tuple((p, _block_needs(p)) for p in md.parser.blockprocessors)
        md.parser.parseBlocks = _quick_parse_blocks(processors)  # type: ignore[method-assign]


class MarkupRenderer:
    """One reusable Markdown converter; `render` resets it for every document."""

    def __init__(self, settings: MarkupSettings) -> None:
        self.settings = settings
        self._rewriter_ext = _NewsroomExtension(settings)
        self._md = markdown.Markdown(
            extensions=[
                *_EXTENSIONS,
                _QuickTocExtension(**_EXTENSION_CONFIGS["toc"]),
                self._rewriter_ext,
                _QuickInlineExtension(),
            ],
            output_format="html",
        )
        self._rewriter: _LinkRewriter = self._md.treeprocessors["newssite_links"]  # type: ignore[assignment]

    def render(self, text: str, source_path: str) -> RenderedBody:
        """Render one Markdown body written in the file `source_path` (relative to the site)."""
        self._md.reset()
        self._rewriter.source_path = source_path
        self._rewriter.links = []
        self._rewriter.assets = []
        raw_html = self._md.convert(text)
        safe_html = raw_html if self.settings.trusted_html else sanitize(raw_html, self.settings)
        if "<table" in safe_html:
            safe_html = _scrollable_tables(safe_html)
        plain = _plain_text(safe_html)
        return RenderedBody(
            html=safe_html,
            summary=_first_paragraph(safe_html),
            words=len(plain.split()),
            links=tuple(dict.fromkeys(self._rewriter.links)),
            assets=tuple(dict.fromkeys(self._rewriter.assets)),
        )


def sanitize(html: str, settings: MarkupSettings) -> str:
    """Keep the HTML a story may carry; embeds only from the configured hosts."""
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute_filter(settings.embed_hosts),
        url_schemes=_URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    clean = _FRAME_WITHOUT_SRC.sub("", clean)
    clean = _IMAGE_WITHOUT_SRC.sub("", clean)
    return _IMAGE_WITHOUT_ALT.sub('<img alt=""', clean)


def _scrollable_tables(html: str) -> str:
    """Each table in a box that scrolls sideways on a narrow screen, and that a keyboard
    can reach and scroll (a scrolling region must be focusable, WCAG 2.1.1)."""
    html = _TABLE_START.sub(
        '<div class="table-scroll" role="region" aria-label="Table" tabindex="0"><table', html
    )
    return html.replace("</table>", "</table></div>")


def _attribute_filter(embed_hosts: tuple[str, ...]) -> Callable[[str, str, str], str | None]:
    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag == "iframe" and attribute == "src":
            parts = urlsplit(value)
            host = (parts.hostname or "").lower()
            allowed = parts.scheme == "https" and any(
                host == name or host.endswith("." + name) for name in embed_hosts
            )
            return value if allowed else None
        if tag in ("img", "source", "video", "audio") and attribute == "src":
            # Markdown images were resolved (and checked) already; a raw <img src="x">
            # would point at nothing, so only site paths and web addresses stay.
            return value if value.startswith(("/", "https://", "http://", ASSET_SCHEME)) else None
        if attribute == "style":
            return value if re.fullmatch(r"text-align:\s*(left|right|center);?", value) else None
        return value

    return keep


def _heading_id(text: str, separator: str) -> str:
    words = re.sub(r"[^\w\s-]", "", text.lower(), flags=re.ASCII)
    return re.sub(r"[\s_-]+", separator, words).strip(separator) or "section"


_TAG = re.compile(r"<[^>]+>")
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)


_EXTENSION_CONFIGS = {"toc": {"slugify": _heading_id, "toc_depth": "2-4"}}


def _plain_text(html: str) -> str:
    return html_module.unescape(_TAG.sub(" ", html))


def _first_paragraph(html: str) -> str:
    for match in _FIRST_PARAGRAPH.finditer(html):
        text = " ".join(html_module.unescape(_TAG.sub("", match.group(1))).split())
        if text:
            return text
    return ""
