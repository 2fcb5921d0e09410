"""The golden site's whole output, file by file, against the output kept in the repository.

Any change to what newssite writes shows here as a diff. When the change is meant, make the
expected output again (`python tests/golden_site.py`) and commit it with the change."""

from __future__ import annotations

import difflib
from pathlib import Path

from golden_site import EXPECTED, build_golden

REGENERATE = "python tests/golden_site.py"


def files_of(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def shown_diff(name: str, expected: bytes, made: bytes) -> str:
    try:
        old, new = expected.decode("utf-8"), made.decode("utf-8")
    except UnicodeDecodeError:
        return f"{name}: binary files differ ({len(expected)} and {len(made)} bytes)\n"
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        f"expected/{name}",
        f"made/{name}",
        n=2,
    )
    return "".join(list(lines)[:60])


def test_the_golden_site_builds_exactly_the_expected_output(tmp_path: Path) -> None:
    made_dir = tmp_path / "output"
    build_golden(made_dir)
    expected, made = files_of(EXPECTED), files_of(made_dir)
    missing = sorted(expected.keys() - made.keys())
    extra = sorted(made.keys() - expected.keys())
    changed = sorted(name for name in expected.keys() & made.keys() if expected[name] != made[name])
    report = [f"missing: {name}" for name in missing] + [f"new: {name}" for name in extra]
    report += [shown_diff(name, expected[name], made[name]) for name in changed[:5]]
    if len(changed) > 5:
        report.append(f"... and {len(changed) - 5} more files differ")
    assert not report, (
        "the golden site's output changed; if that is meant, run "
        f"`{REGENERATE}` and commit it:\n" + "\n".join(report)
    )


def test_the_golden_site_covers_what_it_is_for() -> None:
    """The fixture keeps a list, a feed, a sitemap, a redirect and a takedown to compare."""
    expected = files_of(EXPECTED)
    for name in ("index.html", "feed.xml", "feed.json", "sitemap.xml", "news-sitemap.xml"):
        assert name in expected
    assert "news/dredging/index.html" in expected and "_redirects" in expected
    assert b"This article has been removed" in expected["sports/rowing/index.html"]
    assert not any("draft" in name or "scheduled" in name for name in expected)
    assert "news/page/1/index.html" in expected
