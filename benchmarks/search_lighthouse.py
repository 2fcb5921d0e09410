"""Lighthouse (mobile) on the search page: performance score and layout shift.

    python benchmarks/search_lighthouse.py OUTPUT_DIR                 # a built site's output/
    python benchmarks/search_lighthouse.py OUTPUT_DIR --runs 3 --queries council "city council"

Serves OUTPUT_DIR on a local HTTP server and runs Lighthouse 12 (`npx -y lighthouse@12`,
with the Chromium at CHROME_PATH, default /usr/bin/chromium) on /search/?q=... for each
query: mobile form factor, its default simulated throttling. Prints, per query, the
median of --runs runs of the performance score, cumulative layout shift, largest
contentful paint and total blocking time. The target for the search page: performance
at least 95 and layout shift under 0.1 at 10,000 stories (search_weight.py --keep grows
such a site). A benchmark, not a test: scores move with the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from search_weight import serving

QUERIES = ["council", "city council"]


def lighthouse(url: str, report: Path) -> dict[str, float]:
    command = [
        "npx",
        "-y",
        "lighthouse@12",
        url,
        "--chrome-flags=--headless=new --no-sandbox",
        "--only-categories=performance",
        "--form-factor=mobile",
        "--output=json",
        f"--output-path={report}",
        "--quiet",
    ]
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"lighthouse failed on {url}:\n{done.stderr[-2000:]}")
    result = json.loads(report.read_text())
    audits = result["audits"]
    return {
        "score": 100 * (result["categories"]["performance"]["score"] or 0),
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "tbt": audits["total-blocking-time"]["numericValue"],
        "fcp": audits["first-contentful-paint"]["numericValue"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("output", type=Path, help="a built site's output folder")
    parser.add_argument("--queries", nargs="*", default=QUERIES)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
    print("\n| query | performance | layout shift | LCP | TBT | FCP |")
    print("|---|---|---|---|---|---|")
    with serving(args.output) as home, tempfile.TemporaryDirectory() as temporary:
        for query in args.queries:
            runs = [
                lighthouse(
                    f"{home}search/?q={query.replace(' ', '+')}", Path(temporary) / f"{n}.json"
                )
                for n in range(args.runs)
            ]

            def median(key: str, runs: list[dict[str, float]] = runs) -> float:
                return statistics.median(run[key] for run in runs)

            scores = ", ".join(f"{run['score']:.0f}" for run in runs)
            print(
                f"| {query} | {median('score'):.0f} ({scores})"
                f" | {median('cls'):.3f} | {median('lcp'):,.0f} ms | {median('tbt'):,.0f} ms"
                f" | {median('fcp'):,.0f} ms |"
            )
            sys.stdout.flush()


if __name__ == "__main__":
    main()
