"""Import benchmark: time and peak memory of `newssite import wordpress` on a large export.

    python benchmarks/import_memory.py                 # a generated export of about 100 MB
    python benchmarks/import_memory.py --megabytes 20  # a smaller one

The export is generated (posts of a few kilobytes of HTML: paragraphs, a list, a caption
shortcode, an embed, Gutenberg block comments) and imported by the real command line in a
child process; its peak resident memory is read from the operating system.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Benchmark Gazette</title><link>https://bench.example</link>
<language>en</language>
<wp:author><wp:author_login>ana</wp:author_login><wp:author_display_name>Ana Ruiz</wp:author_display_name></wp:author>
"""

PARAGRAPH = (
    "<!-- wp:paragraph --><p>The council met on Tuesday to discuss the harbour budget, "
    "the <strong>school roof</strong> and a <a href='https://example.org/'>new ferry</a>. "
    "Residents spoke for three hours about rents, parking and the night bus.</p>"
    "<!-- /wp:paragraph -->\n\n"
)


def post(number: int, paragraphs: int) -> str:
    day = 1 + number % 28
    body = PARAGRAPH * paragraphs + (
        "<ul><li>Roads<ul><li>Bridges</li></ul></li><li>Schools</li></ul>\n\n"
        '[caption id="a" width="800"]<img src="https://bench.example/wp-content/uploads/'
        f'2020/01/p{number}.jpg" alt="Photo {number}" /> The chamber. — Photo: Lena Hart[/caption]\n\n'
        "[embed]https://www.youtube.com/watch?v=dQw4w9WgXcQ[/embed]\n"
    )
    return f"""<item><title>Story number {number}</title>
<link>https://bench.example/2020/01/{day:02d}/story-{number}/</link>
<dc:creator>ana</dc:creator><content:encoded><![CDATA[{body}]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded><wp:post_id>{number}</wp:post_id>
<wp:post_date>2020-01-{day:02d} 10:00:00</wp:post_date><wp:post_date_gmt>2020-01-{day:02d} 08:00:00</wp:post_date_gmt>
<wp:post_name>story-{number}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<category domain="category" nicename="news"><![CDATA[News]]></category></item>
"""


def write_export(path: Path, megabytes: float) -> int:
    posts = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD)
        while out.tell() < megabytes * 1_000_000:
            out.write(post(posts, 20))
            posts += 1
        out.write("</channel></rss>\n")
    return posts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--megabytes", type=float, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "export.xml"
        posts = write_export(export, args.megabytes)
        size = export.stat().st_size / 1_000_000
        env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "newssite",
                "import",
                "wordpress",
                str(export),
                "--site",
                str(Path(folder) / "site"),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            env=env,
        )
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"export: {size:.1f} MB, {posts} posts")
        print(f"import: {seconds:.1f} s, peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
