"""Find the site's Markdown sources and split each into front matter and body.

This is the only module that reads content/. Front matter is read with a strict YAML
loader: no tags, anchors or duplicate keys, and YAML 1.2 scalars (`NO` stays a string).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import frontmatter
import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from newssite.errors import NewssiteError, raise_all

CONTENT_KINDS = ("articles", "authors", "pages", "series")
# The desk's YAML files under content/: the curated fronts and the breaking-news alert.
FRONT_FILE = "front.yaml"
FRONT_FOLDER = "front"
ALERT_FILE = "alert.yaml"
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_FRONT_MATTER_BYTES = 64 * 1024
MAX_NESTING = 20
_IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".bak", ".orig")
_DISALLOWED_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# Errors in these constructs are found lines later; the reporter's mistake is where they open.
_OPENED_CONTEXTS = (
    "while parsing a flow",
    "while scanning a quoted",
    "while scanning a simple key",
)
_FRONT_MATTER = frontmatter.YAMLHandler()


@dataclass(frozen=True, slots=True)
class SourceFile:
    kind: str  # "articles", "authors" or "pages"
    path: str  # relative to the site folder, forward slashes: content/articles/x.md
    data: bytes
    digest: str  # sha256 of data


@dataclass(frozen=True, slots=True)
class RawDocument:
    source: SourceFile
    meta: Mapping[str, object]
    lines: Mapping[str, int]  # dotted field name ("photo.credit") -> line in the file
    body: str
    body_line: int
    warnings: tuple[NewssiteError, ...] = field(default_factory=tuple)


def is_ignored_name(name: str) -> bool:
    """Editor swap and backup files, dot-files and vim's write probe are never content."""
    return (
        name.startswith((".", "#"))
        or name.endswith(_IGNORED_SUFFIXES)
        or name == "4913"
        or name.startswith(".goutputstream-")
    )


StatKey = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


def discover(
    site_dir: Path, known: dict[str, tuple[StatKey, SourceFile]] | None = None
) -> list[SourceFile]:
    """Every Markdown source under content/, read and hashed, in a stable order.

    With `known` (kept by a long-running preview), a file whose size, times and inode are
    unchanged is not read again; `known` is updated in place.
    """
    site_root = site_dir.resolve()
    problems: list[NewssiteError] = []
    sources: list[SourceFile] = []
    for kind in CONTENT_KINDS:
        folder = site_dir / "content" / kind
        if not folder.is_dir():
            continue
        prefix = f"content/{kind}/"
        for parts, stat in _walk_markdown(folder, site_dir, site_root, problems):
            relative = prefix + "/".join(parts)
            key = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
            entry = known.get(relative) if known is not None else None
            if entry is not None and entry[0] == key:
                sources.append(entry[1])
                continue
            try:
                with open(os.path.join(folder, *parts), "rb") as handle:
                    data = handle.read()
            except FileNotFoundError:
                problems.append(NewssiteError("file disappeared during the build", path=relative))
                continue
            except OSError as error:
                problems.append(NewssiteError(f"cannot read: {error.strerror}", path=relative))
                continue
            if len(data) > MAX_FILE_BYTES:
                limit = MAX_FILE_BYTES // (1024 * 1024)
                problems.append(NewssiteError(f"file is larger than {limit} MB", path=relative))
                continue
            digest = hashlib.sha256(data).hexdigest()
            source = SourceFile(kind, relative, data, digest)
            sources.append(source)
            if known is not None:
                # Taken before the read: a save in between only makes the next build read again.
                known[relative] = (key, source)
    sources += _desk_files(site_dir, problems)
    raise_all(problems, "some content files cannot be read")
    if known is not None:
        for gone in set(known) - {source.path for source in sources}:
            del known[gone]
    return sources


def desk_kind(relative: str) -> str | None:
    """The kind of a desk file by its path under content/: "fronts" (front.yaml and
    front/<section>.yaml), "alert" (alert.yaml), or None for any other file."""
    if relative in (FRONT_FILE, ALERT_FILE):
        return "fronts" if relative == FRONT_FILE else "alert"
    folder, _, name = relative.partition("/")
    if folder == FRONT_FOLDER and name.endswith(".yaml") and "/" not in name:
        return "fronts"
    return None


def _desk_files(site_dir: Path, problems: list[NewssiteError]) -> list[SourceFile]:
    content = site_dir / "content"
    names = [FRONT_FILE, ALERT_FILE]
    folder = content / FRONT_FOLDER
    if folder.is_dir() and not folder.is_symlink():
        names += sorted(
            f"{FRONT_FOLDER}/{entry.name}"
            for entry in os.scandir(folder)
            if entry.name.endswith(".yaml") and not is_ignored_name(entry.name)
        )
    found = []
    for name in names:
        path = content / name
        if not path.is_file():
            continue
        relative = f"content/{name}"
        if path.is_symlink():
            problems.append(NewssiteError("a desk file may not be a symlink", path=relative))
            continue
        try:
            data = path.read_bytes()
        except OSError as error:
            problems.append(NewssiteError(f"cannot read: {error.strerror}", path=relative))
            continue
        if len(data) > MAX_FRONT_MATTER_BYTES:
            limit = MAX_FRONT_MATTER_BYTES // 1024
            problems.append(NewssiteError(f"file is larger than {limit} KiB", path=relative))
            continue
        kind = desk_kind(name)
        assert kind is not None
        found.append(SourceFile(kind, relative, data, hashlib.sha256(data).hexdigest()))
    return found


def split_yaml(source: SourceFile) -> RawDocument:
    """A desk file (YAML, no body) as a document: its mapping and the line of each key."""
    text = _decode(source)
    lines: dict[str, int] = {}
    try:
        meta = load_front_matter_carefully(text, source.path, 1, lines) if text.strip() else {}
    except NewssiteError as error:
        if error.message.startswith("front matter must be a mapping"):
            kind = error.message.rsplit("got a ", 1)[-1]
            error.message = f"expected a mapping of keys (e.g. lead: ...), got a {kind}"
            error.args = (error.message,)
        raise
    return RawDocument(source, meta, lines, "", 1)


def _walk_markdown(
    folder: Path, site_dir: Path, site_root: Path, problems: list[NewssiteError]
) -> list[tuple[tuple[str, ...], os.stat_result]]:
    """Every Markdown file under folder (its path's parts) with its stat (of the target, for
    a symlink), sorted by path; one scandir per folder, no Path objects per file."""
    found: list[tuple[tuple[str, ...], os.stat_result]] = []
    pending = [(folder, ())]
    while pending:
        current, parts = pending.pop()
        try:
            with os.scandir(current) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as error:
            shown = current.relative_to(site_dir).as_posix()
            problems.append(NewssiteError(f"cannot read folder: {error.strerror}", path=shown))
            continue
        for entry in entries:
            name = entry.name
            if is_ignored_name(name):
                continue
            try:
                if entry.is_symlink():
                    path = current / name
                    if os.path.isdir(path):  # a symlink to a folder (False for a loop)
                        if _symlink_problem(path, site_dir, site_root, problems) is None:
                            problems.append(
                                NewssiteError(
                                    "symlinked folders are not followed; move the files here"
                                    " instead",
                                    path=path.relative_to(site_dir).as_posix(),
                                )
                            )
                        continue
                    if not name.endswith(".md"):
                        continue
                    if _symlink_problem(path, site_dir, site_root, problems) is True:
                        continue
                    stat = path.stat()
                elif entry.is_dir(follow_symlinks=False):
                    pending.append((current / name, (*parts, name)))
                    continue
                elif not name.endswith(".md"):
                    continue
                else:
                    stat = entry.stat(follow_symlinks=False)
            except OSError:
                continue  # gone since the listing, as if never there
            found.append(((*parts, name), stat))
    found.sort(key=lambda item: item[0])
    return found


def _symlink_problem(
    path: Path, site_dir: Path, site_root: Path, problems: list[NewssiteError]
) -> bool | None:
    """False: not a symlink. True: a symlink that was refused. None: a symlink inside the site."""
    if not path.is_symlink():
        return False
    shown = path.relative_to(site_dir).as_posix()
    try:
        target = path.resolve()
    except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError for a symlink loop
        problems.append(NewssiteError(f"symlink loop (to {os.readlink(path)})", path=shown))
        return True
    if not target.exists():
        problems.append(NewssiteError(f"broken symlink (to {os.readlink(path)})", path=shown))
        return True
    if not target.is_relative_to(site_root):
        problems.append(NewssiteError(f"symlink points outside the site ({target})", path=shown))
        return True
    return None


def split(source: SourceFile) -> RawDocument:
    """Decode a source and split it into front matter (a mapping) and Markdown body."""
    text = _decode(source)
    if not text.startswith("---"):
        return RawDocument(source, {}, {}, text, 1)
    first_line_end = text.find("\n")
    opening = text[: first_line_end if first_line_end >= 0 else len(text)]
    if opening.strip() != "---":
        return RawDocument(source, {}, {}, text, 1)
    parts = _FRONT_MATTER.FM_BOUNDARY.split(text, 2)
    if len(parts) < 3:
        raise NewssiteError("unterminated front matter (no closing ---)", path=source.path, line=1)
    _, yaml_text, body = parts
    yaml_text = yaml_text.removeprefix("\n")
    if len(yaml_text.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        limit = MAX_FRONT_MATTER_BYTES // 1024
        raise NewssiteError(f"front matter too large (over {limit} KiB)", path=source.path, line=1)
    first_line = 2
    lines: dict[str, int] = {}
    meta = load_front_matter(yaml_text, source.path, first_line, lines)
    body = body.removeprefix("\n")
    body_line = first_line + yaml_text.count("\n") + 1
    return RawDocument(source, meta, lines, body, body_line)


def _decode(source: SourceFile) -> str:
    try:
        text = source.data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = source.data.count(b"\n", 0, error.start) + 1
        raise NewssiteError(
            f"invalid UTF-8 at byte {error.start}", path=source.path, line=line
        ) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    bad = _DISALLOWED_CHARACTER.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise NewssiteError(
            f"{_character_name(bad.group())} not allowed",
            path=source.path,
            line=line,
            field=_field_at(text, bad.start(), line),
        )
    return text


def _field_at(text: str, offset: int, line: int) -> str | None:
    """The field a character of the whole file belongs to: a front-matter key, or "body"."""
    if not text.startswith("---"):
        return "body"
    boundaries = list(itertools.islice(_FRONT_MATTER.FM_BOUNDARY.finditer(text), 2))
    if len(boundaries) == 2 and offset >= boundaries[1].end():
        return "body"
    return _key_on_line(text, line)


def _character_name(character: str) -> str:
    return "NUL character" if character == "\x00" else f"control character U+{ord(character):04X}"


def _key_on_line(text: str, line: int) -> str | None:
    """The front-matter key written on a line of text (1-based), if the line starts with one."""
    lines = text.split("\n")  # not splitlines(): it also splits at \x0b, \x1c and U+2028
    line_text = lines[line - 1] if 0 < line <= len(lines) else ""
    key = re.match(r"\s*([A-Za-z_][\w-]*)\s*:", line_text)
    return key.group(1) if key else None


class _FrontMatterLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core scalars, and no anchors or aliases."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {}

    def compose_node(self, parent: Node | None, index: object) -> Node:  # type: ignore[override]
        event = self.peek_event()
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
            raise yaml.MarkedYAMLError(
                problem="YAML anchors and aliases are not allowed", problem_mark=event.start_mark
            )
        return super().compose_node(parent, index)  # type: ignore[no-any-return]


_STR = "tag:yaml.org,2002:str"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"

_FrontMatterLoader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_FrontMatterLoader.add_implicit_resolver(
    _NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_FrontMatterLoader.add_implicit_resolver(_INT, re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
_FrontMatterLoader.add_implicit_resolver(
    _FLOAT,
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)


# libyaml's parser (C), when PyYAML was built with it; else only the pure-Python loader.
_CParser: type | None = getattr(yaml, "CBaseLoader", None)


class _Unusual(Exception):
    """Front matter the quick reader leaves to the careful loader (which explains it)."""


def load_front_matter(
    text: str, path: str, first_line: int, lines: dict[str, int]
) -> dict[str, object]:
    """Parse front matter YAML into plain Python values, recording the line of every key."""
    quick = load_front_matter_quickly(text, first_line) if _CParser is not None else None
    if quick is not None:
        value, quick_lines = quick
        lines.update(quick_lines)
        return value
    return load_front_matter_carefully(text, path, first_line, lines)


def load_front_matter_carefully(
    text: str, path: str, first_line: int, lines: dict[str, int]
) -> dict[str, object]:
    """The pure-Python loader: the reference for every value, line and error, and the
    reader of everything the quick one leaves to it."""
    node = _compose_carefully(text, path, first_line)
    if node is None:
        return {}
    if not isinstance(node, MappingNode):
        kind = "list" if isinstance(node, SequenceNode) else "single value"
        raise NewssiteError(
            f"front matter must be a mapping of fields, got a {kind}", path=path, line=first_line
        )
    value = _to_python(node, "", path, first_line, lines, 0)
    assert isinstance(value, dict)
    return value


def load_front_matter_quickly(
    text: str, first_line: int
) -> tuple[dict[str, object], dict[str, int]] | None:
    """Values and key lines read from libyaml's events, by the careful loader's rules; None
    for anything it would refuse or must explain (an anchor, an alias, a tag, a syntax
    error, deep nesting, a duplicate key...): the careful loader then decides, so errors
    and their lines are the same whichever reader ran.

    Events, not libyaml's node tree: an anchor is seen before anything refers to it (an
    alias bomb costs nothing), and no nesting reaches the C stack.
    """
    assert _CParser is not None
    parser = _CParser(text)
    try:
        return _values_from_events(parser.get_event, first_line)
    except (yaml.YAMLError, _Unusual):
        return None
    finally:
        parser.dispose()


def _values_from_events(
    next_event: Callable[[], Event], first_line: int
) -> tuple[dict[str, object], dict[str, int]] | None:
    next_event()  # the stream's start
    event = next_event()
    if isinstance(event, StreamEndEvent):
        return {}, {}
    event = next_event()  # after the document's start, its root
    if not isinstance(event, MappingStartEvent):
        raise _Unusual  # a list or a single value: the careful loader words the error
    lines: dict[str, int] = {}
    root = _mapping_from_events(next_event, event, "", first_line, lines, 0)
    if not isinstance(next_event(), DocumentEndEvent) or not isinstance(
        next_event(), StreamEndEvent
    ):
        raise _Unusual  # a second document
    return root, lines


def _mapping_from_events(
    next_event: Callable[[], Event],
    start: MappingStartEvent,
    name: str,
    first_line: int,
    lines: dict[str, int],
    depth: int,
) -> dict[str, object]:
    if depth > MAX_NESTING or start.anchor is not None or start.tag is not None:
        raise _Unusual
    result: dict[str, object] = {}
    while True:
        event = next_event()
        if isinstance(event, MappingEndEvent):
            return result
        if not isinstance(event, ScalarEvent) or event.anchor is not None:
            raise _Unusual
        tag = _scalar_tag(event)
        key = event.value
        if tag not in (_STR, _INT) or key in result or _DISALLOWED_CHARACTER.search(key):
            raise _Unusual
        dotted = f"{name}.{key}" if name else key
        lines[dotted] = first_line + event.start_mark.line
        result[key] = _value_from_events(next_event, dotted, first_line, lines, depth + 1)


def _value_from_events(
    next_event: Callable[[], Event], name: str, first_line: int, lines: dict[str, int], depth: int
) -> object:
    event = next_event()
    if isinstance(event, ScalarEvent):
        if depth > MAX_NESTING or event.anchor is not None:
            raise _Unusual
        return _scalar_value(_scalar_tag(event), event.value)
    if isinstance(event, MappingStartEvent):
        return _mapping_from_events(next_event, event, name, first_line, lines, depth)
    if not isinstance(event, SequenceStartEvent):
        raise _Unusual  # an alias
    if depth > MAX_NESTING or event.anchor is not None or event.tag is not None:
        raise _Unusual
    items: list[object] = []
    while True:
        event = next_event()
        if isinstance(event, SequenceEndEvent):
            return items
        if isinstance(event, ScalarEvent):
            if depth + 1 > MAX_NESTING or event.anchor is not None:
                raise _Unusual
            items.append(_scalar_value(_scalar_tag(event), event.value))
        elif isinstance(event, MappingStartEvent):
            item_name = f"{name}[{len(items)}]"
            items.append(
                _mapping_from_events(next_event, event, item_name, first_line, lines, depth + 1)
            )
        elif isinstance(event, SequenceStartEvent):
            raise _Unusual  # lists of lists: no field has them; the careful loader reads them
        else:
            raise _Unusual


def _scalar_tag(event: ScalarEvent) -> str:
    """The tag the careful loader resolves for an untagged scalar: its implicit resolvers,
    tried as PyYAML's BaseResolver tries them (plain scalars only)."""
    if event.tag is not None:
        raise _Unusual
    value = event.value
    if event.implicit[0]:
        for tag, pattern in _FrontMatterLoader.yaml_implicit_resolvers.get(value[:1], ()):
            if pattern.match(value):
                return tag
    return _STR


def _scalar_value(tag: str, value: str) -> object:
    """A resolved scalar as Python, as _scalar makes it; _Unusual where _scalar raises."""
    if tag == _STR:
        if _DISALLOWED_CHARACTER.search(value):
            raise _Unusual
        return value
    if tag == _BOOL:
        return value.lower() == "true"
    if tag == _NULL:
        return None
    if tag == _INT:
        return int(value, 10)
    if tag == _FLOAT:
        return float(value)
    raise _Unusual


def _compose_carefully(text: str, path: str, first_line: int) -> Node | None:
    loader = _FrontMatterLoader(text)
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = (error.problem or "YAML syntax error").strip()
        if error.context_mark and (error.context or "").startswith(_OPENED_CONTEXTS):
            if mark is not None and mark.line != error.context_mark.line:
                problem += f" on line {first_line + mark.line}"
            problem = f"{error.context}: {problem}"
            mark = error.context_mark
        line = first_line + mark.line if mark else first_line
        if "anchors and aliases" not in problem:
            problem = f"YAML syntax error: {problem}"
        field = _key_on_line(text, line - first_line + 1)
        raise NewssiteError(problem, path=path, line=line, field=field) from None
    except yaml.YAMLError as error:
        raise NewssiteError(f"YAML error: {error}", path=path, line=first_line) from None
    except RecursionError:
        raise NewssiteError(
            "front matter is nested too deeply", path=path, line=first_line
        ) from None
    finally:
        loader.dispose()


def _to_python(
    node: Node, name: str, path: str, first_line: int, lines: dict[str, int], depth: int
) -> object:
    line = first_line + node.start_mark.line
    if depth > MAX_NESTING:
        raise NewssiteError("front matter is nested too deeply", path=path, line=line, field=name)
    if isinstance(node, ScalarNode):
        return _scalar(node, name, path, line)
    if isinstance(node, SequenceNode) and node.tag == _SEQ:
        return [
            _to_python(item, f"{name}[{index}]", path, first_line, lines, depth + 1)
            for index, item in enumerate(node.value)
        ]
    if isinstance(node, MappingNode) and node.tag == _MAP:
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            key_line = first_line + key_node.start_mark.line
            if (
                not isinstance(key_node, ScalarNode)
                or key_node.tag not in (_STR, _INT)
                or _DISALLOWED_CHARACTER.search(key_node.value)
            ):
                raise NewssiteError("field names must be plain text", path=path, line=key_line)
            key = str(key_node.value)
            dotted = f"{name}.{key}" if name else key
            if key in result:
                raise NewssiteError(
                    f"duplicate key (first defined on line {lines[dotted]})",
                    path=path,
                    line=key_line,
                    field=dotted,
                )
            lines[dotted] = key_line
            result[key] = _to_python(value_node, dotted, path, first_line, lines, depth + 1)
        return result
    raise NewssiteError(
        f"unsupported YAML tag {node.tag}", path=path, line=line, field=name or None
    )


def _scalar(node: ScalarNode, name: str, path: str, line: int) -> object:
    value = node.value
    if node.tag == _STR:
        # Escapes such as "\x0b" get past the check of the raw text, and break feeds (XML).
        bad = _DISALLOWED_CHARACTER.search(value)
        if bad:
            message = f"{_character_name(bad.group())} not allowed"
            raise NewssiteError(message, path=path, line=line, field=name or None)
        return value
    if node.tag == _BOOL:
        return value.lower() == "true"
    if node.tag == _NULL:
        return None
    if node.tag == _INT:
        return int(value, 10)
    if node.tag == _FLOAT:
        return float(value)
    raise NewssiteError(
        f"unsupported YAML tag {node.tag}", path=path, line=line, field=name or None
    )
