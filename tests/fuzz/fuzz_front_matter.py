"""atheris harness: the source loader and the Markdown renderer never fail with anything
but a NewssiteError, whatever bytes a file holds.

    python tests/fuzz/fuzz_front_matter.py -max_total_time=60
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from newssite.errors import NewssiteError
    from newssite.markup import MarkupRenderer, MarkupSettings
    from newssite.sources import SourceFile, split

RENDERER = MarkupRenderer(MarkupSettings())
FORBIDDEN = ("<script", "javascript:", " onerror=", " onload=")


def test_one_input(data: bytes) -> None:
    source = SourceFile("articles", "content/articles/fuzz.md", data, "0")
    try:
        document = split(source)
    except NewssiteError:
        return
    html = RENDERER.render(document.body, source.path).html.lower()
    for needle in FORBIDDEN:
        if needle in html:
            raise AssertionError(f"{needle!r} survived sanitising: {html[:300]!r}")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
