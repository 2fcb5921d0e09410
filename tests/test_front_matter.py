"""Front matter read by libyaml (C) gives exactly what the pure-Python loader gives: the
same values, the same key lines, and for anything refused the same error at the same line.

The pure-Python loader (`load_front_matter_carefully`) is the reference: it is what every
site was read with before, and what newssite reads with where PyYAML has no libyaml.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from newssite.errors import NewssiteError
from newssite.sources import (
    SourceFile,
    load_front_matter,
    load_front_matter_carefully,
    load_front_matter_quickly,
    split,
)

REPO = Path(__file__).resolve().parent.parent
FIRST_LINE = 2  # the line after the opening ---

pytestmark = pytest.mark.skipif(
    load_front_matter_quickly("a: 1", FIRST_LINE) is None, reason="PyYAML without libyaml"
)


def careful(text: str) -> tuple[dict[str, object], dict[str, int]]:
    lines: dict[str, int] = {}
    return load_front_matter_carefully(text, "x.md", FIRST_LINE, lines), lines


def assert_same_as_careful(text: str) -> None:
    """The C reader gives the reference's values and lines, in the same key order."""
    quick = load_front_matter_quickly(text, FIRST_LINE)
    assert quick is not None, f"the C reader deferred on valid front matter:\n{text}"
    expected = careful(text)
    assert quick == expected
    assert json.dumps(quick) == json.dumps(expected)  # same key order, same types (1 vs 1.0)


def front_matter_of(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), path
    return text[4 : text.index("\n---", 3) + 1]


def test_the_demo_content_reads_the_same() -> None:
    files = sorted((REPO / "content").rglob("*.md"))
    assert len(files) > 20
    for path in files:
        assert_same_as_careful(front_matter_of(path))


# Values a newsroom writes, several of which YAML 1.1 would turn into something else.
TRICKY_PLAIN = [
    "no",
    "yes",
    "No",
    "NO",
    "on",
    "off",
    "y",
    "n",
    "Norway",
    "true",
    "False",
    "TRUE",
    "null",
    "~",
    "Null",
    "1:20",
    "0o17",
    "012",
    "0x1F",
    "1_000",
    "+1",
    "-7",
    "-.5",
    "1.",
    "1e3",
    "1.5e-3",
    ".inf",
    ".nan",
    "2026-03-04",
    "2026-03-04T10:00:00+02:00",
    "2026-03-04 10:00",
    "12:30:00",
    "Q&A",
    "AT&T cuts jobs",
    "R&D",
    "5*3",
    "a*",
    "b & c",
    "50%",
    "#hashtag-free",
    "C#",
    "über",
    "日本語",
    "emoji 🎉",
    "O'Brien",
    "x: y z",
]
TRICKY_QUOTED = ["no", "true", "12", "1.5", "~", "", "*not an alias*", "&not an anchor", "a\\tb"]


def generated_front_matter(rng: random.Random, number: int) -> str:
    """One story's front matter in one of the many ways reporters write it."""
    words = ["harbor", "vote", "council", "Q&A", "R&D", "budget", "*", "ferry", "no", "école"]
    title = " ".join(rng.choice(words) for _ in range(rng.randint(2, 9)))
    quote = rng.choice(["", "'", '"'])
    if quote == "'":
        title = "'" + title.replace("'", "''") + "'"
    elif quote == '"':
        title = json.dumps(title, ensure_ascii=rng.random() < 0.5)
    elif title.startswith(("*", "&", "no ")) or title.endswith(" no") or ": " in title:
        title = json.dumps(title)
    lines = [f"title: {title}"]
    day = f"2026-{1 + number % 12:02d}-{1 + number % 28:02d}"
    lines.append(
        rng.choice(
            [
                f"date: {day}",
                f"date: {day}T{number % 24:02d}:15:00-05:00",
                f'date: "{day} 08:00"',
                f"date: {day} 08:00:00Z",
            ]
        )
    )
    authors = [f"author-{rng.randint(1, 40)}" for _ in range(rng.choice([1, 1, 1, 2, 3]))]
    if len(authors) == 1 and rng.random() < 0.5:
        lines.append(f"author: {authors[0]}")
    elif rng.random() < 0.5:
        lines.append("author: [" + ", ".join(authors) + "]")
    else:
        lines.append("author:\n" + "\n".join(f"  - {a}" for a in authors))
    lines.append(f"section: {rng.choice(['news', 'politics', 'sports', 'no', 'on'])}")
    if rng.random() < 0.7:
        tags = rng.sample([*TRICKY_PLAIN[:20], "Harbor", "City Hall", "Q&A"], rng.randint(0, 4))
        lines.append("tags: [" + ", ".join(json.dumps(t) for t in tags) + "]")
    if rng.random() < 0.5:
        lines.append(f"summary: >-\n  A dek of story {number}, over\n  two lines & more.")
    if rng.random() < 0.3:
        lines.append(f"summary_note: |\n  Line one.\n\n  Line {number}: *three*.")
    if rng.random() < 0.7:
        photo = {
            "src": f"photos/p{number}.jpg",
            "alt": rng.choice(["Boats & nets", "Crowd", "no", "*"]),
            "credit": rng.choice(["Ana Ruiz/Ledger", "(AP)", "Photo: staff"]),
        }
        if rng.random() < 0.5:
            lines.append(
                "photo:\n" + "\n".join(f"  {k}: {json.dumps(v)}" for k, v in photo.items())
            )
        else:
            lines.append(
                "photo: {" + ", ".join(f"{k}: {json.dumps(v)}" for k, v in photo.items()) + "}"
            )
    for key in rng.sample(["draft", "featured", "comments", "premium"], rng.randint(0, 2)):
        lines.append(f"{key}: {rng.choice(['true', 'false', 'no', 'yes', 'True', 'off', '~', ''])}")
    if rng.random() < 0.3:
        lines.append(f"weight: {rng.choice(['3', '-2', '0.5', '1e3', '07', '1_000'])}")
    if rng.random() < 0.2:
        lines.append(
            'corrections:\n  - date: 2026-05-01\n    text: "An earlier version misspelled a name."'
        )
    if rng.random() < 0.2:
        value = rng.choice(TRICKY_PLAIN)
        value = json.dumps(value) if ": " in value or value[0] in "#*&" else value
        lines.append(f"extra:\n  note_{number % 7}: {value}")
    if rng.random() < 0.1:
        lines.append("# a comment line\n\n")
    if rng.random() < 0.1:
        lines.append(f"aliases: [/news/old-{number}/]")
    rng.shuffle(lines[2:])
    return "\n".join(lines) + "\n"


def test_two_thousand_generated_stories_read_the_same() -> None:
    rng = random.Random(13)
    texts = [generated_front_matter(rng, number) for number in range(2000)]
    assert sum("&" in text for text in texts) > 500  # once sent to the slow loader
    for text in texts:
        assert_same_as_careful(text)


@pytest.mark.parametrize("value", TRICKY_PLAIN)
def test_plain_scalars_resolve_by_yaml_1_2_rules(value: str) -> None:
    text = f"value: {value}\nlist: [{value}]\nmap: {{k: {value}}}\n"
    if ": " in value or value.startswith("#"):
        text = f"value: {json.dumps(value)}\n"
    assert_same_as_careful(text)


def test_yaml_1_1_words_stay_text_and_1_2_core_scalars_convert() -> None:
    values, _ = load_front_matter_quickly(
        "a: no\nb: yes\nc: on\nd: true\ne: 12\nf: 1.5\ng: ~\nh: 2026-03-04\ni: 1:20\nj: 012\n",
        FIRST_LINE,
    ) or ({}, {})
    assert values == {
        "a": "no",
        "b": "yes",
        "c": "on",
        "d": True,
        "e": 12,
        "f": 1.5,
        "g": None,
        "h": "2026-03-04",
        "i": "1:20",
        "j": 12,
    }


@pytest.mark.parametrize("value", TRICKY_QUOTED)
def test_quoted_scalars_stay_text(value: str) -> None:
    assert_same_as_careful(f'single: {json.dumps(value)}\ndouble: "{value}"\n')


def test_key_lines_are_file_lines() -> None:
    text = (
        "title: A\n\n# note\nphoto:\n  src: a.jpg\n  alt: >\n    long\n    alt\n"
        "  credit: B\ntags:\n  - x\n  - y\ncorrections:\n  - date: 2026-01-01\n"
        "    text: T\nlast: z\n"
    )
    _, lines = load_front_matter_quickly(text, FIRST_LINE) or ({}, {})
    assert lines == {
        "title": 2,
        "photo": 5,
        "photo.src": 6,
        "photo.alt": 7,
        "photo.credit": 10,
        "tags": 11,
        "corrections": 14,
        "corrections[0].date": 15,
        "corrections[0].text": 16,
        "last": 17,
    }
    assert_same_as_careful(text)


HOSTILE = {
    "anchor": "title: &t Fire\nsummary: Smoke\n",
    "alias": "title: Fire\nsummary: *t\n",
    "anchor-and-alias": "title: &t Fire\nsummary: *t\n",
    "anchored-map": "photo: &p {src: a.jpg}\nother: *p\n",
    "anchored-list": "tags: &t [a, b]\nmore: *t\n",
    "merge-key": "base: &b {a: 1}\nphoto:\n  <<: *b\n  src: x\n",
    "alias-bomb": "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\n",
    "anchor-in-list": "tags: [a, &x b, c]\n",
    "alias-key": "a: &k key\n*k : v\n",
    "python-tag": 'title: !!python/object/apply:os.system ["touch /tmp/x"]\n',
    "custom-tag": "title: !custom x\n",
    "str-tag": "title: !!str 12\n",
    "binary-tag": "title: !!binary aGVsbG8=\n",
    "set-tag": "tags: !!set {a, b}\n",
    "duplicate-key": "title: A\nsummary: B\ntitle: C\n",
    "duplicate-nested": "photo:\n  src: a\n  src: b\n",
    "bool-key": "true: x\n",
    "null-key": "~: x\n",
    "float-key": "1.5: x\n",
    "int-key": "12: x\n",
    "list-key": "[a]: x\n",
    "map-key": "? {a: 1}\n: x\n",
    "nul-escape": 'title: "a\\0b"\n',
    "vt-escape": 'title: "a\\x0bb"\n',
    "control-in-key": '"a\\x01": x\n',
    "list-root": "- a\n- b\n",
    "scalar-root": "just text\n",
    "null-root": "~\n",
    "two-documents": "title: A\n---\ntitle: B\n",
    "unclosed-flow": "title: A\ntags: [a, b\nsummary: c\n",
    "unclosed-quote": 'title: "A\nsummary: c\n',
    "bad-indent": "title: A\n  summary: B\n",
    "tab-indent": "photo:\n\tsrc: a\n",
    "colon-in-plain": "title: A: B\n",
    "deep-flow-list": "x: " + "[" * 100 + "]" * 100 + "\n",
    "deep-flow-map": "x: " + "{a: " * 30 + "1" + "}" * 30 + "\n",
    "deep-block": "x:\n" + "".join("  " * d + "-\n" for d in range(1, 40)),
    "deep-block-map": "".join("  " * d + f"k{d}:\n" for d in range(30)) + "  " * 30 + "v\n",
    "list-of-lists": "x: [[a, b], [c]]\n",
    "empty-value": "title:\nsummary: ''\n",
    "comments-only": "# nothing here\n",
    "empty": "",
    "document-end": "title: A\n...\n",
    "directive": "%YAML 1.1\n---\ntitle: no\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_front_matter_gives_the_same_values_or_the_same_error(name: str) -> None:
    text = HOSTILE[name]
    lines: dict[str, int] = {}
    try:
        expected: object = (load_front_matter_carefully(text, "x.md", FIRST_LINE, lines), lines)
    except NewssiteError as error:
        expected = str(error)
    lines = {}
    try:
        got: object = (load_front_matter(text, "x.md", FIRST_LINE, lines), lines)
    except NewssiteError as error:
        got = str(error)
    assert got == expected


def test_anchors_and_aliases_are_refused_with_the_line_of_the_first() -> None:
    text = "title: Fire\nsummary: Smoke\nphoto:\n  src: &s a.jpg\n  alt: *s\n"
    with pytest.raises(NewssiteError) as caught:
        load_front_matter(text, "content/articles/fire.md", FIRST_LINE, {})
    assert str(caught.value) == (
        "content/articles/fire.md:5: src: YAML anchors and aliases are not allowed"
    )


def test_without_libyaml_the_pure_python_loader_reads_the_same(tmp_path: Path) -> None:
    """PyYAML built without libyaml: everything still reads, and reads the same."""
    script = (
        "import json, sys\n"
        "sys.modules['yaml._yaml'] = None  # as if PyYAML had been built without libyaml\n"
        "from pathlib import Path\n"
        "from newssite import sources\n"
        "assert sources._CParser is None\n"
        "out = {}\n"
        "for path in sorted(Path(sys.argv[1]).rglob('*.md')):\n"
        "    data = path.read_bytes()\n"
        "    doc = sources.split(sources.SourceFile('articles', path.name, data, ''))\n"
        "    out[path.as_posix()] = [doc.meta, doc.lines]\n"
        "print(json.dumps(out))\n"
    )
    content = REPO / "content"
    result = subprocess.run(
        [sys.executable, "-c", script, str(content)], capture_output=True, text=True, check=True
    )
    expected = {}
    for path in sorted(content.rglob("*.md")):
        doc = split(SourceFile("articles", path.name, path.read_bytes(), ""))
        expected[path.as_posix()] = [doc.meta, doc.lines]
    assert json.loads(result.stdout) == json.loads(json.dumps(expected, default=str))
