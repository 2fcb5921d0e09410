"""The quick paths in markup.py must give exactly what stock Python-Markdown gives."""

from __future__ import annotations

import random

import markdown
import pytest
from markdown.extensions import smarty

from newssite.markup import (
    _EXTENSION_CONFIGS,
    _EXTENSIONS,
    _INLINE_NEEDS,
    _SMARTY_NEEDS,
    MarkupRenderer,
    MarkupSettings,
    _block_needs,
    _NewsroomExtension,
    _QuickInlineProcessor,
    _QuickToc,
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
    "[outer [inner](a.md) text](b.md) and ![img [x]](c.png) [![pic](d.png)](e.md)",
    "[ref][r1] and [r1] and [R1][] and ![img][r2] and ![r2]\n\n[r1]: ../09/x.md 'T'\n[r2]: f.png",
    '[not a link] [also not](  and ]( [x](<a b.md>) [y](h.md "title")',
    "Escaped \\[not link](x.md) and \\`not code\\` and \\*not em\\* and \\\\ backslash",
    "Ticks ``double `tick` code`` and \\\\`after backslashes` and ` ` and `` ` ``",
    "<https://example.com/a?b=c&d=e> <ftp://x.y> <not a link> <a@b> <mailto:me@x.org> a@b.c",
    "Entities &amp; &copy; &#169; &#xA9; &bogus &; & alone &notanentity;",
    "<em>inline</em> <!-- comment --> <?php x ?> <![CDATA[ x ]]> <br/> <img src=x> 1 < 2 > 0",
    "Hard  \nbreak and trailing two  \n\nspaces  ",
    "*em* **strong** ***both*** _em_ __strong__ ___both___ snake_case_word 2*3*4 * alone _",
    "Footnotes[^a] and [^missing] and [^a]\n\n[^a]: Note with [link](x.md) and `code`.",
    "A [link with `code` and *em* and <b>html</b> and &amp;](x.md) end",
    "Autolink in [a link <http://x.y>](z.md) and image ![alt *em*](p.png)",
    "| a | b |\n|---|---|\n| 1 | 2 |\n\na | b\n--|--\n1 | 2\n\n| one |\n| --- |\n| row |",
    "Name|Value\n:--|--:\nx|y\n\nnot | a table\nat all",
    "Setext\n======\n\nSetext two\n---\n\nText\n- - -\n\n***\n\n___\n\n* * *\ntext",
    "x\n=\ny\n\na - b - c - d\n\nA line # with a hash\n\n# Heading\ntext",
    "> quote\n> more\n\nA line\n> with a quote after\n\n>not spaced",
    "Term\n: Definition\n\n: orphan colon\n\nTrailing text\n: looks like def\n\nA: colon",
    "*[HTML]: Hyper Text\n\nHTML is *[here]: not\n\n[ref]: http://x.org 'T'\n\nUse [ref].",
    "para\n[^2]: late note\n\nref[^2] and [x]: y.md",
    "[TOC]\n\n## One\n\n## One",
    "Before\n\n  [TOC]  \n\nno heading here",
    "\\[TOC\\] and &#91;TOC&#93; and [TOC][] with no heading",
    "```\n# not heading\n| not | table |\n> not quote\n```",
    '<div markdown="1">\n## Inside\n\n> quote\n</div>',
]

ATOMS = [
    "'", '"', "''", '""', "'\"", "\"'", "--", "---", "----", "...", "....", "..", "-", ".",
    " ", " ", "\n", "\n\n", "word", "s", "80s", "'80s", "don't", "\u2014", "&nbsp;", "&mdash;",
    "&#8212;", "`", "`x 'y'`", "*", "_", "[", "]", "(", ")", "[a 'b'](../x.md#c)",
    '![i](m.png "Cap -- Photo: A")', "<b>", "</b>", "<div>\n", "\n</div>\n", "# ", "## ",
    "\\'", '\\"', "\\.", "> ", "- ", "1. ", "    ", "{: #id }", "[^1]", "\n[^1]: n 'x'\n",
    "!", "?", ",", ":", "<!-- c -->", "&", "<http://a.b/'c'>", "![", "](", "](x.md)",
    "[r]", "\n[r]: y.md\n", "&amp;", "&x", ";", "@", "<a@b.c>", "://", "  \n", "\\", "\\`",
    "``", "**", "__", "<em>", "</em>", "<br/>", "[^", "^", "|", "\n---\n", "\n===\n", "=",
    "\n: ", ":", "*[", "\n*[A]: b\n", "[TOC]", "\n[TOC]\n", "]:", "___", "***", "\n### ",
    "#", "|-|-|\n", "\n> ",
]  # fmt: skip


def stock_markdown(settings: MarkupSettings) -> markdown.Markdown:
    """Python-Markdown as MarkupRenderer configures it, with smarty's own InlineProcessor."""
    return markdown.Markdown(
        extensions=[*_EXTENSIONS, "toc", _NewsroomExtension(settings)],
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


def test_the_renderer_uses_the_quick_processors() -> None:
    quick = MarkupRenderer(SETTINGS)._md
    stock = stock_markdown(SETTINGS)
    assert isinstance(quick.treeprocessors["smarty"], _Typographer)
    assert isinstance(quick.treeprocessors["inline"], _QuickInlineProcessor)
    assert not isinstance(stock.treeprocessors["smarty"], _Typographer)
    assert not isinstance(stock.treeprocessors["inline"], _QuickInlineProcessor)
    assert isinstance(quick.treeprocessors["toc"], _QuickToc)
    guarded = [p for p in quick.parser.blockprocessors if _block_needs(p)]
    assert len(guarded) == 9  # table, headings, rule, quote, definition, notes, references
    assert quick.parser.parseBlocks.__name__ == "parse_blocks"


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


def test_every_inline_pattern_but_emphasis_has_a_known_need() -> None:
    # As above: a pattern missing here is only slower, but _INLINE_NEEDS should follow.
    patterns = {pattern.compiled_re.pattern for pattern in stock_markdown(SETTINGS).inlinePatterns}
    assert patterns - set(_INLINE_NEEDS) == {r"\*|_"}


def test_an_inline_pattern_matches_only_text_that_holds_its_need() -> None:
    rng = random.Random(11)
    # The strings at the end make matches of the longer patterns likely.
    alphabet = [*"[]!^`\\<>&#;:/@*_ \na", "://", "<a", "a>", "  \n", "&a;"]
    for pattern in stock_markdown(SETTINGS).inlinePatterns:
        needs = _INLINE_NEEDS.get(pattern.compiled_re.pattern, "")
        matches = 0
        for _ in range(20000):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8)))
            if pattern.compiled_re.search(text):
                matches += 1
                assert needs in text, (pattern.compiled_re.pattern, text)
        assert matches, pattern.compiled_re.pattern  # else the test proves nothing
