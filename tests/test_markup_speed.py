"""The quick paths in markup.py must give exactly what stock Python-Markdown gives."""

from __future__ import annotations

import random

import markdown
import pytest
from markdown.extensions import smarty

from newssite.markup import (
    _EXTENSION_CONFIGS,
    _EXTENSIONS,
    _SMARTY_NEEDS,
    MarkupRenderer,
    MarkupSettings,
    _NewsroomExtension,
    _Typographer,
)

SETTINGS = MarkupSettings(base_path="/news/", embed_hosts=("youtube.com",))

TRICKY = [
    'He said "yes" and left... Then -- after a pause --- he didn\'t.',
    '"Quote at the start," she said. \'Single\' and "double".',
    "'Tis the season; rock 'n' roll in the '80s and '90s.",
    "He said, \"'Quoted' words in a larger quote.\"",
    "\"'Nested'\" and '\"nested\"' and \"'\" and '\"'",
    'A "[quoted link](https://example.com/a)" and ["link text"](../10/other.md#x)\'s tail.',
    '"[link]" [\'single\'](map.png) !["alt"](photo.jpg "Harbor -- Photo: Jane Doe/AP")',
    'Code `don\'t "touch" -- ...` stays, but "around `code`" changes.',
    '```\nfenced \'code\' -- "here"...\n```\n\nAfter "fence".',
    "    indented 'code' -- \"block\"...\n\nafter",
    "Ellipsis.... and .. and ... and ......",
    "Dashes: a-b, a--b, a---b, a----b, a -- b, a --- b, ---, --",
    'word" end" "start "" \'\' \' " x\'y x"y',
    '<div>\nraw \'html\' -- "block"...\n</div>\n\nafter "block"',
    '<p markdown="1">md \'in\' -- "html"...</p>',
    "Inline <span title=\"a 'b' -- c\">\"tag\" text</span> and <b>'bold'</b>.",
    "# Heading \"one\" -- it's here...\n\n## Second 'heading'\n\n### Third---x\n\n## Second 'heading'",
    '## "" \n\n## ...\n\n## `code` "title"\n\n#### a\n\n##### b',
    "Escapes: \\\"not smart\\\" and \\'not\\' and \\-- and \\... done.",
    'Entities: &mdash;"x" &nbsp;\'y\' &#8212;"z" &amp; "&" &lt;"',
    '* "item" one\n* \'item\' two -- x\n\n1. "first"\n2. second...',
    "> \"Quoted block\" -- someone\n> 'second line'...",
    'Footnote[^1] "here".\n\n[^1]: The note\'s "text" -- see...',
    "| \"a\" | 'b' |\n|---|---|\n| c--d | e...f |",
    "*[HTML]: Hyper 'Text'\n\nThe HTML \"spec\".",
    "Term \"one\"\n:   Definition 'one' -- x...",
    'Attr "list"\n{: #custom-id .cls }\n\n## Head "x" {: #head-id }',
    "Line one \"a\"  \nline two 'b'",
    "<http://example.com/'x'> and <me@example.com> \"after\"",
    '**"Bold quote"** and _\'em\'_ and ***"both"***',
    "'\"'\"'\"'\"",
    '"',
    "'",
    "...",
    "--",
    '""""""',
    "''''",
    "5'10\" tall, the 1990's, 'em, \"2026-11-20T10:00:00+02:00\"",
    "— \"em dash unicode\" – 'en dash unicode'",
    "<<angle>> and >>quotes<< stay",
    "",
]

ATOMS = [
    "'", '"', "''", '""', "'\"", "\"'", "--", "---", "----", "...", "....", "..", "-", ".",
    " ", " ", "\n", "\n\n", "word", "s", "80s", "'80s", "don't", "\u2014", "&nbsp;", "&mdash;",
    "&#8212;", "`", "`x 'y'`", "*", "_", "[", "]", "(", ")", "[a 'b'](../x.md#c)",
    '![i](m.png "Cap -- Photo: A")', "<b>", "</b>", "<div>\n", "\n</div>\n", "# ", "## ",
    "\\'", '\\"', "\\.", "> ", "- ", "1. ", "    ", "{: #id }", "[^1]", "\n[^1]: n 'x'\n",
    "!", "?", ",", ":", "<!-- c -->", "&", "<http://a.b/'c'>",
]  # fmt: skip


def stock_markdown(settings: MarkupSettings) -> markdown.Markdown:
    """Python-Markdown as MarkupRenderer configures it, with smarty's own InlineProcessor."""
    return markdown.Markdown(
        extensions=[*_EXTENSIONS, _NewsroomExtension(settings)],
        extension_configs=_EXTENSION_CONFIGS,
        output_format="html",
    )


def convert_both(text: str) -> tuple[tuple[str, object], tuple[str, object]]:
    quick = MarkupRenderer(SETTINGS)._md
    stock = stock_markdown(SETTINGS)
    return (
        (quick.convert(text), quick.toc_tokens),  # type: ignore[attr-defined]
        (stock.convert(text), stock.toc_tokens),  # type: ignore[attr-defined]
    )


def test_the_renderer_uses_the_typographer() -> None:
    quick = MarkupRenderer(SETTINGS)._md
    assert isinstance(quick.treeprocessors["smarty"], _Typographer)
    assert not isinstance(stock_markdown(SETTINGS).treeprocessors["smarty"], _Typographer)


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_typography_is_converted_as_stock_smarty_does(text: str) -> None:
    quick, stock = convert_both(text)
    assert quick == stock


def test_random_typography_is_converted_as_stock_smarty_does() -> None:
    rng = random.Random(20261120)
    quick_md = MarkupRenderer(SETTINGS)._md
    stock_md = stock_markdown(SETTINGS)
    for _ in range(1500):
        text = "".join(rng.choice(ATOMS) for _ in range(rng.randint(1, 30)))
        quick = quick_md.reset().convert(text)
        stock = stock_md.reset().convert(text)
        assert quick == stock, text


def test_one_renderer_gives_the_same_result_twice() -> None:
    renderer = MarkupRenderer(SETTINGS)
    first = [renderer.render(text, "content/articles/2026/01/a.md") for text in TRICKY]
    again = [renderer.render(text, "content/articles/2026/01/a.md") for text in TRICKY]
    assert first == again


def test_every_smarty_rule_has_a_known_need() -> None:
    # A rule missing here still works, but is tried on every text: a newer Python-Markdown
    # changed smarty, and _SMARTY_NEEDS should follow it.
    md = markdown.Markdown(extensions=[smarty.SmartyExtension(smart_angled_quotes=True)])
    patterns = [rule.compiled_re.pattern for rule in md.treeprocessors["smarty"].inlinePatterns]
    assert sorted(patterns) == sorted(_SMARTY_NEEDS)


def test_a_rule_matches_only_text_that_holds_its_need() -> None:
    md = markdown.Markdown(extensions=[smarty.SmartyExtension(smart_angled_quotes=True)])
    rng = random.Random(7)
    alphabet = ["'", '"', "-", ".", "<", ">", " ", "a", "s", "8", "0", "(", "\u2014", "&nbsp;"]
    for rule in md.treeprocessors["smarty"].inlinePatterns:
        needs = _SMARTY_NEEDS[rule.compiled_re.pattern]
        for _ in range(3000):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8)))
            if rule.compiled_re.search(text):
                assert needs in text, (rule.compiled_re.pattern, text)
