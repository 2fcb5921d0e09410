"""The golden site: a small fixture (tests/golden/site) whose whole expected output is kept
in tests/golden/expected and compared file by file by test_golden.py.

After a change that is meant to change what newssite writes, make the expected output
again and read its diff before committing it:

    python tests/golden_site.py
    git diff --stat tests/golden/expected
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
SITE = HERE / "golden" / "site"
EXPECTED = HERE / "golden" / "expected"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # the build's clock: the output never drifts


def build_golden(destination: Path) -> None:
    """Build a copy of the golden site (its cache starts empty) into `destination`."""
    from newssite.build import build
    from newssite.model import BuildOptions

    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch) / "site"
        shutil.copytree(SITE, site)
        build(site, BuildOptions(now=NOW, output_dir=str(destination)))


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        made = Path(scratch) / "output"
        build_golden(made)
        shutil.rmtree(EXPECTED, ignore_errors=True)
        shutil.copytree(made, EXPECTED)
    count = sum(1 for path in EXPECTED.rglob("*") if path.is_file())
    print(f"wrote {count} files to {EXPECTED.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
